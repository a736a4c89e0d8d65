/*
 * test_loop.c: the event loop fires timers in order, reports fd readiness,
 * lets callbacks delete timers and fds, and delivers signals.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/err.h"
#include "server/loop.h"

static int order[8];
static int n_order;
static long long victim;

static void on_timer(struct loop *l, long long id, void *arg)
{
	order[n_order++] = (int)(intptr_t)arg;
	if ((intptr_t)arg == 3)
		loop_stop(l);
}

static void on_killer(struct loop *l, long long id, void *arg)
{
	order[n_order++] = 9;
	loop_del_timer(l, victim);
}

START_TEST(timers_fire_in_order)
{
	struct loop *l = NULL;

	n_order = 0;
	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_gt(loop_add_timer(l, 30, on_timer, (void *)(intptr_t)3), 0);
	ck_assert_int_gt(loop_add_timer(l, 10, on_timer, (void *)(intptr_t)1), 0);
	ck_assert_int_gt(loop_add_timer(l, 20, on_timer, (void *)(intptr_t)2), 0);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(n_order, 3);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 2);
	ck_assert_int_eq(order[2], 3);
	loop_free(l);
}
END_TEST

START_TEST(timer_deleted_by_another)
{
	struct loop *l = NULL;

	n_order = 0;
	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_gt(loop_add_timer(l, 5, on_killer, NULL), 0);
	victim = loop_add_timer(l, 15, on_timer, (void *)(intptr_t)7);
	ck_assert_int_gt(victim, 0);
	ck_assert_int_gt(loop_add_timer(l, 40, on_timer, (void *)(intptr_t)3), 0);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(n_order, 2);
	ck_assert_int_eq(order[0], 9);
	ck_assert_int_eq(order[1], 3); /* 7 never fired */
	loop_free(l);
}
END_TEST

static int reads;

static void on_readable(struct loop *l, int fd, unsigned events, void *arg)
{
	char c;

	ck_assert(events & LOOP_READ);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	ck_assert_int_eq(c, 'x');
	reads++;
	loop_del_fd(l, fd);
	loop_stop(l);
}

START_TEST(fd_readiness)
{
	struct loop *l = NULL;
	int p[2];

	reads = 0;
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_eq(loop_add_fd(l, p[0], LOOP_READ, on_readable, NULL), E_OK);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(reads, 1);
	/* Watching a bad fd is an error, not a crash. */
	ck_assert_int_lt(loop_add_fd(l, -1, LOOP_READ, on_readable, NULL), 0);
	ck_assert_int_lt(loop_mod_fd(l, 12345, LOOP_WRITE), 0);
	loop_free(l);
	close(p[0]);
	close(p[1]);
}
END_TEST

static int got_signal;

static void on_signal(struct loop *l, int signo, void *arg)
{
	got_signal = signo;
	loop_stop(l);
}

START_TEST(signal_through_loop)
{
	struct loop *l = NULL;

	got_signal = 0;
	ck_assert_int_eq(loop_new(&l), E_OK);
	ck_assert_int_eq(loop_add_signal(l, SIGUSR1, on_signal, NULL), E_OK);
	ck_assert_int_eq(kill(getpid(), SIGUSR1), 0);
	ck_assert_int_eq(loop_run(l), E_OK);
	ck_assert_int_eq(got_signal, SIGUSR1);
	loop_free(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, timers_fire_in_order);
	tcase_add_test(tc, timer_deleted_by_another);
	tcase_add_test(tc, fd_readiness);
	tcase_add_test(tc, signal_through_loop);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
