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
	unsigned char		 raw[WHSIG_KEY_LEN], ct[WHSIG_KEY_LEN];
	unsigned char		 nonce[SECRET_NONCE_LEN], tag[SECRET_TAG_LEN];
	char			 shown[WHSIG_SECRET_LEN];
	struct sparam		 p[4];
	struct sres		 old;
	struct json_object	*o, *d;
	int			 rc, rotated;

	if (key_get(r->app->cfg) != RC_OK) {
		http_resp_detail(r, 503, "Webhook secrets are not configured");
		return;
	}
	if (util_random(raw, sizeof(raw)) != RC_OK ||
	    util_random(nonce, sizeof(nonce)) != RC_OK ||
	    secret_encrypt(wh_key, r->who.sub, WEBHOOK_SECRET_NAME, raw,
	    sizeof(raw), nonce, ct, tag) != RC_OK) {
		http_resp_rc(r, RC_ERR, NULL);
		return;
	}
	p[0] = SP_STR(r->who.sub);
	if ((rc = store_exec(r->app->st, STMT_WH_SECRET_GET, p, 1, &old, NULL,
	    NULL)) != RC_OK) {
		sres_free(&old);
		http_resp_rc(r, rc, NULL);
		return;
	}
	rotated = old.nrows > 0;
	sres_free(&old);
	p[1] = SP_BLOB(nonce, sizeof(nonce));
	p[2] = SP_BLOB(ct, sizeof(ct));
	p[3] = SP_BLOB(tag, sizeof(tag));
	if ((rc = store_exec(r->app->st, STMT_WH_SECRET_PUT, p, 4, NULL, NULL,
	    NULL)) != RC_OK) {
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

static void
add_time(struct json_object *o, const char *key, const struct sres *res,
    size_t row, size_t col)
{
	char	buf[UTIL_TIME_LEN];

	if (sres_get(res, row, col, NULL) == NULL) {
		json_object_object_add(o, key, NULL);
		return;
	}
	util_time_fmt(sres_int(res, row, col), buf);
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* GET /workflow-management/webhook-secret: exists and created_at only. */
void
http_h_whsec_get(struct http_req *r)
{
	struct sparam		 p[1];
	struct sres		 s;
	struct json_object	*o;
	int			 rc;

	p[0] = SP_STR(r->who.sub);
	if ((rc = store_exec(r->app->st, STMT_WH_SECRET_GET, p, 1, &s, NULL,
	    NULL)) != RC_OK) {
		sres_free(&s);
		http_resp_rc(r, rc, NULL);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "exists",
	    json_object_new_boolean(s.nrows > 0));
	if (s.nrows > 0) {
		add_time(o, "created_at", &s, 0, 3);
		add_time(o, "previous_rotated_at", &s, 0, 7);
		json_object_object_add(o, "previous_signing",
		    json_object_new_boolean(sres_int(&s, 0, 8) != 0));
	} else
		json_object_object_add(o, "created_at", NULL);
	sres_free(&s);
	http_resp_json(r, 200, o);
}

int
http_webhook_has_secret(struct http_req *r, const char *user, int *has)
{
	struct sparam	p[1];
	struct sres	s;
	int		rc;

	p[0] = SP_STR(user);
	rc = store_exec(r->app->st, STMT_WH_SECRET_GET, p, 1, &s, NULL, NULL);
	*has = rc == RC_OK && s.nrows > 0;
	sres_free(&s);
	return rc;
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
	struct sparam		 p[1];
	struct sres		 d, a;
	struct json_object	*items, *o, *atts, *at;
	size_t			 i, j;
	int			 rc;

	p[0] = SP_INT(pk);
	memset(&a, 0, sizeof(a));
	if ((rc = store_exec(r->app->st, STMT_WH_OUTBOX_OF_EXEC, p, 1, &d,
	    NULL, NULL)) != RC_OK || (rc = store_exec(r->app->st,
	    STMT_WH_ATTEMPTS_OF_EXEC, p, 1, &a, NULL, NULL)) != RC_OK) {
		sres_free(&d);
		sres_free(&a);
		http_resp_rc(r, rc, NULL);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < d.nrows; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "webhook_id",
		    json_object_new_string(sres_get(&d, i, 3, NULL)));
		json_object_object_add(o, "source",
		    json_object_new_string(sres_get(&d, i, 8, NULL)));
		json_object_object_add(o, "event",
		    json_object_new_string(sres_get(&d, i, 1, NULL)));
		json_object_object_add(o, "url",
		    json_object_new_string(sres_get(&d, i, 2, NULL)));
		json_object_object_add(o, "status",
		    json_object_new_string(sres_get(&d, i, 4, NULL)));
		add_time(o, "created_at", &d, i, 7);
		if (strcmp(sres_get(&d, i, 4, NULL), "pending") == 0)
			add_time(o, "next_try_at", &d, i, 6);
		else
			json_object_object_add(o, "next_try_at", NULL);
		atts = json_object_new_array();
		for (j = 0; j < a.nrows; j++) {
			if (strcmp(sres_get(&a, j, 0, NULL),
			    sres_get(&d, i, 0, NULL)) != 0)
				continue;
			at = json_object_new_object();
			add_time(at, "at", &a, j, 1);
			json_object_object_add(at, "status_code",
			    sres_get(&a, j, 2, NULL) == NULL ? NULL :
			    json_object_new_int64(sres_int(&a, j, 2)));
			json_object_object_add(at, "error",
			    sres_get(&a, j, 3, NULL) == NULL ? NULL :
			    json_object_new_string(sres_get(&a, j, 3, NULL)));
			json_object_array_add(atts, at);
		}
		json_object_object_add(o, "attempts",
		    json_object_new_int64(sres_int(&d, i, 5)));
		json_object_object_add(o, "attempt_history", atts);
		json_object_array_add(items, o);
	}
	sres_free(&d);
	sres_free(&a);
	o = json_object_new_object();
	json_object_object_add(o, "items", items);
	http_resp_json(r, 200, o);
}
