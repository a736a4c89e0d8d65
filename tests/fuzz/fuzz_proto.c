/*
 * fuzz_proto.c: libFuzzer target for the wire codec: splits the input into
 * frames, parses CHUNK bodies and CONTROL documents, and checks that every
 * accepted CONTROL tree survives build-then-parse unchanged (abort() on a
 * mismatch: this target is a bug detector).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if the two trees hold the same names, attributes, text and children. */
static int same_tree(const struct proto_node *a, const struct proto_node *b)
{
	for (; a && b; a = a->next, b = b->next) {
		if (strcmp(a->name, b->name) || a->nattrs != b->nattrs)
			return 0;
		if ((a->text == NULL) != (b->text == NULL) || (a->text && strcmp(a->text, b->text)))
			return 0;
		for (unsigned i = 0; i < a->nattrs; i++)
			if (strcmp(a->attrs[i].key, b->attrs[i].key) ||
			    strcmp(a->attrs[i].val, b->attrs[i].val))
				return 0;
		if (!same_tree(a->child, b->child))
			return 0;
	}
	return a == NULL && b == NULL;
}

static void control_round_trip(const struct proto_frame *f)
{
	struct proto_node *first = NULL, *second = NULL;
	struct proto_frame g;
	struct buf out;
	size_t used;

	if (proto_control_parse(f->body, f->len, &first) < 0) {
		if (first)
			abort();
		return;
	}
	buf_init(&out, PROTO_FRAME_MAX);
	if (proto_control_build(&out, first) < 0)
		abort(); /* whatever the parser accepts, the writer must write */
	if (proto_frame_parse(out.data, out.len, &g, &used) < 0 || used != out.len ||
	    g.type != PROTO_T_CONTROL)
		abort();
	if (proto_control_parse(g.body, g.len, &second) < 0)
		abort(); /* and the parser must accept what the writer wrote */
	if (!same_tree(first, second))
		abort();
	proto_node_free(first);
	proto_node_free(second);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_frame f;
	size_t used;

	while (size > 0) {
		int rc = proto_frame_parse(data, size, &f, &used);

		if (rc < 0)
			break; /* E_AGAIN at the end, or a stream error */
		if (used < PROTO_HDR_LEN || used > size)
			abort();
		if (f.type == PROTO_T_CONTROL) {
			control_round_trip(&f);
		} else {
			struct proto_chunk c;

			if (proto_chunk_parse(&f, &c) == E_OK &&
			    (c.len + PROTO_CHUNK_HDR_LEN != f.len || c.len > PROTO_CHUNK_DATA_MAX))
				abort();
		}
		data += used;
		size -= used;
	}
	return 0;
}
