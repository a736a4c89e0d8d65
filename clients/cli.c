/*
 * cli.c: the frame of the `dinh` program: global options, help, exit
 * statuses, passwords, the table printer, the connection, ping and whoami.
 * The user/hall and file commands live in cmd_people.c and cmd_file.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/err.h"
#include "common/i18n.h"

static void print_help(void)
{
	printf(_("Usage: dinh [OPTION]... COMMAND [ARG]...\n"
		 "The command-line client of dinhd, the commune's document server.\n"
		 "\n"
		 "Options:\n"
		 "  -s, --server ADDR:PORT     server address (default 127.0.0.1:4343)\n"
		 "  -i, --identity FILE.p12    your identity (PKCS#12 file)\n"
		 "  -p, --password-file FILE   file whose first line is the identity's password\n"
		 "  -c, --ca FILE              the commune CA certificate (PEM)\n"
		 "  -d, --data-dir DIR         on the server machine: take the address, the CA\n"
		 "                             and the administrator identity from DIR\n"
		 "      --tls12                also accept TLS 1.2 (default: TLS 1.3 only)\n"
		 "  -h, --help                 show this help and exit\n"
		 "  -V, --version              show the version and exit\n"
		 "\n"
		 "Commands:\n"
		 "  ping                       check that the server answers\n"
		 "  whoami                     show who the server knows you as\n"
		 "  user add|list|revoke       manage people (administrator)\n"
		 "  hall add|list|revoke       manage village-hall terminals (administrator)\n"
		 "  cert issue|revoke|crl      document-signing certificates, the CRL\n"
		 "  file put|get               upload or download a file named by its SHA-256\n"
		 "  doc create|act|comment|recall|show  documents and dossiers through their "
		 "workflow\n"
		 "  doc inbox|search|lookup|register|stats  your work, search, registers, "
		 "statistics\n"
		 "  wf list                    workflows, their actions, the procedure catalogue\n"
		 "  pdf info|text|render       read a PDF on this machine, in a sandbox\n"
		 "  pdf gen                    generate a receipt, agenda, minutes or register\n"
		 "  meeting ...                paperless meetings: publish, follow, vote, minutes\n"
		 "\n"
		 "The identity's password is read from --password-file, else from the\n"
		 "environment variable DINH_PASSWORD, else asked on the terminal.\n"
		 "\n"
		 "Exit status:\n"
		 "  0  success\n"
		 "  1  usage error\n"
		 "  2  cannot connect, or TLS failure\n"
		 "  3  authentication failure (identity, password or certificate)\n"
		 "  4  permission denied\n"
		 "  5  not found\n"
		 "  6  other server error\n"
		 "  7  local input/output error\n"
		 "  8  integrity failure (hash mismatch)\n"
		 "\n"
		 "Run 'dinh COMMAND --help' for the options of a command.\n"));
}

int cli_exit_code(int err)
{
	switch (err) {
	case E_OK:
		return CLI_EXIT_OK;
	case E_TLS:
	case E_TIMEOUT:
	case E_PROTO:
	case E_VERSION:
	case E_SHUTDOWN:
		return CLI_EXIT_CONNECT;
	case E_AUTH:
	case E_REVOKED:
	case E_PASSWORD:
	case E_CRYPTO:
		return CLI_EXIT_AUTH;
	case E_PERM:
		return CLI_EXIT_PERM;
	case E_NOTFOUND:
		return CLI_EXIT_NOTFOUND;
	case E_IO:
	case E_NOMEM:
		return CLI_EXIT_IO;
	case E_HASH:
		return CLI_EXIT_HASH;
	default:
		return CLI_EXIT_SERVER;
	}
}

int cli_fail(int err)
{
	const char *d = err_detail();

	if (d && *d)
		fprintf(stderr, "dinh: %s: %s\n", _(err_str(err)), d);
	else
		fprintf(stderr, "dinh: %s\n", _(err_str(err)));
	return cli_exit_code(err);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("dinh: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, _("Try 'dinh --help' for more information.\n"));
	return CLI_EXIT_USAGE;
}

void cli_free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

int cli_read_password_file(char **out, const char *path)
{
	char buf[CLI_PASSWORD_MAX + 2];
	size_t len = 0, n;
	ssize_t r;
	int fd, rc = E_OK;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(E_IO, "cannot open password file %s: %s", path, strerror(errno));
	while (len < sizeof(buf) - 1) {
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = err_set(E_IO, "cannot read password file %s: %s", path,
				     strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (memchr(buf, '\n', len))
			break;
	}
	buf[len] = '\0';
	n = strcspn(buf, "\r\n");
	if (n > CLI_PASSWORD_MAX) {
		rc = err_set(E_TOOBIG, "password in %s longer than %d bytes", path,
			     CLI_PASSWORD_MAX);
		goto out;
	}
	if (n == 0) {
		rc = err_set(E_INVAL, "password file %s is empty", path);
		goto out;
	}
	*out = strndup(buf, n);
	if (!*out)
		rc = err_set(E_NOMEM, "password");
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

/* Asks on /dev/tty with echo off. */
static int prompt_password(char **out, const char *prompt)
{
	char buf[CLI_PASSWORD_MAX + 2];
	struct termios old, quiet;
	FILE *tty = NULL;
	int fd, rc = E_OK, restore = 0;

	*out = NULL;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || !isatty(fd)) {
		if (fd >= 0)
			close(fd);
		return err_set(E_PASSWORD, "no password: use --password-file or DINH_PASSWORD");
	}
	tty = fdopen(fd, "r+");
	if (!tty) {
		close(fd);
		return err_set(E_NOMEM, "terminal");
	}
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	fputs(prompt, tty);
	fflush(tty);
	if (!fgets(buf, sizeof(buf), tty)) {
		rc = err_set(E_PASSWORD, "no password given");
		goto out;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0]) {
		rc = err_set(E_PASSWORD, "empty password");
		goto out;
	}
	*out = strdup(buf);
	if (!*out)
		rc = err_set(E_NOMEM, "password");
out:
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	explicit_bzero(buf, sizeof(buf));
	fclose(tty);
	return rc;
}

int cli_get_password(char **out, const char *file, const char *env, const char *prompt)
{
	const char *v = env ? getenv(env) : NULL;

	*out = NULL;
	if (file)
		return cli_read_password_file(out, file);
	if (v && *v) {
		*out = strdup(v);
		return *out ? E_OK : err_set(E_NOMEM, "password");
	}
	return prompt_password(out, prompt);
}

size_t cli_text_width(const char *s)
{
	size_t n = mbstowcs(NULL, s, 0), cols = 0;
	const unsigned char *p;
	wchar_t *w;
	int r;

	if (n != (size_t)-1) {
		w = calloc(n + 1, sizeof(*w));
		if (w && mbstowcs(w, s, n + 1) != (size_t)-1) {
			r = wcswidth(w, n);
			free(w);
			if (r >= 0)
				return (size_t)r;
		} else {
			free(w);
		}
	}
	/* Fallback: count UTF-8 code points, skipping combining marks U+0300-U+036F
	 * (encoded CC 80 .. CD AF). */
	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		if ((p[0] == 0xcc && p[1] >= 0x80) ||
		    (p[0] == 0xcd && p[1] >= 0x80 && p[1] <= 0xaf))
			continue;
		cols++;
	}
	return cols;
}

int cli_table_print(FILE *f, const char *const *cells, size_t nrows, size_t ncols)
{
	size_t *w = calloc(ncols ? ncols : 1, sizeof(*w)), r, c, cw;

	if (!w)
		return err_set(E_NOMEM, "table");
	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++) {
			cw = cli_text_width(cells[r * ncols + c] ? cells[r * ncols + c] : "");
			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c] ? cells[r * ncols + c] : "";

			fputs(s, f);
			if (c + 1 < ncols)
				fprintf(f, "%*s", (int)(w[c] - cli_text_width(s) + 2), "");
		}
		fputc('\n', f);
	}
	free(w);
	return ferror(f) ? err_set(E_IO, "cannot write the table") : E_OK;
}

/* The first line of DIR/dinhd.addr, malloc'd. */
static int read_addr_file(char **out, const char *dir)
{
	char path[4096], line[512];
	FILE *f;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/dinhd.addr", dir);
	f = fopen(path, "re");
	if (!f)
		return err_set(E_IO, "cannot read %s (is dinhd running?): %s", path,
			       strerror(errno));
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return err_set(E_IO, "%s is empty", path);
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	*out = strdup(line);
	return *out ? E_OK : err_set(E_NOMEM, "address");
}

static char *join(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

int cli_connect(struct client **cl, const struct cli *c)
{
	struct client_opts o;
	char *addr = NULL, *host = NULL, *port = NULL, *ca = NULL, *p12 = NULL, *pwf = NULL;
	char *pw = NULL;
	int rc, ex = CLI_EXIT_OK;

	*cl = NULL;
	memset(&o, 0, sizeof(o));
	if (c->server)
		addr = strdup(c->server);
	else if (c->data_dir) {
		rc = read_addr_file(&addr, c->data_dir);
		if (rc < 0) {
			cli_fail(rc);
			ex = CLI_EXIT_CONNECT;
			goto out;
		}
	} else
		addr = strdup(CLIENT_DEFAULT_HOST ":" CLIENT_DEFAULT_PORT);
	ca = c->ca ? strdup(c->ca) : c->data_dir ? join(c->data_dir, "ca/ca.pem") : NULL;
	p12 = c->identity   ? strdup(c->identity)
	      : c->data_dir ? join(c->data_dir, "admin/admin.p12")
			    : NULL;
	if (c->password_file)
		pwf = strdup(c->password_file);
	else if (!c->identity && c->data_dir)
		pwf = join(c->data_dir, "admin/admin.pass");
	if (!addr || (!ca && (c->ca || c->data_dir)) || (!p12 && (c->identity || c->data_dir))) {
		ex = cli_fail(err_set(E_NOMEM, "options"));
		goto out;
	}
	if (!ca) {
		ex = cli_usage_error(_("no CA certificate: use --ca FILE or --data-dir DIR"));
		goto out;
	}
	if (!p12) {
		ex = cli_usage_error(_("no identity: use --identity FILE.p12 or --data-dir DIR"));
		goto out;
	}
	rc = client_parse_addr(addr, CLIENT_DEFAULT_PORT, &host, &port);
	if (rc < 0) {
		ex = cli_usage_error(_("bad server address '%s'"), addr);
		goto out;
	}
	rc = cli_get_password(&pw, pwf, "DINH_PASSWORD", _("Password for the identity: "));
	if (rc < 0) {
		cli_fail(rc);
		ex = CLI_EXIT_AUTH;
		goto out;
	}
	o.host = host;
	o.port = port;
	o.ca_file = ca;
	o.p12_file = p12;
	o.password = pw;
	o.allow_tls12 = c->tls12;
	rc = client_connect(cl, &o);
	if (rc < 0) {
		/* anything but a refused identity is a failure to connect */
		ex = cli_fail(rc);
		if (ex != CLI_EXIT_AUTH)
			ex = CLI_EXIT_CONNECT;
	}
out:
	cli_free_secret(pw);
	free(addr);
	free(host);
	free(port);
	free(ca);
	free(p12);
	free(pwf);
	return ex;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

/* Sends <req op=@op/> and returns the reply (E_* code). */
static int simple_request(struct client *cl, const char *op, struct proto_node **resp)
{
	struct proto_node *req = proto_node_new("req");
	int rc;

	*resp = NULL;
	if (!req || proto_node_set(req, "op", op) < 0) {
		proto_node_free(req);
		return err_set(E_NOMEM, "request");
	}
	rc = client_request(cl, req, resp);
	proto_node_free(req);
	return rc;
}

int cmd_ping(const struct cli *c, int argc, char **argv)
{
	struct client *cl = NULL;
	struct proto_node *resp = NULL;
	struct timespec t0, t1;
	int ex, rc;

	if (cli_wants_help(argc, argv)) {
		printf(_("Usage: dinh ping\n"
			 "Checks that the server answers, and shows the round-trip time.\n"));
		return CLI_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error(_("unexpected argument '%s'"), argv[1]);
	ex = cli_connect(&cl, c);
	if (ex != CLI_EXIT_OK)
		return ex;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = simple_request(cl, "ping", &resp);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	printf(_("The server answered in %.1f ms.\n"),
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
out:
	proto_node_free(resp);
	client_close(cl);
	return ex;
}

int cmd_whoami(const struct cli *c, int argc, char **argv)
{
	static const char *const keys[] = {"person", "name",   "roles",
					   "kind",   "serial", "fingerprint"};
	const char *labels[] = {_("ID:"),   _("Name:"),   _("Roles:"),
				_("Kind:"), _("Serial:"), _("Fingerprint:")};
	const char *cells[2 * 6];
	struct client *cl = NULL;
	struct proto_node *resp = NULL;
	int ex, rc;

	if (cli_wants_help(argc, argv)) {
		printf(_("Usage: dinh whoami\n"
			 "Shows who the server knows you as: your ID, name, roles and "
			 "certificate.\n"));
		return CLI_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error(_("unexpected argument '%s'"), argv[1]);
	ex = cli_connect(&cl, c);
	if (ex != CLI_EXIT_OK)
		return ex;
	rc = simple_request(cl, "whoami", &resp);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	for (size_t i = 0; i < 6; i++) {
		const char *v = proto_attr(resp, keys[i]);

		cells[2 * i] = labels[i];
		cells[2 * i + 1] = v ? v : "";
	}
	rc = cli_table_print(stdout, cells, 6, 2);
	if (rc < 0)
		ex = cli_fail(rc);
out:
	proto_node_free(resp);
	client_close(cl);
	return ex;
}

static const struct option global_opts[] = {
	{"server", required_argument, NULL, 's'},
	{"identity", required_argument, NULL, 'i'},
	{"password-file", required_argument, NULL, 'p'},
	{"ca", required_argument, NULL, 'c'},
	{"data-dir", required_argument, NULL, 'd'},
	{"tls12", no_argument, NULL, 'T'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* Parses the options before COMMAND into @c; *cmd is the index of COMMAND.
 * Returns -1 to go on, or an exit status. */
static int parse_global(struct cli *c, int argc, char **argv, int *cmd)
{
	int o;

	optind = 0; /* full re-initialisation (tests call cli_main repeatedly) */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "+:s:i:p:c:d:hV", global_opts, NULL)) != -1) {
		switch (o) {
		case 's':
			c->server = optarg;
			break;
		case 'i':
			c->identity = optarg;
			break;
		case 'p':
			c->password_file = optarg;
			break;
		case 'c':
			c->ca = optarg;
			break;
		case 'd':
			c->data_dir = optarg;
			break;
		case 'T':
			c->tls12 = 1;
			break;
		case 'h':
			print_help();
			return CLI_EXIT_OK;
		case 'V':
			printf("dinh %s\n", PACKAGE_VERSION);
			return CLI_EXIT_OK;
		case ':':
			return cli_usage_error(_("option '%s' needs an argument"),
					       argv[optind - 1]);
		default:
			return cli_usage_error(_("unknown option '%s'"), argv[optind - 1]);
		}
	}
	*cmd = optind;
	return -1;
}

int cli_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct cli *, int, char **);
	} cmds[] = {
		{"ping", cmd_ping},       {"whoami", cmd_whoami}, {"user", cmd_user},
		{"hall", cmd_hall},       {"cert", cmd_cert},     {"file", cmd_file},
		{"doc", cmd_doc},         {"wf", cmd_wf},         {"pdf", cmd_pdf},
		{"meeting", cmd_meeting},
	};
	struct cli c;
	int ex, i = 0;

	memset(&c, 0, sizeof(c));
	ex = parse_global(&c, argc, argv, &i);
	if (ex >= 0)
		return ex;
	if (i >= argc)
		return cli_usage_error(_("no command given"));
	if (strcmp(argv[i], "help") == 0) {
		print_help();
		return CLI_EXIT_OK;
	}
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
		if (strcmp(argv[i], cmds[k].name) == 0) {
			ex = cmds[k].fn(&c, argc - i, argv + i);
			fflush(stdout);
			return ex;
		}
	return cli_usage_error(_("unknown command '%s'"), argv[i]);
}
