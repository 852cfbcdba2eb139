/*
 * Pure scheduling decisions for one execution (engine.md): which steps may
 * start, whether the execution has ended and how, retry backoff. No I/O,
 * no clock, no randomness: the supervisor passes states in and applies
 * the decisions.
 */
#ifndef WFM_ENGINE_H
#define WFM_ENGINE_H

#include <stdint.h>
#include "common.h"
#include "tmpl.h"

enum engine_state {
	ENGINE_PENDING,		/* not started */
	ENGINE_RUNNING,		/* an attempt is in progress */
	ENGINE_RETRY_WAIT,	/* an attempt failed, the next one is due later */
	ENGINE_COMPLETED,
	ENGINE_FAILED,		/* failed after its last attempt */
	ENGINE_SKIPPED,		/* "when" was falsy */
	ENGINE_CANCELLED,
	ENGINE_WAITING		/* waiting for a signal, a callback or a
				   child: holds no slot, no handler */
};

enum engine_outcome {
	ENGINE_OUT_RUNNING,	/* not finished */
	ENGINE_OUT_COMPLETED,	/* every step completed or skipped */
	ENGINE_OUT_FAILED,	/* a step failed (or the graph is stuck) */
	ENGINE_OUT_CANCELLED	/* a step was cancelled, none failed */
};

/*
 * Name of a state as stored: "pending", "running", "retry_wait",
 * "completed", "failed", "skipped", "cancelled", "waiting" (static
 * strings).
 */
const char	*engine_state_name(enum engine_state);
/* As shown by the API: like engine_state_name but retry_wait is "running". */
const char	*engine_state_api_name(enum engine_state);
/* Parse a stored name: RC_OK and *out set, or RC_INVALID. */
int		 engine_state_parse(const char *s, enum engine_state *out);

/*
 * The steps that may start now, in template order, written to out
 * (room for nout entries; TMPL_STEPS_MAX always suffices): pending steps
 * whose dependencies are all completed or skipped, at most
 * t->max_parallel - nrunning of them, where nrunning is the number of
 * steps holding a slot (normally running plus retry_wait). Fail-fast:
 * none once a step has failed or been cancelled. st has t->nsteps
 * entries (borrowed). The caller evaluates each returned step's "when"
 * and marks it skipped instead of starting it when that is falsy.
 * Returns the number written (0..nout).
 */
int	 engine_next(const struct tmpl *t, const enum engine_state *st,
	    int nrunning, int *out, int nout);

/*
 * Whether the execution has ended and how. ENGINE_OUT_FAILED as soon as
 * a step failed, with *step (may be NULL) its index, the first in
 * template order; the caller then stops running steps, marks them
 * cancelled and calls engine_cancel_pending. ENGINE_OUT_FAILED with
 * *step = -1 when nothing is active and no pending step can ever start
 * (impossible for a template that passed tmpl_load).
 * ENGINE_OUT_CANCELLED when a step was cancelled and none failed.
 * ENGINE_OUT_COMPLETED when every step is completed or skipped.
 * Otherwise ENGINE_OUT_RUNNING. *step is -1 unless a step failed.
 */
enum engine_outcome	 engine_outcome(const struct tmpl *t,
			    const enum engine_state *st, int *step);

/*
 * Mark every pending, retry_wait and waiting step cancelled (fail-fast,
 * cancel, timeout). Running steps are the caller's to stop. Returns the
 * number of steps changed.
 */
int	 engine_cancel_pending(const struct tmpl *t, enum engine_state *st);

/*
 * The transitions of one step or map iteration (engine_step.c): the
 * only way its state changes. Each takes the current state in *st and
 * on RC_OK changes it; an impossible transition returns RC_CONFLICT and
 * leaves *st unchanged.
 */
/* An attempt begins: pending or retry_wait (its retry is due) -> running. */
int	 engine_step_start(enum engine_state *st);
/* Its result came: running or waiting -> completed. */
int	 engine_step_complete(enum engine_state *st);
/*
 * An attempt (number attempt, 1-based) failed: running or waiting ->
 * retry_wait when engine_should_retry says so, with *delay_ms the
 * backoff (engine_retry_delay_ms with u uniform in [0, 1)); else ->
 * failed with *delay_ms -1. *delay_ms is unchanged on RC_CONFLICT.
 */
int	 engine_step_fail(const struct tmpl_step *s, int attempt,
	    int retryable, double u, enum engine_state *st,
	    int64_t *delay_ms);
/*
 * The attempt waits for news (a callback, a signal, a child) without a
 * slot: running -> waiting.
 */
int	 engine_step_wait(enum engine_state *st);
/*
 * News came for a step that waits on several things at once (a map
 * whose iterations wait for their children): waiting -> running, the
 * same attempt going on.
 */
int	 engine_step_wake(enum engine_state *st);
/*
 * The attempt is put off, not failed (a workflow step whose child the
 * quota or the database holds back): running -> retry_wait; the caller
 * chooses the delay and does not count the attempt.
 */
int	 engine_step_defer(enum engine_state *st);
/*
 * Its "when" was falsy: pending -> skipped (a step reads it before it
 * starts), or running -> skipped (a map iteration reads it as its first
 * attempt begins).
 */
int	 engine_step_skip(enum engine_state *st);
/*
 * Stopped (a cancel, a timeout, a failure elsewhere): pending, running,
 * retry_wait or waiting -> cancelled. Which steps of an execution stop
 * at once: engine_cancel_pending.
 */
int	 engine_step_cancel(enum engine_state *st);
/*
 * The database refused the step's row for good: whatever it was, it is
 * stored as failed. Always RC_OK.
 */
int	 engine_step_refuse(enum engine_state *st);

/* How a stored step resumes (engine_step_resume). */
enum engine_resume {
	ENGINE_RESUME_KEEP,	/* completed, skipped: its output counts;
				   waiting: waits on, until its stored timer */
	ENGINE_RESUME_RESET,	/* failed, cancelled (only a redrive resumes
				   these): pending, attempts and history reset */
	ENGINE_RESUME_TIMER,	/* a stored timer: a delay goes on for what
				   is left (running), a retry wait starts its
				   next attempt when due (retry_wait) */
	ENGINE_RESUME_RERUN	/* pending, or running without a timer: runs
				   (again), at least once */
};
/*
 * The state a step (or iteration) stored as "stored" (retry_wait is
 * stored as running) resumes in when its execution is loaded, into *st:
 * is_delay when the step is a delay, has_timer when a timer (the next
 * attempt or the delay's end) was stored with it. Returns what else the
 * caller restores (enum engine_resume).
 */
enum engine_resume engine_step_resume(enum engine_state stored, int is_delay,
		    int has_timer, enum engine_state *st);

/*
 * Delay in ms before the attempt after "attempt" (the 1-based attempt that
 * just failed): min(initial * coefficient^(attempt-1), max) scaled by
 * (0.8 + 0.4u) for +-20 % jitter, u uniform in [0, 1) (clamped), rounded
 * to the nearest ms. Never overflows: the power stops at the cap.
 */
int64_t	 engine_retry_delay_ms(const struct tmpl_step *s, int attempt,
	    double u);

/*
 * 1 if a failed attempt number "attempt" (1-based) should be retried:
 * the failure is retryable and attempts remain; else 0.
 */
int	 engine_should_retry(const struct tmpl_step *s, int attempt,
	    int retryable);

/*
 * The status of an execution (engine.md "Execution and step states
 * (extended)"). pending and running hold the user's active quota;
 * running alone holds a supervisor slot and a lease; waiting and paused
 * hold neither and cost nothing until they are woken or resumed.
 */
enum engine_exec {
	ENGINE_EX_PENDING,
	ENGINE_EX_RUNNING,
	ENGINE_EX_WAITING,	/* every unfinished step waits */
	ENGINE_EX_PAUSED,	/* no step starts until resumed */
	ENGINE_EX_COMPLETED,
	ENGINE_EX_FAILED,
	ENGINE_EX_CANCELLED,
	ENGINE_EX_TIMED_OUT
};

/* "pending", "running", "waiting", "paused", ... (static strings). */
const char	*engine_exec_name(enum engine_exec);
/* Parse a stored name: RC_OK and *out set, or RC_INVALID. */
int		 engine_exec_parse(const char *s, enum engine_exec *out);
/* 1 for completed, failed, cancelled and timed_out. */
int		 engine_exec_terminal(enum engine_exec);
/* The same for a stored name; 0 for a name that is not a status. */
int		 engine_exec_ended(const char *status);
/* 1 when the status counts toward the user's active quota. */
int		 engine_exec_active(enum engine_exec);
/*
 * The status a document shows for a step (GET of an execution and the
 * webhook payloads: one rule for both). exec is the execution's stored
 * status, stored the step row's (NULL: no row yet). A step that had not
 * ended (no row, pending, running, waiting) when its execution ended
 * (completed, failed, cancelled, timed_out) ended with it: "cancelled".
 * Otherwise stored, or "pending" without a row. Returns stored or a
 * static string.
 */
const char	*engine_step_shown(const char *exec, const char *stored);

/*
 * Pause (engine.md "Pause and resume"): pending, running and waiting
 * become paused at once (RC_OK, *to = ENGINE_EX_PAUSED); anything else
 * is RC_CONFLICT and *to is unchanged.
 */
int	 engine_exec_pause(enum engine_exec from, enum engine_exec *to);

/*
 * Resume: paused becomes pending (RC_OK), or running when held is set:
 * the supervisor that ran it still holds its lease while its last steps
 * finish, and simply goes on. Anything else is RC_CONFLICT.
 */
int	 engine_exec_resume(enum engine_exec from, int held,
	    enum engine_exec *to);

/*
 * Cancel: pending, running, waiting and paused may be cancelled
 * (RC_OK); anything else is RC_CONFLICT. *to is ENGINE_EX_CANCELLED at
 * once when no supervisor holds the execution (held 0) or it is
 * pending; a held running or paused execution stays as it is (*to =
 * from) until its supervisor has stopped its steps.
 */
int	 engine_exec_cancel(enum engine_exec from, int held,
	    enum engine_exec *to);

/*
 * What a claimed execution whose outcome is not decided may give its
 * slot back as (a supervisor's run "parks"): inflight[i] is 1 while
 * step i has a handler or a transfer in flight (their results must be
 * recorded first). With paused set: ENGINE_EX_PAUSED once nothing is in
 * flight; pending steps, due retries and running delays wait, their
 * timers kept with the step. Otherwise ENGINE_EX_WAITING when nothing
 * is in flight, no step is running or in retry_wait, none may start,
 * and at least one waits. Else ENGINE_EX_RUNNING: keep the slot.
 */
enum engine_exec engine_park(const struct tmpl *t,
		    const enum engine_state *st, const int *inflight,
		    int paused);

/*
 * Map steps (engine.md "map"), engine_map.c. Iteration states are
 * enum engine_state (pending, running, retry_wait, completed, failed,
 * skipped, cancelled); st has n entries, one per item, in item order.
 */

/*
 * Check what a map's items expression gave: RC_OK when it is an array
 * of at most TMPL_MAP_ITEMS_MAX elements; else RC_INVALID and err
 * (NULL allowed) says what it got ("items must be an array of at most
 * 10000 elements, got an object" / "..., got an array of 10001
 * elements").
 */
int	 engine_map_items_check(struct json_object *items,
	    struct errmsg *err);

/*
 * The pending iterations that may start now, in index order, written to
 * out (room for nout): at most m->max_concurrency minus the iterations
 * running, waiting to retry or waiting for their child, and at most budget (the supervisor's
 * handlers left; negative: no limit). None once the failures passed the
 * bounds. Returns the number written.
 */
int	 engine_map_next(const struct tmpl_step *m,
	    const enum engine_state *st, int n, int budget, int *out,
	    int nout);

/*
 * 1 when nfailed failures among n items exceed either bound of m:
 * more than tolerated_failures, or more than tolerated_failure_percent
 * of n.
 */
int	 engine_map_over(const struct tmpl_step *m, int nfailed, int n);

/*
 * Whether the map has ended and how: ENGINE_OUT_FAILED as soon as the
 * failures exceed the bounds, with *lowest the lowest failed index (the
 * caller then cancels the unfinished iterations); ENGINE_OUT_CANCELLED
 * when every iteration finished and one was cancelled;
 * ENGINE_OUT_COMPLETED when every iteration finished within the bounds
 * (also for n == 0); else ENGINE_OUT_RUNNING. *lowest is -1 unless
 * failed.
 */
enum engine_outcome	 engine_map_outcome(const struct tmpl_step *m,
			    const enum engine_state *st, int n, int *lowest);

/*
 * 1 when map m can only wait for news: some iterations wait (for their
 * child execution), none runs or waits to retry, and none may start
 * now. The map step then waits too (engine_step_wait) and its execution
 * may park; 0 otherwise.
 */
int	 engine_map_waits(const struct tmpl_step *m,
	    const enum engine_state *st, int n);

/*
 * Cancel every pending, running, retry_wait and waiting iteration (the
 * caller stops running handlers first). Returns the number changed.
 */
int	 engine_map_cancel(enum engine_state *st, int n);

/*
 * Sub-workflows (engine.md "workflow", engine_subwf.c).
 */
#define ENGINE_DEPTH_MAX	8	/* a root is depth 0 */
#define ENGINE_EXEC_NAME_MAX	128	/* characters of execution_name */

/*
 * The name of the child a workflow step starts: "<parent_id>.<step_id
 * with every _ as ->[.<map_index>].<redrive>.<attempt>" (map_index < 0:
 * none). Written to buf (len bytes). RC_OK, or RC_INVALID when it would
 * not fit in len or in ENGINE_EXEC_NAME_MAX characters.
 */
int	 engine_child_name(char *buf, size_t len, const char *parent_id,
	    const char *step_id, int map_index, long long redrive,
	    int attempt);

/*
 * 1 when a client may not choose name for an execution: it starts with
 * "sched." (schedule fires) or with a UUID (8-4-4-12 hex digits, any
 * case) followed by "." (children of workflow steps). Else 0.
 */
int	 engine_exec_name_reserved(const char *name);

/*
 * wait steps (engine.md "wait: signals and approvals"), engine_wait.c.
 * The waiting wait steps in the order they take signals: earliest
 * since[i] (when the step began to wait, any monotonic unit) first, ties
 * in template order. Written to out (room for t->nsteps); returns the
 * number written.
 */
int	 engine_wait_order(const struct tmpl *t, const enum engine_state *st,
	    const int64_t *since, int *out);
/*
 * The step that takes a signal named name now: the first of
 * engine_wait_order whose signal is name and that has not taken one
 * (taken[i] 0; taken may be NULL). -1 when none waits for it.
 */
int	 engine_wait_taker(const struct tmpl *t, const enum engine_state *st,
	    const int64_t *since, const int *taken, const char *name);

/* Who asks to signal, for engine_wait_allowed. */
struct engine_caller {
	int	 admin;		/* holds the admin role */
	int	 owner;		/* is the execution's user */
	int	 execute;	/* holds workflow:execute */
	/* 1 if the caller holds the role named name. */
	int	(*has_role)(const void *arg, const char *name);
	const void *arg;
};
/*
 * 1 if the caller satisfies the approvers of wait step s: exclude_owner
 * refuses the execution's user (admin or not); then an admin may; with
 * approvers.roles, a caller holding one of them; without, the owner
 * with workflow:execute. 0 otherwise.
 */
int	 engine_wait_allowed(const struct tmpl_step *s,
	    const struct engine_caller *c);
/*
 * A signal named name: RC_OK when at least one wait step of t names it
 * and the caller satisfies the approvers of every one that does;
 * RC_NOTFOUND when none names it; RC_DENIED otherwise.
 */
int	 engine_wait_may_signal(const struct tmpl *t, const char *name,
	    const struct engine_caller *c);

#endif
