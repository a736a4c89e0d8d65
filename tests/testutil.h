/*
 * testutil.h: what every Check suite of dinh needs: running a suite,
 * removing a scratch directory, reading a shell command's answer, finding
 * the shared corpus.
 */
#ifndef DINH_TESTUTIL_H
#define DINH_TESTUTIL_H

#include <check.h>

/* Runs @s (taking ownership) and returns EXIT_SUCCESS or EXIT_FAILURE. */
int tu_run(Suite *s);

/* rm -r of @dir; never follows symbolic links. */
void tu_rm_tree(const char *dir);

/* Runs the shell command @cmd; its first output line, without the newline,
 * in a static buffer ("" if none). */
const char *tu_first_line(const char *cmd);

/* The directory @sub of the shared test corpus: $DINH_CORPUS/@sub when set
 * (scripts/test.sh sets it), else ../shared/corpus/@sub beside the source
 * tree ($top_srcdir, then one and two levels further up, for VPATH and
 * distcheck builds), in a static buffer; NULL if it is not there. */
const char *tu_corpus_dir(const char *sub);

#endif
