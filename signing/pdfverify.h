/*
 * pdfverify.h: the signatures of a PDF, each with separate statuses:
 * integrity (strict /ByteRange, digest, CMS signature), coverage (the whole
 * file, or a revision followed only by allowed changes, or modified after
 * signing), trust (chain and key usage, trust.h), revocation (CRLs of the
 * trust store), DocMDP certification, the signer's name and the claimed
 * times.
 *
 * Contracts: every signature field with a value in every revision is
 * reported, also one a later revision removed or emptied.  A file the
 * object layer refuses (pdf_doc_open) is an error (E_CORRUPT, E_INVAL,
 * E_TOOBIG); a file without signatures is a report with n = 0.  The rules
 * are in docs/signing.md.
 */
#ifndef DINH_PDFVERIFY_H
#define DINH_PDFVERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "signing/trust.h"

#define PDFVERIFY_SIGS_MAX 256 /* signatures reported per file */
#define PDFVERIFY_WHY_MAX 160

enum pdfverify_coverage {
	PDFVERIFY_WHOLE,    /* the signed revision is the whole file */
	PDFVERIFY_ALLOWED,  /* later revisions hold only allowed changes */
	PDFVERIFY_MODIFIED, /* something else changed after signing */
};

struct pdfverify_sig {
	char field[128];                   /* the field's /T (UTF-8 when it was), or "" */
	uint32_t obj;                      /* the /Sig dictionary's object number */
	size_t revision;                   /* 1-based revision that added it */
	int intact;                        /* integrity */
	char integrity[PDFVERIFY_WHY_MAX]; /* why not intact, or "" */
	enum pdfverify_coverage coverage;
	char coverage_why[PDFVERIFY_WHY_MAX]; /* for PDFVERIFY_MODIFIED */
	int trusted;                          /* chain TRUSTED and usage OK */
	char trust_why[PDFVERIFY_WHY_MAX];    /* why not trusted, or "" */
	enum trust_chain chain;               /* as trust_check() says (BROKEN if unchecked) */
	enum trust_usage usage;
	enum trust_revocation revocation;
	time_t revoked_at;                      /* TRUST_REV_REVOKED: since when */
	char revocation_why[PDFVERIFY_WHY_MAX]; /* for a status other than GOOD, or "" */
	time_t trust_time;                      /* the time trust was checked at (see ts_time) */
	int ts_time; /* 1: trust_time is the genTime of a trusted document timestamp */
	int certify; /* DocMDP certification: its /P (1, 2, 3), or 0 */
	char subfilter[48];
	char *signer;         /* CN, UTF-8, or NULL */
	char m[64];           /* /M as written, or "" */
	time_t signing_time;  /* the CMS signing-time, or -1 */
	time_t gen_time;      /* a document timestamp's genTime (its claimed time), or -1 */
	char cert_sha256[65]; /* SHA-256 of the signer's certificate (hex), or "" */
};

struct pdfverify_report {
	struct pdfverify_sig *sig; /* in the order of the revisions that added them */
	size_t n;
	size_t revisions;
};

/* Verifies the signatures of the file @data against the trust store @t,
 * which may be NULL (nothing is trusted).  Trust and revocation are checked
 * at the genTime of the earliest trusted document timestamp that covers the
 * signature, else now (docs/signing.md, "Trust"). */
int pdfverify_data(struct pdfverify_report **out, const uint8_t *data, size_t len,
		   const struct trust *t);
void pdfverify_report_free(struct pdfverify_report *r);

/* The SHA-256 of the byte ranges of the signature /Sig @obj, computed by
 * the caller over exactly the bytes [@range[0], @range[0] + @range[1]) and
 * [@range[2], @range[2] + @range[3]) of the @data it passes, which do not
 * change afterwards (pdfsig.c: the file it just signed and will return). */
struct pdfverify_known {
	uint32_t obj;
	uint64_t range[4];
	uint8_t sha256[32];
};

/* pdfverify_data(), with @known standing for the hash of the ranges of that
 * signature when its /ByteRange is exactly @known->range and its CMS uses
 * SHA-256: the file is not hashed a second time.  Every other check is
 * made: the strict /ByteRange, the CMS's messageDigest against the digest,
 * the signature over the signed attributes, the structure and the later
 * revisions. */
int pdfverify_data_known(struct pdfverify_report **out, const uint8_t *data, size_t len,
			 const struct trust *t, const struct pdfverify_known *known);

/* 1 when there is at least one signature and every one is intact, trusted,
 * not revoked (at its trust_time) and followed by nothing but allowed
 * changes. */
int pdfverify_all_valid(const struct pdfverify_report *r);

#endif
