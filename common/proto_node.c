/*
 * proto_node.c: building, looking up and freeing the CONTROL message trees
 * of proto.h, and the hex form of SHA-256 names.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/proto.h"

struct proto_node *proto_node_new(const char *name)
{
	struct proto_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	return n;
}

struct proto_node *proto_node_add(struct proto_node *parent, const char *name)
{
	struct proto_node *n = proto_node_new(name);

	if (!n)
		return NULL;
	if (parent->last)
		parent->last->next = n;
	else
		parent->child = n;
	parent->last = n;
	return n;
}

/* Sets @key to @val, taking ownership of @val (freed on failure). */
static int node_set_owned(struct proto_node *n, const char *key, char *val)
{
	char *k;

	if (!val)
		return err_set(E_NOMEM, "attribute value");
	if (!proto_name_ok(key)) {
		free(val);
		return err_set(E_INVAL, "invalid attribute name");
	}
	for (unsigned i = 0; i < n->nattrs; i++) {
		if (strcmp(n->attrs[i].key, key) == 0) {
			free(n->attrs[i].val);
			n->attrs[i].val = val;
			return E_OK;
		}
	}
	if (n->nattrs >= PROTO_ATTRS_MAX) {
		free(val);
		return err_set(E_TOOBIG, "more than %d attributes on <%s>", PROTO_ATTRS_MAX,
			       n->name);
	}
	k = strdup(key);
	if (!k) {
		free(val);
		return err_set(E_NOMEM, "attribute name");
	}
	n->attrs[n->nattrs].key = k;
	n->attrs[n->nattrs].val = val;
	n->nattrs++;
	return E_OK;
}

int proto_node_set(struct proto_node *n, const char *key, const char *val)
{
	if (!val)
		return err_set(E_INVAL, "no value for attribute");
	return node_set_owned(n, key, strdup(val));
}

int proto_node_setf(struct proto_node *n, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *val = NULL;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (len < 0)
		return err_set(E_NOMEM, "attribute value");
	return node_set_owned(n, key, val);
}

int proto_node_set_u64(struct proto_node *n, const char *key, uint64_t v)
{
	return proto_node_setf(n, key, "%" PRIu64, v);
}

int proto_node_set_text(struct proto_node *n, const char *text)
{
	char *t = NULL;

	if (text) {
		t = strdup(text);
		if (!t)
			return err_set(E_NOMEM, "text");
	}
	free(n->text);
	n->text = t;
	return E_OK;
}

void proto_node_free(struct proto_node *n)
{
	while (n) {
		struct proto_node *next = n->next;

		proto_node_free(n->child);
		for (unsigned i = 0; i < n->nattrs; i++) {
			free(n->attrs[i].key);
			free(n->attrs[i].val);
		}
		free(n->name);
		free(n->text);
		free(n);
		n = next;
	}
}

const char *proto_attr(const struct proto_node *n, const char *key)
{
	if (!n)
		return NULL;
	for (unsigned i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].key, key) == 0)
			return n->attrs[i].val;
	return NULL;
}

const struct proto_node *proto_child(const struct proto_node *n, const char *name)
{
	if (!n)
		return NULL;
	for (const struct proto_node *c = n->child; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int proto_attr_u64(const struct proto_node *n, const char *key, uint64_t *out)
{
	const char *s = proto_attr(n, key);
	uint64_t v = 0;

	if (!s)
		return err_set(E_PROTO, "attribute %s missing", key);
	if (!*s)
		return err_set(E_PROTO, "attribute %s is empty", key);
	for (const char *p = s; *p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (d > 9)
			return err_set(E_PROTO, "attribute %s is not a decimal number", key);
		if (v > (UINT64_MAX - d) / 10)
			return err_set(E_PROTO, "attribute %s is too large", key);
		v = v * 10 + d;
	}
	*out = v;
	return E_OK;
}

void proto_hex(char out[65], const uint8_t sha256[32])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[sha256[i] >> 4];
		out[2 * i + 1] = digits[sha256[i] & 15];
	}
	out[64] = '\0';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int proto_unhex(uint8_t out[32], const char *hex)
{
	uint8_t tmp[32];

	if (!hex || strlen(hex) != 64)
		return err_set(E_INVAL, "a SHA-256 name has 64 hex digits");
	for (int i = 0; i < 32; i++) {
		int hi = hex_val(hex[2 * i]), lo = hex_val(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return err_set(E_INVAL, "not a hex digit in a SHA-256 name");
		tmp[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(out, tmp, 32);
	return E_OK;
}
