/*
 * files.c: the content-addressed file store: files/ab/<sha-hex> for complete
 * files and files/tmp/<sha-hex>.part for resumable uploads, hashed as they
 * arrive and made visible only after verification, fsync and rename.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/proto.h"
#include "server/files.h"

#define FILES_REHASH_BUF (256 * 1024)

struct files {
	char *root; /* DATA/files */
	char *tmp;  /* DATA/files/tmp */
};

struct files_upload {
	struct files *f;
	uint8_t sha256[32];
	char hex[65];
	char *part_path;
	int fd; /* the .part, opened O_RDWR|O_APPEND and flock'ed */
	uint64_t size;
	uint64_t have;
	gnutls_hash_hd_t hash; /* running SHA-256 of bytes 0..have */
};

int files_open(struct files **out, const char *root)
{
	struct files *f = NULL;
	int rc;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return err_set(E_NOMEM, "files_open");
	f->root = strdup(root);
	f->tmp = fs_join(root, "tmp");
	if (!f->root || !f->tmp) {
		rc = err_set(E_NOMEM, "files_open");
		goto fail;
	}
	rc = fs_mkdir_p(f->tmp, 0700);
	if (rc < 0)
		goto fail;
	*out = f;
	return E_OK;
fail:
	files_free(f);
	return rc;
}

void files_free(struct files *f)
{
	if (!f)
		return;
	free(f->root);
	free(f->tmp);
	free(f);
}

/* The path of the stored file named @hex: root/ab/abcdef... (malloc'd). */
static char *final_path(const struct files *f, const char *hex)
{
	size_t n = strlen(f->root) + 4 + 65;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%.2s/%s", f->root, hex, hex);
	return p;
}

static char *part_path(const struct files *f, const char *hex)
{
	size_t n = strlen(f->tmp) + 1 + 64 + 6;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s.part", f->tmp, hex);
	return p;
}

char *files_path(struct files *f, const uint8_t sha256[32])
{
	char hex[65];

	proto_hex(hex, sha256);
	return final_path(f, hex);
}

int files_stat(struct files *f, const uint8_t sha256[32], uint64_t *size)
{
	char hex[65];
	char *path = NULL;
	struct stat st;
	int rc = E_OK;

	*size = 0;
	proto_hex(hex, sha256);
	path = final_path(f, hex);
	if (!path)
		return err_set(E_NOMEM, "files_stat");
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			rc = err_set(E_NOTFOUND, "no file %s", hex);
		else
			rc = err_set(E_IO, "stat %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = err_set(E_IO, "%s is not a regular file", path);
		goto out;
	}
	*size = (uint64_t)st.st_size;
out:
	free(path);
	return rc;
}

int files_open_read(struct files *f, const uint8_t sha256[32], int *fd, uint64_t *size)
{
	char hex[65];
	char *path = NULL;
	struct stat st;
	int rc = E_OK;
	int d = -1;

	*fd = -1;
	*size = 0;
	proto_hex(hex, sha256);
	path = final_path(f, hex);
	if (!path)
		return err_set(E_NOMEM, "files_open_read");
	d = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (d < 0) {
		if (errno == ENOENT)
			rc = err_set(E_NOTFOUND, "no file %s", hex);
		else
			rc = err_set(E_IO, "open %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(d, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = err_set(E_IO, "%s is not a readable regular file", path);
		goto out;
	}
	*fd = d;
	*size = (uint64_t)st.st_size;
	d = -1;
out:
	if (d >= 0)
		close(d);
	free(path);
	return rc;
}

/* Feeds bytes 0..@len of the open .part into the running hash (resume). */
static int rehash_part(struct files_upload *up, uint64_t len)
{
	uint8_t *buf = NULL;
	uint64_t off = 0;
	int rc = E_OK;

	buf = malloc(FILES_REHASH_BUF);
	if (!buf)
		return err_set(E_NOMEM, "rehash");
	while (off < len) {
		size_t want = len - off < FILES_REHASH_BUF ? (size_t)(len - off) : FILES_REHASH_BUF;
		ssize_t n = pread(up->fd, buf, want, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = err_set(E_IO, "read %s: %s", up->part_path,
				     n < 0 ? strerror(errno) : "short file");
			goto out;
		}
		if (gnutls_hash(up->hash, buf, (size_t)n) < 0) {
			rc = err_set(E_CRYPTO, "gnutls_hash failed");
			goto out;
		}
		off += (uint64_t)n;
	}
out:
	free(buf);
	return rc;
}

/* Restarts the upload from zero: empty .part, fresh hash. */
static int upload_reset(struct files_upload *up)
{
	uint8_t dummy[32];

	if (ftruncate(up->fd, 0) < 0)
		return err_set(E_IO, "truncate %s: %s", up->part_path, strerror(errno));
	gnutls_hash_output(up->hash, dummy); /* output also resets the state */
	up->have = 0;
	return E_OK;
}

/* Verifies the hash of a fully received .part and moves it into place:
 * fsync, rename into root/ab/, fsync of both directories.  On mismatch the
 * .part is truncated (E_HASH); the caller decides whether to unlink it. */
static int upload_finish(struct files_upload *up)
{
	uint8_t got[32];
	char *dst = NULL;
	char *dir = NULL;
	int rc = E_OK;

	gnutls_hash_output(up->hash, got);
	if (memcmp(got, up->sha256, 32) != 0) {
		rc = err_set(E_HASH, "content of %s does not match its SHA-256", up->hex);
		goto out;
	}
	if (fsync(up->fd) < 0) {
		rc = err_set(fs_errno_code(errno), "fsync %s: %s", up->part_path, strerror(errno));
		goto out;
	}
	dst = final_path(up->f, up->hex);
	dir = dst ? strdup(dst) : NULL;
	if (!dst || !dir) {
		rc = err_set(E_NOMEM, "files: finish");
		goto out;
	}
	*strrchr(dir, '/') = '\0';
	rc = fs_mkdir_p(dir, 0700);
	if (rc < 0)
		goto out;
	if (rename(up->part_path, dst) < 0) {
		rc = err_set(fs_errno_code(errno), "rename %s: %s", up->part_path, strerror(errno));
		goto out;
	}
	rc = fs_fsync_dir(dir);
	if (rc == E_OK)
		rc = fs_fsync_dir(up->f->tmp);
out:
	free(dst);
	free(dir);
	return rc;
}

/* Discards the .part of a failed upload. */
static void upload_discard(struct files_upload *up)
{
	if (unlink(up->part_path) < 0 && errno != ENOENT)
		log_warn("files: cannot remove %s: %s", up->part_path, strerror(errno));
}

/* Opens (creating) and locks the .part, and brings the hash up to date. */
static int upload_open_part(struct files_upload *up)
{
	struct stat st;

	up->fd = open(up->part_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (up->fd < 0)
		return err_set(E_IO, "open %s: %s", up->part_path, strerror(errno));
	if (flock(up->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return err_set(E_BUSY, "file %s is being uploaded by another session",
				       up->hex);
		return err_set(E_IO, "lock %s: %s", up->part_path, strerror(errno));
	}
	if (fstat(up->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return err_set(E_IO, "%s is not a regular file", up->part_path);
	up->have = (uint64_t)st.st_size;
	if (up->have > up->size) {
		/* Left by an upload announcing another size: start again. */
		log_warn("files: %s.part is longer than announced, restarting", up->hex);
		return upload_reset(up);
	}
	return rehash_part(up, up->have);
}

static struct files_upload *upload_new(struct files *f, const uint8_t sha256[32], uint64_t size)
{
	struct files_upload *up = calloc(1, sizeof(*up));

	if (!up)
		return NULL;
	up->fd = -1;
	up->f = f;
	up->size = size;
	memcpy(up->sha256, sha256, 32);
	proto_hex(up->hex, sha256);
	up->part_path = part_path(f, up->hex);
	if (!up->part_path || gnutls_hash_init(&up->hash, GNUTLS_DIG_SHA256) < 0) {
		free(up->part_path);
		free(up);
		return NULL;
	}
	return up;
}

int files_upload_begin(struct files *f, const uint8_t sha256[32], uint64_t size,
		       struct files_upload **up_out, uint64_t *have)
{
	struct files_upload *up = NULL;
	uint64_t stored;
	int rc;

	*up_out = NULL;
	*have = 0;
	if (size > FILES_SIZE_MAX)
		return err_set(E_TOOBIG, "file of %llu bytes is over the cap of %llu",
			       (unsigned long long)size, (unsigned long long)FILES_SIZE_MAX);
	rc = files_stat(f, sha256, &stored);
	if (rc == E_OK) {
		if (stored != size)
			return err_set(E_INVAL, "file is stored with size %llu, not %llu",
				       (unsigned long long)stored, (unsigned long long)size);
		*have = size;
		return E_OK;
	}
	if (rc != E_NOTFOUND)
		return rc;
	up = upload_new(f, sha256, size);
	if (!up)
		return err_set(E_NOMEM, "files_upload_begin");
	rc = upload_open_part(up);
	if (rc < 0)
		goto fail;
	if (up->have == size) {
		/* Everything is here already (or the file is empty): settle it now. */
		rc = upload_finish(up);
		if (rc == E_HASH && size > 0) {
			log_warn("files: complete %s.part did not match, restarting", up->hex);
			rc = upload_reset(up);
		} else if (rc == E_OK) {
			files_upload_close(up);
			*have = size;
			return E_OK;
		} else {
			if (rc == E_HASH)
				upload_discard(up);
			goto fail;
		}
		if (rc < 0)
			goto fail;
	}
	*have = up->have;
	*up_out = up;
	return E_OK;
fail:
	files_upload_close(up);
	return rc;
}

/* Appends all of @data to the .part (short writes retried). */
static int write_all(struct files_upload *up, const uint8_t *data, uint32_t len)
{
	while (len > 0) {
		ssize_t n = write(up->fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(fs_errno_code(errno), "write %s: %s", up->part_path,
				       strerror(errno));
		data += n;
		len -= (uint32_t)n;
	}
	return E_OK;
}

int files_upload_write(struct files_upload *up, uint64_t offset, const uint8_t *data, uint32_t len,
		       int *done)
{
	int rc;

	*done = 0;
	if (!up || up->fd < 0)
		return err_set(E_INVAL, "upload is closed");
	if (offset != up->have)
		return err_set(E_INVAL, "chunk at offset %llu, expected %llu",
			       (unsigned long long)offset, (unsigned long long)up->have);
	if (len > up->size - up->have)
		return err_set(E_TOOBIG, "chunk of %u bytes at %llu goes beyond the size %llu", len,
			       (unsigned long long)offset, (unsigned long long)up->size);
	if (len > 0) {
		rc = write_all(up, data, len);
		if (rc < 0) {
			/* Keep the .part consistent with the hash: cut what was written. */
			if (ftruncate(up->fd, (off_t)up->have) < 0)
				log_warn("files: truncate %s: %s", up->part_path, strerror(errno));
			return rc;
		}
		if (gnutls_hash(up->hash, data, len) < 0)
			return err_set(E_CRYPTO, "gnutls_hash failed");
		up->have += len;
	}
	if (up->have < up->size)
		return E_OK;
	/* Whatever the outcome, this upload takes no more data. */
	rc = upload_finish(up);
	if (rc == E_HASH)
		upload_discard(up);
	close(up->fd);
	up->fd = -1;
	if (rc < 0)
		return rc;
	*done = 1;
	return E_OK;
}

uint64_t files_upload_have(const struct files_upload *up)
{
	return up->have;
}

void files_upload_close(struct files_upload *up)
{
	if (!up)
		return;
	if (up->fd >= 0)
		close(up->fd); /* releases the flock */
	if (up->hash)
		gnutls_hash_deinit(up->hash, NULL);
	free(up->part_path);
	free(up);
}

int files_put(struct files *f, const void *data, size_t len, uint8_t sha256[32])
{
	struct files_upload *up = NULL;
	uint64_t have = 0;
	int rc, done = 0;

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, sha256) < 0)
		return err_set(E_CRYPTO, "gnutls_hash_fast failed");
	if ((rc = files_upload_begin(f, sha256, len, &up, &have)) < 0 || !up)
		return rc;
	/* A .part left by an earlier upload of the same content is replaced
	 * from where it stopped: the bytes are the same. */
	while (rc == E_OK && have < len) {
		size_t n = len - have > PROTO_CHUNK_DATA_MAX ? PROTO_CHUNK_DATA_MAX
							     : len - (size_t)have;

		rc = files_upload_write(up, have, (const uint8_t *)data + have, (uint32_t)n, &done);
		have += n;
	}
	if (rc == E_OK && len == 0)
		rc = files_upload_write(up, 0, (const uint8_t *)"", 0, &done);
	files_upload_close(up);
	return rc;
}
