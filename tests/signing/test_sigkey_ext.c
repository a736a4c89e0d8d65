/*
 * test_sigkey_ext.c: keys whose signatures are made elsewhere
 * (signing/sigkey_ext.c), as the server uses them for token signing: a PDF
 * signed through the callback verifies with the signer's certificate and
 * fingerprint; the digest asked for is the same on every run over the same
 * input and time (so prepare and finish agree); a wrong signature or a
 * failing callback never yields a signed file.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/pdfsig.h"
#include "signing/sigkey.h"
#include "tests/pdf/pdfgen.h"
#include "tests/signing/sigfix.h"
#include "tests/testutil.h"

struct remote {
	struct sigkey *real; /* the key "on the token" */
	uint8_t digest[32];
	size_t calls;
	int corrupt; /* flip a bit of the signature */
	int refuse;  /* fail the callback */
};

static int remote_sign(void *arg, const uint8_t *tbs, size_t n, uint8_t **sig, size_t *siglen)
{
	struct remote *r = arg;
	gnutls_datum_t d = {(unsigned char *)tbs, (unsigned)n}, s = {NULL, 0};

	ck_assert_uint_eq(n, 32);
	memcpy(r->digest, tbs, 32);
	r->calls++;
	if (r->refuse)
		return err_set(E_AGAIN, "not now");
	ck_assert_int_eq(
		gnutls_privkey_sign_hash(sigkey_privkey(r->real), GNUTLS_DIG_SHA256, 0, &d, &s), 0);
	*sig = malloc(s.size);
	ck_assert_ptr_nonnull(*sig);
	memcpy(*sig, s.data, s.size);
	*siglen = s.size;
	if (r->corrupt)
		(*sig)[s.size - 1] ^= 1;
	gnutls_free(s.data);
	return E_OK;
}

/* The certificate of the fixture's official (the CERT.pem of sf.spec). */
static char *signer_pem(void)
{
	char path[1024], *colon, *pem = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s", strchr(sf.spec, ':') + 1);
	colon = strchr(path, ':');
	*colon = '\0';
	ck_assert_int_eq(fs_read_file(path, 1 << 20, &pem, &len), E_OK);
	return pem;
}

static int sign_remote(struct remote *r, const uint8_t *in, size_t len, time_t now, uint8_t **out,
		       size_t *outlen)
{
	struct pdfsig_opts o = {0, now, NULL, NULL, 0};
	struct sigkey *k = NULL;
	char *pem = signer_pem();
	int rc;

	ck_assert_int_eq(sigkey_external(&k, pem, remote_sign, r), E_OK);
	rc = pdfsig_sign(out, outlen, in, len, k, &o);
	sigkey_free(k);
	free(pem);
	return rc;
}

START_TEST(signs_through_the_callback)
{
	struct remote r = {0};
	size_t len, slen;
	uint8_t *in = tg_make(TG_TABLE, &len), *out = NULL, fp[32];
	size_t fpl = sizeof(fp);
	struct pdfverify_report *rep;
	char hex[65];

	ck_assert_int_eq(sigkey_open(&r.real, sf.spec, NULL), E_OK);
	ck_assert_int_eq(sign_remote(&r, in, len, 0, &out, &slen), E_OK);
	ck_assert_uint_eq(r.calls, 1);
	rep = sf_verify(out, slen, sf.tl);
	ck_assert_uint_eq(rep->n, 1);
	ck_assert_msg(rep->sig[0].intact, "%s", rep->sig[0].integrity);
	ck_assert_msg(rep->sig[0].trusted, "%s", rep->sig[0].trust_why);
	ck_assert_str_eq(rep->sig[0].signer, SF_SIGNER);
	ck_assert_int_eq(
		gnutls_x509_crt_get_fingerprint(sigkey_cert(r.real), GNUTLS_DIG_SHA256, fp, &fpl),
		0);
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", fp[i]);
	ck_assert_str_eq(rep->sig[0].cert_sha256, hex);
	pdfverify_report_free(rep);
	sigkey_free(r.real);
	free(in);
	free(out);
}
END_TEST

START_TEST(same_digest_for_same_input_and_time)
{
	struct remote a = {0}, b = {0}, c = {0};
	size_t len, la, lb;
	uint8_t *in = tg_make(TG_STREAM, &len), *oa = NULL, *ob = NULL, *oc = NULL;
	time_t t = 1796000000;

	ck_assert_int_eq(sigkey_open(&a.real, sf.spec, NULL), E_OK);
	b.real = c.real = a.real;
	b.refuse = 1; /* prepare: the digest is asked for, no signature comes */
	ck_assert_int_ne(sign_remote(&b, in, len, t, &ob, &lb), E_OK);
	ck_assert_ptr_null(ob);
	ck_assert_int_eq(sign_remote(&a, in, len, t, &oa, &la), E_OK);
	ck_assert_int_eq(memcmp(a.digest, b.digest, 32), 0);
	ck_assert_int_eq(sign_remote(&c, in, len, t + 1, &oc, &lb), E_OK);
	ck_assert_int_ne(memcmp(a.digest, c.digest, 32), 0); /* another /M, another digest */
	sigkey_free(a.real);
	free(in);
	free(oa);
	free(oc);
}
END_TEST

START_TEST(wrong_signature_is_refused)
{
	struct remote r = {0};
	size_t len, slen = 0;
	uint8_t *in = tg_make(TG_TABLE, &len), *out = NULL;

	ck_assert_int_eq(sigkey_open(&r.real, sf.spec, NULL), E_OK);
	r.corrupt = 1;
	ck_assert_int_lt(sign_remote(&r, in, len, 0, &out, &slen), 0);
	ck_assert_ptr_null(out);
	sigkey_free(r.real);
	free(in);
}
END_TEST

START_TEST(bad_certificate)
{
	struct sigkey *k = NULL;

	ck_assert_int_eq(sigkey_external(&k, "not a certificate", remote_sign, NULL), E_CRYPTO);
	ck_assert_ptr_null(k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sigkey_ext");
	TCase *tc = tcase_create("external");

	tcase_add_checked_fixture(tc, sf_setup, sf_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, signs_through_the_callback);
	tcase_add_test(tc, same_digest_for_same_input_and_time);
	tcase_add_test(tc, wrong_signature_is_refused);
	tcase_add_test(tc, bad_certificate);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
