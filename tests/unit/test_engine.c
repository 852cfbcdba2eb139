/*
 * Unit tests of the pure engine: DAG scheduling decisions and retry
 * backoff.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "engine.h"
#include "tmpl.h"

void	test_engine_register(void);
void	test_engine_step_register(void);

#define P	ENGINE_PENDING
#define R	ENGINE_RUNNING
#define W	ENGINE_RETRY_WAIT
#define C	ENGINE_COMPLETED
#define F	ENGINE_FAILED
#define S	ENGINE_SKIPPED
#define X	ENGINE_CANCELLED
#define WT	ENGINE_WAITING

/* Load a template written with ` for "; the caller frees it. */
static struct tmpl *
load(const char *src)
{
	struct json_object	*def;
	struct tmpl		*t = NULL;
	char			*s, *p;

	s = xstrdup(src);
	for (p = s; *p != '\0'; p++)
		if (*p == '`')
			*p = '"';
	def = json_tokener_parse(s);
	free(s);
	if (tmpl_load(def, &t) != RC_OK)
		t = NULL;
	json_object_put(def);
	return t;
}

/* a -> b, c -> d: b and c depend on a, d on both. */
static struct tmpl *
diamond(void)
{
	return load("{`name`: `d`, `steps`: ["
	    "{`id`: `a`, `type`: `transform`, `output`: 1}, "
	    "{`id`: `b`, `type`: `transform`, `output`: 1, "
	    "`depends_on`: [`a`]}, "
	    "{`id`: `c`, `type`: `transform`, `output`: 1, "
	    "`depends_on`: [`a`]}, "
	    "{`id`: `d`, `type`: `transform`, `output`: 1, "
	    "`depends_on`: [`b`, `c`]}]}");
}

/* n independent steps, max_parallel mp. */
static struct tmpl *
fan(int n, int mp)
{
	char		 buf[4096];
	int		 i, off;

	off = snprintf(buf, sizeof(buf), "{`name`: `f`, `global_config`: "
	    "{`max_parallel`: %d}, `steps`: [", mp);
	for (i = 0; i < n; i++)
		off += snprintf(buf + off, sizeof(buf) - (size_t)off,
		    "%s{`id`: `s%d`, `type`: `delay`, `seconds`: 0}",
		    i ? ", " : "", i);
	snprintf(buf + off, sizeof(buf) - (size_t)off, "]}");
	return load(buf);
}

static void
test_engine_diamond_runs_in_dependency_order(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { P, P, P, P };
	int			 out[TMPL_STEPS_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 1);
	CU_ASSERT_EQUAL(out[0], 0);
	st[0] = R;
	CU_ASSERT_EQUAL(engine_next(t, st, 1, out, TMPL_STEPS_MAX), 0);
	st[0] = C;
	CU_ASSERT_EQUAL_FATAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 2);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(out[1], 2);
	st[1] = C;
	st[2] = R;
	CU_ASSERT_EQUAL(engine_next(t, st, 1, out, TMPL_STEPS_MAX), 0);
	st[2] = C;
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 1);
	CU_ASSERT_EQUAL(out[0], 3);
	CU_ASSERT_EQUAL(engine_outcome(t, st, NULL), ENGINE_OUT_RUNNING);
	st[3] = C;
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 0);
	tmpl_free(t);
}

static void
test_engine_fan_out_is_limited_by_max_parallel(void)
{
	struct tmpl		*t = fan(6, 4);
	enum engine_state	 st[6] = { P, P, P, P, P, P };
	int			 out[TMPL_STEPS_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 4);
	CU_ASSERT_EQUAL(out[0], 0);
	CU_ASSERT_EQUAL(out[3], 3);
	st[0] = st[1] = st[2] = R;
	CU_ASSERT_EQUAL(engine_next(t, st, 3, out, TMPL_STEPS_MAX), 1);
	CU_ASSERT_EQUAL(out[0], 3);
	st[3] = R;
	CU_ASSERT_EQUAL(engine_next(t, st, 4, out, TMPL_STEPS_MAX), 0);
	CU_ASSERT_EQUAL(engine_next(t, st, 9, out, TMPL_STEPS_MAX), 0);
	st[0] = C;
	CU_ASSERT_EQUAL(engine_next(t, st, 3, out, TMPL_STEPS_MAX), 1);
	CU_ASSERT_EQUAL(out[0], 4);
	tmpl_free(t);
}

static void
test_engine_next_respects_output_room(void)
{
	struct tmpl		*t = fan(6, 64);
	enum engine_state	 st[6] = { P, P, P, P, P, P };
	int			 out[2];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, 2), 2);
	CU_ASSERT_EQUAL(out[1], 1);
	tmpl_free(t);
}

static void
test_engine_next_follows_template_order(void)
{
	struct tmpl		*t;
	enum engine_state	 st[3] = { P, P, P };
	int			 out[TMPL_STEPS_MAX];

	/* b is listed first but depends on a. */
	t = load("{`name`: `o`, `steps`: ["
	    "{`id`: `b`, `type`: `delay`, `seconds`: 0, `depends_on`: [`a`]},"
	    "{`id`: `a`, `type`: `delay`, `seconds`: 0},"
	    "{`id`: `c`, `type`: `delay`, `seconds`: 0}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 2);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(out[1], 2);
	st[1] = C;
	st[2] = C;
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 1);
	CU_ASSERT_EQUAL(out[0], 0);
	tmpl_free(t);
}

static void
test_engine_skipped_dependency_lets_dependents_run(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { S, S, C, P };
	int			 out[TMPL_STEPS_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 1);
	CU_ASSERT_EQUAL(out[0], 3);
	st[3] = S;
	CU_ASSERT_EQUAL(engine_outcome(t, st, NULL), ENGINE_OUT_COMPLETED);
	tmpl_free(t);
}

static void
test_engine_retry_wait_dependency_blocks_dependents(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { W, P, P, P };
	int			 out[TMPL_STEPS_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_next(t, st, 1, out, TMPL_STEPS_MAX), 0);
	CU_ASSERT_EQUAL(engine_outcome(t, st, NULL), ENGINE_OUT_RUNNING);
	tmpl_free(t);
}

static void
test_engine_failure_is_fail_fast(void)
{
	struct tmpl		*t = fan(4, 4);
	enum engine_state	 st[4] = { C, F, R, P };
	int			 out[TMPL_STEPS_MAX], step = 99;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* s3 is independent and pending, yet nothing new starts. */
	CU_ASSERT_EQUAL(engine_next(t, st, 1, out, TMPL_STEPS_MAX), 0);
	CU_ASSERT_EQUAL(engine_outcome(t, st, &step), ENGINE_OUT_FAILED);
	CU_ASSERT_EQUAL(step, 1);
	CU_ASSERT_EQUAL(engine_cancel_pending(t, st), 1);
	CU_ASSERT_EQUAL(st[3], X);
	CU_ASSERT_EQUAL(st[2], R);	/* the caller stops running steps */
	CU_ASSERT_EQUAL(st[0], C);
	st[2] = X;
	CU_ASSERT_EQUAL(engine_outcome(t, st, &step), ENGINE_OUT_FAILED);
	CU_ASSERT_EQUAL(step, 1);
	tmpl_free(t);
}

static void
test_engine_failed_dependency_blocks_dependents(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { C, F, C, P };
	int			 out[TMPL_STEPS_MAX], step;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 0);
	CU_ASSERT_EQUAL(engine_outcome(t, st, &step), ENGINE_OUT_FAILED);
	CU_ASSERT_EQUAL(step, 1);
	tmpl_free(t);
}

static void
test_engine_outcome_reports_progress_and_completion(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { P, P, P, P };
	int			 step = 5;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_outcome(t, st, &step), ENGINE_OUT_RUNNING);
	CU_ASSERT_EQUAL(step, -1);
	st[0] = C;
	st[1] = R;
	CU_ASSERT_EQUAL(engine_outcome(t, st, NULL), ENGINE_OUT_RUNNING);
	st[1] = C;
	st[2] = C;
	st[3] = C;
	CU_ASSERT_EQUAL(engine_outcome(t, st, &step), ENGINE_OUT_COMPLETED);
	CU_ASSERT_EQUAL(step, -1);
	tmpl_free(t);
}

static void
test_engine_outcome_reports_cancellation(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { C, R, W, P };

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_cancel_pending(t, st), 2);
	CU_ASSERT_EQUAL(st[2], X);
	CU_ASSERT_EQUAL(st[3], X);
	CU_ASSERT_EQUAL(engine_outcome(t, st, NULL), ENGINE_OUT_CANCELLED);
	CU_ASSERT_EQUAL(engine_cancel_pending(t, st), 0);
	tmpl_free(t);
}

static void
test_engine_outcome_detects_stuck_graph(void)
{
	struct tmpl		 t;
	struct tmpl_step	 s[2];
	int			 d0 = 1, d1 = 0;
	enum engine_state	 st[2] = { P, P };
	int			 step = 7, out[2];

	/* A cycle that tmpl_load would refuse, built by hand. */
	memset(&t, 0, sizeof(t));
	memset(s, 0, sizeof(s));
	s[0].ndeps = 1;
	s[0].deps = &d0;
	s[1].ndeps = 1;
	s[1].deps = &d1;
	t.nsteps = 2;
	t.steps = s;
	t.max_parallel = 4;
	CU_ASSERT_EQUAL(engine_next(&t, st, 0, out, 2), 0);
	CU_ASSERT_EQUAL(engine_outcome(&t, st, &step), ENGINE_OUT_FAILED);
	CU_ASSERT_EQUAL(step, -1);
}

/* A step with the given retry parameters. */
static struct tmpl_step
rstep(int attempts, int64_t initial, double coeff, int64_t max)
{
	struct tmpl_step	 s;

	memset(&s, 0, sizeof(s));
	s.max_attempts = attempts;
	s.initial_interval_ms = initial;
	s.backoff_coefficient = coeff;
	s.max_interval_ms = max;
	return s;
}

static void
test_engine_backoff_doubles_per_attempt(void)
{
	struct tmpl_step	 s = rstep(5, 500, 2.0, 30000);

	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 1, 0.5), 500);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 2, 0.5), 1000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 3, 0.5), 2000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 4, 0.5), 4000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 5, 0.5), 8000);
	s = rstep(5, 1000, 1.5, 60000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 3, 0.5), 2250);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 4, 0.5), 3375);
}

static void
test_engine_backoff_is_capped_at_max_interval(void)
{
	struct tmpl_step	 s = rstep(20, 500, 2.0, 30000);

	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 6, 0.5), 16000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 7, 0.5), 30000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 20, 0.5), 30000);
	/* An initial interval above the cap is cut to it as well. */
	s = rstep(3, 100000, 2.0, 60000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 1, 0.5), 60000);
}

static void
test_engine_backoff_jitter_stays_within_20_percent(void)
{
	struct tmpl_step	 s = rstep(5, 1000, 2.0, 60000);
	int64_t			 d;

	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 1, 0.0), 800);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 3, 0.0), 3200);
	d = engine_retry_delay_ms(&s, 1, 0.999999999);
	CU_ASSERT(d >= 1199 && d <= 1200);
	d = engine_retry_delay_ms(&s, 3, nextafter(1.0, 0.0));
	CU_ASSERT_EQUAL(d, 4800);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 1, 0.25), 900);
	/* Out-of-range u is clamped, NaN counts as 0. */
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 1, 7.0), 1200);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 1, -3.0), 800);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 1, NAN), 800);
}

static void
test_engine_backoff_survives_huge_attempt(void)
{
	struct tmpl_step	 s = rstep(20, 3600000, 100.0, 86400000);

	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, INT_MAX, 0.5), 86400000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, INT_MAX, 0.0), 69120000);
	s = rstep(20, 1, 1.0000001, 86400000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, INT_MAX, 0.5), 86400000);
	s = rstep(20, 1000, 1.0, 60000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, INT_MAX, 0.5), 1000);
	/* Attempt numbers below 1 are read as the first attempt. */
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, 0, 0.5), 1000);
	CU_ASSERT_EQUAL(engine_retry_delay_ms(&s, INT_MIN, 0.5), 1000);
}

static void
test_engine_retries_until_max_attempts(void)
{
	struct tmpl_step	 s = rstep(3, 1000, 2.0, 60000);

	CU_ASSERT_EQUAL(engine_should_retry(&s, 1, 1), 1);
	CU_ASSERT_EQUAL(engine_should_retry(&s, 2, 1), 1);
	CU_ASSERT_EQUAL(engine_should_retry(&s, 3, 1), 0);
	CU_ASSERT_EQUAL(engine_should_retry(&s, 4, 1), 0);
	CU_ASSERT_EQUAL(engine_should_retry(&s, 1, 0), 0);
	s.max_attempts = 1;
	CU_ASSERT_EQUAL(engine_should_retry(&s, 1, 1), 0);
}

static void
test_engine_state_names_round_trip(void)
{
	enum engine_state	 s, got;

	for (s = ENGINE_PENDING; s <= ENGINE_WAITING; s++) {
		CU_ASSERT_EQUAL(engine_state_parse(engine_state_name(s), &got),
		    RC_OK);
		CU_ASSERT_EQUAL(got, s);
	}
	CU_ASSERT_STRING_EQUAL(engine_state_name(ENGINE_SKIPPED), "skipped");
	CU_ASSERT_STRING_EQUAL(engine_state_api_name(ENGINE_RETRY_WAIT),
	    "running");
	CU_ASSERT_STRING_EQUAL(engine_state_api_name(ENGINE_CANCELLED),
	    "cancelled");
	CU_ASSERT_EQUAL(engine_state_parse("done", &got), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(engine_state_name(ENGINE_WAITING), "waiting");
	CU_ASSERT_STRING_EQUAL(engine_state_api_name(ENGINE_WAITING),
	    "waiting");
}

static void
test_engine_waiting_step_is_unfinished(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { C, WT, C, P };
	int			 out[TMPL_STEPS_MAX], step;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* d waits for b; nothing may start, but nothing is stuck either. */
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 0);
	CU_ASSERT_EQUAL(engine_outcome(t, st, &step), ENGINE_OUT_RUNNING);
	CU_ASSERT_EQUAL(step, -1);
	st[1] = C;
	CU_ASSERT_EQUAL(engine_next(t, st, 0, out, TMPL_STEPS_MAX), 1);
	CU_ASSERT_EQUAL(out[0], 3);
	/* Cancel (or fail-fast) cancels a waiting step like a pending one. */
	st[1] = WT;
	CU_ASSERT_EQUAL(engine_cancel_pending(t, st), 2);
	CU_ASSERT_EQUAL(st[1], X);
	CU_ASSERT_EQUAL(st[3], X);
	CU_ASSERT_EQUAL(st[0], C);
	tmpl_free(t);
}

static void
test_engine_exec_names_round_trip(void)
{
	enum engine_exec	 s, got;

	for (s = ENGINE_EX_PENDING; s <= ENGINE_EX_TIMED_OUT; s++) {
		CU_ASSERT_EQUAL(engine_exec_parse(engine_exec_name(s), &got),
		    RC_OK);
		CU_ASSERT_EQUAL(got, s);
	}
	CU_ASSERT_STRING_EQUAL(engine_exec_name(ENGINE_EX_PAUSED), "paused");
	CU_ASSERT_STRING_EQUAL(engine_exec_name(ENGINE_EX_WAITING),
	    "waiting");
	CU_ASSERT_STRING_EQUAL(engine_exec_name(ENGINE_EX_TIMED_OUT),
	    "timed_out");
	CU_ASSERT_EQUAL(engine_exec_parse("retry_wait", &got), RC_INVALID);
	CU_ASSERT_EQUAL(engine_exec_parse("", &got), RC_INVALID);
}

/*
 * What a document shows for a step: not ended when its execution ended
 * is cancelled; otherwise as stored, pending without a row. A waiting or
 * paused execution has not ended: its steps show as they are.
 */
static void
test_engine_step_shown(void)
{
	static const char *const live[] = { "pending", "running", "waiting",
	    "paused" };
	static const char *const over[] = { "completed", "failed",
	    "cancelled", "timed_out" };
	static const char *const open[] = { "pending", "running", "waiting" };
	static const char *const done[] = { "completed", "failed", "skipped",
	    "cancelled" };
	size_t	i, j;

	for (i = 0; i < 4; i++) {
		CU_ASSERT_STRING_EQUAL(engine_step_shown(live[i], NULL),
		    "pending");
		CU_ASSERT_STRING_EQUAL(engine_step_shown(over[i], NULL),
		    "cancelled");
		for (j = 0; j < 3; j++) {
			CU_ASSERT_STRING_EQUAL(engine_step_shown(live[i],
			    open[j]), open[j]);
			CU_ASSERT_STRING_EQUAL(engine_step_shown(over[i],
			    open[j]), "cancelled");
		}
		for (j = 0; j < 4; j++) {
			CU_ASSERT_STRING_EQUAL(engine_step_shown(live[i],
			    done[j]), done[j]);
			CU_ASSERT_STRING_EQUAL(engine_step_shown(over[i],
			    done[j]), done[j]);
		}
	}
	/* An unknown execution status has not ended. */
	CU_ASSERT_STRING_EQUAL(engine_step_shown("bogus", "running"),
	    "running");
}

static void
test_engine_exec_active_and_terminal(void)
{
	enum engine_exec	 s;
	int			 nact = 0, nterm = 0;

	for (s = ENGINE_EX_PENDING; s <= ENGINE_EX_TIMED_OUT; s++) {
		nact += engine_exec_active(s);
		nterm += engine_exec_terminal(s);
		/* Nothing is both. */
		CU_ASSERT(!(engine_exec_active(s) && engine_exec_terminal(s)));
	}
	CU_ASSERT_EQUAL(nact, 2);
	CU_ASSERT_EQUAL(nterm, 4);
	/* Waiting and paused leave the active quota, and are not over. */
	CU_ASSERT_EQUAL(engine_exec_active(ENGINE_EX_PAUSED), 0);
	CU_ASSERT_EQUAL(engine_exec_active(ENGINE_EX_WAITING), 0);
	CU_ASSERT_EQUAL(engine_exec_terminal(ENGINE_EX_PAUSED), 0);
	CU_ASSERT_EQUAL(engine_exec_terminal(ENGINE_EX_WAITING), 0);
	CU_ASSERT_EQUAL(engine_exec_active(ENGINE_EX_PENDING), 1);
	CU_ASSERT_EQUAL(engine_exec_active(ENGINE_EX_RUNNING), 1);
}

static void
test_engine_exec_pause_rules(void)
{
	enum engine_exec	 s, to;

	for (s = ENGINE_EX_PENDING; s <= ENGINE_EX_TIMED_OUT; s++) {
		to = ENGINE_EX_COMPLETED;
		if (s == ENGINE_EX_PENDING || s == ENGINE_EX_RUNNING ||
		    s == ENGINE_EX_WAITING) {
			CU_ASSERT_EQUAL(engine_exec_pause(s, &to), RC_OK);
			CU_ASSERT_EQUAL(to, ENGINE_EX_PAUSED);
		} else {
			CU_ASSERT_EQUAL(engine_exec_pause(s, &to),
			    RC_CONFLICT);
			CU_ASSERT_EQUAL(to, ENGINE_EX_COMPLETED);
		}
	}
}

static void
test_engine_exec_resume_rules(void)
{
	enum engine_exec	 s, to;

	to = ENGINE_EX_FAILED;
	CU_ASSERT_EQUAL(engine_exec_resume(ENGINE_EX_PAUSED, 0, &to), RC_OK);
	CU_ASSERT_EQUAL(to, ENGINE_EX_PENDING);
	/* Its supervisor still finishes steps: it goes on at once. */
	CU_ASSERT_EQUAL(engine_exec_resume(ENGINE_EX_PAUSED, 1, &to), RC_OK);
	CU_ASSERT_EQUAL(to, ENGINE_EX_RUNNING);
	for (s = ENGINE_EX_PENDING; s <= ENGINE_EX_TIMED_OUT; s++) {
		if (s == ENGINE_EX_PAUSED)
			continue;
		to = ENGINE_EX_FAILED;
		CU_ASSERT_EQUAL(engine_exec_resume(s, 0, &to), RC_CONFLICT);
		CU_ASSERT_EQUAL(engine_exec_resume(s, 1, &to), RC_CONFLICT);
		CU_ASSERT_EQUAL(to, ENGINE_EX_FAILED);
	}
}

static void
test_engine_exec_cancel_rules(void)
{
	enum engine_exec	 to;

	CU_ASSERT_EQUAL(engine_exec_cancel(ENGINE_EX_PENDING, 0, &to), RC_OK);
	CU_ASSERT_EQUAL(to, ENGINE_EX_CANCELLED);
	CU_ASSERT_EQUAL(engine_exec_cancel(ENGINE_EX_PAUSED, 0, &to), RC_OK);
	CU_ASSERT_EQUAL(to, ENGINE_EX_CANCELLED);
	CU_ASSERT_EQUAL(engine_exec_cancel(ENGINE_EX_WAITING, 0, &to), RC_OK);
	CU_ASSERT_EQUAL(to, ENGINE_EX_CANCELLED);
	/* Held: its supervisor stops the steps and records the outcome. */
	CU_ASSERT_EQUAL(engine_exec_cancel(ENGINE_EX_PAUSED, 1, &to), RC_OK);
	CU_ASSERT_EQUAL(to, ENGINE_EX_PAUSED);
	CU_ASSERT_EQUAL(engine_exec_cancel(ENGINE_EX_RUNNING, 1, &to), RC_OK);
	CU_ASSERT_EQUAL(to, ENGINE_EX_RUNNING);
	CU_ASSERT_EQUAL(engine_exec_cancel(ENGINE_EX_COMPLETED, 0, &to),
	    RC_CONFLICT);
	CU_ASSERT_EQUAL(engine_exec_cancel(ENGINE_EX_CANCELLED, 0, &to),
	    RC_CONFLICT);
	CU_ASSERT_EQUAL(engine_exec_cancel(ENGINE_EX_TIMED_OUT, 1, &to),
	    RC_CONFLICT);
}

static void
test_engine_park_paused_waits_for_inflight(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { C, R, W, P };
	int			 inflight[4] = { 0, 1, 0, 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* b's handler is still running: the slot is kept. */
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 1), ENGINE_EX_RUNNING);
	/* b finished; c's retry (or a delay) waits with its timer. */
	st[1] = C;
	inflight[1] = 0;
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 1), ENGINE_EX_PAUSED);
	/* A running delay (no handler) does not hold a paused run either. */
	st[2] = R;
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 1), ENGINE_EX_PAUSED);
	/* Not paused: a running delay and a retry keep the slot. */
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 0), ENGINE_EX_RUNNING);
	st[2] = W;
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 0), ENGINE_EX_RUNNING);
	tmpl_free(t);
}

static void
test_engine_park_waiting_only_when_all_wait(void)
{
	struct tmpl		*t = diamond();
	enum engine_state	 st[4] = { C, WT, WT, P };
	int			 inflight[4] = { 0, 0, 0, 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 0), ENGINE_EX_WAITING);
	/* Paused wins over waiting. */
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 1), ENGINE_EX_PAUSED);
	/* A sibling still running keeps the slot. */
	st[2] = R;
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 0), ENGINE_EX_RUNNING);
	/* A startable pending step keeps it too. */
	st[1] = C;
	st[2] = C;
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 0), ENGINE_EX_RUNNING);
	/* Nothing waits: not a waiting execution. */
	st[0] = P;
	st[1] = P;
	st[2] = P;
	st[3] = P;
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 0), ENGINE_EX_RUNNING);
	tmpl_free(t);
}

/* A map step with these bounds (fields after "type"). */
static struct tmpl *
map_tmpl(const char *fields)
{
	char		*src;
	struct tmpl	*t;

	src = xasprintf("{`name`: `m`, `steps`: [{`id`: `m`, `type`: `map`,"
	    " `items`: `{{ input.l }}`, `step`: {`type`: `transform`,"
	    " `output`: 1}%s%s}]}", *fields != '\0' ? ", " : "", fields);
	t = load(src);
	free(src);
	return t;
}

static void
test_engine_map_items_check(void)
{
	struct json_object	*v;
	struct errmsg		 msg;
	int			 i;

	v = json_object_new_array();
	CU_ASSERT_EQUAL(engine_map_items_check(v, &msg), RC_OK);
	for (i = 0; i < TMPL_MAP_ITEMS_MAX; i++)
		json_object_array_add(v, json_object_new_int(i));
	CU_ASSERT_EQUAL(engine_map_items_check(v, &msg), RC_OK);
	json_object_array_add(v, NULL);
	CU_ASSERT_EQUAL(engine_map_items_check(v, &msg),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(msg.text,
	    "items must be an array of at most 10000 "
	    "elements, got an array of 10001 elements");
	json_object_put(v);
	CU_ASSERT_EQUAL(engine_map_items_check(NULL, &msg),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(msg.text,
	    "items must be an array of at most 10000 "
	    "elements, got null");
	v = json_object_new_object();
	CU_ASSERT_EQUAL(engine_map_items_check(v, &msg),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(msg.text,
	    "items must be an array of at most 10000 "
	    "elements, got an object");
	json_object_put(v);
	v = json_object_new_string("abc");
	CU_ASSERT_EQUAL(engine_map_items_check(v, &msg),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(msg.text,
	    "items must be an array of at most 10000 "
	    "elements, got a string");
	json_object_put(v);
}

static void
test_engine_map_next_respects_max_concurrency(void)
{
	struct tmpl		*t = map_tmpl("`max_concurrency`: 2");
	enum engine_state	 st[6] = { C, R, P, P, P, P };
	int			 out[6], n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	n = engine_map_next(&t->steps[0], st, 6, -1, out, 6);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(out[0], 2);
	/* A retry wait holds its place too. */
	st[2] = W;
	CU_ASSERT_EQUAL(engine_map_next(&t->steps[0], st, 6, -1, out, 6), 0);
	st[1] = C;
	st[2] = F;
	/* tolerated_failures 0: no more iterations once one failed. */
	CU_ASSERT_EQUAL(engine_map_next(&t->steps[0], st, 6, -1, out, 6), 0);
	tmpl_free(t);
	t = map_tmpl("");
	/* Default 10, bounded by the supervisor's budget and by nout. */
	{
		enum engine_state	 many[20];
		int			 o[20], i;

		for (i = 0; i < 20; i++)
			many[i] = P;
		many[0] = C;
		many[1] = R;
		CU_ASSERT_EQUAL(engine_map_next(&t->steps[0], many, 20, -1, o,
		    20), 9);
		CU_ASSERT_EQUAL(o[0], 2);
		CU_ASSERT_EQUAL(o[8], 10);
		CU_ASSERT_EQUAL(engine_map_next(&t->steps[0], many, 20, 3, o,
		    20), 3);
		CU_ASSERT_EQUAL(engine_map_next(&t->steps[0], many, 20, 0, o,
		    20), 0);
		CU_ASSERT_EQUAL(engine_map_next(&t->steps[0], many, 20, -1, o,
		    4), 4);
	}
	tmpl_free(t);
}

/*
 * Iterations waiting for their child hold their place in
 * max_concurrency; the map waits once only children run and nothing
 * may start.
 */
static void
test_engine_map_waits_for_children(void)
{
	struct tmpl		*t = map_tmpl("`max_concurrency`: 2");
	enum engine_state	 st[5] = { C, WT, WT, P, P };
	int			 out[5];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_map_next(&t->steps[0], st, 5, -1, out, 5), 0);
	CU_ASSERT_EQUAL(engine_map_waits(&t->steps[0], st, 5), 1);
	/* A child ended: one more may start, the map does not wait. */
	st[1] = C;
	CU_ASSERT_EQUAL(engine_map_next(&t->steps[0], st, 5, -1, out, 5), 1);
	CU_ASSERT_EQUAL(out[0], 3);
	CU_ASSERT_EQUAL(engine_map_waits(&t->steps[0], st, 5), 0);
	/* Running or retry-waiting iterations keep the slot. */
	st[3] = R;
	CU_ASSERT_EQUAL(engine_map_waits(&t->steps[0], st, 5), 0);
	st[3] = W;
	CU_ASSERT_EQUAL(engine_map_waits(&t->steps[0], st, 5), 0);
	/* Nothing waits: not a wait (the map ends or runs). */
	st[2] = C;
	st[3] = C;
	st[4] = C;
	CU_ASSERT_EQUAL(engine_map_waits(&t->steps[0], st, 5), 0);
	/* Failures past the bound: nothing may start, the rest waits. */
	st[0] = F;
	st[1] = WT;
	st[2] = P;
	CU_ASSERT_EQUAL(engine_map_waits(&t->steps[0], st, 5), 1);
	tmpl_free(t);
}

static void
test_engine_map_outcome_bounds(void)
{
	struct tmpl		*t;
	enum engine_state	 st[10];
	int			 low, i;

	t = map_tmpl("");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* No items: completed at once. */
	CU_ASSERT_EQUAL(engine_map_outcome(&t->steps[0], st, 0, &low),
	    ENGINE_OUT_COMPLETED);
	CU_ASSERT_EQUAL(low, -1);
	for (i = 0; i < 10; i++)
		st[i] = C;
	st[3] = S;
	CU_ASSERT_EQUAL(engine_map_outcome(&t->steps[0], st, 10, &low),
	    ENGINE_OUT_COMPLETED);
	st[7] = R;
	CU_ASSERT_EQUAL(engine_map_outcome(&t->steps[0], st, 10, &low),
	    ENGINE_OUT_RUNNING);
	/* Default bounds: one failure fails it at once, lowest index. */
	st[8] = F;
	st[5] = F;
	CU_ASSERT_EQUAL(engine_map_outcome(&t->steps[0], st, 10, &low),
	    ENGINE_OUT_FAILED);
	CU_ASSERT_EQUAL(low, 5);
	CU_ASSERT_EQUAL(engine_map_cancel(st, 10), 1);
	CU_ASSERT_EQUAL(st[7], X);
	CU_ASSERT_EQUAL(st[5], F);
	tmpl_free(t);
	/* Two tolerated: the third failure fails it. */
	t = map_tmpl("`tolerated_failures`: 2");
	for (i = 0; i < 10; i++)
		st[i] = C;
	st[1] = F;
	st[4] = F;
	CU_ASSERT_EQUAL(engine_map_outcome(&t->steps[0], st, 10, &low),
	    ENGINE_OUT_COMPLETED);
	st[9] = P;
	CU_ASSERT_EQUAL(engine_map_outcome(&t->steps[0], st, 10, &low),
	    ENGINE_OUT_RUNNING);
	st[9] = F;
	CU_ASSERT_EQUAL(engine_map_outcome(&t->steps[0], st, 10, &low),
	    ENGINE_OUT_FAILED);
	CU_ASSERT_EQUAL(low, 1);
	tmpl_free(t);
	/* 20 % of 10 items with 100 tolerated: 2 pass, 3 do not. */
	t = map_tmpl("`tolerated_failures`: 100, "
	    "`tolerated_failure_percent`: 20");
	CU_ASSERT_EQUAL(engine_map_over(&t->steps[0], 2, 10), 0);
	CU_ASSERT_EQUAL(engine_map_over(&t->steps[0], 3, 10), 1);
	CU_ASSERT_EQUAL(engine_map_over(&t->steps[0], 0, 0), 0);
	tmpl_free(t);
	/* 0 %: any failure. Cancelled without failures: cancelled. */
	t = map_tmpl("`tolerated_failures`: 100, "
	    "`tolerated_failure_percent`: 0");
	CU_ASSERT_EQUAL(engine_map_over(&t->steps[0], 1, 10000), 1);
	for (i = 0; i < 10; i++)
		st[i] = C;
	st[2] = X;
	CU_ASSERT_EQUAL(engine_map_outcome(&t->steps[0], st, 10, &low),
	    ENGINE_OUT_CANCELLED);
	tmpl_free(t);
}

/* Child names of workflow steps (engine.md "workflow"). */
static void
test_engine_child_name(void)
{
	char	buf[ENGINE_EXEC_NAME_MAX + 1], small[40];
	const char *pid = "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11";

	CU_ASSERT_EQUAL(engine_child_name(buf, sizeof(buf), pid, "ship_it_now",
	    -1, 0, 1), RC_OK);
	CU_ASSERT_STRING_EQUAL(buf,
	    "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11.ship-it-now.0.1");
	CU_ASSERT_EQUAL(engine_child_name(buf, sizeof(buf), pid, "a", 17, 2,
	    3), RC_OK);
	CU_ASSERT_STRING_EQUAL(buf,
	    "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11.a.17.2.3");
	/* Too small a buffer: refused, never cut (a cut name would clash). */
	CU_ASSERT_EQUAL(engine_child_name(small, sizeof(small), pid, "abc",
	    -1, 0, 1), RC_INVALID);
	/* A 63-character step id with map index and counts still fits. */
	CU_ASSERT_EQUAL(engine_child_name(buf, sizeof(buf), pid,
	    "a23456789012345678901234567890123456789012345678901234567890123",
	    9999, 99999, 20), RC_OK);
	CU_ASSERT(strlen(buf) <= ENGINE_EXEC_NAME_MAX);
	/* The names it makes are the ones a client may not take. */
	CU_ASSERT_EQUAL(engine_exec_name_reserved(buf), 1);
}

static void
test_engine_exec_name_reserved(void)
{
	CU_ASSERT_EQUAL(engine_exec_name_reserved("sched.nightly.x"), 1);
	CU_ASSERT_EQUAL(engine_exec_name_reserved(
	    "0B7F3A52-5c8e-4f55-9d1c-2b1e6f0c9a11.x"), 1);
	CU_ASSERT_EQUAL(engine_exec_name_reserved(
	    "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11."), 1);
	CU_ASSERT_EQUAL(engine_exec_name_reserved(
	    "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11"), 0);
	CU_ASSERT_EQUAL(engine_exec_name_reserved(
	    "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11-x"), 0);
	CU_ASSERT_EQUAL(engine_exec_name_reserved(
	    "0b7f3a52x5c8e-4f55-9d1c-2b1e6f0c9a11.x"), 0);
	CU_ASSERT_EQUAL(engine_exec_name_reserved(
	    "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a1g.x"), 0);
	CU_ASSERT_EQUAL(engine_exec_name_reserved("sched"), 0);
	CU_ASSERT_EQUAL(engine_exec_name_reserved("Sched.x"), 0);
	CU_ASSERT_EQUAL(engine_exec_name_reserved("order-42"), 0);
	CU_ASSERT_EQUAL(engine_exec_name_reserved(""), 0);
}

/* Roles a test caller holds: a NULL-terminated list. */
static int
has_role_list(const void *arg, const char *name)
{
	const char *const	*r;

	for (r = arg; *r != NULL; r++)
		if (strcmp(*r, name) == 0)
			return 1;
	return 0;
}

static struct tmpl *
waits(void)
{
	return load("{`name`: `w`, `global_config`: {`timeout_seconds`: "
	    "604800}, `steps`: ["
	    "{`id`: `a`, `type`: `wait`, `signal`: `go`}, "
	    "{`id`: `b`, `type`: `wait`, `signal`: `ok`, `approvers`: "
	    "{`roles`: [`fin:approve`, `ops`]}, `timeout_seconds`: 60}, "
	    "{`id`: `c`, `type`: `wait`, `signal`: `go`}, "
	    "{`id`: `d`, `type`: `wait`, `signal`: `self`, `approvers`: "
	    "{`roles`: [`fin:approve`], `exclude_owner`: true}}, "
	    "{`id`: `e`, `type`: `transform`, `output`: 1}]}");
}

/*
 * The earliest waiting step takes a signal; ties in template order;
 * a step that already took one takes no other; only waiting wait steps.
 */
static void
test_engine_wait_earliest_takes_signal(void)
{
	struct tmpl		*t = waits();
	enum engine_state	 st[5] = { WT, WT, WT, P, WT };
	int64_t			 since[5] = { 50, 10, 20, 5, 1 };
	int			 order[5], taken[5] = { 0 }, n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* e waits but is no wait step; d is pending. */
	n = engine_wait_order(t, st, since, order);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(order[0], 1);
	CU_ASSERT_EQUAL(order[1], 2);
	CU_ASSERT_EQUAL(order[2], 0);
	/* c began to wait before a: c takes "go". */
	CU_ASSERT_EQUAL(engine_wait_taker(t, st, since, NULL, "go"), 2);
	taken[2] = 1;
	CU_ASSERT_EQUAL(engine_wait_taker(t, st, since, taken, "go"), 0);
	taken[0] = 1;
	CU_ASSERT_EQUAL(engine_wait_taker(t, st, since, taken, "go"), -1);
	/* A tie: template order. */
	since[0] = since[2] = 7;
	CU_ASSERT_EQUAL(engine_wait_taker(t, st, since, NULL, "go"), 0);
	/* No step waits for it (yet): kept. */
	CU_ASSERT_EQUAL(engine_wait_taker(t, st, since, NULL, "self"), -1);
	CU_ASSERT_EQUAL(engine_wait_taker(t, st, since, NULL, "nope"), -1);
	st[0] = C;
	st[2] = ENGINE_FAILED;
	CU_ASSERT_EQUAL(engine_wait_taker(t, st, since, NULL, "go"), -1);
	/* Tmpl defaults: 86400 capped at nothing here, 60 explicit. */
	CU_ASSERT_EQUAL(t->steps[0].timeout_seconds, 86400);
	CU_ASSERT_EQUAL(t->steps[1].timeout_seconds, 60);
	CU_ASSERT_EQUAL(t->steps[3].exclude_owner, 1);
	CU_ASSERT_STRING_EQUAL(t->steps[1].signal, "ok");
	tmpl_free(t);
	/* A default wait timeout never outlives the execution's. */
	t = load("{`name`: `w`, `steps`: [{`id`: `a`, `type`: `wait`, "
	    "`signal`: `go`}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->steps[0].timeout_seconds, 3600);
	tmpl_free(t);
}

/* Who may signal (engine.md "Signals and approvers"). */
static void
test_engine_wait_approvers(void)
{
	static const char *const fin[] = { "fin:approve", NULL };
	static const char *const none[] = { NULL };
	struct tmpl		*t = waits();
	struct engine_caller	 c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	memset(&c, 0, sizeof(c));
	c.has_role = has_role_list;
	/* No approvers: the owner with workflow:execute, or an admin. */
	c.arg = none;
	c.owner = 1;
	c.execute = 1;
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "go", &c), RC_OK);
	c.execute = 0;
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "go", &c), RC_DENIED);
	c.owner = 0;
	c.execute = 1;
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "go", &c), RC_DENIED);
	c.admin = 1;
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "go", &c), RC_OK);
	c.admin = 0;
	/* Roles: one of them; the owner alone is not enough. */
	c.owner = 1;
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "ok", &c), RC_DENIED);
	c.owner = 0;
	c.arg = fin;
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "ok", &c), RC_OK);
	/* exclude_owner: not the owner even with the role, nor as admin. */
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "self", &c), RC_OK);
	c.owner = 1;
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "self", &c), RC_DENIED);
	c.admin = 1;
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "self", &c), RC_DENIED);
	/* A name no wait step uses. */
	CU_ASSERT_EQUAL(engine_wait_may_signal(t, "nope", &c), RC_NOTFOUND);
	tmpl_free(t);
}

/* A run whose only unfinished steps wait parks as waiting. */
static void
test_engine_wait_parks_as_waiting(void)
{
	struct tmpl		*t = waits();
	enum engine_state	 st[5] = { WT, C, WT, WT, C };
	int			 inflight[5] = { 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 0), ENGINE_EX_WAITING);
	CU_ASSERT_EQUAL(engine_outcome(t, st, &(int){ 0 }),
	    ENGINE_OUT_RUNNING);
	st[4] = R;
	CU_ASSERT_EQUAL(engine_park(t, st, inflight, 0), ENGINE_EX_RUNNING);
	st[4] = C;
	st[0] = st[2] = st[3] = C;
	CU_ASSERT_EQUAL(engine_outcome(t, st, &(int){ 0 }),
	    ENGINE_OUT_COMPLETED);
	tmpl_free(t);
}

void
test_engine_register(void)
{
	CU_pSuite	 s;

	s = CU_add_suite("engine", NULL, NULL);
#define ADD(f)	CU_add_test(s, #f, f)
	ADD(test_engine_diamond_runs_in_dependency_order);
	ADD(test_engine_child_name);
	ADD(test_engine_exec_name_reserved);
	ADD(test_engine_wait_earliest_takes_signal);
	ADD(test_engine_wait_approvers);
	ADD(test_engine_wait_parks_as_waiting);
	ADD(test_engine_fan_out_is_limited_by_max_parallel);
	ADD(test_engine_next_respects_output_room);
	ADD(test_engine_next_follows_template_order);
	ADD(test_engine_skipped_dependency_lets_dependents_run);
	ADD(test_engine_retry_wait_dependency_blocks_dependents);
	ADD(test_engine_failure_is_fail_fast);
	ADD(test_engine_failed_dependency_blocks_dependents);
	ADD(test_engine_outcome_reports_progress_and_completion);
	ADD(test_engine_outcome_reports_cancellation);
	ADD(test_engine_outcome_detects_stuck_graph);
	ADD(test_engine_backoff_doubles_per_attempt);
	ADD(test_engine_backoff_is_capped_at_max_interval);
	ADD(test_engine_backoff_jitter_stays_within_20_percent);
	ADD(test_engine_backoff_survives_huge_attempt);
	ADD(test_engine_retries_until_max_attempts);
	ADD(test_engine_state_names_round_trip);
	ADD(test_engine_waiting_step_is_unfinished);
	ADD(test_engine_exec_names_round_trip);
	ADD(test_engine_exec_active_and_terminal);
	ADD(test_engine_step_shown);
	ADD(test_engine_exec_pause_rules);
	ADD(test_engine_exec_resume_rules);
	ADD(test_engine_exec_cancel_rules);
	ADD(test_engine_park_paused_waits_for_inflight);
	ADD(test_engine_park_waiting_only_when_all_wait);
	ADD(test_engine_map_items_check);
	ADD(test_engine_map_next_respects_max_concurrency);
	ADD(test_engine_map_waits_for_children);
	ADD(test_engine_map_outcome_bounds);
#undef ADD
	/* The step state machine: its own suite, engine_step.c. */
	test_engine_step_register();
}
