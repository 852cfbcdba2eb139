/*
 * Micro-benchmark of the JSON Schema validator (issue 17): one realistic
 * input_schema as Pydantic v2 emits it for a 30-field model (strings with
 * lengths, a pattern, formats, an enum in $defs, Optional fields, a
 * constrained list, a nested model, extra="forbid"), validated against a
 * valid instance and an invalid one, as POST /execute does with the
 * schema compiled once by the template cache.
 *
 *	make bench-schema	(build/bench-schema [ITERATIONS])
 *
 * Prints ns per validation (target: under 20 us for the valid case) and
 * the compile time once per template.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "jsonx.h"
#include "schema.h"
#include "verr.h"

static const char schema_json[] =
    "{\"$defs\":{\"Status\":{\"enum\":[\"new\",\"paid\",\"shipped\"],\"title\":"
    "\"Status\",\"type\":\"string\"},\"Address\":{\"properties\":{\"street\":"
    "{\"type\":\"string\",\"minLength\":1},\"city\":{\"type\":\"string\"},\"zi"
    "p\":{\"type\":\"string\",\"pattern\":\"^\\\\d{5}$\"},\"country\":{\"type\":"
    "\"string\",\"minLength\":2,\"maxLength\":2}},\"required\":[\"street\","
    "\"city\",\"zip\",\"country\"],\"title\":\"Address\",\"type\":\"object\",\"a"
    "dditionalProperties\":false}},\"properties\":{\"field_00\":{\"type"
    "\":\"string\",\"minLength\":1,\"maxLength\":64,\"title\":\"Field_00\"},"
    "\"field_01\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000000,\""
    "title\":\"Field_01\"},\"field_02\":{\"type\":\"number\",\"exclusiveMin"
    "imum\":0,\"multipleOf\":0.01,\"title\":\"Field_02\"},\"field_03\":{\"t"
    "ype\":\"boolean\",\"title\":\"Field_03\"},\"field_04\":{\"type\":\"strin"
    "g\",\"format\":\"email\",\"title\":\"Field_04\"},\"field_05\":{\"type\":\""
    "string\",\"format\":\"date-time\",\"title\":\"Field_05\"},\"field_06\":"
    "{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-\\\\d{4}$\",\"title\":\"Fiel"
    "d_06\"},\"field_07\":{\"$ref\":\"#/$defs/Status\",\"title\":\"Field_07"
    "\"},\"field_08\":{\"anyOf\":[{\"type\":\"string\",\"maxLength\":200},{\""
    "type\":\"null\"}],\"default\":null,\"title\":\"Field_08\"},\"field_09\""
    ":{\"items\":{\"type\":\"string\",\"maxLength\":20},\"maxItems\":10,\"ty"
    "pe\":\"array\",\"title\":\"Field_09\"},\"field_10\":{\"type\":\"string\","
    "\"minLength\":1,\"maxLength\":64,\"title\":\"Field_10\"},\"field_11\":"
    "{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000000,\"title\":\"Fie"
    "ld_11\"},\"field_12\":{\"type\":\"number\",\"exclusiveMinimum\":0,\"mu"
    "ltipleOf\":0.01,\"title\":\"Field_12\"},\"field_13\":{\"type\":\"boole"
    "an\",\"title\":\"Field_13\"},\"field_14\":{\"type\":\"string\",\"format\""
    ":\"email\",\"title\":\"Field_14\"},\"field_15\":{\"type\":\"string\",\"fo"
    "rmat\":\"date-time\",\"title\":\"Field_15\"},\"field_16\":{\"type\":\"st"
    "ring\",\"pattern\":\"^[A-Z]{3}-\\\\d{4}$\",\"title\":\"Field_16\"},\"fie"
    "ld_17\":{\"$ref\":\"#/$defs/Status\",\"title\":\"Field_17\"},\"field_1"
    "8\":{\"anyOf\":[{\"type\":\"string\",\"maxLength\":200},{\"type\":\"null"
    "\"}],\"default\":null,\"title\":\"Field_18\"},\"field_19\":{\"items\":{"
    "\"type\":\"string\",\"maxLength\":20},\"maxItems\":10,\"type\":\"array\""
    ",\"title\":\"Field_19\"},\"field_20\":{\"type\":\"string\",\"minLength\""
    ":1,\"maxLength\":64,\"title\":\"Field_20\"},\"field_21\":{\"type\":\"in"
    "teger\",\"minimum\":0,\"maximum\":1000000,\"title\":\"Field_21\"},\"fi"
    "eld_22\":{\"type\":\"number\",\"exclusiveMinimum\":0,\"multipleOf\":0"
    ".01,\"title\":\"Field_22\"},\"field_23\":{\"type\":\"boolean\",\"title\""
    ":\"Field_23\"},\"field_24\":{\"type\":\"string\",\"format\":\"email\",\"t"
    "itle\":\"Field_24\"},\"field_25\":{\"type\":\"string\",\"format\":\"date"
    "-time\",\"title\":\"Field_25\"},\"field_26\":{\"type\":\"string\",\"patt"
    "ern\":\"^[A-Z]{3}-\\\\d{4}$\",\"title\":\"Field_26\"},\"field_27\":{\"$r"
    "ef\":\"#/$defs/Status\",\"title\":\"Field_27\"},\"field_28\":{\"anyOf\""
    ":[{\"type\":\"string\",\"maxLength\":200},{\"type\":\"null\"}],\"defaul"
    "t\":null,\"title\":\"Field_28\"},\"field_29\":{\"items\":{\"type\":\"str"
    "ing\",\"maxLength\":20},\"maxItems\":10,\"type\":\"array\",\"title\":\"F"
    "ield_29\"},\"address\":{\"$ref\":\"#/$defs/Address\"}},\"required\":["
    "\"field_00\",\"field_01\",\"field_03\",\"field_04\",\"field_06\",\"fiel"
    "d_07\",\"field_09\",\"field_10\",\"field_12\",\"field_13\",\"field_15\""
    ",\"field_16\",\"field_18\",\"field_19\",\"field_21\",\"field_22\",\"fie"
    "ld_24\",\"field_25\",\"field_27\",\"field_28\"],\"title\":\"Order\",\"ty"
    "pe\":\"object\",\"additionalProperties\":false}";

static const char instance_json[] =
    "{\"field_00\":\"alpha\",\"field_01\":42,\"field_02\":12.34,\"field_03"
    "\":true,\"field_04\":\"joe.bloggs@example.com\",\"field_05\":\"2026-"
    "12-05T10:00:00Z\",\"field_06\":\"ABC-1234\",\"field_07\":\"paid\",\"fi"
    "eld_08\":null,\"field_09\":[\"a\",\"b\",\"c\"],\"field_10\":\"alpha\",\"fi"
    "eld_11\":42,\"field_12\":12.34,\"field_13\":true,\"field_14\":\"joe."
    "bloggs@example.com\",\"field_15\":\"2026-12-05T10:00:00Z\",\"field"
    "_16\":\"ABC-1234\",\"field_17\":\"paid\",\"field_18\":null,\"field_19\""
    ":[\"a\",\"b\",\"c\"],\"field_20\":\"alpha\",\"field_21\":42,\"field_22\":1"
    "2.34,\"field_23\":true,\"field_24\":\"joe.bloggs@example.com\",\"fi"
    "eld_25\":\"2026-12-05T10:00:00Z\",\"field_26\":\"ABC-1234\",\"field_"
    "27\":\"paid\",\"field_28\":null,\"field_29\":[\"a\",\"b\",\"c\"],\"address"
    "\":{\"street\":\"1 Main St\",\"city\":\"Springfield\",\"zip\":\"12345\",\""
    "country\":\"US\"}}";

static double
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct json_object *
parse(const char *s)
{
	struct json_object	*v = NULL;
	const char		*msg;
	size_t			 pos;

	if (jsonx_parse(s, strlen(s), &v, &pos, &msg) != RC_OK) {
		fprintf(stderr, "bench-schema: bad JSON at %zu: %s\n", pos, msg);
		exit(1);
	}
	return v;
}

/* ns per schema_validate of inst, with the error list as /execute. */
static double
run(struct schema *s, struct json_object *inst, long n, int *nerr)
{
	struct verr	*ve;
	struct jpath	 p;
	double		 t0;
	long		 i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		ve = verr_new();
		jpath_init(&p, "body");
		jpath_key(&p, "input_data");
		*nerr = schema_validate(s, inst, &p, ve);
		verr_free(ve);
	}
	return (now_ns() - t0) / (double)n;
}

int
main(int argc, char *argv[])
{
	struct json_object	*doc, *inst, *bad;
	struct schema		*s = NULL;
	struct verr		*ve;
	struct jpath		 p;
	double			 t0, compile_ns, ok_ns, bad_ns;
	long			 n = argc > 1 ? atol(argv[1]) : 200000;
	int			 i, nerr_ok, nerr_bad;

	doc = parse(schema_json);
	inst = parse(instance_json);
	bad = parse(instance_json);
	/* Five errors: a bound, a pattern, the enum, a missing, an extra. */
	json_object_object_add(bad, "field_01", json_object_new_int(-1));
	json_object_object_add(bad, "field_06",
	    json_object_new_string("abc-12"));
	json_object_object_add(bad, "field_07", json_object_new_string("x"));
	json_object_object_del(bad, "field_00");
	json_object_object_add(bad, "extra", json_object_new_int(1));

	t0 = now_ns();
	for (i = 0; i < 1000; i++) {
		ve = verr_new();
		jpath_init(&p, "input_schema");
		if (schema_compile(doc, &p, ve, &s) != 0) {
			fprintf(stderr, "bench-schema: %s\n",
			    json_object_to_json_string(verr_list(ve)));
			return 1;
		}
		verr_free(ve);
		if (i < 999)
			schema_free(s);
	}
	compile_ns = (now_ns() - t0) / 1000;
	(void)run(s, inst, n / 10, &nerr_ok);	/* warm-up */
	ok_ns = run(s, inst, n, &nerr_ok);
	bad_ns = run(s, bad, n / 4, &nerr_bad);
	printf("bench-schema: 30-field Pydantic schema, %ld runs\n", n);
	printf("  compile (once per template)   %9.0f ns\n", compile_ns);
	printf("  validate, valid instance      %9.0f ns  (%d errors)  "
	    "target < 20000 ns: %s\n", ok_ns, nerr_ok,
	    ok_ns < 20000 ? "PASS" : "MISS");
	printf("  validate, invalid instance    %9.0f ns  (%d errors)\n",
	    bad_ns, nerr_bad);
	schema_free(s);
	json_object_put(doc);
	json_object_put(inst);
	json_object_put(bad);
	return nerr_ok == 0 && nerr_bad == 5 ? 0 : 1;
}
