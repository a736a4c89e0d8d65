/*
 * pdf_import.c: copies a page of a parsed document into an incremental
 * update as a Form XObject, renumbering the objects its resources reach
 * (pdf_import.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/buf.h"
#include "common/err.h"
#include "pdf/pdf_import.h"

struct imp {
	struct pdf_write *w;
	struct pdf_doc *src;
	uint32_t size;  /* the source's /Size */
	uint32_t *map;  /* source number -> new number, 0: not yet */
	uint32_t *todo; /* source numbers mapped but not yet copied */
	size_t ntodo, copied;
};

/* Rewrites every reference under @o (a copy) to its new number, giving new
 * numbers to references met for the first time. */
static int renumber(struct imp *im, struct pdf_obj *o)
{
	size_t i;
	int rc = E_OK;

	switch (o->type) {
	case PDF_REF:
		if (o->u.ref.num == 0 || o->u.ref.num >= im->size)
			return err_set(E_CORRUPT, "reference to object %u", o->u.ref.num);
		if (!im->map[o->u.ref.num]) {
			struct pdf_ref r;

			if (im->ntodo + im->copied >= PDF_IMPORT_OBJECTS_MAX)
				return err_set(E_TOOBIG, "over %d objects to import",
					       PDF_IMPORT_OBJECTS_MAX);
			rc = pdf_write_alloc(im->w, &r);
			if (rc < 0)
				return rc;
			im->map[o->u.ref.num] = r.num;
			im->todo[im->ntodo++] = o->u.ref.num;
		}
		o->u.ref.num = im->map[o->u.ref.num];
		o->u.ref.gen = 0;
		return E_OK;
	case PDF_STREAM:
		return renumber(im, o->u.st.dict);
	case PDF_ARRAY:
		for (i = 0; rc == E_OK && i < o->u.a.n; i++)
			rc = renumber(im, o->u.a.v[i]);
		return rc;
	case PDF_DICT:
		for (i = 0; rc == E_OK && i < o->u.d.n; i++)
			rc = renumber(im, o->u.d.v[i]);
		return rc;
	default:
		return E_OK;
	}
}

/* A renumbered copy of the source object @o (a stream with its raw bytes). */
static int copy_obj(struct imp *im, const struct pdf_obj *o, struct pdf_obj **out)
{
	const uint8_t *data;
	struct pdf_obj *c, *dict;
	size_t len;
	int rc;

	*out = NULL;
	if (!o)
		c = pdf_obj_new(PDF_NULL);
	else if (o->type != PDF_STREAM)
		c = pdf_obj_dup(o);
	else {
		dict = pdf_obj_dup(o->u.st.dict);
		if (dict)
			pdf_obj_dict_del(dict, "Length");
		data = o->u.st.own ? o->u.st.own : pdf_doc_data(im->src, &len) + o->u.st.off;
		c = dict ? pdf_obj_new_stream(dict, data, o->u.st.len) : NULL;
	}
	if (!c)
		return err_set(E_NOMEM, "imported object");
	rc = renumber(im, c);
	if (rc < 0) {
		pdf_obj_free(c);
		return rc;
	}
	*out = c;
	return E_OK;
}

/* Copies every object mapped and not yet copied. */
static int drain(struct imp *im)
{
	const struct pdf_obj *o;
	struct pdf_obj *c;
	uint32_t n;
	int rc;

	while (im->ntodo) {
		n = im->todo[--im->ntodo];
		im->copied++;
		rc = pdf_doc_get(im->src, n, &o);
		if (rc < 0)
			return rc;
		if (o && (pdf_obj_is_name(pdf_obj_dict_get(o, "Type"), "Page") ||
			  pdf_obj_is_name(pdf_obj_dict_get(o, "Type"), "Pages")))
			return err_set(E_INVAL, "imported resources reach a page (object %u)", n);
		rc = copy_obj(im, o, &c);
		if (rc == E_OK)
			rc = pdf_write_put(im->w, (struct pdf_ref){im->map[n], 0}, c);
		if (rc < 0)
			return rc;
	}
	return E_OK;
}

int pdf_import_inherited(struct pdf_doc *src, const struct pdf_obj *pg, const char *key,
			 const struct pdf_obj **out)
{
	int depth, rc;

	*out = NULL;
	for (depth = 0; pg && depth < PDF_DOC_TREE_DEPTH_MAX; depth++) {
		if (pdf_obj_dict_get(pg, key))
			return pdf_doc_resolve(src, pdf_obj_dict_get(pg, key), out);
		rc = pdf_doc_resolve(src, pdf_obj_dict_get(pg, "Parent"), &pg);
		if (rc < 0)
			return rc;
	}
	return E_OK;
}

/* The page's content streams decoded and joined into @b. */
static int contents(struct imp *im, const struct pdf_obj *pg, struct buf *b)
{
	const struct pdf_obj *c, *part;
	size_t i, n, len;
	uint8_t *d;
	int rc;

	rc = pdf_doc_resolve(im->src, pdf_obj_dict_get(pg, "Contents"), &c);
	if (rc < 0 || !c)
		return rc;
	n = c->type == PDF_ARRAY ? c->u.a.n : 1;
	for (i = 0; i < n; i++) {
		part = c;
		if (c->type == PDF_ARRAY && (rc = pdf_doc_resolve(im->src, c->u.a.v[i], &part)) < 0)
			return rc;
		rc = pdf_doc_stream(im->src, part, &d, &len, PDF_IMPORT_CONTENT_MAX);
		if (rc == E_OK) {
			rc = buf_append(b, d, len);
			if (rc == E_OK)
				rc = buf_append(b, "\n", 1);
		}
		free(d);
		if (rc < 0)
			return rc == E_TOOBIG ? err_set(E_TOOBIG, "page content over %u bytes",
							PDF_IMPORT_CONTENT_MAX)
					      : rc;
	}
	return E_OK;
}

/* Sets @key of @d to @v (taken over) unless @rc is already a failure. */
static int set(struct pdf_obj *d, const char *key, struct pdf_obj *v, int rc)
{
	if (rc == E_OK && !v)
		rc = err_set(E_NOMEM, "form");
	if (rc < 0) {
		pdf_obj_free(v);
		return rc;
	}
	return pdf_obj_dict_set(d, key, v);
}

/* The form stream of @content (Flate) with @bbox and @res (taken over). */
static int make_form(struct pdf_obj **out, const struct buf *content, struct pdf_obj *bbox,
		     struct pdf_obj *res)
{
	struct pdf_obj *d = pdf_obj_new(PDF_DICT), *m = pdf_obj_new(PDF_ARRAY);
	uLongf zlen = compressBound((uLong)content->len);
	uint8_t *z = malloc(zlen);
	int rc = d && m && z ? E_OK : err_set(E_NOMEM, "form");
	int i;

	*out = NULL;
	if (rc == E_OK && compress2(z, &zlen, content->data, (uLong)content->len, 9) != Z_OK)
		rc = err_set(E_INTERNAL, "cannot compress the form");
	for (i = 0; m && rc == E_OK && i < 6; i++)
		rc = pdf_obj_array_push(m, pdf_obj_new_int(i == 0 || i == 3));
	rc = set(d, "Type", pdf_obj_new_name("XObject"), rc);
	rc = set(d, "Subtype", pdf_obj_new_name("Form"), rc);
	rc = set(d, "BBox", bbox, rc);
	rc = set(d, "Matrix", m, rc);
	rc = set(d, "Resources", res, rc);
	rc = set(d, "Filter", pdf_obj_new_name("FlateDecode"), rc);
	if (rc == E_OK && !(*out = pdf_obj_new_stream(d, z, zlen)))
		rc = err_set(E_NOMEM, "form");
	if (rc < 0 && d && !*out)
		pdf_obj_free(d);
	free(z);
	return rc;
}

static int import(struct imp *im, struct pdf_obj **form, uint32_t page)
{
	struct pdf_ref pr = pdf_doc_page(im->src, page);
	const struct pdf_obj *pg = NULL, *mb = NULL, *res = NULL;
	struct pdf_obj *bbox = NULL, *nres = NULL;
	struct buf content;
	int rc;

	buf_init(&content, PDF_IMPORT_CONTENT_MAX);
	if (!pr.num)
		return err_set(E_INVAL, "no page %u to import", page + 1);
	rc = pdf_doc_get(im->src, pr.num, &pg);
	if (rc == E_OK)
		rc = pdf_import_inherited(im->src, pg, "MediaBox", &mb);
	if (rc == E_OK)
		rc = pdf_import_inherited(im->src, pg, "Resources", &res);
	if (rc == E_OK && (!mb || mb->type != PDF_ARRAY || mb->u.a.n != 4))
		rc = err_set(E_CORRUPT, "imported page has no /MediaBox");
	if (rc == E_OK)
		rc = contents(im, pg, &content);
	if (rc == E_OK && !(bbox = pdf_obj_dup(mb)))
		rc = err_set(E_NOMEM, "form");
	if (rc == E_OK)
		rc = copy_obj(im, res && res->type == PDF_DICT ? res : NULL, &nres);
	if (rc == E_OK && nres->type != PDF_DICT) {
		pdf_obj_free(nres);
		nres = pdf_obj_new(PDF_DICT);
	}
	if (rc == E_OK)
		rc = drain(im);
	if (rc == E_OK)
		rc = make_form(form, &content, bbox, nres);
	else {
		pdf_obj_free(bbox);
		pdf_obj_free(nres);
	}
	buf_free(&content);
	return rc;
}

int pdf_import_page(struct pdf_ref *out, struct pdf_write *w, struct pdf_doc *src, uint32_t page)
{
	struct imp im = {w, src, pdf_doc_xref(src)->size, NULL, NULL, 0, 0};
	struct pdf_obj *form = NULL;
	int rc;

	*out = (struct pdf_ref){0, 0};
	im.map = calloc(im.size ? im.size : 1, sizeof(*im.map));
	im.todo = calloc(PDF_IMPORT_OBJECTS_MAX, sizeof(*im.todo));
	rc = im.map && im.todo ? E_OK : err_set(E_NOMEM, "import");
	if (rc == E_OK)
		rc = import(&im, &form, page);
	if (rc == E_OK)
		rc = pdf_write_alloc(w, out);
	if (rc == E_OK)
		rc = pdf_write_put(w, *out, form);
	else
		pdf_obj_free(form);
	if (rc < 0)
		*out = (struct pdf_ref){0, 0};
	free(im.map);
	free(im.todo);
	return rc;
}
