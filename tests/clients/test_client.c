/*
 * test_client.c: the client library and the file commands against a small
 * in-process TLS server that speaks docs/protocol.md: hello, requests,
 * errors, pushed events, chunk streams; plus the certificate, password and
 * host-name checks.  Credentials are made with certtool (gnutls-bin); the
 * suite is skipped (exit 77) without it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <locale.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/i18n.h"

#define FILE_LEN (700 * 1024 + 123) /* three chunks and a bit */

static char dir[64];
static char port_s[16];
static int lfd = -1;
static pthread_t thr;
static int corrupt; /* the mock server flips a byte of file.get data */
static uint8_t *file_data, file_sha[32];
static uint8_t *put_data; /* what the last file.put delivered */
static uint64_t put_len;

static char *p(const char *name)
{
	static char b[16][256];
	static int k;

	k = (k + 1) % 16;
	snprintf(b[k], sizeof(b[k]), "%s/%s", dir, name);
	return b[k];
}

/* ---- the mock server ---- */

struct peer {
	gnutls_session_t s;
	struct buf in;
};

/* gnutls_record_send() takes at most one record: loop. */
static int srv_write(struct peer *c, const void *data, size_t len)
{
	const uint8_t *q = data;
	ssize_t n;

	while (len > 0) {
		n = gnutls_record_send(c->s, q, len);
		if (n < 0)
			return -1;
		q += n;
		len -= (size_t)n;
	}
	return 0;
}

static int srv_send(struct peer *c, const char *xml)
{
	uint8_t hdr[PROTO_HDR_LEN];

	proto_frame_header(hdr, PROTO_T_CONTROL, (uint32_t)strlen(xml));
	if (srv_write(c, hdr, sizeof(hdr)) < 0)
		return -1;
	return srv_write(c, xml, strlen(xml));
}

/* Next frame; its body copied into *body (malloc'd). */
static int srv_read(struct peer *c, struct proto_frame *f, uint8_t **body)
{
	size_t used;
	ssize_t n;
	uint8_t *q;

	for (;;) {
		if (proto_frame_parse(c->in.data, c->in.len, f, &used) == E_OK) {
			*body = malloc(f->len + 1);
			memcpy(*body, f->body, f->len);
			f->body = *body;
			buf_consume(&c->in, used);
			return 0;
		}
		q = buf_reserve(&c->in, 16384);
		n = q ? gnutls_record_recv(c->s, q, 16384) : -1;
		if (n <= 0)
			return -1;
		buf_commit(&c->in, (size_t)n);
	}
}

static void srv_file_get(struct peer *c, uint64_t id, const struct proto_node *req)
{
	struct buf b;
	uint64_t off = 0;
	char xml[128];
	uint8_t *copy = malloc(FILE_LEN);

	proto_attr_u64(req, "offset", &off);
	memcpy(copy, file_data, FILE_LEN);
	if (corrupt)
		copy[FILE_LEN - 5] ^= 1;
	snprintf(xml, sizeof(xml), "<resp id=\"%llu\" size=\"%u\"/>", (unsigned long long)id,
		 FILE_LEN);
	srv_send(c, xml);
	/* an event in the middle of the stream must not disturb the client */
	srv_send(c, "<event seq=\"7\" name=\"page\"/>");
	while (off < FILE_LEN) {
		uint32_t len = FILE_LEN - off > 100000 ? 100000 : (uint32_t)(FILE_LEN - off);

		buf_init(&b, PROTO_FRAME_MAX);
		proto_chunk_build(&b, (uint32_t)id, file_sha, off, copy + off, len);
		srv_write(c, b.data, b.len);
		buf_free(&b);
		off += len;
	}
	free(copy);
}

static void srv_file_put(struct peer *c, uint64_t id, const struct proto_node *req)
{
	struct proto_frame f;
	struct proto_chunk ch;
	uint8_t *body;
	uint64_t size = 0;
	char xml[128];

	proto_attr_u64(req, "size", &size);
	free(put_data);
	put_data = malloc(size + 1);
	put_len = 0;
	snprintf(xml, sizeof(xml), "<resp id=\"%llu\" have=\"0\" status=\"ready\"/>",
		 (unsigned long long)id);
	srv_send(c, xml);
	while (put_len < size && srv_read(c, &f, &body) == 0) {
		if (proto_chunk_parse(&f, &ch) == E_OK && ch.offset == put_len &&
		    ch.len <= size - put_len) {
			memcpy(put_data + put_len, ch.data, ch.len);
			put_len += ch.len;
		}
		free(body);
	}
	snprintf(xml, sizeof(xml), "<resp id=\"%llu\" status=\"stored\" size=\"%llu\"/>",
		 (unsigned long long)id, (unsigned long long)put_len);
	srv_send(c, xml);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *b = calloc(1, 65536);

	if (f) {
		b[fread(b, 1, 65535, f)] = '\0';
		fclose(f);
	}
	return b;
}

/* user.add: certtool plays the CA and signs the request. */
static void srv_user_add(struct peer *c, uint64_t id, const struct proto_node *req)
{
	const struct proto_node *csr = proto_child(req, "csr");
	struct proto_node *r = proto_node_new("resp");
	char cmd[1024], *cert, *ca;
	struct buf b;
	FILE *f = fopen(p("req.pem"), "w");

	fputs(csr && csr->text ? csr->text : "", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && certtool -c --load-request req.pem --load-ca-certificate ca.pem "
		 "--load-ca-privkey ca.key --template cli.t --outfile new.pem >/dev/null 2>&1",
		 dir);
	if (system(cmd) != 0)
		remove(p("new.pem"));
	cert = slurp(p("new.pem"));
	ca = slurp(p("ca.pem"));
	proto_node_set_u64(r, "id", id);
	proto_node_set(r, "person", "nguyen-van-an");
	proto_node_set(r, "serial", "0a1b2c3d4e5f");
	proto_node_set_text(proto_node_add(r, "cert"), cert);
	proto_node_set_text(proto_node_add(r, "ca"), ca);
	buf_init(&b, PROTO_FRAME_MAX);
	proto_control_build(&b, r);
	srv_write(c, b.data, b.len);
	buf_free(&b);
	proto_node_free(r);
	free(cert);
	free(ca);
}

static void srv_request(struct peer *c, const struct proto_node *req)
{
	const char *op = proto_attr(req, "op");
	uint64_t id = 0;
	char xml[256];

	proto_attr_u64(req, "id", &id);
	if (strcmp(op, "ping") == 0) {
		srv_send(c, "<resp id=\"4242\"/>"); /* someone else's reply: ignored */
		srv_send(c, "<event seq=\"1\" name=\"vote\"/>");
		snprintf(xml, sizeof(xml), "<resp id=\"%llu\" time=\"1\"/>",
			 (unsigned long long)id);
	} else if (strcmp(op, "whoami") == 0) {
		snprintf(xml, sizeof(xml),
			 "<resp id=\"%llu\" person=\"an\" name=\"Nguyễn Văn An\" roles=\"clerk\" "
			 "kind=\"person\" serial=\"ab\" fingerprint=\"cd\"/>",
			 (unsigned long long)id);
	} else if (strcmp(op, "file.get") == 0) {
		srv_file_get(c, id, req);
		return;
	} else if (strcmp(op, "file.put") == 0) {
		srv_file_put(c, id, req);
		return;
	} else if (strcmp(op, "user.add") == 0 || strcmp(op, "hall.add") == 0) {
		srv_user_add(c, id, req);
		return;
	} else {
		snprintf(xml, sizeof(xml), "<err id=\"%llu\" code=\"E_PERM\">not for you</err>",
			 (unsigned long long)id);
	}
	srv_send(c, xml);
}

static void srv_session(int fd, gnutls_certificate_credentials_t cred)
{
	gnutls_datum_t alpn = {(unsigned char *)PROTO_ALPN, sizeof(PROTO_ALPN) - 1};
	struct peer c;
	struct proto_frame f;
	struct proto_node *n = NULL;
	uint8_t *body;

	memset(&c, 0, sizeof(c));
	buf_init(&c.in, 2 * PROTO_FRAME_MAX);
	gnutls_init(&c.s, GNUTLS_SERVER | GNUTLS_NO_SIGNAL);
	gnutls_priority_set_direct(c.s, "NORMAL", NULL);
	gnutls_credentials_set(c.s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_certificate_server_set_request(c.s, GNUTLS_CERT_REQUIRE);
	gnutls_session_set_verify_cert(c.s, NULL, 0);
	gnutls_alpn_set_protocols(c.s, &alpn, 1, GNUTLS_ALPN_MANDATORY);
	gnutls_transport_set_int(c.s, fd);
	gnutls_handshake_set_timeout(c.s, 5000);
	gnutls_record_set_timeout(c.s, 5000);
	if (gnutls_handshake(c.s) < 0)
		goto out;
	if (srv_read(&c, &f, &body) < 0)
		goto out;
	free(body);
	srv_send(&c, "<hello version=\"1\" agent=\"mock\" person=\"an\" name=\"Nguyễn Văn An\" "
		     "roles=\"clerk\"/>");
	while (srv_read(&c, &f, &body) == 0) {
		if (f.type == PROTO_T_CONTROL && proto_control_parse(f.body, f.len, &n) == E_OK) {
			if (strcmp(n->name, "req") == 0)
				srv_request(&c, n);
			else if (strcmp(n->name, "bye") == 0)
				f.type = 0;
			proto_node_free(n);
		}
		free(body);
		if (f.type == 0)
			break;
	}
out:
	gnutls_deinit(c.s);
	buf_free(&c.in);
}

static void *srv_main(void *arg)
{
	gnutls_certificate_credentials_t cred;
	int fd;

	gnutls_certificate_allocate_credentials(&cred);
	gnutls_certificate_set_x509_trust_file(cred, p("ca.pem"), GNUTLS_X509_FMT_PEM);
	gnutls_certificate_set_x509_key_file(cred, p("srv.pem"), p("srv.key"), GNUTLS_X509_FMT_PEM);
	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		srv_session(fd, cred);
		close(fd);
	}
	gnutls_certificate_free_credentials(cred);
	return arg;
}

/* ---- fixtures ---- */

static const char certs_sh[] =
	"set -e; cd '%s'; { "
	"printf 'cn=\"Test CA\"\\nca\\ncert_signing_key\\nexpiration_days=30\\n' > ca.t; "
	"printf 'cn=\"server\"\\nip_address=\"127.0.0.1\"\\ntls_www_server\\nsigning_key\\n"
	"expiration_days=30\\n' > srv.t; "
	"printf 'cn=\"Nguyễn Văn An\"\\ntls_www_client\\nsigning_key\\nexpiration_days=30\\n' > "
	"cli.t; "
	"for k in ca other srv cli; do certtool -p --key-type=ecdsa --outfile $k.key; done; "
	"certtool -s --load-privkey ca.key --template ca.t --outfile ca.pem; "
	"certtool -s --load-privkey other.key --template ca.t --outfile other.pem; "
	"certtool -c --load-privkey srv.key --load-ca-certificate ca.pem --load-ca-privkey ca.key "
	"--template srv.t --outfile srv.pem; "
	"certtool -c --load-privkey cli.key --load-ca-certificate ca.pem --load-ca-privkey ca.key "
	"--template cli.t --outfile cli.pem; "
	"certtool --to-p12 --load-privkey cli.key --load-certificate cli.pem --p12-name an "
	"--password 'mật khẩu 1' --outder --outfile cli.p12; "
	"printf 'mật khẩu 1\\n' > pw; printf 'wrong\\n' > badpw; } >/dev/null 2>&1";

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void make_world(void)
{
	char cmd[4096];
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	gnutls_hash_hd_t h;

	snprintf(dir, sizeof(dir), "/tmp/dinh-client-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(cmd, sizeof(cmd), certs_sh, dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "certtool failed\n");
		exit(99);
	}
	file_data = malloc(FILE_LEN);
	for (size_t i = 0; i < FILE_LEN; i++)
		file_data[i] = (uint8_t)(i * 7 + i / 1000);
	gnutls_hash_init(&h, GNUTLS_DIG_SHA256);
	gnutls_hash(h, file_data, FILE_LEN);
	gnutls_hash_deinit(h, file_sha);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 8) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0)
		abort();
	snprintf(port_s, sizeof(port_s), "%u", ntohs(sa.sin_port));
	pthread_create(&thr, NULL, srv_main, NULL);
}

static void end_world(void)
{
	shutdown(lfd, SHUT_RDWR);
	pthread_join(thr, NULL);
	close(lfd);
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(file_data);
	free(put_data);
}

static void opts_default(struct client_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->port = port_s;
	o->ca_file = p("ca.pem");
	o->p12_file = p("cli.p12");
	o->password = "mật khẩu 1";
	o->io_timeout_ms = 5000;
	o->connect_timeout_ms = 5000;
}

/* ---- tests ---- */

START_TEST(test_hello_request_event)
{
	struct client_opts o;
	struct client *cl = NULL;
	struct proto_node *req = proto_node_new("req"), *resp = NULL, *ev = NULL;

	opts_default(&o);
	ck_assert_int_eq(client_connect(&cl, &o), E_OK);
	ck_assert_str_eq(client_person(cl), "an");
	ck_assert_str_eq(client_name(cl), "Nguyễn Văn An");
	ck_assert_str_eq(client_roles(cl), "clerk");
	proto_node_set(req, "op", "ping");
	ck_assert_int_eq(client_request(cl, req, &resp), E_OK);
	ck_assert_str_eq(resp->name, "resp");
	ck_assert_str_eq(proto_attr(resp, "time"), "1");
	ck_assert_str_eq(proto_attr(resp, "id"), proto_attr(req, "id"));
	proto_node_free(resp);
	ck_assert_int_eq(client_next_event(cl, &ev), E_OK);
	ck_assert_str_eq(proto_attr(ev, "name"), "vote");
	proto_node_free(ev);
	ck_assert_int_eq(client_next_event(cl, &ev), E_NOTFOUND);
	/* a second request gets a fresh id */
	ck_assert_int_eq(client_request(cl, req, &resp), E_OK);
	ck_assert_str_eq(proto_attr(resp, "id"), "2");
	proto_node_free(resp);
	/* an <err> becomes its E_* code with the server's text as detail */
	proto_node_set(req, "op", "user.revoke");
	ck_assert_int_eq(client_request(cl, req, &resp), E_PERM);
	ck_assert_ptr_null(resp);
	ck_assert_str_eq(err_detail(), "not for you");
	proto_node_free(req);
	client_close(cl);
}
END_TEST

START_TEST(test_wrong_password)
{
	struct client_opts o;
	struct client *cl = (struct client *)1;

	opts_default(&o);
	o.password = "sai";
	ck_assert_int_eq(client_connect(&cl, &o), E_PASSWORD);
	ck_assert_ptr_null(cl);
	ck_assert_ptr_nonnull(strstr(err_detail(), "cli.p12"));
}
END_TEST

START_TEST(test_foreign_ca_and_wrong_name)
{
	struct client_opts o;
	struct client *cl = NULL;

	opts_default(&o);
	o.ca_file = p("other.pem");
	ck_assert_int_eq(client_connect(&cl, &o), E_TLS);
	ck_assert_ptr_null(cl);
	/* the certificate names 127.0.0.1 only */
	opts_default(&o);
	o.host = "localhost";
	ck_assert_int_eq(client_connect(&cl, &o), E_TLS);
	ck_assert_ptr_null(cl);
	opts_default(&o);
	o.ca_file = p("missing.pem");
	ck_assert_int_eq(client_connect(&cl, &o), E_TLS);
}
END_TEST

START_TEST(test_connect_refused)
{
	struct client_opts o;
	struct client *cl = NULL;

	opts_default(&o);
	o.port = "1";
	ck_assert_int_eq(client_connect(&cl, &o), E_IO);
	ck_assert_ptr_null(cl);
}
END_TEST

/* Runs dinh with the mock's address, CA and identity, then the NULL-terminated
 * arguments; stdout goes to @out_path (or /dev/null). */
static int run_cli_to(const char *out_path, ...)
{
	char addr[64];
	char *argv[24];
	int argc = 0, ex, o2, fd;
	va_list ap;

	snprintf(addr, sizeof(addr), "127.0.0.1:%s", port_s);
	argv[argc++] = "dinh";
	argv[argc++] = "--server";
	argv[argc++] = addr;
	argv[argc++] = "--ca";
	argv[argc++] = p("ca.pem");
	argv[argc++] = "--identity";
	argv[argc++] = p("cli.p12");
	argv[argc++] = "--password-file";
	argv[argc++] = p("pw");
	va_start(ap, out_path);
	while (argc < 23 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	o2 = dup(1);
	fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	ex = cli_main(argc, argv);
	fflush(stdout);
	dup2(o2, 1);
	close(o2);
	close(fd);
	return ex;
}

#define run_cli(...) run_cli_to(NULL, __VA_ARGS__, NULL)

START_TEST(test_cli_file_get)
{
	char hex[65];
	struct stat st;
	FILE *f;
	uint8_t *got = malloc(FILE_LEN + 1);

	proto_hex(hex, file_sha);
	corrupt = 0;
	ck_assert_int_eq(run_cli("file", "get", hex, "-o", p("got")), CLI_EXIT_OK);
	f = fopen(p("got"), "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(got, 1, FILE_LEN + 1, f), FILE_LEN);
	fclose(f);
	ck_assert(memcmp(got, file_data, FILE_LEN) == 0);
	ck_assert_int_ne(stat(p("got.part"), &st), 0);
	/* corrupted on the way: exit 8, nothing kept */
	corrupt = 1;
	ck_assert_int_eq(run_cli("file", "get", hex, "-o", p("bad")), CLI_EXIT_HASH);
	ck_assert_int_ne(stat(p("bad"), &st), 0);
	ck_assert_int_ne(stat(p("bad.part"), &st), 0);
	corrupt = 0;
	/* resume: the first 300000 bytes are already there */
	f = fopen(p("res.part"), "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(file_data, 1, 300000, f);
	fclose(f);
	ck_assert_int_eq(run_cli("file", "get", hex, "-o", p("res")), CLI_EXIT_OK);
	f = fopen(p("res"), "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(got, 1, FILE_LEN + 1, f), FILE_LEN);
	fclose(f);
	ck_assert(memcmp(got, file_data, FILE_LEN) == 0);
	free(got);
}
END_TEST

START_TEST(test_cli_file_put)
{
	char hex[65];
	FILE *f = fopen(p("up.bin"), "wb");

	ck_assert_ptr_nonnull(f);
	fwrite(file_data, 1, FILE_LEN, f);
	fclose(f);
	proto_hex(hex, file_sha);
	ck_assert_int_eq(run_cli("file", "put", p("up.bin")), CLI_EXIT_OK);
	ck_assert_uint_eq(put_len, FILE_LEN);
	ck_assert(memcmp(put_data, file_data, FILE_LEN) == 0);
	ck_assert_int_eq(run_cli("file", "put", p("nope.bin")), CLI_EXIT_IO);
	ck_assert_int_eq(run_cli("whoami"), CLI_EXIT_OK);
	ck_assert_int_eq(run_cli("user", "list"), CLI_EXIT_PERM);
}
END_TEST

/* user add: key and request made here, certificate from the "server",
 * PKCS#12 written 0600, and the new identity can sign in. */
START_TEST(test_cli_user_add)
{
	struct client_opts o;
	struct client *cl = NULL;
	struct stat st;
	char *out;

	setenv("DINH_NEW_PASSWORD", "mật khẩu mới", 1);
	ck_assert_int_eq(run_cli("user", "add", "Nguyễn Văn An", "--roles", "clerk,delegate",
				 "--out", p("an.p12")),
			 CLI_EXIT_OK);
	unsetenv("DINH_NEW_PASSWORD");
	ck_assert_int_eq(stat(p("an.p12"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	opts_default(&o);
	o.p12_file = p("an.p12");
	o.password = "mật khẩu mới";
	ck_assert_int_eq(client_connect(&cl, &o), E_OK);
	client_close(cl);
	/* never overwrites: exit 7 before asking the server */
	ck_assert_int_eq(run_cli("user", "add", "X", "--roles", "clerk", "--out", p("an.p12")),
			 CLI_EXIT_IO);
	/* no password given: one is generated and printed once */
	ck_assert_int_eq(
		run_cli_to(p("stdout"), "hall", "add", "Thôn Đông", "--out", p("hall.p12"), NULL),
		CLI_EXIT_OK);
	out = slurp(p("stdout"));
	ck_assert_ptr_nonnull(strstr(out, "Hand this password"));
	ck_assert_ptr_nonnull(strstr(out, "hall.p12"));
	free(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("mock-server");
	SRunner *sr;
	int failed;

	if (system("certtool --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "SKIP: certtool (gnutls-bin) not installed\n");
		return 77;
	}
	unsetenv("LANGUAGE");
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_init();
	make_world();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_hello_request_event);
	tcase_add_test(tc, test_wrong_password);
	tcase_add_test(tc, test_foreign_ca_and_wrong_name);
	tcase_add_test(tc, test_connect_refused);
	tcase_add_test(tc, test_cli_file_get);
	tcase_add_test(tc, test_cli_file_put);
	tcase_add_test(tc, test_cli_user_add);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* the mock server is a thread of this process: no forking */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	end_world();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
