/*
 * test_idx.c: the side index follows every durable change of the store:
 * inboxes, deadlines, dossier codes, search with diacritics folded,
 * registers, statistics; it catches up with git after it fell behind, is
 * rebuilt from git, and the check finds any row that disagrees with git.
 */
#include "config.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/roles.h"
#include "tests/testutil.h"
#include "tests/workflow/storeutil.h"
#include "workflow/books.h"
#include "workflow/fold.h"
#include "workflow/idx.h"
#include "workflow/repo.h"

static const struct wf_actor clerk = {"van-thu", "Trần Thị Bình", "ab12", ROLE_CLERK};
static const struct wf_actor chair = {"chu-tich", "Nguyễn Văn An", "cd34", ROLE_CHAIR};
static const struct wf_actor desk = {"mot-cua", "Hoàng Thị Dung", "9abc", ROLE_DESK};
static const struct wf_actor officer = {"can-bo", "Lê Văn Cường", "ef56", ROLE_OFFICER};

/* 2026-12-01 10:00 +07:00, a Tuesday. */
#define T0 1796094000LL
#define DAY 86400LL

static void setup(void)
{
	su_setup_store(1);
}

static void teardown(void)
{
	su_teardown_store();
}

static struct idx *reader(void)
{
	struct idx *ix;

	ck_assert_int_eq(idx_open(&ix, su.index_path, 0), E_OK);
	return ix;
}

/* Sends @r, checks it was applied, keeps its id in @id (may be NULL). */
static void ok(struct store_req *r, char *id)
{
	r = su_roundtrip(r);
	ck_assert_msg(r->rc == E_OK, "%s: %s", r->ch.action ? r->ch.action : "create", r->detail);
	if (id)
		snprintf(id, DOC_ID_MAX, "%s", r->doc_id);
	store_req_free(r);
}

static void incoming(const char *subject, char *id)
{
	struct store_req *r = su_req(&clerk, WF_CREATE, NULL, NULL);

	r->ch.workflow = "incoming";
	r->now = T0;
	su_field(r, "Subject", subject);
	su_field(r, "OrganName", "UBND huyện Mẫu Sơn");
	ok(r, id);
}

static void act(const struct wf_actor *who, const char *id, const char *action, const char *due,
		long long now)
{
	struct store_req *r = su_req(who, WF_ACT, id, action);

	r->now = now;
	su_field(r, "CodeNumber", "45/UBND-VP");
	su_field(r, "IssuedDate", "2026-11-28");
	su_field(r, "Receiver", "Ông Hoàng Văn Em");
	su_field(r, "Description", "Đã trả lời bằng văn bản");
	r->ch.lead = "can-bo";
	r->ch.due = due;
	r->ch.note = "Đã xử lý";
	ok(r, NULL);
}

struct rows {
	size_t n;
	struct idx_row r[16];
};

static int collect(void *arg, const struct idx_row *row)
{
	struct rows *rs = arg;

	if (rs->n < 16)
		rs->r[rs->n] = *row;
	rs->n++;
	return E_OK;
}

START_TEST(fold_vietnamese)
{
	char *f = fold_text("Hồ sơ ĐĂNG KÝ đất đai, Nguyễn Thị Ánh Tuyết, Ưu tiên");

	ck_assert_str_eq(f, "ho so dang ky dat dai, nguyen thi anh tuyet, uu tien");
	free(f);
	f = fold_text("bad \xff byte");
	ck_assert_str_eq(f, "bad   byte");
	free(f);
}
END_TEST

START_TEST(inbox_follows_routing)
{
	char id[DOC_ID_MAX];
	struct rows rs = {0};
	struct idx *ix;

	incoming("Về việc cấp giấy chứng nhận quyền sử dụng đất", id);
	ix = reader();
	/* Received: waiting for the clerk (who registers), nobody else. */
	ck_assert_int_eq(idx_inbox(ix, "van-thu", ROLE_CLERK, IDX_BOX_MINE, "2026-12-01", NULL, 50,
				   collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.r[0].id, id);
	rs.n = 0;
	ck_assert_int_eq(idx_inbox(ix, "can-bo", ROLE_OFFICER, IDX_BOX_MINE, "2026-12-01", NULL, 50,
				   collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 0);

	/* Registered, then assigned to can-bo with a deadline: the officer's
	 * (lead-only accept), overdue after the deadline, due soon before. */
	act(&clerk, id, "register", NULL, T0 + 60);
	act(&chair, id, "assign", "2026-12-04", T0 + 120);
	ck_assert_int_eq(idx_inbox(ix, "can-bo", ROLE_OFFICER, IDX_BOX_MINE, "2026-12-01", NULL, 50,
				   collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.r[0].due, "2026-12-04");
	ck_assert_str_eq(rs.r[0].number, "01");
	rs.n = 0;
	ck_assert_int_eq(idx_inbox(ix, "can-bo-2", ROLE_OFFICER, IDX_BOX_MINE, "2026-12-01", NULL,
				   50, collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 0); /* another officer: not the lead */
	ck_assert_int_eq(idx_inbox(ix, "can-bo", ROLE_OFFICER, IDX_BOX_SOON, "2026-12-01",
				   "2026-12-04", 50, collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 1);
	rs.n = 0;
	ck_assert_int_eq(idx_inbox(ix, "can-bo", ROLE_OFFICER, IDX_BOX_OVERDUE, "2026-12-01", NULL,
				   50, collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(idx_inbox(ix, "can-bo", ROLE_OFFICER, IDX_BOX_OVERDUE, "2026-12-05", NULL,
				   50, collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 1);

	/* Finished: the deadline stops running, the clerk archives it. */
	act(&officer, id, "accept", NULL, T0 + 180);
	act(&officer, id, "finish", NULL, T0 + 240);
	rs.n = 0;
	ck_assert_int_eq(idx_inbox(ix, "can-bo", ROLE_OFFICER, IDX_BOX_MINE, "2026-12-05", NULL, 50,
				   collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(idx_inbox(ix, "van-thu", ROLE_CLERK, IDX_BOX_MINE, "2026-12-05", NULL, 50,
				   collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.r[0].resolved, "2026-12-01");
	/* Paged: the second page of one row is empty; the first holds it. */
	rs.n = 0;
	ck_assert_int_eq(idx_inbox_page(ix, "van-thu", ROLE_CLERK, IDX_BOX_MINE, "2026-12-05", NULL,
					1, 1, collect, &rs),
			 E_OK);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(rs.r[0].on_time, 1);
	idx_close(ix);
}
END_TEST

START_TEST(search_folds_diacritics)
{
	char a[DOC_ID_MAX], b[DOC_ID_MAX];
	struct rows rs = {0};
	struct idx *ix;

	incoming("Hồ sơ đăng ký khai sinh của cháu Nguyễn Thị Ánh", a);
	incoming("Kế hoạch phòng chống lụt bão năm 2027", b);
	ix = reader();
	ck_assert_int_eq(idx_search(ix, "ho so", 10, collect, &rs), E_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.r[0].id, a);
	rs.n = 0;
	ck_assert_int_eq(idx_search(ix, "HỒ SƠ khai", 10, collect, &rs), E_OK);
	ck_assert_uint_eq(rs.n, 1);
	rs.n = 0;
	ck_assert_int_eq(idx_search(ix, "dang ky", 10, collect, &rs), E_OK);
	ck_assert_uint_eq(rs.n, 1); /* đ folds to d */
	rs.n = 0;
	ck_assert_int_eq(idx_search(ix, "lut bao", 10, collect, &rs), E_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.r[0].id, b);
	rs.n = 0;
	ck_assert_int_eq(idx_search(ix, "mau son", 10, collect, &rs), E_OK);
	ck_assert_uint_eq(rs.n, 2);      /* the author of both */
	ck_assert_str_eq(rs.r[0].id, b); /* newest first */
	rs.n = 0;
	ck_assert_int_eq(idx_search_page(ix, "mau son", 1, 10, collect, &rs), E_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.r[0].id, a); /* the second page */
	rs.n = 0;
	ck_assert_int_eq(idx_search(ix, "ho so lut", 10, collect, &rs), E_OK);
	ck_assert_uint_eq(rs.n, 0); /* every word must match */
	/* Query syntax is not passed through: quotes and operators are words. */
	ck_assert_int_eq(idx_search(ix, "\"ho\" OR NEAR(", 10, collect, &rs), E_OK);
	ck_assert_int_eq(idx_search(ix, " ,;", 10, collect, &rs), E_INVAL);
	idx_close(ix);
}
END_TEST

struct book_ctx {
	struct repo *reader;
	enum books_book book;
	struct buf csv;
	size_t n;
};

static int book_row(void *arg, const struct idx_row *row)
{
	struct book_ctx *b = arg;
	struct doc *d;

	ck_assert_int_eq(store_get(b->reader, row->id, &d), E_OK);
	ck_assert_int_eq(books_row(b->book, su.defs, d, row, &b->csv), E_OK);
	doc_free(d);
	b->n++;
	return E_OK;
}

/* A dossier of @proc received at @t0, online or not; returned at @ret (0: not). */
static void dossier(const char *proc, int online, long long t0, long long ret, char *code)
{
	char id[DOC_ID_MAX];
	struct store_req *r = su_req(&desk, WF_CREATE, NULL, NULL);

	r->ch.workflow = "dossier";
	r->now = t0;
	su_field(r, "ProcedureId", proc);
	su_field(r, "Applicant", "Hoàng Văn Em");
	if (online)
		su_field(r, "Channel", "online");
	r = su_roundtrip(r);
	ck_assert_msg(r->rc == E_OK, "dossier: %s", r->detail);
	snprintf(id, sizeof(id), "%s", r->doc_id);
	snprintf(code, 64, "%s", r->code);
	store_req_free(r);
	act(&desk, id, "receive", NULL, t0 + 60);
	if (!ret)
		return;
	act(&desk, id, "start", NULL, t0 + 120);
	r = su_req(&chair, WF_ACT, id, "finish");
	r->now = ret - 60;
	r->ch.signed_pdf = store_req_str(r, "00000000000000000000000000000000"
					    "00000000000000000000000000000000");
	ok(r, NULL);
	act(&desk, id, "return", NULL, ret);
}

START_TEST(dossier_code_and_stats)
{
	char c1[64], c2[64], c3[64], secret[65];
	struct idx_row row;
	struct idx_stats s;
	struct rows late = {0};
	struct idx *ix;
	const struct def_procedure *p = def_procedure_at(su.defs, 0);

	/* On time, late (returned long after its due date), still open. */
	dossier(p->id, 1, T0, T0 + DAY, c1);
	dossier(p->id, 1, T0 + 10, T0 + 60 * DAY, c2);
	dossier(p->id, 0, T0 + 20, 0, c3);
	ix = reader();
	ck_assert_int_eq(idx_by_code(ix, c1, &row, secret), E_OK);
	ck_assert_str_eq(row.state, "returned");
	ck_assert_str_eq(row.procedure, p->id);
	ck_assert_int_eq(row.on_time, 1);
	ck_assert_uint_eq(strlen(secret), 64);
	ck_assert_int_eq(idx_by_code(ix, c3, &row, NULL), E_OK);
	ck_assert_str_eq(row.state, "received");
	ck_assert_int_eq(row.on_time, -1);
	ck_assert_int_eq(idx_by_code(ix, "H01-261201-9999", &row, NULL), E_NOTFOUND);

	ck_assert_int_eq(
		idx_stats(ix, "2026-12-01", "2027-12-31", "2026-12-01", &s, collect, &late), E_OK);
	ck_assert_uint_eq(s.received, 3);
	ck_assert_uint_eq(s.online, 2);
	ck_assert_uint_eq(s.resolved, 2);
	ck_assert_uint_eq(s.on_time, 1);
	ck_assert_uint_eq(s.late, 1);
	ck_assert_uint_eq(late.n, 1);
	ck_assert_str_eq(late.r[0].code, c2);
	/* The dossier book lists the three, numbered at reception, with
	 * the procedure's name and on time / late. */
	{
		struct book_ctx b;

		memset(&b, 0, sizeof(b));
		b.book = BOOKS_DOSSIER;
		buf_init(&b.csv, 1 << 20);
		ck_assert_int_eq(repo_open(&b.reader, su.repo_path, 0, "t"), E_OK);
		ck_assert_int_eq(
			idx_register(ix, "hs", "2026-12-01", "2026-12-31", 0, book_row, &b), E_OK);
		ck_assert_uint_eq(b.n, 3);
		ck_assert_int_eq(buf_append(&b.csv, "", 1), E_OK);
		ck_assert_ptr_nonnull(strstr((const char *)b.csv.data, "01,"));
		ck_assert_ptr_nonnull(strstr((const char *)b.csv.data, p->name));
		ck_assert_ptr_nonnull(strstr((const char *)b.csv.data, ",Trễ hạn,Trực tuyến,"));
		ck_assert_ptr_nonnull(strstr((const char *)b.csv.data, ",Đúng hạn,Trực tuyến,"));
		repo_close(b.reader);
		buf_free(&b.csv);
	}
	/* A period before anything happened counts nothing. */
	ck_assert_uint_eq(s.overdue_pending, 0); /* the open one is due later */
	ck_assert_int_eq(idx_stats(ix, "2026-01-01", "2026-11-30", "2027-03-01", &s, NULL, NULL),
			 E_OK);
	ck_assert_uint_eq(s.received + s.resolved, 0);
	ck_assert_uint_eq(s.overdue_pending, 1); /* by March it is late */
	idx_close(ix);
}
END_TEST

START_TEST(register_in_number_order)
{
	char ids[12][DOC_ID_MAX];
	struct book_ctx b;
	struct idx *ix;
	const char *csv;

	for (int i = 0; i < 12; i++) {
		incoming(i == 3 ? "Về việc \"nước sạch\", vệ sinh môi trường" : "Công văn", ids[i]);
		act(&clerk, ids[i], "register", NULL, T0 + 100 + i);
	}
	ix = reader();
	memset(&b, 0, sizeof(b));
	b.book = BOOKS_INCOMING;
	buf_init(&b.csv, 1 << 20);
	ck_assert_int_eq(repo_open(&b.reader, su.repo_path, 0, "t"), E_OK);
	ck_assert_int_eq(books_header(b.book, &b.csv), E_OK);
	ck_assert_int_eq(idx_register(ix, "den", "2026-12-01", "2026-12-01", 0, book_row, &b),
			 E_OK);
	ck_assert_uint_eq(b.n, 12);
	ck_assert_int_eq(buf_append(&b.csv, "", 1), E_OK);
	csv = (const char *)b.csv.data;
	{
		const char *head =
			"\xEF\xBB\xBFNgày đến,Số đến,Tác giả,\"Số, ký hiệu\",Ngày tháng,";

		ck_assert_int_eq(strncmp(csv, head, strlen(head)), 0);
	}
	/* Rows in number order, 01 .. 12, quotes doubled, CRLF. */
	ck_assert_ptr_nonnull(strstr(csv,
				     "\r\n01/12/2026,01,UBND huyện Mẫu Sơn,45/UBND-VP,"
				     "28/11/2026,Công văn,can-bo,,,Đã trả lời bằng văn bản\r\n"));
	ck_assert_ptr_nonnull(strstr(csv, ",\"Về việc \"\"nước sạch\"\", vệ sinh môi trường\","));
	ck_assert(strstr(csv, ",09,") < strstr(csv, ",10,"));
	ck_assert_ptr_nonnull(strstr(csv, "\r\n01/12/2026,12,"));
	b.n = 0;
	ck_assert_int_eq(idx_register(ix, "den", "2026-12-02", "2026-12-31", 0, book_row, &b),
			 E_OK);
	ck_assert_uint_eq(b.n, 0);
	repo_close(b.reader);
	buf_free(&b.csv);
	idx_close(ix);
}
END_TEST

static int count_due(void *arg, const struct idx_row *row, const char *who)
{
	(*(size_t *)arg)++;
	ck_assert_str_eq(who, "can-bo");
	return E_OK;
}

START_TEST(catch_up_rebuild_and_check)
{
	char id[DOC_ID_MAX], head[41], ihead[41];
	size_t n = 0, bad = 0, due = 0;
	struct idx *ix;
	sqlite3 *db;

	incoming("Trước khi chỉ mục dừng", id);
	/* Changes made while the store ran without its index... */
	su_reopen(0);
	act(&clerk, id, "register", NULL, T0 + 60);
	act(&chair, id, "assign", "2026-12-03", T0 + 120);
	incoming("Trong lúc chỉ mục dừng", NULL);
	ix = reader();
	ck_assert_int_eq(idx_check(ix, su.defs, su.repo_path, &n, &bad), E_OK); /* at its head */
	ck_assert_uint_eq(n, 1);
	idx_close(ix);
	/* ...are caught up when it opens with its index again. */
	su_reopen(1);
	ck_assert_int_eq(repo_head(su.repo_path, head), E_OK);
	ix = reader();
	ck_assert_int_eq(idx_head(ix, ihead), E_OK);
	ck_assert_str_eq(ihead, head);
	ck_assert_int_eq(idx_check(ix, su.defs, su.repo_path, &n, &bad), E_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(idx_due(ix, "2026-12-03", NULL, count_due, &due), E_OK);
	ck_assert_uint_eq(due, 1);
	ck_assert_int_eq(idx_due(ix, "2026-12-03", "can-bo", count_due, &due), E_OK);
	ck_assert_uint_eq(due, 2);
	ck_assert_int_eq(idx_due(ix, "2026-12-02", NULL, count_due, &due), E_OK);
	ck_assert_uint_eq(due, 2); /* not due by then */
	idx_close(ix);

	/* A row changed behind git's back is found; a rebuild repairs it. */
	ck_assert_int_eq(sqlite3_open(su.index_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE doc SET state = 'archived' WHERE rowid = 1", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM doc WHERE rowid = 2", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	ix = reader();
	ck_assert_int_eq(idx_check(ix, su.defs, su.repo_path, &n, &bad), E_CORRUPT);
	ck_assert_uint_eq(bad, 3); /* a wrong row, a missing row, and the count */
	idx_close(ix);
	store_close(su.st);
	su.st = NULL;
	ck_assert_int_eq(idx_open(&ix, su.index_path, 1), E_OK);
	ck_assert_int_eq(idx_rebuild(ix, su.defs, su.repo_path, &n), E_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(idx_check(ix, su.defs, su.repo_path, &n, &bad), E_OK);
	ck_assert_uint_eq(bad, 0);
	/* An index whose commit git does not have is rebuilt by a sync. */
	ck_assert_int_eq(idx_begin(ix), E_OK);
	ck_assert_int_eq(idx_commit(ix, "0123456789012345678901234567890123456789"), E_OK);
	ck_assert_int_eq(idx_sync(ix, su.defs, su.repo_path, &n), E_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(idx_check(ix, su.defs, su.repo_path, &n, &bad), E_OK);
	idx_close(ix);
	su_reopen(1);
}
END_TEST

static Suite *idx_suite(void)
{
	Suite *s = suite_create("idx");
	TCase *tc = tcase_create("idx");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fold_vietnamese);
	tcase_add_test(tc, inbox_follows_routing);
	tcase_add_test(tc, search_folds_diacritics);
	tcase_add_test(tc, dossier_code_and_stats);
	tcase_add_test(tc, register_in_number_order);
	tcase_add_test(tc, catch_up_rebuild_and_check);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(idx_suite());
}
