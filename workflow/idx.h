/*
 * idx.h: the side index of the workflow store (SQLite, data_dir/index.db):
 * inboxes, registers, deadlines, dossier codes, statistics and full-text
 * search with Vietnamese diacritics folded (fold.h).
 *
 * The repository is the truth; the index is derived from it and records the
 * commit it reflects (idx_head).  The store's writer thread updates it
 * after every durable group commit; on open, idx_sync() brings it up to
 * the branch (only what changed since its commit), and idx_rebuild()
 * makes it again from nothing.  Because the index is not the truth, its
 * own commits are not fsynced (WAL, synchronous=NORMAL): a crash may leave
 * it behind git, never ahead, and the next open catches up.
 *
 * Readers open their own handle (writer = 0) and never wait for the
 * writer (WAL).  A handle is used by one thread.
 */
#ifndef DINH_IDX_H
#define DINH_IDX_H

#include <stddef.h>

#include "workflow/def.h"
#include "workflow/doc.h"

#define IDX_SUBJECT_MAX 512 /* bytes of a subject kept in a row */
#define IDX_LIMIT_MAX 1000  /* rows one query hands out */

struct idx;

/* Opens (a writer creates the file and its tables) the index at @path. */
int idx_open(struct idx **out, const char *path, int writer);
void idx_close(struct idx *ix);

/* The commit the index reflects ("" for a new index), into @out. */
int idx_head(struct idx *ix, char out[41]);

/*
 * Writer: one transaction that indexes documents and then records @head.
 * idx_put() replaces the row of @d's id (its workflow must be in @defs);
 * idx_drop() removes one.  Nothing is visible to readers before
 * idx_commit(); idx_rollback() forgets the transaction.
 */
int idx_begin(struct idx *ix);
int idx_put(struct idx *ix, const struct def_set *defs, const struct doc *d);
int idx_drop(struct idx *ix, const char *doc_id);
int idx_commit(struct idx *ix, const char *head);
void idx_rollback(struct idx *ix);

/*
 * Writer: brings the index to the branch head of @repo_path: only the
 * documents that changed since idx_head() when that commit is known, else
 * every document.  *@n_docs (may be NULL) gets the number indexed.
 */
int idx_sync(struct idx *ix, const struct def_set *defs, const char *repo_path, size_t *n_docs);
/* Writer: empties the index and indexes every document of the head. */
int idx_rebuild(struct idx *ix, const struct def_set *defs, const char *repo_path, size_t *n_docs);

/*
 * Proves index and git agree at the index's head: every document of that
 * commit has exactly the row idx_put() would make, and no other row is
 * there.  E_OK, or E_CORRUPT naming the first difference (and the count of
 * differences in *@n_bad, may be NULL).
 */
int idx_check(struct idx *ix, const struct def_set *defs, const char *repo_path, size_t *n_docs,
	      size_t *n_bad);

/* One indexed document, as queries hand it out. */
struct idx_row {
	char id[DOC_ID_MAX];
	char workflow[DEF_ID_MAX];
	char state[DEF_ID_MAX];
	char number[64];
	char code[64];
	char subject[IDX_SUBJECT_MAX];
	char organ[256];   /* OrganName (author) or Applicant */
	char lead[64];     /* lead handler */
	char created[11];  /* YYYY-MM-DD */
	char due[11];      /* deadline or "" */
	char resolved[11]; /* first day in a resolved state, or "" */
	char numbered[11]; /* the day the register number was given, or "" */
	char procedure[DEF_ID_MAX];
	int recalled;
	int on_time; /* -1 unknown (not resolved or no deadline), 0 late, 1 on time */
	int online;  /* field Channel = "online" */
};

/* Called per row; a negative return stops the query and is returned. */
typedef int (*idx_row_fn)(void *arg, const struct idx_row *row);

/*
 * Dossier by code.  E_NOTFOUND if there is none.  @secret_sha256 (65
 * bytes, may be NULL) gets the SHA-256 (hex) of the citizen's secret.
 */
int idx_by_code(struct idx *ix, const char *code, struct idx_row *out, char *secret_sha256);

enum idx_box {
	IDX_BOX_MINE = 0,    /* open documents waiting for the person */
	IDX_BOX_OVERDUE = 1, /* of those, deadline before @today */
	IDX_BOX_SOON = 2,    /* of those, deadline from @today to @soon */
};

/*
 * A person's inbox, deadline first.  "Waiting for" means: not recalled,
 * not in a final state, and either the person is the lead handler and a
 * lead-only action leaves the state, or a cooperating handler, or one of
 * @roles may take an action that is not lead-only.  @today and @soon are
 * "YYYY-MM-DD".  At most @limit rows (capped at IDX_LIMIT_MAX).
 */
int idx_inbox(struct idx *ix, const char *person, unsigned roles, enum idx_box box,
	      const char *today, const char *soon, size_t limit, idx_row_fn fn, void *arg);
/* The same from row @offset on (the first IDX_LIMIT_MAX rows can be paged). */
int idx_inbox_page(struct idx *ix, const char *person, unsigned roles, enum idx_box box,
		   const char *today, const char *soon, size_t offset, size_t limit, idx_row_fn fn,
		   void *arg);

/* Full-text search (subject, fields, comments, number, code, names), with
 * diacritics folded on both sides; every word of @query must match, the
 * last one as a prefix ("khai s" finds "khai sinh").  Newest documents
 * first (FTS5 then stops at @limit instead of ranking every match). */
int idx_search(struct idx *ix, const char *query, size_t limit, idx_row_fn fn, void *arg);
/* The same from match @offset on. */
int idx_search_page(struct idx *ix, const char *query, size_t offset, size_t limit, idx_row_fn fn,
		    void *arg);

/*
 * The rows of register @reg ("den", "di", "hs") numbered on the days
 * @from..@to (inclusive, "YYYY-MM-DD"), in register order (year, then
 * number); unnumbered documents are in no register.  At most @limit rows
 * (capped at IDX_REGISTER_MAX).  The register's columns come from the
 * documents themselves (books.h).
 */
#define IDX_REGISTER_MAX 100000
int idx_register(struct idx *ix, const char *reg, const char *from, const char *to, size_t limit,
		 idx_row_fn fn, void *arg);

struct idx_stats {
	size_t received;        /* dossiers created in the period */
	size_t online;          /* of those, filed online */
	size_t resolved;        /* dossiers resolved in the period */
	size_t on_time;         /* of those, on time */
	size_t late;            /* of those, late */
	size_t overdue_pending; /* dossiers open now whose deadline is before @today */
};

/* Dossier statistics of @from..@to; @late_fn (may be NULL) gets every
 * dossier resolved late in the period. */
int idx_stats(struct idx *ix, const char *from, const char *to, const char *today,
	      struct idx_stats *out, idx_row_fn late_fn, void *arg);

/*
 * Open documents whose deadline is at most @until, with their handlers:
 * @fn gets the row and one handler per call (lead and cooperating), for
 * deadline events.  @who (may be NULL: everyone) keeps one handler's.
 */
typedef int (*idx_due_fn)(void *arg, const struct idx_row *row, const char *handler);
int idx_due(struct idx *ix, const char *until, const char *who, idx_due_fn fn, void *arg);

#endif
