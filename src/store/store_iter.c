/*
 * A map step's iterations (include/store_iter.h): STMT_SUP_ITER_PUT,
 * _PUT_TEN, _PUT_MANY and STMT_SUP_ITER_LOAD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store.h"
#include "store_int.h"
#include "store_iter.h"

/*
 * The parameters of one row of STMT_SUP_ITER_PUT (ITER_ROW in
 * store_sql.c), in SQL order.
 */
enum iter_param { IP_EXEC, IP_STEP, IP_IDX, IP_STATUS, IP_ATTEMPTS,
    IP_STARTED, IP_COMPLETED, IP_OUTPUT, IP_ERROR, IP_WAIT, IP_WAIT2,
    IP_COUNT };

static void
put_params(const struct store_iter_put *it, struct sparam *p)
{
	p[IP_EXEC] = SP_INT(it->exec_pk);
	p[IP_STEP] = SP_INT(it->step);
	p[IP_IDX] = SP_INT(it->idx);
	p[IP_STATUS] = SP_STR(it->status);
	p[IP_ATTEMPTS] = SP_INT(it->attempts);
	p[IP_STARTED] = it->started_ms != STORE_NO_MS ?
	    SP_INT(it->started_ms) : SP_NULL();
	p[IP_COMPLETED] = it->completed_ms != STORE_NO_MS ?
	    SP_INT(it->completed_ms) : SP_NULL();
	p[IP_OUTPUT] = SP_STR(it->output);
	p[IP_ERROR] = SP_STR(it->error);
	p[IP_WAIT] = it->has_wait ? SP_INT(it->wait_us) : SP_NULL();
	p[IP_WAIT2] = p[IP_WAIT];
}

int
store_iter_put(struct store *st, const struct store_iter_put *rows, size_t n)
{
	struct sparam	*p;
	enum stmt_id	 id;
	size_t		 k, j, m;
	int		 rc = RC_OK;

	p = xcalloc(IP_COUNT * STORE_ITER_PUT_MANY, sizeof(*p));
	for (k = 0; k < n && rc == RC_OK; k += m) {
		if (n - k >= STORE_ITER_PUT_MANY) {
			m = STORE_ITER_PUT_MANY;
			id = STMT_SUP_ITER_PUT_MANY;
		} else if (n - k >= 10) {
			m = 10;
			id = STMT_SUP_ITER_PUT_TEN;
		} else {
			m = 1;
			id = STMT_SUP_ITER_PUT;
		}
		for (j = 0; j < m; j++)
			put_params(&rows[k + j], p + IP_COUNT * j);
		rc = store_exec(st, id, p, IP_COUNT * m, NULL, NULL, NULL);
	}
	free(p);
	return rc;
}

/* Columns of STMT_SUP_ITER_LOAD. */
enum iter_col { IC_IDX, IC_STATUS, IC_ATTEMPTS, IC_OUTPUT, IC_STARTED,
    IC_COMPLETED, IC_WAIT_US, IC_ERROR };

int
store_iter_load(struct store *st, long long exec_pk, int step,
    struct store_iter_list *out)
{
	struct store_iter	*it;
	struct sparam		 p[2];
	struct sres		 res;
	const char		*s;
	size_t			 j;
	int			 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(exec_pk);
	p[1] = SP_INT(step);
	if ((rc = store_exec(st, STMT_SUP_ITER_LOAD, p, 2, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (j = 0; j < res.nrows; j++) {
		it = &out->v[j];
		it->idx = (int)sres_int(&res, j, IC_IDX);
		s = sres_get(&res, j, IC_STATUS, NULL);
		snprintf(it->status, sizeof(it->status), "%s",
		    s != NULL ? s : "");
		it->attempts = (int)sres_int(&res, j, IC_ATTEMPTS);
		if ((s = sres_get(&res, j, IC_OUTPUT, NULL)) != NULL)
			it->output = json_tokener_parse(s);
		it->started_ms = sres_ms(&res, j, IC_STARTED);
		it->completed_ms = sres_ms(&res, j, IC_COMPLETED);
		it->has_wait = sres_get(&res, j, IC_WAIT_US, NULL) != NULL;
		it->wait_us = sres_int(&res, j, IC_WAIT_US);
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

void
store_iter_list_free(struct store_iter_list *l)
{
	size_t	i;

	for (i = 0; l->v != NULL && i < l->n; i++)
		json_object_put(l->v[i].output);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
