/*
 * pdf.h: reading a PDF held in memory with poppler-glib: a careful look
 * to accept or refuse a file with a reason, its text, its pages as PNG.
 * These run poppler on the data in this process: for files dinh did not
 * make, call them through the sandbox (sandbox.h), never directly.
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

#define PDF_RENDER_WIDTH_MAX 4096 /* pixels: wider requests are refused */

struct buf;

/*
 * The text of every page of @data, UTF-8, pages separated by a form feed
 * (as pdftotext does), appended to @out (its cap bounds the size: E_TOOBIG).
 * The same refusals as pdf_info_read().
 */
int pdf_text(const uint8_t *data, size_t len, struct buf *out);

/*
 * Page @page (from 1) of @data rendered @width pixels wide (1 to
 * PDF_RENDER_WIDTH_MAX; the height keeps the page's proportions) on white,
 * as PNG appended to @out.  E_INVAL for a page that is not there.
 */
int pdf_render_png(const uint8_t *data, size_t len, unsigned page, unsigned width, struct buf *out);

#endif
