/*
 * proto.h: the dinh wire codec (docs/protocol.md is the contract).
 *
 * Pure code: no I/O, no allocation beyond what a parsed message owns.  Every
 * length is bounded by a named cap below.
 *
 * A frame is an 8-byte header followed by a body:
 *
 *     u32 length (big endian, body bytes) | u8 type | u8 flags (0) | u16 zero
 *
 * Type 1 (CONTROL): a UTF-8 XML document of at most PROTO_CONTROL_MAX bytes,
 *   parsed with libxml2 without network access, DTDs or entity expansion,
 *   nesting at most PROTO_XML_DEPTH_MAX and at most PROTO_XML_NODES_MAX nodes.
 * Type 2 (CHUNK): u32 request id | 32-byte SHA-256 | u64 offset | data of at
 *   most PROTO_CHUNK_DATA_MAX bytes: part of the file named by the hash.
 */
#ifndef DINH_PROTO_H
#define DINH_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define PROTO_VERSION 1
#define PROTO_VERSION_MIN 1
#define PROTO_ALPN "dinh/1"

#define PROTO_HDR_LEN 8
#define PROTO_CONTROL_MAX (64 * 1024)
#define PROTO_CHUNK_HDR_LEN (4 + 32 + 8)
#define PROTO_CHUNK_DATA_MAX (256 * 1024)
#define PROTO_FRAME_MAX (PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN + PROTO_CHUNK_DATA_MAX)
#define PROTO_XML_DEPTH_MAX 8
#define PROTO_XML_NODES_MAX 2048
#define PROTO_ATTRS_MAX 32
#define PROTO_NAME_MAX 64 /* element and attribute names */

enum proto_type { PROTO_T_CONTROL = 1, PROTO_T_CHUNK = 2 };

/* A frame found in a buffer; body points into the caller's buffer. */
struct proto_frame {
	uint8_t type;
	const uint8_t *body;
	uint32_t len;
};

/*
 * Looks for one frame at the start of @buf.
 * Returns E_OK and sets *out and *used (header + body) when a whole frame is
 * there; E_AGAIN when more bytes are needed (nothing consumed); E_TOOBIG when
 * the announced length is over the cap of its type; E_PROTO for an unknown
 * type or non-zero reserved bits.  After an error the stream is unusable.
 */
int proto_frame_parse(const uint8_t *buf, size_t len, struct proto_frame *out, size_t *used);

/* Writes a frame header for a body of @len bytes. */
void proto_frame_header(uint8_t hdr[PROTO_HDR_LEN], enum proto_type type, uint32_t len);

struct proto_chunk {
	uint32_t id;
	uint8_t sha256[32];
	uint64_t offset;
	const uint8_t *data; /* borrowed from the frame */
	uint32_t len;
};

/* Decodes a CHUNK frame body; E_PROTO if too short or not a chunk frame. */
int proto_chunk_parse(const struct proto_frame *f, struct proto_chunk *out);

/* Writes the frame header and chunk header of a CHUNK frame whose @len data
 * bytes follow them (for callers that place the data themselves). */
void proto_chunk_header(uint8_t hdr[PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN], uint32_t id,
			const uint8_t sha256[32], uint64_t offset, uint32_t len);

/* Appends a whole CHUNK frame (header included) to @out. */
int proto_chunk_build(struct buf *out, uint32_t id, const uint8_t sha256[32], uint64_t offset,
		      const void *data, uint32_t len);

/* A control message as a small tree.  Strings are NUL-terminated UTF-8. */
struct proto_attr {
	char *key;
	char *val;
};

struct proto_node {
	char *name;
	char *text; /* concatenated character data, NULL if none */
	struct proto_attr attrs[PROTO_ATTRS_MAX];
	unsigned nattrs;
	struct proto_node *child; /* first child */
	struct proto_node *last;  /* last child, for appending */
	struct proto_node *next;  /* next sibling */
};

/*
 * Parses a CONTROL body into a tree (*out owned by the caller, free with
 * proto_node_free).  E_TOOBIG over PROTO_CONTROL_MAX, depth, node or attribute
 * caps; E_XML for anything not well-formed, any DOCTYPE, entity declaration or
 * reference other than the five predefined ones and character references, or
 * invalid UTF-8.  *out is NULL on failure.
 */
int proto_control_parse(const uint8_t *body, size_t len, struct proto_node **out);

/* Serialises @root as a CONTROL frame (header included) appended to @out. */
int proto_control_build(struct buf *out, const struct proto_node *root);

/* Tree building.  Functions returning a node return NULL only on ENOMEM. */
struct proto_node *proto_node_new(const char *name);
struct proto_node *proto_node_add(struct proto_node *parent, const char *name);
int proto_node_set(struct proto_node *n, const char *key, const char *val);
int proto_node_setf(struct proto_node *n, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int proto_node_set_u64(struct proto_node *n, const char *key, uint64_t v);
int proto_node_set_text(struct proto_node *n, const char *text);
void proto_node_free(struct proto_node *n);

/* Lookups: borrowed pointers, NULL when absent. */
const char *proto_attr(const struct proto_node *n, const char *key);
const struct proto_node *proto_child(const struct proto_node *n, const char *name);
/* E_PROTO when absent or not a decimal number fitting in uint64_t. */
int proto_attr_u64(const struct proto_node *n, const char *key, uint64_t *out);

/* 1 if @name is a name the codec reads and writes: ASCII [A-Za-z_][A-Za-z0-9._-]*,
 * at most PROTO_NAME_MAX bytes, no namespace prefix; 0 otherwise. */
int proto_name_ok(const char *name);

/* Hex helpers for SHA-256 names: 64 lowercase hex digits. */
void proto_hex(char out[65], const uint8_t sha256[32]);
int proto_unhex(uint8_t out[32], const char *hex);

#endif
