/*
 * test_def.c: the shipped workflow definitions load and are consistent, and
 * every kind of bad definition is refused with "FILE:LINE: reason".
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/roles.h"
#include "workflow/def.h"
#include "tests/testutil.h"

#define HEAD                                                                                \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                      \
	"<workflow xmlns=\"urn:dinh:workflow:1\" id=\"t\" name=\"Thử\" kind=\"document\"" \
	" register=\"t\" create-roles=\"clerk\">\n"
#define STATES                                               \
	"<state id=\"a\" name=\"Mở\" initial=\"true\"/>\n" \
	"<state id=\"b\" name=\"Đóng\" final=\"true\"/>\n"
#define TAIL "</workflow>\n"

static char tmpdir[64];
static struct def_set *set;

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dinh-test-def-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	set = NULL;
	ck_assert_int_eq(def_set_new(&set), E_OK);
}

static void teardown(void)
{
	def_set_free(set);
	tu_rm_tree(tmpdir);
}

static void write_file(const char *name, const char *text, size_t len)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* def_parse of @xml must fail with E_CONFIG, a detail starting with @prefix
 * and containing @reason, and leave the set empty. */
static void refused(const char *xml, const char *prefix, const char *reason)
{
	int rc = def_parse(set, "bad.xml", xml, strlen(xml));

	ck_assert_int_eq(rc, E_CONFIG);
	ck_assert_msg(!strncmp(err_detail(), prefix, strlen(prefix)), "detail \"%s\", want \"%s\"",
		      err_detail(), prefix);
	ck_assert_msg(strstr(err_detail(), reason), "detail \"%s\", want \"%s\"", err_detail(),
		      reason);
	ck_assert_uint_eq(def_workflow_count(set), 0);
	ck_assert_uint_eq(def_procedure_count(set), 0);
}

START_TEST(defaults_load)
{
	struct def_set *d = NULL;
	const struct def_workflow *wf;
	const struct def_procedure *p;

	ck_assert_int_eq(def_load(&d, NULL), E_OK);
	ck_assert_uint_eq(def_workflow_count(d), 4);
	ck_assert_ptr_nonnull(def_workflow(d, "task"));
	ck_assert_ptr_nonnull(def_workflow(d, "incoming"));
	ck_assert_ptr_nonnull(def_workflow(d, "outgoing"));
	wf = def_workflow(d, "dossier");
	ck_assert_ptr_nonnull(wf);
	ck_assert_int_eq(wf->kind, DEF_KIND_DOSSIER);
	ck_assert_str_eq(wf->reg, "hs");
	ck_assert_str_eq(def_initial(wf)->id, "submitted");
	ck_assert_uint_ge(def_procedure_count(d), 8);
	p = def_procedure(d, "khai-sinh");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->name, "Đăng ký khai sinh");
	ck_assert_ptr_nonnull(p->papers[0]);
	ck_assert_ptr_nonnull(def_procedure(d, "thuong-tru"));
	ck_assert_uint_eq(def_procedure(d, "thuong-tru")->days, 7);
	ck_assert_uint_eq(def_procedure(d, "chung-thuc-ban-sao")->fee, 2000);
	def_set_free(d);
}
END_TEST

/* Every state of a shipped workflow is reachable from the initial one, and
 * only final states have no way out. */
START_TEST(defaults_consistent)
{
	struct def_set *d = NULL;

	ck_assert_int_eq(def_load(&d, NULL), E_OK);
	for (size_t w = 0; w < def_workflow_count(d); w++) {
		const struct def_workflow *wf = def_workflow_at(d, w);
		int reach[DEF_STATES_MAX] = {0}, out[DEF_STATES_MAX] = {0}, more = 1;

		ck_assert_ptr_nonnull(def_initial(wf));
		ck_assert_ptr_nonnull(wf->name);
		ck_assert_uint_ne(wf->create_roles, 0);
		reach[def_state_index(wf, def_initial(wf)->id)] = 1;
		while (more) {
			more = 0;
			for (size_t i = 0; i < wf->n_trans; i++)
				if (reach[wf->trans[i].from] && !reach[wf->trans[i].to])
					reach[wf->trans[i].to] = more = 1;
		}
		for (size_t i = 0; i < wf->n_trans; i++) {
			ck_assert_uint_ne(wf->trans[i].roles, 0);
			ck_assert_ptr_nonnull(wf->trans[i].name);
			out[wf->trans[i].from] = 1;
		}
		for (size_t i = 0; i < wf->n_states; i++) {
			ck_assert_msg(reach[i], "%s: %s unreachable", wf->id, wf->states[i].id);
			ck_assert_msg(out[i] == !wf->states[i].final, "%s: %s", wf->id,
				      wf->states[i].id);
		}
	}
	ck_assert_ptr_null(def_workflow_at(d, def_workflow_count(d)));
	ck_assert_ptr_null(def_procedure_at(d, def_procedure_count(d)));
	def_set_free(d);
}
END_TEST

START_TEST(lookups)
{
	struct def_set *d = NULL;
	const struct def_workflow *in, *outg, *dos;
	const struct def_transition *t;

	ck_assert_int_eq(def_load(&d, NULL), E_OK);
	in = def_workflow(d, "incoming");
	t = def_transition(in, "received", "register");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->roles, ROLE_CLERK);
	ck_assert_int_eq(t->number, 1);
	ck_assert_str_eq(in->states[t->to].id, "registered");
	t = def_transition(in, "registered", "assign");
	ck_assert_int_eq(t->sets_due, 1);
	ck_assert_uint_eq(t->due_days, 0);
	ck_assert_uint_eq(t->roles, ROLE_CHAIR | ROLE_VICE_CHAIR);
	ck_assert_str_eq(t->fields[0], "lead");
	ck_assert_int_eq(def_transition(in, "assigned", "accept")->lead_only, 1);
	ck_assert_ptr_null(def_transition(in, "received", "assign"));
	ck_assert_ptr_null(def_transition(in, "nowhere", "register"));
	ck_assert_int_eq(def_state_index(in, "nowhere"), -1);
	outg = def_workflow(d, "outgoing");
	ck_assert_int_eq(def_transition(outg, "checked", "sign")->needs_signed_pdf, 1);
	ck_assert_int_eq(def_transition(outg, "numbered", "seal")->needs_signed_pdf, 1);
	ck_assert_int_eq(def_transition(outg, "approved", "return")->to, 0);
	ck_assert_int_eq(def_transition(outg, "checked", "return")->to, 0);
	dos = def_workflow(d, "dossier");
	ck_assert_int_eq(def_transition(dos, "submitted", "request_supplement")->clock,
			 DEF_CLOCK_STOP);
	t = def_transition(dos, "awaiting_supplement", "supplement");
	ck_assert_int_eq(t->clock, DEF_CLOCK_RESUME);
	ck_assert_int_eq(t->due_procedure, 1);
	ck_assert_uint_eq(def_transition(dos, "submitted", "receive")->roles, ROLE_DESK);
	ck_assert_int_eq(dos->states[def_state_index(dos, "returned")].resolved, 1);
	ck_assert_int_eq(in->states[def_state_index(in, "done")].resolved, 1);
	ck_assert_int_eq(in->states[def_state_index(in, "in_process")].resolved, 0);
	ck_assert_ptr_null(def_workflow(d, "nope"));
	ck_assert_ptr_null(def_procedure(d, "nope"));
	def_set_free(d);
}
END_TEST

START_TEST(parse_minimal)
{
	const char *xml = HEAD "<create-field name=\"subject\"/>" STATES
			       "<transition id=\"close\" name=\"Đóng\" from=\"a\" to=\"b\""
			       " roles=\"clerk, officer\" due-days=\"5\" clock=\"stop\">"
			       "<field name=\"reason\"/></transition>" TAIL;
	const struct def_transition *t;

	ck_assert_int_eq(def_parse(set, "ok.xml", xml, strlen(xml)), E_OK);
	ck_assert_uint_eq(def_workflow_count(set), 1);
	t = def_transition(def_workflow(set, "t"), "a", "close");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->roles, ROLE_CLERK | ROLE_OFFICER);
	ck_assert_int_eq(t->sets_due, 1);
	ck_assert_uint_eq(t->due_days, 5);
	ck_assert_uint_eq(t->n_fields, 1);
	ck_assert_str_eq(def_workflow(set, "t")->create_fields[0], "subject");
}
END_TEST

START_TEST(malformed_xml)
{
	/* the unclosed <state> of line 5 is found at </workflow> on line 6 */
	refused(HEAD STATES "<state id=\"c\" name=\"C\">\n" TAIL, "bad.xml:6:", "mismatch");
	refused(HEAD "<state id=\"a\" name=\"A\" initial=\"true\"/ >\n" TAIL, "bad.xml:3:", "");
}
END_TEST

START_TEST(unknown_element)
{
	refused(HEAD STATES "<colour name=\"red\"/>\n" TAIL, "bad.xml:5:", "colour");
}
END_TEST

START_TEST(unknown_attribute)
{
	refused(HEAD "<state id=\"a\" name=\"A\" initial=\"true\" colour=\"red\"/>\n" TAIL,
		"bad.xml:3:", "colour");
}
END_TEST

START_TEST(doctype_refused)
{
	refused("<?xml version=\"1.0\"?>\n<!DOCTYPE workflow SYSTEM \"file:///etc/passwd\">\n"
		"<workflow/>\n",
		"bad.xml:", "DOCTYPE not allowed");
}
END_TEST

START_TEST(entities_refused)
{
	refused("<?xml version=\"1.0\"?>\n<!DOCTYPE workflow [\n"
		"<!ENTITY a \"aaaaaaaaaaaaaaaaaaaa\">\n"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		"]>\n<workflow xmlns=\"urn:dinh:workflow:1\" id=\"&c;\"/>\n",
		"bad.xml:", "DOCTYPE not allowed");
}
END_TEST

START_TEST(two_initial_states)
{
	refused(HEAD STATES "<state id=\"c\" name=\"C\" initial=\"true\"/>\n" TAIL,
		"bad.xml:2:", "2 initial states");
	refused(HEAD "<state id=\"a\" name=\"A\"/>\n" TAIL, "bad.xml:2:", "0 initial states");
}
END_TEST

START_TEST(duplicate_state)
{
	refused(HEAD STATES "<state id=\"a\" name=\"C\"/>\n" TAIL,
		"bad.xml:5:", "state \"a\" defined twice");
}
END_TEST

START_TEST(unknown_state)
{
	refused(HEAD STATES
		"<transition id=\"go\" name=\"Đi\" from=\"a\" to=\"z\" roles=\"clerk\"/>\n" TAIL,
		"bad.xml:5:", "to unknown state \"z\"");
	refused(HEAD STATES
		"<transition id=\"go\" name=\"Đi\" from=\"y\" to=\"b\" roles=\"clerk\"/>\n" TAIL,
		"bad.xml:5:", "from unknown state \"y\"");
}
END_TEST

START_TEST(unknown_role)
{
	refused(HEAD STATES "<transition id=\"go\" name=\"Đi\" from=\"a\" to=\"b\" "
			    "roles=\"clerk,mayor\"/>\n" TAIL,
		"bad.xml:5:", "unknown role");
}
END_TEST

START_TEST(final_state_outgoing)
{
	refused(HEAD STATES
		"<transition id=\"go\" name=\"Đi\" from=\"b\" to=\"a\" roles=\"clerk\"/>\n" TAIL,
		"bad.xml:5:", "final state");
}
END_TEST

START_TEST(duplicate_transition)
{
	refused(HEAD STATES
		"<transition id=\"go\" name=\"Đi\" from=\"a\" to=\"b\" roles=\"clerk\"/>\n"
		"<transition id=\"go\" name=\"Đi\" from=\"a\" to=\"b\" roles=\"clerk\"/>\n" TAIL,
		"bad.xml:6:", "defined twice");
}
END_TEST

START_TEST(oversized_file)
{
	size_t len = DEF_FILE_MAX + 1;
	char *big = malloc(len + 1);

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', len);
	big[len] = '\0';
	memcpy(big, HEAD STATES TAIL, strlen(HEAD STATES TAIL));
	ck_assert_int_eq(def_parse(set, "big.xml", big, len), E_CONFIG);
	ck_assert_ptr_nonnull(strstr(err_detail(), "big.xml: "));
	ck_assert_uint_eq(def_workflow_count(set), 0);
	write_file("big.xml", big, len);
	free(big);
	{
		struct def_set *d = (struct def_set *)1;

		ck_assert_int_eq(def_load(&d, tmpdir), E_CONFIG);
		ck_assert_ptr_null(d);
		ck_assert_ptr_nonnull(strstr(err_detail(), "big.xml"));
	}
}
END_TEST

START_TEST(directory_replaces_default)
{
	const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<workflow xmlns=\"urn:dinh:workflow:1\" id=\"incoming\" name=\"Đến\""
			  " kind=\"document\" register=\"den2\" create-roles=\"clerk\">\n" STATES
			  "<transition id=\"close\" name=\"Đóng\" from=\"a\" to=\"b\" "
			  "roles=\"clerk\"/>\n" TAIL;
	const char *procs = "<procedures xmlns=\"urn:dinh:workflow:1\">"
			    "<procedure id=\"x\" name=\"X\" days=\"2\" fee=\"5000\">"
			    "<paper> Đơn </paper></procedure></procedures>";
	struct def_set *d = NULL;
	const struct def_workflow *wf;

	write_file("10-incoming.xml", xml, strlen(xml));
	write_file("20-procedures.xml", procs, strlen(procs));
	write_file("notes.txt", "not xml", 7);
	ck_assert_int_eq(def_load(&d, tmpdir), E_OK);
	ck_assert_uint_eq(def_workflow_count(d), 4);
	wf = def_workflow(d, "incoming");
	ck_assert_str_eq(wf->reg, "den2");
	ck_assert_uint_eq(wf->n_states, 2);
	ck_assert_ptr_nonnull(def_transition(wf, "a", "close"));
	ck_assert_ptr_nonnull(def_workflow(d, "outgoing"));
	ck_assert_uint_eq(def_procedure_count(d), 1);
	ck_assert_str_eq(def_procedure(d, "x")->papers[0], "Đơn");
	ck_assert_ptr_null(def_procedure(d, "x")->papers[1]);
	ck_assert_uint_eq(def_procedure(d, "x")->fee, 5000);
	ck_assert_ptr_null(def_procedure(d, "khai-sinh"));
	def_set_free(d);
}
END_TEST

START_TEST(directory_bad_file)
{
	const char *bad = HEAD STATES "<state id=\"c\" name=\"C\" initial=\"true\"/>\n" TAIL;
	struct def_set *d = (struct def_set *)1;
	char want[200];

	write_file("50-bad.xml", bad, strlen(bad));
	ck_assert_int_eq(def_load(&d, tmpdir), E_CONFIG);
	ck_assert_ptr_null(d);
	snprintf(want, sizeof(want), "%s/50-bad.xml:2: ", tmpdir);
	ck_assert_msg(!strncmp(err_detail(), want, strlen(want)), "detail \"%s\"", err_detail());
}
END_TEST

START_TEST(refusal_keeps_set)
{
	const char *ok = HEAD STATES TAIL;
	const char *bad = HEAD "<state id=\"a\" name=\"A\"/>\n" TAIL;

	ck_assert_int_eq(def_parse(set, "ok.xml", ok, strlen(ok)), E_OK);
	ck_assert_int_eq(def_parse(set, "bad.xml", bad, strlen(bad)), E_CONFIG);
	ck_assert_uint_eq(def_workflow_count(set), 1);
	ck_assert_uint_eq(def_workflow(set, "t")->n_states, 2);
	ck_assert_int_eq(def_parse(set, "empty.xml", "", 0), E_CONFIG);
}
END_TEST

static Suite *def_suite(void)
{
	Suite *s = suite_create("def");
	TCase *tc = tcase_create("defaults");
	TCase *bad = tcase_create("refused");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults_load);
	tcase_add_test(tc, defaults_consistent);
	tcase_add_test(tc, lookups);
	tcase_add_test(tc, parse_minimal);
	tcase_add_test(tc, directory_replaces_default);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, malformed_xml);
	tcase_add_test(bad, unknown_element);
	tcase_add_test(bad, unknown_attribute);
	tcase_add_test(bad, doctype_refused);
	tcase_add_test(bad, entities_refused);
	tcase_add_test(bad, two_initial_states);
	tcase_add_test(bad, duplicate_state);
	tcase_add_test(bad, unknown_state);
	tcase_add_test(bad, unknown_role);
	tcase_add_test(bad, final_state_outgoing);
	tcase_add_test(bad, duplicate_transition);
	tcase_add_test(bad, oversized_file);
	tcase_add_test(bad, directory_bad_file);
	tcase_add_test(bad, refusal_keeps_set);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return tu_run(def_suite());
}
