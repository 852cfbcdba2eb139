/*
 * The JSON Schema subset of engine.md ("input_schema"): checking a schema
 * document, and validating an instance against it with Pydantic v2 error
 * types and messages, so that clients parse a failed input_data like any
 * other 422.
 *
 * Keywords apply as in JSON Schema: a failed "type" ends the checks of
 * that value; "enum" applies to every value; the string, number, object
 * and array keywords apply to values of that kind only.
 */
#include <sys/types.h>

#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "jsonx.h"
#include "schema.h"

/* Longest "pattern" accepted, in bytes. */
#define SCHEMA_PATTERN_MAX	1024
/* Most atoms a "pattern" may expand to in regcomp (see below). */
#define SCHEMA_PATTERN_WEIGHT	1000
/* Deepest parenthesis nesting of a "pattern". */
#define SCHEMA_PATTERN_GROUPS	32

static const char *const schema_types[] = {
	"object", "array", "string", "number", "integer", "boolean", "null"
};

static int	schema_check_node(struct json_object *, struct jpath *,
		    struct verr *, int);
static int	schema_validate_node(struct json_object *,
		    struct json_object *, struct jpath *, struct verr *, int);

static int
schema_value_error(struct verr *ve, const struct jpath *p, const char *what,
    struct json_object *input)
{
	char	*msg;

	msg = xasprintf("Value error, %s", what);
	verr_add(ve, "value_error", p, msg, input, NULL);
	free(msg);
	return 1;
}

static int
schema_is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double);
}

/* Whether v is a JSON integer, or a double with an integral value. */
static int
schema_is_integer(struct json_object *v)
{
	double	 d, a;

	if (json_object_is_type(v, json_type_int))
		return 1;
	if (!json_object_is_type(v, json_type_double))
		return 0;
	d = json_object_get_double(v);
	if (!isfinite(d))
		return 0;
	a = d < 0 ? -d : d;
	if (a >= 9007199254740992.0)	/* 2^53: every double is integral */
		return 1;
	return (double)(int64_t)d == d;
}

static int
schema_type_known(const char *s)
{
	size_t	 i;

	for (i = 0; i < NITEMS(schema_types); i++)
		if (strcmp(s, schema_types[i]) == 0)
			return 1;
	return 0;
}

/* A non-negative integer keyword value; -1 if it is not one. */
static long long
schema_count(struct json_object *v)
{
	int64_t	 i;
	double	 d;

	if (json_object_is_type(v, json_type_int)) {
		i = json_object_get_int64(v);
		return i < 0 ? -1 : i;
	}
	if (schema_is_integer(v)) {
		d = json_object_get_double(v);
		if (d < 0)
			return -1;
		return d >= 9.2e18 ? INT64_MAX : (long long)d;
	}
	return -1;
}

static int
schema_check_type(struct json_object *v, struct jpath *p, struct verr *ve)
{
	struct json_object	*t;
	size_t			 i, n;
	int			 errs = 0;
	char			*msg;

	if (json_object_is_type(v, json_type_string)) {
		if (schema_type_known(json_object_get_string(v)))
			return 0;
		msg = xasprintf("unknown type '%s'", json_object_get_string(v));
		errs = schema_value_error(ve, p, msg, v);
		free(msg);
		return errs;
	}
	if (!json_object_is_type(v, json_type_array) ||
	    json_object_array_length(v) == 0)
		return schema_value_error(ve, p,
		    "'type' must be a type name or a non-empty array of them",
		    v);
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		t = json_object_array_get_idx(v, i);
		jpath_idx(p, (int)i);
		if (!json_object_is_type(t, json_type_string))
			errs += schema_value_error(ve, p,
			    "'type' must be a type name or a non-empty "
			    "array of them", t);
		else if (!schema_type_known(json_object_get_string(t))) {
			msg = xasprintf("unknown type '%s'",
			    json_object_get_string(t));
			errs += schema_value_error(ve, p, msg, t);
			free(msg);
		}
		jpath_pop(p);
	}
	return errs;
}

static int
schema_check_properties(struct json_object *v, struct jpath *p,
    struct verr *ve, int depth)
{
	int	 errs = 0;

	if (!json_object_is_type(v, json_type_object))
		return schema_value_error(ve, p,
		    "'properties' must be an object", v);
	json_object_object_foreach(v, key, sub) {
		jpath_key(p, key);
		errs += schema_check_node(sub, p, ve, depth + 1);
		jpath_pop(p);
	}
	return errs;
}

static int
schema_check_required(struct json_object *v, struct jpath *p,
    struct verr *ve)
{
	struct json_object	*e;
	size_t			 i, n;
	int			 errs = 0;

	if (!json_object_is_type(v, json_type_array))
		return schema_value_error(ve, p,
		    "'required' must be an array of strings", v);
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (json_object_is_type(e, json_type_string))
			continue;
		jpath_idx(p, (int)i);
		errs += schema_value_error(ve, p,
		    "'required' must be an array of strings", e);
		jpath_pop(p);
	}
	return errs;
}

/*
 * Index of the ']' closing the bracket expression opened at s[i], or of
 * the NUL when it is not closed (regcomp rejects that).
 */
static size_t
schema_bracket_end(const char *s, size_t i)
{
	char	 cls;

	i++;
	if (s[i] == '^')
		i++;
	if (s[i] == ']')
		i++;
	while (s[i] != '\0' && s[i] != ']') {
		if (s[i] == '[' && (s[i + 1] == ':' || s[i + 1] == '.' ||
		    s[i + 1] == '=')) {
			/* [:alpha:], [.x.] or [=e=]: skip to its end. */
			cls = s[i + 1];
			i += 2;
			while (s[i] != '\0' && !(s[i] == cls && s[i + 1] == ']'))
				i++;
			if (s[i] == '\0')
				return i;
			i++;
		}
		i++;
	}
	return i;
}

/* One open group while a pattern is costed. */
struct schema_pgroup {
	long	 sum;		/* weight of its atoms so far */
	int	 anynull;	/* a finished branch can match "" */
	int	 brnull;	/* the current branch can, so far */
	int	 prevnull;	/* brnull before the branch's last atom */
};

/* Append an atom of weight w to group g. */
static void
schema_patom(struct schema_pgroup *g, long w, int nullable, long *last,
    int *lastnull)
{
	g->sum += w;
	g->prevnull = g->brnull;
	g->brnull = g->brnull && nullable;
	*last = w;
	*lastnull = nullable;
}

/*
 * Whether the ERE s is cheap enough for glibc's regcomp and regexec:
 * NULL if so, else why not. Two things make glibc blow up. Bounds copy
 * their atom once per count, so "((a{1,200}){1,200}){1,200}" takes
 * seconds: every atom weighs 1, a group its atoms plus 1, {m,n} and {m,}
 * multiply the atom before them by n (m + 1) and + by 2, and the total
 * may not pass SCHEMA_PATTERN_WEIGHT. And + (or {m,} with m > 0) on
 * something that matches the empty string, as in "^(a*)+++++", makes
 * its epsilon closures explode; x* says the same, so it is refused. Back
 * references are not ERE and match in exponential time.
 */
static const char *
schema_pattern_cost(const char *s)
{
	struct schema_pgroup	 g[SCHEMA_PATTERN_GROUPS + 1];
	const char		*q, *toolong = "'pattern' is too complex: "
				    "bounded repetition expands past 1000 atoms";
	const char		*nullplus = "'pattern' repeats with + or {m,} "
				    "what can match the empty string (use *)";
	char			*end;
	long			 last = 0, m, n;
	size_t			 i;
	int			 sp = 0, lastnull = -1;

	memset(&g[0], 0, sizeof(g[0]));
	g[0].brnull = g[0].prevnull = 1;
	for (i = 0; s[i] != '\0'; i++) {
		switch (s[i]) {
		case '\\':
			if (s[i + 1] >= '1' && s[i + 1] <= '9')
				return "'pattern' must not use back-references";
			/* glibc's \b \B \< \> \` \' match empty. */
			schema_patom(&g[sp], 1, s[i + 1] != '\0' &&
			    strchr("bB<>`'", s[i + 1]) != NULL, &last,
			    &lastnull);
			if (s[i + 1] != '\0')
				i++;
			break;
		case '[':
			i = schema_bracket_end(s, i);
			if (s[i] == '\0')
				i--;
			schema_patom(&g[sp], 1, 0, &last, &lastnull);
			break;
		case '^':
		case '$':
			schema_patom(&g[sp], 1, 1, &last, &lastnull);
			break;
		case '(':
			if (sp == SCHEMA_PATTERN_GROUPS)
				return "'pattern' nests groups deeper than 32";
			sp++;
			memset(&g[sp], 0, sizeof(g[sp]));
			g[sp].brnull = g[sp].prevnull = 1;
			lastnull = -1;
			break;
		case ')':
			if (sp == 0) {
				schema_patom(&g[0], 1, 0, &last, &lastnull);
				break;
			}
			sp--;
			schema_patom(&g[sp], g[sp + 1].sum + 1,
			    g[sp + 1].anynull || g[sp + 1].brnull, &last,
			    &lastnull);
			break;
		case '|':
			g[sp].anynull |= g[sp].brnull;
			g[sp].brnull = g[sp].prevnull = 1;
			g[sp].sum++;
			lastnull = -1;
			break;
		case '*':
		case '?':
			if (lastnull != -1) {
				lastnull = 1;
				g[sp].brnull = g[sp].prevnull;
			}
			break;
		case '+':
			if (lastnull == 1)
				return nullplus;
			/* regcomp makes x+ into xx*: a copy, like {1,2}. */
			g[sp].sum += last;
			last *= 2;
			break;
		case '{':
			/* {m}, {m,}, {m,n} or, for glibc, {,n} meaning {0,n}. */
			q = s + i + 1;
			m = 0;
			if (*q >= '0' && *q <= '9') {
				m = strtol(q, &end, 10);
				q = end;
			} else if (q[0] != ',' || q[1] < '0' || q[1] > '9') {
				/* A literal brace. */
				schema_patom(&g[sp], 1, 0, &last, &lastnull);
				break;
			}
			if (m > SCHEMA_PATTERN_WEIGHT)
				return toolong;
			n = m;
			if (*q == ',') {
				q++;
				n = m + 1;
				if (*q >= '0' && *q <= '9') {
					n = strtol(q, &end, 10);
					q = end;
				} else if (m > 0 && lastnull == 1)
					return nullplus;
			}
			if (*q != '}') {
				/* Not a bound: regcomp decides. */
				schema_patom(&g[sp], 1, 0, &last, &lastnull);
				break;
			}
			if (n < 0 || n > SCHEMA_PATTERN_WEIGHT)
				return toolong;
			i = (size_t)(q - s);
			if (m == 0 && lastnull != -1) {
				lastnull = 1;
				g[sp].brnull = g[sp].prevnull;
			}
			if (n > 1) {
				g[sp].sum += last * (n - 1);
				last *= n;
			}
			break;
		default:
			schema_patom(&g[sp], 1, 0, &last, &lastnull);
			break;
		}
		if (g[sp].sum > SCHEMA_PATTERN_WEIGHT ||
		    last > SCHEMA_PATTERN_WEIGHT)
			return toolong;
	}
	while (sp > 0) {
		sp--;
		g[sp].sum += g[sp + 1].sum + 1;
		if (g[sp].sum > SCHEMA_PATTERN_WEIGHT)
			return toolong;
	}
	return NULL;
}

static int
schema_check_pattern(struct json_object *v, struct jpath *p,
    struct verr *ve)
{
	regex_t		 re;
	char		 why[128], *msg;
	const char	*s, *why_not;
	int		 rc;

	if (!json_object_is_type(v, json_type_string))
		return schema_value_error(ve, p, "'pattern' must be a string",
		    v);
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(s))
		return schema_value_error(ve, p,
		    "'pattern' must not contain NUL", v);
	if (strlen(s) > SCHEMA_PATTERN_MAX)
		return schema_value_error(ve, p,
		    "'pattern' is longer than 1024 bytes", v);
	if ((why_not = schema_pattern_cost(s)) != NULL)
		return schema_value_error(ve, p, why_not, v);
	if ((rc = regcomp(&re, s, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &re, why, sizeof(why));
		msg = xasprintf("'pattern' is not a valid POSIX extended "
		    "regular expression: %s", why);
		schema_value_error(ve, p, msg, v);
		free(msg);
		return 1;
	}
	regfree(&re);
	return 0;
}

/* The checks of one keyword of a schema object; p is at the keyword. */
static int
schema_check_keyword(const char *key, struct json_object *v,
    struct jpath *p, struct verr *ve, int depth)
{
	char	*msg;
	int	 errs;

	if (strcmp(key, "type") == 0)
		return schema_check_type(v, p, ve);
	if (strcmp(key, "properties") == 0)
		return schema_check_properties(v, p, ve, depth);
	if (strcmp(key, "required") == 0)
		return schema_check_required(v, p, ve);
	if (strcmp(key, "items") == 0)
		return schema_check_node(v, p, ve, depth + 1);
	if (strcmp(key, "pattern") == 0)
		return schema_check_pattern(v, p, ve);
	if (strcmp(key, "additionalProperties") == 0) {
		if (json_object_is_type(v, json_type_boolean))
			return 0;
		return schema_value_error(ve, p,
		    "'additionalProperties' must be a boolean", v);
	}
	if (strcmp(key, "enum") == 0) {
		if (json_object_is_type(v, json_type_array) &&
		    json_object_array_length(v) > 0)
			return 0;
		return schema_value_error(ve, p,
		    "'enum' must be a non-empty array", v);
	}
	if (strcmp(key, "minimum") == 0 || strcmp(key, "maximum") == 0) {
		if (schema_is_number(v))
			return 0;
		msg = xasprintf("'%s' must be a number", key);
		errs = schema_value_error(ve, p, msg, v);
		free(msg);
		return errs;
	}
	if (strcmp(key, "minLength") == 0 || strcmp(key, "maxLength") == 0) {
		if (schema_count(v) >= 0)
			return 0;
		msg = xasprintf("'%s' must be a non-negative integer", key);
		errs = schema_value_error(ve, p, msg, v);
		free(msg);
		return errs;
	}
	/* Annotations change nothing in validation: accepted as they are. */
	if (strcmp(key, "title") == 0 || strcmp(key, "description") == 0 ||
	    strcmp(key, "$comment") == 0 || strcmp(key, "$schema") == 0 ||
	    strcmp(key, "examples") == 0 || strcmp(key, "default") == 0)
		return 0;
	msg = xasprintf("unknown schema keyword '%s'", key);
	errs = schema_value_error(ve, p, msg, v);
	free(msg);
	return errs;
}

static int
schema_check_node(struct json_object *s, struct jpath *p, struct verr *ve,
    int depth)
{
	char	*msg;
	int	 errs = 0;

	if (depth > SCHEMA_DEPTH_MAX) {
		msg = xasprintf("schema nested deeper than %d levels",
		    SCHEMA_DEPTH_MAX);
		errs = schema_value_error(ve, p, msg, s);
		free(msg);
		return errs;
	}
	if (!json_object_is_type(s, json_type_object))
		return schema_value_error(ve, p, "a schema must be an object",
		    s);
	json_object_object_foreach(s, key, v) {
		jpath_key(p, key);
		errs += schema_check_keyword(key, v, p, ve, depth);
		jpath_pop(p);
	}
	return errs;
}

int
schema_check(struct json_object *schema, struct jpath *p, struct verr *ve)
{
	return schema_check_node(schema, p, ve, 1);
}

/* Whether v is of the type named t. */
static int
schema_type_is(const char *t, struct json_object *v)
{
	if (strcmp(t, "object") == 0)
		return json_object_is_type(v, json_type_object);
	if (strcmp(t, "array") == 0)
		return json_object_is_type(v, json_type_array);
	if (strcmp(t, "string") == 0)
		return json_object_is_type(v, json_type_string);
	if (strcmp(t, "number") == 0)
		return schema_is_number(v);
	if (strcmp(t, "integer") == 0)
		return schema_is_integer(v);
	if (strcmp(t, "boolean") == 0)
		return json_object_is_type(v, json_type_boolean);
	if (strcmp(t, "null") == 0)
		return json_object_is_type(v, json_type_null);
	return 0;
}

/*
 * The "type" keyword. Returns 0 when v matches; otherwise adds the error
 * of the first type listed that is not null (as Pydantic reports an
 * Optional[X]) and returns 1.
 */
static int
schema_validate_type(struct json_object *t, struct json_object *v,
    struct jpath *p, struct verr *ve)
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
	size_t			 i, n;

	if (json_object_is_type(t, json_type_string)) {
		want = json_object_get_string(t);
		if (schema_type_is(want, v))
			return 0;
	} else if (json_object_is_type(t, json_type_array)) {
		n = json_object_array_length(t);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(t, i);
			if (!json_object_is_type(e, json_type_string))
				continue;
			name = json_object_get_string(e);
			if (schema_type_is(name, v))
				return 0;
			if (want == NULL || strcmp(want, "null") == 0)
				want = name;
		}
	}
	if (want == NULL)
		return 0;	/* not a checked schema: ignore */
	for (i = 0; i < NITEMS(kinds); i++) {
		if (strcmp(want, kinds[i].name) == 0) {
			verr_add(ve, kinds[i].type, p, kinds[i].msg, v, NULL);
			return 1;
		}
	}
	return 0;
}

/*
 * The enum alternatives as Pydantic writes them: 'A', 'B' or 'C'
 * (strings quoted, other values as canonical JSON). Caller frees.
 */
static char *
schema_enum_expected(struct json_object *en)
{
	struct json_object	*e;
	char			*out = NULL, *item, *tmp;
	size_t			 i, n;

	n = json_object_array_length(en);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(en, i);
		if (json_object_is_type(e, json_type_string))
			item = xasprintf("'%s'", json_object_get_string(e));
		else
			item = jsonx_canon(e);
		if (out == NULL)
			tmp = xstrdup(item);
		else
			tmp = xasprintf("%s%s%s", out,
			    i + 1 == n ? " or " : ", ", item);
		free(out);
		free(item);
		out = tmp;
	}
	return out == NULL ? xstrdup("") : out;
}

static int
schema_validate_enum(struct json_object *en, struct json_object *v,
    struct jpath *p, struct verr *ve)
{
	struct json_object	*ctx;
	size_t			 i, n;
	char			*exp, *msg;

	if (!json_object_is_type(en, json_type_array))
		return 0;
	n = json_object_array_length(en);
	for (i = 0; i < n; i++)
		if (jsonx_equal(json_object_array_get_idx(en, i), v))
			return 0;
	exp = schema_enum_expected(en);
	msg = xasprintf("Input should be %s", exp);
	ctx = json_object_new_object();
	json_object_object_add(ctx, "expected", json_object_new_string(exp));
	verr_add(ve, "enum", p, msg, v, ctx);
	free(msg);
	free(exp);
	return 1;
}

/* Unicode code points in a valid UTF-8 string of n bytes. */
static size_t
schema_strlen(const char *s, size_t n)
{
	size_t	 i, cps = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cps++;
	return cps;
}

static int
schema_validate_string(struct json_object *s, struct json_object *v,
    struct jpath *p, struct verr *ve)
{
	struct json_object	*kw, *ctx;
	const char		*str;
	char			*msg;
	regex_t			 re;
	size_t			 n;
	long long		 lim;
	int			 errs = 0;

	str = json_object_get_string(v);
	n = schema_strlen(str, (size_t)json_object_get_string_len(v));
	if (json_object_object_get_ex(s, "minLength", &kw) &&
	    (lim = schema_count(kw)) >= 0 && n < (unsigned long long)lim) {
		msg = xasprintf("String should have at least %lld character%s",
		    lim, lim == 1 ? "" : "s");
		ctx = json_object_new_object();
		json_object_object_add(ctx, "min_length",
		    json_object_new_int64(lim));
		verr_add(ve, "string_too_short", p, msg, v, ctx);
		free(msg);
		errs++;
	}
	if (json_object_object_get_ex(s, "maxLength", &kw) &&
	    (lim = schema_count(kw)) >= 0 && n > (unsigned long long)lim) {
		msg = xasprintf("String should have at most %lld character%s",
		    lim, lim == 1 ? "" : "s");
		ctx = json_object_new_object();
		json_object_object_add(ctx, "max_length",
		    json_object_new_int64(lim));
		verr_add(ve, "string_too_long", p, msg, v, ctx);
		free(msg);
		errs++;
	}
	if (json_object_object_get_ex(s, "pattern", &kw) &&
	    json_object_is_type(kw, json_type_string) &&
	    regcomp(&re, json_object_get_string(kw),
	    REG_EXTENDED | REG_NOSUB) == 0) {
		if (regexec(&re, str, 0, NULL, 0) != 0) {
			msg = xasprintf("String should match pattern '%s'",
			    json_object_get_string(kw));
			ctx = json_object_new_object();
			json_object_object_add(ctx, "pattern",
			    json_object_new_string(
			    json_object_get_string(kw)));
			verr_add(ve, "string_pattern_mismatch", p, msg, v,
			    ctx);
			free(msg);
			errs++;
		}
		regfree(&re);
	}
	return errs;
}

/* Sign of a - b for two numbers. */
static int
schema_numcmp(struct json_object *a, struct json_object *b)
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
	if (json_object_is_type(a, json_type_int))
		da = json_object_get_int64(a) == INT64_MAX ?
		    (long double)json_object_get_uint64(a) :
		    (long double)json_object_get_int64(a);
	else
		da = json_object_get_double(a);
	if (json_object_is_type(b, json_type_int))
		db = json_object_get_int64(b) == INT64_MAX ?
		    (long double)json_object_get_uint64(b) :
		    (long double)json_object_get_int64(b);
	else
		db = json_object_get_double(b);
	return da < db ? -1 : da > db;
}

/* A new number equal to the keyword value n, printed canonically. */
static struct json_object *
schema_number_copy(struct json_object *n)
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

static int
schema_validate_bound(struct json_object *kw, struct json_object *v,
    struct jpath *p, struct verr *ve, int lower)
{
	struct json_object	*ctx;
	char			*num, *msg;

	if (!schema_is_number(kw))
		return 0;
	if (lower ? schema_numcmp(v, kw) >= 0 : schema_numcmp(v, kw) <= 0)
		return 0;
	num = jsonx_canon(kw);
	msg = xasprintf("Input should be %s than or equal to %s",
	    lower ? "greater" : "less", num);
	ctx = json_object_new_object();
	json_object_object_add(ctx, lower ? "ge" : "le",
	    schema_number_copy(kw));
	verr_add(ve, lower ? "greater_than_equal" : "less_than_equal", p, msg,
	    v, ctx);
	free(msg);
	free(num);
	return 1;
}

static int
schema_validate_number(struct json_object *s, struct json_object *v,
    struct jpath *p, struct verr *ve)
{
	struct json_object	*kw;
	int			 errs = 0;

	if (json_object_object_get_ex(s, "minimum", &kw))
		errs += schema_validate_bound(kw, v, p, ve, 1);
	if (json_object_object_get_ex(s, "maximum", &kw))
		errs += schema_validate_bound(kw, v, p, ve, 0);
	return errs;
}

static int
schema_has_string(struct json_object *arr, size_t upto, const char *name)
{
	struct json_object	*e;
	size_t			 i;

	for (i = 0; i < upto; i++) {
		e = json_object_array_get_idx(arr, i);
		if (json_object_is_type(e, json_type_string) &&
		    strcmp(json_object_get_string(e), name) == 0)
			return 1;
	}
	return 0;
}

static int
schema_missing(struct json_object *v, const char *name, struct jpath *p,
    struct verr *ve)
{
	jpath_key(p, name);
	verr_add(ve, "missing", p, "Field required", v, NULL);
	jpath_pop(p);
	return 1;
}

/*
 * Object keywords: properties in schema order (each either validated or,
 * when required, reported missing), then required names that have no
 * property schema, then keys additionalProperties false forbids.
 */
static int
schema_validate_object(struct json_object *s, struct json_object *v,
    struct jpath *p, struct verr *ve, int depth)
{
	struct json_object	*props = NULL, *req = NULL, *ap, *cv, *e;
	const char		*name;
	size_t			 i, n = 0;
	int			 errs = 0;

	if (!json_object_object_get_ex(s, "properties", &props) ||
	    !json_object_is_type(props, json_type_object))
		props = NULL;
	if (json_object_object_get_ex(s, "required", &req) &&
	    json_object_is_type(req, json_type_array))
		n = json_object_array_length(req);
	else
		req = NULL;

	if (props != NULL) {
		json_object_object_foreach(props, key, sub) {
			if (json_object_object_get_ex(v, key, &cv)) {
				jpath_key(p, key);
				errs += schema_validate_node(sub, cv, p, ve,
				    depth + 1);
				jpath_pop(p);
			} else if (req != NULL &&
			    schema_has_string(req, n, key))
				errs += schema_missing(v, key, p, ve);
		}
	}
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(req, i);
		if (!json_object_is_type(e, json_type_string))
			continue;
		name = json_object_get_string(e);
		if (json_object_object_get_ex(v, name, NULL) ||
		    (props != NULL &&
		    json_object_object_get_ex(props, name, NULL)) ||
		    schema_has_string(req, i, name))
			continue;
		errs += schema_missing(v, name, p, ve);
	}
	if (json_object_object_get_ex(s, "additionalProperties", &ap) &&
	    json_object_is_type(ap, json_type_boolean) &&
	    !json_object_get_boolean(ap)) {
		json_object_object_foreach(v, key, val) {
			if (props != NULL &&
			    json_object_object_get_ex(props, key, NULL))
				continue;
			jpath_key(p, key);
			verr_add(ve, "extra_forbidden", p,
			    "Extra inputs are not permitted", val, NULL);
			jpath_pop(p);
			errs++;
		}
	}
	return errs;
}

static int
schema_validate_array(struct json_object *s, struct json_object *v,
    struct jpath *p, struct verr *ve, int depth)
{
	struct json_object	*items;
	size_t			 i, n;
	int			 errs = 0;

	if (!json_object_object_get_ex(s, "items", &items))
		return 0;
	n = json_object_array_length(v);
	for (i = 0; i < n && i <= INT32_MAX; i++) {
		jpath_idx(p, (int)i);
		errs += schema_validate_node(items,
		    json_object_array_get_idx(v, i), p, ve, depth + 1);
		jpath_pop(p);
	}
	return errs;
}

static int
schema_validate_node(struct json_object *s, struct json_object *v,
    struct jpath *p, struct verr *ve, int depth)
{
	struct json_object	*kw;
	int			 errs = 0;

	if (depth > SCHEMA_DEPTH_MAX || !json_object_is_type(s, json_type_object))
		return 0;
	if (json_object_object_get_ex(s, "type", &kw) &&
	    schema_validate_type(kw, v, p, ve) != 0)
		return 1;
	if (json_object_object_get_ex(s, "enum", &kw))
		errs += schema_validate_enum(kw, v, p, ve);
	switch (json_object_get_type(v)) {
	case json_type_string:
		errs += schema_validate_string(s, v, p, ve);
		break;
	case json_type_int:
	case json_type_double:
		errs += schema_validate_number(s, v, p, ve);
		break;
	case json_type_object:
		errs += schema_validate_object(s, v, p, ve, depth);
		break;
	case json_type_array:
		errs += schema_validate_array(s, v, p, ve, depth);
		break;
	default:
		break;
	}
	return errs;
}

int
schema_validate(struct json_object *schema, struct json_object *inst,
    struct jpath *p, struct verr *ve)
{
	return schema_validate_node(schema, inst, p, ve, 1);
}
