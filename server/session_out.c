/*
 * session_out.c: a session's output queue: replies, errors and events as
 * control frames, file data as chunk frames (zero-copy for downloads), the
 * pump that keeps a download fed while the peer keeps up, flushing with a
 * per-turn budget, and the lingering close after the last frame.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "server/loop.h"
#include "server/server_priv.h"
#include "server/session_priv.h"

/* Drops what was already written from the front of the queue when an
 * append of @need bytes would otherwise grow the buffer.  Written bytes are
 * not moved on every write: that would copy each byte once more. */
static void session_out_room(struct session *s, size_t need)
{
	if (s->out_off && s->out.len + need > s->out.cap) {
		buf_consume(&s->out, s->out_off);
		s->out_off = 0;
	}
}

/* Appends one whole frame; on overflow the session is killed. */
int session_queue_node(struct session *s, const struct proto_node *n)
{
	int rc;

	if (s->state == ST_CLOSING && s->destroy_timer)
		return E_OK; /* already leaving */
	session_out_room(s, PROTO_HDR_LEN + PROTO_CONTROL_MAX);
	rc = proto_control_build(&s->out, n);
	if (rc < 0) {
		log_warn("peer %s: cannot queue a reply: %s", s->peer, err_detail());
		return rc;
	}
	return E_OK;
}
/* Moves @body's attributes, text and children into a new @name node. */
static struct proto_node *session_wrap(const char *name, struct proto_node *body)
{
	struct proto_node *n = proto_node_new(name);
	unsigned i;

	if (!n || !body)
		return n;
	for (i = 0; i < body->nattrs; i++)
		if (proto_node_set(n, body->attrs[i].key, body->attrs[i].val) < 0)
			goto fail;
	if (body->text && proto_node_set_text(n, body->text) < 0)
		goto fail;
	n->child = body->child;
	n->last = body->last;
	body->child = body->last = NULL;
	return n;
fail:
	proto_node_free(n);
	return NULL;
}

static int session_send_wrapped(struct session *s, const char *name, const char *key, uint64_t val,
				struct proto_node *body)
{
	struct proto_node *n = session_wrap(name, body);
	int rc;

	proto_node_free(body);
	if (!n)
		return err_set(E_NOMEM, "out of memory");
	/* The envelope's own attribute goes first, for readability on the wire. */
	rc = proto_node_set_u64(n, key, val);
	if (rc == E_OK && n->nattrs > 1) {
		struct proto_attr a = n->attrs[n->nattrs - 1];

		memmove(&n->attrs[1], &n->attrs[0], (n->nattrs - 1) * sizeof(a));
		n->attrs[0] = a;
	}
	if (rc == E_OK)
		rc = session_queue_node(s, n);
	proto_node_free(n);
	if (rc == E_OK)
		session_flush(s);
	return rc;
}

int session_reply(struct session *s, uint32_t id, struct proto_node *body)
{
	return session_send_wrapped(s, "resp", "id", id, body);
}

int session_event(struct session *s, const char *name, struct proto_node *body)
{
	struct proto_node *b = body ? body : proto_node_new("x");

	if (!b || proto_node_set(b, "name", name) < 0) {
		proto_node_free(b);
		return err_set(E_NOMEM, "out of memory");
	}
	return session_send_wrapped(s, "event", "seq", ++s->event_seq, b);
}

int session_error(struct session *s, uint32_t id, int code, const char *detail)
{
	struct proto_node *n = proto_node_new("err");
	int rc = E_NOMEM;

	if (n && proto_node_set_u64(n, "id", id) == E_OK &&
	    proto_node_set(n, "code", err_name(code)) == E_OK &&
	    proto_node_set_text(n, detail && *detail ? detail : err_str(code)) == E_OK)
		rc = session_queue_node(s, n);
	proto_node_free(n);
	if (rc == E_OK)
		session_flush(s);
	return rc;
}

uint8_t *session_reserve_chunk(struct session *s, uint32_t id, const uint8_t sha256[32],
			       uint64_t offset, uint32_t max, int *rc)
{
	size_t head = PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN;
	uint8_t *p;

	if (max > PROTO_CHUNK_DATA_MAX) {
		*rc = err_set(E_TOOBIG, "chunk of %u bytes", max);
		return NULL;
	}
	session_out_room(s, head + max);
	p = buf_reserve(&s->out, head + max);
	if (!p) {
		*rc = err_set(E_TOOBIG, "output queue full");
		return NULL;
	}
	s->reserved.id = id;
	memcpy(s->reserved.sha256, sha256, 32);
	s->reserved.offset = offset;
	*rc = E_OK;
	return p + head;
}

void session_commit_chunk(struct session *s, uint32_t len)
{
	proto_chunk_header(s->out.data + s->out.len, s->reserved.id, s->reserved.sha256,
			   s->reserved.offset, len);
	buf_commit(&s->out, PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN + len);
}

int session_set_pump(struct session *s, uint32_t id, session_pump_fn fn, void *arg,
		     void (*free_arg)(void *))
{
	if (s->pump.fn)
		return err_set(E_BUSY, "another download is running on this session");
	s->pump.fn = fn;
	s->pump.id = id;
	s->pump.arg = arg;
	s->pump.free_arg = free_arg;
	session_flush(s);
	return E_OK;
}
/* Runs the pump while the queue is short; removes it when it is done. */
static void session_run_pump(struct session *s)
{
	while (s->pump.fn && session_outq(s) < SESSION_OUTQ_LOW) {
		size_t before = session_outq(s);
		uint32_t id = s->pump.id;
		int rc = s->pump.fn(s, id, s->pump.arg);

		if (rc == E_AGAIN && session_outq(s) > before)
			continue;
		if (rc == E_AGAIN)
			break; /* nothing produced: wait for the next turn */
		session_end_pump(s);
		if (rc < 0)
			session_error(s, id, rc, err_detail());
	}
}

void session_watch(struct session *s, unsigned mask)
{
	if (s->watching != mask && loop_mod_fd(s->srv->loop, s->conn->fd, mask) == E_OK)
		s->watching = mask;
}

/*
 * Our last frame is out: end our direction and read (and drop) what the peer
 * still sends until it closes or SESSION_LINGER_MS pass.  Closing a socket
 * with unread input would make the kernel send a reset that can destroy our
 * last frame before the peer reads it.
 */
static void session_linger(struct session *s)
{
	if (s->lingering)
		return;
	s->lingering = 1;
	s->conn->ops->shutdown_write(s->conn);
	session_destroy_later(s, SESSION_LINGER_MS);
}

void session_drain_input(struct session *s)
{
	uint8_t sink[4096];
	int i;

	for (i = 0; i < 16; i++) {
		ssize_t n = s->conn->ops->read(s->conn, sink, sizeof(sink));

		if (n == E_AGAIN)
			return;
		if (n <= 0) {
			session_destroy_later(s, 0);
			return;
		}
	}
}

/* Writes what is queued, up to a budget per turn; keeps the pump fed. */
void session_flush(struct session *s)
{
	size_t budget = SESSION_WRITE_BUDGET;
	unsigned mask;

	if (s->state == ST_HANDSHAKE)
		return;
	for (;;) {
		size_t len;
		ssize_t n;

		if (s->state != ST_CLOSING)
			session_run_pump(s);
		len = session_outq(s);
		if (len == 0 || budget == 0)
			break;
		if (s->retry_len)
			len = s->retry_len; /* GnuTLS wants the same call again */
		n = s->conn->ops->write(s->conn, s->out.data + s->out_off, len);
		if (n == E_AGAIN) {
			s->retry_len = len;
			break;
		}
		s->retry_len = 0;
		if (n < 0) {
			log_info("peer %s: %s", s->peer, err_detail());
			s->state = ST_CLOSING;
			s->out_off = s->out.len;
			session_destroy_later(s, 0);
			return;
		}
		s->out_off += (size_t)n;
		budget = (size_t)n >= budget ? 0 : budget - (size_t)n;
	}
	if (s->out_off == s->out.len) {
		if (s->pump.fn && s->state != ST_CLOSING) {
			s->out.len = 0; /* a transfer keeps its buffer */
		} else {
			/* Idle sessions hold no buffers. */
			buf_free(&s->out);
			buf_init(&s->out, SESSION_OUT_MAX);
		}
		s->out_off = 0;
		if (s->state == ST_CLOSING)
			session_linger(s);
	}
	mask = s->state == ST_CLOSING ? (s->lingering ? LOOP_READ : 0) : LOOP_READ;
	if (session_outq(s) >= SESSION_OUTQ_HIGH)
		mask = 0; /* back-pressure: read no more requests until the peer reads */
	if (session_outq(s) || (s->pump.fn && s->state != ST_CLOSING))
		mask |= LOOP_WRITE;
	session_watch(s, mask);
}
