/*
 * dinh-load.c: the load generator of the benchmark (tests/bench/run.sh):
 * parses the command line, loads the client identity, prepares the requests,
 * runs the worker threads of load-conn.c and prints one `name: value unit`
 * line per figure.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/proto.h"
#include "tests/bench/load.h"

#define THREADS_MAX 64
#define PASS_MAX 256
#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3" /* TLS 1.3 only */

static volatile sig_atomic_t got_signal;

struct opts {
	const char *mode, *host, *p12, *pass_file, *key, *cert, *ca, *sha256, *path;
	unsigned port, conc, total, threads;
	double seconds;
	uint64_t size;
};

static void usage(FILE *f)
{
	fputs("usage: dinh-load MODE -p PORT (--p12 FILE --pass-file FILE | --key PEM --cert PEM)\n"
	      "         [--host 127.0.0.1] [--ca PEM] [-c CONC] [-n N] [-t THREADS] [-d SECONDS]\n"
	      "         [--sha256 HEX] [--size BYTES] [--path /file]\n"
	      "MODE: handshake | idle | download | https-handshake | https-idle | https-download\n"
	      "  handshake  full TLS 1.3 handshakes + hello for -d seconds, -c at once\n"
	      "  idle       open -n sessions (-c handshakes at once), hold them -d seconds\n"
	      "  download   -n clients fetch --sha256 (dinh) or --path (https) once, all at\n"
	      "             once; -d is the timeout (default 120); --size checks the bytes\n",
	      f);
}

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

/* Strict decimal parse of @s into *out within [min, max]. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return err_set(E_INVAL, "bad number \"%s\"", s);
	*out = v;
	return E_OK;
}

/* A duration in seconds, 0 < d < one day. */
static int parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !(*out > 0 && *out < 86400))
		return err_set(E_INVAL, "bad duration \"%s\"", s);
	return E_OK;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{"port", 1, NULL, 'p'},      {"host", 1, NULL, 'H'},    {"p12", 1, NULL, 'P'},
		{"pass-file", 1, NULL, 'W'}, {"key", 1, NULL, 'k'},     {"cert", 1, NULL, 'C'},
		{"ca", 1, NULL, 'a'},        {"conc", 1, NULL, 'c'},    {"count", 1, NULL, 'n'},
		{"threads", 1, NULL, 't'},   {"seconds", 1, NULL, 'd'}, {"sha256", 1, NULL, 's'},
		{"size", 1, NULL, 'z'},      {"path", 1, NULL, 'u'},    {"help", 0, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	uint64_t v;
	int ch, rc = E_OK;

	o->host = "127.0.0.1";
	o->path = "/file";
	o->conc = 64;
	o->total = 100;
	o->threads = 1;
	o->seconds = 0; /* mode default: handshake 10, idle 5 (hold), download 120 (timeout) */
	while (rc == E_OK && (ch = getopt_long(argc, argv, "p:c:n:t:d:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'p':
			rc = parse_u64(optarg, 1, 65535, &v);
			o->port = (unsigned)v;
			break;
		case 'H':
			o->host = optarg;
			break;
		case 'P':
			o->p12 = optarg;
			break;
		case 'W':
			o->pass_file = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'C':
			o->cert = optarg;
			break;
		case 'a':
			o->ca = optarg;
			break;
		case 'c':
			rc = parse_u64(optarg, 1, 1000000, &v);
			o->conc = (unsigned)v;
			break;
		case 'n':
			rc = parse_u64(optarg, 1, 1000000, &v);
			o->total = (unsigned)v;
			break;
		case 't':
			rc = parse_u64(optarg, 1, THREADS_MAX, &v);
			o->threads = (unsigned)v;
			break;
		case 'd':
			rc = parse_seconds(optarg, &o->seconds);
			break;
		case 's':
			o->sha256 = optarg;
			break;
		case 'z':
			rc = parse_u64(optarg, 1, UINT64_MAX, &o->size);
			break;
		case 'u':
			o->path = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return err_set(E_INVAL, "bad option");
		}
	}
	if (rc < 0)
		return rc;
	if (optind + 1 != argc || !o->port || !(o->p12 || (o->key && o->cert)))
		return err_set(E_INVAL, "need MODE, --port and a client identity");
	o->mode = argv[optind];
	return E_OK;
}

static int parse_mode(struct load_cfg *cfg, const char *mode)
{
	if (strncmp(mode, "https-", 6) == 0) {
		cfg->https = 1;
		mode += 6;
	}
	if (strcmp(mode, "handshake") == 0)
		cfg->mode = LOAD_HANDSHAKE;
	else if (strcmp(mode, "idle") == 0)
		cfg->mode = LOAD_IDLE;
	else if (strcmp(mode, "download") == 0)
		cfg->mode = LOAD_DOWNLOAD;
	else
		return err_set(E_INVAL, "unknown mode \"%s\"", mode);
	return E_OK;
}

/* Reads the one-line password of @path into @pass (wiped by the caller). */
static int read_pass(char pass[PASS_MAX], const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return err_set(E_IO, "%s: %s", path, strerror(errno));
	n = fread(pass, 1, PASS_MAX - 1, f);
	fclose(f);
	pass[n] = '\0';
	pass[strcspn(pass, "\r\n")] = '\0';
	return E_OK;
}

/* Client credentials from a PKCS#12 bundle or PEM files; trust from --ca. */
static int load_cred(struct load_cfg *cfg, const struct opts *o)
{
	char pass[PASS_MAX] = "";
	int r, rc = E_OK;

	if (gnutls_certificate_allocate_credentials(&cfg->cred) < 0)
		return err_set(E_NOMEM, "credentials");
	if (o->p12) {
		if (o->pass_file)
			rc = read_pass(pass, o->pass_file);
		if (rc < 0)
			goto out;
		r = gnutls_certificate_set_x509_simple_pkcs12_file(cfg->cred, o->p12,
								   GNUTLS_X509_FMT_DER, pass);
	} else {
		r = gnutls_certificate_set_x509_key_file(cfg->cred, o->cert, o->key,
							 GNUTLS_X509_FMT_PEM);
	}
	if (r < 0) {
		rc = err_set(E_TLS, "client identity: %s", gnutls_strerror(r));
		goto out;
	}
	if (o->ca &&
	    gnutls_certificate_set_x509_trust_file(cfg->cred, o->ca, GNUTLS_X509_FMT_PEM) <= 0) {
		rc = err_set(E_TLS, "cannot load %s", o->ca);
		goto out;
	}
	cfg->verify = o->ca != NULL;
	r = gnutls_priority_init(&cfg->prio, PRIORITY, NULL);
	if (r < 0)
		rc = err_set(E_TLS, "priority: %s", gnutls_strerror(r));
out:
	gnutls_memset(pass, 0, sizeof(pass));
	return rc;
}

/* Appends the CONTROL frame of one XML element with NULL-terminated
 * key/value pairs to @b. */
static int build_control(struct buf *b, const char *name, const char *const *kv)
{
	struct proto_node *n = proto_node_new(name);
	int rc = n ? E_OK : err_set(E_NOMEM, "node");

	for (; rc == E_OK && kv[0]; kv += 2)
		rc = proto_node_set(n, kv[0], kv[1]);
	if (rc == E_OK)
		rc = proto_control_build(b, n);
	proto_node_free(n);
	return rc;
}

/* The bytes each connection sends: hello (+ file.get) or an HTTP GET. */
static int build_requests(struct load_cfg *cfg, const struct opts *o, struct buf *first,
			  struct buf *second)
{
	const char *hello[] = {"min", "1", "max", "1", "agent", "dinh-load/0.1", NULL};
	const char *get[] = {"id", "1", "op", "file.get", "sha256", o->sha256, "offset", "0", NULL};
	int rc;

	if (cfg->https) {
		rc = buf_printf(first, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n",
				cfg->mode == LOAD_DOWNLOAD ? o->path : "/hello", o->host);
	} else {
		rc = build_control(first, "hello", hello);
		if (rc == E_OK && cfg->mode == LOAD_DOWNLOAD) {
			if (!o->sha256)
				return err_set(E_INVAL, "download needs --sha256");
			rc = build_control(second, "req", get);
		}
	}
	cfg->req_first = first->data;
	cfg->req_first_len = first->len;
	cfg->req_second = second->data;
	cfg->req_second_len = second->len;
	return rc;
}

/* Raises RLIMIT_NOFILE to its hard limit; warns when @need is over it. */
static void raise_nofile(unsigned need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur != RLIM_INFINITY && need + 32 > rl.rlim_cur)
		fprintf(stderr, "dinh-load: warning: %u connections, RLIMIT_NOFILE %llu\n", need,
			(unsigned long long)rl.rlim_cur);
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static atomic_uint finished;

static void *worker_main(void *arg)
{
	struct load_worker *w = arg;
	int rc = load_worker_run(w);

	if (rc < 0)
		fprintf(stderr, "dinh-load: worker: %s\n", err_detail());
	atomic_fetch_add(&finished, 1);
	return NULL;
}

static uint64_t sum_atomic(struct load_worker *w, unsigned n, size_t off)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v += atomic_load((atomic_uint_fast64_t *)((char *)&w[i].st + off));
	return v;
}

/* Idle mode, main thread: reports once every session is open, then holds. */
static void idle_watch(struct load_cfg *cfg, struct load_worker *w, double t0)
{
	double ramp, hold_end;

	while (!got_signal && atomic_load(&cfg->ramp_done) < cfg->threads)
		usleep(20000);
	ramp = load_now() - t0;
	printf("established: %llu sessions\nfailed: %llu sessions\nramp_s: %.2f s\n",
	       (unsigned long long)sum_atomic(w, cfg->threads,
					      offsetof(struct load_stats, established)),
	       (unsigned long long)sum_atomic(w, cfg->threads, offsetof(struct load_stats, failed)),
	       ramp);
	fflush(stdout);
	hold_end = load_now() + cfg->seconds;
	while (!got_signal && load_now() < hold_end)
		usleep(20000);
	printf("held: %llu sessions\n",
	       (unsigned long long)sum_atomic(w, cfg->threads,
					      offsetof(struct load_stats, established)));
	atomic_store(&cfg->stop, 1);
}

/* Prints the figures of @mode; returns the exit status. */
static int report(const struct load_cfg *cfg, struct load_worker *w, double secs, double cpu)
{
	struct load_stats t = {0};

	for (unsigned i = 0; i < cfg->threads; i++) {
		t.done += w[i].st.done;
		t.errors += w[i].st.errors;
		t.bytes += w[i].st.bytes;
		t.short_reads += w[i].st.short_reads;
		if (!t.first_error[0] && w[i].st.first_error[0])
			memcpy(t.first_error, w[i].st.first_error, sizeof(t.first_error));
		if (!t.tls_info[0] && w[i].st.tls_info[0])
			memcpy(t.tls_info, w[i].st.tls_info, sizeof(t.tls_info));
	}
	printf("tls: %s\n", t.tls_info[0] ? t.tls_info : "none");
	if (t.first_error[0])
		printf("first_error: %s\n", t.first_error);
	printf("errors: %llu\nseconds: %.3f s\nclient_cpu_s: %.2f s\n",
	       (unsigned long long)t.errors, secs, cpu);
	if (cfg->mode == LOAD_HANDSHAKE) {
		printf("handshakes: %llu\nhandshakes_per_s: %.0f 1/s\n", (unsigned long long)t.done,
		       (double)t.done / secs);
		return t.done > 0 ? 0 : 1;
	}
	if (cfg->mode == LOAD_DOWNLOAD) {
		printf("downloads: %llu\nshort: %llu\nbytes: %llu B\nmb_per_s: %.1f MB/s\n",
		       (unsigned long long)t.done, (unsigned long long)t.short_reads,
		       (unsigned long long)t.bytes, (double)t.bytes / 1e6 / secs);
		return t.done == cfg->total && t.short_reads == 0 && t.errors == 0 ? 0 : 1;
	}
	return sum_atomic(w, cfg->threads, offsetof(struct load_stats, opened)) == cfg->total ? 0
											      : 1;
}

/* Splits @n as evenly as possible over @k threads: share of thread @i. */
static unsigned split(unsigned n, unsigned k, unsigned i)
{
	return n / k + (i < n % k ? 1 : 0);
}

static int run(struct load_cfg *cfg)
{
	struct load_worker w[THREADS_MAX];
	pthread_t tid[THREADS_MAX];
	double t0, cpu0;
	unsigned started = 0;
	int status;

	memset(w, 0, sizeof(w));
	t0 = load_now();
	cpu0 = cpu_seconds();
	for (unsigned i = 0; i < cfg->threads; i++) {
		w[i].cfg = cfg;
		w[i].epfd = -1;
		w[i].share = split(cfg->total, cfg->threads, i);
		w[i].conc = split(cfg->conc, cfg->threads, i);
		if (w[i].conc == 0)
			w[i].conc = 1;
		if (pthread_create(&tid[i], NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	if (started != cfg->threads) {
		atomic_store(&cfg->stop, 1);
		fprintf(stderr, "dinh-load: cannot start threads\n");
	} else if (cfg->mode == LOAD_IDLE) {
		idle_watch(cfg, w, t0);
	}
	while (atomic_load(&finished) < started) {
		if (got_signal)
			atomic_store(&cfg->stop, 1);
		usleep(20000);
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	status = report(cfg, w, load_now() - t0, cpu_seconds() - cpu0);
	return started == cfg->threads ? status : 1;
}

int main(int argc, char **argv)
{
	static struct load_cfg cfg;
	struct sockaddr_in addr = {.sin_family = AF_INET};
	struct buf first, second;
	struct opts o = {0};
	struct proto_node *warm = NULL;
	int rc, status = 1;

	buf_init(&first, PROTO_CONTROL_MAX);
	buf_init(&second, PROTO_CONTROL_MAX);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	rc = parse_opts(&o, argc, argv);
	if (rc == E_OK)
		rc = parse_mode(&cfg, o.mode);
	if (rc == E_OK && inet_pton(AF_INET, o.host, &addr.sin_addr) != 1)
		rc = err_set(E_INVAL, "host must be an IPv4 address: %s", o.host);
	if (rc < 0) {
		fprintf(stderr, "dinh-load: %s\n", err_detail());
		usage(stderr);
		return 2;
	}
	addr.sin_port = htons((uint16_t)o.port);
	cfg.addr = &addr;
	cfg.conc = cfg.mode == LOAD_HANDSHAKE ? o.conc : (o.conc < o.total ? o.conc : o.total);
	cfg.total = o.total;
	cfg.threads = o.threads;
	cfg.seconds = o.seconds;
	cfg.expect_size = o.size;
	if (cfg.mode == LOAD_DOWNLOAD)
		cfg.conc = o.total; /* every client at once */
	if (o.seconds == 0)
		cfg.seconds = cfg.mode == LOAD_HANDSHAKE ? 10 : cfg.mode == LOAD_IDLE ? 5 : 120;
	raise_nofile(cfg.mode == LOAD_IDLE ? cfg.total : cfg.conc);
	/* Initialises the XML parser on this thread before any worker runs. */
	if (proto_control_parse((const uint8_t *)"<x/>", 4, &warm) == E_OK)
		proto_node_free(warm);
	rc = load_cred(&cfg, &o);
	if (rc == E_OK)
		rc = build_requests(&cfg, &o, &first, &second);
	if (rc < 0)
		fprintf(stderr, "dinh-load: %s\n", err_detail());
	else
		status = run(&cfg);
	if (cfg.prio)
		gnutls_priority_deinit(cfg.prio);
	if (cfg.cred)
		gnutls_certificate_free_credentials(cfg.cred);
	buf_free(&first);
	buf_free(&second);
	return status;
}
