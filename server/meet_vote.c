/*
 * meet_vote.c: votes (biểu quyết).  The chair opens a vote on an item;
 * each participant answers once, Đồng ý / Không đồng ý / Không biểu quyết
 * (yes, no, abstain); each ballot is its own commit and is acknowledged
 * only once durable; late and second ballots are refused.  Closing
 * records the counts in meeting.xml after every ballot in flight has
 * landed, and announces them; the named ballots stay in git.
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
#include "workflow/repo.h"

/* The vote named by the request's "vote" attribute (1-based). */
static int vote_of(struct meeting *m, const struct proto_node *req, struct meet_vote **out)
{
	uint64_t n = 0;

	*out = NULL;
	if (proto_attr_u64(req, "vote", &n) < 0 || !n || n > m->n_votes)
		return err_set(E_NOTFOUND, "no vote %.10s in this meeting",
			       proto_attr(req, "vote") ? proto_attr(req, "vote") : "");
	*out = &m->votes[n - 1];
	return E_OK;
}

static unsigned vote_n(const struct meeting *m, const struct meet_vote *v)
{
	return (unsigned)(v - m->votes) + 1;
}

static void opened(struct server *srv, struct meeting *m, int ok, void *arg)
{
	unsigned n = GPOINTER_TO_UINT(arg);
	struct proto_node *ev;

	if (!ok || !m || n > m->n_votes)
		return;
	ev = proto_node_new("meeting.vote.open");
	if (ev && (proto_node_set_u64(ev, "vote", n) < 0 ||
		   proto_node_set(ev, "motion", m->votes[n - 1].motion) < 0)) {
		proto_node_free(ev);
		ev = NULL;
	}
	meet_event(srv, m, m->votes[n - 1].item, ev);
}

int op_meeting_vote_open(struct session *s, uint32_t id, const struct proto_node *req)
{
	const char *motion = proto_attr(req, "motion");
	struct meet_vote *v;
	struct meeting *m;
	struct proto_node *reply;
	uint64_t item = 0;
	char *saved;
	int rc;

	if ((rc = meet_runs_open(s, req, &m)) < 0)
		return rc;
	if (proto_attr_u64(req, "item", &item) < 0 || !item || item > m->n_items)
		return err_set(E_INVAL, "item must be 1 to %u", m->n_items);
	if (!motion || !*motion || strlen(motion) > MEET_TEXT_MAX)
		return err_set(E_INVAL, "a vote needs a motion of at most %d bytes", MEET_TEXT_MAX);
	if (m->state != MS_PUBLISHED)
		return err_set(E_INVAL, "publish the meeting before voting");
	for (unsigned i = 0; i < m->n_votes; i++)
		if (m->votes[i].open)
			return err_set(E_EXISTS, "vote %u is still open", i + 1);
	if (m->n_votes == MEET_VOTES_MAX)
		return err_set(E_TOOBIG, "more than %d votes in one meeting", MEET_VOTES_MAX);
	if (!(saved = meet_saved(m)))
		return err_set(E_INTERNAL, "meeting %s cannot be saved", m->id);
	v = &m->votes[m->n_votes++];
	memset(v, 0, sizeof(*v));
	v->item = (unsigned)item;
	v->motion = g_strdup(motion);
	v->open = 1;
	v->opened = time(NULL);
	v->ballots = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	v->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	reply = proto_node_new("resp");
	if (reply && proto_node_set_u64(reply, "vote", m->n_votes) < 0) {
		proto_node_free(reply);
		reply = NULL;
	}
	return meet_commit(s, id, m, saved, "mở biểu quyết", NULL, 0, reply, opened,
			   GUINT_TO_POINTER(m->n_votes));
}

static void closed(struct server *srv, struct meeting *m, int ok, void *arg)
{
	unsigned n = GPOINTER_TO_UINT(arg);
	const struct meet_vote *v;
	struct proto_node *ev;

	if (!ok || !m || n > m->n_votes)
		return;
	v = &m->votes[n - 1];
	ev = proto_node_new("meeting.vote.result");
	if (ev &&
	    (proto_node_set_u64(ev, "vote", n) < 0 || proto_node_set(ev, "motion", v->motion) < 0 ||
	     proto_node_set_u64(ev, "yes", v->count[MC_YES]) < 0 ||
	     proto_node_set_u64(ev, "no", v->count[MC_NO]) < 0 ||
	     proto_node_set_u64(ev, "abstain", v->count[MC_ABSTAIN]) < 0)) {
		proto_node_free(ev);
		ev = NULL;
	}
	meet_event(srv, m, v->item, ev);
}

/* The close of @v, once no ballot is in flight: counts into meeting.xml. */
static int close_now(struct session *s, uint32_t id, struct meeting *m, struct meet_vote *v)
{
	struct proto_node *reply = proto_node_new("resp");
	GHashTableIter it;
	gpointer k, val;
	char *saved;

	/* meeting.xml as it was: the vote open, with the counts then. */
	v->open = 1;
	saved = meet_saved(m);
	v->open = 0;
	memset(v->count, 0, sizeof(v->count));
	g_hash_table_iter_init(&it, v->ballots);
	while (g_hash_table_iter_next(&it, &k, &val))
		v->count[GPOINTER_TO_INT(val) - 1]++;
	if (!saved || !reply || proto_node_set_u64(reply, "vote", vote_n(m, v)) < 0 ||
	    proto_node_set_u64(reply, "yes", v->count[MC_YES]) < 0 ||
	    proto_node_set_u64(reply, "no", v->count[MC_NO]) < 0 ||
	    proto_node_set_u64(reply, "abstain", v->count[MC_ABSTAIN]) < 0) {
		v->open = 1;
		g_free(saved);
		proto_node_free(reply);
		return err_set(E_NOMEM, "closing the vote");
	}
	return meet_commit(s, id, m, saved, "kết thúc biểu quyết", NULL, 0, reply, closed,
			   GUINT_TO_POINTER(vote_n(m, v)));
}

/* A ballot in flight landed (or failed): the count, and a waiting close. */
struct ballot {
	char person[128];
	unsigned vote;
};

static void ballot_done(struct server *srv, struct meeting *m, int ok, void *arg)
{
	struct ballot *b = arg;
	struct meet_vote *v = m && b->vote <= m->n_votes ? &m->votes[b->vote - 1] : NULL;

	if (!v)
		goto out;
	g_hash_table_remove(v->pending, b->person);
	if (!ok)
		g_hash_table_remove(v->ballots, b->person);
	if (v->close_sid && !g_hash_table_size(v->pending)) {
		struct session *s = session_by_sid(srv, v->close_sid);
		uint32_t id = v->close_id;

		v->close_sid = 0;
		m->busy--;
		if (!s) {
			v->open = 1; /* the chair left before the close could be made */
			log_info("meeting %s: vote %u stays open: its closer left", m->id, b->vote);
		} else if (close_now(s, id, m, v) < 0) {
			v->open = 1;
			session_error(s, id, E_INTERNAL, err_detail());
		}
	}
out:
	g_free(b);
}

int op_meeting_vote(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	enum meet_choice c = meet_choice_parse(proto_attr(req, "choice"));
	char rest[REPO_PATH_MAX], path[REPO_PATH_MAX], shard[160], val[16];
	const char *files[2] = {path, val};
	struct proto_node *reply;
	struct meet_vote *v;
	struct meeting *m;
	struct ballot *b;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0 || (rc = vote_of(m, req, &v)) < 0)
		return rc;
	if (c == MC_NONE)
		return err_set(E_INVAL, "choice must be yes, no or abstain");
	if (!meet_member(m, me->id) || me->kind == PERSON_KIND_HALL)
		return err_set(E_PERM, "only the meeting's participants vote");
	if (!meet_item_visible(m, v->item - 1, meet_mask(m, me->id, me->roles)))
		return err_set(E_NOTFOUND, "no vote %u in this meeting", vote_n(m, v));
	if (!v->open)
		return err_set(E_INVAL, "vote %u is closed: the ballot is too late", vote_n(m, v));
	if (g_hash_table_contains(v->ballots, me->id))
		return err_set(E_EXISTS, "you have already voted in vote %u", vote_n(m, v));
	if ((rc = meet_shard(me->id, shard, sizeof(shard))) < 0)
		return rc;
	snprintf(rest, sizeof(rest), "votes/%u/%s", vote_n(m, v), shard);
	if ((rc = meet_path(m, rest, path, sizeof(path))) < 0)
		return rc;
	snprintf(val, sizeof(val), "%s\n", meet_choice_name(c));
	b = g_new0(struct ballot, 1);
	snprintf(b->person, sizeof(b->person), "%s", me->id);
	b->vote = vote_n(m, v);
	reply = proto_node_new("resp");
	if (reply && (proto_node_set_u64(reply, "vote", b->vote) < 0 ||
		      proto_node_set(reply, "choice", meet_choice_name(c)) < 0)) {
		proto_node_free(reply);
		reply = NULL;
	}
	g_hash_table_replace(v->ballots, g_strdup(me->id), GINT_TO_POINTER(c + 1));
	g_hash_table_replace(v->pending, g_strdup(me->id), GINT_TO_POINTER(1));
	if ((rc = meet_commit_files(s, id, m, "biểu quyết", files, 2, reply, ballot_done, b)) < 0) {
		g_hash_table_remove(v->ballots, me->id);
		g_hash_table_remove(v->pending, me->id);
		g_free(b);
	}
	return rc;
}

int op_meeting_vote_close(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct meet_vote *v;
	struct meeting *m;
	int rc;

	if ((rc = meet_runs_open(s, req, &m)) < 0 || (rc = vote_of(m, req, &v)) < 0)
		return rc;
	if (!v->open)
		return err_set(E_EXISTS, "vote %u is already closed", vote_n(m, v));
	v->closed = time(NULL);
	if (g_hash_table_size(v->pending)) {
		/* No new ballot from now on; closed once those in flight land. */
		v->open = 0;
		v->close_sid = session_sid(s);
		v->close_id = id;
		m->busy++;
		return E_OK;
	}
	return close_now(s, id, m, v);
}

int op_meeting_vote_show(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	struct server *srv = session_server(s);
	struct proto_node *body = NULL;
	struct meet_vote *v;
	struct meeting *m;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0 || (rc = vote_of(m, req, &v)) < 0)
		return rc;
	if (!meet_item_visible(m, v->item - 1, meet_mask(m, me->id, me->roles)))
		return err_set(E_NOTFOUND, "no vote %u in this meeting", vote_n(m, v));
	if (v->open || v->close_sid)
		return err_set(E_INVAL, "vote %u is still open", vote_n(m, v));
	if (!(body = proto_node_new("resp")) ||
	    proto_node_set_u64(body, "vote", vote_n(m, v)) < 0 ||
	    proto_node_set_u64(body, "item", v->item) < 0 ||
	    proto_node_set(body, "motion", v->motion) < 0 ||
	    proto_node_set_u64(body, "yes", v->count[MC_YES]) < 0 ||
	    proto_node_set_u64(body, "no", v->count[MC_NO]) < 0 ||
	    proto_node_set_u64(body, "abstain", v->count[MC_ABSTAIN]) < 0)
		goto nomem;
	/* Named, in the order of the meeting's list of participants. */
	for (unsigned i = 0; i < m->n_members; i++) {
		gpointer c = g_hash_table_lookup(v->ballots, m->members[i].id);
		const struct person *p = people_by_id(srv->people, m->members[i].id);
		struct proto_node *n;

		if (!c)
			continue;
		if (!(n = proto_node_add(body, "ballot")) ||
		    proto_node_set(n, "person", m->members[i].id) < 0 ||
		    (p && proto_node_set(n, "name", p->name) < 0) ||
		    proto_node_set(n, "choice", meet_choice_name(GPOINTER_TO_INT(c) - 1)) < 0)
			goto nomem;
	}
	return session_reply(s, id, body);
nomem:
	proto_node_free(body);
	return err_set(E_NOMEM, "reply");
}
