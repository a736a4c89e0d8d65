/*
 * main.c: the `dinh` command-line client; everything but the locale set-up
 * lives in libclient.a (cli.c and cmd_*.c).
 */
#include "config.h"

#include "clients/cli.h"
#include "common/i18n.h"

int main(int argc, char **argv)
{
	i18n_init();
	return cli_main(argc, argv);
}
