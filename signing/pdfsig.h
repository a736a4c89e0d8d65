/*
 * pdfsig.h: signing a PDF by incremental update: a new invisible signature
 * field and widget on page 1, a /Sig dictionary (/Adobe.PPKLite,
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

struct pdfsig_opts {
	int pkcs7;          /* 1: /adbe.pkcs7.detached, else /ETSI.CAdES.detached */
	time_t now;         /* the time written in /M (and signing-time); 0: now */
	const char *reason; /* /Reason, or NULL */
};

/* Signs @in with @k; *out is the whole new file, malloc'd. */
int pdfsig_sign(uint8_t **out, size_t *outlen, const uint8_t *in, size_t inlen,
		const struct sigkey *k, const struct pdfsig_opts *o);

#endif
