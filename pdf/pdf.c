/*
 * pdf.c: opens a PDF from memory with poppler-glib and reports what dinh
 * needs to accept it; the only file of the folder that includes poppler so
 * far.
 */
#include "config.h"

#include <poppler.h>
#include <stdlib.h>
#include <string.h>

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

static char *pdf_strdup(gchar *s)
{
	char *c = s && *s ? strdup(s) : NULL;

	g_free(s);
	return c;
}

int pdf_info_read(struct pdf_info *out, const uint8_t *data, size_t len)
{
	PopplerDocument *doc = NULL;
	GBytes *bytes = NULL;
	GError *e = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > PDF_SIZE_MAX)
		return err_set(E_TOOBIG, "PDF of %zu bytes, over the cap of %u", len, PDF_SIZE_MAX);
	if ((rc = pdf_header(data, len, out->version)) < 0)
		return rc;
	out->revisions = pdf_count_eof(data, len);
	if (out->revisions == 0)
		return err_set(E_INVAL, "not a complete PDF: no %%%%EOF marker");
	bytes = g_bytes_new_static(data, len);
	doc = poppler_document_new_from_bytes(bytes, NULL, &e);
	if (!doc) {
		if (e && g_error_matches(e, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
			rc = err_set(E_INVAL, "the PDF is password-protected");
		else
			rc = err_set(E_INVAL, "the PDF cannot be opened: %s",
				     e ? e->message : "unknown error");
		goto out;
	}
	out->pages = (unsigned)poppler_document_get_n_pages(doc);
	if (out->pages == 0) {
		rc = err_set(E_INVAL, "the PDF has no page");
		goto out;
	}
	out->title = pdf_strdup(poppler_document_get_title(doc));
	out->producer = pdf_strdup(poppler_document_get_producer(doc));
	rc = E_OK;
out:
	if (e)
		g_error_free(e);
	if (doc)
		g_object_unref(doc);
	g_bytes_unref(bytes);
	if (rc < 0)
		pdf_info_clear(out);
	return rc;
}

void pdf_info_clear(struct pdf_info *info)
{
	free(info->title);
	free(info->producer);
	memset(info, 0, sizeof(*info));
}
