/*
 * Pure scheduling decisions for one execution (engine.md): which steps may
 * start, whether the execution has ended and how, retry backoff. No I/O,
 * no clock, no randomness: the supervisor passes states in and applies
 * the decisions.
 */
#ifndef WFM_ENGINE_H
#define WFM_ENGINE_H

#include <stdint.h>
#include "tmpl.h"

enum engine_state {
	ENGINE_PENDING,		/* not started */
	ENGINE_RUNNING,		/* an attempt is in progress */
	ENGINE_RETRY_WAIT,	/* an attempt failed, the next one is due later */
	ENGINE_COMPLETED,
	ENGINE_FAILED,		/* failed after its last attempt */
	ENGINE_SKIPPED,		/* "when" was falsy */
	ENGINE_CANCELLED
};

enum engine_outcome {
	ENGINE_OUT_RUNNING,	/* not finished */
	ENGINE_OUT_COMPLETED,	/* every step completed or skipped */
	ENGINE_OUT_FAILED,	/* a step failed (or the graph is stuck) */
	ENGINE_OUT_CANCELLED	/* a step was cancelled, none failed */
};

/*
 * Name of a state as stored: "pending", "running", "retry_wait",
 * "completed", "failed", "skipped", "cancelled" (static strings).
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
 * Mark every pending and retry_wait step cancelled (fail-fast, cancel,
 * timeout). Running steps are the caller's to stop. Returns the number
 * of steps changed.
 */
int	 engine_cancel_pending(const struct tmpl *t, enum engine_state *st);

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

#endif
