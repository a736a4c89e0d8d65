/*
 * docs.c: document requests.  A change is turned into a store request that
 * carries the session's id and the request id; the writer applies it, and
 * when its group commit is durable the loop thread answers the session (if
 * it is still there: a client that left gets nothing, the change stands).
 * Reads go to a reader handle of the repository and never wait for the
 * writer; every read is logged apart in data_dir/views.log (Decree 30).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/roles.h"
#include "server/docs.h"
#include "server/loop.h"
#include "server/pdfs.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/session.h"
#include "server/sign.h"
#include "workflow/repo.h"
#include "workflow/store.h"
#include "workflow/wf.h"

static void docs_results(struct loop *l, int fd, unsigned events, void *arg);

int docs_start(struct server *srv)
{
	struct store_opts o;
	char *dir = NULL, *repo = NULL, *index = NULL;
	int rc;

	if (asprintf(&dir, "%s/workflows", srv->data_dir) < 0 ||
	    asprintf(&repo, "%s/repo.git", srv->data_dir) < 0 ||
	    asprintf(&index, "%s/index.db", srv->data_dir) < 0) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = def_load(&srv->defs, dir)) < 0 || (rc = cal_new(&srv->cal)) < 0)
		goto out;
	if (srv->cfg->holidays && (rc = cal_add_holidays(srv->cal, srv->cfg->holidays)) < 0)
		goto out;
	memset(&o, 0, sizeof(o));
	o.repo_path = repo;
	o.committer = "dinhd";
	o.issuer = srv->cfg->issuer;
	o.agency = srv->cfg->agency;
	o.code_format = srv->cfg->code_format;
	o.defs = srv->defs;
	o.cal = srv->cal;
	o.index_path = index;
	if ((rc = store_open(&srv->store, &o)) < 0 ||
	    (rc = repo_open(&srv->reader, repo, 0, "dinhd")) < 0 ||
	    (rc = docs_query_start(srv)) < 0)
		goto out;
	rc = loop_add_fd(srv->loop, store_fd(srv->store), LOOP_READ, docs_results, srv);
out:
	free(dir);
	free(repo);
	free(index);
	return rc;
}

void docs_stop(struct server *srv)
{
	docs_query_stop(srv);
	if (srv->store) {
		loop_del_fd(srv->loop, store_fd(srv->store));
		store_close(srv->store);
		srv->store = NULL;
	}
	repo_close(srv->reader);
	srv->reader = NULL;
	cal_free(srv->cal);
	srv->cal = NULL;
	def_set_free(srv->defs);
	srv->defs = NULL;
}

/* The reply to a finished change: doc, state, number, code, secret, commit. */
static void docs_answer(struct server *srv, struct store_req *r)
{
	struct session *s = session_by_sid(srv, (uint64_t)(uintptr_t)r->owner);
	uint32_t id = (uint32_t)r->owner_next_id;
	struct proto_node *body;

	if (r->rc < 0) {
		log_info("document change %s by %s refused: %s: %s", r->rid, r->who.id,
			 err_name(r->rc), r->detail);
		if (s)
			session_error(s, id, r->rc, r->detail);
		return;
	}
	log_info("document %s: %s by %s -> %s%s (commit %.12s)", r->doc_id,
		 r->ch.op == WF_ACT       ? r->ch.action
		 : r->ch.op == WF_CREATE  ? "create"
		 : r->ch.op == WF_COMMENT ? "comment"
					  : "recall",
		 r->who.id, r->state, r->duplicate ? ", a repeated request" : "", r->commit);
	if (!s)
		return;
	body = proto_node_new("resp");
	if (!body || proto_node_set(body, "doc", r->doc_id) < 0 ||
	    proto_node_set(body, "state", r->state) < 0 ||
	    (r->number[0] && proto_node_set(body, "number", r->number) < 0) ||
	    (r->code[0] && proto_node_set(body, "code", r->code) < 0) ||
	    (r->secret[0] && proto_node_set(body, "secret", r->secret) < 0) ||
	    (r->commit[0] && proto_node_set(body, "commit", r->commit) < 0) ||
	    (r->duplicate && proto_node_set(body, "duplicate", "1") < 0)) {
		proto_node_free(body);
		session_error(s, id, E_NOMEM, "reply");
		return;
	}
	session_reply(s, id, body);
}

static void docs_results(struct loop *l, int fd, unsigned events, void *arg)
{
	struct server *srv = arg;

	for (struct store_req *r = store_reap(srv->store), *n; r; r = n) {
		n = r->next;
		if (r->answer) {
			r->answer(srv, r); /* frees r */
			continue;
		}
		docs_answer(srv, r);
		explicit_bzero(r->secret, sizeof(r->secret));
		store_req_free(r);
	}
}

/* Copies the request's common parts into a store request. */
static int docs_req(struct session *s, uint32_t id, const struct proto_node *req, enum wf_op op,
		    struct store_req **out)
{
	const struct person *me = session_person(s);
	struct store_req *r = NULL;
	const char *rid = proto_attr(req, "rid");
	int rc;

	*out = NULL;
	if (!rid)
		return err_set(E_INVAL, "missing attribute rid (a request id the client makes up)");
	if (strlen(rid) > STORE_RID_MAX)
		return err_set(E_INVAL, "attribute rid over %d bytes", STORE_RID_MAX);
	if ((rc = store_req_new(&r)) < 0)
		return rc;
	snprintf(r->rid, sizeof(r->rid), "%s", rid);
	r->owner = (void *)(uintptr_t)session_sid(s);
	r->owner_next_id = id;
	r->ch.op = op;
	r->who.id = store_req_str(r, me->id);
	r->who.name = store_req_str(r, me->name);
	r->who.fingerprint = store_req_str(r, me->fingerprint);
	r->who.roles = me->roles;
	r->ch.lead = store_req_str(r, proto_attr(req, "lead"));
	r->ch.due = store_req_str(r, proto_attr(req, "due"));
	r->ch.action = store_req_str(r, proto_attr(req, "action"));
	r->ch.workflow = store_req_str(r, proto_attr(req, "workflow"));
	if (proto_attr(req, "doc"))
		snprintf(r->doc_id, sizeof(r->doc_id), "%s", proto_attr(req, "doc"));
	for (const struct proto_node *c = req->child; c; c = c->next) {
		const char *name = proto_attr(c, "name");

		if (strcmp(c->name, "field") == 0 && name) {
			if (r->ch.n_fields == DOC_FIELDS_MAX) {
				rc = err_set(E_TOOBIG, "more than %d fields", DOC_FIELDS_MAX);
				goto fail;
			}
			r->ch.fields[r->ch.n_fields].name = (char *)store_req_str(r, name);
			r->ch.fields[r->ch.n_fields].value =
				(char *)store_req_str(r, c->text ? c->text : "");
			r->ch.n_fields++;
		} else if (strcmp(c->name, "cooperate") == 0 && c->text) {
			if (r->ch.n_coop == 16) {
				rc = err_set(E_TOOBIG, "more than 16 cooperating handlers");
				goto fail;
			}
			r->ch.coop[r->ch.n_coop++] = store_req_str(r, c->text);
		} else if (strcmp(c->name, "note") == 0) {
			r->ch.note = store_req_str(r, c->text ? c->text : "");
		} else if (strcmp(c->name, "file") == 0) {
			const char *sha = proto_attr(c, "sha256");
			uint8_t raw[32];
			uint64_t size;

			if (r->ch.n_files == 8) {
				rc = err_set(E_TOOBIG, "more than 8 files in one change");
				goto fail;
			}
			if (!sha || strlen(sha) != 64 || proto_unhex(raw, sha) < 0) {
				rc = err_set(E_INVAL, "<file> needs sha256 of 64 hex digits");
				goto fail;
			}
			if (files_stat(session_server(s)->files, raw, &size) < 0) {
				rc = err_set(E_NOTFOUND,
					     "file %.16s… is not on the server: file.put first",
					     sha);
				goto fail;
			}
			memcpy(r->ch.files[r->ch.n_files].sha256, sha, 65);
			r->ch.files[r->ch.n_files].name =
				(char *)store_req_str(r, name ? name : "");
			r->ch.n_files++;
		}
	}
	if (proto_attr(req, "signed-pdf")) {
		const char *sha = proto_attr(req, "signed-pdf");
		uint8_t raw[32];
		uint64_t size;

		if (strlen(sha) != 64 || proto_unhex(raw, sha) < 0 ||
		    files_stat(session_server(s)->files, raw, &size) < 0) {
			rc = err_set(E_NOTFOUND, "signed-pdf must name a file on the server");
			goto fail;
		}
		r->ch.signed_pdf = store_req_str(r, sha);
	}
	*out = r;
	return E_OK;
fail:
	store_req_free(r);
	return rc;
}

/* The signed PDF was checked (sign_bind): the change goes to the writer,
 * or its refusal to the client. */
static void docs_bound(struct server *srv, struct store_req *r, int rc)
{
	struct session *s = session_by_sid(srv, (uint64_t)(uintptr_t)r->owner);

	if (rc == E_OK && (rc = store_submit(srv->store, r)) == E_OK)
		return; /* answered from docs_results() */
	log_info("document change %s by %s refused: %s: %s", r->rid, r->who.id, err_name(rc),
		 err_detail());
	if (s)
		session_error(s, r->owner_next_id, rc, err_detail());
	store_req_free(r);
}

/* The attached PDFs were checked (pdfs_check): then the signature of the
 * signed PDF, if any. */
static void docs_checked(struct server *srv, struct store_req *r, int rc)
{
	if (rc == E_OK)
		sign_bind(srv, r, docs_bound);
	else
		docs_bound(srv, r, rc);
}

static int docs_submit(struct session *s, uint32_t id, const struct proto_node *req, enum wf_op op)
{
	struct store_req *r;
	int rc = docs_req(s, id, req, op, &r);

	if (rc < 0)
		return rc;
	if (op != WF_CREATE && !doc_id_ok(r->doc_id)) {
		store_req_free(r);
		return err_set(E_INVAL, "missing or bad attribute doc");
	}
	pdfs_check(session_server(s), r, docs_checked);
	return E_OK; /* answered from docs_checked() or docs_results() */
}

int op_doc_create(struct session *s, uint32_t id, const struct proto_node *req)
{
	return docs_submit(s, id, req, WF_CREATE);
}

int op_doc_act(struct session *s, uint32_t id, const struct proto_node *req)
{
	return docs_submit(s, id, req, WF_ACT);
}

int op_doc_comment(struct session *s, uint32_t id, const struct proto_node *req)
{
	return docs_submit(s, id, req, WF_COMMENT);
}

int op_doc_recall(struct session *s, uint32_t id, const struct proto_node *req)
{
	return docs_submit(s, id, req, WF_RECALL);
}

/* Appends one line to views.log: who read which document when. */
static void docs_log_view(struct server *srv, const char *who, const char *doc)
{
	char path[1024], when[32], line[256];
	int fd, n;

	snprintf(path, sizeof(path), "%s/views.log", srv->data_dir);
	wf_iso_time(time(NULL), when);
	n = snprintf(line, sizeof(line), "%s\t%s\t%s\n", when, who, doc);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		log_err("views.log: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static int add_attr(struct proto_node *n, const char *k, const char *v)
{
	return v && *v ? proto_node_set(n, k, v) : E_OK;
}

int op_doc_show(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	const char *doc_id = proto_attr(req, "doc");
	struct doc *d = NULL;
	struct proto_node *body = NULL, *n;
	int rc;

	if (!doc_id || !doc_id_ok(doc_id))
		return err_set(E_INVAL, "missing or bad attribute doc");
	if ((rc = store_get(srv->reader, doc_id, &d)) < 0)
		return rc;
	docs_log_view(srv, session_person(s)->id, doc_id);
	rc = E_NOMEM;
	body = proto_node_new("resp");
	if (!body || proto_node_set(body, "doc", d->id) < 0 ||
	    proto_node_set(body, "workflow", d->workflow) < 0 ||
	    proto_node_set(body, "state", d->state) < 0 ||
	    add_attr(body, "recalled", d->recalled ? "1" : NULL) < 0 ||
	    add_attr(body, "number", d->number) < 0 || add_attr(body, "code", d->code) < 0 ||
	    add_attr(body, "due", d->due) < 0 || add_attr(body, "lead", d->lead) < 0 ||
	    add_attr(body, "created", d->created) < 0)
		goto fail;
	for (size_t i = 0; i < d->n_fields; i++)
		if (!(n = proto_node_add(body, "field")) ||
		    proto_node_set(n, "name", d->fields[i].name) < 0 ||
		    proto_node_set_text(n, d->fields[i].value) < 0)
			goto fail;
	for (size_t i = 0; i < d->n_coop; i++)
		if (!(n = proto_node_add(body, "cooperate")) ||
		    proto_node_set_text(n, d->coop[i]) < 0)
			goto fail;
	for (size_t i = 0; i < d->n_files; i++)
		if (!(n = proto_node_add(body, "file")) ||
		    proto_node_set(n, "sha256", d->files[i].sha256) < 0 ||
		    add_attr(n, "name", d->files[i].name) < 0)
			goto fail;
	for (size_t i = 0; i < d->n_comments; i++)
		if (!(n = proto_node_add(body, "comment")) ||
		    proto_node_set(n, "by", d->comments[i].name) < 0 ||
		    proto_node_set_text(n, d->comments[i].value) < 0)
			goto fail;
	for (size_t i = 0; i < d->n_steps; i++) {
		const struct doc_step *st = &d->steps[i];

		if (!(n = proto_node_add(body, "step")) || add_attr(n, "time", st->time) < 0 ||
		    add_attr(n, "actor", st->actor) < 0 ||
		    add_attr(n, "actor-name", st->actor_name) < 0 ||
		    add_attr(n, "action", st->action) < 0 || add_attr(n, "from", st->from) < 0 ||
		    add_attr(n, "to", st->to) < 0 ||
		    (st->note && proto_node_set_text(n, st->note) < 0))
			goto fail;
	}
	doc_free(d);
	return session_reply(s, id, body);
fail:
	doc_free(d);
	proto_node_free(body);
	return err_set(rc, "document %s does not fit in a reply", doc_id);
}

int op_wf_list(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	struct proto_node *body = proto_node_new("resp"), *w, *n;
	char roles[128];

	if (!body)
		goto fail;
	for (size_t i = 0; i < def_workflow_count(srv->defs); i++) {
		const struct def_workflow *wf = def_workflow_at(srv->defs, i);

		if (!(w = proto_node_add(body, "workflow")) ||
		    proto_node_set(w, "id", wf->id) < 0 || proto_node_set(w, "name", wf->name) < 0)
			goto fail;
		for (size_t t = 0; t < wf->n_trans; t++) {
			const struct def_transition *tr = &wf->trans[t];

			roles_format(tr->roles, roles, sizeof(roles));
			if (!(n = proto_node_add(w, "action")) ||
			    proto_node_set(n, "id", tr->id) < 0 ||
			    proto_node_set(n, "name", tr->name) < 0 ||
			    proto_node_set(n, "from", wf->states[tr->from].id) < 0 ||
			    proto_node_set(n, "to", wf->states[tr->to].id) < 0 ||
			    proto_node_set(n, "roles", roles) < 0)
				goto fail;
		}
	}
	for (size_t i = 0; i < def_procedure_count(srv->defs); i++) {
		const struct def_procedure *p = def_procedure_at(srv->defs, i);

		if (!(n = proto_node_add(body, "procedure")) ||
		    proto_node_set(n, "id", p->id) < 0 || proto_node_set(n, "name", p->name) < 0 ||
		    proto_node_set_u64(n, "days", p->days) < 0 ||
		    proto_node_set_u64(n, "fee", p->fee) < 0)
			goto fail;
	}
	return session_reply(s, id, body);
fail:
	proto_node_free(body);
	return err_set(E_NOMEM, "wf.list");
}
