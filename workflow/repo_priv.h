/*
 * repo_priv.h: the writer handle of repo.h, shared by repo.c (open, read,
 * flush, consolidation) and repo_stage.c (objects, trees and commits of a
 * batch); nothing else includes it.
 */
#ifndef DINH_REPO_PRIV_H
#define DINH_REPO_PRIV_H

#include <git2.h>

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

#endif
