/*
 * http steps on libcurl's multi interface. Every socket is opened by
 * http_opensocket, which applies the SSRF policy to the address actually
 * connected to (each redirect hop, every address tried), so neither DNS
 * rebinding nor odd spellings of an address get past it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "common.h"
#include "log.h"
#include "sup_step.h"

#define HTTP_HEADER_VALUE_MAX	8192
#define HTTP_HEADER_NAME_MAX	256
#define HTTP_TIMEOUT_MAX	86400

struct sup_http {
	CURLM			*multi;
	const struct sup_net_allow *allow;	/* borrowed */
	struct sup_http_xfer	*xfers;		/* live transfers */
	struct curl_waitfd	*wfd;		/* sup_http_wait scratch */
	size_t			 nwfd;
};

struct sup_http_xfer {
	struct sup_http		*h;
	CURL			*easy;
	struct curl_slist	*hdrs;
	void			*user;
	int			 timeout;	/* seconds */
	char			*body;		/* response, NUL-terminated */
	size_t			 len, cap;
	int			 too_big;
	struct json_object	*rhdrs;		/* response headers */
	size_t			 rhdr_n, rhdr_bytes;
	int			 ssrf;		/* a connect was refused */
	char			 ssrf_addr[INET6_ADDRSTRLEN];
	char			 errbuf[CURL_ERROR_SIZE];
	/* Another module's transfer (sup_http_attach): easy is not ours. */
	void			(*done)(void *, int);
	void			*done_arg;
	struct sup_http_xfer	*prev, *next;
};

static const char *const http_methods[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE"
};

struct sup_http *
sup_http_new(const struct sup_net_allow *allow)
{
	struct sup_http	*h;

	h = xcalloc(1, sizeof(*h));
	h->allow = allow;
	if ((h->multi = curl_multi_init()) == NULL) {
		log_errorx("curl_multi_init failed");
		free(h);
		return NULL;
	}
	return h;
}

void
sup_http_set_allow(struct sup_http *h, const struct sup_net_allow *allow)
{
	h->allow = allow;	/* read at each connection (opensocket) */
}

static void
http_xfer_free(struct sup_http_xfer *x)
{
	struct sup_http	*h;
	CURLMcode	 mc;

	if (x == NULL)
		return;
	h = x->h;
	if (x->easy != NULL) {
		if ((mc = curl_multi_remove_handle(h->multi, x->easy)) !=
		    CURLM_OK)
			log_errorx("curl_multi_remove_handle: %s",
			    curl_multi_strerror(mc));
		if (x->done == NULL)
			curl_easy_cleanup(x->easy);
	}
	if (x->prev != NULL)
		x->prev->next = x->next;
	else if (h->xfers == x)
		h->xfers = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	curl_slist_free_all(x->hdrs);
	json_object_put(x->rhdrs);
	free(x->body);
	free(x);
}

void
sup_http_free(struct sup_http *h)
{
	CURLMcode	mc;

	if (h == NULL)
		return;
	while (h->xfers != NULL)
		http_xfer_free(h->xfers);
	if ((mc = curl_multi_cleanup(h->multi)) != CURLM_OK)
		log_errorx("curl_multi_cleanup: %s", curl_multi_strerror(mc));
	free(h->wfd);
	free(h);
}

/* Add v to object o under k; allocation failure is fatal. */
static void
http_add(struct json_object *o, const char *k, struct json_object *v)
{
	if (o == NULL || v == NULL || json_object_object_add(o, k, v) != 0)
		fatalx("json_object_object_add %s", k);
}

/*
 * Open the socket for one connection attempt, or refuse it. Called for
 * every address of every hop; a refusal makes libcurl try the next
 * address or fail with CURLE_COULDNT_CONNECT.
 */
static curl_socket_t
http_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct sup_http_xfer		*x = arg;
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	int				 fd;

	if (purpose != CURLSOCKTYPE_IPCXN ||
	    !sup_net_addr_allowed(x->h->allow, &a->addr, a->addrlen)) {
		x->ssrf = 1;
		x->ssrf_addr[0] = '\0';
		if (a->family == AF_INET) {
			sin = (const struct sockaddr_in *)(void *)&a->addr;
			inet_ntop(AF_INET, &sin->sin_addr, x->ssrf_addr,
			    sizeof(x->ssrf_addr));
		} else if (a->family == AF_INET6) {
			sin6 = (const struct sockaddr_in6 *)(void *)&a->addr;
			inet_ntop(AF_INET6, &sin6->sin6_addr, x->ssrf_addr,
			    sizeof(x->ssrf_addr));
		}
		return CURL_SOCKET_BAD;
	}
	/* Close-on-exec: command handlers must never inherit it. */
	fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (fd == -1) {
		log_warn("socket");
		return CURL_SOCKET_BAD;
	}
	return fd;
}

static size_t
http_write(char *p, size_t size, size_t n, void *arg)
{
	struct sup_http_xfer	*x = arg;
	size_t			 len = size * n;

	if (len > SUP_STEP_OUTPUT_MAX - x->len) {
		x->too_big = 1;
		return len == 0 ? 1 : 0;	/* anything but len aborts */
	}
	if (x->len + len + 1 > x->cap) {
		x->cap = MAX(x->cap * 2, x->len + len + 1);
		x->cap = MIN(x->cap, (size_t)SUP_STEP_OUTPUT_MAX + 1);
		x->body = xrealloc(x->body, x->cap);
	}
	memcpy(x->body + x->len, p, len);
	x->len += len;
	x->body[x->len] = '\0';
	return len;
}

/*
 * Collect the headers of the final response: a status line starts a
 * new response (after a redirect or 1xx), so the set starts over. Names
 * are lower-cased, repeated names joined with ", ". Headers beyond the
 * count or byte bounds are dropped.
 */
static size_t
http_header(char *p, size_t size, size_t n, void *arg)
{
	struct sup_http_xfer	*x = arg;
	struct json_object	*old;
	size_t			 len = size * n, nl, vs, ve, i;
	char			*name = NULL, *val = NULL, *joined = NULL;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		json_object_put(x->rhdrs);
		if ((x->rhdrs = json_object_new_object()) == NULL)
			fatalx("json_object_new_object");
		x->rhdr_n = x->rhdr_bytes = 0;
		return len;
	}
	if (x->rhdrs == NULL || len == 0 || p[0] == ' ' || p[0] == '\t')
		return len;
	for (nl = 0; nl < len && p[nl] != ':'; nl++)
		;
	if (nl == 0 || nl == len || nl > HTTP_HEADER_NAME_MAX)
		return len;
	ve = len;
	while (ve > nl + 1 && isspace((unsigned char)p[ve - 1]))
		ve--;
	for (vs = nl + 1; vs < ve && (p[vs] == ' ' || p[vs] == '\t'); vs++)
		;
	if (x->rhdr_n >= SUP_HTTP_MAX_HEADERS ||
	    x->rhdr_bytes + nl + (ve - vs) > SUP_HTTP_HEADER_BYTES)
		return len;
	x->rhdr_n++;
	x->rhdr_bytes += nl + (ve - vs);
	name = sup_step_utf8_dup(p, nl);
	for (i = 0; name[i] != '\0'; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	val = sup_step_utf8_dup(p + vs, ve - vs);
	if (json_object_object_get_ex(x->rhdrs, name, &old)) {
		joined = xasprintf("%s, %s", json_object_get_string(old), val);
		http_add(x->rhdrs, name, json_object_new_string(joined));
	} else
		http_add(x->rhdrs, name, json_object_new_string(val));
	free(joined);
	free(name);
	free(val);
	return len;
}

/* RFC 9110 tchar. */
static int
http_token(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("!#$%&'*+-.^_`|~", s[i]) == NULL)
			return 0;
	return i > 0 && i <= HTTP_HEADER_NAME_MAX;
}

static int
http_value_ok(const char *v, size_t len)
{
	return len <= HTTP_HEADER_VALUE_MAX && strlen(v) == len &&
	    strpbrk(v, "\r\n") == NULL;
}

/*
 * Build the request header list into x->hdrs. RC_OK or RC_INVALID with
 * err set.
 */
static int
http_headers(struct sup_http_xfer *x, const struct sup_http_req *req,
    struct errmsg *err)
{
	struct json_object_iterator	 it, end;
	struct json_object		*v;
	struct curl_slist		*l;
	const char			*name, *s;
	char				*line;
	size_t				 len, n = 0;
	int				 ctype = 0;

	if (req->headers != NULL) {
		if (!json_object_is_type(req->headers, json_type_object)) {
			errmsg_set(err, "request.headers: must be an "
			    "object");
			return RC_INVALID;
		}
		it = json_object_iter_begin(req->headers);
		end = json_object_iter_end(req->headers);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it)) {
			name = json_object_iter_peek_name(&it);
			v = json_object_iter_peek_value(&it);
			if (!http_token(name)) {
				errmsg_set(err, "request.headers: "
				    "\"%.64s\" is not a valid header name",
				    name);
				return RC_INVALID;
			}
			if (!json_object_is_type(v, json_type_string)) {
				errmsg_set(err, "request.headers.%s: "
				    "must be a string", name);
				return RC_INVALID;
			}
			s = json_object_get_string(v);
			len = (size_t)json_object_get_string_len(v);
			if (!http_value_ok(s, len)) {
				errmsg_set(err, "request.headers.%s: "
				    "value too long or contains CR, LF or "
				    "NUL", name);
				return RC_INVALID;
			}
			if (strcasecmp(name, "content-length") == 0 ||
			    strcasecmp(name, "transfer-encoding") == 0) {
				errmsg_set(err, "request.headers.%s: "
				    "may not be set", name);
				return RC_INVALID;
			}
			if (strcasecmp(name, "idempotency-key") == 0)
				continue;
			if (strcasecmp(name, "content-type") == 0)
				ctype = 1;
			if (++n > SUP_HTTP_MAX_HEADERS) {
				errmsg_set(err, "request.headers: more "
				    "than %d headers", SUP_HTTP_MAX_HEADERS);
				return RC_INVALID;
			}
			/* "Name;" is libcurl's spelling of an empty value. */
			line = len == 0 ? xasprintf("%s;", name) :
			    xasprintf("%s: %s", name, s);
			l = curl_slist_append(x->hdrs, line);
			free(line);
			if (l == NULL)
				fatalx("curl_slist_append");
			x->hdrs = l;
		}
	}
	if (req->idempotency_key != NULL) {
		if (!http_value_ok(req->idempotency_key,
		    strlen(req->idempotency_key))) {
			errmsg_set(err, "idempotency key is not a valid "
			    "header value");
			return RC_INVALID;
		}
		line = xasprintf("Idempotency-Key: %s", req->idempotency_key);
		l = curl_slist_append(x->hdrs, line);
		free(line);
		if (l == NULL)
			fatalx("curl_slist_append");
		x->hdrs = l;
	}
	if (req->body != NULL && !ctype) {
		if ((l = curl_slist_append(x->hdrs,
		    "Content-Type: application/json")) == NULL)
			fatalx("curl_slist_append");
		x->hdrs = l;
	}
	/* No "Expect: 100-continue" round trip before a body. */
	if ((l = curl_slist_append(x->hdrs, "Expect:")) == NULL)
		fatalx("curl_slist_append");
	x->hdrs = l;
	return RC_OK;
}

/* RC_OK when url parses and its scheme is http or https. */
static int
http_url_ok(const char *url, struct errmsg *err)
{
	CURLU		*u;
	char		*scheme = NULL;
	CURLUcode	 uc;
	int		 rc = RC_INVALID;

	if ((u = curl_url()) == NULL)
		fatalx("curl_url");
	if ((uc = curl_url_set(u, CURLUPART_URL, url, 0)) != CURLUE_OK) {
		errmsg_set(err, "request.url: %s",
		    curl_url_strerror(uc));
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		errmsg_set(err, "request.url: scheme must be http or "
		    "https");
		goto out;
	}
	rc = RC_OK;
out:
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

int
sup_http_start(struct sup_http *h, const struct sup_http_req *req,
    struct sup_http_xfer **out, struct errmsg *err)
{
	struct sup_http_xfer	*x = NULL;
	const char		*body;
	size_t			 i;
	int			 rc = RC_INVALID, ce = CURLE_OK;
	CURLMcode		 mc;

	for (i = 0; i < NITEMS(http_methods); i++)
		if (req->method != NULL &&
		    strcmp(req->method, http_methods[i]) == 0)
			break;
	if (i == NITEMS(http_methods)) {
		errmsg_set(err, "request.method: must be one of GET, "
		    "POST, PUT, PATCH, DELETE");
		goto out;
	}
	if (req->url == NULL) {
		errmsg_set(err, "request.url: missing");
		goto out;
	}
	if (http_url_ok(req->url, err) != RC_OK)
		goto out;
	if (req->timeout_seconds < 1 ||
	    req->timeout_seconds > HTTP_TIMEOUT_MAX) {
		errmsg_set(err, "timeout_seconds: must be 1..%d",
		    HTTP_TIMEOUT_MAX);
		goto out;
	}
	x = xcalloc(1, sizeof(*x));
	x->h = h;
	x->user = req->user;
	x->timeout = req->timeout_seconds;
	if (http_headers(x, req, err) != RC_OK)
		goto out;
	rc = RC_ERR;
	if ((x->easy = curl_easy_init()) == NULL) {
		errmsg_set(err, "curl_easy_init failed");
		log_errorx("curl_easy_init failed");
		goto out;
	}
	ce |= curl_easy_setopt(x->easy, CURLOPT_URL, req->url);
	ce |= curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	ce |= curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR,
	    "http,https");
	ce |= curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 1L);
	ce |= curl_easy_setopt(x->easy, CURLOPT_MAXREDIRS,
	    (long)SUP_HTTP_MAX_REDIRS);
	ce |= curl_easy_setopt(x->easy, CURLOPT_PROXY, "");
	ce |= curl_easy_setopt(x->easy, CURLOPT_NOPROXY, "*");
	ce |= curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	ce |= curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS,
	    (long)x->timeout * 1000L);
	ce |= curl_easy_setopt(x->easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)SUP_STEP_OUTPUT_MAX);
	ce |= curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION,
	    http_opensocket);
	ce |= curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, x);
	ce |= curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, http_write);
	ce |= curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	ce |= curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, http_header);
	ce |= curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	ce |= curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	ce |= curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	ce |= curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "wfm/1");
	ce |= curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	if (req->body != NULL) {
		body = json_object_to_json_string_ext(req->body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		ce |= curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(body));
		ce |= curl_easy_setopt(x->easy, CURLOPT_COPYPOSTFIELDS, body);
	} else if (strcmp(req->method, "PUT") == 0 ||
	    strcmp(req->method, "PATCH") == 0) {
		/* An empty body still says Content-Length: 0. */
		ce |= curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, 0L);
		ce |= curl_easy_setopt(x->easy, CURLOPT_COPYPOSTFIELDS, "");
	}
	/*
	 * POST keeps libcurl's redirect rules (301/302/303 become GET);
	 * the other methods are sent as named, GET with a body included.
	 */
	if (strcmp(req->method, "POST") == 0)
		ce |= curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	else if (strcmp(req->method, "GET") != 0 || req->body != NULL)
		ce |= curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST,
		    req->method);
	if (ce != CURLE_OK) {
		errmsg_set(err, "curl_easy_setopt failed");
		log_errorx("curl_easy_setopt failed");
		goto out;
	}
	if ((mc = curl_multi_add_handle(h->multi, x->easy)) != CURLM_OK) {
		errmsg_set(err, "curl_multi_add_handle: %s",
		    curl_multi_strerror(mc));
		log_errorx("curl_multi_add_handle: %s",
		    curl_multi_strerror(mc));
		goto out;
	}
	x->next = h->xfers;
	if (h->xfers != NULL)
		h->xfers->prev = x;
	h->xfers = x;
	if (out != NULL)
		*out = x;
	x = NULL;
	rc = RC_OK;
out:
	if (x != NULL) {
		curl_easy_cleanup(x->easy);
		x->easy = NULL;
		http_xfer_free(x);
	}
	return rc;
}

int
sup_http_attach(struct sup_http *h, void *easy, void (*done)(void *, int),
    void *arg, struct sup_http_xfer **out)
{
	struct sup_http_xfer	*x;
	CURLMcode		 mc = CURLM_OK;

	x = xcalloc(1, sizeof(*x));
	x->h = h;
	x->done = done;
	x->done_arg = arg;
	if (curl_easy_setopt(easy, CURLOPT_PRIVATE, x) != CURLE_OK ||
	    (mc = curl_multi_add_handle(h->multi, easy)) != CURLM_OK) {
		log_errorx("sup_http_attach: libcurl refused the transfer: %s",
		    curl_multi_strerror(mc));
		free(x);
		return RC_ERR;
	}
	x->easy = easy;
	x->next = h->xfers;
	if (h->xfers != NULL)
		h->xfers->prev = x;
	h->xfers = x;
	if (out != NULL)
		*out = x;
	return RC_OK;
}

void
sup_http_cancel(struct sup_http *h, struct sup_http_xfer *x)
{
	(void)h;
	http_xfer_free(x);
}

int
sup_http_perform(struct sup_http *h, int *running)
{
	CURLMcode	mc;

	if ((mc = curl_multi_perform(h->multi, running)) != CURLM_OK) {
		log_errorx("curl_multi_perform: %s", curl_multi_strerror(mc));
		return RC_ERR;
	}
	return RC_OK;
}

int
sup_http_wait(struct sup_http *h, struct pollfd *extra, size_t nextra,
    int timeout_ms)
{
	CURLMcode	mc;
	size_t		i;

	if (nextra > UINT32_MAX / 2) {
		log_errorx("sup_http_wait: %zu descriptors", nextra);
		return RC_ERR;
	}
	if (nextra > h->nwfd) {
		h->wfd = xrealloc(h->wfd, nextra * sizeof(*h->wfd));
		h->nwfd = nextra;
	}
	for (i = 0; i < nextra; i++) {
		h->wfd[i].fd = extra[i].fd;
		h->wfd[i].events = (short)(
		    ((extra[i].events & POLLIN) ? CURL_WAIT_POLLIN : 0) |
		    ((extra[i].events & POLLPRI) ? CURL_WAIT_POLLPRI : 0) |
		    ((extra[i].events & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		h->wfd[i].revents = 0;
	}
	mc = curl_multi_poll(h->multi, nextra > 0 ? h->wfd : NULL,
	    (unsigned)nextra, timeout_ms, NULL);
	for (i = 0; i < nextra; i++)
		extra[i].revents = (short)(
		    ((h->wfd[i].revents & CURL_WAIT_POLLIN) ? POLLIN : 0) |
		    ((h->wfd[i].revents & CURL_WAIT_POLLPRI) ? POLLPRI : 0) |
		    ((h->wfd[i].revents & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
	if (mc != CURLM_OK) {
		log_errorx("curl_multi_poll: %s", curl_multi_strerror(mc));
		return RC_ERR;
	}
	return RC_OK;
}

void
sup_http_wakeup(struct sup_http *h)
{
	CURLMcode	mc;

	if ((mc = curl_multi_wakeup(h->multi)) != CURLM_OK)
		log_errorx("curl_multi_wakeup: %s", curl_multi_strerror(mc));
}

/* {"status","headers","body"} of the response x received. */
static struct json_object *
http_output(struct sup_http_xfer *x, long status)
{
	struct json_object	*o, *body = NULL;
	char			*text;

	o = json_object_new_object();
	http_add(o, "status", json_object_new_int64(status));
	http_add(o, "headers", x->rhdrs != NULL ?
	    json_object_get(x->rhdrs) : json_object_new_object());
	if (x->body == NULL || sup_step_json_parse(x->body, x->len, &body) !=
	    RC_OK) {
		text = sup_step_utf8_dup(x->body != NULL ? x->body : "",
		    x->len);
		body = json_object_new_string(text);
		free(text);
	}
	/* body may be NULL: the response was the JSON value null. */
	if (json_object_object_add(o, "body", body) != 0)
		fatalx("json_object_object_add body");
	return o;
}

static void
http_result(struct sup_http_xfer *x, CURLcode cc, struct sup_step_result *r)
{
	const char	*why;
	long		 status = 0;

	memset(r, 0, sizeof(*r));
	if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		r->err_type = SUP_ERR_OUTPUT_INVALID;
		r->err_msg = xstrdup("response body exceeds 1 MiB");
		return;
	}
	if (cc == CURLE_OK) {
		if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE,
		    &status) != CURLE_OK)
			status = 0;
		r->output = http_output(x, status);
		if (status >= 200 && status <= 299)
			return;
		r->err_type = SUP_ERR_HTTP_STATUS;
		r->err_msg = xasprintf("HTTP status %ld", status);
		r->retryable = status == 408 || status == 429 ||
		    (status >= 500 && status <= 599);
		return;
	}
	if (x->ssrf && cc == CURLE_COULDNT_CONNECT) {
		r->err_type = SUP_ERR_SSRF_BLOCKED;
		r->err_msg = xasprintf("connecting to %s is not allowed",
		    x->ssrf_addr[0] != '\0' ? x->ssrf_addr : "this address");
		return;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		r->err_type = SUP_ERR_TIMEOUT;
		r->err_msg = xasprintf("request timed out after %d s",
		    x->timeout);
		r->retryable = 1;
		return;
	}
	r->err_type = SUP_ERR_CONNECTION;
	why = x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(cc);
	switch (cc) {
	case CURLE_TOO_MANY_REDIRECTS:
		r->err_msg = xasprintf("more than %d redirects",
		    SUP_HTTP_MAX_REDIRS);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		r->err_msg = xstrdup("redirect to a scheme other than http "
		    "or https");
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_URL_MALFORMAT:
		r->err_msg = sup_step_utf8_dup(why, strlen(why));
		break;
	default:
		r->retryable = 1;
		r->err_msg = sup_step_utf8_dup(why, strlen(why));
		break;
	}
	/* libcurl cuts its message (it may hold a host name) to fit. */
	if (cc != CURLE_TOO_MANY_REDIRECTS && cc != CURLE_UNSUPPORTED_PROTOCOL &&
	    why == x->errbuf && strlen(why) >= sizeof(x->errbuf) - 1)
		r->err_cut_end = 1;
}

int
sup_http_done(struct sup_http *h, void **user, struct sup_step_result *res)
{
	struct sup_http_xfer	*x;
	CURLMsg			*m;
	char			*priv;
	int			 left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		if (curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    &priv) != CURLE_OK || priv == NULL)
			fatalx("curl transfer without owner");
		x = (struct sup_http_xfer *)(void *)priv;
		if (x->done != NULL) {
			void	(*done)(void *, int) = x->done;
			void	*arg = x->done_arg;
			int	 cc = (int)m->data.result;

			http_xfer_free(x);	/* m dies here too */
			done(arg, cc);
			continue;
		}
		http_result(x, m->data.result, res);
		*user = x->user;
		http_xfer_free(x);	/* m dies here too */
		return 1;
	}
	return 0;
}
