/*
 * def.c: loads workflow definitions and the procedure catalogue from XML
 * (the embedded defaults, then a directory of overrides), validates them
 * against the RELAX NG schema workflow/workflow.rng and checks their meaning.
 * The only libxml2 user of workflow/; no network, no DTD, no entities.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/roles.h"
#include "workflow/def.h"
#include "workflow/def_embed.h"

#ifndef XML_PARSE_NO_XXE
#define XML_PARSE_NO_XXE 0 /* libxml2 < 2.13: no DTD loading/entities anyway */
#endif

/* No network, no entity substitution (no XML_PARSE_NOENT), no DTD loading,
 * errors collected by us rather than printed. */
#define DEF_XML_OPTIONS                                                                 \
	(XML_PARSE_NONET | XML_PARSE_NO_XXE | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
	 XML_PARSE_BIG_LINES)

#define DEF_NS "urn:dinh:workflow:1"
#define DEF_WORKFLOWS_MAX 64   /* workflows of one set */
#define DEF_PROCEDURES_MAX 256 /* procedures of the catalogue */
#define DEF_PAPERS_MAX 32      /* papers of one procedure */
#define DEF_MSG_MAX 200        /* bytes of a libxml2 message we keep */

struct def_set {
	struct def_workflow *wf[DEF_WORKFLOWS_MAX];
	size_t n_wf;
	struct def_procedure *proc; /* the catalogue */
	size_t n_proc;
};

/* The first error libxml2 reports while parsing or validating. */
struct xml_err {
	int line;
	int refused; /* a DOCTYPE was seen */
	char msg[DEF_MSG_MAX];
};

static void keep_error(struct xml_err *xe, const xmlError *e)
{
	size_t n;

	if (!e || xe->msg[0] || e->level < XML_ERR_ERROR)
		return;
	xe->line = e->line;
	snprintf(xe->msg, sizeof(xe->msg), "%s", e->message ? e->message : "XML error");
	n = strlen(xe->msg);
	while (n > 0 && (xe->msg[n - 1] == '\n' || xe->msg[n - 1] == ' '))
		xe->msg[--n] = '\0';
}

static void parse_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = ctx;

	if (ctxt && ctxt->_private)
		keep_error(ctxt->_private, e);
}

static void rng_error(void *ctx, xmlErrorPtr e)
{
	keep_error(ctx, e);
}

/* A DOCTYPE (internal or external subset) stops the parser: no DTD, hence no
 * entity declarations, no billion laughs, no XXE. */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
			   const xmlChar *sys_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xml_err *xe = ctxt->_private;

	if (!xe->refused) {
		xe->refused = 1;
		xe->line = xmlSAX2GetLineNumber(ctx);
	}
	xmlStopParser(ctxt);
}

/* Parses @xml into *doc; E_CONFIG "NAME:LINE: reason" otherwise. */
static int parse_xml(xmlDocPtr *doc, const char *name, const char *xml, size_t len)
{
	struct xml_err xe;
	xmlParserCtxtPtr ctxt;
	int rc = E_OK;

	*doc = NULL;
	memset(&xe, 0, sizeof(xe));
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return err_set(E_NOMEM, "XML parser context");
	ctxt->_private = &xe;
	ctxt->sax->internalSubset = refuse_doctype;
	ctxt->sax->externalSubset = refuse_doctype;
	ctxt->sax->serror = parse_error;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	*doc = xmlCtxtReadMemory(ctxt, xml, (int)len, name, "UTF-8", DEF_XML_OPTIONS);
	if (xe.refused) {
		rc = err_set(E_CONFIG, "%s:%d: DOCTYPE not allowed", name, xe.line);
	} else if (!*doc || !ctxt->wellFormed || !ctxt->nsWellFormed) {
		rc = err_set(E_CONFIG, "%s:%d: %s", name, xe.line,
			     xe.msg[0] ? xe.msg : "not well-formed XML");
	} else if ((*doc)->intSubset || (*doc)->extSubset) {
		rc = err_set(E_CONFIG, "%s:1: DOCTYPE not allowed", name);
	}
	if (rc < 0 && *doc) {
		xmlFreeDoc(*doc);
		*doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* Validates @doc against the embedded schema. */
static int validate(xmlDocPtr doc, const char *name)
{
	xmlRelaxNGParserCtxtPtr pctxt = NULL;
	xmlRelaxNGValidCtxtPtr vctxt = NULL;
	xmlRelaxNGPtr schema = NULL;
	const struct def_embedded *rng = NULL;
	struct xml_err xe;
	int rc = E_OK;

	memset(&xe, 0, sizeof(xe));
	for (size_t i = 0; i < def_n_embedded; i++)
		if (!strcmp(def_embedded[i].name, "workflow.rng"))
			rng = &def_embedded[i];
	if (!rng)
		return err_set(E_INTERNAL, "workflow.rng is not embedded");
	pctxt = xmlRelaxNGNewMemParserCtxt((const char *)rng->data, (int)rng->len);
	if (!pctxt) {
		rc = err_set(E_NOMEM, "RELAX NG parser context");
		goto out;
	}
	xmlRelaxNGSetParserStructuredErrors(pctxt, rng_error, &xe);
	schema = xmlRelaxNGParse(pctxt);
	if (!schema) {
		rc = err_set(E_INTERNAL, "workflow.rng:%d: %s", xe.line, xe.msg);
		goto out;
	}
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	if (!vctxt) {
		rc = err_set(E_NOMEM, "RELAX NG validation context");
		goto out;
	}
	xmlRelaxNGSetValidStructuredErrors(vctxt, rng_error, &xe);
	if (xmlRelaxNGValidateDoc(vctxt, doc) != 0)
		rc = err_set(E_CONFIG, "%s:%d: %s", name, xe.line,
			     xe.msg[0] ? xe.msg : "does not match workflow.rng");
out:
	if (vctxt)
		xmlRelaxNGFreeValidCtxt(vctxt);
	if (schema)
		xmlRelaxNGFree(schema);
	if (pctxt)
		xmlRelaxNGFreeParserCtxt(pctxt);
	return rc;
}

/* ---- from the tree to the structs ---- */

/* The context of one file: its name for messages. */
struct conv {
	const char *name;
};

static int bad(const struct conv *cv, xmlNodePtr n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* E_CONFIG "NAME:LINE: reason" for the element @n. */
static int bad(const struct conv *cv, xmlNodePtr n, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err_set(E_CONFIG, "%s:%ld: %s", cv->name, n ? xmlGetLineNo(n) : 0L, why);
}

static int is_elem(xmlNodePtr n, const char *local)
{
	return n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, DEF_NS) &&
	       !strcmp((const char *)n->name, local);
}

/* The attribute @key of @n, borrowed from the tree, or NULL. */
static const char *attr(xmlNodePtr n, const char *key)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (!a->ns && !strcmp((const char *)a->name, key) && a->children &&
		    a->children->type == XML_TEXT_NODE && !a->children->next)
			return (const char *)a->children->content;
	return NULL;
}

static int attr_true(xmlNodePtr n, const char *key)
{
	const char *v = attr(n, key);

	return v && !strcmp(v, "true");
}

static int copy_id(const struct conv *cv, xmlNodePtr n, const char *key, char out[DEF_ID_MAX])
{
	const char *v = attr(n, key);

	if (!v || !*v)
		return bad(cv, n, "attribute %s missing", key);
	if (strlen(v) >= DEF_ID_MAX)
		return bad(cv, n, "%s \"%.40s\" is longer than %d bytes", key, v, DEF_ID_MAX - 1);
	memcpy(out, v, strlen(v) + 1);
	return E_OK;
}

static int copy_text(const struct conv *cv, xmlNodePtr n, const char *key, char **out)
{
	const char *v = attr(n, key);

	if (!v || !*v)
		return bad(cv, n, "attribute %s missing", key);
	*out = strdup(v);
	if (!*out)
		return err_set(E_NOMEM, "definition text");
	return E_OK;
}

static int parse_roles(const struct conv *cv, xmlNodePtr n, const char *key, unsigned *out)
{
	const char *v = attr(n, key);

	*out = 0;
	if (!v)
		return E_OK;
	if (roles_parse(v, out) < 0)
		return bad(cv, n, "%s \"%.60s\": unknown role", key, v);
	return E_OK;
}

/* A decimal number of at most @max. */
static int parse_num(const struct conv *cv, xmlNodePtr n, const char *key, unsigned long max,
		     unsigned long *out)
{
	const char *v = attr(n, key);
	unsigned long x = 0;

	if (!v || !*v)
		return bad(cv, n, "attribute %s missing", key);
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || x > (max - (unsigned long)(*p - '0')) / 10)
			return bad(cv, n, "%s \"%.20s\" is not a number up to %lu", key, v, max);
		x = x * 10 + (unsigned long)(*p - '0');
	}
	*out = x;
	return E_OK;
}

/* Adds the field of element @n to @fields (unique). */
static int add_field(const struct conv *cv, xmlNodePtr n, char fields[][DEF_ID_MAX], size_t *nf)
{
	char id[DEF_ID_MAX];
	int rc = copy_id(cv, n, "name", id);

	if (rc < 0)
		return rc;
	if (*nf >= DEF_FIELDS_MAX)
		return bad(cv, n, "more than %d fields", DEF_FIELDS_MAX);
	for (size_t i = 0; i < *nf; i++)
		if (!strcmp(fields[i], id))
			return bad(cv, n, "field \"%s\" given twice", id);
	memcpy(fields[(*nf)++], id, sizeof(id));
	return E_OK;
}

static void workflow_free(struct def_workflow *wf)
{
	if (!wf)
		return;
	free(wf->name);
	for (size_t i = 0; i < wf->n_states; i++)
		free(wf->states[i].name);
	for (size_t i = 0; i < wf->n_trans; i++)
		free(wf->trans[i].name);
	free(wf);
}

static int conv_state(const struct conv *cv, xmlNodePtr n, struct def_workflow *wf)
{
	struct def_state *s;
	int rc;

	if (wf->n_states >= DEF_STATES_MAX)
		return bad(cv, n, "more than %d states", DEF_STATES_MAX);
	s = &wf->states[wf->n_states];
	rc = copy_id(cv, n, "id", s->id);
	if (rc < 0)
		return rc;
	if (def_state_index(wf, s->id) >= 0)
		return bad(cv, n, "state \"%s\" defined twice", s->id);
	rc = copy_text(cv, n, "name", &s->name);
	if (rc < 0)
		return rc;
	wf->n_states++; /* owns the name now */
	s->initial = attr_true(n, "initial");
	s->final = attr_true(n, "final");
	s->resolved = s->final || attr_true(n, "resolved");
	if (s->initial && s->final)
		return bad(cv, n, "state \"%s\" is both initial and final", s->id);
	return E_OK;
}

static int conv_transition(const struct conv *cv, xmlNodePtr n, struct def_workflow *wf)
{
	struct def_transition *t;
	char from[DEF_ID_MAX], to[DEF_ID_MAX];
	const char *v;
	int rc, i;

	if (wf->n_trans >= DEF_TRANS_MAX)
		return bad(cv, n, "more than %d transitions", DEF_TRANS_MAX);
	t = &wf->trans[wf->n_trans];
	rc = copy_id(cv, n, "id", t->id);
	if (rc == E_OK)
		rc = copy_id(cv, n, "from", from);
	if (rc == E_OK)
		rc = copy_id(cv, n, "to", to);
	if (rc < 0)
		return rc;
	if ((i = def_state_index(wf, from)) < 0)
		return bad(cv, n, "transition \"%s\" from unknown state \"%s\"", t->id, from);
	t->from = (unsigned)i;
	if ((i = def_state_index(wf, to)) < 0)
		return bad(cv, n, "transition \"%s\" to unknown state \"%s\"", t->id, to);
	t->to = (unsigned)i;
	if (wf->states[t->from].final)
		return bad(cv, n, "transition \"%s\" leaves the final state \"%s\"", t->id, from);
	if (def_transition(wf, from, t->id))
		return bad(cv, n, "transition \"%s\" from \"%s\" defined twice", t->id, from);
	rc = parse_roles(cv, n, "roles", &t->roles);
	if (rc < 0)
		return rc;
	if (!t->roles)
		return bad(cv, n, "transition \"%s\" has no roles", t->id);
	rc = copy_text(cv, n, "name", &t->name);
	if (rc < 0)
		return rc;
	wf->n_trans++; /* owns the name now */
	t->lead_only = attr_true(n, "lead-only");
	t->needs_signed_pdf = attr_true(n, "signed-pdf");
	t->number = attr_true(n, "number");
	v = attr(n, "due-days");
	if (v && !strcmp(v, "procedure")) {
		t->sets_due = 1;
		t->due_procedure = 1;
	} else if (v) {
		unsigned long d;

		rc = parse_num(cv, n, "due-days", 3650, &d);
		if (rc < 0)
			return rc;
		t->sets_due = 1;
		t->due_days = (unsigned)d;
	}
	v = attr(n, "clock");
	t->clock = !v ? DEF_CLOCK_NONE : !strcmp(v, "stop") ? DEF_CLOCK_STOP : DEF_CLOCK_RESUME;
	if (v && strcmp(v, "stop") && strcmp(v, "resume"))
		return bad(cv, n, "clock \"%.20s\" is neither stop nor resume", v);
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (is_elem(c, "field") && (rc = add_field(cv, c, t->fields, &t->n_fields)) < 0)
			return rc;
	return E_OK;
}

static int conv_workflow(struct def_workflow **out, const struct conv *cv, xmlNodePtr root)
{
	struct def_workflow *wf = calloc(1, sizeof(*wf));
	size_t initial = 0;
	const char *kind;
	int rc;

	*out = NULL;
	if (!wf)
		return err_set(E_NOMEM, "workflow");
	rc = copy_id(cv, root, "id", wf->id);
	if (rc == E_OK)
		rc = copy_id(cv, root, "register", wf->reg);
	if (rc == E_OK)
		rc = parse_roles(cv, root, "create-roles", &wf->create_roles);
	if (rc == E_OK)
		rc = parse_roles(cv, root, "recall-roles", &wf->recall_roles);
	if (rc == E_OK)
		rc = copy_text(cv, root, "name", &wf->name);
	if (rc < 0)
		goto out;
	kind = attr(root, "kind");
	wf->kind = kind && !strcmp(kind, "dossier") ? DEF_KIND_DOSSIER : DEF_KIND_DOCUMENT;
	/* States first, so that transitions can name any of them. */
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (is_elem(c, "create-field"))
			rc = add_field(cv, c, wf->create_fields, &wf->n_create_fields);
		else if (is_elem(c, "state"))
			rc = conv_state(cv, c, wf);
		if (rc < 0)
			goto out;
	}
	for (size_t i = 0; i < wf->n_states; i++)
		initial += wf->states[i].initial != 0;
	if (initial != 1) {
		rc = bad(cv, root, "workflow \"%s\" has %zu initial states, not one", wf->id,
			 initial);
		goto out;
	}
	for (xmlNodePtr c = root->children; c; c = c->next)
		if (is_elem(c, "transition") && (rc = conv_transition(cv, c, wf)) < 0)
			goto out;
	*out = wf;
	wf = NULL;
out:
	workflow_free(wf);
	return rc;
}

static void procedures_free(struct def_procedure *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		for (char **q = p[i].papers; q && *q; q++)
			free(*q);
		free(p[i].papers);
	}
	free(p);
}

/* The trimmed text of element @n, malloc'd. */
static int text_of(const struct conv *cv, xmlNodePtr n, char **out)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = (const char *)t;
	size_t len;

	*out = NULL;
	if (!t)
		return err_set(E_NOMEM, "paper text");
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
		       s[len - 1] == '\r'))
		len--;
	if (len)
		*out = strndup(s, len);
	xmlFree(t);
	if (!len)
		return bad(cv, n, "empty paper");
	return *out ? E_OK : err_set(E_NOMEM, "paper text");
}

static int conv_procedure(const struct conv *cv, xmlNodePtr n, struct def_procedure *p)
{
	unsigned long v;
	size_t np = 0;
	int rc;

	rc = copy_id(cv, n, "id", p->id);
	if (rc == E_OK)
		rc = parse_num(cv, n, "days", 3650, &v);
	if (rc < 0)
		return rc;
	p->days = (unsigned)v;
	rc = parse_num(cv, n, "fee", ULONG_MAX, &p->fee);
	if (rc == E_OK)
		rc = copy_text(cv, n, "name", &p->name);
	if (rc < 0)
		return rc;
	p->papers = calloc(DEF_PAPERS_MAX + 1, sizeof(*p->papers));
	if (!p->papers)
		return err_set(E_NOMEM, "papers");
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (!is_elem(c, "paper"))
			continue;
		if (np >= DEF_PAPERS_MAX)
			return bad(cv, c, "more than %d papers", DEF_PAPERS_MAX);
		rc = text_of(cv, c, &p->papers[np]);
		if (rc < 0)
			return rc;
		np++;
	}
	return E_OK;
}

static int conv_procedures(struct def_procedure **out, size_t *n_out, const struct conv *cv,
			   xmlNodePtr root)
{
	struct def_procedure *p = NULL;
	size_t n = 0;
	int rc = E_OK;

	*out = NULL;
	*n_out = 0;
	for (xmlNodePtr c = root->children; c; c = c->next)
		n += is_elem(c, "procedure");
	if (n > DEF_PROCEDURES_MAX)
		return bad(cv, root, "more than %d procedures", DEF_PROCEDURES_MAX);
	p = calloc(n ? n : 1, sizeof(*p));
	if (!p)
		return err_set(E_NOMEM, "procedures");
	n = 0;
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (!is_elem(c, "procedure"))
			continue;
		rc = conv_procedure(cv, c, &p[n++]);
		if (rc < 0)
			goto out;
		for (size_t i = 0; i + 1 < n; i++)
			if (!strcmp(p[i].id, p[n - 1].id)) {
				rc = bad(cv, c, "procedure \"%s\" defined twice", p[i].id);
				goto out;
			}
	}
	*out = p;
	*n_out = n;
	p = NULL;
out:
	if (p)
		procedures_free(p, n);
	return rc;
}

/* ---- the set ---- */

int def_set_new(struct def_set **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return err_set(E_NOMEM, "definition set");
	xmlInitParser();
	return E_OK;
}

void def_set_free(struct def_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n_wf; i++)
		workflow_free(set->wf[i]);
	procedures_free(set->proc, set->n_proc);
	free(set);
}

/* Puts @wf into @set, replacing the workflow of the same id. */
static int set_put(struct def_set *set, const struct conv *cv, xmlNodePtr root,
		   struct def_workflow *wf)
{
	for (size_t i = 0; i < set->n_wf; i++)
		if (!strcmp(set->wf[i]->id, wf->id)) {
			workflow_free(set->wf[i]);
			set->wf[i] = wf;
			return E_OK;
		}
	if (set->n_wf >= DEF_WORKFLOWS_MAX) {
		workflow_free(wf);
		return bad(cv, root, "more than %d workflows", DEF_WORKFLOWS_MAX);
	}
	set->wf[set->n_wf++] = wf;
	return E_OK;
}

int def_parse(struct def_set *set, const char *name, const char *xml, size_t len)
{
	struct conv cv = {name ? name : "(definition)"};
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int rc;

	if (len > DEF_FILE_MAX)
		return err_set(E_CONFIG, "%s: %zu bytes is more than the %d allowed", cv.name, len,
			       DEF_FILE_MAX);
	if (len == 0)
		return err_set(E_CONFIG, "%s: empty file", cv.name);
	rc = parse_xml(&doc, cv.name, xml, len);
	if (rc < 0)
		return rc;
	rc = validate(doc, cv.name);
	if (rc < 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (root && is_elem(root, "workflow")) {
		struct def_workflow *wf;

		rc = conv_workflow(&wf, &cv, root);
		if (rc == E_OK)
			rc = set_put(set, &cv, root, wf);
	} else if (root && is_elem(root, "procedures")) {
		struct def_procedure *p;
		size_t n;

		rc = conv_procedures(&p, &n, &cv, root);
		if (rc == E_OK) {
			procedures_free(set->proc, set->n_proc);
			set->proc = p;
			set->n_proc = n;
		}
	} else {
		rc = bad(&cv, root, "neither <workflow> nor <procedures>");
	}
out:
	xmlFreeDoc(doc);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses every *.xml of @dir in name order into @set. */
static int load_dir(struct def_set *set, const char *dir)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d = opendir(dir);
	int rc = E_OK;

	if (!d) {
		if (errno == ENOENT)
			return E_OK; /* no overrides */
		return err_set(E_CONFIG, "%s: %s", dir, strerror(errno));
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l < 5 || strcmp(e->d_name + l - 4, ".xml"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 8) * sizeof(*nn));

			if (!nn) {
				rc = err_set(E_NOMEM, "file names");
				goto out;
			}
			names = nn;
			cap = cap ? cap * 2 : 8;
		}
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			rc = err_set(E_NOMEM, "file name");
			goto out;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && rc == E_OK; i++) {
		char *path = fs_join(dir, names[i]);
		char *data = NULL;
		size_t len = 0;

		if (!path) {
			rc = err_set(E_NOMEM, "path");
			break;
		}
		rc = fs_read_file(path, DEF_FILE_MAX, &data, &len);
		if (rc == E_TOOBIG)
			rc = err_set(E_CONFIG, "%s: more than the %d bytes allowed", path,
				     DEF_FILE_MAX);
		else if (rc < 0)
			rc = err_set(E_CONFIG, "%s: cannot read: %s", path, err_detail());
		else
			rc = def_parse(set, path, data, len);
		free(data);
		free(path);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int def_load(struct def_set **out, const char *dir)
{
	struct def_set *set = NULL;
	int rc;

	*out = NULL;
	rc = def_set_new(&set);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < def_n_embedded && rc == E_OK; i++) {
		const struct def_embedded *e = &def_embedded[i];
		size_t l = strlen(e->name);

		if (l > 4 && !strcmp(e->name + l - 4, ".xml"))
			rc = def_parse(set, e->name, (const char *)e->data, e->len);
	}
	if (rc == E_OK && dir)
		rc = load_dir(set, dir);
	if (rc < 0) {
		def_set_free(set);
		return rc;
	}
	*out = set;
	return E_OK;
}

/* ---- lookups ---- */

const struct def_workflow *def_workflow(const struct def_set *set, const char *id)
{
	for (size_t i = 0; set && id && i < set->n_wf; i++)
		if (!strcmp(set->wf[i]->id, id))
			return set->wf[i];
	return NULL;
}

const struct def_workflow *def_workflow_at(const struct def_set *set, size_t i)
{
	return set && i < set->n_wf ? set->wf[i] : NULL;
}

size_t def_workflow_count(const struct def_set *set)
{
	return set ? set->n_wf : 0;
}

int def_state_index(const struct def_workflow *wf, const char *id)
{
	for (size_t i = 0; wf && id && i < wf->n_states; i++)
		if (!strcmp(wf->states[i].id, id))
			return (int)i;
	return -1;
}

const struct def_transition *def_transition(const struct def_workflow *wf, const char *from_state,
					    const char *action)
{
	int from = def_state_index(wf, from_state);

	for (size_t i = 0; from >= 0 && action && i < wf->n_trans; i++)
		if (wf->trans[i].from == (unsigned)from && !strcmp(wf->trans[i].id, action))
			return &wf->trans[i];
	return NULL;
}

const struct def_state *def_initial(const struct def_workflow *wf)
{
	for (size_t i = 0; wf && i < wf->n_states; i++)
		if (wf->states[i].initial)
			return &wf->states[i];
	return NULL;
}

const struct def_procedure *def_procedure(const struct def_set *set, const char *id)
{
	for (size_t i = 0; set && id && i < set->n_proc; i++)
		if (!strcmp(set->proc[i].id, id))
			return &set->proc[i];
	return NULL;
}

const struct def_procedure *def_procedure_at(const struct def_set *set, size_t i)
{
	return set && i < set->n_proc ? &set->proc[i] : NULL;
}

size_t def_procedure_count(const struct def_set *set)
{
	return set ? set->n_proc : 0;
}
