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
#include "workflow/def.h"
#include "workflow/idx.h"
#include "workflow/repo.h"

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
		  "  --reindex           rebuild the search index from the git repository\n"
		  "                      (with dinhd stopped), then exit\n"
		  "  --check-index       prove that the index and the git repository agree,\n"
		  "                      then exit (status 1 if they do not)\n"
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

/* The command line, parsed. */
struct args {
	const char *data_dir;
	const char *config;
	const char *listen[DINHD_LISTEN_MAX];
	size_t n_listen;
	int foreground;
	int check;
	int index; /* 1: --reindex, 2: --check-index */
	int level;
};

/* Parses the options into @a: 0 to go on, 1 to exit 0 (--help,
 * --version), -1 to exit 1 (the message is printed). */
static int parse_args(struct args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"data-dir", required_argument, NULL, 'D'},
		{"listen", required_argument, NULL, 'l'},
		{"config", required_argument, NULL, 'c'},
		{"foreground", no_argument, NULL, 'd'},
		{"check-config", no_argument, NULL, 'C'},
		{"reindex", no_argument, NULL, 'R'},
		{"check-index", no_argument, NULL, 'K'},
		{"log-level", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "dhV", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			a->data_dir = optarg;
			break;
		case 'l':
			if (a->n_listen == DINHD_LISTEN_MAX) {
				fprintf(stderr, _("dinhd: at most %d --listen\n"),
					DINHD_LISTEN_MAX);
				return -1;
			}
			a->listen[a->n_listen++] = optarg;
			break;
		case 'c':
			a->config = optarg;
			break;
		case 'd':
			a->foreground = 1;
			break;
		case 'C':
			a->check = 1;
			a->foreground = 1;
			break;
		case 'R':
			a->index = 1;
			break;
		case 'K':
			a->index = 2;
			break;
		case 'L':
			a->level = log_level_from_str(optarg);
			if (a->level < 0) {
				fprintf(stderr, _("dinhd: unknown log level \"%s\"\n"), optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("dinhd %s\n", PACKAGE_VERSION);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/*
 * --reindex (@what 1) and --check-index (2) on the data directory, without
 * starting the server.  The definitions are those the daemon would load.
 */
static int index_command(const char *data_dir, int what)
{
	char dir[1024], repo[1024], path[1024], head[41] = "", ihead[41] = "";
	struct def_set *defs = NULL;
	struct idx *ix = NULL;
	size_t n = 0, bad = 0;
	int rc;

	snprintf(dir, sizeof(dir), "%s/workflows", data_dir);
	snprintf(repo, sizeof(repo), "%s/repo.git", data_dir);
	snprintf(path, sizeof(path), "%s/index.db", data_dir);
	if ((rc = def_load(&defs, dir)) < 0 || (rc = repo_head(repo, head)) < 0 ||
	    (rc = idx_open(&ix, path, what == 1)) < 0)
		goto out;
	if (what == 1) {
		if ((rc = idx_rebuild(ix, defs, repo, &n)) == E_OK)
			printf(_("dinhd: index rebuilt from git: %zu documents at commit %.12s\n"),
			       n, head);
		goto out;
	}
	if ((rc = idx_head(ix, ihead)) < 0)
		goto out;
	rc = idx_check(ix, defs, repo, &n, &bad);
	if (rc == E_OK)
		printf(_("dinhd: index and git agree: %zu documents at commit %.12s\n"), n, ihead);
	if (rc == E_OK && strcmp(ihead, head) != 0)
		printf(_("dinhd: the index is behind git (%.12s); dinhd catches up when it "
			 "starts\n"),
		       head);
out:
	if (rc < 0)
		fprintf(stderr, _("dinhd: %s: %s\n"), _(err_str(rc)), err_detail());
	idx_close(ix);
	def_set_free(defs);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct args a = {.data_dir = DINHD_DEFAULT_DATA_DIR, .level = LOG_LVL_INFO};
	struct server *srv = NULL;
	int rc;

	i18n_init();
	rc = parse_args(&a, argc, argv);
	if (rc != 0)
		return rc < 0 ? 1 : 0;
	umask(077);
	log_init("dinhd", 0, (enum log_level)a.level);
	if (a.index)
		return index_command(a.data_dir, a.index);
	rc = server_init(&srv, a.data_dir, a.config, a.listen, a.n_listen);
	if (rc < 0) {
		fprintf(stderr, _("dinhd: %s: %s\n"), _(err_str(rc)), err_detail());
		return 1;
	}
	if (a.check) {
		printf(_("dinhd: configuration and data directory %s are valid\n"), a.data_dir);
		server_free(srv);
		return 0;
	}
	if (!a.foreground) {
		log_init("dinhd", 1, (enum log_level)a.level);
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
