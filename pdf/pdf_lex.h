/*
 * pdf_lex.h: the lexer and direct-object parser of the object layer
 * (ISO 32000-1, 7.2 and 7.3) over a byte range held in memory.
 *
 * Contracts: nothing reads outside [0, len); nesting deeper than
 * PDF_OBJ_DEPTH_MAX, strings over PDF_OBJ_STRING_MAX and names over
 * PDF_OBJ_NAME_MAX are refused with E_TOOBIG; malformed syntax is E_CORRUPT
 * with the byte offset in err_detail().  Streams are not parsed here (their
 * length may be an indirect object): see pdf_xref.h.
 */
#ifndef DINH_PDF_LEX_H
#define DINH_PDF_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "pdf/pdf_obj.h"

#define PDF_LEX_NUMBER_MAX 32 /* characters of one number token */

struct pdf_lex {
	const uint8_t *p;
	size_t len;
	size_t pos;
};

void pdf_lex_init(struct pdf_lex *lx, const uint8_t *p, size_t len, size_t pos);

/* 1 if @c is PDF white-space / a delimiter. */
int pdf_lex_is_space(int c);
int pdf_lex_is_delim(int c);

/* Skips white-space and comments. */
void pdf_lex_skip_ws(struct pdf_lex *lx);

/* Skips white-space, then consumes @kw if it is the next whole token: 1 if
 * consumed, 0 (position unchanged after the white-space) if not. */
int pdf_lex_keyword(struct pdf_lex *lx, const char *kw);

/* Skips white-space and reads an unsigned integer token of at most
 * @max; E_CORRUPT if there is none or it is larger. */
int pdf_lex_uint(struct pdf_lex *lx, uint64_t max, uint64_t *out);

/* Parses one direct object ("N G R" gives a PDF_REF) into *out (caller
 * frees).  E_CORRUPT, E_TOOBIG, E_NOMEM; *out = NULL on failure. */
int pdf_lex_parse(struct pdf_lex *lx, struct pdf_obj **out);

/* Resolves a stream's /Length value (direct integer or reference) to a
 * byte count; E_* on failure. */
typedef int (*pdf_lex_len_fn)(void *ctx, const struct pdf_obj *len, int64_t *out);

/*
 * Parses the indirect object "N G obj ... endobj" at the position of @lx,
 * with its stream when there is one: the stream keyword, one EOL (CRLF or
 * LF), exactly /Length bytes (resolved by @fn, which may be NULL when only
 * direct lengths are allowed), an optional EOL, "endstream".  *id gets N G.
 * The stream's raw data stays in the input (st.off, st.len).  E_CORRUPT
 * when the bytes do not say exactly that.
 */
int pdf_lex_parse_indirect(struct pdf_lex *lx, struct pdf_ref *id, struct pdf_obj **out,
			   pdf_lex_len_fn fn, void *ctx);

#endif
