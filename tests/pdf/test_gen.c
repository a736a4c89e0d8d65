/*
 * test_gen.c: every generated document is read back with poppler-glib: its
 * page count and page size, its Vietnamese text with diacritics (national
 * heading, motto, codes, names), long names wrapped and never cut, user
 * text never taken as markup, sizes bounded; the receipt's QR code decodes
 * to the status address (zbarimg, when installed); bad input is refused.
 */
#include "config.h"

#include <check.h>
#include <glib.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "pdf/gen.h"
#include "tests/testutil.h"

#define HEADING "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#define MOTTO "Độc lập - Tự do - Hạnh phúc"
#define LONG_NAME "Tôn Nữ Hoàng Thị Phương Thảo Nguyên Khánh Linh Bảo Ngọc Diệp"

static const struct gen_head head = {"UBND XÃ MẪU SƠN", "BỘ PHẬN MỘT CỬA", "128/TNHS", "Mẫu Sơn",
				     "2026-12-02"};
static const struct gen_paper papers[] = {{"Tờ khai đăng ký khai sinh", "01 bản chính"},
					  {"Giấy chứng sinh", "01 bản chính"}};

struct got {
	PopplerDocument *doc;
	char *text; /* all pages, whitespace collapsed to single spaces */
	GBytes *bytes;
};

static void collapse(GString *s, const char *t)
{
	for (; t && *t; t++) {
		int sp = *t == ' ' || *t == '\n' || *t == '\r' || *t == '\t' || *t == '\f';

		if (!sp)
			g_string_append_c(s, *t);
		else if (s->len && s->str[s->len - 1] != ' ')
			g_string_append_c(s, ' ');
	}
}

/* Opens @pdf (taking it) with poppler and extracts its text. */
static struct got open_pdf(uint8_t *pdf, size_t len)
{
	struct got g;
	GError *e = NULL;
	GString *s = g_string_new(NULL);

	g.bytes = g_bytes_new_take(pdf, len);
	g.doc = poppler_document_new_from_bytes(g.bytes, NULL, &e);
	ck_assert_msg(g.doc != NULL, "poppler: %s", e ? e->message : "?");
	for (int i = 0; i < poppler_document_get_n_pages(g.doc); i++) {
		PopplerPage *p = poppler_document_get_page(g.doc, i);
		char *t = poppler_page_get_text(p);

		collapse(s, t);
		g_string_append_c(s, ' ');
		g_free(t);
		g_object_unref(p);
	}
	g.text = g_string_free(s, FALSE);
	return g;
}

static void close_pdf(struct got *g)
{
	g_object_unref(g->doc);
	g_bytes_unref(g->bytes);
	g_free(g->text);
}

static char *page_text(struct got *g, int i)
{
	PopplerPage *p = poppler_document_get_page(g->doc, i);
	char *t = poppler_page_get_text(p);

	g_object_unref(p);
	return t;
}

#define HAS(g, s) \
	ck_assert_msg(strstr((g)->text, (s)) != NULL, "missing \"%s\" in: %s", (s), (g)->text)

static struct gen_receipt receipt(void)
{
	struct gen_receipt r = {0};

	r.head = head;
	r.code = "MS-261202-0007";
	r.status_url = "https://xa.example/tra-cuu/MS-261202-0007";
	r.procedure = "Đăng ký khai sinh";
	r.applicant = "Bà Nguyễn Thị Hồng Nhung";
	r.address = "Thôn Khuổi Cáp, xã Mẫu Sơn";
	r.papers = papers;
	r.n_papers = 2;
	r.received = "2026-12-02 09:15";
	r.due = "2026-12-04 16:00";
	r.receiver = "Hoàng Văn Đức";
	return r;
}

START_TEST(receipt_text_size_qr)
{
	struct gen_receipt r = receipt();
	uint8_t *pdf;
	size_t len;
	struct got g;
	double w, h;
	PopplerPage *p;

	ck_assert_int_eq(gen_receipt_pdf(&pdf, &len, &r), E_OK);
	ck_assert_uint_lt(len, 100 * 1024);
	if (access("/usr/bin/zbarimg", X_OK) == 0 && access("/usr/bin/pdftoppm", X_OK) == 0) {
		char dir[] = "/tmp/test_gen.XXXXXX", cmd[512];
		FILE *f;

		ck_assert_ptr_nonnull(mkdtemp(dir));
		snprintf(cmd, sizeof(cmd), "%s/r.pdf", dir);
		ck_assert_ptr_nonnull(f = fopen(cmd, "wb"));
		ck_assert_uint_eq(fwrite(pdf, 1, len, f), len);
		fclose(f);
		snprintf(cmd, sizeof(cmd),
			 "pdftoppm -r 150 -png -singlefile %s/r.pdf %s/r && zbarimg -q --raw "
			 "%s/r.png 2>/dev/null",
			 dir, dir, dir);
		ck_assert_str_eq(tu_first_line(cmd), r.status_url);
		tu_rm_tree(dir);
	}
	g = open_pdf(pdf, len);
	ck_assert_int_eq(poppler_document_get_n_pages(g.doc), 1);
	p = poppler_document_get_page(g.doc, 0);
	poppler_page_get_size(p, &w, &h);
	g_object_unref(p);
	ck_assert(w > 594 && w < 596 && h > 841 && h < 843); /* A4 portrait */
	HAS(&g, HEADING);
	HAS(&g, MOTTO);
	HAS(&g, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
	HAS(&g, "MS-261202-0007");
	HAS(&g, "Số: 128/TNHS");
	HAS(&g, "Mẫu Sơn, ngày 02 tháng 12 năm 2026");
	HAS(&g, "Bà Nguyễn Thị Hồng Nhung");
	HAS(&g, "16 giờ 00 phút, ngày 04 tháng 12 năm 2026");
	HAS(&g, "Tờ khai đăng ký khai sinh");
	close_pdf(&g);
}
END_TEST

START_TEST(markup_stays_text)
{
	struct gen_receipt r = receipt();
	uint8_t *pdf;
	size_t len;
	struct got g;

	r.applicant = "<b>Lê & Co</b> <span size=\"99999\">x</span>";
	r.procedure = "%s %n <i>";
	ck_assert_int_eq(gen_receipt_pdf(&pdf, &len, &r), E_OK);
	g = open_pdf(pdf, len);
	HAS(&g, "<b>Lê & Co</b> <span size=\"99999\">x</span>");
	HAS(&g, "%s %n <i>");
	close_pdf(&g);
}
END_TEST

START_TEST(bad_input_refused)
{
	struct gen_receipt r = receipt();
	uint8_t *pdf = (uint8_t *)"x";
	size_t len = 1;
	char big[GEN_TEXT_MAX + 2];

	r.applicant = "Nguy\xe1\xbb"; /* cut in the middle of a character */
	ck_assert_int_eq(gen_receipt_pdf(&pdf, &len, &r), E_INVAL);
	ck_assert_ptr_null(pdf);
	r = receipt();
	r.head.issuer = NULL;
	ck_assert_int_eq(gen_receipt_pdf(&pdf, &len, &r), E_INVAL);
	r = receipt();
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r.address = big;
	ck_assert_int_eq(gen_receipt_pdf(&pdf, &len, &r), E_TOOBIG);
	r = receipt();
	r.status_url = "";
	ck_assert_int_eq(gen_receipt_pdf(&pdf, &len, &r), E_INVAL);
}
END_TEST

START_TEST(control_slip_rows)
{
	static const struct gen_handover rows[] = {
		{"Bộ phận một cửa", "Công chức tư pháp - hộ tịch", "2026-12-02 10:00",
		 "Nhận đủ hồ sơ", GEN_ON_TIME},
		{"Chủ tịch UBND xã", "Bộ phận một cửa", "2026-12-04 17:10", "Đã ký", GEN_LATE},
	};
	struct gen_control c = {head,
				"MS-261202-0007",
				"Đăng ký khai sinh",
				"Nguyễn Thị Nhung",
				"2026-12-02 09:15",
				"2026-12-04 16:00",
				rows,
				2};
	uint8_t *pdf;
	size_t len;
	struct got g;

	ck_assert_int_eq(gen_control_pdf(&pdf, &len, &c), E_OK);
	g = open_pdf(pdf, len);
	HAS(&g, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
	HAS(&g, "Đúng hạn");
	HAS(&g, "Trễ hạn");
	HAS(&g, "17:10 04/12/2026");
	HAS(&g, MOTTO);
	close_pdf(&g);
}
END_TEST

START_TEST(invitation_and_agenda)
{
	static const char *const who[] = {"Các Phó Chủ tịch UBND xã", "Trưởng các thôn"};
	static const char *const to[] = {"Như thành phần mời"};
	static const struct gen_agenda_item items[] = {
		{"08:00 - 08:15", "Khai mạc, giới thiệu đại biểu", "Văn phòng UBND xã"},
		{"08:15 - 09:00", "Báo cáo kết quả tháng 11", "Ông Trần Quốc Bảo"},
	};
	struct gen_meeting m = {0};
	uint8_t *pdf, *again;
	size_t len, len2;
	struct got g;

	m.head = (struct gen_head){NULL, "UBND XÃ MẪU SƠN", "05/GM-UBND", "Mẫu Sơn", "2026-12-02"};
	m.subject = "Họp giao ban tháng 12 năm 2026";
	m.start = "2026-12-05 08:00";
	m.end = "2026-12-05 11:30";
	m.place = "Hội trường UBND xã";
	m.chair = "Ông Nguyễn Văn An, Chủ tịch UBND xã";
	m.participants = (struct gen_list){who, 2};
	m.items = items;
	m.n_items = 2;
	m.signer = (struct gen_signer){"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"};
	m.recipients = (struct gen_list){to, 1};
	ck_assert_int_eq(gen_meeting_pdf(&pdf, &len, &m), E_OK);
	g = open_pdf(pdf, len);
	ck_assert_int_eq(poppler_document_get_n_pages(g.doc), 2);
	HAS(&g, HEADING);
	HAS(&g, "Số: 05/GM-UBND");
	HAS(&g, "GIẤY MỜI");
	HAS(&g, "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH");
	HAS(&g, "Nơi nhận:");
	HAS(&g, "- Lưu: VT.");
	HAS(&g, "từ 08 giờ 00 phút đến 11 giờ 30 phút, ngày 05 tháng 12 năm 2026");
	HAS(&g, "CHƯƠNG TRÌNH HỌP");
	HAS(&g, "Khai mạc, giới thiệu đại biểu");
	/* The same inputs a second later: the same bytes (a re-published
	 * agenda that did not change is not downloaded again by the halls). */
	sleep(1);
	ck_assert_int_eq(gen_meeting_pdf(&again, &len2, &m), E_OK);
	ck_assert_uint_eq(len2, len);
	ck_assert_int_eq(memcmp(again, pdf, len), 0);
	free(again);
	close_pdf(&g);
}
END_TEST

/* Minutes of @n items, each with a vote of 5 ballots, one voter's name long. */
static int minutes(uint8_t **pdf, size_t *len, size_t n)
{
	static const struct gen_ballot b[] = {{"Nguyễn Văn An", GEN_YES},
					      {"Trần Quốc Bảo", GEN_YES},
					      {"Lý Thị Mai", GEN_NO},
					      {LONG_NAME, GEN_NOVOTE},
					      {"Hoàng Thị Hà", GEN_YES}};
	static const struct gen_vote v = {"Thông qua báo cáo tháng 11", b, 5};
	static const struct gen_attendee a[] = {
		{"Nguyễn Văn An", "Chủ tịch", 1, NULL},
		{"Hoàng Thị Thu Hà", "Công chức Tư pháp", 0, "đi tập huấn"},
		{LONG_NAME, "Trưởng thôn Khuổi Cáp", 1, NULL},
	};
	struct gen_minutes_item *it = calloc(n, sizeof(*it));
	struct gen_minutes m = {0};
	int rc;

	for (size_t i = 0; i < n; i++) {
		it[i].title = "Báo cáo kết quả thực hiện nhiệm vụ";
		it[i].content = "Ông Trần Quốc Bảo trình bày báo cáo: thu ngân sách đạt 92% kế "
				"hoạch năm; 100% hồ sơ được giải quyết trực tuyến.\nCác đại biểu "
				"thống nhất, đề nghị bổ sung số liệu về tiêm chủng mở rộng.";
		it[i].votes = &v;
		it[i].n_votes = 1;
		it[i].conclusion = "Thông qua báo cáo.";
	}
	m.head = (struct gen_head){NULL, "UBND XÃ MẪU SƠN", "12/BB-UBND", "Mẫu Sơn", "2026-12-05"};
	m.subject = "Họp giao ban tháng 12 năm 2026";
	m.start = "2026-12-05 08:00";
	m.end = "2026-12-05 11:30";
	m.place = "Hội trường UBND xã";
	m.chair = "Ông Nguyễn Văn An";
	m.secretary = "Lý Thị Mai";
	m.attendees = a;
	m.n_attendees = 3;
	m.items = it;
	m.n_items = n;
	m.conclusion = "Giao các công chức triển khai nhiệm vụ tháng 12.";
	m.signer = (struct gen_signer){NULL, "CHỦ TRÌ", "Nguyễn Văn An"};
	rc = gen_minutes_pdf(pdf, len, &m);
	free(it);
	return rc;
}

START_TEST(minutes_pages_votes_long_names)
{
	uint8_t *pdf;
	size_t len;
	struct got g;
	char *t;
	int n;

	ck_assert_int_eq(minutes(&pdf, &len, 12), E_OK);
	g = open_pdf(pdf, len);
	n = poppler_document_get_n_pages(g.doc);
	ck_assert_int_ge(n, 3);
	HAS(&g, "BIÊN BẢN");
	HAS(&g, "Vắng mặt (đi tập huấn)");
	HAS(&g, "có mặt 2/3");
	HAS(&g, "Không đồng ý");
	HAS(&g, "Không biểu quyết");
	HAS(&g, "Đồng ý 3/5; Không đồng ý 1/5; Không biểu quyết 1/5");
	HAS(&g, LONG_NAME); /* wrapped in its cell, every word there, in order */
	HAS(&g, "THƯ KÝ");
	/* Page numbers from page 2 on, at the top; none on page 1. */
	t = page_text(&g, 0);
	ck_assert_msg(strncmp(t, "1", 1) != 0, "page 1 numbered");
	g_free(t);
	for (int i = 1; i < n; i++) {
		char want[16];

		t = page_text(&g, i);
		snprintf(want, sizeof(want), "%d\n", i + 1);
		ck_assert_msg(strncmp(t, want, strlen(want)) == 0, "page %d starts with %.20s",
			      i + 1, t);
		g_free(t);
	}
	close_pdf(&g);
}
END_TEST

START_TEST(register_landscape_repeated_header)
{
	size_t nc = gen_book_columns(GEN_BOOK_OUTGOING), rows = 120;
	const char **cells = calloc(rows * nc, sizeof(*cells));
	struct gen_register r = {
		GEN_BOOK_OUTGOING, "UBND XÃ MẪU SƠN", NULL, "2026-12-01", "2026-12-31", NULL, rows};
	enum gen_book b;
	uint8_t *pdf;
	size_t len;
	struct got g;
	double w, h;
	PopplerPage *p;
	int n;

	ck_assert_uint_eq(nc, 10);
	ck_assert_str_eq(gen_book_heading(GEN_BOOK_INCOMING, 5), "Tên loại và trích yếu nội dung");
	ck_assert_int_eq(gen_book_from_name(&b, "den"), E_OK);
	ck_assert_int_eq(b, GEN_BOOK_INCOMING);
	ck_assert_int_eq(gen_book_from_name(&b, "xyz"), E_INVAL);
	for (size_t i = 0; i < rows; i++) {
		cells[i * nc] = "05/QĐ-UBND";
		cells[i * nc + 2] = "Quyết định về việc phê duyệt kế hoạch chuyển đổi số năm 2027";
		cells[i * nc + 3] = "Nguyễn Văn An";
	}
	r.cells = cells;
	ck_assert_int_eq(gen_register_pdf(&pdf, &len, &r), E_OK);
	free(cells);
	g = open_pdf(pdf, len);
	n = poppler_document_get_n_pages(g.doc);
	ck_assert_int_ge(n, 3);
	p = poppler_document_get_page(g.doc, 0);
	poppler_page_get_size(p, &w, &h);
	g_object_unref(p);
	ck_assert(w > h);
	HAS(&g, "SỔ ĐĂNG KÝ VĂN BẢN ĐI");
	HAS(&g, "Từ ngày 01/12/2026 đến ngày 31/12/2026");
	for (int i = 0; i < n; i++) {
		char *t = page_text(&g, i), *c = g_strdup(t);
		GString *s = g_string_new(NULL);

		collapse(s, c);
		for (size_t k = 0; k < nc; k++)
			ck_assert_msg(strstr(s->str, gen_book_heading(GEN_BOOK_OUTGOING, k)),
				      "page %d lacks column %zu", i + 1, k);
		g_string_free(s, TRUE);
		g_free(c);
		g_free(t);
	}
	close_pdf(&g);
}
END_TEST

START_TEST(twenty_pages_stay_small)
{
	uint8_t *pdf;
	size_t len;
	struct got g;

	ck_assert_int_eq(minutes(&pdf, &len, 90), E_OK);
	ck_assert_uint_lt(len, 400 * 1024); /* fonts subset once, not per page */
	g = open_pdf(pdf, len);
	ck_assert_int_ge(poppler_document_get_n_pages(g.doc), 20);
	close_pdf(&g);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("gen");
	TCase *t = tcase_create("gen");

	tcase_set_timeout(t, 120);
	/* In the process that ran the test (a fork, or this one with CK_FORK=no),
	 * so that leak checkers see pango's and fontconfig's caches freed. */
	tcase_add_checked_fixture(t, NULL, gen_release_caches);
	tcase_add_test(t, receipt_text_size_qr);
	tcase_add_test(t, markup_stays_text);
	tcase_add_test(t, bad_input_refused);
	tcase_add_test(t, control_slip_rows);
	tcase_add_test(t, invitation_and_agenda);
	tcase_add_test(t, minutes_pages_votes_long_names);
	tcase_add_test(t, register_landscape_repeated_header);
	tcase_add_test(t, twenty_pages_stay_small);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
