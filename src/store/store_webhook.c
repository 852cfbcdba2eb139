/*
 * Webhooks (sql/010): the typed functions of store_webhook.h. Each binds
 * its statement's parameters in SQL order and decodes its columns, named
 * by the enum right above it.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "store_int.h"
#include "store_webhook.h"

/* Cell (row, col) of res, moved out of it (NULL for SQL NULL). */
static char *
take(struct sres *res, size_t row, size_t col)
{
	char	*v;

	if (row >= res->nrows || col >= res->ncols)
		return NULL;
	v = res->cell[row * res->ncols + col];
	res->cell[row * res->ncols + col] = NULL;
	return v;
}

/* Columns of STMT_WH_SECRET_GET: current, previous, then whether it signs. */
enum { WS_NONCE, WS_CT, WS_TAG, WS_CREATED, WS_PNONCE, WS_PCT, WS_PTAG,
    WS_ROTATED, WS_PSIGNS };

/* The sealed secret of columns nonce, nonce + 1 (ct), nonce + 2 (tag). */
static void
sealed_take(struct sres *res, size_t nonce, struct store_webhook_sealed *s)
{
	const char	*v;
	size_t		 len;

	if ((v = sres_get(res, 0, nonce, &len)) != NULL)
		memcpy(s->nonce, v, MIN(len, sizeof(s->nonce)));
	if ((v = sres_get(res, 0, nonce + 2, &len)) != NULL)
		memcpy(s->tag, v, MIN(len, sizeof(s->tag)));
	(void)sres_get(res, 0, nonce + 1, &s->ct_len);
	s->ct = (unsigned char *)take(res, 0, nonce + 1);
	if (s->ct == NULL)
		s->ct_len = 0;
}

int
store_webhook_secret_get(struct store *st, const char *user,
    struct store_webhook_secret *out)
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_STR(user);
	if ((rc = store_exec(st, STMT_WH_SECRET_GET, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		goto out;
	if (res.nrows == 0) {
		rc = RC_NOTFOUND;
		goto out;
	}
	sealed_take(&res, WS_NONCE, &out->cur);
	out->has_prev = sres_get(&res, 0, WS_PNONCE, NULL) != NULL;
	if (out->has_prev)
		sealed_take(&res, WS_PNONCE, &out->prev);
	out->created_ms = sres_ms(&res, 0, WS_CREATED);
	out->rotated_ms = sres_ms(&res, 0, WS_ROTATED);
	out->prev_signs = sres_int(&res, 0, WS_PSIGNS) != 0;
out:
	sres_free(&res);
	return rc;
}

void
store_webhook_secret_free(struct store_webhook_secret *s)
{
	free(s->cur.ct);
	free(s->prev.ct);
	memset(s, 0, sizeof(*s));
}

int
store_webhook_secret_put(struct store *st, const char *user,
    const struct store_webhook_sealed *s)
{
	struct sparam	p[4];

	p[0] = SP_STR(user);
	p[1] = SP_BLOB(s->nonce, sizeof(s->nonce));
	p[2] = SP_BLOB(s->ct, s->ct_len);
	p[3] = SP_BLOB(s->tag, sizeof(s->tag));
	return store_exec(st, STMT_WH_SECRET_PUT, p, 4, NULL, NULL, NULL);
}

/* Columns of STMT_WH_OUTBOX_OF_EXEC. */
enum { WO_ID, WO_EVENT, WO_URL, WO_WHID, WO_STATUS, WO_ATTEMPTS, WO_NEXT,
    WO_CREATED, WO_KIND };

int
store_webhook_outbox_of_exec(struct store *st, long long exec_pk,
    struct store_webhook_deliveries *out)
{
	struct store_webhook_delivery	*d;
	struct sparam			 p[1];
	struct sres			 res;
	size_t				 i;
	int				 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(exec_pk);
	if ((rc = store_exec(st, STMT_WH_OUTBOX_OF_EXEC, p, 1, &res, NULL,
	    NULL)) != RC_OK || res.nrows == 0)
		goto out;
	out->v = xcalloc(res.nrows, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		d = &out->v[out->n++];
		d->id = sres_int(&res, i, WO_ID);
		d->event = take(&res, i, WO_EVENT);
		d->url = take(&res, i, WO_URL);
		d->webhook_id = take(&res, i, WO_WHID);
		d->status = take(&res, i, WO_STATUS);
		d->attempts = sres_int(&res, i, WO_ATTEMPTS);
		d->next_try_ms = sres_ms(&res, i, WO_NEXT);
		d->created_ms = sres_ms(&res, i, WO_CREATED);
		d->kind = take(&res, i, WO_KIND);
	}
out:
	sres_free(&res);
	return rc;
}

void
store_webhook_deliveries_free(struct store_webhook_deliveries *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].event);
		free(l->v[i].url);
		free(l->v[i].webhook_id);
		free(l->v[i].status);
		free(l->v[i].kind);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_WH_ATTEMPTS_OF_EXEC. */
enum { WA_OUTBOX, WA_AT, WA_CODE, WA_ERROR };

int
store_webhook_attempts_of_exec(struct store *st, long long exec_pk,
    struct store_webhook_attempts *out)
{
	struct store_webhook_attempt	*a;
	struct sparam			 p[1];
	struct sres			 res;
	size_t				 i;
	int				 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(exec_pk);
	if ((rc = store_exec(st, STMT_WH_ATTEMPTS_OF_EXEC, p, 1, &res, NULL,
	    NULL)) != RC_OK || res.nrows == 0)
		goto out;
	out->v = xcalloc(res.nrows, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		a = &out->v[out->n++];
		a->outbox_id = sres_int(&res, i, WA_OUTBOX);
		a->at_ms = sres_ms(&res, i, WA_AT);
		a->has_status_code = sres_get(&res, i, WA_CODE, NULL) != NULL;
		a->status_code = sres_int(&res, i, WA_CODE);
		a->error = take(&res, i, WA_ERROR);
	}
out:
	sres_free(&res);
	return rc;
}

void
store_webhook_attempts_free(struct store_webhook_attempts *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].error);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_WH_CLAIM_SELECT. */
enum { WC_ID };

int
store_webhook_claim_select(struct store *st, long long limit,
    struct store_webhook_ids *out)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(limit);
	if ((rc = store_exec(st, STMT_WH_CLAIM_SELECT, p, 1, &res, NULL,
	    NULL)) != RC_OK || res.nrows == 0)
		goto out;
	out->v = xcalloc(res.nrows, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++)
		out->v[out->n++] = sres_int(&res, i, WC_ID);
out:
	sres_free(&res);
	return rc;
}

void
store_webhook_ids_free(struct store_webhook_ids *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
store_webhook_claim_mark(struct store *st, long long id, long long lease_s)
{
	struct sparam	p[2];

	p[0] = SP_INT(lease_s);
	p[1] = SP_INT(id);
	return store_exec(st, STMT_WH_CLAIM_MARK, p, 2, NULL, NULL, NULL);
}

/* Columns of STMT_WH_LOAD. */
enum { WL_KIND, WL_SIGNER, WL_EVENT, WL_URL, WL_WHID, WL_PAYLOAD,
    WL_ATTEMPTS, WL_CREATED, WL_EPK, WL_EID, WL_ENAME, WL_TID, WL_TVER,
    WL_USER, WL_STATUS, WL_INPUT, WL_RESULT, WL_ERROR, WL_ECREATED,
    WL_STARTED, WL_COMPLETED, WL_CBY, WL_CREASON, WL_REDRIVE, WL_DEF };

int
store_webhook_load(struct store *st, long long id,
    struct store_webhook_load *out)
{
	struct sparam	p[1];
	struct sres	res;
	int		rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(id);
	if ((rc = store_exec(st, STMT_WH_LOAD, p, 1, &res, NULL, NULL)) !=
	    RC_OK)
		goto out;
	if (res.nrows == 0) {
		rc = RC_NOTFOUND;
		goto out;
	}
	out->kind = take(&res, 0, WL_KIND);
	out->signer = take(&res, 0, WL_SIGNER);
	out->event = take(&res, 0, WL_EVENT);
	out->url = take(&res, 0, WL_URL);
	out->webhook_id = take(&res, 0, WL_WHID);
	out->payload = take(&res, 0, WL_PAYLOAD);
	out->attempts = sres_int(&res, 0, WL_ATTEMPTS);
	out->created_ms = sres_ms(&res, 0, WL_CREATED);
	out->exec_pk = sres_int(&res, 0, WL_EPK);
	out->execution_id = take(&res, 0, WL_EID);
	out->execution_name = take(&res, 0, WL_ENAME);
	out->template_id = take(&res, 0, WL_TID);
	out->template_version = sres_int(&res, 0, WL_TVER);
	out->user_id = take(&res, 0, WL_USER);
	out->status = take(&res, 0, WL_STATUS);
	out->input = take(&res, 0, WL_INPUT);
	out->final_result = take(&res, 0, WL_RESULT);
	out->error_details = take(&res, 0, WL_ERROR);
	out->exec_created_ms = sres_ms(&res, 0, WL_ECREATED);
	out->started_ms = sres_ms(&res, 0, WL_STARTED);
	out->completed_ms = sres_ms(&res, 0, WL_COMPLETED);
	out->cancelled_by = take(&res, 0, WL_CBY);
	out->cancel_reason = take(&res, 0, WL_CREASON);
	out->redrive_count = sres_int(&res, 0, WL_REDRIVE);
	out->definition = take(&res, 0, WL_DEF);
out:
	sres_free(&res);
	return rc;
}

void
store_webhook_load_free(struct store_webhook_load *l)
{
	free(l->kind);
	free(l->signer);
	free(l->event);
	free(l->url);
	free(l->webhook_id);
	free(l->payload);
	free(l->execution_id);
	free(l->execution_name);
	free(l->template_id);
	free(l->user_id);
	free(l->status);
	free(l->input);
	free(l->final_result);
	free(l->error_details);
	free(l->cancelled_by);
	free(l->cancel_reason);
	free(l->definition);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_WH_STEPS. */
enum { WT_IDX, WT_STATUS, WT_ATTEMPTS, WT_STARTED, WT_COMPLETED, WT_ERROR };

int
store_webhook_steps_get(struct store *st, long long exec_pk,
    struct store_webhook_steps *out)
{
	struct store_webhook_step	*s;
	struct sparam			 p[1];
	struct sres			 res;
	size_t				 i;
	int				 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(exec_pk);
	if ((rc = store_exec(st, STMT_WH_STEPS, p, 1, &res, NULL, NULL)) !=
	    RC_OK || res.nrows == 0)
		goto out;
	out->v = xcalloc(res.nrows, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		s = &out->v[out->n++];
		s->idx = sres_int(&res, i, WT_IDX);
		s->status = take(&res, i, WT_STATUS);
		s->attempts = sres_int(&res, i, WT_ATTEMPTS);
		s->started_ms = sres_ms(&res, i, WT_STARTED);
		s->completed_ms = sres_ms(&res, i, WT_COMPLETED);
		s->error = take(&res, i, WT_ERROR);
	}
out:
	sres_free(&res);
	return rc;
}

void
store_webhook_steps_free(struct store_webhook_steps *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].status);
		free(l->v[i].error);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
store_webhook_set_payload(struct store *st, long long id,
    const char *payload)
{
	struct sparam	p[2];

	p[0] = SP_STR(payload);
	p[1] = SP_INT(id);
	return store_exec(st, STMT_WH_SET_PAYLOAD, p, 2, NULL, NULL, NULL);
}

int
store_webhook_attempt_insert(struct store *st, long long id, long code,
    const char *error)
{
	struct sparam	p[3];

	p[0] = SP_INT(id);
	p[1] = code > 0 ? SP_INT(code) : SP_NULL();
	p[2] = SP_STR(error);
	return store_exec(st, STMT_WH_ATTEMPT_INSERT, p, 3, NULL, NULL, NULL);
}

int
store_webhook_done(struct store *st, long long id, const char *status,
    long long delay_ms)
{
	struct sparam	p[3];

	p[0] = SP_STR(status);
	p[1] = delay_ms >= 0 ? SP_INT(delay_ms) : SP_NULL();
	p[2] = SP_INT(id);
	return store_exec(st, STMT_WH_DONE, p, 3, NULL, NULL, NULL);
}

/* Columns of STMT_WH_DEPTH. */
enum { WD_COUNT };

int
store_webhook_depth(struct store *st, long long *n)
{
	struct sres	res;
	int		rc;

	if ((rc = store_exec(st, STMT_WH_DEPTH, NULL, 0, &res, NULL, NULL)) ==
	    RC_OK && res.nrows != 1) {
		log_warnx("webhook outbox depth: %zu rows", res.nrows);
		rc = RC_ERR;
	}
	if (rc == RC_OK)
		*n = sres_int(&res, 0, WD_COUNT);
	sres_free(&res);
	return rc;
}

/* Columns of STMT_WH_CTL_LIST. */
enum { WK_ID, WK_EID, WK_EVENT, WK_URL, WK_STATUS, WK_ATTEMPTS, WK_NEXT,
    WK_LAST };

int
store_webhook_ctl_list(struct store *st, long long limit,
    struct store_webhook_ctls *out)
{
	struct store_webhook_ctl	*c;
	struct sparam			 p[1];
	struct sres			 res;
	size_t				 i;
	int				 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(limit);
	if ((rc = store_exec(st, STMT_WH_CTL_LIST, p, 1, &res, NULL,
	    NULL)) != RC_OK || res.nrows == 0)
		goto out;
	out->v = xcalloc(res.nrows, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		c = &out->v[out->n++];
		c->id = sres_int(&res, i, WK_ID);
		c->execution_id = take(&res, i, WK_EID);
		c->event = take(&res, i, WK_EVENT);
		c->url = take(&res, i, WK_URL);
		c->status = take(&res, i, WK_STATUS);
		c->attempts = sres_int(&res, i, WK_ATTEMPTS);
		c->next_try_ms = sres_ms(&res, i, WK_NEXT);
		c->last = take(&res, i, WK_LAST);
	}
out:
	sres_free(&res);
	return rc;
}

void
store_webhook_ctls_free(struct store_webhook_ctls *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].execution_id);
		free(l->v[i].event);
		free(l->v[i].url);
		free(l->v[i].status);
		free(l->v[i].last);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
