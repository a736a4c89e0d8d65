/*
 * test_code.c: dossier codes follow their configured template; a template
 * that could repeat a code (no year, the day without the month, no or two
 * sequences) or that names an unknown token is refused; the sequence
 * restarts with the period the template names, and the store uses it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/roles.h"
#include "tests/testutil.h"
#include "tests/workflow/storeutil.h"
#include "workflow/code.h"

static cal_day day(const char *s)
{
	cal_day d;

	ck_assert_int_eq(cal_parse(s, &d), E_OK);
	return d;
}

START_TEST(templates)
{
	static const char *const bad[] = {
		"{agency}-{seq}",   "{yy}{dd}-{seq}", "{yymmdd}",       "{agency}-{x}-{seq}",
		"{seq}{yy}{seq:2}", "{agency-{seq}",  "{yyyy}-{seq:0}", "",
	};
	char out[CODE_MAX], scope[8];

	ck_assert_int_eq(code_check(CODE_DEFAULT_FORMAT), E_OK);
	ck_assert_int_eq(code_check("HS/{seq:5}/{yyyy}"), E_OK);
	ck_assert_int_eq(code_check("{dd}.{mm}.{yy}-{seq}"), E_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(code_check(bad[i]) == E_CONFIG, "accepted \"%s\"", bad[i]);
	ck_assert_int_eq(code_format(CODE_DEFAULT_FORMAT, "000.00.00.H01", day("2026-12-02"), 7,
				     out, sizeof(out)),
			 E_OK);
	ck_assert_str_eq(out, "000.00.00.H01-261202-0007");
	ck_assert_int_eq(
		code_format("HS/{seq:5}/{yyyy}", "X", day("2027-01-09"), 123, out, sizeof(out)),
		E_OK);
	ck_assert_str_eq(out, "HS/00123/2027");
	ck_assert_int_eq(code_format("{dd}.{mm}.{yy}-{seq}", "X", day("2026-03-04"), 12345, out,
				     sizeof(out)),
			 E_OK);
	ck_assert_str_eq(out, "04.03.26-12345");
	ck_assert_int_eq(code_format(CODE_DEFAULT_FORMAT, "H01", day("2026-12-02"), 1, out, 8),
			 E_TOOBIG);
	code_scope(CODE_DEFAULT_FORMAT, day("2026-12-02"), scope);
	ck_assert_str_eq(scope, "261202");
	code_scope("{yy}{mm}-{seq}", day("2026-12-02"), scope);
	ck_assert_str_eq(scope, "m2612");
	code_scope("HS/{seq:5}/{yyyy}", day("2026-12-02"), scope);
	ck_assert_str_eq(scope, "y2026");
}
END_TEST

static const struct wf_actor desk = {"mot-cua", "Hoàng Thị Dung", "9abc", ROLE_DESK};

static const char *dossier(long long now)
{
	static char code[64];
	struct store_req *r = su_req(&desk, WF_CREATE, NULL, NULL);

	r->ch.workflow = "dossier";
	r->now = now;
	su_field(r, "ProcedureId", "khai-sinh");
	su_field(r, "Applicant", "Hoàng Văn Em");
	r = su_roundtrip(r);
	ck_assert_msg(r->rc == E_OK, "%s", r->detail);
	snprintf(code, sizeof(code), "%s", r->code);
	store_req_free(r);
	return code;
}

/* A yearly sequence runs on across days and restarts with the year. */
START_TEST(store_uses_the_template)
{
	su.code_format = "HS/{seq:5}/{yyyy}";
	su_setup_store(0);
	ck_assert_str_eq(dossier(1796176800), "HS/00001/2026"); /* 2 December 2026 */
	ck_assert_str_eq(dossier(1796263200), "HS/00002/2026"); /* 3 December */
	ck_assert_str_eq(dossier(1798768800), "HS/00001/2027"); /* 1 January 2027 */
	su_teardown_store();
}
END_TEST

static Suite *code_suite(void)
{
	Suite *s = suite_create("code");
	TCase *tc = tcase_create("code");

	tcase_add_test(tc, templates);
	tcase_add_test(tc, store_uses_the_template);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(code_suite());
}
