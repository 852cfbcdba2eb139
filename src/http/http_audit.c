/*
 * GET /workflow-management/audit: the audit log for admins, newest first,
 * filtered by user_id, action and since (RFC 3339), cursor-paginated. The
 * 'execution.create' records of executions created since sql/010 are the
 * execution rows themselves; retention moves them to audit_log.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "http.h"
#include "http_int.h"

/*
 * The millisecond of a page key of STMT_AUDIT_LIST (store_sql.c,
 * AUDIT_KEY): milliseconds since 2020-01-01 in the bits above the 22 low.
 */
#define AUDIT_KEY_MS(k)	(((k) >> 22) + 1577836800000LL)

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
	struct json_object	*items, *it;
	struct sparam		 p[21], *q;
	struct sres		 res;
	char			*uid, *action, *since, ts[UTIL_TIME_LEN];
	const char		*d;
	long long		 limit, before, since_ms = 0;
	size_t			 i;
	int			 bad = 0, rc, h;

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
	/*
	 * Two halves (audit_log, executions: sql/010), each read newest first
	 * from the cursor's millisecond on; the key itself (column 0) orders
	 * the rows within that millisecond.
	 */
	for (h = 0; h < 2; h++) {
		q = p + 10 * h;
		q[0] = SP_STR(uid);
		q[1] = SP_STR(uid);
		q[2] = SP_STR(action);
		q[3] = SP_STR(action);
		q[4] = since != NULL ? SP_INT(since_ms) : SP_NULL();
		q[5] = since != NULL ? SP_INT(since_ms) : SP_NULL();
		q[6] = before != LLONG_MAX ? SP_INT(AUDIT_KEY_MS(before)) :
		    SP_NULL();
		q[7] = before != LLONG_MAX ? SP_INT(AUDIT_KEY_MS(before)) :
		    SP_NULL();
		q[8] = SP_INT(before);
		q[9] = SP_INT(limit + 1);
	}
	p[20] = SP_INT(limit + 1);
	if ((rc = store_exec(r->app->st, STMT_AUDIT_LIST, p, 21, &res, NULL,
	    NULL)) != RC_OK) {
		http_resp_rc(r, rc, NULL);
		goto out;
	}
	items = json_object_new_array();
	for (i = 0; i < res.nrows && i < (size_t)limit; i++) {
		it = json_object_new_object();
		util_time_fmt(sres_int(&res, i, 1), ts);
		json_object_object_add(it, "at", json_object_new_string(ts));
		/* NULL: a callback (the token, not a user, acted). */
		d = sres_get(&res, i, 2, NULL);
		json_object_object_add(it, "user_id", d == NULL ? NULL :
		    json_object_new_string(d));
		json_object_object_add(it, "action",
		    json_object_new_string(sres_get(&res, i, 3, NULL)));
		json_object_object_add(it, "object_type",
		    json_object_new_string(sres_get(&res, i, 4, NULL)));
		json_object_object_add(it, "object_id",
		    json_object_new_string(sres_get(&res, i, 5, NULL)));
		d = sres_get(&res, i, 6, NULL);
		json_object_object_add(it, "client_addr", d == NULL ? NULL :
		    json_object_new_string(d));
		d = sres_get(&res, i, 7, NULL);
		json_object_object_add(it, "request_id", d == NULL ? NULL :
		    json_object_new_string(d));
		d = sres_get(&res, i, 8, NULL);
		json_object_object_add(it, "detail", d == NULL ? NULL :
		    json_tokener_parse(d));
		json_object_array_add(items, it);
	}
	http_page_reply(r, items, &res, limit, 0);
	sres_free(&res);
out:
	free(uid);
	free(action);
	free(since);
}
