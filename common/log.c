/*
 * log.c: level-filtered log lines to stderr (foreground, with a local ISO 8601
 * timestamp) or to syslog(3); control characters are stripped from messages
 * so that peer-supplied text cannot forge extra lines.  See log.h.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

#define LOG_LINE_MAX 1024
#define LOG_IDENT_MAX 32

static char log_ident[LOG_IDENT_MAX] = "dinh";
static int log_use_syslog;
static volatile enum log_level log_level_cur = LOG_LVL_INFO;

static const char *const log_level_names[] = {"error", "warning", "info", "debug"};

void log_init(const char *ident, int use_syslog, enum log_level level)
{
	if (ident && *ident)
		snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_use_syslog = use_syslog;
	log_level_cur = level;
	if (use_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(enum log_level level)
{
	log_level_cur = level;
}

enum log_level log_get_level(void)
{
	return log_level_cur;
}

int log_level_from_str(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i <= LOG_LVL_DEBUG; i++)
		if (strcmp(s, log_level_names[i]) == 0)
			return i;
	return -1;
}

/* Replaces every byte below 0x20 and DEL by '?', in place. */
static void log_sanitise(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Writes "2026-11-22T10:00:00+07:00" (local time) into @out. */
static void log_timestamp(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32], zone[8];

	clock_gettime(CLOCK_REALTIME, &ts);
	if (!localtime_r(&ts.tv_sec, &tm) ||
	    !strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5) {
		snprintf(out, size, "%lld", (long long)ts.tv_sec);
		return;
	}
	snprintf(out, size, "%s%.3s:%.2s", base, zone, zone + 3);
}

static void log_write_stderr(enum log_level level, const char *msg)
{
	char stamp[64];
	char line[LOG_LINE_MAX + 128];
	int n;
	size_t off = 0;

	log_timestamp(stamp, sizeof(stamp));
	n = snprintf(line, sizeof(line), "%s %s[%ld] %s: %s\n", stamp, log_ident, (long)getpid(),
		     log_level_names[level], msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* One write() per line so that lines of concurrent threads never mix. */
	while (off < (size_t)n) {
		ssize_t w = write(STDERR_FILENO, line + off, (size_t)n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	char msg[LOG_LINE_MAX];
	int saved = errno;
	va_list ap;

	if ((int)level < LOG_LVL_ERR || level > LOG_LVL_DEBUG)
		level = LOG_LVL_ERR;
	if (level > log_level_cur)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_sanitise(msg);
	if (log_use_syslog)
		syslog(prio[level], "%s", msg);
	else
		log_write_stderr(level, msg);
	errno = saved;
}
