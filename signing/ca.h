/*
 * ca.h: the commune certification authority (GnuTLS x509).
 *
 * The CA lives in one directory:
 *   ca.key   the CA private key (PEM, mode 0600)
 *   ca.pem   the self-signed CA certificate
 *   crl.pem  the current CRL, re-signed at every revocation
 *   revoked  one line per revoked serial: "<serial-hex> <unix-time>"
 *   serial   not used for allocation (serials are 16 random bytes)
 * Every file is written to a temporary name, fsynced and renamed.
 * Keys are ECDSA P-256.  Names are UTF-8 (Vietnamese diacritics kept).
 * A struct ca is not thread-safe: callers serialise its use (ca_revoke()
 * replaces the CRL that ca_trust_check() and ca_crl_pem() read).
 */
#ifndef DINH_CA_H
#define DINH_CA_H

#include <stddef.h>
#include <time.h>

struct ca;

enum ca_profile {
	CA_PROFILE_SERVER, /* TLS server: digitalSignature, EKU serverAuth, SANs */
	CA_PROFILE_CLIENT, /* TLS client for a person or hall: EKU clientAuth */
};

#define CA_SERIAL_HEX_MAX 41 /* 20 bytes in hex + NUL */
#define CA_FPR_HEX_MAX 65    /* SHA-256 in hex + NUL */

/* Creates a new CA in @dir (created 0700 if missing; E_EXISTS if ca.key is
 * there).  @commune is the CA's organisation, e.g. "UBND xã Tân Lập". */
int ca_create(const char *dir, const char *commune);

/* Loads the CA of @dir.  *out NULL on failure. */
int ca_open(struct ca **out, const char *dir);
void ca_free(struct ca *ca);

/* The CA certificate in PEM; borrowed, valid while @ca lives. */
const char *ca_cert_pem(const struct ca *ca);
/* The CRL in PEM; borrowed, valid until the next ca_revoke(). */
const char *ca_crl_pem(const struct ca *ca);

/* Generates a fresh key pair and a certificate of @profile for @cn.
 * For CA_PROFILE_SERVER, @names (n_names entries) become DNS or IP SANs.
 * Outputs are malloc'd PEM strings; the key string is wiped by the caller
 * (ident_free_secret) after use. */
int ca_issue_keypair(struct ca *ca, enum ca_profile profile, const char *cn,
		     const char *const *names, size_t n_names, unsigned valid_days, char **key_pem,
		     char **cert_pem, char serial_hex[CA_SERIAL_HEX_MAX]);

/* Issues a client certificate for @cn from a PKCS#10 request (the request's
 * own subject is ignored; its signature is checked).  *cert_pem malloc'd. */
int ca_issue_from_csr(struct ca *ca, const char *csr_pem, const char *cn, unsigned valid_days,
		      char **cert_pem, char serial_hex[CA_SERIAL_HEX_MAX]);

/* Revokes @serial_hex: appends it to `revoked`, re-signs crl.pem (durably).
 * E_NOTFOUND is not returned: revoking an unknown serial is allowed;
 * E_EXISTS if already revoked. */
int ca_revoke(struct ca *ca, const char *serial_hex);

/* Verifies a certificate (PEM, or DER when @is_der) against the CA and its
 * CRL: E_OK, E_REVOKED, or E_AUTH (unreadable, foreign, expired, not yet
 * valid...) with the reason in err_detail().  @serial_hex (may be NULL)
 * receives the certificate's serial once it could be read, else "". */
int ca_trust_check(const struct ca *ca, const char *cert_pem_or_der, size_t len, int is_der,
		   char serial_hex[CA_SERIAL_HEX_MAX]);

/* Re-signs crl.pem when its nextUpdate is less than 15 days away (a CRL is
 * valid 30 days); a long-running daemon calls it daily.  ca_open() does the
 * same, and also rebuilds a CRL that does not match `revoked`. */
int ca_crl_refresh(struct ca *ca);

/* Details of a PEM certificate.  Any output pointer may be NULL.
 * *cn is malloc'd UTF-8. */
int cert_info(const char *cert_pem, char serial_hex[CA_SERIAL_HEX_MAX],
	      char fpr_hex[CA_FPR_HEX_MAX], char **cn, time_t *not_after);

#endif
