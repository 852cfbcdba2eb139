/*
 * `workflow` steps (engine.md "workflow"): the child execution a step
 * starts and what the step learns from it. The child is inserted through
 * the normal idempotent path (store_exec_insert) under a name made from
 * the parent, the step, the redrive count and the attempt
 * (engine_child_name), so that a supervisor resuming the step finds the
 * child it already started instead of starting a second one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "jsonx.h"
#include "log.h"
#include "schema.h"
#include "store_exec.h"
#include "store_subwf.h"
#include "sup_int.h"
#include "verr.h"

static void
wf_fail(struct sup_wf_res *res, const char *type, int retryable,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
wf_fail(struct sup_wf_res *res, const char *type, int retryable,
    const char *fmt, ...)
{
	va_list	ap;
	size_t	n;
	int	len;

	res->kind = SUP_WF_FAIL;
	res->err_type = type;
	res->retryable = retryable;
	va_start(ap, fmt);
	len = vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	/* Cut (a child's message in a parent's): at a character boundary. */
	if (len >= (int)sizeof(res->msg)) {
		n = sizeof(res->msg) - 1;
		res->msg[util_utf8_cut(res->msg, n, n)] = '\0';
	}
}

/*
 * The workflow step a child is started for: step i, or with k >= 0 the
 * inner step of map step i (iteration k).
 */
static const struct tmpl_step *
wf_def(const struct run *r, int i, int k)
{
	return k >= 0 ? r->t->steps[i].inner : &r->t->steps[i];
}

/* The name of the child of step i (iteration k, or -1) for attempt. */
static int
child_name(const struct run *r, int i, int k, int attempt, char *buf,
    size_t len)
{
	return engine_child_name(buf, len, r->id, r->t->steps[i].id, k,
	    r->redrive, attempt);
}

/*
 * What child c says for step i: the output once the child completed, a
 * failure once it ended otherwise, else wait.
 */
static void
from_child(const struct tmpl_step *ts, const struct store_subwf_child *c,
    struct sup_wf_res *res)
{
	struct json_object	*o, *m;
	const char		*st, *msg = "", *type;
	int			 retry;

	snprintf(res->child_id, sizeof(res->child_id), "%s",
	    c->execution_id);
	st = c->status;
	if (!ts->wf_wait) {
		res->kind = SUP_WF_DONE;
		res->output = json_object_new_object();
		json_object_object_add(res->output, "execution_id",
		    json_object_new_string(res->child_id));
		return;
	}
	if (strcmp(st, "completed") == 0) {
		res->kind = SUP_WF_DONE;
		/* Ours: the row drops its reference. */
		res->output = json_object_get(c->final_result);
		return;
	}
	if (strcmp(st, "failed") != 0 && strcmp(st, "cancelled") != 0 &&
	    strcmp(st, "timed_out") != 0) {
		res->kind = SUP_WF_WAIT;
		return;
	}
	o = c->error_details;		/* borrowed */
	if (json_object_object_get_ex(o, "message", &m) && m != NULL)
		msg = json_object_get_string(m);
	type = SUP_ERR_CHILD_FAILED;
	retry = 1;
	/*
	 * A limit of the tree is the parent's too (retrying would meet it
	 * again): a template that calls itself fails with depth_exceeded
	 * all the way up.
	 */
	if (json_object_object_get_ex(o, "type", &m) && m != NULL) {
		if (strcmp(json_object_get_string(m),
		    SUP_ERR_DEPTH_EXCEEDED) == 0)
			type = SUP_ERR_DEPTH_EXCEEDED;
		else if (strcmp(json_object_get_string(m),
		    SUP_ERR_DESCENDANTS_EXCEEDED) == 0)
			type = SUP_ERR_DESCENDANTS_EXCEEDED;
		retry = strcmp(type, SUP_ERR_CHILD_FAILED) == 0;
	}
	/* A failed child fails the step; a retry starts a new child. */
	wf_fail(res, type, retry, "child execution %s %s%s%s",
	    res->child_id, st, *msg != '\0' ? ": " : "", msg);
}

/* The child of step i if it exists: RC_OK and res set, or RC_NOTFOUND. */
static int
lookup(struct sup *sp, struct run *r, const struct tmpl_step *ts,
    const char *name, struct sup_wf_res *res)
{
	struct store_subwf_child	c;
	int				rc;

	if ((rc = store_subwf_child_get(sp->st, r->user, name, &c)) == RC_OK)
		from_child(ts, &c, res);
	store_subwf_child_free(&c);
	return rc;
}

/* The child's insert and the root's count, in one transaction. */
struct wf_insert {
	struct sup			*sp;
	const struct store_exec_new	*x;
	const char			*root;
	int				 exceeded;
};

static int
insert_body(struct store *st, void *arg)
{
	struct wf_insert	*a = arg;
	int			 rc;

	a->exceeded = 0;
	if ((rc = store_subwf_root_bump(st, a->root,
	    a->sp->cfg->sup.max_descendants)) != RC_OK) {
		a->exceeded = rc == RC_DENIED;
		return rc;
	}
	return store_exec_insert(st, a->x, NULL, NULL);
}

/*
 * The child's template as r's user sees it now, checked, and its input
 * validated. RC_OK with *tid (caller's) and *version; RC_INVALID with
 * res set (the step fails); else a store code (try again later).
 */
static int
resolve(struct sup *sp, struct run *r, const struct tmpl_step *ts,
    struct json_object *input, char **tid, long long *version,
    struct sup_wf_res *res)
{
	struct json_object	*def, *sch, *first, *loc = NULL;
	struct json_object	*m = NULL;
	struct schema		*sc = NULL;
	struct store_subwf_tmpl	 t;
	struct verr		*ve;
	struct jpath		 jp;
	int			 rc, bad;

	rc = store_subwf_tmpl(sp->st, r->user, ts->wf_template,
	    ts->wf_version, &t);
	if (rc != RC_OK && rc != RC_NOTFOUND)
		return rc;
	if (rc == RC_NOTFOUND) {
		if (ts->wf_version > 0)
			wf_fail(res, SUP_ERR_TEMPLATE_NOT_FOUND, 0, "template "
			    "%s has no version %d", ts->wf_template,
			    ts->wf_version);
		else
			wf_fail(res, SUP_ERR_TEMPLATE_NOT_FOUND, 0, "template "
			    "%s not found", ts->wf_template);
		return RC_INVALID;
	}
	if (!t.may_execute) {
		store_subwf_tmpl_free(&t);
		wf_fail(res, SUP_ERR_FORBIDDEN, 0, "user %s may not execute "
		    "template %s", r->user, ts->wf_template);
		return RC_INVALID;
	}
	*tid = xstrdup(t.template_id);
	*version = t.version;
	def = t.definition;		/* borrowed from t */
	rc = RC_OK;
	if (def != NULL && json_object_object_get_ex(def, "input_schema",
	    &sch) && sch != NULL) {
		ve = verr_new();
		jpath_init(&jp, "input");
		bad = schema_compile(sch, &jp, ve, &sc) != 0;
		if (!bad)
			bad = schema_validate(sc, input, &jp, ve) != 0;
		if (bad) {
			first = json_object_array_get_idx(verr_list(ve), 0);
			json_object_object_get_ex(first, "loc", &loc);
			json_object_object_get_ex(first, "msg", &m);
			wf_fail(res, SUP_ERR_INPUT_INVALID, 0, "the input does "
			    "not match the input_schema of template %s: %s "
			    "at %s", ts->wf_template, m != NULL ?
			    json_object_get_string(m) : "invalid",
			    loc != NULL ? json_object_to_json_string_ext(loc,
			    JSON_C_TO_STRING_PLAIN) : "input");
			rc = RC_INVALID;
		}
		verr_free(ve);
		schema_free(sc);
	}
	store_subwf_tmpl_free(&t);
	if (rc != RC_OK) {
		free(*tid);
		*tid = NULL;
	}
	return rc;
}

void
sup_wf_iter_start(struct sup *sp, struct run *r, int i, int k, int attempt,
    struct json_object *input, struct sup_wf_res *res)
{
	const struct tmpl_step	*ts = wf_def(r, i, k);
	const char		*step_id = r->t->steps[i].id;
	struct store_exec_new	 x;
	struct wf_insert	 a;
	char			 name[ENGINE_EXEC_NAME_MAX + 1];
	char			 eid[UTIL_UUID_LEN], hash[65], *tid = NULL;
	char			*text = NULL;
	long long		 version = 0;
	int			 rc;

	memset(res, 0, sizeof(*res));
	if (r->depth + 1 > ENGINE_DEPTH_MAX) {
		wf_fail(res, SUP_ERR_DEPTH_EXCEEDED, 0, "a child would be at "
		    "depth %d, more than %d", r->depth + 1, ENGINE_DEPTH_MAX);
		return;
	}
	if (child_name(r, i, k, attempt, name, sizeof(name)) != RC_OK) {
		wf_fail(res, SUP_ERR_INPUT_INVALID, 0, "the child's name "
		    "would be longer than %d characters", ENGINE_EXEC_NAME_MAX);
		return;
	}
	/* Resumed: the child this attempt started is found, not made again. */
	if ((rc = lookup(sp, r, ts, name, res)) != RC_NOTFOUND) {
		if (rc != RC_OK)
			res->kind = SUP_WF_LATER;
		return;
	}
	if ((rc = resolve(sp, r, ts, input, &tid, &version, res)) != RC_OK) {
		if (rc != RC_INVALID)
			res->kind = SUP_WF_LATER;
		return;
	}
	util_uuid(eid);
	text = jsonx_canon(input);
	jsonx_canon_hash(input, hash);
	memset(&x, 0, sizeof(x));
	x.id = eid;
	x.user = r->user;
	x.name = name;
	x.template_id = tid;
	x.version = version;
	x.pinned = ts->wf_version > 0;
	x.input = text;
	x.hash = hash;
	x.created_ms = util_now_ms();
	x.slots = sp->cfg->http.max_active_executions_per_user;
	x.parent_id = r->id;
	x.parent_step = step_id;
	x.root_id = r->root_id != NULL ? r->root_id : r->id;
	x.depth = r->depth + 1;
	a.sp = sp;
	a.x = &x;
	a.root = x.root_id;
	a.exceeded = 0;
	rc = store_tx(sp->st, 0, insert_body, &a);
	switch (rc) {
	case RC_OK:
		log_info("execution %s: step %s started child %s (%s)", r->id,
		    step_id, eid, name);
		sp->want_claim = 1;
		snprintf(res->child_id, sizeof(res->child_id), "%s", eid);
		if (ts->wf_wait)
			res->kind = SUP_WF_WAIT;
		else {
			res->kind = SUP_WF_DONE;
			res->output = json_object_new_object();
			json_object_object_add(res->output, "execution_id",
			    json_object_new_string(eid));
		}
		break;
	case RC_DENIED:
		if (a.exceeded)
			wf_fail(res, SUP_ERR_DESCENDANTS_EXCEEDED, 0, "the "
			    "execution tree would create more than %d "
			    "executions", sp->cfg->sup.max_descendants);
		else
			/* The user's quota: tried again, not failed. */
			res->kind = SUP_WF_QUOTA;
		break;
	case RC_CONFLICT:
		/* Taken meanwhile: it is the child (same user, same name). */
		if (lookup(sp, r, ts, name, res) != RC_OK)
			res->kind = SUP_WF_LATER;
		break;
	case RC_CHANGED:
		/* The template moved on since it was read: read it again. */
		res->kind = SUP_WF_LATER;
		break;
	case RC_INVALID:
		wf_fail(res, SUP_ERR_INPUT_INVALID, 0, "the database refused "
		    "the child execution");
		break;
	default:
		res->kind = SUP_WF_LATER;
		break;
	}
	free(text);
	free(tid);
}

void
sup_wf_start(struct sup *sp, struct run *r, int i, struct json_object *input,
    struct sup_wf_res *res)
{
	sup_wf_iter_start(sp, r, i, -1, r->s[i].attempts, input, res);
}

void
sup_wf_iter_check(struct sup *sp, struct run *r, int i, int k, int attempt,
    struct sup_wf_res *res)
{
	char	name[ENGINE_EXEC_NAME_MAX + 1];
	int	rc;

	memset(res, 0, sizeof(*res));
	if (child_name(r, i, k, attempt, name, sizeof(name)) != RC_OK) {
		res->kind = SUP_WF_WAIT;
		return;
	}
	if ((rc = lookup(sp, r, wf_def(r, i, k), name, res)) == RC_NOTFOUND)
		wf_fail(res, SUP_ERR_CHILD_FAILED, 1, "child execution %s "
		    "not found", name);
	else if (rc != RC_OK)
		res->kind = SUP_WF_LATER;
}

void
sup_wf_check(struct sup *sp, struct run *r, int i, struct sup_wf_res *res)
{
	sup_wf_iter_check(sp, r, i, -1, r->s[i].attempts, res);
}
