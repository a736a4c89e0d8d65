/*
 * gen.c: the core of PDF generation: an A4 cairo PDF surface written to
 * memory, a page cursor with page numbers in the top margin (Decree 30: from
 * page 2 on, centred), pango text from escaped markup, and date formatting.
 * The blocks of a document (heading, signer, tables) are in gen_block.c.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "pdf/gen_int.h"

#define A4_W GEN_MM(210.0)
#define A4_H GEN_MM(297.0)

static void fail(struct gen_doc *d, int code, const char *what)
{
	if (d->err == E_OK)
		d->err = err_set(code, "PDF generation: %s", what);
}

/* cairo's write callback: appends to d->data under GEN_PDF_MAX. */
static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct gen_doc *d = closure;

	if (len > GEN_PDF_MAX - d->len) {
		fail(d, E_TOOBIG, "PDF over its size cap");
		return CAIRO_STATUS_WRITE_ERROR;
	}
	if (d->len + len > d->cap) {
		size_t cap = d->cap ? d->cap : 64 * 1024;
		uint8_t *p;

		while (cap < d->len + len)
			cap *= 2;
		if (!(p = realloc(d->data, cap))) {
			fail(d, E_NOMEM, "out of memory");
			return CAIRO_STATUS_NO_MEMORY;
		}
		d->data = p;
		d->cap = cap;
	}
	memcpy(d->data + d->len, data, len);
	d->len += len;
	return CAIRO_STATUS_SUCCESS;
}

int gen_doc_begin(struct gen_doc *d, int landscape, const char *title)
{
	int rc = gen_doc_begin_box(d, landscape ? A4_H : A4_W, landscape ? A4_W : A4_H, title);

	/* Decree 30: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm. */
	d->mt = GEN_MM(20);
	d->mb = GEN_MM(20);
	d->ml = landscape ? GEN_MM(20) : GEN_MM(30);
	d->mr = GEN_MM(15);
	d->y = d->mt;
	return rc;
}

int gen_doc_begin_box(struct gen_doc *d, double w, double h, const char *title)
{
	cairo_font_options_t *fo;

	memset(d, 0, sizeof(*d));
	d->pw = w;
	d->ph = h;
	d->page = 1;
	d->surf = cairo_pdf_surface_create_for_stream(mem_write, d, d->pw, d->ph);
	d->cr = cairo_create(d->surf);
	if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) {
		fail(d, E_NOMEM, "cannot create the surface");
		return d->err;
	}
	cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATOR, "dinh");
	d->pctx = pango_cairo_create_context(d->cr);
	/* Points as units, and metrics not rounded to a screen's pixels. */
	pango_cairo_context_set_resolution(d->pctx, 72.0);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(d->pctx, fo);
	cairo_font_options_destroy(fo);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	return E_OK;
}

void gen_doc_date(struct gen_doc *d, const char *date)
{
	char iso[32];

	if (!date || strlen(date) != 10 || !d->surf)
		return;
	snprintf(iso, sizeof(iso), "%sT00:00:00", date);
	cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATE_DATE, iso);
}

int gen_doc_end(struct gen_doc *d, uint8_t **out, size_t *len)
{
	int rc;

	*out = NULL;
	*len = 0;
	if (d->pctx)
		g_object_unref(d->pctx);
	if (d->cr) {
		if (d->err == E_OK && cairo_status(d->cr) != CAIRO_STATUS_SUCCESS)
			fail(d, E_INTERNAL, cairo_status_to_string(cairo_status(d->cr)));
		cairo_destroy(d->cr);
	}
	if (d->surf) {
		cairo_surface_finish(d->surf);
		if (d->err == E_OK && cairo_surface_status(d->surf) != CAIRO_STATUS_SUCCESS)
			fail(d, E_INTERNAL, cairo_status_to_string(cairo_surface_status(d->surf)));
		cairo_surface_destroy(d->surf);
	}
	rc = d->err;
	if (rc == E_OK) {
		*out = d->data;
		*len = d->len;
	} else {
		free(d->data);
	}
	memset(d, 0, sizeof(*d));
	return rc;
}

int gen_doc_abort(struct gen_doc *d, int rc)
{
	uint8_t *junk;
	size_t n;

	if (d->err == E_OK)
		d->err = rc;
	rc = gen_doc_end(d, &junk, &n);
	return rc;
}

int gen_check(const char *s, const char *what, int required)
{
	size_t n;

	if (!s)
		return required ? err_set(E_INVAL, "%s is required", what) : E_OK;
	n = strlen(s);
	if (required && n == 0)
		return err_set(E_INVAL, "%s is empty", what);
	if (n > GEN_TEXT_MAX)
		return err_set(E_TOOBIG, "%s over %d bytes", what, GEN_TEXT_MAX);
	if (!g_utf8_validate(s, (gssize)n, NULL))
		return err_set(E_INVAL, "%s is not UTF-8", what);
	return E_OK;
}

int gen_check_list(const struct gen_list *l, const char *what)
{
	int rc = E_OK;

	if (l->n > GEN_LIST_MAX)
		return err_set(E_TOOBIG, "%s: more than %d entries", what, GEN_LIST_MAX);
	for (size_t i = 0; i < l->n && rc == E_OK; i++)
		rc = gen_check(l->items[i], what, 1);
	return rc;
}

/* A layout of @markup @w wide in the document's font at @st->size. */
static PangoLayout *layout_new(struct gen_doc *d, double w, const struct gen_style *st,
			       const char *markup)
{
	static const PangoAlignment al[] = {PANGO_ALIGN_LEFT, PANGO_ALIGN_CENTER, PANGO_ALIGN_RIGHT,
					    PANGO_ALIGN_LEFT};
	PangoLayout *l = pango_layout_new(d->pctx);
	PangoFontDescription *fd = pango_font_description_new();
	PangoAttrList *attrs = NULL;
	char *text = NULL;

	pango_font_description_set_family(fd, GEN_FONT);
	pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, al[st->align]);
	pango_layout_set_justify(l, st->align == GEN_JUSTIFY);
	pango_layout_set_indent(l, (int)(st->indent * PANGO_SCALE));
	pango_layout_set_line_spacing(l, 1.1f);
	/* Parsed here rather than by set_markup, so a failure is ours to report. */
	if (!markup || !pango_parse_markup(markup, -1, 0, &attrs, &text, NULL, NULL)) {
		fail(d, E_INTERNAL, "markup does not parse");
		return l;
	}
	pango_layout_set_text(l, text, -1);
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	g_free(text);
	return l;
}

double gen_put(struct gen_doc *d, double x, double y, double w, const struct gen_style *st,
	       const char *fmt, ...)
{
	PangoLayout *l;
	va_list ap;
	char *m;
	int h;

	va_start(ap, fmt);
	m = g_markup_vprintf_escaped(fmt, ap);
	va_end(ap);
	l = layout_new(d, w, st, m);
	g_free(m);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
	pango_layout_get_size(l, NULL, &h);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

double gen_measure(struct gen_doc *d, double w, const struct gen_style *st, double *lw,
		   const char *fmt, ...)
{
	PangoLayout *l;
	PangoRectangle r;
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = g_markup_vprintf_escaped(fmt, ap);
	va_end(ap);
	l = layout_new(d, w, st, m);
	g_free(m);
	pango_layout_get_extents(l, NULL, &r);
	g_object_unref(l);
	if (lw)
		*lw = (double)r.width / PANGO_SCALE;
	return (double)r.height / PANGO_SCALE;
}

void gen_flow(struct gen_doc *d, double x, double w, const struct gen_style *st, const char *fmt,
	      ...)
{
	PangoLayoutIter *it;
	PangoLayout *l;
	double top = 0, end = 0; /* layout y at the top of this page, and the bottom */
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = g_markup_vprintf_escaped(fmt, ap);
	va_end(ap);
	l = layout_new(d, w, st, m);
	g_free(m);
	it = pango_layout_get_iter(l);
	do {
		PangoRectangle r;
		double ly, lh;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		ly = (double)r.y / PANGO_SCALE;
		lh = (double)r.height / PANGO_SCALE;
		if (d->y + (ly - top) + lh > GEN_BOTTOM(d) && ly > top) {
			gen_page_break(d);
			top = ly;
		} else if (d->y + lh > GEN_BOTTOM(d) && ly == top && d->y > d->mt) {
			gen_page_break(d);
		}
		cairo_move_to(d->cr, x + (double)r.x / PANGO_SCALE,
			      d->y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE -
				      top);
		pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
		end = ly + lh;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
	d->y += end - top + st->after;
}

void gen_rule(struct gen_doc *d, double cx, double y, double len)
{
	cairo_set_line_width(d->cr, 0.6);
	cairo_move_to(d->cr, cx - len / 2, y);
	cairo_line_to(d->cr, cx + len / 2, y);
	cairo_stroke(d->cr);
}

void gen_need(struct gen_doc *d, double h)
{
	if (d->y + h > GEN_BOTTOM(d) && d->y > d->mt)
		gen_page_break(d);
}

void gen_page_break(struct gen_doc *d)
{
	static const struct gen_style num = {GEN_SIZE_BODY, GEN_CENTER, 0, 0};

	cairo_show_page(d->cr);
	d->page++;
	gen_put(d, GEN_X(d), GEN_MM(9), GEN_W(d), &num, "%d", d->page);
	d->y = d->mt;
	if (d->on_page)
		d->on_page(d, d->on_page_arg);
}

/* Splits "YYYY-MM-DD[ HH:MM]" into numbers; 0 if @iso is not that. */
static int parse_iso(const char *iso, int *y, int *mo, int *da, int *h, int *mi)
{
	int n = 0;

	*h = *mi = -1;
	if (!iso || sscanf(iso, "%4d-%2d-%2d%n", y, mo, da, &n) != 3 || *mo < 1 || *mo > 12 ||
	    *da < 1 || *da > 31)
		return 0;
	if ((iso[n] == ' ' || iso[n] == 'T') && sscanf(iso + n + 1, "%2d:%2d", h, mi) == 2 &&
	    *h >= 0 && *h < 24 && *mi >= 0 && *mi < 60)
		return 2;
	*h = *mi = -1;
	return 1;
}

void gen_fmt_date(char *out, size_t size, const char *iso)
{
	int y, mo, da, h, mi;

	if (!iso)
		snprintf(out, size, "ngày     tháng     năm     ");
	else if (parse_iso(iso, &y, &mo, &da, &h, &mi))
		snprintf(out, size, "ngày %02d tháng %02d năm %04d", da, mo, y);
	else
		snprintf(out, size, "%s", iso);
}

void gen_fmt_time(char *out, size_t size, const char *iso)
{
	int y, mo, da, h, mi;

	if (parse_iso(iso, &y, &mo, &da, &h, &mi) == 2)
		snprintf(out, size, "%02d giờ %02d phút, ngày %02d tháng %02d năm %04d", h, mi, da,
			 mo, y);
	else
		gen_fmt_date(out, size, iso);
}

void gen_fmt_dmy(char *out, size_t size, const char *iso)
{
	int y, mo, da, h, mi, k = iso ? parse_iso(iso, &y, &mo, &da, &h, &mi) : 0;

	if (k == 2)
		snprintf(out, size, "%02d:%02d %02d/%02d/%04d", h, mi, da, mo, y);
	else if (k == 1)
		snprintf(out, size, "%02d/%02d/%04d", da, mo, y);
	else
		snprintf(out, size, "%s", iso ? iso : "");
}

void gen_release_caches(void)
{
	/* Neither cairo_debug_reset_static_data() nor FcFini(): they assert when
	 * pango (whose fontconfig set-up runs in a thread of its own) still holds a
	 * scaled font or a cache; what fontconfig keeps is suppressed for leak
	 * checkers in tests/testutil.c and tests/valgrind.supp. */
	pango_cairo_font_map_set_default(NULL);
}
