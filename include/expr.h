/*
 * The expression language of engine.md: "{{ ... }}" inside strings.
 * Small and total: no loops, no calls; bounded length and nesting.
 *
 * Context object for evaluation (every key optional):
 * {"input": {...}, "steps": {"<id>": {"output": ..., "status": "..."}},
 *  "execution": {"id": ..., "name": ..., "user_id": ...},
 *  "secrets": {"NAME": "value"},
 *  "item": <a map iteration's item>, "index": <its 0-based index>}
 *
 * Every err below is a struct errmsg (common.h) that may be NULL when
 * the caller does not need the reason.
 */
#ifndef WFM_EXPR_H
#define WFM_EXPR_H

#include <stddef.h>
#include "common.h"
#include <json-c/json.h>
#include "verr.h"

#define EXPR_LEN_MAX		4096	/* bytes between {{ and }} */
#define EXPR_DEPTH_MAX		32	/* AST nesting */
#define EXPR_STRING_MAX		(1 << 20)	/* result of + or interpolation */
#define EXPR_RENDER_MAX		(8 << 20)	/* budget of expr_render */

struct expr;

/*
 * Parse one expression (the text between the braces). RC_OK: *out owned
 * by the caller. RC_INVALID: err holds a message with the 0-based column.
 */
int	 expr_parse(const char *src, size_t len, struct expr **out,
	    struct errmsg *err);
void	 expr_free(struct expr *);

/*
 * Evaluate against ctx (borrowed). RC_OK: *out is a new reference owned by
 * the caller (NULL for JSON null). RC_INVALID: a type error; err says
 * which operator and types.
 */
int	 expr_eval(const struct expr *, struct json_object *ctx,
	    struct json_object **out, struct errmsg *err);

/* Truthiness for "when": false, null, 0, 0.0, "" are falsy. */
int	 expr_truthy(struct json_object *v);

/*
 * Walk every string inside v (object values and array items, recursively)
 * and parse each "{{ }}" in it; each failure is added to ve as a
 * "value_error" located at p plus the path of the string. Returns the
 * number of errors added. p is restored on return.
 */
int	 expr_check_value(struct json_object *v, struct jpath *p,
	    struct verr *ve);

/*
 * 1 if some expression inside v refers to a path starting at root (e.g.
 * "secrets"), else 0. Unparseable expressions are ignored.
 */
int	 expr_value_refs(struct json_object *v, const char *root);

/*
 * Render v: a copy in which every string is evaluated. A string that is
 * exactly one expression takes the JSON value (and type) of the result;
 * otherwise each expression is interpolated as text (integers without
 * ".0", floats in shortest round-trip form, null as "", objects and arrays
 * as compact JSON). RC_OK: *out is a new reference owned by the caller.
 * RC_INVALID: err names the failing expression's problem. What it builds
 * is bounded by EXPR_RENDER_MAX as expr_render_max bounds it.
 */
int	 expr_render(struct json_object *v, struct json_object *ctx,
	    struct json_object **out, struct errmsg *err);

/*
 * expr_render with a running byte budget: the JSON text of what has been
 * built so far (counted as it is built, and a value from the context
 * before it is copied) may not pass max bytes, so a template that repeats
 * "{{ input }}" cannot multiply memory before a size check. RC_OK as
 * expr_render, *over 0. RC_INVALID: err says why, and *over is 1 when the
 * budget ran out (0 for an expression that failed). over may be NULL.
 */
int	 expr_render_max(struct json_object *v, struct json_object *ctx,
	    size_t max, int *over, struct json_object **out,
	    struct errmsg *err);

#endif
