/*
 * test_buf.c: growable buffers: appends, the hard cap, reserve/commit,
 * consume, printf and the NUL terminator.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "tests/testutil.h"

START_TEST(test_append_and_nul)
{
	struct buf b;

	buf_init(&b, 1024);
	ck_assert_ptr_null(b.data);
	ck_assert_int_eq(buf_append(&b, "hello", 5), E_OK);
	ck_assert_int_eq(buf_append(&b, " world", 6), E_OK);
	ck_assert_uint_eq(b.len, 11);
	ck_assert_str_eq((char *)b.data, "hello world");
	ck_assert_uint_ge(b.cap, b.len + 1);
	ck_assert_int_eq(buf_append(&b, NULL, 0), E_OK);
	ck_assert_uint_eq(b.len, 11);
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(test_growth_doubles)
{
	struct buf b;
	uint8_t block[100];
	size_t last_cap = 0;
	int grows = 0;

	memset(block, 'a', sizeof(block));
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++) {
		ck_assert_int_eq(buf_append(&b, block, sizeof(block)), E_OK);
		if (b.cap != last_cap) {
			if (last_cap)
				ck_assert_uint_ge(b.cap, 2 * last_cap);
			last_cap = b.cap;
			grows++;
		}
	}
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_int_lt(grows, 20);
	buf_free(&b);
}
END_TEST

START_TEST(test_cap)
{
	struct buf b;
	char data[16];

	memset(data, 'z', sizeof(data));
	buf_init(&b, 20);
	ck_assert_int_eq(buf_append(&b, data, 16), E_OK);
	ck_assert_int_eq(buf_append(&b, data, 5), E_TOOBIG);
	ck_assert_uint_eq(b.len, 16);
	ck_assert_int_eq(buf_append(&b, data, 4), E_OK);
	ck_assert_uint_eq(b.len, 20);
	ck_assert_uint_le(b.cap, 21);
	ck_assert_int_eq(buf_append(&b, data, 1), E_TOOBIG);
	ck_assert_int_eq(buf_printf(&b, "%d", 1), E_TOOBIG);
	ck_assert_ptr_null(buf_reserve(&b, 1));
	ck_assert_uint_eq(b.len, 20);
	ck_assert_int_eq(b.data[20], 0);
	buf_free(&b);

	buf_init(&b, 10);
	ck_assert_int_eq(buf_append(&b, data, 11), E_TOOBIG);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_printf)
{
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_printf(&b, "%s=%d", "n", 42), E_OK);
	ck_assert_int_eq(buf_printf(&b, ";%s", "Nguyễn"), E_OK);
	ck_assert_str_eq((char *)b.data, "n=42;Nguyễn");
	ck_assert_uint_eq(b.len, strlen("n=42;Nguyễn"));
	ck_assert_int_eq(buf_printf(&b, "%080d", 1), E_TOOBIG);
	ck_assert_str_eq((char *)b.data, "n=42;Nguyễn");
	buf_free(&b);
}
END_TEST

START_TEST(test_reserve_commit_consume)
{
	struct buf b;
	uint8_t *p;

	buf_init(&b, 100);
	p = buf_reserve(&b, 10);
	ck_assert_ptr_nonnull(p);
	memcpy(p, "abcdef", 6);
	buf_commit(&b, 6);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_str_eq((char *)b.data, "abcdef");
	buf_consume(&b, 2);
	ck_assert_str_eq((char *)b.data, "cdef");
	ck_assert_uint_eq(b.len, 4);
	buf_consume(&b, 100);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq((char *)b.data, "");
	ck_assert_int_eq(buf_append(&b, "xy", 2), E_OK);
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq((char *)b.data, "");
	buf_free(&b);
	buf_free(&b); /* twice is harmless */
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_append_and_nul);
	tcase_add_test(tc, test_growth_doubles);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_printf);
	tcase_add_test(tc, test_reserve_commit_consume);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(buf_suite());
}
