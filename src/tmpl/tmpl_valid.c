/*
 * Validation of a POST/PUT template body (engine.md "Template definition",
 * api.md "Templates"). Every error found is reported in the Pydantic v2
 * shape: fields in declaration order, then extra keys in input order, then
 * the model-level checks (dependency cycles), so that a client sees the
 * same list FastAPI would give for the equivalent models.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "expr.h"
#include "schema.h"
#include "tmpl.h"
#include "verr.h"

#define ID_PATTERN	"^[a-z][a-z0-9_]{0,62}$"
#define HANDLER_PATTERN	"^[a-z0-9][a-z0-9_-]*$"
#define SIGNAL_PATTERN	"^[A-Za-z0-9_.-]{1,64}$"
#define ROLE_PATTERN	"^[A-Za-z0-9_.:-]{1,64}$"
#define VALUE_DEPTH_MAX	64	/* nesting walked when looking for secrets */
#define MSG_MAX		8192	/* fits a cycle through 100 longest ids */

#define SECRETS_MSG	"secrets may only be used in an http step's request" \
			" or a command step's input"

struct vctx {
	struct verr		*ve;
	struct jpath		 p;
	int			 nsteps;	/* 0 unless steps is usable */
	const char		*ids[TMPL_STEPS_MAX];	/* first holder only */
	char			 dup[TMPL_STEPS_MAX];	/* id taken earlier */
	int			 in_map;	/* inside a map's step */
	int			 ndeps[TMPL_STEPS_MAX];
	int			 deps[TMPL_STEPS_MAX][TMPL_STEPS_MAX];
	int			 waits;		/* a step may wait (callback) */
	int64_t			 timeout;	/* global_config.timeout_seconds
						   as given, or the default */
};

static const char *const top_keys[] = {
	"name", "description", "input_schema", "output_schema",
	"global_config", "steps", "output", "is_public", "shared_with", NULL
};
static const char *const global_keys[] = {
	"timeout_seconds", "max_parallel", "max_concurrent_executions",
	"notify", NULL
};
static const char *const retry_keys[] = {
	"max_attempts", "initial_interval_ms", "backoff_coefficient",
	"max_interval_ms", "on", NULL
};
static const char *const request_keys[] = {
	"method", "url", "headers", "body", NULL
};
static const char *const step_keys[] = {
	"id", "type", "depends_on", "when", "retry", "timeout_seconds", NULL
};
/* Keys of each step type, indexed by enum tmpl_step_type. */
static const char *const type_keys[][6] = {
	{ "output", NULL },
	{ "request", "callback", "callback_timeout_seconds", NULL },
	{ "handler", "input", "callback", "callback_timeout_seconds", NULL },
	{ "seconds", NULL },
	{ "items", "max_concurrency", "tolerated_failures",
	  "tolerated_failure_percent", "step", NULL },
	{ "template_id", "version", "input", "wait", NULL },
	{ "signal", "approvers", NULL }
};
static const char *const type_names[] = {
	"transform", "http", "command", "delay", "map", "workflow", "wait",
	NULL
};
/*
 * The types a map's inner step may have (no nested map; wait iterations
 * are not supported: docs/decisions.md), and their enum tmpl_step_type.
 */
static const char *const inner_type_names[] = {
	"transform", "http", "command", "delay", "workflow", NULL
};
static const int inner_types[] = {
	TMPL_STEP_TRANSFORM, TMPL_STEP_HTTP, TMPL_STEP_COMMAND,
	TMPL_STEP_DELAY, TMPL_STEP_WORKFLOW
};
static const char *const approvers_keys[] = {
	"roles", "exclude_owner", NULL
};
static const char *const inner_keys[] = {
	"type", "when", "retry", "timeout_seconds", NULL
};
/* A map step's own keys: retry and timeout are its inner step's. */
static const char *const map_step_keys[] = {
	"id", "type", "depends_on", "when", NULL
};
static const char *const method_names[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", NULL
};

/* Add an error located at the current path. */
static void
v_err(struct vctx *c, const char *type, const char *msg,
    struct json_object *in, struct json_object *ctx)
{
	verr_add(c->ve, type, &c->p, msg, in, ctx);
}

/* A "value_error" with "Value error, " before the formatted sentence. */
static void __attribute__((format(printf, 3, 4)))
v_value(struct vctx *c, struct json_object *in, const char *fmt, ...)
{
	char	 buf[MSG_MAX];
	va_list	 ap;
	int	 n;

	n = snprintf(buf, sizeof(buf), "Value error, ");
	va_start(ap, fmt);
	(void)vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	v_err(c, "value_error", buf, in, NULL);
}

/* ctx object {key: n}; caller passes it on to v_err. */
static struct json_object *
ctx_int(const char *key, int64_t n)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, key, json_object_new_int64(n));
	return o;
}

static struct json_object *
ctx_str(const char *key, const char *s)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, key, json_object_new_string(s));
	return o;
}

/*
 * Look up key in obj. Returns 1 and sets *v (NULL for JSON null) when the
 * key is present, else 0.
 */
static int
get(struct json_object *obj, const char *key, struct json_object **v)
{
	*v = NULL;
	return json_object_object_get_ex(obj, key, v) ? 1 : 0;
}

/* An optional field: present and not null. */
static int
opt(struct json_object *obj, const char *key, struct json_object **v)
{
	return get(obj, key, v) && *v != NULL;
}

/* A required field: present (null included), else a "missing" error. */
static int
req(struct vctx *c, struct json_object *obj, const char *key,
    struct json_object **v)
{
	if (get(obj, key, v))
		return 1;
	jpath_key(&c->p, key);
	v_err(c, "missing", "Field required", obj, NULL);
	jpath_pop(&c->p);
	return 0;
}

/* A string of min..max characters (max 0: unbounded). 0 when valid. */
static int
v_str(struct vctx *c, struct json_object *v, size_t min, size_t max)
{
	char	 msg[128];
	size_t	 n;

	if (!json_object_is_type(v, json_type_string)) {
		v_err(c, "string_type", "Input should be a valid string", v,
		    NULL);
		return -1;
	}
	n = util_utf8_len(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v));
	if (n < min) {
		(void)snprintf(msg, sizeof(msg),
		    "String should have at least %zu character%s", min,
		    min == 1 ? "" : "s");
		v_err(c, "string_too_short", msg, v,
		    ctx_int("min_length", (int64_t)min));
		return -1;
	}
	if (max > 0 && n > max) {
		(void)snprintf(msg, sizeof(msg),
		    "String should have at most %zu character%s", max,
		    max == 1 ? "" : "s");
		v_err(c, "string_too_long", msg, v,
		    ctx_int("max_length", (int64_t)max));
		return -1;
	}
	return 0;
}

static void
v_pattern(struct vctx *c, struct json_object *v, const char *pattern)
{
	char	 msg[128];

	(void)snprintf(msg, sizeof(msg), "String should match pattern '%s'",
	    pattern);
	v_err(c, "string_pattern_mismatch", msg, v,
	    ctx_str("pattern", pattern));
}

/* Range check shared by integers and numbers. 0 when in range. */
static int
v_range(struct vctx *c, struct json_object *v, double x, int64_t lo,
    int64_t hi)
{
	char	 msg[128];

	if (x < (double)lo) {
		(void)snprintf(msg, sizeof(msg),
		    "Input should be greater than or equal to %lld",
		    (long long)lo);
		v_err(c, "greater_than_equal", msg, v, ctx_int("ge", lo));
		return -1;
	}
	if (x > (double)hi) {
		(void)snprintf(msg, sizeof(msg),
		    "Input should be less than or equal to %lld",
		    (long long)hi);
		v_err(c, "less_than_equal", msg, v, ctx_int("le", hi));
		return -1;
	}
	return 0;
}

/*
 * An integer in lo..hi. As in Pydantic's lax mode a float without a
 * fractional part is accepted. 0 and *out set when valid.
 */
static int
v_int(struct vctx *c, struct json_object *v, int64_t lo, int64_t hi,
    int64_t *out)
{
	double	 d;
	int64_t	 n;

	switch (json_object_get_type(v)) {
	case json_type_int:
		n = json_object_get_int64(v);
		break;
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d)) {
			v_err(c, "int_type", "Input should be a valid integer",
			    v, NULL);
			return -1;
		}
		if (d > 9.0e18)
			n = INT64_MAX;
		else if (d < -9.0e18)
			n = INT64_MIN;
		else {
			n = (int64_t)d;
			if ((double)n != d) {
				v_err(c, "int_from_float", "Input should be a "
				    "valid integer, got a number with a "
				    "fractional part", v, NULL);
				return -1;
			}
		}
		break;
	default:
		v_err(c, "int_type", "Input should be a valid integer", v,
		    NULL);
		return -1;
	}
	if (v_range(c, v, (double)n, lo, hi) != 0)
		return -1;
	if (n < lo || n > hi)	/* rounding at the double conversion */
		return -1;
	*out = n;
	return 0;
}

/* A finite number (integer or float) in lo..hi. 0 and *out when valid. */
static int
v_num(struct vctx *c, struct json_object *v, int64_t lo, int64_t hi,
    double *out)
{
	double	 d;

	switch (json_object_get_type(v)) {
	case json_type_int:
	case json_type_double:
		d = json_object_get_double(v);
		break;
	default:
		v_err(c, "float_type", "Input should be a valid number", v,
		    NULL);
		return -1;
	}
	if (!isfinite(d)) {
		v_err(c, "finite_number", "Input should be a finite number", v,
		    NULL);
		return -1;
	}
	if (v_range(c, v, d, lo, hi) != 0)
		return -1;
	*out = d;
	return 0;
}

static int
v_bool(struct vctx *c, struct json_object *v)
{
	if (json_object_is_type(v, json_type_boolean))
		return 0;
	v_err(c, "bool_type", "Input should be a valid boolean", v, NULL);
	return -1;
}

static int
v_obj(struct vctx *c, struct json_object *v)
{
	if (json_object_is_type(v, json_type_object))
		return 0;
	v_err(c, "dict_type", "Input should be a valid dictionary", v, NULL);
	return -1;
}

/* An array of at most max items (max 0: unbounded). 0 when valid. */
static int
v_list(struct vctx *c, struct json_object *v, size_t min, size_t max)
{
	char	 msg[160];
	size_t	 n;
	struct json_object	*ctx;

	if (!json_object_is_type(v, json_type_array)) {
		v_err(c, "list_type", "Input should be a valid list", v, NULL);
		return -1;
	}
	n = json_object_array_length(v);
	if (n < min || (max > 0 && n > max)) {
		ctx = json_object_new_object();
		json_object_object_add(ctx, "field_type",
		    json_object_new_string("List"));
		json_object_object_add(ctx, n < min ? "min_length" :
		    "max_length", json_object_new_int64(
		    (int64_t)(n < min ? min : max)));
		json_object_object_add(ctx, "actual_length",
		    json_object_new_int64((int64_t)n));
		(void)snprintf(msg, sizeof(msg), "List should have at %s %zu "
		    "item%s after validation, not %zu",
		    n < min ? "least" : "most", n < min ? min : max,
		    (n < min ? min : max) == 1 ? "" : "s", n);
		v_err(c, n < min ? "too_short" : "too_long", msg, v, ctx);
		return -1;
	}
	return 0;
}

/* Index of s in the NULL-terminated list, or -1. */
static int
lookup(const char *const *list, const char *s)
{
	int	 i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

/*
 * A Literal of the NULL-terminated choices. Returns the index of the
 * choice, or -1 after adding a "literal_error".
 */
static int
v_literal(struct vctx *c, struct json_object *v, const char *const *choices)
{
	char	 exp[256], msg[300];
	size_t	 n;
	int	 i, k;

	if (json_object_is_type(v, json_type_string) &&
	    (k = lookup(choices, json_object_get_string(v))) >= 0 &&
	    strlen(choices[k]) == (size_t)json_object_get_string_len(v))
		return k;
	exp[0] = '\0';
	for (i = 0; choices[i] != NULL; i++) {
		n = strlen(exp);
		(void)snprintf(exp + n, sizeof(exp) - n, "%s'%s'",
		    i == 0 ? "" : choices[i + 1] == NULL ? " or " : ", ",
		    choices[i]);
	}
	(void)snprintf(msg, sizeof(msg), "Input should be %s", exp);
	v_err(c, "literal_error", msg, v, ctx_str("expected", exp));
	return -1;
}

/* Every key of obj not in allowed (and not in allowed2) is extra. */
static void
v_extra(struct vctx *c, struct json_object *obj, const char *const *allowed,
    const char *const *allowed2)
{
	json_object_object_foreach(obj, key, val) {
		if (lookup(allowed, key) >= 0)
			continue;
		if (allowed2 != NULL && lookup(allowed2, key) >= 0)
			continue;
		jpath_key(&c->p, key);
		v_err(c, "extra_forbidden", "Extra inputs are not permitted",
		    val, NULL);
		jpath_pop(&c->p);
	}
}

/* ^[a-z][a-z0-9_]{0,62}$ */
static int
id_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len < 1 || len > TMPL_ID_LEN_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* ^[a-z0-9][a-z0-9_-]*$ */
static int
handler_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len < 1 || s[0] == '_' || s[0] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '-'))
			return 0;
	return 1;
}

/* An RFC 9110 token (header field name). */
static int
token_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') ||
		    strchr("!#$%&'*+-.^_`|~", *s) != NULL))
			return 0;
	return 1;
}

/*
 * The string is exactly one "{{ ... }}" expression: the first "}}" that is
 * not inside a quoted literal ends the string (as the expression scanner
 * of expr.h reads it).
 */
static int
whole_expr(const char *s, size_t len)
{
	size_t	 i;

	if (len < 4 || s[0] != '{' || s[1] != '{')
		return 0;
	for (i = 2; i + 1 < len; i++) {
		if (s[i] == '}' && s[i + 1] == '}')
			return i + 2 == len;
		if (s[i] != '\'')
			continue;
		for (i++; i < len && s[i] != '\''; i++)
			if (s[i] == '\\')
				i++;
	}
	return 0;
}

/* Index of a step with this id (the first holder), or -1. */
static int
step_find(const struct vctx *c, const char *s)
{
	int	 i;

	for (i = 0; i < c->nsteps; i++)
		if (c->ids[i] != NULL && strcmp(c->ids[i], s) == 0)
			return i;
	return -1;
}

/* Report every string inside v that refers to secrets. */
static void
v_nosecrets(struct vctx *c, struct json_object *v, int depth)
{
	size_t	 i, n;

	if (depth > VALUE_DEPTH_MAX)
		return;
	switch (json_object_get_type(v)) {
	case json_type_string:
		if (expr_value_refs(v, "secrets"))
			v_value(c, v, "%s", SECRETS_MSG);
		break;
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			jpath_key(&c->p, key);
			v_nosecrets(c, val, depth + 1);
			jpath_pop(&c->p);
		}
		break;
	}
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			jpath_idx(&c->p, (int)i);
			v_nosecrets(c, json_object_array_get_idx(v, i),
			    depth + 1);
			jpath_pop(&c->p);
		}
		break;
	default:
		break;
	}
}

/*
 * Check the expressions of v (any JSON, NULL for null) at the current
 * path. Returns the number of errors added.
 */
static size_t
v_exprs(struct vctx *c, struct json_object *v, int secrets_ok)
{
	size_t	 before = verr_count(c->ve);

	if (v == NULL)
		return 0;
	(void)expr_check_value(v, &c->p, c->ve);
	if (!secrets_ok)
		v_nosecrets(c, v, 0);
	if (!c->in_map && (expr_value_refs(v, "item") ||
	    expr_value_refs(v, "index")))
		v_value(c, v, "item and index are only bound inside the step "
		    "of a map step");
	return verr_count(c->ve) - before;
}

/* Validate field "key" of obj as an optional integer in lo..hi. */
static void
v_opt_int(struct vctx *c, struct json_object *obj, const char *key,
    int64_t lo, int64_t hi, int64_t *out)
{
	struct json_object	*v;

	if (!opt(obj, key, &v))
		return;
	jpath_key(&c->p, key);
	(void)v_int(c, v, lo, hi, out);
	jpath_pop(&c->p);
}

static void
v_global(struct vctx *c, struct json_object *g)
{
	struct json_object	*v;
	int64_t			 n;

	if (v_obj(c, g) != 0)
		return;
	/* Up to a year when a step may wait (engine.md "wait"). */
	v_opt_int(c, g, "timeout_seconds", 1, c->waits ? TMPL_CB_TIMEOUT_MAX :
	    TMPL_TIMEOUT_MAX, &c->timeout);
	v_opt_int(c, g, "max_parallel", 1, 64, &n);
	v_opt_int(c, g, "max_concurrent_executions", 1, 100000, &n);
	if (opt(g, "notify", &v)) {
		jpath_key(&c->p, "notify");
		(void)tmpl_notify_check(v, &c->p, c->ve);
		jpath_pop(&c->p);
	}
	v_extra(c, g, global_keys, NULL);
}

int
tmpl_error_type_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > TMPL_ERR_TYPE_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* retry.on: up to TMPL_RETRY_ON_MAX error types. */
static void
v_retry_on(struct vctx *c, struct json_object *a)
{
	struct json_object	*v;
	int			 i, n;

	if (v_list(c, a, 0, TMPL_RETRY_ON_MAX) != 0)
		return;
	n = (int)json_object_array_length(a);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, (size_t)i);
		jpath_idx(&c->p, i);
		if (v_str(c, v, 1, TMPL_ERR_TYPE_MAX) == 0 &&
		    !tmpl_error_type_ok(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v)))
			v_pattern(c, v, "^[a-z][a-z0-9_]*$");
		jpath_pop(&c->p);
	}
}

static void
v_retry(struct vctx *c, struct json_object *r)
{
	struct json_object	*v;
	int64_t			 n, initial = -1, max = -1;
	double			 d;

	if (v_obj(c, r) != 0)
		return;
	v_opt_int(c, r, "max_attempts", 1, 20, &n);
	v_opt_int(c, r, "initial_interval_ms", 1, 3600000, &initial);
	if (opt(r, "backoff_coefficient", &v)) {
		jpath_key(&c->p, "backoff_coefficient");
		(void)v_num(c, v, 1, 100, &d);
		jpath_pop(&c->p);
	}
	v_opt_int(c, r, "max_interval_ms", 1, 86400000, &max);
	if (opt(r, "on", &v)) {
		jpath_key(&c->p, "on");
		v_retry_on(c, v);
		jpath_pop(&c->p);
	}
	if (initial > 0 && max > 0 && max < initial) {
		jpath_key(&c->p, "max_interval_ms");
		(void)opt(r, "max_interval_ms", &v);
		v_value(c, v, "max_interval_ms must be greater than or equal "
		    "to initial_interval_ms");
		jpath_pop(&c->p);
	}
	v_extra(c, r, retry_keys, NULL);
}

static void
v_headers(struct vctx *c, struct json_object *h)
{
	const char	*s;

	if (v_obj(c, h) != 0)
		return;
	json_object_object_foreach(h, key, val) {
		jpath_key(&c->p, key);
		if (!token_ok(key))
			v_value(c, val, "invalid header name");
		else if (v_str(c, val, 0, 0) == 0) {
			s = json_object_get_string(val);
			if (memchr(s, '\r', (size_t)json_object_get_string_len(
			    val)) != NULL || memchr(s, '\n', (size_t)
			    json_object_get_string_len(val)) != NULL ||
			    strlen(s) != (size_t)json_object_get_string_len(
			    val))
				v_value(c, val, "header value must not contain"
				    " CR, LF or NUL");
		}
		jpath_pop(&c->p);
	}
	(void)v_exprs(c, h, 1);
}

static void
v_request(struct vctx *c, struct json_object *r)
{
	struct json_object	*v;
	const char		*s;
	size_t			 len;

	if (v_obj(c, r) != 0)
		return;
	if (req(c, r, "method", &v)) {
		jpath_key(&c->p, "method");
		(void)v_literal(c, v, method_names);
		jpath_pop(&c->p);
	}
	if (req(c, r, "url", &v)) {
		jpath_key(&c->p, "url");
		if (v_str(c, v, 0, 0) == 0 && v_exprs(c, v, 1) == 0) {
			s = json_object_get_string(v);
			len = (size_t)json_object_get_string_len(v);
			if (strncasecmp(s, "http://", 7) != 0 &&
			    strncasecmp(s, "https://", 8) != 0 &&
			    !whole_expr(s, len))
				v_value(c, v, "url must start with http:// or "
				    "https://");
		}
		jpath_pop(&c->p);
	}
	if (opt(r, "headers", &v)) {
		jpath_key(&c->p, "headers");
		v_headers(c, v);
		jpath_pop(&c->p);
	}
	if (opt(r, "body", &v)) {
		jpath_key(&c->p, "body");
		(void)v_exprs(c, v, 1);
		jpath_pop(&c->p);
	}
	v_extra(c, r, request_keys, NULL);
}

static void
v_depends(struct vctx *c, int i, struct json_object *deps)
{
	struct json_object	*v;
	const char		*s;
	size_t			 k, n, len;
	int			 j, m;

	if (v_list(c, deps, 0, TMPL_STEPS_MAX) != 0)
		return;
	n = json_object_array_length(deps);
	for (k = 0; k < n; k++) {
		v = json_object_array_get_idx(deps, k);
		jpath_idx(&c->p, (int)k);
		if (v_str(c, v, 0, 0) != 0)
			goto next;
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		if (!id_ok(s, len)) {
			v_value(c, v, "depends_on must name a step of this "
			    "template");
			goto next;
		}
		if ((j = step_find(c, s)) < 0) {
			v_value(c, v, "unknown step '%s' in depends_on", s);
			goto next;
		}
		if (j == i) {
			v_value(c, v, "step '%s' cannot depend on itself", s);
			goto next;
		}
		for (m = 0; m < c->ndeps[i]; m++)
			if (c->deps[i][m] == j)
				break;
		if (m < c->ndeps[i]) {
			v_value(c, v, "duplicate dependency '%s'", s);
			goto next;
		}
		c->deps[i][c->ndeps[i]++] = j;
next:
		jpath_pop(&c->p);
	}
}

static void
v_when(struct vctx *c, struct json_object *w)
{
	if (v_str(c, w, 0, 0) != 0)
		return;
	if (v_exprs(c, w, 0) == 0 &&
	    strstr(json_object_get_string(w), "{{") == NULL)
		v_value(c, w, "when must contain an expression {{ ... }}");
}

/*
 * "callback" (bool) and "callback_timeout_seconds" of an http or command
 * step: at most a year, and not above the execution's own timeout (the
 * execution would time out first), with the loc of the step's key.
 */
static void
v_callback(struct vctx *c, struct json_object *s)
{
	struct json_object	*v;
	int64_t			 n = -1;

	if (opt(s, "callback", &v)) {
		jpath_key(&c->p, "callback");
		/* An iteration has no step row to wait on (sql/016). */
		if (v_bool(c, v) == 0 && c->in_map &&
		    json_object_get_boolean(v))
			v_value(c, v, "callback is not supported on the step "
			    "of a map step");
		jpath_pop(&c->p);
	}
	if (!opt(s, "callback_timeout_seconds", &v))
		return;
	jpath_key(&c->p, "callback_timeout_seconds");
	if (v_int(c, v, 1, TMPL_CB_TIMEOUT_MAX, &n) == 0 && n > c->timeout)
		v_value(c, v, "callback_timeout_seconds must not exceed "
		    "global_config.timeout_seconds (%lld)",
		    (long long)c->timeout);
	jpath_pop(&c->p);
}

static void	v_map(struct vctx *, struct json_object *);
static void	v_common(struct vctx *, struct json_object *);

/* approvers of a wait step: {"roles": [role names], "exclude_owner"}. */
static void
v_approvers(struct vctx *c, struct json_object *a)
{
	struct json_object	*v, *e;
	size_t			 i, n;

	if (v_obj(c, a) != 0)
		return;
	if (opt(a, "roles", &v)) {
		jpath_key(&c->p, "roles");
		if (v_list(c, v, 1, TMPL_ROLES_MAX) == 0) {
			n = json_object_array_length(v);
			for (i = 0; i < n; i++) {
				e = json_object_array_get_idx(v, i);
				jpath_idx(&c->p, (int)i);
				if (v_str(c, e, 1, TMPL_ROLE_LEN_MAX) == 0 &&
				    !tmpl_role_name_ok(
				    json_object_get_string(e),
				    (size_t)json_object_get_string_len(e)))
					v_pattern(c, e, ROLE_PATTERN);
				jpath_pop(&c->p);
			}
		}
		jpath_pop(&c->p);
	}
	if (opt(a, "exclude_owner", &v)) {
		jpath_key(&c->p, "exclude_owner");
		(void)v_bool(c, v);
		jpath_pop(&c->p);
	}
	v_extra(c, a, approvers_keys, NULL);
}

static void
v_step_type(struct vctx *c, struct json_object *s, int type)
{
	struct json_object	*v;
	double			 d;
	int64_t			 n;

	switch (type) {
	case TMPL_STEP_TRANSFORM:
		if (req(c, s, "output", &v)) {
			jpath_key(&c->p, "output");
			(void)v_exprs(c, v, 0);
			jpath_pop(&c->p);
		}
		break;
	case TMPL_STEP_HTTP:
		if (req(c, s, "request", &v)) {
			jpath_key(&c->p, "request");
			v_request(c, v);
			jpath_pop(&c->p);
		}
		v_callback(c, s);
		break;
	case TMPL_STEP_COMMAND:
		v_callback(c, s);
		if (req(c, s, "handler", &v)) {
			jpath_key(&c->p, "handler");
			if (v_str(c, v, 0, TMPL_HANDLER_LEN_MAX) == 0 &&
			    !handler_ok(json_object_get_string(v),
			    (size_t)json_object_get_string_len(v)))
				v_pattern(c, v, HANDLER_PATTERN);
			jpath_pop(&c->p);
		}
		if (opt(s, "input", &v)) {
			jpath_key(&c->p, "input");
			(void)v_exprs(c, v, 1);
			jpath_pop(&c->p);
		}
		break;
	case TMPL_STEP_DELAY:
		if (req(c, s, "seconds", &v)) {
			jpath_key(&c->p, "seconds");
			(void)v_num(c, v, 0, 86400, &d);
			jpath_pop(&c->p);
		}
		break;
	case TMPL_STEP_MAP:
		v_map(c, s);
		break;
	case TMPL_STEP_WORKFLOW:
		/* Whether it may be used: workflow_refs (http_tmpl.c), wfmctl. */
		if (req(c, s, "template_id", &v)) {
			jpath_key(&c->p, "template_id");
			(void)v_str(c, v, 1, TMPL_WF_ID_LEN_MAX);
			jpath_pop(&c->p);
		}
		v_opt_int(c, s, "version", 1, INT32_MAX, &n);
		if (opt(s, "input", &v)) {
			jpath_key(&c->p, "input");
			if (v_obj(c, v) == 0)
				(void)v_exprs(c, v, 0);
			jpath_pop(&c->p);
		}
		if (opt(s, "wait", &v)) {
			jpath_key(&c->p, "wait");
			(void)v_bool(c, v);
			jpath_pop(&c->p);
		}
		break;
	case TMPL_STEP_WAIT:
		if (req(c, s, "signal", &v)) {
			jpath_key(&c->p, "signal");
			if (v_str(c, v, 1, TMPL_SIGNAL_LEN_MAX) == 0 &&
			    !tmpl_signal_name_ok(json_object_get_string(v),
			    (size_t)json_object_get_string_len(v)))
				v_pattern(c, v, SIGNAL_PATTERN);
			jpath_pop(&c->p);
		}
		if (opt(s, "approvers", &v)) {
			jpath_key(&c->p, "approvers");
			v_approvers(c, v);
			jpath_pop(&c->p);
		}
		break;
	default:
		break;
	}
}

static void
v_step(struct vctx *c, int i, struct json_object *s)
{
	struct json_object	*v;
	int			 type = -1, k;

	if (v_obj(c, s) != 0)
		return;
	if (req(c, s, "id", &v)) {
		jpath_key(&c->p, "id");
		if (v_str(c, v, 0, 0) == 0) {
			if (!id_ok(json_object_get_string(v),
			    (size_t)json_object_get_string_len(v)))
				v_pattern(c, v, ID_PATTERN);
			else if (c->dup[i])
				v_value(c, v, "duplicate step id '%s'",
				    json_object_get_string(v));
		}
		jpath_pop(&c->p);
	}
	if (req(c, s, "type", &v)) {
		jpath_key(&c->p, "type");
		type = v_literal(c, v, type_names);
		jpath_pop(&c->p);
	}
	if (opt(s, "depends_on", &v)) {
		jpath_key(&c->p, "depends_on");
		v_depends(c, i, v);
		jpath_pop(&c->p);
	}
	if (type == TMPL_STEP_MAP) {
		/* retry and timeout_seconds: extra here, the inner step's. */
		if (opt(s, "when", &v)) {
			jpath_key(&c->p, "when");
			v_when(c, v);
			jpath_pop(&c->p);
		}
		v_step_type(c, s, type);
		v_extra(c, s, map_step_keys, type_keys[type]);
		return;
	}
	v_common(c, s);
	v_step_type(c, s, type);
	if (type >= 0)
		v_extra(c, s, step_keys, type_keys[type]);
	else {
		/* Unknown type: only keys that no type knows are extra. */
		json_object_object_foreach(s, key, val) {
			if (lookup(step_keys, key) >= 0)
				continue;
			for (k = 0; k < (int)NITEMS(type_keys); k++)
				if (lookup(type_keys[k], key) >= 0)
					break;
			if (k < (int)NITEMS(type_keys))
				continue;
			jpath_key(&c->p, key);
			v_err(c, "extra_forbidden",
			    "Extra inputs are not permitted", val, NULL);
			jpath_pop(&c->p);
		}
	}
}

/*
 * The common fields of a step (when, retry, timeout_seconds), then those
 * of its type.
 */
static void
v_common(struct vctx *c, struct json_object *s)
{
	struct json_object	*v;
	int64_t			 n;
	int			 wait;

	if (opt(s, "when", &v)) {
		jpath_key(&c->p, "when");
		v_when(c, v);
		jpath_pop(&c->p);
	}
	if (opt(s, "retry", &v)) {
		jpath_key(&c->p, "retry");
		v_retry(c, v);
		jpath_pop(&c->p);
	}
	wait = opt(s, "type", &v) && json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), "wait") == 0;
	n = 0;
	v_opt_int(c, s, "timeout_seconds", 1, wait ? TMPL_CB_TIMEOUT_MAX :
	    86400, &n);
	/* A wait must be able to end before the execution's timeout. */
	if (wait && n > c->timeout && get(s, "timeout_seconds", &v)) {
		jpath_key(&c->p, "timeout_seconds");
		v_value(c, v, "timeout_seconds of a wait step (%lld) is above "
		    "global_config.timeout_seconds (%lld)", (long long)n,
		    (long long)c->timeout);
		jpath_pop(&c->p);
	}
}

/* A map's inner step: no id, no depends_on, no nested map. */
static void
v_inner(struct vctx *c, struct json_object *s)
{
	struct json_object	*v;
	int			 type = -1;

	if (v_obj(c, s) != 0)
		return;
	c->in_map = 1;
	if (req(c, s, "type", &v)) {
		jpath_key(&c->p, "type");
		type = v_literal(c, v, inner_type_names);
		if (type >= 0)
			type = inner_types[type];
		jpath_pop(&c->p);
	}
	v_common(c, s);
	if (type >= 0) {
		v_step_type(c, s, type);
		v_extra(c, s, inner_keys, type_keys[type]);
	}
	c->in_map = 0;
}

static void
v_map(struct vctx *c, struct json_object *s)
{
	struct json_object	*v;
	int64_t			 n;
	double			 d;

	if (req(c, s, "items", &v)) {
		jpath_key(&c->p, "items");
		if (v_str(c, v, 0, 0) == 0 && v_exprs(c, v, 0) == 0 &&
		    !whole_expr(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v)))
			v_value(c, v, "items must be one expression "
			    "{{ ... }} giving an array");
		jpath_pop(&c->p);
	}
	v_opt_int(c, s, "max_concurrency", 1, TMPL_MAP_CONC_MAX, &n);
	v_opt_int(c, s, "tolerated_failures", 0, TMPL_MAP_ITEMS_MAX, &n);
	if (opt(s, "tolerated_failure_percent", &v)) {
		jpath_key(&c->p, "tolerated_failure_percent");
		(void)v_num(c, v, 0, 100, &d);
		jpath_pop(&c->p);
	}
	if (req(c, s, "step", &v)) {
		jpath_key(&c->p, "step");
		v_inner(c, v);
		jpath_pop(&c->p);
	}
}

static void
v_steps(struct vctx *c, struct json_object *steps)
{
	struct json_object	*s, *id;
	const char		*str;
	int			 i, n;

	if (v_list(c, steps, 1, TMPL_STEPS_MAX) != 0)
		return;
	n = (int)json_object_array_length(steps);
	c->nsteps = n;
	/* First pass: the ids that depends_on may name. */
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(steps, (size_t)i);
		if (!json_object_is_type(s, json_type_object) ||
		    !get(s, "id", &id) ||
		    !json_object_is_type(id, json_type_string))
			continue;
		str = json_object_get_string(id);
		if (!id_ok(str, (size_t)json_object_get_string_len(id)))
			continue;
		if (step_find(c, str) >= 0)
			c->dup[i] = 1;
		else
			c->ids[i] = str;
	}
	for (i = 0; i < n; i++) {
		jpath_idx(&c->p, i);
		v_step(c, i, json_object_array_get_idx(steps, (size_t)i));
		jpath_pop(&c->p);
	}
}

/* Append "s" to the message under construction in buf. */
static void
msg_cat(char *buf, size_t size, const char *s)
{
	size_t	 n = strlen(buf);

	(void)snprintf(buf + n, size - n, "%s", s);
}

/*
 * Depth-first search along depends_on in template order; the first cycle
 * met is reported once, starting at its earliest step.
 */
static void
v_cycles(struct vctx *c, struct json_object *steps)
{
	char	 color[TMPL_STEPS_MAX], buf[MSG_MAX];
	int	 stack[TMPL_STEPS_MAX], edge[TMPL_STEPS_MAX];
	int	 sp, start, u, w, k, from, low, len;

	memset(color, 0, sizeof(color));
	for (start = 0; start < c->nsteps; start++) {
		if (color[start] != 0)
			continue;
		sp = 0;
		stack[sp] = start;
		edge[sp] = 0;
		color[start] = 1;
		while (sp >= 0) {
			u = stack[sp];
			if (edge[sp] >= c->ndeps[u]) {
				color[u] = 2;
				sp--;
				continue;
			}
			w = c->deps[u][edge[sp]++];
			if (color[w] == 0) {
				color[w] = 1;
				sp++;
				stack[sp] = w;
				edge[sp] = 0;
				continue;
			}
			if (color[w] == 2)
				continue;
			/*
			 * Gray: stack[from..sp] is a cycle back to w. Gray
			 * steps are exactly those on the stack, so w is found;
			 * the bound only keeps an analyser (and a future bug)
			 * from reading below the stack.
			 */
			for (from = sp; from > 0 && stack[from] != w; from--)
				;
			len = sp - from + 1;
			low = 0;
			for (k = 1; k < len; k++)
				if (stack[from + k] < stack[from + low])
					low = k;
			buf[0] = '\0';
			msg_cat(buf, sizeof(buf), "dependency cycle: ");
			for (k = 0; k <= len; k++) {
				u = stack[from + (low + k) % len];
				if (k > 0)
					msg_cat(buf, sizeof(buf), " -> ");
				msg_cat(buf, sizeof(buf),
				    c->ids[u] != NULL ? c->ids[u] : "?");
			}
			v_value(c, steps, "%s", buf);
			return;
		}
	}
}

static void
v_shared(struct vctx *c, struct json_object *sw)
{
	size_t	 i, n;

	if (v_list(c, sw, 0, TMPL_SHARED_MAX) != 0)
		return;
	n = json_object_array_length(sw);
	for (i = 0; i < n; i++) {
		jpath_idx(&c->p, (int)i);
		(void)v_str(c, json_object_array_get_idx(sw, i), 1,
		    TMPL_USER_LEN_MAX);
		jpath_pop(&c->p);
	}
}

/*
 * 1 when a step of body may wait: "callback": true, a wait step, or a
 * workflow step (its child may itself wait).
 */
static int
may_wait(struct json_object *body)
{
	struct json_object	*steps, *s, *v;
	size_t			 i, n;

	if (!opt(body, "steps", &steps) ||
	    !json_object_is_type(steps, json_type_array))
		return 0;
	n = json_object_array_length(steps);
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(steps, i);
		if (!json_object_is_type(s, json_type_object))
			continue;
		if (opt(s, "callback", &v) &&
		    json_object_is_type(v, json_type_boolean) &&
		    json_object_get_boolean(v))
			return 1;
		if (opt(s, "type", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    (strcmp(json_object_get_string(v), "wait") == 0 ||
		    strcmp(json_object_get_string(v), "workflow") == 0))
			return 1;
	}
	return 0;
}

static void
v_top(struct vctx *c, struct json_object *body)
{
	struct json_object	*v, *steps = NULL;

	if (req(c, body, "name", &v)) {
		jpath_key(&c->p, "name");
		(void)v_str(c, v, 1, TMPL_NAME_LEN_MAX);
		jpath_pop(&c->p);
	}
	if (opt(body, "description", &v)) {
		jpath_key(&c->p, "description");
		(void)v_str(c, v, 0, TMPL_DESC_LEN_MAX);
		jpath_pop(&c->p);
	}
	if (opt(body, "input_schema", &v)) {
		jpath_key(&c->p, "input_schema");
		if (v_obj(c, v) == 0)
			(void)schema_check(v, &c->p, c->ve);
		jpath_pop(&c->p);
	}
	if (opt(body, "output_schema", &v)) {
		jpath_key(&c->p, "output_schema");
		if (v_obj(c, v) == 0)
			(void)schema_check(v, &c->p, c->ve);
		jpath_pop(&c->p);
	}
	c->waits = may_wait(body);
	if (opt(body, "global_config", &v)) {
		jpath_key(&c->p, "global_config");
		v_global(c, v);
		jpath_pop(&c->p);
	}
	if (req(c, body, "steps", &steps)) {
		jpath_key(&c->p, "steps");
		v_steps(c, steps);
		jpath_pop(&c->p);
	}
	if (opt(body, "output", &v)) {
		jpath_key(&c->p, "output");
		(void)v_exprs(c, v, 0);
		jpath_pop(&c->p);
	}
	if (opt(body, "is_public", &v)) {
		jpath_key(&c->p, "is_public");
		(void)v_bool(c, v);
		jpath_pop(&c->p);
	}
	if (opt(body, "shared_with", &v)) {
		jpath_key(&c->p, "shared_with");
		v_shared(c, v);
		jpath_pop(&c->p);
	}
	v_extra(c, body, top_keys, NULL);
	if (c->nsteps > 0) {
		jpath_key(&c->p, "steps");
		v_cycles(c, steps);
		jpath_pop(&c->p);
	}
}

int
tmpl_validate(struct json_object *body, struct verr *ve)
{
	struct vctx	*c;
	size_t		 before = verr_count(ve);

	c = xcalloc(1, sizeof(*c));
	c->ve = ve;
	c->timeout = TMPL_DEF_TIMEOUT;
	jpath_init(&c->p, "body");
	if (!json_object_is_type(body, json_type_object))
		v_err(c, "model_type", "Input should be a valid dictionary or "
		    "instance of Template", body,
		    ctx_str("class_name", "Template"));
	else
		v_top(c, body);
	free(c);
	return verr_count(ve) > before ? RC_INVALID : RC_OK;
}
