/*
 * store.c: the writer thread of store.h.  It takes every queued change,
 * applies each with the routing rules on top of the previous one, stages
 * one commit per change, makes the batch durable with one pack and one
 * branch move (repo_flush), and only then hands the results back.
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "workflow/code.h"
#include "workflow/idx.h"
#include "workflow/repo.h"
#include "workflow/store.h"

struct store_str {
	struct store_str *next;
	char s[];
};

struct store {
	struct store_opts opts;
	struct repo *repo;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct store_req *in_head, *in_tail;
	size_t in_len;
	size_t queued_at_flush; /* in_len once a batch was durable, before its answers */
	struct store_req *out_head, *out_tail;
	int efd;
	int closing;
	struct store_stats stats;
	struct idx *idx;
	int idx_stale; /* an index write failed: catch up from git */
};

int store_req_new(struct store_req **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? E_OK : err_set(E_NOMEM, "store request");
}

const char *store_req_str(struct store_req *r, const char *s)
{
	struct store_str *n;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s);
	n = malloc(sizeof(*n) + len + 1);
	if (!n)
		return NULL;
	memcpy(n->s, s, len + 1);
	n->next = r->strs;
	r->strs = n;
	return n->s;
}

void store_req_free(struct store_req *r)
{
	if (!r)
		return;
	while (r->strs) {
		struct store_str *n = r->strs->next;

		free(r->strs);
		r->strs = n;
	}
	doc_free(r->indexed);
	free(r);
}

/* Reads a decimal counter file; a missing one is 0. */
static int counter_get(struct repo *repo, const char *path, unsigned long *out)
{
	char *data = NULL;
	size_t len;
	int rc = repo_read(repo, path, &data, &len);

	*out = 0;
	if (rc == E_NOTFOUND)
		return E_OK;
	if (rc < 0)
		return rc;
	*out = strtoul(data, NULL, 10);
	free(data);
	return E_OK;
}

/* A change in preparation: the files its commit will write. */
struct pending {
	char paths[8][REPO_PATH_MAX];
	char vals[8][64];
	struct repo_file files[8];
	size_t n;
};

static struct repo_file *pending_add(struct pending *p, const char *path)
{
	struct repo_file *f = &p->files[p->n];

	snprintf(p->paths[p->n], REPO_PATH_MAX, "%s", path);
	f->path = p->paths[p->n];
	p->n++;
	return f;
}

static void pending_counter(struct pending *p, const char *path, unsigned long v)
{
	struct repo_file *f;

	snprintf(p->vals[p->n], sizeof(p->vals[0]), "%lu\n", v);
	f = pending_add(p, path);
	f->data = p->vals[p->n - 1];
	f->len = strlen(p->vals[p->n - 1]);
}

static void rid_path(const char *rid, char *out, size_t size)
{
	char h[65];
	gchar *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, rid, -1);

	snprintf(h, sizeof(h), "%s", sum ? sum : "0000");
	g_free(sum);
	snprintf(out, size, "req/%.2s/%.2s/%s", h, h + 2, rid);
}

static int rid_ok(const char *rid)
{
	size_t n = strlen(rid);

	return n > 0 && n <= STORE_RID_MAX &&
	       strspn(rid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* A new document's id, and for a dossier its code and secret. */
static int new_identity(struct store *st, struct store_req *r, const struct def_workflow *wf,
			struct doc *d, struct pending *p, cal_day today)
{
	char day[11], path[REPO_PATH_MAX], year[5];
	unsigned long seq;
	int rc;

	cal_format(today, day);
	memcpy(year, day, 4);
	year[4] = '\0';
	snprintf(path, sizeof(path), "counters/%s/%s.id", year, wf->reg);
	if ((rc = counter_get(st->repo, path, &seq)) < 0)
		return rc;
	seq++;
	pending_counter(p, path, seq);
	snprintf(d->id, sizeof(d->id), "%s-%s-%06lu", year, wf->reg, seq);
	if (wf->kind == DEF_KIND_DOSSIER) {
		uint8_t raw[16];
		gchar *sum;
		unsigned long daily;

		char scope[8];

		code_scope(st->opts.code_format, today, scope);
		snprintf(path, sizeof(path), "counters/%s/%s.%s", year, wf->reg, scope);
		if ((rc = counter_get(st->repo, path, &daily)) < 0)
			return rc;
		daily++;
		pending_counter(p, path, daily);
		if ((rc = code_format(st->opts.code_format, st->opts.agency, today, daily, r->code,
				      sizeof(r->code))) < 0)
			return rc;
		if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
			return err_set(E_IO, "no randomness for the dossier secret");
		for (size_t i = 0; i < sizeof(raw); i++)
			snprintf(r->secret + 2 * i, 3, "%02x", raw[i]);
		explicit_bzero(raw, sizeof(raw));
		sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, r->secret, -1);
		rc = doc_set_str(&d->code, r->code);
		if (rc == E_OK)
			rc = doc_set_str(&d->secret_sha256, sum);
		g_free(sum);
		if (rc < 0)
			return rc;
	}
	return E_OK;
}

/* The register number, from the counter of its register and year (never
 * a gap or a duplicate: only this thread numbers, inside the commit). */
static int assign_number(struct store *st, const struct def_workflow *wf, struct doc *d,
			 struct pending *p, cal_day today)
{
	char day[11], path[REPO_PATH_MAX], num[16], full[64];
	const char *abbr = doc_field(d, "TypeAbbr");
	unsigned long n;
	int rc;

	if (d->number)
		return err_set(E_EXISTS, "document %s is already numbered %s", d->id, d->number);
	cal_format(today, day);
	snprintf(path, sizeof(path), "counters/%.4s/%s.number", day, wf->reg);
	if ((rc = counter_get(st->repo, path, &n)) < 0)
		return rc;
	n++;
	pending_counter(p, path, n);
	snprintf(num, sizeof(num), "%02lu", n);
	if (abbr) {
		/* An issued document: "05/QĐ-UBND" (Decree 30). */
		snprintf(full, sizeof(full), "%s/%s-%s", num, abbr, st->opts.issuer);
		if ((rc = doc_set_field(d, "CodeNumber", num)) < 0 ||
		    (rc = doc_set_field(d, "CodeNotation", full + strlen(num) + 1)) < 0)
			return rc;
	} else {
		/* An arrival number: plain, per year. */
		snprintf(full, sizeof(full), "%s", num);
		if ((rc = doc_set_field(d, "ArrivalNumber", num)) < 0)
			return rc;
	}
	return doc_set_str(&d->number, full);
}

static int commit_message(struct buf *b, const struct store_req *r, const struct doc *d,
			  const struct wf_result *res)
{
	const char *what = res->trans               ? res->trans->name
			   : r->ch.op == WF_CREATE  ? "Tạo mới"
			   : r->ch.op == WF_COMMENT ? "Ý kiến"
						    : "Thu hồi";
	const char *subject = doc_field(d, "Subject");

	if (buf_printf(b, "%s: %s%s%.120s%s\n\n", what, d->id, subject ? " (" : "",
		       subject ? subject : "", subject ? ")" : "") < 0 ||
	    buf_printf(b, "Dinh-Document: %s\nDinh-Action: %s\n", d->id,
		       d->steps[d->n_steps - 1].action) < 0 ||
	    (res->from[0] && buf_printf(b, "Dinh-From: %s\n", res->from) < 0) ||
	    buf_printf(b, "Dinh-To: %s\n", res->to) < 0 ||
	    (d->number && res->wants_number && buf_printf(b, "Dinh-Number: %s\n", d->number) < 0) ||
	    buf_printf(b, "Dinh-Request: %s\nDinh-Certificate: %s\n", r->rid,
		       r->who.fingerprint ? r->who.fingerprint : "-") < 0 ||
	    (r->ch.signer_cert &&
	     buf_printf(b, "Dinh-Signer-Certificate: %s\n", r->ch.signer_cert) < 0))
		return err_set(E_TOOBIG, "commit message");
	return E_OK;
}

/* A change of files (store_req.files): staged as given. */
static int apply_files(struct store *st, struct store_req *r)
{
	time_t now = r->now ? (time_t)r->now : time(NULL);
	struct repo_author who = {r->who.name, r->who.id, r->who.fingerprint, (int64_t)now};
	int rc;

	for (size_t i = 0; i < r->n_files; i++)
		if (!r->files[i].path || !r->files[i].data) {
			rc = err_set(E_INVAL, "change of files without its data");
			goto out;
		}
	rc = repo_stage(st->repo, r->files, r->n_files, &who,
			r->files_msg ? r->files_msg : "change", r->commit);
out:
	if (rc < 0)
		snprintf(r->detail, sizeof(r->detail), "%s", err_detail());
	r->rc = rc;
	return rc;
}

/* Applies one change and stages its commit.  On failure nothing is staged. */
static int apply_one(struct store *st, struct store_req *r)
{
	struct doc *d = NULL;
	struct pending p;
	struct wf_result res;
	struct repo_author who;
	struct buf msg;
	char docpath[REPO_PATH_MAX], reqpath[REPO_PATH_MAX], ridval[DOC_ID_MAX + 2];
	char *xml = NULL, *prev = NULL;
	size_t xlen, plen;
	time_t now = r->now ? (time_t)r->now : time(NULL);
	cal_day today = cal_from_time(now);
	const struct def_workflow *wf;
	int rc;

	memset(&p, 0, sizeof(p));
	buf_init(&msg, 8192);
	if (!rid_ok(r->rid)) {
		rc = err_set(E_INVAL, "request id must be 1 to %d of [A-Za-z0-9_-]", STORE_RID_MAX);
		goto out;
	}
	rid_path(r->rid, reqpath, sizeof(reqpath));
	if (repo_read(st->repo, reqpath, &prev, &plen) == E_OK) {
		/* Applied before: report it again, change nothing. */
		r->duplicate = 1;
		prev[strcspn(prev, "\n")] = '\0';
		snprintf(r->doc_id, sizeof(r->doc_id), "%s", prev);
		if (doc_path(r->doc_id, docpath, sizeof(docpath)) == E_OK &&
		    repo_read(st->repo, docpath, &xml, &xlen) == E_OK &&
		    doc_from_xml(&d, xml, xlen) == E_OK) {
			snprintf(r->state, sizeof(r->state), "%s", d->state);
			snprintf(r->number, sizeof(r->number), "%s", d->number ? d->number : "");
			snprintf(r->code, sizeof(r->code), "%s", d->code ? d->code : "");
		}
		rc = E_OK;
		goto out;
	}
	if (r->ch.op == WF_CREATE) {
		wf = def_workflow(st->opts.defs, r->ch.workflow ? r->ch.workflow : "");
		if (!wf) {
			rc = err_set(E_NOTFOUND, "unknown workflow %.32s",
				     r->ch.workflow ? r->ch.workflow : "");
			goto out;
		}
		if ((rc = doc_new(&d, "", wf->id, "")) < 0)
			goto out;
	} else {
		if ((rc = doc_path(r->doc_id, docpath, sizeof(docpath))) < 0)
			goto out;
		rc = repo_read(st->repo, docpath, &xml, &xlen);
		if (rc == E_NOTFOUND)
			rc = err_set(E_NOTFOUND, "no document %s", r->doc_id);
		if (rc < 0 || (rc = doc_from_xml(&d, xml, xlen)) < 0)
			goto out;
		free(xml);
		xml = NULL;
		wf = def_workflow(st->opts.defs, d->workflow);
	}
	rc = wf_apply(st->opts.defs, st->opts.cal, d, &r->who, &r->ch, now, &res);
	if (rc < 0)
		goto out;
	if (r->ch.op == WF_CREATE) {
		if ((rc = new_identity(st, r, wf, d, &p, today)) < 0)
			goto out;
		if ((rc = doc_path(d->id, docpath, sizeof(docpath))) < 0)
			goto out;
	}
	if (res.wants_number && (rc = assign_number(st, wf, d, &p, today)) < 0)
		goto out;
	if ((rc = doc_to_xml(d, &xml, &xlen)) < 0)
		goto out;
	{
		struct repo_file *f = pending_add(&p, docpath);

		f->data = xml;
		f->len = xlen;
	}
	snprintf(ridval, sizeof(ridval), "%s\n", d->id);
	{
		struct repo_file *f = pending_add(&p, reqpath);

		f->data = ridval;
		f->len = strlen(ridval);
	}
	if ((rc = commit_message(&msg, r, d, &res)) < 0)
		goto out;
	who = (struct repo_author){r->who.name, r->who.id, r->who.fingerprint, (int64_t)now};
	rc = repo_stage(st->repo, p.files, p.n, &who, (const char *)msg.data, r->commit);
	if (rc < 0)
		goto out;
	snprintf(r->doc_id, sizeof(r->doc_id), "%s", d->id);
	snprintf(r->state, sizeof(r->state), "%s", d->state);
	snprintf(r->number, sizeof(r->number), "%s", d->number ? d->number : "");
	r->indexed = d;
	d = NULL;
out:
	if (rc < 0) {
		snprintf(r->detail, sizeof(r->detail), "%s", err_detail());
		r->secret[0] = '\0';
		r->code[0] = r->code[0] && r->ch.op == WF_CREATE ? '\0' : r->code[0];
	}
	r->rc = rc;
	buf_free(&msg);
	free(prev);
	free(xml);
	doc_free(d);
	return rc;
}

static void deliver(struct store *st, struct store_req *head)
{
	uint64_t one = 1;
	struct store_req *tail = head;

	if (!head)
		return;
	while (tail->next)
		tail = tail->next;
	pthread_mutex_lock(&st->mu);
	if (st->out_tail)
		st->out_tail->next = head;
	else
		st->out_head = head;
	st->out_tail = tail;
	pthread_mutex_unlock(&st->mu);
	if (write(st->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_err("store: cannot signal results: %s", strerror(errno));
}

/* Puts a durable batch's documents into the index, or, after a failure,
 * catches the index up from git. */
static void index_batch(struct store *st, struct store_req *batch)
{
	const char *head = NULL;
	int rc = E_OK;

	if (!st->idx)
		return;
	if (!st->idx_stale) {
		rc = idx_begin(st->idx);
		for (struct store_req *r = batch; r && rc == E_OK; r = r->next)
			if (r->rc == E_OK && r->indexed) {
				rc = idx_put(st->idx, st->opts.defs, r->indexed);
				head = r->commit;
			}
		if (rc == E_OK && head)
			rc = idx_commit(st->idx, head);
		else
			idx_rollback(st->idx);
	}
	if (st->idx_stale || rc < 0) {
		if (rc < 0)
			log_err("store: index update failed: %s; catching up from git",
				err_detail());
		err_clear();
		rc = idx_sync(st->idx, st->opts.defs, st->opts.repo_path, NULL);
		st->idx_stale = rc < 0;
		if (rc < 0)
			log_err("store: index catch-up failed: %s", err_detail());
	}
}

/* One group commit over the list @batch. */
static void run_batch(struct store *st, struct store_req *batch)
{
	size_t committed = 0;
	int rc;

	for (struct store_req *r = batch; r; r = r->next) {
		err_clear();
		if ((r->n_files ? apply_files(st, r) : apply_one(st, r)) < 0)
			st->stats.refused++;
		else if (!r->duplicate)
			committed++;
	}
	rc = repo_flush(st->repo);
	if (rc < 0) {
		/* Nothing of the batch is visible: every staged change fails. */
		log_err("store: group commit of %zu changes failed: %s", committed, err_detail());
		for (struct store_req *r = batch; r; r = r->next)
			if (r->rc == E_OK && !r->duplicate) {
				r->rc = rc;
				snprintf(r->detail, sizeof(r->detail), "%s", err_detail());
				r->commit[0] = r->secret[0] = '\0';
			}
	} else if (committed) {
		st->stats.changes += committed;
		st->stats.batches++;
		index_batch(st, batch);
	}
	for (struct store_req *r = batch; r; r = r->next) {
		doc_free(r->indexed);
		r->indexed = NULL;
	}
	/* Queued while this batch was flushed: other clients' changes (its own
	 * clients cannot have sent their next one before this answer). */
	pthread_mutex_lock(&st->mu);
	st->queued_at_flush = st->in_len;
	pthread_mutex_unlock(&st->mu);
	deliver(st, batch);
}

static void maybe_consolidate(struct store *st)
{
	size_t packs = 0;
	unsigned limit = st->opts.consolidate_packs ? st->opts.consolidate_packs : 64;

	if (repo_pack_count(st->repo, &packs) < 0 || packs < limit)
		return;
	if (repo_consolidate(st->repo) < 0)
		log_err("store: consolidation failed: %s", err_detail());
	else
		st->stats.consolidations++;
}

/*
 * Group commit gathers: after answering a batch of n changes while q others
 * were queued during its flush, the writer waits (at most STORE_GATHER_US)
 * until @target = n + q are queued, so that the answered clients' next
 * changes join the queued ones instead of clients splitting into
 * alternating half-batches.  One client never waits: nothing else was
 * queued while its change was flushed.
 */
#define STORE_GATHER_US 1000

static void gather(struct store *st, size_t target)
{
	struct timespec until;

	if (target > STORE_BATCH_MAX)
		target = STORE_BATCH_MAX;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += STORE_GATHER_US * 1000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (st->in_len < target && !st->closing)
		if (pthread_cond_timedwait(&st->cv, &st->mu, &until) != 0)
			break; /* the time is up (or an error): take what is there */
}

static void *writer(void *arg)
{
	struct store *st = arg;
	size_t target = 0; /* changes expected in the next batch */

	for (;;) {
		struct store_req *batch, *last;
		size_t n = 1, queued;

		pthread_mutex_lock(&st->mu);
		while (!st->in_head && !st->closing)
			pthread_cond_wait(&st->cv, &st->mu);
		if (!st->in_head) {
			pthread_mutex_unlock(&st->mu);
			break;
		}
		if (target > 1)
			gather(st, target);
		batch = last = st->in_head;
		while (last->next && n < STORE_BATCH_MAX) {
			last = last->next;
			n++;
		}
		st->in_head = last->next;
		if (!st->in_head)
			st->in_tail = NULL;
		last->next = NULL;
		st->in_len -= n;
		pthread_mutex_unlock(&st->mu);
		run_batch(st, batch);
		pthread_mutex_lock(&st->mu);
		queued = st->in_len;
		target = st->queued_at_flush + n;
		pthread_mutex_unlock(&st->mu);
		if (!queued)
			maybe_consolidate(st); /* only while idle */
	}
	return NULL;
}

/* Opens the index and brings it to the branch; an index that cannot be
 * brought there is made again from git. */
static int store_index_open(struct store *st)
{
	size_t n = 0;
	int rc = idx_open(&st->idx, st->opts.index_path, 1);

	if (rc == E_OK && (rc = idx_sync(st->idx, st->opts.defs, st->opts.repo_path, &n)) < 0) {
		log_warn("store: index %s: %s: rebuilding it from git", st->opts.index_path,
			 err_detail());
		rc = idx_rebuild(st->idx, st->opts.defs, st->opts.repo_path, &n);
	}
	if (rc < 0) {
		idx_close(st->idx);
		st->idx = NULL;
		return rc;
	}
	if (n)
		log_info("store: index caught up with git: %zu documents", n);
	return E_OK;
}

int store_open(struct store **out, const struct store_opts *opts)
{
	struct store *st = calloc(1, sizeof(*st));
	sigset_t all, old;
	int rc, created;

	*out = NULL;
	if (!st)
		return err_set(E_NOMEM, "store");
	st->opts = *opts;
	if (!st->opts.issuer)
		st->opts.issuer = "UBND";
	if (!st->opts.agency)
		st->opts.agency = "XA";
	if (!st->opts.code_format)
		st->opts.code_format = CODE_DEFAULT_FORMAT;
	if ((rc = code_check(st->opts.code_format)) < 0) {
		free(st);
		return rc;
	}
	st->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (st->efd < 0) {
		free(st);
		return err_set(E_IO, "eventfd: %s", strerror(errno));
	}
	rc = repo_open(&st->repo, opts->repo_path, 1, opts->committer);
	if (rc < 0)
		goto fail;
	if (opts->index_path && (rc = store_index_open(st)) < 0) {
		repo_close(st->repo);
		goto fail;
	}
	pthread_mutex_init(&st->mu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* gather()'s deadline */
		pthread_cond_init(&st->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	/* The writer takes no signals: they belong to the daemon's loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	created = pthread_create(&st->thread, NULL, writer, st);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (created != 0) {
		rc = err_set(E_NOMEM, "writer thread");
		repo_close(st->repo);
		goto fail;
	}
	*out = st;
	return E_OK;
fail:
	close(st->efd);
	free(st);
	return rc;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->mu);
	st->closing = 1;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
	pthread_join(st->thread, NULL);
	for (struct store_req *r = store_reap(st), *n; r; r = n) {
		n = r->next;
		store_req_free(r);
	}
	repo_close(st->repo);
	idx_close(st->idx);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	close(st->efd);
	free(st);
}

int store_fd(const struct store *st)
{
	return st->efd;
}

int store_submit(struct store *st, struct store_req *r)
{
	pthread_mutex_lock(&st->mu);
	if (st->closing) {
		pthread_mutex_unlock(&st->mu);
		return err_set(E_SHUTDOWN, "the store is closing");
	}
	r->next = NULL;
	if (st->in_tail)
		st->in_tail->next = r;
	else
		st->in_head = r;
	st->in_tail = r;
	st->in_len++;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
	return E_OK;
}

struct store_req *store_reap(struct store *st)
{
	struct store_req *head;
	uint64_t v;

	if (read(st->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_err("store: eventfd read: %s", strerror(errno));
	pthread_mutex_lock(&st->mu);
	head = st->out_head;
	st->out_head = st->out_tail = NULL;
	pthread_mutex_unlock(&st->mu);
	return head;
}

void store_stats(struct store *st, struct store_stats *out)
{
	pthread_mutex_lock(&st->mu);
	*out = st->stats;
	pthread_mutex_unlock(&st->mu);
}

int store_get(struct repo *reader, const char *doc_id, struct doc **out)
{
	char path[REPO_PATH_MAX], *xml = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = doc_path(doc_id, path, sizeof(path))) < 0)
		return rc;
	rc = repo_read(reader, path, &xml, &len);
	if (rc == E_NOTFOUND)
		return err_set(E_NOTFOUND, "no document %s", doc_id);
	if (rc == E_OK)
		rc = doc_from_xml(out, xml, len);
	free(xml);
	return rc;
}
