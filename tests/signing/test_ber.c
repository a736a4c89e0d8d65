/*
 * test_ber.c: BER to DER (signing/ber.c) on hand-made elements, DER that
 * must come out unchanged, hostile input, and the reason it exists: a PDF
 * signed by poppler's pdfsig (NSS writes indefinite lengths) verified by
 * our verifier.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ber.h"
#include "signing/pdfverify.h"
#include "signing/trust.h"
#include "tests/pdf/pdfgen.h"
#include "tests/signing/sigfix.h"
#include "tests/testutil.h"

/* Re-encodes @in and compares with @want (@used bytes of the input taken). */
static void expect(const uint8_t *in, size_t n, const uint8_t *want, size_t wn, size_t used)
{
	uint8_t *out;
	size_t len, u;

	ck_assert_int_eq(ber_to_der(&out, &len, &u, in, n), E_OK);
	ck_assert_uint_eq(u, used);
	ck_assert_uint_eq(len, wn);
	ck_assert(memcmp(out, want, wn) == 0);
	free(out);
}

static void refuse(const uint8_t *in, size_t n)
{
	uint8_t *out = (uint8_t *)"x";
	size_t len = 1, u = 1;

	ck_assert_int_eq(ber_to_der(&out, &len, &u, in, n), E_INVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(u, 0);
}

START_TEST(indefinite_made_definite)
{
	/* SEQUENCE (indefinite) { INTEGER 5, OCTET STRING in two segments },
	 * then zero padding as in a /Contents string. */
	static const uint8_t in[] = {0x30, 0x80, 0x02, 0x01, 0x05, 0x24, 0x80,
				     0x04, 0x02, 0xaa, 0xbb, 0x04, 0x01, 0xcc,
				     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t want[] = {0x30, 0x08, 0x02, 0x01, 0x05, 0x04, 0x03, 0xaa, 0xbb, 0xcc};

	expect(in, sizeof(in), want, sizeof(want), 18);
}
END_TEST

START_TEST(lengths_shortest)
{
	/* a long-form length that fits the short form; a context tag [0]
	 * constructed, indefinite, inside a definite SEQUENCE; a high tag. */
	static const uint8_t in[] = {0x30, 0x81, 0x0c, 0xa0, 0x80, 0x02, 0x01, 0x01,
				     0x00, 0x00, 0x9f, 0x81, 0x02, 0x01, 0x07};
	static const uint8_t want[] = {0x30, 0x0a, 0xa0, 0x03, 0x02, 0x01,
				       0x01, 0x9f, 0x81, 0x02, 0x01, 0x07};

	expect(in, sizeof(in), want, sizeof(want), sizeof(in));
}
END_TEST

START_TEST(der_unchanged)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t pem = {NULL, 0}, der = {NULL, 0};
	char *p;
	size_t n;

	ck_assert_int_eq(fs_read_file(sf.ca_pem, 1 << 20, &p, &n), E_OK);
	pem.data = (unsigned char *)p;
	pem.size = (unsigned)n;
	ck_assert_int_eq(gnutls_x509_crt_init(&crt), 0);
	ck_assert_int_eq(gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM), 0);
	ck_assert_int_eq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), 0);
	/* a certificate is DER: it must come out byte for byte */
	expect(der.data, der.size, der.data, der.size, der.size);
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(crt);
	free(p);
}
END_TEST

START_TEST(hostile)
{
	static const uint8_t truncated[] = {0x30, 0x80, 0x02, 0x01};
	static const uint8_t prim_indef[] = {0x04, 0x80, 0x01, 0x00, 0x00};
	static const uint8_t no_eoc[] = {0x30, 0x80, 0x02, 0x01, 0x05};
	static const uint8_t beyond[] = {0x30, 0x05, 0x02, 0x01};
	static const uint8_t lenlen[] = {0x30, 0x89, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	static const uint8_t segment[] = {0x24, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00};
	static const uint8_t longtag[] = {0x1f, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00};
	uint8_t deep[2 * (BER_DEPTH_MAX + 2) + 2 * (BER_DEPTH_MAX + 2)];
	size_t i, n = 0;

	refuse(truncated, sizeof(truncated));
	refuse(prim_indef, sizeof(prim_indef));
	refuse(no_eoc, sizeof(no_eoc));
	refuse(beyond, sizeof(beyond));
	refuse(lenlen, sizeof(lenlen));
	refuse(segment, sizeof(segment)); /* an INTEGER inside an OCTET STRING */
	refuse(longtag, sizeof(longtag));
	refuse((const uint8_t *)"", 0);
	for (i = 0; i < BER_DEPTH_MAX + 2; i++) {
		deep[n++] = 0x30;
		deep[n++] = 0x80;
	}
	for (i = 0; i < BER_DEPTH_MAX + 2; i++) {
		deep[n++] = 0;
		deep[n++] = 0;
	}
	refuse(deep, n);
}
END_TEST

/*
 * PDFs signed by poppler's pdfsig -add-signature (NSS), for a signer with a
 * Vietnamese name under a CA made by OpenSSL: NSS writes the SignedData
 * with indefinite lengths.
 */
START_TEST(pdfsig_signed_verifies)
{
	char cmd[4096], *p;
	const char *in;
	size_t len, n;
	uint8_t *pdf = tg_make(TG_TABLE, &len);
	struct trust *tl = NULL;
	struct pdfverify_report *r;
	int tries, good = 0, pdfsig_valid;

	if (system("command -v pdfsig && command -v certutil && command -v pk12util && "
		   "command -v openssl") != 0) {
		fprintf(stderr, "pdfsig, certutil, pk12util or openssl missing: skipped\n");
		free(pdf);
		return;
	}
	in = sf_write("plain.pdf", pdf, len);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		 "-keyout oca.key -out oca.pem -days 2 -subj '/CN=OpenSSL CA' "
		 "-addext basicConstraints=critical,CA:TRUE "
		 "-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null && "
		 "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout me.key "
		 "-out me.csr -utf8 -subj '/CN=" SF_SIGNER "' 2>/dev/null && "
		 "printf 'keyUsage=critical,digitalSignature,nonRepudiation\\n' >ext && "
		 "openssl x509 -req -in me.csr -CA oca.pem -CAkey oca.key -CAcreateserial "
		 "-out me.pem -days 2 -extfile ext 2>/dev/null && "
		 "openssl pkcs12 -export -inkey me.key -in me.pem -certfile oca.pem -name me "
		 "-passout pass:nss -out me.p12 && mkdir nss2 && "
		 "certutil -N -d sql:nss2 --empty-password && "
		 "certutil -A -d sql:nss2 -n ca -t CT,C,C -i oca.pem && "
		 "pk12util -i me.p12 -d sql:nss2 -W nss >/dev/null && "
		 "true",
		 sf.dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(trust_new(&tl), E_OK);
	snprintf(cmd, sizeof(cmd), "%s/oca.pem", sf.dir);
	ck_assert_int_eq(trust_add_roots_path(tl, cmd), E_OK);
	/* poppler 22.12's signer now and then writes a wrong messageDigest, and
	 * then says "Digest Mismatch" of its own file: our verdict must be the
	 * same as pdfsig's every time, until pdfsig has made a good one. */
	for (tries = 0; tries < 40 && !good; tries++) {
		snprintf(cmd, sizeof(cmd),
			 "cd %s && rm -f nss.pdf && "
			 "pdfsig -nssdir sql:nss2 -add-signature -nick me %s nss.pdf 2>/dev/null; "
			 "pdfsig -nssdir sql:nss2 nss.pdf 2>/dev/null | "
			 "grep -c 'Signature is Valid'",
			 sf.dir, in);
		pdfsig_valid = strcmp(tu_first_line(cmd), "1") == 0;
		snprintf(cmd, sizeof(cmd), "%s/nss.pdf", sf.dir);
		ck_assert_int_eq(fs_read_file(cmd, 64u << 20, &p, &n), E_OK);
		r = sf_verify((const uint8_t *)p, n, tl);
		ck_assert_uint_eq(r->n, 1);
		ck_assert_msg(r->sig[0].intact == pdfsig_valid, "pdfsig %s, we say %s",
			      pdfsig_valid ? "valid" : "not valid", r->sig[0].integrity);
		if (pdfsig_valid) {
			ck_assert_int_eq(r->sig[0].coverage, PDFVERIFY_WHOLE);
			ck_assert_msg(r->sig[0].trusted, "trust: %s", r->sig[0].trust_why);
			ck_assert_str_eq(r->sig[0].signer, SF_SIGNER);
			good = 1;
		}
		pdfverify_report_free(r);
		free(p);
	}
	ck_assert_msg(good, "pdfsig made no valid signature in %d tries", tries);
	trust_free(tl);
	free(pdf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ber");
	TCase *tc = tcase_create("ber");

	tcase_add_checked_fixture(tc, sf_setup, sf_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, indefinite_made_definite);
	tcase_add_test(tc, lengths_shortest);
	tcase_add_test(tc, der_unchanged);
	tcase_add_test(tc, hostile);
	tcase_add_test(tc, pdfsig_signed_verifies);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
