/*
 * idx_query.c: the queries of the side index (idx.h).  Each one is a
 * prepared statement over an index of its own, so that a lookup stays
 * well under a millisecond with a hundred thousand documents
 * (tests/bench/idx-bench measures it).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "workflow/fold.h"
#include "workflow/idx_priv.h"

static void col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", v ? (const char *)v : "");
}

void idx_row_read(sqlite3_stmt *st, struct idx_row *r)
{
	memset(r, 0, sizeof(*r));
	col(st, 0, r->id, sizeof(r->id));
	col(st, 1, r->workflow, sizeof(r->workflow));
	col(st, 2, r->state, sizeof(r->state));
	col(st, 3, r->number, sizeof(r->number));
	col(st, 4, r->code, sizeof(r->code));
	col(st, 5, r->subject, sizeof(r->subject));
	col(st, 6, r->organ, sizeof(r->organ));
	col(st, 7, r->lead, sizeof(r->lead));
	col(st, 8, r->created, sizeof(r->created));
	col(st, 9, r->due, sizeof(r->due));
	col(st, 10, r->resolved, sizeof(r->resolved));
	col(st, 11, r->numbered, sizeof(r->numbered));
	col(st, 12, r->procedure, sizeof(r->procedure));
	r->recalled = sqlite3_column_int(st, 13);
	r->on_time = sqlite3_column_int(st, 14);
	r->online = sqlite3_column_int(st, 15);
}

static size_t cap(size_t limit, size_t max)
{
	return limit == 0 || limit > max ? max : limit;
}

/* Steps @st to the end, handing every row to @fn. */
static int each_row(struct idx *ix, sqlite3_stmt *st, idx_row_fn fn, void *arg)
{
	struct idx_row r;
	int s = SQLITE_DONE, rc = E_OK;

	while (rc == E_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
		idx_row_read(st, &r);
		rc = fn(arg, &r);
	}
	if (rc == E_OK && s != SQLITE_DONE)
		rc = idx_err(ix, "query");
	return rc;
}

static int prepare(struct idx *ix, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(ix->db, sql, -1, st, NULL) != SQLITE_OK)
		return idx_err(ix, "prepare");
	return E_OK;
}

/* The lookup by code is the portal's every request: its statement is
 * prepared once per handle (SQLite re-prepares it by itself if the schema
 * changes) and reset after each use, so it holds no read lock between. */
int idx_by_code(struct idx *ix, const char *code, struct idx_row *out, char *secret_sha256)
{
	static const char sql[] = "SELECT " IDX_ROW_COLUMNS ", d.secret FROM doc d WHERE code = ?";
	sqlite3_stmt *st;
	int rc = E_OK, s;

	if (!ix->by_code && sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					       &ix->by_code, NULL) != SQLITE_OK)
		return idx_err(ix, "prepare");
	st = ix->by_code;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		idx_row_read(st, out);
		if (secret_sha256)
			col(st, IDX_ROW_NCOL, secret_sha256, 65);
	} else {
		rc = s == SQLITE_DONE ? err_set(E_NOTFOUND, "no dossier with this code")
				      : idx_err(ix, "code");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* ---- Inboxes ---- */

struct box_hit {
	sqlite3_int64 n;
	char due[11];
};

/* Reads the first @limit inbox rows of @who in @box into @hits (sorted by
 * due), merging with what is there and dropping repeats. */
static int box_key(struct idx *ix, sqlite3_stmt *st, const char *who, struct box_hit *hits,
		   size_t *n_hits, size_t limit)
{
	int s;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct box_hit h;
		size_t i, at;

		h.n = sqlite3_column_int64(st, 0);
		col(st, 1, h.due, sizeof(h.due));
		for (i = 0; i < *n_hits && hits[i].n != h.n; i++)
			;
		if (i < *n_hits)
			continue;
		for (at = *n_hits; at > 0 && strcmp(hits[at - 1].due, h.due) > 0; at--)
			;
		if (at == limit)
			break; /* later rows of this key sort later still */
		/* @hits has room for limit + 1: the last one falls off. */
		memmove(&hits[at + 1], &hits[at], (*n_hits - at) * sizeof(*hits));
		hits[at] = h;
		if (*n_hits < limit)
			(*n_hits)++;
	}
	return s == SQLITE_ROW || s == SQLITE_DONE ? E_OK : idx_err(ix, "inbox");
}

int idx_inbox(struct idx *ix, const char *person, unsigned roles, enum idx_box box,
	      const char *today, const char *soon, size_t limit, idx_row_fn fn, void *arg)
{
	return idx_inbox_page(ix, person, roles, box, today, soon, 0, limit, fn, arg);
}

int idx_inbox_page(struct idx *ix, const char *person, unsigned roles, enum idx_box box,
		   const char *today, const char *soon, size_t offset, size_t limit, idx_row_fn fn,
		   void *arg)
{
	static const char *const sqls[] = {
		[IDX_BOX_MINE] = "SELECT n, due FROM inbox WHERE who = ?1 ORDER BY due LIMIT ?4",
		[IDX_BOX_OVERDUE] = "SELECT n, due FROM inbox WHERE who = ?1 AND due < ?2"
				    " ORDER BY due LIMIT ?4",
		[IDX_BOX_SOON] = "SELECT n, due FROM inbox WHERE who = ?1 AND due >= ?2"
				 " AND due <= ?3 ORDER BY due LIMIT ?4",
	};
	sqlite3_stmt *st = NULL, *row = NULL;
	struct box_hit *hits = NULL;
	size_t n_hits = 0;
	char key[8];
	int rc;

	if ((unsigned)box > IDX_BOX_SOON)
		return err_set(E_INVAL, "no such inbox");
	limit = cap(limit, IDX_LIMIT_MAX);
	if (offset >= IDX_LIMIT_MAX)
		return E_OK;                        /* nothing that far */
	limit = cap(offset + limit, IDX_LIMIT_MAX); /* the rows read, the first skipped */
	hits = calloc(limit + 1, sizeof(*hits));
	if (!hits)
		return err_set(E_NOMEM, "inbox");
	if ((rc = prepare(ix, sqls[box], &st)) < 0 ||
	    (rc = prepare(ix, "SELECT " IDX_ROW_COLUMNS " FROM doc d WHERE n = ?", &row)) < 0)
		goto out;
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, soon ? soon : today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit);
	if ((rc = box_key(ix, st, person, hits, &n_hits, limit)) < 0)
		goto out;
	for (unsigned bit = 0; bit < 32; bit++) {
		if (!(roles & (1u << bit)))
			continue;
		snprintf(key, sizeof(key), "@%u", bit);
		if ((rc = box_key(ix, st, key, hits, &n_hits, limit)) < 0)
			goto out;
	}
	for (size_t i = offset; i < n_hits && rc == E_OK; i++) {
		sqlite3_reset(row);
		sqlite3_bind_int64(row, 1, hits[i].n);
		rc = each_row(ix, row, fn, arg);
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(row);
	free(hits);
	return rc;
}

/* ---- Search ---- */

/* The FTS5 query of @q: every folded word as a quoted term, the last one
 * as a prefix (the word being typed). */
static int fts_query(const char *q, struct buf *out)
{
	char *f = fold_text(q);
	size_t words = 0;
	int rc = E_OK;

	if (!f)
		return err_set(E_NOMEM, "search");
	for (char *p = f; *p && rc == E_OK;) {
		char *w;

		while (*p && !isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80))
			p++;
		w = p;
		while (*p && (isalnum((unsigned char)*p) || ((unsigned char)*p & 0x80)))
			p++;
		if (p == w)
			break;
		if (words++ == 16) {
			rc = err_set(E_TOOBIG, "more than 16 words in a search");
			break;
		}
		if ((rc = buf_append(out, words > 1 ? " \"" : "\"", words > 1 ? 2 : 1)) == E_OK &&
		    (rc = buf_append(out, w, (size_t)(p - w))) == E_OK)
			rc = buf_append(out, "\"", 1);
	}
	if (rc == E_OK && !words)
		rc = err_set(E_INVAL, "nothing to search for");
	if (rc == E_OK)
		rc = buf_append(out, "*", 1);
	if (rc == E_OK)
		rc = buf_append(out, "", 1);
	free(f);
	return rc;
}

int idx_search(struct idx *ix, const char *query, size_t limit, idx_row_fn fn, void *arg)
{
	return idx_search_page(ix, query, 0, limit, fn, arg);
}

int idx_search_page(struct idx *ix, const char *query, size_t offset, size_t limit, idx_row_fn fn,
		    void *arg)
{
	static const char sql[] = "SELECT " IDX_ROW_COLUMNS " FROM ft JOIN doc d ON d.n = ft.rowid"
				  " WHERE ft MATCH ? ORDER BY ft.rowid DESC LIMIT ? OFFSET ?";
	sqlite3_stmt *st = NULL;
	struct buf q;
	int rc;

	buf_init(&q, 4096);
	if ((rc = fts_query(query, &q)) < 0 || (rc = prepare(ix, sql, &st)) < 0)
		goto out;
	sqlite3_bind_text(st, 1, (const char *)q.data, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)cap(limit, IDX_LIMIT_MAX));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(offset > IDX_LIMIT_MAX * 100 ? 0 : offset));
	rc = each_row(ix, st, fn, arg);
out:
	sqlite3_finalize(st);
	buf_free(&q);
	return rc;
}

/* ---- Registers, statistics, deadlines ---- */

int idx_register(struct idx *ix, const char *reg, const char *from, const char *to, size_t limit,
		 idx_row_fn fn, void *arg)
{
	static const char sql[] = "SELECT " IDX_ROW_COLUMNS " FROM doc d WHERE reg = ? AND"
				  " numbered != '' AND numbered BETWEEN ? AND ?"
				  " ORDER BY substr(numbered, 1, 4), seq, id LIMIT ?";
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(ix, sql, &st)) < 0)
		return rc;
	sqlite3_bind_text(st, 1, reg, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)cap(limit, IDX_REGISTER_MAX));
	rc = each_row(ix, st, fn, arg);
	sqlite3_finalize(st);
	return rc;
}

/* One count(*) style query with two date parameters; columns into @v. */
static int counts(struct idx *ix, const char *sql, const char *a, const char *b, size_t *v, int n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(ix, sql, &st)) < 0)
		return rc;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < n; i++)
			v[i] = (size_t)sqlite3_column_int64(st, i);
	else
		rc = idx_err(ix, "statistics");
	sqlite3_finalize(st);
	return rc;
}

int idx_stats(struct idx *ix, const char *from, const char *to, const char *today,
	      struct idx_stats *out, idx_row_fn late_fn, void *arg)
{
	size_t v[3] = {0, 0, 0};
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = counts(ix,
			 "SELECT count(*), total(online) FROM doc WHERE kind = 1 AND"
			 " created BETWEEN ? AND ?",
			 from, to, v, 2)) < 0)
		return rc;
	out->received = v[0];
	out->online = v[1];
	if ((rc = counts(ix,
			 "SELECT count(*), total(on_time = 1), total(on_time = 0) FROM doc"
			 " WHERE kind = 1 AND resolved != '' AND resolved BETWEEN ? AND ?",
			 from, to, v, 3)) < 0)
		return rc;
	out->resolved = v[0];
	out->on_time = v[1];
	out->late = v[2];
	if ((rc = counts(ix, "SELECT count(*) FROM doc WHERE kind = 1 AND running AND due < ?",
			 today, NULL, v, 1)) < 0)
		return rc;
	out->overdue_pending = v[0];
	if (!late_fn)
		return E_OK;
	if ((rc = prepare(ix,
			  "SELECT " IDX_ROW_COLUMNS " FROM doc d WHERE kind = 1 AND on_time = 0"
			  " AND resolved != '' AND resolved BETWEEN ? AND ? ORDER BY resolved, id",
			  &st)) < 0)
		return rc;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	rc = each_row(ix, st, late_fn, arg);
	sqlite3_finalize(st);
	return rc;
}

int idx_due(struct idx *ix, const char *until, const char *who, idx_due_fn fn, void *arg)
{
	static const char all[] = "SELECT " IDX_ROW_COLUMNS ", h.who FROM doc d"
				  " JOIN handler h ON h.n = d.n WHERE d.running AND d.due <= ?1"
				  " ORDER BY d.due, d.id";
	static const char one[] = "SELECT " IDX_ROW_COLUMNS ", h.who FROM handler h"
				  " JOIN doc d ON d.n = h.n WHERE h.who = ?2 AND d.running"
				  " AND d.due <= ?1 ORDER BY d.due, d.id";
	sqlite3_stmt *st = NULL;
	struct idx_row r;
	char name[128];
	int rc, s = SQLITE_DONE;

	if ((rc = prepare(ix, who ? one : all, &st)) < 0)
		return rc;
	sqlite3_bind_text(st, 1, until, -1, SQLITE_STATIC);
	if (who)
		sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
	while (rc == E_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
		idx_row_read(st, &r);
		col(st, IDX_ROW_NCOL, name, sizeof(name));
		rc = fn(arg, &r, name);
	}
	if (rc == E_OK && s != SQLITE_DONE)
		rc = idx_err(ix, "deadlines");
	sqlite3_finalize(st);
	return rc;
}
