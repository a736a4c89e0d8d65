/*
 * portal_priv.h: what the portal's files share (portal.c: HTTP, routes,
 * headers; portal_pages.c: the HTML; portal_dossier.c: a dossier's page,
 * downloads and rating; portal_rating.c: the ratings' store;
 * portal_verify.c: a PDF's signatures checked in a limited child).
 */
#ifndef DINH_PORTAL_PRIV_H
#define DINH_PORTAL_PRIV_H

#include <locale.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

struct def_set;
struct doc;
struct calendar;
struct files;
struct idx;
struct repo;
struct portal_rate;
struct sqlite3;

#define PORTAL_PAGE_MAX (4u << 20)       /* bytes of one HTML page */
#define PORTAL_UPLOAD_DEFAULT (8u << 20) /* [portal] upload-max */
#define PORTAL_SECRET_MAX 80             /* bytes of a typed secret */
#define PORTAL_PREFIX_MAX 128            /* bytes of the status path prefix */

/* Everything the portal's threads read; set up before they start and
 * never changed while they run. */
struct portal {
	struct MHD_Daemon *mhd;
	int fd; /* the listening socket, owned by MHD once started */
	const struct def_set *defs;
	const struct calendar *cal;
	struct files *files;
	struct portal_rate *rate;
	char *index_path, *repo_path, *ratings_path, *ca_pem, *crl_pem;
	char *commune;
	char *status_url;               /* the receipts' address before the code */
	char prefix[PORTAL_PREFIX_MAX]; /* its path: "/tra-cuu/" */
	char *key_pem, *cert_pem;
	char csp[256];
	size_t upload_max;
	pthread_key_t key; /* struct portal_thread of each thread */
};

#define PORTAL_DOC_CACHE 8 /* parsed dossiers a portal thread keeps */

/* A dossier parsed from its meta.xml, kept with the bytes it came from. */
struct portal_doc_slot {
	char *xml;
	size_t len;
	struct doc *doc;
};

/* The handles of one portal thread, made at its first request. */
struct portal_thread {
	struct idx *ix;
	struct repo *reader;
	struct sqlite3 *ratings;
	locale_t vi;
	struct portal_doc_slot docs[PORTAL_DOC_CACHE]; /* filled round robin */
	unsigned next_doc;
};

/* Frees the parsed dossiers @t keeps. */
void portal_docs_free(struct portal_thread *t);

struct portal_thread *portal_thread_get(struct portal *p);

/* A page being answered. */
struct portal_reply {
	unsigned status;  /* HTTP status */
	const char *type; /* Content-Type */
	struct buf body;
	char disposition[160]; /* Content-Disposition, or "" */
	int cache;             /* 1: may be cached (public pages) */
};

/* The parsed request: what the routes look at. */
struct portal_req {
	const char *path; /* unescaped, as MHD gives it */
	int post;
	const char *code;  /* ?ma= or the form's "ma" */
	const char *month; /* ?thang= */
	char secret[PORTAL_SECRET_MAX + 1];
	char score[4];
	const uint8_t *file; /* the uploaded PDF */
	size_t file_len;
	int too_big;
	int limited; /* the address has no token left */
};

/* ---- portal_pages.c ---- */
/* The head of every page up to the <h1> of @title, and its end.  Text
 * from the definitions, the index or the request goes through html(). */
void page_begin(const struct portal *p, struct buf *b, const char *title);
void page_end(struct buf *b);
/* @s HTML-escaped (&, <, >, ", ') into @b. */
void html(struct buf *b, const char *s);
/* "dd/mm/yyyy" of "YYYY-MM-DD..." (the rest, a time, is dropped). */
void day_vn(char out[11], const char *iso);
void page_home(struct portal *p, struct portal_reply *r);
/* The generic answers: nothing about why (no such code, wrong secret). */
void page_notfound(const struct portal *p, struct portal_reply *r);
void page_later(const struct portal *p, struct portal_reply *r);
/* 400, 405, 413 and the like: the status's own page. */
void page_error(const struct portal *p, struct portal_reply *r, unsigned status);
void page_catalogue(struct portal *p, struct portal_reply *r);
void page_stats(struct portal *p, struct portal_thread *t, const struct portal_req *q,
		struct portal_reply *r);
void page_verify(struct portal *p, const struct portal_req *q, struct portal_reply *r);
/* The style sheet of every page (its hash is in the CSP). */
extern const char portal_css[];

/* ---- portal_dossier.c ---- */
/* 1 if @code may be a dossier code: 1..63 of [A-Za-z0-9._-], not
 * starting with a dot. */
int portal_code_ok(const char *code);
/* GET/POST of the status page of @code; @what is "" (the page),
 * "bien-nhan", "ket-qua" or "danh-gia". */
void page_dossier(struct portal *p, struct portal_thread *t, const struct portal_req *q,
		  const char *code, const char *what, struct portal_reply *r);

/* ---- portal_rating.c ---- */
int rating_open(struct sqlite3 **out, const char *path, int create);
void rating_close(struct sqlite3 *db);
/* The score 1..5 given to @code, 0 for none yet, or an error. */
int rating_get(struct sqlite3 *db, const char *code, int *score);
/* Records @score for @code, durably (fsynced) before E_OK; E_EXISTS when
 * the dossier was rated already (the first rating stays). */
int rating_add(struct sqlite3 *db, const char *code, int score, const char *day);

/* ---- portal_verify.c ---- */
struct portal_sig {
	int valid, intact, trusted, modified;
	char signer[128];
	char when[64];
};
#define PORTAL_SIGS_MAX 16
struct portal_verdict {
	size_t n; /* signatures (the first PORTAL_SIGS_MAX are in sig) */
	int all_valid;
	struct portal_sig sig[PORTAL_SIGS_MAX];
};
/* Verifies the signatures of @data in a forked child under CPU, memory
 * and wall-clock limits, trusting the commune CA @ca_pem (and its CRL
 * @crl_pem when there).  E_INVAL for a file that is no PDF, E_TIMEOUT. */
int portal_verify(struct portal_verdict *out, const uint8_t *data, size_t len, const char *ca_pem,
		  const char *crl_pem);

#endif
