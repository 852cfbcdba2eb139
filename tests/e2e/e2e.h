/*
 * End-to-end test harness: HTTP through nginx with libcurl against the
 * stack that tests/e2e/run.sh starts (WFM_E2E_URL, WFM_E2E_CONF). Every
 * suite file exports one test_e2e_<name>_register(void).
 */
#ifndef WFM_E2E_H
#define WFM_E2E_H

#include <stddef.h>
#include <json-c/json.h>

struct resp {
	long			 status;
	char			*body;		/* NUL-terminated, owned */
	size_t			 len;
	char			*headers;	/* raw header block, owned */
	struct json_object	*json;		/* parsed body or NULL, owned */
	double			 seconds;	/* total time */
};

/*
 * Suites register themselves from a constructor, so adding a suite file
 * needs no edit elsewhere:
 *	E2E_SUITE(test_e2e_api_register)
 */
void		 e2e_suite_add(void (*fn)(void));
#define E2E_SUITE(fn)							\
	void fn(void);							\
	static void __attribute__((constructor))			\
	fn##_ctor(void)							\
	{								\
		e2e_suite_add(fn);					\
	}

/* The base URL ("http://127.0.0.1:18080/api/v1") and config path. */
const char	*e2e_url(void);
const char	*e2e_conf(void);
/* The state directory of the test stack (var/test, absolute). */
const char	*e2e_var(void);

/*
 * Send a request to base URL + path. token (may be NULL) becomes
 * "Authorization: Bearer <token>"; body (may be NULL) is sent with
 * Content-Type: application/json; extra is a NULL-ended list of raw
 * header lines. Returns 0 and fills r (free with resp_free), or -1 on a
 * transport error.
 */
int		 e2e_req(const char *method, const char *path, const char *token,
		    const char *body, const char *const *extra, struct resp *r);
/*
 * The same with any content type (NULL: none) and a body of len bytes
 * that may contain NUL (NULL: no body).
 */
int		 e2e_req_raw(const char *method, const char *path,
		    const char *token, const char *ctype, const char *body,
		    size_t len, const char *const *extra, struct resp *r);
void		 resp_free(struct resp *);
/* Value of a response header (case-insensitive) into a static buffer. */
const char	*resp_header(const struct resp *, const char *name);
/* A string member of the JSON body, or NULL. */
const char	*resp_str(const struct resp *, const char *key);

/* Compact JSON text of v (no slash escapes); lives with v. */
const char	*e2e_js(struct json_object *v);
/* Member key of o, or NULL (also when o is NULL); borrowed. */
struct json_object *e2e_member(struct json_object *o, const char *key);
/* The JSON text of member key of o, "<absent>" when o lacks it. */
const char	*e2e_mjs(struct json_object *o, const char *key);

/* A token for sub with comma-separated roles, minted by wfmctl. */
char		*e2e_token(const char *sub, const char *roles);
/* Shorthand tokens, minted once. */
const char	*e2e_tok_alice(void);	/* execute, read, template:write */
const char	*e2e_tok_bob(void);	/* execute, read, template:write */
const char	*e2e_tok_admin(void);	/* admin */
const char	*e2e_tok_reader(void);	/* alice, workflow:read only */

/* Create a template from JSON text as token's user; its id (owned). */
char		*e2e_template(const char *token, const char *json);
/* Start an execution; returns its id (owned) or NULL. */
char		*e2e_execute(const char *token, const char *template_id,
		    const char *input_json);
/*
 * Poll GET execution until its status is terminal or seconds pass;
 * returns the document (owned) or NULL.
 */
struct json_object *e2e_wait(const char *token, const char *exec_id,
		    int seconds);
/*
 * base made unique to this run of the tests ("base-<time><pid>"), the same
 * string for the same base all run long: user ids and names that a second
 * run against the same database does not meet.
 */
const char	*e2e_run_name(const char *base);
/* A fresh unique name with the given prefix (static buffer). */
const char	*e2e_unique(const char *prefix);
/* Run a shell command; returns its exit status. */
int		 e2e_sh(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/*
 * SQL statements run as root on the stack's database (no double quote in
 * them: they go through the shell): the exit status, 0 when they ran.
 */
int		 e2e_sql(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/*
 * The first line of the output of a SQL query run as root on the
 * stack's database (a static buffer, overwritten by the next call), or
 * "" on error.
 */
const char	*e2e_sql1(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/*
 * The value of a series of GET /metrics, named with its labels
 * ("wfm_signals_total{result=\"kept\"}"), or -1.
 */
long long	 e2e_metric(const char *series);
/* The text of deploy/examples/<rel> in the tree (owned), or NULL. */
char		*e2e_example(const char *rel);

#endif
