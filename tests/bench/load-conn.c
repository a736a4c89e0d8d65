/*
 * load-conn.c: the per-connection state machine and the epoll loop of one
 * load-generator thread: non-blocking connect, GnuTLS handshake, then the
 * dinh hello / file.get exchange or an HTTP/1.1 GET, as load.h describes.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/proto.h"
#include "tests/bench/load.h"

#define READ_STEP (64 * 1024)        /* bytes asked from gnutls_record_recv at once */
#define IN_MAX (2 * PROTO_FRAME_MAX) /* cap of a connection's input buffer */
#define HTTP_HDR_MAX (16 * 1024)     /* cap of an HTTP response header */
#define MAX_EVENTS 256

enum conn_state { ST_CONNECT, ST_HANDSHAKE, ST_SEND, ST_RECV, ST_IDLE };

struct conn {
	int fd;
	gnutls_session_t s;
	enum conn_state st;
	uint32_t mask;      /* events registered with epoll */
	int phase;          /* dinh: 0 hello, 1 resp, 2 chunks; https: 0 header, 1 body */
	const uint8_t *out; /* request being sent (shared, read-only) */
	size_t out_len, out_off;
	uint64_t got, want; /* payload bytes received / announced */
	int greeted;        /* the first exchange (hello, GET) is done */
	struct buf in;
	struct conn *prev, *next; /* the worker's list of open connections */
};

double load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void note_error(struct load_worker *w, const char *what)
{
	if (w->st.first_error[0] == '\0')
		snprintf(w->st.first_error, sizeof(w->st.first_error), "%s", what);
}

/* Frees @c; @bye sends a TLS close_notify first (best effort, no waiting). */
static void conn_free(struct load_worker *w, struct conn *c, int bye)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (w->conns == c)
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->s && bye)
		gnutls_bye(c->s, GNUTLS_SHUT_WR);
	if (c->s)
		gnutls_deinit(c->s);
	if (c->fd >= 0) {
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	buf_free(&c->in);
	free(c);
}

/* Registers (or changes) the events @c waits for. */
static int conn_want(struct load_worker *w, struct conn *c, uint32_t mask)
{
	struct epoll_event ev = {.events = mask, .data.ptr = c};

	if (c->mask == mask)
		return E_OK;
	if (epoll_ctl(w->epfd, c->mask ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) < 0)
		return err_set(E_IO, "epoll_ctl: %s", strerror(errno));
	c->mask = mask;
	return E_OK;
}

/* Sets up the GnuTLS client session of @c: no tickets, so no resumption. */
static int conn_tls(struct load_worker *w, struct conn *c)
{
	const struct load_cfg *cfg = w->cfg;
	const char *alpn = cfg->https ? "http/1.1" : PROTO_ALPN;
	gnutls_datum_t p = {(unsigned char *)alpn, (unsigned)strlen(alpn)};
	int r;

	r = gnutls_init(&c->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS);
	if (r < 0)
		return err_set(E_NOMEM, "gnutls_init: %s", gnutls_strerror(r));
	r = gnutls_priority_set(c->s, cfg->prio);
	if (r >= 0)
		r = gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, cfg->cred);
	if (r >= 0)
		r = gnutls_alpn_set_protocols(c->s, &p, 1, GNUTLS_ALPN_MANDATORY);
	if (r < 0)
		return err_set(E_TLS, "session setup: %s", gnutls_strerror(r));
	if (cfg->verify)
		gnutls_session_set_verify_cert(c->s, NULL, 0);
	gnutls_transport_set_int(c->s, c->fd);
	return E_OK;
}

/* Opens one connection (non-blocking connect) and registers it. */
static int conn_open(struct load_worker *w)
{
	struct conn *c = calloc(1, sizeof(*c));
	int one = 1, rc;

	if (!c)
		return err_set(E_NOMEM, "conn");
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	buf_init(&c->in, IN_MAX);
	if (c->fd < 0) {
		rc = err_set(E_IO, "socket: %s", strerror(errno));
		goto fail;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)w->cfg->addr, sizeof(*w->cfg->addr)) < 0 &&
	    errno != EINPROGRESS) {
		rc = err_set(E_IO, "connect: %s", strerror(errno));
		goto fail;
	}
	rc = conn_tls(w, c);
	if (rc == E_OK)
		rc = conn_want(w, c, EPOLLOUT);
	if (rc < 0)
		goto fail;
	c->st = ST_CONNECT;
	c->next = w->conns;
	if (c->next)
		c->next->prev = c;
	w->conns = c;
	return E_OK;
fail:
	conn_free(w, c, 0);
	return rc;
}

/* Notes the negotiated parameters of the first session, for the report. */
static void conn_note_tls(struct load_worker *w, struct conn *c)
{
	char *desc;

	if (w->st.tls_info[0] != '\0')
		return;
	desc = gnutls_session_get_desc(c->s);
	snprintf(w->st.tls_info, sizeof(w->st.tls_info), "%s", desc ? desc : "?");
	gnutls_free(desc);
}

/* Starts sending @len bytes of @data. */
static void conn_send(struct conn *c, const uint8_t *data, size_t len)
{
	c->out = data;
	c->out_len = len;
	c->out_off = 0;
	c->st = ST_SEND;
}

/* Handles one dinh CONTROL frame.  1 when the connection reached its goal
 * for this phase (hello done, or download complete), 0 to continue. */
static int dinh_control(struct load_worker *w, struct conn *c, const struct proto_frame *f)
{
	struct proto_node *n = NULL;
	int rc = proto_control_parse(f->body, f->len, &n);

	if (rc < 0)
		return rc;
	if (strcmp(n->name, "err") == 0) {
		const char *code = proto_attr(n, "code");

		rc = err_set(E_PROTO, "server error %s: %s", code ? code : "?",
			     n->text ? n->text : "");
	} else if (c->phase == 0) {
		rc = strcmp(n->name, "hello") == 0
			     ? 1
			     : err_set(E_PROTO, "hello answered <%s>", n->name);
	} else if (c->phase == 1 && strcmp(n->name, "resp") == 0) {
		rc = proto_attr_u64(n, "size", &c->want);
		if (rc == E_OK && w->cfg->expect_size && c->want != w->cfg->expect_size)
			rc = err_set(E_PROTO, "file.get size %llu, expected %llu",
				     (unsigned long long)c->want,
				     (unsigned long long)w->cfg->expect_size);
		if (rc == E_OK)
			c->phase = 2;
		if (rc == E_OK && c->want == 0)
			rc = 1;
	} /* anything else (events) is ignored */
	proto_node_free(n);
	return rc;
}

/* Consumes the dinh frames in c->in.  1 when this phase's goal is reached. */
static int dinh_input(struct load_worker *w, struct conn *c)
{
	for (;;) {
		struct proto_frame f;
		struct proto_chunk ch;
		size_t used;
		int rc = proto_frame_parse(c->in.data, c->in.len, &f, &used);

		if (rc == E_AGAIN)
			return 0;
		if (rc < 0)
			return rc;
		if (f.type == PROTO_T_CONTROL) {
			rc = dinh_control(w, c, &f);
		} else {
			rc = proto_chunk_parse(&f, &ch);
			if (rc == E_OK && (c->phase != 2 || ch.offset != c->got))
				rc = err_set(E_PROTO, "unexpected chunk at %llu",
					     (unsigned long long)ch.offset);
			if (rc == E_OK) {
				c->got += ch.len;
				rc = c->got >= c->want ? 1 : 0;
			}
		}
		buf_consume(&c->in, used);
		if (rc != 0)
			return rc;
	}
}

/* Parses an HTTP response header in c->in; sets c->want from Content-Length. */
static int http_header(struct conn *c)
{
	const char *h = (const char *)c->in.data, *end, *cl;
	unsigned long long v;
	char *e;

	end = c->in.len ? strstr(h, "\r\n\r\n") : NULL;
	if (!end)
		return c->in.len > HTTP_HDR_MAX ? err_set(E_TOOBIG, "HTTP header") : 0;
	if (strncmp(h, "HTTP/1.1 200 ", 13) != 0)
		return err_set(E_PROTO, "HTTP status: %.40s", h);
	for (cl = h; (cl = strchr(cl, '\n')) != NULL && cl < end; cl++)
		if (strncasecmp(cl + 1, "content-length:", 15) == 0)
			break;
	if (!cl || cl >= end)
		return err_set(E_PROTO, "no Content-Length");
	errno = 0;
	v = strtoull(cl + 16, &e, 10);
	if (errno || e == cl + 16)
		return err_set(E_PROTO, "bad Content-Length");
	c->want = v;
	c->got = (uint64_t)(c->in.len - (size_t)(end + 4 - h));
	c->phase = 1;
	buf_reset(&c->in);
	return E_OK;
}

/* Consumes an HTTP response.  1 when the whole body arrived. */
static int http_input(struct load_worker *w, struct conn *c)
{
	int rc;

	if (c->phase == 0) {
		rc = http_header(c);
		if (rc < 0 || c->phase == 0)
			return rc;
		if (w->cfg->expect_size && c->want != w->cfg->expect_size)
			return err_set(E_PROTO, "Content-Length %llu, expected %llu",
				       (unsigned long long)c->want,
				       (unsigned long long)w->cfg->expect_size);
	} else {
		c->got += c->in.len;
		buf_reset(&c->in);
	}
	return c->got >= c->want ? 1 : 0;
}

/* Reads what TLS has.  Returns 1 when the exchange reached its goal, 0 when
 * it needs more input, E_IO on EOF or a TLS error. */
static int conn_read(struct load_worker *w, struct conn *c)
{
	for (;;) {
		uint8_t *p = buf_reserve(&c->in, READ_STEP);
		ssize_t n;
		int rc;

		if (!p)
			return err_set(E_TOOBIG, "input buffer full");
		n = gnutls_record_recv(c->s, p, READ_STEP);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			return 0;
		if (n <= 0)
			return err_set(E_IO, "closed by the server: %s",
				       n ? gnutls_strerror((int)n) : "EOF");
		buf_commit(&c->in, (size_t)n);
		rc = w->cfg->https ? http_input(w, c) : dinh_input(w, c);
		if (rc != 0)
			return rc;
	}
}

/* The goal of a phase was reached: 1 to keep @c, 0 when it is finished. */
static int conn_goal(struct load_worker *w, struct conn *c)
{
	const struct load_cfg *cfg = w->cfg;

	if (!c->greeted) {
		/* hello (or GET /hello) answered */
		c->greeted = 1;
		if (cfg->mode == LOAD_IDLE) {
			c->st = ST_IDLE;
			atomic_fetch_add(&w->st.opened, 1);
			atomic_fetch_add(&w->st.established, 1);
			return 1;
		}
		if (cfg->mode == LOAD_DOWNLOAD && !cfg->https) {
			c->phase = 1;
			conn_send(c, cfg->req_second, cfg->req_second_len);
			return 1;
		}
	}
	if (cfg->mode == LOAD_DOWNLOAD) {
		w->st.bytes += c->got;
		if (c->got != c->want)
			w->st.short_reads++;
	}
	w->st.done++;
	return 0;
}

/* Advances @c as far as it goes without blocking.  1: keep it; 0: finished
 * (to be freed); negative: failed. */
static int conn_step(struct load_worker *w, struct conn *c)
{
	int r, err = 0;
	socklen_t el = sizeof(err);

	for (;;) {
		switch (c->st) {
		case ST_CONNECT:
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err)
				return err_set(E_IO, "connect: %s", strerror(err ? err : errno));
			c->st = ST_HANDSHAKE;
			break;
		case ST_HANDSHAKE:
			r = gnutls_handshake(c->s);
			if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
				return conn_want(w, c,
						 gnutls_record_get_direction(c->s) ? EPOLLOUT
										   : EPOLLIN) < 0
					       ? E_IO
					       : 1;
			if (r < 0)
				return err_set(E_TLS, "handshake: %s", gnutls_strerror(r));
			conn_note_tls(w, c);
			conn_send(c, w->cfg->req_first, w->cfg->req_first_len);
			break;
		case ST_SEND:
			r = (int)gnutls_record_send(c->s, c->out + c->out_off,
						    c->out_len - c->out_off);
			if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
				return conn_want(w, c, EPOLLOUT) < 0 ? E_IO : 1;
			if (r < 0)
				return err_set(E_IO, "send: %s", gnutls_strerror(r));
			c->out_off += (size_t)r;
			if (c->out_off == c->out_len)
				c->st = ST_RECV;
			break;
		case ST_RECV:
			r = conn_read(w, c);
			if (r < 0)
				return r;
			if (r == 0)
				return conn_want(w, c, EPOLLIN) < 0 ? E_IO : 1;
			if (!conn_goal(w, c))
				return 0;
			break;
		case ST_IDLE:
			r = conn_read(w, c); /* events may come; EOF ends the session */
			if (r < 0) {
				atomic_fetch_sub(&w->st.established, 1);
				return r;
			}
			return conn_want(w, c, EPOLLIN) < 0 ? E_IO : 1;
		}
	}
}

/* Whether this thread should open another connection now. */
static int want_more(const struct load_worker *w, unsigned inflight, unsigned opened, int running)
{
	if (!running || inflight >= w->conc)
		return 0;
	if (w->cfg->mode == LOAD_HANDSHAKE)
		return 1;
	return opened < w->share;
}

int load_worker_run(struct load_worker *w)
{
	const struct load_cfg *cfg = w->cfg;
	struct epoll_event ev[MAX_EVENTS];
	double deadline = load_now() + cfg->seconds;
	unsigned inflight = 0, opened = 0, live = 0;
	int running = 1, ramp_noted = 0;

	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return err_set(E_IO, "epoll_create1: %s", strerror(errno));
	for (;;) {
		int n;

		if (atomic_load(&cfg->stop) || (cfg->mode != LOAD_IDLE && load_now() >= deadline))
			running = 0;
		while (want_more(w, inflight, opened, running)) {
			opened++;
			if (conn_open(w) < 0) {
				w->st.errors++;
				atomic_fetch_add(&w->st.failed, 1);
				note_error(w, err_detail());
				continue;
			}
			inflight++;
			live++;
		}
		if (cfg->mode == LOAD_IDLE && !ramp_noted && opened >= w->share && inflight == 0) {
			ramp_noted = 1;
			atomic_fetch_add(&((struct load_cfg *)cfg)->ramp_done, 1);
		}
		if (!running || (cfg->mode == LOAD_DOWNLOAD && live == 0 && opened >= w->share))
			break;
		n = epoll_wait(w->epfd, ev, MAX_EVENTS, 50);
		for (int i = 0; i < n; i++) {
			struct conn *c = ev[i].data.ptr;
			enum conn_state was = c->st;
			int rc = conn_step(w, c);

			if (rc == 1) {
				if (was != ST_IDLE && c->st == ST_IDLE)
					inflight--;
				continue;
			}
			if (rc < 0) {
				w->st.errors++;
				note_error(w, err_detail());
				if (was != ST_IDLE)
					atomic_fetch_add(&w->st.failed, 1);
			}
			if (was != ST_IDLE)
				inflight--;
			live--;
			conn_free(w, c, rc == 0);
		}
	}
	/* Connections still open (idle sessions, handshakes cut by the
	 * deadline) are dropped without close_notify: the server sees EOF. */
	while (w->conns)
		conn_free(w, w->conns, 0);
	close(w->epfd);
	w->epfd = -1;
	return E_OK;
}
