/*
 * libFuzzer driver for request bodies: jsonx_parse, then what the execute
 * handler does with a body that parsed (canonical form and hash, input
 * schema validation), plus the body read as a schema itself.
 *
 * Invariants checked (abort on violation): a rejection has an offset
 * within the input and a message; the canonical form parses back to
 * itself; the validator adds exactly the errors it counts and restores
 * the path.
 *
 *   clang -std=c17 -g -O1 -D_GNU_SOURCE -Iinclude \
 *	-fsanitize=fuzzer,address,undefined $(pkg-config --cflags json-c) \
 *	tests/fuzz/fuzz_json_body.c src/common/jsonx.c src/tmpl/tmpl_schema*.c \
 *	src/common/verr.c src/common/xalloc.c src/common/log.c \
 *	src/common/util.c $(pkg-config --libs json-c libcrypto uuid) \
 *	-o fuzz_json_body
 *   ./fuzz_json_body -max_len=65536 tests/fuzz/corpus/json_body
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "jsonx.h"
#include "schema.h"
#include "verr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A schema using every keyword of the subset. */
static const char fuzz_schema_text[] =
    "{\"type\": \"object\", \"required\": [\"amount\", \"currency\"],"
    " \"additionalProperties\": false,"
    " \"properties\": {"
    "  \"amount\": {\"type\": \"number\", \"minimum\": 0, \"maximum\": 1e6},"
    "  \"currency\": {\"type\": \"string\", \"enum\": [\"USD\", \"EUR\"]},"
    "  \"note\": {\"type\": [\"string\", \"null\"], \"minLength\": 1,"
    "   \"maxLength\": 64, \"pattern\": \"^[A-Za-z0-9 .,-]*$\"},"
    "  \"count\": {\"type\": \"integer\", \"minimum\": -5},"
    "  \"flag\": {\"type\": \"boolean\"},"
    "  \"items\": {\"type\": \"array\", \"items\": {\"type\": \"object\","
    "   \"required\": [\"sku\"], \"properties\": {"
    "    \"sku\": {\"type\": \"string\", \"pattern\": \"^[a-z]+-[0-9]{1,4}$\"},"
    "    \"qty\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 99}}}},"
    "  \"meta\": {\"type\": \"object\", \"properties\": {"
    "   \"tags\": {\"type\": \"array\", \"items\": {\"enum\": [1, \"a\","
    "    null, {\"k\": [true]}]}}}}}}";

static struct schema *fuzz_schema;

static void
fuzz_init(void)
{
	struct json_object	*doc = NULL;
	struct verr		*ve;
	struct jpath		 p;
	const char		*msg;
	size_t			 pos;

	if (jsonx_parse(fuzz_schema_text, sizeof(fuzz_schema_text) - 1,
	    &doc, &pos, &msg) != RC_OK)
		abort();
	ve = verr_new();
	jpath_init(&p, "schema");
	if (schema_compile(doc, &p, ve, &fuzz_schema) != 0)
		abort();
	verr_free(ve);
	json_object_put(doc);
}

/* Validate inst against schema; abort if the bookkeeping is off. */
static void
fuzz_validate(struct schema *schema, struct json_object *inst)
{
	struct verr	*ve;
	struct jpath	 p;
	int		 n;

	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_data");
	n = schema_validate(schema, inst, &p, ve);
	if (n < 0 || (size_t)n != verr_count(ve) || p.n != 2)
		abort();
	free(xstrdup(json_object_to_json_string(verr_list(ve))));
	verr_free(ve);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*v = NULL, *w = NULL;
	struct schema		*self = NULL;
	struct verr		*ve;
	struct jpath		 p;
	const char		*msg = NULL;
	char			*c1, *c2, hex[65];
	size_t			 pos = (size_t)-1;
	int			 n;

	if (fuzz_schema == NULL)
		fuzz_init();

	if (jsonx_parse((const char *)data, size, &v, &pos, &msg) != RC_OK) {
		if (pos > size || msg == NULL || v != NULL)
			abort();
		return 0;
	}

	/* The canonical form is strict JSON and a fixed point. */
	c1 = jsonx_canon(v);
	if (jsonx_parse(c1, strlen(c1), &w, &pos, &msg) != RC_OK)
		abort();
	c2 = jsonx_canon(w);
	if (strcmp(c1, c2) != 0 || !jsonx_equal(v, w))
		abort();
	jsonx_canon_hash(v, hex);
	if (strlen(hex) != 64)
		abort();
	free(c1);
	free(c2);
	json_object_put(w);

	fuzz_validate(fuzz_schema, v);

	/* The body as an input_schema: compiled, then applied to itself. */
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_schema");
	n = schema_compile(v, &p, ve, &self);
	if (n < 0 || (size_t)n != verr_count(ve) || p.n != 2 ||
	    (n == 0) != (self != NULL))
		abort();
	if (self != NULL)
		fuzz_validate(self, v);
	schema_free(self);
	verr_free(ve);

	json_object_put(v);
	return 0;
}
