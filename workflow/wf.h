/*
 * wf.h: the routing rules: applying one change (create, act, comment,
 * recall) to a document as its workflow definition allows.  Pure: no I/O,
 * no clock of its own; the store supplies the time and the numbering.
 */
#ifndef DINH_WF_H
#define DINH_WF_H

#include <stddef.h>
#include <time.h>

#include "workflow/calendar.h"
#include "workflow/def.h"
#include "workflow/doc.h"

enum wf_op { WF_CREATE = 0, WF_ACT = 1, WF_COMMENT = 2, WF_RECALL = 3 };

struct wf_actor {
	const char *id;
	const char *name;
	const char *fingerprint;
	unsigned roles;
};

struct wf_change {
	enum wf_op op;
	const char *workflow; /* WF_CREATE */
	const char *action;   /* WF_ACT: a transition id */
	struct doc_kv fields[DOC_FIELDS_MAX];
	size_t n_fields;
	const char *lead; /* handlers, when the transition directs */
	const char *coop[16];
	size_t n_coop;
	const char *due;          /* "YYYY-MM-DD" when the request sets it */
	const char *note;         /* comment, instruction or reason */
	struct doc_file files[8]; /* files attached with the change */
	size_t n_files;
	const char *signed_pdf; /* sha256 of the signed PDF, if required */
	/* SHA-256 (hex) of the certificate whose signature on @signed_pdf the
	 * server checked (server/sign.h), recorded in the step and the commit */
	const char *signer_cert;
};

/* What an applied change did, for the commit message and the reply. */
struct wf_result {
	const struct def_transition *trans; /* NULL for comments and recalls */
	char from[32];
	char to[32];
	int wants_number; /* the store must number the document now */
};

/*
 * Applies @ch to @d (for WF_CREATE, @d is the new, empty document made by
 * the store with its id) at @now, acting as @who.  Checks, each with its
 * own error and nothing changed on failure:
 *  - E_NOTFOUND: unknown workflow or action;
 *  - E_INVAL: a transition the definition does not allow from this state,
 *    a missing required field, a bad date;
 *  - E_PERM: a role that may not take it, or not the lead handler;
 *  - E_EXISTS ("recalled"): any change to a recalled document.
 * On E_OK the document carries the new state, fields, handlers, deadline,
 * files and a new step.
 */
int wf_apply(const struct def_set *defs, const struct calendar *cal, struct doc *d,
	     const struct wf_actor *who, const struct wf_change *ch, time_t now,
	     struct wf_result *res);

/* "2026-12-02T10:04:05+07:00" of @t. */
void wf_iso_time(time_t t, char out[32]);

#endif
