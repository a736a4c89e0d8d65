/*
 * repo.h: the commune's git repository, the source of truth of every
 * document and every state change (libgit2 is included only in repo.c).
 *
 * A writer handle stages commits in memory and makes a whole batch durable
 * at once (group commit): the batch's objects become one pack file and its
 * index, written and fsynced with their directory (pack.h), and only then
 * is REPO_BRANCH moved from the batch's starting commit to its last one
 * with a compare-and-swap.  A crash before the move
 * leaves an unreferenced pack and the branch where it was; after it, every
 * commit of the batch is there.  Reader handles see the branch as it was
 * last moved and never wait for the writer.  A handle is used by one thread.
 */
#ifndef DINH_REPO_H
#define DINH_REPO_H

#include <stddef.h>
#include <stdint.h>

/* The branch every state change is committed to. */
#define REPO_BRANCH "refs/heads/main"
#define REPO_PATH_MAX 256 /* bytes of a path inside the tree */

/*
 * Creates a bare repository at @path with one initial, empty commit on
 * REPO_BRANCH, unless one is already there (idempotent: an existing
 * repository is opened and checked, not touched).  Objects and refs are
 * fsynced before it returns.  @committer_name names the server.
 */
int repo_init(const char *path, const char *committer_name);

/* The commit id (hex) REPO_BRANCH points to, into @out (41 bytes). */
int repo_head(const char *path, char out[41]);

struct repo;

/* Opens @path.  A @writer handle gets the in-memory staging area; the
 * daemon has exactly one.  @committer_name is the server's name. */
int repo_open(struct repo **out, const char *path, int writer, const char *committer_name);
void repo_close(struct repo *r);

/*
 * Reads the blob at @path (e.g. "docs/2026/den/00/01/x/meta.xml") into a
 * malloc'd, NUL-terminated *data.  A writer reads its staged tip (so later
 * changes of a batch see earlier ones); a reader reads the branch head.
 * E_NOTFOUND if there is no such file.
 */
int repo_read(struct repo *r, const char *path, char **data, size_t *len);

/* One file a commit writes. */
struct repo_file {
	const char *path;
	const void *data;
	size_t len;
};

/* Who acted: git author "name <id@fingerprint>". */
struct repo_author {
	const char *name;
	const char *id;
	const char *fingerprint;
	int64_t time; /* seconds since the epoch */
};

/*
 * Writer only.  Stages one commit on top of the staged tip: the files are
 * written (replacing what is at their paths), the commit's parent is the
 * staged tip, its author @who, its committer the server, its message @msg.
 * Nothing is durable or visible to readers until repo_flush().  The
 * commit's id goes to @commit_hex (41 bytes).
 */
int repo_stage(struct repo *r, const struct repo_file *files, size_t n,
	       const struct repo_author *who, const char *msg, char commit_hex[41]);

/* Writer only: number of commits staged since the last flush. */
size_t repo_staged(const struct repo *r);

/*
 * Writer only.  Makes every staged commit durable (one fsynced pack), then
 * moves REPO_BRANCH from where it was when staging began to the staged tip
 * (E_BUSY if someone else moved it).  On any failure nothing is visible,
 * the staged commits are dropped and the staged tip is the branch again.
 */
int repo_flush(struct repo *r);

/* Writer only: drops everything staged since the last flush. */
void repo_discard(struct repo *r);

/*
 * Writer only: the number of pack files, and their consolidation: the
 * packs flushed since the last consolidation become one (with deltas
 * between versions of a path), and the consolidated packs are merged so
 * that their sizes stay a geometric series (O(log n) packs).  Each new
 * pack is durable before the ones it replaces are removed; readers find
 * objects in the new pack.  Its cost follows the changes since the last
 * call and the merged packs' bytes, never the whole tree.  A flush
 * consolidates by itself when 64 MiB have gathered without a call.
 */
int repo_pack_count(struct repo *r, size_t *out);
int repo_consolidate(struct repo *r);

#endif
