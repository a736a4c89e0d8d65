/*
 * buf.h: growable byte buffers with a hard cap.
 *
 * A buffer never grows beyond the maximum given at buf_init(); an append that
 * would cross it fails with E_TOOBIG and leaves the buffer unchanged.  The
 * data is always followed by a NUL byte (not counted in len) so text can be
 * used as a C string.
 */
#ifndef DINH_BUF_H
#define DINH_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data; /* NULL until the first append */
	size_t len;    /* bytes in use */
	size_t cap;    /* bytes allocated */
	size_t max;    /* hard cap on len */
};

void buf_init(struct buf *b, size_t max);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for @len more bytes and returns a pointer to them (E_TOOBIG ->
 * NULL); the caller then calls buf_commit() with the number actually used. */
uint8_t *buf_reserve(struct buf *b, size_t len);
void buf_commit(struct buf *b, size_t len);
/* Drops @n bytes from the front. */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
/* Frees the memory, after overwriting it with zeros (buffers may hold secrets). */
void buf_free(struct buf *b);

#endif
