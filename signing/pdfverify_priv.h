/*
 * pdfverify_priv.h: what pdfverify.c and pdfverify_diff.c share: the file
 * opened at each of its revisions.  Internal to signing/.
 */
#ifndef DINH_PDFVERIFY_PRIV_H
#define DINH_PDFVERIFY_PRIV_H

#include "pdf/pdf_doc.h"
#include "signing/cms.h"
#include "signing/pdfverify.h"

struct pv_file {
	const uint8_t *data;
	size_t len;
	const struct pdf_xref *xref; /* of the whole file */
	struct pdf_doc **rev;        /* the file as it was at each revision */
	size_t nrev;
	const struct pdfverify_known *known; /* or NULL */
};

/* Checks revisions @from+1 .. last against revision @from (0-based): sets
 * s->coverage and s->coverage_why, with the permissions of the
 * certification of @r (pv_mdp) in force.  E_NOMEM only. */
int pv_diff(struct pv_file *f, size_t from, struct pdfverify_sig *s,
	    const struct pdfverify_report *r);

/* Sets each signature's certify (its DocMDP /P) from its /Reference.
 * E_NOMEM only. */
int pv_mdp(struct pv_file *f, struct pdfverify_report *r);

/* The /P of the DocMDP reference of /Sig dictionary @sd (1..3; 2 when
 * absent; 1 when malformed), or 0 when it has none. */
int pv_sig_docmdp(struct pdf_doc *doc, const struct pdf_obj *sd);

/* The DocMDP level in force at revision @rev (0-based) of @r: the /P of the
 * first certification signature added at or before it, or 0. */
int pv_mdp_level(const struct pdfverify_report *r, size_t rev);

/* Trust and revocation of every intact signature with the certificates of
 * its CMS @cr[i], against @t (NULL: nothing trusted), at the genTime of the
 * earliest trusted later document timestamp, else @now. */
int pv_trust(struct pdfverify_report *r, const struct cms_result *cr, const struct trust *t,
	     time_t now);

/* Deep equality of two objects (streams: dictionary and raw bytes). */
int pv_obj_eq(const struct pv_file *f, const struct pdf_obj *a, const struct pdf_obj *b);

#endif
