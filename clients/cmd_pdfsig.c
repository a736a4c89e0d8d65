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

#include "clients/cli.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"
#include "pdf/gen_sigapp.h"
#include "pdf/pdf_doc.h"
#include "pdf/pdf_write.h"
#include "signing/pdfsig.h"
#include "signing/pdfverify.h"
#include "signing/sigkey.h"
#include "signing/trust.h"

#define TRUST_MAX 16
#define MM(x) ((x)*72.0 / 25.4)

void cli_help_pdfsig(void)
{
	printf(_("       dinh pdf sign --identity FILE.p12|KEY.pem:CERT.pem[:CHAIN.pem] [--pkcs7]\n"
		 "                [--certify[=1|2|3]] [--password-file F]\n"
		 "                [--appearance signer|seal|copy]\n"
		 "                [--page N] [--rect X,Y,W,H] [--image SIGNATURE.png]\n"
		 "                [--seal SEAL.png] [--name NAME] [--title TITLE]\n"
		 "                [--agency AGENCY] [--copy-kind KIND] IN.pdf OUT.pdf\n"
		 "       dinh pdf verify [--trust CA.pem]... [--crl FILE]... FILE.pdf\n"
		 "sign adds a signature by incremental update (CAdES by default, PKCS#7 with\n"
		 "--pkcs7) and checks it before writing OUT.pdf.  It is invisible unless\n"
		 "--appearance asks for the signer's signature (signer), the agency's seal\n"
		 "over it (seal) or the stamp of an electronic copy (copy); --rect is in\n"
		 "millimetres from the page's lower left corner.  verify prints every\n"
		 "signature of every revision and exits with 0 only when each is intact,\n"
		 "trusted, not revoked and followed by nothing but allowed changes, else\n"
		 "with 8.  --certify[=1|2|3] makes the signature a DocMDP certification.\n"));
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

struct sign_args {
	const char *identity, *pwfile, *in, *out, *image, *seal, *look;
	struct pdfsig_opts o;
	struct pdfsig_appearance ap;
};

/* "X,Y,W,H" in millimetres into points. */
static int parse_rect(struct pdfsig_appearance *ap, const char *s)
{
	char *end;
	int i;

	for (i = 0; i < 4; i++) {
		ap->rect[i] = MM(strtod(s, &end));
		if (end == s || *end != (i < 3 ? ',' : '\0') || !(ap->rect[i] >= 0) ||
		    ap->rect[i] > 14400)
			return cli_usage_error(_("--rect needs X,Y,W,H in millimetres"));
		s = end + 1;
	}
	ap->has_rect = 1;
	return CLI_EXIT_OK;
}

/* The copy forms of Decree 30, by name or by symbol. */
static int parse_copy_kind(struct pdfsig_appearance *ap, const char *s)
{
	static const char *const kinds[][2] = {
		{"SAO Y", "SY"}, {"SAO LỤC", "SL"}, {"TRÍCH SAO", "TrS"}};
	size_t i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, kinds[i][0]) == 0 || strcmp(s, kinds[i][1]) == 0) {
			ap->copy_kind = kinds[i][0];
			return CLI_EXIT_OK;
		}
	return cli_usage_error(_("--copy-kind is 'SAO Y', 'SAO LỤC' or 'TRÍCH SAO' (SY, SL, TrS)"));
}

/* An option with a value at argv[*i]: 1 if it is one, with *ex its verdict. */
static int value_opt(struct sign_args *a, char **argv, int *i, int argc, int *ex)
{
	const char *k = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	const char **slot = NULL;
	char *end;

	*ex = CLI_EXIT_OK;
	if (!v)
		return 0;
	if (!strcmp(k, "--identity") || !strcmp(k, "-i"))
		slot = &a->identity;
	else if (!strcmp(k, "--password-file") || !strcmp(k, "-p"))
		slot = &a->pwfile;
	else if (!strcmp(k, "--appearance"))
		slot = &a->look;
	else if (!strcmp(k, "--image"))
		slot = &a->image;
	else if (!strcmp(k, "--seal"))
		slot = &a->seal;
	else if (!strcmp(k, "--name"))
		slot = &a->ap.name;
	else if (!strcmp(k, "--title"))
		slot = &a->ap.title;
	else if (!strcmp(k, "--agency"))
		slot = &a->ap.agency;
	else if (!strcmp(k, "--rect"))
		*ex = parse_rect(&a->ap, v);
	else if (!strcmp(k, "--copy-kind"))
		*ex = parse_copy_kind(&a->ap, v);
	else if (!strcmp(k, "--page")) {
		unsigned long n = strtoul(v, &end, 10);

		if (*end || end == v || n < 1 || n > PDF_DOC_PAGES_MAX)
			*ex = cli_usage_error(_("--page needs a page number"));
		a->ap.page = (uint32_t)n;
	} else
		return 0;
	if (slot)
		*slot = v;
	(*i)++;
	return 1;
}

/* Which options go with which appearance. */
static int check_look(struct sign_args *a)
{
	static const char *const names[] = {"signer", "seal", "copy"};
	struct pdfsig_appearance *ap = &a->ap;
	int i;

	if (!a->look) {
		if (a->image || a->seal || ap->name || ap->title || ap->agency || ap->copy_kind ||
		    ap->page || ap->has_rect)
			return cli_usage_error(_("these options need --appearance"));
		return CLI_EXIT_OK;
	}
	for (i = 0; i < 3; i++)
		if (strcmp(a->look, names[i]) == 0)
			ap->look = (enum pdfsig_look)(PDFSIG_SIGNER + i);
	if (ap->look == PDFSIG_INVISIBLE)
		return cli_usage_error(_("--appearance is signer, seal or copy"));
	if ((a->image || ap->name || ap->title) && ap->look != PDFSIG_SIGNER)
		return cli_usage_error(
			_("--image, --name and --title go with --appearance signer"));
	if ((a->seal && ap->look != PDFSIG_SEAL) || (ap->agency && ap->look == PDFSIG_SIGNER))
		return cli_usage_error(
			_("--seal goes with --appearance seal, --agency with seal or copy"));
	if (ap->copy_kind && ap->look != PDFSIG_COPY)
		return cli_usage_error(_("--copy-kind goes with --appearance copy"));
	a->o.ap = ap;
	return CLI_EXIT_OK;
}

static int parse_sign(struct sign_args *a, int argc, char **argv)
{
	int i, ex;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--pkcs7") == 0)
			a->o.pkcs7 = 1;
		else if (strcmp(argv[i], "--certify") == 0)
			a->o.certify = 2;
		else if (strncmp(argv[i], "--certify=", 10) == 0 && argv[i][10] >= '1' &&
			 argv[i][10] <= '3' && !argv[i][11])
			a->o.certify = argv[i][10] - '0';
		else if (value_opt(a, argv, &i, argc, &ex)) {
			if (ex != CLI_EXIT_OK)
				return ex;
		} else if (argv[i][0] == '-')
			return cli_usage_error(_("unknown option '%s'"), argv[i]);
		else if (!a->in)
			a->in = argv[i];
		else if (!a->out)
			a->out = argv[i];
		else
			return cli_usage_error(_("'dinh pdf sign' needs IN.pdf OUT.pdf"));
	}
	if (!a->identity || !a->in || !a->out)
		return cli_usage_error(_("'dinh pdf sign' needs --identity, IN.pdf and OUT.pdf"));
	return check_look(a);
}

/* The PNG of --image or --seal, if any, into a->ap. */
static int read_image(struct sign_args *a, char **data)
{
	const char *path = a->image ? a->image : a->seal;
	size_t len = 0;
	int rc;

	*data = NULL;
	if (!path)
		return E_OK;
	rc = fs_read_file(path, GEN_SIGAPP_PNG_MAX, data, &len);
	a->ap.image = (const uint8_t *)*data;
	a->ap.image_len = len;
	return rc;
}

struct mapped_in {
	const struct fs_map *m;
	const char *path;
};

/* The signed file is written only if the input, read where it lies, did
 * not change while it was signed and the result verified. */
static int input_unchanged(void *ctx)
{
	const struct mapped_in *in = ctx;

	if (fs_map_changed(in->m, in->path))
		return err_set(E_IO, "%s changed while it was being signed", in->path);
	return E_OK;
}

int cmd_pdf_sign(const struct cli *c, int argc, char **argv)
{
	struct sign_args a = {0};
	struct sigkey *k = NULL;
	struct fs_map m = {0};
	struct mapped_in in;
	char *pw = NULL, *png = NULL;
	size_t slen = 0;
	int rc;

	if (cli_wants_help(argc, argv)) {
		cli_help_pdfsig();
		return CLI_EXIT_OK;
	}
	a.identity = c->identity;
	a.pwfile = c->password_file;
	rc = parse_sign(&a, argc, argv);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = read_image(&a, &png);
	if (rc == E_OK)
		rc = get_secret(&pw, a.identity, a.pwfile);
	if (rc == E_OK)
		rc = sigkey_open(&k, a.identity, pw);
	cli_free_secret(pw);
	/* The input is mapped, not read, and signed where it lies: the update
	 * goes into the room after it (signing/pdfsig.h, docs/signing.md). */
	if (rc == E_OK)
		rc = fs_map_file(&m, a.in, PDF_DOC_SIZE_MAX, PDF_WRITE_UPDATE_MAX);
	if (rc == E_OK)
		rc = pdfsig_sign_buf(m.p, m.len, m.cap, &slen, k, &a.o);
	in = (struct mapped_in){&m, a.in};
	if (rc == E_OK)
		rc = fs_write_atomic_if(a.out, m.p, slen, 0644, input_unchanged, &in);
	if (rc == E_OK)
		printf(_("%s: signed, %zu bytes\n"), a.out, slen);
	sigkey_free(k);
	fs_unmap(&m);
	free(png);
	return rc < 0 ? cli_fail(rc) : CLI_EXIT_OK;
}

static const char *coverage(const struct pdfverify_sig *s)
{
	if (s->coverage == PDFVERIFY_WHOLE)
		return _("the whole document");
	if (s->coverage == PDFVERIFY_ALLOWED)
		return _("its revision; later revisions hold only allowed changes");
	return _("its revision; the document was modified after signing");
}

/* @t in Vietnam time, ISO 8601. */
static const char *vn_time(char *out, size_t max, time_t t)
{
	struct tm tm;
	time_t v = t + 7 * 3600;

	gmtime_r(&v, &tm);
	strftime(out, max, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
	return out;
}

static void print_trust(const struct pdfverify_sig *s)
{
	char t[64];

	printf(_("  trust:     %s (chain %s, key usage %s)\n"),
	       s->trusted ? _("trusted") : _("NOT trusted"), trust_chain_name(s->chain),
	       trust_usage_name(s->usage));
	if (!s->trusted)
		printf("             %s\n", s->trust_why);
	printf(_("  revocation: %s\n"), trust_revocation_name(s->revocation));
	if (s->revocation == TRUST_REV_REVOKED)
		printf(_("             revoked since %s\n"), vn_time(t, sizeof(t), s->revoked_at));
	if (s->revocation_why[0])
		printf("             %s\n", s->revocation_why);
	if (s->trust_time != -1)
		printf(s->ts_time ? _("  checked at: %s (a trusted document timestamp)\n")
				  : _("  checked at: %s (now)\n"),
		       vn_time(t, sizeof(t), s->trust_time));
}

static void print_sig(const struct pdfverify_report *r, size_t i)
{
	const struct pdfverify_sig *s = &r->sig[i];
	char t[64];

	printf(_("Signature %zu: field \"%s\", revision %zu of %zu, %s\n"), i + 1, s->field,
	       s->revision, r->revisions, s->subfilter[0] ? s->subfilter : "?");
	printf(_("  signer:    %s\n"), s->signer ? s->signer : _("(unknown)"));
	printf(_("  integrity: %s\n"), s->intact ? _("intact") : _("BROKEN"));
	if (!s->intact)
		printf("             %s\n", s->integrity);
	if (s->certify)
		printf(_("  certification: DocMDP, permissions %d\n"), s->certify);
	printf(_("  coverage:  %s\n"), coverage(s));
	if (s->coverage == PDFVERIFY_MODIFIED)
		printf("             %s\n", s->coverage_why);
	print_trust(s);
	printf(_("  time (/M): %s\n"), s->m[0] ? s->m : _("(none)"));
	if (s->signing_time != -1)
		printf(_("  signing-time attribute: %s\n"), vn_time(t, sizeof(t), s->signing_time));
	if (s->gen_time != -1)
		printf(_("  timestamp genTime (claimed time): %s\n"),
		       vn_time(t, sizeof(t), s->gen_time));
}

/* The store of --trust and --crl files (PEM or DER); NULL without --trust. */
static int load_trust(struct trust **t, char **roots, size_t nr, char **crls, size_t nc)
{
	size_t i;
	int rc;

	*t = NULL;
	if (!nr)
		return E_OK;
	rc = trust_new(t);
	for (i = 0; rc == E_OK && i < nr; i++)
		rc = trust_add_roots_path(*t, roots[i]);
	for (i = 0; rc == E_OK && i < nc; i++)
		rc = trust_add_crls_path(*t, crls[i]);
	return rc;
}

#define VERIFY_USAGE "'dinh pdf verify' needs [--trust CA.pem]... [--crl FILE]... FILE.pdf"

int cmd_pdf_verify(const struct cli *c, int argc, char **argv)
{
	struct pdfverify_report *r = NULL;
	struct trust *tr = NULL;
	struct fs_map m = {0};
	char *trust[TRUST_MAX], *crl[TRUST_MAX];
	const char *file = NULL;
	size_t nt = 0, nc = 0, i;
	int rc, ex;

	(void)c;
	if (cli_wants_help(argc, argv)) {
		cli_help_pdfsig();
		return CLI_EXIT_OK;
	}
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--trust") == 0 && i + 1 < (size_t)argc && nt < TRUST_MAX)
			trust[nt++] = argv[++i];
		else if (strcmp(argv[i], "--crl") == 0 && i + 1 < (size_t)argc && nc < TRUST_MAX)
			crl[nc++] = argv[++i];
		else if (argv[i][0] == '-' || file)
			return cli_usage_error(_(VERIFY_USAGE));
		else
			file = argv[i];
	}
	if (!file || (nc && !nt))
		return cli_usage_error(_(VERIFY_USAGE));
	rc = load_trust(&tr, trust, nt, crl, nc);
	/* mapped, not read: the file is checked where it lies */
	if (rc == E_OK)
		rc = fs_map_file(&m, file, PDF_DOC_SIZE_MAX, 0);
	if (rc == E_OK)
		rc = pdfverify_data(&r, m.p, m.len, tr);
	if (rc == E_OK && fs_map_changed(&m, file))
		rc = err_set(E_IO, "%s changed while it was being verified", file);
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
	trust_free(tr);
	fs_unmap(&m);
	return ex;
}
