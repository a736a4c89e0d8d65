/*
 * session.c: one client connection: handshake and certificate check,
 * framing, hello, request dispatch with role checks, uploads, timeouts and
 * the end of a session.  The output side is in session_out.c.  Runs on the
 * loop thread only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/roles.h"
#include "server/docs.h"
#include "server/meet.h"
#include "server/handlers.h"
#include "server/loop.h"
#include "server/server_priv.h"
#include "server/session_priv.h"

static void session_io(struct loop *l, int fd, unsigned events, void *arg);

const struct person *session_person(const struct session *s)
{
	return s->state >= ST_HELLO ? &s->who : NULL;
}

struct server *session_server(struct session *s)
{
	return s->srv;
}

uint64_t session_sid(const struct session *s)
{
	return s->sid;
}

struct session *session_by_sid(struct server *srv, uint64_t sid)
{
	return srv->priv->by_sid ? g_hash_table_lookup(srv->priv->by_sid, &sid) : NULL;
}

const char *session_peer(const struct session *s)
{
	return s->peer;
}

int session_handshaking(const struct session *s)
{
	return s->state == ST_HANDSHAKE;
}

int session_ready(const struct session *s)
{
	return s->state == ST_READY;
}

int64_t session_started(const struct session *s)
{
	return s->started;
}

int64_t session_last_active(const struct session *s)
{
	return s->last_active;
}

int session_busy(const struct session *s)
{
	return s->pump.fn || s->up.fn;
}

const char *session_serial(const struct session *s)
{
	return s->conn->serial;
}

struct session *session_next(const struct session *s)
{
	return s->next;
}

size_t session_outq(const struct session *s)
{
	return s->out.len - s->out_off;
}

static void session_unlink(struct session *s)
{
	struct server_priv *p = s->srv->priv;

	if (s->prev)
		s->prev->next = s->next;
	else
		p->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		p->tail = s->prev;
	p->n_sessions--;
	if (s->state == ST_HANDSHAKE)
		server_handshake_done(s->srv);
}

/* Moves a session out of ST_HANDSHAKE (counted once) into @state. */
static void session_leave_handshake(struct session *s, enum session_state state)
{
	if (s->state == ST_HANDSHAKE) {
		s->state = state;
		server_handshake_done(s->srv);
	}
	s->state = state;
}

void session_end_pump(struct session *s)
{
	void (*free_arg)(void *) = s->pump.free_arg;
	void *arg = s->pump.arg;

	memset(&s->pump, 0, sizeof(s->pump));
	if (free_arg)
		free_arg(arg);
}

void session_end_upload(struct session *s)
{
	void (*free_arg)(void *) = s->up.free_arg;
	void *arg = s->up.arg;

	memset(&s->up, 0, sizeof(s->up));
	if (free_arg)
		free_arg(arg);
}

void session_destroy(struct session *s)
{
	if (s->srv->priv->by_sid)
		g_hash_table_remove(s->srv->priv->by_sid, &s->sid);
	if (s->who.id)
		meet_session_gone(s->srv, s);
	session_unlink(s);
	if (s->destroy_timer)
		loop_del_timer(s->srv->loop, s->destroy_timer);
	session_end_pump(s);
	session_end_upload(s);
	loop_del_fd(s->srv->loop, s->conn->fd);
	s->conn->ops->close(s->conn);
	buf_free(&s->in);
	buf_free(&s->out);
	free(s->who.id);
	free(s->who.name);
	free(s);
}

static void session_destroy_cb(struct loop *l, long long id, void *arg)
{
	struct session *s = arg;

	s->destroy_timer = 0;
	session_destroy(s);
}

/* Destroys the session from the timer phase of the loop, never from under a
 * caller that still holds it. */
void session_destroy_later(struct session *s, long ms)
{
	if (s->destroy_timer)
		loop_del_timer(s->srv->loop, s->destroy_timer);
	s->destroy_timer = loop_add_timer(s->srv->loop, ms, session_destroy_cb, s);
	if (s->destroy_timer < 0) {
		s->destroy_timer = 0;
		s->state = ST_CLOSING; /* the sweep will find it */
	}
}

void session_kill(struct session *s, int code, const char *why)
{
	struct proto_node *n;

	if (s->state == ST_CLOSING)
		return;
	log_info("peer %s%s%s: %s (%s)", s->peer, s->who.id ? " " : "", s->who.id ? s->who.id : "",
		 why, err_name(code));
	if (s->state == ST_HANDSHAKE) {
		/* No TLS yet: nothing can be said to the peer. */
		session_leave_handshake(s, ST_CLOSING);
		session_destroy_later(s, 0);
		return;
	}
	n = proto_node_new("err");
	if (n && proto_node_set(n, "code", err_name(code)) == E_OK &&
	    proto_node_set_text(n, why) == E_OK)
		session_queue_node(s, n);
	proto_node_free(n);
	s->state = ST_CLOSING;
	session_end_pump(s);
	session_end_upload(s);
	session_flush(s);
	if (s->state == ST_CLOSING && !s->destroy_timer)
		session_destroy_later(s, session_outq(s) ? SESSION_CLOSE_GRACE_MS : 0);
}

void session_shutdown(struct session *s)
{
	struct proto_node *n;

	if (s->state == ST_CLOSING)
		return;
	if (s->state != ST_READY) {
		session_kill(s, E_SHUTDOWN, "server is stopping");
		return;
	}
	if (session_busy(s))
		return; /* let the transfer finish; the stop timer caps it */
	n = proto_node_new("bye");
	if (n)
		session_queue_node(s, n);
	proto_node_free(n);
	s->state = ST_CLOSING;
	session_flush(s);
	if (!s->destroy_timer)
		session_destroy_later(s, session_outq(s) ? SESSION_CLOSE_GRACE_MS : 0);
}

int session_set_upload(struct session *s, uint32_t id, session_chunk_fn fn, void *arg,
		       void (*free_arg)(void *))
{
	if (s->up.fn)
		return err_set(E_BUSY, "another upload is running on this session");
	s->up.fn = fn;
	s->up.id = id;
	s->up.arg = arg;
	s->up.free_arg = free_arg;
	return E_OK;
}

/* The first message: <hello min max>; answers with ours. */
static int session_hello(struct session *s, const struct proto_node *n)
{
	uint64_t min = 1, max = 1;
	char roles[160];
	struct proto_node *r;
	int rc;

	if (strcmp(n->name, "hello") != 0) {
		session_kill(s, E_PROTO, "the first message must be <hello>");
		return E_PROTO;
	}
	if ((proto_attr(n, "min") && proto_attr_u64(n, "min", &min) < 0) ||
	    (proto_attr(n, "max") && proto_attr_u64(n, "max", &max) < 0) || min > max) {
		session_kill(s, E_VERSION, "bad version range in <hello>");
		return E_VERSION;
	}
	if (min > PROTO_VERSION || max < PROTO_VERSION_MIN) {
		session_kill(s, E_VERSION, "no common protocol version (server speaks 1)");
		return E_VERSION;
	}
	roles_format(s->who.roles, roles, sizeof(roles));
	r = proto_node_new("hello");
	rc = r ? E_OK : E_NOMEM;
	if (rc == E_OK)
		rc = proto_node_set_u64(r, "version", max < PROTO_VERSION ? max : PROTO_VERSION);
	if (rc == E_OK)
		rc = proto_node_set(r, "agent", PACKAGE_NAME "d/" PACKAGE_VERSION);
	if (rc == E_OK)
		rc = proto_node_set(r, "person", s->who.id);
	if (rc == E_OK)
		rc = proto_node_set(r, "name", s->who.name);
	if (rc == E_OK)
		rc = proto_node_set(r, "roles", roles);
	if (rc == E_OK)
		rc = session_queue_node(s, r);
	proto_node_free(r);
	if (rc < 0) {
		session_kill(s, E_INTERNAL, "cannot answer hello");
		return rc;
	}
	s->state = ST_READY;
	log_debug("peer %s: %s (%s) said hello", s->peer, s->who.id, roles);
	if (s->srv->index && s->who.id)
		docs_deadlines(s->srv, s->who.id); /* what came due while they were away */
	return E_OK;
}

/* A <req id op>: look up, check roles, run. */
static void session_request(struct session *s, const struct proto_node *n)
{
	const struct handler *h;
	const char *op = proto_attr(n, "op");
	uint64_t id;
	int rc;

	if (proto_attr_u64(n, "id", &id) < 0 || id == 0 || id > UINT32_MAX) {
		session_error(s, 0, E_INVAL, "a request needs an id from 1 to 4294967295");
		return;
	}
	if (!op) {
		session_error(s, (uint32_t)id, E_INVAL, "a request needs an op");
		return;
	}
	if (s->srv->priv->stopping) {
		session_error(s, (uint32_t)id, E_SHUTDOWN, "server is stopping");
		return;
	}
	h = handler_find(op);
	if (!h) {
		log_info("peer %s %s: unknown operation \"%.64s\"", s->peer, s->who.id, op);
		session_error(s, (uint32_t)id, E_UNKNOWN, "unknown operation");
		return;
	}
	if (!(s->who.roles & h->roles)) {
		log_info("peer %s %s: %s refused: role not allowed", s->peer, s->who.id, op);
		session_error(s, (uint32_t)id, E_PERM, "your roles do not allow this operation");
		return;
	}
	log_debug("peer %s %s: %s #%llu", s->peer, s->who.id, op, (unsigned long long)id);
	err_clear();
	rc = h->fn(s, (uint32_t)id, n);
	if (rc < 0) {
		log_info("peer %s %s: %s failed: %s: %s", s->peer, s->who.id, op, err_name(rc),
			 err_detail());
		session_error(s, (uint32_t)id, rc, err_detail());
	}
}

static void session_chunk(struct session *s, const struct proto_frame *f)
{
	struct proto_chunk c;
	session_chunk_fn fn;
	int rc;

	if (proto_chunk_parse(f, &c) < 0) {
		session_kill(s, E_PROTO, err_detail());
		return;
	}
	if (!s->up.fn || s->up.id != c.id) {
		session_error(s, c.id, E_PROTO, "no upload is open for this request id");
		return;
	}
	fn = s->up.fn;
	rc = fn(s, &c, s->up.arg);
	if (rc < 0) {
		session_error(s, c.id, rc, err_detail());
		if (s->up.fn == fn)
			session_end_upload(s);
	}
}

static void session_frame(struct session *s, const struct proto_frame *f)
{
	struct proto_node *n = NULL;
	int rc;

	if (f->type == PROTO_T_CHUNK) {
		if (s->state != ST_READY)
			session_kill(s, E_PROTO, "file data before hello");
		else
			session_chunk(s, f);
		return;
	}
	rc = proto_control_parse(f->body, f->len, &n);
	if (rc < 0) {
		session_kill(s, rc, err_detail());
		return;
	}
	if (s->state == ST_HELLO)
		session_hello(s, n);
	else if (!strcmp(n->name, "req"))
		session_request(s, n);
	else if (!strcmp(n->name, "bye"))
		session_shutdown(s);
	else
		session_error(s, 0, E_UNKNOWN, "unknown message");
	proto_node_free(n);
}

/* Parses every whole frame in the input buffer. */
static void session_parse(struct session *s)
{
	size_t off = 0;

	while (off < s->in.len && (s->state == ST_HELLO || s->state == ST_READY)) {
		struct proto_frame f;
		size_t used = 0;
		int rc = proto_frame_parse(s->in.data + off, s->in.len - off, &f, &used);

		if (rc == E_AGAIN)
			break;
		if (rc < 0) {
			session_kill(s, rc, err_detail());
			return;
		}
		session_frame(s, &f);
		off += used;
		if (session_outq(s) >= SESSION_OUTQ_HIGH)
			break; /* the rest waits until the peer reads its replies */
	}
	if (off == s->in.len) {
		buf_free(&s->in);
		buf_init(&s->in, PROTO_FRAME_MAX);
	} else if (off) {
		buf_consume(&s->in, off);
	}
}

/* After the TLS handshake: the certificate must name a registered person. */
static void session_authenticate(struct session *s)
{
	const struct person *p = people_by_serial(s->srv->people, s->conn->serial);

	session_leave_handshake(s, ST_HELLO); /* past TLS: error frames can be sent */
	if (!p) {
		session_kill(s, E_AUTH, "certificate not registered with this commune");
		return;
	}
	if (p->revoked) {
		session_kill(s, E_REVOKED, "certificate revoked");
		return;
	}
	s->who = *p;
	s->who.id = strdup(p->id);
	s->who.name = strdup(p->name);
	if (!s->who.id || !s->who.name) {
		session_kill(s, E_NOMEM, "out of memory");
		return;
	}
	log_debug("peer %s: authenticated as %s", s->peer, s->who.id);
}

static void session_do_handshake(struct session *s)
{
	int rc = s->conn->ops->handshake(s->conn);

	if (rc == E_AGAIN) {
		session_watch(s, s->conn->ops->want_write(s->conn) ? LOOP_WRITE : LOOP_READ);
		return;
	}
	if (rc == E_AUTH || rc == E_REVOKED) {
		/* TLS is up but the certificate is not trusted: say so, then close. */
		session_leave_handshake(s, ST_HELLO);
		session_kill(s, rc, err_detail());
		return;
	}
	if (rc < 0) {
		session_kill(s, rc, err_detail());
		return;
	}
	session_authenticate(s);
	if (s->state == ST_HELLO)
		session_watch(s, LOOP_READ);
}

static void session_read(struct session *s)
{
	int rounds = 0;

	while (s->state == ST_HELLO || s->state == ST_READY) {
		uint8_t *p;
		ssize_t n;
		size_t room = s->in.max - s->in.len;

		if (room == 0) {
			session_kill(s, E_TOOBIG, "input over the frame cap");
			return;
		}
		if (room > SESSION_READ_SLICE)
			room = SESSION_READ_SLICE;
		p = buf_reserve(&s->in, room);
		if (!p) {
			session_kill(s, E_NOMEM, "out of memory");
			return;
		}
		n = s->conn->ops->read(s->conn, p, room);
		if (n == E_AGAIN)
			break;
		if (n <= 0) {
			if (n < 0)
				log_info("peer %s: %s", s->peer, err_detail());
			else
				log_debug("peer %s: closed the connection", s->peer);
			s->state = ST_CLOSING;
			session_destroy_later(s, 0);
			return;
		}
		buf_commit(&s->in, (size_t)n);
		s->last_active = loop_now_ms();
		session_parse(s);
		if (session_outq(s) >= SESSION_OUTQ_HIGH || ++rounds >= 64)
			break;
		if ((size_t)n < room && !s->conn->ops->pending(s->conn))
			break;
	}
	if (s->in.len == 0) {
		buf_free(&s->in);
		buf_init(&s->in, PROTO_FRAME_MAX);
	}
}

static void session_io(struct loop *l, int fd, unsigned events, void *arg)
{
	struct session *s = arg;

	if (s->state == ST_HANDSHAKE) {
		session_do_handshake(s);
		if (s->state != ST_HELLO)
			return;
	}
	if (s->state == ST_CLOSING) {
		if (s->lingering)
			session_drain_input(s);
		else
			session_flush(s);
		return;
	}
	if (events & LOOP_READ)
		session_read(s);
	if (s->state != ST_CLOSING || !s->lingering)
		session_flush(s);
}

int session_start(struct server *srv, struct conn *conn, const char *peer)
{
	struct server_priv *p = srv->priv;
	struct session *s = calloc(1, sizeof(*s));
	int rc;

	if (!s) {
		conn->ops->close(conn);
		return err_set(E_NOMEM, "out of memory");
	}
	s->srv = srv;
	s->conn = conn;
	s->state = ST_HANDSHAKE;
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	buf_init(&s->in, PROTO_FRAME_MAX);
	buf_init(&s->out, SESSION_OUT_MAX);
	s->started = s->last_active = loop_now_ms();
	rc = loop_add_fd(srv->loop, conn->fd, LOOP_READ, session_io, s);
	if (rc < 0) {
		conn->ops->close(conn);
		free(s);
		return rc;
	}
	s->watching = LOOP_READ;
	s->sid = ++p->next_sid;
	if (!p->by_sid)
		p->by_sid = g_hash_table_new(g_int64_hash, g_int64_equal);
	g_hash_table_insert(p->by_sid, &s->sid, s);
	s->prev = p->tail;
	if (p->tail)
		p->tail->next = s;
	else
		p->head = s;
	p->tail = s;
	p->n_sessions++;
	p->n_handshakes++;
	return E_OK;
}
