/*
 * testutil.c: shared helpers of the Check suites (see testutil.h).
 */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/testutil.h"

/*
 * LeakSanitizer's built-in suppressions for every suite: fontconfig's
 * configuration and cache, set up once per process by pango and never freed
 * (FcFini() asserts while pango holds them).  Only library-internal state.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

int tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

void tu_rm_tree(const char *dir)
{
	nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tu_first_line(const char *cmd)
{
	static char line[4096];
	FILE *p = popen(cmd, "r");

	line[0] = '\0';
	if (!p)
		return line;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	pclose(p);
	return line;
}

const char *tu_corpus_dir(const char *sub)
{
	static char path[4096];
	const char *top = getenv("top_srcdir"), *env = getenv("DINH_CORPUS");
	const char *up[] = {"..", "../..", "../../.."};
	struct stat st;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s/%s", env, sub);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return path;
	}
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s/shared/corpus/%s", top ? top : ".", up[i], sub);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return path;
	}
	return NULL;
}
