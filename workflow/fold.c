/*
 * fold.c: search folding (fold.h) with GLib's Unicode tables: canonical
 * decomposition, then every combining mark dropped.  Đ/đ have no
 * decomposition in Unicode (the bar is part of the letter), so they are
 * mapped by hand.
 */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "workflow/fold.h"

/* Appends the folding of one decomposed character @c. */
static void fold_char(GString *out, gunichar c)
{
	GUnicodeType t = g_unichar_type(c);

	if (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK ||
	    t == G_UNICODE_ENCLOSING_MARK)
		return;
	if (c == 0x0110 || c == 0x0111) /* Đ đ */
		c = 'd';
	g_string_append_unichar(out, g_unichar_tolower(c));
}

char *fold_text(const char *s)
{
	GString *out = g_string_sized_new(strlen(s) + 1);
	const char *p = s;
	char *res;

	while (*p) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		gunichar dec[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
		gsize n;

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(out, ' ');
			p++;
			continue;
		}
		n = g_unichar_fully_decompose(c, FALSE, dec, G_N_ELEMENTS(dec));
		for (gsize i = 0; i < n; i++)
			fold_char(out, dec[i]);
		p = g_utf8_next_char(p);
	}
	/* Hand back malloc'd memory, not GLib's. */
	res = strdup(out->str);
	g_string_free(out, TRUE);
	return res;
}
