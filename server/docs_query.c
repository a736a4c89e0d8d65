/*
 * docs_query.c: the document reads that go to the side index (idx.h):
 * inboxes, search, status by dossier code, registers as CSV, statistics;
 * and the deadline events pushed to handlers when a deadline is near or
 * passed.  All on the loop thread, through its own read-only index handle
 * (WAL: it never waits for the writer).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "server/docs.h"
#include "server/files.h"
#include "server/loop.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/session.h"
#include "workflow/books.h"
#include "workflow/calendar.h"
#include "workflow/idx.h"
#include "workflow/repo.h"
#include "workflow/store.h"

#define DOCS_ROWS_MAX 64          /* rows in one reply (fits a control frame) */
#define DOCS_SOON_DAYS 2          /* "due soon": within this many working days */
#define DOCS_DUE_PERIOD_MS 600000 /* deadline events: every ten minutes */
#define DOCS_CSV_MAX (64u << 20)  /* bytes of one register export */

/* Today and the end of "soon", as "YYYY-MM-DD". */
static void docs_days(struct server *srv, char today[11], char soon[11])
{
	cal_day d = cal_from_time(time(NULL));

	cal_format(d, today);
	cal_format(cal_add_working(srv->cal, d, DOCS_SOON_DAYS), soon);
}

static int set_opt(struct proto_node *n, const char *k, const char *v)
{
	return v && *v ? proto_node_set(n, k, v) : E_OK;
}

/* One <doc .../> row of a reply. */
static int row_node(struct proto_node *parent, const char *name, const struct idx_row *r)
{
	struct proto_node *n = proto_node_add(parent, name);

	if (!n || proto_node_set(n, "doc", r->id) < 0 ||
	    proto_node_set(n, "workflow", r->workflow) < 0 ||
	    proto_node_set(n, "state", r->state) < 0 || set_opt(n, "number", r->number) < 0 ||
	    set_opt(n, "code", r->code) < 0 || set_opt(n, "subject", r->subject) < 0 ||
	    set_opt(n, "from", r->organ) < 0 || set_opt(n, "lead", r->lead) < 0 ||
	    set_opt(n, "created", r->created) < 0 || set_opt(n, "due", r->due) < 0 ||
	    set_opt(n, "resolved", r->resolved) < 0 || set_opt(n, "procedure", r->procedure) < 0 ||
	    set_opt(n, "recalled", r->recalled ? "1" : NULL) < 0 ||
	    set_opt(n, "on-time",
		    r->on_time < 0 ? NULL
		    : r->on_time   ? "1"
				   : "0") < 0)
		return E_NOMEM;
	return E_OK;
}

struct rows_ctx {
	struct proto_node *body;
	size_t n;
};

static int add_row(void *arg, const struct idx_row *r)
{
	struct rows_ctx *c = arg;

	c->n++;
	return row_node(c->body, "doc", r);
}

/* The row limit of a request: attribute limit, 1..DOCS_ROWS_MAX (20). */
static size_t req_limit(const struct proto_node *req)
{
	uint64_t v = 20;

	if (proto_attr_u64(req, "limit", &v) < 0 || v == 0)
		v = 20;
	return v > DOCS_ROWS_MAX ? DOCS_ROWS_MAX : (size_t)v;
}

/* The first row a request wants: attribute offset (0). */
static size_t req_offset(const struct proto_node *req)
{
	uint64_t v = 0;

	if (proto_attr_u64(req, "offset", &v) < 0 || v > IDX_LIMIT_MAX * 100ull)
		v = 0;
	return (size_t)v;
}

/* Replies with @body, or fails with @rc (the body freed). */
static int reply_rows(struct session *s, uint32_t id, struct proto_node *body, int rc, size_t n)
{
	if (rc == E_OK && proto_node_set_u64(body, "rows", n) < 0)
		rc = err_set(E_NOMEM, "reply");
	if (rc < 0) {
		proto_node_free(body);
		return rc;
	}
	return session_reply(s, id, body);
}

int op_doc_inbox(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	const struct person *me = session_person(s);
	const char *box = proto_attr(req, "box");
	struct rows_ctx c = {proto_node_new("resp"), 0};
	char today[11], soon[11];
	enum idx_box b;
	int rc;

	if (!c.body)
		return err_set(E_NOMEM, "reply");
	if (!box || strcmp(box, "mine") == 0) {
		b = IDX_BOX_MINE;
	} else if (strcmp(box, "overdue") == 0) {
		b = IDX_BOX_OVERDUE;
	} else if (strcmp(box, "soon") == 0) {
		b = IDX_BOX_SOON;
	} else {
		proto_node_free(c.body);
		return err_set(E_INVAL, "box must be mine, overdue or soon");
	}
	docs_days(srv, today, soon);
	rc = idx_inbox_page(srv->index, me->id, me->roles, b, today, soon, req_offset(req),
			    req_limit(req), add_row, &c);
	return reply_rows(s, id, c.body, rc, c.n);
}

int op_doc_search(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	const char *q = proto_attr(req, "q");
	struct rows_ctx c = {NULL, 0};
	int rc;

	if (!q || strlen(q) > 512)
		return err_set(E_INVAL, "attribute q (the words to look for, at most 512 bytes)");
	if (!(c.body = proto_node_new("resp")))
		return err_set(E_NOMEM, "reply");
	rc = idx_search_page(srv->index, q, req_offset(req), req_limit(req), add_row, &c);
	return reply_rows(s, id, c.body, rc, c.n);
}

int op_doc_lookup(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	const char *code = proto_attr(req, "code");
	struct proto_node *body;
	struct idx_row r;
	int rc;

	if (!code || strlen(code) >= 64)
		return err_set(E_INVAL, "attribute code (a dossier code) is missing or too long");
	if ((rc = idx_by_code(srv->index, code, &r, NULL)) < 0)
		return rc;
	if (!(body = proto_node_new("resp")))
		return err_set(E_NOMEM, "reply");
	return reply_rows(s, id, body, row_node(body, "doc", &r), 1);
}

/* A date attribute "YYYY-MM-DD" that must be there. */
static int need_day(const struct proto_node *req, const char *key, const char **out)
{
	cal_day d;

	*out = proto_attr(req, key);
	if (!*out || cal_parse(*out, &d) < 0)
		return err_set(E_INVAL, "attribute %s must be a date YYYY-MM-DD", key);
	return E_OK;
}

struct book_ctx {
	struct server *srv;
	enum books_book book;
	struct buf csv;
	size_t n;
};

static int book_row(void *arg, const struct idx_row *row)
{
	struct book_ctx *b = arg;
	struct doc *d = NULL;
	int rc = store_get(b->srv->reader, row->id, &d);

	if (rc == E_OK)
		rc = books_row(b->book, b->srv->defs, d, row, &b->csv);
	doc_free(d);
	b->n += rc == E_OK;
	return rc;
}

/* doc.register book= from= to=: the register as CSV in the file store
 * (fetched with file.get); the reply names it by its SHA-256. */
int op_doc_register(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct book_ctx b = {session_server(s), BOOKS_INCOMING, {0}, 0};
	const char *from, *to, *name = proto_attr(req, "book");
	struct proto_node *body = NULL;
	uint8_t sha[32];
	char hex[65];
	int rc;

	if (!name)
		return err_set(E_INVAL, "missing attribute book (den, di, theo-doi, hs)");
	if ((rc = books_parse(name, &b.book)) < 0 || (rc = need_day(req, "from", &from)) < 0 ||
	    (rc = need_day(req, "to", &to)) < 0)
		return rc;
	if (proto_attr(req, "format") && strcmp(proto_attr(req, "format"), "pdf") == 0)
		return docs_register_pdf(s, id, name, from, to);
	if (proto_attr(req, "format") && strcmp(proto_attr(req, "format"), "csv") != 0)
		return err_set(E_INVAL, "format must be csv or pdf");
	buf_init(&b.csv, DOCS_CSV_MAX);
	if ((rc = books_header(b.book, &b.csv)) < 0 ||
	    (rc = idx_register(b.srv->index, books_register(b.book), from, to, 0, book_row, &b)) <
		    0 ||
	    (rc = files_put(b.srv->files, b.csv.data, b.csv.len, sha)) < 0)
		goto out;
	proto_hex(hex, sha);
	rc = E_NOMEM;
	if (!(body = proto_node_new("resp")) || proto_node_set(body, "sha256", hex) < 0 ||
	    proto_node_set_u64(body, "size", b.csv.len) < 0 ||
	    proto_node_set(body, "title", books_title(b.book)) < 0)
		goto out;
	log_info("register %s %s..%s: %zu rows for %s", name, from, to, b.n, session_person(s)->id);
	rc = reply_rows(s, id, body, E_OK, b.n);
	body = NULL;
out:
	proto_node_free(body);
	buf_free(&b.csv);
	return rc;
}

int op_doc_stats(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	struct rows_ctx c = {NULL, 0};
	struct idx_stats st;
	const char *from, *to;
	char today[11], soon[11];
	int rc;

	if ((rc = need_day(req, "from", &from)) < 0 || (rc = need_day(req, "to", &to)) < 0)
		return rc;
	docs_days(srv, today, soon);
	if (!(c.body = proto_node_new("resp")))
		return err_set(E_NOMEM, "reply");
	rc = idx_stats(srv->index, from, to, today, &st, add_row, &c);
	if (rc == E_OK && (proto_node_set_u64(c.body, "received", st.received) < 0 ||
			   proto_node_set_u64(c.body, "online", st.online) < 0 ||
			   proto_node_set_u64(c.body, "resolved", st.resolved) < 0 ||
			   proto_node_set_u64(c.body, "on-time", st.on_time) < 0 ||
			   proto_node_set_u64(c.body, "late", st.late) < 0 ||
			   proto_node_set_u64(c.body, "overdue", st.overdue_pending) < 0))
		rc = err_set(E_NOMEM, "reply");
	return reply_rows(s, id, c.body, rc, c.n);
}

/* ---- Deadline events ---- */

struct due_ctx {
	struct server *srv;
	const char *today;
	size_t sent;
};

/* Pushes one deadline event to every session of @who, once per document,
 * deadline and kind (near / passed) for the life of the process. */
static int due_one(void *arg, const struct idx_row *r, const char *who)
{
	struct due_ctx *c = arg;
	int passed = strcmp(r->due, c->today) < 0;
	char *key = g_strdup_printf("%s|%s|%s|%d", r->id, who, r->due, passed);

	if (g_hash_table_contains(c->srv->due_sent, key)) {
		g_free(key);
		return E_OK;
	}
	for (struct session *s = c->srv->priv->head; s; s = session_next(s)) {
		const struct person *p = session_ready(s) ? session_person(s) : NULL;
		struct proto_node *ev;

		if (!p || !p->id || strcmp(p->id, who) != 0)
			continue;
		ev = proto_node_new("deadline");
		if (!ev || row_node(ev, "doc", r) < 0 ||
		    proto_node_set(ev, "kind", passed ? "passed" : "near") < 0) {
			proto_node_free(ev);
			continue;
		}
		if (session_event(s, "doc.deadline", ev) == E_OK) {
			c->sent++;
			g_hash_table_add(c->srv->due_sent, g_strdup(key));
		}
	}
	g_free(key);
	return E_OK;
}

void docs_deadlines(struct server *srv, const char *who)
{
	char today[11], soon[11];
	struct due_ctx c = {srv, today, 0};

	docs_days(srv, today, soon);
	if (idx_due(srv->index, soon, who, due_one, &c) < 0)
		log_err("deadline events: %s", err_detail());
	else if (c.sent)
		log_info("deadline events: %zu sent", c.sent);
}

static void due_tick(struct loop *l, long long tid, void *arg)
{
	struct server *srv = arg;

	docs_deadlines(srv, NULL);
	srv->due_timer = loop_add_timer(l, DOCS_DUE_PERIOD_MS, due_tick, srv);
}

int docs_query_start(struct server *srv)
{
	char path[1024];
	int rc;

	snprintf(path, sizeof(path), "%s/index.db", srv->data_dir);
	if ((rc = idx_open(&srv->index, path, 0)) < 0)
		return rc;
	srv->due_sent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	srv->due_timer = loop_add_timer(srv->loop, DOCS_DUE_PERIOD_MS, due_tick, srv);
	return srv->due_timer < 0 ? (int)srv->due_timer : E_OK;
}

void docs_query_stop(struct server *srv)
{
	if (srv->due_timer > 0)
		loop_del_timer(srv->loop, srv->due_timer);
	srv->due_timer = 0;
	if (srv->due_sent)
		g_hash_table_destroy(srv->due_sent);
	srv->due_sent = NULL;
	idx_close(srv->index);
	srv->index = NULL;
}
