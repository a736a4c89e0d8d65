/*
 * pdf_write.h: the incremental-update writer (ISO 32000-1, 7.5.6): new and
 * changed objects are appended after the last byte of a parsed document,
 * with a new cross-reference section in the style of its last section (a
 * table after a table, an uncompressed xref stream after a stream) whose
 * /Prev is the old startxref and whose /Size covers every object.
 *
 * Guarantees: the output starts with the input, byte for byte (an EOL is
 * added after the input only when it does not end with one); every
 * earlier revision is kept.  The trailer keeps every key of the last one
 * (/Root, /Info, /ID ...) but /Prev, /Size and the stream keys, with /Root
 * and /Info replaced when set.  Objects put are written whole, never
 * merged.  Caps: PDF_WRITE_OBJECTS_MAX objects per update, output at most
 * PDF_DOC_SIZE_MAX plus the update.
 */
#ifndef DINH_PDF_WRITE_H
#define DINH_PDF_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "pdf/pdf_doc.h"
#include "pdf/pdf_obj.h"

#define PDF_WRITE_OBJECTS_MAX 100000     /* objects in one update */
#define PDF_WRITE_UPDATE_MAX (64u << 20) /* bytes of one update */

struct pdf_write;

/* A writer for an update of @doc, which must outlive it. */
int pdf_write_new(struct pdf_write **out, const struct pdf_doc *doc);
void pdf_write_free(struct pdf_write *w);

/* A new object number (the old /Size, then the next ...), generation 0. */
int pdf_write_alloc(struct pdf_write *w, struct pdf_ref *out);

/*
 * Sets object @ref to @obj (taken over, freed on failure).  @ref is an
 * in-use object of @doc with its generation, or one from pdf_write_alloc().
 * A stream must carry its own data (pdf_obj_new_stream).  Putting the same
 * number twice replaces the first.  E_INVAL for anything else.
 */
int pdf_write_put(struct pdf_write *w, struct pdf_ref ref, struct pdf_obj *obj);

/* Replaces /Root or /Info in the new trailer. */
void pdf_write_set_root(struct pdf_write *w, struct pdf_ref ref);
void pdf_write_set_info(struct pdf_write *w, struct pdf_ref ref);

/* The whole new file: the input, then the update.  *out malloc'ed. */
int pdf_write_finish(struct pdf_write *w, uint8_t **out, size_t *outlen);

/* Only the update (with the EOL added after an input that lacks one): the
 * bytes that follow the input in the new file, its offsets counted from the
 * start of the file, so the input need not be copied.  *out malloc'ed.
 * Call either this or pdf_write_finish(), once. */
int pdf_write_update(struct pdf_write *w, uint8_t **out, size_t *outlen);

#endif
