/*
 * repo.c: the only file that talks to libgit2.  Creates the commune's bare
 * repository with a durable initial commit, reads files of the branch, and
 * stages commits in an in-memory object database that repo_flush() turns
 * into one fsynced pack before it moves the branch (group commit).
 */
#include "config.h"

#include <dirent.h>
#include <git2.h>
#include <git2/sys/mempack.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int repo_keep_existing(struct repo *r);

struct repo {
	git_repository *git;
	git_odb_backend *mempack; /* writer only: staged objects */
	git_oid base;             /* writer: the branch when staging began */
	git_oid tip;              /* writer: the staged tip */
	size_t staged;
	git_oid *objs; /* writer: the objects the staged commits added */
	size_t n_objs, cap_objs;
	size_t flushes;    /* packs written since the last consolidation */
	git_oid packed_at; /* everything reachable from here is in a kept pack */
	char **keep;       /* packs kept by the last consolidation (names) */
	size_t n_keep;
	char *path;
	char *committer;
};

int repo_open(struct repo **out, const char *path, int writer, const char *committer_name)
{
	struct repo *r = calloc(1, sizeof(*r));
	git_odb *odb = NULL;
	int rc = E_OK;

	*out = NULL;
	pthread_once(&repo_once, repo_global_init);
	if (!r)
		return err_set(E_NOMEM, "repo_open");
	r->path = strdup(path);
	r->committer = strdup(committer_name ? committer_name : "dinhd");
	if (!r->path || !r->committer) {
		rc = err_set(E_NOMEM, "repo_open");
		goto out;
	}
	if (git_repository_open_bare(&r->git, path) < 0) {
		rc = repo_err("cannot open repository");
		goto out;
	}
	if (writer) {
		/* Staged objects go to memory first: the mempack has the highest
		 * priority, so writes land there and reads find them. */
		if (git_repository_odb(&odb, r->git) < 0 || git_mempack_new(&r->mempack) < 0 ||
		    git_odb_add_backend(odb, r->mempack, 999) < 0) {
			rc = repo_err("staging area");
			goto out;
		}
		if (git_reference_name_to_id(&r->base, r->git, REPO_BRANCH) < 0) {
			rc = err_set(E_NOTFOUND, "%s has no %s", path, REPO_BRANCH);
			goto out;
		}
		r->tip = r->base;
		r->packed_at = r->base;
		rc = repo_keep_existing(r);
	}
out:
	git_odb_free(odb);
	if (rc < 0) {
		repo_close(r);
		return rc;
	}
	*out = r;
	return E_OK;
}

void repo_close(struct repo *r)
{
	if (!r)
		return;
	if (r->mempack)
		git_mempack_reset(r->mempack);
	/* The mempack backend is owned (and freed) by the odb. */
	git_repository_free(r->git);
	for (size_t i = 0; i < r->n_keep; i++)
		free(r->keep[i]);
	free(r->keep);
	free(r->objs);
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

#define REPO_STAGE_FILES_MAX 8

static int repo_track(struct repo *r, const git_oid *oid)
{
	if (r->n_objs == r->cap_objs) {
		size_t cap = r->cap_objs ? 2 * r->cap_objs : 256;
		git_oid *o = realloc(r->objs, cap * sizeof(*o));

		if (!o)
			return err_set(E_NOMEM, "staged object list");
		r->objs = o;
		r->cap_objs = cap;
	}
	r->objs[r->n_objs++] = *oid;
	return E_OK;
}

/* Records the trees a commit rewrote: every directory on the paths of
 * @files in @tree (the root is recorded by the caller). */
static int repo_track_paths(struct repo *r, git_tree *tree, const struct repo_file *files, size_t n)
{
	char dir[REPO_PATH_MAX];
	int rc = E_OK;

	for (size_t i = 0; i < n && rc == E_OK; i++) {
		const char *slash = files[i].path;

		while (rc == E_OK && (slash = strchr(slash, '/'))) {
			git_tree_entry *e = NULL;

			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - files[i].path),
				 files[i].path);
			if (git_tree_entry_bypath(&e, tree, dir) < 0)
				rc = repo_err("staged tree");
			else
				rc = repo_track(r, git_tree_entry_id(e));
			git_tree_entry_free(e);
			slash++;
		}
	}
	return rc;
}

int repo_stage(struct repo *r, const struct repo_file *files, size_t n,
	       const struct repo_author *who, const char *msg, char commit_hex[41])
{
	git_tree_update upd[REPO_STAGE_FILES_MAX];
	git_oid blobs[REPO_STAGE_FILES_MAX], tree_id, commit_id;
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_signature *author = NULL, *committer = NULL;
	char email[256];
	int rc = E_OK;

	commit_hex[0] = '\0';
	if (!r->mempack)
		return err_set(E_INTERNAL, "repo_stage on a reader");
	if (n == 0 || n > REPO_STAGE_FILES_MAX)
		return err_set(E_INTERNAL, "repo_stage of %zu files", n);
	if (git_commit_lookup(&parent, r->git, &r->tip) < 0 || git_commit_tree(&base, parent) < 0) {
		rc = repo_err("staged tip");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (strlen(files[i].path) >= REPO_PATH_MAX) {
			rc = err_set(E_INTERNAL, "path too long");
			goto out;
		}
		if (git_blob_create_from_buffer(&blobs[i], r->git, files[i].data, files[i].len) <
		    0) {
			rc = repo_err("blob");
			goto out;
		}
		upd[i].action = GIT_TREE_UPDATE_UPSERT;
		upd[i].id = blobs[i];
		upd[i].filemode = GIT_FILEMODE_BLOB;
		upd[i].path = files[i].path;
	}
	if (git_tree_create_updated(&tree_id, r->git, base, n, upd) < 0 ||
	    git_tree_lookup(&tree, r->git, &tree_id) < 0) {
		rc = repo_err("tree");
		goto out;
	}
	snprintf(email, sizeof(email), "%s@%s", who->id, who->fingerprint ? who->fingerprint : "-");
	if (git_signature_new(&author, who->name, email, (git_time_t)who->time, 7 * 60) < 0 ||
	    git_signature_new(&committer, r->committer, "dinhd@localhost", (git_time_t)who->time,
			      7 * 60) < 0) {
		rc = repo_err("signature");
		goto out;
	}
	if (git_commit_create(&commit_id, r->git, NULL, author, committer, "UTF-8", msg, tree, 1,
			      (const git_commit **)&parent) < 0) {
		rc = repo_err("commit");
		goto out;
	}
	/* Only what this commit added goes into the batch's pack. */
	for (size_t i = 0; i < n && rc == E_OK; i++)
		rc = repo_track(r, &blobs[i]);
	if (rc == E_OK && (rc = repo_track(r, &tree_id)) == E_OK &&
	    (rc = repo_track_paths(r, tree, files, n)) == E_OK)
		rc = repo_track(r, &commit_id);
	if (rc < 0)
		goto out;
	r->tip = commit_id;
	r->staged++;
	git_oid_tostr(commit_hex, 41, &commit_id);
out:
	git_signature_free(author);
	git_signature_free(committer);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	return rc;
}

size_t repo_staged(const struct repo *r)
{
	return r->staged;
}

void repo_discard(struct repo *r)
{
	if (!r->mempack)
		return;
	git_mempack_reset(r->mempack);
	r->tip = r->base;
	r->staged = 0;
	r->n_objs = 0;
}

/* Writes the staged objects as one pack; the indexer fsyncs pack, index
 * and the pack directory (GIT_OPT_ENABLE_FSYNC_GITDIR). */
static int repo_write_pack(struct repo *r)
{
	git_buf pack = GIT_BUF_INIT;
	git_odb *odb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats;
	int rc = E_OK;

	git_packbuilder *pb = NULL;

	memset(&stats, 0, sizeof(stats));
	/* Not git_mempack_dump(): it packs each commit's whole tree, which is
	 * the whole repository.  The batch's pack holds only its new objects. */
	if (git_packbuilder_new(&pb, r->git) < 0) {
		rc = repo_err("pack builder");
		goto out;
	}
	for (size_t i = 0; i < r->n_objs; i++)
		if (git_packbuilder_insert(pb, &r->objs[i], NULL) < 0) {
			rc = repo_err("pack of staged objects");
			goto out;
		}
	if (git_packbuilder_write_buf(&pack, pb) < 0) {
		rc = repo_err("pack of staged objects");
		goto out;
	}
	if (git_repository_odb(&odb, r->git) < 0 || git_odb_write_pack(&wp, odb, NULL, NULL) < 0) {
		rc = repo_err("pack writer");
		goto out;
	}
	if (wp->append(wp, pack.ptr, pack.size, &stats) < 0 || wp->commit(wp, &stats) < 0) {
		rc = repo_err("pack write");
		goto out;
	}
out:
	git_packbuilder_free(pb);
	if (wp)
		wp->free(wp);
	git_odb_free(odb);
	git_buf_dispose(&pack);
	return rc;
}

int repo_flush(struct repo *r)
{
	git_reference *ref = NULL;
	int rc;

	if (!r->mempack)
		return err_set(E_INTERNAL, "repo_flush on a reader");
	if (r->staged == 0)
		return E_OK;
	rc = repo_write_pack(r);
	if (rc < 0)
		goto fail;
	if (git_reference_create_matching(&ref, r->git, REPO_BRANCH, &r->tip, 1, &r->base,
					  "dinh: group commit") < 0) {
		const git_error *e = git_error_last();

		rc = err_set(e && e->klass == GIT_ERROR_REFERENCE ? E_BUSY : E_IO, "moving %s: %s",
			     REPO_BRANCH, e && e->message ? e->message : "libgit2 error");
		goto fail;
	}
	git_reference_free(ref);
	git_mempack_reset(r->mempack);
	r->base = r->tip;
	r->staged = 0;
	r->n_objs = 0;
	r->flushes++;
	return E_OK;
fail:
	repo_discard(r);
	return rc;
}

#define REPO_KEEP_MAX 32 /* kept packs before a full consolidation */

static int repo_keep_add(struct repo *r, const char *name)
{
	char **k = realloc(r->keep, (r->n_keep + 1) * sizeof(*k));

	if (!k)
		return err_set(E_NOMEM, "pack list");
	r->keep = k;
	if (!(k[r->n_keep] = strdup(name)))
		return err_set(E_NOMEM, "pack list");
	r->n_keep++;
	return E_OK;
}

static int repo_is_kept(const struct repo *r, const char *file)
{
	for (size_t i = 0; i < r->n_keep; i++)
		if (strncmp(file, r->keep[i], strlen(r->keep[i])) == 0)
			return 1;
	return 0;
}

/* Calls @fn for every "pack-<hash>." prefix of the pack directory. */
static int repo_each_pack(struct repo *r, int (*fn)(struct repo *, const char *, const char *),
			  const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = E_OK;

	if (!d)
		return E_OK;
	while (rc == E_OK && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 10 && strncmp(e->d_name, "pack-", 5) == 0)
			rc = fn(r, dir, e->d_name);
	}
	closedir(d);
	return rc;
}

static int keep_one(struct repo *r, const char *dir, const char *file)
{
	size_t len = strlen(file);
	char name[256];

	if (len < 6 || strcmp(file + len - 5, ".pack") != 0 || len - 4 >= sizeof(name))
		return E_OK;
	memcpy(name, file, len - 4); /* "pack-<hash>." */
	name[len - 4] = '\0';
	return repo_keep_add(r, name);
}

static int repo_keep_existing(struct repo *r)
{
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/objects/pack", git_repository_path(r->git));
	return repo_each_pack(r, keep_one, dir);
}

static int drop_unkept(struct repo *r, const char *dir, const char *file)
{
	char path[1400];

	if (repo_is_kept(r, file))
		return E_OK;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	unlink(path);
	return E_OK;
}

int repo_pack_count(struct repo *r, size_t *out)
{
	*out = r->n_keep + r->flushes;
	return E_OK;
}

/*
 * Consolidation: the objects written since the last one (reachable from
 * the branch, not from packed_at) become one pack, and the small packs of
 * the group commits go.  After REPO_KEEP_MAX such packs, one full repack.
 */
int repo_consolidate(struct repo *r)
{
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	char dir[1024], keep[80];
	int full, rc = E_OK;

	if (!r->mempack || r->staged)
		return err_set(E_INTERNAL, "repo_consolidate with staged commits");
	if (r->flushes == 0)
		return E_OK;
	full = r->n_keep >= REPO_KEEP_MAX;
	snprintf(dir, sizeof(dir), "%s/objects/pack", git_repository_path(r->git));
	if (git_packbuilder_new(&pb, r->git) < 0 || git_revwalk_new(&walk, r->git) < 0 ||
	    git_revwalk_push(walk, &r->base) < 0 ||
	    (!full && !git_oid_equal(&r->packed_at, &r->base) &&
	     git_revwalk_hide(walk, &r->packed_at) < 0) ||
	    git_packbuilder_insert_walk(pb, walk) < 0) {
		rc = repo_err("consolidation walk");
		goto out;
	}
	if (git_packbuilder_write(pb, dir, 0444, NULL, NULL) < 0) {
		rc = repo_err("consolidated pack");
		goto out;
	}
	snprintf(keep, sizeof(keep), "pack-%s.", git_packbuilder_name(pb));
	if (full) {
		for (size_t i = 0; i < r->n_keep; i++)
			free(r->keep[i]);
		r->n_keep = 0;
	}
	if ((rc = repo_keep_add(r, keep)) < 0)
		goto out;
	/* The new pack is durable (the packbuilder fsyncs it): what it holds
	 * may go from the small packs, and loose objects with them. */
	rc = repo_each_pack(r, drop_unkept, dir);
	r->packed_at = r->base;
	r->flushes = 0;
out:
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	return rc;
}
