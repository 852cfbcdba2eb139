/*
 * Unit tests of src/tmpl: validation of template bodies (exact Pydantic
 * types and locations) and loading into struct tmpl.
 *
 * JSON in this file is written with ` for " (see J()) to stay readable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "schema.h"
#include "tmpl.h"
#include "verr.h"

void	test_tmpl_register(void);

/* engine.md's example template. */
static const char example[] =
    "{`name`: `payment-process`,"
    " `description`: `Charge a card and tell the customer`,"
    " `input_schema`: {`type`: `object`, `required`: [`amount`, `currency`],"
    "  `properties`: {`amount`: {`type`: `number`, `minimum`: 0},"
    "   `currency`: {`type`: `string`, `enum`: [`USD`, `EUR`]}}},"
    " `global_config`: {`timeout_seconds`: 600, `max_parallel`: 4},"
    " `steps`: ["
    "  {`id`: `prepare`, `type`: `transform`,"
    "   `output`: {`cents`: `{{ input.amount * 100 }}`,"
    "    `currency`: `{{ input.currency }}`}},"
    "  {`id`: `charge`, `type`: `http`, `depends_on`: [`prepare`],"
    "   `request`: {`method`: `POST`, `url`: `https://pay.example/charges`,"
    "    `headers`: {`Authorization`: `Bearer {{ secrets.PAY_TOKEN }}`},"
    "    `body`: {`amount`: `{{ steps.prepare.output.cents }}`}},"
    "   `retry`: {`max_attempts`: 5, `initial_interval_ms`: 500,"
    "    `backoff_coefficient`: 2.0, `max_interval_ms`: 30000},"
    "   `timeout_seconds`: 30},"
    "  {`id`: `notify`, `type`: `command`, `handler`: `send-receipt`,"
    "   `depends_on`: [`charge`],"
    "   `when`: `{{ steps.charge.output.status == 200 }}`,"
    "   `input`: {`charge`: `{{ steps.charge.output.body }}`}}"
    " ],"
    " `output`: {`charge_id`: `{{ steps.charge.output.body.id }}`},"
    " `is_public`: false, `shared_with`: [`bob`]}";

/* Parse JSON written with ` for "; the caller owns the result. */
static struct json_object *
J(const char *src)
{
	struct json_object	*o;
	char			*s, *p;

	s = xstrdup(src);
	for (p = s; *p != '\0'; p++)
		if (*p == '`')
			*p = '"';
	o = json_tokener_parse(s);
	if (o == NULL)
		fprintf(stderr, "test JSON does not parse: %s\n", s);
	free(s);
	return o;
}

/* Validate src; the caller frees the returned list. */
static struct verr *
run(const char *src, int *rc)
{
	struct json_object	*body = J(src);
	struct verr		*ve = verr_new();

	*rc = tmpl_validate(body, ve);
	json_object_put(body);
	return ve;
}

/*
 * The error at index i, checked to have this type and loc (written with `
 * like the bodies, no spaces). NULL if there is none or it differs.
 */
static struct json_object *
err_at(struct verr *ve, size_t i, const char *type, const char *loc)
{
	struct json_object	*e, *t, *l;
	char			*want, *p;
	const char		*got;
	int			 ok;

	if (i >= verr_count(ve))
		return NULL;
	e = json_object_array_get_idx(verr_list(ve), i);
	if (!json_object_object_get_ex(e, "type", &t) ||
	    !json_object_object_get_ex(e, "loc", &l))
		return NULL;
	want = xstrdup(loc);
	for (p = want; *p != '\0'; p++)
		if (*p == '`')
			*p = '"';
	got = json_object_to_json_string_ext(l, JSON_C_TO_STRING_PLAIN);
	ok = strcmp(json_object_get_string(t), type) == 0 &&
	    strcmp(got, want) == 0;
	if (!ok)
		fprintf(stderr, "\n  error %zu is %s at %s, want %s at %s\n",
		    i, json_object_get_string(t), got, type, want);
	free(want);
	return ok ? e : NULL;
}

/* Field key of error e as a string ("" when absent). */
static const char *
err_str(struct json_object *e, const char *key)
{
	struct json_object	*v;

	if (e == NULL || !json_object_object_get_ex(e, key, &v))
		return "";
	return json_object_get_string(v);
}

/* Exactly one error, of this type at this loc; returns it or NULL. */
static struct json_object *
one_err(struct verr *ve, const char *type, const char *loc)
{
	if (verr_count(ve) != 1) {
		fprintf(stderr, "\n  %zu errors: %s\n", verr_count(ve),
		    json_object_to_json_string(verr_list(ve)));
		return NULL;
	}
	return err_at(ve, 0, type, loc);
}

/* Validate src, expect exactly one error; check its msg. */
static void
expect_one(const char *src, const char *type, const char *loc,
    const char *msg)
{
	struct verr		*ve;
	struct json_object	*e;
	int			 rc;

	ve = run(src, &rc);
	CU_ASSERT_EQUAL(rc, RC_INVALID);
	e = one_err(ve, type, loc);
	CU_ASSERT_PTR_NOT_NULL(e);
	if (msg != NULL) {
		CU_ASSERT_STRING_EQUAL(err_str(e, "msg"), msg);
	}
	verr_free(ve);
}

static void
expect_valid(const char *src)
{
	struct verr	*ve;
	int		 rc;

	ve = run(src, &rc);
	CU_ASSERT_EQUAL(rc, RC_OK);
	CU_ASSERT_EQUAL(verr_count(ve), 0);
	if (verr_count(ve) != 0)
		fprintf(stderr, "\n  unexpected: %s\n",
		    json_object_to_json_string(verr_list(ve)));
	verr_free(ve);
}

/* A body of one step whose fields (after id) are given. */
static char *
one_step(const char *fields)
{
	return xasprintf("{`name`: `t`, `steps`: [{`id`: `a`, %s}]}", fields);
}

static void
expect_step(const char *fields, const char *type, const char *loc,
    const char *msg)
{
	char	*s = one_step(fields);

	expect_one(s, type, loc, msg);
	free(s);
}

static void
valid_step(const char *fields)
{
	char	*s = one_step(fields);

	expect_valid(s);
	free(s);
}

#define T	"`type`: `transform`, `output`: 1"

static void
test_tmpl_accepts_engine_md_example(void)
{
	expect_valid(example);
}

/*
 * Every template of wfm-template(5)'s examples (a literal block that is a
 * JSON object: its first line is "{") is valid and loads, so that the
 * page cannot drift from what the validator accepts.
 */
#define MAN_TEMPLATE	"docs/man/wfm-template.5"
#define MAN_LINE_MAX	512

static void
check_man_example(const char *text, int line)
{
	struct json_object	*def;
	struct verr		*ve;
	struct tmpl		*t = NULL;

	if ((def = json_tokener_parse(text)) == NULL) {
		fprintf(stderr, "%s: example before line %d does not parse\n",
		    MAN_TEMPLATE, line);
		CU_FAIL("example does not parse");
		return;
	}
	ve = verr_new();
	if (tmpl_validate(def, ve) != RC_OK) {
		fprintf(stderr, "%s: example before line %d: %s\n",
		    MAN_TEMPLATE, line, json_object_to_json_string(
		    verr_list(ve)));
		CU_FAIL("example is not a valid template");
	} else if (tmpl_load(def, &t) != RC_OK)
		CU_FAIL("example does not load");
	tmpl_free(t);
	verr_free(ve);
	json_object_put(def);
}

static void
test_tmpl_accepts_man_page_examples(void)
{
	char	 line[MAN_LINE_MAX], *text = NULL;
	size_t	 len = 0, n;
	FILE	*f;
	int	 state = 0, lineno = 0, found = 0;	/* 1: block's first line */

	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(MAN_TEMPLATE, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		n = strlen(line);
		CU_ASSERT_FATAL(n > 0 && line[n - 1] == '\n');
		if (strncmp(line, ".Bd -literal", 12) == 0) {
			state = 1;
			continue;
		}
		if (state == 0)
			continue;
		if (strcmp(line, ".Ed\n") == 0) {
			if (text != NULL) {
				check_man_example(text, lineno);
				found++;
			}
			free(text);
			text = NULL;
			len = 0;
			state = 0;
			continue;
		}
		/* A block is an example template when it opens with "{". */
		if (state == 1 && strcmp(line, "{\n") != 0)
			state = 2;
		if (state == 1)
			state = 3;
		if (state != 3)
			continue;
		text = xrealloc(text, len + n + 1);
		memcpy(text + len, line, n + 1);
		len += n;
	}
	fclose(f);
	free(text);
	CU_ASSERT_EQUAL(found, 3);	/* payment, ping, charge-each */
}

static void
test_tmpl_rejects_non_object_body(void)
{
	expect_one("[1]", "model_type", "[`body`]", NULL);
}

static void
test_tmpl_rejects_missing_required_fields(void)
{
	struct verr		*ve;
	struct json_object	*e;
	int			 rc;

	ve = run("{`is_public`: true}", &rc);
	CU_ASSERT_EQUAL(rc, RC_INVALID);
	CU_ASSERT_EQUAL(verr_count(ve), 2);
	e = err_at(ve, 0, "missing", "[`body`,`name`]");
	CU_ASSERT_PTR_NOT_NULL(e);
	CU_ASSERT_STRING_EQUAL(err_str(e, "msg"), "Field required");
	CU_ASSERT_STRING_EQUAL(err_str(e, "input"), "{ \"is_public\": true }");
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 1, "missing", "[`body`,`steps`]"));
	verr_free(ve);
}

static void
test_tmpl_rejects_bad_name(void)
{
	char	*s, *big;
	size_t	 i;
	struct verr	*ve;
	struct json_object	*e;
	int	 rc;

	expect_one("{`name`: 5, `steps`: [{`id`: `a`, " T "}]}",
	    "string_type", "[`body`,`name`]", "Input should be a valid string");
	ve = run("{`name`: ``, `steps`: [{`id`: `a`, " T "}]}", &rc);
	e = one_err(ve, "string_too_short", "[`body`,`name`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "msg"),
	    "String should have at least 1 character");
	CU_ASSERT_STRING_EQUAL(err_str(e, "ctx"), "{ \"min_length\": 1 }");
	verr_free(ve);
	big = xcalloc(1, 129 * 2 + 1);
	memset(big, 'n', 129);
	s = xasprintf("{`name`: `%s`, `steps`: [{`id`: `a`, " T "}]}", big);
	expect_one(s, "string_too_long", "[`body`,`name`]",
	    "String should have at most 128 characters");
	free(s);
	/* 128 two-byte characters are 128 characters, not 256. */
	for (i = 0; i < 128; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[256] = '\0';
	s = xasprintf("{`name`: `%s`, `steps`: [{`id`: `a`, " T "}]}", big);
	expect_valid(s);
	free(s);
	free(big);
}

static void
test_tmpl_rejects_long_description(void)
{
	char	*s, big[1026];

	memset(big, 'd', 1025);
	big[1025] = '\0';
	s = xasprintf("{`name`: `t`, `description`: `%s`, "
	    "`steps`: [{`id`: `a`, " T "}]}", big);
	expect_one(s, "string_too_long", "[`body`,`description`]",
	    "String should have at most 1024 characters");
	free(s);
	big[1024] = '\0';
	s = xasprintf("{`name`: `t`, `description`: `%s`, "
	    "`steps`: [{`id`: `a`, " T "}]}", big);
	expect_valid(s);
	free(s);
}

static void
test_tmpl_rejects_extra_top_level_key(void)
{
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], `owner`: 1}",
	    "extra_forbidden", "[`body`,`owner`]",
	    "Extra inputs are not permitted");
}

static void
test_tmpl_rejects_bad_global_config(void)
{
	struct verr		*ve;
	struct json_object	*e;
	int			 rc;

	ve = run("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`global_config`: {`timeout_seconds`: 0, `max_parallel`: 65, "
	    "`max_concurrent_executions`: `x`, `retries`: 1}}", &rc);
	CU_ASSERT_EQUAL(verr_count(ve), 4);
	e = err_at(ve, 0, "greater_than_equal",
	    "[`body`,`global_config`,`timeout_seconds`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "msg"),
	    "Input should be greater than or equal to 1");
	CU_ASSERT_STRING_EQUAL(err_str(e, "ctx"), "{ \"ge\": 1 }");
	e = err_at(ve, 1, "less_than_equal",
	    "[`body`,`global_config`,`max_parallel`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "msg"),
	    "Input should be less than or equal to 64");
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 2, "int_type",
	    "[`body`,`global_config`,`max_concurrent_executions`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 3, "extra_forbidden",
	    "[`body`,`global_config`,`retries`]"));
	verr_free(ve);
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`global_config`: []}", "dict_type", "[`body`,`global_config`]",
	    "Input should be a valid dictionary");
}

static void
test_tmpl_accepts_whole_float_as_int(void)
{
	expect_valid("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`global_config`: {`max_parallel`: 4.0}}");
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`global_config`: {`max_parallel`: 4.5}}", "int_from_float",
	    "[`body`,`global_config`,`max_parallel`]", NULL);
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`global_config`: {`max_parallel`: true}}", "int_type",
	    "[`body`,`global_config`,`max_parallel`]",
	    "Input should be a valid integer");
}

static void
test_tmpl_rejects_bad_steps_list(void)
{
	struct verr		*ve;
	struct json_object	*e;
	int			 rc;

	expect_one("{`name`: `t`, `steps`: {}}", "list_type",
	    "[`body`,`steps`]", "Input should be a valid list");
	ve = run("{`name`: `t`, `steps`: []}", &rc);
	e = one_err(ve, "too_short", "[`body`,`steps`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "msg"),
	    "List should have at least 1 item after validation, not 0");
	verr_free(ve);
	expect_one("{`name`: `t`, `steps`: [5]}", "dict_type",
	    "[`body`,`steps`,0]", NULL);
}

/* Body with n independent transform steps s0, s1, ... */
static char *
n_steps(int n)
{
	char	*s, *p;
	int	 i;

	s = xcalloc(1, 64 + (size_t)n * 64);
	p = s + sprintf(s, "{`name`: `t`, `steps`: [");
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s{`id`: `s%d`, `type`: `transform`, "
		    "`output`: %d}", i ? ", " : "", i, i);
	sprintf(p, "]}");
	return s;
}

static void
test_tmpl_rejects_101_steps(void)
{
	struct verr		*ve;
	struct json_object	*e;
	char			*s;
	int			 rc;

	s = n_steps(101);
	ve = run(s, &rc);
	e = one_err(ve, "too_long", "[`body`,`steps`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "msg"),
	    "List should have at most 100 items after validation, not 101");
	verr_free(ve);
	free(s);
	s = n_steps(100);
	expect_valid(s);
	free(s);
}

static void
test_tmpl_rejects_bad_step_id(void)
{
	struct verr		*ve;
	struct json_object	*e;
	char			 id[65];
	char			*s;
	int			 rc;

	ve = run("{`name`: `t`, `steps`: [{`id`: `Bad`, " T "}]}", &rc);
	e = one_err(ve, "string_pattern_mismatch", "[`body`,`steps`,0,`id`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "msg"),
	    "String should match pattern '^[a-z][a-z0-9_]{0,62}$'");
	CU_ASSERT_STRING_EQUAL(err_str(e, "ctx"),
	    "{ \"pattern\": \"^[a-z][a-z0-9_]{0,62}$\" }");
	verr_free(ve);
	memset(id, 'x', 64);
	id[64] = '\0';
	s = xasprintf("{`name`: `t`, `steps`: [{`id`: `%s`, " T "}]}", id);
	expect_one(s, "string_pattern_mismatch", "[`body`,`steps`,0,`id`]",
	    NULL);
	free(s);
	id[63] = '\0';
	s = xasprintf("{`name`: `t`, `steps`: [{`id`: `%s`, " T "}]}", id);
	expect_valid(s);
	free(s);
	expect_one("{`name`: `t`, `steps`: [{`id`: 7, " T "}]}",
	    "string_type", "[`body`,`steps`,0,`id`]", NULL);
	expect_one("{`name`: `t`, `steps`: [{" T "}]}", "missing",
	    "[`body`,`steps`,0,`id`]", "Field required");
}

static void
test_tmpl_rejects_duplicate_step_id(void)
{
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}, "
	    "{`id`: `b`, " T "}, {`id`: `a`, " T "}]}", "value_error",
	    "[`body`,`steps`,2,`id`]", "Value error, duplicate step id 'a'");
}

static void
test_tmpl_rejects_unknown_step_type(void)
{
	struct verr		*ve;
	struct json_object	*e;
	int			 rc;

	ve = run("{`name`: `t`, `steps`: [{`id`: `a`, `type`: `shell`, "
	    "`output`: 1}]}", &rc);
	e = one_err(ve, "literal_error", "[`body`,`steps`,0,`type`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "msg"),
	    "Input should be 'transform', 'http', 'command', 'delay', 'map', "
	    "'workflow' or 'wait'");
	CU_ASSERT_STRING_EQUAL(err_str(e, "ctx"), "{ \"expected\": "
	    "\"'transform', 'http', 'command', 'delay', 'map', 'workflow' or "
	    "'wait'\" }");
	verr_free(ve);
	/* A key of no type at all is still extra. */
	ve = run("{`name`: `t`, `steps`: [{`id`: `a`, `type`: 1, "
	    "`cmd`: 1}]}", &rc);
	CU_ASSERT_EQUAL(verr_count(ve), 2);
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 0, "literal_error",
	    "[`body`,`steps`,0,`type`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 1, "extra_forbidden",
	    "[`body`,`steps`,0,`cmd`]"));
	verr_free(ve);
}

static void
test_tmpl_rejects_depends_on_unknown_at_its_index(void)
{
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}, "
	    "{`id`: `b`, " T "}, {`id`: `c`, " T ", "
	    "`depends_on`: [`a`, `zz`]}]}", "value_error",
	    "[`body`,`steps`,2,`depends_on`,1]",
	    "Value error, unknown step 'zz' in depends_on");
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T ", "
	    "`depends_on`: [`No Such`]}]}", "value_error",
	    "[`body`,`steps`,0,`depends_on`,0]",
	    "Value error, depends_on must name a step of this template");
}

static void
test_tmpl_rejects_bad_depends_on(void)
{
	struct verr	*ve;
	int		 rc;

	ve = run("{`name`: `t`, `steps`: [{`id`: `a`, " T "}, "
	    "{`id`: `b`, " T ", `depends_on`: [`a`, `a`, 3, `b`]}]}", &rc);
	CU_ASSERT_EQUAL(verr_count(ve), 3);
	CU_ASSERT_STRING_EQUAL(err_str(err_at(ve, 0, "value_error",
	    "[`body`,`steps`,1,`depends_on`,1]"), "msg"),
	    "Value error, duplicate dependency 'a'");
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 1, "string_type",
	    "[`body`,`steps`,1,`depends_on`,2]"));
	CU_ASSERT_STRING_EQUAL(err_str(err_at(ve, 2, "value_error",
	    "[`body`,`steps`,1,`depends_on`,3]"), "msg"),
	    "Value error, step 'b' cannot depend on itself");
	verr_free(ve);
	expect_step(T ", `depends_on`: `b`", "list_type",
	    "[`body`,`steps`,0,`depends_on`]", NULL);
}

static void
test_tmpl_rejects_two_step_cycle(void)
{
	expect_one("{`name`: `t`, `steps`: ["
	    "{`id`: `a`, " T ", `depends_on`: [`b`]}, "
	    "{`id`: `b`, " T ", `depends_on`: [`a`]}]}", "value_error",
	    "[`body`,`steps`]", "Value error, dependency cycle: a -> b -> a");
}

static void
test_tmpl_rejects_three_step_cycle(void)
{
	expect_one("{`name`: `t`, `steps`: [{`id`: `x`, " T "}, "
	    "{`id`: `p`, " T ", `depends_on`: [`x`, `r`]}, "
	    "{`id`: `q`, " T ", `depends_on`: [`p`]}, "
	    "{`id`: `r`, " T ", `depends_on`: [`q`]}]}", "value_error",
	    "[`body`,`steps`]",
	    "Value error, dependency cycle: p -> r -> q -> p");
}

static void
test_tmpl_cycle_starts_at_its_earliest_step(void)
{
	/* The search enters the cycle at c2; the message starts at b1. */
	expect_one("{`name`: `t`, `steps`: ["
	    "{`id`: `z0`, " T ", `depends_on`: [`c2`]}, "
	    "{`id`: `b1`, " T ", `depends_on`: [`c2`]}, "
	    "{`id`: `c2`, " T ", `depends_on`: [`b1`]}]}", "value_error",
	    "[`body`,`steps`]",
	    "Value error, dependency cycle: b1 -> c2 -> b1");
}

static void
test_tmpl_reports_one_cycle_only(void)
{
	expect_one("{`name`: `t`, `steps`: ["
	    "{`id`: `a`, " T ", `depends_on`: [`b`]}, "
	    "{`id`: `b`, " T ", `depends_on`: [`a`]}, "
	    "{`id`: `c`, " T ", `depends_on`: [`d`]}, "
	    "{`id`: `d`, " T ", `depends_on`: [`c`]}]}", "value_error",
	    "[`body`,`steps`]", "Value error, dependency cycle: a -> b -> a");
}

static void
test_tmpl_rejects_self_loop(void)
{
	expect_step(T ", `depends_on`: [`a`]", "value_error",
	    "[`body`,`steps`,0,`depends_on`,0]",
	    "Value error, step 'a' cannot depend on itself");
}

static void
test_tmpl_rejects_bad_when(void)
{
	expect_step(T ", `when`: true", "string_type",
	    "[`body`,`steps`,0,`when`]", NULL);
	expect_step(T ", `when`: `true`", "value_error",
	    "[`body`,`steps`,0,`when`]",
	    "Value error, when must contain an expression {{ ... }}");
	expect_step(T ", `when`: `{{ 1 + }}`", "value_error",
	    "[`body`,`steps`,0,`when`]", NULL);
	valid_step(T ", `when`: `{{ input.go }}`");
}

static void
test_tmpl_rejects_bad_retry(void)
{
	struct verr		*ve;
	struct json_object	*e;
	char			*s;
	int			 rc;

	s = one_step(T ", `retry`: {`max_attempts`: 21, "
	    "`initial_interval_ms`: 0, `backoff_coefficient`: 0.5, "
	    "`max_interval_ms`: 86400001, `jitter`: 1}");
	ve = run(s, &rc);
	free(s);
	CU_ASSERT_EQUAL(verr_count(ve), 5);
	e = err_at(ve, 0, "less_than_equal",
	    "[`body`,`steps`,0,`retry`,`max_attempts`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "ctx"), "{ \"le\": 20 }");
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 1, "greater_than_equal",
	    "[`body`,`steps`,0,`retry`,`initial_interval_ms`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 2, "greater_than_equal",
	    "[`body`,`steps`,0,`retry`,`backoff_coefficient`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 3, "less_than_equal",
	    "[`body`,`steps`,0,`retry`,`max_interval_ms`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 4, "extra_forbidden",
	    "[`body`,`steps`,0,`retry`,`jitter`]"));
	verr_free(ve);
	expect_step(T ", `retry`: {`initial_interval_ms`: 2000, "
	    "`max_interval_ms`: 1000}", "value_error",
	    "[`body`,`steps`,0,`retry`,`max_interval_ms`]", "Value error, "
	    "max_interval_ms must be greater than or equal to "
	    "initial_interval_ms");
	expect_step(T ", `retry`: {`backoff_coefficient`: `2`}", "float_type",
	    "[`body`,`steps`,0,`retry`,`backoff_coefficient`]",
	    "Input should be a valid number");
	expect_step(T ", `retry`: 3", "dict_type",
	    "[`body`,`steps`,0,`retry`]", NULL);
	valid_step(T ", `retry`: {`max_attempts`: 20, `initial_interval_ms`: "
	    "1000, `backoff_coefficient`: 1, `max_interval_ms`: 1000}");
}

static void
test_tmpl_rejects_bad_step_timeout(void)
{
	expect_step(T ", `timeout_seconds`: 86401", "less_than_equal",
	    "[`body`,`steps`,0,`timeout_seconds`]",
	    "Input should be less than or equal to 86400");
	expect_step(T ", `timeout_seconds`: `5`", "int_type",
	    "[`body`,`steps`,0,`timeout_seconds`]", NULL);
}

static void
test_tmpl_rejects_transform_without_output(void)
{
	struct verr		*ve;
	struct json_object	*e;
	int			 rc;

	ve = run("{`name`: `t`, `steps`: [{`id`: `a`, `type`: `transform`}]}",
	    &rc);
	e = one_err(ve, "missing", "[`body`,`steps`,0,`output`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "input"),
	    "{ \"id\": \"a\", \"type\": \"transform\" }");
	verr_free(ve);
	/* JSON null is an output. */
	valid_step("`type`: `transform`, `output`: null");
}

static void
test_tmpl_rejects_bad_http_request(void)
{
	struct verr	*ve;
	char		*s;
	int		 rc;

	expect_step("`type`: `http`", "missing",
	    "[`body`,`steps`,0,`request`]", NULL);
	s = one_step("`type`: `http`, `request`: {`method`: `FETCH`, "
	    "`url`: `ftp://x`, `headers`: {`X-A`: 1, `Bad Name`: `v`}, "
	    "`verb`: 1}");
	ve = run(s, &rc);
	free(s);
	CU_ASSERT_EQUAL(verr_count(ve), 5);
	CU_ASSERT_STRING_EQUAL(err_str(err_at(ve, 0, "literal_error",
	    "[`body`,`steps`,0,`request`,`method`]"), "msg"),
	    "Input should be 'GET', 'POST', 'PUT', 'PATCH' or 'DELETE'");
	CU_ASSERT_STRING_EQUAL(err_str(err_at(ve, 1, "value_error",
	    "[`body`,`steps`,0,`request`,`url`]"), "msg"),
	    "Value error, url must start with http:// or https://");
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 2, "string_type",
	    "[`body`,`steps`,0,`request`,`headers`,`X-A`]"));
	CU_ASSERT_STRING_EQUAL(err_str(err_at(ve, 3, "value_error",
	    "[`body`,`steps`,0,`request`,`headers`,`Bad Name`]"), "msg"),
	    "Value error, invalid header name");
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 4, "extra_forbidden",
	    "[`body`,`steps`,0,`request`,`verb`]"));
	verr_free(ve);
	expect_step("`type`: `http`, `request`: {`method`: `GET`}", "missing",
	    "[`body`,`steps`,0,`request`,`url`]", NULL);
	expect_step("`type`: `http`, `request`: {`method`: `GET`, "
	    "`url`: `x{{ input.u }}`}", "value_error",
	    "[`body`,`steps`,0,`request`,`url`]", NULL);
	expect_step("`type`: `http`, `request`: {`method`: `GET`, "
	    "`url`: `https://x`, `headers`: {`A`: `v\\r\\nB: w`}}",
	    "value_error", "[`body`,`steps`,0,`request`,`headers`,`A`]",
	    "Value error, header value must not contain CR, LF or NUL");
}

static void
test_tmpl_accepts_http_url_forms(void)
{
	valid_step("`type`: `http`, `request`: {`method`: `GET`, "
	    "`url`: `HTTPS://EXAMPLE.COM/`}");
	valid_step("`type`: `http`, `request`: {`method`: `DELETE`, "
	    "`url`: `http://h/{{ input.id }}`}");
	valid_step("`type`: `http`, `request`: {`method`: `PATCH`, "
	    "`url`: `{{ input.url }}`, `body`: [1, `{{ input.x }}`]}");
	valid_step("`type`: `http`, `request`: {`method`: `PUT`, "
	    "`url`: `{{ 'a}}b' + input.u }}`}");
}

static void
test_tmpl_rejects_bad_command(void)
{
	char	*s;
	struct verr	*ve;
	struct json_object	*e;
	int	 rc;

	s = one_step("`type`: `command`, `handler`: `../bin/sh`");
	ve = run(s, &rc);
	free(s);
	e = one_err(ve, "string_pattern_mismatch",
	    "[`body`,`steps`,0,`handler`]");
	CU_ASSERT_STRING_EQUAL(err_str(e, "ctx"),
	    "{ \"pattern\": \"^[a-z0-9][a-z0-9_-]*$\" }");
	verr_free(ve);
	expect_step("`type`: `command`, `handler`: `-x`",
	    "string_pattern_mismatch", "[`body`,`steps`,0,`handler`]", NULL);
	expect_step("`type`: `command`", "missing",
	    "[`body`,`steps`,0,`handler`]", NULL);
	valid_step("`type`: `command`, `handler`: `0send_receipt-2`");
}

/*
 * The supervisor runs handler names of at most TMPL_HANDLER_LEN_MAX
 * bytes: a template may not be accepted with one it would refuse.
 */
static void
test_tmpl_handler_length_is_the_supervisors(void)
{
	char	name[TMPL_HANDLER_LEN_MAX + 2], fields[TMPL_HANDLER_LEN_MAX + 64];

	CU_ASSERT_EQUAL(TMPL_HANDLER_LEN_MAX, 128);
	memset(name, 'h', TMPL_HANDLER_LEN_MAX);
	name[TMPL_HANDLER_LEN_MAX] = '\0';
	snprintf(fields, sizeof(fields), "`type`: `command`, `handler`: `%s`",
	    name);
	valid_step(fields);
	name[TMPL_HANDLER_LEN_MAX] = 'h';
	name[TMPL_HANDLER_LEN_MAX + 1] = '\0';
	snprintf(fields, sizeof(fields), "`type`: `command`, `handler`: `%s`",
	    name);
	expect_step(fields, "string_too_long", "[`body`,`steps`,0,`handler`]",
	    "String should have at most 128 characters");
}

static void
test_tmpl_rejects_bad_delay(void)
{
	expect_step("`type`: `delay`, `seconds`: -1", "greater_than_equal",
	    "[`body`,`steps`,0,`seconds`]",
	    "Input should be greater than or equal to 0");
	expect_step("`type`: `delay`, `seconds`: 86400.5", "less_than_equal",
	    "[`body`,`steps`,0,`seconds`]", NULL);
	expect_step("`type`: `delay`, `seconds`: `5`", "float_type",
	    "[`body`,`steps`,0,`seconds`]", NULL);
	expect_step("`type`: `delay`", "missing",
	    "[`body`,`steps`,0,`seconds`]", NULL);
	valid_step("`type`: `delay`, `seconds`: 0.25");
}

static void
test_tmpl_rejects_keys_of_another_step_type(void)
{
	expect_step(T ", `request`: {}", "extra_forbidden",
	    "[`body`,`steps`,0,`request`]", NULL);
	expect_step("`type`: `delay`, `seconds`: 1, `handler`: `x`",
	    "extra_forbidden", "[`body`,`steps`,0,`handler`]", NULL);
}

static void
test_tmpl_rejects_secrets_in_transform_output(void)
{
	expect_step("`type`: `transform`, `output`: {`x`: [1, "
	    "`t={{ secrets.K }}`]}", "value_error",
	    "[`body`,`steps`,0,`output`,`x`,1]", "Value error, secrets may "
	    "only be used in an http step's request or a command step's input");
	expect_step(T ", `when`: `{{ secrets.K == 'a' }}`", "value_error",
	    "[`body`,`steps`,0,`when`]", NULL);
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`output`: {`k`: `{{ secrets.K }}`}}", "value_error",
	    "[`body`,`output`,`k`]", NULL);
}

static void
test_tmpl_accepts_secrets_in_request_and_input(void)
{
	valid_step("`type`: `http`, `request`: {`method`: `POST`, "
	    "`url`: `https://x/{{ secrets.PATH }}`, "
	    "`headers`: {`Authorization`: `Bearer {{ secrets.TOKEN }}`}, "
	    "`body`: {`k`: `{{ secrets.K }}`}}");
	valid_step("`type`: `command`, `handler`: `h`, "
	    "`input`: {`k`: `{{ secrets.K }}`}");
}

static void
test_tmpl_rejects_bad_expression_at_its_path(void)
{
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`output`: {`a`: [1, `{{ input. }}`]}}", "value_error",
	    "[`body`,`output`,`a`,1]", NULL);
	expect_step("`type`: `command`, `handler`: `h`, "
	    "`input`: {`k`: `{{ 'open }}`}", "value_error",
	    "[`body`,`steps`,0,`input`,`k`]", NULL);
}

static void
test_tmpl_rejects_bad_sharing(void)
{
	struct verr	*ve;
	char		*s, big[257];
	int		 rc;

	memset(big, 'u', 256);
	big[256] = '\0';
	s = xasprintf("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`is_public`: `yes`, `shared_with`: [`bob`, ``, `%s`, 4]}", big);
	ve = run(s, &rc);
	free(s);
	CU_ASSERT_EQUAL(verr_count(ve), 4);
	CU_ASSERT_STRING_EQUAL(err_str(err_at(ve, 0, "bool_type",
	    "[`body`,`is_public`]"), "msg"), "Input should be a valid boolean");
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 1, "string_too_short",
	    "[`body`,`shared_with`,1]"));
	CU_ASSERT_STRING_EQUAL(err_str(err_at(ve, 2, "string_too_long",
	    "[`body`,`shared_with`,2]"), "msg"),
	    "String should have at most 255 characters");
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 3, "string_type",
	    "[`body`,`shared_with`,3]"));
	verr_free(ve);
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`shared_with`: `bob`}", "list_type", "[`body`,`shared_with`]",
	    NULL);
}

static void
test_tmpl_rejects_101_shared_users(void)
{
	char	*s, *p;
	int	 i;

	s = xcalloc(1, 4096);
	p = s + sprintf(s, "{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`shared_with`: [");
	for (i = 0; i < 101; i++)
		p += sprintf(p, "%s`u%d`", i ? "," : "", i);
	sprintf(p, "]}");
	expect_one(s, "too_long", "[`body`,`shared_with`]",
	    "List should have at most 100 items after validation, not 101");
	free(s);
}

static void
test_tmpl_rejects_bad_input_schema(void)
{
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`input_schema`: []}", "dict_type", "[`body`,`input_schema`]",
	    NULL);
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`input_schema`: {`type`: `bogus`}}", "value_error",
	    "[`body`,`input_schema`,`type`]", NULL);
}

/* output_schema: checked like input_schema, compiled by tmpl_load. */
static void
test_tmpl_output_schema_checked_and_compiled(void)
{
	struct json_object	*def;
	struct tmpl		*t = NULL;
	struct verr		*ve;
	struct jpath		 p;

	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`output_schema`: {`items`: {`$ref`: `#/$defs/x`}}}",
	    "value_error", "[`body`,`output_schema`,`items`,`$ref`]",
	    "Value error, reference '#/$defs/x' points to nothing in the "
	    "schema");
	expect_one("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`output_schema`: 5}", "dict_type", "[`body`,`output_schema`]",
	    NULL);
	expect_valid("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`output_schema`: {`type`: `object`, `required`: [`a`]}}");
	def = J("{`name`: `t`, `steps`: [{`id`: `a`, " T "}], "
	    "`output_schema`: {`type`: `object`, `required`: [`a`]}}");
	CU_ASSERT_EQUAL_FATAL(tmpl_load(def, &t), RC_OK);
	json_object_put(def);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->output_schema);
	def = J("{`b`: 1}");
	ve = verr_new();
	jpath_init(&p, "final_result");
	CU_ASSERT_EQUAL(schema_validate(t->output_schema, def, &p, ve), 1);
	verr_free(ve);
	json_object_put(def);
	tmpl_free(t);
}

static void
test_tmpl_reports_every_error_together(void)
{
	struct verr	*ve;
	int		 rc;

	ve = run("{`name`: ``, `steps`: [{`id`: `a`, `type`: `http`, "
	    "`request`: {`method`: `GET`, `url`: `gopher://x`}}, "
	    "{`id`: `a`, `type`: `delay`, `seconds`: 1e6}, "
	    "{`id`: `c`, " T ", `depends_on`: [`nope`]}], `color`: 1}", &rc);
	CU_ASSERT_EQUAL(rc, RC_INVALID);
	CU_ASSERT_EQUAL(verr_count(ve), 6);
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 0, "string_too_short",
	    "[`body`,`name`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 1, "value_error",
	    "[`body`,`steps`,0,`request`,`url`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 2, "value_error",
	    "[`body`,`steps`,1,`id`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 3, "less_than_equal",
	    "[`body`,`steps`,1,`seconds`]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 4, "value_error",
	    "[`body`,`steps`,2,`depends_on`,0]"));
	CU_ASSERT_PTR_NOT_NULL(err_at(ve, 5, "extra_forbidden",
	    "[`body`,`color`]"));
	verr_free(ve);
}

static void
test_tmpl_treats_null_optional_fields_as_absent(void)
{
	expect_valid("{`name`: `t`, `description`: null, `input_schema`: null,"
	    " `global_config`: {`max_concurrent_executions`: null}, "
	    "`output`: null, `is_public`: null, `shared_with`: null, "
	    "`steps`: [{`id`: `a`, " T ", `depends_on`: null, `when`: null, "
	    "`retry`: null, `timeout_seconds`: null}]}");
	expect_one("{`name`: null, `steps`: [{`id`: `a`, " T "}]}",
	    "string_type", "[`body`,`name`]", NULL);
}

static void
test_tmpl_load_reads_engine_md_example(void)
{
	struct json_object	*def = J(example);
	struct tmpl		*t = NULL;
	const struct tmpl_step	*s;

	CU_ASSERT_EQUAL_FATAL(tmpl_load(def, &t), RC_OK);
	json_object_put(def);		/* t keeps its own reference */
	CU_ASSERT_STRING_EQUAL(t->name, "payment-process");
	CU_ASSERT_EQUAL(t->nsteps, 3);
	CU_ASSERT_EQUAL(t->timeout_seconds, 600);
	CU_ASSERT_EQUAL(t->max_parallel, 4);
	CU_ASSERT_EQUAL(t->max_concurrent, 0);
	CU_ASSERT_PTR_NOT_NULL(t->output);
	CU_ASSERT_PTR_NOT_NULL(t->input_schema);
	s = &t->steps[0];
	CU_ASSERT_STRING_EQUAL(s->id, "prepare");
	CU_ASSERT_EQUAL(s->type, TMPL_STEP_TRANSFORM);
	CU_ASSERT_EQUAL(s->ndeps, 0);
	CU_ASSERT_PTR_NULL(s->when);
	CU_ASSERT_PTR_NOT_NULL(s->output);
	CU_ASSERT_EQUAL(s->max_attempts, 1);
	CU_ASSERT_EQUAL(s->initial_interval_ms, 1000);
	CU_ASSERT_DOUBLE_EQUAL(s->backoff_coefficient, 2.0, 1e-12);
	CU_ASSERT_EQUAL(s->max_interval_ms, 60000);
	CU_ASSERT_EQUAL(s->timeout_seconds, 60);
	s = &t->steps[1];
	CU_ASSERT_EQUAL(s->type, TMPL_STEP_HTTP);
	CU_ASSERT_EQUAL_FATAL(s->ndeps, 1);
	CU_ASSERT_EQUAL(s->deps[0], 0);
	CU_ASSERT_EQUAL(s->max_attempts, 5);
	CU_ASSERT_EQUAL(s->initial_interval_ms, 500);
	CU_ASSERT_EQUAL(s->max_interval_ms, 30000);
	CU_ASSERT_EQUAL(s->timeout_seconds, 30);
	CU_ASSERT(json_object_is_type(s->request, json_type_object));
	s = &t->steps[2];
	CU_ASSERT_EQUAL(s->type, TMPL_STEP_COMMAND);
	CU_ASSERT_STRING_EQUAL(s->handler, "send-receipt");
	CU_ASSERT_STRING_EQUAL(s->when,
	    "{{ steps.charge.output.status == 200 }}");
	CU_ASSERT_PTR_NOT_NULL(s->input);
	CU_ASSERT_EQUAL(s->deps[0], 1);
	CU_ASSERT_EQUAL(tmpl_step_index(t, "charge"), 1);
	CU_ASSERT_EQUAL(tmpl_step_index(t, "nope"), -1);
	tmpl_free(t);
}

static void
test_tmpl_load_applies_defaults(void)
{
	struct json_object	*def;
	struct tmpl		*t = NULL;

	def = J("{`name`: `t`, `steps`: [{`id`: `w`, `type`: `delay`, "
	    "`seconds`: 1.5}], `global_config`: "
	    "{`max_concurrent_executions`: 3}}");
	CU_ASSERT_EQUAL_FATAL(tmpl_load(def, &t), RC_OK);
	CU_ASSERT_EQUAL(t->timeout_seconds, 3600);
	CU_ASSERT_EQUAL(t->max_parallel, 4);
	CU_ASSERT_EQUAL(t->max_concurrent, 3);
	CU_ASSERT_PTR_NULL(t->output);
	CU_ASSERT_PTR_NULL(t->input_schema);
	CU_ASSERT_EQUAL(t->steps[0].type, TMPL_STEP_DELAY);
	CU_ASSERT_DOUBLE_EQUAL(t->steps[0].delay_seconds, 1.5, 1e-12);
	CU_ASSERT_PTR_EQUAL(t->steps[0].obj,
	    json_object_array_get_idx(json_object_object_get(def, "steps"), 0));
	tmpl_free(t);
	json_object_put(def);
}

static void
test_tmpl_load_rejects_invalid_definitions(void)
{
	static const char *const bad[] = {
		"[]",
		"{`steps`: [{`id`: `a`, " T "}]}",
		"{`name`: `t`, `steps`: []}",
		"{`name`: `t`, `steps`: [{`id`: `a`, `type`: `x`}]}",
		"{`name`: `t`, `steps`: [{`id`: `a`, " T "}, {`id`: `a`, " T
		    "}]}",
		"{`name`: `t`, `steps`: [{`id`: `a`, " T ", "
		    "`depends_on`: [`z`]}]}",
		"{`name`: `t`, `steps`: [{`id`: `a`, " T ", "
		    "`depends_on`: [`b`]}, {`id`: `b`, " T ", "
		    "`depends_on`: [`a`]}]}",
		"{`name`: `t`, `steps`: [{`id`: `a`, " T ", "
		    "`retry`: {`max_attempts`: 0}}]}",
		"{`name`: `t`, `steps`: [{`id`: `a`, `type`: `http`}]}",
	};
	struct json_object	*def;
	struct tmpl		*t;
	size_t			 i;

	for (i = 0; i < NITEMS(bad); i++) {
		t = NULL;
		def = J(bad[i]);
		CU_ASSERT_EQUAL(tmpl_load(def, &t), RC_INVALID);
		CU_ASSERT_PTR_NULL(t);
		json_object_put(def);
	}
}

static void
test_tmpl_step_type_names_round_trip(void)
{
	enum tmpl_step_type	 ty;

	CU_ASSERT_STRING_EQUAL(tmpl_step_type_name(TMPL_STEP_DELAY), "delay");
	CU_ASSERT_EQUAL(tmpl_step_type_parse("http", &ty), RC_OK);
	CU_ASSERT_EQUAL(ty, TMPL_STEP_HTTP);
	CU_ASSERT_EQUAL(tmpl_step_type_parse("HTTP", &ty), RC_INVALID);
}

#define H	"`type`: `http`, `request`: {`method`: `GET`, "	\
		    "`url`: `http://example.org/`}"
#define C	"`type`: `command`, `handler`: `h`"

/* "callback" and "callback_timeout_seconds" (engine.md "Callbacks"). */
static void
test_tmpl_callback_fields(void)
{
	valid_step(H ", `callback`: true");
	valid_step(C ", `callback`: false");
	/* The default (86400) is not held against the execution's 3600. */
	valid_step(C ", `callback`: true, `callback_timeout_seconds`: 3600");
	expect_step(H ", `callback`: `yes`", "bool_type",
	    "[`body`,`steps`,0,`callback`]", NULL);
	expect_step(C ", `callback`: true, `callback_timeout_seconds`: 0",
	    "greater_than_equal",
	    "[`body`,`steps`,0,`callback_timeout_seconds`]", NULL);
	/* Above the execution's own timeout (default 3600): refused. */
	expect_step(C ", `callback`: true, `callback_timeout_seconds`: 3601",
	    "value_error", "[`body`,`steps`,0,`callback_timeout_seconds`]",
	    "Value error, callback_timeout_seconds must not exceed "
	    "global_config.timeout_seconds (3600)");
	expect_one("{`name`: `t`, `global_config`: {`timeout_seconds`: 60}, "
	    "`steps`: [{`id`: `a`, " H ", `callback`: true, "
	    "`callback_timeout_seconds`: 61}]}", "value_error",
	    "[`body`,`steps`,0,`callback_timeout_seconds`]", NULL);
	/* Only http and command know the keys. */
	expect_step(T ", `callback`: true", "extra_forbidden",
	    "[`body`,`steps`,0,`callback`]", NULL);
	expect_step("`type`: `delay`, `seconds`: 1, "
	    "`callback_timeout_seconds`: 5", "extra_forbidden",
	    "[`body`,`steps`,0,`callback_timeout_seconds`]", NULL);
	/* A year of execution timeout only when a step may wait. */
	expect_valid("{`name`: `t`, `global_config`: {`timeout_seconds`: "
	    "31536000}, `steps`: [{`id`: `a`, " C ", `callback`: true, "
	    "`callback_timeout_seconds`: 31536000}]}");
	expect_one("{`name`: `t`, `global_config`: {`timeout_seconds`: "
	    "604801}, `steps`: [{`id`: `a`, " C "}]}", "less_than_equal",
	    "[`body`,`global_config`,`timeout_seconds`]", NULL);
}

/* retry.on: up to 20 error types. */
static void
test_tmpl_retry_on(void)
{
	struct json_object	*def;
	struct tmpl		*t = NULL;

	valid_step(H ", `retry`: {`on`: [`busy`, `callback_timeout`]}");
	expect_step(H ", `retry`: {`on`: `busy`}", "list_type",
	    "[`body`,`steps`,0,`retry`,`on`]", NULL);
	expect_step(H ", `retry`: {`on`: [`Busy`]}",
	    "string_pattern_mismatch", "[`body`,`steps`,0,`retry`,`on`,0]",
	    NULL);
	expect_step(H ", `retry`: {`on`: [`a`,`b`,`c`,`d`,`e`,`f`,`g`,`h`,"
	    "`i`,`j`,`k`,`l`,`m`,`n`,`o`,`p`,`q`,`r`,`s`,`t`,`u`]}",
	    "too_long", "[`body`,`steps`,0,`retry`,`on`]", NULL);
	def = J("{`name`: `t`, `steps`: [{`id`: `a`, " C ", `callback`: "
	    "true, `retry`: {`on`: [`busy`]}}, {`id`: `b`, " T "}]}");
	CU_ASSERT_EQUAL_FATAL(tmpl_load(def, &t), RC_OK);
	CU_ASSERT_EQUAL(t->steps[0].callback, 1);
	CU_ASSERT_EQUAL(t->steps[0].callback_timeout, 86400);
	CU_ASSERT_EQUAL(tmpl_retry_on(&t->steps[0], "busy"), 1);
	CU_ASSERT_EQUAL(tmpl_retry_on(&t->steps[0], "bus"), 0);
	CU_ASSERT_EQUAL(tmpl_retry_on(&t->steps[0], "callback_timeout"), 0);
	CU_ASSERT_EQUAL(t->steps[1].callback, 0);
	CU_ASSERT_EQUAL(tmpl_retry_on(&t->steps[1], "busy"), 0);
	tmpl_free(t);
	json_object_put(def);
}

/* engine.md's map example, as a second step. */
#define MAP_EX	"{`name`: `t`, `steps`: [" \
	"{`id`: `load`, `type`: `transform`, `output`: {`orders`: [1, 2]}}," \
	"{`id`: `each`, `type`: `map`, `depends_on`: [`load`], %s}]}"
#define SECRETS_MSG_T	"secrets may only be used in an http step's request" \
	" or a command step's input"
#define T_STEP	"{`id`: `a`, `type`: `transform`, `output`: 1}"
#define MAP_LOC(rest)	"[`body`,`steps`,1" rest "]"
#define MAP_ITEMS	"`items`: `{{ steps.load.output.orders }}`"
#define MAP_STEP	"`step`: {`type`: `transform`, `output`: `{{ item }}`}"

static void
map_expect(const char *fields, const char *type, const char *loc,
    const char *msg)
{
	char	*s = xasprintf(MAP_EX, fields);

	expect_one(s, type, loc, msg);
	free(s);
}

static void
map_valid(const char *fields)
{
	char	*s = xasprintf(MAP_EX, fields);

	expect_valid(s);
	free(s);
}

static void
test_tmpl_accepts_map_steps(void)
{
	map_valid(MAP_ITEMS ", " MAP_STEP);
	map_valid(MAP_ITEMS ", `max_concurrency`: 20, `tolerated_failures`: 0,"
	    " `tolerated_failure_percent`: 12.5, `step`: {`type`: `http`,"
	    " `request`: {`method`: `POST`, `url`: `https://pay.example/c`,"
	    " `headers`: {`Authorization`: `Bearer {{ secrets.T }}`},"
	    " `body`: {`order`: `{{ item.id }}`, `position`: `{{ index }}`}},"
	    " `retry`: {`max_attempts`: 3}, `timeout_seconds`: 30,"
	    " `when`: `{{ index > 0 }}`}");
	map_valid(MAP_ITEMS ", `max_concurrency`: 1000, `tolerated_failure_"
	    "percent`: 0, `step`: {`type`: `command`, `handler`: `h`,"
	    " `input`: `{{ item }}`}");
	map_valid(MAP_ITEMS ", `max_concurrency`: 1, `tolerated_failures`: "
	    "10000, `step`: {`type`: `delay`, `seconds`: 1}");
	map_valid("`items`: `{{ input.list }}`, " MAP_STEP);
}

static void
test_tmpl_rejects_bad_map_items(void)
{
	map_expect(MAP_STEP, "missing", MAP_LOC(",`items`"), "Field required");
	map_expect("`items`: [1, 2], " MAP_STEP, "string_type",
	    MAP_LOC(",`items`"), "Input should be a valid string");
	map_expect("`items`: `orders`, " MAP_STEP, "value_error",
	    MAP_LOC(",`items`"), "Value error, items must be one expression "
	    "{{ ... }} giving an array");
	map_expect("`items`: `x{{ input.a }}`, " MAP_STEP, "value_error",
	    MAP_LOC(",`items`"), "Value error, items must be one expression "
	    "{{ ... }} giving an array");
	map_expect("`items`: `{{ input. }}`, " MAP_STEP, "value_error",
	    MAP_LOC(",`items`"), NULL);
	map_expect("`items`: `{{ secrets.A }}`, " MAP_STEP, "value_error",
	    MAP_LOC(",`items`"), "Value error, " SECRETS_MSG_T);
	/* item and index are bound only inside the inner step. */
	map_expect("`items`: `{{ item }}`, " MAP_STEP, "value_error",
	    MAP_LOC(",`items`"), "Value error, item and index are only "
	    "bound inside the step of a map step");
	/* An iteration has no step row to wait on: no callback there. */
	map_expect(MAP_ITEMS ", `step`: {`type`: `command`, `handler`: `h`, "
	    "`callback`: true}", "value_error", MAP_LOC(",`step`,`callback`"),
	    "Value error, callback is not supported on the step of a map "
	    "step");
	map_valid(MAP_ITEMS ", `step`: {`type`: `command`, `handler`: `h`, "
	    "`callback`: false}");
}

static void
test_tmpl_rejects_bad_map_bounds(void)
{
	map_expect(MAP_ITEMS ", `max_concurrency`: 0, " MAP_STEP,
	    "greater_than_equal", MAP_LOC(",`max_concurrency`"),
	    "Input should be greater than or equal to 1");
	map_expect(MAP_ITEMS ", `max_concurrency`: 1001, " MAP_STEP,
	    "less_than_equal", MAP_LOC(",`max_concurrency`"),
	    "Input should be less than or equal to 1000");
	map_expect(MAP_ITEMS ", `max_concurrency`: `5`, " MAP_STEP,
	    "int_type", MAP_LOC(",`max_concurrency`"), NULL);
	map_expect(MAP_ITEMS ", `tolerated_failures`: -1, " MAP_STEP,
	    "greater_than_equal", MAP_LOC(",`tolerated_failures`"),
	    "Input should be greater than or equal to 0");
	map_expect(MAP_ITEMS ", `tolerated_failures`: 1.5, " MAP_STEP,
	    "int_from_float", MAP_LOC(",`tolerated_failures`"), NULL);
	map_expect(MAP_ITEMS ", `tolerated_failure_percent`: 100.5, "
	    MAP_STEP, "less_than_equal",
	    MAP_LOC(",`tolerated_failure_percent`"),
	    "Input should be less than or equal to 100");
	map_expect(MAP_ITEMS ", `tolerated_failure_percent`: -0.1, "
	    MAP_STEP, "greater_than_equal",
	    MAP_LOC(",`tolerated_failure_percent`"), NULL);
	map_expect(MAP_ITEMS ", `tolerated_failure_percent`: true, "
	    MAP_STEP, "float_type", MAP_LOC(",`tolerated_failure_percent`"),
	    NULL);
	map_expect(MAP_ITEMS ", `concurrency`: 3, " MAP_STEP,
	    "extra_forbidden", MAP_LOC(",`concurrency`"), NULL);
	/* Retry and timeout belong to the inner step. */
	map_expect(MAP_ITEMS ", `retry`: {`max_attempts`: 2}, " MAP_STEP,
	    "extra_forbidden", MAP_LOC(",`retry`"), NULL);
	map_expect(MAP_ITEMS ", `timeout_seconds`: 5, " MAP_STEP,
	    "extra_forbidden", MAP_LOC(",`timeout_seconds`"), NULL);
	map_expect(MAP_ITEMS ", `when`: `yes`, " MAP_STEP, "value_error",
	    MAP_LOC(",`when`"), NULL);
}

static void
test_tmpl_rejects_bad_map_inner_step(void)
{
	map_expect(MAP_ITEMS, "missing", MAP_LOC(",`step`"), NULL);
	map_expect(MAP_ITEMS ", `step`: [1]", "dict_type", MAP_LOC(",`step`"),
	    NULL);
	/* No nested map. */
	map_expect(MAP_ITEMS ", `step`: {`type`: `map`, " MAP_ITEMS ", "
	    MAP_STEP "}", "literal_error", MAP_LOC(",`step`,`type`"),
	    "Input should be 'transform', 'http', 'command', 'delay' or "
	    "'workflow'");
	/* Nor a wait: an iteration has no signal of its own. */
	map_expect(MAP_ITEMS ", `step`: {`type`: `wait`, `signal`: `s`}",
	    "literal_error", MAP_LOC(",`step`,`type`"), NULL);
	/* A workflow step's fields are checked at their place. */
	map_expect(MAP_ITEMS ", `step`: {`type`: `workflow`}", "missing",
	    MAP_LOC(",`step`,`template_id`"), NULL);
	map_expect(MAP_ITEMS ", `step`: {`type`: `workflow`, `template_id`: "
	    "`x`, `wait`: 1}", "bool_type", MAP_LOC(",`step`,`wait`"), NULL);
	map_expect(MAP_ITEMS ", `step`: {`output`: 1}", "missing",
	    MAP_LOC(",`step`,`type`"), NULL);
	/* The inner step has no id and no depends_on. */
	map_expect(MAP_ITEMS ", `step`: {`id`: `x`, `type`: `transform`, "
	    "`output`: 1}", "extra_forbidden", MAP_LOC(",`step`,`id`"), NULL);
	map_expect(MAP_ITEMS ", `step`: {`depends_on`: [`load`], `type`: "
	    "`transform`, `output`: 1}", "extra_forbidden",
	    MAP_LOC(",`step`,`depends_on`"), NULL);
	/* Its own fields are checked as a step's, at their place. */
	map_expect(MAP_ITEMS ", `step`: {`type`: `http`, `request`: "
	    "{`method`: `GET`, `url`: `ftp://x`}}", "value_error",
	    MAP_LOC(",`step`,`request`,`url`"), NULL);
	map_expect(MAP_ITEMS ", `step`: {`type`: `transform`, `output`: 1, "
	    "`retry`: {`max_attempts`: 21}}", "less_than_equal",
	    MAP_LOC(",`step`,`retry`,`max_attempts`"), NULL);
	map_expect(MAP_ITEMS ", `step`: {`type`: `transform`, `output`: 1, "
	    "`timeout_seconds`: 0}", "greater_than_equal",
	    MAP_LOC(",`step`,`timeout_seconds`"), NULL);
	map_expect(MAP_ITEMS ", `step`: {`type`: `transform`, `output`: 1, "
	    "`when`: `yes`}", "value_error", MAP_LOC(",`step`,`when`"), NULL);
	map_expect(MAP_ITEMS ", `step`: {`type`: `delay`, `seconds`: 1, "
	    "`handler`: `h`}", "extra_forbidden",
	    MAP_LOC(",`step`,`handler`"), NULL);
	map_expect(MAP_ITEMS ", `step`: {`type`: `transform`, "
	    "`output`: `{{ secrets.A }}`}", "value_error",
	    MAP_LOC(",`step`,`output`"), "Value error, " SECRETS_MSG_T);
}

static void
test_tmpl_rejects_item_outside_map(void)
{
	expect_step("`type`: `transform`, `output`: {`x`: `{{ item.id }}`}",
	    "value_error", "[`body`,`steps`,0,`output`]", "Value error, item "
	    "and index are only bound inside the step of a map step");
	expect_step("`type`: `transform`, `output`: 1, "
	    "`when`: `{{ index == 0 }}`", "value_error",
	    "[`body`,`steps`,0,`when`]", NULL);
	expect_one("{`name`: `t`, `steps`: [" T_STEP "], "
	    "`output`: `{{ item }}`}", "value_error", "[`body`,`output`]",
	    NULL);
}

static void
test_tmpl_load_reads_map_step(void)
{
	struct json_object	*def;
	struct tmpl		*t = NULL;
	struct tmpl_step	*m;

	def = J("{`name`: `t`, `steps`: [{`id`: `each`, `type`: `map`,"
	    " `items`: `{{ input.l }}`, `tolerated_failures`: 2,"
	    " `tolerated_failure_percent`: 50,"
	    " `step`: {`type`: `http`, `request`: {`method`: `GET`,"
	    " `url`: `https://x.example/{{ index }}`},"
	    " `retry`: {`max_attempts`: 3}, `timeout_seconds`: 5,"
	    " `when`: `{{ item.ok }}`}},"
	    " {`id`: `m2`, `type`: `map`, `items`: `{{ input.l }}`,"
	    " `step`: {`type`: `transform`, `output`: null}}]}");
	CU_ASSERT_EQUAL_FATAL(tmpl_load(def, &t), RC_OK);
	m = &t->steps[0];
	CU_ASSERT_EQUAL(m->type, TMPL_STEP_MAP);
	CU_ASSERT_STRING_EQUAL(m->items, "{{ input.l }}");
	CU_ASSERT_EQUAL(m->max_concurrency, TMPL_DEF_MAP_CONC);
	CU_ASSERT_EQUAL(m->tolerated_failures, 2);
	CU_ASSERT_DOUBLE_EQUAL(m->tolerated_failure_percent, 50, 1e-9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m->inner);
	CU_ASSERT_STRING_EQUAL(m->inner->id, "each");
	CU_ASSERT_EQUAL(m->inner->type, TMPL_STEP_HTTP);
	CU_ASSERT_EQUAL(m->inner->max_attempts, 3);
	CU_ASSERT_EQUAL(m->inner->timeout_seconds, 5);
	CU_ASSERT_STRING_EQUAL(m->inner->when, "{{ item.ok }}");
	CU_ASSERT_PTR_NOT_NULL(m->inner->request);
	CU_ASSERT_EQUAL(m->inner->ndeps, 0);
	CU_ASSERT_PTR_NULL(m->inner->inner);
	m = &t->steps[1];
	CU_ASSERT_EQUAL(m->tolerated_failures, 0);
	CU_ASSERT_DOUBLE_EQUAL(m->tolerated_failure_percent, 100, 1e-9);
	CU_ASSERT_EQUAL(m->inner->type, TMPL_STEP_TRANSFORM);
	CU_ASSERT_PTR_NULL(m->inner->output);	/* JSON null */
	tmpl_free(t);
	json_object_put(def);
	/* A nested map or a missing inner step does not load. */
	def = J("{`name`: `t`, `steps`: [{`id`: `each`, `type`: `map`,"
	    " `items`: `{{ input.l }}`, `step`: {`type`: `map`,"
	    " `items`: `{{ input.l }}`, `step`: {`type`: `delay`,"
	    " `seconds`: 1}}}]}");
	t = NULL;
	CU_ASSERT_EQUAL(tmpl_load(def, &t), RC_INVALID);
	CU_ASSERT_PTR_NULL(t);
	json_object_put(def);
	def = J("{`name`: `t`, `steps`: [{`id`: `each`, `type`: `map`,"
	    " `items`: `{{ input.l }}`}]}");
	CU_ASSERT_EQUAL(tmpl_load(def, &t), RC_INVALID);
	json_object_put(def);
}

#define WF	"`type`: `workflow`, "					\
	"`template_id`: `0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11`"

/*
 * A workflow step as a map's inner step (issue 15): valid with item and
 * index in its input, and loaded with its fields.
 */
static void
test_tmpl_map_of_workflow_step(void)
{
	struct json_object	*def;
	struct tmpl		*t = NULL;
	const struct tmpl_step	*in;

	valid_step("`type`: `map`, `items`: `{{ input.l }}`, `step`: {"
	    WF ", `version`: 2, `wait`: false, `input`: {`n`: `{{ item }}`,"
	    " `at`: `{{ index }}`}, `retry`: {`max_attempts`: 2}}");
	def = J("{`name`: `t`, `steps`: [{`id`: `each`, `type`: `map`,"
	    " `items`: `{{ input.l }}`, `max_concurrency`: 2, `step`: {" WF
	    ", `input`: {`n`: `{{ item }}`}}}]}");
	CU_ASSERT_EQUAL_FATAL(tmpl_load(def, &t), RC_OK);
	in = t->steps[0].inner;
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	CU_ASSERT_EQUAL(in->type, TMPL_STEP_WORKFLOW);
	CU_ASSERT_STRING_EQUAL(in->wf_template,
	    "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11");
	CU_ASSERT_EQUAL(in->wf_version, 0);
	CU_ASSERT_EQUAL(in->wf_wait, 1);
	CU_ASSERT_PTR_NOT_NULL(in->wf_input);
	tmpl_free(t);
	json_object_put(def);
}

/* workflow steps (engine.md "workflow"): fields and exact locs. */
static void
test_tmpl_workflow_step_fields(void)
{
	struct json_object	*def;
	struct tmpl		*t;

	valid_step(WF);
	valid_step(WF ", `version`: 3, `wait`: false, "
	    "`input`: {`order`: `{{ input.id }}`}");
	expect_step("`type`: `workflow`", "missing",
	    "[`body`,`steps`,0,`template_id`]", "Field required");
	expect_step("`type`: `workflow`, `template_id`: 7", "string_type",
	    "[`body`,`steps`,0,`template_id`]", NULL);
	expect_step("`type`: `workflow`, `template_id`: ``",
	    "string_too_short", "[`body`,`steps`,0,`template_id`]", NULL);
	expect_step(WF ", `version`: 0", "greater_than_equal",
	    "[`body`,`steps`,0,`version`]", NULL);
	expect_step(WF ", `version`: `3`", "int_type",
	    "[`body`,`steps`,0,`version`]", NULL);
	expect_step(WF ", `input`: [1]", "dict_type",
	    "[`body`,`steps`,0,`input`]", NULL);
	expect_step(WF ", `input`: {`k`: `{{ secrets.x }}`}", "value_error",
	    "[`body`,`steps`,0,`input`,`k`]", NULL);
	expect_step(WF ", `wait`: `yes`", "bool_type",
	    "[`body`,`steps`,0,`wait`]", NULL);
	expect_step(WF ", `handler`: `x`", "extra_forbidden",
	    "[`body`,`steps`,0,`handler`]", NULL);
	/* Loaded with its defaults: latest version, wait. */
	def = J("{`name`: `t`, `steps`: [{`id`: `a`, " WF "}]}");
	CU_ASSERT_EQUAL_FATAL(tmpl_load(def, &t), RC_OK);
	json_object_put(def);
	CU_ASSERT_EQUAL(t->steps[0].type, TMPL_STEP_WORKFLOW);
	CU_ASSERT_STRING_EQUAL(t->steps[0].wf_template,
	    "0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11");
	CU_ASSERT_EQUAL(t->steps[0].wf_version, 0);
	CU_ASSERT_EQUAL(t->steps[0].wf_wait, 1);
	CU_ASSERT_PTR_NULL(t->steps[0].wf_input);
	tmpl_free(t);
	def = J("{`name`: `t`, `steps`: [{`id`: `a`, " WF ", `version`: 2, "
	    "`wait`: false, `input`: {}}]}");
	CU_ASSERT_EQUAL_FATAL(tmpl_load(def, &t), RC_OK);
	json_object_put(def);
	CU_ASSERT_EQUAL(t->steps[0].wf_version, 2);
	CU_ASSERT_EQUAL(t->steps[0].wf_wait, 0);
	CU_ASSERT_PTR_NOT_NULL(t->steps[0].wf_input);
	tmpl_free(t);
}

/* A template with one wait step whose fields are f (` for "). */
#define WAIT1(g, f)	"{`name`: `t`" g ", `steps`: [{`id`: `w`, " \
	"`type`: `wait`" f "}]}"

/* wait steps (engine.md "wait: signals and approvals"). */
static void
test_tmpl_validates_wait_steps(void)
{
	char	big[2048];
	int	i, n;

	expect_valid(WAIT1("", ", `signal`: `approval`"));
	expect_valid(WAIT1(", `global_config`: {`timeout_seconds`: 31536000}",
	    ", `signal`: `A-z_0.9`, `approvers`: {`roles`: [`finance:approve`,"
	    " `ops`], `exclude_owner`: true}, `timeout_seconds`: 31536000"));
	/* An explicit wait at the execution's own timeout is fine. */
	expect_valid(WAIT1(", `global_config`: {`timeout_seconds`: 600}",
	    ", `signal`: `s`, `timeout_seconds`: 600"));
	expect_one(WAIT1("", ""), "missing", "[`body`,`steps`,0,`signal`]",
	    "Field required");
	expect_one(WAIT1("", ", `signal`: ``"), "string_too_short",
	    "[`body`,`steps`,0,`signal`]", NULL);
	expect_one(WAIT1("", ", `signal`: `a b`"), "string_pattern_mismatch",
	    "[`body`,`steps`,0,`signal`]",
	    "String should match pattern '^[A-Za-z0-9_.-]{1,64}$'");
	expect_one(WAIT1("", ", `signal`: `a123456789012345678901234567890"
	    "12345678901234567890123456789012345`"), "string_too_long",
	    "[`body`,`steps`,0,`signal`]", NULL);
	expect_one(WAIT1("", ", `signal`: 1"), "string_type",
	    "[`body`,`steps`,0,`signal`]", NULL);
	/* approvers */
	expect_one(WAIT1("", ", `signal`: `s`, `approvers`: [`x`]"),
	    "dict_type", "[`body`,`steps`,0,`approvers`]", NULL);
	expect_one(WAIT1("", ", `signal`: `s`, `approvers`: {`roles`: []}"),
	    "too_short", "[`body`,`steps`,0,`approvers`,`roles`]", NULL);
	expect_one(WAIT1("", ", `signal`: `s`, `approvers`: {`roles`: "
	    "[`ok`, `not a role`]}"), "string_pattern_mismatch",
	    "[`body`,`steps`,0,`approvers`,`roles`,1]",
	    "String should match pattern '^[A-Za-z0-9_.:-]{1,64}$'");
	expect_one(WAIT1("", ", `signal`: `s`, `approvers`: {`roles`: [3]}"),
	    "string_type", "[`body`,`steps`,0,`approvers`,`roles`,0]", NULL);
	expect_one(WAIT1("", ", `signal`: `s`, `approvers`: {`roles`: [`r`],"
	    " `exclude_owner`: `yes`}"), "bool_type",
	    "[`body`,`steps`,0,`approvers`,`exclude_owner`]", NULL);
	expect_one(WAIT1("", ", `signal`: `s`, `approvers`: {`role`: [`r`]}"),
	    "extra_forbidden", "[`body`,`steps`,0,`approvers`,`role`]", NULL);
	/* 33 roles; a role of 65 characters. */
	n = snprintf(big, sizeof(big), WAIT1("", ", `signal`: `s`, "
	    "`approvers`: {`roles`: [`r0`"));
	big[n - 3] = '\0';	/* drop "}]}" to append */
	n -= 3;
	for (i = 1; i < 33; i++)
		n += snprintf(big + n, sizeof(big) - (size_t)n, ", `r%d`", i);
	snprintf(big + n, sizeof(big) - (size_t)n, "]}}]}");
	expect_one(big, "too_long", "[`body`,`steps`,0,`approvers`,`roles`]",
	    "List should have at most 32 items after validation, not 33");
	expect_one(WAIT1("", ", `signal`: `s`, `approvers`: {`roles`: "
	    "[`r12345678901234567890123456789012345678901234567890123456789"
	    "01234`]}"), "string_too_long",
	    "[`body`,`steps`,0,`approvers`,`roles`,0]", NULL);
	/* Timeouts: at most 31,536,000, and not above the execution's. */
	expect_one(WAIT1(", `global_config`: {`timeout_seconds`: 31536000}",
	    ", `signal`: `s`, `timeout_seconds`: 31536001"), "less_than_equal",
	    "[`body`,`steps`,0,`timeout_seconds`]", NULL);
	expect_one(WAIT1("", ", `signal`: `s`, `timeout_seconds`: 3601"),
	    "value_error", "[`body`,`steps`,0,`timeout_seconds`]",
	    "Value error, timeout_seconds of a wait step (3601) is above "
	    "global_config.timeout_seconds (3600)");
	expect_one(WAIT1(", `global_config`: {`timeout_seconds`: 604800}",
	    ", `signal`: `s`, `timeout_seconds`: 604801"), "value_error",
	    "[`body`,`steps`,0,`timeout_seconds`]", NULL);
	expect_one(WAIT1(", `global_config`: {`timeout_seconds`: 31536001}",
	    ", `signal`: `s`"), "less_than_equal",
	    "[`body`,`global_config`,`timeout_seconds`]", NULL);
	/* Keys of other types are extra on a wait step. */
	expect_one(WAIT1("", ", `signal`: `s`, `seconds`: 1"),
	    "extra_forbidden", "[`body`,`steps`,0,`seconds`]", NULL);
	/* Other step types keep their 86400 bound. */
	expect_one("{`name`: `t`, `global_config`: {`timeout_seconds`: "
	    "604800}, `steps`: [{`id`: `a`, `type`: `delay`, `seconds`: 1, "
	    "`timeout_seconds`: 86401}]}", "less_than_equal",
	    "[`body`,`steps`,0,`timeout_seconds`]", NULL);
}

void
test_tmpl_register(void)
{
	CU_pSuite	 s;

	s = CU_add_suite("tmpl", NULL, NULL);
#define ADD(f)	CU_add_test(s, #f, f)
	ADD(test_tmpl_accepts_engine_md_example);
	ADD(test_tmpl_validates_wait_steps);
	ADD(test_tmpl_accepts_man_page_examples);
	ADD(test_tmpl_rejects_non_object_body);
	ADD(test_tmpl_rejects_missing_required_fields);
	ADD(test_tmpl_rejects_bad_name);
	ADD(test_tmpl_rejects_long_description);
	ADD(test_tmpl_rejects_extra_top_level_key);
	ADD(test_tmpl_rejects_bad_global_config);
	ADD(test_tmpl_accepts_whole_float_as_int);
	ADD(test_tmpl_rejects_bad_steps_list);
	ADD(test_tmpl_rejects_101_steps);
	ADD(test_tmpl_rejects_bad_step_id);
	ADD(test_tmpl_handler_length_is_the_supervisors);
	ADD(test_tmpl_rejects_duplicate_step_id);
	ADD(test_tmpl_rejects_unknown_step_type);
	ADD(test_tmpl_rejects_depends_on_unknown_at_its_index);
	ADD(test_tmpl_rejects_bad_depends_on);
	ADD(test_tmpl_rejects_two_step_cycle);
	ADD(test_tmpl_rejects_three_step_cycle);
	ADD(test_tmpl_cycle_starts_at_its_earliest_step);
	ADD(test_tmpl_reports_one_cycle_only);
	ADD(test_tmpl_rejects_self_loop);
	ADD(test_tmpl_rejects_bad_when);
	ADD(test_tmpl_rejects_bad_retry);
	ADD(test_tmpl_rejects_bad_step_timeout);
	ADD(test_tmpl_rejects_transform_without_output);
	ADD(test_tmpl_rejects_bad_http_request);
	ADD(test_tmpl_accepts_http_url_forms);
	ADD(test_tmpl_rejects_bad_command);
	ADD(test_tmpl_rejects_bad_delay);
	ADD(test_tmpl_rejects_keys_of_another_step_type);
	ADD(test_tmpl_rejects_secrets_in_transform_output);
	ADD(test_tmpl_accepts_secrets_in_request_and_input);
	ADD(test_tmpl_rejects_bad_expression_at_its_path);
	ADD(test_tmpl_rejects_bad_sharing);
	ADD(test_tmpl_rejects_101_shared_users);
	ADD(test_tmpl_rejects_bad_input_schema);
	ADD(test_tmpl_output_schema_checked_and_compiled);
	ADD(test_tmpl_reports_every_error_together);
	ADD(test_tmpl_treats_null_optional_fields_as_absent);
	ADD(test_tmpl_load_reads_engine_md_example);
	ADD(test_tmpl_load_applies_defaults);
	ADD(test_tmpl_load_rejects_invalid_definitions);
	ADD(test_tmpl_step_type_names_round_trip);
	ADD(test_tmpl_callback_fields);
	ADD(test_tmpl_retry_on);
	ADD(test_tmpl_accepts_map_steps);
	ADD(test_tmpl_rejects_bad_map_items);
	ADD(test_tmpl_rejects_bad_map_bounds);
	ADD(test_tmpl_rejects_bad_map_inner_step);
	ADD(test_tmpl_rejects_item_outside_map);
	ADD(test_tmpl_load_reads_map_step);
	ADD(test_tmpl_map_of_workflow_step);
	ADD(test_tmpl_workflow_step_fields);
#undef ADD
}
