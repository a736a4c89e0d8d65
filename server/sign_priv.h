/*
 * sign_priv.h: what sign.c, sign_token.c and sign_bind.c share: the
 * signing state of the server and the job that carries one PDF to a job
 * thread and back.
 */
#ifndef DINH_SIGN_PRIV_H
#define DINH_SIGN_PRIV_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gnutls/x509.h>

#include "server/sign.h"
#include "signing/pdfverify.h"

struct signers;

struct sign {
	char *seal_spec;   /* "KEY.pem:CERT.pem:CA.pem" of the agency seal */
	char seal_fpr[65]; /* SHA-256 of the seal certificate */
	int seal_renewed;  /* set by a renewal, for seal_open() */
	char *roots_pem;   /* the external roots of [signing] trust, PEM, or "" */
	struct signers *signers;
	GHashTable *sealed;  /* sha256 of a sealed PDF -> id of the person who asked */
	GHashTable *pending; /* handle -> struct sign_pending */
	char *sealed_log;    /* data_dir/seal/sealed.log: one "sha256 person" a line */
};

/* A token signature prepared and waiting for its signature. */
struct sign_pending {
	char handle[33];
	char sha[65]; /* the input PDF */
	char person[128];
	char fpr[65];   /* SHA-256 of the signer's certificate */
	char *cert_pem; /* the signer's certificate */
	time_t now;     /* the /M of the prepared revision */
	time_t created;
	uint8_t *tbs; /* what the token signs: the SHA-256 of the DER signed attributes */
	size_t tbslen;
};

enum sign_kind { SK_VERIFY, SK_SEAL, SK_PREPARE, SK_FINISH, SK_BIND };

struct sign_job {
	enum sign_kind kind;
	struct server *srv;
	uint64_t sid;
	uint32_t id;
	char sha[65];           /* the input file */
	char *path;             /* where it is */
	char *trust_pem;        /* commune CA and external roots */
	char *crl_pem;          /* the commune CA's CRL and the request's CRLs */
	char *seal_spec;        /* SK_SEAL */
	char person[128];       /* who asked */
	struct sign_pending *p; /* SK_PREPARE, SK_FINISH: owned by the job */
	uint8_t *sig;           /* SK_FINISH: the token's signature */
	size_t siglen;
	uint8_t *out; /* SK_SEAL, SK_FINISH: the signed file */
	size_t outlen;
	struct pdfverify_report *r;
	char fpr[65];          /* the newest signature's certificate */
	char why[256];         /* a refusal found on the job thread */
	struct store_req *req; /* SK_BIND */
	sign_bind_fn bind_done;
	/* SK_SEAL: the visible appearance asked for (PDFSIG_INVISIBLE, _SEAL or
	 * _COPY), its copy kind and page, and the seal image (data_dir/seal/
	 * seal.png) path. */
	int look;
	char copy_kind[32];
	unsigned page;
	char *seal_png;
};

/* A job for the stored file @sha (hex) of @s's server; the trust and CRL
 * PEM copied in.  E_NOTFOUND for a file not on the server, E_TOOBIG over
 * SIGN_PDF_MAX. */
int sign_job_new(struct sign_job **out, struct server *srv, enum sign_kind kind, const char *sha);
void sign_job_free(struct sign_job *j);

/* On the job thread: the file's bytes and the trust list of the job. */
struct trust;
/* The file of @j and its trust: *tl the commune CA and CRL as a GnuTLS list
 * (certificate checks), *ts the same as the verifier's store. */
int sign_job_load(struct sign_job *j, uint8_t **data, size_t *len, gnutls_x509_trust_list_t *tl,
		  struct trust **ts);

void sign_pending_free(struct sign_pending *p);

/* The newest signature of @r (the last added), or NULL. */
const struct pdfverify_sig *sign_newest(const struct pdfverify_report *r);

/* Verifies @data and sets j->r; then the newest signature must be intact,
 * whole (or allowed changes after) and trusted: else E_INVAL with the
 * reason in j->why. */
int sign_verify_newest(struct sign_job *j, const uint8_t *data, size_t len, const struct trust *tl);

/* On the job thread: loads the file and verifies it into j->r; with
 * @newest, sign_verify_newest() judges its newest signature. */
int sign_job_verify(struct sign_job *j, int newest);

/* Runs @fn on a job thread; @done on the loop. */
int sign_job_run(struct sign_job *j, int (*fn)(void *), void (*done)(struct server *, void *, int));

/* The reply to a signed file stored as @hex: sha256, size, signer, fingerprint. */
int sign_reply_signed(struct session *s, struct sign_job *j, const char *hex);

#endif
