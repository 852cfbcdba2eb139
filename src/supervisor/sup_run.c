/*
 * One execution's life in the supervisor: load and resume, start the
 * steps the engine allows, take their results, write every change fenced
 * by our lease before dependents start, and finish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "expr.h"
#include "jsonx.h"
#include "log.h"
#include "schema.h"
#include "store_callback.h"
#include "store_exec.h"
#include "store_run.h"
#include "store_secret.h"
#include "sup_int.h"


static struct json_object *
make_error(const char *type, const char *msg)
{
	struct json_object	*e = json_object_new_object();

	json_object_object_add(e, "type", json_object_new_string(type));
	json_object_object_add(e, "message", json_object_new_string(msg));
	return e;
}

/* 1 when a step of r holds a callback token to mask. */
static int
has_tokens(const struct run *r)
{
	int	i;

	for (i = 0; r->t != NULL && i < r->t->nsteps; i++)
		if (r->s[i].cb_token[0] != '\0')
			return 1;
	return 0;
}

/*
 * The one place where a run's text is redacted: every step output and
 * error, the final result and the error details pass here (through
 * scrub_value and scrub_msg) before the run keeps them, in the context
 * later steps read and in what is written to the database. Returns a new
 * string: text[0..len) with each of the owner's secret values masked
 * (secret_redact), in its JSON-escaped form when json is set; cut and
 * flags say where text was truncated (secret.h).
 */
static char *
scrub(const struct run *r, const char *text, size_t len, int json,
    size_t cut, int flags)
{
	struct json_object	*tmp;
	const char		*q;
	size_t			 *vlens, n = 0, k, ql;
	char			 *out, **vals;
	int			  m;

	/* Callback tokens alone: a run may have tokens and no secrets. */
	k = r->secrets != NULL ?
	    (size_t)json_object_object_length(r->secrets) : 0;
	vals = xcalloc(k + TMPL_STEPS_MAX + 1, sizeof(*vals));
	vlens = xcalloc(k + TMPL_STEPS_MAX + 1, sizeof(*vlens));
	/* Callback tokens: base64url, the same escaped or not. */
	for (m = 0; r->t != NULL && m < r->t->nsteps; m++)
		if (r->s[m].cb_token[0] != '\0') {
			vals[n] = xstrdup(r->s[m].cb_token);
			vlens[n++] = CBTOK_LEN;
		}
	k += n;
	if (r->secrets == NULL)
		goto redact;
	json_object_object_foreach(r->secrets, name, val) {
		(void)name;
		if (n == k)
			break;
		q = json_object_get_string(val);
		ql = (size_t)json_object_get_string_len(val);
		if (json) {
			/* The escaped form, without the quotes. */
			tmp = json_object_new_string_len(q, (int)ql);
			q = json_object_to_json_string_length(tmp,
			    JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE, &ql);
			vals[n] = xstrndup(q + 1, ql - 2);
			vlens[n++] = ql - 2;
			json_object_put(tmp);
		} else {
			vals[n] = xmalloc(ql + 1);
			memcpy(vals[n], q, ql + 1);
			vlens[n++] = ql;
		}
	}
redact:
	out = secret_redact(text, len, (const char *const *)vals, vlens, n,
	    cut, flags, NULL);
	while (n > 0)
		free(vals[--n]);
	free(vals);
	free(vlens);
	return out;
}

/* v (consumed) with every secret value masked; a new value or v. */
static struct json_object *
scrub_value(const struct run *r, struct json_object *v)
{
	struct json_object	*out;
	const char		*text;
	char			*red;
	size_t			 len = 0;

	if ((r->secrets == NULL && !has_tokens(r)) || v == NULL)
		return v;
	text = json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	red = scrub(r, text, len, 1, 0, 0);
	if (strcmp(red, text) == 0) {
		free(red);
		return v;
	}
	out = json_tokener_parse(red);
	if (out == NULL && strcmp(red, "null") != 0)
		/*
		 * A value that matched inside an escape sequence or a number
		 * leaves text that is no longer JSON: hide the whole value
		 * rather than store nothing (or the secret).
		 */
		out = json_object_new_string(SECRET_MASK);
	free(red);
	json_object_put(v);
	return out;
}

/* A message (owned by the caller) with secrets masked, cuts honoured. */
static char *
scrub_msg(const struct run *r, const char *msg, size_t cut, int flags)
{
	if (r->secrets == NULL && !has_tokens(r))
		return xstrdup(msg);
	return scrub(r, msg, strlen(msg), 0, cut, flags);
}

/* Set step i's error to {type, message} with message scrubbed. */
static void
step_error(struct run *r, int i, const char *type, const char *msg,
    size_t cut, int flags)
{
	char	*m = scrub_msg(r, msg, cut, flags);

	json_object_put(r->s[i].error);
	r->s[i].error = make_error(type, m);
	free(m);
}

static void
set_step_ctx(struct run *r, int i)
{
	struct json_object	*steps, *o;
	struct run_step		*s = &r->s[i];

	json_object_object_get_ex(r->ctx, "steps", &steps);
	o = json_object_new_object();
	json_object_object_add(o, "output", json_object_get(s->output));
	json_object_object_add(o, "status",
	    json_object_new_string(engine_state_api_name(s->st)));
	json_object_object_add(steps, r->t->steps[i].id, o);
}

static void	step_fail(struct run *, int, const char *, const char *, int,
		    struct json_object *);
static int	too_deep(struct json_object *);

/*
 * The attempt of step i just ended: {attempt, started_at, completed_at,
 * error} appended to its history (written with the step row), which
 * keeps the last SUP_HISTORY_MAX.
 */
static void
attempt_end(struct run *r, int i)
{
	struct run_step		*s = &r->s[i];
	struct json_object	*h;
	char			 buf[UTIL_TIME_LEN];
	int64_t			 start = s->attempt_ms != 0 ? s->attempt_ms :
				     s->started_ms;

	if (s->attempts <= 0)
		return;
	h = json_object_new_object();
	json_object_object_add(h, "attempt", json_object_new_int(
	    s->attempts));
	util_time_fmt(start, buf);
	json_object_object_add(h, "started_at", json_object_new_string(buf));
	util_time_fmt(MAX(util_now_ms(), start), buf);
	json_object_object_add(h, "completed_at", json_object_new_string(buf));
	json_object_object_add(h, "error", json_object_get(s->error));
	if (s->history == NULL)
		s->history = json_object_new_array();
	json_object_array_add(s->history, h);
	while (json_object_array_length(s->history) > SUP_HISTORY_MAX)
		json_object_array_del_idx(s->history, 0, 1);
	s->attempt_ms = 0;
}

/* The last recorded attempt of step i ended at ms (a delay's full end). */
static void
attempt_end_at(struct run *r, int i, int64_t ms)
{
	struct json_object	*h;
	char			 buf[UTIL_TIME_LEN];
	size_t			 n;

	if (r->s[i].history == NULL ||
	    (n = json_object_array_length(r->s[i].history)) == 0)
		return;
	h = json_object_array_get_idx(r->s[i].history, n - 1);
	util_time_fmt(ms, buf);
	json_object_object_add(h, "completed_at", json_object_new_string(buf));
}

/* What step i's attempt was started with, secrets masked (for GET). */
static void
set_input(struct run *r, int i, struct json_object *in)
{
	struct run_step	*s = &r->s[i];

	json_object_put(s->input);
	s->input = scrub_value(r, json_object_get(in));
	if (too_deep(s->input)) {
		json_object_put(s->input);
		s->input = NULL;
	}
}

/*
 * 1 when v nests deeper than a JSON column accepts (JSONX_STORE_DEPTH_MAX):
 * such a value is never kept, or its write would be refused for ever.
 */
static int
too_deep(struct json_object *v)
{
	return v != NULL && jsonx_deeper(v, JSONX_STORE_DEPTH_MAX);
}

static void
step_complete(struct run *r, int i, struct json_object *output)
{
	struct run_step	*s = &r->s[i];
	char		 err[ERRMSG_MAX];

	if (too_deep(output)) {
		json_object_put(output);
		snprintf(err, sizeof(err), "output nests objects and arrays "
		    "deeper than %d levels, more than the database stores",
		    JSONX_STORE_DEPTH_MAX);
		step_fail(r, i, SUP_ERR_OUTPUT_INVALID, err, 0, NULL);
		return;
	}
	if (engine_step_complete(&s->st) != RC_OK) {
		log_warnx("execution %s: step %s: a result in state %s "
		    "ignored", r->id, r->t->steps[i].id,
		    engine_state_name(s->st));
		json_object_put(output);
		return;
	}
	json_object_put(s->output);
	s->output = scrub_value(r, output);
	json_object_put(s->error);
	s->error = NULL;
	s->completed_ms = util_now_ms();
	s->due = 0;
	s->dirty = 1;
	attempt_end(r, i);
	set_step_ctx(r, i);
	sup_metrics_step((int)r->t->steps[i].type,
	    (double)(s->completed_ms - s->started_ms) / 1000.0);
}

/*
 * A failed attempt: retry later or fail the step. msg was cut where cut
 * and flags say (secret.h).
 */
static void
step_fail_cut(struct run *r, int i, const char *type, const char *msg,
    size_t cut, int flags, int retryable, struct json_object *output)
{
	struct run_step		*s = &r->s[i];
	int64_t			 delay = -1;
	unsigned		 rnd = 0;

	/* retry.on: more types retried (engine.md, precise rules). */
	(void)util_random(&rnd, sizeof(rnd));
	if (engine_step_fail(&r->t->steps[i], s->attempts, retryable ||
	    tmpl_retry_on(&r->t->steps[i], type), (double)rnd / 4294967296.0,
	    &s->st, &delay) != RC_OK) {
		log_warnx("execution %s: step %s: a failure in state %s "
		    "ignored", r->id, r->t->steps[i].id,
		    engine_state_name(s->st));
		json_object_put(output);
		return;
	}
	if (too_deep(output)) {
		/* What a failed attempt produced is only a clue: drop it. */
		json_object_put(output);
		output = NULL;
	}
	step_error(r, i, type, msg, cut, flags);
	json_object_put(s->output);
	s->output = scrub_value(r, output);
	s->dirty = 1;
	attempt_end(r, i);
	if (s->st == ENGINE_RETRY_WAIT) {
		s->due = util_mono_ms() + delay;
		return;
	}
	s->completed_ms = util_now_ms();
	s->due = 0;
	set_step_ctx(r, i);
	sup_metrics_step((int)r->t->steps[i].type,
	    (double)(s->completed_ms - s->started_ms) / 1000.0);
}

/* A failed attempt whose message was not cut. */
static void
step_fail(struct run *r, int i, const char *type, const char *msg,
    int retryable, struct json_object *output)
{
	step_fail_cut(r, i, type, msg, 0, 0, retryable, output);
}

/* [http] public_url + base path + "/callbacks/" + token. */
static const struct config	*cb_cfg;

static struct json_object *
cb_ctx(const char *token)
{
	struct json_object	*o = json_object_new_object();
	char			 url[2048];

	snprintf(url, sizeof(url), "%s%s/callbacks/%s",
	    cb_cfg != NULL && cb_cfg->http.public_url != NULL ?
	    cb_cfg->http.public_url : "", cb_cfg != NULL ?
	    cb_cfg->http.base_path : "", token);
	json_object_object_add(o, "url", json_object_new_string(url));
	json_object_object_add(o, "token", json_object_new_string(token));
	return o;
}

/*
 * A fresh token for the attempt of callback step i that starts now: its
 * hash committed before anything is sent, earlier attempts' tokens
 * superseded (410). RC_OK, or the step failed (retryable: the database).
 */
static int
cb_issue(struct sup *sp, struct run *r, int i)
{
	unsigned char	 h[CBTOK_HASH_LEN];
	int		 rc;

	cb_cfg = sp->cfg;
	r->s[i].cb_token[0] = '\0';
	rc = store_callback_supersede(sp->st, r->pk, i);
	if (rc == RC_OK && (rc = cbtok_new(r->s[i].cb_token)) == RC_OK) {
		cbtok_hash(r->s[i].cb_token, CBTOK_LEN, h);
		rc = store_callback_insert(sp->st, h, sizeof(h), r->pk, i,
		    r->s[i].attempts);
	}
	if (rc == RC_OK)
		return RC_OK;
	explicit_bzero(r->s[i].cb_token, sizeof(r->s[i].cb_token));
	step_fail(r, i, "internal", "the callback token could not be stored",
	    1, NULL);
	return RC_ERR;
}

void
sup_run_complete(struct run *r, int i, struct json_object *out)
{
	step_complete(r, i, out);
}

void
sup_run_fail(struct run *r, int i, const char *type, const char *msg)
{
	step_fail(r, i, type, msg, 0, NULL);
}

struct json_object *
sup_run_scrub(const struct run *r, struct json_object *v)
{
	return scrub_value(r, v);
}

/* The context an expression of step ts sees (secrets where allowed). */
struct json_object *
sup_run_ctx(struct run *r, const struct tmpl_step *ts)
{
	enum tmpl_step_type	t = ts->type;

	if (r->secrets != NULL && (t == TMPL_STEP_HTTP ||
	    t == TMPL_STEP_COMMAND))
		json_object_object_add(r->ctx, "secrets",
		    json_object_get(r->secrets));
	else
		json_object_object_del(r->ctx, "secrets");
	return r->ctx;
}

/* The context an expression of step i sees (secrets only where allowed). */
static struct json_object *
ctx_for(struct run *r, int i)
{
	enum tmpl_step_type	t = r->t->steps[i].type;

	if (r->secrets != NULL && (t == TMPL_STEP_HTTP ||
	    t == TMPL_STEP_COMMAND))
		json_object_object_add(r->ctx, "secrets",
		    json_object_get(r->secrets));
	else
		json_object_object_del(r->ctx, "secrets");
	json_object_object_del(r->ctx, "callback");
	if (r->t->steps[i].callback && r->s[i].cb_token[0] != '\0')
		json_object_object_add(r->ctx, "callback",
		    cb_ctx(r->s[i].cb_token));
	return r->ctx;
}

/*
 * Render v for step i, bounded while it runs by the step output limit.
 * RC_OK: *out is the caller's. RC_INVALID: the step failed (expression,
 * or output_too_large when the budget ran out).
 */
static int
render_step(struct run *r, int i, struct json_object *v,
    struct json_object **out)
{
	struct errmsg	 err;
	int		 over = 0;

	if (expr_render_max(v, ctx_for(r, i), SUP_STEP_OUTPUT_MAX, &over, out,
	    &err) == RC_OK)
		return RC_OK;
	if (over) {
		errmsg_set(&err, "rendering passed the limit of %d "
		    "bytes", SUP_STEP_OUTPUT_MAX);
		step_fail(r, i, "output_too_large", err.text, 0, NULL);
	} else
		step_fail(r, i, "expression", err.text, 0, NULL);
	return RC_INVALID;
}

/*
 * Start the rendered request req (consumed) of ts as an http transfer
 * whose results go to user, with idempotency key key. RC_OK with *xfer
 * set; else *xfer NULL, err set, and RC_INVALID when not worth a retry.
 */
int
sup_run_http(struct sup *sp, const struct tmpl_step *ts,
    struct json_object *req, const char *key, void *user,
    struct sup_http_xfer **xfer, struct errmsg *err)
{
	struct json_object	*v;
	struct sup_http_req	 hr;
	struct errmsg		 em = { "" };
	int			 rc;

	memset(&hr, 0, sizeof(hr));
	hr.method = json_object_object_get_ex(req, "method", &v) ?
	    json_object_get_string(v) : "GET";
	hr.url = json_object_object_get_ex(req, "url", &v) ?
	    json_object_get_string(v) : "";
	hr.headers = json_object_object_get_ex(req, "headers", &v) ? v : NULL;
	hr.body = json_object_object_get_ex(req, "body", &v) ? v : NULL;
	hr.timeout_seconds = ts->timeout_seconds;
	hr.idempotency_key = key;
	hr.user = user;
	rc = sup_http_start(sp->http, &hr, xfer, &em);
	json_object_put(req);
	if (rc != RC_OK) {
		*xfer = NULL;
		errmsg_set(err, "%s", em.text);
	}
	return rc;
}

static void
start_http(struct sup *sp, struct run *r, int i)
{
	struct tmpl_step	*ts = &r->t->steps[i];
	struct json_object	*req = NULL;
	struct errmsg		 err;
	char			 key[128];
	int			 rc;

	if (render_step(r, i, ts->request, &req) != RC_OK)
		return;
	set_input(r, i, req);
	snprintf(key, sizeof(key), "%s:%s", r->id, ts->id);
	if ((rc = sup_run_http(sp, ts, req, key, &r->s[i], &r->s[i].xfer,
	    &err)) != RC_OK)
		step_fail(r, i, "connection", err.text, rc != RC_INVALID, NULL);
}

/*
 * Start handler ts for an attempt (index >= 0: map iteration index) with
 * its rendered input (consumed, may be NULL). Its stdin is {"input",
 * "execution", "step": {"id", "attempt"[, "index"]}}. RC_OK with *cmd
 * set; else *cmd is NULL, err says why and *retryable whether to retry.
 */
int
sup_run_command(struct sup *sp, const struct run *r,
    const struct tmpl_step *ts, int attempt, int index,
    struct json_object *input, struct sup_cmd **cmd, struct errmsg *err,
    int *retryable)
{
	struct json_object	*doc, *ex, *st;
	struct sup_cmd_spec	 cs;
	struct errmsg		 em = { "" };
	const char		*text;
	int			 rc;

	*cmd = NULL;
	*retryable = 0;
	doc = json_object_new_object();
	json_object_object_add(doc, "input", input);
	json_object_object_get_ex(r->ctx, "execution", &ex);
	json_object_object_add(doc, "execution", json_object_get(ex));
	st = json_object_new_object();
	json_object_object_add(st, "id", json_object_new_string(ts->id));
	json_object_object_add(st, "attempt", json_object_new_int(attempt));
	if (index >= 0)
		json_object_object_add(st, "index", json_object_new_int(index));
	json_object_object_add(doc, "step", st);
	/* Plain slashes: handlers need not know JSON's optional "\/". */
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	memset(&cs, 0, sizeof(cs));
	cs.handlers_dir = sp->cfg->sup.handlers_dir;
	cs.handler = ts->handler;
	cs.work_base = sp->workdir;
	cs.execution_id = r->id;
	cs.step_id = ts->id;
	cs.attempt = attempt;
	cs.stdin_text = text;
	cs.stdin_len = strlen(text);
	cs.timeout_seconds = ts->timeout_seconds;
	cs.limits.cpu_seconds = sp->cfg->sup.cmd_cpu_seconds;
	cs.limits.memory_mb = sp->cfg->sup.cmd_memory_mb;
	cs.limits.nofile = sp->cfg->sup.cmd_nofile;
	cs.limits.nproc = sp->cfg->sup.cmd_nproc;
	cs.limits.user = sp->cmd_switch ? sp->cfg->sup.cmd_user : NULL;
	if (cs.handlers_dir == NULL) {
		errmsg_set(err, "no handlers_dir configured");
		rc = RC_INVALID;
	} else if ((rc = sup_cmd_start(&cs, cmd, &em)) != RC_OK) {
		*cmd = NULL;
		*retryable = rc == RC_ERR;
		errmsg_set(err, "%s", em.text);
	}
	json_object_put(doc);
	return rc;
}

static void
start_command(struct sup *sp, struct run *r, int i)
{
	struct tmpl_step	*ts = &r->t->steps[i];
	struct json_object	*in = NULL;
	struct errmsg		 err;
	int			 retryable;

	if (ts->input != NULL && render_step(r, i, ts->input, &in) != RC_OK)
		return;
	set_input(r, i, in);
	if (sup_run_command(sp, r, ts, r->s[i].attempts, -1, in,
	    &r->s[i].cmd, &err, &retryable) != RC_OK)
		step_fail(r, i, "exit_status", err.text, retryable, NULL);
}

/*
 * The latest completion time of step i's dependencies: a delay records
 * at least its full length (sup_run_advance), which can be a moment
 * after the wall clock when the monotonic one ran ahead of it, and a
 * step never starts before what it depends on completed.
 */
static int64_t
deps_done_ms(const struct run *r, int i)
{
	const struct tmpl_step	*ts = &r->t->steps[i];
	int64_t			 ms = 0;
	int			 k;

	for (k = 0; k < ts->ndeps; k++)
		ms = MAX(ms, r->s[ts->deps[k]].completed_ms);
	return ms;
}

/* Apply what a workflow step's child says (sup_subwf.c). */
static void
wf_apply(struct run *r, int i, struct sup_wf_res *res)
{
	struct run_step	*s = &r->s[i];
	int64_t		 ms;

	switch (res->kind) {
	case SUP_WF_WAIT:
		if (engine_step_wait(&s->st) == RC_OK)
			s->dirty = 1;	/* else it waits already */
		s->wf_later = 0;
		break;
	case SUP_WF_DONE:
		s->wf_later = 0;
		step_complete(r, i, res->output);
		res->output = NULL;
		break;
	case SUP_WF_FAIL:
		s->wf_later = 0;
		step_fail(r, i, res->err_type, res->msg, res->retryable, NULL);
		break;
	case SUP_WF_QUOTA:
	case SUP_WF_LATER:
		/*
		 * Not an attempt: the same attempt (and child name) is tried
		 * again later, with backoff, whatever max_attempts says.
		 */
		if (s->st == ENGINE_WAITING) {
			s->wf_check = 1;
			s->due = 0;
			break;
		}
		if (engine_step_defer(&s->st) != RC_OK)
			break;
		ms = (int64_t)SUP_WF_LATER_MS << MIN(s->wf_later, 5);
		s->wf_later++;
		s->attempts--;
		s->due = util_mono_ms() + MIN(ms, SUP_WF_LATER_MAX_MS);
		s->dirty = 1;
		if (res->kind == SUP_WF_QUOTA)
			log_info("execution %s: step %s: the user's quota "
			    "holds its child back", r->id, r->t->steps[i].id);
		break;
	}
	json_object_put(res->output);
	res->output = NULL;
}

static void
start_workflow(struct sup *sp, struct run *r, int i)
{
	struct tmpl_step	*ts = &r->t->steps[i];
	struct json_object	*in = NULL;
	struct sup_wf_res	 res;

	if (ts->wf_input != NULL) {
		if (render_step(r, i, ts->wf_input, &in) != RC_OK)
			return;
	} else
		in = json_object_new_object();
	if (!json_object_is_type(in, json_type_object)) {
		json_object_put(in);
		step_fail(r, i, SUP_ERR_INPUT_INVALID, "input must render to "
		    "an object", 0, NULL);
		return;
	}
	sup_wf_start(sp, r, i, in, &res);
	json_object_put(in);
	wf_apply(r, i, &res);
}

/* Waiting workflow steps of a resumed run: their children may be done. */
static void
wf_poll(struct sup *sp, struct run *r)
{
	struct sup_wf_res	res;
	int			i;

	for (i = 0; i < r->t->nsteps; i++) {
		if (!r->s[i].wf_check || r->s[i].st != ENGINE_WAITING ||
		    r->t->steps[i].type != TMPL_STEP_WORKFLOW)
			continue;
		r->s[i].wf_check = 0;
		sup_wf_check(sp, r, i, &res);
		if (res.kind == SUP_WF_LATER || res.kind == SUP_WF_QUOTA) {
			/* The database: look again after a while. */
			r->write_retry = util_mono_ms() + SUP_WRITE_RETRY_MS;
			r->s[i].wf_check = 1;
			return;
		}
		wf_apply(r, i, &res);
	}
}

/* Begin an attempt of step i (pending or due for retry). */
static void
start_step(struct sup *sp, struct run *r, int i)
{
	struct tmpl_step	*ts = &r->t->steps[i];
	struct run_step		*s = &r->s[i];
	struct json_object	*out = NULL, *o;
	char			 err[ERRMSG_MAX];
	size_t			 len = 0;

	if (engine_step_start(&s->st) != RC_OK) {
		log_warnx("execution %s: step %s in state %s not started",
		    r->id, ts->id, engine_state_name(s->st));
		return;
	}
	s->attempts++;
	s->due = 0;
	if (s->started_ms == 0)
		s->started_ms = MAX(util_now_ms(), deps_done_ms(r, i));
	s->attempt_ms = MAX(util_now_ms(), s->started_ms);
	s->dirty = 1;
	switch (ts->type) {
	case TMPL_STEP_TRANSFORM:
		if (render_step(r, i, ts->output, &out) != RC_OK)
			break;
		if (json_object_to_json_string_length(out,
		    JSON_C_TO_STRING_PLAIN, &len) != NULL &&
		    len > SUP_STEP_OUTPUT_MAX) {
			json_object_put(out);
			snprintf(err, sizeof(err), "output is %zu bytes, over "
			    "the limit of %d", len, SUP_STEP_OUTPUT_MAX);
			step_fail(r, i, "output_too_large", err, 0, NULL);
		} else
			step_complete(r, i, out);
		break;
	case TMPL_STEP_DELAY:
		s->due = util_mono_ms() + (int64_t)(ts->delay_seconds * 1000);
		break;
	case TMPL_STEP_HTTP:
		if (!ts->callback || cb_issue(sp, r, i) == RC_OK)
			start_http(sp, r, i);
		break;
	case TMPL_STEP_COMMAND:
		if (!ts->callback || cb_issue(sp, r, i) == RC_OK)
			start_command(sp, r, i);
		break;
	case TMPL_STEP_MAP:
		sup_map_start(sp, r, i);
		break;
	case TMPL_STEP_WORKFLOW:
		start_workflow(sp, r, i);
		break;
	case TMPL_STEP_WAIT:
		/*
		 * Waits without a slot: its deadline is the step's timer
		 * (written as next_attempt_at, the wake_at of a parked row).
		 */
		(void)engine_step_wait(&s->st);
		s->due = util_mono_ms() + (int64_t)ts->timeout_seconds * 1000;
		r->sig_check = 1;
		break;
	}
	(void)o;
}

int
sup_run_cb_waiting(const struct run *r)
{
	int	i;

	for (i = 0; i < r->t->nsteps; i++)
		if (r->s[i].st == ENGINE_WAITING && r->t->steps[i].callback)
			return 1;
	return 0;
}

/* Apply one recorded callback body to waiting step i. */
static void
cb_apply(struct run *r, int i, const char *text)
{
	struct json_object	*body, *v, *t, *m;
	const char		*type = "callback_error", *msg = "";

	if ((body = json_tokener_parse(text)) == NULL) {
		step_fail(r, i, "internal", "recorded callback unreadable", 0,
		    NULL);
		return;
	}
	if (json_object_object_get_ex(body, "output", &v))
		step_complete(r, i, json_object_get(v));
	else {
		if (json_object_object_get_ex(body, "error", &v)) {
			if (json_object_object_get_ex(v, "type", &t) &&
			    json_object_is_type(t, json_type_string))
				type = json_object_get_string(t);
			if (json_object_object_get_ex(v, "message", &m) &&
			    json_object_is_type(m, json_type_string))
				msg = json_object_get_string(m);
		}
		/* Retried only when the step's retry.on lists the type. */
		step_fail(r, i, type, msg, tmpl_retry_on(&r->t->steps[i],
		    type), NULL);
	}
	json_object_put(body);
}

int
sup_run_callbacks(struct sup *sp, struct run *r)
{
	struct store_callback_list	 l;
	size_t				 j;
	int				 i, n = 0;

	if (r->done || r->lost || !sup_run_cb_waiting(r))
		return 0;
	if (store_callback_received(sp->st, r->pk, &l) != RC_OK)
		return 0;
	for (j = 0; j < l.n; j++) {
		i = l.v[j].idx;
		if (i < 0 || i >= r->t->nsteps ||
		    r->s[i].st != ENGINE_WAITING ||
		    !r->t->steps[i].callback ||
		    r->s[i].attempts != l.v[j].attempt || l.v[j].body == NULL)
			continue;
		log_info("execution %s: step %s takes its callback", r->id,
		    r->t->steps[i].id);
		cb_apply(r, i, l.v[j].body);
		n++;
	}
	store_callback_list_free(&l);
	return n;
}

/*
 * Callback step i's request or handler succeeded: it waits (its token
 * expires callback_timeout_seconds from now), unless a callback came
 * first, which is applied at once.
 */
static void
cb_wait(struct sup *sp, struct run *r, int i)
{
	struct run_step	*s = &r->s[i];
	int		 secs = r->t->steps[i].callback_timeout;

	explicit_bzero(s->cb_token, sizeof(s->cb_token));
	(void)engine_step_wait(&s->st);	/* running: sup_run_result */
	s->due = util_mono_ms() + (int64_t)secs * 1000;
	s->dirty = 1;
	set_step_ctx(r, i);
	if (store_callback_arm(sp->st, r->pk, i, s->attempts, secs) != RC_OK)
		log_warnx("execution %s: step %s: callback deadline not "
		    "stored; the supervisor still keeps it", r->id,
		    r->t->steps[i].id);
	(void)sup_run_callbacks(sp, r);
}

void
sup_run_result(struct sup *sp, struct run *r, int i,
    struct sup_step_result *res)
{
	int	flags;

	r->s[i].cmd = NULL;
	r->s[i].xfer = NULL;
	if (r->s[i].st != ENGINE_RUNNING)
		return;
	if (res->err_type == NULL && r->t->steps[i].callback) {
		cb_wait(sp, r, i);
		return;
	}
	if (res->err_type == NULL) {
		step_complete(r, i, res->output);
		res->output = NULL;
		return;
	}
	flags = res->err_cut_end ? SECRET_CUT_END : 0;
	if (strcmp(res->err_type, SUP_ERR_CANCELLED) == 0) {
		(void)engine_step_cancel(&r->s[i].st);	/* running */
		r->s[i].completed_ms = util_now_ms();
		step_error(r, i, "cancelled", res->err_msg != NULL ?
		    res->err_msg : "cancelled", res->err_cut, flags);
		attempt_end(r, i);
		r->s[i].dirty = 1;
		return;
	}
	step_fail_cut(r, i, res->err_type, res->err_msg != NULL ?
	    res->err_msg : res->err_type, res->err_msg != NULL ?
	    res->err_cut : 0, flags, res->retryable, res->output);
	res->output = NULL;
}

void
sup_run_wait_done(struct run *r, int i, struct json_object *output)
{
	if (r->s[i].st != ENGINE_WAITING) {
		json_object_put(output);
		return;
	}
	step_complete(r, i, output);
}

static int	running_handles(const struct run *);

/* Write every changed step inside a fenced transaction. */
static int
flush(struct sup *sp, struct run *r)
{
	return sup_write_run(sp, r, 0);
}

/*
 * The park of r matched nothing: read why. Not ours any more: lost. A
 * cancel waits: act on it. Running again: resumed meanwhile, go on (the
 * execution's deadline moved by the time it was paused). On a read
 * error nothing changes and the park is tried again later.
 */
static void
park_missed(struct sup *sp, struct run *r)
{
	struct store_run_claim		c = { r->pk, sp->id, r->epoch };
	struct store_run_park_state	ps;
	int				rc;

	rc = store_run_park_check(sp->st, &c, &ps);
	if (rc != RC_OK && rc != RC_NOTFOUND)
		return;
	if (rc == RC_NOTFOUND || !ps.ours) {
		log_warnx("execution %s: lease lost", r->id);
		r->lost = 1;
	} else if (ps.cancel)
		r->cancel = 1;
	else if (r->pausing && strcmp(ps.status, "running") == 0) {
		log_info("execution %s resumed while pausing", r->id);
		r->pausing = 0;
		r->hold = 0;
		r->deadline += util_mono_ms() - r->pause_since;
	}
}

/*
 * A timer of step i that runs while the execution is paused: the
 * timeout of a waiting wait or callback step.
 */
static int
paused_timer(const struct run *r, int i)
{
	return r->s[i].st == ENGINE_WAITING &&
	    (r->t->steps[i].type == TMPL_STEP_WAIT || r->t->steps[i].callback);
}

/*
 * Microseconds until a parked paused run must be looked at again: the
 * earliest timeout of its waiting steps (paused_timer); -1: none.
 */
static long long
paused_wake_in_us(const struct run *r)
{
	int64_t	now = util_mono_ms(), due = INT64_MAX;
	int	i;

	for (i = 0; i < r->t->nsteps; i++)
		if (r->s[i].due != 0 && paused_timer(r, i))
			due = MIN(due, r->s[i].due);
	return due == INT64_MAX ? -1 : (long long)MAX(due - now, 0) * 1000;
}

/*
 * Microseconds until a parked waiting run must be looked at again: its
 * earliest step timer, a workflow step's recheck, or its own deadline,
 * whichever comes first; -1: none.
 */
static long long
wake_in_us(const struct run *r)
{
	int64_t	now = util_mono_ms(), due = INT64_MAX;
	int	i;

	for (i = 0; i < r->t->nsteps; i++) {
		if (r->s[i].st != ENGINE_WAITING)
			continue;
		if (r->s[i].due != 0)
			due = MIN(due, r->s[i].due);
		/*
		 * A child's end wakes its parent (store_exec_wake_id); look
		 * again after SUP_WF_RECHECK_MS anyway, should a supervisor
		 * have been killed between the child's end and the wake.
		 */
		if (r->t->steps[i].type == TMPL_STEP_WORKFLOW ||
		    r->t->steps[i].type == TMPL_STEP_MAP)
			due = MIN(due, now + SUP_WF_RECHECK_MS);
	}
	/* The execution's own timeout runs while it waits. */
	if (r->deadline > 0)
		due = MIN(due, r->deadline);
	return due == INT64_MAX ? -1 : (long long)MAX(due - now, 0) * 1000;
}

/*
 * Park r as waiting (fenced, only from running). A callback or signal
 * recorded while the row was still running set its wake_at, which the
 * park keeps (the claim round finds it within a second); look once more
 * after the park and make it claimable at once instead. Returns 1 when
 * parked (the run is freed).
 */
static int
park_waiting(struct sup *sp, struct run *r)
{
	struct store_callback_list	l;
	size_t				j;
	int				parked = 0, i, wake = 0;

	if (sup_write_park(sp, r, ENGINE_EX_WAITING, ENGINE_EX_RUNNING,
	    wake_in_us(r), &parked) != RC_OK) {
		r->write_retry = util_mono_ms() + SUP_WRITE_RETRY_MS;
		return 0;
	}
	if (!parked) {
		/* Lost, a cancel, or paused meanwhile: the polls tell. */
		park_missed(sp, r);
		r->write_retry = util_mono_ms() + SUP_WRITE_RETRY_MS;
		return 0;
	}
	if (store_callback_received(sp->st, r->pk, &l) == RC_OK) {
		for (j = 0; j < l.n; j++) {
			i = l.v[j].idx;
			if (i >= 0 && i < r->t->nsteps &&
			    r->s[i].st == ENGINE_WAITING &&
			    r->s[i].attempts == l.v[j].attempt)
				wake = 1;
		}
		store_callback_list_free(&l);
	} else
		wake = 1;	/* cannot tell: a claim costs little */
	/*
	 * A signal delivered while we were parking saw the row running:
	 * its transaction held the row lock before our park, so it is
	 * visible now (sup_wait.c).
	 */
	if (!wake && sup_wait_take(sp, r, 1) > 0)
		wake = 1;
	/* Claimable again at once, not at the next wake round. */
	if (wake)
		(void)store_exec_wake(sp->st, r->pk, NULL);
	log_info("execution %s waiting%s", r->id, wake ? ", woken" : "");
	return 1;
}

static int
park(struct sup *sp, struct run *r)
{
	int		parked = 0;

	r->parking = 0;
	if (sup_run_dirty(r))
		return 0;	/* the write failed: tried again */
	if (r->park_wait)
		return park_waiting(sp, r);
	if (sup_write_park(sp, r, ENGINE_EX_PAUSED, ENGINE_EX_PAUSED,
	    paused_wake_in_us(r), &parked) != RC_OK) {
		r->write_retry = util_mono_ms() + SUP_WRITE_RETRY_MS;
		return 0;
	}
	if (!parked) {
		park_missed(sp, r);
		if (!r->cancel && !r->lost)
			/* A read error, or another state: not in a loop. */
			r->write_retry = util_mono_ms() + SUP_WRITE_RETRY_MS;
		return 0;
	}
	log_info("execution %s paused", r->id);
	return 1;
}

/*
 * A child of parent_id ended: if this supervisor holds the parent (it
 * did not park: another step runs), it looks at its children at its
 * next advance instead of after it parks.
 */
static void
poke_parent(struct sup *sp, const char *parent_id)
{
	int	j;

	for (j = 0; j < sp->cap; j++)
		if (sp->runs[j] != NULL && strcmp(sp->runs[j]->id,
		    parent_id) == 0) {
			sp->runs[j]->wf_poke = 1;
			return;
		}
}

int
sup_run_settled(struct sup *sp, struct run *r)
{
	if (r->lost) {
		sup_run_abort(sp, r);
		return running_handles(r) == 0;
	}
	if (r->parking && !r->done)
		return park(sp, r);
	if (!r->ended)
		return 0;
	log_info("execution %s %s", r->id, r->final_status);
	/*
	 * A parent waiting for this child looks at it again: here at the
	 * next claim (due rows are looked for at once), elsewhere within
	 * SUP_RECLAIM_MS.
	 */
	if (r->parent_id != NULL) {
		poke_parent(sp, r->parent_id);
		if (store_exec_wake_id(sp->st, r->parent_id) != RC_OK)
			log_warnx("execution %s: parent %s not woken (it looks "
			    "again within %d s)", r->id, r->parent_id,
			    SUP_WF_RECHECK_MS / 1000);
		sp->next_reclaim = 0;
		sp->want_claim = 1;
	}
	sup_metrics_finish(r->final_status);
	/*
	 * Its outbox rows are due. Without a notify its end made none: no
	 * look at the outbox for it (a drain of one-step executions would
	 * read the outbox depth once per round).
	 */
	if (r->own_notify || !r->no_tmpl_notify)
		sup_webhook_nudge();
	return 1;
}

static int
active_steps(const struct run *r)
{
	int	i, n = 0;

	for (i = 0; i < r->t->nsteps; i++)
		n += r->s[i].st == ENGINE_RUNNING ||
		    r->s[i].st == ENGINE_RETRY_WAIT;
	return n;
}

static int
running_handles(const struct run *r)
{
	int	i, n = 0;

	for (i = 0; i < r->t->nsteps; i++)
		n += (r->s[i].cmd != NULL || r->s[i].xfer != NULL) +
		    sup_map_handles(r, i);
	return n;
}

/* Stop running steps: commands get SIGTERM then SIGKILL. */
static void
stop_steps(struct sup *sp, struct run *r)
{
	enum engine_state	st[TMPL_STEPS_MAX];
	int			i;

	r->halting = 1;
	for (i = 0; i < r->t->nsteps; i++) {
		sup_map_stop(sp, r, i);
		r->s[i].due = 0;	/* no delay or retry fires any more */
		if (r->s[i].cmd != NULL)
			sup_cmd_cancel(r->s[i].cmd);
		if (r->s[i].xfer != NULL) {
			sup_http_cancel(sp->http, r->s[i].xfer);
			r->s[i].xfer = NULL;
		}
		/*
		 * A command's own end reports it cancelled; pending steps
		 * are the engine's to choose (below).
		 */
		if (r->s[i].cmd == NULL && r->s[i].st != ENGINE_PENDING &&
		    engine_step_cancel(&r->s[i].st) == RC_OK) {
			r->s[i].completed_ms = util_now_ms();
			r->s[i].dirty = 1;
		}
	}
	for (i = 0; i < r->t->nsteps; i++)
		st[i] = r->s[i].st;
	if (engine_cancel_pending(r->t, st) == 0)
		return;
	for (i = 0; i < r->t->nsteps; i++)
		if (st[i] != r->s[i].st &&
		    engine_step_cancel(&r->s[i].st) == RC_OK)
			r->s[i].dirty = 1;
}

static void
decide(struct run *r, const char *status, struct json_object *result,
    struct json_object *errd)
{
	r->done = 1;
	r->final_status = status;
	r->final_result = scrub_value(r, result);
	r->error_details = scrub_value(r, errd);
}

static struct json_object *
error_details(const char *err, const char *type, const char *step)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(err));
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "step_id", step == NULL ? NULL :
	    json_object_new_string(step));
	return o;
}

/*
 * final_result against the template's output_schema: RC_OK, or
 * RC_INVALID with err naming the errors (Pydantic shape, loc from
 * "final_result").
 */
static int
output_check(struct schema *sc, struct json_object *res, struct errmsg *err)
{
	struct verr	*ve = verr_new();
	struct jpath	 p;
	int		 rc = RC_OK;

	jpath_init(&p, "final_result");
	if (schema_validate(sc, res, &p, ve) > 0) {
		errmsg_set(err, "final_result does not match "
		    "output_schema: %s", json_object_to_json_string_ext(
		    verr_list(ve), JSON_C_TO_STRING_PLAIN));
		rc = RC_INVALID;
	}
	verr_free(ve);
	return rc;
}

static void
decide_completed(struct run *r)
{
	struct json_object	*res = NULL;
	struct errmsg		 em, why;
	char			 err[ERRMSG_MAX];
	size_t			 len = 0;
	int			 i, over = 0;

	json_object_object_del(r->ctx, "secrets");
	if (r->t->output != NULL) {
		if (expr_render_max(r->t->output, r->ctx, SUP_RESULT_MAX,
		    &over, &res, &em) != RC_OK) {
			snprintf(err, sizeof(err), "%s", em.text);
			if (over)
				snprintf(err, sizeof(err), "rendering "
				    "final_result passed the limit of %d "
				    "bytes", SUP_RESULT_MAX);
			decide(r, "failed", NULL, error_details(err, over ?
			    "result_too_large" : "expression", NULL));
			return;
		}
	} else {
		res = json_object_new_object();
		for (i = 0; i < r->t->nsteps; i++)
			if (r->s[i].st == ENGINE_COMPLETED)
				json_object_object_add(res, r->t->steps[i].id,
				    json_object_get(r->s[i].output));
	}
	/* The row must fit in the server's max_allowed_packet. */
	(void)json_object_to_json_string_length(res, JSON_C_TO_STRING_PLAIN,
	    &len);
	if (len > SUP_RESULT_MAX) {
		json_object_put(res);
		snprintf(err, sizeof(err), "final_result is %zu bytes, over "
		    "the limit of %d", len, SUP_RESULT_MAX);
		decide(r, "failed", NULL, error_details(err,
		    "result_too_large", NULL));
		return;
	}
	/* Each output fits a column; one more level around them may not. */
	if (too_deep(res)) {
		json_object_put(res);
		snprintf(err, sizeof(err), "final_result nests objects and "
		    "arrays deeper than %d levels, more than the database "
		    "stores", JSONX_STORE_DEPTH_MAX);
		decide(r, "failed", NULL, error_details(err,
		    SUP_ERR_OUTPUT_INVALID, NULL));
		return;
	}
	if (r->t->output_schema != NULL &&
	    output_check(r->t->output_schema, res, &why) != RC_OK) {
		json_object_put(res);
		decide(r, "failed", NULL, error_details(why.text,
		    SUP_ERR_OUTPUT_INVALID, NULL));
		return;
	}
	decide(r, "completed", res, NULL);
}

/*
 * Evaluate step i's "when" string as a whole-string expression: RC_OK,
 * RC_INVALID (an expression error) or RC_CONFLICT (over the render
 * budget); err (not NULL) says why.
 */
static int
when_eval(struct run *r, int i, struct json_object **out,
    struct errmsg *err)
{
	struct json_object	*w = json_object_new_string(
				    r->t->steps[i].when);
	struct errmsg		 em = { "" };
	int			 rc, over = 0;

	json_object_object_del(r->ctx, "secrets");
	rc = expr_render_max(w, r->ctx, SUP_STEP_OUTPUT_MAX, &over, out, &em);
	if (rc != RC_OK)
		errmsg_set(err, "%s", em.text);
	json_object_put(w);
	if (over)
		errmsg_set(err, "rendering \"when\" passed the limit of %d "
		    "bytes", SUP_STEP_OUTPUT_MAX);
	return rc != RC_OK && over ? RC_CONFLICT : rc;
}

/* 1 when starting step i can act outside wfm (a handler, a request). */
static int
has_effects(const struct run *r, int i)
{
	return r->t->steps[i].type == TMPL_STEP_HTTP ||
	    r->t->steps[i].type == TMPL_STEP_COMMAND ||
	    r->t->steps[i].type == TMPL_STEP_WORKFLOW;
}

/*
 * 1 when step i is a command and the supervisor already runs
 * [supervisor] max_processes handlers (map iterations included).
 */
static int
over_processes(const struct sup *sp, const struct run *r, int i)
{
	return r->t->steps[i].type == TMPL_STEP_COMMAND &&
	    sup_map_processes(sp) >= sp->cfg->sup.max_processes;
}

/*
 * Start one batch of the steps the engine allows (skipping those whose
 * "when" is falsy). Before a step that acts outside wfm starts, every
 * result so far is committed, so that a resumed execution does not run
 * it again for want of a result that was known; a transform or a delay
 * may start first and be written with the rest. Returns the number of
 * steps it changed, or -1 when that write failed.
 */
static int
start_runnable(struct sup *sp, struct run *r)
{
	enum engine_state	 st[TMPL_STEPS_MAX];
	struct json_object	*w;
	struct errmsg		 why;
	int			 next[TMPL_STEPS_MAX], n, k, i, rc, held = 0;

	for (i = 0; i < r->t->nsteps; i++)
		st[i] = r->s[i].st;
	n = engine_next(r->t, st, active_steps(r), next, TMPL_STEPS_MAX);
	for (k = 0; k < n; k++)
		if (has_effects(r, next[k]) && sup_run_dirty(r)) {
			rc = r->refused;
			if (flush(sp, r) != RC_OK)
				return -1;
			/* A refused step failed meanwhile: look again. */
			if (r->refused != rc)
				return 1;
			break;
		}
	for (k = 0; k < n; k++) {
		i = next[k];
		/* [supervisor] max_processes: it waits for a handler to end. */
		if (over_processes(sp, r, i)) {
			held++;
			continue;
		}
		if (r->t->steps[i].when != NULL) {
			/* "{{ expr }}": checked at store time */
			w = NULL;
			if ((rc = when_eval(r, i, &w, &why)) != RC_OK) {
				r->s[i].attempts = 1;
				r->s[i].started_ms = util_now_ms();
				r->s[i].attempt_ms = r->s[i].started_ms;
				(void)engine_step_start(&r->s[i].st);
				step_fail(r, i, rc == RC_CONFLICT ?
				    "output_too_large" : "expression", why.text,
				    0, NULL);
				continue;
			}
			if (!expr_truthy(w)) {
				json_object_put(w);
				(void)engine_step_skip(&r->s[i].st);
				r->s[i].completed_ms = util_now_ms();
				r->s[i].dirty = 1;
				set_step_ctx(r, i);
				continue;
			}
			json_object_put(w);
		}
		start_step(sp, r, i);
	}
	return n - held;
}

/* Decide the outcome once the engine says the execution has ended. */
static void
settle(struct sup *sp, struct run *r)
{
	enum engine_state	 st[TMPL_STEPS_MAX];
	struct json_object	*m, *t;
	enum engine_outcome	 out;
	const char		*type = "step_failed", *msg;
	char			 err[ERRMSG_MAX];
	int			 i, failed;

	for (i = 0; i < r->t->nsteps; i++)
		st[i] = r->s[i].st;
	out = engine_outcome(r->t, st, &failed);
	/*
	 * Claimed while paused for a step timeout: the outcome waits for
	 * the resume (the row stays paused); a cancel does not wait.
	 */
	if (r->hold && r->pausing && out != ENGINE_OUT_CANCELLED)
		return;
	if (out == ENGINE_OUT_FAILED) {
		stop_steps(sp, r);
		if (running_handles(r) > 0)
			return;		/* siblings are being stopped */
		snprintf(err, sizeof(err), "step %s failed",
		    failed >= 0 ? r->t->steps[failed].id : "?");
		msg = err;
		/*
		 * The step's whole message: a cut at a fixed byte count
		 * could split a UTF-8 sequence of the stderr tail, which
		 * the JSON column refuses.
		 */
		if (failed >= 0 && r->s[failed].error != NULL) {
			if (json_object_object_get_ex(r->s[failed].error,
			    "message", &m) && m != NULL)
				msg = json_object_get_string(m);
			if (json_object_object_get_ex(r->s[failed].error,
			    "type", &t) && t != NULL)
				type = json_object_get_string(t);
		}
		decide(r, "failed", NULL, error_details(msg, type,
		    failed >= 0 ? r->t->steps[failed].id : NULL));
	} else if (out == ENGINE_OUT_COMPLETED)
		decide_completed(r);
	else if (out == ENGINE_OUT_CANCELLED) {
		stop_steps(sp, r);
		if (running_handles(r) > 0)
			return;
		decide(r, "cancelled", NULL, error_details("cancelled",
		    "cancelled", NULL));
	}
}

/* What the engine says r may park as now (engine_park). */
static enum engine_exec
park_as(const struct run *r)
{
	enum engine_state	 st[TMPL_STEPS_MAX];
	int			 inflight[TMPL_STEPS_MAX], i;

	for (i = 0; i < r->t->nsteps; i++) {
		st[i] = r->s[i].st;
		inflight[i] = r->s[i].cmd != NULL || r->s[i].xfer != NULL ||
		    sup_map_handles(r, i) > 0;
	}
	return engine_park(r->t, st, inflight, r->pausing);
}

/* A failed flush: drop the run once its handlers are gone if lost. */
static int
flush_failed(struct sup *sp, struct run *r)
{
	if (!r->lost) {
		/* The database: try again in a while, not every round. */
		r->write_retry = util_mono_ms() + SUP_WRITE_RETRY_MS;
		return 0;
	}
	sup_run_abort(sp, r);
	return running_handles(r) == 0;
}

enum sup_adv
sup_run_advance(struct sup *sp, struct run *r)
{
	int64_t	now = util_mono_ms();
	char	err[ERRMSG_MAX];
	int	i, n = 0;

	if (r->lost) {
		sup_run_abort(sp, r);
		return running_handles(r) == 0 ? SUP_ADV_FREE : SUP_ADV_WAIT;
	}
	if (r->write_retry > now)
		return SUP_ADV_WAIT;	/* a write failed a moment ago */
	/*
	 * A map that waited for its iterations' children (a woken, resumed
	 * or cancelled run): its iterations are read back first.
	 */
	for (i = 0; !r->done && i < r->t->nsteps; i++)
		if (r->t->steps[i].type == TMPL_STEP_MAP &&
		    r->s[i].map == NULL && r->s[i].st == ENGINE_WAITING)
			sup_map_resume(sp, r, i);
	/* The execution's own timeout does not run while it is paused. */
	if (!r->done && (r->cancel || (!r->pausing && now >= r->deadline))) {
		stop_steps(sp, r);
		if (running_handles(r) > 0)
			return SUP_ADV_WAIT;	/* wait for commands to die */
		if (r->cancel)
			decide(r, "cancelled", NULL, error_details(
			    "cancelled by request", "cancelled", NULL));
		else
			decide(r, "timed_out", NULL, error_details(
			    "execution timed out", "timeout", NULL));
	}
	/*
	 * Due timers: delays complete, retries start again. Paused: they
	 * wait, their due times kept with the steps; but the timeouts of
	 * waiting steps (wait, callback) run (engine.md "Pause and
	 * resume": a step's timeouts do).
	 */
	for (i = 0; !r->done && !r->halting && i < r->t->nsteps; i++) {
		if (r->s[i].due == 0 || r->s[i].due > now)
			continue;
		if (r->pausing && !paused_timer(r, i))
			continue;
		/* Recorded while paused: the outcome waits for the resume. */
		if (r->pausing)
			r->hold = 1;
		if (r->s[i].st == ENGINE_RETRY_WAIT) {
			/*
			 * Stopping: the attempt is left to whoever resumes
			 * (the stored due time stays); clear the timer so
			 * that the loop does not wake for it again.
			 */
			if (sp->stopping)
				r->s[i].due = 0;
			else if (over_processes(sp, r, i))
				/* No handler free: look again in a while. */
				r->s[i].due = now + SUP_PROC_WAIT_MS;
			else
				start_step(sp, r, i);
		} else if (r->s[i].st == ENGINE_WAITING &&
		    r->t->steps[i].callback) {
			/* One that came at the last moment still counts. */
			if (sup_run_callbacks(sp, r) > 0 &&
			    r->s[i].st != ENGINE_WAITING)
				continue;
			r->s[i].due = 0;
			step_fail(r, i, "callback_timeout", "no callback "
			    "within callback_timeout_seconds",
			    tmpl_retry_on(&r->t->steps[i],
			    "callback_timeout"), NULL);
		} else if (r->s[i].st == ENGINE_RUNNING &&
		    r->t->steps[i].type == TMPL_STEP_DELAY) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "seconds",
			    json_object_new_double(
			    r->t->steps[i].delay_seconds));
			step_complete(r, i, o);
			/*
			 * The wall clock may lag the monotonic one that timed
			 * the delay: the recorded duration is never shorter.
			 */
			r->s[i].completed_ms = MAX(r->s[i].completed_ms,
			    r->s[i].started_ms +
			    (int64_t)(r->t->steps[i].delay_seconds * 1000));
			attempt_end_at(r, i, r->s[i].completed_ms);
		} else if (r->s[i].st == ENGINE_WAITING &&
		    r->t->steps[i].type == TMPL_STEP_WAIT) {
			/* A signal that came in time wins over the timer. */
			if (sup_wait_take(sp, r, 0) > 0 &&
			    r->s[i].st != ENGINE_WAITING)
				continue;
			snprintf(err, sizeof(err), "no signal %s within %d "
			    "seconds", r->t->steps[i].signal,
			    r->t->steps[i].timeout_seconds);
			step_fail(r, i, "wait_timeout", err, 0, NULL);
		}
	}
	/* A child ended here: its waiting parent steps look now. */
	if (r->wf_poke && !r->done && !r->halting) {
		r->wf_poke = 0;
		for (i = 0; i < r->t->nsteps; i++) {
			if (r->t->steps[i].type == TMPL_STEP_MAP)
				(void)sup_map_poke(sp, r, i);
			else if (r->t->steps[i].type == TMPL_STEP_WORKFLOW &&
			    r->s[i].st == ENGINE_WAITING)
				r->s[i].wf_check = 1;
		}
	}
	for (i = 0; !r->done && !r->halting && i < r->t->nsteps; i++)
		if (r->t->steps[i].type == TMPL_STEP_MAP)
			(void)sup_map_advance(sp, r, i);
	if (!r->done && !r->halting)
		wf_poll(sp, r);
	do {
		/* Signals for the wait steps that wait (sup_wait.c). */
		if (r->sig_check && !r->done && !r->halting) {
			r->sig_check = 0;
			(void)sup_wait_take(sp, r, 0);
		}
		while (!r->done && !r->halting && !sp->stopping &&
		    !r->pausing && (n = start_runnable(sp, r)) > 0)
			;
	} while (n >= 0 && r->sig_check && !r->done && !r->halting);
	if (n < 0)
		return flush_failed(sp, r) ? SUP_ADV_FREE : SUP_ADV_WAIT;
	if (!r->done)
		settle(sp, r);
	if (!r->done && !r->halting && r->pausing && park_as(r) ==
	    ENGINE_EX_PAUSED) {
		r->parking = 1;		/* written, then parked */
		r->park_wait = 0;
		return SUP_ADV_WRITE;
	}
	/*
	 * Every unfinished step waits (a callback, a child): no slot, no
	 * lease (engine_park).
	 */
	if (!r->done && !r->halting && !r->pausing && !r->cancel &&
	    !sp->stopping && park_as(r) == ENGINE_EX_WAITING) {
		r->parking = 1;
		r->park_wait = 1;
		return SUP_ADV_WRITE;
	}
	/*
	 * Every unfinished step waits: give the slot and the lease back
	 * (engine_park), the row wakes at its earliest timer or on a
	 * signal. Not while stopping: the release parks nothing.
	 */
	if (!r->done && !r->halting && !r->pausing && !sp->stopping &&
	    park_as(r) == ENGINE_EX_WAITING) {
		r->parking = 1;
		return SUP_ADV_WRITE;
	}
	return r->done || sup_run_dirty(r) ? SUP_ADV_WRITE : SUP_ADV_WAIT;
}

void
sup_run_abort(struct sup *sp, struct run *r)
{
	int	i;

	sup_map_abort(sp, r);
	for (i = 0; i < r->t->nsteps; i++) {
		if (r->s[i].cmd != NULL)
			sup_cmd_cancel(r->s[i].cmd);
		if (r->s[i].xfer != NULL) {
			sup_http_cancel(sp->http, r->s[i].xfer);
			r->s[i].xfer = NULL;
		}
	}
}

int
sup_run_idle(const struct run *r)
{
	return running_handles(r) == 0;
}

void
sup_run_release(struct sup *sp, struct run *r)
{
	struct store_run_claim	c = { r->pk, sp->id, r->epoch };
	int			i;

	/* Nothing of ours may still run once another supervisor resumes. */
	sup_run_abort(sp, r);
	for (i = 0; i < r->t->nsteps; i++) {
		sup_cmd_free(r->s[i].cmd);
		r->s[i].cmd = NULL;
	}
	if (r->lost || flush(sp, r) != RC_OK)
		return;		/* not ours any more, or the lease expires */
	(void)store_run_release(sp->st, &c);
}

/*
 * The deadline counts until the run starts halting or is decided: after
 * that, waiting for handlers is driven by their own timers and SIGCHLD,
 * and a past deadline must not make the event loop spin.
 */
int64_t
sup_run_due(const struct run *r)
{
	int64_t	due = INT64_MAX;
	int	i;

	if (r->write_retry != 0 && r->write_retry > util_mono_ms())
		return r->write_retry;
	if (r->done || r->lost)
		return due;
	if (r->pausing) {
		/* Only the waiting steps' timeouts run; results, polls. */
		for (i = 0; i < r->t->nsteps; i++)
			if (r->s[i].due != 0 && r->s[i].due < due &&
			    paused_timer(r, i))
				due = r->s[i].due;
		return due;
	}
	if (r->wf_poke)
		return util_mono_ms();
	if (!r->halting)
		due = r->deadline;
	for (i = 0; i < r->t->nsteps; i++)
		if (r->s[i].due != 0 && r->s[i].due < due &&
		    (r->s[i].st == ENGINE_RETRY_WAIT ||
		    r->s[i].st == ENGINE_RUNNING ||
		    r->s[i].st == ENGINE_WAITING))
			due = r->s[i].due;
	return due;
}

void
sup_run_free(struct run *r)
{
	int	i;

	if (r == NULL)
		return;
	for (i = 0; r->t != NULL && i < r->t->nsteps; i++) {
		sup_cmd_free(r->s[i].cmd);	/* SIGKILL to its group */
		sup_map_free(r->s[i].map);
		json_object_put(r->s[i].output);
		json_object_put(r->s[i].error);
		json_object_put(r->s[i].input);
		json_object_put(r->s[i].history);
	}
	json_object_put(r->ctx);
	json_object_put(r->secrets);
	json_object_put(r->final_result);
	json_object_put(r->error_details);
	tmpl_free(r->t);
	free(r->name);
	free(r->user);
	free(r->owner);
	free(r->parent_id);
	free(r->root_id);
	free(r);
}

/* Decrypt the template owner's secrets into a name -> value object. */
static struct json_object *
load_secrets(struct sup *sp, const char *owner)
{
	struct json_object		*o = NULL;
	struct store_secret_list	 l;
	const struct store_secret	*w;
	size_t				 i, cl;
	const char			*name;
	char				*val;

	if (!sp->have_key)
		return NULL;
	if (store_secret_list_owner(sp->st, owner, &l) != RC_OK)
		return NULL;
	for (i = 0; i < l.n; i++) {
		w = &l.v[i];
		name = w->name;
		cl = w->ct_len;
		if (w->nonce_len != SECRET_NONCE_LEN ||
		    w->tag_len != SECRET_TAG_LEN)
			continue;
		val = xmalloc(cl + 1);
		if (secret_decrypt(sp->key, owner, name, w->nonce, w->ct, cl,
		    w->tag, val) == RC_OK) {
			if (o == NULL)
				o = json_object_new_object();
			json_object_object_add(o, name,
			    json_object_new_string_len(val, (int)cl));
		} else
			log_warnx("secret %s of %s does not decrypt", name,
			    owner);
		explicit_bzero(val, cl);
		free(val);
	}
	store_secret_list_free(&l);
	return o;
}

/*
 * The stored attempt_history and input of row w into step i: each write
 * of the row writes them whole again.
 */
static void
load_history(struct run *r, int i, const struct store_run_step *w)
{
	json_object_put(r->s[i].history);
	json_object_put(r->s[i].input);
	r->s[i].history = r->s[i].input = NULL;
	if (w->history != NULL &&
	    json_object_is_type(w->history, json_type_array))
		r->s[i].history = json_object_get(w->history);
	r->s[i].input = json_object_get(w->input);
}

/* Resume state from the stored step rows: engine_step_resume decides. */
static void
load_steps(struct run *r, const struct store_run_steps *rows)
{
	const struct store_run_step	*w;
	enum engine_state		 stored;
	size_t				 j;
	int				 i;

	for (j = 0; j < rows->n; j++) {
		w = &rows->v[j];
		i = w->idx;
		if (i < 0 || i >= r->t->nsteps || w->status == NULL ||
		    engine_state_parse(w->status, &stored) != RC_OK)
			continue;
		r->s[i].attempts = w->attempts;
		r->s[i].started_ms = w->started_ms != STORE_NO_MS ?
		    w->started_ms : 0;
		load_history(r, i, w);
		switch (engine_step_resume(stored, r->t->steps[i].type ==
		    TMPL_STEP_DELAY, w->has_timer, &r->s[i].st)) {
		case ENGINE_RESUME_KEEP:
			if (r->s[i].st != ENGINE_WAITING) {
				/* completed, skipped */
				r->s[i].output = json_object_get(w->output);
				set_step_ctx(r, i);
				break;
			}
			/* Still waits, until its deadline (a timeout). */
			if (w->has_timer)
				r->s[i].due = util_mono_ms() +
				    MAX(w->timer_us / 1000, 0);
			r->s[i].wf_check = r->t->steps[i].type ==
			    TMPL_STEP_WORKFLOW;
			r->sig_check = 1;
			break;
		case ENGINE_RESUME_RESET:
			/* Only a redrive resumes these; it resets them. */
			r->s[i].attempts = 0;
			json_object_put(r->s[i].history);
			r->s[i].history = NULL;
			json_object_put(r->s[i].input);
			r->s[i].input = NULL;
			break;
		case ENGINE_RESUME_TIMER:
			/*
			 * A delay goes on for what is left of it, a retry
			 * wait (stored as "running") starts its next attempt
			 * when it was due.
			 */
			r->s[i].due = util_mono_ms() +
			    MAX(w->timer_us / 1000, 0);
			break;
		case ENGINE_RESUME_RERUN:
			break;			/* at least once */
		}
	}
}

/*
 * End r as decided before it ran (fenced); a parent waiting for it is
 * woken like after any end.
 */
static void
finish_unrun(struct sup *sp, struct run *r)
{
	if (sup_write_finish(sp, r) == RC_OK && !r->lost &&
	    r->parent_id != NULL)
		(void)store_exec_wake_id(sp->st, r->parent_id);
}

/* A run from the loaded row e; NULL if unusable. */
static struct run *
run_from_row(struct sup *sp, const struct store_run_row *e)
{
	struct json_object	*def = NULL, *ex;
	struct store_run_steps	 rows;
	struct run		*r;
	long long		 elapsed_ms;

	memset(&rows, 0, sizeof(rows));
	r = xcalloc(1, sizeof(*r));
	r->pk = e->pk;
	/*
	 * Step rows exist only once a supervisor ran the execution: a first
	 * claim (epoch 1) of a never-redriven row has none to resume.
	 */
	if ((e->epoch != 1 || e->redrive != 0) &&
	    store_run_steps_load(sp->st, r->pk, &rows) != RC_OK)
		goto fail;
	snprintf(r->id, sizeof(r->id), "%s", e->id);
	r->name = xstrdup(e->name != NULL ? e->name : "");
	r->user = xstrdup(e->user != NULL ? e->user : "");
	r->owner = xstrdup(e->owner != NULL ? e->owner : "");
	r->epoch = e->epoch;
	r->cancel = e->cancel;
	r->redrive = e->redrive;
	r->own_notify = e->notify;
	if (e->parent_id != NULL)
		r->parent_id = xstrdup(e->parent_id);
	r->depth = e->depth;
	if (e->root_id != NULL)
		r->root_id = xstrdup(e->root_id);
	/*
	 * Access is checked at every claim, before any step starts: a user
	 * whose share was revoked (or a template made private) since the
	 * execute or the redrive runs nothing more with the owner's
	 * secrets. A cancel asked for meanwhile still wins.
	 */
	if (!e->access && !r->cancel) {
		log_warnx("execution %s: user %s may no longer use its "
		    "template", r->id, r->user);
		decide(r, "failed", NULL, error_details("Access to the "
		    "template was revoked", "forbidden", NULL));
		finish_unrun(sp, r);
		goto fail;
	}
	/* First claims of never-redriven rows measure the queue wait. */
	sup_metrics_claim((double)e->queue_us / 1e6, r->epoch == 1 &&
	    e->redrive == 0);
	def = json_object_get(e->def);
	if (def == NULL || tmpl_load(def, &r->t) != RC_OK) {
		log_warnx("execution %s: stored definition unusable", r->id);
		/* Retrying cannot help: end it as failed, fenced. */
		decide(r, "failed", NULL, error_details("stored definition "
		    "unusable", "internal", NULL));
		finish_unrun(sp, r);
		goto fail;
	}
	{
		struct json_object	*g;

		r->no_tmpl_notify = !(json_object_object_get_ex(def,
		    "global_config", &g) && json_object_object_get_ex(g,
		    "notify", NULL));
	}
	r->ctx = json_object_new_object();
	json_object_object_add(r->ctx, "input", json_object_get(e->input));
	json_object_object_add(r->ctx, "steps", json_object_new_object());
	ex = json_object_new_object();
	json_object_object_add(ex, "id", json_object_new_string(r->id));
	json_object_object_add(ex, "name", json_object_new_string(r->name));
	json_object_object_add(ex, "user_id", json_object_new_string(r->user));
	json_object_object_add(r->ctx, "execution", ex);
	if (expr_value_refs(def, "secrets"))
		r->secrets = load_secrets(sp, r->owner);
	/* Not the time paused so far (a paused row claimed for a timeout). */
	elapsed_ms = (e->run_us - e->paused_us) / 1000;
	r->deadline = util_mono_ms() + (int64_t)r->t->timeout_seconds * 1000 -
	    elapsed_ms;
	load_steps(r, &rows);
	/* Callbacks recorded while it waited (or was paused). */
	(void)sup_run_callbacks(sp, r);
	json_object_put(def);
	store_run_steps_free(&rows);
	/* A first run is logged when it ends; a resumed one from here. */
	if (r->epoch == 1 && e->redrive == 0)
		log_debug("execution %s claimed", r->id);
	else
		log_info("execution %s resumed (claim %lld, redrive %lld)",
		    r->id, r->epoch, e->redrive);
	return r;
fail:
	json_object_put(def);
	store_run_steps_free(&rows);
	sup_run_free(r);
	return NULL;
}

void
sup_run_load(struct sup *sp, const long long *pks, const long long *epochs,
    int n, struct run **out)
{
	struct store_run_rows	 e;
	const struct store_run_row *w;
	const char		*by, *status;
	size_t			 j;
	int			 i, k, m;

	cb_cfg = sp->cfg;
	for (i = 0; i < n; i++)
		out[i] = NULL;
	if (n == 0)
		return;
	/*
	 * Galera: read what the cluster committed, not what this node has
	 * applied so far; a row another node's claimer also selected is run
	 * only by the one whose claim (claimer and epoch) it carries.
	 */
	if (store_sync_wait(sp->st, 1) != RC_OK)
		return;			/* given back by the caller */
	for (i = 0; i < n; i += STORE_RUN_LOAD_MAX) {
		m = MIN(n - i, STORE_RUN_LOAD_MAX);
		if (store_run_load(sp->st, pks + i, (size_t)m, &e) != RC_OK)
			continue;	/* the leases expire; retried then */
		for (j = 0; j < e.n; j++)
			for (k = i; k < i + m; k++) {
				w = &e.v[j];
				if (pks[k] != w->pk || out[k] != NULL)
					continue;
				by = w->claimed_by;
				status = w->status;
				/*
				 * paused: claimed for a due step timeout
				 * (STMT_SUP_CLAIM_PAUSED).
				 */
				if (by == NULL || strcmp(by, sp->id) != 0 ||
				    status == NULL ||
				    (strcmp(status, "running") != 0 &&
				    strcmp(status, "paused") != 0) ||
				    w->epoch != epochs[k]) {
					log_warnx("execution %s: claimed by "
					    "%s epoch %lld, not by us: not run",
					    w->id, by == NULL ? "nobody" : by,
					    w->epoch);
					sup_metrics_claim_lost();
					continue;
				}
				out[k] = run_from_row(sp, w);
				if (out[k] != NULL &&
				    strcmp(status, "paused") == 0) {
					out[k]->pausing = 1;
					out[k]->hold = 1;
					out[k]->pause_since = util_mono_ms();
				}
			}
		store_run_rows_free(&e);
	}
	(void)store_sync_wait(sp->st, 0);
}
