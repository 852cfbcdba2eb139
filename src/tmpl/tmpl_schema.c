/*
 * Compiling a JSON Schema 2020-12 document (include/schema.h): every
 * subschema becomes a struct snode with its keywords read once, patterns
 * compiled by PCRE2, and references resolved to nodes. Resources ($id)
 * and anchors are registered in a first walk, and references resolved
 * after it, so a reference may point forward. A reference outside the
 * document (a "remote" one) is refused: nothing is ever fetched.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "tmpl_schema_int.h"

/* The base URI of a document without "$id" (never fetched). */
#define SCHEMA_BASE_DEFAULT	"urn:wfm:schema"

struct sref {
	struct snode	*from;
	int		 dynamic;
	const char	*ref;		/* borrowed */
	struct json_object *loc;	/* owned */
	struct sref	*next;
};

struct cctx {
	struct schema	*s;
	struct verr	*ve;
	struct jpath	*p;
	int		 errs;
	struct sref	*refs;
};

static struct snode	*scan(struct cctx *, struct json_object *,
			    struct schema_res *, int);

/* The keywords whose value is one schema. */
static const char *const kw_schema[] = {
	"additionalProperties", "propertyNames", "items", "contains", "not",
	"if", "then", "else", "unevaluatedProperties", "unevaluatedItems"
};

/* Keywords whose value is a non-negative integer. */
static const char *const kw_count[] = {
	"minLength", "maxLength", "minItems", "maxItems", "minProperties",
	"maxProperties", "minContains", "maxContains"
};

static void
cerr(struct cctx *c, const char *what, struct json_object *input)
{
	char	*msg;

	msg = xasprintf("Value error, %s", what);
	verr_add(c->ve, "value_error", c->p, msg, input, NULL);
	free(msg);
	c->errs++;
}

static void
cerr_at(struct cctx *c, const char *key, const char *what,
    struct json_object *input)
{
	jpath_key(c->p, key);
	cerr(c, what, input);
	jpath_pop(c->p);
}

/* The pointer map. */

static size_t
smap_hash(const void *k, size_t cap)
{
	uintptr_t	 h = (uintptr_t)k;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ULL;
	h ^= h >> 29;
	return (size_t)h & (cap - 1);
}

struct snode *
smap_get(const struct smap *m, const void *k)
{
	size_t	 i;

	if (m->cap == 0)
		return NULL;
	for (i = smap_hash(k, m->cap); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == k)
			return m->vals[i];
	return NULL;
}

static void
smap_put(struct smap *m, const void *k, struct snode *v)
{
	const void	**ok;
	struct snode	**ov;
	size_t		  i, ocap;

	if ((m->n + 1) * 2 > m->cap) {
		ok = m->keys;
		ov = m->vals;
		ocap = m->cap;
		m->cap = ocap == 0 ? 64 : ocap * 2;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->vals = xcalloc(m->cap, sizeof(struct snode *));
		m->n = 0;
		for (i = 0; i < ocap; i++)
			if (ok[i] != NULL)
				smap_put(m, ok[i], ov[i]);
		free(ok);
		free(ov);
	}
	for (i = smap_hash(k, m->cap); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = k;
	m->vals[i] = v;
	m->n++;
}

static struct schema_res *
res_find(struct schema *s, const char *uri)
{
	struct schema_res	*r;

	for (r = s->res; r != NULL; r = r->next)
		if (strcmp(r->uri, uri) == 0)
			return r;
	return NULL;
}

static struct schema_res *
res_new(struct schema *s, char *uri, struct json_object *root)
{
	struct schema_res	*r = xcalloc(1, sizeof(*r));

	r->uri = uri;
	r->root = root;
	r->next = s->res;
	s->res = r;
	return r;
}

struct snode *
schema_res_anchor(const struct schema_res *r, const char *name, int dynamic_only)
{
	const struct sanchor	*a;

	for (a = r->anchors; a != NULL; a = a->next)
		if (strcmp(a->name, name) == 0 && (!dynamic_only || a->dynamic))
			return a->node;
	return NULL;
}

/* Keyword value checks. */

static int
is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double);
}

/* A non-negative integer keyword value, or -1. */
static long long
count_of(struct json_object *v)
{
	double	d;

	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v) < 0 ? -1 :
		    json_object_get_int64(v);
	if (json_object_is_type(v, json_type_double)) {
		d = json_object_get_double(v);
		if (d >= 0 && d <= 9e18 && floor(d) == d)
			return (long long)d;
	}
	return -1;
}

static unsigned
type_bit(const char *t)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} tt[] = {
		{ "null", ST_NULL }, { "boolean", ST_BOOL },
		{ "object", ST_OBJECT }, { "array", ST_ARRAY },
		{ "number", ST_NUMBER }, { "string", ST_STRING },
		{ "integer", ST_INTEGER },
	};
	size_t	 i;

	for (i = 0; i < NITEMS(tt); i++)
		if (strcmp(t, tt[i].name) == 0)
			return tt[i].bit;
	return 0;
}

static void
check_type(struct cctx *c, struct snode *n, struct json_object *v)
{
	struct json_object	*e;
	const char		*msg = "'type' must be a type name or a "
				    "non-empty array of them";
	char			*m;
	size_t			 i, len;
	unsigned		 b;

	n->type_kw = v;
	jpath_key(c->p, "type");
	if (json_object_is_type(v, json_type_string)) {
		if ((n->types = type_bit(json_object_get_string(v))) == 0) {
			m = xasprintf("unknown type '%s'",
			    json_object_get_string(v));
			cerr(c, m, v);
			free(m);
		}
	} else if (json_object_is_type(v, json_type_array) &&
	    (len = json_object_array_length(v)) > 0) {
		for (i = 0; i < len; i++) {
			e = json_object_array_get_idx(v, i);
			jpath_idx(c->p, (int)i);
			if (!json_object_is_type(e, json_type_string))
				cerr(c, msg, e);
			else if ((b = type_bit(json_object_get_string(e))) ==
			    0) {
				m = xasprintf("unknown type '%s'",
				    json_object_get_string(e));
				cerr(c, m, e);
				free(m);
			} else if (n->types & b)
				cerr(c, "'type' names a type twice", e);
			else
				n->types |= b;
			jpath_pop(c->p);
		}
	} else
		cerr(c, msg, v);
	jpath_pop(c->p);
}

/* An array of unique strings ("required", dependentRequired values). */
static int
check_strings(struct cctx *c, const char *kw, struct json_object *v)
{
	struct json_object	*e;
	size_t			 i, j, len;
	char			*m;
	int			 errs = c->errs;

	m = xasprintf("'%s' must be an array of unique strings", kw);
	if (!json_object_is_type(v, json_type_array)) {
		cerr(c, m, v);
		free(m);
		return 1;
	}
	len = json_object_array_length(v);
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(v, i);
		jpath_idx(c->p, (int)i);
		if (!json_object_is_type(e, json_type_string))
			cerr(c, m, e);
		else
			for (j = 0; j < i; j++)
				if (json_object_is_type(
				    json_object_array_get_idx(v, j),
				    json_object_get_type(e)) &&
				    strcmp(json_object_get_string(
				    json_object_array_get_idx(v, j)),
				    json_object_get_string(e)) == 0) {
					cerr(c, m, e);
					break;
				}
		jpath_pop(c->p);
	}
	free(m);
	return c->errs != errs;
}

static int
anchor_name_ok(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	    *s == '_'))
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return 0;
	return 1;
}

static pcre2_code *
check_regex(struct cctx *c, struct json_object *v, const char *what)
{
	pcre2_code	*re;
	struct errmsg	 err;
	char		*m;

	if (json_object_get_string_len(v) > SCHEMA_PATTERN_MAX) {
		m = xasprintf("%s is longer than %d bytes", what,
		    SCHEMA_PATTERN_MAX);
		cerr(c, m, v);
		free(m);
		return NULL;
	}
	if ((re = sre_compile(json_object_get_string(v), &err)) == NULL) {
		m = xasprintf("%s is not a valid ECMA-262 regular "
		    "expression: %s", what, err.text);
		cerr(c, m, v);
		free(m);
	}
	return re;
}

/* Children. */

static struct snode *
sub(struct cctx *c, const char *kw, struct json_object *v, struct schema_res *res,
    int depth)
{
	struct snode	*n;

	jpath_key(c->p, kw);
	n = scan(c, v, res, depth + 1);
	jpath_pop(c->p);
	return n;
}

/* A non-empty array of schemas; returns the count, *out the nodes. */
static int
sub_array(struct cctx *c, const char *kw, struct json_object *v,
    struct schema_res *res, int depth, struct snode ***out)
{
	size_t		 i, len;
	char		*m;

	if (!json_object_is_type(v, json_type_array) ||
	    (len = json_object_array_length(v)) == 0) {
		m = xasprintf("'%s' must be a non-empty array of schemas", kw);
		cerr_at(c, kw, m, v);
		free(m);
		return 0;
	}
	*out = xcalloc(len, sizeof(struct snode *));
	jpath_key(c->p, kw);
	for (i = 0; i < len; i++) {
		jpath_idx(c->p, (int)i);
		(*out)[i] = scan(c, json_object_array_get_idx(v, i), res,
		    depth + 1);
		jpath_pop(c->p);
	}
	jpath_pop(c->p);
	return (int)len;
}

static int
prop_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sprop *)a)->name,
	    ((const struct sprop *)b)->name);
}

/* An object of schemas ("properties", "dependentSchemas", "$defs"). */
static int
sub_object(struct cctx *c, const char *kw, struct json_object *v,
    struct schema_res *res, int depth, struct sprop **out)
{
	struct sprop	*pp;
	char		*m;
	int		 n = 0;

	if (!json_object_is_type(v, json_type_object)) {
		m = xasprintf("'%s' must be an object", kw);
		cerr_at(c, kw, m, v);
		free(m);
		return 0;
	}
	pp = xcalloc((size_t)json_object_object_length(v) + 1, sizeof(*pp));
	jpath_key(c->p, kw);
	json_object_object_foreach(v, key, val) {
		jpath_key(c->p, key);
		pp[n].name = key;
		pp[n].sub = scan(c, val, res, depth + 1);
		n++;
		jpath_pop(c->p);
	}
	jpath_pop(c->p);
	if (out != NULL)
		*out = pp;
	else
		free(pp);
	return n;
}

static void
scan_pattern_props(struct cctx *c, struct snode *n, struct json_object *v,
    int depth)
{
	int	 i = 0;

	if (!json_object_is_type(v, json_type_object)) {
		cerr_at(c, "patternProperties",
		    "'patternProperties' must be an object", v);
		return;
	}
	n->pats = xcalloc((size_t)json_object_object_length(v) + 1,
	    sizeof(*n->pats));
	jpath_key(c->p, "patternProperties");
	json_object_object_foreach(v, key, val) {
		struct json_object	*ks = json_object_new_string(key);

		jpath_key(c->p, key);
		n->pats[i].src = key;
		n->pats[i].re = check_regex(c, ks,
		    "a 'patternProperties' name");
		json_object_put(ks);
		n->pats[i].sub = scan(c, val, n->res, depth + 1);
		i++;
		jpath_pop(c->p);
	}
	jpath_pop(c->p);
	n->npats = i;
}

static void
scan_dep_required(struct cctx *c, struct snode *n, struct json_object *v)
{
	int	 i = 0;

	if (!json_object_is_type(v, json_type_object)) {
		cerr_at(c, "dependentRequired",
		    "'dependentRequired' must be an object", v);
		return;
	}
	n->depreq = xcalloc((size_t)json_object_object_length(v) + 1,
	    sizeof(*n->depreq));
	jpath_key(c->p, "dependentRequired");
	json_object_object_foreach(v, key, val) {
		jpath_key(c->p, key);
		if (!check_strings(c, "dependentRequired", val)) {
			n->depreq[i].name = key;
			n->depreq[i].names = val;
			i++;
		}
		jpath_pop(c->p);
	}
	jpath_pop(c->p);
	n->ndepreq = i;
}

static void
add_ref(struct cctx *c, struct snode *n, const char *kw,
    struct json_object *v, int dynamic)
{
	struct sref	*r;
	char		*m;

	if (!json_object_is_type(v, json_type_string)) {
		m = xasprintf("'%s' must be a string", kw);
		cerr_at(c, kw, m, v);
		free(m);
		return;
	}
	r = xcalloc(1, sizeof(*r));
	r->from = n;
	r->dynamic = dynamic;
	r->ref = json_object_get_string(v);
	jpath_key(c->p, kw);
	r->loc = jpath_json(c->p);
	jpath_pop(c->p);
	r->next = c->refs;
	c->refs = r;
}

static void
add_anchor(struct cctx *c, struct snode *n, const char *kw,
    struct json_object *v, int dynamic)
{
	struct sanchor	*a;
	char		*m;

	if (!json_object_is_type(v, json_type_string) ||
	    !anchor_name_ok(json_object_get_string(v))) {
		m = xasprintf("'%s' must be a name matching "
		    "^[A-Za-z_][-A-Za-z0-9._]*$", kw);
		cerr_at(c, kw, m, v);
		free(m);
		return;
	}
	if (dynamic)
		n->dynanchor = json_object_get_string(v);
	if (schema_res_anchor(n->res, json_object_get_string(v), 0) != NULL &&
	    !dynamic) {
		cerr_at(c, kw, "an anchor of that name already exists", v);
		return;
	}
	a = xcalloc(1, sizeof(*a));
	a->name = xstrdup(json_object_get_string(v));
	a->node = n;
	a->dynamic = dynamic;
	a->next = n->res->anchors;
	n->res->anchors = a;
}

/* The resource a subschema with "$id" starts; res when it has none. */
static struct schema_res *
scan_id(struct cctx *c, struct json_object *s, struct schema_res *res)
{
	struct json_object	*v;
	const char		*frag;
	char			*uri;

	if (!json_object_object_get_ex(s, "$id", &v))
		return res;
	if (!json_object_is_type(v, json_type_string)) {
		cerr_at(c, "$id", "'$id' must be a string", v);
		return res;
	}
	uri = suri_resolve(res == NULL ? SCHEMA_BASE_DEFAULT : res->uri,
	    json_object_get_string(v));
	suri_split(uri, &frag);
	if (*frag != '\0') {
		cerr_at(c, "$id", "'$id' must not have a fragment", v);
		free(uri);
		return res;
	}
	if (res_find(c->s, uri) != NULL) {
		cerr_at(c, "$id", "'$id' names a resource twice", v);
		free(uri);
		return res;
	}
	return res_new(c->s, uri, s);
}

static void
scan_keyword(struct cctx *c, struct snode *n, const char *key,
    struct json_object *v, int depth)
{
	size_t	 i;
	char	*m;

	for (i = 0; i < NITEMS(kw_schema); i++) {
		if (strcmp(key, kw_schema[i]) != 0)
			continue;
		struct snode *x = sub(c, key, v, n->res, depth);
		switch (i) {
		case 0: n->addl = x; break;
		case 1: n->pnames = x; break;
		case 2: n->items = x; break;
		case 3: n->contains = x; break;
		case 4: n->not_ = x; break;
		case 5: n->if_ = x; break;
		case 6: n->then_ = x; break;
		case 7: n->else_ = x; break;
		case 8: n->uprops = x; break;
		default: n->uitems = x; break;
		}
		return;
	}
	for (i = 0; i < NITEMS(kw_count); i++) {
		long long	*dst[] = { &n->minlen, &n->maxlen,
				    &n->minitems, &n->maxitems, &n->minprops,
				    &n->maxprops, &n->mincontains,
				    &n->maxcontains };

		if (strcmp(key, kw_count[i]) != 0)
			continue;
		if ((*dst[i] = count_of(v)) < 0) {
			m = xasprintf("'%s' must be a non-negative integer",
			    key);
			cerr_at(c, key, m, v);
			free(m);
		}
		return;
	}
	if (strcmp(key, "type") == 0)
		check_type(c, n, v);
	else if (strcmp(key, "const") == 0) {
		n->constv = v;
		n->has_const = 1;
	} else if (strcmp(key, "enum") == 0) {
		if (!json_object_is_type(v, json_type_array))
			cerr_at(c, key, "'enum' must be an array", v);
		else
			n->enumv = v;
	} else if (strcmp(key, "multipleOf") == 0 ||
	    strcmp(key, "minimum") == 0 || strcmp(key, "maximum") == 0 ||
	    strcmp(key, "exclusiveMinimum") == 0 ||
	    strcmp(key, "exclusiveMaximum") == 0) {
		if (!is_number(v)) {
			m = xasprintf("'%s' must be a number", key);
			cerr_at(c, key, m, v);
			free(m);
		} else if (key[0] == 'm' && key[1] == 'u') {
			if (json_object_get_double(v) <= 0)
				cerr_at(c, key, "'multipleOf' must be a "
				    "number greater than 0", v);
			else
				n->multiple = v;
		} else if (strcmp(key, "minimum") == 0)
			n->minimum = v;
		else if (strcmp(key, "maximum") == 0)
			n->maximum = v;
		else if (strcmp(key, "exclusiveMinimum") == 0)
			n->exmin = v;
		else
			n->exmax = v;
	} else if (strcmp(key, "uniqueItems") == 0) {
		if (!json_object_is_type(v, json_type_boolean))
			cerr_at(c, key, "'uniqueItems' must be a boolean", v);
		else
			n->unique = json_object_get_boolean(v);
	} else if (strcmp(key, "pattern") == 0) {
		if (!json_object_is_type(v, json_type_string))
			cerr_at(c, key, "'pattern' must be a string", v);
		else {
			jpath_key(c->p, key);
			n->pattern = check_regex(c, v, "'pattern'");
			n->pattern_src = json_object_get_string(v);
			jpath_pop(c->p);
		}
	} else if (strcmp(key, "format") == 0) {
		if (!json_object_is_type(v, json_type_string))
			cerr_at(c, key, "'format' must be a string", v);
		else {
			n->format = sfmt_parse(json_object_get_string(v));
			n->format_name = json_object_get_string(v);
		}
	} else if (strcmp(key, "required") == 0) {
		jpath_key(c->p, key);
		if (!check_strings(c, key, v))
			n->required = v;
		jpath_pop(c->p);
	} else if (strcmp(key, "dependentRequired") == 0)
		scan_dep_required(c, n, v);
	else if (strcmp(key, "properties") == 0)
		n->nprops = sub_object(c, key, v, n->res, depth, &n->props);
	else if (strcmp(key, "dependentSchemas") == 0)
		n->ndepsch = sub_object(c, key, v, n->res, depth, &n->depsch);
	else if (strcmp(key, "$defs") == 0)
		(void)sub_object(c, key, v, n->res, depth, NULL);
	else if (strcmp(key, "patternProperties") == 0)
		scan_pattern_props(c, n, v, depth);
	else if (strcmp(key, "prefixItems") == 0)
		n->nprefix = sub_array(c, key, v, n->res, depth, &n->prefix);
	else if (strcmp(key, "allOf") == 0)
		n->nall = sub_array(c, key, v, n->res, depth, &n->all);
	else if (strcmp(key, "anyOf") == 0)
		n->nany = sub_array(c, key, v, n->res, depth, &n->any);
	else if (strcmp(key, "oneOf") == 0)
		n->none = sub_array(c, key, v, n->res, depth, &n->one);
	else if (strcmp(key, "$ref") == 0)
		add_ref(c, n, key, v, 0);
	else if (strcmp(key, "$dynamicRef") == 0)
		add_ref(c, n, key, v, 1);
	else if (strcmp(key, "$anchor") == 0)
		add_anchor(c, n, key, v, 0);
	else if (strcmp(key, "$dynamicAnchor") == 0)
		add_anchor(c, n, key, v, 1);
	else if (strcmp(key, "$schema") == 0 || strcmp(key, "$comment") == 0) {
		if (!json_object_is_type(v, json_type_string)) {
			m = xasprintf("'%s' must be a string", key);
			cerr_at(c, key, m, v);
			free(m);
		}
	}
	/* Anything else is an annotation or an unknown keyword: ignored. */
}

/* The sorted copy of "properties", and which of them are required. */
static void
scan_finish(struct snode *n)
{
	struct json_object	*e;
	size_t			 i, len;
	int			 j;

	if (n->nprops == 0)
		return;
	n->sprops = xcalloc((size_t)n->nprops, sizeof(*n->sprops));
	memcpy(n->sprops, n->props, (size_t)n->nprops * sizeof(*n->props));
	qsort(n->sprops, (size_t)n->nprops, sizeof(*n->sprops), prop_cmp);
	if (n->required == NULL)
		return;
	len = json_object_array_length(n->required);
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(n->required, i);
		for (j = 0; j < n->nprops; j++)
			if (strcmp(n->props[j].name,
			    json_object_get_string(e)) == 0)
				n->props[j].required = 1;
	}
}

/*
 * The node of schema s (created on first sight), its keywords read and
 * its subschemas scanned; res is the enclosing resource (NULL at the
 * document root).
 */
static struct snode *
scan(struct cctx *c, struct json_object *s, struct schema_res *res, int depth)
{
	struct snode	*n;
	char		*m;

	if ((n = smap_get(&c->s->map, s)) != NULL)
		return n;
	n = xcalloc(1, sizeof(*n));
	n->obj = s;
	n->minlen = n->maxlen = n->minitems = n->maxitems = -1;
	n->minprops = n->maxprops = n->mincontains = n->maxcontains = -1;
	n->next = c->s->nodes;
	c->s->nodes = n;
	c->s->nnodes++;
	if (s != NULL)
		smap_put(&c->s->map, s, n);
	if (json_object_is_type(s, json_type_boolean)) {
		n->boolean = json_object_get_boolean(s);
		n->res = res;
		return n;
	}
	n->boolean = -1;
	if (!json_object_is_type(s, json_type_object)) {
		cerr(c, "a schema must be an object or a boolean", s);
		n->res = res;
		return n;
	}
	if (depth > SCHEMA_DEPTH_MAX) {
		m = xasprintf("schema nested deeper than %d levels",
		    SCHEMA_DEPTH_MAX);
		cerr(c, m, NULL);
		free(m);
		n->res = res;
		return n;
	}
	if (c->s->nnodes > SCHEMA_NODES_MAX) {
		if (c->s->nnodes == SCHEMA_NODES_MAX + 1) {
			m = xasprintf("schema has more than %d subschemas",
			    SCHEMA_NODES_MAX);
			cerr(c, m, NULL);
			free(m);
		}
		n->res = res;
		return n;
	}
	n->res = scan_id(c, s, res);
	if (n->res == NULL)
		n->res = res_new(c->s, xstrdup(SCHEMA_BASE_DEFAULT), s);
	json_object_object_foreach(s, key, val)
		scan_keyword(c, n, key, val, depth);
	scan_finish(n);
	return n;
}

/* Resolve one reference; returns 0 or adds an error and returns 1. */
static int
resolve_ref(struct cctx *c, struct sref *r)
{
	struct schema_res		*res;
	struct snode		*t = NULL;
	struct json_object	*j;
	const char		*frag;
	char			*uri, *dec = NULL, *m = NULL, *full;
	struct jpath		 save;
	int			 found;

	uri = suri_resolve(r->from->res->uri, r->ref);
	suri_split(uri, &frag);
	if ((res = res_find(c->s, uri)) == NULL) {
		m = xasprintf("remote reference '%s' is not supported: "
		    "only references inside the schema are", r->ref);
		goto fail;
	}
	if ((dec = spct_decode(frag)) == NULL) {
		m = xasprintf("reference '%s' is not a valid URI", r->ref);
		goto fail;
	}
	if (dec[0] == '\0' || dec[0] == '/') {
		j = spointer_get(res->root, dec, &found);
		if (found && (t = smap_get(&c->s->map, j)) == NULL) {
			/* A schema at a location not scanned yet. */
			save = *c->p;
			jpath_init(c->p, NULL);
			t = scan(c, j, res, 1);
			*c->p = save;
		}
	} else
		t = schema_res_anchor(res, dec, 0);
	if (t == NULL) {
		m = xasprintf("reference '%s' points to nothing in the schema",
		    r->ref);
		goto fail;
	}
	if (!r->dynamic)
		r->from->ref = t;
	else {
		r->from->dynref = t;
		if (dec[0] != '\0' && dec[0] != '/' && t->dynanchor != NULL &&
		    strcmp(t->dynanchor, dec) == 0)
			r->from->dynref_name = t->dynanchor;
	}
	free(dec);
	free(uri);
	return 0;
fail:
	full = xasprintf("Value error, %s", m);
	verr_add_loc(c->ve, "value_error", json_object_get(r->loc), full,
	    NULL, NULL);
	free(full);
	/* The reference itself is the input. */
	(void)json_object_object_add(json_object_array_get_idx(
	    verr_list(c->ve), verr_count(c->ve) - 1), "input",
	    json_object_new_string(r->ref));
	c->errs++;
	free(m);
	free(dec);
	free(uri);
	return 1;
}

static void
node_free(struct snode *n)
{
	int	 i;

	pcre2_code_free(n->pattern);
	for (i = 0; i < n->npats; i++)
		pcre2_code_free(n->pats[i].re);
	free(n->pats);
	free(n->props);
	free(n->sprops);
	free(n->prefix);
	free(n->all);
	free(n->any);
	free(n->one);
	free(n->depreq);
	free(n->depsch);
	free(n);
}

void
schema_free(struct schema *s)
{
	struct snode	*n, *nn;
	struct schema_res	*r, *rn;
	struct sanchor	*a, *an;

	if (s == NULL)
		return;
	for (n = s->nodes; n != NULL; n = nn) {
		nn = n->next;
		node_free(n);
	}
	for (r = s->res; r != NULL; r = rn) {
		rn = r->next;
		for (a = r->anchors; a != NULL; a = an) {
			an = a->next;
			free(a->name);
			free(a);
		}
		free(r->uri);
		free(r);
	}
	free(s->map.keys);
	free(s->map.vals);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	json_object_put(s->doc);
	free(s);
}

int
schema_compile(struct json_object *doc, struct jpath *p, struct verr *ve,
    struct schema **out)
{
	struct cctx	 c;
	struct sref	*r, *rn;
	int		 n0 = p->n;

	memset(&c, 0, sizeof(c));
	c.s = xcalloc(1, sizeof(*c.s));
	c.s->doc = json_object_get(doc);
	c.ve = ve;
	c.p = p;
	c.s->root = scan(&c, doc, NULL, 1);
	/* Resolving may scan more (and so add references): loop. */
	while (c.refs != NULL) {
		r = c.refs;
		c.refs = NULL;
		for (; r != NULL; r = rn) {
			rn = r->next;
			(void)resolve_ref(&c, r);
			json_object_put(r->loc);
			free(r);
		}
	}
	p->n = n0;
	if (c.errs == 0 && out != NULL) {
		c.s->md = pcre2_match_data_create(1, NULL);
		c.s->mctx = pcre2_match_context_create(NULL);
		if (c.s->md == NULL || c.s->mctx == NULL)
			fatal("pcre2_match_data_create");
		pcre2_set_match_limit(c.s->mctx, SRE_MATCH_LIMIT);
		pcre2_set_depth_limit(c.s->mctx, SRE_DEPTH_LIMIT);
		pcre2_set_heap_limit(c.s->mctx, SRE_HEAP_LIMIT);
		*out = c.s;
	} else
		schema_free(c.s);
	return c.errs;
}

int
schema_check(struct json_object *doc, struct jpath *p, struct verr *ve)
{
	return schema_compile(doc, p, ve, NULL);
}
