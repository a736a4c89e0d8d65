/*
 * pdfsig.c: signs a PDF.  The update (field, widget, /Sig with placeholders,
 * the changed catalog, AcroForm and page) is written by pdf_write; the
 * placeholders are then filled: /ByteRange with the two ranges around the
 * /Contents hex string, /Contents with the CMS of cms.c over those ranges.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "common/err.h"
#include "pdf/pdf_doc.h"
#include "pdf/pdf_write.h"
#include "signing/cms.h"
#include "signing/pdfsig.h"
#include "signing/pdfsig_ap.h"
#include "signing/pdfverify.h"
#include "signing/sigkey.h"

#define BR_PLACEHOLDER 9999999999LL

struct update {
	struct pdf_doc *doc;
	struct pdf_write *w;
	struct pdf_ref sig, field, page;
	size_t cms_max;
	struct pdfsig_placed ap; /* ap.form.num 0: invisible */
};

/* @o resolved; *ref the reference it came through, or {0, 0} if direct. */
static int resolve(struct pdf_doc *doc, const struct pdf_obj *o, struct pdf_ref *ref,
		   const struct pdf_obj **out)
{
	*ref = (struct pdf_ref){0, 0};
	if (o && o->type == PDF_REF)
		*ref = o->u.ref;
	return pdf_doc_resolve(doc, o, out);
}

/* Appends a reference to @item to the array @key of @dict (owned by the
 * caller, to be put by it), which may hold the array directly or by
 * reference (then the array object itself is put). */
static int array_add(struct update *u, struct pdf_obj *dict, const char *key, struct pdf_ref item)
{
	const struct pdf_obj *old;
	struct pdf_obj *arr;
	struct pdf_ref ref;
	int rc;

	rc = resolve(u->doc, pdf_obj_dict_get(dict, key), &ref, &old);
	if (rc < 0)
		return rc;
	if (old && old->type != PDF_ARRAY)
		return err_set(E_CORRUPT, "/%s is not an array", key);
	arr = old ? pdf_obj_dup(old) : pdf_obj_new(PDF_ARRAY);
	if (!arr)
		return err_set(E_NOMEM, "array");
	rc = pdf_obj_array_push(arr, pdf_obj_new_ref(item.num, item.gen));
	if (rc < 0) {
		pdf_obj_free(arr);
		return rc;
	}
	if (ref.num)
		return pdf_write_put(u->w, ref, arr);
	return pdf_obj_dict_set(dict, key, arr);
}

/* A new dictionary << /@key @v >>; NULL (and @v freed) if out of memory. */
static struct pdf_obj *obj_dict1(const char *key, struct pdf_obj *v)
{
	struct pdf_obj *d = pdf_obj_new(PDF_DICT);

	if (d && v && pdf_obj_dict_set(d, key, v) == E_OK)
		return d;
	pdf_obj_free(d);
	pdf_obj_free(v);
	return NULL;
}

/* The catalog with an AcroForm whose /Fields has the new field, and with
 * @certify the catalog's /Perms naming the new signature. */
static int add_to_form(struct update *u, int certify)
{
	struct pdf_ref root = pdf_doc_root(u->doc), afref;
	const struct pdf_obj *cat, *af;
	struct pdf_obj *ncat = NULL, *naf = NULL, *perms;
	int rc;

	rc = pdf_doc_get(u->doc, root.num, &cat);
	if (rc == E_OK)
		rc = resolve(u->doc, pdf_obj_dict_get(cat, "AcroForm"), &afref, &af);
	if (rc < 0)
		return rc;
	if (af && af->type != PDF_DICT)
		return err_set(E_CORRUPT, "/AcroForm is not a dictionary");
	naf = af ? pdf_obj_dup(af) : pdf_obj_new(PDF_DICT);
	if (!naf)
		return err_set(E_NOMEM, "AcroForm");
	rc = array_add(u, naf, "Fields", u->field);
	if (rc == E_OK)
		rc = pdf_obj_dict_set(naf, "SigFlags", pdf_obj_new_int(3));
	if (rc < 0)
		goto fail;
	if (afref.num) {
		rc = pdf_write_put(u->w, afref, naf);
		naf = NULL;
		if (rc < 0 || !certify)
			return rc;
	}
	ncat = pdf_obj_dup(cat);
	if (!ncat) {
		rc = err_set(E_NOMEM, "catalog");
		goto fail;
	}
	rc = naf ? pdf_obj_dict_set(ncat, "AcroForm", naf) : E_OK;
	naf = NULL;
	if (rc == E_OK && certify) { /* the certification: /Perms /DocMDP */
		perms = obj_dict1("DocMDP", pdf_obj_new_ref(u->sig.num, u->sig.gen));
		rc = perms ? pdf_obj_dict_set(ncat, "Perms", perms) : err_set(E_NOMEM, "/Perms");
	}
	if (rc == E_OK)
		return pdf_write_put(u->w, root, ncat);
	pdf_obj_free(ncat);
fail:
	pdf_obj_free(naf);
	return rc;
}

static int add_to_page(struct update *u)
{
	const struct pdf_obj *page;
	struct pdf_obj *np;
	int rc;

	rc = pdf_doc_get(u->doc, u->page.num, &page);
	if (rc < 0)
		return rc;
	if (!page || page->type != PDF_DICT)
		return err_set(E_CORRUPT, "page %u is not a dictionary", u->ap.page + 1);
	np = pdf_obj_dup(page);
	if (!np)
		return err_set(E_NOMEM, "page");
	rc = array_add(u, np, "Annots", u->field);
	if (rc < 0) {
		pdf_obj_free(np);
		return rc;
	}
	return pdf_write_put(u->w, u->page, np);
}

static int dict_add(struct pdf_obj *d, const char *key, struct pdf_obj *v, int rc)
{
	if (rc < 0) {
		pdf_obj_free(v);
		return rc;
	}
	if (!v)
		return err_set(E_NOMEM, "dictionary");
	return pdf_obj_dict_set(d, key, v);
}

static int put_field(struct update *u)
{
	struct pdf_obj *f = pdf_obj_new(PDF_DICT), *rect = pdf_obj_new(PDF_ARRAY);
	char name[48];
	int rc = f && rect ? E_OK : err_set(E_NOMEM, "field");
	int i;

	for (i = 0; rc == E_OK && i < 4; i++)
		rc = pdf_obj_array_push(rect, u->ap.form.num ? pdf_obj_new_real(u->ap.rect[i])
							     : pdf_obj_new_int(0));
	if (rc == E_OK && u->ap.form.num) {
		struct pdf_obj *ap = pdf_obj_new(PDF_DICT);

		rc = dict_add(ap, "N", pdf_obj_new_ref(u->ap.form.num, 0),
			      ap ? E_OK : err_set(E_NOMEM, "appearance"));
		rc = dict_add(f, "AP", ap, rc);
	}
	snprintf(name, sizeof(name), "Signature%u", u->sig.num);
	rc = dict_add(f, "FT", pdf_obj_new_name("Sig"), rc);
	rc = dict_add(f, "Type", pdf_obj_new_name("Annot"), rc);
	rc = dict_add(f, "Subtype", pdf_obj_new_name("Widget"), rc);
	rc = dict_add(f, "F", pdf_obj_new_int(132), rc); /* Print | Locked */
	rc = dict_add(f, "Rect", rect, rc);
	rect = NULL;
	rc = dict_add(f, "P", pdf_obj_new_ref(u->page.num, u->page.gen), rc);
	rc = dict_add(f, "T", pdf_obj_new_string(name, strlen(name)), rc);
	rc = dict_add(f, "V", pdf_obj_new_ref(u->sig.num, u->sig.gen), rc);
	pdf_obj_free(rect);
	if (rc < 0) {
		pdf_obj_free(f);
		return rc;
	}
	return pdf_write_put(u->w, u->field, f);
}

/* "D:YYYYMMDDHHmmSS+07'00'", Vietnam time. */
static void pdf_date(char out[64], time_t t)
{
	struct tm tm;

	t += 7 * 3600;
	gmtime_r(&t, &tm);
	snprintf(out, 64, "D:%04d%02d%02d%02d%02d%02d+07'00'", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams
 * << /Type /TransformParams /P @p /V /1.2 >> >>], or NULL. */
static struct pdf_obj *docmdp_ref(int p)
{
	struct pdf_obj *tp = obj_dict1("P", pdf_obj_new_int(p)), *ref, *arr;
	int rc = tp ? E_OK : E_NOMEM;

	rc = dict_add(tp, "Type", pdf_obj_new_name("TransformParams"), rc);
	rc = dict_add(tp, "V", pdf_obj_new_name("1.2"), rc);
	ref = rc == E_OK ? obj_dict1("TransformParams", tp) : NULL;
	if (rc < 0)
		pdf_obj_free(tp);
	rc = ref ? E_OK : E_NOMEM;
	rc = dict_add(ref, "Type", pdf_obj_new_name("SigRef"), rc);
	rc = dict_add(ref, "TransformMethod", pdf_obj_new_name("DocMDP"), rc);
	arr = rc == E_OK ? pdf_obj_new(PDF_ARRAY) : NULL;
	if (arr && pdf_obj_array_push(arr, ref) == E_OK)
		return arr;
	pdf_obj_free(arr);
	pdf_obj_free(ref);
	return NULL;
}

static int put_sig(struct update *u, const struct pdfsig_opts *o, time_t now)
{
	struct pdf_obj *s = pdf_obj_new(PDF_DICT), *br = pdf_obj_new(PDF_ARRAY), *c;
	uint8_t *zero = calloc(1, u->cms_max);
	char date[64];
	int rc = s && br && zero ? E_OK : err_set(E_NOMEM, "signature dictionary");
	int i;

	for (i = 0; rc == E_OK && i < 4; i++)
		rc = pdf_obj_array_push(br, pdf_obj_new_int(i ? BR_PLACEHOLDER : 0));
	c = zero ? pdf_obj_new_string(zero, u->cms_max) : NULL;
	if (c)
		c->u.s.hex = 1;
	free(zero);
	pdf_date(date, now);
	rc = dict_add(s, "Type", pdf_obj_new_name("Sig"), rc);
	rc = dict_add(s, "Filter", pdf_obj_new_name("Adobe.PPKLite"), rc);
	rc = dict_add(s, "SubFilter",
		      pdf_obj_new_name(o->pkcs7 ? "adbe.pkcs7.detached" : "ETSI.CAdES.detached"),
		      rc);
	rc = dict_add(s, "M", pdf_obj_new_string(date, strlen(date)), rc);
	if (o->reason)
		rc = dict_add(s, "Reason", pdf_obj_new_string(o->reason, strlen(o->reason)), rc);
	if (o->certify)
		rc = dict_add(s, "Reference", docmdp_ref(o->certify), rc);
	rc = dict_add(s, "ByteRange", br, rc);
	br = NULL;
	rc = dict_add(s, "Contents", c, rc);
	pdf_obj_free(br);
	if (rc < 0) {
		pdf_obj_free(s);
		return rc;
	}
	return pdf_write_put(u->w, u->sig, s);
}

/* The offset of the only occurrence of @pat in p[from, len), or 0. */
static size_t find_once(const uint8_t *p, size_t len, size_t from, const void *pat, size_t n)
{
	const uint8_t *a = memmem(p + from, len - from, pat, n), *b;

	if (!a)
		return 0;
	b = memmem(a + 1, (size_t)(p + len - a - 1), pat, n);
	return b ? 0 : (size_t)(a - p);
}

/* Fills /ByteRange and returns the gap [*a, *b) of the /Contents string. */
static int fill_byterange(uint8_t *p, size_t len, size_t from, size_t cms_max, size_t *a, size_t *b)
{
	char ph[64], val[64];
	size_t br, gap, n;
	char *hex;

	hex = malloc(2 * cms_max + 2);
	if (!hex)
		return err_set(E_NOMEM, "placeholder");
	hex[0] = '<';
	memset(hex + 1, '0', 2 * cms_max);
	hex[2 * cms_max + 1] = '>';
	gap = find_once(p, len, from, hex, 2 * cms_max + 2);
	free(hex);
	n = (size_t)snprintf(ph, sizeof(ph), "[0 %lld %lld %lld]", BR_PLACEHOLDER, BR_PLACEHOLDER,
			     BR_PLACEHOLDER);
	br = find_once(p, len, from, ph, n);
	if (!gap || !br)
		return err_set(E_INTERNAL, "signature placeholders not found in the update");
	*a = gap;
	*b = gap + 2 * cms_max + 2;
	snprintf(val, sizeof(val), "[0 %zu %zu %zu", *a, *b, len - *b);
	memset(p + br, ' ', n);
	memcpy(p + br, val, strlen(val));
	p[br + n - 1] = ']';
	return E_OK;
}

/* Writes the CMS @cms (@n bytes), in hex, into the placeholder [a, b). */
static int put_hex(uint8_t *p, size_t a, size_t b, const uint8_t *cms, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	if (2 * n > b - a - 2)
		return err_set(E_INTERNAL, "CMS of %zu bytes does not fit its placeholder", n);
	for (i = 0; i < n; i++) {
		p[a + 1 + 2 * i] = (uint8_t)hx[cms[i] >> 4];
		p[a + 2 + 2 * i] = (uint8_t)hx[cms[i] & 15];
	}
	return E_OK;
}

/* GnuTLS's signing, for keys cms_sign_digest() does not take: it wants
 * the signed bytes as one run, so they are made one in place (the small
 * part from a on is saved, the tail moved to a, both put back after), and
 * it hashes them itself. */
static int sign_joined(uint8_t *p, size_t len, size_t a, size_t b, const struct sigkey *k,
		       const struct pdfsig_opts *o)
{
	uint8_t *saved, *cms = NULL;
	size_t n = 0;
	int rc;

	saved = malloc(len - a);
	if (!saved)
		return err_set(E_NOMEM, "signed bytes");
	memcpy(saved, p + a, len - a);
	memmove(p + a, saved + (b - a), len - b);
	rc = cms_sign(&cms, &n, k, p, len - (b - a), o->pkcs7);
	memcpy(p + a, saved, len - a);
	free(saved);
	if (rc == E_OK)
		rc = put_hex(p, a, b, cms, n);
	free(cms);
	return rc;
}

/* Signs the bytes [0, a) and [b, len) of @p, hashed once where they lie,
 * and writes the CMS into the placeholder [a, b); *known (obj set by the
 * caller) receives the ranges and their digest for the check of the
 * result. */
static int sign_ranges(uint8_t *p, size_t len, size_t a, size_t b, const struct sigkey *k,
		       const struct pdfsig_opts *o, time_t now, struct pdfverify_known *known)
{
	gnutls_hash_hd_t h;
	uint8_t *cms = NULL;
	size_t n = 0;
	int rc;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return err_set(E_NOMEM, "SHA-256");
	if (gnutls_hash(h, p, a) < 0 || gnutls_hash(h, p + b, len - b) < 0) {
		gnutls_hash_deinit(h, NULL);
		return err_set(E_CRYPTO, "SHA-256 of the byte ranges");
	}
	gnutls_hash_deinit(h, known->sha256);
	known->range[0] = 0;
	known->range[1] = a;
	known->range[2] = b;
	known->range[3] = len - b;
	rc = cms_sign_digest(&cms, &n, k, known->sha256, now, o->pkcs7);
	if (rc == E_OK)
		rc = put_hex(p, a, b, cms, n);
	free(cms);
	return rc;
}

/* The bytes the CMS may take: its fixed part and the certificates. */
static size_t cms_room(const struct sigkey *k)
{
	gnutls_x509_crt_t *chain;
	size_t n = sigkey_chain(k, &chain), i, room = 4096;
	gnutls_datum_t d;

	for (i = 0; i < n; i++) {
		if (gnutls_x509_crt_export2(chain[i], GNUTLS_X509_FMT_DER, &d) < 0)
			return PDFSIG_CMS_MAX;
		room += d.size;
		gnutls_free(d.data);
	}
	return room < PDFSIG_CMS_MAX ? room : PDFSIG_CMS_MAX;
}

static int build(struct update *u, const struct sigkey *k, const struct pdfsig_opts *o, time_t now)
{
	int rc = E_OK;

	if (o->ap && o->ap->look != PDFSIG_INVISIBLE)
		rc = pdfsig_ap_build(&u->ap, u->doc, u->w, o->ap, k, now);
	if (rc < 0)
		return rc;
	u->page = pdf_doc_page(u->doc, u->ap.page);
	if (!u->page.num)
		return err_set(E_CORRUPT, "the document has no page");
	rc = pdf_write_alloc(u->w, &u->sig);
	if (rc == E_OK)
		rc = pdf_write_alloc(u->w, &u->field);
	if (rc == E_OK)
		rc = put_sig(u, o, now);
	if (rc == E_OK)
		rc = put_field(u);
	if (rc == E_OK)
		rc = add_to_form(u, o->certify);
	if (rc == E_OK)
		rc = add_to_page(u);
	return rc;
}

/* The new signature must be intact and cover the whole file; @known (or
 * NULL) is the digest sign_ranges() computed over these very bytes. */
static int check_result(const uint8_t *p, size_t len, uint32_t sig,
			const struct pdfverify_known *known)
{
	struct pdfverify_report *r = NULL;
	const struct pdfverify_sig *s = NULL;
	size_t i;
	int rc;

	rc = pdfverify_data_known(&r, p, len, NULL, known);
	if (rc < 0)
		return rc;
	for (i = 0; i < r->n; i++)
		if (r->sig[i].obj == sig)
			s = &r->sig[i];
	if (!s)
		rc = err_set(E_INTERNAL, "the new signature is not found in the signed file");
	else if (!s->intact)
		rc = err_set(E_CRYPTO, "the new signature does not verify: %s", s->integrity);
	else if (s->coverage != PDFVERIFY_WHOLE)
		rc = err_set(E_INTERNAL, "the new signature does not cover the file");
	pdfverify_report_free(r);
	return rc;
}

/* A certification (DocMDP /P @p) must be the document's first signature. */
static int first_signature(const uint8_t *in, size_t len, int p)
{
	struct pdfverify_report *r = NULL;
	int rc;

	if (p < 1 || p > 3)
		return err_set(E_INVAL, "certification level %d is not 1, 2 or 3", p);
	rc = pdfverify_data(&r, in, len, NULL);
	if (rc == E_OK && r->n)
		rc = err_set(E_INVAL, "a certification must be the first signature");
	pdfverify_report_free(r);
	return rc;
}

/* The update of @in signed by @k: *upd (malloc'd) follows the input in
 * the new file, its placeholders still empty; *sig the /Sig object. */
static int prepare(uint8_t **upd, size_t *updlen, uint32_t *sig, size_t *cms_max, const uint8_t *in,
		   size_t inlen, const struct sigkey *k, const struct pdfsig_opts *o, time_t now)
{
	struct update u = {0};
	int rc;

	*upd = NULL;
	*updlen = 0;
	u.cms_max = cms_room(k);
	rc = o->certify ? first_signature(in, inlen, o->certify) : E_OK;
	if (rc == E_OK)
		rc = pdf_doc_open_borrowed(&u.doc, in, inlen);
	if (rc == E_OK)
		rc = pdf_write_new(&u.w, u.doc);
	if (rc == E_OK)
		rc = build(&u, k, o, now);
	if (rc == E_OK)
		rc = pdf_write_update(u.w, upd, updlen);
	*sig = u.sig.num;
	*cms_max = u.cms_max;
	pdf_write_free(u.w);
	pdf_doc_free(u.doc);
	return rc;
}

/* The new file @p (@len bytes, the input the first @inlen): fills the
 * placeholders, signs, and verifies the result. */
static int complete(uint8_t *p, size_t len, size_t inlen, size_t cms_max, uint32_t sig,
		    const struct sigkey *k, const struct pdfsig_opts *o, time_t now)
{
	struct pdfverify_known known = {0};
	size_t a = 0, b = 0;
	int rc;

	rc = fill_byterange(p, len, inlen, cms_max, &a, &b);
	if (rc < 0)
		return rc;
	if (!cms_can_sign_digest(k)) {
		rc = sign_joined(p, len, a, b, k, o);
		return rc < 0 ? rc : check_result(p, len, sig, NULL);
	}
	known.obj = sig;
	rc = sign_ranges(p, len, a, b, k, o, now, &known);
	return rc < 0 ? rc : check_result(p, len, sig, &known);
}

int pdfsig_sign(uint8_t **out, size_t *outlen, const uint8_t *in, size_t inlen,
		const struct sigkey *k, const struct pdfsig_opts *o)
{
	uint8_t *upd = NULL, *p = NULL;
	size_t updlen = 0, cms_max = 0;
	time_t now = o->now ? o->now : time(NULL);
	uint32_t sig = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	rc = prepare(&upd, &updlen, &sig, &cms_max, in, inlen, k, o, now);
	if (rc == E_OK && !(p = malloc(inlen + updlen)))
		rc = err_set(E_NOMEM, "signed file");
	if (rc == E_OK) {
		memcpy(p, in, inlen);
		memcpy(p + inlen, upd, updlen);
		rc = complete(p, inlen + updlen, inlen, cms_max, sig, k, o, now);
	}
	free(upd);
	if (rc < 0) {
		free(p);
		return rc;
	}
	*out = p;
	*outlen = inlen + updlen;
	return E_OK;
}

int pdfsig_sign_buf(uint8_t *buf, size_t inlen, size_t cap, size_t *outlen, const struct sigkey *k,
		    const struct pdfsig_opts *o)
{
	uint8_t *upd = NULL;
	size_t updlen = 0, cms_max = 0;
	time_t now = o->now ? o->now : time(NULL);
	uint32_t sig = 0;
	int rc;

	*outlen = 0;
	rc = prepare(&upd, &updlen, &sig, &cms_max, buf, inlen, k, o, now);
	if (rc == E_OK && updlen > cap - inlen)
		rc = err_set(E_TOOBIG, "the signature's update of %zu bytes does not fit", updlen);
	if (rc == E_OK) {
		memcpy(buf + inlen, upd, updlen);
		rc = complete(buf, inlen + updlen, inlen, cms_max, sig, k, o, now);
	}
	free(upd);
	if (rc == E_OK)
		*outlen = inlen + updlen;
	return rc;
}
