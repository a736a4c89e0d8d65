/*
 * i18n.c: binds dinh's gettext domain; see i18n.h.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "common/i18n.h"

void i18n_init(void)
{
	const char *dir = getenv("DINH_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain("dinh", dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset("dinh", "UTF-8");
}
