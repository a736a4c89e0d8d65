/*
 * test_conf.c: dinhd.conf gives defaults when missing, reads every key,
 * and refuses unknown keys and bad values with a message naming them.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "server/conf.h"
#include "tests/testutil.h"

static char path[64];

static void write_conf(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/dinh-test-conf-XXXXXX");
	ck_assert_int_ge(mkstemp(path), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void teardown(void)
{
	if (path[0])
		unlink(path);
	path[0] = '\0';
}

START_TEST(defaults_when_missing)
{
	struct config *c = NULL;

	ck_assert_int_eq(config_load(&c, "/nonexistent/dinhd.conf"), E_OK);
	ck_assert_uint_eq(c->idle_timeout, 300);
	ck_assert_uint_eq(c->handshake_timeout, 10);
	ck_assert_uint_eq(c->max_handshakes, 256);
	ck_assert_uint_eq(c->max_sessions, 20000);
	ck_assert_int_eq(c->allow_tls12, 0);
	ck_assert_uint_eq(c->n_listen, 0);
	ck_assert_str_eq(c->commune, CONFIG_DEFAULT_COMMUNE);
	config_free(c);
}
END_TEST

START_TEST(every_key)
{
	struct config *c = NULL;

	write_conf("[server]\nlisten=127.0.0.1:0;[::1]:4343\nnames=xa.example;10.0.0.5\n"
		   "commune=UBND xã Tân Lập\nidle-timeout=2\nmax-sessions=10\n"
		   "max-handshakes=3\ncert-days=90\n[tls]\nallow-tls12=true\n"
		   "handshake-timeout=4\n[log]\nlevel=debug\n[workflow]\nissuer=UBND\n"
		   "agency=000.00.00.H01\n[signing]\ntrust=/etc/a.pem;/etc/b.pem\n");
	ck_assert_int_eq(config_load(&c, path), E_OK);
	ck_assert_uint_eq(c->n_listen, 2);
	ck_assert_str_eq(c->listen[1], "[::1]:4343");
	ck_assert_uint_eq(c->n_names, 2);
	ck_assert_str_eq(c->names[0], "xa.example");
	ck_assert_str_eq(c->commune, "UBND xã Tân Lập");
	ck_assert_uint_eq(c->idle_timeout, 2);
	ck_assert_uint_eq(c->max_sessions, 10);
	ck_assert_uint_eq(c->max_handshakes, 3);
	ck_assert_uint_eq(c->cert_days, 90);
	ck_assert_int_eq(c->allow_tls12, 1);
	ck_assert_uint_eq(c->handshake_timeout, 4);
	ck_assert_int_eq(c->log_level, LOG_LVL_DEBUG);
	ck_assert_str_eq(c->agency, "000.00.00.H01");
	ck_assert_uint_eq(c->n_trust, 2);
	ck_assert_str_eq(c->trust[1], "/etc/b.pem");
	config_free(c);
}
END_TEST

START_TEST(unknown_key_named)
{
	struct config *c = NULL;

	write_conf("[server]\nidle-timout=5\n");
	ck_assert_int_eq(config_load(&c, path), E_CONFIG);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(err_detail(), "idle-timout"));
	teardown();
	write_conf("[sever]\n");
	ck_assert_int_eq(config_load(&c, path), E_CONFIG);
	ck_assert_ptr_nonnull(strstr(err_detail(), "[sever]"));
}
END_TEST

START_TEST(bad_values)
{
	static const char *bad[] = {
		"[server]\nidle-timeout=0\n",
		"[server]\nidle-timeout=ten\n",
		"[server]\nmax-sessions=-1\n",
		"[tls]\nallow-tls12=maybe\n",
		"[log]\nlevel=loud\n",
		"[server]\nlisten=nowhere\n",
		"[server]\nlisten=1.2.3.4:70000\n",
		"not an ini file\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct config *c = NULL;

		write_conf(bad[i]);
		ck_assert_msg(config_load(&c, path) == E_CONFIG, "accepted: %s", bad[i]);
		ck_assert_ptr_null(c);
		teardown();
	}
}
END_TEST

START_TEST(addresses)
{
	char *host = NULL;
	unsigned port = 0;

	ck_assert_int_eq(config_parse_addr("127.0.0.1:4343", &host, &port), E_OK);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_uint_eq(port, 4343);
	free(host);
	ck_assert_int_eq(config_parse_addr("[::1]:0", &host, &port), E_OK);
	ck_assert_str_eq(host, "::1");
	ck_assert_uint_eq(port, 0);
	free(host);
	/* Without brackets the last colon separates the port. */
	ck_assert_int_eq(config_parse_addr("::1:80", &host, &port), E_OK);
	ck_assert_str_eq(host, "::1");
	ck_assert_uint_eq(port, 80);
	free(host);
	ck_assert_int_eq(config_parse_addr("[::1]80", &host, &port), E_CONFIG);
	ck_assert_int_eq(config_parse_addr(":80", &host, &port), E_CONFIG);
	ck_assert_int_eq(config_parse_addr("host:", &host, &port), E_CONFIG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, defaults_when_missing);
	tcase_add_test(tc, every_key);
	tcase_add_test(tc, unknown_key_named);
	tcase_add_test(tc, bad_values);
	tcase_add_test(tc, addresses);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
