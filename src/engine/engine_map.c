/*
 * Map step decisions (engine.md "map"): which iterations start, when a
 * map has ended and how. Pure functions of the step and the iteration
 * states.
 */
#include <stdio.h>

#include "common.h"
#include "engine.h"
#include "tmpl.h"

static const char *
json_kind(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_int:
	case json_type_double:
		return "a number";
	case json_type_string:
		return "a string";
	case json_type_object:
		return "an object";
	default:
		return "an array";
	}
}

int
engine_map_items_check(struct json_object *items, struct errmsg *err)
{
	size_t	 n;

	if (!json_object_is_type(items, json_type_array)) {
		errmsg_set(err, "items must be an array of at most %d "
		    "elements, got %s", TMPL_MAP_ITEMS_MAX, json_kind(items));
		return RC_INVALID;
	}
	n = json_object_array_length(items);
	if (n > TMPL_MAP_ITEMS_MAX) {
		errmsg_set(err, "items must be an array of at most %d "
		    "elements, got an array of %zu elements",
		    TMPL_MAP_ITEMS_MAX, n);
		return RC_INVALID;
	}
	return RC_OK;
}

int
engine_map_over(const struct tmpl_step *m, int nfailed, int n)
{
	if (nfailed > m->tolerated_failures)
		return 1;
	/* nfailed / n > pct / 100, without rounding: */
	return n > 0 && (double)nfailed * 100.0 >
	    m->tolerated_failure_percent * (double)n;
}

static int
count(const enum engine_state *st, int n, enum engine_state s)
{
	int	 i, k = 0;

	for (i = 0; i < n; i++)
		k += st[i] == s;
	return k;
}

int
engine_map_next(const struct tmpl_step *m, const enum engine_state *st,
    int n, int budget, int *out, int nout)
{
	int	 room, i, k = 0;

	if (engine_map_over(m, count(st, n, ENGINE_FAILED), n))
		return 0;
	/* A waiting iteration's child is in flight: it counts. */
	room = m->max_concurrency - count(st, n, ENGINE_RUNNING) -
	    count(st, n, ENGINE_RETRY_WAIT) - count(st, n, ENGINE_WAITING);
	if (budget >= 0 && budget < room)
		room = budget;
	if (room > nout)
		room = nout;
	for (i = 0; i < n && k < room; i++)
		if (st[i] == ENGINE_PENDING)
			out[k++] = i;
	return k;
}

enum engine_outcome
engine_map_outcome(const struct tmpl_step *m, const enum engine_state *st,
    int n, int *lowest)
{
	int	 i, failed = 0, cancelled = 0, open = 0, low = -1;

	*lowest = -1;
	for (i = 0; i < n; i++)
		switch (st[i]) {
		case ENGINE_FAILED:
			if (low < 0)
				low = i;
			failed++;
			break;
		case ENGINE_CANCELLED:
			cancelled++;
			break;
		case ENGINE_COMPLETED:
		case ENGINE_SKIPPED:
			break;
		default:
			open++;
			break;
		}
	if (engine_map_over(m, failed, n)) {
		*lowest = low;
		return ENGINE_OUT_FAILED;
	}
	if (open > 0)
		return ENGINE_OUT_RUNNING;
	return cancelled > 0 ? ENGINE_OUT_CANCELLED : ENGINE_OUT_COMPLETED;
}

int
engine_map_cancel(enum engine_state *st, int n)
{
	int	 i, k = 0;

	for (i = 0; i < n; i++)
		if (st[i] == ENGINE_PENDING || st[i] == ENGINE_RUNNING ||
		    st[i] == ENGINE_RETRY_WAIT || st[i] == ENGINE_WAITING) {
			st[i] = ENGINE_CANCELLED;
			k++;
		}
	return k;
}

int
engine_map_waits(const struct tmpl_step *m, const enum engine_state *st,
    int n)
{
	int	 next;

	if (count(st, n, ENGINE_WAITING) == 0 ||
	    count(st, n, ENGINE_RUNNING) > 0 ||
	    count(st, n, ENGINE_RETRY_WAIT) > 0)
		return 0;
	return engine_map_next(m, st, n, -1, &next, 1) == 0;
}
