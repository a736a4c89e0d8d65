/*
 * sigkey_p11.c: signing keys on PKCS#11 tokens, through the modules p11-kit registers and
 * GnuTLS: the private key and the certificate of one token object found by its "pkcs11:" URL.
 * The PIN is given to the token once and never retried (three wrong PINs lock an official's
 * token); a wrong PIN and a locked token get messages that say what the token reports.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "signing/keys.h"
#include "signing/sigkey_priv.h"

#define P11_URL_MAX 2048  /* bytes of a pkcs11: URL */
#define P11_PIN_MAX 256   /* bytes of a PIN */
#define P11_LABEL_MAX 128 /* bytes of a token label in messages */

/* What the PIN callback was given and saw. */
struct p11_pin {
	const char *pin;
	int given; /* the PIN went to the token once */
	int wrong; /* the token refused it */
};

static pthread_once_t p11_once = PTHREAD_ONCE_INIT;
static int p11_init_rc;

static void p11_init(void)
{
	/* every module p11-kit's configuration names (SoftHSM2, the official's token) */
	p11_init_rc = gnutls_pkcs11_init(GNUTLS_PKCS11_FLAG_AUTO, NULL);
}

/* Gives the PIN once; a second request (GnuTLS retrying after CKR_PIN_INCORRECT) is refused,
 * so one call never costs more than one try. */
static int pin_cb(void *data, int attempt, const char *token_url, const char *token_label,
		  unsigned flags, char *pin, size_t pin_max)
{
	struct p11_pin *p = data;
	size_t n;

	(void)token_url;
	(void)token_label;
	if ((flags & GNUTLS_PIN_WRONG) || attempt > 0 || p->given) {
		p->wrong = 1;
		return GNUTLS_E_PKCS11_PIN_ERROR;
	}
	if (!p->pin)
		return GNUTLS_E_PKCS11_PIN_ERROR;
	n = strlen(p->pin);
	if (n >= pin_max)
		return GNUTLS_E_PKCS11_PIN_ERROR;
	memcpy(pin, p->pin, n + 1);
	p->given = 1;
	return 0;
}

/* Installed once the key is open: the PIN is not kept, so a later login is refused. */
static int pin_refuse(void *data, int attempt, const char *token_url, const char *token_label,
		      unsigned flags, char *pin, size_t pin_max)
{
	(void)data;
	(void)attempt;
	(void)token_url;
	(void)token_label;
	(void)flags;
	(void)pin;
	(void)pin_max;
	return GNUTLS_E_PKCS11_PIN_ERROR;
}

void sigkey_p11_pin_detail(char *buf, size_t size, const char *token, unsigned flags)
{
	if (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_LOCKED)
		snprintf(buf, size,
			 "token '%s' is locked after too many wrong PINs; its security officer "
			 "must unblock it",
			 token);
	else if (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_FINAL_TRY)
		snprintf(buf, size, "wrong PIN for token '%s'; one try left before it locks",
			 token);
	else if (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_COUNT_LOW)
		snprintf(buf, size, "wrong PIN for token '%s'; few tries left before it locks",
			 token);
	else
		snprintf(
			buf, size,
			"wrong PIN for token '%s' (the token does not say how many tries are left)",
			token);
}

/* The token's label for messages ("?" if it cannot be read). */
static void token_label(const char *url, char *buf, size_t size)
{
	size_t n = size - 1;

	if (gnutls_pkcs11_token_get_info(url, GNUTLS_PKCS11_TOKEN_LABEL, buf, &n) < 0)
		snprintf(buf, size, "?");
	buf[size - 1] = '\0';
}

/* E_PASSWORD with the token's own account of the PIN state. */
static int pin_error(const char *url)
{
	char label[P11_LABEL_MAX], msg[256];
	unsigned flags = 0;

	token_label(url, label, sizeof(label));
	if (gnutls_pkcs11_token_get_flags(url, &flags) < 0)
		flags = 0;
	sigkey_p11_pin_detail(msg, sizeof(msg), label, flags);
	return err_set(E_PASSWORD, "%s", msg);
}

/* Translates a GnuTLS failure to open @what of @url. */
static int p11_err(int rc, const struct p11_pin *p, const char *url, const char *what)
{
	if (rc == GNUTLS_E_PKCS11_PIN_LOCKED)
		return pin_error(url); /* the flags say locked */
	if (!p->pin && (rc == GNUTLS_E_PKCS11_PIN_ERROR || rc == GNUTLS_E_PKCS11_USER_ERROR))
		return err_set(E_PASSWORD, "the token needs a PIN");
	if (p->wrong || rc == GNUTLS_E_PKCS11_PIN_ERROR || rc == GNUTLS_E_PKCS11_USER_ERROR)
		return pin_error(url);
	if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ||
	    rc == GNUTLS_E_PKCS11_REQUESTED_OBJECT_NOT_AVAILBLE || rc == GNUTLS_E_FILE_ERROR)
		return err_set(E_NOTFOUND, "no %s at %.200s", what, url);
	if (rc == GNUTLS_E_PARSING_ERROR || rc == GNUTLS_E_INVALID_REQUEST)
		return err_set(E_INVAL, "bad PKCS#11 URL %.200s: %s", url, gnutls_strerror(rc));
	return keys_err(rc, what);
}

/* @url without its type= attribute (the key and the certificate share the rest). */
static int url_untyped(char **out, const char *url)
{
	size_t n = strlen(url), path_end = strcspn(url, "?");
	char *s = malloc(n + 1), *w;
	const char *r = url;

	*out = NULL;
	if (!s)
		return err_set(E_NOMEM, "URL");
	w = s;
	while ((size_t)(r - url) < path_end) {
		size_t len = strcspn(r, ";?");

		if ((size_t)(r - url) + len > path_end)
			len = path_end - (size_t)(r - url);
		if (strncmp(r, "type=", 5) != 0) {
			if (w > s && w[-1] != ':')
				*w++ = ';';
			memcpy(w, r, len);
			w += len;
		}
		r += len;
		if (*r == ';')
			r++;
	}
	memcpy(w, url + path_end, n - path_end + 1); /* the query, and the NUL */
	*out = s;
	return E_OK;
}

/* The token's locked state, before spending a try. */
static int check_not_locked(const char *url)
{
	unsigned flags = 0;

	if (gnutls_pkcs11_token_get_flags(url, &flags) >= 0 &&
	    (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_LOCKED))
		return pin_error(url);
	return E_OK;
}

/* E_OK when the key is the certificate's: a probe signed on the token verifies with the
 * certificate (the token need not hold the public key, so key ids cannot be compared). */
static int check_pair(gnutls_privkey_t key, gnutls_x509_crt_t crt)
{
	static const char probe[] = "dinh: is this the certificate's key?";
	gnutls_datum_t data = {(unsigned char *)probe, sizeof(probe) - 1}, sig = {NULL, 0};
	gnutls_pubkey_t pub = NULL;
	gnutls_sign_algorithm_t algo = GNUTLS_SIGN_UNKNOWN;
	int rc = gnutls_pubkey_init(&pub);

	if (rc >= 0)
		rc = gnutls_pubkey_import_x509(pub, crt, 0);
	if (rc >= 0) {
		algo = gnutls_pk_to_sign(
			(gnutls_pk_algorithm_t)gnutls_pubkey_get_pk_algorithm(pub, NULL),
			GNUTLS_DIG_SHA256);
		rc = gnutls_privkey_sign_data2(key, algo, 0, &data, &sig);
	}
	if (rc < 0) {
		rc = keys_err(rc, "probe signature on the token");
		goto out;
	}
	rc = gnutls_pubkey_verify_data2(pub, algo, 0, &data, &sig) < 0
		     ? err_set(E_CRYPTO, "the token's key is not the certificate's")
		     : E_OK;
out:
	gnutls_free(sig.data);
	if (pub)
		gnutls_pubkey_deinit(pub);
	return rc;
}

static void p11_free(struct sigkey *k)
{
	if (!k)
		return;
	if (k->key)
		gnutls_privkey_deinit(k->key);
	for (size_t i = 0; i < k->nchain; i++)
		gnutls_x509_crt_deinit(k->chain[i]);
	free(k);
}

/* Imports the certificate of @url into k->chain[0]. */
static int open_cert(struct sigkey *k, const char *url, struct p11_pin *p)
{
	int rc = gnutls_x509_crt_init(&k->chain[0]);

	if (rc < 0)
		return keys_err(rc, "certificate init");
	k->nchain = 1;
	gnutls_x509_crt_set_pin_function(k->chain[0], pin_cb, p);
	rc = gnutls_x509_crt_import_url(k->chain[0], url, 0);
	gnutls_x509_crt_set_pin_function(k->chain[0], pin_refuse, NULL);
	return rc < 0 ? p11_err(rc, p, url, "certificate") : E_OK;
}

int sigkey_open_pkcs11(struct sigkey **out, const char *url, const char *pin)
{
	struct p11_pin p = {pin, 0, 0};
	struct sigkey *k = NULL;
	char *bare = NULL;
	int rc;

	*out = NULL;
	if (!url || strncmp(url, "pkcs11:", 7) != 0 || strlen(url) > P11_URL_MAX)
		return err_set(E_INVAL, "not a pkcs11: URL of at most %d bytes", P11_URL_MAX);
	if (pin && strlen(pin) > P11_PIN_MAX)
		return err_set(E_INVAL, "PIN longer than %d bytes", P11_PIN_MAX);
	pthread_once(&p11_once, p11_init);
	if (p11_init_rc < 0)
		return keys_err(p11_init_rc, "PKCS#11 modules");
	rc = url_untyped(&bare, url);
	if (rc == E_OK)
		rc = check_not_locked(bare);
	if (rc < 0)
		goto out;
	k = calloc(1, sizeof(*k));
	if (!k) {
		rc = err_set(E_NOMEM, "key");
		goto out;
	}
	rc = gnutls_privkey_init(&k->key);
	if (rc < 0) {
		k->key = NULL;
		rc = keys_err(rc, "key init");
		goto out;
	}
	gnutls_privkey_set_pin_function(k->key, pin_cb, &p);
	rc = gnutls_privkey_import_url(k->key, bare, 0);
	gnutls_privkey_set_pin_function(k->key, pin_refuse, NULL);
	rc = rc < 0 ? p11_err(rc, &p, bare, "private key") : open_cert(k, bare, &p);
	if (rc == E_OK)
		rc = check_pair(k->key, k->chain[0]);
out:
	free(bare);
	if (rc < 0) {
		p11_free(k);
		return rc;
	}
	*out = k;
	return E_OK;
}
