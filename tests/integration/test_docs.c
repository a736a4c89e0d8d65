/*
 * test_docs.c: document requests against a real dinhd over TLS: a handler
 * who says hello is told of a deadline that is near, once; the inbox and
 * the index reads answer at once after a change is acknowledged; the
 * registers are refused to roles that do not keep them; bad reads get
 * clear errors and change nothing.  PDFs on the server are read in the
 * sandbox: info, text, a page rendered for a village hall and cached.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/proto.h"
#include "tests/integration/fixture.h"
#include "tests/testutil.h"

/* Today in Vietnam, "YYYY-MM-DD". */
static void today(char out[11])
{
	time_t t = time(NULL) + 7 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static struct proto_node *req_fields(const char *const *kv)
{
	struct proto_node *r = proto_node_new("req");

	for (; kv && kv[0]; kv += 2) {
		if (kv[0][0] == '@') {
			struct proto_node *f = proto_node_add(r, "field");

			proto_node_set(f, "name", kv[0] + 1);
			proto_node_set_text(f, kv[1]);
		} else {
			proto_node_set(r, kv[0], kv[1]);
		}
	}
	return r;
}

/* A change through @c; its answer's attribute @key (static copy) or "". */
static const char *change(struct hx_conn *c, const char *op, const char *const *kv, const char *key)
{
	static char val[128];
	struct proto_node *resp = NULL;
	int rc = hx_request(c, op, req_fields(kv), &resp, NULL);

	ck_assert_msg(rc == E_OK, "%s: %s", op, err_name(rc));
	snprintf(val, sizeof(val), "%s", key && proto_attr(resp, key) ? proto_attr(resp, key) : "");
	proto_node_free(resp);
	return val;
}

static struct hx_conn *as(struct hx_ident *id)
{
	struct hx_tls_opts o = fx_admin_opts;
	struct hx_conn *c = NULL;

	o.ident = id;
	ck_assert_int_eq(hx_connect_hello(&c, fx_d->port, &o), E_OK);
	return c;
}

/* The next event on @c within @ms, or NULL. */
static struct proto_node *next_event(struct hx_conn *c, int ms)
{
	struct proto_node *n = NULL;

	while (hx_recv_node(c, ms, &n) == E_OK) {
		if (strcmp(n->name, "event") == 0)
			return n;
		proto_node_free(n);
		n = NULL;
	}
	return NULL;
}

START_TEST(test_deadline_event_and_inbox)
{
	struct hx_ident clerk = {NULL, NULL}, chair = {NULL, NULL}, officer = {NULL, NULL};
	struct hx_conn *a, *k, *ch, *o;
	struct proto_node *ev, *resp = NULL;
	char day[11], doc[64], *oid, *p1, *p2;

	fx_start(NULL);
	today(day);
	a = as(&fx_admin);
	p1 = fx_add_user(a, "Trần Thị Bình", "clerk", &clerk);
	p2 = fx_add_user(a, "Nguyễn Văn An", "chair", &chair);
	oid = fx_add_user(a, "Lê Văn Cường", "officer", &officer);
	k = as(&clerk);
	{
		const char *kv[] = {"workflow",   "incoming",   "rid",
				    "t-1",        "@Subject",   "Về việc sửa chữa đường liên thôn",
				    "@OrganName", "UBND huyện", NULL};

		snprintf(doc, sizeof(doc), "%s", change(k, "doc.create", kv, "doc"));
	}
	{
		const char *kv[] = {"doc",         doc, "action",      "register", "rid", "t-2",
				    "@CodeNumber", "7", "@IssuedDate", day,        NULL};

		ck_assert_str_eq(change(k, "doc.act", kv, "number"), "01");
	}
	ch = as(&chair);
	{
		const char *kv[] = {"doc",  doc, "action", "assign", "rid", "t-3",
				    "lead", oid, "due",    day,      NULL};

		ck_assert_str_eq(change(ch, "doc.act", kv, "state"), "assigned");
	}
	/* The officer's hello brings the near deadline, with the document. */
	o = as(&officer);
	ev = next_event(o, 3000);
	ck_assert_msg(ev != NULL, "no deadline event after hello");
	ck_assert_str_eq(proto_attr(ev, "name"), "doc.deadline");
	ck_assert_str_eq(proto_attr(ev, "kind"), "near");
	ck_assert_ptr_nonnull(ev->child);
	ck_assert_str_eq(proto_attr(ev->child, "doc"), doc);
	ck_assert_str_eq(proto_attr(ev->child, "due"), day);
	proto_node_free(ev);
	/* The answered change is already in the officer's inbox (lead-only accept). */
	ck_assert_int_eq(hx_call(o, &resp, "doc.inbox", "box", "soon", NULL), E_OK);
	ck_assert_str_eq(proto_attr(resp, "rows"), "1");
	ck_assert_str_eq(proto_attr(resp->child, "doc"), doc);
	ck_assert_str_eq(proto_attr(resp->child, "subject"), "Về việc sửa chữa đường liên thôn");
	proto_node_free(resp);
	/* Once per document, person, deadline and kind: a second session of
	 * the same person hears nothing new. */
	hx_close(o);
	o = as(&officer);
	ev = next_event(o, 500);
	ck_assert_msg(ev == NULL, "the deadline was announced twice");
	/* Search without diacritics; lookups and registers by role. */
	ck_assert_int_eq(hx_call(o, &resp, "doc.search", "q", "sua chua duong", NULL), E_OK);
	ck_assert_str_eq(proto_attr(resp, "rows"), "1");
	proto_node_free(resp);
	ck_assert_int_eq(
		hx_call(o, NULL, "doc.register", "book", "den", "from", day, "to", day, NULL),
		E_PERM);
	ck_assert_int_eq(
		hx_call(k, &resp, "doc.register", "book", "den", "from", day, "to", day, NULL),
		E_OK);
	ck_assert_str_eq(proto_attr(resp, "rows"), "1");
	ck_assert_uint_eq(strlen(proto_attr(resp, "sha256")), 64);
	proto_node_free(resp);
	/* Bad reads: clear errors, the session goes on. */
	ck_assert_int_eq(hx_call(k, NULL, "doc.search", "q", " ,;", NULL), E_INVAL);
	ck_assert_int_eq(hx_call(k, NULL, "doc.search", NULL), E_INVAL);
	ck_assert_int_eq(hx_call(k, NULL, "doc.inbox", "box", "theirs", NULL), E_INVAL);
	ck_assert_int_eq(hx_call(k, NULL, "doc.register", "book", "den", "from", "2026-02-30", "to",
				 day, NULL),
			 E_INVAL);
	ck_assert_int_eq(hx_call(k, NULL, "doc.lookup", "code", "H01-000000-0000", NULL),
			 E_NOTFOUND);
	ck_assert_int_eq(hx_call(k, NULL, "doc.stats", "from", day, NULL), E_INVAL);
	ck_assert_int_eq(hx_call(k, NULL, "ping", NULL), E_OK);
	hx_close(o);
	hx_close(ch);
	hx_close(k);
	hx_close(a);
	fx_stop_ok();
	hx_ident_clear(&clerk);
	hx_ident_clear(&chair);
	hx_ident_clear(&officer);
	free(oid);
	free(p1);
	free(p2);
}
END_TEST

/* A small PDF written by hand: one page with @text in Helvetica. */
static size_t tiny_pdf(char *out, size_t size, const char *text)
{
	size_t off[6], n = 0, xref;
	char content[256];
	int clen = snprintf(content, sizeof(content), "BT /F1 18 Tf 20 300 Td (%s) Tj ET", text);

#define ADD(...) (n += (size_t)snprintf(out + n, size - n, __VA_ARGS__))
	ADD("%%PDF-1.4\n");
	off[1] = n;
	ADD("1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n");
	off[2] = n;
	ADD("2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n");
	off[3] = n;
	ADD("3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 300 400]/Contents 4 0 R"
	    "/Resources<</Font<</F1 5 0 R>>>>>> endobj\n");
	off[4] = n;
	ADD("4 0 obj <</Length %d>>\nstream\n%s\nendstream endobj\n", clen, content);
	off[5] = n;
	ADD("5 0 obj <</Type/Font/Subtype/Type1/BaseFont/Helvetica>> endobj\n");
	xref = n;
	ADD("xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i <= 5; i++)
		ADD("%010zu 00000 n \n", off[i]);
	ADD("trailer <</Size 6/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", xref);
#undef ADD
	return n;
}

/* Uploads @data through @c; its SHA-256 in hex into @hex. */
static void put(struct hx_conn *c, const void *data, size_t len, char hex[65])
{
	uint8_t sha[32];
	uint64_t have;
	uint32_t id;

	hx_sha256(sha, data, len);
	proto_hex(hex, sha);
	ck_assert_int_eq(fx_put_begin(c, sha, len, &id, &have), E_OK);
	fx_send_range(c, id, sha, data, 0, len);
	ck_assert_int_eq(fx_put_end(c, id), E_OK);
}

START_TEST(test_pdf_ops)
{
	struct hx_ident hall = {NULL, NULL};
	struct hx_conn *a, *h;
	struct proto_node *resp = NULL;
	char pdf[4096], sha[65], junk[65], png[65], *hid;
	size_t n = tiny_pdf(pdf, sizeof(pdf), "Xin chao thon Dong");

	fx_start(NULL);
	a = as(&fx_admin);
	put(a, pdf, n, sha);
	put(a, "not a pdf at all, just words", 28, junk);
	ck_assert_int_eq(hx_call(a, &resp, "pdf.info", "sha256", sha, NULL), E_OK);
	ck_assert_str_eq(proto_attr(resp, "pages"), "1");
	ck_assert_str_eq(proto_attr(resp, "version"), "1.4");
	proto_node_free(resp);
	ck_assert_int_eq(hx_call(a, &resp, "pdf.text", "sha256", sha, NULL), E_OK);
	ck_assert_uint_eq(strlen(proto_attr(resp, "text")), 64);
	proto_node_free(resp);
	/* A hall reads only the documents of its meetings (test_meeting.sh):
	 * this one is refused as if it did not exist.  Staff ask for the page
	 * as a screen wants it; a second ask is answered from the cache. */
	hid = fx_add_user(a, "Nhà văn hóa thôn Đông", NULL, &hall);
	h = as(&hall);
	ck_assert_int_eq(
		hx_call(h, &resp, "pdf.render", "sha256", sha, "page", "1", "width", "240", NULL),
		E_NOTFOUND);
	ck_assert_int_eq(hx_call(h, &resp, "file.get", "sha256", sha, "offset", "0", NULL),
			 E_NOTFOUND);
	ck_assert_int_eq(
		hx_call(a, &resp, "pdf.render", "sha256", sha, "page", "1", "width", "240", NULL),
		E_OK);
	snprintf(png, sizeof(png), "%s", proto_attr(resp, "png"));
	ck_assert_ptr_null(proto_attr(resp, "cached"));
	proto_node_free(resp);
	ck_assert_int_eq(
		hx_call(a, &resp, "pdf.render", "sha256", sha, "page", "1", "width", "240", NULL),
		E_OK);
	ck_assert_str_eq(proto_attr(resp, "png"), png);
	ck_assert_str_eq(proto_attr(resp, "cached"), "1");
	proto_node_free(resp);
	ck_assert_int_eq(hx_call(h, NULL, "file.stat", "sha256", png, NULL), E_OK);
	/* Refusals, each with its reason; the session goes on. */
	ck_assert_int_eq(hx_call(a, &resp, "pdf.info", "sha256", junk, NULL), E_INVAL);
	proto_node_free(resp);
	ck_assert_int_eq(hx_call(a, NULL, "pdf.render", "sha256", sha, "page", "2", NULL), E_INVAL);
	ck_assert_int_eq(hx_call(a, NULL, "pdf.render", "sha256", sha, "width", "99999", NULL),
			 E_INVAL);
	ck_assert_int_eq(hx_call(h, NULL, "pdf.info", "sha256", sha, NULL), E_PERM);
	ck_assert_int_eq(hx_call(a, NULL, "pdf.info", "sha256",
				 "00000000000000000000000000000000"
				 "00000000000000000000000000000000",
				 NULL),
			 E_NOTFOUND);
	ck_assert_int_eq(hx_call(a, NULL, "pdf.info", "sha256", "xyz", NULL), E_INVAL);
	ck_assert_int_eq(hx_call(a, NULL, "ping", NULL), E_OK);
	hx_close(h);
	hx_close(a);
	fx_stop_ok();
	hx_ident_clear(&hall);
	free(hid);
}
END_TEST

/* The desk receives a dossier: its receipt and slip are PDFs made from it,
 * whose text (read back in the sandbox) has the code; the dossier book is
 * a PDF too; a document that is not a dossier has no receipt. */
START_TEST(test_generated_documents)
{
	struct hx_ident desk = {NULL, NULL};
	struct hx_conn *a, *k;
	struct proto_node *resp = NULL;
	char doc[64], code[64], pdf[65], txt[65], day[11], *pid;

	fx_start(NULL);
	today(day);
	a = as(&fx_admin);
	pid = fx_add_user(a, "Hoàng Thị Dung", "desk", &desk);
	k = as(&desk);
	{
		const char *kv[] = {"workflow",     "dossier",   "rid",        "g-1",
				    "@ProcedureId", "khai-sinh", "@Applicant", "Vi Thị Lan",
				    "@Channel",     "online",    NULL};

		snprintf(doc, sizeof(doc), "%s", change(k, "doc.create", kv, "doc"));
	}
	ck_assert_int_eq(hx_call(k, NULL, "doc.receipt", "doc", doc, NULL), E_INVAL); /* not yet */
	{
		const char *kv[] = {"doc", doc, "action", "receive", "rid", "g-2", NULL};

		ck_assert_str_eq(change(k, "doc.act", kv, "state"), "received");
	}
	ck_assert_int_eq(hx_call(k, &resp, "doc.show", "doc", doc, NULL), E_OK);
	snprintf(code, sizeof(code), "%s", proto_attr(resp, "code"));
	proto_node_free(resp);
	ck_assert_int_eq(hx_call(k, &resp, "doc.receipt", "doc", doc, NULL), E_OK);
	snprintf(pdf, sizeof(pdf), "%s", proto_attr(resp, "sha256"));
	proto_node_free(resp);
	ck_assert_int_eq(hx_call(a, &resp, "pdf.text", "sha256", pdf, NULL), E_OK);
	snprintf(txt, sizeof(txt), "%s", proto_attr(resp, "text"));
	proto_node_free(resp);
	{
		char *path, *text = NULL;
		size_t len;

		ck_assert_int_eq(asprintf(&path, "files/%.2s/%s", txt, txt) > 0, 1);
		text = hx_slurp(fx_dir, path, &len);
		ck_assert_ptr_nonnull(text);
		ck_assert_ptr_nonnull(strstr(text, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"));
		ck_assert_ptr_nonnull(strstr(text, code));
		ck_assert_ptr_nonnull(strstr(text, "Vi Thị Lan"));
		ck_assert_ptr_nonnull(strstr(text, "Đăng ký khai sinh"));
		free(text);
		free(path);
	}
	ck_assert_int_eq(hx_call(k, &resp, "doc.control", "doc", doc, NULL), E_OK);
	ck_assert_uint_eq(strlen(proto_attr(resp, "sha256")), 64);
	proto_node_free(resp);
	ck_assert_int_eq(hx_call(k, &resp, "doc.register", "book", "hs", "from", day, "to", day,
				 "format", "pdf", NULL),
			 E_OK);
	ck_assert_int_eq(hx_call(a, NULL, "pdf.info", "sha256", proto_attr(resp, "sha256"), NULL),
			 E_OK);
	proto_node_free(resp);
	ck_assert_int_eq(hx_call(k, NULL, "doc.register", "book", "hs", "from", day, "to", day,
				 "format", "docx", NULL),
			 E_INVAL);
	hx_close(k);
	hx_close(a);
	fx_stop_ok();
	hx_ident_clear(&desk);
	free(pid);
}
END_TEST

static Suite *docs_suite(void)
{
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("docs");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, NULL, fx_teardown);
	tcase_add_test(tc, test_deadline_event_and_inbox);
	tcase_add_test(tc, test_pdf_ops);
	tcase_add_test(tc, test_generated_documents);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	if (hx_run_begin() < 0)
		return 99;
	rc = tu_run(docs_suite());
	hx_run_end();
	return rc;
}
