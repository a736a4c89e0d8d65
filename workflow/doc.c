/*
 * doc.c: the document model and its meta.xml form.  libxml2 parses with
 * XML_PARSE_NONET and no DTD or entity loading; writing escapes by hand.
 */
#include "config.h"

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "workflow/doc.h"

int doc_set_str(char **slot, const char *value)
{
	char *v = NULL;

	if (value && *value) {
		v = strdup(value);
		if (!v)
			return err_set(E_NOMEM, "doc string");
	}
	free(*slot);
	*slot = v;
	return E_OK;
}

static void copy_id(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

int doc_new(struct doc **out, const char *id, const char *workflow, const char *state)
{
	struct doc *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return err_set(E_NOMEM, "doc");
	copy_id(d->id, sizeof(d->id), id);
	copy_id(d->workflow, sizeof(d->workflow), workflow);
	copy_id(d->state, sizeof(d->state), state);
	*out = d;
	return E_OK;
}

static void step_free(struct doc_step *s)
{
	free(s->time);
	free(s->actor);
	free(s->actor_name);
	free(s->action);
	free(s->from);
	free(s->to);
	free(s->note);
	free(s->signer_cert);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	free(d->number);
	free(d->code);
	free(d->secret_sha256);
	free(d->lead);
	for (size_t i = 0; i < d->n_coop; i++)
		free(d->coop[i]);
	for (size_t i = 0; i < d->n_fields; i++) {
		free(d->fields[i].name);
		free(d->fields[i].value);
	}
	for (size_t i = 0; i < d->n_files; i++) {
		free(d->files[i].name);
		free(d->files[i].text);
	}
	for (size_t i = 0; i < d->n_steps; i++)
		step_free(&d->steps[i]);
	for (size_t i = 0; i < d->n_comments; i++) {
		free(d->comments[i].name);
		free(d->comments[i].value);
	}
	free(d);
}

const char *doc_field(const struct doc *d, const char *name)
{
	for (size_t i = 0; i < d->n_fields; i++)
		if (strcmp(d->fields[i].name, name) == 0)
			return d->fields[i].value;
	return NULL;
}

int doc_set_field(struct doc *d, const char *name, const char *value)
{
	size_t i;

	if (value && strlen(value) > DOC_VALUE_MAX)
		return err_set(E_TOOBIG, "field %.32s over %d bytes", name, DOC_VALUE_MAX);
	for (i = 0; i < d->n_fields; i++)
		if (strcmp(d->fields[i].name, name) == 0)
			break;
	if (i == d->n_fields) {
		if (!value || !*value)
			return E_OK;
		if (d->n_fields == DOC_FIELDS_MAX)
			return err_set(E_TOOBIG, "more than %d fields", DOC_FIELDS_MAX);
		d->fields[i].name = strdup(name);
		d->fields[i].value = NULL;
		if (!d->fields[i].name)
			return err_set(E_NOMEM, "field");
		d->n_fields++;
	}
	if (!value || !*value) {
		free(d->fields[i].name);
		free(d->fields[i].value);
		d->fields[i] = d->fields[--d->n_fields];
		return E_OK;
	}
	return doc_set_str(&d->fields[i].value, value);
}

static int dup_or_fail(char **slot, const char *v)
{
	*slot = NULL;
	if (!v)
		return E_OK;
	*slot = strdup(v);
	return *slot ? E_OK : err_set(E_NOMEM, "doc");
}

int doc_add_step(struct doc *d, const struct doc_step *st)
{
	struct doc_step *s;
	int rc = E_OK;

	if (d->n_steps == DOC_LIST_MAX)
		return err_set(E_TOOBIG, "more than %d steps", DOC_LIST_MAX);
	s = &d->steps[d->n_steps];
	memset(s, 0, sizeof(*s));
	if (dup_or_fail(&s->time, st->time) < 0 || dup_or_fail(&s->actor, st->actor) < 0 ||
	    dup_or_fail(&s->actor_name, st->actor_name) < 0 ||
	    dup_or_fail(&s->action, st->action) < 0 || dup_or_fail(&s->from, st->from) < 0 ||
	    dup_or_fail(&s->to, st->to) < 0 || dup_or_fail(&s->note, st->note) < 0 ||
	    dup_or_fail(&s->signer_cert, st->signer_cert) < 0) {
		step_free(s);
		memset(s, 0, sizeof(*s));
		return E_NOMEM;
	}
	d->n_steps++;
	return rc;
}

int doc_add_file(struct doc *d, const char *sha256, const char *name)
{
	if (d->n_files == DOC_LIST_MAX)
		return err_set(E_TOOBIG, "more than %d files", DOC_LIST_MAX);
	if (strlen(sha256) != 64 || strspn(sha256, "0123456789abcdef") != 64)
		return err_set(E_INVAL, "file sha256 is not 64 lowercase hex digits");
	memcpy(d->files[d->n_files].sha256, sha256, 65);
	if (dup_or_fail(&d->files[d->n_files].name, name ? name : "") < 0)
		return E_NOMEM;
	d->n_files++;
	return E_OK;
}

int doc_set_file_text(struct doc *d, size_t i, const char *text)
{
	size_t n = strlen(text);
	gchar *valid;
	char *p;

	if (i >= d->n_files)
		return err_set(E_INVAL, "no file %zu", i);
	if (n > DOC_FILE_TEXT_MAX) {
		n = DOC_FILE_TEXT_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--; /* not inside a character */
	}
	valid = g_utf8_make_valid(text, (gssize)n);
	for (p = valid; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			*p = ' '; /* XML 1.0 allows no other control character */
	free(d->files[i].text);
	d->files[i].text = *valid ? strdup(valid) : NULL;
	g_free(valid);
	return !*text || d->files[i].text ? E_OK : err_set(E_NOMEM, "file text");
}

int doc_add_comment(struct doc *d, const char *who, const char *text)
{
	struct doc_kv *c;

	if (d->n_comments == DOC_LIST_MAX)
		return err_set(E_TOOBIG, "more than %d comments", DOC_LIST_MAX);
	if (strlen(text) > DOC_VALUE_MAX)
		return err_set(E_TOOBIG, "comment over %d bytes", DOC_VALUE_MAX);
	c = &d->comments[d->n_comments];
	if (dup_or_fail(&c->name, who) < 0 || dup_or_fail(&c->value, text) < 0) {
		free(c->name);
		return E_NOMEM;
	}
	d->n_comments++;
	return E_OK;
}

int doc_id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n < DOC_ID_MAX && strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int doc_path(const char *id, char *out, size_t size)
{
	char year[5], reg[16];
	const char *p = id, *q;
	unsigned long seq;
	char *end;

	if (!doc_id_ok(id))
		return err_set(E_INVAL, "document id \"%.48s\" is not valid", id);
	q = strchr(p, '-');
	if (!q || q - p != 4)
		return err_set(E_INVAL, "document id \"%.48s\" has no year", id);
	memcpy(year, p, 4);
	year[4] = '\0';
	p = q + 1;
	q = strchr(p, '-');
	if (!q || q == p || (size_t)(q - p) >= sizeof(reg))
		return err_set(E_INVAL, "document id \"%.48s\" has no register", id);
	memcpy(reg, p, (size_t)(q - p));
	reg[q - p] = '\0';
	seq = strtoul(q + 1, &end, 10);
	if (*end || end == q + 1)
		return err_set(E_INVAL, "document id \"%.48s\" has no sequence", id);
	snprintf(out, size, "docs/%s/%s/%02lu/%02lu/%s/meta.xml", year, reg, (seq / 10000) % 100,
		 (seq / 100) % 100, id);
	return E_OK;
}

/* Appends @s with the five XML specials escaped. */
static int esc(struct buf *b, const char *s)
{
	int rc = E_OK;

	for (; s && *s && rc == E_OK; s++) {
		switch (*s) {
		case '<':
			rc = buf_append(b, "&lt;", 4);
			break;
		case '>':
			rc = buf_append(b, "&gt;", 4);
			break;
		case '&':
			rc = buf_append(b, "&amp;", 5);
			break;
		case '"':
			rc = buf_append(b, "&quot;", 6);
			break;
		case '\r':
			rc = buf_append(b, "&#13;", 5);
			break;
		default:
			rc = buf_append(b, s, 1);
		}
	}
	return rc;
}

static int el(struct buf *b, const char *indent, const char *name, const char *text)
{
	if (!text || !*text)
		return E_OK;
	if (buf_printf(b, "%s<%s>", indent, name) < 0 || esc(b, text) < 0 ||
	    buf_printf(b, "</%s>\n", name) < 0)
		return E_TOOBIG;
	return E_OK;
}

static int attr(struct buf *b, const char *name, const char *v)
{
	if (!v)
		return E_OK;
	if (buf_printf(b, " %s=\"", name) < 0 || esc(b, v) < 0 || buf_append(b, "\"", 1) < 0)
		return E_TOOBIG;
	return E_OK;
}

int doc_to_xml(const struct doc *d, char **out, size_t *len)
{
	struct buf b;
	int rc = E_TOOBIG;

	*out = NULL;
	*len = 0;
	buf_init(&b, DOC_XML_MAX);
	if (buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document") < 0 ||
	    attr(&b, "id", d->id) < 0 || attr(&b, "workflow", d->workflow) < 0 ||
	    attr(&b, "state", d->state) < 0 ||
	    attr(&b, "recalled", d->recalled ? "true" : NULL) < 0 || buf_append(&b, ">\n", 2) < 0)
		goto out;
	if (el(&b, "  ", "Number", d->number) < 0 || el(&b, "  ", "Code", d->code) < 0 ||
	    el(&b, "  ", "SecretSha256", d->secret_sha256) < 0 ||
	    el(&b, "  ", "Created", d->created) < 0 || el(&b, "  ", "DueDate", d->due) < 0 ||
	    el(&b, "  ", "PausedSince", d->paused) < 0)
		goto out;
	if (d->n_fields) {
		if (buf_printf(&b, "  <Fields>\n") < 0)
			goto out;
		for (size_t i = 0; i < d->n_fields; i++)
			if (el(&b, "    ", d->fields[i].name, d->fields[i].value) < 0)
				goto out;
		if (buf_printf(&b, "  </Fields>\n") < 0)
			goto out;
	}
	if (d->lead || d->n_coop) {
		if (buf_printf(&b, "  <Handlers>\n") < 0 || el(&b, "    ", "Lead", d->lead) < 0)
			goto out;
		for (size_t i = 0; i < d->n_coop; i++)
			if (el(&b, "    ", "Cooperate", d->coop[i]) < 0)
				goto out;
		if (buf_printf(&b, "  </Handlers>\n") < 0)
			goto out;
	}
	for (size_t i = 0; i < d->n_files; i++)
		if (buf_printf(&b, "  <File sha256=\"%s\"", d->files[i].sha256) < 0 ||
		    attr(&b, "name", d->files[i].name) < 0 ||
		    (d->files[i].text
			     ? buf_append(&b, ">", 1) < 0 || esc(&b, d->files[i].text) < 0 ||
				       buf_printf(&b, "</File>\n") < 0
			     : buf_printf(&b, "/>\n") < 0))
			goto out;
	for (size_t i = 0; i < d->n_comments; i++)
		if (buf_printf(&b, "  <Comment") < 0 || attr(&b, "by", d->comments[i].name) < 0 ||
		    buf_append(&b, ">", 1) < 0 || esc(&b, d->comments[i].value) < 0 ||
		    buf_printf(&b, "</Comment>\n") < 0)
			goto out;
	for (size_t i = 0; i < d->n_steps; i++) {
		const struct doc_step *s = &d->steps[i];

		if (buf_printf(&b, "  <Step") < 0 || attr(&b, "time", s->time) < 0 ||
		    attr(&b, "actor", s->actor) < 0 || attr(&b, "actor-name", s->actor_name) < 0 ||
		    attr(&b, "action", s->action) < 0 || attr(&b, "from", s->from) < 0 ||
		    attr(&b, "to", s->to) < 0 ||
		    (s->signer_cert && attr(&b, "signer-certificate", s->signer_cert) < 0) ||
		    buf_append(&b, ">", 1) < 0 || esc(&b, s->note) < 0 ||
		    buf_printf(&b, "</Step>\n") < 0)
			goto out;
	}
	if (buf_printf(&b, "</Document>\n") < 0)
		goto out;
	*len = b.len;
	*out = (char *)b.data;
	return E_OK;
out:
	buf_free(&b);
	return err_set(rc, "document %s over %d bytes", d->id, DOC_XML_MAX);
}

static const char *prop(xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

/* Text content of an element (borrowed from a temporary; caller frees). */
static char *text_of(xmlNode *n)
{
	return (char *)xmlNodeGetContent(n);
}

static int parse_child(struct doc *d, xmlNode *c)
{
	const char *name = (const char *)c->name;
	char *t = text_of(c);
	int rc = E_OK;

	if (!t)
		return err_set(E_NOMEM, "doc text");
	if (strcmp(name, "Number") == 0)
		rc = doc_set_str(&d->number, t);
	else if (strcmp(name, "Code") == 0)
		rc = doc_set_str(&d->code, t);
	else if (strcmp(name, "SecretSha256") == 0)
		rc = doc_set_str(&d->secret_sha256, t);
	else if (strcmp(name, "Created") == 0)
		copy_id(d->created, sizeof(d->created), t);
	else if (strcmp(name, "DueDate") == 0)
		copy_id(d->due, sizeof(d->due), t);
	else if (strcmp(name, "PausedSince") == 0)
		copy_id(d->paused, sizeof(d->paused), t);
	else if (strcmp(name, "Fields") == 0) {
		for (xmlNode *f = c->children; f && rc == E_OK; f = f->next) {
			char *v;

			if (f->type != XML_ELEMENT_NODE)
				continue;
			v = text_of(f);
			rc = v ? doc_set_field(d, (const char *)f->name, v) : E_NOMEM;
			xmlFree(v);
		}
	} else if (strcmp(name, "Handlers") == 0) {
		for (xmlNode *f = c->children; f && rc == E_OK; f = f->next) {
			char *v;

			if (f->type != XML_ELEMENT_NODE)
				continue;
			v = text_of(f);
			if (!v)
				rc = E_NOMEM;
			else if (strcmp((const char *)f->name, "Lead") == 0)
				rc = doc_set_str(&d->lead, v);
			else if (d->n_coop == DOC_LIST_MAX)
				rc = err_set(E_TOOBIG, "too many handlers");
			else if (!(d->coop[d->n_coop++] = strdup(v)))
				rc = E_NOMEM;
			xmlFree(v);
		}
	} else if (strcmp(name, "File") == 0) {
		const char *sha = prop(c, "sha256");

		rc = sha ? doc_add_file(d, sha, prop(c, "name"))
			 : err_set(E_XML, "File without sha256");
		if (rc == E_OK && *t)
			rc = doc_set_file_text(d, d->n_files - 1, t);
	} else if (strcmp(name, "Comment") == 0) {
		rc = doc_add_comment(d, prop(c, "by") ? prop(c, "by") : "", t);
	} else if (strcmp(name, "Step") == 0) {
		struct doc_step s = {(char *)prop(c, "time"),
				     (char *)prop(c, "actor"),
				     (char *)prop(c, "actor-name"),
				     (char *)prop(c, "action"),
				     (char *)prop(c, "from"),
				     (char *)prop(c, "to"),
				     *t ? t : NULL,
				     (char *)prop(c, "signer-certificate")};
		rc = doc_add_step(d, &s);
	} else {
		rc = err_set(E_XML, "unknown element %.32s in a document", name);
	}
	xmlFree(t);
	return rc;
}

int doc_from_xml(struct doc **out, const char *xml, size_t len)
{
	xmlDoc *x = NULL;
	xmlNode *root;
	struct doc *d = NULL;
	int rc;

	*out = NULL;
	if (len > DOC_XML_MAX)
		return err_set(E_TOOBIG, "document of %zu bytes", len);
	x = xmlReadMemory(xml, (int)len, "meta.xml", "UTF-8",
			  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!x || !(root = xmlDocGetRootElement(x)) ||
	    strcmp((const char *)root->name, "Document") != 0 || x->intSubset) {
		rc = err_set(E_XML, "not a dinh document");
		goto out;
	}
	rc = doc_new(&d, prop(root, "id"), prop(root, "workflow"), prop(root, "state"));
	if (rc < 0)
		goto out;
	d->recalled = prop(root, "recalled") && strcmp(prop(root, "recalled"), "true") == 0;
	for (xmlNode *c = root->children; c && rc == E_OK; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			rc = parse_child(d, c);
	if (rc == E_OK && (!doc_id_ok(d->id) || !d->workflow[0] || !d->state[0]))
		rc = err_set(E_XML, "document without id, workflow or state");
out:
	xmlFreeDoc(x);
	if (rc < 0) {
		doc_free(d);
		return rc;
	}
	*out = d;
	return E_OK;
}
