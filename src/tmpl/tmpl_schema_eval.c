/*
 * Validating an instance against a compiled JSON Schema 2020-12 document
 * (include/schema.h), with errors in the Pydantic v2 shape (engine.md,
 * "JSON Schema details"): const and enum give literal_error and enum,
 * bounds greater_than(_equal) and less_than(_equal), multipleOf
 * multiple_of, lengths and counts too_short/too_long (string_too_short
 * and string_too_long for strings), required missing, a false additional
 * or unevaluated schema extra_forbidden, "type" the Pydantic type errors;
 * anything else one value_error at the instance.
 *
 * Annotations for unevaluatedProperties/unevaluatedItems are tracked only
 * where a node asks for them: a bit per object key (in the instance's
 * iteration order) or per array item, set by the keywords that evaluate
 * them and dropped with the subschema when it fails.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "jsonx.h"
#include "tmpl_schema_int.h"

#define SCOPE_MAX	64	/* nested resources in the dynamic scope */
#define EVAL_DEPTH_MAX	256	/* nested subschema evaluations */

struct vctx {
	struct schema	*s;
	struct verr	*ve;		/* NULL: validity only, stop early */
	struct jpath	*p;
	long		 steps;
	int		 over;		/* a limit was hit */
	int		 depth;
	int		 nscope;
	struct schema_res	*scope[SCOPE_MAX];
};

/* Evaluated keys or items of one instance. */
struct ann {
	size_t		 n;
	unsigned char	*bits;
};

static int	eval(struct vctx *, struct snode *, struct json_object *,
		    struct ann *);
static int	branch_ok(struct vctx *, struct snode *, struct json_object *,
		    struct ann *);

static void
ann_init(struct ann *a, struct json_object *v)
{
	if (json_object_is_type(v, json_type_object))
		a->n = (size_t)json_object_object_length(v);
	else if (json_object_is_type(v, json_type_array))
		a->n = json_object_array_length(v);
	else
		a->n = 0;
	a->bits = a->n == 0 ? NULL : xcalloc(a->n, 1);
}

static void
ann_merge(struct ann *dst, const struct ann *src)
{
	size_t	 i;

	if (dst == NULL)
		return;
	for (i = 0; i < dst->n && i < src->n; i++)
		dst->bits[i] |= src->bits[i];
}

static void
ann_set(struct ann *a, size_t i)
{
	if (a != NULL && i < a->n)
		a->bits[i] = 1;
}

/* Errors. */

static int
err(struct vctx *c, const char *type, const char *msg,
    struct json_object *input, struct json_object *ctx)
{
	/* After a limit, failures are the limit's, not the input's. */
	if (c->ve == NULL || c->over) {
		json_object_put(ctx);
		return 1;
	}
	verr_add(c->ve, type, c->p, msg, input, ctx);
	return 1;
}

static int
value_error(struct vctx *c, const char *what, struct json_object *input)
{
	char	*msg;

	if (c->ve == NULL || c->over)
		return 1;
	msg = xasprintf("Value error, %s", what);
	verr_add(c->ve, "value_error", c->p, msg, input, NULL);
	free(msg);
	return 1;
}

/* A context object {key: value}; value is taken. */
static struct json_object *
ctx1(const char *key, struct json_object *value)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, key, value);
	return o;
}

/* Numbers and equality. */

static int
is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double);
}

static int
is_integer(struct json_object *v)
{
	double	 d;

	if (json_object_is_type(v, json_type_int))
		return 1;
	if (!json_object_is_type(v, json_type_double))
		return 0;
	d = json_object_get_double(v);
	return isfinite(d) && floor(d) == d;
}

static long double
num_ld(struct json_object *a)
{
	if (json_object_is_type(a, json_type_int))
		return json_object_get_int64(a) == INT64_MAX ?
		    (long double)json_object_get_uint64(a) :
		    (long double)json_object_get_int64(a);
	return json_object_get_double(a);
}

/* Sign of a - b for two numbers. */
static int
numcmp(struct json_object *a, struct json_object *b)
{
	int64_t		 ia, ib;
	long double	 da, db;

	if (json_object_is_type(a, json_type_int) &&
	    json_object_is_type(b, json_type_int)) {
		ia = json_object_get_int64(a);
		ib = json_object_get_int64(b);
		if (ia != INT64_MAX && ib != INT64_MAX)
			return ia < ib ? -1 : ia > ib;
	}
	da = num_ld(a);
	db = num_ld(b);
	return da < db ? -1 : da > db;
}

/* A new number equal to n, printed canonically. */
static struct json_object *
num_copy(struct json_object *n)
{
	struct json_object	*c;
	char			*s;

	if (json_object_is_type(n, json_type_int)) {
		if (json_object_get_int64(n) == INT64_MAX)
			return json_object_new_uint64(
			    json_object_get_uint64(n));
		return json_object_new_int64(json_object_get_int64(n));
	}
	s = jsonx_canon(n);
	c = json_object_new_double_s(json_object_get_double(n), s);
	free(s);
	return c;
}

/* JSON equality: numbers by value, objects regardless of key order. */
static int
jeq(struct json_object *a, struct json_object *b)
{
	struct json_object	*bv;
	size_t			 i, n;

	if (is_number(a) && is_number(b))
		return numcmp(a, b) == 0;
	if (json_object_get_type(a) != json_object_get_type(b))
		return 0;
	switch (json_object_get_type(a)) {
	case json_type_null:
		return 1;
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_string:
		return json_object_get_string_len(a) ==
		    json_object_get_string_len(b) &&
		    memcmp(json_object_get_string(a), json_object_get_string(b),
		    (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array:
		n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return 0;
		for (i = 0; i < n; i++)
			if (!jeq(json_object_array_get_idx(a, i),
			    json_object_array_get_idx(b, i)))
				return 0;
		return 1;
	case json_type_object:
		if (json_object_object_length(a) !=
		    json_object_object_length(b))
			return 0;
		json_object_object_foreach(a, key, av) {
			if (!json_object_object_get_ex(b, key, &bv) ||
			    !jeq(av, bv))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

/* A value as Pydantic quotes it in a message: 'str', else JSON. */
static char *
repr(struct json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		return xasprintf("'%s'", json_object_get_string(v));
	return jsonx_canon(v);
}

/* Type. */

static int
type_ok(unsigned types, struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return (types & ST_NULL) != 0;
	case json_type_boolean:
		return (types & ST_BOOL) != 0;
	case json_type_object:
		return (types & ST_OBJECT) != 0;
	case json_type_array:
		return (types & ST_ARRAY) != 0;
	case json_type_string:
		return (types & ST_STRING) != 0;
	case json_type_int:
		return (types & (ST_NUMBER | ST_INTEGER)) != 0;
	case json_type_double:
		return (types & ST_NUMBER) != 0 ||
		    ((types & ST_INTEGER) != 0 && is_integer(v));
	default:
		return 0;
	}
}

/* The error of the first type listed that is not null (Optional[X]). */
static int
type_error(struct vctx *c, struct snode *n, struct json_object *v)
{
	static const struct {
		const char	*name;
		const char	*type;
		const char	*msg;
	} kinds[] = {
		{ "object", "dict_type", "Input should be a valid dictionary" },
		{ "array", "list_type", "Input should be a valid list" },
		{ "string", "string_type", "Input should be a valid string" },
		{ "number", "float_type", "Input should be a valid number" },
		{ "integer", "int_type", "Input should be a valid integer" },
		{ "boolean", "bool_type", "Input should be a valid boolean" },
		{ "null", "none_required", "Input should be None" },
	};
	struct json_object	*e;
	const char		*want = NULL, *name;
	size_t			 i, len;

	if (json_object_is_type(n->type_kw, json_type_string))
		want = json_object_get_string(n->type_kw);
	else {
		len = json_object_array_length(n->type_kw);
		for (i = 0; i < len; i++) {
			e = json_object_array_get_idx(n->type_kw, i);
			name = json_object_get_string(e);
			if (want == NULL || strcmp(want, "null") == 0)
				want = name;
		}
	}
	for (i = 0; want != NULL && i < NITEMS(kinds); i++)
		if (strcmp(want, kinds[i].name) == 0)
			return err(c, kinds[i].type, kinds[i].msg, v, NULL);
	return value_error(c, "Input is not of the type the schema expects",
	    v);
}

/* const and enum. */

static int
check_const(struct vctx *c, struct snode *n, struct json_object *v)
{
	char	*exp, *msg;

	if (jeq(n->constv, v))
		return 0;
	if (c->ve == NULL)
		return 1;
	exp = repr(n->constv);
	msg = xasprintf("Input should be %s", exp);
	err(c, "literal_error", msg, v, ctx1("expected",
	    json_object_new_string(exp)));
	free(msg);
	free(exp);
	return 1;
}

static int
check_enum(struct vctx *c, struct snode *n, struct json_object *v)
{
	char	*out = NULL, *item, *tmp, *msg;
	size_t	 i, len;

	len = json_object_array_length(n->enumv);
	for (i = 0; i < len; i++)
		if (jeq(json_object_array_get_idx(n->enumv, i), v))
			return 0;
	if (c->ve == NULL)
		return 1;
	if (len == 0)
		return value_error(c, "no value is allowed by an empty 'enum'",
		    v);
	for (i = 0; i < len; i++) {
		item = repr(json_object_array_get_idx(n->enumv, i));
		if (out == NULL)
			tmp = xstrdup(item);
		else
			tmp = xasprintf("%s%s%s", out,
			    i + 1 == len ? " or " : ", ", item);
		free(out);
		free(item);
		out = tmp;
	}
	msg = xasprintf("Input should be %s", out);
	err(c, "enum", msg, v, ctx1("expected", json_object_new_string(out)));
	free(msg);
	free(out);
	return 1;
}

/* Numbers. */

static int
bound(struct vctx *c, struct json_object *kw, struct json_object *v,
    int lower, int strict)
{
	static const char *const types[] = { "less_than_equal", "less_than",
	    "greater_than_equal", "greater_than" };
	static const char *const keys[] = { "le", "lt", "ge", "gt" };
	char	*num, *msg;
	int	 cmp, k;

	cmp = numcmp(v, kw);
	if (lower ? (strict ? cmp > 0 : cmp >= 0) :
	    (strict ? cmp < 0 : cmp <= 0))
		return 0;
	if (c->ve == NULL)
		return 1;
	k = lower * 2 + strict;
	num = jsonx_canon(kw);
	msg = xasprintf("Input should be %s than%s %s",
	    lower ? "greater" : "less", strict ? "" : " or equal to", num);
	err(c, types[k], msg, v, ctx1(keys[k], num_copy(kw)));
	free(msg);
	free(num);
	return 1;
}

static int
multiple_ok(struct json_object *m, struct json_object *v)
{
	double	 q, r;

	if (json_object_is_type(m, json_type_int) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(m) > 0 &&
	    json_object_get_int64(m) != INT64_MAX &&
	    json_object_get_int64(v) != INT64_MAX)
		return json_object_get_int64(v) % json_object_get_int64(m) ==
		    0;
	q = (double)(num_ld(v) / num_ld(m));
	if (!isfinite(q))
		return 0;
	r = nearbyint(q);
	return fabs(q - r) <= 1e-9 * fmax(1.0, fabs(q));
}

static int
check_number(struct vctx *c, struct snode *n, struct json_object *v)
{
	char	*num, *msg;
	int	 errs = 0;

	if (n->multiple != NULL && !multiple_ok(n->multiple, v)) {
		if (c->ve == NULL)
			return 1;
		num = jsonx_canon(n->multiple);
		msg = xasprintf("Input should be a multiple of %s", num);
		errs += err(c, "multiple_of", msg, v, ctx1("multiple_of",
		    num_copy(n->multiple)));
		free(msg);
		free(num);
	}
	if (n->minimum != NULL)
		errs += bound(c, n->minimum, v, 1, 0);
	if (n->exmin != NULL)
		errs += bound(c, n->exmin, v, 1, 1);
	if (n->maximum != NULL)
		errs += bound(c, n->maximum, v, 0, 0);
	if (n->exmax != NULL)
		errs += bound(c, n->exmax, v, 0, 1);
	return errs;
}

/* Strings. */

static int
length_error(struct vctx *c, const char *type, const char *what,
    const char *unit, long long lim, long long actual,
    struct json_object *v, int is_string)
{
	struct json_object	*ctx;
	char			*msg;
	int			 min = strstr(type, "short") != NULL;

	if (c->ve == NULL)
		return 1;
	ctx = json_object_new_object();
	if (is_string)
		msg = xasprintf("%s should have at %s %lld %s%s", what,
		    min ? "least" : "most", lim, unit, lim == 1 ? "" : "s");
	else {
		msg = xasprintf("%s should have at %s %lld %s%s after "
		    "validation, not %lld", what, min ? "least" : "most", lim,
		    unit, lim == 1 ? "" : "s", actual);
		json_object_object_add(ctx, "field_type",
		    json_object_new_string(what));
	}
	json_object_object_add(ctx, min ? "min_length" : "max_length",
	    json_object_new_int64(lim));
	if (!is_string)
		json_object_object_add(ctx, "actual_length",
		    json_object_new_int64(actual));
	err(c, type, msg, v, ctx);
	free(msg);
	return 1;
}

static int
check_string(struct vctx *c, struct snode *n, struct json_object *v)
{
	const char	*str = json_object_get_string(v);
	size_t		 len = (size_t)json_object_get_string_len(v), k = 0;
	char		*msg;
	int		 errs = 0, m;

	if (n->minlen >= 0 || n->maxlen >= 0)
		k = util_utf8_len(str, len);
	if (n->minlen >= 0 && k < (unsigned long long)n->minlen)
		errs += length_error(c, "string_too_short", "String",
		    "character", n->minlen, (long long)k, v, 1);
	if (n->maxlen >= 0 && k > (unsigned long long)n->maxlen)
		errs += length_error(c, "string_too_long", "String",
		    "character", n->maxlen, (long long)k, v, 1);
	if (errs > 0 && c->ve == NULL)
		return errs;
	if (n->pattern != NULL &&
	    (m = sre_match(c->s, n->pattern, str, len)) != 1) {
		if (m < 0) {
			msg = xasprintf("matching pattern '%s' against this "
			    "string costs too much", n->pattern_src);
			errs += value_error(c, msg, v);
		} else if (c->ve == NULL)
			return 1;
		else {
			msg = xasprintf("String should match pattern '%s'",
			    n->pattern_src);
			errs += err(c, "string_pattern_mismatch", msg, v,
			    ctx1("pattern", json_object_new_string(
			    n->pattern_src)));
		}
		free(msg);
	}
	if (n->format != SF_NONE && !sfmt_check(n->format, str, len)) {
		if (c->ve == NULL)
			return 1;
		msg = xasprintf("Input should be a valid %s",
		    sfmt_name(n->format));
		errs += value_error(c, msg, v);
		free(msg);
	}
	return errs;
}

/* Arrays. */

struct canon_item {
	char	*s;
	size_t	 idx;
};

static int
canon_cmp(const void *a, const void *b)
{
	const struct canon_item	*x = a, *y = b;
	int			 c = strcmp(x->s, y->s);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Whether array v has two equal items; *i < *j are the first such pair
 * by the later index. Short arrays compare pairwise; longer ones sort
 * the RFC 8785 forms (equal exactly when the JSON values are), so the
 * cost is O(n log n), not O(n^2).
 */
static int
first_duplicate(struct vctx *c, struct json_object *v, size_t *i,
    size_t *j)
{
	struct canon_item	*ci;
	size_t			 len = json_object_array_length(v), k, m;
	int			 found = 0;

	*i = *j = 0;
	c->steps += (long)len;
	if (len <= 16) {
		for (k = 1; k < len; k++)
			for (m = 0; m < k; m++)
				if (jeq(json_object_array_get_idx(v, k),
				    json_object_array_get_idx(v, m))) {
					*i = m;
					*j = k;
					return 1;
				}
		return 0;
	}
	ci = xcalloc(len, sizeof(*ci));
	for (k = 0; k < len; k++) {
		ci[k].s = jsonx_canon(json_object_array_get_idx(v, k));
		ci[k].idx = k;
	}
	qsort(ci, len, sizeof(*ci), canon_cmp);
	for (k = 1; k < len; k++)
		if (strcmp(ci[k - 1].s, ci[k].s) == 0 &&
		    (!found || ci[k].idx < *j)) {
			*i = ci[k - 1].idx;
			*j = ci[k].idx;
			found = 1;
		}
	for (k = 0; k < len; k++)
		free(ci[k].s);
	free(ci);
	return found;
}

static int
check_array(struct vctx *c, struct snode *n, struct json_object *v,
    struct ann *a)
{
	size_t		 i, j, len = json_object_array_length(v);
	long long	 matched = 0, lo;
	char		*msg;
	int		 errs = 0, e;
	struct verr	*save;

	if (n->minitems >= 0 && len < (unsigned long long)n->minitems)
		errs += length_error(c, "too_short", "List", "item",
		    n->minitems, (long long)len, v, 0);
	if (n->maxitems >= 0 && len > (unsigned long long)n->maxitems)
		errs += length_error(c, "too_long", "List", "item",
		    n->maxitems, (long long)len, v, 0);
	if (errs > 0 && c->ve == NULL)
		return errs;
	if (n->unique && first_duplicate(c, v, &i, &j)) {
		msg = xasprintf("List should have unique items (items %zu and "
		    "%zu are equal)", i, j);
		errs += value_error(c, msg, v);
		free(msg);
		if (c->ve == NULL)
			return errs;
	}
	for (i = 0; i < len; i++) {
		struct snode *sub = (int)i < n->nprefix ? n->prefix[i] :
		    n->items;

		if (sub == NULL || i > INT32_MAX)
			break;
		jpath_idx(c->p, (int)i);
		e = eval(c, sub, json_object_array_get_idx(v, i), NULL);
		jpath_pop(c->p);
		if (e == 0)
			ann_set(a, i);
		errs += e;
		if (errs > 0 && c->ve == NULL)
			return errs;
	}
	if (n->contains == NULL)
		return errs;
	save = c->ve;
	c->ve = NULL;
	for (i = 0; i < len; i++) {
		jpath_idx(c->p, (int)i);
		e = eval(c, n->contains, json_object_array_get_idx(v, i), NULL);
		jpath_pop(c->p);
		if (e == 0) {
			matched++;
			ann_set(a, i);
		}
	}
	c->ve = save;
	lo = n->mincontains >= 0 ? n->mincontains : 1;
	if (matched < lo) {
		if (c->ve == NULL)
			return 1;
		msg = xasprintf("List should have at least %lld item%s "
		    "matching 'contains', not %lld", lo, lo == 1 ? "" : "s",
		    matched);
		errs += err(c, "too_short", msg, v, ctx1("min_length",
		    json_object_new_int64(lo)));
		free(msg);
	}
	if (n->maxcontains >= 0 && matched > n->maxcontains) {
		if (c->ve == NULL)
			return 1;
		msg = xasprintf("List should have at most %lld item%s "
		    "matching 'contains', not %lld", n->maxcontains,
		    n->maxcontains == 1 ? "" : "s", matched);
		errs += err(c, "too_long", msg, v, ctx1("max_length",
		    json_object_new_int64(n->maxcontains)));
		free(msg);
	}
	return errs;
}

/* Objects. */

static struct snode *
prop_find(const struct snode *n, const char *key)
{
	int	 lo = 0, hi = n->nprops - 1, mid, cmp;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		cmp = strcmp(key, n->sprops[mid].name);
		if (cmp == 0)
			return n->sprops[mid].sub;
		if (cmp < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
missing(struct vctx *c, const char *name, struct json_object *v)
{
	if (c->ve == NULL)
		return 1;
	jpath_key(c->p, name);
	err(c, "missing", "Field required", v, NULL);
	jpath_pop(c->p);
	return 1;
}

/* required, dependentRequired and the property counts. */
static int
check_object_counts(struct vctx *c, struct snode *n, struct json_object *v)
{
	struct json_object	*e;
	size_t			 i, len, k = (size_t)json_object_object_length(v);
	int			 j, errs = 0;

	if (n->required != NULL) {
		len = json_object_array_length(n->required);
		for (i = 0; i < len; i++) {
			e = json_object_array_get_idx(n->required, i);
			if (prop_find(n, json_object_get_string(e)) != NULL ||
			    json_object_object_get_ex(v,
			    json_object_get_string(e), NULL))
				continue;
			errs += missing(c, json_object_get_string(e), v);
			if (c->ve == NULL)
				return errs;
		}
	}
	for (j = 0; j < n->ndepreq; j++) {
		if (!json_object_object_get_ex(v, n->depreq[j].name, NULL))
			continue;
		len = json_object_array_length(n->depreq[j].names);
		for (i = 0; i < len; i++) {
			e = json_object_array_get_idx(n->depreq[j].names, i);
			if (json_object_object_get_ex(v,
			    json_object_get_string(e), NULL))
				continue;
			errs += missing(c, json_object_get_string(e), v);
			if (c->ve == NULL)
				return errs;
		}
	}
	if (n->minprops >= 0 && k < (unsigned long long)n->minprops)
		errs += length_error(c, "too_short", "Dictionary", "item",
		    n->minprops, (long long)k, v, 0);
	if (n->maxprops >= 0 && k > (unsigned long long)n->maxprops)
		errs += length_error(c, "too_long", "Dictionary", "item",
		    n->maxprops, (long long)k, v, 0);
	return errs;
}

static int
check_object(struct vctx *c, struct snode *n, struct json_object *v,
    struct ann *a)
{
	struct json_object	*pv, *ks;
	size_t			 idx = 0;
	int			 i, errs = 0, hit, m;
	char			*msg;

	/* properties in schema order, a missing required one in place. */
	for (i = 0; i < n->nprops; i++) {
		if (!json_object_object_get_ex(v, n->props[i].name, &pv)) {
			if (n->props[i].required)
				errs += missing(c, n->props[i].name, v);
		} else {
			jpath_key(c->p, n->props[i].name);
			errs += eval(c, n->props[i].sub, pv, NULL);
			jpath_pop(c->p);
		}
		if (errs > 0 && c->ve == NULL)
			return errs;
	}
	errs += check_object_counts(c, n, v);
	if (errs > 0 && c->ve == NULL)
		return errs;
	if (n->npats == 0 && n->addl == NULL && n->pnames == NULL &&
	    (a == NULL || n->nprops == 0))
		return errs;
	json_object_object_foreach(v, key, val) {
		hit = 0;
		jpath_key(c->p, key);
		if (prop_find(n, key) != NULL) {
			hit = 1;
			ann_set(a, idx);
		}
		for (i = 0; i < n->npats; i++) {
			m = sre_match(c->s, n->pats[i].re, key, strlen(key));
			if (m < 0) {
				msg = xasprintf("matching pattern '%s' against"
				    " this key costs too much",
				    n->pats[i].src);
				errs += value_error(c, msg, val);
				free(msg);
			}
			if (m != 1)
				continue;
			hit = 1;
			ann_set(a, idx);
			errs += eval(c, n->pats[i].sub, val, NULL);
		}
		if (!hit && n->addl != NULL) {
			ann_set(a, idx);
			if (n->addl->boolean == 0)
				errs += err(c, "extra_forbidden",
				    "Extra inputs are not permitted", val,
				    NULL);
			else
				errs += eval(c, n->addl, val, NULL);
		}
		if (n->pnames != NULL) {
			ks = json_object_new_string(key);
			if (!branch_ok(c, n->pnames, ks, NULL)) {
				msg = xasprintf("property name '%s' does not "
				    "match 'propertyNames'", key);
				errs += value_error(c, msg, val);
				free(msg);
			}
			json_object_put(ks);
		}
		jpath_pop(c->p);
		idx++;
		if (errs > 0 && c->ve == NULL)
			return errs;
	}
	return errs;
}

/* Applicators. */

/* Validity of one branch, with its annotations merged into a on success. */
static int
branch_ok(struct vctx *c, struct snode *n, struct json_object *v,
    struct ann *a)
{
	struct verr	*save = c->ve;
	struct ann	 t;
	int		 ok;

	c->ve = NULL;
	if (a == NULL) {
		ok = eval(c, n, v, NULL) == 0;
		c->ve = save;
		return ok;
	}
	ann_init(&t, v);
	ok = eval(c, n, v, &t) == 0;
	if (ok)
		ann_merge(a, &t);
	free(t.bits);
	c->ve = save;
	return ok;
}

/*
 * The index of X when n's anyOf is [X, {"type": "null"}] in any order
 * (Pydantic's Optional[X]) and v is not null; else -1.
 */
static int
optional_of(const struct snode *n, struct json_object *v)
{
	const struct snode	*b;
	int			 i, x = -1;

	if (n->nany != 2 || json_object_is_type(v, json_type_null))
		return -1;
	for (i = 0; i < 2; i++) {
		b = n->any[i];
		if (b->boolean == -1 && b->types == ST_NULL &&
		    json_object_object_length(b->obj) == 1)
			continue;
		if (x != -1)
			return -1;
		x = i;
	}
	return x;
}

static int
check_applicators(struct vctx *c, struct snode *n, struct json_object *v,
    struct ann *a)
{
	int	 i, errs = 0, ok;
	char	*msg;

	for (i = 0; i < n->nall; i++) {
		errs += eval(c, n->all[i], v, a);
		if (errs > 0 && c->ve == NULL)
			return errs;
	}
	if (n->nany > 0 && c->ve != NULL && (i = optional_of(n, v)) >= 0) {
		/* Optional[X] with a value: X's own errors, as Pydantic. */
		errs += eval(c, n->any[i], v, a);
	} else if (n->nany > 0) {
		for (i = 0, ok = 0; i < n->nany; i++) {
			if (branch_ok(c, n->any[i], v, a)) {
				ok++;
				if (a == NULL)
					break;
			}
		}
		if (ok == 0)
			errs += value_error(c, "Input should match at least "
			    "one schema of 'anyOf'", v);
	}
	if (n->none > 0) {
		for (i = 0, ok = 0; i < n->none && ok < 2; i++)
			ok += branch_ok(c, n->one[i], v, a);
		if (ok != 1) {
			msg = xasprintf("Input should match exactly one schema"
			    " of 'oneOf', not %s", ok == 0 ? "none" :
			    "several");
			errs += value_error(c, msg, v);
			free(msg);
		}
	}
	if (n->not_ != NULL && branch_ok(c, n->not_, v, NULL))
		errs += value_error(c, "Input should not match the schema of "
		    "'not'", v);
	if (n->if_ != NULL) {
		if (branch_ok(c, n->if_, v, a)) {
			if (n->then_ != NULL)
				errs += eval(c, n->then_, v, a);
		} else if (n->else_ != NULL)
			errs += eval(c, n->else_, v, a);
	}
	if (errs > 0 && c->ve == NULL)
		return errs;
	for (i = 0; i < n->ndepsch; i++) {
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, n->depsch[i].name, NULL))
			continue;
		errs += eval(c, n->depsch[i].sub, v, a);
		if (errs > 0 && c->ve == NULL)
			return errs;
	}
	return errs;
}

/* unevaluatedItems and unevaluatedProperties over what a leaves. */
static int
check_unevaluated(struct vctx *c, struct snode *n, struct json_object *v,
    struct ann *a)
{
	struct snode	*u;
	size_t		 i = 0;
	int		 errs = 0;

	if (a == NULL)
		return 0;

	if (n->uitems != NULL && json_object_is_type(v, json_type_array)) {
		u = n->uitems;
		for (i = 0; i < a->n; i++) {
			if (a->bits[i])
				continue;
			jpath_idx(c->p, (int)i);
			if (u->boolean == 0)
				errs += err(c, "extra_forbidden",
				    "Extra items are not permitted",
				    json_object_array_get_idx(v, i), NULL);
			else
				errs += eval(c, u,
				    json_object_array_get_idx(v, i), NULL);
			jpath_pop(c->p);
			a->bits[i] = 1;
			if (errs > 0 && c->ve == NULL)
				return errs;
		}
	}
	if (n->uprops != NULL && json_object_is_type(v, json_type_object)) {
		u = n->uprops;
		json_object_object_foreach(v, key, val) {
			if (i < a->n && !a->bits[i]) {
				jpath_key(c->p, key);
				if (u->boolean == 0)
					errs += err(c, "extra_forbidden",
					    "Extra inputs are not permitted",
					    val, NULL);
				else
					errs += eval(c, u, val, NULL);
				jpath_pop(c->p);
				a->bits[i] = 1;
				if (errs > 0 && c->ve == NULL)
					return errs;
			}
			i++;
		}
	}
	return errs;
}

static struct snode *
dynamic_target(struct vctx *c, struct snode *n)
{
	struct snode	*t;
	int		 i;

	if (n->dynref_name == NULL)
		return n->dynref;
	for (i = 0; i < c->nscope; i++)
		if ((t = schema_res_anchor(c->scope[i], n->dynref_name, 1)) != NULL)
			return t;
	return n->dynref;
}

static int
eval_node(struct vctx *c, struct snode *n, struct json_object *v,
    struct ann *a)
{
	int	 errs = 0;

	if (n->ref != NULL) {
		errs += eval(c, n->ref, v, a);
		if (errs > 0 && c->ve == NULL)
			return errs;
	}
	if (n->dynref != NULL) {
		errs += eval(c, dynamic_target(c, n), v, a);
		if (errs > 0 && c->ve == NULL)
			return errs;
	}
	if (n->types != 0 && !type_ok(n->types, v))
		return errs + type_error(c, n, v);
	if (n->has_const)
		errs += check_const(c, n, v);
	if (n->enumv != NULL)
		errs += check_enum(c, n, v);
	if (errs > 0 && c->ve == NULL)
		return errs;
	switch (json_object_get_type(v)) {
	case json_type_string:
		errs += check_string(c, n, v);
		break;
	case json_type_int:
	case json_type_double:
		errs += check_number(c, n, v);
		break;
	case json_type_object:
		errs += check_object(c, n, v, a);
		break;
	case json_type_array:
		errs += check_array(c, n, v, a);
		break;
	default:
		break;
	}
	if (errs > 0 && c->ve == NULL)
		return errs;
	errs += check_applicators(c, n, v, a);
	if (errs > 0 && c->ve == NULL)
		return errs;
	if (n->uprops != NULL || n->uitems != NULL)
		errs += check_unevaluated(c, n, v, a);
	return errs;
}

static int
eval(struct vctx *c, struct snode *n, struct json_object *v, struct ann *a)
{
	struct ann	 local;
	int		 errs, pushed = 0;

	if (c->over)
		return 1;
	if (++c->steps > SCHEMA_STEPS_MAX || c->depth >= EVAL_DEPTH_MAX) {
		c->over = 1;
		return 1;
	}
	if (n->boolean == 1)
		return 0;
	if (n->boolean == 0)
		return value_error(c, "no value is allowed here", v);
	if (c->nscope == 0 || c->scope[c->nscope - 1] != n->res) {
		if (c->nscope == SCOPE_MAX) {
			c->over = 1;
			return 1;
		}
		c->scope[c->nscope++] = n->res;
		pushed = 1;
	}
	c->depth++;
	if (n->uprops != NULL || n->uitems != NULL) {
		/* Only its own keywords count for its unevaluated*. */
		ann_init(&local, v);
		errs = eval_node(c, n, v, &local);
		if (errs == 0 && a != NULL)
			ann_merge(a, &local);
		free(local.bits);
	} else
		errs = eval_node(c, n, v, a);
	c->depth--;
	if (pushed)
		c->nscope--;
	return errs;
}

int
schema_validate(struct schema *s, struct json_object *inst, struct jpath *p,
    struct verr *ve)
{
	struct vctx	 c;
	char		*msg;
	int		 n0 = p->n, errs;

	size_t		 before = verr_count(ve);

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.ve = ve;
	c.p = p;
	errs = eval(&c, s->root, inst, NULL);
	p->n = n0;
	if (c.over) {
		msg = xasprintf("Value error, validating the input against "
		    "the schema needs too much work (more than %d steps or "
		    "%d nested subschemas)", SCHEMA_STEPS_MAX, EVAL_DEPTH_MAX);
		verr_add(ve, "value_error", p, msg, inst, NULL);
		free(msg);
		errs = (int)(verr_count(ve) - before);
	}
	return errs;
}

int
schema_valid(struct schema *s, struct json_object *inst)
{
	struct vctx	 c;
	struct jpath	 p;

	memset(&c, 0, sizeof(c));
	jpath_init(&p, NULL);
	c.s = s;
	c.p = &p;
	return eval(&c, s->root, inst, NULL) == 0 && !c.over;
}
