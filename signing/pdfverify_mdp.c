/*
 * pdfverify_mdp.c: DocMDP certification (ISO 32000-1 12.8.2.2): which
 * signature certifies the document and with which permissions /P.
 */
#include "config.h"

#include "common/err.h"
#include "signing/pdfverify_priv.h"

int pv_sig_docmdp(struct pdf_doc *doc, const struct pdf_obj *sd)
{
	const struct pdf_obj *refs = NULL, *ref = NULL, *tp = NULL, *p;
	size_t i;

	if (!sd || sd->type != PDF_DICT ||
	    pdf_doc_resolve(doc, pdf_obj_dict_get(sd, "Reference"), &refs) < 0 || !refs ||
	    refs->type != PDF_ARRAY)
		return 0;
	for (i = 0; i < refs->u.a.n; i++) {
		if (pdf_doc_resolve(doc, refs->u.a.v[i], &ref) < 0 || !ref ||
		    ref->type != PDF_DICT ||
		    !pdf_obj_is_name(pdf_obj_dict_get(ref, "TransformMethod"), "DocMDP"))
			continue;
		if (pdf_doc_resolve(doc, pdf_obj_dict_get(ref, "TransformParams"), &tp) < 0)
			tp = NULL;
		p = tp && tp->type == PDF_DICT ? pdf_obj_dict_get(tp, "P") : NULL;
		if (!p)
			return 2; /* the default */
		return p->type == PDF_INT && p->u.i >= 1 && p->u.i <= 3 ? (int)p->u.i : 1;
	}
	return 0;
}

/* 1 if the catalog of @doc names /Sig object @obj in /Perms /DocMDP. */
static int in_perms(struct pdf_doc *doc, uint32_t obj)
{
	const struct pdf_obj *cat = NULL, *perms = NULL, *m;

	if (pdf_doc_get(doc, pdf_doc_root(doc).num, &cat) < 0 || !cat ||
	    pdf_doc_resolve(doc, pdf_obj_dict_get(cat, "Perms"), &perms) < 0 || !perms ||
	    perms->type != PDF_DICT)
		return 0;
	m = pdf_obj_dict_get(perms, "DocMDP");
	return m && m->type == PDF_REF && m->u.ref.num == obj;
}

int pv_mdp(struct pv_file *f, struct pdfverify_report *r)
{
	const struct pdf_obj *sd;
	struct pdf_doc *doc;
	size_t i;

	for (i = 0; i < r->n; i++) {
		doc = f->rev[r->sig[i].revision - 1];
		if (!r->sig[i].obj || pdf_doc_get(doc, r->sig[i].obj, &sd) < 0)
			continue;
		/* a /Reference the catalog does not confirm certifies nothing */
		if (in_perms(doc, r->sig[i].obj))
			r->sig[i].certify = pv_sig_docmdp(doc, sd);
	}
	err_clear();
	return E_OK;
}

int pv_mdp_level(const struct pdfverify_report *r, size_t rev)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->sig[i].certify && r->sig[i].revision - 1 <= rev)
			return r->sig[i].certify;
	return 0;
}
