/*
 * wf.c: the routing rules of wf.h, applied to a copy-free document: every
 * check runs before the first change, so a refused change leaves the
 * document as it was.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/roles.h"
#include "workflow/wf.h"

void wf_iso_time(time_t t, char out[32])
{
	struct tm tm;
	time_t local = t + 7 * 3600;

	gmtime_r(&local, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

static const char *change_field(const struct wf_change *ch, const char *name)
{
	for (size_t i = 0; i < ch->n_fields; i++)
		if (strcmp(ch->fields[i].name, name) == 0 && ch->fields[i].value &&
		    *ch->fields[i].value)
			return ch->fields[i].value;
	return NULL;
}

static int need_fields(const struct doc *d, const struct wf_change *ch,
		       const char (*fields)[DEF_ID_MAX], size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		const char *f = fields[i];

		if (strcmp(f, "lead") == 0) {
			if (!ch->lead && !d->lead)
				return err_set(E_INVAL, "%s needs a lead handler", what);
		} else if (strcmp(f, "due") == 0) {
			if (!ch->due)
				return err_set(E_INVAL, "%s needs a deadline", what);
		} else if (strcmp(f, "note") == 0) {
			if (!ch->note || !*ch->note)
				return err_set(E_INVAL, "%s needs a note", what);
		} else if (!change_field(ch, f) && !doc_field(d, f)) {
			return err_set(E_INVAL, "%s needs the field %s", what, f);
		}
	}
	return E_OK;
}

/* Checks a change before anything is touched. */
static int check(const struct def_set *defs, const struct doc *d, const struct wf_actor *who,
		 const struct wf_change *ch, const struct def_workflow **wf_out,
		 const struct def_transition **t_out)
{
	const struct def_workflow *wf;
	const struct def_transition *t = NULL;
	cal_day day;

	*t_out = NULL;
	wf = def_workflow(defs, ch->op == WF_CREATE ? ch->workflow : d->workflow);
	*wf_out = wf;
	if (!wf)
		return err_set(E_NOTFOUND, "unknown workflow %.32s",
			       ch->op == WF_CREATE ? (ch->workflow ? ch->workflow : "")
						   : d->workflow);
	if (d->recalled)
		return err_set(E_EXISTS, "document %s is recalled: it is frozen", d->id);
	if (ch->due && cal_parse(ch->due, &day) < 0)
		return err_set(E_INVAL, "deadline \"%.16s\" is not a date YYYY-MM-DD", ch->due);
	for (size_t i = 0; i < ch->n_fields; i++)
		if (!ch->fields[i].name || strlen(ch->fields[i].name) >= DEF_ID_MAX ||
		    (ch->fields[i].value && strlen(ch->fields[i].value) > DOC_VALUE_MAX))
			return err_set(E_INVAL, "field name or value too long");
	switch (ch->op) {
	case WF_CREATE:
		if (!(who->roles & wf->create_roles))
			return err_set(E_PERM, "your roles may not create a %s", wf->id);
		return need_fields(d, ch, wf->create_fields, wf->n_create_fields, "creation");
	case WF_ACT:
		if (!ch->action)
			return err_set(E_INVAL, "no action");
		t = def_transition(wf, d->state, ch->action);
		if (!t) {
			for (size_t i = 0; i < wf->n_trans; i++)
				if (strcmp(wf->trans[i].id, ch->action) == 0)
					return err_set(E_INVAL,
						       "action %s is not allowed in state %s",
						       ch->action, d->state);
			return err_set(E_NOTFOUND, "workflow %s has no action %.32s", wf->id,
				       ch->action);
		}
		if (!(who->roles & t->roles))
			return err_set(E_PERM, "your roles may not take %s", t->id);
		if (t->lead_only && (!d->lead || strcmp(d->lead, who->id) != 0))
			return err_set(E_PERM, "only the lead handler may take %s", t->id);
		if (t->needs_signed_pdf && !ch->signed_pdf)
			return err_set(E_INVAL, "%s needs a signed PDF", t->id);
		if (t->sets_due && t->due_procedure) {
			const char *pid = change_field(ch, "ProcedureId");

			pid = pid ? pid : doc_field(d, "ProcedureId");
			if (!ch->due && (!pid || !def_procedure(defs, pid)))
				return err_set(E_INVAL, "%s needs a known ProcedureId", t->id);
		} else if (t->sets_due && t->due_days == 0 && !ch->due) {
			return err_set(E_INVAL, "%s needs a deadline", t->id);
		}
		*t_out = t;
		return need_fields(d, ch, t->fields, t->n_fields, t->id);
	case WF_COMMENT:
		if (!ch->note || !*ch->note)
			return err_set(E_INVAL, "empty comment");
		return E_OK;
	case WF_RECALL:
		if (!(who->roles & wf->recall_roles))
			return err_set(E_PERM, "your roles may not recall a %s", wf->id);
		if (!ch->note || !*ch->note)
			return err_set(E_INVAL, "a recall needs its reason");
		return E_OK;
	}
	return err_set(E_INVAL, "unknown change");
}

int wf_apply(const struct def_set *defs, const struct calendar *cal, struct doc *d,
	     const struct wf_actor *who, const struct wf_change *ch, time_t now,
	     struct wf_result *res)
{
	const struct def_workflow *wf;
	const struct def_transition *t;
	struct doc_step step;
	char when[32], today[11];
	cal_day day = cal_from_time(now);
	int rc;

	memset(res, 0, sizeof(*res));
	rc = check(defs, d, who, ch, &wf, &t);
	if (rc < 0)
		return rc;
	cal_format(day, today);
	wf_iso_time(now, when);
	if (ch->op == WF_CREATE) {
		const struct def_state *init = def_initial(wf);

		snprintf(d->workflow, sizeof(d->workflow), "%s", wf->id);
		snprintf(d->state, sizeof(d->state), "%s", init ? init->id : "");
		snprintf(d->created, sizeof(d->created), "%s", today);
	}
	snprintf(res->from, sizeof(res->from), "%s", ch->op == WF_CREATE ? "" : d->state);
	/* From here on only allocation can fail. */
	for (size_t i = 0; i < ch->n_fields; i++)
		if ((rc = doc_set_field(d, ch->fields[i].name, ch->fields[i].value)) < 0)
			return rc;
	for (size_t i = 0; i < ch->n_files; i++)
		if ((rc = doc_add_file(d, ch->files[i].sha256, ch->files[i].name)) < 0 ||
		    (ch->files[i].text &&
		     (rc = doc_set_file_text(d, d->n_files - 1, ch->files[i].text)) < 0))
			return rc;
	if (ch->signed_pdf && (rc = doc_add_file(d, ch->signed_pdf, "signed.pdf")) < 0)
		return rc;
	if (ch->lead) {
		if ((rc = doc_set_str(&d->lead, ch->lead)) < 0)
			return rc;
		for (size_t i = 0; i < d->n_coop; i++)
			free(d->coop[i]);
		d->n_coop = 0;
		for (size_t i = 0; i < ch->n_coop && i < DOC_LIST_MAX; i++) {
			if (!(d->coop[i] = strdup(ch->coop[i])))
				return err_set(E_NOMEM, "handler");
			d->n_coop++;
		}
	}
	if (t) {
		if (t->clock == DEF_CLOCK_STOP) {
			snprintf(d->paused, sizeof(d->paused), "%s", today);
		} else if (t->clock == DEF_CLOCK_RESUME && d->paused[0] && d->due[0]) {
			/* The clock stood still while the citizen was asked for papers:
			 * the deadline moves by the working days it stood. */
			cal_day since, due;

			if (cal_parse(d->paused, &since) == E_OK && cal_parse(d->due, &due) == E_OK)
				cal_format(cal_add_working(cal, due,
							   cal_working_between(cal, since, day)),
					   d->due);
			d->paused[0] = '\0';
		} else if (t->clock == DEF_CLOCK_RESUME) {
			d->paused[0] = '\0';
		}
		if (t->sets_due) {
			unsigned days = t->due_days;

			if (t->due_procedure && !ch->due)
				days = def_procedure(defs, doc_field(d, "ProcedureId"))->days;
			if (ch->due)
				snprintf(d->due, sizeof(d->due), "%s", ch->due);
			else
				cal_format(cal_add_working(cal, day, days), d->due);
		}
		snprintf(d->state, sizeof(d->state), "%s", wf->states[t->to].id);
		res->trans = t;
		res->wants_number = t->number;
	} else if (ch->due) {
		snprintf(d->due, sizeof(d->due), "%s", ch->due);
	}
	if (ch->op == WF_COMMENT && (rc = doc_add_comment(d, who->id, ch->note)) < 0)
		return rc;
	if (ch->op == WF_RECALL)
		d->recalled = 1;
	snprintf(res->to, sizeof(res->to), "%s", d->state);
	step = (struct doc_step){when,
				 (char *)who->id,
				 (char *)who->name,
				 (char *)(ch->op == WF_CREATE    ? "create"
					  : ch->op == WF_COMMENT ? "comment"
					  : ch->op == WF_RECALL  ? "recall"
								 : t->id),
				 res->from[0] ? res->from : NULL,
				 res->to,
				 (char *)ch->note,
				 (char *)ch->signer_cert};
	return doc_add_step(d, &step);
}
