/*
 * test_session.c: a session over a socketpair with the plain transport:
 * hello, dispatch (ping, unknown op, role refusal, unknown root), chunk
 * frames without an upload, and the connection-level errors that close
 * (no hello, bad version, garbage, oversized frame, unknown or revoked
 * certificate).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/roles.h"
#include "server/loop.h"
#include "server/server_priv.h"
#include "tests/testutil.h"

#define SERIAL_CLERK "0a01"
#define SERIAL_HALL "0a02"
#define SERIAL_GONE "0a03"

static char dir[64];
static struct server srv;
static struct server_priv priv;
static int peer_fd = -1;

static void add_person(const char *serial, const char *id, unsigned roles)
{
	struct person rec;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.serial, sizeof(rec.serial), "%s", serial);
	snprintf(rec.fingerprint, sizeof(rec.fingerprint), "%064d", 0);
	rec.id = (char *)id;
	rec.name = (char *)"Nguyễn Văn An";
	rec.roles = roles;
	rec.issued = 1;
	ck_assert_int_eq(people_add(srv.people, &rec), E_OK);
}

static void setup(void)
{
	char serial[CA_SERIAL_HEX_MAX];
	char *path;

	log_init("test_session", 0, LOG_LVL_ERR);
	memset(&srv, 0, sizeof(srv));
	memset(&priv, 0, sizeof(priv));
	snprintf(dir, sizeof(dir), "/tmp/dinh-test-session-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = malloc(strlen(dir) + 16);
	ck_assert_ptr_nonnull(path);
	snprintf(path, strlen(dir) + 16, "%s/people.ini", dir);
	ck_assert_int_eq(people_open(&srv.people, path), E_OK);
	free(path);
	add_person(SERIAL_CLERK, "an", ROLE_CLERK);
	add_person(SERIAL_HALL, "thon-1", ROLE_HALL);
	add_person(SERIAL_GONE, "cu", ROLE_CLERK);
	ck_assert_int_eq(people_revoke(srv.people, "cu", serial), E_OK);
	ck_assert_int_eq(config_load(&srv.cfg, NULL), E_OK);
	ck_assert_int_eq(loop_new(&srv.loop), E_OK);
	srv.priv = &priv;
	peer_fd = -1;
}

static void teardown(void)
{
	char path[128];

	while (priv.head)
		session_destroy(priv.head);
	if (peer_fd >= 0)
		close(peer_fd);
	loop_free(srv.loop);
	people_free(srv.people);
	config_free(srv.cfg);
	snprintf(path, sizeof(path), "%s/people.ini", dir);
	unlink(path);
	rmdir(dir);
}

/* A session whose peer presents @serial; the test holds the other end. */
static void open_session(const char *serial)
{
	struct conn *c = NULL;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(conn_plain_new(&c, sv[0], serial), E_OK);
	ck_assert_int_eq(session_start(&srv, c, "test:1"), E_OK);
	ck_assert_uint_eq(priv.n_sessions, 1);
	peer_fd = sv[1];
}

static void stop_cb(struct loop *l, long long id, void *arg)
{
	loop_stop(l);
}

/* Lets the loop work for @ms milliseconds. */
static void spin(long ms)
{
	ck_assert_int_gt(loop_add_timer(srv.loop, ms, stop_cb, NULL), 0);
	ck_assert_int_eq(loop_run(srv.loop), E_OK);
}

static void send_raw(const void *data, size_t len)
{
	ck_assert_int_eq(write(peer_fd, data, len), (ssize_t)len);
}

static void send_xml(const char *xml)
{
	uint8_t hdr[PROTO_HDR_LEN];

	proto_frame_header(hdr, PROTO_T_CONTROL, (uint32_t)strlen(xml));
	send_raw(hdr, sizeof(hdr));
	send_raw(xml, strlen(xml));
}

/* What the server sent: the parsed CONTROL messages, and whether it closed. */
struct reply {
	struct proto_node *msg[16];
	size_t n;
	int eof;
};

static void collect(struct reply *r)
{
	struct buf in;
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	buf_init(&in, 1 << 20);
	for (;;) {
		uint8_t tmp[4096];
		ssize_t n = read(peer_fd, tmp, sizeof(tmp));

		if (n > 0) {
			ck_assert_int_eq(buf_append(&in, tmp, (size_t)n), E_OK);
			continue;
		}
		r->eof = n == 0;
		ck_assert(n == 0 || errno == EAGAIN);
		break;
	}
	while (off < in.len && r->n < 16) {
		struct proto_frame f;
		size_t used = 0;

		ck_assert_int_eq(proto_frame_parse(in.data + off, in.len - off, &f, &used), E_OK);
		ck_assert_int_eq(f.type, PROTO_T_CONTROL);
		ck_assert_int_eq(proto_control_parse(f.body, f.len, &r->msg[r->n]), E_OK);
		r->n++;
		off += used;
	}
	buf_free(&in);
}

static void reply_free(struct reply *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		proto_node_free(r->msg[i]);
}

static void assert_err(const struct proto_node *n, const char *id, const char *code)
{
	ck_assert_str_eq(n->name, "err");
	ck_assert_str_eq(proto_attr(n, "code"), code);
	if (id)
		ck_assert_str_eq(proto_attr(n, "id"), id);
	else
		ck_assert_ptr_null(proto_attr(n, "id"));
}

/* The peer closes its end too; the session must then be gone. */
static void assert_closed(const struct reply *r)
{
	ck_assert_msg(r->eof, "the server did not close the connection");
	close(peer_fd);
	peer_fd = -1;
	spin(30);
	ck_assert_uint_eq(priv.n_sessions, 0);
	ck_assert_uint_eq(priv.n_handshakes, 0);
}

START_TEST(hello_and_requests)
{
	static const uint8_t sha[32];
	struct buf chunk;
	struct reply r;

	open_session(SERIAL_CLERK);
	send_xml("<hello min=\"1\" max=\"3\" agent=\"test\"/>");
	send_xml("<req id=\"1\" op=\"ping\"/>");
	send_xml("<req id=\"2\" op=\"no.such.op\"/>");
	send_xml("<req id=\"3\" op=\"user.list\"/>");
	send_xml("<frobnicate/>");
	buf_init(&chunk, PROTO_FRAME_MAX);
	ck_assert_int_eq(proto_chunk_build(&chunk, 4, sha, 0, "data", 4), E_OK);
	send_raw(chunk.data, chunk.len);
	buf_free(&chunk);
	send_xml("<req id=\"5\" op=\"ping\"/>");
	spin(50);
	collect(&r);
	ck_assert_uint_eq(r.n, 7);
	ck_assert_int_eq(r.eof, 0);
	ck_assert_str_eq(r.msg[0]->name, "hello");
	ck_assert_str_eq(proto_attr(r.msg[0], "version"), "1");
	ck_assert_str_eq(proto_attr(r.msg[0], "person"), "an");
	ck_assert_str_eq(proto_attr(r.msg[0], "name"), "Nguyễn Văn An");
	ck_assert_str_eq(proto_attr(r.msg[0], "roles"), "clerk");
	ck_assert_str_eq(r.msg[1]->name, "resp");
	ck_assert_str_eq(proto_attr(r.msg[1], "id"), "1");
	ck_assert_ptr_nonnull(proto_attr(r.msg[1], "time"));
	assert_err(r.msg[2], "2", "E_UNKNOWN");
	assert_err(r.msg[3], "3", "E_PERM");
	ck_assert_str_eq(r.msg[4]->name, "err");
	ck_assert_str_eq(proto_attr(r.msg[4], "code"), "E_UNKNOWN");
	assert_err(r.msg[5], "4", "E_PROTO");
	ck_assert_str_eq(proto_attr(r.msg[6], "id"), "5");
	reply_free(&r);
	ck_assert_uint_eq(priv.n_sessions, 1);

	/* <bye/>: the server answers in kind and closes. */
	send_xml("<bye/>");
	spin(50);
	collect(&r);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.msg[0]->name, "bye");
	reply_free(&r);
	assert_closed(&r);
}
END_TEST

START_TEST(hall_roles)
{
	struct reply r;

	open_session(SERIAL_HALL);
	send_xml("<hello min=\"1\" max=\"1\"/>");
	send_xml("<req id=\"7\" op=\"whoami\"/>");
	send_xml("<req id=\"8\" op=\"file.put\" sha256=\"00\" size=\"1\"/>");
	spin(50);
	collect(&r);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(proto_attr(r.msg[0], "roles"), "hall");
	ck_assert_str_eq(proto_attr(r.msg[1], "person"), "thon-1");
	assert_err(r.msg[2], "8", "E_PERM");
	reply_free(&r);
}
END_TEST

START_TEST(request_before_hello)
{
	struct reply r;

	open_session(SERIAL_CLERK);
	send_xml("<req id=\"1\" op=\"ping\"/>");
	spin(50);
	collect(&r);
	ck_assert_uint_eq(r.n, 1);
	assert_err(r.msg[0], NULL, "E_PROTO");
	reply_free(&r);
	assert_closed(&r);
}
END_TEST

START_TEST(no_common_version)
{
	struct reply r;

	open_session(SERIAL_CLERK);
	send_xml("<hello min=\"2\" max=\"5\"/>");
	spin(50);
	collect(&r);
	ck_assert_uint_eq(r.n, 1);
	assert_err(r.msg[0], NULL, "E_VERSION");
	reply_free(&r);
	assert_closed(&r);
}
END_TEST

START_TEST(garbage_frame)
{
	static const uint8_t garbage[] = {0, 0, 0, 4, 9, 0, 0, 0, 'j', 'u', 'n', 'k'};
	struct reply r;

	open_session(SERIAL_CLERK);
	send_xml("<hello min=\"1\" max=\"1\"/>");
	send_raw(garbage, sizeof(garbage));
	send_xml("<req id=\"1\" op=\"ping\"/>"); /* never answered */
	spin(50);
	collect(&r);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.msg[0]->name, "hello");
	assert_err(r.msg[1], NULL, "E_PROTO");
	reply_free(&r);
	assert_closed(&r);
}
END_TEST

START_TEST(bad_xml)
{
	struct reply r;

	open_session(SERIAL_CLERK);
	send_xml("<hello min=\"1\" max=\"1\"/>");
	send_xml("<!DOCTYPE x [<!ENTITY a \"b\">]><req id=\"1\" op=\"ping\">&a;</req>");
	spin(50);
	collect(&r);
	ck_assert_uint_eq(r.n, 2);
	assert_err(r.msg[1], NULL, "E_XML");
	reply_free(&r);
	assert_closed(&r);
}
END_TEST

START_TEST(oversized_frame)
{
	uint8_t hdr[PROTO_HDR_LEN];
	struct reply r;

	open_session(SERIAL_CLERK);
	send_xml("<hello min=\"1\" max=\"1\"/>");
	proto_frame_header(hdr, PROTO_T_CONTROL, PROTO_CONTROL_MAX + 1);
	send_raw(hdr, sizeof(hdr));
	send_raw("<req", 4);
	spin(50);
	collect(&r);
	ck_assert_uint_eq(r.n, 2);
	assert_err(r.msg[1], NULL, "E_TOOBIG");
	reply_free(&r);
	assert_closed(&r);
}
END_TEST

START_TEST(unknown_certificate)
{
	struct reply r;

	open_session("ffee");
	send_xml("<hello min=\"1\" max=\"1\"/>"); /* the plain handshake waits for input */
	spin(30);
	collect(&r);
	ck_assert_uint_eq(r.n, 1);
	assert_err(r.msg[0], NULL, "E_AUTH");
	reply_free(&r);
	assert_closed(&r);
}
END_TEST

START_TEST(revoked_certificate)
{
	struct reply r;

	open_session(SERIAL_GONE);
	send_xml("<hello min=\"1\" max=\"1\"/>"); /* the plain handshake waits for input */
	spin(30);
	collect(&r);
	ck_assert_uint_eq(r.n, 1);
	assert_err(r.msg[0], NULL, "E_REVOKED");
	reply_free(&r);
	assert_closed(&r);
}
END_TEST

/* A peer that vanishes mid-frame frees its session. */
START_TEST(peer_hangs_up)
{
	open_session(SERIAL_CLERK);
	send_xml("<hello min=\"1\" max=\"1\"/>");
	send_raw("\0\0\0\x10\x01", 5);
	spin(20);
	ck_assert_uint_eq(priv.n_sessions, 1);
	close(peer_fd);
	peer_fd = -1;
	spin(20);
	ck_assert_uint_eq(priv.n_sessions, 0);
}
END_TEST

static Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("plain");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, hello_and_requests);
	tcase_add_test(tc, hall_roles);
	tcase_add_test(tc, request_before_hello);
	tcase_add_test(tc, no_common_version);
	tcase_add_test(tc, garbage_frame);
	tcase_add_test(tc, bad_xml);
	tcase_add_test(tc, oversized_frame);
	tcase_add_test(tc, unknown_certificate);
	tcase_add_test(tc, revoked_certificate);
	tcase_add_test(tc, peer_hangs_up);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(session_suite());
}
