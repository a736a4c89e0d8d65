/*
 * test_pdfverify.c: the trust and revocation statuses of PDF signatures with
 * the trust store (a CRL of the commune CA given by --crl, PEM and DER; a
 * stale CRL; an unknown root), the time they are checked at (a document
 * timestamp's genTime), and DocMDP certification made by `dinh pdf sign
 * --certify`, with poppler's pdfsig on the certified file.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ca.h"
#include "tests/pdf/pdfgen.h"
#include "tests/signing/sigfix.h"
#include "tests/testutil.h"

#define DAY 86400L

/* A signed one-page file, written to signed.pdf; its bytes. */
static uint8_t *signed_file(size_t *slen)
{
	size_t len;
	uint8_t *in = tg_make(TG_TABLE, &len), *p;

	p = sf_sign(in, len, sf.spec, NULL, 0, slen);
	sf_write("signed.pdf", p, *slen);
	free(in);
	return p;
}

/* @pem (one CRL) as DER in the scratch file @name; its path (static). */
static const char *crl_der(const char *pem, const char *name)
{
	gnutls_x509_crl_t crl;
	gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)}, der = {NULL, 0};
	const char *path;

	ck_assert_int_eq(gnutls_x509_crl_init(&crl), 0);
	ck_assert_int_eq(gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_PEM), 0);
	ck_assert_int_eq(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_DER, &der), 0);
	path = sf_write(name, der.data, der.size);
	gnutls_free(der.data);
	gnutls_x509_crl_deinit(crl);
	return path;
}

/* The exit code of `dinh pdf verify @args`, its output in @out. */
static int cli_verify(const char *args, char *out, size_t max)
{
	char cmd[2048];
	FILE *f;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "%s/clients/dinh pdf verify %s 2>&1", getenv("top_builddir"),
		 args);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, max - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A store of the commune CA's certificate and the CRL file @crl. */
static struct trust *store_with(const char *crl)
{
	struct trust *t = NULL;

	ck_assert_int_eq(trust_new(&t), E_OK);
	ck_assert_int_eq(trust_add_roots_path(t, sf.ca_pem), E_OK);
	if (crl)
		ck_assert_msg(trust_add_crls_path(t, crl) == E_OK, "%s", err_detail());
	return t;
}

START_TEST(revoked_by_crl)
{
	struct pdfverify_report *r;
	struct ca *ca = NULL;
	struct trust *t;
	size_t slen;
	uint8_t *p = signed_file(&slen);
	char args[1024], out[8192], crl[256];

	ck_assert_int_eq(ca_open(&ca, sf.cadir), E_OK);
	ck_assert_int_eq(ca_revoke(ca, sf.serial), E_OK);
	/* DER for the library, PEM (the CA's crl.pem) for the command */
	t = store_with(crl_der(ca_crl_pem(ca), "crl.der"));
	r = sf_verify(p, slen, t);
	ck_assert_uint_eq(r->n, 1);
	ck_assert(r->sig[0].intact && r->sig[0].trusted);
	ck_assert_int_eq(r->sig[0].revocation, TRUST_REV_REVOKED);
	ck_assert_int_ge(r->sig[0].revoked_at, time(NULL) - 600);
	ck_assert_ptr_nonnull(strstr(r->sig[0].revocation_why, SF_SIGNER));
	ck_assert_int_eq(pdfverify_all_valid(r), 0);
	pdfverify_report_free(r);
	trust_free(t);
	snprintf(crl, sizeof(crl), "%s/crl.pem", sf.cadir);
	snprintf(args, sizeof(args), "--trust %s --crl %s %s/signed.pdf", sf.ca_pem, crl, sf.dir);
	ck_assert_int_eq(cli_verify(args, out, sizeof(out)), 8);
	ck_assert_msg(strstr(out, "revocation: revoked"), "%s", out);
	/* without the CRL: trusted, no CRL for the issuer, valid */
	snprintf(args, sizeof(args), "--trust %s %s/signed.pdf", sf.ca_pem, sf.dir);
	ck_assert_int_eq(cli_verify(args, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "revocation: no-crl"), "%s", out);
	ca_free(ca);
	free(p);
}
END_TEST

/* A CRL signed 40 days ago is past its nextUpdate: stale, reported, and the
 * certificate it does not list is not thereby revoked. */
START_TEST(stale_crl)
{
	struct pdfverify_report *r;
	struct ca *ca = NULL;
	struct trust *t;
	size_t slen;
	uint8_t *p = signed_file(&slen);
	char *pem = NULL, args[1024], out[8192];
	const char *path;

	ck_assert_int_eq(ca_open(&ca, sf.cadir), E_OK);
	ck_assert_int_eq(ca_crl_pem_at(ca, time(NULL) - 40 * DAY, &pem), E_OK);
	path = sf_write("old.crl", (const uint8_t *)pem, strlen(pem));
	t = store_with(path);
	r = sf_verify(p, slen, t);
	ck_assert_int_eq(r->sig[0].revocation, TRUST_REV_STALE);
	ck_assert_ptr_nonnull(strstr(r->sig[0].revocation_why, "next update"));
	ck_assert_int_eq(pdfverify_all_valid(r), 1);
	pdfverify_report_free(r);
	trust_free(t);
	snprintf(args, sizeof(args), "--trust %s --crl %s/old.crl %s/signed.pdf", sf.ca_pem, sf.dir,
		 sf.dir);
	ck_assert_int_eq(cli_verify(args, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "revocation: stale"), "%s", out);
	/* a CRL without a --trust root is a usage error */
	snprintf(args, sizeof(args), "--crl %s/old.crl %s/signed.pdf", sf.dir, sf.dir);
	ck_assert_int_ne(cli_verify(args, out, sizeof(out)), 0);
	free(pem);
	ca_free(ca);
	free(p);
}
END_TEST

/* Another commune's CA as the only root: untrusted (unknown root), intact. */
START_TEST(unknown_root)
{
	struct pdfverify_report *r;
	struct trust *t = NULL;
	size_t slen;
	uint8_t *p = signed_file(&slen);
	char dir[256], root[300], args[1024], out[8192];

	snprintf(dir, sizeof(dir), "%s/other", sf.dir);
	ck_assert_int_eq(ca_create(dir, "UBND xã Yên Bình"), E_OK);
	snprintf(root, sizeof(root), "%s/ca.pem", dir);
	ck_assert_int_eq(trust_open(&t, NULL, root, NULL), E_OK);
	r = sf_verify(p, slen, t);
	ck_assert(r->sig[0].intact);
	ck_assert(!r->sig[0].trusted);
	ck_assert_int_eq(r->sig[0].chain, TRUST_CHAIN_UNKNOWN_ROOT);
	ck_assert_int_eq(r->sig[0].revocation, TRUST_REV_NOT_CHECKED);
	ck_assert_int_eq(pdfverify_all_valid(r), 0);
	pdfverify_report_free(r);
	trust_free(t);
	snprintf(args, sizeof(args), "--trust %s %s/signed.pdf", root, sf.dir);
	ck_assert_int_eq(cli_verify(args, out, sizeof(out)), 8);
	ck_assert_msg(strstr(out, "integrity: intact") && strstr(out, "chain unknown-root"), "%s",
		      out);
	free(p);
}
END_TEST

/* The document timestamp's genTime is its claimed time, and the time the
 * signature it covers is checked at. */
START_TEST(timestamp_time)
{
	const char *ca = tg_corpus_dir("ca");
	struct pdfverify_report *r;
	struct trust *t = NULL;
	char path[8192], dir[4096];
	char *data;
	size_t len;

	ck_assert_msg(ca, "../shared/corpus not found beside the source tree");
	snprintf(path, sizeof(path), "%s/pyhanko-testing-root.cert.pem", ca);
	snprintf(dir, sizeof(dir), "%s", tg_corpus_dir("signed-valid"));
	ck_assert_int_eq(trust_open(&t, NULL, path, NULL), E_OK);
	snprintf(path, sizeof(path), "%s/pades-lta-dss-indirect-arrs-test.pdf", dir);
	ck_assert_int_eq(fs_read_file(path, 64u << 20, &data, &len), E_OK);
	r = sf_verify((const uint8_t *)data, len, t);
	ck_assert_uint_eq(r->n, 2);
	ck_assert_str_eq(r->sig[1].subfilter, "ETSI.RFC3161");
	ck_assert_int_eq(r->sig[1].gen_time, 1604188800); /* 2020-11-01T00:00:00Z */
	ck_assert(r->sig[1].trusted && !r->sig[1].ts_time);
	ck_assert(r->sig[0].ts_time);
	ck_assert_int_eq(r->sig[0].trust_time, r->sig[1].gen_time);
	ck_assert_msg(r->sig[0].trusted, "%s", r->sig[0].trust_why);
	/* without the timestamp's proof the signer's certificate has expired */
	pdfverify_report_free(r);
	free(data);
	trust_free(t);
}
END_TEST

/* --certify=N: the level is reported, the file is valid, and pdfsig accepts it. */
START_TEST(certify_levels)
{
	struct pdfverify_report *r;
	struct pdfsig_opts o = {0};
	struct sigkey *k = NULL;
	size_t len, slen, l2;
	uint8_t *in = tg_make(TG_STREAM, &len), *p, *p2 = NULL;
	char cmd[2048], pdf[256];

	o.certify = _i + 1;
	p = sf_sign_opts(in, len, sf.spec, NULL, &o, &slen);
	r = sf_verify(p, slen, sf.tl);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_int_eq(r->sig[0].certify, _i + 1);
	ck_assert_int_eq(r->sig[0].coverage, PDFVERIFY_WHOLE);
	ck_assert_int_eq(pdfverify_all_valid(r), 1);
	pdfverify_report_free(r);
	/* a second certification is refused by the signer */
	ck_assert_int_eq(sigkey_open(&k, sf.spec, NULL), E_OK);
	ck_assert_int_eq(pdfsig_sign(&p2, &l2, p, slen, k, &o), E_INVAL);
	sigkey_free(k);
	/* an approval signature after it: allowed by P2 and P3, not by P1 */
	p2 = sf_sign(p, slen, sf.p12, SF_PASSWORD, 0, &l2);
	r = sf_verify(p2, l2, sf.tl);
	ck_assert_uint_eq(r->n, 2);
	ck_assert_int_eq(r->sig[0].coverage, _i ? PDFVERIFY_ALLOWED : PDFVERIFY_MODIFIED);
	ck_assert_int_eq(r->sig[1].certify, 0);
	pdfverify_report_free(r);
	snprintf(pdf, sizeof(pdf), "%s", sf_write("certified.pdf", p, slen));
	snprintf(cmd, sizeof(cmd),
		 "mkdir %s/nss && certutil -N -d sql:%s/nss --empty-password && "
		 "certutil -A -d sql:%s/nss -n commune -t CT,C,C -i %s && "
		 "pdfsig -nssdir sql:%s/nss %s 2>&1 | "
		 "grep -c -e 'Signature is Valid' -e 'Total document signed'",
		 sf.dir, sf.dir, sf.dir, sf.ca_pem, sf.dir, pdf);
	ck_assert_str_eq(tu_first_line(cmd), "2");
	snprintf(cmd, sizeof(cmd), "qpdf --check %s 2>&1 | grep -c 'No syntax or stream'", pdf);
	ck_assert_str_eq(tu_first_line(cmd), "1");
	free(in);
	free(p);
	free(p2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pdfverify");
	TCase *tc = tcase_create("trust");

	tcase_add_checked_fixture(tc, sf_setup, sf_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, revoked_by_crl);
	tcase_add_test(tc, stale_crl);
	tcase_add_test(tc, unknown_root);
	tcase_add_test(tc, timestamp_time);
	tcase_add_loop_test(tc, certify_levels, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
