/*
 * session.h: one client connection after TLS: framing, the hello exchange,
 * request dispatch with role checks, replies, pushed events, and chunk
 * streams with back-pressure.  Request handlers (handlers.c) see only this.
 *
 * Contract for a handler: it is called on the loop thread with the request
 * already authorised by role.  It either replies (session_reply /
 * session_error, now or later from a pump) and returns E_OK, or returns a
 * negative E_* code without replying, in which case the session replies
 * <err id=.. code=..>err_detail()</err> and logs the failure.
 */
#ifndef DINH_SESSION_H
#define DINH_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"
#include "server/people.h"

struct session;
struct server;

/* The authenticated peer (never NULL once requests flow).  Borrowed. */
const struct person *session_person(const struct session *s);
struct server *session_server(struct session *s);
/* The session's id, unique for the daemon's life; work finished on another
 * thread finds the session again with session_by_sid() (server_priv.h). */
uint64_t session_sid(const struct session *s);
/* "addr:port" of the peer, for logs. */
const char *session_peer(const struct session *s);

/* Queues <resp id=@id> with @body's children and attributes moved into it;
 * takes ownership of @body (may be NULL for an empty reply). */
int session_reply(struct session *s, uint32_t id, struct proto_node *body);

/* Queues <err id=@id code=err_name(@code)>@detail</err>. */
int session_error(struct session *s, uint32_t id, int code, const char *detail);

/* Queues <event seq=N name=@name> with @body moved in (owned). */
int session_event(struct session *s, const char *name, struct proto_node *body);

/*
 * File data, without a copy: reserves room for a CHUNK frame of up to
 * @max data bytes at the end of the queue and returns where the data goes
 * (NULL with the E_* code in *rc on failure).  Nothing is queued until
 * session_commit_chunk() says how many bytes (<= @max) were written there.
 */
uint8_t *session_reserve_chunk(struct session *s, uint32_t id, const uint8_t sha256[32],
			       uint64_t offset, uint32_t max, int *rc);
void session_commit_chunk(struct session *s, uint32_t len);

/* Bytes queued for sending and not yet written to TLS. */
size_t session_outq(const struct session *s);

/*
 * A pump produces output while the peer keeps up: it is called whenever the
 * output queue is below SESSION_OUTQ_LOW; it returns E_AGAIN to be called
 * again, E_OK when finished (the pump is removed and @free_arg called), or a
 * negative code (the pump is removed; if it has not replied the session
 * sends an error for @id).  One pump per session at a time (E_BUSY).
 */
#define SESSION_OUTQ_LOW (512 * 1024)
typedef int (*session_pump_fn)(struct session *s, uint32_t id, void *arg);
int session_set_pump(struct session *s, uint32_t id, session_pump_fn fn, void *arg,
		     void (*free_arg)(void *));

/*
 * An upload sink receives the CHUNK frames whose id is @id.  It returns E_OK
 * to continue, E_AGAIN... not used; a negative code ends the upload (the
 * session sends an error for @id).  The sink itself replies when the upload
 * is complete and then calls session_end_upload().  One per session (E_BUSY).
 */
typedef int (*session_chunk_fn)(struct session *s, const struct proto_chunk *c, void *arg);
int session_set_upload(struct session *s, uint32_t id, session_chunk_fn fn, void *arg,
		       void (*free_arg)(void *));
void session_end_upload(struct session *s);

#endif
