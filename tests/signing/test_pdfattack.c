/*
 * test_pdfattack.c: generators of the known attacks on PDF signatures, each
 * refused by the verifier: Universal Signature Forgery (signature
 * dictionaries without or with malformed /Contents and /ByteRange, byte
 * ranges that do not cover the file), Signature Wrapping (the gap moved
 * off /Contents), the Incremental Saving Attack (revisions appended
 * after signing that change content, add annotations, replace the
 * signature, remove its field, or bytes after %%EOF), the Shadow attacks
 * (hide, replace, hide-and-replace), Evil Annotation and Sneaky Signature
 * against certified documents; and the legitimate later revisions (form
 * filling under DocMDP, comments under P3, an empty field signed, serial
 * signatures) that must stay valid.
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

/* ---- Shadow, Evil Annotation, Sneaky Signature: a form with content ---- */

/* A page whose content 4 shows an amount that the white overlay 6 hides,
 * font 5, a filled text field 7, an empty one 9, an empty signature field
 * 10 and an unused stream 8 with another amount. */
#define XMP_OLD       \
	"<x:xmpmeta " \
	"xmlns:x=\"adobe:ns:meta/\"><xmp:ModifyDate>2026-12-01</xmp:ModifyDate></x:xmpmeta>"
#define XMP_NEW       \
	"<x:xmpmeta " \
	"xmlns:x=\"adobe:ns:meta/\"><xmp:ModifyDate>2026-12-03</xmp:ModifyDate></x:xmpmeta>"

static uint8_t *form_doc(size_t *len)
{
	static const char content[] = "BT /F1 12 Tf 72 700 Td (So tien: 9.000.000 dong) Tj ET";
	static const char overlay[] = "1 1 1 rg 70 690 300 30 re f BT /F1 12 Tf 72 700 Td "
				      "(So tien: 1.000.000 dong) Tj ET";
	static const char unused[] = "BT /F1 12 Tf 72 700 Td (So tien: 5.000.000 dong) Tj ET";
	struct tg g;
	uint8_t *p;

	tg_init(&g);
	tg_raw(&g, "%%PDF-1.7\n");
	tg_obj(&g, 1,
	       "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [7 0 R 9 0 R 10 0 R] /DR 13 0 "
	       "R "
	       ">> /Metadata 11 0 R >>");
	tg_obj(&g, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	tg_obj(&g, 3,
	       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 "
	       "5 0 R >> >> /Contents [4 0 R 6 0 R] /Annots [7 0 R 9 0 R 10 0 R] >>");
	tg_stream(&g, 4, "", content, strlen(content), 0);
	tg_obj(&g, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
	tg_stream(&g, 6, "", overlay, strlen(overlay), 0);
	tg_obj(&g, 7,
	       "<< /FT /Tx /T (amount) /V (1.000.000) /Type /Annot /Subtype /Widget "
	       "/Rect [72 650 300 670] /P 3 0 R >>");
	tg_stream(&g, 8, "", unused, strlen(unused), 0);
	tg_obj(&g, 9,
	       "<< /FT /Tx /T (note) /Type /Annot /Subtype /Widget /Rect [72 600 300 620] "
	       "/P 3 0 R >>");
	tg_obj(&g, 10,
	       "<< /FT /Sig /T (Empty) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R "
	       ">>");
	tg_stream(&g, 11, "/Type /Metadata /Subtype /XML", XMP_OLD, strlen(XMP_OLD), 0);
	tg_obj(&g, 12, "<< /Title (Giay de nghi) /Producer (dinh) /ModDate (D:20261201) >>");
	tg_obj(&g, 13, "<< /Font << /Helv 5 0 R >> >>");
	tg_table(&g, 14, "/Root 1 0 R /Info 12 0 R");
	*len = g.b.len;
	p = malloc(g.b.len);
	memcpy(p, g.b.data, g.b.len);
	tg_free(&g);
	return p;
}

/* One object of a later revision: @num an object of the file, or -k for the
 * k-th new one; "@k" in @dict stands for the k-th new object's number; a
 * stream when @data is not NULL. */
struct put {
	int num;
	const char *dict;
	const char *data;
};

static struct pdf_obj *subst_obj(const char *text, const struct pdf_ref *nw)
{
	char out[1024];
	size_t o = 0;

	for (; *text && o + 16 < sizeof(out); text++) {
		if (*text == '@' && text[1] >= '1' && text[1] <= '9') {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%u",
					      nw[text[1] - '1'].num);
			text++;
		} else {
			out[o++] = *text;
		}
	}
	out[o] = '\0';
	return obj(out);
}

/* A copy of @old with each "@k" (the k-th new object) appended to the array
 * at @path ("Annots @1", "AcroForm/Fields @1 @3"). */
static struct pdf_obj *appended(const struct pdf_obj *old, const char *path,
				const struct pdf_ref *nw)
{
	struct pdf_obj *o = pdf_obj_dup(old), *cur = o;
	const char *at = strchr(path, '@'), *slash;
	char key[32];

	while ((slash = strchr(path, '/')) && slash < at) {
		snprintf(key, sizeof(key), "%.*s", (int)(slash - path), path);
		cur = (struct pdf_obj *)pdf_obj_dict_get(cur, key);
		path = slash + 1;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(at - path - 1), path);
	cur = (struct pdf_obj *)pdf_obj_dict_get(cur, key);
	ck_assert_ptr_nonnull(cur);
	ck_assert_int_eq(cur->type, PDF_ARRAY);
	for (; at; at = strchr(at + 1, '@'))
		ck_assert_int_eq(pdf_obj_array_push(cur, pdf_obj_new_ref(nw[at[1] - '1'].num, 0)),
				 E_OK);
	return o;
}

/* The file @p with one more revision holding @n objects @puts; a @dict
 * "+PATH @k" appends the k-th new object to the array PATH of object @num. */
static uint8_t *revise(const uint8_t *p, size_t len, const struct put *puts, size_t n,
		       size_t *outlen)
{
	struct pdf_doc *d = NULL;
	struct pdf_write *w = NULL;
	struct pdf_ref nw[9], ref;
	const struct pdf_obj *old;
	struct pdf_obj *o;
	uint8_t *out = NULL;
	size_t i;

	ck_assert_int_eq(pdf_doc_open(&d, p, len), E_OK);
	ck_assert_int_eq(pdf_write_new(&w, d), E_OK);
	for (i = 0; i < 9; i++)
		ck_assert_int_eq(pdf_write_alloc(w, &nw[i]), E_OK);
	for (i = 0; i < n; i++) {
		if (puts[i].dict[0] == '+') {
			ck_assert_int_eq(pdf_doc_get(d, (uint32_t)puts[i].num, &old), E_OK);
			o = appended(old, puts[i].dict + 1, nw);
			ck_assert_int_eq(
				pdf_write_put(w, (struct pdf_ref){(uint32_t)puts[i].num, 0}, o),
				E_OK);
			continue;
		}
		o = subst_obj(puts[i].dict, nw);
		if (puts[i].data)
			o = pdf_obj_new_stream(o, puts[i].data, strlen(puts[i].data));
		ref = puts[i].num < 0 ? nw[-puts[i].num - 1]
				      : (struct pdf_ref){(uint32_t)puts[i].num, 0};
		if (puts[i].num > 0) {
			ck_assert_int_eq(pdf_doc_get(d, ref.num, &old), E_OK);
			ck_assert_ptr_nonnull(old);
		}
		ck_assert_int_eq(pdf_write_put(w, ref, o), E_OK);
	}
	ck_assert_int_eq(pdf_write_finish(w, &out, outlen), E_OK);
	pdf_write_free(w);
	pdf_doc_free(d);
	return out;
}

/* The form signed (DocMDP @certify, 0 for an approval signature), then
 * revised with @puts; asserts the first signature's coverage @want and,
 * when modified, that the offending object @obj is named. */
static void attack(int certify, const struct put *puts, size_t n, enum pdfverify_coverage want,
		   int obj)
{
	struct pdfverify_report *r;
	struct pdfsig_opts o = {0};
	size_t len, slen, alen;
	uint8_t *in = form_doc(&len), *p, *a;
	char name[32];

	o.certify = certify;
	p = sf_sign_opts(in, len, sf.spec, NULL, &o, &slen);
	a = revise(p, slen, puts, n, &alen);
	r = sf_verify(a, alen, sf.tl);
	ck_assert_uint_ge(r->n, 1);
	ck_assert_msg(r->sig[0].intact, "%s", r->sig[0].integrity);
	ck_assert_int_eq(r->sig[0].certify, certify);
	ck_assert_msg(r->sig[0].coverage == want, "coverage %d, want %d: %s", r->sig[0].coverage,
		      want, r->sig[0].coverage_why);
	if (want == PDFVERIFY_MODIFIED) {
		ck_assert_int_eq(pdfverify_all_valid(r), 0);
		snprintf(name, sizeof(name), "(object %d)", obj);
		ck_assert_msg(strstr(r->sig[0].coverage_why, name), "%s: not %s",
			      r->sig[0].coverage_why, name);
	} else {
		ck_assert_msg(r->sig[0].trusted, "%s", r->sig[0].trust_why);
	}
	pdfverify_report_free(r);
	free(in);
	free(p);
	free(a);
}

#define PAGE3                                                                                  \
	"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 " \
	"R >> >> "
#define ANNOTS3 "/Annots [7 0 R 9 0 R 10 0 R 15 0 R"

/* Shadow hide: the overlay of the signed revision taken away, by the page
 * (0) or by emptying the overlay object (1). */
START_TEST(shadow_hide)
{
	static const struct put drop = {3, PAGE3 "/Contents [4 0 R] " ANNOTS3 "] >>", NULL};
	static const struct put empty = {6, "<< >>", " "};

	if (_i == 0)
		attack(0, &drop, 1, PDFVERIFY_MODIFIED, 3);
	else
		attack(2, &empty, 1, PDFVERIFY_MODIFIED, 6);
}
END_TEST

/* Shadow replace: a filled form value replaced (approval signature, then
 * under P2, where filling is allowed but not replacing a signed value); the
 * font redefined; the page's /Resources pointing at another font. */
START_TEST(shadow_replace)
{
	static const struct put value = {
		7,
		"<< /FT /Tx /T (amount) /V (9.000.000) /Type /Annot /Subtype /Widget /Rect [72 650 "
		"300 670] /P 3 0 R >>",
		NULL};
	static const struct put font = {5, "<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>",
					NULL};
	static const struct put res[] = {
		{-1, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>", NULL},
		{3,
		 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 "
		 "@1 0 R >> >> /Contents [4 0 R 6 0 R] " ANNOTS3 "] >>",
		 NULL}};

	switch (_i) {
	case 0:
		attack(0, &value, 1, PDFVERIFY_MODIFIED, 7);
		break;
	case 1:
		attack(2, &value, 1, PDFVERIFY_MODIFIED, 7);
		break;
	case 2:
		attack(3, &font, 1, PDFVERIFY_MODIFIED, 5);
		break;
	default:
		attack(2, res, 2, PDFVERIFY_MODIFIED, 3);
		break;
	}
}
END_TEST

/* Shadow hide-and-replace: the unused stream 8 of the signed revision made
 * the page's content. */
START_TEST(shadow_hide_and_replace)
{
	static const struct put page = {3, PAGE3 "/Contents 8 0 R " ANNOTS3 "] >>", NULL};

	attack(_i ? 2 : 0, &page, 1, PDFVERIFY_MODIFIED, 3);
}
END_TEST

/* Evil Annotation: under P2, a FreeText, a Stamp or a text field widget
 * added to the page; under P3 (comments allowed) a FreeText or a Stamp. */
START_TEST(evil_annotation)
{
	static const char *const annot[] = {
		"<< /Type /Annot /Subtype /FreeText /Rect [70 690 370 720] /Contents (So tien: "
		"9.000.000 dong) /DA (/Helv 12 Tf 0 g) /C [1 1 1] >>",
		"<< /Type /Annot /Subtype /Stamp /Rect [70 690 370 720] /AP << /N @2 0 R >> >>",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (x) /V (9.000.000) /Rect [70 690 370 "
		"720] /AP << /N @2 0 R >> >>"};
	struct put puts[3] = {{-1, annot[_i % 3], NULL},
			      {-2, "<< /Type /XObject /Subtype /Form /BBox [0 0 300 30] >>",
			       "1 1 1 rg 0 0 300 30 re f"},
			      {3, "+Annots @1", NULL}};

	attack(_i < 3 ? 2 : 3, puts, 3, PDFVERIFY_MODIFIED, 3);
}
END_TEST

/* Sneaky Signature: an unsigned signature field whose appearance draws
 * over the content (0: uncertified, 1: under P2); a field with several
 * widgets (2); two visible signature fields in one revision (3). */
START_TEST(sneaky_signature)
{
	static const char ap[] = "<< /Type /XObject /Subtype /Form /BBox [0 0 300 30] >>";
	static const char draw[] = "1 1 1 rg 0 0 300 30 re f BT /F1 12 Tf 2 10 Td (9.000.000) "
				   "Tj ET";
	struct put one[] = {{-1,
			     "<< /FT /Sig /T (S2) /Type /Annot /Subtype /Widget /Rect [70 690 370 "
			     "720] /P 3 0 R "
			     "/AP << /N @2 0 R >> >>",
			     NULL},
			    {-2, ap, draw},
			    {1, "+AcroForm/Fields @1", NULL},
			    {3, "+Annots @1", NULL}};
	struct put kids[] = {
		{-1, "<< /FT /Sig /T (S2) /Kids [@3 0 R @4 0 R @5 0 R] >>", NULL},
		{-3, "<< /Type /Annot /Subtype /Widget /Parent @1 0 R /Rect [0 0 0 0] /P 3 0 R >>",
		 NULL},
		{-4, "<< /Type /Annot /Subtype /Widget /Parent @1 0 R /Rect [0 0 0 0] /P 3 0 R >>",
		 NULL},
		{-5, "<< /Type /Annot /Subtype /Widget /Parent @1 0 R /Rect [0 0 0 0] /P 3 0 R >>",
		 NULL},
		{1, "+AcroForm/Fields @1", NULL},
		{3, "+Annots @3 @4 @5", NULL}};
	struct put two[] = {
		{-1,
		 "<< /FT /Sig /T (S2) /V @6 0 R /Type /Annot /Subtype /Widget /Rect [70 690 370 "
		 "720] /P 3 0 R /AP << /N @2 0 R >> >>",
		 NULL},
		{-3,
		 "<< /FT /Sig /T (S3) /V @6 0 R /Type /Annot /Subtype /Widget /Rect [70 640 370 "
		 "670] /P 3 0 R /AP << /N @2 0 R >> >>",
		 NULL},
		{-2, ap, draw},
		{-6, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached >>",
		 NULL},
		{1, "+AcroForm/Fields @1 @3", NULL},
		{3, "+Annots @1 @3", NULL}};
	/* the signer takes objects 14 and 15: the new ones start at 16 */
	if (_i < 2)
		attack(_i * 2, one, 4, PDFVERIFY_MODIFIED, 16);
	else if (_i == 2)
		attack(2, kids, 6, PDFVERIFY_MODIFIED, 16);
	else
		attack(2, two, 6, PDFVERIFY_MODIFIED, 18);
}
END_TEST

/* What must stay valid: the empty text field filled under P2 (with its
 * appearance), a Text comment under P3, the empty signature field given a
 * value; and what P1 and an approval signature refuse: the same fill. */
START_TEST(allowed_revisions)
{
	struct put fill[] = {{9,
			      "<< /FT /Tx /T (note) /V (da nhan) /Type /Annot /Subtype /Widget "
			      "/Rect [72 600 300 "
			      "620] /P 3 0 R /AP << /N @1 0 R >> >>",
			      NULL},
			     {-1, "<< /Type /XObject /Subtype /Form /BBox [0 0 228 20] >>",
			      "BT /F1 10 Tf 2 5 Td (da nhan) Tj ET"}};
	struct put note[] = {
		{-1, "<< /Type /Annot /Subtype /Text /Rect [400 700 420 720] /Contents (xem) >>",
		 NULL},
		{3, "+Annots @1", NULL}};
	struct put sign_empty[] = {
		{10,
		 "<< /FT /Sig /T (Empty) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /V "
		 "@1 0 R >>",
		 NULL},
		{-1, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached >>",
		 NULL}};

	switch (_i) {
	case 0:
		attack(2, fill, 2, PDFVERIFY_ALLOWED, 0);
		break;
	case 1:
		attack(3, note, 2, PDFVERIFY_ALLOWED, 0);
		break;
	case 2:
		attack(0, sign_empty, 2, PDFVERIFY_ALLOWED, 0);
		break;
	case 3:
		attack(2, sign_empty, 2, PDFVERIFY_ALLOWED, 0);
		break;
	case 4:
		attack(0, fill, 2, PDFVERIFY_MODIFIED, 9);
		break;
	case 5:
		attack(1, fill, 2, PDFVERIFY_MODIFIED, 9);
		break;
	case 6:
		attack(1, sign_empty, 2, PDFVERIFY_MODIFIED, 10);
		break;
	default:
		attack(2, note, 2, PDFVERIFY_MODIFIED, 3);
		break;
	}
}
END_TEST

/* What a signing application rewrites when it adds a signature, allowed
 * (even case) only in its harmless form, refused (odd case) otherwise: the
 * XMP metadata stream (still XMP / turned into something else), the /Info
 * dates (/ModDate / the /Title), a font added to the AcroForm's /DR (a new
 * one / an existing name pointed at another font), the signed widget's
 * flags (Locked added / Hidden added). */
START_TEST(signer_rewrites)
{
	struct put xmp = {11, "<< /Type /Metadata /Subtype /XML >>", XMP_NEW};
	struct put not_xmp = {11, "<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] >>", "0 g"};
	struct put dates = {12, "<< /Title (Giay de nghi) /Producer (Acrobat) /ModDate (D:2026) >>",
			    NULL};
	struct put title = {12, "<< /Title (Giay khac) /Producer (dinh) /ModDate (D:20261201) >>",
			    NULL};
	struct put dr_add[] = {
		{13, "<< /Font << /Helv 5 0 R /HeBo @1 0 R >> >>", NULL},
		{-1, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>", NULL}};
	struct put dr_swap[] = {{13, "<< /Font << /Helv @1 0 R >> >>", NULL},
				{-1, "<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>", NULL}};
	struct put lock[] = {
		{10,
		 "<< /FT /Sig /T (Empty) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F "
		 "128 /V @1 0 R >>",
		 NULL},
		{-1, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached >>",
		 NULL}};
	struct put hide[] = {
		{10,
		 "<< /FT /Sig /T (Empty) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F "
		 "2 /V @1 0 R >>",
		 NULL},
		{-1, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached >>",
		 NULL}};

	switch (_i) {
	case 0:
		attack(0, &xmp, 1, PDFVERIFY_ALLOWED, 0);
		break;
	case 1:
		attack(0, &not_xmp, 1, PDFVERIFY_MODIFIED, 11);
		break;
	case 2:
		attack(0, &dates, 1, PDFVERIFY_ALLOWED, 0);
		break;
	case 3:
		attack(0, &title, 1, PDFVERIFY_MODIFIED, 12);
		break;
	case 4:
		attack(0, dr_add, 2, PDFVERIFY_ALLOWED, 0);
		break;
	case 5:
		attack(0, dr_swap, 2, PDFVERIFY_MODIFIED, 13);
		break;
	case 6:
		attack(0, lock, 2, PDFVERIFY_ALLOWED, 0);
		break;
	default:
		attack(0, hide, 2, PDFVERIFY_MODIFIED, 10);
		break;
	}
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
	tcase_add_loop_test(tc, shadow_hide, 0, 2);
	tcase_add_loop_test(tc, shadow_replace, 0, 4);
	tcase_add_loop_test(tc, shadow_hide_and_replace, 0, 2);
	tcase_add_loop_test(tc, evil_annotation, 0, 5);
	tcase_add_loop_test(tc, sneaky_signature, 0, 4);
	tcase_add_loop_test(tc, allowed_revisions, 0, 8);
	tcase_add_loop_test(tc, signer_rewrites, 0, 8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
