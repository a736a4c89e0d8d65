/*
 * test_signers.c: the signers registry (server/signers.c) records which
 * person a signing certificate belongs to, refuses a second record and a
 * bad fingerprint, forgets revoked certificates, and keeps it all on disk.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "server/signers.h"
#include "tests/testutil.h"

#define FPR_A "5d0c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5"
#define FPR_B "aa0c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5"

static char tmpdir[64];
static char path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dinh-test-signers-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/signers.ini", tmpdir);
}

static void teardown(void)
{
	tu_rm_tree(tmpdir);
}

START_TEST(add_find_revoke_persist)
{
	struct signers *s = NULL;
	const char *profile = NULL;
	struct stat st;

	ck_assert_int_eq(signers_open(&s, path), E_OK);
	ck_assert_ptr_null(signers_person(s, FPR_A, NULL));
	ck_assert_int_eq(signers_add(s, FPR_A, "nguyen-van-an", "0a1b", "official"), E_OK);
	ck_assert_int_eq(signers_add(s, FPR_B, SIGNERS_SEAL, "0c2d", "seal"), E_OK);
	ck_assert_int_eq(signers_add(s, FPR_A, "tran-thi-binh", "0e3f", "official"), E_EXISTS);
	ck_assert_int_eq(signers_add(s, "5D0C", "x", "1", "official"), E_INVAL);
	ck_assert_int_eq(signers_add(s, FPR_A "00", "x", "1", "official"), E_INVAL);
	ck_assert_str_eq(signers_person(s, FPR_A, &profile), "nguyen-van-an");
	ck_assert_str_eq(profile, "official");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	signers_free(s);

	ck_assert_int_eq(signers_open(&s, path), E_OK);
	ck_assert_str_eq(signers_person(s, FPR_B, NULL), SIGNERS_SEAL);
	ck_assert_int_eq(signers_revoke(s, "0A1B"), E_OK); /* serials compare without case */
	ck_assert_ptr_null(signers_person(s, FPR_A, NULL));
	ck_assert_int_eq(signers_revoke(s, "ffff"), E_OK); /* unknown: nothing to do */
	signers_free(s);
	ck_assert_int_eq(signers_open(&s, path), E_OK);
	ck_assert_ptr_null(signers_person(s, FPR_A, NULL));
	ck_assert_str_eq(signers_person(s, FPR_B, NULL), SIGNERS_SEAL);
	signers_free(s);
}
END_TEST

START_TEST(corrupt_file_refused)
{
	struct signers *s = NULL;
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs("[unclosed\nperson=x\n", f);
	fclose(f);
	ck_assert_int_eq(signers_open(&s, path), E_CORRUPT);
	ck_assert_ptr_null(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("signers");
	TCase *tc = tcase_create("registry");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, add_find_revoke_persist);
	tcase_add_test(tc, corrupt_file_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
