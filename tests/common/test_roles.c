/*
 * test_roles.c: role names, parsing of comma-separated lists and formatting.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/roles.h"
#include "tests/testutil.h"

START_TEST(test_names)
{
	static const char *const names[] = {"admin",    "chair",   "vice-chair",
					    "clerk",    "officer", "secretary",
					    "delegate", "hall",    "desk"};

	for (unsigned i = 0; i < 9; i++) {
		unsigned r = 0;

		ck_assert_str_eq(role_name(1u << i), names[i]);
		ck_assert_int_eq(roles_parse(names[i], &r), E_OK);
		ck_assert_uint_eq(r, 1u << i);
	}
	ck_assert_ptr_null(role_name(0));
	ck_assert_ptr_null(role_name(1u << 9));
	ck_assert_ptr_null(role_name(ROLE_ADMIN | ROLE_CLERK));
}
END_TEST

START_TEST(test_parse)
{
	unsigned r = 0;

	ck_assert_int_eq(roles_parse("clerk,officer", &r), E_OK);
	ck_assert_uint_eq(r, ROLE_CLERK | ROLE_OFFICER);
	ck_assert_int_eq(roles_parse(" chair , vice-chair ,hall", &r), E_OK);
	ck_assert_uint_eq(r, ROLE_CHAIR | ROLE_VICE_CHAIR | ROLE_HALL);
	ck_assert_int_eq(roles_parse("admin,admin", &r), E_OK);
	ck_assert_uint_eq(r, ROLE_ADMIN);

	r = 12345;
	ck_assert_int_eq(roles_parse("", &r), E_INVAL);
	ck_assert_int_eq(roles_parse("clerk,", &r), E_INVAL);
	ck_assert_int_eq(roles_parse(",clerk", &r), E_INVAL);
	ck_assert_int_eq(roles_parse("clerk,,officer", &r), E_INVAL);
	ck_assert_int_eq(roles_parse("Clerk", &r), E_INVAL);
	ck_assert_int_eq(roles_parse("vice", &r), E_INVAL);
	ck_assert_int_eq(roles_parse("clerks", &r), E_INVAL);
	ck_assert_int_eq(roles_parse("clerk;officer", &r), E_INVAL);
	ck_assert_int_eq(roles_parse(NULL, &r), E_INVAL);
	ck_assert_uint_eq(r, 12345);
}
END_TEST

START_TEST(test_format)
{
	char out[128], small[16];
	unsigned r = 0;

	ck_assert_int_eq(roles_format(ROLE_OFFICER | ROLE_CLERK, out, sizeof(out)), E_OK);
	ck_assert_str_eq(out, "clerk,officer");
	ck_assert_int_eq(roles_format(0, out, sizeof(out)), E_OK);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(roles_format(ROLE_ALL, out, sizeof(out)), E_OK);
	ck_assert_str_eq(out, "admin,chair,vice-chair,clerk,officer,secretary,delegate,hall,desk");
	ck_assert_int_eq(roles_parse(out, &r), E_OK);
	ck_assert_uint_eq(r, ROLE_ALL);

	ck_assert_int_eq(roles_format(ROLE_ADMIN | ROLE_HALL, small, 10), E_TOOBIG);
	ck_assert_int_eq(roles_format(ROLE_ADMIN | ROLE_HALL, small, 11), E_OK);
	ck_assert_str_eq(small, "admin,hall");
	ck_assert_int_eq(roles_format(ROLE_ADMIN, small, 6), E_OK);
	ck_assert_str_eq(small, "admin");
	ck_assert_int_eq(roles_format(ROLE_ADMIN, small, 5), E_TOOBIG);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(roles_format(ROLE_ADMIN, small, 0), E_TOOBIG);
}
END_TEST

static Suite *roles_suite(void)
{
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(roles_suite());
}
