/*
 * test_genxml.c: the XML input of `dinh pdf gen`: every sample of
 * tests/pdf/data parses and renders; a DTD, an entity, an unknown element or
 * attribute, a wrong root and an oversized file are refused; the command
 * writes the PDF and refuses bad usage.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/cli.h"
#include "clients/genxml.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "tests/testutil.h"

static const char *const samples[] = {"receipt", "slip", "agenda", "minutes", "register"};

static int parse(const char *kind, const char *xml)
{
	enum genxml_kind k;
	struct genxml *g = NULL;
	int rc;

	ck_assert_int_eq(genxml_kind_from_name(&k, kind), E_OK);
	rc = genxml_parse(&g, k, xml, strlen(xml));
	ck_assert(rc == E_OK ? g != NULL : g == NULL);
	genxml_free(g);
	return rc;
}

START_TEST(samples_render)
{
	char path[4096], *xml;
	size_t len, plen;
	enum genxml_kind k;
	struct genxml *g;
	uint8_t *pdf;

	snprintf(path, sizeof(path), "%s/tests/pdf/data/%s.xml", getenv("top_srcdir"), samples[_i]);
	ck_assert_int_eq(fs_read_file(path, GENXML_MAX, &xml, &len), E_OK);
	ck_assert_int_eq(genxml_kind_from_name(&k, samples[_i]), E_OK);
	ck_assert_int_eq(genxml_parse(&g, k, xml, len), E_OK);
	ck_assert_int_eq(genxml_render(&pdf, &plen, g), E_OK);
	ck_assert(plen > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
	free(pdf);
	genxml_free(g);
	free(xml);
}
END_TEST

START_TEST(refusals)
{
	enum genxml_kind k;
	struct genxml *g = NULL;
	char *big;

	ck_assert_int_eq(parse("slip", "<slip><code>x</code></slip>"), E_OK);
	ck_assert_int_eq(parse("slip", "<receipt/>"), E_XML);
	ck_assert_int_eq(parse("slip", "<slip><cod>x</cod></slip>"), E_XML);
	ck_assert_int_eq(parse("slip", "<slip x='1'/>"), E_XML);
	ck_assert_int_eq(parse("slip", "<slip><head issuer='a' colour='red'/></slip>"), E_XML);
	ck_assert_int_eq(parse("slip", "<slip><handover timing='soon'/></slip>"), E_XML);
	ck_assert_int_eq(
		parse("minutes", "<minutes><attendee present='maybe'>A</attendee></minutes>"),
		E_XML);
	ck_assert_int_eq(parse("minutes", "<minutes><item><vote><ballot choice='si'>A</ballot>"
					  "</vote></item></minutes>"),
			 E_XML);
	ck_assert_int_eq(parse("register", "<register book='xyz'/>"), E_XML);
	ck_assert_int_eq(parse("register", "<register book='den'><row><cell/><cell/><cell/><cell/>"
					   "<cell/><cell/><cell/><cell/><cell/><cell/><cell/></row>"
					   "</register>"),
			 E_XML);
	ck_assert_int_eq(parse("slip", "<!DOCTYPE slip [<!ENTITY e 'boom'>]><slip><code>&e;</code>"
				       "</slip>"),
			 E_XML);
	ck_assert_int_eq(parse("slip", "<slip><code>x</slip>"), E_XML);
	ck_assert_int_eq(genxml_kind_from_name(&k, "letter"), E_INVAL);
	big = calloc(1, GENXML_MAX + 2);
	memset(big, ' ', GENXML_MAX + 1);
	ck_assert_int_eq(genxml_parse(&g, GENXML_SLIP, big, GENXML_MAX + 1), E_TOOBIG);
	ck_assert_ptr_null(g);
	free(big);
}
END_TEST

START_TEST(command_line)
{
	char in[4096], dir[] = "/tmp/test_genxml.XXXXXX", out[4200];
	char *a1[] = {"dinh", "pdf", "gen", "receipt", in, out, NULL};
	char *a2[] = {"dinh", "pdf", "gen", "letter", in, out, NULL};
	char *a3[] = {"dinh", "pdf", "gen", "receipt", in, NULL};
	char *a4[] = {"dinh", "pdf", "gen", "slip", in, out, NULL};

	snprintf(in, sizeof(in), "%s/tests/pdf/data/receipt.xml", getenv("top_srcdir"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/r.pdf", dir);
	ck_assert_int_eq(cli_main(6, a1), CLI_EXIT_OK);
	ck_assert(fs_exists(out));
	ck_assert_int_eq(cli_main(6, a2), CLI_EXIT_USAGE);
	ck_assert_int_eq(cli_main(5, a3), CLI_EXIT_USAGE);
	ck_assert_int_ne(cli_main(6, a4), CLI_EXIT_OK); /* a receipt is not a slip */
	tu_rm_tree(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("genxml");
	TCase *t = tcase_create("genxml");
	int rc;

	tcase_set_timeout(t, 60);
	tcase_add_checked_fixture(t, NULL, gen_release_caches);
	tcase_add_loop_test(t, samples_render, 0, 5);
	tcase_add_test(t, refusals);
	tcase_add_test(t, command_line);
	suite_add_tcase(s, t);
	rc = tu_run(s);
	return rc;
}
