/*
 * Signals of wait steps as the API sends and lists them
 * (include/store_signal.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store_int.h"
#include "store_signal.h"

/*
 * An approval's key: exec_pk in the high bits, then the step index
 * reversed, so that the list's order (exec_pk descending, step_idx
 * ascending) is the key's descending order. step_idx is a SMALLINT
 * UNSIGNED.
 */
#define SIG_IDX_BITS	16
#define SIG_IDX_MASK	0xffffLL

void
store_sig_exec_free(struct store_sig_exec *e)
{
	free(e->user);
	free(e->def);
	memset(e, 0, sizeof(*e));
}

/* Columns of STMT_SIG_EXEC. */
enum { SE_PK, SE_USER, SE_STATUS, SE_DEF };

int
store_sig_exec(struct store *st, const char *eid, struct store_sig_exec *e)
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	memset(e, 0, sizeof(*e));
	p[0] = SP_STR(eid);
	if ((rc = store_exec(st, STMT_SIG_EXEC, p, 1, &res, NULL, NULL)) !=
	    RC_OK)
		return rc;
	if (res.nrows == 0)
		rc = RC_NOTFOUND;
	else {
		e->pk = sres_int(&res, 0, SE_PK);
		e->user = sres_dup(&res, 0, SE_USER);
		sres_copy(&res, 0, SE_STATUS, e->status, sizeof(e->status));
		e->def = sres_dup(&res, 0, SE_DEF);
	}
	sres_free(&res);
	return rc;
}

/* Columns of STMT_SIG_LOCK. */
enum { SL_STATUS };

int
store_sig_lock(struct store *st, long long pk,
    char status[STORE_SIG_STATUS_LEN])
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_SIG_LOCK, p, 1, &res, NULL, NULL)) !=
	    RC_OK)
		return rc;
	if (res.nrows == 0)
		rc = RC_NOTFOUND;
	else
		sres_copy(&res, 0, SL_STATUS, status, STORE_SIG_STATUS_LEN);
	sres_free(&res);
	return rc;
}

void
store_sig_given_free(struct store_sig_given *g)
{
	free(g->name);
	free(g->consumed_by);
	memset(g, 0, sizeof(*g));
}

/* Columns of STMT_SIG_BY_ID. */
enum { SB_NAME, SB_CONSUMED_BY };

int
store_sig_by_id(struct store *st, long long pk, const char *sid,
    struct store_sig_given *g)
{
	struct sparam	p[2];
	struct sres	res;
	int		rc;

	memset(g, 0, sizeof(*g));
	p[0] = SP_INT(pk);
	p[1] = SP_STR(sid);
	if ((rc = store_exec(st, STMT_SIG_BY_ID, p, 2, &res, NULL, NULL)) !=
	    RC_OK)
		return rc;
	if (res.nrows == 0)
		rc = RC_NOTFOUND;
	else {
		g->name = sres_dup(&res, 0, SB_NAME);
		g->consumed_by = sres_dup(&res, 0, SB_CONSUMED_BY);
	}
	sres_free(&res);
	return rc;
}

void
store_sig_waiting_list_free(struct store_sig_waiting_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].step_id);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_SIG_WAITING_STEPS. */
enum { SW_IDX, SW_STEP_ID, SW_GIVEN };

int
store_sig_waiting_steps(struct store *st, long long pk,
    struct store_sig_waiting_list *l)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(l, 0, sizeof(*l));
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_SIG_WAITING_STEPS, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	l->v = xcalloc(res.nrows + 1, sizeof(*l->v));
	for (i = 0; i < res.nrows; i++) {
		l->v[i].idx = (int)sres_int(&res, i, SW_IDX);
		l->v[i].step_id = sres_dup(&res, i, SW_STEP_ID);
		l->v[i].given = sres_int(&res, i, SW_GIVEN);
	}
	l->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

/* Columns of STMT_SIG_COUNT_KEPT. */
enum { SK_COUNT };

int
store_sig_count_kept(struct store *st, long long pk, long long *n)
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_SIG_COUNT_KEPT, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	*n = res.nrows == 1 ? sres_int(&res, 0, SK_COUNT) : 0;
	sres_free(&res);
	return RC_OK;
}

int
store_sig_insert(struct store *st, const struct store_sig_new *s)
{
	struct sparam	p[7];

	p[0] = SP_INT(s->pk);
	p[1] = SP_STR(s->name);
	p[2] = SP_STRN(s->payload, s->plen);
	p[3] = SP_STR(s->signal_id);
	p[4] = SP_STR(s->signalled_by);
	p[5] = SP_STR(s->consumed_by);	/* NULL: kept */
	p[6] = p[5];
	return store_exec(st, STMT_SIG_INSERT, p, 7, NULL, NULL, NULL);
}

void
store_sig_approval_list_free(struct store_sig_approval_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].eid);
		free(l->v[i].user);
		free(l->v[i].step_id);
		free(l->v[i].def);
		free(l->v[i].tid);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_SIG_APPROVALS. */
enum { SA_ID, SA_USER, SA_STATUS, SA_IDX, SA_STEP, SA_SINCE, SA_DEADLINE,
    SA_DEF, SA_TID, SA_PK };

int
store_sig_approvals(struct store *st, long long before, long long limit,
    struct store_sig_approval_list *l)
{
	struct store_sig_approval	*a;
	struct sparam			 p[4];
	struct sres			 res;
	long long			 bpk, bidx;
	size_t				 i;
	int				 rc;

	memset(l, 0, sizeof(*l));
	if (before == LLONG_MAX) {
		bpk = LLONG_MAX;	/* every row */
		bidx = 0;
	} else {
		bpk = before >> SIG_IDX_BITS;
		bidx = SIG_IDX_MASK - (before & SIG_IDX_MASK);
	}
	p[0] = SP_INT(bpk);
	p[1] = SP_INT(bpk);
	p[2] = SP_INT(bidx);
	p[3] = SP_INT(limit);
	if ((rc = store_exec(st, STMT_SIG_APPROVALS, p, 4, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	l->v = xcalloc(res.nrows + 1, sizeof(*l->v));
	for (i = 0; i < res.nrows; i++) {
		a = &l->v[i];
		a->idx = (int)sres_int(&res, i, SA_IDX);
		a->key = sres_int(&res, i, SA_PK) << SIG_IDX_BITS |
		    (SIG_IDX_MASK - (a->idx & SIG_IDX_MASK));
		a->eid = sres_dup(&res, i, SA_ID);
		a->user = sres_dup(&res, i, SA_USER);
		sres_copy(&res, i, SA_STATUS, a->status, sizeof(a->status));
		a->step_id = sres_dup(&res, i, SA_STEP);
		a->since_ms = sres_ms(&res, i, SA_SINCE);
		a->deadline_ms = sres_ms(&res, i, SA_DEADLINE);
		a->def = sres_dup(&res, i, SA_DEF);
		a->tid = sres_dup(&res, i, SA_TID);
	}
	l->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}
