/*
 * signers.c: the registry of signers.h, a GLib key file kept in memory and
 * written whole (fs_write_atomic) after each change.
 */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "server/signers.h"

struct signers {
	char *path;
	GKeyFile *kf;
};

int signers_open(struct signers **out, const char *path)
{
	struct signers *s = calloc(1, sizeof(*s));
	GError *e = NULL;

	*out = NULL;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return err_set(E_NOMEM, "signers");
	}
	s->kf = g_key_file_new();
	if (fs_exists(path) && !g_key_file_load_from_file(s->kf, path, G_KEY_FILE_NONE, &e)) {
		int rc = err_set(E_CORRUPT, "%s: %s", path, e->message);

		g_clear_error(&e);
		signers_free(s);
		return rc;
	}
	*out = s;
	return E_OK;
}

void signers_free(struct signers *s)
{
	if (!s)
		return;
	g_key_file_free(s->kf);
	free(s->path);
	free(s);
}

static int signers_save(struct signers *s)
{
	gsize len = 0;
	gchar *data = g_key_file_to_data(s->kf, &len, NULL);
	int rc;

	if (!data)
		return err_set(E_NOMEM, "signers");
	rc = fs_write_atomic(s->path, data, len, 0600);
	g_free(data);
	return rc;
}

static int fpr_ok(const char *fpr)
{
	size_t i;

	for (i = 0; fpr[i]; i++)
		if (!g_ascii_isxdigit(fpr[i]) || g_ascii_isupper(fpr[i]))
			return 0;
	return i == 64;
}

int signers_add(struct signers *s, const char *fpr, const char *person, const char *serial,
		const char *profile)
{
	if (!fpr_ok(fpr))
		return err_set(E_INVAL, "a certificate fingerprint is 64 lowercase hex digits");
	if (g_key_file_has_group(s->kf, fpr))
		return err_set(E_EXISTS, "certificate %.16s… is already recorded", fpr);
	g_key_file_set_string(s->kf, fpr, "person", person);
	g_key_file_set_string(s->kf, fpr, "serial", serial);
	g_key_file_set_string(s->kf, fpr, "profile", profile);
	g_key_file_set_int64(s->kf, fpr, "issued", (gint64)time(NULL));
	return signers_save(s);
}

const char *signers_person(const struct signers *s, const char *fpr, const char **profile)
{
	static __thread char person[128], prof[16];
	gchar *p, *f;

	if (!g_key_file_has_group(s->kf, fpr) || g_key_file_has_key(s->kf, fpr, "revoked", NULL) ||
	    !(p = g_key_file_get_string(s->kf, fpr, "person", NULL)))
		return NULL;
	g_strlcpy(person, p, sizeof(person));
	g_free(p);
	f = g_key_file_get_string(s->kf, fpr, "profile", NULL);
	g_strlcpy(prof, f ? f : "", sizeof(prof));
	g_free(f);
	if (profile)
		*profile = prof;
	return person;
}

int signers_revoke(struct signers *s, const char *serial)
{
	gchar **groups = g_key_file_get_groups(s->kf, NULL);
	int changed = 0, rc = E_OK;

	for (gchar **g = groups; g && *g; g++) {
		gchar *v = g_key_file_get_string(s->kf, *g, "serial", NULL);

		if (v && g_ascii_strcasecmp(v, serial) == 0 &&
		    !g_key_file_has_key(s->kf, *g, "revoked", NULL)) {
			g_key_file_set_int64(s->kf, *g, "revoked", (gint64)time(NULL));
			changed = 1;
		}
		g_free(v);
	}
	g_strfreev(groups);
	if (changed && (rc = signers_save(s)) == E_OK)
		log_info("signing certificate %s marked revoked in the signers registry", serial);
	return rc;
}
