/*
 * trust.h: the trust store of signature verification: the commune CA, external
 * roots (e.g. the government CA) and the CRLs of all of them, and the check of a
 * signer's certificate against it.
 *
 * trust_check() answers three separate questions about a signer certificate:
 *
 *   chain       TRUSTED       it chains (through @chain, in any order) to a root
 *                             of the store, every certificate valid at @at
 *               UNKNOWN_ROOT  the certificates given are intact (each signature
 *                             verifies) but lead to no root of the store: the
 *                             signature is "untrusted", not "broken"
 *               BROKEN        a certificate's signature does not verify against
 *                             its issuer, an issuer is not a CA, or a
 *                             certificate cannot be used at all
 *               EXPIRED       the path is trusted but a certificate of it was not
 *                             valid at @at (expired or not yet valid)
 *   usage       OK            fit for document signing: not a CA certificate;
 *                             keyUsage (if present) has digitalSignature or
 *                             nonRepudiation; extendedKeyUsage (if present)
 *                             has documentSigning, emailProtection, Adobe or
 *                             Microsoft document signing, or anyExtendedKeyUsage
 *               WRONG         anything else (e.g. a TLS server certificate)
 *   revocation  GOOD          every certificate of the path below the root is
 *                             absent from a verified CRL of its issuer that is
 *                             current at @at
 *               REVOKED       one of them is listed (revocation is reported
 *                             even by a stale CRL); revoked_at says since when
 *               NO_CRL        the store has no CRL signed by some issuer
 *               STALE         the CRLs do not list it, but one of them had its
 *                             nextUpdate before @at
 *               NOT_CHECKED   the chain is not trusted (UNKNOWN_ROOT, BROKEN):
 *                             no CRL can be trusted for it
 *
 * A CRL counts only if its signature verifies with the issuer's certificate;
 * when several CRLs of one issuer are loaded, the most recent (thisUpdate) is
 * used.  SHA-1 signatures are accepted (older Vietnamese certificates use it).
 * @at is the time the question is asked for: now, or the time a signature
 * claims.  The store is immutable once loaded: trust_check() may be called from
 * several threads at once; trust_add_*() may not run concurrently with it.
 */
#ifndef DINH_TRUST_H
#define DINH_TRUST_H

#include <stddef.h>
#include <time.h>

#include <gnutls/x509.h>

#define TRUST_FILE_MAX (16 * 1024 * 1024) /* bytes of one roots or CRL file */
#define TRUST_FILES_MAX 1024              /* files read from one directory */
#define TRUST_CRLS_MAX 1024               /* CRLs in a store */
#define TRUST_DEPTH_MAX 16                /* certificates of a path, the root included */
#define TRUST_DETAIL_MAX 256

struct trust;

enum trust_chain {
	TRUST_CHAIN_TRUSTED,
	TRUST_CHAIN_UNKNOWN_ROOT,
	TRUST_CHAIN_BROKEN,
	TRUST_CHAIN_EXPIRED,
};

enum trust_usage {
	TRUST_USAGE_OK,
	TRUST_USAGE_WRONG,
};

enum trust_revocation {
	TRUST_REV_GOOD,
	TRUST_REV_REVOKED,
	TRUST_REV_NO_CRL,
	TRUST_REV_STALE,
	TRUST_REV_NOT_CHECKED,
};

struct trust_result {
	enum trust_chain chain;
	enum trust_usage usage;
	enum trust_revocation revocation;
	time_t revoked_at; /* TRUST_REV_REVOKED: the CRL's revocation date */
	size_t depth;      /* certificates of the path found, signer and root included */
	/* One line in English for each status that is not the good one, for logs and
	 * reports (UTF-8 names of the certificates quoted); "" when all are good. */
	char chain_detail[TRUST_DETAIL_MAX];
	char usage_detail[TRUST_DETAIL_MAX];
	char revocation_detail[TRUST_DETAIL_MAX];
};

/* An empty store.  *out NULL on failure. */
int trust_new(struct trust **out);
void trust_free(struct trust *t);

/* Adds the roots of @data: one or more PEM certificates, or one DER
 * certificate.  E_CRYPTO if none can be read (nothing is added then). */
int trust_add_roots(struct trust *t, const void *data, size_t len);
/* Adds the CRLs of @data (one or more PEM, or one DER).  E_CRYPTO if none can be
 * read.  A CRL is checked against its issuer at trust_check() time. */
int trust_add_crls(struct trust *t, const void *data, size_t len);
/* The same from a file, or from every regular file of a directory whose name
 * ends in .pem, .crt, .cer, .der or .crl (others are ignored; a file that
 * cannot be read fails the whole call with its name in err_detail()). */
int trust_add_roots_path(struct trust *t, const char *path);
int trust_add_crls_path(struct trust *t, const char *path);

/* The store of a server or a command: the commune CA of @ca_dir (ca.pem,
 * crl.pem) plus @roots and @crls (files or directories as above).  Any may be
 * NULL; a missing crl.pem in @ca_dir is not an error. */
int trust_open(struct trust **out, const char *ca_dir, const char *roots, const char *crls);

/* Checks @cert with the untrusted @chain (n certificates, any order, may hold
 * the signer again or unrelated certificates; at most 64) at time @at.
 * Returns E_OK with every status in *out, or E_NOMEM / E_INVAL (NULL @cert) /
 * E_TOOBIG (a longer @chain) / E_CRYPTO for a failure that stopped the check
 * itself; *out then says broken / wrong / not-checked. */
int trust_check(const struct trust *t, gnutls_x509_crt_t cert, const gnutls_x509_crt_t *chain,
		size_t n, time_t at, struct trust_result *out);

/* Stable lowercase names for reports: "trusted", "unknown-root", "broken",
 * "expired"; "ok", "wrong"; "good", "revoked", "no-crl", "stale",
 * "not-checked".  Static. */
const char *trust_chain_name(enum trust_chain c);
const char *trust_usage_name(enum trust_usage u);
const char *trust_revocation_name(enum trust_revocation r);

#endif
