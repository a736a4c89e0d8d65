/*
 * gen_int.h: the layout helpers the document files of pdf/gen_*.c share
 * (gen.c): a page cursor over a cairo PDF surface, text through pango
 * markup built with g_markup_printf_escaped (so user text stays text), the
 * Decree 30 heading, title, signer and "Nơi nhận" blocks, and tables whose
 * header row repeats on every page.  Not for use outside pdf/.
 *
 * Units are PDF points (1/72 in).  Drawing functions never fail one by one:
 * the first failure is kept in d->err and gen_doc_end() reports it.
 */
#ifndef DINH_GEN_INT_H
#define DINH_GEN_INT_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "pdf/gen.h"

#define GEN_MM(x) ((x)*72.0 / 25.4)
#define GEN_COLS_MAX 12

#define GEN_FONT "Liberation Serif" /* Times New Roman metrics */
#define GEN_SIZE_BODY 13.0
#define GEN_SIZE_SMALL 11.0

enum gen_align { GEN_LEFT, GEN_CENTER, GEN_RIGHT, GEN_JUSTIFY };

struct gen_style {
	double size; /* pt */
	enum gen_align align;
	double indent; /* first-line indent, pt */
	double after;  /* space after a flowed paragraph, pt */
};

struct gen_doc {
	cairo_surface_t *surf;
	cairo_t *cr;
	PangoContext *pctx;
	double pw, ph;         /* page size */
	double ml, mr, mt, mb; /* margins */
	double y;              /* cursor: top of the next thing drawn */
	int page;              /* 1-based */
	int err;               /* first failure, E_OK */
	uint8_t *data;         /* the PDF written so far */
	size_t len, cap;
	void (*on_page)(struct gen_doc *d, void *arg); /* after each page break */
	void *on_page_arg;
};

/* Left edge and width of the text area. */
#define GEN_X(d) ((d)->ml)
#define GEN_W(d) ((d)->pw - (d)->ml - (d)->mr)
#define GEN_BOTTOM(d) ((d)->ph - (d)->mb)

/* Starts an A4 document (landscape if @landscape) titled @title. */
int gen_doc_begin(struct gen_doc *d, int landscape, const char *title);
/* Dates @d's /CreationDate at midnight of @date ("YYYY-MM-DD"; NULL keeps
 * cairo's clock time), so that the same inputs give the same bytes. */
void gen_doc_date(struct gen_doc *d, const char *date);
/* Starts a one-page document of @w x @h points without margins (an
 * appearance, a stamp); pages are not numbered unless the caller breaks. */
int gen_doc_begin_box(struct gen_doc *d, double w, double h, const char *title);
/* Finishes @d: E_OK with the PDF moved to *out and *len, else the first error;
 * @d is released either way. */
int gen_doc_end(struct gen_doc *d, uint8_t **out, size_t *len);
/* Releases @d after the failure @rc of its caller; returns @rc (or the
 * document's own first error). */
int gen_doc_abort(struct gen_doc *d, int rc);

/* E_OK if @s is NULL (and !@required) or valid UTF-8 under GEN_TEXT_MAX. */
int gen_check(const char *s, const char *what, int required);
int gen_check_list(const struct gen_list *l, const char *what);

/*
 * Draws @fmt (pango markup; every %s argument is escaped) in a box of width
 * @w at (@x, @y) without moving the cursor; returns the height drawn.
 */
double gen_put(struct gen_doc *d, double x, double y, double w, const struct gen_style *st,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The height gen_put() would draw, and the width of its widest line in *lw. */
double gen_measure(struct gen_doc *d, double w, const struct gen_style *st, double *lw,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Flows @fmt at the cursor, breaking pages between lines; moves the cursor. */
void gen_flow(struct gen_doc *d, double x, double w, const struct gen_style *st, const char *fmt,
	      ...) __attribute__((format(printf, 5, 6)));

/* A horizontal rule centred on @cx, @len long, at @y. */
void gen_rule(struct gen_doc *d, double cx, double y, double len);
/* Breaks the page if less than @h is left below the cursor. */
void gen_need(struct gen_doc *d, double h);
/* Ends the page; the next starts with its number in the top margin. */
void gen_page_break(struct gen_doc *d);

/* "ngày 02 tháng 12 năm 2026" from "2026-12-02" (the dots when NULL). */
void gen_fmt_date(char *out, size_t size, const char *iso);
/* "08 giờ 00 phút, ngày 05 tháng 12 năm 2026" from "2026-12-05 08:00". */
void gen_fmt_time(char *out, size_t size, const char *iso);
/* "02/12/2026" and "08:00 02/12/2026". */
void gen_fmt_dmy(char *out, size_t size, const char *iso);

/* The Decree 30 heading; the cursor goes below it. */
void gen_heading(struct gen_doc *d, const struct gen_head *h);
/* Title (bold caps, centred) and summary (bold, centred, short rule under). */
void gen_title(struct gen_doc *d, const char *title, const char *summary);
/* Draws a signer block centred in [@x, @x + @w] from @y; returns its height. */
double gen_signer(struct gen_doc *d, double x, double y, double w, const struct gen_signer *s);
/* "Nơi nhận:" and "- X;" per entry, then "- Lưu: VT.", flowed at the cursor. */
void gen_recipients(struct gen_doc *d, double x, double w, const struct gen_list *to);
/* The closing: "Nơi nhận" left (with "- Lưu: VT."), signer right. */
void gen_closing(struct gen_doc *d, const struct gen_signer *s, const struct gen_list *to);

struct gen_table {
	size_t ncols;
	const double *weights;      /* relative column widths */
	const char *const *head;    /* headings, plain text */
	double size;                /* pt */
	double x[GEN_COLS_MAX + 1]; /* column edges, set by gen_table_begin */
	double head_h;              /* height of the header row */
};

/* Lays out @t across the text width, draws its header, and repeats it after
 * every page break until gen_table_end(). */
void gen_table_begin(struct gen_doc *d, struct gen_table *t);
/* One row of plain-text cells (NULL = empty); @center centres them all. */
void gen_table_row(struct gen_doc *d, struct gen_table *t, const char *const *cells, int center);
void gen_table_end(struct gen_doc *d, struct gen_table *t);

#endif
