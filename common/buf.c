/*
 * buf.c: growable byte buffers with a hard cap, kept NUL-terminated and wiped
 * before they are freed; see buf.h.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#define BUF_MIN_CAP 64

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

/* Ensures room for @extra more bytes plus the trailing NUL.  Growth doubles,
 * capped at max + 1; the old block is wiped, as it may hold secrets. */
static int buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *data;

	if (extra > b->max - b->len)
		return err_set(E_TOOBIG, "buffer over its cap of %zu bytes", b->max);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return E_OK;
	cap = b->cap ? b->cap : BUF_MIN_CAP;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	if (cap < need)
		cap = need;
	data = malloc(cap);
	if (!data)
		return err_set(E_NOMEM, "buffer of %zu bytes", cap);
	if (b->data) {
		memcpy(data, b->data, b->len + 1);
		explicit_bzero(b->data, b->cap);
		free(b->data);
	} else {
		data[0] = '\0';
	}
	b->data = data;
	b->cap = cap;
	return E_OK;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
	int rc = buf_grow(b, len);

	if (rc < 0)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return E_OK;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err_set(E_INVAL, "bad format");
	rc = buf_grow(b, (size_t)n);
	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return E_OK;
}

uint8_t *buf_reserve(struct buf *b, size_t len)
{
	if (buf_grow(b, len) < 0)
		return NULL;
	return b->data + b->len;
}

void buf_commit(struct buf *b, size_t len)
{
	/* Committing more than was reserved is a caller bug. */
	assert(len == 0 || (b->cap > 0 && len <= b->cap - 1 - b->len));
	if (b->cap == 0 || len > b->cap - 1 - b->len)
		len = 0; /* with NDEBUG: never write past the buffer */
	b->len += len;
	if (b->data)
		b->data[b->len] = '\0';
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + n, b->len - n);
		b->len -= n;
	}
	if (b->data)
		b->data[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	if (b->data) {
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
