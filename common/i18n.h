/*
 * i18n.h: gettext for user-facing text.  English in the source, Vietnamese
 * in po/vi.po.  i18n_init() binds the "dinh" domain to $DINH_LOCALEDIR when
 * set, else to LOCALEDIR when dinh is installed there, else to the build
 * tree's po/locale (programs run where they were built).
 */
#ifndef DINH_I18N_H
#define DINH_I18N_H

#include <libintl.h>

#define _(s) dgettext("dinh", s)
#define N_(s) (s)

/* setlocale(LC_ALL, "") and binds the text domain (UTF-8 output). */
void i18n_init(void);

#endif
