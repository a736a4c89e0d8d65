/*
 * store.h: the store writer: one thread owns the writable repository and
 * applies changes in batches (group commit).  A change is reported done
 * only after its commit is in an fsynced pack and the branch has moved.
 *
 * Threads: store_submit() and store_reap() may be called from any one
 * thread (the daemon's loop); everything else of a batch happens on the
 * writer thread.  store_fd() becomes readable when results are waiting.
 *
 * Repository layout (every tree stays near a hundred entries):
 *   docs/<year>/<register>/<nn>/<nn>/<id>/meta.xml   a document (doc.h)
 *   counters/<year>/<register>.id|.number|.<yymmdd>  sequences (decimal)
 *   req/<ab>/<cd>/<request id>                      "<doc id>\n": applied once
 * Each commit: author = the person, committer = the server, message = the
 * action in words and trailers Dinh-Document, Dinh-Action, Dinh-From,
 * Dinh-To, Dinh-Number, Dinh-Request, Dinh-Certificate, and for a checked
 * signed PDF Dinh-Signer-Certificate (the signing certificate's SHA-256).
 */
#ifndef DINH_STORE_H
#define DINH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "workflow/calendar.h"
#include "workflow/def.h"
#include "workflow/doc.h"
#include "workflow/repo.h"
#include "workflow/wf.h"

#define STORE_BATCH_MAX 512 /* changes per group commit */
#define STORE_RID_MAX 64    /* bytes of a request id: [A-Za-z0-9_-] */
#define STORE_FILES_MAX 8   /* files of a change of files */

struct store;

struct store_opts {
	const char *repo_path;
	const char *committer;   /* the server's name */
	const char *issuer;      /* symbol of the commune's numbers: "UBND" */
	const char *agency;      /* first part of dossier codes: "000.00.00.H01" */
	const char *code_format; /* dossier codes (code.h); NULL: CODE_DEFAULT_FORMAT */
	const struct def_set *defs;
	const struct calendar *cal;
	unsigned consolidate_packs; /* consolidate when this many packs (0: 64) */
	const char *index_path;     /* the side index (idx.h), NULL for none */
};

struct store_req {
	/* Request (strings copied with store_req_str). */
	char rid[STORE_RID_MAX + 1];
	char doc_id[DOC_ID_MAX]; /* target of ACT/COMMENT/RECALL */
	struct wf_actor who;
	struct wf_change ch;
	int64_t now; /* 0: the time the writer applies it */
	/* Result, valid when reaped. */
	int rc;
	char detail[256];
	int duplicate; /* the request id was applied before: nothing new */
	char state[32];
	char number[64];
	char code[64];
	char secret[33]; /* a new dossier's secret for its citizen, once */
	char commit[41];
	/* A change of files other than a document's (meetings): when n_files
	 * is not 0 the writer commits exactly these files (data owned by the
	 * request, e.g. through store_req_str) with the message @files_msg
	 * and the author @who, and nothing of the workflow runs.  The rid, if
	 * any, is not recorded. */
	struct repo_file files[STORE_FILES_MAX];
	size_t n_files;
	const char *files_msg;
	/* For the submitter. */
	void *owner;
	uint32_t owner_next_id; /* the submitter's request id */
	/* Called by the reaper instead of the documents' answer when set. */
	void (*answer)(void *ctx, struct store_req *r);
	void *answer_arg; /* the submitter's own data, freed by @answer */
	/* Private. */
	struct store_req *next;
	struct store_str *strs;
	struct doc *indexed; /* the document as committed, for the index */
};

int store_req_new(struct store_req **out);
/* A copy of @s owned by @r (NULL for NULL; E_NOMEM -> NULL). */
const char *store_req_str(struct store_req *r, const char *s);
void store_req_free(struct store_req *r);

/*
 * Opens the repository (its writer) and the side index, brings the index up
 * to the branch (idx_sync: what changed since its last commit, or all of it),
 * starts the writer thread.  After each durable group commit the writer
 * updates the index before the results are handed back, so a client that
 * was answered finds its change in its inbox.  An index write that fails is
 * logged and caught up from git at the next batch; it never fails a change.
 */
int store_open(struct store **out, const struct store_opts *opts);
/* Finishes every submitted change, stops the thread, closes. */
void store_close(struct store *st);

int store_fd(const struct store *st);
/* Queues @r (owned by the store until reaped).  E_SHUTDOWN when closing. */
int store_submit(struct store *st, struct store_req *r);
/* The finished requests, oldest first (a list through ->next), or NULL. */
struct store_req *store_reap(struct store *st);

/* Counters for benchmarks and logs. */
struct store_stats {
	uint64_t changes; /* committed */
	uint64_t batches; /* group commits */
	uint64_t refused; /* changes refused by the rules */
	uint64_t consolidations;
};
void store_stats(struct store *st, struct store_stats *out);

/* Reads a document at the branch head through @reader (a repo_open reader
 * handle of the caller's thread). */
struct repo;
int store_get(struct repo *reader, const char *doc_id, struct doc **out);

#endif
