/*
 * repo.c: the only file that talks to libgit2.  Creates the commune's bare
 * repository with a durable initial commit, reads files of the branch, and
 * stages commits in an in-memory object database that repo_flush() turns
 * into one fsynced pack before it moves the branch (group commit).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "workflow/pack.h"
#include "workflow/repo.h"
#include "workflow/repo_priv.h"

static pthread_once_t repo_once = PTHREAD_ONCE_INIT;

/* libgit2 is initialised once per process, with fsync of objects and refs
 * turned on: nothing is acknowledged before it is on disk. */
static void repo_global_init(void)
{
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
	/* Directories of a hundred entries are 3 to 8 KiB, over libgit2's
	 * default 4 KiB limit: without this, every staged change parsed the
	 * trees on its paths again from the packs. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
}

/* Translates the last libgit2 error into E_IO with its message. */
int repo_err(const char *what)
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

static int repo_keep_existing(struct repo *r);

/* Opens the libgit2 handle; a writer's gets the mempack, the highest
 * priority backend, so staged objects land there and reads find them. */
static int repo_attach(struct repo *r, int writer)
{
	git_odb *odb = NULL;
	int rc = E_OK;

	if (git_repository_open_bare(&r->git, r->path) < 0)
		return repo_err("cannot open repository");
	if (writer && (git_repository_odb(&odb, r->git) < 0 || git_mempack_new(&r->mempack) < 0 ||
		       git_odb_add_backend(odb, r->mempack, 999) < 0))
		rc = repo_err("staging area");
	git_odb_free(odb);
	return rc;
}

int repo_open(struct repo **out, const char *path, int writer, const char *committer_name)
{
	struct repo *r = calloc(1, sizeof(*r));
	int rc = E_OK;

	*out = NULL;
	pthread_once(&repo_once, repo_global_init);
	if (!r)
		return err_set(E_NOMEM, "repo_open");
	buf_init(&r->data, PACK_BYTES_MAX / 2);
	r->path = strdup(path);
	r->committer = strdup(committer_name ? committer_name : "dinhd");
	if (!r->path || !r->committer) {
		rc = err_set(E_NOMEM, "repo_open");
		goto out;
	}
	if ((rc = repo_attach(r, writer)) < 0)
		goto out;
	r->packdir = fs_join(git_repository_path(r->git), "objects/pack");
	if (!r->packdir) {
		rc = err_set(E_NOMEM, "repo_open");
		goto out;
	}
	if (writer) {
		if (git_reference_name_to_id(&r->base, r->git, REPO_BRANCH) < 0) {
			rc = err_set(E_NOTFOUND, "%s has no %s", path, REPO_BRANCH);
			goto out;
		}
		r->tip = r->base;
		pack_clean(r->packdir);
		rc = repo_keep_existing(r);
	}
out:
	if (rc < 0) {
		repo_close(r);
		return rc;
	}
	*out = r;
	return E_OK;
}

static int repo_seal(struct repo *r);

void repo_close(struct repo *r)
{
	if (!r)
		return;
	/* What the writer built for consolidation is written: the next start
	 * finds one pack where there were many small ones. */
	if (r->mempack && r->n_fresh && repo_seal(r) < 0)
		log_err("repo: consolidation at close failed: %s", err_detail());
	repo_merge_wait(r);
	if (r->mempack)
		git_mempack_reset(r->mempack);
	/* The mempack backend is owned (and freed) by the odb. */
	git_repository_free(r->git);
	free(r->keep);
	free(r->fresh);
	free(r->objs);
	pack_free(r->pending);
	buf_free(&r->data);
	free(r->packdir);
	free(r->path);
	free(r->committer);
	free(r);
}

int repo_read(struct repo *r, const char *path, char **data, size_t *len)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	git_oid at;
	int rc = E_OK;
	size_t n;

	*data = NULL;
	*len = 0;
	if (r->mempack) {
		at = r->tip;
	} else if (git_reference_name_to_id(&at, r->git, REPO_BRANCH) < 0) {
		return err_set(E_NOTFOUND, "no %s", REPO_BRANCH);
	}
	if (git_commit_lookup(&commit, r->git, &at) < 0 || git_commit_tree(&tree, commit) < 0) {
		rc = repo_err("head tree");
		goto out;
	}
	if (git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		rc = err_set(E_NOTFOUND, "no file %s", path);
		goto out;
	}
	if (git_blob_lookup(&blob, r->git, git_tree_entry_id(entry)) < 0) {
		rc = repo_err("blob");
		goto out;
	}
	n = (size_t)git_blob_rawsize(blob);
	*data = malloc(n + 1);
	if (!*data) {
		rc = err_set(E_NOMEM, "blob of %zu bytes", n);
		goto out;
	}
	memcpy(*data, git_blob_rawcontent(blob), n);
	(*data)[n] = '\0';
	*len = n;
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

/* Drops the staged objects (the mempack and the batch's list). */
static void repo_unstage(struct repo *r)
{
	git_mempack_reset(r->mempack);
	r->tip = r->base;
	r->staged = 0;
	r->n_objs = 0;
	buf_reset(&r->data);
}

void repo_discard(struct repo *r)
{
	if (r->mempack)
		repo_unstage(r);
}

static enum pack_type repo_pack_type(git_object_t t)
{
	return t == GIT_OBJECT_COMMIT ? PACK_COMMIT : t == GIT_OBJECT_TREE ? PACK_TREE : PACK_BLOB;
}

/* Adds the staged objects to @p, with their path hints. */
static int repo_pack_staged(struct repo *r, struct pack *p)
{
	int rc = E_OK;

	for (size_t i = 0; i < r->n_objs && rc == E_OK; i++) {
		const struct repo_obj *o = &r->objs[i];
		const uint8_t *data = r->data.data + o->off;

		rc = pack_add(p, o->id.id, repo_pack_type(o->type), data, o->len,
			      (const char *)data + o->len);
	}
	return rc;
}

/* Writes the staged objects as one durable pack named @name (pack.c). */
static int repo_write_pack(struct repo *r, char name[PACK_NAME_LEN])
{
	char(*fresh)[PACK_NAME_LEN];
	struct pack *p = NULL;
	int rc;

	fresh = realloc(r->fresh, (r->n_fresh + 1) * sizeof(*fresh));
	if (!fresh)
		return err_set(E_NOMEM, "pack list");
	r->fresh = fresh;
	if ((rc = pack_new(&p)) == E_OK && (rc = repo_pack_staged(r, p)) == E_OK &&
	    (rc = pack_commit(p, r->packdir, name)) == E_OK)
		memcpy(r->fresh[r->n_fresh++], name, PACK_NAME_LEN);
	pack_free(p);
	return rc;
}

/*
 * The batch, now durable, also goes into the pack consolidation will
 * write, where each version of a path is a delta against the one before
 * it (across batches, which the small packs cannot do).  If that fails,
 * nothing is lost: the fresh packs are then kept as they are.
 */
static void repo_pending_add(struct repo *r)
{
	if (r->pending_broken)
		return;
	if ((!r->pending && pack_new(&r->pending) < 0) || repo_pack_staged(r, r->pending) < 0) {
		log_err("repo: consolidation will keep the small packs: %s", err_detail());
		r->pending_broken = 1;
	}
}

int repo_flush(struct repo *r)
{
	git_reference *ref = NULL;
	char name[PACK_NAME_LEN];
	int rc;

	if (!r->mempack)
		return err_set(E_INTERNAL, "repo_flush on a reader");
	if (r->staged == 0)
		return E_OK;
	rc = repo_write_pack(r, name);
	if (rc < 0)
		goto fail;
	if (git_reference_create_matching(&ref, r->git, REPO_BRANCH, &r->tip, 1, &r->base,
					  "dinh: group commit") < 0) {
		const git_error *e = git_error_last();

		rc = err_set(e && e->klass == GIT_ERROR_REFERENCE ? E_BUSY : E_IO, "moving %s: %s",
			     REPO_BRANCH, e && e->message ? e->message : "libgit2 error");
		/* Nothing refers to the pack: it goes, and its objects with it. */
		pack_remove(r->packdir, name);
		r->n_fresh--;
		goto fail;
	}
	git_reference_free(ref);
	r->base = r->tip;
	repo_pending_add(r);
	repo_unstage(r);
	/* A writer never idle still gets its packs consolidated. */
	if (r->pending && pack_size(r->pending) >= REPO_PENDING_MAX && repo_seal(r) < 0)
		log_err("repo: consolidation failed: %s", err_detail());
	return E_OK;
fail:
	repo_unstage(r);
	return rc;
}

int repo_keep_add(struct repo *r, const char *name, size_t count, size_t bytes)
{
	struct repo_kept *k = realloc(r->keep, (r->n_keep + 1) * sizeof(*k));

	if (!k)
		return err_set(E_NOMEM, "pack list");
	r->keep = k;
	snprintf(k[r->n_keep].name, PACK_NAME_LEN, "%s", name);
	k[r->n_keep].count = count;
	k[r->n_keep++].bytes = bytes;
	return E_OK;
}

/* Keeps the pack @name as it is, with its size read from the files. */
static int repo_keep_file(struct repo *r, const char *name)
{
	char path[1200];
	struct stat sb;
	size_t count;
	int rc = pack_idx_count(r->packdir, name, &count);

	snprintf(path, sizeof(path), "%s/%s.pack", r->packdir, name);
	if (rc == E_OK && stat(path, &sb) < 0)
		rc = err_set(E_IO, "stat %s: %s", path, strerror(errno));
	return rc < 0 ? rc : repo_keep_add(r, name, count, (size_t)sb.st_size);
}

/* Every pack already there when the writer opens is kept as it is. */
static int repo_keep_existing(struct repo *r)
{
	DIR *d = opendir(r->packdir);
	struct dirent *e;
	int rc = E_OK;

	if (!d)
		return E_OK;
	while (rc == E_OK && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len != PACK_NAME_LEN - 1 + 4 || strncmp(e->d_name, "pack-", 5) != 0 ||
		    strcmp(e->d_name + len - 4, ".idx") != 0)
			continue;
		e->d_name[len - 4] = '\0';
		rc = repo_keep_file(r, e->d_name);
	}
	closedir(d);
	return rc;
}

int repo_pack_count(struct repo *r, size_t *out)
{
	*out = r->n_keep + r->n_fresh;
	return E_OK;
}

/*
 * The fresh packs become one: the pending pack is written (durably)
 * before they are removed.  If it is incomplete, they are kept instead,
 * for repo_merge_kept() to copy.
 */
static int repo_seal(struct repo *r)
{
	char name[PACK_NAME_LEN];
	int rc = E_OK;

	if (r->pending_broken || !r->pending) {
		for (size_t i = 0; i < r->n_fresh && rc == E_OK; i++)
			rc = repo_keep_file(r, r->fresh[i]);
	} else if ((rc = pack_commit(r->pending, r->packdir, name)) == E_OK &&
		   (rc = repo_keep_add(r, name, pack_count(r->pending), pack_size(r->pending))) ==
			   E_OK) {
		for (size_t i = 0; i < r->n_fresh; i++)
			if (strcmp(r->fresh[i], name) != 0)
				pack_remove(r->packdir, r->fresh[i]);
		r->dropped += r->n_fresh;
	}
	if (rc < 0)
		return rc;
	r->n_fresh = 0;
	pack_free(r->pending);
	r->pending = NULL;
	r->pending_broken = 0;
	return E_OK;
}

#define REPO_DROPPED_MAX 256 /* removed packs libgit2 may still hold open */
#define REPO_FRESH_MIN 16    /* fresh packs worth a consolidation during a merge */

/*
 * Consolidation: the packs of the group commits since the last one become
 * one pack (repo_seal), then the consolidated packs are merged as the
 * series needs (repo_merge_kept, on its own thread).  Nothing is unpacked
 * or searched for deltas: its cost follows the changes, not the size of
 * the repository.  Now and then the libgit2 handle is opened again, so
 * that it lets go of the files removed (it keeps them open, and its cache).
 */
int repo_consolidate(struct repo *r)
{
	int rc;

	if (!r->mempack || r->staged)
		return err_set(E_INTERNAL, "repo_consolidate with staged commits");
	if (r->n_fresh == 0 || (r->merge.running && r->n_fresh < REPO_FRESH_MIN))
		return r->n_fresh ? repo_merge_kept(r) : E_OK;
	if ((rc = repo_seal(r)) < 0)
		return rc;
	rc = repo_merge_kept(r);
	if (r->dropped >= REPO_DROPPED_MAX) {
		git_repository_free(r->git); /* frees the mempack too */
		r->git = NULL;
		r->mempack = NULL;
		r->dropped = 0;
		if (repo_attach(r, 1) < 0) {
			log_err("repo: cannot reopen %s: %s", r->path, err_detail());
			return E_IO;
		}
	}
	return rc;
}
