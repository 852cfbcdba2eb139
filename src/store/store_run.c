/*
 * The supervisor's run of one execution (include/store_run.h): the
 * statements STMT_SUP_LOAD .. STMT_SUP_STEP_PUT_MANY of store_sql.c,
 * bound and decoded here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store_int.h"
#include "store_run.h"

/* Columns of STMT_SUP_LOAD. */
enum {
	LD_ID, LD_NAME, LD_USER, LD_INPUT, LD_DEF, LD_OWNER, LD_EPOCH,
	LD_RUN_US, LD_CANCEL, LD_QUEUE_US, LD_REDRIVE, LD_PK, LD_ACCESS,
	LD_CLAIMED_BY, LD_STATUS, LD_PARENT, LD_DEPTH, LD_ROOT, LD_PAUSED_US,
	LD_NOTIFY
};

int
store_run_load(struct store *st, const long long *pks, size_t n,
    struct store_run_rows *out)
{
	struct sparam		 p[STORE_RUN_LOAD_MAX];
	struct sres		 res;
	struct store_run_row	*w;
	size_t			 j, k;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (n > STORE_RUN_LOAD_MAX)
		return RC_INVALID;
	/* Unused places hold id 0, which no row has. */
	for (k = 0; k < STORE_RUN_LOAD_MAX; k++)
		p[k] = SP_INT(k < n ? pks[k] : 0);
	if ((rc = store_exec(st, STMT_SUP_LOAD, p, STORE_RUN_LOAD_MAX, &res,
	    NULL, NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (j = 0; j < res.nrows; j++) {
		w = &out->v[out->n++];
		w->pk = sres_int(&res, j, LD_PK);
		snprintf(w->id, sizeof(w->id), "%s",
		    sres_get(&res, j, LD_ID, NULL) != NULL ?
		    sres_get(&res, j, LD_ID, NULL) : "");
		w->name = sres_dup(&res, j, LD_NAME);
		w->user = sres_dup(&res, j, LD_USER);
		w->owner = sres_dup(&res, j, LD_OWNER);
		w->input = sres_json(&res, j, LD_INPUT);
		w->def = sres_json(&res, j, LD_DEF);
		w->epoch = sres_int(&res, j, LD_EPOCH);
		w->run_us = sres_int(&res, j, LD_RUN_US);
		w->cancel = sres_int(&res, j, LD_CANCEL) != 0;
		w->queue_us = sres_int(&res, j, LD_QUEUE_US);
		w->redrive = sres_int(&res, j, LD_REDRIVE);
		w->access = sres_int(&res, j, LD_ACCESS) != 0;
		w->claimed_by = sres_dup(&res, j, LD_CLAIMED_BY);
		w->status = sres_dup(&res, j, LD_STATUS);
		w->parent_id = sres_dup(&res, j, LD_PARENT);
		w->depth = (int)sres_int(&res, j, LD_DEPTH);
		w->root_id = sres_dup(&res, j, LD_ROOT);
		w->paused_us = sres_int(&res, j, LD_PAUSED_US);
		w->notify = sres_int(&res, j, LD_NOTIFY) != 0;
	}
	sres_free(&res);
	return RC_OK;
}

void
store_run_rows_free(struct store_run_rows *rows)
{
	struct store_run_row	*w;
	size_t			 j;

	for (j = 0; rows->v != NULL && j < rows->n; j++) {
		w = &rows->v[j];
		free(w->name);
		free(w->user);
		free(w->owner);
		json_object_put(w->input);
		json_object_put(w->def);
		free(w->claimed_by);
		free(w->status);
		free(w->parent_id);
		free(w->root_id);
	}
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

/* Columns of STMT_SUP_STEPS_LOAD_DUE. */
enum {
	SL_IDX, SL_STATUS, SL_ATTEMPTS, SL_OUTPUT, SL_STARTED, SL_TIMER_US,
	SL_HISTORY, SL_INPUT
};

int
store_run_steps_load(struct store *st, long long pk,
    struct store_run_steps *out)
{
	struct sparam		 p[1];
	struct sres		 res;
	struct store_run_step	*w;
	size_t			 j;
	int			 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_SUP_STEPS_LOAD_DUE, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (j = 0; j < res.nrows; j++) {
		w = &out->v[out->n++];
		w->idx = (int)sres_int(&res, j, SL_IDX);
		w->status = sres_dup(&res, j, SL_STATUS);
		w->attempts = (int)sres_int(&res, j, SL_ATTEMPTS);
		w->output = sres_json(&res, j, SL_OUTPUT);
		w->started_ms = sres_get(&res, j, SL_STARTED, NULL) != NULL ?
		    sres_int(&res, j, SL_STARTED) : STORE_NO_MS;
		w->has_timer = sres_get(&res, j, SL_TIMER_US, NULL) != NULL;
		w->timer_us = sres_int(&res, j, SL_TIMER_US);
		w->history = sres_json(&res, j, SL_HISTORY);
		w->input = sres_json(&res, j, SL_INPUT);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_run_steps_free(struct store_run_steps *steps)
{
	size_t	j;

	for (j = 0; steps->v != NULL && j < steps->n; j++) {
		free(steps->v[j].status);
		json_object_put(steps->v[j].output);
		json_object_put(steps->v[j].history);
		json_object_put(steps->v[j].input);
	}
	free(steps->v);
	steps->v = NULL;
	steps->n = 0;
}

/* Columns of STMT_SUP_PARK_CHECK. */
enum { PC_STATUS, PC_CANCEL, PC_OURS };

int
store_run_park_check(struct store *st, const struct store_run_claim *c,
    struct store_run_park_state *out)
{
	struct sparam	 p[3];
	struct sres	 res;
	const char	*v;
	int		 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_STR(c->claimer);
	p[1] = SP_INT(c->epoch);
	p[2] = SP_INT(c->pk);
	if ((rc = store_exec(st, STMT_SUP_PARK_CHECK, p, 3, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 0)
		rc = RC_NOTFOUND;
	else {
		if ((v = sres_get(&res, 0, PC_STATUS, NULL)) != NULL)
			snprintf(out->status, sizeof(out->status), "%s", v);
		out->cancel = sres_int(&res, 0, PC_CANCEL) != 0;
		out->ours = sres_int(&res, 0, PC_OURS) == 1;
	}
	sres_free(&res);
	return rc;
}

int
store_run_release(struct store *st, const struct store_run_claim *c)
{
	struct sparam	p[3];

	p[0] = SP_INT(c->pk);
	p[1] = SP_STR(c->claimer);
	p[2] = SP_INT(c->epoch);
	return store_exec(st, STMT_SUP_RELEASE, p, 3, NULL, NULL, NULL);
}

int
store_run_fence(struct store *st, const struct store_run_claim *c,
    int lease_seconds, int *held)
{
	struct sparam	p[4];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_INT(lease_seconds);
	p[1] = SP_INT(c->pk);
	p[2] = SP_STR(c->claimer);
	p[3] = SP_INT(c->epoch);
	rc = store_exec(st, STMT_SUP_FENCE, p, 4, NULL, &n, NULL);
	*held = rc == RC_OK && n != 0;
	return rc;
}

int
store_run_finish(struct store *st, const struct store_run_outcome *o,
    int *held)
{
	struct sparam	p[7];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_STR(o->status);
	p[1] = SP_STR(o->result);
	p[2] = SP_STR(o->error);
	p[3] = o->no_notify ? SP_INT(0) : SP_NULL();
	p[4] = SP_INT(o->claim.pk);
	p[5] = SP_STR(o->claim.claimer);
	p[6] = SP_INT(o->claim.epoch);
	rc = store_exec(st, STMT_SUP_FINISH, p, 7, NULL, &n, NULL);
	*held = rc == RC_OK && n != 0;
	return rc;
}

/*
 * Where the parameters of STMT_SUP_FINISH_MANY start: (id, status)
 * pairs, (id, final_result) pairs, (id, error_details) pairs, (id,
 * tmpl_notify) pairs, the ids, the claimer, (id, epoch) pairs.
 */
enum {
	FM_STATUS = 0,
	FM_RESULT = 2 * STORE_RUN_ROWS_MANY,
	FM_ERROR = 4 * STORE_RUN_ROWS_MANY,
	FM_NOTIFY = 6 * STORE_RUN_ROWS_MANY,
	FM_IDS = 8 * STORE_RUN_ROWS_MANY,
	FM_CLAIMER = 9 * STORE_RUN_ROWS_MANY,
	FM_EPOCH = 9 * STORE_RUN_ROWS_MANY + 1,
	FM_PARAMS = 11 * STORE_RUN_ROWS_MANY + 1
};

int
store_run_finish_many(struct store *st, const struct store_run_outcome *o,
    size_t m)
{
	struct sparam			 p[FM_PARAMS], id;
	const struct store_run_outcome	*r;
	uint64_t			 n = 0;
	size_t				 k;
	int				 rc;

	if (m < 1 || m > STORE_RUN_ROWS_MANY)
		return RC_INVALID;
	for (k = 0; k < STORE_RUN_ROWS_MANY; k++) {
		r = k < m ? &o[k] : NULL;
		id = SP_INT(r != NULL ? r->claim.pk : 0);	/* 0: no row */
		p[FM_STATUS + 2 * k] = id;
		p[FM_STATUS + 2 * k + 1] = r != NULL ? SP_STR(r->status) :
		    SP_NULL();
		p[FM_RESULT + 2 * k] = id;
		p[FM_RESULT + 2 * k + 1] = SP_STR(r != NULL ? r->result : NULL);
		p[FM_ERROR + 2 * k] = id;
		p[FM_ERROR + 2 * k + 1] = SP_STR(r != NULL ? r->error : NULL);
		p[FM_NOTIFY + 2 * k] = id;
		p[FM_NOTIFY + 2 * k + 1] = r != NULL && r->no_notify ?
		    SP_INT(0) : SP_NULL();
		p[FM_IDS + k] = id;
		p[FM_EPOCH + 2 * k] = id;
		p[FM_EPOCH + 2 * k + 1] = SP_INT(r != NULL ? r->claim.epoch :
		    0);
	}
	p[FM_CLAIMER] = SP_STR(o[0].claim.claimer);
	rc = store_exec(st, STMT_SUP_FINISH_MANY, p, FM_PARAMS, NULL, &n,
	    NULL);
	if (rc == RC_OK && n != (uint64_t)m)
		rc = RC_CONFLICT;
	return rc;
}

int
store_run_park(struct store *st, const struct store_run_claim *c,
    const char *to, const char *from, long long wake_in_us, int *parked)
{
	struct sparam	p[7];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_STR(to);
	p[1] = wake_in_us >= 0 ? SP_INT(wake_in_us) : SP_NULL();
	p[2] = p[1];
	p[3] = SP_INT(c->pk);
	p[4] = SP_STR(c->claimer);
	p[5] = SP_INT(c->epoch);
	p[6] = SP_STR(from);
	rc = store_exec(st, STMT_SUP_PARK, p, 7, NULL, &n, NULL);
	*parked = rc == RC_OK && n == 1;
	return rc;
}

/* The parameters of one row of STMT_SUP_STEP_PUT_DUE, in SQL order. */
#define STEP_PARAMS	13
static void
step_params(const struct store_run_step_put *s, struct sparam *p)
{
	p[0] = SP_INT(s->pk);
	p[1] = SP_INT(s->idx);
	p[2] = SP_STR(s->step_id);
	p[3] = SP_STR(s->status);
	p[4] = SP_INT(s->attempts);
	p[5] = s->started_ms != STORE_NO_MS ? SP_INT(s->started_ms) :
	    SP_NULL();
	p[6] = s->completed_ms != STORE_NO_MS ? SP_INT(s->completed_ms) :
	    SP_NULL();
	p[7] = SP_STR(s->output);
	p[8] = SP_STR(s->error);
	p[9] = s->timer_us >= 0 ? SP_INT(s->timer_us) : SP_NULL();
	p[10] = p[9];
	p[11] = SP_STR(s->input);
	p[12] = SP_STR(s->history);
}

int
store_run_steps_put(struct store *st, const struct store_run_step_put *v,
    size_t n)
{
	struct sparam	 p[STEP_PARAMS * STORE_RUN_ROWS_MANY];
	size_t		 i, k, m;
	int		 rc = RC_OK;

	for (i = 0; i < n && rc == RC_OK; i += m) {
		m = n - i >= STORE_RUN_ROWS_MANY ? STORE_RUN_ROWS_MANY : 1;
		for (k = 0; k < m; k++)
			step_params(&v[i + k], p + STEP_PARAMS * k);
		rc = store_exec(st, m == 1 ? STMT_SUP_STEP_PUT_DUE :
		    STMT_SUP_STEP_PUT_MANY, p, STEP_PARAMS * m, NULL, NULL,
		    NULL);
	}
	return rc;
}
