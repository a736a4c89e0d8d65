/*
 * pdf.c: opens a PDF from memory with poppler-glib and reports what dinh
 * needs to accept it, extracts its text and renders its pages; the only
 * file of the folder that includes poppler.
 */
#include "config.h"

#include <poppler.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "pdf/pdf.h"

/* The header must be "%PDF-x.y" within the first 1024 bytes. */
static int pdf_header(const uint8_t *data, size_t len, char version[8])
{
	size_t lim = len < 1024 ? len : 1024, i;

	for (i = 0; i + 8 <= lim; i++) {
		if (!memcmp(data + i, "%PDF-", 5) && data[i + 5] >= '1' && data[i + 5] <= '2' &&
		    data[i + 6] == '.' && data[i + 7] >= '0' && data[i + 7] <= '9') {
			memcpy(version, data + i + 5, 3);
			version[3] = '\0';
			return E_OK;
		}
	}
	return err_set(E_INVAL, "not a PDF: no %%PDF- header");
}

static unsigned pdf_count_eof(const uint8_t *data, size_t len)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i + 5 <= len; i++)
		if (data[i] == '%' && !memcmp(data + i, "%%EOF", 5))
			n++;
	return n;
}

/* A malloc'd copy of a metadata string, made valid UTF-8 (a hostile file
 * may put any bytes there), or NULL for none. */
static char *pdf_strdup(gchar *s)
{
	gchar *valid = s && *s ? g_utf8_make_valid(s, -1) : NULL;
	char *c = valid ? strdup(valid) : NULL;

	g_free(valid);
	g_free(s);
	return c;
}

/* Opens @data with poppler after the checks every reader makes. */
static int pdf_open(const uint8_t *data, size_t len, char version[8], unsigned *revisions,
		    PopplerDocument **out)
{
	GBytes *bytes;
	GError *e = NULL;
	int rc;

	*out = NULL;
	if (len > PDF_SIZE_MAX)
		return err_set(E_TOOBIG, "PDF of %zu bytes, over the cap of %u", len, PDF_SIZE_MAX);
	if ((rc = pdf_header(data, len, version)) < 0)
		return rc;
	*revisions = pdf_count_eof(data, len);
	if (*revisions == 0)
		return err_set(E_INVAL, "not a complete PDF: no %%%%EOF marker");
	bytes = g_bytes_new_static(data, len);
	*out = poppler_document_new_from_bytes(bytes, NULL, &e);
	g_bytes_unref(bytes);
	if (!*out) {
		if (e && g_error_matches(e, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
			rc = err_set(E_INVAL, "the PDF is password-protected");
		else
			rc = err_set(E_INVAL, "the PDF cannot be opened: %s",
				     e ? e->message : "unknown error");
	} else if (poppler_document_get_n_pages(*out) <= 0) {
		rc = err_set(E_INVAL, "the PDF has no page");
		g_object_unref(*out);
		*out = NULL;
	}
	if (e)
		g_error_free(e);
	return rc;
}

int pdf_info_read(struct pdf_info *out, const uint8_t *data, size_t len)
{
	PopplerDocument *doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = pdf_open(data, len, out->version, &out->revisions, &doc)) < 0)
		goto out;
	out->pages = (unsigned)poppler_document_get_n_pages(doc);
	out->title = pdf_strdup(poppler_document_get_title(doc));
	out->producer = pdf_strdup(poppler_document_get_producer(doc));
out:
	if (doc)
		g_object_unref(doc);
	if (rc < 0)
		pdf_info_clear(out);
	return rc;
}

int pdf_text(const uint8_t *data, size_t len, struct buf *out)
{
	PopplerDocument *doc = NULL;
	char version[8];
	unsigned revisions, n;
	int rc;

	if ((rc = pdf_open(data, len, version, &revisions, &doc)) < 0)
		return rc;
	n = (unsigned)poppler_document_get_n_pages(doc);
	for (unsigned i = 0; i < n && rc == E_OK; i++) {
		PopplerPage *page = poppler_document_get_page(doc, (int)i);
		char *text = page ? poppler_page_get_text(page) : NULL;

		if (i > 0)
			rc = buf_append(out, "\f", 1);
		if (rc == E_OK && text)
			rc = buf_append(out, text, strlen(text));
		g_free(text);
		if (page)
			g_object_unref(page);
	}
	g_object_unref(doc);
	return rc < 0 ? err_set(rc, "the text does not fit in %zu bytes", out->max) : E_OK;
}

struct png_sink {
	struct buf *out;
	int rc;
};

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct png_sink *s = closure;

	if (s->rc == E_OK)
		s->rc = buf_append(s->out, data, len);
	return s->rc == E_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws @page on a white @w x @h surface and writes it as PNG. */
static int render_page(PopplerPage *page, unsigned w, unsigned h, double scale, struct buf *out)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
	struct png_sink sink = {out, E_OK};
	cairo_t *cr;
	int rc = E_OK;

	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return err_set(E_NOMEM, "a %ux%u image", w, h);
	}
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	if (cairo_surface_write_to_png_stream(s, png_write, &sink) != CAIRO_STATUS_SUCCESS)
		rc = sink.rc < 0 ? err_set(sink.rc, "the PNG does not fit in %zu bytes", out->max)
				 : err_set(E_NOMEM, "PNG encoding failed");
	cairo_surface_destroy(s);
	return rc;
}

int pdf_render_png(const uint8_t *data, size_t len, unsigned page, unsigned width, struct buf *out)
{
	PopplerDocument *doc = NULL;
	PopplerPage *p = NULL;
	char version[8];
	unsigned revisions, n, h;
	double pw = 0, ph = 0;
	int rc;

	if (width == 0 || width > PDF_RENDER_WIDTH_MAX)
		return err_set(E_INVAL, "width must be 1 to %d pixels", PDF_RENDER_WIDTH_MAX);
	if ((rc = pdf_open(data, len, version, &revisions, &doc)) < 0)
		return rc;
	n = (unsigned)poppler_document_get_n_pages(doc);
	if (page == 0 || page > n) {
		rc = err_set(E_INVAL, "no page %u: the PDF has %u", page, n);
		goto out;
	}
	p = poppler_document_get_page(doc, (int)page - 1);
	if (p)
		poppler_page_get_size(p, &pw, &ph);
	if (!p || !(pw > 1 && ph > 1 && pw < 1e5 && ph < 1e5)) {
		rc = err_set(E_INVAL, "page %u has no usable size", page);
		goto out;
	}
	h = (unsigned)(ph * width / pw + 0.5);
	if (h == 0 || h > 4 * PDF_RENDER_WIDTH_MAX) {
		rc = err_set(E_INVAL, "page %u is %.0fx%.0f pt: too narrow to render", page, pw,
			     ph);
		goto out;
	}
	rc = render_page(p, width, h, width / pw, out);
out:
	if (p)
		g_object_unref(p);
	g_object_unref(doc);
	return rc;
}

void pdf_info_clear(struct pdf_info *info)
{
	free(info->title);
	free(info->producer);
	memset(info, 0, sizeof(*info));
}
