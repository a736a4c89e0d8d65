/*
 * ident.c: a person's identity as files: ECDSA key generation, PKCS#10 requests, and
 * password-protected PKCS#12 bundles (GnuTLS); every secret that passes through is wiped.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ident.h"
#include "signing/keys.h"

#define IDENT_FILE_MAX (1024 * 1024) /* a key, certificate or PKCS#12 file */
#define IDENT_NAME_MAX 256           /* bytes of a CN or friendly name */
#define IDENT_PASSWORD_MAX 1024

/* Unambiguous: no 0/O/o, 1/l/I/i; 54 characters. */
static const char ident_alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

void ident_free_secret(char *s)
{
	if (!s)
		return;
	gnutls_memset(s, 0, strlen(s));
	free(s);
}

/* Imports an unencrypted PEM private key (PKCS#8 or SEC1). */
static int key_import(gnutls_x509_privkey_t *out, const char *key_pem)
{
	gnutls_datum_t d;
	size_t len = key_pem ? strlen(key_pem) : 0;
	int rc;

	*out = NULL;
	if (len == 0 || len > IDENT_FILE_MAX)
		return err_set(E_INVAL, "private key of %zu bytes", len);
	rc = gnutls_x509_privkey_init(out);
	if (rc < 0) {
		*out = NULL;
		return keys_err(rc, "key init");
	}
	d.data = (unsigned char *)key_pem;
	d.size = (unsigned)len;
	rc = gnutls_x509_privkey_import2(*out, &d, GNUTLS_X509_FMT_PEM, NULL, 0);
	if (rc < 0) {
		gnutls_x509_privkey_deinit(*out);
		*out = NULL;
		return keys_err(rc, "private key");
	}
	return E_OK;
}

static int crt_import(gnutls_x509_crt_t *out, const char *pem, const char *what)
{
	gnutls_datum_t d;
	size_t len = pem ? strlen(pem) : 0;
	int rc;

	*out = NULL;
	if (len == 0 || len > IDENT_FILE_MAX)
		return err_set(E_INVAL, "%s of %zu bytes", what, len);
	rc = gnutls_x509_crt_init(out);
	if (rc < 0) {
		*out = NULL;
		return keys_err(rc, "certificate init");
	}
	d.data = (unsigned char *)pem;
	d.size = (unsigned)len;
	rc = gnutls_x509_crt_import(*out, &d, GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		gnutls_x509_crt_deinit(*out);
		*out = NULL;
		return keys_err(rc, what);
	}
	return E_OK;
}

int ident_keygen(char **key_pem)
{
	gnutls_x509_privkey_t key = NULL;
	int rc;

	*key_pem = NULL;
	rc = keys_generate(&key);
	if (rc < 0)
		return rc;
	rc = keys_export_pem(key_pem, key);
	gnutls_x509_privkey_deinit(key);
	return rc;
}

int ident_csr(const char *key_pem, const char *cn, char **csr_pem)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crq_t crq = NULL;
	gnutls_datum_t d = {NULL, 0};
	size_t cn_len = cn ? strlen(cn) : 0;
	int rc;

	*csr_pem = NULL;
	if (cn_len == 0 || cn_len > IDENT_NAME_MAX)
		return err_set(E_INVAL, "common name must be 1 to %d bytes", IDENT_NAME_MAX);
	rc = key_import(&key, key_pem);
	if (rc < 0)
		return rc;
	rc = gnutls_x509_crq_init(&crq);
	if (rc < 0) {
		crq = NULL;
		goto gfail;
	}
	rc = gnutls_x509_crq_set_version(crq, 1);
	if (rc >= 0)
		rc = gnutls_x509_crq_set_dn_by_oid(crq, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
						   (unsigned)cn_len);
	if (rc >= 0)
		rc = gnutls_x509_crq_set_key(crq, key);
	if (rc >= 0)
		rc = gnutls_x509_crq_sign2(crq, key, GNUTLS_DIG_SHA256, 0);
	if (rc >= 0)
		rc = gnutls_x509_crq_export2(crq, GNUTLS_X509_FMT_PEM, &d);
	if (rc < 0)
		goto gfail;
	rc = keys_datum_take(csr_pem, &d);
	goto out;
gfail:
	rc = keys_err(rc, "certificate request");
out:
	if (crq)
		gnutls_x509_crq_deinit(crq);
	gnutls_x509_privkey_deinit(key);
	return rc;
}

/* The bag of the certificate and the CA certificate, linked to the key by @kid. */
static int p12_cert_bag(gnutls_pkcs12_bag_t *out, gnutls_x509_crt_t crt, gnutls_x509_crt_t ca,
			const gnutls_datum_t *kid, const char *friendly, const char *password)
{
	int rc, idx;

	rc = gnutls_pkcs12_bag_init(out);
	if (rc < 0) {
		*out = NULL;
		return keys_err(rc, "PKCS#12 bag");
	}
	rc = idx = gnutls_pkcs12_bag_set_crt(*out, crt);
	if (rc >= 0)
		rc = gnutls_pkcs12_bag_set_key_id(*out, (unsigned)idx, kid);
	if (rc >= 0 && friendly)
		rc = gnutls_pkcs12_bag_set_friendly_name(*out, (unsigned)idx, friendly);
	if (rc >= 0 && ca)
		rc = gnutls_pkcs12_bag_set_crt(*out, ca);
	if (rc >= 0)
		rc = gnutls_pkcs12_bag_encrypt(*out, password, GNUTLS_PKCS_PBES2_AES_256);
	if (rc < 0) {
		gnutls_pkcs12_bag_deinit(*out);
		*out = NULL;
		return keys_err(rc, "PKCS#12 certificate bag");
	}
	return E_OK;
}

/* The bag of the key, encrypted with PBES2/AES-256 under @password. */
static int p12_key_bag(gnutls_pkcs12_bag_t *out, gnutls_x509_privkey_t key,
		       const gnutls_datum_t *kid, const char *friendly, const char *password)
{
	int rc, idx;

	rc = gnutls_pkcs12_bag_init(out);
	if (rc < 0) {
		*out = NULL;
		return keys_err(rc, "PKCS#12 bag");
	}
	rc = idx = gnutls_pkcs12_bag_set_privkey(*out, key, password, GNUTLS_PKCS_PBES2_AES_256);
	if (rc >= 0)
		rc = gnutls_pkcs12_bag_set_key_id(*out, (unsigned)idx, kid);
	if (rc >= 0 && friendly)
		rc = gnutls_pkcs12_bag_set_friendly_name(*out, (unsigned)idx, friendly);
	if (rc < 0) {
		gnutls_pkcs12_bag_deinit(*out);
		*out = NULL;
		return keys_err(rc, "PKCS#12 key bag");
	}
	return E_OK;
}

/* Builds the DER PKCS#12 of @key, @crt and @ca into *der (gnutls-allocated). */
static int p12_build(gnutls_datum_t *der, gnutls_x509_privkey_t key, gnutls_x509_crt_t crt,
		     gnutls_x509_crt_t ca, const char *password, const char *friendly)
{
	gnutls_pkcs12_t p12 = NULL;
	gnutls_pkcs12_bag_t cbag = NULL, kbag = NULL;
	uint8_t id[64];
	size_t id_len = sizeof(id);
	gnutls_datum_t kid;
	int rc;

	rc = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, id, &id_len);
	if (rc < 0)
		return keys_err(rc, "key id");
	kid.data = id;
	kid.size = (unsigned)id_len;
	rc = p12_cert_bag(&cbag, crt, ca, &kid, friendly, password);
	if (rc == E_OK)
		rc = p12_key_bag(&kbag, key, &kid, friendly, password);
	if (rc < 0)
		goto out;
	rc = gnutls_pkcs12_init(&p12);
	if (rc < 0) {
		p12 = NULL;
		rc = keys_err(rc, "PKCS#12 init");
		goto out;
	}
	rc = gnutls_pkcs12_set_bag(p12, cbag);
	if (rc >= 0)
		rc = gnutls_pkcs12_set_bag(p12, kbag);
	if (rc >= 0)
		rc = gnutls_pkcs12_generate_mac2(p12, GNUTLS_MAC_SHA256, password);
	if (rc >= 0)
		rc = gnutls_pkcs12_export2(p12, GNUTLS_X509_FMT_DER, der);
	rc = rc < 0 ? keys_err(rc, "PKCS#12") : E_OK;
out:
	if (p12)
		gnutls_pkcs12_deinit(p12);
	if (cbag)
		gnutls_pkcs12_bag_deinit(cbag);
	if (kbag)
		gnutls_pkcs12_bag_deinit(kbag);
	return rc;
}

/* The key must be the one of the certificate. */
static int key_matches(gnutls_x509_privkey_t key, gnutls_x509_crt_t crt)
{
	uint8_t a[64], b[64];
	size_t na = sizeof(a), nb = sizeof(b);

	if (gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA1, a, &na) < 0 ||
	    gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, b, &nb) < 0 || na != nb ||
	    memcmp(a, b, na) != 0)
		return err_set(E_CRYPTO, "the key does not belong to the certificate");
	return E_OK;
}

static int password_check(const char *password)
{
	size_t n = password ? strlen(password) : 0;

	if (n == 0 || n > IDENT_PASSWORD_MAX)
		return err_set(E_INVAL, "the password must be 1 to %d bytes", IDENT_PASSWORD_MAX);
	return E_OK;
}

int ident_p12_write(const char *path, const char *key_pem, const char *cert_pem, const char *ca_pem,
		    const char *password, const char *friendly, int overwrite)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL, ca = NULL;
	gnutls_datum_t der = {NULL, 0};
	int rc;

	rc = password_check(password);
	if (rc < 0)
		return rc;
	if (friendly && strlen(friendly) > IDENT_NAME_MAX)
		return err_set(E_INVAL, "friendly name over %d bytes", IDENT_NAME_MAX);
	/* Not atomic with the rename below: a file appearing in between is replaced. */
	if (!overwrite && fs_exists(path))
		return err_set(E_EXISTS, "%s already exists", path);
	rc = key_import(&key, key_pem);
	if (rc == E_OK)
		rc = crt_import(&crt, cert_pem, "certificate");
	if (rc == E_OK && ca_pem)
		rc = crt_import(&ca, ca_pem, "CA certificate");
	if (rc == E_OK)
		rc = key_matches(key, crt);
	if (rc == E_OK)
		rc = p12_build(&der, key, crt, ca, password, friendly);
	if (rc == E_OK)
		rc = fs_write_atomic(path, der.data, der.size, 0600);
	if (der.data) {
		gnutls_memset(der.data, 0, der.size);
		gnutls_free(der.data);
	}
	if (ca)
		gnutls_x509_crt_deinit(ca);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc;
}

/* Imports a PKCS#12 file (DER, or PEM as a fallback) and checks its MAC. */
static int p12_load(gnutls_pkcs12_t *out, const char *path, const char *password)
{
	gnutls_datum_t d;
	char *data = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = fs_read_file(path, IDENT_FILE_MAX, &data, &len);
	if (rc < 0)
		return rc;
	d.data = (unsigned char *)data;
	d.size = (unsigned)len;
	rc = gnutls_pkcs12_init(out);
	if (rc < 0) {
		*out = NULL;
		rc = keys_err(rc, "PKCS#12 init");
		goto out;
	}
	rc = gnutls_pkcs12_import(*out, &d, GNUTLS_X509_FMT_DER, 0);
	if (rc < 0)
		rc = gnutls_pkcs12_import(*out, &d, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0) {
		rc = err_set(E_CRYPTO, "%s is not a PKCS#12 file: %s", path, gnutls_strerror(rc));
		goto out;
	}
	rc = gnutls_pkcs12_verify_mac(*out, password);
	if (rc == GNUTLS_E_MAC_VERIFY_FAILED)
		rc = err_set(E_PASSWORD, "wrong password for %s", path);
	else if (rc < 0)
		rc = err_set(E_CRYPTO, "%s: %s", path, gnutls_strerror(rc));
out:
	if (rc < 0 && *out) {
		gnutls_pkcs12_deinit(*out);
		*out = NULL;
	}
	gnutls_memset(data, 0, len);
	free(data);
	return rc;
}

int ident_p12_read(const char *path, const char *password, char **key_pem, char **cert_pem)
{
	gnutls_pkcs12_t p12 = NULL;
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t *chain = NULL;
	unsigned chain_len = 0;
	int rc;

	*key_pem = NULL;
	*cert_pem = NULL;
	rc = password_check(password);
	if (rc == E_OK)
		rc = p12_load(&p12, path, password);
	if (rc < 0)
		return rc;
	rc = gnutls_pkcs12_simple_parse(p12, password, &key, &chain, &chain_len, NULL, NULL, NULL,
					0);
	if (rc == GNUTLS_E_DECRYPTION_FAILED) {
		rc = err_set(E_PASSWORD, "wrong password for %s", path);
		goto out;
	}
	if (rc < 0 || !key || chain_len == 0) {
		rc = err_set(E_CRYPTO, "%s: %s", path,
			     rc < 0 ? gnutls_strerror(rc) : "no key or certificate");
		goto out;
	}
	rc = keys_export_pem(key_pem, key);
	if (rc == E_OK)
		rc = keys_crt_export_pem(cert_pem, chain[0]);
	if (rc < 0) {
		ident_free_secret(*key_pem);
		*key_pem = NULL;
	}
out:
	for (unsigned i = 0; i < chain_len; i++)
		gnutls_x509_crt_deinit(chain[i]);
	gnutls_free(chain);
	if (key)
		gnutls_x509_privkey_deinit(key);
	gnutls_pkcs12_deinit(p12);
	return rc;
}

int ident_random_password(char *out, size_t len)
{
	const size_t n = sizeof(ident_alphabet) - 1;
	const unsigned limit = 256 - 256 % n; /* rejection sampling: no bias */
	uint8_t r[64];
	size_t i = 0;

	if (!out)
		return err_set(E_INVAL, "no output buffer");
	while (i < len) {
		int rc = gnutls_rnd(GNUTLS_RND_KEY, r, sizeof(r));

		if (rc < 0) {
			gnutls_memset(out, 0, len);
			return keys_err(rc, "random password");
		}
		for (size_t j = 0; j < sizeof(r) && i < len; j++)
			if (r[j] < limit)
				out[i++] = ident_alphabet[r[j] % n];
	}
	out[len] = '\0';
	gnutls_memset(r, 0, sizeof(r));
	return E_OK;
}
