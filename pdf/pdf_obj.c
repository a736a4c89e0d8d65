/*
 * pdf_obj.c: building, copying, freeing and serialising PDF objects; the
 * tree every other module of the object layer passes around.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "pdf/pdf_obj.h"

struct pdf_obj *pdf_obj_new(enum pdf_type type)
{
	struct pdf_obj *o = calloc(1, sizeof(*o));

	if (o)
		o->type = type;
	return o;
}

struct pdf_obj *pdf_obj_new_int(int64_t v)
{
	struct pdf_obj *o = pdf_obj_new(PDF_INT);

	if (o)
		o->u.i = v;
	return o;
}

struct pdf_obj *pdf_obj_new_real(double v)
{
	struct pdf_obj *o = pdf_obj_new(PDF_REAL);

	if (o)
		o->u.r = v;
	return o;
}

struct pdf_obj *pdf_obj_new_bool(int v)
{
	struct pdf_obj *o = pdf_obj_new(PDF_BOOL);

	if (o)
		o->u.b = !!v;
	return o;
}

struct pdf_obj *pdf_obj_new_ref(uint32_t num, uint32_t gen)
{
	struct pdf_obj *o = pdf_obj_new(PDF_REF);

	if (o) {
		o->u.ref.num = num;
		o->u.ref.gen = gen;
	}
	return o;
}

static struct pdf_obj *new_bytes(enum pdf_type type, const void *p, size_t len)
{
	struct pdf_obj *o = pdf_obj_new(type);

	if (!o)
		return NULL;
	o->u.s.p = malloc(len + 1);
	if (!o->u.s.p) {
		free(o);
		return NULL;
	}
	if (len)
		memcpy(o->u.s.p, p, len);
	o->u.s.p[len] = '\0';
	o->u.s.len = len;
	return o;
}

struct pdf_obj *pdf_obj_new_string(const void *p, size_t len)
{
	return new_bytes(PDF_STRING, p, len);
}

struct pdf_obj *pdf_obj_new_name(const char *name)
{
	return new_bytes(PDF_NAME, name, strlen(name));
}

struct pdf_obj *pdf_obj_new_stream(struct pdf_obj *dict, const void *data, size_t len)
{
	struct pdf_obj *o = pdf_obj_new(PDF_STREAM);

	if (!o || !dict || dict->type != PDF_DICT)
		goto fail;
	o->u.st.own = malloc(len ? len : 1);
	if (!o->u.st.own)
		goto fail;
	if (len)
		memcpy(o->u.st.own, data, len);
	o->u.st.len = len;
	o->u.st.dict = dict;
	if (pdf_obj_dict_set(dict, "Length", pdf_obj_new_int((int64_t)len)) < 0) {
		o->u.st.dict = NULL;
		dict = NULL;
		goto fail;
	}
	return o;
fail:
	pdf_obj_free(o);
	pdf_obj_free(dict);
	return NULL;
}

void pdf_obj_free(struct pdf_obj *o)
{
	size_t i;

	if (!o)
		return;
	switch (o->type) {
	case PDF_STRING:
	case PDF_NAME:
		free(o->u.s.p);
		break;
	case PDF_ARRAY:
		for (i = 0; i < o->u.a.n; i++)
			pdf_obj_free(o->u.a.v[i]);
		free(o->u.a.v);
		break;
	case PDF_DICT:
		for (i = 0; i < o->u.d.n; i++) {
			free(o->u.d.k[i]);
			pdf_obj_free(o->u.d.v[i]);
		}
		free(o->u.d.k);
		free(o->u.d.v);
		break;
	case PDF_STREAM:
		pdf_obj_free(o->u.st.dict);
		free(o->u.st.own);
		break;
	default:
		break;
	}
	free(o);
}

static struct pdf_obj *dup_container(const struct pdf_obj *o)
{
	struct pdf_obj *c = pdf_obj_new(o->type);
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; o->type == PDF_ARRAY && i < o->u.a.n; i++)
		if (pdf_obj_array_push(c, pdf_obj_dup(o->u.a.v[i])) < 0)
			goto fail;
	for (i = 0; o->type == PDF_DICT && i < o->u.d.n; i++)
		if (pdf_obj_dict_set(c, o->u.d.k[i], pdf_obj_dup(o->u.d.v[i])) < 0)
			goto fail;
	return c;
fail:
	pdf_obj_free(c);
	return NULL;
}

struct pdf_obj *pdf_obj_dup(const struct pdf_obj *o)
{
	struct pdf_obj *c;

	if (!o)
		return NULL;
	switch (o->type) {
	case PDF_STRING:
	case PDF_NAME:
		c = new_bytes(o->type, o->u.s.p, o->u.s.len);
		if (c)
			c->u.s.hex = o->u.s.hex;
		return c;
	case PDF_ARRAY:
	case PDF_DICT:
		return dup_container(o);
	case PDF_STREAM:
		c = pdf_obj_new(PDF_STREAM);
		if (!c)
			return NULL;
		c->u.st = o->u.st;
		c->u.st.own = NULL;
		c->u.st.dict = pdf_obj_dup(o->u.st.dict);
		if (o->u.st.own) {
			c->u.st.own = malloc(o->u.st.len ? o->u.st.len : 1);
			if (c->u.st.own)
				memcpy(c->u.st.own, o->u.st.own, o->u.st.len);
		}
		if (!c->u.st.dict || (o->u.st.own && !c->u.st.own)) {
			pdf_obj_free(c);
			return NULL;
		}
		return c;
	default:
		c = pdf_obj_new(o->type);
		if (c)
			c->u = o->u;
		return c;
	}
}

/* Grows a vector of pointers of @size bytes each to hold one more. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return E_OK;
	if (n >= PDF_OBJ_ITEMS_MAX)
		return err_set(E_TOOBIG, "more than %u entries in one array or dictionary",
			       PDF_OBJ_ITEMS_MAX);
	ncap = *cap ? *cap * 2 : 8;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return err_set(E_NOMEM, "out of memory");
	*v = nv;
	*cap = ncap;
	return E_OK;
}

int pdf_obj_array_push(struct pdf_obj *arr, struct pdf_obj *item)
{
	int rc;

	if (!item)
		return err_set(E_NOMEM, "out of memory");
	rc = grow((void **)&arr->u.a.v, &arr->u.a.cap, arr->u.a.n, sizeof(*arr->u.a.v));
	if (rc < 0) {
		pdf_obj_free(item);
		return rc;
	}
	arr->u.a.v[arr->u.a.n++] = item;
	return E_OK;
}

int pdf_obj_dict_set(struct pdf_obj *dict, const char *key, struct pdf_obj *val)
{
	size_t i, cap;
	char *k;
	int rc;

	if (!val)
		return err_set(E_NOMEM, "out of memory");
	for (i = 0; i < dict->u.d.n; i++) {
		if (strcmp(dict->u.d.k[i], key) == 0) {
			pdf_obj_free(dict->u.d.v[i]);
			dict->u.d.v[i] = val;
			return E_OK;
		}
	}
	k = strdup(key);
	cap = dict->u.d.cap;
	rc = k ? grow((void **)&dict->u.d.k, &cap, dict->u.d.n, sizeof(char *))
	       : err_set(E_NOMEM, "out of memory");
	if (rc == E_OK)
		rc = grow((void **)&dict->u.d.v, &dict->u.d.cap, dict->u.d.n,
			  sizeof(struct pdf_obj *));
	if (rc == E_OK && cap != dict->u.d.cap)
		rc = err_set(E_INTERNAL, "dictionary vectors out of step");
	if (rc < 0) {
		free(k);
		pdf_obj_free(val);
		return rc;
	}
	dict->u.d.k[dict->u.d.n] = k;
	dict->u.d.v[dict->u.d.n++] = val;
	return E_OK;
}

void pdf_obj_dict_del(struct pdf_obj *dict, const char *key)
{
	size_t i;

	for (i = 0; dict && dict->type == PDF_DICT && i < dict->u.d.n; i++) {
		if (strcmp(dict->u.d.k[i], key) != 0)
			continue;
		free(dict->u.d.k[i]);
		pdf_obj_free(dict->u.d.v[i]);
		dict->u.d.n--;
		memmove(dict->u.d.k + i, dict->u.d.k + i + 1, (dict->u.d.n - i) * sizeof(char *));
		memmove(dict->u.d.v + i, dict->u.d.v + i + 1,
			(dict->u.d.n - i) * sizeof(struct pdf_obj *));
		return;
	}
}

const struct pdf_obj *pdf_obj_dict_get(const struct pdf_obj *dict, const char *key)
{
	size_t i;

	if (dict && dict->type == PDF_STREAM)
		dict = dict->u.st.dict;
	if (!dict || dict->type != PDF_DICT)
		return NULL;
	for (i = 0; i < dict->u.d.n; i++)
		if (strcmp(dict->u.d.k[i], key) == 0)
			return dict->u.d.v[i];
	return NULL;
}

int pdf_obj_is_name(const struct pdf_obj *o, const char *name)
{
	return o && o->type == PDF_NAME && strcmp(o->u.s.p, name) == 0;
}

static int write_name(struct buf *b, const char *p)
{
	int rc = buf_append(b, "/", 1);

	for (; rc == E_OK && *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7f || strchr("()<>[]{}/%#", c))
			rc = buf_printf(b, "#%02X", c);
		else
			rc = buf_append(b, p, 1);
	}
	return rc;
}

static int write_string(struct buf *b, const struct pdf_obj *o)
{
	const unsigned char *p = (const unsigned char *)o->u.s.p;
	size_t i;
	int rc;

	if (o->u.s.hex) {
		rc = buf_append(b, "<", 1);
		for (i = 0; rc == E_OK && i < o->u.s.len; i++)
			rc = buf_printf(b, "%02x", p[i]);
		return rc < 0 ? rc : buf_append(b, ">", 1);
	}
	rc = buf_append(b, "(", 1);
	for (i = 0; rc == E_OK && i < o->u.s.len; i++) {
		if (p[i] == '(' || p[i] == ')' || p[i] == '\\')
			rc = buf_printf(b, "\\%c", p[i]);
		else if (p[i] < ' ' || p[i] >= 0x7f)
			rc = buf_printf(b, "\\%03o", p[i]);
		else
			rc = buf_append(b, p + i, 1);
	}
	return rc < 0 ? rc : buf_append(b, ")", 1);
}

/* A real without an exponent (PDF has none), trailing zeros dropped. */
static int write_real(struct buf *b, double r)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), "%.6f", r);

	if (n <= 0 || (size_t)n >= sizeof(tmp))
		return err_set(E_INVAL, "real number %g cannot be written", r);
	while (n > 1 && tmp[n - 1] == '0')
		n--;
	if (tmp[n - 1] == '.')
		n--;
	return buf_append(b, tmp, (size_t)n);
}

static int write_container(struct buf *b, const struct pdf_obj *o)
{
	size_t i;
	int rc;

	if (o->type == PDF_ARRAY) {
		rc = buf_append(b, "[", 1);
		for (i = 0; rc == E_OK && i < o->u.a.n; i++) {
			if (i)
				rc = buf_append(b, " ", 1);
			if (rc == E_OK)
				rc = pdf_obj_write(b, o->u.a.v[i]);
		}
		return rc < 0 ? rc : buf_append(b, "]", 1);
	}
	rc = buf_append(b, "<<", 2);
	for (i = 0; rc == E_OK && i < o->u.d.n; i++) {
		if (i)
			rc = buf_append(b, " ", 1);
		if (rc == E_OK)
			rc = write_name(b, o->u.d.k[i]);
		if (rc == E_OK)
			rc = buf_append(b, " ", 1);
		if (rc == E_OK)
			rc = pdf_obj_write(b, o->u.d.v[i]);
	}
	return rc < 0 ? rc : buf_append(b, ">>", 2);
}

int pdf_obj_write(struct buf *b, const struct pdf_obj *o)
{
	switch (o->type) {
	case PDF_NULL:
		return buf_append(b, "null", 4);
	case PDF_BOOL:
		return o->u.b ? buf_append(b, "true", 4) : buf_append(b, "false", 5);
	case PDF_INT:
		return buf_printf(b, "%lld", (long long)o->u.i);
	case PDF_REAL:
		return write_real(b, o->u.r);
	case PDF_STRING:
		return write_string(b, o);
	case PDF_NAME:
		return write_name(b, o->u.s.p);
	case PDF_ARRAY:
	case PDF_DICT:
		return write_container(b, o);
	case PDF_REF:
		return buf_printf(b, "%u %u R", o->u.ref.num, o->u.ref.gen);
	case PDF_STREAM:
		return write_container(b, o->u.st.dict);
	}
	return err_set(E_INTERNAL, "unknown object type %d", (int)o->type);
}
