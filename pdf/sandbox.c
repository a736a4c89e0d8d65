/*
 * sandbox.c: runs dinh-pdf-helper (pdf/helper.c) for one job under the
 * limits of sandbox.h and turns how it ended into an error code.  The
 * limits are set between fork() and exec() with async-signal-safe calls
 * only, so this is safe in a threaded program (dinhd has a writer thread).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "pdf/sandbox.h"

#define SBX_DEFAULT_CPU_S 10
#define SBX_DEFAULT_MEM ((size_t)1 << 30)
#define SBX_DEFAULT_WALL_MS 20000
#define SBX_DEFAULT_OUT ((size_t)64 << 20)
#define SBX_HEAD_MAX 512 /* bytes of the "OK" / "ERR ..." line */

static const char *const op_names[] = {"info", "text", "render"};

struct pdf_sbx {
	pid_t pid;
	int fd;
	int killed;
	int done;
	int rc;
	struct pdf_limits lim;
	struct buf out;
	size_t body; /* offset of the result after "OK\n" */
};

static int exists_exec(const char *p)
{
	return access(p, X_OK) == 0;
}

const char *pdf_sbx_helper(void)
{
	static char path[PATH_MAX + 32];
	char self[PATH_MAX];
	const char *env = getenv("DINH_PDF_HELPER");
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/dinh-pdf-helper", self);
			if (exists_exec(path))
				return path;
			snprintf(path, sizeof(path), "%s/../pdf/dinh-pdf-helper", self);
			if (exists_exec(path))
				return path;
		}
	}
	return PKGLIBEXECDIR "/dinh-pdf-helper";
}

static void limit(int what, rlim_t soft, rlim_t hard)
{
	struct rlimit r = {soft, hard};

	setrlimit(what, &r);
}

/* In the child, before exec: only async-signal-safe calls. */
static void child(const char *helper, char *const argv[], int wfd, const struct pdf_limits *lim)
{
	static const char fail[] = "ERR E_IO the PDF reader could not be started\n";
	int null = open("/dev/null", O_RDWR);

	limit(RLIMIT_CPU, lim->cpu_s, lim->cpu_s + 1);
#ifndef __SANITIZE_ADDRESS__
	/* AddressSanitizer reserves terabytes of address space: a build with it
	 * cannot have this limit (its tests run without). */
	limit(RLIMIT_AS, lim->mem_bytes, lim->mem_bytes);
#endif
	limit(RLIMIT_FSIZE, 0, 0); /* it writes no file */
	limit(RLIMIT_CORE, 0, 0);
	limit(RLIMIT_NOFILE, 32, 32);
	if (null < 0 || dup2(null, 0) < 0 || dup2(wfd, 1) < 0 || dup2(null, 2) < 0)
		_exit(126);
	if (close_range(3, ~0u, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	execv(helper, argv);
	if (write(1, fail, sizeof(fail) - 1) < 0)
		_exit(127);
	_exit(127);
}

int pdf_sbx_start(struct pdf_sbx **out, const struct pdf_job *job, const struct pdf_limits *lim)
{
	struct pdf_sbx *s = calloc(1, sizeof(*s));
	char page[16], width[16];
	char *argv[6];
	int p[2];

	*out = NULL;
	if (!s)
		return err_set(E_NOMEM, "sandbox");
	if ((unsigned)job->op > PDF_OP_RENDER || !job->path) {
		free(s);
		return err_set(E_INVAL, "no such PDF operation");
	}
	if (lim)
		s->lim = *lim;
	s->lim.cpu_s = s->lim.cpu_s ? s->lim.cpu_s : SBX_DEFAULT_CPU_S;
	s->lim.mem_bytes = s->lim.mem_bytes ? s->lim.mem_bytes : SBX_DEFAULT_MEM;
	s->lim.wall_ms = s->lim.wall_ms ? s->lim.wall_ms : SBX_DEFAULT_WALL_MS;
	s->lim.out_max = s->lim.out_max ? s->lim.out_max : SBX_DEFAULT_OUT;
	buf_init(&s->out, s->lim.out_max + SBX_HEAD_MAX);
	snprintf(page, sizeof(page), "%u", job->page);
	snprintf(width, sizeof(width), "%u", job->width);
	argv[0] = (char *)"dinh-pdf-helper";
	argv[1] = (char *)op_names[job->op];
	argv[2] = (char *)job->path;
	argv[3] = page;
	argv[4] = width;
	argv[5] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(s);
		return err_set(E_IO, "pipe: %s", strerror(errno));
	}
	s->pid = fork();
	if (s->pid == 0)
		child(pdf_sbx_helper(), argv, p[1], &s->lim);
	close(p[1]);
	if (s->pid < 0) {
		close(p[0]);
		free(s);
		return err_set(E_IO, "fork: %s", strerror(errno));
	}
	s->fd = p[0];
	fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
	*out = s;
	return E_OK;
}

int pdf_sbx_fd(const struct pdf_sbx *s)
{
	return s->fd;
}

void pdf_sbx_kill(struct pdf_sbx *s)
{
	if (!s->done && s->pid > 0) {
		kill(s->pid, SIGKILL);
		s->killed = 1;
	}
}

/* What the helper's end means, once its pipe is closed and it is reaped. */
static int sbx_verdict(struct pdf_sbx *s, int status)
{
	const char *head = (const char *)s->out.data;
	char name[32] = "";
	int sig;

	if (s->killed)
		return err_set(E_TIMEOUT, "reading the PDF took longer than %u ms", s->lim.wall_ms);
	if (WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		if (sig == SIGXCPU || sig == SIGKILL)
			return err_set(E_TIMEOUT, "reading the PDF used more than %u s of CPU",
				       s->lim.cpu_s);
		return err_set(E_INVAL,
			       "the PDF crashed the reader (signal %d: a broken file or more "
			       "than %zu MB of memory)",
			       sig, s->lim.mem_bytes >> 20);
	}
	if (s->out.len >= 3 && memcmp(head, "OK\n", 3) == 0 && WEXITSTATUS(status) == 0) {
		s->body = 3;
		return E_OK;
	}
	if (s->out.len > 4 && memcmp(head, "ERR ", 4) == 0) {
		const char *name_at = head + 4;
		const char *end = head + (s->out.len > SBX_HEAD_MAX ? SBX_HEAD_MAX : s->out.len);
		const char *nl = memchr(name_at, '\n', (size_t)(end - name_at));
		const char *sp;
		int code;

		nl = nl ? nl : end;
		sp = memchr(name_at, ' ', (size_t)(nl - name_at));
		sp = sp ? sp : nl;
		snprintf(name, sizeof(name), "%.*s", (int)(sp - name_at), name_at);
		code = err_from_name(name);
		if (code == E_UNKNOWN || code == E_OK)
			code = E_INVAL;
		return err_set(code, "%.*s", sp < nl ? (int)(nl - sp - 1) : 0,
			       sp < nl ? sp + 1 : "");
	}
	return err_set(E_INVAL, "the PDF reader ended without an answer (status %d)",
		       WEXITSTATUS(status));
}

int pdf_sbx_pump(struct pdf_sbx *s, const uint8_t **result, size_t *len)
{
	for (;;) {
		uint8_t *p;
		ssize_t n;
		int status = 0;

		if (s->done)
			break;
		p = buf_reserve(&s->out, 65536);
		if (!p) {
			pdf_sbx_kill(s);
			s->killed = 0;
			s->done = 1;
			s->rc = err_set(E_TOOBIG, "the result is over %zu bytes", s->lim.out_max);
			break;
		}
		n = read(s->fd, p, 65536);
		if (n > 0) {
			buf_commit(&s->out, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return E_AGAIN;
		/* EOF (or a read error): the helper is gone or going. */
		while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
			;
		s->pid = -1;
		s->done = 1;
		s->rc = sbx_verdict(s, status);
	}
	if (s->rc == E_OK) {
		if (result)
			*result = s->out.data + s->body;
		if (len)
			*len = s->out.len - s->body;
	}
	return s->rc;
}

void pdf_sbx_free(struct pdf_sbx *s)
{
	if (!s)
		return;
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (s->fd >= 0)
		close(s->fd);
	buf_free(&s->out);
	free(s);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pdf_sbx_run(const struct pdf_job *job, const struct pdf_limits *lim, struct buf *out)
{
	struct pdf_sbx *s = NULL;
	const uint8_t *res;
	size_t len;
	long long deadline;
	int rc = pdf_sbx_start(&s, job, lim);

	if (rc < 0)
		return rc;
	deadline = now_ms() + s->lim.wall_ms;
	while ((rc = pdf_sbx_pump(s, &res, &len)) == E_AGAIN) {
		struct pollfd p = {s->fd, POLLIN, 0};
		long long left = deadline - now_ms();

		if (left <= 0) {
			pdf_sbx_kill(s);
			continue;
		}
		poll(&p, 1, left > 1000 ? 1000 : (int)left);
	}
	if (rc == E_OK)
		rc = buf_append(out, res, len);
	pdf_sbx_free(s);
	return rc;
}
