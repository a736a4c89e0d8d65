/*
 * test_pdfattack.c: generators of the known attacks on PDF signatures, each
 * refused by the verifier: Universal Signature Forgery (signature
 * dictionaries without or with malformed /Contents and /ByteRange, byte
 * ranges that do not cover the file), Signature Wrapping (the gap moved
 * off /Contents) and the Incremental Saving Attack (revisions appended
 * after signing that change content, add annotations, replace the
 * signature, remove its field, or bytes after %%EOF).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "pdf/pdf_doc.h"
#include "pdf/pdf_lex.h"
#include "pdf/pdf_write.h"
#include "tests/pdf/pdfgen.h"
#include "tests/signing/sigfix.h"
#include "tests/testutil.h"

/* ---- Universal Signature Forgery: a file with a forged signature value ---- */

static const char *const forged[] = {
	"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached >>",
	"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Contents <3000> >>",
	"<< /Type /Sig /SubFilter /adbe.pkcs7.detached /Contents <3000> /ByteRange null >>",
	"<< /Type /Sig /SubFilter /adbe.pkcs7.detached /Contents <3000> /ByteRange [0 0 0 0] >>",
	"<< /Type /Sig /SubFilter /adbe.pkcs7.detached /Contents null /ByteRange [0 10 20 30] >>",
	"<< /Type /Sig /SubFilter /adbe.pkcs7.detached /Contents <3000> /ByteRange [0 10 20] >>",
	"<< /Type /Sig /SubFilter /adbe.pkcs7.detached /Contents <3000> /ByteRange [0 -1 20 30] >>",
	"<< /Type /Sig /SubFilter /adbe.pkcs7.detached /Contents () /ByteRange [0 1 2 3] >>",
};

static uint8_t *forge(const char *sigdict, size_t *len)
{
	struct tg g;
	uint8_t *p;

	tg_init(&g);
	tg_raw(&g, "%%PDF-1.7\n");
	tg_obj(&g, 1,
	       "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>");
	tg_obj(&g, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	tg_obj(&g, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>");
	tg_obj(&g, 4,
	       "<< /FT /Sig /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /T (S) "
	       "/V 5 0 R >>");
	tg_obj(&g, 5, sigdict);
	tg_table(&g, 6, "/Root 1 0 R");
	*len = g.b.len;
	p = malloc(g.b.len);
	memcpy(p, g.b.data, g.b.len);
	tg_free(&g);
	return p;
}

START_TEST(usf_forged_values)
{
	struct pdfverify_report *r;
	size_t len;
	uint8_t *p = forge(forged[_i], &len);

	r = sf_verify(p, len, sf.tl);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_msg(!r->sig[0].intact, "forgery %d taken as intact", _i);
	ck_assert(!r->sig[0].trusted);
	ck_assert_int_eq(pdfverify_all_valid(r), 0);
	pdfverify_report_free(r);
	free(p);
}
END_TEST

/* Rewrites the last /ByteRange (padded to its width) to @v. */
static void set_range(uint8_t *p, size_t len, const size_t v[4])
{
	uint8_t *q = p, *last = NULL, *end;
	char txt[128];
	size_t n;

	while ((q = memmem(q, len - (size_t)(q - p), "/ByteRange [", 12)) != NULL)
		last = q++;
	ck_assert_ptr_nonnull(last);
	last += 12;
	end = memchr(last, ']', 64);
	ck_assert_ptr_nonnull(end);
	n = (size_t)snprintf(txt, sizeof(txt), "%zu %zu %zu %zu", v[0], v[1], v[2], v[3]);
	ck_assert_uint_le(n, (size_t)(end - last));
	memset(last, ' ', (size_t)(end - last));
	memcpy(last, txt, n);
}

/* 0: the range stops short of the end; 1: does not start at 0; 2, 3: the
 * gap moved before or into /Contents (wrapping); 4: ranges past the end. */
START_TEST(usf_and_wrapping_ranges)
{
	struct pdfverify_report *r;
	size_t len, slen, v[4];
	uint8_t *in = tg_make(TG_TABLE, &len), *p;

	p = sf_sign(in, len, sf.spec, NULL, 0, &slen);
	sf_last_range(p, slen, v);
	switch (_i) {
	case 0:
		v[3] -= 30;
		break;
	case 1:
		v[0] = 1;
		v[1] -= 1;
		break;
	case 2:
		v[1] -= 20;
		v[2] -= 20;
		v[3] += 20;
		break;
	case 3:
		v[1] += 2;
		break;
	default:
		v[3] += 10;
		break;
	}
	set_range(p, slen, v);
	r = sf_verify(p, slen, sf.tl);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_msg(!r->sig[0].intact, "range %d taken as intact", _i);
	ck_assert_int_eq(pdfverify_all_valid(r), 0);
	pdfverify_report_free(r);
	free(in);
	free(p);
}
END_TEST

/* ---- Incremental Saving Attack: revisions appended after signing ---- */

static struct pdf_obj *obj(const char *text)
{
	struct pdf_lex lx;
	struct pdf_obj *o = NULL;

	pdf_lex_init(&lx, (const uint8_t *)text, strlen(text), 0);
	ck_assert_int_eq(pdf_lex_parse(&lx, &o), E_OK);
	return o;
}

/* The page's dictionary with @key set to @val (text). */
static struct pdf_obj *page_with(struct pdf_doc *d, const char *key, const char *val)
{
	const struct pdf_obj *pg;
	struct pdf_obj *np;

	ck_assert_int_eq(pdf_doc_get(d, pdf_doc_page(d, 0).num, &pg), E_OK);
	np = pdf_obj_dup(pg);
	ck_assert_int_eq(pdf_obj_dict_set(np, key, obj(val)), E_OK);
	return np;
}

/* The signed file with one more revision made by attack @kind. */
static uint8_t *isa(const uint8_t *p, size_t len, int kind, size_t *outlen)
{
	struct pdf_doc *d = NULL;
	struct pdf_write *w = NULL;
	struct pdf_ref n, pg, root;
	const struct pdf_obj *cat;
	struct pdf_obj *c;
	uint8_t *out = NULL;
	char txt[128];

	ck_assert_int_eq(pdf_doc_open(&d, p, len), E_OK);
	ck_assert_int_eq(pdf_write_new(&w, d), E_OK);
	ck_assert_int_eq(pdf_write_alloc(w, &n), E_OK);
	pg = pdf_doc_page(d, 0);
	root = pdf_doc_root(d);
	ck_assert_int_eq(pdf_doc_get(d, root.num, &cat), E_OK);
	switch (kind) {
	case 0: /* new page content */
		ck_assert_int_eq(pdf_write_put(w, n, pdf_obj_new_stream(obj("<< >>"), "BT ET", 5)),
				 E_OK);
		snprintf(txt, sizeof(txt), "%u 0 R", n.num);
		ck_assert_int_eq(pdf_write_put(w, pg, page_with(d, "Contents", txt)), E_OK);
		break;
	case 1: /* a new annotation that is not a signature (evil annotation) */
		ck_assert_int_eq(
			pdf_write_put(w, n,
				      obj("<< /Type /Annot /Subtype /FreeText /Rect [0 0 100 100] "
					  "/Contents (paid) >>")),
			E_OK);
		ck_assert_int_eq(pdf_doc_get(d, pg.num, &cat), E_OK);
		c = pdf_obj_dup(cat); /* the signed page: /Annots is a direct array */
		ck_assert_int_eq(pdf_obj_array_push((struct pdf_obj *)pdf_obj_dict_get(c, "Annots"),
						    pdf_obj_new_ref(n.num, 0)),
				 E_OK);
		ck_assert_int_eq(pdf_write_put(w, pg, c), E_OK);
		break;
	case 2: /* a catalog change: an action when the file opens */
		c = pdf_obj_dup(cat);
		ck_assert_int_eq(
			pdf_obj_dict_set(c, "OpenAction", obj("<< /S /JavaScript /JS (x) >>")),
			E_OK);
		ck_assert_int_eq(pdf_write_put(w, root, c), E_OK);
		break;
	case 3: /* the signature field removed from the form */
		c = pdf_obj_dup(cat);
		ck_assert_int_eq(pdf_obj_dict_set(c, "AcroForm", obj("<< /Fields [] >>")), E_OK);
		ck_assert_int_eq(pdf_write_put(w, root, c), E_OK);
		break;
	default: /* the page replaced by an unsigned-looking one (shadow: replace) */
		ck_assert_int_eq(pdf_write_put(w, pg, page_with(d, "MediaBox", "[0 0 100 100]")),
				 E_OK);
		break;
	}
	ck_assert_int_eq(pdf_write_finish(w, &out, outlen), E_OK);
	pdf_write_free(w);
	pdf_doc_free(d);
	return out;
}

START_TEST(isa_revisions)
{
	struct pdfverify_report *r;
	size_t len, slen, alen;
	uint8_t *in = tg_make(_i % 2 ? TG_STREAM : TG_TABLE, &len), *p, *a;

	p = sf_sign(in, len, sf.spec, NULL, 0, &slen);
	a = isa(p, slen, _i, &alen);
	r = sf_verify(a, alen, sf.tl);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_msg(r->sig[0].intact, "%s", r->sig[0].integrity);
	ck_assert_int_eq(r->sig[0].coverage, PDFVERIFY_MODIFIED);
	ck_assert(*r->sig[0].coverage_why);
	ck_assert_int_eq(pdfverify_all_valid(r), 0);
	pdfverify_report_free(r);
	free(in);
	free(p);
	free(a);
}
END_TEST

START_TEST(isa_bytes_after_eof)
{
	struct pdfverify_report *r = NULL;
	size_t len, slen;
	uint8_t *in = tg_make(TG_TABLE, &len), *p;
	static const char tail[] = "4 0 obj\n(forged)\nendobj\n";

	p = sf_sign(in, len, sf.spec, NULL, 0, &slen);
	p = realloc(p, slen + sizeof(tail));
	memcpy(p + slen, tail, sizeof(tail) - 1);
	ck_assert_int_lt(pdfverify_data(&r, p, slen + sizeof(tail) - 1, sf.tl), 0);
	ck_assert_ptr_null(r);
	free(in);
	free(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pdfattack");
	TCase *tc = tcase_create("attacks");

	tcase_add_checked_fixture(tc, sf_setup, sf_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, usf_forged_values, 0, (int)(sizeof(forged) / sizeof(forged[0])));
	tcase_add_loop_test(tc, usf_and_wrapping_ranges, 0, 5);
	tcase_add_loop_test(tc, isa_revisions, 0, 5);
	tcase_add_test(tc, isa_bytes_after_eof);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
