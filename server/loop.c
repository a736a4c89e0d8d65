/*
 * loop.c: the epoll event loop.  epoll, signalfd and the timer list are
 * private to this file; everything else sees loop.h.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "server/loop.h"

#define LOOP_EVENTS_MAX 256
#define LOOP_SIGNALS_MAX 8

struct loop_fd {
	loop_fd_fn fn;
	void *arg;
	unsigned mask;
	int used;
};

struct loop_timer {
	long long id;
	int64_t when;
	loop_timer_fn fn;
	void *arg;
	struct loop_timer *next;
};

struct loop {
	int epfd;
	int sigfd;
	int stop;
	struct loop_fd *fds; /* indexed by fd */
	size_t nfds;
	struct loop_timer *timers; /* sorted by time */
	long long next_id;
	sigset_t sigs;
	struct {
		int signo;
		loop_signal_fn fn;
		void *arg;
	} sig[LOOP_SIGNALS_MAX];
	unsigned nsig;
};

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int loop_new(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (!l)
		return err_set(E_NOMEM, "out of memory");
	l->sigfd = -1;
	sigemptyset(&l->sigs);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return err_set(E_IO, "epoll_create1: %s", strerror(errno));
	}
	*out = l;
	return E_OK;
}

void loop_free(struct loop *l)
{
	struct loop_timer *t, *next;

	if (!l)
		return;
	for (t = l->timers; t; t = next) {
		next = t->next;
		free(t);
	}
	if (l->sigfd >= 0)
		close(l->sigfd);
	close(l->epfd);
	free(l->fds);
	free(l);
}

static uint32_t epoll_mask(unsigned mask)
{
	return (mask & LOOP_READ ? EPOLLIN : 0u) | (mask & LOOP_WRITE ? EPOLLOUT : 0u);
}

int loop_add_fd(struct loop *l, int fd, unsigned mask, loop_fd_fn fn, void *arg)
{
	struct epoll_event ev = {.events = epoll_mask(mask), .data.fd = fd};

	if (fd < 0)
		return err_set(E_INVAL, "bad fd");
	if ((size_t)fd >= l->nfds) {
		size_t n = l->nfds ? l->nfds : 64;
		struct loop_fd *grown;

		while (n <= (size_t)fd)
			n *= 2;
		grown = realloc(l->fds, n * sizeof(*grown));
		if (!grown)
			return err_set(E_NOMEM, "out of memory");
		memset(grown + l->nfds, 0, (n - l->nfds) * sizeof(*grown));
		l->fds = grown;
		l->nfds = n;
	}
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return err_set(E_IO, "epoll_ctl add %d: %s", fd, strerror(errno));
	l->fds[fd] = (struct loop_fd){fn, arg, mask, 1};
	return E_OK;
}

int loop_mod_fd(struct loop *l, int fd, unsigned mask)
{
	struct epoll_event ev = {.events = epoll_mask(mask), .data.fd = fd};

	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].used)
		return err_set(E_INVAL, "fd %d not watched", fd);
	if (l->fds[fd].mask == mask)
		return E_OK;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return err_set(E_IO, "epoll_ctl mod %d: %s", fd, strerror(errno));
	l->fds[fd].mask = mask;
	return E_OK;
}

void loop_del_fd(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].used)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	l->fds[fd].used = 0;
}

long long loop_add_timer(struct loop *l, long ms, loop_timer_fn fn, void *arg)
{
	struct loop_timer *t = calloc(1, sizeof(*t)), **p;

	if (!t)
		return err_set(E_NOMEM, "out of memory");
	t->id = ++l->next_id;
	t->when = loop_now_ms() + (ms > 0 ? ms : 0);
	t->fn = fn;
	t->arg = arg;
	for (p = &l->timers; *p && (*p)->when <= t->when; p = &(*p)->next)
		;
	t->next = *p;
	*p = t;
	return t->id;
}

void loop_del_timer(struct loop *l, long long id)
{
	struct loop_timer **p, *t;

	for (p = &l->timers; (t = *p); p = &t->next) {
		if (t->id == id) {
			*p = t->next;
			free(t);
			return;
		}
	}
}

static void loop_signal_ready(struct loop *l, int fd, unsigned events, void *arg)
{
	struct signalfd_siginfo si;
	unsigned i;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (i = 0; i < l->nsig; i++)
			if (l->sig[i].signo == (int)si.ssi_signo)
				l->sig[i].fn(l, (int)si.ssi_signo, l->sig[i].arg);
	}
}

int loop_add_signal(struct loop *l, int signo, loop_signal_fn fn, void *arg)
{
	int fd;

	if (l->nsig == LOOP_SIGNALS_MAX)
		return err_set(E_TOOBIG, "too many signals");
	sigaddset(&l->sigs, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigs, NULL) < 0)
		return err_set(E_IO, "sigprocmask: %s", strerror(errno));
	fd = signalfd(l->sigfd, &l->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return err_set(E_IO, "signalfd: %s", strerror(errno));
	if (l->sigfd < 0) {
		int rc = loop_add_fd(l, fd, LOOP_READ, loop_signal_ready, NULL);

		if (rc < 0) {
			close(fd);
			return rc;
		}
		l->sigfd = fd;
	}
	l->sig[l->nsig].signo = signo;
	l->sig[l->nsig].fn = fn;
	l->sig[l->nsig].arg = arg;
	l->nsig++;
	return E_OK;
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}

/*
 * Runs every timer that is due, earliest first.  A callback may add or
 * delete any timer (itself included); timers added while this runs wait for
 * the next turn, so a 0 ms timer that re-arms itself cannot starve the fds.
 */
static void loop_run_timers(struct loop *l)
{
	int64_t now = loop_now_ms();
	long long last = l->next_id;

	for (;;) {
		struct loop_timer **p = &l->timers, *t;

		while ((t = *p) && t->when <= now && t->id > last)
			p = &t->next;
		if (!t || t->when > now)
			return;
		*p = t->next;
		t->fn(l, t->id, t->arg);
		free(t);
	}
}

int loop_run(struct loop *l)
{
	struct epoll_event ev[LOOP_EVENTS_MAX];

	l->stop = 0;
	while (!l->stop) {
		int timeout = -1, n, i;

		if (l->timers) {
			int64_t d = l->timers->when - loop_now_ms();

			timeout = d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
		}
		n = epoll_wait(l->epfd, ev, LOOP_EVENTS_MAX, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(E_IO, "epoll_wait: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			unsigned events = 0;
			struct loop_fd *f;

			if ((size_t)fd >= l->nfds || !l->fds[fd].used)
				continue; /* deleted by an earlier callback */
			f = &l->fds[fd];
			if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				events |= LOOP_READ;
			if (ev[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				events |= LOOP_WRITE;
			f->fn(l, fd, events & (f->mask | LOOP_READ), f->arg);
		}
		loop_run_timers(l);
	}
	return E_OK;
}
