/*
 * roles.c: the names of the role bits and their comma-separated list form;
 * see roles.h.
 */
#include "config.h"

#include <string.h>

#include "common/err.h"
#include "common/roles.h"

/* In bit order, which is also the order of roles_format(). */
static const char *const role_names[] = {
	"admin", "chair", "vice-chair", "clerk", "officer", "secretary", "delegate", "hall", "desk",
};

#define ROLE_COUNT (sizeof(role_names) / sizeof(role_names[0]))

const char *role_name(unsigned role)
{
	for (unsigned i = 0; i < ROLE_COUNT; i++)
		if (role == 1u << i)
			return role_names[i];
	return NULL;
}

/* Finds the bit named by @s[0..len); 0 if unknown. */
static unsigned role_lookup(const char *s, size_t len)
{
	for (unsigned i = 0; i < ROLE_COUNT; i++)
		if (strlen(role_names[i]) == len && memcmp(role_names[i], s, len) == 0)
			return 1u << i;
	return 0;
}

int roles_parse(const char *s, unsigned *out)
{
	unsigned roles = 0;
	const char *p = s;

	if (!s)
		return err_set(E_INVAL, "no roles");
	for (;;) {
		const char *end;
		size_t len;
		unsigned bit;

		while (*p == ' ' || *p == '\t')
			p++;
		end = p;
		while (*end && *end != ',')
			end++;
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			return err_set(E_INVAL, "empty role name");
		bit = role_lookup(p, len);
		if (!bit)
			return err_set(E_INVAL, "unknown role \"%.*s\"", len > 32 ? 32 : (int)len,
				       p);
		roles |= bit;
		if (!*end)
			break;
		p = end + 1;
	}
	*out = roles;
	return E_OK;
}

int roles_format(unsigned roles, char *out, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return err_set(E_TOOBIG, "no room for roles");
	out[0] = '\0';
	for (unsigned i = 0; i < ROLE_COUNT; i++) {
		size_t n;

		if (!(roles & (1u << i)))
			continue;
		n = strlen(role_names[i]);
		if (used + (used ? 1 : 0) + n + 1 > size) {
			out[0] = '\0';
			return err_set(E_TOOBIG, "roles do not fit in %zu bytes", size);
		}
		if (used)
			out[used++] = ',';
		memcpy(out + used, role_names[i], n);
		used += n;
		out[used] = '\0';
	}
	return E_OK;
}
