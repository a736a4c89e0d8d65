/*
 * fsutil.h: small, careful file-system helpers.
 */
#ifndef DINH_FSUTIL_H
#define DINH_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Writes @data to @path durably: a temporary file in the same directory,
 * fsync, rename over @path, fsync of the directory.  The file gets @mode.
 * E_NOSPACE when the disk is full (nothing is left behind), E_IO else. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* Reads a whole file of at most @max bytes into a malloc'd, NUL-terminated
 * buffer.  E_NOTFOUND if missing, E_TOOBIG if larger than @max. */
int fs_read_file(const char *path, size_t max, char **out, size_t *len);

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
