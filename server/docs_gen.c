/*
 * docs_gen.c: the commune's documents made from the workflow's data as
 * PDF (pdf/gen.h): a dossier's receipt with the QR code of its status page
 * (doc.receipt), its process-control slip (doc.control), and the registers
 * (doc.register format="pdf").  The inputs are copied from the document on
 * the loop thread; the PDF is made on a job thread (work.h) and put in the
 * file store, named by its SHA-256 in the answer.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "pdf/gen.h"
#include "server/docs.h"
#include "server/files.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/session.h"
#include "server/work.h"
#include "workflow/books.h"
#include "workflow/idx.h"
#include "workflow/store.h"

enum gen_kind { GK_RECEIPT, GK_CONTROL, GK_REGISTER };

/* One document to make: its inputs (strings in @strs), then its PDF. */
struct gen_job {
	enum gen_kind kind;
	uint64_t sid;
	uint32_t id;
	GStringChunk *strs;
	struct gen_receipt receipt;
	struct gen_paper papers[32];
	struct gen_control control;
	struct gen_handover rows[DOC_LIST_MAX];
	struct gen_register reg;
	GPtrArray *cells;
	uint8_t *pdf;
	size_t len;
	char what[80];
};

static const char *S(struct gen_job *j, const char *s)
{
	return s ? g_string_chunk_insert(j->strs, s) : NULL;
}

static void job_free(struct gen_job *j)
{
	if (j->cells)
		g_ptr_array_free(j->cells, TRUE);
	g_string_chunk_free(j->strs);
	free(j->pdf);
	free(j);
}

static int gen_run(void *arg)
{
	struct gen_job *j = arg;

	switch (j->kind) {
	case GK_RECEIPT:
		return gen_receipt_pdf(&j->pdf, &j->len, &j->receipt);
	case GK_CONTROL:
		return gen_control_pdf(&j->pdf, &j->len, &j->control);
	default:
		j->reg.cells = (const char *const *)j->cells->pdata;
		return gen_register_pdf(&j->pdf, &j->len, &j->reg);
	}
}

/* On the loop thread: the PDF into the file store, the answer out. */
static void gen_done(struct server *srv, void *arg, int rc)
{
	struct gen_job *j = arg;
	struct session *s = session_by_sid(srv, j->sid);
	struct proto_node *body = NULL;
	uint8_t sha[32];
	char hex[65];

	if (rc == E_OK)
		rc = files_put(srv->files, j->pdf, j->len, sha);
	if (rc == E_OK) {
		proto_hex(hex, sha);
		if (!(body = proto_node_new("resp")) || proto_node_set(body, "sha256", hex) < 0 ||
		    proto_node_set_u64(body, "size", j->len) < 0)
			rc = err_set(E_NOMEM, "reply");
	}
	if (rc < 0) {
		log_err("%s: %s: %s", j->what, err_name(rc), err_detail());
		if (s)
			session_error(s, j->id, rc, err_detail());
		proto_node_free(body);
	} else {
		log_info("%s: %zu bytes, %s", j->what, j->len, hex);
		if (s)
			session_reply(s, j->id, body);
		else
			proto_node_free(body);
	}
	job_free(j);
}

static struct gen_job *job_new(struct session *s, uint32_t id, enum gen_kind kind)
{
	struct gen_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->kind = kind;
	j->sid = session_sid(s);
	j->id = id;
	j->strs = g_string_chunk_new(4096);
	return j;
}

/* Issuer, place and date of the heading, from [server] commune
 * ("UBND xã Mẫu Sơn": issuer "UBND XÃ MẪU SƠN", place "Mẫu Sơn"). */
static void heading(struct gen_job *j, const char *c, struct gen_head *h, const char *day)
{
	gchar *up = g_utf8_strup(c, -1);
	const char *place = c;

	if (g_str_has_prefix(c, "UBND xã "))
		place = c + strlen("UBND xã ");
	h->issuer = S(j, up);
	h->place = S(j, place);
	h->date = day && *day ? S(j, day) : NULL;
	g_free(up);
}

/* "YYYY-MM-DD HH:MM" of a step's ISO time, in the arena. */
static const char *when(struct gen_job *j, const char *iso)
{
	char t[17];

	if (!iso || strlen(iso) < 16)
		return S(j, iso ? iso : "");
	snprintf(t, sizeof(t), "%.10s %.5s", iso, iso + 11);
	return S(j, t);
}

/* The step that received the dossier (receive or supplement), or NULL. */
static const struct doc_step *received_step(const struct doc *d)
{
	for (size_t i = 0; i < d->n_steps; i++)
		if (d->steps[i].to && strcmp(d->steps[i].to, "received") == 0)
			return &d->steps[i];
	return NULL;
}

static int fill_receipt(struct gen_job *j, const struct def_set *defs, const char *commune,
			const char *status_url, const struct doc *d)
{
	const struct def_procedure *p = def_procedure(defs, doc_field(d, "ProcedureId"));
	const struct doc_step *rs = received_step(d);
	struct gen_receipt *r = &j->receipt;
	char url[512];

	if (!rs || !d->code || !d->due[0])
		return err_set(E_INVAL, "%s has not been received: no receipt yet", d->id);
	heading(j, commune, &r->head, NULL);
	if (rs->time && strlen(rs->time) >= 10)
		r->head.date = g_string_chunk_insert_len(j->strs, rs->time, 10);
	r->head.number = S(j, d->number);
	snprintf(url, sizeof(url), "%s%s", status_url, d->code);
	r->code = S(j, d->code);
	r->status_url = S(j, url);
	r->procedure = S(j, p ? p->name : doc_field(d, "ProcedureId"));
	r->applicant = S(j, doc_field(d, "Applicant"));
	r->address = S(j, doc_field(d, "Address"));
	r->phone = S(j, doc_field(d, "Phone"));
	for (size_t i = 0; p && p->papers && p->papers[i] && i < 32; i++) {
		j->papers[i].name = S(j, p->papers[i]);
		r->n_papers = i + 1;
	}
	r->papers = j->papers;
	r->received = when(j, rs->time);
	r->due = S(j, d->due);
	r->return_place = S(j, "Bộ phận Một cửa");
	r->receiver = S(j, rs->actor_name);
	return E_OK;
}

/* Who acted after step @i (the one the dossier was handed to), or NULL. */
static const char *next_actor(const struct doc *d, size_t i)
{
	for (size_t k = i + 1; k < d->n_steps; k++)
		if (d->steps[k].actor_name && *d->steps[k].actor_name)
			return d->steps[k].actor_name;
	return NULL;
}

/* The slip: one row per step after reception, as the dossier went. */
static int fill_control(struct gen_job *j, struct server *srv, const struct doc *d)
{
	const struct def_workflow *wf = def_workflow(srv->defs, d->workflow);
	const struct def_procedure *p = def_procedure(srv->defs, doc_field(d, "ProcedureId"));
	const struct doc_step *rs = received_step(d);
	struct gen_control *c = &j->control;
	int after = 0;

	if (!rs || !d->code || !d->due[0] || !wf)
		return err_set(E_INVAL, "%s has not been received: no control slip yet", d->id);
	heading(j, srv->cfg->commune, &c->head, NULL);
	if (rs->time && strlen(rs->time) >= 10)
		c->head.date = g_string_chunk_insert_len(j->strs, rs->time, 10);
	c->code = S(j, d->code);
	c->procedure = S(j, p ? p->name : doc_field(d, "ProcedureId"));
	c->applicant = S(j, doc_field(d, "Applicant"));
	c->received = when(j, rs->time);
	c->due = S(j, d->due);
	for (size_t i = 0; i < d->n_steps; i++) {
		const struct doc_step *st = &d->steps[i];
		const struct def_transition *t =
			st->from && st->action ? def_transition(wf, st->from, st->action) : NULL;
		int to = st->to ? def_state_index(wf, st->to) : -1;
		struct gen_handover *h = &j->rows[c->n_rows];

		after |= st == rs;
		if (!after || !st->to || (st->from && !strcmp(st->from, st->to)))
			continue; /* before reception, or a comment */
		h->from = S(j, st->actor_name ? st->actor_name : st->actor);
		h->to = S(j, next_actor(d, i) ? next_actor(d, i)
			     : to >= 0        ? wf->states[to].name
					      : st->to);
		h->time = when(j, st->time);
		h->result = S(j, t ? t->name : st->action);
		h->timing = st->time && strlen(st->time) >= 10
				    ? (strncmp(st->time, d->due, 10) <= 0 ? GEN_ON_TIME : GEN_LATE)
				    : GEN_TIMING_NONE;
		c->n_rows++;
	}
	c->rows = j->rows;
	return E_OK;
}

const char *docs_status_url(const struct server *srv)
{
	return srv->cfg->status_url ? srv->cfg->status_url
	       : srv->portal_url    ? srv->portal_url
				    : "https://localhost/tra-cuu/";
}

int docs_receipt_pdf(uint8_t **pdf, size_t *len, const struct def_set *defs, const char *commune,
		     const char *status_url, const struct doc *d)
{
	struct gen_job *j = calloc(1, sizeof(*j));
	int rc;

	*pdf = NULL;
	if (!j)
		return err_set(E_NOMEM, "receipt");
	j->strs = g_string_chunk_new(4096);
	if ((rc = fill_receipt(j, defs, commune, status_url, d)) == E_OK)
		rc = gen_receipt_pdf(pdf, len, &j->receipt);
	job_free(j);
	return rc;
}

/* doc.receipt / doc.control: the dossier read at the branch head. */
static int gen_from_doc(struct session *s, uint32_t id, const struct proto_node *req,
			enum gen_kind kind)
{
	struct server *srv = session_server(s);
	const char *doc_id = proto_attr(req, "doc");
	struct gen_job *j = NULL;
	struct doc *d = NULL;
	int rc;

	if (!doc_id || !doc_id_ok(doc_id))
		return err_set(E_INVAL, "missing or bad attribute doc");
	if ((rc = store_get(srv->reader, doc_id, &d)) < 0)
		return rc;
	if (!d->code) {
		rc = err_set(E_INVAL, "%s is not a dossier: receipts and slips are for dossiers",
			     doc_id);
		goto out;
	}
	if (!(j = job_new(s, id, kind))) {
		rc = err_set(E_NOMEM, "document job");
		goto out;
	}
	snprintf(j->what, sizeof(j->what), "%s of %s", kind == GK_RECEIPT ? "receipt" : "slip",
		 doc_id);
	rc = kind == GK_RECEIPT
		     ? fill_receipt(j, srv->defs, srv->cfg->commune, docs_status_url(srv), d)
		     : fill_control(j, srv, d);
	if (rc == E_OK && (rc = work_run(srv, gen_run, gen_done, j)) == E_OK)
		j = NULL; /* gen_done answers and frees it */
out:
	if (j)
		job_free(j);
	doc_free(d);
	return rc;
}

int op_doc_receipt(struct session *s, uint32_t id, const struct proto_node *req)
{
	return gen_from_doc(s, id, req, GK_RECEIPT);
}

int op_doc_control(struct session *s, uint32_t id, const struct proto_node *req)
{
	return gen_from_doc(s, id, req, GK_CONTROL);
}

struct reg_ctx {
	struct server *srv;
	struct gen_job *j;
	enum books_book book;
	struct books_cells *cells;
	int rc;
};

static int reg_row(void *arg, const struct idx_row *row)
{
	struct reg_ctx *c = arg;
	struct doc *d = NULL;
	size_t n;
	int rc = store_get(c->srv->reader, row->id, &d);

	if (rc < 0)
		return rc;
	n = books_cells(c->book, c->srv->defs, d, row, c->cells);
	if (n != gen_book_columns(c->j->reg.book)) {
		doc_free(d);
		return err_set(E_INTERNAL, "register %s: %zu cells, the PDF has %zu columns",
			       row->id, n, gen_book_columns(c->j->reg.book));
	}
	for (size_t i = 0; i < n; i++)
		g_ptr_array_add(c->j->cells,
				(gpointer)S(c->j, c->cells->v[i] ? c->cells->v[i] : ""));
	c->j->reg.n_rows++;
	doc_free(d);
	return E_OK;
}

int docs_register_pdf(struct session *s, uint32_t id, const char *book, const char *from,
		      const char *to)
{
	struct reg_ctx c = {session_server(s), NULL, BOOKS_INCOMING, NULL, E_OK};
	enum gen_book gb;
	int rc;

	if ((rc = books_parse(book, &c.book)) < 0 || (rc = gen_book_from_name(&gb, book)) < 0)
		return rc;
	if (!(c.j = job_new(s, id, GK_REGISTER)) || !(c.cells = malloc(sizeof(*c.cells)))) {
		rc = err_set(E_NOMEM, "register job");
		goto out;
	}
	c.j->cells = g_ptr_array_new();
	c.j->reg.book = gb;
	heading(c.j, c.srv->cfg->commune, &c.j->control.head, NULL);
	c.j->reg.issuer = c.j->control.head.issuer;
	c.j->reg.from = S(c.j, from);
	c.j->reg.to = S(c.j, to);
	snprintf(c.j->what, sizeof(c.j->what), "register %s %s..%s as PDF", book, from, to);
	rc = idx_register(c.srv->index, books_register(c.book), from, to, GEN_ROWS_MAX, reg_row,
			  &c);
	if (rc == E_OK && (rc = work_run(c.srv, gen_run, gen_done, c.j)) == E_OK)
		c.j = NULL;
out:
	if (c.j)
		job_free(c.j);
	free(c.cells);
	return rc;
}
