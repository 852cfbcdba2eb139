/*
 * POST /callbacks/{token} (api.md "Signals, callbacks, pause and
 * resume"): another system reports the outcome of a "callback": true
 * step. No Authorization: the token is the capability. Only its SHA-256
 * is stored (sql/015); every request that reaches the lookup hashes what
 * it got and reads one row by primary key, known or not, so an unknown
 * token costs what a known one costs. The token is never logged (the
 * access log shows the route pattern, not the path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <openssl/crypto.h>

#include "cbtok.h"
#include "common.h"
#include "engine.h"
#include "http.h"
#include "http_int.h"
#include "jsonx.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "store_callback.h"
#include "store_exec.h"
#include "tmpl.h"

#define CB_MSG_MAX	4096		/* bytes of error.message */
#define CB_BODY_MAX	(1024 * 1024)	/* canonical body, as step output */

enum cb_answer {
	CB_ACCEPTED,	/* 200, recorded now */
	CB_REPEATED,	/* 200, the same body again */
	CB_CONFLICT,	/* 409, another body was recorded */
	CB_GONE,	/* 410 */
	CB_UNKNOWN	/* 404 */
};

struct cb_args {
	struct http_req		*r;
	unsigned char		 hash[CBTOK_HASH_LEN];
	const char		*canon;		/* the body, RFC 8785 */
	enum cb_answer		 answer;
	char			 exec_id[37];
	int			 woken;
};

/*
 * The body: exactly one of {"output": <json>} or {"error": {"type",
 * "message"}}. Errors go to ve in the Pydantic shape.
 */
static void
check_body(struct json_object *b, struct verr *ve)
{
	struct jpath		 p;
	struct json_object	*v, *t, *m;
	int			 has_out, has_err;

	jpath_init(&p, "body");
	if (!json_object_is_type(b, json_type_object)) {
		verr_add(ve, "model_type", &p, "Input should be a valid "
		    "dictionary", b, NULL);
		return;
	}
	has_out = json_object_object_get_ex(b, "output", &v);
	has_err = json_object_object_get_ex(b, "error", &v);
	if (has_out == has_err || json_object_object_length(b) != 1) {
		verr_add(ve, "value_error", &p, "Value error, exactly one of "
		    "output or error is required", b, NULL);
		return;
	}
	if (has_out) {
		if (jsonx_deeper(v, JSONX_STORE_DEPTH_MAX)) {
			jpath_key(&p, "output");
			verr_add(ve, "value_error", &p, "Value error, output "
			    "nests too deep", NULL, NULL);
		}
		return;
	}
	jpath_key(&p, "error");
	if (!json_object_is_type(v, json_type_object)) {
		verr_add(ve, "model_type", &p, "Input should be a valid "
		    "dictionary", v, NULL);
		return;
	}
	if (!json_object_object_get_ex(v, "type", &t) ||
	    !json_object_object_get_ex(v, "message", &m) ||
	    json_object_object_length(v) != 2) {
		verr_add(ve, "value_error", &p, "Value error, error has "
		    "exactly the keys type and message", v, NULL);
		return;
	}
	jpath_key(&p, "type");
	if (!json_object_is_type(t, json_type_string) ||
	    !tmpl_error_type_ok(json_object_get_string(t),
	    (size_t)json_object_get_string_len(t)))
		verr_add(ve, "string_pattern_mismatch", &p, "String should "
		    "match pattern '^[a-z][a-z0-9_]{0,63}$'", t, NULL);
	jpath_pop(&p);
	jpath_key(&p, "message");
	if (!json_object_is_type(m, json_type_string) ||
	    json_object_get_string_len(m) > CB_MSG_MAX)
		verr_add(ve, "string_type", &p, "Input should be a valid "
		    "string of at most 4096 characters", m, NULL);
}

static int
cb_body(struct store *st, void *arg)
{
	struct cb_args			*a = arg;
	struct store_actor		 who = { NULL, a->r->remote_addr,
					     a->r->reqid };
	struct store_callback_token	 t;
	struct json_object		*detail;
	enum engine_exec		 ex;
	int				 rc;

	a->answer = CB_UNKNOWN;
	a->woken = 0;
	rc = store_callback_lookup(st, a->hash, sizeof(a->hash), &t);
	if (rc == RC_NOTFOUND) {
		rc = RC_OK;
		goto out;
	}
	if (rc != RC_OK || CRYPTO_memcmp(t.hash, a->hash,
	    CBTOK_HASH_LEN) != 0)
		goto out;
	snprintf(a->exec_id, sizeof(a->exec_id), "%s", t.exec_id);
	if (strcmp(t.state, "received") == 0) {
		a->answer = t.body != NULL && jsonx_equal(t.body, a->r->body) ?
		    CB_REPEATED : CB_CONFLICT;
		goto out;
	}
	a->answer = CB_GONE;
	if (strcmp(t.state, "issued") != 0 || t.expired ||
	    t.exec_status == NULL ||
	    engine_exec_parse(t.exec_status, &ex) != RC_OK ||
	    engine_exec_terminal(ex))
		goto out;
	rc = store_callback_record(st, a->canon, a->hash, sizeof(a->hash));
	if (rc == RC_NOTFOUND) {
		rc = RC_OK;	/* cannot be, the row is locked */
		goto out;
	}
	if (rc != RC_OK)
		goto out;
	a->answer = CB_ACCEPTED;
	if ((rc = store_exec_wake(st, t.exec_pk, &a->woken)) != RC_OK)
		goto out;
	detail = json_object_new_object();
	json_object_object_add(detail, "step_index",
	    json_object_new_int64(t.idx));
	json_object_object_add(detail, "attempt",
	    json_object_new_int64(t.attempt));
	json_object_object_add(detail, "result", json_object_new_string(
	    json_object_object_get_ex(a->r->body, "output", NULL) ?
	    "output" : "error"));
	rc = store_audit(st, &who, "execution.callback", "execution",
	    a->exec_id, detail);
	json_object_put(detail);
out:
	store_callback_token_free(&t);
	return rc;
}

void
http_h_callback(struct http_req *r)
{
	struct cb_args		 a;
	struct json_object	*o;
	struct verr		*ve;
	char			*canon;
	int			 rc;

	if (http_req_body(r, 0) != RC_OK) {
		metrics_callback("invalid");
		return;
	}
	ve = verr_new();
	check_body(r->body, ve);
	if (verr_count(ve) > 0) {
		http_resp_verr(r, ve);
		verr_free(ve);
		metrics_callback("invalid");
		return;
	}
	verr_free(ve);
	memset(&a, 0, sizeof(a));
	a.r = r;
	/* Whatever its shape: hash it and look it up (same cost). */
	cbtok_hash(r->id, strlen(r->id), a.hash);
	canon = jsonx_canon(r->body);
	/* A step's output has the limit of a response body or stdout. */
	if (strlen(canon) > CB_BODY_MAX) {
		free(canon);
		metrics_callback("invalid");
		http_resp_detail(r, 413, "Callback body over 1 MiB");
		return;
	}
	a.canon = canon;
	rc = store_tx(r->app->st, 0, cb_body, &a);
	free(canon);
	if (rc != RC_OK) {
		http_resp_rc(r, rc, "Callback token not found");
		return;
	}
	switch (a.answer) {
	case CB_ACCEPTED:
	case CB_REPEATED:
		log_set_exec(a.exec_id);
		log_info("callback %s", a.answer == CB_ACCEPTED ?
		    "accepted" : "repeated");
		if (a.answer == CB_ACCEPTED)
			http_nudge(r);
		metrics_callback(a.answer == CB_ACCEPTED ? "accepted" :
		    "repeated");
		o = json_object_new_object();
		json_object_object_add(o, "status",
		    json_object_new_string("accepted"));
		http_resp_json(r, 200, o);
		break;
	case CB_CONFLICT:
		metrics_callback("conflict");
		http_resp_detail(r, 409, "This callback token was already "
		    "used with another body");
		break;
	case CB_GONE:
		metrics_callback("gone");
		http_resp_detail(r, 410, "This callback token has expired or "
		    "was superseded by a later attempt");
		break;
	case CB_UNKNOWN:
		metrics_callback("not_found");
		http_resp_detail(r, 404, "Callback token not found");
		break;
	}
}
