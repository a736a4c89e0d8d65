/*
 * calendar.h: the working-day calendar of the commune: weekends (Saturday
 * and Sunday) and configured public holidays are not working days.
 * Dates are civil dates in Vietnam (UTC+07:00), as "YYYY-MM-DD".
 */
#ifndef DINH_CALENDAR_H
#define DINH_CALENDAR_H

#include <stdint.h>
#include <time.h>

/* A civil date as days since 1970-01-01 (can be compared and subtracted). */
typedef int32_t cal_day;

struct calendar;

/* A calendar with no holidays. */
int cal_new(struct calendar **out);
void cal_free(struct calendar *c);

/* Adds holidays from a list like "2026-01-01, 2026-02-16..2026-02-20"
 * (commas or newlines between items; ranges inclusive).  E_CONFIG naming
 * the bad item otherwise, nothing added then. */
int cal_add_holidays(struct calendar *c, const char *list);

/* "YYYY-MM-DD" <-> cal_day.  E_INVAL for anything else or impossible dates. */
int cal_parse(const char *s, cal_day *out);
void cal_format(cal_day d, char out[11]);

/* The Vietnamese civil date of @t (UTC+07:00). */
cal_day cal_from_time(time_t t);

int cal_is_working(const struct calendar *c, cal_day d);

/* The date @n working days after @start (start itself not counted; n = 0
 * gives start). */
cal_day cal_add_working(const struct calendar *c, cal_day start, unsigned n);

/* Working days in (a, b]: 0 when b <= a. */
unsigned cal_working_between(const struct calendar *c, cal_day a, cal_day b);

#endif
