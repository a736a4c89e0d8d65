/*
 * test_ca.c: the commune CA: creation and reopening, server and client certificates (SANs,
 * UTF-8 names, chaining), document-signing certificates for officials and citizens (key
 * usages, UID), revocation through the CRL and its persistence, refused requests.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ca.h"
#include "signing/ident.h"
#include "tests/testutil.h"

#define COMMUNE "UBND xã Tân Lập"
#define PERSON "Nguyễn Văn An"

static char scratch[64];
static char cadir[128];
static struct ca *ca;

static void setup(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/dinh-test-ca.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
	snprintf(cadir, sizeof(cadir), "%s/data/ca", scratch);
	ck_assert_msg(ca_create(cadir, COMMUNE) == E_OK, "ca_create: %s", err_detail());
	ck_assert_msg(ca_open(&ca, cadir) == E_OK, "ca_open: %s", err_detail());
}

static void teardown(void)
{
	ca_free(ca);
	ca = NULL;
	tu_rm_tree(scratch);
}

static gnutls_x509_crt_t crt_from_pem(const char *pem)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)};

	ck_assert_int_eq(gnutls_x509_crt_init(&crt), 0);
	ck_assert_int_eq(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
	return crt;
}

static gnutls_x509_crl_t crl_from_pem(const char *pem)
{
	gnutls_x509_crl_t crl;
	gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)};

	ck_assert_int_eq(gnutls_x509_crl_init(&crl), 0);
	ck_assert_int_eq(gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_PEM), 0);
	return crl;
}

static mode_t file_mode(const char *dir, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_msg(stat(path, &st) == 0, "%s missing", path);
	return st.st_mode & 07777;
}

/* A client certificate for PERSON issued from a fresh CSR. */
static char *issue_client(char serial[CA_SERIAL_HEX_MAX])
{
	char *key = NULL, *csr = NULL, *cert = NULL;

	ck_assert_int_eq(ident_keygen(&key), E_OK);
	ck_assert_int_eq(ident_csr(key, "ignored subject", &csr), E_OK);
	ck_assert_msg(ca_issue_from_csr(ca, csr, PERSON, 0, &cert, serial) == E_OK, "issue: %s",
		      err_detail());
	ident_free_secret(key);
	free(csr);
	return cert;
}

START_TEST(test_create_and_open)
{
	gnutls_x509_crt_t crt = crt_from_pem(ca_cert_pem(ca));
	gnutls_x509_crl_t crl = crl_from_pem(ca_crl_pem(ca));
	char serial[CA_SERIAL_HEX_MAX], buf[256], *cn = NULL;
	size_t n = sizeof(buf);
	unsigned ca_flag = 0, usage = 0, crit = 0, status = 99;
	int pathlen = -1;
	time_t now = time(NULL), not_after = 0;
	struct stat st;

	ck_assert_int_eq(file_mode(cadir, "ca.key"), 0600);
	ck_assert_int_eq(stat(cadir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(file_mode(cadir, "revoked") & 0400, 0400);
	ck_assert_int_eq(ca_create(cadir, COMMUNE), E_EXISTS);
	ck_assert_int_eq(ca_create(scratch, ""), E_INVAL);

	ck_assert_int_eq(cert_info(ca_cert_pem(ca), serial, NULL, &cn, &not_after), E_OK);
	ck_assert_str_eq(cn, "CA " COMMUNE);
	ck_assert_uint_eq(strlen(serial), 32);
	ck_assert_msg(strchr("01234567", serial[0]) != NULL, "serial %s is negative", serial);
	ck_assert_int_ge(not_after, now + 20 * 365 * 86400L - 86400);
	ck_assert_int_eq(gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, 0,
						       buf, &n),
			 0);
	ck_assert_str_eq(buf, COMMUNE);
	n = sizeof(buf);
	ck_assert_int_eq(
		gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, 0, buf, &n), 0);
	ck_assert_str_eq(buf, "VN");
	ck_assert_int_eq(gnutls_x509_crt_get_basic_constraints(crt, &crit, &ca_flag, &pathlen), 1);
	ck_assert_uint_eq(ca_flag, 1);
	ck_assert_int_eq(pathlen, 0);
	ck_assert_int_ge(gnutls_x509_crt_get_key_usage(crt, &usage, &crit), 0);
	ck_assert_uint_eq(usage, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
	n = sizeof(buf);
	ck_assert_int_eq(gnutls_x509_crt_get_subject_key_id(crt, buf, &n, &crit), 0);
	ck_assert_int_eq(gnutls_x509_crt_get_pk_algorithm(crt, NULL), GNUTLS_PK_ECDSA);

	/* an empty CRL signed by the CA, valid 30 days */
	ck_assert_int_eq(gnutls_x509_crl_get_crt_count(crl), 0);
	ck_assert_int_eq(gnutls_x509_crl_verify(crl, &crt, 1, 0, &status), 0);
	ck_assert_uint_eq(status, 0);
	ck_assert_int_ge(gnutls_x509_crl_get_next_update(crl), now + 29 * 86400L);
	ck_assert_int_le(gnutls_x509_crl_get_next_update(crl), now + 31 * 86400L);

	free(cn);
	gnutls_x509_crl_deinit(crl);
	gnutls_x509_crt_deinit(crt);
}
END_TEST

/* 1 if @crt has the SAN @type with exactly @len bytes @data. */
static int has_san(gnutls_x509_crt_t crt, unsigned type, const void *data, size_t len)
{
	for (unsigned i = 0;; i++) {
		char buf[256];
		size_t n = sizeof(buf);
		int t = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &n, NULL);

		if (t < 0)
			return 0;
		if ((unsigned)t == type && n == len && memcmp(buf, data, len) == 0)
			return 1;
	}
}

START_TEST(test_server_cert)
{
	static const char *const names[] = {"localhost", "127.0.0.1", "::1"};
	static const char *const bad[] = {"local host"};
	char serial[CA_SERIAL_HEX_MAX], *key = NULL, *cert = NULL;
	gnutls_x509_crt_t crt, cacrt = crt_from_pem(ca_cert_pem(ca));
	gnutls_x509_trust_list_t tl;
	unsigned char ip4[4], ip6[16], a[64], b[64];
	size_t na = sizeof(a), nb = sizeof(b);
	unsigned status = 99, crit = 0;
	time_t now = time(NULL);

	ck_assert_msg(ca_issue_keypair(ca, CA_PROFILE_SERVER, "dinhd", names, 3, 0, &key, &cert,
				       serial) == E_OK,
		      "issue: %s", err_detail());
	ck_assert_ptr_nonnull(strstr(key, "BEGIN PRIVATE KEY"));
	crt = crt_from_pem(cert);

	/* chains to the CA through a GnuTLS trust list */
	ck_assert_int_eq(gnutls_x509_trust_list_init(&tl, 0), 0);
	ck_assert_int_eq(gnutls_x509_trust_list_add_cas(tl, &cacrt, 1, 0), 1);
	ck_assert_int_eq(gnutls_x509_trust_list_verify_crt(tl, &crt, 1, 0, &status, NULL), 0);
	ck_assert_uint_eq(status, 0);
	ck_assert_int_eq(ca_trust_check(ca, cert, strlen(cert), 0, NULL), E_OK);

	inet_pton(AF_INET, "127.0.0.1", ip4);
	inet_pton(AF_INET6, "::1", ip6);
	ck_assert(has_san(crt, GNUTLS_SAN_DNSNAME, "localhost", 9));
	ck_assert(has_san(crt, GNUTLS_SAN_IPADDRESS, ip4, 4));
	ck_assert(has_san(crt, GNUTLS_SAN_IPADDRESS, ip6, 16));
	ck_assert(!has_san(crt, GNUTLS_SAN_DNSNAME, "127.0.0.1", 9));
	ck_assert(gnutls_x509_crt_check_hostname(crt, "localhost"));
	ck_assert(gnutls_x509_crt_check_hostname(crt, "127.0.0.1"));
	ck_assert(!gnutls_x509_crt_check_hostname(crt, "example.org"));
	ck_assert(gnutls_x509_crt_check_key_purpose(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
	ck_assert(!gnutls_x509_crt_check_key_purpose(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));

	/* validity: an hour back for skew, 825 days by default */
	ck_assert_int_le(gnutls_x509_crt_get_activation_time(crt), now - 3500);
	ck_assert_int_ge(gnutls_x509_crt_get_expiration_time(crt), now + 824 * 86400L);
	ck_assert_int_le(gnutls_x509_crt_get_expiration_time(crt), now + 826 * 86400L);

	/* authority key id = CA subject key id */
	ck_assert_int_eq(gnutls_x509_crt_get_authority_key_id(crt, a, &na, &crit), 0);
	ck_assert_int_eq(gnutls_x509_crt_get_subject_key_id(cacrt, b, &nb, &crit), 0);
	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(a, b, na);

	/* bad SAN refused */
	ident_free_secret(key);
	free(cert);
	ck_assert_int_eq(
		ca_issue_keypair(ca, CA_PROFILE_SERVER, "dinhd", bad, 1, 0, &key, &cert, serial),
		E_INVAL);
	ck_assert_ptr_null(key);
	ck_assert_ptr_null(cert);

	gnutls_x509_trust_list_deinit(tl, 0);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_crt_deinit(cacrt);
}
END_TEST

START_TEST(test_client_from_csr)
{
	char serial[CA_SERIAL_HEX_MAX], serial2[CA_SERIAL_HEX_MAX], fpr[CA_FPR_HEX_MAX];
	char *cert = issue_client(serial), *cn = NULL, org[256], hex[65];
	gnutls_x509_crt_t crt = crt_from_pem(cert);
	gnutls_datum_t der = {NULL, 0};
	unsigned char digest[32];
	size_t n = sizeof(org);
	time_t not_after = 0, now = time(NULL);

	ck_assert_int_eq(cert_info(cert, serial2, fpr, &cn, &not_after), E_OK);
	ck_assert_str_eq(serial2, serial);
	ck_assert_int_eq(strcmp(cn, PERSON), 0);
	ck_assert_uint_eq(strlen(cn), strlen(PERSON));
	ck_assert_int_ge(not_after, now + 729 * 86400L);
	ck_assert_int_le(not_after, now + 731 * 86400L);
	ck_assert_int_eq(gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, 0,
						       org, &n),
			 0);
	ck_assert_str_eq(org, COMMUNE);
	ck_assert(gnutls_x509_crt_check_key_purpose(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));
	ck_assert(!gnutls_x509_crt_check_key_purpose(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));

	/* the name is stored as raw UTF-8 (UTF8String), and the fingerprint is SHA-256 of DER */
	ck_assert_int_eq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), 0);
	ck_assert_ptr_nonnull(memmem(der.data, der.size, PERSON, strlen(PERSON)));
	ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, digest), 0);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	ck_assert_str_eq(fpr, hex);
	ck_assert_int_eq(ca_trust_check(ca, (const char *)der.data, der.size, 1, serial2), E_OK);
	ck_assert_str_eq(serial2, serial);

	/* a short validity is honoured */
	free(cert);
	free(cn);
	cn = NULL;
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(crt);
	{
		char *key = NULL, *csr = NULL;

		ck_assert_int_eq(ident_keygen(&key), E_OK);
		ck_assert_int_eq(ident_csr(key, "x", &csr), E_OK);
		ck_assert_int_eq(ca_issue_from_csr(ca, csr, "Hội trường thôn 3", 1, &cert, serial),
				 E_OK);
		ck_assert_int_eq(cert_info(cert, NULL, NULL, &cn, &not_after), E_OK);
		ck_assert_str_eq(cn, "Hội trường thôn 3");
		ck_assert_int_le(not_after, now + 2 * 86400L);
		free(cert);
		ck_assert_int_eq(ca_issue_from_csr(ca, csr, "", 1, &cert, serial), E_INVAL);
		ck_assert_ptr_null(cert);
		ident_free_secret(key);
		free(csr);
		free(cn);
	}
	free(cert);
}
END_TEST

/* 1 if the CRL @crl_pem lists @serial_hex. */
static int crl_lists(const char *crl_pem, const char *serial_hex)
{
	gnutls_x509_crl_t crl = crl_from_pem(crl_pem);
	int count = gnutls_x509_crl_get_crt_count(crl), found = 0;

	for (int i = 0; i < count; i++) {
		unsigned char s[64];
		size_t n = sizeof(s);
		char hex[129];

		ck_assert_int_eq(gnutls_x509_crl_get_crt_serial(crl, i, s, &n, NULL), 0);
		for (size_t j = 0; j < n; j++)
			snprintf(hex + 2 * j, 3, "%02x", s[j]);
		if (strcmp(hex, serial_hex) == 0)
			found = 1;
	}
	gnutls_x509_crl_deinit(crl);
	return found;
}

static unsigned long long crl_number(const char *crl_pem)
{
	gnutls_x509_crl_t crl = crl_from_pem(crl_pem);
	unsigned char num[32];
	size_t n = sizeof(num);
	unsigned long long v = 0;

	ck_assert_int_eq(gnutls_x509_crl_get_number(crl, num, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		v = v << 8 | num[i];
	gnutls_x509_crl_deinit(crl);
	return v;
}

START_TEST(test_revoke)
{
	char serial[CA_SERIAL_HEX_MAX], upper[CA_SERIAL_HEX_MAX], *cert = issue_client(serial);
	gnutls_x509_crt_t crt = crt_from_pem(cert), cacrt = crt_from_pem(ca_cert_pem(ca));
	gnutls_x509_crl_t crl;
	unsigned long long n1 = crl_number(ca_crl_pem(ca)), n2;
	unsigned status = 0;
	char *revoked = NULL;

	ck_assert_int_eq(ca_trust_check(ca, cert, strlen(cert), 0, NULL), E_OK);
	ck_assert_msg(ca_revoke(ca, serial) == E_OK, "revoke: %s", err_detail());
	ck_assert(crl_lists(ca_crl_pem(ca), serial));
	n2 = crl_number(ca_crl_pem(ca));
	ck_assert_uint_gt(n2, n1);
	ck_assert_int_eq(ca_trust_check(ca, cert, strlen(cert), 0, NULL), E_REVOKED);

	/* GnuTLS's own verification with the CA and the CRL agrees */
	crl = crl_from_pem(ca_crl_pem(ca));
	ck_assert_int_eq(gnutls_x509_crt_list_verify(&crt, 1, &cacrt, 1, &crl, 1, 0, &status), 0);
	ck_assert(status & GNUTLS_CERT_REVOKED);
	gnutls_x509_crl_deinit(crl);

	/* a second revocation, in either case, is E_EXISTS; bad serials are E_INVAL */
	ck_assert_int_eq(ca_revoke(ca, serial), E_EXISTS);
	for (size_t i = 0; i <= strlen(serial); i++)
		upper[i] =
			(char)(serial[i] >= 'a' && serial[i] <= 'f' ? serial[i] - 32 : serial[i]);
	ck_assert_int_eq(ca_revoke(ca, upper), E_EXISTS);
	ck_assert_int_eq(ca_revoke(ca, "xyz"), E_INVAL);
	ck_assert_int_eq(ca_revoke(ca, "abc"), E_INVAL);
	ck_assert_int_eq(ca_revoke(ca, ""), E_INVAL);
	ck_assert_int_eq(ca_revoke(ca, "0123456789abcdef0123456789abcdef0123456789"), E_INVAL);
	ck_assert_int_eq(ca_revoke(ca, "00ff"), E_OK); /* unknown serials may be revoked */
	ck_assert_uint_gt(crl_number(ca_crl_pem(ca)), n2);

	/* persisted: the `revoked` file, the CRL, and a reopened CA */
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/revoked", cadir);
		ck_assert_int_eq(fs_read_file(path, 65536, &revoked, NULL), E_OK);
		ck_assert_ptr_nonnull(strstr(revoked, serial));
		ck_assert(revoked[strlen(serial)] == ' ');
		free(revoked);
	}
	ca_free(ca);
	ca = NULL;
	ck_assert_int_eq(ca_open(&ca, cadir), E_OK);
	ck_assert(crl_lists(ca_crl_pem(ca), serial));
	ck_assert(crl_lists(ca_crl_pem(ca), "00ff"));
	ck_assert_int_eq(ca_trust_check(ca, cert, strlen(cert), 0, NULL), E_REVOKED);
	ck_assert_int_eq(ca_revoke(ca, serial), E_EXISTS);

	gnutls_x509_crt_deinit(crt);
	gnutls_x509_crt_deinit(cacrt);
	free(cert);
}
END_TEST

START_TEST(test_crl_rebuilt_on_open)
{
	char serial[CA_SERIAL_HEX_MAX], path[256], *cert = issue_client(serial);

	ck_assert_int_eq(ca_revoke(ca, serial), E_OK);
	ca_free(ca);
	ca = NULL;
	snprintf(path, sizeof(path), "%s/crl.pem", cadir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(ca_open(&ca, cadir), E_OK);
	ck_assert(fs_exists(path));
	ck_assert(crl_lists(ca_crl_pem(ca), serial));
	ck_assert_int_eq(ca_crl_refresh(ca), E_OK);
	free(cert);
}
END_TEST

/* Flips a bit of the signature of a PEM request and re-encodes it. */
static char *corrupt_csr(const char *csr_pem)
{
	gnutls_datum_t in = {(unsigned char *)csr_pem, (unsigned)strlen(csr_pem)}, der, pem;
	char *out;

	ck_assert_int_eq(gnutls_pem_base64_decode2("NEW CERTIFICATE REQUEST", &in, &der) == 0 ||
				 gnutls_pem_base64_decode2("CERTIFICATE REQUEST", &in, &der) == 0,
			 1);
	der.data[der.size - 2] ^= 0x01; /* inside the signature value */
	ck_assert_int_eq(gnutls_pem_base64_encode2("CERTIFICATE REQUEST", &der, &pem), 0);
	out = strndup((const char *)pem.data, pem.size);
	gnutls_free(der.data);
	gnutls_free(pem.data);
	return out;
}

START_TEST(test_bad_requests)
{
	char serial[CA_SERIAL_HEX_MAX], *key = NULL, *csr = NULL, *bad, *cert = NULL;

	ck_assert_int_eq(ident_keygen(&key), E_OK);
	ck_assert_int_eq(ident_csr(key, PERSON, &csr), E_OK);
	bad = corrupt_csr(csr);
	ck_assert_int_eq(ca_issue_from_csr(ca, bad, PERSON, 0, &cert, serial), E_CRYPTO);
	ck_assert_ptr_null(cert);
	ck_assert_int_eq(ca_issue_from_csr(ca, "not a request", PERSON, 0, &cert, serial),
			 E_CRYPTO);
	ck_assert_int_eq(ca_issue_from_csr(ca, "", PERSON, 0, &cert, serial), E_INVAL);
	ck_assert_int_eq(ca_issue_from_csr(ca, csr, "line\nbreak", 0, &cert, serial), E_INVAL);
	ck_assert_int_eq(ca_issue_from_csr(ca, csr, PERSON, 0, &cert, serial), E_OK);
	ck_assert_int_eq(cert_info("garbage", serial, NULL, NULL, NULL), E_CRYPTO);
	ident_free_secret(key);
	free(csr);
	free(bad);
	free(cert);
}
END_TEST

START_TEST(test_foreign_certificate)
{
	char other[160], serial[CA_SERIAL_HEX_MAX], *key = NULL, *cert = NULL;
	struct ca *ca2 = NULL;

	snprintf(other, sizeof(other), "%s/other", scratch);
	ck_assert_int_eq(ca_create(other, "UBND xã Giả Mạo"), E_OK);
	ck_assert_int_eq(ca_open(&ca2, other), E_OK);
	ck_assert_int_eq(ca_issue_keypair(ca2, CA_PROFILE_CLIENT, "Kẻ Mạo Danh", NULL, 0, 30, &key,
					  &cert, serial),
			 E_OK);
	ck_assert_int_eq(ca_trust_check(ca2, cert, strlen(cert), 0, NULL), E_OK);
	ck_assert_int_eq(ca_trust_check(ca, cert, strlen(cert), 0, serial), E_AUTH);
	ck_assert_uint_eq(strlen(serial), 32);
	ck_assert_int_eq(ca_trust_check(ca, "junk", 4, 0, serial), E_AUTH);
	ck_assert_str_eq(serial, "");
	ck_assert_int_eq(ca_trust_check(ca, cert, 0, 0, NULL), E_AUTH);
	/* the CA certificate itself is not a client of the other CA */
	ck_assert_int_eq(ca_trust_check(ca, ca_cert_pem(ca2), strlen(ca_cert_pem(ca2)), 0, NULL),
			 E_AUTH);
	ca_free(ca2);
	ca2 = NULL;
	ck_assert_int_eq(ca_open(&ca2, scratch), E_NOTFOUND); /* no CA there */
	ck_assert_ptr_null(ca2);
	ident_free_secret(key);
	free(cert);
}
END_TEST

/* The subject attribute @oid of @crt, or "" when absent. */
static void dn_attr(gnutls_x509_crt_t crt, const char *oid, char *buf, size_t size)
{
	size_t n = size;

	if (gnutls_x509_crt_get_dn_by_oid(crt, oid, 0, 0, buf, &n) < 0)
		buf[0] = '\0';
}

START_TEST(test_signing_profiles)
{
	char serial[CA_SERIAL_HEX_MAX], attr[256], *key = NULL, *csr = NULL, *cert = NULL;
	unsigned usage = 0, crit = 0;
	time_t now = time(NULL);
	gnutls_x509_crt_t crt;

	ck_assert_int_eq(ident_keygen(&key), E_OK);
	ck_assert_int_eq(ident_csr(key, "x", &csr), E_OK);
	ck_assert_msg(ca_issue_signer(ca, CA_PROFILE_OFFICIAL, "Trần Thị Bích Ngọc",
				      "MST:0101234567", csr, 0, &cert, serial) == E_OK,
		      "official: %s", err_detail());
	crt = crt_from_pem(cert);
	ck_assert_int_ge(gnutls_x509_crt_get_key_usage(crt, &usage, &crit), 0);
	ck_assert_uint_eq(usage, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION);
	ck_assert(gnutls_x509_crt_check_key_purpose(crt, CA_KP_DOCUMENT_SIGNING, 1));
	ck_assert(gnutls_x509_crt_check_key_purpose(crt, GNUTLS_KP_EMAIL_PROTECTION, 1));
	ck_assert(!gnutls_x509_crt_check_key_purpose(crt, GNUTLS_KP_TLS_WWW_CLIENT, 1));
	dn_attr(crt, GNUTLS_OID_X520_COMMON_NAME, attr, sizeof(attr));
	ck_assert_str_eq(attr, "Trần Thị Bích Ngọc");
	dn_attr(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, attr, sizeof(attr));
	ck_assert_str_eq(attr, COMMUNE);
	dn_attr(crt, GNUTLS_OID_LDAP_UID, attr, sizeof(attr));
	ck_assert_str_eq(attr, "MST:0101234567");
	dn_attr(crt, GNUTLS_OID_X520_COUNTRY_NAME, attr, sizeof(attr));
	ck_assert_str_eq(attr, "VN");
	ck_assert_int_ge(gnutls_x509_crt_get_expiration_time(crt), now + 729 * 86400L);
	ck_assert_int_le(gnutls_x509_crt_get_expiration_time(crt), now + 731 * 86400L);
	ck_assert_int_eq(ca_trust_check(ca, cert, strlen(cert), 0, NULL), E_OK);
	gnutls_x509_crt_deinit(crt);
	free(cert);

	/* a citizen: no O (a citizen does not speak for the commune), the CCCD number in UID */
	ck_assert_int_eq(ca_issue_signer(ca, CA_PROFILE_CITIZEN, PERSON, "CCCD:001099012345", csr,
					 0, &cert, serial),
			 E_OK);
	crt = crt_from_pem(cert);
	dn_attr(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, attr, sizeof(attr));
	ck_assert_str_eq(attr, "");
	dn_attr(crt, GNUTLS_OID_LDAP_UID, attr, sizeof(attr));
	ck_assert_str_eq(attr, "CCCD:001099012345");
	ck_assert(gnutls_x509_crt_check_key_purpose(crt, CA_KP_DOCUMENT_SIGNING, 1));
	ck_assert_int_ge(gnutls_x509_crt_get_expiration_time(crt), now + 1094 * 86400L);
	ck_assert_int_eq(ca_revoke(ca, serial), E_OK);
	ck_assert_int_eq(ca_trust_check(ca, cert, strlen(cert), 0, NULL), E_REVOKED);
	gnutls_x509_crt_deinit(crt);
	free(cert);

	/* without UID; and what is refused */
	ck_assert_int_eq(ca_issue_signer(ca, CA_PROFILE_CITIZEN, PERSON, NULL, csr, 0, &cert, NULL),
			 E_OK);
	crt = crt_from_pem(cert);
	dn_attr(crt, GNUTLS_OID_LDAP_UID, attr, sizeof(attr));
	ck_assert_str_eq(attr, "");
	gnutls_x509_crt_deinit(crt);
	free(cert);
	ck_assert_int_eq(ca_issue_signer(ca, CA_PROFILE_CLIENT, PERSON, NULL, csr, 0, &cert, NULL),
			 E_INVAL);
	ck_assert_ptr_null(cert);
	ck_assert_int_eq(
		ca_issue_signer(ca, CA_PROFILE_CITIZEN, PERSON, "CCCD: 1", csr, 0, &cert, NULL),
		E_INVAL);
	ck_assert_int_eq(ca_issue_signer(ca, CA_PROFILE_CITIZEN, PERSON,
					 "CCCD:00109901234500109901234500109901234500109901234500"
					 "1099012345",
					 csr, 0, &cert, NULL),
			 E_INVAL);
	ck_assert_int_eq(
		ca_issue_signer(ca, CA_PROFILE_OFFICIAL, PERSON, NULL, "garbage", 0, &cert, NULL),
		E_CRYPTO);
	ident_free_secret(key);
	free(csr);
}
END_TEST

static Suite *ca_suite(void)
{
	Suite *s = suite_create("ca");
	TCase *tc = tcase_create("ca");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_and_open);
	tcase_add_test(tc, test_server_cert);
	tcase_add_test(tc, test_client_from_csr);
	tcase_add_test(tc, test_revoke);
	tcase_add_test(tc, test_crl_rebuilt_on_open);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_foreign_certificate);
	tcase_add_test(tc, test_signing_profiles);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(ca_suite());
}
