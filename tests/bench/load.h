/*
 * load.h: the load generator of the dinhd benchmark (tests/bench/run.sh).
 *
 * One process, optionally several threads, each with its own epoll loop and
 * its own share of the connections.  Every connection is non-blocking GnuTLS
 * (TLS 1.3, client certificate, no session tickets, so every handshake is a
 * full one).  The same state machine speaks either the dinh protocol
 * (docs/protocol.md, through the common/proto.h codec) or HTTP/1.1 over TLS,
 * so that dinhd and nginx are driven by the same code.
 */
#ifndef DINH_BENCH_LOAD_H
#define DINH_BENCH_LOAD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>

#include "common/buf.h"

struct conn;
struct sockaddr_in;

enum load_mode {
	LOAD_HANDSHAKE, /* handshake + hello (or GET /hello), close, repeat */
	LOAD_IDLE,      /* handshake + hello, then stay open */
	LOAD_DOWNLOAD,  /* handshake + hello + file.get (or GET /file), count bytes */
};

/* What every thread shares; read-only once the threads run, except the
 * atomics. */
struct load_cfg {
	enum load_mode mode;
	int https;                /* 1: HTTP/1.1 over TLS (nginx), 0: dinh/1 */
	struct sockaddr_in *addr; /* the server (127.0.0.1:port) */
	unsigned conc;            /* connections in flight per run (all threads) */
	unsigned total;           /* idle: sessions to open; download: clients */
	unsigned threads;
	double seconds;       /* handshake: duration; idle: hold; download: timeout */
	uint64_t expect_size; /* download: expected bytes per client, 0 = any */
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	int verify;               /* verify the server's chain (--ca given) */
	const uint8_t *req_first; /* bytes sent after the handshake */
	size_t req_first_len;
	const uint8_t *req_second; /* dinh download: file.get after hello */
	size_t req_second_len;
	atomic_int stop;       /* set by the main thread (or a signal) */
	atomic_uint ramp_done; /* idle: threads that finished opening */
};

/* Per-thread counters, summed by the main thread at the end. */
struct load_stats {
	uint64_t done;                    /* completed handshakes / downloads */
	uint64_t errors;                  /* failed connections */
	uint64_t bytes;                   /* payload bytes received (download) */
	uint64_t short_reads;             /* downloads whose byte count did not match */
	atomic_uint_fast64_t established; /* idle: sessions currently open */
	atomic_uint_fast64_t opened;      /* idle: sessions that reached hello */
	atomic_uint_fast64_t failed;      /* idle: attempts that failed */
	char first_error[160];
	char tls_info[160]; /* protocol/kx/cipher of the first session */
};

/* One thread's loop. */
struct load_worker {
	const struct load_cfg *cfg;
	struct load_stats st;
	unsigned share; /* idle/download: connections this thread opens */
	unsigned conc;  /* in-flight cap of this thread */
	int epfd;
	struct conn *conns; /* open connections (private to load-conn.c) */
};

/* Runs one worker until its share is done, its deadline passed or cfg->stop
 * is set.  Returns E_OK or a negative E_* (setup failures only; connection
 * failures are counted in w->st). */
int load_worker_run(struct load_worker *w);

/* Seconds since an arbitrary start (CLOCK_MONOTONIC). */
double load_now(void);

#endif
