/*
 * pack.h: git pack files and their version 2 indexes, built in memory and
 * written durably, for the group commit and for consolidation.  It knows
 * the file formats only: object ids are computed by the caller (repo.c,
 * with libgit2) and taken as they are.
 *
 * Deltas are cheap and local: an object whose path hint matches an
 * earlier object of the same pack is stored, when that pays, as a delta
 * against it (copy of the common prefix, the middle inserted, copy of the
 * common suffix), in chains of at most PACK_DEPTH.  No delta search.
 * Bases are always in the same pack, before the delta (OFS_DELTA).
 * Data is stored in deflate's stored blocks: no compression.
 */
#ifndef DINH_PACK_H
#define DINH_PACK_H

#include <stddef.h>
#include <stdint.h>

#define PACK_ID_LEN 20                   /* bytes of a SHA-1 object id */
#define PACK_NAME_LEN 46                 /* "pack-" + 40 hex + NUL */
#define PACK_OBJ_MAX ((size_t)1 << 26)   /* objects in one pack */
#define PACK_BYTES_MAX ((size_t)1 << 31) /* 4-byte offsets only */
#define PACK_DEPTH 16                    /* longest delta chain */

/* Object types as the pack format numbers them. */
enum pack_type { PACK_COMMIT = 1, PACK_TREE = 2, PACK_BLOB = 3 };

struct pack;

int pack_new(struct pack **out);
void pack_free(struct pack *p);

/*
 * Appends an object (@data without git's "type size" header).  An id the
 * pack already has is skipped.  @hint (a path; "" or NULL for none) pairs
 * the object with the previous one of the same hint and type for a delta.
 */
int pack_add(struct pack *p, const uint8_t id[PACK_ID_LEN], enum pack_type type, const void *data,
	     size_t len, const char *hint);

/*
 * Appends every object of the pack "<dir>/<name>" (its .idx and .pack) as
 * it is stored there, deltas included (delta offsets are rewritten for
 * their new place); ids the pack already has are skipped.  E_IO if
 * the files are not a pack this code can read.
 */
int pack_merge(struct pack *p, const char *dir, const char *name);

/* Number of objects in @p, and bytes of its pack so far. */
size_t pack_count(const struct pack *p);
size_t pack_size(const struct pack *p);

/*
 * Writes @p into the pack directory @dir as pack-<checksum>.pack and .idx.
 * Each file is written under a temporary name, fsynced, renamed into place
 * and the directory fsynced, the pack before its index: a reader (or git)
 * sees an index only when its pack is complete and durable; a crash leaves
 * at most a temporary file or a pack without an index, which git ignores
 * and pack_clean() removes.  @name receives "pack-<hex>".
 */
int pack_commit(struct pack *p, const char *dir, char name[PACK_NAME_LEN]);

/* Number of objects of "<dir>/<name>.idx" into @out. */
int pack_idx_count(const char *dir, const char *name, size_t *out);

/* Removes "<dir>/<name>.idx" then its .pack (readers that have the pack
 * open keep reading it). */
void pack_remove(const char *dir, const char *name);

/* Removes what an interrupted pack_commit() or pack_remove() can leave in
 * @dir: temporary files and packs without an index.  Writer only, at open. */
void pack_clean(const char *dir);

#endif
