/*
 * pdf_import.h: a page of one parsed document copied into an update of
 * another as a Form XObject (ISO 32000-1, 8.10): what signature appearances
 * drawn with cairo (gen_sigapp.h) become in the signed file.
 *
 * Contracts: @src is not changed.  The form's content is the page's content
 * (every part of /Contents, decoded and joined, FlateDecode again); its
 * /Resources are the page's (own or inherited), written directly in the
 * form, and every object they reach by reference is copied once into the
 * writer under a new number (shared objects stay shared, streams keep their
 * encoded bytes and filters).  /BBox is the page's /MediaBox, /Matrix the
 * identity.  A reference that reaches a page or a page tree node is refused
 * (E_INVAL): no page tree leaks into the target.  At most
 * PDF_IMPORT_OBJECTS_MAX objects and PDF_IMPORT_CONTENT_MAX bytes of
 * decoded content (E_TOOBIG).
 */
#ifndef DINH_PDF_IMPORT_H
#define DINH_PDF_IMPORT_H

#include <stdint.h>

#include "pdf/pdf_doc.h"
#include "pdf/pdf_write.h"

#define PDF_IMPORT_OBJECTS_MAX 10000
#define PDF_IMPORT_CONTENT_MAX (16u << 20)

/* Page @page (0-based) of @src as a new form object of @w: *out its number. */
int pdf_import_page(struct pdf_ref *out, struct pdf_write *w, struct pdf_doc *src, uint32_t page);

/* @key of the page @pg or of its nearest ancestor with it, resolved (one
 * level); *out NULL when none has it. */
int pdf_import_inherited(struct pdf_doc *src, const struct pdf_obj *pg, const char *key,
			 const struct pdf_obj **out);

#endif
