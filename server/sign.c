/*
 * sign.c: the signing state of the server (the agency seal, the external
 * roots, the signers registry), the jobs that carry a stored PDF to a job
 * thread, pdf.verify and pdf.sign (the seal).  Token signing is in
 * sign_token.c, the workflow check in sign_bind.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/sign.h"
#include "server/sign_priv.h"
#include "server/signers.h"
#include "server/work.h"
#include "signing/ident.h"
#include "signing/pdfsig.h"
#include "signing/sigkey.h"
#include "signing/trust.h"

static int seal_open(struct server *srv);

/* The seal's key and certificate in data_dir/seal, made from the commune CA
 * with the official profile and the commune's name. */
static int seal_create(struct server *srv, const char *dir)
{
	char *key = NULL, *csr = NULL, *cert = NULL, *kp = NULL, *cp = NULL;
	char serial[CA_SERIAL_HEX_MAX], fpr[CA_FPR_HEX_MAX];
	int rc;

	if (!(kp = fs_join(dir, "seal.key")) || !(cp = fs_join(dir, "seal.pem"))) {
		rc = err_set(E_NOMEM, "seal");
		goto out;
	}
	if ((rc = fs_mkdir_p(dir, 0700)) < 0 || (rc = ident_keygen(&key)) < 0 ||
	    (rc = ident_csr(key, srv->cfg->commune, &csr)) < 0 ||
	    (rc = ca_issue_signer(srv->ca, CA_PROFILE_OFFICIAL, srv->cfg->commune, NULL, csr, 0,
				  &cert, serial)) < 0 ||
	    (rc = cert_info(cert, NULL, fpr, NULL, NULL)) < 0 ||
	    (rc = fs_write_atomic(kp, key, strlen(key), 0600)) < 0 ||
	    (rc = fs_write_atomic(cp, cert, strlen(cert), 0644)) < 0)
		goto out;
	rc = signers_add(srv->sign->signers, fpr, SIGNERS_SEAL, serial, "seal");
	if (rc == E_EXISTS)
		rc = E_OK;
	if (rc == E_OK)
		log_info("created the agency seal %s for %s (certificate %.16s…)", cp,
			 srv->cfg->commune, fpr);
out:
	ident_free_secret(key);
	free(csr);
	free(cert);
	free(kp);
	free(cp);
	return rc;
}

/*
 * A seal certificate with less than SIGN_SEAL_RENEW_DAYS left is replaced
 * by a new key and certificate; the old certificate is kept beside it as
 * seal-<serial>.pem (signatures made with it stay valid: it is in them and
 * chains to the commune CA).  Sets sg->seal_renewed.
 */
static int seal_renew_if_due(struct server *srv, const char *dir, const char *cp, const char *pem)
{
	char serial[CA_SERIAL_HEX_MAX], *old = NULL;
	time_t not_after = 0;
	int rc;

	if ((rc = cert_info(pem, serial, NULL, NULL, &not_after)) < 0)
		return rc;
	if (not_after - time(NULL) > (time_t)SIGN_SEAL_RENEW_DAYS * 86400)
		return E_OK;
	if (asprintf(&old, "%s/seal-%s.pem", dir, serial) < 0)
		return err_set(E_NOMEM, "seal");
	if (rename(cp, old) < 0) {
		rc = err_set(E_IO, "cannot keep the old seal as %s: %s", old, strerror(errno));
		free(old);
		return rc;
	}
	log_info("the agency seal %s expires %s: renewing it (the old one is kept as %s)", serial,
		 not_after < time(NULL) ? "(it has expired)" : "within 30 days", old);
	free(old);
	if ((rc = seal_create(srv, dir)) < 0)
		return rc;
	srv->sign->seal_renewed = 1;
	return E_OK;
}

void sign_daily(struct server *srv)
{
	if (seal_open(srv) < 0)
		log_err("agency seal: %s", err_detail());
}

static int seal_open(struct server *srv)
{
	struct sign *sg = srv->sign;
	char *dir = fs_join(srv->data_dir, "seal"), *pem = NULL, *cp = NULL;
	size_t len;
	int rc;

	if (!dir || !(cp = fs_join(dir, "seal.pem"))) {
		rc = err_set(E_NOMEM, "seal");
		goto out;
	}
	if (!fs_exists(cp) && (rc = seal_create(srv, dir)) < 0)
		goto out;
	if ((rc = fs_read_file(cp, 1u << 20, &pem, &len)) < 0 ||
	    (rc = cert_info(pem, NULL, sg->seal_fpr, NULL, NULL)) < 0)
		goto out;
	if ((rc = seal_renew_if_due(srv, dir, cp, pem)) < 0)
		goto out;
	if (sg->seal_renewed) {
		free(pem);
		pem = NULL;
		sg->seal_renewed = 0;
		if ((rc = fs_read_file(cp, 1u << 20, &pem, &len)) < 0 ||
		    (rc = cert_info(pem, NULL, sg->seal_fpr, NULL, NULL)) < 0)
			goto out;
	}
	if (sg->seal_spec) {
		rc = E_OK; /* a renewal while running: the paths stay */
		goto out;
	}
	if (asprintf(&sg->seal_spec, "%s/seal.key:%s:%s/ca/ca.pem", dir, cp, srv->data_dir) < 0 ||
	    asprintf(&sg->sealed_log, "%s/sealed.log", dir) < 0) {
		sg->seal_spec = sg->sealed_log = NULL;
		rc = err_set(E_NOMEM, "seal");
	}
out:
	free(pem);
	free(cp);
	free(dir);
	return rc;
}

/* The PEM of every [signing] trust file, each checked to hold a certificate. */
static int roots_load(struct server *srv)
{
	GString *all = g_string_new("");

	for (size_t i = 0; i < srv->cfg->n_trust; i++) {
		gnutls_x509_crt_t *list = NULL;
		unsigned n = 0;
		char *data = NULL;
		size_t len;
		gnutls_datum_t d;
		int rc = fs_read_file(srv->cfg->trust[i], 1u << 24, &data, &len);

		if (rc < 0) {
			g_string_free(all, TRUE);
			return err_set(E_CONFIG, "[signing] trust: %s", err_detail());
		}
		d = (gnutls_datum_t){(unsigned char *)data, (unsigned)len};
		if (gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0) < 0 || !n) {
			free(data);
			g_string_free(all, TRUE);
			return err_set(E_CONFIG, "[signing] trust: %s holds no PEM certificate",
				       srv->cfg->trust[i]);
		}
		for (unsigned k = 0; k < n; k++)
			gnutls_x509_crt_deinit(list[k]);
		gnutls_free(list);
		g_string_append_len(all, data, (gssize)len);
		g_string_append_c(all, '\n');
		free(data);
	}
	srv->sign->roots_pem = g_string_free(all, FALSE);
	return E_OK;
}

int sign_reload(struct server *srv)
{
	char *old = srv->sign->roots_pem;
	int rc;

	srv->sign->roots_pem = NULL;
	if ((rc = roots_load(srv)) < 0) {
		srv->sign->roots_pem = old; /* the roots in use stay */
		return rc;
	}
	g_free(old);
	return E_OK;
}

/* sealed.log: which person asked for which sealed file. */
static void sealed_load(struct sign *sg)
{
	char *data = NULL, *save = NULL;
	size_t len;

	if (!fs_exists(sg->sealed_log) || fs_read_file(sg->sealed_log, 64u << 20, &data, &len) < 0)
		return;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (sp && sp - line == 64) {
			*sp = '\0';
			g_hash_table_replace(sg->sealed, g_strdup(line), g_strdup(sp + 1));
		}
	}
	free(data);
}

void sign_pending_free(struct sign_pending *p)
{
	if (!p)
		return;
	free(p->cert_pem);
	free(p->tbs);
	free(p);
}

static void pending_free(void *p)
{
	sign_pending_free(p);
}

int sign_start(struct server *srv)
{
	char *path = fs_join(srv->data_dir, "signers.ini");
	int rc;

	if (!path || !(srv->sign = calloc(1, sizeof(*srv->sign)))) {
		free(path);
		return err_set(E_NOMEM, "sign");
	}
	srv->sign->sealed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	srv->sign->pending = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pending_free);
	rc = signers_open(&srv->sign->signers, path);
	free(path);
	if (rc == E_OK && (rc = seal_open(srv)) == E_OK)
		rc = roots_load(srv);
	if (rc == E_OK)
		sealed_load(srv->sign);
	return rc;
}

void sign_stop(struct server *srv)
{
	struct sign *sg = srv->sign;

	if (!sg)
		return;
	signers_free(sg->signers);
	g_hash_table_destroy(sg->sealed);
	g_hash_table_destroy(sg->pending);
	free(sg->seal_spec);
	free(sg->sealed_log);
	g_free(sg->roots_pem);
	free(sg);
	srv->sign = NULL;
}

int sign_record_signer(struct server *srv, const char *cert_pem, const char *person,
		       const char *serial, const char *profile)
{
	char fpr[CA_FPR_HEX_MAX];
	int rc = cert_info(cert_pem, NULL, fpr, NULL, NULL);

	return rc < 0 ? rc : signers_add(srv->sign->signers, fpr, person, serial, profile);
}

void sign_revoked(struct server *srv, const char *serial)
{
	if (signers_revoke(srv->sign->signers, serial) < 0)
		log_err("signers.ini: %s", err_detail());
}

int sign_job_new(struct sign_job **out, struct server *srv, enum sign_kind kind, const char *sha)
{
	struct sign_job *j;
	uint8_t raw[32];
	uint64_t size;

	*out = NULL;
	if (!sha || strlen(sha) != 64 || proto_unhex(raw, sha) < 0)
		return err_set(E_INVAL, "sha256 must be 64 hex digits");
	if (files_stat(srv->files, raw, &size) < 0)
		return err_set(E_NOTFOUND, "file %.16s… is not on the server: file.put first", sha);
	if (size > SIGN_PDF_MAX)
		return err_set(E_TOOBIG,
			       "a PDF signed or verified on the server has at most %u MiB",
			       SIGN_PDF_MAX >> 20);
	if (!(j = calloc(1, sizeof(*j))))
		return err_set(E_NOMEM, "sign job");
	j->kind = kind;
	j->srv = srv;
	memcpy(j->sha, sha, 65);
	for (size_t i = 0; i < 64; i++)
		j->sha[i] = g_ascii_tolower(j->sha[i]);
	j->path = files_path(srv->files, raw);
	j->trust_pem = g_strconcat(ca_cert_pem(srv->ca), "\n", srv->sign->roots_pem, NULL);
	j->crl_pem = g_strdup(ca_crl_pem(srv->ca));
	if (!j->path) {
		sign_job_free(j);
		return err_set(E_NOMEM, "sign job");
	}
	*out = j;
	return E_OK;
}

void sign_job_free(struct sign_job *j)
{
	if (!j)
		return;
	free(j->path);
	g_free(j->trust_pem);
	g_free(j->crl_pem);
	free(j->seal_spec);
	g_free(j->seal_png);
	sign_pending_free(j->p);
	free(j->sig);
	free(j->out);
	pdfverify_report_free(j->r);
	free(j);
}

int sign_job_load(struct sign_job *j, uint8_t **data, size_t *len, gnutls_x509_trust_list_t *tl,
		  struct trust **ts)
{
	gnutls_datum_t ca = {(unsigned char *)j->trust_pem, (unsigned)strlen(j->trust_pem)};
	gnutls_datum_t crl = {(unsigned char *)j->crl_pem, (unsigned)strlen(j->crl_pem)};
	int rc;

	*data = NULL;
	*tl = NULL;
	*ts = NULL;
	if ((rc = fs_read_file(j->path, SIGN_PDF_MAX, (char **)data, len)) < 0)
		return rc;
	/* The verifier's store: the same roots and CRL, with revocation statuses. */
	if ((rc = trust_new(ts)) < 0 || (rc = trust_add_roots(*ts, ca.data, ca.size)) < 0 ||
	    (crl.size && (rc = trust_add_crls(*ts, crl.data, crl.size)) < 0))
		return rc;
	if (gnutls_x509_trust_list_init(tl, 0) < 0)
		return err_set(E_NOMEM, "trust list");
	if (gnutls_x509_trust_list_add_trust_mem(*tl, &ca, crl.size ? &crl : NULL,
						 GNUTLS_X509_FMT_PEM, GNUTLS_TL_VERIFY_CRL, 0) <= 0)
		return err_set(E_CRYPTO, "the commune CA cannot be read");
	return E_OK;
}

const struct pdfverify_sig *sign_newest(const struct pdfverify_report *r)
{
	const struct pdfverify_sig *best = NULL;

	for (size_t i = 0; r && i < r->n; i++)
		if (!best || r->sig[i].revision >= best->revision)
			best = &r->sig[i];
	return best;
}

int sign_verify_newest(struct sign_job *j, const uint8_t *data, size_t len, const struct trust *tl)
{
	const struct pdfverify_sig *s;
	int rc;

	pdfverify_report_free(j->r);
	j->r = NULL;
	if ((rc = pdfverify_data(&j->r, data, len, tl)) < 0) {
		snprintf(j->why, sizeof(j->why), "the PDF cannot be read: %s", err_detail());
		return E_INVAL;
	}
	if (!(s = sign_newest(j->r))) {
		snprintf(j->why, sizeof(j->why), "the PDF has no signature");
		return E_INVAL;
	}
	memcpy(j->fpr, s->cert_sha256, sizeof(j->fpr));
	if (!s->intact)
		snprintf(j->why, sizeof(j->why), "its newest signature is broken: %s",
			 s->integrity);
	else if (s->coverage == PDFVERIFY_MODIFIED)
		snprintf(j->why, sizeof(j->why),
			 "the PDF was changed after its newest signature: %s", s->coverage_why);
	else if (!s->trusted)
		snprintf(j->why, sizeof(j->why), "its newest signature is not trusted: %s",
			 s->trust_why);
	else if (!s->cert_sha256[0])
		snprintf(j->why, sizeof(j->why), "its newest signature names no certificate");
	for (size_t i = 0; !j->why[0] && i < j->r->n; i++)
		if (!j->r->sig[i].intact)
			snprintf(j->why, sizeof(j->why), "signature %zu is broken: %s", i + 1,
				 j->r->sig[i].integrity);
	return j->why[0] ? E_INVAL : E_OK;
}

int sign_job_run(struct sign_job *j, int (*fn)(void *), void (*done)(struct server *, void *, int))
{
	int rc = work_run(j->srv, fn, done, j);

	if (rc < 0)
		sign_job_free(j);
	return rc;
}

/* One <sig> of a pdf.verify reply. */
static int sig_node(struct proto_node *body, const struct pdfverify_sig *s)
{
	static const char *const cov[] = {"whole", "allowed", "modified"};
	struct proto_node *n = proto_node_add(body, "sig");

	if (!n || proto_node_set(n, "field", s->field) < 0 ||
	    proto_node_set_u64(n, "revision", s->revision) < 0 ||
	    proto_node_set(n, "integrity", s->intact ? "intact" : "broken") < 0 ||
	    (s->integrity[0] && proto_node_set(n, "integrity-why", s->integrity) < 0) ||
	    proto_node_set(n, "coverage", cov[s->coverage]) < 0 ||
	    (s->coverage_why[0] && proto_node_set(n, "coverage-why", s->coverage_why) < 0) ||
	    proto_node_set(n, "trust", s->trusted ? "trusted" : "untrusted") < 0 ||
	    (s->trust_why[0] && proto_node_set(n, "trust-why", s->trust_why) < 0) ||
	    proto_node_set(n, "revocation", trust_revocation_name(s->revocation)) < 0 ||
	    (s->revocation_why[0] && proto_node_set(n, "revocation-why", s->revocation_why) < 0) ||
	    proto_node_set(n, "subfilter", s->subfilter) < 0 ||
	    (s->signer && proto_node_set(n, "signer", s->signer) < 0) ||
	    (s->m[0] && proto_node_set(n, "time", s->m) < 0) ||
	    (s->signing_time != -1 &&
	     proto_node_set_u64(n, "signing-time", (uint64_t)s->signing_time) < 0) ||
	    (s->cert_sha256[0] && proto_node_set(n, "fingerprint", s->cert_sha256) < 0))
		return err_set(E_NOMEM, "reply");
	return E_OK;
}

int sign_job_verify(struct sign_job *j, int newest)
{
	gnutls_x509_trust_list_t tl = NULL;
	struct trust *ts = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = sign_job_load(j, &data, &len, &tl, &ts);

	if (rc == E_OK && newest)
		rc = sign_verify_newest(j, data, len, ts);
	else if (rc == E_OK && (rc = pdfverify_data(&j->r, data, len, ts)) < 0)
		snprintf(j->why, sizeof(j->why), "%s", err_detail());
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	trust_free(ts);
	free(data);
	return rc;
}

static int verify_run(void *arg)
{
	return sign_job_verify(arg, 0);
}

static void verify_done(struct server *srv, void *arg, int rc)
{
	struct sign_job *j = arg;
	struct session *s = session_by_sid(srv, j->sid);
	struct proto_node *body = NULL;

	if (rc == E_OK &&
	    (!(body = proto_node_new("resp")) ||
	     proto_node_set_u64(body, "revisions", j->r->revisions) < 0 ||
	     proto_node_set(body, "valid", pdfverify_all_valid(j->r) ? "1" : "0") < 0))
		rc = err_set(E_NOMEM, "reply");
	for (size_t i = 0; rc == E_OK && i < j->r->n; i++)
		rc = sig_node(body, &j->r->sig[i]);
	if (s && rc == E_OK)
		session_reply(s, j->id, body);
	else
		proto_node_free(body);
	if (s && rc < 0)
		session_error(s, j->id, rc, j->why[0] ? j->why : err_detail());
	sign_job_free(j);
}

int op_pdf_verify(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct sign_job *j;
	size_t n = 0;
	int rc = sign_job_new(&j, session_server(s), SK_VERIFY, proto_attr(req, "sha256"));

	if (rc < 0)
		return rc;
	j->sid = session_sid(s);
	j->id = id;
	for (const struct proto_node *c = req->child; c; c = c->next) {
		char *all;

		if (strcmp(c->name, "crl") != 0 || !c->text)
			continue;
		if (++n > SIGN_CRLS_MAX) {
			sign_job_free(j);
			return err_set(E_TOOBIG, "at most %d <crl> elements", SIGN_CRLS_MAX);
		}
		all = g_strconcat(j->crl_pem, "\n", c->text, NULL);
		g_free(j->crl_pem);
		j->crl_pem = all;
	}
	return sign_job_run(j, verify_run, verify_done);
}

int sign_reply_signed(struct session *s, struct sign_job *j, const char *hex)
{
	const struct pdfverify_sig *sg = sign_newest(j->r);
	struct proto_node *body = proto_node_new("resp");

	if (!body || proto_node_set(body, "sha256", hex) < 0 ||
	    proto_node_set_u64(body, "size", j->outlen) < 0 ||
	    (sg && sg->signer && proto_node_set(body, "signer", sg->signer) < 0) ||
	    proto_node_set(body, "fingerprint", j->fpr) < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "reply");
	}
	return session_reply(s, j->id, body);
}

static int seal_run(void *arg)
{
	struct sign_job *j = arg;
	struct pdfsig_opts o = {0, 0, "Ký số của cơ quan", NULL, 0};
	struct pdfsig_appearance ap;
	gnutls_x509_trust_list_t tl = NULL;
	struct trust *ts = NULL;
	struct sigkey *k = NULL;
	uint8_t *data = NULL;
	char *png = NULL;
	size_t len = 0, png_len = 0;
	int rc = sign_job_load(j, &data, &len, &tl, &ts);

	memset(&ap, 0, sizeof(ap));
	if (rc == E_OK && j->look != PDFSIG_INVISIBLE) {
		/* The agency's seal image if the commune put one in place; else
		 * the seal is drawn (gen_sigapp.c). */
		if (j->look == PDFSIG_SEAL && j->seal_png && fs_exists(j->seal_png) &&
		    (rc = fs_read_file(j->seal_png, 4u << 20, &png, &png_len)) < 0)
			snprintf(j->why, sizeof(j->why), "the seal image: %s", err_detail());
		ap.look = (enum pdfsig_look)j->look;
		ap.page = j->page;
		ap.image = (const uint8_t *)png;
		ap.image_len = png_len;
		ap.copy_kind = j->copy_kind[0] ? j->copy_kind : NULL;
		o.ap = &ap;
	}
	if (rc == E_OK)
		rc = sigkey_open(&k, j->seal_spec, NULL);
	if (rc == E_OK && (rc = pdfsig_sign(&j->out, &j->outlen, data, len, k, &o)) < 0)
		snprintf(j->why, sizeof(j->why), "cannot seal this PDF: %s", err_detail());
	if (rc == E_OK)
		rc = sign_verify_newest(j, j->out, j->outlen, ts);
	sigkey_free(k);
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	trust_free(ts);
	free(data);
	free(png);
	return rc;
}

/* The appearance attributes of pdf.sign into @j. */
static int seal_look(struct sign_job *j, struct server *srv, const struct proto_node *req)
{
	const char *look = proto_attr(req, "appearance"), *kind = proto_attr(req, "copy-kind");
	uint64_t page = 0;

	if (!look)
		j->look = PDFSIG_INVISIBLE;
	else if (strcmp(look, "seal") == 0)
		j->look = PDFSIG_SEAL;
	else if (strcmp(look, "copy") == 0)
		j->look = PDFSIG_COPY;
	else
		return err_set(E_INVAL, "appearance must be seal or copy (the server holds the "
					"agency's seal only)");
	if (kind && (j->look != PDFSIG_COPY || (strcmp(kind, "SAO Y") && strcmp(kind, "SAO LỤC") &&
						strcmp(kind, "TRÍCH SAO"))))
		return err_set(E_INVAL, "copy-kind is SAO Y, SAO LỤC or TRÍCH SAO, with "
					"appearance=\"copy\"");
	snprintf(j->copy_kind, sizeof(j->copy_kind), "%s", kind ? kind : "");
	if (proto_attr(req, "page") &&
	    (proto_attr_u64(req, "page", &page) < 0 || !page || page > 100000))
		return err_set(E_INVAL, "page must be 1 to 100000");
	j->page = (unsigned)page;
	j->seal_png = g_strdup_printf("%s/seal/seal.png", srv->data_dir);
	return E_OK;
}

/* Remembers that @person had @sha sealed (sealed.log, then memory). */
static void sealed_add(struct sign *sg, const char *sha, const char *person)
{
	char line[256];
	int fd = open(sg->sealed_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	int n = snprintf(line, sizeof(line), "%s %s\n", sha, person);

	if (fd < 0 || write(fd, line, (size_t)n) != n || fsync(fd) < 0)
		log_err("%s: %s", sg->sealed_log, strerror(errno));
	if (fd >= 0)
		close(fd);
	g_hash_table_replace(sg->sealed, g_strdup(sha), g_strdup(person));
}

static void seal_done(struct server *srv, void *arg, int rc)
{
	struct sign_job *j = arg;
	struct session *s = session_by_sid(srv, j->sid);
	uint8_t sha[32];
	char hex[65];

	if (rc == E_OK && strcmp(j->fpr, srv->sign->seal_fpr) != 0)
		rc = err_set(E_CRYPTO, "the sealed file does not carry the seal's certificate");
	else if (rc < 0)
		rc = err_set(rc, "%s", j->why[0] ? j->why : err_detail());
	if (rc == E_OK && (rc = files_put(srv->files, j->out, j->outlen, sha)) == E_OK) {
		proto_hex(hex, sha);
		sealed_add(srv->sign, hex, j->person);
		log_info("%s sealed %.16s… as %s", j->person, j->sha, hex);
		rc = s ? sign_reply_signed(s, j, hex) : E_OK;
	}
	if (rc < 0) {
		log_info("seal of %.16s… by %s refused: %s", j->sha, j->person, err_detail());
		if (s)
			session_error(s, j->id, rc, err_detail());
	}
	sign_job_free(j);
}

int op_pdf_sign(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	struct sign_job *j;
	int rc = sign_job_new(&j, srv, SK_SEAL, proto_attr(req, "sha256"));

	if (rc < 0)
		return rc;
	j->sid = session_sid(s);
	j->id = id;
	snprintf(j->person, sizeof(j->person), "%s", session_person(s)->id);
	if (!(j->seal_spec = strdup(srv->sign->seal_spec))) {
		sign_job_free(j);
		return err_set(E_NOMEM, "seal");
	}
	if ((rc = seal_look(j, srv, req)) < 0) {
		sign_job_free(j);
		return rc;
	}
	return sign_job_run(j, seal_run, seal_done);
}
