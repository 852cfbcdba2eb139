/*
 * Webhooks end to end against the local receiver (e2e_target.c): a
 * signed delivery whose signature the test verifies with its own
 * HMAC-SHA256 (libcrypto) over "id.timestamp.body" keyed with the
 * decoded secret; 5 failures then success as one delivery of 6 attempts
 * under one webhook-id; an address outside webhook_allow refused before
 * any connection (ssrf_blocked); a redirect recorded, not followed;
 * rotation signing with both secrets; notify without a secret (422);
 * the notifications document. run.sh sets webhook_allow to 127.0.0.1/32
 * and webhook_retry_base_ms to 100.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "e2e_target.h"

#define REQS_MAX	16
#define ROLES		"workflow:execute,workflow:read,template:write"

static int
suite_init(void)
{
	return e2e_target_start() > 0 ? 0 : -1;
}

static int
suite_fini(void)
{
	e2e_target_stop();
	return 0;
}

/* The member at a dotted path; numeric segments index arrays. */
static struct json_object *
w_at(struct json_object *o, const char *path)
{
	char	 key[128];
	size_t	 n;

	while (*path != '\0') {
		n = strcspn(path, ".");
		if (n >= sizeof(key) || o == NULL)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (json_object_is_type(o, json_type_array)) {
			if ((size_t)atoi(key) >= json_object_array_length(o))
				return NULL;
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		} else if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n;
		if (*path == '.')
			path++;
	}
	return o;
}

static const char *
w_str(struct json_object *o, const char *path)
{
	struct json_object	*v = w_at(o, path);

	return v != NULL && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

static int64_t
w_int(struct json_object *o, const char *path)
{
	struct json_object	*v = w_at(o, path);

	return v != NULL && json_object_is_type(v, json_type_int) ?
	    json_object_get_int64(v) : -1;
}

/* The JSON text at path; "null" for null or absent. */
static const char *
w_json(struct json_object *o, const char *path)
{
	return e2e_js(w_at(o, path));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted keys of the object at path, comma-separated. */
static const char *
w_keys(struct json_object *o, const char *path)
{
	static char		 buf[1024];
	struct json_object	*v = w_at(o, path);
	const char		*k[64];
	size_t			 n = 0, i;

	buf[0] = '\0';
	if (v == NULL || !json_object_is_type(v, json_type_object))
		return "(not an object)";
	json_object_object_foreach(v, key, val) {
		(void)val;
		if (n < 64)
			k[n++] = key;
	}
	qsort(k, n, sizeof(k[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, k[i], sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

/* POST webhook-secret as token; the secret (owned) or NULL. */
static char *
new_secret(const char *token)
{
	struct resp	 r;
	char		*s = NULL;

	if (e2e_req("POST", "/workflow-management/webhook-secret", token,
	    NULL, NULL, &r) != 0)
		return NULL;
	CU_ASSERT_EQUAL(r.status, 201);
	if (r.status == 201 && resp_str(&r, "secret") != NULL)
		s = strdup(resp_str(&r, "secret"));
	else
		fprintf(stderr, "webhook-secret: %ld %s\n", r.status, r.body);
	resp_free(&r);
	return s;
}

/*
 * 1 when sig ("v1,<b64>") is the HMAC-SHA256 of id.ts.body under the
 * secret "whsec_<b64>": computed here, independently of the service.
 */
static int
verifies(const char *secret, const char *id, const char *ts,
    const char *body, size_t blen, const char *sig)
{
	unsigned char	 key[128], md[EVP_MAX_MD_SIZE];
	unsigned char	 b64[128];
	unsigned int	 mdlen = 0;
	char		*msg;
	size_t		 n, pad;
	int		 klen, ok;

	if (strncmp(secret, "whsec_", 6) != 0 || strncmp(sig, "v1,", 3) != 0)
		return 0;
	n = strlen(secret + 6);
	pad = n >= 2 && secret[6 + n - 1] == '=' ?
	    (secret[6 + n - 2] == '=' ? 2 : 1) : 0;
	klen = EVP_DecodeBlock(key, (const unsigned char *)secret + 6,
	    (int)n);
	if (klen <= 0)
		return 0;
	klen -= (int)pad;
	n = strlen(id) + strlen(ts) + blen + 3;
	msg = malloc(n);
	if (msg == NULL)
		return 0;
	snprintf(msg, n, "%s.%s.", id, ts);
	memcpy(msg + strlen(id) + strlen(ts) + 2, body, blen);
	HMAC(EVP_sha256(), key, klen, (unsigned char *)msg,
	    strlen(id) + strlen(ts) + 2 + blen, md, &mdlen);
	free(msg);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	ok = strcmp((const char *)b64, sig + 3) == 0;
	return ok;
}

/* A one-step template of token's user; its id (owned). */
static char *
tmpl(const char *token, const char *global)
{
	char	json[1024];

	snprintf(json, sizeof(json), "{\"name\":\"%s\",%s\"steps\":[{\"id\":"
	    "\"t\",\"type\":\"transform\",\"output\":{\"v\":\"{{ input.v }}"
	    "\"}}],\"output\":{\"v\":\"{{ steps.t.output.v }}\"}}",
	    e2e_unique("wh"), global != NULL ? global : "");
	return e2e_template(token, json);
}

/* POST execute with a notify to path; the response (caller frees). */
static int
exec_notify(const char *token, const char *tid, const char *url,
    const char *events, struct resp *r)
{
	char	body[3000];

	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"input_data\":"
	    "{\"v\":7},\"notify\":{\"url\":\"%s\",\"events\":%s}}", tid, url,
	    events);
	return e2e_req("POST", "/workflow-management/execute", token, body,
	    NULL, r);
}

/* Execute with notify; the execution id (owned) or NULL. */
static char *
exec_with(const char *token, const char *tid, const char *url)
{
	struct resp	 r;
	char		*id = NULL;

	if (exec_notify(token, tid, url, "[\"completed\",\"failed\"]", &r)
	    != 0)
		return NULL;
	CU_ASSERT_EQUAL(r.status, 202);
	if (r.status == 202 && resp_str(&r, "execution_id") != NULL)
		id = strdup(resp_str(&r, "execution_id"));
	else
		fprintf(stderr, "execute: %ld %s\n", r.status, r.body);
	resp_free(&r);
	return id;
}

/* Wait until path got n requests (at most ms); how many it got. */
static int
wait_reqs(const char *path, struct e2e_tgt_req *q, int n, int ms)
{
	int64_t	end = sup_now_ms() + ms;
	int	got;

	while ((got = e2e_target_find(path, q, REQS_MAX)) < n &&
	    sup_now_ms() < end)
		sup_sleep_ms(50);
	return got;
}

/*
 * The notifications document of eid once its first delivery is no
 * longer pending (or ms passed); owned.
 */
static struct json_object *
notifications(const char *token, const char *eid, int ms)
{
	struct json_object	*o = NULL;
	struct resp		 r;
	char			 path[160];
	int64_t			 end = sup_now_ms() + ms;

	snprintf(path, sizeof(path),
	    "/workflow-management/executions/%s/notifications", eid);
	for (;;) {
		if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
			return NULL;
		CU_ASSERT_EQUAL(r.status, 200);
		json_object_put(o);
		o = r.json != NULL ? json_object_get(r.json) : NULL;
		resp_free(&r);
		if (o == NULL || sup_now_ms() >= end)
			return o;
		if (w_str(o, "items.0.status") != NULL &&
		    strcmp(w_str(o, "items.0.status"), "pending") != 0)
			return o;
		sup_sleep_ms(100);
	}
}

static void
test_e2e_webhook_signed_delivery(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*doc, *body, *n;
	char			 path[128], *tok, *sec, *tid, *eid;
	int			 got;

	tok = e2e_token(e2e_run_name("wh-sign"), ROLES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	sec = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	CU_ASSERT_EQUAL(strncmp(sec, "whsec_", 6), 0);
	CU_ASSERT_EQUAL(strlen(sec), 6 + 44);	/* 32 key bytes */
	tid = tmpl(tok, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("sig"));
	eid = exec_with(tok, tid, e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(tok, eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(w_str(doc, "status"), "completed");
	got = wait_reqs(path, q, 1, 15000);
	CU_ASSERT_EQUAL_FATAL(got, 1);
	SUP_STR_EQ(q[0].method, "POST");
	CU_ASSERT_EQUAL(strncmp(q[0].ctype, "application/json", 16), 0);
	CU_ASSERT_EQUAL(strncmp(q[0].whid, "msg_", 4), 0);
	CU_ASSERT(strlen(q[0].whts) >= 10);
	/* One signature only: no rotation happened. */
	CU_ASSERT_PTR_NULL(strchr(q[0].whsig, ' '));
	CU_ASSERT_EQUAL_FATAL(q[0].blen, strlen(q[0].body));
	CU_ASSERT(verifies(sec, q[0].whid, q[0].whts, q[0].body, q[0].blen,
	    q[0].whsig));
	/* A changed body, id or timestamp does not verify. */
	CU_ASSERT(!verifies(sec, q[0].whid, "1614265330", q[0].body,
	    q[0].blen, q[0].whsig));
	CU_ASSERT(!verifies(sec, "msg_other", q[0].whts, q[0].body,
	    q[0].blen, q[0].whsig));
	body = json_tokener_parse(q[0].body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	SUP_STR_EQ(w_str(body, "type"), "execution.completed");
	CU_ASSERT_PTR_NOT_NULL(w_str(body, "timestamp"));
	SUP_STR_EQ(w_str(body, "data.execution_id"), eid);
	SUP_STR_EQ(w_str(body, "data.status"), "completed");
	SUP_STR_EQ(w_json(body, "data.final_result"), "{\"v\":7}");
	SUP_STR_EQ(w_json(body, "data.input_data"), "{\"v\":7}");
	SUP_STR_EQ(w_str(body, "data.steps.0.step_id"), "t");
	SUP_STR_EQ(w_str(body, "data.steps.0.status"), "completed");
	/* The GET document without step outputs. */
	CU_ASSERT_PTR_NULL(w_at(body, "data.steps.0.output"));
	SUP_STR_EQ(w_keys(body, "data.steps.0"),
	    "attempts,completed_at,error,started_at,status,step_id,type");
	/* The delivery log. */
	n = notifications(tok, eid, 5000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(json_object_array_length(w_at(n, "items")), 1);
	SUP_STR_EQ(w_str(n, "items.0.status"), "delivered");
	SUP_STR_EQ(w_str(n, "items.0.event"), "completed");
	SUP_STR_EQ(w_str(n, "items.0.source"), "execution");
	SUP_STR_EQ(w_str(n, "items.0.url"), e2e_target_url(path));
	SUP_STR_EQ(w_str(n, "items.0.webhook_id"), q[0].whid);
	CU_ASSERT_EQUAL(w_int(n, "items.0.attempts"), 1);
	SUP_STR_EQ(w_json(n, "items.0.next_try_at"), "null");
	CU_ASSERT_EQUAL(w_int(n, "items.0.attempt_history.0.status_code"),
	    200);
	SUP_STR_EQ(w_json(n, "items.0.attempt_history.0.error"), "null");
	CU_ASSERT_PTR_NOT_NULL(w_str(n, "items.0.attempt_history.0.at"));
	json_object_put(n);
	json_object_put(body);
	json_object_put(doc);
	free(eid);
	free(tid);
	free(sec);
	free(tok);
}

/*
 * The value of series name in /metrics once it is at least min (or its
 * last value after ms): supervisor.prom is written every 2 s, so an
 * early read may show a partial count. -1 when absent.
 */
static double
metric(const char *name, double min, int ms)
{
	struct resp	 r;
	const char	*p;
	double		 v = -1;
	int64_t		 end = sup_now_ms() + ms;

	for (;;) {
		if (e2e_req("GET", "/metrics", NULL, NULL, NULL, &r) != 0)
			return -1;
		v = -1;
		for (p = r.body; p != NULL && (p = strstr(p, name)) != NULL;
		    p++)
			if ((p == r.body || p[-1] == '\n') &&
			    p[strlen(name)] == ' ') {
				v = atof(p + strlen(name) + 1);
				break;
			}
		resp_free(&r);
		if (v >= min || sup_now_ms() >= end)
			return v;
		sup_sleep_ms(200);
	}
}

static void
test_e2e_webhook_five_failures_then_success(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*n;
	char			 path[128], *tok, *sec, *tid, *eid;
	int			 got, i;

	tok = e2e_token(e2e_run_name("wh-retry"), ROLES);
	sec = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	tid = tmpl(tok, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/flaky?n=5&k=%s", e2e_unique("fl"));
	eid = exec_with(tok, tid, e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	/* 100 + 200 + 400 + 800 + 1600 ms of backoff, plus polling. */
	got = wait_reqs(path, q, 6, 30000);
	CU_ASSERT_EQUAL_FATAL(got, 6);
	for (i = 0; i < got; i++) {
		SUP_STR_EQ(q[i].whid, q[0].whid);
		SUP_STR_EQ(q[i].body, q[0].body);
		CU_ASSERT_EQUAL(q[i].status, i < 5 ? 503 : 200);
		CU_ASSERT(verifies(sec, q[i].whid, q[i].whts, q[i].body,
		    q[i].blen, q[i].whsig));
	}
	n = notifications(tok, eid, 5000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(json_object_array_length(w_at(n, "items")), 1);
	SUP_STR_EQ(w_str(n, "items.0.status"), "delivered");
	SUP_STR_EQ(w_str(n, "items.0.webhook_id"), q[0].whid);
	CU_ASSERT_EQUAL(w_int(n, "items.0.attempts"), 6);
	CU_ASSERT_EQUAL(json_object_array_length(w_at(n,
	    "items.0.attempt_history")), 6);
	CU_ASSERT_EQUAL(w_int(n, "items.0.attempt_history.0.status_code"),
	    503);
	CU_ASSERT_EQUAL(w_int(n, "items.0.attempt_history.4.status_code"),
	    503);
	CU_ASSERT_EQUAL(w_int(n, "items.0.attempt_history.5.status_code"),
	    200);
	json_object_put(n);
	/* The supervisor's series reach /metrics (written every 2 s). */
	CU_ASSERT(metric("wfm_webhook_deliveries_total{outcome=\"retried\"}",
	    5, 5000) >= 5);
	CU_ASSERT(metric("wfm_webhook_deliveries_total{outcome=\"delivered\"}",
	    1, 5000) >= 1);
	CU_ASSERT(metric("wfm_webhook_outbox_depth", 0, 5000) >= 0);
	free(eid);
	free(tid);
	free(sec);
	free(tok);
}

static void
test_e2e_webhook_blocked_address(void)
{
	struct json_object	*n;
	char			 url[128], *tok, *sec, *tid, *eid;
	int			 before = e2e_target_find(NULL, NULL, 0);

	tok = e2e_token(e2e_run_name("wh-ssrf"), ROLES);
	sec = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	tid = tmpl(tok, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	/*
	 * 127.0.0.2 is loopback but outside webhook_allow (127.0.0.1/32):
	 * refused before connecting, never retried.
	 */
	snprintf(url, sizeof(url), "http://127.0.0.2:%s/ok?k=%s",
	    strrchr(e2e_target_url(""), ':') + 1, e2e_unique("ssrf"));
	eid = exec_with(tok, tid, url);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	json_object_put(e2e_wait(tok, eid, 30));
	n = notifications(tok, eid, 15000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	SUP_STR_EQ(w_str(n, "items.0.status"), "failed");
	CU_ASSERT_EQUAL(w_int(n, "items.0.attempts"), 1);
	SUP_STR_EQ(w_str(n, "items.0.attempt_history.0.error"),
	    "ssrf_blocked");
	SUP_STR_EQ(w_json(n, "items.0.attempt_history.0.status_code"),
	    "null");
	SUP_STR_EQ(w_json(n, "items.0.next_try_at"), "null");
	json_object_put(n);
	/* Link-local (cloud metadata): the same, without any traffic. */
	free(eid);
	eid = exec_with(tok, tid, "http://169.254.169.254/latest");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	json_object_put(e2e_wait(tok, eid, 30));
	n = notifications(tok, eid, 15000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	SUP_STR_EQ(w_str(n, "items.0.status"), "failed");
	SUP_STR_EQ(w_str(n, "items.0.attempt_history.0.error"),
	    "ssrf_blocked");
	json_object_put(n);
	/* The receiver saw nothing of either. */
	CU_ASSERT_EQUAL(e2e_target_find(NULL, NULL, 0), before);
	/* wfmctl webhooks lists the failed delivery with its error. */
	CU_ASSERT_EQUAL(e2e_sh("%s/wfmctl -c %s webhooks | grep -q "
	    "'%s  completed  failed .*ssrf_blocked  http://169.254.169.254/"
	    "latest$'", getenv("WFM_E2E_BIN") != NULL ?
	    getenv("WFM_E2E_BIN") : "build/bin", e2e_conf(), eid), 0);
	free(eid);
	free(tid);
	free(sec);
	free(tok);
}

static void
test_e2e_webhook_redirect_not_followed(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*n;
	char			 path[128], *tok, *sec, *tid, *eid;

	tok = e2e_token(e2e_run_name("wh-redir"), ROLES);
	sec = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	tid = tmpl(tok, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/redirect?k=%s", e2e_unique("rd"));
	eid = exec_with(tok, tid, e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_EQUAL_FATAL(wait_reqs(path, q, 1, 15000), 1);
	/* Give a follower time to show up; then look. */
	sup_sleep_ms(500);
	n = notifications(tok, eid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(w_int(n, "items.0.attempt_history.0.status_code"),
	    302);
	SUP_STR_EQ(w_json(n, "items.0.attempt_history.0.error"), "null");
	/* A 3xx is not a success: retried later, to the same URL. */
	SUP_STR_EQ(w_str(n, "items.0.status"), "pending");
	CU_ASSERT_EQUAL(e2e_target_find("/ok?k=redirected", NULL, 0), 0);
	json_object_put(n);
	free(eid);
	free(tid);
	free(sec);
	free(tok);
}

static void
test_e2e_webhook_rotation_signs_with_both(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct resp		 r;
	char			 path[128], *tok, *old, *cur, *tid, *eid, *sp;
	char			 first[128], second[128];

	tok = e2e_token(e2e_run_name("wh-rot"), ROLES);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET",
	    "/workflow-management/webhook-secret", tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	SUP_STR_EQ(e2e_mjs(r.json, "exists"), "false");
	resp_free(&r);
	old = new_secret(tok);
	cur = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(old);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cur);
	CU_ASSERT_STRING_NOT_EQUAL(old, cur);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET",
	    "/workflow-management/webhook-secret", tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	SUP_STR_EQ(e2e_mjs(r.json, "exists"), "true");
	CU_ASSERT_PTR_NOT_NULL(resp_str(&r, "created_at"));
	/* The secret itself is never shown again. */
	CU_ASSERT_PTR_NULL(strstr(r.body, "whsec_"));
	resp_free(&r);
	tid = tmpl(tok, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("rot"));
	eid = exec_with(tok, tid, e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_EQUAL_FATAL(wait_reqs(path, q, 1, 15000), 1);
	/* "v1,<new> v1,<old>". */
	sp = strchr(q[0].whsig, ' ');
	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	snprintf(first, sizeof(first), "%.*s", (int)(sp - q[0].whsig),
	    q[0].whsig);
	snprintf(second, sizeof(second), "%s", sp + 1);
	CU_ASSERT(verifies(cur, q[0].whid, q[0].whts, q[0].body, q[0].blen,
	    first));
	CU_ASSERT(verifies(old, q[0].whid, q[0].whts, q[0].body, q[0].blen,
	    second));
	CU_ASSERT(!verifies(old, q[0].whid, q[0].whts, q[0].body, q[0].blen,
	    first));
	/* Both rotations are audited, the secret nowhere in the rows. */
	snprintf(path, sizeof(path), "/workflow-management/audit?action="
	    "webhook_secret.rotate&user_id=%s", e2e_run_name("wh-rot"));
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_admin(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(json_object_array_length(w_at(r.json, "items")), 2);
	SUP_STR_EQ(w_str(r.json, "items.0.object_type"), "webhook_secret");
	SUP_STR_EQ(w_json(r.json, "items.0.detail"), "{\"rotated\":true}");
	SUP_STR_EQ(w_json(r.json, "items.1.detail"), "{\"rotated\":false}");
	CU_ASSERT_PTR_NULL(strstr(r.body, "whsec_"));
	resp_free(&r);
	free(eid);
	free(tid);
	free(old);
	free(cur);
	free(tok);
}

static void
test_e2e_webhook_notify_validation(void)
{
	struct resp	 r;
	char		 big[2200], json[1024], *tok, *tid, *sec;

	tok = e2e_token(e2e_run_name("wh-val"), ROLES);
	tid = tmpl(tok, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	/* No secret yet: 422 at body.notify. */
	CU_ASSERT_EQUAL_FATAL(exec_notify(tok, tid, "https://example.com/h",
	    "[\"completed\"]", &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	SUP_STR_EQ(w_json(r.json, "detail.0.loc"), "[\"body\",\"notify\"]");
	SUP_STR_EQ(w_str(r.json, "detail.0.type"), "value_error");
	resp_free(&r);
	sec = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	CU_ASSERT_EQUAL_FATAL(exec_notify(tok, tid, "ftp://example.com/h",
	    "[\"completed\"]", &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	SUP_STR_EQ(w_json(r.json, "detail.0.loc"),
	    "[\"body\",\"notify\",\"url\"]");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(exec_notify(tok, tid,
	    "https://user:pw@example.com/h", "[\"completed\"]", &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	SUP_STR_EQ(w_json(r.json, "detail.0.loc"),
	    "[\"body\",\"notify\",\"url\"]");
	SUP_STR_EQ(w_str(r.json, "detail.0.msg"),
	    "Value error, url must not contain userinfo");
	resp_free(&r);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "https://example.com/", 20);
	CU_ASSERT_EQUAL_FATAL(exec_notify(tok, tid, big, "[\"completed\"]",
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	SUP_STR_EQ(w_str(r.json, "detail.0.type"), "string_too_long");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(exec_notify(tok, tid, "https://example.com/h",
	    "[\"completed\",\"done\"]", &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	SUP_STR_EQ(w_json(r.json, "detail.0.loc"),
	    "[\"body\",\"notify\",\"events\",1]");
	SUP_STR_EQ(w_str(r.json, "detail.0.type"), "enum");
	resp_free(&r);
	/* A template's notify is checked when stored. */
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"global_config\":"
	    "{\"notify\":{\"url\":\"https://example.com/h\",\"events\":"
	    "[]}},\"steps\":[{\"id\":\"t\",\"type\":\"transform\","
	    "\"output\":{}}]}", e2e_unique("whv"));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/templates",
	    tok, json, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	SUP_STR_EQ(w_json(r.json, "detail.0.loc"),
	    "[\"body\",\"global_config\",\"notify\",\"events\"]");
	SUP_STR_EQ(w_str(r.json, "detail.0.type"), "too_short");
	resp_free(&r);
	free(sec);
	free(tid);
	free(tok);
}

static void
test_e2e_webhook_template_notify(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*body;
	char			 path[128], glob[512], *owner, *other, *sec;
	char			 *tid, *eid, json[1024];
	struct resp		 r;

	owner = e2e_token(e2e_run_name("wh-towner"), ROLES);
	other = e2e_token(e2e_run_name("wh-tuser"), ROLES);
	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("tn"));
	snprintf(glob, sizeof(glob), "\"global_config\":{\"notify\":{\"url\":"
	    "\"%s\",\"events\":[\"completed\"]}},", e2e_target_url(path));
	/* The owner needs a secret to store it. */
	snprintf(json, sizeof(json), "{\"name\":\"%s\",%s\"is_public\":true,"
	    "\"steps\":[{\"id\":\"t\",\"type\":\"transform\",\"output\":"
	    "{\"v\":\"{{ input.v }}\"}}]}", e2e_unique("wht"), glob);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/templates",
	    owner, json, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	SUP_STR_EQ(w_json(r.json, "detail.0.loc"),
	    "[\"body\",\"global_config\",\"notify\"]");
	resp_free(&r);
	sec = new_secret(owner);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	tid = e2e_template(owner, json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	/* Another user runs it (no secret of their own needed). */
	eid = e2e_execute(other, tid, "{\"v\":\"private\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_EQUAL_FATAL(wait_reqs(path, q, 1, 20000), 1);
	CU_ASSERT(verifies(sec, q[0].whid, q[0].whts, q[0].body, q[0].blen,
	    q[0].whsig));
	body = json_tokener_parse(q[0].body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	/* Only ids, status, times and error_details. */
	SUP_STR_EQ(w_keys(body, "data"), "completed_at,created_at,"
	    "error_details,execution_id,started_at,status,template_id,"
	    "template_version");
	CU_ASSERT_PTR_NULL(strstr(q[0].body, "private"));
	json_object_put(body);
	/* sql/018: the finish left the trigger to read the template. */
	snprintf(json, sizeof(json), "SELECT IFNULL(tmpl_notify, 'null') "
	    "FROM executions WHERE execution_id = '%s'", eid);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("%s", json), "null");
	free(eid);
	free(tid);
	free(sec);
	free(owner);
	free(other);
}

/*
 * sql/018: the supervisor's finish tells the webhook trigger that a
 * template version has no global_config.notify (tmpl_notify 0), so the
 * trigger does not read it; with one it says nothing (NULL) and the
 * delivery is made (template_notify above). No outbox row either way
 * for a template without notify.
 */
static void
test_e2e_webhook_no_template_notify_flag(void)
{
	struct json_object	*doc;
	char			 json[512], stmt[256], *tok, *tid, *eid;

	tok = e2e_token(e2e_run_name("wh-noflag"), ROLES);
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"steps\":[{\"id\":"
	    "\"t\",\"type\":\"transform\",\"output\":{\"v\":1}}]}",
	    e2e_unique("whn"));
	tid = e2e_template(tok, json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = e2e_execute(tok, tid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(tok, eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(w_str(doc, "status"), "completed");
	json_object_put(doc);
	snprintf(stmt, sizeof(stmt), "SELECT IFNULL(tmpl_notify, 'null') "
	    "FROM executions WHERE execution_id = '%s'", eid);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("%s", stmt), "0");
	snprintf(stmt, sizeof(stmt), "SELECT COUNT(*) FROM webhook_outbox o "
	    "JOIN executions e ON e.id = o.exec_pk WHERE e.execution_id = "
	    "'%s'", eid);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("%s", stmt), "0");
	free(eid);
	free(tid);
	free(tok);
}

/* A template of token's user from a definition's steps, with its id. */
static char *
tmpl_steps(const char *token, const char *steps)
{
	char	json[1024];

	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"steps\":%s}",
	    e2e_unique("whs"), steps);
	return e2e_template(token, json);
}

/*
 * The payload's data is the GET document without step outputs
 * (engine.md "Notifications"): its steps show the statuses the GET
 * shows. Waiting: the wait step waits, the step after it is pending (not
 * cancelled); cancelled: both ended with it (the waiting row too).
 */
static void
test_e2e_webhook_steps_as_get(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*doc, *get;
	struct resp		 r;
	char			 path[128], url[256], cpath[160];
	char			*tok, *sec, *tid, *eid;
	int			 i;

	tok = e2e_token(e2e_run_name("wh-steps"), ROLES);
	sec = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	tid = tmpl_steps(tok, "[{\"id\":\"w\",\"type\":\"wait\","
	    "\"signal\":\"go\",\"timeout_seconds\":120},{\"id\":\"after\","
	    "\"type\":\"transform\",\"depends_on\":[\"w\"],\"output\":1}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("steps"));
	snprintf(url, sizeof(url), "%s", e2e_target_url(path));
	CU_ASSERT_EQUAL_FATAL(exec_notify(tok, tid, url,
	    "[\"waiting\",\"cancelled\"]", &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 202);
	eid = strdup(resp_str(&r, "execution_id"));
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(wait_reqs(path, q, 1, 15000), 1);
	doc = json_tokener_parse(q[0].body);
	snprintf(cpath, sizeof(cpath), "/workflow-management/executions/%s",
	    eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", cpath, tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	get = r.json != NULL ? json_object_get(r.json) : NULL;
	resp_free(&r);
	SUP_STR_EQ(w_str(get, "status"), "waiting");
	SUP_STR_EQ(w_str(doc, "type"), "execution.waiting");
	SUP_STR_EQ(w_str(doc, "data.steps.0.status"), "waiting");
	SUP_STR_EQ(w_str(doc, "data.steps.1.status"), "pending");
	for (i = 0; i < 2; i++) {
		char	key[32];

		snprintf(key, sizeof(key), "steps.%d.status", i);
		SUP_STR_EQ(w_str(get, key), i == 0 ? "waiting" : "pending");
	}
	json_object_put(doc);
	json_object_put(get);
	snprintf(cpath, sizeof(cpath),
	    "/workflow-management/executions/%s/cancel", eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", cpath, tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(wait_reqs(path, q, 2, 15000), 2);
	doc = json_tokener_parse(q[1].body);
	get = e2e_wait(tok, eid, 10);
	SUP_STR_EQ(w_str(doc, "type"), "execution.cancelled");
	SUP_STR_EQ(w_str(get, "status"), "cancelled");
	SUP_STR_EQ(w_str(doc, "data.steps.0.status"), "cancelled");
	SUP_STR_EQ(w_str(doc, "data.steps.1.status"), "cancelled");
	SUP_STR_EQ(w_str(get, "steps.0.status"), "cancelled");
	SUP_STR_EQ(w_str(get, "steps.1.status"), "cancelled");
	json_object_put(doc);
	json_object_put(get);
	free(eid);
	free(tid);
	free(sec);
	free(tok);
}

static void
test_e2e_webhook_big_result_truncated(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*doc;
	char			 path[128], *tok, *sec, *tid, *eid;

	tok = e2e_token(e2e_run_name("wh-big"), ROLES);
	sec = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	/* mb-out: a step output of 1,000,002 bytes, the final_result. */
	tid = tmpl_steps(tok, "[{\"id\":\"c\",\"type\":\"command\","
	    "\"handler\":\"mb-out\"}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("big"));
	eid = exec_with(tok, tid, e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(tok, eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(w_str(doc, "status"), "completed");
	json_object_put(doc);
	CU_ASSERT_EQUAL_FATAL(wait_reqs(path, q, 1, 15000), 1);
	CU_ASSERT(q[0].blen < 64 * 1024);
	CU_ASSERT_EQUAL_FATAL(q[0].blen, strlen(q[0].body));
	CU_ASSERT(verifies(sec, q[0].whid, q[0].whts, q[0].body, q[0].blen,
	    q[0].whsig));
	doc = json_tokener_parse(q[0].body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(w_json(doc, "data.final_result_truncated"), "true");
	CU_ASSERT_PTR_NULL(w_at(doc, "data.final_result"));
	SUP_STR_EQ(w_str(doc, "data.status"), "completed");
	json_object_put(doc);
	free(eid);
	free(tid);
	free(sec);
	free(tok);
}

static void
test_e2e_webhook_events_filter_and_cancel(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*doc, *n;
	struct resp		 r;
	char			 path[128], url[256], cpath[160];
	char			 *tok, *sec, *tid, *eid;

	tok = e2e_token(e2e_run_name("wh-ev"), ROLES);
	sec = new_secret(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	tid = tmpl_steps(tok, "[{\"id\":\"w\",\"type\":\"delay\","
	    "\"seconds\":30}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("cx"));
	snprintf(url, sizeof(url), "%s", e2e_target_url(path));
	CU_ASSERT_EQUAL_FATAL(exec_notify(tok, tid, url, "[\"cancelled\"]",
	    &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 202);
	eid = strdup(resp_str(&r, "execution_id"));
	resp_free(&r);
	snprintf(cpath, sizeof(cpath),
	    "/workflow-management/executions/%s/cancel", eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", cpath, tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	doc = e2e_wait(tok, eid, 30);
	SUP_STR_EQ(w_str(doc, "status"), "cancelled");
	json_object_put(doc);
	CU_ASSERT_EQUAL_FATAL(wait_reqs(path, q, 1, 15000), 1);
	doc = json_tokener_parse(q[0].body);
	SUP_STR_EQ(w_str(doc, "type"), "execution.cancelled");
	SUP_STR_EQ(w_str(doc, "data.status"), "cancelled");
	json_object_put(doc);
	free(eid);
	/* A failed execution with only "completed" asked: no delivery. */
	free(tid);
	tid = tmpl_steps(tok, "[{\"id\":\"f\",\"type\":\"command\","
	    "\"handler\":\"fail-stderr\"}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("nf"));
	snprintf(url, sizeof(url), "%s", e2e_target_url(path));
	CU_ASSERT_EQUAL_FATAL(exec_notify(tok, tid, url, "[\"completed\"]",
	    &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 202);
	eid = strdup(resp_str(&r, "execution_id"));
	resp_free(&r);
	doc = e2e_wait(tok, eid, 30);
	SUP_STR_EQ(w_str(doc, "status"), "failed");
	json_object_put(doc);
	sup_sleep_ms(1000);
	n = notifications(tok, eid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	SUP_STR_EQ(w_json(n, "items"), "[]");
	CU_ASSERT_EQUAL(e2e_target_find(path, NULL, 0), 0);
	json_object_put(n);
	/* Another user may not read the deliveries: 403. */
	snprintf(cpath, sizeof(cpath),
	    "/workflow-management/executions/%s/notifications", eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", cpath, e2e_tok_bob(), NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	resp_free(&r);
	free(eid);
	free(tid);
	free(sec);
	free(tok);
}

/*
 * A second supervisor on the same database, with its own lock, nudge
 * socket and log (dir/sup2.log); its pid.
 */
static pid_t
second_supervisor(const char *dir)
{
	char	 conf[700], lock[700], nudge[700], log[700];
	pid_t	 pid;
	int	 fd;

	snprintf(conf, sizeof(conf), "%s/sup2.conf", dir);
	snprintf(lock, sizeof(lock), "%s/supervisor.lock", dir);
	snprintf(nudge, sizeof(nudge), "%s/supervisor.nudge", dir);
	snprintf(log, sizeof(log), "%s/sup2.log", dir);
	if (e2e_sh("cp '%s' '%s'", e2e_conf(), conf) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	setenv("WFM_SUPERVISOR_LOCK_FILE", lock, 1);
	setenv("WFM_SUPERVISOR_NUDGE_SOCKET", nudge, 1);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) != -1) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	snprintf(log, sizeof(log), "%s/wfm-supervisor",
	    getenv("WFM_E2E_BIN") != NULL ? getenv("WFM_E2E_BIN") :
	    "build/bin");
	execl(log, "wfm-supervisor", "-c", conf, (char *)NULL);
	_exit(127);
}

/*
 * 200 executions of 8 users, each with a notify, while two supervisors
 * share the database: each delivered exactly once (distinct webhook-ids,
 * one request each), by both supervisors. Prints the delivery rate seen
 * by the receiver, a lower bound of the supervisors' (they also run the
 * executions meanwhile).
 */
#define TP_USERS	8
#define TP_PER_USER	25
static void
test_e2e_webhook_throughput_each_once(void)
{
	struct e2e_tgt_req	*q;
	struct resp		 r;
	char			 path[128], url[256], name[32], json[1024];
	char			*tok[TP_USERS], *tid, dir[512], log[600];
	int			 u, k, got = 0, i, j, dup = 0, bad = 0;
	int			 total = TP_USERS * TP_PER_USER, by2, status;
	int64_t			 end;
	pid_t			 sup2;

	q = calloc((size_t)total + 1, sizeof(*q));
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	for (u = 0; u < TP_USERS; u++) {
		snprintf(name, sizeof(name), "wh-tp%d", u);
		tok[u] = e2e_token(e2e_run_name(name), ROLES);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tok[u]);
		free(new_secret(tok[u]));
	}
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"is_public\":true,"
	    "\"steps\":[{\"id\":\"t\",\"type\":\"transform\",\"output\":"
	    "{\"v\":1}}]}", e2e_unique("whtp"));
	tid = e2e_template(tok[0], json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("tp"));
	snprintf(url, sizeof(url), "%s", e2e_target_url(path));
	snprintf(dir, sizeof(dir), "%s/whsup2-%ld", e2e_var(), (long)getpid());
	CU_ASSERT_FATAL(mkdir(dir, 0755) == 0 || errno == EEXIST);
	sup2 = second_supervisor(dir);
	CU_ASSERT_FATAL(sup2 > 0);
	sup_sleep_ms(500);
	for (k = 0; k < TP_PER_USER; k++)
		for (u = 0; u < TP_USERS; u++) {
			CU_ASSERT_EQUAL_FATAL(exec_notify(tok[u], tid, url,
			    "[\"completed\"]", &r), 0);
			CU_ASSERT_EQUAL(r.status, 202);
			resp_free(&r);
		}
	end = sup_now_ms() + 90000;
	while ((got = e2e_target_find(path, q, total + 1)) < total &&
	    sup_now_ms() < end)
		sup_sleep_ms(100);
	CU_ASSERT_EQUAL_FATAL(got, total);
	/* Nothing more arrives: each delivery was sent once. */
	sup_sleep_ms(1000);
	CU_ASSERT_EQUAL(e2e_target_find(path, NULL, 0), total);
	for (i = 0; i < got; i++) {
		bad += q[i].status != 200 || strncmp(q[i].whid, "msg_", 4) != 0;
		for (j = 0; j < i; j++)
			dup += strcmp(q[i].whid, q[j].whid) == 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(dup, 0);
	/* Both supervisors delivered some. */
	snprintf(log, sizeof(log), "%s/sup2.log", dir);
	by2 = e2e_sh("test $(grep -c 'webhook delivery [0-9]*: status 200' "
	    "'%s') -gt 0 && test $(grep -c 'webhook delivery [0-9]*: status "
	    "200' '%s') -lt %d", log, log, total);
	CU_ASSERT_EQUAL(by2, 0);
	CU_ASSERT_EQUAL(kill(sup2, SIGTERM), 0);
	end = sup_now_ms() + 20000;
	while (waitpid(sup2, &status, WNOHANG) == 0 && sup_now_ms() < end)
		sup_sleep_ms(50);
	if (waitpid(sup2, &status, WNOHANG) == 0) {
		kill(sup2, SIGKILL);
		waitpid(sup2, &status, 0);
	}
	if (got == total && q[got - 1].at_ms > q[0].at_ms)
		printf("[%d deliveries in %lld ms, %.0f/s] ", total,
		    q[got - 1].at_ms - q[0].at_ms, (double)(total - 1) *
		    1000.0 / (double)(q[got - 1].at_ms - q[0].at_ms));
	for (u = 0; u < TP_USERS; u++)
		free(tok[u]);
	free(tid);
	free(q);
}

E2E_SUITE(test_e2e_webhook_register)

void
test_e2e_webhook_register(void)
{
	CU_pSuite	s = CU_add_suite("webhook", suite_init, suite_fini);

	CU_add_test(s, "signed_delivery", test_e2e_webhook_signed_delivery);
	CU_add_test(s, "five_failures_then_success",
	    test_e2e_webhook_five_failures_then_success);
	CU_add_test(s, "blocked_address", test_e2e_webhook_blocked_address);
	CU_add_test(s, "redirect_not_followed",
	    test_e2e_webhook_redirect_not_followed);
	CU_add_test(s, "rotation_signs_with_both",
	    test_e2e_webhook_rotation_signs_with_both);
	CU_add_test(s, "notify_validation",
	    test_e2e_webhook_notify_validation);
	CU_add_test(s, "template_notify", test_e2e_webhook_template_notify);
	CU_add_test(s, "big_result_truncated",
	    test_e2e_webhook_big_result_truncated);
	CU_add_test(s, "steps_as_get", test_e2e_webhook_steps_as_get);
	CU_add_test(s, "events_filter_and_cancel",
	    test_e2e_webhook_events_filter_and_cancel);
	CU_add_test(s, "throughput_each_once",
	    test_e2e_webhook_throughput_each_once);
	CU_add_test(s, "no_template_notify_flag",
	    test_e2e_webhook_no_template_notify_flag);
}
