/*
 * wait steps: which waiting step takes a signal, and who may send one
 * (engine.md "wait: signals and approvals", "Signals and approvers").
 * Pure: the supervisor and the API pass states and the caller in.
 */
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "engine.h"

int
engine_wait_order(const struct tmpl *t, const enum engine_state *st,
    const int64_t *since, int *out)
{
	int	i, k, n = 0;

	for (i = 0; i < t->nsteps; i++) {
		if (st[i] != ENGINE_WAITING ||
		    t->steps[i].type != TMPL_STEP_WAIT)
			continue;
		/* Insertion: earlier since first; equal keeps index order. */
		for (k = n; k > 0 && since[out[k - 1]] > since[i]; k--)
			out[k] = out[k - 1];
		out[k] = i;
		n++;
	}
	return n;
}

int
engine_wait_taker(const struct tmpl *t, const enum engine_state *st,
    const int64_t *since, const int *taken, const char *name)
{
	int	order[TMPL_STEPS_MAX], n, k, i;

	n = engine_wait_order(t, st, since, order);
	for (k = 0; k < n; k++) {
		i = order[k];
		if ((taken == NULL || !taken[i]) &&
		    strcmp(t->steps[i].signal, name) == 0)
			return i;
	}
	return -1;
}

int
engine_wait_allowed(const struct tmpl_step *s, const struct engine_caller *c)
{
	struct json_object	*v;
	size_t			 i, n;

	if (s->exclude_owner && c->owner)
		return 0;
	if (c->admin)
		return 1;
	if (s->approver_roles == NULL)
		return c->owner && c->execute;
	n = json_object_array_length(s->approver_roles);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(s->approver_roles, i);
		if (json_object_is_type(v, json_type_string) &&
		    c->has_role != NULL &&
		    c->has_role(c->arg, json_object_get_string(v)))
			return 1;
	}
	return 0;
}

int
engine_wait_may_signal(const struct tmpl *t, const char *name,
    const struct engine_caller *c)
{
	int	i, named = 0;

	for (i = 0; i < t->nsteps; i++) {
		if (t->steps[i].type != TMPL_STEP_WAIT ||
		    strcmp(t->steps[i].signal, name) != 0)
			continue;
		named = 1;
		if (!engine_wait_allowed(&t->steps[i], c))
			return RC_DENIED;
	}
	return named ? RC_OK : RC_NOTFOUND;
}
