/*
 * Map steps (engine.md "map: one inner step per item"): the items are
 * evaluated once when the step starts, each item is an iteration with
 * its own status, attempts, output and error, stored in the iterations
 * table (sql/016) with the step's row in the run's fenced writes, so
 * that a resumed map (another claim, a redrive) runs again only what is
 * not completed or skipped there. The engine (engine_map_*) says which
 * iterations start and when the map has ended.
 *
 * Transform iterations run in-process at once; delays keep a timer;
 * http and command iterations run on the supervisor's event loop like
 * steps (sup_step.h), at most max_concurrency per map and, for
 * commands, at most [supervisor] max_processes handlers in all. Before
 * an iteration that acts outside wfm starts, the results known so far
 * are committed, so that a resumed map does not run a completed
 * iteration again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "expr.h"
#include "jsonx.h"
#include "log.h"
#include "store_iter.h"
#include "sup_int.h"

#define ITER_BATCH_BYTES (4 * 1024 * 1024)	/* text per batch */

static struct json_object *
iter_error(const struct run *r, const char *type, const char *msg)
{
	struct json_object	*e = json_object_new_object();

	json_object_object_add(e, "type", json_object_new_string(type));
	json_object_object_add(e, "message", json_object_new_string(msg));
	return sup_run_scrub(r, e);
}

/*
 * Iteration k's attempt ended as to (completed, failed for good, skipped
 * or cancelled): the engine makes the transition; out and err are taken.
 */
static void
iter_set(struct run *r, int i, struct sup_iter *it, enum engine_state to,
    struct json_object *out, struct json_object *err)
{
	int64_t	 delay;
	int	 rc;

	switch (to) {
	case ENGINE_COMPLETED:
		rc = engine_step_complete(&it->st);
		break;
	case ENGINE_SKIPPED:
		rc = engine_step_skip(&it->st);
		break;
	case ENGINE_CANCELLED:
		rc = engine_step_cancel(&it->st);
		break;
	default:	/* failed, not retryable */
		rc = engine_step_fail(r->t->steps[i].inner, it->attempts, 0,
		    0.0, &it->st, &delay);
		break;
	}
	if (rc != RC_OK)
		log_warnx("execution %s: step %s: iteration %d: %s -> %s "
		    "refused", r->id, r->t->steps[i].id,
		    (int)(it - r->s[i].map->it), engine_state_name(it->st),
		    engine_state_name(to));
	json_object_put(it->output);
	it->output = out;
	json_object_put(it->error);
	it->error = err;
	it->due = 0;
	it->completed_ms = util_now_ms();
	it->dirty = 1;
	r->s[i].dirty = 1;
	sup_metrics_iteration(engine_state_name(it->st));
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
	struct errmsg		 err;
	int			 over = 0, rc;

	rc = expr_render_max(v, iter_bind(r, in, m, k), SUP_STEP_OUTPUT_MAX,
	    &over, out, &err);
	iter_unbind(r);
	if (rc == RC_OK)
		return RC_OK;
	if (over)
		errmsg_set(&err, "rendering passed the limit of %d "
		    "bytes", SUP_STEP_OUTPUT_MAX);
	iter_set(r, i, &m->it[k], ENGINE_FAILED, NULL, iter_error(r,
	    over ? "output_too_large" : "expression", err.text));
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

/* The failed attempt of iteration k: retry later or fail it. */
static void
iter_fail(struct run *r, int i, int k, const char *type, const char *msg,
    int retryable, struct json_object *output)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_iter		*it = &r->s[i].map->it[k];
	unsigned		 rnd;
	int64_t			 delay;

	if (output != NULL && jsonx_deeper(output, JSONX_STORE_DEPTH_MAX - 1)) {
		json_object_put(output);
		output = NULL;
	}
	if (engine_should_retry(in, it->attempts, retryable)) {
		json_object_put(it->error);
		it->error = iter_error(r, type, msg);
		json_object_put(it->output);
		it->output = sup_run_scrub(r, output);
		(void)util_random(&rnd, sizeof(rnd));
		(void)engine_step_fail(in, it->attempts, retryable,
		    (double)rnd / 4294967296.0, &it->st, &delay);
		it->due = util_mono_ms() + delay;
		it->dirty = 1;
		r->s[i].dirty = 1;
		return;
	}
	iter_set(r, i, it, ENGINE_FAILED, sup_run_scrub(r, output),
	    iter_error(r, type, msg));
}

/*
 * Iteration k's attempt succeeded with out (taken): completed, unless out
 * nests deeper than the database stores.
 */
static void
iter_done(struct run *r, int i, int k, struct json_object *out)
{
	if (out != NULL && jsonx_deeper(out, JSONX_STORE_DEPTH_MAX - 1)) {
		json_object_put(out);
		iter_fail(r, i, k, SUP_ERR_OUTPUT_INVALID, "output nests "
		    "objects and arrays deeper than the database stores", 0,
		    NULL);
		return;
	}
	iter_set(r, i, &r->s[i].map->it[k], ENGINE_COMPLETED,
	    sup_run_scrub(r, out), NULL);
}

static void
iter_http(struct sup *sp, struct run *r, int i, int k)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_iter		*it = &r->s[i].map->it[k];
	struct json_object	*req = NULL;
	struct errmsg		 err;
	char			 key[160];
	int			 rc;

	if (iter_render(r, i, k, in->request, &req) != RC_OK)
		return;
	snprintf(key, sizeof(key), "%s:%s:%d", r->id, in->id, k);
	if ((rc = sup_run_http(sp, in, req, key, it, &it->xfer, &err)) !=
	    RC_OK)
		iter_fail(r, i, k, "connection", err.text, rc != RC_INVALID,
		    NULL);
}

static void
iter_command(struct sup *sp, struct run *r, int i, int k)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_iter		*it = &r->s[i].map->it[k];
	struct json_object	*input = NULL;
	struct errmsg		 err;
	int			 retryable;

	if (in->input != NULL && iter_render(r, i, k, in->input, &input) !=
	    RC_OK)
		return;
	if (sup_run_command(sp, r, in, it->attempts, k, input, &it->cmd, &err,
	    &retryable) != RC_OK)
		iter_fail(r, i, k, "exit_status", err.text, retryable, NULL);
}

/*
 * What iteration k's child says (sup_subwf.c): it waits for it, takes
 * its output, fails (retried per the inner step's retry), or is put off
 * (the quota, the database: not an attempt, the same child name later).
 */
static void
iter_wf_apply(struct run *r, int i, int k, struct sup_wf_res *res)
{
	struct sup_iter		*it = &r->s[i].map->it[k];
	int64_t			 ms;

	switch (res->kind) {
	case SUP_WF_WAIT:
		it->wf_later = 0;
		if (engine_step_wait(&it->st) == RC_OK) {
			it->dirty = 1;
			r->s[i].dirty = 1;
		}
		break;
	case SUP_WF_DONE:
		it->wf_later = 0;
		iter_done(r, i, k, res->output);
		res->output = NULL;
		break;
	case SUP_WF_FAIL:
		it->wf_later = 0;
		iter_fail(r, i, k, res->err_type, res->msg, res->retryable,
		    NULL);
		break;
	case SUP_WF_QUOTA:
	case SUP_WF_LATER:
		if (engine_step_defer(&it->st) != RC_OK)
			break;
		ms = (int64_t)SUP_WF_LATER_MS << MIN(it->wf_later, 5);
		it->wf_later++;
		it->attempts--;		/* iter_start counts it again */
		it->due = util_mono_ms() + MIN(ms, SUP_WF_LATER_MAX_MS);
		it->dirty = 1;
		r->s[i].dirty = 1;
		break;
	}
	json_object_put(res->output);
	res->output = NULL;
}

/* Start (or, rejoined, find) the child of iteration k's attempt. */
static void
iter_workflow(struct sup *sp, struct run *r, int i, int k)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_iter		*it = &r->s[i].map->it[k];
	struct json_object	*input = NULL;
	struct sup_wf_res	 res;

	if (in->wf_input != NULL) {
		if (iter_render(r, i, k, in->wf_input, &input) != RC_OK)
			return;
	} else
		input = json_object_new_object();
	if (!json_object_is_type(input, json_type_object)) {
		json_object_put(input);
		iter_fail(r, i, k, SUP_ERR_INPUT_INVALID, "input must render "
		    "to an object", 0, NULL);
		return;
	}
	sup_wf_iter_start(sp, r, i, k, it->attempts, input, &res);
	json_object_put(input);
	iter_wf_apply(r, i, k, &res);
}

/* A finished attempt of iteration k (res is the caller's). */
static void
iter_result(struct run *r, int i, int k, struct sup_step_result *res)
{
	struct sup_iter		*it = &r->s[i].map->it[k];
	struct json_object	*out;

	it->cmd = NULL;
	it->xfer = NULL;
	if (it->st != ENGINE_RUNNING)
		return;
	if (res->err_type == NULL) {
		iter_done(r, i, k, res->output);
		res->output = NULL;
		return;
	}
	if (strcmp(res->err_type, SUP_ERR_CANCELLED) == 0) {
		iter_set(r, i, it, ENGINE_CANCELLED, NULL, iter_error(r,
		    "cancelled", res->err_msg != NULL ? res->err_msg :
		    "cancelled"));
		return;
	}
	out = res->output;
	res->output = NULL;
	iter_fail(r, i, k, res->err_type, res->err_msg != NULL ?
	    res->err_msg : res->err_type, res->retryable, out);
}

/* Begin an attempt of iteration k. */
static void
iter_start(struct sup *sp, struct run *r, int i, int k)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_iter		*it = &r->s[i].map->it[k];

	/* A rejoined attempt goes on under its number (its child's name). */
	if (it->wf_rejoin)
		it->wf_rejoin = 0;
	else
		it->attempts++;
	(void)engine_step_start(&it->st);
	it->due = 0;
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
	case TMPL_STEP_DELAY:
		it->due = util_mono_ms() + (int64_t)(in->delay_seconds * 1000);
		break;
	case TMPL_STEP_HTTP:
		iter_http(sp, r, i, k);
		break;
	case TMPL_STEP_COMMAND:
		iter_command(sp, r, i, k);
		break;
	case TMPL_STEP_WORKFLOW:
		iter_workflow(sp, r, i, k);
		break;
	case TMPL_STEP_MAP:
	case TMPL_STEP_WAIT:
		/* Refused when the template is stored (tmpl_valid.c). */
		iter_set(r, i, it, ENGINE_FAILED, NULL, iter_error(r,
		    "unsupported", "a map or wait step inside a map"));
		break;
	}
}

/* The stored iterations of a resumed or redriven map. */
static int
map_load(struct sup *sp, struct run *r, int i)
{
	struct sup_map		*m = r->s[i].map;
	struct sup_iter		*it;
	const struct store_iter	*row;
	enum engine_state	 st;
	struct store_iter_list	 res;
	size_t			 j;
	int			 k;

	if (store_iter_load(sp->st, r->pk, i, &res) != RC_OK)
		return RC_ERR;
	for (j = 0; j < res.n; j++) {
		row = &res.v[j];
		k = row->idx;
		if (k < 0 || k >= m->n || engine_state_parse(row->status,
		    &st) != RC_OK)
			continue;
		it = &m->it[k];
		it->dirty = 0;		/* it has a row */
		it->attempts = row->attempts;
		it->started_ms = row->started_ms != STORE_NO_MS ?
		    row->started_ms : 0;
		/*
		 * A waiting iteration (its child runs) is rejoined below,
		 * anything else running runs again.
		 */
		switch (engine_step_resume(st == ENGINE_WAITING ?
		    ENGINE_PENDING : st, r->t->steps[i].inner->type ==
		    TMPL_STEP_DELAY, row->has_wait, &it->st)) {
		case ENGINE_RESUME_KEEP:	/* completed, skipped */
			it->completed_ms = row->completed_ms != STORE_NO_MS ?
			    row->completed_ms : 0;
			/* Ours now: the list drops its reference. */
			it->output = json_object_get(row->output);
			break;
		case ENGINE_RESUME_RESET:
			/* Only a redrive resumes these (it resets them). */
			it->attempts = 0;
			it->started_ms = 0;
			it->dirty = 1;
			break;
		case ENGINE_RESUME_TIMER:
			/* A delay goes on, a retry wait starts when due. */
			it->due = util_mono_ms() + MAX(row->wait_us / 1000, 0);
			break;
		case ENGINE_RESUME_RERUN:
			/*
			 * pending, running: (again), at least once. A
			 * workflow iteration that began an attempt looks for
			 * that attempt's child first (the same name): one
			 * child per attempt, whatever was written.
			 */
			it->wf_rejoin = r->t->steps[i].inner->type ==
			    TMPL_STEP_WORKFLOW && it->attempts > 0 &&
			    (st == ENGINE_RUNNING || st == ENGINE_WAITING);
			break;
		}
	}
	store_iter_list_free(&res);
	return RC_OK;
}

void
sup_map_free(struct sup_map *m)
{
	int	 k;

	if (m == NULL)
		return;
	for (k = 0; k < m->n; k++) {
		sup_cmd_free(m->it[k].cmd);	/* SIGKILL to its group */
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

int
sup_map_handles(const struct run *r, int i)
{
	const struct sup_map	*m = r->s[i].map;
	int			 k, n = 0;

	if (m == NULL)
		return 0;
	for (k = 0; k < m->n; k++)
		n += m->it[k].cmd != NULL || m->it[k].xfer != NULL;
	return n;
}

int
sup_map_processes(const struct sup *sp)
{
	const struct run	*r;
	const struct sup_map	*m;
	int			 j, i, k, n = 0;

	for (j = 0; j < sp->cap; j++) {
		if ((r = sp->runs[j]) == NULL)
			continue;
		for (i = 0; i < r->t->nsteps; i++) {
			n += r->s[i].cmd != NULL;
			if ((m = r->s[i].map) == NULL)
				continue;
			for (k = 0; k < m->n; k++)
				n += m->it[k].cmd != NULL;
		}
	}
	return n;
}

/* Stop iteration k: its handler is told to stop, the rest ends now. */
static void
iter_stop(struct sup *sp, struct run *r, int i, int k)
{
	struct sup_iter	*it = &r->s[i].map->it[k];

	it->due = 0;
	if (it->cmd != NULL) {
		sup_cmd_cancel(it->cmd);	/* its result: cancelled */
		return;
	}
	if (it->xfer != NULL) {
		sup_http_cancel(sp->http, it->xfer);
		it->xfer = NULL;
	}
	if (it->st == ENGINE_PENDING)
		iter_set(r, i, it, ENGINE_CANCELLED, NULL, NULL);
	else if (it->st == ENGINE_RUNNING || it->st == ENGINE_RETRY_WAIT ||
	    it->st == ENGINE_WAITING)
		iter_set(r, i, it, ENGINE_CANCELLED, NULL, iter_error(r,
		    "cancelled", "cancelled"));
}

/* Due timers: delays complete, retries start again. */
static int
map_timers(struct sup *sp, struct run *r, int i)
{
	const struct tmpl_step	*in = r->t->steps[i].inner;
	struct sup_map		*m = r->s[i].map;
	struct json_object	*o;
	int64_t			 now = util_mono_ms();
	int			 k, changed = 0;

	for (k = 0; k < m->n; k++) {
		if (m->it[k].due == 0 || m->it[k].due > now)
			continue;
		if (m->it[k].st == ENGINE_RETRY_WAIT) {
			if (sp->stopping)
				m->it[k].due = 0;	/* left to a resume */
			else if (in->type != TMPL_STEP_COMMAND ||
			    sup_map_processes(sp) < sp->cfg->sup.max_processes)
				iter_start(sp, r, i, k);
			else {
				/* No handler free: look again in a while. */
				m->it[k].due = now + SUP_PROC_WAIT_MS;
				continue;
			}
			changed = 1;
		} else if (m->it[k].st == ENGINE_RUNNING &&
		    in->type == TMPL_STEP_DELAY) {
			o = json_object_new_object();
			json_object_object_add(o, "seconds",
			    json_object_new_double(in->delay_seconds));
			iter_set(r, i, &m->it[k], ENGINE_COMPLETED, o, NULL);
			changed = 1;
		}
	}
	return changed;
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
	int			*next, n, k, lowest, nfailed = 0, budget;
	int			 changed = 0, effects;

	effects = ms->inner->type == TMPL_STEP_HTTP ||
	    ms->inner->type == TMPL_STEP_COMMAND;
	st = xcalloc((size_t)m->n + 1, sizeof(*st));
	next = xcalloc((size_t)m->n + 1, sizeof(*next));
	if (!r->halting && !r->pausing)
		changed |= map_timers(sp, r, i);
	for (;;) {
		for (k = 0; k < m->n; k++)
			st[k] = m->it[k].st;
		if (r->halting || sp->stopping || r->pausing)
			break;
		budget = ms->inner->type != TMPL_STEP_COMMAND ? -1 :
		    MAX(sp->cfg->sup.max_processes - sup_map_processes(sp), 0);
		n = engine_map_next(ms, st, m->n, budget, next, m->n);
		if (n == 0)
			break;
		/*
		 * What is known is committed before anything acts outside
		 * wfm again: a resumed map never runs a completed iteration
		 * for want of its recorded result.
		 */
		if (effects && sup_run_dirty(r) && sup_write_run(sp, r, 0) !=
		    RC_OK)
			break;		/* tried again at the next round */
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
		if (effects)
			break;		/* their results come later */
	}
	for (k = 0; k < m->n; k++)
		st[k] = m->it[k].st;
	out = engine_map_outcome(ms, st, m->n, &lowest);
	switch (out) {
	case ENGINE_OUT_FAILED:
		/* The unfinished ones are cancelled, handlers stopped. */
		for (k = 0; k < m->n; k++)
			if (m->it[k].st != ENGINE_COMPLETED &&
			    m->it[k].st != ENGINE_SKIPPED &&
			    m->it[k].st != ENGINE_FAILED &&
			    m->it[k].st != ENGINE_CANCELLED)
				iter_stop(sp, r, i, k);
		if (sup_map_handles(r, i) > 0)
			break;		/* their results first */
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
		/*
		 * Only children run: the map waits as a workflow step does,
		 * so that its execution may park (engine_park) until a
		 * child's end wakes it (sup_map_resume then).
		 */
		if (engine_map_waits(ms, st, m->n) &&
		    engine_step_wait(&r->s[i].st) == RC_OK) {
			r->s[i].dirty = 1;
			changed = 1;
		}
		break;
	}
	free(st);
	free(next);
	return changed;
}

/*
 * The map of step i built from its items and its stored iterations;
 * RC_OK, else the step failed (recorded).
 */
static int
map_build(struct sup *sp, struct run *r, int i)
{
	const struct tmpl_step	*ms = &r->t->steps[i];
	struct json_object	*w, *items = NULL;
	struct sup_map		*m;
	struct errmsg		 err;
	int			 over = 0, k;

	sup_map_free(r->s[i].map);
	r->s[i].map = NULL;
	w = json_object_new_string(ms->items);
	if (expr_render_max(w, sup_run_ctx(r, ms), SUP_RESULT_MAX, &over,
	    &items, &err) != RC_OK) {
		json_object_put(w);
		if (over)
			errmsg_set(&err, "rendering items passed the "
			    "limit of %d bytes", SUP_RESULT_MAX);
		sup_run_fail(r, i, over ? "output_too_large" : "expression",
		    err.text);
		return RC_INVALID;
	}
	json_object_put(w);
	if (engine_map_items_check(items, &err) != RC_OK) {
		json_object_put(items);
		sup_run_fail(r, i, "map_items_invalid", err.text);
		return RC_INVALID;
	}
	m = xcalloc(1, sizeof(*m));
	m->items = items;
	m->n = (int)json_object_array_length(items);
	m->it = xcalloc((size_t)m->n + 1, sizeof(*m->it));
	/* Every iteration gets its row (pending), unless it has one. */
	for (k = 0; k < m->n; k++)
		m->it[k].dirty = 1;
	r->s[i].dirty = 1;
	r->s[i].map = m;
	if (map_load(sp, r, i) != RC_OK) {
		/* Cannot tell what ran: leave it to the next claim. */
		sup_run_fail(r, i, "internal", "iterations could not be read");
		return RC_ERR;
	}
	return RC_OK;
}

void
sup_map_start(struct sup *sp, struct run *r, int i)
{
	if (map_build(sp, r, i) == RC_OK)
		(void)map_pump(sp, r, i);
}

void
sup_map_resume(struct sup *sp, struct run *r, int i)
{
	if (r->s[i].map != NULL || r->s[i].st != ENGINE_WAITING)
		return;
	if (engine_step_wake(&r->s[i].st) != RC_OK)
		return;
	r->s[i].dirty = 1;
	(void)map_build(sp, r, i);
}

int
sup_map_poke(struct sup *sp, struct run *r, int i)
{
	struct sup_map		*m = r->s[i].map;
	struct sup_wf_res	 res;
	int			 k, changed = 0;

	if (m == NULL || r->t->steps[i].inner->type != TMPL_STEP_WORKFLOW)
		return 0;
	for (k = 0; k < m->n; k++) {
		if (m->it[k].st != ENGINE_WAITING)
			continue;
		sup_wf_iter_check(sp, r, i, k, m->it[k].attempts, &res);
		/* Still running, or the database: the wake comes anyway. */
		if (res.kind != SUP_WF_DONE && res.kind != SUP_WF_FAIL) {
			json_object_put(res.output);
			continue;
		}
		iter_wf_apply(r, i, k, &res);
		changed = 1;
	}
	if (changed && r->s[i].st == ENGINE_WAITING &&
	    engine_step_wake(&r->s[i].st) == RC_OK)
		r->s[i].dirty = 1;
	return changed;
}

void
sup_map_stop(struct sup *sp, struct run *r, int i)
{
	struct sup_map	*m = r->s[i].map;
	int		 k;

	if (m == NULL)
		return;
	for (k = 0; k < m->n; k++)
		iter_stop(sp, r, i, k);
}

void
sup_map_abort(struct sup *sp, struct run *r)
{
	struct sup_map	*m;
	int		 i, k;

	for (i = 0; i < r->t->nsteps; i++) {
		if ((m = r->s[i].map) == NULL)
			continue;
		for (k = 0; k < m->n; k++) {
			if (m->it[k].cmd != NULL)
				sup_cmd_cancel(m->it[k].cmd);
			if (m->it[k].xfer != NULL) {
				sup_http_cancel(sp->http, m->it[k].xfer);
				m->it[k].xfer = NULL;
			}
		}
	}
}

/* The map and iteration of r that user (an http result's) is. */
static int
locate(struct run *r, void *user, int *ip, int *kp)
{
	const struct sup_map	*m;
	int			 i;

	for (i = 0; i < r->t->nsteps; i++) {
		if ((m = r->s[i].map) == NULL || m->n == 0)
			continue;
		if ((char *)user >= (char *)m->it &&
		    (char *)user < (char *)(m->it + m->n)) {
			*ip = i;
			*kp = (int)((struct sup_iter *)user - m->it);
			return 1;
		}
	}
	return 0;
}

int
sup_map_http_done(struct sup *sp, struct run *r, void *user,
    struct sup_step_result *res)
{
	int	 i, k;

	(void)sp;
	if (!locate(r, user, &i, &k))
		return 0;
	iter_result(r, i, k, res);
	return 1;
}

void
sup_map_collect(struct sup *sp, struct run *r)
{
	struct sup_step_result	 res;
	struct sup_map		*m;
	int			 i, k;

	(void)sp;
	for (i = 0; i < r->t->nsteps; i++) {
		if ((m = r->s[i].map) == NULL)
			continue;
		for (k = 0; k < m->n; k++) {
			if (m->it[k].cmd != NULL &&
			    sup_cmd_drive(&m->it[k].cmd, &res)) {
				iter_result(r, i, k, &res);
				sup_step_result_fini(&res);
			}
		}
	}
}

size_t
sup_map_pollfds(const struct run *r, struct pollfd *pfd, size_t room)
{
	const struct sup_map	*m;
	size_t			 n = 0;
	int			 i, k;

	for (i = 0; i < r->t->nsteps; i++) {
		if ((m = r->s[i].map) == NULL)
			continue;
		for (k = 0; k < m->n; k++)
			if (m->it[k].cmd != NULL &&
			    n + SUP_CMD_NPOLLFD <= room)
				n += sup_cmd_pollfds(m->it[k].cmd, pfd + n,
				    SUP_CMD_NPOLLFD);
	}
	return n;
}

int64_t
sup_map_due(const struct run *r, int64_t now)
{
	const struct sup_map	*m;
	int64_t			 due = INT64_MAX;
	int			 i, k, ms;

	for (i = 0; i < r->t->nsteps; i++) {
		if ((m = r->s[i].map) == NULL)
			continue;
		for (k = 0; k < m->n; k++) {
			if (m->it[k].due != 0 && m->it[k].due < due &&
			    !r->pausing && !r->halting)
				due = m->it[k].due;
			if (m->it[k].cmd != NULL && (ms = sup_cmd_timeout_ms(
			    m->it[k].cmd, now)) >= 0 && now + ms < due)
				due = now + ms;
		}
	}
	return due;
}

int
sup_map_advance(struct sup *sp, struct run *r, int i)
{
	if (r->s[i].map == NULL || r->s[i].st != ENGINE_RUNNING)
		return 0;
	return map_pump(sp, r, i);
}

/* One iteration row to write; *out, *err the caller's. */
static size_t
iter_row(const struct run *r, int i, int k, struct store_iter_put *p,
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
	p->exec_pk = r->pk;
	p->step = i;
	p->idx = k;
	/*
	 * Waiting for its child is stored and shown as running (the six
	 * statuses of an iteration, sql/016): resumed, it rejoins its child.
	 */
	p->status = it->st == ENGINE_WAITING ? "running" :
	    engine_state_api_name(it->st);
	p->attempts = it->attempts;
	p->started_ms = it->started_ms != 0 ? it->started_ms : STORE_NO_MS;
	p->completed_ms = (it->st == ENGINE_COMPLETED ||
	    it->st == ENGINE_FAILED || it->st == ENGINE_SKIPPED ||
	    it->st == ENGINE_CANCELLED) && it->completed_ms != 0 ?
	    it->completed_ms : STORE_NO_MS;
	p->output = *out;
	p->error = *err;
	left = it->due != 0 ? MAX(it->due - util_mono_ms(), 0) * 1000 : 0;
	p->has_wait = it->due != 0;
	p->wait_us = left;
	return n;
}

/*
 * Write rows idx[0..n): STORE_ITER_PUT_MANY (or 10) per statement while
 * their text stays under ITER_BATCH_BYTES, else one by one.
 */
static int
put_rows(struct sup *sp, const struct run *r, int i, const int *idx, int n)
{
	struct store_iter_put	*p;
	char			**out, **err;
	size_t			 bytes;
	int			 k, j, m, rc = RC_OK;

	p = xcalloc(STORE_ITER_PUT_MANY, sizeof(*p));
	out = xcalloc(STORE_ITER_PUT_MANY, sizeof(*out));
	err = xcalloc(STORE_ITER_PUT_MANY, sizeof(*err));
	for (k = 0; k < n && rc == RC_OK; k += m) {
		m = n - k >= STORE_ITER_PUT_MANY ? STORE_ITER_PUT_MANY :
		    n - k >= 10 ? 10 : 1;
		bytes = 0;
		for (j = 0; j < m; j++)
			bytes += iter_row(r, i, idx[k + j], &p[j], &out[j],
			    &err[j]);
		if (m > 1 && bytes > ITER_BATCH_BYTES) {
			for (j = 0; j < m; j++) {
				free(out[j]);
				free(err[j]);
			}
			m = 1;
			(void)iter_row(r, i, idx[k], p, &out[0], &err[0]);
		}
		rc = store_iter_put(sp->st, p, (size_t)m);
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
