/*
 * pdf_lex.c: tokens and direct objects of PDF syntax, strictly: anything the
 * grammar of ISO 32000-1 section 7.3 does not allow is an error, with the
 * offset where it was found.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "pdf/pdf_lex.h"

void pdf_lex_init(struct pdf_lex *lx, const uint8_t *p, size_t len, size_t pos)
{
	lx->p = p;
	lx->len = len;
	lx->pos = pos > len ? len : pos;
}

int pdf_lex_is_space(int c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

int pdf_lex_is_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static int is_regular(int c)
{
	return !pdf_lex_is_space(c) && !pdf_lex_is_delim(c);
}

void pdf_lex_skip_ws(struct pdf_lex *lx)
{
	while (lx->pos < lx->len) {
		int c = lx->p[lx->pos];

		if (pdf_lex_is_space(c)) {
			lx->pos++;
		} else if (c == '%') {
			while (lx->pos < lx->len && lx->p[lx->pos] != '\n' &&
			       lx->p[lx->pos] != '\r')
				lx->pos++;
		} else {
			break;
		}
	}
}

int pdf_lex_keyword(struct pdf_lex *lx, const char *kw)
{
	size_t n = strlen(kw);

	pdf_lex_skip_ws(lx);
	if (lx->len - lx->pos < n || memcmp(lx->p + lx->pos, kw, n) != 0)
		return 0;
	if (lx->pos + n < lx->len && is_regular(lx->p[lx->pos + n]))
		return 0;
	lx->pos += n;
	return 1;
}

int pdf_lex_uint(struct pdf_lex *lx, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t start;

	pdf_lex_skip_ws(lx);
	start = lx->pos;
	while (lx->pos < lx->len && lx->p[lx->pos] >= '0' && lx->p[lx->pos] <= '9') {
		v = v * 10 + (uint64_t)(lx->p[lx->pos] - '0');
		if (v > max || lx->pos - start >= PDF_LEX_NUMBER_MAX)
			return err_set(E_CORRUPT, "number at offset %zu is too large", start);
		lx->pos++;
	}
	if (lx->pos == start || (lx->pos < lx->len && is_regular(lx->p[lx->pos])))
		return err_set(E_CORRUPT, "expected an unsigned integer at offset %zu", start);
	*out = v;
	return E_OK;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_number(struct pdf_lex *lx, struct pdf_obj **out)
{
	char tmp[PDF_LEX_NUMBER_MAX + 1];
	size_t start = lx->pos, n = 0;
	int dot = 0, digits = 0;
	char *end;

	while (lx->pos < lx->len && is_regular(lx->p[lx->pos])) {
		int c = lx->p[lx->pos];

		if (n >= PDF_LEX_NUMBER_MAX)
			return err_set(E_CORRUPT, "number at offset %zu is too long", start);
		if (c == '.')
			dot++;
		else if (c >= '0' && c <= '9')
			digits++;
		else if (!((c == '+' || c == '-') && n == 0))
			return err_set(E_CORRUPT, "bad number at offset %zu", start);
		tmp[n++] = (char)c;
		lx->pos++;
	}
	tmp[n] = '\0';
	if (!digits || dot > 1)
		return err_set(E_CORRUPT, "bad number at offset %zu", start);
	if (dot) {
		*out = pdf_obj_new_real(strtod(tmp, &end));
	} else {
		if (n > 18)
			return err_set(E_CORRUPT, "integer at offset %zu is too large", start);
		*out = pdf_obj_new_int(strtoll(tmp, &end, 10));
	}
	return *out ? E_OK : err_set(E_NOMEM, "out of memory");
}

/* After an integer @num: " G R" makes it a reference. */
static int maybe_ref(struct pdf_lex *lx, struct pdf_obj **io)
{
	size_t save = lx->pos;
	uint64_t gen;
	struct pdf_obj *o = *io;

	if (o->type != PDF_INT || o->u.i < 0 || o->u.i > PDF_OBJ_NUM_MAX)
		return E_OK;
	pdf_lex_skip_ws(lx);
	if (lx->pos >= lx->len || lx->p[lx->pos] < '0' || lx->p[lx->pos] > '9' ||
	    pdf_lex_uint(lx, PDF_OBJ_GEN_MAX, &gen) < 0 || !pdf_lex_keyword(lx, "R")) {
		err_clear();
		lx->pos = save;
		return E_OK;
	}
	o->type = PDF_REF;
	o->u.ref.num = (uint32_t)o->u.i;
	o->u.ref.gen = (uint32_t)gen;
	return E_OK;
}

static int parse_name(struct pdf_lex *lx, struct pdf_obj **out)
{
	char tmp[PDF_OBJ_NAME_MAX + 1];
	size_t start = lx->pos++, n = 0;

	while (lx->pos < lx->len && is_regular(lx->p[lx->pos])) {
		int c = lx->p[lx->pos++];

		if (c == '#') {
			int h = lx->pos + 1 < lx->len ? hexval(lx->p[lx->pos]) : -1;
			int l = h >= 0 ? hexval(lx->p[lx->pos + 1]) : -1;

			if (l < 0 || (h == 0 && l == 0))
				return err_set(E_CORRUPT, "bad #-escape in name at offset %zu",
					       start);
			c = h * 16 + l;
			lx->pos += 2;
		}
		if (n >= PDF_OBJ_NAME_MAX)
			return err_set(E_TOOBIG, "name at offset %zu is over %d bytes", start,
				       PDF_OBJ_NAME_MAX);
		tmp[n++] = (char)c;
	}
	tmp[n] = '\0';
	*out = pdf_obj_new_name(tmp);
	return *out ? E_OK : err_set(E_NOMEM, "out of memory");
}

static int parse_hex(struct pdf_lex *lx, struct pdf_obj **out)
{
	struct buf b;
	size_t start = lx->pos++;
	int hi = -1, rc = E_OK;
	uint8_t byte;

	buf_init(&b, PDF_OBJ_STRING_MAX);
	for (;;) {
		int c, v;

		if (lx->pos >= lx->len) {
			rc = err_set(E_CORRUPT, "unterminated hex string at offset %zu", start);
			goto out;
		}
		c = lx->p[lx->pos++];
		if (c == '>')
			break;
		if (pdf_lex_is_space(c))
			continue;
		v = hexval(c);
		if (v < 0) {
			rc = err_set(E_CORRUPT, "bad hex string at offset %zu", start);
			goto out;
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		byte = (uint8_t)(hi * 16 + v);
		hi = -1;
		rc = buf_append(&b, &byte, 1);
		if (rc < 0)
			goto out;
	}
	if (hi >= 0) {
		byte = (uint8_t)(hi * 16);
		rc = buf_append(&b, &byte, 1);
		if (rc < 0)
			goto out;
	}
	*out = pdf_obj_new_string(b.data ? b.data : (uint8_t *)"", b.len);
	if (!*out)
		rc = err_set(E_NOMEM, "out of memory");
	else
		(*out)->u.s.hex = 1;
out:
	buf_free(&b);
	return rc;
}

/* One escape after a backslash of a literal string; -1 for "nothing". */
static int lit_escape(struct pdf_lex *lx)
{
	int c, v, i;

	if (lx->pos >= lx->len)
		return -1;
	c = lx->p[lx->pos++];
	switch (c) {
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case '\r':
		if (lx->pos < lx->len && lx->p[lx->pos] == '\n')
			lx->pos++;
		return -1;
	case '\n':
		return -1;
	}
	if (c < '0' || c > '7')
		return c;
	v = c - '0';
	for (i = 0; i < 2 && lx->pos < lx->len; i++) {
		c = lx->p[lx->pos];
		if (c < '0' || c > '7')
			break;
		v = v * 8 + (c - '0');
		lx->pos++;
	}
	return v & 0xff;
}

static int parse_literal(struct pdf_lex *lx, struct pdf_obj **out)
{
	struct buf b;
	size_t start = lx->pos++, depth = 1;
	int rc = E_OK;

	buf_init(&b, PDF_OBJ_STRING_MAX);
	while (rc == E_OK) {
		int c;
		uint8_t byte;

		if (lx->pos >= lx->len) {
			rc = err_set(E_CORRUPT, "unterminated string at offset %zu", start);
			break;
		}
		c = lx->p[lx->pos++];
		if (c == '\\') {
			c = lit_escape(lx);
			if (c < 0)
				continue;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			break;
		} else if (c == '\r') {
			if (lx->pos < lx->len && lx->p[lx->pos] == '\n')
				lx->pos++;
			c = '\n';
		}
		byte = (uint8_t)c;
		rc = buf_append(&b, &byte, 1);
	}
	if (rc == E_OK) {
		*out = pdf_obj_new_string(b.data ? b.data : (uint8_t *)"", b.len);
		if (!*out)
			rc = err_set(E_NOMEM, "out of memory");
	}
	buf_free(&b);
	return rc;
}

static int parse_at(struct pdf_lex *lx, struct pdf_obj **out, unsigned depth);

static int parse_array(struct pdf_lex *lx, struct pdf_obj **out, unsigned depth)
{
	struct pdf_obj *arr = pdf_obj_new(PDF_ARRAY), *item = NULL;
	size_t start = lx->pos++;
	int rc = arr ? E_OK : err_set(E_NOMEM, "out of memory");

	while (rc == E_OK) {
		pdf_lex_skip_ws(lx);
		if (lx->pos >= lx->len) {
			rc = err_set(E_CORRUPT, "unterminated array at offset %zu", start);
			break;
		}
		if (lx->p[lx->pos] == ']') {
			lx->pos++;
			*out = arr;
			return E_OK;
		}
		rc = parse_at(lx, &item, depth + 1);
		if (rc == E_OK)
			rc = pdf_obj_array_push(arr, item);
	}
	pdf_obj_free(arr);
	return rc;
}

static int parse_dict(struct pdf_lex *lx, struct pdf_obj **out, unsigned depth)
{
	struct pdf_obj *d = pdf_obj_new(PDF_DICT), *key = NULL, *val = NULL;
	size_t start = lx->pos;
	int rc = d ? E_OK : err_set(E_NOMEM, "out of memory");

	lx->pos += 2;
	while (rc == E_OK) {
		pdf_lex_skip_ws(lx);
		if (lx->len - lx->pos >= 2 && lx->p[lx->pos] == '>' && lx->p[lx->pos + 1] == '>') {
			lx->pos += 2;
			*out = d;
			return E_OK;
		}
		if (lx->pos >= lx->len || lx->p[lx->pos] != '/') {
			rc = err_set(E_CORRUPT, "dictionary at offset %zu: expected a key at %zu",
				     start, lx->pos);
			break;
		}
		rc = parse_name(lx, &key);
		if (rc == E_OK)
			rc = parse_at(lx, &val, depth + 1);
		if (rc == E_OK && pdf_obj_dict_get(d, key->u.s.p))
			rc = err_set(E_CORRUPT, "dictionary at offset %zu: key /%s twice", start,
				     key->u.s.p);
		if (rc == E_OK) {
			rc = pdf_obj_dict_set(d, key->u.s.p, val);
			val = NULL;
		}
		pdf_obj_free(key);
		pdf_obj_free(val);
		key = val = NULL;
	}
	pdf_obj_free(d);
	return rc;
}

static int parse_at(struct pdf_lex *lx, struct pdf_obj **out, unsigned depth)
{
	int c, rc;

	*out = NULL;
	if (depth > PDF_OBJ_DEPTH_MAX)
		return err_set(E_TOOBIG, "objects nested deeper than %d at offset %zu",
			       PDF_OBJ_DEPTH_MAX, lx->pos);
	pdf_lex_skip_ws(lx);
	if (lx->pos >= lx->len)
		return err_set(E_CORRUPT, "expected an object at end of data (offset %zu)",
			       lx->pos);
	c = lx->p[lx->pos];
	if (c == '[')
		return parse_array(lx, out, depth);
	if (c == '<' && lx->pos + 1 < lx->len && lx->p[lx->pos + 1] == '<')
		return parse_dict(lx, out, depth);
	if (c == '<')
		return parse_hex(lx, out);
	if (c == '(')
		return parse_literal(lx, out);
	if (c == '/')
		return parse_name(lx, out);
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
		rc = parse_number(lx, out);
		if (rc == E_OK)
			rc = maybe_ref(lx, out);
		return rc;
	}
	if (pdf_lex_keyword(lx, "true") || pdf_lex_keyword(lx, "false")) {
		*out = pdf_obj_new_bool(lx->p[lx->pos - 1] == 'e' && lx->p[lx->pos - 2] == 'u');
		return *out ? E_OK : err_set(E_NOMEM, "out of memory");
	}
	if (pdf_lex_keyword(lx, "null")) {
		*out = pdf_obj_new(PDF_NULL);
		return *out ? E_OK : err_set(E_NOMEM, "out of memory");
	}
	return err_set(E_CORRUPT, "unexpected token at offset %zu", lx->pos);
}

int pdf_lex_parse(struct pdf_lex *lx, struct pdf_obj **out)
{
	return parse_at(lx, out, 0);
}

static int direct_len(void *ctx, const struct pdf_obj *len, int64_t *out)
{
	if (len->type != PDF_INT)
		return err_set(E_CORRUPT, "stream /Length must be a direct integer here");
	*out = len->u.i;
	return E_OK;
}

/* The stream body after "stream"; takes over @dict into *out. */
static int parse_stream(struct pdf_lex *lx, struct pdf_obj *dict, struct pdf_obj **out,
			pdf_lex_len_fn fn, void *ctx)
{
	const struct pdf_obj *lo = pdf_obj_dict_get(dict, "Length");
	size_t start = lx->pos;
	struct pdf_obj *st;
	int64_t len;
	int rc = E_OK;

	if (lx->len - lx->pos >= 2 && lx->p[lx->pos] == '\r' && lx->p[lx->pos + 1] == '\n')
		lx->pos += 2;
	else if (lx->pos < lx->len && lx->p[lx->pos] == '\n')
		lx->pos++;
	else
		rc = err_set(E_CORRUPT, "stream keyword at offset %zu not followed by an EOL",
			     start);
	if (lx->pos == start)
		goto fail;
	if (!lo) {
		rc = err_set(E_CORRUPT, "stream at offset %zu has no /Length", start);
		goto fail;
	}
	rc = (fn ? fn : direct_len)(ctx, lo, &len);
	if (rc < 0)
		goto fail;
	if (len < 0 || (uint64_t)len > lx->len - lx->pos) {
		rc = err_set(E_CORRUPT, "stream at offset %zu: /Length %lld runs past the end",
			     start, (long long)len);
		goto fail;
	}
	st = pdf_obj_new(PDF_STREAM);
	if (!st) {
		rc = err_set(E_NOMEM, "out of memory");
		goto fail;
	}
	st->u.st.dict = dict;
	st->u.st.off = lx->pos;
	st->u.st.len = (size_t)len;
	lx->pos += (size_t)len;
	if (lx->pos < lx->len && lx->p[lx->pos] == '\r')
		lx->pos++;
	if (lx->pos < lx->len && lx->p[lx->pos] == '\n')
		lx->pos++;
	if (!pdf_lex_keyword(lx, "endstream")) {
		pdf_obj_free(st);
		return err_set(E_CORRUPT, "stream at offset %zu: no endstream after /Length %lld",
			       start, (long long)len);
	}
	*out = st;
	return E_OK;
fail:
	pdf_obj_free(dict);
	return rc;
}

int pdf_lex_parse_indirect(struct pdf_lex *lx, struct pdf_ref *id, struct pdf_obj **out,
			   pdf_lex_len_fn fn, void *ctx)
{
	struct pdf_obj *o = NULL;
	size_t start;
	uint64_t num, gen;
	int rc;

	*out = NULL;
	pdf_lex_skip_ws(lx);
	start = lx->pos;
	rc = pdf_lex_uint(lx, PDF_OBJ_NUM_MAX, &num);
	if (rc == E_OK)
		rc = pdf_lex_uint(lx, PDF_OBJ_GEN_MAX, &gen);
	if (rc == E_OK && !pdf_lex_keyword(lx, "obj"))
		rc = E_CORRUPT;
	if (rc < 0)
		return err_set(E_CORRUPT, "no \"N G obj\" at offset %zu", start);
	id->num = (uint32_t)num;
	id->gen = (uint32_t)gen;
	if (pdf_lex_keyword(lx, "endobj"))
		return err_set(E_CORRUPT, "object %u %u at offset %zu is empty", id->num, id->gen,
			       start);
	rc = pdf_lex_parse(lx, &o);
	if (rc < 0)
		return rc;
	if (o->type == PDF_DICT && pdf_lex_keyword(lx, "stream")) {
		rc = parse_stream(lx, o, &o, fn, ctx);
		if (rc < 0)
			return rc;
	}
	if (!pdf_lex_keyword(lx, "endobj")) {
		pdf_obj_free(o);
		return err_set(E_CORRUPT, "object %u %u at offset %zu: no endobj", id->num, id->gen,
			       start);
	}
	*out = o;
	return E_OK;
}
