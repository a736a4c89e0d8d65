/*
 * test_repo.c: the commune repository is created once, durably, and is a
 * repository plain git accepts.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "workflow/repo.h"
#include "tests/testutil.h"

static char tmpdir[64];
static char repo_path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dinh-test-repo-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(repo_path, sizeof(repo_path), "%s/repo.git", tmpdir);
}

static void teardown(void)
{
	tu_rm_tree(tmpdir);
}

START_TEST(init_creates_once)
{
	char head1[41], head2[41];

	ck_assert_int_eq(repo_init(repo_path, "dinhd test"), E_OK);
	ck_assert_int_eq(repo_head(repo_path, head1), E_OK);
	ck_assert_int_eq(strlen(head1), 40);
	/* A second start opens, never recreates. */
	ck_assert_int_eq(repo_init(repo_path, "dinhd test"), E_OK);
	ck_assert_int_eq(repo_head(repo_path, head2), E_OK);
	ck_assert_str_eq(head1, head2);
}
END_TEST

START_TEST(plain_git_accepts_it)
{
	char cmd[300];

	ck_assert_int_eq(repo_init(repo_path, "dinhd test"), E_OK);
	if (system("git --version >/dev/null 2>&1") != 0)
		return; /* git not installed: nothing more to compare with */
	snprintf(cmd, sizeof(cmd), "git --git-dir='%s' fsck --strict >/dev/null 2>&1 && echo ok",
		 repo_path);
	ck_assert_str_eq(tu_first_line(cmd), "ok");
	snprintf(cmd, sizeof(cmd), "git --git-dir='%s' log -1 --format=%%s main", repo_path);
	ck_assert_str_eq(tu_first_line(cmd), "Khởi tạo kho văn bản của xã");
	snprintf(cmd, sizeof(cmd),
		 "git --git-dir='%s' log -1 --format='%%(trailers:key=Dinh-Action,valueonly)' main",
		 repo_path);
	ck_assert_str_eq(tu_first_line(cmd), "init");
}
END_TEST

START_TEST(not_a_repository)
{
	char head[41];
	char path[160];
	FILE *f;

	/* A file where the repository should be is refused, not overwritten. */
	snprintf(path, sizeof(path), "%s/file", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a repository\n", f);
	fclose(f);
	ck_assert_int_eq(repo_init(path, "dinhd test"), E_IO);
	ck_assert_int_eq(repo_head(path, head), E_IO);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	fclose(f);
}
END_TEST

static Suite *repo_suite(void)
{
	Suite *s = suite_create("repo");
	TCase *tc = tcase_create("init");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, init_creates_once);
	tcase_add_test(tc, plain_git_accepts_it);
	tcase_add_test(tc, not_a_repository);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(repo_suite());
}
