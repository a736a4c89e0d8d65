/*
 * idx.c: the side index (idx.h): its tables, what it derives from a
 * document, its writes, and keeping it in step with git (sync, rebuild,
 * check).  The queries are in idx_query.c.  SQLite is used in idx*.c only.
 *
 * Tables:
 *   meta(k, v)           "head": the commit the index reflects
 *   doc(n, id, ...)      one row per document (idx_entry)
 *   handler(n, who, lead) lead and cooperating handlers
 *   inbox(who, due, n)   who waits on an open document: a person id, or
 *                        "@<bit>" for a role; due = the running deadline or
 *                        "~" (sorts after every date)
 *   ft(text)             FTS5, rowid = doc.n, folded text
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/roles.h"
#include "workflow/fold.h"
#include "workflow/idx_priv.h"
#include "workflow/repo.h"
#include "workflow/repo_walk.h"

/* Bumped whenever the tables change: an index of another version is
 * dropped and made again from git. */
#define IDX_SCHEMA_VERSION "2" /* 2: files' names and texts searched */

static const char idx_drop_all[] = "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS doc;"
				   " DROP TABLE IF EXISTS handler; DROP TABLE IF EXISTS inbox;"
				   " DROP TABLE IF EXISTS ft;";

static const char idx_schema[] =
	"CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS doc("
	" n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, workflow TEXT NOT NULL,"
	" reg TEXT NOT NULL, kind INTEGER NOT NULL, state TEXT NOT NULL,"
	" open INTEGER NOT NULL, running INTEGER NOT NULL, recalled INTEGER NOT NULL,"
	" lead_acts INTEGER NOT NULL, act_roles INTEGER NOT NULL,"
	" number TEXT NOT NULL, seq INTEGER NOT NULL, numbered TEXT NOT NULL,"
	" code TEXT UNIQUE, secret TEXT NOT NULL, subject TEXT NOT NULL,"
	" organ TEXT NOT NULL, lead TEXT NOT NULL, procedure TEXT NOT NULL,"
	" created TEXT NOT NULL, due TEXT NOT NULL, resolved TEXT NOT NULL,"
	" on_time INTEGER NOT NULL, online INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS doc_due ON doc(due) WHERE running;"
	"CREATE INDEX IF NOT EXISTS doc_open ON doc(open, act_roles);"
	"CREATE INDEX IF NOT EXISTS doc_lead ON doc(lead) WHERE open;"
	"CREATE INDEX IF NOT EXISTS doc_reg ON doc(reg, numbered) WHERE numbered != '';"
	"CREATE INDEX IF NOT EXISTS doc_created ON doc(kind, created, online);"
	"CREATE INDEX IF NOT EXISTS doc_resolved ON doc(kind, resolved, on_time)"
	" WHERE resolved != '';"
	"CREATE TABLE IF NOT EXISTS handler(n INTEGER NOT NULL, who TEXT NOT NULL,"
	" lead INTEGER NOT NULL, PRIMARY KEY(n, who)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS handler_who ON handler(who);"
	"CREATE TABLE IF NOT EXISTS inbox(who TEXT NOT NULL, due TEXT NOT NULL,"
	" n INTEGER NOT NULL, PRIMARY KEY(who, due, n)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS inbox_n ON inbox(n);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS ft USING fts5(text, tokenize='unicode61');";

int idx_err(struct idx *ix, const char *what)
{
	return err_set(E_IO, "index: %s: %s", what,
		       ix->db ? sqlite3_errmsg(ix->db) : "no database");
}

static int idx_exec(struct idx *ix, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(ix->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = err_set(E_IO, "index: %s", msg ? msg : sqlite3_errmsg(ix->db));

		sqlite3_free(msg);
		return rc;
	}
	return E_OK;
}

/* Creates the tables, first dropping those of another schema version. */
static int idx_schema_check(struct idx *ix)
{
	sqlite3_stmt *st = NULL;
	int same = 0, rc;

	if (sqlite3_prepare_v2(ix->db, "SELECT v FROM meta WHERE k = 'schema'", -1, &st, NULL) ==
	    SQLITE_OK) {
		same = sqlite3_step(st) == SQLITE_ROW &&
		       strcmp((const char *)sqlite3_column_text(st, 0), IDX_SCHEMA_VERSION) == 0;
		sqlite3_finalize(st);
		if (!same) {
			log_warn("index: another schema version: it is made again from git");
			if ((rc = idx_exec(ix, idx_drop_all)) < 0)
				return rc;
		}
	}
	if ((rc = idx_exec(ix, idx_schema)) < 0)
		return rc;
	return idx_exec(
		ix, "INSERT OR REPLACE INTO meta(k, v) VALUES('schema', '" IDX_SCHEMA_VERSION "')");
}

int idx_open(struct idx **out, const char *path, int writer)
{
	struct idx *ix = calloc(1, sizeof(*ix));
	int flags = writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	int rc;

	*out = NULL;
	if (!ix)
		return err_set(E_NOMEM, "index");
	ix->writer = writer;
	if (sqlite3_open_v2(path, &ix->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = idx_err(ix, path);
		goto fail;
	}
	sqlite3_busy_timeout(ix->db, 2000);
	if (writer &&
	    ((rc = idx_exec(ix, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")) < 0 ||
	     (rc = idx_schema_check(ix)) < 0))
		goto fail;
	*out = ix;
	return E_OK;
fail:
	sqlite3_close(ix->db);
	free(ix);
	return rc;
}

void idx_close(struct idx *ix)
{
	if (!ix)
		return;
	if (ix->in_tx)
		idx_rollback(ix);
	sqlite3_finalize(ix->by_code);
	sqlite3_close(ix->db);
	free(ix);
}

int idx_head(struct idx *ix, char out[41])
{
	sqlite3_stmt *st = NULL;
	int rc = E_OK;

	out[0] = '\0';
	if (sqlite3_prepare_v2(ix->db, "SELECT v FROM meta WHERE k = 'head'", -1, &st, NULL) !=
	    SQLITE_OK)
		return idx_err(ix, "head");
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 41, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc;
}

int idx_begin(struct idx *ix)
{
	int rc;

	if (!ix->writer)
		return err_set(E_INTERNAL, "index: a reader cannot write");
	if ((rc = idx_exec(ix, "BEGIN IMMEDIATE")) == E_OK)
		ix->in_tx = 1;
	return rc;
}

int idx_commit(struct idx *ix, const char *head)
{
	sqlite3_stmt *st = NULL;
	int rc = E_OK;

	if (sqlite3_prepare_v2(ix->db, "INSERT OR REPLACE INTO meta(k, v) VALUES('head', ?)", -1,
			       &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, head, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = idx_err(ix, "record head");
	sqlite3_finalize(st);
	if (rc == E_OK)
		rc = idx_exec(ix, "COMMIT");
	if (rc < 0)
		idx_rollback(ix);
	ix->in_tx = 0;
	return rc;
}

void idx_rollback(struct idx *ix)
{
	if (ix->in_tx && sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		log_err("index: rollback: %s", sqlite3_errmsg(ix->db));
	ix->in_tx = 0;
}

/* ---- What a document's row says ---- */

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* The state and roles part of an entry: who may act now. */
static void derive_state(const struct def_workflow *wf, const struct doc *d, struct idx_entry *e)
{
	int si = def_state_index(wf, d->state);
	const struct def_state *s = si >= 0 ? &wf->states[si] : NULL;

	e->open = s && !s->final && !d->recalled;
	e->running = e->open && !s->resolved && !d->paused[0] && d->due[0];
	for (size_t i = 0; e->open && i < wf->n_trans; i++) {
		const struct def_transition *t = &wf->trans[i];

		if ((int)t->from != si)
			continue;
		if (t->lead_only)
			e->lead_acts = 1;
		else
			e->act_roles |= t->roles;
	}
}

/* Days of steps: when numbered, when first resolved. */
static void derive_steps(const struct def_workflow *wf, const struct doc *d, struct idx_entry *e)
{
	for (size_t i = 0; i < d->n_steps; i++) {
		const struct doc_step *st = &d->steps[i];
		const struct def_transition *t =
			st->from && st->action ? def_transition(wf, st->from, st->action) : NULL;
		int to = st->to ? def_state_index(wf, st->to) : -1;

		if (!st->time || strlen(st->time) < 10)
			continue;
		if (t && t->number && !e->row.numbered[0])
			snprintf(e->row.numbered, sizeof(e->row.numbered), "%.10s", st->time);
		if (to >= 0 && wf->states[to].resolved && !e->row.resolved[0] &&
		    (!t || t->to == (unsigned)to))
			snprintf(e->row.resolved, sizeof(e->row.resolved), "%.10s", st->time);
	}
	if (d->number && !e->row.numbered[0]) /* numbered by a definition since changed */
		copy(e->row.numbered, sizeof(e->row.numbered), d->created);
	e->row.on_time = -1;
	if (e->row.resolved[0] && d->due[0])
		e->row.on_time = strcmp(e->row.resolved, d->due) <= 0;
}

/* The folded search text of everything people may look for. */
static int derive_text(const struct doc *d, struct idx_entry *e)
{
	struct buf b;
	int rc = E_OK;

	buf_init(&b, 1 << 20);
#define ADD(s)                                                            \
	do {                                                              \
		if ((s) && (rc = buf_append(&b, (s), strlen(s))) == E_OK) \
			rc = buf_append(&b, " ", 1);                      \
		if (rc < 0)                                               \
			goto out;                                         \
	} while (0)
	ADD(d->id);
	ADD(d->number);
	ADD(d->code);
	ADD(d->lead);
	for (size_t i = 0; i < d->n_fields; i++)
		ADD(d->fields[i].value);
	for (size_t i = 0; i < d->n_coop; i++)
		ADD(d->coop[i]);
	for (size_t i = 0; i < d->n_files; i++) {
		ADD(d->files[i].name);
		ADD(d->files[i].text);
	}
	for (size_t i = 0; i < d->n_comments; i++)
		ADD(d->comments[i].value);
	for (size_t i = 0; i < d->n_steps; i++) {
		ADD(d->steps[i].actor_name);
		ADD(d->steps[i].note);
	}
#undef ADD
	if ((rc = buf_append(&b, "", 1)) == E_OK) {
		e->text = fold_text((const char *)b.data);
		rc = e->text ? E_OK : err_set(E_NOMEM, "search text");
	}
out:
	buf_free(&b);
	return rc;
}

int idx_derive(const struct def_set *defs, const struct doc *d, struct idx_entry *e)
{
	const struct def_workflow *wf = def_workflow(defs, d->workflow);
	const char *organ = doc_field(d, "OrganName");

	memset(e, 0, sizeof(*e));
	if (!wf)
		return err_set(E_NOTFOUND, "document %s: unknown workflow %s", d->id, d->workflow);
	copy(e->row.id, sizeof(e->row.id), d->id);
	copy(e->row.workflow, sizeof(e->row.workflow), d->workflow);
	copy(e->row.state, sizeof(e->row.state), d->state);
	copy(e->row.number, sizeof(e->row.number), d->number);
	copy(e->row.code, sizeof(e->row.code), d->code);
	copy(e->row.subject, sizeof(e->row.subject), doc_field(d, "Subject"));
	copy(e->row.organ, sizeof(e->row.organ), organ ? organ : doc_field(d, "Applicant"));
	copy(e->row.lead, sizeof(e->row.lead), d->lead);
	copy(e->row.created, sizeof(e->row.created), d->created);
	copy(e->row.due, sizeof(e->row.due), d->due);
	copy(e->row.procedure, sizeof(e->row.procedure), doc_field(d, "ProcedureId"));
	copy(e->secret, sizeof(e->secret), d->secret_sha256);
	copy(e->reg, sizeof(e->reg), wf->reg);
	e->row.recalled = d->recalled;
	e->row.online = doc_field(d, "Channel") && strcmp(doc_field(d, "Channel"), "online") == 0;
	e->kind = (int)wf->kind;
	e->seq = d->number ? strtol(d->number, NULL, 10) : 0;
	derive_state(wf, d, e);
	derive_steps(wf, d, e);
	for (size_t i = 0; i < d->n_coop; i++)
		e->coop[e->n_coop++] = d->coop[i];
	return derive_text(d, e);
}

void idx_entry_clear(struct idx_entry *e)
{
	free(e->text);
	e->text = NULL;
}

/* ---- Writes ---- */

static int bind_entry(sqlite3_stmt *st, const struct idx_entry *e)
{
	const struct idx_row *r = &e->row;
	int i = 1, ok = 1;

#define T(v) (ok &= sqlite3_bind_text(st, i++, (v), -1, SQLITE_STATIC) == SQLITE_OK)
#define I(v) (ok &= sqlite3_bind_int64(st, i++, (sqlite3_int64)(v)) == SQLITE_OK)
	T(r->id);
	T(r->workflow);
	T(e->reg);
	I(e->kind);
	T(r->state);
	I(e->open);
	I(e->running);
	I(r->recalled);
	I(e->lead_acts);
	I(e->act_roles);
	T(r->number);
	I(e->seq);
	T(r->numbered);
	if (r->code[0])
		T(r->code);
	else
		ok &= sqlite3_bind_null(st, i++) == SQLITE_OK;
	T(e->secret);
	T(r->subject);
	T(r->organ);
	T(r->lead);
	T(r->procedure);
	T(r->created);
	T(r->due);
	T(r->resolved);
	I(r->on_time);
	I(r->online);
#undef T
#undef I
	return ok ? E_OK : E_INTERNAL;
}

/* Runs one statement with an integer (if @n >= 0) and up to two text
 * parameters (NULL: absent), in that order. */
static int idx_run(struct idx *ix, const char *sql, sqlite3_int64 n, const char *a, const char *b)
{
	sqlite3_stmt *st = NULL;
	int rc = E_OK, i = 1;

	if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL) != SQLITE_OK)
		return idx_err(ix, sql);
	if (n >= 0)
		sqlite3_bind_int64(st, i++, n);
	if (a)
		sqlite3_bind_text(st, i++, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, i++, b, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = idx_err(ix, sql);
	sqlite3_finalize(st);
	return rc;
}

/* Runs one statement with parameters (text, text, integer). */
static int idx_run3(struct idx *ix, const char *sql, const char *a, const char *b, sqlite3_int64 n)
{
	sqlite3_stmt *st = NULL;
	int rc = E_OK;

	if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL) != SQLITE_OK)
		return idx_err(ix, sql);
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, n);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = idx_err(ix, sql);
	sqlite3_finalize(st);
	return rc;
}

int idx_drop(struct idx *ix, const char *doc_id)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 n = -1;
	int rc;

	if (sqlite3_prepare_v2(ix->db, "SELECT n FROM doc WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return idx_err(ix, "drop");
	sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n < 0)
		return E_OK;
	if ((rc = idx_run(ix, "DELETE FROM handler WHERE n = ?", n, NULL, NULL)) < 0 ||
	    (rc = idx_run(ix, "DELETE FROM inbox WHERE n = ?", n, NULL, NULL)) < 0 ||
	    (rc = idx_run(ix, "DELETE FROM ft WHERE rowid = ?", n, NULL, NULL)) < 0)
		return rc;
	return idx_run(ix, "DELETE FROM doc WHERE n = ?", n, NULL, NULL);
}

/* The inbox rows of an open document: its roles, its lead (when a lead-only
 * action waits), its cooperating handlers. */
static int idx_write_inbox(struct idx *ix, const struct idx_entry *e, sqlite3_int64 n)
{
	static const char sql[] = "INSERT OR IGNORE INTO inbox VALUES(?, ?, ?)";
	const char *due = e->running ? e->row.due : "~";
	char key[8];
	int rc;

	if (!e->open)
		return E_OK;
	for (unsigned bit = 0; bit < 32; bit++) {
		if (!(e->act_roles & (1u << bit)))
			continue;
		snprintf(key, sizeof(key), "@%u", bit);
		if ((rc = idx_run3(ix, sql, key, due, n)) < 0)
			return rc;
	}
	if (e->lead_acts && e->row.lead[0] && (rc = idx_run3(ix, sql, e->row.lead, due, n)) < 0)
		return rc;
	for (size_t i = 0; i < e->n_coop; i++)
		if ((rc = idx_run3(ix, sql, e->coop[i], due, n)) < 0)
			return rc;
	return E_OK;
}

static const char idx_insert[] =
	"INSERT INTO doc(id, workflow, reg, kind, state, open, running, recalled, lead_acts,"
	" act_roles, number, seq, numbered, code, secret, subject, organ, lead, procedure,"
	" created, due, resolved, on_time, online)"
	" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

static int idx_write(struct idx *ix, const struct idx_entry *e)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 n;
	int rc;

	if ((rc = idx_drop(ix, e->row.id)) < 0)
		return rc;
	if (sqlite3_prepare_v2(ix->db, idx_insert, -1, &st, NULL) != SQLITE_OK)
		return idx_err(ix, "insert");
	if ((rc = bind_entry(st, e)) < 0 || sqlite3_step(st) != SQLITE_DONE) {
		rc = idx_err(ix, e->row.id);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	n = sqlite3_last_insert_rowid(ix->db);
	if ((rc = idx_run(ix, "INSERT INTO ft(rowid, text) VALUES(?, ?)", n, e->text, NULL)) < 0)
		return rc;
	if (e->row.lead[0] && (rc = idx_run(ix, "INSERT OR IGNORE INTO handler VALUES(?, ?, 1)", n,
					    e->row.lead, NULL)) < 0)
		return rc;
	for (size_t i = 0; i < e->n_coop; i++)
		if ((rc = idx_run(ix, "INSERT OR IGNORE INTO handler VALUES(?, ?, 0)", n,
				  e->coop[i], NULL)) < 0)
			return rc;
	return idx_write_inbox(ix, e, n);
}

int idx_put(struct idx *ix, const struct def_set *defs, const struct doc *d)
{
	struct idx_entry e;
	int rc = idx_derive(defs, d, &e);

	if (rc == E_OK)
		rc = idx_write(ix, &e);
	idx_entry_clear(&e);
	return rc;
}

/* ---- Keeping step with git ---- */

struct idx_walk {
	struct idx *ix;
	const struct def_set *defs;
	size_t n;
};

/* The id of the document at @path: the directory above meta.xml. */
static int path_id(const char *path, char id[DOC_ID_MAX])
{
	size_t n = strlen(path);
	const char *end = path + n - strlen("/meta.xml"), *p = end;

	while (p > path && p[-1] != '/')
		p--;
	if (end <= p || (size_t)(end - p) >= DOC_ID_MAX)
		return err_set(E_CORRUPT, "bad document path %s", path);
	memcpy(id, p, (size_t)(end - p));
	id[end - p] = '\0';
	return E_OK;
}

static int walk_put(void *arg, const char *path, const char *data, size_t len)
{
	struct idx_walk *w = arg;
	struct doc *d = NULL;
	char id[DOC_ID_MAX];
	int rc;

	if (!data) {
		if ((rc = path_id(path, id)) == E_OK)
			rc = idx_drop(w->ix, id);
		return rc;
	}
	if ((rc = doc_from_xml(&d, data, len)) < 0)
		return err_set(rc, "%s: %s", path, err_detail());
	rc = idx_put(w->ix, w->defs, d);
	doc_free(d);
	w->n += rc == E_OK;
	return rc;
}

/* Indexes what changed from @from (NULL or "": everything) to @head. */
static int idx_fill(struct idx *ix, const struct def_set *defs, const char *repo_path,
		    const char *from, const char *head, size_t *n_docs)
{
	struct idx_walk w = {ix, defs, 0};
	int rc;

	if ((rc = idx_begin(ix)) < 0)
		return rc;
	if (from && from[0]) {
		rc = repo_diff_docs(repo_path, from, head, walk_put, &w);
	} else {
		rc = idx_exec(ix, "DELETE FROM handler; DELETE FROM inbox; DELETE FROM ft;"
				  " DELETE FROM doc;");
		if (rc == E_OK)
			rc = repo_walk_docs(repo_path, head, walk_put, &w);
	}
	if (rc < 0) {
		idx_rollback(ix);
		return rc;
	}
	if (n_docs)
		*n_docs = w.n;
	return idx_commit(ix, head);
}

int idx_sync(struct idx *ix, const struct def_set *defs, const char *repo_path, size_t *n_docs)
{
	char have[41], head[41];
	int rc;

	if (n_docs)
		*n_docs = 0;
	if ((rc = idx_head(ix, have)) < 0 || (rc = repo_head(repo_path, head)) < 0)
		return rc;
	if (strcmp(have, head) == 0)
		return E_OK;
	rc = idx_fill(ix, defs, repo_path, have, head, n_docs);
	if (rc == E_NOTFOUND && have[0]) {
		log_warn("index: its commit %.12s is not in the repository: rebuilding", have);
		rc = idx_fill(ix, defs, repo_path, NULL, head, n_docs);
	}
	return rc;
}

int idx_rebuild(struct idx *ix, const struct def_set *defs, const char *repo_path, size_t *n_docs)
{
	char head[41];
	int rc = repo_head(repo_path, head);

	if (rc < 0)
		return rc;
	return idx_fill(ix, defs, repo_path, NULL, head, n_docs);
}

/* ---- Checking index against git ---- */

struct idx_chk {
	struct idx *ix;
	const struct def_set *defs;
	sqlite3_stmt *row, *text, *hand;
	size_t n, bad;
};

static const char idx_check_row[] =
	"SELECT " IDX_ROW_COLUMNS ", d.reg, d.kind, d.open, d.running, d.lead_acts, d.act_roles,"
	" d.seq, d.secret, d.n FROM doc d WHERE d.id = ?";

/* The number of different people among the lead and cooperating handlers. */
static size_t distinct_handlers(const struct idx_entry *e)
{
	size_t n = e->row.lead[0] ? 1 : 0;

	for (size_t i = 0; i < e->n_coop; i++) {
		int seen = !strcmp(e->coop[i], e->row.lead);

		for (size_t j = 0; !seen && j < i; j++)
			seen = !strcmp(e->coop[i], e->coop[j]);
		n += !seen;
	}
	return n;
}

/* 0 if the stored entry of @e->row.id is @e in every column. */
static int chk_differs(struct idx_chk *c, const struct idx_entry *e, const char **what)
{
	struct idx_row r;
	sqlite3_stmt *st = c->row;
	sqlite3_int64 n;
	int k = IDX_ROW_NCOL, diff = 0;
	size_t n_hand = 0;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, e->row.id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return *what = "no row", 1;
	idx_row_read(st, &r);
	if (memcmp(&r, &e->row, sizeof(r)) != 0)
		return *what = "row", 1;
	diff = strcmp((const char *)sqlite3_column_text(st, k), e->reg) ||
	       sqlite3_column_int(st, k + 1) != e->kind ||
	       sqlite3_column_int(st, k + 2) != e->open ||
	       sqlite3_column_int(st, k + 3) != e->running ||
	       sqlite3_column_int(st, k + 4) != e->lead_acts ||
	       (unsigned)sqlite3_column_int64(st, k + 5) != e->act_roles ||
	       sqlite3_column_int64(st, k + 6) != e->seq ||
	       strcmp((const char *)sqlite3_column_text(st, k + 7), e->secret);
	if (diff)
		return *what = "derived columns", 1;
	n = sqlite3_column_int64(st, k + 8);
	sqlite3_reset(c->text);
	sqlite3_bind_int64(c->text, 1, n);
	if (sqlite3_step(c->text) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(c->text, 0), e->text) != 0)
		return *what = "search text", 1;
	sqlite3_reset(c->hand);
	sqlite3_bind_int64(c->hand, 1, n);
	while (sqlite3_step(c->hand) == SQLITE_ROW) {
		const char *who = (const char *)sqlite3_column_text(c->hand, 0);
		int lead = sqlite3_column_int(c->hand, 1),
		    found = lead && !strcmp(who, e->row.lead);

		for (size_t i = 0; !found && i < e->n_coop; i++)
			found = !lead && !strcmp(who, e->coop[i]);
		if (!found)
			return *what = "handlers", 1;
		n_hand++;
	}
	if (n_hand != distinct_handlers(e))
		return *what = "handlers", 1;
	return 0;
}

static int walk_check(void *arg, const char *path, const char *data, size_t len)
{
	struct idx_chk *c = arg;
	struct doc *d = NULL;
	struct idx_entry e;
	const char *what = NULL;
	int rc;

	if ((rc = doc_from_xml(&d, data, len)) < 0)
		return err_set(rc, "%s: %s", path, err_detail());
	rc = idx_derive(c->defs, d, &e);
	doc_free(d);
	if (rc < 0)
		return rc;
	c->n++;
	if (chk_differs(c, &e, &what)) {
		if (!c->bad)
			err_set(E_CORRUPT, "index and git disagree on %s (%s)", e.row.id, what);
		c->bad++;
	}
	idx_entry_clear(&e);
	return E_OK;
}

int idx_check(struct idx *ix, const struct def_set *defs, const char *repo_path, size_t *n_docs,
	      size_t *n_bad)
{
	struct idx_chk c = {ix, defs, NULL, NULL, NULL, 0, 0};
	sqlite3_stmt *count = NULL;
	char head[41], first[256] = "";
	sqlite3_int64 rows = 0;
	int rc;

	if ((rc = idx_head(ix, head)) < 0)
		return rc;
	if (!head[0])
		return err_set(E_CORRUPT, "the index was never filled");
	if (sqlite3_prepare_v2(ix->db, idx_check_row, -1, &c.row, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ix->db, "SELECT text FROM ft WHERE rowid = ?", -1, &c.text, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(ix->db, "SELECT who, lead FROM handler WHERE n = ?", -1, &c.hand,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ix->db, "SELECT count(*) FROM doc", -1, &count, NULL) != SQLITE_OK) {
		rc = idx_err(ix, "check");
		goto out;
	}
	if ((rc = repo_walk_docs(repo_path, head, walk_check, &c)) < 0)
		goto out;
	if (c.bad)
		snprintf(first, sizeof(first), "%s", err_detail());
	if (sqlite3_step(count) == SQLITE_ROW)
		rows = sqlite3_column_int64(count, 0);
	if ((size_t)rows != c.n) {
		if (!c.bad)
			snprintf(first, sizeof(first), "the index has %lld documents, git %zu",
				 (long long)rows, c.n);
		c.bad++;
	}
	rc = c.bad ? err_set(E_CORRUPT, "%s", first) : E_OK;
out:
	if (n_docs)
		*n_docs = c.n;
	if (n_bad)
		*n_bad = c.bad;
	sqlite3_finalize(c.row);
	sqlite3_finalize(c.text);
	sqlite3_finalize(c.hand);
	sqlite3_finalize(count);
	return rc;
}
