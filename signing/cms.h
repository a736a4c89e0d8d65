/*
 * cms.h: detached CMS SignedData (RFC 5652) for PDF signatures, with
 * GnuTLS: making one over some bytes with a signing key, and checking one
 * against the bytes it claims to sign.  Internal to signing/.
 *
 * Contracts: cms_sign() and cms_sign_digest() make a SignedData with one
 * SignerInfo, SHA-256, the signer's chain, and either
 * signing-certificate-v2 (RFC 5035, CAdES) and no signing-time, or
 * signing-time (@pkcs7).  cms_check() never fails
 * on a bad CMS: it returns E_OK with the verdict in @r (only E_NOMEM is an
 * error); the signer is found by issuer and serial or by subject key
 * identifier among the CMS's certificates.
 */
#ifndef DINH_CMS_H
#define DINH_CMS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gnutls/x509.h>

#include "signing/sigkey.h"

#define CMS_WHY_MAX 160
#define CMS_CERTS_MAX 32 /* certificates read from one CMS */

struct cms_result {
	int intact;            /* 1: the digest matches and the signature verifies */
	char why[CMS_WHY_MAX]; /* why not intact, or "" */
	char *signer;          /* the signer's CN (UTF-8, control characters blanked), or NULL */
	time_t signing_time;   /* the signing-time attribute, or -1 */
	time_t gen_time;       /* a timestamp token's TSTInfo genTime, or -1 */
	/* The CMS's certificates, the signer's first once found (n_certs 0 if
	 * not): for the trust check.  Freed by cms_result_clear(). */
	gnutls_x509_crt_t certs[CMS_CERTS_MAX];
	size_t n_certs;
	/* SHA-256 of the signer's DER certificate in lowercase hex, or "" when
	 * the signer's certificate is not in the CMS. */
	char cert_sha256[65];
};

#define CMS_SIGN_MAX (64u << 10) /* bytes of a CMS cms_sign_digest() makes */
#define CMS_ATTRS_MAX 8192       /* bytes of its signed attributes */

int cms_sign(uint8_t **out, size_t *outlen, const struct sigkey *k, const uint8_t *data, size_t n,
	     int pkcs7);

/* 1 if cms_sign_digest() can sign with @k (RSA and ECDSA keys). */
int cms_can_sign_digest(const struct sigkey *k);

/* The same SignedData as cms_sign() over data whose SHA-256 is @digest:
 * the caller hashed the data itself (pdfsig.c: the two byte ranges where
 * they lie), so they are neither joined nor hashed again.  signingTime
 * (@pkcs7) is @now.  DER throughout, SET OFs in DER order. */
int cms_sign_digest(uint8_t **out, size_t *outlen, const struct sigkey *k, const uint8_t digest[32],
		    time_t now, int pkcs7);

/* A run of signed bytes; the signed data is the runs one after the other
 * (a PDF's two byte ranges, hashed where they lie, without a copy). */
struct cms_span {
	const uint8_t *p;
	size_t n;
};

/* Checks DER @der (@derlen bytes, no padding) over the @nspan runs @data:
 * integrity only; trust is the caller's (trust.h) with r->certs.  With
 * @tst, @der is an RFC 3161 timestamp token (a document timestamp): its
 * embedded TSTInfo is what is signed, and its messageImprint (SHA-2) must
 * be the digest of @data; its genTime is r->gen_time.  A SignerInfo with
 * signed attributes is checked here (contentType, messageDigest over the
 * runs, the signature over the attributes); one without them (the
 * signature over the data itself) by GnuTLS on a joined copy.  @sha256,
 * if not NULL, is the SHA-256 of @data, computed by the caller over exactly
 * these bytes (pdfverify_data_known): used instead of hashing them again
 * when the SignerInfo's digest is SHA-256 and it has signed attributes.
 * The caller calls cms_result_clear() after any return. */
int cms_check(struct cms_result *r, const uint8_t *der, size_t derlen, const struct cms_span *data,
	      size_t nspan, int tst, const uint8_t *sha256);

void cms_result_clear(struct cms_result *r);

#endif
