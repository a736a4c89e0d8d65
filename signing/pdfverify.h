/*
 * pdfverify.h: the signatures of a PDF, each with separate statuses:
 * integrity (strict /ByteRange, digest, CMS signature), coverage (the whole
 * file, or a revision followed only by allowed changes, or modified after
 * signing), trust (chain to the given roots with a signing key usage), the
 * signer's name and the claimed times.
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

#include <gnutls/x509.h>

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
	int trusted;
	char trust_why[PDFVERIFY_WHY_MAX]; /* why not trusted, or "" */
	char subfilter[48];
	char *signer;         /* CN, UTF-8, or NULL */
	char m[64];           /* /M as written, or "" */
	time_t signing_time;  /* the CMS signing-time, or -1 */
	char cert_sha256[65]; /* SHA-256 of the signer's certificate (hex), or "" */
};

struct pdfverify_report {
	struct pdfverify_sig *sig; /* in the order of the revisions that added them */
	size_t n;
	size_t revisions;
};

/* Verifies the signatures of the file @data; @tl may be NULL (nothing is
 * trusted). */
int pdfverify_data(struct pdfverify_report **out, const uint8_t *data, size_t len,
		   gnutls_x509_trust_list_t tl);
void pdfverify_report_free(struct pdfverify_report *r);

/* 1 when there is at least one signature and every one is intact, trusted
 * and followed by nothing but allowed changes. */
int pdfverify_all_valid(const struct pdfverify_report *r);

#endif
