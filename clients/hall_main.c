/*
 * hall_main.c: dinh-hall, the village hall's viewer (hall.h): options,
 * then the headless loop or the GTK window.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli.h"
#include "clients/hall.h"
#include "common/i18n.h"

static void usage(void)
{
	printf(_("Usage: dinh-hall --meeting ID --cache DIR [OPTION]...\n"
		 "Follows a meeting in a village hall: keeps its pack in DIR, shows the page\n"
		 "the chair shows, and keeps working from DIR when the link drops.\n"
		 "  -s, --server ADDR:PORT     the commune's server\n"
		 "  -i, --identity FILE.p12    the hall's identity (dinh hall add)\n"
		 "  -p, --password-file FILE   its password (else DINH_PASSWORD)\n"
		 "  -c, --ca FILE              the commune CA certificate (PEM)\n"
		 "      --headless             no window: write the page to --png, print events\n"
		 "      --png FILE             where the current page goes\n"
		 "      --width N              its width in pixels (default 1280)\n"
		 "      --events N             stop after N live events\n"
		 "      --seconds N            stop after N seconds\n"
		 "      --until-closed         stop when the meeting is closed\n"
		 "      --screenshot FILE      viewer: the window as PNG once the first page\n"
		 "                             is drawn (it keeps running)\n"
		 "      --screenshot-after N   ... or after N seconds\n"
		 "Headless, lines on standard input browse the shown document: next, prev,\n"
		 "and follow (back to the chair's page).\n"));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"server", required_argument, NULL, 's'},
		{"identity", required_argument, NULL, 'i'},
		{"password-file", required_argument, NULL, 'p'},
		{"ca", required_argument, NULL, 'c'},
		{"data-dir", required_argument, NULL, 'd'},
		{"meeting", required_argument, NULL, 'm'},
		{"cache", required_argument, NULL, 'C'},
		{"headless", no_argument, NULL, 'H'},
		{"png", required_argument, NULL, 'P'},
		{"width", required_argument, NULL, 'w'},
		{"events", required_argument, NULL, 'e'},
		{"seconds", required_argument, NULL, 'S'},
		{"until-closed", no_argument, NULL, 'u'},
		{"screenshot", required_argument, NULL, 'X'},
		{"screenshot-after", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct hall_opts o;
	int headless = 0, c;

	i18n_init();
	memset(&o, 0, sizeof(o));
	o.events = -1;
	while ((c = getopt_long(argc, argv, "s:i:p:c:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.cli.server = optarg;
			break;
		case 'i':
			o.cli.identity = optarg;
			break;
		case 'p':
			o.cli.password_file = optarg;
			break;
		case 'c':
			o.cli.ca = optarg;
			break;
		case 'd':
			o.cli.data_dir = optarg;
			break;
		case 'm':
			o.meeting = optarg;
			break;
		case 'C':
			o.cache = optarg;
			break;
		case 'H':
			headless = 1;
			break;
		case 'P':
			o.png = optarg;
			break;
		case 'w':
			o.width = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'e':
			o.events = strtol(optarg, NULL, 10);
			break;
		case 'S':
			o.seconds = strtol(optarg, NULL, 10);
			break;
		case 'u':
			o.until_closed = 1;
			break;
		case 'X':
			o.screenshot = optarg;
			break;
		case 'A':
			o.screenshot_after = strtol(optarg, NULL, 10);
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		default:
			return cli_usage_error(_("unknown option"));
		}
	}
	if (!o.meeting || !o.cache || optind < argc)
		return cli_usage_error(_("dinh-hall needs --meeting ID and --cache DIR"));
	if (o.screenshot_after < 0 || o.screenshot_after > 86400)
		return cli_usage_error(_("--screenshot-after must be 0 to 86400 seconds"));
	if (o.width > 8192)
		return cli_usage_error(_("--width must be at most 8192"));
	if (!headless) {
#ifdef HAVE_GTK
		return hall_gtk_main(&o);
#else
		fprintf(stderr, _("dinh-hall: built without GTK: use --headless\n"));
		return CLI_EXIT_USAGE;
#endif
	}
	return hall_run(&o, NULL, NULL);
}
