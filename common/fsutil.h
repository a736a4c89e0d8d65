/*
 * fsutil.h: small, careful file-system helpers.
 */
#ifndef DINH_FSUTIL_H
#define DINH_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* Writes @data to @path durably: a temporary file in the same directory,
 * fsync, rename over @path, fsync of the directory.  The file gets @mode.
 * E_NOSPACE when the disk is full (nothing is left behind), E_IO else. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* The same, with @still_ok(@ctx) called once the data is on disk, before
 * the rename: a negative code from it is returned and nothing is renamed. */
int fs_write_atomic_if(const char *path, const void *data, size_t len, mode_t mode,
		       int (*still_ok)(void *ctx), void *ctx);

/* Reads a whole file of at most @max bytes into a malloc'd, NUL-terminated
 * buffer.  E_NOTFOUND if missing, E_TOOBIG if larger than @max. */
int fs_read_file(const char *path, size_t max, char **out, size_t *len);

/* A file mapped privately (copy on write) with room after it. */
struct fs_map {
	uint8_t *p;  /* [0, len) the file; [len, cap) zeros; writable */
	size_t len;  /* the file's size */
	size_t cap;  /* len + the room asked for */
	size_t size; /* of the mapping */
	dev_t dev;   /* what fs_map_changed() compares */
	ino_t ino;
	struct timespec mtime;
};

/* Maps the file @path of at most @max bytes (E_TOOBIG, E_NOTFOUND) with
 * @room writable bytes after it, without reading it into memory: its pages
 * are read when touched.  Writing to the mapping never changes the file.
 * The mapping shows the file as it is when a page is first touched: a file
 * changed meanwhile by someone else can show through (fs_map_changed), and
 * one truncated meanwhile raises SIGBUS.  fs_unmap() after any return. */
int fs_map_file(struct fs_map *m, const char *path, size_t max, size_t room);
void fs_unmap(struct fs_map *m);

/* 1 if the mapped file at @path is now another file, or was written or
 * resized since it was mapped (its modification time moved). */
int fs_map_changed(const struct fs_map *m, const char *path);

/* mkdir -p with @mode for the directories it creates. */
int fs_mkdir_p(const char *path, mode_t mode);

/* fsync of a directory (after a rename or create inside it). */
int fs_fsync_dir(const char *dir);

/* The error code of a failed write, fsync, rename or create with @e as its
 * errno: E_NOSPACE for a full disk or quota (ENOSPC, EDQUOT), else E_IO. */
int fs_errno_code(int e);

/* 1 if @path exists, 0 if not. */
int fs_exists(const char *path);

/* Joins @a and @b with one '/'; malloc'd, NULL on ENOMEM. */
char *fs_join(const char *a, const char *b);

#endif
