/*
 * docs/openapi.yaml is the machine-readable copy of the HTTP contract.
 * It is written as JSON (valid YAML 1.2), so json-c reads it. These
 * tests keep it in step with the router: every route is documented, no
 * documented path is missing from the router, every operation names its
 * error answers, and every $ref resolves. Run from the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

void	test_openapi_register(void);

#define OPENAPI_FILE	"docs/openapi.yaml"
#define OPENAPI_BASE	"/api/v1"

/*
 * The routes table of src/http/http_route.c, by method and pattern. It
 * must match that table: add a row here when a route is added there.
 */
static const struct {
	const char	*method;	/* lower case, as OpenAPI keys it */
	const char	*pattern;
	int		 auth;		/* needs a token */
	int		 body;		/* reads a JSON body */
} routes[] = {
	{ "get", "/healthz", 0, 0 },
	{ "get", "/readyz", 0, 0 },
	{ "get", "/metrics", 0, 0 },
	{ "post", "/workflow-management/execute", 1, 1 },
	{ "get", "/workflow-management/executions", 1, 0 },
	{ "get", "/workflow-management/executions/{id}", 1, 0 },
	{ "post", "/workflow-management/executions/{id}/cancel", 1, 1 },
	{ "post", "/workflow-management/executions/{id}/retry", 1, 1 },
	{ "post", "/workflow-management/executions/{id}/pause", 1, 1 },
	{ "post", "/workflow-management/executions/{id}/resume", 1, 1 },
	{ "post", "/workflow-management/templates", 1, 1 },
	{ "get", "/workflow-management/templates", 1, 0 },
	{ "get", "/workflow-management/templates/{id}", 1, 0 },
	{ "put", "/workflow-management/templates/{id}", 1, 1 },
	{ "delete", "/workflow-management/templates/{id}", 1, 0 },
	{ "get", "/workflow-management/audit", 1, 0 },
	{ "post", "/workflow-management/schedules", 1, 1 },
	{ "get", "/workflow-management/schedules", 1, 0 },
	{ "get", "/workflow-management/schedules/{id}", 1, 0 },
	{ "put", "/workflow-management/schedules/{id}", 1, 1 },
	{ "delete", "/workflow-management/schedules/{id}", 1, 0 },
	{ "post", "/workflow-management/schedules/{id}/pause", 1, 0 },
	{ "post", "/workflow-management/schedules/{id}/resume", 1, 0 },
	{ "post", "/workflow-management/schedules/{id}/trigger", 1, 0 },
	{ "get", "/workflow-management/schedules/{id}/fires", 1, 0 },
	{ "get", "/workflow-management/system", 1, 0 },
	{ "get", "/workflow-management/executions/{id}/notifications", 1, 0 },
	{ "get", "/workflow-management/executions/{id}/steps/{id}/iterations",
	    1, 0 },
	{ "post", "/workflow-management/webhook-secret", 1, 0 },
	{ "get", "/workflow-management/webhook-secret", 1, 0 },
	{ "get", "/workflow-management/templates/{id}/versions", 1, 0 },
	{ "get", "/workflow-management/templates/{id}/versions/{id}", 1, 0 },
	{ "post", "/callbacks/{id}", 0, 1 },
	{ "post", "/workflow-management/executions/{id}/signals/{id}", 1, 1 },
	{ "get", "/workflow-management/approvals", 1, 0 },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

static const char *const methods[] = { "get", "put", "post", "delete",
    "options", "head", "patch", "trace" };

static struct json_object	*doc;

static int
setup(void)
{
	doc = json_object_from_file(OPENAPI_FILE);
	return 0;
}

static int
teardown(void)
{
	json_object_put(doc);
	doc = NULL;
	return 0;
}

static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* Length of array v, or -1 when v is not an array. */
static int
alen(struct json_object *v)
{
	if (v == NULL || !json_object_is_type(v, json_type_array))
		return -1;
	return (int)json_object_array_length(v);
}

/*
 * An OpenAPI path without the base path and with every "{name}" segment
 * as "{id}", the router's spelling; NULL if not under the base path.
 */
static char *
normalize(const char *path)
{
	const char	*p;
	char		*out, *o;
	size_t		 blen = strlen(OPENAPI_BASE);

	if (strncmp(path, OPENAPI_BASE, blen) != 0 || path[blen] != '/')
		return NULL;
	if ((out = malloc(strlen(path) + 1)) == NULL)
		return NULL;
	for (p = path + blen, o = out; *p != '\0'; p++) {
		if (*p == '{' && strchr(p, '}') != NULL) {
			memcpy(o, "{id}", 4);
			o += 4;
			p = strchr(p, '}');
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* The operation of the document for route i, or NULL. */
static struct json_object *
operation(size_t i)
{
	struct json_object	*op = NULL;
	char			*n;

	json_object_object_foreach(member(doc, "paths"), key, item) {
		if ((n = normalize(key)) == NULL)
			continue;
		if (strcmp(n, routes[i].pattern) == 0)
			op = member(item, routes[i].method);
		free(n);
		if (op != NULL)
			break;
	}
	return op;
}

static void
test_openapi_is_json_and_version_3_1_0(void)
{
	struct json_object	*v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	v = member(doc, "openapi");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "3.1.0");
	CU_ASSERT_PTR_NOT_NULL(member(member(doc, "info"), "title"));
	CU_ASSERT_PTR_NOT_NULL(member(member(doc, "info"), "version"));
}

static void
test_openapi_documents_every_route(void)
{
	size_t	i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	for (i = 0; i < NROUTES; i++)
		if (operation(i) == NULL) {
			fprintf(stderr, "openapi: %s %s%s is missing\n",
			    routes[i].method, OPENAPI_BASE, routes[i].pattern);
			CU_FAIL("route missing from docs/openapi.yaml");
		}
}

static void
test_openapi_documents_no_unknown_route(void)
{
	size_t	i, m;
	char	*n;
	int	found;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	json_object_object_foreach(member(doc, "paths"), key, item) {
		n = normalize(key);
		CU_ASSERT_PTR_NOT_NULL(n);
		if (n == NULL)
			continue;
		for (m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
			if (member(item, methods[m]) == NULL)
				continue;
			for (found = 0, i = 0; i < NROUTES && !found; i++)
				found = strcmp(routes[i].method,
				    methods[m]) == 0 &&
				    strcmp(routes[i].pattern, n) == 0;
			if (!found) {
				fprintf(stderr, "openapi: %s %s is not "
				    "routed\n", methods[m], key);
				CU_FAIL("documented operation not routed");
			}
		}
		free(n);
	}
}

/* 1 if the responses of op list status code. */
static int
has_status(struct json_object *op, const char *code)
{
	return member(member(op, "responses"), code) != NULL;
}

static void
test_openapi_operations_list_their_errors(void)
{
	static const char *const auth_codes[] = { "401", "403", "405", "500" };
	static const char *const body_codes[] = { "413", "415", "422" };
	struct json_object	*op;
	size_t			 i, k;
	int			 ok2xx;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	for (i = 0; i < NROUTES; i++) {
		if ((op = operation(i)) == NULL)
			continue;	/* reported above */
		ok2xx = 0;
		json_object_object_foreach(member(op, "responses"), code, v) {
			(void)v;
			ok2xx |= code[0] == '2';
		}
		CU_ASSERT_TRUE(ok2xx);
		for (k = 0; routes[i].auth && k < 4; k++)
			if (!has_status(op, auth_codes[k])) {
				fprintf(stderr, "openapi: %s %s: no %s\n",
				    routes[i].method, routes[i].pattern,
				    auth_codes[k]);
				CU_FAIL("error status not documented");
			}
		for (k = 0; routes[i].body && k < 3; k++)
			if (!has_status(op, body_codes[k])) {
				fprintf(stderr, "openapi: %s %s: no %s\n",
				    routes[i].method, routes[i].pattern,
				    body_codes[k]);
				CU_FAIL("error status not documented");
			}
		/* Authenticated operations say so; the others opt out. */
		CU_ASSERT_EQUAL(alen(member(op, "security")) > 0,
		    routes[i].auth);
		CU_ASSERT_TRUE(alen(member(op, "security")) >= 0);
	}
	/* The execute contract's own answers. */
	for (i = 0; i < NROUTES; i++)
		if (strcmp(routes[i].pattern, "/workflow-management/execute") ==
		    0 && (op = operation(i)) != NULL) {
			CU_ASSERT_TRUE(has_status(op, "200"));
			CU_ASSERT_TRUE(has_status(op, "202"));
			CU_ASSERT_TRUE(has_status(op, "404"));
			CU_ASSERT_TRUE(has_status(op, "409"));
			CU_ASSERT_TRUE(has_status(op, "429"));
			CU_ASSERT_TRUE(has_status(op, "400"));
		}
}

/* Every "$ref" of v names an existing "#/components/<kind>/<name>". */
static int
refs_resolve(struct json_object *v)
{
	struct json_object	*c;
	const char		*s, *slash;
	char			 kind[64];
	size_t			 i;
	int			 bad = 0;

	if (json_object_is_type(v, json_type_array)) {
		for (i = 0; i < json_object_array_length(v); i++)
			bad += refs_resolve(json_object_array_get_idx(v, i));
		return bad;
	}
	if (!json_object_is_type(v, json_type_object))
		return 0;
	json_object_object_foreach(v, key, val) {
		if (strcmp(key, "$ref") != 0) {
			bad += refs_resolve(val);
			continue;
		}
		s = json_object_get_string(val);
		c = NULL;
		if (strncmp(s, "#/components/", 13) == 0 &&
		    (slash = strchr(s + 13, '/')) != NULL &&
		    (size_t)(slash - s - 13) < sizeof(kind)) {
			memcpy(kind, s + 13, (size_t)(slash - s - 13));
			kind[slash - s - 13] = '\0';
			c = member(member(member(doc, "components"), kind),
			    slash + 1);
		}
		if (c == NULL) {
			fprintf(stderr, "openapi: unresolved $ref %s\n", s);
			bad++;
		}
	}
	return bad;
}

static void
test_openapi_every_ref_resolves(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_EQUAL(refs_resolve(doc), 0);
}

static void
test_openapi_error_bodies_have_the_api_shapes(void)
{
	struct json_object	*s, *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	s = member(member(doc, "components"), "schemas");
	/* {"detail": "<sentence>"} */
	d = member(member(member(s, "Detail"), "properties"), "detail");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(member(d, "type")),
	    "string");
	/* {"detail": [{"type", "loc", "msg", ...}]} */
	d = member(member(member(s, "HTTPValidationError"), "properties"),
	    "detail");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(member(d, "type")),
	    "array");
	d = member(member(s, "ValidationError"), "required");
	CU_ASSERT_EQUAL_FATAL(alen(d), 3);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_array_get_idx(d, 0)), "type");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_array_get_idx(d, 1)), "loc");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_array_get_idx(d, 2)), "msg");
}

void
test_openapi_register(void)
{
	CU_pSuite	s = CU_add_suite("openapi", setup, teardown);

	CU_add_test(s, "is_json_and_version_3_1_0",
	    test_openapi_is_json_and_version_3_1_0);
	CU_add_test(s, "documents_every_route",
	    test_openapi_documents_every_route);
	CU_add_test(s, "documents_no_unknown_route",
	    test_openapi_documents_no_unknown_route);
	CU_add_test(s, "operations_list_their_errors",
	    test_openapi_operations_list_their_errors);
	CU_add_test(s, "every_ref_resolves", test_openapi_every_ref_resolves);
	CU_add_test(s, "error_bodies_have_the_api_shapes",
	    test_openapi_error_bodies_have_the_api_shapes);
}
