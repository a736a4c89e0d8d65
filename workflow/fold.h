/*
 * fold.h: Vietnamese text folded for search: lower case, tone and vowel
 * marks removed, đ -> d.  "Hồ sơ ĐĂNG KÝ đất đai" folds to
 * "ho so dang ky dat dai", so a query typed without diacritics finds text
 * written with them (and the reverse).  Letters of other scripts are kept,
 * lower-cased, without their combining marks.
 */
#ifndef DINH_FOLD_H
#define DINH_FOLD_H

#include <stddef.h>

/*
 * Folds the UTF-8 string @s into a malloc'd, NUL-terminated string (the
 * caller frees it).  Invalid UTF-8 sequences become spaces.  NULL only when
 * out of memory.
 */
char *fold_text(const char *s);

#endif
