/*
 * test_ident.c: identities: ECDSA key generation, CSRs with UTF-8 names, PKCS#12 write/read
 * round trips (mode, overwrite, wrong password, GnuTLS and certtool readers), passwords.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ca.h"
#include "signing/ident.h"
#include "tests/testutil.h"

#define PERSON "Nguyễn Văn An"
#define PASSWORD "mật khẩu đúng 42"

static char scratch[64];
static char p12[128];
static struct ca *ca;
static char *key, *cert;

/* A CA and a client identity for PERSON in a scratch directory. */
static void setup(void)
{
	char cadir[128], serial[CA_SERIAL_HEX_MAX], *csr = NULL;

	snprintf(scratch, sizeof(scratch), "/tmp/dinh-test-ident.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
	snprintf(cadir, sizeof(cadir), "%s/ca", scratch);
	snprintf(p12, sizeof(p12), "%s/an.p12", scratch);
	ck_assert_int_eq(ca_create(cadir, "UBND xã Tân Lập"), E_OK);
	ck_assert_int_eq(ca_open(&ca, cadir), E_OK);
	ck_assert_int_eq(ident_keygen(&key), E_OK);
	ck_assert_int_eq(ident_csr(key, PERSON, &csr), E_OK);
	ck_assert_int_eq(ca_issue_from_csr(ca, csr, PERSON, 0, &cert, serial), E_OK);
	free(csr);
}

static void teardown(void)
{
	ident_free_secret(key);
	key = NULL;
	free(cert);
	cert = NULL;
	ca_free(ca);
	ca = NULL;
	tu_rm_tree(scratch);
}

START_TEST(test_keygen)
{
	gnutls_x509_privkey_t k;
	gnutls_datum_t d = {(unsigned char *)key, (unsigned)strlen(key)};
	gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
	gnutls_datum_t x, y, kk;
	char *other = NULL;

	ck_assert_ptr_nonnull(strstr(key, "-----BEGIN PRIVATE KEY-----")); /* PKCS#8, plain */
	ck_assert_int_eq(gnutls_x509_privkey_init(&k), 0);
	ck_assert_int_eq(gnutls_x509_privkey_import2(k, &d, GNUTLS_X509_FMT_PEM, NULL, 0), 0);
	ck_assert_int_eq(gnutls_x509_privkey_get_pk_algorithm(k), GNUTLS_PK_ECDSA);
	ck_assert_int_eq(gnutls_x509_privkey_export_ecc_raw(k, &curve, &x, &y, &kk), 0);
	ck_assert_int_eq(curve, GNUTLS_ECC_CURVE_SECP256R1);
	gnutls_free(x.data);
	gnutls_free(y.data);
	gnutls_memset(kk.data, 0, kk.size);
	gnutls_free(kk.data);
	gnutls_x509_privkey_deinit(k);
	ck_assert_int_eq(ident_keygen(&other), E_OK);
	ck_assert_str_ne(key, other);
	ident_free_secret(other);
	ident_free_secret(NULL);
}
END_TEST

START_TEST(test_csr)
{
	char *csr = NULL, buf[256];
	gnutls_x509_crq_t crq;
	gnutls_datum_t d;
	size_t n = sizeof(buf);

	ck_assert_int_eq(ident_csr(key, PERSON, &csr), E_OK);
	d.data = (unsigned char *)csr;
	d.size = (unsigned)strlen(csr);
	ck_assert_int_eq(gnutls_x509_crq_init(&crq), 0);
	ck_assert_int_eq(gnutls_x509_crq_import(crq, &d, GNUTLS_X509_FMT_PEM), 0);
	ck_assert_int_eq(gnutls_x509_crq_verify(crq, 0), 0);
	ck_assert_int_eq(gnutls_x509_crq_get_signature_algorithm(crq), GNUTLS_SIGN_ECDSA_SHA256);
	ck_assert_int_eq(
		gnutls_x509_crq_get_dn_by_oid(crq, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &n), 0);
	ck_assert_str_eq(buf, PERSON);
	gnutls_x509_crq_deinit(crq);
	free(csr);
	csr = NULL;
	ck_assert_int_eq(ident_csr(key, "", &csr), E_INVAL);
	ck_assert_int_eq(ident_csr("not a key", PERSON, &csr), E_CRYPTO);
	ck_assert_ptr_null(csr);
}
END_TEST

START_TEST(test_p12_round_trip)
{
	char *k2 = NULL, *c2 = NULL, *other = NULL;
	struct stat st;

	ck_assert_msg(ident_p12_write(p12, key, cert, ca_cert_pem(ca), PASSWORD, PERSON, 0) == E_OK,
		      "p12: %s", err_detail());
	ck_assert_int_eq(stat(p12, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(ident_p12_read(p12, PASSWORD, &k2, &c2), E_OK);
	ck_assert_str_eq(k2, key);
	ck_assert_str_eq(c2, cert);
	ident_free_secret(k2);
	free(c2);

	/* wrong password */
	ck_assert_int_eq(ident_p12_read(p12, "wrong", &k2, &c2), E_PASSWORD);
	ck_assert_ptr_null(k2);
	ck_assert_ptr_null(c2);

	/* no overwrite unless asked; a key of another certificate is refused */
	ck_assert_int_eq(ident_p12_write(p12, key, cert, ca_cert_pem(ca), PASSWORD, PERSON, 0),
			 E_EXISTS);
	ck_assert_int_eq(ident_p12_write(p12, key, cert, NULL, "new", NULL, 1), E_OK);
	ck_assert_int_eq(ident_p12_read(p12, PASSWORD, &k2, &c2), E_PASSWORD);
	ck_assert_int_eq(ident_p12_read(p12, "new", &k2, &c2), E_OK);
	ident_free_secret(k2);
	free(c2);
	ck_assert_int_eq(ident_keygen(&other), E_OK);
	ck_assert_int_eq(ident_p12_write(p12, other, cert, NULL, "x", NULL, 1), E_CRYPTO);
	ck_assert_int_eq(ident_p12_write(p12, key, cert, NULL, "", NULL, 1), E_INVAL);
	ident_free_secret(other);

	/* not a PKCS#12, or missing */
	ck_assert_int_eq(fs_write_atomic(p12, "junk", 4, 0600), E_OK);
	ck_assert_int_eq(ident_p12_read(p12, "new", &k2, &c2), E_CRYPTO);
	unlink(p12);
	ck_assert_int_eq(ident_p12_read(p12, "new", &k2, &c2), E_NOTFOUND);
}
END_TEST

START_TEST(test_p12_gnutls_reader)
{
	gnutls_certificate_credentials_t cred;

	ck_assert_int_eq(ident_p12_write(p12, key, cert, ca_cert_pem(ca), PASSWORD, PERSON, 0),
			 E_OK);
	ck_assert_int_eq(gnutls_certificate_allocate_credentials(&cred), 0);
	ck_assert_int_ge(gnutls_certificate_set_x509_simple_pkcs12_file(
				 cred, p12, GNUTLS_X509_FMT_DER, PASSWORD),
			 0);
	gnutls_certificate_free_credentials(cred);
}
END_TEST

/* Runs certtool --p12-info on @path with @password: its exit status, -1 if not in PATH. */
static int certtool_p12_info(const char *path, const char *password)
{
	char pw[128];
	pid_t pid;
	int status = 0;

	snprintf(pw, sizeof(pw), "--password=%s", password);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(126);
		execlp("certtool", "certtool", "--p12-info", "--inder", "--infile", path, pw,
		       (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -1; /* not found in PATH */
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

START_TEST(test_p12_certtool_reader)
{
	int rc;

	ck_assert_int_eq(ident_p12_write(p12, key, cert, ca_cert_pem(ca), PASSWORD, PERSON, 0),
			 E_OK);
	rc = certtool_p12_info(p12, PASSWORD);
	if (rc == -1)
		return; /* certtool not installed: nothing to compare against */
	ck_assert_int_eq(rc, 0);
	ck_assert_int_ne(certtool_p12_info(p12, "wrong"), 0);
}
END_TEST

START_TEST(test_random_password)
{
	char a[25], b[25];

	memset(a, 'X', sizeof(a));
	ck_assert_int_eq(ident_random_password(a, 24), E_OK);
	ck_assert_int_eq(ident_random_password(b, 24), E_OK);
	ck_assert_uint_eq(strlen(a), 24);
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strspn(a, "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 24);
	ck_assert_ptr_null(strpbrk(a, "0O1lIio"));
	ck_assert_int_eq(ident_random_password(a, 0), E_OK);
	ck_assert_str_eq(a, "");
}
END_TEST

static Suite *ident_suite(void)
{
	Suite *s = suite_create("ident");
	TCase *tc = tcase_create("ident");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_keygen);
	tcase_add_test(tc, test_csr);
	tcase_add_test(tc, test_p12_round_trip);
	tcase_add_test(tc, test_p12_gnutls_reader);
	tcase_add_test(tc, test_p12_certtool_reader);
	tcase_add_test(tc, test_random_password);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(ident_suite());
}
