/*
 * conf.h: dinhd's configuration, read from a GLib key file (INI style).
 * Every key is documented in docs/configuration.md.  Unknown groups or keys
 * are refused so that a typo never passes silently.
 */
#ifndef DINH_CONFIG_H
#define DINH_CONFIG_H

#include <stddef.h>

#define CONFIG_LIST_MAX 16

struct config {
	char *listen[CONFIG_LIST_MAX]; /* [server] listen */
	size_t n_listen;
	char *names[CONFIG_LIST_MAX]; /* [server] names: extra server certificate names */
	size_t n_names;
	char *commune;              /* [server] commune */
	unsigned idle_timeout;      /* [server] idle-timeout, seconds */
	unsigned max_sessions;      /* [server] max-sessions */
	unsigned max_handshakes;    /* [server] max-handshakes */
	unsigned cert_days;         /* [server] cert-days: validity of issued certificates */
	int allow_tls12;            /* [tls] allow-tls12 */
	unsigned handshake_timeout; /* [tls] handshake-timeout, seconds */
	int log_level;              /* [log] level */
	char *holidays;             /* [workflow] holidays: "2026-01-01, 2026-02-16..2026-02-20" */
	char *issuer;               /* [workflow] issuer: symbol in numbers, default "UBND" */
	char *agency;               /* [workflow] agency: first part of dossier codes */
	char *code_format;          /* [workflow] code-format (workflow/code.h), or NULL */
	char *status_url;           /* [workflow] status-url: the code is appended, or NULL */
	char *trust[CONFIG_LIST_MAX]; /* [signing] trust: external roots (files or directories) */
	size_t n_trust;
	char *portal_listen;        /* [portal] listen: "host:port", "off", or NULL (derived) */
	unsigned portal_rate;       /* [portal] lookups-per-minute, per address */
	unsigned portal_burst;      /* [portal] lookup-burst */
	unsigned portal_upload_kib; /* [portal] upload-max, KiB */
	unsigned portal_threads;    /* [portal] threads */
};

#define CONFIG_DEFAULT_LISTEN "127.0.0.1:4343"
#define CONFIG_DEFAULT_COMMUNE "UBND xã Mẫu"

/* Loads @path; a missing file gives the defaults.  E_CONFIG with the group,
 * key and reason in err_detail() for anything wrong.  *out NULL on failure. */
int config_load(struct config **out, const char *path);
void config_free(struct config *c);

/* Splits "host:port", "[v6]:port" into a host (malloc'd) and a port. */
int config_parse_addr(const char *s, char **host, unsigned *port);

#endif
