/*
 * sigkey_ext.c: a signing key whose private half is somewhere else (an
 * official's token on their own machine).  GnuTLS sees an external key;
 * the SHA-256 digest of each signature it makes is handed to the caller's
 * function, which returns the signature made elsewhere.  The server uses it to build the
 * CMS of a token signature with the same code as its own signatures.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "common/err.h"
#include "signing/keys.h"
#include "signing/sigkey.h"
#include "signing/sigkey_priv.h"

struct ext_key {
	sigkey_sign_fn fn;
	void *arg;
	int pk; /* gnutls_pk_algorithm_t of the certificate */
	unsigned bits;
};

static int ext_info(gnutls_privkey_t key, unsigned flags, void *userdata)
{
	struct ext_key *e = userdata;

	(void)key;
	if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO)
		return e->pk;
	if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO_BITS)
		return (int)e->bits;
	if (flags & GNUTLS_PRIVKEY_INFO_HAVE_SIGN_ALGO) {
		gnutls_sign_algorithm_t s = GNUTLS_FLAGS_TO_SIGN_ALGO(flags);

		return s == GNUTLS_SIGN_ECDSA_SHA256 || s == GNUTLS_SIGN_RSA_SHA256 ||
		       s == GNUTLS_SIGN_ECDSA_SECP256R1_SHA256;
	}
	return -1;
}

/* GnuTLS hands an external key the digest to sign: for ECDSA the bare
 * SHA-256, for RSA PKCS#1 v1.5 its DigestInfo, which is taken apart here so
 * that @fn always gets the 32 bytes of the digest. */
static int ext_sign_hash(gnutls_privkey_t key, gnutls_sign_algorithm_t algo, void *userdata,
			 unsigned flags, const gnutls_datum_t *hash, gnutls_datum_t *signature)
{
	static const uint8_t sha256_info[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
						0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
						0x01, 0x05, 0x00, 0x04, 0x20};
	struct ext_key *e = userdata;
	const uint8_t *d = hash->data;
	uint8_t *sig = NULL;
	size_t n = 0;

	(void)key;
	(void)flags;
	if (e->pk == GNUTLS_PK_RSA && hash->size == 51 && memcmp(d, sha256_info, 19) == 0)
		d += 19;
	else if (hash->size != 32 || (algo != GNUTLS_SIGN_UNKNOWN &&
				      gnutls_sign_get_hash_algorithm(algo) != GNUTLS_DIG_SHA256))
		return GNUTLS_E_UNSUPPORTED_SIGNATURE_ALGORITHM;
	if (e->fn(e->arg, d, 32, &sig, &n) < 0 || !sig || !n) {
		free(sig);
		return GNUTLS_E_PK_SIGN_FAILED;
	}
	signature->data = gnutls_malloc(n);
	if (!signature->data) {
		free(sig);
		return GNUTLS_E_MEMORY_ERROR;
	}
	memcpy(signature->data, sig, n);
	signature->size = (unsigned)n;
	free(sig);
	return 0;
}

static void ext_deinit(gnutls_privkey_t key, void *userdata)
{
	(void)key;
	free(userdata);
}

static int ext_chain(struct sigkey *k, const char *certs_pem)
{
	gnutls_datum_t d = {(unsigned char *)certs_pem, (unsigned)strlen(certs_pem)};
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0, i;
	int rc = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0);

	if (rc < 0 || n == 0)
		return err_set(E_CRYPTO, "no PEM certificate: %s", gnutls_strerror(rc));
	rc = n > SIGKEY_CHAIN_MAX ? err_set(E_TOOBIG, "more than %d certificates", SIGKEY_CHAIN_MAX)
				  : E_OK;
	for (i = 0; i < n; i++) {
		if (rc == E_OK)
			k->chain[k->nchain++] = list[i];
		else
			gnutls_x509_crt_deinit(list[i]);
	}
	gnutls_free(list);
	return rc;
}

int sigkey_external(struct sigkey **out, const char *certs_pem, sigkey_sign_fn fn, void *arg)
{
	struct sigkey *k = calloc(1, sizeof(*k));
	struct ext_key *e = calloc(1, sizeof(*e));
	int rc;

	*out = NULL;
	if (!k || !e) {
		rc = err_set(E_NOMEM, "external key");
		goto fail;
	}
	if ((rc = ext_chain(k, certs_pem)) < 0)
		goto fail;
	e->fn = fn;
	e->arg = arg;
	e->pk = gnutls_x509_crt_get_pk_algorithm(k->chain[0], &e->bits);
	if (e->pk != GNUTLS_PK_ECDSA && e->pk != GNUTLS_PK_RSA) {
		rc = err_set(E_CRYPTO, "the certificate's key is neither ECDSA nor RSA");
		goto fail;
	}
	if ((rc = gnutls_privkey_init(&k->key)) < 0 ||
	    (rc = gnutls_privkey_import_ext4(k->key, e, NULL, ext_sign_hash, NULL, ext_deinit,
					     ext_info, 0)) < 0) {
		rc = keys_err(rc, "external key");
		goto fail;
	}
	*out = k;
	return E_OK;
fail:
	free(e); /* not yet owned by the key: import is the last step */
	sigkey_free(k);
	return rc;
}
