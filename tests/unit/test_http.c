/*
 * The HTTP layer end to end through a fake FastCGI I/O: routing, status
 * codes, headers, body limits and the 422 lists, without any server. The
 * store points at a socket that does not exist, so anything that reaches
 * the database answers 503.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "auth.h"
#include "common.h"
#include "config.h"
#include "http.h"
#include "http_int.h"
#include "store.h"
#include "../../src/store/store_int.h"

#define SECRET	"unit-test-secret-unit-test-secret-0123"

struct fake {
	const char	*params[32];	/* name, value pairs, NULL ended */
	const char	*body;
	size_t		 bodylen, off;
	size_t		 bytes_read;
	char		 out[65536];
	size_t		 outlen;
};

static struct config	*cfg;
static struct http_app	 app;

static const char *
f_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;
	int		 i;

	for (i = 0; f->params[i] != NULL; i += 2)
		if (strcmp(f->params[i], name) == 0)
			return f->params[i + 1];
	return NULL;
}

static ssize_t
f_read(void *ctx, char *buf, size_t n)
{
	struct fake	*f = ctx;
	size_t		 k = MIN(n, f->bodylen - f->off);

	memcpy(buf, f->body + f->off, k);
	f->off += k;
	f->bytes_read += k;
	return (ssize_t)k;
}

static int
f_write(void *ctx, const char *buf, size_t n)
{
	struct fake	*f = ctx;

	if (f->outlen + n >= sizeof(f->out))
		return RC_ERR;
	memcpy(f->out + f->outlen, buf, n);
	f->outlen += n;
	f->out[f->outlen] = '\0';
	return RC_OK;
}

/* Serve one request; returns the status code. */
static int
serve(struct fake *f)
{
	struct http_io	io = { f_param, f_read, f_write, f };
	int		status = 0;

	http_serve(&app, &io);
	sscanf(f->out, "Status: %d", &status);
	return status;
}

static const char *
body_of(const struct fake *f)
{
	const char	*p = strstr(f->out, "\r\n\r\n");

	return p == NULL ? "" : p + 4;
}

static int
has_header(const struct fake *f, const char *line)
{
	char	want[512];

	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	return strstr(f->out, want) != NULL;
}

static char *
token(const char *roles)
{
	return auth_token_mint(cfg, "alice", roles, 300);
}

static int
setup(void)
{
	struct errmsg	err;
	char	p[] = "/tmp/wfm-http-conf-XXXXXX";
	FILE	*f;
	int	fd;

	if ((fd = mkstemp(p)) == -1 || (f = fdopen(fd, "w")) == NULL)
		return 1;
	fprintf(f, "[database]\nsocket = /nonexistent/wfm-test.sock\n"
	    "connect_timeout = 1\n[auth]\njwt_secret = %s\n", SECRET);
	fclose(f);
	if (config_load(p, &cfg, &err) != RC_OK)
		return 1;
	unlink(p);
	memset(&app, 0, sizeof(app));
	app.cfg = cfg;
	app.nudge_fd = -1;
	if (auth_open(cfg, &app.auth, &err) != RC_OK)
		return 1;
	app.st = store_open(cfg);
	return 0;
}

static int
teardown(void)
{
	store_close(app.st);
	auth_close(app.auth);
	config_free(cfg);
	return 0;
}

static void
test_http_unknown_route_is_404(void)
{
	struct fake	f = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/nothing", NULL } };

	CU_ASSERT_EQUAL(serve(&f), 404);
	CU_ASSERT_STRING_EQUAL(body_of(&f), "{\"detail\":\"Not Found\"}");
	CU_ASSERT(has_header(&f, "Content-Type: application/json; "
	    "charset=utf-8"));
}

static void
test_http_path_outside_base_is_404(void)
{
	struct fake	f = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v10/healthz", NULL } };

	CU_ASSERT_EQUAL(serve(&f), 404);
}

static void
test_http_rejects_dot_dot_and_encoded_slash_ids(void)
{
	struct fake	a = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/workflow-management/executions/..",
	    NULL } };
	struct fake	b = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/workflow-management/executions/a%2Fb",
	    NULL } };

	CU_ASSERT_EQUAL(serve(&a), 404);
	CU_ASSERT_EQUAL(serve(&b), 404);
}

static void
test_http_wrong_method_is_405_with_allow(void)
{
	struct fake	f = { .params = { "REQUEST_METHOD", "DELETE",
	    "REQUEST_URI", "/api/v1/workflow-management/templates", NULL } };

	CU_ASSERT_EQUAL(serve(&f), 405);
	CU_ASSERT(has_header(&f, "Allow: POST, GET"));
	CU_ASSERT_STRING_EQUAL(body_of(&f),
	    "{\"detail\":\"Method Not Allowed\"}");
}

static void
test_http_healthz_is_200_without_auth(void)
{
	struct fake	f = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/healthz", NULL } };

	CU_ASSERT_EQUAL(serve(&f), 200);
	CU_ASSERT_STRING_EQUAL(body_of(&f), "{\"status\":\"ok\"}");
}

static void
test_http_readyz_names_unreachable_database(void)
{
	struct fake	f = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/readyz", NULL } };

	CU_ASSERT_EQUAL(serve(&f), 503);
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(&f),
	    "\"database\":\"unreachable\""));
	CU_ASSERT(has_header(&f, "Retry-After: 5"));
}

static void
test_http_missing_token_is_401_with_realm(void)
{
	struct fake	f = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/workflow-management/executions", NULL } };

	CU_ASSERT_EQUAL(serve(&f), 401);
	CU_ASSERT(has_header(&f, "WWW-Authenticate: Bearer realm=\"wfm\""));
	CU_ASSERT_STRING_EQUAL(body_of(&f),
	    "{\"detail\":\"Not authenticated\"}");
}

static void
test_http_bad_token_is_401_invalid_token_without_echo(void)
{
	struct fake	f = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/workflow-management/executions",
	    "HTTP_AUTHORIZATION", "Bearer abc.def.ghi", NULL } };

	CU_ASSERT_EQUAL(serve(&f), 401);
	CU_ASSERT(has_header(&f, "WWW-Authenticate: Bearer realm=\"wfm\", "
	    "error=\"invalid_token\""));
	CU_ASSERT_PTR_NULL(strstr(f.out, "abc.def.ghi"));
}

static void
test_http_missing_role_is_403(void)
{
	char		*t = token("workflow:read"), h[2048];
	struct fake	 f = { .params = { "REQUEST_METHOD", "POST",
	    "REQUEST_URI", "/api/v1/workflow-management/execute",
	    "HTTP_AUTHORIZATION", h, NULL } };

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	snprintf(h, sizeof(h), "Bearer %s", t);
	CU_ASSERT_EQUAL(serve(&f), 403);
	CU_ASSERT_STRING_EQUAL(body_of(&f),
	    "{\"detail\":\"Missing role workflow:execute\"}");
	free(t);
}

/* An execute request with the given body and headers. */
static int
execute(struct fake *f, char *h, const char *ctype, const char *body,
    const char *clen)
{
	char	*t = token("workflow:execute");

	snprintf(h, 2048, "Bearer %s", t);
	free(t);
	f->params[0] = "REQUEST_METHOD";
	f->params[1] = "POST";
	f->params[2] = "REQUEST_URI";
	f->params[3] = "/api/v1/workflow-management/execute";
	f->params[4] = "HTTP_AUTHORIZATION";
	f->params[5] = h;
	f->params[6] = "CONTENT_TYPE";
	f->params[7] = ctype;
	f->params[8] = "CONTENT_LENGTH";
	f->params[9] = clen;
	f->params[10] = NULL;
	f->body = body;
	f->bodylen = strlen(body);
	return serve(f);
}

static void
test_http_body_over_limit_is_413_without_reading(void)
{
	struct fake	f;
	char		h[2048];

	memset(&f, 0, sizeof(f));
	CU_ASSERT_EQUAL(execute(&f, h, "application/json", "{}", "2000000"),
	    413);
	CU_ASSERT_EQUAL(f.bytes_read, 0);
}

static void
test_http_non_json_content_type_is_415(void)
{
	struct fake	f;
	char		h[2048];

	memset(&f, 0, sizeof(f));
	CU_ASSERT_EQUAL(execute(&f, h, "text/plain", "{}", "2"), 415);
}

static void
test_http_short_body_is_400(void)
{
	struct fake	f;
	char		h[2048];

	memset(&f, 0, sizeof(f));
	CU_ASSERT_EQUAL(execute(&f, h, "application/json", "{}", "10"), 400);
}

static void
test_http_rejects_broken_json_with_offset(void)
{
	struct fake	f;
	char		h[2048];

	memset(&f, 0, sizeof(f));
	CU_ASSERT_EQUAL(execute(&f, h, "application/json", "{\"a\": }", "7"),
	    422);
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(&f),
	    "\"type\":\"json_invalid\",\"loc\":[\"body\",6]"));
}

static void
test_http_rejects_non_object_body_as_model_type(void)
{
	struct fake	f;
	char		h[2048];

	memset(&f, 0, sizeof(f));
	CU_ASSERT_EQUAL(execute(&f, h, "application/json", "[1]", "3"), 422);
	CU_ASSERT_STRING_EQUAL(body_of(&f), "{\"detail\":[{\"type\":"
	    "\"model_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a "
	    "valid dictionary or object to extract fields from\",\"input\":"
	    "[1]}]}");
}

static void
test_http_reports_every_execute_error_together(void)
{
	struct fake	 f;
	char		 h[2048];
	const char	*b = "{\"execution_name\":\"-bad\",\"input_data\":[],"
			    "\"owner\":\"x\"}";
	char		 len[16];

	memset(&f, 0, sizeof(f));
	snprintf(len, sizeof(len), "%zu", strlen(b));
	CU_ASSERT_EQUAL(execute(&f, h, "application/json", b, len), 422);
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(&f), "{\"type\":"
	    "\"extra_forbidden\",\"loc\":[\"body\",\"owner\"],\"msg\":"
	    "\"Extra inputs are not permitted\",\"input\":\"x\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(&f), "{\"type\":\"missing\","
	    "\"loc\":[\"body\",\"template_id\"],\"msg\":\"Field required\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(&f), "\"type\":"
	    "\"string_pattern_mismatch\",\"loc\":[\"body\",\"execution_name\"]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(&f), "\"type\":\"dict_type\","
	    "\"loc\":[\"body\",\"input_data\"]"));
}

static void
test_http_rejects_differing_workflow_name(void)
{
	struct fake	 f;
	char		 h[2048];
	const char	*b = "{\"template_id\":\"t\",\"execution_name\":\"a\","
			    "\"workflow_name\":\"b\"}";
	char		 len[16];

	memset(&f, 0, sizeof(f));
	snprintf(len, sizeof(len), "%zu", strlen(b));
	CU_ASSERT_EQUAL(execute(&f, h, "application/json", b, len), 422);
	CU_ASSERT_PTR_NOT_NULL(strstr(body_of(&f), "\"type\":\"value_error\","
	    "\"loc\":[\"body\",\"workflow_name\"]"));
}

static void
test_http_valid_execute_without_database_is_503(void)
{
	struct fake	 f;
	char		 h[2048];
	const char	*b = "{\"template_id\":\"test_template\","
			    "\"input_data\":{\"test\":\"data\"}}";
	char		 len[16];

	memset(&f, 0, sizeof(f));
	snprintf(len, sizeof(len), "%zu", strlen(b));
	CU_ASSERT_EQUAL(execute(&f, h, "application/json", b, len), 503);
	CU_ASSERT(has_header(&f, "Retry-After: 1"));
}

static void
test_http_keeps_safe_request_id_and_replaces_unsafe(void)
{
	struct fake	a = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/healthz", "HTTP_X_REQUEST_ID", "abc-123",
	    NULL } };
	struct fake	b = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/healthz", "HTTP_X_REQUEST_ID",
	    "bad id\"", NULL } };
	const char	*p;

	serve(&a);
	CU_ASSERT(has_header(&a, "X-Request-Id: abc-123"));
	serve(&b);
	CU_ASSERT_PTR_NULL(strstr(b.out, "bad id"));
	p = strstr(b.out, "X-Request-Id: ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(strcspn(p + 14, "\r"), 36);
}

static void
test_http_cursor_round_trips_and_rejects_forgery(void)
{
	char		*c = http_cursor_make(12345);
	long long	 id = 0;

	CU_ASSERT_EQUAL(http_cursor_parse(c, &id), RC_OK);
	CU_ASSERT_EQUAL(id, 12345);
	c[1] = c[1] == '1' ? '2' : '1';
	CU_ASSERT_EQUAL(http_cursor_parse(c, &id), RC_INVALID);
	CU_ASSERT_EQUAL(http_cursor_parse("", &id), RC_INVALID);
	CU_ASSERT_EQUAL(http_cursor_parse("c10.zz", &id), RC_INVALID);
	free(c);
}

/* The unkeyed checksum of the first cursors: FNV-1a of "wfm-cursor:<id>". */
static unsigned
fnv_cursor(long long id)
{
	char		 buf[48];
	unsigned	 h = 2166136261u;
	int		 i, n;

	n = snprintf(buf, sizeof(buf), "wfm-cursor:%lld", id);
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)buf[i]) * 16777619u;
	return h;
}

/* Never every worker waits; the defaults are halves. */
static void
test_http_wait_bounds_leave_a_worker(void)
{
	struct config	kc;
	int		t, u;

	memset(&kc, 0, sizeof(kc));
	kc.fcgi.workers = 16;
	http_wait_bounds(&kc, &t, &u);
	CU_ASSERT_EQUAL(t, 8);
	CU_ASSERT_EQUAL(u, 4);
	kc.http.max_waiters = 100;
	kc.http.max_waiters_per_user = 100;
	http_wait_bounds(&kc, &t, &u);
	CU_ASSERT_EQUAL(t, 15);
	CU_ASSERT_EQUAL(u, 15);
	kc.fcgi.workers = 1;
	http_wait_bounds(&kc, &t, &u);
	CU_ASSERT_EQUAL(t, 0);
	CU_ASSERT_EQUAL(u, 0);
	kc.fcgi.workers = 6;
	kc.http.max_waiters = 0;
	kc.http.max_waiters_per_user = 0;
	http_wait_bounds(&kc, &t, &u);
	CU_ASSERT_EQUAL(t, 3);
	CU_ASSERT_EQUAL(u, 1);
}

static void
test_http_cursor_is_keyed_by_the_secret(void)
{
	struct config	 kc;
	char		 secret[] = "0123456789abcdef0123456789abcdef-one";
	char		 other[] = "0123456789abcdef0123456789abcdef-two";
	char		 forged[64], *c1, *c2, *up;
	long long	 id = 0;
	size_t		 i;

	memset(&kc, 0, sizeof(kc));
	kc.auth.jwt_secret = secret;
	kc.auth.jwt_secret_len = strlen(secret);
	http_cursor_key_init(&kc);
	c1 = http_cursor_make(77);
	/* Anyone could compute the old checksum: refused now. */
	snprintf(forged, sizeof(forged), "c4d.%08x", fnv_cursor(77));
	CU_ASSERT_EQUAL(http_cursor_parse(forged, &id), RC_INVALID);
	/* The same secret gives the same key (other workers, restarts). */
	http_cursor_key_init(&kc);
	c2 = http_cursor_make(77);
	CU_ASSERT_STRING_EQUAL(c1, c2);
	CU_ASSERT_EQUAL(http_cursor_parse(c1, &id), RC_OK);
	CU_ASSERT_EQUAL(id, 77);
	/* One spelling only: upper-case hex is not ours. */
	up = strdup(c1);
	for (i = 0; up[i] != '\0'; i++)
		if (up[i] >= 'a' && up[i] <= 'f')
			up[i] = (char)(up[i] - 'a' + 'A');
	CU_ASSERT_EQUAL(http_cursor_parse(up, &id), RC_INVALID);
	free(up);
	/* Another secret: the old cursors are refused. */
	kc.auth.jwt_secret = other;
	http_cursor_key_init(&kc);
	CU_ASSERT_EQUAL(http_cursor_parse(c1, &id), RC_INVALID);
	/* Without a JWT secret the database password is the material. */
	kc.auth.jwt_secret = NULL;
	kc.db.password = other;
	http_cursor_key_init(&kc);
	CU_ASSERT_EQUAL(http_cursor_parse(c1, &id), RC_INVALID);
	free(c2);
	c2 = http_cursor_make(77);
	CU_ASSERT_EQUAL(http_cursor_parse(c2, &id), RC_OK);
	free(c1);
	free(c2);
}

static void
test_http_bad_limit_is_400(void)
{
	char		*t = token("workflow:read"), h[2048];
	struct fake	 f = { .params = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/v1/workflow-management/executions?limit=0",
	    "QUERY_STRING", "limit=0", "HTTP_AUTHORIZATION", h, NULL } };

	snprintf(h, sizeof(h), "Bearer %s", t);
	CU_ASSERT_EQUAL(serve(&f), 400);
	free(t);
}

void	test_http_register(void);

static void
test_http_seen_names_are_per_user_and_forgettable(void)
{
	http_seen_clear();
	CU_ASSERT_FALSE(http_seen_has("alice", "order-1"));
	http_seen_add("alice", "order-1");
	CU_ASSERT_TRUE(http_seen_has("alice", "order-1"));
	CU_ASSERT_FALSE(http_seen_has("bob", "order-1"));
	CU_ASSERT_FALSE(http_seen_has("alice", "order-2"));
	/* The user ends where the name starts. */
	http_seen_add("ab", "c");
	CU_ASSERT_TRUE(http_seen_has("ab", "c"));
	CU_ASSERT_FALSE(http_seen_has("a", "bc"));
	CU_ASSERT_FALSE(http_seen_has("abc", ""));
	http_seen_clear();
	CU_ASSERT_FALSE(http_seen_has("alice", "order-1"));
	CU_ASSERT_FALSE(http_seen_has("ab", "c"));
}

/*
 * Only completed rows are kept, under their exact user and name, and only
 * for 23 hours after completed_at (retention prunes a day after it at
 * the earliest); a copy, not the caller's strings.
 */
static void
test_http_seen_keeps_completed_rows_for_23_hours(void)
{
	const struct store_exec_named	*k;
	struct store_exec_named		 x;
	const long long			 done = 1796563817796LL;
	const long long			 h23 = 23LL * 3600 * 1000;
	char				 tid[] = "t-1", hash[] = "h-1";
	char				 status[] = "completed";

	http_seen_clear();
	memset(&x, 0, sizeof(x));
	snprintf(x.id, sizeof(x.id), "e-1");
	x.template_id = tid;
	x.hash = hash;
	x.status = status;
	x.template_version = 3;
	x.created_ms = done - 5000;
	x.completed_ms = done;
	http_seen_done("alice", "order-1", &x);
	tid[0] = hash[0] = 'X';		/* copies were kept */
	k = http_seen_done_get("alice", "order-1", done + 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_STRING_EQUAL(k->id, "e-1");
	CU_ASSERT_STRING_EQUAL(k->template_id, "t-1");
	CU_ASSERT_STRING_EQUAL(k->hash, "h-1");
	CU_ASSERT_STRING_EQUAL(k->status, "completed");
	CU_ASSERT_EQUAL(k->template_version, 3);
	CU_ASSERT_EQUAL(k->created_ms, done - 5000);
	CU_ASSERT_PTR_NULL(http_seen_done_get("bob", "order-1", done));
	CU_ASSERT_PTR_NULL(http_seen_done_get("alice", "order-2", done));
	CU_ASSERT_PTR_NULL(http_seen_done_get("ab", "c", done));
	CU_ASSERT_PTR_NOT_NULL(http_seen_done_get("alice", "order-1",
	    done + h23 - 1));
	/* Past 23 hours: forgotten, the database decides. */
	CU_ASSERT_PTR_NULL(http_seen_done_get("alice", "order-1", done + h23));
	CU_ASSERT_PTR_NULL(http_seen_done_get("alice", "order-1", done));
	/* Rows not completed, or without a completion time, are not kept. */
	tid[0] = hash[0] = 't';
	snprintf(status, sizeof(status), "failed");
	http_seen_done("alice", "order-3", &x);
	CU_ASSERT_PTR_NULL(http_seen_done_get("alice", "order-3", done));
	snprintf(status, sizeof(status), "running");
	http_seen_done("alice", "order-3", &x);
	CU_ASSERT_PTR_NULL(http_seen_done_get("alice", "order-3", done));
	snprintf(status, sizeof(status), "completed");
	x.completed_ms = STORE_NO_MS;
	http_seen_done("alice", "order-3", &x);
	CU_ASSERT_PTR_NULL(http_seen_done_get("alice", "order-3", done));
	x.completed_ms = done;
	http_seen_done("alice", "order-3", &x);
	CU_ASSERT_PTR_NOT_NULL(http_seen_done_get("alice", "order-3", done));
	http_seen_clear();
	CU_ASSERT_PTR_NULL(http_seen_done_get("alice", "order-3", done));
}

/*
 * Every statement binds at most STORE_PARAMS_HEAP parameters, and all but
 * the map's batched iteration writes at most STORE_PARAMS_MAX (on the
 * stack): store_exec stops the process on more (the batched step write
 * once outgrew it).
 */
static void
test_http_statements_fit_the_parameter_bound(void)
{
	const char	*q;
	int		 id, n, widest = 0;

	for (id = 0; id < STMT_COUNT; id++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(store_sql_text((enum stmt_id)id));
		for (n = 0, q = store_sql_text((enum stmt_id)id); *q != '\0';
		    q++)
			n += *q == '?';
		CU_ASSERT(n <= STORE_PARAMS_HEAP);
		if (id == STMT_SUP_ITER_PUT_MANY || id == STMT_SUP_ITER_PUT_TEN)
			continue;
		/* The group insert: 24 a row, 2 to 16 rows. */
		if (id >= STMT_EXEC_INSERT_MANY &&
		    id <= STMT_EXEC_INSERT_MANY_LAST) {
			CU_ASSERT_EQUAL(n, 24 * (id - STMT_EXEC_INSERT_MANY + 2));
			continue;
		}
		if (n > STORE_PARAMS_MAX)
			fprintf(stderr, "\nstatement %d: %d parameters\n", id,
			    n);
		CU_ASSERT(n <= STORE_PARAMS_MAX);
		widest = n > widest ? n : widest;
	}
	/* STMT_SUP_STEP_PUT_MANY: 8 rows of 13. */
	CU_ASSERT_EQUAL(widest, 104);
}

/* A row of POST /execute as the group insert's wire carries it. */
static void
group_row(struct store_exec_new *x)
{
	memset(x, 0, sizeof(*x));
	x->id = "0f1e2d3c-4b5a-4968-8776-655443322110";
	x->user = "alice";
	x->name = "run-1";
	x->template_id = "11111111-2222-4333-8444-555555555555";
	x->version = 7;
	x->input = "{\"a\":[1,2,\"\\u00e9\"]}";
	x->hash = "ab";
	x->reqid = "req-1";
	x->client = NULL;
	x->created_ms = 1780000000123LL;
	x->admin_access = 1;
	x->notify = NULL;
	x->slots = 1000;
	x->parked_room = 9001;
}

static void
test_http_group_wire_round_trips(void)
{
	struct store_exec_new	 x, y;
	char			 buf[1024];
	uint64_t		 seq = 0;
	int64_t			 dl = 0;
	size_t			 n;

	group_row(&x);
	n = http_group_encode(&x, 42, 5000, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0 && n < sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(http_group_decode(buf, n, &y, &seq, &dl), RC_OK);
	CU_ASSERT_EQUAL(seq, 42);
	CU_ASSERT_EQUAL(dl, 5000);
	CU_ASSERT_STRING_EQUAL(y.id, x.id);
	CU_ASSERT_STRING_EQUAL(y.user, "alice");
	CU_ASSERT_STRING_EQUAL(y.name, "run-1");
	CU_ASSERT_STRING_EQUAL(y.template_id, x.template_id);
	CU_ASSERT_STRING_EQUAL(y.input, x.input);
	CU_ASSERT_STRING_EQUAL(y.hash, "ab");
	CU_ASSERT_STRING_EQUAL(y.reqid, "req-1");
	CU_ASSERT_PTR_NULL(y.client);
	CU_ASSERT_PTR_NULL(y.notify);
	CU_ASSERT_PTR_NULL(y.parent_id);
	CU_ASSERT_EQUAL(y.version, 7);
	CU_ASSERT_EQUAL(y.created_ms, 1780000000123LL);
	CU_ASSERT_EQUAL(y.admin_access, 1);
	CU_ASSERT_EQUAL(y.slots, 1000);
	CU_ASSERT_EQUAL(y.parked_room, 9001);
	CU_ASSERT_EQUAL(y.depth, 0);
	/* Too small a buffer: 0, never a cut message. */
	CU_ASSERT_EQUAL(http_group_encode(&x, 1, 5000, buf, n - 1), 0);
	CU_ASSERT_EQUAL(http_group_encode(&x, 1, 5000, buf, 8), 0);
	CU_ASSERT_EQUAL(http_group_encode(&x, 1, 5000, buf, n), n);
}

static void
test_http_group_wire_refuses_broken_messages(void)
{
	struct store_exec_new	 x, y;
	char			 buf[1024], bad[1024];
	uint64_t		 seq;
	int64_t			 dl;
	size_t			 n, i, cut;

	group_row(&x);
	n = http_group_encode(&x, 7, 5000, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	/* Every shorter prefix, and one byte more. */
	for (cut = 0; cut < n; cut++) {
		memcpy(bad, buf, cut);
		CU_ASSERT_EQUAL(http_group_decode(bad, cut, &y, &seq, &dl),
		    RC_INVALID);
	}
	memcpy(bad, buf, n);
	bad[n] = 'x';
	CU_ASSERT_EQUAL(http_group_decode(bad, n + 1, &y, &seq, &dl), RC_INVALID);
	/* Another magic. */
	memcpy(bad, buf, n);
	bad[0] ^= 1;
	CU_ASSERT_EQUAL(http_group_decode(bad, n, &y, &seq, &dl), RC_INVALID);
	/* A NUL inside a string, or a string without its NUL. */
	for (i = n - 40; i < n; i++) {
		memcpy(bad, buf, n);
		bad[i] = bad[i] == '\0' ? 'x' : '\0';
		CU_ASSERT_EQUAL(http_group_decode(bad, n, &y, &seq, &dl),
		    RC_INVALID);
	}
	/* A length past the end (the first string's: bytes 8 to 11). */
	memcpy(bad, buf, n);
	memset(bad + 8, 0x7f, 4);
	CU_ASSERT_EQUAL(http_group_decode(bad, n, &y, &seq, &dl), RC_INVALID);
	/* A size that is not the message's (bytes 4 to 7). */
	memcpy(bad, buf, n);
	bad[4] ^= 1;
	CU_ASSERT_EQUAL(http_group_decode(bad, n, &y, &seq, &dl), RC_INVALID);
	/* A row without a user cannot be inserted: refused. */
	x.user = NULL;
	n = http_group_encode(&x, 7, 5000, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(http_group_decode(buf, n, &y, &seq, &dl), RC_INVALID);
}

void
test_http_register(void)
{
	CU_pSuite	s = CU_add_suite("http", setup, teardown);

	CU_add_test(s, "unknown_route_is_404", test_http_unknown_route_is_404);
	CU_add_test(s, "path_outside_base_is_404",
	    test_http_path_outside_base_is_404);
	CU_add_test(s, "rejects_dot_dot_and_encoded_slash_ids",
	    test_http_rejects_dot_dot_and_encoded_slash_ids);
	CU_add_test(s, "wrong_method_is_405_with_allow",
	    test_http_wrong_method_is_405_with_allow);
	CU_add_test(s, "healthz_is_200_without_auth",
	    test_http_healthz_is_200_without_auth);
	CU_add_test(s, "readyz_names_unreachable_database",
	    test_http_readyz_names_unreachable_database);
	CU_add_test(s, "missing_token_is_401_with_realm",
	    test_http_missing_token_is_401_with_realm);
	CU_add_test(s, "bad_token_is_401_invalid_token_without_echo",
	    test_http_bad_token_is_401_invalid_token_without_echo);
	CU_add_test(s, "missing_role_is_403", test_http_missing_role_is_403);
	CU_add_test(s, "body_over_limit_is_413_without_reading",
	    test_http_body_over_limit_is_413_without_reading);
	CU_add_test(s, "non_json_content_type_is_415",
	    test_http_non_json_content_type_is_415);
	CU_add_test(s, "short_body_is_400", test_http_short_body_is_400);
	CU_add_test(s, "rejects_broken_json_with_offset",
	    test_http_rejects_broken_json_with_offset);
	CU_add_test(s, "rejects_non_object_body_as_model_type",
	    test_http_rejects_non_object_body_as_model_type);
	CU_add_test(s, "reports_every_execute_error_together",
	    test_http_reports_every_execute_error_together);
	CU_add_test(s, "rejects_differing_workflow_name",
	    test_http_rejects_differing_workflow_name);
	CU_add_test(s, "valid_execute_without_database_is_503",
	    test_http_valid_execute_without_database_is_503);
	CU_add_test(s, "keeps_safe_request_id_and_replaces_unsafe",
	    test_http_keeps_safe_request_id_and_replaces_unsafe);
	CU_add_test(s, "cursor_round_trips_and_rejects_forgery",
	    test_http_cursor_round_trips_and_rejects_forgery);
	CU_add_test(s, "wait_bounds_leave_a_worker",
	    test_http_wait_bounds_leave_a_worker);
	CU_add_test(s, "cursor_is_keyed_by_the_secret",
	    test_http_cursor_is_keyed_by_the_secret);
	CU_add_test(s, "bad_limit_is_400", test_http_bad_limit_is_400);
	CU_add_test(s, "seen_names_are_per_user_and_forgettable",
	    test_http_seen_names_are_per_user_and_forgettable);
	CU_add_test(s, "seen_keeps_completed_rows_for_23_hours",
	    test_http_seen_keeps_completed_rows_for_23_hours);
	CU_add_test(s, "statements_fit_the_parameter_bound",
	    test_http_statements_fit_the_parameter_bound);
	CU_add_test(s, "group_wire_round_trips",
	    test_http_group_wire_round_trips);
	CU_add_test(s, "group_wire_refuses_broken_messages",
	    test_http_group_wire_refuses_broken_messages);
}
