/*
 * client.c: the blocking GnuTLS client of dinhd: connection, TLS, hello,
 * requests with ids, chunk streams and an event queue (see client.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "clients/client.h"
#include "common/buf.h"
#include "common/err.h"

/* TLS 1.3 only, or TLS 1.3 and 1.2 with ECDHE key exchange and AEAD ciphers. */
#define PRIO_TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define PRIO_TLS12                                                                       \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA:-DHE-RSA:-DHE-DSS:-CIPHER-ALL:" \
	"+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305"

struct client {
	int fd;
	gnutls_certificate_credentials_t cred;
	gnutls_session_t tls;
	struct buf in;  /* received bytes not yet parsed */
	size_t pending; /* bytes of the last returned frame, dropped at the next read */
	uint32_t next_id;
	unsigned io_timeout_ms;
	int dead;          /* the server closed or the stream is unusable */
	int cred_borrowed; /* cred is the caller's (client_opts.cred) */
	char *person, *name, *roles;
	struct proto_node *events[CLIENT_EVENTS_MAX];
	size_t ev_head, ev_count;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

int client_parse_addr(const char *addr, const char *def_port, char **host, char **port)
{
	const char *h = addr, *p = NULL, *colon;
	size_t hlen;
	char *end;
	unsigned long v;

	*host = NULL;
	*port = NULL;
	if (!addr || !*addr)
		return err_set(E_INVAL, "empty server address");
	if (addr[0] == '[') {
		const char *rb = strchr(addr, ']');

		if (!rb || (rb[1] != '\0' && rb[1] != ':'))
			return err_set(E_INVAL, "bad address '%s'", addr);
		h = addr + 1;
		hlen = (size_t)(rb - h);
		p = rb[1] == ':' ? rb + 2 : NULL;
	} else {
		colon = strrchr(addr, ':');
		/* "::1" without brackets: all of it is the host */
		if (colon && strchr(addr, ':') == colon) {
			hlen = (size_t)(colon - addr);
			p = colon + 1;
		} else {
			hlen = strlen(addr);
		}
	}
	if (hlen == 0)
		return err_set(E_INVAL, "no host in '%s'", addr);
	if (!p)
		p = def_port;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (!*p || *end || errno || v == 0 || v > 65535 || p[0] == '-' || p[0] == '+')
		return err_set(E_INVAL, "bad port in '%s'", addr);
	*host = strndup(h, hlen);
	*port = strdup(p);
	if (!*host || !*port) {
		free(*host);
		free(*port);
		*host = NULL;
		*port = NULL;
		return err_set(E_NOMEM, "address");
	}
	return E_OK;
}

/* Non-blocking connect to one address with a deadline; the socket is left blocking. */
static int connect_one(int *out, const struct addrinfo *ai, unsigned timeout_ms)
{
	struct pollfd pfd;
	int fd, fl, r, soerr = 0;
	socklen_t sl = sizeof(soerr);

	*out = -1;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -errno;
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	r = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (r < 0 && errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do {
			r = poll(&pfd, 1, (int)timeout_ms);
		} while (r < 0 && errno == EINTR);
		if (r == 0) {
			close(fd);
			return -ETIMEDOUT;
		}
		if (r > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0)
			r = soerr ? -1 : 0;
		if (soerr)
			errno = soerr;
	}
	if (r < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*out = fd;
	return 0;
}

static int tcp_connect(int *out, const char *host, const char *port, unsigned timeout_ms)
{
	struct addrinfo hints, *res = NULL, *ai;
	int r, last = -ECONNREFUSED;

	*out = -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0)
		return err_set(E_IO, "cannot resolve %s: %s", host, gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		last = connect_one(out, ai, timeout_ms);
		if (last == 0)
			break;
	}
	freeaddrinfo(res);
	if (last == -ETIMEDOUT)
		return err_set(E_TIMEOUT, "cannot connect to %s port %s: timed out", host, port);
	if (last < 0)
		return err_set(E_IO, "cannot connect to %s port %s: %s", host, port,
			       strerror(-last));
	return E_OK;
}

/* Loads the CA and the PKCS#12 identity into cl->cred (or takes the caller's). */
static int load_creds(struct client *cl, const struct client_opts *o)
{
	int r;

	if (o->cred) {
		cl->cred = o->cred;
		cl->cred_borrowed = 1;
		return E_OK;
	}
	if (gnutls_certificate_allocate_credentials(&cl->cred) < 0)
		return err_set(E_NOMEM, "TLS credentials");
	if (!o->ca_file || access(o->ca_file, R_OK) != 0)
		return err_set(E_TLS, "cannot read CA file %s", o->ca_file ? o->ca_file : "(none)");
	r = gnutls_certificate_set_x509_trust_file(cl->cred, o->ca_file, GNUTLS_X509_FMT_PEM);
	if (r <= 0)
		return err_set(E_TLS, "no CA certificate in %s", o->ca_file);
	if (!o->p12_file || access(o->p12_file, R_OK) != 0)
		return err_set(E_CRYPTO, "cannot read identity file %s",
			       o->p12_file ? o->p12_file : "(none)");
	r = gnutls_certificate_set_x509_simple_pkcs12_file(
		cl->cred, o->p12_file, GNUTLS_X509_FMT_DER, o->password ? o->password : "");
	if (r == GNUTLS_E_DECRYPTION_FAILED || r == GNUTLS_E_MAC_VERIFY_FAILED)
		return err_set(E_PASSWORD, "wrong password for identity %s", o->p12_file);
	if (r < 0)
		return err_set(E_CRYPTO, "cannot use identity %s: %s", o->p12_file,
			       gnutls_strerror(r));
	return E_OK;
}

/* Translates a fatal TLS error during or after the handshake. */
static int tls_error(struct client *cl, int r, const char *what)
{
	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		gnutls_datum_t txt = {NULL, 0};
		unsigned st = gnutls_session_get_verify_cert_status(cl->tls);
		int rc;

		gnutls_certificate_verification_status_print(st, GNUTLS_CRT_X509, &txt, 0);
		rc = err_set(E_TLS, "server certificate not trusted: %s",
			     txt.data ? (const char *)txt.data : "?");
		gnutls_free(txt.data);
		return rc;
	}
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		gnutls_alert_description_t a = gnutls_alert_get(cl->tls);

		switch (a) {
		case GNUTLS_A_CERTIFICATE_REVOKED:
			return err_set(E_REVOKED, "the server says our certificate is revoked");
		case GNUTLS_A_BAD_CERTIFICATE:
		case GNUTLS_A_UNKNOWN_CA:
		case GNUTLS_A_CERTIFICATE_EXPIRED:
		case GNUTLS_A_CERTIFICATE_UNKNOWN:
		case GNUTLS_A_UNSUPPORTED_CERTIFICATE:
		case GNUTLS_A_CERTIFICATE_REQUIRED:
			return err_set(E_AUTH, "the server refused our certificate: %s",
				       gnutls_alert_get_name(a));
		default:
			return err_set(E_TLS, "%s: alert %s", what, gnutls_alert_get_name(a));
		}
	}
	if (r == GNUTLS_E_TIMEDOUT)
		return err_set(E_TIMEOUT, "%s: timed out", what);
	return err_set(E_TLS, "%s: %s", what, gnutls_strerror(r));
}

static int tls_setup(struct client *cl, const struct client_opts *o)
{
	gnutls_datum_t alpn = {(unsigned char *)PROTO_ALPN, sizeof(PROTO_ALPN) - 1};
	unsigned char ipbuf[16];
	int r;

	if (gnutls_init(&cl->tls, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL) < 0)
		return err_set(E_NOMEM, "TLS session");
	r = gnutls_priority_set_direct(cl->tls, o->allow_tls12 ? PRIO_TLS12 : PRIO_TLS13, NULL);
	if (r >= 0)
		r = gnutls_credentials_set(cl->tls, GNUTLS_CRD_CERTIFICATE, cl->cred);
	if (r >= 0)
		r = gnutls_alpn_set_protocols(cl->tls, &alpn, 1, GNUTLS_ALPN_MANDATORY);
	/* SNI only for names, never for address literals (RFC 6066) */
	if (r >= 0 && inet_pton(AF_INET, o->host, ipbuf) != 1 &&
	    inet_pton(AF_INET6, o->host, ipbuf) != 1)
		r = gnutls_server_name_set(cl->tls, GNUTLS_NAME_DNS, o->host, strlen(o->host));
	if (r < 0)
		return err_set(E_TLS, "TLS setup: %s", gnutls_strerror(r));
	gnutls_session_set_verify_cert(cl->tls, o->host, 0);
	gnutls_transport_set_int(cl->tls, cl->fd);
	gnutls_handshake_set_timeout(cl->tls, o->connect_timeout_ms ? o->connect_timeout_ms
								    : CLIENT_CONNECT_TIMEOUT_MS);
	gnutls_record_set_timeout(cl->tls, cl->io_timeout_ms);
	return E_OK;
}

static int tls_handshake(struct client *cl)
{
	gnutls_datum_t sel = {NULL, 0};
	int r;

	do {
		r = gnutls_handshake(cl->tls);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0)
		return tls_error(cl, r, "TLS handshake");
	if (gnutls_alpn_get_selected_protocol(cl->tls, &sel) < 0 ||
	    sel.size != sizeof(PROTO_ALPN) - 1 || memcmp(sel.data, PROTO_ALPN, sel.size) != 0)
		return err_set(E_TLS, "the server did not select ALPN %s", PROTO_ALPN);
	return E_OK;
}

static int send_all(struct client *cl, const uint8_t *p, size_t len)
{
	ssize_t n;

	if (cl->dead)
		return err_set(E_IO, "the connection is closed");
	while (len > 0) {
		n = gnutls_record_send(cl->tls, p, len);
		if (n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n < 0) {
			cl->dead = 1;
			return tls_error(cl, (int)n, "send");
		}
		p += n;
		len -= (size_t)n;
	}
	return E_OK;
}

static int send_node(struct client *cl, const struct proto_node *n)
{
	struct buf b;
	int rc;

	buf_init(&b, PROTO_HDR_LEN + PROTO_CONTROL_MAX);
	rc = proto_control_build(&b, n);
	if (rc == E_OK)
		rc = send_all(cl, b.data, b.len);
	buf_free(&b);
	return rc;
}

/* Reads the next frame into *f (borrowed until the next call). */
static int read_frame(struct client *cl, struct proto_frame *f)
{
	size_t used;
	uint8_t *p;
	ssize_t n;
	int rc;

	if (cl->pending) {
		buf_consume(&cl->in, cl->pending);
		cl->pending = 0;
	}
	for (;;) {
		if (cl->dead)
			return err_set(E_IO, "the connection is closed");
		rc = proto_frame_parse(cl->in.data, cl->in.len, f, &used);
		if (rc == E_OK) {
			cl->pending = used;
			return E_OK;
		}
		if (rc != E_AGAIN) {
			cl->dead = 1;
			return rc;
		}
		p = buf_reserve(&cl->in, 16384);
		if (!p) {
			cl->dead = 1;
			return err_set(E_TOOBIG, "input buffer full");
		}
		do {
			n = gnutls_record_recv(cl->tls, p, 16384);
		} while (n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_AGAIN);
		if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION) {
			cl->dead = 1;
			return err_set(E_IO, "the server closed the connection");
		}
		if (n < 0) {
			if (n != GNUTLS_E_TIMEDOUT)
				cl->dead = 1;
			return tls_error(cl, (int)n, "receive");
		}
		buf_commit(&cl->in, (size_t)n);
	}
}

static void queue_event(struct client *cl, struct proto_node *ev)
{
	size_t slot;

	if (cl->ev_count == CLIENT_EVENTS_MAX) {
		proto_node_free(cl->events[cl->ev_head]);
		cl->events[cl->ev_head] = NULL;
		cl->ev_head = (cl->ev_head + 1) % CLIENT_EVENTS_MAX;
		cl->ev_count--;
	}
	slot = (cl->ev_head + cl->ev_count) % CLIENT_EVENTS_MAX;
	cl->events[slot] = ev;
	cl->ev_count++;
}

int client_next_event(struct client *cl, struct proto_node **ev)
{
	*ev = NULL;
	if (cl->ev_count == 0)
		return err_set(E_NOTFOUND, "no event");
	*ev = cl->events[cl->ev_head];
	cl->events[cl->ev_head] = NULL;
	cl->ev_head = (cl->ev_head + 1) % CLIENT_EVENTS_MAX;
	cl->ev_count--;
	return E_OK;
}

static int err_of(const struct proto_node *n);

int client_wait_event(struct client *cl, unsigned timeout_ms, struct proto_node **ev)
{
	struct proto_frame f;
	struct proto_node *n = NULL;
	int rc;

	if (client_next_event(cl, ev) == E_OK)
		return E_OK;
	gnutls_record_set_timeout(cl->tls, timeout_ms);
	for (;;) {
		if ((rc = read_frame(cl, &f)) < 0)
			break;
		if (f.type == PROTO_T_CHUNK)
			continue;
		if ((rc = proto_control_parse(f.body, f.len, &n)) < 0) {
			cl->dead = 1;
			break;
		}
		if (strcmp(n->name, "event") == 0) {
			*ev = n;
			rc = E_OK;
			break;
		}
		if (strcmp(n->name, "bye") == 0 ||
		    (strcmp(n->name, "err") == 0 && !proto_attr(n, "id"))) {
			cl->dead = 1;
			rc = strcmp(n->name, "bye") == 0
				     ? err_set(E_SHUTDOWN, "the server closed the session")
				     : err_of(n);
			proto_node_free(n);
			break;
		}
		proto_node_free(n); /* a late reply nobody waits for */
		n = NULL;
	}
	gnutls_record_set_timeout(cl->tls, cl->io_timeout_ms);
	return rc;
}

/* The E_* code of an <err> node, with its text as detail. */
static int err_of(const struct proto_node *n)
{
	const char *code = proto_attr(n, "code");
	int c = code ? err_from_name(code) : E_PROTO;

	if (c >= 0)
		c = E_PROTO;
	return err_set(c, "%s", n->text && *n->text ? n->text : err_str(c));
}

/* 1 if @n carries id=@id. */
static int has_id(const struct proto_node *n, uint32_t id)
{
	uint64_t v;

	return proto_attr_u64(n, "id", &v) == E_OK && v == id;
}

/*
 * Reads control messages until one concerns @id (or, with @id 0, the hello):
 * *out gets it (owned).  Events are queued; other replies are dropped;
 * <bye/> and connection-level errors end the connection.  When @chunk is
 * not NULL a CHUNK frame of @id is returned there instead (*out NULL).
 */
static int wait_for(struct client *cl, uint32_t id, struct proto_node **out,
		    struct proto_chunk *chunk)
{
	struct proto_frame f;
	struct proto_node *n = NULL;
	int rc;

	*out = NULL;
	for (;;) {
		rc = read_frame(cl, &f);
		if (rc < 0)
			return rc;
		if (f.type == PROTO_T_CHUNK) {
			if (chunk && proto_chunk_parse(&f, chunk) == E_OK && chunk->id == id)
				return E_OK;
			continue;
		}
		rc = proto_control_parse(f.body, f.len, &n);
		if (rc < 0) {
			cl->dead = 1;
			return rc;
		}
		if (strcmp(n->name, "event") == 0) {
			queue_event(cl, n);
			n = NULL;
			continue;
		}
		if (strcmp(n->name, "bye") == 0) {
			proto_node_free(n);
			cl->dead = 1;
			return err_set(E_SHUTDOWN, "the server closed the session");
		}
		if (strcmp(n->name, "err") == 0 && !proto_attr(n, "id")) {
			cl->dead = 1;
			rc = err_of(n);
			proto_node_free(n);
			return rc;
		}
		if ((id == 0 && strcmp(n->name, "hello") == 0) || (id != 0 && has_id(n, id))) {
			*out = n;
			return E_OK;
		}
		proto_node_free(n);
		n = NULL;
	}
}

static int do_hello(struct client *cl, const struct client_opts *o)
{
	struct proto_node *h = proto_node_new("hello"), *resp = NULL;
	uint64_t v;
	int rc;

	if (!h || proto_node_set_u64(h, "min", PROTO_VERSION_MIN) < 0 ||
	    proto_node_set_u64(h, "max", PROTO_VERSION) < 0 ||
	    proto_node_set(h, "agent", o->agent ? o->agent : CLIENT_AGENT) < 0) {
		rc = err_set(E_NOMEM, "hello");
		goto out;
	}
	rc = send_node(cl, h);
	if (rc < 0) {
		/* a server refusing our certificate may have said why and closed
		 * before reading our hello: its <err> is the better report */
		int sent = rc;

		cl->dead = 0;
		gnutls_record_set_timeout(cl->tls, 1000);
		rc = wait_for(cl, 0, &resp, NULL);
		if (rc == E_OK || (rc != E_AUTH && rc != E_REVOKED))
			rc = err_set(sent, "%s", "cannot send hello");
		cl->dead = 1;
	} else {
		rc = wait_for(cl, 0, &resp, NULL);
	}
	if (rc < 0)
		goto out;
	if (proto_attr_u64(resp, "version", &v) < 0 || v < PROTO_VERSION_MIN || v > PROTO_VERSION) {
		rc = err_set(E_VERSION, "the server answered an unsupported protocol version");
		goto out;
	}
	cl->person = dup_or_empty(proto_attr(resp, "person"));
	cl->name = dup_or_empty(proto_attr(resp, "name"));
	cl->roles = dup_or_empty(proto_attr(resp, "roles"));
	if (!cl->person || !cl->name || !cl->roles)
		rc = err_set(E_NOMEM, "hello");
out:
	proto_node_free(h);
	proto_node_free(resp);
	return rc;
}

int client_connect(struct client **out, const struct client_opts *o)
{
	struct client *cl = calloc(1, sizeof(*cl));
	int rc;

	*out = NULL;
	if (!cl)
		return err_set(E_NOMEM, "client");
	cl->fd = -1;
	cl->next_id = 1;
	cl->io_timeout_ms = o->io_timeout_ms ? o->io_timeout_ms : CLIENT_IO_TIMEOUT_MS;
	buf_init(&cl->in, 2 * PROTO_FRAME_MAX);
	if (!o->host || !o->port) {
		rc = err_set(E_INVAL, "no server address");
		goto fail;
	}
	rc = load_creds(cl, o);
	if (rc == E_OK)
		rc = tcp_connect(&cl->fd, o->host, o->port,
				 o->connect_timeout_ms ? o->connect_timeout_ms
						       : CLIENT_CONNECT_TIMEOUT_MS);
	if (rc == E_OK)
		rc = tls_setup(cl, o);
	if (rc == E_OK)
		rc = tls_handshake(cl);
	if (rc == E_OK)
		rc = do_hello(cl, o);
	if (rc < 0)
		goto fail;
	*out = cl;
	return E_OK;
fail:
	cl->dead = 1;
	client_close(cl);
	return rc;
}

void client_close(struct client *cl)
{
	struct proto_node *bye;
	size_t i;

	if (!cl)
		return;
	if (cl->tls && !cl->dead) {
		bye = proto_node_new("bye");
		if (bye)
			send_node(cl, bye);
		proto_node_free(bye);
		gnutls_record_set_timeout(cl->tls, 500);
		gnutls_bye(cl->tls, GNUTLS_SHUT_WR);
	}
	if (cl->tls)
		gnutls_deinit(cl->tls);
	if (cl->cred && !cl->cred_borrowed)
		gnutls_certificate_free_credentials(cl->cred);
	if (cl->fd >= 0)
		close(cl->fd);
	buf_free(&cl->in);
	for (i = 0; i < CLIENT_EVENTS_MAX; i++)
		proto_node_free(cl->events[i]);
	free(cl->person);
	free(cl->name);
	free(cl->roles);
	free(cl);
}

int client_fd(const struct client *cl)
{
	return cl->fd;
}

const char *client_person(const struct client *cl)
{
	return cl->person ? cl->person : "";
}

const char *client_name(const struct client *cl)
{
	return cl->name ? cl->name : "";
}

const char *client_roles(const struct client *cl)
{
	return cl->roles ? cl->roles : "";
}

int client_send_req(struct client *cl, struct proto_node *req, uint32_t *id)
{
	uint32_t my = cl->next_id;
	int rc;

	*id = 0;
	cl->next_id = cl->next_id == UINT32_MAX ? 1 : cl->next_id + 1;
	rc = proto_node_set_u64(req, "id", my);
	if (rc < 0)
		return rc;
	rc = send_node(cl, req);
	if (rc == E_OK)
		*id = my;
	return rc;
}

int client_wait_resp(struct client *cl, uint32_t id, struct proto_node **resp)
{
	struct proto_node *n = NULL;
	int rc;

	*resp = NULL;
	rc = wait_for(cl, id, &n, NULL);
	if (rc < 0)
		return rc;
	if (strcmp(n->name, "resp") == 0) {
		*resp = n;
		return E_OK;
	}
	rc = strcmp(n->name, "err") == 0 ? err_of(n)
					 : err_set(E_PROTO, "unexpected <%s> reply", n->name);
	proto_node_free(n);
	return rc;
}

int client_request(struct client *cl, struct proto_node *req, struct proto_node **resp)
{
	uint32_t id;
	int rc;

	*resp = NULL;
	rc = client_send_req(cl, req, &id);
	if (rc == E_OK)
		rc = client_wait_resp(cl, id, resp);
	return rc;
}

int client_send_chunk(struct client *cl, uint32_t id, const uint8_t sha256[32], uint64_t offset,
		      const void *data, uint32_t len)
{
	struct buf b;
	int rc;

	if (len > PROTO_CHUNK_DATA_MAX)
		return err_set(E_TOOBIG, "chunk of %u bytes", len);
	buf_init(&b, PROTO_FRAME_MAX);
	rc = proto_chunk_build(&b, id, sha256, offset, data, len);
	if (rc == E_OK)
		rc = send_all(cl, b.data, b.len);
	buf_free(&b);
	return rc;
}

int client_recv_chunk(struct client *cl, uint32_t id, struct proto_chunk *c)
{
	struct proto_node *n = NULL;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = wait_for(cl, id, &n, c);
	if (rc < 0 || !n)
		return rc;
	rc = strcmp(n->name, "err") == 0
		     ? err_of(n)
		     : err_set(E_PROTO, "unexpected <%s> during a download", n->name);
	proto_node_free(n);
	return rc;
}
