/*
 * Webhook deliveries (engine.md "Notifications", "Webhooks, exactly").
 *
 * The outbox rows are written by the database (tr_exec_webhook, sql/010)
 * in the transaction that ends an execution. Here, in the supervisor's
 * event loop and without blocking it: due rows are claimed with FOR
 * UPDATE SKIP LOCKED (their next_try_at moves past the attempt's end, so
 * no other supervisor takes them meanwhile), each is POSTed on a libcurl
 * multi handle of our own, signed per the Standard Webhooks scheme with
 * the signer's current secret (and the previous one for 24 h after a
 * rotation), and every attempt is recorded. A 2xx delivers; any other
 * status, a timeout or a connection error is retried with exponential
 * backoff ([supervisor] webhook_retry_base_ms, doubling, at most an
 * hour) until 24 h after the event; an address outside the SSRF policy
 * ([supervisor] webhook_allow) fails the delivery at once. Redirects are
 * not followed: a 3xx is recorded as its status.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "common.h"
#include "log.h"
#include "metrics.h"
#include "sup_int.h"
#include "whsig.h"

#define WH_INFLIGHT	8		/* attempts at once */
#define WH_TIMEOUT_S	10		/* per attempt */
#define WH_LEASE_S	60		/* claim: longer than an attempt */
#define WH_POLL_MS	1000		/* outbox looked at */
#define WH_MAX_AGE_MS	(24LL * 3600 * 1000)
#define WH_BACKOFF_MAX	(3600LL * 1000)
#define WH_BODY_MAX	(64 * 1024)	/* then final_result is dropped */

struct wh_xfer {
	CURL			*easy;
	struct curl_slist	*hdrs;
	long long		 id;
	long long		 attempts;	/* before this one */
	int64_t			 created_ms;	/* the event */
	int			 ssrf;
};

static struct {
	CURLM			*multi;
	struct sup_net_allow	*allow;
	struct wh_xfer		 x[WH_INFLIGHT];
	int			 n;
	int64_t			 next_poll;
	int			 full;		/* the last claim took all it
						   asked for: more may be due */
	long long		 depth;
	uint64_t		 delivered, failed, retried;
} wh;

/* Columns of STMT_WH_LOAD. */
enum { WL_KIND, WL_SIGNER, WL_EVENT, WL_URL, WL_WHID, WL_PAYLOAD,
    WL_ATTEMPTS, WL_CREATED, WL_EPK, WL_EID, WL_ENAME, WL_TID, WL_TVER,
    WL_USER, WL_STATUS, WL_INPUT, WL_RESULT, WL_ERROR, WL_ECREATED,
    WL_STARTED, WL_COMPLETED, WL_CBY, WL_CREASON, WL_REDRIVE, WL_DEF };

int
sup_webhook_init(const struct config *cfg, char *err, size_t errlen)
{
	if (sup_net_allow_parse(cfg->sup.webhook_allow, &wh.allow, err,
	    errlen) != RC_OK)
		return RC_INVALID;
	return RC_OK;
}

static void
add_time(struct json_object *o, const char *key, const struct sres *res,
    size_t col)
{
	char	buf[UTIL_TIME_LEN];

	if (sres_get(res, 0, col, NULL) == NULL) {
		json_object_object_add(o, key, NULL);
		return;
	}
	util_time_fmt(sres_int(res, 0, col), buf);
	json_object_object_add(o, key, json_object_new_string(buf));
}

static struct json_object *
parsed(const struct sres *res, size_t row, size_t col)
{
	const char	*v = sres_get(res, row, col, NULL);

	return v == NULL ? NULL : json_tokener_parse(v);
}

static void
add_str(struct json_object *o, const char *key, const struct sres *res,
    size_t col)
{
	const char	*v = sres_get(res, 0, col, NULL);

	json_object_object_add(o, key, v == NULL ? NULL :
	    json_object_new_string(v));
}

/* The steps of the GET document, without their outputs. */
static struct json_object *
steps_of(struct sup *sp, const struct sres *l)
{
	struct json_object	*def, *dsteps, *ds, *s, *v, *arr;
	struct sparam		 p[1];
	struct sres		 rows;
	char			 buf[UTIL_TIME_LEN];
	const char		*st = sres_get(l, 0, WL_STATUS, NULL);
	size_t			 i, j, n = 0;
	int			 term = strcmp(st, "pending") != 0 &&
				    strcmp(st, "running") != 0;

	arr = json_object_new_array();
	p[0] = SP_INT(sres_int(l, 0, WL_EPK));
	if (store_exec(sp->st, STMT_WH_STEPS, p, 1, &rows, NULL, NULL) !=
	    RC_OK) {
		sres_free(&rows);
		json_object_put(arr);
		return NULL;
	}
	def = parsed(l, 0, WL_DEF);
	if (def != NULL && json_object_object_get_ex(def, "steps", &dsteps))
		n = json_object_array_length(dsteps);
	for (i = 0; i < n; i++) {
		ds = json_object_array_get_idx(dsteps, i);
		s = json_object_new_object();
		json_object_object_get_ex(ds, "id", &v);
		json_object_object_add(s, "step_id", json_object_get(v));
		json_object_object_get_ex(ds, "type", &v);
		json_object_object_add(s, "type", json_object_get(v));
		for (j = 0; j < rows.nrows; j++)
			if ((size_t)sres_int(&rows, j, 0) == i)
				break;
		if (j == rows.nrows) {
			json_object_object_add(s, "status",
			    json_object_new_string(term ? "cancelled" :
			    "pending"));
			json_object_object_add(s, "attempts",
			    json_object_new_int(0));
			json_object_object_add(s, "started_at", NULL);
			json_object_object_add(s, "completed_at", NULL);
			json_object_object_add(s, "error", NULL);
		} else {
			st = sres_get(&rows, j, 1, NULL);
			if (term && strcmp(st, "pending") == 0)
				st = "cancelled";
			json_object_object_add(s, "status",
			    json_object_new_string(st));
			json_object_object_add(s, "attempts",
			    json_object_new_int64(sres_int(&rows, j, 2)));
			for (int c = 3; c <= 4; c++) {
				const char *k = c == 3 ? "started_at" :
				    "completed_at";

				if (sres_get(&rows, j, (size_t)c, NULL) ==
				    NULL)
					json_object_object_add(s, k, NULL);
				else {
					util_time_fmt(sres_int(&rows, j,
					    (size_t)c), buf);
					json_object_object_add(s, k,
					    json_object_new_string(buf));
				}
			}
			json_object_object_add(s, "error",
			    parsed(&rows, j, 5));
		}
		json_object_array_add(arr, s);
	}
	json_object_put(def);
	sres_free(&rows);
	return arr;
}

/*
 * The body of a delivery (owned by the caller), or NULL on a database
 * error. A template's notify carries only ids, status, times and
 * error_details: its signer may not read the execution's data.
 */
static char *
payload_make(struct sup *sp, const struct sres *l)
{
	struct json_object	*o, *d, *steps = NULL;
	char			 type[64], ts[UTIL_TIME_LEN], *out;
	int			 full = strcmp(sres_get(l, 0, WL_KIND, NULL),
				    "execution") == 0;

	if (full && (steps = steps_of(sp, l)) == NULL)
		return NULL;
	d = json_object_new_object();
	add_str(d, "execution_id", l, WL_EID);
	if (full)
		add_str(d, "execution_name", l, WL_ENAME);
	add_str(d, "template_id", l, WL_TID);
	json_object_object_add(d, "template_version",
	    json_object_new_int64(sres_int(l, 0, WL_TVER)));
	add_str(d, "status", l, WL_STATUS);
	add_time(d, "created_at", l, WL_ECREATED);
	add_time(d, "started_at", l, WL_STARTED);
	add_time(d, "completed_at", l, WL_COMPLETED);
	if (full) {
		add_str(d, "user_id", l, WL_USER);
		json_object_object_add(d, "input_data", parsed(l, 0,
		    WL_INPUT));
		json_object_object_add(d, "steps", steps);
		json_object_object_add(d, "final_result", parsed(l, 0,
		    WL_RESULT));
	}
	json_object_object_add(d, "error_details", parsed(l, 0, WL_ERROR));
	if (full) {
		add_str(d, "cancelled_by", l, WL_CBY);
		add_str(d, "cancel_reason", l, WL_CREASON);
		json_object_object_add(d, "redrive_count",
		    json_object_new_int64(sres_int(l, 0, WL_REDRIVE)));
	}
	o = json_object_new_object();
	snprintf(type, sizeof(type), "execution.%s",
	    sres_get(l, 0, WL_EVENT, NULL));
	json_object_object_add(o, "type", json_object_new_string(type));
	util_time_fmt(sres_int(l, 0, WL_CREATED), ts);
	json_object_object_add(o, "timestamp", json_object_new_string(ts));
	json_object_object_add(o, "data", d);
	out = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (strlen(out) > WH_BODY_MAX && full) {
		json_object_object_del(d, "final_result");
		json_object_object_add(d, "final_result_truncated",
		    json_object_new_boolean(1));
		free(out);
		out = xstrdup(json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	json_object_put(o);
	return out;
}

/*
 * The webhook-signature value for body: the current secret's, then the
 * previous one's while it still signs. RC_OK, RC_NOTFOUND (the signer
 * has no secret, or it cannot be decrypted here), or a store code.
 */
static int
signature(struct sup *sp, const char *signer, const char *whid, int64_t ts,
    const char *body, char *out, size_t outlen)
{
	struct sparam	 p[1];
	struct sres	 s;
	char		 key[SECRET_VALUE_MAX + 1], sig[WHSIG_SIG_LEN];
	size_t		 len, base, i;
	int		 rc;

	if (!sp->have_key)
		return RC_NOTFOUND;
	p[0] = SP_STR(signer);
	if ((rc = store_exec(sp->st, STMT_WH_SECRET_GET, p, 1, &s, NULL,
	    NULL)) != RC_OK || s.nrows == 0) {
		sres_free(&s);
		return rc != RC_OK ? rc : RC_NOTFOUND;
	}
	out[0] = '\0';
	for (i = 0; i < 2; i++) {
		base = i * 4;
		if (i == 1 && (sres_int(&s, 0, 8) == 0 ||
		    sres_get(&s, 0, base, NULL) == NULL))
			break;
		(void)sres_get(&s, 0, base + 1, &len);
		if (len > SECRET_VALUE_MAX || secret_decrypt(sp->key, signer,
		    WEBHOOK_SECRET_NAME, (const unsigned char *)sres_get(&s,
		    0, base, NULL), (const unsigned char *)sres_get(&s, 0,
		    base + 1, NULL), len, (const unsigned char *)sres_get(&s,
		    0, base + 2, NULL), key) != RC_OK) {
			log_warnx("webhook secret of %s does not decrypt",
			    signer);
			rc = RC_NOTFOUND;
			break;
		}
		whsig_sign((unsigned char *)key, len, whid, ts, body,
		    strlen(body), sig);
		explicit_bzero(key, len);
		snprintf(out + strlen(out), outlen - strlen(out), "%s%s",
		    i == 0 ? "" : " ", sig);
	}
	sres_free(&s);
	return rc;
}

/* Refuse a connection outside the policy; see sup_http.c. */
static curl_socket_t
wh_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct wh_xfer	*x = arg;
	int		 fd;

	if (purpose != CURLSOCKTYPE_IPCXN ||
	    !sup_net_addr_allowed(wh.allow, &a->addr, a->addrlen)) {
		x->ssrf = 1;
		return CURL_SOCKET_BAD;
	}
	fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (fd == -1) {
		log_warn("socket");
		return CURL_SOCKET_BAD;
	}
	return fd;
}

static size_t
wh_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/*
 * Record the end of an attempt of delivery x->id: code is the HTTP status
 * (0: none) or err the error. Delivered, retried later, or failed.
 */
static void
finish(struct sup *sp, const struct wh_xfer *x, long code, const char *err)
{
	struct sparam	 p[3];
	const char	*status;
	long long	 delay, k;
	int64_t		 age = util_now_ms() - x->created_ms;

	p[0] = SP_INT(x->id);
	p[1] = code > 0 ? SP_INT(code) : SP_NULL();
	p[2] = SP_STR(err);
	(void)store_exec(sp->st, STMT_WH_ATTEMPT_INSERT, p, 3, NULL, NULL,
	    NULL);
	delay = sp->cfg->sup.webhook_retry_base_ms;
	for (k = 0; k < x->attempts && delay < WH_BACKOFF_MAX; k++)
		delay *= 2;
	if (delay > WH_BACKOFF_MAX)
		delay = WH_BACKOFF_MAX;
	if (code >= 200 && code < 300) {
		status = "delivered";
		wh.delivered++;
	} else if ((err != NULL && strcmp(err, "ssrf_blocked") == 0) ||
	    age + delay > WH_MAX_AGE_MS) {
		status = "failed";
		wh.failed++;
	} else {
		status = "pending";
		wh.retried++;
	}
	p[0] = SP_STR(status);
	p[1] = strcmp(status, "pending") == 0 ? SP_INT(delay) : SP_NULL();
	p[2] = SP_INT(x->id);
	if (store_exec(sp->st, STMT_WH_DONE, p, 3, NULL, NULL, NULL) != RC_OK)
		log_warnx("webhook delivery %lld: outcome not written; "
		    "retried after its claim expires", x->id);
	if (err != NULL)
		log_info("webhook delivery %lld: %s, %s", x->id, err, status);
	else
		log_info("webhook delivery %lld: status %ld, %s", x->id, code,
		    status);
}

/* Start the attempt of claimed delivery id; 1 when a transfer runs. */
static int
start(struct sup *sp, long long id)
{
	struct sparam	 p[2];
	struct sres	 l;
	struct wh_xfer	*x = &wh.x[wh.n];
	char		*body = NULL, hdr[600], sig[2 * WHSIG_SIG_LEN + 8];
	const char	*url;
	int64_t		 ts = util_now_ms() / 1000;
	int		 rc, ce = CURLE_OK, ok = 0;

	memset(x, 0, sizeof(*x));
	x->id = id;
	p[0] = SP_INT(id);
	if (store_exec(sp->st, STMT_WH_LOAD, p, 1, &l, NULL, NULL) != RC_OK ||
	    l.nrows == 0)
		goto out;
	x->attempts = sres_int(&l, 0, WL_ATTEMPTS);
	x->created_ms = sres_int(&l, 0, WL_CREATED);
	if (sres_get(&l, 0, WL_PAYLOAD, NULL) != NULL)
		body = xstrdup(sres_get(&l, 0, WL_PAYLOAD, NULL));
	else {
		if ((body = payload_make(sp, &l)) == NULL)
			goto out;
		p[0] = SP_STR(body);
		p[1] = SP_INT(id);
		if (store_exec(sp->st, STMT_WH_SET_PAYLOAD, p, 2, NULL, NULL,
		    NULL) != RC_OK)
			goto out;
	}
	rc = signature(sp, sres_get(&l, 0, WL_SIGNER, NULL),
	    sres_get(&l, 0, WL_WHID, NULL), ts, body, sig, sizeof(sig));
	if (rc == RC_NOTFOUND) {
		/* Nothing can sign it: it fails, recorded as such. */
		x->attempts = WH_MAX_AGE_MS;
		finish(sp, x, 0, "no_secret");
		goto out;
	}
	if (rc != RC_OK)
		goto out;
	url = sres_get(&l, 0, WL_URL, NULL);
	if ((x->easy = curl_easy_init()) == NULL)
		goto out;
	snprintf(hdr, sizeof(hdr), "webhook-id: %s",
	    sres_get(&l, 0, WL_WHID, NULL));
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "webhook-timestamp: %lld", (long long)ts);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "webhook-signature: %s", sig);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	x->hdrs = curl_slist_append(x->hdrs, "Content-Type: application/json");
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	ce |= curl_easy_setopt(x->easy, CURLOPT_URL, url);
	ce |= curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	ce |= curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L);
	ce |= curl_easy_setopt(x->easy, CURLOPT_PROXY, "");
	ce |= curl_easy_setopt(x->easy, CURLOPT_NOPROXY, "*");
	ce |= curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	ce |= curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS,
	    (long)WH_TIMEOUT_S * 1000L);
	ce |= curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION,
	    wh_opensocket);
	ce |= curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, x);
	ce |= curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, wh_discard);
	ce |= curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "wfm/1");
	ce |= curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	ce |= curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	ce |= curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(body));
	ce |= curl_easy_setopt(x->easy, CURLOPT_COPYPOSTFIELDS, body);
	ce |= curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	if (ce != CURLE_OK ||
	    curl_multi_add_handle(wh.multi, x->easy) != CURLM_OK) {
		log_errorx("webhook delivery %lld: libcurl refused it", id);
		goto out;
	}
	wh.n++;
	ok = 1;
out:
	if (!ok) {
		if (x->easy != NULL)
			curl_easy_cleanup(x->easy);
		curl_slist_free_all(x->hdrs);
		memset(x, 0, sizeof(*x));
	}
	free(body);
	sres_free(&l);
	return ok;
}

/* The claim transaction: *ids gets the claimed outbox ids. */
static int
claim_body(struct store *st, void *arg)
{
	struct sres	*ids = arg;
	struct sparam	 p[2];
	size_t		 i;
	int		 rc;

	sres_free(ids);
	p[0] = SP_INT(WH_INFLIGHT - wh.n);
	rc = store_exec(st, STMT_WH_CLAIM_SELECT, p, 1, ids, NULL, NULL);
	for (i = 0; rc == RC_OK && i < ids->nrows; i++) {
		p[0] = SP_INT(WH_LEASE_S);
		p[1] = SP_INT(sres_int(ids, i, 0));
		rc = store_exec(st, STMT_WH_CLAIM_MARK, p, 2, NULL, NULL,
		    NULL);
	}
	return rc;
}

/* Claim what is due, up to the free places, and start it. */
static void
claim(struct sup *sp)
{
	struct sres	 ids;
	size_t		 i;
	int		 rc;

	memset(&ids, 0, sizeof(ids));
	rc = store_tx(sp->st, 0, claim_body, &ids);
	wh.full = rc == RC_OK && ids.nrows == (size_t)(WH_INFLIGHT - wh.n);
	for (i = 0; rc == RC_OK && i < ids.nrows; i++)
		(void)start(sp, sres_int(&ids, i, 0));
	sres_free(&ids);
}

static void
collect(struct sup *sp)
{
	struct wh_xfer	*x;
	CURLMsg		*msg;
	long		 code;
	int		 left, i, running;
	CURLcode	 cc;

	(void)curl_multi_perform(wh.multi, &running);
	while ((msg = curl_multi_info_read(wh.multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		(void)curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&x);
		cc = msg->data.result;
		code = 0;
		if (cc == CURLE_OK)
			(void)curl_easy_getinfo(x->easy,
			    CURLINFO_RESPONSE_CODE, &code);
		if (cc == CURLE_OK && code > 0)
			finish(sp, x, code, NULL);
		else if (x->ssrf && cc == CURLE_COULDNT_CONNECT)
			finish(sp, x, 0, "ssrf_blocked");
		else if (cc == CURLE_OPERATION_TIMEDOUT)
			finish(sp, x, 0, "timeout");
		else
			finish(sp, x, 0, "connection");
		curl_multi_remove_handle(wh.multi, x->easy);
		curl_easy_cleanup(x->easy);
		curl_slist_free_all(x->hdrs);
		/* Keep the live transfers at the front of wh.x. */
		i = (int)(x - wh.x);
		wh.x[i] = wh.x[--wh.n];
		if (i < wh.n) {
			(void)curl_easy_setopt(wh.x[i].easy,
			    CURLOPT_OPENSOCKETDATA, &wh.x[i]);
			(void)curl_easy_setopt(wh.x[i].easy, CURLOPT_PRIVATE,
			    &wh.x[i]);
		}
		memset(&wh.x[wh.n], 0, sizeof(wh.x[wh.n]));
		/* A place is free and more was due: claim at once. */
		if (wh.full)
			wh.next_poll = 0;
	}
}

void
sup_webhook_tick(struct sup *sp)
{
	struct sres	d;
	int64_t		now = util_mono_ms();

	if (wh.multi == NULL && (wh.multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	if (wh.n > 0)
		collect(sp);
	if (now < wh.next_poll)
		return;
	/* Retries are due at their own times: poll as often as claims. */
	wh.next_poll = now + MIN(WH_POLL_MS, sp->cfg->sup.poll_interval_ms);
	if (store_exec(sp->st, STMT_WH_DEPTH, NULL, 0, &d, NULL, NULL) ==
	    RC_OK && d.nrows == 1)
		wh.depth = sres_int(&d, 0, 0);
	sres_free(&d);
	if (!sp->stopping && wh.n < WH_INFLIGHT && wh.depth > 0)
		claim(sp);
	if (wh.n > 0)
		(void)curl_multi_perform(wh.multi, &(int){ 0 });
}

void
sup_webhook_nudge(void)
{
	wh.next_poll = 0;
}

int
sup_webhook_wait_ms(int ms)
{
	if (wh.n > 0 && ms > 20)
		return 20;
	return ms;
}

void
sup_webhook_metrics(char **buf, size_t *len)
{
	metrics_printf(buf, len, "# HELP wfm_webhook_deliveries_total "
	    "Webhook delivery attempts by this supervisor, by outcome.\n"
	    "# TYPE wfm_webhook_deliveries_total counter\n"
	    "wfm_webhook_deliveries_total{outcome=\"delivered\"} %llu\n"
	    "wfm_webhook_deliveries_total{outcome=\"retried\"} %llu\n"
	    "wfm_webhook_deliveries_total{outcome=\"failed\"} %llu\n"
	    "# HELP wfm_webhook_outbox_depth Deliveries not yet delivered "
	    "nor given up.\n# TYPE wfm_webhook_outbox_depth gauge\n"
	    "wfm_webhook_outbox_depth %lld\n",
	    (unsigned long long)wh.delivered,
	    (unsigned long long)wh.retried, (unsigned long long)wh.failed,
	    wh.depth);
}

void
sup_webhook_fini(void)
{
	int	i;

	for (i = 0; i < wh.n; i++) {
		curl_multi_remove_handle(wh.multi, wh.x[i].easy);
		curl_easy_cleanup(wh.x[i].easy);
		curl_slist_free_all(wh.x[i].hdrs);
	}
	wh.n = 0;
	if (wh.multi != NULL)
		curl_multi_cleanup(wh.multi);
	wh.multi = NULL;
	sup_net_allow_free(wh.allow);
	wh.allow = NULL;
}
