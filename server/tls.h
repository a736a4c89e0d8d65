/*
 * tls.h: the transport under a session, behind a small function table: a
 * GnuTLS implementation for the daemon and a plain one for tests over a
 * socketpair.  Nothing outside tls.c calls gnutls_record_* or
 * gnutls_handshake.
 */
#ifndef DINH_TLS_H
#define DINH_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include "signing/ca.h"

/* TLS priorities: TLS 1.3 only, or TLS 1.3 and 1.2 with ECDHE + AEAD only. */
#define TLS_PRIORITY_13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define TLS_PRIORITY_12                                                                           \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:-CIPHER-ALL:" \
	"+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD"

/* Server credentials: key, certificate, trusted CA and its CRL.  Refcounted so
 * that a reload (SIGHUP, revocation) serves new handshakes while sessions that
 * started earlier keep theirs. */
struct tls_ctx;

int tls_ctx_new(struct tls_ctx **out, const char *data_dir, int allow_tls12);
struct tls_ctx *tls_ctx_ref(struct tls_ctx *ctx);
void tls_ctx_unref(struct tls_ctx *ctx);

struct conn;

struct conn_ops {
	/* E_OK when done; E_AGAIN to be called again when the fd is ready
	 * (see want_write); E_TLS, E_AUTH, E_REVOKED otherwise. */
	int (*handshake)(struct conn *c);
	/* > 0 bytes, 0 on orderly close, E_AGAIN, or E_TLS/E_IO. */
	ssize_t (*read)(struct conn *c, void *buf, size_t len);
	/* > 0 bytes accepted, E_AGAIN, or E_TLS/E_IO. */
	ssize_t (*write)(struct conn *c, const void *buf, size_t len);
	/* Bytes already decrypted and waiting to be read. */
	size_t (*pending)(struct conn *c);
	/* 1 if the last E_AGAIN waits for the fd to become writable. */
	int (*want_write)(struct conn *c);
	/* Ends our direction (close_notify / FIN) without waiting; reading
	 * stays possible so that the peer's last bytes do not cause a reset. */
	void (*shutdown_write)(struct conn *c);
	/* Sends a close_notify if possible (never blocks) and frees; closes fd. */
	void (*close)(struct conn *c);
};

struct conn {
	const struct conn_ops *ops;
	int fd;
	/* The verified client certificate, filled after the handshake. */
	char serial[CA_SERIAL_HEX_MAX];
	char fingerprint[CA_FPR_HEX_MAX];
};

/* Takes ownership of @fd (non-blocking). */
int conn_tls_new(struct conn **out, struct tls_ctx *ctx, int fd);
/* A plain transport for tests: the peer is taken to be @serial. */
int conn_plain_new(struct conn **out, int fd, const char *serial);

#endif
