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
#include "sup_int.h"


/* Step i takes signal row id: its payload becomes the output. */
static int
deliver(struct sup *sp, struct run *r, int i, long long id)
{
	struct json_object	*out;
	struct sparam		 p[1];
	struct sres		 res;
	const char		*text;

	p[0] = SP_INT(id);
	if (store_exec(sp->st, STMT_SUP_SIG_PAYLOAD, p, 1, &res, NULL,
	    NULL) != RC_OK)
		return 0;
	if (res.nrows != 1 || (text = sres_get(&res, 0, 0, NULL)) == NULL) {
		sres_free(&res);
		return 0;
	}
	out = json_tokener_parse(text);	/* NULL for a null payload */
	log_info("execution %s: step %s took signal %s from %s", r->id,
	    r->t->steps[i].id, r->t->steps[i].signal,
	    sres_get(&res, 0, 1, NULL));
	sres_free(&res);
	sup_run_wait_done(r, i, out);
	return 1;
}

int
sup_wait_take(struct sup *sp, struct run *r, int dry)
{
	enum engine_state	 st[TMPL_STEPS_MAX];
	int64_t			 since[TMPL_STEPS_MAX];
	int			 order[TMPL_STEPS_MAX];
	struct sparam		 p[2];
	struct sres		 res;
	const char		*by, *name;
	char			*used = NULL;
	uint64_t		 n = 0;
	size_t			 j;
	int			 i, k, nw, took = 0;

	for (i = 0; i < r->t->nsteps; i++) {
		st[i] = r->s[i].st;
		since[i] = r->s[i].started_ms;
	}
	if ((nw = engine_wait_order(r->t, st, since, order)) == 0)
		return 0;
	p[0] = SP_INT(r->pk);
	if (store_exec(sp->st, STMT_SUP_SIG_LIST, p, 1, &res, NULL, NULL) !=
	    RC_OK)
		return 0;
	used = xcalloc(res.nrows + 1, 1);
	for (k = 0; k < nw; k++) {
		i = order[k];
		/* A signal already given to this step (by the API, or by us
		   before a restart). */
		for (j = 0; j < res.nrows; j++)
			if (!used[j] && (by = sres_get(&res, j, 2, NULL)) !=
			    NULL && strcmp(by, r->t->steps[i].id) == 0)
				break;
		if (j == res.nrows) {
			/* Else the oldest kept one of its name. */
			for (j = 0; j < res.nrows; j++)
				if (!used[j] && sres_get(&res, j, 2, NULL) ==
				    NULL && (name = sres_get(&res, j, 1,
				    NULL)) != NULL && strcmp(name,
				    r->t->steps[i].signal) == 0)
					break;
			if (j == res.nrows)
				continue;
			if (!dry) {
				p[0] = SP_STR(r->t->steps[i].id);
				p[1] = SP_INT(sres_int(&res, j, 0));
				if (store_exec(sp->st, STMT_SUP_SIG_TAKE, p, 2,
				    NULL, &n, NULL) != RC_OK || n != 1)
					continue;	/* taken meanwhile */
			}
		}
		used[j] = 1;
		if (dry)
			took++;
		else
			took += deliver(sp, r, i, sres_int(&res, j, 0));
	}
	free(used);
	sres_free(&res);
	return took;
}
