/*
 * Micro-benchmark of the JSON Schema validator (issue 17): one realistic
 * input_schema as Pydantic v2 emits it for a 30-field model (strings with
 * lengths, a pattern, formats, an enum in $defs, Optional fields, a
 * constrained list, a nested model, extra="forbid"), validated against a
 * valid instance and an invalid one, as POST /execute does with the
 * schema compiled once by the template cache. The schema and the valid
 * instance are those of tests/bench/schema_order.json ("input_schema",
 * "valid_input"), which tests/bench/run.sh also uses for its execute
 * (schema) load; the Makefile builds the file's absolute path in.
 *
 *	make bench-schema	(build/bench-schema [ITERATIONS [FILE]])
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

#ifndef BENCH_SCHEMA_FILE
#define BENCH_SCHEMA_FILE "tests/bench/schema_order.json"
#endif
#define SCHEMA_FILE_MAX (64 * 1024)

static double
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct json_object *
parse(const char *s, size_t len)
{
	struct json_object	*v = NULL;
	const char		*msg;
	size_t			 pos;

	if (jsonx_parse(s, len, &v, &pos, &msg) != RC_OK) {
		fprintf(stderr, "bench-schema: bad JSON at %zu: %s\n", pos, msg);
		exit(1);
	}
	return v;
}

/*
 * Member key of the JSON object in file path (at most SCHEMA_FILE_MAX
 * bytes), parsed afresh: a new reference owned by the caller.
 */
static struct json_object *
load(const char *path, const char *key)
{
	static char		 buf[SCHEMA_FILE_MAX];
	struct json_object	*top, *v;
	FILE			*f;
	size_t			 len;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(1);
	}
	len = fread(buf, 1, sizeof(buf), f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "bench-schema: %s: %s\n", path,
		    ferror(f) ? "read error" : "larger than 64 KiB");
		exit(1);
	}
	fclose(f);
	top = parse(buf, len);
	if (!json_object_object_get_ex(top, key, &v) ||
	    !json_object_is_type(v, json_type_object)) {
		fprintf(stderr, "bench-schema: %s: no object \"%s\"\n", path,
		    key);
		exit(1);
	}
	json_object_get(v);
	json_object_put(top);
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

/*
 * ns of one validation of 30,000 'a' and a '!' against ^(a+)+$, which
 * backtracks exponentially: PCRE2's match limit stops it (SECURITY.md).
 */
static double
pathological(int *nerr)
{
	struct json_object	*pat, *str;
	struct schema		*s = NULL;
	struct verr		*ve = verr_new();
	struct jpath		 p;
	char			*big;
	double			 ns;

	pat = json_tokener_parse("{\"pattern\": \"^(a+)+$\"}");
	big = calloc(1, 30002);
	if (pat == NULL || big == NULL)
		abort();
	memset(big, 'a', 30000);
	big[30000] = '!';
	str = json_object_new_string(big);
	free(big);
	jpath_init(&p, "input_schema");
	if (schema_compile(pat, &p, ve, &s) != 0)
		abort();
	ns = run(s, str, 5, nerr);
	schema_free(s);
	verr_free(ve);
	json_object_put(str);
	json_object_put(pat);
	return ns;
}

int
main(int argc, char *argv[])
{
	struct json_object	*doc, *inst, *bad;
	struct schema		*s = NULL;
	struct verr		*ve;
	struct jpath		 p;
	double			 t0, compile_ns, ok_ns, bad_ns, patho_ns;
	const char		*path = argc > 2 ? argv[2] : BENCH_SCHEMA_FILE;
	long			 n = argc > 1 ? atol(argv[1]) : 200000;
	int			 i, nerr_ok, nerr_bad, nerr_patho;

	doc = load(path, "input_schema");
	inst = load(path, "valid_input");
	bad = load(path, "valid_input");
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
	patho_ns = pathological(&nerr_patho);
	printf("bench-schema: 30-field Pydantic schema, %ld runs\n", n);
	printf("  compile (once per template)   %9.0f ns\n", compile_ns);
	printf("  validate, valid instance      %9.0f ns  (%d errors)  "
	    "target < 20000 ns: %s\n", ok_ns, nerr_ok,
	    ok_ns < 20000 ? "PASS" : "MISS");
	printf("  validate, invalid instance    %9.0f ns  (%d errors)\n",
	    bad_ns, nerr_bad);
	printf("  ^(a+)+$ on 30,000 'a' + '!'   %9.0f ns  (%d errors: the "
	    "match limit)\n", patho_ns, nerr_patho);
	schema_free(s);
	json_object_put(doc);
	json_object_put(inst);
	json_object_put(bad);
	return nerr_ok == 0 && nerr_bad == 5 && nerr_patho == 1 ? 0 : 1;
}
