/*
 * The supervisor's database writes of runs: every write of a run is
 * fenced by its lease (its first statement matches only while the claim
 * is ours, and locks the row until commit); a round's writes of several
 * runs share one transaction, their outcomes and step rows going
 * SUP_ROWS_MANY per statement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "store_run.h"
#include "sup_int.h"

_Static_assert(SUP_ROWS_MANY == STORE_RUN_ROWS_MANY,
    "the round's batches are the store's");

/* The plain JSON text of o (owned by the caller), or NULL for NULL. */
static char *
json_dup(struct json_object *o)
{
	return o == NULL ? NULL : xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
}

/* The claim of r by this supervisor, the fence of its writes. */
static struct store_run_claim
claim_of(const struct sup *sp, const struct run *r)
{
	struct store_run_claim	c;

	c.pk = r->pk;
	c.claimer = sp->id;
	c.epoch = r->epoch;
	return c;
}

/* r's outcome; its JSON texts *res and *err are the caller's to free. */
static struct store_run_outcome
outcome_of(const struct sup *sp, const struct run *r, char **res,
    char **err)
{
	struct store_run_outcome	o;

	*res = json_dup(r->final_result);
	*err = json_dup(r->error_details);
	o.claim = claim_of(sp, r);
	o.status = r->final_status;
	o.result = *res;
	o.error = *err;
	o.no_notify = r->no_tmpl_notify;
	return o;
}

int
sup_write_finish(struct sup *sp, struct run *r)
{
	struct store_run_outcome	 o;
	char				*res, *err;
	int				 rc, held = 0;

	o = outcome_of(sp, r, &res, &err);
	rc = store_run_finish(sp->st, &o, &held);
	free(res);
	free(err);
	if (rc == RC_OK && !held)
		r->lost = 1;
	return rc;
}

int
sup_write_park(struct sup *sp, struct run *r, enum engine_exec to,
    enum engine_exec from, long long wake_in_us, int *parked)
{
	struct store_run_claim	c = claim_of(sp, r);

	return store_run_park(sp->st, &c, engine_exec_name(to),
	    engine_exec_name(from), wake_in_us, parked);
}

int
sup_run_dirty(const struct run *r)
{
	int	i, any = 0;

	for (i = 0; i < r->t->nsteps; i++)
		any |= r->s[i].dirty;
	return any;
}

/* The fence of a run's write, or with final its outcome; sets r->lost. */
static int
fence(struct sup *sp, struct run *r, int final)
{
	struct store_run_claim	c = claim_of(sp, r);
	int			rc, held = 0;

	if (final)
		return sup_write_finish(sp, r);
	rc = store_run_fence(sp->st, &c, (int)sp->cfg->sup.lease_seconds,
	    &held);
	if (rc == RC_OK && !held)
		r->lost = 1;
	return rc;
}

/*
 * The row of step i of r as of now (monotonic ms) into *w; its JSON
 * texts (output, error, input, history) are also in txt[0..4), the
 * caller's to free.
 */
static void
step_row(const struct run *r, int i, int64_t now,
    struct store_run_step_put *w, char **txt)
{
	const struct run_step	*s = &r->s[i];

	w->pk = r->pk;
	w->idx = i;
	w->step_id = r->t->steps[i].id;
	w->status = engine_state_api_name(s->st);
	w->attempts = s->attempts;
	w->started_ms = s->started_ms != 0 ? s->started_ms : STORE_NO_MS;
	w->completed_ms = (s->st == ENGINE_COMPLETED ||
	    s->st == ENGINE_FAILED || s->st == ENGINE_SKIPPED ||
	    s->st == ENGINE_CANCELLED) && s->completed_ms != 0 ?
	    s->completed_ms : STORE_NO_MS;
	w->output = txt[0] = json_dup(s->output);
	w->error = txt[1] = json_dup(s->error);
	/* A delay or a retry wait: what is left, in microseconds. */
	w->timer_us = s->due != 0 ? MAX(s->due - now, 0) * 1000 : -1;
	w->input = txt[2] = json_dup(s->input);
	w->history = txt[3] = json_dup(s->history);
}

/*
 * Write the changed steps of rs (run rs[k], step idx[k]) inside the
 * caller's transaction (store_run_steps_put), then their maps'
 * iterations.
 */
static int
put_steps(struct sup *sp, struct run *const *rs, const int *idx, int n)
{
	struct store_run_step_put	*w;
	char				**txt;
	int64_t				 now = util_mono_ms();
	int				 i, rc;

	w = xcalloc((size_t)n + 1, sizeof(*w));
	txt = xcalloc(4 * (size_t)n + 1, sizeof(*txt));
	for (i = 0; i < n; i++)
		step_row(rs[i], idx[i], now, &w[i], txt + 4 * i);
	rc = store_run_steps_put(sp->st, w, (size_t)n);
	for (i = 0; i < 4 * n; i++)
		free(txt[i]);
	free(txt);
	free(w);
	/* A map's iterations go with its row (sql/016). */
	for (i = 0; i < n && rc == RC_OK; i++)
		rc = sup_map_put(sp, rs[i], idx[i]);
	return rc;
}

/*
 * The statements of one run's write, inside a transaction the caller
 * holds: the first updates the execution row only while we hold the
 * lease we claimed (and locks it until commit); with final, that
 * statement is the finish itself, so the last results and the outcome
 * commit together. A lost lease sets r->lost and writes no step.
 */
static int
write_body(struct sup *sp, struct run *r, int final)
{
	struct run	*rs[TMPL_STEPS_MAX];
	int		 idx[TMPL_STEPS_MAX], i, n = 0, rc;

	if ((rc = fence(sp, r, final)) != RC_OK || r->lost)
		return rc;
	for (i = 0; i < r->t->nsteps; i++)
		if (r->s[i].dirty) {
			rs[n] = r;
			idx[n++] = i;
		}
	return put_steps(sp, rs, idx, n);
}

/*
 * Step i of r alone, in a fenced transaction of its own: RC_OK,
 * RC_CONFLICT (the lease was lost), RC_INVALID (the database refused the
 * row) or another store code.
 */
/* What a write transaction needs (the bodies of store_tx below). */
struct write_args {
	struct sup	 *sp;
	struct run	 *r;
	struct run	**rs;		/* write_round: n runs */
	int		  n;
	int		  i;		/* write_step: the step */
	int		  final;
};

static int
step_body(struct store *st, void *arg)
{
	struct write_args	*a = arg;
	struct run		*rs[1];
	int			 rc;

	(void)st;
	rs[0] = a->r;
	if ((rc = fence(a->sp, a->r, 0)) == RC_OK && !a->r->lost)
		rc = put_steps(a->sp, rs, &a->i, 1);
	/* Lost: nothing to commit. */
	return rc == RC_OK && a->r->lost ? RC_CONFLICT : rc;
}

static int
write_step(struct sup *sp, struct run *r, int i)
{
	struct write_args	a = { sp, r, NULL, 0, i, 0 };

	return store_tx(sp->st, 0, step_body, &a);
}

/* {"type": "store_refused", "message": ...} for what the database refused. */
static struct json_object *
refused_error(struct sup *sp, const char *what)
{
	struct json_object	*e = json_object_new_object();
	char			 msg[160];

	snprintf(msg, sizeof(msg), "the database refused to store %s "
	    "(error %u)", what, store_errno(sp->st));
	json_object_object_add(e, "type", json_object_new_string(
	    SUP_ERR_STORE_REFUSED));
	json_object_object_add(e, "message", json_object_new_string(msg));
	return e;
}

/*
 * Step i's row was refused: the first time, store it as a failed step
 * without its output and with a store_refused error; the second time,
 * without any error either.
 */
static void
refuse_step(struct sup *sp, struct run *r, int i, int tries)
{
	struct run_step		*s = &r->s[i];
	struct json_object	*steps, *o;

	json_object_put(s->output);
	s->output = NULL;
	json_object_put(s->error);
	s->error = tries == 0 ? refused_error(sp, "this step's result") : NULL;
	json_object_put(s->input);
	s->input = NULL;
	if (tries > 0) {
		json_object_put(s->history);
		s->history = NULL;
	}
	if (s->cmd == NULL && s->xfer == NULL) {
		(void)engine_step_refuse(&s->st);
		s->due = 0;
		if (s->completed_ms == 0)
			s->completed_ms = util_now_ms();
	}
	if (json_object_object_get_ex(r->ctx, "steps", &steps)) {
		o = json_object_new_object();
		json_object_object_add(o, "output", NULL);
		json_object_object_add(o, "status", json_object_new_string(
		    engine_state_api_name(s->st)));
		json_object_object_add(steps, r->t->steps[i].id, o);
	}
	if (tries == 0)
		r->refused++;
	log_warnx("execution %s: step %s refused by the database, failed",
	    r->id, r->t->steps[i].id);
}

/*
 * The outcome was refused (or a step of a completed run was): "failed"
 * with store_refused error details; the second time without details.
 */
static void
refuse_outcome(struct sup *sp, struct run *r, const char *step, int tries)
{
	struct json_object	*e = NULL, *d;
	char			 what[128];

	if (tries == 0) {
		if (step != NULL)
			snprintf(what, sizeof(what), "the result of step %s",
			    step);
		else
			snprintf(what, sizeof(what), "the execution's result");
		d = refused_error(sp, what);
		e = json_object_new_object();
		json_object_object_add(e, "error", json_object_get(
		    json_object_object_get(d, "message")));
		json_object_object_add(e, "type", json_object_new_string(
		    SUP_ERR_STORE_REFUSED));
		json_object_object_add(e, "step_id", step == NULL ? NULL :
		    json_object_new_string(step));
		json_object_put(d);
	}
	r->final_status = "failed";
	json_object_put(r->final_result);
	r->final_result = NULL;
	json_object_put(r->error_details);
	r->error_details = e;
	log_warnx("execution %s: outcome refused by the database, failed",
	    r->id);
}

/*
 * A write of r the database refused for good: sending it again cannot
 * succeed, so each changed step goes alone and a refused one is replaced
 * (refuse_step), then the outcome (refuse_outcome). RC_OK once all is
 * stored; a transient failure or a lost lease as usual.
 */
static int
write_refused(struct sup *sp, struct run *r, int final)
{
	const char	*step = NULL;
	int		 i, rc, tries;

	for (i = 0; i < r->t->nsteps; i++) {
		if (!r->s[i].dirty)
			continue;
		for (tries = 0; (rc = write_step(sp, r, i)) == RC_INVALID &&
		    tries < 2; tries++) {
			refuse_step(sp, r, i, tries);
			step = r->t->steps[i].id;
		}
		if (rc == RC_INVALID) {
			log_warnx("execution %s: step %s row not stored",
			    r->id, r->t->steps[i].id);
			rc = RC_OK;
		}
		if (rc != RC_OK)
			return rc;
		r->s[i].dirty = 0;
	}
	if (!final)
		return RC_OK;
	if (step != NULL && strcmp(r->final_status, "completed") == 0)
		refuse_outcome(sp, r, step, 0);
	for (tries = 0; (rc = sup_write_finish(sp, r)) == RC_INVALID &&
	    tries < 2; tries++)
		refuse_outcome(sp, r, NULL, tries);
	return rc;
}

/* After a commit that held r's write (its lease held): steps stored. */
void
sup_write_written(struct run *r)
{
	int	i;

	for (i = 0; i < r->t->nsteps; i++) {
		r->s[i].dirty = 0;
		sup_map_written(r->s[i].map);
	}
	r->ended = r->done;
}

static int
finish_body(struct store *st, void *arg)
{
	struct write_args	*a = arg;

	(void)st;
	return sup_write_finish(a->sp, a->r);
}

static int
run_body(struct store *st, void *arg)
{
	struct write_args	*a = arg;

	(void)st;
	return write_body(a->sp, a->r, a->final);
}

int
sup_write_run(struct sup *sp, struct run *r, int final)
{
	struct write_args	a;
	int			rc, dirty = sup_run_dirty(r);

	if (!dirty && !final)
		return RC_OK;
	a.sp = sp;
	a.r = r;
	a.final = final;
	if (!dirty)			/* one statement */
		rc = store_tx(sp->st, STORE_TX_AUTOCOMMIT, finish_body, &a);
	else
		rc = store_tx(sp->st, 0, run_body, &a);
	if (rc == RC_INVALID)
		rc = write_refused(sp, r, final);
	if (rc == RC_OK && r->lost)
		rc = RC_CONFLICT;
	if (rc == RC_OK)
		sup_write_written(r);
	return rc;
}

/*
 * The outcomes o[0..n) on st inside the caller's transaction,
 * SUP_ROWS_MANY per statement (one alone with its own fence). RC_OK;
 * RC_CONFLICT when a claim was lost (the caller finds which, run by
 * run); else a store code.
 */
static int
outcomes_put(struct store *st, const struct store_run_outcome *o, int n)
{
	int	i, m, rc = RC_OK, held;

	for (i = 0; i < n && rc == RC_OK; i += m) {
		if ((m = n - i) > SUP_ROWS_MANY)
			m = SUP_ROWS_MANY;
		if (m > 1)
			rc = store_run_finish_many(st, o + i, (size_t)m);
		else if ((rc = store_run_finish(st, &o[i], &held)) == RC_OK &&
		    !held)
			rc = RC_CONFLICT;
	}
	return rc;
}

/*
 * The statements of the round's writes of n runs in one transaction the
 * caller holds: the outcomes SUP_ROWS_MANY per statement, the fences of
 * runs still going one by one, then every changed step, SUP_ROWS_MANY per
 * statement. RC_CONFLICT when a lease was lost.
 */
static int
write_many(struct sup *sp, struct run **rs, int n)
{
	struct store_run_outcome	 *o;
	struct run			**srun;
	char				**txt;
	int				 *sidx, nf = 0, ns = 0, i, j, rc;

	o = xcalloc((size_t)n, sizeof(*o));
	txt = xcalloc(2 * (size_t)n, sizeof(*txt));
	for (i = 0; i < n; i++)
		if (rs[i]->done) {
			o[nf] = outcome_of(sp, rs[i], &txt[2 * nf],
			    &txt[2 * nf + 1]);
			nf++;
		}
	rc = outcomes_put(sp->st, o, nf);
	for (i = 0; i < 2 * nf; i++)
		free(txt[i]);
	free(txt);
	free(o);
	for (i = 0; i < n && rc == RC_OK; i++)
		if (!rs[i]->done && (rc = fence(sp, rs[i], 0)) == RC_OK &&
		    rs[i]->lost)
			rc = RC_CONFLICT;
	if (rc != RC_OK)
		return rc;
	for (i = 0; i < n; i++)
		for (j = 0; j < rs[i]->t->nsteps; j++)
			ns += rs[i]->s[j].dirty;
	srun = xcalloc((size_t)ns + 1, sizeof(struct run *));
	sidx = xcalloc((size_t)ns + 1, sizeof(*sidx));
	for (i = 0, ns = 0; i < n; i++)
		for (j = 0; j < rs[i]->t->nsteps; j++)
			if (rs[i]->s[j].dirty) {
				srun[ns] = rs[i];
				sidx[ns++] = j;
			}
	rc = put_steps(sp, srun, sidx, ns);
	free(srun);
	free(sidx);
	return rc;
}

/*
 * The round's writes of n runs in one transaction (one commit, one log
 * flush for all). When it fails, each run is written on its own, so that
 * one run the database refuses (or whose lease was lost) does not hold
 * back the others.
 */
static int
round_body(struct store *st, void *arg)
{
	struct write_args	*a = arg;

	(void)st;
	return write_many(a->sp, a->rs, a->n);
}

void
sup_run_write_round(struct sup *sp, struct run **rs, int n)
{
	struct write_args	a = { sp, NULL, rs, n, 0, 0 };
	int			i;

	if (n > 1) {
		if (store_tx(sp->st, 0, round_body, &a) == RC_OK) {
			for (i = 0; i < n; i++)
				sup_write_written(rs[i]);
			return;
		}
	}
	for (i = 0; i < n; i++)
		if (!rs[i]->lost && sup_write_run(sp, rs[i], rs[i]->done) !=
		    RC_OK && !rs[i]->lost)
			/* The database: try again in a while. */
			rs[i]->write_retry = util_mono_ms() +
			    SUP_WRITE_RETRY_MS;
}

void
sup_batch_build(struct sup *sp, struct run *const *rs, int n,
    struct sup_batch *b)
{
	int64_t	now = util_mono_ms();
	int	i, j, ns = 0;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++)
		ns += sup_run_dirty(rs[i]) ? rs[i]->t->nsteps : 0;
	b->o = xcalloc((size_t)n + 1, sizeof(*b->o));
	b->otxt = xcalloc(2 * (size_t)n + 1, sizeof(*b->otxt));
	b->w = xcalloc((size_t)ns + 1, sizeof(*b->w));
	b->wtxt = xcalloc(4 * (size_t)ns + 1, sizeof(*b->wtxt));
	for (i = 0; i < n; i++) {
		b->o[i] = outcome_of(sp, rs[i], &b->otxt[2 * i],
		    &b->otxt[2 * i + 1]);
		for (j = 0; j < rs[i]->t->nsteps; j++)
			if (rs[i]->s[j].dirty) {
				step_row(rs[i], j, now, &b->w[b->nw],
				    b->wtxt + 4 * b->nw);
				b->nw++;
			}
	}
	b->n = n;
}

/* The outcomes, then the steps: write_many's statements, on st. */
int
sup_batch_put(struct store *st, const struct sup_batch *b)
{
	int	rc;

	if ((rc = outcomes_put(st, b->o, b->n)) == RC_OK && b->nw > 0)
		rc = store_run_steps_put(st, b->w, (size_t)b->nw);
	return rc;
}

void
sup_batch_free(struct sup_batch *b)
{
	int	i;

	for (i = 0; i < 2 * b->n; i++)
		free(b->otxt[i]);
	for (i = 0; i < 4 * b->nw; i++)
		free(b->wtxt[i]);
	free(b->o);
	free(b->otxt);
	free(b->w);
	free(b->wtxt);
	memset(b, 0, sizeof(*b));
}
