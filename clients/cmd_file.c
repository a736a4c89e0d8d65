/*
 * cmd_file.c: `dinh file put` and `dinh file get`: resumable transfers of
 * files named by their SHA-256, in chunks of PROTO_CHUNK_DATA_MAX bytes,
 * verified end to end, with a progress bar on a terminal.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "common/err.h"
#include "common/i18n.h"

#define HASH_BUF (1024 * 1024)

struct progress {
	int on; /* stderr is a terminal */
	uint64_t total, start_at;
	double t0, last;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_init(struct progress *p, uint64_t total, uint64_t start_at)
{
	p->on = isatty(STDERR_FILENO);
	p->total = total;
	p->start_at = start_at;
	p->t0 = now_s();
	p->last = 0;
}

static void progress_show(struct progress *p, uint64_t done, int final)
{
	double t = now_s(), secs = t - p->t0, mb = 1024.0 * 1024.0;
	unsigned pct = p->total ? (unsigned)(done * 100 / p->total) : 100;

	if (!p->on || (!final && t - p->last < 0.1))
		return;
	p->last = t;
	fputc('\r', stderr);
	fprintf(stderr, _("%3u%%  %.1f / %.1f MB  %.1f MB/s "), pct, (double)done / mb,
		(double)p->total / mb, secs > 0 ? (double)(done - p->start_at) / mb / secs : 0.0);
	if (final)
		fputc('\n', stderr);
}

/* SHA-256 of the whole of @fd from offset 0. */
static int hash_fd(uint8_t sha[32], int fd, const char *path)
{
	gnutls_hash_hd_t h = NULL;
	uint8_t *b = malloc(HASH_BUF);
	ssize_t n;
	off_t off = 0;
	int rc = E_OK;

	if (!b)
		return err_set(E_NOMEM, "hash buffer");
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		rc = err_set(E_CRYPTO, "SHA-256 unavailable");
		goto out;
	}
	while ((n = pread(fd, b, HASH_BUF, off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(E_IO, "cannot read %s: %s", path, strerror(errno));
			break;
		}
		gnutls_hash(h, b, (size_t)n);
		off += n;
	}
	gnutls_hash_deinit(h, rc == E_OK ? sha : NULL);
	if (rc < 0)
		memset(sha, 0, 32);
out:
	free(b);
	return rc;
}

/* Sends bytes [have, size) of @fd as chunks of request @id. */
static int send_chunks(struct client *cl, uint32_t id, const uint8_t sha[32], int fd,
		       const char *path, uint64_t have, uint64_t size)
{
	uint8_t *b = malloc(PROTO_CHUNK_DATA_MAX);
	struct progress pg;
	uint64_t off = have;
	ssize_t n;
	int rc = E_OK;

	if (!b)
		return err_set(E_NOMEM, "chunk buffer");
	progress_init(&pg, size, have);
	if (size == 0) /* nothing to send but the end: one empty chunk */
		rc = client_send_chunk(cl, id, sha, 0, b, 0);
	while (rc == E_OK && off < size) {
		size_t want = size - off < PROTO_CHUNK_DATA_MAX ? (size_t)(size - off)
								: PROTO_CHUNK_DATA_MAX;

		n = pread(fd, b, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = err_set(E_IO, "cannot read %s: %s", path,
				     n == 0 ? "file shrank" : strerror(errno));
			break;
		}
		rc = client_send_chunk(cl, id, sha, off, b, (uint32_t)n);
		off += (uint64_t)n;
		progress_show(&pg, off, off == size);
	}
	free(b);
	return rc;
}

/* file.put: announce, resume from `have`, send, wait for "stored". */
static int put_file(struct client *cl, const char *path, int fd, uint64_t size,
		    const uint8_t sha[32], const char *hex)
{
	struct proto_node *req = proto_node_new("req"), *resp = NULL;
	const char *status;
	uint64_t have = 0;
	uint32_t id;
	int rc;

	if (!req || proto_node_set(req, "op", "file.put") < 0 ||
	    proto_node_set(req, "sha256", hex) < 0 || proto_node_set_u64(req, "size", size) < 0) {
		rc = err_set(E_NOMEM, "request");
		goto out;
	}
	rc = client_send_req(cl, req, &id);
	if (rc == E_OK)
		rc = client_wait_resp(cl, id, &resp);
	if (rc < 0)
		goto out;
	status = proto_attr(resp, "status");
	if (status && strcmp(status, "complete") == 0)
		goto out;
	if (proto_attr_u64(resp, "have", &have) < 0 || have > size) {
		rc = err_set(E_PROTO, "bad 'have' in the file.put reply");
		goto out;
	}
	rc = send_chunks(cl, id, sha, fd, path, have, size);
	proto_node_free(resp);
	resp = NULL;
	if (rc == E_OK)
		rc = client_wait_resp(cl, id, &resp);
	if (rc == E_OK && (!(status = proto_attr(resp, "status")) || strcmp(status, "stored") != 0))
		rc = err_set(E_PROTO, "the server did not confirm the upload");
out:
	proto_node_free(req);
	proto_node_free(resp);
	return rc;
}

int cli_upload(struct client *cl, const char *path, char hex[65])
{
	struct stat st;
	uint8_t sha[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = err_set(E_IO, "cannot read %s: %s", path,
			     fd < 0 ? strerror(errno) : "not a regular file");
		goto out;
	}
	if ((rc = hash_fd(sha, fd, path)) == E_OK) {
		proto_hex(hex, sha);
		rc = put_file(cl, path, fd, (uint64_t)st.st_size, sha, hex);
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

static int do_put(const struct cli *c, int argc, char **argv)
{
	struct client *cl = NULL;
	struct stat st;
	uint8_t sha[32];
	char hex[65];
	int fd = -1, ex = CLI_EXIT_OK, rc;

	if (cli_wants_help(argc, argv)) {
		printf(_(
			"Usage: dinh file put PATH\n"
			"Uploads PATH to the server's file store and prints its SHA-256, the name\n"
			"the file is known by.  An interrupted upload resumes where it "
			"stopped.\n"));
		return CLI_EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error(_("'file put' takes exactly one PATH"));
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ex = cli_fail(err_set(E_IO, "cannot read %s: %s", argv[1],
				      fd < 0 ? strerror(errno) : "not a regular file"));
		goto out;
	}
	rc = hash_fd(sha, fd, argv[1]);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	proto_hex(hex, sha);
	ex = cli_connect(&cl, c);
	if (ex != CLI_EXIT_OK)
		goto out;
	rc = put_file(cl, argv[1], fd, (uint64_t)st.st_size, sha, hex);
	if (rc < 0) {
		ex = cli_fail(rc);
		goto out;
	}
	printf("%s\n", hex);
out:
	if (fd >= 0)
		close(fd);
	client_close(cl);
	return ex;
}

/* Receives chunks of @id into @fd from @off to @size. */
static int recv_chunks(struct client *cl, uint32_t id, const uint8_t sha[32], int fd,
		       const char *part, uint64_t off, uint64_t size)
{
	struct proto_chunk ch;
	struct progress pg;
	ssize_t n;
	size_t done;
	int rc = E_OK;

	progress_init(&pg, size, off);
	while (off < size) {
		rc = client_recv_chunk(cl, id, &ch);
		if (rc < 0)
			return rc;
		if (memcmp(ch.sha256, sha, 32) != 0 || ch.offset != off || ch.len > size - off)
			return err_set(E_PROTO, "unexpected chunk at offset %" PRIu64, ch.offset);
		for (done = 0; done < ch.len; done += (size_t)n) {
			n = write(fd, ch.data + done, ch.len - done);
			if (n < 0 && errno == EINTR)
				n = 0;
			else if (n < 0)
				return err_set(E_IO, "cannot write %s: %s", part, strerror(errno));
		}
		off += ch.len;
		progress_show(&pg, off, off == size);
	}
	if (fsync(fd) < 0)
		rc = err_set(E_IO, "cannot write %s: %s", part, strerror(errno));
	return rc;
}

/* Asks for @hex from @offset; *size gets the whole size. */
static int get_request(struct client *cl, const char *hex, uint64_t offset, uint32_t chunk,
		       uint32_t *id, uint64_t *size)
{
	struct proto_node *req = proto_node_new("req"), *resp = NULL;
	int rc;

	if (!req || proto_node_set(req, "op", "file.get") < 0 ||
	    proto_node_set(req, "sha256", hex) < 0 ||
	    proto_node_set_u64(req, "offset", offset) < 0 ||
	    (chunk && proto_node_set_u64(req, "chunk", chunk) < 0))
		rc = err_set(E_NOMEM, "request");
	else
		rc = client_send_req(cl, req, id);
	if (rc == E_OK)
		rc = client_wait_resp(cl, *id, &resp);
	if (rc == E_OK && proto_attr_u64(resp, "size", size) < 0)
		rc = err_set(E_PROTO, "no size in the file.get reply");
	proto_node_free(req);
	proto_node_free(resp);
	return rc;
}

/* Downloads into @part (resuming), verifies and renames to @outp. */
static int get_file(struct client *cl, const uint8_t sha[32], const char *hex, const char *outp,
		    const char *part, uint32_t chunk)
{
	struct stat st;
	uint8_t got[32];
	uint64_t size = 0, off;
	uint32_t id;
	int fd, rc;

	fd = open(part, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = err_set(E_IO, "cannot open %s: %s", part, strerror(errno));
		goto out;
	}
	off = (uint64_t)st.st_size;
	rc = get_request(cl, hex, off, chunk, &id, &size);
	if (rc == E_OK && off > size)
		rc = err_set(E_HASH, "%s is larger than the file on the server", part);
	if (rc == E_OK)
		rc = recv_chunks(cl, id, sha, fd, part, off, size);
	if (rc == E_OK)
		rc = hash_fd(got, fd, part);
	if (rc == E_OK && memcmp(got, sha, 32) != 0)
		rc = err_set(E_HASH, "the downloaded content does not match %s", hex);
	/* a mismatch discards the data; a failure before any data leaves no .part */
	if (rc == E_HASH || (rc < 0 && fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0))
		unlink(part);
	if (rc == E_OK && rename(part, outp) < 0)
		rc = err_set(E_IO, "cannot rename %s to %s: %s", part, outp, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int cli_download_chunked(struct client *cl, const char *hex, const char *outp, uint32_t chunk)
{
	uint8_t sha[32];
	char *part = NULL;
	int rc;

	if (strlen(hex) != 64 || proto_unhex(sha, hex) < 0)
		return err_set(E_PROTO, "the server named no file");
	if (asprintf(&part, "%s.part", outp) < 0)
		return err_set(E_NOMEM, "path");
	rc = get_file(cl, sha, hex, outp, part, chunk);
	free(part);
	return rc;
}

int cli_download(struct client *cl, const char *hex, const char *outp)
{
	return cli_download_chunked(cl, hex, outp, 0);
}

static int do_get(const struct cli *c, int argc, char **argv)
{
	struct client *cl = NULL;
	const char *outp = NULL, *arg = NULL;
	char *part = NULL;
	uint8_t sha[32];
	char hex[65];
	int ex = CLI_EXIT_OK, rc, i;

	if (cli_wants_help(argc, argv)) {
		printf(_("Usage: dinh file get SHA256 [-o OUT]\n"
			 "Downloads the file named SHA256 to OUT (default: SHA256 in the current\n"
			 "directory).  Data arrives in OUT.part, which a later run resumes; the\n"
			 "whole file is checked against SHA256 before it is renamed to OUT.\n"));
		return CLI_EXIT_OK;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--out") == 0) {
			if (++i >= argc)
				return cli_usage_error(_("option '%s' needs an argument"),
						       argv[i - 1]);
			outp = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error(_("unknown option '%s'"), argv[i]);
		} else if (arg) {
			return cli_usage_error(_("'file get' takes exactly one SHA256"));
		} else {
			arg = argv[i];
		}
	}
	if (!arg)
		return cli_usage_error(_("'file get' takes exactly one SHA256"));
	if (strlen(arg) != 64 || proto_unhex(sha, arg) < 0)
		return cli_usage_error(_("'%s' is not a SHA-256 (64 hex digits)"), arg);
	proto_hex(hex, sha);
	if (!outp)
		outp = hex;
	if (asprintf(&part, "%s.part", outp) < 0)
		return cli_fail(err_set(E_NOMEM, "path"));
	ex = cli_connect(&cl, c);
	if (ex == CLI_EXIT_OK) {
		rc = get_file(cl, sha, hex, outp, part, 0);
		if (rc < 0)
			ex = cli_fail(rc);
		else
			printf("%s\n", outp);
	}
	free(part);
	client_close(cl);
	return ex;
}

int cmd_file(const struct cli *c, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		if (argc >= 2) {
			char *h[] = {argv[0], argv[1]};

			do_put(c, 2, h);
			putchar('\n');
			do_get(c, 2, h);
			return CLI_EXIT_OK;
		}
		return cli_usage_error(_("'file' needs a subcommand: put or get"));
	}
	if (strcmp(argv[1], "put") == 0)
		return do_put(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "get") == 0)
		return do_get(c, argc - 1, argv + 1);
	return cli_usage_error(_("unknown subcommand '%s %s'"), "file", argv[1]);
}
