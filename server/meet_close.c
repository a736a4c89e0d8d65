/*
 * meet_close.c: the end of a meeting.  Conclusions are recorded per item
 * (with a handler and a deadline they become workflow tasks, workflow
 * "task", when the meeting closes); closing makes the minutes (biên bản)
 * from the record on a job thread: attendance, items, named votes,
 * conclusions; the secretary signs them, then the chair signs the
 * secretary's signed file, each signature checked like a workflow step's
 * (sign_bind) and archived with the meeting.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/roles.h"
#include "pdf/gen.h"
#include "server/files.h"
#include "server/meet.h"
#include "server/meet_priv.h"
#include "server/people.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/session.h"
#include "server/sign.h"
#include "server/work.h"
#include "workflow/calendar.h"
#include "workflow/store.h"

int op_meeting_conclude(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct proto_node *t = proto_child(req, "text");
	const char *lead = proto_attr(req, "lead"), *due = proto_attr(req, "due");
	struct meet_item *it = NULL;
	const struct person *p;
	struct meeting *m;
	uint64_t item = 0;
	cal_day day;
	char *saved;
	int rc;

	if ((rc = meet_runs_open(s, req, &m)) < 0)
		return rc;
	if (proto_attr_u64(req, "item", &item) < 0 || item > m->n_items)
		return err_set(E_INVAL, "item must be 0 (the whole meeting) to %u", m->n_items);
	if (!t || !t->text || strlen(t->text) > MEET_TEXT_MAX)
		return err_set(E_INVAL, "a conclusion is a <text> of 1 to %d bytes", MEET_TEXT_MAX);
	if ((lead || due) && !item)
		return err_set(E_INVAL, "a task belongs to an item's conclusion");
	if (lead && (!(p = people_by_id(session_server(s)->people, lead)) || p->revoked ||
		     p->kind != PERSON_KIND_PERSON))
		return err_set(E_NOTFOUND, "no person %.40s to handle the task", lead);
	if (due && cal_parse(due, &day) < 0)
		return err_set(E_INVAL, "due must be a date YYYY-MM-DD");
	if (due && !lead)
		return err_set(E_INVAL, "a deadline needs a lead handler");
	if (!(saved = meet_saved(m)))
		return err_set(E_INTERNAL, "meeting %s cannot be saved", m->id);
	if (item) {
		it = &m->items[item - 1];
		g_free(it->conclusion);
		g_free(it->task_lead);
		g_free(it->task_due);
		it->conclusion = g_strdup(t->text);
		it->task_lead = g_strdup(lead);
		it->task_due = g_strdup(due);
	} else {
		g_free(m->conclusion);
		m->conclusion = g_strdup(t->text);
	}
	return meet_commit(s, id, m, saved, "ghi kết luận", NULL, 0, NULL, NULL, NULL);
}

/* Closing: the minutes' inputs, then the PDF, then the tasks. */
struct close_job {
	uint64_t sid;
	uint32_t id;
	char meeting[MEET_ID_MAX];
	GStringChunk *strs;
	struct gen_minutes gm;
	struct gen_attendee att[MEET_MEMBERS_MAX];
	struct gen_minutes_item items[MEET_ITEMS_MAX];
	struct gen_vote votes[MEET_VOTES_MAX];
	struct gen_ballot *ballots; /* every vote's, one array */
	uint8_t *pdf;
	size_t len;
	char minutes[65];
	unsigned tasks_waiting;
	int tasks_rc;
	char detail[256];
	char task_doc[MEET_ITEMS_MAX][DOC_ID_MAX];
};

static const char *S(struct close_job *j, const char *s)
{
	return s ? g_string_chunk_insert(j->strs, s) : NULL;
}

static void close_free(struct close_job *j)
{
	g_string_chunk_free(j->strs);
	g_free(j->ballots);
	free(j->pdf);
	g_free(j);
}

static const char *name_of(struct server *srv, const char *id)
{
	const struct person *p = id ? people_by_id(srv->people, id) : NULL;

	return p ? p->name : id;
}

static void close_attendance(struct close_job *j, struct server *srv, const struct meeting *m)
{
	for (unsigned i = 0; i < m->n_members; i++) {
		const struct meet_member *mm = &m->members[i];
		struct gen_attendee *a = &j->att[j->gm.n_attendees++];

		if (mm->hall) {
			char *pos = mm->present
					    ? g_strdup_printf("điểm cầu, %u người dự", mm->present)
					    : g_strdup("điểm cầu");

			a->position = S(j, pos);
			g_free(pos);
		}
		a->name = S(j, name_of(srv, mm->id));
		a->present = mm->checkin != 0;
		a->reason = a->present ? NULL : S(j, "không điểm danh");
	}
	j->gm.attendees = j->att;
}

/* Items with their votes, each item's votes together (j->votes is filled
 * in item order, so each item takes a slice of it). */
static void close_items(struct close_job *j, struct server *srv, const struct meeting *m)
{
	size_t nb = 0, total = 0;
	unsigned nv = 0;

	for (unsigned v = 0; v < m->n_votes; v++)
		total += g_hash_table_size(m->votes[v].ballots);
	j->ballots = g_new0(struct gen_ballot, total + 1);
	for (unsigned i = 0; i < m->n_items; i++) {
		struct gen_minutes_item *gi = &j->items[i];

		gi->title = S(j, m->items[i].title);
		gi->conclusion = S(j, m->items[i].conclusion);
		gi->votes = &j->votes[nv];
		for (unsigned v = 0; v < m->n_votes; v++) {
			struct gen_vote *gv;

			if (m->votes[v].item != i + 1)
				continue;
			gv = &j->votes[nv++];
			gi->n_votes++;
			gv->motion = S(j, m->votes[v].motion);
			gv->ballots = &j->ballots[nb];
			for (unsigned k = 0; k < m->n_members && nb < total; k++) {
				gpointer c =
					g_hash_table_lookup(m->votes[v].ballots, m->members[k].id);
				enum meet_choice ch;

				if (!c)
					continue;
				ch = (enum meet_choice)(GPOINTER_TO_INT(c) - 1);
				j->ballots[nb].name = S(j, name_of(srv, m->members[k].id));
				j->ballots[nb].choice = ch == MC_YES  ? GEN_YES
							: ch == MC_NO ? GEN_NO
								      : GEN_NOVOTE;
				nb++;
				gv->n_ballots++;
			}
		}
	}
	j->gm.items = j->items;
	j->gm.n_items = m->n_items;
}

static void close_inputs(struct close_job *j, struct server *srv, const struct meeting *m)
{
	time_t now = time(NULL);
	struct tm tm;
	char end[24];

	localtime_r(&now, &tm);
	strftime(end, sizeof(end), "%Y-%m-%d %H:%M", &tm);
	meet_heading(j->strs, srv, now, &j->gm.head);
	j->gm.subject = S(j, m->title);
	j->gm.start = S(j, m->start);
	j->gm.end = S(j, m->end ? m->end : end);
	j->gm.place = S(j, m->place);
	j->gm.chair = S(j, name_of(srv, m->chair));
	j->gm.secretary = S(j, name_of(srv, m->secretary));
	j->gm.conclusion = S(j, m->conclusion);
	j->gm.signer = (struct gen_signer){NULL, S(j, "CHỦ TỌA"), S(j, name_of(srv, m->chair))};
	close_attendance(j, srv, m);
	close_items(j, srv, m);
}

static int close_run(void *arg)
{
	struct close_job *j = arg;

	return gen_minutes_pdf(&j->pdf, &j->len, &j->gm);
}

static void close_fail(struct server *srv, struct close_job *j, int rc, const char *detail)
{
	struct session *s = session_by_sid(srv, j->sid);
	struct meeting *m = meet_find(srv, j->meeting);

	log_err("meeting %s: closing failed: %s: %s", j->meeting, err_name(rc), detail);
	if (m && m->busy)
		m->busy--;
	if (s)
		session_error(s, j->id, rc, detail);
	close_free(j);
}

/* Every task exists: the meeting is closed in git. */
static void close_commit(struct server *srv, struct close_job *j)
{
	struct session *s = session_by_sid(srv, j->sid);
	struct meeting *m = meet_find(srv, j->meeting);
	struct proto_node *reply;
	char *saved;
	int rc;

	if (!m || !s) {
		close_fail(srv, j, E_NOTFOUND, "the meeting or the person closing it is gone");
		return;
	}
	m->busy--;
	if (!(saved = meet_saved(m))) {
		m->busy++;
		close_fail(srv, j, E_INTERNAL, "the meeting cannot be saved");
		return;
	}
	for (unsigned i = 0; i < m->n_items; i++)
		if (j->task_doc[i][0]) {
			g_free(m->items[i].task_doc);
			m->items[i].task_doc = g_strdup(j->task_doc[i]);
		}
	memcpy(m->minutes, j->minutes, sizeof(m->minutes));
	m->state = MS_CLOSED;
	m->closed = time(NULL);
	reply = proto_node_new("resp");
	if (reply && (proto_node_set(reply, "minutes", j->minutes) < 0 ||
		      proto_node_set_u64(reply, "size", j->len) < 0)) {
		proto_node_free(reply);
		reply = NULL;
	}
	for (unsigned i = 0; reply && i < m->n_items; i++)
		if (j->task_doc[i][0]) {
			struct proto_node *t = proto_node_add(reply, "task");

			if (t && (proto_node_set_u64(t, "item", i + 1) < 0 ||
				  proto_node_set(t, "doc", j->task_doc[i]) < 0))
				t = NULL;
		}
	rc = meet_commit(s, j->id, m, saved, "kết thúc cuộc họp", NULL, 0, reply, NULL, NULL);
	if (rc < 0)
		session_error(s, j->id, rc, err_detail());
	else {
		struct proto_node *ev = proto_node_new("meeting.closed");

		if (ev && proto_node_set(ev, "minutes", j->minutes) < 0) {
			proto_node_free(ev);
			ev = NULL;
		}
		meet_event(srv, m, 0, ev);
	}
	close_free(j);
}

struct task_ctx {
	struct close_job *job;
	unsigned item;
};

static void task_answer(void *ctx, struct store_req *r)
{
	struct server *srv = ctx;
	struct task_ctx *t = r->answer_arg;
	struct close_job *j = t->job;

	if (r->rc < 0 && j->tasks_rc == E_OK) {
		j->tasks_rc = r->rc;
		snprintf(j->detail, sizeof(j->detail), "task of item %u: %.200s", t->item,
			 r->detail);
	} else if (r->rc == E_OK) {
		snprintf(j->task_doc[t->item - 1], DOC_ID_MAX, "%s", r->doc_id);
		log_info("meeting %s: item %u's conclusion is task %s", j->meeting, t->item,
			 r->doc_id);
	}
	g_free(t);
	store_req_free(r);
	if (--j->tasks_waiting)
		return;
	if (j->tasks_rc < 0)
		close_fail(srv, j, j->tasks_rc, j->detail);
	else
		close_commit(srv, j);
}

/* Submits the task of item @i (0-based). */
static int task_submit(struct server *srv, struct close_job *j, const struct meeting *m,
		       const struct person *me, unsigned i)
{
	const struct meet_item *it = &m->items[i];
	struct store_req *r = NULL;
	struct task_ctx *t;
	int rc;

	if ((rc = store_req_new(&r)) < 0)
		return rc;
	snprintf(r->rid, sizeof(r->rid), "hop-%s-%u", m->id, i + 1);
	r->ch.op = WF_CREATE;
	r->ch.workflow = "task";
	r->who.id = store_req_str(r, me->id);
	r->who.name = store_req_str(r, me->name);
	r->who.fingerprint = store_req_str(r, me->fingerprint);
	r->who.roles = me->roles;
	r->ch.lead = store_req_str(r, it->task_lead);
	r->ch.due = store_req_str(r, it->task_due);
	r->ch.fields[0].name = (char *)"Subject";
	r->ch.fields[0].value = (char *)store_req_str(r, it->conclusion);
	r->ch.n_fields = 1;
	{
		char *note = g_strdup_printf("Kết luận cuộc họp %s (%s), mục %u: %s", m->id,
					     m->title, i + 1, it->title);

		r->ch.note = store_req_str(r, note);
		g_free(note);
	}
	t = g_new0(struct task_ctx, 1);
	t->job = j;
	t->item = i + 1;
	r->answer = task_answer;
	r->answer_arg = t;
	if ((rc = store_submit(srv->store, r)) < 0) {
		g_free(t);
		store_req_free(r);
		return rc;
	}
	j->tasks_waiting++;
	return E_OK;
}

static void close_done(struct server *srv, void *arg, int rc)
{
	struct close_job *j = arg;
	struct session *s = session_by_sid(srv, j->sid);
	struct meeting *m = meet_find(srv, j->meeting);
	uint8_t sha[32];

	if (rc == E_OK && (!m || !s))
		rc = err_set(E_NOTFOUND, "the meeting or the person closing it is gone");
	if (rc == E_OK && (rc = files_put(srv->files, j->pdf, j->len, sha)) == E_OK)
		proto_hex(j->minutes, sha);
	for (unsigned i = 0; rc == E_OK && i < m->n_items; i++)
		if (m->items[i].conclusion && m->items[i].task_lead && !m->items[i].task_doc)
			rc = task_submit(srv, j, m, session_person(s), i);
	if (rc < 0 && !j->tasks_waiting) {
		close_fail(srv, j, rc, err_detail());
		return;
	}
	if (rc < 0) {
		/* Some tasks are on their way: their answers finish the job. */
		j->tasks_rc = rc;
		snprintf(j->detail, sizeof(j->detail), "%s", err_detail());
		return;
	}
	if (!j->tasks_waiting)
		close_commit(srv, j);
}

int op_meeting_close(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	struct close_job *j;
	struct meeting *m;
	int rc;

	if ((rc = meet_runs_open(s, req, &m)) < 0)
		return rc;
	if (m->state != MS_PUBLISHED)
		return err_set(E_INVAL, "a meeting is published before it is closed");
	for (unsigned v = 0; v < m->n_votes; v++)
		if (m->votes[v].open || m->votes[v].close_sid)
			return err_set(E_INVAL, "vote %u is still open", v + 1);
	j = g_new0(struct close_job, 1);
	j->strs = g_string_chunk_new(4096);
	j->sid = session_sid(s);
	j->id = id;
	snprintf(j->meeting, sizeof(j->meeting), "%s", m->id);
	close_inputs(j, srv, m);
	if ((rc = work_run(srv, close_run, close_done, j)) < 0) {
		close_free(j);
		return rc;
	}
	m->busy++;
	return E_OK;
}

/* meeting.minutes.sign: the secretary's signed minutes, then the chair's. */
struct sign_ctx {
	char meeting[MEET_ID_MAX];
};

/* 1 if stored file @newer starts with every byte of stored file @older. */
static int extends(struct server *srv, const char *older, const char *newer)
{
	uint8_t a[32], b[32];
	int fa = -1, fb = -1, ok = 0;
	uint64_t sa, sb;

	if (proto_unhex(a, older) < 0 || proto_unhex(b, newer) < 0 ||
	    files_open_read(srv->files, a, &fa, &sa) < 0 ||
	    files_open_read(srv->files, b, &fb, &sb) < 0 || sa >= sb)
		goto out;
	ok = 1;
	for (uint64_t off = 0; ok && off < sa;) {
		char x[65536], y[65536];
		size_t want = sa - off < sizeof(x) ? (size_t)(sa - off) : sizeof(x);

		ok = pread(fa, x, want, (off_t)off) == (ssize_t)want &&
		     pread(fb, y, want, (off_t)off) == (ssize_t)want && memcmp(x, y, want) == 0;
		off += want;
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return ok;
}

static void minutes_bound(struct server *srv, struct store_req *r, int rc)
{
	struct sign_ctx *c = r->answer_arg;
	struct session *s = session_by_sid(srv, (uint64_t)(uintptr_t)r->owner);
	struct meeting *m = meet_find(srv, c->meeting);
	const char *base;
	char *saved = NULL;

	if (m)
		m->busy--;
	if (rc == E_OK && (!m || !s))
		rc = err_set(E_NOTFOUND, "the meeting or the signer is gone");
	base = m && m->minutes_sigs ? m->minutes_signed : m ? m->minutes : "";
	if (rc == E_OK && !extends(srv, base, r->ch.signed_pdf))
		rc = err_set(E_INVAL, "signed-pdf is not the %s minutes with a signature added",
			     m->minutes_sigs ? "secretary's signed" : "generated");
	if (rc == E_OK && !(saved = meet_saved(m)))
		rc = err_set(E_INTERNAL, "the meeting cannot be saved");
	if (rc == E_OK) {
		struct proto_node *reply = proto_node_new("resp");

		snprintf(m->minutes_signed, sizeof(m->minutes_signed), "%s", r->ch.signed_pdf);
		m->minutes_sigs++;
		if (reply && (proto_node_set_u64(reply, "signatures", m->minutes_sigs) < 0 ||
			      proto_node_set(reply, "signer-certificate", r->ch.signer_cert) < 0)) {
			proto_node_free(reply);
			reply = NULL;
		}
		rc = meet_commit(s, r->owner_next_id, m, saved,
				 m->minutes_sigs == 1 ? "thư ký ký biên bản"
						      : "chủ tọa ký biên bản",
				 NULL, 0, reply, NULL, NULL);
	}
	if (rc < 0 && s)
		session_error(s, r->owner_next_id, rc, err_detail());
	g_free(c);
	store_req_free(r);
}

int op_meeting_minutes_sign(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	const char *sha = proto_attr(req, "signed-pdf");
	struct store_req *r = NULL;
	struct sign_ctx *c;
	struct meeting *m;
	uint8_t raw[32];
	uint64_t size;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (m->state != MS_CLOSED || !m->minutes[0])
		return err_set(E_INVAL, "the minutes are made when the meeting closes");
	if (m->busy)
		return err_set(E_BUSY, "another change of this meeting is being saved; try again");
	if (m->minutes_sigs == 0 && strcmp(me->id, m->secretary) != 0)
		return err_set(E_PERM, "the secretary signs the minutes first");
	if (m->minutes_sigs == 1 && strcmp(me->id, m->chair) != 0)
		return err_set(E_PERM, "the chair signs the minutes after the secretary");
	if (m->minutes_sigs >= 2)
		return err_set(E_EXISTS, "the minutes are signed by the secretary and the chair");
	if (!sha || strlen(sha) != 64 || proto_unhex(raw, sha) < 0 ||
	    files_stat(session_server(s)->files, raw, &size) < 0)
		return err_set(E_NOTFOUND, "signed-pdf must name a file on the server");
	if ((rc = meet_req_new(&r, me)) < 0)
		return rc;
	r->ch.signed_pdf = store_req_str(r, sha);
	r->owner = (void *)(uintptr_t)session_sid(s);
	r->owner_next_id = id;
	c = g_new0(struct sign_ctx, 1);
	snprintf(c->meeting, sizeof(c->meeting), "%s", m->id);
	r->answer_arg = c;
	m->busy++;
	sign_bind(session_server(s), r, minutes_bound);
	return E_OK;
}
