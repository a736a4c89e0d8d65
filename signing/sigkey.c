/*
 * sigkey.c: opens a signing key with its certificate chain from a PKCS#12
 * file or from PEM files ("KEY.pem:CERT.pem[:CHAIN.pem]"), and hands
 * "pkcs11:" URLs to sigkey_p11.c.  The only place that reads signing keys.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/keys.h"
#include "signing/sigkey.h"
#include "signing/sigkey_priv.h"

#define SIGKEY_SPEC_MAX 4096

static void datum_wipe(char *p, size_t len)
{
	if (p) {
		gnutls_memset(p, 0, len);
		free(p);
	}
}

void sigkey_free(struct sigkey *k)
{
	size_t i;

	if (!k)
		return;
	if (k->key)
		gnutls_privkey_deinit(k->key); /* the key material is wiped by GnuTLS */
	for (i = 0; i < k->nchain; i++)
		gnutls_x509_crt_deinit(k->chain[i]);
	gnutls_memset(k, 0, sizeof(*k));
	free(k);
}

gnutls_privkey_t sigkey_privkey(const struct sigkey *k)
{
	return k->key;
}

gnutls_x509_crt_t sigkey_cert(const struct sigkey *k)
{
	return k->chain[0];
}

size_t sigkey_chain(const struct sigkey *k, gnutls_x509_crt_t **chain)
{
	*chain = (gnutls_x509_crt_t *)k->chain;
	return k->nchain;
}

/* The key must be the one of the signer's certificate. */
static int key_matches(struct sigkey *k)
{
	gnutls_pubkey_t pub = NULL;
	uint8_t a[64], b[64];
	size_t na = sizeof(a), nb = sizeof(b);
	int rc = E_OK;

	if (gnutls_pubkey_init(&pub) < 0)
		return err_set(E_NOMEM, "public key");
	if (gnutls_pubkey_import_privkey(pub, k->key, 0, 0) < 0 ||
	    gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA1, a, &na) < 0 ||
	    gnutls_x509_crt_get_key_id(k->chain[0], GNUTLS_KEYID_USE_SHA1, b, &nb) < 0 ||
	    na != nb || memcmp(a, b, na) != 0)
		rc = err_set(E_CRYPTO, "the key does not belong to the certificate");
	gnutls_pubkey_deinit(pub);
	return rc;
}

/* Appends the certificates of PEM or DER @d to the chain. */
static int chain_add(struct sigkey *k, const gnutls_datum_t *d, const char *path)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0, i;
	int rc;

	rc = gnutls_x509_crt_list_import2(&list, &n, d, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0) {
		n = 0;
		if (gnutls_x509_crt_init(&k->chain[k->nchain]) < 0)
			return err_set(E_NOMEM, "certificate");
		rc = gnutls_x509_crt_import(k->chain[k->nchain], d, GNUTLS_X509_FMT_DER);
		if (rc < 0) {
			gnutls_x509_crt_deinit(k->chain[k->nchain]);
			return err_set(E_CRYPTO, "%s: no certificate: %s", path,
				       gnutls_strerror(rc));
		}
		k->nchain++;
		return E_OK;
	}
	rc = E_OK;
	for (i = 0; i < n; i++) {
		if (k->nchain == SIGKEY_CHAIN_MAX) {
			rc = err_set(E_TOOBIG, "%s: more than %d certificates", path,
				     SIGKEY_CHAIN_MAX);
			gnutls_x509_crt_deinit(list[i]);
			continue;
		}
		k->chain[k->nchain++] = list[i];
	}
	gnutls_free(list);
	return rc;
}

static int cert_file(struct sigkey *k, const char *path)
{
	gnutls_datum_t d;
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = fs_read_file(path, SIGKEY_FILE_MAX, &data, &len);
	if (rc < 0)
		return rc;
	d.data = (unsigned char *)data;
	d.size = (unsigned)len;
	rc = chain_add(k, &d, path);
	free(data);
	return rc;
}

static int key_file(struct sigkey *k, const char *path, const char *secret)
{
	gnutls_datum_t d;
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = fs_read_file(path, SIGKEY_FILE_MAX, &data, &len);
	if (rc < 0)
		return rc;
	d.data = (unsigned char *)data;
	d.size = (unsigned)len;
	rc = gnutls_privkey_init(&k->key);
	if (rc < 0) {
		k->key = NULL;
		rc = keys_err(rc, "private key");
		goto out;
	}
	rc = gnutls_privkey_import_x509_raw(k->key, &d, GNUTLS_X509_FMT_PEM, secret, 0);
	if (rc < 0)
		rc = gnutls_privkey_import_x509_raw(k->key, &d, GNUTLS_X509_FMT_DER, secret, 0);
	if (rc == GNUTLS_E_DECRYPTION_FAILED)
		rc = err_set(E_PASSWORD, "%s: wrong password", path);
	else if (rc < 0)
		rc = err_set(E_CRYPTO, "%s: not a private key: %s", path, gnutls_strerror(rc));
out:
	datum_wipe(data, len);
	return rc;
}

/* "KEY.pem:CERT.pem[:CHAIN.pem]" */
static int open_pem(struct sigkey *k, const char *spec, const char *secret)
{
	char buf[SIGKEY_SPEC_MAX], *cert, *chain;
	int rc;

	if (strlen(spec) >= sizeof(buf))
		return err_set(E_INVAL, "identity name too long");
	memcpy(buf, spec, strlen(spec) + 1);
	cert = strchr(buf, ':');
	*cert++ = '\0';
	chain = strchr(cert, ':');
	if (chain)
		*chain++ = '\0';
	if (!*buf || !*cert || (chain && !*chain))
		return err_set(E_INVAL, "identity: KEY.pem:CERT.pem[:CHAIN.pem]");
	rc = key_file(k, buf, secret);
	if (rc == E_OK)
		rc = cert_file(k, cert);
	if (rc == E_OK && k->nchain != 1)
		rc = err_set(E_INVAL, "%s: one certificate expected, %zu found", cert, k->nchain);
	if (rc == E_OK && chain)
		rc = cert_file(k, chain);
	return rc;
}

static int take_p12(struct sigkey *k, gnutls_pkcs12_t p12, const char *path, const char *password)
{
	gnutls_x509_privkey_t xkey = NULL;
	gnutls_x509_crt_t *chain = NULL, *extra = NULL;
	unsigned nc = 0, ne = 0, i;
	int rc;

	rc = gnutls_pkcs12_simple_parse(p12, password, &xkey, &chain, &nc, &extra, &ne, NULL, 0);
	if (rc == GNUTLS_E_DECRYPTION_FAILED || rc == GNUTLS_E_MAC_VERIFY_FAILED)
		return err_set(E_PASSWORD, "%s: wrong password", path);
	if (rc < 0)
		return err_set(E_CRYPTO, "%s: no key and certificate: %s", path,
			       gnutls_strerror(rc));
	rc = gnutls_privkey_init(&k->key);
	if (rc == 0)
		rc = gnutls_privkey_import_x509(k->key, xkey, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
	if (rc < 0) {
		gnutls_x509_privkey_deinit(xkey);
		rc = keys_err(rc, "private key");
	} else if (nc == 0) {
		rc = err_set(E_CRYPTO, "%s: no certificate for the key", path);
	}
	for (i = 0; i < nc + ne; i++) {
		gnutls_x509_crt_t c = i < nc ? chain[i] : extra[i - nc];

		if (rc == E_OK && k->nchain < SIGKEY_CHAIN_MAX)
			k->chain[k->nchain++] = c;
		else
			gnutls_x509_crt_deinit(c);
	}
	gnutls_free(chain);
	gnutls_free(extra);
	return rc;
}

static int open_p12(struct sigkey *k, const char *path, const char *password)
{
	gnutls_pkcs12_t p12 = NULL;
	gnutls_datum_t d;
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = fs_read_file(path, SIGKEY_FILE_MAX, &data, &len);
	if (rc < 0)
		return rc;
	d.data = (unsigned char *)data;
	d.size = (unsigned)len;
	rc = gnutls_pkcs12_init(&p12);
	if (rc < 0) {
		p12 = NULL;
		rc = keys_err(rc, "PKCS#12");
		goto out;
	}
	rc = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_DER, 0);
	if (rc < 0)
		rc = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0) {
		rc = err_set(E_CRYPTO, "%s is not a PKCS#12 file: %s", path, gnutls_strerror(rc));
		goto out;
	}
	rc = gnutls_pkcs12_verify_mac(p12, password ? password : "");
	if (rc == GNUTLS_E_MAC_VERIFY_FAILED) {
		rc = err_set(E_PASSWORD, "%s: wrong password", path);
		goto out;
	}
	rc = take_p12(k, p12, path, password);
out:
	if (p12)
		gnutls_pkcs12_deinit(p12);
	datum_wipe(data, len);
	return rc;
}

int sigkey_open(struct sigkey **out, const char *spec, const char *secret)
{
	struct sigkey *k;
	int rc;

	*out = NULL;
	if (!spec || !*spec)
		return err_set(E_INVAL, "no identity given");
	if (strncmp(spec, "pkcs11:", 7) == 0)
		return sigkey_open_pkcs11(out, spec, secret);
	k = calloc(1, sizeof(*k));
	if (!k)
		return err_set(E_NOMEM, "signing key");
	rc = strchr(spec, ':') ? open_pem(k, spec, secret) : open_p12(k, spec, secret);
	if (rc == E_OK)
		rc = key_matches(k);
	if (rc < 0) {
		sigkey_free(k);
		return rc;
	}
	*out = k;
	return E_OK;
}
