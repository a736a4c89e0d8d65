/*
 * client.h: the blocking dinh client library (docs/protocol.md is the
 * contract).  One struct client is one TLS connection to dinhd: TCP with a
 * connect timeout, TLS 1.3 (1.2 only when asked), ALPN dinh/1, the server
 * verified against the commune CA and the host name, the client identity
 * taken from a PKCS#12 file, then the hello exchange.
 *
 * Requests are answered in order of arrival of their replies; events the
 * server pushes while the client waits are queued (at most
 * CLIENT_EVENTS_MAX, the oldest dropped) and read with client_next_event().
 * Not thread-safe: one thread uses one client.
 */
#ifndef DINH_CLIENT_H
#define DINH_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

#define CLIENT_DEFAULT_HOST "127.0.0.1"
#define CLIENT_DEFAULT_PORT "4343"
#define CLIENT_CONNECT_TIMEOUT_MS 10000
#define CLIENT_IO_TIMEOUT_MS 120000
#define CLIENT_EVENTS_MAX 64
#define CLIENT_AGENT "dinh/" PACKAGE_VERSION

struct client;

struct client_opts {
	const char *host;     /* name or address; also the name verified in the certificate */
	const char *port;     /* decimal port or service name */
	const char *ca_file;  /* PEM file of the commune CA to trust */
	const char *p12_file; /* the client identity (PKCS#12, DER) */
	const char *password; /* its password; borrowed, the caller wipes it */
	int allow_tls12;      /* non-zero: TLS 1.2 with ECDHE + AEAD is acceptable */
	unsigned connect_timeout_ms; /* 0: CLIENT_CONNECT_TIMEOUT_MS (TCP + handshake) */
	unsigned io_timeout_ms;      /* 0: CLIENT_IO_TIMEOUT_MS (each wait for the server) */
	const char *agent;           /* NULL: CLIENT_AGENT */
	/* Preloaded gnutls_certificate_credentials_t (CA and identity), borrowed
	 * and never freed here; when set, ca_file, p12_file and password are
	 * not read.  For programs that open many connections per identity. */
	void *cred;
};

/*
 * Connects, authenticates and exchanges hello.  Errors: E_IO (cannot
 * connect), E_TIMEOUT, E_TLS (handshake or server certificate), E_PASSWORD
 * (wrong PKCS#12 password), E_CRYPTO (unusable identity file), E_AUTH or
 * E_REVOKED (the server refused our certificate), E_VERSION, E_PROTO.
 * *out is NULL on failure.
 */
int client_connect(struct client **out, const struct client_opts *o);

/* Says <bye/> (best effort), closes and frees.  NULL is fine. */
void client_close(struct client *cl);

/* The connection's socket (for getsockopt, e.g. TCP_INFO byte counts). */
int client_fd(const struct client *cl);

/* What the server's hello told about us; borrowed, "" when absent. */
const char *client_person(const struct client *cl);
const char *client_name(const struct client *cl);
const char *client_roles(const struct client *cl);

/*
 * Sends @req (a <req op="..."> node; its "id" attribute is set here to a
 * fresh id, returned in *id).  @req stays the caller's.
 */
int client_send_req(struct client *cl, struct proto_node *req, uint32_t *id);

/*
 * Waits for the reply to request @id: E_OK with the <resp> in *resp (owned
 * by the caller), or the E_* code of the <err> with its text as the detail
 * (*resp NULL).  Events are queued, chunks of other requests dropped.
 */
int client_wait_resp(struct client *cl, uint32_t id, struct proto_node **resp);

/* client_send_req() then client_wait_resp(). */
int client_request(struct client *cl, struct proto_node *req, struct proto_node **resp);

/* Sends one CHUNK frame (at most PROTO_CHUNK_DATA_MAX bytes of data). */
int client_send_chunk(struct client *cl, uint32_t id, const uint8_t sha256[32], uint64_t offset,
		      const void *data, uint32_t len);

/*
 * Waits for the next CHUNK frame of request @id.  c->data is borrowed and
 * valid until the next call on @cl.  An <err> for @id ends the stream with
 * its code; a <resp> for @id is E_PROTO (unexpected).
 */
int client_recv_chunk(struct client *cl, uint32_t id, struct proto_chunk *c);

/* Takes the oldest queued event (owned by the caller); E_NOTFOUND if none. */
int client_next_event(struct client *cl, struct proto_node **ev);

/* The oldest queued event, else waits up to @timeout_ms for one to arrive
 * (replies nobody waits for are dropped): E_OK with *ev owned by the
 * caller, E_TIMEOUT, or the error that ended the connection. */
int client_wait_event(struct client *cl, unsigned timeout_ms, struct proto_node **ev);

/* Splits "host:port", "[v6]:port", "host" (port = @def_port) into malloc'd
 * parts; E_INVAL for an empty host or a bad port. */
int client_parse_addr(const char *addr, const char *def_port, char **host, char **port);

#endif
