/*
 * fsutil.c: careful file-system helpers: durable atomic replacement, bounded
 * whole-file reads, mapped files with room to append, mkdir -p; see
 * fsutil.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"

char *fs_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int slash = la > 0 && a[la - 1] != '/';
	char *s;

	while (lb > 0 && *b == '/' && la > 0) {
		b++;
		lb--;
	}
	s = malloc(la + (size_t)slash + lb + 1);
	if (!s)
		return NULL;
	memcpy(s, a, la);
	if (slash)
		s[la] = '/';
	memcpy(s + la + slash, b, lb);
	s[la + slash + lb] = '\0';
	return s;
}

int fs_errno_code(int e)
{
	return e == ENOSPC || e == EDQUOT ? E_NOSPACE : E_IO;
}

int fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int fs_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = E_OK;

	if (fd < 0)
		return err_set(E_IO, "open %s: %s", dir, strerror(errno));
	if (fsync(fd) < 0)
		rc = err_set(fs_errno_code(errno), "fsync %s: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

/* Writes all of @data to @fd. */
static int fs_write_all(int fd, const void *data, size_t len, const char *path)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(fs_errno_code(errno), "write %s: %s", path, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return E_OK;
}

/* The directory part of @path, malloc'd ("." when there is none). */
static char *fs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *d;

	if (!slash)
		return strdup(".");
	n = slash == path ? 1 : (size_t)(slash - path);
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, path, n);
	d[n] = '\0';
	return d;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	return fs_write_atomic_if(path, data, len, mode, NULL, NULL);
}

int fs_write_atomic_if(const char *path, const void *data, size_t len, mode_t mode,
		       int (*still_ok)(void *ctx), void *ctx)
{
	static const char suffix[] = ".tmp.XXXXXX";
	size_t plen = strlen(path);
	char *tmp = NULL, *dir = NULL;
	int fd = -1, rc;

	tmp = malloc(plen + sizeof(suffix));
	dir = fs_dirname(path);
	if (!tmp || !dir) {
		rc = err_set(E_NOMEM, "path of %zu bytes", plen);
		goto out;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, suffix, sizeof(suffix));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = err_set(fs_errno_code(errno), "create %s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	if (fchmod(fd, mode) < 0) {
		rc = err_set(E_IO, "chmod %s: %s", tmp, strerror(errno));
		goto out;
	}
	rc = fs_write_all(fd, data, len, tmp);
	if (rc < 0)
		goto out;
	if (fsync(fd) < 0) {
		rc = err_set(fs_errno_code(errno), "fsync %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = err_set(fs_errno_code(errno), "close %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (still_ok && (rc = still_ok(ctx)) < 0)
		goto out;
	if (rename(tmp, path) < 0) {
		rc = err_set(fs_errno_code(errno), "rename %s: %s", path, strerror(errno));
		goto out;
	}
	tmp[0] = '\0'; /* renamed: nothing to remove */
	rc = fs_fsync_dir(dir);
out:
	if (fd >= 0)
		close(fd);
	if (tmp && tmp[0])
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

/* Reads all of @fd (at most @max bytes) into a NUL-terminated malloc'd buffer. */
static int fs_read_fd(int fd, const char *path, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, used = 0;
	char *data = malloc(cap), *grown;

	if (!data)
		return err_set(E_NOMEM, "read %s", path);
	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			if (cap > max + 1) {
				free(data);
				return err_set(E_TOOBIG, "%s is larger than %zu bytes", path, max);
			}
			grown = realloc(data, cap * 2);
			if (!grown) {
				free(data);
				return err_set(E_NOMEM, "read %s", path);
			}
			data = grown;
			cap *= 2;
		}
		n = read(fd, data + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(data);
			return err_set(E_IO, "read %s: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			free(data);
			return err_set(E_TOOBIG, "%s is larger than %zu bytes", path, max);
		}
	}
	data[used] = '\0';
	*out = data;
	if (len)
		*len = used;
	return E_OK;
}

int fs_read_file(const char *path, size_t max, char **out, size_t *len)
{
	int fd, rc;

	*out = NULL;
	if (len)
		*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(E_NOTFOUND, "%s does not exist", path);
		return err_set(E_IO, "open %s: %s", path, strerror(errno));
	}
	rc = fs_read_fd(fd, path, max, out, len);
	close(fd);
	return rc;
}

/* Maps @fd (@st) over the start of the anonymous mapping m->p. */
static int map_fd(struct fs_map *m, int fd, const struct stat *st, size_t max, size_t room,
		  const char *path)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)st->st_size;

	if (!S_ISREG(st->st_mode))
		return err_set(E_INVAL, "%s is not a regular file", path);
	if ((uint64_t)st->st_size > max)
		return err_set(E_TOOBIG, "%s is larger than %zu bytes", path, max);
	if (room > SIZE_MAX / 2 - len)
		return err_set(E_TOOBIG, "%s: room of %zu bytes", path, room);
	m->size = (len + room + (size_t)page) / (size_t)page * (size_t)page;
	m->p = mmap(NULL, m->size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->p == MAP_FAILED) {
		m->p = NULL;
		return err_set(E_NOMEM, "map %s: %s", path, strerror(errno));
	}
	if (len &&
	    mmap(m->p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
		return err_set(E_IO, "map %s: %s", path, strerror(errno));
	m->len = len;
	m->cap = len + room;
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->mtime = st->st_mtim;
	return E_OK;
}

int fs_map_file(struct fs_map *m, const char *path, size_t max, size_t room)
{
	struct stat st;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(E_NOTFOUND, "%s does not exist", path);
		return err_set(E_IO, "open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0)
		rc = err_set(E_IO, "stat %s: %s", path, strerror(errno));
	else
		rc = map_fd(m, fd, &st, max, room, path);
	close(fd);
	return rc;
}

void fs_unmap(struct fs_map *m)
{
	if (m->p)
		munmap(m->p, m->size);
	memset(m, 0, sizeof(*m));
}

int fs_map_changed(const struct fs_map *m, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 1;
	return st.st_dev != m->dev || st.st_ino != m->ino || (size_t)st.st_size != m->len ||
	       st.st_mtim.tv_sec != m->mtime.tv_sec || st.st_mtim.tv_nsec != m->mtime.tv_nsec;
}

int fs_mkdir_p(const char *path, mode_t mode)
{
	char *p = strdup(path);
	int rc = E_OK;
	struct stat st;

	if (!p)
		return err_set(E_NOMEM, "mkdir %s", path);
	if (!*p) {
		free(p);
		return err_set(E_INVAL, "mkdir of an empty path");
	}
	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			rc = err_set(fs_errno_code(errno), "mkdir %s: %s", p, strerror(errno));
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		rc = err_set(E_IO, "%s is not a directory", path);
out:
	free(p);
	return rc;
}
