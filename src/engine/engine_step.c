/*
 * The life of one step or map iteration (engine.md "Execution and step
 * states (extended)"): every change of its state is one of these
 * transitions. Pure: the supervisor passes in what it knows (attempts,
 * a random number, whether a timer was stored) and applies the result.
 */
#include <stdint.h>

#include "common.h"
#include "engine.h"
#include "tmpl.h"

int
engine_step_start(enum engine_state *st)
{
	if (*st != ENGINE_PENDING && *st != ENGINE_RETRY_WAIT)
		return RC_CONFLICT;
	*st = ENGINE_RUNNING;
	return RC_OK;
}

int
engine_step_complete(enum engine_state *st)
{
	if (*st != ENGINE_RUNNING && *st != ENGINE_WAITING)
		return RC_CONFLICT;
	*st = ENGINE_COMPLETED;
	return RC_OK;
}

int
engine_step_fail(const struct tmpl_step *s, int attempt, int retryable,
    double u, enum engine_state *st, int64_t *delay_ms)
{
	if (*st != ENGINE_RUNNING && *st != ENGINE_WAITING)
		return RC_CONFLICT;
	if (engine_should_retry(s, attempt, retryable)) {
		*st = ENGINE_RETRY_WAIT;
		*delay_ms = engine_retry_delay_ms(s, attempt, u);
	} else {
		*st = ENGINE_FAILED;
		*delay_ms = -1;
	}
	return RC_OK;
}

int
engine_step_wait(enum engine_state *st)
{
	if (*st != ENGINE_RUNNING)
		return RC_CONFLICT;
	*st = ENGINE_WAITING;
	return RC_OK;
}

int
engine_step_wake(enum engine_state *st)
{
	if (*st != ENGINE_WAITING)
		return RC_CONFLICT;
	*st = ENGINE_RUNNING;
	return RC_OK;
}

int
engine_step_defer(enum engine_state *st)
{
	if (*st != ENGINE_RUNNING)
		return RC_CONFLICT;
	*st = ENGINE_RETRY_WAIT;
	return RC_OK;
}

int
engine_step_skip(enum engine_state *st)
{
	if (*st != ENGINE_PENDING && *st != ENGINE_RUNNING)
		return RC_CONFLICT;
	*st = ENGINE_SKIPPED;
	return RC_OK;
}

int
engine_step_cancel(enum engine_state *st)
{
	if (*st != ENGINE_PENDING && *st != ENGINE_RUNNING &&
	    *st != ENGINE_RETRY_WAIT && *st != ENGINE_WAITING)
		return RC_CONFLICT;
	*st = ENGINE_CANCELLED;
	return RC_OK;
}

int
engine_step_refuse(enum engine_state *st)
{
	*st = ENGINE_FAILED;
	return RC_OK;
}

enum engine_resume
engine_step_resume(enum engine_state stored, int is_delay, int has_timer,
    enum engine_state *st)
{
	switch (stored) {
	case ENGINE_COMPLETED:
	case ENGINE_SKIPPED:
	case ENGINE_WAITING:
		*st = stored;
		return ENGINE_RESUME_KEEP;
	case ENGINE_FAILED:
	case ENGINE_CANCELLED:
		*st = ENGINE_PENDING;
		return ENGINE_RESUME_RESET;
	case ENGINE_RUNNING:
	case ENGINE_RETRY_WAIT:
		if (has_timer) {
			*st = is_delay ? ENGINE_RUNNING : ENGINE_RETRY_WAIT;
			return ENGINE_RESUME_TIMER;
		}
		break;
	case ENGINE_PENDING:
		break;
	}
	*st = ENGINE_PENDING;
	return ENGINE_RESUME_RERUN;
}
