/*
 * proto.c: the dinh wire codec: frame headers, CHUNK bodies, and CONTROL
 * messages parsed safely with libxml2 (no network, no DTD, no entities, hard
 * caps) into a small tree, and serialised back by our own escaping writer.
 * docs/protocol.md is the contract; this is the only libxml2 user of common/.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "common/err.h"
#include "common/proto.h"

#ifndef XML_PARSE_NO_XXE
#define XML_PARSE_NO_XXE 0 /* libxml2 < 2.13: no DTD loading/entities anyway */
#endif

/* Options: no network, no entity substitution, no DTD loading or default
 * attributes, no HUGE; the declared encoding is ignored (always UTF-8). */
#define PROTO_XML_OPTIONS                                                                \
	(XML_PARSE_NONET | XML_PARSE_NO_XXE | XML_PARSE_IGNORE_ENC | XML_PARSE_NOERROR | \
	 XML_PARSE_NOWARNING)

/* ---- frames and chunks ---- */

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int proto_frame_parse(const uint8_t *buf, size_t len, struct proto_frame *out, size_t *used)
{
	uint32_t body;
	uint32_t cap;

	if (len < PROTO_HDR_LEN)
		return E_AGAIN;
	body = get_u32(buf);
	switch (buf[4]) {
	case PROTO_T_CONTROL:
		cap = PROTO_CONTROL_MAX;
		break;
	case PROTO_T_CHUNK:
		cap = PROTO_CHUNK_HDR_LEN + PROTO_CHUNK_DATA_MAX;
		break;
	default:
		return err_set(E_PROTO, "unknown frame type %u", buf[4]);
	}
	if (buf[5] || buf[6] || buf[7])
		return err_set(E_PROTO, "reserved frame bits set");
	if (body > cap)
		return err_set(E_TOOBIG,
			       "frame of type %u announces %" PRIu32 " bytes (cap %" PRIu32 ")",
			       buf[4], body, cap);
	if (len - PROTO_HDR_LEN < body)
		return E_AGAIN;
	out->type = buf[4];
	out->body = buf + PROTO_HDR_LEN;
	out->len = body;
	*used = PROTO_HDR_LEN + (size_t)body;
	return E_OK;
}

void proto_frame_header(uint8_t hdr[PROTO_HDR_LEN], enum proto_type type, uint32_t len)
{
	put_u32(hdr, len);
	hdr[4] = (uint8_t)type;
	hdr[5] = hdr[6] = hdr[7] = 0;
}

int proto_chunk_parse(const struct proto_frame *f, struct proto_chunk *out)
{
	const uint8_t *p = f->body;

	if (f->type != PROTO_T_CHUNK)
		return err_set(E_PROTO, "frame of type %u is not a chunk", f->type);
	if (f->len < PROTO_CHUNK_HDR_LEN)
		return err_set(E_PROTO, "chunk of %" PRIu32 " bytes is too short", f->len);
	if (f->len - PROTO_CHUNK_HDR_LEN > PROTO_CHUNK_DATA_MAX)
		return err_set(E_TOOBIG, "chunk of %" PRIu32 " bytes", f->len);
	out->id = get_u32(p);
	memcpy(out->sha256, p + 4, 32);
	out->offset = (uint64_t)get_u32(p + 36) << 32 | get_u32(p + 40);
	out->data = p + PROTO_CHUNK_HDR_LEN;
	out->len = f->len - PROTO_CHUNK_HDR_LEN;
	return E_OK;
}

void proto_chunk_header(uint8_t hdr[PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN], uint32_t id,
			const uint8_t sha256[32], uint64_t offset, uint32_t len)
{
	proto_frame_header(hdr, PROTO_T_CHUNK, PROTO_CHUNK_HDR_LEN + len);
	hdr += PROTO_HDR_LEN;
	put_u32(hdr, id);
	memcpy(hdr + 4, sha256, 32);
	put_u32(hdr + 36, (uint32_t)(offset >> 32));
	put_u32(hdr + 40, (uint32_t)offset);
}

int proto_chunk_build(struct buf *out, uint32_t id, const uint8_t sha256[32], uint64_t offset,
		      const void *data, uint32_t len)
{
	uint8_t *p;

	if (len > PROTO_CHUNK_DATA_MAX)
		return err_set(E_TOOBIG, "chunk data of %" PRIu32 " bytes", len);
	if (PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN + (size_t)len > out->max - out->len)
		return err_set(E_TOOBIG, "chunk frame does not fit in the buffer");
	p = buf_reserve(out, PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN + (size_t)len);
	if (!p)
		return E_NOMEM; /* detail set by buf_reserve() */
	proto_chunk_header(p, id, sha256, offset, len);
	if (len)
		memcpy(p + PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN, data, len);
	buf_commit(out, PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN + (size_t)len);
	return E_OK;
}

/* ---- characters and names ---- */

/* Decodes one UTF-8 sequence at @s (at most @len bytes) into *cp; returns its
 * length, or 0 if it is not valid (overlong, surrogate, above U+10FFFF). */
static size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* 1 if @c may appear in an XML 1.0 document (as itself or a character reference). */
static int xml_char_ok(uint32_t c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\r';
	return c != 0xfffe && c != 0xffff;
}

/* 1 if @s[0..len) is valid UTF-8 made of XML characters only (no NUL). */
static int utf8_xml_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t c;
		size_t n = utf8_decode(s + i, len - i, &c);

		if (!n || !xml_char_ok(c))
			return 0;
		i += n;
	}
	return 1;
}

/* The parser and the writer apply the same rule (see proto.h). */
int proto_name_ok(const char *s)
{
	size_t n = 0;

	if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (; s[n]; n++) {
		char c = s[n];

		if (n >= PROTO_NAME_MAX)
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* ---- serialisation ---- */

/* Character references written for ASCII bytes; \n and \t only in attributes. */
static const char *const escapes[0x80] = {
	['&'] = "&amp;",  ['<'] = "&lt;",   ['>'] = "&gt;",  ['"'] = "&quot;",
	['\r'] = "&#13;", ['\n'] = "&#10;", ['\t'] = "&#9;",
};

/* Appends @s escaped for text (@in_attr 0) or a double-quoted attribute value.
 * E_INVAL if @s is not UTF-8 or holds a character XML cannot carry. */
static int xml_escape(struct buf *out, const char *s, int in_attr)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t len = strlen(s), i = 0, run = 0;
	int rc = E_OK;

	while (i < len && rc == E_OK) {
		uint32_t c;
		size_t n = utf8_decode(p + i, len - i, &c);
		const char *rep = NULL;

		if (!n || !xml_char_ok(c))
			return err_set(E_INVAL, "text is not valid UTF-8 XML characters");
		if (c < 0x80 && escapes[c] && (in_attr || (c != '\n' && c != '\t')))
			rep = escapes[c];
		if (rep) {
			rc = buf_append(out, p + i - run, run);
			if (rc == E_OK)
				rc = buf_append(out, rep, strlen(rep));
			run = 0;
		} else {
			run += n;
		}
		i += n;
	}
	if (rc == E_OK)
		rc = buf_append(out, p + i - run, run);
	return rc;
}

/* 1 if @s is only XML white space. */
static int all_space(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* Writes @n (and its children) at nesting @depth (root = 1). */
static int build_node(struct buf *out, const struct proto_node *n, int depth, unsigned *nodes)
{
	int rc;

	if (depth > PROTO_XML_DEPTH_MAX)
		return err_set(E_TOOBIG, "nesting deeper than %d", PROTO_XML_DEPTH_MAX);
	if (++*nodes > PROTO_XML_NODES_MAX)
		return err_set(E_TOOBIG, "more than %d elements", PROTO_XML_NODES_MAX);
	if (!proto_name_ok(n->name))
		return err_set(E_INVAL, "invalid element name");
	if (n->nattrs > PROTO_ATTRS_MAX)
		return err_set(E_TOOBIG, "more than %d attributes", PROTO_ATTRS_MAX);
	rc = buf_printf(out, "<%s", n->name);
	for (unsigned i = 0; rc == E_OK && i < n->nattrs; i++) {
		if (!proto_name_ok(n->attrs[i].key))
			return err_set(E_INVAL, "invalid attribute name on <%s>", n->name);
		for (unsigned j = 0; j < i; j++)
			if (strcmp(n->attrs[j].key, n->attrs[i].key) == 0)
				return err_set(E_INVAL, "duplicate attribute %s", n->attrs[i].key);
		rc = buf_printf(out, " %s=\"", n->attrs[i].key);
		if (rc == E_OK)
			rc = xml_escape(out, n->attrs[i].val, 1);
		if (rc == E_OK)
			rc = buf_append(out, "\"", 1);
	}
	if (rc < 0)
		return rc;
	if (!n->child && (!n->text || !*n->text))
		return buf_append(out, "/>", 2);
	rc = buf_append(out, ">", 1);
	/* White space beside child elements is formatting: the parser drops it. */
	if (rc == E_OK && n->text && *n->text && !(n->child && all_space(n->text)))
		rc = xml_escape(out, n->text, 0);
	for (const struct proto_node *c = n->child; rc == E_OK && c; c = c->next)
		rc = build_node(out, c, depth + 1, nodes);
	if (rc == E_OK)
		rc = buf_printf(out, "</%s>", n->name);
	return rc;
}

int proto_control_build(struct buf *out, const struct proto_node *root)
{
	size_t start = out->len, max = out->max;
	unsigned nodes = 0;
	uint8_t *hdr;
	int rc;

	hdr = buf_reserve(out, PROTO_HDR_LEN);
	if (!hdr)
		return out->max - out->len < PROTO_HDR_LEN ? E_TOOBIG : E_NOMEM;
	buf_commit(out, PROTO_HDR_LEN);
	/* The body may not pass PROTO_CONTROL_MAX, whatever room @out has. */
	if (out->max - out->len > PROTO_CONTROL_MAX)
		out->max = out->len + PROTO_CONTROL_MAX;
	rc = build_node(out, root, 1, &nodes);
	out->max = max;
	if (rc < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return rc;
	}
	proto_frame_header(out->data + start, PROTO_T_CONTROL,
			   (uint32_t)(out->len - start - PROTO_HDR_LEN));
	return E_OK;
}

/* ---- parsing ---- */

/* What the SAX guards saw; kept in the parser context's _private. */
struct parse_state {
	int refused;      /* E_XML or E_TOOBIG once a guard stopped the parser */
	char why[128];    /* the guard's reason */
	char xmlmsg[160]; /* libxml2's first error message */
	int xmlline;
	int depth;
	unsigned nodes;
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
};

static pthread_once_t proto_xml_once = PTHREAD_ONCE_INIT;

static void proto_xml_init(void)
{
	xmlInitParser();
}

static struct parse_state *state_of(void *ctx)
{
	return ((xmlParserCtxtPtr)ctx)->_private;
}

/* Stops the parser with @code and the reason @why. */
static void guard_stop(void *ctx, int code, const char *why)
{
	struct parse_state *st = state_of(ctx);

	if (!st->refused) {
		st->refused = code;
		snprintf(st->why, sizeof(st->why), "%s", why);
	}
	xmlStopParser(ctx);
}

static void guard_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
				  const xmlChar *sys_id)
{
	guard_stop(ctx, E_XML, "DOCTYPE not allowed");
}

static void guard_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
			      const xmlChar *sys, xmlChar *content)
{
	guard_stop(ctx, E_XML, "entity declaration not allowed");
}

static void guard_reference(void *ctx, const xmlChar *name)
{
	guard_stop(ctx, E_XML, "entity reference not allowed");
}

static void guard_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
			int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct parse_state *st = state_of(ctx);

	if (++st->depth > PROTO_XML_DEPTH_MAX)
		return guard_stop(ctx, E_TOOBIG, "XML nested too deep");
	if (++st->nodes > PROTO_XML_NODES_MAX)
		return guard_stop(ctx, E_TOOBIG, "too many XML elements");
	if (nb_attributes > PROTO_ATTRS_MAX)
		return guard_stop(ctx, E_TOOBIG, "too many attributes");
	st->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
		  nb_defaulted, attributes);
}

static void guard_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		      const xmlChar *uri)
{
	struct parse_state *st = state_of(ctx);

	st->depth--;
	st->end(ctx, localname, prefix, uri);
}

/* Keeps libxml2's first message (for err_set) and prints nothing. */
static void guard_error(void *ctx, xmlErrorPtr e)
{
	struct parse_state *st = NULL;
	size_t n;

	if (ctx && e && (e->domain == XML_FROM_PARSER || e->domain == XML_FROM_NAMESPACE))
		st = state_of(ctx);
	if (!st || st->xmlmsg[0] || !e->message || e->level < XML_ERR_ERROR)
		return;
	snprintf(st->xmlmsg, sizeof(st->xmlmsg), "%s", e->message);
	n = strlen(st->xmlmsg);
	while (n > 0 && (st->xmlmsg[n - 1] == '\n' || st->xmlmsg[n - 1] == ' '))
		st->xmlmsg[--n] = '\0';
	st->xmlline = e->line;
}

static void silent_error(void *ctx, xmlErrorPtr e)
{
}

/* The character data of the text children of @first into a malloc'd string
 * (*out NULL when there is none); E_XML on any other kind of node. */
static int xml_text_of(xmlNodePtr first, char **out, int attr)
{
	struct buf b;
	int rc = E_OK;

	*out = NULL;
	buf_init(&b, PROTO_CONTROL_MAX);
	for (xmlNodePtr c = first; c && rc == E_OK; c = c->next) {
		switch (c->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (c->content)
				rc = buf_append(&b, c->content, strlen((const char *)c->content));
			break;
		case XML_ELEMENT_NODE:
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			if (attr)
				rc = err_set(E_XML, "unexpected node in an attribute");
			break;
		default:
			rc = err_set(E_XML, "node of type %d not allowed", (int)c->type);
			break;
		}
	}
	if (rc == E_OK && b.len > 0) {
		*out = strdup((const char *)b.data);
		if (!*out)
			rc = err_set(E_NOMEM, "XML text");
	}
	buf_free(&b);
	return rc;
}

/* Copies the attributes of @x into @n. */
static int xml_attrs_of(xmlNodePtr x, struct proto_node *n)
{
	for (xmlAttrPtr a = x->properties; a; a = a->next) {
		char *val = NULL;
		int rc;

		if (a->ns || !proto_name_ok((const char *)a->name))
			return err_set(E_XML, "attribute name not allowed on <%s>", n->name);
		if (n->nattrs >= PROTO_ATTRS_MAX)
			return err_set(E_TOOBIG, "more than %d attributes", PROTO_ATTRS_MAX);
		rc = xml_text_of(a->children, &val, 1);
		if (rc < 0)
			return rc;
		n->attrs[n->nattrs].val = val ? val : strdup("");
		n->attrs[n->nattrs].key = strdup((const char *)a->name);
		n->nattrs++; /* freed by proto_node_free() even if half-made */
		if (!n->attrs[n->nattrs - 1].val || !n->attrs[n->nattrs - 1].key)
			return err_set(E_NOMEM, "XML attribute");
	}
	return E_OK;
}

/* Converts the element @x (at @depth, root = 1) into *out. */
static int xml_to_node(xmlNodePtr x, int depth, struct proto_node **out)
{
	struct proto_node *n = NULL;
	int rc;

	*out = NULL;
	if (depth > PROTO_XML_DEPTH_MAX)
		return err_set(E_TOOBIG, "XML nested too deep");
	if ((x->ns && x->ns->prefix) || !proto_name_ok((const char *)x->name))
		return err_set(E_XML, "element name not allowed");
	n = proto_node_new((const char *)x->name);
	if (!n)
		return err_set(E_NOMEM, "XML element");
	rc = xml_attrs_of(x, n);
	if (rc == E_OK)
		rc = xml_text_of(x->children, &n->text, 0);
	for (xmlNodePtr c = x->children; rc == E_OK && c; c = c->next) {
		struct proto_node *child = NULL;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		rc = xml_to_node(c, depth + 1, &child);
		if (rc == E_OK) {
			if (n->last)
				n->last->next = child;
			else
				n->child = child;
			n->last = child;
		}
	}
	if (rc < 0) {
		proto_node_free(n);
		return rc;
	}
	/* White space beside child elements is formatting, not content. */
	if (n->child && n->text && all_space(n->text)) {
		free(n->text);
		n->text = NULL;
	}
	*out = n;
	return E_OK;
}

/* Refuses a document with a DTD, entity declarations or references left in it
 * (the SAX guards stop these first; this is the second line). */
static int xml_check_doc(xmlDocPtr doc, xmlNodePtr *root)
{
	*root = NULL;
	if (doc->intSubset || doc->extSubset)
		return err_set(E_XML, "DOCTYPE not allowed");
	for (xmlNodePtr c = doc->children; c; c = c->next) {
		switch (c->type) {
		case XML_ELEMENT_NODE:
			if (*root)
				return err_set(E_XML, "more than one root element");
			*root = c;
			break;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			break;
		default:
			return err_set(E_XML, "node of type %d not allowed at top level",
				       (int)c->type);
		}
	}
	if (!*root)
		return err_set(E_XML, "no root element");
	return E_OK;
}

/* Runs libxml2 over @body with the guards installed; *doc owned by the caller. */
static int xml_parse_guarded(const uint8_t *body, size_t len, xmlDocPtr *doc)
{
	xmlStructuredErrorFunc old_fn = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	struct parse_state st;
	xmlParserCtxtPtr ctxt;
	int rc = E_OK;

	*doc = NULL;
	memset(&st, 0, sizeof(st));
	xmlSetStructuredErrorFunc(NULL, silent_error);
	ctxt = xmlCreateMemoryParserCtxt((const char *)body, (int)len);
	if (!ctxt) {
		rc = err_set(E_NOMEM, "XML parser context");
		goto out;
	}
	xmlCtxtUseOptions(ctxt, PROTO_XML_OPTIONS);
	ctxt->_private = &st;
	st.start = ctxt->sax->startElementNs;
	st.end = ctxt->sax->endElementNs;
	ctxt->sax->startElementNs = guard_start;
	ctxt->sax->endElementNs = guard_end;
	ctxt->sax->internalSubset = guard_internal_subset;
	ctxt->sax->externalSubset = guard_internal_subset;
	ctxt->sax->entityDecl = guard_entity_decl;
	ctxt->sax->reference = guard_reference;
	ctxt->sax->serror = guard_error;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	xmlParseDocument(ctxt);
	if (st.refused)
		rc = err_set(st.refused, "%s", st.why);
	else if (!ctxt->wellFormed || !ctxt->myDoc)
		rc = err_set(E_XML, "XML line %d: %s", st.xmlline,
			     st.xmlmsg[0] ? st.xmlmsg : "not well-formed");
	else if (!ctxt->nsWellFormed)
		rc = err_set(E_XML, "XML namespace error: %s", st.xmlmsg);
	if (rc == E_OK) {
		*doc = ctxt->myDoc;
		ctxt->myDoc = NULL;
	}
out:
	if (ctxt) {
		if (ctxt->myDoc)
			xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
		xmlFreeParserCtxt(ctxt);
	}
	xmlSetStructuredErrorFunc(old_ctx, old_fn);
	return rc;
}

int proto_control_parse(const uint8_t *body, size_t len, struct proto_node **out)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int rc;

	*out = NULL;
	pthread_once(&proto_xml_once, proto_xml_init);
	if (len > PROTO_CONTROL_MAX)
		return err_set(E_TOOBIG, "control message of %zu bytes", len);
	if (len == 0)
		return err_set(E_XML, "empty control message");
	if (!utf8_xml_valid(body, len))
		return err_set(E_XML, "control message is not UTF-8 XML text");
	rc = xml_parse_guarded(body, len, &doc);
	if (rc < 0)
		goto out;
	rc = xml_check_doc(doc, &root);
	if (rc < 0)
		goto out;
	rc = xml_to_node(root, 1, out);
out:
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}
