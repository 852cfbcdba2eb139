/*
 * The official JSON-Schema-Test-Suite (tests/data/json-schema-test-suite,
 * draft 2020-12) run against the validator: every test of
 * every tests/draft2020-12 file and of the optional format files for the
 * formats engine.md lists. The exceptions are below, each with its
 * reason, and in docs/json-schema.md; any other result than the expected
 * one fails. Each instance is validated twice, for validity only and
 * with the error list, and both must agree.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "schema.h"

void	test_schema_suite_register(void);

#define SUITE_DIR	"tests/data/json-schema-test-suite/tests/draft2020-12"

/*
 * Cases not run: each needs a remote reference (engine.md: refused when
 * the template is stored, never fetched). A NULL test runs none of the
 * case's tests.
 */
static const struct {
	const char	*file, *cas, *test, *reason;
} exempt[] = {
	{ "refRemote.json", NULL, NULL, "remote references" },
	{ "vocabulary.json", NULL, NULL, "a remote meta-schema" },
	{ "defs.json", "validate definition against metaschema", NULL,
	    "the remote meta-schema" },
	{ "ref.json", "remote ref, containing refs itself", NULL,
	    "the remote meta-schema" },
	{ "dynamicRef.json", "strict-tree schema, guards against misspelled "
	    "properties", NULL, "a remote tree.json" },
	{ "dynamicRef.json", "tests for implementation dynamic anchor and "
	    "reference link", NULL, "a remote extendible-dynamic-ref.json" },
	{ "dynamicRef.json", "$ref and $dynamicAnchor are independent of "
	    "order - $defs first", NULL,
	    "a remote extendible-dynamic-ref.json" },
	{ "dynamicRef.json", "$ref and $dynamicAnchor are independent of "
	    "order - $ref first", NULL,
	    "a remote extendible-dynamic-ref.json" },
	{ "dynamicRef.json", "$ref to $dynamicRef finds detached "
	    "$dynamicAnchor", NULL, "a remote detached-dynamicref.json" },
};

static const char *const formats[] = {
	"date-time", "date", "time", "duration", "email", "hostname", "ipv4",
	"ipv6", "uri", "uri-reference", "uuid", "regex"
};

struct tally {
	int	 passed, failed, skipped, annotation;
};

static int
is_exempt(const char *file, const char *cas)
{
	size_t	 i;

	for (i = 0; i < NITEMS(exempt); i++)
		if (strcmp(exempt[i].file, file) == 0 &&
		    exempt[i].reason != NULL &&
		    (exempt[i].cas == NULL || strcmp(exempt[i].cas, cas) == 0))
			return 1;
	return 0;
}

/*
 * format.json of the main suite expects format to be an annotation only
 * (a bad value is valid); wfm asserts the listed formats (engine.md).
 */
static int
annotation_only(const char *file, struct json_object *schema,
    int expected)
{
	struct json_object	*f;

	return strcmp(file, "format.json") == 0 && expected &&
	    json_object_object_get_ex(schema, "format", &f);
}

static void
run_file(const char *path, const char *file, struct tally *t)
{
	struct json_object	*doc, *cas, *tests, *test, *v, *data, *sch;
	struct schema		*s;
	struct verr		*ve;
	struct jpath		 p;
	size_t			 i, j, ncase, ntest;
	const char		*cdesc, *tdesc;
	int			 expected, got, nerr;

	doc = json_object_from_file(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	ncase = json_object_array_length(doc);
	for (i = 0; i < ncase; i++) {
		cas = json_object_array_get_idx(doc, i);
		json_object_object_get_ex(cas, "description", &v);
		cdesc = json_object_get_string(v);
		json_object_object_get_ex(cas, "tests", &tests);
		ntest = json_object_array_length(tests);
		if (is_exempt(file, cdesc)) {
			t->skipped += (int)ntest;
			continue;
		}
		json_object_object_get_ex(cas, "schema", &sch);
		ve = verr_new();
		jpath_init(&p, NULL);
		s = NULL;
		if (schema_compile(sch, &p, ve, &s) != 0) {
			printf("\n  %s: \"%s\": schema refused: %s", file,
			    cdesc, json_object_to_json_string(verr_list(ve)));
			t->failed += (int)ntest;
			verr_free(ve);
			continue;
		}
		verr_free(ve);
		for (j = 0; j < ntest; j++) {
			test = json_object_array_get_idx(tests, j);
			json_object_object_get_ex(test, "description", &v);
			tdesc = json_object_get_string(v);
			json_object_object_get_ex(test, "valid", &v);
			expected = json_object_get_boolean(v);
			json_object_object_get_ex(test, "data", &data);
			got = schema_valid(s, data);
			ve = verr_new();
			jpath_init(&p, NULL);
			nerr = schema_validate(s, data, &p, ve);
			if ((nerr == 0) != got || (int)verr_count(ve) != nerr)
				printf("\n  %s: \"%s\" / \"%s\": valid %d but "
				    "%d errors", file, cdesc, tdesc, got, nerr);
			CU_ASSERT_EQUAL((nerr == 0), got);
			verr_free(ve);
			if (got == expected)
				t->passed++;
			else if (!got && annotation_only(file, sch, expected))
				t->annotation++;
			else {
				printf("\n  %s: \"%s\" / \"%s\": expected %s",
				    file, cdesc, tdesc,
				    expected ? "valid" : "invalid");
				t->failed++;
			}
		}
		schema_free(s);
	}
	json_object_put(doc);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_schema_suite_draft2020_12(void)
{
	struct tally	 t = { 0, 0, 0, 0 };
	struct dirent	*de;
	DIR		*d;
	char		*names[128], *path;
	size_t		 n = 0, i;

	d = opendir(SUITE_DIR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL && n < NITEMS(names)) {
		size_t	 len = strlen(de->d_name);

		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
			names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", SUITE_DIR, names[i]);
		run_file(path, names[i], &t);
		free(path);
		free(names[i]);
	}
	printf("\n  draft2020-12: %d passed, %d failed, %d skipped (remote),"
	    " %d format.json annotation-only cases asserted\n", t.passed,
	    t.failed, t.skipped, t.annotation);
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT(t.passed > 1000);
}

static void
test_schema_suite_optional_formats(void)
{
	struct tally	 t = { 0, 0, 0, 0 };
	char		*path, *file;
	size_t		 i;

	for (i = 0; i < NITEMS(formats); i++) {
		file = xasprintf("%s.json", formats[i]);
		path = xasprintf("%s/optional/format/%s", SUITE_DIR, file);
		run_file(path, file, &t);
		free(path);
		free(file);
	}
	printf("\n  optional/format: %d passed, %d failed\n", t.passed,
	    t.failed);
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT(t.passed > 300);
}

void
test_schema_suite_register(void)
{
	CU_pSuite	 s;

	s = CU_add_suite("schema_suite", NULL, NULL);
	CU_add_test(s, "test_schema_suite_draft2020_12",
	    test_schema_suite_draft2020_12);
	CU_add_test(s, "test_schema_suite_optional_formats",
	    test_schema_suite_optional_formats);
}
