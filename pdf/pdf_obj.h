/*
 * pdf_obj.h: the PDF object model of the object layer (ISO 32000-1, 7.3):
 * null, booleans, numbers, strings, names, arrays, dictionaries, indirect
 * references and streams, as a tree of heap nodes.
 *
 * Contracts: every node is owned by exactly one parent (or by the caller);
 * pdf_obj_free() frees a node and everything under it.  Getters return
 * borrowed pointers valid as long as the owner lives.  Nesting is bounded by
 * PDF_OBJ_DEPTH_MAX where objects are parsed, so recursion here is bounded
 * too.  A stream node holds its dictionary and the position of its raw
 * (still encoded) data in the file it was read from, or its own data when
 * built for writing.
 */
#ifndef DINH_PDF_OBJ_H
#define DINH_PDF_OBJ_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define PDF_OBJ_DEPTH_MAX 64          /* nesting of arrays and dictionaries */
#define PDF_OBJ_ITEMS_MAX 100000      /* entries of one array or dictionary */
#define PDF_OBJ_STRING_MAX (4u << 20) /* bytes of one string (decoded) */
#define PDF_OBJ_NAME_MAX 127          /* bytes of one name (ISO 32000 limit) */
#define PDF_OBJ_NUM_MAX 8388607u      /* highest object number (ISO 32000 limit) */
#define PDF_OBJ_GEN_MAX 65535u        /* highest generation number */

enum pdf_type {
	PDF_NULL,
	PDF_BOOL,
	PDF_INT,
	PDF_REAL,
	PDF_STRING,
	PDF_NAME,
	PDF_ARRAY,
	PDF_DICT,
	PDF_REF,
	PDF_STREAM,
};

struct pdf_obj;

struct pdf_ref {
	uint32_t num;
	uint32_t gen;
};

struct pdf_obj {
	enum pdf_type type;
	union {
		int b;
		int64_t i;
		double r;
		struct {
			char *p; /* NUL-terminated; names hold the decoded name */
			size_t len;
			int hex; /* strings: written back as <hex> */
		} s;
		struct {
			struct pdf_obj **v;
			size_t n, cap;
		} a;
		struct {
			char **k;
			struct pdf_obj **v;
			size_t n, cap;
		} d;
		struct pdf_ref ref;
		struct {
			struct pdf_obj *dict;
			size_t off;   /* raw data offset in the source file */
			size_t len;   /* raw data length */
			uint8_t *own; /* data owned by the node (built streams), or NULL */
		} st;
	} u;
};

/* Constructors: NULL when out of memory.  pdf_obj_new_string copies @len
 * bytes, pdf_obj_new_name copies a NUL-terminated name. */
struct pdf_obj *pdf_obj_new(enum pdf_type type);
struct pdf_obj *pdf_obj_new_int(int64_t v);
struct pdf_obj *pdf_obj_new_real(double v);
struct pdf_obj *pdf_obj_new_bool(int v);
struct pdf_obj *pdf_obj_new_ref(uint32_t num, uint32_t gen);
struct pdf_obj *pdf_obj_new_string(const void *p, size_t len);
struct pdf_obj *pdf_obj_new_name(const char *name);
/* A stream of @dict (taken over) with a copy of @data; /Length is set. */
struct pdf_obj *pdf_obj_new_stream(struct pdf_obj *dict, const void *data, size_t len);

void pdf_obj_free(struct pdf_obj *o);

/* Deep copy (stream data included when owned); NULL when out of memory. */
struct pdf_obj *pdf_obj_dup(const struct pdf_obj *o);

/* Appends @item (taken over, freed on failure).  E_TOOBIG over
 * PDF_OBJ_ITEMS_MAX, E_NOMEM. */
int pdf_obj_array_push(struct pdf_obj *arr, struct pdf_obj *item);

/* Sets @key of @dict to @val (taken over, freed on failure), replacing an
 * existing value.  E_TOOBIG, E_NOMEM. */
int pdf_obj_dict_set(struct pdf_obj *dict, const char *key, struct pdf_obj *val);

/* Removes @key if present. */
void pdf_obj_dict_del(struct pdf_obj *dict, const char *key);

/* The value of @key in @dict (a stream's dictionary is looked into), or
 * NULL if absent or @dict is not a dictionary.  Borrowed. */
const struct pdf_obj *pdf_obj_dict_get(const struct pdf_obj *dict, const char *key);

/* 1 if @o is the name @name. */
int pdf_obj_is_name(const struct pdf_obj *o, const char *name);

/* Serialises @o in PDF syntax (a stream as its dictionary only; the writer
 * adds the data).  E_TOOBIG when @b is full. */
int pdf_obj_write(struct buf *b, const struct pdf_obj *o);

#endif
