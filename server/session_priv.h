/*
 * session_priv.h: the inside of a session, shared by session.c (lifecycle,
 * handshake, parsing and dispatch) and session_out.c (the output queue:
 * replies, events, file chunks, pumps and flushing).  Nobody else includes it.
 */
#ifndef DINH_SESSION_PRIV_H
#define DINH_SESSION_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/proto.h"
#include "server/people.h"
#include "server/session.h"
#include "server/tls.h"

#define SESSION_READ_SLICE (16 * 1024)
#define SESSION_OUTQ_HIGH (4 * 1024 * 1024) /* stop reading requests above this */
#define SESSION_OUT_MAX (SESSION_OUTQ_HIGH + 2 * PROTO_FRAME_MAX)
#define SESSION_WRITE_BUDGET (1024 * 1024) /* bytes per turn, for fairness */
#define SESSION_CLOSE_GRACE_MS 5000
#define SESSION_LINGER_MS 2000 /* reading the peer's last bytes after our last frame */

enum session_state { ST_HANDSHAKE, ST_HELLO, ST_READY, ST_CLOSING };

struct session {
	struct server *srv;
	struct conn *conn;
	enum session_state state;
	char peer[64];
	struct person who; /* private copy: the registry may change under us */
	struct buf in, out;
	size_t out_off;   /* bytes of out already written */
	size_t retry_len; /* length of a write that returned E_AGAIN */
	struct {
		uint32_t id;
		uint8_t sha256[32];
		uint64_t offset;
	} reserved; /* the chunk between reserve and commit */
	int64_t started, last_active;
	uint64_t event_seq;
	unsigned watching;
	int lingering; /* our side is shut; discarding input until EOF */
	long long destroy_timer;
	struct {
		session_pump_fn fn;
		uint32_t id;
		void *arg;
		void (*free_arg)(void *);
	} pump;
	struct {
		session_chunk_fn fn;
		uint32_t id;
		void *arg;
		void (*free_arg)(void *);
	} up;
	uint64_t sid; /* unique for the daemon's life: work done elsewhere finds us by it */
	struct session *prev, *next;
};

/* session.c */
void session_end_pump(struct session *s);
/* Destroys the session from the timer phase of the loop, after @ms. */
void session_destroy_later(struct session *s, long ms);

/* session_out.c */
/* Appends one whole control frame to the output queue. */
int session_queue_node(struct session *s, const struct proto_node *n);
/* Writes what is queued (a budget per turn), feeds the pump, sets interest. */
void session_flush(struct session *s);
void session_watch(struct session *s, unsigned mask);
/* While lingering: reads and drops the peer's input until it closes. */
void session_drain_input(struct session *s);

#endif
