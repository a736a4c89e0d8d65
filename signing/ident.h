/*
 * ident.h: a person's identity as files: key generation, certificate
 * requests, PKCS#12 bundles.  Secrets pass through here and are wiped.
 */
#ifndef DINH_IDENT_H
#define DINH_IDENT_H

#include <stddef.h>

/* A new ECDSA P-256 private key, PEM, malloc'd (wipe with ident_free_secret). */
int ident_keygen(char **key_pem);

/* A PKCS#10 request signed by @key_pem with subject CN=@cn. */
int ident_csr(const char *key_pem, const char *cn, char **csr_pem);

/* Writes a PKCS#12 file (mode 0600, created exclusively unless @overwrite)
 * holding @key_pem, @cert_pem and @ca_pem, encrypted with @password;
 * @friendly is the bag's friendly name (UTF-8).  Written to a temporary name,
 * fsynced, renamed. */
int ident_p12_write(const char *path, const char *key_pem, const char *cert_pem, const char *ca_pem,
		    const char *password, const char *friendly, int overwrite);

/* Reads a PKCS#12 file back: the key and the certificate as PEM (malloc'd).
 * E_PASSWORD on a wrong password, E_CRYPTO if not a PKCS#12 we understand. */
int ident_p12_read(const char *path, const char *password, char **key_pem, char **cert_pem);

/* Random password of @len characters from an unambiguous alphabet (no 0/O,
 * 1/l/I); @out must hold @len + 1 bytes (NUL-terminated). */
int ident_random_password(char *out, size_t len);

/* Overwrites a NUL-terminated secret with zeros and frees it.  NULL ok. */
void ident_free_secret(char *s);

#endif
