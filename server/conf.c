/*
 * conf.c: loads dinhd.conf with GLib's GKeyFile and checks every value.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "server/conf.h"
#include "workflow/code.h"

struct config_key {
	const char *group;
	const char *key;
};

static const struct config_key config_keys[] = {
	{"server", "listen"},       {"server", "names"},         {"server", "commune"},
	{"server", "idle-timeout"}, {"server", "max-sessions"},  {"server", "max-handshakes"},
	{"server", "cert-days"},    {"tls", "allow-tls12"},      {"tls", "handshake-timeout"},
	{"log", "level"},           {"workflow", "holidays"},    {"workflow", "issuer"},
	{"workflow", "agency"},     {"workflow", "code-format"}, {"workflow", "status-url"},
	{"signing", "trust"},       {"portal", "listen"},        {"portal", "lookups-per-minute"},
	{"portal", "lookup-burst"}, {"portal", "upload-max"},    {"portal", "threads"},
};

static void config_defaults(struct config *c)
{
	c->idle_timeout = 300;
	c->max_sessions = 20000;
	c->max_handshakes = 256;
	c->cert_days = 730;
	c->allow_tls12 = 0;
	c->handshake_timeout = 10;
	c->log_level = -1; /* keep what the command line chose */
	c->portal_rate = 20;
	c->portal_burst = 10;
	c->portal_upload_kib = 8192;
	c->portal_threads = 2;
}

void config_free(struct config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_listen; i++)
		free(c->listen[i]);
	for (i = 0; i < c->n_names; i++)
		free(c->names[i]);
	for (i = 0; i < c->n_trust; i++)
		free(c->trust[i]);
	free(c->commune);
	free(c->holidays);
	free(c->issuer);
	free(c->agency);
	free(c->code_format);
	free(c->status_url);
	free(c->portal_listen);
	free(c);
}

int config_parse_addr(const char *s, char **host, unsigned *port)
{
	const char *colon, *h = s;
	size_t hlen;
	char *end;
	unsigned long p;

	*host = NULL;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return err_set(E_CONFIG, "bad address \"%s\": use [v6-address]:port", s);
		h = s + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return err_set(E_CONFIG, "bad address \"%s\": use host:port", s);
		hlen = (size_t)(colon - s);
	}
	p = strtoul(colon + 1, &end, 10);
	if (hlen == 0 || !colon[1] || *end || p > 65535)
		return err_set(E_CONFIG, "bad address \"%s\": use host:port", s);
	*host = strndup(h, hlen);
	if (!*host)
		return err_set(E_NOMEM, "out of memory");
	*port = (unsigned)p;
	return E_OK;
}

static int config_check_keys(GKeyFile *kf, const char *path)
{
	gchar **groups = g_key_file_get_groups(kf, NULL), **keys = NULL;
	int rc = E_OK;
	size_t g, k, i;

	for (g = 0; groups[g] && rc == E_OK; g++) {
		int group_known = 0;

		/* A group is known when some setting of config_keys is in it. */
		for (i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
			group_known |= !strcmp(config_keys[i].group, groups[g]);
		if (!group_known) {
			rc = err_set(E_CONFIG, "%s: unknown group [%s]", path, groups[g]);
			break;
		}
		keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
		for (k = 0; keys && keys[k] && rc == E_OK; k++) {
			int known = 0;

			for (i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
				known |= !strcmp(config_keys[i].group, groups[g]) &&
					 !strcmp(config_keys[i].key, keys[k]);
			if (!known)
				rc = err_set(E_CONFIG, "%s: unknown setting [%s] %s", path,
					     groups[g], keys[k]);
		}
		g_strfreev(keys);
	}
	g_strfreev(groups);
	return rc;
}

/* Reads an unsigned key in [min, max] if present. */
static int config_uint(GKeyFile *kf, const char *path, const char *group, const char *key,
		       unsigned min, unsigned max, unsigned *out)
{
	GError *e = NULL;
	gchar *s;
	char *end;
	unsigned long v;

	if (!g_key_file_has_key(kf, group, key, NULL))
		return E_OK;
	s = g_key_file_get_string(kf, group, key, &e);
	if (!s) {
		g_clear_error(&e);
		return err_set(E_CONFIG, "%s: [%s] %s: not a value", path, group, key);
	}
	v = strtoul(s, &end, 10);
	if (!*s || *end || v < min || v > max) {
		int rc = err_set(E_CONFIG, "%s: [%s] %s = \"%s\": expected a number from %u to %u",
				 path, group, key, s, min, max);

		g_free(s);
		return rc;
	}
	g_free(s);
	*out = (unsigned)v;
	return E_OK;
}

static int config_list(GKeyFile *kf, const char *path, const char *group, const char *key,
		       char **out, size_t *n)
{
	gsize len = 0, i;
	gchar **list;

	if (!g_key_file_has_key(kf, group, key, NULL))
		return E_OK;
	list = g_key_file_get_string_list(kf, group, key, &len, NULL);
	if (!list || len > CONFIG_LIST_MAX) {
		g_strfreev(list);
		return err_set(E_CONFIG, "%s: [%s] %s: at most %d entries", path, group, key,
			       CONFIG_LIST_MAX);
	}
	for (i = 0; i < len; i++) {
		char *v = g_strstrip(list[i]);

		if (!*v)
			continue;
		out[*n] = strdup(v);
		if (!out[*n]) {
			g_strfreev(list);
			return err_set(E_NOMEM, "out of memory");
		}
		(*n)++;
	}
	g_strfreev(list);
	return E_OK;
}

/* Reads every known key of @kf into @c. */
/* A UTF-8 string of [workflow] @key, at most @max bytes, into *slot. */
static int config_string(GKeyFile *kf, const char *path, const char *key, size_t max, char **slot)
{
	gchar *v;

	if (!g_key_file_has_key(kf, "workflow", key, NULL))
		return E_OK;
	v = g_key_file_get_string(kf, "workflow", key, NULL);
	if (!v || !*v || !g_utf8_validate(v, -1, NULL) || strlen(v) > max) {
		g_free(v);
		return err_set(E_CONFIG,
			       "%s: [workflow] %s: UTF-8 text of 1 to %zu bytes is needed", path,
			       key, max);
	}
	free(*slot);
	*slot = strdup(v);
	g_free(v);
	return *slot ? E_OK : err_set(E_NOMEM, "out of memory");
}

/* [portal]: its address ("off": no portal) and its caps. */
static int config_portal(struct config *c, GKeyFile *kf, const char *path)
{
	char *host = NULL;
	unsigned port;
	int rc;

	if ((rc = config_uint(kf, path, "portal", "lookups-per-minute", 1, 1000000000,
			      &c->portal_rate)) < 0 ||
	    (rc = config_uint(kf, path, "portal", "lookup-burst", 1, 1000000, &c->portal_burst)) <
		    0 ||
	    (rc = config_uint(kf, path, "portal", "upload-max", 16, 65536, &c->portal_upload_kib)) <
		    0 ||
	    (rc = config_uint(kf, path, "portal", "threads", 1, 64, &c->portal_threads)) < 0)
		return rc;
	if (!g_key_file_has_key(kf, "portal", "listen", NULL))
		return E_OK;
	{
		gchar *v = g_key_file_get_string(kf, "portal", "listen", NULL);

		c->portal_listen = v ? strdup(v) : NULL;
		g_free(v);
	}
	if (c->portal_listen && strcmp(c->portal_listen, "off") == 0)
		return E_OK;
	if (!c->portal_listen || config_parse_addr(c->portal_listen, &host, &port) < 0)
		return err_set(E_CONFIG, "%s: [portal] listen: host:port or off is needed", path);
	free(host);
	return E_OK;
}

static int config_read(struct config *c, GKeyFile *kf, const char *path)
{
	GError *e = NULL;
	size_t i;
	int rc;

	if ((rc = config_check_keys(kf, path)) < 0 ||
	    (rc = config_list(kf, path, "server", "listen", c->listen, &c->n_listen)) < 0 ||
	    (rc = config_list(kf, path, "server", "names", c->names, &c->n_names)) < 0 ||
	    (rc = config_list(kf, path, "signing", "trust", c->trust, &c->n_trust)) < 0 ||
	    (rc = config_uint(kf, path, "server", "idle-timeout", 1, 86400, &c->idle_timeout)) <
		    0 ||
	    (rc = config_uint(kf, path, "server", "max-sessions", 1, 1000000, &c->max_sessions)) <
		    0 ||
	    (rc = config_uint(kf, path, "server", "max-handshakes", 1, 100000,
			      &c->max_handshakes)) < 0 ||
	    (rc = config_uint(kf, path, "server", "cert-days", 1, 3650, &c->cert_days)) < 0 ||
	    (rc = config_uint(kf, path, "tls", "handshake-timeout", 1, 600,
			      &c->handshake_timeout)) < 0)
		return rc;
	for (i = 0; i < c->n_listen; i++) {
		char *host;
		unsigned port;

		if ((rc = config_parse_addr(c->listen[i], &host, &port)) < 0) {
			char why[160];

			/* err_detail() is the buffer err_set() writes: copy it first. */
			snprintf(why, sizeof(why), "%s", err_detail());
			return err_set(rc, "%s: [server] listen: %s", path, why);
		}
		free(host);
	}
	if (g_key_file_has_key(kf, "server", "commune", NULL)) {
		gchar *s = g_key_file_get_string(kf, "server", "commune", NULL);

		if (!s || !*s || !g_utf8_validate(s, -1, NULL) || strlen(s) > 200) {
			g_free(s);
			return err_set(E_CONFIG, "%s: [server] commune: a UTF-8 name is needed",
				       path);
		}
		c->commune = strdup(s);
		g_free(s);
	}
	if ((rc = config_string(kf, path, "holidays", 4096, &c->holidays)) < 0 ||
	    (rc = config_string(kf, path, "issuer", 32, &c->issuer)) < 0 ||
	    (rc = config_string(kf, path, "agency", 32, &c->agency)) < 0 ||
	    (rc = config_string(kf, path, "code-format", 48, &c->code_format)) < 0 ||
	    (rc = config_string(kf, path, "status-url", 256, &c->status_url)) < 0)
		return rc;
	if ((rc = config_portal(c, kf, path)) < 0)
		return rc;
	if (c->code_format && (rc = code_check(c->code_format)) < 0)
		return err_set(rc, "%s: [workflow] %s", path, err_detail());
	if (g_key_file_has_key(kf, "tls", "allow-tls12", NULL)) {
		gboolean b = g_key_file_get_boolean(kf, "tls", "allow-tls12", &e);

		if (e) {
			g_clear_error(&e);
			return err_set(E_CONFIG, "%s: [tls] allow-tls12: expected true or false",
				       path);
		}
		c->allow_tls12 = b ? 1 : 0;
	}
	if (g_key_file_has_key(kf, "log", "level", NULL)) {
		gchar *s = g_key_file_get_string(kf, "log", "level", NULL);
		int lvl = s ? log_level_from_str(s) : -1;

		g_free(s);
		if (lvl < 0)
			return err_set(E_CONFIG,
				       "%s: [log] level: expected error, warning, info or debug",
				       path);
		c->log_level = lvl;
	}
	return E_OK;
}

int config_load(struct config **out, const char *path)
{
	struct config *c = calloc(1, sizeof(*c));
	GKeyFile *kf = NULL;
	GError *e = NULL;
	int rc = E_OK;

	*out = NULL;
	if (!c)
		return err_set(E_NOMEM, "out of memory");
	config_defaults(c);
	if (path && g_file_test(path, G_FILE_TEST_EXISTS)) {
		kf = g_key_file_new();
		if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &e)) {
			rc = err_set(E_CONFIG, "%s: %s", path, e->message);
			g_clear_error(&e);
			goto out;
		}
		if ((rc = config_read(c, kf, path)) < 0)
			goto out;
	}
	if (!c->commune && !(c->commune = strdup(CONFIG_DEFAULT_COMMUNE)))
		rc = err_set(E_NOMEM, "out of memory");
out:
	if (kf)
		g_key_file_free(kf);
	if (rc < 0)
		config_free(c);
	else
		*out = c;
	return rc;
}
