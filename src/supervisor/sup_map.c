/*
 * Map steps (engine.md "map: one inner step per item"): the items are
 * evaluated once when the step starts, each item is an iteration with
 * its own status, attempts, output and error, stored in the iterations
 * table (sql/016) with the step's row in the run's fenced writes, so
 * that a resumed map (another claim, a redrive) runs again only what is
 * not completed or skipped there. The engine (engine_map_*) says which
 * iterations start and when the map has ended.
 *
 * Transform iterations run in-process at once. Other inner types fail
 * the step with type "unsupported" for now (see docs/decisions.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "expr.h"
#include "jsonx.h"
#include "log.h"
#include "sup_int.h"

#define ERRMSG_MAX	512
#define ITER_PARAMS	11		/* one row of STMT_SUP_ITER_PUT */
#define ITER_BATCH_BYTES (4 * 1024 * 1024)	/* text per batch */

static struct json_object *
iter_error(const struct run *r, const char *type, const char *msg)
{
	struct json_object	*e = json_object_new_object();

	json_object_object_add(e, "type", json_object_new_string(type));
	json_object_object_add(e, "message", json_object_new_string(msg));
	return sup_run_scrub(r, e);
}

static void
iter_set(struct run *r, int i, struct sup_iter *it, enum engine_state st,
    struct json_object *out, struct json_object *err)
{
	json_object_put(it->output);
	it->output = out;
	json_object_put(it->error);
	it->error = err;
	it->st = st;
	it->due = 0;
	it->completed_ms = util_now_ms();
	it->dirty = 1;
	r->s[i].dirty = 1;
}

/*
 * The context an iteration's expressions see: the run's, with item and
 * index bound. The caller drops them again (iter_unbind).
 */
static struct json_object *
iter_bind(struct run *r, const struct tmpl_step *in, const struct sup_map *m,
    int k)
{
	struct json_object	*ctx = sup_run_ctx(r, in);

	json_object_object_add(ctx, "item", json_object_get(
	    json_object_array_get_idx(m->items, (size_t)k)));
	json_object_object_add(ctx, "index", json_object_new_int(k));
	return ctx;
}

static void
iter_unbind(struct run *r)
{
	json_object_object_del(r->ctx, "item");
	json_object_object_del(r->ctx, "index");
}

/*
 * Render v for iteration k, bounded by the step output limit. RC_OK:
 * *out is the caller's. RC_INVALID: the iteration failed.
 */
static int
iter_render(struct run *r, int i, int k, struct json_object *v,
    struct json_object **out)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_map		*m = r->s[i].map;
	char			 err[ERRMSG_MAX];
	int			 over = 0, rc;

	rc = expr_render_max(v, iter_bind(r, in, m, k), SUP_STEP_OUTPUT_MAX,
	    &over, out, err, sizeof(err));
	iter_unbind(r);
	if (rc == RC_OK)
		return RC_OK;
	if (over)
		snprintf(err, sizeof(err), "rendering passed the limit of %d "
		    "bytes", SUP_STEP_OUTPUT_MAX);
	iter_set(r, i, &m->it[k], ENGINE_FAILED, NULL, iter_error(r,
	    over ? "output_too_large" : "expression", err));
	return RC_INVALID;
}

/* "when" of the inner step: 1 to run, 0 skipped or failed (recorded). */
static int
iter_when(struct run *r, int i, int k)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct json_object	*w, *v = NULL;
	int			 rc, truthy;

	if (in->when == NULL)
		return 1;
	w = json_object_new_string(in->when);
	rc = iter_render(r, i, k, w, &v);
	json_object_put(w);
	if (rc != RC_OK)
		return 0;
	truthy = expr_truthy(v);
	json_object_put(v);
	if (!truthy)
		iter_set(r, i, &r->s[i].map->it[k], ENGINE_SKIPPED, NULL,
		    NULL);
	return truthy;
}

static void
iter_transform(struct run *r, int i, int k)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_iter		*it = &r->s[i].map->it[k];
	struct json_object	*out = NULL;
	char			 err[ERRMSG_MAX];
	size_t			 len = 0;

	if (iter_render(r, i, k, in->output, &out) != RC_OK)
		return;
	(void)json_object_to_json_string_length(out, JSON_C_TO_STRING_PLAIN,
	    &len);
	if (len > SUP_STEP_OUTPUT_MAX) {
		json_object_put(out);
		snprintf(err, sizeof(err), "output is %zu bytes, over the "
		    "limit of %d", len, SUP_STEP_OUTPUT_MAX);
		iter_set(r, i, it, ENGINE_FAILED, NULL, iter_error(r,
		    "output_too_large", err));
		return;
	}
	if (out != NULL && jsonx_deeper(out, JSONX_STORE_DEPTH_MAX - 1)) {
		json_object_put(out);
		iter_set(r, i, it, ENGINE_FAILED, NULL, iter_error(r,
		    SUP_ERR_OUTPUT_INVALID, "output nests objects and arrays "
		    "deeper than the database stores"));
		return;
	}
	iter_set(r, i, it, ENGINE_COMPLETED, sup_run_scrub(r, out), NULL);
}

/* Begin an attempt of iteration k. */
static void
iter_start(struct sup *sp, struct run *r, int i, int k)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_iter		*it = &r->s[i].map->it[k];
	char			 msg[128];

	(void)sp;
	it->attempts++;
	it->st = ENGINE_RUNNING;
	if (it->started_ms == 0)
		it->started_ms = util_now_ms();
	it->dirty = 1;
	r->s[i].dirty = 1;
	if (it->attempts == 1 && !iter_when(r, i, k))
		return;
	switch (in->type) {
	case TMPL_STEP_TRANSFORM:
		iter_transform(r, i, k);
		break;
	default:
		snprintf(msg, sizeof(msg), "%s iterations are not run by this "
		    "supervisor yet", tmpl_step_type_name(in->type));
		iter_set(r, i, it, ENGINE_FAILED, NULL, iter_error(r,
		    "unsupported", msg));
		break;
	}
}

/* The stored iterations of a resumed or redriven map. */
static int
map_load(struct sup *sp, struct run *r, int i)
{
	struct sup_map		*m = r->s[i].map;
	struct sup_iter		*it;
	enum engine_state	 st;
	struct sparam		 p[2];
	struct sres		 res;
	const char		*out;
	size_t			 j;
	int			 k;

	p[0] = SP_INT(r->pk);
	p[1] = SP_INT(i);
	if (store_exec(sp->st, STMT_SUP_ITER_LOAD, p, 2, &res, NULL, NULL) !=
	    RC_OK)
		return RC_ERR;
	for (j = 0; j < res.nrows; j++) {
		k = (int)sres_int(&res, j, 0);
		if (k < 0 || k >= m->n || engine_state_parse(sres_get(&res, j,
		    1, NULL), &st) != RC_OK)
			continue;
		it = &m->it[k];
		it->attempts = (int)sres_int(&res, j, 2);
		it->started_ms = sres_int(&res, j, 4);
		if (st == ENGINE_COMPLETED || st == ENGINE_SKIPPED) {
			it->st = st;
			it->completed_ms = sres_int(&res, j, 5);
			if ((out = sres_get(&res, j, 3, NULL)) != NULL)
				it->output = json_tokener_parse(out);
		} else if (st == ENGINE_FAILED || st == ENGINE_CANCELLED) {
			/* Only a redrive resumes these (it resets them). */
			it->attempts = 0;
			it->started_ms = 0;
			it->dirty = 1;
		}
		/* pending, running: run (again), at least once */
	}
	sres_free(&res);
	return RC_OK;
}

void
sup_map_free(struct sup_map *m)
{
	int	 k;

	if (m == NULL)
		return;
	for (k = 0; k < m->n; k++) {
		json_object_put(m->it[k].output);
		json_object_put(m->it[k].error);
	}
	free(m->it);
	json_object_put(m->items);
	free(m);
}

void
sup_map_written(struct sup_map *m)
{
	int	 k;

	if (m == NULL)
		return;
	for (k = 0; k < m->n; k++)
		m->it[k].dirty = 0;
}

/* The map's output: iteration outputs in item order, null for others. */
static void
map_complete(struct run *r, int i)
{
	struct sup_map		*m = r->s[i].map;
	struct json_object	*a;
	char			 err[ERRMSG_MAX];
	size_t			 len = 0;
	int			 k;

	a = json_object_new_array_ext(m->n > 0 ? m->n : 1);
	for (k = 0; k < m->n; k++)
		json_object_array_add(a, m->it[k].st == ENGINE_COMPLETED ?
		    json_object_get(m->it[k].output) : NULL);
	(void)json_object_to_json_string_length(a, JSON_C_TO_STRING_PLAIN,
	    &len);
	if (len > SUP_RESULT_MAX) {
		json_object_put(a);
		snprintf(err, sizeof(err), "output is %zu bytes, over the "
		    "limit of %d", len, SUP_RESULT_MAX);
		sup_run_fail(r, i, "output_too_large", err);
		return;
	}
	sup_run_complete(r, i, a);
}

static void
map_failed(struct run *r, int i, int lowest)
{
	struct sup_map		*m = r->s[i].map;
	struct json_object	*v;
	char			 err[ERRMSG_MAX];
	const char		*why = "failed";

	if (lowest >= 0 && m->it[lowest].error != NULL &&
	    json_object_object_get_ex(m->it[lowest].error, "message", &v) &&
	    v != NULL)
		why = json_object_get_string(v);
	snprintf(err, sizeof(err), "iteration %d failed: %s", lowest, why);
	sup_run_fail(r, i, "map_failed", err);
}

/*
 * Start what may start and decide the map's end. Returns 1 when
 * something changed.
 */
static int
map_pump(struct sup *sp, struct run *r, int i)
{
	const struct tmpl_step	*ms = &r->t->steps[i];
	struct sup_map		*m = r->s[i].map;
	enum engine_state	*st;
	enum engine_outcome	 out;
	int			*next, n, k, lowest, nfailed = 0;
	int			 changed = 0;

	st = xcalloc((size_t)m->n + 1, sizeof(*st));
	next = xcalloc((size_t)m->n + 1, sizeof(*next));
	for (;;) {
		for (k = 0; k < m->n; k++)
			st[k] = m->it[k].st;
		if (r->halting || sp->stopping || r->pausing)
			break;
		n = engine_map_next(ms, st, m->n, -1, next, m->n);
		if (n == 0)
			break;
		for (k = 0; k < m->n; k++)
			nfailed += m->it[k].st == ENGINE_FAILED;
		/*
		 * One by one: an in-process iteration that fails may end the
		 * map before the next one starts.
		 */
		for (k = 0; k < n && !engine_map_over(ms, nfailed, m->n);
		    k++) {
			iter_start(sp, r, i, next[k]);
			nfailed += m->it[next[k]].st == ENGINE_FAILED;
		}
		nfailed = 0;
		changed = 1;
	}
	out = engine_map_outcome(ms, st, m->n, &lowest);
	switch (out) {
	case ENGINE_OUT_FAILED:
		if (engine_map_cancel(st, m->n) > 0)
			for (k = 0; k < m->n; k++)
				if (st[k] != m->it[k].st)
					iter_set(r, i, &m->it[k], st[k], NULL,
					    iter_error(r, "cancelled",
					    "the map failed"));
		map_failed(r, i, lowest);
		changed = 1;
		break;
	case ENGINE_OUT_COMPLETED:
		map_complete(r, i);
		changed = 1;
		break;
	case ENGINE_OUT_CANCELLED:
		sup_run_fail(r, i, "cancelled", "an iteration was cancelled");
		changed = 1;
		break;
	case ENGINE_OUT_RUNNING:
		break;
	}
	free(st);
	free(next);
	return changed;
}

void
sup_map_start(struct sup *sp, struct run *r, int i)
{
	const struct tmpl_step	*ms = &r->t->steps[i];
	struct json_object	*w, *items = NULL;
	struct sup_map		*m;
	char			 err[ERRMSG_MAX];
	int			 over = 0;

	sup_map_free(r->s[i].map);
	r->s[i].map = NULL;
	w = json_object_new_string(ms->items);
	if (expr_render_max(w, sup_run_ctx(r, ms), SUP_RESULT_MAX, &over,
	    &items, err, sizeof(err)) != RC_OK) {
		json_object_put(w);
		if (over)
			snprintf(err, sizeof(err), "rendering items passed the "
			    "limit of %d bytes", SUP_RESULT_MAX);
		sup_run_fail(r, i, over ? "output_too_large" : "expression",
		    err);
		return;
	}
	json_object_put(w);
	if (engine_map_items_check(items, err, sizeof(err)) != RC_OK) {
		json_object_put(items);
		sup_run_fail(r, i, "map_items_invalid", err);
		return;
	}
	m = xcalloc(1, sizeof(*m));
	m->items = items;
	m->n = (int)json_object_array_length(items);
	m->it = xcalloc((size_t)m->n + 1, sizeof(*m->it));
	r->s[i].map = m;
	if (map_load(sp, r, i) != RC_OK) {
		/* Cannot tell what ran: leave it to the next claim. */
		sup_run_fail(r, i, "internal", "iterations could not be read");
		return;
	}
	(void)map_pump(sp, r, i);
}

void
sup_map_stop(struct sup *sp, struct run *r, int i)
{
	struct sup_map	*m = r->s[i].map;
	int		 k;

	(void)sp;
	if (m == NULL)
		return;
	for (k = 0; k < m->n; k++)
		if (m->it[k].st == ENGINE_PENDING ||
		    m->it[k].st == ENGINE_RUNNING ||
		    m->it[k].st == ENGINE_RETRY_WAIT ||
		    m->it[k].st == ENGINE_WAITING)
			iter_set(r, i, &m->it[k], ENGINE_CANCELLED, NULL,
			    m->it[k].st == ENGINE_PENDING ? NULL :
			    iter_error(r, "cancelled", "cancelled"));
}

int
sup_map_advance(struct sup *sp, struct run *r, int i)
{
	if (r->s[i].map == NULL || r->s[i].st != ENGINE_RUNNING)
		return 0;
	return map_pump(sp, r, i);
}

/* The parameters of one iteration row; *out, *err the caller's. */
static size_t
iter_params(const struct run *r, int i, int k, struct sparam *p,
    char **out, char **err)
{
	const struct sup_iter	*it = &r->s[i].map->it[k];
	int64_t			 left;
	size_t			 n = 0;

	*out = it->output == NULL ? NULL : xstrdup(
	    json_object_to_json_string_ext(it->output,
	    JSON_C_TO_STRING_PLAIN));
	*err = it->error == NULL ? NULL : xstrdup(
	    json_object_to_json_string_ext(it->error, JSON_C_TO_STRING_PLAIN));
	n += *out != NULL ? strlen(*out) : 0;
	n += *err != NULL ? strlen(*err) : 0;
	p[0] = SP_INT(r->pk);
	p[1] = SP_INT(i);
	p[2] = SP_INT(k);
	p[3] = SP_STR(engine_state_api_name(it->st));
	p[4] = SP_INT(it->attempts);
	p[5] = it->started_ms != 0 ? SP_INT(it->started_ms) : SP_NULL();
	p[6] = (it->st == ENGINE_COMPLETED || it->st == ENGINE_FAILED ||
	    it->st == ENGINE_SKIPPED || it->st == ENGINE_CANCELLED) &&
	    it->completed_ms != 0 ? SP_INT(it->completed_ms) : SP_NULL();
	p[7] = SP_STR(*out);
	p[8] = SP_STR(*err);
	left = it->due != 0 ? MAX(it->due - util_mono_ms(), 0) * 1000 : 0;
	p[9] = it->due != 0 ? SP_INT(left) : SP_NULL();
	p[10] = p[9];
	return n;
}

/*
 * Write rows idx[0..n): SUP_ITER_ROWS_MANY (or 10) per statement while
 * their text stays under ITER_BATCH_BYTES, else one by one.
 */
static int
put_rows(struct sup *sp, const struct run *r, int i, const int *idx, int n)
{
	struct sparam	*p;
	char		**out, **err;
	size_t		 bytes;
	int		 k, j, m, rc = RC_OK;

	p = xcalloc(ITER_PARAMS * SUP_ITER_ROWS_MANY, sizeof(*p));
	out = xcalloc(SUP_ITER_ROWS_MANY, sizeof(*out));
	err = xcalloc(SUP_ITER_ROWS_MANY, sizeof(*err));
	for (k = 0; k < n && rc == RC_OK; k += m) {
		m = n - k >= SUP_ITER_ROWS_MANY ? SUP_ITER_ROWS_MANY :
		    n - k >= 10 ? 10 : 1;
		bytes = 0;
		for (j = 0; j < m; j++)
			bytes += iter_params(r, i, idx[k + j],
			    p + ITER_PARAMS * j, &out[j], &err[j]);
		if (m > 1 && bytes > ITER_BATCH_BYTES) {
			for (j = 0; j < m; j++) {
				free(out[j]);
				free(err[j]);
			}
			m = 1;
			(void)iter_params(r, i, idx[k], p, &out[0], &err[0]);
		}
		rc = store_exec(sp->st, m == 1 ? STMT_SUP_ITER_PUT : m == 10 ?
		    STMT_SUP_ITER_PUT_TEN : STMT_SUP_ITER_PUT_MANY, p, (size_t)(ITER_PARAMS * m), NULL,
		    NULL, NULL);
		for (j = 0; j < m; j++) {
			free(out[j]);
			free(err[j]);
		}
	}
	free(p);
	free(out);
	free(err);
	return rc;
}

int
sup_map_put(struct sup *sp, const struct run *r, int i)
{
	const struct sup_map	*m = r->s[i].map;
	int			*idx, n = 0, k, rc;

	if (m == NULL)
		return RC_OK;
	idx = xcalloc((size_t)m->n + 1, sizeof(*idx));
	for (k = 0; k < m->n; k++)
		if (m->it[k].dirty)
			idx[n++] = k;
	rc = put_rows(sp, r, i, idx, n);
	free(idx);
	return rc;
}
