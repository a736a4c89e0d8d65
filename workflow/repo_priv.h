/*
 * repo_priv.h: the writer handle of repo.h, shared by repo.c (open, read,
 * flush, consolidation) and repo_stage.c (objects, trees and commits of a
 * batch); nothing else includes it.
 */
#ifndef DINH_REPO_PRIV_H
#define DINH_REPO_PRIV_H

#include <git2.h>
#include <pthread.h>

#include "common/buf.h"
#include "workflow/pack.h"
#include "workflow/repo.h"

/* A staged object: its bytes are at @off in the staging buffer, followed
 * by its path hint (NUL-terminated). */
struct repo_obj {
	git_oid id;
	git_object_t type;
	size_t off, len;
};

/* A pack consolidation made or found at open, its objects and bytes. */
struct repo_kept {
	char name[PACK_NAME_LEN];
	size_t count;
	size_t bytes; /* of the .pack */
};

#define REPO_PENDING_MAX ((size_t)64 << 20) /* bytes before consolidating anyway */
#define REPO_FINAL_BYTES REPO_PENDING_MAX   /* a pack this large is never merged */

/* A merge of kept packs running on its own thread (repo_merge.c). */
struct repo_merge {
	pthread_t thread;
	pthread_mutex_t mu;
	int running;           /* started, not yet joined (writer's view) */
	int done;              /* set by the thread, under mu */
	int rc;                /* its result, once done */
	char detail[256];      /* its error */
	struct repo_kept *src; /* the packs it merges */
	size_t n_src;
	struct repo_kept out; /* the pack it wrote */
	const char *dir;
};

struct repo {
	git_repository *git;
	git_odb_backend *mempack; /* writer only: staged objects */
	git_oid base;             /* writer: the branch when staging began */
	git_oid tip;              /* writer: the staged tip */
	size_t staged;
	struct repo_obj *objs; /* writer: the objects the staged commits added */
	size_t n_objs, cap_objs;
	struct buf data;      /* their bytes and hints */
	struct pack *pending; /* the fresh packs' objects, as consolidation will write them */
	int pending_broken;   /* it misses some: the fresh packs are kept as they are */
	size_t dropped;       /* packs removed since the handle was opened */
	struct repo_merge merge;
	char (*fresh)[PACK_NAME_LEN]; /* packs written since the last consolidation */
	size_t n_fresh;
	struct repo_kept *keep; /* every other pack */
	size_t n_keep;
	char *path;
	char *packdir;
	char *committer;
};

/* Translates the last libgit2 error into E_IO with its message. */
int repo_err(const char *what);

int repo_keep_add(struct repo *r, const char *name, size_t count, size_t bytes);

/*
 * Keeps the consolidated packs a geometric series (repo_merge.c): when
 * the smallest break it, their merge starts on its own thread; a later
 * call (or repo_merge_wait()) installs the merged pack and removes the
 * merged ones.  Never blocks the writer on a merge.
 */
int repo_merge_kept(struct repo *r);
/* Waits for a running merge and installs it (at close). */
void repo_merge_wait(struct repo *r);

#endif
