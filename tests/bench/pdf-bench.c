/*
 * pdf-bench.c: what the PDF sandbox costs.  Makes a 20-page A4 PDF of
 * Vietnamese text with cairo (DATA.pdf), then times the same work done in
 * this process (pdf/pdf.c) and through dinh-pdf-helper (pdf/sandbox.c):
 * info, text of the whole file, page 1 and every page rendered 800 pixels
 * wide.  One line per figure: "name: value unit".  tests/bench/pdf-bench.sh
 * runs it next to pdftoppm and pdftotext on the same file.
 *
 * usage: pdf-bench OUT.pdf [ROUNDS]
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "pdf/pdf.h"
#include "pdf/sandbox.h"

#define PAGES 20

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static cairo_status_t grow(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_append(closure, data, len) == E_OK ? CAIRO_STATUS_SUCCESS
						      : CAIRO_STATUS_NO_MEMORY;
}

/* Twenty pages of minutes-like text: a heading, forty lines, a table. */
static int make_pdf(const char *path, struct buf *b)
{
	static const char *const lines[] = {
		"Ông Nguyễn Văn An, Chủ tịch UBND xã, chủ trì cuộc họp.",
		"Đồng chí Trần Thị Bình, văn thư, báo cáo tình hình tiếp nhận văn bản đến.",
		"Hội nghị thống nhất giao công chức địa chính xây dựng kế hoạch đo đạc.",
		"Biểu quyết: Đồng ý 12, Không đồng ý 1, Không biểu quyết 0.",
	};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(grow, b, 595, 842);
	cairo_t *cr = cairo_create(s);
	char head[64];

	cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	for (int p = 0; p < PAGES; p++) {
		cairo_set_font_size(cr, 14);
		snprintf(head, sizeof(head), "BIÊN BẢN HỌP - trang %d", p + 1);
		cairo_move_to(cr, 70, 60);
		cairo_show_text(cr, head);
		cairo_set_font_size(cr, 11);
		for (int l = 0; l < 40; l++) {
			cairo_move_to(cr, 70, 90 + 16 * l);
			cairo_show_text(cr, lines[(p + l) % 4]);
		}
		for (int r = 0; r < 5; r++)
			cairo_rectangle(cr, 70, 750 + 14 * r, 455, 14);
		cairo_stroke(cr);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return fs_write_atomic(path, b->data, b->len, 0644);
}

static void report(const char *name, double seconds, unsigned n, const char *what)
{
	printf("%s: %.2f ms per %s (%u runs)\n", name, seconds * 1e3 / n, what, n);
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20;
	struct buf pdf, out;
	struct pdf_info info;
	double t;

	if (argc < 2 || rounds == 0) {
		fprintf(stderr, "usage: pdf-bench OUT.pdf [ROUNDS]\n");
		return 2;
	}
	buf_init(&pdf, 64 << 20);
	buf_init(&out, 64 << 20);
	if (make_pdf(argv[1], &pdf) < 0) {
		fprintf(stderr, "pdf-bench: %s\n", err_detail());
		return 1;
	}
	printf("file: %s, %d pages, %zu bytes\n", argv[1], PAGES, pdf.len);
	t = now_s();
	for (unsigned i = 0; i < rounds * 5; i++) {
		pdf_info_read(&info, pdf.data, pdf.len);
		pdf_info_clear(&info);
	}
	report("info in process", now_s() - t, rounds * 5, "file");
	t = now_s();
	for (unsigned i = 0; i < rounds * 5; i++) {
		struct pdf_job j = {PDF_OP_INFO, argv[1], 0, 0};

		buf_reset(&out);
		if (pdf_sbx_run(&j, NULL, &out) < 0)
			return fprintf(stderr, "sandbox: %s\n", err_detail()), 1;
	}
	report("info in the sandbox", now_s() - t, rounds * 5, "file");
	t = now_s();
	for (unsigned i = 0; i < rounds; i++) {
		buf_reset(&out);
		pdf_text(pdf.data, pdf.len, &out);
	}
	report("text in process", now_s() - t, rounds, "20-page file");
	t = now_s();
	for (unsigned i = 0; i < rounds; i++) {
		struct pdf_job j = {PDF_OP_TEXT, argv[1], 0, 0};

		buf_reset(&out);
		pdf_sbx_run(&j, NULL, &out);
	}
	report("text in the sandbox", now_s() - t, rounds, "20-page file");
	t = now_s();
	for (unsigned i = 0; i < rounds; i++)
		for (unsigned p = 1; p <= PAGES; p++) {
			buf_reset(&out);
			pdf_render_png(pdf.data, pdf.len, p, 800, &out);
		}
	report("render 800 px in process", now_s() - t, rounds * PAGES, "page");
	t = now_s();
	for (unsigned i = 0; i < rounds; i++)
		for (unsigned p = 1; p <= PAGES; p++) {
			struct pdf_job j = {PDF_OP_RENDER, argv[1], p, 800};

			buf_reset(&out);
			pdf_sbx_run(&j, NULL, &out);
		}
	report("render 800 px in the sandbox", now_s() - t, rounds * PAGES, "page");
	printf("png of a page: %zu bytes\n", out.len);
	buf_free(&out);
	buf_free(&pdf);
	return 0;
}
