/*
 * DAG scheduling decisions: which steps start, when the execution ends.
 * Pure functions of the template and the step states.
 */
#include <string.h>

#include "common.h"
#include "engine.h"
#include "tmpl.h"

static const char *const state_names[] = {
	"pending", "running", "retry_wait", "completed", "failed", "skipped",
	"cancelled", "waiting"
};

const char *
engine_state_name(enum engine_state s)
{
	if ((size_t)s >= NITEMS(state_names))
		return "unknown";
	return state_names[s];
}

const char *
engine_state_api_name(enum engine_state s)
{
	if (s == ENGINE_RETRY_WAIT)
		return "running";
	return engine_state_name(s);
}

int
engine_state_parse(const char *s, enum engine_state *out)
{
	size_t	 i;

	for (i = 0; i < NITEMS(state_names); i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum engine_state)i;
			return RC_OK;
		}
	return RC_INVALID;
}

/* Every dependency of step i is completed or skipped. */
static int
deps_done(const struct tmpl *t, const enum engine_state *st, int i)
{
	const struct tmpl_step	*s = &t->steps[i];
	int			 k;

	for (k = 0; k < s->ndeps; k++)
		if (st[s->deps[k]] != ENGINE_COMPLETED &&
		    st[s->deps[k]] != ENGINE_SKIPPED)
			return 0;
	return 1;
}

int
engine_next(const struct tmpl *t, const enum engine_state *st, int nrunning,
    int *out, int nout)
{
	int	 i, n = 0, room;

	for (i = 0; i < t->nsteps; i++)
		if (st[i] == ENGINE_FAILED || st[i] == ENGINE_CANCELLED)
			return 0;
	room = t->max_parallel - nrunning;
	if (room > nout)
		room = nout;
	for (i = 0; i < t->nsteps && n < room; i++)
		if (st[i] == ENGINE_PENDING && deps_done(t, st, i))
			out[n++] = i;
	return n;
}

enum engine_outcome
engine_outcome(const struct tmpl *t, const enum engine_state *st, int *step)
{
	int	 i, cancelled = 0, active = 0, startable = 0, done = 0;

	if (step != NULL)
		*step = -1;
	for (i = 0; i < t->nsteps; i++) {
		switch (st[i]) {
		case ENGINE_FAILED:
			if (step != NULL)
				*step = i;
			return ENGINE_OUT_FAILED;
		case ENGINE_CANCELLED:
			cancelled = 1;
			break;
		case ENGINE_RUNNING:
		case ENGINE_RETRY_WAIT:
		case ENGINE_WAITING:
			active = 1;
			break;
		case ENGINE_COMPLETED:
		case ENGINE_SKIPPED:
			done++;
			break;
		case ENGINE_PENDING:
			if (deps_done(t, st, i))
				startable = 1;
			break;
		}
	}
	if (cancelled)
		return ENGINE_OUT_CANCELLED;
	if (done == t->nsteps)
		return ENGINE_OUT_COMPLETED;
	if (active || startable)
		return ENGINE_OUT_RUNNING;
	return ENGINE_OUT_FAILED;	/* stuck: cannot happen after tmpl_load */
}

int
engine_cancel_pending(const struct tmpl *t, enum engine_state *st)
{
	int	 i, n = 0;

	for (i = 0; i < t->nsteps; i++)
		if (st[i] == ENGINE_PENDING || st[i] == ENGINE_RETRY_WAIT ||
		    st[i] == ENGINE_WAITING) {
			st[i] = ENGINE_CANCELLED;
			n++;
		}
	return n;
}

static const char *const exec_names[] = {
	"pending", "running", "waiting", "paused", "completed", "failed",
	"cancelled", "timed_out"
};

const char *
engine_exec_name(enum engine_exec s)
{
	if ((size_t)s >= NITEMS(exec_names))
		return "unknown";
	return exec_names[s];
}

int
engine_exec_parse(const char *s, enum engine_exec *out)
{
	size_t	 i;

	for (i = 0; i < NITEMS(exec_names); i++)
		if (strcmp(s, exec_names[i]) == 0) {
			*out = (enum engine_exec)i;
			return RC_OK;
		}
	return RC_INVALID;
}

int
engine_exec_terminal(enum engine_exec s)
{
	return s == ENGINE_EX_COMPLETED || s == ENGINE_EX_FAILED ||
	    s == ENGINE_EX_CANCELLED || s == ENGINE_EX_TIMED_OUT;
}

int
engine_exec_active(enum engine_exec s)
{
	return s == ENGINE_EX_PENDING || s == ENGINE_EX_RUNNING;
}

int
engine_exec_ended(const char *status)
{
	enum engine_exec	e;

	return engine_exec_parse(status, &e) == RC_OK &&
	    engine_exec_terminal(e);
}

const char *
engine_step_shown(const char *exec, const char *stored)
{
	int	ended = engine_exec_ended(exec);

	if (stored == NULL)
		return ended ? "cancelled" : "pending";
	if (ended && (strcmp(stored, "pending") == 0 ||
	    strcmp(stored, "running") == 0 || strcmp(stored, "waiting") == 0))
		return "cancelled";
	return stored;
}

int
engine_exec_pause(enum engine_exec from, enum engine_exec *to)
{
	if (from != ENGINE_EX_PENDING && from != ENGINE_EX_RUNNING &&
	    from != ENGINE_EX_WAITING)
		return RC_CONFLICT;
	*to = ENGINE_EX_PAUSED;
	return RC_OK;
}

int
engine_exec_resume(enum engine_exec from, int held, enum engine_exec *to)
{
	if (from != ENGINE_EX_PAUSED)
		return RC_CONFLICT;
	*to = held ? ENGINE_EX_RUNNING : ENGINE_EX_PENDING;
	return RC_OK;
}

int
engine_exec_cancel(enum engine_exec from, int held, enum engine_exec *to)
{
	if (engine_exec_terminal(from))
		return RC_CONFLICT;
	if (from == ENGINE_EX_PENDING || !held)
		*to = ENGINE_EX_CANCELLED;
	else
		*to = from;
	return RC_OK;
}

enum engine_exec
engine_park(const struct tmpl *t, const enum engine_state *st,
    const int *inflight, int paused)
{
	int	 i, waiting = 0;

	for (i = 0; i < t->nsteps; i++)
		if (inflight[i])
			return ENGINE_EX_RUNNING;
	if (paused)
		return ENGINE_EX_PAUSED;
	for (i = 0; i < t->nsteps; i++) {
		switch (st[i]) {
		case ENGINE_RUNNING:
		case ENGINE_RETRY_WAIT:
			return ENGINE_EX_RUNNING;
		case ENGINE_PENDING:
			if (deps_done(t, st, i))
				return ENGINE_EX_RUNNING;
			break;
		case ENGINE_WAITING:
			waiting = 1;
			break;
		default:
			break;
		}
	}
	return waiting ? ENGINE_EX_WAITING : ENGINE_EX_RUNNING;
}
