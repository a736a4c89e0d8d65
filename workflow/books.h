/*
 * books.h: the commune's registers (sổ) as CSV: the incoming and outgoing
 * document registers and the follow-up book of Decree 30/2020, and the
 * dossier book of the one-stop desk, every column of the printed register
 * with its Vietnamese heading.
 *
 * CSV per RFC 4180 (CRLF, fields quoted when they hold a comma, a quote or
 * a line break), UTF-8 with a byte-order mark so that spreadsheet programs
 * read the Vietnamese; dates as dd/mm/yyyy.
 */
#ifndef DINH_BOOKS_H
#define DINH_BOOKS_H

#include "common/buf.h"
#include "workflow/def.h"
#include "workflow/doc.h"
#include "workflow/idx.h"

enum books_book {
	BOOKS_INCOMING = 0, /* "den": sổ đăng ký văn bản đến */
	BOOKS_OUTGOING = 1, /* "di": sổ đăng ký văn bản đi */
	BOOKS_FOLLOWUP = 2, /* "theo-doi": sổ theo dõi giải quyết văn bản đến */
	BOOKS_DOSSIER = 3,  /* "hs": sổ theo dõi hồ sơ */
};

/* The book named @name ("den", "di", "theo-doi", "hs"); E_INVAL otherwise. */
int books_parse(const char *name, enum books_book *out);
/* The register (idx_register) whose rows the book lists. */
const char *books_register(enum books_book b);
/* The book's title, e.g. "Sổ đăng ký văn bản đến". */
const char *books_title(enum books_book b);

/* Appends the byte-order mark and the heading row. */
int books_header(enum books_book b, struct buf *out);
#define BOOKS_COLUMNS_MAX 10
#define BOOKS_CELL_MAX (DOC_VALUE_MAX + 64)

/* The cells of one row: v[i] borrowed from the document or from tmp. */
struct books_cells {
	const char *v[BOOKS_COLUMNS_MAX + 1];
	char tmp[5][BOOKS_CELL_MAX];
};

/* Fills @c with the row of @d (@row its index row); returns the number of
 * cells (the book's columns).  A NULL cell is empty. */
size_t books_cells(enum books_book b, const struct def_set *defs, const struct doc *d,
		   const struct idx_row *row, struct books_cells *c);

/* Appends the row of one document (@row is its index row). */
int books_row(enum books_book b, const struct def_set *defs, const struct doc *d,
	      const struct idx_row *row, struct buf *out);

#endif
