/*
 * work.c: the job threads of work.h.  A finished job is put on a list and
 * announced through an eventfd the loop watches; the loop then calls its
 * done function, so everything but @fn stays on the loop thread.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "server/loop.h"
#include "server/server.h"
#include "server/work.h"

struct work_job {
	struct server *srv;
	work_fn fn;
	work_done_fn done;
	void *arg;
	int rc;
	pthread_t thread;
	struct work_job *next;
};

struct work {
	int efd;
	unsigned running;
	pthread_mutex_t mu;
	struct work_job *finished;
};

static void *work_thread(void *p)
{
	struct work_job *j = p;
	struct work *w = j->srv->work;
	uint64_t one = 1;

	j->rc = j->fn(j->arg);
	pthread_mutex_lock(&w->mu);
	j->next = w->finished;
	w->finished = j;
	pthread_mutex_unlock(&w->mu);
	if (write(w->efd, &one, sizeof(one)) < 0)
		log_err("work: cannot signal the loop: %s", strerror(errno));
	return NULL;
}

/* Calls the done functions of the finished jobs, on the loop thread. */
static void work_reap(struct server *srv)
{
	struct work *w = srv->work;
	struct work_job *j;
	uint64_t v;

	if (read(w->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_err("work: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&w->mu);
	j = w->finished;
	w->finished = NULL;
	pthread_mutex_unlock(&w->mu);
	while (j) {
		struct work_job *n = j->next;

		pthread_join(j->thread, NULL);
		w->running--;
		j->done(srv, j->arg, j->rc);
		free(j);
		j = n;
	}
}

static void work_ready(struct loop *l, int fd, unsigned events, void *arg)
{
	work_reap(arg);
}

int work_start(struct server *srv)
{
	struct work *w = calloc(1, sizeof(*w));

	if (!w)
		return err_set(E_NOMEM, "work");
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->efd < 0) {
		free(w);
		return err_set(E_IO, "eventfd: %s", strerror(errno));
	}
	pthread_mutex_init(&w->mu, NULL);
	srv->work = w;
	return loop_add_fd(srv->loop, w->efd, LOOP_READ, work_ready, srv);
}

void work_stop(struct server *srv)
{
	struct work *w = srv->work;

	if (!w)
		return;
	while (w->running > 0) {
		work_reap(srv);
		if (w->running > 0)
			usleep(10000);
	}
	loop_del_fd(srv->loop, w->efd);
	close(w->efd);
	pthread_mutex_destroy(&w->mu);
	free(w);
	srv->work = NULL;
}

int work_run(struct server *srv, work_fn fn, work_done_fn done, void *arg)
{
	struct work *w = srv->work;
	struct work_job *j;
	sigset_t all, old;
	int rc;

	if (w->running >= WORK_MAX)
		return err_set(E_BUSY, "%d documents are being made: try again", WORK_MAX);
	if (!(j = calloc(1, sizeof(*j))))
		return err_set(E_NOMEM, "work");
	*j = (struct work_job){srv, fn, done, arg, E_OK, 0, NULL};
	/* Job threads take no signals: they belong to the loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&j->thread, NULL, work_thread, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		free(j);
		return err_set(E_NOMEM, "work thread: %s", strerror(rc));
	}
	w->running++;
	return E_OK;
}
