/*
 * repo.h: the commune's git repository, the source of truth of every
 * document and every state change (libgit2 is included only in repo.c).
 *
 * This first part only creates and opens the repository; the workflow
 * issue adds the writer thread, group commit and the readers.
 */
#ifndef DINH_REPO_H
#define DINH_REPO_H

/* The branch every state change is committed to. */
#define REPO_BRANCH "refs/heads/main"

/*
 * Creates a bare repository at @path with one initial, empty commit on
 * REPO_BRANCH, unless one is already there (idempotent: an existing
 * repository is opened and checked, not touched).  Objects and refs are
 * fsynced before it returns.  @committer_name names the server.
 */
int repo_init(const char *path, const char *committer_name);

/* The commit id (hex) REPO_BRANCH points to, into @out (41 bytes). */
int repo_head(const char *path, char out[41]);

#endif
