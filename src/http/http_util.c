/*
 * Shared request-validation helpers, page cursors and the audit writer.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "log.h"

static size_t
utf8_len(const char *s, size_t n)
{
	size_t	i, cps = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cps++;
	return cps;
}

int
http_check_str(struct verr *ve, const struct jpath *p, struct json_object *v,
    size_t min, size_t max)
{
	struct json_object	*ctx;
	size_t			 n;
	char			 msg[96];

	n = utf8_len(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v));
	if (n < min) {
		ctx = json_object_new_object();
		json_object_object_add(ctx, "min_length",
		    json_object_new_int64((int64_t)min));
		snprintf(msg, sizeof(msg), "String should have at least %zu "
		    "character%s", min, min == 1 ? "" : "s");
		verr_add(ve, "string_too_short", p, msg, v, ctx);
		return 1;
	}
	if (n > max) {
		ctx = json_object_new_object();
		json_object_object_add(ctx, "max_length",
		    json_object_new_int64((int64_t)max));
		snprintf(msg, sizeof(msg), "String should have at most %zu "
		    "character%s", max, max == 1 ? "" : "s");
		verr_add(ve, "string_too_long", p, msg, v, ctx);
		return 1;
	}
	return 0;
}

int
http_check_object(struct http_req *r, struct verr *ve)
{
	struct jpath	p;

	if (json_object_is_type(r->body, json_type_object))
		return 1;
	jpath_init(&p, "body");
	verr_add(ve, "model_type", &p, "Input should be a valid dictionary or "
	    "object to extract fields from", r->body, NULL);
	return 0;
}

void
http_check_extra(struct json_object *obj, const char *const *known,
    size_t n, struct verr *ve)
{
	struct jpath	p;
	size_t		i;

	json_object_object_foreach(obj, key, val) {
		for (i = 0; i < n; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i < n)
			continue;
		jpath_init(&p, "body");
		jpath_key(&p, key);
		verr_add(ve, "extra_forbidden", &p, "Extra inputs are not "
		    "permitted", val, NULL);
	}
}

/* FNV-1a over "wfm-cursor:<id>": detects cursors we did not issue. */
static unsigned
cursor_check(long long id)
{
	char		 buf[48];
	unsigned	 h = 2166136261u;
	int		 i, n;

	n = snprintf(buf, sizeof(buf), "wfm-cursor:%lld", id);
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)buf[i]) * 16777619u;
	return h;
}

char *
http_cursor_make(long long id)
{
	return xasprintf("c%llx.%08x", id, cursor_check(id));
}

int
http_cursor_parse(const char *s, long long *id)
{
	char		*end;
	long long	 v;
	unsigned long	 chk;

	if (s[0] != 'c' || strlen(s) > 32)
		return RC_INVALID;
	v = strtoll(s + 1, &end, 16);
	if (end == s + 1 || *end != '.' || v <= 0)
		return RC_INVALID;
	chk = strtoul(end + 1, &end, 16);
	if (*end != '\0' || strlen(s) - (size_t)(strchr(s, '.') - s) != 9 ||
	    chk != cursor_check(v))
		return RC_INVALID;
	*id = v;
	return RC_OK;
}

int
http_page_args(struct http_req *r, long long *limit, long long *before)
{
	char		*v;
	const char	*why;
	int		 bad = 0;

	*limit = 20;
	*before = LLONG_MAX;
	if ((v = http_query_get(r, "limit", &bad)) != NULL || bad) {
		if (bad || util_number(v, 1, 100, limit, &why) != RC_OK) {
			free(v);
			http_resp_detail(r, 400, "limit must be an integer "
			    "from 1 to 100");
			return RC_INVALID;
		}
		free(v);
	}
	if ((v = http_query_get(r, "cursor", &bad)) != NULL || bad) {
		if (bad || http_cursor_parse(v, before) != RC_OK) {
			free(v);
			http_resp_detail(r, 400, "Invalid cursor");
			return RC_INVALID;
		}
		free(v);
	}
	return RC_OK;
}

void
http_page_reply(struct http_req *r, struct json_object *items,
    const struct sres *res, long long limit, size_t idcol)
{
	struct json_object	*o = json_object_new_object();
	char			*cur;

	json_object_object_add(o, "items", items);
	if (res->nrows > (size_t)limit) {
		cur = http_cursor_make(sres_int(res, (size_t)limit - 1, idcol));
		json_object_object_add(o, "next_cursor",
		    json_object_new_string(cur));
		free(cur);
	} else
		json_object_object_add(o, "next_cursor", NULL);
	http_resp_json(r, 200, o);
}

int
http_audit(struct http_req *r, const char *action, const char *otype,
    const char *oid, struct json_object *detail)
{
	struct store_actor	who = { r->who.sub, r->remote_addr, r->reqid };

	return store_audit(r->app->st, &who, action, otype, oid, detail);
}
