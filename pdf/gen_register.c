/*
 * gen_register.c: the registers (sổ đăng ký văn bản đến / đi, the follow-up
 * book and the dossier book) for a period, printable with every column: A4
 * landscape, the header row repeated on every page, page numbers.  The
 * headings are the wording of workflow/books.c (the CSV registers).
 */
#include "config.h"

#include <string.h>

#include "common/err.h"
#include "pdf/gen_int.h"

#define BOOK_COLS 10

static const struct book {
	const char *name;
	const char *title;
	const char *head[BOOK_COLS + 1];
	double w[BOOK_COLS];
} books[GEN_BOOK_COUNT] = {
	[GEN_BOOK_INCOMING] = {"den",
			       "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
			       {"Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng",
				"Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận",
				"Ngày chuyển", "Ký nhận", "Ghi chú", NULL},
			       {1.3, 1.0, 2.2, 1.6, 1.3, 4.5, 2.2, 1.3, 1.2, 1.4}},
	[GEN_BOOK_OUTGOING] = {"di",
			       "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
			       {"Số, ký hiệu văn bản", "Ngày tháng văn bản",
				"Tên loại và trích yếu nội dung", "Người ký", "Nơi nhận văn bản",
				"Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển",
				"Ký nhận", "Ghi chú", NULL},
			       {1.6, 1.3, 4.5, 2.0, 2.5, 2.0, 1.0, 1.3, 1.2, 1.4}},
	[GEN_BOOK_FOLLOWUP] = {"theo-doi",
			       "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
			       {"Số đến", "Ngày đến", "Tên loại và trích yếu nội dung",
				"Đơn vị, người chủ trì", "Đơn vị, người phối hợp",
				"Thời hạn giải quyết", "Tiến độ giải quyết",
				"Số, ký hiệu văn bản trả lời", "Ghi chú", NULL},
			       {1.0, 1.3, 4.5, 2.2, 2.2, 1.4, 2.0, 1.6, 1.4}},
	[GEN_BOOK_DOSSIER] = {"hs",
			      "SỔ THEO DÕI HỒ SƠ",
			      {"Số thứ tự", "Mã hồ sơ", "Tên thủ tục hành chính", "Người nộp",
			       "Ngày tiếp nhận", "Ngày hẹn trả kết quả", "Ngày trả kết quả",
			       "Đúng hạn / trễ hạn", "Hình thức nộp", "Tình trạng", NULL},
			      {0.8, 2.2, 3.5, 2.2, 1.4, 1.4, 1.4, 1.3, 1.3, 1.5}},
};

size_t gen_book_columns(enum gen_book book)
{
	size_t n = 0;

	if ((unsigned)book >= GEN_BOOK_COUNT)
		return 0;
	while (books[book].head[n])
		n++;
	return n;
}

const char *gen_book_heading(enum gen_book book, size_t col)
{
	return col < gen_book_columns(book) ? books[book].head[col] : NULL;
}

int gen_book_from_name(enum gen_book *out, const char *name)
{
	for (int b = 0; b < GEN_BOOK_COUNT; b++)
		if (name && strcmp(name, books[b].name) == 0) {
			*out = (enum gen_book)b;
			return E_OK;
		}
	return err_set(E_INVAL, "no register %.32s (den, di, theo-doi, hs)", name ? name : "");
}

static int register_check(const struct gen_register *r)
{
	size_t nc = gen_book_columns(r->book);
	int rc;

	if (!nc)
		return err_set(E_INVAL, "register kind %d", (int)r->book);
	if ((rc = gen_check(r->issuer, "issuer", 1)) < 0 ||
	    (rc = gen_check(r->parent, "parent body", 0)) < 0 ||
	    (rc = gen_check(r->from, "from", 1)) < 0 || (rc = gen_check(r->to, "to", 1)) < 0)
		return rc;
	if (r->n_rows > GEN_ROWS_MAX)
		return err_set(E_TOOBIG, "more than %d rows", GEN_ROWS_MAX);
	if (r->n_rows && !r->cells)
		return err_set(E_INVAL, "rows without cells");
	for (size_t i = 0; i < r->n_rows * nc; i++)
		if ((rc = gen_check(r->cells[i], "cell", 0)) < 0)
			return rc;
	return E_OK;
}

/* Issuer top left, the book's title and period centred. */
static void register_top(struct gen_doc *d, const struct gen_register *r)
{
	static const struct gen_style c12 = {12.0, GEN_CENTER, 0, 0};
	static const struct gen_style t16 = {16.0, GEN_CENTER, 0, 0};
	static const struct gen_style c13 = {GEN_SIZE_BODY, GEN_CENTER, 0, 0};
	double x = GEN_X(d), w = GEN_W(d), lw = w * 0.32, tw, y = d->y;
	char a[32], b[32];

	if (r->parent)
		y += gen_put(d, x, y, lw, &c12, "%s", r->parent);
	gen_measure(d, lw, &c12, &tw, "<b>%s</b>", r->issuer);
	y += gen_put(d, x, y, lw, &c12, "<b>%s</b>", r->issuer);
	gen_rule(d, x + lw / 2, y + 3, tw / 3);
	d->y = y + 14;
	d->y += gen_put(d, x, d->y, w, &t16, "<b>%s</b>", books[r->book].title);
	gen_fmt_dmy(a, sizeof(a), r->from);
	gen_fmt_dmy(b, sizeof(b), r->to);
	d->y += gen_put(d, x, d->y, w, &c13, "<i>Từ ngày %s đến ngày %s</i>", a, b);
	d->y += 12;
}

int gen_register_pdf(uint8_t **out, size_t *len, const struct gen_register *r)
{
	struct gen_table t = {0};
	struct gen_doc d;
	size_t nc;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = register_check(r)) < 0)
		return rc;
	nc = gen_book_columns(r->book);
	if ((rc = gen_doc_begin(&d, 1, books[r->book].title)) < 0)
		return gen_doc_abort(&d, rc);
	register_top(&d, r);
	t.ncols = nc;
	t.weights = books[r->book].w;
	t.head = books[r->book].head;
	t.size = 10.0;
	gen_table_begin(&d, &t);
	for (size_t i = 0; i < r->n_rows; i++)
		gen_table_row(&d, &t, r->cells + i * nc, 0);
	gen_table_end(&d, &t);
	return gen_doc_end(&d, out, len);
}
