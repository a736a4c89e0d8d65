/*
 * work.h: running slow, trusted work (PDF generation) off the loop thread.
 * work_run() starts @fn(@arg) on a thread of its own; when it returns,
 * @done(@srv, @arg, rc) runs on the loop thread.  At most WORK_MAX jobs
 * at once (E_BUSY beyond).  @fn must not touch the loop, sessions or the
 * server's handles: it gets its inputs copied in @arg.
 */
#ifndef DINH_WORK_H
#define DINH_WORK_H

#define WORK_MAX 2 /* threads at once: the machine has two cores */

struct server;

typedef int (*work_fn)(void *arg);
typedef void (*work_done_fn)(struct server *srv, void *arg, int rc);

int work_start(struct server *srv);
/* Waits for the running jobs, then calls their @done. */
void work_stop(struct server *srv);
int work_run(struct server *srv, work_fn fn, work_done_fn done, void *arg);

#endif
