/*
 * trust.c: the trust store of signature verification (roots and CRLs) and the check of a
 * signer certificate: chain, key usage and revocation reported separately (see trust.h).
 * GnuTLS builds and verifies the path; the revocation and time checks are ours, so that a
 * stale CRL or an expired certificate is named rather than folded into "invalid".
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ca.h"
#include "signing/keys.h"
#include "signing/trust.h"

#define TRUST_CHAIN_IN_MAX 64 /* certificates a caller may hand in beside the signer */

/* Certificate checks: SHA-1 accepted (old national certificates), times checked by us. */
#define VERIFY_FLAGS                                                              \
	(GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 | GNUTLS_VERIFY_DISABLE_TIME_CHECKS | \
	 GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS)

struct trust {
	gnutls_x509_trust_list_t roots;
	size_t n_roots;
	gnutls_x509_crl_t *crls;
	size_t n_crls;
};

int trust_new(struct trust **out)
{
	struct trust *t = calloc(1, sizeof(*t));
	int rc;

	*out = NULL;
	if (!t)
		return err_set(E_NOMEM, "trust store");
	rc = gnutls_x509_trust_list_init(&t->roots, 0);
	if (rc < 0) {
		free(t);
		return keys_err(rc, "trust list");
	}
	*out = t;
	return E_OK;
}

void trust_free(struct trust *t)
{
	if (!t)
		return;
	gnutls_x509_trust_list_deinit(t->roots, 1);
	for (size_t i = 0; i < t->n_crls; i++)
		gnutls_x509_crl_deinit(t->crls[i]);
	free(t->crls);
	free(t);
}

static int is_pem(const void *data, size_t len)
{
	return memmem(data, len, "-----BEGIN", 10) != NULL;
}

int trust_add_roots(struct trust *t, const void *data, size_t len)
{
	gnutls_datum_t d = {(unsigned char *)data, (unsigned)len};
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0;
	int rc;

	if (!data || len == 0 || len > TRUST_FILE_MAX)
		return err_set(E_INVAL, "roots of %zu bytes", len);
	rc = gnutls_x509_crt_list_import2(
		&list, &n, &d, is_pem(data, len) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
	if (rc < 0 || n == 0)
		return err_set(E_CRYPTO, "no certificate: %s", gnutls_strerror(rc));
	/* the list takes the certificates, whatever it returns */
	rc = gnutls_x509_trust_list_add_cas(t->roots, list, n, 0);
	gnutls_free(list);
	if (rc < 0)
		return keys_err(rc, "add roots");
	t->n_roots += n;
	return E_OK;
}

int trust_add_crls(struct trust *t, const void *data, size_t len)
{
	gnutls_datum_t d = {(unsigned char *)data, (unsigned)len};
	gnutls_x509_crl_t *list = NULL, *v;
	unsigned n = 0;
	int rc;

	if (!data || len == 0 || len > TRUST_FILE_MAX)
		return err_set(E_INVAL, "CRLs of %zu bytes", len);
	rc = gnutls_x509_crl_list_import2(
		&list, &n, &d, is_pem(data, len) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
	if (rc < 0 || n == 0)
		return err_set(E_CRYPTO, "no CRL: %s", gnutls_strerror(rc));
	v = t->n_crls + n <= TRUST_CRLS_MAX ? reallocarray(t->crls, t->n_crls + n, sizeof(*v))
					    : NULL;
	if (!v) {
		for (unsigned i = 0; i < n; i++)
			gnutls_x509_crl_deinit(list[i]);
		gnutls_free(list);
		return t->n_crls + n > TRUST_CRLS_MAX
			       ? err_set(E_TOOBIG, "more than %d CRLs", TRUST_CRLS_MAX)
			       : err_set(E_NOMEM, "CRL list");
	}
	t->crls = v;
	memcpy(t->crls + t->n_crls, list, n * sizeof(*list));
	t->n_crls += n;
	gnutls_free(list);
	return E_OK;
}

typedef int (*add_fn)(struct trust *t, const void *data, size_t len);

static int add_file(struct trust *t, const char *path, add_fn add)
{
	char *data = NULL;
	size_t len = 0;
	int rc = fs_read_file(path, TRUST_FILE_MAX, &data, &len);

	if (rc == E_OK)
		rc = add(t, data, len);
	free(data);
	if (rc < 0) {
		char why[TRUST_DETAIL_MAX];

		snprintf(why, sizeof(why), "%s", err_detail()); /* err_set overwrites it */
		return err_set(rc, "%s: %s", path, why);
	}
	return E_OK;
}

static int wanted_name(const char *name)
{
	static const char *const ext[] = {".pem", ".crt", ".cer", ".der", ".crl"};
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (n > 4 && strcmp(name + n - 4, ext[i]) == 0)
			return 1;
	return 0;
}

static int add_dir(struct trust *t, const char *dir, add_fn add)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t files = 0;
	int rc = E_OK;

	if (!d)
		return err_set(errno == ENOENT ? E_NOTFOUND : E_IO, "%s: %s", dir, strerror(errno));
	while (rc == E_OK && (e = readdir(d))) {
		char *path;
		struct stat st;

		if (!wanted_name(e->d_name))
			continue;
		if (++files > TRUST_FILES_MAX) {
			rc = err_set(E_TOOBIG, "%s: more than %d files", dir, TRUST_FILES_MAX);
			break;
		}
		path = fs_join(dir, e->d_name);
		if (!path)
			rc = err_set(E_NOMEM, "path");
		else if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			rc = add_file(t, path, add);
		free(path);
	}
	closedir(d);
	return rc;
}

static int add_path(struct trust *t, const char *path, add_fn add)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return err_set(errno == ENOENT ? E_NOTFOUND : E_IO, "%s: %s", path,
			       strerror(errno));
	return S_ISDIR(st.st_mode) ? add_dir(t, path, add) : add_file(t, path, add);
}

int trust_add_roots_path(struct trust *t, const char *path)
{
	return add_path(t, path, trust_add_roots);
}

int trust_add_crls_path(struct trust *t, const char *path)
{
	return add_path(t, path, trust_add_crls);
}

int trust_open(struct trust **out, const char *ca_dir, const char *roots, const char *crls)
{
	struct trust *t = NULL;
	char *p = NULL;
	int rc = trust_new(&t);

	*out = NULL;
	if (rc == E_OK && ca_dir) {
		p = fs_join(ca_dir, "ca.pem");
		rc = p ? add_file(t, p, trust_add_roots) : err_set(E_NOMEM, "path");
		free(p);
		p = fs_join(ca_dir, "crl.pem");
		if (rc == E_OK && !p)
			rc = err_set(E_NOMEM, "path");
		if (rc == E_OK && fs_exists(p))
			rc = add_file(t, p, trust_add_crls);
		free(p);
	}
	if (rc == E_OK && roots)
		rc = trust_add_roots_path(t, roots);
	if (rc == E_OK && crls)
		rc = trust_add_crls_path(t, crls);
	if (rc < 0) {
		trust_free(t);
		return rc;
	}
	*out = t;
	return E_OK;
}

const char *trust_chain_name(enum trust_chain c)
{
	static const char *const names[] = {"trusted", "unknown-root", "broken", "expired"};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

const char *trust_usage_name(enum trust_usage u)
{
	return u == TRUST_USAGE_OK ? "ok" : "wrong";
}

const char *trust_revocation_name(enum trust_revocation r)
{
	static const char *const names[] = {"good", "revoked", "no-crl", "stale", "not-checked"};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* The CN of @crt (or its whole DN) for messages. */
static void crt_name(gnutls_x509_crt_t crt, char *buf, size_t size)
{
	size_t n = size - 1;

	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &n) < 0) {
		n = size - 1;
		if (gnutls_x509_crt_get_dn(crt, buf, &n) < 0)
			snprintf(buf, size, "?");
	}
	buf[size - 1] = '\0';
}

static int ku_fits(gnutls_x509_crt_t crt, char *why, size_t size)
{
	unsigned ku = 0, crit = 0;
	int rc = gnutls_x509_crt_get_key_usage(crt, &ku, &crit);

	if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		return 1;
	if (rc < 0 || !(ku & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION))) {
		snprintf(why, size, "key usage allows neither digitalSignature nor nonRepudiation");
		return 0;
	}
	return 1;
}

static int eku_fits(gnutls_x509_crt_t crt, char *why, size_t size)
{
	static const char *const ok[] = {CA_KP_DOCUMENT_SIGNING, GNUTLS_KP_EMAIL_PROTECTION,
					 GNUTLS_KP_ANY, "1.2.840.113583.1.1.5",
					 "1.3.6.1.4.1.311.10.3.12"};
	char oid[128];
	unsigned i;

	for (i = 0;; i++) {
		size_t n = sizeof(oid);
		int rc = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &n, NULL);

		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0)
			continue; /* an OID too long for us is not one we accept */
		for (size_t j = 0; j < sizeof(ok) / sizeof(ok[0]); j++)
			if (strcmp(oid, ok[j]) == 0)
				return 1;
	}
	if (i == 0)
		return 1; /* no extendedKeyUsage: any purpose */
	snprintf(why, size, "extended key usage has no document-signing purpose");
	return 0;
}

static void check_usage(gnutls_x509_crt_t crt, struct trust_result *out)
{
	unsigned crit = 0, ca = 0;
	int pathlen = 0;

	out->usage = TRUST_USAGE_WRONG;
	if (gnutls_x509_crt_get_basic_constraints(crt, &crit, &ca, &pathlen) >= 0 && ca) {
		snprintf(out->usage_detail, sizeof(out->usage_detail),
			 "a CA certificate does not sign documents");
		return;
	}
	if (ku_fits(crt, out->usage_detail, sizeof(out->usage_detail)) &&
	    eku_fits(crt, out->usage_detail, sizeof(out->usage_detail)))
		out->usage = TRUST_USAGE_OK;
}

/* GnuTLS's verification of @list (signer first) against @tl; its status. */
static int verify_with(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t *list, unsigned n,
		       unsigned *status)
{
	int rc = gnutls_x509_trust_list_verify_crt2(tl, list, n, NULL, 0, VERIFY_FLAGS, status,
						    NULL);

	return rc < 0 ? keys_err(rc, "verify chain") : E_OK;
}

/* The path did not reach a root of the store.  Verified again with every certificate above
 * the signer (or the signer alone) as anchor: intact, or merely incomplete, is an unknown
 * root; a bad signature, an issuer that is no CA or a refused algorithm is broken. */
static int check_unanchored(gnutls_x509_crt_t *list, unsigned n, unsigned *status,
			    struct trust_result *out)
{
	gnutls_x509_trust_list_t tl = NULL;
	int rc = gnutls_x509_trust_list_init(&tl, 0);

	if (rc < 0)
		return keys_err(rc, "trust list");
	rc = n > 1 ? gnutls_x509_trust_list_add_cas(tl, list + 1, n - 1, 0)
		   : gnutls_x509_trust_list_add_cas(tl, list, 1, 0);
	rc = rc < 0 ? keys_err(rc, "anchors") : verify_with(tl, list, n, status);
	gnutls_x509_trust_list_deinit(tl, 0); /* the certificates stay the caller's */
	if (rc < 0)
		return rc;
	out->chain =
		(*status & ~(unsigned)(GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND)) == 0
			? TRUST_CHAIN_UNKNOWN_ROOT
			: TRUST_CHAIN_BROKEN;
	return E_OK;
}

/* Sets out->chain from GnuTLS's path building and signature checks (times aside). */
static int check_chain(const struct trust *t, gnutls_x509_crt_t *list, unsigned n,
		       struct trust_result *out)
{
	gnutls_datum_t why = {NULL, 0};
	unsigned status = 0;
	int rc = verify_with(t->roots, list, n, &status);

	if (rc < 0)
		return rc;
	out->chain = TRUST_CHAIN_TRUSTED;
	if (status == 0)
		return E_OK;
	out->chain = TRUST_CHAIN_BROKEN;
	if (status == (GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		rc = check_unanchored(list, n, &status, out);
		if (rc < 0)
			return rc;
	}
	if (out->chain == TRUST_CHAIN_UNKNOWN_ROOT) {
		snprintf(out->chain_detail, sizeof(out->chain_detail),
			 "the certificates lead to no root of the trust store");
	} else if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0) >=
		   0) {
		snprintf(out->chain_detail, sizeof(out->chain_detail), "%s", why.data);
		gnutls_free(why.data);
	} else {
		snprintf(out->chain_detail, sizeof(out->chain_detail), "status %#x", status);
	}
	return E_OK;
}

/* The most recent CRL of the store that @issuer signed; NULL if none. */
static gnutls_x509_crl_t crl_of(const struct trust *t, gnutls_x509_crt_t issuer)
{
	gnutls_x509_crl_t best = NULL;
	time_t best_time = 0;

	for (size_t i = 0; i < t->n_crls; i++) {
		unsigned status = 0;
		time_t this_update;

		if (!gnutls_x509_crl_check_issuer(t->crls[i], issuer))
			continue;
		if (gnutls_x509_crl_verify(t->crls[i], &issuer, 1, VERIFY_FLAGS, &status) < 0 ||
		    (status & (GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_SIGNER_NOT_FOUND |
			       GNUTLS_CERT_SIGNER_NOT_CA | GNUTLS_CERT_INSECURE_ALGORITHM)))
			continue;
		this_update = gnutls_x509_crl_get_this_update(t->crls[i]);
		if (!best || this_update > best_time) {
			best = t->crls[i];
			best_time = this_update;
		}
	}
	return best;
}

/* 1 and the revocation date if @crl lists the serial of @crt. */
static int crl_lists(gnutls_x509_crl_t crl, gnutls_x509_crt_t crt, time_t *when)
{
	gnutls_x509_crl_iter_t iter = NULL;
	unsigned char want[64], got[64];
	size_t want_len = sizeof(want);
	int found = 0;

	if (gnutls_x509_crt_get_serial(crt, want, &want_len) < 0)
		return 0;
	for (;;) {
		size_t got_len = sizeof(got);
		time_t t = 0;

		if (gnutls_x509_crl_iter_crt_serial(crl, &iter, got, &got_len, &t) < 0)
			break;
		if (got_len == want_len && memcmp(got, want, got_len) == 0) {
			*when = t;
			found = 1;
			break;
		}
	}
	gnutls_x509_crl_iter_deinit(iter);
	return found;
}

/* The revocation status of @crt issued by @issuer; the worst one is kept in @out. */
static void check_revocation(const struct trust *t, gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer,
			     time_t at, struct trust_result *out)
{
	static const int rank[] = {[TRUST_REV_GOOD] = 0,
				   [TRUST_REV_STALE] = 1,
				   [TRUST_REV_NO_CRL] = 2,
				   [TRUST_REV_REVOKED] = 3};
	gnutls_x509_crl_t crl = crl_of(t, issuer);
	enum trust_revocation r = TRUST_REV_GOOD;
	time_t when = 0, next;
	char name[128], by[128];

	crt_name(crt, name, sizeof(name));
	crt_name(issuer, by, sizeof(by));
	if (!crl) {
		r = TRUST_REV_NO_CRL;
	} else if (crl_lists(crl, crt, &when)) {
		r = TRUST_REV_REVOKED;
	} else {
		next = gnutls_x509_crl_get_next_update(crl);
		if (next != (time_t)-1 && next < at)
			r = TRUST_REV_STALE;
	}
	if (rank[r] <= rank[out->revocation])
		return;
	out->revocation = r;
	if (r == TRUST_REV_REVOKED)
		out->revoked_at = when;
	snprintf(out->revocation_detail, sizeof(out->revocation_detail),
		 r == TRUST_REV_NO_CRL    ? "'%s': no CRL of its issuer '%s'"
		 : r == TRUST_REV_REVOKED ? "'%s' is revoked by the CRL of '%s'"
					  : "'%s': the CRL of '%s' is past its next update",
		 name, by);
}

/* Marks the chain expired when @crt is not valid at @at (the first such one is named). */
static void check_time(gnutls_x509_crt_t crt, time_t at, struct trust_result *out)
{
	time_t from = gnutls_x509_crt_get_activation_time(crt);
	time_t until = gnutls_x509_crt_get_expiration_time(crt);
	char name[128];

	if (out->chain != TRUST_CHAIN_TRUSTED || (from <= at && at <= until))
		return;
	crt_name(crt, name, sizeof(name));
	out->chain = TRUST_CHAIN_EXPIRED;
	snprintf(out->chain_detail, sizeof(out->chain_detail), "'%s' is %s at the time checked",
		 name, at < from ? "not yet valid" : "expired");
}

/* The issuer of @crt among @list, not @crt itself; NULL if none. */
static gnutls_x509_crt_t issuer_in(gnutls_x509_crt_t crt, gnutls_x509_crt_t *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!gnutls_x509_crt_equals(list[i], crt) &&
		    gnutls_x509_crt_check_issuer(crt, list[i]))
			return list[i];
	return NULL;
}

/* Walks a trusted path from the signer to the store's root: times and revocation. */
static void walk_path(const struct trust *t, gnutls_x509_crt_t *list, unsigned n, time_t at,
		      struct trust_result *out)
{
	gnutls_x509_crt_t cur = list[0], issuer = NULL;

	out->revocation = TRUST_REV_GOOD;
	for (out->depth = 1; out->depth <= TRUST_DEPTH_MAX; out->depth++) {
		check_time(cur, at, out);
		if (gnutls_x509_trust_list_get_issuer(t->roots, cur, &issuer, 0) == 0) {
			if (!gnutls_x509_crt_equals(cur, issuer)) {
				out->depth++;
				check_time(issuer, at, out);
				check_revocation(t, cur, issuer, at, out);
			}
			return;
		}
		issuer = issuer_in(cur, list, n);
		if (!issuer)
			break;
		check_revocation(t, cur, issuer, at, out);
		cur = issuer;
	}
	/* GnuTLS found a path we cannot retrace: do not call it trusted */
	out->chain = TRUST_CHAIN_BROKEN;
	out->revocation = TRUST_REV_NOT_CHECKED;
	snprintf(out->chain_detail, sizeof(out->chain_detail), "no path of at most %d certificates",
		 TRUST_DEPTH_MAX);
}

int trust_check(const struct trust *t, gnutls_x509_crt_t cert, const gnutls_x509_crt_t *chain,
		size_t n, time_t at, struct trust_result *out)
{
	gnutls_x509_crt_t list[TRUST_CHAIN_IN_MAX + 1];
	unsigned len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->chain = TRUST_CHAIN_BROKEN;
	out->usage = TRUST_USAGE_WRONG;
	out->revocation = TRUST_REV_NOT_CHECKED;
	if (!t || !cert || (n && !chain))
		return err_set(E_INVAL, "trust_check without a certificate");
	if (n > TRUST_CHAIN_IN_MAX)
		return err_set(E_TOOBIG, "chain of %zu certificates", n);
	list[len++] = cert;
	for (size_t i = 0; i < n; i++)
		if (chain[i] && !gnutls_x509_crt_equals(chain[i], cert))
			list[len++] = chain[i];
	check_usage(cert, out);
	rc = check_chain(t, list, len, out);
	if (rc < 0)
		return rc;
	if (out->chain == TRUST_CHAIN_TRUSTED)
		walk_path(t, list, len, at, out);
	return E_OK;
}
