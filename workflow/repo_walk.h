/*
 * repo_walk.h: reading every document of a commit, or the documents two
 * commits differ in, straight from the repository (for rebuilding and
 * checking the side index, idx.h).  Read-only; safe next to the writer.
 */
#ifndef DINH_REPO_WALK_H
#define DINH_REPO_WALK_H

#include <stddef.h>

/* Called with each document's meta.xml path and content (@data is NULL
 * for a document the newer commit no longer has).  A negative return stops
 * the walk and is returned by it. */
typedef int (*repo_doc_fn)(void *arg, const char *path, const char *data, size_t len);

/* Every docs/.../meta.xml of @commit_hex (NULL: the branch head). */
int repo_walk_docs(const char *repo_path, const char *commit_hex, repo_doc_fn fn, void *arg);

/*
 * Every docs/.../meta.xml added, changed or removed from @from_hex to
 * @to_hex.  E_NOTFOUND if either commit is not in the repository (the
 * caller then walks everything).
 */
int repo_diff_docs(const char *repo_path, const char *from_hex, const char *to_hex, repo_doc_fn fn,
		   void *arg);

#endif
