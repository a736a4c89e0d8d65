/*
 * test_files.c: the content-addressed store takes uploads in chunks,
 * resumes them across restarts, refuses wrong offsets, oversize data and
 * content that does not match its SHA-256, and serves complete files.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "common/err.h"
#include "common/proto.h"
#include "server/files.h"
#include "tests/testutil.h"

#define DATA_LEN (700 * 1000 + 17)

static char tmpdir[64];
static char root[128];
static uint8_t *data;
static uint8_t sha[32];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dinh-test-files-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(root, sizeof(root), "%s/files", tmpdir);
	data = malloc(DATA_LEN);
	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < DATA_LEN; i++)
		data[i] = (uint8_t)(i * 7 + (i >> 9));
	ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, data, DATA_LEN, sha), 0);
}

static void teardown(void)
{
	free(data);
	tu_rm_tree(tmpdir);
}

/* The path of the .part or the stored file of @h. */
static const char *path_of(const uint8_t h[32], int part)
{
	static char p[256];
	char hex[65];

	proto_hex(hex, h);
	if (part)
		snprintf(p, sizeof(p), "%s/tmp/%s.part", root, hex);
	else
		snprintf(p, sizeof(p), "%s/%.2s/%s", root, hex, hex);
	return p;
}

/* Sends data[from..to) in chunks of @step; returns the last result. */
static int send(struct files_upload *up, size_t from, size_t to, size_t step, int *done)
{
	int rc = E_OK;

	*done = 0;
	for (size_t off = from; off < to && rc == E_OK; off += step) {
		size_t n = to - off < step ? to - off : step;

		rc = files_upload_write(up, off, data + off, (uint32_t)n, done);
	}
	return rc;
}

/* Reads the stored file back and compares it with data. */
static void check_stored(struct files *f)
{
	uint64_t size = 0;
	uint8_t *back = malloc(DATA_LEN + 1);
	int fd = -1;

	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(files_stat(f, sha, &size), E_OK);
	ck_assert_uint_eq(size, DATA_LEN);
	ck_assert_int_eq(files_open_read(f, sha, &fd, &size), E_OK);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(size, DATA_LEN);
	ck_assert_int_eq(read(fd, back, DATA_LEN + 1), DATA_LEN);
	ck_assert_int_eq(memcmp(back, data, DATA_LEN), 0);
	close(fd);
	free(back);
	ck_assert_int_eq(access(path_of(sha, 1), F_OK), -1);
}

START_TEST(upload_in_chunks)
{
	struct files *f = NULL;
	struct files_upload *up = NULL;
	uint64_t have = 99, size = 0;
	int fd = 5, done = 0;

	ck_assert_int_eq(files_open(&f, root), E_OK);
	ck_assert_int_eq(files_stat(f, sha, &size), E_NOTFOUND);
	ck_assert_int_eq(files_open_read(f, sha, &fd, &size), E_NOTFOUND);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	ck_assert_ptr_nonnull(up);
	ck_assert_uint_eq(have, 0);
	ck_assert_int_eq(send(up, 0, DATA_LEN, 256 * 1024, &done), E_OK);
	ck_assert_int_eq(done, 1);
	ck_assert_uint_eq(files_upload_have(up), DATA_LEN);
	files_upload_close(up);
	check_stored(f);

	/* A second upload of the same content is answered complete at once. */
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	ck_assert_ptr_null(up);
	ck_assert_uint_eq(have, DATA_LEN);
	files_free(f);
}
END_TEST

START_TEST(resume_after_reopen)
{
	struct files *f = NULL;
	struct files_upload *up = NULL;
	uint64_t have = 0;
	int done = 0;

	ck_assert_int_eq(files_open(&f, root), E_OK);
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	ck_assert_int_eq(send(up, 0, 300000, 100000, &done), E_OK);
	ck_assert_int_eq(done, 0);
	files_upload_close(up);
	files_free(f);
	ck_assert_int_eq(access(path_of(sha, 1), F_OK), 0);

	/* A restarted server resumes from what it holds. */
	ck_assert_int_eq(files_open(&f, root), E_OK);
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	ck_assert_ptr_nonnull(up);
	ck_assert_uint_eq(have, 300000);
	ck_assert_int_eq(send(up, 300000, DATA_LEN, 65536, &done), E_OK);
	ck_assert_int_eq(done, 1);
	files_upload_close(up);
	check_stored(f);
	files_free(f);
}
END_TEST

START_TEST(wrong_offset)
{
	struct files *f = NULL;
	struct files_upload *up = NULL;
	uint64_t have = 0;
	int done = 0;

	ck_assert_int_eq(files_open(&f, root), E_OK);
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	ck_assert_int_eq(files_upload_write(up, 1, data + 1, 100, &done), E_INVAL);
	ck_assert_int_eq(files_upload_write(up, 0, data, 1000, &done), E_OK);
	ck_assert_int_eq(files_upload_write(up, 0, data, 1000, &done), E_INVAL);
	ck_assert_int_eq(files_upload_write(up, 2000, data + 2000, 10, &done), E_INVAL);
	ck_assert_uint_eq(files_upload_have(up), 1000);
	/* Nothing beyond the announced size. */
	ck_assert_int_eq(files_upload_write(up, 1000, data, DATA_LEN, &done), E_TOOBIG);
	ck_assert_uint_eq(files_upload_have(up), 1000);
	ck_assert_int_eq(send(up, 1000, DATA_LEN, 250000, &done), E_OK);
	ck_assert_int_eq(done, 1);
	files_upload_close(up);
	check_stored(f);
	files_free(f);
}
END_TEST

START_TEST(hash_mismatch)
{
	struct files *f = NULL;
	struct files_upload *up = NULL;
	uint64_t have = 0, size = 0;
	int done = 0;

	ck_assert_int_eq(files_open(&f, root), E_OK);
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	data[DATA_LEN / 2] ^= 1;
	ck_assert_int_eq(send(up, 0, DATA_LEN, 128 * 1024, &done), E_HASH);
	ck_assert_int_eq(done, 0);
	ck_assert_int_eq(access(path_of(sha, 1), F_OK), -1);
	ck_assert_int_eq(files_stat(f, sha, &size), E_NOTFOUND);
	/* The upload takes nothing more. */
	ck_assert_int_eq(files_upload_write(up, DATA_LEN, data, 0, &done), E_INVAL);
	files_upload_close(up);

	/* The right content then goes through from zero. */
	data[DATA_LEN / 2] ^= 1;
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	ck_assert_uint_eq(have, 0);
	ck_assert_int_eq(send(up, 0, DATA_LEN, 256 * 1024, &done), E_OK);
	ck_assert_int_eq(done, 1);
	files_upload_close(up);
	check_stored(f);
	files_free(f);
}
END_TEST

START_TEST(size_cap)
{
	struct files *f = NULL;
	struct files_upload *up = (struct files_upload *)1;
	uint64_t have = 7;

	ck_assert_int_eq(files_open(&f, root), E_OK);
	ck_assert_int_eq(files_upload_begin(f, sha, FILES_SIZE_MAX + 1, &up, &have), E_TOOBIG);
	ck_assert_ptr_null(up);
	ck_assert_int_eq(access(path_of(sha, 1), F_OK), -1);
	files_free(f);
}
END_TEST

START_TEST(busy_and_complete_part)
{
	struct files *f = NULL;
	struct files_upload *up = NULL, *up2 = NULL;
	uint64_t have = 0;
	int done = 0, fd;

	ck_assert_int_eq(files_open(&f, root), E_OK);
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	/* A second session cannot upload the same file at the same time. */
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up2, &have), E_BUSY);
	ck_assert_ptr_null(up2);
	ck_assert_int_eq(send(up, 0, 5000, 5000, &done), E_OK);
	files_upload_close(up);
	/* A smaller size announced later restarts the part. */
	ck_assert_int_eq(files_upload_begin(f, sha, 4000, &up, &have), E_OK);
	ck_assert_uint_eq(have, 0);
	files_upload_close(up);

	/* A .part holding everything (a crash before the rename) is settled on
	 * begin: verified, stored, reported complete. */
	fd = open(path_of(sha, 1), O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, DATA_LEN), DATA_LEN);
	close(fd);
	ck_assert_int_eq(files_upload_begin(f, sha, DATA_LEN, &up, &have), E_OK);
	ck_assert_ptr_null(up);
	ck_assert_uint_eq(have, DATA_LEN);
	check_stored(f);
	files_free(f);
}
END_TEST

START_TEST(empty_file)
{
	struct files *f = NULL;
	struct files_upload *up = NULL;
	uint8_t empty[32], other[32];
	uint64_t have = 9, size = 9;

	ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, "", 0, empty), 0);
	memset(other, 0x11, sizeof(other));
	ck_assert_int_eq(files_open(&f, root), E_OK);
	ck_assert_int_eq(files_upload_begin(f, empty, 0, &up, &have), E_OK);
	ck_assert_ptr_null(up);
	ck_assert_uint_eq(have, 0);
	ck_assert_int_eq(files_stat(f, empty, &size), E_OK);
	ck_assert_uint_eq(size, 0);
	ck_assert_int_eq(files_upload_begin(f, other, 0, &up, &have), E_HASH);
	ck_assert_ptr_null(up);
	ck_assert_int_eq(access(path_of(other, 1), F_OK), -1);
	files_free(f);
}
END_TEST

static Suite *files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, upload_in_chunks);
	tcase_add_test(tc, resume_after_reopen);
	tcase_add_test(tc, wrong_offset);
	tcase_add_test(tc, hash_mismatch);
	tcase_add_test(tc, size_cap);
	tcase_add_test(tc, busy_and_complete_part);
	tcase_add_test(tc, empty_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(files_suite());
}
