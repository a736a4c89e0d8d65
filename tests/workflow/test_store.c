/*
 * test_store.c: the store writer applies changes by the rules of the
 * shipped workflows, one commit each, durable before they are reported,
 * numbered without gaps or duplicates, each request applied once, and the
 * repository stays one that `git fsck --strict` accepts.
 */
#include "config.h"

#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/roles.h"
#include "tests/testutil.h"
#include "tests/workflow/storeutil.h"
#include "workflow/calendar.h"
#include "workflow/def.h"
#include "workflow/repo.h"
#include "workflow/store.h"

static const struct wf_actor clerk = {"van-thu", "Trần Thị Bình", "ab12", ROLE_CLERK};
static const struct wf_actor chair = {"chu-tich", "Nguyễn Văn An", "cd34", ROLE_CHAIR};
static const struct wf_actor desk = {"mot-cua", "Hoàng Thị Dung", "9abc", ROLE_DESK};
static const struct wf_actor officer = {"can-bo", "Lê Văn Cường", "ef56", ROLE_OFFICER};
static const struct wf_actor officer2 = {"can-bo-2", "Phạm Thị Dung", "0789", ROLE_OFFICER};

static void setup(void)
{
	su_setup_store(0);
}

/* Creates an incoming document as the clerk; returns its id (static). */
static const char *create_incoming(void)
{
	static char id[DOC_ID_MAX];
	struct store_req *r = su_req(&clerk, WF_CREATE, NULL, NULL);

	r->ch.workflow = "incoming";
	su_field(r, "Subject", "Về việc tổ chức hội nghị tổng kết năm 2026");
	su_field(r, "OrganName", "UBND huyện Mẫu Sơn");
	r = su_roundtrip(r);
	ck_assert_msg(r->rc == E_OK, "create: %s", r->detail);
	snprintf(id, sizeof(id), "%s", r->doc_id);
	store_req_free(r);
	return id;
}

/* Takes @action; returns the result code, and the number in @num if given. */
static int act(const struct wf_actor *who, const char *doc, const char *action, char *num)
{
	struct store_req *r = su_req(who, WF_ACT, doc, action);
	int rc;

	su_field(r, "CodeNumber", "123");
	su_field(r, "CodeNotation", "UBND-VP");
	su_field(r, "IssuedDate", "2026-11-30");
	su_field(r, "Description", "Đã báo cáo");
	r->ch.lead = "can-bo";
	r->ch.due = "2026-12-15";
	r = su_roundtrip(r);
	rc = r->rc;
	if (num)
		snprintf(num, 64, "%s", r->number);
	store_req_free(r);
	return rc;
}

START_TEST(route_incoming)
{
	const char *id = create_incoming();
	char num[64], path[256], doc[DOC_ID_MAX];
	struct repo *reader;
	struct doc *d;

	snprintf(doc, sizeof(doc), "%s", id);
	ck_assert_int_eq(strncmp(doc + 4, "-den-", 5), 0);
	ck_assert_int_eq(act(&clerk, doc, "register", num), E_OK);
	ck_assert_str_eq(num, "01");
	ck_assert_int_eq(act(&chair, doc, "assign", NULL), E_OK);
	ck_assert_int_eq(act(&officer, doc, "accept", NULL), E_OK);
	ck_assert_int_eq(act(&officer, doc, "finish", NULL), E_OK);
	ck_assert_int_eq(act(&clerk, doc, "archive", NULL), E_OK);

	/* A reader sees the final state; the trail has every step. */
	ck_assert_int_eq(repo_open(&reader, su.repo_path, 0, "t"), E_OK);
	ck_assert_int_eq(store_get(reader, doc, &d), E_OK);
	ck_assert_str_eq(d->state, "archived");
	ck_assert_str_eq(d->number, "01");
	ck_assert_str_eq(d->lead, "can-bo");
	ck_assert_str_eq(d->due, "2026-12-15");
	ck_assert_uint_eq(d->n_steps, 6);
	ck_assert_str_eq(d->steps[1].action, "register");
	ck_assert_str_eq(d->steps[1].actor_name, "Trần Thị Bình");
	doc_free(d);
	repo_close(reader);

	/* Plain git tells the story: six commits on the document's path,
	 * the acting person as author, trailers for machines. */
	ck_assert_int_eq(doc_path(doc, path, sizeof(path)), E_OK);
	{
		char args[600];

		snprintf(args, sizeof(args), "log --format=%%an -- %s | wc -l", path);
		ck_assert_str_eq(su_git(args), "6");
		ck_assert_str_eq(su_git("log -1 --format=%an"), "Trần Thị Bình");
		ck_assert_str_eq(su_git("log -1 --format=%cn"), "dinhd");
		ck_assert_str_eq(su_git("log -1 '--format=%(trailers:key=Dinh-To,valueonly)'"),
				 "archived");
		snprintf(args, sizeof(args),
			 "log '--format=%%(trailers:key=Dinh-Number,valueonly)' -- %s | grep .",
			 path);
		ck_assert_str_eq(su_git(args), "01");
	}
	ck_assert_int_eq(su_git_rc("fsck --strict --no-dangling"), 0);
}
END_TEST

START_TEST(refusals_change_nothing)
{
	char doc[DOC_ID_MAX], head[41], after[41];
	struct store_req *r;

	snprintf(doc, sizeof(doc), "%s", create_incoming());
	ck_assert_int_eq(repo_head(su.repo_path, head), E_OK);
	/* A transition the definition forbids from this state. */
	ck_assert_int_eq(act(&officer, doc, "accept", NULL), E_INVAL);
	/* An action that does not exist. */
	ck_assert_int_eq(act(&clerk, doc, "teleport", NULL), E_NOTFOUND);
	/* A role that may not take it. */
	ck_assert_int_eq(act(&officer, doc, "register", NULL), E_PERM);
	/* An unknown document and a malformed id. */
	ck_assert_int_eq(act(&clerk, "2026-den-999999", "register", NULL), E_NOTFOUND);
	ck_assert_int_eq(act(&clerk, "../../etc", "register", NULL), E_INVAL);
	/* Creation without a required field. */
	r = su_req(&clerk, WF_CREATE, NULL, NULL);
	r->ch.workflow = "incoming";
	r = su_roundtrip(r);
	ck_assert_int_eq(r->rc, E_INVAL);
	store_req_free(r);
	/* Creation by a role the workflow does not allow. */
	r = su_req(&officer, WF_CREATE, NULL, NULL);
	r->ch.workflow = "incoming";
	su_field(r, "Subject", "x");
	su_field(r, "OrganName", "y");
	r = su_roundtrip(r);
	ck_assert_int_eq(r->rc, E_PERM);
	store_req_free(r);
	ck_assert_int_eq(repo_head(su.repo_path, after), E_OK);
	ck_assert_str_eq(head, after);

	/* Only the lead handler may take a lead-only action. */
	ck_assert_int_eq(act(&clerk, doc, "register", NULL), E_OK);
	ck_assert_int_eq(act(&chair, doc, "assign", NULL), E_OK);
	ck_assert_int_eq(act(&officer2, doc, "accept", NULL), E_PERM);
}
END_TEST

START_TEST(recalled_is_frozen)
{
	char doc[DOC_ID_MAX], head[41], after[41];
	struct store_req *r;

	snprintf(doc, sizeof(doc), "%s", create_incoming());
	r = su_req(&chair, WF_RECALL, doc, NULL);
	r->ch.note = "Văn bản gửi nhầm";
	r = su_roundtrip(r);
	ck_assert_msg(r->rc == E_OK, "recall: %s", r->detail);
	store_req_free(r);
	ck_assert_int_eq(repo_head(su.repo_path, head), E_OK);
	ck_assert_int_eq(act(&clerk, doc, "register", NULL), E_EXISTS);
	r = su_req(&clerk, WF_COMMENT, doc, NULL);
	r->ch.note = "xin ý kiến";
	r = su_roundtrip(r);
	ck_assert_int_eq(r->rc, E_EXISTS);
	store_req_free(r);
	ck_assert_int_eq(repo_head(su.repo_path, after), E_OK);
	ck_assert_str_eq(head, after);
	/* Frozen, never deleted: the document is still in the tree. */
	{
		char path[256], args[600];

		ck_assert_int_eq(doc_path(doc, path, sizeof(path)), E_OK);
		snprintf(args, sizeof(args), "cat-file -e main:%s", path);
		ck_assert_int_eq(su_git_rc(args), 0);
	}
}
END_TEST

START_TEST(same_request_once)
{
	char doc[DOC_ID_MAX], head[41], after[41];
	struct store_req *r;

	snprintf(doc, sizeof(doc), "%s", create_incoming());
	r = su_req(&clerk, WF_ACT, doc, "register");
	su_field(r, "CodeNumber", "12");
	su_field(r, "IssuedDate", "2026-11-30");
	snprintf(r->rid, sizeof(r->rid), "retry-42");
	r = su_roundtrip(r);
	ck_assert_int_eq(r->rc, E_OK);
	ck_assert_int_eq(r->duplicate, 0);
	store_req_free(r);
	ck_assert_int_eq(repo_head(su.repo_path, head), E_OK);
	/* The client lost the answer and sends the same request again. */
	r = su_req(&clerk, WF_ACT, doc, "register");
	su_field(r, "CodeNumber", "12");
	su_field(r, "IssuedDate", "2026-11-30");
	snprintf(r->rid, sizeof(r->rid), "retry-42");
	r = su_roundtrip(r);
	ck_assert_int_eq(r->rc, E_OK);
	ck_assert_int_eq(r->duplicate, 1);
	ck_assert_str_eq(r->doc_id, doc);
	ck_assert_str_eq(r->state, "registered");
	ck_assert_str_eq(r->number, "01");
	store_req_free(r);
	ck_assert_int_eq(repo_head(su.repo_path, after), E_OK);
	ck_assert_str_eq(head, after);
	/* A request id with a path trick is refused. */
	r = su_req(&clerk, WF_ACT, doc, "register");
	snprintf(r->rid, sizeof(r->rid), "../x");
	r = su_roundtrip(r);
	ck_assert_int_eq(r->rc, E_INVAL);
	store_req_free(r);
}
END_TEST

/* Submits @n changes at once; the group commit takes them in batches. */
static void submit_many(struct store_req **reqs, size_t n)
{
	struct pollfd p = {store_fd(su.st), POLLIN, 0};
	size_t got = 0;

	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(store_submit(su.st, reqs[i]), E_OK);
	while (got < n) {
		ck_assert_int_ge(poll(&p, 1, 20000), 1);
		for (struct store_req *r = store_reap(su.st); r; r = r->next)
			got++;
	}
}

START_TEST(numbers_without_gaps)
{
	enum { N = 200 };
	static struct store_req *reqs[N];
	static char ids[N][DOC_ID_MAX];
	int seen[N + 1];
	struct store_stats stats;

	for (int i = 0; i < N; i++) {
		reqs[i] = su_req(&clerk, WF_CREATE, NULL, NULL);
		reqs[i]->ch.workflow = "incoming";
		su_field(reqs[i], "Subject", "Công văn");
		su_field(reqs[i], "OrganName", "Sở Nội vụ");
	}
	submit_many(reqs, N);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(reqs[i]->rc, E_OK);
		snprintf(ids[i], sizeof(ids[i]), "%s", reqs[i]->doc_id);
		store_req_free(reqs[i]);
	}
	/* Register them all at once, interleaved with refused requests. */
	for (int i = 0; i < N; i++) {
		reqs[i] = su_req(i % 10 == 9 ? &officer : &clerk, WF_ACT, ids[i], "register");
		su_field(reqs[i], "CodeNumber", "1");
		su_field(reqs[i], "CodeNotation", "SNV");
		su_field(reqs[i], "IssuedDate", "2026-11-30");
	}
	submit_many(reqs, N);
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < N; i++) {
		if (i % 10 == 9) {
			ck_assert_int_eq(reqs[i]->rc, E_PERM);
		} else {
			int n = (int)strtol(reqs[i]->number, NULL, 10);

			ck_assert_msg(reqs[i]->rc == E_OK, "%s", reqs[i]->detail);
			ck_assert_int_ge(n, 1);
			ck_assert_int_le(n, N - N / 10);
			ck_assert_int_eq(seen[n], 0);
			seen[n] = 1;
		}
		store_req_free(reqs[i]);
	}
	for (int n = 1; n <= N - N / 10; n++)
		ck_assert_msg(seen[n], "number %d missing", n);
	store_stats(su.st, &stats);
	ck_assert_uint_eq(stats.changes, 2 * N - N / 10);
	ck_assert_uint_lt(stats.batches, stats.changes); /* grouped */
	ck_assert_int_eq(su_git_rc("fsck --strict --no-dangling"), 0);
}
END_TEST

START_TEST(dossier_code_and_clock)
{
	struct store_req *r = su_req(&desk, WF_CREATE, NULL, NULL);
	char doc[DOC_ID_MAX];

	r->ch.workflow = "dossier";
	su_field(r, "ProcedureId", "khai-sinh");
	su_field(r, "Applicant", "Hoàng Văn Em");
	su_field(r, "Subject", "Đăng ký khai sinh cho con");
	su_field(r, "Channel", "online");
	r->now = 1796176800; /* 2026-12-02 10:00 +07:00 */
	r = su_roundtrip(r);
	ck_assert_msg(r->rc == E_OK, "%s", r->detail);
	ck_assert_str_eq(r->code, "H01-261202-0001");
	ck_assert_uint_eq(strlen(r->secret), 32);
	snprintf(doc, sizeof(doc), "%s", r->doc_id);
	/* The secret itself is never stored, only its hash. */
	{
		char args[600], path[256];

		ck_assert_int_eq(doc_path(doc, path, sizeof(path)), E_OK);
		snprintf(args, sizeof(args), "grep -c %s main -- %s", r->secret, path);
		ck_assert_str_eq(su_git(args), "");
	}
	store_req_free(r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, su_teardown_store);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, route_incoming);
	tcase_add_test(tc, refusals_change_nothing);
	tcase_add_test(tc, recalled_is_frozen);
	tcase_add_test(tc, same_request_once);
	tcase_add_test(tc, numbers_without_gaps);
	tcase_add_test(tc, dossier_code_and_clock);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
