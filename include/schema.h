/*
 * JSON Schema draft 2020-12 (engine.md "Input schemas: JSON Schema
 * 2020-12"): the core and validation vocabularies, local $ref (JSON
 * pointer, $anchor, $id-based URIs inside the document), $dynamicRef,
 * unevaluated*, and the listed formats as assertions. Patterns are
 * ECMA-262 regular expressions run by PCRE2 with match and depth limits.
 * A schema is compiled once (template stored or loaded) and validated
 * against many instances. Errors are reported in the Pydantic shape into
 * a struct verr (see verr.h).
 */
#ifndef WFM_SCHEMA_H
#define WFM_SCHEMA_H

#include <json-c/json.h>
#include "verr.h"

#define SCHEMA_DEPTH_MAX	32	/* nesting of subschemas */
#define SCHEMA_NODES_MAX	4096	/* subschemas of one document */
#define SCHEMA_PATTERN_MAX	1024	/* bytes of one "pattern" */
#define SCHEMA_STEPS_MAX	1000000	/* subschema visits per validation */

struct schema;

/*
 * Check and compile the schema document doc (borrowed; the compiled
 * schema takes its own reference). Every error (unknown type name, wrong
 * keyword value, invalid pattern, remote or unresolvable reference,
 * limits) is added to ve as a "value_error" located at p plus the path
 * inside the schema; p is restored on return. Unknown keywords are
 * annotations and accepted. Returns the number of errors added; when it
 * is 0 and out is not NULL, *out is a new schema owned by the caller.
 */
int	schema_compile(struct json_object *doc, struct jpath *p,
	    struct verr *ve, struct schema **out);
/* Free a compiled schema; NULL-safe. */
void	schema_free(struct schema *s);

/* schema_compile without keeping the result (template validation). */
int	schema_check(struct json_object *doc, struct jpath *p,
	    struct verr *ve);

/*
 * Validate inst (borrowed; NULL is JSON null) against s, adding every
 * violation located at p plus the path inside inst (a missing property
 * is located at the property itself). The errors inside failed anyOf,
 * oneOf, not, if and contains branches are summed up by one error at the
 * instance. A validation that needs more than SCHEMA_STEPS_MAX steps
 * fails with one value_error. Returns the number of errors added. Not
 * reentrant for one s (it owns the PCRE2 match data).
 */
int	schema_validate(struct schema *s, struct json_object *inst,
	    struct jpath *p, struct verr *ve);

/* 1 when inst is valid against s, 0 when not (no error list built). */
int	schema_valid(struct schema *s, struct json_object *inst);

#endif
