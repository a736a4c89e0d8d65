/*
 * helper.c: dinh-pdf-helper, the process untrusted PDFs are read in
 * (sandbox.h).  It is started by pdf_sbx_start() with its limits already
 * set, takes one job from its arguments, and answers on standard output:
 *
 *   dinh-pdf-helper info   FILE      "OK\n" pages=N version=V revisions=N
 *                                    [title=T] [producer=P], one per line
 *   dinh-pdf-helper text   FILE      "OK\n" the text, pages split by \f
 *   dinh-pdf-helper render FILE P W  "OK\n" page P as PNG, W pixels wide
 *
 * or "ERR <E_NAME> <reason>\n" and exit status 1.  It writes no file and
 * asks for no privilege (PR_SET_NO_NEW_PRIVS); it is not meant to be run
 * by hand, though it can be, for debugging.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "pdf/pdf.h"

#define HELPER_OUT_MAX ((size_t)64 << 20)

/* Ends the process with @status once the answer is out.  _exit, not
 * exit: a one-shot process leaves poppler's and fontconfig's caches to the
 * kernel (a leak checker would only report those libraries' caches). */
static int quit(int status)
{
	if (fflush(stdout) != 0)
		status = 1;
	_exit(status);
}

static int fail(int rc)
{
	printf("ERR %s %s\n", err_name(rc), err_detail());
	return quit(1);
}

/* Writes @s (valid UTF-8) as a "key=value" line, control characters turned
 * into spaces so that the value stays on its line and off the terminal. */
static int kv(struct buf *out, const char *key, const char *s)
{
	int rc = buf_printf(out, "%s=", key);

	for (const char *p = s; rc == E_OK && *p; p++)
		rc = buf_append(out, (unsigned char)*p < 0x20 || *p == 0x7f ? " " : p, 1);
	return rc == E_OK ? buf_append(out, "\n", 1) : rc;
}

static int do_info(const uint8_t *data, size_t len, struct buf *out)
{
	struct pdf_info info;
	int rc = pdf_info_read(&info, data, len);

	if (rc < 0)
		return rc;
	rc = buf_printf(out, "pages=%u\nversion=%s\nrevisions=%u\nsize=%zu\n", info.pages,
			info.version, info.revisions, len);
	if (rc == E_OK && info.title)
		rc = kv(out, "title", info.title);
	if (rc == E_OK && info.producer)
		rc = kv(out, "producer", info.producer);
	pdf_info_clear(&info);
	return rc;
}

static int parse_u(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s ? s : "", &end, 10);

	if (!s || !*s || *end || v > 1000000)
		return err_set(E_INVAL, "not a number: %.16s", s ? s : "");
	*out = (unsigned)v;
	return E_OK;
}

int main(int argc, char **argv)
{
	struct buf out;
	char *data = NULL;
	size_t len = 0;
	unsigned page = 0, width = 0;
	int rc;

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (argc < 3)
		return fail(err_set(E_INVAL, "usage: dinh-pdf-helper info|text|render FILE [P W]"));
	buf_init(&out, HELPER_OUT_MAX);
	rc = fs_read_file(argv[2], PDF_SIZE_MAX, &data, &len);
	if (rc == E_TOOBIG)
		rc = err_set(E_TOOBIG, "the PDF is over %u MB", PDF_SIZE_MAX >> 20);
	if (rc < 0)
		return fail(rc);
	if (strcmp(argv[1], "info") == 0)
		rc = do_info((const uint8_t *)data, len, &out);
	else if (strcmp(argv[1], "text") == 0)
		rc = pdf_text((const uint8_t *)data, len, &out);
	else if (strcmp(argv[1], "render") == 0 && argc == 5 &&
		 (rc = parse_u(argv[3], &page)) == E_OK && (rc = parse_u(argv[4], &width)) == E_OK)
		rc = pdf_render_png((const uint8_t *)data, len, page, width, &out);
	else if (rc == E_OK)
		rc = err_set(E_INVAL, "unknown operation %.16s", argv[1]);
	free(data);
	if (rc < 0) {
		buf_free(&out);
		return fail(rc);
	}
	fputs("OK\n", stdout);
	if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		return quit(1);
	buf_free(&out);
	return quit(0);
}
