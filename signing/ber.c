/*
 * ber.c: BER to DER re-encoding of one element (ber.h).  The input is
 * hostile: every length is checked against what is left, nesting is
 * capped, and the output is never longer than the input plus the few bytes
 * that definite lengths add per element.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "signing/ber.h"

#define BER_TAG_MAX 6           /* bytes of a tag (high tag numbers) */
#define BER_OUT_MAX (64u << 20) /* bytes of a re-encoded element */

/* One element's header: tag bytes, and its length (or indefinite). */
struct ber_head {
	const uint8_t *tag;
	size_t tag_len;
	int constructed;
	int indefinite;
	size_t len; /* of the contents, when definite */
	size_t hdr; /* bytes of tag and length */
};

static int bad(const char *why)
{
	return err_set(E_INVAL, "not a BER element: %s", why);
}

static int read_head(struct ber_head *h, const uint8_t *p, size_t n)
{
	size_t i = 1, k, j;

	if (n < 2)
		return bad("truncated header");
	h->tag = p;
	h->constructed = (p[0] & 0x20) != 0;
	if ((p[0] & 0x1f) == 0x1f) {
		while (i < n && (p[i] & 0x80) && i < BER_TAG_MAX)
			i++;
		if (i >= n || (p[i] & 0x80))
			return bad("tag too long");
		i++;
	}
	h->tag_len = i;
	if (i >= n)
		return bad("truncated length");
	h->indefinite = p[i] == 0x80;
	h->len = 0;
	if (p[i] < 0x80) {
		h->len = p[i++];
	} else if (!h->indefinite) {
		k = p[i++] & 0x7f;
		if (k > sizeof(size_t) || k == 0x7f || k > n - i)
			return bad("length of length");
		for (j = 0; j < k; j++)
			h->len = h->len << 8 | p[i + j];
		i += k;
	} else {
		i++;
	}
	h->hdr = i;
	if (h->indefinite && !h->constructed)
		return bad("indefinite length of a primitive");
	if (!h->indefinite && h->len > n - i)
		return bad("length beyond the data");
	return E_OK;
}

/* Appends a DER length. */
static int put_len(struct buf *b, size_t len)
{
	uint8_t t[1 + sizeof(size_t)];
	size_t k = 0, v = len, i;

	if (len < 0x80) {
		t[0] = (uint8_t)len;
		return buf_append(b, t, 1);
	}
	while (v) {
		k++;
		v >>= 8;
	}
	t[0] = (uint8_t)(0x80 | k);
	for (i = 0; i < k; i++)
		t[1 + i] = (uint8_t)(len >> (8 * (k - 1 - i)));
	return buf_append(b, t, 1 + k);
}

static int encode(struct buf *out, size_t *used, const uint8_t *p, size_t n, unsigned depth);

/*
 * The contents of a constructed element, re-encoded into @body: the children
 * up to the end-of-contents (indefinite) or within h->len.  For a
 * constructed OCTET STRING (@join) only the children's contents are kept.
 */
static int encode_children(struct buf *body, size_t *used, const struct ber_head *h,
			   const uint8_t *p, size_t n, unsigned depth, int join)
{
	size_t off = 0, lim = h->indefinite ? n : h->len, u;
	struct buf child;
	struct ber_head ch;
	int rc;

	for (;;) {
		if (h->indefinite && lim - off >= 2 && p[off] == 0 && p[off + 1] == 0) {
			*used = off + 2;
			return E_OK;
		}
		if (!h->indefinite && off == lim) {
			*used = off;
			return E_OK;
		}
		if (off >= lim)
			return bad("missing end-of-contents");
		if (!join) {
			if ((rc = encode(body, &u, p + off, lim - off, depth + 1)) < 0)
				return rc;
			off += u;
			continue;
		}
		buf_init(&child, BER_OUT_MAX);
		rc = encode(&child, &u, p + off, lim - off, depth + 1);
		if (rc == E_OK && (rc = read_head(&ch, child.data, child.len)) == E_OK &&
		    (child.data[0] & 0xdf) != 0x04)
			rc = bad("a segment of an OCTET STRING is not one");
		if (rc == E_OK)
			rc = buf_append(body, child.data + ch.hdr, ch.len);
		buf_free(&child);
		if (rc < 0)
			return rc;
		off += u;
	}
}

static int encode(struct buf *out, size_t *used, const uint8_t *p, size_t n, unsigned depth)
{
	struct ber_head h;
	struct buf body;
	size_t u = 0;
	int rc, join;
	uint8_t tag0;

	if (depth > BER_DEPTH_MAX)
		return bad("nested too deeply");
	if ((rc = read_head(&h, p, n)) < 0)
		return rc;
	if (!h.constructed) {
		*used = h.hdr + h.len;
		if ((rc = buf_append(out, h.tag, h.tag_len)) < 0 || (rc = put_len(out, h.len)) < 0)
			return rc;
		return buf_append(out, p + h.hdr, h.len);
	}
	join = p[0] == 0x24; /* universal, constructed OCTET STRING */
	buf_init(&body, BER_OUT_MAX);
	rc = encode_children(&body, &u, &h, p + h.hdr, n - h.hdr, depth, join);
	if (rc == E_OK) {
		*used = h.hdr + u;
		tag0 = join ? 0x04 : h.tag[0];
		if ((rc = buf_append(out, &tag0, 1)) == E_OK &&
		    (rc = buf_append(out, h.tag + 1, h.tag_len - 1)) == E_OK &&
		    (rc = put_len(out, body.len)) == E_OK)
			rc = buf_append(out, body.data, body.len);
	}
	buf_free(&body);
	return rc;
}

int ber_to_der(uint8_t **out, size_t *out_len, size_t *used, const uint8_t *in, size_t len)
{
	struct buf b;
	int rc;

	*out = NULL;
	*out_len = 0;
	*used = 0;
	buf_init(&b, BER_OUT_MAX);
	rc = encode(&b, used, in, len, 0);
	if (rc < 0) {
		buf_free(&b);
		*used = 0;
		return rc;
	}
	if (!b.data && (rc = buf_append(&b, "", 0)) < 0)
		return rc;
	*out = b.data;
	*out_len = b.len;
	return E_OK;
}
