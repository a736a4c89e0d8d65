/*
 * test_proto.c: the wire codec: frame headers and caps, CHUNK bodies, CONTROL
 * round trips with Vietnamese text, and the XML defences (entities, DOCTYPE,
 * depth, attribute and node caps, UTF-8).
 */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/proto.h"
#include "tests/testutil.h"

static void put_hdr(uint8_t *h, uint32_t len, uint8_t type, uint8_t flags, uint16_t res)
{
	h[0] = (uint8_t)(len >> 24);
	h[1] = (uint8_t)(len >> 16);
	h[2] = (uint8_t)(len >> 8);
	h[3] = (uint8_t)len;
	h[4] = type;
	h[5] = flags;
	h[6] = (uint8_t)(res >> 8);
	h[7] = (uint8_t)res;
}

/* Parses the NUL-terminated @xml as a CONTROL body. */
static int parse_str(const char *xml, struct proto_node **out)
{
	return proto_control_parse((const uint8_t *)xml, strlen(xml), out);
}

START_TEST(test_frame_ok)
{
	uint8_t buf[64];
	struct proto_frame f;
	size_t used = 0;

	put_hdr(buf, 5, PROTO_T_CONTROL, 0, 0);
	memcpy(buf + 8, "<a/>x", 5);
	ck_assert_int_eq(proto_frame_parse(buf, 13, &f, &used), E_OK);
	ck_assert_uint_eq(f.type, PROTO_T_CONTROL);
	ck_assert_uint_eq(f.len, 5);
	ck_assert_ptr_eq(f.body, buf + 8);
	ck_assert_uint_eq(used, 13);
	/* Extra bytes after the frame are left for the next call. */
	ck_assert_int_eq(proto_frame_parse(buf, sizeof(buf), &f, &used), E_OK);
	ck_assert_uint_eq(used, 13);
	/* Empty body. */
	put_hdr(buf, 0, PROTO_T_CHUNK, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_OK);
	ck_assert_uint_eq(f.type, PROTO_T_CHUNK);
	ck_assert_uint_eq(f.len, 0);
	ck_assert_uint_eq(used, 8);
	/* proto_frame_header writes what proto_frame_parse reads. */
	proto_frame_header(buf, PROTO_T_CHUNK, 0x01020304);
	ck_assert_int_eq(buf[0], 1);
	ck_assert_int_eq(buf[3], 4);
	ck_assert_int_eq(buf[4], PROTO_T_CHUNK);
	ck_assert_int_eq(buf[5] | buf[6] | buf[7], 0);
}
END_TEST

START_TEST(test_frame_need_more)
{
	uint8_t buf[32];
	struct proto_frame f;
	size_t used = 99;

	put_hdr(buf, 10, PROTO_T_CONTROL, 0, 0);
	for (size_t n = 0; n < 18; n++)
		ck_assert_int_eq(proto_frame_parse(buf, n, &f, &used), E_AGAIN);
	ck_assert_uint_eq(used, 99);
	ck_assert_int_eq(proto_frame_parse(buf, 18, &f, &used), E_OK);
}
END_TEST

START_TEST(test_frame_caps)
{
	uint8_t buf[8];
	struct proto_frame f;
	size_t used;

	put_hdr(buf, PROTO_CONTROL_MAX, PROTO_T_CONTROL, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_AGAIN);
	put_hdr(buf, PROTO_CONTROL_MAX + 1, PROTO_T_CONTROL, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_TOOBIG);
	put_hdr(buf, PROTO_CHUNK_HDR_LEN + PROTO_CHUNK_DATA_MAX, PROTO_T_CHUNK, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_AGAIN);
	put_hdr(buf, PROTO_CHUNK_HDR_LEN + PROTO_CHUNK_DATA_MAX + 1, PROTO_T_CHUNK, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_TOOBIG);
	put_hdr(buf, 0xffffffffu, PROTO_T_CHUNK, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_TOOBIG);
	put_hdr(buf, 0xffffffffu, PROTO_T_CONTROL, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_TOOBIG);
}
END_TEST

START_TEST(test_frame_bad_type_and_bits)
{
	uint8_t buf[16] = {0};
	struct proto_frame f;
	size_t used;

	put_hdr(buf, 0, 0, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_PROTO);
	put_hdr(buf, 0, 3, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_PROTO);
	put_hdr(buf, 0, 0xff, 0, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_PROTO);
	put_hdr(buf, 0, PROTO_T_CONTROL, 1, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_PROTO);
	put_hdr(buf, 0, PROTO_T_CHUNK, 0x80, 0);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_PROTO);
	put_hdr(buf, 0, PROTO_T_CONTROL, 0, 1);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_PROTO);
	put_hdr(buf, 0, PROTO_T_CHUNK, 0, 0x8000);
	ck_assert_int_eq(proto_frame_parse(buf, 8, &f, &used), E_PROTO);
}
END_TEST

START_TEST(test_chunk_round_trip)
{
	struct buf b;
	uint8_t sha[32], data[1000];
	struct proto_frame f;
	struct proto_chunk c;
	size_t used;

	for (int i = 0; i < 32; i++)
		sha[i] = (uint8_t)(i * 7);
	for (int i = 0; i < 1000; i++)
		data[i] = (uint8_t)i;
	buf_init(&b, PROTO_FRAME_MAX);
	ck_assert_int_eq(proto_chunk_build(&b, 0xdeadbeef, sha, 0x0102030405060708ull, data, 1000),
			 E_OK);
	ck_assert_uint_eq(b.len, PROTO_HDR_LEN + PROTO_CHUNK_HDR_LEN + 1000);
	ck_assert_int_eq(proto_frame_parse(b.data, b.len, &f, &used), E_OK);
	ck_assert_uint_eq(used, b.len);
	ck_assert_int_eq(proto_chunk_parse(&f, &c), E_OK);
	ck_assert_uint_eq(c.id, 0xdeadbeef);
	ck_assert_uint_eq(c.offset, 0x0102030405060708ull);
	ck_assert_int_eq(memcmp(c.sha256, sha, 32), 0);
	ck_assert_uint_eq(c.len, 1000);
	ck_assert_int_eq(memcmp(c.data, data, 1000), 0);

	/* Empty data, appended after the first frame. */
	ck_assert_int_eq(proto_chunk_build(&b, 1, sha, 0, NULL, 0), E_OK);
	ck_assert_int_eq(proto_frame_parse(b.data + used, b.len - used, &f, &used), E_OK);
	ck_assert_int_eq(proto_chunk_parse(&f, &c), E_OK);
	ck_assert_uint_eq(c.len, 0);
	ck_assert_uint_eq(c.id, 1);
	buf_free(&b);

	/* Too much data, or not enough room. */
	buf_init(&b, PROTO_FRAME_MAX * 2);
	ck_assert_int_eq(proto_chunk_build(&b, 1, sha, 0, data, PROTO_CHUNK_DATA_MAX + 1),
			 E_TOOBIG);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
	buf_init(&b, 100);
	ck_assert_int_eq(proto_chunk_build(&b, 1, sha, 0, data, 100), E_TOOBIG);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_chunk_short)
{
	uint8_t body[PROTO_CHUNK_HDR_LEN] = {0};
	struct proto_frame f = {
		.type = PROTO_T_CHUNK, .body = body, .len = PROTO_CHUNK_HDR_LEN - 1};
	struct proto_chunk c;

	ck_assert_int_eq(proto_chunk_parse(&f, &c), E_PROTO);
	f.len = 0;
	ck_assert_int_eq(proto_chunk_parse(&f, &c), E_PROTO);
	f.len = PROTO_CHUNK_HDR_LEN;
	ck_assert_int_eq(proto_chunk_parse(&f, &c), E_OK);
	ck_assert_uint_eq(c.len, 0);
	f.type = PROTO_T_CONTROL;
	ck_assert_int_eq(proto_chunk_parse(&f, &c), E_PROTO);
}
END_TEST

/* Builds a message, frames it, parses it back and checks every field. */
START_TEST(test_control_round_trip)
{
	struct proto_node *root = proto_node_new("req"), *back = NULL, *again = NULL;
	struct proto_node *csr, *p;
	const struct proto_node *c;
	struct buf b, b2;
	struct proto_frame f;
	size_t used;
	uint64_t v = 0;

	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(proto_node_set_u64(root, "id", 4294967295u), E_OK);
	ck_assert_int_eq(proto_node_set(root, "op", "user.add"), E_OK);
	ck_assert_int_eq(proto_node_set(root, "name", "Nguyễn Văn An"), E_OK);
	ck_assert_int_eq(proto_node_setf(root, "roles", "%s,%s", "clerk", "officer"), E_OK);
	ck_assert_int_eq(proto_node_set(root, "odd", "a&b<c>d\"e'f\tg\nh\ri"), E_OK);
	ck_assert_int_eq(proto_node_set(root, "empty", ""), E_OK);
	csr = proto_node_add(root, "csr");
	ck_assert_int_eq(proto_node_set_text(csr, "hồ sơ <&> ]]> \"x\"\r\n\tend"), E_OK);
	p = proto_node_add(root, "person");
	ck_assert_int_eq(proto_node_set(p, "id", "p1"), E_OK);
	p = proto_node_add(root, "person");
	ck_assert_int_eq(proto_node_set(p, "id", "p2"), E_OK);
	ck_assert_ptr_nonnull(proto_node_add(p, "deep"));
	/* Setting an attribute again replaces it. */
	ck_assert_int_eq(proto_node_set(root, "op", "user.add"), E_OK);
	ck_assert_uint_eq(root->nattrs, 6);

	buf_init(&b, PROTO_FRAME_MAX);
	ck_assert_int_eq(proto_control_build(&b, root), E_OK);
	ck_assert_int_eq(proto_frame_parse(b.data, b.len, &f, &used), E_OK);
	ck_assert_uint_eq(used, b.len);
	ck_assert_uint_eq(f.type, PROTO_T_CONTROL);
	ck_assert_int_eq(proto_control_parse(f.body, f.len, &back), E_OK);

	ck_assert_str_eq(back->name, "req");
	ck_assert_int_eq(proto_attr_u64(back, "id", &v), E_OK);
	ck_assert_uint_eq(v, 4294967295u);
	ck_assert_str_eq(proto_attr(back, "op"), "user.add");
	ck_assert_str_eq(proto_attr(back, "name"), "Nguyễn Văn An");
	ck_assert_str_eq(proto_attr(back, "roles"), "clerk,officer");
	ck_assert_str_eq(proto_attr(back, "odd"), "a&b<c>d\"e'f\tg\nh\ri");
	ck_assert_str_eq(proto_attr(back, "empty"), "");
	ck_assert_ptr_null(proto_attr(back, "missing"));
	ck_assert_ptr_null(back->text);
	c = proto_child(back, "csr");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->text, "hồ sơ <&> ]]> \"x\"\r\n\tend");
	c = proto_child(back, "person");
	ck_assert_str_eq(proto_attr(c, "id"), "p1");
	ck_assert_str_eq(proto_attr(c->next, "id"), "p2");
	ck_assert_ptr_nonnull(proto_child(c->next, "deep"));
	ck_assert_ptr_null(proto_child(back, "nothing"));

	/* Building the parsed tree gives the same bytes. */
	buf_init(&b2, PROTO_FRAME_MAX);
	ck_assert_int_eq(proto_control_build(&b2, back), E_OK);
	ck_assert_uint_eq(b2.len, b.len);
	ck_assert_int_eq(memcmp(b2.data, b.data, b.len), 0);
	ck_assert_int_eq(proto_control_parse(b2.data + 8, b2.len - 8, &again), E_OK);
	proto_node_free(again);

	buf_free(&b);
	buf_free(&b2);
	proto_node_free(back);
	proto_node_free(root);
}
END_TEST

START_TEST(test_control_parse_forms)
{
	struct proto_node *n = NULL;
	uint64_t v;

	ck_assert_int_eq(parse_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				   "<hello min=\"1\" max=\"1\" agent=\"dinh/0.1\"/>\n",
				   &n),
			 E_OK);
	ck_assert_str_eq(n->name, "hello");
	ck_assert_int_eq(proto_attr_u64(n, "min", &v), E_OK);
	ck_assert_uint_eq(v, 1);
	proto_node_free(n);

	ck_assert_int_eq(parse_str("<!-- c --><err id='7' code='E_PERM'>không được &amp; "
				   "&#x1EA1;<![CDATA[<x>]]></err>",
				   &n),
			 E_OK);
	ck_assert_str_eq(n->text, "không được & ạ<x>");
	ck_assert_str_eq(proto_attr(n, "code"), "E_PERM");
	proto_node_free(n);

	/* Formatting white space between child elements is dropped. */
	ck_assert_int_eq(parse_str("<resp id=\"1\">\n  <person id=\"a\"/>\n</resp>", &n), E_OK);
	ck_assert_ptr_null(n->text);
	ck_assert_ptr_nonnull(proto_child(n, "person"));
	proto_node_free(n);

	/* Numbers. */
	ck_assert_int_eq(parse_str("<a n='18446744073709551615' m='18446744073709551616' "
				   "s='-1' e='' x='1x'/>",
				   &n),
			 E_OK);
	ck_assert_int_eq(proto_attr_u64(n, "n", &v), E_OK);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(proto_attr_u64(n, "m", &v), E_PROTO);
	ck_assert_int_eq(proto_attr_u64(n, "s", &v), E_PROTO);
	ck_assert_int_eq(proto_attr_u64(n, "e", &v), E_PROTO);
	ck_assert_int_eq(proto_attr_u64(n, "x", &v), E_PROTO);
	ck_assert_int_eq(proto_attr_u64(n, "none", &v), E_PROTO);
	proto_node_free(n);
}
END_TEST

START_TEST(test_billion_laughs)
{
	static const char bomb[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<lolz a=\"&lol9;\">&lol9;</lolz>\n";
	struct proto_node *n = (struct proto_node *)1;
	struct timespec t0, t1;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(parse_str(bomb, &n), E_XML);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_ptr_null(n);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(ms < 100.0, "billion laughs took %.1f ms", ms);
	ck_assert_ptr_nonnull(strstr(err_detail(), "DOCTYPE"));
}
END_TEST

START_TEST(test_external_entity)
{
	static const char xxe[] = "<?xml version=\"1.0\"?>\n"
				  "<!DOCTYPE req [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
				  "<req id=\"1\" op=\"ping\">&xxe;</req>";
	static const char ext_dtd[] = "<!DOCTYPE req SYSTEM \"file:///etc/passwd\"><req/>";
	struct proto_node *n = NULL;

	ck_assert_int_eq(parse_str(xxe, &n), E_XML);
	ck_assert_ptr_null(n);
	ck_assert_ptr_null(strstr(err_detail(), "root:"));
	ck_assert_int_eq(parse_str(ext_dtd, &n), E_XML);
	ck_assert_ptr_null(n);
	ck_assert_ptr_null(strstr(err_detail(), "root:"));
	/* An undeclared entity is not well-formed. */
	ck_assert_int_eq(parse_str("<req>&xxe;</req>", &n), E_XML);
	ck_assert_ptr_null(n);
	ck_assert_int_eq(parse_str("<req a='&xxe;'/>", &n), E_XML);
	ck_assert_ptr_null(n);
}
END_TEST

START_TEST(test_doctype_alone)
{
	struct proto_node *n = NULL;

	ck_assert_int_eq(parse_str("<!DOCTYPE hello><hello/>", &n), E_XML);
	ck_assert_ptr_null(n);
	ck_assert_int_eq(parse_str("<!DOCTYPE hello [<!ELEMENT hello EMPTY>]><hello/>", &n), E_XML);
	ck_assert_ptr_null(n);
}
END_TEST

/* "<a0><a1>…" nested @depth deep. */
static char *nested(int depth)
{
	struct buf b;
	char *s;

	buf_init(&b, 4096);
	for (int i = 0; i < depth; i++)
		ck_assert_int_eq(buf_printf(&b, "<a%d>", i), E_OK);
	for (int i = depth - 1; i >= 0; i--)
		ck_assert_int_eq(buf_printf(&b, "</a%d>", i), E_OK);
	s = strdup((char *)b.data);
	buf_free(&b);
	return s;
}

START_TEST(test_depth)
{
	struct proto_node *n = NULL, *root, *cur;
	char *ok = nested(8), *deep = nested(9);
	struct buf b;

	ck_assert_int_eq(parse_str(ok, &n), E_OK);
	proto_node_free(n);
	ck_assert_int_eq(parse_str(deep, &n), E_TOOBIG);
	ck_assert_ptr_null(n);
	free(ok);
	free(deep);

	/* The writer refuses what the parser would refuse. */
	root = cur = proto_node_new("a");
	for (int i = 1; i < 9; i++)
		cur = proto_node_add(cur, "a");
	buf_init(&b, PROTO_FRAME_MAX);
	ck_assert_int_eq(proto_control_build(&b, root), E_TOOBIG);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
	proto_node_free(root);
}
END_TEST

START_TEST(test_attrs_cap)
{
	struct buf b;
	struct proto_node *n = NULL;

	buf_init(&b, 4096);
	ck_assert_int_eq(buf_printf(&b, "<a"), E_OK);
	for (int i = 0; i < 32; i++)
		ck_assert_int_eq(buf_printf(&b, " k%d=\"%d\"", i, i), E_OK);
	ck_assert_int_eq(buf_printf(&b, "/>"), E_OK);
	ck_assert_int_eq(parse_str((char *)b.data, &n), E_OK);
	ck_assert_uint_eq(n->nattrs, 32);
	ck_assert_int_eq(proto_node_set(n, "k32", "x"), E_TOOBIG);
	ck_assert_int_eq(proto_node_set(n, "k31", "replaced"), E_OK);
	proto_node_free(n);

	buf_reset(&b);
	ck_assert_int_eq(buf_printf(&b, "<a"), E_OK);
	for (int i = 0; i < 33; i++)
		ck_assert_int_eq(buf_printf(&b, " k%d=\"%d\"", i, i), E_OK);
	ck_assert_int_eq(buf_printf(&b, "/>"), E_OK);
	ck_assert_int_eq(parse_str((char *)b.data, &n), E_TOOBIG);
	ck_assert_ptr_null(n);
	buf_free(&b);
}
END_TEST

START_TEST(test_nodes_cap)
{
	struct buf b;
	struct proto_node *n = NULL;

	buf_init(&b, PROTO_CONTROL_MAX);
	ck_assert_int_eq(buf_printf(&b, "<r>"), E_OK);
	for (int i = 0; i < 2999; i++)
		ck_assert_int_eq(buf_printf(&b, "<i/>"), E_OK);
	ck_assert_int_eq(buf_printf(&b, "</r>"), E_OK);
	ck_assert_int_eq(parse_str((char *)b.data, &n), E_TOOBIG);
	ck_assert_ptr_null(n);

	buf_reset(&b);
	ck_assert_int_eq(buf_printf(&b, "<r>"), E_OK);
	for (int i = 0; i < PROTO_XML_NODES_MAX - 1; i++)
		ck_assert_int_eq(buf_printf(&b, "<i/>"), E_OK);
	ck_assert_int_eq(buf_printf(&b, "</r>"), E_OK);
	ck_assert_int_eq(parse_str((char *)b.data, &n), E_OK);
	proto_node_free(n);
	buf_free(&b);
}
END_TEST

START_TEST(test_size_cap)
{
	uint8_t *big = malloc(PROTO_CONTROL_MAX + 1);
	struct proto_node *n = NULL, *root;
	char *text;
	struct buf b;

	memset(big, ' ', PROTO_CONTROL_MAX + 1);
	memcpy(big, "<a/>", 4);
	ck_assert_int_eq(proto_control_parse(big, PROTO_CONTROL_MAX + 1, &n), E_TOOBIG);
	ck_assert_int_eq(proto_control_parse(big, PROTO_CONTROL_MAX, &n), E_OK);
	proto_node_free(n);
	free(big);

	/* The writer refuses a body over the cap and leaves @out as it was. */
	text = malloc(PROTO_CONTROL_MAX);
	memset(text, 'x', PROTO_CONTROL_MAX - 1);
	text[PROTO_CONTROL_MAX - 1] = '\0';
	root = proto_node_new("a");
	ck_assert_int_eq(proto_node_set_text(root, text), E_OK);
	buf_init(&b, 4 * PROTO_FRAME_MAX);
	ck_assert_int_eq(buf_append(&b, "xyz", 3), E_OK);
	ck_assert_int_eq(proto_control_build(&b, root), E_TOOBIG);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_str_eq((char *)b.data, "xyz");
	buf_free(&b);
	proto_node_free(root);
	free(text);
}
END_TEST

START_TEST(test_bad_utf8)
{
	static const char *const bad[] = {
		"<a>\xff</a>",
		"<a>\xc3</a>",
		"<a>\xc0\xaf</a>",         /* overlong */
		"<a>\xed\xa0\x80</a>",     /* surrogate */
		"<a>\xf4\x90\x80\x80</a>", /* > U+10FFFF */
		"<a x=\"\xe1\xbb\"/>",
	};
	struct proto_node *n = NULL, *root;
	struct buf b;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(parse_str(bad[i], &n), E_XML);
		ck_assert_ptr_null(n);
	}
	/* A NUL byte inside the body. */
	ck_assert_int_eq(proto_control_parse((const uint8_t *)"<a>\0</a>", 8, &n), E_XML);
	/* Control characters XML cannot carry. */
	ck_assert_int_eq(parse_str("<a>&#1;</a>", &n), E_XML);
	ck_assert_int_eq(parse_str("<a>\x01</a>", &n), E_XML);

	/* The writer refuses invalid UTF-8 and such characters. */
	buf_init(&b, PROTO_FRAME_MAX);
	root = proto_node_new("a");
	ck_assert_int_eq(proto_node_set(root, "x", "\xff"), E_OK);
	ck_assert_int_eq(proto_control_build(&b, root), E_INVAL);
	ck_assert_int_eq(proto_node_set(root, "x", "ok"), E_OK);
	ck_assert_int_eq(proto_node_set_text(root, "bell\a"), E_OK);
	ck_assert_int_eq(proto_control_build(&b, root), E_INVAL);
	ck_assert_uint_eq(b.len, 0);
	proto_node_free(root);
	/* And invalid names. */
	root = proto_node_new("1bad");
	ck_assert_int_eq(proto_control_build(&b, root), E_INVAL);
	ck_assert_int_eq(proto_node_set(root, "a b", "x"), E_INVAL);
	proto_node_free(root);
	buf_free(&b);
}
END_TEST

START_TEST(test_not_well_formed)
{
	static const char *const bad[] = {
		"",
		"   ",
		"<a>",
		"<a></b>",
		"<a x=1/>",
		"<a x='1' x='2'/>",
		"<a/><b/>",
		"<a/>trailing",
		"text only",
		"<a><b></a></b>",
		"<p:a xmlns:p='urn:x'/>",
		"<a p:x='1' xmlns:p='urn:x'/>",
		"<a xml:lang='vi'/>",
		"<Đình/>",
	};
	struct proto_node *n = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse_str(bad[i], &n) == E_XML, "accepted: %s", bad[i]);
		ck_assert_ptr_null(n);
		ck_assert_str_ne(err_detail(), "");
	}
}
END_TEST

START_TEST(test_names_cap)
{
	char xml[256];
	struct proto_node *n = NULL;
	char name[PROTO_NAME_MAX + 2];

	memset(name, 'n', sizeof(name));
	name[PROTO_NAME_MAX] = '\0';
	snprintf(xml, sizeof(xml), "<%s/>", name);
	ck_assert_int_eq(parse_str(xml, &n), E_OK);
	proto_node_free(n);
	name[PROTO_NAME_MAX] = 'n';
	name[PROTO_NAME_MAX + 1] = '\0';
	snprintf(xml, sizeof(xml), "<%s/>", name);
	ck_assert_int_eq(parse_str(xml, &n), E_XML);
	snprintf(xml, sizeof(xml), "<a %s='1'/>", name);
	ck_assert_int_eq(parse_str(xml, &n), E_XML);

	ck_assert_int_eq(proto_name_ok(name), 0);
	ck_assert_int_eq(proto_name_ok("file.put"), 1);
	ck_assert_int_eq(proto_name_ok("_x-1"), 1);
	ck_assert_int_eq(proto_name_ok(""), 0);
	ck_assert_int_eq(proto_name_ok("-x"), 0);
	ck_assert_int_eq(proto_name_ok("p:a"), 0);
	ck_assert_int_eq(proto_name_ok(NULL), 0);
}
END_TEST

START_TEST(test_hex)
{
	uint8_t sha[32], back[32];
	char hex[65];

	for (int i = 0; i < 32; i++)
		sha[i] = (uint8_t)(0xf0 + i * 3);
	proto_hex(hex, sha);
	ck_assert_uint_eq(strlen(hex), 64);
	ck_assert_int_eq(strncmp(hex, "f0f3f6f9fc", 10), 0);
	ck_assert_int_eq(proto_unhex(back, hex), E_OK);
	ck_assert_int_eq(memcmp(back, sha, 32), 0);
	for (int i = 0; i < 64; i++)
		hex[i] = (char)toupper((unsigned char)hex[i]);
	ck_assert_int_eq(proto_unhex(back, hex), E_OK);
	ck_assert_int_eq(memcmp(back, sha, 32), 0);

	memset(back, 0xaa, sizeof(back));
	ck_assert_int_eq(proto_unhex(back, ""), E_INVAL);
	ck_assert_int_eq(proto_unhex(back, NULL), E_INVAL);
	hex[63] = '\0';
	ck_assert_int_eq(proto_unhex(back, hex), E_INVAL);
	proto_hex(hex, sha);
	hex[10] = 'g';
	ck_assert_int_eq(proto_unhex(back, hex), E_INVAL);
	for (int i = 0; i < 32; i++)
		ck_assert_uint_eq(back[i], 0xaa); /* untouched on failure */
}
END_TEST

static Suite *proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *frames = tcase_create("frames");
	TCase *control = tcase_create("control");
	TCase *defences = tcase_create("defences");

	tcase_add_test(frames, test_frame_ok);
	tcase_add_test(frames, test_frame_need_more);
	tcase_add_test(frames, test_frame_caps);
	tcase_add_test(frames, test_frame_bad_type_and_bits);
	tcase_add_test(frames, test_chunk_round_trip);
	tcase_add_test(frames, test_chunk_short);
	tcase_add_test(frames, test_hex);
	suite_add_tcase(s, frames);

	tcase_add_test(control, test_control_round_trip);
	tcase_add_test(control, test_control_parse_forms);
	suite_add_tcase(s, control);

	tcase_add_test(defences, test_billion_laughs);
	tcase_add_test(defences, test_external_entity);
	tcase_add_test(defences, test_doctype_alone);
	tcase_add_test(defences, test_depth);
	tcase_add_test(defences, test_attrs_cap);
	tcase_add_test(defences, test_nodes_cap);
	tcase_add_test(defences, test_size_cap);
	tcase_add_test(defences, test_bad_utf8);
	tcase_add_test(defences, test_not_well_formed);
	tcase_add_test(defences, test_names_cap);
	suite_add_tcase(s, defences);
	return s;
}

int main(void)
{
	return tu_run(proto_suite());
}
