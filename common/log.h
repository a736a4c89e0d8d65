/*
 * log.h: the daemon's and tools' logging.
 *
 * In the foreground lines go to stderr with a timestamp and level; once
 * daemonised they go to syslog (which the journal collects).  Secrets
 * (keys, passwords, PINs) are never passed to these functions.
 */
#ifndef DINH_LOG_H
#define DINH_LOG_H

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* @ident names the program; @use_syslog selects syslog instead of stderr. */
void log_init(const char *ident, int use_syslog, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "error", "warning", "info", "debug"; -1 if unknown. */
int log_level_from_str(const char *s);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
