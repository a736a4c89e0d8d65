/*
 * harness_tls.c: the raw GnuTLS client of the integration tests: connects
 * with any identity, priority or ALPN, sends arbitrary bytes or frames and
 * reads frames back, with timeouts so that a silent server fails a test
 * instead of hanging it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "common/err.h"
#include "tests/integration/harness.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Sets up credentials and the session of @c for @opts. */
static int tls_setup(struct hx_conn *c, const struct hx_tls_opts *opts)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t s = NULL;
	const char *prio = opts && opts->priority ? opts->priority : "NORMAL";
	const char *alpn = opts && opts->alpn ? opts->alpn : PROTO_ALPN;
	int r;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return err_set(E_NOMEM, "credentials");
	c->cred = cred;
	if (opts && opts->ca_path &&
	    gnutls_certificate_set_x509_trust_file(cred, opts->ca_path, GNUTLS_X509_FMT_PEM) <= 0)
		return err_set(E_TLS, "cannot load trust file %s", opts->ca_path);
	if (opts && opts->ident) {
		gnutls_datum_t k = {(unsigned char *)opts->ident->key_pem,
				    (unsigned)strlen(opts->ident->key_pem)};
		gnutls_datum_t x = {(unsigned char *)opts->ident->cert_pem,
				    (unsigned)strlen(opts->ident->cert_pem)};

		r = gnutls_certificate_set_x509_key_mem(cred, &x, &k, GNUTLS_X509_FMT_PEM);
		if (r < 0)
			return err_set(E_TLS, "client key/cert: %s", gnutls_strerror(r));
	}
	if (gnutls_init(&s, GNUTLS_CLIENT) < 0)
		return err_set(E_NOMEM, "gnutls_init");
	c->session = s;
	r = gnutls_priority_set_direct(s, prio, NULL);
	if (r >= 0)
		r = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	if (r >= 0 && alpn[0]) {
		gnutls_datum_t p = {(unsigned char *)alpn, (unsigned)strlen(alpn)};

		r = gnutls_alpn_set_protocols(s, &p, 1, 0);
	}
	if (r < 0)
		return err_set(E_TLS, "session setup: %s", gnutls_strerror(r));
	if (opts && opts->ca_path)
		gnutls_session_set_verify_cert(s, opts->verify_name, 0);
	gnutls_transport_set_int(s, c->fd);
	gnutls_handshake_set_timeout(s, HX_IO_TIMEOUT_MS * 2);
	return E_OK;
}

int hx_connect(struct hx_conn **out, uint16_t port, const struct hx_tls_opts *opts)
{
	struct hx_conn *c = calloc(1, sizeof(*c));
	int rc, r;

	*out = NULL;
	hx_init();
	if (!c)
		return err_set(E_NOMEM, "conn");
	c->fd = -1;
	c->next_id = 1;
	buf_init(&c->in, 2 * PROTO_FRAME_MAX);
	rc = hx_tcp_connect(&c->fd, port, 0);
	if (rc == E_OK)
		rc = tls_setup(c, opts);
	if (rc < 0)
		goto fail;
	do {
		r = gnutls_handshake(c->session);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		rc = err_set(E_TLS, "handshake: %s", gnutls_strerror(r));
		goto fail;
	}
	if (opts && opts->alpn && opts->alpn[0] == '\0') {
		/* nothing negotiated, by request */
	} else {
		gnutls_datum_t sel;

		if (gnutls_alpn_get_selected_protocol(c->session, &sel) < 0 ||
		    sel.size != strlen(PROTO_ALPN) || memcmp(sel.data, PROTO_ALPN, sel.size) != 0) {
			rc = err_set(E_TLS, "ALPN %s not selected", PROTO_ALPN);
			goto fail;
		}
	}
	*out = c;
	return E_OK;
fail:
	hx_close(c);
	return rc;
}

int hx_connect_hello(struct hx_conn **out, uint16_t port, const struct hx_tls_opts *opts)
{
	int rc = hx_connect(out, port, opts);

	if (rc == E_OK)
		rc = hx_hello(*out);
	if (rc < 0 && *out) {
		hx_close(*out);
		*out = NULL;
	}
	return rc;
}

void hx_close(struct hx_conn *c)
{
	if (!c)
		return;
	if (c->session) {
		if (!c->eof) {
			gnutls_record_set_timeout(c->session, 200);
			gnutls_bye(c->session, GNUTLS_SHUT_WR);
		}
		gnutls_deinit(c->session);
	}
	if (c->cred)
		gnutls_certificate_free_credentials(c->cred);
	if (c->fd >= 0)
		close(c->fd);
	buf_free(&c->in);
	free(c);
}

int hx_send(struct hx_conn *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = gnutls_record_send(c->session, p, len);

		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n < 0)
			return err_set(E_IO, "send: %s", gnutls_strerror((int)n));
		p += n;
		len -= (size_t)n;
	}
	return E_OK;
}

int hx_send_xml(struct hx_conn *c, const char *xml)
{
	uint8_t hdr[PROTO_HDR_LEN];
	size_t len = strlen(xml);
	int rc;

	proto_frame_header(hdr, PROTO_T_CONTROL, (uint32_t)len);
	rc = hx_send(c, hdr, sizeof(hdr));
	return rc < 0 ? rc : hx_send(c, xml, len);
}

int hx_send_node(struct hx_conn *c, const struct proto_node *n)
{
	struct buf b;
	int rc;

	buf_init(&b, PROTO_FRAME_MAX);
	rc = proto_control_build(&b, n);
	if (rc == E_OK)
		rc = hx_send(c, b.data, b.len);
	buf_free(&b);
	return rc;
}

int hx_send_chunk(struct hx_conn *c, uint32_t id, const uint8_t sha256[32], uint64_t offset,
		  const void *data, uint32_t len)
{
	struct buf b;
	int rc;

	buf_init(&b, PROTO_FRAME_MAX);
	rc = proto_chunk_build(&b, id, sha256, offset, data, len);
	if (rc == E_OK)
		rc = hx_send(c, b.data, b.len);
	buf_free(&b);
	return rc;
}

/* Reads more bytes into c->in within @ms. */
static int fill(struct hx_conn *c, int ms)
{
	uint8_t *p;
	ssize_t n;

	if (c->eof)
		return err_set(E_IO, "connection closed");
	p = buf_reserve(&c->in, 16384);
	if (!p)
		return err_set(E_TOOBIG, "input buffer full");
	gnutls_record_set_timeout(c->session, (unsigned)(ms > 0 ? ms : 1));
	do {
		n = gnutls_record_recv(c->session, p, 16384);
	} while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	if (n == GNUTLS_E_TIMEDOUT)
		return err_set(E_TIMEOUT, "no data within %d ms", ms);
	if (n == 0 || n < 0) {
		c->eof = 1;
		return err_set(E_IO, "connection closed: %s", n ? gnutls_strerror((int)n) : "EOF");
	}
	buf_commit(&c->in, (size_t)n);
	return E_OK;
}

int hx_recv_frame(struct hx_conn *c, int ms, uint8_t *type, uint8_t **body, uint32_t *len)
{
	long deadline = now_ms() + ms;
	struct proto_frame f;
	size_t used;
	int rc;

	*body = NULL;
	*len = 0;
	for (;;) {
		rc = proto_frame_parse(c->in.data, c->in.len, &f, &used);
		if (rc == E_OK)
			break;
		if (rc != E_AGAIN)
			return rc;
		rc = fill(c, (int)(deadline - now_ms()));
		if (rc < 0)
			return rc;
	}
	*type = f.type;
	*len = f.len;
	*body = malloc(f.len + 1u);
	if (!*body)
		return err_set(E_NOMEM, "frame");
	memcpy(*body, f.body, f.len);
	(*body)[f.len] = 0;
	buf_consume(&c->in, used);
	return E_OK;
}

int hx_recv_node(struct hx_conn *c, int ms, struct proto_node **out)
{
	uint8_t type, *body = NULL;
	uint32_t len;
	int rc;

	*out = NULL;
	rc = hx_recv_frame(c, ms, &type, &body, &len);
	if (rc == E_OK && type != PROTO_T_CONTROL)
		rc = err_set(E_PROTO, "expected a CONTROL frame, got type %u", type);
	if (rc == E_OK)
		rc = proto_control_parse(body, len, out);
	free(body);
	return rc;
}

int hx_wait_closed(struct hx_conn *c, int ms)
{
	long deadline = now_ms() + ms;

	while (!c->eof) {
		long left = deadline - now_ms();

		if (left <= 0)
			return 0;
		buf_reset(&c->in);
		if (fill(c, (int)left) == E_TIMEOUT)
			return 0;
	}
	return 1;
}

int hx_err_code(const struct proto_node *n)
{
	const char *code;

	if (!n || strcmp(n->name, "err") != 0)
		return E_OK;
	code = proto_attr(n, "code");
	return code ? err_from_name(code) : E_UNKNOWN;
}

int hx_hello(struct hx_conn *c)
{
	struct proto_node *n = NULL;
	int rc;

	rc = hx_send_xml(c, "<hello min=\"1\" max=\"1\" agent=\"dinh-tests/0.1\"/>");
	if (rc == E_OK)
		rc = hx_recv_node(c, HX_IO_TIMEOUT_MS, &n);
	if (rc == E_OK && strcmp(n->name, "hello") != 0) {
		rc = hx_err_code(n);
		if (rc == E_OK)
			rc = err_set(E_PROTO, "answer to hello is <%s>", n->name);
		else
			err_set(rc, "hello refused: %s", n->text ? n->text : "");
	}
	proto_node_free(n);
	return rc;
}

/* Waits for the <resp>/<err> of request @id (events skipped). */
static int wait_answer(struct hx_conn *c, uint32_t id, struct proto_node **resp)
{
	for (;;) {
		struct proto_node *n = NULL;
		uint64_t got;
		int rc = hx_recv_node(c, HX_IO_TIMEOUT_MS, &n);

		if (rc < 0)
			return rc;
		if (strcmp(n->name, "event") == 0) {
			proto_node_free(n);
			continue;
		}
		if (proto_attr_u64(n, "id", &got) < 0) {
			/* a connection-level error (no id) ends the session */
			rc = hx_err_code(n);
			proto_node_free(n);
			return rc < 0 ? rc : err_set(E_PROTO, "answer without id");
		}
		if (got != id) {
			proto_node_free(n);
			return err_set(E_PROTO, "answer for id %llu, expected %u",
				       (unsigned long long)got, id);
		}
		rc = hx_err_code(n);
		if (rc == E_OK && strcmp(n->name, "resp") != 0)
			rc = err_set(E_PROTO, "unexpected <%s>", n->name);
		if (rc == E_OK && resp)
			*resp = n;
		else
			proto_node_free(n);
		return rc;
	}
}

int hx_request(struct hx_conn *c, const char *op, struct proto_node *req, struct proto_node **resp,
	       uint32_t *id_out)
{
	uint32_t id = c->next_id++;
	int rc;

	if (resp)
		*resp = NULL;
	if (!req)
		req = proto_node_new("req");
	if (!req)
		return err_set(E_NOMEM, "request");
	rc = proto_node_set_u64(req, "id", id);
	if (rc == E_OK)
		rc = proto_node_set(req, "op", op);
	if (rc == E_OK)
		rc = hx_send_node(c, req);
	proto_node_free(req);
	if (id_out)
		*id_out = id;
	return rc < 0 ? rc : wait_answer(c, id, resp);
}

int hx_call(struct hx_conn *c, struct proto_node **resp, const char *op, ...)
{
	struct proto_node *req = proto_node_new("req");
	va_list ap;
	int rc = req ? E_OK : E_NOMEM;

	va_start(ap, op);
	for (const char *k = va_arg(ap, const char *); k && rc == E_OK;
	     k = va_arg(ap, const char *))
		rc = proto_node_set(req, k, va_arg(ap, const char *));
	va_end(ap);
	if (rc < 0) {
		proto_node_free(req);
		return rc;
	}
	return hx_request(c, op, req, resp, NULL);
}

void hx_sha256(uint8_t out[32], const void *data, size_t len)
{
	gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, out);
}

void hx_fill_random(uint8_t *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed ? seed : 0x9e3779b9u;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)(x >> 24);
	}
}
