/*
 * wf-driver.c: drives the store writer without a network, for the crash
 * test and the benchmark.
 *
 *   wf-driver REPO stream N     creates documents and takes actions on
 *                               them, printing "ack DOC STEPS" for each
 *                               change once it is reported durable
 *   wf-driver REPO check FILE   reads the acks of FILE and checks that each
 *                               acknowledged document has at least its steps
 *   wf-driver REPO fill N       creates N documents (in batches)
 *   wf-driver REPO bench C N DOCS
 *                               N comment changes from C closed-loop clients
 *                               on the DOCS documents made by fill; prints
 *                               rate and latency percentiles
 *   wf-driver REPO open DOCS    the writer's startup: store_open() and the
 *                               first durable change after it (cold caches)
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/roles.h"
#include "workflow/calendar.h"
#include "workflow/def.h"
#include "workflow/repo.h"
#include "workflow/store.h"

static const struct wf_actor clerk = {"van-thu", "Trần Thị Bình", "ab12", ROLE_CLERK};

static struct store *st;
static unsigned long rid_seq;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct store_req *make(enum wf_op op, const char *doc)
{
	struct store_req *r;

	if (store_req_new(&r) < 0)
		exit(2);
	snprintf(r->rid, sizeof(r->rid), "d%ld-%lu", (long)time(NULL), ++rid_seq);
	r->who = clerk;
	r->ch.op = op;
	if (op == WF_CREATE) {
		r->ch.workflow = "incoming";
		r->ch.fields[0].name = "Subject";
		r->ch.fields[0].value = "Công văn về việc kiểm tra";
		r->ch.fields[1].name = "OrganName";
		r->ch.fields[1].value = "UBND huyện";
		r->ch.n_fields = 2;
	} else {
		snprintf(r->doc_id, sizeof(r->doc_id), "%s", doc);
		r->ch.note = "Đề nghị bổ sung ý kiến";
	}
	return r;
}

/* Waits for at least one result; returns the list. */
static struct store_req *wait_some(void)
{
	struct pollfd p = {store_fd(st), POLLIN, 0};
	struct store_req *r;

	while (!(r = store_reap(st)))
		poll(&p, 1, 1000);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int fill(unsigned long n)
{
	unsigned long sent = 0, done = 0;
	double t0 = now_s();

	while (done < n) {
		while (sent < n && sent - done < 4096) {
			store_submit(st, make(WF_CREATE, NULL));
			sent++;
		}
		for (struct store_req *r = wait_some(), *nx; r; r = nx) {
			nx = r->next;
			if (r->rc < 0) {
				fprintf(stderr, "fill: %s\n", r->detail);
				return 1;
			}
			done++;
			store_req_free(r);
		}
	}
	printf("fill %lu documents in %.2f s\n", n, now_s() - t0);
	return 0;
}

static int bench(unsigned clients, unsigned long n, unsigned long ndocs)
{
	double *lat = calloc(n, sizeof(double)), t0 = now_s(), t;
	unsigned long sent = 0, done = 0;
	char doc[DOC_ID_MAX], year[5];
	struct tm tm;
	time_t now = time(NULL) + 7 * 3600;
	struct store_stats s0, s1;

	gmtime_r(&now, &tm);
	strftime(year, sizeof(year), "%Y", &tm);
	store_stats(st, &s0);
	for (; sent < clients && sent < n; sent++) {
		struct store_req *r;

		snprintf(doc, sizeof(doc), "%s-den-%06lu", year, 1 + (sent * 7919) % ndocs);
		r = make(WF_COMMENT, doc);
		r->now = 0;
		r->owner = calloc(1, sizeof(double));
		*(double *)r->owner = now_s();
		store_submit(st, r);
	}
	while (done < n) {
		for (struct store_req *r = wait_some(), *nx; r; r = nx) {
			nx = r->next;
			t = now_s();
			if (r->rc < 0) {
				fprintf(stderr, "bench: %s\n", r->detail);
				return 1;
			}
			lat[done++] = t - *(double *)r->owner;
			free(r->owner);
			store_req_free(r);
			if (sent < n) {
				struct store_req *q;

				snprintf(doc, sizeof(doc), "%s-den-%06lu", year,
					 1 + (sent * 7919) % ndocs);
				q = make(WF_COMMENT, doc);
				q->owner = calloc(1, sizeof(double));
				*(double *)q->owner = now_s();
				store_submit(st, q);
				sent++;
			}
		}
	}
	t = now_s() - t0;
	store_stats(st, &s1);
	qsort(lat, n, sizeof(double), cmp_double);
	printf("clients %u: %lu durable changes in %.2f s = %.0f/s, %.1f per group commit, "
	       "latency p50 %.2f ms p99 %.2f ms\n",
	       clients, n, t, (double)n / t,
	       (double)(s1.changes - s0.changes) / (double)(s1.batches - s0.batches),
	       lat[n / 2] * 1e3, lat[(size_t)((double)n * 0.99)] * 1e3);
	free(lat);
	return 0;
}

/* The time store_open() took (@t_open) and one change after it. */
static int first_change(double t_open, unsigned long ndocs)
{
	double t0 = now_s(), t;
	struct store_req *r = make(WF_COMMENT, "");
	char year[5];
	time_t now = time(NULL) + 7 * 3600;
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(year, sizeof(year), "%Y", &tm);
	snprintf(r->doc_id, sizeof(r->doc_id), "%s-den-%06lu", year, ndocs / 2 + 1);
	store_submit(st, r);
	r = wait_some();
	t = now_s() - t0;
	if (r->rc < 0) {
		fprintf(stderr, "open: %s\n", r->detail);
		return 1;
	}
	store_req_free(r);
	printf("store open in %.1f ms, first durable change after it in %.1f ms\n", t_open * 1e3,
	       t * 1e3);
	return 0;
}

/* Creates documents and acts on them forever (or @n changes), printing acks. */
static int stream(unsigned long n)
{
	char docs[64][DOC_ID_MAX];
	unsigned steps[64];
	size_t ndocs = 0;

	for (unsigned long i = 0; i < n; i++) {
		struct store_req *r;
		size_t k = (size_t)(i % 64);

		if (k >= ndocs) {
			r = make(WF_CREATE, NULL);
		} else {
			r = make(WF_COMMENT, docs[k]);
		}
		/* Several in flight so that batches form. */
		store_submit(st, r);
		if (i % 8 != 7 && i + 1 < n && k + 1 < ndocs)
			continue;
		while (1) {
			struct store_req *got = wait_some();
			int last = 0;

			for (struct store_req *q = got, *nx; q; q = nx) {
				size_t j;

				nx = q->next;
				if (q->rc < 0) {
					fprintf(stderr, "stream: %s\n", q->detail);
					return 1;
				}
				for (j = 0; j < ndocs && strcmp(docs[j], q->doc_id) != 0; j++)
					;
				if (j == ndocs && ndocs < 64) {
					snprintf(docs[ndocs], DOC_ID_MAX, "%s", q->doc_id);
					steps[ndocs++] = 0;
				}
				if (j < 64)
					steps[j]++;
				printf("ack %s %u\n", q->doc_id, j < 64 ? steps[j] : 0);
				if (q == r)
					last = 1;
				store_req_free(q);
			}
			fflush(stdout);
			if (last)
				break;
		}
	}
	return 0;
}

static int check(const char *repo, const char *file)
{
	FILE *f = fopen(file, "r");
	struct repo *rd;
	char line[256], id[DOC_ID_MAX];
	unsigned steps, n = 0;

	if (!f || repo_open(&rd, repo, 0, "check") < 0)
		return 2;
	while (fgets(line, sizeof(line), f)) {
		struct doc *d;

		if (sscanf(line, "ack %47s %u", id, &steps) != 2)
			continue; /* a line cut by the kill */
		if (store_get(rd, id, &d) < 0) {
			printf("LOST: %s acknowledged but not in the repository\n", id);
			return 1;
		}
		if (d->n_steps < steps) {
			printf("LOST: %s has %zu steps, %u acknowledged\n", id, d->n_steps, steps);
			return 1;
		}
		doc_free(d);
		n++;
	}
	fclose(f);
	repo_close(rd);
	printf("all %u acknowledged changes are there\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	struct def_set *defs;
	struct calendar *cal;
	struct store_opts o;
	double t_open;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: wf-driver REPO stream N|check FILE|fill N|bench C N "
				"DOCS|open DOCS\n");
		return 2;
	}
	if (strcmp(argv[2], "check") == 0 && argc == 4)
		return check(argv[1], argv[3]);
	if (repo_init(argv[1], "dinhd") < 0 || def_load(&defs, NULL) < 0 || cal_new(&cal) < 0) {
		fprintf(stderr, "wf-driver: %s\n", err_detail());
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.repo_path = argv[1];
	o.committer = "dinhd";
	o.defs = defs;
	o.cal = cal;
	t_open = now_s();
	if (store_open(&st, &o) < 0) {
		fprintf(stderr, "wf-driver: %s\n", err_detail());
		return 2;
	}
	t_open = now_s() - t_open;
	if (strcmp(argv[2], "stream") == 0 && argc == 4)
		rc = stream(strtoul(argv[3], NULL, 10));
	else if (strcmp(argv[2], "fill") == 0 && argc == 4)
		rc = fill(strtoul(argv[3], NULL, 10));
	else if (strcmp(argv[2], "bench") == 0 && argc == 6)
		rc = bench((unsigned)strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10),
			   strtoul(argv[5], NULL, 10));
	else if (strcmp(argv[2], "open") == 0 && argc == 4)
		rc = first_change(t_open, strtoul(argv[3], NULL, 10));
	else
		rc = 2;
	store_close(st);
	cal_free(cal);
	def_set_free(defs);
	return rc;
}
