/*
 * harness.c: runs dinhd in a scratch data directory for the integration
 * tests and talks to it as a raw GnuTLS client that can misbehave at will.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ident.h"
#include "tests/integration/harness.h"

#define HX_MAX_DIRS 32
#define HX_MAX_DAEMONS 32
#define HX_LOG_MAX (16u << 20)
#define HX_PASS_MAX 256

static char *scratch_dirs[HX_MAX_DIRS];
static pid_t daemons[HX_MAX_DAEMONS];
static int cleanup_registered;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

void hx_cleanup(void)
{
	for (size_t i = 0; i < HX_MAX_DAEMONS; i++) {
		if (daemons[i] > 0) {
			kill(daemons[i], SIGKILL);
			waitpid(daemons[i], NULL, 0);
			daemons[i] = 0;
		}
	}
	for (size_t i = 0; i < HX_MAX_DIRS; i++) {
		if (scratch_dirs[i]) {
			nftw(scratch_dirs[i], rm_one, 16, FTW_DEPTH | FTW_PHYS);
			free(scratch_dirs[i]);
			scratch_dirs[i] = NULL;
		}
	}
}

void hx_init(void)
{
	if (!cleanup_registered) {
		atexit(hx_cleanup);
		signal(SIGPIPE, SIG_IGN);
		cleanup_registered = 1;
	}
}

static char run_root[64];

int hx_run_begin(void)
{
	snprintf(run_root, sizeof(run_root), "/tmp/dinh-it-XXXXXX");
	if (!mkdtemp(run_root)) {
		run_root[0] = '\0';
		return err_set(E_IO, "mkdtemp: %s", strerror(errno));
	}
	setenv("DINH_IT_ROOT", run_root, 1);
	return E_OK;
}

void hx_run_end(void)
{
	hx_cleanup();
	if (run_root[0])
		nftw(run_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	run_root[0] = '\0';
	unsetenv("DINH_IT_ROOT");
}

int hx_mkdtemp(char **out)
{
	const char *root = getenv("DINH_IT_ROOT");
	char tmpl[4096];

	*out = NULL;
	hx_init();
	snprintf(tmpl, sizeof(tmpl), "%s/dinh-it-XXXXXX", root && *root ? root : "/tmp");
	if (!mkdtemp(tmpl))
		return err_set(E_IO, "mkdtemp: %s", strerror(errno));
	for (size_t i = 0; i < HX_MAX_DIRS; i++) {
		if (!scratch_dirs[i]) {
			scratch_dirs[i] = strdup(tmpl);
			*out = strdup(tmpl);
			if (!scratch_dirs[i] || !*out)
				return err_set(E_NOMEM, "mkdtemp");
			return E_OK;
		}
	}
	return err_set(E_TOOBIG, "too many scratch directories");
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

char *hx_slurp(const char *dir, const char *name, size_t *len)
{
	char *path = fs_join(dir, name);
	char *data = NULL;
	size_t n = 0;

	if (path && fs_read_file(path, HX_LOG_MAX, &data, &n) < 0)
		data = NULL;
	free(path);
	if (len)
		*len = data ? n : 0;
	return data;
}

int hx_write_file(const char *dir, const char *name, const char *text)
{
	char *path = fs_join(dir, name);
	FILE *f = path ? fopen(path, "w") : NULL;
	int rc = E_OK;

	if (!f)
		rc = err_set(E_IO, "cannot write %s", name);
	else if (fputs(text, f) < 0 || fclose(f) != 0)
		rc = err_set(E_IO, "cannot write %s", name);
	free(path);
	return rc;
}

/* The first port of DIR/dinhd.addr once it holds a complete line, else 0. */
static uint16_t addr_port(const char *dir)
{
	char *text = hx_slurp(dir, "dinhd.addr", NULL);
	char *nl, *colon, *end;
	unsigned long port;

	if (!text)
		return 0;
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	colon = strrchr(text, ':');
	port = 0;
	if (nl && colon) {
		errno = 0;
		port = strtoul(colon + 1, &end, 10);
		if (errno || *end || port == 0 || port > 65535)
			port = 0;
	}
	free(text);
	return (uint16_t)port;
}

static void track_daemon(pid_t pid, int add)
{
	for (size_t i = 0; i < HX_MAX_DAEMONS; i++) {
		if (add && daemons[i] == 0) {
			daemons[i] = pid;
			return;
		}
		if (!add && daemons[i] == pid) {
			daemons[i] = 0;
			return;
		}
	}
}

/* The child side of hx_daemon_start: never returns. */
static void exec_daemon(pid_t parent, const char *dinhd, const char *dir, const char *log_path,
			const char *const *extra)
{
	const char *argv[32];
	size_t n = 0;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125); /* the test died before prctl() took effect */
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		_exit(126);
	dup2(fd, STDERR_FILENO);
	dup2(fd, STDOUT_FILENO);
	argv[n++] = dinhd;
	argv[n++] = "-d";
	argv[n++] = "--data-dir";
	argv[n++] = dir;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	for (size_t i = 0; extra && extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	signal(SIGPIPE, SIG_DFL);
	execv(dinhd, (char *const *)argv);
	fprintf(stderr, "exec %s: %s\n", dinhd, strerror(errno));
	_exit(127);
}

static int wait_started(struct hx_daemon *d)
{
	long deadline = now_ms() + HX_START_TIMEOUT_MS;
	int status;

	while (now_ms() < deadline) {
		d->port = addr_port(d->dir);
		if (d->port)
			return E_OK;
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			track_daemon(d->pid, 0);
			d->pid = -1;
			return err_set(E_IO, "dinhd exited during start (status 0x%x)", status);
		}
		usleep(20000);
	}
	return err_set(E_TIMEOUT, "dinhd.addr did not appear within %d ms", HX_START_TIMEOUT_MS);
}

int hx_daemon_start(struct hx_daemon **out, const char *dir, const char *const *extra)
{
	const char *top = getenv("top_builddir");
	struct hx_daemon *d = calloc(1, sizeof(*d));
	char dinhd[4096];
	char *addr = NULL;
	pid_t parent;
	int rc;

	*out = NULL;
	hx_init();
	if (!d)
		return err_set(E_NOMEM, "daemon");
	d->pid = -1;
	snprintf(dinhd, sizeof(dinhd), "%s/server/dinhd", top ? top : ".");
	d->dir = strdup(dir);
	d->log_path = fs_join(dir, "dinhd.log");
	addr = fs_join(dir, "dinhd.addr");
	if (!d->dir || !d->log_path || !addr) {
		rc = err_set(E_NOMEM, "daemon");
		goto fail;
	}
	unlink(addr); /* a stale one from an earlier start must not count */
	parent = getpid();
	d->pid = fork();
	if (d->pid < 0) {
		rc = err_set(E_IO, "fork: %s", strerror(errno));
		goto fail;
	}
	if (d->pid == 0)
		exec_daemon(parent, dinhd, dir, d->log_path, extra);
	track_daemon(d->pid, 1);
	rc = wait_started(d);
	if (rc < 0)
		goto fail;
	free(addr);
	*out = d;
	return E_OK;
fail:
	free(addr);
	if (d->pid > 0) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, 0);
		track_daemon(d->pid, 0);
	}
	free(d->dir);
	free(d->log_path);
	free(d);
	return rc;
}

int hx_daemon_signal(struct hx_daemon *d, int sig)
{
	if (d->pid <= 0 || kill(d->pid, sig) < 0)
		return err_set(E_IO, "kill: %s", strerror(errno));
	return E_OK;
}

int hx_daemon_stop(struct hx_daemon *d, int *status)
{
	if (d && d->pid > 0)
		kill(d->pid, SIGTERM);
	return hx_daemon_wait(d, status);
}

int hx_daemon_wait(struct hx_daemon *d, int *status)
{
	long deadline = now_ms() + HX_STOP_TIMEOUT_MS;
	int rc = E_OK, st = 0;

	*status = -1;
	if (!d)
		return err_set(E_INVAL, "no daemon");
	if (d->pid > 0) {
		for (;;) {
			pid_t p = waitpid(d->pid, &st, WNOHANG);

			if (p == d->pid) {
				*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				break;
			}
			if (now_ms() > deadline) {
				kill(d->pid, SIGKILL);
				waitpid(d->pid, NULL, 0);
				rc = err_set(E_TIMEOUT, "dinhd did not exit after SIGTERM");
				break;
			}
			usleep(20000);
		}
		track_daemon(d->pid, 0);
	}
	free(d->dir);
	free(d->log_path);
	free(d);
	return rc;
}

char *hx_log_read(const struct hx_daemon *d)
{
	char *text = NULL;
	size_t n;

	if (fs_read_file(d->log_path, HX_LOG_MAX, &text, &n) < 0)
		text = strdup("");
	return text;
}

size_t hx_count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	if (!hay || len == 0)
		return 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
		n++;
	return n;
}

/* 1 if one line of @text holds every needle of @needles. */
static int line_match(char *text, const char **needles, size_t n)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t i;

		for (i = 0; i < n && strstr(line, needles[i]); i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

int hx_log_wait(const struct hx_daemon *d, int ms, ...)
{
	const char *needles[16];
	size_t n = 0;
	long deadline = now_ms() + ms;
	va_list ap;

	va_start(ap, ms);
	for (const char *s = va_arg(ap, const char *); s && n < 16; s = va_arg(ap, const char *))
		needles[n++] = s;
	va_end(ap);
	for (;;) {
		char *text = hx_log_read(d);
		int found = text && line_match(text, needles, n);

		free(text);
		if (found)
			return 1;
		if (now_ms() > deadline)
			return 0;
		usleep(50000);
	}
}

void hx_ident_clear(struct hx_ident *id)
{
	ident_free_secret(id->key_pem);
	free(id->cert_pem);
	id->key_pem = NULL;
	id->cert_pem = NULL;
}

int hx_ident_admin(struct hx_ident *out, const char *dir)
{
	char *pass = hx_slurp(dir, "admin/admin.pass", NULL);
	char *p12 = fs_join(dir, "admin/admin.p12");
	int rc;

	out->key_pem = NULL;
	out->cert_pem = NULL;
	if (!pass || !p12) {
		rc = err_set(E_NOTFOUND, "admin/admin.pass or admin.p12 missing");
		goto out;
	}
	pass[strcspn(pass, "\r\n")] = '\0';
	rc = ident_p12_read(p12, pass, &out->key_pem, &out->cert_pem);
out:
	ident_free_secret(pass);
	free(p12);
	return rc;
}

static char last_peer[64];

const char *hx_last_peer(void)
{
	return last_peer;
}

int hx_fd_wait_closed(int fd, int ms)
{
	long deadline = now_ms() + ms;
	char junk[4096];

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return 0;
		n = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return 1;
	}
}

int hx_tcp_connect(int *fd, uint16_t port, int nonblock)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	int one = 1;

	*fd = -1;
	if (s < 0)
		return err_set(E_IO, "socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		int e = errno;

		close(s);
		return err_set(E_IO, "connect to port %u: %s", port, strerror(e));
	}
	{
		struct sockaddr_in me;
		socklen_t len = sizeof(me);

		if (getsockname(s, (struct sockaddr *)&me, &len) == 0)
			snprintf(last_peer, sizeof(last_peer), "127.0.0.1:%u", ntohs(me.sin_port));
	}
	*fd = s;
	return E_OK;
}
