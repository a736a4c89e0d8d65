/*
 * portal_dossier.c: a dossier's page on the portal, found by its code:
 * procedure, dates, the state in plain words, the steps without who took
 * them or their notes, on time or late.  With the dossier's secret
 * (checked against its SHA-256 in constant time): the receipt and the
 * signed result as PDF, and once returned, one rating.  A code that is no
 * dossier's and a wrong secret give the same "not found".
 */
#include "config.h"

#include <ctype.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/proto.h"
#include "server/docs.h"
#include "server/files.h"
#include "server/portal_priv.h"
#include "workflow/calendar.h"
#include "workflow/def.h"
#include "workflow/doc.h"
#include "workflow/idx.h"
#include "workflow/repo.h"

#define RESULT_MAX (64u << 20) /* bytes of a result PDF served */

int portal_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;

	if (n == 0 || n > 63 || code[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)code[i]) && code[i] != '.' && code[i] != '-' &&
		    code[i] != '_')
			return 0;
	return 1;
}

/* The typed secret against the stored SHA-256 (hex), in constant time:
 * the time does not depend on where they differ. */
static int secret_ok(const char *typed, const char *sha_hex)
{
	char clean[PORTAL_SECRET_MAX + 1];
	size_t n = 0;
	gchar *sum;
	unsigned diff = 0;

	for (const char *s = typed; *s && n < PORTAL_SECRET_MAX; s++)
		if (!isspace((unsigned char)*s) && *s != '-')
			clean[n++] = (char)tolower((unsigned char)*s);
	clean[n] = '\0';
	if (!n || strlen(sha_hex) != 64)
		return 0;
	sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, clean, -1);
	explicit_bzero(clean, sizeof(clean));
	for (size_t i = 0; i < 64; i++)
		diff |= (unsigned)(sum[i] ^ sha_hex[i]);
	g_free(sum);
	return diff == 0;
}

/* The state in plain words for the citizen, else the definition's name. */
static const char *plain_state(const struct def_workflow *wf, const char *state)
{
	static const struct {
		const char *id, *text;
	} words[] = {
		{"submitted",
		 N_("Your dossier has been filed and waits to be checked at the one-stop desk.")},
		{"refused", N_("The dossier was not accepted. The one-stop desk tells you why.")},
		{"awaiting_supplement",
		 N_("Papers are missing: please bring them to the one-stop desk.")},
		{"received", N_("The dossier has been received and will be processed.")},
		{"in_process", N_("The commune is processing your dossier.")},
		{"suspended", N_("Processing is paused; the commune will contact you.")},
		{"extended",
		 N_("Processing takes longer: the commune apologised and set a new date.")},
		{"result_ready", N_("The result is ready: collect it at the one-stop desk.")},
		{"returned", N_("The result has been handed over to you.")},
		{"withdrawn", N_("The dossier was withdrawn.")},
	};
	int i = def_state_index(wf, state);

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strcmp(words[k].id, state) == 0)
			return _(words[k].text);
	return i >= 0 ? wf->states[i].name : state;
}

static void dd(struct buf *b, const char *term, const char *value)
{
	buf_printf(b, "<dt>%s</dt><dd>", term);
	html(b, value && *value ? value : "-");
	buf_printf(b, "</dd>");
}

/* On time, late, or where the deadline stands. */
static const char *timing(const struct idx_row *r, const struct doc *d, const char *today,
			  const char **cls)
{
	*cls = "ok";
	if (r->on_time == 1)
		return _("Resolved on time");
	*cls = "late";
	if (r->on_time == 0)
		return _("Resolved late");
	*cls = "";
	if (r->resolved[0] || !r->due[0])
		return "";
	if (d->paused[0])
		return _("The deadline is paused while the commune waits for you");
	if (strcmp(r->due, today) < 0) {
		*cls = "late";
		return _("Past the date of return");
	}
	*cls = "ok";
	return _("Within the deadline");
}

static void steps(struct buf *b, const struct def_workflow *wf, const struct doc *d)
{
	buf_printf(b, "<h2>%s</h2><ol class=\"steps\">", _("Steps"));
	for (size_t i = 0; i < d->n_steps; i++) {
		const struct doc_step *st = &d->steps[i];
		const struct def_transition *t =
			st->from && st->action ? def_transition(wf, st->from, st->action) : NULL;
		int to = st->to ? def_state_index(wf, st->to) : -1;
		char day[11];

		if (!st->to || (st->from && strcmp(st->from, st->to) == 0))
			continue; /* a comment: officials' words stay inside */
		day_vn(day, st->time);
		buf_printf(b, "<li><time datetime=\"");
		html(b, st->time);
		buf_printf(b, "\">%s %.5s</time>", day,
			   st->time && strlen(st->time) >= 16 ? st->time + 11 : "");
		html(b, t ? t->name : to >= 0 ? wf->states[to].name : st->to);
		buf_printf(b, "</li>");
	}
	buf_printf(b, "</ol>");
}

/* The forms that carry the secret on: downloads and the rating. */
static void secret_forms(struct portal *p, struct portal_thread *t, struct buf *b, const char *code,
			 const struct idx_row *r, const char *secret)
{
	int score = 0, result = !strcmp(r->state, "result_ready") || !strcmp(r->state, "returned");
	const char *what[2] = {"bien-nhan", "ket-qua"};
	const char *label[2] = {_("Download the receipt (PDF)"),
				_("Download the signed result (PDF)")};

	buf_printf(b, "<h2>%s</h2>", _("Documents"));
	for (int i = 0; i < 2; i++) {
		if ((i == 0 && !r->numbered[0]) || (i == 1 && !result))
			continue;
		buf_printf(b, "<form method=\"post\" action=\"%s", p->prefix);
		html(b, code);
		buf_printf(b, "/%s\"><input type=\"hidden\" name=\"secret\" value=\"", what[i]);
		html(b, secret);
		buf_printf(b, "\"><button type=\"submit\">%s</button></form>", label[i]);
	}
	if (strcmp(r->state, "returned") != 0)
		return;
	if (rating_get(t->ratings, code, &score) < 0)
		log_err("portal: %s", err_detail());
	buf_printf(b, "<h2>%s</h2>", _("Rate the service"));
	if (score) {
		buf_printf(b, "<p class=\"ok\">");
		buf_printf(b, _("Thank you: you rated the service %d of 5."), score);
		buf_printf(b, "</p>");
		return;
	}
	buf_printf(b, "<form class=\"card\" method=\"post\" action=\"%s", p->prefix);
	html(b, code);
	buf_printf(b, "/danh-gia\"><input type=\"hidden\" name=\"secret\" value=\"");
	html(b, secret);
	buf_printf(b, "\"><fieldset><legend>%s</legend><div class=\"stars\">",
		   _("How satisfied are you?"));
	for (int s = 5; s >= 1; s--)
		buf_printf(b,
			   "<label><input type=\"radio\" name=\"score\" value=\"%d\"%s>%d</label>",
			   s, s == 5 ? " required" : "", s);
	buf_printf(b,
		   "</div><p class=\"hint\">%s</p></fieldset><button type=\"submit\">%s</button>"
		   "</form>",
		   _("5: very satisfied, 1: not satisfied."), _("Send my rating"));
}

static void status_page(struct portal *p, struct portal_thread *t, const struct portal_req *q,
			const char *code, const struct idx_row *r, const struct doc *d,
			int with_secret, const char *note, struct portal_reply *rep)
{
	const struct def_workflow *wf = def_workflow(p->defs, d->workflow);
	const struct def_procedure *pr = def_procedure(p->defs, r->procedure);
	struct buf *b = &rep->body;
	char today[11], c1[11], c2[11], c3[11];
	const char *cls, *tm;

	cal_format(cal_from_time(time(NULL)), today);
	page_begin(p, b, _("Dossier status"));
	if (note)
		buf_printf(b, "<p class=\"state ok\" role=\"status\">%s</p>", note);
	buf_printf(b, "<p class=\"state\">%s</p><div class=\"card\"><dl>",
		   plain_state(wf, r->state));
	dd(b, _("Dossier code"), code);
	dd(b, _("Procedure"), pr ? pr->name : r->procedure);
	day_vn(c1, r->created);
	day_vn(c2, r->numbered);
	day_vn(c3, r->due);
	dd(b, _("Filed on"), c1);
	dd(b, _("Received on"), c2);
	dd(b, _("Date of return"), c3);
	if (r->resolved[0]) {
		day_vn(c1, r->resolved);
		dd(b, _("Resolved on"), c1);
	}
	tm = timing(r, d, today, &cls);
	if (*tm)
		buf_printf(b, "<dt>%s</dt><dd class=\"%s\">%s</dd>", _("Deadline"), cls, tm);
	buf_printf(b, "</dl></div>");
	steps(b, wf, d);
	if (with_secret) {
		secret_forms(p, t, b, code, r, q->secret);
	} else {
		buf_printf(b, "<form class=\"card\" method=\"post\" action=\"%s", p->prefix);
		html(b, code);
		buf_printf(
			b,
			"\"><label for=\"secret\">%s</label><p class=\"hint\" id=\"s-hint\">%s</p>"
			"<input id=\"secret\" name=\"secret\" type=\"password\" required "
			"autocomplete=\"off\" maxlength=\"%d\" aria-describedby=\"s-hint\">"
			"<button type=\"submit\">%s</button></form>",
			_("Secret of the dossier"),
			_("Given with your receipt: it lets you download the result and rate "
			  "the service."),
			PORTAL_SECRET_MAX, _("Continue"));
	}
	page_end(b);
}

/* The signed result: the last signed PDF attached (the finish step's;
 * only the return, which attaches none, may follow it). */
static int result_pdf(struct portal *p, const struct doc *d, struct portal_reply *r)
{
	const struct doc_file *f = NULL;
	uint8_t sha[32];
	uint64_t size;
	int fd = -1, rc;

	for (size_t i = 0; i < d->n_files; i++)
		if (d->files[i].name && strcmp(d->files[i].name, "signed.pdf") == 0)
			f = &d->files[i];
	if (!f || proto_unhex(sha, f->sha256) < 0)
		return err_set(E_NOTFOUND, "no signed result");
	if ((rc = files_open_read(p->files, sha, &fd, &size)) < 0)
		return rc;
	if (size > RESULT_MAX) {
		close(fd);
		return err_set(E_TOOBIG, "result too large to serve");
	}
	r->body.max = RESULT_MAX;
	for (;;) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n <= 0) {
			rc = n < 0 ? err_set(E_IO, "read of the result") : E_OK;
			break;
		}
		if ((rc = buf_append(&r->body, chunk, (size_t)n)) < 0)
			break;
	}
	close(fd);
	return rc;
}

static void send_pdf(struct portal_reply *r, const char *name, const char *code)
{
	r->type = "application/pdf";
	snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s-%s.pdf\"", name,
		 code);
}

/* The secret actions; E_NOTFOUND for anything that is not there. */
static int act(struct portal *p, struct portal_thread *t, const struct portal_req *q,
	       const char *code, const char *what, const struct idx_row *row, const struct doc *d,
	       struct portal_reply *r, const char **note)
{
	int rc;

	if (strcmp(what, "bien-nhan") == 0) {
		uint8_t *pdf = NULL;
		size_t len = 0;

		if ((rc = docs_receipt_pdf(&pdf, &len, p->defs, p->commune, p->status_url, d)) < 0)
			return rc;
		rc = buf_append(&r->body, pdf, len);
		free(pdf);
		send_pdf(r, "bien-nhan", code);
		return rc;
	}
	if (strcmp(what, "ket-qua") == 0) {
		if (strcmp(row->state, "result_ready") && strcmp(row->state, "returned"))
			return err_set(E_NOTFOUND, "no result yet");
		if ((rc = result_pdf(p, d, r)) == E_OK)
			send_pdf(r, "ket-qua", code);
		return rc;
	}
	if (strcmp(what, "danh-gia") == 0 && strcmp(row->state, "returned") == 0) {
		char today[11];
		int score = q->score[0] >= '1' && q->score[0] <= '5' && !q->score[1]
				    ? q->score[0] - '0'
				    : 0;

		if (!score)
			return err_set(E_INVAL, "no score");
		cal_format(cal_from_time(time(NULL)), today);
		rc = rating_add(t->ratings, code, score, today);
		if (rc == E_OK) {
			log_info("portal: %s rated %d", code, score);
			*note = _("Thank you for your rating.");
		} else if (rc == E_EXISTS) {
			/* Refused, and said so: 409 with the page showing the first score. */
			*note = _("This dossier has been rated already: the first rating counts.");
			r->status = 409;
			rc = E_OK;
		}
		return rc == E_OK ? E_AGAIN : rc; /* E_AGAIN: show the page */
	}
	return err_set(E_NOTFOUND, "no such action");
}

void portal_docs_free(struct portal_thread *t)
{
	for (size_t i = 0; i < PORTAL_DOC_CACHE; i++) {
		doc_free(t->docs[i].doc);
		free(t->docs[i].xml);
		memset(&t->docs[i], 0, sizeof(t->docs[i]));
	}
}

/* The dossier @id at the branch head, parsed.  Its meta.xml is read from
 * git every time, but parsed only when those bytes are not among the last
 * few this thread parsed: the bytes are the key, so a changed dossier is
 * never served from the cache.  The answer belongs to @t and stays valid
 * until the thread's next call. */
static int thread_doc(struct portal_thread *t, const char *id, const struct doc **out)
{
	char path[REPO_PATH_MAX], *xml = NULL;
	struct portal_doc_slot *slot;
	struct doc *d = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = doc_path(id, path, sizeof(path))) < 0 ||
	    (rc = repo_read(t->reader, path, &xml, &len)) < 0)
		return rc;
	for (size_t i = 0; i < PORTAL_DOC_CACHE; i++) {
		slot = &t->docs[i];
		if (slot->doc && slot->len == len && memcmp(slot->xml, xml, len) == 0) {
			free(xml);
			*out = slot->doc;
			return E_OK;
		}
	}
	if ((rc = doc_from_xml(&d, xml, len)) < 0) {
		free(xml);
		return rc;
	}
	slot = &t->docs[t->next_doc++ % PORTAL_DOC_CACHE];
	doc_free(slot->doc);
	free(slot->xml);
	slot->xml = xml;
	slot->len = len;
	slot->doc = d;
	*out = d;
	return E_OK;
}

void page_dossier(struct portal *p, struct portal_thread *t, const struct portal_req *q,
		  const char *code, const char *what, struct portal_reply *r)
{
	const char *note = NULL;
	char sha[65] = "";
	struct idx_row row;
	const struct doc *d = NULL;
	int with_secret, rc;

	if (!portal_code_ok(code) || idx_by_code(t->ix, code, &row, sha) < 0 ||
	    strcmp(row.code, code) != 0 || thread_doc(t, row.id, &d) < 0) {
		page_notfound(p, r);
		return;
	}
	with_secret = q->post && q->secret[0] && secret_ok(q->secret, sha);
	if ((q->post && !with_secret) || (*what && !with_secret)) {
		page_notfound(p, r); /* a wrong secret says no more than a wrong code */
		return;
	}
	if (*what) {
		rc = act(p, t, q, code, what, &row, d, r, &note);
		if (rc == E_OK)
			return;
		if (rc != E_AGAIN) {
			buf_reset(&r->body);
			r->type = "text/html; charset=utf-8";
			r->disposition[0] = '\0';
			page_notfound(p, r);
			return;
		}
	}
	status_page(p, t, q, code, &row, d, with_secret, note, r);
}
