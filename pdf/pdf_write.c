/*
 * pdf_write.c: appending an incremental update to a PDF without touching
 * one byte of what is there: objects, then a cross-reference table or
 * stream, trailer, startxref, %%EOF.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "pdf/pdf_write.h"

struct wobj {
	struct pdf_ref ref;
	struct pdf_obj *obj;
	size_t off; /* in the output, set by finish */
};

struct pdf_write {
	const struct pdf_doc *doc;
	struct wobj *o;
	size_t n, cap;
	uint32_t next; /* next number pdf_write_alloc gives */
	struct pdf_ref root, info;
	size_t base; /* the offset in the file of the first byte of the output buffer */
};

int pdf_write_new(struct pdf_write **out, const struct pdf_doc *doc)
{
	struct pdf_write *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return err_set(E_NOMEM, "out of memory");
	w->doc = doc;
	w->next = pdf_doc_xref(doc)->size;
	*out = w;
	return E_OK;
}

void pdf_write_free(struct pdf_write *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->n; i++)
		pdf_obj_free(w->o[i].obj);
	free(w->o);
	free(w);
}

int pdf_write_alloc(struct pdf_write *w, struct pdf_ref *out)
{
	if (w->next >= PDF_XREF_OBJECTS_MAX - 1)
		return err_set(E_TOOBIG, "no object number left under %u", PDF_XREF_OBJECTS_MAX);
	out->num = w->next++;
	out->gen = 0;
	return E_OK;
}

static int check_ref(const struct pdf_write *w, struct pdf_ref ref)
{
	const struct pdf_xref_entry *e = pdf_xref_get(pdf_doc_xref(w->doc), ref.num);

	if (ref.num == 0)
		return err_set(E_INVAL, "object 0 cannot be written");
	if (e && e->type != PDF_XREF_FREE)
		return e->gen == ref.gen ? E_OK
					 : err_set(E_INVAL, "object %u has generation %u, not %u",
						   ref.num, e->gen, ref.gen);
	if (ref.num >= pdf_doc_xref(w->doc)->size && ref.num < w->next && ref.gen == 0)
		return E_OK;
	return err_set(E_INVAL, "object %u %u is neither in use nor allocated", ref.num, ref.gen);
}

int pdf_write_put(struct pdf_write *w, struct pdf_ref ref, struct pdf_obj *obj)
{
	struct wobj *no;
	size_t i;
	int rc = obj ? check_ref(w, ref) : err_set(E_NOMEM, "out of memory");

	if (rc == E_OK && obj->type == PDF_STREAM && !obj->u.st.own)
		rc = err_set(E_INVAL, "object %u: a stream to write must carry its data", ref.num);
	for (i = 0; rc == E_OK && i < w->n; i++) {
		if (w->o[i].ref.num == ref.num) {
			pdf_obj_free(w->o[i].obj);
			w->o[i].obj = obj;
			return E_OK;
		}
	}
	if (rc == E_OK && w->n >= PDF_WRITE_OBJECTS_MAX)
		rc = err_set(E_TOOBIG, "more than %d objects in one update", PDF_WRITE_OBJECTS_MAX);
	if (rc == E_OK && w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		no = realloc(w->o, w->cap * sizeof(*no));
		if (!no)
			rc = err_set(E_NOMEM, "out of memory");
		else
			w->o = no;
	}
	if (rc < 0) {
		pdf_obj_free(obj);
		return rc;
	}
	w->o[w->n].ref = ref;
	w->o[w->n].obj = obj;
	w->o[w->n++].off = 0;
	return E_OK;
}

void pdf_write_set_root(struct pdf_write *w, struct pdf_ref ref)
{
	w->root = ref;
}

void pdf_write_set_info(struct pdf_write *w, struct pdf_ref ref)
{
	w->info = ref;
}

static int by_num(const void *a, const void *b)
{
	const struct wobj *x = a, *y = b;

	return x->ref.num < y->ref.num ? -1 : x->ref.num > y->ref.num;
}

static int write_object(struct buf *b, size_t base, struct wobj *o)
{
	int rc;

	o->off = base + b->len;
	rc = buf_printf(b, "%u %u obj\n", o->ref.num, o->ref.gen);
	if (rc == E_OK)
		rc = pdf_obj_write(b, o->obj);
	if (rc == E_OK && o->obj->type == PDF_STREAM) {
		rc = buf_append(b, "\nstream\n", 8);
		if (rc == E_OK)
			rc = buf_append(b, o->obj->u.st.own, o->obj->u.st.len);
		if (rc == E_OK)
			rc = buf_append(b, "\nendstream", 10);
	}
	return rc < 0 ? rc : buf_append(b, "\nendobj\n", 8);
}

/* The new trailer: the last one without the keys of its section. */
static int new_trailer(const struct pdf_write *w, uint32_t size, struct pdf_obj **out)
{
	static const char *const drop[] = {"Prev",    "XRefStm",      "Size",        "Type",   "W",
					   "Index",   "Filter",       "DecodeParms", "Length", "F",
					   "FFilter", "FDecodeParms", "DL"};
	struct pdf_obj *t = pdf_obj_dup(pdf_doc_trailer(w->doc));
	const struct pdf_xref *x = pdf_doc_xref(w->doc);
	size_t i;
	int rc = E_OK;

	*out = NULL;
	if (!t)
		return err_set(E_NOMEM, "out of memory");
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		pdf_obj_dict_del(t, drop[i]);
	rc = pdf_obj_dict_set(t, "Size", pdf_obj_new_int(size));
	if (rc == E_OK)
		rc = pdf_obj_dict_set(t, "Prev", pdf_obj_new_int((int64_t)x->startxref));
	if (rc == E_OK && w->root.num)
		rc = pdf_obj_dict_set(t, "Root", pdf_obj_new_ref(w->root.num, w->root.gen));
	if (rc == E_OK && w->info.num)
		rc = pdf_obj_dict_set(t, "Info", pdf_obj_new_ref(w->info.num, w->info.gen));
	if (rc < 0) {
		pdf_obj_free(t);
		return rc;
	}
	*out = t;
	return E_OK;
}

/* Length of the run of consecutive numbers starting at w->o[i]. */
static size_t run_len(const struct wobj *o, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && o[j].ref.num == o[j - 1].ref.num + 1)
		j++;
	return j - i;
}

static int write_table(struct buf *b, const struct pdf_write *w, uint32_t size)
{
	struct pdf_obj *t = NULL;
	size_t i, k, xoff = w->base + b->len;
	int rc = buf_append(b, "xref\n", 5);

	for (i = 0; rc == E_OK && i < w->n; i += k) {
		k = run_len(w->o, w->n, i);
		rc = buf_printf(b, "%u %zu\n", w->o[i].ref.num, k);
		for (size_t j = i; rc == E_OK && j < i + k; j++)
			rc = buf_printf(b, "%010zu %05u n\r\n", w->o[j].off, w->o[j].ref.gen);
	}
	if (rc == E_OK)
		rc = new_trailer(w, size, &t);
	if (rc == E_OK)
		rc = buf_append(b, "trailer\n", 8);
	if (rc == E_OK)
		rc = pdf_obj_write(b, t);
	if (rc == E_OK)
		rc = buf_printf(b, "\nstartxref\n%zu\n%%%%EOF\n", xoff);
	pdf_obj_free(t);
	return rc;
}

/* Big-endian @v in @w bytes at @p. */
static void put_be(uint8_t *p, uint64_t v, int w)
{
	while (w-- > 0) {
		p[w] = (uint8_t)v;
		v >>= 8;
	}
}

/* The /Index and rows of the xref stream numbered @self at @xoff. */
static int stream_rows(struct pdf_obj *idx, struct buf *rows, const struct pdf_write *w,
		       uint32_t self, size_t xoff, int ow)
{
	uint8_t row[1 + 8 + 2];
	size_t i, k;
	int rc = E_OK;

	for (i = 0; rc == E_OK && i <= w->n; i += k) {
		int last = i == w->n;

		k = last ? 1 : run_len(w->o, w->n, i);
		rc = pdf_obj_array_push(idx, pdf_obj_new_int(last ? self : w->o[i].ref.num));
		if (rc == E_OK)
			rc = pdf_obj_array_push(idx, pdf_obj_new_int((int64_t)k));
		for (size_t j = i; rc == E_OK && j < i + k; j++) {
			row[0] = 1;
			put_be(row + 1, last ? xoff : w->o[j].off, ow);
			put_be(row + 1 + ow, last ? 0 : w->o[j].ref.gen, 2);
			rc = buf_append(rows, row, (size_t)(1 + ow + 2));
		}
	}
	return rc;
}

static int write_xref_stream(struct buf *b, const struct pdf_write *w, uint32_t size)
{
	struct pdf_obj *t = NULL, *idx = pdf_obj_new(PDF_ARRAY), *wa = pdf_obj_new(PDF_ARRAY);
	struct buf rows;
	size_t xoff = w->base + b->len;
	uint32_t self = size;
	int ow = xoff > 0xffffffffu ? 8 : 4, rc;

	buf_init(&rows, PDF_WRITE_UPDATE_MAX);
	rc = idx && wa ? new_trailer(w, size + 1, &t) : err_set(E_NOMEM, "out of memory");
	if (rc == E_OK)
		rc = stream_rows(idx, &rows, w, self, xoff, ow);
	if (rc == E_OK)
		rc = pdf_obj_array_push(wa, pdf_obj_new_int(1));
	if (rc == E_OK)
		rc = pdf_obj_array_push(wa, pdf_obj_new_int(ow));
	if (rc == E_OK)
		rc = pdf_obj_array_push(wa, pdf_obj_new_int(2));
	if (rc == E_OK)
		rc = pdf_obj_dict_set(t, "Type", pdf_obj_new_name("XRef"));
	if (rc == E_OK) {
		rc = pdf_obj_dict_set(t, "W", wa);
		wa = NULL;
	}
	if (rc == E_OK) {
		rc = pdf_obj_dict_set(t, "Index", idx);
		idx = NULL;
	}
	if (rc == E_OK)
		rc = pdf_obj_dict_set(t, "Length", pdf_obj_new_int((int64_t)rows.len));
	if (rc == E_OK)
		rc = buf_printf(b, "%u 0 obj\n", self);
	if (rc == E_OK)
		rc = pdf_obj_write(b, t);
	if (rc == E_OK)
		rc = buf_append(b, "\nstream\n", 8);
	if (rc == E_OK)
		rc = buf_append(b, rows.data, rows.len);
	if (rc == E_OK)
		rc = buf_printf(b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xoff);
	pdf_obj_free(t);
	pdf_obj_free(idx);
	pdf_obj_free(wa);
	buf_free(&rows);
	return rc;
}

/* Appends to @b the update: an EOL if the input (@len bytes, ending with
 * @last) lacks one, the objects, the cross-reference section. */
static int write_update(struct pdf_write *w, struct buf *b, size_t len, uint8_t last)
{
	const struct pdf_xref *x = pdf_doc_xref(w->doc);
	uint32_t size = x->size;
	size_t i;
	int rc = E_OK;

	qsort(w->o, w->n, sizeof(*w->o), by_num);
	for (i = 0; i < w->n; i++)
		if (w->o[i].ref.num >= size)
			size = w->o[i].ref.num + 1;
	if (len && last != '\n' && last != '\r')
		rc = buf_append(b, "\n", 1);
	for (i = 0; rc == E_OK && i < w->n; i++)
		rc = write_object(b, w->base, &w->o[i]);
	if (rc == E_OK)
		rc = x->sec[x->nsec - 1].is_stream ? write_xref_stream(b, w, size)
						   : write_table(b, w, size);
	return rc;
}

/* The update, after a copy of the input with @with_input. */
static int finish(struct pdf_write *w, uint8_t **out, size_t *outlen, int with_input)
{
	const uint8_t *data;
	size_t len;
	struct buf b;
	int rc = E_OK;

	*out = NULL;
	*outlen = 0;
	data = pdf_doc_data(w->doc, &len);
	buf_init(&b, (with_input ? len : 0) + PDF_WRITE_UPDATE_MAX);
	w->base = with_input ? 0 : len;
	if (with_input)
		rc = buf_append(&b, data, len);
	if (rc == E_OK)
		rc = write_update(w, &b, len, len ? data[len - 1] : 0);
	if (rc < 0) {
		buf_free(&b);
		return rc;
	}
	*out = b.data;
	*outlen = b.len;
	return E_OK;
}

int pdf_write_finish(struct pdf_write *w, uint8_t **out, size_t *outlen)
{
	return finish(w, out, outlen, 1);
}

int pdf_write_update(struct pdf_write *w, uint8_t **out, size_t *outlen)
{
	return finish(w, out, outlen, 0);
}
