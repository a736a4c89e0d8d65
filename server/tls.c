/*
 * tls.c: GnuTLS server sessions (non-blocking), their credentials, and a
 * plain transport with the same function table for tests.
 */
#include "config.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/proto.h"
#include "server/tls.h"

struct tls_ctx {
	int refs;
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
};

struct tls_conn {
	struct conn base;
	struct tls_ctx *ctx;
	gnutls_session_t s;
};

static int tls_load(gnutls_certificate_credentials_t cred, const char *dir, const char *name,
		    int what)
{
	char *path = fs_join(dir, name);
	int rc;

	if (!path)
		return err_set(E_NOMEM, "out of memory");
	if (what == 0)
		rc = gnutls_certificate_set_x509_trust_file(cred, path, GNUTLS_X509_FMT_PEM);
	else
		rc = gnutls_certificate_set_x509_crl_file(cred, path, GNUTLS_X509_FMT_PEM);
	if (rc < 0)
		rc = err_set(E_CONFIG, "%s: %s", path, gnutls_strerror(rc));
	else if (what == 0 && rc == 0)
		rc = err_set(E_CONFIG, "%s: no CA certificate", path);
	else
		rc = E_OK;
	free(path);
	return rc;
}

int tls_ctx_new(struct tls_ctx **out, const char *data_dir, int allow_tls12)
{
	struct tls_ctx *ctx = calloc(1, sizeof(*ctx));
	char *ca_dir = NULL, *key = NULL, *crt = NULL;
	const char *errpos = NULL;
	int rc;

	*out = NULL;
	if (!ctx || !(ca_dir = fs_join(data_dir, "ca")) ||
	    !(key = fs_join(data_dir, "server/server.key")) ||
	    !(crt = fs_join(data_dir, "server/server.pem"))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	ctx->refs = 1;
	if (gnutls_certificate_allocate_credentials(&ctx->cred) < 0) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	rc = gnutls_certificate_set_x509_key_file(ctx->cred, crt, key, GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		rc = err_set(E_CONFIG, "server key %s: %s", key, gnutls_strerror(rc));
		goto out;
	}
	if ((rc = tls_load(ctx->cred, ca_dir, "ca.pem", 0)) < 0 ||
	    (rc = tls_load(ctx->cred, ca_dir, "crl.pem", 1)) < 0)
		goto out;
	rc = gnutls_priority_init(&ctx->prio, allow_tls12 ? TLS_PRIORITY_12 : TLS_PRIORITY_13,
				  &errpos);
	if (rc < 0) {
		rc = err_set(E_CONFIG, "TLS priority near \"%s\": %s", errpos ? errpos : "",
			     gnutls_strerror(rc));
		goto out;
	}
	*out = ctx;
	ctx = NULL;
	rc = E_OK;
out:
	free(ca_dir);
	free(key);
	free(crt);
	if (ctx)
		tls_ctx_unref(ctx);
	return rc;
}

struct tls_ctx *tls_ctx_ref(struct tls_ctx *ctx)
{
	ctx->refs++;
	return ctx;
}

void tls_ctx_unref(struct tls_ctx *ctx)
{
	if (!ctx || --ctx->refs > 0)
		return;
	if (ctx->prio)
		gnutls_priority_deinit(ctx->prio);
	if (ctx->cred)
		gnutls_certificate_free_credentials(ctx->cred);
	free(ctx);
}

/* Verifies the client's certificate against the CA and CRL of the session's
 * credentials and records its serial and fingerprint. */
static int tls_verify_peer(struct tls_conn *t)
{
	const gnutls_datum_t *certs;
	gnutls_x509_crt_t crt = NULL;
	unsigned status = 0, n = 0;
	unsigned char buf[64];
	size_t len;
	int rc;

	certs = gnutls_certificate_get_peers(t->s, &n);
	if (!certs || n == 0)
		return err_set(E_AUTH, "no client certificate");
	rc = gnutls_certificate_verify_peers3(t->s, NULL, &status);
	if (rc < 0)
		return err_set(E_AUTH, "certificate check failed: %s", gnutls_strerror(rc));
	if (status) {
		gnutls_datum_t why = {NULL, 0};

		gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0);
		while (why.data && why.size > 0 &&
		       (why.data[why.size - 1] == ' ' || why.data[why.size - 1] == '\0'))
			why.data[--why.size] = '\0';
		rc = err_set(status & GNUTLS_CERT_REVOKED ? E_REVOKED : E_AUTH,
			     "certificate not trusted: %s", why.data ? (char *)why.data : "?");
		gnutls_free(why.data);
		return rc;
	}
	if (gnutls_x509_crt_init(&crt) < 0)
		return err_set(E_NOMEM, "out of memory");
	rc = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER);
	len = sizeof(buf);
	if (rc >= 0)
		rc = gnutls_x509_crt_get_serial(crt, buf, &len);
	if (rc < 0 || len > 20) {
		gnutls_x509_crt_deinit(crt);
		return err_set(E_AUTH, "unreadable client certificate");
	}
	for (size_t i = 0; i < len; i++)
		snprintf(t->base.serial + 2 * i, 3, "%02x", buf[i]);
	len = sizeof(buf);
	rc = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, buf, &len);
	gnutls_x509_crt_deinit(crt);
	if (rc < 0)
		return err_set(E_AUTH, "unreadable client certificate");
	for (size_t i = 0; i < len; i++)
		snprintf(t->base.fingerprint + 2 * i, 3, "%02x", buf[i]);
	return E_OK;
}

static int tls_handshake(struct conn *c)
{
	struct tls_conn *t = (struct tls_conn *)c;
	gnutls_datum_t sel = {NULL, 0};
	int rc = gnutls_handshake(t->s);

	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return E_AGAIN;
	if (rc < 0) {
		/* Best effort, never blocks: tells the peer why (e.g.
		 * no_application_protocol when it did not offer dinh/1). */
		gnutls_alert_send_appropriate(t->s, rc);
		return err_set(E_TLS, "TLS handshake failed: %s", gnutls_strerror(rc));
	}
	/* GnuTLS refuses a foreign ALPN list in the handshake but lets a client
	 * that offers none through: dinh/1 is mandatory, so refuse it here. */
	if (gnutls_alpn_get_selected_protocol(t->s, &sel) < 0 ||
	    sel.size != sizeof(PROTO_ALPN) - 1 || memcmp(sel.data, PROTO_ALPN, sel.size) != 0) {
		gnutls_alert_send(t->s, GNUTLS_AL_FATAL, GNUTLS_A_NO_APPLICATION_PROTOCOL);
		return err_set(E_TLS, "TLS handshake failed: the client did not offer ALPN %s",
			       PROTO_ALPN);
	}
	return tls_verify_peer(t);
}

static ssize_t tls_read(struct conn *c, void *buf, size_t len)
{
	struct tls_conn *t = (struct tls_conn *)c;
	ssize_t n = gnutls_record_recv(t->s, buf, len);

	if (n >= 0)
		return n;
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
		return E_AGAIN;
	if (n == GNUTLS_E_PREMATURE_TERMINATION)
		return 0;
	return err_set(E_TLS, "TLS read: %s", gnutls_strerror((int)n));
}

static ssize_t tls_write(struct conn *c, const void *buf, size_t len)
{
	struct tls_conn *t = (struct tls_conn *)c;
	ssize_t n = gnutls_record_send(t->s, buf, len);

	if (n >= 0)
		return n;
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
		return E_AGAIN;
	return err_set(E_TLS, "TLS write: %s", gnutls_strerror((int)n));
}

static size_t tls_pending(struct conn *c)
{
	return gnutls_record_check_pending(((struct tls_conn *)c)->s);
}

static int tls_want_write(struct conn *c)
{
	return gnutls_record_get_direction(((struct tls_conn *)c)->s) == 1;
}

static void tls_shutdown_write(struct conn *c)
{
	gnutls_bye(((struct tls_conn *)c)->s, GNUTLS_SHUT_WR);
	shutdown(c->fd, SHUT_WR);
}

static void tls_close(struct conn *c)
{
	struct tls_conn *t = (struct tls_conn *)c;

	/* Non-blocking: one attempt at close_notify, never a wait. */
	gnutls_bye(t->s, GNUTLS_SHUT_WR);
	gnutls_deinit(t->s);
	tls_ctx_unref(t->ctx);
	close(c->fd);
	free(t);
}

static const struct conn_ops tls_ops = {
	tls_handshake,  tls_read,           tls_write, tls_pending,
	tls_want_write, tls_shutdown_write, tls_close,
};

int conn_tls_new(struct conn **out, struct tls_ctx *ctx, int fd)
{
	static const gnutls_datum_t alpn = {(unsigned char *)PROTO_ALPN, sizeof(PROTO_ALPN) - 1};
	struct tls_conn *t = calloc(1, sizeof(*t));
	int rc;

	*out = NULL;
	if (!t)
		return err_set(E_NOMEM, "out of memory");
	rc = gnutls_init(&t->s, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS);
	if (rc < 0) {
		free(t);
		return err_set(E_TLS, "gnutls_init: %s", gnutls_strerror(rc));
	}
	if ((rc = gnutls_priority_set(t->s, ctx->prio)) < 0 ||
	    (rc = gnutls_credentials_set(t->s, GNUTLS_CRD_CERTIFICATE, ctx->cred)) < 0 ||
	    (rc = gnutls_alpn_set_protocols(t->s, &alpn, 1, GNUTLS_ALPN_MANDATORY)) < 0) {
		gnutls_deinit(t->s);
		free(t);
		return err_set(E_TLS, "TLS session setup: %s", gnutls_strerror(rc));
	}
	gnutls_certificate_server_set_request(t->s, GNUTLS_CERT_REQUIRE);
	gnutls_handshake_set_timeout(t->s, 0);
	gnutls_transport_set_int(t->s, fd);
	t->ctx = tls_ctx_ref(ctx);
	t->base.ops = &tls_ops;
	t->base.fd = fd;
	*out = &t->base;
	return E_OK;
}

/* The plain transport: the same contract over a bare socket. */
static int plain_handshake(struct conn *c)
{
	return E_OK;
}

static ssize_t plain_read(struct conn *c, void *buf, size_t len)
{
	ssize_t n = read(c->fd, buf, len);

	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return E_AGAIN;
	return err_set(E_IO, "read: %s", strerror(errno));
}

static ssize_t plain_write(struct conn *c, const void *buf, size_t len)
{
	ssize_t n = write(c->fd, buf, len);

	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return E_AGAIN;
	return err_set(E_IO, "write: %s", strerror(errno));
}

static size_t plain_pending(struct conn *c)
{
	return 0;
}

static int plain_want_write(struct conn *c)
{
	return 0;
}

static void plain_shutdown_write(struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
}

static void plain_close(struct conn *c)
{
	close(c->fd);
	free(c);
}

static const struct conn_ops plain_ops = {
	plain_handshake,  plain_read,           plain_write, plain_pending,
	plain_want_write, plain_shutdown_write, plain_close,
};

int conn_plain_new(struct conn **out, int fd, const char *serial)
{
	struct conn *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return err_set(E_NOMEM, "out of memory");
	c->ops = &plain_ops;
	c->fd = fd;
	snprintf(c->serial, sizeof(c->serial), "%s", serial ? serial : "");
	*out = c;
	return E_OK;
}
