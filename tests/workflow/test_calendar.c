/*
 * test_calendar.c: civil dates parse and format exactly, and working days
 * skip weekends and the configured holidays (Tết included).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "workflow/calendar.h"
#include "tests/testutil.h"

static cal_day day(const char *s)
{
	cal_day d = 0;

	ck_assert_msg(cal_parse(s, &d) == E_OK, "%s", s);
	return d;
}

START_TEST(parse_format_round_trip)
{
	static const char *const dates[] = {"1970-01-01", "1969-12-31", "2000-02-29", "2024-02-29",
					    "2026-12-31", "1900-03-01", "0001-01-01", "9999-12-31"};
	char out[11];

	ck_assert_int_eq(day("1970-01-01"), 0);
	ck_assert_int_eq(day("1970-01-02"), 1);
	ck_assert_int_eq(day("1969-12-31"), -1);
	ck_assert_int_eq(day("2000-03-01") - day("2000-02-28"), 2);
	ck_assert_int_eq(day("1900-03-01") - day("1900-02-28"), 1);
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		cal_format(day(dates[i]), out);
		ck_assert_str_eq(out, dates[i]);
	}
	/* every day of 2023..2028 survives format-then-parse */
	for (cal_day d = day("2023-01-01"); d <= day("2028-12-31"); d++) {
		cal_format(d, out);
		ck_assert_int_eq(day(out), d);
	}
}
END_TEST

START_TEST(parse_invalid)
{
	static const char *const bad[] = {"2026-02-30",  "2026-02-29", "1900-02-29",
					  "2026-13-01",  "2026-00-10", "2026-04-31",
					  "2026-01-00",  "2026-1-01",  "2026-01-01 ",
					  " 2026-01-01", "2026/01/01", "20260101",
					  "0000-01-01",  "",           "2026-01-0x",
					  "+026-01-01"};
	cal_day d = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(cal_parse(bad[i], &d) == E_INVAL, "%s", bad[i]);
		ck_assert_int_eq(d, 42);
	}
	ck_assert_int_eq(cal_parse(NULL, &d), E_INVAL);
}
END_TEST

START_TEST(from_time_is_vietnam)
{
	/* 2026-01-01T16:59:59Z is 23:59:59 in Hà Nội; a second later it is the 2nd. */
	ck_assert_int_eq(cal_from_time(1767286799), day("2026-01-01"));
	ck_assert_int_eq(cal_from_time(1767286800), day("2026-01-02"));
	ck_assert_int_eq(cal_from_time(0), day("1970-01-01"));
	ck_assert_int_eq(cal_from_time(-7 * 3600 - 1), day("1969-12-31"));
}
END_TEST

START_TEST(weekends)
{
	struct calendar *c = NULL;

	ck_assert_int_eq(cal_new(&c), E_OK);
	ck_assert(cal_is_working(c, day("2026-01-02")));  /* Friday */
	ck_assert(!cal_is_working(c, day("2026-01-03"))); /* Saturday */
	ck_assert(!cal_is_working(c, day("2026-01-04"))); /* Sunday */
	ck_assert(cal_is_working(c, day("2026-01-05")));  /* Monday */
	ck_assert(!cal_is_working(c, day("1970-01-03")));
	ck_assert(cal_is_working(c, day("1970-01-01")));  /* Thursday */
	ck_assert(!cal_is_working(c, day("1969-12-28"))); /* Sunday */
	ck_assert_int_eq(cal_add_working(c, day("2026-01-02"), 1), day("2026-01-05"));
	ck_assert_int_eq(cal_add_working(c, day("2026-01-03"), 0), day("2026-01-03"));
	ck_assert_int_eq(cal_add_working(c, day("2026-01-05"), 10), day("2026-01-19"));
	cal_free(c);
}
END_TEST

START_TEST(holiday_ranges)
{
	struct calendar *c = NULL;

	ck_assert_int_eq(cal_new(&c), E_OK);
	ck_assert_int_eq(cal_add_holidays(c, "2026-01-01,\n 2026-02-16..2026-02-20 ,\n\n"), E_OK);
	ck_assert(!cal_is_working(c, day("2026-01-01")));
	ck_assert(!cal_is_working(c, day("2026-02-16")));
	ck_assert(!cal_is_working(c, day("2026-02-18")));
	ck_assert(!cal_is_working(c, day("2026-02-20")));
	ck_assert(cal_is_working(c, day("2026-02-23")));
	ck_assert(cal_is_working(c, day("2026-02-13")));
	/* overlapping additions are merged */
	ck_assert_int_eq(cal_add_holidays(c, "2026-02-19..2026-02-24, 2026-04-27"), E_OK);
	ck_assert(!cal_is_working(c, day("2026-02-24")));
	ck_assert(!cal_is_working(c, day("2026-04-27")));
	cal_free(c);
}
END_TEST

START_TEST(holiday_list_invalid)
{
	static const char *const bad[] = {
		"2026-02-30",   "2026-01-01, tết", "2026-02-20..2026-02-16",
		"2026-01-01..", "..2026-01-01",    "2026-01-01..2028-01-01"};
	struct calendar *c = NULL;

	ck_assert_int_eq(cal_new(&c), E_OK);
	ck_assert_int_eq(cal_add_holidays(c, "2026-09-02"), E_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(cal_add_holidays(c, bad[i]) == E_CONFIG, "%s", bad[i]);
		ck_assert_ptr_nonnull(strstr(err_detail(), "holiday \""));
		/* nothing of a refused list is added */
		ck_assert(cal_is_working(c, day("2026-01-01")));
	}
	ck_assert_ptr_nonnull(strstr(err_detail(), "2026-01-01..2028-01-01"));
	ck_assert(!cal_is_working(c, day("2026-09-02")));
	cal_free(c);
}
END_TEST

/* Tết Bính Ngọ 2026: Monday 16 to Friday 20 February off; a dossier received
 * Friday 13 with 3 working days is due Wednesday 25. */
START_TEST(add_working_across_tet)
{
	struct calendar *c = NULL;

	ck_assert_int_eq(cal_new(&c), E_OK);
	ck_assert_int_eq(cal_add_holidays(c, "2026-02-16..2026-02-20"), E_OK);
	ck_assert_int_eq(cal_add_working(c, day("2026-02-13"), 1), day("2026-02-23"));
	ck_assert_int_eq(cal_add_working(c, day("2026-02-13"), 3), day("2026-02-25"));
	ck_assert_int_eq(cal_add_working(c, day("2026-02-14"), 1), day("2026-02-23"));
	ck_assert_int_eq(cal_add_working(c, day("2026-02-12"), 1), day("2026-02-13"));
	cal_free(c);
}
END_TEST

START_TEST(working_between)
{
	struct calendar *c = NULL;

	ck_assert_int_eq(cal_new(&c), E_OK);
	ck_assert_uint_eq(cal_working_between(c, day("2026-02-13"), day("2026-02-13")), 0);
	ck_assert_uint_eq(cal_working_between(c, day("2026-02-20"), day("2026-02-13")), 0);
	ck_assert_uint_eq(cal_working_between(c, day("2026-02-13"), day("2026-02-27")), 10);
	ck_assert_int_eq(cal_add_holidays(c, "2026-02-16..2026-02-20, 2026-02-22"), E_OK);
	ck_assert_uint_eq(cal_working_between(c, day("2026-02-13"), day("2026-02-27")), 5);
	ck_assert_uint_eq(cal_working_between(c, day("2026-02-12"), day("2026-02-13")), 1);
	ck_assert_uint_eq(cal_working_between(c, day("2026-02-13"), day("2026-02-22")), 0);
	/* the inverse of cal_add_working, and agrees with counting day by day */
	for (unsigned n = 0; n < 40; n++) {
		cal_day a = day("2026-02-10");
		cal_day b = cal_add_working(c, a, n);
		unsigned count = 0;

		ck_assert_uint_eq(cal_working_between(c, a, b), n);
		for (cal_day d = a + 1; d <= b + (cal_day)n; d++)
			count += cal_is_working(c, d) != 0;
		ck_assert_uint_eq(cal_working_between(c, a, b + (cal_day)n), count);
	}
	cal_free(c);
}
END_TEST

static Suite *calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("dates");
	TCase *wd = tcase_create("working");

	tcase_add_test(tc, parse_format_round_trip);
	tcase_add_test(tc, parse_invalid);
	tcase_add_test(tc, from_time_is_vietnam);
	suite_add_tcase(s, tc);
	tcase_add_test(wd, weekends);
	tcase_add_test(wd, holiday_ranges);
	tcase_add_test(wd, holiday_list_invalid);
	tcase_add_test(wd, add_working_across_tet);
	tcase_add_test(wd, working_between);
	suite_add_tcase(s, wd);
	return s;
}

int main(void)
{
	return tu_run(calendar_suite());
}
