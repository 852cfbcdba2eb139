/*
 * The audit log's read (include/store_audit.h).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store_audit.h"
#include "store_int.h"

/*
 * The millisecond of a page key of STMT_AUDIT_LIST (store_sql.c,
 * AUDIT_KEY): milliseconds since 2020-01-01 in the bits above the 22 low.
 */
#define AUDIT_KEY_MS(k)	(((k) >> 22) + 1577836800000LL)

/* Columns of STMT_AUDIT_LIST. */
enum { AL_KEY, AL_AT, AL_USER, AL_ACTION, AL_OTYPE, AL_OID, AL_CLIENT,
    AL_REQID, AL_DETAIL };

int
store_audit_list(struct store *st, const struct store_audit_filter *f,
    struct store_audit_list *l)
{
	struct store_audit_row	*v;
	struct sparam		 p[21], *q;
	struct sres		 res;
	size_t			 i;
	int			 rc, h;

	memset(l, 0, sizeof(*l));
	/*
	 * Two halves (audit_log, executions: sql/010), each read newest first
	 * from the cursor's millisecond on; the key itself (column 0) orders
	 * the rows within that millisecond. Each half: user twice, action
	 * twice, since twice, cursor ms twice, cursor, limit; then the limit.
	 */
	for (h = 0; h < 2; h++) {
		q = p + 10 * h;
		q[0] = SP_STR(f->user);
		q[1] = SP_STR(f->user);
		q[2] = SP_STR(f->action);
		q[3] = SP_STR(f->action);
		q[4] = f->since_ms != STORE_NO_MS ? SP_INT(f->since_ms) :
		    SP_NULL();
		q[5] = f->since_ms != STORE_NO_MS ? SP_INT(f->since_ms) :
		    SP_NULL();
		q[6] = f->before != LLONG_MAX ?
		    SP_INT(AUDIT_KEY_MS(f->before)) : SP_NULL();
		q[7] = f->before != LLONG_MAX ?
		    SP_INT(AUDIT_KEY_MS(f->before)) : SP_NULL();
		q[8] = SP_INT(f->before);
		q[9] = SP_INT(f->limit);
	}
	p[20] = SP_INT(f->limit);
	if ((rc = store_exec(st, STMT_AUDIT_LIST, p, 21, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows > 0)
		l->v = xcalloc(res.nrows, sizeof(*l->v));
	l->n = res.nrows;
	for (i = 0; i < res.nrows; i++) {
		v = &l->v[i];
		v->key = sres_int(&res, i, AL_KEY);
		v->at_ms = sres_int(&res, i, AL_AT);
		v->user = sres_dup(&res, i, AL_USER);
		v->action = sres_dup(&res, i, AL_ACTION);
		v->object_type = sres_dup(&res, i, AL_OTYPE);
		v->object_id = sres_dup(&res, i, AL_OID);
		v->client = sres_dup(&res, i, AL_CLIENT);
		v->reqid = sres_dup(&res, i, AL_REQID);
		v->detail = sres_dup(&res, i, AL_DETAIL);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_audit_list_free(struct store_audit_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].user);
		free(l->v[i].action);
		free(l->v[i].object_type);
		free(l->v[i].object_id);
		free(l->v[i].client);
		free(l->v[i].reqid);
		free(l->v[i].detail);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
