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

#endif
