/*
 * cmd_doc.c: `dinh doc` and `dinh wf`: create documents and dossiers, take
 * the actions of their workflow, comment, recall, show one with its trail,
 * and list the workflows and the procedure catalogue (the reads through the
 * index are in cmd_docq.c).  Every change carries
 * a request id (--rid, or a random one), so sending it again never applies
 * it twice.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/err.h"
#include "common/i18n.h"
#include "common/proto.h"

static void help_doc(void)
{
	printf(_("Usage: dinh doc create WORKFLOW [OPTION]...\n"
		 "       dinh doc act DOC ACTION [OPTION]...\n"
		 "       dinh doc comment DOC TEXT\n"
		 "       dinh doc recall DOC REASON\n"
		 "       dinh doc show DOC\n"));
	cli_help_docq();
	printf(_("Creates a document or dossier (WORKFLOW: incoming, outgoing, dossier), takes\n"
		 "an ACTION of its workflow (see 'dinh wf list'), comments, recalls (freezes)\n"
		 "or shows it with every step taken.\n"
		 "  --field NAME=VALUE   a metadata field (Subject, TypeAbbr, ProcedureId...)\n"
		 "  --file SHA256[:NAME] attach a file already sent with 'dinh file put'\n"
		 "  --signed-pdf SHA256  the signed PDF an action needs\n"
		 "  --lead ID            the lead handler (chủ trì)\n"
		 "  --cooperate ID       a cooperating handler (phối hợp), repeatable\n"
		 "  --due YYYY-MM-DD     the deadline\n"
		 "  --note TEXT          instructions, a comment or a reason\n"
		 "  --rid ID             the request id: the same id is never applied twice\n"));
}

static void help_wf(void)
{
	printf(_("Usage: dinh wf list\n"
		 "Lists the workflows with their actions and roles, and the catalogue of\n"
		 "administrative procedures.\n"));
}

/* A random request id of 32 hex digits. */
static void random_rid(char out[33])
{
	unsigned char raw[16] = {0};

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		snprintf((char *)raw, sizeof(raw), "%lx", (unsigned long)rand());
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

static int add_text(struct proto_node *req, const char *name, const char *text)
{
	struct proto_node *n = proto_node_add(req, name);

	return n && proto_node_set_text(n, text) == E_OK ? E_OK : E_NOMEM;
}

/* Parses the options of a change into @req; returns an exit status. */
static int change_options(struct proto_node *req, int argc, char **argv, int *optind_out)
{
	static const struct option opts[] = {
		{"field", required_argument, NULL, 'F'},
		{"file", required_argument, NULL, 'f'},
		{"signed-pdf", required_argument, NULL, 's'},
		{"lead", required_argument, NULL, 'l'},
		{"cooperate", required_argument, NULL, 'c'},
		{"due", required_argument, NULL, 'd'},
		{"note", required_argument, NULL, 'n'},
		{"rid", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	char rid[33];
	int o, have_rid = 0;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		struct proto_node *n;
		char *eq;
		int rc = E_OK;

		switch (o) {
		case 'F':
			eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				return cli_usage_error(_("--field needs NAME=VALUE"));
			*eq = '\0';
			n = proto_node_add(req, "field");
			rc = !n || proto_node_set(n, "name", optarg) < 0 ||
					     proto_node_set_text(n, eq + 1) < 0
				     ? E_NOMEM
				     : E_OK;
			*eq = '=';
			break;
		case 'f':
			n = proto_node_add(req, "file");
			eq = strchr(optarg, ':');
			if (eq)
				*eq = '\0';
			rc = !n || proto_node_set(n, "sha256", optarg) < 0 ||
					     (eq && proto_node_set(n, "name", eq + 1) < 0)
				     ? E_NOMEM
				     : E_OK;
			if (eq)
				*eq = ':';
			break;
		case 's':
			rc = proto_node_set(req, "signed-pdf", optarg);
			break;
		case 'l':
			rc = proto_node_set(req, "lead", optarg);
			break;
		case 'c':
			rc = add_text(req, "cooperate", optarg);
			break;
		case 'd':
			rc = proto_node_set(req, "due", optarg);
			break;
		case 'n':
			rc = add_text(req, "note", optarg);
			break;
		case 'r':
			rc = proto_node_set(req, "rid", optarg);
			have_rid = 1;
			break;
		default:
			return cli_usage_error(_("unknown option '%s'"), argv[optind - 1]);
		}
		if (rc < 0)
			return cli_fail(err_set(E_NOMEM, "request"));
	}
	if (!have_rid) {
		random_rid(rid);
		if (proto_node_set(req, "rid", rid) < 0)
			return cli_fail(err_set(E_NOMEM, "request"));
	}
	*optind_out = optind;
	return CLI_EXIT_OK;
}

static void print_change(const struct proto_node *resp)
{
	const char *num = proto_attr(resp, "number"), *code = proto_attr(resp, "code");
	const char *secret = proto_attr(resp, "secret"), *commit = proto_attr(resp, "commit");

	printf(_("%s: state %s"), proto_attr(resp, "doc"), proto_attr(resp, "state"));
	if (num)
		printf(_(", number %s"), num);
	if (proto_attr(resp, "duplicate"))
		printf(_(" (this request was applied before: nothing changed)"));
	putchar('\n');
	if (code)
		printf(_("Dossier code: %s\n"), code);
	if (secret)
		printf(_("Secret for the citizen (shown once): %s\n"), secret);
	if (commit)
		printf(_("Commit: %s\n"), commit);
}

static void print_doc(const struct proto_node *resp)
{
	static const char *const attrs[] = {"doc",     "workflow", "state", "number",  "code",
					    "created", "due",      "lead",  "recalled"};

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (proto_attr(resp, attrs[i]))
			printf("%-10s %s\n", attrs[i], proto_attr(resp, attrs[i]));
	for (const struct proto_node *c = resp->child; c; c = c->next) {
		if (strcmp(c->name, "field") == 0)
			printf("  %s: %s\n", proto_attr(c, "name"), c->text ? c->text : "");
		else if (strcmp(c->name, "cooperate") == 0)
			printf(_("  cooperating: %s\n"), c->text ? c->text : "");
		else if (strcmp(c->name, "file") == 0)
			printf(_("  file %s %s\n"), proto_attr(c, "sha256"),
			       proto_attr(c, "name") ? proto_attr(c, "name") : "");
		else if (strcmp(c->name, "comment") == 0)
			printf(_("  comment by %s: %s\n"), proto_attr(c, "by"),
			       c->text ? c->text : "");
	}
	printf(_("Steps:\n"));
	for (const struct proto_node *c = resp->child; c; c = c->next)
		if (strcmp(c->name, "step") == 0)
			printf("  %s  %-14s %-12s %s -> %s%s%s\n", proto_attr(c, "time"),
			       proto_attr(c, "actor"), proto_attr(c, "action"),
			       proto_attr(c, "from") ? proto_attr(c, "from") : "-",
			       proto_attr(c, "to"), c->text ? "  " : "", c->text ? c->text : "");
}

static int run(const struct cli *c, struct proto_node *req, int show)
{
	struct client *cl = NULL;
	struct proto_node *resp = NULL;
	int ex, rc;

	ex = cli_connect(&cl, c);
	if (ex != CLI_EXIT_OK)
		goto out;
	rc = client_request(cl, req, &resp);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	if (show == 1)
		print_doc(resp);
	else if (show == 2) {
		for (const struct proto_node *w = resp->child; w; w = w->next) {
			if (strcmp(w->name, "workflow") == 0) {
				printf("%s — %s\n", proto_attr(w, "id"), proto_attr(w, "name"));
				for (const struct proto_node *a = w->child; a; a = a->next)
					printf("  %-12s %-22s -> %-22s %-22s %s\n",
					       proto_attr(a, "id"), proto_attr(a, "from"),
					       proto_attr(a, "to"), proto_attr(a, "roles"),
					       proto_attr(a, "name"));
			} else if (strcmp(w->name, "procedure") == 0) {
				printf(_("procedure %s — %s: %s working days, fee %s VND\n"),
				       proto_attr(w, "id"), proto_attr(w, "name"),
				       proto_attr(w, "days"), proto_attr(w, "fee"));
			}
		}
	} else
		print_change(resp);
out:
	proto_node_free(resp);
	client_close(cl);
	return ex;
}

int cmd_doc(const struct cli *c, int argc, char **argv)
{
	struct proto_node *req = NULL;
	const char *sub = argc > 1 ? argv[1] : NULL;
	int ex, first = 0, npos, show = 0;
	const char *op;

	if (!sub)
		return cli_usage_error(
			_("'doc' needs a subcommand: create, act, comment, recall, show, inbox, "
			  "search, lookup, register, stats, receipt or control"));
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || cli_wants_help(argc, argv)) {
		help_doc();
		return CLI_EXIT_OK;
	}
	if (strcmp(sub, "inbox") == 0 || strcmp(sub, "search") == 0 || strcmp(sub, "lookup") == 0 ||
	    strcmp(sub, "register") == 0 || strcmp(sub, "stats") == 0 ||
	    strcmp(sub, "receipt") == 0 || strcmp(sub, "control") == 0)
		return cmd_doc_query(c, argc, argv);
	if (strcmp(sub, "create") == 0)
		op = "doc.create", npos = 1;
	else if (strcmp(sub, "act") == 0)
		op = "doc.act", npos = 2;
	else if (strcmp(sub, "comment") == 0)
		op = "doc.comment", npos = 2;
	else if (strcmp(sub, "recall") == 0)
		op = "doc.recall", npos = 2;
	else if (strcmp(sub, "show") == 0)
		op = "doc.show", npos = 1, show = 1;
	else
		return cli_usage_error(_("unknown subcommand 'doc %s'"), sub);
	req = proto_node_new("req");
	if (!req || proto_node_set(req, "op", op) < 0) {
		proto_node_free(req);
		return cli_fail(err_set(E_NOMEM, "request"));
	}
	/* Positional arguments first, then options. */
	if (argc < 2 + npos) {
		proto_node_free(req);
		return cli_usage_error(_("'doc %s' needs %d argument(s); see 'dinh doc --help'"),
				       sub, npos);
	}
	if (show) {
		ex = proto_node_set(req, "doc", argv[2]) < 0 ? cli_fail(E_NOMEM) : CLI_EXIT_OK;
		if (ex == CLI_EXIT_OK && argc > 3)
			ex = cli_usage_error(_("unexpected argument '%s'"), argv[3]);
	} else {
		ex = change_options(req, argc - 1 - npos, argv + 1 + npos, &first);
		if (ex == CLI_EXIT_OK && first < argc - 1 - npos)
			ex = cli_usage_error(_("unexpected argument '%s'"), argv[1 + npos + first]);
		if (ex == CLI_EXIT_OK) {
			int rc = E_OK;

			if (strcmp(sub, "create") == 0)
				rc = proto_node_set(req, "workflow", argv[2]);
			else
				rc = proto_node_set(req, "doc", argv[2]);
			if (rc == E_OK && strcmp(sub, "act") == 0)
				rc = proto_node_set(req, "action", argv[3]);
			else if (rc == E_OK && npos == 2 && strcmp(sub, "act") != 0)
				rc = add_text(req, "note", argv[3]);
			if (rc < 0)
				ex = cli_fail(err_set(E_NOMEM, "request"));
		}
	}
	if (ex == CLI_EXIT_OK)
		ex = run(c, req, show);
	proto_node_free(req);
	return ex;
}

int cmd_wf(const struct cli *c, int argc, char **argv)
{
	struct proto_node *req;
	int ex;

	if (argc < 2 || cli_wants_help(argc, argv)) {
		help_wf();
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "list") != 0 || argc > 2)
		return cli_usage_error(_("unknown subcommand 'wf %s'"), argv[1]);
	req = proto_node_new("req");
	if (!req || proto_node_set(req, "op", "wf.list") < 0) {
		proto_node_free(req);
		return cli_fail(err_set(E_NOMEM, "request"));
	}
	ex = run(c, req, 2);
	proto_node_free(req);
	return ex;
}
