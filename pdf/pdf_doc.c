/*
 * pdf_doc.c: opening a PDF strictly: its cross-reference, every object
 * (object streams included), the catalog, the page tree, the AcroForm field
 * tree and the annotations; objects are cached once loaded.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "pdf/pdf_doc.h"
#include "pdf/pdf_filter.h"
#include "pdf/pdf_lex.h"

enum { UNLOADED = 0, LOADING = 1, LOADED = 2 };

struct pdf_doc {
	const uint8_t *data;
	uint8_t *own; /* the copy pdf_doc_open made, or NULL when borrowed */
	size_t len;
	char version[4];
	struct pdf_xref *x;
	struct pdf_obj **cache; /* by object number */
	uint8_t *state;         /* UNLOADED, LOADING, LOADED */
	uint8_t *seen;          /* tree walks */
	unsigned depth;         /* nested loads */
	struct pdf_ref root;
	struct pdf_ref *pages;
	struct pdf_doc_stats st;
};

static int load(struct pdf_doc *doc, uint32_t num);

static int resolve_len(void *ctx, const struct pdf_obj *lo, int64_t *out)
{
	const struct pdf_obj *v;
	int rc = pdf_doc_resolve(ctx, lo, &v);

	if (rc < 0)
		return rc;
	if (!v || v->type != PDF_INT)
		return err_set(E_CORRUPT, "stream /Length is not an integer");
	*out = v->u.i;
	return E_OK;
}

static int load_used(struct pdf_doc *doc, const struct pdf_xref_entry *e)
{
	struct pdf_lex lx;
	struct pdf_ref id;
	struct pdf_obj *o = NULL;
	int rc;

	pdf_lex_init(&lx, doc->data, doc->len, (size_t)e->off);
	rc = pdf_lex_parse_indirect(&lx, &id, &o, resolve_len, doc);
	if (rc < 0)
		return rc;
	if (id.num != e->num || id.gen != e->gen) {
		pdf_obj_free(o);
		return err_set(E_CORRUPT, "object %u %u: offset %llu holds %u %u", e->num, e->gen,
			       (unsigned long long)e->off, id.num, id.gen);
	}
	doc->cache[e->num] = o;
	return E_OK;
}

/* The /N and /First of object stream @stm, checked against @dlen. */
static int objstm_header(const struct pdf_obj *stm, uint32_t snum, size_t dlen, int64_t *n,
			 int64_t *first)
{
	const struct pdf_obj *no = pdf_obj_dict_get(stm, "N"), *fo = pdf_obj_dict_get(stm, "First");

	if (!no || no->type != PDF_INT || no->u.i < 0 || no->u.i > PDF_DOC_OBJSTM_N_MAX)
		return err_set(E_CORRUPT, "object stream %u: bad /N", snum);
	if (!fo || fo->type != PDF_INT || fo->u.i < 0 || (uint64_t)fo->u.i > dlen)
		return err_set(E_CORRUPT, "object stream %u: bad /First", snum);
	*n = no->u.i;
	*first = fo->u.i;
	return E_OK;
}

/* Parses the objects of object stream @snum that the cross-reference
 * places in it, into the cache. */
static int load_objstm(struct pdf_doc *doc, uint32_t snum)
{
	const struct pdf_xref_entry *se = pdf_xref_get(doc->x, snum), *e;
	const struct pdf_obj *stm;
	struct pdf_lex hdr, lx;
	uint8_t *d = NULL;
	size_t dlen = 0;
	uint64_t num, off;
	int64_t n = 0, first = 0, k;
	int rc;

	if (!se || se->type == PDF_XREF_FREE)
		return err_set(E_CORRUPT, "object stream %u does not exist", snum);
	if (se->type == PDF_XREF_COMPRESSED)
		return err_set(E_CORRUPT, "object stream %u is itself in an object stream", snum);
	rc = pdf_doc_get(doc, snum, &stm);
	if (rc < 0)
		return rc;
	if (!stm || stm->type != PDF_STREAM ||
	    !pdf_obj_is_name(pdf_obj_dict_get(stm, "Type"), "ObjStm"))
		return err_set(E_CORRUPT, "object %u is not a /Type /ObjStm stream", snum);
	rc = pdf_doc_stream(doc, stm, &d, &dlen, PDF_DOC_OBJSTM_MAX);
	if (rc == E_OK)
		rc = objstm_header(stm, snum, dlen, &n, &first);
	if (rc < 0)
		goto out;
	pdf_lex_init(&hdr, d, (size_t)first, 0);
	for (k = 0; k < n; k++) {
		if (pdf_lex_uint(&hdr, PDF_OBJ_NUM_MAX, &num) < 0 ||
		    pdf_lex_uint(&hdr, dlen, &off) < 0 || (uint64_t)first + off >= dlen) {
			rc = err_set(E_CORRUPT, "object stream %u: bad header entry %lld", snum,
				     (long long)k);
			goto out;
		}
		e = pdf_xref_get(doc->x, (uint32_t)num);
		if (!e || e->type != PDF_XREF_COMPRESSED || e->off != snum || e->idx != k ||
		    doc->state[num] == LOADED)
			continue;
		pdf_lex_init(&lx, d, dlen, (size_t)(first + (int64_t)off));
		rc = pdf_lex_parse(&lx, &doc->cache[num]);
		if (rc < 0)
			goto out;
		if (pdf_lex_keyword(&lx, "stream")) {
			rc = err_set(E_CORRUPT, "object %llu in object stream %u is a stream",
				     (unsigned long long)num, snum);
			goto out;
		}
		doc->state[num] = LOADED;
	}
out:
	free(d);
	return rc;
}

static int load(struct pdf_doc *doc, uint32_t num)
{
	const struct pdf_xref_entry *e = pdf_xref_get(doc->x, num);
	int rc = E_OK;

	if (doc->state[num] == LOADING)
		return err_set(E_CORRUPT, "object %u needs itself to be loaded", num);
	if (doc->depth >= PDF_DOC_RESOLVE_MAX)
		return err_set(E_TOOBIG, "loading object %u needs more than %d nested loads", num,
			       PDF_DOC_RESOLVE_MAX);
	doc->state[num] = LOADING;
	doc->depth++;
	if (e->type == PDF_XREF_USED) {
		rc = load_used(doc, e);
	} else if (e->type == PDF_XREF_COMPRESSED) {
		if (e->off == num)
			rc = err_set(E_CORRUPT, "object %u is said to be inside itself", num);
		else
			rc = load_objstm(doc, (uint32_t)e->off);
		if (rc == E_OK && doc->state[num] != LOADED)
			rc = err_set(E_CORRUPT,
				     "object %u is not at index %u of object stream %llu", num,
				     e->idx, (unsigned long long)e->off);
	}
	doc->depth--;
	doc->state[num] = rc < 0 ? UNLOADED : LOADED;
	return rc;
}

int pdf_doc_get(struct pdf_doc *doc, uint32_t num, const struct pdf_obj **out)
{
	const struct pdf_xref_entry *e = pdf_xref_get(doc->x, num);
	int rc;

	*out = NULL;
	if (!e || e->type == PDF_XREF_FREE)
		return E_OK;
	if (doc->state[num] != LOADED) {
		rc = load(doc, num);
		if (rc < 0)
			return rc;
	}
	*out = doc->cache[num];
	return E_OK;
}

int pdf_doc_resolve(struct pdf_doc *doc, const struct pdf_obj *o, const struct pdf_obj **out)
{
	const struct pdf_xref_entry *e;
	int rc;

	*out = o;
	if (!o || o->type != PDF_REF)
		return E_OK;
	e = pdf_xref_get(doc->x, o->u.ref.num);
	if (!e || e->gen != o->u.ref.gen) {
		*out = NULL; /* another generation: the null object */
		return E_OK;
	}
	rc = pdf_doc_get(doc, o->u.ref.num, out);
	if (rc == E_OK && *out && (*out)->type == PDF_REF)
		return err_set(E_CORRUPT, "object %u is a reference to a reference", o->u.ref.num);
	return rc;
}

int pdf_doc_stream(struct pdf_doc *doc, const struct pdf_obj *stream, uint8_t **out, size_t *outlen,
		   size_t max)
{
	const uint8_t *raw;

	*out = NULL;
	if (!stream || stream->type != PDF_STREAM)
		return err_set(E_INVAL, "not a stream");
	raw = stream->u.st.own ? stream->u.st.own : doc->data + stream->u.st.off;
	return pdf_filter_decode(out, outlen, stream->u.st.dict, raw, stream->u.st.len, max);
}

/* Resolves @o and requires a dictionary (or NULL when @o is absent and
 * @optional). */
static int get_dict(struct pdf_doc *doc, const struct pdf_obj *o, int optional, const char *what,
		    const struct pdf_obj **out)
{
	int rc = pdf_doc_resolve(doc, o, out);

	if (rc < 0)
		return rc;
	if (!*out && optional)
		return E_OK;
	if (!*out || (*out)->type != PDF_DICT)
		return err_set(E_CORRUPT, "%s is not a dictionary", what);
	return E_OK;
}

static int get_array(struct pdf_doc *doc, const struct pdf_obj *o, const char *what,
		     const struct pdf_obj **out)
{
	int rc = pdf_doc_resolve(doc, o, out);

	if (rc == E_OK && *out && (*out)->type != PDF_ARRAY)
		rc = err_set(E_CORRUPT, "%s is not an array", what);
	return rc;
}

static int count_annots(struct pdf_doc *doc, const struct pdf_obj *page, uint32_t pnum)
{
	const struct pdf_obj *arr, *a;
	size_t i;
	int rc = get_array(doc, pdf_obj_dict_get(page, "Annots"), "page /Annots", &arr);

	for (i = 0; rc == E_OK && arr && i < arr->u.a.n; i++) {
		rc = get_dict(doc, arr->u.a.v[i], 1, "an annotation", &a);
		if (rc < 0 || !a)
			continue;
		if (doc->st.annots >= PDF_DOC_FIELDS_MAX)
			return err_set(E_TOOBIG, "more than %d annotations", PDF_DOC_FIELDS_MAX);
		doc->st.annots++;
		if (pdf_obj_is_name(pdf_obj_dict_get(a, "Subtype"), "Widget"))
			doc->st.widgets++;
	}
	if (rc < 0)
		err_set(rc, "page object %u: %s", pnum, err_detail());
	return rc;
}

static int add_page(struct pdf_doc *doc, struct pdf_ref id, const struct pdf_obj *page, int has_box)
{
	struct pdf_ref *np;
	const struct pdf_obj *box;
	int rc;

	rc = pdf_doc_resolve(doc, pdf_obj_dict_get(page, "MediaBox"), &box);
	if (rc < 0)
		return rc;
	if ((!box && !has_box) || (box && (box->type != PDF_ARRAY || box->u.a.n != 4)))
		return err_set(E_CORRUPT, "page %u (object %u) has no valid /MediaBox",
			       doc->st.pages + 1, id.num);
	if (doc->st.pages >= PDF_DOC_PAGES_MAX)
		return err_set(E_TOOBIG, "more than %d pages", PDF_DOC_PAGES_MAX);
	if ((doc->st.pages & (doc->st.pages - 1)) == 0) {
		np = realloc(doc->pages, (doc->st.pages ? doc->st.pages * 2 : 1) * sizeof(*np));
		if (!np)
			return err_set(E_NOMEM, "out of memory");
		doc->pages = np;
	}
	doc->pages[doc->st.pages++] = id;
	return count_annots(doc, page, id.num);
}

/* Walks the page tree node @ref (child of @parent) at @depth. */
static int walk_pages(struct pdf_doc *doc, const struct pdf_obj *ref, uint32_t parent,
		      unsigned depth, int has_box)
{
	const struct pdf_obj *node, *kids, *type, *count, *par;
	uint32_t num, before = doc->st.pages;
	size_t i;
	int rc;

	if (depth > PDF_DOC_TREE_DEPTH_MAX)
		return err_set(E_TOOBIG, "page tree deeper than %d", PDF_DOC_TREE_DEPTH_MAX);
	if (!ref || ref->type != PDF_REF)
		return err_set(E_CORRUPT,
			       "page tree: a kid of object %u is not an indirect "
			       "reference",
			       parent);
	num = ref->u.ref.num;
	rc = get_dict(doc, ref, 0, "a page tree node", &node);
	if (rc < 0)
		return err_set(rc, "page tree node %u: %s", num, err_detail());
	if (doc->seen[num])
		return err_set(E_CORRUPT, "page tree is circular: object %u is reached twice", num);
	doc->seen[num] = 1;
	par = pdf_obj_dict_get(node, "Parent");
	if (parent && (!par || par->type != PDF_REF || par->u.ref.num != parent))
		return err_set(E_CORRUPT, "page tree node %u: /Parent is not %u", num, parent);
	has_box = has_box || pdf_obj_dict_get(node, "MediaBox");
	type = pdf_obj_dict_get(node, "Type");
	if (pdf_obj_is_name(type, "Page"))
		return add_page(doc, ref->u.ref, node, has_box);
	if (!pdf_obj_is_name(type, "Pages"))
		return err_set(E_CORRUPT, "page tree node %u is neither /Pages nor /Page", num);
	rc = get_array(doc, pdf_obj_dict_get(node, "Kids"), "/Kids", &kids);
	if (rc == E_OK && !kids)
		rc = err_set(E_CORRUPT, "page tree node %u has no /Kids", num);
	for (i = 0; rc == E_OK && i < kids->u.a.n; i++)
		rc = walk_pages(doc, kids->u.a.v[i], num, depth + 1, has_box);
	if (rc < 0)
		return rc;
	rc = pdf_doc_resolve(doc, pdf_obj_dict_get(node, "Count"), &count);
	if (rc == E_OK &&
	    (!count || count->type != PDF_INT || count->u.i != (int64_t)(doc->st.pages - before)))
		rc = err_set(E_CORRUPT, "page tree node %u: /Count is not its %u pages", num,
			     doc->st.pages - before);
	return rc;
}

/* Walks the field @ref of the AcroForm field tree; @sig: /FT /Sig above. */
static int walk_fields(struct pdf_doc *doc, const struct pdf_obj *ref, unsigned depth, int sig)
{
	const struct pdf_obj *f, *kids, *kid, *ft;
	size_t i, nfields = 0;
	int rc;

	if (depth > PDF_DOC_TREE_DEPTH_MAX)
		return err_set(E_TOOBIG, "field tree deeper than %d", PDF_DOC_TREE_DEPTH_MAX);
	rc = get_dict(doc, ref, 1, "a form field", &f);
	if (rc < 0 || !f)
		return rc;
	if (ref->type == PDF_REF) {
		if (doc->seen[ref->u.ref.num])
			return err_set(E_CORRUPT,
				       "form field tree is circular: object %u is "
				       "reached twice",
				       ref->u.ref.num);
		doc->seen[ref->u.ref.num] = 1;
	}
	ft = pdf_obj_dict_get(f, "FT");
	if (ft)
		sig = pdf_obj_is_name(ft, "Sig");
	rc = get_array(doc, pdf_obj_dict_get(f, "Kids"), "field /Kids", &kids);
	for (i = 0; rc == E_OK && kids && i < kids->u.a.n; i++) {
		rc = get_dict(doc, kids->u.a.v[i], 1, "a field kid", &kid);
		if (rc < 0 || !kid || !pdf_obj_dict_get(kid, "T"))
			continue;
		nfields++;
		rc = walk_fields(doc, kids->u.a.v[i], depth + 1, sig);
	}
	if (rc < 0 || nfields)
		return rc;
	if (doc->st.fields >= PDF_DOC_FIELDS_MAX)
		return err_set(E_TOOBIG, "more than %d form fields", PDF_DOC_FIELDS_MAX);
	doc->st.fields++;
	doc->st.sig_fields += sig ? 1 : 0;
	return E_OK;
}

static int read_header(struct pdf_doc *doc)
{
	const uint8_t *p = doc->data;

	if (doc->len < 8 || memcmp(p, "%PDF-", 5) != 0)
		return err_set(E_INVAL, "not a PDF: no %%PDF- header at byte 0");
	if (!((p[5] == '1' && p[6] == '.' && p[7] >= '0' && p[7] <= '7') ||
	      (p[5] == '2' && p[6] == '.' && p[7] == '0')) ||
	    (doc->len > 8 && !pdf_lex_is_space(p[8])))
		return err_set(E_INVAL, "not a PDF: header version \"%.3s\" is not 1.0 to 2.0",
			       p + 5);
	memcpy(doc->version, p + 5, 3);
	doc->version[3] = '\0';
	return E_OK;
}

/* Loads every in-use object once: a file whose objects do not all parse
 * is refused here rather than half-way through a signature. */
static int load_all(struct pdf_doc *doc)
{
	const struct pdf_obj *o;
	uint32_t num;
	int rc;

	for (num = 1; num < doc->x->size; num++) {
		uint8_t t = doc->x->map[num].type;

		if (t == PDF_XREF_FREE)
			continue;
		doc->st.objects++;
		doc->st.compressed += t == PDF_XREF_COMPRESSED;
		rc = pdf_doc_get(doc, num, &o);
		if (rc < 0)
			return rc;
	}
	return E_OK;
}

static int read_structure(struct pdf_doc *doc)
{
	const struct pdf_obj *rootref = pdf_obj_dict_get(pdf_doc_trailer(doc), "Root");
	const struct pdf_obj *cat, *form, *fields;
	size_t i;
	int rc;

	if (!rootref || rootref->type != PDF_REF)
		return err_set(E_CORRUPT, "trailer has no /Root reference");
	doc->root = rootref->u.ref;
	rc = get_dict(doc, rootref, 0, "the catalog (/Root)", &cat);
	if (rc == E_OK && !pdf_obj_is_name(pdf_obj_dict_get(cat, "Type"), "Catalog"))
		rc = err_set(E_CORRUPT, "the catalog (object %u) is not /Type /Catalog",
			     doc->root.num);
	if (rc == E_OK)
		rc = walk_pages(doc, pdf_obj_dict_get(cat, "Pages"), 0, 0, 0);
	if (rc < 0)
		return rc;
	memset(doc->seen, 0, doc->x->size);
	rc = get_dict(doc, pdf_obj_dict_get(cat, "AcroForm"), 1, "/AcroForm", &form);
	if (rc < 0 || !form)
		return rc;
	rc = get_array(doc, pdf_obj_dict_get(form, "Fields"), "/AcroForm /Fields", &fields);
	for (i = 0; rc == E_OK && fields && i < fields->u.a.n; i++)
		rc = walk_fields(doc, fields->u.a.v[i], 0, 0);
	return rc;
}

/* Reads @data, which @own (if set) is the document's copy of. */
static int doc_open(struct pdf_doc **out, const uint8_t *data, uint8_t *own, size_t len)
{
	struct pdf_doc *doc;
	int rc;

	*out = NULL;
	doc = calloc(1, sizeof(*doc));
	if (!doc) {
		free(own);
		return err_set(E_NOMEM, "out of memory");
	}
	doc->data = data;
	doc->own = own;
	doc->len = len;
	rc = read_header(doc);
	if (rc == E_OK)
		rc = pdf_xref_read(&doc->x, doc->data, doc->len);
	if (rc < 0)
		goto out;
	doc->cache = calloc(doc->x->size, sizeof(*doc->cache));
	doc->state = calloc(doc->x->size, 1);
	doc->seen = calloc(doc->x->size, 1);
	if (!doc->cache || !doc->state || !doc->seen) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	rc = load_all(doc);
	if (rc == E_OK)
		rc = read_structure(doc);
out:
	if (rc < 0) {
		pdf_doc_free(doc);
		return rc;
	}
	*out = doc;
	return E_OK;
}

int pdf_doc_open(struct pdf_doc **out, const uint8_t *data, size_t len)
{
	uint8_t *own;

	*out = NULL;
	if (len > PDF_DOC_SIZE_MAX)
		return err_set(E_TOOBIG, "PDF of %zu bytes is over %u", len, PDF_DOC_SIZE_MAX);
	own = malloc(len ? len : 1);
	if (!own)
		return err_set(E_NOMEM, "out of memory");
	memcpy(own, data, len);
	return doc_open(out, own, own, len);
}

int pdf_doc_open_borrowed(struct pdf_doc **out, const uint8_t *data, size_t len)
{
	*out = NULL;
	if (len > PDF_DOC_SIZE_MAX)
		return err_set(E_TOOBIG, "PDF of %zu bytes is over %u", len, PDF_DOC_SIZE_MAX);
	return doc_open(out, data, NULL, len);
}

void pdf_doc_free(struct pdf_doc *doc)
{
	uint32_t i;

	if (!doc)
		return;
	for (i = 0; doc->cache && i < doc->x->size; i++)
		pdf_obj_free(doc->cache[i]);
	free(doc->cache);
	free(doc->state);
	free(doc->seen);
	free(doc->pages);
	pdf_xref_free(doc->x);
	free(doc->own);
	free(doc);
}

const uint8_t *pdf_doc_data(const struct pdf_doc *doc, size_t *len)
{
	*len = doc->len;
	return doc->data;
}

const char *pdf_doc_version(const struct pdf_doc *doc)
{
	return doc->version;
}

const struct pdf_xref *pdf_doc_xref(const struct pdf_doc *doc)
{
	return doc->x;
}

const struct pdf_obj *pdf_doc_trailer(const struct pdf_doc *doc)
{
	return doc->x->sec[doc->x->nsec - 1].trailer;
}

void pdf_doc_get_stats(const struct pdf_doc *doc, struct pdf_doc_stats *st)
{
	*st = doc->st;
}

struct pdf_ref pdf_doc_page(const struct pdf_doc *doc, uint32_t i)
{
	struct pdf_ref none = {0, 0};

	return i < doc->st.pages ? doc->pages[i] : none;
}

struct pdf_ref pdf_doc_root(const struct pdf_doc *doc)
{
	return doc->root;
}
