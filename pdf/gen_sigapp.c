/*
 * gen_sigapp.c: draws the visible appearances of signatures (the signer's
 * signature, the agency's seal-signature, the stamp of an electronic copy)
 * as one-page PDFs the size of their boxes; see gen_sigapp.h.
 */
#include "config.h"

#include <math.h> /* M_PI */
#include <string.h>

#include "common/err.h"
#include "pdf/gen_int.h"
#include "pdf/gen_sigapp.h"

#define SIGNER_TOP GEN_MM(12)   /* the title's zone */
#define SIGNER_BOTTOM GEN_MM(8) /* the name's zone */
#define SEAL_PAD GEN_MM(0.5)
#define FALLBACK_FONT GEN_FONT

static const double blue[3] = {0.05, 0.20, 0.72};
static const double red[3] = {0.86, 0.08, 0.12};

void gen_sigapp_size(enum gen_sigapp_kind kind, double *w, double *h)
{
	static const double mm[3][2] = {{75, 42}, {48, 46}, {72, 15}};

	*w = GEN_MM(mm[kind][0]);
	*h = GEN_MM(mm[kind][1]);
}

void gen_sigapp_image_box(double w, double h, double box[4])
{
	double bh = h - SIGNER_TOP - SIGNER_BOTTOM, bw;

	if (bh < h / 3)
		bh = h / 3;
	bw = w * 0.72 < 2.4 * bh ? w * 0.72 : 2.4 * bh;
	box[0] = (w - bw) / 2;
	box[1] = h - SIGNER_TOP - bh;
	if (box[1] < 0)
		box[1] = 0;
	box[2] = bw;
	box[3] = bh;
}

struct png_src {
	const uint8_t *p;
	size_t len, off;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int len)
{
	struct png_src *s = closure;

	if (len > s->len - s->off)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->p + s->off, len);
	s->off += len;
	return CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The PNG @p as a cairo surface; its size is checked from IHDR before it
 * is decoded. */
static int png_load(cairo_surface_t **out, const uint8_t *p, size_t len, const char *what)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	struct png_src s = {p, len, 0};
	cairo_surface_t *img;

	*out = NULL;
	if (len > GEN_SIGAPP_PNG_MAX)
		return err_set(E_TOOBIG, "%s: PNG over %u bytes", what, GEN_SIGAPP_PNG_MAX);
	if (len < 24 || memcmp(p, sig, 8) != 0 || memcmp(p + 12, "IHDR", 4) != 0)
		return err_set(E_INVAL, "%s: not a PNG image", what);
	if (be32(p + 16) > GEN_SIGAPP_PNG_SIDE_MAX || be32(p + 20) > GEN_SIGAPP_PNG_SIDE_MAX)
		return err_set(E_TOOBIG, "%s: PNG over %d pixels a side", what,
			       GEN_SIGAPP_PNG_SIDE_MAX);
	img = cairo_image_surface_create_from_png_stream(png_read, &s);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return err_set(E_INVAL, "%s: PNG cannot be read", what);
	}
	*out = img;
	return E_OK;
}

/* Paints @img scaled to fit @bw x @bh centred at (@cx, @cy). */
static void paint_fit(cairo_t *cr, cairo_surface_t *img, double cx, double cy, double bw, double bh)
{
	double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
	double s = bw / iw < bh / ih ? bw / iw : bh / ih;

	if (iw < 1 || ih < 1)
		return;
	cairo_save(cr);
	cairo_translate(cr, cx - iw * s / 2, cy - ih * s / 2);
	cairo_scale(cr, s, s);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BEST);
	cairo_paint(cr);
	cairo_restore(cr);
}

/* A plain-text layout of @text in @family at @size, @italic/@bold. */
static PangoLayout *plain_layout(struct gen_doc *d, const char *text, const char *family,
				 double size, int italic, int bold)
{
	PangoLayout *l = pango_layout_new(d->pctx);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_style(fd, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	return l;
}

/* No image: the name in blue italic outlines over a flourish, fitted to
 * the image box. */
static void draw_fallback(struct gen_doc *d, const char *name, const double b[4])
{
	double size = 28, tw, th, x, y;
	PangoRectangle r;
	PangoLayout *l;

	for (;;) {
		l = plain_layout(d, name, FALLBACK_FONT, size, 1, 0);
		pango_layout_get_extents(l, NULL, &r);
		tw = (double)r.width / PANGO_SCALE;
		th = (double)r.height / PANGO_SCALE;
		if ((tw <= b[2] * 0.92 && th <= b[3] * 0.8) || size <= 8)
			break;
		g_object_unref(l);
		size *= 0.9;
	}
	x = b[0] + (b[2] - tw) / 2;
	y = b[1] + (b[3] - th) / 2 - b[3] * 0.08;
	cairo_set_source_rgb(d->cr, blue[0], blue[1], blue[2]);
	cairo_move_to(d->cr, x, y);
	pango_cairo_layout_path(d->cr, l);
	cairo_fill(d->cr);
	g_object_unref(l);
	cairo_set_line_width(d->cr, size / 22);
	cairo_move_to(d->cr, x - size * 0.2, y + th * 1.02);
	cairo_curve_to(d->cr, x + tw * 0.3, y + th * 0.82, x + tw * 0.7, y + th * 1.22,
		       x + tw + size * 0.3, y + th * 0.9);
	cairo_stroke(d->cr);
}

static void draw_signer(struct gen_doc *d, const struct gen_sigapp *a, cairo_surface_t *img)
{
	static const struct gen_style bold = {13.0, GEN_CENTER, 0, 0};
	double b[4];

	gen_sigapp_image_box(a->w, a->h, b);
	b[1] = a->h - b[1] - b[3]; /* cairo's y runs down */
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	if (a->title && *a->title)
		gen_put(d, 0, GEN_MM(1), a->w, &bold, "<b>%s</b>", a->title);
	gen_put(d, 0, a->h - SIGNER_BOTTOM + GEN_MM(1.5), a->w, &bold, "<b>%s</b>", a->name);
	if (img)
		paint_fit(d->cr, img, b[0] + b[2] / 2, b[1] + b[3] / 2, b[2], b[3]);
	else
		draw_fallback(d, a->name, b);
}

/* The advance of each character of @text at @size (at most @n), summed. */
static double arc_measure(struct gen_doc *d, const char *text, double size, double *adv, size_t n,
			  size_t *count)
{
	double total = 0;
	const char *p;
	char ch[8];
	size_t i = 0;

	for (p = text; *p && i < n; p = g_utf8_next_char(p), i++) {
		PangoLayout *l;
		PangoRectangle r;
		int len = g_unichar_to_utf8(g_utf8_get_char(p), ch);

		ch[len] = 0;
		l = plain_layout(d, ch, "DejaVu Sans", size, 0, 1);
		pango_layout_get_extents(l, NULL, &r);
		adv[i] = (double)r.width / PANGO_SCALE;
		total += adv[i];
		g_object_unref(l);
	}
	*count = i;
	return total;
}

#define ARC_CHARS 160
#define ARC_SPAN (1.45 * M_PI) /* of the circle the text aims to cover */

/* @text along the circle of radius @rt round (@cx, @cy), centred at the
 * top, upright outwards, as outlines: sized (5 to 9 pt) and spaced to
 * cover about ARC_SPAN. */
static void arc_text(struct gen_doc *d, const char *text, double cx, double cy, double rt)
{
	double adv[ARC_CHARS], size = 9, total, gap = 0, acc = 0, th;
	const char *p;
	char ch[8];
	size_t n, i;

	total = arc_measure(d, text, size, adv, ARC_CHARS, &n);
	if (total > ARC_SPAN * rt * 0.9) {
		size = size * ARC_SPAN * rt * 0.9 / total < 5 ? 5
							      : size * ARC_SPAN * rt * 0.9 / total;
		total = arc_measure(d, text, size, adv, ARC_CHARS, &n);
	}
	if (n > 1 && total < ARC_SPAN * rt)
		gap = (ARC_SPAN * rt - total) / (double)(n - 1);
	if (gap > size * 0.9)
		gap = size * 0.9;
	total += gap * (double)(n ? n - 1 : 0);
	for (p = text, i = 0; i < n; p = g_utf8_next_char(p), i++) {
		PangoLayout *l;
		int len = g_unichar_to_utf8(g_utf8_get_char(p), ch);

		ch[len] = 0;
		l = plain_layout(d, ch, "DejaVu Sans", size, 0, 1);
		th = (acc + adv[i] / 2 - total / 2) / rt; /* from the top, clockwise */
		cairo_save(d->cr);
		cairo_translate(d->cr, cx, cy);
		cairo_rotate(d->cr, th);
		cairo_move_to(d->cr, -adv[i] / 2,
			      -rt - (double)pango_layout_get_baseline(l) / PANGO_SCALE);
		pango_cairo_layout_path(d->cr, l);
		cairo_restore(d->cr);
		g_object_unref(l);
		acc += adv[i] + gap;
	}
	cairo_fill(d->cr);
}

/* A five-pointed star of radius @r, one point up (rotating, not sin/cos). */
static void star(cairo_t *cr, double cx, double cy, double r)
{
	int i;

	cairo_save(cr);
	cairo_translate(cr, cx, cy);
	cairo_move_to(cr, 0, -r);
	for (i = 1; i < 10; i++) {
		cairo_rotate(cr, M_PI / 5);
		cairo_line_to(cr, 0, i % 2 ? -r * 0.382 : -r);
	}
	cairo_close_path(cr);
	cairo_restore(cr);
	cairo_fill(cr);
}

/* The generated seal: two rings, the agency in capitals between them, a
 * star in the middle. */
static void draw_seal_ring(struct gen_doc *d, const char *agency, double cx, double cy)
{
	double r = GEN_SIGAPP_SEAL_D / 2;
	char *up = g_utf8_strup(agency, -1);

	cairo_set_source_rgb(d->cr, red[0], red[1], red[2]);
	cairo_set_line_width(d->cr, GEN_MM(1.0));
	cairo_arc(d->cr, cx, cy, r - GEN_MM(0.6), 0, 2 * M_PI);
	cairo_stroke(d->cr);
	cairo_set_line_width(d->cr, GEN_MM(0.35));
	cairo_arc(d->cr, cx, cy, r - GEN_MM(6.2), 0, 2 * M_PI);
	cairo_stroke(d->cr);
	arc_text(d, up, cx, cy, r - GEN_MM(4.4));
	star(d->cr, cx, cy, GEN_MM(5.5));
	g_free(up);
}

static void draw_seal(struct gen_doc *d, const struct gen_sigapp *a, cairo_surface_t *img)
{
	static const struct gen_style small = {7.5, GEN_CENTER, 0, 0};
	double cx = a->w / 2, cy = SEAL_PAD + GEN_SIGAPP_SEAL_D / 2;

	if (img)
		paint_fit(d->cr, img, cx, cy, GEN_SIGAPP_SEAL_D, GEN_SIGAPP_SEAL_D);
	else
		draw_seal_ring(d, a->agency, cx, cy);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	gen_put(d, 0, cy + GEN_SIGAPP_SEAL_D / 2 + GEN_MM(0.8), a->w, &small, "%s\n%s", a->agency,
		a->time);
}

static void draw_copy(struct gen_doc *d, const struct gen_sigapp *a)
{
	static const struct gen_style ten = {10.0, GEN_LEFT, 0, 0};

	cairo_set_source_rgb(d->cr, 0, 0, 0);
	gen_put(d, GEN_MM(1), GEN_MM(0.5), a->w - GEN_MM(2), &ten, "%s\n%s\n%s", a->copy_kind,
		a->agency, a->time);
}

static int check(const struct gen_sigapp *a)
{
	int k = a->kind, rc;

	if (k != GEN_SIGAPP_SIGNER && k != GEN_SIGAPP_SEAL && k != GEN_SIGAPP_COPY)
		return err_set(E_INVAL, "unknown appearance %d", k);
	rc = gen_check(a->name, "signer's name", k == GEN_SIGAPP_SIGNER);
	if (rc == E_OK)
		rc = gen_check(a->title, "signer's title", 0);
	if (rc == E_OK)
		rc = gen_check(a->agency, "agency", k != GEN_SIGAPP_SIGNER);
	if (rc == E_OK)
		rc = gen_check(a->copy_kind, "copy form", k == GEN_SIGAPP_COPY);
	if (rc == E_OK)
		rc = gen_check(a->time, "signing time", k != GEN_SIGAPP_SIGNER);
	if (rc == E_OK && (!(a->w > 0) || !(a->h > 0) || a->w > 14400 || a->h > 14400))
		rc = err_set(E_INVAL, "appearance box %gx%g", a->w, a->h);
	return rc;
}

int gen_sigapp_pdf(uint8_t **out, size_t *len, const struct gen_sigapp *in)
{
	struct gen_sigapp a = *in;
	cairo_surface_t *img = NULL;
	struct gen_doc d;
	int rc;

	*out = NULL;
	*len = 0;
	if (a.w <= 0 && a.h <= 0)
		gen_sigapp_size(a.kind < 3 ? a.kind : 0, &a.w, &a.h);
	rc = check(&a);
	if (rc == E_OK && a.image && a.kind != GEN_SIGAPP_COPY)
		rc = png_load(&img, a.image, a.image_len,
			      a.kind == GEN_SIGAPP_SEAL ? "seal image" : "signature image");
	if (rc < 0)
		return rc;
	rc = gen_doc_begin_box(&d, a.w, a.h, "appearance");
	if (rc < 0) {
		cairo_surface_destroy(img);
		return gen_doc_abort(&d, rc);
	}
	if (a.kind == GEN_SIGAPP_SIGNER)
		draw_signer(&d, &a, img);
	else if (a.kind == GEN_SIGAPP_SEAL)
		draw_seal(&d, &a, img);
	else
		draw_copy(&d, &a);
	cairo_surface_destroy(img);
	return gen_doc_end(&d, out, len);
}
