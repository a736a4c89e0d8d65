/*
 * code.h: the format of dossier codes, configurable as communes' receipts
 * differ: a template of literal text and tokens
 *
 *   {agency}  the agency code ([workflow] agency)
 *   {yyyy} {yy} {mm} {dd} {yymmdd}   the day of reception
 *   {seq} {seq:N}  the sequence, zero-padded to N digits (1 to 9)
 *
 * The default is "{agency}-{yymmdd}-{seq:4}" ("000.00.00.H01-261202-0001").
 * The sequence restarts each day when the template has the day, each
 * month when it has the month but not the day, else each year, so a code
 * is unique as long as the template holds the year: code_check() insists.
 */
#ifndef DINH_CODE_H
#define DINH_CODE_H

#include <stddef.h>

#include "workflow/calendar.h"

#define CODE_DEFAULT_FORMAT "{agency}-{yymmdd}-{seq:4}"
#define CODE_MAX 64 /* bytes of a code, NUL included */

/* E_OK, or E_CONFIG naming what is wrong with @fmt (an unknown token, no
 * {seq}, no year, the day without the month, over CODE_MAX). */
int code_check(const char *fmt);

/* The counter the sequence of @day belongs to: "yymmdd", "myymm" or
 * "yyyyy" (at most 7 bytes with the NUL; the letters keep a month's
 * counter apart from a year's). */
void code_scope(const char *fmt, cal_day day, char out[8]);

/* The code for @day and @seq by a template code_check() accepted;
 * E_TOOBIG over @size. */
int code_format(const char *fmt, const char *agency, cal_day day, unsigned long seq, char *out,
		size_t size);

#endif
