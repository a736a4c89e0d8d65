/*
 * pdf_xref.c: reading the cross-reference sections of a PDF along its
 * /Prev chain, strictly: each offset must point exactly where it says,
 * or the file is refused with the reason.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "pdf/pdf_filter.h"
#include "pdf/pdf_lex.h"
#include "pdf/pdf_xref.h"

/* Appends an entry to @sec; E_TOOBIG over PDF_XREF_OBJECTS_MAX entries. */
static int sec_push(struct pdf_xref_section *sec, size_t *cap, const struct pdf_xref_entry *e)
{
	struct pdf_xref_entry *ne;

	if (sec->n >= PDF_XREF_OBJECTS_MAX)
		return err_set(E_TOOBIG, "more than %u cross-reference entries in one section",
			       PDF_XREF_OBJECTS_MAX);
	if (sec->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		ne = realloc(sec->e, *cap * sizeof(*ne));
		if (!ne)
			return err_set(E_NOMEM, "out of memory");
		sec->e = ne;
	}
	sec->e[sec->n++] = *e;
	return E_OK;
}

static int digits(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/* One 20-byte entry "oooooooooo ggggg n\r\n" of a classic table. */
static int table_entry(const uint8_t *p, size_t at, uint32_t num, struct pdf_xref_entry *e)
{
	uint64_t off, gen;
	const uint8_t *q = p + at;

	if (digits(q, 10, &off) < 0 || q[10] != ' ' || digits(q + 11, 5, &gen) < 0 ||
	    q[16] != ' ' || (q[17] != 'n' && q[17] != 'f'))
		return err_set(E_CORRUPT,
			       "cross-reference entry at offset %zu is not "
			       "\"nnnnnnnnnn ggggg n\"",
			       at);
	if (!((q[18] == ' ' && (q[19] == '\r' || q[19] == '\n')) ||
	      (q[18] == '\r' && q[19] == '\n')))
		return err_set(E_CORRUPT, "cross-reference entry at offset %zu is not 20 bytes",
			       at);
	if (gen > PDF_OBJ_GEN_MAX)
		return err_set(E_CORRUPT, "generation %llu at offset %zu", (unsigned long long)gen,
			       at);
	memset(e, 0, sizeof(*e));
	e->num = num;
	e->gen = (uint32_t)gen;
	e->off = off;
	e->type = q[17] == 'n' ? PDF_XREF_USED : PDF_XREF_FREE;
	return E_OK;
}

static int read_table(struct pdf_lex *lx, struct pdf_xref_section *sec)
{
	struct pdf_xref_entry e;
	uint64_t first, count, i;
	size_t cap = 0;
	int rc;

	if (!pdf_lex_keyword(lx, "xref"))
		return err_set(E_CORRUPT, "no \"xref\" at offset %zu", sec->off);
	while (!pdf_lex_keyword(lx, "trailer")) {
		rc = pdf_lex_uint(lx, PDF_XREF_OBJECTS_MAX, &first);
		if (rc == E_OK)
			rc = pdf_lex_uint(lx, PDF_XREF_OBJECTS_MAX, &count);
		if (rc < 0)
			return err_set(E_CORRUPT,
				       "cross-reference at offset %zu: bad subsection "
				       "header near offset %zu",
				       sec->off, lx->pos);
		if (first + count > PDF_XREF_OBJECTS_MAX)
			return err_set(E_TOOBIG, "cross-reference subsection over %u objects",
				       PDF_XREF_OBJECTS_MAX);
		pdf_lex_skip_ws(lx);
		for (i = 0; i < count; i++) {
			if (lx->len - lx->pos < 20)
				return err_set(E_CORRUPT,
					       "cross-reference at offset %zu is "
					       "truncated",
					       sec->off);
			rc = table_entry(lx->p, lx->pos, (uint32_t)(first + i), &e);
			if (rc == E_OK)
				rc = sec_push(sec, &cap, &e);
			if (rc < 0)
				return rc;
			lx->pos += 20;
		}
	}
	rc = pdf_lex_parse(lx, &sec->trailer);
	if (rc == E_OK && sec->trailer->type != PDF_DICT)
		rc = err_set(E_CORRUPT, "trailer at offset %zu is not a dictionary", lx->pos);
	return rc;
}

static int int_of(const struct pdf_obj *o, int64_t lo, int64_t hi, int64_t *out)
{
	if (!o || o->type != PDF_INT || o->u.i < lo || o->u.i > hi)
		return -1;
	*out = o->u.i;
	return 0;
}

static uint64_t be_field(const uint8_t *p, int64_t w)
{
	uint64_t v = 0;
	int64_t i;

	for (i = 0; i < w; i++)
		v = (v << 8) | p[i];
	return v;
}

/* The /W and /Index of an xref stream dictionary, checked. */
static int stream_layout(const struct pdf_obj *d, int64_t w[3], int64_t *idx, size_t *nidx,
			 int64_t size)
{
	const struct pdf_obj *wo = pdf_obj_dict_get(d, "W"), *io = pdf_obj_dict_get(d, "Index");
	size_t i;

	if (!wo || wo->type != PDF_ARRAY || wo->u.a.n != 3)
		return err_set(E_CORRUPT, "xref stream: /W is not an array of 3");
	for (i = 0; i < 3; i++)
		if (int_of(wo->u.a.v[i], 0, 8, &w[i]) < 0)
			return err_set(E_CORRUPT, "xref stream: /W entry out of [0, 8]");
	if (w[1] == 0)
		return err_set(E_CORRUPT, "xref stream: /W gives offsets no bytes");
	if (!io) {
		idx[0] = 0;
		idx[1] = size;
		*nidx = 2;
		return E_OK;
	}
	if (io->type != PDF_ARRAY || io->u.a.n % 2 || io->u.a.n > 2 * PDF_XREF_SECTIONS_MAX)
		return err_set(E_CORRUPT, "xref stream: /Index is not an array of pairs");
	for (i = 0; i < io->u.a.n; i++)
		if (int_of(io->u.a.v[i], 0, PDF_XREF_OBJECTS_MAX, &idx[i]) < 0)
			return err_set(E_CORRUPT, "xref stream: bad /Index entry");
	*nidx = io->u.a.n;
	return E_OK;
}

static int stream_entries(struct pdf_xref_section *sec, size_t *cap, const uint8_t *d, size_t dlen,
			  const int64_t w[3], const int64_t *idx, size_t nidx)
{
	size_t rowlen = (size_t)(w[0] + w[1] + w[2]), at = 0, i;
	struct pdf_xref_entry e;
	int64_t k;
	int rc;

	for (i = 0; i < nidx; i += 2) {
		if (idx[i] + idx[i + 1] > PDF_XREF_OBJECTS_MAX)
			return err_set(E_TOOBIG, "xref stream subsection over %u objects",
				       PDF_XREF_OBJECTS_MAX);
		for (k = 0; k < idx[i + 1]; k++, at += rowlen) {
			uint64_t t;

			if (at > dlen || dlen - at < rowlen)
				return err_set(E_CORRUPT,
					       "xref stream at offset %zu: data shorter "
					       "than /Index says",
					       sec->off);
			t = w[0] ? be_field(d + at, w[0]) : 1;
			memset(&e, 0, sizeof(e));
			e.num = (uint32_t)(idx[i] + k);
			e.off = be_field(d + at + w[0], w[1]);
			e.gen = (uint32_t)be_field(d + at + w[0] + w[1], w[2]);
			if (t > 2)
				return err_set(E_INVAL,
					       "xref stream at offset %zu: entry type %llu "
					       "not supported",
					       sec->off, (unsigned long long)t);
			e.type = (uint8_t)t;
			if (t == 2)
				e.idx = e.gen, e.gen = 0;
			else if (e.gen > PDF_OBJ_GEN_MAX)
				return err_set(E_CORRUPT, "xref stream: generation out of range");
			rc = sec_push(sec, cap, &e);
			if (rc < 0)
				return rc;
		}
	}
	if (at != dlen)
		return err_set(E_CORRUPT,
			       "xref stream at offset %zu: %zu bytes, /W and /Index say "
			       "%zu",
			       sec->off, dlen, at);
	return E_OK;
}

/* Reads the xref stream at @off into @sec's entries; its dictionary goes to
 * *dict (caller frees). */
static int read_stream(const uint8_t *p, size_t len, size_t off, struct pdf_xref_section *sec,
		       size_t *cap, struct pdf_obj **dict, uint32_t *num)
{
	struct pdf_lex lx;
	struct pdf_obj *o = NULL;
	struct pdf_ref id;
	int64_t w[3], size, idx[2 * PDF_XREF_SECTIONS_MAX];
	size_t nidx = 0, dlen = 0;
	uint8_t *d = NULL;
	int rc;

	*dict = NULL;
	pdf_lex_init(&lx, p, len, off);
	if (off >= len || p[off] < '0' || p[off] > '9')
		return err_set(E_CORRUPT, "offset %zu points at neither \"xref\" nor an object",
			       off);
	rc = pdf_lex_parse_indirect(&lx, &id, &o, NULL, NULL);
	if (rc < 0)
		goto out;
	if (o->type != PDF_STREAM || !pdf_obj_is_name(pdf_obj_dict_get(o, "Type"), "XRef")) {
		rc = err_set(E_CORRUPT, "object at offset %zu is not a /Type /XRef stream", off);
		goto out;
	}
	if (int_of(pdf_obj_dict_get(o, "Size"), 0, PDF_XREF_OBJECTS_MAX, &size) < 0) {
		rc = err_set(E_CORRUPT, "xref stream at offset %zu: bad /Size", off);
		goto out;
	}
	rc = stream_layout(o->u.st.dict, w, idx, &nidx, size);
	if (rc == E_OK)
		rc = pdf_filter_decode(&d, &dlen, o->u.st.dict, p + o->u.st.off, o->u.st.len,
				       PDF_XREF_STREAM_MAX);
	if (rc == E_OK)
		rc = stream_entries(sec, cap, d, dlen, w, idx, nidx);
	if (rc < 0)
		goto out;
	*num = id.num;
	*dict = o->u.st.dict;
	o->u.st.dict = NULL;
out:
	free(d);
	pdf_obj_free(o);
	return rc;
}

/* After a section ending at @lx: "startxref" N "%%EOF" [EOL] with N equal
 * to @said; sets end.  The first-page section of a linearized file
 * (@first_page) may have no tail at all, or N 0 (ISO 32000-1 F.3.4). */
static int read_tail(struct pdf_lex *lx, struct pdf_xref_section *sec, size_t said, int first_page)
{
	uint64_t v;

	if (!pdf_lex_keyword(lx, "startxref")) {
		if (first_page) {
			sec->end = lx->pos;
			return E_OK;
		}
		return err_set(E_CORRUPT,
			       "section at offset %zu: no startxref after it (offset %zu)",
			       sec->off, lx->pos);
	}
	if (pdf_lex_uint(lx, lx->len, &v) < 0)
		return err_set(E_CORRUPT, "section at offset %zu: startxref without an offset",
			       sec->off);
	if (v != said && !(first_page && v == 0))
		return err_set(E_CORRUPT, "section at offset %zu: its startxref says %llu, not %zu",
			       sec->off, (unsigned long long)v, said);
	while (lx->pos < lx->len && pdf_lex_is_space(lx->p[lx->pos]))
		lx->pos++;
	if (lx->len - lx->pos < 5 || memcmp(lx->p + lx->pos, "%%EOF", 5) != 0)
		return err_set(E_CORRUPT, "section at offset %zu: no %%%%EOF after startxref",
			       sec->off);
	lx->pos += 5;
	if (lx->pos < lx->len && lx->p[lx->pos] == '\r')
		lx->pos++;
	if (lx->pos < lx->len && lx->p[lx->pos] == '\n')
		lx->pos++;
	sec->end = lx->pos;
	return E_OK;
}

/* The trailer facts every section shares: /Size, /Encrypt. */
static int check_trailer(struct pdf_xref_section *sec)
{
	int64_t size;

	if (pdf_obj_dict_get(sec->trailer, "Encrypt"))
		return err_set(E_INVAL, "encrypted PDF: not supported");
	if (int_of(pdf_obj_dict_get(sec->trailer, "Size"), 1, PDF_XREF_OBJECTS_MAX, &size) < 0)
		return err_set(E_CORRUPT, "trailer at offset %zu: /Size missing or out of range",
			       sec->off);
	sec->size = (uint32_t)size;
	return E_OK;
}

/* Whether the trailer's /Prev points forward: the mark of the first-page
 * section of a linearized file (checked by the caller). */
static int prev_forward(const struct pdf_xref_section *sec)
{
	const struct pdf_obj *prev = pdf_obj_dict_get(sec->trailer, "Prev");

	return prev && prev->type == PDF_INT && prev->u.i > (int64_t)sec->off;
}

/* Reads the section at @off: table (with /XRefStm) or stream, whose
 * startxref must say @said. */
static int read_section(const uint8_t *p, size_t len, size_t off, size_t said,
			struct pdf_xref_section *sec)
{
	struct pdf_lex lx;
	struct pdf_obj *dict = NULL;
	int64_t stm;
	size_t cap = 0;
	int rc;

	memset(sec, 0, sizeof(*sec));
	sec->off = off;
	if (off >= len)
		return err_set(E_CORRUPT, "cross-reference offset %zu is past the end (%zu bytes)",
			       off, len);
	pdf_lex_init(&lx, p, len, off);
	if (len - off >= 4 && memcmp(p + off, "xref", 4) == 0) {
		rc = read_table(&lx, sec);
		sec->ntable = sec->n;
		if (rc == E_OK)
			rc = read_tail(&lx, sec, said, prev_forward(sec));
		if (rc == E_OK)
			rc = check_trailer(sec);
		if (rc < 0 || !pdf_obj_dict_get(sec->trailer, "XRefStm"))
			return rc;
		/* before its table; a first-page section's may follow it */
		if (int_of(pdf_obj_dict_get(sec->trailer, "XRefStm"), 1,
			   prev_forward(sec) ? (int64_t)len - 1 : (int64_t)off - 1, &stm) < 0 ||
		    (size_t)stm == off)
			return err_set(E_CORRUPT, "trailer at offset %zu: bad /XRefStm", off);
		sec->xrefstm = (size_t)stm;
		cap = sec->n;
		rc = read_stream(p, len, sec->xrefstm, sec, &cap, &dict, &sec->stream_num);
		pdf_obj_free(dict);
		return rc;
	}
	sec->is_stream = 1;
	rc = read_stream(p, len, off, sec, &cap, &sec->trailer, &sec->stream_num);
	if (rc == E_OK) {
		lx.pos = off;
		rc = pdf_lex_parse_indirect(&lx, &(struct pdf_ref){0, 0}, &dict, NULL, NULL);
		pdf_obj_free(dict);
	}
	if (rc == E_OK)
		rc = read_tail(&lx, sec, said, prev_forward(sec));
	if (rc == E_OK)
		rc = check_trailer(sec);
	return rc;
}

/* The offset of the last "startxref N %%EOF" at the end of the file. */
static int find_startxref(const uint8_t *p, size_t len, size_t *off)
{
	size_t lo = len > PDF_XREF_TAIL_MAX ? len - PDF_XREF_TAIL_MAX : 0, i, at = SIZE_MAX;
	struct pdf_xref_section probe;
	struct pdf_lex lx;
	uint64_t v;

	for (i = len >= 9 ? len - 9 + 1 : 0; at == SIZE_MAX && i-- > lo;)
		if (memcmp(p + i, "startxref", 9) == 0)
			at = i;
	if (at == SIZE_MAX)
		return err_set(E_CORRUPT, "no startxref in the last %d bytes", PDF_XREF_TAIL_MAX);
	i = at;
	pdf_lex_init(&lx, p, len, i + 9);
	if (pdf_lex_uint(&lx, len, &v) < 0)
		return err_set(E_CORRUPT, "startxref is not followed by an offset");
	memset(&probe, 0, sizeof(probe));
	probe.off = (size_t)v;
	lx.pos = i;
	if (read_tail(&lx, &probe, probe.off, 0) < 0)
		return err_set(E_CORRUPT, "the last startxref is not followed by %%%%EOF");
	while (lx.pos < len && pdf_lex_is_space(p[lx.pos]))
		lx.pos++;
	if (lx.pos != len)
		return err_set(E_CORRUPT, "%zu bytes after the last %%%%EOF", len - lx.pos);
	*off = (size_t)v;
	return E_OK;
}

static void section_free(struct pdf_xref_section *sec)
{
	pdf_obj_free(sec->trailer);
	free(sec->e);
}

void pdf_xref_free(struct pdf_xref *x)
{
	size_t i;

	if (!x)
		return;
	for (i = 0; i < x->nsec; i++) {
		if (x->sec[i].lin)
			section_free(x->sec[i].lin);
		free(x->sec[i].lin);
		section_free(&x->sec[i]);
	}
	free(x->sec);
	free(x->map);
	free(x);
}

/* Whether @off is where the first-page section of a linearized file is: the
 * file's first object is a dictionary with /Linearized and @off follows it
 * with nothing but white-space and comments between (ISO 32000-1 F.3). */
static int is_first_page(const uint8_t *p, size_t len, size_t off)
{
	const struct pdf_obj *v;
	struct pdf_obj *o = NULL;
	struct pdf_ref id;
	struct pdf_lex lx;
	int ok;

	pdf_lex_init(&lx, p, len, 0);
	pdf_lex_skip_ws(&lx); /* the header and binary comment lines */
	if (lx.pos >= off || pdf_lex_parse_indirect(&lx, &id, &o, NULL, NULL) < 0) {
		err_clear();
		return 0;
	}
	v = pdf_obj_dict_get(o, "Linearized");
	ok = o->type == PDF_DICT && v && (v->type == PDF_INT || v->type == PDF_REAL);
	pdf_obj_free(o);
	pdf_lex_skip_ws(&lx);
	return ok && lx.pos == off;
}

/* @fp's /Prev points forward to @moff: only the first-page section of a
 * linearized file may do that, to the main section at the end of the same
 * revision, whose startxref names @fp and which has no /Prev.  The two
 * become one revision: @fp with fp->lin, ending where the main one ends. */
static int read_linearized(struct pdf_xref_section *fp, const uint8_t *p, size_t len, size_t moff)
{
	struct pdf_xref_section *m;
	int rc;

	if (!is_first_page(p, len, fp->off))
		return err_set(E_CORRUPT,
			       "/Prev at offset %zu points forward, and its section is not the "
			       "first-page section of a linearized file",
			       fp->off);
	if (moff < fp->end)
		return err_set(E_CORRUPT,
			       "linearized file: the main section at offset %zu lies inside "
			       "the first-page section",
			       moff);
	m = calloc(1, sizeof(*m));
	if (!m)
		return err_set(E_NOMEM, "out of memory");
	fp->lin = m;
	rc = read_section(p, len, moff, fp->off, m);
	if (rc < 0)
		return rc;
	if (pdf_obj_dict_get(m->trailer, "Prev"))
		return err_set(E_CORRUPT,
			       "linearized file: the main section at offset %zu has a /Prev", moff);
	if (fp->xrefstm && fp->xrefstm >= m->off)
		return err_set(E_CORRUPT,
			       "linearized file: the /XRefStm of the first-page section is "
			       "not before the main section");
	fp->end = m->end;
	if (m->size > fp->size)
		fp->size = m->size;
	return E_OK;
}

/* Whether a section at @off was read already (a loop of /Prev). */
static int seen(const struct pdf_xref *x, size_t off)
{
	size_t i;

	for (i = 0; i < x->nsec; i++)
		if (x->sec[i].off == off || (x->sec[i].lin && x->sec[i].lin->off == off))
			return 1;
	return 0;
}

/* Follows startxref and /Prev, newest first, into x->sec. */
static int read_chain(struct pdf_xref *x, const uint8_t *p, size_t len)
{
	struct pdf_xref_section *sec;
	size_t off = x->startxref;
	const struct pdf_obj *prev;
	int64_t v;
	int rc;

	for (;;) {
		if (x->nsec >= PDF_XREF_SECTIONS_MAX)
			return err_set(E_TOOBIG, "more than %d revisions", PDF_XREF_SECTIONS_MAX);
		sec = &x->sec[x->nsec++];
		rc = read_section(p, len, off, off, sec);
		if (rc < 0)
			return rc;
		prev = pdf_obj_dict_get(sec->trailer, "Prev");
		if (!prev)
			return E_OK;
		if (int_of(prev, 0, (int64_t)len, &v) < 0)
			return err_set(E_CORRUPT, "trailer at offset %zu: bad /Prev", off);
		if (seen(x, (size_t)v))
			return err_set(E_CORRUPT, "circular /Prev chain at offset %zu", off);
		if ((size_t)v > off)
			return read_linearized(sec, p, len, (size_t)v);
		off = (size_t)v;
	}
}

/* Oldest first; revisions follow each other in the file; /Size grows. */
static int check_order(struct pdf_xref *x)
{
	struct pdf_xref_section t;
	size_t i;

	for (i = 0; i < x->nsec / 2; i++) {
		t = x->sec[i];
		x->sec[i] = x->sec[x->nsec - 1 - i];
		x->sec[x->nsec - 1 - i] = t;
	}
	for (i = 1; i < x->nsec; i++) {
		if (x->sec[i].off < x->sec[i - 1].end)
			return err_set(E_CORRUPT,
				       "revision %zu's section at offset %zu lies inside "
				       "revision %zu",
				       i + 1, x->sec[i].off, i);
		if (x->sec[i].size < x->sec[i - 1].size)
			return err_set(E_CORRUPT, "/Size shrinks from %u to %u in revision %zu",
				       x->sec[i - 1].size, x->sec[i].size, i + 1);
	}
	return E_OK;
}

/* Applies the entries of @sec (revision @si of @x) to the merged map;
 * @stamp marks the objects @sec has already given (stamp[num] == @token). */
static int merge_part(struct pdf_xref *x, const struct pdf_xref_section *sec, size_t si,
		      uint32_t *stamp, uint32_t token)
{
	size_t j;

	for (j = 0; j < sec->n; j++) {
		const struct pdf_xref_entry *e = &sec->e[j];

		if (e->num >= sec->size)
			return err_set(E_CORRUPT,
				       "revision %zu: entry for object %u but /Size is %u", si + 1,
				       e->num, sec->size);
		if (stamp[e->num] == token) {
			if (j < sec->ntable || !sec->ntable)
				return err_set(E_CORRUPT, "revision %zu lists object %u twice",
					       si + 1, e->num);
			if (x->map[e->num].type != PDF_XREF_FREE)
				continue; /* hybrid: the table's in-use entry wins */
		}
		if (e->num == 0 && e->type != PDF_XREF_FREE)
			return err_set(E_CORRUPT, "revision %zu: object 0 is not free", si + 1);
		stamp[e->num] = token;
		x->map[e->num] = *e;
	}
	return E_OK;
}

/* Applies revision @si: a linearized one's main section first, then its
 * first-page section, which /Prev makes the newer of the two. */
static int merge_section(struct pdf_xref *x, size_t si, uint32_t *stamp)
{
	int rc = E_OK;

	if (x->sec[si].lin)
		rc = merge_part(x, x->sec[si].lin, si, stamp, UINT32_MAX);
	return rc < 0 ? rc : merge_part(x, &x->sec[si], si, stamp, (uint32_t)si + 1);
}

/* Every in-use entry of @sec (in revision @si, ending at @end) points at
 * its own "N G obj" inside its revision. */
static int check_part(const struct pdf_xref_section *sec, size_t si, size_t end, uint32_t size,
		      const uint8_t *p, size_t len)
{
	struct pdf_lex lx;
	uint64_t num, gen;
	size_t j;

	for (j = 0; j < sec->n; j++) {
		const struct pdf_xref_entry *e = &sec->e[j];

		if (e->type == PDF_XREF_COMPRESSED && e->off >= size)
			return err_set(E_CORRUPT, "object %u: object stream %llu is beyond /Size",
				       e->num, (unsigned long long)e->off);
		if (e->type != PDF_XREF_USED)
			continue;
		if (e->off >= end || p[e->off] < '0' || p[e->off] > '9')
			goto bad;
		pdf_lex_init(&lx, p, len, (size_t)e->off);
		if (pdf_lex_uint(&lx, PDF_OBJ_NUM_MAX, &num) < 0 ||
		    pdf_lex_uint(&lx, PDF_OBJ_GEN_MAX, &gen) < 0 || !pdf_lex_keyword(&lx, "obj") ||
		    num != e->num || gen != e->gen)
			goto bad;
		continue;
bad:
		err_clear();
		return err_set(E_CORRUPT,
			       "revision %zu: object %u %u is said to be at offset %llu, which "
			       "does not hold \"%u %u obj\"",
			       si + 1, e->num, e->gen, (unsigned long long)e->off, e->num, e->gen);
	}
	return E_OK;
}

static int check_offsets(const struct pdf_xref *x, const uint8_t *p, size_t len)
{
	const struct pdf_xref_section *sec;
	size_t si;
	int rc = E_OK;

	for (si = 0; rc == E_OK && si < x->nsec; si++) {
		sec = &x->sec[si];
		if (sec->lin)
			rc = check_part(sec->lin, si, sec->end, sec->size, p, len);
		if (rc == E_OK)
			rc = check_part(sec, si, sec->end, sec->size, p, len);
	}
	return rc;
}

int pdf_xref_read(struct pdf_xref **out, const uint8_t *p, size_t len)
{
	struct pdf_xref *x = calloc(1, sizeof(*x));
	uint32_t *stamp = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (!x)
		return err_set(E_NOMEM, "out of memory");
	x->sec = calloc(PDF_XREF_SECTIONS_MAX, sizeof(*x->sec));
	rc = x->sec ? find_startxref(p, len, &x->startxref) : err_set(E_NOMEM, "out of memory");
	if (rc == E_OK)
		rc = read_chain(x, p, len);
	if (rc == E_OK)
		rc = check_order(x);
	if (rc < 0)
		goto out;
	x->size = x->sec[x->nsec - 1].size;
	x->map = calloc(x->size, sizeof(*x->map));
	stamp = calloc(x->size, sizeof(*stamp));
	if (!x->map || !stamp) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < x->size; i++)
		x->map[i].num = (uint32_t)i;
	for (i = 0; rc == E_OK && i < x->nsec; i++)
		rc = merge_section(x, i, stamp);
	if (rc == E_OK)
		rc = check_offsets(x, p, len);
out:
	free(stamp);
	if (rc < 0) {
		pdf_xref_free(x);
		return rc;
	}
	*out = x;
	return E_OK;
}

const struct pdf_xref_entry *pdf_xref_get(const struct pdf_xref *x, uint32_t num)
{
	return num < x->size ? &x->map[num] : NULL;
}
