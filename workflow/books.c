/*
 * books.c: the registers of books.h.  Each column is taken from the
 * document's Decree 30 fields where it has one (OrganName, CodeNumber,
 * IssuedDate, To, IssuedAmount, SignerInfo...), else from its steps (the
 * day it was handed over, who signed, when it was dispatched).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "workflow/books.h"

static const struct {
	const char *name, *reg, *title;
	const char *cols[11];
} books[] = {
	[BOOKS_INCOMING] = {"den",
			    "den",
			    "Sổ đăng ký văn bản đến",
			    {"Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng",
			     "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận",
			     "Ngày chuyển", "Ký nhận", "Ghi chú", NULL}},
	[BOOKS_OUTGOING] = {"di",
			    "di",
			    "Sổ đăng ký văn bản đi",
			    {"Số, ký hiệu văn bản", "Ngày tháng văn bản",
			     "Tên loại và trích yếu nội dung", "Người ký", "Nơi nhận văn bản",
			     "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận",
			     "Ghi chú", NULL}},
	[BOOKS_FOLLOWUP] = {"theo-doi",
			    "den",
			    "Sổ theo dõi giải quyết văn bản đến",
			    {"Số đến", "Ngày đến", "Tên loại và trích yếu nội dung",
			     "Đơn vị, người chủ trì", "Đơn vị, người phối hợp",
			     "Thời hạn giải quyết", "Tiến độ giải quyết",
			     "Số, ký hiệu văn bản trả lời", "Ghi chú", NULL}},
	[BOOKS_DOSSIER] = {"hs",
			   "hs",
			   "Sổ theo dõi hồ sơ",
			   {"Số thứ tự", "Mã hồ sơ", "Tên thủ tục hành chính", "Người nộp",
			    "Ngày tiếp nhận", "Ngày hẹn trả kết quả", "Ngày trả kết quả",
			    "Đúng hạn / trễ hạn", "Hình thức nộp", "Tình trạng", NULL}},
};

int books_parse(const char *name, enum books_book *out)
{
	for (size_t i = 0; i < sizeof(books) / sizeof(books[0]); i++)
		if (strcmp(name, books[i].name) == 0) {
			*out = (enum books_book)i;
			return E_OK;
		}
	return err_set(E_INVAL, "no register %.32s (den, di, theo-doi, hs)", name);
}

const char *books_register(enum books_book b)
{
	return books[b].reg;
}

const char *books_title(enum books_book b)
{
	return books[b].title;
}

/* One CSV field, quoted when it must be. */
static int field(struct buf *out, const char *v, int first)
{
	int rc = first ? E_OK : buf_append(out, ",", 1);

	if (!v)
		v = "";
	if (rc < 0 || !v[strcspn(v, ",\"\r\n")])
		return rc < 0 ? rc : buf_append(out, v, strlen(v));
	if ((rc = buf_append(out, "\"", 1)) < 0)
		return rc;
	for (const char *p = v; *p; p++)
		if ((rc = buf_append(out, p, 1)) < 0 ||
		    (*p == '"' && (rc = buf_append(out, p, 1)) < 0))
			return rc;
	return buf_append(out, "\"", 1);
}

int books_header(enum books_book b, struct buf *out)
{
	int rc = buf_append(out, "\xEF\xBB\xBF", 3);

	for (size_t i = 0; rc == E_OK && books[b].cols[i]; i++)
		rc = field(out, books[b].cols[i], i == 0);
	return rc < 0 ? rc : buf_append(out, "\r\n", 2);
}

/* "YYYY-MM-DD..." -> "dd/mm/yyyy" (anything else as it is). */
static const char *dmy(const char *iso, char out[16])
{
	if (!iso || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-')
		return iso ? iso : "";
	snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	return out;
}

/* The first step taken by a transition with @flag set (0: directs the
 * document, i.e. requires the lead; 1: needs a signed PDF). */
static const struct doc_step *step_with(const struct def_set *defs, const struct doc *d, int flag)
{
	const struct def_workflow *wf = def_workflow(defs, d->workflow);

	for (size_t i = 0; wf && i < d->n_steps; i++) {
		const struct doc_step *s = &d->steps[i];
		const struct def_transition *t =
			s->from && s->action ? def_transition(wf, s->from, s->action) : NULL;

		if (!t)
			continue;
		if (flag == 1 && t->needs_signed_pdf)
			return s;
		for (size_t f = 0; flag == 0 && f < t->n_fields; f++)
			if (strcmp(t->fields[f], "lead") == 0)
				return s;
	}
	return NULL;
}

static const char *state_name(const struct def_set *defs, const struct doc *d)
{
	const struct def_workflow *wf = def_workflow(defs, d->workflow);
	int i = wf ? def_state_index(wf, d->state) : -1;

	return i >= 0 ? wf->states[i].name : d->state;
}

/* "TypeName Subject", or the subject alone. */
static const char *summary(const struct doc *d, char *out, size_t size)
{
	const char *type = doc_field(d, "TypeName"), *subj = doc_field(d, "Subject");

	snprintf(out, size, "%s%s%s", type ? type : "", type && subj ? " " : "", subj ? subj : "");
	return out;
}

static const char *notes(const struct doc *d, char *out, size_t size)
{
	const char *desc = doc_field(d, "Description");

	snprintf(out, size, "%s%s%s", d->recalled ? "Đã thu hồi" : "",
		 d->recalled && desc ? "; " : "", desc ? desc : "");
	return out;
}

static int row_incoming(const struct def_set *defs, const struct doc *d, const struct idx_row *r,
			const char **v, char (*tmp)[BOOKS_CELL_MAX])
{
	const struct doc_step *handed = step_with(defs, d, 0);
	const char *arrival = doc_field(d, "ArrivalDate");

	v[0] = dmy(arrival ? arrival : r->numbered, tmp[0]);
	v[1] = r->number;
	v[2] = doc_field(d, "OrganName");
	v[3] = doc_field(d, "CodeNumber");
	v[4] = dmy(doc_field(d, "IssuedDate"), tmp[1]);
	v[5] = summary(d, tmp[2], sizeof(tmp[2]));
	v[6] = d->lead;
	v[7] = handed ? dmy(handed->time, tmp[3]) : "";
	v[8] = "";
	v[9] = notes(d, tmp[4], sizeof(tmp[4]));
	return 10;
}

static int row_outgoing(const struct def_set *defs, const struct doc *d, const struct idx_row *r,
			const char **v, char (*tmp)[BOOKS_CELL_MAX])
{
	const struct doc_step *signed_by = step_with(defs, d, 1);
	const char *issued = doc_field(d, "IssuedDate"), *signer = doc_field(d, "SignerInfo");

	v[0] = r->number;
	v[1] = dmy(issued ? issued : r->numbered, tmp[0]);
	v[2] = summary(d, tmp[1], sizeof(tmp[1]));
	v[3] = signer ? signer : signed_by ? signed_by->actor_name : "";
	v[4] = doc_field(d, "To");
	v[5] = d->lead ? d->lead : d->n_steps ? d->steps[0].actor_name : "";
	v[6] = doc_field(d, "IssuedAmount");
	v[7] = dmy(r->resolved, tmp[2]);
	v[8] = "";
	v[9] = notes(d, tmp[3], sizeof(tmp[3]));
	return 10;
}

static int row_followup(const struct def_set *defs, const struct doc *d, const struct idx_row *r,
			const char **v, char (*tmp)[BOOKS_CELL_MAX])
{
	size_t at = 0;

	tmp[2][0] = '\0';
	for (size_t i = 0; i < d->n_coop; i++) {
		size_t left = sizeof(tmp[2]) - at;
		int w = snprintf(tmp[2] + at, left, "%s%s", i ? "; " : "", d->coop[i]);

		if (w < 0 || (size_t)w >= left)
			break; /* the cell is full */
		at += (size_t)w;
	}
	v[0] = r->number;
	v[1] = dmy(r->numbered, tmp[0]);
	v[2] = summary(d, tmp[1], sizeof(tmp[1]));
	v[3] = d->lead;
	v[4] = tmp[2];
	v[5] = dmy(d->due, tmp[3]);
	v[6] = state_name(defs, d);
	v[7] = doc_field(d, "ReplyNumber");
	v[8] = notes(d, tmp[4], sizeof(tmp[4]));
	return 9;
}

static int row_dossier(const struct def_set *defs, const struct doc *d, const struct idx_row *r,
		       const char **v, char (*tmp)[BOOKS_CELL_MAX])
{
	const struct def_procedure *p = def_procedure(defs, r->procedure);

	v[0] = r->number;
	v[1] = r->code;
	v[2] = p ? p->name : r->procedure;
	v[3] = doc_field(d, "Applicant");
	v[4] = dmy(r->numbered, tmp[0]);
	v[5] = dmy(d->due, tmp[1]);
	v[6] = dmy(r->resolved, tmp[2]);
	v[7] = r->on_time == 1 ? "Đúng hạn" : r->on_time == 0 ? "Trễ hạn" : "";
	v[8] = r->online ? "Trực tuyến" : "Trực tiếp";
	v[9] = state_name(defs, d);
	return 10;
}

size_t books_cells(enum books_book b, const struct def_set *defs, const struct doc *d,
		   const struct idx_row *row, struct books_cells *c)
{
	switch (b) {
	case BOOKS_INCOMING:
		return (size_t)row_incoming(defs, d, row, c->v, c->tmp);
	case BOOKS_OUTGOING:
		return (size_t)row_outgoing(defs, d, row, c->v, c->tmp);
	case BOOKS_FOLLOWUP:
		return (size_t)row_followup(defs, d, row, c->v, c->tmp);
	default:
		return (size_t)row_dossier(defs, d, row, c->v, c->tmp);
	}
}

int books_row(enum books_book b, const struct def_set *defs, const struct doc *d,
	      const struct idx_row *row, struct buf *out)
{
	struct books_cells *c = malloc(sizeof(*c));
	size_t n;
	int rc = E_OK;

	if (!c)
		return err_set(E_NOMEM, "register row");
	n = books_cells(b, defs, d, row, c);
	for (size_t i = 0; i < n && rc == E_OK; i++)
		rc = field(out, c->v[i], i == 0);
	free(c);
	return rc < 0 ? rc : buf_append(out, "\r\n", 2);
}
