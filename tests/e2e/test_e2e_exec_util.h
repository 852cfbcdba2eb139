/*
 * Helpers shared by the execution suites (test_e2e_execute.c,
 * test_e2e_exec_*.c, test_e2e_executions.c). Built on e2e.h.
 */
#ifndef WFM_TEST_E2E_EXEC_UTIL_H
#define WFM_TEST_E2E_EXEC_UTIL_H

#include <stddef.h>
#include <json-c/json.h>

#include "e2e.h"

/*
 * NULL-safe string assertions: CUnit's own call strcmp() on NULL, which
 * would crash the runner instead of failing one test.
 */
#define X_STREQ(a, b)	CU_ASSERT_STRING_EQUAL(x_s(a), x_s(b))
#define X_STRNE(a, b)	CU_ASSERT_STRING_NOT_EQUAL(x_s(a), x_s(b))


#define X_EXEC_PATH	"/workflow-management/execute"
#define X_EXECS_PATH	"/workflow-management/executions"

/* s, or "(null)" when s is NULL. */
const char		*x_s(const char *s);
/* strlen(s), or 0 when s is NULL. */
size_t			 x_len(const char *s);
/* 1 if both are non-NULL and equal. */
int			 x_eq(const char *a, const char *b);

/*
 * The value at a dotted path ("steps.0.status": keys, and indexes into
 * arrays); borrowed, NULL when a part is missing or the value is null.
 */
struct json_object	*x_at(struct json_object *, const char *path);
/* The string at path, or NULL. */
const char		*x_str(struct json_object *, const char *path);
/* The integer at path, or -1 when missing or not an integer. */
long long		 x_int(struct json_object *, const char *path);
/* 1 if the object at the parent of path has the member and it is null. */
int			 x_null(struct json_object *, const char *path);
/* Number of members of the object at path (-1 when not an object). */
int			 x_nkeys(struct json_object *, const char *path);
/* Length of the array at path (-1 when not an array). */
int			 x_alen(struct json_object *, const char *path);
/* Plain JSON text of v, as the service writes it (borrowed from v). */
const char		*x_json(struct json_object *);

/* A lower-case libuuid UUID (8-4-4-4-12 hex). */
int			 x_is_uuid(const char *);
/* RFC 3339 UTC with milliseconds: 2026-11-25T10:00:00.123Z. */
int			 x_is_time(const char *);

/* A request with any content type: e2e_req_raw. */
#define x_raw		 e2e_req_raw
/* POST /execute with a JSON body and optional query ("?dry_run=1"). */
int			 x_exec(const char *token, const char *query,
			    const char *body, const char *const *extra,
			    struct resp *);
/* base made unique to this run of the tests: e2e_run_name. */
#define x_run		 e2e_run_name
/*
 * A token with execute, read and template:write for the user
 * x_run(base) (cached).
 */
const char		*x_tok(const char *base);
/*
 * Create a template named name whose other members are the JSON text
 * members ("\"steps\":[...]"); its id (owned) or NULL.
 */
char			*x_template(const char *token, const char *name,
			    const char *members);
/* GET one execution document (owned) or NULL unless 200. */
struct json_object	*x_get(const char *token, const char *id);
/*
 * Walk every page of GET /executions?<query> (limit 100) and count the
 * items; -1 on any error. With name, only items of that name count.
 */
int			 x_count(const char *token, const char *query,
			    const char *name);
/* Poll until the execution has status want or seconds pass; 1 if so. */
int			 x_wait_status(const char *token, const char *id,
			    const char *want, double seconds);
/* POST .../cancel without a body; the status code. */
long			 x_cancel(const char *token, const char *id);
/* Sleep ms milliseconds. */
void			 x_sleep_ms(int ms);
/* Monotonic seconds. */
double			 x_now(void);

#endif
