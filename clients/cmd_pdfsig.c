/*
 * cmd_pdfsig.c: `dinh pdf sign` and `dinh pdf verify`, offline on local
 * files (signing/pdfsig.h, signing/pdfverify.h, docs/signing.md).  The
 * identity's password comes from --password-file, DINH_PASSWORD or a
 * prompt, as for every identity of dinh, and is wiped after use.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/x509.h>

#include "clients/cli.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"
#include "pdf/pdf_doc.h"
#include "signing/pdfsig.h"
#include "signing/pdfverify.h"
#include "signing/sigkey.h"

#define TRUST_MAX 16

void cli_help_pdfsig(void)
{
	printf(_("       dinh pdf sign --identity FILE.p12|KEY.pem:CERT.pem[:CHAIN.pem] [--pkcs7]\n"
		 "                [--password-file F] IN.pdf OUT.pdf\n"
		 "       dinh pdf verify [--trust CA.pem]... FILE.pdf\n"
		 "sign adds a signature by incremental update (CAdES by default, PKCS#7 with\n"
		 "--pkcs7) and checks it before writing OUT.pdf.  verify prints every\n"
		 "signature of every revision and exits with 0 only when each is intact,\n"
		 "trusted and followed by nothing but allowed changes, else with 8.\n"));
}

/* A PEM identity may be unencrypted: then no password is asked. */
static int get_secret(char **pw, const char *identity, const char *file)
{
	*pw = NULL;
	if (strchr(identity, ':') && strncmp(identity, "pkcs11:", 7) != 0 && !file &&
	    !getenv("DINH_PASSWORD"))
		return E_OK;
	return cli_get_password(pw, file, "DINH_PASSWORD", _("Password for the identity: "));
}

int cmd_pdf_sign(const struct cli *c, int argc, char **argv)
{
	const char *identity = c->identity, *pwfile = c->password_file, *in = NULL, *out = NULL;
	struct pdfsig_opts o = {0, 0, NULL};
	struct sigkey *k = NULL;
	char *pw = NULL, *data = NULL;
	uint8_t *signed_pdf = NULL;
	size_t len = 0, slen = 0;
	int i, rc;

	if (cli_wants_help(argc, argv)) {
		cli_help_pdfsig();
		return CLI_EXIT_OK;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--pkcs7") == 0)
			o.pkcs7 = 1;
		else if ((strcmp(argv[i], "--identity") == 0 || strcmp(argv[i], "-i") == 0) &&
			 i + 1 < argc)
			identity = argv[++i];
		else if ((strcmp(argv[i], "--password-file") == 0 || strcmp(argv[i], "-p") == 0) &&
			 i + 1 < argc)
			pwfile = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage_error(_("unknown option '%s'"), argv[i]);
		else if (!in)
			in = argv[i];
		else if (!out)
			out = argv[i];
		else
			return cli_usage_error(_("'dinh pdf sign' needs IN.pdf OUT.pdf"));
	}
	if (!identity || !in || !out)
		return cli_usage_error(_("'dinh pdf sign' needs --identity, IN.pdf and OUT.pdf"));
	rc = get_secret(&pw, identity, pwfile);
	if (rc == E_OK)
		rc = sigkey_open(&k, identity, pw);
	cli_free_secret(pw);
	if (rc == E_OK)
		rc = fs_read_file(in, PDF_DOC_SIZE_MAX, &data, &len);
	if (rc == E_OK)
		rc = pdfsig_sign(&signed_pdf, &slen, (const uint8_t *)data, len, k, &o);
	if (rc == E_OK)
		rc = fs_write_atomic(out, signed_pdf, slen, 0644);
	if (rc == E_OK)
		printf(_("%s: signed, %zu bytes\n"), out, slen);
	sigkey_free(k);
	free(data);
	free(signed_pdf);
	return rc < 0 ? cli_fail(rc) : CLI_EXIT_OK;
}

static const char *coverage(const struct pdfverify_sig *s)
{
	if (s->coverage == PDFVERIFY_WHOLE)
		return _("the whole document");
	if (s->coverage == PDFVERIFY_ALLOWED)
		return _("its revision; later revisions only add signatures");
	return _("its revision; the document was modified after signing");
}

static void print_sig(const struct pdfverify_report *r, size_t i)
{
	const struct pdfverify_sig *s = &r->sig[i];
	char t[64];
	struct tm tm;
	time_t v;

	printf(_("Signature %zu: field \"%s\", revision %zu of %zu, %s\n"), i + 1, s->field,
	       s->revision, r->revisions, s->subfilter[0] ? s->subfilter : "?");
	printf(_("  signer:    %s\n"), s->signer ? s->signer : _("(unknown)"));
	printf(_("  integrity: %s\n"), s->intact ? _("intact") : _("BROKEN"));
	if (!s->intact)
		printf("             %s\n", s->integrity);
	printf(_("  coverage:  %s\n"), coverage(s));
	if (s->coverage == PDFVERIFY_MODIFIED)
		printf("             %s\n", s->coverage_why);
	printf(_("  trust:     %s\n"), s->trusted ? _("trusted") : _("NOT trusted"));
	if (!s->trusted)
		printf("             %s\n", s->trust_why);
	printf(_("  time (/M): %s\n"), s->m[0] ? s->m : _("(none)"));
	if (s->signing_time != -1) {
		v = s->signing_time + 7 * 3600;
		gmtime_r(&v, &tm);
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S+07:00", &tm);
		printf(_("  signing-time attribute: %s\n"), t);
	}
}

static int load_trust(gnutls_x509_trust_list_t *tl, char **files, size_t n)
{
	size_t i;

	*tl = NULL;
	if (!n)
		return E_OK;
	if (gnutls_x509_trust_list_init(tl, 0) < 0)
		return err_set(E_NOMEM, "trust list");
	for (i = 0; i < n; i++)
		if (gnutls_x509_trust_list_add_trust_file(*tl, files[i], NULL, GNUTLS_X509_FMT_PEM,
							  0, 0) <= 0)
			return err_set(E_CRYPTO, "%s: no CA certificate", files[i]);
	return E_OK;
}

int cmd_pdf_verify(const struct cli *c, int argc, char **argv)
{
	struct pdfverify_report *r = NULL;
	gnutls_x509_trust_list_t tl = NULL;
	char *trust[TRUST_MAX], *data = NULL;
	const char *file = NULL;
	size_t nt = 0, len = 0, i;
	int rc, ex;

	(void)c;
	if (cli_wants_help(argc, argv)) {
		cli_help_pdfsig();
		return CLI_EXIT_OK;
	}
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--trust") == 0 && i + 1 < (size_t)argc && nt < TRUST_MAX)
			trust[nt++] = argv[++i];
		else if (argv[i][0] == '-' || file)
			return cli_usage_error(
				_("'dinh pdf verify' needs [--trust CA.pem]... FILE.pdf"));
		else
			file = argv[i];
	}
	if (!file)
		return cli_usage_error(_("'dinh pdf verify' needs [--trust CA.pem]... FILE.pdf"));
	rc = load_trust(&tl, trust, nt);
	if (rc == E_OK)
		rc = fs_read_file(file, PDF_DOC_SIZE_MAX, &data, &len);
	if (rc == E_OK)
		rc = pdfverify_data(&r, (const uint8_t *)data, len, tl);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	if (!r->n)
		printf(_("%s: no signature\n"), file);
	for (i = 0; i < r->n; i++)
		print_sig(r, i);
	ex = pdfverify_all_valid(r) ? CLI_EXIT_OK : CLI_EXIT_HASH;
	printf(ex == CLI_EXIT_OK ? _("%s: every signature is valid\n")
				 : _("%s: NOT every signature is valid\n"),
	       file);
out:
	pdfverify_report_free(r);
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	free(data);
	return ex;
}
