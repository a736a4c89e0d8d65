/*
 * test_p11.c: keys on a PKCS#11 token (signing/sigkey_p11.c) against SoftHSM2: a token made in
 * a scratch directory, a key and its commune-issued signing certificate written to it with
 * p11tool, a digest signed on the token and verified with the certificate; a wrong PIN, a
 * missing object or token, a key that is not its certificate's.  Skips (77) when SoftHSM2 or
 * p11tool is not installed.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ca.h"
#include "signing/ident.h"
#include "signing/sigkey_priv.h"
#include "signing/trust.h"
#include "tests/testutil.h"

#define TOKEN "dinh-test"
#define PIN "246810"
#define SO_PIN "13579111"
#define SIGNER "Nguyễn Thị Hồng Nhung"
#define URL_KEY "pkcs11:token=" TOKEN ";object=signer;type=private"

static char scratch[64], cadir[128];

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command made from @fmt; the test fails if it fails. */
static void run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_p11: failed: %s\n", cmd);
		tu_rm_tree(scratch);
		exit(EXIT_FAILURE);
	}
}

static void write_pem(const char *name, const char *pem)
{
	char *path = fs_join(scratch, name);

	if (!path || fs_write_atomic(path, pem, strlen(pem), 0600) != E_OK) {
		fprintf(stderr, "test_p11: cannot write %s\n", name);
		exit(EXIT_FAILURE);
	}
	free(path);
}

/* A signing key of the commune CA: key and certificate in PEM, both malloc'd. */
static void issue(struct ca *ca, char **key, char **cert)
{
	char *csr = NULL;

	if (ident_keygen(key) != E_OK || ident_csr(*key, "x", &csr) != E_OK ||
	    ca_issue_signer(ca, CA_PROFILE_OFFICIAL, SIGNER, "CCCD:001099012345", csr, 0, cert,
			    NULL) != E_OK) {
		fprintf(stderr, "test_p11: issue: %s\n", err_detail());
		exit(EXIT_FAILURE);
	}
	free(csr);
}

/* The token, before any test: SoftHSM2 in @scratch, the object "signer" (key and certificate,
 * id 01) and "mixed" (a key with another key's certificate, id 02). */
static void make_token(void)
{
	char conf[160], tokens[160], text[256], *k1, *c1, *k2, *c2;
	struct ca *ca = NULL;

	snprintf(tokens, sizeof(tokens), "%s/tokens", scratch);
	snprintf(conf, sizeof(conf), "%s/softhsm2.conf", scratch);
	snprintf(text, sizeof(text), "directories.tokendir = %s\nobjectstore.backend = file\n",
		 tokens);
	if (fs_mkdir_p(tokens, 0700) != E_OK || fs_write_atomic(conf, text, strlen(text), 0600))
		exit(EXIT_FAILURE);
	setenv("SOFTHSM2_CONF", conf, 1);
	run("softhsm2-util --init-token --free --label %s --so-pin %s --pin %s >/dev/null", TOKEN,
	    SO_PIN, PIN);
	if (system("p11tool --list-tokens 2>/dev/null | grep -q 'token=" TOKEN "$'") != 0) {
		printf("test_p11: skipped: p11-kit does not load SoftHSM2 (no softhsm2.module)\n");
		tu_rm_tree(scratch);
		exit(77);
	}
	if (ca_create(cadir, "UBND xã Tân Lập") != E_OK || ca_open(&ca, cadir) != E_OK)
		exit(EXIT_FAILURE);
	issue(ca, &k1, &c1);
	issue(ca, &k2, &c2);
	write_pem("k1.pem", k1);
	write_pem("c1.pem", c1);
	write_pem("k2.pem", k2);
	write_pem("c2.pem", c2);
	setenv("GNUTLS_PIN", PIN, 1);
	run("cd %s && p11tool --login --write --load-privkey k1.pem --label signer --id 01 "
	    "'pkcs11:token=%s' >/dev/null 2>&1",
	    scratch, TOKEN);
	run("cd %s && p11tool --login --write --load-certificate c1.pem --label signer --id 01 "
	    "'pkcs11:token=%s' >/dev/null 2>&1",
	    scratch, TOKEN);
	run("cd %s && p11tool --login --write --load-privkey k1.pem --label mixed --id 02 "
	    "'pkcs11:token=%s' >/dev/null 2>&1",
	    scratch, TOKEN);
	run("cd %s && p11tool --login --write --load-certificate c2.pem --label mixed --id 02 "
	    "'pkcs11:token=%s' >/dev/null 2>&1",
	    scratch, TOKEN);
	unsetenv("GNUTLS_PIN");
	ident_free_secret(k1);
	ident_free_secret(k2);
	free(c1);
	free(c2);
	ca_free(ca);
}

static void key_free(struct sigkey *k)
{
	gnutls_privkey_deinit(k->key);
	for (size_t i = 0; i < k->nchain; i++)
		gnutls_x509_crt_deinit(k->chain[i]);
	free(k);
}

/* Signs a SHA-256 digest on the token and verifies it with the key's certificate. */
static void sign_and_verify(struct sigkey *k)
{
	unsigned char h[32];
	gnutls_datum_t digest = {h, sizeof(h)}, sig = {NULL, 0};
	gnutls_pubkey_t pub = NULL;

	static const char text[] = "Quyết định số 12/QĐ-UBND";

	ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, text, strlen(text), h), 0);
	ck_assert_int_eq(
		gnutls_privkey_sign_hash2(k->key, GNUTLS_SIGN_ECDSA_SHA256, 0, &digest, &sig), 0);
	ck_assert_int_eq(gnutls_pubkey_init(&pub), 0);
	ck_assert_int_eq(gnutls_pubkey_import_x509(pub, k->chain[0], 0), 0);
	ck_assert_int_ge(
		gnutls_pubkey_verify_hash2(pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &digest, &sig), 0);
	h[0] ^= 1; /* another digest does not verify */
	ck_assert_int_lt(
		gnutls_pubkey_verify_hash2(pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &digest, &sig), 0);
	gnutls_free(sig.data);
	gnutls_pubkey_deinit(pub);
}

START_TEST(test_sign_with_token)
{
	static const char *const urls[] = {URL_KEY, "pkcs11:token=" TOKEN ";object=signer",
					   "pkcs11:token=" TOKEN ";id=%01;type=cert"};
	struct sigkey *k = NULL;
	struct trust *t = NULL;
	struct trust_result r;
	char cn[256];
	size_t n = sizeof(cn);

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		ck_assert_msg(sigkey_open_pkcs11(&k, urls[i], PIN) == E_OK, "%s: %s", urls[i],
			      err_detail());
		ck_assert_uint_eq(k->nchain, 1);
		sign_and_verify(k);
		if (i == 0) {
			ck_assert_int_eq(gnutls_x509_crt_get_dn_by_oid(k->chain[0],
								       GNUTLS_OID_X520_COMMON_NAME,
								       0, 0, cn, &n),
					 0);
			ck_assert_str_eq(cn, SIGNER);
			/* the certificate on the token chains to the commune CA and may sign */
			ck_assert_int_eq(trust_open(&t, cadir, NULL, NULL), E_OK);
			ck_assert_int_eq(trust_check(t, k->chain[0], NULL, 0, time(NULL), &r),
					 E_OK);
			ck_assert_int_eq(r.chain, TRUST_CHAIN_TRUSTED);
			ck_assert_int_eq(r.usage, TRUST_USAGE_OK);
			ck_assert_int_eq(r.revocation, TRUST_REV_GOOD);
			trust_free(t);
		}
		key_free(k);
		k = NULL;
	}
}
END_TEST

START_TEST(test_wrong_pin)
{
	struct sigkey *k = NULL;

	ck_assert_int_eq(sigkey_open_pkcs11(&k, URL_KEY, "000000"), E_PASSWORD);
	ck_assert_ptr_null(k);
	ck_assert_msg(strstr(err_detail(), "wrong PIN for token '" TOKEN "'"), "%s", err_detail());
	ck_assert_msg(strstr(err_detail(), "tries"), "%s", err_detail());
	ck_assert_int_eq(sigkey_open_pkcs11(&k, URL_KEY, NULL), E_PASSWORD);
	ck_assert_ptr_nonnull(strstr(err_detail(), "needs a PIN"));
	/* one wrong PIN did not lock it */
	ck_assert_int_eq(sigkey_open_pkcs11(&k, URL_KEY, PIN), E_OK);
	key_free(k);
}
END_TEST

START_TEST(test_pin_messages)
{
	char msg[256];

	sigkey_p11_pin_detail(msg, sizeof(msg), "VNPT-CA", GNUTLS_PKCS11_TOKEN_USER_PIN_FINAL_TRY);
	ck_assert_str_eq(msg, "wrong PIN for token 'VNPT-CA'; one try left before it locks");
	sigkey_p11_pin_detail(msg, sizeof(msg), "VNPT-CA", GNUTLS_PKCS11_TOKEN_USER_PIN_COUNT_LOW);
	ck_assert_str_eq(msg, "wrong PIN for token 'VNPT-CA'; few tries left before it locks");
	sigkey_p11_pin_detail(msg, sizeof(msg), "VNPT-CA",
			      GNUTLS_PKCS11_TOKEN_USER_PIN_LOCKED |
				      GNUTLS_PKCS11_TOKEN_USER_PIN_FINAL_TRY);
	ck_assert_ptr_nonnull(strstr(msg, "token 'VNPT-CA' is locked"));
	sigkey_p11_pin_detail(msg, sizeof(msg), "VNPT-CA", 0);
	ck_assert_ptr_nonnull(strstr(msg, "does not say how many tries"));
}
END_TEST

START_TEST(test_missing_and_refused)
{
	struct sigkey *k = NULL;

	ck_assert_int_eq(sigkey_open_pkcs11(&k, "pkcs11:token=" TOKEN ";object=nobody", PIN),
			 E_NOTFOUND);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(sigkey_open_pkcs11(&k, "pkcs11:token=no-such-token;object=signer", PIN),
			 E_NOTFOUND);
	ck_assert_int_eq(sigkey_open_pkcs11(&k, "pkcs11:token=" TOKEN ";object=mixed", PIN),
			 E_CRYPTO);
	ck_assert_ptr_nonnull(strstr(err_detail(), "not the certificate's"));
	ck_assert_int_eq(sigkey_open_pkcs11(&k, "signer.p12", PIN), E_INVAL);
	ck_assert_int_eq(sigkey_open_pkcs11(&k, NULL, PIN), E_INVAL);
	ck_assert_ptr_null(k);
}
END_TEST

static Suite *p11_suite(void)
{
	Suite *s = suite_create("p11");
	TCase *tc = tcase_create("p11");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sign_with_token);
	tcase_add_test(tc, test_wrong_pin);
	tcase_add_test(tc, test_pin_messages);
	tcase_add_test(tc, test_missing_and_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	if (system("command -v softhsm2-util >/dev/null && command -v p11tool >/dev/null") != 0) {
		printf("test_p11: skipped: softhsm2-util or p11tool not installed "
		       "(Debian 12: softhsm2, gnutls-bin; sh scripts/deps.sh)\n");
		return 77;
	}
	snprintf(scratch, sizeof(scratch), "/tmp/dinh-test-p11.XXXXXX");
	if (!mkdtemp(scratch))
		return EXIT_FAILURE;
	snprintf(cadir, sizeof(cadir), "%s/ca", scratch);
	make_token();
	rc = tu_run(p11_suite());
	tu_rm_tree(scratch);
	return rc;
}
