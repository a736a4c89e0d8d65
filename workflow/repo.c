/*
 * repo.c: the only file that talks to libgit2.  Creates the commune's bare
 * repository with a durable initial commit, and reads its head.
 */
#include "config.h"

#include <git2.h>
#include <pthread.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "workflow/repo.h"

static pthread_once_t repo_once = PTHREAD_ONCE_INIT;

/* libgit2 is initialised once per process, with fsync of objects and refs
 * turned on: nothing is acknowledged before it is on disk. */
static void repo_global_init(void)
{
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
}

/* Translates the last libgit2 error into E_IO with its message. */
static int repo_err(const char *what)
{
	const git_error *e = git_error_last();

	return err_set(E_IO, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

static int repo_first_commit(git_repository *repo, const char *committer_name)
{
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	git_tree *tree = NULL;
	int rc = E_OK;

	if (git_treebuilder_new(&tb, repo, NULL) < 0 || git_treebuilder_write(&tree_id, tb) < 0) {
		rc = repo_err("empty tree");
		goto out;
	}
	if (git_tree_lookup(&tree, repo, &tree_id) < 0) {
		rc = repo_err("tree lookup");
		goto out;
	}
	if (git_signature_now(&sig, committer_name, "dinhd@localhost") < 0) {
		rc = repo_err("signature");
		goto out;
	}
	if (git_commit_create(&commit_id, repo, REPO_BRANCH, sig, sig, "UTF-8",
			      "Khởi tạo kho văn bản của xã\n\nDinh-Action: init\n", tree, 0,
			      NULL) < 0) {
		rc = repo_err("initial commit");
		goto out;
	}
out:
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	return rc;
}

int repo_init(const char *path, const char *committer_name)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;
	git_reference *head = NULL;
	int rc = E_OK;

	pthread_once(&repo_once, repo_global_init);
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	if (git_repository_open_bare(&repo, path) == 0) {
		if (git_reference_lookup(&head, repo, REPO_BRANCH) < 0)
			rc = repo_first_commit(repo, committer_name);
		goto out;
	}
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
		     GIT_REPOSITORY_INIT_NO_REINIT;
	opts.mode = GIT_REPOSITORY_INIT_SHARED_UMASK;
	opts.initial_head = "main";
	opts.description = "Kho văn bản của xã (dinh)";
	if (git_repository_init_ext(&repo, path, &opts) < 0) {
		rc = repo_err("cannot create repository");
		goto out;
	}
	rc = repo_first_commit(repo, committer_name);
	if (rc == E_OK)
		log_info("created git repository %s", path);
out:
	git_reference_free(head);
	git_repository_free(repo);
	return rc;
}

int repo_head(const char *path, char out[41])
{
	git_repository *repo = NULL;
	git_oid oid;
	int rc = E_OK;

	pthread_once(&repo_once, repo_global_init);
	out[0] = '\0';
	if (git_repository_open_bare(&repo, path) < 0) {
		rc = repo_err("cannot open repository");
		goto out;
	}
	if (git_reference_name_to_id(&oid, repo, REPO_BRANCH) < 0) {
		rc = err_set(E_NOTFOUND, "%s has no %s", path, REPO_BRANCH);
		goto out;
	}
	git_oid_tostr(out, 41, &oid);
out:
	git_repository_free(repo);
	return rc;
}
