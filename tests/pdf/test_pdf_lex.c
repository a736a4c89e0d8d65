/*
 * test_pdf_lex.c: PDF objects parse as ISO 32000 says, serialise back to
 * text that parses into the same object, and bad syntax is refused.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "pdf/pdf_lex.h"
#include "pdf/pdf_obj.h"
#include "tests/testutil.h"

static struct pdf_obj *parse(const char *s, int *rc)
{
	struct pdf_lex lx;
	struct pdf_obj *o = NULL;

	pdf_lex_init(&lx, (const uint8_t *)s, strlen(s), 0);
	*rc = pdf_lex_parse(&lx, &o);
	return o;
}

/* Parses @in, writes it, and compares with @out. */
static void round_trip(const char *in, const char *out)
{
	struct buf b;
	struct pdf_obj *o, *again;
	int rc;

	o = parse(in, &rc);
	ck_assert_msg(rc == 0, "%s: %s", in, err_detail());
	buf_init(&b, 1 << 20);
	ck_assert_int_eq(pdf_obj_write(&b, o), 0);
	ck_assert_str_eq((char *)b.data, out);
	again = parse((char *)b.data, &rc);
	ck_assert_int_eq(rc, 0);
	pdf_obj_free(again);
	pdf_obj_free(o);
	buf_free(&b);
}

START_TEST(objects)
{
	round_trip("null", "null");
	round_trip("  true ", "true");
	round_trip("false", "false");
	round_trip("-42", "-42");
	round_trip("+17", "17");
	round_trip("3.25", "3.25");
	round_trip("-.5", "-0.5");
	round_trip("/Name#20with#23", "/Name#20with#23");
	round_trip("(a\\(b\\)c\\n\\101)", "(a\\(b\\)c\\012A)");
	round_trip("(nested (parens) ok)", "(nested \\(parens\\) ok)");
	round_trip("<48656C6C6F>", "<48656c6c6f>");
	round_trip("<4 8 6>", "<4860>");
	round_trip("[1 0 R 2 /X (y)]", "[1 0 R 2 /X (y)]");
	round_trip("<</A 1 0 R/B[1 2]/C<</D true>>>>", "<</A 1 0 R /B [1 2] /C <</D true>>>>");
	round_trip("[1 2 3 R]", "[1 2 3 R]");
	round_trip("% comment\n[%x\n1]", "[1]");
}
END_TEST

START_TEST(refused)
{
	static const char *const bad[] = {
		"",      "(unterminated", "<41",   "<4G>",          "[1 2", "<</A 1", "<</A>>",
		"1.2.3", "/A#0",          "/A#00", "<</A 1 /A 2>>", "foo",  ")",      "}",
		"--1",
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pdf_obj *o = parse(bad[i], &rc);

		ck_assert_msg(rc < 0, "accepted \"%s\"", bad[i]);
		ck_assert_ptr_null(o);
	}
}
END_TEST

START_TEST(caps)
{
	char deep[2 * PDF_OBJ_DEPTH_MAX + 8], name[PDF_OBJ_NAME_MAX + 4];
	int i, rc;
	struct pdf_obj *o;

	for (i = 0; i < PDF_OBJ_DEPTH_MAX + 2; i++)
		deep[i] = '[';
	deep[i] = '\0';
	o = parse(deep, &rc);
	ck_assert_int_eq(rc, E_TOOBIG);
	ck_assert_ptr_null(o);
	name[0] = '/';
	memset(name + 1, 'a', PDF_OBJ_NAME_MAX + 1);
	name[PDF_OBJ_NAME_MAX + 2] = '\0';
	o = parse(name, &rc);
	ck_assert_int_eq(rc, E_TOOBIG);
	o = parse("12345678901234567890", &rc);
	ck_assert_int_eq(rc, E_CORRUPT);
}
END_TEST

START_TEST(indirect)
{
	const char *s = "7 0 obj\n<</Length 5>>\nstream\r\nhello\nendstream\nendobj";
	struct pdf_lex lx;
	struct pdf_obj *o;
	struct pdf_ref id;

	pdf_lex_init(&lx, (const uint8_t *)s, strlen(s), 0);
	ck_assert_int_eq(pdf_lex_parse_indirect(&lx, &id, &o, NULL, NULL), 0);
	ck_assert_uint_eq(id.num, 7);
	ck_assert_int_eq(o->type, PDF_STREAM);
	ck_assert_uint_eq(o->u.st.len, 5);
	ck_assert_int_eq(memcmp(s + o->u.st.off, "hello", 5), 0);
	pdf_obj_free(o);
	s = "7 0 obj\n<</Length 4>>\nstream\nhello\nendstream\nendobj";
	pdf_lex_init(&lx, (const uint8_t *)s, strlen(s), 0);
	ck_assert_int_eq(pdf_lex_parse_indirect(&lx, &id, &o, NULL, NULL), E_CORRUPT);
	s = "7 0 obj\n1\n";
	pdf_lex_init(&lx, (const uint8_t *)s, strlen(s), 0);
	ck_assert_int_eq(pdf_lex_parse_indirect(&lx, &id, &o, NULL, NULL), E_CORRUPT);
}
END_TEST

START_TEST(dict_edit)
{
	struct pdf_obj *d = pdf_obj_new(PDF_DICT), *c;

	ck_assert_int_eq(pdf_obj_dict_set(d, "A", pdf_obj_new_int(1)), 0);
	ck_assert_int_eq(pdf_obj_dict_set(d, "B", pdf_obj_new_name("X")), 0);
	ck_assert_int_eq(pdf_obj_dict_set(d, "A", pdf_obj_new_int(2)), 0);
	ck_assert_int_eq(pdf_obj_dict_get(d, "A")->u.i, 2);
	c = pdf_obj_dup(d);
	pdf_obj_dict_del(d, "A");
	ck_assert_ptr_null(pdf_obj_dict_get(d, "A"));
	ck_assert(pdf_obj_is_name(pdf_obj_dict_get(c, "B"), "X"));
	ck_assert_int_eq(pdf_obj_dict_get(c, "A")->u.i, 2);
	pdf_obj_free(c);
	pdf_obj_free(d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdf_lex");
	TCase *tc = tcase_create("lex");

	tcase_add_test(tc, objects);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, caps);
	tcase_add_test(tc, indirect);
	tcase_add_test(tc, dict_edit);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
