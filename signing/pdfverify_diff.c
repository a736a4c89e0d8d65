/*
 * pdfverify_diff.c: what the revisions after a signature changed.  A later
 * revision may only add signature fields and widgets, their /Sig or
 * /DocTimeStamp values and appearances, and DSS data, and change only the
 * catalog's /AcroForm, /DSS and /Extensions, the AcroForm's /Fields and
 * /SigFlags, pages' /Annots (by appending new objects) and an empty
 * signature field's /V and /AP.  A DocMDP certification narrows or widens
 * this: P1 no new signature, P2 also form filling (a field without a value
 * given one), P3 also comment annotations.  What a signing application also
 * rewrites when it adds a signature is allowed too, since it cannot change
 * what a page shows: the catalog's XMP metadata stream (still XMP), the
 * /Info dates and producer, new fonts added to the AcroForm's /DR (for the
 * new widget's appearance; the existing entries unchanged), and a page's
 * /Annots moved into a new array object.  Anything else is "modified after
 * signing".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "signing/pdfverify_priv.h"

#define MARK_DEPTH 16

enum role {
	R_NONE,
	R_CATALOG,
	R_FORM,
	R_FIELDS,
	R_PAGE,
	R_ANNOTS,
	R_EXTRA,    /* reachable from /DSS or a new signature's appearance */
	R_METADATA, /* the catalog's XMP /Metadata stream */
	R_INFO,     /* the trailer's /Info dictionary */
	R_DR,       /* the AcroForm's default resources /DR */
};

struct diff {
	struct pv_file *f;
	struct pdf_doc *old, *new;
	const struct pdf_xref_section *sec; /* the sections from the old to the new */
	size_t nsec;
	size_t j; /* 0-based index of the new revision */
	uint8_t *role;
	uint32_t size;
	int p; /* the DocMDP level in force, 0 for none */
	char why[PDFVERIFY_WHY_MAX];
};

static int fail(struct diff *d, const char *what, uint32_t num)
{
	if (!*d->why)
		snprintf(d->why, sizeof(d->why), "revision %zu %s (object %u)", d->j + 1, what,
			 num);
	return 0;
}

static void set_role(struct diff *d, const struct pdf_obj *ref, enum role r)
{
	if (ref && ref->type == PDF_REF && ref->u.ref.num < d->size && !d->role[ref->u.ref.num])
		d->role[ref->u.ref.num] = (uint8_t)r;
}

#define SEEN 0x80 /* role bit: visited by the current marking */
#define ROLE(d, n) ((n) < (d)->size ? (d)->role[n] & ~SEEN : R_NONE)

static void clear_seen(struct diff *d)
{
	uint32_t i;

	for (i = 0; i < d->size; i++)
		d->role[i] &= (uint8_t)~SEEN;
}

/* Marks every object reachable from @o in @doc as R_EXTRA; with @only_new
 * only objects the old revision does not have or has as extras (an
 * appearance or a DSS may not make another existing object changeable). */
static void mark_extra(struct diff *d, struct pdf_doc *doc, const struct pdf_obj *o, int depth,
		       int only_new)
{
	const struct pdf_obj *r;
	uint32_t n;
	size_t i;

	if (!o || depth > MARK_DEPTH)
		return;
	if (o->type == PDF_REF) {
		n = o->u.ref.num;
		if (n >= d->size || (d->role[n] & SEEN))
			return;
		if (only_new && ROLE(d, n) != R_EXTRA && (pdf_doc_get(d->old, n, &r) < 0 || r))
			return;
		if (!ROLE(d, n))
			d->role[n] = R_EXTRA;
		d->role[n] |= SEEN;
		if (pdf_doc_resolve(doc, o, &r) == E_OK)
			mark_extra(d, doc, r, depth + 1, only_new);
		return;
	}
	if (o->type == PDF_STREAM)
		o = o->u.st.dict;
	if (o->type == PDF_ARRAY)
		for (i = 0; i < o->u.a.n; i++)
			mark_extra(d, doc, o->u.a.v[i], depth + 1, only_new);
	if (o->type == PDF_DICT)
		for (i = 0; i < o->u.d.n; i++)
			mark_extra(d, doc, o->u.d.v[i], depth + 1, only_new);
}

/* Roles of the old revision's objects, and the extras of both. */
static void roles(struct diff *d)
{
	const struct pdf_obj *cat = NULL, *af = NULL, *pg = NULL, *ncat = NULL, *root;
	struct pdf_ref r = pdf_doc_root(d->old);
	uint32_t i;

	d->role[r.num < d->size ? r.num : 0] = R_CATALOG;
	if (pdf_doc_get(d->old, r.num, &cat) == E_OK && cat) {
		root = pdf_obj_dict_get(cat, "AcroForm");
		set_role(d, root, R_FORM);
		set_role(d, pdf_obj_dict_get(cat, "Metadata"), R_METADATA);
		if (pdf_doc_resolve(d->old, root, &af) == E_OK && af) {
			set_role(d, pdf_obj_dict_get(af, "Fields"), R_FIELDS);
			set_role(d, pdf_obj_dict_get(af, "DR"), R_DR);
		}
	}
	if (pdf_doc_trailer(d->old))
		set_role(d, pdf_obj_dict_get(pdf_doc_trailer(d->old), "Info"), R_INFO);
	for (i = 0; (r = pdf_doc_page(d->old, i)).num; i++) {
		if (r.num < d->size)
			d->role[r.num] = R_PAGE;
		if (pdf_doc_get(d->old, r.num, &pg) == E_OK && pg)
			set_role(d, pdf_obj_dict_get(pg, "Annots"), R_ANNOTS);
	}
	if (cat)
		mark_extra(d, d->old, pdf_obj_dict_get(cat, "DSS"), 0, 0);
	clear_seen(d);
	if (pdf_doc_get(d->new, pdf_doc_root(d->new).num, &ncat) == E_OK && ncat)
		mark_extra(d, d->new, pdf_obj_dict_get(ncat, "DSS"), 0, 1);
	clear_seen(d);
}

/* 1 if every key of @a and @b but those in @skip ("/K/L/") is equal. */
static int same_but(const struct pv_file *f, const struct pdf_obj *a, const struct pdf_obj *b,
		    const char *skip)
{
	const struct pdf_obj *o[2] = {a, b};
	char k[PDF_OBJ_NAME_MAX + 3];
	size_t i, s;

	if (!a || !b || a->type != PDF_DICT || b->type != PDF_DICT)
		return 0;
	for (s = 0; s < 2; s++) {
		for (i = 0; i < o[s]->u.d.n; i++) {
			snprintf(k, sizeof(k), "/%s/", o[s]->u.d.k[i]);
			if (strstr(skip, k))
				continue;
			if (!pv_obj_eq(f, pdf_obj_dict_get(a, o[s]->u.d.k[i]),
				       pdf_obj_dict_get(b, o[s]->u.d.k[i])))
				return 0;
		}
	}
	return 1;
}

static int is_name(const struct pdf_obj *d, const char *key, const char *name)
{
	return pdf_obj_is_name(pdf_obj_dict_get(d, key), name);
}

/* 1 if @o (of the new revision) is a signature field or its widget. */
static int is_sig_field(struct diff *d, const struct pdf_obj *o)
{
	const struct pdf_obj *p = NULL;

	if (!o || o->type != PDF_DICT)
		return 0;
	if (is_name(o, "FT", "Sig"))
		return 1;
	if (!is_name(o, "Subtype", "Widget") || pdf_obj_dict_get(o, "FT"))
		return 0;
	return pdf_doc_resolve(d->new, pdf_obj_dict_get(o, "Parent"), &p) == E_OK && p &&
	       p->type == PDF_DICT && is_name(p, "FT", "Sig");
}

/* 1 if @o is an annotation a P3 certification allows to add: a comment
 * that cannot carry text or images over the page (not FreeText, Stamp,
 * Redact, a widget, a link...). */
static int comment_ok(const struct pdf_obj *o)
{
	static const char *const ok[] = {
		"Text", "Popup", "Highlight", "Underline", "Squiggly", "StrikeOut", "Caret",
		"Ink",  "Line",  "Square",    "Circle",    "Polygon",  "PolyLine"};
	size_t i;

	for (i = 0; o && o->type == PDF_DICT && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (is_name(o, "Subtype", ok[i]))
			return 1;
	return 0;
}

/* 1 if the new object @o may be added after a signature. */
static int new_ok(struct diff *d, uint32_t num, const struct pdf_obj *o)
{
	if (ROLE(d, num) == R_EXTRA)
		return 1;
	if (ROLE(d, num) == R_ANNOTS && o->type == PDF_ARRAY)
		return 1; /* its page's /Annots: list_ok() judges it with the page */
	if (o->type == PDF_STREAM)
		return is_name(o, "Type", "ObjStm") || is_name(o, "Type", "XRef");
	if (d->p == 3 && comment_ok(o))
		return 1;
	/* P1: no new signature; DSS and document timestamps stay allowed */
	if (d->p == 1 && (is_sig_field(d, o) || is_name(o, "Type", "Sig")))
		return 0;
	/* DSS structures by their type, also when nothing refers to them */
	return is_sig_field(d, o) || is_name(o, "Type", "Sig") ||
	       is_name(o, "Type", "DocTimeStamp") || is_name(o, "Type", "DSS") ||
	       is_name(o, "Type", "VRI");
}

/* The old array @a grown into @b by appending new signature fields only. */
static int list_ok(struct diff *d, const struct pdf_obj *a, const struct pdf_obj *b)
{
	const struct pdf_obj *o;
	size_t i, na = a && a->type == PDF_ARRAY ? a->u.a.n : 0;

	if ((a && a->type != PDF_ARRAY) || !b || b->type != PDF_ARRAY || b->u.a.n < na)
		return 0;
	for (i = 0; i < na; i++)
		if (!pv_obj_eq(d->f, a->u.a.v[i], b->u.a.v[i]))
			return 0;
	for (; i < b->u.a.n; i++) {
		if (b->u.a.v[i]->type != PDF_REF ||
		    pdf_doc_get(d->old, b->u.a.v[i]->u.ref.num, &o) < 0 || o ||
		    pdf_doc_get(d->new, b->u.a.v[i]->u.ref.num, &o) < 0 ||
		    !(is_sig_field(d, o) || (d->p == 3 && comment_ok(o))))
			return 0;
	}
	return 1;
}

/* The arrays @key of the old dictionary @a and the new @b. */
static int key_list_ok(struct diff *d, const struct pdf_obj *a, const struct pdf_obj *b,
		       const char *key)
{
	const struct pdf_obj *la = NULL, *lb = NULL;

	if (a && pdf_doc_resolve(d->old, pdf_obj_dict_get(a, key), &la) < 0)
		return 0;
	if (pdf_doc_resolve(d->new, pdf_obj_dict_get(b, key), &lb) < 0)
		return 0;
	if (!la && !lb)
		return 1;
	return list_ok(d, la, lb);
}

/* Default resources: the old entries kept as they were; only new fonts
 * (new objects that are fonts) added to /Font. */
static int dr_ok(struct diff *d, const struct pdf_obj *a, const struct pdf_obj *b)
{
	const struct pdf_obj *fa = NULL, *fb = NULL, *o;
	size_t i;

	if (pv_obj_eq(d->f, a, b))
		return 1;
	if (!a || !b || a->type != PDF_DICT || b->type != PDF_DICT ||
	    !same_but(d->f, a, b, "/Font/"))
		return 0;
	if (pdf_doc_resolve(d->old, pdf_obj_dict_get(a, "Font"), &fa) < 0 ||
	    pdf_doc_resolve(d->new, pdf_obj_dict_get(b, "Font"), &fb) < 0 || !fb ||
	    fb->type != PDF_DICT || (fa && fa->type != PDF_DICT))
		return 0;
	for (i = 0; fa && i < fa->u.d.n; i++)
		if (!pv_obj_eq(d->f, fa->u.d.v[i], pdf_obj_dict_get(fb, fa->u.d.k[i])))
			return 0;
	for (i = 0; i < fb->u.d.n; i++) {
		const struct pdf_obj *v = fb->u.d.v[i];

		if (fa && pdf_obj_dict_get(fa, fb->u.d.k[i]))
			continue;
		if (v->type != PDF_REF || pdf_doc_get(d->old, v->u.ref.num, &o) < 0 || o ||
		    pdf_doc_get(d->new, v->u.ref.num, &o) < 0 || !o || !is_name(o, "Type", "Font"))
			return 0;
	}
	return 1;
}

/* The /DR of the old AcroForm @a and the new @b (inline or not). */
static int form_dr_ok(struct diff *d, const struct pdf_obj *a, const struct pdf_obj *b)
{
	const struct pdf_obj *ra = pdf_obj_dict_get(a, "DR"), *rb = pdf_obj_dict_get(b, "DR");
	const struct pdf_obj *da = NULL, *db = NULL;

	if (pv_obj_eq(d->f, ra, rb))
		return 1;
	if (ra && ra->type == PDF_REF)
		return 0; /* replaced by another object */
	if (pdf_doc_resolve(d->old, ra, &da) < 0 || pdf_doc_resolve(d->new, rb, &db) < 0)
		return 0;
	return dr_ok(d, da, db);
}

static int form_ok(struct diff *d, const struct pdf_obj *a, const struct pdf_obj *b)
{
	if (!b || b->type != PDF_DICT)
		return 0;
	if (a &&
	    !same_but(d->f, a, b,
		      d->p >= 2 ? "/Fields/SigFlags/NeedAppearances/DR/" : "/Fields/SigFlags/DR/"))
		return 0;
	if (a && !form_dr_ok(d, a, b))
		return 0;
	return key_list_ok(d, a, b, "Fields");
}

/* The catalog's metadata stream rewritten: still an XMP metadata stream. */
static int xmp_ok(const struct pdf_obj *a, const struct pdf_obj *b)
{
	return a->type == PDF_STREAM && b->type == PDF_STREAM &&
	       is_name(a->u.st.dict, "Type", "Metadata") &&
	       is_name(b->u.st.dict, "Type", "Metadata") && is_name(b->u.st.dict, "Subtype", "XML");
}

static int catalog_ok(struct diff *d, const struct pdf_obj *a, const struct pdf_obj *b)
{
	const struct pdf_obj *fa = pdf_obj_dict_get(a, "AcroForm"), *fb, *ra = NULL, *rb = NULL;

	if (!same_but(d->f, a, b, "/AcroForm/DSS/Extensions/"))
		return 0;
	fb = pdf_obj_dict_get(b, "AcroForm");
	if (pv_obj_eq(d->f, fa, fb))
		return 1;
	if (fa && fa->type == PDF_REF)
		return 0; /* replaced by another object */
	if (pdf_doc_resolve(d->old, fa, &ra) < 0 || pdf_doc_resolve(d->new, fb, &rb) < 0)
		return 0;
	return form_ok(d, ra, rb);
}

/* The form field of @o in @doc: @o itself, or the /Parent of a widget. */
static const struct pdf_obj *field_of(struct pdf_doc *doc, const struct pdf_obj *o)
{
	const struct pdf_obj *p = NULL;

	if (!o || o->type != PDF_DICT)
		return NULL;
	if (pdf_obj_dict_get(o, "FT"))
		return o;
	if (pdf_doc_resolve(doc, pdf_obj_dict_get(o, "Parent"), &p) < 0 || !p ||
	    p->type != PDF_DICT || !pdf_obj_dict_get(p, "FT"))
		return NULL;
	return p;
}

/* Form filling: a text, choice or button field (or its widget) that had no
 * value in the old revision changed only in /V, /AP and /AS.  A value the
 * signature covers may not be replaced (shadow: replace). */
static int fill_ok(struct diff *d, const struct pdf_obj *a, const struct pdf_obj *b)
{
	const struct pdf_obj *fa = field_of(d->old, a), *fb = field_of(d->new, b), *v;

	if (!fa || !fb || is_name(fa, "FT", "Sig") || !same_but(d->f, a, b, "/V/AP/AS/"))
		return 0;
	v = pdf_obj_dict_get(fa, "V");
	return !v || v->type == PDF_NULL;
}

/* An annotation's /F flags @a -> @b: equal, or only Locked (128) and
 * LockedContents (512) added, which a signer sets on the widget it signs
 * and which change nothing shown. */
static int lock_only(const struct pdf_obj *a, const struct pdf_obj *b)
{
	long long fa = a && a->type == PDF_INT ? a->u.i : 0,
		  fb = b && b->type == PDF_INT ? b->u.i : 0;

	if ((a && a->type != PDF_INT) || (b && b->type != PDF_INT))
		return 0;
	return (fb & ~fa & ~(128LL | 512LL)) == 0 && (fa & ~fb) == 0;
}

static int changed_ok(struct diff *d, uint32_t num, const struct pdf_obj *a,
		      const struct pdf_obj *b)
{
	if (pv_obj_eq(d->f, a, b))
		return 1;
	switch (ROLE(d, num)) {
	case R_CATALOG:
		return catalog_ok(d, a, b);
	case R_FORM:
		return form_ok(d, a, b);
	case R_FIELDS:
	case R_ANNOTS:
		return list_ok(d, a, b);
	case R_PAGE:
		return same_but(d->f, a, b, "/Annots/") && key_list_ok(d, a, b, "Annots");
	case R_EXTRA:
		return 1;
	case R_METADATA:
		return xmp_ok(a, b);
	case R_INFO:
		return same_but(d->f, a, b, "/ModDate/Producer/");
	case R_DR:
		return dr_ok(d, a, b);
	default:
		/* an empty signature field being signed; under P2 and P3 a form
		 * field without a value being filled */
		return (d->p != 1 && a->type == PDF_DICT && is_name(a, "FT", "Sig") &&
			!pdf_obj_dict_get(a, "V") && same_but(d->f, a, b, "/V/AP/F/") &&
			lock_only(pdf_obj_dict_get(a, "F"), pdf_obj_dict_get(b, "F"))) ||
		       (d->p >= 2 && fill_ok(d, a, b));
	}
}

/* The new revision's fonts of /DR (new objects only: checked by dr_ok)
 * bring what they need; a page's new /Annots array object is an annots
 * list (checked with its page). */
static void roles_new_form(struct diff *d)
{
	const struct pdf_obj *cat = NULL, *af = NULL, *dr = NULL, *o = NULL, *pg = NULL, *an;
	struct pdf_ref r;

	if (pdf_doc_get(d->new, pdf_doc_root(d->new).num, &cat) == E_OK && cat &&
	    pdf_doc_resolve(d->new, pdf_obj_dict_get(cat, "AcroForm"), &af) == E_OK && af &&
	    pdf_doc_resolve(d->new, pdf_obj_dict_get(af, "DR"), &dr) == E_OK && dr &&
	    dr->type == PDF_DICT)
		mark_extra(d, d->new, pdf_obj_dict_get(dr, "Font"), 0, 1);
	clear_seen(d);
	for (uint32_t i = 0; (r = pdf_doc_page(d->new, i)).num; i++) {
		if (pdf_doc_get(d->new, r.num, &pg) < 0 || !pg)
			continue;
		an = pdf_obj_dict_get(pg, "Annots");
		if (an && an->type == PDF_REF && an->u.ref.num < d->size &&
		    pdf_doc_get(d->old, an->u.ref.num, &o) == E_OK && !o && !ROLE(d, an->u.ref.num))
			d->role[an->u.ref.num] = R_ANNOTS;
	}
}

/* New signature fields may bring their appearance streams; a first
 * AcroForm may come with the first signature. */
static void roles_new(struct diff *d)
{
	const struct pdf_obj *o, *cat = NULL, *ocat = NULL;
	size_t i, k;

	for (k = 0; k < d->nsec; k++)
		for (i = 0; i < d->sec[k].n; i++) {
			const struct pdf_xref_entry *e = &d->sec[k].e[i];

			if (e->type == PDF_XREF_FREE || pdf_doc_get(d->new, e->num, &o) < 0 || !o)
				continue;
			if (is_sig_field(d, o) || (d->p >= 2 && field_of(d->new, o)) ||
			    (d->p == 3 && comment_ok(o)))
				mark_extra(d, d->new, pdf_obj_dict_get(o, "AP"), 0, 1);
		}
	clear_seen(d);
	roles_new_form(d);
	if (pdf_doc_get(d->old, pdf_doc_root(d->old).num, &ocat) == E_OK && ocat &&
	    !pdf_obj_dict_get(ocat, "AcroForm") &&
	    pdf_doc_get(d->new, pdf_doc_root(d->new).num, &cat) == E_OK && cat)
		set_role(d, pdf_obj_dict_get(cat, "AcroForm"), R_FORM);
}

static double num_of(const struct pdf_obj *o)
{
	return o->type == PDF_INT ? (double)o->u.i : o->type == PDF_REAL ? o->u.r : 0;
}

/* 1 if widget @w draws: a /Rect of some area, an /AP, not hidden. */
static int draws(const struct pdf_obj *w)
{
	const struct pdf_obj *r = pdf_obj_dict_get(w, "Rect"), *f = pdf_obj_dict_get(w, "F");

	if (!r || r->type != PDF_ARRAY || r->u.a.n != 4 || !pdf_obj_dict_get(w, "AP"))
		return 0;
	if (f && f->type == PDF_INT && (f->u.i & 2))
		return 0;
	return (num_of(r->u.a.v[2]) - num_of(r->u.a.v[0])) *
		       (num_of(r->u.a.v[3]) - num_of(r->u.a.v[1])) !=
	       0;
}

/* Sneaky signatures and certification: the new signature objects of the
 * revision.  One visible signature widget at most, signed in the same
 * revision; a field has one widget; no certification after a signature. */
static int sigs_ok(struct diff *d, const struct pdf_xref_section *sec, int *visible)
{
	const struct pdf_obj *o, *a, *kids, *fld;
	size_t i;

	for (i = 0; i < sec->n; i++) {
		if (sec->e[i].type == PDF_XREF_FREE || pdf_doc_get(d->new, sec->e[i].num, &o) < 0 ||
		    !o || o->type != PDF_DICT || pdf_doc_get(d->old, sec->e[i].num, &a) < 0 || a)
			continue;
		if (pv_sig_docmdp(d->new, o))
			return fail(d, "adds a certification signature after a signature",
				    sec->e[i].num);
		if (!is_sig_field(d, o))
			continue;
		kids = pdf_obj_dict_get(o, "Kids");
		if (kids &&
		    (kids->type != PDF_ARRAY || kids->u.a.n > 1 || is_name(o, "Subtype", "Widget")))
			return fail(d, "adds a signature field with several widgets",
				    sec->e[i].num);
		if (!draws(o))
			continue;
		fld = field_of(d->new, o);
		if (!fld || !pdf_obj_dict_get(fld, "V"))
			return fail(d, "adds an unsigned signature field that draws on the page",
				    sec->e[i].num);
		if (++*visible > 1)
			return fail(d, "adds more than one visible signature widget",
				    sec->e[i].num);
	}
	return 1;
}

static int entry_ok(struct diff *d, const struct pdf_xref_section *sec,
		    const struct pdf_xref_entry *e)
{
	const struct pdf_obj *a = NULL, *b = NULL;

	if (e->num == 0 || (sec->is_stream && e->num == sec->stream_num))
		return 1;
	if (pdf_doc_get(d->old, e->num, &a) < 0)
		return fail(d, "changes an unreadable object", e->num);
	if (e->type == PDF_XREF_FREE)
		return a ? fail(d, "deletes an object", e->num) : 1;
	if (pdf_doc_get(d->new, e->num, &b) < 0 || !b)
		return fail(d, "has an unreadable object", e->num);
	if (!a) {
		if (ROLE(d, e->num) == R_FORM)
			return form_ok(d, NULL, b) ? 1 : fail(d, "adds a form", e->num);
		return new_ok(d, e->num, b)
			       ? 1
			       : fail(d, "adds an object that is not a signature", e->num);
	}
	return changed_ok(d, e->num, a, b) ? 1 : fail(d, "changes the document", e->num);
}

static int diff_rev(struct diff *d)
{
	size_t i, k;
	int visible = 0;

	memset(d->role, 0, d->size);
	roles(d);
	roles_new(d);
	if (pdf_doc_root(d->old).num != pdf_doc_root(d->new).num)
		return fail(d, "replaces the catalog", pdf_doc_root(d->new).num);
	for (k = 0; k < d->nsec; k++)
		if (!sigs_ok(d, &d->sec[k], &visible))
			return 0;
	for (k = 0; k < d->nsec; k++)
		for (i = 0; i < d->sec[k].n; i++)
			if (!entry_ok(d, &d->sec[k], &d->sec[k].e[i]))
				return 0;
	return 1;
}

int pv_diff(struct pv_file *f, size_t from, struct pdfverify_sig *s,
	    const struct pdfverify_report *r)
{
	struct diff d = {f, NULL, NULL, NULL, 0, 0, NULL, 0, 0, ""};
	size_t prev = from;
	int ok = 1;

	d.size = pdf_doc_xref(f->rev[f->nrev - 1])->size;
	d.role = malloc(d.size ? d.size : 1);
	if (!d.role)
		return err_set(E_NOMEM, "revision analysis");
	for (d.j = from + 1; ok && d.j < f->nrev; d.j++) {
		if (!f->rev[d.j])
			continue; /* read with the next revision */
		d.old = f->rev[prev];
		d.new = f->rev[d.j];
		d.sec = &f->xref->sec[prev + 1];
		d.nsec = d.j - prev;
		d.p = pv_mdp_level(r, prev);
		ok = diff_rev(&d);
		prev = d.j;
	}
	free(d.role);
	s->coverage = ok ? PDFVERIFY_ALLOWED : PDFVERIFY_MODIFIED;
	snprintf(s->coverage_why, sizeof(s->coverage_why), "%s", d.why);
	return E_OK;
}

int pv_obj_eq(const struct pv_file *f, const struct pdf_obj *a, const struct pdf_obj *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case PDF_NULL:
		return 1;
	case PDF_BOOL:
		return a->u.b == b->u.b;
	case PDF_INT:
		return a->u.i == b->u.i;
	case PDF_REAL:
		return a->u.r == b->u.r;
	case PDF_STRING:
	case PDF_NAME:
		return a->u.s.len == b->u.s.len && memcmp(a->u.s.p, b->u.s.p, a->u.s.len) == 0;
	case PDF_REF:
		return a->u.ref.num == b->u.ref.num && a->u.ref.gen == b->u.ref.gen;
	case PDF_ARRAY:
		if (a->u.a.n != b->u.a.n)
			return 0;
		for (i = 0; i < a->u.a.n; i++)
			if (!pv_obj_eq(f, a->u.a.v[i], b->u.a.v[i]))
				return 0;
		return 1;
	case PDF_DICT:
		if (a->u.d.n != b->u.d.n)
			return 0;
		for (i = 0; i < a->u.d.n; i++)
			if (!pv_obj_eq(f, a->u.d.v[i], pdf_obj_dict_get(b, a->u.d.k[i])))
				return 0;
		return 1;
	case PDF_STREAM:
		return a->u.st.len == b->u.st.len && !a->u.st.own && !b->u.st.own &&
		       a->u.st.off + a->u.st.len <= f->len && b->u.st.off + b->u.st.len <= f->len &&
		       memcmp(f->data + a->u.st.off, f->data + b->u.st.off, a->u.st.len) == 0 &&
		       pv_obj_eq(f, a->u.st.dict, b->u.st.dict);
	}
	return 0;
}
