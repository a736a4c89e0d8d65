/*
 * test_cms.c: the CMS of PDF signatures (signing/cms.c, signing/cms_sign.c):
 * a SignedData made over a digest is canonical DER (GnuTLS re-encodes it to
 * the same bytes) and checks over the runs it was made for, and not over
 * others, nor with another digest given; one without signed attributes
 * (the signature over the data itself, made by GnuTLS) checks over runs.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/pkcs7.h>

#include "common/err.h"
#include "signing/cms.h"
#include "tests/signing/sigfix.h"
#include "tests/testutil.h"

static const char text[] = "Ủy ban nhân dân xã: the bytes that are signed, in two runs.";

static void runs(struct cms_span s[2], const char *t)
{
	s[0] = (struct cms_span){(const uint8_t *)t, 20};
	s[1] = (struct cms_span){(const uint8_t *)t + 20, strlen(t) - 20};
}

static void check(const uint8_t *der, size_t n, const struct cms_span *s, const uint8_t *digest,
		  int intact, const char *why)
{
	struct cms_result r;

	ck_assert_int_eq(cms_check(&r, der, n, s, 2, 0, digest), E_OK);
	ck_assert_msg(r.intact == intact, "intact %d: %s", r.intact, r.why);
	if (why)
		ck_assert_msg(strstr(r.why, why), "%s", r.why);
	if (intact)
		ck_assert_str_eq(r.signer, SF_SIGNER);
	cms_result_clear(&r);
}

START_TEST(over_a_digest)
{
	struct sigkey *k = NULL;
	struct cms_span s[2];
	uint8_t h[32], *der = NULL, bad[32];
	size_t n = 0;
	gnutls_pkcs7_t p7;
	gnutls_datum_t d, again = {NULL, 0};
	char other[sizeof(text)];

	ck_assert_int_eq(sigkey_open(&k, sf.spec, NULL), E_OK);
	ck_assert_int_eq(cms_can_sign_digest(k), 1);
	ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, text, strlen(text), h), 0);
	ck_assert_int_eq(cms_sign_digest(&der, &n, k, h, 1767225600, _i), E_OK);
	/* canonical DER: GnuTLS's parse and re-encoding give the same bytes */
	d = (gnutls_datum_t){der, (unsigned)n};
	ck_assert_int_eq(gnutls_pkcs7_init(&p7), 0);
	ck_assert_int_eq(gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_DER), 0);
	ck_assert_int_eq(gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &again), 0);
	ck_assert_uint_eq(again.size, n);
	ck_assert_int_eq(memcmp(again.data, der, n), 0);
	gnutls_free(again.data);
	gnutls_pkcs7_deinit(p7);
	runs(s, text);
	check(der, n, s, NULL, 1, NULL);
	check(der, n, s, h, 1, NULL);
	memcpy(bad, h, 32);
	bad[31] ^= 1;
	check(der, n, s, bad, 0, "messageDigest");
	memcpy(other, text, sizeof(text));
	other[25] ^= 1;
	runs(s, other);
	check(der, n, s, NULL, 0, "messageDigest");
	free(der);
	sigkey_free(k);
}
END_TEST

/* GnuTLS's SignedData without signed attributes: checked on a joined copy. */
START_TEST(without_signed_attributes)
{
	struct sigkey *k = NULL;
	gnutls_x509_crt_t *chain;
	gnutls_pkcs7_t p7;
	gnutls_datum_t data = {(unsigned char *)text, (unsigned)strlen(text)}, der = {NULL, 0};
	struct cms_span s[2];
	char other[sizeof(text)];

	ck_assert_int_eq(sigkey_open(&k, sf.spec, NULL), E_OK);
	ck_assert_uint_ge(sigkey_chain(k, &chain), 1);
	ck_assert_int_eq(gnutls_pkcs7_init(&p7), 0);
	ck_assert_int_eq(gnutls_pkcs7_sign(p7, chain[0], sigkey_privkey(k), &data, NULL, NULL,
					   GNUTLS_DIG_SHA256, GNUTLS_PKCS7_INCLUDE_CERT),
			 0);
	ck_assert_int_eq(gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &der), 0);
	gnutls_pkcs7_deinit(p7);
	runs(s, text);
	check(der.data, der.size, s, NULL, 1, NULL);
	memcpy(other, text, sizeof(text));
	other[3] ^= 1;
	runs(s, other);
	check(der.data, der.size, s, NULL, 0, "does not verify");
	gnutls_free(der.data);
	sigkey_free(k);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cms");
	TCase *tc = tcase_create("cms");

	/* the fixture makes a CA and keys: more than Check's default 4 s on a busy machine */
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, sf_setup, sf_teardown);
	tcase_add_loop_test(tc, over_a_digest, 0, 2); /* CAdES, PKCS#7 */
	tcase_add_test(tc, without_signed_attributes);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
