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
 * rotation), and every attempt is recorded. The transfers run on the
 * http steps' multi handle (sup_http_attach), so their sockets are in the
 * loop's poll set and a finished attempt is seen at once; at most
 * [supervisor] webhook_inflight are in flight. A 2xx delivers; any other
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
#include "store_webhook.h"
#include "sup_int.h"
#include "whsig.h"

#define WH_TIMEOUT_S	10		/* per attempt */
#define WH_LEASE_S	60		/* claim: longer than an attempt */
#define WH_POLL_MS	1000		/* outbox looked at */
#define WH_MAX_AGE_MS	(24LL * 3600 * 1000)
#define WH_BACKOFF_MAX	(3600LL * 1000)
#define WH_BODY_MAX	(64 * 1024)	/* then final_result is dropped */
#define WH_FLUSH_MS	5		/* outcomes wait at most this long */
#define WH_FLUSH_BATCH	32		/* then are written at once */

struct wh_xfer {
	struct sup		*sp;
	CURL			*easy;
	struct sup_http_xfer	*hx;		/* its place on sp->http */
	struct curl_slist	*hdrs;
	long long		 id;
	long long		 attempts;	/* before this one */
	int64_t			 created_ms;	/* the event */
	int			 ssrf;
};

/* An attempt's end, written by the next flush. */
struct wh_outcome {
	long long	 id;
	long		 code;		/* HTTP status; 0: none */
	const char	*err;		/* a constant, or NULL */
	long long	 attempts;	/* before this one */
	int64_t		 age_ms;	/* since the event */
	long long	 retry_base_ms;
	const char	*status;	/* set by outcome_write */
};

static struct {
	struct sup_net_allow	*allow;
	struct wh_outcome	*out;		/* not yet written */
	size_t			 nout, cout;
	int64_t			 flush_due;	/* the first one + WH_FLUSH_MS */
	struct wh_xfer		**x;		/* in flight: x[0..n-1] */
	int			 n, max;
	int64_t			 next_poll;
	int			 full;		/* the last claim took all it
						   asked for: more may be due */
	long long		 depth;
	uint64_t		 delivered, failed, retried;
} wh;

static void	wh_done(void *, int);

int
sup_webhook_init(const struct config *cfg, struct errmsg *e)
{
	if (sup_net_allow_parse(cfg->sup.webhook_allow, &wh.allow, e) !=
	    RC_OK)
		return RC_INVALID;
	wh.max = cfg->sup.webhook_inflight;
	wh.x = xcalloc((size_t)wh.max, sizeof(struct wh_xfer *));
	return RC_OK;
}

void
sup_webhook_set_allow(struct sup_net_allow *allow)
{
	/* Read at each connection (opensocket), not kept by a transfer. */
	sup_net_allow_free(wh.allow);
	wh.allow = allow;
}

/* Time ms (STORE_NO_MS: null) as o's key. */
static void
add_time(struct json_object *o, const char *key, long long ms)
{
	char	buf[UTIL_TIME_LEN];

	if (ms == STORE_NO_MS) {
		json_object_object_add(o, key, NULL);
		return;
	}
	util_time_fmt(ms, buf);
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* JSON text v parsed (a new reference), or NULL for NULL. */
static struct json_object *
parsed(const char *v)
{
	return v == NULL ? NULL : json_tokener_parse(v);
}

static void
add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v == NULL ? NULL :
	    json_object_new_string(v));
}

/*
 * The steps of the GET document, without their outputs, into *out (a
 * new reference) on RC_OK; otherwise the store's code.
 */
static int
steps_of(struct sup *sp, const struct store_webhook_load *l,
    struct json_object **out)
{
	struct json_object		*def, *dsteps, *ds, *s, *v, *arr;
	struct store_webhook_steps	 rows;
	const struct store_webhook_step	*row;
	size_t				 i, j, n = 0;
	int				 rc;

	if ((rc = store_webhook_steps_get(sp->st, l->exec_pk, &rows)) !=
	    RC_OK) {
		store_webhook_steps_free(&rows);
		return rc;
	}
	arr = json_object_new_array();
	def = parsed(l->definition);
	if (def != NULL && json_object_object_get_ex(def, "steps", &dsteps))
		n = json_object_array_length(dsteps);
	for (i = 0; i < n; i++) {
		ds = json_object_array_get_idx(dsteps, i);
		s = json_object_new_object();
		json_object_object_get_ex(ds, "id", &v);
		json_object_object_add(s, "step_id", json_object_get(v));
		json_object_object_get_ex(ds, "type", &v);
		json_object_object_add(s, "type", json_object_get(v));
		for (j = 0; j < rows.n; j++)
			if ((size_t)rows.v[j].idx == i)
				break;
		if (j == rows.n) {
			json_object_object_add(s, "status",
			    json_object_new_string(engine_step_shown(
			    l->status, NULL)));
			json_object_object_add(s, "attempts",
			    json_object_new_int(0));
			json_object_object_add(s, "started_at", NULL);
			json_object_object_add(s, "completed_at", NULL);
			json_object_object_add(s, "error", NULL);
		} else {
			row = &rows.v[j];
			json_object_object_add(s, "status",
			    json_object_new_string(engine_step_shown(
			    l->status, row->status)));
			json_object_object_add(s, "attempts",
			    json_object_new_int64(row->attempts));
			add_time(s, "started_at", row->started_ms);
			add_time(s, "completed_at", row->completed_ms);
			json_object_object_add(s, "error",
			    parsed(row->error));
		}
		json_object_array_add(arr, s);
	}
	json_object_put(def);
	store_webhook_steps_free(&rows);
	*out = arr;
	return RC_OK;
}

/*
 * The body of a delivery into *body (owned by the caller) on RC_OK;
 * otherwise the store's code. A template's notify carries only ids,
 * status, times and error_details: its signer may not read the
 * execution's data.
 */
static int
payload_make(struct sup *sp, const struct store_webhook_load *l,
    char **body)
{
	struct json_object	*o, *d, *steps = NULL;
	char			 type[64], ts[UTIL_TIME_LEN], *out;
	int			 rc, full = strcmp(l->kind, "execution") == 0;

	if (full && (rc = steps_of(sp, l, &steps)) != RC_OK)
		return rc;
	d = json_object_new_object();
	add_str(d, "execution_id", l->execution_id);
	if (full)
		add_str(d, "execution_name", l->execution_name);
	add_str(d, "template_id", l->template_id);
	json_object_object_add(d, "template_version",
	    json_object_new_int64(l->template_version));
	add_str(d, "status", l->status);
	add_time(d, "created_at", l->exec_created_ms);
	add_time(d, "started_at", l->started_ms);
	add_time(d, "completed_at", l->completed_ms);
	if (full) {
		add_str(d, "user_id", l->user_id);
		json_object_object_add(d, "input_data", parsed(l->input));
		json_object_object_add(d, "steps", steps);
		json_object_object_add(d, "final_result",
		    parsed(l->final_result));
	}
	json_object_object_add(d, "error_details",
	    parsed(l->error_details));
	if (full) {
		add_str(d, "cancelled_by", l->cancelled_by);
		add_str(d, "cancel_reason", l->cancel_reason);
		json_object_object_add(d, "redrive_count",
		    json_object_new_int64(l->redrive_count));
	}
	o = json_object_new_object();
	snprintf(type, sizeof(type), "execution.%s", l->event);
	json_object_object_add(o, "type", json_object_new_string(type));
	util_time_fmt(l->created_ms, ts);
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
	*body = out;
	return RC_OK;
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
	struct store_webhook_secret		 s;
	const struct store_webhook_sealed	*k;
	char					 key[SECRET_VALUE_MAX + 1];
	char					 sig[WHSIG_SIG_LEN];
	size_t					 i;
	int					 rc;

	if (!sp->have_key)
		return RC_NOTFOUND;
	if ((rc = store_webhook_secret_get(sp->st, signer, &s)) != RC_OK)
		goto out;
	out[0] = '\0';
	for (i = 0; i < 2; i++) {
		if (i == 1 && (!s.prev_signs || !s.has_prev))
			break;
		k = i == 0 ? &s.cur : &s.prev;
		if (k->ct_len > SECRET_VALUE_MAX || secret_decrypt(sp->key,
		    signer, WEBHOOK_SECRET_NAME, k->nonce, k->ct, k->ct_len,
		    k->tag, key) != RC_OK) {
			log_warnx("webhook secret of %s does not decrypt",
			    signer);
			rc = RC_NOTFOUND;
			break;
		}
		whsig_sign((unsigned char *)key, k->ct_len, whid, ts, body,
		    strlen(body), sig);
		explicit_bzero(key, k->ct_len);
		snprintf(out + strlen(out), outlen - strlen(out), "%s%s",
		    i == 0 ? "" : " ", sig);
	}
out:
	store_webhook_secret_free(&s);
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
 * Record the end of attempt o: its row in webhook_attempts, then the
 * delivery delivered, retried later, or failed. In the caller's
 * transaction (flush) or alone; RC_OK or a store code.
 */
static int
outcome_write(struct store *st, struct wh_outcome *o)
{
	long long	 delay, k;
	int		 rc;

	if ((rc = store_webhook_attempt_insert(st, o->id, o->code,
	    o->err)) != RC_OK)
		return rc;
	delay = o->retry_base_ms;
	for (k = 0; k < o->attempts && delay < WH_BACKOFF_MAX; k++)
		delay *= 2;
	if (delay > WH_BACKOFF_MAX)
		delay = WH_BACKOFF_MAX;
	if (o->code >= 200 && o->code < 300)
		o->status = "delivered";
	else if ((o->err != NULL && strcmp(o->err, "ssrf_blocked") == 0) ||
	    o->age_ms + delay > WH_MAX_AGE_MS)
		o->status = "failed";
	else
		o->status = "pending";
	return store_webhook_done(st, o->id, o->status,
	    strcmp(o->status, "pending") == 0 ? delay : -1);
}

static int
flush_body(struct store *st, void *arg)
{
	size_t	i;
	int	rc = RC_OK;

	(void)arg;
	for (i = 0; rc == RC_OK && i < wh.nout; i++)
		rc = outcome_write(st, &wh.out[i]);
	return rc;
}

/*
 * Write the outcomes collected since the last flush in one transaction
 * (one log flush for all); if that fails, each on its own. An outcome
 * that cannot be written is tried again after its claim expires.
 */
static void
flush(struct sup *sp)
{
	struct wh_outcome	*o;
	size_t			 i;
	int			 all;

	if (wh.nout == 0)
		return;
	all = store_tx(sp->st, 0, flush_body, NULL) == RC_OK;
	for (i = 0; i < wh.nout; i++) {
		o = &wh.out[i];
		if (!all && outcome_write(sp->st, o) != RC_OK) {
			log_warnx("webhook delivery %lld: outcome not written; "
			    "retried after its claim expires", o->id);
			continue;
		}
		if (strcmp(o->status, "delivered") == 0)
			wh.delivered++;
		else if (strcmp(o->status, "failed") == 0)
			wh.failed++;
		else
			wh.retried++;
		if (o->err != NULL)
			log_info("webhook delivery %lld: %s, %s", o->id,
			    o->err, o->status);
		else
			log_info("webhook delivery %lld: status %ld, %s",
			    o->id, o->code, o->status);
	}
	wh.nout = 0;
}

/*
 * The end of an attempt of delivery x->id: code is the HTTP status (0:
 * none) or err the error (a constant). Written by the next flush.
 */
static void
finish(struct sup *sp, const struct wh_xfer *x, long code, const char *err)
{
	struct wh_outcome	*o;

	if (wh.nout == wh.cout) {
		wh.cout = wh.cout == 0 ? (size_t)wh.max : wh.cout * 2;
		wh.out = xrealloc(wh.out, wh.cout * sizeof(*wh.out));
	}
	if (wh.nout == 0)
		wh.flush_due = util_mono_ms() + WH_FLUSH_MS;
	o = &wh.out[wh.nout++];
	memset(o, 0, sizeof(*o));
	o->id = x->id;
	o->code = code;
	o->err = err;
	o->attempts = x->attempts;
	o->age_ms = util_now_ms() - x->created_ms;
	o->retry_base_ms = sp->cfg->sup.webhook_retry_base_ms;
}

/* A claimed delivery, read (and its payload made) in the claim. */
struct wh_prep {
	long long	 id;
	long long	 attempts;
	int64_t		 created_ms;
	char		*signer, *whid, *url, *body;
};

static void
prep_fini(struct wh_prep *w)
{
	free(w->signer);
	free(w->whid);
	free(w->url);
	free(w->body);
	memset(w, 0, sizeof(*w));
}

/*
 * Read claimed delivery id into w, making and storing its payload at
 * its first attempt (in the claim's transaction). RC_OK (w->id 0: the
 * row is gone) or a store code.
 */
static int
prep_load(struct sup *sp, long long id, struct wh_prep *w)
{
	struct store_webhook_load	l;
	int				rc;

	if ((rc = store_webhook_load(sp->st, id, &l)) != RC_OK) {
		store_webhook_load_free(&l);
		return rc == RC_NOTFOUND ? RC_OK : rc;
	}
	w->id = id;
	w->attempts = l.attempts;
	w->created_ms = l.created_ms;
	/* The row's strings become w's. */
	w->signer = l.signer;
	w->whid = l.webhook_id;
	w->url = l.url;
	l.signer = l.webhook_id = l.url = NULL;
	if (l.payload != NULL) {
		w->body = l.payload;
		l.payload = NULL;
	} else if ((rc = payload_make(sp, &l, &w->body)) == RC_OK)
		rc = store_webhook_set_payload(sp->st, id, w->body);
	store_webhook_load_free(&l);
	return rc;
}

/*
 * Start the attempt of claimed delivery w. RC_OK: a transfer runs.
 * RC_NOTFOUND: nothing can sign it, and its failure is recorded. RC_ERR:
 * libcurl refused it (logged). Otherwise the store's code. The delivery
 * is tried again after its claim expires unless RC_OK or RC_NOTFOUND.
 */
static int
start(struct sup *sp, const struct wh_prep *w)
{
	struct wh_xfer	*x = xcalloc(1, sizeof(*x));
	char		 hdr[600], sig[2 * WHSIG_SIG_LEN + 8];
	int64_t		 ts = util_now_ms() / 1000;
	int		 rc, ce = CURLE_OK;

	x->sp = sp;
	x->id = w->id;
	x->attempts = w->attempts;
	x->created_ms = w->created_ms;
	rc = signature(sp, w->signer, w->whid, ts, w->body, sig, sizeof(sig));
	if (rc == RC_NOTFOUND) {
		/* Nothing can sign it: it fails, recorded as such. */
		x->attempts = WH_MAX_AGE_MS;
		finish(sp, x, 0, "no_secret");
		goto out;
	}
	if (rc != RC_OK)
		goto out;
	rc = RC_ERR;
	if ((x->easy = curl_easy_init()) == NULL)
		goto out;
	snprintf(hdr, sizeof(hdr), "webhook-id: %s", w->whid);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "webhook-timestamp: %lld", (long long)ts);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "webhook-signature: %s", sig);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	x->hdrs = curl_slist_append(x->hdrs, "Content-Type: application/json");
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	ce |= curl_easy_setopt(x->easy, CURLOPT_URL, w->url);
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
	    (curl_off_t)strlen(w->body));
	ce |= curl_easy_setopt(x->easy, CURLOPT_COPYPOSTFIELDS, w->body);
	if (ce != CURLE_OK || sup_http_attach(sp->http, x->easy, wh_done, x,
	    &x->hx) != RC_OK) {
		log_errorx("webhook delivery %lld: libcurl refused it", w->id);
		goto out;
	}
	wh.x[wh.n++] = x;
	rc = RC_OK;
out:
	if (rc != RC_OK) {
		if (x->easy != NULL)
			curl_easy_cleanup(x->easy);
		curl_slist_free_all(x->hdrs);
		free(x);
	}
	return rc;
}

/* The claim transaction: claims, reads and prepares up to max rows. */
struct wh_claim {
	struct sup	*sp;
	struct wh_prep	*w;
	size_t		 n, max;
};

static int
claim_body(struct store *st, void *arg)
{
	struct wh_claim			*c = arg;
	struct store_webhook_ids	 ids;
	size_t				 i;
	int				 rc;

	/* From the start again when store_tx runs it again. */
	for (i = 0; i < c->n; i++)
		prep_fini(&c->w[i]);
	c->n = 0;
	rc = store_webhook_claim_select(st, (long long)c->max, &ids);
	for (i = 0; rc == RC_OK && i < ids.n && i < c->max; i++) {
		if ((rc = store_webhook_claim_mark(st, ids.v[i],
		    WH_LEASE_S)) == RC_OK &&
		    (rc = prep_load(c->sp, ids.v[i], &c->w[c->n])) == RC_OK &&
		    c->w[c->n].id != 0)
			c->n++;
	}
	if (c->n < c->max)
		prep_fini(&c->w[c->n]);	/* one read halfway */
	wh.full = rc == RC_OK && ids.n == c->max;
	store_webhook_ids_free(&ids);
	return rc;
}

/*
 * Claim what is due, up to the free places, and start it: the claim,
 * the reads and the payloads of first attempts are one transaction.
 */
static void
claim(struct sup *sp)
{
	struct wh_claim	 c;
	size_t		 i;
	int		 rc;

	memset(&c, 0, sizeof(c));
	c.sp = sp;
	c.max = (size_t)(wh.max - wh.n);
	c.w = xcalloc(c.max, sizeof(*c.w));
	rc = store_tx(sp->st, 0, claim_body, &c);
	if (rc != RC_OK)
		wh.full = 0;
	for (i = 0; i < c.n; i++) {
		if (rc == RC_OK)
			(void)start(sp, &c.w[i]);
		prep_fini(&c.w[i]);
	}
	free(c.w);
}

/* The end of attempt x (sup_http_done's callback): record it, free x. */
static void
wh_done(void *arg, int result)
{
	struct wh_xfer	*x = arg;
	long		 code = 0;
	CURLcode	 cc = (CURLcode)result;
	int		 i;

	if (cc == CURLE_OK)
		(void)curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE,
		    &code);
	if (cc == CURLE_OK && code > 0)
		finish(x->sp, x, code, NULL);
	else if (x->ssrf && cc == CURLE_COULDNT_CONNECT)
		finish(x->sp, x, 0, "ssrf_blocked");
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		finish(x->sp, x, 0, "timeout");
	else
		finish(x->sp, x, 0, "connection");
	for (i = 0; i < wh.n && wh.x[i] != x; i++)
		;
	if (i < wh.n)
		wh.x[i] = wh.x[--wh.n];
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	free(x);
	/*
	 * More was due: claim once half the places are free, so that a
	 * claim (a transaction) takes many rows, not one per attempt.
	 */
	if (wh.full && wh.n <= wh.max / 2)
		wh.next_poll = 0;
}

void
sup_webhook_tick(struct sup *sp)
{
	long long	depth;
	int64_t		now = util_mono_ms();

	/*
	 * Outcomes are written together: when WH_FLUSH_BATCH wait, nothing
	 * is in flight, or the first has waited WH_FLUSH_MS.
	 */
	if (wh.nout >= WH_FLUSH_BATCH || wh.n == 0 || now >= wh.flush_due ||
	    sp->stopping)
		flush(sp);
	if (now < wh.next_poll)
		return;
	/* Retries are due at their own times: poll as often as claims. */
	wh.next_poll = now + MIN(WH_POLL_MS, sp->cfg->sup.poll_interval_ms);
	if (store_webhook_depth(sp->st, &depth) == RC_OK)
		wh.depth = depth;
	if (!sp->stopping && wh.n < wh.max && wh.depth > 0)
		claim(sp);
}

void
sup_webhook_nudge(void)
{
	wh.next_poll = 0;
}

int
sup_webhook_wait_ms(int ms)
{
	int64_t	now = util_mono_ms(), d = wh.next_poll - now;

	/* Transfers wake the loop through the poll set; claims do not. */
	if (wh.nout > 0 && wh.flush_due - now < d)
		d = wh.flush_due - now;
	if (d < ms)
		return d < 0 ? 0 : (int)d;
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
sup_webhook_fini(struct sup *sp)
{
	int	i;

	flush(sp);
	free(wh.out);
	wh.out = NULL;
	wh.nout = wh.cout = 0;
	for (i = 0; i < wh.n; i++) {
		sup_http_cancel(sp->http, wh.x[i]->hx);
		curl_easy_cleanup(wh.x[i]->easy);
		curl_slist_free_all(wh.x[i]->hdrs);
		free(wh.x[i]);
	}
	wh.n = 0;
	free(wh.x);
	wh.x = NULL;
	sup_net_allow_free(wh.allow);
	wh.allow = NULL;
}
