/*
 * sigkey_priv.h: what the key back-ends of sigkey.c share: the structure
 * and the PKCS#11 opener (sigkey_p11.c).  Internal to signing/.
 *
 * Until sigkey.h is on main this header stands alone, with the layout the
 * sigkey.c work uses (chain[0] is the signer).
 */
#ifndef DINH_SIGKEY_PRIV_H
#define DINH_SIGKEY_PRIV_H

#include <stddef.h>

#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#ifndef SIGKEY_CHAIN_MAX
#define SIGKEY_CHAIN_MAX 16 /* certificates of a chain, the signer's included */
#endif

struct sigkey {
	gnutls_privkey_t key;
	gnutls_x509_crt_t chain[SIGKEY_CHAIN_MAX]; /* chain[0] is the signer */
	size_t nchain;
};

/* Opens the private key of the token object named by the p11-kit URL @url
 * ("pkcs11:token=...;object=..." or ";id=..."; a type= attribute is ignored:
 * the key and the certificate of that object are both taken) and the
 * certificate beside it, logging in with @pin (not copied, not kept: the
 * caller wipes it; NULL when the token needs no login).  The PIN is given
 * once and never retried.  E_PASSWORD for a wrong PIN (the detail names the
 * token and says what it reports of the tries left) or a locked token (its
 * own message); E_NOTFOUND when the token or the key or certificate is not
 * there; E_INVAL for a URL that is not "pkcs11:" or too long; E_CRYPTO when
 * the key is not the certificate's or the token fails.  Keys that want a PIN
 * at every signature (CKA_ALWAYS_AUTHENTICATE) are not supported. */
int sigkey_open_pkcs11(struct sigkey **out, const char *url, const char *pin);

/* The detail of a wrong PIN for @token with token flags @flags
 * (GNUTLS_PKCS11_TOKEN_USER_PIN_*), into @buf; exposed for the tests. */
void sigkey_p11_pin_detail(char *buf, size_t size, const char *token, unsigned flags);

#endif
