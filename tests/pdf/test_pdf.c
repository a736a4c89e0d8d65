/*
 * test_pdf.c: a PDF made with cairo is read back with its pages, title and
 * revisions; garbage, truncated and header-only files are refused.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "pdf/pdf.h"
#include "tests/testutil.h"

struct mem {
	unsigned char *data;
	size_t len;
};

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct mem *m = closure;
	unsigned char *grown = realloc(m->data, m->len + len + 64);

	if (!grown)
		return CAIRO_STATUS_NO_MEMORY;
	m->data = grown;
	memcpy(m->data + m->len, data, len);
	m->len += len;
	return CAIRO_STATUS_SUCCESS;
}

/* A two-page A4 PDF titled in Vietnamese. */
static struct mem make_pdf(void)
{
	struct mem m = {NULL, 0};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(mem_write, &m, 595, 842);
	cairo_t *cr = cairo_create(s);

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Giấy mời họp");
	/* Shapes only: text would load fonts, which is issue 4's business. */
	cairo_rectangle(cr, 72, 72, 200, 20);
	cairo_fill(cr);
	cairo_show_page(cr);
	cairo_rectangle(cr, 72, 72, 100, 40);
	cairo_fill(cr);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	return m;
}

START_TEST(reads_cairo_pdf)
{
	struct mem m = make_pdf();
	struct pdf_info info;

	ck_assert_int_eq(pdf_info_read(&info, m.data, m.len), E_OK);
	ck_assert_uint_eq(info.pages, 2);
	ck_assert_uint_eq(info.revisions, 1);
	ck_assert_str_eq(info.title, "Giấy mời họp");
	ck_assert_ptr_nonnull(info.producer);
	ck_assert_int_eq(info.version[0], '1');
	pdf_info_clear(&info);
	free(m.data);
}
END_TEST

START_TEST(counts_revisions)
{
	struct mem m = make_pdf();
	struct pdf_info info;
	static const char more[] = "\n% an empty update\n%%EOF\n";

	memcpy(m.data + m.len, more, sizeof(more) - 1); /* make_pdf left room */
	ck_assert_int_eq(pdf_info_read(&info, m.data, m.len + sizeof(more) - 1), E_OK);
	ck_assert_uint_eq(info.revisions, 2);
	pdf_info_clear(&info);
	free(m.data);
}
END_TEST

START_TEST(refuses_bad_input)
{
	static const uint8_t garbage[] = "GET / HTTP/1.1\r\n\r\n";
	static const uint8_t header_only[] = "%PDF-1.7\n%%EOF\n";
	struct mem m = make_pdf();
	struct pdf_info info;

	ck_assert_int_eq(pdf_info_read(&info, garbage, sizeof(garbage) - 1), E_INVAL);
	ck_assert_ptr_nonnull(strstr(err_detail(), "not a PDF"));
	ck_assert_int_eq(pdf_info_read(&info, header_only, sizeof(header_only) - 1), E_INVAL);
	ck_assert_int_eq(pdf_info_read(&info, m.data, m.len / 2), E_INVAL);
	ck_assert_int_eq(pdf_info_read(&info, m.data, 0), E_INVAL);
	ck_assert_ptr_null(info.title);
	free(m.data);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc = tcase_create("info");

	tcase_add_test(tc, reads_cairo_pdf);
	tcase_add_test(tc, counts_revisions);
	tcase_add_test(tc, refuses_bad_input);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
