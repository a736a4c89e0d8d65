/*
 * cmd_pdf.c: `dinh pdf info|text|render FILE`, offline on local files.
 * Each runs in the PDF sandbox (pdf/sandbox.h), as dinhd does for files
 * it did not make: a hostile PDF costs this one command, with a reason.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"
#include "pdf/sandbox.h"

static void help_pdf(void)
{
	printf(_("Usage: dinh pdf info FILE.pdf\n"
		 "       dinh pdf text FILE.pdf [-o OUT.txt]\n"
		 "       dinh pdf render FILE.pdf [--page N] [--width PIXELS] [-o OUT.png]\n"
		 "Reads a PDF on this machine in a separate, limited process (10 s of CPU,\n"
		 "1 GB of memory, 20 s in all): its pages, version, revisions and title; its\n"
		 "text (pages separated by form feeds); one page as PNG (default page 1,\n"
		 "800 pixels wide, OUT default FILE-pN-wW.png).  A broken, encrypted or\n"
		 "hostile file is refused with the reason.\n"));
}

struct pdf_args {
	const char *file;
	const char *out;
	unsigned page;
	unsigned width;
};

static int parse_num(const char *opt, const char *v, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *end || n == 0 || n > 100000)
		return cli_usage_error(_("option '%s' needs a positive number"), opt);
	*out = (unsigned)n;
	return CLI_EXIT_OK;
}

static int pdf_parse(int argc, char **argv, struct pdf_args *a)
{
	memset(a, 0, sizeof(*a));
	a->page = 1;
	a->width = 800;
	for (int i = 2; i < argc; i++) {
		int ex = CLI_EXIT_OK;
		int is_out = strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0;
		int is_page = strcmp(argv[i], "--page") == 0;
		int is_width = strcmp(argv[i], "--width") == 0;

		if (is_out || is_page || is_width) {
			if (i + 1 >= argc)
				return cli_usage_error(_("option '%s' needs an argument"), argv[i]);
			if (is_out)
				a->out = argv[i + 1];
			else
				ex = parse_num(argv[i], argv[i + 1],
					       is_page ? &a->page : &a->width);
			if (ex != CLI_EXIT_OK)
				return ex;
			i++;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error(_("unknown option '%s'"), argv[i]);
		} else if (a->file) {
			return cli_usage_error(_("'pdf %s' takes one file"), argv[1]);
		} else {
			a->file = argv[i];
		}
	}
	if (!a->file)
		return cli_usage_error(_("'pdf %s' needs a file"), argv[1]);
	return CLI_EXIT_OK;
}

/* Writes @b to @path (or standard output for NULL). */
static int emit(const struct buf *b, const char *path)
{
	int rc;

	if (!path) {
		if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len)
			return cli_fail(err_set(E_IO, "standard output: %s", strerror(errno)));
		return CLI_EXIT_OK;
	}
	rc = fs_write_atomic(path, b->data, b->len, 0644);
	return rc < 0 ? cli_fail(rc) : CLI_EXIT_OK;
}

/* 1 when a `pdf sign|verify` argument is --server (the server's files). */
static int has_server(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--server") == 0)
			return 1;
	return 0;
}

int cmd_pdf(const struct cli *c, int argc, char **argv)
{
	struct pdf_job job = {PDF_OP_INFO, NULL, 0, 0};
	struct pdf_args a;
	struct buf out;
	char path[4096];
	int ex, rc;

	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return cmd_pdf_gen(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		return has_server(argc, argv) ? cmd_pdf_sign_server(c, argc - 1, argv + 1)
					      : cmd_pdf_sign(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return has_server(argc, argv) ? cmd_pdf_verify_server(c, argc - 1, argv + 1)
					      : cmd_pdf_verify(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "seal") == 0)
		return cmd_pdf_seal(c, argc - 1, argv + 1);
	if (argc < 2 || cli_wants_help(argc, argv) || strcmp(argv[1], "--help") == 0) {
		help_pdf();
		cli_help_pdfsig();
		cli_help_pdfsrv();
		cli_help_pdfgen();
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "info") == 0)
		job.op = PDF_OP_INFO;
	else if (strcmp(argv[1], "text") == 0)
		job.op = PDF_OP_TEXT;
	else if (strcmp(argv[1], "render") == 0)
		job.op = PDF_OP_RENDER;
	else
		return cli_usage_error(_("unknown subcommand 'pdf %s'"), argv[1]);
	if ((ex = pdf_parse(argc, argv, &a)) != CLI_EXIT_OK)
		return ex;
	job.path = a.file;
	job.page = a.page;
	job.width = a.width;
	buf_init(&out, (size_t)64 << 20);
	rc = pdf_sbx_run(&job, NULL, &out);
	if (rc < 0) {
		ex = cli_fail(rc);
	} else if (job.op == PDF_OP_RENDER) {
		if (!a.out) {
			snprintf(path, sizeof(path), "%.4000s-p%u-w%u.png", a.file, a.page,
				 a.width);
			a.out = path;
		}
		ex = emit(&out, a.out);
		if (ex == CLI_EXIT_OK)
			printf("%s\n", a.out);
	} else {
		ex = emit(&out, a.out);
	}
	buf_free(&out);
	return ex;
}
