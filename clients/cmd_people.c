/*
 * cmd_people.c: `dinh user` and `dinh hall`: enrol a person or a village-hall
 * terminal (the key is generated here and never leaves this machine), list
 * and revoke them.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/err.h"
#include "common/i18n.h"
#include "common/roles.h"
#include "signing/ident.h"

#define GEN_PASSWORD_LEN 20
#define SERIAL_PREFIX 8

/* What differs between `user` and `hall`. */
struct kind {
	const char *cmd; /* "user" or "hall" */
	int hall;
	const char *op_add, *op_list, *op_revoke;
};

static const struct kind kind_user = {"user", 0, "user.add", "user.list", "user.revoke"};
static const struct kind kind_hall = {"hall", 1, "hall.add", "hall.list", "hall.revoke"};

static void help_add(const struct kind *k)
{
	if (!k->hall)
		printf(_("Usage: dinh user add NAME --roles ROLE[,ROLE]... [--out FILE.p12]\n"
			 "                     [--new-password-file FILE]\n"
			 "Enrols a person: generates a key on this machine, has the server's CA\n"
			 "certify it, and writes the identity to FILE.p12 (default: ID.p12 in the\n"
			 "current directory).  Roles: admin, chair, vice-chair, clerk, officer,\n"
			 "secretary, delegate, desk.  The PKCS#12 password is read from\n"
			 "--new-password-file, else DINH_NEW_PASSWORD, else one is generated and\n"
			 "printed once.\n"));
	else
		printf(_(
			"Usage: dinh hall add NAME [--out FILE.p12] [--new-password-file FILE]\n"
			"Enrols a village-hall terminal: generates a key on this machine, has the\n"
			"server's CA certify it, and writes the identity to FILE.p12 (default:\n"
			"ID.p12 in the current directory).  The PKCS#12 password is read from\n"
			"--new-password-file, else DINH_NEW_PASSWORD, else one is generated and\n"
			"printed once.\n"));
}

static void help_list(const struct kind *k)
{
	if (!k->hall)
		printf(_("Usage: dinh user list\n"
			 "Lists the people known to the server, with their roles and "
			 "certificates.\n"));
	else
		printf(_("Usage: dinh hall list\n"
			 "Lists the village-hall terminals known to the server.\n"));
}

static void help_revoke(const struct kind *k)
{
	if (!k->hall)
		printf(_("Usage: dinh user revoke ID\n"
			 "Revokes the certificate of person ID and closes their sessions.\n"));
	else
		printf(_("Usage: dinh hall revoke ID\n"
			 "Revokes the certificate of hall terminal ID and closes its sessions.\n"));
}

static void help_all(const struct kind *k)
{
	help_add(k);
	putchar('\n');
	help_list(k);
	putchar('\n');
	help_revoke(k);
	printf(_("\nThese commands need the admin role.\n"));
}

int cli_new_password(char **out, const char *file, int *generated)
{
	char buf[GEN_PASSWORD_LEN + 8];
	int rc;

	*generated = 0;
	if (file || (getenv("DINH_NEW_PASSWORD") && *getenv("DINH_NEW_PASSWORD")))
		return cli_get_password(out, file, "DINH_NEW_PASSWORD", "");
	*out = NULL;
	memset(buf, 0, sizeof(buf));
	rc = ident_random_password(buf, GEN_PASSWORD_LEN);
	if (rc < 0)
		return rc;
	*out = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	if (!*out)
		return err_set(E_NOMEM, "password");
	*generated = 1;
	return E_OK;
}

/* Builds the add request: name, roles, <csr>. */
static int add_request(struct proto_node **out, const struct kind *k, const char *name,
		       const char *roles, const char *csr)
{
	struct proto_node *req = proto_node_new("req"), *n;
	int rc = E_OK;

	*out = NULL;
	if (!req || proto_node_set(req, "op", k->op_add) < 0 ||
	    proto_node_set(req, "name", name) < 0 ||
	    (roles && proto_node_set(req, "roles", roles) < 0) ||
	    !(n = proto_node_add(req, "csr")) || proto_node_set_text(n, csr) < 0)
		rc = err_set(E_NOMEM, "request");
	if (rc < 0)
		proto_node_free(req);
	else
		*out = req;
	return rc;
}

/* Writes the identity of the reply @resp to @out_path (or ID.p12). */
static int write_identity(const char *out_path, const struct proto_node *resp, const char *key,
			  const char *name, const char *pwfile)
{
	const struct proto_node *cert = proto_child(resp, "cert"), *ca = proto_child(resp, "ca");
	const char *id = proto_attr(resp, "person"), *serial = proto_attr(resp, "serial");
	char *pw = NULL, *path = NULL;
	int generated = 0, rc;

	if (!cert || !cert->text || !ca || !ca->text || !id || !*id || strchr(id, '/'))
		return err_set(E_PROTO, "the reply lacks the certificate, the CA or the ID");
	if (out_path)
		path = strdup(out_path);
	else if (asprintf(&path, "%s.p12", id) < 0)
		path = NULL;
	if (!path)
		return err_set(E_NOMEM, "path");
	rc = cli_new_password(&pw, pwfile, &generated);
	if (rc == E_OK)
		rc = ident_p12_write(path, key, cert->text, ca->text, pw, name, 0);
	if (rc == E_OK) {
		printf(_("Enrolled %s as %s (certificate %s); identity written to %s\n"), name, id,
		       serial ? serial : "?", path);
		if (generated) {
			printf(_("Password of %s: %s\n"), path, pw);
			printf(_("Hand this password to its owner; it is shown only once and not "
				 "stored anywhere.\n"));
		}
	}
	cli_free_secret(pw);
	free(path);
	return rc;
}

static int do_add(const struct cli *c, const struct kind *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{"roles", required_argument, NULL, 'r'},
		{"out", required_argument, NULL, 'o'},
		{"new-password-file", required_argument, NULL, 'P'},
		{NULL, 0, NULL, 0},
	};
	const char *roles = NULL, *out = NULL, *pwfile = NULL, *name;
	struct client *cl = NULL;
	struct proto_node *req = NULL, *resp = NULL;
	char *key = NULL, *csr = NULL;
	unsigned bits;
	int o, ex = CLI_EXIT_OK, rc;

	if (cli_wants_help(argc, argv)) {
		help_add(k);
		return CLI_EXIT_OK;
	}
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, k->hall ? ":o:" : ":r:o:", opts, NULL)) != -1) {
		if (o == 'r' && !k->hall)
			roles = optarg;
		else if (o == 'o')
			out = optarg;
		else if (o == 'P')
			pwfile = optarg;
		else if (o == ':')
			return cli_usage_error(_("option '%s' needs an argument"),
					       argv[optind - 1]);
		else
			return cli_usage_error(_("unknown option '%s'"), argv[optind - 1]);
	}
	if (optind != argc - 1)
		return cli_usage_error(_("'%s add' takes exactly one NAME"), k->cmd);
	name = argv[optind];
	if (!*name)
		return cli_usage_error(_("the name is empty"));
	if (!k->hall && !roles)
		return cli_usage_error(_("'user add' needs --roles"));
	if (roles && (roles_parse(roles, &bits) < 0 || (bits & ROLE_HALL)))
		return cli_usage_error(_("invalid roles '%s'"), roles);
	if (out && access(out, F_OK) == 0) {
		cli_fail(err_set(E_EXISTS, "%s already exists", out));
		return CLI_EXIT_IO;
	}
	if (pwfile && access(pwfile, R_OK) != 0) {
		cli_fail(err_set(E_IO, "cannot read %s: %s", pwfile, strerror(errno)));
		return CLI_EXIT_IO;
	}
	rc = ident_keygen(&key);
	if (rc == E_OK)
		rc = ident_csr(key, name, &csr);
	if (rc == E_OK)
		rc = add_request(&req, k, name, roles, csr);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	ex = cli_connect(&cl, c);
	if (ex != CLI_EXIT_OK)
		goto out;
	rc = client_request(cl, req, &resp);
	if (rc == E_OK)
		rc = write_identity(out, resp, key, name, pwfile);
	if (rc < 0)
		ex = cli_fail(rc);
out:
	cli_free_secret(key);
	free(csr);
	proto_node_free(req);
	proto_node_free(resp);
	client_close(cl);
	return ex;
}

/* "2026-11-23" for a unix time attribute, "" when absent. */
static void fmt_date(char out[16], const char *unix_s)
{
	char *end;
	unsigned long long v;
	time_t t;
	struct tm tm;

	out[0] = '\0';
	if (!unix_s || !*unix_s)
		return;
	errno = 0;
	v = strtoull(unix_s, &end, 10);
	if (*end || errno)
		return;
	t = (time_t)v;
	if (localtime_r(&t, &tm))
		strftime(out, 16, "%Y-%m-%d", &tm);
}

/* Prints the <person> children of @resp as a table. */
static int print_people(const struct proto_node *resp)
{
	enum { NCOL = 7 };
	const struct proto_node *n;
	const char **cells = NULL;
	char(*bufs)[2][16] = NULL;
	size_t rows = 1, r = 1;
	int rc;

	for (n = resp->child; n; n = n->next)
		rows += strcmp(n->name, "person") == 0;
	cells = calloc(rows * NCOL, sizeof(*cells));
	bufs = calloc(rows, sizeof(*bufs));
	if (!cells || !bufs) {
		rc = err_set(E_NOMEM, "table");
		goto out;
	}
	cells[0] = _("ID");
	cells[1] = _("NAME");
	cells[2] = _("ROLES");
	cells[3] = _("KIND");
	cells[4] = _("SERIAL");
	cells[5] = _("ISSUED");
	cells[6] = _("STATE");
	for (n = resp->child; n; n = n->next) {
		const char *kind = proto_attr(n, "kind"), *serial = proto_attr(n, "serial");
		const char *rev = proto_attr(n, "revoked");

		if (strcmp(n->name, "person") != 0)
			continue;
		snprintf(bufs[r][0], sizeof(bufs[r][0]), "%.*s", SERIAL_PREFIX,
			 serial ? serial : "");
		fmt_date(bufs[r][1], proto_attr(n, "issued"));
		cells[r * NCOL + 0] = proto_attr(n, "id");
		cells[r * NCOL + 1] = proto_attr(n, "name");
		cells[r * NCOL + 2] = proto_attr(n, "roles");
		cells[r * NCOL + 3] = kind && strcmp(kind, "hall") == 0 ? _("hall") : _("person");
		cells[r * NCOL + 4] = bufs[r][0];
		cells[r * NCOL + 5] = bufs[r][1];
		cells[r * NCOL + 6] =
			rev && *rev && strcmp(rev, "0") != 0 ? _("revoked") : _("valid");
		r++;
	}
	rc = cli_table_print(stdout, cells, rows, NCOL);
out:
	free(cells);
	free(bufs);
	return rc;
}

/* list and revoke: one request, no local work. */
static int do_simple(const struct cli *c, const struct kind *k, int argc, char **argv, int revoke)
{
	struct client *cl = NULL;
	struct proto_node *req = NULL, *resp = NULL;
	int ex, rc;

	if (cli_wants_help(argc, argv)) {
		if (revoke)
			help_revoke(k);
		else
			help_list(k);
		return CLI_EXIT_OK;
	}
	if (revoke && argc != 2)
		return cli_usage_error(_("'%s revoke' takes exactly one ID"), k->cmd);
	if (!revoke && argc != 1)
		return cli_usage_error(_("unexpected argument '%s'"), argv[1]);
	req = proto_node_new("req");
	if (!req || proto_node_set(req, "op", revoke ? k->op_revoke : k->op_list) < 0 ||
	    (revoke && proto_node_set(req, "person", argv[1]) < 0)) {
		proto_node_free(req);
		return cli_fail(err_set(E_NOMEM, "request"));
	}
	ex = cli_connect(&cl, c);
	if (ex != CLI_EXIT_OK)
		goto out;
	rc = client_request(cl, req, &resp);
	if (rc == E_OK && revoke) {
		const char *serial = proto_attr(resp, "serial");

		printf(_("Revoked %s (certificate %s).\n"), argv[1], serial ? serial : "?");
	} else if (rc == E_OK) {
		rc = print_people(resp);
	}
	if (rc < 0)
		ex = cli_fail(rc);
out:
	proto_node_free(req);
	proto_node_free(resp);
	client_close(cl);
	return ex;
}

static int dispatch(const struct cli *c, const struct kind *k, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(_("'%s' needs a subcommand: add, list or revoke"), k->cmd);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help_all(k);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return do_add(c, k, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return do_simple(c, k, argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "revoke") == 0)
		return do_simple(c, k, argc - 1, argv + 1, 1);
	return cli_usage_error(_("unknown subcommand '%s %s'"), k->cmd, argv[1]);
}

int cmd_user(const struct cli *c, int argc, char **argv)
{
	return dispatch(c, &kind_user, argc, argv);
}

int cmd_hall(const struct cli *c, int argc, char **argv)
{
	return dispatch(c, &kind_hall, argc, argv);
}
