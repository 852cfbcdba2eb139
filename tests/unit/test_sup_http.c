/*
 * http runner against a tiny HTTP/1.1 server started by the suite on
 * 127.0.0.1 (ephemeral port): a forked child with a blocking accept
 * loop that forks once per connection and answers canned responses by
 * path. The runner is given the allowlist 127.0.0.1/32 unless a test
 * says otherwise.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "common.h"
#include "sup_step.h"

void	test_sup_http_register(void);

#define SRV_BIG		(2 * 1024 * 1024)

static pid_t			 srv_pid = -1;
static int			 srv_port;
static struct sup_net_allow	*srv_allow;

/* Server side: async-signal-safe enough for a forked test child. */
static void
srv_send(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void
srv_reply(int fd, int status, const char *extra, const char *body)
{
	char	head[1024];
	int	n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\n%s"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status,
	    extra, strlen(body));
	srv_send(fd, head, (size_t)n);
	srv_send(fd, body, strlen(body));
}

/* Value of header name in the request head, or "". */
static void
srv_header(const char *head, const char *name, char *out, size_t outlen)
{
	const char	*p = head;
	size_t		 nl = strlen(name), i;

	out[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ')
				p++;
			for (i = 0; i + 1 < outlen && p[i] != '\r' &&
			    p[i] != '\0'; i++)
				out[i] = p[i];
			out[i] = '\0';
			return;
		}
	}
}

static void
srv_conn(int fd)
{
	char	 req[16384], method[16], path[256], idem[128], ctype[128];
	char	 custom[128], clen[32], extra[256], *body, *big;
	size_t	 len = 0, want;
	ssize_t	 n;

	memset(req, 0, sizeof(req));
	while (strstr(req, "\r\n\r\n") == NULL && len < sizeof(req) - 1) {
		if ((n = recv(fd, req + len, sizeof(req) - 1 - len, 0)) <= 0)
			return;
		len += (size_t)n;
	}
	if ((body = strstr(req, "\r\n\r\n")) == NULL ||
	    sscanf(req, "%15s %255s", method, path) != 2)
		return;
	body += 4;
	srv_header(req, "content-length", clen, sizeof(clen));
	want = (size_t)strtoul(clen, NULL, 10);
	while ((size_t)(req + len - body) < want && len < sizeof(req) - 1) {
		if ((n = recv(fd, req + len, sizeof(req) - 1 - len, 0)) <= 0)
			return;
		len += (size_t)n;
	}
	if (strcmp(path, "/json") == 0)
		srv_reply(fd, 200, "Content-Type: application/json\r\n"
		    "X-Test: Value\r\nX-Dup: a\r\nX-Dup: b\r\n",
		    "{\"ok\": true, \"n\": 1}");
	else if (strcmp(path, "/null") == 0)
		srv_reply(fd, 200, "", " null\n");
	else if (strcmp(path, "/text") == 0)
		srv_reply(fd, 200, "Content-Type: text/plain\r\n", "hi \xff");
	else if (strcmp(path, "/503") == 0)
		srv_reply(fd, 503, "", "{\"error\": \"down\"}");
	else if (strcmp(path, "/429") == 0)
		srv_reply(fd, 429, "", "slow down");
	else if (strcmp(path, "/400") == 0)
		srv_reply(fd, 400, "", "{\"error\": \"bad\"}");
	else if (strcmp(path, "/redirect") == 0)
		srv_reply(fd, 302, "Location: /json\r\nX-Hop: 1\r\n", "");
	else if (strcmp(path, "/redirect-blocked") == 0) {
		snprintf(extra, sizeof(extra), "Location: http://127.0.0.2:%d"
		    "/json\r\n", srv_port);
		srv_reply(fd, 302, extra, "");
	} else if (strcmp(path, "/redirect-ftp") == 0)
		srv_reply(fd, 302, "Location: ftp://127.0.0.1/x\r\n", "");
	else if (strcmp(path, "/loop") == 0)
		srv_reply(fd, 302, "Location: /loop\r\n", "");
	else if (strcmp(path, "/slow") == 0)
		sleep(3);
	else if (strcmp(path, "/big") == 0 ||
	    strcmp(path, "/big-nolen") == 0) {
		if ((big = malloc(SRV_BIG + 1)) == NULL)
			return;
		memset(big, 'x', SRV_BIG);
		big[SRV_BIG] = '\0';
		if (strcmp(path, "/big") == 0)
			srv_reply(fd, 200, "", big);
		else {
			srv_send(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n"
			    "\r\n", 38);
			srv_send(fd, big, SRV_BIG);
		}
		free(big);
	} else if (strcmp(path, "/echo") == 0) {
		srv_header(req, "idempotency-key", idem, sizeof(idem));
		srv_header(req, "content-type", ctype, sizeof(ctype));
		srv_header(req, "x-custom", custom, sizeof(custom));
		body[want] = '\0';
		if ((big = malloc(strlen(body) + 1024)) == NULL)
			return;
		snprintf(big, strlen(body) + 1024, "{\"method\": \"%s\", "
		    "\"idem\": \"%s\", \"ctype\": \"%s\", \"custom\": \"%s\", "
		    "\"body\": %s}", method, idem, ctype, custom,
		    want > 0 ? body : "null");
		srv_reply(fd, 200, "", big);
		free(big);
	} else
		srv_reply(fd, 404, "", "");
}

static void __attribute__((noreturn))
srv_loop(int lfd)
{
	int	fd;
	pid_t	pid;

	signal(SIGCHLD, SIG_IGN);		/* connections reap themselves */
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		if ((pid = fork()) == 0) {
			close(lfd);
			srv_conn(fd);
			shutdown(fd, SHUT_RDWR);
			_exit(0);
		}
		close(fd);
	}
}

static int
http_suite_init(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	struct errmsg		 err;
	int			 fd, on = 1;

	/* Reference-counted: harmless when main has done it already. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 64) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		close(fd);
		return -1;
	}
	srv_port = ntohs(sin.sin_port);
	if ((srv_pid = fork()) == -1) {
		close(fd);
		return -1;
	}
	if (srv_pid == 0)
		srv_loop(fd);
	close(fd);
	if (sup_net_allow_parse("127.0.0.1/32", &srv_allow, &err) != RC_OK)
		return -1;
	return 0;
}

static int
http_suite_fini(void)
{
	sup_net_allow_free(srv_allow);
	srv_allow = NULL;
	if (srv_pid > 0) {
		kill(srv_pid, SIGKILL);
		waitpid(srv_pid, NULL, 0);
		srv_pid = -1;
	}
	curl_global_cleanup();
	return 0;
}

/* Drive h until one transfer finishes; its elapsed ms, or -1. */
static int
http_run(struct sup_http *h, void **user, struct sup_step_result *res,
    int max_ms)
{
	int64_t	start = util_mono_ms();
	int	running;

	while (util_mono_ms() - start <= max_ms) {
		if (sup_http_perform(h, &running) != RC_OK)
			return -1;
		if (sup_http_done(h, user, res))
			return (int)(util_mono_ms() - start);
		if (sup_http_wait(h, NULL, 0, 100) != RC_OK)
			return -1;
	}
	return -1;
}

static char *
http_url(const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", srv_port, path);
}

/*
 * Run one request to url with runner h (NULL: a runner with the
 * 127.0.0.1/32 allowlist). Returns the elapsed ms (-1: never finished).
 */
static int
http_do(struct sup_http *h, const char *method, const char *url,
    const char *headers, const char *body, int timeout,
    struct sup_step_result *res)
{
	struct sup_http_req	 req;
	struct sup_http		*own = NULL;
	struct sup_http_xfer	*x = NULL;
	void			*user = NULL;
	struct errmsg		 err = { "" };
	int			 token, ms;

	if (h == NULL)
		h = own = sup_http_new(srv_allow);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	memset(&req, 0, sizeof(req));
	memset(res, 0, sizeof(*res));
	req.method = method;
	req.url = url;
	req.headers = headers != NULL ? json_tokener_parse(headers) : NULL;
	req.body = body != NULL ? json_tokener_parse(body) : NULL;
	req.timeout_seconds = timeout;
	req.idempotency_key = "e1:s1";
	req.user = &token;
	CU_ASSERT_EQUAL(sup_http_start(h, &req, &x, &err), RC_OK);
	CU_ASSERT_STRING_EQUAL(err.text, "");
	CU_ASSERT_PTR_NOT_NULL(x);
	json_object_put(req.headers);	/* the runner keeps copies */
	json_object_put(req.body);
	ms = http_run(h, &user, res, 10000);
	CU_ASSERT_PTR_EQUAL(user, &token);
	sup_http_free(own);
	return ms;
}

static int
http_equal(struct json_object *got, const char *want)
{
	struct json_object	*w;
	int			 eq;

	w = json_tokener_parse(want);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	eq = json_object_equal(got, w);
	if (!eq)
		fprintf(stderr, "\ngot  %s\nwant %s\n",
		    json_object_to_json_string(got),
		    json_object_to_json_string(w));
	json_object_put(w);
	return eq;
}

static void
test_sup_http_get_returns_status_headers_and_json_body(void)
{
	struct sup_step_result	 res;
	char			*url = http_url("/json");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	CU_ASSERT_PTR_NULL(res.err_msg);
	CU_ASSERT_TRUE(http_equal(res.output, "{\"status\": 200, \"headers\": "
	    "{\"content-type\": \"application/json\", \"x-test\": \"Value\", "
	    "\"x-dup\": \"a, b\", \"content-length\": \"20\", "
	    "\"connection\": \"close\"}, \"body\": {\"ok\": true, \"n\": 1}}"));
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_post_sends_json_body_and_idempotency_key(void)
{
	struct sup_step_result	 res;
	struct json_object	*body;
	char			*url = http_url("/echo");

	CU_ASSERT(http_do(NULL, "POST", url, "{\"X-Custom\": \"yes\", "
	    "\"Idempotency-Key\": \"forged\"}", "{\"a\": [1, 2]}", 5,
	    &res) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "body", &body));
	CU_ASSERT_TRUE(http_equal(body, "{\"method\": \"POST\", \"idem\": "
	    "\"e1:s1\", \"ctype\": \"application/json\", \"custom\": \"yes\", "
	    "\"body\": {\"a\": [1, 2]}}"));
	sup_step_result_fini(&res);

	CU_ASSERT(http_do(NULL, "PUT", url, "{\"Content-Type\": "
	    "\"application/merge-patch+json\"}", "{}", 5, &res) >= 0);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "body", &body));
	CU_ASSERT_TRUE(http_equal(body, "{\"method\": \"PUT\", \"idem\": "
	    "\"e1:s1\", \"ctype\": \"application/merge-patch+json\", "
	    "\"custom\": \"\", \"body\": {}}"));
	sup_step_result_fini(&res);

	CU_ASSERT(http_do(NULL, "DELETE", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "body", &body));
	CU_ASSERT_TRUE(http_equal(body, "{\"method\": \"DELETE\", \"idem\": "
	    "\"e1:s1\", \"ctype\": \"\", \"custom\": \"\", \"body\": null}"));
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_text_body_is_kept_as_valid_utf8(void)
{
	struct sup_step_result	 res;
	struct json_object	*body;
	char			*url = http_url("/text");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "body", &body));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(body), "hi \xef\xbf\xbd");
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_null_body_is_json_null(void)
{
	struct sup_step_result	 res;
	struct json_object	*body = (struct json_object *)&res;
	char			*url = http_url("/null");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "body", &body));
	CU_ASSERT_PTR_NULL(body);
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_5xx_and_429_are_retryable_with_output(void)
{
	struct sup_step_result	 res;
	char			*url = http_url("/503");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_HTTP_STATUS);
	CU_ASSERT_STRING_EQUAL(res.err_msg, "HTTP status 503");
	CU_ASSERT_EQUAL(res.retryable, 1);
	CU_ASSERT_TRUE(http_equal(res.output, "{\"status\": 503, \"headers\": "
	    "{\"content-length\": \"17\", \"connection\": \"close\"}, "
	    "\"body\": {\"error\": \"down\"}}"));
	sup_step_result_fini(&res);
	free(url);

	url = http_url("/429");
	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_HTTP_STATUS);
	CU_ASSERT_STRING_EQUAL(res.err_msg, "HTTP status 429");
	CU_ASSERT_EQUAL(res.retryable, 1);
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_400_fails_without_retry(void)
{
	struct sup_step_result	 res;
	struct json_object	*v;
	char			*url = http_url("/400");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_HTTP_STATUS);
	CU_ASSERT_STRING_EQUAL(res.err_msg, "HTTP status 400");
	CU_ASSERT_EQUAL(res.retryable, 0);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "status", &v) &&
	    json_object_get_int(v) == 400);
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_follows_redirect_keeping_final_headers(void)
{
	struct sup_step_result	 res;
	struct json_object	*hdrs, *v;
	char			*url = http_url("/redirect");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "status", &v) &&
	    json_object_get_int(v) == 200);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "headers",
	    &hdrs));
	CU_ASSERT_TRUE(json_object_object_get_ex(hdrs, "x-test", &v));
	CU_ASSERT_FALSE(json_object_object_get_ex(hdrs, "x-hop", &v));
	CU_ASSERT_FALSE(json_object_object_get_ex(hdrs, "location", &v));
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_blocks_redirect_to_blocked_address(void)
{
	struct sup_step_result	 res;
	char			*url = http_url("/redirect-blocked");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_SSRF_BLOCKED);
	CU_ASSERT_STRING_EQUAL(res.err_msg,
	    "connecting to 127.0.0.2 is not allowed");
	CU_ASSERT_EQUAL(res.retryable, 0);
	CU_ASSERT_PTR_NULL(res.output);
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_blocks_loopback_without_allowlist(void)
{
	static const char *const hosts[] = {
		"127.0.0.1", "2130706433", "0x7f.1", "[::ffff:127.0.0.1]",
		"127.1", "017700000001", "[::ffff:7f00:1]"
	};
	struct sup_step_result	 res;
	struct sup_http		*h;
	char			*url;
	size_t			 i;

	h = sup_http_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	for (i = 0; i < NITEMS(hosts); i++) {
		url = xasprintf("http://%s:%d/json", hosts[i], srv_port);
		CU_ASSERT(http_do(h, "GET", url, NULL, NULL, 5, &res) >= 0);
		CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_SSRF_BLOCKED);
		CU_ASSERT_PTR_NOT_NULL(res.err_msg);
		CU_ASSERT_EQUAL(res.retryable, 0);
		CU_ASSERT_PTR_NULL(res.output);
		if (i == 0) {
			CU_ASSERT_STRING_EQUAL(res.err_msg,
			    "connecting to 127.0.0.1 is not allowed");
		}
		sup_step_result_fini(&res);
		free(url);
	}
	sup_http_free(h);
}

static void
test_sup_http_times_out(void)
{
	struct sup_step_result	 res;
	char			*url = http_url("/slow");
	int			 ms;

	ms = http_do(NULL, "GET", url, NULL, NULL, 1, &res);
	CU_ASSERT(ms >= 900 && ms < 2500);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_TIMEOUT);
	CU_ASSERT_STRING_EQUAL(res.err_msg, "request timed out after 1 s");
	CU_ASSERT_EQUAL(res.retryable, 1);
	CU_ASSERT_PTR_NULL(res.output);
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_rejects_body_over_1_mib(void)
{
	static const char *const paths[] = { "/big", "/big-nolen" };
	struct sup_step_result	 res;
	char			*url;
	size_t			 i;

	for (i = 0; i < NITEMS(paths); i++) {
		url = http_url(paths[i]);
		CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
		CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_OUTPUT_INVALID);
		CU_ASSERT_STRING_EQUAL(res.err_msg,
		    "response body exceeds 1 MiB");
		CU_ASSERT_EQUAL(res.retryable, 0);
		CU_ASSERT_PTR_NULL(res.output);
		sup_step_result_fini(&res);
		free(url);
	}
}

static void
test_sup_http_fails_redirect_to_other_scheme(void)
{
	struct sup_step_result	 res;
	char			*url = http_url("/redirect-ftp");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_CONNECTION);
	CU_ASSERT_STRING_EQUAL(res.err_msg,
	    "redirect to a scheme other than http or https");
	CU_ASSERT_EQUAL(res.retryable, 0);
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_stops_after_5_redirects(void)
{
	struct sup_step_result	 res;
	char			*url = http_url("/loop");

	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_CONNECTION);
	CU_ASSERT_STRING_EQUAL(res.err_msg, "more than 5 redirects");
	CU_ASSERT_EQUAL(res.retryable, 0);
	sup_step_result_fini(&res);
	free(url);
}

static void
test_sup_http_connection_refused_is_retryable(void)
{
	struct sockaddr_in	 sin;
	struct sup_step_result	 res;
	socklen_t		 len = sizeof(sin);
	char			*url;
	int			 fd;

	/* A port that was just free: nothing listens there. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(fd != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	close(fd);
	url = xasprintf("http://127.0.0.1:%d/", ntohs(sin.sin_port));
	CU_ASSERT(http_do(NULL, "GET", url, NULL, NULL, 5, &res) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_CONNECTION);
	CU_ASSERT_EQUAL(res.retryable, 1);
	CU_ASSERT_PTR_NOT_NULL(res.err_msg);
	sup_step_result_fini(&res);
	free(url);
}

/* sup_http_start must refuse; returns the err text compared to want. */
static void
http_refused(struct sup_http *h, const char *method, const char *url,
    const char *headers, int timeout, const char *want)
{
	struct sup_http_req	 req;
	struct sup_http_xfer	*x = NULL;
	struct errmsg		 err = { "" };

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.headers = headers != NULL ? json_tokener_parse(headers) : NULL;
	req.timeout_seconds = timeout;
	req.idempotency_key = "e1:s1";
	CU_ASSERT_EQUAL(sup_http_start(h, &req, &x, &err),
	    RC_INVALID);
	CU_ASSERT_PTR_NULL(x);
	if (strchr(want, '*') != NULL) {	/* prefix match */
		CU_ASSERT(strncmp(err.text, want, strcspn(want, "*")) == 0 &&
		    strlen(err.text) > strcspn(want, "*"));
	} else {
		CU_ASSERT_STRING_EQUAL(err.text, want);
	}
	json_object_put(req.headers);
}

static void
test_sup_http_rejects_non_http_scheme_at_start(void)
{
	struct sup_http	*h;
	int		 running = -1;

	h = sup_http_new(srv_allow);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	http_refused(h, "GET", "ftp://127.0.0.1/x", NULL, 5,
	    "request.url: scheme must be http or https");
	http_refused(h, "GET", "file:///etc/passwd", NULL, 5,
	    "request.url: scheme must be http or https");
	http_refused(h, "GET", "HTTP://", NULL, 5, "request.url: *");
	http_refused(h, "GET", "127.0.0.1/json", NULL, 5, "request.url: *");
	http_refused(h, "GET", "", NULL, 5, "request.url: *");
	http_refused(h, "GET", NULL, NULL, 5, "request.url: missing");
	CU_ASSERT_EQUAL(sup_http_perform(h, &running), RC_OK);
	CU_ASSERT_EQUAL(running, 0);
	sup_http_free(h);
}

static void
test_sup_http_rejects_bad_request_fields(void)
{
	struct sup_http	*h;
	char		*url = http_url("/json");

	h = sup_http_new(srv_allow);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	http_refused(h, "TRACE", url, NULL, 5, "request.method: must be one "
	    "of GET, POST, PUT, PATCH, DELETE");
	http_refused(h, "get", url, NULL, 5, "request.method: must be one "
	    "of GET, POST, PUT, PATCH, DELETE");
	http_refused(h, NULL, url, NULL, 5, "request.method: must be one "
	    "of GET, POST, PUT, PATCH, DELETE");
	http_refused(h, "GET", url, NULL, 0,
	    "timeout_seconds: must be 1..86400");
	http_refused(h, "GET", url, "[1]", 5,
	    "request.headers: must be an object");
	http_refused(h, "GET", url, "{\"X-N\": 1}", 5,
	    "request.headers.X-N: must be a string");
	http_refused(h, "GET", url, "{\"X-A\": \"a\\r\\nHost: evil\"}", 5,
	    "request.headers.X-A: value too long or contains CR, LF or NUL");
	http_refused(h, "GET", url, "{\"X-A\": \"a\\u0000b\"}", 5,
	    "request.headers.X-A: value too long or contains CR, LF or NUL");
	http_refused(h, "GET", url, "{\"Bad Name\": \"x\"}", 5,
	    "request.headers: \"Bad Name\" is not a valid header name");
	http_refused(h, "GET", url, "{\"X:Y\": \"x\"}", 5,
	    "request.headers: \"X:Y\" is not a valid header name");
	http_refused(h, "GET", url, "{\"\": \"x\"}", 5,
	    "request.headers: \"\" is not a valid header name");
	http_refused(h, "POST", url, "{\"content-length\": \"5\"}", 5,
	    "request.headers.content-length: may not be set");
	http_refused(h, "POST", url, "{\"Transfer-Encoding\": \"chunked\"}",
	    5, "request.headers.Transfer-Encoding: may not be set");
	sup_http_free(h);
	free(url);
}

static void
test_sup_http_cancel_drops_transfer(void)
{
	struct sup_http_req	 req;
	struct sup_step_result	 res;
	struct sup_http		*h;
	struct sup_http_xfer	*x = NULL;
	void			*user = NULL;
	struct errmsg		 err;
	char			 *url;
	int			 running = -1;

	h = sup_http_new(srv_allow);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	url = http_url("/slow");
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.timeout_seconds = 5;
	CU_ASSERT_EQUAL_FATAL(sup_http_start(h, &req, &x, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(sup_http_perform(h, &running), RC_OK);
	CU_ASSERT_EQUAL(running, 1);
	CU_ASSERT_EQUAL(sup_http_wait(h, NULL, 0, 100), RC_OK);
	sup_http_cancel(h, x);
	CU_ASSERT_EQUAL(sup_http_perform(h, &running), RC_OK);
	CU_ASSERT_EQUAL(running, 0);
	CU_ASSERT_EQUAL(sup_http_done(h, &user, &res), 0);
	CU_ASSERT_PTR_NULL(user);
	/* Freeing the runner aborts what still runs. */
	CU_ASSERT_EQUAL(sup_http_start(h, &req, NULL, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(sup_http_perform(h, &running), RC_OK);
	sup_http_free(h);
	free(url);
}

static void
test_sup_http_runs_transfers_concurrently(void)
{
	struct sup_http_req	 req;
	struct sup_step_result	 res;
	struct sup_http		*h;
	void			*user = NULL;
	struct errmsg		 err;
	char			 *slow, *fast;
	int			 a, b;

	h = sup_http_new(srv_allow);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	slow = http_url("/slow");
	fast = http_url("/json");
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.timeout_seconds = 1;
	req.url = slow;
	req.user = &a;
	CU_ASSERT_EQUAL(sup_http_start(h, &req, NULL, &err),
	    RC_OK);
	req.url = fast;
	req.user = &b;
	req.timeout_seconds = 5;
	CU_ASSERT_EQUAL(sup_http_start(h, &req, NULL, &err),
	    RC_OK);
	CU_ASSERT(http_run(h, &user, &res, 5000) >= 0);
	CU_ASSERT_PTR_EQUAL(user, &b);
	CU_ASSERT_PTR_NULL(res.err_type);
	sup_step_result_fini(&res);
	CU_ASSERT(http_run(h, &user, &res, 5000) >= 0);
	CU_ASSERT_PTR_EQUAL(user, &a);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_TIMEOUT);
	sup_step_result_fini(&res);
	sup_http_free(h);
	free(slow);
	free(fast);
}

static void
test_sup_http_wait_reports_extra_descriptors(void)
{
	struct sup_http	*h;
	struct pollfd	 pfd[2];
	int		 p[2];
	int64_t		 t;

	h = sup_http_new(srv_allow);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL(write(p[1], "x", 1), 1);
	pfd[0].fd = p[0];
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	pfd[1].fd = p[1];
	pfd[1].events = 0;
	pfd[1].revents = 0;
	t = util_mono_ms();
	CU_ASSERT_EQUAL(sup_http_wait(h, pfd, 2, 5000), RC_OK);
	CU_ASSERT(util_mono_ms() - t < 1000);
	CU_ASSERT_EQUAL(pfd[0].revents, POLLIN);
	CU_ASSERT_EQUAL(pfd[1].revents, 0);
	/* A wake-up ends a wait with nothing ready. */
	sup_http_wakeup(h);
	t = util_mono_ms();
	CU_ASSERT_EQUAL(sup_http_wait(h, pfd + 1, 1, 5000), RC_OK);
	CU_ASSERT(util_mono_ms() - t < 1000);
	CU_ASSERT_EQUAL(pfd[1].revents, 0);
	close(p[0]);
	close(p[1]);
	sup_http_free(h);
}

/* sup_http_attach's callback: counts calls, keeps the result. */
static int	attach_calls, attach_result;

static void
attach_done(void *arg, int result)
{
	attach_calls++;
	attach_result = result;
	CU_ASSERT_PTR_EQUAL(arg, &attach_calls);
}

/*
 * Another module's transfer (webhook deliveries) runs on the steps'
 * runner next to a step: the step's result comes out of sup_http_done
 * once, the attached one only through its callback (once, CURLE_OK, its
 * easy handle still the caller's to read and free); a cancelled attached
 * transfer calls nothing.
 */
static void
test_sup_http_attach_runs_foreign_transfer_with_steps(void)
{
	struct sup_http		*h = sup_http_new(srv_allow);
	struct sup_http_req	 req;
	struct sup_http_xfer	*x = NULL, *fx = NULL;
	struct sup_step_result	 res;
	struct errmsg		 err = { "" };
	char			*url = http_url("/json");
	void			*user = NULL;
	CURL			*easy, *easy2;
	long			 code = 0;
	int			 token, steps = 0, running;
	int64_t			 start = util_mono_ms();

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	attach_calls = 0;
	attach_result = -1;
	easy = curl_easy_init();
	easy2 = curl_easy_init();
	CU_ASSERT_PTR_NOT_NULL_FATAL(easy);
	CU_ASSERT_PTR_NOT_NULL_FATAL(easy2);
	(void)curl_easy_setopt(easy, CURLOPT_URL, url);
	(void)curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
	(void)curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, fwrite);
	(void)curl_easy_setopt(easy, CURLOPT_WRITEDATA, stderr);
	(void)curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
	(void)curl_easy_setopt(easy2, CURLOPT_URL, url);
	CU_ASSERT_EQUAL(sup_http_attach(h, easy, attach_done, &attach_calls,
	    &fx), RC_OK);
	CU_ASSERT_PTR_NOT_NULL(fx);
	/* Attached then cancelled: never called back. */
	CU_ASSERT_EQUAL(sup_http_attach(h, easy2, attach_done, NULL, &x),
	    RC_OK);
	sup_http_cancel(h, x);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.timeout_seconds = 5;
	req.idempotency_key = "e1:s1";
	req.user = &token;
	CU_ASSERT_EQUAL(sup_http_start(h, &req, NULL, &err),
	    RC_OK);
	while ((steps == 0 || attach_calls == 0) &&
	    util_mono_ms() - start < 10000) {
		CU_ASSERT_EQUAL_FATAL(sup_http_perform(h, &running), RC_OK);
		memset(&res, 0, sizeof(res));
		while (sup_http_done(h, &user, &res)) {
			CU_ASSERT_PTR_EQUAL(user, &token);
			CU_ASSERT_PTR_NULL(res.err_type);
			steps++;
			sup_step_result_fini(&res);
		}
		(void)sup_http_wait(h, NULL, 0, 100);
	}
	CU_ASSERT_EQUAL(steps, 1);
	CU_ASSERT_EQUAL(attach_calls, 1);
	CU_ASSERT_EQUAL(attach_result, CURLE_OK);
	CU_ASSERT_EQUAL(curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE,
	    &code), CURLE_OK);
	CU_ASSERT_EQUAL(code, 200);
	sup_http_free(h);
	curl_easy_cleanup(easy);	/* still ours: no double free */
	curl_easy_cleanup(easy2);
	free(url);
}

void
test_sup_http_register(void)
{
	CU_pSuite	s;

	s = CU_add_suite("sup_http", http_suite_init, http_suite_fini);
	CU_add_test(s, "test_sup_http_get_returns_status_headers_and_json_body",
	    test_sup_http_get_returns_status_headers_and_json_body);
	CU_add_test(s, "test_sup_http_post_sends_json_body_and_idempotency_key",
	    test_sup_http_post_sends_json_body_and_idempotency_key);
	CU_add_test(s, "test_sup_http_text_body_is_kept_as_valid_utf8",
	    test_sup_http_text_body_is_kept_as_valid_utf8);
	CU_add_test(s, "test_sup_http_null_body_is_json_null",
	    test_sup_http_null_body_is_json_null);
	CU_add_test(s, "test_sup_http_5xx_and_429_are_retryable_with_output",
	    test_sup_http_5xx_and_429_are_retryable_with_output);
	CU_add_test(s, "test_sup_http_400_fails_without_retry",
	    test_sup_http_400_fails_without_retry);
	CU_add_test(s, "test_sup_http_follows_redirect_keeping_final_headers",
	    test_sup_http_follows_redirect_keeping_final_headers);
	CU_add_test(s, "test_sup_http_blocks_redirect_to_blocked_address",
	    test_sup_http_blocks_redirect_to_blocked_address);
	CU_add_test(s, "test_sup_http_blocks_loopback_without_allowlist",
	    test_sup_http_blocks_loopback_without_allowlist);
	CU_add_test(s, "test_sup_http_times_out", test_sup_http_times_out);
	CU_add_test(s, "test_sup_http_rejects_body_over_1_mib",
	    test_sup_http_rejects_body_over_1_mib);
	CU_add_test(s, "test_sup_http_fails_redirect_to_other_scheme",
	    test_sup_http_fails_redirect_to_other_scheme);
	CU_add_test(s, "test_sup_http_stops_after_5_redirects",
	    test_sup_http_stops_after_5_redirects);
	CU_add_test(s, "test_sup_http_connection_refused_is_retryable",
	    test_sup_http_connection_refused_is_retryable);
	CU_add_test(s, "test_sup_http_rejects_non_http_scheme_at_start",
	    test_sup_http_rejects_non_http_scheme_at_start);
	CU_add_test(s, "test_sup_http_rejects_bad_request_fields",
	    test_sup_http_rejects_bad_request_fields);
	CU_add_test(s, "test_sup_http_cancel_drops_transfer",
	    test_sup_http_cancel_drops_transfer);
	CU_add_test(s, "test_sup_http_runs_transfers_concurrently",
	    test_sup_http_runs_transfers_concurrently);
	CU_add_test(s, "test_sup_http_wait_reports_extra_descriptors",
	    test_sup_http_wait_reports_extra_descriptors);
	CU_add_test(s, "test_sup_http_attach_runs_foreign_transfer_with_steps",
	    test_sup_http_attach_runs_foreign_transfer_with_steps);
}
