/*
 * Schedules and their fires (include/store_sched.h): the statements
 * STMT_SCHED_* of store_sql.c, each bound and decoded here, next to the
 * order of its columns.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "jsonx.h"
#include "store_int.h"
#include "store_sched.h"

/* A time parameter: SQL NULL for STORE_NO_MS (any negative time). */
static struct sparam
sp_time(long long t)
{
	return t < 0 ? SP_NULL() : SP_INT(t);
}

void
store_sched_free(struct store_sched *s)
{
	if (s == NULL)
		return;
	free(s->owner);
	free(s->name);
	free(s->cron);
	free(s->timezone);
	free(s->input);
	free(s->last_exec);
	free(s->last_status);
	memset(s, 0, sizeof(*s));
}

void
store_sched_list_free(struct store_sched_list *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		store_sched_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
store_sched_fire_free(struct store_sched_fire *f)
{
	if (f == NULL)
		return;
	free(f->execution_id);
	free(f->reason);
	memset(f, 0, sizeof(*f));
}

void
store_sched_fire_list_free(struct store_sched_fire_list *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		store_sched_fire_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * The columns of SCHED_COLS in store_sql.c: STMT_SCHED_GET,
 * STMT_SCHED_LIST_OWNER, STMT_SCHED_LIST_ALL and STMT_SCHED_CTL_LIST.
 */
enum sched_col { SC_PK, SC_ID, SC_OWNER, SC_NAME, SC_TID, SC_CRON,
    SC_INTERVAL, SC_TZ, SC_INPUT, SC_OVERLAP, SC_CATCHUP, SC_PAUSED,
    SC_CREATED, SC_UPDATED, SC_LAST_FIRE, SC_LAST_EXEC, SC_LAST_STATUS,
    SC_TPK, SC_ADMIN, SC_NEXT };

static void
sched_decode(const struct sres *res, size_t row, struct store_sched *s)
{
	memset(s, 0, sizeof(*s));
	s->pk = sres_int(res, row, SC_PK);
	sres_copy(res, row, SC_ID, s->id, sizeof(s->id));
	s->owner = sres_dup(res, row, SC_OWNER);
	s->name = sres_dup(res, row, SC_NAME);
	s->template_pk = sres_int(res, row, SC_TPK);
	sres_copy(res, row, SC_TID, s->template_id, sizeof(s->template_id));
	s->cron = sres_dup(res, row, SC_CRON);
	s->interval = sres_int(res, row, SC_INTERVAL);
	s->timezone = sres_dup(res, row, SC_TZ);
	s->input = sres_dup(res, row, SC_INPUT);
	s->input_len = s->input != NULL ? strlen(s->input) : 0;
	sres_copy(res, row, SC_OVERLAP, s->overlap, sizeof(s->overlap));
	sres_copy(res, row, SC_CATCHUP, s->catchup, sizeof(s->catchup));
	s->paused = sres_int(res, row, SC_PAUSED) != 0;
	s->admin_access = sres_int(res, row, SC_ADMIN) != 0;
	s->created_ms = sres_ms(res, row, SC_CREATED);
	s->updated_ms = sres_ms(res, row, SC_UPDATED);
	s->last_fire_ms = sres_ms(res, row, SC_LAST_FIRE);
	s->last_exec = sres_dup(res, row, SC_LAST_EXEC);
	s->last_status = sres_dup(res, row, SC_LAST_STATUS);
	s->next_fire_s = sres_ms(res, row, SC_NEXT);
	s->buffered_s = STORE_NO_MS;
}

/* Run stmt, a SELECT of SCHED_COLS, into *out. */
static int
sched_select(struct store *st, enum stmt_id stmt, const struct sparam *p,
    size_t np, struct store_sched_list *out)
{
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_exec(st, stmt, p, np, &res, NULL, NULL)) != RC_OK)
		goto out;
	if (res.nrows == 0)
		goto out;
	out->v = xcalloc(res.nrows, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++)
		sched_decode(&res, i, &out->v[i]);
	out->n = res.nrows;
out:
	sres_free(&res);
	return rc;
}

int
store_sched_get(struct store *st, const char *id, struct store_sched *s)
{
	struct store_sched_list	l;
	struct sparam		p[1];
	int			rc;

	memset(s, 0, sizeof(*s));
	p[0] = SP_STR(id);
	if ((rc = sched_select(st, STMT_SCHED_GET, p, 1, &l)) == RC_OK &&
	    l.n == 0)
		rc = RC_NOTFOUND;
	if (rc == RC_OK) {
		*s = l.v[0];		/* the row's strings go to the caller */
		memset(&l.v[0], 0, sizeof(l.v[0]));
	}
	store_sched_list_free(&l);
	return rc;
}

int
store_sched_list(struct store *st, const char *owner, long long before,
    long long limit, struct store_sched_list *out)
{
	struct sparam	p[3];

	if (owner == NULL) {
		p[0] = SP_INT(before);
		p[1] = SP_INT(limit);
		return sched_select(st, STMT_SCHED_LIST_ALL, p, 2, out);
	}
	p[0] = SP_STR(owner);
	p[1] = SP_INT(before);
	p[2] = SP_INT(limit);
	return sched_select(st, STMT_SCHED_LIST_OWNER, p, 3, out);
}

int
store_sched_list_after(struct store *st, long long after, long long limit,
    struct store_sched_list *out)
{
	struct sparam	p[2];

	p[0] = SP_INT(after);
	p[1] = SP_INT(limit);
	return sched_select(st, STMT_SCHED_CTL_LIST, p, 2, out);
}

/*
 * The parameters of STMT_SCHED_INSERT from name on (its 3rd to 14th) and
 * of STMT_SCHED_UPDATE (its 1st to 12th): name, template_pk,
 * template_id, cron, interval, timezone, input, overlap, catchup, paused,
 * admin_access, next fire.
 */
static size_t
sched_params(const struct store_sched_new *x, struct sparam *p)
{
	size_t	n = 0;

	p[n++] = SP_STR(x->name);
	p[n++] = SP_INT(x->template_pk);
	p[n++] = SP_STR(x->template_id);
	p[n++] = SP_STR(x->cron);
	p[n++] = x->cron == NULL ? SP_INT(x->interval) : SP_NULL();
	p[n++] = SP_STR(x->timezone);
	p[n++] = SP_STR(x->input);
	p[n++] = SP_STR(x->overlap);
	p[n++] = SP_STR(x->catchup);
	p[n++] = SP_INT(x->paused);
	p[n++] = SP_INT(x->admin_access);
	p[n++] = sp_time(x->next_fire_s);
	return n;
}

int
store_sched_insert(struct store *st, const struct store_sched_new *x)
{
	struct sparam	p[15];
	size_t		n = 0;

	p[n++] = SP_STR(x->id);
	p[n++] = SP_STR(x->owner);
	n += sched_params(x, p + n);
	p[n++] = SP_INT(x->owner_slot);
	return store_exec(st, STMT_SCHED_INSERT, p, n, NULL, NULL, NULL);
}

int
store_sched_update(struct store *st, long long pk,
    const struct store_sched_new *x)
{
	struct sparam	p[13];
	size_t		n;

	n = sched_params(x, p);
	p[n++] = SP_INT(pk);
	return store_exec(st, STMT_SCHED_UPDATE, p, n, NULL, NULL, NULL);
}

int
store_sched_delete(struct store *st, long long pk, int *deleted)
{
	struct sparam	p[1];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_INT(pk);
	rc = store_exec(st, STMT_SCHED_DELETE, p, 1, NULL, &n, NULL);
	*deleted = rc == RC_OK && n > 0;
	return rc;
}

int
store_sched_pause(struct store *st, long long pk)
{
	struct sparam	p[1];

	p[0] = SP_INT(pk);
	return store_exec(st, STMT_SCHED_PAUSE, p, 1, NULL, NULL, NULL);
}

int
store_sched_resume(struct store *st, long long pk, long long next_s)
{
	struct sparam	p[2];

	p[0] = sp_time(next_s);
	p[1] = SP_INT(pk);
	return store_exec(st, STMT_SCHED_RESUME, p, 2, NULL, NULL, NULL);
}

int
store_sched_pause_template(struct store *st, long long tpk)
{
	struct sparam	p[1];

	p[0] = SP_INT(tpk);
	return store_exec(st, STMT_SCHED_PAUSE_TEMPLATE, p, 1, NULL, NULL,
	    NULL);
}

/*
 * The one number of stmt (STMT_SCHED_COUNT_OWNER, STMT_SCHED_FREE_SLOT,
 * STMT_SCHED_NAME_TAKEN: a single row, a single column) into *v; RC_ERR
 * when the server returned no row.
 */
static int
one_number(struct store *st, enum stmt_id stmt, const struct sparam *p,
    size_t np, long long *v)
{
	struct sres	res;
	int		rc;

	*v = 0;
	if ((rc = store_exec(st, stmt, p, np, &res, NULL, NULL)) == RC_OK &&
	    res.nrows != 1)
		rc = RC_ERR;
	if (rc == RC_OK)
		*v = sres_int(&res, 0, 0);
	sres_free(&res);
	return rc;
}

int
store_sched_count_owner(struct store *st, const char *owner, long long *n)
{
	struct sparam	p[1];

	p[0] = SP_STR(owner);
	return one_number(st, STMT_SCHED_COUNT_OWNER, p, 1, n);
}

int
store_sched_free_slot(struct store *st, const char *owner, long long *slot)
{
	struct sparam	p[2];

	p[0] = SP_STR(owner);
	p[1] = SP_STR(owner);
	return one_number(st, STMT_SCHED_FREE_SLOT, p, 2, slot);
}

int
store_sched_name_taken(struct store *st, const char *owner,
    const char *name, int *taken)
{
	struct sparam	p[2];
	long long	n;
	int		rc;

	p[0] = SP_STR(owner);
	p[1] = SP_STR(name);
	rc = one_number(st, STMT_SCHED_NAME_TAKEN, p, 2, &n);
	*taken = rc == RC_OK && n > 0;
	return rc;
}

/* The columns of FIRE_COLS: STMT_SCHED_FIRES, STMT_SCHED_LAST_FIRE. */
enum fire_col { FC_PK, FC_AT, FC_FIRED, FC_MANUAL, FC_EXEC, FC_REASON };

static void
fire_decode(const struct sres *res, size_t row, struct store_sched_fire *f)
{
	memset(f, 0, sizeof(*f));
	f->pk = sres_int(res, row, FC_PK);
	f->fire_ms = sres_ms(res, row, FC_AT);
	f->fired_ms = sres_ms(res, row, FC_FIRED);
	f->manual = sres_int(res, row, FC_MANUAL) != 0;
	f->execution_id = sres_dup(res, row, FC_EXEC);
	f->reason = sres_dup(res, row, FC_REASON);
}

int
store_sched_last_fire(struct store *st, long long pk,
    struct store_sched_fire *f)
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	memset(f, 0, sizeof(*f));
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_SCHED_LAST_FIRE, p, 1, &res, NULL,
	    NULL)) == RC_OK && res.nrows == 0)
		rc = RC_NOTFOUND;
	if (rc == RC_OK)
		fire_decode(&res, 0, f);
	sres_free(&res);
	return rc;
}

int
store_sched_fires(struct store *st, long long pk, long long before,
    long long limit, struct store_sched_fire_list *out)
{
	struct sparam	p[3];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(pk);
	p[1] = SP_INT(before);
	p[2] = SP_INT(limit);
	if ((rc = store_exec(st, STMT_SCHED_FIRES, p, 3, &res, NULL,
	    NULL)) == RC_OK && res.nrows > 0) {
		out->v = xcalloc(res.nrows, sizeof(*out->v));
		for (i = 0; i < res.nrows; i++)
			fire_decode(&res, i, &out->v[i]);
		out->n = res.nrows;
	}
	sres_free(&res);
	return rc;
}

int
store_sched_fire_insert(struct store *st,
    const struct store_sched_fire_new *x, long long *pk)
{
	struct sparam	p[5];
	uint64_t	id = 0;
	int		rc;

	p[0] = SP_INT(x->schedule_pk);
	p[1] = SP_INT(x->fire_ms);
	p[2] = SP_INT(x->manual);
	p[3] = SP_STR(x->execution_id);
	p[4] = SP_STR(x->reason);
	rc = store_exec(st, STMT_SCHED_FIRE_INSERT, p, 5, NULL, NULL, &id);
	if (pk != NULL)
		*pk = rc == RC_OK ? (long long)id : 0;
	return rc;
}

int
store_sched_set_last(struct store *st, long long pk, long long fire_ms,
    const char *eid)
{
	struct sparam	p[3];

	p[0] = SP_INT(fire_ms);
	p[1] = SP_STR(eid);
	p[2] = SP_INT(pk);
	return store_exec(st, STMT_SCHED_SET_LAST, p, 3, NULL, NULL, NULL);
}

int
store_sched_fires_trim(struct store *st, long long pk)
{
	struct sparam	p[2];

	p[0] = SP_INT(pk);
	p[1] = SP_INT(pk);
	return store_exec(st, STMT_SCHED_FIRES_TRIM, p, 2, NULL, NULL, NULL);
}

int
store_sched_prune(struct store *st, long long days, uint64_t *n)
{
	struct sparam	p[1];

	*n = 0;
	p[0] = SP_INT(days);
	return store_exec(st, STMT_SCHED_PRUNE, p, 1, NULL, n, NULL);
}

/* The columns of STMT_SCHED_DUE; D_NOW is the database's clock. */
enum due_col { D_PK, D_ID, D_OWNER, D_NAME, D_TPK, D_CRON, D_INTERVAL, D_TZ,
    D_INPUT, D_OVERLAP, D_CATCHUP, D_ADMIN, D_NEXT, D_BUF, D_LAST, D_NOW };

static void
due_decode(const struct sres *res, size_t row, struct store_sched *s)
{
	memset(s, 0, sizeof(*s));
	s->pk = sres_int(res, row, D_PK);
	sres_copy(res, row, D_ID, s->id, sizeof(s->id));
	s->owner = sres_dup(res, row, D_OWNER);
	s->name = sres_dup(res, row, D_NAME);
	s->template_pk = sres_int(res, row, D_TPK);
	s->cron = sres_dup(res, row, D_CRON);
	s->interval = sres_int(res, row, D_INTERVAL);
	s->timezone = sres_dup(res, row, D_TZ);
	s->input = sres_dup(res, row, D_INPUT);
	s->input_len = s->input != NULL ? strlen(s->input) : 0;
	sres_copy(res, row, D_OVERLAP, s->overlap, sizeof(s->overlap));
	sres_copy(res, row, D_CATCHUP, s->catchup, sizeof(s->catchup));
	s->admin_access = sres_int(res, row, D_ADMIN) != 0;
	s->next_fire_s = sres_ms(res, row, D_NEXT);
	s->buffered_s = sres_ms(res, row, D_BUF);
	s->last_exec = sres_dup(res, row, D_LAST);
	s->created_ms = s->updated_ms = s->last_fire_ms = STORE_NO_MS;
}

int
store_sched_due(struct store *st, long long limit,
    struct store_sched_list *out, long long *now_s)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	*now_s = STORE_NO_MS;
	p[0] = SP_INT(limit);
	if ((rc = store_exec(st, STMT_SCHED_DUE, p, 1, &res, NULL, NULL)) ==
	    RC_OK && res.nrows > 0) {
		out->v = xcalloc(res.nrows, sizeof(*out->v));
		for (i = 0; i < res.nrows; i++)
			due_decode(&res, i, &out->v[i]);
		out->n = res.nrows;
		/* One clock per statement: every row holds the same. */
		*now_s = sres_int(&res, 0, D_NOW);
	}
	sres_free(&res);
	return rc;
}

void
store_sched_tmpl_free(struct store_sched_tmpl *t)
{
	if (t == NULL)
		return;
	json_object_put(t->definition);
	memset(t, 0, sizeof(*t));
}

/* The columns of STMT_SCHED_TMPL. */
enum stmpl_col { ST_TID, ST_VERSION, ST_DELETED, ST_DEF, ST_MAY };

int
store_sched_tmpl(struct store *st, const char *owner, long long tpk,
    struct store_sched_tmpl *t)
{
	struct sparam	 p[3];
	struct sres	 res;
	const char	*def, *msg;
	size_t		 len, pos;
	int		 rc;

	memset(t, 0, sizeof(*t));
	p[0] = SP_STR(owner);
	p[1] = SP_STR(owner);
	p[2] = SP_INT(tpk);
	if ((rc = store_exec(st, STMT_SCHED_TMPL, p, 3, &res, NULL,
	    NULL)) == RC_OK && res.nrows == 0)
		rc = RC_NOTFOUND;
	if (rc != RC_OK)
		goto out;
	sres_copy(&res, 0, ST_TID, t->template_id, sizeof(t->template_id));
	t->version = sres_int(&res, 0, ST_VERSION);
	t->deleted = sres_int(&res, 0, ST_DELETED) != 0;
	t->may_use = sres_int(&res, 0, ST_MAY) != 0;
	if ((def = sres_get(&res, 0, ST_DEF, &len)) != NULL &&
	    jsonx_parse(def, len, &t->definition, &pos, &msg) != RC_OK)
		t->definition = NULL;
out:
	sres_free(&res);
	return rc;
}

int
store_sched_exec_status(struct store *st, const char *eid,
    char status[STORE_SCHED_STATUS_LEN])
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	status[0] = '\0';
	p[0] = SP_STR(eid);
	if ((rc = store_exec(st, STMT_SCHED_EXEC_STATUS, p, 1, &res, NULL,
	    NULL)) == RC_OK &&
	    (res.nrows != 1 || sres_get(&res, 0, 0, NULL) == NULL))
		rc = RC_NOTFOUND;
	if (rc == RC_OK)
		sres_copy(&res, 0, 0, status, STORE_SCHED_STATUS_LEN);
	sres_free(&res);
	return rc;
}

int
store_sched_advance(struct store *st, long long pk,
    const struct store_sched_advance *a)
{
	struct sparam	p[6];

	p[0] = sp_time(a->next_fire_s);
	p[1] = sp_time(a->buffered_s);
	p[2] = sp_time(a->last_fire_ms);
	p[3] = SP_STR(a->last_exec);
	p[4] = SP_INT(a->pause);
	p[5] = SP_INT(pk);
	return store_exec(st, STMT_SCHED_ADVANCE, p, 6, NULL, NULL, NULL);
}

int
store_sched_next_due(struct store *st, long long *us)
{
	struct sres	res;
	int		rc;

	*us = 0;
	if ((rc = store_exec(st, STMT_SCHED_NEXT_DUE, NULL, 0, &res, NULL,
	    NULL)) == RC_OK && sres_get(&res, 0, 0, NULL) == NULL)
		rc = RC_NOTFOUND;
	if (rc == RC_OK)
		*us = sres_int(&res, 0, 0);
	sres_free(&res);
	return rc;
}
