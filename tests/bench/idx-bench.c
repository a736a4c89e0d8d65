/*
 * idx-bench.c: latency of the side index's queries (workflow/idx.h) with
 * a commune's worth of documents: status by dossier code, inboxes (mine,
 * overdue, due soon), search, a month's register, a year's statistics.
 * Each query is timed one by one (clock_gettime around the call, as the
 * server's handler makes it) and p50 / p99 / max are printed.
 *
 * usage: idx-bench INDEX.db N [REPO]
 *   fills INDEX.db (made anew) with N documents in the shapes the shipped
 *   workflows give them (60% incoming, 10% outgoing, 30% dossiers; four in
 *   five closed), then times the queries.  With REPO (a repository of the
 *   store, e.g. filled by wf-driver), also times a rebuild of an index
 *   from it and the check that the two agree.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/roles.h"
#include "workflow/def.h"
#include "workflow/doc.h"
#include "workflow/idx.h"

#define ROUNDS 2000

static const char *const words[] = {
	"đất đai",   "khai sinh", "hộ tịch", "xây dựng",   "môi trường",
	"nước sạch", "giáo dục",  "y tế",    "lụt bão",    "nông thôn mới",
	"an ninh",   "văn hóa",   "thuế",    "giao thông",
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, double *lat, size_t n, size_t rows)
{
	qsort(lat, n, sizeof(*lat), cmp_d);
	printf("%-28s p50 %7.1f us  p99 %7.1f us  max %8.1f us  (%zu runs, %zu rows)\n", name,
	       lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6, lat[n - 1] * 1e6, n, rows);
}

static void day(char out[11], int d)
{
	/* 2026-01-01 plus @d days, within the year. */
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int m = 0;

	d %= 365;
	while (d >= mdays[m])
		d -= mdays[m++];
	snprintf(out, 11, "2026-%02u-%02u", (unsigned)(m + 1) % 100, (unsigned)(d + 1) % 100);
}

/* A document of kind @i % 10 in a plausible state. */
static struct doc *make_doc(unsigned long i)
{
	static const char *const open_in[] = {"received", "registered", "assigned", "in_process"};
	static const char *const open_ds[] = {"received", "in_process", "result_ready"};
	unsigned kind = i % 10, closed = i % 5 != 0;
	char id[DOC_ID_MAX], d0[11], due[11], subj[128], lead[32], t[40], num[32];
	struct doc *d = NULL;
	const char *wf = kind < 6 ? "incoming" : kind < 7 ? "outgoing" : "dossier";
	const char *state;
	struct doc_step st = {0};

	if (kind < 6)
		state = closed ? "archived" : open_in[i / 10 % 4];
	else if (kind < 7)
		state = closed ? "archived" : "draft";
	else
		state = closed ? "returned" : open_ds[i / 10 % 3];
	snprintf(id, sizeof(id), "2026-%s-%06lu", kind < 6 ? "den" : kind < 7 ? "di" : "hs", i);
	if (doc_new(&d, id, wf, state) < 0)
		return NULL;
	day(d0, (int)(i * 7 % 330));
	day(due, (int)(i * 7 % 330 + 15));
	snprintf(d->created, sizeof(d->created), "%s", d0);
	snprintf(subj, sizeof(subj), "Về việc %s thôn %lu", words[i % 14], i % 23);
	snprintf(lead, sizeof(lead), "can-bo-%lu", i % 20);
	doc_set_field(d, "Subject", subj);
	doc_set_field(d, "OrganName", "UBND huyện Mẫu Sơn");
	if (kind >= 7) {
		char code[64];

		snprintf(code, sizeof(code), "H01-%.2s%.2s%.2s-%04lu", d0 + 2, d0 + 5, d0 + 8,
			 i % 10000);
		snprintf(code + strlen(code), sizeof(code) - strlen(code), "-%lu", i);
		doc_set_str(&d->code, code);
		doc_set_field(d, "ProcedureId", "khai-sinh");
		doc_set_field(d, "Applicant", "Hoàng Văn Em");
		if (i % 3)
			doc_set_field(d, "Channel", "online");
	}
	if (strcmp(state, "received") != 0 && strcmp(state, "draft") != 0) {
		doc_set_str(&d->lead, lead);
		snprintf(d->due, sizeof(d->due), "%s", due);
		snprintf(num, sizeof(num), "%02lu", i / 10 + 1);
		doc_set_str(&d->number, num);
	}
	snprintf(t, sizeof(t), "%sT09:00:00+07:00", d0);
	st.time = t;
	st.actor = "van-thu";
	st.actor_name = "Trần Thị Bình";
	st.action = "create";
	st.to = (char *)(kind < 7 ? (kind < 6 ? "received" : "draft") : "submitted");
	doc_add_step(d, &st);
	if (closed && kind >= 7) {
		day(d0, (int)(i * 7 % 330 + (i % 7 ? 10 : 30))); /* one in seven late */
		snprintf(t, sizeof(t), "%sT15:00:00+07:00", d0);
		st.action = "return";
		st.from = "result_ready";
		st.to = "returned";
		doc_add_step(d, &st);
	}
	return d;
}

static int fill(struct idx *ix, const struct def_set *defs, unsigned long n)
{
	double t0 = now_s();
	int rc = idx_begin(ix);

	for (unsigned long i = 1; rc == E_OK && i <= n; i++) {
		struct doc *d = make_doc(i);

		rc = d ? idx_put(ix, defs, d) : E_NOMEM;
		doc_free(d);
	}
	if (rc == E_OK)
		rc = idx_commit(ix, "0000000000000000000000000000000000000000");
	if (rc == E_OK)
		printf("fill: %lu documents in %.1f s (%.0f per second, one transaction)\n", n,
		       now_s() - t0, (double)n / (now_s() - t0));
	return rc;
}

static size_t rows;

static int count(void *arg, const struct idx_row *r)
{
	rows++;
	return E_OK;
}

static int count_due(void *arg, const struct idx_row *r, const char *who)
{
	rows++;
	return E_OK;
}

/* Times @ROUNDS runs of one query kind. */
static void timed(const char *name, struct idx *ix, int kind, unsigned long n)
{
	double *lat = calloc(ROUNDS, sizeof(double));
	struct idx_row row;
	char code[64], d0[11], person[32];
	struct idx_stats st;

	rows = 0;
	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned long i = 7 + 10 * ((r * 7919ul) % (n / 10 - 1));
		double t0;

		day(d0, (int)(i * 7 % 330));
		snprintf(code, sizeof(code), "H01-%.2s%.2s%.2s-%04lu-%lu", d0 + 2, d0 + 5, d0 + 8,
			 i % 10000, i);
		snprintf(person, sizeof(person), "can-bo-%u", r % 20);
		t0 = now_s();
		switch (kind) {
		case 0:
			if (idx_by_code(ix, code, &row, NULL) == E_OK)
				rows++;
			break;
		case 1:
			idx_inbox(ix, person, ROLE_OFFICER, IDX_BOX_MINE, "2026-06-01", NULL, 20,
				  count, NULL);
			break;
		case 2:
			idx_inbox(ix, "van-thu", ROLE_CLERK, IDX_BOX_MINE, "2026-06-01", NULL, 20,
				  count, NULL);
			break;
		case 3:
			idx_inbox(ix, person, ROLE_OFFICER, IDX_BOX_OVERDUE, "2026-06-01", NULL, 20,
				  count, NULL);
			break;
		case 4:
			idx_inbox(ix, person, ROLE_OFFICER, IDX_BOX_SOON, "2026-06-01",
				  "2026-06-03", 20, count, NULL);
			break;
		case 5:
			idx_search(ix, r % 2 ? "dat dai thon 7" : "nuoc sach", 20, count, NULL);
			break;
		case 6:
			idx_register(ix, "den", "2026-03-01", "2026-03-31", 0, count, NULL);
			break;
		case 7:
			idx_stats(ix, "2026-01-01", "2026-12-31", "2026-06-01", &st, count, NULL);
			break;
		case 8:
			idx_due(ix, "2026-06-03", NULL, count_due, NULL);
			break;
		default:
			idx_due(ix, "2026-06-03", person, count_due, NULL);
			break;
		}
		lat[r] = now_s() - t0;
		if (kind >= 6 && kind <= 8 && r == 49) {
			report(name, lat, 50, rows / 50);
			free(lat);
			return; /* the long ones: 50 runs */
		}
	}
	report(name, lat, ROUNDS, rows / ROUNDS);
	free(lat);
}

int main(int argc, char **argv)
{
	static const char *const names[] = {
		"status by dossier code",  "inbox mine (officer)", "inbox mine (clerk)",
		"inbox overdue (officer)", "inbox soon (officer)", "search (2-4 words)",
		"register, one month",     "statistics, one year", "deadlines, everyone",
		"deadlines, one person",
	};
	struct def_set *defs = NULL;
	struct idx *ix = NULL;
	unsigned long n;
	char wal[512];

	if (argc < 3 || (n = strtoul(argv[2], NULL, 10)) < 100) {
		fprintf(stderr, "usage: idx-bench INDEX.db N [REPO]  (N >= 100)\n");
		return 2;
	}
	unlink(argv[1]);
	snprintf(wal, sizeof(wal), "%s-wal", argv[1]);
	unlink(wal);
	if (def_load(&defs, NULL) < 0 || idx_open(&ix, argv[1], 1) < 0 || fill(ix, defs, n) < 0) {
		fprintf(stderr, "idx-bench: %s\n", err_detail());
		return 1;
	}
	idx_close(ix);
	if (idx_open(&ix, argv[1], 0) < 0)
		return 1;
	for (int k = 0; k < 10; k++)
		timed(names[k], ix, k, n);
	idx_close(ix);
	if (argc > 3) {
		size_t docs = 0, bad = 0;
		double t0 = now_s();

		if (idx_open(&ix, argv[1], 1) < 0 || idx_rebuild(ix, defs, argv[3], &docs) < 0) {
			fprintf(stderr, "idx-bench: rebuild: %s\n", err_detail());
			return 1;
		}
		printf("rebuild from git: %zu documents in %.1f s\n", docs, now_s() - t0);
		t0 = now_s();
		if (idx_check(ix, defs, argv[3], &docs, &bad) < 0)
			fprintf(stderr, "idx-bench: check: %s\n", err_detail());
		printf("check against git: %zu documents, %zu differences in %.1f s\n", docs, bad,
		       now_s() - t0);
		idx_close(ix);
	}
	def_set_free(defs);
	return 0;
}
