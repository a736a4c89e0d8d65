/*
 * pdfverify_priv.h: what pdfverify.c and pdfverify_diff.c share: the file
 * opened at each of its revisions.  Internal to signing/.
 */
#ifndef DINH_PDFVERIFY_PRIV_H
#define DINH_PDFVERIFY_PRIV_H

#include "pdf/pdf_doc.h"
#include "signing/pdfverify.h"

struct pv_file {
	const uint8_t *data;
	size_t len;
	const struct pdf_xref *xref; /* of the whole file */
	struct pdf_doc **rev;        /* the file as it was at each revision */
	size_t nrev;
};

/* Checks revisions @from+1 .. last against revision @from (0-based): sets
 * s->coverage and s->coverage_why.  E_NOMEM only. */
int pv_diff(struct pv_file *f, size_t from, struct pdfverify_sig *s);

/* Deep equality of two objects (streams: dictionary and raw bytes). */
int pv_obj_eq(const struct pv_file *f, const struct pdf_obj *a, const struct pdf_obj *b);

#endif
