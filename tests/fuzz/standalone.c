/*
 * standalone.c: replay driver for fuzz targets built without libFuzzer: runs
 * LLVMFuzzerTestOneInput over every regular file of the directories (or files)
 * given as arguments and prints "N passed, 0 failed".
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fsutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_FILE_MAX (16u * 1024 * 1024)

/* Runs the target over one file; 0 if it ran, -1 if the file was unreadable. */
static int replay_file(const char *path)
{
	char *data = NULL;
	size_t len = 0;

	if (fs_read_file(path, REPLAY_FILE_MAX, &data, &len) < 0) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 0;
}

/* Replays every regular file of @dir; counts into @passed and @failed. */
static void replay_dir(const char *dir, unsigned *passed, unsigned *failed)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		(*failed)++;
		return;
	}
	while ((e = readdir(d))) {
		struct stat st;
		char *path;

		if (e->d_name[0] == '.')
			continue;
		path = fs_join(dir, e->d_name);
		if (!path) {
			(*failed)++;
			continue;
		}
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) == 0)
				(*passed)++;
			else
				(*failed)++;
		}
		free(path);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(argv[i]) == 0)
				passed++;
			else
				failed++;
		} else {
			replay_dir(argv[i], &passed, &failed);
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed || passed == 0 ? 1 : 0;
}
