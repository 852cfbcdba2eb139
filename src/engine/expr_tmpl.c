/*
 * "{{ ... }}" inside JSON strings: finding expressions, checking them when
 * a template is stored, and rendering a value against a context.
 *
 * An expression starts at "{{" and ends at the next "}}" that is not
 * inside a quoted string literal. A string that is exactly one expression
 * takes the value and JSON type of its result; any other string has each
 * expression's result interpolated as text. Object keys are never
 * evaluated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "expr_int.h"

#define SHOW_MAX	48	/* bytes of an expression quoted in errors */
#define SIZE_DEPTH_MAX	256	/* nesting json_size walks */

/* The running byte budget of one render (expr_render_max). */
struct budget {
	size_t	 left;		/* bytes of JSON text still allowed */
	size_t	 max;
	int	 over;		/* ran out */
};

enum scan {
	SCAN_NONE,		/* no "{{" after off */
	SCAN_FOUND,		/* s[open..close) is "{{ ... }}" */
	SCAN_OPEN,		/* "{{" at open without "}}" */
	SCAN_QUOTE		/* "{{" at open, string at quote never closed */
};

/*
 * Find the next expression in s[off..len). On SCAN_FOUND the text between
 * the braces is s[*open + 2 .. *close - 2).
 */
static enum scan
scan_next(const char *s, size_t len, size_t off, size_t *open, size_t *close,
    size_t *quote)
{
	size_t	 i;

	for (i = off; i + 1 < len; i++)
		if (s[i] == '{' && s[i + 1] == '{')
			break;
	if (i + 1 >= len)
		return SCAN_NONE;
	*open = i;
	for (i += 2; i < len; i++) {
		if (s[i] == '}' && i + 1 < len && s[i + 1] == '}') {
			*close = i + 2;
			return SCAN_FOUND;
		}
		if (s[i] != '\'')
			continue;
		*quote = i;
		for (i++; i < len && s[i] != '\''; i++)
			if (s[i] == '\\')
				i++;
		if (i >= len)
			return SCAN_QUOTE;
	}
	return SCAN_OPEN;
}

/* The message for an unterminated expression. */
static void
scan_err(enum scan sc, size_t open, size_t quote, struct errmsg *err)
{
	if (sc == SCAN_QUOTE)
		errmsg_set(err, "unterminated string at column %zu",
		    quote);
	else
		errmsg_set(err, "unterminated '{{' at column %zu", open);
}

/*
 * Parse the expression s[open..close) (braces included); columns in err
 * count from the start of s.
 */
static int
parse_one(const char *s, size_t open, size_t close, struct expr **e,
    struct errmsg *err)
{
	return expr_parse_at(s + open + 2, close - open - 4, open + 2, e,
	    err);
}

/*
 * Prefix msg with the (trimmed, shortened) expression it is about, so
 * that a failing step says which expression failed.
 */
static void
render_err(const char *s, size_t open, size_t close, const char *msg,
    struct errmsg *err)
{
	const char	*p = s + open + 2;
	size_t		 n = close - open - 4;

	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	errmsg_set(err, "{{ %.*s%s }}: %s", (int)MIN(n, SHOW_MAX), p,
	    n > SHOW_MAX ? "..." : "", msg);
}

/* Bytes of s[0..n) as a JSON string, quotes included. */
static size_t
string_size(const char *s, size_t n)
{
	size_t		 i, sz = n + 2;
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\' || c == '/')
			sz += 1;
		else if (c < 0x20)
			sz += 5;	/* at most \u00XX */
	}
	return sz;
}

/*
 * Bytes of v as compact JSON text, counted only until they pass limit:
 * any result over limit means "too large" (so is anything nested deeper
 * than SIZE_DEPTH_MAX), and the walk stops there.
 */
static size_t
json_size(struct json_object *v, size_t limit, int depth)
{
	struct json_object_iterator	 it, end;
	const char			*name;
	char				 num[32];
	size_t				 i, n, sz = 0;
	int				 k;

	if (depth > SIZE_DEPTH_MAX)
		return limit + 1;
	switch (json_object_get_type(v)) {
	case json_type_null:
		return 4;
	case json_type_boolean:
		return json_object_get_boolean(v) ? 4 : 5;
	case json_type_int:
		k = snprintf(num, sizeof(num), "%lld",
		    (long long)json_object_get_int64(v));
		return k > 0 ? (size_t)k : 1;
	case json_type_double:
		if (json_object_to_json_string_length(v,
		    JSON_C_TO_STRING_PLAIN, &n) == NULL)
			fatalx("json-c: out of memory");
		return n;
	case json_type_string:
		return string_size(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
	case json_type_array:
		sz = 2;
		n = json_object_array_length(v);
		for (i = 0; i < n && sz <= limit; i++)
			sz += 1 + json_size(json_object_array_get_idx(v, i),
			    limit - MIN(sz, limit), depth + 1);
		return sz;
	case json_type_object:
		sz = 2;
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (; !json_object_iter_equal(&it, &end) && sz <= limit;
		    json_object_iter_next(&it)) {
			name = json_object_iter_peek_name(&it);
			sz += 2 + string_size(name, strlen(name));
			if (sz > limit)
				break;
			sz += json_size(json_object_iter_peek_value(&it),
			    limit - sz, depth + 1);
		}
		return sz;
	}
	return 0;
}

/* Take n bytes from the budget; RC_INVALID (over set) if it has not them. */
static int
charge(struct budget *bud, size_t n, struct errmsg *err)
{
	if (n > bud->left) {
		bud->over = 1;
		bud->left = 0;
		errmsg_set(err, "rendered value over %zu bytes",
		    bud->max);
		return RC_INVALID;
	}
	bud->left -= n;
	return RC_OK;
}

/* RC_INVALID (over set) when a string of n bytes would not fit. */
static int
fits(struct budget *bud, size_t n, struct errmsg *err)
{
	if (n + 2 > bud->left) {
		bud->over = 1;
		errmsg_set(err, "rendered value over %zu bytes",
		    bud->max);
		return RC_INVALID;
	}
	return RC_OK;
}

/*
 * Render one string. RC_OK: *out is a new reference (NULL for a whole
 * expression whose value is null). RC_INVALID: err says why.
 */
static int
render_string(struct json_object *str, struct json_object *ctx,
    struct budget *bud, struct json_object **out, struct errmsg *err)
{
	const char		*s = json_object_get_string(str);
	size_t			 len = (size_t)json_object_get_string_len(str);
	size_t			 off = 0, open = 0, close = 0, quote = 0;
	struct expr_buf		 b;
	struct expr		*e = NULL;
	struct expr_val		 v;
	struct json_object	*r = NULL;
	enum scan		 sc;
	struct errmsg		 msg;
	int			 rc = RC_INVALID;

	memset(&b, 0, sizeof(b));
	memset(&v, 0, sizeof(v));
	sc = scan_next(s, len, 0, &open, &close, &quote);
	if (sc == SCAN_FOUND && open == 0 && close == len) {
		if (parse_one(s, open, close, &e, &msg) != RC_OK ||
		    expr_eval_val(e, ctx, &v, &msg) != RC_OK) {
			render_err(s, open, close, msg.text, err);
			goto out;
		}
		/* Charged before a value of the context is copied. */
		if (v.t != EXPR_V_JSON)
			r = expr_val_json(&v);
		else if (charge(bud, json_size(v.j, bud->left, 0),
		    err) != RC_OK)
			goto out;
		else if (json_object_deep_copy(v.j, &r, NULL) != 0)
			fatalx("json_object_deep_copy");
		if (v.t != EXPR_V_JSON && charge(bud, json_size(r, bud->left,
		    0), err) != RC_OK) {
			json_object_put(r);
			goto out;
		}
		*out = r;
		rc = RC_OK;
		goto out;
	}
	for (;;) {
		if (sc == SCAN_OPEN || sc == SCAN_QUOTE) {
			scan_err(sc, open, quote, err);
			goto out;
		}
		if (sc == SCAN_NONE)
			break;
		if (expr_buf_add(&b, s + off, open - off, &msg) != RC_OK ||
		    parse_one(s, open, close, &e, &msg) != RC_OK ||
		    expr_eval_val(e, ctx, &v, &msg) != RC_OK) {
			render_err(s, open, close, msg.text, err);
			goto out;
		}
		/* An object or array is sized before it is printed. */
		if ((v.t == EXPR_V_JSON && fits(bud, b.len + json_size(v.j,
		    bud->left, 0), err) != RC_OK) ||
		    fits(bud, b.len, err) != RC_OK)
			goto out;
		if (expr_val_fmt(&v, &b, &msg) != RC_OK) {
			render_err(s, open, close, msg.text, err);
			goto out;
		}
		if (fits(bud, b.len, err) != RC_OK)
			goto out;
		expr_val_free(&v);
		expr_free(e);
		e = NULL;
		off = close;
		sc = scan_next(s, len, off, &open, &close, &quote);
	}
	if (expr_buf_add(&b, s + off, len - off, err) != RC_OK ||
	    charge(bud, string_size(b.p, b.len), err) != RC_OK)
		goto out;
	*out = expr_jcheck(json_object_new_string_len(b.p, (int)b.len));
	rc = RC_OK;
out:
	expr_val_free(&v);
	expr_free(e);
	expr_buf_free(&b);
	return rc;
}

static int
render(struct json_object *v, struct json_object *ctx, int depth,
    struct budget *bud, struct json_object **out, struct errmsg *err)
{
	struct json_object_iterator	 it, end;
	struct json_object		*r = NULL, *c;
	size_t				 i, n;
	int				 rc = RC_OK;

	if (depth > EXPR_VALUE_DEPTH_MAX) {
		errmsg_set(err, "value nested deeper than %d levels",
		    EXPR_VALUE_DEPTH_MAX);
		return RC_INVALID;
	}
	switch (json_object_get_type(v)) {
	case json_type_null:
		*out = NULL;
		return charge(bud, 4, err);
	case json_type_string:
		return render_string(v, ctx, bud, out, err);
	case json_type_object:
		if ((rc = charge(bud, 2, err)) != RC_OK)
			return rc;
		r = expr_jcheck(json_object_new_object());
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it)) {
			if ((rc = charge(bud, 2 + string_size(
			    json_object_iter_peek_name(&it), strlen(
			    json_object_iter_peek_name(&it))), err)) != RC_OK ||
			    (rc = render(json_object_iter_peek_value(&it), ctx,
			    depth + 1, bud, &c, err)) != RC_OK)
				goto out;
			if (json_object_object_add(r,
			    json_object_iter_peek_name(&it), c) != 0) {
				json_object_put(c);
				fatalx("json_object_object_add");
			}
		}
		break;
	case json_type_array:
		n = json_object_array_length(v);
		if ((rc = charge(bud, 2, err)) != RC_OK)
			return rc;
		r = expr_jcheck(json_object_new_array_ext((int)MIN(n, 1024)));
		for (i = 0; i < n; i++) {
			if ((rc = charge(bud, 1, err)) != RC_OK ||
			    (rc = render(json_object_array_get_idx(v, i), ctx,
			    depth + 1, bud, &c, err)) != RC_OK)
				goto out;
			if (json_object_array_add(r, c) != 0) {
				json_object_put(c);
				fatalx("json_object_array_add");
			}
		}
		break;
	default:
		if ((rc = charge(bud, json_size(v, bud->left, 0),
		    err)) != RC_OK)
			return rc;
		if (json_object_deep_copy(v, &r, NULL) != 0)
			fatalx("json_object_deep_copy");
		break;
	}
	*out = r;
	r = NULL;
out:
	json_object_put(r);
	return rc;
}

int
expr_render_max(struct json_object *v, struct json_object *ctx, size_t max,
    int *over, struct json_object **out, struct errmsg *err)
{
	struct budget	 bud;
	int		 rc;

	bud.left = bud.max = max;
	bud.over = 0;
	rc = render(v, ctx, 0, &bud, out, err);
	if (over != NULL)
		*over = rc != RC_OK && bud.over;
	return rc;
}

int
expr_render(struct json_object *v, struct json_object *ctx,
    struct json_object **out, struct errmsg *err)
{
	return expr_render_max(v, ctx, EXPR_RENDER_MAX, NULL, out, err);
}

/* Parse every expression of one string; add an error for each failure. */
static int
check_string(struct json_object *str, struct jpath *p, struct verr *ve)
{
	const char	*s = json_object_get_string(str);
	size_t		 len = (size_t)json_object_get_string_len(str);
	size_t		 off = 0, open = 0, close = 0, quote = 0;
	struct expr	*e;
	enum scan	 sc;
	struct errmsg	 em;
	char		 msg[256];
	int		 count = 0;

	while ((sc = scan_next(s, len, off, &open, &close, &quote)) !=
	    SCAN_NONE) {
		/* Pydantic prefixes every value_error message. */
		if (sc != SCAN_FOUND) {
			scan_err(sc, open, quote, &em);
			snprintf(msg, sizeof(msg), "Value error, %.242s",
			    em.text);
			verr_add(ve, "value_error", p, msg, str, NULL);
			return count + 1;
		}
		if (parse_one(s, open, close, &e, &em) != RC_OK) {
			snprintf(msg, sizeof(msg), "Value error, %.242s",
			    em.text);
			verr_add(ve, "value_error", p, msg, str, NULL);
			count++;
		} else
			expr_free(e);
		off = close;
	}
	return count;
}

static int
check(struct json_object *v, struct jpath *p, struct verr *ve, int depth)
{
	struct json_object_iterator	 it, end;
	size_t				 i, n;
	int				 count = 0;

	if (depth > EXPR_VALUE_DEPTH_MAX) {
		verr_add(ve, "value_error", p, "value nested too deeply",
		    NULL, NULL);
		return 1;
	}
	switch (json_object_get_type(v)) {
	case json_type_string:
		return check_string(v, p, ve);
	case json_type_object:
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it)) {
			jpath_key(p, json_object_iter_peek_name(&it));
			count += check(json_object_iter_peek_value(&it), p, ve,
			    depth + 1);
			jpath_pop(p);
		}
		return count;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			jpath_idx(p, (int)i);
			count += check(json_object_array_get_idx(v, i), p, ve,
			    depth + 1);
			jpath_pop(p);
		}
		return count;
	default:
		return 0;
	}
}

int
expr_check_value(struct json_object *v, struct jpath *p, struct verr *ve)
{
	int	 saved = p->n, count;

	count = check(v, p, ve, 0);
	p->n = saved;
	return count;
}

/* 1 if some path in the AST n starts at root r. */
static int
node_refs(const struct expr_node *n, enum expr_root r)
{
	if (n == NULL)
		return 0;
	if (n->kind == EXPR_N_PATH)
		return n->root == r;
	return node_refs(n->l, r) || node_refs(n->r, r);
}

static int
string_refs(struct json_object *str, enum expr_root r)
{
	const char	*s = json_object_get_string(str);
	size_t		 len = (size_t)json_object_get_string_len(str);
	size_t		 off = 0, open = 0, close = 0, quote = 0;
	struct expr	*e;
	int		 found = 0;

	while (!found && scan_next(s, len, off, &open, &close, &quote) ==
	    SCAN_FOUND) {
		if (parse_one(s, open, close, &e, NULL) == RC_OK) {
			found = node_refs(e->root, r);
			expr_free(e);
		}
		off = close;
	}
	return found;
}

static int
refs(struct json_object *v, enum expr_root r, int depth)
{
	struct json_object_iterator	 it, end;
	size_t				 i, n;

	if (depth > EXPR_VALUE_DEPTH_MAX)
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_string:
		return string_refs(v, r);
	case json_type_object:
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			if (refs(json_object_iter_peek_value(&it), r,
			    depth + 1))
				return 1;
		return 0;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (refs(json_object_array_get_idx(v, i), r, depth + 1))
				return 1;
		return 0;
	default:
		return 0;
	}
}

int
expr_value_refs(struct json_object *v, const char *root)
{
	int	 r;

	for (r = EXPR_ROOT_INPUT; r < EXPR_NROOTS; r++)
		if (strcmp(root, expr_root_name((enum expr_root)r)) == 0)
			return refs(v, (enum expr_root)r, 0);
	return 0;
}
