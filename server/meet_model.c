/*
 * meet_model.c: a meeting in memory, its meeting.xml (written and read
 * with the wire codec, so it gets the same caps and safe parsing), its
 * definition from a request, who may see what, and loading every meeting
 * from git at start.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/roles.h"
#include "server/files.h"
#include "server/meet_priv.h"
#include "pdf/gen.h"
#include "server/people.h"
#include "server/server.h"
#include "workflow/repo.h"

struct meeting *meet_new(void)
{
	struct meeting *m = g_new0(struct meeting, 1);

	m->speakers = g_ptr_array_new_with_free_func(g_free);
	m->joined = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	m->next_event = 1;
	m->cur_item = 1;
	m->cur_page = 1;
	return m;
}

static void item_clear(struct meet_item *it)
{
	g_free(it->title);
	g_free(it->presenter);
	g_free(it->time);
	g_free(it->invite);
	g_free(it->conclusion);
	g_free(it->task_lead);
	g_free(it->task_due);
	g_free(it->task_doc);
	for (unsigned i = 0; i < it->n_docs; i++)
		g_free(it->docs[i].name);
	memset(it, 0, sizeof(*it));
}

static void members_free(struct meet_member *mm, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		g_free(mm[i].id);
	g_free(mm);
}

void meet_free(struct meeting *m)
{
	if (!m)
		return;
	g_free(m->title);
	g_free(m->start);
	g_free(m->end);
	g_free(m->place);
	g_free(m->chair);
	g_free(m->secretary);
	g_free(m->conclusion);
	members_free(m->members, m->n_members);
	for (unsigned i = 0; i < m->n_items; i++)
		item_clear(&m->items[i]);
	for (unsigned i = 0; i < m->n_votes; i++) {
		g_free(m->votes[i].motion);
		if (m->votes[i].ballots)
			g_hash_table_destroy(m->votes[i].ballots);
		if (m->votes[i].pending)
			g_hash_table_destroy(m->votes[i].pending);
	}
	for (unsigned i = 0; i < MEET_EVENTS_KEPT; i++)
		proto_node_free(m->ring[i].ev);
	if (m->pub.files)
		g_hash_table_destroy(m->pub.files);
	g_ptr_array_free(m->speakers, TRUE);
	g_array_free(m->joined, TRUE);
	g_free(m);
}

static const char *state_name(enum meet_state s)
{
	return s == MS_DRAFT ? "draft" : s == MS_PUBLISHED ? "published" : "closed";
}

const char *meet_choice_name(enum meet_choice c)
{
	return c == MC_YES ? "yes" : c == MC_NO ? "no" : c == MC_ABSTAIN ? "abstain" : "";
}

enum meet_choice meet_choice_parse(const char *s)
{
	if (!s)
		return MC_NONE;
	if (strcmp(s, "yes") == 0)
		return MC_YES;
	if (strcmp(s, "no") == 0)
		return MC_NO;
	if (strcmp(s, "abstain") == 0)
		return MC_ABSTAIN;
	return MC_NONE;
}

int meet_path(const struct meeting *m, const char *rest, char *out, size_t size)
{
	const char *dash = strchr(m->id, '-');
	int n;

	if (!dash || dash - m->id != 4)
		return err_set(E_INTERNAL, "meeting id %s", m->id);
	n = snprintf(out, size, "meetings/%.4s/%s/%s", m->id, dash + 1, rest);
	return n > 0 && (size_t)n < size ? E_OK : err_set(E_TOOBIG, "path");
}

/* Attribute helpers: a NULL value is left out. */
static int set(struct proto_node *n, const char *k, const char *v)
{
	return v ? proto_node_set(n, k, v) : E_OK;
}

static int set_time(struct proto_node *n, const char *k, time_t t)
{
	return t ? proto_node_set_u64(n, k, (uint64_t)t) : E_OK;
}

static int item_to_node(struct proto_node *root, const struct meet_item *it)
{
	struct proto_node *n = proto_node_add(root, "item"), *c;
	int rc = n ? E_OK : E_NOMEM;

	if (rc == E_OK &&
	    ((rc = set(n, "title", it->title)) < 0 ||
	     (rc = set(n, "presenter", it->presenter)) < 0 || (rc = set(n, "time", it->time)) < 0 ||
	     (rc = set(n, "confidential", it->confidential ? "1" : NULL)) < 0 ||
	     (rc = set(n, "invite", it->invite)) < 0))
		return rc;
	for (unsigned i = 0; rc == E_OK && i < it->n_docs; i++) {
		const struct meet_doc *d = &it->docs[i];

		if (!(c = proto_node_add(n, "doc")))
			return err_set(E_NOMEM, "meeting.xml");
		if ((rc = proto_node_set(c, "sha256", d->sha)) < 0 ||
		    (rc = set(c, "name", d->name)) < 0 ||
		    (rc = proto_node_set_u64(c, "size", d->size)) < 0)
			return rc;
		if (d->prefix[0] &&
		    ((rc = proto_node_set(c, "prefix", d->prefix)) < 0 ||
		     (rc = proto_node_set_u64(c, "prefix-size", d->prefix_size)) < 0))
			return rc;
	}
	if (rc == E_OK && it->conclusion) {
		if (!(c = proto_node_add(n, "conclusion")))
			return err_set(E_NOMEM, "meeting.xml");
		if ((rc = set(c, "lead", it->task_lead)) < 0 ||
		    (rc = set(c, "due", it->task_due)) < 0 ||
		    (rc = set(c, "task", it->task_doc)) < 0 ||
		    (rc = proto_node_set_text(c, it->conclusion)) < 0)
			return rc;
	}
	return rc == E_NOMEM ? err_set(E_NOMEM, "meeting.xml") : rc;
}

static int record_to_node(struct proto_node *root, const struct meeting *m)
{
	struct proto_node *n;
	int rc = E_OK;

	if (m->pub.n) {
		if (!(n = proto_node_add(root, "version")))
			return err_set(E_NOMEM, "meeting.xml");
		if ((rc = proto_node_set_u64(n, "n", m->pub.n)) < 0 ||
		    (rc = set_time(n, "at", m->pub.at)) < 0 ||
		    (rc = proto_node_set(n, "agenda", m->pub.agenda)) < 0)
			return rc;
		for (unsigned i = 0; i < m->pub.n_aud; i++) {
			struct proto_node *a = proto_node_add(n, "audience");

			if (!a || proto_node_set_u64(a, "mask", m->pub.aud[i].mask) < 0 ||
			    proto_node_set(a, "manifest", m->pub.aud[i].manifest) < 0 ||
			    proto_node_set(a, "cms", m->pub.aud[i].cms) < 0)
				return err_set(E_NOMEM, "meeting.xml");
		}
	}
	for (unsigned i = 0; i < m->n_votes; i++) {
		const struct meet_vote *v = &m->votes[i];

		if (!(n = proto_node_add(root, "vote")) ||
		    proto_node_set_u64(n, "item", v->item) < 0 ||
		    proto_node_set(n, "motion", v->motion) < 0 ||
		    set(n, "open", v->open ? "1" : NULL) < 0 ||
		    set_time(n, "opened", v->opened) < 0 || set_time(n, "closed", v->closed) < 0 ||
		    proto_node_set_u64(n, "yes", v->count[MC_YES]) < 0 ||
		    proto_node_set_u64(n, "no", v->count[MC_NO]) < 0 ||
		    proto_node_set_u64(n, "abstain", v->count[MC_ABSTAIN]) < 0)
			return err_set(E_NOMEM, "meeting.xml");
	}
	if (m->conclusion && (!(n = proto_node_add(root, "conclusion")) ||
			      proto_node_set_text(n, m->conclusion) < 0))
		return err_set(E_NOMEM, "meeting.xml");
	return rc;
}

int meet_to_xml(const struct meeting *m, char **out)
{
	struct proto_node *root = proto_node_new("meeting");
	struct buf b;
	int rc;

	*out = NULL;
	buf_init(&b, PROTO_CONTROL_MAX + PROTO_HDR_LEN);
	if (!root) {
		rc = err_set(E_NOMEM, "meeting.xml");
		goto out;
	}
	if ((rc = proto_node_set(root, "id", m->id)) < 0 ||
	    (rc = proto_node_set(root, "state", state_name(m->state))) < 0 ||
	    (rc = set(root, "title", m->title)) < 0 || (rc = set(root, "start", m->start)) < 0 ||
	    (rc = set(root, "end", m->end)) < 0 || (rc = set(root, "place", m->place)) < 0 ||
	    (rc = set(root, "chair", m->chair)) < 0 ||
	    (rc = set(root, "secretary", m->secretary)) < 0 ||
	    (rc = set_time(root, "created", m->created)) < 0 ||
	    (rc = set_time(root, "closed", m->closed)) < 0 ||
	    (rc = set(root, "minutes", m->minutes[0] ? m->minutes : NULL)) < 0 ||
	    (rc = set(root, "minutes-signed", m->minutes_signed[0] ? m->minutes_signed : NULL)) <
		    0 ||
	    (rc = proto_node_set_u64(root, "minutes-signatures", m->minutes_sigs)) < 0)
		goto out;
	for (unsigned i = 0; i < m->n_members; i++) {
		const struct meet_member *mm = &m->members[i];
		struct proto_node *n = proto_node_add(root, "member");

		if (!n || proto_node_set(n, "id", mm->id) < 0 ||
		    set(n, "hall", mm->hall ? "1" : NULL) < 0) {
			rc = err_set(E_NOMEM, "meeting.xml");
			goto out;
		}
	}
	for (unsigned i = 0; i < m->n_items; i++)
		if ((rc = item_to_node(root, &m->items[i])) < 0)
			goto out;
	if ((rc = record_to_node(root, m)) < 0 || (rc = proto_control_build(&b, root)) < 0)
		goto out;
	if (!(*out = g_strndup((const char *)b.data + PROTO_HDR_LEN, b.len - PROTO_HDR_LEN)))
		rc = err_set(E_NOMEM, "meeting.xml");
out:
	proto_node_free(root);
	buf_free(&b);
	return rc;
}

static char *dup_attr(const struct proto_node *n, const char *k)
{
	return g_strdup(proto_attr(n, k));
}

static time_t time_attr(const struct proto_node *n, const char *k)
{
	uint64_t v = 0;

	return proto_attr(n, k) && proto_attr_u64(n, k, &v) == E_OK ? (time_t)v : 0;
}

static int sha_ok(const char *s)
{
	uint8_t raw[32];

	return s && strlen(s) == 64 && proto_unhex(raw, s) == E_OK;
}

/* An <item> of meeting.xml or of a request into @it (zeroed by the caller). */
static int item_from_node(struct meet_item *it, const struct proto_node *n)
{
	const char *t = proto_attr(n, "title");

	if (!t || !*t || strlen(t) > MEET_TEXT_MAX)
		return err_set(E_INVAL, "an <item> needs a title of at most %d bytes",
			       MEET_TEXT_MAX);
	it->title = g_strdup(t);
	it->presenter = dup_attr(n, "presenter");
	it->time = dup_attr(n, "time");
	it->confidential =
		proto_attr(n, "confidential") && strcmp(proto_attr(n, "confidential"), "1") == 0;
	it->invite = dup_attr(n, "invite");
	for (const struct proto_node *c = n->child; c; c = c->next) {
		if (strcmp(c->name, "doc") == 0) {
			struct meet_doc *d = &it->docs[it->n_docs];
			uint64_t v = 0;

			if (it->n_docs == MEET_DOCS_MAX)
				return err_set(E_TOOBIG, "more than %d documents in item \"%.40s\"",
					       MEET_DOCS_MAX, t);
			if (!sha_ok(proto_attr(c, "sha256")))
				return err_set(E_INVAL, "a <doc> needs sha256 of 64 hex digits");
			snprintf(d->sha, sizeof(d->sha), "%s", proto_attr(c, "sha256"));
			d->name = dup_attr(c, "name");
			if (proto_attr(c, "size") && proto_attr_u64(c, "size", &v) == E_OK)
				d->size = v;
			if (sha_ok(proto_attr(c, "prefix")) &&
			    proto_attr_u64(c, "prefix-size", &v) == E_OK) {
				snprintf(d->prefix, sizeof(d->prefix), "%s",
					 proto_attr(c, "prefix"));
				d->prefix_size = v;
			}
			it->n_docs++;
		} else if (strcmp(c->name, "conclusion") == 0 && c->text) {
			it->conclusion = g_strdup(c->text);
			it->task_lead = dup_attr(c, "lead");
			it->task_due = dup_attr(c, "due");
			it->task_doc = dup_attr(c, "task");
		}
	}
	return E_OK;
}

static int member_add(struct meeting *m, const char *id, int hall)
{
	if (!id || !*id)
		return err_set(E_INVAL, "a <member> needs an id");
	if (meet_member(m, id))
		return err_set(E_INVAL, "%.40s is listed twice", id);
	if (m->n_members == MEET_MEMBERS_MAX)
		return err_set(E_TOOBIG, "more than %d participants and halls", MEET_MEMBERS_MAX);
	if (m->n_members % 64 == 0)
		m->members = g_renew(struct meet_member, m->members, m->n_members + 64);
	memset(&m->members[m->n_members], 0, sizeof(m->members[0]));
	m->members[m->n_members].id = g_strdup(id);
	m->members[m->n_members].hall = hall;
	m->n_members++;
	return E_OK;
}

static int record_from_node(struct meeting *m, const struct proto_node *c)
{
	uint64_t v = 0;

	if (strcmp(c->name, "version") == 0) {
		if (proto_attr_u64(c, "n", &v) < 0 || !sha_ok(proto_attr(c, "agenda")))
			return err_set(E_CORRUPT, "meeting %s: a bad <version>", m->id);
		m->pub.n = (unsigned)v;
		m->pub.at = time_attr(c, "at");
		snprintf(m->pub.agenda, sizeof(m->pub.agenda), "%s", proto_attr(c, "agenda"));
		for (const struct proto_node *a = c->child; a; a = a->next) {
			if (strcmp(a->name, "audience") || m->pub.n_aud == MEET_ITEMS_MAX + 1)
				continue;
			if (proto_attr_u64(a, "mask", &v) < 0 ||
			    !sha_ok(proto_attr(a, "manifest")) || !sha_ok(proto_attr(a, "cms")))
				return err_set(E_CORRUPT, "meeting %s: a bad <audience>", m->id);
			m->pub.aud[m->pub.n_aud].mask = (uint32_t)v;
			snprintf(m->pub.aud[m->pub.n_aud].manifest, 65, "%s",
				 proto_attr(a, "manifest"));
			snprintf(m->pub.aud[m->pub.n_aud].cms, 65, "%s", proto_attr(a, "cms"));
			m->pub.n_aud++;
		}
	} else if (strcmp(c->name, "vote") == 0) {
		struct meet_vote *vt = &m->votes[m->n_votes];

		if (m->n_votes == MEET_VOTES_MAX || proto_attr_u64(c, "item", &v) < 0 || !v ||
		    v > m->n_items || !proto_attr(c, "motion"))
			return err_set(E_CORRUPT, "meeting %s: a bad <vote>", m->id);
		vt->item = (unsigned)v;
		vt->motion = dup_attr(c, "motion");
		vt->open = proto_attr(c, "open") != NULL;
		vt->opened = time_attr(c, "opened");
		vt->closed = time_attr(c, "closed");
		vt->count[MC_YES] = (unsigned)time_attr(c, "yes");
		vt->count[MC_NO] = (unsigned)time_attr(c, "no");
		vt->count[MC_ABSTAIN] = (unsigned)time_attr(c, "abstain");
		vt->ballots = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		vt->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		m->n_votes++;
	} else if (strcmp(c->name, "conclusion") == 0 && c->text) {
		m->conclusion = g_strdup(c->text);
	}
	return E_OK;
}

static void copy_sha(char dst[65], const char *src)
{
	snprintf(dst, 65, "%s", sha_ok(src) ? src : "");
}

int meet_from_xml(struct meeting **out, const char *xml, size_t len)
{
	struct proto_node *root = NULL;
	struct meeting *m = meet_new();
	const char *st;
	int rc;

	*out = NULL;
	if ((rc = proto_control_parse((const uint8_t *)xml, len, &root)) < 0)
		goto out;
	st = proto_attr(root, "state");
	if (strcmp(root->name, "meeting") || !proto_attr(root, "id") ||
	    strlen(proto_attr(root, "id")) >= MEET_ID_MAX || !st) {
		rc = err_set(E_CORRUPT, "meeting.xml without its id or state");
		goto out;
	}
	snprintf(m->id, sizeof(m->id), "%s", proto_attr(root, "id"));
	m->state = strcmp(st, "draft") == 0    ? MS_DRAFT
		   : strcmp(st, "closed") == 0 ? MS_CLOSED
					       : MS_PUBLISHED;
	m->title = dup_attr(root, "title");
	m->start = dup_attr(root, "start");
	m->end = dup_attr(root, "end");
	m->place = dup_attr(root, "place");
	m->chair = dup_attr(root, "chair");
	m->secretary = dup_attr(root, "secretary");
	m->created = time_attr(root, "created");
	m->closed = time_attr(root, "closed");
	copy_sha(m->minutes, proto_attr(root, "minutes"));
	copy_sha(m->minutes_signed, proto_attr(root, "minutes-signed"));
	m->minutes_sigs = (unsigned)time_attr(root, "minutes-signatures");
	for (const struct proto_node *c = root->child; c; c = c->next) {
		if (strcmp(c->name, "member") == 0) {
			if ((rc = member_add(m, proto_attr(c, "id"),
					     proto_attr(c, "hall") != NULL)) < 0)
				goto out;
		} else if (strcmp(c->name, "item") == 0) {
			if (m->n_items == MEET_ITEMS_MAX) {
				rc = err_set(E_CORRUPT, "meeting %s: too many items", m->id);
				goto out;
			}
			if ((rc = item_from_node(&m->items[m->n_items++], c)) < 0)
				goto out;
		} else if ((rc = record_from_node(m, c)) < 0) {
			goto out;
		}
	}
	*out = m;
	m = NULL;
out:
	if (rc < 0 && rc != E_CORRUPT)
		rc = err_set(E_CORRUPT, "meeting.xml: %s", err_detail());
	proto_node_free(root);
	meet_free(m);
	return rc;
}

struct meet_member *meet_member(const struct meeting *m, const char *id)
{
	for (unsigned i = 0; id && i < m->n_members; i++)
		if (strcmp(m->members[i].id, id) == 0)
			return &m->members[i];
	return NULL;
}

int meet_runs(const struct meeting *m, const char *id, unsigned roles)
{
	return (roles & ROLE_ADMIN) || (m->chair && strcmp(m->chair, id) == 0) ||
	       (m->secretary && strcmp(m->secretary, id) == 0);
}

static int listed(const char *csv, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = csv; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && memcmp(p, id, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

uint32_t meet_mask(const struct meeting *m, const char *id, unsigned roles)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < m->n_items; i++)
		if (m->items[i].confidential &&
		    (meet_runs(m, id, roles) || listed(m->items[i].invite, id)))
			mask |= 1u << i;
	return mask;
}

int meet_item_visible(const struct meeting *m, unsigned i, uint32_t mask)
{
	return i < m->n_items && (!m->items[i].confidential || (mask & (1u << i)));
}

/* The definition's attributes, checked, into a scratch meeting @t. */
static int define_head(struct meeting *t, struct server *srv, const struct proto_node *req)
{
	static const char *const req_attrs[] = {"title", "start", "place", "chair", "secretary"};
	const struct person *p;

	for (size_t i = 0; i < G_N_ELEMENTS(req_attrs); i++) {
		const char *v = proto_attr(req, req_attrs[i]);

		if (!v || !*v || strlen(v) > MEET_TEXT_MAX)
			return err_set(E_INVAL, "missing or over-long attribute %s", req_attrs[i]);
	}
	t->title = dup_attr(req, "title");
	t->start = dup_attr(req, "start");
	t->end = dup_attr(req, "end");
	t->place = dup_attr(req, "place");
	t->chair = dup_attr(req, "chair");
	t->secretary = dup_attr(req, "secretary");
	if (!(p = people_by_id(srv->people, t->chair)) || p->revoked ||
	    p->kind != PERSON_KIND_PERSON)
		return err_set(E_NOTFOUND, "no person %.40s to chair the meeting", t->chair);
	if (!(p = people_by_id(srv->people, t->secretary)) || p->revoked ||
	    p->kind != PERSON_KIND_PERSON)
		return err_set(E_NOTFOUND, "no person %.40s to be the secretary", t->secretary);
	return E_OK;
}

static int define_member(struct meeting *t, struct server *srv, const struct proto_node *c)
{
	const char *id = proto_attr(c, "id");
	const struct person *p = id ? people_by_id(srv->people, id) : NULL;
	int rc;

	if (!p || p->revoked)
		return err_set(E_NOTFOUND, "no person or hall %.40s", id ? id : "");
	if ((rc = member_add(t, id, p->kind == PERSON_KIND_HALL)) < 0)
		return rc;
	return E_OK;
}

static int define_docs(struct meet_item *it, struct server *srv)
{
	for (unsigned d = 0; d < it->n_docs; d++) {
		uint8_t raw[32];
		uint64_t size;

		proto_unhex(raw, it->docs[d].sha);
		if (files_stat(srv->files, raw, &size) < 0)
			return err_set(E_NOTFOUND,
				       "file %.16s… is not on the server: file.put first",
				       it->docs[d].sha);
		it->docs[d].size = size;
		it->docs[d].prefix[0] = '\0';
		if (!it->docs[d].name)
			it->docs[d].name = g_strdup_printf("tai-lieu-%u.pdf", d + 1);
	}
	return E_OK;
}

/* Moves the definition of @t into @m, keeping @m's record (checkins of
 * members who stay, votes, versions). */
static void define_swap(struct meeting *m, struct meeting *t)
{
	struct meeting keep;

	for (unsigned i = 0; i < t->n_members; i++) {
		const struct meet_member *old = meet_member(m, t->members[i].id);

		if (old) {
			char *id = t->members[i].id;

			t->members[i] = *old;
			t->members[i].id = id;
		}
	}
	keep = *m;
#define SWAP(f)                \
	do {                   \
		m->f = t->f;   \
		t->f = keep.f; \
	} while (0)
	SWAP(title);
	SWAP(start);
	SWAP(end);
	SWAP(place);
	SWAP(chair);
	SWAP(secretary);
	SWAP(members);
	SWAP(n_members);
	SWAP(n_items);
#undef SWAP
	for (unsigned i = 0; i < MEET_ITEMS_MAX; i++) {
		struct meet_item it = m->items[i];

		m->items[i] = t->items[i];
		t->items[i] = it;
	}
	/* Conclusions recorded on items that stay where they were. */
	for (unsigned i = 0; i < m->n_items && i < t->n_items; i++)
		if (!m->items[i].conclusion && t->items[i].conclusion) {
			m->items[i].conclusion = t->items[i].conclusion;
			m->items[i].task_lead = t->items[i].task_lead;
			m->items[i].task_due = t->items[i].task_due;
			t->items[i].conclusion = t->items[i].task_lead = t->items[i].task_due =
				NULL;
		}
}

int meet_define(struct meeting *m, struct server *srv, const struct proto_node *req)
{
	struct meeting *t = meet_new();
	int rc;

	if ((rc = define_head(t, srv, req)) < 0)
		goto out;
	for (const struct proto_node *c = req->child; c; c = c->next) {
		if (strcmp(c->name, "member") == 0) {
			if ((rc = define_member(t, srv, c)) < 0)
				goto out;
		} else if (strcmp(c->name, "item") == 0) {
			if (t->n_items == MEET_ITEMS_MAX) {
				rc = err_set(E_TOOBIG, "more than %d agenda items", MEET_ITEMS_MAX);
				goto out;
			}
			if ((rc = item_from_node(&t->items[t->n_items++], c)) < 0 ||
			    (rc = define_docs(&t->items[t->n_items - 1], srv)) < 0)
				goto out;
		}
	}
	if (!t->n_items) {
		rc = err_set(E_INVAL, "a meeting needs at least one <item>");
		goto out;
	}
	for (unsigned i = 0; i < m->n_votes; i++)
		if (m->votes[i].item > t->n_items) {
			rc = err_set(E_INVAL, "item %u has a vote: it cannot be removed",
				     m->votes[i].item);
			goto out;
		}
	define_swap(m, t);
out:
	meet_free(t);
	return rc;
}

int meet_restore(struct meeting *m, const char *saved)
{
	struct meeting *t = NULL;
	int rc = meet_from_xml(&t, saved, strlen(saved));

	if (rc < 0)
		return rc;
	define_swap(m, t);
#define SWAP(f)                               \
	do {                                  \
		__typeof__(m->f) tmp_ = m->f; \
		m->f = t->f;                  \
		t->f = tmp_;                  \
	} while (0)
	SWAP(state);
	SWAP(pub);
	SWAP(conclusion);
	SWAP(closed);
	SWAP(minutes_sigs);
#undef SWAP
	memcpy(m->minutes, t->minutes, sizeof(m->minutes));
	memcpy(m->minutes_signed, t->minutes_signed, sizeof(m->minutes_signed));
	/* Votes: the saved ones with the ballots gathered in memory. */
	for (unsigned i = 0; i < t->n_votes && i < m->n_votes; i++) {
		char *motion = m->votes[i].motion;

		m->votes[i].motion = t->votes[i].motion;
		t->votes[i].motion = motion;
		m->votes[i].open = t->votes[i].open;
		m->votes[i].closed = t->votes[i].closed;
		if (!m->votes[i].open)
			memcpy(m->votes[i].count, t->votes[i].count, sizeof(m->votes[i].count));
	}
	for (unsigned i = t->n_votes; i < m->n_votes; i++) {
		/* A vote opened by the failed change: gone. */
		g_free(m->votes[i].motion);
		g_hash_table_destroy(m->votes[i].ballots);
		g_hash_table_destroy(m->votes[i].pending);
		memset(&m->votes[i], 0, sizeof(m->votes[i]));
	}
	if (t->n_votes < m->n_votes)
		m->n_votes = t->n_votes;
	meet_free(t);
	return E_OK;
}

int meet_shard(const char *id, char *out, size_t size)
{
	uint32_t h = 2166136261u;
	int n;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 16777619u;
	n = snprintf(out, size, "%02x/%s", h & 0x3f, id);
	return n > 0 && (size_t)n < size ? E_OK
					 : err_set(E_TOOBIG, "person id %.40s… too long", id);
}

/* The durable ballots and check-ins of @m's members. */
static int load_record(struct meeting *m, struct server *srv)
{
	char rest[REPO_PATH_MAX + 32], path[REPO_PATH_MAX + 64], shard[160], *data;
	size_t len;
	int rc;

	for (unsigned i = 0; i < m->n_members; i++) {
		struct meet_member *mm = &m->members[i];

		if ((rc = meet_shard(mm->id, shard, sizeof(shard))) < 0)
			return rc;
		snprintf(rest, sizeof(rest), "in/%s", shard);
		if ((rc = meet_path(m, rest, path, sizeof(path))) < 0)
			return rc;
		if (repo_read(srv->reader, path, &data, &len) == E_OK) {
			unsigned long long t = 0;
			unsigned present = 0;

			if (sscanf(data, "%llu %u", &t, &present) >= 1) {
				mm->checkin = (time_t)t;
				mm->present = present;
			}
			free(data);
		}
		for (unsigned v = 0; v < m->n_votes; v++) {
			enum meet_choice c;

			snprintf(rest, sizeof(rest), "votes/%u/%s", v + 1, shard);
			if ((rc = meet_path(m, rest, path, sizeof(path))) < 0)
				return rc;
			if (repo_read(srv->reader, path, &data, &len) < 0)
				continue;
			data[strcspn(data, "\n")] = '\0';
			c = meet_choice_parse(data);
			free(data);
			if (c == MC_NONE)
				return err_set(E_CORRUPT, "meeting %s: a bad ballot of %s", m->id,
					       mm->id);
			g_hash_table_replace(m->votes[v].ballots, g_strdup(mm->id),
					     GINT_TO_POINTER(c + 1));
		}
	}
	/* The counts of open votes come from their ballots. */
	for (unsigned v = 0; v < m->n_votes; v++) {
		GHashTableIter it;
		gpointer k, val;

		if (!m->votes[v].open)
			continue;
		memset(m->votes[v].count, 0, sizeof(m->votes[v].count));
		g_hash_table_iter_init(&it, m->votes[v].ballots);
		while (g_hash_table_iter_next(&it, &k, &val))
			m->votes[v].count[GPOINTER_TO_INT(val) - 1]++;
	}
	return E_OK;
}

/* Reads one year's meetings. */
static int load_year(struct meet_set *set, struct server *srv, unsigned year)
{
	char path[REPO_PATH_MAX], *data = NULL;
	size_t len;
	unsigned count;
	int rc;

	snprintf(path, sizeof(path), "meetings/%u/count", year);
	if ((rc = repo_read(srv->reader, path, &data, &len)) == E_NOTFOUND)
		return E_OK;
	if (rc < 0)
		return rc;
	count = (unsigned)strtoul(data, NULL, 10);
	free(data);
	set->year_count[year - 2000] = count;
	for (unsigned seq = 1; seq <= count; seq++) {
		struct meeting *m = NULL;

		snprintf(path, sizeof(path), "meetings/%u/%04u/meeting.xml", year, seq);
		if ((rc = repo_read(srv->reader, path, &data, &len)) == E_NOTFOUND)
			continue;
		if (rc < 0 || (rc = meet_from_xml(&m, data, len)) < 0) {
			free(data);
			return rc;
		}
		free(data);
		if ((rc = load_record(m, srv)) < 0) {
			meet_free(m);
			return rc;
		}
		g_hash_table_replace(set->by_id, m->id, m);
	}
	return E_OK;
}

int meet_load(struct meet_set *set, struct server *srv)
{
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	gmtime_r(&now, &tm);
	for (unsigned y = 2020; y <= (unsigned)tm.tm_year + 1901 && y < 2199; y++)
		if ((rc = load_year(set, srv, y)) < 0) {
			log_err("meetings of %u: %s", y, err_detail());
			return rc;
		}
	if (g_hash_table_size(set->by_id))
		log_info("%u meetings loaded", g_hash_table_size(set->by_id));
	return E_OK;
}

void meet_heading(GStringChunk *strs, struct server *srv, time_t at, struct gen_head *h)
{
	const char *c = srv->cfg->commune ? srv->cfg->commune : "UBND xã";
	gchar *up = g_utf8_strup(c, -1);
	struct tm tm;
	char day[16];

	localtime_r(&at, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	h->issuer = g_string_chunk_insert(strs, up);
	h->place = g_string_chunk_insert(
		strs, g_str_has_prefix(c, "UBND xã ") ? c + strlen("UBND xã ") : c);
	h->date = g_string_chunk_insert(strs, day);
	g_free(up);
}
