/*
 * test_pdf_doc.c: every file of ../shared/corpus/structure/ is read with the
 * expected revisions, objects, pages and signature fields, or refused with
 * the expected reason; hostile files made here (truncated, huge /Length,
 * /Prev loops, deep nesting, self-containing object streams, decompression
 * bombs) are refused without a crash.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "pdf/pdf_doc.h"
#include "tests/pdf/pdfgen.h"
#include "tests/testutil.h"

struct expect {
	const char *file;
	int rc;
	size_t revs;
	uint32_t objects, pages, sig_fields;
	const char *reason; /* substring of err_detail() when refused */
};

/* What a strict reader must say of each corpus file. */
static const struct expect corpus[] = {
	{"CompactedPDFSyntaxTest.pdf", E_CORRUPT, 0, 0, 0, 0, "object 2 0 at offset 1555 is empty"},
	{"broken-objstream1.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "object 4 is not at index 3 of object stream 9"},
	{"broken-objstream2.pdf", E_CORRUPT, 0, 0, 0, 0, "object stream 9: bad header entry 4"},
	{"broken-objstream3.pdf", E_CORRUPT, 0, 0, 0, 0, "object stream 9: bad header entry 4"},
	{"broken-objstream4.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "object 6 is not at index 3 of object stream 9"},
	{"broken-objstream5.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "object 9 in object stream 10 is a stream"},
	{"broken-objstream6.pdf", E_CORRUPT, 0, 0, 0, 0, "object stream 9: bad header entry 1"},
	{"circular-page-tree.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "page tree is circular: object 6 is reached twice"},
	{"embedded-encrypted-nocf.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"empty-a4.pdf", E_OK, 1, 5, 1, 0, NULL},
	{"form-tree-circular-ref-input.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "form field tree is circular: object 11 is reached twice"},
	{"malformed-encrypt-dict1.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"malformed-encrypt-dict2.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"malformed-xref-space-padded.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "cross-reference entry at offset 460 is not \"nnnnnnnnnn ggggg n\""},
	{"minimal-aes256-empty-encrypted-string.pdf", E_INVAL, 0, 0, 0, 0,
	 "encrypted PDF: not supported"},
	{"minimal-aes256-malformed-oe.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-aes256-malformed-perms.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-aes256.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-annotless.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "revision 2: object 3 0 is said to be at offset 803, which does not hold \"3 0 obj\""},
	{"minimal-badxref.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "cross-reference entry at offset 574 is not 20 bytes"},
	{"minimal-broken-xref-size.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "/Size shrinks from 7 to 6 in revision 2"},
	{"minimal-hybrid-xref-mswordstyle.pdf", E_OK, 2, 7, 1, 0, NULL},
	{"minimal-hybrid-xref-weirdgen.pdf", E_OK, 2, 7, 1, 0, NULL},
	{"minimal-hybrid-xref.pdf", E_OK, 2, 7, 1, 0, NULL},
	{"minimal-illegal-header.pdf", E_INVAL, 0, 0, 0, 0,
	 "not a PDF: header version \"X.Y\" is not 1.0 to 2.0"},
	{"minimal-one-field-indir-annots.pdf", E_OK, 2, 7, 1, 1, NULL},
	{"minimal-pdf-ua-and-a.pdf", E_OK, 1, 31, 1, 0, NULL},
	{"minimal-pubkey-aes256.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-pubkey-rc4-envelope.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-pubkey-rc4.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-pubkey-unknown-envelope-alg.pdf", E_INVAL, 0, 0, 0, 0,
	 "encrypted PDF: not supported"},
	{"minimal-rc4.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-startxref-hopeless.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "offset 100 points at neither \"xref\" nor an object"},
	{"minimal-startxref-hopeless2.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "the last startxref is not followed by %%EOF"},
	{"minimal-startxref-hopeless3.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "startxref is not followed by an offset"},
	{"minimal-startxref-obo1.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "offset 564 points at neither \"xref\" nor an object"},
	{"minimal-startxref-obo2.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "offset 566 points at neither \"xref\" nor an object"},
	{"minimal-startxref-obo3.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "offset 425 points at neither \"xref\" nor an object"},
	{"minimal-startxref-obo4.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "offset 427 points at neither \"xref\" nor an object"},
	{"minimal-startxref-obo5.pdf", E_CORRUPT, 0, 0, 0, 0, "no \"N G obj\" at offset 428"},
	{"minimal-startxref-obo6.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "offset 423 points at neither \"xref\" nor an object"},
	{"minimal-startxref-same-line.pdf", E_OK, 1, 4, 1, 0, NULL},
	{"minimal-two-fields-aes256.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-two-fields-pubkey-aes256.pdf", E_INVAL, 0, 0, 0, 0,
	 "encrypted PDF: not supported"},
	{"minimal-two-fields-pubkey-rc4.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-two-fields-tagged.pdf", E_OK, 1, 16, 1, 2, NULL},
	{"minimal-two-fields.pdf", E_OK, 2, 7, 1, 2, NULL},
	{"minimal-two-pages.pdf", E_OK, 1, 6, 2, 0, NULL},
	{"minimal-with-field-aes256.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-with-field-pubkey-aes256.pdf", E_INVAL, 0, 0, 0, 0,
	 "encrypted PDF: not supported"},
	{"minimal-with-field-pubkey-rc4.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-with-field-rc4.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"minimal-with-field-tagged.pdf", E_OK, 1, 13, 1, 1, NULL},
	{"minimal-with-field.pdf", E_OK, 2, 6, 1, 1, NULL},
	{"minimal-with-nonexistent-refs.pdf", E_OK, 1, 4, 1, 0, NULL},
	{"minimal-with-orphaned-xrefs.pdf", E_OK, 1, 4, 1, 0, NULL},
	{"minimal-with-simple-form.pdf", E_OK, 3, 7, 1, 1, NULL},
	{"minimal-with-textfield-group-var.pdf", E_OK, 3, 10, 1, 1, NULL},
	{"minimal-with-textfield-group.pdf", E_OK, 3, 9, 1, 1, NULL},
	{"minimal-xref.pdf", E_OK, 1, 6, 1, 0, NULL},
	{"minimal.pdf", E_OK, 1, 4, 1, 0, NULL},
	{"no-mediabox.pdf", E_CORRUPT, 0, 0, 0, 0, "page 1 (object 2) has no valid /MediaBox"},
	{"page-tree-direct-kid.pdf", E_CORRUPT, 0, 0, 0, 0,
	 "page tree: a kid of object 3 is not an indirect reference"},
	{"pubkey-3des-test.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"pubkey-ecc-test.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"pubkey-rc2-test.pdf", E_INVAL, 0, 0, 0, 0, "encrypted PDF: not supported"},
	{"struct-tree-circular-ref.pdf", E_OK, 1, 13, 1, 1, NULL},
	{"uncompressed-objstream-sample.pdf", E_OK, 1, 10, 1, 0, NULL},
};

START_TEST(corpus_file)
{
	const struct expect *e = &corpus[_i];
	const char *dir = tg_corpus_dir("structure");
	char path[4096], *data = NULL;
	struct pdf_doc *doc = NULL;
	struct pdf_doc_stats st;
	size_t len;
	int rc;

	ck_assert_msg(dir, "../shared/corpus not found beside the source tree");
	snprintf(path, sizeof(path), "%s/%s", dir, e->file);
	ck_assert_int_eq(fs_read_file(path, PDF_DOC_SIZE_MAX, &data, &len), 0);
	rc = pdf_doc_open(&doc, (const uint8_t *)data, len);
	ck_assert_msg(rc == e->rc, "%s: %s (%s)", e->file, err_name(rc), err_detail());
	if (rc == E_OK) {
		pdf_doc_get_stats(doc, &st);
		ck_assert_uint_eq(pdf_doc_xref(doc)->nsec, e->revs);
		ck_assert_uint_eq(st.objects, e->objects);
		ck_assert_uint_eq(st.pages, e->pages);
		ck_assert_uint_eq(st.sig_fields, e->sig_fields);
		ck_assert_ptr_nonnull(pdf_doc_trailer(doc));
	} else {
		ck_assert_ptr_null(doc);
		ck_assert_msg(strstr(err_detail(), e->reason), "%s: %s", e->file, err_detail());
	}
	pdf_doc_free(doc);
	free(data);
}
END_TEST

/* The table covers the whole folder: a new corpus file needs a verdict. */
START_TEST(corpus_complete)
{
	char cmd[4200];
	const char *dir = tg_corpus_dir("structure");

	ck_assert_ptr_nonnull(dir);
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c '\\.pdf$'", dir);
	ck_assert_int_eq(strtol(tu_first_line(cmd), NULL, 10),
			 (long)(sizeof(corpus) / sizeof(corpus[0])));
}
END_TEST

/* Revisions of an incremental file: byte ranges and what each adds. */
START_TEST(revisions)
{
	const char *dir = tg_corpus_dir("structure");
	char path[4096], *data = NULL;
	struct pdf_doc *doc = NULL;
	const struct pdf_xref *x;
	size_t len;

	snprintf(path, sizeof(path), "%s/minimal-with-simple-form.pdf", dir);
	ck_assert_int_eq(fs_read_file(path, PDF_DOC_SIZE_MAX, &data, &len), 0);
	ck_assert_int_eq(pdf_doc_open(&doc, (const uint8_t *)data, len), 0);
	x = pdf_doc_xref(doc);
	ck_assert_uint_eq(x->nsec, 3);
	ck_assert_uint_eq(x->sec[2].end, len);
	ck_assert_uint_lt(x->sec[0].end, x->sec[1].end);
	ck_assert_uint_ge(x->sec[1].off, x->sec[0].end);
	ck_assert_uint_gt(x->sec[1].n, 0);
	ck_assert_uint_eq(x->startxref, x->sec[2].off);
	pdf_doc_free(doc);
	free(data);
}
END_TEST

/* Opens @len bytes of @p; returns the code (and frees a document). */
static int try_open(const void *p, size_t len)
{
	struct pdf_doc *doc = NULL;
	int rc = pdf_doc_open(&doc, p, len);

	if (rc < 0)
		ck_assert_ptr_null(doc);
	pdf_doc_free(doc);
	return rc;
}

static int try_tg(struct tg *g)
{
	int rc = try_open(g->b.data, g->b.len);

	tg_free(g);
	return rc;
}

START_TEST(generated_styles)
{
	enum tg_style s;

	for (s = TG_TABLE; s <= TG_OBJSTM; s++) {
		size_t len;
		uint8_t *p = tg_make(s, &len);
		struct pdf_doc *doc;
		struct pdf_doc_stats st;

		ck_assert_msg(pdf_doc_open(&doc, p, len) == 0, "style %d: %s", s, err_detail());
		pdf_doc_get_stats(doc, &st);
		ck_assert_uint_eq(st.pages, 1);
		ck_assert_uint_eq(st.compressed, s == TG_OBJSTM ? 3 : 0);
		pdf_doc_free(doc);
		free(p);
	}
}
END_TEST

/* Every proper prefix of a good file is refused, never read. */
START_TEST(truncated)
{
	enum tg_style s;
	size_t len, n;

	for (s = TG_TABLE; s <= TG_OBJSTM; s++) {
		uint8_t *p = tg_make(s, &len);

		for (n = 0; n < len - 1; n++)
			ck_assert_int_lt(try_open(p, n), 0);
		free(p);
	}
}
END_TEST

static void start(struct tg *g)
{
	tg_init(g);
	tg_raw(g, "%%PDF-1.7\n");
	tg_obj(g, 1, "<</Type /Catalog /Pages 2 0 R>>");
	tg_obj(g, 2, "<</Type /Pages /Kids [] /Count 0>>");
}

START_TEST(huge_length)
{
	struct tg g;

	start(&g);
	g.off[3] = g.b.len;
	tg_raw(&g, "3 0 obj\n<</Length 99999999999>>\nstream\nabc\nendstream\nendobj\n");
	tg_table(&g, 4, "/Root 1 0 R");
	ck_assert_int_eq(try_tg(&g), E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err_detail(), "/Length"));
}
END_TEST

START_TEST(prev_loop)
{
	struct tg g;
	char extra[64];

	start(&g);
	snprintf(extra, sizeof(extra), "/Root 1 0 R /Prev %zu", g.b.len);
	tg_table(&g, 3, extra); /* its /Prev is itself */
	ck_assert_int_eq(try_tg(&g), E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err_detail(), "circular /Prev"));
}
END_TEST

START_TEST(deep_nesting)
{
	struct tg g;
	char body[4096];
	int i;

	for (i = 0; i < 1000; i++)
		body[i] = '[';
	for (; i < 2000; i++)
		body[i] = ']';
	body[i] = '\0';
	start(&g);
	tg_obj(&g, 3, body);
	tg_table(&g, 4, "/Root 1 0 R");
	ck_assert_int_eq(try_tg(&g), E_TOOBIG);
}
END_TEST

START_TEST(objstm_self)
{
	struct tg g;
	const char s[] = "5 0 <</Type /Catalog>>";

	start(&g);
	tg_stream(&g, 5, " /Type /ObjStm /N 1 /First 4", s, strlen(s), 1);
	g.in_stm[5] = 5;
	tg_xref_stream(&g, 6, "/Root 1 0 R");
	ck_assert_int_eq(try_tg(&g), E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err_detail(), "itself"));
}
END_TEST

START_TEST(objstm_bomb)
{
	struct tg g;
	size_t n = 40u << 20;
	char *zeros = calloc(1, n);

	ck_assert_ptr_nonnull(zeros);
	memcpy(zeros, "3 0 ", 4);
	start(&g);
	tg_stream(&g, 5, " /Type /ObjStm /N 1 /First 4", zeros, n, 1);
	free(zeros);
	g.in_stm[3] = 5;
	tg_xref_stream(&g, 6, "/Root 1 0 R");
	ck_assert_int_eq(try_tg(&g), E_TOOBIG);
}
END_TEST

/* qpdf's linearized copy of a generated file, classic tables. */
static char *linearized(size_t *len)
{
	char in[] = "/tmp/dinh-pdfd-XXXXXX", out[64], cmd[200], *data;
	uint8_t *p = tg_make(TG_TABLE, len);
	FILE *f;
	int fd = mkstemp(in);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_uint_eq(fwrite(p, 1, *len, f), *len);
	fclose(f);
	free(p);
	snprintf(out, sizeof(out), "%s.lin", in);
	snprintf(cmd, sizeof(cmd), "qpdf --linearize --object-streams=disable %s %s", in, out);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(fs_read_file(out, PDF_DOC_SIZE_MAX, &data, len), 0);
	unlink(in);
	unlink(out);
	return data;
}

static void replace(char *p, size_t len, const char *from, const char *to)
{
	char *at = memmem(p, len, from, strlen(from));

	ck_assert_ptr_nonnull(at);
	ck_assert_uint_eq(strlen(from), strlen(to));
	memcpy(at, to, strlen(to));
}

/* A linearized file is one revision; a forward /Prev elsewhere, or a
 * first-page section that does not match its bytes, is refused. */
START_TEST(linearized_file)
{
	size_t len;
	char *p = linearized(&len), *q = malloc(len);
	const char *eof;

	ck_assert_int_eq(try_open(p, len), E_OK);
	memcpy(q, p, len);
	replace(q, len, "/Linearized", "/Linearizex");
	ck_assert_int_eq(try_open(q, len), E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err_detail(), "not the first-page section of a linearized"));
	memcpy(q, p, len);
	replace(q, len, "startxref\n0\n", "startxref\n7\n");
	ck_assert_int_eq(try_open(q, len), E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err_detail(), "its startxref says 7"));
	memcpy(q, p, len);
	replace(q, len, " 00000 n ", " 00001 n ");
	ck_assert_int_eq(try_open(q, len), E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err_detail(), "which does not hold"));
	/* the file up to the first-page section's %%EOF is no file */
	eof = memmem(p, len, "%%EOF\n", 6);
	ck_assert_int_eq(try_open(p, (size_t)(eof + 6 - p)), E_CORRUPT);
	free(q);
	free(p);
}
END_TEST

START_TEST(encrypted_and_garbage)
{
	struct tg g;

	start(&g);
	tg_table(&g, 3, "/Root 1 0 R /Encrypt <</Filter /Standard>>");
	ck_assert_int_eq(try_tg(&g), E_INVAL);
	ck_assert_str_eq(err_detail(), "encrypted PDF: not supported");
	ck_assert_int_eq(try_open("", 0), E_INVAL);
	ck_assert_int_eq(try_open("%PDF-1.7\n", 9), E_CORRUPT);
	ck_assert_int_eq(try_open("GIF89a", 6), E_INVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdf_doc");
	TCase *tc = tcase_create("corpus");

	tcase_add_loop_test(tc, corpus_file, 0, (int)(sizeof(corpus) / sizeof(corpus[0])));
	tcase_add_test(tc, corpus_complete);
	tcase_add_test(tc, revisions);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, generated_styles);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, huge_length);
	tcase_add_test(tc, prev_loop);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, objstm_self);
	tcase_add_test(tc, objstm_bomb);
	tcase_add_test(tc, encrypted_and_garbage);
	tcase_add_test(tc, linearized_file);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
