/*
 * Webhooks in the API (api.md "Webhook secrets", the notifications
 * list): the caller's signing secret, made and rotated here and shown
 * once; whether a signer has one (a notify needs it); the deliveries of
 * an execution. The secret is encrypted at rest with the key of
 * [supervisor] secrets_key_file, like step secrets, under the user id
 * and WEBHOOK_SECRET_NAME: the supervisor decrypts it to sign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "log.h"
#include "secret.h"
#include "store.h"
#include "store_webhook.h"
#include "whsig.h"

static unsigned char	wh_key[SECRET_KEY_LEN];
static int		wh_have_key;

/* The secrets key, read once per worker; RC_OK or RC_ERR (logged). */
static int
key_get(const struct config *cfg)
{
	struct errmsg	err;

	if (wh_have_key)
		return RC_OK;
	if (cfg->sup.secrets_key_file == NULL) {
		log_warnx("webhook secrets need [supervisor] secrets_key_file");
		return RC_ERR;
	}
	if (secret_key_load(cfg->sup.secrets_key_file, wh_key, &err) !=
	    RC_OK) {
		log_warnx("[supervisor] secrets_key_file: %s", err.text);
		return RC_ERR;
	}
	wh_have_key = 1;
	return RC_OK;
}

/* POST /workflow-management/webhook-secret: 201 {"secret"} once. */
void
http_h_whsec_post(struct http_req *r)
{
	unsigned char			 raw[WHSIG_KEY_LEN], ct[WHSIG_KEY_LEN];
	char				 shown[WHSIG_SECRET_LEN];
	struct store_webhook_sealed	 sealed;
	struct store_webhook_secret	 old;
	struct json_object		*o, *d;
	int				 rc, rotated;

	if (key_get(r->app->cfg) != RC_OK) {
		http_resp_detail(r, 503, "Webhook secrets are not configured");
		return;
	}
	memset(&sealed, 0, sizeof(sealed));
	sealed.ct = ct;
	sealed.ct_len = sizeof(ct);
	if (util_random(raw, sizeof(raw)) != RC_OK ||
	    util_random(sealed.nonce, sizeof(sealed.nonce)) != RC_OK ||
	    secret_encrypt(wh_key, r->who.sub, WEBHOOK_SECRET_NAME, raw,
	    sizeof(raw), sealed.nonce, ct, sealed.tag) != RC_OK) {
		http_resp_rc(r, RC_ERR, NULL);
		return;
	}
	rc = store_webhook_secret_get(r->app->st, r->who.sub, &old);
	store_webhook_secret_free(&old);
	if (rc != RC_OK && rc != RC_NOTFOUND) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	rotated = rc == RC_OK;
	if ((rc = store_webhook_secret_put(r->app->st, r->who.sub,
	    &sealed)) != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	d = json_object_new_object();
	json_object_object_add(d, "rotated", json_object_new_boolean(rotated));
	(void)http_audit(r, "webhook_secret.rotate", "webhook_secret",
	    r->who.sub, d);
	json_object_put(d);
	whsig_secret_fmt(raw, sizeof(raw), shown);
	explicit_bzero(raw, sizeof(raw));
	o = json_object_new_object();
	json_object_object_add(o, "secret", json_object_new_string(shown));
	explicit_bzero(shown, sizeof(shown));
	http_resp_header(r, "Cache-Control: no-store");
	http_resp_json(r, 201, o);
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

/* GET /workflow-management/webhook-secret: exists and created_at only. */
void
http_h_whsec_get(struct http_req *r)
{
	struct store_webhook_secret	 s;
	struct json_object		*o;
	int				 rc;

	rc = store_webhook_secret_get(r->app->st, r->who.sub, &s);
	if (rc != RC_OK && rc != RC_NOTFOUND) {
		store_webhook_secret_free(&s);
		http_resp_rc(r, rc, NULL);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "exists",
	    json_object_new_boolean(rc == RC_OK));
	if (rc == RC_OK) {
		add_time(o, "created_at", s.created_ms);
		add_time(o, "previous_rotated_at", s.rotated_ms);
		json_object_object_add(o, "previous_signing",
		    json_object_new_boolean(s.prev_signs));
	} else
		json_object_object_add(o, "created_at", NULL);
	store_webhook_secret_free(&s);
	http_resp_json(r, 200, o);
}

int
http_webhook_has_secret(struct http_req *r, const char *user, int *has)
{
	struct store_webhook_secret	s;
	int				rc;

	rc = store_webhook_secret_get(r->app->st, user, &s);
	store_webhook_secret_free(&s);
	*has = rc == RC_OK;
	return rc == RC_NOTFOUND ? RC_OK : rc;
}

int
http_webhook_need_secret(struct http_req *r, const struct jpath *loc)
{
	struct verr		*ve;
	struct json_object	*v = NULL;
	int			 rc, has = 0;

	if ((rc = http_webhook_has_secret(r, r->who.sub, &has)) != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return rc;
	}
	if (has)
		return RC_OK;
	ve = verr_new();
	verr_add(ve, "value_error", loc, "Value error, notify needs a "
	    "webhook secret: POST /workflow-management/webhook-secret first",
	    v, NULL);
	http_resp_verr(r, ve);
	verr_free(ve);
	return RC_INVALID;
}

/*
 * GET .../executions/{id}/notifications: each delivery with its event,
 * url, webhook_id, status, next try and every attempt (time, status
 * code or error). The caller passed the access check of the execution.
 */
void
http_webhook_list(struct http_req *r, long long pk)
{
	struct store_webhook_deliveries		 d;
	struct store_webhook_attempts		 a;
	const struct store_webhook_delivery	*dv;
	const struct store_webhook_attempt	*av;
	struct json_object			*items, *o, *atts, *at;
	size_t					 i, j;
	int					 rc;

	memset(&a, 0, sizeof(a));
	if ((rc = store_webhook_outbox_of_exec(r->app->st, pk, &d)) !=
	    RC_OK || (rc = store_webhook_attempts_of_exec(r->app->st, pk,
	    &a)) != RC_OK) {
		store_webhook_deliveries_free(&d);
		store_webhook_attempts_free(&a);
		http_resp_rc(r, rc, NULL);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < d.n; i++) {
		dv = &d.v[i];
		o = json_object_new_object();
		json_object_object_add(o, "webhook_id",
		    json_object_new_string(dv->webhook_id));
		json_object_object_add(o, "source",
		    json_object_new_string(dv->kind));
		json_object_object_add(o, "event",
		    json_object_new_string(dv->event));
		json_object_object_add(o, "url",
		    json_object_new_string(dv->url));
		json_object_object_add(o, "status",
		    json_object_new_string(dv->status));
		add_time(o, "created_at", dv->created_ms);
		if (strcmp(dv->status, "pending") == 0)
			add_time(o, "next_try_at", dv->next_try_ms);
		else
			json_object_object_add(o, "next_try_at", NULL);
		atts = json_object_new_array();
		for (j = 0; j < a.n; j++) {
			av = &a.v[j];
			if (av->outbox_id != dv->id)
				continue;
			at = json_object_new_object();
			add_time(at, "at", av->at_ms);
			json_object_object_add(at, "status_code",
			    !av->has_status_code ? NULL :
			    json_object_new_int64(av->status_code));
			json_object_object_add(at, "error",
			    av->error == NULL ? NULL :
			    json_object_new_string(av->error));
			json_object_array_add(atts, at);
		}
		json_object_object_add(o, "attempts",
		    json_object_new_int64(dv->attempts));
		json_object_object_add(o, "attempt_history", atts);
		json_object_array_add(items, o);
	}
	store_webhook_deliveries_free(&d);
	store_webhook_attempts_free(&a);
	o = json_object_new_object();
	json_object_object_add(o, "items", items);
	http_resp_json(r, 200, o);
}
