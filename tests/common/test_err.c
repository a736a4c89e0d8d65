/*
 * test_err.c: the error table (a name and a message for every code, names
 * parse back) and the thread-local detail of err_set().
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "tests/testutil.h"

START_TEST(test_every_code_named)
{
	for (int c = E_OK; c > E_LAST; c--) {
		const char *name = err_name(c);

		ck_assert_ptr_nonnull(name);
		ck_assert_int_eq(strncmp(name, "E_", 2), 0);
		ck_assert_ptr_nonnull(err_str(c));
		ck_assert_int_gt((int)strlen(err_str(c)), 0);
		ck_assert_int_eq(err_from_name(name), c);
		for (int d = c - 1; d > E_LAST; d--)
			ck_assert_str_ne(name, err_name(d));
	}
	ck_assert_str_eq(err_name(E_PERM), "E_PERM");
	ck_assert_str_eq(err_str(E_PERM), "role not allowed");
	ck_assert_str_eq(err_name(E_XML), "E_XML");
}
END_TEST

START_TEST(test_unknown_codes)
{
	ck_assert_ptr_nonnull(err_str(E_LAST));
	ck_assert_ptr_nonnull(err_str(5));
	ck_assert_ptr_nonnull(err_name(-1000));
	ck_assert_int_eq(err_from_name("E_NOPE"), E_UNKNOWN);
	ck_assert_int_eq(err_from_name(""), E_UNKNOWN);
	ck_assert_int_eq(err_from_name(NULL), E_UNKNOWN);
}
END_TEST

START_TEST(test_detail)
{
	char big[600];

	err_clear();
	ck_assert_str_eq(err_detail(), "");
	ck_assert_int_eq(err_set(E_PROTO, "frame of %u bytes", 70000u), E_PROTO);
	ck_assert_str_eq(err_detail(), "frame of 70000 bytes");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(err_set(E_INVAL, "%s", big), E_INVAL);
	ck_assert_int_eq((int)strlen(err_detail()), 255);
	err_clear();
	ck_assert_str_eq(err_detail(), "");
}
END_TEST

static void *other_thread(void *arg)
{
	int *ok = arg;

	*ok = strcmp(err_detail(), "") == 0;
	err_set(E_IO, "other");
	return NULL;
}

START_TEST(test_thread_local)
{
	pthread_t t;
	int ok = 0;

	err_set(E_IO, "mine");
	ck_assert_int_eq(pthread_create(&t, NULL, other_thread, &ok), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(ok, 1);
	ck_assert_str_eq(err_detail(), "mine");
}
END_TEST

static Suite *err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_every_code_named);
	tcase_add_test(tc, test_unknown_codes);
	tcase_add_test(tc, test_detail);
	tcase_add_test(tc, test_thread_local);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(err_suite());
}
