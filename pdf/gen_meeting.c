/*
 * gen_meeting.c: the meeting invitation (giấy mời) with the agenda
 * (chương trình họp) attached on its own page: time, content and presenter
 * of each item in a table.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "pdf/gen_int.h"

static const struct gen_style body = {GEN_SIZE_BODY, GEN_JUSTIFY, GEN_MM(10), 4};
static const struct gen_style centre = {GEN_SIZE_BODY, GEN_CENTER, 0, 0};

static int meeting_check(const struct gen_meeting *m)
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
	    (rc = gen_check(m->host, "host", 0)) < 0 || (rc = gen_check(m->note, "note", 0)) < 0 ||
	    (rc = gen_check(m->signer.authority, "signer authority", 0)) < 0 ||
	    (rc = gen_check(m->signer.position, "signer position", 1)) < 0 ||
	    (rc = gen_check(m->signer.name, "signer name", 0)) < 0 ||
	    (rc = gen_check_list(&m->participants, "participant")) < 0 ||
	    (rc = gen_check_list(&m->recipients, "recipient")) < 0)
		return rc;
	if (m->n_items > GEN_LIST_MAX)
		return err_set(E_TOOBIG, "more than %d agenda items", GEN_LIST_MAX);
	for (size_t i = 0; i < m->n_items; i++)
		if ((rc = gen_check(m->items[i].time, "item time", 0)) < 0 ||
		    (rc = gen_check(m->items[i].content, "item content", 1)) < 0 ||
		    (rc = gen_check(m->items[i].presenter, "presenter", 0)) < 0)
			return rc;
	return E_OK;
}

/* The invitation's body: who is invited, when, where, chaired by whom. */
static void invitation(struct gen_doc *d, const struct gen_meeting *m)
{
	static const struct gen_style list = {GEN_SIZE_BODY, GEN_LEFT, 0, 2};
	double x = GEN_X(d), w = GEN_W(d);
	char t[128], e[128];

	gen_flow(d, x, w, &body, "%s trân trọng kính mời:", m->host ? m->host : m->head.issuer);
	for (size_t i = 0; i < m->participants.n; i++)
		gen_flow(d, x + GEN_MM(10), w - GEN_MM(10), &list, "- %s;",
			 m->participants.items[i]);
	gen_fmt_time(t, sizeof(t), m->start);
	if (m->end && strlen(m->start) == 16 && strlen(m->end) == 16 &&
	    strncmp(m->start, m->end, 10) == 0) {
		/* The same day: "từ 08 giờ 00 phút đến 11 giờ 30 phút, ngày ..." */
		gen_fmt_time(e, sizeof(e), m->end);
		t[strcspn(t, ",")] = '\0';
		gen_flow(d, x, w, &body, "Thời gian: <b>từ %s đến %s</b>.", t, e);
	} else if (m->end) {
		gen_fmt_time(e, sizeof(e), m->end);
		gen_flow(d, x, w, &body, "Thời gian: <b>từ %s</b> đến %s.", t, e);
	} else {
		gen_flow(d, x, w, &body, "Thời gian: <b>%s</b>.", t);
	}
	gen_flow(d, x, w, &body, "Địa điểm: <b>%s</b>.", m->place);
	gen_flow(d, x, w, &body, "Chủ trì: %s.", m->chair);
	gen_flow(d, x, w, &body, "Nội dung: %s (có chương trình họp kèm theo).", m->subject);
	gen_flow(d, x, w, &body, "%s",
		 m->note ? m->note : "Đề nghị các đại biểu đến dự đầy đủ, đúng giờ./.");
}

/* The agenda on a page of its own, referring to the invitation. */
static void agenda(struct gen_doc *d, const struct gen_meeting *m)
{
	static const double cw[] = {2.2, 6.0, 3.3};
	static const char *const ch[] = {"Thời gian", "Nội dung", "Người thực hiện"};
	static const struct gen_style t14 = {14.0, GEN_CENTER, 0, 0};
	struct gen_table t = {3, cw, ch, GEN_SIZE_BODY, {0}, 0};
	double x = GEN_X(d), w = GEN_W(d);
	char date[32];

	gen_page_break(d);
	d->y += gen_put(d, x, d->y, w, &t14, "<b>CHƯƠNG TRÌNH HỌP</b>");
	d->y += gen_put(d, x + w * 0.075, d->y, w * 0.85, &t14, "<b>%s</b>", m->subject);
	gen_fmt_dmy(date, sizeof(date), m->head.date);
	d->y += gen_put(d, x + w * 0.075, d->y, w * 0.85, &centre,
			"<i>(Kèm theo Giấy mời số %s ngày %s của %s)</i>",
			m->head.number ? m->head.number : "", date,
			m->host ? m->host : m->head.issuer);
	gen_rule(d, x + w / 2, d->y + 4, w / 5);
	d->y += 18;
	gen_table_begin(d, &t);
	for (size_t i = 0; i < m->n_items; i++) {
		const char *cells[3] = {m->items[i].time, m->items[i].content,
					m->items[i].presenter};

		gen_table_row(d, &t, cells, 0);
	}
	gen_table_end(d, &t);
}

int gen_meeting_pdf(uint8_t **out, size_t *len, const struct gen_meeting *m)
{
	struct gen_doc d;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = meeting_check(m)) < 0)
		return rc;
	if ((rc = gen_doc_begin(&d, 0, "Giấy mời họp")) < 0)
		return gen_doc_abort(&d, rc);
	/* A re-publish with the agenda unchanged gives the same file, which
	 * the halls already hold. */
	gen_doc_date(&d, m->head.date);
	gen_heading(&d, &m->head);
	gen_title(&d, "GIẤY MỜI", m->subject);
	invitation(&d, m);
	d.y += 6;
	gen_closing(&d, &m->signer, &m->recipients);
	if (m->n_items)
		agenda(&d, m);
	return gen_doc_end(&d, out, len);
}
