/*
 * harness.h: helpers for the integration tests of dinhd over real TLS on
 * loopback: scratch directories, starting and stopping the daemon with its
 * log captured, and a raw GnuTLS client that can send arbitrary bytes or
 * frames and read frames back.
 *
 * Every function returns E_OK or a negative E_* code of common/err.h.
 */
#ifndef DINH_TESTS_HARNESS_H
#define DINH_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/proto.h"

#define HX_START_TIMEOUT_MS 10000 /* dinhd.addr must appear within this */
#define HX_STOP_TIMEOUT_MS 15000  /* SIGTERM must end dinhd within this */
#define HX_IO_TIMEOUT_MS 5000     /* default wait for a reply */

/* A running dinhd. */
struct hx_daemon {
	pid_t pid;      /* -1 once reaped */
	char *dir;      /* the data directory (borrowed from the caller's copy) */
	char *log_path; /* DIR/dinhd.log, stderr of the daemon (truncated per start) */
	uint16_t port;  /* the first port of dinhd.addr */
};

/* Ignores SIGPIPE and registers hx_cleanup() with atexit(); idempotent,
 * called by every function that starts something. */
void hx_init(void);

/* Check runs each test in a child that leaves with _exit() when an assertion
 * fails, so neither atexit() nor teardown runs then.  The test program's
 * main() therefore calls hx_run_begin() (makes /tmp/dinh-it-XXXXXX and
 * exports it as DINH_IT_ROOT) and hx_run_end() (removes it whatever the
 * tests left); daemons die with their test process (PR_SET_PDEATHSIG). */
int hx_run_begin(void);
void hx_run_end(void);

/* Creates a scratch directory (under $DINH_IT_ROOT when set, else /tmp),
 * malloc'd path, registered for removal by hx_cleanup(). */
int hx_mkdtemp(char **out);

/* Kills every daemon still running and removes every scratch directory;
 * registered with atexit() by hx_mkdtemp(), safe to call more than once. */
void hx_cleanup(void);

/* Starts $top_builddir/server/dinhd -d --data-dir @dir --listen 127.0.0.1:0
 * (plus @extra, NULL-terminated, may be NULL) with stderr into
 * @dir/dinhd.log and waits for @dir/dinhd.addr. */
int hx_daemon_start(struct hx_daemon **out, const char *dir, const char *const *extra);

/* SIGTERM, then hx_daemon_wait(). */
int hx_daemon_stop(struct hx_daemon *d, int *status);

/* Waits up to HX_STOP_TIMEOUT_MS for the daemon to exit (SIGKILL and
 * E_TIMEOUT after that); *status is the exit code (or 128 + signal).
 * The daemon is freed in any case. */
int hx_daemon_wait(struct hx_daemon *d, int *status);

/* Sends @sig to the daemon. */
int hx_daemon_signal(struct hx_daemon *d, int sig);

/* The daemon log as a malloc'd string (empty if missing). */
char *hx_log_read(const struct hx_daemon *d);

/* Number of (non-overlapping) occurrences of @needle in @hay. */
size_t hx_count(const char *hay, const char *needle);

/* Waits up to @ms for a log line containing every one of the NULL-terminated
 * needles (on the same line).  1 if found, 0 if not. */
int hx_log_wait(const struct hx_daemon *d, int ms, ...) __attribute__((sentinel));

/* Reads a whole small file into a malloc'd NUL-terminated string (NULL if missing). */
char *hx_slurp(const char *dir, const char *name, size_t *len);

/* The admin identity of @dir: key and certificate PEM read from
 * admin/admin.p12 with the password of admin/admin.pass. */
struct hx_ident {
	char *key_pem;
	char *cert_pem;
};
int hx_ident_admin(struct hx_ident *out, const char *dir);
void hx_ident_clear(struct hx_ident *id);

/* A plain TCP connection to 127.0.0.1:@port (blocking unless @nonblock). */
int hx_tcp_connect(int *fd, uint16_t port, int nonblock);

/* The local port of the last hx_tcp_connect() (hx_connect uses it too), so
 * that a test can find the log lines about its own connection even when the
 * handshake failed: "127.0.0.1:<port>". */
const char *hx_last_peer(void);

/* Waits up to @ms for the peer to close a plain socket, discarding input.
 * 1 closed, 0 not. */
int hx_fd_wait_closed(int fd, int ms);

/* Options of a TLS connection; zero for defaults. */
struct hx_tls_opts {
	const struct hx_ident *ident; /* client certificate, NULL for none */
	const char *ca_path;          /* trust anchor; NULL: no verification */
	const char *verify_name;      /* with ca_path: also check this host name or IP */
	const char *priority;         /* NULL: "NORMAL" */
	const char *alpn;             /* NULL: PROTO_ALPN; "" for no ALPN */
};

struct hx_conn {
	int fd;
	void *session; /* gnutls_session_t */
	void *cred;    /* gnutls_certificate_credentials_t */
	struct buf in; /* received bytes not yet parsed */
	int eof;       /* the peer closed */
	uint32_t next_id;
};

/* Connects and runs the TLS handshake (E_TLS if it fails; the detail names
 * the GnuTLS error). */
int hx_connect(struct hx_conn **out, uint16_t port, const struct hx_tls_opts *opts);
/* Connects, handshakes and exchanges hello; the server's error code when it
 * answers with <err> (E_AUTH, E_REVOKED...). */
int hx_connect_hello(struct hx_conn **out, uint16_t port, const struct hx_tls_opts *opts);
void hx_close(struct hx_conn *c);

/* Sends raw bytes inside TLS. */
int hx_send(struct hx_conn *c, const void *data, size_t len);
/* Sends a CONTROL frame with @xml as the body, byte for byte. */
int hx_send_xml(struct hx_conn *c, const char *xml);
/* Sends a tree as a CONTROL frame. */
int hx_send_node(struct hx_conn *c, const struct proto_node *n);
/* Sends one CHUNK frame. */
int hx_send_chunk(struct hx_conn *c, uint32_t id, const uint8_t sha256[32], uint64_t offset,
		  const void *data, uint32_t len);

/* Reads one frame within @ms: type and a copy of the body (malloc'd).
 * E_TIMEOUT, E_IO when the peer closed (or TLS failed), E_PROTO/E_TOOBIG. */
int hx_recv_frame(struct hx_conn *c, int ms, uint8_t *type, uint8_t **body, uint32_t *len);
/* Reads the next CONTROL frame (CHUNK frames before it are an error: E_PROTO). */
int hx_recv_node(struct hx_conn *c, int ms, struct proto_node **out);

/* Waits up to @ms for the peer to close, discarding what arrives.  1 closed, 0 not. */
int hx_wait_closed(struct hx_conn *c, int ms);

/* Sends <hello min=1 max=1/> and reads the answer: E_OK for <hello>, the
 * error code of an <err>, E_IO if closed. */
int hx_hello(struct hx_conn *c);

/* Sends <req id=N op=@op> with @req's attributes and children (owned, may be
 * NULL); waits for its answer: E_OK and *resp (may be NULL to drop it) or the
 * error code of the <err>.  Events in between are skipped. */
int hx_request(struct hx_conn *c, const char *op, struct proto_node *req, struct proto_node **resp,
	       uint32_t *id_out);
/* hx_request with attributes given as NULL-terminated key, value pairs. */
int hx_call(struct hx_conn *c, struct proto_node **resp, const char *op, ...)
	__attribute__((sentinel));

/* The code of an <err> node (E_UNKNOWN if unknown), E_OK for anything else. */
int hx_err_code(const struct proto_node *n);

/* SHA-256 of @data. */
void hx_sha256(uint8_t out[32], const void *data, size_t len);
/* Deterministic pseudo-random bytes. */
void hx_fill_random(uint8_t *buf, size_t len, uint32_t seed);

/* Writes a small file @name in @dir with @text (mode 0644). */
int hx_write_file(const char *dir, const char *name, const char *text);

#endif
