/*
 * repo_stage.c: the writer's staging (repo_stage of repo.h).  Each object
 * of a change is hashed here and put straight into the mempack and the
 * batch's list, and trees are written here from the parent's tree with
 * the changed entries: no libgit2 call that looks for the object in every
 * pack first, or rescans the pack directory when it is not there.
 */
#include "config.h"

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "workflow/repo.h"
#include "workflow/repo_priv.h"

#define REPO_STAGE_FILES_MAX 8
#define REPO_OBJ_MAX ((size_t)64 << 20) /* bytes of one staged object */

/*
 * Stages one object: its id is computed here, the object goes straight to
 * the mempack (git_odb_write() would first look for it in every pack and
 * rescan the pack directory on each miss) and to the batch's list.  @hint
 * is its path in the tree, for the delta search of consolidation.
 */
static int stage_object(struct repo *r, git_object_t type, const void *data, size_t len,
			const char *hint, git_oid *id)
{
	struct repo_obj *o;
	int rc;

	if (git_odb_hash(id, data, len, type) < 0 ||
	    r->mempack->write(r->mempack, id, data, len, type) < 0)
		return repo_err("staged object");
	if (r->n_objs == r->cap_objs) {
		size_t cap = r->cap_objs ? 2 * r->cap_objs : 256;

		o = realloc(r->objs, cap * sizeof(*o));
		if (!o)
			return err_set(E_NOMEM, "staged object list");
		r->objs = o;
		r->cap_objs = cap;
	}
	o = &r->objs[r->n_objs];
	o->id = *id;
	o->type = type;
	o->off = r->data.len;
	o->len = len;
	if ((rc = buf_append(&r->data, data, len)) < 0 ||
	    (rc = buf_append(&r->data, hint, strlen(hint) + 1)) < 0)
		return rc;
	r->n_objs++;
	return E_OK;
}

/* One entry a staged tree writes: @name (@nlen bytes, not terminated). */
struct tree_change {
	const char *name;
	size_t nlen;
	unsigned mode;
	git_oid id;
};

/* A file to write below the tree being staged: @rest is its path there. */
struct tree_upd {
	const char *rest;
	const git_oid *blob;
};

/* Git's order of tree entries: by name, a directory as if it ended in '/'. */
static int tree_cmp(const char *a, size_t al, int adir, const char *b, size_t bl, int bdir)
{
	size_t n = al < bl ? al : bl;
	int c = memcmp(a, b, n);
	unsigned ca, cb;

	if (c)
		return c;
	ca = al > n ? (unsigned char)a[n] : adir ? '/' : 0;
	cb = bl > n ? (unsigned char)b[n] : bdir ? '/' : 0;
	return (int)ca - (int)cb;
}

static int put_entry(struct buf *b, unsigned mode, const char *name, size_t nlen, const git_oid *id)
{
	char m[16];
	int ml = snprintf(m, sizeof(m), "%o ", mode);
	int rc = buf_append(b, m, (size_t)ml);

	if (rc == E_OK && (rc = buf_append(b, name, nlen)) == E_OK)
		rc = buf_append(b, "", 1);
	return rc < 0 ? rc : buf_append(b, id->id, GIT_OID_RAWSZ);
}

static int changed(const struct tree_change *ch, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (strncmp(ch[k].name, name, ch[k].nlen) == 0 && name[ch[k].nlen] == '\0')
			return 1;
	return 0;
}

/* Serialises @base (NULL: empty) with the entries @ch put in, and stages it. */
static int tree_write(struct repo *r, const git_tree *base, struct tree_change *ch, size_t n,
		      const char *dir, git_oid *out)
{
	size_t m = base ? git_tree_entrycount(base) : 0, i = 0, k = 0;
	struct buf b;
	int rc = E_OK;

	for (size_t a = 1; a < n; a++) /* insertion sort: n is small */
		for (size_t j = a;
		     j > 0 &&
		     tree_cmp(ch[j - 1].name, ch[j - 1].nlen, ch[j - 1].mode == GIT_FILEMODE_TREE,
			      ch[j].name, ch[j].nlen, ch[j].mode == GIT_FILEMODE_TREE) > 0;
		     j--) {
			struct tree_change t = ch[j];

			ch[j] = ch[j - 1];
			ch[j - 1] = t;
		}
	buf_init(&b, REPO_OBJ_MAX);
	while (rc == E_OK && (i < m || k < n)) {
		const git_tree_entry *e = i < m ? git_tree_entry_byindex(base, i) : NULL;
		const char *en = e ? git_tree_entry_name(e) : NULL;
		unsigned em = e ? (unsigned)git_tree_entry_filemode(e) : 0;

		if (e && changed(ch, n, en)) {
			i++;
		} else if (e &&
			   (k == n || tree_cmp(en, strlen(en), em == GIT_FILEMODE_TREE, ch[k].name,
					       ch[k].nlen, ch[k].mode == GIT_FILEMODE_TREE) < 0)) {
			rc = put_entry(&b, em, en, strlen(en), git_tree_entry_id(e));
			i++;
		} else {
			rc = put_entry(&b, ch[k].mode, ch[k].name, ch[k].nlen, &ch[k].id);
			k++;
		}
	}
	if (rc == E_OK)
		rc = stage_object(r, GIT_OBJECT_TREE, b.data ? (const void *)b.data : "", b.len,
				  dir, out);
	buf_free(&b);
	return rc;
}

static int stage_tree(struct repo *r, const git_oid *base, const char *dir, struct tree_upd *u,
		      size_t n, git_oid *out);

/* Stages the subdirectory @ch->name of @base with every update of @u that
 * goes below it; its new id goes to @ch->id. */
static int stage_subtree(struct repo *r, const git_tree *base, const char *dir,
			 const struct tree_upd *u, size_t n, struct tree_change *ch)
{
	struct tree_upd sub[REPO_STAGE_FILES_MAX];
	const git_tree_entry *e = NULL;
	char path[REPO_PATH_MAX], name[REPO_PATH_MAX];
	size_t k = 0;

	snprintf(name, sizeof(name), "%.*s", (int)ch->nlen, ch->name);
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, dir[0] ? "/" : "", name) >=
	    sizeof(path))
		return err_set(E_INTERNAL, "path too long");
	for (size_t j = 0; j < n; j++)
		if (strncmp(u[j].rest, ch->name, ch->nlen) == 0 && u[j].rest[ch->nlen] == '/')
			sub[k++] = (struct tree_upd){u[j].rest + ch->nlen + 1, u[j].blob};
	if (base)
		e = git_tree_entry_byname(base, name);
	if (e && git_tree_entry_type(e) != GIT_OBJECT_TREE)
		e = NULL; /* a file becomes a directory */
	ch->mode = GIT_FILEMODE_TREE;
	return stage_tree(r, e ? git_tree_entry_id(e) : NULL, path, sub, k, &ch->id);
}

/* Stages the tree @base (NULL: none yet) at @dir with the files @u written. */
static int stage_tree(struct repo *r, const git_oid *base, const char *dir, struct tree_upd *u,
		      size_t n, git_oid *out)
{
	struct tree_change ch[REPO_STAGE_FILES_MAX];
	git_tree *t = NULL;
	size_t nch = 0;
	int rc = E_OK;

	if (base && git_tree_lookup(&t, r->git, base) < 0)
		return repo_err("staged tree");
	for (size_t i = 0; i < n && rc == E_OK; i++) {
		const char *slash = strchr(u[i].rest, '/');
		size_t len = slash ? (size_t)(slash - u[i].rest) : strlen(u[i].rest), k;

		for (k = 0; k < nch; k++)
			if (ch[k].nlen == len && strncmp(ch[k].name, u[i].rest, len) == 0)
				break;
		if (len == 0 || (k < nch && (!slash) != (ch[k].mode != GIT_FILEMODE_TREE))) {
			rc = err_set(E_INVAL, "path %s in %s", u[i].rest, dir);
		} else if (!slash) {
			ch[k] = (struct tree_change){u[i].rest, len, GIT_FILEMODE_BLOB, *u[i].blob};
			nch += k == nch;
		} else if (k == nch) {
			ch[nch] = (struct tree_change){u[i].rest, len, GIT_FILEMODE_TREE, {{0}}};
			rc = stage_subtree(r, t, dir, u + i, n - i, &ch[nch++]);
		}
	}
	if (rc == E_OK)
		rc = tree_write(r, t, ch, nch, dir, out);
	git_tree_free(t);
	return rc;
}

/* Stages the commit of @tree_id on @parent. */
static int stage_commit(struct repo *r, git_commit *parent, const git_oid *tree_id,
			const struct repo_author *who, const char *msg, git_oid *out)
{
	git_signature *author = NULL, *committer = NULL;
	git_buf raw = GIT_BUF_INIT;
	git_tree *tree = NULL;
	char email[256];
	int rc = E_OK;

	snprintf(email, sizeof(email), "%s@%s", who->id, who->fingerprint ? who->fingerprint : "-");
	if (git_tree_lookup(&tree, r->git, tree_id) < 0 ||
	    git_signature_new(&author, who->name, email, (git_time_t)who->time, 7 * 60) < 0 ||
	    git_signature_new(&committer, r->committer, "dinhd@localhost", (git_time_t)who->time,
			      7 * 60) < 0 ||
	    git_commit_create_buffer(&raw, r->git, author, committer, "UTF-8", msg, tree, 1,
				     (const git_commit **)&parent) < 0) {
		rc = repo_err("commit");
		goto out;
	}
	rc = stage_object(r, GIT_OBJECT_COMMIT, raw.ptr, raw.size, "", out);
out:
	git_buf_dispose(&raw);
	git_signature_free(author);
	git_signature_free(committer);
	git_tree_free(tree);
	return rc;
}

int repo_stage(struct repo *r, const struct repo_file *files, size_t n,
	       const struct repo_author *who, const char *msg, char commit_hex[41])
{
	struct tree_upd upd[REPO_STAGE_FILES_MAX];
	git_oid blobs[REPO_STAGE_FILES_MAX], tree_id, commit_id;
	git_commit *parent = NULL;
	size_t mark = r->n_objs, mark_data = r->data.len;
	int rc = E_OK;

	commit_hex[0] = '\0';
	if (!r->mempack)
		return err_set(E_INTERNAL, "repo_stage on a reader");
	if (n == 0 || n > REPO_STAGE_FILES_MAX)
		return err_set(E_INTERNAL, "repo_stage of %zu files", n);
	if (git_commit_lookup(&parent, r->git, &r->tip) < 0) {
		rc = repo_err("staged tip");
		goto out;
	}
	for (size_t i = 0; i < n && rc == E_OK; i++) {
		if (strlen(files[i].path) >= REPO_PATH_MAX)
			rc = err_set(E_INTERNAL, "path too long");
		else
			rc = stage_object(r, GIT_OBJECT_BLOB, files[i].data, files[i].len,
					  files[i].path, &blobs[i]);
		upd[i] = (struct tree_upd){files[i].path, &blobs[i]};
	}
	if (rc == E_OK)
		rc = stage_tree(r, git_commit_tree_id(parent), "", upd, n, &tree_id);
	if (rc == E_OK)
		rc = stage_commit(r, parent, &tree_id, who, msg, &commit_id);
	if (rc < 0)
		goto out;
	r->tip = commit_id;
	r->staged++;
	git_oid_tostr(commit_hex, 41, &commit_id);
out:
	if (rc < 0) {
		/* Nothing of a failed change goes into the pack (the mempack
		 * may keep its objects: unreferenced, dropped at the flush). */
		r->n_objs = mark;
		r->data.len = mark_data;
		if (r->data.data)
			r->data.data[mark_data] = '\0';
	}
	git_commit_free(parent);
	return rc;
}

size_t repo_staged(const struct repo *r)
{
	return r->staged;
}
