/*
 * Evaluator of the expression AST over json-c values. Total: recursion is
 * bounded by the AST depth (checked by the parser) and by
 * EXPR_VALUE_DEPTH_MAX for deep equality; strings never grow past
 * EXPR_STRING_MAX. Error messages name operators and types, never values,
 * so a secret cannot leak through them.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "expr_int.h"

#define TWO63	9223372036854775808.0	/* 2^63, exact as a double */

struct json_object *
expr_jcheck(struct json_object *j)
{
	if (j == NULL)
		fatalx("json-c: out of memory");
	return j;
}

/* Borrow j (NULL is JSON null) as a value. */
static void
val_from_json(struct json_object *j, struct expr_val *v)
{
	uint64_t	 u;

	memset(v, 0, sizeof(*v));
	switch (json_object_get_type(j)) {
	case json_type_null:
		v->t = EXPR_V_NULL;
		break;
	case json_type_boolean:
		v->t = EXPR_V_BOOL;
		v->b = json_object_get_boolean(j) != 0;
		break;
	case json_type_int:
		v->t = EXPR_V_INT;
		v->i = json_object_get_int64(j);
		/* json-c keeps integers above INT64_MAX as uint64. */
		if (v->i == INT64_MAX &&
		    (u = json_object_get_uint64(j)) > (uint64_t)INT64_MAX) {
			v->t = EXPR_V_DOUBLE;
			v->d = (double)u;
		}
		break;
	case json_type_double:
		v->t = EXPR_V_DOUBLE;
		v->d = json_object_get_double(j);
		break;
	case json_type_string:
		v->t = EXPR_V_STRING;
		v->s = json_object_get_string(j);
		v->slen = (size_t)json_object_get_string_len(j);
		break;
	case json_type_object:
	case json_type_array:
		v->t = EXPR_V_JSON;
		v->j = j;
		break;
	}
}

void
expr_val_free(struct expr_val *v)
{
	free(v->own);
	memset(v, 0, sizeof(*v));
}

const char *
expr_val_type(const struct expr_val *v)
{
	switch (v->t) {
	case EXPR_V_NULL:
		return "null";
	case EXPR_V_BOOL:
		return "boolean";
	case EXPR_V_INT:
		return "integer";
	case EXPR_V_DOUBLE:
		return "float";
	case EXPR_V_STRING:
		return "string";
	case EXPR_V_JSON:
		return json_object_is_type(v->j, json_type_array) ?
		    "array" : "object";
	}
	return "?";
}

struct json_object *
expr_val_json(const struct expr_val *v)
{
	switch (v->t) {
	case EXPR_V_NULL:
		return NULL;
	case EXPR_V_BOOL:
		return expr_jcheck(json_object_new_boolean(v->b));
	case EXPR_V_INT:
		return expr_jcheck(json_object_new_int64(v->i));
	case EXPR_V_DOUBLE:
		return expr_jcheck(json_object_new_double(v->d));
	case EXPR_V_STRING:
		return expr_jcheck(json_object_new_string_len(v->s,
		    (int)v->slen));
	case EXPR_V_JSON:
		return json_object_get(v->j);
	}
	return NULL;
}

static int
val_truthy(const struct expr_val *v)
{
	switch (v->t) {
	case EXPR_V_NULL:
		return 0;
	case EXPR_V_BOOL:
		return v->b;
	case EXPR_V_INT:
		return v->i != 0;
	case EXPR_V_DOUBLE:
		return v->d != 0.0;
	case EXPR_V_STRING:
		return v->slen != 0;
	case EXPR_V_JSON:
		return 1;
	}
	return 0;
}

int
expr_truthy(struct json_object *j)
{
	struct expr_val	 v;

	val_from_json(j, &v);
	return val_truthy(&v);
}

static int
is_num(const struct expr_val *v)
{
	return v->t == EXPR_V_INT || v->t == EXPR_V_DOUBLE;
}

static double
num_dbl(const struct expr_val *v)
{
	return v->t == EXPR_V_INT ? (double)v->i : v->d;
}

/* Exact three-way comparison of an integer and a (finite) double. */
static int
cmp_int_dbl(int64_t i, double d)
{
	int64_t	 t;
	double	 frac;

	if (d >= TWO63)
		return -1;
	if (d < -TWO63)
		return 1;
	t = (int64_t)d;		/* in range: truncates toward zero */
	if (i != t)
		return i < t ? -1 : 1;
	frac = d - (double)t;
	if (frac > 0)
		return -1;
	if (frac < 0)
		return 1;
	return 0;
}

/* Three-way numeric comparison of two numbers. */
static int
num_cmp(const struct expr_val *a, const struct expr_val *b)
{
	if (a->t == EXPR_V_INT && b->t == EXPR_V_INT)
		return (a->i > b->i) - (a->i < b->i);
	if (a->t == EXPR_V_INT)
		return cmp_int_dbl(a->i, b->d);
	if (b->t == EXPR_V_INT)
		return -cmp_int_dbl(b->i, a->d);
	return (a->d > b->d) - (a->d < b->d);
}

/* Bytewise three-way comparison of two strings. */
static int
str_cmp(const struct expr_val *a, const struct expr_val *b)
{
	int	 c;

	c = memcmp(a->s, b->s, MIN(a->slen, b->slen));
	if (c != 0)
		return c < 0 ? -1 : 1;
	return (a->slen > b->slen) - (a->slen < b->slen);
}

/*
 * Deep equality by value, numbers compared numerically. 1 equal, 0 not,
 * -1 when the values nest deeper than EXPR_VALUE_DEPTH_MAX.
 */
static int
val_eq(const struct expr_val *a, const struct expr_val *b, int depth)
{
	struct json_object_iterator	 it, end;
	struct json_object		*bj;
	struct expr_val			 x, y;
	size_t				 i, n;
	int				 rc;

	if (is_num(a) && is_num(b))
		return num_cmp(a, b) == 0;
	if (a->t != b->t)
		return 0;
	switch (a->t) {
	case EXPR_V_NULL:
		return 1;
	case EXPR_V_BOOL:
		return a->b == b->b;
	case EXPR_V_STRING:
		return str_cmp(a, b) == 0;
	case EXPR_V_JSON:
		break;
	default:
		return 0;
	}
	if (depth >= EXPR_VALUE_DEPTH_MAX)
		return -1;
	if (json_object_get_type(a->j) != json_object_get_type(b->j))
		return 0;
	if (json_object_is_type(a->j, json_type_array)) {
		n = json_object_array_length(a->j);
		if (n != json_object_array_length(b->j))
			return 0;
		for (i = 0; i < n; i++) {
			val_from_json(json_object_array_get_idx(a->j, i), &x);
			val_from_json(json_object_array_get_idx(b->j, i), &y);
			if ((rc = val_eq(&x, &y, depth + 1)) != 1)
				return rc;
		}
		return 1;
	}
	if (json_object_object_length(a->j) != json_object_object_length(b->j))
		return 0;
	it = json_object_iter_begin(a->j);
	end = json_object_iter_end(a->j);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		if (!json_object_object_get_ex(b->j,
		    json_object_iter_peek_name(&it), &bj))
			return 0;
		val_from_json(json_object_iter_peek_value(&it), &x);
		val_from_json(bj, &y);
		if ((rc = val_eq(&x, &y, depth + 1)) != 1)
			return rc;
	}
	return 1;
}

static int
type_err(enum expr_tok_type op, const struct expr_val *a,
    const struct expr_val *b, struct errmsg *err)
{
	if (b == NULL)
		errmsg_set(err, "operator '%s' cannot apply to %s",
		    expr_op_name(op), expr_val_type(a));
	else
		errmsg_set(err, "operator '%s' cannot apply to %s and %s",
		    expr_op_name(op), expr_val_type(a), expr_val_type(b));
	return RC_INVALID;
}

static int
overflow(enum expr_tok_type op, struct errmsg *err)
{
	errmsg_set(err, "integer overflow in operator '%s'",
	    expr_op_name(op));
	return RC_INVALID;
}

/* + - * / % on two integers. */
static int
arith_int(enum expr_tok_type op, int64_t a, int64_t b, struct expr_val *out,
    struct errmsg *err)
{
	int64_t	 r = 0;

	out->t = EXPR_V_INT;
	switch (op) {
	case EXPR_T_PLUS:
		if (__builtin_add_overflow(a, b, &r))
			return overflow(op, err);
		break;
	case EXPR_T_MINUS:
		if (__builtin_sub_overflow(a, b, &r))
			return overflow(op, err);
		break;
	case EXPR_T_MUL:
		if (__builtin_mul_overflow(a, b, &r))
			return overflow(op, err);
		break;
	case EXPR_T_DIV:
		if (b == 0) {
			errmsg_set(err, "division by zero");
			return RC_INVALID;
		}
		if (a == INT64_MIN && b == -1)
			return overflow(op, err);
		if (a % b != 0) {
			out->t = EXPR_V_DOUBLE;
			out->d = (double)a / (double)b;
			return RC_OK;
		}
		r = a / b;
		break;
	case EXPR_T_MOD:
		if (b == 0) {
			errmsg_set(err, "modulo by zero");
			return RC_INVALID;
		}
		r = b == -1 ? 0 : a % b;	/* INT64_MIN % -1 is UB in C */
		break;
	default:
		return RC_INVALID;
	}
	out->i = r;
	return RC_OK;
}

/* + - * / % with at least one float operand. */
static int
arith_dbl(enum expr_tok_type op, double a, double b, struct expr_val *out,
    struct errmsg *err)
{
	double	 r;

	switch (op) {
	case EXPR_T_PLUS:
		r = a + b;
		break;
	case EXPR_T_MINUS:
		r = a - b;
		break;
	case EXPR_T_MUL:
		r = a * b;
		break;
	case EXPR_T_DIV:
		if (b == 0.0) {
			errmsg_set(err, "division by zero");
			return RC_INVALID;
		}
		r = a / b;
		break;
	case EXPR_T_MOD:
		if (b == 0.0) {
			errmsg_set(err, "modulo by zero");
			return RC_INVALID;
		}
		r = fmod(a, b);
		break;
	default:
		return RC_INVALID;
	}
	if (!isfinite(r)) {
		errmsg_set(err, "number out of range in operator '%s'",
		    expr_op_name(op));
		return RC_INVALID;
	}
	out->t = EXPR_V_DOUBLE;
	out->d = r;
	return RC_OK;
}

static int
concat(const struct expr_val *a, const struct expr_val *b,
    struct expr_val *out, struct errmsg *err)
{
	char	*p;

	if (a->slen > EXPR_STRING_MAX || b->slen > EXPR_STRING_MAX - a->slen) {
		errmsg_set(err, "string longer than %d bytes from "
		    "operator '+'", EXPR_STRING_MAX);
		return RC_INVALID;
	}
	p = xmalloc(a->slen + b->slen + 1);
	memcpy(p, a->s, a->slen);
	memcpy(p + a->slen, b->s, b->slen);
	p[a->slen + b->slen] = '\0';
	out->t = EXPR_V_STRING;
	out->s = p;
	out->slen = a->slen + b->slen;
	out->own = p;
	return RC_OK;
}

/* A binary operator other than && and || on evaluated operands. */
static int
apply(enum expr_tok_type op, const struct expr_val *a,
    const struct expr_val *b, struct expr_val *out, struct errmsg *err)
{
	int	 c;

	switch (op) {
	case EXPR_T_EQ:
	case EXPR_T_NE:
		if ((c = val_eq(a, b, 0)) == -1) {
			errmsg_set(err, "values nested too deeply for "
			    "operator '%s'", expr_op_name(op));
			return RC_INVALID;
		}
		out->t = EXPR_V_BOOL;
		out->b = op == EXPR_T_EQ ? c : !c;
		return RC_OK;
	case EXPR_T_LT:
	case EXPR_T_LE:
	case EXPR_T_GT:
	case EXPR_T_GE:
		if (is_num(a) && is_num(b))
			c = num_cmp(a, b);
		else if (a->t == EXPR_V_STRING && b->t == EXPR_V_STRING)
			c = str_cmp(a, b);
		else
			return type_err(op, a, b, err);
		out->t = EXPR_V_BOOL;
		out->b = op == EXPR_T_LT ? c < 0 : op == EXPR_T_LE ? c <= 0 :
		    op == EXPR_T_GT ? c > 0 : c >= 0;
		return RC_OK;
	case EXPR_T_PLUS:
		if (a->t == EXPR_V_STRING && b->t == EXPR_V_STRING)
			return concat(a, b, out, err);
		/* FALLTHROUGH */
	case EXPR_T_MINUS:
	case EXPR_T_MUL:
	case EXPR_T_DIV:
	case EXPR_T_MOD:
		if (!is_num(a) || !is_num(b))
			return type_err(op, a, b, err);
		if (a->t == EXPR_V_INT && b->t == EXPR_V_INT)
			return arith_int(op, a->i, b->i, out, err);
		return arith_dbl(op, num_dbl(a), num_dbl(b), out, err);
	default:
		errmsg_set(err, "unknown operator");
		return RC_INVALID;
	}
}

/* Look a path up in ctx; anything missing on the way gives null. */
static void
eval_path(const struct expr_node *n, struct json_object *ctx,
    struct expr_val *out)
{
	struct json_object	*cur = NULL;
	const struct expr_seg	*s;
	int			 i;

	if (!json_object_is_type(ctx, json_type_object) ||
	    !json_object_object_get_ex(ctx, expr_root_name(n->root), &cur))
		cur = NULL;
	for (i = 0; i < n->nseg && cur != NULL; i++) {
		s = &n->seg[i];
		if (s->key != NULL) {
			if (!json_object_is_type(cur, json_type_object) ||
			    !json_object_object_get_ex(cur, s->key, &cur))
				cur = NULL;
		} else {
			if (!json_object_is_type(cur, json_type_array) ||
			    s->idx < 0 ||
			    (uint64_t)s->idx >= json_object_array_length(cur))
				cur = NULL;
			else
				cur = json_object_array_get_idx(cur,
				    (size_t)s->idx);
		}
	}
	val_from_json(cur, out);
}

static int
eval(const struct expr_node *n, struct json_object *ctx, struct expr_val *out,
    struct errmsg *err)
{
	struct expr_val	 a, b;
	int		 rc, t;

	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	switch (n->kind) {
	case EXPR_N_NULL:
		out->t = EXPR_V_NULL;
		return RC_OK;
	case EXPR_N_BOOL:
		out->t = EXPR_V_BOOL;
		out->b = n->b;
		return RC_OK;
	case EXPR_N_INT:
		out->t = EXPR_V_INT;
		out->i = n->i;
		return RC_OK;
	case EXPR_N_DOUBLE:
		out->t = EXPR_V_DOUBLE;
		out->d = n->d;
		return RC_OK;
	case EXPR_N_STRING:
		out->t = EXPR_V_STRING;
		out->s = n->s;
		out->slen = n->slen;
		return RC_OK;
	case EXPR_N_PATH:
		eval_path(n, ctx, out);
		return RC_OK;
	case EXPR_N_UNARY:
		if ((rc = eval(n->l, ctx, &a, err)) != RC_OK)
			return rc;
		if (n->op == EXPR_T_NOT) {
			out->t = EXPR_V_BOOL;
			out->b = !val_truthy(&a);
		} else if (a.t == EXPR_V_INT && a.i == INT64_MIN)
			rc = overflow(n->op, err);
		else if (a.t == EXPR_V_INT) {
			out->t = EXPR_V_INT;
			out->i = -a.i;
		} else if (a.t == EXPR_V_DOUBLE) {
			out->t = EXPR_V_DOUBLE;
			out->d = -a.d;
		} else
			rc = type_err(n->op, &a, NULL, err);
		expr_val_free(&a);
		return rc;
	case EXPR_N_BINARY:
		break;
	}

	if ((rc = eval(n->l, ctx, &a, err)) != RC_OK)
		return rc;
	if (n->op == EXPR_T_AND || n->op == EXPR_T_OR) {
		t = val_truthy(&a);
		expr_val_free(&a);
		out->t = EXPR_V_BOOL;
		if ((n->op == EXPR_T_AND && !t) || (n->op == EXPR_T_OR && t)) {
			out->b = t;
			return RC_OK;
		}
		if ((rc = eval(n->r, ctx, &b, err)) != RC_OK) {
			memset(out, 0, sizeof(*out));
			return rc;
		}
		out->b = val_truthy(&b);
		expr_val_free(&b);
		return RC_OK;
	}
	if ((rc = eval(n->r, ctx, &b, err)) == RC_OK)
		rc = apply(n->op, &a, &b, out, err);
	expr_val_free(&a);
	expr_val_free(&b);
	if (rc != RC_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
expr_eval_val(const struct expr *e, struct json_object *ctx,
    struct expr_val *out, struct errmsg *err)
{
	return eval(e->root, ctx, out, err);
}

int
expr_eval(const struct expr *e, struct json_object *ctx,
    struct json_object **out, struct errmsg *err)
{
	struct expr_val	 v;
	int		 rc;

	if ((rc = expr_eval_val(e, ctx, &v, err)) != RC_OK)
		return rc;
	*out = expr_val_json(&v);
	expr_val_free(&v);
	return RC_OK;
}

int
expr_buf_add(struct expr_buf *b, const void *p, size_t n, struct errmsg *err)
{
	size_t	 cap;

	if (b->len > EXPR_STRING_MAX || n > EXPR_STRING_MAX - b->len) {
		errmsg_set(err, "string longer than %d bytes",
		    EXPR_STRING_MAX);
		return RC_INVALID;
	}
	if (b->p == NULL || b->len + n + 1 > b->cap) {
		cap = b->cap == 0 ? 64 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		cap = MIN(cap, (size_t)EXPR_STRING_MAX + 1);
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return RC_OK;
}

void
expr_buf_free(struct expr_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* The shortest of %.15g, %.16g, %.17g that reads back as d. */
static void
fmt_double(double d, char *buf, size_t len)
{
	int	 prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

int
expr_val_fmt(const struct expr_val *v, struct expr_buf *b, struct errmsg *err)
{
	char		 num[64];
	const char	*s;
	size_t		 n;

	switch (v->t) {
	case EXPR_V_NULL:
		return expr_buf_add(b, "", 0, err);
	case EXPR_V_BOOL:
		s = v->b ? "true" : "false";
		return expr_buf_add(b, s, strlen(s), err);
	case EXPR_V_INT:
		snprintf(num, sizeof(num), "%" PRId64, v->i);
		return expr_buf_add(b, num, strlen(num), err);
	case EXPR_V_DOUBLE:
		fmt_double(v->d, num, sizeof(num));
		return expr_buf_add(b, num, strlen(num), err);
	case EXPR_V_STRING:
		return expr_buf_add(b, v->s, v->slen, err);
	case EXPR_V_JSON:
		s = json_object_to_json_string_length(v->j,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
		if (s == NULL)
			fatalx("json-c: out of memory");
		return expr_buf_add(b, s, n, err);
	}
	return RC_INVALID;
}
