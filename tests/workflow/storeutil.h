/*
 * storeutil.h: the fixture the store's suites share: a scratch directory
 * with a repository, the shipped definitions, a calendar, an open store
 * (with or without its side index), and helpers to send one change and
 * wait for its answer.
 */
#ifndef DINH_TESTS_STOREUTIL_H
#define DINH_TESTS_STOREUTIL_H

#include "workflow/calendar.h"
#include "workflow/def.h"
#include "workflow/store.h"

struct su {
	char tmpdir[64];
	char repo_path[128];
	char index_path[128];
	struct def_set *defs;
	struct calendar *cal;
	struct store *st;
	const char *code_format; /* for the store, or NULL: the default */
};
extern struct su su;

/* Makes the scratch directory and opens the store (@with_index: with its
 * index at su.index_path). */
void su_setup_store(int with_index);
/* Closes and opens the store again. */
void su_reopen(int with_index);
void su_teardown_store(void);

/* Submits @r and waits (10 s at most) for it to come back. */
struct store_req *su_roundtrip(struct store_req *r);
/* A new request with a fresh request id. */
struct store_req *su_req(const struct wf_actor *who, enum wf_op op, const char *doc,
			 const char *action);
void su_field(struct store_req *r, const char *name, const char *value);

/* Runs `git --git-dir=REPO ARGS`: its first output line (static) or its
 * exit status. */
const char *su_git(const char *args);
int su_git_rc(const char *args);

#endif
