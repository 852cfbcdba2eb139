/*
 * The notify object of a webhook (engine.md "Notifications", "Webhooks,
 * exactly"): {"url": "http(s)://...", "events": [...]}, in the execute
 * body and in a template's global_config. Pure: the secret of the signer
 * is checked by the caller, against the database.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "common.h"
#include "tmpl.h"
#include "verr.h"

static const char *const notify_events[] = {
	"completed", "failed", "cancelled", "waiting"
};

static void
err(struct verr *ve, const struct jpath *p, const char *type,
    const char *msg, struct json_object *v)
{
	verr_add(ve, type, p, msg, v, NULL);
}

/* Set em (NULL allowed) to the static reason why; returns RC_INVALID. */
static int
url_bad(struct errmsg *em, const char *why)
{
	errmsg_set(em, "%s", why);
	return RC_INVALID;
}

/*
 * An absolute http(s) URL with a host and without userinfo, spaces or
 * control characters. The host is judged again at every delivery
 * (SSRF rules), not here. RC_OK, or RC_INVALID with em set.
 */
static int
url_check(const char *s, struct errmsg *em)
{
	const char	*a, *end;
	size_t		 i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return url_bad(em, "url must not contain spaces or "
			    "control characters");
	if (strncasecmp(s, "http://", 7) == 0)
		a = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		a = s + 8;
	else
		return url_bad(em, "url must start with http:// or https://");
	end = a + strcspn(a, "/?#");
	if (end == a)
		return url_bad(em, "url must name a host");
	if (memchr(a, '@', (size_t)(end - a)) != NULL)
		return url_bad(em, "url must not contain userinfo");
	if (*a == ':')
		return url_bad(em, "url must name a host");
	return RC_OK;
}

int
tmpl_notify_check(struct json_object *v, struct jpath *p, struct verr *ve)
{
	struct json_object	*u, *ev, *e;
	struct errmsg		 em;
	size_t			 before = verr_count(ve), i, j, n;
	int			 seen[4] = { 0 };

	if (!json_object_is_type(v, json_type_object)) {
		err(ve, p, "dict_type", "Input should be a valid dictionary", v);
		return RC_INVALID;
	}
	jpath_key(p, "url");
	if (!json_object_object_get_ex(v, "url", &u))
		err(ve, p, "missing", "Field required", v);
	else if (!json_object_is_type(u, json_type_string))
		err(ve, p, "string_type", "Input should be a valid string", u);
	else if (util_utf8_len(json_object_get_string(u),
	    strlen(json_object_get_string(u))) > TMPL_NOTIFY_URL_MAX)
		verr_add(ve, "string_too_long", p, "String should have at "
		    "most 2048 characters", u, NULL);
	else if (url_check(json_object_get_string(u), &em) != RC_OK) {
		char msg[128];

		snprintf(msg, sizeof(msg), "Value error, %.114s", em.text);
		err(ve, p, "value_error", msg, u);
	}
	jpath_pop(p);
	jpath_key(p, "events");
	if (!json_object_object_get_ex(v, "events", &ev))
		err(ve, p, "missing", "Field required", v);
	else if (!json_object_is_type(ev, json_type_array))
		err(ve, p, "list_type", "Input should be a valid list", ev);
	else if ((n = json_object_array_length(ev)) == 0)
		verr_add(ve, "too_short", p, "List should have at least 1 "
		    "item after validation, not 0", ev, NULL);
	else if (n > NITEMS(notify_events))
		verr_add(ve, "too_long", p, "List should have at most 4 "
		    "items after validation", ev, NULL);
	else
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(ev, i);
			jpath_idx(p, (int)i);
			for (j = 0; j < NITEMS(notify_events); j++)
				if (json_object_is_type(e, json_type_string) &&
				    strcmp(json_object_get_string(e),
				    notify_events[j]) == 0)
					break;
			if (j == NITEMS(notify_events))
				verr_add(ve, "enum", p, "Input should be "
				    "'completed', 'failed', 'cancelled' or "
				    "'waiting'", e, NULL);
			else if (seen[j]++)
				err(ve, p, "value_error", "Value error, "
				    "events must be unique", e);
			jpath_pop(p);
		}
	jpath_pop(p);
	json_object_object_foreach(v, key, val) {
		if (strcmp(key, "url") == 0 || strcmp(key, "events") == 0)
			continue;
		jpath_key(p, key);
		err(ve, p, "extra_forbidden", "Extra inputs are not permitted",
		    val);
		jpath_pop(p);
	}
	return verr_count(ve) > before ? RC_INVALID : RC_OK;
}
