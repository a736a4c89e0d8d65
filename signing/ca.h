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
	/* Document signing (ca_issue_signer): keyUsage digitalSignature +
	 * nonRepudiation (contentCommitment), EKU id-kp-documentSigning
	 * (1.3.6.1.5.5.7.3.36) + emailProtection. */
	CA_PROFILE_OFFICIAL, /* an official: subject C=VN, O=<commune>, CN, [UID] */
	CA_PROFILE_CITIZEN,  /* a citizen, free: C=VN, CN, [UID]; no O */
};

#define CA_KP_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36" /* id-kp-documentSigning, RFC 9336 */
#define CA_UID_MAX 64 /* bytes of a UID such as "CCCD:001099012345" or "MST:0101234567" */
#define CA_OFFICIAL_DAYS 730
#define CA_CITIZEN_DAYS 1095

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

/* Issues a document-signing certificate of @profile (CA_PROFILE_OFFICIAL or
 * CA_PROFILE_CITIZEN) for @cn (UTF-8) from a PKCS#10 request (its subject is
 * ignored, its signature checked).  @uid, when not NULL or "", becomes the
 * subject's UID (0.9.2342.19200300.100.1.1), e.g. "CCCD:001099012345" for a
 * citizen or "MST:0101234567" for an agency: printable ASCII, no spaces,
 * at most CA_UID_MAX bytes.  @valid_days 0 = the profile's default
 * (CA_OFFICIAL_DAYS, CA_CITIZEN_DAYS); never beyond the CA's own expiry.
 * E_INVAL for a bad profile, name or UID.  *cert_pem malloc'd. */
int ca_issue_signer(struct ca *ca, enum ca_profile profile, const char *cn, const char *uid,
		    const char *csr_pem, unsigned valid_days, char **cert_pem,
		    char serial_hex[CA_SERIAL_HEX_MAX]);

/* The CRL of the serials revoked so far as if signed at @this_update (valid
 * 30 days from then), PEM, malloc'd in *pem; the CA and crl.pem do not
 * change.  For archives, and for tests of a stale CRL. */
int ca_crl_pem_at(const struct ca *ca, time_t this_update, char **pem);

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
