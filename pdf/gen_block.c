/*
 * gen_block.c: the blocks Decree 30/2020 Appendix I gives every document:
 * the two-column heading (issuer and number left; national heading, motto
 * and place-date right, each with its rule), the centred title and summary,
 * the signer block, "Nơi nhận", and bordered tables for the registers,
 * the agenda and the control slip.
 */
#include "config.h"

#include <assert.h>

#include "pdf/gen_int.h"

#define HEAD_LEFT 0.42 /* share of the text width for the issuer column */
#define CELL_PAD 3.0

void gen_heading(struct gen_doc *d, const struct gen_head *h)
{
	static const struct gen_style c12 = {12.0, GEN_CENTER, 0, 0};
	static const struct gen_style c13 = {GEN_SIZE_BODY, GEN_CENTER, 0, 0};
	double x = GEN_X(d), w = GEN_W(d), lw = w * HEAD_LEFT, rx = x + lw, rw = w - lw;
	double ly = d->y, ry = d->y, tw, hn, hd;
	char date[96];

	/* Issuer: the governing body regular, the issuer bold, a rule a third
	 * of its line long under it. */
	if (h->parent)
		ly += gen_put(d, x, ly, lw, &c12, "%s", h->parent);
	gen_measure(d, lw, &c12, &tw, "<b>%s</b>", h->issuer);
	ly += gen_put(d, x, ly, lw, &c12, "<b>%s</b>", h->issuer);
	gen_rule(d, x + lw / 2, ly + 3, tw / 3);
	/* National heading and motto; the motto's rule is as long as it. */
	ry += gen_put(d, rx, ry, rw, &c12, "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>");
	gen_measure(d, rw, &c13, &tw, "<b>Độc lập - Tự do - Hạnh phúc</b>");
	ry += gen_put(d, rx, ry, rw, &c13, "<b>Độc lập - Tự do - Hạnh phúc</b>");
	gen_rule(d, rx + rw / 2, ry + 3, tw);
	d->y = (ly > ry ? ly : ry) + 12;
	/* Number and symbol under the issuer, place and date in italics right,
	 * on the same line. */
	hn = gen_put(d, x, d->y, lw, &c13, "Số: %s", h->number ? h->number : "      /");
	gen_fmt_date(date, sizeof(date), h->date);
	hd = gen_put(d, rx, d->y, rw, &c13, "<i>%s, %s</i>", h->place, date);
	d->y += (hn > hd ? hn : hd) + 16;
}

void gen_title(struct gen_doc *d, const char *title, const char *summary)
{
	static const struct gen_style t = {14.0, GEN_CENTER, 0, 0};
	double x = GEN_X(d), w = GEN_W(d), lw;

	d->y += gen_put(d, x, d->y, w, &t, "<b>%s</b>", title);
	if (summary) {
		/* Wrapped a little narrower than the text, as typed documents are. */
		gen_measure(d, w * 0.85, &t, &lw, "<b>%s</b>", summary);
		d->y += gen_put(d, x + w * 0.075, d->y, w * 0.85, &t, "<b>%s</b>", summary);
		gen_rule(d, x + w / 2, d->y + 4, lw / 3 > 40 ? lw / 3 : 40);
		d->y += 6;
	}
	d->y += 16;
}

double gen_signer(struct gen_doc *d, double x, double y, double w, const struct gen_signer *s)
{
	static const struct gen_style c = {GEN_SIZE_BODY, GEN_CENTER, 0, 0};
	double y0 = y;

	if (s->authority)
		y += gen_put(d, x, y, w, &c, "<b>%s</b>", s->authority);
	y += gen_put(d, x, y, w, &c, "<b>%s</b>", s->position);
	y += 72; /* the signature (and, later, the seal) */
	if (s->name)
		y += gen_put(d, x, y, w, &c, "<b>%s</b>", s->name);
	return y - y0;
}

void gen_recipients(struct gen_doc *d, double x, double w, const struct gen_list *to)
{
	static const struct gen_style head = {12.0, GEN_LEFT, 0, 0};
	static const struct gen_style item = {GEN_SIZE_SMALL, GEN_LEFT, 0, 0};

	gen_flow(d, x, w, &head, "<b><i>Nơi nhận:</i></b>");
	for (size_t i = 0; i < to->n; i++)
		gen_flow(d, x, w - 6, &item, "- %s;", to->items[i]);
	gen_flow(d, x, w - 6, &item, "- Lưu: VT.");
}

void gen_closing(struct gen_doc *d, const struct gen_signer *s, const struct gen_list *to)
{
	double x = GEN_X(d), w = GEN_W(d), lw = w * 0.45, y0, bottom;
	int page;

	gen_need(d, 150);
	y0 = d->y + 4;
	bottom = y0 + gen_signer(d, x + lw, y0, w - lw, s);
	page = d->page;
	d->y = y0;
	gen_recipients(d, x, lw, to);
	if (d->page == page && d->y < bottom)
		d->y = bottom;
	d->y += 8;
}

/* Draws one row at the cursor; a header row is bold and centred both ways. */
static void row(struct gen_doc *d, struct gen_table *t, const char *const *cells, int center,
		int header)
{
	struct gen_style st = {t->size, center || header ? GEN_CENTER : GEN_LEFT, 0, 0};
	double ch[GEN_COLS_MAX], h = 0;

	for (size_t i = 0; i < t->ncols; i++) {
		double cw = t->x[i + 1] - t->x[i] - 2 * CELL_PAD;
		const char *c = cells[i] ? cells[i] : "";

		ch[i] = header ? gen_measure(d, cw, &st, NULL, "<b>%s</b>", c)
			       : gen_measure(d, cw, &st, NULL, "%s", c);
		if (ch[i] > h)
			h = ch[i];
	}
	h += 2 * CELL_PAD;
	if (!header && d->y + h > GEN_BOTTOM(d) && d->y > d->mt + t->head_h + 0.5)
		gen_page_break(d); /* on_page draws the header again */
	if (d->y + h > GEN_BOTTOM(d))
		h = GEN_BOTTOM(d) - d->y; /* a cell taller than a page is cut at its edge */
	cairo_set_line_width(d->cr, 0.5);
	for (size_t i = 0; i < t->ncols; i++) {
		double cx = t->x[i], cw = t->x[i + 1] - cx;
		double dy = header ? (h - 2 * CELL_PAD - ch[i]) / 2 : 0;
		const char *c = cells[i] ? cells[i] : "";

		cairo_save(d->cr);
		cairo_rectangle(d->cr, cx, d->y, cw, h);
		cairo_clip(d->cr);
		if (header)
			gen_put(d, cx + CELL_PAD, d->y + CELL_PAD + dy, cw - 2 * CELL_PAD, &st,
				"<b>%s</b>", c);
		else
			gen_put(d, cx + CELL_PAD, d->y + CELL_PAD, cw - 2 * CELL_PAD, &st, "%s", c);
		cairo_restore(d->cr);
		cairo_rectangle(d->cr, cx, d->y, cw, h);
		cairo_stroke(d->cr);
	}
	d->y += h;
	if (header)
		t->head_h = h;
}

static void table_head(struct gen_doc *d, void *arg)
{
	struct gen_table *t = arg;

	row(d, t, t->head, 0, 1);
}

void gen_table_begin(struct gen_doc *d, struct gen_table *t)
{
	double sum = 0, x = GEN_X(d);

	assert(t->ncols > 0 && t->ncols <= GEN_COLS_MAX);
	for (size_t i = 0; i < t->ncols; i++)
		sum += t->weights[i];
	for (size_t i = 0; i < t->ncols; i++) {
		t->x[i] = x;
		x += GEN_W(d) * t->weights[i] / sum;
	}
	t->x[t->ncols] = GEN_X(d) + GEN_W(d);
	gen_need(d, 90);
	table_head(d, t);
	d->on_page = table_head;
	d->on_page_arg = t;
}

void gen_table_row(struct gen_doc *d, struct gen_table *t, const char *const *cells, int center)
{
	row(d, t, cells, center, 0);
}

void gen_table_end(struct gen_doc *d, struct gen_table *t)
{
	d->on_page = NULL;
	d->on_page_arg = NULL;
	d->y += 8;
}
