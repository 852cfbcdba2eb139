/*
 * The JSON Schema subset of engine.md: type (object, array, string,
 * number, integer, boolean, null, or an array of these), properties,
 * required, additionalProperties (bool), items, enum, minimum, maximum,
 * minLength, maxLength, pattern (POSIX extended regex). Errors are
 * reported in the Pydantic shape into a struct verr.
 */
#ifndef WFM_SCHEMA_H
#define WFM_SCHEMA_H

#include <json-c/json.h>
#include "verr.h"

#define SCHEMA_DEPTH_MAX	32

/*
 * Check that schema is a document of the supported subset; unknown
 * keywords and wrong keyword values are errors ("value_error") located
 * at p plus the path inside the schema. p is restored on return.
 * Returns the number of errors added.
 */
int	schema_check(struct json_object *schema, struct jpath *p,
	    struct verr *ve);

/*
 * Validate inst against a schema that passed schema_check, adding every
 * violation located at p plus the path inside inst (a missing property is
 * located at the property itself). Returns the number of errors added.
 */
int	schema_validate(struct json_object *schema, struct json_object *inst,
	    struct jpath *p, struct verr *ve);

#endif
