/*
 * Pydantic-v2-shaped validation error lists and JSON location paths.
 */
#include <stdlib.h>

#include "common.h"
#include "verr.h"

struct verr {
	struct json_object	*list;
};

void
jpath_init(struct jpath *p, const char *first)
{
	p->n = 0;
	if (first != NULL)
		jpath_key(p, first);
}

void
jpath_key(struct jpath *p, const char *key)
{
	if (p->n < JPATH_MAX) {
		p->seg[p->n].key = key;
		p->seg[p->n].idx = 0;
	}
	p->n++;		/* counted past the max so pops stay balanced */
}

void
jpath_idx(struct jpath *p, int idx)
{
	if (p->n < JPATH_MAX) {
		p->seg[p->n].key = NULL;
		p->seg[p->n].idx = idx;
	}
	p->n++;
}

void
jpath_pop(struct jpath *p)
{
	if (p->n > 0)
		p->n--;
}

struct json_object *
jpath_json(const struct jpath *p)
{
	struct json_object	*a = json_object_new_array();
	int			 i, n = MIN(p->n, JPATH_MAX);

	for (i = 0; i < n; i++) {
		if (p->seg[i].key != NULL)
			json_object_array_add(a,
			    json_object_new_string(p->seg[i].key));
		else
			json_object_array_add(a,
			    json_object_new_int(p->seg[i].idx));
	}
	return a;
}

struct verr *
verr_new(void)
{
	struct verr	*ve = xcalloc(1, sizeof(*ve));

	ve->list = json_object_new_array();
	return ve;
}

void
verr_free(struct verr *ve)
{
	if (ve == NULL)
		return;
	json_object_put(ve->list);
	free(ve);
}

void
verr_add_loc(struct verr *ve, const char *type, struct json_object *loc,
    const char *msg, struct json_object *input, struct json_object *ctx)
{
	struct json_object	*e = json_object_new_object();

	json_object_object_add(e, "type", json_object_new_string(type));
	json_object_object_add(e, "loc", loc);
	json_object_object_add(e, "msg", json_object_new_string(msg));
	json_object_object_add(e, "input", json_object_get(input));
	if (ctx != NULL)
		json_object_object_add(e, "ctx", ctx);
	json_object_array_add(ve->list, e);
}

void
verr_add(struct verr *ve, const char *type, const struct jpath *loc,
    const char *msg, struct json_object *input, struct json_object *ctx)
{
	verr_add_loc(ve, type, jpath_json(loc), msg, input, ctx);
}

size_t
verr_count(const struct verr *ve)
{
	return json_object_array_length(ve->list);
}

struct json_object *
verr_list(const struct verr *ve)
{
	return ve->list;
}
