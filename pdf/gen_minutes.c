/*
 * gen_minutes.c: the minutes of a meeting (biên bản): time, place and
 * attendance (present / absent with the reason), then each item with its
 * discussion, its votes by name with the counts (Đồng ý / Không đồng ý /
 * Không biểu quyết) and its conclusion, the meeting's conclusions, and the
 * secretary's and the chair's signatures.  As many pages as it takes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "pdf/gen_int.h"

static const struct gen_style body = {GEN_SIZE_BODY, GEN_JUSTIFY, GEN_MM(10), 4};
static const struct gen_style part = {GEN_SIZE_BODY, GEN_LEFT, 0, 4};
static const char *const choice_text[] = {"Đồng ý", "Không đồng ý", "Không biểu quyết"};

static int item_check(const struct gen_minutes_item *it)
{
	int rc;

	if ((rc = gen_check(it->title, "item title", 1)) < 0 ||
	    (rc = gen_check(it->content, "item content", 0)) < 0 ||
	    (rc = gen_check(it->conclusion, "item conclusion", 0)) < 0)
		return rc;
	if (it->n_votes > GEN_LIST_MAX)
		return err_set(E_TOOBIG, "more than %d votes", GEN_LIST_MAX);
	for (size_t v = 0; v < it->n_votes; v++) {
		const struct gen_vote *vt = &it->votes[v];

		if ((rc = gen_check(vt->motion, "motion", 1)) < 0)
			return rc;
		if (vt->n_ballots > GEN_LIST_MAX)
			return err_set(E_TOOBIG, "more than %d ballots", GEN_LIST_MAX);
		for (size_t b = 0; b < vt->n_ballots; b++)
			if ((rc = gen_check(vt->ballots[b].name, "voter", 1)) < 0)
				return rc;
			else if ((unsigned)vt->ballots[b].choice > GEN_NOVOTE)
				return err_set(E_INVAL, "vote choice %d",
					       (int)vt->ballots[b].choice);
	}
	return E_OK;
}

static int minutes_check(const struct gen_minutes *m)
{
	int rc;

	if ((rc = gen_check(m->head.issuer, "issuer", 1)) < 0 ||
	    (rc = gen_check(m->head.parent, "parent body", 0)) < 0 ||
	    (rc = gen_check(m->head.number, "number", 0)) < 0 ||
	    (rc = gen_check(m->head.place, "place", 1)) < 0 ||
	    (rc = gen_check(m->head.date, "date", 0)) < 0 ||
	    (rc = gen_check(m->subject, "subject", 1)) < 0 ||
	    (rc = gen_check(m->start, "start", 1)) < 0 || (rc = gen_check(m->end, "end", 0)) < 0 ||
	    (rc = gen_check(m->place, "meeting place", 1)) < 0 ||
	    (rc = gen_check(m->chair, "chair", 1)) < 0 ||
	    (rc = gen_check(m->secretary, "secretary", 1)) < 0 ||
	    (rc = gen_check(m->conclusion, "conclusion", 0)) < 0 ||
	    (rc = gen_check(m->signer.authority, "signer authority", 0)) < 0 ||
	    (rc = gen_check(m->signer.position, "signer position", 1)) < 0 ||
	    (rc = gen_check(m->signer.name, "signer name", 0)) < 0 ||
	    (rc = gen_check_list(&m->recipients, "recipient")) < 0)
		return rc;
	if (m->n_attendees > GEN_LIST_MAX || m->n_items > GEN_LIST_MAX)
		return err_set(E_TOOBIG, "more than %d attendees or items", GEN_LIST_MAX);
	for (size_t i = 0; i < m->n_attendees; i++)
		if ((rc = gen_check(m->attendees[i].name, "attendee", 1)) < 0 ||
		    (rc = gen_check(m->attendees[i].position, "attendee position", 0)) < 0 ||
		    (rc = gen_check(m->attendees[i].reason, "absence reason", 0)) < 0)
			return rc;
	for (size_t i = 0; i < m->n_items; i++)
		if ((rc = item_check(&m->items[i])) < 0)
			return rc;
	return E_OK;
}

/* Paragraphs of @text, one per line of it. */
static void paragraphs(struct gen_doc *d, const char *text)
{
	char **p = g_strsplit(text, "\n", -1);

	for (char **q = p; *q; q++)
		if (**q)
			gen_flow(d, GEN_X(d), GEN_W(d), &body, "%s", *q);
	g_strfreev(p);
}

static void attendance(struct gen_doc *d, const struct gen_minutes *m)
{
	static const double cw[] = {0.8, 4.5, 4.0, 3.2};
	static const char *const ch[] = {"STT", "Họ và tên", "Chức vụ", "Có mặt / Vắng mặt"};
	struct gen_table t = {4, cw, ch, GEN_SIZE_SMALL + 1, {0}, 0};
	size_t present = 0;
	char no[24], st[GEN_TEXT_MAX + 32];

	for (size_t i = 0; i < m->n_attendees; i++)
		present += m->attendees[i].present != 0;
	gen_flow(d, GEN_X(d), GEN_W(d), &body,
		 "Thành phần: có mặt %zu/%zu người được triệu tập, vắng mặt %zu:", present,
		 m->n_attendees, m->n_attendees - present);
	gen_table_begin(d, &t);
	for (size_t i = 0; i < m->n_attendees; i++) {
		const struct gen_attendee *a = &m->attendees[i];
		const char *cells[4] = {no, a->name, a->position, st};

		snprintf(no, sizeof(no), "%zu", i + 1);
		snprintf(st, sizeof(st), "%s%s%s", a->present ? "Có mặt" : "Vắng mặt",
			 !a->present && a->reason ? " (" : "",
			 !a->present && a->reason ? a->reason : "");
		if (!a->present && a->reason)
			snprintf(st + strlen(st), sizeof(st) - strlen(st), ")");
		gen_table_row(d, &t, cells, 0);
	}
	gen_table_end(d, &t);
}

/* A vote: the motion, every ballot by name, and the counts. */
static void vote(struct gen_doc *d, const struct gen_vote *v)
{
	static const double cw[] = {0.8, 7.0, 4.7};
	static const char *const ch[] = {"STT", "Họ và tên", "Ý kiến biểu quyết"};
	struct gen_table t = {3, cw, ch, GEN_SIZE_SMALL + 1, {0}, 0};
	size_t n[3] = {0, 0, 0};
	char no[24];

	gen_flow(d, GEN_X(d), GEN_W(d), &body, "Biểu quyết: <i>%s</i>", v->motion);
	gen_table_begin(d, &t);
	for (size_t b = 0; b < v->n_ballots; b++) {
		const char *cells[3] = {no, v->ballots[b].name, choice_text[v->ballots[b].choice]};

		snprintf(no, sizeof(no), "%zu", b + 1);
		n[v->ballots[b].choice]++;
		gen_table_row(d, &t, cells, 0);
	}
	gen_table_end(d, &t);
	gen_flow(d, GEN_X(d), GEN_W(d), &body,
		 "Kết quả biểu quyết: <b>Đồng ý %zu/%zu</b>; Không đồng ý %zu/%zu; Không biểu "
		 "quyết %zu/%zu.",
		 n[GEN_YES], v->n_ballots, n[GEN_NO], v->n_ballots, n[GEN_NOVOTE], v->n_ballots);
}

static void items(struct gen_doc *d, const struct gen_minutes *m)
{
	for (size_t i = 0; i < m->n_items; i++) {
		const struct gen_minutes_item *it = &m->items[i];

		gen_need(d, 60); /* a title never alone at the foot of a page */
		gen_flow(d, GEN_X(d), GEN_W(d), &part, "<b>%zu. %s</b>", i + 1, it->title);
		if (it->content)
			paragraphs(d, it->content);
		for (size_t v = 0; v < it->n_votes; v++)
			vote(d, &it->votes[v]);
		if (it->conclusion)
			gen_flow(d, GEN_X(d), GEN_W(d), &body, "<b><i>Kết luận:</i></b> %s",
				 it->conclusion);
	}
}

/* Secretary left, chair right, and "Nơi nhận" under them. */
static void signatures(struct gen_doc *d, const struct gen_minutes *m)
{
	const struct gen_signer sec = {NULL, "THƯ KÝ", m->secretary};
	double w = GEN_W(d) * 0.45, y0, h1, h2;

	gen_need(d, 150);
	y0 = d->y + 6;
	h1 = gen_signer(d, GEN_X(d), y0, w, &sec);
	h2 = gen_signer(d, GEN_X(d) + w, y0, GEN_W(d) - w, &m->signer);
	d->y = y0 + (h1 > h2 ? h1 : h2) + 12;
	if (m->recipients.n)
		gen_recipients(d, GEN_X(d), w, &m->recipients);
}

int gen_minutes_pdf(uint8_t **out, size_t *len, const struct gen_minutes *m)
{
	struct gen_doc d;
	char t[128];
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = minutes_check(m)) < 0)
		return rc;
	if ((rc = gen_doc_begin(&d, 0, "Biên bản cuộc họp")) < 0)
		return gen_doc_abort(&d, rc);
	gen_heading(&d, &m->head);
	gen_title(&d, "BIÊN BẢN", m->subject);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &part, "<b>I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN</b>");
	gen_fmt_time(t, sizeof(t), m->start);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body, "Thời gian: bắt đầu lúc %s.", t);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body, "Địa điểm: %s.", m->place);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &body, "Chủ trì: %s. Thư ký: %s.", m->chair,
		 m->secretary);
	attendance(&d, m);
	gen_flow(&d, GEN_X(&d), GEN_W(&d), &part, "<b>II. NỘI DUNG</b>");
	items(&d, m);
	if (m->conclusion) {
		gen_need(&d, 60);
		gen_flow(&d, GEN_X(&d), GEN_W(&d), &part, "<b>III. KẾT LUẬN</b>");
		paragraphs(&d, m->conclusion);
	}
	if (m->end) {
		gen_fmt_time(t, sizeof(t), m->end);
		gen_flow(&d, GEN_X(&d), GEN_W(&d), &body,
			 "Cuộc họp kết thúc lúc %s. Biên bản đã được thông qua trước cuộc họp./.",
			 t);
	}
	signatures(&d, m);
	return gen_doc_end(&d, out, len);
}
