/*
 * sign_token.c: signing with a token on the official's own machine.
 *
 * pdf.sign.prepare builds the new signature revision of a stored PDF for
 * the official's certificate exactly as pdfsig_sign() does, with a key
 * whose signing is done elsewhere (sigkey_external): the digest GnuTLS asks
 * it to sign, the SHA-256 of the DER of the CMS signed attributes (content
 * type, message digest of the byte ranges, signing-certificate-v2), is kept
 * under a handle and returned.  The token signs that digest on the
 * official's machine (gnutls_privkey_sign_hash: a bare digest is what a
 * PKCS#11 token's CKM_ECDSA signs).  pdf.sign.finish builds the same
 * revision again (the same input, the same /M, no signing-time: the same
 * bytes), checks that GnuTLS asks for the very digest prepared, hands it the
 * token's signature,
 * and keeps the result only if it verifies: intact, whole, trusted by the
 * commune CA, and made with the certificate given.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "common/err.h"
#include "common/log.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/sign.h"
#include "server/sign_priv.h"
#include "server/signers.h"
#include "signing/pdfsig.h"
#include "signing/sigkey.h"

/* prepare: keep the digest GnuTLS wants signed and stop the signing there. */
static int capture(void *arg, const uint8_t *tbs, size_t n, uint8_t **sig, size_t *siglen)
{
	struct sign_pending *p = arg;

	(void)sig;
	(void)siglen;
	free(p->tbs);
	if (!(p->tbs = malloc(n)))
		return err_set(E_NOMEM, "signed attributes");
	memcpy(p->tbs, tbs, n);
	p->tbslen = n;
	/* pdfsig_sign() fails here on purpose: the digest is what we came for */
	return err_set(E_AGAIN, "prepared");
}

/* finish: the same bytes must be asked for; the token's signature answers. */
static int replay(void *arg, const uint8_t *tbs, size_t n, uint8_t **sig, size_t *siglen)
{
	struct sign_job *j = arg;

	if (n != j->p->tbslen || memcmp(tbs, j->p->tbs, n) != 0)
		return err_set(E_CRYPTO, "the document is not the one prepared");
	if (!(*sig = malloc(j->siglen)))
		return err_set(E_NOMEM, "signature");
	memcpy(*sig, j->sig, j->siglen);
	*siglen = j->siglen;
	return E_OK;
}

/* The signer's certificate must chain to the commune CA now. */
static int cert_trusted(struct sign_job *j, gnutls_x509_trust_list_t tl)
{
	gnutls_datum_t d = {(unsigned char *)j->p->cert_pem, (unsigned)strlen(j->p->cert_pem)};
	gnutls_x509_crt_t crt = NULL;
	unsigned status = 1;
	int rc;

	if (gnutls_x509_crt_init(&crt) < 0)
		return err_set(E_NOMEM, "certificate");
	rc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM);
	if (rc >= 0)
		rc = gnutls_x509_trust_list_verify_crt2(tl, &crt, 1, NULL, 0, 0, &status, NULL);
	gnutls_x509_crt_deinit(crt);
	if (rc < 0 || status) {
		snprintf(j->why, sizeof(j->why),
			 "the certificate is not trusted by the commune CA (revoked, expired or "
			 "foreign)");
		return E_INVAL;
	}
	return E_OK;
}

/* prepare: runs the signing up to the signature and keeps what it asks. */
static int prepare_pdf(struct sign_job *j, const uint8_t *data, size_t len,
		       const struct pdfsig_opts *o)
{
	struct sigkey *k = NULL;
	uint8_t *out = NULL;
	size_t outlen = 0;
	int rc = sigkey_external(&k, j->p->cert_pem, capture, j->p);

	if (rc == E_OK && pdfsig_sign(&out, &outlen, data, len, k, o) == E_OK)
		rc = err_set(E_CRYPTO, "the signature was not left to the token");
	if (rc == E_OK && !j->p->tbs) {
		snprintf(j->why, sizeof(j->why), "cannot prepare this PDF: %s", err_detail());
		rc = E_INVAL;
	}
	free(out);
	sigkey_free(k);
	return rc;
}

/* finish: the same signing with the token's signature, then the checks. */
static int finish_pdf(struct sign_job *j, const uint8_t *data, size_t len,
		      const struct pdfsig_opts *o, const struct trust *tl)
{
	struct sigkey *k = NULL;
	int rc = sigkey_external(&k, j->p->cert_pem, replay, j);

	if (rc == E_OK && (rc = pdfsig_sign(&j->out, &j->outlen, data, len, k, o)) < 0) {
		snprintf(j->why, sizeof(j->why), "the token's signature does not fit: %s",
			 err_detail());
		rc = E_INVAL;
	}
	if (rc == E_OK)
		rc = sign_verify_newest(j, j->out, j->outlen, tl);
	if (rc == E_OK && strcmp(j->fpr, j->p->fpr) != 0) {
		snprintf(j->why, sizeof(j->why), "the signature is not of the certificate given");
		rc = E_INVAL;
	}
	sigkey_free(k);
	return rc;
}

static int token_run(void *arg)
{
	struct sign_job *j = arg;
	struct pdfsig_opts o = {0, j->p->now, NULL, NULL, 0};
	gnutls_x509_trust_list_t tl = NULL;
	struct trust *ts = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = sign_job_load(j, &data, &len, &tl, &ts);

	if (rc == E_OK)
		rc = cert_trusted(j, tl);
	if (rc == E_OK)
		rc = j->kind == SK_PREPARE ? prepare_pdf(j, data, len, &o)
					   : finish_pdf(j, data, len, &o, ts);
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	trust_free(ts);
	free(data);
	return rc;
}

/* Drops the prepared signatures older than SIGN_PENDING_SECONDS. */
static void pending_expire(struct sign *sg, time_t now)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, sg->pending);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (now - ((struct sign_pending *)v)->created > SIGN_PENDING_SECONDS)
			g_hash_table_iter_remove(&it);
}

static void prepare_done(struct server *srv, void *arg, int rc)
{
	struct sign_job *j = arg;
	struct session *s = session_by_sid(srv, j->sid);
	struct proto_node *body = NULL, *n;
	gchar *b64 = NULL;

	if (rc < 0)
		rc = err_set(rc, "%s", j->why[0] ? j->why : err_detail());
	else if (g_hash_table_size(srv->sign->pending) >= SIGN_PENDING_MAX)
		rc = err_set(E_BUSY, "%d signatures are waiting for their token: try again",
			     SIGN_PENDING_MAX);
	if (rc == E_OK) {
		b64 = g_base64_encode(j->p->tbs, j->p->tbslen);
		if (!(body = proto_node_new("resp")) ||
		    proto_node_set(body, "handle", j->p->handle) < 0 ||
		    proto_node_set(body, "digest", "sha256") < 0 ||
		    proto_node_set_u64(body, "expires", SIGN_PENDING_SECONDS) < 0 ||
		    !(n = proto_node_add(body, "tbs")) || proto_node_set_text(n, b64) < 0)
			rc = err_set(E_NOMEM, "reply");
	}
	if (rc == E_OK) {
		log_info("%s prepared a token signature of %.16s… (handle %.8s…)", j->person,
			 j->sha, j->p->handle);
		g_hash_table_replace(srv->sign->pending, j->p->handle, j->p);
		j->p = NULL;
		if (s)
			session_reply(s, j->id, body);
		else
			proto_node_free(body);
	} else {
		proto_node_free(body);
		if (s)
			session_error(s, j->id, rc, err_detail());
	}
	g_free(b64);
	sign_job_free(j);
}

/* The caller's own valid signing certificate, parsed. */
static int own_cert(struct session *s, const char *pem, char fpr[65])
{
	struct server *srv = session_server(s);
	const char *who;
	int rc;

	if (!pem || strlen(pem) > 65536)
		return err_set(E_INVAL, "missing element cert (the signer's certificate, PEM)");
	if ((rc = cert_info(pem, NULL, fpr, NULL, NULL)) < 0)
		return err_set(E_INVAL, "cert is not a PEM certificate");
	who = signers_person(srv->sign->signers, fpr, NULL);
	if (!who || strcmp(who, session_person(s)->id) != 0)
		return err_set(E_PERM,
			       "certificate %.16s… is not a valid signing certificate of "
			       "yours (cert.issue person=… records it)",
			       fpr);
	return E_OK;
}

int op_pdf_sign_prepare(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	const struct proto_node *cert = proto_child(req, "cert");
	struct sign_job *j = NULL;
	uint8_t rnd[16];
	char fpr[65];
	int rc;

	pending_expire(srv->sign, time(NULL));
	if ((rc = own_cert(s, cert ? cert->text : NULL, fpr)) < 0 ||
	    (rc = sign_job_new(&j, srv, SK_PREPARE, proto_attr(req, "sha256"))) < 0)
		return rc;
	j->sid = session_sid(s);
	j->id = id;
	snprintf(j->person, sizeof(j->person), "%s", session_person(s)->id);
	if (!(j->p = calloc(1, sizeof(*j->p))) || !(j->p->cert_pem = strdup(cert->text))) {
		sign_job_free(j);
		return err_set(E_NOMEM, "prepare");
	}
	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0) {
		sign_job_free(j);
		return err_set(E_CRYPTO, "no random handle");
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(j->p->handle + 2 * i, 3, "%02x", rnd[i]);
	memcpy(j->p->sha, j->sha, sizeof(j->p->sha));
	memcpy(j->p->person, j->person, sizeof(j->p->person));
	memcpy(j->p->fpr, fpr, sizeof(j->p->fpr));
	j->p->now = j->p->created = time(NULL);
	return sign_job_run(j, token_run, prepare_done);
}

static void finish_done(struct server *srv, void *arg, int rc)
{
	struct sign_job *j = arg;
	struct session *s = session_by_sid(srv, j->sid);
	uint8_t sha[32];
	char hex[65];

	if (rc < 0)
		rc = err_set(rc, "%s", j->why[0] ? j->why : err_detail());
	if (rc == E_OK && (rc = files_put(srv->files, j->out, j->outlen, sha)) == E_OK) {
		proto_hex(hex, sha);
		log_info("%s signed %.16s… with token certificate %.16s… as %s", j->person, j->sha,
			 j->fpr, hex);
		rc = s ? sign_reply_signed(s, j, hex) : E_OK;
	}
	if (rc < 0) {
		log_info("token signature of %.16s… by %s refused: %s", j->sha, j->person,
			 err_detail());
		if (s)
			session_error(s, j->id, rc, err_detail());
	}
	sign_job_free(j);
}

int op_pdf_sign_finish(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	const char *handle = proto_attr(req, "handle");
	const struct proto_node *sig = proto_child(req, "signature");
	struct sign_pending *p;
	struct sign_job *j = NULL;
	guchar *raw;
	gsize n = 0;
	int rc;

	pending_expire(srv->sign, time(NULL));
	if (!handle || !(p = g_hash_table_lookup(srv->sign->pending, handle)) ||
	    strcmp(p->person, session_person(s)->id) != 0)
		return err_set(E_NOTFOUND,
			       "no prepared signature of yours has this handle (they "
			       "last %d s)",
			       SIGN_PENDING_SECONDS);
	if (!sig || !sig->text || strlen(sig->text) > SIGN_SIG_MAX * 2)
		return err_set(E_INVAL, "missing element signature (base64)");
	if ((rc = sign_job_new(&j, srv, SK_FINISH, p->sha)) < 0)
		return rc;
	j->sid = session_sid(s);
	j->id = id;
	snprintf(j->person, sizeof(j->person), "%s", p->person);
	raw = g_base64_decode(sig->text, &n);
	if (!raw || !n || n > SIGN_SIG_MAX || !(j->sig = malloc(n))) {
		g_free(raw);
		sign_job_free(j);
		return err_set(E_INVAL, "signature is not base64 of 1 to %d bytes", SIGN_SIG_MAX);
	}
	memcpy(j->sig, raw, n);
	j->siglen = n;
	g_free(raw);
	/* One try per handle: a wrong signature needs a new prepare. */
	g_hash_table_steal(srv->sign->pending, handle);
	j->p = p;
	return sign_job_run(j, token_run, finish_done);
}
