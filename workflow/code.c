/*
 * code.c: dossier codes from their template (code.h).  code_format()
 * trusts a template code_check() accepted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "workflow/code.h"

/* The token at @p ("{...}"): its length through '}', or 0. */
static size_t token_len(const char *p)
{
	const char *end = strchr(p, '}');

	return *p == '{' && end && end - p < 16 ? (size_t)(end - p) + 1 : 0;
}

/* 1 if the template holds token @t. */
static int has(const char *fmt, const char *t)
{
	return strstr(fmt, t) != NULL;
}

int code_check(const char *fmt)
{
	int seq = 0, year, month, day;
	char sample[CODE_MAX];

	for (const char *p = fmt; *p;) {
		size_t n = token_len(p);

		if (*p == '{' && !n)
			return err_set(E_CONFIG, "code_format: an unclosed { in \"%.64s\"", fmt);
		if (!n) {
			p++;
			continue;
		}
		if (!strncmp(p, "{seq}", n) ||
		    (n == 7 && !strncmp(p, "{seq:", 5) && p[5] >= '1' && p[5] <= '9'))
			seq++;
		else if (strncmp(p, "{agency}", n) && strncmp(p, "{yyyy}", n) &&
			 strncmp(p, "{yy}", n) && strncmp(p, "{mm}", n) && strncmp(p, "{dd}", n) &&
			 strncmp(p, "{yymmdd}", n))
			return err_set(E_CONFIG, "code_format: unknown token %.*s", (int)n, p);
		p += n;
	}
	year = has(fmt, "{yyyy}") || has(fmt, "{yy}") || has(fmt, "{yymmdd}");
	month = has(fmt, "{mm}") || has(fmt, "{yymmdd}");
	day = has(fmt, "{dd}") || has(fmt, "{yymmdd}");
	if (seq != 1)
		return err_set(E_CONFIG, "code_format: needs exactly one {seq} or {seq:N}");
	if (!year || (day && !month))
		return err_set(E_CONFIG,
			       "code_format: needs the year (and the month with the day), "
			       "or codes would repeat");
	if (code_format(fmt, "00000000000000000000000000000000", 0, 999999999, sample,
			sizeof(sample)) < 0)
		return err_set(E_CONFIG, "code_format: codes would be over %d bytes", CODE_MAX - 1);
	return E_OK;
}

void code_scope(const char *fmt, cal_day day, char out[8])
{
	char d[11];

	cal_format(day, d);
	if (has(fmt, "{dd}") || has(fmt, "{yymmdd}"))
		snprintf(out, 8, "%.2s%.2s%.2s", d + 2, d + 5, d + 8);
	else if (has(fmt, "{mm}"))
		snprintf(out, 8, "m%.2s%.2s", d + 2, d + 5);
	else
		snprintf(out, 8, "y%.4s", d);
}

int code_format(const char *fmt, const char *agency, cal_day day, unsigned long seq, char *out,
		size_t size)
{
	char d[11];
	size_t at = 0;

	cal_format(day, d);
	for (const char *p = fmt; *p;) {
		size_t n = token_len(p), left = size - at;
		int w;

		if (!n)
			w = snprintf(out + at, left, "%c", *p);
		else if (!strncmp(p, "{agency}", n))
			w = snprintf(out + at, left, "%s", agency);
		else if (!strncmp(p, "{yyyy}", n))
			w = snprintf(out + at, left, "%.4s", d);
		else if (!strncmp(p, "{yy}", n))
			w = snprintf(out + at, left, "%.2s", d + 2);
		else if (!strncmp(p, "{mm}", n))
			w = snprintf(out + at, left, "%.2s", d + 5);
		else if (!strncmp(p, "{dd}", n))
			w = snprintf(out + at, left, "%.2s", d + 8);
		else if (!strncmp(p, "{yymmdd}", n))
			w = snprintf(out + at, left, "%.2s%.2s%.2s", d + 2, d + 5, d + 8);
		else if (!strncmp(p, "{seq}", n))
			w = snprintf(out + at, left, "%lu", seq);
		else
			w = snprintf(out + at, left, "%0*lu", p[5] - '0', seq);
		if (w < 0 || (size_t)w >= left)
			return err_set(E_TOOBIG, "a dossier code over %zu bytes", size - 1);
		at += (size_t)w;
		p += n ? n : 1;
	}
	if (size)
		out[at] = '\0';
	return E_OK;
}
