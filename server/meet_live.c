/*
 * meet_live.c: the room of a meeting: the sessions that follow it, the
 * events pushed to them (and kept, so that a client reconnecting after a
 * drop receives only what it missed), the chair's position (item,
 * document, page: a few bytes per move), check-ins, speaker requests and
 * private notes.  Loop thread only.
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
#include "server/server.h"
#include "server/server_priv.h"
#include "server/session.h"
#include "workflow/repo.h"

static struct proto_node *node_clone(const struct proto_node *n)
{
	struct proto_node *c = proto_node_new(n->name);

	if (!c)
		return NULL;
	for (unsigned i = 0; i < n->nattrs; i++)
		if (proto_node_set(c, n->attrs[i].key, n->attrs[i].val) < 0)
			goto fail;
	if (n->text && proto_node_set_text(c, n->text) < 0)
		goto fail;
	for (const struct proto_node *k = n->child; k; k = k->next) {
		struct proto_node *kc = node_clone(k);

		if (!kc)
			goto fail;
		if (c->last)
			c->last->next = kc;
		else
			c->child = kc;
		c->last = kc;
	}
	return c;
fail:
	proto_node_free(c);
	return NULL;
}

/* 1 if @s may see events of item @item (1-based; 0: the whole meeting). */
static int may_see(const struct meeting *m, struct session *s, unsigned item)
{
	const struct person *p = session_person(s);

	return !item || meet_item_visible(m, item - 1, meet_mask(m, p->id, p->roles));
}

/* The node name of a kept event is its event name ("meeting.page"). */
void meet_event(struct server *srv, struct meeting *m, unsigned item, struct proto_node *ev)
{
	struct meet_event *slot = &m->ring[m->next_event % MEET_EVENTS_KEPT];
	unsigned sent = 0;

	if (!ev)
		return;
	if (proto_node_set(ev, "meeting", m->id) < 0 ||
	    proto_node_set_u64(ev, "n", m->next_event) < 0 ||
	    (item && proto_node_set_u64(ev, "item", item) < 0)) {
		log_err("meeting %s: event %s lost: out of memory", m->id, ev->name);
		proto_node_free(ev);
		return;
	}
	proto_node_free(slot->ev);
	slot->ev = ev;
	slot->n = m->next_event++;
	for (guint i = 0; i < m->joined->len;) {
		uint64_t sid = g_array_index(m->joined, uint64_t, i);
		struct session *s = session_by_sid(srv, sid);
		struct proto_node *copy;

		if (!s) {
			g_array_remove_index_fast(m->joined, i);
			continue;
		}
		i++;
		if (!may_see(m, s, item) || !(copy = node_clone(ev)))
			continue;
		if (session_event(s, ev->name, copy) == E_OK)
			sent++;
	}
	(void)sent;
}

static struct proto_node *event_new(const char *name)
{
	return proto_node_new(name);
}

/* The events after @since that @s may see, as <event> children of @resp;
 * 0 if some of them are no longer kept. */
static int replay(struct meeting *m, struct session *s, uint64_t since, struct proto_node *resp)
{
	uint64_t oldest = m->next_event > MEET_EVENTS_KEPT ? m->next_event - MEET_EVENTS_KEPT : 1;

	if (since + 1 < oldest)
		return 0;
	for (uint64_t n = since + 1; n < m->next_event; n++) {
		const struct meet_event *e = &m->ring[n % MEET_EVENTS_KEPT];
		uint64_t item = 0;
		struct proto_node *c;

		if (!e->ev || e->n != n)
			return 0;
		if (proto_attr(e->ev, "item"))
			proto_attr_u64(e->ev, "item", &item);
		if (!may_see(m, s, (unsigned)item))
			continue;
		if (!(c = node_clone(e->ev)))
			return -1;
		if (proto_node_set(c, "name", c->name) < 0) {
			proto_node_free(c);
			return -1;
		}
		free(c->name);
		c->name = strdup("event");
		if (!c->name) {
			proto_node_free(c);
			return -1;
		}
		if (resp->last)
			resp->last->next = c;
		else
			resp->child = c;
		resp->last = c;
	}
	return 1;
}

int meet_room(struct session *s, struct meeting *m, struct proto_node *resp)
{
	const struct person *me = session_person(s);
	int visible = may_see(m, s, m->cur_item);

	if (proto_node_set(resp, "meeting", m->id) < 0 ||
	    proto_node_set_u64(resp, "version", m->pub.n) < 0 ||
	    proto_node_set(resp, "state", m->state == MS_CLOSED ? "closed" : "open") < 0 ||
	    proto_node_set_u64(resp, "last", m->next_event - 1) < 0 ||
	    (visible && (proto_node_set_u64(resp, "item", m->cur_item) < 0 ||
			 proto_node_set_u64(resp, "page", m->cur_page) < 0 ||
			 (m->cur_doc[0] && proto_node_set(resp, "doc", m->cur_doc) < 0))))
		return err_set(E_NOMEM, "reply");
	for (unsigned i = 0; i < m->n_votes; i++)
		if (m->votes[i].open && may_see(m, s, m->votes[i].item)) {
			struct proto_node *v = proto_node_add(resp, "vote");
			gpointer mine = g_hash_table_lookup(m->votes[i].ballots, me->id);

			if (!v || proto_node_set_u64(v, "n", i + 1) < 0 ||
			    proto_node_set_u64(v, "item", m->votes[i].item) < 0 ||
			    proto_node_set(v, "motion", m->votes[i].motion) < 0 ||
			    (mine &&
			     proto_node_set(v, "mine",
					    meet_choice_name(GPOINTER_TO_INT(mine) - 1)) < 0))
				return err_set(E_NOMEM, "reply");
		}
	for (guint i = 0; i < m->speakers->len; i++) {
		struct proto_node *sp = proto_node_add(resp, "speaker");

		if (!sp || proto_node_set(sp, "person", g_ptr_array_index(m->speakers, i)) < 0)
			return err_set(E_NOMEM, "reply");
	}
	return E_OK;
}

int op_meeting_join(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	uint64_t sid = session_sid(s), since = 0;
	struct proto_node *resp = NULL;
	struct meet_member *mm;
	struct meeting *m;
	int rc, full = 1;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (proto_attr(req, "since") && proto_attr_u64(req, "since", &since) < 0)
		return err_set(E_INVAL, "since must be an event number");
	if (!(resp = proto_node_new("resp")) || (rc = meet_room(s, m, resp)) < 0)
		goto fail;
	if (since) {
		int r = replay(m, s, since, resp);

		if (r < 0) {
			rc = err_set(E_NOMEM, "reply");
			goto fail;
		}
		full = !r;
	}
	if (full && since && proto_node_set(resp, "full", "1") < 0) {
		rc = err_set(E_NOMEM, "reply");
		goto fail;
	}
	for (guint i = 0; i < m->joined->len; i++)
		if (g_array_index(m->joined, uint64_t, i) == sid)
			goto joined;
	g_array_append_val(m->joined, sid);
joined:
	if ((mm = meet_member(m, me->id)))
		mm->offline_since = 0;
	return session_reply(s, id, resp);
fail:
	proto_node_free(resp);
	return rc;
}

/* 1 if @id presents item @item (1-based) of @m. */
static int presents(const struct meeting *m, const struct person *p, unsigned item)
{
	const char *pr = item && item <= m->n_items ? m->items[item - 1].presenter : NULL;

	return pr && (strcmp(pr, p->id) == 0);
}

int op_meeting_goto(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	uint64_t item = 0, page = 1;
	const char *doc = proto_attr(req, "doc");
	struct proto_node *ev;
	struct meeting *m;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (proto_attr_u64(req, "item", &item) < 0 || !item || item > m->n_items)
		return err_set(E_INVAL, "item must be 1 to %u", m->n_items);
	if (proto_attr(req, "page") &&
	    (proto_attr_u64(req, "page", &page) < 0 || !page || page > 100000))
		return err_set(E_INVAL, "page must be 1 to 100000");
	if (!meet_runs(m, me->id, me->roles) && !presents(m, me, (unsigned)item))
		return err_set(E_PERM, "only the chair, the secretary or the item's presenter "
				       "moves the meeting");
	if (m->state == MS_CLOSED)
		return err_set(E_EXISTS, "the meeting is closed");
	if (doc) {
		const struct meet_item *it = &m->items[item - 1];
		unsigned d;

		for (d = 0; d < it->n_docs && strcmp(it->docs[d].sha, doc); d++)
			;
		if (d == it->n_docs && !(m->pub.n && strcmp(doc, m->pub.agenda) == 0))
			return err_set(E_NOTFOUND, "no such document in item %u", (unsigned)item);
	}
	m->cur_item = (unsigned)item;
	m->cur_page = (unsigned)page;
	snprintf(m->cur_doc, sizeof(m->cur_doc), "%s", doc ? doc : "");
	if (!(ev = event_new("meeting.page")) || proto_node_set_u64(ev, "page", page) < 0 ||
	    (doc && proto_node_set(ev, "doc", doc) < 0)) {
		proto_node_free(ev);
		return err_set(E_NOMEM, "event");
	}
	meet_event(session_server(s), m, (unsigned)item, ev);
	return session_reply(s, id, NULL);
}

/* A check-in made durable: into the record and the room. */
struct checkin {
	char person[128];
	time_t at;
	unsigned present;
};

static void checkin_done(struct server *srv, struct meeting *m, int ok, void *arg)
{
	struct checkin *c = arg;
	struct meet_member *mm = m ? meet_member(m, c->person) : NULL;
	struct proto_node *ev;

	if (ok && mm) {
		mm->checkin = c->at;
		mm->present = c->present;
		if ((ev = event_new("meeting.checkin")) &&
		    (proto_node_set(ev, "person", c->person) < 0 ||
		     (c->present && proto_node_set_u64(ev, "present", c->present) < 0))) {
			proto_node_free(ev);
			ev = NULL;
		}
		meet_event(srv, m, 0, ev);
	}
	g_free(c);
}

int op_meeting_checkin(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	char rest[REPO_PATH_MAX], path[REPO_PATH_MAX], shard[160], val[64];
	const char *files[2] = {path, val};
	uint64_t present = 0;
	struct meeting *m;
	struct checkin *c;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (!meet_member(m, me->id))
		return err_set(E_PERM, "only participants and halls check in");
	if (m->state == MS_CLOSED)
		return err_set(E_EXISTS, "the meeting is closed");
	if (proto_attr(req, "present") &&
	    (proto_attr_u64(req, "present", &present) < 0 || present > 100000))
		return err_set(E_INVAL, "present must be a number of people");
	if (present && !(me->roles & ROLE_HALL))
		return err_set(E_INVAL, "only a hall reports how many people are present");
	if ((rc = meet_shard(me->id, shard, sizeof(shard))) < 0)
		return rc;
	snprintf(rest, sizeof(rest), "in/%s", shard);
	if ((rc = meet_path(m, rest, path, sizeof(path))) < 0)
		return rc;
	c = g_new0(struct checkin, 1);
	snprintf(c->person, sizeof(c->person), "%s", me->id);
	c->at = time(NULL);
	c->present = (unsigned)present;
	snprintf(val, sizeof(val), "%lld %u\n", (long long)c->at, c->present);
	rc = meet_commit_files(s, id, m, present ? "điểm danh tại nhà văn hóa" : "điểm danh", files,
			       2, NULL, checkin_done, c);
	if (rc < 0)
		g_free(c);
	return rc;
}

/* meeting.speak: a request to speak, queued to the chair; with grant=ID
 * (the chair or secretary) the floor goes to ID, who leaves the queue;
 * with cancel="1" the caller leaves it. */
int op_meeting_speak(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	const char *grant = proto_attr(req, "grant");
	const char *who = grant ? grant : me->id;
	struct proto_node *ev = NULL;
	struct meeting *m;
	guint i;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (m->state == MS_CLOSED)
		return err_set(E_EXISTS, "the meeting is closed");
	if (grant && !meet_runs(m, me->id, me->roles))
		return err_set(E_PERM, "only the chair or the secretary gives the floor");
	for (i = 0; i < m->speakers->len && strcmp(g_ptr_array_index(m->speakers, i), who); i++)
		;
	if (grant || proto_attr(req, "cancel")) {
		if (i == m->speakers->len)
			return err_set(E_NOTFOUND, "%.40s has not asked to speak", who);
		g_ptr_array_remove_index(m->speakers, i);
		ev = event_new(grant ? "meeting.floor" : "meeting.speaker.cancel");
	} else {
		if (i < m->speakers->len)
			return err_set(E_EXISTS, "you are already waiting to speak");
		if (m->speakers->len == MEET_SPEAKERS_MAX)
			return err_set(E_BUSY, "%d people are waiting to speak", MEET_SPEAKERS_MAX);
		g_ptr_array_add(m->speakers, g_strdup(who));
		ev = event_new("meeting.speaker");
	}
	if (!ev || proto_node_set(ev, "person", who) < 0 ||
	    proto_node_set_u64(ev, "waiting", m->speakers->len) < 0) {
		proto_node_free(ev);
		return err_set(E_NOMEM, "event");
	}
	meet_event(session_server(s), m, 0, ev);
	return session_reply(s, id, NULL);
}

/* meeting.note: the caller's private note on one of the meeting's
 * documents (sha256), durable; without text, answers the note kept. */
int op_meeting_note(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	const char *sha = proto_attr(req, "sha256");
	const struct proto_node *t = proto_child(req, "text");
	char rest[REPO_PATH_MAX], path[REPO_PATH_MAX], shard[160];
	const char *files[2] = {path, NULL};
	struct meeting *m;
	int rc, found = 0;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (!sha || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
		return err_set(E_INVAL, "sha256 must name a document of the meeting");
	for (unsigned i = 0; i < m->n_items; i++)
		for (unsigned d = 0; d < m->items[i].n_docs; d++)
			found |= strcmp(m->items[i].docs[d].sha, sha) == 0 &&
				 meet_item_visible(m, i, meet_mask(m, me->id, me->roles));
	if (!found && !(m->pub.n && strcmp(sha, m->pub.agenda) == 0))
		return err_set(E_NOTFOUND, "no such document in the meeting");
	if ((rc = meet_shard(me->id, shard, sizeof(shard))) < 0)
		return rc;
	snprintf(rest, sizeof(rest), "notes/%s/%s", shard, sha);
	if ((rc = meet_path(m, rest, path, sizeof(path))) < 0)
		return rc;
	if (!t) {
		char *data = NULL;
		size_t len;
		struct proto_node *body;

		rc = repo_read(session_server(s)->reader, path, &data, &len);
		if (rc == E_NOTFOUND)
			return err_set(E_NOTFOUND, "no note of yours on this document");
		if (rc < 0)
			return rc;
		body = proto_node_new("resp");
		if (!body || !proto_node_add(body, "text") ||
		    proto_node_set_text(body->last, data) < 0) {
			free(data);
			proto_node_free(body);
			return err_set(E_NOMEM, "reply");
		}
		free(data);
		return session_reply(s, id, body);
	}
	if (!t->text || strlen(t->text) > MEET_NOTE_MAX)
		return err_set(E_INVAL, "a note is 1 to %d bytes", MEET_NOTE_MAX);
	files[1] = t->text;
	return meet_commit_files(s, id, m, "ghi chú riêng", files, 2, NULL, NULL, NULL);
}

void meet_session_gone(struct server *srv, struct session *s)
{
	const struct person *p = session_person(s);
	uint64_t sid = session_sid(s);
	GHashTableIter it;
	gpointer k, v;

	if (!srv->meetings || !p)
		return;
	g_hash_table_iter_init(&it, srv->meetings->by_id);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct meeting *m = v;
		struct meet_member *mm;
		int other = 0;

		for (guint i = 0; i < m->joined->len;) {
			uint64_t j = g_array_index(m->joined, uint64_t, i);
			struct session *o = j == sid ? NULL : session_by_sid(srv, j);

			if (j == sid || !o) {
				g_array_remove_index_fast(m->joined, i);
				continue;
			}
			other |= strcmp(session_person(o)->id, p->id) == 0;
			i++;
		}
		if (!other && (mm = meet_member(m, p->id)) && !mm->offline_since)
			mm->offline_since = time(NULL);
	}
}
