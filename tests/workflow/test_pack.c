/*
 * test_pack.c: the packs pack.c writes (whole objects, prefix/suffix
 * deltas, merged packs) are packs git reads and verifies.
 */
#include "config.h"

#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "workflow/pack.h"
#include "tests/testutil.h"

static char tmpdir[64], git_dir[128], pack_dir[160];

static void setup(void)
{
	char cmd[512];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dinh-test-pack-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(git_dir, sizeof(git_dir), "%s/r.git", tmpdir);
	snprintf(pack_dir, sizeof(pack_dir), "%s/objects/pack", git_dir);
	snprintf(cmd, sizeof(cmd), "git init -q --bare '%s' && echo ok", git_dir);
	ck_assert_str_eq(tu_first_line(cmd), "ok");
}

static void teardown(void)
{
	tu_rm_tree(tmpdir);
}

/* The git id of a blob of @s into @id, and its hex into @hex. */
static void blob_id(const char *s, uint8_t id[PACK_ID_LEN], char hex[41])
{
	GChecksum *cs = g_checksum_new(G_CHECKSUM_SHA1);
	char hdr[32];
	gsize n = PACK_ID_LEN;
	int len = snprintf(hdr, sizeof(hdr), "blob %zu", strlen(s));

	g_checksum_update(cs, (const guchar *)hdr, len + 1);
	g_checksum_update(cs, (const guchar *)s, (gssize)strlen(s));
	g_checksum_get_digest(cs, id, &n);
	snprintf(hex, 41, "%s", g_checksum_get_string(cs));
	g_checksum_free(cs);
}

/* What `git cat-file -p` says of @hex (first line). */
static const char *cat(const char *hex)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "git --git-dir='%s' cat-file -p %.40s 2>&1", git_dir, hex);
	return tu_first_line(cmd);
}

static const char *verify(const char *name)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "git verify-pack '%s/%.45s.idx' >/dev/null 2>&1 && echo ok",
		 pack_dir, name);
	return tu_first_line(cmd);
}

/* Versions of one file: each the previous one with a line appended. */
static void versions(char v[4][600])
{
	snprintf(v[0], 600, "<Document>%0400d</Document>\n", 7);
	for (int i = 1; i < 4; i++)
		snprintf(v[i], 600, "%.*s<Comment>%d</Comment></Document>\n",
			 (int)(strlen(v[i - 1]) - 12), v[i - 1], i);
}

START_TEST(whole_and_delta)
{
	struct pack *p;
	char v[4][600], hex[4][41], name[PACK_NAME_LEN];
	uint8_t id[4][PACK_ID_LEN];

	if (system("git --version >/dev/null 2>&1") != 0)
		return;
	versions(v);
	ck_assert_int_eq(pack_new(&p), E_OK);
	for (int i = 0; i < 4; i++) {
		blob_id(v[i], id[i], hex[i]);
		ck_assert_int_eq(pack_add(p, id[i], PACK_BLOB, v[i], strlen(v[i]), "a/meta.xml"),
				 E_OK);
	}
	/* A repeated id is written once. */
	ck_assert_int_eq(pack_add(p, id[2], PACK_BLOB, v[2], strlen(v[2]), "b"), E_OK);
	ck_assert_uint_eq(pack_count(p), 4);
	/* Deltas: far less than four whole copies. */
	ck_assert_uint_lt(pack_size(p), strlen(v[0]) + 4 * 200);
	ck_assert_int_eq(pack_commit(p, pack_dir, name), E_OK);
	pack_free(p);
	ck_assert_str_eq(verify(name), "ok");
	for (int i = 0; i < 4; i++) {
		char first[600];

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(v[i], "\n"), v[i]);
		ck_assert_str_eq(cat(hex[i]), first);
	}
}
END_TEST

START_TEST(merge_keeps_deltas)
{
	struct pack *a, *b, *m;
	char v[4][600], hex[4][41], na[PACK_NAME_LEN], nb[PACK_NAME_LEN], nm[PACK_NAME_LEN];
	uint8_t id[4][PACK_ID_LEN];
	size_t count;

	if (system("git --version >/dev/null 2>&1") != 0)
		return;
	versions(v);
	ck_assert_int_eq(pack_new(&a), E_OK);
	ck_assert_int_eq(pack_new(&b), E_OK);
	for (int i = 0; i < 4; i++) {
		blob_id(v[i], id[i], hex[i]);
		ck_assert_int_eq(pack_add(i < 3 ? a : b, id[i], PACK_BLOB, v[i], strlen(v[i]), "f"),
				 E_OK);
	}
	/* Both packs have versions 1 and 2: a's copy of 2 is a delta on its
	 * copy of 1, and both are dropped from the merge, b's kept. */
	ck_assert_int_eq(pack_add(b, id[1], PACK_BLOB, v[1], strlen(v[1]), ""), E_OK);
	ck_assert_int_eq(pack_add(b, id[2], PACK_BLOB, v[2], strlen(v[2]), ""), E_OK);
	ck_assert_int_eq(pack_commit(a, pack_dir, na), E_OK);
	ck_assert_int_eq(pack_commit(b, pack_dir, nb), E_OK);
	ck_assert_int_eq(pack_new(&m), E_OK);
	ck_assert_int_eq(pack_merge(m, pack_dir, nb), E_OK);
	ck_assert_int_eq(pack_merge(m, pack_dir, na), E_OK);
	ck_assert_uint_eq(pack_count(m), 4);
	ck_assert_int_eq(pack_commit(m, pack_dir, nm), E_OK);
	pack_remove(pack_dir, na);
	pack_remove(pack_dir, nb);
	ck_assert_str_eq(verify(nm), "ok");
	ck_assert_int_eq(pack_idx_count(pack_dir, nm, &count), E_OK);
	ck_assert_uint_eq(count, 4);
	for (int i = 0; i < 4; i++) {
		char first[600];

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(v[i], "\n"), v[i]);
		ck_assert_str_eq(cat(hex[i]), first);
	}
	pack_free(a);
	pack_free(b);
	pack_free(m);
}
END_TEST

static Suite *pack_suite(void)
{
	Suite *s = suite_create("pack");
	TCase *tc = tcase_create("pack");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, whole_and_delta);
	tcase_add_test(tc, merge_keeps_deltas);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(pack_suite());
}
