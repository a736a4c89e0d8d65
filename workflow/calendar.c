/*
 * calendar.c: the commune's working-day calendar: civil dates as day numbers
 * (days-from-civil, no timegm), Saturday and Sunday off, and a sorted array
 * of configured holidays.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "workflow/calendar.h"

#define CAL_RANGE_MAX 366     /* days of one holiday range */
#define CAL_HOLIDAYS_MAX 4096 /* holidays of one calendar */
#define CAL_ITEM_MAX 64       /* bytes of one item of a holiday list */

struct calendar {
	cal_day *days; /* sorted, unique */
	size_t n;
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static cal_day days_from_civil(int y, unsigned m, unsigned d)
{
	int era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (cal_day)(era * 146097 + (int)doe - 719468);
}

static void civil_from_days(cal_day z, int *y, unsigned *m, unsigned *d)
{
	int32_t zz = z + 719468;
	int32_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
	unsigned doe = (unsigned)(zz - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)yoe + era * 400 + (*m <= 2);
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int y, unsigned m)
{
	static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : dim[m - 1];
}

int cal_new(struct calendar **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return err_set(E_NOMEM, "calendar");
	return E_OK;
}

void cal_free(struct calendar *c)
{
	if (!c)
		return;
	free(c->days);
	free(c);
}

/* Parses exactly "YYYY-MM-DD" of @len bytes at @s. */
static int parse_n(const char *s, size_t len, cal_day *out)
{
	unsigned v[3] = {0, 0, 0};
	static const size_t start[3] = {0, 5, 8}, width[3] = {4, 2, 2};

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return E_INVAL;
	for (int f = 0; f < 3; f++)
		for (size_t i = start[f]; i < start[f] + width[f]; i++) {
			if (s[i] < '0' || s[i] > '9')
				return E_INVAL;
			v[f] = v[f] * 10 + (unsigned)(s[i] - '0');
		}
	if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > days_in_month((int)v[0], v[1]))
		return E_INVAL;
	*out = days_from_civil((int)v[0], v[1], v[2]);
	return E_OK;
}

int cal_parse(const char *s, cal_day *out)
{
	if (!s || parse_n(s, strlen(s), out) < 0)
		return err_set(E_INVAL, "\"%.20s\" is not a date YYYY-MM-DD", s ? s : "");
	return E_OK;
}

void cal_format(cal_day d, char out[11])
{
	int y;
	unsigned m, dd;

	civil_from_days(d, &y, &m, &dd);
	if (y < 0 || y > 9999) {
		snprintf(out, 11, "0000-00-00");
		return;
	}
	snprintf(out, 11, "%04d-%02u-%02u", y % 10000, m % 100, dd % 100);
}

cal_day cal_from_time(time_t t)
{
	long long s = (long long)t + 7 * 3600;
	long long q = s / 86400;

	if (s % 86400 < 0)
		q--;
	return (cal_day)q;
}

/* 0 for Monday .. 6 for Sunday (1970-01-01 was a Thursday). */
static int weekday(cal_day d)
{
	int r = (int)((d + 3) % 7);

	return r < 0 ? r + 7 : r;
}

/* Index of the first holiday >= @d. */
static size_t lower_bound(const struct calendar *c, cal_day d)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->days[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_holiday(const struct calendar *c, cal_day d)
{
	size_t i = lower_bound(c, d);

	return i < c->n && c->days[i] == d;
}

int cal_is_working(const struct calendar *c, cal_day d)
{
	return weekday(d) < 5 && !is_holiday(c, d);
}

static int cmp_day(const void *a, const void *b)
{
	cal_day x = *(const cal_day *)a, y = *(const cal_day *)b;

	return x < y ? -1 : x > y;
}

/* Parses one trimmed item "D" or "D..D" into [*a, *b]. */
static int parse_item(const char *s, size_t len, cal_day *a, cal_day *b)
{
	const char *dots = NULL;

	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	if (!dots) {
		if (parse_n(s, len, a) < 0)
			return E_INVAL;
		*b = *a;
		return E_OK;
	}
	if (parse_n(s, (size_t)(dots - s), a) < 0 ||
	    parse_n(dots + 2, len - (size_t)(dots - s) - 2, b) < 0 || *b < *a ||
	    *b - *a >= CAL_RANGE_MAX)
		return E_INVAL;
	return E_OK;
}

int cal_add_holidays(struct calendar *c, const char *list)
{
	cal_day *days = NULL;
	size_t n = 0, cap = 0, u = 0;
	const char *p = list;
	int rc = E_OK;

	while (p && *p) {
		size_t len = strcspn(p, ",\n");
		const char *s = p;
		size_t l = len;
		cal_day a, b;

		p += len;
		if (*p)
			p++;
		while (l && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++, l--;
		while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r'))
			l--;
		if (!l)
			continue;
		if (parse_item(s, l, &a, &b) < 0) {
			rc = err_set(E_CONFIG,
				     "holiday \"%.*s\": not a date or range YYYY-MM-DD..YYYY-MM-DD",
				     (int)(l < CAL_ITEM_MAX ? l : CAL_ITEM_MAX), s);
			goto out;
		}
		for (cal_day d = a; d <= b; d++) {
			if (n == cap) {
				cal_day *nd;

				if (c->n + cap >= CAL_HOLIDAYS_MAX) {
					rc = err_set(E_CONFIG, "more than %d holidays",
						     CAL_HOLIDAYS_MAX);
					goto out;
				}
				cap = cap ? cap * 2 : 32;
				nd = realloc(days, (c->n + cap) * sizeof(*nd));
				if (!nd) {
					rc = err_set(E_NOMEM, "holidays");
					goto out;
				}
				days = nd;
			}
			days[n++] = d;
		}
	}
	if (!n)
		goto out;
	if (c->n)
		memcpy(days + n, c->days, c->n * sizeof(*days));
	n += c->n;
	qsort(days, n, sizeof(*days), cmp_day);
	for (size_t i = 0; i < n; i++)
		if (!u || days[u - 1] != days[i])
			days[u++] = days[i];
	free(c->days);
	c->days = days;
	c->n = u;
	days = NULL;
out:
	free(days);
	return rc;
}

cal_day cal_add_working(const struct calendar *c, cal_day start, unsigned n)
{
	cal_day d = start;

	while (n > 0) {
		d++;
		if (cal_is_working(c, d))
			n--;
	}
	return d;
}

unsigned cal_working_between(const struct calendar *c, cal_day a, cal_day b)
{
	long long span, count;
	size_t i;

	if (b <= a)
		return 0;
	span = (long long)b - a;
	count = span / 7 * 5;
	for (cal_day d = (cal_day)(a + span / 7 * 7 + 1); d <= b; d++)
		if (weekday(d) < 5)
			count++;
	for (i = lower_bound(c, a + 1); i < c->n && c->days[i] <= b; i++)
		if (weekday(c->days[i]) < 5)
			count--;
	return (unsigned)count;
}
