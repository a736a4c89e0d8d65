/*
 * i18n.c: binds dinh's gettext domain; see i18n.h.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/i18n.h"

void i18n_init(void)
{
	const char *dir = getenv("DINH_LOCALEDIR");

	/* Installed translations first; a program run from its build tree (the
	 * README's commands) finds the ones compiled there. */
	if (!dir || !*dir)
		dir = access(LOCALEDIR "/vi/LC_MESSAGES/dinh.mo", R_OK) == 0 ? LOCALEDIR
									     : BUILD_LOCALEDIR;
	setlocale(LC_ALL, "");
	bindtextdomain("dinh", dir);
	bind_textdomain_codeset("dinh", "UTF-8");
}
