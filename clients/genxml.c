/*
 * genxml.c: reads the XML input of `dinh pdf gen` into pdf/gen.h structs.
 * libxml2 with no network, no DTD and no entity substitution; a file with
 * a DTD is refused outright.  The format is fixed and shallow (at most four
 * levels), every list is capped by GEN_LIST_MAX / GEN_ROWS_MAX, and every
 * element or attribute not in the format is an error.
 */
#include "config.h"

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stddef.h>
#include <string.h>

#include "clients/genxml.h"
#include "common/err.h"

#ifndef XML_PARSE_NO_XXE
#define XML_PARSE_NO_XXE 0 /* libxml2 < 2.13: no DTD loading/entities anyway */
#endif
#define GENXML_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NO_XXE | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

struct pool {
	GStringChunk *s;
	GPtrArray *a;
};

/* A simple text child: <name>text</name> into the string at @off. */
struct field {
	const char *name;
	size_t off;
};

static const char *const kind_names[] = {"receipt", "slip", "agenda", "minutes", "register"};

int genxml_kind_from_name(enum genxml_kind *out, const char *name)
{
	for (size_t k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
		if (name && strcmp(name, kind_names[k]) == 0) {
			*out = (enum genxml_kind)k;
			return E_OK;
		}
	return err_set(E_INVAL, "no document kind %.32s (receipt, slip, agenda, minutes, register)",
		       name ? name : "");
}

static int is(const xmlNode *n, const char *name)
{
	return strcmp((const char *)n->name, name) == 0;
}

/* A copy of @s in the pool; NULL for NULL or "". */
static const char *keep(struct pool *p, const xmlChar *s)
{
	return s && *s ? g_string_chunk_insert(p->s, (const char *)s) : NULL;
}

static const char *text(struct pool *p, const xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *r = keep(p, t);

	xmlFree(t);
	return r;
}

static const char *attr(struct pool *p, const xmlNode *n, const char *name)
{
	xmlChar *t = xmlGetProp(n, (const xmlChar *)name);
	const char *r = keep(p, t);

	xmlFree(t);
	return r;
}

/* E_XML if @n has an attribute not in @ok (NULL-terminated). */
static int attrs_ok(const xmlNode *n, const char *const *ok)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		size_t i = 0;

		while (ok[i] && strcmp(ok[i], (const char *)a->name) != 0)
			i++;
		if (!ok[i])
			return err_set(E_XML, "attribute %.32s not allowed on <%.32s>",
				       (const char *)a->name, (const char *)n->name);
	}
	return E_OK;
}

/* Children elements of @n named @name, refusing more than @max. */
static int count(size_t *out, const xmlNode *n, const char *name, size_t max)
{
	*out = 0;
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && is(c, name) && ++*out > max)
			return err_set(E_TOOBIG, "more than %zu <%.32s>", max, name);
	return E_OK;
}

static void *array(struct pool *p, size_t n, size_t size)
{
	void *a = g_malloc0_n(n ? n : 1, size);

	g_ptr_array_add(p->a, a);
	return a;
}

/* Sets the field of @fields named like @n; 1 if it was one, 0 if not. */
static int set_field(struct pool *p, void *base, const struct field *fields, const xmlNode *n)
{
	for (size_t i = 0; fields[i].name; i++)
		if (is(n, fields[i].name)) {
			*(const char **)((char *)base + fields[i].off) = text(p, n);
			return 1;
		}
	return 0;
}

static int head(struct pool *p, const xmlNode *n, struct gen_head *h)
{
	static const char *const ok[] = {"parent", "issuer", "number", "place", "date", NULL};
	int rc = attrs_ok(n, ok);

	h->parent = attr(p, n, "parent");
	h->issuer = attr(p, n, "issuer");
	h->number = attr(p, n, "number");
	h->place = attr(p, n, "place");
	h->date = attr(p, n, "date");
	return rc;
}

static int signer(struct pool *p, const xmlNode *n, struct gen_signer *s)
{
	static const char *const ok[] = {"authority", "position", "name", NULL};
	int rc = attrs_ok(n, ok);

	s->authority = attr(p, n, "authority");
	s->position = attr(p, n, "position");
	s->name = attr(p, n, "name");
	return rc;
}

/* A list of text children named @name. */
static int list(struct pool *p, const xmlNode *root, const char *name, struct gen_list *l)
{
	const char **items;
	size_t n;
	int rc = count(&n, root, name, GEN_LIST_MAX);

	if (rc < 0)
		return rc;
	items = array(p, n, sizeof(*items));
	l->items = items;
	l->n = 0;
	for (const xmlNode *c = root->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && is(c, name))
			items[l->n++] = text(p, c);
	return E_OK;
}

/* The elements every document may have besides its own fields. */
static int common(struct pool *p, const xmlNode *c, struct gen_head *h, struct gen_signer *s,
		  int *done)
{
	*done = 1;
	if (is(c, "head"))
		return head(p, c, h);
	if (s && is(c, "signer"))
		return signer(p, c, s);
	*done = 0;
	return E_OK;
}

static int unknown(const xmlNode *c)
{
	return err_set(E_XML, "element <%.32s> not allowed in <%.32s>", (const char *)c->name,
		       (const char *)c->parent->name);
}

static int receipt(struct pool *p, struct gen_receipt *r, const xmlNode *root)
{
#define F(n, m)                                    \
	{                                          \
		n, offsetof(struct gen_receipt, m) \
	}
	static const struct field f[] = {F("code", code),
					 F("status-url", status_url),
					 F("procedure", procedure),
					 F("applicant", applicant),
					 F("address", address),
					 F("phone", phone),
					 F("received", received),
					 F("due", due),
					 F("return-place", return_place),
					 F("receiver", receiver),
					 {NULL, 0}};
#undef F
	static const char *const paper_ok[] = {"copies", NULL};
	struct gen_paper *papers;
	int rc = count(&r->n_papers, root, "paper", GEN_LIST_MAX), done;

	if (rc < 0)
		return rc;
	r->papers = papers = array(p, r->n_papers, sizeof(*papers));
	r->n_papers = 0;
	for (const xmlNode *c = root->children; c && rc == E_OK; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || set_field(p, r, f, c))
			continue;
		if ((rc = common(p, c, &r->head, NULL, &done)) < 0 || done)
			continue;
		if (!is(c, "paper"))
			return unknown(c);
		papers[r->n_papers].name = text(p, c);
		papers[r->n_papers++].copies = attr(p, c, "copies");
		rc = attrs_ok(c, paper_ok);
	}
	return rc;
}

static int slip(struct pool *p, struct gen_control *s, const xmlNode *root)
{
#define F(n, m)                                    \
	{                                          \
		n, offsetof(struct gen_control, m) \
	}
	static const struct field f[] = {F("code", code),
					 F("procedure", procedure),
					 F("applicant", applicant),
					 F("received", received),
					 F("due", due),
					 {NULL, 0}};
#undef F
	static const char *const ok[] = {"from", "to", "time", "timing", NULL};
	struct gen_handover *rows;
	int rc = count(&s->n_rows, root, "handover", GEN_LIST_MAX), done;

	if (rc < 0)
		return rc;
	s->rows = rows = array(p, s->n_rows, sizeof(*rows));
	s->n_rows = 0;
	for (const xmlNode *c = root->children; c && rc == E_OK; c = c->next) {
		struct gen_handover *h = &rows[s->n_rows];
		const char *t;

		if (c->type != XML_ELEMENT_NODE || set_field(p, s, f, c))
			continue;
		if ((rc = common(p, c, &s->head, NULL, &done)) < 0 || done)
			continue;
		if (!is(c, "handover"))
			return unknown(c);
		if ((rc = attrs_ok(c, ok)) < 0)
			break;
		h->from = attr(p, c, "from");
		h->to = attr(p, c, "to");
		h->time = attr(p, c, "time");
		h->result = text(p, c);
		t = attr(p, c, "timing");
		if (!t)
			h->timing = GEN_TIMING_NONE;
		else if (strcmp(t, "on-time") == 0)
			h->timing = GEN_ON_TIME;
		else if (strcmp(t, "late") == 0)
			h->timing = GEN_LATE;
		else
			return err_set(E_XML, "timing %.32s (on-time or late)", t);
		s->n_rows++;
	}
	return rc;
}

static int agenda(struct pool *p, struct gen_meeting *m, const xmlNode *root)
{
#define F(n, mem)                                    \
	{                                            \
		n, offsetof(struct gen_meeting, mem) \
	}
	static const struct field f[] = {F("subject", subject), F("start", start), F("end", end),
					 F("place", place),     F("chair", chair), F("host", host),
					 F("note", note),       {NULL, 0}};
#undef F
	static const char *const ok[] = {"time", "presenter", NULL};
	struct gen_agenda_item *items;
	int rc = count(&m->n_items, root, "item", GEN_LIST_MAX), done;

	if (rc < 0 || (rc = list(p, root, "participant", &m->participants)) < 0 ||
	    (rc = list(p, root, "recipient", &m->recipients)) < 0)
		return rc;
	m->items = items = array(p, m->n_items, sizeof(*items));
	m->n_items = 0;
	for (const xmlNode *c = root->children; c && rc == E_OK; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || set_field(p, m, f, c) || is(c, "participant") ||
		    is(c, "recipient"))
			continue;
		if ((rc = common(p, c, &m->head, &m->signer, &done)) < 0 || done)
			continue;
		if (!is(c, "item"))
			return unknown(c);
		items[m->n_items].time = attr(p, c, "time");
		items[m->n_items].presenter = attr(p, c, "presenter");
		items[m->n_items++].content = text(p, c);
		rc = attrs_ok(c, ok);
	}
	return rc;
}

static int vote(struct pool *p, struct gen_vote *v, const xmlNode *n)
{
	static const char *const ok[] = {"motion", NULL}, *const bok[] = {"choice", NULL};
	struct gen_ballot *b;
	int rc;

	if ((rc = attrs_ok(n, ok)) < 0 ||
	    (rc = count(&v->n_ballots, n, "ballot", GEN_LIST_MAX)) < 0)
		return rc;
	v->motion = attr(p, n, "motion");
	v->ballots = b = array(p, v->n_ballots, sizeof(*b));
	v->n_ballots = 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		const char *ch;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is(c, "ballot"))
			return unknown(c);
		if ((rc = attrs_ok(c, bok)) < 0)
			return rc;
		ch = attr(p, c, "choice");
		b[v->n_ballots].name = text(p, c);
		if (ch && strcmp(ch, "yes") == 0)
			b[v->n_ballots].choice = GEN_YES;
		else if (ch && strcmp(ch, "no") == 0)
			b[v->n_ballots].choice = GEN_NO;
		else if (!ch || strcmp(ch, "none") == 0)
			b[v->n_ballots].choice = GEN_NOVOTE;
		else
			return err_set(E_XML, "choice %.32s (yes, no or none)", ch);
		v->n_ballots++;
	}
	return E_OK;
}

static int minutes_item(struct pool *p, struct gen_minutes_item *it, const xmlNode *n)
{
	static const char *const ok[] = {"title", NULL};
	struct gen_vote *v;
	int rc;

	if ((rc = attrs_ok(n, ok)) < 0 || (rc = count(&it->n_votes, n, "vote", GEN_LIST_MAX)) < 0)
		return rc;
	it->title = attr(p, n, "title");
	it->votes = v = array(p, it->n_votes, sizeof(*v));
	it->n_votes = 0;
	for (const xmlNode *c = n->children; c && rc == E_OK; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is(c, "content"))
			it->content = text(p, c);
		else if (is(c, "conclusion"))
			it->conclusion = text(p, c);
		else if (is(c, "vote"))
			rc = vote(p, &v[it->n_votes++], c);
		else
			return unknown(c);
	}
	return rc;
}

static int attendee(struct pool *p, struct gen_attendee *a, const xmlNode *n)
{
	static const char *const ok[] = {"position", "present", "reason", NULL};
	const char *pr = attr(p, n, "present");

	a->name = text(p, n);
	a->position = attr(p, n, "position");
	a->reason = attr(p, n, "reason");
	if (!pr || strcmp(pr, "yes") == 0)
		a->present = 1;
	else if (strcmp(pr, "no") != 0)
		return err_set(E_XML, "present=%.32s (yes or no)", pr);
	return attrs_ok(n, ok);
}

static int minutes(struct pool *p, struct gen_minutes *m, const xmlNode *root)
{
#define F(n, mem)                                    \
	{                                            \
		n, offsetof(struct gen_minutes, mem) \
	}
	static const struct field f[] = {
		F("subject", subject),       F("start", start), F("end", end),
		F("place", place),           F("chair", chair), F("secretary", secretary),
		F("conclusion", conclusion), {NULL, 0}};
#undef F
	struct gen_minutes_item *items;
	struct gen_attendee *att;
	int rc = count(&m->n_items, root, "item", GEN_LIST_MAX), done;

	if (rc < 0 || (rc = count(&m->n_attendees, root, "attendee", GEN_LIST_MAX)) < 0 ||
	    (rc = list(p, root, "recipient", &m->recipients)) < 0)
		return rc;
	m->items = items = array(p, m->n_items, sizeof(*items));
	m->attendees = att = array(p, m->n_attendees, sizeof(*att));
	m->n_items = m->n_attendees = 0;
	for (const xmlNode *c = root->children; c && rc == E_OK; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || set_field(p, m, f, c) || is(c, "recipient"))
			continue;
		if ((rc = common(p, c, &m->head, &m->signer, &done)) < 0 || done)
			continue;
		if (is(c, "attendee"))
			rc = attendee(p, &att[m->n_attendees++], c);
		else if (is(c, "item"))
			rc = minutes_item(p, &items[m->n_items++], c);
		else
			return unknown(c);
	}
	return rc;
}

/* <register book issuer parent from to><row><cell>..</cell>...</row>... */
static int reg(struct pool *p, struct gen_register *r, const xmlNode *root)
{
	static const char *const ok[] = {"book", "issuer", "parent", "from", "to", NULL};
	const char *book = attr(p, root, "book");
	const char **cells;
	size_t nc, i = 0;
	int rc;

	if ((rc = attrs_ok(root, ok)) < 0 || (rc = gen_book_from_name(&r->book, book)) < 0)
		return rc == E_INVAL ? E_XML : rc;
	r->issuer = attr(p, root, "issuer");
	r->parent = attr(p, root, "parent");
	r->from = attr(p, root, "from");
	r->to = attr(p, root, "to");
	nc = gen_book_columns(r->book);
	if ((rc = count(&r->n_rows, root, "row", GEN_ROWS_MAX)) < 0)
		return rc;
	r->cells = cells = array(p, r->n_rows * nc, sizeof(*cells));
	for (const xmlNode *row = root->children; row; row = row->next) {
		size_t k = 0;

		if (row->type != XML_ELEMENT_NODE)
			continue;
		if (!is(row, "row"))
			return unknown(row);
		for (const xmlNode *c = row->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (!is(c, "cell"))
				return unknown(c);
			if (k == nc)
				return err_set(E_XML, "a row of more than %zu cells", nc);
			cells[i * nc + k++] = text(p, c);
		}
		i++;
	}
	return E_OK;
}

static int parse_kind(struct pool *p, struct genxml *g, const xmlNode *root)
{
	static const char *const none[] = {NULL};

	if (g->kind != GENXML_REGISTER && root->properties)
		return attrs_ok(root, none);
	switch (g->kind) {
	case GENXML_RECEIPT:
		return receipt(p, &g->u.receipt, root);
	case GENXML_SLIP:
		return slip(p, &g->u.slip, root);
	case GENXML_AGENDA:
		return agenda(p, &g->u.agenda, root);
	case GENXML_MINUTES:
		return minutes(p, &g->u.minutes, root);
	case GENXML_REGISTER:
		return reg(p, &g->u.reg, root);
	}
	return err_set(E_INTERNAL, "document kind %d", (int)g->kind);
}

int genxml_parse(struct genxml **out, enum genxml_kind kind, const char *xml, size_t len)
{
	struct genxml *g = NULL;
	struct pool *p;
	xmlDoc *x = NULL;
	xmlNode *root;
	int rc;

	*out = NULL;
	if (len > GENXML_MAX)
		return err_set(E_TOOBIG, "input of %zu bytes (at most %u)", len, GENXML_MAX);
	if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return err_set(E_INVAL, "document kind %d", (int)kind);
	x = xmlReadMemory(xml, (int)len, "input.xml", "UTF-8", GENXML_OPTIONS);
	if (!x || !(root = xmlDocGetRootElement(x)) || x->intSubset) {
		rc = err_set(E_XML, "not well-formed XML, or with a DTD");
		goto out;
	}
	if (!is(root, kind_names[kind])) {
		rc = err_set(E_XML, "root element <%.32s>, expected <%s>", (const char *)root->name,
			     kind_names[kind]);
		goto out;
	}
	g = g_new0(struct genxml, 1);
	g->kind = kind;
	p = g_new0(struct pool, 1);
	p->s = g_string_chunk_new(4096);
	p->a = g_ptr_array_new_with_free_func(g_free);
	g->pool = p;
	rc = parse_kind(p, g, root);
out:
	xmlFreeDoc(x);
	if (rc < 0) {
		genxml_free(g);
		return rc;
	}
	*out = g;
	return E_OK;
}

void genxml_free(struct genxml *g)
{
	struct pool *p;

	if (!g)
		return;
	if ((p = g->pool)) {
		g_string_chunk_free(p->s);
		g_ptr_array_free(p->a, TRUE);
		g_free(p);
	}
	g_free(g);
}

int genxml_render(uint8_t **out, size_t *len, const struct genxml *g)
{
	switch (g->kind) {
	case GENXML_RECEIPT:
		return gen_receipt_pdf(out, len, &g->u.receipt);
	case GENXML_SLIP:
		return gen_control_pdf(out, len, &g->u.slip);
	case GENXML_AGENDA:
		return gen_meeting_pdf(out, len, &g->u.agenda);
	case GENXML_MINUTES:
		return gen_minutes_pdf(out, len, &g->u.minutes);
	case GENXML_REGISTER:
		return gen_register_pdf(out, len, &g->u.reg);
	}
	*out = NULL;
	*len = 0;
	return err_set(E_INTERNAL, "document kind %d", (int)g->kind);
}
