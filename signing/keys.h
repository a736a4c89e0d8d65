/*
 * keys.h: the GnuTLS key and certificate helpers that ca.c, ca_crl.c and
 * ident.c share: error translation, P-256 key generation, PEM export.
 * Internal to signing/.
 */
#ifndef DINH_KEYS_H
#define DINH_KEYS_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* Translates GnuTLS error @rc of @what into E_CRYPTO (E_NOMEM for memory)
 * with err_set, and returns it. */
int keys_err(int rc, const char *what);

/* A malloc'd, NUL-terminated copy of @d into *out; @d is wiped and freed
 * whatever happens (it may hold a key). */
int keys_datum_take(char **out, gnutls_datum_t *d);

/* A new ECDSA P-256 key; *out NULL on failure. */
int keys_generate(gnutls_x509_privkey_t *out);

/* The key as unencrypted PKCS#8 PEM, or the certificate as PEM, malloc'd. */
int keys_export_pem(char **out, gnutls_x509_privkey_t key);
int keys_crt_export_pem(char **out, gnutls_x509_crt_t crt);

#endif
