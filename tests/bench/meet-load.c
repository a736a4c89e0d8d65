/*
 * meet-load.c: the load tool of the meetings benchmark
 * (tests/bench/meet-bench.sh, docs/benchmarks.md "Meetings").
 *
 * One process holds every identity (its PKCS#12 file decrypted once, at
 * start: 600 000 PBKDF2 rounds each) and runs the commands read from stdin,
 * one a line, each with one thread per connection through the blocking
 * client library (clients/client.h), every connection a fresh TLS 1.3
 * handshake:
 *   fetch [fresh]  every hall connects, asks meeting.manifest, downloads the
 *                  manifest, its signature and each file it does not hold
 *                  (file.get from the offset a prefix hint gives), the bytes
 *                  counted and dropped, then reports meeting.ready; "fresh"
 *                  forgets what the halls hold first;
 *   fanout N       every hall joins; the chair sends N meeting.goto, one at a
 *                  time; each hall notes when its meeting.page arrived;
 *   vote           every voter connects; the chair opens a vote on item 1;
 *                  all vote at once (a fixed choice each), one in ten twice;
 *                  the chair closes it and checks the counts and the named
 *                  result against what was acknowledged;
 *   quit
 * Each command answers one line of key=value pairs on stdout.
 */
#include "config.h"

#include <netinet/in.h>
#include <linux/tcp.h> /* tcpi_bytes_received */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "clients/client.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/proto.h"

#define HELD_MAX 300    /* files a hall remembers holding */
#define FAN_MAX 1000    /* meeting.goto of one fanout */
#define IDENTS_MAX 2000 /* halls and voters */
#define LOAD_THREADS 2  /* threads decrypting the identities at start */
#define STACK_SIZE (256 << 10)
#define IO_TIMEOUT_MS 120000
#define CONNECT_TRIES 20  /* connection attempts of one peer */
#define EVENT_WAIT_S 10.0 /* a hall gives up on the missing pages after this */

struct ident {
	char *path;
	gnutls_certificate_credentials_t cred;
};

struct held {
	char sha[65];
	uint64_t size;
};

/* One connection's work and results (a hall or a voter). */
struct peer {
	struct ident *ident;
	unsigned idx;
	int rc;
	char err[160];
	char person[128];
	/* fetch */
	struct held held[HELD_MAX];
	unsigned n_held;
	uint64_t payload, wire;
	/* fanout: latency of page k, < 0 while not received */
	double *lat;
	/* vote */
	int choice; /* 0 yes, 1 no, 2 abstain */
	double sent, ack;
	int dup; /* 1: sends twice; result: 2 refused, 3 accepted */
};

static struct {
	const char *host, *port, *ca, *password, *meeting;
	struct ident chair;
	struct ident *halls, *voters;
	unsigned n_halls, n_voters;
	struct peer *hp, *vp;
	unsigned fan_runs;
} G;

/* fanout and vote: shared with the peer threads */
static _Atomic double fan_sent[FAN_MAX];
static unsigned fan_n, fan_base, vote_n;
static atomic_uint arrived;
static atomic_uint connect_retries; /* since the last report */
static pthread_mutex_t go_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cv = PTHREAD_COND_INITIALIZER;
static int go;

static const char *const choices[3] = {"yes", "no", "abstain"};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void peer_fail(struct peer *p, int rc)
{
	p->rc = rc;
	snprintf(p->err, sizeof(p->err), "%s: %s", err_name(rc), err_detail());
}

/* Connects as @id.  dinhd drops the oldest pending handshake beyond
 * [server] max-handshakes (256): like a hall's program, try again, after
 * a random pause; the retries are counted (connect_retries). */
static int dconnect(struct client **cl, const struct ident *id)
{
	struct client_opts o = {.host = G.host,
				.port = G.port,
				.cred = id->cred,
				.connect_timeout_ms = 60000,
				.io_timeout_ms = IO_TIMEOUT_MS,
				.agent = "meet-load"};
	unsigned seed = (unsigned)(uintptr_t)id ^ (unsigned)time(NULL);
	int rc;

	for (unsigned i = 0;; i++) {
		rc = client_connect(cl, &o);
		if (rc == E_OK || i == CONNECT_TRIES || (rc != E_IO && rc != E_TLS))
			return rc;
		atomic_fetch_add(&connect_retries, 1);
		usleep(50000 + (useconds_t)(rand_r(&seed) % 200000));
	}
}

/* A request with op @op on the meeting and attribute pairs (NULL-ended). */
static int request(struct client *cl, struct proto_node **resp, const char *op, ...)
{
	struct proto_node *req = proto_node_new("req");
	const char *k, *v;
	va_list ap;
	int rc = req && proto_node_set(req, "op", op) == E_OK &&
				 proto_node_set(req, "meeting", G.meeting) == E_OK
			 ? E_OK
			 : E_NOMEM;

	va_start(ap, op);
	while (rc == E_OK && (k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		rc = proto_node_set(req, k, v);
	}
	va_end(ap);
	*resp = NULL;
	rc = rc == E_OK ? client_request(cl, req, resp) : err_set(E_NOMEM, "request");
	proto_node_free(req);
	return rc;
}

/* file.get of @sha from @off: the bytes into @keep (NULL: dropped); *got
 * the bytes received. */
static int get_file(struct client *cl, const char *sha, uint64_t off, struct buf *keep,
		    uint64_t *got)
{
	struct proto_node *req = proto_node_new("req"), *resp = NULL;
	struct proto_chunk ch;
	uint64_t size = 0, pos = off;
	uint32_t id;
	int rc = req && proto_node_set(req, "op", "file.get") == E_OK &&
				 proto_node_set(req, "sha256", sha) == E_OK &&
				 proto_node_set_u64(req, "offset", off) == E_OK
			 ? E_OK
			 : err_set(E_NOMEM, "request");

	*got = 0;
	if (rc == E_OK && (rc = client_send_req(cl, req, &id)) == E_OK &&
	    (rc = client_wait_resp(cl, id, &resp)) == E_OK &&
	    ((rc = proto_attr_u64(resp, "size", &size)) < 0 || size < off))
		rc = err_set(E_PROTO, "file.get answered a bad size");
	while (rc == E_OK && pos < size) {
		if ((rc = client_recv_chunk(cl, id, &ch)) < 0)
			break;
		if (ch.offset != pos || ch.len > size - pos)
			rc = err_set(E_PROTO, "chunk at %llu, expected %llu",
				     (unsigned long long)ch.offset, (unsigned long long)pos);
		else if (keep && buf_append(keep, ch.data, ch.len) < 0)
			rc = err_set(E_TOOBIG, "file too big to keep");
		pos += ch.len;
	}
	*got = pos - off;
	proto_node_free(req);
	proto_node_free(resp);
	return rc;
}

static const struct held *held_find(const struct peer *p, const char *sha)
{
	for (unsigned i = 0; i < p->n_held; i++)
		if (strcmp(p->held[i].sha, sha) == 0)
			return &p->held[i];
	return NULL;
}

/* The files of the manifest @xml that @p lacks, from the offset it holds. */
static int fetch_files(struct peer *p, struct client *cl, const struct buf *xml)
{
	struct proto_node *root = NULL;
	int rc = proto_control_parse(xml->data, xml->len, &root);

	if (rc == E_OK && strcmp(root->name, "manifest") != 0)
		rc = err_set(E_PROTO, "not a manifest");
	for (const struct proto_node *f = rc == E_OK ? root->child : NULL; f && rc == E_OK;
	     f = f->next) {
		const char *sha = proto_attr(f, "sha256"), *pre = proto_attr(f, "prefix");
		const struct held *h;
		uint64_t size = 0, psize = 0, off = 0, got;

		if (strcmp(f->name, "file") != 0)
			continue;
		if (!sha || strlen(sha) != 64 || proto_attr_u64(f, "size", &size) < 0) {
			rc = err_set(E_PROTO, "a <file> without sha256 or size");
			break;
		}
		if (held_find(p, sha))
			continue;
		if (pre && (h = held_find(p, pre)) &&
		    proto_attr_u64(f, "prefix-size", &psize) == 0 && h->size == psize &&
		    psize <= size)
			off = psize;
		rc = get_file(cl, sha, off, NULL, &got);
		p->payload += got;
		if (rc == E_OK && got != size - off)
			rc = err_set(E_PROTO, "file %.12s: %llu bytes", sha,
				     (unsigned long long)got);
		if (rc == E_OK && p->n_held < HELD_MAX) {
			snprintf(p->held[p->n_held].sha, 65, "%s", sha);
			p->held[p->n_held++].size = size;
		}
	}
	proto_node_free(root);
	return rc;
}

/* Bytes the kernel received on the connection: TLS records, frames and all. */
static uint64_t wire_bytes(struct client *cl)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(client_fd(cl), IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return 0;
	return ti.tcpi_bytes_received;
}

static void *fetch_main(void *arg)
{
	struct peer *p = arg;
	struct client *cl = NULL;
	struct proto_node *resp = NULL;
	struct buf xml;
	const char *msha, *csha;
	char ver[24];
	uint64_t got;
	int rc;

	buf_init(&xml, PROTO_CONTROL_MAX);
	p->payload = p->wire = 0;
	if ((rc = dconnect(&cl, p->ident)) < 0 ||
	    (rc = request(cl, &resp, "meeting.manifest", NULL)) < 0)
		goto out;
	msha = proto_attr(resp, "manifest");
	csha = proto_attr(resp, "cms");
	if (!msha || !csha || !proto_attr(resp, "version")) {
		rc = err_set(E_PROTO, "meeting.manifest without manifest, cms or version");
		goto out;
	}
	snprintf(ver, sizeof(ver), "%s", proto_attr(resp, "version"));
	if ((rc = get_file(cl, msha, 0, &xml, &got)) < 0)
		goto out;
	p->payload += got;
	if ((rc = get_file(cl, csha, 0, NULL, &got)) < 0)
		goto out;
	p->payload += got;
	if ((rc = fetch_files(p, cl, &xml)) < 0)
		goto out;
	proto_node_free(resp);
	rc = request(cl, &resp, "meeting.ready", "version", ver, "missing", "0", NULL);
	p->wire = wire_bytes(cl);
out:
	if (rc < 0)
		peer_fail(p, rc);
	proto_node_free(resp);
	buf_free(&xml);
	client_close(cl);
	return NULL;
}

/* Runs @fn on each of @n peers, one thread each; returns when all ended. */
static void run_peers(struct peer *ps, unsigned n, void *(*fn)(void *))
{
	pthread_t *t = calloc(n, sizeof(*t));
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, STACK_SIZE);
	for (unsigned i = 0; i < n; i++) {
		ps[i].rc = E_OK;
		ps[i].err[0] = '\0';
		if (pthread_create(&t[i], &a, fn, &ps[i]) != 0) {
			fprintf(stderr, "meet-load: pthread_create failed at %u\n", i);
			exit(1);
		}
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_attr_destroy(&a);
	free(t);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of @n sorted values, nearest rank. */
static double quantile(const double *v, size_t n, double q)
{
	size_t k = (size_t)(q * (double)n + 0.999999);

	return n ? v[k ? k - 1 : 0] : 0;
}

/* The failures of @n peers: count, and the first one's text in *first. */
static unsigned failures(const struct peer *ps, unsigned n, const char **first)
{
	unsigned bad = 0;

	*first = "";
	for (unsigned i = 0; i < n; i++)
		if (ps[i].rc < 0 && bad++ == 0)
			*first = ps[i].err;
	return bad;
}

static void cmd_fetch(int fresh)
{
	uint64_t *pay = calloc(G.n_halls, sizeof(*pay)), *wire = calloc(G.n_halls, sizeof(*wire));
	uint64_t total = 0;
	const char *first;
	unsigned bad;
	double t0, wall;

	for (unsigned i = 0; fresh && i < G.n_halls; i++)
		G.hp[i].n_held = 0;
	t0 = now();
	run_peers(G.hp, G.n_halls, fetch_main);
	wall = now() - t0;
	for (unsigned i = 0; i < G.n_halls; i++) {
		pay[i] = G.hp[i].payload;
		wire[i] = G.hp[i].wire;
		total += pay[i];
	}
	qsort(pay, G.n_halls, sizeof(*pay), cmp_u64);
	qsort(wire, G.n_halls, sizeof(*wire), cmp_u64);
	bad = failures(G.hp, G.n_halls, &first);
	printf("fetch retries=%u halls=%u failed=%u wall=%.3f bytes=%llu hall_min=%llu "
	       "hall_max=%llu "
	       "wire_min=%llu wire_med=%llu wire_max=%llu error=\"%s\"\n",
	       atomic_exchange(&connect_retries, 0), G.n_halls, bad, wall,
	       (unsigned long long)total, (unsigned long long)pay[0],
	       (unsigned long long)pay[G.n_halls - 1], (unsigned long long)wire[0],
	       (unsigned long long)wire[G.n_halls / 2], (unsigned long long)wire[G.n_halls - 1],
	       first);
	free(pay);
	free(wire);
}

/* The page of a meeting.page event, or 0 for any other event. */
static uint64_t page_of(const struct proto_node *ev)
{
	const char *name = proto_attr(ev, "name");
	uint64_t page = 0;

	if (!name)
		name = ev->name;
	if (strcmp(name, "meeting.page") != 0 || proto_attr_u64(ev, "page", &page) < 0)
		return 0;
	return page;
}

static void *fan_main(void *arg)
{
	struct peer *p = arg;
	struct client *cl = NULL;
	struct proto_node *resp = NULL, *ev;
	unsigned got = 0;
	double deadline = 0;
	int rc;

	for (unsigned k = 0; k < fan_n; k++)
		p->lat[k] = -1;
	rc = dconnect(&cl, p->ident);
	if (rc == E_OK)
		rc = request(cl, &resp, "meeting.join", NULL);
	atomic_fetch_add(&arrived, 1);
	while (rc == E_OK && got < fan_n) {
		double t;
		uint64_t page;

		rc = client_wait_event(cl, 1000, &ev);
		t = now();
		if (rc == E_TIMEOUT) {
			/* the clock starts with the first page sent */
			if (atomic_load(&fan_sent[0]) > 0 && deadline == 0)
				deadline = t + EVENT_WAIT_S;
			rc = deadline && t > deadline ? err_set(E_TIMEOUT, "pages missing") : E_OK;
			continue;
		}
		if (rc < 0)
			break;
		page = page_of(ev);
		proto_node_free(ev);
		if (page >= fan_base && page < fan_base + fan_n && p->lat[page - fan_base] < 0) {
			p->lat[page - fan_base] = t - atomic_load(&fan_sent[page - fan_base]);
			got++;
		}
	}
	if (rc < 0)
		peer_fail(p, rc);
	proto_node_free(resp);
	client_close(cl);
	return NULL;
}

/* Waits until @n peer threads arrived (connected or failed). */
static void wait_arrived(unsigned n)
{
	while (atomic_load(&arrived) < n)
		usleep(10000);
}

/* Starts @n threads of @fn on @ps without waiting for them (run_peers in
 * a thread of its own). */
struct bg {
	struct peer *ps;
	unsigned n;
	void *(*fn)(void *);
	pthread_t t;
};

static void *bg_main(void *arg)
{
	struct bg *b = arg;

	run_peers(b->ps, b->n, b->fn);
	return NULL;
}

static void bg_start(struct bg *b, struct peer *ps, unsigned n, void *(*fn)(void *))
{
	b->ps = ps;
	b->n = n;
	b->fn = fn;
	atomic_store(&arrived, 0);
	if (pthread_create(&b->t, NULL, bg_main, b) != 0) {
		fprintf(stderr, "meet-load: pthread_create failed\n");
		exit(1);
	}
}

static void fan_report(unsigned n, double gap)
{
	double *all = calloc((size_t)G.n_halls * n, sizeof(*all));
	size_t m = 0, missing = 0;
	const char *first;
	unsigned bad = failures(G.hp, G.n_halls, &first);

	for (unsigned i = 0; i < G.n_halls; i++)
		for (unsigned k = 0; k < n; k++)
			if (G.hp[i].lat[k] >= 0)
				all[m++] = G.hp[i].lat[k] * 1000;
			else
				missing++;
	qsort(all, m, sizeof(*all), cmp_double);
	printf("fanout retries=%u halls=%u pages=%u gap_ms=%.0f received=%zu missing=%zu failed=%u "
	       "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f error=\"%s\"\n",
	       atomic_exchange(&connect_retries, 0), G.n_halls, n, gap * 1000, m, missing, bad,
	       quantile(all, m, 0.5), quantile(all, m, 0.99), m ? all[m - 1] : 0, first);
	free(all);
}

static void cmd_fanout(unsigned n, double gap)
{
	struct client *chair = NULL;
	struct proto_node *resp = NULL;
	char page[24];
	struct bg b;
	int rc;

	if (n == 0 || n > FAN_MAX) {
		printf("fanout error=\"1 to %d pages\"\n", FAN_MAX);
		return;
	}
	fan_n = n;
	fan_base = 1 + G.fan_runs++ * n;
	for (unsigned k = 0; k < n; k++)
		atomic_store(&fan_sent[k], 0);
	for (unsigned i = 0; i < G.n_halls; i++)
		G.hp[i].lat = realloc(G.hp[i].lat, n * sizeof(double));
	if ((rc = dconnect(&chair, &G.chair)) < 0) {
		printf("fanout error=\"chair: %s\"\n", err_detail());
		return;
	}
	bg_start(&b, G.hp, G.n_halls, fan_main);
	wait_arrived(G.n_halls);
	usleep(200000); /* the last joins are answered */
	for (unsigned k = 0; k < n && rc == E_OK; k++) {
		snprintf(page, sizeof(page), "%u", fan_base + k);
		atomic_store(&fan_sent[k], now());
		rc = request(chair, &resp, "meeting.goto", "item", "1", "page", page, NULL);
		proto_node_free(resp);
		usleep((useconds_t)(gap * 1e6));
	}
	if (rc < 0)
		fprintf(stderr, "meet-load: goto: %s\n", err_detail());
	pthread_join(b.t, NULL);
	client_close(chair);
	fan_report(n, gap);
}

static void *vote_main(void *arg)
{
	struct peer *p = arg;
	struct client *cl = NULL;
	struct proto_node *resp = NULL;
	char n[16];
	int rc = dconnect(&cl, p->ident);

	if (rc == E_OK)
		snprintf(p->person, sizeof(p->person), "%s", client_person(cl));
	atomic_fetch_add(&arrived, 1);
	pthread_mutex_lock(&go_mu);
	while (!go)
		pthread_cond_wait(&go_cv, &go_mu);
	pthread_mutex_unlock(&go_mu);
	snprintf(n, sizeof(n), "%u", vote_n);
	p->sent = now();
	if (rc == E_OK)
		rc = request(cl, &resp, "meeting.vote", "vote", n, "choice", choices[p->choice],
			     NULL);
	p->ack = now();
	proto_node_free(resp);
	if (rc == E_OK && p->dup) {
		int r2 = request(cl, &resp, "meeting.vote", "vote", n, "choice", "no", NULL);

		p->dup = r2 == E_EXISTS ? 2 : 3;
		proto_node_free(resp);
	}
	if (rc < 0)
		peer_fail(p, rc);
	client_close(cl);
	return NULL;
}

/* The named result of vote_n against what the voters were acknowledged. */
static int check_named(const struct proto_node *show, unsigned *named)
{
	int ok = 1;

	*named = 0;
	for (const struct proto_node *b = show->child; b; b = b->next) {
		const char *who = proto_attr(b, "person"), *c = proto_attr(b, "choice");
		unsigned i;

		if (strcmp(b->name, "ballot") != 0)
			continue;
		(*named)++;
		for (i = 0; i < G.n_voters && strcmp(G.vp[i].person, who ? who : ""); i++)
			;
		if (i == G.n_voters || G.vp[i].rc < 0 || !c ||
		    strcmp(c, choices[G.vp[i].choice]) != 0)
			ok = 0;
	}
	return ok;
}

static void vote_report(double t_go, struct proto_node *closed, struct proto_node *show)
{
	double *lat = calloc(G.n_voters, sizeof(*lat)), first = 1e300, last = 0, last_ack = 0;
	uint64_t want[3] = {0, 0, 0}, got[3] = {0, 0, 0};
	unsigned acked = 0, dup_ref = 0, dup_acc = 0, named = 0, bad;
	const char *err;
	int named_ok = show && check_named(show, &named);

	for (unsigned i = 0; i < G.n_voters; i++) {
		const struct peer *p = &G.vp[i];

		if (p->rc < 0)
			continue;
		lat[acked++] = (p->ack - p->sent) * 1000;
		want[p->choice]++;
		first = p->sent < first ? p->sent : first;
		last = p->sent > last ? p->sent : last;
		last_ack = p->ack > last_ack ? p->ack : last_ack;
		dup_ref += p->dup == 2;
		dup_acc += p->dup == 3;
	}
	qsort(lat, acked, sizeof(*lat), cmp_double);
	for (int c = 0; closed && c < 3; c++)
		proto_attr_u64(closed, choices[c], &got[c]);
	bad = failures(G.vp, G.n_voters, &err);
	printf("vote retries=%u n=%u voters=%u acked=%u failed=%u send_spread_ms=%.1f "
	       "all_acked_ms=%.1f "
	       "p50_ms=%.1f p99_ms=%.1f max_ms=%.1f yes=%llu/%llu no=%llu/%llu "
	       "abstain=%llu/%llu named=%u named_ok=%d dup_refused=%u dup_accepted=%u "
	       "counts_ok=%d error=\"%s\"\n",
	       atomic_exchange(&connect_retries, 0), vote_n, G.n_voters, acked, bad,
	       acked ? (last - first) * 1000 : 0, acked ? (last_ack - t_go) * 1000 : 0,
	       quantile(lat, acked, 0.5), quantile(lat, acked, 0.99), acked ? lat[acked - 1] : 0,
	       (unsigned long long)got[0], (unsigned long long)want[0], (unsigned long long)got[1],
	       (unsigned long long)want[1], (unsigned long long)got[2], (unsigned long long)want[2],
	       named, named_ok, dup_ref, dup_acc,
	       closed && got[0] == want[0] && got[1] == want[1] && got[2] == want[2] &&
		       named == acked,
	       err);
	free(lat);
}

static void cmd_vote(void)
{
	struct client *chair = NULL;
	struct proto_node *resp = NULL, *closed = NULL, *show = NULL;
	uint64_t v = 0;
	double t_go;
	struct bg b;
	int rc;

	for (unsigned i = 0; i < G.n_voters; i++) {
		G.vp[i].choice =
			i % 5 < 3 ? 0 : (int)(i % 5) - 2; /* 3/5 yes, 1/5 no, 1/5 abstain */
		G.vp[i].dup = i % 10 == 0;
		G.vp[i].person[0] = '\0';
	}
	go = 0;
	if ((rc = dconnect(&chair, &G.chair)) < 0) {
		printf("vote error=\"chair: %s\"\n", err_detail());
		return;
	}
	bg_start(&b, G.vp, G.n_voters, vote_main);
	wait_arrived(G.n_voters);
	rc = request(chair, &resp, "meeting.vote.open", "item", "1", "motion",
		     "Thông qua báo cáo (đo tải)", NULL);
	if (rc == E_OK && proto_attr_u64(resp, "vote", &v) < 0)
		rc = err_set(E_PROTO, "vote.open without vote");
	if (rc < 0)
		fprintf(stderr, "meet-load: vote.open: %s\n", err_detail());
	vote_n = (unsigned)v; /* 0 on failure: every ballot is refused */
	pthread_mutex_lock(&go_mu);
	go = 1;
	t_go = now();
	pthread_cond_broadcast(&go_cv);
	pthread_mutex_unlock(&go_mu);
	pthread_join(b.t, NULL);
	if (rc == E_OK) {
		char n[16];

		snprintf(n, sizeof(n), "%u", vote_n);
		if (request(chair, &closed, "meeting.vote.close", "vote", n, NULL) < 0 ||
		    request(chair, &show, "meeting.vote.show", "vote", n, NULL) < 0)
			fprintf(stderr, "meet-load: vote.close/show: %s\n", err_detail());
	}
	vote_report(t_go, closed, show);
	proto_node_free(resp);
	proto_node_free(closed);
	proto_node_free(show);
	client_close(chair);
}

/* Decrypts the PKCS#12 file of @id into its credentials. */
static int ident_load(struct ident *id)
{
	int r;

	if (gnutls_certificate_allocate_credentials(&id->cred) < 0)
		return err_set(E_NOMEM, "credentials");
	r = gnutls_certificate_set_x509_trust_file(id->cred, G.ca, GNUTLS_X509_FMT_PEM);
	if (r <= 0)
		return err_set(E_TLS, "no CA certificate in %s", G.ca);
	r = gnutls_certificate_set_x509_simple_pkcs12_file(id->cred, id->path, GNUTLS_X509_FMT_DER,
							   G.password);
	return r < 0 ? err_set(E_CRYPTO, "%s: %s", id->path, gnutls_strerror(r)) : E_OK;
}

/* Identities loaded by the threads of load_all, taken by index. */
static struct ident *all_ids[IDENTS_MAX + 1];
static unsigned n_all;
static atomic_uint next_load;
static atomic_int load_failed;

static void *load_main(void *arg)
{
	unsigned i;

	(void)arg;
	while ((i = atomic_fetch_add(&next_load, 1)) < n_all)
		if (ident_load(all_ids[i]) < 0) {
			fprintf(stderr, "meet-load: %s\n", err_detail());
			atomic_store(&load_failed, 1);
		}
	return NULL;
}

static int load_all(void)
{
	pthread_t t[LOAD_THREADS];

	all_ids[n_all++] = &G.chair;
	for (unsigned i = 0; i < G.n_halls; i++)
		all_ids[n_all++] = &G.halls[i];
	for (unsigned i = 0; i < G.n_voters; i++)
		all_ids[n_all++] = &G.voters[i];
	for (unsigned i = 0; i < LOAD_THREADS; i++)
		pthread_create(&t[i], NULL, load_main, NULL);
	for (unsigned i = 0; i < LOAD_THREADS; i++)
		pthread_join(t[i], NULL);
	return atomic_load(&load_failed) ? E_CRYPTO : E_OK;
}

/* The identity files listed in @path, one a line. */
static int read_list(const char *path, struct ident **out, unsigned *n)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	*out = calloc(IDENTS_MAX, sizeof(**out));
	*n = 0;
	if (!f || !*out)
		return err_set(E_IO, "cannot read %s", path);
	while (fgets(line, sizeof(line), f) && *n < IDENTS_MAX) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			(*out)[(*n)++].path = strdup(line);
	}
	fclose(f);
	return *n ? E_OK : err_set(E_INVAL, "%s lists no identity", path);
}

static void usage(void)
{
	fprintf(stderr, "usage: meet-load --server HOST:PORT --ca CA.pem --meeting ID "
			"--chair CHAIR.p12 --halls LIST --voters LIST\n"
			"  (identity password in DINH_PASSWORD; commands on stdin: "
			"fetch [fresh] | fanout N [GAP_MS] | vote | quit)\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	const char *server = NULL, *halls = NULL, *voters = NULL;
	char *colon;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--server"))
			server = v;
		else if (!strcmp(k, "--ca"))
			G.ca = v;
		else if (!strcmp(k, "--meeting"))
			G.meeting = v;
		else if (!strcmp(k, "--chair"))
			G.chair.path = strdup(v);
		else if (!strcmp(k, "--halls"))
			halls = v;
		else if (!strcmp(k, "--voters"))
			voters = v;
		else
			usage();
	}
	G.password = getenv("DINH_PASSWORD");
	if (!server || !G.ca || !G.meeting || !G.chair.path || !halls || !voters || !G.password ||
	    !(colon = strrchr(server, ':')))
		usage();
	G.host = strndup(server, (size_t)(colon - server));
	G.port = colon + 1;
	if (read_list(halls, &G.halls, &G.n_halls) < 0 ||
	    read_list(voters, &G.voters, &G.n_voters) < 0 ||
	    G.n_halls + G.n_voters + 1 > IDENTS_MAX) {
		fprintf(stderr, "meet-load: %s\n", err_detail());
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char line[256];
	double t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	gnutls_global_init();
	t0 = now();
	if (load_all() < 0)
		return 1;
	G.hp = calloc(G.n_halls, sizeof(*G.hp));
	G.vp = calloc(G.n_voters, sizeof(*G.vp));
	for (unsigned i = 0; i < G.n_halls; i++)
		G.hp[i] = (struct peer){.ident = &G.halls[i], .idx = i};
	for (unsigned i = 0; i < G.n_voters; i++)
		G.vp[i] = (struct peer){.ident = &G.voters[i], .idx = i};
	printf("loaded identities=%u seconds=%.1f\n", n_all, now() - t0);
	while (fgets(line, sizeof(line), stdin)) {
		unsigned n = 0, gap = 20;

		if (!strncmp(line, "fetch", 5))
			cmd_fetch(strstr(line, "fresh") != NULL);
		else if (sscanf(line, "fanout %u %u", &n, &gap) >= 1)
			cmd_fanout(n, gap / 1000.0);
		else if (!strncmp(line, "vote", 4))
			cmd_vote();
		else if (!strncmp(line, "quit", 4))
			break;
		else
			printf("error=\"unknown command\"\n");
	}
	return 0;
}
