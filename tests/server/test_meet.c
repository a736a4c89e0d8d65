/*
 * test_meet.c: a meeting's model (server/meet_model.c): meeting.xml
 * written and read back the same, refusal of what does not fit the model
 * (nothing half-read), who sees which confidential item, putting the
 * durable part back after a failed change while the room and the ballots
 * stay, and the shard of a person's files.
 */
#include "config.h"

#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/roles.h"
#include "server/meet_priv.h"
#include "tests/testutil.h"

#define SHA_A "12170744bb1ad22f4dd9b14f16287609075f8fcb3e6a1afc84b66db98ef76a01"
#define SHA_B "43a42aa5a68d82d816e7f90ea19e626b49bdaef6f1654f8f827d5b08a79621bd"

static const char *xml =
	"<meeting id=\"2026-0007\" state=\"published\" title=\"Họp giao ban tháng 12\" "
	"start=\"2026-12-05 08:00\" place=\"Hội trường UBND xã\" chair=\"an\" secretary=\"binh\" "
	"created=\"1796288154\" minutes-signatures=\"0\">"
	"<member id=\"cuong\"/><member id=\"dung\"/><member id=\"na-pan\" hall=\"1\"/>"
	"<item title=\"Báo cáo kinh tế - xã hội\" presenter=\"cuong\" time=\"08:00\">"
	"<doc sha256=\"" SHA_A "\" name=\"bao-cao.pdf\" size=\"72394\"/>"
	"<conclusion lead=\"cuong\" due=\"2026-12-20\">Hoàn thiện báo cáo</conclusion></item>"
	"<item title=\"Công tác cán bộ\" confidential=\"1\" invite=\"dung\">"
	"<doc sha256=\"" SHA_B "\" name=\"nhan-su.pdf\" size=\"74508\" prefix=\"" SHA_A
	"\" prefix-size=\"100\"/></item>"
	"<version n=\"2\" at=\"1796288160\" agenda=\"" SHA_A "\">"
	"<audience mask=\"2\" manifest=\"" SHA_A "\" cms=\"" SHA_B "\"/></version>"
	"<vote item=\"1\" motion=\"Thông qua báo cáo\" opened=\"1796288161\" closed=\"1796288162\" "
	"yes=\"2\" no=\"1\" abstain=\"0\"/>"
	"<conclusion>Các thôn triển khai</conclusion></meeting>";

START_TEST(round_trip)
{
	struct meeting *m = NULL, *again = NULL;
	char *out = NULL, *out2 = NULL;

	ck_assert_int_eq(meet_from_xml(&m, xml, strlen(xml)), E_OK);
	ck_assert_str_eq(m->id, "2026-0007");
	ck_assert_uint_eq(m->n_members, 3);
	ck_assert_int_eq(m->members[2].hall, 1);
	ck_assert_uint_eq(m->n_items, 2);
	ck_assert_str_eq(m->items[1].docs[0].prefix, SHA_A);
	ck_assert_uint_eq(m->items[1].docs[0].prefix_size, 100);
	ck_assert_str_eq(m->items[0].task_due, "2026-12-20");
	ck_assert_uint_eq(m->pub.n, 2);
	ck_assert_uint_eq(m->pub.n_aud, 1);
	ck_assert_uint_eq(m->votes[0].count[MC_YES], 2);
	ck_assert_str_eq(m->conclusion, "Các thôn triển khai");
	ck_assert_int_eq(meet_to_xml(m, &out), E_OK);
	ck_assert_int_eq(meet_from_xml(&again, out, strlen(out)), E_OK);
	ck_assert_int_eq(meet_to_xml(again, &out2), E_OK);
	ck_assert_str_eq(out, out2);
	g_free(out);
	g_free(out2);
	meet_free(m);
	meet_free(again);
}
END_TEST

START_TEST(refusals)
{
	static const char *bad[] = {
		"<meeting state=\"draft\"/>", /* no id */
		"<meeting id=\"2026-0001\" state=\"draft\"><member id=\"a\"/><member id=\"a\"/>"
		"</meeting>",
		"<meeting id=\"2026-0001\" state=\"draft\"><vote item=\"3\" "
		"motion=\"m\"/></meeting>",
		"<meeting id=\"2026-0001\" state=\"draft\"><item/></meeting>",
		"<meeting id=\"2026-0001\" state=\"draft\"><item title=\"t\"><doc sha256=\"x\"/>"
		"</item></meeting>",
		"<!DOCTYPE m [<!ENTITY a \"b\">]><meeting id=\"2026-0001\" state=\"draft\"/>",
		"<meeting id=\"2026-0001\" state=\"draft\"",
		"<other id=\"2026-0001\" state=\"draft\"/>",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct meeting *m = (struct meeting *)1;

		ck_assert_int_eq(meet_from_xml(&m, bad[i], strlen(bad[i])), E_CORRUPT);
		ck_assert_ptr_null(m);
	}
}
END_TEST

START_TEST(visibility)
{
	struct meeting *m = NULL;

	ck_assert_int_eq(meet_from_xml(&m, xml, strlen(xml)), E_OK);
	/* Item 2 is confidential: for those invited and those who run it. */
	ck_assert_uint_eq(meet_mask(m, "cuong", ROLE_DELEGATE), 0);
	ck_assert_uint_eq(meet_mask(m, "dung", ROLE_DELEGATE), 2);
	ck_assert_uint_eq(meet_mask(m, "an", ROLE_CHAIR), 2);
	ck_assert_uint_eq(meet_mask(m, "someone", ROLE_ADMIN), 2);
	ck_assert_int_eq(meet_item_visible(m, 0, 0), 1);
	ck_assert_int_eq(meet_item_visible(m, 1, 0), 0);
	ck_assert_int_eq(meet_item_visible(m, 1, 2), 1);
	ck_assert_int_eq(meet_item_visible(m, 5, 0xff), 0);
	ck_assert_int_eq(meet_runs(m, "binh", ROLE_SECRETARY), 1);
	ck_assert_int_eq(meet_runs(m, "cuong", ROLE_DELEGATE), 0);
	ck_assert_ptr_nonnull(meet_member(m, "na-pan"));
	ck_assert_ptr_null(meet_member(m, "an")); /* chairs without being listed */
	meet_free(m);
}
END_TEST

START_TEST(restore_keeps_room_and_ballots)
{
	struct meeting *m = NULL;
	char *saved = NULL, *now = NULL;
	struct meet_vote *v;

	ck_assert_int_eq(meet_from_xml(&m, xml, strlen(xml)), E_OK);
	ck_assert_int_eq(meet_to_xml(m, &saved), E_OK);
	/* A change that will fail: a vote opened, a ballot cast, the state
	 * moved; meanwhile the room moved on. */
	v = &m->votes[m->n_votes++];
	v->item = 1;
	v->motion = g_strdup("Biểu quyết thứ hai");
	v->open = 1;
	v->ballots = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	v->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_replace(m->votes[0].ballots, g_strdup("cuong"), GINT_TO_POINTER(MC_YES + 1));
	m->state = MS_CLOSED;
	m->cur_page = 7;
	g_free(m->items[0].title);
	m->items[0].title = g_strdup("Đã đổi");
	ck_assert_int_eq(meet_restore(m, saved), E_OK);
	ck_assert_uint_eq(m->n_votes, 1);
	ck_assert_int_eq(m->state, MS_PUBLISHED);
	ck_assert_str_eq(m->items[0].title, "Báo cáo kinh tế - xã hội");
	ck_assert_uint_eq(m->cur_page, 7);
	ck_assert_ptr_nonnull(g_hash_table_lookup(m->votes[0].ballots, "cuong"));
	ck_assert_int_eq(meet_to_xml(m, &now), E_OK);
	ck_assert_str_eq(now, saved);
	g_free(saved);
	g_free(now);
	meet_free(m);
}
END_TEST

START_TEST(shards_and_choices)
{
	char a[64], b[64], tiny[8];

	ck_assert_int_eq(meet_shard("pham-van-cuong", a, sizeof(a)), E_OK);
	ck_assert_int_eq(meet_shard("pham-van-cuong", b, sizeof(b)), E_OK);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(strlen(a), 3 + strlen("pham-van-cuong"));
	ck_assert_int_eq(a[2], '/');
	ck_assert_int_eq(meet_shard("pham-van-cuong", tiny, sizeof(tiny)), E_TOOBIG);
	ck_assert_int_eq(meet_choice_parse("yes"), MC_YES);
	ck_assert_int_eq(meet_choice_parse("abstain"), MC_ABSTAIN);
	ck_assert_int_eq(meet_choice_parse("Yes"), MC_NONE);
	ck_assert_int_eq(meet_choice_parse(NULL), MC_NONE);
	ck_assert_str_eq(meet_choice_name(MC_NO), "no");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("meet");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, visibility);
	tcase_add_test(tc, restore_keeps_room_and_ballots);
	tcase_add_test(tc, shards_and_choices);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
