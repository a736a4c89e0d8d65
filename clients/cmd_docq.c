/*
 * cmd_docq.c: the `dinh doc` commands that read: inbox, search, lookup by
 * dossier code, registers exported as CSV, statistics for a period.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/err.h"
#include "common/i18n.h"
#include "common/proto.h"

void cli_help_docq(void)
{
	printf(_("       dinh doc inbox [mine|overdue|soon] [--limit N] [--offset N]\n"
		 "       dinh doc search WORDS... [--limit N] [--offset N]\n"
		 "       dinh doc lookup CODE\n"
		 "       dinh doc register den|di|theo-doi|hs FROM TO [--pdf] [-o FILE]\n"
		 "       dinh doc stats FROM TO\n"
		 "       dinh doc receipt|control DOSSIER [-o FILE.pdf]\n"
		 "Inbox: what waits for you (overdue: past its deadline; soon: due within two\n"
		 "working days).  Search: words with or without diacritics (\"ho so\" finds\n"
		 "\"hồ sơ\").  Registers (incoming, outgoing, follow-up book, dossiers) for the\n"
		 "days FROM..TO (YYYY-MM-DD) as CSV, or as a printable PDF; statistics of\n"
		 "dossiers for a period; a dossier's receipt (with the QR code of its status\n"
		 "page) or its process-control slip as PDF.\n"));
}

static const char *a(const struct proto_node *n, const char *k)
{
	const char *v = proto_attr(n, k);

	return v ? v : "";
}

static void print_rows(const struct proto_node *resp)
{
	size_t n = 0;

	for (const struct proto_node *c = resp->child; c; c = c->next) {
		if (strcmp(c->name, "doc") != 0)
			continue;
		printf("%-18s %-20s %-12s %-10s %s%s%s\n", a(c, "doc"), a(c, "state"),
		       *a(c, "number") ? a(c, "number") : a(c, "code"),
		       *a(c, "due") ? a(c, "due") : "-", a(c, "subject"),
		       *a(c, "from") ? " — " : "", a(c, "from"));
		n++;
	}
	printf(_("%zu document(s)\n"), n);
}

/* Sends @req (consumed) and returns the reply in *resp. */
static int ask(const struct cli *c, struct proto_node *req, struct client **cl,
	       struct proto_node **resp)
{
	int ex = cli_connect(cl, c), rc;

	if (ex == CLI_EXIT_OK && (rc = client_request(*cl, req, resp)) < 0)
		ex = cli_fail(rc);
	proto_node_free(req);
	return ex;
}

/* A tenth of a percent, rounded down: 100.0 only when all of them. */
static void print_share(size_t part, size_t whole)
{
	unsigned long long t = whole ? (unsigned long long)part * 1000 / whole : 0;

	printf(" (%llu.%llu%%)", t / 10, t % 10);
}

static void print_stats(const struct proto_node *r)
{
	uint64_t rec = 0, onl = 0, res = 0, ok = 0, late = 0, over = 0;

	proto_attr_u64(r, "received", &rec);
	proto_attr_u64(r, "online", &onl);
	proto_attr_u64(r, "resolved", &res);
	proto_attr_u64(r, "on-time", &ok);
	proto_attr_u64(r, "late", &late);
	proto_attr_u64(r, "overdue", &over);
	printf(_("Dossiers received: %llu, filed online: %llu"), (unsigned long long)rec,
	       (unsigned long long)onl);
	print_share((size_t)onl, (size_t)rec);
	printf(_("\nDossiers resolved: %llu, on time: %llu"), (unsigned long long)res,
	       (unsigned long long)ok);
	print_share((size_t)ok, (size_t)(ok + late));
	printf(_(", late: %llu\nOpen dossiers past their deadline: %llu\n"),
	       (unsigned long long)late, (unsigned long long)over);
	if (late) {
		printf(_("Resolved late:\n"));
		for (const struct proto_node *c = r->child; c; c = c->next)
			if (strcmp(c->name, "doc") == 0)
				printf("  %-20s %-12s %s -> %s  %s\n", a(c, "code"),
				       a(c, "procedure"), a(c, "due"), a(c, "resolved"),
				       a(c, "from"));
	}
}

/* Options shared by the reads: --limit N and -o FILE; the rest are
 * positional and are left in @pos. */
struct q_args {
	const char *pos[16];
	int n_pos;
	const char *limit;
	const char *offset;
	const char *out;
	int pdf;
};

static int q_parse(int argc, char **argv, struct q_args *q)
{
	memset(q, 0, sizeof(*q));
	for (int i = 2; i < argc; i++) {
		const char **slot = NULL;

		if (strcmp(argv[i], "--pdf") == 0) {
			q->pdf = 1;
			continue;
		}
		if (strcmp(argv[i], "--limit") == 0)
			slot = &q->limit;
		else if (strcmp(argv[i], "--offset") == 0)
			slot = &q->offset;
		else if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0)
			slot = &q->out;
		if (slot) {
			if (++i >= argc)
				return cli_usage_error(_("option '%s' needs an argument"),
						       argv[i - 1]);
			*slot = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error(_("unknown option '%s'"), argv[i]);
		} else if (q->n_pos == 16) {
			return cli_usage_error(_("too many arguments"));
		} else {
			q->pos[q->n_pos++] = argv[i];
		}
	}
	return CLI_EXIT_OK;
}

/* The request of `doc SUB` from its arguments, or an exit status. */
static int q_request(const char *sub, const struct q_args *q, struct proto_node **out)
{
	struct proto_node *req = proto_node_new("req");
	char words[600] = "";
	int rc = req ? E_OK : E_NOMEM, want = -1;

	*out = NULL;
	if (strcmp(sub, "inbox") == 0) {
		rc = rc ? rc : proto_node_set(req, "op", "doc.inbox");
		if (rc == E_OK && q->n_pos > 0)
			rc = proto_node_set(req, "box", q->pos[0]);
		want = q->n_pos <= 1 ? q->n_pos : -1;
	} else if (strcmp(sub, "search") == 0) {
		for (int i = 0; i < q->n_pos; i++)
			snprintf(words + strlen(words), sizeof(words) - strlen(words), "%s%s",
				 i ? " " : "", q->pos[i]);
		rc = rc ? rc : proto_node_set(req, "op", "doc.search");
		rc = rc ? rc : proto_node_set(req, "q", words);
		want = q->n_pos ? q->n_pos : -1;
	} else if (strcmp(sub, "lookup") == 0) {
		rc = rc ? rc : proto_node_set(req, "op", "doc.lookup");
		rc = rc || q->n_pos < 1 ? rc : proto_node_set(req, "code", q->pos[0]);
		want = 1;
	} else if (strcmp(sub, "receipt") == 0 || strcmp(sub, "control") == 0) {
		rc = rc ? rc
			: proto_node_set(req, "op", sub[0] == 'r' ? "doc.receipt" : "doc.control");
		rc = rc || q->n_pos < 1 ? rc : proto_node_set(req, "doc", q->pos[0]);
		want = 1;
	} else if (strcmp(sub, "register") == 0) {
		rc = rc ? rc : proto_node_set(req, "op", "doc.register");
		rc = rc || !q->pdf ? rc : proto_node_set(req, "format", "pdf");
		rc = rc || q->n_pos < 3 ? rc : proto_node_set(req, "book", q->pos[0]);
		rc = rc || q->n_pos < 3 ? rc : proto_node_set(req, "from", q->pos[1]);
		rc = rc || q->n_pos < 3 ? rc : proto_node_set(req, "to", q->pos[2]);
		want = 3;
	} else {
		rc = rc ? rc : proto_node_set(req, "op", "doc.stats");
		rc = rc || q->n_pos < 2 ? rc : proto_node_set(req, "from", q->pos[0]);
		rc = rc || q->n_pos < 2 ? rc : proto_node_set(req, "to", q->pos[1]);
		want = 2;
	}
	if (rc == E_OK && q->limit)
		rc = proto_node_set(req, "limit", q->limit);
	if (rc == E_OK && q->offset)
		rc = proto_node_set(req, "offset", q->offset);
	if (rc < 0) {
		proto_node_free(req);
		return cli_fail(err_set(E_NOMEM, "request"));
	}
	if (want != q->n_pos) {
		proto_node_free(req);
		return cli_usage_error(_("wrong arguments for 'doc %s'; see 'dinh doc --help'"),
				       sub);
	}
	*out = req;
	return CLI_EXIT_OK;
}

int cmd_doc_query(const struct cli *c, int argc, char **argv)
{
	const char *sub = argv[1];
	struct proto_node *req = NULL, *resp = NULL;
	struct client *cl = NULL;
	struct q_args q;
	char path[256];
	int ex;

	if ((ex = q_parse(argc, argv, &q)) != CLI_EXIT_OK ||
	    (ex = q_request(sub, &q, &req)) != CLI_EXIT_OK)
		return ex;
	if ((ex = ask(c, req, &cl, &resp)) != CLI_EXIT_OK)
		goto out;
	if (strcmp(sub, "register") == 0 || strcmp(sub, "receipt") == 0 ||
	    strcmp(sub, "control") == 0) {
		int rc;

		if (strcmp(sub, "register") == 0)
			snprintf(path, sizeof(path), "so-%s-%s-%s.%s", q.pos[0], q.pos[1], q.pos[2],
				 q.pdf ? "pdf" : "csv");
		else
			snprintf(path, sizeof(path), "%s-%s.pdf",
				 sub[0] == 'r' ? "giay-tiep-nhan" : "phieu-kiem-soat", q.pos[0]);
		rc = cli_download(cl, a(resp, "sha256"), q.out ? q.out : path);
		if (rc < 0)
			ex = cli_fail(rc);
		else if (*a(resp, "rows"))
			printf(_("%s: %s rows, %s bytes in %s\n"), a(resp, "title"),
			       a(resp, "rows"), a(resp, "size"), q.out ? q.out : path);
		else
			printf(_("%s bytes in %s\n"), a(resp, "size"), q.out ? q.out : path);
	} else if (strcmp(sub, "stats") == 0) {
		print_stats(resp);
	} else {
		print_rows(resp);
	}
out:
	proto_node_free(resp);
	client_close(cl);
	return ex;
}
