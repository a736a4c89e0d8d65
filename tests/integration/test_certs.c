/*
 * test_certs.c: signing certificates over real TLS: cert.issue for an official and a citizen
 * (key usages, UID, chaining to the commune CA through the trust store), cert.revoke and
 * the CRL that cert.crl publishes; what is refused: another role, a bad profile or UID, a
 * person's TLS certificate, a second revocation.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/proto.h"
#include "signing/ca.h"
#include "signing/ident.h"
#include "signing/trust.h"
#include "tests/integration/fixture.h"
#include "tests/integration/harness.h"

/* cert.issue with @profile and @uid (may be NULL); the server's code, *cert and *serial
 * (malloc'd) on success. */
static int issue(struct hx_conn *c, const char *name, const char *profile, const char *uid,
		 char **cert, char **serial)
{
	struct proto_node *req = proto_node_new("req"), *r = NULL;
	char *key = NULL, *csr = NULL;
	int rc;

	ck_assert_int_eq(ident_keygen(&key), E_OK);
	ck_assert_int_eq(ident_csr(key, "x", &csr), E_OK);
	proto_node_set(req, "name", name);
	proto_node_set(req, "profile", profile);
	if (uid)
		proto_node_set(req, "uid", uid);
	proto_node_set_text(proto_node_add(req, "csr"), csr);
	rc = hx_request(c, "cert.issue", req, &r, NULL);
	if (rc == E_OK) {
		ck_assert_ptr_nonnull(proto_child(r, "cert"));
		ck_assert_ptr_nonnull(proto_child(r, "ca"));
		*cert = strdup(proto_child(r, "cert")->text);
		*serial = strdup(proto_attr(r, "serial"));
	}
	proto_node_free(r);
	ident_free_secret(key);
	free(csr);
	return rc;
}

/* The trust store's verdict on @pem with the CA and the CRL the server published now. */
static void check_trust(struct hx_conn *c, const char *pem, enum trust_revocation want)
{
	gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)};
	struct proto_node *r = NULL;
	const struct proto_node *crl;
	struct trust *t = NULL;
	struct trust_result res;
	gnutls_x509_crt_t crt;
	char *ca = NULL;
	size_t len;

	ck_assert_int_eq(hx_call(c, &r, "cert.crl", NULL), E_OK);
	crl = proto_child(r, "crl");
	ck_assert_msg(crl && crl->text && strstr(crl->text, "BEGIN X509 CRL"), "no <crl>");
	ca = hx_slurp(fx_dir, "ca/ca.pem", &len);
	ck_assert_ptr_nonnull(ca);
	ck_assert_int_eq(trust_new(&t), E_OK);
	ck_assert_int_eq(trust_add_roots(t, ca, len), E_OK);
	ck_assert_int_eq(trust_add_crls(t, crl->text, strlen(crl->text)), E_OK);
	ck_assert_int_eq(gnutls_x509_crt_init(&crt), 0);
	ck_assert_int_eq(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
	ck_assert_int_eq(trust_check(t, crt, NULL, 0, time(NULL), &res), E_OK);
	ck_assert_int_eq(res.chain, TRUST_CHAIN_TRUSTED);
	ck_assert_int_eq(res.usage, TRUST_USAGE_OK);
	ck_assert_msg(res.revocation == want, "revocation %s",
		      trust_revocation_name(res.revocation));
	gnutls_x509_crt_deinit(crt);
	trust_free(t);
	free(ca);
	proto_node_free(r);
}

START_TEST(test_issue_revoke_crl)
{
	struct hx_ident clerk = {NULL, NULL};
	struct hx_tls_opts co = fx_admin_opts;
	struct hx_conn *a = NULL, *k = NULL;
	char *cert = NULL, *serial = NULL, *cert2 = NULL, *serial2 = NULL, *cn = NULL, *pid;

	fx_start(NULL);
	ck_assert_int_eq(hx_connect_hello(&a, fx_d->port, &fx_admin_opts), E_OK);
	ck_assert_int_eq(issue(a, "Trần Văn Bình", "official", "MST:0101234567", &cert, &serial),
			 E_OK);
	ck_assert_int_eq(cert_info(cert, NULL, NULL, &cn, NULL), E_OK);
	ck_assert_str_eq(cn, "Trần Văn Bình");
	ck_assert_ptr_nonnull(strstr(cert, "BEGIN CERTIFICATE"));
	fx_assert_log(hx_log_wait(fx_d, FX_LOG_WAIT_MS, "signing certificate", serial, NULL),
		      "naming the issued serial");
	ck_assert_int_eq(
		issue(a, "Phạm Thị Dung", "citizen", "CCCD:001099012345", &cert2, &serial2), E_OK);
	check_trust(a, cert2, TRUST_REV_GOOD);

	/* revoked: the next CRL lists it; once is enough */
	ck_assert_int_eq(hx_call(a, NULL, "cert.revoke", "serial", serial2, NULL), E_OK);
	check_trust(a, cert2, TRUST_REV_REVOKED);
	check_trust(a, cert, TRUST_REV_GOOD);
	ck_assert_int_eq(hx_call(a, NULL, "cert.revoke", "serial", serial2, NULL), E_EXISTS);

	/* refused: bad profile, bad UID, no CSR, a person's TLS certificate, another role */
	ck_assert_int_eq(issue(a, "Phạm Thị Dung", "server", NULL, NULL, NULL), E_INVAL);
	ck_assert_int_eq(issue(a, "Phạm Thị Dung", "citizen", "CCCD 1", NULL, NULL), E_INVAL);
	ck_assert_int_eq(hx_call(a, NULL, "cert.issue", "name", "X", "profile", "citizen", NULL),
			 E_INVAL);
	pid = fx_add_user(a, "Lê Văn Cường", "clerk", &clerk);
	{
		char s[CA_SERIAL_HEX_MAX];

		ck_assert_int_eq(cert_info(clerk.cert_pem, s, NULL, NULL, NULL), E_OK);
		ck_assert_int_eq(hx_call(a, NULL, "cert.revoke", "serial", s, NULL), E_INVAL);
	}
	co.ident = &clerk;
	ck_assert_int_eq(hx_connect_hello(&k, fx_d->port, &co), E_OK);
	ck_assert_int_eq(issue(k, "Lê Văn Cường", "official", NULL, NULL, NULL), E_PERM);
	ck_assert_int_eq(hx_call(k, NULL, "cert.revoke", "serial", serial, NULL), E_PERM);
	check_trust(k, cert, TRUST_REV_GOOD); /* any person may fetch the CRL */
	hx_close(k);
	hx_close(a);
	fx_assert_served();
	fx_stop_ok();
	hx_ident_clear(&clerk);
	free(pid);
	free(cn);
	free(cert);
	free(serial);
	free(cert2);
	free(serial2);
}
END_TEST

static Suite *certs_suite(void)
{
	Suite *s = suite_create("certs");
	TCase *tc = tcase_create("certs");

	tcase_add_checked_fixture(tc, NULL, fx_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_issue_revoke_crl);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(certs_suite());
	int failed;

	if (hx_run_begin() < 0) {
		fprintf(stderr, "%s\n", err_detail());
		return 99;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	hx_run_end();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
