/*
 * pdf.h: the first piece of the PDF folder: a careful look at a PDF held in
 * memory (poppler-glib), enough to accept or refuse a file with a reason.
 * Issue 4 adds the object parser, the incremental writer, rendering in a
 * sandbox and generation.
 */
#ifndef DINH_PDF_H
#define DINH_PDF_H

#include <stddef.h>
#include <stdint.h>

#define PDF_SIZE_MAX (256u * 1024 * 1024) /* a bigger file is refused */

struct pdf_info {
	unsigned pages;
	unsigned revisions; /* %%EOF markers: 1 + the incremental updates */
	char version[8];    /* "1.7" from the header */
	char *title;        /* UTF-8 or NULL */
	char *producer;     /* UTF-8 or NULL */
};

/*
 * Reads @data as a PDF.  E_OK with *out filled (free with pdf_info_clear);
 * E_INVAL with a reason in err_detail() when it is not a PDF, cannot be
 * opened, is password-protected or has no page; E_TOOBIG over PDF_SIZE_MAX.
 * The caller owns @data, which is not copied.
 */
int pdf_info_read(struct pdf_info *out, const uint8_t *data, size_t len);
void pdf_info_clear(struct pdf_info *info);

#endif
