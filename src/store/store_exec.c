/*
 * The executions API's queries (include/store_exec.h): parameters bound
 * and columns decoded next to each other, one function per statement.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store_exec.h"
#include "store_int.h"

/* A single COUNT(*) row of statement id with params p. */
static int
count_of(struct store *st, enum stmt_id id, const struct sparam *p,
    size_t n, long long *out)
{
	struct sres	res;
	int		rc;

	if ((rc = store_exec(st, id, p, n, &res, NULL, NULL)) != RC_OK)
		return rc;
	*out = sres_int(&res, 0, 0);
	sres_free(&res);
	return RC_OK;
}

/* Columns of STMT_EXEC_GET. */
enum { EG_PK, EG_ID, EG_NAME, EG_TID, EG_TVER, EG_USER, EG_STATUS, EG_INPUT,
    EG_RESULT, EG_ERROR, EG_CREATED, EG_STARTED, EG_COMPLETED, EG_CBY,
    EG_CREASON, EG_REDRIVE, EG_TPK, EG_PARENT, EG_PSTEP };

/*
 * Row i of a result with the columns of STMT_EXEC_GET first, into e, and
 * the definition of its template version (store_def_text). RC_OK, or
 * store_def_text's code (*e then freed).
 */
static int
row_decode(struct store *st, const struct sres *res, size_t i,
    struct store_exec_row *e)
{
	int	rc;

	e->pk = sres_int(res, i, EG_PK);
	sres_copy(res, i, EG_ID, e->id, UTIL_UUID_LEN);
	e->name = sres_dup(res, i, EG_NAME);
	e->template_id = sres_dup(res, i, EG_TID);
	e->template_version = sres_int(res, i, EG_TVER);
	e->user = sres_dup(res, i, EG_USER);
	e->status = sres_dup(res, i, EG_STATUS);
	e->input = sres_dup(res, i, EG_INPUT);
	e->result = sres_dup(res, i, EG_RESULT);
	e->error = sres_dup(res, i, EG_ERROR);
	e->created_ms = sres_dt_ms(res, i, EG_CREATED);
	e->started_ms = sres_dt_ms(res, i, EG_STARTED);
	e->completed_ms = sres_dt_ms(res, i, EG_COMPLETED);
	e->cancelled_by = sres_dup(res, i, EG_CBY);
	e->cancel_reason = sres_dup(res, i, EG_CREASON);
	e->redrive_count = sres_int(res, i, EG_REDRIVE);
	e->parent_id = sres_dup(res, i, EG_PARENT);
	e->parent_step = sres_dup(res, i, EG_PSTEP);
	if ((rc = store_def_text(st, sres_int(res, i, EG_TPK),
	    e->template_version, &e->definition)) != RC_OK)
		store_exec_row_free(e);
	return rc;
}

int
store_exec_get(struct store *st, const char *id, struct store_exec_row *e)
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	memset(e, 0, sizeof(*e));
	p[0] = SP_STR(id);
	if ((rc = store_exec(st, STMT_EXEC_GET, p, 1, &res, NULL, NULL)) !=
	    RC_OK)
		return rc;
	if (res.nrows == 0) {
		sres_free(&res);
		return RC_NOTFOUND;
	}
	rc = row_decode(st, &res, 0, e);
	sres_free(&res);
	return rc;
}

void
store_exec_row_free(struct store_exec_row *e)
{
	free(e->name);
	free(e->template_id);
	free(e->user);
	free(e->status);
	free(e->input);
	free(e->result);
	free(e->error);
	free(e->cancelled_by);
	free(e->cancel_reason);
	free(e->definition);
	free(e->parent_id);
	free(e->parent_step);
	memset(e, 0, sizeof(*e));
}

/* Columns of STMT_EXEC_STEPS. */
enum { ES_IDX, ES_ID, ES_STATUS, ES_ATTEMPTS, ES_STARTED, ES_COMPLETED,
    ES_OUTPUT, ES_ERROR, ES_NEXT, ES_INPUT, ES_HISTORY };

/*
 * Row i of a result whose columns from base on are those of
 * STMT_EXEC_STEPS, into v.
 */
static void
step_decode(const struct sres *res, size_t i, size_t base,
    struct store_exec_step *v)
{
	v->idx = sres_int(res, i, base + ES_IDX);
	v->step_id = sres_dup(res, i, base + ES_ID);
	v->status = sres_dup(res, i, base + ES_STATUS);
	v->attempts = sres_int(res, i, base + ES_ATTEMPTS);
	v->started_ms = sres_dt_ms(res, i, base + ES_STARTED);
	v->completed_ms = sres_dt_ms(res, i, base + ES_COMPLETED);
	v->output = sres_dup(res, i, base + ES_OUTPUT);
	v->error = sres_dup(res, i, base + ES_ERROR);
	v->next_attempt_ms = sres_dt_ms(res, i, base + ES_NEXT);
	v->input = sres_dup(res, i, base + ES_INPUT);
	v->history = sres_dup(res, i, base + ES_HISTORY);
}

int
store_exec_steps(struct store *st, long long pk, struct store_exec_steps *s)
{
	struct sparam		 p[1];
	struct sres		 res;
	size_t			 i;
	int			 rc;

	memset(s, 0, sizeof(*s));
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_EXEC_STEPS, p, 1, &res, NULL, NULL)) !=
	    RC_OK)
		return rc;
	if (res.nrows > 0)
		s->v = xcalloc(res.nrows, sizeof(*s->v));
	s->n = res.nrows;
	for (i = 0; i < res.nrows; i++) {
		step_decode(&res, i, 0, &s->v[i]);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_exec_steps_free(struct store_exec_steps *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].step_id);
		free(s->v[i].status);
		free(s->v[i].output);
		free(s->v[i].error);
		free(s->v[i].input);
		free(s->v[i].history);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Columns of STMT_EXEC_BY_NAME. */
enum { EN_ID, EN_TID, EN_HASH, EN_STATUS, EN_TVER, EN_CREATED,
    EN_COMPLETED };

int
store_exec_by_name(struct store *st, const char *user, const char *name,
    struct store_exec_named *x)
{
	struct sparam	p[2];
	struct sres	res;
	int		rc;

	memset(x, 0, sizeof(*x));
	p[0] = SP_STR(user);
	p[1] = SP_STR(name);
	if ((rc = store_exec(st, STMT_EXEC_BY_NAME, p, 2, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 0) {
		sres_free(&res);
		return RC_NOTFOUND;
	}
	sres_copy(&res, 0, EN_ID, x->id, UTIL_UUID_LEN);
	x->template_id = sres_dup(&res, 0, EN_TID);
	x->hash = sres_dup(&res, 0, EN_HASH);
	x->status = sres_dup(&res, 0, EN_STATUS);
	x->template_version = sres_int(&res, 0, EN_TVER);
	x->created_ms = sres_dt_ms(&res, 0, EN_CREATED);
	x->completed_ms = sres_dt_ms(&res, 0, EN_COMPLETED);
	sres_free(&res);
	return RC_OK;
}

void
store_exec_named_free(struct store_exec_named *x)
{
	free(x->template_id);
	free(x->hash);
	free(x->status);
	memset(x, 0, sizeof(*x));
}

int
store_exec_active_count(struct store *st, const char *user, long long *n)
{
	struct sparam	p[1];

	p[0] = SP_STR(user);
	return count_of(st, STMT_EXEC_ACTIVE_COUNT, p, 1, n);
}

int
store_exec_unfinished_count(struct store *st, const char *user,
    long long limit, long long *n)
{
	struct sparam	p[2];

	p[0] = SP_STR(user);
	p[1] = SP_INT(limit);
	return count_of(st, STMT_EXEC_UNFINISHED_COUNT, p, 2, n);
}

int
store_exec_parked_count(struct store *st, const char *user,
    long long limit, long long *n)
{
	struct sparam	p[2];

	p[0] = SP_STR(user);
	p[1] = SP_INT(limit);
	return count_of(st, STMT_EXEC_PARKED_COUNT, p, 2, n);
}

/*
 * The end of the range [prefix, hi) of the names that start with prefix
 * (ASCII from the name pattern: the last character plus one is still
 * below 0x7f). Owned by the caller.
 */
static char *
prefix_end(const char *prefix)
{
	char	*hi = xstrdup(prefix);
	size_t	 n = strlen(hi);

	if (n > 0)
		hi[n - 1]++;
	return hi;
}

/*
 * Columns of EXEC_SUMMARY_COLS, the rows of STMT_EXEC_LIST_USER,
 * _USER_STATUS, _ALL, _ALL_STATUS, _USER_PREFIX, _ALL_PREFIX, _SCHEDULE
 * and _PARENT.
 */
enum { EL_ID, EL_NAME, EL_TID, EL_TVER, EL_STATUS, EL_CREATED,
    EL_COMPLETED, EL_PK, EL_USER, EL_STARTED, EL_TNAME };

int
store_exec_list(struct store *st, const struct store_exec_filter *f,
    struct store_exec_list *l)
{
	struct store_exec_item	*v;
	struct sparam		 p[16];
	struct sres		 res;
	enum stmt_id		 id;
	char			*hi = NULL;
	size_t			 n = 0, i;
	int			 rc;

	memset(l, 0, sizeof(*l));
	if (f->prefix != NULL)
		hi = prefix_end(f->prefix);
	if (f->parent != NULL) {
		/* The children of one execution (sql/017), ix_exec_parent. */
		id = STMT_EXEC_LIST_PARENT;
		p[n++] = SP_STR(f->parent);
		p[n++] = SP_STR(f->user);
		p[n++] = SP_STR(f->user);
		p[n++] = SP_STR(f->status);
		p[n++] = SP_STR(f->status);
	} else if (f->schedule != NULL) {
		id = STMT_EXEC_LIST_SCHEDULE;
		p[n++] = SP_STR(f->schedule);
		p[n++] = SP_STR(f->schedule);
		p[n++] = SP_STR(f->user);
		p[n++] = SP_STR(f->user);
		p[n++] = SP_STR(f->user);
		p[n++] = SP_STR(f->user);
		p[n++] = SP_STR(f->prefix);
		p[n++] = SP_STR(f->prefix);
		p[n++] = SP_STR(hi);
		p[n++] = SP_STR(f->status);
		p[n++] = SP_STR(f->status);
	} else if (f->prefix != NULL) {
		id = f->user != NULL ? STMT_EXEC_LIST_USER_PREFIX :
		    STMT_EXEC_LIST_ALL_PREFIX;
		if (f->user != NULL)
			p[n++] = SP_STR(f->user);
		p[n++] = SP_STR(f->prefix);
		p[n++] = SP_STR(hi);
		p[n++] = SP_STR(f->status);
		p[n++] = SP_STR(f->status);
	} else {
		if (f->user != NULL)
			p[n++] = SP_STR(f->user);
		if (f->status != NULL)
			p[n++] = SP_STR(f->status);
		if (f->user != NULL)
			id = f->status != NULL ? STMT_EXEC_LIST_USER_STATUS :
			    STMT_EXEC_LIST_USER;
		else
			id = f->status != NULL ? STMT_EXEC_LIST_ALL_STATUS :
			    STMT_EXEC_LIST_ALL;
	}
	p[n++] = SP_INT(f->before);
	p[n++] = SP_STR(f->template_id);
	p[n++] = SP_STR(f->template_id);
	p[n++] = SP_INT(f->limit);
	rc = store_exec(st, id, p, n, &res, NULL, NULL);
	free(hi);
	if (rc != RC_OK)
		return rc;
	if (res.nrows > 0)
		l->v = xcalloc(res.nrows, sizeof(*l->v));
	l->n = res.nrows;
	for (i = 0; i < res.nrows; i++) {
		v = &l->v[i];
		sres_copy(&res, i, EL_ID, v->id, UTIL_UUID_LEN);
		v->name = sres_dup(&res, i, EL_NAME);
		v->template_id = sres_dup(&res, i, EL_TID);
		v->template_version = sres_int(&res, i, EL_TVER);
		v->status = sres_dup(&res, i, EL_STATUS);
		v->created_ms = sres_ms(&res, i, EL_CREATED);
		v->completed_ms = sres_ms(&res, i, EL_COMPLETED);
		v->pk = sres_int(&res, i, EL_PK);
		v->user = sres_dup(&res, i, EL_USER);
		v->started_ms = sres_ms(&res, i, EL_STARTED);
		v->template_name = sres_dup(&res, i, EL_TNAME);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_exec_list_free(struct store_exec_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].template_id);
		free(l->v[i].template_name);
		free(l->v[i].status);
		free(l->v[i].user);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
store_exec_cancel(struct store *st, long long pk, const char *by,
    const char *reason, uint64_t *n)
{
	struct sparam	p[3];

	/* STMT_EXEC_CANCEL: cancelled_by, reason, id. */
	p[0] = SP_STR(by);
	p[1] = SP_STR(reason);
	p[2] = SP_INT(pk);
	return store_exec(st, STMT_EXEC_CANCEL, p, 3, NULL, n, NULL);
}

int
store_exec_redrive(struct store *st, const char *user, int slots,
    long long pk, int admin_access, uint64_t *n)
{
	struct sparam	q[3], p[1];
	uint64_t	changed = 0;
	int		rc;

	/* STMT_EXEC_REDRIVE: quota slot (store_slot_update), admin, id. */
	q[1] = SP_INT(admin_access);
	q[2] = SP_INT(pk);
	rc = store_slot_update(st, user, slots, STMT_EXEC_REDRIVE, q, 3,
	    &changed);
	p[0] = SP_INT(pk);
	if (rc == RC_OK && changed == 1)
		rc = store_exec(st, STMT_EXEC_REDRIVE_STEPS, p, 1, NULL, NULL,
		    NULL);
	if (rc == RC_OK && changed == 1)
		rc = store_exec(st, STMT_EXEC_REDRIVE_ITERS, p, 1, NULL, NULL,
		    NULL);
	*n = changed;
	return rc;
}

int
store_exec_pause(struct store *st, long long pk, uint64_t *n)
{
	struct sparam	p[1];

	p[0] = SP_INT(pk);
	return store_exec(st, STMT_EXEC_PAUSE, p, 1, NULL, n, NULL);
}

int
store_exec_resume(struct store *st, const char *user, int slots,
    long long pk, uint64_t *n)
{
	struct sparam	q[2];

	/* STMT_EXEC_RESUME: quota slot (store_slot_update), id. */
	q[1] = SP_INT(pk);
	return store_slot_update(st, user, slots, STMT_EXEC_RESUME, q, 2, n);
}

/* Columns of STMT_EXEC_ITER_COUNTS. */
enum { IC_STEP, IC_STATUS, IC_N };

int
store_exec_iter_counts(struct store *st, long long pk,
    struct store_iter_counts *c)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(c, 0, sizeof(*c));
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_EXEC_ITER_COUNTS, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows > 0)
		c->v = xcalloc(res.nrows, sizeof(*c->v));
	c->n = res.nrows;
	for (i = 0; i < res.nrows; i++) {
		c->v[i].step_idx = sres_int(&res, i, IC_STEP);
		c->v[i].status = sres_dup(&res, i, IC_STATUS);
		c->v[i].n = sres_int(&res, i, IC_N);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_iter_counts_free(struct store_iter_counts *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].status);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Columns of STMT_EXEC_ITER_PAGE. */
enum { IP_IDX, IP_STATUS, IP_ATTEMPTS, IP_STARTED, IP_COMPLETED, IP_OUTPUT,
    IP_ERROR, IP_NEXT };

int
store_exec_iter_page(struct store *st, long long pk, int step,
    long long first, const char *status, long long limit,
    struct store_iter_page *l)
{
	struct store_iter_row	*v;
	struct sparam		 p[6];
	struct sres		 res;
	size_t			 i;
	int			 rc;

	memset(l, 0, sizeof(*l));
	p[0] = SP_INT(pk);
	p[1] = SP_INT(step);
	p[2] = SP_INT(first);
	p[3] = SP_STR(status);
	p[4] = SP_STR(status);
	p[5] = SP_INT(limit);
	if ((rc = store_exec(st, STMT_EXEC_ITER_PAGE, p, 6, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows > 0)
		l->v = xcalloc(res.nrows, sizeof(*l->v));
	l->n = res.nrows;
	for (i = 0; i < res.nrows; i++) {
		v = &l->v[i];
		v->idx = sres_int(&res, i, IP_IDX);
		v->status = sres_dup(&res, i, IP_STATUS);
		v->attempts = sres_int(&res, i, IP_ATTEMPTS);
		v->started_ms = sres_ms(&res, i, IP_STARTED);
		v->completed_ms = sres_ms(&res, i, IP_COMPLETED);
		v->output = sres_dup(&res, i, IP_OUTPUT);
		v->error = sres_dup(&res, i, IP_ERROR);
		v->next = sres_int(&res, i, IP_NEXT);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_iter_page_free(struct store_iter_page *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].status);
		free(l->v[i].output);
		free(l->v[i].error);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_SIG_OF_EXEC. */
enum { SO_STEP, SO_BY };

int
store_exec_signals(struct store *st, long long pk,
    struct store_exec_signals *s)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(s, 0, sizeof(*s));
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_SIG_OF_EXEC, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows > 0)
		s->v = xcalloc(res.nrows, sizeof(*s->v));
	s->n = res.nrows;
	for (i = 0; i < res.nrows; i++) {
		s->v[i].step_id = sres_dup(&res, i, SO_STEP);
		s->v[i].by = sres_dup(&res, i, SO_BY);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_exec_signals_free(struct store_exec_signals *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].step_id);
		free(s->v[i].by);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Columns of STMT_EXEC_GET_DOC: those of STMT_EXEC_GET, then the steps'. */
enum { ED_IDX = EG_PSTEP + 1 };

/* The two-statement read of store_exec_get_doc. */
static int
doc_apart(struct store *st, const char *id, struct store_exec_doc *d)
{
	int	rc;

	if ((rc = store_exec_get(st, id, &d->e)) == RC_OK)
		rc = store_exec_steps(st, d->e.pk, &d->steps);
	if (rc != RC_OK)
		store_exec_doc_free(d);
	return rc;
}

int
store_exec_get_doc(struct store *st, const char *id, struct store_exec_doc *d)
{
	struct sparam	 p[1];
	struct sres	 res;
	const char	*idx;
	size_t		 i, first;
	int		 rc;

	memset(d, 0, sizeof(*d));
	p[0] = SP_STR(id);
	if ((rc = store_exec(st, STMT_EXEC_GET_DOC, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 0) {
		sres_free(&res);
		return RC_NOTFOUND;
	}
	/* The row with the large columns: that of step 0 or the only one. */
	for (first = 0; first < res.nrows; first++)
		if ((idx = sres_get(&res, first, ED_IDX, NULL)) == NULL ||
		    strcmp(idx, "0") == 0)
			break;
	if (first == res.nrows) {
		sres_free(&res);
		return doc_apart(st, id, d);
	}
	if ((rc = row_decode(st, &res, first, &d->e)) != RC_OK) {
		sres_free(&res);
		return rc;
	}
	if (sres_get(&res, first, ED_IDX, NULL) != NULL) {
		d->steps.v = xcalloc(res.nrows, sizeof(*d->steps.v));
		d->steps.n = res.nrows;
		for (i = 0; i < res.nrows; i++)
			step_decode(&res, i, ED_IDX, &d->steps.v[i]);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_exec_doc_free(struct store_exec_doc *d)
{
	store_exec_row_free(&d->e);
	store_exec_steps_free(&d->steps);
	memset(d, 0, sizeof(*d));
}

/* Columns of STMT_WF_STEP_CHILD. */
enum { WC_ID };

int
store_exec_step_child(struct store *st, const char *eid, const char *step_id,
    char child[UTIL_UUID_LEN])
{
	struct sparam	p[2];
	struct sres	res;
	int		rc;

	child[0] = '\0';
	p[0] = SP_STR(eid);
	p[1] = SP_STR(step_id);
	if ((rc = store_exec(st, STMT_WF_STEP_CHILD, p, 2, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 0)
		rc = RC_NOTFOUND;
	else
		sres_copy(&res, 0, WC_ID, child, UTIL_UUID_LEN);
	sres_free(&res);
	return rc;
}

/* Columns of STMT_WF_CHILDREN_OPEN. */
enum { CO_PK, CO_ID };

int
store_exec_children_open(struct store *st, const char *eid,
    struct store_exec_children *c)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(c, 0, sizeof(*c));
	p[0] = SP_STR(eid);
	if ((rc = store_exec(st, STMT_WF_CHILDREN_OPEN, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows > 0)
		c->v = xcalloc(res.nrows, sizeof(*c->v));
	c->n = res.nrows;
	for (i = 0; i < res.nrows; i++) {
		c->v[i].pk = sres_int(&res, i, CO_PK);
		sres_copy(&res, i, CO_ID, c->v[i].id, UTIL_UUID_LEN);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_exec_children_free(struct store_exec_children *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}
