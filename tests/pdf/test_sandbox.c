/*
 * test_sandbox.c: untrusted PDFs are read in dinh-pdf-helper under limits.
 * A good file gives its info, text and a PNG of the asked width; garbage,
 * a missing page, an encrypted file are refused with their reason; a
 * decompression bomb runs out of CPU time, a reader that never finishes is
 * killed at the wall clock, one that crashes is reported as such: each
 * fails its job, never the caller.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "pdf/sandbox.h"
#include "tests/testutil.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dinh-sbx-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	tu_rm_tree(dir);
}

static const char *file(const char *name, const void *data, size_t len)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(fs_write_atomic(path, data, len, 0644), E_OK);
	return path;
}

static cairo_status_t grow(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_append(closure, data, len) == E_OK ? CAIRO_STATUS_SUCCESS
						      : CAIRO_STATUS_NO_MEMORY;
}

/* A two-page A4 PDF made with cairo (shapes only: no fonts needed). */
static const char *good_pdf(void)
{
	struct buf b;
	cairo_surface_t *s;
	cairo_t *cr;
	const char *p;

	buf_init(&b, 1 << 20);
	s = cairo_pdf_surface_create_for_stream(grow, &b, 595, 842);
	cr = cairo_create(s);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Biên bản họp");
	cairo_rectangle(cr, 72, 72, 200, 20);
	cairo_fill(cr);
	cairo_show_page(cr);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	p = file("good.pdf", b.data, b.len);
	buf_free(&b);
	return p;
}

static int run(enum pdf_op op, const char *p, unsigned page, unsigned width,
	       const struct pdf_limits *lim, struct buf *out)
{
	struct pdf_job job = {op, p, page, width};

	buf_reset(out);
	return pdf_sbx_run(&job, lim, out);
}

static unsigned be32(const uint8_t *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

START_TEST(good_file)
{
	const char *p = good_pdf();
	struct buf out;

	buf_init(&out, (size_t)64 << 20);
	ck_assert_int_eq(run(PDF_OP_INFO, p, 0, 0, NULL, &out), E_OK);
	ck_assert_int_eq(buf_append(&out, "", 1), E_OK);
	ck_assert_ptr_nonnull(strstr((char *)out.data, "pages=2\n"));
	ck_assert_ptr_nonnull(strstr((char *)out.data, "title=Biên bản họp\n"));
	ck_assert_int_eq(run(PDF_OP_RENDER, p, 2, 300, NULL, &out), E_OK);
	ck_assert_uint_gt(out.len, 24);
	ck_assert_int_eq(memcmp(out.data, "\x89PNG\r\n\x1a\n", 8), 0);
	ck_assert_uint_eq(be32(out.data + 16), 300);                 /* IHDR width */
	ck_assert_uint_eq(be32(out.data + 20), 300 * 842 / 595 + 1); /* height, rounded */
	ck_assert_int_eq(run(PDF_OP_TEXT, p, 0, 0, NULL, &out), E_OK);
	ck_assert_uint_eq(out.len, 1); /* no text: one form feed between two pages */
	ck_assert_int_eq(run(PDF_OP_RENDER, p, 3, 300, NULL, &out), E_INVAL);
	ck_assert_ptr_nonnull(strstr(err_detail(), "no page 3"));
	ck_assert_int_eq(run(PDF_OP_RENDER, p, 1, 100000, NULL, &out), E_INVAL);
	buf_free(&out);
}
END_TEST

START_TEST(refusals)
{
	static const char garbage[] = "MZ\x90\x00 this is not a PDF at all";
	struct buf out;
	char enc[512];

	buf_init(&out, 1 << 20);
	ck_assert_int_eq(
		run(PDF_OP_INFO, file("g.pdf", garbage, sizeof(garbage)), 0, 0, NULL, &out),
		E_INVAL);
	ck_assert_ptr_nonnull(strstr(err_detail(), "not a PDF"));
	snprintf(path, sizeof(path), "%s/none.pdf", dir);
	ck_assert_int_eq(run(PDF_OP_INFO, path, 0, 0, NULL, &out), E_NOTFOUND);
	/* A file of the shared corpus encrypted with a password. */
	snprintf(enc, sizeof(enc), "%s/minimal-rc4.pdf",
		 tu_corpus_dir("structure") ? tu_corpus_dir("structure") : "/nonexistent");
	if (access(enc, R_OK) == 0) {
		ck_assert_int_eq(run(PDF_OP_INFO, enc, 0, 0, NULL, &out), E_INVAL);
		ck_assert_ptr_nonnull(strstr(err_detail(), "password"));
	}
	buf_free(&out);
}
END_TEST

/* A one-page PDF whose content stream inflates to @mb megabytes of spaces. */
static const char *bomb(unsigned mb)
{
	struct buf b;
	z_stream z;
	static unsigned char zeros[1 << 16], zout[1 << 16];
	size_t start;
	const char *p;

	memset(zeros, ' ', sizeof(zeros));
	buf_init(&b, 64 << 20);
	ck_assert_int_eq(buf_printf(&b,
				    "%%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
				    "2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
				    "3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
				    "/Contents 4 0 R>> endobj\n4 0 obj <</Filter/FlateDecode>>\n"
				    "stream\n"),
			 E_OK);
	start = b.len;
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit(&z, 9), Z_OK);
	for (unsigned i = 0; i <= mb * 16; i++) {
		z.next_in = zeros;
		z.avail_in = sizeof(zeros);
		do {
			z.next_out = zout;
			z.avail_out = sizeof(zout);
			deflate(&z, i == mb * 16 ? Z_FINISH : Z_NO_FLUSH);
			ck_assert_int_eq(buf_append(&b, zout, sizeof(zout) - z.avail_out), E_OK);
		} while (z.avail_out == 0);
	}
	deflateEnd(&z);
	ck_assert_uint_lt(b.len - start, 8 << 20);
	ck_assert_int_eq(buf_printf(&b, "\nendstream endobj\ntrailer <</Root 1 0 R>>\n%%%%EOF\n"),
			 E_OK);
	p = file("bomb.pdf", b.data, b.len);
	buf_free(&b);
	return p;
}

START_TEST(bomb_hang_crash)
{
	struct pdf_limits lim = {1, 256u << 20, 30000, 0};
	struct buf out;
	char fifo[128], fake[128], *helper;
	long long t0;
	int rc;

	buf_init(&out, 1 << 20);
	/* 512 MB of content from 0.5 MB (about 3 s of poppler's CPU here):
	 * the limit of 1 s ends it. */
	rc = run(PDF_OP_RENDER, bomb(512), 1, 200, &lim, &out);
	ck_assert_msg(rc == E_TIMEOUT && strstr(err_detail(), "CPU"), "bomb: %s %s", err_name(rc),
		      err_detail());
	/* A file that never finishes arriving (a FIFO nobody writes): the
	 * wall clock ends it. */
	snprintf(fifo, sizeof(fifo), "%s/fifo.pdf", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	lim.wall_ms = 300;
	t0 = (long long)time(NULL);
	ck_assert_int_eq(run(PDF_OP_INFO, fifo, 0, 0, &lim, &out), E_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(err_detail(), "300 ms"));
	ck_assert_int_le((long long)time(NULL) - t0, 3);
	/* A reader that crashes. */
	snprintf(fake, sizeof(fake), "%s/crash.sh", dir);
	ck_assert_int_eq(fs_write_atomic(fake, "#!/bin/sh\nkill -SEGV $$\n", 24, 0755), E_OK);
	helper = strdup(pdf_sbx_helper());
	setenv("DINH_PDF_HELPER", fake, 1);
	ck_assert_int_eq(run(PDF_OP_INFO, good_pdf(), 0, 0, NULL, &out), E_INVAL);
	ck_assert_ptr_nonnull(strstr(err_detail(), "crashed"));
	setenv("DINH_PDF_HELPER", helper, 1);
	free(helper);
	/* And the next job is served as if nothing happened. */
	ck_assert_int_eq(run(PDF_OP_INFO, good_pdf(), 0, 0, NULL, &out), E_OK);
	buf_free(&out);
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("sandbox");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_file);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, bomb_hang_crash);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(sandbox_suite());
}
