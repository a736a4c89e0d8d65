/*
 * fixture.h: Check-side helpers of the integration tests.  One daemon per
 * test: fx_start() makes a scratch data directory, starts dinhd in it and
 * loads the admin identity; fx_teardown() (a checked fixture) kills what is
 * left and removes the directory, also when a test failed.  The fx_assert_*
 * and fx_expect_* helpers fail the running test with a clear message (and
 * dump dinhd.log when a log line is missing).
 */
#ifndef DINH_TESTS_FIXTURE_H
#define DINH_TESTS_FIXTURE_H

#include <stdint.h>

#include "tests/integration/harness.h"

#define FX_LOG_WAIT_MS 5000

extern char *fx_dir;                     /* data directory of the running test */
extern struct hx_daemon *fx_d;           /* its daemon, NULL once stopped */
extern struct hx_ident fx_admin;         /* admin/admin.p12 */
extern char fx_ca_path[4096];            /* DATA/ca/ca.pem */
extern struct hx_tls_opts fx_admin_opts; /* the admin, trusting the commune CA */

long fx_now_ms(void);

/* Fresh data directory with @conf as dinhd.conf (NULL for none), daemon started. */
void fx_start(const char *conf);
/* SIGTERM; asserts exit status 0. */
void fx_stop_ok(void);
void fx_teardown(void);

/* A well-behaved client (the admin) is served: hello and ping. */
void fx_assert_served(void);
/* Fails with the log dumped unless @found. */
void fx_assert_log(int found, const char *what);
/* A log line naming @peer ("127.0.0.1:port") and @word (when not NULL). */
void fx_assert_log_peer(const char *peer, const char *word);
/* The next frame is <err code=@code> (or @alt when non-zero; or the
 * connection closed when @or_closed), then the connection closes. */
void fx_expect_error_then_close(struct hx_conn *c, int code, int alt, int or_closed);

/* user.add (hall.add when @roles is NULL) through the admin session @c with
 * a fresh key: fills @id, returns the person id (malloc'd). */
char *fx_add_user(struct hx_conn *c, const char *name, const char *roles, struct hx_ident *id);

/* Sends CHUNK frames of @data[from, to) for request @id. */
void fx_send_range(struct hx_conn *c, uint32_t id, const uint8_t sha[32], const uint8_t *data,
		   uint64_t from, uint64_t to);
/* file.put: the server's error code, or E_OK with status=ready (asserted),
 * *have and the request *id. */
int fx_put_begin(struct hx_conn *c, const uint8_t sha[32], uint64_t size, uint32_t *id,
		 uint64_t *have);
/* The answer after the last chunk: E_OK for status=stored, else the error code. */
int fx_put_end(struct hx_conn *c, uint32_t id);
/* file.get from @offset, every byte compared with @data. */
void fx_get_check(struct hx_conn *c, const uint8_t sha[32], const uint8_t *data, uint64_t size,
		  uint64_t offset);

#endif
