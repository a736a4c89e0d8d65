/*
 * sigkey.h: a signing key and its certificate chain behind one small API,
 * whether the key is in a PKCS#12 file, in PEM files or on a PKCS#11 token.
 *
 * Contracts: @spec is a PKCS#12 path, "KEY.pem:CERT.pem[:CHAIN.pem]" or a
 * "pkcs11:" URL; @secret is the PKCS#12 password, the PEM key's password
 * (NULL for an unencrypted key) or the token's PIN.  Errors: E_PASSWORD
 * for a wrong password or PIN, E_CRYPTO for a key or certificate we cannot
 * use (or a key that is not the certificate's), E_IO for a file.  Getters
 * return borrowed objects that live as long as the key; sigkey_free()
 * wipes what it holds.  Not thread-safe.
 */
#ifndef DINH_SIGKEY_H
#define DINH_SIGKEY_H

#include <stddef.h>
#include <stdint.h>

#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#define SIGKEY_FILE_MAX (1u << 20) /* bytes of a key, certificate or PKCS#12 file */
#define SIGKEY_CHAIN_MAX 16        /* certificates of a chain, the signer's included */

struct sigkey;

int sigkey_open(struct sigkey **out, const char *spec, const char *secret);
void sigkey_free(struct sigkey *k);

gnutls_privkey_t sigkey_privkey(const struct sigkey *k);
/* The signer's certificate (the first of the chain). */
gnutls_x509_crt_t sigkey_cert(const struct sigkey *k);
/* The chain, signer first, then the issuers the key came with; returns its length. */
size_t sigkey_chain(const struct sigkey *k, gnutls_x509_crt_t **chain);

/* A key whose signatures are made elsewhere (a token on another machine):
 * @certs_pem is the signer's certificate first, then any issuers.  Each
 * signature GnuTLS needs (SHA-256 only) calls @fn with the 32-byte SHA-256
 * digest to sign (for a CMS, the digest of its DER signed attributes); @fn
 * returns E_OK with the signature in *sig (malloc'd: an ECDSA-Sig-Value in
 * DER, or an RSA PKCS#1 v1.5 signature, as gnutls_privkey_sign_hash() makes
 * them) or an error, which fails the signing.  @arg is @fn's. */
typedef int (*sigkey_sign_fn)(void *arg, const uint8_t *tbs, size_t n, uint8_t **sig,
			      size_t *siglen);
int sigkey_external(struct sigkey **out, const char *certs_pem, sigkey_sign_fn fn, void *arg);

#endif
