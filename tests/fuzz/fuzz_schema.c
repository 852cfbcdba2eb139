/*
 * libFuzzer driver for the JSON Schema validator: the input is a schema
 * document, a newline, and an instance (both strict JSON). A schema that
 * compiles is validated against the instance twice, for validity only and
 * with the error list; the two must agree, the error count must match the
 * list, and the path must be restored. Anything else aborts. The limits of
 * include/schema.h keep every input cheap (libFuzzer -timeout catches a
 * missing bound).
 *
 * Seed corpus: tests/fuzz/corpus/schema (cases of the official suite).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common.h"
#include "jsonx.h"
#include "schema.h"
#include "verr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*doc = NULL, *inst = NULL;
	struct schema		*s = NULL;
	struct verr		*ve;
	struct jpath		 p;
	const uint8_t		*nl;
	const char		*msg;
	size_t			 pos, split;
	int			 n, valid;

	if (size > 65536 || (nl = memchr(data, '\n', size)) == NULL)
		return 0;
	split = (size_t)(nl - data);
	if (jsonx_parse((const char *)data, split, &doc, &pos, &msg) != RC_OK)
		return 0;
	if (jsonx_parse((const char *)nl + 1, size - split - 1, &inst, &pos,
	    &msg) != RC_OK) {
		json_object_put(doc);
		return 0;
	}
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_data");
	n = schema_compile(doc, &p, ve, &s);
	if (p.n != 2 || (size_t)n != verr_count(ve) || (n == 0) != (s != NULL))
		abort();
	if (s != NULL) {
		valid = schema_valid(s, inst);
		n = schema_validate(s, inst, &p, ve);
		if (p.n != 2 || (size_t)n != verr_count(ve) ||
		    (n == 0) != valid)
			abort();
		/* A second run gives the same answer (no state kept). */
		if (schema_valid(s, inst) != valid)
			abort();
	}
	schema_free(s);
	verr_free(ve);
	json_object_put(doc);
	json_object_put(inst);
	return 0;
}
