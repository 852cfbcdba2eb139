/*
 * Unit tests of the step state machine (engine_step.c): every transition
 * the supervisor performs on a step or a map iteration, and the refused
 * ones, which leave the state unchanged.
 */
#include <stdint.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "engine.h"
#include "tmpl.h"

void	test_engine_step_register(void);

#define NSTATES	(ENGINE_WAITING + 1)

/* A step with max_attempts attempts, 1 s doubling to at most 60 s. */
static struct tmpl_step
rstep(int attempts)
{
	struct tmpl_step	 s;

	memset(&s, 0, sizeof(s));
	s.max_attempts = attempts;
	s.initial_interval_ms = 1000;
	s.backoff_coefficient = 2.0;
	s.max_interval_ms = 60000;
	return s;
}

/*
 * Apply f from every state: allowed[from] says whether it may, to[from]
 * the state it then gives. A refused transition leaves the state alone.
 */
static void
check_all(int (*f)(enum engine_state *), const int *allowed,
    const enum engine_state *to)
{
	enum engine_state	 from, st;

	for (from = ENGINE_PENDING; from < NSTATES; from++) {
		st = from;
		if (allowed[from]) {
			CU_ASSERT_EQUAL(f(&st), RC_OK);
			CU_ASSERT_EQUAL(st, to[from]);
		} else {
			CU_ASSERT_EQUAL(f(&st), RC_CONFLICT);
			CU_ASSERT_EQUAL(st, from);
		}
	}
}

/* The same target from every allowed state. */
static void
check_to(int (*f)(enum engine_state *), const int *allowed,
    enum engine_state target)
{
	enum engine_state	 to[NSTATES];
	int			 i;

	for (i = 0; i < NSTATES; i++)
		to[i] = target;
	check_all(f, allowed, to);
}

/* Order: pending, running, retry_wait, completed, failed, skipped,
 * cancelled, waiting. */

static void
test_engine_step_start_from_pending_or_due_retry(void)
{
	static const int	ok[NSTATES] = { 1, 0, 1, 0, 0, 0, 0, 0 };

	check_to(engine_step_start, ok, ENGINE_RUNNING);
}

static void
test_engine_step_complete_from_running_or_waiting(void)
{
	static const int	ok[NSTATES] = { 0, 1, 0, 0, 0, 0, 0, 1 };

	check_to(engine_step_complete, ok, ENGINE_COMPLETED);
}

static void
test_engine_step_wait_only_from_running(void)
{
	static const int	ok[NSTATES] = { 0, 1, 0, 0, 0, 0, 0, 0 };

	check_to(engine_step_wait, ok, ENGINE_WAITING);
}

/* A map whose iterations wait for children gets news: it runs again. */
static void
test_engine_step_wake_only_from_waiting(void)
{
	static const int	ok[NSTATES] = { 0, 0, 0, 0, 0, 0, 0, 1 };

	check_to(engine_step_wake, ok, ENGINE_RUNNING);
}

static void
test_engine_step_defer_only_from_running(void)
{
	static const int	ok[NSTATES] = { 0, 1, 0, 0, 0, 0, 0, 0 };

	check_to(engine_step_defer, ok, ENGINE_RETRY_WAIT);
}

static void
test_engine_step_skip_from_pending_or_running(void)
{
	static const int	ok[NSTATES] = { 1, 1, 0, 0, 0, 0, 0, 0 };

	check_to(engine_step_skip, ok, ENGINE_SKIPPED);
}

static void
test_engine_step_cancel_stops_unfinished(void)
{
	static const int	ok[NSTATES] = { 1, 1, 1, 0, 0, 0, 0, 1 };

	check_to(engine_step_cancel, ok, ENGINE_CANCELLED);
}

static void
test_engine_step_refuse_fails_any_state(void)
{
	static const int	ok[NSTATES] = { 1, 1, 1, 1, 1, 1, 1, 1 };

	check_to(engine_step_refuse, ok, ENGINE_FAILED);
}

static void
test_engine_step_fail_retries_then_fails(void)
{
	struct tmpl_step	 s = rstep(3);
	enum engine_state	 st;
	int64_t			 d;

	/* Attempt 1 of 3, retryable: retry_wait after the backoff. */
	st = ENGINE_RUNNING;
	d = 0;
	CU_ASSERT_EQUAL(engine_step_fail(&s, 1, 1, 0.5, &st, &d), RC_OK);
	CU_ASSERT_EQUAL(st, ENGINE_RETRY_WAIT);
	CU_ASSERT_EQUAL(d, engine_retry_delay_ms(&s, 1, 0.5));
	CU_ASSERT_EQUAL(d, 1000);
	/* The retry starts, attempt 2 fails: the delay doubles. */
	CU_ASSERT_EQUAL(engine_step_start(&st), RC_OK);
	CU_ASSERT_EQUAL(engine_step_fail(&s, 2, 1, 0.5, &st, &d), RC_OK);
	CU_ASSERT_EQUAL(st, ENGINE_RETRY_WAIT);
	CU_ASSERT_EQUAL(d, 2000);
	/* The last attempt: failed, no delay. */
	CU_ASSERT_EQUAL(engine_step_start(&st), RC_OK);
	CU_ASSERT_EQUAL(engine_step_fail(&s, 3, 1, 0.5, &st, &d), RC_OK);
	CU_ASSERT_EQUAL(st, ENGINE_FAILED);
	CU_ASSERT_EQUAL(d, -1);
	/* Not retryable: failed at once, also from waiting. */
	st = ENGINE_WAITING;
	CU_ASSERT_EQUAL(engine_step_fail(&s, 1, 0, 0.5, &st, &d), RC_OK);
	CU_ASSERT_EQUAL(st, ENGINE_FAILED);
	CU_ASSERT_EQUAL(d, -1);
	/* A waiting step (a callback error in retry.on) may retry. */
	st = ENGINE_WAITING;
	CU_ASSERT_EQUAL(engine_step_fail(&s, 1, 1, 0.0, &st, &d), RC_OK);
	CU_ASSERT_EQUAL(st, ENGINE_RETRY_WAIT);
	CU_ASSERT_EQUAL(d, 800);
}

static void
test_engine_step_fail_refused_outside_an_attempt(void)
{
	struct tmpl_step	 s = rstep(3);
	enum engine_state	 from, st;
	int64_t			 d;

	for (from = ENGINE_PENDING; from < NSTATES; from++) {
		if (from == ENGINE_RUNNING || from == ENGINE_WAITING)
			continue;
		st = from;
		d = 42;
		CU_ASSERT_EQUAL(engine_step_fail(&s, 1, 1, 0.5, &st, &d),
		    RC_CONFLICT);
		CU_ASSERT_EQUAL(st, from);
		CU_ASSERT_EQUAL(d, 42);
	}
}

static void
test_engine_step_resume_decides_each_stored_state(void)
{
	enum engine_state	 st;

	/* Done: kept with their output. */
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_COMPLETED, 0, 0, &st),
	    ENGINE_RESUME_KEEP);
	CU_ASSERT_EQUAL(st, ENGINE_COMPLETED);
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_SKIPPED, 0, 1, &st),
	    ENGINE_RESUME_KEEP);
	CU_ASSERT_EQUAL(st, ENGINE_SKIPPED);
	/* Waiting: waits on, timer or not. */
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_WAITING, 0, 1, &st),
	    ENGINE_RESUME_KEEP);
	CU_ASSERT_EQUAL(st, ENGINE_WAITING);
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_WAITING, 0, 0, &st),
	    ENGINE_RESUME_KEEP);
	CU_ASSERT_EQUAL(st, ENGINE_WAITING);
	/* Failed, cancelled: a redrive runs them again from scratch. */
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_FAILED, 0, 0, &st),
	    ENGINE_RESUME_RESET);
	CU_ASSERT_EQUAL(st, ENGINE_PENDING);
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_CANCELLED, 1, 1, &st),
	    ENGINE_RESUME_RESET);
	CU_ASSERT_EQUAL(st, ENGINE_PENDING);
	/* Running with a timer: a delay goes on, else a retry wait. */
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_RUNNING, 1, 1, &st),
	    ENGINE_RESUME_TIMER);
	CU_ASSERT_EQUAL(st, ENGINE_RUNNING);
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_RUNNING, 0, 1, &st),
	    ENGINE_RESUME_TIMER);
	CU_ASSERT_EQUAL(st, ENGINE_RETRY_WAIT);
	/* Running without one: rerun, at least once; pending: run. */
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_RUNNING, 0, 0, &st),
	    ENGINE_RESUME_RERUN);
	CU_ASSERT_EQUAL(st, ENGINE_PENDING);
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_RUNNING, 1, 0, &st),
	    ENGINE_RESUME_RERUN);
	CU_ASSERT_EQUAL(st, ENGINE_PENDING);
	CU_ASSERT_EQUAL(engine_step_resume(ENGINE_PENDING, 0, 0, &st),
	    ENGINE_RESUME_RERUN);
	CU_ASSERT_EQUAL(st, ENGINE_PENDING);
}

/* The supervisor's stop: running ones one by one, pending by the engine. */
static void
test_engine_step_stop_like_the_supervisor(void)
{
	enum engine_state	 st[5] = { ENGINE_COMPLETED, ENGINE_RUNNING,
				     ENGINE_RETRY_WAIT, ENGINE_WAITING,
				     ENGINE_PENDING };
	struct tmpl		 t;

	memset(&t, 0, sizeof(t));
	t.nsteps = 5;
	CU_ASSERT_EQUAL(engine_step_cancel(&st[1]), RC_OK);
	CU_ASSERT_EQUAL(engine_cancel_pending(&t, st), 3);
	CU_ASSERT_EQUAL(st[0], ENGINE_COMPLETED);
	CU_ASSERT_EQUAL(st[1], ENGINE_CANCELLED);
	CU_ASSERT_EQUAL(st[2], ENGINE_CANCELLED);
	CU_ASSERT_EQUAL(st[3], ENGINE_CANCELLED);
	CU_ASSERT_EQUAL(st[4], ENGINE_CANCELLED);
	CU_ASSERT_EQUAL(engine_cancel_pending(&t, st), 0);
	/* A finished step is never cancelled again. */
	CU_ASSERT_EQUAL(engine_step_cancel(&st[0]), RC_CONFLICT);
	CU_ASSERT_EQUAL(st[0], ENGINE_COMPLETED);
}

/* A whole life: pending, running, waiting (a callback), completed. */
static void
test_engine_step_callback_life(void)
{
	enum engine_state	 st = ENGINE_PENDING;

	CU_ASSERT_EQUAL(engine_step_start(&st), RC_OK);
	CU_ASSERT_EQUAL(engine_step_wait(&st), RC_OK);
	CU_ASSERT_EQUAL(engine_step_wait(&st), RC_CONFLICT);
	CU_ASSERT_EQUAL(engine_step_start(&st), RC_CONFLICT);
	CU_ASSERT_EQUAL(st, ENGINE_WAITING);
	CU_ASSERT_EQUAL(engine_step_complete(&st), RC_OK);
	CU_ASSERT_EQUAL(engine_step_complete(&st), RC_CONFLICT);
	CU_ASSERT_EQUAL(st, ENGINE_COMPLETED);
}

void
test_engine_step_register(void)
{
	CU_pSuite	s;

	s = CU_add_suite("engine_step", NULL, NULL);
#define ADD(f)	CU_add_test(s, #f, f)
	ADD(test_engine_step_start_from_pending_or_due_retry);
	ADD(test_engine_step_complete_from_running_or_waiting);
	ADD(test_engine_step_wait_only_from_running);
	ADD(test_engine_step_defer_only_from_running);
	ADD(test_engine_step_wake_only_from_waiting);
	ADD(test_engine_step_skip_from_pending_or_running);
	ADD(test_engine_step_cancel_stops_unfinished);
	ADD(test_engine_step_refuse_fails_any_state);
	ADD(test_engine_step_fail_retries_then_fails);
	ADD(test_engine_step_fail_refused_outside_an_attempt);
	ADD(test_engine_step_resume_decides_each_stored_state);
	ADD(test_engine_step_stop_like_the_supervisor);
	ADD(test_engine_step_callback_life);
#undef ADD
}
