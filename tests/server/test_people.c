/*
 * test_people.c: the people registry adds, finds, revokes and persists
 * records, and folds Vietnamese names into unique ASCII ids.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/roles.h"
#include "server/people.h"
#include "tests/testutil.h"

static char tmpdir[64];
static char path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dinh-test-people-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/people.ini", tmpdir);
}

static void teardown(void)
{
	tu_rm_tree(tmpdir);
}

/* A record with a serial derived from @n. */
static struct person rec(unsigned n, const char *id, const char *name, unsigned roles,
			 enum person_kind kind)
{
	struct person r;

	memset(&r, 0, sizeof(r));
	snprintf(r.serial, sizeof(r.serial), "%032x", n + 0xabc0);
	snprintf(r.fingerprint, sizeof(r.fingerprint), "%064x", n);
	r.id = (char *)id;
	r.name = (char *)name;
	r.roles = roles;
	r.kind = kind;
	r.issued = 1700000000 + n;
	return r;
}

START_TEST(add_lookup)
{
	struct people *p = NULL;
	struct person r = rec(1, "nguyen-van-an", "Nguyễn Văn An", ROLE_CHAIR | ROLE_DELEGATE,
			      PERSON_KIND_PERSON);
	const struct person *got;

	ck_assert_int_eq(people_open(&p, path), E_OK);
	ck_assert_uint_eq(people_count(p), 0);
	ck_assert_int_eq(people_add(p, &r), E_OK);
	ck_assert_uint_eq(people_count(p), 1);
	got = people_by_id(p, "nguyen-van-an");
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got->name, "Nguyễn Văn An");
	ck_assert_ptr_ne(got->name, r.name); /* copied */
	ck_assert_uint_eq(got->roles, ROLE_CHAIR | ROLE_DELEGATE);
	ck_assert_ptr_eq(people_by_serial(p, r.serial), got);
	ck_assert_ptr_eq(people_at(p, 0), got);
	ck_assert_ptr_null(people_at(p, 1));
	ck_assert_ptr_null(people_by_id(p, "nobody"));
	ck_assert_ptr_null(people_by_serial(p, "00"));

	/* Same serial or same id again: refused, nothing changes. */
	ck_assert_int_eq(people_add(p, &r), E_EXISTS);
	r = rec(2, "nguyen-van-an", "Other", ROLE_CLERK, PERSON_KIND_PERSON);
	ck_assert_int_eq(people_add(p, &r), E_EXISTS);
	ck_assert_uint_eq(people_count(p), 1);
	people_free(p);
}
END_TEST

START_TEST(revoke_marks)
{
	struct people *p = NULL;
	struct person r = rec(3, "tran-thi-b", "Trần Thị B", ROLE_CLERK, PERSON_KIND_PERSON);
	char serial[CA_SERIAL_HEX_MAX];

	ck_assert_int_eq(people_open(&p, path), E_OK);
	ck_assert_int_eq(people_add(p, &r), E_OK);
	ck_assert_int_eq(people_revoke(p, "nobody", serial), E_NOTFOUND);
	ck_assert_int_eq(people_revoke(p, "tran-thi-b", serial), E_OK);
	ck_assert_str_eq(serial, r.serial);
	ck_assert_int_ne(people_by_id(p, "tran-thi-b")->revoked, 0);
	ck_assert_int_eq(people_revoke(p, "tran-thi-b", serial), E_EXISTS);
	people_free(p);
}
END_TEST

START_TEST(persist)
{
	struct people *p = NULL;
	struct person a = rec(4, "le-van-c", "Lê Văn C", ROLE_ADMIN, PERSON_KIND_PERSON);
	struct person h =
		rec(5, "nha-van-hoa-thon-1", "Nhà văn hóa thôn 1", ROLE_HALL, PERSON_KIND_HALL);
	const struct person *got;
	char serial[CA_SERIAL_HEX_MAX];
	struct stat st;

	ck_assert_int_eq(people_open(&p, path), E_OK);
	ck_assert_int_eq(people_add(p, &a), E_OK);
	ck_assert_int_eq(people_add(p, &h), E_OK);
	ck_assert_int_eq(people_revoke(p, "le-van-c", serial), E_OK);
	people_free(p);

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);

	ck_assert_int_eq(people_open(&p, path), E_OK);
	ck_assert_uint_eq(people_count(p), 2);
	got = people_by_serial(p, h.serial);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got->id, "nha-van-hoa-thon-1");
	ck_assert_str_eq(got->name, "Nhà văn hóa thôn 1");
	ck_assert_str_eq(got->fingerprint, h.fingerprint);
	ck_assert_int_eq(got->kind, PERSON_KIND_HALL);
	ck_assert_uint_eq(got->roles, ROLE_HALL);
	ck_assert_int_eq(got->issued, h.issued);
	ck_assert_int_eq(got->revoked, 0);
	got = people_by_id(p, "le-van-c");
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(got->kind, PERSON_KIND_PERSON);
	ck_assert_uint_eq(got->roles, ROLE_ADMIN);
	ck_assert_int_ne(got->revoked, 0);
	people_free(p);
}
END_TEST

START_TEST(corrupt_file_refused)
{
	struct people *p = (struct people *)1;
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs("[abc]\nid=x\nname=X\nroles=nonsense\nkind=person\nfingerprint=00\n", f);
	fclose(f);
	ck_assert_int_eq(people_open(&p, path), E_CONFIG);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(id_folding)
{
	struct people *p = NULL;
	struct person r;
	char *id;

	ck_assert_int_eq(people_open(&p, path), E_OK);
	id = people_make_id(p, "Nguyễn Văn Ánh");
	ck_assert_str_eq(id, "nguyen-van-anh");
	free(id);
	id = people_make_id(p, "Đỗ Thị Hường");
	ck_assert_str_eq(id, "do-thi-huong");
	free(id);
	id = people_make_id(p, "  ĐẶNG  Quốc-Việt  ");
	ck_assert_str_eq(id, "dang-quoc-viet");
	free(id);
	/* Decomposed input (NFD) folds the same. */
	id = people_make_id(p, "Nguye\xcc\x82\xcc\x83n");
	ck_assert_str_eq(id, "nguyen");
	free(id);
	/* Other non-ASCII is dropped; nothing left gives a placeholder. */
	id = people_make_id(p, "Zoë 李");
	ck_assert_str_eq(id, "zo");
	free(id);
	id = people_make_id(p, "李");
	ck_assert_str_eq(id, "x");
	free(id);

	/* Duplicates get -2, -3. */
	r = rec(6, "do-thi-huong", "Đỗ Thị Hường", ROLE_OFFICER, PERSON_KIND_PERSON);
	ck_assert_int_eq(people_add(p, &r), E_OK);
	id = people_make_id(p, "Đỗ Thị Hường");
	ck_assert_str_eq(id, "do-thi-huong-2");
	r = rec(7, id, "Đỗ Thị Hường", ROLE_OFFICER, PERSON_KIND_PERSON);
	ck_assert_int_eq(people_add(p, &r), E_OK);
	free(id);
	id = people_make_id(p, "đỗ thị hường");
	ck_assert_str_eq(id, "do-thi-huong-3");
	free(id);
	people_free(p);
}
END_TEST

static Suite *people_suite(void)
{
	Suite *s = suite_create("people");
	TCase *tc = tcase_create("registry");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, add_lookup);
	tcase_add_test(tc, revoke_marks);
	tcase_add_test(tc, persist);
	tcase_add_test(tc, corrupt_file_refused);
	tcase_add_test(tc, id_folding);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(people_suite());
}
