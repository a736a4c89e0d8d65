/*
 * test_pdf_write.c: an incremental update written by pdf_write keeps the
 * input as its exact prefix, adds one revision in the style of the last
 * section, reads back with our parser and with poppler, and passes
 * qpdf --check; on generated files of each style and on corpus files.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "pdf/pdf.h"
#include "pdf/pdf_doc.h"
#include "pdf/pdf_write.h"
#include "tests/pdf/pdfgen.h"
#include "tests/testutil.h"

/* The update every round trip writes: a new /Info, a changed catalog (with
 * /Lang), a new stream; the whole file, or with @only the update alone. */
static uint8_t *update_as(struct pdf_doc *doc, size_t *outlen, int only)
{
	struct pdf_write *w;
	struct pdf_ref info, extra, root = pdf_doc_root(doc);
	const struct pdf_obj *cat;
	struct pdf_obj *o, *d;
	uint8_t *out;

	ck_assert_int_eq(pdf_write_new(&w, doc), 0);
	ck_assert_int_eq(pdf_write_alloc(w, &info), 0);
	ck_assert_int_eq(pdf_write_alloc(w, &extra), 0);
	o = pdf_obj_new(PDF_DICT);
	ck_assert_int_eq(pdf_obj_dict_set(o, "Producer", pdf_obj_new_string("dinh", 4)), 0);
	ck_assert_int_eq(pdf_obj_dict_set(o, "Title", pdf_obj_new_string("Gi\xe1y (m\xf4i)", 11)),
			 0);
	ck_assert_int_eq(pdf_write_put(w, info, o), 0);
	ck_assert_int_eq(pdf_doc_get(doc, root.num, &cat), 0);
	o = pdf_obj_dup(cat);
	ck_assert_int_eq(pdf_obj_dict_set(o, "Lang", pdf_obj_new_string("vi", 2)), 0);
	ck_assert_int_eq(pdf_write_put(w, root, o), 0);
	d = pdf_obj_new(PDF_DICT);
	o = pdf_obj_new_stream(d, "binary\0\xff data", 13);
	ck_assert_int_eq(pdf_write_put(w, extra, o), 0);
	pdf_write_set_info(w, info);
	if (only)
		ck_assert_int_eq(pdf_write_update(w, &out, outlen), 0);
	else
		ck_assert_int_eq(pdf_write_finish(w, &out, outlen), 0);
	pdf_write_free(w);
	return out;
}

static uint8_t *update(struct pdf_doc *doc, size_t *outlen)
{
	return update_as(doc, outlen, 0);
}

static int qpdf_check(const uint8_t *p, size_t len)
{
	char path[] = "/tmp/dinh-pdfw-XXXXXX", cmd[256];
	int fd = mkstemp(path), st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "qpdf --check %s >/dev/null 2>&1", path);
	st = system(cmd);
	unlink(path);
	return st;
}

static void round_trip(const uint8_t *in, size_t len, const char *what)
{
	struct pdf_doc *doc, *again;
	struct pdf_doc_stats before, after;
	struct pdf_info info;
	const struct pdf_xref *x, *y;
	uint8_t *out;
	size_t outlen;

	ck_assert_msg(pdf_doc_open(&doc, in, len) == 0, "%s: %s", what, err_detail());
	pdf_doc_get_stats(doc, &before);
	out = update(doc, &outlen);
	ck_assert_uint_gt(outlen, len);
	ck_assert_msg(memcmp(out, in, len) == 0, "%s: the input is not a prefix", what);
	ck_assert_msg(pdf_doc_open(&again, out, outlen) == 0, "%s: %s", what, err_detail());
	x = pdf_doc_xref(doc);
	y = pdf_doc_xref(again);
	ck_assert_uint_eq(y->nsec, x->nsec + 1);
	ck_assert_int_eq(y->sec[y->nsec - 1].is_stream, x->sec[x->nsec - 1].is_stream);
	ck_assert_uint_eq(y->sec[y->nsec - 2].end, len);
	pdf_doc_get_stats(again, &after);
	ck_assert_uint_eq(after.pages, before.pages);
	ck_assert_uint_eq(after.objects,
			  before.objects + 2 + (size_t)y->sec[y->nsec - 1].is_stream);
	ck_assert_msg(qpdf_check(out, outlen) == 0, "%s: qpdf --check fails", what);
	ck_assert_msg(pdf_info_read(&info, out, outlen) == 0, "%s: poppler: %s", what,
		      err_detail());
	ck_assert_uint_eq(info.pages, before.pages);
	ck_assert_str_eq(info.producer, "dinh");
	pdf_info_clear(&info);
	pdf_doc_free(again);
	pdf_doc_free(doc);
	free(out);
}

START_TEST(generated)
{
	size_t len;
	uint8_t *p = tg_make((enum tg_style)_i, &len);

	round_trip(p, len, _i == TG_TABLE ? "table" : "stream");
	free(p);
}
END_TEST

/* pdf_write_update() writes exactly what pdf_write_finish() puts after the
 * input, also the EOL after an input without one; the update is the same
 * whether the document was read from a copy or in place. */
START_TEST(update_alone)
{
	size_t len, ulen, flen;
	uint8_t *p = tg_make((enum tg_style)(_i / 2), &len), *u, *f;
	struct pdf_doc *doc;

	ck_assert_int_eq(p[len - 1], '\n');
	len -= _i % 2; /* odd: the file ends at %%EOF */
	ck_assert_int_eq(pdf_doc_open(&doc, p, len), 0);
	f = update_as(doc, &flen, 0);
	pdf_doc_free(doc);
	ck_assert_int_eq(pdf_doc_open_borrowed(&doc, p, len), 0);
	u = update_as(doc, &ulen, 1);
	pdf_doc_free(doc);
	ck_assert_uint_eq(flen, len + ulen);
	ck_assert_int_eq(memcmp(f, p, len), 0);
	ck_assert_int_eq(memcmp(f + len, u, ulen), 0);
	ck_assert_int_eq(u[0] == '\n', _i % 2);
	free(p);
	free(u);
	free(f);
}
END_TEST

static const char *const corpus_files[] = {
	"minimal.pdf",
	"minimal-xref.pdf",
	"minimal-two-pages.pdf",
	"minimal-with-simple-form.pdf",
	"minimal-hybrid-xref.pdf",
	"uncompressed-objstream-sample.pdf",
	"minimal-pdf-ua-and-a.pdf",
};

START_TEST(corpus)
{
	const char *dir = tg_corpus_dir("structure");
	char path[4096], *data;
	size_t len;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, corpus_files[_i]);
	ck_assert_int_eq(fs_read_file(path, PDF_DOC_SIZE_MAX, &data, &len), 0);
	round_trip((const uint8_t *)data, len, corpus_files[_i]);
	free(data);
}
END_TEST

/* A file linearized by qpdf (a first-page section whose /Prev points
 * forward to the main one): one revision, and an update appends to it. */
START_TEST(linearized)
{
	char in[] = "/tmp/dinh-pdfl-XXXXXX", out[64], cmd[320], *data;
	size_t len;
	uint8_t *p = tg_make(TG_TABLE, &len);
	struct pdf_doc *doc;
	const struct pdf_xref *x;
	int fd = mkstemp(in);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	close(fd);
	free(p);
	snprintf(out, sizeof(out), "%s.lin", in);
	snprintf(cmd, sizeof(cmd), "qpdf --linearize %s %s %s",
		 _i ? "--object-streams=generate" : "--object-streams=disable", in, out);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(fs_read_file(out, PDF_DOC_SIZE_MAX, &data, &len), 0);
	unlink(in);
	unlink(out);
	ck_assert_msg(pdf_doc_open(&doc, (const uint8_t *)data, len) == 0, "%s", err_detail());
	x = pdf_doc_xref(doc);
	ck_assert_uint_eq(x->nsec, 1);
	ck_assert_ptr_nonnull(x->sec[0].lin);
	ck_assert_uint_lt(x->sec[0].off, x->sec[0].lin->off);
	ck_assert_uint_eq(x->sec[0].end, len);
	ck_assert_uint_eq(x->startxref, x->sec[0].off);
	ck_assert_int_eq(x->sec[0].is_stream, _i);
	pdf_doc_free(doc);
	round_trip((const uint8_t *)data, len, _i ? "linearized stream" : "linearized table");
	free(data);
}
END_TEST

/* Twice: the second update's /Prev is the first update's section. */
START_TEST(twice)
{
	size_t len, len2, len3;
	uint8_t *p = tg_make(TG_STREAM, &len), *p2, *p3;
	struct pdf_doc *doc;

	ck_assert_int_eq(pdf_doc_open(&doc, p, len), 0);
	p2 = update(doc, &len2);
	pdf_doc_free(doc);
	ck_assert_int_eq(pdf_doc_open(&doc, p2, len2), 0);
	p3 = update(doc, &len3);
	pdf_doc_free(doc);
	ck_assert_int_eq(memcmp(p3, p2, len2), 0);
	ck_assert_int_eq(pdf_doc_open(&doc, p3, len3), 0);
	ck_assert_uint_eq(pdf_doc_xref(doc)->nsec, 3);
	ck_assert_int_eq(qpdf_check(p3, len3), 0);
	pdf_doc_free(doc);
	free(p);
	free(p2);
	free(p3);
}
END_TEST

START_TEST(refusals)
{
	size_t len;
	uint8_t *p = tg_make(TG_TABLE, &len);
	struct pdf_doc *doc;
	struct pdf_write *w;
	struct pdf_ref r = {3, 1}, none = {40, 0}, zero = {0, 0};

	ck_assert_int_eq(pdf_doc_open(&doc, p, len), 0);
	ck_assert_int_eq(pdf_write_new(&w, doc), 0);
	ck_assert_int_eq(pdf_write_put(w, r, pdf_obj_new_int(1)), E_INVAL);
	ck_assert_int_eq(pdf_write_put(w, none, pdf_obj_new_int(1)), E_INVAL);
	ck_assert_int_eq(pdf_write_put(w, zero, pdf_obj_new_int(1)), E_INVAL);
	r.gen = 0;
	{
		struct pdf_obj *s = pdf_obj_new(PDF_STREAM);

		s->u.st.dict = pdf_obj_new(PDF_DICT);
		ck_assert_int_eq(pdf_write_put(w, r, s), E_INVAL);
	}
	pdf_write_free(w);
	pdf_doc_free(doc);
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdf_write");
	TCase *tc = tcase_create("write");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, generated, TG_TABLE, TG_OBJSTM + 1);
	tcase_add_loop_test(tc, corpus, 0, (int)(sizeof(corpus_files) / sizeof(corpus_files[0])));
	tcase_add_loop_test(tc, linearized, 0, 2);
	tcase_add_test(tc, twice);
	tcase_add_loop_test(tc, update_alone, 0, 2 * (TG_OBJSTM + 1));
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
