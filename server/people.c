/*
 * people.c: the registry of people and hall terminals (people.ini, a GLib key
 * file kept in memory as an array and rewritten atomically on every change),
 * and the ASCII slugs that name them, with Vietnamese letters folded.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/roles.h"
#include "server/people.h"

#define PEOPLE_FILE_MAX (16u << 20) /* people.ini of at most 16 MiB */
#define PEOPLE_SLUG_MAX 64          /* bytes of the folded base, before "-N" */

struct people {
	char *path;
	struct person *recs;
	size_t n;
	size_t cap;
};

static void person_clear(struct person *r)
{
	free(r->id);
	free(r->name);
	r->id = NULL;
	r->name = NULL;
}

void people_free(struct people *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		person_clear(&p->recs[i]);
	free(p->recs);
	free(p->path);
	free(p);
}

/* Copies @s (at most @size - 1 bytes, must fit) into @out. */
static int copy_field(char *out, size_t size, const char *s, const char *what)
{
	size_t len = strlen(s);

	if (len == 0 || len >= size)
		return err_set(E_CONFIG, "people: bad %s \"%s\"", what, s);
	memcpy(out, s, len + 1);
	return E_OK;
}

/* Parses a decimal unix time; 0 for a missing key. */
static int read_time(GKeyFile *kf, const char *group, const char *key, time_t *out)
{
	char *s = g_key_file_get_string(kf, group, key, NULL);
	char *end = NULL;
	unsigned long long v;
	int rc = E_OK;

	*out = 0;
	if (!s)
		return E_OK;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		rc = err_set(E_CONFIG, "people: [%s] %s is not a time", group, key);
	else
		*out = (time_t)v;
	g_free(s);
	return rc;
}

/* Reads one group of the key file into @r (zeroed by the caller). */
static int read_record(GKeyFile *kf, const char *group, struct person *r)
{
	char *id = g_key_file_get_string(kf, group, "id", NULL);
	char *name = g_key_file_get_string(kf, group, "name", NULL);
	char *roles = g_key_file_get_string(kf, group, "roles", NULL);
	char *kind = g_key_file_get_string(kf, group, "kind", NULL);
	char *fpr = g_key_file_get_string(kf, group, "fingerprint", NULL);
	int rc;

	if (!id || !name || !roles || !kind || !fpr || !*id) {
		rc = err_set(E_CONFIG, "people: [%s] lacks id, name, roles, kind or fingerprint",
			     group);
		goto out;
	}
	rc = copy_field(r->serial, sizeof(r->serial), group, "serial");
	if (rc == E_OK)
		rc = copy_field(r->fingerprint, sizeof(r->fingerprint), fpr, "fingerprint");
	if (rc == E_OK && roles_parse(roles, &r->roles) < 0)
		rc = err_set(E_CONFIG, "people: [%s] bad roles \"%s\"", group, roles);
	if (rc < 0)
		goto out;
	if (strcmp(kind, "person") == 0) {
		r->kind = PERSON_KIND_PERSON;
	} else if (strcmp(kind, "hall") == 0) {
		r->kind = PERSON_KIND_HALL;
	} else {
		rc = err_set(E_CONFIG, "people: [%s] bad kind \"%s\"", group, kind);
		goto out;
	}
	rc = read_time(kf, group, "issued", &r->issued);
	if (rc == E_OK)
		rc = read_time(kf, group, "revoked", &r->revoked);
	if (rc < 0)
		goto out;
	r->id = strdup(id);
	r->name = strdup(name);
	if (!r->id || !r->name) {
		person_clear(r);
		rc = err_set(E_NOMEM, "people");
	}
out:
	g_free(id);
	g_free(name);
	g_free(roles);
	g_free(kind);
	g_free(fpr);
	return rc;
}

static int grow(struct people *p)
{
	struct person *n;
	size_t cap;

	if (p->n < p->cap)
		return E_OK;
	cap = p->cap ? p->cap * 2 : 16;
	n = realloc(p->recs, cap * sizeof(*n));
	if (!n)
		return err_set(E_NOMEM, "people");
	p->recs = n;
	p->cap = cap;
	return E_OK;
}

/* Loads every group of @data into @p. */
static int load(struct people *p, const char *data, size_t len)
{
	GKeyFile *kf = g_key_file_new();
	GError *gerr = NULL;
	gchar **groups = NULL;
	int rc = E_OK;

	if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &gerr)) {
		rc = err_set(E_CONFIG, "%s: %s", p->path, gerr->message);
		goto out;
	}
	groups = g_key_file_get_groups(kf, NULL);
	for (size_t i = 0; groups[i]; i++) {
		struct person r = {0};

		rc = read_record(kf, groups[i], &r);
		if (rc == E_OK && (people_by_id(p, r.id) || people_by_serial(p, r.serial)))
			rc = err_set(E_CONFIG, "people: duplicate id or serial in [%s]", groups[i]);
		if (rc == E_OK)
			rc = grow(p);
		if (rc < 0) {
			person_clear(&r);
			goto out;
		}
		p->recs[p->n++] = r;
	}
out:
	g_strfreev(groups);
	if (gerr)
		g_error_free(gerr);
	g_key_file_free(kf);
	return rc;
}

int people_open(struct people **out, const char *path)
{
	struct people *p = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return err_set(E_NOMEM, "people_open");
	p->path = strdup(path);
	if (!p->path) {
		rc = err_set(E_NOMEM, "people_open");
		goto fail;
	}
	rc = fs_read_file(path, PEOPLE_FILE_MAX, &data, &len);
	if (rc == E_NOTFOUND) {
		*out = p;
		err_clear();
		return E_OK;
	}
	if (rc < 0)
		goto fail;
	rc = load(p, data, len);
	if (rc < 0)
		goto fail;
	free(data);
	*out = p;
	return E_OK;
fail:
	free(data);
	people_free(p);
	return rc;
}

/* Writes the whole registry to its file, atomically, mode 0600. */
static int save(const struct people *p)
{
	GKeyFile *kf = g_key_file_new();
	char roles[128];
	gchar *data = NULL;
	gsize len = 0;
	int rc;

	for (size_t i = 0; i < p->n; i++) {
		const struct person *r = &p->recs[i];

		if (roles_format(r->roles, roles, sizeof(roles)) < 0) {
			rc = err_set(E_INTERNAL, "people: roles of %s", r->id);
			goto out;
		}
		g_key_file_set_string(kf, r->serial, "id", r->id);
		g_key_file_set_string(kf, r->serial, "name", r->name);
		g_key_file_set_string(kf, r->serial, "roles", roles);
		g_key_file_set_string(kf, r->serial, "kind",
				      r->kind == PERSON_KIND_HALL ? "hall" : "person");
		g_key_file_set_string(kf, r->serial, "fingerprint", r->fingerprint);
		g_key_file_set_uint64(kf, r->serial, "issued", (guint64)r->issued);
		if (r->revoked)
			g_key_file_set_uint64(kf, r->serial, "revoked", (guint64)r->revoked);
	}
	data = g_key_file_to_data(kf, &len, NULL);
	rc = fs_write_atomic(p->path, data, len, 0600);
out:
	g_free(data);
	g_key_file_free(kf);
	return rc;
}

const struct person *people_by_serial(const struct people *p, const char *serial_hex)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcasecmp(p->recs[i].serial, serial_hex) == 0)
			return &p->recs[i];
	return NULL;
}

const struct person *people_by_id(const struct people *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->recs[i].id, id) == 0)
			return &p->recs[i];
	return NULL;
}

size_t people_count(const struct people *p)
{
	return p->n;
}

const struct person *people_at(const struct people *p, size_t i)
{
	return i < p->n ? &p->recs[i] : NULL;
}

/* A field destined for the key file must be one line of valid UTF-8. */
static int check_text(const char *s, size_t max, const char *what)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len >= max || !g_utf8_validate(s, (gssize)len, NULL) || strpbrk(s, "\r\n"))
		return err_set(E_INVAL, "bad %s for the registry", what);
	return E_OK;
}

int people_add(struct people *p, const struct person *rec)
{
	struct person r = *rec;
	int rc;

	rc = check_text(rec->serial, sizeof(rec->serial), "serial");
	if (rc == E_OK)
		rc = check_text(rec->fingerprint, sizeof(rec->fingerprint), "fingerprint");
	if (rc == E_OK)
		rc = check_text(rec->id, 256, "id");
	if (rc == E_OK)
		rc = check_text(rec->name, 1024, "name");
	if (rc < 0)
		return rc;
	if (strspn(rec->serial, "0123456789abcdefABCDEF") != strlen(rec->serial))
		return err_set(E_INVAL, "serial %s is not hexadecimal", rec->serial);
	if (people_by_serial(p, rec->serial))
		return err_set(E_EXISTS, "serial %s is already registered", rec->serial);
	if (people_by_id(p, rec->id))
		return err_set(E_EXISTS, "id %s is already taken", rec->id);
	rc = grow(p);
	if (rc < 0)
		return rc;
	r.id = strdup(rec->id);
	r.name = strdup(rec->name);
	if (!r.id || !r.name) {
		person_clear(&r);
		return err_set(E_NOMEM, "people_add");
	}
	p->recs[p->n++] = r;
	rc = save(p);
	if (rc < 0) {
		/* Not durable: forget it, the registry stays as it was. */
		person_clear(&p->recs[--p->n]);
	}
	return rc;
}

int people_revoke(struct people *p, const char *id, char serial_out[CA_SERIAL_HEX_MAX])
{
	struct person *r = NULL;
	int rc;

	serial_out[0] = '\0';
	for (size_t i = 0; i < p->n && !r; i++)
		if (strcmp(p->recs[i].id, id) == 0)
			r = &p->recs[i];
	if (!r)
		return err_set(E_NOTFOUND, "no person %s", id);
	if (r->revoked)
		return err_set(E_EXISTS, "%s is already revoked", id);
	r->revoked = time(NULL);
	rc = save(p);
	if (rc < 0) {
		r->revoked = 0;
		return rc;
	}
	memcpy(serial_out, r->serial, sizeof(r->serial));
	return E_OK;
}

/*
 * Vietnamese letters with diacritics (precomposed, as after NFC), upper and
 * lower case, by the ASCII letter they fold to.
 */
static const struct {
	const char *letters;
	char ascii;
} fold_table[] = {
	{"àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'a'},
	{"èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ", 'e'},
	{"ìíỉĩịÌÍỈĨỊ", 'i'},
	{"òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'o'},
	{"ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ", 'u'},
	{"ỳýỷỹỵỲÝỶỸỴ", 'y'},
	{"đĐ", 'd'},
};

/* The ASCII letter @c folds to, or 0 if it is not a Vietnamese letter. */
static char fold_char(gunichar c)
{
	for (size_t i = 0; i < sizeof(fold_table) / sizeof(fold_table[0]); i++)
		for (const char *q = fold_table[i].letters; *q; q = g_utf8_next_char(q))
			if (g_utf8_get_char(q) == c)
				return fold_table[i].ascii;
	return 0;
}

/* Folds @name into @out: lowercase ASCII letters and digits, words joined by
 * single '-', at most PEOPLE_SLUG_MAX bytes; "x" if nothing is left. */
static void slug_base(const char *name, char out[PEOPLE_SLUG_MAX + 1])
{
	char *nfc = g_utf8_normalize(name, -1, G_NORMALIZE_NFC);
	size_t n = 0;
	int sep = 0;

	for (const char *q = nfc; q && *q && n < PEOPLE_SLUG_MAX; q = g_utf8_next_char(q)) {
		gunichar c = g_utf8_get_char(q);
		char a = 0;

		if (c < 0x80 && g_ascii_isalnum((char)c))
			a = g_ascii_tolower((char)c);
		else if (c == ' ' || c == '\t' || c == '-' || c == '_' || c == '.')
			sep = n > 0;
		else
			a = fold_char(c);
		if (!a)
			continue;
		if (sep && n + 1 < PEOPLE_SLUG_MAX)
			out[n++] = '-';
		sep = 0;
		out[n++] = a;
	}
	if (n == 0)
		out[n++] = 'x';
	out[n] = '\0';
	g_free(nfc);
}

char *people_make_id(const struct people *p, const char *name)
{
	char base[PEOPLE_SLUG_MAX + 1];
	char id[PEOPLE_SLUG_MAX + 16];

	if (!name || !g_utf8_validate(name, -1, NULL))
		name = "";
	slug_base(name, base);
	snprintf(id, sizeof(id), "%s", base);
	for (unsigned k = 2; people_by_id(p, id); k++)
		snprintf(id, sizeof(id), "%s-%u", base, k);
	return strdup(id);
}
