/*
 * Executions: POST /execute, GET /executions[/{id}], cancel and retry.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "engine.h"
#include "http.h"
#include "http_int.h"
#include "jsonx.h"
#include "log.h"
#include "schema.h"
#include "store_exec.h"
#include "store_subwf.h"
#include "tmpl.h"

#define EXEC_NAME_MAX		128
#define TEMPLATE_ID_MAX		64
#define WAIT_POLL_MS		100

static int
name_char(int c, int first)
{
	if (isascii(c) && isalnum(c))
		return 1;
	return !first && (c == '.' || c == '_' || c == ':' || c == '-');
}

static int
name_valid(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!name_char((unsigned char)s[i], i == 0))
			return 0;
	return 1;
}

/* Check one optional name field; returns its value or NULL. */
static const char *
check_name(struct json_object *body, const char *key, struct verr *ve)
{
	struct json_object	*v;
	struct jpath		 p;
	const char		*s;

	if (!json_object_object_get_ex(body, key, &v))
		return NULL;
	jpath_init(&p, "body");
	jpath_key(&p, key);
	if (!json_object_is_type(v, json_type_string)) {
		verr_add(ve, "string_type", &p, "Input should be a valid string",
		    v, NULL);
		return NULL;
	}
	s = json_object_get_string(v);
	if (http_check_str(ve, &p, v, 1, EXEC_NAME_MAX) != 0)
		return NULL;
	if (!name_valid(s)) {
		struct json_object	*ctx = json_object_new_object();

		json_object_object_add(ctx, "pattern", json_object_new_string(
		    "^[A-Za-z0-9][A-Za-z0-9._:-]*$"));
		verr_add(ve, "string_pattern_mismatch", &p, "String should "
		    "match pattern '^[A-Za-z0-9][A-Za-z0-9._:-]*$'", v, ctx);
		return NULL;
	}
	/* Names of schedule fires and of workflow steps' children. */
	if (engine_exec_name_reserved(s)) {
		verr_add(ve, "value_error", &p, "Value error, names that start "
		    "with 'sched.' or with a UUID and '.' are reserved", v,
		    NULL);
		return NULL;
	}
	return s;
}

/* The fields of an execute request once validated. */
struct exec_args {
	const char		*template_id;
	const char		*name;		/* NULL: make one */
	struct json_object	*input;		/* borrowed; NULL means {} */
	struct json_object	*notify;	/* borrowed; NULL: none */
};

static int
validate_execute(struct http_req *r, struct exec_args *a)
{
	static const char *const known[] = { "template_id", "execution_name",
	    "workflow_name", "input_data", "notify" };
	struct verr		*ve = verr_new();
	struct json_object	*v;
	struct jpath		 p;
	const char		*en, *wn;
	int			 rc = RC_OK;

	memset(a, 0, sizeof(*a));
	if (!http_check_object(r, ve))
		goto out;
	http_check_extra(r->body, known, NITEMS(known), ve);
	jpath_init(&p, "body");
	jpath_key(&p, "template_id");
	if (!json_object_object_get_ex(r->body, "template_id", &v))
		verr_add(ve, "missing", &p, "Field required", r->body, NULL);
	else if (!json_object_is_type(v, json_type_string))
		verr_add(ve, "string_type", &p, "Input should be a valid string",
		    v, NULL);
	else if (http_check_str(ve, &p, v, 1, TEMPLATE_ID_MAX) == 0)
		a->template_id = json_object_get_string(v);
	en = check_name(r->body, "execution_name", ve);
	wn = check_name(r->body, "workflow_name", ve);
	if (en != NULL && wn != NULL && strcmp(en, wn) != 0) {
		jpath_init(&p, "body");
		jpath_key(&p, "workflow_name");
		json_object_object_get_ex(r->body, "workflow_name", &v);
		verr_add(ve, "value_error", &p, "Value error, execution_name "
		    "and workflow_name differ", v, NULL);
	}
	a->name = en != NULL ? en : wn;
	if (json_object_object_get_ex(r->body, "input_data", &v)) {
		jpath_init(&p, "body");
		jpath_key(&p, "input_data");
		if (!json_object_is_type(v, json_type_object))
			verr_add(ve, "dict_type", &p, "Input should be a valid "
			    "dictionary", v, NULL);
		else
			a->input = v;
	}
	if (json_object_object_get_ex(r->body, "notify", &v) && v != NULL) {
		jpath_init(&p, "body");
		jpath_key(&p, "notify");
		if (tmpl_notify_check(v, &p, ve) == RC_OK)
			a->notify = v;
	}
out:
	if (verr_count(ve) > 0) {
		http_resp_verr(r, ve);
		rc = RC_INVALID;
	}
	verr_free(ve);
	return rc;
}

/* "<template name>-<yyyymmdd-HHMMSS>-<8 hex>", fitting 128 characters. */
static char *
make_name(const char *tname)
{
	char		 suffix[64], ts[32], *out;
	unsigned char	 rnd[4], c;
	struct tm	 tm;
	time_t		 now = time(NULL);
	size_t		 room, n, i;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", &tm) == 0)
		snprintf(ts, sizeof(ts), "19700101-000000");
	if (util_random(rnd, sizeof(rnd)) != RC_OK)
		fatalx("no randomness");
	snprintf(suffix, sizeof(suffix), "-%s-%02x%02x%02x%02x", ts, rnd[0],
	    rnd[1], rnd[2], rnd[3]);
	room = EXEC_NAME_MAX - strlen(suffix);
	out = xmalloc(room + strlen(suffix) + 2);
	/*
	 * One output character per character (code point) of the name:
	 * a multi-byte UTF-8 character becomes a single '-', not one per
	 * byte, and the cut at "room" never counts continuation bytes.
	 * The first character must be alphanumeric: 'x' replaces it.
	 */
	for (i = n = 0; tname[i] != '\0' && n < room; i++) {
		c = (unsigned char)tname[i];
		if ((c & 0xc0) == 0x80)
			continue;	/* continuation byte of the last one */
		if (name_char(c, n == 0))
			out[n] = (char)c;
		else
			out[n] = n == 0 ? 'x' : '-';
		n++;
	}
	if (n == 0)
		out[n++] = 'x';
	strcpy(out + n, suffix);
	return out;
}

/* key: the time ms (epoch ms), null for STORE_NO_MS. */
static void
add_time(struct json_object *o, const char *key, long long ms)
{
	char	buf[UTIL_TIME_LEN];

	if (ms == STORE_NO_MS) {
		json_object_object_add(o, key, NULL);
		return;
	}
	util_time_fmt(ms, buf);
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* Stored JSON text as an object (NULL for NULL or bad text). */
static struct json_object *
parse_stored(const char *v)
{
	return v == NULL ? NULL : json_tokener_parse(v);
}

/* A string or null. */
static struct json_object *
str_or_null(const char *v)
{
	return v == NULL ? NULL : json_object_new_string(v);
}

/* The 202 body from an execution row. */
static struct json_object *
exec_summary(const struct store_exec_row *e, int with_completed)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "execution_id",
	    json_object_new_string(e->id));
	json_object_object_add(o, "execution_name",
	    json_object_new_string(e->name));
	json_object_object_add(o, "template_id",
	    json_object_new_string(e->template_id));
	json_object_object_add(o, "template_version",
	    json_object_new_int64(e->template_version));
	json_object_object_add(o, "status",
	    json_object_new_string(e->status));
	add_time(o, "created_at", e->created_ms);
	if (with_completed)
		add_time(o, "completed_at", e->completed_ms);
	return o;
}

static double
secs_between(long long a, long long b)
{
	return (double)(b - a) / 1000.0;
}

/* key: seconds from a to b (epoch ms), null when either is unknown. */
static void
add_duration(struct json_object *o, const char *key, long long a,
    long long b)
{
	if (a == STORE_NO_MS || b == STORE_NO_MS)
		json_object_object_add(o, key, NULL);
	else {
		/* Millisecond precision, printed without binary noise. */
		char	buf[32];
		size_t	n;

		snprintf(buf, sizeof(buf), "%.3f", secs_between(a, b));
		n = strlen(buf);
		while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
			buf[--n] = '\0';
		json_object_object_add(o, key, json_object_new_double_s(
		    secs_between(a, b), buf));
	}
}

static const char *const iter_states[] = {
	"pending", "running", "completed", "failed", "skipped", "cancelled"
};

/*
 * A map step's items_total and iteration_counts (per status) from the
 * counts of store_exec_iter_counts; items_total is null until the items
 * were evaluated (no iteration row yet).
 */
static void
map_counts(struct json_object *s, const struct store_iter_counts *c,
    size_t step)
{
	struct json_object	*o = json_object_new_object();
	const char		*st;
	long long		 total = 0, n;
	size_t			 j, k;

	for (k = 0; k < NITEMS(iter_states); k++)
		json_object_object_add(o, iter_states[k],
		    json_object_new_int(0));
	for (j = 0; j < c->n; j++) {
		if ((size_t)c->v[j].step_idx != step ||
		    (st = c->v[j].status) == NULL)
			continue;
		n = c->v[j].n;
		total += n;
		json_object_object_add(o, st, json_object_new_int64(n));
	}
	json_object_object_add(s, "items_total", total > 0 ?
	    json_object_new_int64(total) : NULL);
	json_object_object_add(s, "iteration_counts", o);
}

/* 1 when the definition has a map step. */
static int
has_map(struct json_object *dsteps, size_t n)
{
	struct json_object	*v;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(
		    dsteps, i), "type", &v) && json_object_is_type(v,
		    json_type_string) && strcmp(json_object_get_string(v),
		    "map") == 0)
			return 1;
	return 0;
}

/*
 * A workflow step's child (sql/017): child_execution_id, the newest one
 * (null before the step started one), and waiting_for while it waits.
 */
static int
step_child(struct store *st, const struct store_exec_row *e,
    struct json_object *ds, struct json_object *s)
{
	struct json_object	*id, *v, *w;
	char			 child[UTIL_UUID_LEN];
	int			 rc;

	json_object_object_get_ex(ds, "id", &id);
	rc = store_exec_step_child(st, e->id, json_object_get_string(id),
	    child);
	if (rc != RC_OK && rc != RC_NOTFOUND)
		return rc;
	v = rc == RC_NOTFOUND ? NULL : json_object_new_string(child);
	json_object_object_add(s, "child_execution_id", v);
	if (v != NULL && json_object_object_get_ex(s, "status", &w) &&
	    strcmp(json_object_get_string(w), "waiting") == 0) {
		w = json_object_new_object();
		json_object_object_add(w, "child_execution_id",
		    json_object_get(v));
		json_object_object_add(s, "waiting_for", w);
	}
	return RC_OK;
}

/*
 * 1 when step i of the definition (ds) is a wait step whose row says it
 * completed: only then may it show who sent the signal it took.
 */
static int
wait_taken(struct json_object *ds, size_t i,
    const struct store_exec_steps *rows)
{
	struct json_object	*v;
	size_t			 j;

	if (!json_object_object_get_ex(ds, "type", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "wait") != 0)
		return 0;
	for (j = 0; j < rows->n; j++)
		if ((size_t)rows->v[j].idx == i)
			return strcmp(rows->v[j].status, "completed") == 0;
	return 0;
}

/*
 * The full execution document (GET) from its row and its step rows
 * (store_exec_get_doc); the signals its steps took are read only when a
 * wait step completed (docs/bench.md, 2026-12-06). RC_* of the store.
 */
static int
exec_document(struct store *st, const struct store_exec_doc *d,
    struct json_object **out)
{
	const struct store_exec_row	*e = &d->e;
	const struct store_exec_steps	*rows = &d->steps;
	struct json_object		*o, *def = NULL, *steps, *dsteps, *ds, *s;
	struct json_object		*v;
	struct store_iter_counts	 counts;
	struct store_exec_signals	 sigs;
	const struct store_exec_step	*row;
	const char			*by;
	size_t				 k;
	size_t				 i, j, n;
	int				 rc;

	memset(&counts, 0, sizeof(counts));
	memset(&sigs, 0, sizeof(sigs));
	o = exec_summary(e, 0);
	json_object_object_add(o, "user_id", json_object_new_string(e->user));
	json_object_object_add(o, "input_data", parse_stored(e->input));
	json_object_object_add(o, "parent_execution_id",
	    str_or_null(e->parent_id));
	json_object_object_add(o, "parent_step_id",
	    str_or_null(e->parent_step));
	def = parse_stored(e->definition);
	steps = json_object_new_array();
	n = 0;
	if (def != NULL && json_object_object_get_ex(def, "steps", &dsteps))
		n = json_object_array_length(dsteps);
	for (i = 0, rc = RC_OK; i < n && rc == RC_OK; i++)
		if (wait_taken(json_object_array_get_idx(dsteps, i), i, rows)) {
			/* Who sent the signal each wait step took. */
			rc = store_exec_signals(st, e->pk, &sigs);
			break;
		}
	if (rc == RC_OK && n > 0 && has_map(dsteps, n))
		rc = store_exec_iter_counts(st, e->pk, &counts);
	if (rc != RC_OK) {
		json_object_put(o);
		json_object_put(def);
		json_object_put(steps);
		store_exec_signals_free(&sigs);
		return rc;
	}
	for (i = 0; i < n; i++) {
		ds = json_object_array_get_idx(dsteps, i);
		s = json_object_new_object();
		json_object_object_get_ex(ds, "id", &v);
		json_object_object_add(s, "step_id", json_object_get(v));
		json_object_object_get_ex(ds, "type", &v);
		json_object_object_add(s, "type", json_object_get(v));
		json_object_object_add(s, "depends_on",
		    json_object_object_get_ex(ds, "depends_on", &v) &&
		    json_object_is_type(v, json_type_array) ?
		    json_object_get(v) : json_object_new_array());
		for (j = 0; j < rows->n; j++)
			if ((size_t)rows->v[j].idx == i)
				break;
		if (j == rows->n) {
			json_object_object_add(s, "status",
			    json_object_new_string(engine_step_shown(
			    e->status, NULL)));
			json_object_object_add(s, "attempts",
			    json_object_new_int(0));
			json_object_object_add(s, "started_at", NULL);
			json_object_object_add(s, "completed_at", NULL);
			json_object_object_add(s, "duration", NULL);
			json_object_object_add(s, "output", NULL);
			json_object_object_add(s, "error", NULL);
			json_object_object_add(s, "input", NULL);
			json_object_object_add(s, "attempt_history",
			    json_object_new_array());
		} else {
			const char *ss;

			row = &rows->v[j];
			/*
			 * An execution cancelled while parked (paused or
			 * waiting) keeps the rows of its waiting steps and
			 * timers as they were: they ended with it.
			 */
			ss = engine_step_shown(e->status, row->status);
			json_object_object_add(s, "status",
			    json_object_new_string(ss));
			json_object_object_add(s, "attempts",
			    json_object_new_int64(row->attempts));
			add_time(s, "started_at", row->started_ms);
			add_time(s, "completed_at", row->completed_ms);
			add_duration(s, "duration", row->started_ms,
			    row->completed_ms);
			json_object_object_add(s, "output",
			    parse_stored(row->output));
			json_object_object_add(s, "error",
			    parse_stored(row->error));
			/* A callback step waits until its deadline. */
			if (strcmp(ss, "waiting") == 0 &&
			    json_object_object_get_ex(ds, "callback", &v) &&
			    json_object_get_boolean(v)) {
				v = json_object_new_object();
				json_object_object_add(v, "callback",
				    json_object_new_boolean(1));
				json_object_object_add(s, "waiting_for", v);
				add_time(s, "wait_deadline",
				    row->next_attempt_ms);
			}
			/* A waiting wait step: what for, and until when. */
			if (strcmp(ss, "waiting") == 0 &&
			    json_object_object_get_ex(ds, "signal", &v)) {
				json_object_object_add(s, "waiting_for",
				    http_signal_waiting_for(ds));
				add_time(s, "wait_deadline",
				    row->next_attempt_ms);
			}
			json_object_object_add(s, "input",
			    parse_stored(row->input));
			v = parse_stored(row->history);
			json_object_object_add(s, "attempt_history", v != NULL ?
			    v : json_object_new_array());
		}
		if (json_object_object_get_ex(ds, "type", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "map") == 0)
			map_counts(s, &counts, i);
		if (json_object_object_get_ex(ds, "type", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "workflow") == 0 &&
		    (rc = step_child(st, e, ds, s)) != RC_OK) {
			json_object_put(s);
			json_object_put(steps);
			json_object_put(def);
			json_object_put(o);
			store_iter_counts_free(&counts);
			store_exec_signals_free(&sigs);
			return rc;
		}
		json_object_object_get_ex(ds, "type", &v);
		if (v != NULL && strcmp(json_object_get_string(v), "wait") ==
		    0) {
			for (by = NULL, k = 0; k < sigs.n; k++)
				if (json_object_object_get_ex(ds, "id", &v) &&
				    strcmp(sigs.v[k].step_id,
				    json_object_get_string(v)) == 0)
					by = sigs.v[k].by;
			/* Only once the step took it (completed). */
			json_object_object_get_ex(s, "status", &v);
			json_object_object_add(s, "signalled_by", by != NULL &&
			    strcmp(json_object_get_string(v), "completed") ==
			    0 ? json_object_new_string(by) : NULL);
		}
		json_object_array_add(steps, s);
	}
	store_iter_counts_free(&counts);
	json_object_object_add(o, "steps", steps);
	json_object_object_add(o, "final_result", parse_stored(e->result));
	json_object_object_add(o, "error_details", parse_stored(e->error));
	add_duration(o, "total_duration", e->started_ms, e->completed_ms);
	add_time(o, "started_at", e->started_ms);
	add_time(o, "completed_at", e->completed_ms);
	json_object_object_add(o, "cancelled_by",
	    str_or_null(e->cancelled_by));
	json_object_object_add(o, "cancel_reason",
	    str_or_null(e->cancel_reason));
	json_object_object_add(o, "redrive_count",
	    json_object_new_int64(e->redrive_count));
	json_object_put(def);
	store_exec_signals_free(&sigs);
	*out = o;
	return RC_OK;
}

/* The document of row *e, its step rows read apart. */
static int
exec_document_of(struct store *st, const struct store_exec_row *e,
    struct json_object **out)
{
	struct store_exec_doc	d;
	int			rc;

	memset(&d, 0, sizeof(d));
	d.e = *e;	/* borrowed: not freed here */
	if ((rc = store_exec_steps(st, e->pk, &d.steps)) == RC_OK)
		rc = exec_document(st, &d, out);
	store_exec_steps_free(&d.steps);
	return rc;
}

/*
 * Load execution "id" (r->id or given) into *e and check the caller may
 * see it. On anything but RC_OK the answer is already set and *e is
 * empty.
 */
static int
load_exec(struct http_req *r, const char *id, struct store_exec_row *e)
{
	int	rc;

	if ((rc = store_exec_get(r->app->st, id, e)) != RC_OK) {
		http_resp_rc(r, rc, "Execution not found");
		return rc;
	}
	if (strcmp(e->user, r->who.sub) != 0 &&
	    !auth_has_role(&r->who, ROLE_ADMIN)) {
		store_exec_row_free(e);
		http_resp_detail(r, 403, "Access denied");
		return RC_DENIED;
	}
	return RC_OK;
}

/*
 * Load r->id's document for GET (store_exec_get_doc): its user or an
 * admin with workflow:read, or whoever may signal one of its waiting wait
 * steps (engine.md: the approver must see what they approve; no
 * workflow:read needed for that). On anything but RC_OK the answer is
 * already set.
 */
static int
load_exec_view(struct http_req *r, struct store_exec_doc *d)
{
	struct store_exec_row	*e = &d->e;
	int			 rc, reader = auth_has_role(&r->who, ROLE_READ);

	if ((rc = store_exec_get_doc(r->app->st, r->id, d)) != RC_OK) {
		if (!reader && rc == RC_NOTFOUND)
			http_resp_detail(r, 403, "Missing role workflow:read");
		else
			http_resp_rc(r, rc, "Execution not found");
		return rc;
	}
	if (reader && (strcmp(e->user, r->who.sub) == 0 ||
	    auth_has_role(&r->who, ROLE_ADMIN)))
		return RC_OK;
	if (http_signal_may_view(r, e->pk, e->user, e->definition))
		return RC_OK;
	store_exec_doc_free(d);
	http_resp_detail(r, 403, reader ? "Access denied" :
	    "Missing role workflow:read");
	return RC_DENIED;
}

/*
 * Wait (Prefer: wait=N) until the execution is terminal; *e is reloaded.
 * Returns 1 if it is terminal at the end. Beyond the waiter bounds
 * (http_wait.c) it does not wait: the caller answers at once with what
 * it has.
 */
static int
wait_terminal(struct http_req *r, const char *id, int seconds,
    struct store_exec_row *e)
{
	struct timespec		 ts = { 0, WAIT_POLL_MS * 1000000L };
	int64_t			 deadline = util_mono_ms() + seconds * 1000LL;
	struct store_exec_row	 n;
	int			 term;

	if ((term = engine_exec_ended(e->status)) ||
	    !http_wait_enter(r->app->cfg, r->who.sub))
		return term;
	while (!(term = engine_exec_ended(e->status))) {
		if (util_mono_ms() >= deadline)
			break;
		nanosleep(&ts, NULL);
		if (store_exec_get(r->app->st, id, &n) != RC_OK)
			break;
		store_exec_row_free(e);
		*e = n;
	}
	http_wait_leave();
	return term;
}

static void
answer_accepted(struct http_req *r, const char *id, int status_new)
{
	struct json_object	*doc;
	struct store_exec_row	 e;
	int			 wait = http_req_wait(r), rc;

	if (load_exec(r, id, &e) != RC_OK)
		return;
	http_resp_header(r, "Location: %s/workflow-management/executions/%s",
	    r->app->cfg->http.base_path, id);
	if (wait > 0 && wait_terminal(r, id, wait, &e)) {
		if ((rc = exec_document_of(r->app->st, &e, &doc)) != RC_OK)
			http_resp_rc(r, rc, "Execution not found");
		else
			http_resp_json(r, 200, doc);
	} else
		http_resp_json(r, status_new, exec_summary(&e, 0));
	store_exec_row_free(&e);
}

/* The 202/200 summary built from known values, without a read. */
static struct json_object *
summary_of(const char *id, const char *name, const char *tid,
    long long version, const char *status, long long created_ms)
{
	struct json_object	*o = json_object_new_object();
	char			 ts[UTIL_TIME_LEN];

	util_time_fmt(created_ms, ts);
	json_object_object_add(o, "execution_id", json_object_new_string(id));
	json_object_object_add(o, "execution_name",
	    json_object_new_string(name));
	json_object_object_add(o, "template_id", json_object_new_string(tid));
	json_object_object_add(o, "template_version",
	    json_object_new_int64(version));
	json_object_object_add(o, "status", json_object_new_string(status));
	json_object_object_add(o, "created_at", json_object_new_string(ts));
	return o;
}

/* 201/202 answer for execution id: Location, then summary or document. */
static void
answer_new(struct http_req *r, int status, struct json_object *summary,
    const char *id)
{
	if (http_req_wait(r) > 0) {
		json_object_put(summary);
		answer_accepted(r, id, status);
		return;
	}
	http_resp_header(r, "Location: %s/workflow-management/executions/%s",
	    r->app->cfg->http.base_path, id);
	http_resp_json(r, status, summary);
}

/* The answer to a replay of row x: 200 when identical, else 409. */
static void
replay_answer(struct http_req *r, const char *name, const char *tid,
    const char *hash, const struct store_exec_named *x)
{
	struct json_object	*o;

	if (strcmp(x->template_id, tid) != 0 || strcmp(x->hash, hash) != 0) {
		o = json_object_new_object();
		json_object_object_add(o, "detail", json_object_new_string(
		    "execution_name already used with different parameters"));
		json_object_object_add(o, "execution_id",
		    json_object_new_string(x->id));
		http_resp_json(r, 409, o);
		return;
	}
	log_set_exec(x->id);
	answer_new(r, 200, summary_of(x->id, name, tid, x->template_version,
	    x->status, x->created_ms), x->id);
}

/*
 * Replay of an existing name: 200 when identical, else 409. A completed
 * row this worker read is answered from memory (http_seen.c says why it
 * cannot differ). Returns RC_NOTFOUND (nothing answered) when the name
 * is not taken.
 */
static int
replay(struct http_req *r, const char *name, const char *tid,
    const char *hash)
{
	const struct store_exec_named	*kept;
	struct store_exec_named		 x;
	int				 rc;

	if ((kept = http_seen_done_get(r->who.sub, name, util_now_ms())) !=
	    NULL) {
		replay_answer(r, name, tid, hash, kept);
		return RC_OK;
	}
	rc = store_exec_by_name(r->app->st, r->who.sub, name, &x);
	if (rc == RC_NOTFOUND)
		return RC_NOTFOUND;
	if (rc != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return rc;
	}
	http_seen_add(r->who.sub, name);
	http_seen_done(r->who.sub, name, &x);
	replay_answer(r, name, tid, hash, &x);
	store_exec_named_free(&x);
	return RC_OK;
}

/* input_data against the template's input_schema; 422 set on failure. */
static int
check_input(struct http_req *r, struct schema *schema,
    struct json_object *in)
{
	struct verr	*ve;
	struct jpath	 p;
	int		 rc = RC_OK;

	if (schema == NULL)
		return RC_OK;
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_data");
	if (schema_validate(schema, in, &p, ve) > 0) {
		http_resp_verr(r, ve);
		rc = RC_INVALID;
	}
	verr_free(ve);
	return rc;
}

static void
too_many(struct http_req *r)
{
	http_resp_detail(r, 429, "Too many active executions");
	http_resp_header(r, "Retry-After: %d", HTTP_RETRY_ACTIVE_QUOTA);
}

/*
 * [http] max_unfinished_executions_per_user (engine.md "Limits against
 * fan-out"): RC_DENIED when the user already has that many pending,
 * running, waiting or paused executions. Not exact under concurrent
 * inserts of one user (a few over at most), unlike the active quota's
 * slots. The pending and running ones hold quota slots, so there are
 * fewer than max_active_executions_per_user of them when this one gets
 * a slot: while the waiting and paused ones are fewer than the
 * difference, the limit cannot be reached, and only those (none, most
 * often) are read. Else the whole bounded count decides. POST /execute
 * runs it only after its first insert, guarded by the user's parked
 * count (sql/022), found room short.
 */
static int
unfinished_full(struct http_req *r)
{
	long long	max, room, n;
	int		rc;

	max = r->app->cfg->http.max_unfinished_executions_per_user;
	room = max - r->app->cfg->http.max_active_executions_per_user + 1;
	if (room > 0) {
		if ((rc = store_exec_parked_count(r->app->st, r->who.sub,
		    room, &n)) != RC_OK)
			return rc;
		if (n < room)
			return RC_OK;
	}
	if ((rc = store_exec_unfinished_count(r->app->st, r->who.sub, max,
	    &n)) != RC_OK)
		return rc;
	return n >= max ? RC_DENIED : RC_OK;
}

static void
too_many_unfinished(struct http_req *r)
{
	http_resp_detail(r, 429, "Too many unfinished executions");
	http_resp_header(r, "Retry-After: %d", HTTP_RETRY_ACTIVE_QUOTA);
}

/* dry_run: the quota is the last check; 200 {"valid": true, ...}. */
static void
dry_run_answer(struct http_req *r, const struct tcache_ent *e)
{
	struct json_object	*o;
	long long		 active;
	int			 rc;

	if ((rc = store_exec_active_count(r->app->st, r->who.sub,
	    &active)) != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	if (active >= r->app->cfg->http.max_active_executions_per_user) {
		too_many(r);
		return;
	}
	if ((rc = unfinished_full(r)) == RC_DENIED) {
		too_many_unfinished(r);
		return;
	}
	if (rc != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "valid", json_object_new_boolean(1));
	json_object_object_add(o, "template_version",
	    json_object_new_int64(e->version));
	http_resp_json(r, 200, o);
}

/* The name check of store_exec_insert: a replay answers 200 or 409. */
struct taken_ctx {
	struct http_req	*r;
	const char	*name, *tid, *hash;
	int		 answered;
};

static int
taken(void *arg)
{
	struct taken_ctx	*c = arg;
	int			 rc;

	if ((rc = replay(c->r, c->name, c->tid, c->hash)) != RC_NOTFOUND)
		c->answered = 1;
	return rc;
}

/*
 * Insert x through the host's group writer (http_group.c), or alone when
 * it did not take it; store_exec_insert's codes. When the writer could
 * not tell (its connection lost mid-statement, no answer in time) the
 * row may be in: RC_AGAIN, as for an insert of our own whose connection
 * was lost, and the client retries with the same execution_name.
 */
static int
insert_new(struct http_req *r, const struct store_exec_new *x,
    struct taken_ctx *tc)
{
	switch (http_group_insert(r->app, x)) {
	case GROUP_DONE:
		return RC_OK;
	case GROUP_UNKNOWN:
		return RC_AGAIN;
	case GROUP_ALONE:
		break;
	}
	return store_exec_insert(r->app->st, x, taken, tc);
}

/*
 * POST /execute. Checks in the order of api.md: body (413/415/422),
 * template (404), access (403), input_schema (422), quota (429). The
 * template facts come from the worker's cache; the INSERT itself checks
 * that they are still true, so the common case is one round trip.
 */
void
http_h_execute(struct http_req *r)
{
	const struct tcache_ent	*e;
	struct exec_args	 a;
	struct store_exec_new	 x;
	struct taken_ctx	 tc;
	struct json_object	*empty = NULL;
	char			 id[UTIL_UUID_LEN] = "", hash[65], *name = NULL;
	char			*canon = NULL, *dry;
	long long		 created = 0;
	long long		 room;
	int			 rc, bad = 0, dry_run = 0, refresh = 0;

	dry = http_query_get(r, "dry_run", &bad);
	if (bad || (dry != NULL && strcmp(dry, "true") != 0 &&
	    strcmp(dry, "false") != 0 && strcmp(dry, "1") != 0 &&
	    strcmp(dry, "0") != 0)) {
		free(dry);
		http_resp_detail(r, 400, "dry_run must be true or false");
		return;
	}
	dry_run = dry != NULL && (strcmp(dry, "true") == 0 ||
	    strcmp(dry, "1") == 0);
	free(dry);
	if (http_req_body(r, 0) != RC_OK || validate_execute(r, &a) != RC_OK)
		return;
	if (a.input == NULL)
		a.input = empty = json_object_new_object();
again:
	if ((rc = http_tcache_get(r, a.template_id, refresh, &e)) != RC_OK) {
		http_resp_rc(r, rc, "Template not found");
		goto out;
	}
	if (!http_tcache_may_use(e, &r->who)) {
		http_resp_detail(r, 403, "Access denied");
		goto out;
	}
	if (check_input(r, e->schema, a.input) != RC_OK)
		goto out;
	if (a.notify != NULL) {
		struct jpath	np;

		jpath_init(&np, "body");
		jpath_key(&np, "notify");
		if (http_webhook_need_secret(r, &np) != RC_OK)
			goto out;
	}
	if (dry_run) {
		dry_run_answer(r, e);
		goto out;
	}
	if (name == NULL) {
		name = a.name != NULL ? xstrdup(a.name) : make_name(e->name);
		canon = jsonx_canon(a.input);
		jsonx_canon_hash(a.input, hash);
	}
	/* A name seen taken here: most likely a replay, one SELECT. */
	if (a.name != NULL && http_seen_has(r->who.sub, name) &&
	    replay(r, name, e->tid, hash) != RC_NOTFOUND)
		goto out;
	/*
	 * The first insert reads the user's parked count itself (its guard,
	 * sql/022): the counts are read only after it found room short (or
	 * the template changed), and then that insert goes without a guard.
	 */
	room = r->app->cfg->http.max_unfinished_executions_per_user -
	    r->app->cfg->http.max_active_executions_per_user + 1;
	if (refresh || room <= 0)
		room = 0;
	/* At the limit a replay is still answered 200 or 409. */
	if (room > 0)
		rc = RC_OK;
	else if ((rc = unfinished_full(r)) == RC_DENIED) {
		if (a.name == NULL ||
		    replay(r, name, e->tid, hash) == RC_NOTFOUND)
			too_many_unfinished(r);
		goto out;
	}
	if (rc != RC_OK) {
		http_resp_rc(r, rc, NULL);
		goto out;
	}
	/* The new row's id and time, once (a refresh keeps them). */
	if (id[0] == '\0') {
		util_uuid(id);
		created = util_now_ms();
	}
	memset(&x, 0, sizeof(x));
	x.id = id;
	x.user = r->who.sub;
	x.name = name;
	x.template_id = e->tid;
	x.version = e->version;
	x.input = canon;
	x.hash = hash;
	x.reqid = r->reqid;
	x.client = r->remote_addr;
	x.created_ms = created;
	x.admin_access = auth_has_role(&r->who, ROLE_ADMIN);
	x.notify = a.notify == NULL ? NULL : json_object_to_json_string_ext(
	    a.notify, JSON_C_TO_STRING_PLAIN);
	x.slots = r->app->cfg->http.max_active_executions_per_user;
	x.parked_room = room;
	memset(&tc, 0, sizeof(tc));
	tc.r = r;
	tc.name = name;
	tc.tid = e->tid;
	tc.hash = hash;
	/*
	 * A name taken (a replay, answered 200 or 409 even at the quota: it
	 * creates nothing) is answered by taken(); a deadlock, lock timeout
	 * or certification failure is retried (store_tx), a lost connection
	 * is not (the INSERT may have committed): the client gets 503 and
	 * retries with the same execution_name.
	 */
	rc = insert_new(r, &x, &tc);
	if (tc.answered)
		goto out;
	if (rc == RC_DENIED) {
		too_many(r);
		goto out;
	}
	if (rc == RC_INVALID) {
		/*
		 * The database refused the row for good (store.h): the only
		 * value from the client in it is the input.
		 */
		struct verr	*ve = verr_new();
		struct jpath	 p;

		jpath_init(&p, "body");
		jpath_key(&p, "input_data");
		verr_add(ve, "value_error", &p, "Value error, input_data "
		    "cannot be stored", NULL, NULL);
		http_resp_verr(r, ve);
		verr_free(ve);
		goto out;
	}
	if (rc == RC_CHANGED && !refresh) {
		/* The template changed since it was cached: check again. */
		refresh = 1;
		goto again;
	}
	if (rc == RC_CHANGED) {
		/* Changed again in between: let the client retry. */
		http_resp_rc(r, RC_AGAIN, NULL);
		goto out;
	}
	if (rc != RC_OK) {
		http_resp_rc(r, rc, NULL);
		goto out;
	}
	if (a.name != NULL)
		http_seen_add(r->who.sub, name);
	log_set_exec(id);
	http_nudge(r);
	answer_new(r, 202, summary_of(id, name, e->tid, e->version, "pending",
	    created), id);
out:
	json_object_put(empty);
	free(canon);
	free(name);
}

/*
 * GET from the replica (http_read.c): only a row found there, terminal
 * and the caller's (or an admin's), is answered from it; 1 if answered.
 * Anything else, a row not there yet included, is read from the primary.
 */
static int
exec_get_replica(struct http_req *r)
{
	struct json_object	*doc;
	struct store		*rd = http_read_store(r->app);
	struct store_exec_doc	 d;
	int			 ok;

	if (rd == r->app->st)
		return 0;
	if (store_exec_get_doc(rd, r->id, &d) != RC_OK)
		return 0;
	ok = engine_exec_ended(d.e.status) &&
	    auth_has_role(&r->who, ROLE_READ) &&
	    (strcmp(d.e.user, r->who.sub) == 0 ||
	    auth_has_role(&r->who, ROLE_ADMIN)) &&
	    exec_document(rd, &d, &doc) == RC_OK;
	store_exec_doc_free(&d);
	if (!ok)
		return 0;
	log_set_exec(r->id);
	http_resp_json(r, 200, doc);
	return 1;
}

void
http_h_exec_get(struct http_req *r)
{
	struct json_object	*doc;
	struct store_exec_doc	 d;
	int			 rc, wait = http_req_wait(r);

	if (wait == 0 && exec_get_replica(r))
		return;
	if (load_exec_view(r, &d) != RC_OK)
		return;
	log_set_exec(r->id);
	if (wait > 0 && !engine_exec_ended(d.e.status)) {
		/* The row is read again while it waits: its steps too. */
		(void)wait_terminal(r, r->id, wait, &d.e);
		rc = exec_document_of(r->app->st, &d.e, &doc);
	} else
		rc = exec_document(r->app->st, &d, &doc);
	if (rc != RC_OK)
		http_resp_rc(r, rc, "Execution not found");
	else
		http_resp_json(r, 200, doc);
	store_exec_doc_free(&d);
}

/* GET .../executions/{id}/notifications: access as for GET. */
void
http_h_exec_notifications(struct http_req *r)
{
	struct store_exec_row	e;

	if (load_exec(r, r->id, &e) != RC_OK)
		return;
	log_set_exec(r->id);
	http_webhook_list(r, e.pk);
	store_exec_row_free(&e);
}

/*
 * GET .../executions/{id}/steps/{step_id}/iterations: a map step's
 * iterations in index order, paged (the cursor is the next page's
 * first index, signed like every cursor); access as for GET.
 */
void
http_h_exec_iterations(struct http_req *r)
{
	struct json_object	*def, *dsteps, *ds, *v, *items, *it;
	struct store_exec_row	 e;
	struct store_iter_page	 res;
	char			*status = NULL, child[UTIL_UUID_LEN];
	char			 prefix[ENGINE_EXEC_NAME_MAX + 1];
	long long		 limit, after;
	size_t			 i, n = 0, k;
	int			 bad = 0, rc, step = -1, wf = 0;

	if (http_page_args(r, &limit, &after) != RC_OK)
		return;
	if (after == LLONG_MAX)
		after = 0;	/* else the first index of this page */
	status = http_query_get(r, "status", &bad);
	for (k = 0; status != NULL && k < NITEMS(iter_states); k++)
		if (strcmp(status, iter_states[k]) == 0)
			break;
	if (bad || (status != NULL && k == NITEMS(iter_states))) {
		http_resp_detail(r, 400, "Invalid query parameter");
		free(status);
		return;
	}
	if (load_exec(r, r->id, &e) != RC_OK) {
		free(status);
		return;
	}
	log_set_exec(r->id);
	def = parse_stored(e.definition);
	if (def != NULL && json_object_object_get_ex(def, "steps", &dsteps))
		n = json_object_array_length(dsteps);
	for (i = 0; i < n && step < 0; i++) {
		ds = json_object_array_get_idx(dsteps, i);
		if (json_object_object_get_ex(ds, "id", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), r->sub) == 0 &&
		    json_object_object_get_ex(ds, "type", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "map") == 0)
			step = (int)i;
	}
	/* A workflow inner step: each iteration shows its child. */
	if (step >= 0 && json_object_object_get_ex(json_object_array_get_idx(
	    dsteps, (size_t)step), "step", &v) &&
	    json_object_object_get_ex(v, "type", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), "workflow") == 0)
		wf = 1;
	json_object_put(def);
	if (step < 0) {
		http_resp_detail(r, 404, "Map step not found");
		goto out;
	}
	/* One more than limit: is there a next page? */
	if ((rc = store_exec_iter_page(r->app->st, e.pk, step, after, status,
	    limit + 1, &res)) != RC_OK) {
		http_resp_rc(r, rc, NULL);
		goto out;
	}
	items = json_object_new_array();
	for (i = 0; i < res.n && i < (size_t)limit; i++) {
		it = json_object_new_object();
		json_object_object_add(it, "index",
		    json_object_new_int64(res.v[i].idx));
		json_object_object_add(it, "status",
		    json_object_new_string(res.v[i].status));
		json_object_object_add(it, "attempts",
		    json_object_new_int64(res.v[i].attempts));
		add_time(it, "started_at", res.v[i].started_ms);
		add_time(it, "completed_at", res.v[i].completed_ms);
		json_object_object_add(it, "output",
		    parse_stored(res.v[i].output));
		json_object_object_add(it, "error",
		    parse_stored(res.v[i].error));
		/*
		 * Its newest child ("<parent>.<step>.<index>." any redrive
		 * and attempt), null before it started one.
		 */
		if (wf) {
			rc = RC_NOTFOUND;
			if (res.v[i].attempts > 0 && engine_child_name(prefix,
			    sizeof(prefix), e.id, r->sub, (int)res.v[i].idx, 0,
			    0) == RC_OK) {
				prefix[strlen(prefix) - 3] = '\0';
				rc = store_subwf_iter_child(r->app->st, e.user,
				    prefix, child);
			}
			if (rc != RC_OK && rc != RC_NOTFOUND) {
				json_object_put(it);
				json_object_put(items);
				store_iter_page_free(&res);
				http_resp_rc(r, rc, NULL);
				goto out;
			}
			json_object_object_add(it, "child_execution_id",
			    rc == RC_OK ? json_object_new_string(child) :
			    NULL);
		}
		json_object_array_add(items, it);
	}
	http_page_send(r, items, res.n, limit, res.n > (size_t)limit ?
	    res.v[limit - 1].next : 0);
	store_iter_page_free(&res);
out:
	store_exec_row_free(&e);
	free(status);
}

/* Optional {"reason": "..."} of a cancel; the answer is set on errors. */
static int
cancel_reason(struct http_req *r, const char **reason)
{
	static const char *const known[] = { "reason" };
	struct verr		*ve;
	struct json_object	*v;
	struct jpath		 p;
	int			 rc = RC_OK;

	*reason = NULL;
	if (http_req_body(r, 1) != RC_OK)
		return RC_INVALID;
	if (r->body == NULL && r->rawlen == 0)
		return RC_OK;
	ve = verr_new();
	if (http_check_object(r, ve)) {
		http_check_extra(r->body, known, NITEMS(known), ve);
		if (json_object_object_get_ex(r->body, "reason", &v)) {
			jpath_init(&p, "body");
			jpath_key(&p, "reason");
			if (!json_object_is_type(v, json_type_string))
				verr_add(ve, "string_type", &p, "Input should "
				    "be a valid string", v, NULL);
			else if (http_check_str(ve, &p, v, 0, 256) == 0)
				*reason = json_object_get_string(v);
		}
	}
	if (verr_count(ve) > 0) {
		http_resp_verr(r, ve);
		rc = RC_INVALID;
	}
	verr_free(ve);
	return rc;
}

static void
answer_summary(struct http_req *r, int status)
{
	struct store_exec_row	e;

	if (load_exec(r, r->id, &e) != RC_OK)
		return;
	http_resp_json(r, status, exec_summary(&e, 1));
	store_exec_row_free(&e);
}

/*
 * Inputs and result of a cancel, redrive, pause or resume transaction
 * (store_tx).
 */
struct change_args {
	struct http_req		*r;
	long long		 pk;
	const char		*reason;
	const char		*user;		/* redrive, resume: the owner */
	int			 slots;		/* redrive, resume: the quota */
	int			 admin;		/* redrive: admin_access */
	int			 resume;	/* pause_body: resume instead */
	uint64_t		 n;
};

static int
cancel_body(struct store *st, void *arg)
{
	struct change_args	*a = arg;
	struct json_object	*detail;
	int			 rc;

	a->n = 0;
	rc = store_exec_cancel(st, a->pk, a->r->who.sub, a->reason, &a->n);
	if (rc == RC_OK && a->n == 1) {
		detail = json_object_new_object();
		json_object_object_add(detail, "reason", a->reason == NULL ?
		    NULL : json_object_new_string(a->reason));
		rc = http_audit(a->r, "execution.cancel", "execution",
		    a->r->id, detail);
		json_object_put(detail);
	}
	return rc;
}

static int
redrive_body(struct store *st, void *arg)
{
	struct change_args	*a = arg;
	int			 rc;

	a->n = 0;
	/* Active again: the owner's quota slot (sql/011). */
	rc = store_exec_redrive(st, a->user, a->slots, a->pk, a->admin,
	    &a->n);
	if (rc == RC_OK && a->n == 1)
		rc = http_audit(a->r, "execution.retry", "execution",
		    a->r->id, NULL);
	return rc;
}

/*
 * Cancelling a parent cancels its children that have not ended, and
 * theirs (engine.md "workflow"; depth <= ENGINE_DEPTH_MAX). Each child
 * is cancelled like a client's cancel (at once when no supervisor holds
 * it); a failure is logged and leaves that child running.
 */
static void
cancel_children(struct http_req *r, const char *eid, int depth)
{
	struct store_exec_children	 c;
	char				 reason[64];
	size_t				 i;

	if (depth > ENGINE_DEPTH_MAX)
		return;
	if (store_exec_children_open(r->app->st, eid, &c) != RC_OK) {
		log_warnx("children of %s not cancelled", eid);
		return;
	}
	snprintf(reason, sizeof(reason), "parent %s cancelled", eid);
	for (i = 0; i < c.n; i++) {
		if (store_exec_cancel(r->app->st, c.v[i].pk, r->who.sub,
		    reason, NULL) != RC_OK)
			log_warnx("child %s of %s not cancelled", c.v[i].id,
			    eid);
		cancel_children(r, c.v[i].id, depth + 1);
	}
	store_exec_children_free(&c);
}

void
http_h_exec_cancel(struct http_req *r)
{
	struct change_args	 a;
	struct store_exec_row	 e;
	const char		*reason;
	char			 msg[64];
	uint64_t		 n = 0;
	int			 rc;

	if (cancel_reason(r, &reason) != RC_OK)
		return;
	if (load_exec(r, r->id, &e) != RC_OK)
		return;
	log_set_exec(r->id);
	memset(&a, 0, sizeof(a));
	a.r = r;
	a.pk = e.pk;
	a.reason = reason;
	rc = store_tx(r->app->st, 0, cancel_body, &a);
	n = a.n;
	if (rc != RC_OK)
		http_resp_rc(r, rc, "Execution not found");
	else if (n == 0) {
		store_exec_row_free(&e);
		if (load_exec(r, r->id, &e) != RC_OK)
			return;
		snprintf(msg, sizeof(msg), "Execution already %s", e.status);
		http_resp_detail(r, 409, msg);
	} else {
		cancel_children(r, e.id, 1);
		http_nudge(r);
		answer_summary(r, 202);
	}
	store_exec_row_free(&e);
}

/*
 * May the caller start work from template tid now? A redrive runs the
 * template's http and command steps again with its owner's secrets, so
 * access is what it would be for a new execute, read afresh (a share
 * revoked by a PUT in another worker must count): 404 when the template
 * was deleted, 403 when the caller is no longer its owner, shared with,
 * nor admin and it is not public. On anything but RC_OK the answer is
 * set. The supervisor checks again when it claims the execution.
 */
static int
redrive_access(struct http_req *r, const char *tid)
{
	const struct tcache_ent	*t;
	int			 rc;

	if ((rc = http_tcache_get(r, tid, 1, &t)) != RC_OK) {
		http_resp_rc(r, rc, "Template not found");
		return rc;
	}
	if (!http_tcache_may_use(t, &r->who)) {
		http_resp_detail(r, 403, "Access denied");
		return RC_DENIED;
	}
	return RC_OK;
}

void
http_h_exec_retry(struct http_req *r)
{
	struct change_args	 a;
	struct store_exec_row	 e;
	char			 msg[128];
	const char		*st;
	uint64_t		 n = 0;
	int			 rc;

	if (http_req_body(r, 1) != RC_OK)
		return;
	if (load_exec(r, r->id, &e) != RC_OK)
		return;
	log_set_exec(r->id);
	if (redrive_access(r, e.template_id) != RC_OK) {
		store_exec_row_free(&e);
		return;
	}
	st = e.status;
	if (strcmp(st, "failed") != 0 && strcmp(st, "cancelled") != 0 &&
	    strcmp(st, "timed_out") != 0) {
		snprintf(msg, sizeof(msg), "Execution is %s; only failed, "
		    "cancelled or timed_out executions can be retried", st);
		http_resp_detail(r, 409, msg);
		store_exec_row_free(&e);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.r = r;
	a.pk = e.pk;
	a.admin = auth_has_role(&r->who, ROLE_ADMIN);
	a.reason = NULL;
	/* The owner's slots: an admin may retry any run. */
	a.user = e.user;
	a.slots = r->app->cfg->http.max_active_executions_per_user;
	rc = store_tx(r->app->st, 0, redrive_body, &a);
	n = a.n;
	store_exec_row_free(&e);
	if (rc == RC_DENIED)
		too_many(r);
	else if (rc != RC_OK)
		http_resp_rc(r, rc, "Execution not found");
	else if (n == 0)
		http_resp_detail(r, 409, "Execution changed state; retry "
		    "refused");
	else {
		http_nudge(r);
		answer_summary(r, 202);
	}
}

/* Pause, or resume (a->resume) on one of the owner's quota slots. */
static int
pause_body(struct store *st, void *arg)
{
	struct change_args	*a = arg;
	int			 rc;

	a->n = 0;
	if (a->resume)
		rc = store_exec_resume(st, a->user, a->slots, a->pk, &a->n);
	else
		rc = store_exec_pause(st, a->pk, &a->n);
	if (rc == RC_OK && a->n == 1)
		rc = http_audit(a->r, a->resume ? "execution.resume" :
		    "execution.pause", "execution", a->r->id, NULL);
	return rc;
}

/*
 * Pause (resume when resume is set): owner or admin. The rules are
 * engine_exec_pause and engine_exec_resume; the UPDATE applies them
 * atomically, so a state that changed after the read is a 409 too. A
 * paused execution holds no quota slot (sql/011's trigger frees it); a
 * resume takes one of the owner's like a redrive (store_exec_resume: 429
 * at the quota, 503 after lost races) and re-checks template access as a
 * redrive does (it starts work with the owner's secrets).
 */
static void
pause_resume(struct http_req *r, int resume)
{
	struct change_args	 a;
	enum engine_exec	 from, to;
	struct store_exec_row	 e;
	const char		*st;
	char			 msg[128];
	uint64_t		 n = 0;
	int			 rc;

	if (http_req_body(r, 1) != RC_OK)
		return;
	if (load_exec(r, r->id, &e) != RC_OK)
		return;
	log_set_exec(r->id);
	st = e.status;
	if (engine_exec_parse(st, &from) != RC_OK ||
	    (resume ? engine_exec_resume(from, 0, &to) :
	    engine_exec_pause(from, &to)) != RC_OK) {
		snprintf(msg, sizeof(msg), resume ? "Execution is %s; only "
		    "paused executions can be resumed" : "Execution is %s; "
		    "only pending, running or waiting executions can be "
		    "paused", st);
		http_resp_detail(r, 409, msg);
		store_exec_row_free(&e);
		return;
	}
	if (resume && redrive_access(r, e.template_id) != RC_OK) {
		store_exec_row_free(&e);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.r = r;
	a.pk = e.pk;
	a.user = e.user;
	a.slots = r->app->cfg->http.max_active_executions_per_user;
	a.resume = resume;
	rc = store_tx(r->app->st, 0, pause_body, &a);
	n = a.n;
	store_exec_row_free(&e);
	if (rc == RC_DENIED)
		too_many(r);
	else if (rc != RC_OK)
		http_resp_rc(r, rc, "Execution not found");
	else if (n == 0)
		http_resp_detail(r, 409, resume ? "Execution changed state; "
		    "resume refused" : "Execution changed state; pause "
		    "refused");
	else {
		/* Pause: its supervisor looks now; resume: a claim now. */
		http_nudge(r);
		answer_summary(r, 202);
	}
}

void
http_h_exec_pause(struct http_req *r)
{
	pause_resume(r, 0);
}

void
http_h_exec_resume(struct http_req *r)
{
	pause_resume(r, 1);
}

static int
status_valid(const char *s)
{
	enum engine_exec	 e;

	return engine_exec_parse(s, &e) == RC_OK;
}

/*
 * A query value of a list filter checked like a body field (the 422 of
 * the second milestone's filters, loc ["query", key]): 1..max
 * characters, each accepted by ok(c, is_first), else pattern is named.
 * Returns 0 if good.
 */
static int
check_query(struct verr *ve, const char *key, const char *v, size_t max,
    const char *pattern, int (*ok)(int, int))
{
	struct json_object	*in, *ctx;
	struct jpath		 p;
	char			 msg[160];
	size_t			 i, n = strlen(v);
	int			 bad = 0;

	jpath_init(&p, "query");
	jpath_key(&p, key);
	in = json_object_new_string(v);
	if (n == 0 || n > max) {
		ctx = json_object_new_object();
		if (n == 0) {
			json_object_object_add(ctx, "min_length",
			    json_object_new_int(1));
			verr_add(ve, "string_too_short", &p, "String should "
			    "have at least 1 character", in, ctx);
		} else {
			json_object_object_add(ctx, "max_length",
			    json_object_new_int((int)max));
			snprintf(msg, sizeof(msg), "String should have at most "
			    "%zu characters", max);
			verr_add(ve, "string_too_long", &p, msg, in, ctx);
		}
		bad = 1;
	}
	for (i = 0; !bad && i < n; i++)
		if (!ok((unsigned char)v[i], i == 0)) {
			ctx = json_object_new_object();
			json_object_object_add(ctx, "pattern",
			    json_object_new_string(pattern));
			snprintf(msg, sizeof(msg), "String should match "
			    "pattern '%s'", pattern);
			verr_add(ve, "string_pattern_mismatch", &p, msg, in,
			    ctx);
			bad = 1;
		}
	json_object_put(in);
	return bad;
}

/* A schedule's name (engine.md) or id: ^[A-Za-z0-9][A-Za-z0-9.-]*$. */
static int
sched_char(int c, int first)
{
	if (isascii(c) && isalnum(c))
		return 1;
	return !first && (c == '.' || c == '-');
}

/* parent_execution_id with name_prefix or schedule: one 422. */
static void
combined_filter(struct verr *ve, const char *parent)
{
	struct json_object	*in = json_object_new_string(parent);
	struct jpath		 p;

	jpath_init(&p, "query");
	jpath_key(&p, "parent_execution_id");
	verr_add(ve, "value_error", &p, "Value error, parent_execution_id "
	    "cannot be combined with name_prefix or schedule", in, NULL);
	json_object_put(in);
}

static int
uuid_char(int c, int first)
{
	(void)first;
	return (isascii(c) && isxdigit(c)) || c == '-';
}

void
http_h_exec_list(struct http_req *r)
{
	struct json_object		*items, *it;
	struct store_exec_filter	 f;
	struct store_exec_list		 res;
	const struct store_exec_item	*v;
	struct verr			*ve = NULL;
	char				*status = NULL, *tid = NULL;
	char				*uid = NULL, *prefix = NULL;
	char				*sched = NULL, *parent = NULL;
	long long			 limit, before;
	size_t				 i;
	int				 bad = 0, rc, admin;

	if (http_page_args(r, &limit, &before) != RC_OK)
		return;
	admin = auth_has_role(&r->who, ROLE_ADMIN);
	status = http_query_get(r, "status", &bad);
	tid = http_query_get(r, "template_id", &bad);
	uid = http_query_get(r, "user_id", &bad);
	prefix = http_query_get(r, "name_prefix", &bad);
	sched = http_query_get(r, "schedule", &bad);
	parent = http_query_get(r, "parent_execution_id", &bad);
	if (bad || (status != NULL && !status_valid(status)) ||
	    (tid != NULL && (strlen(tid) == 0 || strlen(tid) > 64)) ||
	    (uid != NULL && (strlen(uid) == 0 || strlen(uid) > 255))) {
		http_resp_detail(r, 400, "Invalid query parameter");
		goto out;
	}
	/* The second milestone's filters answer 422 with their loc. */
	ve = verr_new();
	if (prefix != NULL)
		(void)check_query(ve, "name_prefix", prefix, EXEC_NAME_MAX,
		    "^[A-Za-z0-9][A-Za-z0-9._:-]*$", name_char);
	if (sched != NULL)
		(void)check_query(ve, "schedule", sched, 64,
		    "^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$", sched_char);
	if (parent != NULL &&
	    check_query(ve, "parent_execution_id", parent, UTIL_UUID_LEN - 1,
	    "^[0-9A-Fa-f-]{1,36}$", uuid_char) == 0 &&
	    (prefix != NULL || sched != NULL))
		combined_filter(ve, parent);
	if (verr_count(ve) > 0) {
		http_resp_verr(r, ve);
		goto out;
	}
	if (uid != NULL && !admin && strcmp(uid, r->who.sub) != 0) {
		http_resp_detail(r, 403, "Access denied");
		goto out;
	}
	memset(&f, 0, sizeof(f));
	f.user = uid != NULL ? uid : (admin ? NULL : r->who.sub);
	f.status = status;
	f.template_id = tid;
	f.prefix = prefix;
	f.schedule = sched;
	f.parent = parent;
	f.before = before;
	f.limit = limit + 1;	/* one more: is there a next page? */
	if ((rc = store_exec_list(http_read_store(r->app), &f, &res)) !=
	    RC_OK) {
		http_resp_rc(r, rc, NULL);
		goto out;
	}
	items = json_object_new_array();
	for (i = 0; i < res.n && i < (size_t)limit; i++) {
		v = &res.v[i];
		it = json_object_new_object();
		json_object_object_add(it, "execution_id",
		    json_object_new_string(v->id));
		json_object_object_add(it, "execution_name",
		    json_object_new_string(v->name));
		json_object_object_add(it, "template_id",
		    json_object_new_string(v->template_id));
		json_object_object_add(it, "template_name",
		    str_or_null(v->template_name));
		json_object_object_add(it, "template_version",
		    json_object_new_int64(v->template_version));
		json_object_object_add(it, "status",
		    json_object_new_string(v->status));
		add_time(it, "created_at", v->created_ms);
		add_time(it, "started_at", v->started_ms);
		add_time(it, "completed_at", v->completed_ms);
		add_duration(it, "total_duration", v->started_ms,
		    v->completed_ms);
		if (admin)
			json_object_object_add(it, "user_id",
			    json_object_new_string(v->user));
		json_object_array_add(items, it);
	}
	http_page_send(r, items, res.n, limit, res.n > (size_t)limit ?
	    res.v[limit - 1].pk : 0);
	store_exec_list_free(&res);
out:
	verr_free(ve);
	free(status);
	free(tid);
	free(uid);
	free(prefix);
	free(sched);
	free(parent);
}
