/*
 * pdf_doc.h: a PDF document as the object layer sees it: its revisions
 * (pdf_xref.h), its objects loaded on demand (from the file or from object
 * streams), the catalog, the page tree, the AcroForm field tree and the
 * annotations; what signing and verification build on.
 *
 * Contracts: pdf_doc_open() copies the input and succeeds only for a file
 * it reads entirely and strictly: header "%PDF-1.x" or "%PDF-2.0" at byte
 * 0, a cross-reference that matches the bytes (pdf_xref_read), every object
 * stream decodable and agreeing with the cross-reference, a catalog, an
 * acyclic page tree of indirect nodes whose /Count is right and whose pages
 * all have a /MediaBox, an acyclic field tree.  Refusals: E_CORRUPT (the
 * file contradicts itself), E_INVAL (not a PDF, or a feature we do not
 * support such as encryption), E_TOOBIG (a cap), with err_detail().
 * Objects returned are borrowed from the document and live as long as it.
 */
#ifndef DINH_PDF_DOC_H
#define DINH_PDF_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "pdf/pdf_obj.h"
#include "pdf/pdf_xref.h"

#define PDF_DOC_SIZE_MAX (256u * 1024 * 1024) /* bytes of a file */
#define PDF_DOC_OBJSTM_MAX (16u << 20)        /* decoded bytes of an object stream */
#define PDF_DOC_OBJSTM_N_MAX 100000           /* objects in one object stream */
#define PDF_DOC_RESOLVE_MAX 32                /* nested loads (refs to /Length ...) */
#define PDF_DOC_TREE_DEPTH_MAX 64             /* depth of page and field trees */
#define PDF_DOC_PAGES_MAX 100000              /* pages of a document */
#define PDF_DOC_FIELDS_MAX 100000             /* form fields and annotations */

struct pdf_doc;

struct pdf_doc_stats {
	uint32_t objects;    /* in-use objects of the latest revision */
	uint32_t compressed; /* of which in object streams */
	uint32_t pages;
	uint32_t annots;     /* annotations over all pages */
	uint32_t widgets;    /* of which /Subtype /Widget */
	uint32_t fields;     /* terminal AcroForm fields */
	uint32_t sig_fields; /* of which /FT /Sig */
};

int pdf_doc_open(struct pdf_doc **out, const uint8_t *data, size_t len);
/* The same without the copy: @data must stay unchanged, in [0, @len), for
 * as long as the document lives (a mapped file, a buffer of the caller's). */
int pdf_doc_open_borrowed(struct pdf_doc **out, const uint8_t *data, size_t len);
void pdf_doc_free(struct pdf_doc *doc);

/* The file's bytes (borrowed) and its header version ("1.7"). */
const uint8_t *pdf_doc_data(const struct pdf_doc *doc, size_t *len);
const char *pdf_doc_version(const struct pdf_doc *doc);

/* Revisions, oldest first (borrowed). */
const struct pdf_xref *pdf_doc_xref(const struct pdf_doc *doc);

/* The latest trailer (for an xref stream: its dictionary). */
const struct pdf_obj *pdf_doc_trailer(const struct pdf_doc *doc);

void pdf_doc_get_stats(const struct pdf_doc *doc, struct pdf_doc_stats *st);

/* Object @num of the latest revision: *out borrowed, or NULL for a free or
 * absent object (the null object of ISO 32000).  E_CORRUPT if it cannot be
 * loaded. */
int pdf_doc_get(struct pdf_doc *doc, uint32_t num, const struct pdf_obj **out);

/* @o itself, or the object it refers to (one level; PDF has no chains of
 * references to references in practice, and more are refused). */
int pdf_doc_resolve(struct pdf_doc *doc, const struct pdf_obj *o, const struct pdf_obj **out);

/* The page @i (0-based) as a reference; {0, 0} when out of range. */
struct pdf_ref pdf_doc_page(const struct pdf_doc *doc, uint32_t i);

/* The catalog reference (trailer /Root). */
struct pdf_ref pdf_doc_root(const struct pdf_doc *doc);

/* Decodes the data of a stream object of the document (FlateDecode or no
 * filter), at most @max bytes.  *out malloc'ed. */
int pdf_doc_stream(struct pdf_doc *doc, const struct pdf_obj *stream, uint8_t **out, size_t *outlen,
		   size_t max);

#endif
