/*
 * sigfix.c: the fixture of the PDF signature suites (sigfix.h).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ca.h"
#include "signing/ident.h"
#include "signing/pdfsig.h"
#include "tests/signing/sigfix.h"
#include "tests/testutil.h"

struct sigfix sf;

static void put(const char *name, const char *text, char *path, size_t max)
{
	snprintf(path, max, "%s/%s", sf.dir, name);
	ck_assert_int_eq(fs_write_atomic(path, text, strlen(text), 0600), E_OK);
}

/* A document-signing certificate of @profile, its key made here. */
static void official(struct ca *ca, enum ca_profile profile, const char *cn, char **key,
		     char **cert, char *serial)
{
	char *csr = NULL;

	ck_assert_int_eq(ident_keygen(key), E_OK);
	ck_assert_int_eq(ident_csr(*key, "x", &csr), E_OK);
	ck_assert_msg(ca_issue_signer(ca, profile, cn, NULL, csr, 0, cert, serial) == E_OK,
		      "issue: %s", err_detail());
	free(csr);
}

void sf_setup(void)
{
	char serial[CA_SERIAL_HEX_MAX], k[128], c[128];
	char *key = NULL, *cert = NULL, *key2 = NULL, *cert2 = NULL;
	struct ca *ca = NULL;

	memset(&sf, 0, sizeof(sf));
	snprintf(sf.dir, sizeof(sf.dir), "/tmp/dinh-test-pdfsig.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sf.dir));
	snprintf(sf.cadir, sizeof(sf.cadir), "%s/ca", sf.dir);
	ck_assert_int_eq(ca_create(sf.cadir, "UBND xã Tân Lập"), E_OK);
	ck_assert_int_eq(ca_open(&ca, sf.cadir), E_OK);
	official(ca, CA_PROFILE_OFFICIAL, SF_SIGNER, &key, &cert, sf.serial);
	official(ca, CA_PROFILE_CITIZEN, SF_SIGNER2, &key2, &cert2, serial);
	put("an.key", key, k, sizeof(k));
	put("an.pem", cert, c, sizeof(c));
	put("ca.pem", ca_cert_pem(ca), sf.ca_pem, sizeof(sf.ca_pem));
	snprintf(sf.spec, sizeof(sf.spec), "%s:%s:%s", k, c, sf.ca_pem);
	snprintf(sf.p12, sizeof(sf.p12), "%s/binh.p12", sf.dir);
	ck_assert_int_eq(
		ident_p12_write(sf.p12, key2, cert2, ca_cert_pem(ca), SF_PASSWORD, SF_SIGNER2, 0),
		E_OK);
	ck_assert_msg(trust_open(&sf.tl, sf.cadir, NULL, NULL) == E_OK, "%s", err_detail());
	ident_free_secret(key);
	ident_free_secret(key2);
	free(cert);
	free(cert2);
	ca_free(ca);
}

void sf_teardown(void)
{
	trust_free(sf.tl);
	tu_rm_tree(sf.dir);
}

uint8_t *sf_sign_opts(const uint8_t *in, size_t len, const char *spec, const char *secret,
		      const struct pdfsig_opts *o, size_t *outlen)
{
	struct sigkey *k = NULL;
	uint8_t *out = NULL;
	int rc;

	ck_assert_int_eq(sigkey_open(&k, spec, secret), E_OK);
	rc = pdfsig_sign(&out, outlen, in, len, k, o);
	ck_assert_msg(rc == E_OK, "sign: %s: %s", err_str(rc), err_detail());
	sigkey_free(k);
	return out;
}

uint8_t *sf_sign(const uint8_t *in, size_t len, const char *spec, const char *secret, int pkcs7,
		 size_t *outlen)
{
	struct pdfsig_opts o = {0};

	o.pkcs7 = pkcs7;
	return sf_sign_opts(in, len, spec, secret, &o, outlen);
}

struct pdfverify_report *sf_verify(const uint8_t *p, size_t len, const struct trust *tl)
{
	struct pdfverify_report *r = NULL;
	int rc = pdfverify_data(&r, p, len, tl);

	ck_assert_msg(rc == E_OK, "verify: %s: %s", err_str(rc), err_detail());
	return r;
}

const char *sf_write(const char *name, const uint8_t *p, size_t len)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", sf.dir, name);
	ck_assert_int_eq(fs_write_atomic(path, p, len, 0600), E_OK);
	return path;
}

void sf_last_range(const uint8_t *p, size_t len, size_t v[4])
{
	const uint8_t *q = p, *last = NULL;

	while ((q = memmem(q, len - (size_t)(q - p), "/ByteRange", 10)) != NULL)
		last = q++;
	ck_assert_ptr_nonnull(last);
	ck_assert_int_eq(sscanf((const char *)last, "/ByteRange [%zu %zu %zu %zu", &v[0], &v[1],
				&v[2], &v[3]),
			 4);
}
