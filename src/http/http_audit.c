/*
 * GET /workflow-management/audit: the audit log for admins, newest first,
 * filtered by user_id, action and since (RFC 3339), cursor-paginated. The
 * 'execution.create' records of executions created since sql/010 are the
 * execution rows themselves; retention moves them to audit_log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "store_audit.h"

/* Parse "2026-11-25T10:00:00[.123]Z" into epoch ms; RC_OK or RC_INVALID. */
static int
parse_time(const char *s, long long *ms)
{
	struct tm	 tm;
	const char	*p;
	int		 frac = 0, digits = 0;

	memset(&tm, 0, sizeof(tm));
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return RC_INVALID;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits++ < 3)
				frac = frac * 10 + (*p - '0');
		while (digits > 0 && digits < 3) {
			frac *= 10;
			digits++;
		}
	}
	if (strcmp(p, "Z") != 0)
		return RC_INVALID;
	*ms = (long long)timegm(&tm) * 1000 + frac;
	return RC_OK;
}

void
http_h_audit_list(struct http_req *r)
{
	struct json_object		*items, *it;
	struct store_audit_filter	 f;
	struct store_audit_list		 l;
	const struct store_audit_row	*v;
	char				*uid, *action, *since;
	char				 ts[UTIL_TIME_LEN];
	long long			 limit, before, since_ms = 0;
	size_t				 i;
	int				 bad = 0, rc;

	if (http_page_args(r, &limit, &before) != RC_OK)
		return;
	uid = http_query_get(r, "user_id", &bad);
	action = http_query_get(r, "action", &bad);
	since = http_query_get(r, "since", &bad);
	if (bad || (uid != NULL && (*uid == '\0' || strlen(uid) > 255)) ||
	    (action != NULL && (*action == '\0' || strlen(action) > 64)) ||
	    (since != NULL && parse_time(since, &since_ms) != RC_OK)) {
		http_resp_detail(r, 400, "Invalid query parameter");
		goto out;
	}
	memset(&f, 0, sizeof(f));
	f.user = uid;
	f.action = action;
	f.since_ms = since != NULL ? since_ms : STORE_NO_MS;
	f.before = before;
	f.limit = limit + 1;	/* one more: is there a next page? */
	if ((rc = store_audit_list(r->app->st, &f, &l)) != RC_OK) {
		http_resp_rc(r, rc, NULL);
		goto out;
	}
	items = json_object_new_array();
	for (i = 0; i < l.n && i < (size_t)limit; i++) {
		v = &l.v[i];
		it = json_object_new_object();
		util_time_fmt(v->at_ms, ts);
		json_object_object_add(it, "at", json_object_new_string(ts));
		/* NULL: a callback (the token, not a user, acted). */
		json_object_object_add(it, "user_id", v->user == NULL ? NULL :
		    json_object_new_string(v->user));
		json_object_object_add(it, "action",
		    json_object_new_string(v->action));
		json_object_object_add(it, "object_type",
		    json_object_new_string(v->object_type));
		json_object_object_add(it, "object_id",
		    json_object_new_string(v->object_id));
		json_object_object_add(it, "client_addr", v->client == NULL ?
		    NULL : json_object_new_string(v->client));
		json_object_object_add(it, "request_id", v->reqid == NULL ?
		    NULL : json_object_new_string(v->reqid));
		json_object_object_add(it, "detail", v->detail == NULL ? NULL :
		    json_tokener_parse(v->detail));
		json_object_array_add(items, it);
	}
	http_page_send(r, items, l.n, limit, l.n > (size_t)limit ?
	    l.v[limit - 1].key : 0);
	store_audit_list_free(&l);
out:
	free(uid);
	free(action);
	free(since);
}
