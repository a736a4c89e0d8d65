/*
 * fixture.c: the Check-side helpers shared by the integration tests: one
 * daemon per test in a scratch directory, the admin's session, assertions on
 * errors and log lines, users and file transfers over the wire.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/proto.h"
#include "signing/ident.h"
#include "tests/integration/fixture.h"

/* One daemon per test, in its own scratch directory. */
char *fx_dir;
struct hx_daemon *fx_d;
struct hx_ident fx_admin;
char fx_ca_path[4096];
struct hx_tls_opts fx_admin_opts;

long fx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Starts a daemon on a fresh data directory holding @conf as dinhd.conf
 * (NULL: no configuration file) and loads the admin identity. */
void fx_start(const char *conf)
{
	ck_assert_int_eq(hx_mkdtemp(&fx_dir), E_OK);
	if (conf)
		ck_assert_int_eq(hx_write_file(fx_dir, "dinhd.conf", conf), E_OK);
	ck_assert_msg(hx_daemon_start(&fx_d, fx_dir, NULL) == E_OK, "dinhd start: %s",
		      err_detail());
	ck_assert_msg(hx_ident_admin(&fx_admin, fx_dir) == E_OK, "admin identity: %s",
		      err_detail());
	snprintf(fx_ca_path, sizeof(fx_ca_path), "%s/ca/ca.pem", fx_dir);
	fx_admin_opts.ident = &fx_admin;
	fx_admin_opts.ca_path = fx_ca_path;
}

/* SIGTERM; the daemon must exit 0. */
void fx_stop_ok(void)
{
	int st = -1;

	ck_assert_msg(hx_daemon_stop(fx_d, &st) == E_OK, "stop: %s", err_detail());
	fx_d = NULL;
	ck_assert_int_eq(st, 0);
}

void fx_teardown(void)
{
	int st;

	if (fx_d)
		hx_daemon_stop(fx_d, &st);
	fx_d = NULL;
	hx_ident_clear(&fx_admin);
	free(fx_dir);
	fx_dir = NULL;
	hx_cleanup();
}

/* A well-behaved client (the admin) connects, says hello and pings. */
void fx_assert_served(void)
{
	struct hx_conn *c = NULL;
	struct proto_node *r = NULL;
	int rc = hx_connect_hello(&c, fx_d->port, &fx_admin_opts);

	ck_assert_msg(rc == E_OK, "well-behaved client refused: %s (%s)", err_name(rc),
		      err_detail());
	rc = hx_call(c, &r, "ping", NULL);
	ck_assert_msg(rc == E_OK, "ping failed: %s (%s)", err_name(rc), err_detail());
	ck_assert_ptr_nonnull(proto_attr(r, "time"));
	proto_node_free(r);
	hx_close(c);
}

/* Dumps the log on failure so the cause is visible in the test output. */
void fx_assert_log(int found, const char *what)
{
	if (!found) {
		char *log = hx_log_read(fx_d);

		fprintf(stderr, "---- dinhd.log ----\n%s\n-------------------\n", log);
		free(log);
	}
	ck_assert_msg(found, "no log line %s", what);
}

/* A log line naming the peer @peer (and @word when not NULL). */
void fx_assert_log_peer(const char *peer, const char *word)
{
	char what[160];

	snprintf(what, sizeof(what), "naming %s %s", peer, word ? word : "");
	fx_assert_log(word ? hx_log_wait(fx_d, FX_LOG_WAIT_MS, peer, word, NULL)
			   : hx_log_wait(fx_d, FX_LOG_WAIT_MS, peer, NULL),
		      what);
}

/* The next frame is an <err> with @code (or, when @or_closed, the
 * connection was closed instead); then the connection must close. */
void fx_expect_error_then_close(struct hx_conn *c, int code, int alt, int or_closed)
{
	struct proto_node *n = NULL;
	int rc = hx_recv_node(c, HX_IO_TIMEOUT_MS, &n);

	if (rc == E_IO && or_closed)
		return;
	ck_assert_msg(rc == E_OK, "no error frame: %s (%s)", err_name(rc), err_detail());
	rc = hx_err_code(n);
	ck_assert_msg(rc == code || (alt && rc == alt), "got <%s code=%s>, expected %s", n->name,
		      proto_attr(n, "code") ? proto_attr(n, "code") : "-", err_name(code));
	proto_node_free(n);
	ck_assert_msg(hx_wait_closed(c, HX_IO_TIMEOUT_MS), "connection not closed after %s",
		      err_name(code));
}

/* Adds a person through the admin session @c: a fresh key, a CSR, user.add.
 * Fills @id (key and certificate) and returns the person id (malloc'd). */
char *fx_add_user(struct hx_conn *c, const char *name, const char *roles, struct hx_ident *id)
{
	struct proto_node *req = proto_node_new("req"), *r = NULL;
	const struct proto_node *cert;
	char *csr = NULL, *pid;
	int rc;

	ck_assert_ptr_nonnull(req);
	ck_assert_int_eq(ident_keygen(&id->key_pem), E_OK);
	ck_assert_int_eq(ident_csr(id->key_pem, name, &csr), E_OK);
	ck_assert_int_eq(proto_node_set(req, "name", name), E_OK);
	if (roles)
		ck_assert_int_eq(proto_node_set(req, "roles", roles), E_OK);
	ck_assert_int_eq(proto_node_set_text(proto_node_add(req, "csr"), csr), E_OK);
	rc = hx_request(c, roles ? "user.add" : "hall.add", req, &r, NULL);
	ck_assert_msg(rc == E_OK, "%s: %s (%s)", roles ? "user.add" : "hall.add", err_name(rc),
		      err_detail());
	cert = proto_child(r, "cert");
	ck_assert_msg(cert && cert->text, "user.add without <cert>");
	ck_assert_ptr_nonnull(proto_attr(r, "person"));
	id->cert_pem = strdup(cert->text);
	pid = strdup(proto_attr(r, "person"));
	proto_node_free(r);
	free(csr);
	return pid;
}

/* Sends chunks of @data[from, to) for request @id. */
void fx_send_range(struct hx_conn *c, uint32_t id, const uint8_t sha[32], const uint8_t *data,
		   uint64_t from, uint64_t to)
{
	while (from < to) {
		uint32_t n = to - from > PROTO_CHUNK_DATA_MAX ? PROTO_CHUNK_DATA_MAX
							      : (uint32_t)(to - from);

		ck_assert_int_eq(hx_send_chunk(c, id, sha, from, data + from, n), E_OK);
		from += n;
	}
}

/* file.put: returns `have` and the request id (status must be ready). */
int fx_put_begin(struct hx_conn *c, const uint8_t sha[32], uint64_t size, uint32_t *id,
		 uint64_t *have)
{
	struct proto_node *req = proto_node_new("req"), *r = NULL;
	char hex[65];
	int rc;

	*have = 0;
	proto_hex(hex, sha);
	proto_node_set(req, "sha256", hex);
	proto_node_set_u64(req, "size", size);
	rc = hx_request(c, "file.put", req, &r, id);
	if (rc < 0)
		return rc;
	ck_assert_str_eq(proto_attr(r, "status"), "ready");
	ck_assert_int_eq(proto_attr_u64(r, "have", have), E_OK);
	proto_node_free(r);
	return E_OK;
}

/* The answer after the last chunk of request @id. */
int fx_put_end(struct hx_conn *c, uint32_t id)
{
	struct proto_node *n = NULL;
	uint64_t got = 0;
	int rc = hx_recv_node(c, HX_IO_TIMEOUT_MS * 2, &n);

	ck_assert_msg(rc == E_OK, "no answer to the upload: %s", err_name(rc));
	ck_assert_int_eq(proto_attr_u64(n, "id", &got), E_OK);
	ck_assert_uint_eq(got, id);
	rc = hx_err_code(n);
	if (rc == E_OK)
		ck_assert_str_eq(proto_attr(n, "status"), "stored");
	proto_node_free(n);
	return rc;
}

/* file.get from @offset; checks every byte against @data. */
void fx_get_check(struct hx_conn *c, const uint8_t sha[32], const uint8_t *data, uint64_t size,
		  uint64_t offset)
{
	struct proto_node *req = proto_node_new("req"), *r = NULL;
	uint64_t got = 0, at = offset;
	uint32_t id;
	char hex[65];

	proto_hex(hex, sha);
	proto_node_set(req, "sha256", hex);
	proto_node_set_u64(req, "offset", offset);
	ck_assert_int_eq(hx_request(c, "file.get", req, &r, &id), E_OK);
	ck_assert_int_eq(proto_attr_u64(r, "size", &got), E_OK);
	ck_assert_uint_eq(got, size);
	proto_node_free(r);
	while (at < size) {
		struct proto_frame f;
		struct proto_chunk ch;
		uint8_t type, *body = NULL;
		uint32_t len;

		ck_assert_int_eq(hx_recv_frame(c, HX_IO_TIMEOUT_MS, &type, &body, &len), E_OK);
		ck_assert_int_eq(type, PROTO_T_CHUNK);
		f.type = type;
		f.body = body;
		f.len = len;
		ck_assert_int_eq(proto_chunk_parse(&f, &ch), E_OK);
		ck_assert_uint_eq(ch.id, id);
		ck_assert_uint_eq(ch.offset, at);
		ck_assert(ch.len > 0 && at + ch.len <= size);
		ck_assert_msg(memcmp(ch.data, data + at, ch.len) == 0, "bad bytes at %llu",
			      (unsigned long long)at);
		at += ch.len;
		free(body);
	}
}
