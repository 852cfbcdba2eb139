/*
 * The supervisor's claim and lease statements (include/store_sup.h). The
 * SQL is in store_sql.c; each result's column order is the enum right
 * above the function that decodes it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store.h"
#include "store_int.h"
#include "store_sup.h"

/*
 * Columns of STMT_SUP_CLAIM_SELECT, STMT_SUP_RECLAIM_SELECT,
 * STMT_SUP_WAKE_SELECT, STMT_SUP_WAKE_PAUSED_SELECT and
 * STMT_SUP_ORPHANS_OF.
 */
enum cand_col { CA_PK, CA_TPK, CA_EPOCH };

/* Run candidate select id with params p and append its rows to c. */
static int
cand_select(struct store *st, enum stmt_id id, const struct sparam *p,
    size_t np, struct store_sup_cand *c, int *nc, int max)
{
	struct sres	res;
	size_t		i;
	int		rc;

	if ((rc = store_exec(st, id, p, np, &res, NULL, NULL)) != RC_OK)
		return rc;
	for (i = 0; i < res.nrows && *nc < max; i++) {
		c[*nc].pk = sres_int(&res, i, CA_PK);
		c[*nc].tpk = sres_int(&res, i, CA_TPK);
		c[*nc].epoch = sres_int(&res, i, CA_EPOCH);
		(*nc)++;
	}
	sres_free(&res);
	return RC_OK;
}

int
store_sup_select(struct store *st, enum store_sup_which which,
    long long limit, struct store_sup_cand *c, int *nc, int max)
{
	static const enum stmt_id	 ids[] = {
		[STORE_SUP_EXPIRED] = STMT_SUP_RECLAIM_SELECT,
		[STORE_SUP_WAITING_DUE] = STMT_SUP_WAKE_SELECT,
		[STORE_SUP_PAUSED_DUE] = STMT_SUP_WAKE_PAUSED_SELECT
	};
	struct sparam			 p[1];

	p[0] = SP_INT(limit);
	return cand_select(st, ids[which], p, 1, c, nc, max);
}

int
store_sup_select_pending(struct store *st, long long after, long long upto,
    long long limit, struct store_sup_cand *c, int *nc, int max,
    long long *last)
{
	struct sparam	p[3];
	int		from = *nc, i, rc, window = after >= 0 && upto > after;

	if (window) {
		p[0] = SP_INT(after);
		p[1] = SP_INT(upto);
		p[2] = SP_INT(limit);
	} else
		p[0] = SP_INT(limit);
	if ((rc = cand_select(st, window ? STMT_SUP_CLAIM_SELECT_AFTER :
	    STMT_SUP_CLAIM_SELECT, p, window ? 3 : 1, c, nc, max)) != RC_OK)
		return rc;
	for (i = from; last != NULL && i < *nc; i++)
		if (c[i].pk > *last)
			*last = c[i].pk;
	return RC_OK;
}

int
store_sup_orphans_of(struct store *st, const char *claimer, long long limit,
    struct store_sup_cand *c, int *nc, int max)
{
	struct sparam	p[2];

	p[0] = SP_STR(claimer);
	p[1] = SP_INT(limit);
	return cand_select(st, STMT_SUP_ORPHANS_OF, p, 2, c, nc, max);
}

/* Columns of STMT_SUP_ORPHAN_OWNERS. */
enum owner_col { OW_CLAIMER };

int
store_sup_orphan_owners(struct store *st, const char *like, const char *self,
    struct store_sup_claimers *out)
{
	struct sparam	 p[2];
	struct sres	 res;
	const char	*who;
	size_t		 i;
	int		 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_STR(like);
	p[1] = SP_STR(self);
	if ((rc = store_exec(st, STMT_SUP_ORPHAN_OWNERS, p, 2, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++)
		if ((who = sres_get(&res, i, OW_CLAIMER, NULL)) != NULL)
			out->v[out->n++] = xstrdup(who);
	sres_free(&res);
	return RC_OK;
}

void
store_sup_claimers_free(struct store_sup_claimers *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/*
 * Columns of STMT_SUP_TEMPLATE_LIMIT and STMT_SUP_TEMPLATE_LIMIT_LOCK
 * (max_concurrent, NULL: no limit).
 */
enum limit_col { LI_MAX };

int
store_sup_tmpl_limit(struct store *st, long long tpk, int lock,
    long long *limit)
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	p[0] = SP_INT(tpk);
	if ((rc = store_exec(st, lock ? STMT_SUP_TEMPLATE_LIMIT_LOCK :
	    STMT_SUP_TEMPLATE_LIMIT, p, 1, &res, NULL, NULL)) != RC_OK)
		return rc;
	*limit = res.nrows == 0 || sres_get(&res, 0, LI_MAX, NULL) == NULL ?
	    0 : sres_int(&res, 0, LI_MAX);
	sres_free(&res);
	return RC_OK;
}

/* Columns of STMT_SUP_RUNNING_OF_TEMPLATE. */
enum running_col { RU_COUNT };

int
store_sup_tmpl_running(struct store *st, long long tpk, long long *n)
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	p[0] = SP_INT(tpk);
	if ((rc = store_exec(st, STMT_SUP_RUNNING_OF_TEMPLATE, p, 1, &res,
	    NULL, NULL)) != RC_OK)
		return rc;
	*n = sres_int(&res, 0, RU_COUNT);
	sres_free(&res);
	return RC_OK;
}

int
store_sup_claim(struct store *st, const char *claimer, int lease_s,
    const long long *pks, int n)
{
	struct sparam	p[2 + STORE_SUP_CLAIM_BATCH];
	int		i, k, rc = RC_OK;

	for (i = 0; i < n && rc == RC_OK; i += STORE_SUP_CLAIM_BATCH) {
		p[0] = SP_STR(claimer);
		p[1] = SP_INT(lease_s);
		for (k = 0; k < STORE_SUP_CLAIM_BATCH; k++)
			p[2 + k] = SP_INT(i + k < n ? pks[i + k] : 0);
		rc = store_exec(st, STMT_SUP_CLAIM_UPDATE_MANY, p,
		    2 + STORE_SUP_CLAIM_BATCH, NULL, NULL, NULL);
	}
	return rc;
}

int
store_sup_claim_paused(struct store *st, const char *claimer, int lease_s,
    long long pk)
{
	struct sparam	p[3];

	p[0] = SP_STR(claimer);
	p[1] = SP_INT(lease_s);
	p[2] = SP_INT(pk);
	return store_exec(st, STMT_SUP_CLAIM_PAUSED, p, 3, NULL, NULL, NULL);
}

int
store_sup_release_paused(struct store *st, uint64_t *n)
{
	return store_exec(st, STMT_SUP_RELEASE_PAUSED, NULL, 0, NULL, n,
	    NULL);
}

int
store_sup_release_mine(struct store *st, long long pk, const char *claimer)
{
	struct sparam	p[2];

	p[0] = SP_INT(pk);
	p[1] = SP_STR(claimer);
	return store_exec(st, STMT_SUP_RELEASE_MINE, p, 2, NULL, NULL, NULL);
}

/* Columns of STMT_SUP_MINE_LIST. */
enum held_col { HE_PK, HE_EPOCH };

int
store_sup_held(struct store *st, const char *claimer,
    struct store_sup_held_list *out)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_STR(claimer);
	if ((rc = store_exec(st, STMT_SUP_MINE_LIST, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		out->v[i].pk = sres_int(&res, i, HE_PK);
		out->v[i].epoch = sres_int(&res, i, HE_EPOCH);
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

void
store_sup_held_list_free(struct store_sup_held_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
store_sup_beat(struct store *st, const char *id, const char *host,
    long long pid)
{
	struct sparam	p[3];

	p[0] = SP_STR(id);
	p[1] = SP_STR(host);
	p[2] = SP_INT(pid);
	return store_exec(st, STMT_SUP_HEARTBEAT, p, 3, NULL, NULL, NULL);
}

int
store_sup_beat_delete(struct store *st, const char *id)
{
	struct sparam	p[1];

	p[0] = SP_STR(id);
	return store_exec(st, STMT_SUP_HEARTBEAT_DELETE, p, 1, NULL, NULL,
	    NULL);
}

int
store_sup_renew(struct store *st, int lease_s, const char *claimer,
    uint64_t *n)
{
	struct sparam	p[2];

	p[0] = SP_INT(lease_s);
	p[1] = SP_STR(claimer);
	return store_exec(st, STMT_SUP_RENEW_ALL, p, 2, NULL, n, NULL);
}

/* Columns of STMT_SUP_CANCEL_POLL. */
enum poll_col { PO_PK, PO_CANCEL, PO_PAUSED };

int
store_sup_cancel_poll(struct store *st, const char *claimer,
    struct store_sup_poll_list *out)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_STR(claimer);
	if ((rc = store_exec(st, STMT_SUP_CANCEL_POLL, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		out->v[i].pk = sres_int(&res, i, PO_PK);
		out->v[i].cancel = sres_int(&res, i, PO_CANCEL) != 0;
		out->v[i].paused = sres_int(&res, i, PO_PAUSED) != 0;
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

void
store_sup_poll_list_free(struct store_sup_poll_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_SUP_PRUNE_CUTOFF (epoch ms, NULL: nothing to prune). */
enum cutoff_col { CU_MS };

int
store_sup_prune(struct store *st, int days, uint64_t *n, uint64_t *na)
{
	struct sparam	p[1];
	struct sres	res;
	long long	cutoff = 0;
	int		rc, null = 1;

	*n = *na = 0;
	p[0] = SP_INT(days);
	if ((rc = store_exec(st, STMT_SUP_PRUNE_CUTOFF, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 1 && sres_get(&res, 0, CU_MS, NULL) != NULL) {
		cutoff = sres_int(&res, 0, CU_MS);
		null = 0;
	}
	sres_free(&res);
	if (null)
		return RC_OK;
	p[0] = SP_INT(cutoff);
	if ((rc = store_exec(st, STMT_SUP_PRUNE_AUDIT, p, 1, NULL, na,
	    NULL)) != RC_OK)
		return rc;
	return store_exec(st, STMT_SUP_PRUNE, p, 1, NULL, n, NULL);
}
