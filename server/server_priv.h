/*
 * server_priv.h: what server.c and session.c share and nobody else sees:
 * the list of sessions, the counters behind the caps, and the session
 * lifecycle calls the server makes.
 */
#ifndef DINH_SERVER_PRIV_H
#define DINH_SERVER_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "server/server.h"
#include "server/session.h"
#include "server/tls.h"

#define SERVER_LISTEN_MAX 16

struct server_priv {
	int listen_fd[SERVER_LISTEN_MAX];
	size_t n_listen;
	struct session *head, *tail; /* every session, oldest first */
	size_t n_sessions;
	size_t n_handshakes;
	long long sweep_timer;
	unsigned long sweeps;
	long long stop_timer;
	int stopping;
	uint64_t next_sid;
	GHashTable *by_sid; /* sid -> session */
};

/* The live session with @sid, or NULL when it has ended. */
struct session *session_by_sid(struct server *srv, uint64_t sid);

/* A session left the handshake state (done, failed or gone): counts it. */
void server_handshake_done(struct server *srv);

/* Creates a session for an accepted, non-blocking @fd over @conn (owned)
 * and starts watching it. */
int session_start(struct server *srv, struct conn *conn, const char *peer);

/* 1 while the TLS handshake or the certificate check is not finished. */
int session_handshaking(const struct session *s);
/* 1 once hello is answered and until the session closes. */
int session_ready(const struct session *s);

/* Monotonic ms of the session's start and last activity. */
int64_t session_started(const struct session *s);
int64_t session_last_active(const struct session *s);
/* 1 while a download or upload is running on the session. */
int session_busy(const struct session *s);
/* The serial of the session's client certificate ("" before the handshake). */
const char *session_serial(const struct session *s);
struct session *session_next(const struct session *s);

/* Sends a connection-level <err code=@code>@why</err> (when the session is
 * past the handshake), logs @why and closes once the output has drained. */
void session_kill(struct session *s, int code, const char *why);
/* Orderly close at shutdown: <bye/>, then close when idle. */
void session_shutdown(struct session *s);
/* Frees at once (no more output). */
void session_destroy(struct session *s);

#endif
