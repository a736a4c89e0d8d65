/*
 * pdfverify.c: finds every signature of every revision of a PDF and checks
 * its integrity (strict /ByteRange, CMS of cms.c), its trust, and (with
 * pdfverify_diff.c) what the revisions after it changed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "pdf/pdf_lex.h"
#include "signing/ber.h"
#include "signing/cms.h"
#include "signing/pdfverify_priv.h"

struct walk {
	struct pv_file *f;
	struct pdfverify_report *r;
	size_t rev;
	int count;
};

static void pv_file_free(struct pv_file *f)
{
	size_t i;

	for (i = 0; f->rev && i < f->nrev; i++)
		pdf_doc_free(f->rev[i]);
	free(f->rev);
}

/* The file at each revision: revision i is the bytes [0, end of i). */
static int pv_file_open(struct pv_file *f, const uint8_t *data, size_t len)
{
	struct pdf_doc *last = NULL;
	const struct pdf_xref *x;
	size_t i;
	int rc;

	memset(f, 0, sizeof(*f));
	rc = pdf_doc_open_borrowed(&last, data, len);
	if (rc < 0)
		return rc;
	x = pdf_doc_xref(last);
	f->rev = calloc(x->nsec, sizeof(*f->rev));
	if (!f->rev) {
		pdf_doc_free(last);
		return err_set(E_NOMEM, "revisions");
	}
	f->nrev = x->nsec;
	f->rev[x->nsec - 1] = last;
	f->data = pdf_doc_data(last, &f->len);
	f->xref = x;
	/* A revision that is not a file by itself is read together with the
	 * next one (a linearized file's two sections are one revision already). */
	for (i = 0; rc == E_OK && i + 1 < x->nsec; i++) {
		rc = pdf_doc_open_borrowed(&f->rev[i], data, x->sec[i].end);
		if (rc == E_NOMEM)
			return rc;
		f->rev[i] = rc < 0 ? NULL : f->rev[i];
		rc = E_OK;
	}
	err_clear();
	return rc;
}

/* The signature of /Sig object @obj; a direct value (@obj 0) by its field. */
static struct pdfverify_sig *find_sig(struct pdfverify_report *r, uint32_t obj, const char *field)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->sig[i].obj == obj && (obj || strcmp(r->sig[i].field, field) == 0))
			return &r->sig[i];
	return NULL;
}

static void copy_name(char *out, size_t max, const char *prefix, const struct pdf_obj *t)
{
	size_t i, n;

	snprintf(out, max, "%s%s%.*s", prefix, *prefix && t ? "." : "",
		 t && t->type == PDF_STRING ? (int)t->u.s.len : 0,
		 t && t->type == PDF_STRING ? t->u.s.p : "");
	n = strlen(out);
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < ' ' || out[i] == 0x7f)
			out[i] = ' ';
}

/* A signed signature field: its /V is recorded once, with the first
 * revision that has it. */
static int add_sig(struct walk *w, const struct pdf_obj *v, const char *name)
{
	struct pdfverify_sig *s, *n;
	uint32_t obj = v->type == PDF_REF ? v->u.ref.num : 0;

	if (find_sig(w->r, obj, name))
		return E_OK;
	if (w->r->n == PDFVERIFY_SIGS_MAX)
		return err_set(E_TOOBIG, "more than %d signatures", PDFVERIFY_SIGS_MAX);
	n = realloc(w->r->sig, (w->r->n + 1) * sizeof(*n));
	if (!n)
		return err_set(E_NOMEM, "signatures");
	w->r->sig = n;
	s = &n[w->r->n++];
	memset(s, 0, sizeof(*s));
	s->obj = obj;
	s->revision = w->rev + 1;
	s->signing_time = -1;
	s->gen_time = -1;
	s->revoked_at = -1;
	s->trust_time = -1;
	snprintf(s->field, sizeof(s->field), "%s", name);
	return E_OK;
}

static int walk_field(struct walk *w, const struct pdf_obj *ref, const char *prefix, int depth,
		      int is_sig)
{
	struct pdf_doc *doc = w->f->rev[w->rev];
	const struct pdf_obj *fld, *kids, *ft, *v;
	char name[128];
	size_t i;
	int rc;

	if (depth > PDF_DOC_TREE_DEPTH_MAX || ++w->count > PDF_DOC_FIELDS_MAX)
		return err_set(E_TOOBIG, "form field tree too large");
	rc = pdf_doc_resolve(doc, ref, &fld);
	if (rc < 0 || !fld || fld->type != PDF_DICT)
		return rc;
	copy_name(name, sizeof(name), prefix, pdf_obj_dict_get(fld, "T"));
	ft = pdf_obj_dict_get(fld, "FT");
	if (ft)
		is_sig = pdf_obj_is_name(ft, "Sig");
	v = pdf_obj_dict_get(fld, "V");
	if (is_sig && v && v->type != PDF_NULL)
		return add_sig(w, v, name);
	rc = pdf_doc_resolve(doc, pdf_obj_dict_get(fld, "Kids"), &kids);
	for (i = 0; rc == E_OK && kids && kids->type == PDF_ARRAY && i < kids->u.a.n; i++)
		rc = walk_field(w, kids->u.a.v[i], name, depth + 1, is_sig);
	return rc;
}

static int walk_rev(struct walk *w)
{
	struct pdf_doc *doc = w->f->rev[w->rev];
	const struct pdf_obj *cat, *af = NULL, *fields = NULL;
	size_t i;
	int rc;

	w->count = 0;
	rc = pdf_doc_get(doc, pdf_doc_root(doc).num, &cat);
	if (rc == E_OK)
		rc = pdf_doc_resolve(doc, pdf_obj_dict_get(cat, "AcroForm"), &af);
	if (rc == E_OK && af)
		rc = pdf_doc_resolve(doc, pdf_obj_dict_get(af, "Fields"), &fields);
	for (i = 0; rc == E_OK && fields && fields->type == PDF_ARRAY && i < fields->u.a.n; i++)
		rc = walk_field(w, fields->u.a.v[i], "", 0, 0);
	return rc;
}

static int broken(struct pdfverify_sig *s, const char *why)
{
	snprintf(s->integrity, sizeof(s->integrity), "%s", why);
	s->intact = 0;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 1 if the bytes [a, b) are "<hex>" spelling exactly the string @c. */
static int gap_is_string(const uint8_t *p, size_t a, size_t b, const struct pdf_obj *c)
{
	size_t i, n = 0;
	int hi = -1, v;

	if (b - a < 2 || p[a] != '<' || p[b - 1] != '>')
		return 0;
	for (i = a + 1; i < b - 1; i++) {
		if (pdf_lex_is_space(p[i]))
			continue;
		if ((v = hexval(p[i])) < 0)
			return 0;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= c->u.s.len || (uint8_t)c->u.s.p[n] != (uint8_t)(hi << 4 | v))
			return 0;
		n++;
		hi = -1;
	}
	if (hi >= 0 && (n >= c->u.s.len || (uint8_t)c->u.s.p[n++] != (uint8_t)(hi << 4)))
		return 0;
	return n == c->u.s.len;
}

/* 1 if [a, b) lies in the indirect object @obj of revision @rev, right
 * after its key /Contents. */
static int gap_in_object(const struct pv_file *f, size_t rev, uint32_t obj, size_t a, size_t b)
{
	const struct pdf_xref_entry *e = pdf_xref_get(pdf_doc_xref(f->rev[rev]), obj);
	struct pdf_lex lx;
	struct pdf_obj *o = NULL;
	struct pdf_ref id;
	size_t i = a;

	if (!e || e->type != PDF_XREF_USED)
		return 0;
	pdf_lex_init(&lx, f->data, f->len, (size_t)e->off);
	if (pdf_lex_parse_indirect(&lx, &id, &o, NULL, NULL) < 0)
		return 0;
	pdf_obj_free(o);
	if (a <= e->off || b > lx.pos)
		return 0;
	while (i > e->off && pdf_lex_is_space(f->data[i - 1]))
		i--;
	return i >= e->off + 9 && memcmp(f->data + i - 9, "/Contents", 9) == 0;
}

/* The length of the DER element at @p; 0 if it is not one within @n. */
static size_t der_len(const uint8_t *p, size_t n)
{
	size_t len = 0, k, i;

	if (n < 2 || p[0] != 0x30)
		return 0;
	if (p[1] < 0x80)
		return 2 + (size_t)p[1] <= n ? 2 + (size_t)p[1] : 0;
	k = p[1] & 0x7f;
	if (k < 1 || k > 4 || 2 + k > n)
		return 0;
	for (i = 0; i < k; i++)
		len = len << 8 | p[2 + i];
	return len <= n - 2 - k ? len + 2 + k : 0;
}

static int get_range(const struct pdf_obj *br, uint64_t v[4])
{
	size_t i;

	if (!br || br->type != PDF_ARRAY || br->u.a.n != 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if (br->u.a.v[i]->type != PDF_INT || br->u.a.v[i]->u.i < 0)
			return -1;
		v[i] = (uint64_t)br->u.a.v[i]->u.i;
	}
	return 0;
}

/* The checks of the byte range; "" if it is strict. */
static const char *range_fault(const struct pv_file *f, size_t rev, uint32_t obj,
			       const uint64_t v[4], const struct pdf_obj *c)
{
	size_t e = f->xref->sec[rev].end, e0 = e;

	while (e0 > 0 && (f->data[e0 - 1] == '\n' || f->data[e0 - 1] == '\r'))
		e0--;
	if (v[0] != 0)
		return "/ByteRange does not start at 0";
	if (v[1] >= v[2] || v[2] > f->len || v[3] > f->len - v[2])
		return "/ByteRange is not two ranges inside the file";
	if (v[2] + v[3] < e0 || v[2] + v[3] > e)
		return "/ByteRange does not end at the end of its revision";
	if (!gap_is_string(f->data, v[1], v[2], c) || !gap_in_object(f, rev, obj, v[1], v[2]))
		return "the gap of /ByteRange is not this signature's /Contents";
	return "";
}

static int check_cms(struct pdfverify_sig *s, struct cms_result *cr, const struct pv_file *f,
		     const uint64_t v[4], const struct pdf_obj *c)
{
	const uint8_t *cms = (const uint8_t *)c->u.s.p;
	size_t dl = der_len(cms, c->u.s.len), i, used = dl;
	struct cms_span span[2];
	uint8_t *der = NULL;
	int known;
	int rc;

	/* Other signers (NSS) write BER with indefinite lengths: re-encoded,
	 * nothing signed changes (ber.h). */
	if (!dl && (ber_to_der(&der, &dl, &used, cms, c->u.s.len) < 0 || !der_len(der, dl))) {
		free(der);
		return broken(s, "/Contents is not a CMS (neither DER nor BER)");
	}
	for (i = used; i < c->u.s.len; i++)
		if (c->u.s.p[i]) {
			free(der);
			return broken(s, "/Contents has bytes after its CMS");
		}
	span[0] = (struct cms_span){f->data, (size_t)v[1]};
	span[1] = (struct cms_span){f->data + v[2], (size_t)v[3]};
	known = f->known && f->known->obj == s->obj &&
		memcmp(f->known->range, v, sizeof(f->known->range)) == 0;
	rc = cms_check(cr, der ? der : cms, dl, span, 2, strcmp(s->subfilter, "ETSI.RFC3161") == 0,
		       known ? f->known->sha256 : NULL);
	free(der);
	if (rc < 0)
		return rc;
	s->intact = cr->intact;
	snprintf(s->integrity, sizeof(s->integrity), "%s", cr->why);
	s->signer = cr->signer;
	cr->signer = NULL;
	s->signing_time = cr->signing_time;
	s->gen_time = cr->gen_time;
	memcpy(s->cert_sha256, cr->cert_sha256, sizeof(s->cert_sha256));
	return E_OK;
}

static int check_sig(struct pv_file *f, struct pdfverify_sig *s, struct cms_result *cr)
{
	struct pdf_doc *doc = f->rev[s->revision - 1];
	const struct pdf_obj *sd = NULL, *c, *sf, *m;
	const char *why;
	uint64_t v[4];
	int rc;

	if (!s->obj)
		return broken(s, "the signature value is not an indirect object");
	rc = pdf_doc_get(doc, s->obj, &sd);
	if (rc < 0)
		return rc;
	if (!sd || sd->type != PDF_DICT)
		return broken(s, "the signature value is not a dictionary");
	sf = pdf_obj_dict_get(sd, "SubFilter");
	if (sf && sf->type == PDF_NAME)
		snprintf(s->subfilter, sizeof(s->subfilter), "%s", sf->u.s.p);
	m = pdf_obj_dict_get(sd, "M");
	if (m && m->type == PDF_STRING)
		copy_name(s->m, sizeof(s->m), "", m);
	c = pdf_obj_dict_get(sd, "Contents");
	if (!c || c->type != PDF_STRING)
		return broken(s, "no /Contents string");
	if (get_range(pdf_obj_dict_get(sd, "ByteRange"), v) < 0)
		return broken(s, "no /ByteRange of four non-negative integers");
	why = range_fault(f, s->revision - 1, s->obj, v, c);
	if (*why)
		return broken(s, why);
	if (strcmp(s->subfilter, "adbe.pkcs7.detached") != 0 &&
	    strcmp(s->subfilter, "ETSI.CAdES.detached") != 0 &&
	    strcmp(s->subfilter, "ETSI.RFC3161") != 0)
		return broken(s, "/SubFilter not supported");
	return check_cms(s, cr, f, v, c);
}

void pdfverify_report_free(struct pdfverify_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		free(r->sig[i].signer);
	free(r->sig);
	free(r);
}

int pdfverify_all_valid(const struct pdfverify_report *r)
{
	const struct pdfverify_sig *s;
	size_t i;

	for (i = 0; i < r->n; i++) {
		s = &r->sig[i];
		if (!s->intact || !s->trusted || s->coverage == PDFVERIFY_MODIFIED ||
		    (s->revocation == TRUST_REV_REVOKED && s->revoked_at <= s->trust_time))
			return 0;
	}
	return r->n > 0;
}

/* Integrity, coverage and certification of every signature; @cr receives
 * each one's CMS for the trust check. */
static int check_all(struct pv_file *f, struct pdfverify_report *r, struct cms_result *cr)
{
	size_t i;
	int rc = E_OK;

	for (i = 0; rc == E_OK && i < r->n; i++) {
		rc = check_sig(f, &r->sig[i], &cr[i]);
		if (rc == E_OK && r->sig[i].revision < f->nrev)
			rc = pv_diff(f, r->sig[i].revision - 1, &r->sig[i], r);
	}
	return rc;
}

int pdfverify_data(struct pdfverify_report **out, const uint8_t *data, size_t len,
		   const struct trust *t)
{
	return pdfverify_data_known(out, data, len, t, NULL);
}

int pdfverify_data_known(struct pdfverify_report **out, const uint8_t *data, size_t len,
			 const struct trust *t, const struct pdfverify_known *known)
{
	struct pv_file f;
	struct walk w = {&f, NULL, 0, 0};
	struct cms_result *cr = NULL;
	size_t i;
	int rc;

	*out = NULL;
	w.r = calloc(1, sizeof(*w.r));
	if (!w.r)
		return err_set(E_NOMEM, "report");
	rc = pv_file_open(&f, data, len);
	f.known = known;
	w.r->revisions = f.nrev;
	for (w.rev = 0; rc == E_OK && w.rev < f.nrev; w.rev++)
		if (f.rev[w.rev])
			rc = walk_rev(&w);
	if (rc == E_OK && w.r->n) {
		cr = calloc(w.r->n, sizeof(*cr));
		rc = cr ? E_OK : err_set(E_NOMEM, "signatures");
	}
	if (rc == E_OK)
		rc = pv_mdp(&f, w.r);
	if (rc == E_OK)
		rc = check_all(&f, w.r, cr);
	if (rc == E_OK)
		rc = pv_trust(w.r, cr, t, time(NULL));
	for (i = 0; cr && i < w.r->n; i++)
		cms_result_clear(&cr[i]);
	free(cr);
	pv_file_free(&f);
	if (rc < 0) {
		pdfverify_report_free(w.r);
		return rc;
	}
	*out = w.r;
	return E_OK;
}
