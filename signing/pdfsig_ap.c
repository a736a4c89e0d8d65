/*
 * pdfsig_ap.c: places and draws the visible appearance of a new signature
 * and copies it into the update as the widget's /AP /N form (pdfsig_ap.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/x509.h>

#include "common/err.h"
#include "pdf/gen_sigapp.h"
#include "pdf/pdf_import.h"
#include "signing/pdfsig_ap.h"

#define MM(x) ((x)*72.0 / 25.4)
#define MARGIN_RIGHT MM(15)
#define MARGIN_BOTTOM MM(20)
#define COPY_TOP MM(4)
#define TEXT_MAX 256

static int num(const struct pdf_obj *o, double *v)
{
	if (o && o->type == PDF_INT)
		*v = (double)o->u.i;
	else if (o && o->type == PDF_REAL)
		*v = o->u.r;
	else
		return 0;
	return 1;
}

/* The four numbers of the array @a, normalised to x0 <= x1, y0 <= y1. */
static int box4(const struct pdf_obj *a, double b[4])
{
	double t;
	size_t i;

	if (!a || a->type != PDF_ARRAY || a->u.a.n != 4)
		return 0;
	for (i = 0; i < 4; i++)
		if (!num(a->u.a.v[i], &b[i]))
			return 0;
	if (b[0] > b[2]) {
		t = b[0], b[0] = b[2], b[2] = t;
	}
	if (b[1] > b[3]) {
		t = b[1], b[1] = b[3], b[3] = t;
	}
	return 1;
}

/* The page's /MediaBox. */
static int media_box(struct pdf_doc *doc, struct pdf_ref page, double mb[4])
{
	const struct pdf_obj *pg = NULL, *m = NULL;
	int rc = pdf_doc_get(doc, page.num, &pg);

	if (rc == E_OK)
		rc = pdf_import_inherited(doc, pg, "MediaBox", &m);
	if (rc == E_OK && !box4(m, mb))
		rc = err_set(E_CORRUPT, "page without a valid /MediaBox");
	return rc;
}

static int is_sig_widget(struct pdf_doc *doc, const struct pdf_obj *a)
{
	const struct pdf_obj *p = NULL;

	if (!a || a->type != PDF_DICT || !pdf_obj_is_name(pdf_obj_dict_get(a, "Subtype"), "Widget"))
		return 0;
	if (pdf_obj_is_name(pdf_obj_dict_get(a, "FT"), "Sig"))
		return 1;
	return pdf_doc_resolve(doc, pdf_obj_dict_get(a, "Parent"), &p) == E_OK && p &&
	       p->type == PDF_DICT && pdf_obj_is_name(pdf_obj_dict_get(p, "FT"), "Sig");
}

/* The /Rect of the last signature widget of @page with an area: 1 found. */
static int last_visible(struct pdf_doc *doc, struct pdf_ref page, double r[4])
{
	const struct pdf_obj *pg = NULL, *an = NULL, *a;
	double b[4];
	int found = 0;
	size_t i;

	if (pdf_doc_get(doc, page.num, &pg) < 0 || !pg ||
	    pdf_doc_resolve(doc, pdf_obj_dict_get(pg, "Annots"), &an) < 0 || !an ||
	    an->type != PDF_ARRAY)
		return 0;
	for (i = 0; i < an->u.a.n; i++) {
		if (pdf_doc_resolve(doc, an->u.a.v[i], &a) < 0 || !is_sig_widget(doc, a) ||
		    !box4(pdf_obj_dict_get(a, "Rect"), b) || b[2] - b[0] < 1 || b[3] - b[1] < 1)
			continue;
		memcpy(r, b, sizeof(b));
		found = 1;
	}
	return found;
}

/* A signer block in its default place on a page of @mb: x0 y0 x1 y1. */
static void signer_place(const double mb[4], double r[4])
{
	double w, h;

	gen_sigapp_size(GEN_SIGAPP_SIGNER, &w, &h);
	r[0] = mb[2] - MARGIN_RIGHT - w;
	r[1] = mb[1] + MARGIN_BOTTOM;
	r[2] = r[0] + w;
	r[3] = r[1] + h;
}

/* The seal's box: its seal covers the left third of the image of the
 * signer box @s. */
static void seal_place(const double s[4], double r[4])
{
	double ib[4], w, h, cx, cy;

	gen_sigapp_image_box(s[2] - s[0], s[3] - s[1], ib);
	gen_sigapp_size(GEN_SIGAPP_SEAL, &w, &h);
	cx = s[0] + ib[0] + ib[2] / 3 - GEN_SIGAPP_SEAL_D / 2;
	cy = s[1] + ib[1] + ib[3] / 2;
	r[0] = cx - w / 2;
	r[2] = cx + w / 2;
	r[3] = cy + GEN_SIGAPP_SEAL_D / 2 + MM(0.5);
	r[1] = r[3] - h;
}

/* A default box moved inside the page @mb when it sticks out (a small
 * page, a seal at the page's edge). */
static void shift_inside(double r[4], const double mb[4])
{
	double dx = 0, dy = 0;

	if (r[0] < mb[0])
		dx = mb[0] - r[0];
	else if (r[2] > mb[2])
		dx = mb[2] - r[2];
	if (r[1] < mb[1])
		dy = mb[1] - r[1];
	else if (r[3] > mb[3])
		dy = mb[3] - r[3];
	r[0] += dx, r[2] += dx, r[1] += dy, r[3] += dy;
}

static int place(struct pdfsig_placed *out, struct pdf_doc *doc, const struct pdfsig_appearance *ap)
{
	uint32_t n = 0, pg = ap->page;
	struct pdf_ref ref;
	double mb[4], s[4], w, h, *r = out->rect;
	int rc;

	while (pdf_doc_page(doc, n).num)
		n++;
	if (!pg)
		pg = ap->look == PDFSIG_COPY ? 1 : n;
	if (pg < 1 || pg > n)
		return err_set(E_INVAL, "no page %u: the document has %u", pg, n);
	out->page = pg - 1;
	ref = pdf_doc_page(doc, out->page);
	rc = media_box(doc, ref, mb);
	if (rc < 0)
		return rc;
	if (ap->has_rect) {
		r[0] = mb[0] + ap->rect[0];
		r[1] = mb[1] + ap->rect[1];
		r[2] = r[0] + ap->rect[2];
		r[3] = r[1] + ap->rect[3];
	} else if (ap->look == PDFSIG_SIGNER) {
		signer_place(mb, r);
	} else if (ap->look == PDFSIG_SEAL) {
		if (!last_visible(doc, ref, s))
			signer_place(mb, s);
		seal_place(s, r);
	} else {
		gen_sigapp_size(GEN_SIGAPP_COPY, &w, &h);
		r[0] = mb[2] - MARGIN_RIGHT - w;
		r[3] = mb[3] - COPY_TOP;
		r[2] = r[0] + w;
		r[1] = r[3] - h;
	}
	if (!ap->has_rect)
		shift_inside(r, mb);
	if (!(r[2] - r[0] >= 1) || !(r[3] - r[1] >= 1) || r[0] < mb[0] - 1 || r[1] < mb[1] - 1 ||
	    r[2] > mb[2] + 1 || r[3] > mb[3] + 1)
		return err_set(E_INVAL, "the appearance's box is not inside page %u", pg);
	return E_OK;
}

/* The certificate's attribute @oid, or "" when it has none. */
static void cert_attr(const struct sigkey *k, const char *oid, char out[TEXT_MAX])
{
	size_t n = TEXT_MAX - 1;

	memset(out, 0, TEXT_MAX);
	if (gnutls_x509_crt_get_dn_by_oid(sigkey_cert(k), oid, 0, 0, out, &n) < 0)
		out[0] = 0;
}

/* "2026-12-02T10:15:00+07:00": Vietnam time, ISO 8601. */
static void iso_time(char out[32], time_t t)
{
	struct tm tm;

	t += 7 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

/* The appearance of @ap drawn, as a parsed one-page PDF. */
static int draw(struct pdf_doc **out, const struct pdfsig_appearance *ap, const double r[4],
		const struct sigkey *k, time_t now)
{
	static const enum gen_sigapp_kind kinds[] = {GEN_SIGAPP_SIGNER, GEN_SIGAPP_SIGNER,
						     GEN_SIGAPP_SEAL, GEN_SIGAPP_COPY};
	char cn[TEXT_MAX], o[TEXT_MAX], when[32];
	struct gen_sigapp g = {kinds[ap->look],
			       r[2] - r[0],
			       r[3] - r[1],
			       ap->image,
			       ap->image_len,
			       ap->name,
			       ap->title,
			       ap->agency,
			       ap->copy_kind ? ap->copy_kind : "SAO Y",
			       when};
	uint8_t *pdf = NULL;
	size_t len = 0;
	int rc;

	cert_attr(k, GNUTLS_OID_X520_COMMON_NAME, cn);
	cert_attr(k, GNUTLS_OID_X520_ORGANIZATION_NAME, o);
	iso_time(when, now);
	if (!g.name)
		g.name = cn;
	if (!g.agency)
		g.agency = *o ? o : cn;
	rc = gen_sigapp_pdf(&pdf, &len, &g);
	if (rc == E_OK)
		rc = pdf_doc_open(out, pdf, len);
	free(pdf);
	return rc;
}

int pdfsig_ap_build(struct pdfsig_placed *out, struct pdf_doc *doc, struct pdf_write *w,
		    const struct pdfsig_appearance *ap, const struct sigkey *k, time_t now)
{
	struct pdf_doc *app = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ap->look < PDFSIG_SIGNER || ap->look > PDFSIG_COPY)
		return err_set(E_INVAL, "unknown appearance %d", (int)ap->look);
	rc = place(out, doc, ap);
	if (rc == E_OK)
		rc = draw(&app, ap, out->rect, k, now);
	if (rc == E_OK)
		rc = pdf_import_page(&out->form, w, app, 0);
	pdf_doc_free(app);
	return rc;
}
