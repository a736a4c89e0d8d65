/*
 * test_pdfsig_ap.c: visible signature appearances (signing/pdfsig_ap.c,
 * pdf/gen_sigapp.c, pdf/pdf_import.c): the leader's blue signature, the
 * clerk's red seal over its left third as a second signature, the stamp of
 * an electronic copy at the top right of page 1; read back by rendering
 * the page with poppler and counting coloured pixels where Decree 30 puts
 * them, by the text poppler extracts, by qpdf, pdfsig and our verifier.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "pdf/gen_sigapp.h"
#include "pdf/pdf.h"
#include "signing/pdfsig.h"
#include "tests/signing/sigfix.h"
#include "tests/testutil.h"

#define A4_W 595.0
#define A4_H 842.0
#define SCALE 2.0 /* pixels per point of the renderings */
#define AGENCY "UBND xã Mẫu Sơn"
#define TITLE "Chủ tịch"

struct mem {
	struct buf b;
	size_t off;
};

static cairo_status_t mem_w(void *c, const unsigned char *d, unsigned int n)
{
	return buf_append(&((struct mem *)c)->b, d, n) == E_OK ? CAIRO_STATUS_SUCCESS
							       : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t mem_r(void *c, unsigned char *d, unsigned int n)
{
	struct mem *m = c;

	if (n > m->b.len - m->off)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(d, m->b.data + m->off, n);
	m->off += n;
	return CAIRO_STATUS_SUCCESS;
}

/* An A4 document of @pages pages with a line of text each. */
static uint8_t *a4_pdf(int pages, size_t *len)
{
	struct mem m = {{0}, 0};
	cairo_surface_t *s;
	cairo_t *cr;
	int i;

	buf_init(&m.b, 1u << 20);
	s = cairo_pdf_surface_create_for_stream(mem_w, &m, A4_W, A4_H);
	cr = cairo_create(s);
	for (i = 0; i < pages; i++) {
		cairo_move_to(cr, 85, 100);
		cairo_show_text(cr, "Quyet dinh");
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	*len = m.b.len;
	return m.b.data;
}

/* A handwritten-like blue signature on transparent, as PNG. */
static uint8_t *blue_png(size_t *len)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 500, 200);
	cairo_t *cr = cairo_create(s);
	struct mem m = {{0}, 0};

	buf_init(&m.b, 1u << 20);
	cairo_set_source_rgb(cr, 0.1, 0.2, 0.8);
	cairo_set_line_width(cr, 9);
	cairo_move_to(cr, 20, 150);
	cairo_curve_to(cr, 120, 0, 200, 200, 260, 60);
	cairo_curve_to(cr, 320, -20, 380, 220, 480, 40);
	cairo_stroke(cr);
	cairo_surface_write_to_png_stream(s, mem_w, &m);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	*len = m.b.len;
	return m.b.data;
}

static uint8_t *sign(const uint8_t *in, size_t len, const char *spec, const char *pw,
		     const struct pdfsig_appearance *ap, size_t *outlen)
{
	struct pdfsig_opts o = {0, 0, NULL, ap, 0};
	struct sigkey *k = NULL;
	uint8_t *out = NULL;
	int rc;

	ck_assert_int_eq(sigkey_open(&k, spec, pw), E_OK);
	rc = pdfsig_sign(&out, outlen, in, len, k, &o);
	ck_assert_msg(rc == E_OK, "sign: %s", err_detail());
	sigkey_free(k);
	return out;
}

/* Page @page rendered at SCALE as an image surface. */
static cairo_surface_t *render(const uint8_t *p, size_t len, unsigned page)
{
	struct mem m = {{0}, 0};
	cairo_surface_t *s;

	buf_init(&m.b, 64u << 20);
	ck_assert_int_eq(pdf_render_png(p, len, page, (unsigned)(A4_W * SCALE), &m.b), E_OK);
	s = cairo_image_surface_create_from_png_stream(mem_r, &m);
	ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	buf_free(&m.b);
	return s;
}

enum hue { BLUE, RED, DARK };

/* Pixels of @hue in the box x, y, w, h (points, PDF's y up). */
static int count(cairo_surface_t *s, const double b[4], enum hue hue)
{
	int stride = cairo_image_surface_get_stride(s), n = 0, x, y;
	const uint8_t *d = cairo_image_surface_get_data(s);
	int x0 = (int)(b[0] * SCALE), x1 = (int)((b[0] + b[2]) * SCALE);
	int y0 = (int)((A4_H - b[1] - b[3]) * SCALE), y1 = (int)((A4_H - b[1]) * SCALE);

	cairo_surface_flush(s);
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			const uint8_t *px = d + y * stride + 4 * x; /* B G R A */
			int bl = px[0], g = px[1], r = px[2];

			if ((hue == BLUE && bl > 150 && r < 110 && g < 130) ||
			    (hue == RED && r > 150 && bl < 110 && g < 110) ||
			    (hue == DARK && r < 90 && g < 90 && bl < 90))
				n++;
		}
	return n;
}

/* What pdftotext gets back (it reads annotation appearances too). */
static char *text_of(const uint8_t *p, size_t len)
{
	char cmd[512], *t = calloc(1, 1u << 16);
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "pdftotext %s - 2>&1", sf_write("text.pdf", p, len));
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(t);
	n = fread(t, 1, (1u << 16) - 1, f);
	t[n] = 0;
	pclose(f);
	return t;
}

static void tools_accept(const uint8_t *p, size_t len, int nsig)
{
	const char *f = sf_write("visible.pdf", p, len);
	char cmd[2048], want[8];

	snprintf(cmd, sizeof(cmd), "qpdf --check %s 2>&1 | grep -c 'No syntax or stream'", f);
	ck_assert_str_eq(tu_first_line(cmd), "1");
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s/nss && mkdir %s/nss && certutil -N -d sql:%s/nss --empty-password && "
		 "certutil -A -d sql:%s/nss -n commune -t CT,C,C -i %s && "
		 "pdfsig -nssdir sql:%s/nss %s 2>&1 | grep -c 'Signature is Valid'",
		 sf.dir, sf.dir, sf.dir, sf.dir, sf.ca_pem, sf.dir, f);
	snprintf(want, sizeof(want), "%d", nsig);
	ck_assert_str_eq(tu_first_line(cmd), want);
}

/* The leader signs with a blue image, the clerk adds the seal over it. */
START_TEST(signer_then_seal)
{
	struct pdfsig_appearance lead = {PDFSIG_SIGNER, 0,     1,    {0}, NULL, 0,
					 SF_SIGNER,     TITLE, NULL, NULL};
	struct pdfsig_appearance seal = {PDFSIG_SEAL, 0, 0, {0}, NULL, 0, NULL, NULL, AGENCY, NULL};
	size_t len, plen, l1, l2;
	uint8_t *in = a4_pdf(2, &len), *png = blue_png(&plen), *s1, *s2;
	double ib[4], left[4], right[4];
	struct pdfverify_report *r;
	cairo_surface_t *img;
	char *t;

	lead.rect[0] = 320, lead.rect[1] = 120, lead.rect[2] = 212, lead.rect[3] = 119;
	lead.image = png, lead.image_len = plen;
	s1 = sign(in, len, sf.spec, NULL, &lead, &l1);
	s2 = sign(s1, l1, sf.p12, SF_PASSWORD, &seal, &l2);
	gen_sigapp_image_box(212, 119, ib);
	left[0] = 320 + ib[0], left[1] = 120 + ib[1], left[2] = ib[2] / 3, left[3] = ib[3];
	memcpy(right, left, sizeof(left));
	right[0] += ib[2] / 3 + 4, right[2] = ib[2] * 2 / 3 - 4;
	img = render(s1, l1, 2);
	ck_assert_int_gt(count(img, right, BLUE), 200);
	ck_assert_int_eq(count(img, left, RED), 0);
	cairo_surface_destroy(img);
	img = render(s2, l2, 2);
	ck_assert_int_gt(count(img, left, RED), 300);
	ck_assert_int_gt(count(img, right, BLUE), 200);
	ck_assert_int_lt(count(img, right, RED), count(img, left, RED) / 4);
	cairo_surface_destroy(img);
	t = text_of(s2, l2);
	ck_assert_msg(strstr(t, SF_SIGNER) && strstr(t, TITLE) && strstr(t, AGENCY) &&
			      strstr(t, "+07:00"),
		      "text: %s", t);
	free(t);
	r = sf_verify(s2, l2, sf.tl);
	ck_assert_uint_eq(r->n, 2);
	ck_assert_msg(r->sig[0].intact && r->sig[0].coverage == PDFVERIFY_ALLOWED, "%s",
		      r->sig[0].coverage_why);
	ck_assert_int_eq(r->sig[1].coverage, PDFVERIFY_WHOLE);
	ck_assert_int_eq(pdfverify_all_valid(r), 1);
	pdfverify_report_free(r);
	tools_accept(s2, l2, 2);
	free(in), free(png), free(s1), free(s2);
}
END_TEST

/* Without images: the name in blue as a fallback, a drawn red seal. */
START_TEST(drawn_fallbacks)
{
	struct pdfsig_appearance lead = {PDFSIG_SIGNER, 0,     0,    {0}, NULL, 0,
					 NULL,          TITLE, NULL, NULL};
	struct pdfsig_appearance seal = {PDFSIG_SEAL, 0, 0, {0}, NULL, 0, NULL, NULL, AGENCY, NULL};
	size_t len, l1, l2;
	uint8_t *in = a4_pdf(1, &len), *s1, *s2;
	double block[4] = {595 - 42.5 - 212.6, 56.7, 212.6, 119};
	cairo_surface_t *img;
	char *t;

	s1 = sign(in, len, sf.spec, NULL, &lead, &l1);
	s2 = sign(s1, l1, sf.spec, NULL, &seal, &l2);
	img = render(s2, l2, 1);
	ck_assert_int_gt(count(img, block, BLUE), 200);
	ck_assert_int_gt(count(img, block, RED), 300);
	cairo_surface_destroy(img);
	t = text_of(s2, l2);
	ck_assert_msg(strstr(t, SF_SIGNER) && strstr(t, AGENCY), "text: %s", t);
	free(t);
	free(in), free(s1), free(s2);
}
END_TEST

/* An electronic copy: the text stamp at the top right of page 1. */
START_TEST(copy_stamp)
{
	struct pdfsig_appearance cp = {PDFSIG_COPY, 0,    0,    {0},    NULL,
				       0,           NULL, NULL, AGENCY, "SAO LỤC"};
	double tr[4] = {595 - 42.5 - 204, 842 - 11.3 - 42.5, 204, 42.5};
	double tl[4] = {0, 842 - 56, 250, 56};
	size_t len, l1;
	uint8_t *in = a4_pdf(2, &len), *s1;
	struct pdfverify_report *r;
	cairo_surface_t *img;
	char *t;

	s1 = sign(in, len, sf.spec, NULL, &cp, &l1);
	img = render(s1, l1, 1);
	ck_assert_int_gt(count(img, tr, DARK), 100);
	ck_assert_int_eq(count(img, tl, DARK), 0);
	ck_assert_int_eq(count(img, tr, RED) + count(img, tr, BLUE), 0);
	cairo_surface_destroy(img);
	t = text_of(s1, l1);
	ck_assert_msg(strncmp(t, "SAO LỤC\n" AGENCY "\n", strlen("SAO LỤC\n" AGENCY "\n")) == 0,
		      "text: %s", t);
	free(t);
	r = sf_verify(s1, l1, sf.tl);
	ck_assert_int_eq(pdfverify_all_valid(r), 1);
	pdfverify_report_free(r);
	tools_accept(s1, l1, 1);
	free(in), free(s1);
}
END_TEST

START_TEST(refusals)
{
	struct pdfsig_appearance ap = {
		PDFSIG_SIGNER, 0,    0,    {0}, (const uint8_t *)"GIF89a....", 10,
		NULL,          NULL, NULL, NULL};
	struct pdfsig_opts o = {0, 0, NULL, &ap, 0};
	struct sigkey *k = NULL;
	uint8_t *in, *out = NULL;
	size_t len, olen;

	in = a4_pdf(1, &len);
	ck_assert_int_eq(sigkey_open(&k, sf.spec, NULL), E_OK);
	ck_assert_int_eq(pdfsig_sign(&out, &olen, in, len, k, &o), E_INVAL);
	ck_assert_ptr_null(out);
	ap.image = NULL;
	ap.page = 3;
	ck_assert_int_eq(pdfsig_sign(&out, &olen, in, len, k, &o), E_INVAL);
	ap.page = 0;
	ap.has_rect = 1, ap.rect[0] = 500, ap.rect[2] = 300, ap.rect[3] = 50;
	ck_assert_int_eq(pdfsig_sign(&out, &olen, in, len, k, &o), E_INVAL);
	ap.has_rect = 0;
	ap.name = "\xff\xfe";
	ck_assert_int_eq(pdfsig_sign(&out, &olen, in, len, k, &o), E_INVAL);
	sigkey_free(k);
	free(in);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pdfsig_ap");
	TCase *tc = tcase_create("appearance");

	tcase_add_checked_fixture(tc, sf_setup, sf_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, signer_then_seal);
	tcase_add_test(tc, drawn_fallbacks);
	tcase_add_test(tc, copy_stamp);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
