/*
 * test_cli.c: the `dinh` program without a server: argument parsing and
 * usage errors, --help in English and Vietnamese, password files, the table
 * printer with Vietnamese names, address parsing and the exit-code mapping.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/err.h"
#include "common/i18n.h"

static char *scratch;

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void scratch_setup(void)
{
	char tmpl[] = "/tmp/dinh-cli-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	scratch = strdup(tmpl);
	setlocale(LC_ALL, "C.UTF-8");
}

static void scratch_teardown(void)
{
	nftw(scratch, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(scratch);
	scratch = NULL;
}

static char *path_in(const char *name)
{
	static char p[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", scratch, name);
	return p[k];
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *b = calloc(1, 65536);
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(b, 1, 65535, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* Runs cli_main with the NULL-terminated arguments, stdout and stderr
 * captured into *out and *err (malloc'd). */
static int run(char **out, char **err, ...)
{
	char *argv[32];
	int argc = 0, o1, o2, f1, f2, ex;
	va_list ap;

	argv[argc++] = "dinh";
	va_start(ap, err);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	o1 = dup(1);
	o2 = dup(2);
	f1 = open(path_in("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	f2 = open(path_in("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(f1 >= 0 && f2 >= 0);
	dup2(f1, 1);
	dup2(f2, 2);
	ex = cli_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(o1, 1);
	dup2(o2, 2);
	close(o1);
	close(o2);
	close(f1);
	close(f2);
	*out = slurp(path_in("stdout"));
	*err = slurp(path_in("stderr"));
	return ex;
}

#define RUN_EXPECT(code, ...)                                                                    \
	do {                                                                                     \
		char *o_, *e_;                                                                   \
		int x_ = run(&o_, &e_, __VA_ARGS__, NULL);                                       \
		ck_assert_msg(x_ == (code), "exit %d, expected %d; stderr: %s", x_, (code), e_); \
		free(o_);                                                                        \
		free(e_);                                                                        \
	} while (0)

START_TEST(test_exit_codes)
{
	ck_assert_int_eq(cli_exit_code(E_OK), 0);
	ck_assert_int_eq(cli_exit_code(E_TLS), 2);
	ck_assert_int_eq(cli_exit_code(E_TIMEOUT), 2);
	ck_assert_int_eq(cli_exit_code(E_SHUTDOWN), 2);
	ck_assert_int_eq(cli_exit_code(E_AUTH), 3);
	ck_assert_int_eq(cli_exit_code(E_REVOKED), 3);
	ck_assert_int_eq(cli_exit_code(E_PASSWORD), 3);
	ck_assert_int_eq(cli_exit_code(E_CRYPTO), 3);
	ck_assert_int_eq(cli_exit_code(E_PERM), 4);
	ck_assert_int_eq(cli_exit_code(E_NOTFOUND), 5);
	ck_assert_int_eq(cli_exit_code(E_EXISTS), 6);
	ck_assert_int_eq(cli_exit_code(E_INVAL), 6);
	ck_assert_int_eq(cli_exit_code(E_BUSY), 6);
	ck_assert_int_eq(cli_exit_code(E_INTERNAL), 6);
	ck_assert_int_eq(cli_exit_code(E_IO), 7);
	ck_assert_int_eq(cli_exit_code(E_HASH), 8);
}
END_TEST

START_TEST(test_usage_errors)
{
	RUN_EXPECT(1, "--bogus");
	RUN_EXPECT(1, "--server");
	RUN_EXPECT(1, "frobnicate");
	RUN_EXPECT(1, "ping", "extra");
	RUN_EXPECT(1, "whoami", "extra");
	RUN_EXPECT(1, "user");
	RUN_EXPECT(1, "user", "promote");
	RUN_EXPECT(1, "user", "add");
	RUN_EXPECT(1, "user", "add", "Nguyễn Văn An");
	RUN_EXPECT(1, "user", "add", "Nguyễn Văn An", "--roles", "king");
	RUN_EXPECT(1, "user", "add", "Nguyễn Văn An", "--roles", "hall");
	RUN_EXPECT(1, "user", "add", "A", "B", "--roles", "clerk");
	RUN_EXPECT(1, "user", "add", "A", "--roles");
	RUN_EXPECT(1, "user", "list", "extra");
	RUN_EXPECT(1, "user", "revoke");
	RUN_EXPECT(1, "hall", "add", "Thôn 3", "--roles", "clerk");
	RUN_EXPECT(1, "file");
	RUN_EXPECT(1, "file", "put");
	RUN_EXPECT(1, "file", "get", "not-a-hash");
	RUN_EXPECT(1, "file", "get", "-o");
	RUN_EXPECT(1, "file", "get");
	/* pdf sign: appearance options are checked before the key is opened */
	RUN_EXPECT(1, "pdf", "sign", "-i", "k.pem:c.pem", "--appearance", "stamp", "a", "b");
	RUN_EXPECT(1, "pdf", "sign", "-i", "k.pem:c.pem", "--title", "Chủ tịch", "a", "b");
	RUN_EXPECT(1, "pdf", "sign", "-i", "k.pem:c.pem", "--appearance", "copy", "--image",
		   "s.png", "a", "b");
	RUN_EXPECT(1, "pdf", "sign", "-i", "k.pem:c.pem", "--appearance", "signer", "--seal",
		   "s.png", "a", "b");
	RUN_EXPECT(1, "pdf", "sign", "-i", "k.pem:c.pem", "--appearance", "signer", "--agency",
		   "UBND xã", "a", "b");
	RUN_EXPECT(1, "pdf", "sign", "-i", "k.pem:c.pem", "--appearance", "copy", "--copy-kind",
		   "BẢN SAO", "a", "b");
	RUN_EXPECT(1, "pdf", "sign", "-i", "k.pem:c.pem", "--appearance", "seal", "--rect",
		   "10,20,30", "a", "b");
	RUN_EXPECT(1, "pdf", "sign", "-i", "k.pem:c.pem", "--appearance", "seal", "--page", "0",
		   "a", "b");
	RUN_EXPECT(5, "pdf", "sign", "-i", "/nonexistent/k.pem:/nonexistent/c.pem", "--appearance",
		   "copy", "--copy-kind", "TrS", "--rect", "120,270,70,15", "a", "b");
	/* no CA and no identity: usage errors before any connection */
	RUN_EXPECT(1, "ping");
	RUN_EXPECT(1, "--ca", "/nonexistent/ca.pem", "ping");
}
END_TEST

START_TEST(test_no_command)
{
	char *o, *e;

	ck_assert_int_eq(run(&o, &e, NULL), 1);
	ck_assert_ptr_nonnull(strstr(e, "no command"));
	ck_assert_ptr_nonnull(strstr(e, "--help"));
	free(o);
	free(e);
}
END_TEST

START_TEST(test_help_english)
{
	char *o, *e;

	ck_assert_int_eq(run(&o, &e, "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(o, "Usage: dinh"));
	ck_assert_ptr_nonnull(strstr(o, "--server ADDR:PORT"));
	ck_assert_ptr_nonnull(strstr(o, "Exit status"));
	ck_assert_ptr_nonnull(strstr(o, "8  integrity failure"));
	free(o);
	free(e);
	ck_assert_int_eq(run(&o, &e, "user", "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(o, "dinh user add NAME --roles"));
	ck_assert_ptr_nonnull(strstr(o, "dinh user revoke ID"));
	free(o);
	free(e);
	ck_assert_int_eq(run(&o, &e, "user", "add", "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(o, "--new-password-file"));
	ck_assert_ptr_null(strstr(o, "revoke"));
	free(o);
	free(e);
	ck_assert_int_eq(run(&o, &e, "hall", "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(o, "village-hall terminal"));
	free(o);
	free(e);
	ck_assert_int_eq(run(&o, &e, "file", "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(o, "dinh file put PATH"));
	ck_assert_ptr_nonnull(strstr(o, "dinh file get SHA256"));
	free(o);
	free(e);
	ck_assert_int_eq(run(&o, &e, "--version", NULL), 0);
	ck_assert_ptr_nonnull(strstr(o, "dinh " PACKAGE_VERSION));
	free(o);
	free(e);
}
END_TEST

/* Switches gettext to Vietnamese for the uninstalled catalogue. */
static void vi_setup(void)
{
	scratch_setup();
	ck_assert_msg(getenv("DINH_LOCALEDIR") != NULL, "DINH_LOCALEDIR not set");
	setenv("LANGUAGE", "vi", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_init();
}

static void vi_teardown(void)
{
	unsetenv("LANGUAGE");
	setlocale(LC_ALL, "C.UTF-8");
	scratch_teardown();
}

START_TEST(test_help_vietnamese)
{
	char *o, *e;

	ck_assert_int_eq(run(&o, &e, "--help", NULL), 0);
	ck_assert_msg(strstr(o, "Cách dùng: dinh") != NULL, "not Vietnamese: %s", o);
	ck_assert_ptr_nonnull(strstr(o, "máy chủ"));
	ck_assert_ptr_nonnull(strstr(o, "Mã thoát"));
	free(o);
	free(e);
	ck_assert_int_eq(run(&o, &e, "user", "add", "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(o, "mật khẩu"));
	free(o);
	free(e);
	ck_assert_int_eq(run(&o, &e, "frobnicate", NULL), 1);
	ck_assert_msg(strstr(e, "lệnh") != NULL, "not Vietnamese: %s", e);
	free(o);
	free(e);
}
END_TEST

/* Every message of err_str() has a Vietnamese translation. */
START_TEST(test_err_messages_translated)
{
	for (int c = E_OK; c > E_LAST; c--) {
		const char *en = err_str(c);

		ck_assert_msg(strcmp(_(en), en) != 0, "'%s' is not translated", en);
	}
}
END_TEST

START_TEST(test_password_file)
{
	char *pw = NULL;
	char big[CLI_PASSWORD_MAX + 10];

	write_file(path_in("pw"), "s3cret pass\nsecond line\n");
	ck_assert_int_eq(cli_read_password_file(&pw, path_in("pw")), E_OK);
	ck_assert_str_eq(pw, "s3cret pass");
	cli_free_secret(pw);
	write_file(path_in("pw"), "crlf\r\n");
	ck_assert_int_eq(cli_read_password_file(&pw, path_in("pw")), E_OK);
	ck_assert_str_eq(pw, "crlf");
	cli_free_secret(pw);
	write_file(path_in("pw"), "no newline");
	ck_assert_int_eq(cli_read_password_file(&pw, path_in("pw")), E_OK);
	ck_assert_str_eq(pw, "no newline");
	cli_free_secret(pw);
	write_file(path_in("pw"), "\n");
	ck_assert_int_eq(cli_read_password_file(&pw, path_in("pw")), E_INVAL);
	ck_assert_ptr_null(pw);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file(path_in("pw"), big);
	ck_assert_int_eq(cli_read_password_file(&pw, path_in("pw")), E_TOOBIG);
	ck_assert_ptr_null(pw);
	ck_assert_int_eq(cli_read_password_file(&pw, path_in("missing")), E_IO);
	ck_assert_ptr_null(pw);
	/* the file wins over the environment, the environment over the prompt */
	write_file(path_in("pw"), "from-file\n");
	setenv("DINH_TEST_PW", "from-env", 1);
	ck_assert_int_eq(cli_get_password(&pw, path_in("pw"), "DINH_TEST_PW", "?"), E_OK);
	ck_assert_str_eq(pw, "from-file");
	cli_free_secret(pw);
	ck_assert_int_eq(cli_get_password(&pw, NULL, "DINH_TEST_PW", "?"), E_OK);
	ck_assert_str_eq(pw, "from-env");
	cli_free_secret(pw);
	unsetenv("DINH_TEST_PW");
}
END_TEST

START_TEST(test_text_width)
{
	ck_assert_uint_eq(cli_text_width(""), 0);
	ck_assert_uint_eq(cli_text_width("abc"), 3);
	ck_assert_uint_eq(cli_text_width("Nguyễn Văn An"), 13);
	ck_assert_uint_eq(cli_text_width("Đặng Thị Hường"), 14);
	/* decomposed: e + combining circumflex + combining tilde */
	ck_assert_uint_eq(cli_text_width("Nguye\xcc\x82\xcc\x83n"), 6);
	/* without a UTF-8 locale the fallback counts code points */
	setlocale(LC_ALL, "C");
	ck_assert_uint_eq(cli_text_width("Nguyễn Văn An"), 13);
	ck_assert_uint_eq(cli_text_width("Nguye\xcc\x82\xcc\x83n"), 6);
	setlocale(LC_ALL, "C.UTF-8");
}
END_TEST

/* The display column where @cell starts in @line. */
static size_t column_of(const char *line, const char *cell)
{
	const char *p = strstr(line, cell);
	char pre[512];

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_lt((size_t)(p - line), sizeof(pre));
	memcpy(pre, line, (size_t)(p - line));
	pre[p - line] = '\0';
	return cli_text_width(pre);
}

START_TEST(test_table_vietnamese)
{
	const char *cells[] = {
		"ID",
		"NAME",
		"ROLES",
		"nguyen-van-an",
		"Nguyễn Văn An",
		"chair,delegate",
		"dang-thi-huong",
		"Đặng Thị Hường",
		"clerk",
		"a",
		"Ông Bà Ưng Ửng Ỷ",
		"officer",
	};
	char *text = NULL, *line, *save = NULL;
	size_t len = 0, col = 0, rows = 0;
	const char *third[] = {"ROLES", "chair,delegate", "clerk", "officer"};
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cli_table_print(f, cells, 4, 3), E_OK);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t c = column_of(line, third[rows]);

		if (rows == 0)
			col = c;
		ck_assert_msg(c == col, "row %zu: column at %zu, header at %zu", rows, c, col);
		rows++;
	}
	ck_assert_uint_eq(rows, 4);
	/* widest name is 16 columns, widest id 14: third column at 14+2+16+2 */
	ck_assert_uint_eq(col, 34);
	free(text);
}
END_TEST

START_TEST(test_parse_addr)
{
	char *h, *p;

	ck_assert_int_eq(client_parse_addr("127.0.0.1:4343", "1", &h, &p), E_OK);
	ck_assert_str_eq(h, "127.0.0.1");
	ck_assert_str_eq(p, "4343");
	free(h);
	free(p);
	ck_assert_int_eq(client_parse_addr("[::1]:99", "1", &h, &p), E_OK);
	ck_assert_str_eq(h, "::1");
	ck_assert_str_eq(p, "99");
	free(h);
	free(p);
	ck_assert_int_eq(client_parse_addr("xa-tan-lap.local", "4343", &h, &p), E_OK);
	ck_assert_str_eq(h, "xa-tan-lap.local");
	ck_assert_str_eq(p, "4343");
	free(h);
	free(p);
	ck_assert_int_eq(client_parse_addr("::1", "4343", &h, &p), E_OK);
	ck_assert_str_eq(h, "::1");
	free(h);
	free(p);
	ck_assert_int_eq(client_parse_addr(":80", "1", &h, &p), E_INVAL);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(client_parse_addr("h:0", "1", &h, &p), E_INVAL);
	ck_assert_int_eq(client_parse_addr("h:70000", "1", &h, &p), E_INVAL);
	ck_assert_int_eq(client_parse_addr("h:12x", "1", &h, &p), E_INVAL);
	ck_assert_int_eq(client_parse_addr("[::1", "1", &h, &p), E_INVAL);
	ck_assert_int_eq(client_parse_addr("", "1", &h, &p), E_INVAL);
}
END_TEST

/* --data-dir: the address, CA and admin password come from the directory;
 * each missing piece gives the documented exit status without a server. */
START_TEST(test_data_dir)
{
	char *o, *e;

	RUN_EXPECT(2, "--data-dir", path_in("nothing-here"), "ping");
	mkdir(path_in("ca"), 0700);
	mkdir(path_in("admin"), 0700);
	write_file(path_in("dinhd.addr"), "127.0.0.1:1\n[::1]:1\n");
	/* no admin.pass: authentication failure */
	unsetenv("DINH_PASSWORD");
	RUN_EXPECT(3, "--data-dir", scratch, "ping");
	/* password there, CA missing: TLS failure */
	write_file(path_in("admin/admin.pass"), "pw\n");
	ck_assert_int_eq(run(&o, &e, "--data-dir", scratch, "ping", NULL), 2);
	ck_assert_ptr_nonnull(strstr(e, "ca.pem"));
	free(o);
	free(e);
	/* a bad --server overrides dinhd.addr and is a usage error */
	RUN_EXPECT(1, "--data-dir", scratch, "--server", "host:notaport", "ping");
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");
	TCase *vi = tcase_create("vietnamese");

	tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_add_test(tc, test_exit_codes);
	tcase_add_test(tc, test_usage_errors);
	tcase_add_test(tc, test_no_command);
	tcase_add_test(tc, test_help_english);
	tcase_add_test(tc, test_password_file);
	tcase_add_test(tc, test_text_width);
	tcase_add_test(tc, test_table_vietnamese);
	tcase_add_test(tc, test_parse_addr);
	tcase_add_test(tc, test_data_dir);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(vi, vi_setup, vi_teardown);
	tcase_add_test(vi, test_help_vietnamese);
	tcase_add_test(vi, test_err_messages_translated);
	suite_add_tcase(s, vi);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	/* English unless a test asks otherwise */
	unsetenv("LANGUAGE");
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
