/*
 * meet.c: the meetings of the commune: the set in memory, durable changes
 * through the store writer (answered only once in git), and the
 * operations that define and read a meeting (meeting.create, .edit,
 * .list, .show).  Loop thread only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/roles.h"
#include "server/meet.h"
#include "server/meet_priv.h"
#include "server/people.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/session.h"
#include "workflow/store.h"

struct meet_set *meet_set(struct server *srv)
{
	return srv->meetings;
}

int meet_start(struct server *srv)
{
	struct meet_set *set = g_new0(struct meet_set, 1);
	int rc;

	set->by_id =
		g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)meet_free);
	srv->meetings = set;
	if ((rc = meet_load(set, srv)) < 0)
		meet_stop(srv);
	return rc;
}

void meet_stop(struct server *srv)
{
	if (!srv->meetings)
		return;
	g_hash_table_destroy(srv->meetings->by_id);
	g_free(srv->meetings);
	srv->meetings = NULL;
}

struct meeting *meet_find(struct server *srv, const char *id)
{
	return srv->meetings && id ? g_hash_table_lookup(srv->meetings->by_id, id) : NULL;
}

int meet_get(struct session *s, const struct proto_node *req, struct meeting **out)
{
	const struct person *me = session_person(s);
	const char *id = proto_attr(req, "meeting");
	struct meeting *m = meet_find(session_server(s), id);

	*out = NULL;
	if (!id)
		return err_set(E_INVAL, "missing attribute meeting");
	if (!m || (!meet_member(m, me->id) && !meet_runs(m, me->id, me->roles)))
		return err_set(E_NOTFOUND, "no meeting %.20s of yours", id);
	*out = m;
	return E_OK;
}

/* What a durable change of a meeting waits with. */
struct meet_commit_ctx {
	uint64_t sid;
	uint32_t id;
	char meeting[MEET_ID_MAX];
	char *saved; /* meeting.xml before the change ("" for a new meeting, NULL
		      * for a change of files alone) */
	struct proto_node *reply;
	meet_then_fn then;
	void *arg;
};

static void meet_answer(void *ctx, struct store_req *r)
{
	struct server *srv = ctx;
	struct meet_commit_ctx *c = r->answer_arg;
	struct session *s = session_by_sid(srv, c->sid);
	struct meeting *m = meet_find(srv, c->meeting);
	int ok = r->rc == E_OK;

	if (m && m->busy && c->saved)
		m->busy--;
	if (!ok) {
		log_err("meeting %s: change refused: %s: %s", c->meeting, err_name(r->rc),
			r->detail);
		if (!c->saved) {
			/* A change of files alone: its @then puts memory back. */
		} else if (m && !*c->saved) {
			g_hash_table_remove(srv->meetings->by_id, c->meeting);
			m = NULL;
		} else if (m && meet_restore(m, c->saved) < 0) {
			log_err("meeting %s: cannot restore: %s", c->meeting, err_detail());
		}
		if (s && c->id)
			session_error(s, c->id, r->rc, r->detail);
		proto_node_free(c->reply);
	} else {
		log_info("meeting %s: %s by %s (commit %.12s)", c->meeting, r->files_msg, r->who.id,
			 r->commit);
		if (proto_node_set(c->reply, "meeting", c->meeting) < 0 ||
		    proto_node_set(c->reply, "commit", r->commit) < 0) {
			proto_node_free(c->reply);
			c->reply = NULL;
		}
		if (s && c->id)
			session_reply(s, c->id, c->reply);
		else
			proto_node_free(c->reply);
	}
	if (c->then)
		c->then(srv, m, ok, c->arg);
	g_free(c->saved);
	g_free(c);
	store_req_free(r);
}

int meet_req_new(struct store_req **out, const struct person *me)
{
	struct store_req *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = store_req_new(&r)) < 0)
		return rc;
	r->who.id = store_req_str(r, me->id);
	r->who.name = store_req_str(r, me->name);
	r->who.fingerprint = store_req_str(r, me->fingerprint);
	r->who.roles = me->roles;
	*out = r;
	return E_OK;
}

/* Builds the store request of a change of @m's files. */
static int commit_req(struct session *s, struct meeting *m, const char *msg, struct store_req **out)
{
	struct store_req *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = meet_req_new(&r, session_person(s))) < 0)
		return rc;
	{
		char *text =
			g_strdup_printf("Cuộc họp %s: %s\n\nDinh-Meeting: %s\n", m->id, msg, m->id);

		r->files_msg = store_req_str(r, text);
		g_free(text);
	}
	*out = r;
	return E_OK;
}

int meet_commit(struct session *s, uint32_t id, struct meeting *m, char *saved, const char *msg,
		const char *const *extra, size_t n_extra, struct proto_node *reply,
		meet_then_fn then, void *arg)
{
	struct server *srv = session_server(s);
	struct meet_commit_ctx *c = g_new0(struct meet_commit_ctx, 1);
	struct store_req *r = NULL;
	char path[REPO_PATH_MAX], *xml = NULL;
	int rc;

	c->sid = session_sid(s);
	c->id = id;
	snprintf(c->meeting, sizeof(c->meeting), "%s", m->id);
	c->reply = reply ? reply : proto_node_new("resp");
	c->then = then;
	c->arg = arg;
	c->saved = saved ? saved : g_strdup("");
	if (!c->reply) {
		rc = err_set(E_NOMEM, "reply");
		goto fail;
	}
	if (n_extra % 2 || n_extra > 2 * (STORE_FILES_MAX - 1)) {
		rc = err_set(E_INTERNAL, "bad list of files in one change");
		goto fail;
	}
	if ((rc = meet_to_xml(m, &xml)) < 0 || (rc = commit_req(s, m, msg, &r)) < 0 ||
	    (rc = meet_path(m, "meeting.xml", path, sizeof(path))) < 0)
		goto fail;
	r->files[0] =
		(struct repo_file){store_req_str(r, path), store_req_str(r, xml), strlen(xml)};
	r->n_files = 1;
	for (size_t i = 0; i < n_extra; i += 2)
		r->files[r->n_files++] =
			(struct repo_file){store_req_str(r, extra[i]),
					   store_req_str(r, extra[i + 1]), strlen(extra[i + 1])};
	r->answer = meet_answer;
	r->answer_arg = c;
	if ((rc = store_submit(srv->store, r)) < 0)
		goto fail;
	m->busy++;
	g_free(xml);
	return E_OK;
fail:
	/* Nothing was submitted: @m goes back as it was. */
	if (*c->saved && meet_restore(m, c->saved) < 0)
		log_err("meeting %s: cannot restore: %s", m->id, err_detail());
	proto_node_free(c->reply);
	g_free(c->saved);
	g_free(c);
	store_req_free(r);
	g_free(xml);
	return rc;
}

/* Commits files alone (a ballot, a check-in, a note): meeting.xml is not
 * written.  Answered like meet_commit(); @then gets ok. */
int meet_commit_files(struct session *s, uint32_t id, struct meeting *m, const char *msg,
		      const char *const *files, size_t n, struct proto_node *reply,
		      meet_then_fn then, void *arg)
{
	struct server *srv = session_server(s);
	struct meet_commit_ctx *c = g_new0(struct meet_commit_ctx, 1);
	struct store_req *r = NULL;
	int rc;

	c->sid = session_sid(s);
	c->id = id;
	snprintf(c->meeting, sizeof(c->meeting), "%s", m->id);
	c->reply = reply ? reply : proto_node_new("resp");
	c->then = then;
	c->arg = arg;
	c->saved = NULL;
	if (!c->reply) {
		rc = err_set(E_NOMEM, "reply");
		goto fail;
	}
	if (!n || n % 2 || n > 2 * STORE_FILES_MAX) {
		rc = err_set(E_INTERNAL, "bad list of files in one change");
		goto fail;
	}
	if ((rc = commit_req(s, m, msg, &r)) < 0)
		goto fail;
	for (size_t i = 0; i < n; i += 2)
		r->files[r->n_files++] =
			(struct repo_file){store_req_str(r, files[i]),
					   store_req_str(r, files[i + 1]), strlen(files[i + 1])};
	r->answer = meet_answer;
	r->answer_arg = c;
	if ((rc = store_submit(srv->store, r)) < 0)
		goto fail;
	return E_OK;
fail:
	proto_node_free(c->reply);
	g_free(c);
	store_req_free(r);
	return rc;
}

char *meet_saved(const struct meeting *m)
{
	char *xml = NULL;

	if (meet_to_xml(m, &xml) < 0) {
		log_err("meeting %s: %s", m->id, err_detail());
		return NULL;
	}
	return xml;
}

/* A new meeting's id: "<year>-<seq>", the year's count bumped. */
static int new_id(struct server *srv, struct meeting *m, char count_path[REPO_PATH_MAX],
		  char count_val[16])
{
	time_t now = time(NULL);
	struct tm tm;
	unsigned year, seq;

	localtime_r(&now, &tm);
	year = (unsigned)tm.tm_year + 1900;
	if (year < 2000 || year >= 2200)
		return err_set(E_INTERNAL, "the clock says %u", year);
	seq = ++srv->meetings->year_count[year - 2000];
	if (seq > 9999)
		return err_set(E_TOOBIG, "more than 9999 meetings in %u", year);
	snprintf(m->id, sizeof(m->id), "%04u-%04u", year, seq);
	snprintf(count_path, REPO_PATH_MAX, "meetings/%u/count", year);
	snprintf(count_val, 16, "%u\n", seq);
	return E_OK;
}

int op_meeting_create(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	struct meeting *m = meet_new();
	char count_path[REPO_PATH_MAX], count_val[16];
	const char *extra[2] = {count_path, count_val};
	int rc;

	m->created = time(NULL);
	if ((rc = meet_define(m, srv, req)) < 0 || (rc = new_id(srv, m, count_path, count_val)) < 0)
		goto fail;
	g_hash_table_replace(srv->meetings->by_id, m->id, m);
	/* On failure meet_commit's restore path removes a new meeting. */
	if ((rc = meet_commit(s, id, m, NULL, "tạo cuộc họp", extra, 2, NULL, NULL, NULL)) < 0) {
		g_hash_table_remove(srv->meetings->by_id, count_path[0] ? m->id : "");
		return rc;
	}
	return E_OK;
fail:
	meet_free(m);
	return rc;
}

/* The meeting of the request, which the caller runs, open for changes. */
static int runs(struct session *s, const struct proto_node *req, struct meeting **out)
{
	const struct person *me = session_person(s);
	int rc = meet_get(s, req, out);

	if (rc < 0)
		return rc;
	if (!meet_runs(*out, me->id, me->roles)) {
		*out = NULL;
		return err_set(E_PERM,
			       "only the chair or the secretary of the meeting may do this");
	}
	if ((*out)->busy) {
		*out = NULL;
		return err_set(E_BUSY, "another change of this meeting is being saved; try again");
	}
	return E_OK;
}

int meet_runs_open(struct session *s, const struct proto_node *req, struct meeting **out)
{
	int rc = runs(s, req, out);

	if (rc == E_OK && (*out)->state == MS_CLOSED) {
		*out = NULL;
		return err_set(E_EXISTS, "the meeting is closed");
	}
	return rc;
}

int op_meeting_edit(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct meeting *m;
	char *saved;
	int rc;

	if ((rc = meet_runs_open(s, req, &m)) < 0)
		return rc;
	if (!(saved = meet_saved(m)))
		return err_set(E_INTERNAL, "meeting %s cannot be saved", m->id);
	if ((rc = meet_define(m, session_server(s), req)) < 0) {
		g_free(saved);
		return rc;
	}
	return meet_commit(s, id, m, saved, "sửa cuộc họp", NULL, 0, NULL, NULL, NULL);
}

static const char *state_word(enum meet_state st)
{
	return st == MS_DRAFT ? "draft" : st == MS_PUBLISHED ? "published" : "closed";
}

int op_meeting_list(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	struct proto_node *body = proto_node_new("resp");
	GList *all = g_hash_table_get_values(session_server(s)->meetings->by_id);
	int rc = body ? E_OK : E_NOMEM;

	(void)req;
	all = g_list_sort(all, (GCompareFunc)strcmp); /* ids first in each struct: by id */
	for (GList *l = all; l && rc == E_OK; l = l->next) {
		const struct meeting *m = l->data;
		struct proto_node *n;

		if (!meet_member(m, me->id) && !meet_runs(m, me->id, me->roles))
			continue;
		if (!(n = proto_node_add(body, "meeting")) || proto_node_set(n, "id", m->id) < 0 ||
		    proto_node_set(n, "title", m->title) < 0 ||
		    proto_node_set(n, "start", m->start) < 0 ||
		    proto_node_set(n, "place", m->place) < 0 ||
		    proto_node_set(n, "state", state_word(m->state)) < 0 ||
		    proto_node_set_u64(n, "version", m->pub.n) < 0)
			rc = E_NOMEM;
	}
	g_list_free(all);
	if (rc < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "reply");
	}
	return session_reply(s, id, body);
}

static int show_members(struct server *srv, const struct meeting *m, struct proto_node *body)
{
	for (unsigned i = 0; i < m->n_members; i++) {
		const struct meet_member *mm = &m->members[i];
		const struct person *p = people_by_id(srv->people, mm->id);
		struct proto_node *n = proto_node_add(body, "member");

		if (!n || proto_node_set(n, "id", mm->id) < 0 ||
		    (p && proto_node_set(n, "name", p->name) < 0) ||
		    (mm->hall && proto_node_set(n, "hall", "1") < 0) ||
		    (mm->checkin && proto_node_set_u64(n, "checkin", (uint64_t)mm->checkin) < 0) ||
		    (mm->present && proto_node_set_u64(n, "present", mm->present) < 0))
			return E_NOMEM;
	}
	return E_OK;
}

static int show_items(const struct meeting *m, uint32_t mask, struct proto_node *body)
{
	for (unsigned i = 0; i < m->n_items; i++) {
		const struct meet_item *it = &m->items[i];
		struct proto_node *n;

		if (!meet_item_visible(m, i, mask))
			continue;
		if (!(n = proto_node_add(body, "item")) || proto_node_set_u64(n, "n", i + 1) < 0 ||
		    proto_node_set(n, "title", it->title) < 0 ||
		    (it->presenter && proto_node_set(n, "presenter", it->presenter) < 0) ||
		    (it->time && proto_node_set(n, "time", it->time) < 0) ||
		    (it->confidential && proto_node_set(n, "confidential", "1") < 0) ||
		    (it->conclusion && proto_node_set(n, "conclusion", it->conclusion) < 0) ||
		    (it->task_doc && proto_node_set(n, "task", it->task_doc) < 0))
			return E_NOMEM;
		for (unsigned d = 0; d < it->n_docs; d++) {
			struct proto_node *c = proto_node_add(n, "doc");

			if (!c || proto_node_set(c, "sha256", it->docs[d].sha) < 0 ||
			    proto_node_set(c, "name", it->docs[d].name) < 0 ||
			    proto_node_set_u64(c, "size", it->docs[d].size) < 0)
				return E_NOMEM;
		}
	}
	return E_OK;
}

static int show_votes(const struct meeting *m, uint32_t mask, struct proto_node *body)
{
	for (unsigned i = 0; i < m->n_votes; i++) {
		const struct meet_vote *v = &m->votes[i];
		struct proto_node *n;

		if (!meet_item_visible(m, v->item - 1, mask))
			continue;
		if (!(n = proto_node_add(body, "vote")) || proto_node_set_u64(n, "n", i + 1) < 0 ||
		    proto_node_set_u64(n, "item", v->item) < 0 ||
		    proto_node_set(n, "motion", v->motion) < 0 ||
		    proto_node_set(n, "state", v->open ? "open" : "closed") < 0 ||
		    (!v->open && (proto_node_set_u64(n, "yes", v->count[MC_YES]) < 0 ||
				  proto_node_set_u64(n, "no", v->count[MC_NO]) < 0 ||
				  proto_node_set_u64(n, "abstain", v->count[MC_ABSTAIN]) < 0)))
			return E_NOMEM;
	}
	return E_OK;
}

int op_meeting_show(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	struct server *srv = session_server(s);
	struct proto_node *body = NULL;
	struct meeting *m;
	uint32_t mask;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	mask = meet_mask(m, me->id, me->roles);
	if (!(body = proto_node_new("resp")) || proto_node_set(body, "meeting", m->id) < 0 ||
	    proto_node_set(body, "title", m->title) < 0 ||
	    proto_node_set(body, "start", m->start) < 0 ||
	    (m->end && proto_node_set(body, "end", m->end) < 0) ||
	    proto_node_set(body, "place", m->place) < 0 ||
	    proto_node_set(body, "chair", m->chair) < 0 ||
	    proto_node_set(body, "secretary", m->secretary) < 0 ||
	    proto_node_set(body, "state", state_word(m->state)) < 0 ||
	    proto_node_set_u64(body, "version", m->pub.n) < 0 ||
	    (m->pub.n && proto_node_set(body, "agenda", m->pub.agenda) < 0) ||
	    (m->minutes[0] && proto_node_set(body, "minutes", m->minutes) < 0) ||
	    (m->minutes_signed[0] &&
	     proto_node_set(body, "minutes-signed", m->minutes_signed) < 0) ||
	    proto_node_set_u64(body, "minutes-signatures", m->minutes_sigs) < 0 ||
	    (m->conclusion && proto_node_set(body, "conclusion", m->conclusion) < 0) ||
	    show_members(srv, m, body) < 0 || show_items(m, mask, body) < 0 ||
	    show_votes(m, mask, body) < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "reply");
	}
	return session_reply(s, id, body);
}
