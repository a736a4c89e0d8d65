/*
 * cmd_meet.c: `dinh meeting`: define a meeting from an XML file (its
 * documents uploaded first), publish its pack, fetch it, follow the live
 * session, move it, check in, ask to speak, vote, conclude, close it and
 * sign its minutes.  Each subcommand is one request (docs/protocol.md,
 * "Meetings"); answers are printed as "key=value" lines for scripts, the
 * meeting itself in words.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "clients/pack.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"
#include "common/proto.h"

static void help_meeting(void)
{
	printf(_(
		"Usage: dinh meeting SUBCOMMAND ...\n"
		"  create FILE.xml            a meeting from its definition (documents uploaded)\n"
		"  edit ID FILE.xml           replaces the definition\n"
		"  list | show ID             the meetings you are in; one in full\n"
		"  publish ID                 sends the pack (a new version each time)\n"
		"  readiness ID               each participant's and hall's copy of the pack\n"
		"  fetch ID DIR               the pack into DIR, only what is missing, verified\n"
		"  follow ID [--since N] [--events N] [--timeout S]\n"
		"                             joins and prints the events of the session\n"
		"  goto ID ITEM [PAGE] [--doc SHA256]   moves everyone to an item and page\n"
		"  checkin ID [--present N]   attendance (a hall: how many people are present)\n"
		"  speak ID [--grant PERSON | --cancel] asks to speak; the chair gives the floor\n"
		"  note ID SHA256 [TEXT]      your private note on a document (without TEXT: "
		"read)\n"
		"  vote-open ID ITEM MOTION | vote ID N yes|no|abstain | vote-close ID N\n"
		"  vote-show ID N             the named result of a closed vote\n"
		"  conclude ID ITEM TEXT [--lead PERSON --due YYYY-MM-DD]   (ITEM 0: the meeting)\n"
		"  close ID                   makes the minutes; conclusions become tasks\n"
		"  minutes ID OUT.pdf         downloads the minutes (the latest signed copy)\n"
		"  sign-minutes ID SIGNED.pdf the secretary's, then the chair's signed minutes\n"
		"The definition file is <meeting title start end place chair secretary> with\n"
		"<member id=\"PERSON\"/> and <item title presenter time confidential invite>\n"
		"children holding <doc file=\"PATH.pdf\" name=\"...\"/>.\n"));
}

static struct proto_node *new_req(const char *op, const char *meeting)
{
	struct proto_node *req = proto_node_new("req");

	if (!req || proto_node_set(req, "op", op) < 0 ||
	    (meeting && proto_node_set(req, "meeting", meeting) < 0)) {
		proto_node_free(req);
		return NULL;
	}
	return req;
}

/* Prints a reply for scripts: its attributes, then one line per child. */
static void print_kv(const struct proto_node *n, const char *indent)
{
	for (unsigned i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].key, "id") != 0)
			printf("%s%s=%s\n", indent, n->attrs[i].key, n->attrs[i].val);
	for (const struct proto_node *c = n->child; c; c = c->next) {
		printf("%s%s", indent, c->name);
		for (unsigned i = 0; i < c->nattrs; i++)
			printf(" %s=%s", c->attrs[i].key, c->attrs[i].val);
		if (c->text)
			printf(" text=%s", c->text);
		putchar('\n');
	}
}

/* One request on a new connection; the reply printed unless @quiet. */
static int one(const struct cli *c, struct proto_node *req, struct proto_node **keep)
{
	struct client *cl = NULL;
	struct proto_node *resp = NULL;
	int ex, rc;

	if (!req)
		return cli_fail(err_set(E_NOMEM, "request"));
	if ((ex = cli_connect(&cl, c)) == CLI_EXIT_OK) {
		if ((rc = client_request(cl, req, &resp)) < 0)
			ex = cli_fail(rc);
		else if (!keep)
			print_kv(resp, "");
	}
	if (keep && ex == CLI_EXIT_OK)
		*keep = resp;
	else
		proto_node_free(resp);
	proto_node_free(req);
	client_close(cl);
	return ex;
}

/* The definition file: <doc file=PATH> uploaded and replaced by sha256. */
static int load_definition(struct client *cl, const char *path, struct proto_node *req)
{
	struct proto_node *root = NULL;
	char *data = NULL, *dir = g_path_get_dirname(path);
	size_t len;
	int rc;

	if ((rc = fs_read_file(path, PROTO_CONTROL_MAX, &data, &len)) < 0 ||
	    (rc = proto_control_parse((const uint8_t *)data, len, &root)) < 0)
		goto out;
	if (strcmp(root->name, "meeting") != 0) {
		rc = err_set(E_INVAL, "%s: the root element must be <meeting>", path);
		goto out;
	}
	for (unsigned i = 0; i < root->nattrs; i++)
		if ((rc = proto_node_set(req, root->attrs[i].key, root->attrs[i].val)) < 0)
			goto out;
	for (struct proto_node *it = root->child; it; it = it->next)
		for (struct proto_node *d = it->child; d; d = d->next) {
			const char *f = proto_attr(d, "file");
			char hex[65], *full;

			if (strcmp(d->name, "doc") || !f)
				continue;
			full = g_path_is_absolute(f) ? g_strdup(f) : g_build_filename(dir, f, NULL);
			rc = cli_upload(cl, full, hex);
			if (rc == E_OK && !proto_attr(d, "name")) {
				gchar *base = g_path_get_basename(f);

				rc = proto_node_set(d, "name", base);
				g_free(base);
			}
			g_free(full);
			if (rc < 0 || (rc = proto_node_set(d, "sha256", hex)) < 0)
				goto out;
		}
	/* The children move into the request. */
	req->child = root->child;
	req->last = root->last;
	root->child = root->last = NULL;
out:
	proto_node_free(root);
	free(data);
	g_free(dir);
	return rc;
}

/* Fills @req on the open connection (uploads first), from @arg. */
typedef int (*prep_fn)(struct client *cl, const char *arg, struct proto_node *req);

/* One request that needs uploads before it: connect, @prep, send, print. */
static int prepared(const struct cli *c, const char *op, const char *meeting, prep_fn prep,
		    const char *arg)
{
	struct proto_node *req = new_req(op, meeting), *resp = NULL;
	struct client *cl = NULL;
	int ex, rc;

	if (!req)
		return cli_fail(err_set(E_NOMEM, "request"));
	if ((ex = cli_connect(&cl, c)) == CLI_EXIT_OK) {
		if ((rc = prep(cl, arg, req)) < 0 || (rc = client_request(cl, req, &resp)) < 0)
			ex = cli_fail(rc);
		else
			print_kv(resp, "");
	}
	proto_node_free(resp);
	proto_node_free(req);
	client_close(cl);
	return ex;
}

/* The signed minutes uploaded, named as signed-pdf. */
static int prep_signed(struct client *cl, const char *pdf, struct proto_node *req)
{
	char hex[65];
	int rc = cli_upload(cl, pdf, hex);

	return rc < 0 ? rc : proto_node_set(req, "signed-pdf", hex);
}

static const char *ca_path(const struct cli *c, char *buf, size_t size)
{
	if (c->ca)
		return c->ca;
	snprintf(buf, size, "%s/ca/ca.pem", c->data_dir ? c->data_dir : ".");
	return buf;
}

static int fetch(const struct cli *c, const char *meeting, const char *dir)
{
	struct client *cl = NULL;
	struct pack *p = g_new0(struct pack, 1);
	char ca[1024];
	int ex, rc;

	if ((ex = cli_connect(&cl, c)) == CLI_EXIT_OK) {
		if ((rc = pack_sync(p, cl, meeting, dir, ca_path(c, ca, sizeof(ca)))) < 0)
			ex = cli_fail(rc);
		else
			printf("version=%u\nfiles=%zu\nfetched-files=%u\nfetched-bytes=%llu\n"
			       "total-bytes=%llu\n",
			       p->version, p->n_files, p->files_fetched,
			       (unsigned long long)p->bytes_fetched,
			       (unsigned long long)p->bytes_total);
	}
	client_close(cl);
	g_free(p);
	return ex;
}

static void print_event(const struct proto_node *ev)
{
	printf("event %s", proto_attr(ev, "name") ? proto_attr(ev, "name") : "?");
	for (unsigned i = 0; i < ev->nattrs; i++)
		if (strcmp(ev->attrs[i].key, "name") && strcmp(ev->attrs[i].key, "seq"))
			printf(" %s=%s", ev->attrs[i].key, ev->attrs[i].val);
	putchar('\n');
	fflush(stdout);
}

/* follow: joins, prints the missed events and the room, then each event. */
static int follow(const struct cli *c, const char *meeting, int argc, char **argv)
{
	struct proto_node *req = new_req("meeting.join", meeting), *resp = NULL, *ev;
	struct client *cl = NULL;
	long events = -1, timeout = 30;
	int ex, rc;

	for (int i = 0; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--since") == 0)
			proto_node_set(req, "since", argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--events") == 0)
			events = strtol(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--timeout") == 0)
			timeout = strtol(argv[++i], NULL, 10);
		else {
			proto_node_free(req);
			return cli_usage_error(_("unexpected argument '%s'"), argv[i]);
		}
	}
	if ((ex = cli_connect(&cl, c)) != CLI_EXIT_OK)
		goto out;
	if ((rc = client_request(cl, req, &resp)) < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	for (const struct proto_node *e = resp->child; e; e = e->next)
		if (strcmp(e->name, "event") == 0)
			print_event(e);
	for (unsigned i = 0; i < resp->nattrs; i++)
		if (strcmp(resp->attrs[i].key, "id"))
			printf("room %s=%s\n", resp->attrs[i].key, resp->attrs[i].val);
	fflush(stdout);
	while (events != 0) {
		rc = client_wait_event(cl, (unsigned)(timeout * 1000), &ev);
		if (rc == E_TIMEOUT)
			break;
		if (rc < 0) {
			ex = cli_fail(rc);
			break;
		}
		print_event(ev);
		proto_node_free(ev);
		if (events > 0)
			events--;
	}
out:
	proto_node_free(resp);
	proto_node_free(req);
	client_close(cl);
	return ex;
}

/* Downloads the meeting's minutes (@agenda 0: the latest signed copy, else
 * the generated one) or its invitation and agenda (@agenda 1). */
static int download(const struct cli *c, const char *meeting, const char *out, int agenda)
{
	struct proto_node *resp = NULL;
	struct client *cl = NULL;
	const char *sha;
	int ex = one(c, new_req("meeting.show", meeting), &resp), rc;

	if (ex != CLI_EXIT_OK)
		return ex;
	sha = agenda                               ? proto_attr(resp, "agenda")
	      : proto_attr(resp, "minutes-signed") ? proto_attr(resp, "minutes-signed")
						   : proto_attr(resp, "minutes");
	if (!sha)
		ex = cli_fail(err_set(E_NOTFOUND,
				      agenda ? "meeting %s is not published yet"
					     : "meeting %s has no minutes yet",
				      meeting));
	else if ((ex = cli_connect(&cl, c)) == CLI_EXIT_OK) {
		if ((rc = cli_download(cl, sha, out)) < 0)
			ex = cli_fail(rc);
		else
			printf("%s\n", out);
	}
	client_close(cl);
	proto_node_free(resp);
	return ex;
}

/* Options of the small subcommands: --present, --grant, --cancel, --doc,
 * --lead, --due, each an attribute of the request. */
static int small_options(struct proto_node *req, int argc, char **argv)
{
	static const char *const with_value[] = {"present", "grant", "doc", "lead", "due", "since"};

	for (int i = 0; i < argc; i++) {
		size_t k;

		if (strcmp(argv[i], "--cancel") == 0) {
			if (proto_node_set(req, "cancel", "1") < 0)
				return cli_fail(err_set(E_NOMEM, "request"));
			continue;
		}
		for (k = 0; k < G_N_ELEMENTS(with_value); k++)
			if (strncmp(argv[i], "--", 2) == 0 &&
			    strcmp(argv[i] + 2, with_value[k]) == 0)
				break;
		if (k == G_N_ELEMENTS(with_value))
			return cli_usage_error(_("unexpected argument '%s'"), argv[i]);
		if (i + 1 >= argc)
			return cli_usage_error(_("option '%s' needs an argument"), argv[i]);
		if (proto_node_set(req, with_value[k], argv[++i]) < 0)
			return cli_fail(err_set(E_NOMEM, "request"));
	}
	return CLI_EXIT_OK;
}

/* A subcommand: its op, its positional attributes (a "<" prefix puts the
 * argument in a <text> child). */
struct sub {
	const char *name, *op;
	const char *pos[3];
	int npos, nopt; /* nopt: optional positional arguments after npos */
};

static const struct sub subs[] = {
	{"list", "meeting.list", {NULL}, 0, 0},
	{"show", "meeting.show", {NULL}, 0, 0},
	{"publish", "meeting.publish", {NULL}, 0, 0},
	{"readiness", "meeting.readiness", {NULL}, 0, 0},
	{"goto", "meeting.goto", {"item", "page"}, 1, 1},
	{"checkin", "meeting.checkin", {NULL}, 0, 0},
	{"speak", "meeting.speak", {NULL}, 0, 0},
	{"note", "meeting.note", {"sha256", "<text"}, 1, 1},
	{"vote-open", "meeting.vote.open", {"item", "motion"}, 2, 0},
	{"vote", "meeting.vote", {"vote", "choice"}, 2, 0},
	{"vote-close", "meeting.vote.close", {"vote"}, 1, 0},
	{"vote-show", "meeting.vote.show", {"vote"}, 1, 0},
	{"conclude", "meeting.conclude", {"item", "<text"}, 2, 0},
	{"close", "meeting.close", {NULL}, 0, 0},
};

static int run_sub(const struct cli *c, const struct sub *sb, int argc, char **argv)
{
	const char *meeting = strcmp(sb->name, "list") ? (argc > 2 ? argv[2] : NULL) : NULL;
	int first = meeting ? 3 : 2, n = 0, ex;
	struct proto_node *req;

	if (strcmp(sb->name, "list") && !meeting)
		return cli_usage_error(_("'meeting %s' needs the meeting's ID"), sb->name);
	if (!(req = new_req(sb->op, meeting)))
		return cli_fail(err_set(E_NOMEM, "request"));
	for (; n < sb->npos + sb->nopt && first + n < argc && strncmp(argv[first + n], "--", 2);
	     n++) {
		const char *k = sb->pos[n];
		int rc = k[0] == '<' ? (proto_node_add(req, k + 1)
						? proto_node_set_text(req->last, argv[first + n])
						: E_NOMEM)
				     : proto_node_set(req, k, argv[first + n]);

		if (rc < 0) {
			proto_node_free(req);
			return cli_fail(err_set(E_NOMEM, "request"));
		}
	}
	if (n < sb->npos) {
		proto_node_free(req);
		return cli_usage_error(_("'meeting %s' needs more arguments; see 'dinh meeting "
					 "--help'"),
				       sb->name);
	}
	if ((ex = small_options(req, argc - first - n, argv + first + n)) != CLI_EXIT_OK) {
		proto_node_free(req);
		return ex;
	}
	return one(c, req, NULL);
}

int cmd_meeting(const struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    cli_wants_help(argc, argv)) {
		help_meeting();
		return sub ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (strcmp(sub, "create") == 0 && argc == 3)
		return prepared(c, "meeting.create", NULL, load_definition, argv[2]);
	if (strcmp(sub, "edit") == 0 && argc == 4)
		return prepared(c, "meeting.edit", argv[2], load_definition, argv[3]);
	if (strcmp(sub, "fetch") == 0 && argc == 4)
		return fetch(c, argv[2], argv[3]);
	if (strcmp(sub, "follow") == 0 && argc >= 3)
		return follow(c, argv[2], argc - 3, argv + 3);
	if (strcmp(sub, "minutes") == 0 && argc == 4)
		return download(c, argv[2], argv[3], 0);
	if (strcmp(sub, "agenda") == 0 && argc == 4)
		return download(c, argv[2], argv[3], 1);
	if (strcmp(sub, "sign-minutes") == 0 && argc == 4)
		return prepared(c, "meeting.minutes.sign", argv[2], prep_signed, argv[3]);
	for (size_t i = 0; i < G_N_ELEMENTS(subs); i++)
		if (strcmp(sub, subs[i].name) == 0)
			return run_sub(c, &subs[i], argc, argv);
	return cli_usage_error(_("unknown subcommand 'meeting %s' or wrong arguments; see 'dinh "
				 "meeting --help'"),
			       sub);
}
