/*
 * Helpers shared by the execution suites: JSON paths, format checks, raw
 * requests, tokens, templates, list counts and polling.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "test_e2e_exec_util.h"

#define X_TOKENS_MAX	16

const char *
x_s(const char *s)
{
	return s != NULL ? s : "(null)";
}

size_t
x_len(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

int
x_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* One step of a path: a member of an object or an index of an array. */
static struct json_object *
step(struct json_object *o, const char *seg, size_t n)
{
	struct json_object	*v;
	char			 key[128];
	char			*end;
	long			 i;

	if (o == NULL || n >= sizeof(key))
		return NULL;
	memcpy(key, seg, n);
	key[n] = '\0';
	if (json_object_is_type(o, json_type_array)) {
		i = strtol(key, &end, 10);
		if (*end != '\0' || i < 0 ||
		    (size_t)i >= json_object_array_length(o))
			return NULL;
		return json_object_array_get_idx(o, (size_t)i);
	}
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

struct json_object *
x_at(struct json_object *o, const char *path)
{
	const char	*p = path;
	size_t		 n;

	while (o != NULL && *p != '\0') {
		n = strcspn(p, ".");
		o = step(o, p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	return o;
}

const char *
x_str(struct json_object *o, const char *path)
{
	struct json_object	*v = x_at(o, path);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long
x_int(struct json_object *o, const char *path)
{
	struct json_object	*v = x_at(o, path);

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return -1;
	return (long long)json_object_get_int64(v);
}

int
x_null(struct json_object *o, const char *path)
{
	struct json_object	*parent = o, *v;
	const char		*last = strrchr(path, '.');
	char			 head[256];

	if (last != NULL) {
		if ((size_t)(last - path) >= sizeof(head))
			return 0;
		memcpy(head, path, (size_t)(last - path));
		head[last - path] = '\0';
		parent = x_at(o, head);
		last++;
	} else
		last = path;
	if (parent == NULL || !json_object_is_type(parent, json_type_object))
		return 0;
	return json_object_object_get_ex(parent, last, &v) && v == NULL;
}

int
x_nkeys(struct json_object *o, const char *path)
{
	struct json_object	*v = *path == '\0' ? o : x_at(o, path);

	if (v == NULL || !json_object_is_type(v, json_type_object))
		return -1;
	return json_object_object_length(v);
}

int
x_alen(struct json_object *o, const char *path)
{
	struct json_object	*v = *path == '\0' ? o : x_at(o, path);

	if (v == NULL || !json_object_is_type(v, json_type_array))
		return -1;
	return (int)json_object_array_length(v);
}

const char *
x_json(struct json_object *v)
{
	if (v == NULL)
		return "null";
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

int
x_is_uuid(const char *s)
{
	size_t	i;

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

int
x_is_time(const char *s)
{
	static const char	fmt[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	size_t			i;

	if (s == NULL || strlen(s) != sizeof(fmt) - 1)
		return 0;
	for (i = 0; fmt[i] != '\0'; i++)
		if (fmt[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != fmt[i])
			return 0;
	return 1;
}

int
x_exec(const char *token, const char *query, const char *body,
    const char *const *extra, struct resp *r)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s%s", X_EXEC_PATH,
	    query != NULL ? query : "");
	return e2e_req("POST", path, token, body, extra, r);
}

const char *
x_tok(const char *base)
{
	static struct {
		char	*base;
		char	*tok;
	}		 cache[X_TOKENS_MAX];
	int		 i;

	for (i = 0; i < X_TOKENS_MAX && cache[i].base != NULL; i++)
		if (strcmp(cache[i].base, base) == 0)
			return cache[i].tok;
	if (i == X_TOKENS_MAX)
		return NULL;
	cache[i].tok = e2e_token(x_run(base),
	    "workflow:execute,workflow:read,template:write");
	if (cache[i].tok == NULL)
		return NULL;
	cache[i].base = strdup(base);
	return cache[i].tok;
}

char *
x_template(const char *token, const char *name, const char *members)
{
	struct json_object	*n = json_object_new_string(name);
	char			*body, *id;
	size_t			 len;

	len = strlen(name) * 6 + strlen(members) + 64;
	if ((body = malloc(len)) == NULL) {
		json_object_put(n);
		return NULL;
	}
	snprintf(body, len, "{\"name\":%s,%s}", x_json(n), members);
	json_object_put(n);
	id = e2e_template(token, body);
	free(body);
	return id;
}

struct json_object *
x_get(const char *token, const char *id)
{
	struct json_object	*doc = NULL;
	struct resp		 r;
	char			 path[256];

	snprintf(path, sizeof(path), "%s/%s", X_EXECS_PATH, id);
	if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
		return NULL;
	if (r.status == 200)
		doc = json_object_get(r.json);
	resp_free(&r);
	return doc;
}

int
x_count(const char *token, const char *query, const char *name)
{
	struct json_object	*items, *it;
	struct resp		 r;
	char			 path[1024], cursor[128] = "";
	const char		*next;
	size_t			 i;
	int			 n = 0, pages;

	for (pages = 0; pages < 100; pages++) {
		snprintf(path, sizeof(path), "%s?limit=100%s%s%s%s",
		    X_EXECS_PATH, *query != '\0' ? "&" : "", query,
		    *cursor != '\0' ? "&cursor=" : "", cursor);
		if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
			return -1;
		if (r.status != 200 ||
		    (items = x_at(r.json, "items")) == NULL) {
			resp_free(&r);
			return -1;
		}
		for (i = 0; i < json_object_array_length(items); i++) {
			it = json_object_array_get_idx(items, i);
			if (name == NULL || (x_str(it, "execution_name") !=
			    NULL && strcmp(x_str(it, "execution_name"),
			    name) == 0))
				n++;
		}
		next = x_str(r.json, "next_cursor");
		if (next == NULL) {
			resp_free(&r);
			return n;
		}
		snprintf(cursor, sizeof(cursor), "%s", next);
		resp_free(&r);
	}
	return -1;
}

int
x_wait_status(const char *token, const char *id, const char *want,
    double seconds)
{
	struct json_object	*doc;
	double			 end = x_now() + seconds;
	int			 ok;

	do {
		doc = x_get(token, id);
		ok = doc != NULL && x_str(doc, "status") != NULL &&
		    strcmp(x_str(doc, "status"), want) == 0;
		json_object_put(doc);
		if (ok)
			return 1;
		x_sleep_ms(50);
	} while (x_now() < end);
	return 0;
}

long
x_cancel(const char *token, const char *id)
{
	struct resp	r;
	char		path[256];
	long		st;

	snprintf(path, sizeof(path), "%s/%s/cancel", X_EXECS_PATH, id);
	if (e2e_req("POST", path, token, NULL, NULL, &r) != 0)
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

void
x_sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

double
x_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
