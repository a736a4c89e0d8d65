/*
 * portal_verify.c: the signatures of a PDF a citizen uploads, checked by
 * signing/pdfverify.h in a forked child of the portal thread with limits
 * of CPU time, address space and no file to write, under a wall clock the
 * parent enforces; a crash or a bomb ends the child, not dinhd.  The child
 * runs no exec: pdfverify lives in the daemon already, the trust list is
 * made before the fork, and the child only parses, hashes, writes its
 * answer to a pipe and leaves with _exit (docs/portal.md says why not the
 * PDF helper).
 *
 * The answer, one line per signature then one summary line:
 *   S <valid> <intact> <trusted> <modified> <signer>\t<time>\n
 *   N <count> <all valid>\n
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/x509.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "server/portal_priv.h"
#include "signing/pdfverify.h"
#include "signing/trust.h"

#define VERIFY_CPU_S 10
#define VERIFY_MEM (768ull << 20)
#define VERIFY_WALL_MS 20000
#define VERIFY_OUT_MAX 65536

static void limit(int what, rlim_t v)
{
	struct rlimit r = {v, v};

	setrlimit(what, &r);
}

/* Text without tabs or line ends, for one field of a line. */
static void flat(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			*s = ' ';
}

/* In the child: verify, answer on @fd, leave. */
static void child(int fd, const uint8_t *data, size_t len, const struct trust *tl)
{
	struct pdfverify_report *r = NULL;
	struct buf b;
	int rc;

	limit(RLIMIT_CPU, VERIFY_CPU_S);
#ifndef __SANITIZE_ADDRESS__
	limit(RLIMIT_AS, VERIFY_MEM);
#endif
	limit(RLIMIT_FSIZE, 0);
	limit(RLIMIT_CORE, 0);
	buf_init(&b, VERIFY_OUT_MAX);
	rc = pdfverify_data(&r, data, len, tl);
	if (rc < 0) {
		buf_printf(&b, "E %s\n", err_name(rc));
	} else {
		for (size_t i = 0; i < r->n && i < PORTAL_SIGS_MAX; i++) {
			struct pdfverify_sig *s = &r->sig[i];
			char who[128], when[64];

			snprintf(who, sizeof(who), "%s", s->signer ? s->signer : "");
			snprintf(when, sizeof(when), "%s", s->m);
			flat(who);
			flat(when);
			buf_printf(&b, "S %d %d %d %d %s\t%s\n",
				   s->intact && s->trusted && s->coverage != PDFVERIFY_MODIFIED,
				   s->intact, s->trusted, s->coverage == PDFVERIFY_MODIFIED, who,
				   when);
		}
		buf_printf(&b, "N %zu %d\n", r->n, pdfverify_all_valid(r));
	}
	for (size_t off = 0; off < b.len;) {
		ssize_t n = write(fd, b.data + off, b.len - off);

		if (n <= 0)
			_exit(1);
		off += (size_t)n;
	}
	_exit(0);
}

/* Reads the child's answer until it closes the pipe or the wall clock. */
static int collect(int fd, pid_t pid, struct buf *out)
{
	struct timespec t0, t;
	char chunk[4096];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf = {fd, POLLIN, 0};
		long spent;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= VERIFY_WALL_MS) {
			kill(pid, SIGKILL);
			return err_set(E_TIMEOUT, "verification took too long");
		}
		if (poll(&pf, 1, (int)(VERIFY_WALL_MS - spent)) < 0 && errno != EINTR)
			return err_set(E_IO, "poll: %s", strerror(errno));
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			return E_OK;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return err_set(E_IO, "read: %s", strerror(errno));
		if (n > 0 && buf_append(out, chunk, (size_t)n) < 0) {
			kill(pid, SIGKILL);
			return err_set(E_TOOBIG, "verification answer too long");
		}
	}
}

static int parse(struct portal_verdict *v, const char *text)
{
	int all = 0;

	memset(v, 0, sizeof(*v));
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');

		if (l[0] == 'E')
			return err_set(E_INVAL, "not a PDF the verifier can read");
		if (l[0] == 'S' && v->n < PORTAL_SIGS_MAX) {
			struct portal_sig *s = &v->sig[v->n];
			int used = 0;

			if (sscanf(l, "S %d %d %d %d %n", &s->valid, &s->intact, &s->trusted,
				   &s->modified, &used) == 4 &&
			    used) {
				const char *who = l + used, *tab = strchr(who, '\t');

				if (tab && (!nl || tab < nl)) {
					snprintf(s->signer, sizeof(s->signer), "%.*s",
						 (int)(tab - who), who);
					snprintf(s->when, sizeof(s->when), "%.*s",
						 (int)((nl ? nl : tab + strlen(tab)) - tab - 1),
						 tab + 1);
				}
				v->n++;
			}
		} else if (l[0] == 'N') {
			size_t n = 0;

			if (sscanf(l, "N %zu %d", &n, &all) != 2)
				return err_set(E_INVAL, "bad verification answer");
			v->all_valid = all == 1;
			return E_OK;
		}
		l = nl ? nl + 1 : NULL;
	}
	return err_set(E_INVAL, "the verifier ended without an answer (a broken file?)");
}

int portal_verify(struct portal_verdict *out, const uint8_t *data, size_t len, const char *ca_pem,
		  const char *crl_pem)
{
	struct trust *tl = NULL;
	struct buf b;
	int p[2] = {-1, -1}, status = 0, rc;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	buf_init(&b, VERIFY_OUT_MAX);
	if (trust_new(&tl) < 0 || trust_add_roots_path(tl, ca_pem) < 0 ||
	    (fs_exists(crl_pem) && trust_add_crls_path(tl, crl_pem) < 0)) {
		rc = err_set(E_CRYPTO, "the commune CA cannot be read");
		goto out;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		rc = err_set(E_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(p[1], data, len, tl);
	}
	close(p[1]);
	p[1] = -1;
	if (pid < 0) {
		rc = err_set(E_IO, "fork: %s", strerror(errno));
		goto out;
	}
	rc = collect(p[0], pid, &b);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == E_OK && (WIFSIGNALED(status) || WEXITSTATUS(status) != 0))
		rc = err_set(WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU ? E_TIMEOUT
										: E_INVAL,
			     "the verifier stopped (status 0x%x)", status);
	if (rc == E_OK)
		rc = parse(out, b.data ? (const char *)b.data : "");
out:
	if (p[0] >= 0)
		close(p[0]);
	trust_free(tl);
	buf_free(&b);
	return rc;
}
