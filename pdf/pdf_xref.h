/*
 * pdf_xref.h: the cross-reference of a PDF file and its revisions
 * (ISO 32000-1, 7.5.4 to 7.5.8): classic tables, cross-reference streams,
 * hybrid files (/XRefStm), the /Prev chain, and the byte range of each
 * revision.
 *
 * Contracts: pdf_xref_read() accepts a file only if every section is where
 * the file says (startxref and /Prev point exactly at "xref" or at an
 * "N G obj" of a /Type /XRef stream), every in-use entry points exactly at
 * its "N G obj" inside its revision, /Size covers every entry and never
 * shrinks, the /Prev chain is acyclic and goes backwards in the file, and
 * no trailer has /Encrypt.  The one forward /Prev allowed is a linearized
 * file's (ISO 32000-1 Annex F): from the first-page section, which directly
 * follows the /Linearized dictionary (the file's first object) and whose
 * startxref may be 0 or absent, to the main section at the end of that
 * revision, which has no /Prev and whose startxref names the first-page
 * section; the two sections are one revision.  Otherwise it fails with a
 * reason in err_detail(): E_CORRUPT (the bytes disagree with the
 * cross-reference), E_INVAL (valid but not supported: encryption), E_TOOBIG
 * (a cap).  Nothing is repaired or guessed.  The input is borrowed and must
 * outlive the xref.
 */
#ifndef DINH_PDF_XREF_H
#define DINH_PDF_XREF_H

#include <stddef.h>
#include <stdint.h>

#include "pdf/pdf_obj.h"

#define PDF_XREF_SECTIONS_MAX 1024      /* sections (revisions) of one file */
#define PDF_XREF_OBJECTS_MAX (1u << 20) /* /Size of a file */
#define PDF_XREF_TAIL_MAX 1024          /* bytes searched for startxref */
#define PDF_XREF_STREAM_MAX (16u << 20) /* decoded bytes of one xref stream */

enum pdf_xref_type {
	PDF_XREF_FREE = 0,
	PDF_XREF_USED = 1,       /* off = byte offset of "N G obj" */
	PDF_XREF_COMPRESSED = 2, /* off = object stream number, idx = index */
};

struct pdf_xref_entry {
	uint32_t num;
	uint32_t gen;
	uint32_t idx;
	uint8_t type;
	uint64_t off;
};

/* One revision: a cross-reference section (a table, a stream, or a table
 * with its /XRefStm) and the bytes [0, end) of the file as it was then.  A
 * linearized revision (always the first) is its first-page section here and
 * its main section in lin; the first-page section's entries win over the
 * main one's, size is the larger /Size, end is the main section's end. */
struct pdf_xref_section {
	size_t off;               /* where startxref or /Prev points */
	int is_stream;            /* 1: cross-reference stream */
	size_t xrefstm;           /* hybrid: offset of the /XRefStm, else 0 */
	uint32_t stream_num;      /* the xref stream's object number, if any */
	uint32_t size;            /* /Size */
	size_t end;               /* just after this revision's %%EOF line */
	struct pdf_obj *trailer;  /* trailer (or the xref stream's dictionary) */
	struct pdf_xref_entry *e; /* entries, in file order (table first) */
	size_t n;
	size_t ntable;                /* of which from the table (the rest from a stream) */
	struct pdf_xref_section *lin; /* linearized: the main section, else NULL */
};

struct pdf_xref {
	struct pdf_xref_section *sec; /* oldest first */
	size_t nsec;
	struct pdf_xref_entry *map; /* merged view, indexed by object number */
	uint32_t size;              /* entries of map */
	size_t startxref;           /* the last startxref */
};

/* Reads the cross-reference of the whole file @p of @len bytes. */
int pdf_xref_read(struct pdf_xref **out, const uint8_t *p, size_t len);

void pdf_xref_free(struct pdf_xref *x);

/* The merged entry of object @num, or NULL if it is beyond /Size. */
const struct pdf_xref_entry *pdf_xref_get(const struct pdf_xref *x, uint32_t num);

#endif
