/*
 * pack.c: pack files and their version 2 indexes (pack.h), written
 * directly: no delta search and no indexer pass hashing everything again.
 * Pack: "PACK", version 2, count; per object a type/size varint, for an
 * OFS_DELTA the distance back to its base, and a zlib stream; the SHA-1 of
 * all that.  Index: fan-out table, sorted ids, the CRC-32 of each packed
 * object, 4-byte offsets, the pack's checksum and its own.
 */
#include "config.h"

#include <dirent.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "workflow/pack.h"

#define PACK_OFS_DELTA 6
#define PACK_REF_DELTA 7

struct pack_entry {
	uint8_t id[PACK_ID_LEN];
	uint32_t off; /* in the pack */
	uint32_t crc; /* of the packed bytes */
};

/* The previous object of a hint: a delta base for the next one. */
struct pack_last {
	size_t entry;
	unsigned depth;
	enum pack_type type;
	size_t len;
	uint8_t data[];
};

struct pack {
	struct buf body; /* header (count patched at commit) and objects */
	struct pack_entry *e;
	size_t n, cap;
	uint32_t *set; /* open addressing: entry index + 1, 0 is empty */
	size_t set_cap;
	GHashTable *last; /* hint -> struct pack_last */
	struct buf delta; /* scratch */
};

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (int t = 1; t < 8; t++)
		for (int i = 0; i < 256; i++)
			crc_table[t][i] = crc_table[0][crc_table[t - 1][i] & 0xff] ^
					  (crc_table[t - 1][i] >> 8);
}

/* CRC-32 (IEEE, as zlib and the pack index use it) of @len bytes, eight
 * bytes a step (slicing-by-8). */
static uint32_t crc32_of(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;

	pthread_once(&crc_once, crc_init);
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				   (uint32_t)p[3] << 24);

		c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^ crc_table[3][p[4]] ^
		    crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
	}
	while (len--)
		c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint32_t adler32_of(const uint8_t *p, size_t len)
{
	uint32_t a = 1, b = 0;

	while (len) {
		size_t k = len < 5552 ? len : 5552; /* no overflow before the modulo */

		len -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int put_be32(struct buf *b, uint32_t v)
{
	uint8_t p[4];

	be32(p, v);
	return buf_append(b, p, 4);
}

/* The object header: type in bits 4-6 of the first byte, the size in 4
 * bits there and 7 bits per following byte, least significant first. */
static int put_header(struct buf *b, unsigned t, size_t len)
{
	uint8_t h[16], c = (uint8_t)((t << 4) | (len & 15));
	size_t i = 0;

	len >>= 4;
	while (len) {
		h[i++] = c | 0x80;
		c = len & 0x7f;
		len >>= 7;
	}
	h[i++] = c;
	return buf_append(b, h, i);
}

/* A zlib stream of stored (uncompressed) deflate blocks of @len bytes. */
static int put_stored(struct buf *b, const uint8_t *p, size_t len)
{
	static const uint8_t zhdr[2] = {0x78, 0x01};
	uint8_t h[5];
	int rc = buf_append(b, zhdr, 2);
	uint32_t adler = adler32_of(p, len);

	do {
		size_t k = len > 65535 ? 65535 : len;

		h[0] = k == len; /* BFINAL, BTYPE 00 */
		h[1] = (uint8_t)k;
		h[2] = (uint8_t)(k >> 8);
		h[3] = (uint8_t)~k;
		h[4] = (uint8_t)(~k >> 8);
		if (rc == E_OK)
			rc = buf_append(b, h, 5);
		if (rc == E_OK)
			rc = buf_append(b, p, k);
		p += k;
		len -= k;
	} while (len);
	return rc < 0 ? rc : put_be32(b, adler);
}

static void sha1_of(GChecksum *cs, const uint8_t *p, size_t len, uint8_t out[PACK_ID_LEN])
{
	gsize n = PACK_ID_LEN;

	g_checksum_reset(cs);
	g_checksum_update(cs, p, (gssize)len);
	g_checksum_get_digest(cs, out, &n);
}

static void last_free(gpointer v)
{
	free(v);
}

int pack_new(struct pack **out)
{
	struct pack *p = calloc(1, sizeof(*p));
	static const uint8_t hdr[12] = {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0};

	*out = NULL;
	if (!p)
		return err_set(E_NOMEM, "pack");
	buf_init(&p->body, PACK_BYTES_MAX);
	buf_init(&p->delta, PACK_BYTES_MAX);
	p->last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, last_free);
	if (buf_append(&p->body, hdr, sizeof(hdr)) < 0) {
		pack_free(p);
		return err_set(E_NOMEM, "pack");
	}
	*out = p;
	return E_OK;
}

void pack_free(struct pack *p)
{
	if (!p)
		return;
	g_hash_table_destroy(p->last);
	free(p->e);
	free(p->set);
	/* Not buf_free(): nothing secret here, and wiping megabytes costs. */
	free(p->body.data);
	free(p->delta.data);
	free(p);
}

size_t pack_count(const struct pack *p)
{
	return p->n;
}

size_t pack_size(const struct pack *p)
{
	return p->body.len;
}

static size_t slot_of(const struct pack *p, const uint8_t id[PACK_ID_LEN])
{
	uint32_t h = (uint32_t)id[0] | (uint32_t)id[1] << 8 | (uint32_t)id[2] << 16 |
		     (uint32_t)id[3] << 24;
	size_t s = h & (p->set_cap - 1);

	while (p->set[s] && memcmp(p->e[p->set[s] - 1].id, id, PACK_ID_LEN) != 0)
		s = (s + 1) & (p->set_cap - 1);
	return s;
}

/* The entry of @id, or -1. */
static long find(const struct pack *p, const uint8_t id[PACK_ID_LEN])
{
	size_t s;

	if (!p->set_cap)
		return -1;
	s = slot_of(p, id);
	return p->set[s] ? (long)p->set[s] - 1 : -1;
}

/* Room for one more entry, in the list and in the id set. */
static int reserve(struct pack *p)
{
	if (p->n >= PACK_OBJ_MAX)
		return err_set(E_TOOBIG, "pack of %zu objects", p->n);
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		struct pack_entry *e = realloc(p->e, cap * sizeof(*e));

		if (!e)
			return err_set(E_NOMEM, "pack entries");
		p->e = e;
		p->cap = cap;
	}
	if (2 * (p->n + 1) > p->set_cap) {
		size_t cap = p->set_cap ? 2 * p->set_cap : 1024;
		uint32_t *set = calloc(cap, sizeof(*set)), *old = p->set;

		if (!set)
			return err_set(E_NOMEM, "pack id set");
		p->set = set;
		p->set_cap = cap;
		for (size_t i = 0; i < p->n; i++)
			p->set[slot_of(p, p->e[i].id)] = (uint32_t)i + 1;
		free(old);
	}
	return E_OK;
}

/* Records the entry that starts at @off and ends at the body's end. */
static void add_entry(struct pack *p, const uint8_t id[PACK_ID_LEN], size_t off, long crc)
{
	struct pack_entry *e = &p->e[p->n];

	memcpy(e->id, id, PACK_ID_LEN);
	e->off = (uint32_t)off;
	e->crc = crc >= 0 ? (uint32_t)crc : crc32_of(p->body.data + off, p->body.len - off);
	p->set[slot_of(p, id)] = (uint32_t)++p->n;
}

static int put_varint(struct buf *b, size_t v)
{
	uint8_t h[16];
	size_t i = 0;

	do {
		h[i] = v & 0x7f;
		v >>= 7;
		h[i] |= v ? 0x80 : 0;
		i++;
	} while (v);
	return buf_append(b, h, i);
}

/* A copy of @len bytes at @off of the base, in pieces of at most 64 KiB. */
static int put_copy(struct buf *b, size_t off, size_t len)
{
	int rc = E_OK;

	while (len && rc == E_OK) {
		size_t k = len > 0x10000 ? 0x10000 : len, n = 1;
		uint8_t op[8] = {0x80};

		for (int i = 0; i < 4; i++)
			if ((off >> (8 * i)) & 0xff) {
				op[0] |= (uint8_t)(1 << i);
				op[n++] = (uint8_t)(off >> (8 * i));
			}
		for (int i = 0; i < 3; i++)
			if ((k >> (8 * i)) & 0xff) {
				op[0] |= (uint8_t)(0x10 << i);
				op[n++] = (uint8_t)(k >> (8 * i));
			}
		rc = buf_append(b, op, n);
		off += k;
		len -= k;
	}
	return rc;
}

/* The prefix/suffix delta that makes @dst from @src, into @b. */
static int make_delta(struct buf *b, const uint8_t *src, size_t sl, const uint8_t *dst, size_t dl)
{
	size_t pre = 0, suf = 0, max = sl < dl ? sl : dl;
	int rc;

	while (pre < max && src[pre] == dst[pre])
		pre++;
	while (suf < max - pre && src[sl - 1 - suf] == dst[dl - 1 - suf])
		suf++;
	buf_reset(b);
	if ((rc = put_varint(b, sl)) < 0 || (rc = put_varint(b, dl)) < 0 ||
	    (rc = put_copy(b, 0, pre)) < 0)
		return rc;
	for (size_t at = pre; at < dl - suf && rc == E_OK;) {
		uint8_t k = (uint8_t)(dl - suf - at > 127 ? 127 : dl - suf - at);

		if ((rc = buf_append(b, &k, 1)) == E_OK)
			rc = buf_append(b, dst + at, k);
		at += k;
	}
	return rc < 0 ? rc : put_copy(b, sl - suf, suf);
}

/* The distance back to a delta's base, as OFS_DELTA encodes it. */
static int put_ofs(struct buf *b, size_t ofs)
{
	uint8_t o[16];
	size_t pos = sizeof(o) - 1;

	o[pos] = ofs & 127;
	while (ofs >>= 7)
		o[--pos] = (uint8_t)(128 | (--ofs & 127));
	return buf_append(b, o + pos, sizeof(o) - pos);
}

/* Remembers @data as the base for the next object of @hint. */
static int remember(struct pack *p, const char *hint, enum pack_type type, const void *data,
		    size_t len, unsigned depth)
{
	struct pack_last *l = malloc(sizeof(*l) + len);
	char *key = g_strdup(hint);

	if (!l || !key) {
		free(l);
		g_free(key);
		return err_set(E_NOMEM, "delta base");
	}
	l->entry = p->n - 1;
	l->depth = depth;
	l->type = type;
	l->len = len;
	memcpy(l->data, data, len);
	g_hash_table_replace(p->last, key, l);
	return E_OK;
}

int pack_add(struct pack *p, const uint8_t id[PACK_ID_LEN], enum pack_type type, const void *data,
	     size_t len, const char *hint)
{
	const struct pack_last *base = hint && hint[0] ? g_hash_table_lookup(p->last, hint) : NULL;
	size_t off = p->body.len;
	unsigned depth = 0;
	int rc;

	if (find(p, id) >= 0)
		return E_OK;
	if ((rc = reserve(p)) < 0)
		return rc;
	if (base && base->type == type && base->depth < PACK_DEPTH && len >= 64) {
		rc = make_delta(&p->delta, base->data, base->len, data, len);
		if (rc < 0)
			return rc;
		if (p->delta.len < len / 2)
			depth = base->depth + 1;
	}
	if (depth) {
		rc = put_header(&p->body, PACK_OFS_DELTA, p->delta.len);
		if (rc == E_OK && (rc = put_ofs(&p->body, off - p->e[base->entry].off)) == E_OK)
			rc = put_stored(&p->body, p->delta.data, p->delta.len);
	} else if ((rc = put_header(&p->body, type, len)) == E_OK) {
		rc = put_stored(&p->body, data, len);
	}
	if (rc < 0) {
		p->body.len = off;
		return rc;
	}
	add_entry(p, id, off, -1);
	return hint && hint[0] ? remember(p, hint, type, data, len, depth) : E_OK;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A pack and its index read whole, checked enough to be walked safely. */
struct pack_src {
	uint8_t *idx, *pk;
	size_t il, pl, n;
	struct pack_ord {
		uint32_t off, at; /* offset, position in the index */
	} * ord;                  /* by offset */
};

static int ord_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct pack_ord *)a)->off, y = ((const struct pack_ord *)b)->off;

	return x < y ? -1 : x > y;
}

static int src_open(struct pack_src *s, const char *dir, const char *name)
{
	static const uint8_t magic[8] = {0xff, 't', 'O', 'c', 0, 0, 0, 2};
	char path[1200];
	const uint8_t *offs;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.idx", dir, name);
	if ((rc = fs_read_file(path, PACK_BYTES_MAX, (char **)&s->idx, &s->il)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s.pack", dir, name);
	if ((rc = fs_read_file(path, PACK_BYTES_MAX, (char **)&s->pk, &s->pl)) < 0)
		return rc;
	if (s->il < 8 + 1024 + 40 || memcmp(s->idx, magic, 8) != 0)
		return err_set(E_IO, "%s.idx is not a version 2 index", name);
	s->n = get_be32(s->idx + 8 + 1020);
	if (s->n > PACK_OBJ_MAX || s->il < 8 + 1024 + s->n * 28 + 40 || s->pl < 32 ||
	    memcmp(s->pk, "PACK\0\0\0\2", 8) != 0 || get_be32(s->pk + 8) != s->n)
		return err_set(E_IO, "%s is not a pack this writer reads", name);
	s->ord = malloc((s->n ? s->n : 1) * sizeof(*s->ord));
	if (!s->ord)
		return err_set(E_NOMEM, "pack merge");
	offs = s->idx + 8 + 1024 + s->n * 24;
	for (size_t i = 0; i < s->n; i++) {
		s->ord[i].off = get_be32(offs + 4 * i);
		s->ord[i].at = (uint32_t)i;
		if (s->ord[i].off & 0x80000000u || s->ord[i].off < 12 ||
		    s->ord[i].off >= s->pl - 20)
			return err_set(E_IO, "%s: offset out of the pack", name);
	}
	qsort(s->ord, s->n, sizeof(*s->ord), ord_cmp);
	return E_OK;
}

static void src_close(struct pack_src *s)
{
	free(s->idx);
	free(s->pk);
	free(s->ord);
}

/* Position in s->ord of the object at @off, or -1. */
static long src_find(const struct pack_src *s, size_t off)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ord[mid].off == off)
			return (long)mid;
		if (s->ord[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Copies the object at position @k of @s (ending at @end); an OFS_DELTA
 * gets the distance to its base's new place (@moved: new offsets). */
static int copy_one(struct pack *p, const struct pack_src *s, size_t k, size_t end,
		    const uint32_t *moved)
{
	const uint8_t *pk = s->pk, *id = s->idx + 8 + 1024 + (size_t)s->ord[k].at * PACK_ID_LEN;
	size_t off = s->ord[k].off, i = off, j, ofs, new_off = p->body.len;
	uint8_t c = pk[i++];
	long base;
	int rc;

	while (c & 0x80 && i < end)
		c = pk[i++];
	if ((pk[off] >> 4 & 7) != PACK_OFS_DELTA) {
		rc = buf_append(&p->body, pk + off, end - off);
		if (rc == E_OK)
			add_entry(
				p, id, new_off,
				get_be32(s->idx + 8 + 1024 + s->n * 20 + 4 * (size_t)s->ord[k].at));
		return rc;
	}
	j = i;
	c = pk[j++];
	ofs = c & 127;
	while (c & 128 && j < end && ofs < off) {
		c = pk[j++];
		ofs = ((ofs + 1) << 7) + (c & 127);
	}
	base = ofs <= off ? src_find(s, off - ofs) : -1;
	if (j >= end || base < 0 || (size_t)base >= k)
		return err_set(E_IO, "delta base outside the pack");
	if ((rc = buf_append(&p->body, pk + off, i - off)) < 0 ||
	    (rc = put_ofs(&p->body, new_off - moved[base])) < 0 ||
	    (rc = buf_append(&p->body, pk + j, end - j)) < 0)
		return rc;
	add_entry(p, id, new_off, -1);
	return E_OK;
}

int pack_merge(struct pack *p, const char *dir, const char *name)
{
	struct pack_src s;
	uint32_t *moved = NULL;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = src_open(&s, dir, name)) < 0)
		goto out;
	if (!(moved = malloc((s.n ? s.n : 1) * sizeof(*moved)))) {
		rc = err_set(E_NOMEM, "pack merge");
		goto out;
	}
	for (size_t k = 0; k < s.n && rc == E_OK; k++) {
		const uint8_t *id = s.idx + 8 + 1024 + (size_t)s.ord[k].at * PACK_ID_LEN;
		size_t end = k + 1 < s.n ? s.ord[k + 1].off : s.pl - PACK_ID_LEN;
		long have = find(p, id);

		if (have >= 0) {
			moved[k] = p->e[have].off; /* an earlier copy is the base */
			continue;
		}
		moved[k] = (uint32_t)p->body.len;
		if ((rc = reserve(p)) == E_OK)
			rc = copy_one(p, &s, k, end, moved);
	}
out:
	free(moved);
	src_close(&s);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	return memcmp((*(const struct pack_entry *const *)a)->id,
		      (*(const struct pack_entry *const *)b)->id, PACK_ID_LEN);
}

static int build_idx(struct buf *x, const struct pack *p, const uint8_t sum[PACK_ID_LEN])
{
	static const uint8_t magic[8] = {0xff, 't', 'O', 'c', 0, 0, 0, 2};
	const struct pack_entry **ord = malloc((p->n ? p->n : 1) * sizeof(*ord));
	size_t i = 0;
	int rc;

	if (!ord)
		return err_set(E_NOMEM, "pack index");
	for (i = 0; i < p->n; i++)
		ord[i] = &p->e[i];
	qsort(ord, p->n, sizeof(*ord), by_id);
	rc = buf_append(x, magic, sizeof(magic));
	i = 0;
	for (unsigned byte = 0; byte < 256 && rc == E_OK; byte++) {
		while (i < p->n && ord[i]->id[0] <= byte)
			i++;
		rc = put_be32(x, (uint32_t)i);
	}
	for (i = 0; i < p->n && rc == E_OK; i++)
		rc = buf_append(x, ord[i]->id, PACK_ID_LEN);
	for (i = 0; i < p->n && rc == E_OK; i++)
		rc = put_be32(x, ord[i]->crc);
	for (i = 0; i < p->n && rc == E_OK; i++)
		rc = put_be32(x, ord[i]->off);
	free(ord);
	return rc < 0 ? rc : buf_append(x, sum, PACK_ID_LEN);
}

/* Writes "<dir>/<name><ext>" durably. */
static int write_file(const char *dir, const char *name, const char *ext, const struct buf *b)
{
	char path[1200];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext) >= sizeof(path))
		return err_set(E_TOOBIG, "pack path");
	return fs_write_atomic(path, b->data, b->len, 0444);
}

int pack_commit(struct pack *p, const char *dir, char name[PACK_NAME_LEN])
{
	GChecksum *cs = g_checksum_new(G_CHECKSUM_SHA1);
	uint8_t sum[PACK_ID_LEN], isum[PACK_ID_LEN];
	size_t body = p->body.len;
	struct buf x;
	int rc;

	name[0] = '\0';
	buf_init(&x, PACK_BYTES_MAX);
	if (!cs) {
		rc = err_set(E_NOMEM, "pack checksum");
		goto out;
	}
	be32(p->body.data + 8, (uint32_t)p->n);
	sha1_of(cs, p->body.data, p->body.len, sum);
	if ((rc = buf_append(&p->body, sum, PACK_ID_LEN)) < 0 || (rc = build_idx(&x, p, sum)) < 0)
		goto out;
	sha1_of(cs, x.data, x.len, isum);
	if ((rc = buf_append(&x, isum, PACK_ID_LEN)) < 0)
		goto out;
	memcpy(name, "pack-", 5);
	for (int i = 0; i < PACK_ID_LEN; i++)
		snprintf(name + 5 + 2 * i, 3, "%02x", sum[i]);
	/* The pack first: an index never names a pack that is not all there. */
	if ((rc = write_file(dir, name, ".pack", &p->body)) < 0 ||
	    (rc = write_file(dir, name, ".idx", &x)) < 0)
		goto out;
out:
	if (rc < 0 && name[0]) {
		pack_remove(dir, name);
		name[0] = '\0';
	}
	if (rc < 0)
		p->body.len = body; /* no trailer: more objects may follow */
	if (cs)
		g_checksum_free(cs);
	free(x.data);
	return rc;
}

int pack_idx_count(const char *dir, const char *name, size_t *out)
{
	char path[1200];
	uint8_t fan[4];
	FILE *f;
	int ok;

	*out = 0;
	snprintf(path, sizeof(path), "%s/%s.idx", dir, name);
	if (!(f = fopen(path, "rb")))
		return err_set(E_NOTFOUND, "no %s", path);
	ok = fseek(f, 8 + 1020, SEEK_SET) == 0 && fread(fan, 1, 4, f) == 4;
	fclose(f);
	if (!ok)
		return err_set(E_IO, "%s is too short", path);
	*out = get_be32(fan);
	return E_OK;
}

void pack_remove(const char *dir, const char *name)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/%s.idx", dir, name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.pack", dir, name);
	unlink(path);
}

/* 1 if @file is "pack-<...>.pack" and its .idx is missing from @dir. */
static int pack_orphan(const char *dir, const char *file)
{
	size_t len = strlen(file);
	char path[1200];

	if (len < 11 || strncmp(file, "pack-", 5) != 0 || strcmp(file + len - 5, ".pack") != 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%.*s.idx", dir, (int)(len - 5), file);
	return !fs_exists(path);
}

void pack_clean(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1200];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "pack-", 5) != 0)
			continue;
		if (!strstr(e->d_name, ".tmp.") && !pack_orphan(dir, e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}
