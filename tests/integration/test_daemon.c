/*
 * test_daemon.c: dinhd over real TLS on loopback, fed bad input: each test
 * checks the error the client gets, the log line dinhd writes about it, and
 * that a well-behaved client is still served afterwards.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/proto.h"
#include "signing/ca.h"
#include "signing/ident.h"
#include "tests/integration/fixture.h"
#include "tests/integration/harness.h"

/* 1. First start creates the data directory; a second start reuses it. */
START_TEST(test_first_start)
{
	static const char *const secret[] = {"ca/ca.key", "server/server.key", "admin/admin.p12",
					     "admin/admin.pass"};
	char *log1, *log2, *ca1, *ca2, *pass, path[4200];
	size_t ca1_len, ca2_len;
	struct stat st;

	fx_start(NULL);
	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fx_dir, secret[i]);
		ck_assert_msg(stat(path, &st) == 0, "%s missing", secret[i]);
		ck_assert_msg((st.st_mode & 0777) == 0600, "%s has mode %o", secret[i],
			      st.st_mode & 0777);
	}
	snprintf(path, sizeof(path), "%s/repo.git", fx_dir);
	ck_assert_msg(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "repo.git missing");
	snprintf(path, sizeof(path), "%s/server/server.pem", fx_dir);
	ck_assert_msg(stat(path, &st) == 0, "server.pem missing");
	fx_assert_served();
	{
		/* the server's certificate names the address clients connect to */
		struct hx_tls_opts o = fx_admin_opts;
		struct hx_conn *c = NULL;

		o.verify_name = "127.0.0.1";
		ck_assert_msg(hx_connect_hello(&c, fx_d->port, &o) == E_OK,
			      "server certificate not valid for 127.0.0.1: %s", err_detail());
		hx_close(c);
	}
	ca1 = hx_slurp(fx_dir, "ca/ca.pem", &ca1_len);
	ck_assert_ptr_nonnull(ca1);
	fx_stop_ok();
	log1 = hx_slurp(fx_dir, "dinhd.log", NULL);
	ck_assert_ptr_nonnull(log1);
	ck_assert_msg(hx_count(log1, "admin/admin.p12") == 1, "admin path logged %zu times:\n%s",
		      hx_count(log1, "admin/admin.p12"), log1);

	ck_assert_int_eq(hx_daemon_start(&fx_d, fx_dir, NULL), E_OK);
	fx_assert_served();
	ca2 = hx_slurp(fx_dir, "ca/ca.pem", &ca2_len);
	ck_assert_ptr_nonnull(ca2);
	ck_assert_msg(ca1_len == ca2_len && memcmp(ca1, ca2, ca1_len) == 0, "CA changed");
	fx_stop_ok();
	log2 = hx_slurp(fx_dir, "dinhd.log", NULL);
	ck_assert_ptr_nonnull(log2);
	ck_assert_msg(hx_count(log2, "admin.p12") == 0 && hx_count(log2, "creat") == 0 &&
			      hx_count(log2, "Creat") == 0,
		      "second start logs a creation:\n%s", log2);

	pass = hx_slurp(fx_dir, "admin/admin.pass", NULL);
	ck_assert_ptr_nonnull(pass);
	pass[strcspn(pass, "\r\n")] = '\0';
	ck_assert_uint_ge(strlen(pass), 8);
	ck_assert_msg(!strstr(log1, pass) && !strstr(log2, pass), "the log holds the password");
	ident_free_secret(pass);
	free(log1);
	free(log2);
	free(ca1);
	free(ca2);
}
END_TEST

/* 2. Plain HTTP instead of a TLS ClientHello: closed, logged. */
START_TEST(test_garbage_before_handshake)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: dinh\r\n\r\n";
	char peer[64];
	int fd = -1;

	fx_start(NULL);
	ck_assert_int_eq(hx_tcp_connect(&fd, fx_d->port, 0), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_int_eq(write(fd, req, sizeof(req) - 1), (ssize_t)(sizeof(req) - 1));
	ck_assert_msg(hx_fd_wait_closed(fd, HX_IO_TIMEOUT_MS), "not closed");
	close(fd);
	fx_assert_log_peer(peer, NULL);
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

/* 3. Random bytes after the handshake, before and after hello. */
START_TEST(test_garbage_after_handshake)
{
	uint8_t junk[4096];
	struct hx_conn *c = NULL;
	char peer[64];

	fx_start(NULL);
	hx_fill_random(junk, sizeof(junk), 7);
	junk[4] = 0x5a; /* never a valid frame type, whatever the seed */
	ck_assert_int_eq(hx_connect(&c, fx_d->port, &fx_admin_opts), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_int_eq(hx_send(c, junk, sizeof(junk)), E_OK);
	fx_expect_error_then_close(c, E_PROTO, E_TOOBIG, 1);
	hx_close(c);
	fx_assert_log_peer(peer, NULL);

	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	hx_fill_random(junk, sizeof(junk), 99);
	junk[4] = 0xee;
	ck_assert_int_eq(hx_send(c, junk, sizeof(junk)), E_OK);
	fx_expect_error_then_close(c, E_PROTO, E_TOOBIG, 1);
	hx_close(c);
	fx_assert_log_peer(peer, NULL);
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

/* 4. Frames announcing more than the caps: E_TOOBIG, then closed. */
START_TEST(test_frame_too_big)
{
	uint8_t hdr[PROTO_HDR_LEN] = {0x7f, 0xff, 0xff, 0xff, PROTO_T_CONTROL, 0, 0, 0};
	struct hx_conn *c = NULL;
	char peer[64];

	fx_start(NULL);
	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_int_eq(hx_send(c, hdr, sizeof(hdr)), E_OK);
	fx_expect_error_then_close(c, E_TOOBIG, 0, 0);
	hx_close(c);
	fx_assert_log_peer(peer, NULL);

	/* a CHUNK one byte over its cap */
	proto_frame_header(hdr, PROTO_T_CHUNK, PROTO_CHUNK_HDR_LEN + PROTO_CHUNK_DATA_MAX + 1);
	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	ck_assert_int_eq(hx_send(c, hdr, sizeof(hdr)), E_OK);
	fx_expect_error_then_close(c, E_TOOBIG, 0, 0);
	hx_close(c);
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

#define SHORT_TIMEOUTS "[server]\nidle-timeout=2\n[tls]\nhandshake-timeout=2\n"

/* 5. A truncated frame, then silence: others are served meanwhile, and the
 * idle timeout closes the silent one. */
START_TEST(test_truncated_frame_idle)
{
	static const uint8_t part[5] = {0, 0, 0, 40, PROTO_T_CONTROL};
	struct hx_conn *c = NULL;
	char peer[64];
	long t0, waited;

	fx_start(SHORT_TIMEOUTS);
	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	t0 = fx_now_ms();
	ck_assert_int_eq(hx_send(c, part, sizeof(part)), E_OK);
	fx_assert_served(); /* while the truncated frame waits */
	ck_assert_msg(hx_wait_closed(c, 10000), "silent session not closed by the idle timeout");
	waited = fx_now_ms() - t0;
	ck_assert_msg(waited >= 1000, "closed after %ld ms, before the idle timeout", waited);
	hx_close(c);
	fx_assert_log_peer(peer, NULL);
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

/* 6. Billion laughs and an external entity: E_XML at once, nothing expanded. */
START_TEST(test_xml_bomb)
{
	static const char bomb[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n<req id=\"1\" op=\"ping\" x=\"&lol9;\">&lol9;</req>";
	static const char xxe[] = "<?xml version=\"1.0\"?>\n"
				  "<!DOCTYPE req [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
				  "<req id=\"2\" op=\"ping\">&x;</req>";
	struct hx_conn *c = NULL;
	char peer[64];
	long t0;

	fx_start(NULL);
	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	t0 = fx_now_ms();
	ck_assert_int_eq(hx_send_xml(c, bomb), E_OK);
	fx_expect_error_then_close(c, E_XML, 0, 0);
	ck_assert_msg(fx_now_ms() - t0 < 1000, "bomb took %ld ms", fx_now_ms() - t0);
	hx_close(c);
	fx_assert_log_peer(peer, NULL);

	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_int_eq(hx_send_xml(c, xxe), E_OK);
	{
		uint8_t type, *body = NULL;
		uint32_t len;

		ck_assert_int_eq(hx_recv_frame(c, HX_IO_TIMEOUT_MS, &type, &body, &len), E_OK);
		ck_assert_msg(!strstr((char *)body, "root:"), "external entity expanded");
		ck_assert_msg(strstr((char *)body, "E_XML"), "no E_XML: %s", body);
		free(body);
	}
	ck_assert(hx_wait_closed(c, HX_IO_TIMEOUT_MS));
	hx_close(c);
	fx_assert_log_peer(peer, NULL);
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

/* 7. Frame type 9 (connection error), unknown op and root (request errors). */
START_TEST(test_unknown_type_and_op)
{
	uint8_t frame[PROTO_HDR_LEN + 4] = {0, 0, 0, 4, 9, 0, 0, 0, 'a', 'b', 'c', 'd'};
	struct proto_node *r = NULL;
	struct hx_conn *c = NULL;
	char peer[64];
	int rc;

	fx_start(NULL);
	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_int_eq(hx_send(c, frame, sizeof(frame)), E_OK);
	fx_expect_error_then_close(c, E_PROTO, 0, 1);
	hx_close(c);
	fx_assert_log_peer(peer, NULL);

	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	rc = hx_call(c, NULL, "no.such.op", NULL);
	ck_assert_msg(rc == E_UNKNOWN, "unknown op gave %s", err_name(rc));
	fx_assert_log(hx_log_wait(fx_d, FX_LOG_WAIT_MS, "no.such.op", NULL),
		      "naming the unknown op");
	ck_assert_int_eq(hx_send_xml(c, "<frobnicate id=\"77\"/>"), E_OK);
	ck_assert_int_eq(hx_recv_node(c, HX_IO_TIMEOUT_MS, &r), E_OK);
	ck_assert_int_eq(hx_err_code(r), E_UNKNOWN);
	proto_node_free(r);
	/* request-level errors leave the session open */
	ck_assert_int_eq(hx_call(c, NULL, "ping", NULL), E_OK);
	hx_close(c);
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

/* 8. A certificate of another CA, and no certificate at all. */
START_TEST(test_foreign_ca)
{
	struct hx_ident other = {NULL, NULL};
	struct hx_tls_opts o = fx_admin_opts;
	struct hx_conn *c = NULL;
	struct ca *ca2 = NULL;
	char serial[CA_SERIAL_HEX_MAX], *dir2 = NULL, ca2dir[4200], peer[64];
	int rc;

	fx_start(NULL);
	ck_assert_int_eq(hx_mkdtemp(&dir2), E_OK);
	snprintf(ca2dir, sizeof(ca2dir), "%s/ca", dir2);
	ck_assert_int_eq(ca_create(ca2dir, "UBND xã Giả Mạo"), E_OK);
	ck_assert_int_eq(ca_open(&ca2, ca2dir), E_OK);
	ck_assert_int_eq(ca_issue_keypair(ca2, CA_PROFILE_CLIENT, "Kẻ Mạo Danh", NULL, 0, 30,
					  &other.key_pem, &other.cert_pem, serial),
			 E_OK);
	o.ident = &other;
	rc = hx_connect_hello(&c, fx_d->port, &o);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_msg(rc == E_AUTH || rc == E_TLS || rc == E_IO, "foreign certificate: %s",
		      err_name(rc));
	fx_assert_log_peer(peer, NULL);

	o.ident = NULL;
	rc = hx_connect_hello(&c, fx_d->port, &o);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_msg(rc == E_AUTH || rc == E_TLS || rc == E_IO, "no certificate: %s",
		      err_name(rc));
	fx_assert_log_peer(peer, NULL);
	fx_assert_served();
	fx_stop_ok();
	hx_ident_clear(&other);
	ca_free(ca2);
	free(dir2);
}
END_TEST

/* 9. Revocation takes effect at once, without a restart; SIGHUP keeps serving. */
START_TEST(test_revoked)
{
	struct hx_ident user = {NULL, NULL};
	struct hx_tls_opts uo = fx_admin_opts;
	struct hx_conn *a = NULL, *u = NULL;
	struct proto_node *r = NULL;
	char *pid, peer[64];
	int rc;

	fx_start(NULL);
	ck_assert_int_eq(hx_connect_hello(&a, fx_d->port, &fx_admin_opts), E_OK);
	pid = fx_add_user(a, "Trần Thị Bình", "officer", &user);
	uo.ident = &user;
	ck_assert_int_eq(hx_connect_hello(&u, fx_d->port, &uo), E_OK);
	ck_assert_int_eq(hx_call(u, &r, "whoami", NULL), E_OK);
	ck_assert_str_eq(proto_attr(r, "name"), "Trần Thị Bình");
	ck_assert_str_eq(proto_attr(r, "person"), pid);
	proto_node_free(r);
	ck_assert_int_eq(hx_call(u, NULL, "ping", NULL), E_OK);

	ck_assert_int_eq(hx_call(a, &r, "user.revoke", "person", pid, NULL), E_OK);
	ck_assert_ptr_nonnull(proto_attr(r, "serial"));
	proto_node_free(r);
	ck_assert_msg(hx_wait_closed(u, HX_IO_TIMEOUT_MS), "revoked session still open");
	hx_close(u);
	fx_assert_log(hx_log_wait(fx_d, FX_LOG_WAIT_MS, "revoked", pid, NULL),
		      "about the revocation");

	rc = hx_connect_hello(&u, fx_d->port, &uo);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_msg(rc == E_REVOKED, "revoked certificate: %s (%s)", err_name(rc), err_detail());
	fx_assert_log_peer(peer, NULL);

	ck_assert_int_eq(hx_daemon_signal(fx_d, SIGHUP), E_OK);
	usleep(300000);
	ck_assert_int_eq(hx_call(a, NULL, "ping", NULL), E_OK);
	fx_assert_served();
	rc = hx_connect_hello(&u, fx_d->port, &uo);
	ck_assert_msg(rc == E_REVOKED, "revoked after SIGHUP: %s", err_name(rc));
	ck_assert_int_eq(hx_call(a, &r, "user.list", NULL), E_OK);
	{
		const struct proto_node *p;
		int found = 0;

		for (p = r->child; p; p = p->next) {
			const char *id = proto_attr(p, "id");

			if (!strcmp(p->name, "person") && id && !strcmp(id, pid)) {
				ck_assert_ptr_nonnull(proto_attr(p, "revoked"));
				found = 1;
			}
		}
		ck_assert_msg(found, "the revoked person is not listed");
	}
	proto_node_free(r);
	hx_close(a);
	fx_stop_ok();
	hx_ident_clear(&user);
	free(pid);
}
END_TEST

/* 10. A clerk may not add users: E_PERM, logged with the op. */
START_TEST(test_role_not_allowed)
{
	struct hx_ident clerk = {NULL, NULL}, x = {NULL, NULL};
	struct hx_tls_opts co = fx_admin_opts;
	struct hx_conn *a = NULL, *k = NULL;
	char *pid;

	fx_start(NULL);
	ck_assert_int_eq(hx_connect_hello(&a, fx_d->port, &fx_admin_opts), E_OK);
	pid = fx_add_user(a, "Lê Văn Cường", "clerk", &clerk);
	co.ident = &clerk;
	ck_assert_int_eq(hx_connect_hello(&k, fx_d->port, &co), E_OK);
	{
		struct proto_node *req = proto_node_new("req");
		char *csr = NULL;
		int rc;

		ck_assert_int_eq(ident_keygen(&x.key_pem), E_OK);
		ck_assert_int_eq(ident_csr(x.key_pem, "Kẻ Leo Thang", &csr), E_OK);
		proto_node_set(req, "name", "Kẻ Leo Thang");
		proto_node_set(req, "roles", "admin");
		proto_node_set_text(proto_node_add(req, "csr"), csr);
		rc = hx_request(k, "user.add", req, NULL, NULL);
		ck_assert_msg(rc == E_PERM, "clerk user.add: %s", err_name(rc));
		free(csr);
	}
	fx_assert_log(hx_log_wait(fx_d, FX_LOG_WAIT_MS, "user.add", pid, NULL),
		      "naming user.add and the clerk");
	ck_assert_int_eq(hx_call(k, NULL, "user.revoke", "person", "admin", NULL), E_PERM);
	ck_assert_int_eq(hx_call(k, NULL, "ping", NULL), E_OK);
	hx_close(k);
	hx_close(a);
	fx_assert_served();
	fx_stop_ok();
	hx_ident_clear(&clerk);
	hx_ident_clear(&x);
	free(pid);
}
END_TEST

#define FILE_LEN (3 * PROTO_CHUNK_DATA_MAX + 12345)

/* 11. Wrong content is refused and discarded; an interrupted upload resumes;
 * downloads from 0 and from the middle return the right bytes. */
START_TEST(test_file_hash_and_resume)
{
	uint8_t *data = malloc(FILE_LEN), *wrong = malloc(FILE_LEN), sha[32];
	struct hx_conn *c = NULL;
	uint64_t have, sent;
	uint32_t id;
	char hex[65], peer[64];
	int rc;

	ck_assert(data && wrong);
	hx_fill_random(data, FILE_LEN, 11);
	memcpy(wrong, data, FILE_LEN);
	wrong[FILE_LEN / 2] ^= 1;
	hx_sha256(sha, data, FILE_LEN);
	proto_hex(hex, sha);
	fx_start(NULL);

	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_int_eq(fx_put_begin(c, sha, FILE_LEN, &id, &have), E_OK);
	ck_assert_uint_eq(have, 0);
	fx_send_range(c, id, sha, wrong, 0, FILE_LEN);
	rc = fx_put_end(c, id);
	ck_assert_msg(rc == E_HASH, "wrong content: %s", err_name(rc));
	fx_assert_log_peer(peer, hex);
	ck_assert_int_eq(hx_call(c, NULL, "file.stat", "sha256", hex, NULL), E_NOTFOUND);
	ck_assert_int_eq(hx_call(c, NULL, "ping", NULL), E_OK);

	/* interrupted after two chunks */
	ck_assert_int_eq(fx_put_begin(c, sha, FILE_LEN, &id, &have), E_OK);
	ck_assert_uint_eq(have, 0);
	sent = 2 * PROTO_CHUNK_DATA_MAX;
	fx_send_range(c, id, sha, data, 0, sent);
	usleep(300000);
	hx_close(c);

	/* resumed from what the server kept */
	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	for (int tries = 0;; tries++) {
		rc = fx_put_begin(c, sha, FILE_LEN, &id, &have);
		if ((rc == E_OK && have == sent) || tries == 20)
			break;
		ck_assert_msg(rc == E_OK || rc == E_BUSY, "resume: %s", err_name(rc));
		/* the old session may still be draining: its lock gives E_BUSY */
		hx_close(c);
		usleep(200000);
		ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	}
	ck_assert_msg(rc == E_OK, "resume: %s", err_name(rc));
	ck_assert_msg(have > 0 && have <= sent, "resume from %llu", (unsigned long long)have);
	fx_send_range(c, id, sha, data, have, FILE_LEN);
	ck_assert_int_eq(fx_put_end(c, id), E_OK);
	{
		struct proto_node *r = NULL;
		uint64_t size = 0;

		ck_assert_int_eq(hx_call(c, &r, "file.stat", "sha256", hex, NULL), E_OK);
		ck_assert_int_eq(proto_attr_u64(r, "size", &size), E_OK);
		ck_assert_uint_eq(size, FILE_LEN);
		proto_node_free(r);
	}
	fx_get_check(c, sha, data, FILE_LEN, 0);
	fx_get_check(c, sha, data, FILE_LEN, FILE_LEN / 2 + 3);
	fx_get_check(c, sha, data, FILE_LEN, FILE_LEN);
	hx_close(c);
	fx_assert_served();
	fx_stop_ok();
	free(data);
	free(wrong);
}
END_TEST

#define SLOW_CONNS 1000

/* 12. A thousand connections that never start TLS do not starve others,
 * and the handshake timeout closes them. */
START_TEST(test_many_silent_connections)
{
	static int fds[SLOW_CONNS];
	struct hx_conn *c = NULL;
	struct proto_node *r = NULL;
	long t0, deadline;
	int closed = 0, rc;

	fx_start(SHORT_TIMEOUTS);
	for (int i = 0; i < SLOW_CONNS; i++)
		ck_assert_msg(hx_tcp_connect(&fds[i], fx_d->port, 1) == E_OK, "connect %d: %s", i,
			      err_detail());
	t0 = fx_now_ms();
	rc = hx_connect_hello(&c, fx_d->port, &fx_admin_opts);
	ck_assert_msg(rc == E_OK, "well-behaved client behind %d silent ones: %s (%s)", SLOW_CONNS,
		      err_name(rc), err_detail());
	ck_assert_int_eq(hx_call(c, &r, "ping", NULL), E_OK);
	/* Generous: on a loaded 2-core machine a lost SYN alone costs 1+2+4 s of
	 * retransmissions; starvation would be the handshake timeout times
	 * SLOW_CONNS / max-handshakes, far more. */
	ck_assert_msg(fx_now_ms() - t0 < 12000, "served only after %ld ms", fx_now_ms() - t0);
	proto_node_free(r);
	hx_close(c);

	/* every silent connection is closed by the handshake timeout */
	deadline = fx_now_ms() + 15000;
	for (int i = 0; i < SLOW_CONNS; i++) {
		long left = deadline - fx_now_ms();

		if (fds[i] >= 0 && left > 0 && hx_fd_wait_closed(fds[i], (int)left))
			closed++;
		close(fds[i]);
		fds[i] = -1;
	}
	ck_assert_msg(closed == SLOW_CONNS, "only %d of %d closed by the handshake timeout", closed,
		      SLOW_CONNS);
	fx_assert_log(hx_log_wait(fx_d, FX_LOG_WAIT_MS, "127.0.0.1", "timeout", NULL) ||
			      hx_log_wait(fx_d, 100, "127.0.0.1", "time", NULL),
		      "about a handshake timeout");
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

/* 13. TLS 1.2 without allow-tls12, and a foreign ALPN, fail the handshake. */
START_TEST(test_tls12_and_alpn)
{
	struct hx_tls_opts o;
	struct hx_conn *c = NULL;
	char peer[64];
	int rc;

	fx_start(NULL);
	o = fx_admin_opts; /* with a valid certificate: only the version is wrong */
	o.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
	rc = hx_connect(&c, fx_d->port, &o);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_msg(rc == E_TLS, "TLS 1.2 accepted");
	fx_assert_log_peer(peer, NULL);

	o = fx_admin_opts;
	o.alpn = "http/1.1";
	rc = hx_connect(&c, fx_d->port, &o);
	snprintf(peer, sizeof(peer), "%s", hx_last_peer());
	ck_assert_msg(rc == E_TLS, "ALPN http/1.1 accepted");
	fx_assert_log_peer(peer, NULL);
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

/* 13b. With allow-tls12, TLS 1.2 works with ECDHE and AEAD only. */
START_TEST(test_tls12_allowed_aead_only)
{
	struct hx_tls_opts o;
	struct hx_conn *c = NULL;
	int rc;

	fx_start("[tls]\nallow-tls12=true\n");
	o = fx_admin_opts; /* the admin identity exists once dinhd has started */
	o.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
	rc = hx_connect_hello(&c, fx_d->port, &o);
	ck_assert_msg(rc == E_OK, "TLS 1.2 with ECDHE-AEAD refused: %s", err_detail());
	ck_assert_int_eq(hx_call(c, NULL, "ping", NULL), E_OK);
	hx_close(c);
	c = NULL;

	/* CBC with a MAC, or RSA key exchange: refused even when 1.2 is allowed. */
	o.priority =
		"NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1:+SHA256";
	ck_assert_int_eq(hx_connect(&c, fx_d->port, &o), E_TLS);
	o.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA";
	ck_assert_int_eq(hx_connect(&c, fx_d->port, &o), E_TLS);
	fx_assert_served();
	fx_stop_ok();
}
END_TEST

#define BIG_LEN (16 * PROTO_CHUNK_DATA_MAX)

/* 14. SIGTERM while a client downloads: the download ends or the connection
 * closes cleanly, and dinhd exits 0. */
START_TEST(test_sigterm_mid_download)
{
	uint8_t *data = malloc(BIG_LEN), sha[32];
	struct proto_node *req, *r = NULL;
	struct hx_conn *c = NULL;
	uint64_t at = 0;
	int st = -1, rc;
	char hex[65];
	uint32_t id;

	ck_assert_ptr_nonnull(data);
	hx_fill_random(data, BIG_LEN, 14);
	hx_sha256(sha, data, BIG_LEN);
	proto_hex(hex, sha);
	fx_start(NULL);
	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &fx_admin_opts), E_OK);
	ck_assert_int_eq(fx_put_begin(c, sha, BIG_LEN, &id, &at), E_OK);
	ck_assert_uint_eq(at, 0);
	fx_send_range(c, id, sha, data, 0, BIG_LEN);
	ck_assert_int_eq(fx_put_end(c, id), E_OK);

	req = proto_node_new("req");
	proto_node_set(req, "sha256", hex);
	proto_node_set(req, "offset", "0");
	ck_assert_int_eq(hx_request(c, "file.get", req, &r, &id), E_OK);
	proto_node_free(r);
	ck_assert_int_eq(hx_daemon_signal(fx_d, SIGTERM), E_OK);
	for (;;) {
		struct proto_frame f;
		struct proto_chunk ch;
		uint8_t type, *body = NULL;
		uint32_t len;

		rc = hx_recv_frame(c, HX_IO_TIMEOUT_MS, &type, &body, &len);
		if (rc == E_IO)
			break; /* closed: acceptable */
		ck_assert_msg(rc == E_OK, "download after SIGTERM: %s", err_name(rc));
		f.type = type;
		f.body = body;
		f.len = len;
		if (type == PROTO_T_CONTROL) {
			ck_assert_msg(strstr((char *)body, "E_SHUTDOWN") ||
					      strstr((char *)body, "bye"),
				      "unexpected %s", body);
			free(body);
			continue;
		}
		ck_assert_int_eq(proto_chunk_parse(&f, &ch), E_OK);
		ck_assert_uint_eq(ch.offset, at);
		ck_assert(memcmp(ch.data, data + at, ch.len) == 0);
		at += ch.len;
		free(body);
		if (at == BIG_LEN)
			break;
	}
	hx_close(c);
	ck_assert_int_eq(hx_daemon_wait(fx_d, &st), E_OK);
	fx_d = NULL;
	ck_assert_int_eq(st, 0);
	free(data);
}
END_TEST

static Suite *daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("bad-input");

	tcase_add_checked_fixture(tc, NULL, fx_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_first_start);
	tcase_add_test(tc, test_garbage_before_handshake);
	tcase_add_test(tc, test_garbage_after_handshake);
	tcase_add_test(tc, test_frame_too_big);
	tcase_add_test(tc, test_truncated_frame_idle);
	tcase_add_test(tc, test_xml_bomb);
	tcase_add_test(tc, test_unknown_type_and_op);
	tcase_add_test(tc, test_foreign_ca);
	tcase_add_test(tc, test_revoked);
	tcase_add_test(tc, test_role_not_allowed);
	tcase_add_test(tc, test_file_hash_and_resume);
	tcase_add_test(tc, test_many_silent_connections);
	tcase_add_test(tc, test_tls12_and_alpn);
	tcase_add_test(tc, test_tls12_allowed_aead_only);
	tcase_add_test(tc, test_sigterm_mid_download);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(daemon_suite());
	int failed;

	if (hx_run_begin() < 0) {
		fprintf(stderr, "%s\n", err_detail());
		return 99;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	hx_run_end();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
