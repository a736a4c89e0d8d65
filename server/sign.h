/*
 * sign.h: signatures on the server (docs/protocol.md, docs/signing.md):
 * pdf.verify on a stored file; the agency seal (a key and an official
 * document-signing certificate made at first start in data_dir/seal) and
 * pdf.sign with it; token signing on the official's machine with
 * pdf.sign.prepare / pdf.sign.finish; and the check of the signed PDF of a
 * workflow transition (sign_bind).  The PDF work runs on job threads
 * (work.h), never on the loop: the verifier is our own strict code over the
 * object layer's caps, and a file over SIGN_PDF_MAX is refused before it is
 * read.
 */
#ifndef DINH_SIGN_H
#define DINH_SIGN_H

#include <stdint.h>

#include "common/proto.h"
#include "server/session.h"

#define SIGN_PDF_MAX (64u << 20) /* bytes of a PDF signed or verified on the server */
#define SIGN_PENDING_MAX 64      /* prepared token signatures kept at once */
#define SIGN_PENDING_SECONDS 600 /* how long a prepared signature waits for finish */
#define SIGN_CRLS_MAX 8          /* <crl> elements of one pdf.verify */
#define SIGN_SIG_MAX 1024        /* bytes of a token's raw signature */

struct server;
struct store_req;

/* Creates the agency seal on first start, loads the external roots of
 * [signing] trust and the signers registry. */
int sign_start(struct server *srv);
void sign_stop(struct server *srv);

int op_pdf_verify(struct session *s, uint32_t id, const struct proto_node *req);
int op_pdf_sign(struct session *s, uint32_t id, const struct proto_node *req);
int op_pdf_sign_prepare(struct session *s, uint32_t id, const struct proto_node *req);
int op_pdf_sign_finish(struct session *s, uint32_t id, const struct proto_node *req);

/* Records that signing certificate @cert_pem (just issued) belongs to
 * @person with @profile ("official", "citizen"). */
int sign_record_signer(struct server *srv, const char *cert_pem, const char *person,
		       const char *serial, const char *profile);
/* A revoked serial: its certificate no longer counts for anyone. */
void sign_revoked(struct server *srv, const char *serial);

/*
 * The signed PDF of change @r (r->ch.signed_pdf, already on the server):
 * its newest signature must be intact, cover the whole file or be followed
 * only by allowed changes, be trusted by the commune CA (and the configured
 * roots), and be made with a certificate of the acting person, or with
 * the agency seal when that person asked the server to seal this very file.
 * Earlier signatures must be intact.  On success the certificate's SHA-256
 * is set as r->ch.signer_cert.  @done is called once on the loop thread
 * with E_OK or the refusal (E_INVAL for an unsigned, broken or untrusted
 * file, E_PERM for someone else's certificate), possibly before
 * sign_bind() returns.
 */
typedef void (*sign_bind_fn)(struct server *srv, struct store_req *r, int rc);
void sign_bind(struct server *srv, struct store_req *r, sign_bind_fn done);

/* SIGHUP: the roots of [signing] trust read again from the new
 * configuration; on failure the roots in use stay (the error is returned). */
int sign_reload(struct server *srv);
/* Renews the agency seal when less than SIGN_SEAL_RENEW_DAYS are left
 * (called at start and daily). */
#define SIGN_SEAL_RENEW_DAYS 30
void sign_daily(struct server *srv);

#endif
