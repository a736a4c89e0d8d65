/*
 * pdfs.c: the PDF requests of docs/protocol.md (pdf.info, pdf.text,
 * pdf.render).  Each runs in the PDF sandbox (pdf/sandbox.h): the loop
 * watches the helper's pipe and a wall-clock timer, never waits for it.
 * Rendered pages and extracted text go to the file store; a render is
 * cached by (SHA-256, page, width) in data_dir/cache/render/, so a page
 * every village hall asks for is rendered once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/proto.h"
#include "pdf/sandbox.h"
#include "server/files.h"
#include "server/loop.h"
#include "server/meet.h"
#include "server/pdfs.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/session.h"
#include "workflow/store.h"

#define PDFS_JOBS_MAX 4 /* helpers at once (two cores) */
#define PDFS_WIDTH_DEFAULT 800
#define PDFS_WALL_MS 20000 /* a job still running then is killed */

struct pdfs_job {
	struct server *srv;
	uint64_t sid;
	uint32_t id;
	struct pdf_job job;
	uint8_t sha[32];
	char hex[65];
	char *path;
	struct pdf_sbx *sbx;
	long long timer;
	struct timespec t0;
	/* How the job ends: job_done() answers a request; a check goes on. */
	void (*end)(struct pdfs_job *j, int rc, const uint8_t *res, size_t len);
	void *arg;
	struct pdfs_job *next;
};

struct pdfs {
	struct pdfs_job *jobs;
	unsigned n;
	struct pdf_limits lim;
	char *cache;          /* data_dir/cache/render */
	GHashTable *hall_png; /* hex of pages rendered for hall terminals */
};

/* A page rendered for a hall: that hall terminal may now file.get it. */
static void hall_png_add(struct server *srv, uint64_t sid, const char *hex)
{
	struct session *s = session_by_sid(srv, sid);
	struct pdfs *p = srv->pdfs;

	if (!s || session_person(s)->kind != PERSON_KIND_HALL)
		return;
	if (!p->hall_png)
		p->hall_png = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (g_hash_table_size(p->hall_png) >= 100000)
		g_hash_table_remove_all(p->hall_png); /* a bound; halls render again */
	g_hash_table_add(p->hall_png, g_strdup(hex));
}

int pdfs_rendered_for(struct server *srv, const char *hex)
{
	struct pdfs *p = srv->pdfs;

	return p && p->hall_png && hex && g_hash_table_contains(p->hall_png, hex);
}

int pdfs_start(struct server *srv)
{
	struct pdfs *p = calloc(1, sizeof(*p));

	if (!p || !(p->cache = fs_join(srv->data_dir, "cache/render"))) {
		free(p);
		return err_set(E_NOMEM, "pdfs");
	}
	p->lim.wall_ms = PDFS_WALL_MS;
	srv->pdfs = p;
	return fs_mkdir_p(p->cache, 0700);
}

static void job_free(struct pdfs_job *j)
{
	struct pdfs *p = j->srv->pdfs;

	for (struct pdfs_job **pp = &p->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	p->n--;
	if (j->sbx) {
		loop_del_fd(j->srv->loop, pdf_sbx_fd(j->sbx));
		pdf_sbx_free(j->sbx);
	}
	if (j->timer > 0)
		loop_del_timer(j->srv->loop, j->timer);
	free(j->path);
	free(j);
}

void pdfs_stop(struct server *srv)
{
	struct pdfs *p = srv->pdfs;

	if (!p)
		return;
	while (p->jobs)
		job_free(p->jobs);
	if (p->hall_png)
		g_hash_table_destroy(p->hall_png);
	free(p->cache);
	free(p);
	srv->pdfs = NULL;
}

/* The cache entry of a render: data_dir/cache/render/<sha>-<page>-<width>. */
static void cache_path(const struct pdfs_job *j, char *out, size_t size)
{
	snprintf(out, size, "%s/%s-%u-%u", j->srv->pdfs->cache, j->hex, j->job.page, j->job.width);
}

/* info's "key=value" lines as attributes of @body. */
static int info_attrs(struct proto_node *body, const uint8_t *res, size_t len)
{
	char *copy = strndup((const char *)res, len), *save = NULL;
	int rc = copy ? E_OK : E_NOMEM;

	for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l && rc == E_OK;
	     l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');

		if (eq && eq != l) {
			*eq = '\0';
			rc = proto_node_set(body, l, eq + 1);
		}
	}
	free(copy);
	return rc;
}

/* What a finished job answers: @body filled, or an error. */
static int job_result(struct pdfs_job *j, const uint8_t *res, size_t len, struct proto_node *body)
{
	char hex[65], cpath[1200];
	uint8_t sha[32];
	int rc;

	if (j->job.op == PDF_OP_INFO)
		return info_attrs(body, res, len);
	if ((rc = files_put(j->srv->files, res, len, sha)) < 0)
		return rc;
	proto_hex(hex, sha);
	if (proto_node_set(body, j->job.op == PDF_OP_RENDER ? "png" : "text", hex) < 0 ||
	    proto_node_set_u64(body, "size", len) < 0)
		return err_set(E_NOMEM, "reply");
	if (j->job.op == PDF_OP_RENDER) {
		hall_png_add(j->srv, j->sid, hex);
		cache_path(j, cpath, sizeof(cpath));
		if (fs_write_atomic(cpath, hex, 64, 0600) < 0)
			log_warn("render cache %s: %s", cpath, err_detail());
	}
	return E_OK;
}

static void job_done(struct pdfs_job *j, int rc, const uint8_t *res, size_t len)
{
	struct session *s = session_by_sid(j->srv, j->sid);
	struct proto_node *body = proto_node_new("resp");
	struct timespec t1;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - j->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - j->t0.tv_nsec) / 1e6;
	if (rc == E_OK)
		rc = body ? job_result(j, res, len, body) : err_set(E_NOMEM, "reply");
	if (rc < 0) {
		log_info("pdf %s of %.16s: %s: %s (%.0f ms)",
			 j->job.op == PDF_OP_INFO   ? "info"
			 : j->job.op == PDF_OP_TEXT ? "text"
						    : "render",
			 j->hex, err_name(rc), err_detail(), ms);
		if (s)
			session_error(s, j->id, rc, err_detail());
		proto_node_free(body);
	} else {
		log_debug("pdf job on %.16s done in %.0f ms", j->hex, ms);
		if (s)
			session_reply(s, j->id, body);
		else
			proto_node_free(body);
	}
	job_free(j);
}

static void job_ready(struct loop *l, int fd, unsigned events, void *arg)
{
	struct pdfs_job *j = arg;
	const uint8_t *res = NULL;
	size_t len = 0;
	int rc = pdf_sbx_pump(j->sbx, &res, &len);

	if (rc != E_AGAIN)
		j->end(j, rc, res, len);
}

static void job_timeout(struct loop *l, long long id, void *arg)
{
	struct pdfs_job *j = arg;

	j->timer = 0;
	pdf_sbx_kill(j->sbx); /* the pipe closes: job_ready reports E_TIMEOUT */
}

/* A cached render, answered at once: 1 if there was one. */
static int cached(struct session *s, struct pdfs_job *j)
{
	char cpath[1200], *hex = NULL;
	uint8_t sha[32];
	uint64_t size;
	size_t n;
	struct proto_node *body;

	cache_path(j, cpath, sizeof(cpath));
	if (fs_read_file(cpath, 64, &hex, &n) < 0)
		return 0;
	if (n != 64 || proto_unhex(sha, hex) < 0 || files_stat(j->srv->files, sha, &size) < 0 ||
	    !(body = proto_node_new("resp")) || proto_node_set(body, "png", hex) < 0 ||
	    proto_node_set_u64(body, "size", size) < 0 || proto_node_set(body, "cached", "1") < 0) {
		free(hex);
		return 0;
	}
	hall_png_add(j->srv, j->sid, hex);
	free(hex);
	session_reply(s, j->id, body);
	return 1;
}

/* Starts @j (owned from here on: freed on failure) in the sandbox, watched
 * by the loop; it ends in j->end.  E_BUSY over PDFS_JOBS_MAX. */
static int job_spawn(struct server *srv, struct pdfs_job *j)
{
	struct pdfs *p = srv->pdfs;
	int rc;

	if (p->n >= PDFS_JOBS_MAX) {
		free(j);
		return err_set(E_BUSY, "the PDF reader is busy (%d jobs): try again",
			       PDFS_JOBS_MAX);
	}
	j->next = p->jobs;
	p->jobs = j;
	p->n++;
	if (!(j->path = files_path(srv->files, j->sha)))
		rc = err_set(E_NOMEM, "path");
	else if ((j->job.path = j->path) &&
		 (rc = pdf_sbx_start(&j->sbx, &j->job, &p->lim)) == E_OK &&
		 (rc = loop_add_fd(srv->loop, pdf_sbx_fd(j->sbx), LOOP_READ, job_ready, j)) == E_OK)
		j->timer = loop_add_timer(srv->loop, PDFS_WALL_MS, job_timeout, j);
	if (rc < 0) {
		if (j->sbx) { /* started but not watched: not in the loop */
			pdf_sbx_free(j->sbx);
			j->sbx = NULL;
		}
		job_free(j);
	}
	return rc; /* E_OK: j->end reports */
}

static int pdfs_submit(struct session *s, uint32_t id, const struct proto_node *req, enum pdf_op op)
{
	struct server *srv = session_server(s);
	const char *hex = proto_attr(req, "sha256");
	struct pdfs_job *j;
	uint64_t size, v;
	int rc;

	if (!hex || strlen(hex) != 64)
		return err_set(E_INVAL, "attribute sha256 is not 64 hex digits");
	/* A hall terminal reads only the documents of its meetings' packs. */
	if (session_person(s)->kind == PERSON_KIND_HALL &&
	    !meet_may_get(srv, session_person(s), hex))
		return err_set(E_NOTFOUND, "no such document in your meetings");
	if (!(j = calloc(1, sizeof(*j))))
		return err_set(E_NOMEM, "pdf job");
	j->srv = srv;
	j->sid = session_sid(s);
	j->id = id;
	j->job.op = op;
	j->job.page = proto_attr_u64(req, "page", &v) == E_OK ? (unsigned)(v > 1e6 ? 0 : v) : 1;
	j->job.width = proto_attr_u64(req, "width", &v) == E_OK ? (unsigned)(v > 1e6 ? 0 : v)
								: PDFS_WIDTH_DEFAULT;
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	if (proto_unhex(j->sha, hex) < 0) {
		free(j);
		return err_set(E_INVAL, "attribute sha256 is not 64 hex digits");
	}
	proto_hex(j->hex, j->sha);
	if ((rc = files_stat(srv->files, j->sha, &size)) < 0) {
		free(j);
		return rc;
	}
	if (op == PDF_OP_RENDER && cached(s, j)) {
		free(j);
		return E_OK;
	}
	j->end = job_done;
	return job_spawn(srv, j);
}

int op_pdf_info(struct session *s, uint32_t id, const struct proto_node *req)
{
	return pdfs_submit(s, id, req, PDF_OP_INFO);
}

int op_pdf_text(struct session *s, uint32_t id, const struct proto_node *req)
{
	return pdfs_submit(s, id, req, PDF_OP_TEXT);
}

int op_pdf_render(struct session *s, uint32_t id, const struct proto_node *req)
{
	return pdfs_submit(s, id, req, PDF_OP_RENDER);
}

/* ---- Checking the PDFs attached to a change ---- */

struct pdfs_check {
	struct server *srv;
	struct store_req *r;
	pdfs_check_fn done;
	size_t next; /* files[0..n_files), then the signed PDF */
	char name[256];
};

/* 1 if the stored file looks like a PDF by its name or its first KiB. */
static int looks_pdf(struct server *srv, const uint8_t sha[32], const char *name)
{
	size_t n = name ? strlen(name) : 0;
	char head[1024];
	uint64_t size;
	ssize_t got;
	int fd, found = 0;

	if (n >= 4 && strcasecmp(name + n - 4, ".pdf") == 0)
		return 1;
	if (files_open_read(srv->files, sha, &fd, &size) < 0)
		return 0;
	got = read(fd, head, sizeof(head));
	close(fd);
	for (ssize_t i = 0; i + 5 <= got && !found; i++)
		found = memcmp(head + i, "%PDF-", 5) == 0;
	return found;
}

static void check_next(struct pdfs_check *c);

static void check_end(struct pdfs_job *j, int rc, const uint8_t *res, size_t len)
{
	struct pdfs_check *c = j->arg;
	size_t i = c->next - 1;

	/* The start of its text goes with the file, for search. */
	if (rc == E_OK && i < c->r->ch.n_files && len) {
		char *t = strndup((const char *)res,
				  len < DOC_FILE_TEXT_MAX + 8 ? len : DOC_FILE_TEXT_MAX + 8);

		c->r->ch.files[i].text = t ? (char *)store_req_str(c->r, t) : NULL;
		free(t);
	}
	job_free(j);
	if (rc < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err_detail()); /* err_set overwrites it */
		rc = err_set(rc, "file %s: %s", c->name, why);
		c->done(c->srv, c->r, rc);
		free(c);
		return;
	}
	check_next(c);
}

static void check_next(struct pdfs_check *c)
{
	const struct wf_change *ch = &c->r->ch;

	while (c->next <= ch->n_files) {
		size_t i = c->next++;
		const char *hex = i < ch->n_files ? ch->files[i].sha256 : ch->signed_pdf;
		const char *name = i < ch->n_files ? ch->files[i].name : "signed-pdf";
		struct pdfs_job *j;
		int rc;

		if (!hex || strlen(hex) != 64 || !(j = calloc(1, sizeof(*j))))
			continue;
		if (proto_unhex(j->sha, hex) < 0 || !looks_pdf(c->srv, j->sha, name)) {
			free(j);
			continue;
		}
		snprintf(c->name, sizeof(c->name), "%s", name && *name ? name : hex);
		j->srv = c->srv;
		j->job.op = PDF_OP_TEXT; /* opens it, checks its pages, reads its text */
		proto_hex(j->hex, j->sha);
		clock_gettime(CLOCK_MONOTONIC, &j->t0);
		j->end = check_end;
		j->arg = c;
		if ((rc = job_spawn(c->srv, j)) == E_OK)
			return; /* check_end goes on */
		c->done(c->srv, c->r, rc);
		free(c);
		return;
	}
	c->done(c->srv, c->r, E_OK);
	free(c);
}

void pdfs_check(struct server *srv, struct store_req *r, pdfs_check_fn done)
{
	struct pdfs_check *c = calloc(1, sizeof(*c));

	if (!c) {
		done(srv, r, err_set(E_NOMEM, "pdf check"));
		return;
	}
	c->srv = srv;
	c->r = r;
	c->done = done;
	check_next(c);
}
