/*
 * test_loop.c: the event loop: timers fire in time order, a timer deleted by
 * another one's callback never fires, fd readiness over a pipe, and signals
 * delivered through the loop.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "server/loop.h"
#include "tests/testutil.h"

#define ORDER_MAX 16

static int order[ORDER_MAX];
static int n_order;
static long long victim;

static void record(struct loop *l, long long id, void *arg)
{
	if (n_order < ORDER_MAX)
		order[n_order++] = (int)(intptr_t)arg;
}

static void stop_cb(struct loop *l, long long id, void *arg)
{
	loop_stop(l);
}

static void delete_victim(struct loop *l, long long id, void *arg)
{
	record(l, id, arg);
	loop_del_timer(l, victim);
	loop_del_timer(l, id); /* deleting oneself while firing is harmless */
}

static void rearm(struct loop *l, long long id, void *arg)
{
	record(l, id, arg);
	if (n_order < 5)
		ck_assert_int_gt(loop_add_timer(l, 0, rearm, arg), 0);
}

static void setup(void)
{
	memset(order, 0, sizeof(order));
	n_order = 0;
	victim = 0;
}

START_TEST(timers_in_order)
{
	struct loop *l = NULL;
	int64_t t0 = loop_now_ms();

	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_gt(loop_add_timer(l, 60, record, (void *)3), 0);
	ck_assert_int_gt(loop_add_timer(l, 20, record, (void *)1), 0);
	ck_assert_int_gt(loop_add_timer(l, 40, record, (void *)2), 0);
	ck_assert_int_gt(loop_add_timer(l, 100, stop_cb, NULL), 0);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(n_order, 3);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 2);
	ck_assert_int_eq(order[2], 3);
	ck_assert_int_ge(loop_now_ms() - t0, 100);
	loop_free(l);
}
END_TEST

START_TEST(timer_deleted)
{
	struct loop *l = NULL;
	long long id;

	ck_assert_int_eq(loop_new(&l), E_OK);
	id = loop_add_timer(l, 10, record, (void *)7);
	ck_assert_int_gt(id, 0);
	loop_del_timer(l, id);
	loop_del_timer(l, 123456); /* unknown id: no effect */
	ck_assert_int_gt(loop_add_timer(l, 30, stop_cb, NULL), 0);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(n_order, 0);
	loop_free(l);
}
END_TEST

/* Two timers due in the same turn: the first deletes the second. */
START_TEST(delete_while_firing)
{
	struct loop *l = NULL;

	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_gt(loop_add_timer(l, 10, delete_victim, (void *)1), 0);
	victim = loop_add_timer(l, 10, record, (void *)2);
	ck_assert_int_gt(victim, 0);
	ck_assert_int_gt(loop_add_timer(l, 11, record, (void *)3), 0);
	usleep(20 * 1000); /* all three are due when the loop first looks */
	ck_assert_int_gt(loop_add_timer(l, 40, stop_cb, NULL), 0);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(n_order, 2);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 3);
	loop_free(l);
}
END_TEST

/* A 0 ms timer re-armed from its own callback fires once per turn. */
START_TEST(rearm_zero)
{
	struct loop *l = NULL;

	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_gt(loop_add_timer(l, 0, rearm, (void *)9), 0);
	ck_assert_int_gt(loop_add_timer(l, 50, stop_cb, NULL), 0);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(n_order, 5);
	loop_free(l);
}
END_TEST

struct pipe_state {
	int reads;
	int writes;
	char got[8];
};

static void on_read(struct loop *l, int fd, unsigned events, void *arg)
{
	struct pipe_state *st = arg;
	ssize_t n;

	ck_assert(events & LOOP_READ);
	n = read(fd, st->got, sizeof(st->got) - 1);
	ck_assert_int_eq(n, 3);
	st->reads++;
	loop_del_fd(l, fd);
	loop_stop(l);
}

static void on_write(struct loop *l, int fd, unsigned events, void *arg)
{
	struct pipe_state *st = arg;

	ck_assert(events & LOOP_WRITE);
	st->writes++;
	ck_assert_int_eq(write(fd, "abc", 3), 3);
	ck_assert_int_eq(loop_mod_fd(l, fd, 0), E_OK); /* no more write interest */
}

START_TEST(fd_readiness)
{
	struct loop *l = NULL;
	struct pipe_state st;
	int p[2];

	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_eq(loop_add_fd(l, p[0], LOOP_READ, on_read, &st), E_OK);
	ck_assert_int_eq(loop_add_fd(l, p[1], LOOP_WRITE, on_write, &st), E_OK);
	/* Watching a bad fd is an error, not a crash. */
	ck_assert_int_eq(loop_mod_fd(l, 999, LOOP_READ), E_INVAL);
	ck_assert_int_lt(loop_add_fd(l, -1, LOOP_READ, on_read, &st), 0);
	ck_assert_int_gt(loop_add_timer(l, 2000, stop_cb, NULL), 0); /* safety net */
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(st.writes, 1);
	ck_assert_int_eq(st.reads, 1);
	ck_assert_str_eq(st.got, "abc");
	loop_del_fd(l, p[1]);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}
END_TEST

static int got_signal;

static void on_signal(struct loop *l, int signo, void *arg)
{
	got_signal = signo;
	loop_stop(l);
}

static void send_hup(struct loop *l, long long id, void *arg)
{
	ck_assert_int_eq(kill(getpid(), SIGHUP), 0);
}

START_TEST(signal_in_loop)
{
	struct loop *l = NULL;

	got_signal = 0;
	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_eq(loop_add_signal(l, SIGHUP, on_signal, NULL), E_OK);
	ck_assert_int_gt(loop_add_timer(l, 10, send_hup, NULL), 0);
	ck_assert_int_gt(loop_add_timer(l, 2000, stop_cb, NULL), 0);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(got_signal, SIGHUP);
	loop_free(l);
}
END_TEST

static Suite *loop_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, timers_in_order);
	tcase_add_test(tc, timer_deleted);
	tcase_add_test(tc, delete_while_firing);
	tcase_add_test(tc, rearm_zero);
	tcase_add_test(tc, fd_readiness);
	tcase_add_test(tc, signal_in_loop);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(loop_suite());
}
