/*
 * pdfsig.h: signing a PDF by incremental update: a new signature field and
 * widget (invisible on page 1, or with a visible Decree 30 appearance of
 * pdfsig_ap.h on the page it is placed on), a /Sig dictionary (/Adobe.PPKLite,
 * /ETSI.CAdES.detached or /adbe.pkcs7.detached, /M in +07:00, /ByteRange)
 * and a detached CMS SignedData over the byte ranges in /Contents.
 *
 * Contracts: the input is read strictly (pdf_doc_open); every byte of it is
 * kept, so earlier signatures stay valid.  The output is verified
 * (pdfverify.h) before it is returned: the new signature must be intact and
 * cover the whole file.  CAdES signatures carry signing-certificate-v2
 * (RFC 5035) and no signing-time; PKCS#7 ones carry signing-time.
 */
#ifndef DINH_PDFSIG_H
#define DINH_PDFSIG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "signing/sigkey.h"

#define PDFSIG_CMS_MAX (64u << 10) /* bytes reserved for a CMS at most */

/* What the signature looks like on the page (docs/signing.md). */
enum pdfsig_look {
	PDFSIG_INVISIBLE,
	PDFSIG_SIGNER, /* the signer's signature: title, blue image, name */
	PDFSIG_SEAL,   /* the agency's red seal over the left third of the signer's */
	PDFSIG_COPY,   /* the text stamp of an electronic copy, top right of page 1 */
};

struct pdfsig_appearance {
	enum pdfsig_look look;
	uint32_t page;        /* 1-based; 0: the last page (copies: page 1) */
	int has_rect;         /* 1: rect is the box, else the Decree 30 place */
	double rect[4];       /* x, y, width, height in points from the page's corner */
	const uint8_t *image; /* PNG: the signature (signer) or seal (seal), or NULL */
	size_t image_len;
	const char *name;      /* NULL: the certificate's CN */
	const char *title;     /* chức vụ, or NULL */
	const char *agency;    /* NULL: the certificate's O, else its CN */
	const char *copy_kind; /* NULL: "SAO Y" */
};

struct pdfsig_opts {
	int pkcs7;                          /* 1: /adbe.pkcs7.detached, else /ETSI.CAdES.detached */
	time_t now;                         /* the time written in /M (and signing-time); 0: now */
	const char *reason;                 /* /Reason, or NULL */
	const struct pdfsig_appearance *ap; /* NULL: invisible */
	int certify; /* DocMDP certification /P 1, 2 or 3 (first signature only), 0 */
};

/* Signs @in with @k; *out is the whole new file, malloc'd. */
int pdfsig_sign(uint8_t **out, size_t *outlen, const uint8_t *in, size_t inlen,
		const struct sigkey *k, const struct pdfsig_opts *o);

/* The same in place, without copying the input: @buf[0, @inlen) is the
 * input (read where it lies, a mapped file for instance), the update is
 * written after it, into @buf[@inlen, @cap) (E_TOOBIG if it does not fit);
 * *outlen is the new file's length.  The bytes [0, @inlen) are not changed,
 * and must not change (nor @buf move) until the call returns. */
int pdfsig_sign_buf(uint8_t *buf, size_t inlen, size_t cap, size_t *outlen, const struct sigkey *k,
		    const struct pdfsig_opts *o);

#endif
