/*
 * The supervisor's side of wait-step signals (include/store_sigsup.h):
 * STMT_SUP_SIG_LIST, STMT_SUP_SIG_TAKE and STMT_SUP_SIG_PAYLOAD.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store.h"
#include "store_int.h"
#include "store_sigsup.h"

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Columns of STMT_SUP_SIG_LIST. */
enum siglist_col { SL_ID, SL_NAME, SL_CONSUMED_BY };

int
store_sigsup_list(struct store *st, long long exec_pk,
    struct store_sigsup_list *out)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		j;
	int		rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(exec_pk);
	if ((rc = store_exec(st, STMT_SUP_SIG_LIST, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (j = 0; j < res.nrows; j++) {
		out->v[j].id = sres_int(&res, j, SL_ID);
		out->v[j].name = dup_or_null(sres_get(&res, j, SL_NAME, NULL));
		out->v[j].consumed_by = dup_or_null(sres_get(&res, j,
		    SL_CONSUMED_BY, NULL));
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

void
store_sigsup_list_free(struct store_sigsup_list *l)
{
	size_t	j;

	for (j = 0; l->v != NULL && j < l->n; j++) {
		free(l->v[j].name);
		free(l->v[j].consumed_by);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
store_sigsup_take(struct store *st, const char *step, long long id)
{
	struct sparam	p[2];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_STR(step);
	p[1] = SP_INT(id);
	if ((rc = store_exec(st, STMT_SUP_SIG_TAKE, p, 2, NULL, &n, NULL)) !=
	    RC_OK)
		return rc;
	return n == 1 ? RC_OK : RC_CONFLICT;
}

/* Columns of STMT_SUP_SIG_PAYLOAD. */
enum sigpay_col { PL_PAYLOAD, PL_BY };

int
store_sigsup_payload(struct store *st, long long id,
    struct store_sigsup_payload *out)
{
	struct sparam	 p[1];
	struct sres	 res;
	const char	*s;
	int		 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(id);
	if ((rc = store_exec(st, STMT_SUP_SIG_PAYLOAD, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows != 1) {
		sres_free(&res);
		return RC_NOTFOUND;
	}
	if ((s = sres_get(&res, 0, PL_PAYLOAD, NULL)) != NULL) {
		out->has_payload = 1;
		out->payload = json_tokener_parse(s);
	}
	out->signalled_by = dup_or_null(sres_get(&res, 0, PL_BY, NULL));
	sres_free(&res);
	return RC_OK;
}

void
store_sigsup_payload_free(struct store_sigsup_payload *pl)
{
	json_object_put(pl->payload);
	free(pl->signalled_by);
	memset(pl, 0, sizeof(*pl));
}
