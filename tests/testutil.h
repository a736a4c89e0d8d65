/*
 * testutil.h: what every Check suite of dinh needs: running a suite and
 * removing a scratch directory.
 */
#ifndef DINH_TESTUTIL_H
#define DINH_TESTUTIL_H

#include <check.h>

/* Runs @s (taking ownership) and returns EXIT_SUCCESS or EXIT_FAILURE. */
int tu_run(Suite *s);

/* rm -r of @dir; never follows symbolic links. */
void tu_rm_tree(const char *dir);

#endif
