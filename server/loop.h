/*
 * loop.h: the event loop (epoll), in the spirit of Redis's ae: file events,
 * timers and signals, all dispatched on the one thread that runs the loop.
 */
#ifndef DINH_LOOP_H
#define DINH_LOOP_H

#include <stdint.h>

#define LOOP_READ 1u
#define LOOP_WRITE 2u

struct loop;

typedef void (*loop_fd_fn)(struct loop *l, int fd, unsigned events, void *arg);
typedef void (*loop_timer_fn)(struct loop *l, long long id, void *arg);
typedef void (*loop_signal_fn)(struct loop *l, int signo, void *arg);

int loop_new(struct loop **out);
void loop_free(struct loop *l);

/* Watches @fd for @mask (LOOP_READ|LOOP_WRITE); one callback per fd. */
int loop_add_fd(struct loop *l, int fd, unsigned mask, loop_fd_fn fn, void *arg);
int loop_mod_fd(struct loop *l, int fd, unsigned mask);
void loop_del_fd(struct loop *l, int fd);

/* A one-shot timer in @ms milliseconds; returns its id (> 0) or a negative E_*. */
long long loop_add_timer(struct loop *l, long ms, loop_timer_fn fn, void *arg);
void loop_del_timer(struct loop *l, long long id);

/* Blocks @signo for the process and delivers it through the loop. */
int loop_add_signal(struct loop *l, int signo, loop_signal_fn fn, void *arg);

/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

/* Runs until loop_stop(). */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
