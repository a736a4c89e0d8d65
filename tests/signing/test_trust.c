/*
 * test_trust.c: the trust store: signing certificates of the commune CA (valid, revoked,
 * stale CRL, expired, not yet valid, wrong key usage, a broken signature), another CA as an
 * unknown root and then as a configured external root with its CRL, the shared corpus CA,
 * and the files the store refuses.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ca.h"
#include "signing/ident.h"
#include "signing/trust.h"
#include "tests/testutil.h"

#define COMMUNE "UBND xã Tân Lập"
#define OTHER "UBND xã Yên Bình"
#define DAY 86400L

static char scratch[64], cadir[128], otherdir[128];
static struct ca *ca, *other;
static struct trust *store;

static void setup(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/dinh-test-trust.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
	snprintf(cadir, sizeof(cadir), "%s/ca", scratch);
	snprintf(otherdir, sizeof(otherdir), "%s/other", scratch);
	ck_assert_int_eq(ca_create(cadir, COMMUNE), E_OK);
	ck_assert_int_eq(ca_open(&ca, cadir), E_OK);
	ck_assert_int_eq(ca_create(otherdir, OTHER), E_OK);
	ck_assert_int_eq(ca_open(&other, otherdir), E_OK);
	ck_assert_msg(trust_open(&store, cadir, NULL, NULL) == E_OK, "%s", err_detail());
}

static void teardown(void)
{
	trust_free(store);
	store = NULL;
	ca_free(ca);
	ca_free(other);
	tu_rm_tree(scratch);
}

static gnutls_x509_crt_t crt_from(const char *data, size_t len, int der)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t d = {(unsigned char *)data, (unsigned)len};

	ck_assert_int_eq(gnutls_x509_crt_init(&crt), 0);
	ck_assert_int_eq(
		gnutls_x509_crt_import(crt, &d, der ? GNUTLS_X509_FMT_DER : GNUTLS_X509_FMT_PEM),
		0);
	return crt;
}

/* A signing certificate of @profile issued by @by, valid @days (0 = default). */
static gnutls_x509_crt_t issue(struct ca *by, enum ca_profile profile, unsigned days,
			       char serial[CA_SERIAL_HEX_MAX])
{
	char *key = NULL, *csr = NULL, *pem = NULL;
	gnutls_x509_crt_t crt;

	ck_assert_int_eq(ident_keygen(&key), E_OK);
	ck_assert_int_eq(ident_csr(key, "x", &csr), E_OK);
	if (profile == CA_PROFILE_CLIENT)
		ck_assert_int_eq(ca_issue_from_csr(by, csr, "Lê Văn Cường", days, &pem, serial),
				 E_OK);
	else
		ck_assert_msg(ca_issue_signer(by, profile, "Phạm Thị Dung", "CCCD:001099012345",
					      csr, days, &pem, serial) == E_OK,
			      "issue: %s", err_detail());
	crt = crt_from(pem, strlen(pem), 0);
	ident_free_secret(key);
	free(csr);
	free(pem);
	return crt;
}

static gnutls_x509_crt_t ca_crt(const struct ca *c)
{
	const char *pem = ca_cert_pem(c);

	return crt_from(pem, strlen(pem), 0);
}

static void check(gnutls_x509_crt_t crt, const gnutls_x509_crt_t *chain, size_t n, time_t at,
		  enum trust_chain ch, enum trust_usage us, enum trust_revocation rev)
{
	struct trust_result r;

	ck_assert_int_eq(trust_check(store, crt, chain, n, at, &r), E_OK);
	ck_assert_msg(r.chain == ch && r.usage == us && r.revocation == rev,
		      "got %s/%s/%s (%s | %s | %s), want %s/%s/%s", trust_chain_name(r.chain),
		      trust_usage_name(r.usage), trust_revocation_name(r.revocation),
		      r.chain_detail, r.usage_detail, r.revocation_detail, trust_chain_name(ch),
		      trust_usage_name(us), trust_revocation_name(rev));
}

START_TEST(test_valid_and_revoked)
{
	char serial[CA_SERIAL_HEX_MAX];
	gnutls_x509_crt_t crt = issue(ca, CA_PROFILE_OFFICIAL, 0, serial);
	gnutls_x509_crt_t root = ca_crt(ca);
	time_t now = time(NULL);
	struct trust_result r;

	check(crt, NULL, 0, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_OK, TRUST_REV_GOOD);
	/* the root handed in as well, and the signer twice: the same answer */
	{
		gnutls_x509_crt_t chain[] = {crt, root};

		check(crt, chain, 2, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_OK, TRUST_REV_GOOD);
	}
	ck_assert_int_eq(trust_check(store, crt, NULL, 0, now, &r), E_OK);
	ck_assert_uint_eq(r.depth, 2);
	ck_assert_str_eq(r.chain_detail, "");
	ck_assert_str_eq(r.revocation_detail, "");

	/* the CRL 30 days on is stale; 800 days on the certificate has expired */
	check(crt, NULL, 0, now + 31 * DAY, TRUST_CHAIN_TRUSTED, TRUST_USAGE_OK, TRUST_REV_STALE);
	check(crt, NULL, 0, now + 800 * DAY, TRUST_CHAIN_EXPIRED, TRUST_USAGE_OK, TRUST_REV_STALE);
	check(crt, NULL, 0, now - 2 * DAY, TRUST_CHAIN_EXPIRED, TRUST_USAGE_OK, TRUST_REV_GOOD);
	ck_assert_int_eq(trust_check(store, crt, NULL, 0, now - 2 * DAY, &r), E_OK);
	ck_assert_ptr_nonnull(strstr(r.chain_detail, "not yet valid"));

	/* revoked: a new store reads the re-signed CRL; still revoked when that CRL is stale */
	ck_assert_int_eq(ca_revoke(ca, serial), E_OK);
	trust_free(store);
	ck_assert_int_eq(trust_open(&store, cadir, NULL, NULL), E_OK);
	check(crt, NULL, 0, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_OK, TRUST_REV_REVOKED);
	check(crt, NULL, 0, now + 40 * DAY, TRUST_CHAIN_TRUSTED, TRUST_USAGE_OK, TRUST_REV_REVOKED);
	ck_assert_int_eq(trust_check(store, crt, NULL, 0, now, &r), E_OK);
	ck_assert_int_ge(r.revoked_at, now - 5);
	ck_assert_ptr_nonnull(strstr(r.revocation_detail, "Phạm Thị Dung"));
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_crt_deinit(root);
}
END_TEST

START_TEST(test_expired_and_usage)
{
	gnutls_x509_crt_t shortlived = issue(ca, CA_PROFILE_CITIZEN, 1, NULL);
	gnutls_x509_crt_t client = issue(ca, CA_PROFILE_CLIENT, 0, NULL);
	gnutls_x509_crt_t root = ca_crt(ca);
	char *key = NULL, *pem = NULL;
	time_t now = time(NULL);
	struct trust_result r;

	check(shortlived, NULL, 0, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_OK, TRUST_REV_GOOD);
	check(shortlived, NULL, 0, now + 3 * DAY, TRUST_CHAIN_EXPIRED, TRUST_USAGE_OK,
	      TRUST_REV_GOOD);
	ck_assert_int_eq(trust_check(store, shortlived, NULL, 0, now + 3 * DAY, &r), E_OK);
	ck_assert_ptr_nonnull(strstr(r.chain_detail, "expired"));

	/* a TLS client or server certificate, or the CA itself, does not sign documents */
	check(client, NULL, 0, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_WRONG, TRUST_REV_GOOD);
	ck_assert_int_eq(trust_check(store, client, NULL, 0, now, &r), E_OK);
	ck_assert_ptr_nonnull(strstr(r.usage_detail, "extended key usage"));
	ck_assert_int_eq(ca_issue_keypair(ca, CA_PROFILE_SERVER, "dinh.tanlap.gov.vn", NULL, 0, 0,
					  &key, &pem, NULL),
			 E_OK);
	{
		gnutls_x509_crt_t server = crt_from(pem, strlen(pem), 0);

		check(server, NULL, 0, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_WRONG, TRUST_REV_GOOD);
		gnutls_x509_crt_deinit(server);
	}
	check(root, NULL, 0, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_WRONG, TRUST_REV_GOOD);
	ident_free_secret(key);
	free(pem);
	gnutls_x509_crt_deinit(shortlived);
	gnutls_x509_crt_deinit(client);
	gnutls_x509_crt_deinit(root);
}
END_TEST

START_TEST(test_broken_signature)
{
	gnutls_x509_crt_t crt = issue(ca, CA_PROFILE_OFFICIAL, 0, NULL), bad;
	gnutls_datum_t der = {NULL, 0};
	struct trust_result r;

	ck_assert_int_eq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), 0);
	der.data[der.size - 1] ^= 0x01; /* last byte of the signature value */
	bad = crt_from((const char *)der.data, der.size, 1);
	check(bad, NULL, 0, time(NULL), TRUST_CHAIN_BROKEN, TRUST_USAGE_OK, TRUST_REV_NOT_CHECKED);
	ck_assert_int_eq(trust_check(store, bad, NULL, 0, time(NULL), &r), E_OK);
	ck_assert_str_ne(r.chain_detail, "");
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(bad);
	gnutls_x509_crt_deinit(crt);

	/* under an unknown root too: a bad signature is broken, not merely untrusted */
	crt = issue(other, CA_PROFILE_OFFICIAL, 0, NULL);
	ck_assert_int_eq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), 0);
	der.data[der.size - 1] ^= 0x01;
	bad = crt_from((const char *)der.data, der.size, 1);
	{
		gnutls_x509_crt_t oroot = ca_crt(other);

		check(bad, &oroot, 1, time(NULL), TRUST_CHAIN_BROKEN, TRUST_USAGE_OK,
		      TRUST_REV_NOT_CHECKED);
		check(crt, &oroot, 1, time(NULL), TRUST_CHAIN_UNKNOWN_ROOT, TRUST_USAGE_OK,
		      TRUST_REV_NOT_CHECKED);
		gnutls_x509_crt_deinit(oroot);
	}
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(bad);
	gnutls_x509_crt_deinit(crt);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *data)
{
	char *path;

	ck_assert_int_eq(fs_mkdir_p(dir, 0700), E_OK);
	path = fs_join(dir, name);
	ck_assert_int_eq(fs_write_atomic(path, data, strlen(data), 0644), E_OK);
	free(path);
}

START_TEST(test_unknown_then_external_root)
{
	char serial[CA_SERIAL_HEX_MAX], roots[160], crls[160];
	gnutls_x509_crt_t crt = issue(other, CA_PROFILE_OFFICIAL, 0, serial);
	gnutls_x509_crt_t oroot = ca_crt(other);
	time_t now = time(NULL);

	/* another commune's CA is not ours: untrusted, not broken, with or without its root */
	check(crt, NULL, 0, now, TRUST_CHAIN_UNKNOWN_ROOT, TRUST_USAGE_OK, TRUST_REV_NOT_CHECKED);
	check(crt, &oroot, 1, now, TRUST_CHAIN_UNKNOWN_ROOT, TRUST_USAGE_OK, TRUST_REV_NOT_CHECKED);

	/* configured as an external root: trusted; no CRL until its CRL is configured too */
	snprintf(roots, sizeof(roots), "%s/roots", scratch);
	snprintf(crls, sizeof(crls), "%s/crls", scratch);
	write_file(roots, "yen-binh.pem", ca_cert_pem(other));
	write_file(roots, "README", "not a certificate, not read");
	trust_free(store);
	ck_assert_msg(trust_open(&store, cadir, roots, NULL) == E_OK, "%s", err_detail());
	check(crt, NULL, 0, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_OK, TRUST_REV_NO_CRL);
	ck_assert_int_eq(ca_revoke(other, serial), E_OK);
	write_file(crls, "yen-binh.crl", ca_crl_pem(other));
	/* our own CA's CRL cannot stand for theirs */
	write_file(crls, "tan-lap.crl", ca_crl_pem(ca));
	trust_free(store);
	ck_assert_msg(trust_open(&store, cadir, roots, crls) == E_OK, "%s", err_detail());
	check(crt, NULL, 0, now, TRUST_CHAIN_TRUSTED, TRUST_USAGE_OK, TRUST_REV_REVOKED);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_crt_deinit(oroot);
}
END_TEST

START_TEST(test_corpus_ca)
{
	const char *dir = tu_corpus_dir("ca");
	char path[4096], *pem = NULL;
	gnutls_x509_crt_t interm;
	size_t len;
	struct trust_result r;

	ck_assert_msg(dir, "../shared/corpus not found beside the source tree");
	snprintf(path, sizeof(path), "%s/pyhanko-testing-interm.cert.pem", dir);
	ck_assert_int_eq(fs_read_file(path, TRUST_FILE_MAX, &pem, &len), E_OK);
	interm = crt_from(pem, len, 0);
	/* the commune store does not know the pyHanko root */
	check(interm, NULL, 0, time(NULL), TRUST_CHAIN_UNKNOWN_ROOT, TRUST_USAGE_WRONG,
	      TRUST_REV_NOT_CHECKED);
	/* with the corpus directory as roots: trusted, a CA (so not a document signer), no CRL */
	trust_free(store);
	ck_assert_msg(trust_open(&store, cadir, dir, NULL) == E_OK, "%s", err_detail());
	check(interm, NULL, 0, time(NULL), TRUST_CHAIN_TRUSTED, TRUST_USAGE_WRONG,
	      TRUST_REV_NO_CRL);
	ck_assert_int_eq(trust_check(store, interm, NULL, 0, time(NULL), &r), E_OK);
	ck_assert_ptr_nonnull(strstr(r.revocation_detail, "Root CA"));
	free(pem);
	gnutls_x509_crt_deinit(interm);
}
END_TEST

START_TEST(test_refused)
{
	struct trust *t = NULL;
	struct trust_result r;
	char path[160];

	ck_assert_int_eq(trust_add_roots(store, "garbage", 7), E_CRYPTO);
	ck_assert_int_eq(trust_add_crls(store, "-----BEGIN X509 CRL-----\nAAAA\n", 30), E_CRYPTO);
	ck_assert_int_eq(trust_add_roots(store, "", 0), E_INVAL);
	snprintf(path, sizeof(path), "%s/missing", scratch);
	ck_assert_int_eq(trust_open(&t, cadir, path, NULL), E_NOTFOUND);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err_detail(), "missing"));
	write_file(scratch, "bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n");
	snprintf(path, sizeof(path), "%s/bad.pem", scratch);
	ck_assert_int_eq(trust_open(&t, NULL, path, NULL), E_CRYPTO);
	ck_assert_ptr_nonnull(strstr(err_detail(), "bad.pem"));
	ck_assert_int_eq(trust_check(store, NULL, NULL, 0, time(NULL), &r), E_INVAL);
	ck_assert_int_eq(r.chain, TRUST_CHAIN_BROKEN);
	ck_assert_str_eq(trust_chain_name(TRUST_CHAIN_UNKNOWN_ROOT), "unknown-root");
	ck_assert_str_eq(trust_revocation_name(TRUST_REV_STALE), "stale");
}
END_TEST

static Suite *trust_suite(void)
{
	Suite *s = suite_create("trust");
	TCase *tc = tcase_create("trust");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_valid_and_revoked);
	tcase_add_test(tc, test_expired_and_usage);
	tcase_add_test(tc, test_broken_signature);
	tcase_add_test(tc, test_unknown_then_external_root);
	tcase_add_test(tc, test_corpus_ca);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(trust_suite());
}
