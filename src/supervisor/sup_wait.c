/*
 * Signals for wait steps (engine.md "wait: signals and approvals"): a
 * held run's waiting steps take the signals the API gave them or kept
 * for them. Called when a wait step starts, when a run is loaded, at
 * each cancel poll (and so on a nudge), before a wait times out and
 * after a run parked as waiting.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "store_sigsup.h"
#include "sup_int.h"


/* Step i takes signal row id: its payload becomes the output. */
static int
deliver(struct sup *sp, struct run *r, int i, long long id)
{
	struct json_object		*out;
	struct store_sigsup_payload	 pl;

	if (store_sigsup_payload(sp->st, id, &pl) != RC_OK ||
	    !pl.has_payload) {
		store_sigsup_payload_free(&pl);
		return 0;
	}
	out = json_object_get(pl.payload);	/* NULL for a null payload */
	log_info("execution %s: step %s took signal %s from %s", r->id,
	    r->t->steps[i].id, r->t->steps[i].signal, pl.signalled_by);
	store_sigsup_payload_free(&pl);
	sup_run_wait_done(r, i, out);
	return 1;
}

int
sup_wait_take(struct sup *sp, struct run *r, int dry)
{
	enum engine_state	 st[TMPL_STEPS_MAX];
	int64_t			 since[TMPL_STEPS_MAX];
	int			 order[TMPL_STEPS_MAX];
	struct store_sigsup_list res;
	const char		*by, *name;
	char			*used = NULL;
	size_t			 j;
	int			 i, k, nw, took = 0;

	for (i = 0; i < r->t->nsteps; i++) {
		st[i] = r->s[i].st;
		since[i] = r->s[i].started_ms;
	}
	if ((nw = engine_wait_order(r->t, st, since, order)) == 0)
		return 0;
	if (store_sigsup_list(sp->st, r->pk, &res) != RC_OK)
		return 0;
	used = xcalloc(res.n + 1, 1);
	for (k = 0; k < nw; k++) {
		i = order[k];
		/* A signal already given to this step (by the API, or by us
		   before a restart). */
		for (j = 0; j < res.n; j++)
			if (!used[j] && (by = res.v[j].consumed_by) != NULL &&
			    strcmp(by, r->t->steps[i].id) == 0)
				break;
		if (j == res.n) {
			/* Else the oldest kept one of its name. */
			for (j = 0; j < res.n; j++)
				if (!used[j] && res.v[j].consumed_by ==
				    NULL && (name = res.v[j].name) != NULL &&
				    strcmp(name, r->t->steps[i].signal) == 0)
					break;
			if (j == res.n)
				continue;
			/* RC_CONFLICT: taken meanwhile. */
			if (!dry && store_sigsup_take(sp->st,
			    r->t->steps[i].id, res.v[j].id) != RC_OK)
				continue;
		}
		used[j] = 1;
		if (dry)
			took++;
		else
			took += deliver(sp, r, i, res.v[j].id);
	}
	free(used);
	store_sigsup_list_free(&res);
	return took;
}
