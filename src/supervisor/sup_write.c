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
#include "sup_int.h"

/* The plain JSON text of o (owned by the caller), or NULL for NULL. */
static char *
json_dup(struct json_object *o)
{
	return o == NULL ? NULL : xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
}

int
sup_write_finish(struct sup *sp, struct run *r)
{
	struct sparam	 p[7];
	uint64_t	 n = 0;
	char		*res, *err;
	int		 rc;

	res = json_dup(r->final_result);
	err = json_dup(r->error_details);
	p[0] = SP_STR(r->final_status);
	p[1] = SP_STR(res);
	p[2] = SP_STR(err);
	p[3] = r->no_tmpl_notify ? SP_INT(0) : SP_NULL();
	p[4] = SP_INT(r->pk);
	p[5] = SP_STR(sp->id);
	p[6] = SP_INT(r->epoch);
	rc = store_exec(sp->st, STMT_SUP_FINISH, p, 7, NULL, &n, NULL);
	free(res);
	free(err);
	if (rc == RC_OK && n == 0)
		r->lost = 1;
	return rc;
}

int
sup_write_park(struct sup *sp, struct run *r, enum engine_exec to,
    enum engine_exec from, long long wake_in_us, int *parked)
{
	struct sparam	 p[7];
	uint64_t	 n = 0;
	int		 rc;

	p[0] = SP_STR(engine_exec_name(to));
	p[1] = wake_in_us >= 0 ? SP_INT(wake_in_us) : SP_NULL();
	p[2] = p[1];
	p[3] = SP_INT(r->pk);
	p[4] = SP_STR(sp->id);
	p[5] = SP_INT(r->epoch);
	p[6] = SP_STR(engine_exec_name(from));
	rc = store_exec(sp->st, STMT_SUP_PARK, p, 7, NULL, &n, NULL);
	*parked = rc == RC_OK && n == 1;
	return rc;
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
	struct sparam	p[4];
	uint64_t	n = 0;
	int		rc;

	if (final)
		return sup_write_finish(sp, r);
	p[0] = SP_INT(sp->cfg->sup.lease_seconds);
	p[1] = SP_INT(r->pk);
	p[2] = SP_STR(sp->id);
	p[3] = SP_INT(r->epoch);
	rc = store_exec(sp->st, STMT_SUP_FENCE, p, 4, NULL, &n, NULL);
	if (rc == RC_OK && n == 0)
		r->lost = 1;
	return rc;
}

/*
 * The STEP_PARAMS parameters of STMT_SUP_STEP_PUT_DUE for step i of r
 * into p; *out and *err are the caller's to free after the statement.
 */
#define STEP_PARAMS	13
static void
step_params(const struct run *r, int i, int64_t now, struct sparam *p,
    char **out, char **err, char **in, char **hist)
{
	const struct run_step	*s = &r->s[i];
	int64_t			 left;

	*out = json_dup(s->output);
	*err = json_dup(s->error);
	*in = json_dup(s->input);
	*hist = json_dup(s->history);
	p[0] = SP_INT(r->pk);
	p[1] = SP_INT(i);
	p[2] = SP_STR(r->t->steps[i].id);
	p[3] = SP_STR(engine_state_api_name(s->st));
	p[4] = SP_INT(s->attempts);
	p[5] = s->started_ms != 0 ? SP_INT(s->started_ms) : SP_NULL();
	p[6] = (s->st == ENGINE_COMPLETED || s->st == ENGINE_FAILED ||
	    s->st == ENGINE_SKIPPED || s->st == ENGINE_CANCELLED) &&
	    s->completed_ms != 0 ? SP_INT(s->completed_ms) : SP_NULL();
	p[7] = SP_STR(*out);
	p[8] = SP_STR(*err);
	/* A delay or a retry wait: what is left, in microseconds. */
	left = s->due != 0 ? MAX(s->due - now, 0) * 1000 : 0;
	p[9] = s->due != 0 ? SP_INT(left) : SP_NULL();
	p[10] = p[9];
	p[11] = SP_STR(*in);
	p[12] = SP_STR(*hist);
}

/*
 * Write the changed steps of rs (run rs[k], step idx[k]) inside the
 * caller's transaction: SUP_ROWS_MANY rows per statement, the rest one
 * by one.
 */
static int
put_steps(struct sup *sp, struct run *const *rs, const int *idx, int n)
{
	struct sparam	 p[STEP_PARAMS * SUP_ROWS_MANY];
	char		*out[SUP_ROWS_MANY], *err[SUP_ROWS_MANY];
	char		*in[SUP_ROWS_MANY], *hist[SUP_ROWS_MANY];
	int64_t		 now = util_mono_ms();
	int		 i, k, m, rc = RC_OK;

	for (i = 0; i < n && rc == RC_OK; i += m) {
		m = n - i >= SUP_ROWS_MANY ? SUP_ROWS_MANY : 1;
		for (k = 0; k < m; k++)
			step_params(rs[i + k], idx[i + k], now,
			    p + STEP_PARAMS * k, &out[k], &err[k], &in[k],
			    &hist[k]);
		rc = store_exec(sp->st, m == 1 ? STMT_SUP_STEP_PUT_DUE :
		    STMT_SUP_STEP_PUT_MANY, p, (size_t)(STEP_PARAMS * m), NULL,
		    NULL, NULL);
		for (k = 0; k < m; k++) {
			free(out[k]);
			free(err[k]);
			free(in[k]);
			free(hist[k]);
		}
	}
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
		s->st = ENGINE_FAILED;
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
static void
written(struct run *r)
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
		written(r);
	return rc;
}

/*
 * Where the parameters of STMT_SUP_FINISH_MANY start: (id, status)
 * pairs, (id, final_result) pairs, (id, error_details) pairs, (id,
 * tmpl_notify) pairs, the ids, the claimer, (id, epoch) pairs.
 */
enum {
	FM_STATUS = 0,
	FM_RESULT = 2 * SUP_ROWS_MANY,
	FM_ERROR = 4 * SUP_ROWS_MANY,
	FM_NOTIFY = 6 * SUP_ROWS_MANY,
	FM_IDS = 8 * SUP_ROWS_MANY,
	FM_CLAIMER = 9 * SUP_ROWS_MANY,
	FM_EPOCH = 9 * SUP_ROWS_MANY + 1,
	FM_PARAMS = 11 * SUP_ROWS_MANY + 1
};

/*
 * The outcomes of m (2 to SUP_ROWS_MANY) decided runs in one statement;
 * RC_CONFLICT when fewer rows matched than were sent (a lease was lost:
 * the caller finds which, run by run).
 */
static int
finish_many(struct sup *sp, struct run *const *rs, int m)
{
	struct sparam		 p[FM_PARAMS], id;
	char			*res[SUP_ROWS_MANY], *err[SUP_ROWS_MANY];
	const struct run	*r;
	uint64_t		 n = 0;
	int			 k, rc;

	for (k = 0; k < SUP_ROWS_MANY; k++) {
		r = k < m ? rs[k] : NULL;
		res[k] = r == NULL ? NULL : json_dup(r->final_result);
		err[k] = r == NULL ? NULL : json_dup(r->error_details);
		id = SP_INT(r != NULL ? r->pk : 0);	/* 0: no row */
		p[FM_STATUS + 2 * k] = id;
		p[FM_STATUS + 2 * k + 1] = r != NULL ?
		    SP_STR(r->final_status) : SP_NULL();
		p[FM_RESULT + 2 * k] = id;
		p[FM_RESULT + 2 * k + 1] = SP_STR(res[k]);
		p[FM_ERROR + 2 * k] = id;
		p[FM_ERROR + 2 * k + 1] = SP_STR(err[k]);
		p[FM_NOTIFY + 2 * k] = id;
		p[FM_NOTIFY + 2 * k + 1] = r != NULL && r->no_tmpl_notify ?
		    SP_INT(0) : SP_NULL();
		p[FM_IDS + k] = id;
		p[FM_EPOCH + 2 * k] = id;
		p[FM_EPOCH + 2 * k + 1] = SP_INT(r != NULL ? r->epoch : 0);
	}
	p[FM_CLAIMER] = SP_STR(sp->id);
	rc = store_exec(sp->st, STMT_SUP_FINISH_MANY, p, FM_PARAMS, NULL, &n,
	    NULL);
	for (k = 0; k < SUP_ROWS_MANY; k++) {
		free(res[k]);
		free(err[k]);
	}
	if (rc == RC_OK && n != (uint64_t)m)
		rc = RC_CONFLICT;
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
	struct run	**fin, **srun;
	int		 *sidx, nf = 0, ns = 0, i, j, m, rc = RC_OK;

	fin = xcalloc((size_t)n, sizeof(struct run *));
	for (i = 0; i < n; i++)
		if (rs[i]->done)
			fin[nf++] = rs[i];
	for (i = 0; i < nf && rc == RC_OK; i += m) {
		if ((m = nf - i) > SUP_ROWS_MANY)
			m = SUP_ROWS_MANY;
		if (m > 1)
			rc = finish_many(sp, fin + i, m);
		else if ((rc = sup_write_finish(sp, fin[i])) == RC_OK &&
		    fin[i]->lost)
			rc = RC_CONFLICT;
	}
	free(fin);
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
				written(rs[i]);
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

