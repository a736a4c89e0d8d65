/*
 * files.h: the content-addressed file store of the data directory.
 *
 *   files/ab/abcdef...      complete files, named by their SHA-256 (hex)
 *   files/tmp/<sha>.part    uploads in progress; resumable from their size
 *
 * A file becomes visible under its name only after its whole content was
 * hashed, matched the announced SHA-256, was fsynced and renamed.  Nothing
 * here blocks for long: chunks are at most PROTO_CHUNK_DATA_MAX bytes.
 */
#ifndef DINH_FILES_H
#define DINH_FILES_H

#include <stdint.h>

#define FILES_SIZE_MAX (4ull << 30) /* 4 GiB per file */

struct files;
struct files_upload;

int files_open(struct files **out, const char *root);
void files_free(struct files *f);

/* The path a stored file has (or would have), malloc'd; NULL on ENOMEM.
 * For a reader in another process (the PDF sandbox); never written to. */
char *files_path(struct files *f, const uint8_t sha256[32]);

/* Size of a stored file; E_NOTFOUND if absent. */
int files_stat(struct files *f, const uint8_t sha256[32], uint64_t *size);

/* Opens a stored file for reading: an fd (caller closes) and its size. */
int files_open_read(struct files *f, const uint8_t sha256[32], int *fd, uint64_t *size);

/* Starts or resumes an upload of @size bytes named @sha256.  *have tells how
 * many bytes are already stored (== size if the file is complete: *up is
 * NULL then).  E_TOOBIG over FILES_SIZE_MAX. */
int files_upload_begin(struct files *f, const uint8_t sha256[32], uint64_t size,
		       struct files_upload **up, uint64_t *have);

/* Appends a chunk.  @offset must equal the bytes already received (E_INVAL
 * otherwise); data beyond @size is E_TOOBIG.  When the last byte arrives the
 * content is verified: E_HASH (the partial file is discarded) or E_OK with
 * *done = 1 and the file in place.  */
int files_upload_write(struct files_upload *up, uint64_t offset, const uint8_t *data, uint32_t len,
		       int *done);

/* Stores @len bytes from memory under their SHA-256 (into @sha256),
 * fsynced, like a finished upload; a file already there is kept. */
int files_put(struct files *f, const void *data, size_t len, uint8_t sha256[32]);

/* Bytes received so far. */
uint64_t files_upload_have(const struct files_upload *up);

/* Closes an upload; an unfinished one keeps its .part for resumption. */
void files_upload_close(struct files_upload *up);

#endif
