/*
 * idx_priv.h: what the files of the index (idx.c, idx_query.c) share: the
 * handle and the derived entry of one document.
 */
#ifndef DINH_IDX_PRIV_H
#define DINH_IDX_PRIV_H

#include <sqlite3.h>

#include "workflow/idx.h"

struct idx {
	sqlite3 *db;
	int writer;
	int in_tx;
	sqlite3_stmt *by_code; /* idx_by_code's, prepared once, reset after every use */
};

/* Everything the index keeps of one document (one row of table doc, its
 * handlers and its search text), derived from the document alone. */
struct idx_entry {
	struct idx_row row;
	char reg[DEF_ID_MAX];
	int kind;
	int open;      /* not final, not recalled */
	int running;   /* the deadline runs: open, not resolved, clock not stopped */
	int lead_acts; /* a lead-only action leaves the state */
	unsigned act_roles;
	long seq; /* the number's sequence */
	char secret[65];
	char *coop[DOC_LIST_MAX];
	size_t n_coop;
	char *text; /* folded search text (malloc'd) */
};

int idx_derive(const struct def_set *defs, const struct doc *d, struct idx_entry *e);
void idx_entry_clear(struct idx_entry *e);

/* SQLite error as E_IO with its message. */
int idx_err(struct idx *ix, const char *what);
/* Fills @row from a statement whose first columns are IDX_ROW_COLUMNS. */
void idx_row_read(sqlite3_stmt *st, struct idx_row *row);

#define IDX_ROW_COLUMNS                                                                        \
	"d.id, d.workflow, d.state, d.number, d.code, d.subject, d.organ, d.lead, d.created, " \
	"d.due, d.resolved, d.numbered, d.procedure, d.recalled, d.on_time, d.online"
#define IDX_ROW_NCOL 16

#endif
