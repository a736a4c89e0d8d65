/*
 * main.c: dinhd's command line; everything else is in libserver.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/i18n.h"
#include "common/log.h"
#include "server/conf.h"
#include "server/server.h"

#define DINHD_DEFAULT_DATA_DIR "/var/lib/dinh" /* FHS; documented in docs/operations.md */
#define DINHD_LISTEN_MAX 16

static void usage(FILE *f)
{
	fprintf(f,
		_("Usage: dinhd [OPTION]...\n"
		  "The dinh server of a commune: TLS for every client, documents in git.\n\n"
		  "  --data-dir DIR      data directory (default %s); created with its CA,\n"
		  "                      server certificate, git repository and administrator\n"
		  "                      identity on first start\n"
		  "  --listen ADDR:PORT  address to listen on, may be repeated (default %s;\n"
		  "                      port 0 picks a free port, written to DIR/dinhd.addr)\n"
		  "  --config FILE       configuration file (default DIR/dinhd.conf)\n"
		  "  -d, --foreground    stay in the foreground and log to stderr\n"
		  "  --check-config      check the configuration and data directory, then exit\n"
		  "  --log-level LEVEL   error, warning, info or debug (default info)\n"
		  "  -h, --help          show this help\n"
		  "  -V, --version       show the version\n\n"
		  "Signals: SIGTERM stops after finishing what is in flight; SIGHUP reloads\n"
		  "the configuration and the revocation list.\n"),
		DINHD_DEFAULT_DATA_DIR, CONFIG_DEFAULT_LISTEN);
}

/* Classic double fork: detached, logs to syslog from here on. */
static int daemonise(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout) ||
	    !freopen("/dev/null", "w", stderr))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data-dir", required_argument, NULL, 'D'},
		{"listen", required_argument, NULL, 'l'},
		{"config", required_argument, NULL, 'c'},
		{"foreground", no_argument, NULL, 'd'},
		{"check-config", no_argument, NULL, 'C'},
		{"log-level", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *data_dir = DINHD_DEFAULT_DATA_DIR, *config = NULL;
	const char *listen[DINHD_LISTEN_MAX];
	size_t n_listen = 0;
	int foreground = 0, check = 0, level = LOG_LVL_INFO, c, rc;
	struct server *srv = NULL;

	i18n_init();
	while ((c = getopt_long(argc, argv, "dhV", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			data_dir = optarg;
			break;
		case 'l':
			if (n_listen == DINHD_LISTEN_MAX) {
				fprintf(stderr, _("dinhd: at most %d --listen\n"),
					DINHD_LISTEN_MAX);
				return 1;
			}
			listen[n_listen++] = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'd':
			foreground = 1;
			break;
		case 'C':
			check = 1;
			foreground = 1;
			break;
		case 'L':
			level = log_level_from_str(optarg);
			if (level < 0) {
				fprintf(stderr, _("dinhd: unknown log level \"%s\"\n"), optarg);
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("dinhd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 1;
	}
	umask(077);
	log_init("dinhd", 0, (enum log_level)level);
	rc = server_init(&srv, data_dir, config, listen, n_listen);
	if (rc < 0) {
		fprintf(stderr, _("dinhd: %s: %s\n"), _(err_str(rc)), err_detail());
		return 1;
	}
	if (check) {
		printf(_("dinhd: configuration and data directory %s are valid\n"), data_dir);
		server_free(srv);
		return 0;
	}
	if (!foreground) {
		log_init("dinhd", 1, (enum log_level)level);
		if (daemonise() < 0) {
			log_err("cannot daemonise");
			server_free(srv);
			return 1;
		}
	}
	rc = server_run(srv);
	if (rc < 0)
		log_err("%s: %s", err_str(rc), err_detail());
	server_free(srv);
	return rc < 0 ? 1 : 0;
}
