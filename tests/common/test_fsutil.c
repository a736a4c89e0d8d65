/*
 * test_fsutil.c: atomic writes (content, mode, no temporary left, the check
 * before the rename), bounded reads, mapped files with room, mkdir -p,
 * fs_join and fs_exists, in a scratch directory.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "tests/testutil.h"

static char scratch[64];

static void setup(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/dinh-test-fsutil.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void teardown(void)
{
	tu_rm_tree(scratch);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

START_TEST(test_join)
{
	char *p = fs_join("/a/b", "c");

	ck_assert_str_eq(p, "/a/b/c");
	free(p);
	p = fs_join("/a/b/", "c");
	ck_assert_str_eq(p, "/a/b/c");
	free(p);
	p = fs_join("/a", "/c");
	ck_assert_str_eq(p, "/a/c");
	free(p);
	p = fs_join("", "c");
	ck_assert_str_eq(p, "c");
	free(p);
}
END_TEST

START_TEST(test_write_read)
{
	char *path = fs_join(scratch, "people.ini");
	const char text[] = "[p1]\nname=Nguyễn Văn An\n";
	char *data = NULL;
	size_t len = 0;
	struct stat st;

	ck_assert_int_eq(fs_exists(path), 0);
	ck_assert_int_eq(fs_read_file(path, 1024, &data, &len), E_NOTFOUND);
	ck_assert_ptr_null(data);
	ck_assert_int_eq(fs_write_atomic(path, text, strlen(text), 0600), E_OK);
	ck_assert_int_eq(fs_exists(path), 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(count_entries(scratch), 1); /* no temporary left */
	ck_assert_int_eq(fs_read_file(path, 1024, &data, &len), E_OK);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_str_eq(data, text);
	free(data);

	/* Replace, with another mode. */
	ck_assert_int_eq(fs_write_atomic(path, "x", 1, 0644), E_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(fs_read_file(path, 1, &data, NULL), E_OK);
	ck_assert_str_eq(data, "x");
	free(data);
	ck_assert_int_eq(count_entries(scratch), 1);

	/* Empty file. */
	ck_assert_int_eq(fs_write_atomic(path, "", 0, 0600), E_OK);
	ck_assert_int_eq(fs_read_file(path, 10, &data, &len), E_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(data, "");
	free(data);
	free(path);
}
END_TEST

START_TEST(test_read_cap)
{
	char *path = fs_join(scratch, "big");
	char *block = malloc(100000), *data = (char *)1;
	size_t len = 7;

	memset(block, 'b', 100000);
	ck_assert_int_eq(fs_write_atomic(path, block, 100000, 0600), E_OK);
	ck_assert_int_eq(fs_read_file(path, 99999, &data, &len), E_TOOBIG);
	ck_assert_ptr_null(data);
	ck_assert_int_eq(fs_read_file(path, 100000, &data, &len), E_OK);
	ck_assert_uint_eq(len, 100000);
	ck_assert_int_eq(memcmp(data, block, 100000), 0);
	ck_assert_int_eq(data[100000], 0);
	free(data);
	free(block);
	free(path);
}
END_TEST

/* A mapping shows the file, then zeros in its room; writing to it leaves
 * the file alone; a rewritten file is reported changed. */
START_TEST(test_map)
{
	char *path = fs_join(scratch, "mapped"), *data = NULL;
	struct fs_map m;
	size_t len = 0, i;

	ck_assert_int_eq(fs_write_atomic(path, "%PDF-1.7 abc", 12, 0600), E_OK);
	ck_assert_int_eq(fs_map_file(&m, path, 11, 100), E_TOOBIG);
	fs_unmap(&m);
	ck_assert_int_eq(fs_map_file(&m, path, 12, 10000), E_OK);
	ck_assert_uint_eq(m.len, 12);
	ck_assert_uint_eq(m.cap, 10012);
	ck_assert_int_eq(memcmp(m.p, "%PDF-1.7 abc", 12), 0);
	for (i = 12; i < m.cap; i++)
		ck_assert_int_eq(m.p[i], 0);
	m.p[0] = 'X';
	memcpy(m.p + 12, " more", 5);
	m.p[m.cap - 1] = 'e';
	ck_assert_int_eq(fs_map_changed(&m, path), 0);
	ck_assert_int_eq(fs_read_file(path, 100, &data, &len), E_OK);
	ck_assert_uint_eq(len, 12);
	ck_assert_str_eq(data, "%PDF-1.7 abc");
	free(data);
	ck_assert_int_eq(fs_write_atomic(path, "%PDF-1.7 abd", 12, 0600), E_OK);
	ck_assert_int_eq(fs_map_changed(&m, path), 1);
	fs_unmap(&m);
	ck_assert_ptr_null(m.p);
	free(path);
	path = fs_join(scratch, "missing");
	ck_assert_int_eq(fs_map_file(&m, path, 100, 100), E_NOTFOUND);
	fs_unmap(&m);
	ck_assert_int_eq(fs_map_file(&m, scratch, 100, 100), E_INVAL);
	fs_unmap(&m);
	free(path);
}
END_TEST

static int refuse(void *ctx)
{
	++*(int *)ctx;
	return err_set(E_IO, "refused");
}

static int accept(void *ctx)
{
	++*(int *)ctx;
	return E_OK;
}

/* A refusal before the rename leaves the old file and no temporary. */
START_TEST(test_write_if)
{
	char *path = fs_join(scratch, "checked"), *data = NULL;
	int calls = 0;

	ck_assert_int_eq(fs_write_atomic(path, "old", 3, 0600), E_OK);
	ck_assert_int_eq(fs_write_atomic_if(path, "new", 3, 0600, refuse, &calls), E_IO);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(fs_read_file(path, 100, &data, NULL), E_OK);
	ck_assert_str_eq(data, "old");
	free(data);
	ck_assert_int_eq(count_entries(scratch), 1);
	ck_assert_int_eq(fs_write_atomic_if(path, "new", 3, 0600, accept, &calls), E_OK);
	ck_assert_int_eq(calls, 2);
	ck_assert_int_eq(fs_read_file(path, 100, &data, NULL), E_OK);
	ck_assert_str_eq(data, "new");
	free(data);
	free(path);
}
END_TEST

START_TEST(test_write_errors)
{
	char *path = fs_join(scratch, "missing/dir/file");

	ck_assert_int_eq(fs_write_atomic(path, "x", 1, 0600), E_IO);
	ck_assert_int_eq(fs_exists(path), 0);
	free(path);
	ck_assert_int_eq(fs_fsync_dir(scratch), E_OK);
	ck_assert_int_eq(fs_fsync_dir("/nonexistent-dinh-dir"), E_IO);
}
END_TEST

START_TEST(test_mkdir_p)
{
	char *deep = fs_join(scratch, "a/b/c");
	char *file = fs_join(scratch, "a/f");
	char *under = fs_join(scratch, "a/f/g");
	struct stat st;

	ck_assert_int_eq(fs_mkdir_p(deep, 0700), E_OK);
	ck_assert_int_eq(stat(deep, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(fs_mkdir_p(deep, 0700), E_OK); /* exists: fine */
	ck_assert_int_eq(fs_write_atomic(file, "x", 1, 0600), E_OK);
	ck_assert_int_ne(fs_mkdir_p(file, 0700), E_OK);
	ck_assert_int_ne(fs_mkdir_p(under, 0700), E_OK);
	ck_assert_int_eq(fs_mkdir_p("", 0700), E_INVAL);
	free(deep);
	free(file);
	free(under);
}
END_TEST

static Suite *fsutil_suite(void)
{
	Suite *s = suite_create("fsutil");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_join);
	tcase_add_test(tc, test_write_read);
	tcase_add_test(tc, test_read_cap);
	tcase_add_test(tc, test_write_errors);
	tcase_add_test(tc, test_map);
	tcase_add_test(tc, test_write_if);
	tcase_add_test(tc, test_mkdir_p);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(fsutil_suite());
}
