/*
 * pdfverify_trust.c: the trust and revocation statuses of the signatures of
 * a PDF (trust.h), each checked at the time that can be proven: the genTime
 * of the earliest trusted document timestamp covering it, else now.  The
 * times a signer writes (/M, signing-time) are reported, never trusted: a
 * revoked or expired key could backdate them.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "signing/pdfverify_priv.h"

#define OID_KP_TIMESTAMPING "1.3.6.1.5.5.7.3.8"

/* 1 if @crt may sign timestamps: extendedKeyUsage with timeStamping. */
static int tsa_usage(gnutls_x509_crt_t crt)
{
	char oid[128];
	size_t n;
	unsigned i;

	for (i = 0;; i++) {
		n = sizeof(oid);
		if (gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &n, NULL) < 0)
			return 0;
		if (strcmp(oid, OID_KP_TIMESTAMPING) == 0)
			return 1;
	}
}

static int is_ts(const struct pdfverify_sig *s)
{
	return strcmp(s->subfilter, "ETSI.RFC3161") == 0;
}

/* The time signature @i can be checked at: a trusted, intact, unrevoked
 * document timestamp of a later revision proves it existed at its genTime. */
static time_t proven_time(const struct pdfverify_report *r, size_t i, time_t now, int *ts)
{
	time_t at = now;
	size_t j;

	*ts = 0;
	for (j = i + 1; j < r->n; j++) {
		const struct pdfverify_sig *d = &r->sig[j];

		if (!is_ts(d) || !d->intact || !d->trusted || d->revision <= r->sig[i].revision ||
		    d->gen_time == -1 || d->revocation == TRUST_REV_REVOKED || d->gen_time >= at)
			continue;
		at = d->gen_time;
		*ts = 1;
	}
	return at;
}

static void set_why(char *out, size_t max, const char *why)
{
	snprintf(out, max, "%.*s", (int)(max - 1), why);
}

static int check_one(struct pdfverify_sig *s, const struct cms_result *cr, const struct trust *t,
		     time_t at)
{
	struct trust_result tr;
	int rc;

	rc = trust_check(t, cr->certs[0], cr->certs + 1, cr->n_certs - 1, at, &tr);
	if (rc == E_NOMEM)
		return rc;
	err_clear();
	if (is_ts(s) && tr.chain != TRUST_CHAIN_BROKEN) {
		tr.usage = tsa_usage(cr->certs[0]) ? TRUST_USAGE_OK : TRUST_USAGE_WRONG;
		set_why(tr.usage_detail, sizeof(tr.usage_detail),
			tr.usage == TRUST_USAGE_OK ? "" : "the timestamp's signer is no TSA");
	}
	s->chain = tr.chain;
	s->usage = tr.usage;
	s->revocation = tr.revocation;
	s->revoked_at = tr.revocation == TRUST_REV_REVOKED ? tr.revoked_at : -1;
	s->trusted = tr.chain == TRUST_CHAIN_TRUSTED && tr.usage == TRUST_USAGE_OK;
	set_why(s->trust_why, sizeof(s->trust_why),
		tr.chain != TRUST_CHAIN_TRUSTED ? tr.chain_detail : tr.usage_detail);
	set_why(s->revocation_why, sizeof(s->revocation_why), tr.revocation_detail);
	return E_OK;
}

int pv_trust(struct pdfverify_report *r, const struct cms_result *cr, const struct trust *t,
	     time_t now)
{
	size_t i = r->n;
	int rc = E_OK;

	/* last first: a timestamp is judged before the signatures it covers */
	while (rc == E_OK && i-- > 0) {
		struct pdfverify_sig *s = &r->sig[i];

		s->chain = TRUST_CHAIN_BROKEN;
		s->usage = TRUST_USAGE_WRONG;
		s->revocation = TRUST_REV_NOT_CHECKED;
		s->trusted = 0;
		s->trust_time = proven_time(r, i, now, &s->ts_time);
		if (!s->intact || !cr[i].n_certs)
			set_why(s->trust_why, sizeof(s->trust_why), "integrity not established");
		else if (!t) {
			s->chain = TRUST_CHAIN_UNKNOWN_ROOT;
			set_why(s->trust_why, sizeof(s->trust_why), "no trust roots given");
		} else
			rc = check_one(s, &cr[i], t, s->trust_time);
	}
	return rc;
}
