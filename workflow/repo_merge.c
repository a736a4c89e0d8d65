/*
 * repo_merge.c: the writer's consolidated packs kept a geometric series,
 * merged on a thread of their own so that the writer never waits for a
 * merge.  The thread reads kept packs (immutable files) and writes a new
 * one with pack.c; only the writer's thread changes the list of packs and
 * removes files, after the merged pack is durable.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "workflow/pack.h"
#include "workflow/repo_priv.h"

/* By size, the packs too large to merge last. */
static int kept_cmp(const void *a, const void *b)
{
	const struct repo_kept *x = a, *y = b;
	int fx = x->bytes >= REPO_FINAL_BYTES, fy = y->bytes >= REPO_FINAL_BYTES;

	if (fx != fy)
		return fx - fy;
	return x->count < y->count ? -1 : x->count > y->count;
}

static void *merge_main(void *arg)
{
	struct repo_merge *m = arg;
	struct pack *p = NULL;
	int rc = pack_new(&p);

	for (size_t j = 0; j < m->n_src && rc == E_OK; j++)
		rc = pack_merge(p, m->dir, m->src[j].name);
	if (rc == E_OK && (rc = pack_commit(p, m->dir, m->out.name)) == E_OK) {
		m->out.count = pack_count(p);
		m->out.bytes = pack_size(p);
	}
	pack_free(p);
	pthread_mutex_lock(&m->mu);
	if (rc < 0)
		snprintf(m->detail, sizeof(m->detail), "%s", err_detail());
	m->rc = rc;
	m->done = 1;
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

/* Drops @name from the kept packs (and its files, unless it is @except). */
static void drop_kept(struct repo *r, const char *name, const char *except)
{
	for (size_t i = 0; i < r->n_keep; i++)
		if (strcmp(r->keep[i].name, name) == 0) {
			memmove(r->keep + i, r->keep + i + 1,
				(r->n_keep - i - 1) * sizeof(*r->keep));
			r->n_keep--;
			break;
		}
	if (strcmp(name, except) != 0) {
		pack_remove(r->packdir, name);
		r->dropped++;
	}
}

/* Joins the finished merge; the merged pack replaces its sources. */
static int merge_install(struct repo *r)
{
	struct repo_merge *m = &r->merge;
	size_t count;
	int rc = E_OK;

	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->mu);
	m->running = 0;
	if (m->rc < 0) {
		log_err("repo: merge of %zu packs failed: %s", m->n_src, m->detail);
		/* A pack someone else removed (git gc, say) is no longer kept. */
		for (size_t j = 0; j < m->n_src; j++)
			if (pack_idx_count(m->dir, m->src[j].name, &count) < 0)
				drop_kept(r, m->src[j].name, m->src[j].name);
	} else if ((rc = repo_keep_add(r, m->out.name, m->out.count, m->out.bytes)) == E_OK) {
		/* The merged pack is durable (pack_commit): its sources may go. */
		for (size_t j = 0; j < m->n_src; j++)
			drop_kept(r, m->src[j].name, m->out.name);
	}
	free(m->src);
	m->src = NULL;
	return rc;
}

/* Starts merging the first @n kept packs. */
static int merge_start(struct repo *r, size_t n)
{
	struct repo_merge *m = &r->merge;

	memset(m, 0, sizeof(*m));
	m->src = malloc(n * sizeof(*m->src));
	if (!m->src)
		return err_set(E_NOMEM, "pack merge");
	memcpy(m->src, r->keep, n * sizeof(*m->src));
	m->n_src = n;
	m->dir = r->packdir;
	pthread_mutex_init(&m->mu, NULL);
	if (pthread_create(&m->thread, NULL, merge_main, m) != 0) {
		pthread_mutex_destroy(&m->mu);
		free(m->src);
		m->src = NULL;
		return err_set(E_NOMEM, "pack merge thread");
	}
	m->running = 1;
	return E_OK;
}

/*
 * Sorted by size, each kept pack should hold at least twice all the
 * smaller ones together; the smallest that break it are merged
 * (pack_merge copies their bytes, deltas and all).  So there are O(log n)
 * packs and each object is copied O(log n) times.  Packs of
 * REPO_FINAL_BYTES or more are left alone, which bounds what one merge
 * copies: `git gc` may join them.
 */
int repo_merge_kept(struct repo *r)
{
	size_t split = 0, sum = 0;
	int done, rc;

	if (r->merge.running) {
		pthread_mutex_lock(&r->merge.mu);
		done = r->merge.done;
		pthread_mutex_unlock(&r->merge.mu);
		if (!done)
			return E_OK;
		if ((rc = merge_install(r)) < 0)
			return rc;
	}
	qsort(r->keep, r->n_keep, sizeof(*r->keep), kept_cmp);
	for (size_t j = 0; j < r->n_keep && r->keep[j].bytes < REPO_FINAL_BYTES; j++) {
		if (j > 0 && r->keep[j].count < 2 * sum)
			split = j + 1;
		sum += r->keep[j].count;
	}
	return split < 2 ? E_OK : merge_start(r, split);
}

void repo_merge_wait(struct repo *r)
{
	if (r->merge.running)
		merge_install(r);
}
