/*
 * gen_receipt.c: the one-stop desk's papers: the dossier receipt (giấy tiếp
 * nhận hồ sơ và hẹn trả kết quả) with a QR code of the dossier's status page
 * (libqrencode, drawn as cairo rectangles), and the process-control slip
 * (phiếu kiểm soát quá trình giải quyết hồ sơ), one row per hand-over.
 */
#include "config.h"

#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "pdf/gen_int.h"

#define QR_URL_MAX 512     /* bytes of a status-page address */
#define QR_QUIET 4         /* modules of white around the symbol */
#define QR_SIZE GEN_MM(30) /* the printed square, quiet zone included */

static const struct gen_style body = {GEN_SIZE_BODY, GEN_LEFT, 0, 4};
static const struct gen_style small = {GEN_SIZE_SMALL, GEN_LEFT, 0, 3};
static const struct gen_style centre = {GEN_SIZE_BODY, GEN_CENTER, 0, 0};

/* Draws the QR code of @text in a @size square at (@x, @y). */
static int draw_qr(struct gen_doc *d, double x, double y, double size, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	double m;
	int n;

	if (!q)
		return err_set(E_INVAL, "status address cannot be put in a QR code");
	n = q->width;
	m = size / (n + 2 * QR_QUIET);
	for (int r = 0; r < n; r++)
		for (int c = 0; c < n;) {
			int run = 0;

			while (c + run < n && (q->data[r * n + c + run] & 1))
				run++;
			if (run) {
				/* A hair taller than a module, so rows never show seams. */
				cairo_rectangle(d->cr, x + (c + QR_QUIET) * m,
						y + (r + QR_QUIET) * m, run * m, m + 0.05);
				c += run;
			} else {
				c++;
			}
		}
	cairo_fill(d->cr);
	QRcode_free(q);
	return E_OK;
}

static int receipt_check(const struct gen_receipt *r)
{
	int rc = E_OK;

	if ((rc = gen_check(r->head.issuer, "issuer", 1)) < 0 ||
	    (rc = gen_check(r->head.parent, "parent body", 0)) < 0 ||
	    (rc = gen_check(r->head.number, "number", 0)) < 0 ||
	    (rc = gen_check(r->head.place, "place", 1)) < 0 ||
	    (rc = gen_check(r->head.date, "date", 0)) < 0 ||
	    (rc = gen_check(r->code, "dossier code", 1)) < 0 ||
	    (rc = gen_check(r->status_url, "status address", 1)) < 0 ||
	    (rc = gen_check(r->procedure, "procedure", 1)) < 0 ||
	    (rc = gen_check(r->applicant, "applicant", 1)) < 0 ||
	    (rc = gen_check(r->address, "address", 0)) < 0 ||
	    (rc = gen_check(r->phone, "phone", 0)) < 0 ||
	    (rc = gen_check(r->received, "received", 1)) < 0 ||
	    (rc = gen_check(r->due, "due", 1)) < 0 ||
	    (rc = gen_check(r->return_place, "return place", 0)) < 0 ||
	    (rc = gen_check(r->receiver, "receiver", 0)) < 0)
		return rc;
	if (strlen(r->status_url) > QR_URL_MAX)
		return err_set(E_TOOBIG, "status address over %d bytes", QR_URL_MAX);
	if (r->n_papers > GEN_LIST_MAX)
		return err_set(E_TOOBIG, "more than %d papers", GEN_LIST_MAX);
	for (size_t i = 0; i < r->n_papers && rc == E_OK; i++)
		if ((rc = gen_check(r->papers[i].name, "paper", 1)) == E_OK)
			rc = gen_check(r->papers[i].copies, "copies", 0);
	return rc;
}

/* Code, status address, applicant and procedure beside the QR code. */
static int receipt_top(struct gen_doc *d, const struct gen_receipt *r)
{
	static const struct gen_style code = {14.0, GEN_LEFT, 0, 3};
	double x = GEN_X(d), tw = GEN_W(d) - QR_SIZE - GEN_MM(4), y0 = d->y;
	int rc = draw_qr(d, x + GEN_W(d) - QR_SIZE, y0 - GEN_MM(3), QR_SIZE, r->status_url);

	if (rc < 0)
		return rc;
	gen_flow(d, x, tw, &code, "Mã hồ sơ: <b>%s</b>", r->code);
	gen_flow(d, x, tw, &small, "<i>Tra cứu tình trạng hồ sơ tại: %s</i>", r->status_url);
	gen_flow(d, x, tw, &body, "Tiếp nhận hồ sơ của: <b>%s</b>", r->applicant);
	if (r->address)
		gen_flow(d, x, tw, &body, "Địa chỉ: %s", r->address);
	if (r->phone)
		gen_flow(d, x, tw, &body, "Số điện thoại: %s", r->phone);
	if (d->y < y0 + QR_SIZE)
		d->y = y0 + QR_SIZE;
	gen_flow(d, x, GEN_W(d), &body, "Nội dung yêu cầu giải quyết: <b>%s</b>", r->procedure);
	return E_OK;
}

/* "NGƯỜI NỘP HỒ SƠ" left and "NGƯỜI TIẾP NHẬN HỒ SƠ" right. */
static void receipt_signs(struct gen_doc *d, const char *left, const char *right)
{
	double w = GEN_W(d) / 2, y = d->y + 10;

	gen_need(d, 140);
	y = d->y + 10;
	for (int k = 0; k < 2; k++) {
		double x = GEN_X(d) + k * w, yy = y;

		yy += gen_put(d, x, yy, w, &centre, "<b>%s</b>",
			      k ? "NGƯỜI TIẾP NHẬN HỒ SƠ" : "NGƯỜI NỘP HỒ SƠ");
		yy += gen_put(d, x, yy, w, &centre, "<i>(Ký và ghi rõ họ tên)</i>");
		yy += 64;
		if (k ? right : left)
			yy += gen_put(d, x, yy, w, &centre, "<b>%s</b>", k ? right : left);
		if (yy > d->y)
			d->y = yy;
	}
}

int gen_receipt_pdf(uint8_t **out, size_t *len, const struct gen_receipt *r)
{
	static const double pw[] = {1.0, 8.0, 3.0};
	static const char *const ph[] = {"STT", "Tên giấy tờ", "Số lượng"};
	struct gen_table t = {3, pw, ph, GEN_SIZE_BODY, {0}, 0};
	struct gen_doc d;
	char tm[128], no[24];
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = receipt_check(r)) < 0)
		return rc;
	if ((rc = gen_doc_begin(&d, 0, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")) < 0)
		goto out;
	gen_heading(&d, &r->head);
	gen_title(&d, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", NULL);
	if ((rc = receipt_top(&d, r)) < 0)
		goto out;
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body, "1. Thành phần hồ sơ nộp gồm:");
	gen_table_begin(&d, &t);
	for (size_t i = 0; i < r->n_papers; i++) {
		const char *cells[3] = {no, r->papers[i].name, r->papers[i].copies};

		snprintf(no, sizeof(no), "%zu", i + 1);
		gen_table_row(&d, &t, cells, 0);
	}
	gen_table_end(&d, &t);
	gen_fmt_time(tm, sizeof(tm), r->received);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body, "2. Thời gian nhận hồ sơ: %s.", tm);
	gen_fmt_time(tm, sizeof(tm), r->due);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body,
		 "3. Thời gian trả kết quả giải quyết hồ sơ: <b>%s</b>.", tm);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body, "4. Nhận kết quả tại: %s.",
		 r->return_place ? r->return_place : r->head.issuer);
	receipt_signs(&d, r->applicant, r->receiver);
out:
	return rc < 0 ? gen_doc_abort(&d, rc) : gen_doc_end(&d, out, len);
}

static int control_check(const struct gen_control *c)
{
	int rc;

	if ((rc = gen_check(c->head.issuer, "issuer", 1)) < 0 ||
	    (rc = gen_check(c->head.parent, "parent body", 0)) < 0 ||
	    (rc = gen_check(c->head.number, "number", 0)) < 0 ||
	    (rc = gen_check(c->head.place, "place", 1)) < 0 ||
	    (rc = gen_check(c->head.date, "date", 0)) < 0 ||
	    (rc = gen_check(c->code, "dossier code", 1)) < 0 ||
	    (rc = gen_check(c->procedure, "procedure", 1)) < 0 ||
	    (rc = gen_check(c->applicant, "applicant", 1)) < 0 ||
	    (rc = gen_check(c->received, "received", 1)) < 0 ||
	    (rc = gen_check(c->due, "due", 1)) < 0)
		return rc;
	if (c->n_rows > GEN_LIST_MAX)
		return err_set(E_TOOBIG, "more than %d hand-overs", GEN_LIST_MAX);
	for (size_t i = 0; i < c->n_rows && rc == E_OK; i++)
		if ((rc = gen_check(c->rows[i].from, "from", 1)) < 0 ||
		    (rc = gen_check(c->rows[i].to, "to", 1)) < 0 ||
		    (rc = gen_check(c->rows[i].time, "time", 1)) < 0)
			break;
		else
			rc = gen_check(c->rows[i].result, "result", 0);
	return rc;
}

int gen_control_pdf(uint8_t **out, size_t *len, const struct gen_control *c)
{
	static const double w[] = {0.9, 2.8, 2.8, 2.0, 2.8, 1.8};
	static const char *const h[] = {"STT",
					"Bên giao",
					"Bên nhận",
					"Thời gian giao, nhận",
					"Kết quả giải quyết",
					"Đúng hạn / trễ hạn"};
	static const char *const timing[] = {"", "Đúng hạn", "Trễ hạn"};
	struct gen_table t = {6, w, h, GEN_SIZE_SMALL, {0}, 0};
	struct gen_doc d;
	char a[64], b[64], no[24];
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = control_check(c)) < 0)
		return rc;
	if ((rc = gen_doc_begin(&d, 0, "Phiếu kiểm soát quá trình giải quyết hồ sơ")) < 0)
		return gen_doc_abort(&d, rc);
	gen_heading(&d, &c->head);
	gen_title(&d, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", NULL);
	d.y += gen_put(&d, GEN_X(&d), d.y - 10, GEN_W(&d), &centre, "Mã hồ sơ: <b>%s</b>", c->code);
	d.y += gen_put(&d, GEN_X(&d), d.y - 10, GEN_W(&d), &centre,
		       "<i>(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)</i>");
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body, "Thủ tục: <b>%s</b>", c->procedure);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body, "Người nộp hồ sơ: %s", c->applicant);
	gen_fmt_dmy(a, sizeof(a), c->received);
	gen_fmt_dmy(b, sizeof(b), c->due);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body,
		 "Ngày tiếp nhận: %s; ngày hẹn trả kết quả: <b>%s</b>", a, b);
	d.y += 6;
	gen_table_begin(&d, &t);
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct gen_handover *r = &c->rows[i];
		const char *cells[6] = {no, r->from, r->to, a, r->result, timing[r->timing % 3]};

		snprintf(no, sizeof(no), "%zu", i + 1);
		gen_fmt_dmy(a, sizeof(a), r->time);
		gen_table_row(&d, &t, cells, 0);
	}
	gen_table_end(&d, &t);
	return gen_doc_end(&d, out, len);
}
