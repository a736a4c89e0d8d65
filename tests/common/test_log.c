/*
 * test_log.c: stderr log lines (timestamp with offset, ident, pid, level),
 * level filtering, control characters stripped, level names.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "tests/testutil.h"

static char scratch[64];

/* Runs the logging calls of @fn with stderr sent to a file; returns its text. */
static char *capture(void (*fn)(void))
{
	char *path, *data = NULL;
	int fd, saved;

	snprintf(scratch, sizeof(scratch), "/tmp/dinh-test-log.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
	path = fs_join(scratch, "stderr");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	fn();
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	close(fd);
	ck_assert_int_eq(fs_read_file(path, 1 << 20, &data, NULL), 0);
	unlink(path);
	rmdir(scratch);
	free(path);
	return data;
}

static void log_some(void)
{
	log_init("dinhd", 0, LOG_LVL_INFO);
	log_info("started on %s", "127.0.0.1:4343");
	log_debug("hidden");
	log_warn("peer said: %s", "evil\n2026-01-01T00:00:00+07:00 dinhd[1] error: forged\r");
	log_set_level(LOG_LVL_DEBUG);
	log_debug("now shown");
	log_set_level(LOG_LVL_ERR);
	log_info("hidden again");
	log_err("Nguyễn Văn An: hồ sơ");
}

START_TEST(test_lines)
{
	char *text = capture(log_some);
	regex_t re;
	char *line, *save = NULL;
	int n = 0;

	ck_assert_int_eq(
		regcomp(&re,
			"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
			"[+-][0-9]{2}:[0-9]{2} dinhd\\[[0-9]+\\] (error|warning|info|debug): ",
			REG_EXTENDED | REG_NOSUB),
		0);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "bad line: %s", line);
		n++;
	}
	ck_assert_int_eq(n, 4);
	regfree(&re);
	free(text);

	text = capture(log_some);
	ck_assert_ptr_nonnull(strstr(text, " info: started on 127.0.0.1:4343\n"));
	ck_assert_ptr_null(strstr(text, "hidden"));
	ck_assert_ptr_nonnull(strstr(text, " warning: peer said: evil?2026-01-01T00:00:00+07:00 "
					   "dinhd[1] error: forged?\n"));
	ck_assert_ptr_nonnull(strstr(text, " debug: now shown\n"));
	ck_assert_ptr_nonnull(strstr(text, " error: Nguyễn Văn An: hồ sơ\n"));
	free(text);
}
END_TEST

static void log_long(void)
{
	char big[5000];

	memset(big, 'l', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init("dinh", 0, LOG_LVL_INFO);
	log_info("%s", big);
}

START_TEST(test_long_line)
{
	char *text = capture(log_long);
	size_t len = strlen(text);

	ck_assert_uint_gt(len, 500);
	ck_assert_uint_lt(len, 2000);
	ck_assert_int_eq(text[len - 1], '\n');
	ck_assert_ptr_eq(strchr(text, '\n'), text + len - 1);
	free(text);
}
END_TEST

START_TEST(test_levels)
{
	ck_assert_int_eq(log_level_from_str("error"), LOG_LVL_ERR);
	ck_assert_int_eq(log_level_from_str("warning"), LOG_LVL_WARN);
	ck_assert_int_eq(log_level_from_str("info"), LOG_LVL_INFO);
	ck_assert_int_eq(log_level_from_str("debug"), LOG_LVL_DEBUG);
	ck_assert_int_eq(log_level_from_str("verbose"), -1);
	ck_assert_int_eq(log_level_from_str(""), -1);
	ck_assert_int_eq(log_level_from_str(NULL), -1);
	log_set_level(LOG_LVL_WARN);
	ck_assert_int_eq(log_get_level(), LOG_LVL_WARN);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_levels);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(log_suite());
}
