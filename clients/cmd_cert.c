/*
 * cmd_cert.c: `dinh cert`: document-signing certificates from the commune CA for an official
 * or a citizen (the key is generated here and never leaves this machine), their revocation,
 * and the CA's current CRL.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"
#include "signing/ident.h"

static void help_cert(void)
{
	printf(_("Usage: dinh cert issue NAME --profile official|citizen [--uid ID]\n"
		 "                      [--person ID] --out FILE.p12 [--new-password-file FILE]\n"
		 "       dinh cert revoke SERIAL\n"
		 "       dinh cert crl [--out FILE.pem]\n"
		 "issue: generates a key on this machine, has the commune CA certify it for\n"
		 "signing documents (an official signs for the commune; a citizen's certificate\n"
		 "is free) and writes it with the key to FILE.p12.  --uid puts an identifier\n"
		 "in the certificate, e.g.\n"
		 "CCCD:001099012345 or MST:0101234567.  The PKCS#12 password is read from\n"
		 "--new-password-file, else DINH_NEW_PASSWORD, else one is generated and printed\n"
		 "once.  --person records the certificate as that person's (an id of\n"
		 "dinh user list): the workflow then accepts PDFs they sign with it.\n"
		 "revoke: revokes a signing certificate by its serial (people's certificates:\n"
		 "dinh user revoke).\n"
		 "crl: prints (or writes) the commune CA's current revocation list.\n"
		 "issue and revoke need the admin role.\n"));
}

/* The cert.issue request: name, profile, uid, person, <csr>. */
static int issue_request(struct proto_node **out, const char *name, const char *profile,
			 const char *uid, const char *person, const char *csr)
{
	struct proto_node *req = proto_node_new("req"), *n;

	*out = NULL;
	if (!req || proto_node_set(req, "op", "cert.issue") < 0 ||
	    proto_node_set(req, "name", name) < 0 || proto_node_set(req, "profile", profile) < 0 ||
	    (uid && proto_node_set(req, "uid", uid) < 0) ||
	    (person && proto_node_set(req, "person", person) < 0) ||
	    !(n = proto_node_add(req, "csr")) || proto_node_set_text(n, csr) < 0) {
		proto_node_free(req);
		return err_set(E_NOMEM, "request");
	}
	*out = req;
	return E_OK;
}

/* Writes the key and the certificate of @resp to @path. */
static int write_p12(const char *path, const struct proto_node *resp, const char *key,
		     const char *name, const char *pwfile)
{
	const struct proto_node *cert = proto_child(resp, "cert"), *ca = proto_child(resp, "ca");
	const char *serial = proto_attr(resp, "serial");
	char *pw = NULL;
	int generated = 0, rc;

	if (!cert || !cert->text || !ca || !ca->text)
		return err_set(E_PROTO, "the reply lacks the certificate or the CA");
	rc = cli_new_password(&pw, pwfile, &generated);
	if (rc == E_OK)
		rc = ident_p12_write(path, key, cert->text, ca->text, pw, name, 0);
	if (rc == E_OK) {
		printf(_("Signing certificate %s issued to %s; written to %s\n"),
		       serial ? serial : "?", name, path);
		if (generated) {
			printf(_("Password of %s: %s\n"), path, pw);
			printf(_("Hand this password to its owner; it is shown only once and not "
				 "stored anywhere.\n"));
		}
	}
	cli_free_secret(pw);
	return rc;
}

static int do_issue(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"uid", required_argument, NULL, 'u'},
		{"person", required_argument, NULL, 'W'},
		{"out", required_argument, NULL, 'o'},
		{"new-password-file", required_argument, NULL, 'P'},
		{NULL, 0, NULL, 0},
	};
	const char *profile = NULL, *uid = NULL, *out = NULL, *pwfile = NULL, *person = NULL;
	const char *name;
	struct client *cl = NULL;
	struct proto_node *req = NULL, *resp = NULL;
	char *key = NULL, *csr = NULL;
	int o, ex = CLI_EXIT_OK, rc;

	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":p:u:o:", opts, NULL)) != -1) {
		if (o == 'p')
			profile = optarg;
		else if (o == 'u')
			uid = optarg;
		else if (o == 'o')
			out = optarg;
		else if (o == 'P')
			pwfile = optarg;
		else if (o == 'W')
			person = optarg;
		else if (o == ':')
			return cli_usage_error(_("option '%s' needs an argument"),
					       argv[optind - 1]);
		else
			return cli_usage_error(_("unknown option '%s'"), argv[optind - 1]);
	}
	if (optind != argc - 1 || !*argv[optind])
		return cli_usage_error(_("'cert issue' takes exactly one NAME"));
	name = argv[optind];
	if (!profile || (strcmp(profile, "official") != 0 && strcmp(profile, "citizen") != 0))
		return cli_usage_error(_("'cert issue' needs --profile official or citizen"));
	if (!out)
		return cli_usage_error(_("'cert issue' needs --out FILE.p12"));
	if (access(out, F_OK) == 0) {
		cli_fail(err_set(E_EXISTS, "%s already exists", out));
		return CLI_EXIT_IO;
	}
	rc = ident_keygen(&key);
	if (rc == E_OK)
		rc = ident_csr(key, name, &csr);
	if (rc == E_OK)
		rc = issue_request(&req, name, profile, uid, person, csr);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	ex = cli_connect(&cl, c);
	if (ex != CLI_EXIT_OK)
		goto out;
	rc = client_request(cl, req, &resp);
	if (rc == E_OK)
		rc = write_p12(out, resp, key, name, pwfile);
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

/* revoke SERIAL and crl [--out FILE]: one request each. */
static int do_simple(const struct cli *c, int argc, char **argv, int revoke)
{
	const char *out = NULL;
	struct client *cl = NULL;
	struct proto_node *req = NULL, *resp = NULL;
	const struct proto_node *crl;
	int ex, rc;

	if (revoke && argc != 2)
		return cli_usage_error(_("'cert revoke' takes exactly one SERIAL"));
	if (!revoke && argc == 3 && strcmp(argv[1], "--out") == 0)
		out = argv[2];
	else if (!revoke && argc != 1)
		return cli_usage_error(_("unexpected argument '%s'"), argv[1]);
	req = proto_node_new("req");
	if (!req || proto_node_set(req, "op", revoke ? "cert.revoke" : "cert.crl") < 0 ||
	    (revoke && proto_node_set(req, "serial", argv[1]) < 0)) {
		proto_node_free(req);
		return cli_fail(err_set(E_NOMEM, "request"));
	}
	ex = cli_connect(&cl, c);
	if (ex != CLI_EXIT_OK)
		goto out;
	rc = client_request(cl, req, &resp);
	crl = rc == E_OK ? proto_child(resp, "crl") : NULL;
	if (rc == E_OK && revoke)
		printf(_("Revoked signing certificate %s.\n"), argv[1]);
	else if (rc == E_OK && (!crl || !crl->text))
		rc = err_set(E_PROTO, "the reply lacks the CRL");
	else if (rc == E_OK && out)
		rc = fs_write_atomic(out, crl->text, strlen(crl->text), 0644);
	else if (rc == E_OK)
		fputs(crl->text, stdout);
	if (rc < 0)
		ex = cli_fail(rc);
out:
	proto_node_free(req);
	proto_node_free(resp);
	client_close(cl);
	return ex;
}

int cmd_cert(const struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(_("'cert' needs a subcommand: issue, revoke or crl"));
	if (cli_wants_help(argc, argv)) {
		help_cert();
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "issue") == 0)
		return do_issue(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke") == 0)
		return do_simple(c, argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "crl") == 0)
		return do_simple(c, argc - 1, argv + 1, 0);
	return cli_usage_error(_("unknown subcommand '%s %s'"), "cert", argv[1]);
}
