/*
 * repo_walk.c: the read-only walks of repo_walk.h.  Each call opens the
 * repository by itself (a rebuild is rare; it must not share a handle with
 * the writer thread).  libgit2 is used here and in repo.c only.
 */
#include "config.h"

#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "workflow/repo.h"
#include "workflow/repo_walk.h"

static int walk_err(const char *what)
{
	const git_error *e = git_error_last();

	return err_set(E_IO, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

/* The tree of @hex, or of the branch head when @hex is NULL. */
static int walk_tree(git_repository *repo, const char *hex, git_tree **out)
{
	git_object *obj = NULL;
	git_commit *c = NULL;
	git_oid id;
	int rc = E_OK;

	if (hex) {
		if (git_oid_fromstr(&id, hex) < 0 || git_commit_lookup(&c, repo, &id) < 0)
			return err_set(E_NOTFOUND, "no commit %.40s in the repository", hex);
	} else {
		if (git_revparse_single(&obj, repo, REPO_BRANCH) < 0)
			return walk_err(REPO_BRANCH);
		if (git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0)
			rc = walk_err("branch head");
		git_object_free(obj);
		if (rc < 0)
			return rc;
	}
	if (git_commit_tree(out, c) < 0)
		rc = walk_err("commit tree");
	git_commit_free(c);
	return rc;
}

/* Hands the blob @id at @path to the caller. */
static int walk_blob(git_repository *repo, const git_oid *id, const char *path, repo_doc_fn fn,
		     void *arg)
{
	git_blob *b = NULL;
	int rc;

	if (git_blob_lookup(&b, repo, id) < 0)
		return walk_err(path);
	rc = fn(arg, path, (const char *)git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return rc;
}

struct walk_ctx {
	git_repository *repo;
	repo_doc_fn fn;
	void *arg;
	int rc;
};

static int walk_entry(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk_ctx *w = payload;
	char path[REPO_PATH_MAX];

	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return strncmp(root, "docs/", 5) == 0 || strcmp(git_tree_entry_name(e), "docs") == 0
			       ? 0
			       : 1; /* 1: skip counters/ and req/ */
	if (strcmp(git_tree_entry_name(e), "meta.xml") != 0)
		return 0;
	snprintf(path, sizeof(path), "%s%s", root, git_tree_entry_name(e));
	w->rc = walk_blob(w->repo, git_tree_entry_id(e), path, w->fn, w->arg);
	return w->rc < 0 ? -1 : 0;
}

int repo_walk_docs(const char *repo_path, const char *commit_hex, repo_doc_fn fn, void *arg)
{
	struct walk_ctx w = {NULL, fn, arg, E_OK};
	git_tree *tree = NULL;
	int rc;

	git_libgit2_init();
	if (git_repository_open_bare(&w.repo, repo_path) < 0) {
		rc = walk_err(repo_path);
		goto out;
	}
	if ((rc = walk_tree(w.repo, commit_hex, &tree)) < 0)
		goto out;
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, walk_entry, &w) < 0)
		rc = w.rc < 0 ? w.rc : walk_err("tree walk");
out:
	git_tree_free(tree);
	git_repository_free(w.repo);
	git_libgit2_shutdown();
	return rc;
}

static int is_meta(const char *path)
{
	size_t n = strlen(path);

	return strncmp(path, "docs/", 5) == 0 && n > 9 && strcmp(path + n - 9, "/meta.xml") == 0;
}

int repo_diff_docs(const char *repo_path, const char *from_hex, const char *to_hex, repo_doc_fn fn,
		   void *arg)
{
	git_repository *repo = NULL;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	char *spec[] = {"docs/"};
	int rc;

	git_libgit2_init();
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	if (git_repository_open_bare(&repo, repo_path) < 0) {
		rc = walk_err(repo_path);
		goto out;
	}
	if ((rc = walk_tree(repo, from_hex, &a)) < 0 || (rc = walk_tree(repo, to_hex, &b)) < 0)
		goto out;
	o.pathspec.strings = spec;
	o.pathspec.count = 1;
	if (git_diff_tree_to_tree(&diff, repo, a, b, &o) < 0) {
		rc = walk_err("diff");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff) && rc == E_OK; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED) {
			if (is_meta(d->old_file.path))
				rc = fn(arg, d->old_file.path, NULL, 0);
		} else if (is_meta(d->new_file.path)) {
			rc = walk_blob(repo, &d->new_file.id, d->new_file.path, fn, arg);
		}
	}
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
