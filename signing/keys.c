/*
 * keys.c: GnuTLS key and certificate helpers shared inside signing/.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "signing/keys.h"

int keys_err(int rc, const char *what)
{
	if (rc == GNUTLS_E_MEMORY_ERROR)
		return err_set(E_NOMEM, "%s: %s", what, gnutls_strerror(rc));
	return err_set(E_CRYPTO, "%s: %s", what, gnutls_strerror(rc));
}

int keys_datum_take(char **out, gnutls_datum_t *d)
{
	int rc = E_OK;

	*out = malloc((size_t)d->size + 1);
	if (!*out) {
		rc = err_set(E_NOMEM, "copy of %u bytes", d->size);
	} else {
		memcpy(*out, d->data, d->size);
		(*out)[d->size] = '\0';
	}
	gnutls_memset(d->data, 0, d->size);
	gnutls_free(d->data);
	d->data = NULL;
	d->size = 0;
	return rc;
}

int keys_generate(gnutls_x509_privkey_t *out)
{
	int rc = gnutls_x509_privkey_init(out);

	if (rc < 0) {
		*out = NULL;
		return keys_err(rc, "key init");
	}
	rc = gnutls_x509_privkey_generate2(*out, GNUTLS_PK_ECDSA,
					   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0,
					   NULL, 0);
	if (rc < 0) {
		gnutls_x509_privkey_deinit(*out);
		*out = NULL;
		return keys_err(rc, "generate ECDSA P-256 key");
	}
	return E_OK;
}

int keys_export_pem(char **out, gnutls_x509_privkey_t key)
{
	gnutls_datum_t d = {NULL, 0};
	int rc = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL,
						   GNUTLS_PKCS_PLAIN, &d);

	*out = NULL;
	if (rc < 0)
		return keys_err(rc, "export key");
	return keys_datum_take(out, &d);
}

int keys_crt_export_pem(char **out, gnutls_x509_crt_t crt)
{
	gnutls_datum_t d = {NULL, 0};
	int rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d);

	*out = NULL;
	if (rc < 0)
		return keys_err(rc, "export certificate");
	return keys_datum_take(out, &d);
}
