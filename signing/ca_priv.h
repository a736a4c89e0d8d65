/*
 * ca_priv.h: internals shared by ca.c (creation, loading, issuing) and ca_crl.c
 * (revocation, CRL, trust checks).  Not for use outside signing/.
 */
#ifndef DINH_CA_PRIV_H
#define DINH_CA_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "signing/ca.h"

#define CA_FILE_MAX (1024 * 1024)         /* ca.key, ca.pem, a CSR */
#define CA_REVOKED_MAX (16 * 1024 * 1024) /* the `revoked` list and crl.pem */
#define CA_NAME_MAX 256                   /* bytes of a CN or commune name */
#define CA_SERIAL_LEN 16                  /* bytes of the serials we allocate */
#define CA_SERIAL_MAX 20                  /* RFC 5280 upper bound */
#define CA_VALID_DAYS (20 * 365)          /* the CA certificate */
#define CA_SERVER_DAYS 825
#define CA_CLIENT_DAYS 730
#define CA_CRL_DAYS 30         /* nextUpdate - thisUpdate */
#define CA_CRL_REFRESH_DAYS 15 /* ca_crl_refresh re-signs below this */
#define CA_SKEW 3600           /* notBefore = now - CA_SKEW */
#define CA_DAY 86400

struct ca_revoked {
	uint8_t serial[CA_SERIAL_MAX];
	size_t len;
	time_t when;
	char hex[CA_SERIAL_HEX_MAX];
};

struct ca {
	char *dir;
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
	gnutls_x509_crl_t crl; /* NULL until built or loaded */
	char *cert_pem;
	char *crl_pem;
	char *commune; /* O of the CA certificate */
	uint8_t ski[64];
	size_t ski_len;
	uint64_t crl_number;
	struct ca_revoked *revoked;
	size_t n_revoked, cap_revoked;
};

/* Lowercase hex of @n bytes into @out (2n + 1 bytes). */
void ca_hex_encode(char *out, const uint8_t *b, size_t n);
/* A malloc'd NUL-terminated copy of @d. */
int ca_datum_dup(char **out, const gnutls_datum_t *d);
/* The serial of @crt in lowercase hex. */
int ca_crt_serial_hex(gnutls_x509_crt_t crt, char hex[CA_SERIAL_HEX_MAX]);
/* Reads / durably writes the file @name of the CA directory. */
int ca_read(const struct ca *ca, const char *name, size_t max, char **out, size_t *len);
int ca_write(const struct ca *ca, const char *name, const void *data, size_t len, mode_t mode);

/* ca_crl.c: re-signs the CRL from the revoked list and writes crl.pem. */
int ca_crl_rewrite(struct ca *ca);
/* Loads `revoked` (missing = empty). */
int ca_load_revoked(struct ca *ca);
/* Loads crl.pem; *stale when it must be re-signed (missing, unreadable, not
 * matching `revoked`, not signed by the CA, or expiring within 15 days). */
int ca_load_crl(struct ca *ca, int *stale);

#endif
