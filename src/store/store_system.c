/*
 * The readiness probe, the /metrics gauges and the admin's system page
 * (include/store_system.h). Every statement reads a bounded range of an
 * index (see store_sql.c).
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store_int.h"
#include "store_system.h"

/* Columns of STMT_READY. */
enum { RD_SCHEMA, RD_BEAT_AGE };

int
store_ready(struct store *st, struct store_ready *out)
{
	struct sres	res;
	int		rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_exec(st, STMT_READY, NULL, 0, &res, NULL, NULL)) !=
	    RC_OK)
		return rc;
	out->schema_version = sres_int(&res, 0, RD_SCHEMA);
	out->has_beat = sres_get(&res, 0, RD_BEAT_AGE, NULL) != NULL;
	out->beat_age_us = sres_int(&res, 0, RD_BEAT_AGE);
	sres_free(&res);
	return RC_OK;
}

void
store_status_counts_free(struct store_status_counts *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].status);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Columns of STMT_METRICS_EXEC. */
enum { ME_STATUS, ME_COUNT };

int
store_metrics_exec(struct store *st, struct store_status_counts *out)
{
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_exec(st, STMT_METRICS_EXEC, NULL, 0, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		out->v[i].status = sres_dup(&res, i, ME_STATUS);
		out->v[i].n = sres_int(&res, i, ME_COUNT);
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

/* Columns of STMT_METRICS_QUEUE and STMT_SYS_QUEUE (QU_NOW: sys only). */
enum { QU_PENDING, QU_RUNNABLE, QU_NOW };

static int
queue(struct store *st, enum stmt_id id, struct store_queue *out)
{
	struct sres	res;
	int		rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_exec(st, id, NULL, 0, &res, NULL, NULL)) != RC_OK)
		return rc;
	out->pending = sres_int(&res, 0, QU_PENDING);
	out->runnable = sres_int(&res, 0, QU_RUNNABLE);
	if (id == STMT_SYS_QUEUE)
		out->now_ms = sres_int(&res, 0, QU_NOW);
	sres_free(&res);
	return RC_OK;
}

int
store_metrics_queue(struct store *st, struct store_queue *out)
{
	return queue(st, STMT_METRICS_QUEUE, out);
}

int
store_sys_queue(struct store *st, struct store_queue *out)
{
	return queue(st, STMT_SYS_QUEUE, out);
}

void
store_sys_buckets_free(struct store_sys_buckets *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		free(b->v[i].status);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* Columns of STMT_SYS_THROUGHPUT. */
enum { TP_BUCKET, TP_STATUS, TP_COUNT };

int
store_sys_throughput(struct store *st, long long since_ms,
    struct store_sys_buckets *out)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_INT(since_ms);
	if ((rc = store_exec(st, STMT_SYS_THROUGHPUT, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		out->v[i].bucket = sres_int(&res, i, TP_BUCKET);
		out->v[i].status = sres_dup(&res, i, TP_STATUS);
		out->v[i].n = sres_int(&res, i, TP_COUNT);
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

void
store_sys_claimers_free(struct store_sys_claimers *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].claimer);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Columns of STMT_SYS_CLAIMERS. */
enum { CL_CLAIMER, CL_RUNNING, CL_LEASE_UNTIL, CL_EXPIRED };

int
store_sys_claimers(struct store *st, struct store_sys_claimers *out)
{
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_exec(st, STMT_SYS_CLAIMERS, NULL, 0, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		out->v[i].claimer = sres_dup(&res, i, CL_CLAIMER);
		out->v[i].running = sres_int(&res, i, CL_RUNNING);
		out->v[i].lease_until_ms = sres_ms(&res, i, CL_LEASE_UNTIL);
		out->v[i].leases_expired = sres_int(&res, i, CL_EXPIRED);
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

void
store_sys_supervisors_free(struct store_sys_supervisors *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].id);
		free(s->v[i].host);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Columns of STMT_SYS_SUPERVISORS. */
enum { SU_ID, SU_HOST, SU_PID, SU_STARTED, SU_BEAT, SU_AGE };

int
store_sys_supervisors(struct store *st, struct store_sys_supervisors *out)
{
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_exec(st, STMT_SYS_SUPERVISORS, NULL, 0, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		out->v[i].id = sres_dup(&res, i, SU_ID);
		out->v[i].host = sres_dup(&res, i, SU_HOST);
		out->v[i].pid = sres_int(&res, i, SU_PID);
		out->v[i].started_ms = sres_int(&res, i, SU_STARTED);
		out->v[i].beat_ms = sres_int(&res, i, SU_BEAT);
		out->v[i].age_us = sres_int(&res, i, SU_AGE);
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}

void
store_sys_beats_free(struct store_sys_beats *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		free(b->v[i].host_id);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* Columns of STMT_SYS_REPLICA_BEATS. */
enum { RB_HOST, RB_BEAT, RB_AGE };

int
store_sys_replica_beats(struct store *st, struct store_sys_beats *out)
{
	struct sres	res;
	size_t		i;
	int		rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_exec(st, STMT_SYS_REPLICA_BEATS, NULL, 0, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (i = 0; i < res.nrows; i++) {
		out->v[i].host_id = sres_dup(&res, i, RB_HOST);
		out->v[i].beat_ms = sres_int(&res, i, RB_BEAT);
		out->v[i].age_us = sres_int(&res, i, RB_AGE);
	}
	out->n = res.nrows;
	sres_free(&res);
	return RC_OK;
}
