/*
 * cmd_pdfsrv.c: signatures on the server's files (docs/cli.md):
 * `dinh pdf sign --server` signs with the official's own key (a PKCS#11
 * token or a file) through pdf.sign.prepare / pdf.sign.finish, so the key
 * never leaves this machine; `dinh pdf seal` has the server add the
 * agency's seal-signature (pdf.sign); `dinh pdf verify --server` runs the
 * server's verifier (pdf.verify).  A local FILE is uploaded first; the
 * result is named by its SHA-256 and written with -o.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"
#include "common/proto.h"
#include "signing/sigkey.h"

#define PDFSRV_CRLS_MAX 8

void cli_help_pdfsrv(void)
{
	printf(_(
		"       dinh pdf sign --server --identity pkcs11:URL|FILE.p12 [--password-file F]\n"
		"                (--sha256 HEX | FILE.pdf) [-o OUT.pdf]\n"
		"       dinh pdf seal (--sha256 HEX | FILE.pdf) [-o OUT.pdf]\n"
		"                [--appearance seal|copy [--copy-kind KIND] [--page N]]\n"
		"       dinh pdf verify --server [--crl CRL.pem]... (--sha256 HEX | FILE.pdf)\n"
		"sign --server: the server prepares the signature of a file it holds, the key\n"
		"on this machine signs, the server embeds and verifies it; prints the signed\n"
		"file's SHA-256.  The key's PIN or password comes from its --password-file,\n"
		"else DINH_SIGN_PASSWORD, else a prompt.\n"
		"seal: the server adds the agency's seal-signature (clerk, chair, vice-chair,\n"
		"admin); --appearance seal draws the red seal over the left third of the\n"
		"leader's signature (the image data_dir/seal/seal.png when the commune put\n"
		"one there), --appearance copy the SAO Y / SAO LỤC / TRÍCH SAO stamp.\n"
		"verify --server: the server's verifier, with the commune CA and its configured\n"
		"roots; exit 0 only when every signature is valid, else 8.\n"
		"A FILE.pdf is uploaded first; -o downloads the signed file.\n"));
}

struct srv_args {
	const char *sha;
	const char *file;
	const char *out;
	const char *identity;
	const char *pwfile;
	const char *crls[PDFSRV_CRLS_MAX];
	size_t n_crls;
	const char *look, *copy_kind, *page; /* seal: the visible appearance */
};

static int parse(int argc, char **argv, struct srv_args *a, const char *what)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		int more = i + 1 < argc;

		if (strcmp(o, "--server") == 0)
			continue;
		if (strcmp(o, "--sha256") == 0 && more)
			a->sha = argv[++i];
		else if ((strcmp(o, "-o") == 0 || strcmp(o, "--out") == 0) && more)
			a->out = argv[++i];
		else if ((strcmp(o, "--identity") == 0 || strcmp(o, "-i") == 0) && more)
			a->identity = argv[++i];
		else if ((strcmp(o, "--password-file") == 0 || strcmp(o, "-p") == 0) && more)
			a->pwfile = argv[++i];
		else if (strcmp(o, "--crl") == 0 && more && a->n_crls < PDFSRV_CRLS_MAX)
			a->crls[a->n_crls++] = argv[++i];
		else if (strcmp(o, "--appearance") == 0 && more && !strcmp(what, "seal"))
			a->look = argv[++i];
		else if (strcmp(o, "--copy-kind") == 0 && more && !strcmp(what, "seal"))
			a->copy_kind = argv[++i];
		else if (strcmp(o, "--page") == 0 && more && !strcmp(what, "seal"))
			a->page = argv[++i];
		else if (o[0] == '-' || a->file)
			return cli_usage_error(_("'dinh pdf %s': unexpected '%s'"), what, o);
		else
			a->file = o;
	}
	if (!a->sha == !a->file)
		return cli_usage_error(_("'dinh pdf %s' needs --sha256 HEX or one FILE.pdf"), what);
	if (a->sha && strlen(a->sha) != 64)
		return cli_usage_error(_("--sha256 takes 64 hex digits"));
	return CLI_EXIT_OK;
}

/* Connects and names the input on the server (uploading a local file). */
static int start(struct client **cl, const struct cli *c, const struct srv_args *a, char hex[65])
{
	int ex = cli_connect(cl, c), rc;

	if (ex != CLI_EXIT_OK)
		return ex;
	if (a->sha) {
		snprintf(hex, 65, "%s", a->sha);
		return CLI_EXIT_OK;
	}
	if ((rc = cli_upload(*cl, a->file, hex)) < 0)
		return cli_fail(rc);
	return CLI_EXIT_OK;
}

static struct proto_node *req_new(const char *op, const char *sha)
{
	struct proto_node *req = proto_node_new("req");

	if (req && (proto_node_set(req, "op", op) < 0 ||
		    (sha && proto_node_set(req, "sha256", sha) < 0))) {
		proto_node_free(req);
		return NULL;
	}
	return req;
}

/* Prints the signed file of @resp and writes it to -o. */
static int signed_result(struct client *cl, const struct proto_node *resp, const struct srv_args *a)
{
	const char *sha = proto_attr(resp, "sha256"), *fpr = proto_attr(resp, "fingerprint");
	const char *signer = proto_attr(resp, "signer");
	int rc;

	if (!sha)
		return cli_fail(err_set(E_PROTO, "the reply names no file"));
	printf("%s\n", sha);
	fprintf(stderr, _("signed by %s, certificate %s\n"), signer ? signer : "?",
		fpr ? fpr : "?");
	if (a->out && (rc = cli_download(cl, sha, a->out)) < 0)
		return cli_fail(rc);
	return CLI_EXIT_OK;
}

int cmd_pdf_seal(const struct cli *c, int argc, char **argv)
{
	struct srv_args a;
	struct client *cl = NULL;
	struct proto_node *req = NULL, *resp = NULL;
	char hex[65];
	int ex, rc;

	if (cli_wants_help(argc, argv)) {
		cli_help_pdfsrv();
		return CLI_EXIT_OK;
	}
	if ((ex = parse(argc, argv, &a, "seal")) != CLI_EXIT_OK)
		return ex;
	if ((ex = start(&cl, c, &a, hex)) != CLI_EXIT_OK)
		goto out;
	if (!(req = req_new("pdf.sign", hex)) ||
	    (a.look && proto_node_set(req, "appearance", a.look) < 0) ||
	    (a.copy_kind && proto_node_set(req, "copy-kind", a.copy_kind) < 0) ||
	    (a.page && proto_node_set(req, "page", a.page) < 0))
		rc = err_set(E_NOMEM, "request");
	else
		rc = client_request(cl, req, &resp);
	ex = rc < 0 ? cli_fail(rc) : signed_result(cl, resp, &a);
out:
	proto_node_free(req);
	proto_node_free(resp);
	client_close(cl);
	return ex;
}

/* The token signs the SHA-256 digest @tbs (base64); *sig base64, g_free'd. */
static int token_sign(gchar **sig, const struct sigkey *k, const char *tbs_b64)
{
	gsize n = 0;
	guchar *tbs = g_base64_decode(tbs_b64, &n);
	gnutls_datum_t d = {tbs, (unsigned)n}, s = {NULL, 0};
	int rc;

	*sig = NULL;
	if (!tbs || n != 32) {
		g_free(tbs);
		return err_set(E_PROTO, "the server sent no SHA-256 digest to sign");
	}
	rc = gnutls_privkey_sign_hash(sigkey_privkey(k), GNUTLS_DIG_SHA256, 0, &d, &s);
	g_free(tbs);
	if (rc < 0)
		return err_set(E_CRYPTO, "the key cannot sign: %s", gnutls_strerror(rc));
	*sig = g_base64_encode(s.data, s.size);
	gnutls_free(s.data);
	return E_OK;
}

/* prepare, sign here, finish. */
static int token_round(struct client *cl, const struct sigkey *k, const char *hex,
		       struct proto_node **resp)
{
	struct proto_node *req = req_new("pdf.sign.prepare", hex), *prep = NULL, *n;
	const struct proto_node *tbs = NULL;
	gnutls_datum_t pem = {NULL, 0};
	gchar *sig = NULL;
	const char *handle = NULL;
	int rc = req ? E_OK : err_set(E_NOMEM, "request");

	if (rc == E_OK && gnutls_x509_crt_export2(sigkey_cert(k), GNUTLS_X509_FMT_PEM, &pem) < 0)
		rc = err_set(E_CRYPTO, "the certificate cannot be exported");
	if (rc == E_OK && (!(n = proto_node_add(req, "cert")) ||
			   proto_node_set_text(n, (const char *)pem.data) < 0))
		rc = err_set(E_NOMEM, "request");
	if (rc == E_OK)
		rc = client_request(cl, req, &prep);
	proto_node_free(req);
	req = NULL;
	if (rc == E_OK && (!(handle = proto_attr(prep, "handle")) ||
			   !(tbs = proto_child(prep, "tbs")) || !tbs->text))
		rc = err_set(E_PROTO, "the server prepared nothing to sign");
	if (rc == E_OK)
		rc = token_sign(&sig, k, tbs->text);
	if (rc == E_OK &&
	    (!(req = proto_node_new("req")) || proto_node_set(req, "op", "pdf.sign.finish") < 0 ||
	     proto_node_set(req, "handle", handle) < 0 || !(n = proto_node_add(req, "signature")) ||
	     proto_node_set_text(n, sig) < 0))
		rc = err_set(E_NOMEM, "request");
	if (rc == E_OK)
		rc = client_request(cl, req, resp);
	g_free(sig);
	gnutls_free(pem.data);
	proto_node_free(req);
	proto_node_free(prep);
	return rc;
}

int cmd_pdf_sign_server(const struct cli *c, int argc, char **argv)
{
	struct srv_args a;
	struct client *cl = NULL;
	struct proto_node *resp = NULL;
	struct sigkey *k = NULL;
	char hex[65], *pw = NULL;
	int ex, rc;

	if (cli_wants_help(argc, argv)) {
		cli_help_pdfsrv();
		return CLI_EXIT_OK;
	}
	if ((ex = parse(argc, argv, &a, "sign --server")) != CLI_EXIT_OK)
		return ex;
	if (!a.identity)
		return cli_usage_error(_("'dinh pdf sign --server' needs --identity"));
	rc = cli_get_password(&pw, a.pwfile, "DINH_SIGN_PASSWORD",
			      _("PIN or password of the signing key: "));
	if (rc == E_OK)
		rc = sigkey_open(&k, a.identity, pw);
	cli_free_secret(pw);
	if (rc < 0)
		return cli_fail(rc);
	if ((ex = start(&cl, c, &a, hex)) != CLI_EXIT_OK)
		goto out;
	rc = token_round(cl, k, hex, &resp);
	ex = rc < 0 ? cli_fail(rc) : signed_result(cl, resp, &a);
out:
	proto_node_free(resp);
	sigkey_free(k);
	client_close(cl);
	return ex;
}

static void print_sig(const struct proto_node *n, size_t i)
{
	const char *v;

	printf(_("Signature %zu: field \"%s\", revision %s, %s\n"), i,
	       proto_attr(n, "field") ? proto_attr(n, "field") : "",
	       proto_attr(n, "revision") ? proto_attr(n, "revision") : "?",
	       proto_attr(n, "subfilter") ? proto_attr(n, "subfilter") : "?");
	printf(_("  signer:      %s\n"), (v = proto_attr(n, "signer")) ? v : _("(unknown)"));
	printf(_("  integrity:   %s %s\n"), proto_attr(n, "integrity"),
	       (v = proto_attr(n, "integrity-why")) ? v : "");
	printf(_("  coverage:    %s %s\n"), proto_attr(n, "coverage"),
	       (v = proto_attr(n, "coverage-why")) ? v : "");
	printf(_("  trust:       %s %s\n"), proto_attr(n, "trust"),
	       (v = proto_attr(n, "trust-why")) ? v : "");
	if ((v = proto_attr(n, "revocation")) != NULL)
		printf(_("  revocation:  %s %s\n"), v,
		       proto_attr(n, "revocation-why") ? proto_attr(n, "revocation-why") : "");
	printf(_("  time (/M):   %s\n"), (v = proto_attr(n, "time")) ? v : _("(none)"));
	printf(_("  certificate: %s\n"), (v = proto_attr(n, "fingerprint")) ? v : "?");
}

static int verify_request(struct proto_node **out, const struct srv_args *a, const char *hex)
{
	struct proto_node *req = req_new("pdf.verify", hex), *n;
	int rc = req ? E_OK : err_set(E_NOMEM, "request");

	for (size_t i = 0; rc == E_OK && i < a->n_crls; i++) {
		char *data = NULL;
		size_t len;

		rc = fs_read_file(a->crls[i], 1u << 24, &data, &len);
		if (rc == E_OK &&
		    (!(n = proto_node_add(req, "crl")) || proto_node_set_text(n, data) < 0))
			rc = err_set(E_NOMEM, "request");
		free(data);
	}
	if (rc < 0) {
		proto_node_free(req);
		req = NULL;
	}
	*out = req;
	return rc;
}

int cmd_pdf_verify_server(const struct cli *c, int argc, char **argv)
{
	struct srv_args a;
	struct client *cl = NULL;
	struct proto_node *req = NULL, *resp = NULL;
	const char *valid;
	char hex[65];
	size_t i = 0;
	int ex, rc;

	if (cli_wants_help(argc, argv)) {
		cli_help_pdfsrv();
		return CLI_EXIT_OK;
	}
	if ((ex = parse(argc, argv, &a, "verify --server")) != CLI_EXIT_OK)
		return ex;
	if ((ex = start(&cl, c, &a, hex)) != CLI_EXIT_OK)
		goto out;
	rc = verify_request(&req, &a, hex);
	if (rc == E_OK)
		rc = client_request(cl, req, &resp);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	for (const struct proto_node *n = resp->child; n; n = n->next)
		if (strcmp(n->name, "sig") == 0)
			print_sig(n, ++i);
	if (!i)
		printf(_("%s: no signature\n"), hex);
	valid = proto_attr(resp, "valid");
	ex = valid && strcmp(valid, "1") == 0 ? CLI_EXIT_OK : CLI_EXIT_HASH;
	printf(ex == CLI_EXIT_OK ? _("%s: every signature is valid\n")
				 : _("%s: NOT every signature is valid\n"),
	       hex);
out:
	proto_node_free(req);
	proto_node_free(resp);
	client_close(cl);
	return ex;
}
