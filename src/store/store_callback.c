/*
 * Callback tokens of callback steps (include/store_callback.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store_callback.h"
#include "store_int.h"

/*
 * The API: POST /callbacks/{token}.
 */

void
store_callback_token_free(struct store_callback_token *t)
{
	free(t->state);
	free(t->exec_status);
	json_object_put(t->body);
	memset(t, 0, sizeof(*t));
}

/* Columns of STMT_CB_LOOKUP. */
enum { CL_HASH, CL_STATE, CL_BODY, CL_EXPIRED, CL_EXEC_STATUS, CL_EXEC_ID,
    CL_IDX, CL_ATTEMPT, CL_EXEC_PK };

int
store_callback_lookup(struct store *st, const unsigned char *hash,
    size_t hlen, struct store_callback_token *t)
{
	struct sparam	 p[1];
	struct sres	 res;
	const char	*h, *v;
	size_t		 hl = 0;
	int		 rc;

	memset(t, 0, sizeof(*t));
	p[0] = SP_BLOB(hash, hlen);
	if ((rc = store_exec(st, STMT_CB_LOOKUP, p, 1, &res, NULL, NULL)) !=
	    RC_OK)
		return rc;
	h = res.nrows == 1 ? sres_get(&res, 0, CL_HASH, &hl) : NULL;
	if (h == NULL || hl != CBTOK_HASH_LEN) {
		sres_free(&res);
		return RC_NOTFOUND;
	}
	memcpy(t->hash, h, CBTOK_HASH_LEN);
	v = sres_get(&res, 0, CL_STATE, NULL);
	t->state = xstrdup(v != NULL ? v : "");
	v = sres_get(&res, 0, CL_BODY, NULL);
	t->body = v != NULL ? json_tokener_parse(v) : NULL;
	t->expired = sres_int(&res, 0, CL_EXPIRED) != 0;
	v = sres_get(&res, 0, CL_EXEC_STATUS, NULL);
	t->exec_status = v != NULL ? xstrdup(v) : NULL;
	v = sres_get(&res, 0, CL_EXEC_ID, NULL);
	snprintf(t->exec_id, sizeof(t->exec_id), "%s", v != NULL ? v : "");
	t->idx = (int)sres_int(&res, 0, CL_IDX);
	t->attempt = (int)sres_int(&res, 0, CL_ATTEMPT);
	t->exec_pk = sres_int(&res, 0, CL_EXEC_PK);
	sres_free(&res);
	return RC_OK;
}

int
store_callback_record(struct store *st, const char *body,
    const unsigned char *hash, size_t hlen)
{
	struct sparam	p[2];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_STR(body);
	p[1] = SP_BLOB(hash, hlen);
	if ((rc = store_exec(st, STMT_CB_RECORD, p, 2, NULL, &n, NULL)) !=
	    RC_OK)
		return rc;
	return n == 1 ? RC_OK : RC_NOTFOUND;
}

/*
 * The supervisor's statements: STMT_CB_SUPERSEDE, STMT_CB_INSERT,
 * STMT_CB_ARM, STMT_CB_RECEIVED.
 */

int
store_callback_supersede(struct store *st, long long pk, int idx)
{
	struct sparam	p[2];

	p[0] = SP_INT(pk);
	p[1] = SP_INT(idx);
	return store_exec(st, STMT_CB_SUPERSEDE, p, 2, NULL, NULL, NULL);
}

int
store_callback_insert(struct store *st, const unsigned char *hash,
    size_t hlen, long long pk, int idx, int attempt)
{
	struct sparam	p[4];

	p[0] = SP_BLOB(hash, hlen);
	p[1] = SP_INT(pk);
	p[2] = SP_INT(idx);
	p[3] = SP_INT(attempt);
	return store_exec(st, STMT_CB_INSERT, p, 4, NULL, NULL, NULL);
}

int
store_callback_arm(struct store *st, long long pk, int idx, int attempt,
    int seconds)
{
	struct sparam	p[4];

	p[0] = SP_INT(seconds);
	p[1] = SP_INT(pk);
	p[2] = SP_INT(idx);
	p[3] = SP_INT(attempt);
	return store_exec(st, STMT_CB_ARM, p, 4, NULL, NULL, NULL);
}

/* Columns of STMT_CB_RECEIVED. */
enum { CR_IDX, CR_ATTEMPT, CR_BODY };

int
store_callback_received(struct store *st, long long pk,
    struct store_callback_list *out)
{
	struct sparam	 p[1];
	struct sres	 res;
	const char	*v;
	size_t		 j;
	int		 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_CB_RECEIVED, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (j = 0; j < res.nrows; j++) {
		out->v[j].idx = (int)sres_int(&res, j, CR_IDX);
		out->v[j].attempt = (int)sres_int(&res, j, CR_ATTEMPT);
		v = sres_get(&res, j, CR_BODY, NULL);
		out->v[j].body = v != NULL ? xstrdup(v) : NULL;
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

void
store_callback_list_free(struct store_callback_list *l)
{
	size_t	j;

	for (j = 0; l->v != NULL && j < l->n; j++)
		free(l->v[j].body);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
