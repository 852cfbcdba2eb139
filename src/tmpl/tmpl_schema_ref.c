/*
 * References inside a schema document: RFC 3986 resolution of "$id" and
 * "$ref" against a base URI, percent-decoding of fragments, and RFC 6901
 * JSON pointers (~0, ~1).
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tmpl_schema_int.h"

/* URIs (RFC 3986 section 5.2), enough to resolve "$id" and "$ref". */

struct uri {
	const char	*scheme, *auth, *path, *query, *frag;
	size_t		 lscheme, lauth, lpath, lquery, lfrag;
	int		 has_auth, has_query, has_frag;
};

static void
uri_parse(const char *s, struct uri *u)
{
	const char	*p, *e;

	memset(u, 0, sizeof(*u));
	for (p = s; *p != '\0' && *p != ':' && *p != '/' && *p != '?' &&
	    *p != '#'; p++)
		;
	if (*p == ':' && p > s) {
		u->scheme = s;
		u->lscheme = (size_t)(p - s);
		s = p + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		u->has_auth = 1;
		u->auth = s + 2;
		for (e = u->auth; *e != '\0' && *e != '/' && *e != '?' &&
		    *e != '#'; e++)
			;
		u->lauth = (size_t)(e - u->auth);
		s = e;
	}
	u->path = s;
	for (e = s; *e != '\0' && *e != '?' && *e != '#'; e++)
		;
	u->lpath = (size_t)(e - s);
	s = e;
	if (*s == '?') {
		u->has_query = 1;
		u->query = s + 1;
		for (e = u->query; *e != '\0' && *e != '#'; e++)
			;
		u->lquery = (size_t)(e - u->query);
		s = e;
	}
	if (*s == '#') {
		u->has_frag = 1;
		u->frag = s + 1;
		u->lfrag = strlen(u->frag);
	}
}

/* Remove dot segments from path (n bytes) into out (RFC 3986 5.2.4). */
static void
uri_dots(const char *in, size_t n, char *out)
{
	char	*o = out;
	size_t	 i = 0, seg;

	while (i < n) {
		if (n - i >= 3 && strncmp(in + i, "../", 3) == 0)
			i += 3;
		else if (n - i >= 2 && strncmp(in + i, "./", 2) == 0)
			i += 2;
		else if (n - i >= 3 && strncmp(in + i, "/./", 3) == 0)
			i += 2;
		else if (n - i == 2 && strncmp(in + i, "/.", 2) == 0) {
			*o++ = '/';
			i = n;
		} else if ((n - i >= 4 && strncmp(in + i, "/../", 4) == 0) ||
		    (n - i == 3 && strncmp(in + i, "/..", 3) == 0)) {
			i += 3;
			if (i > n)
				i = n;
			while (o > out && *(o - 1) != '/')
				o--;
			if (o > out)
				o--;
			if (i == n)
				*o++ = '/';
		} else if ((n - i == 1 && in[i] == '.') ||
		    (n - i == 2 && strncmp(in + i, "..", 2) == 0))
			i = n;
		else {
			seg = 1;
			while (i + seg < n && in[i + seg] != '/')
				seg++;
			memcpy(o, in + i, seg);
			o += seg;
			i += seg;
		}
	}
	*o = '\0';
}

/* The absolute URI of reference ref against base. Caller frees. */
char *
suri_resolve(const char *base, const char *ref)
{
	struct uri	 b, r;
	char		*path, *merged, *out;
	const char	*slash;
	size_t		 n;
	int		 has_auth, has_query;
	const char	*auth, *query, *scheme;
	size_t		 lauth, lquery, lscheme;

	uri_parse(base, &b);
	uri_parse(ref, &r);
	if (r.scheme != NULL) {
		scheme = r.scheme;
		lscheme = r.lscheme;
		has_auth = r.has_auth;
		auth = r.auth;
		lauth = r.lauth;
		path = xcalloc(1, r.lpath + 1);
		uri_dots(r.path, r.lpath, path);
		has_query = r.has_query;
		query = r.query;
		lquery = r.lquery;
	} else {
		scheme = b.scheme;
		lscheme = b.lscheme;
		if (r.has_auth) {
			has_auth = 1;
			auth = r.auth;
			lauth = r.lauth;
			path = xcalloc(1, r.lpath + 1);
			uri_dots(r.path, r.lpath, path);
			has_query = r.has_query;
			query = r.query;
			lquery = r.lquery;
		} else {
			has_auth = b.has_auth;
			auth = b.auth;
			lauth = b.lauth;
			if (r.lpath == 0) {
				path = xcalloc(1, b.lpath + 1);
				memcpy(path, b.path, b.lpath);
				has_query = r.has_query || b.has_query;
				query = r.has_query ? r.query : b.query;
				lquery = r.has_query ? r.lquery : b.lquery;
			} else {
				if (r.path[0] == '/')
					merged = xasprintf("%.*s",
					    (int)r.lpath, r.path);
				else if (b.has_auth && b.lpath == 0)
					merged = xasprintf("/%.*s",
					    (int)r.lpath, r.path);
				else {
					slash = NULL;
					for (n = 0; n < b.lpath; n++)
						if (b.path[n] == '/')
							slash = b.path + n;
					n = slash == NULL ? 0 :
					    (size_t)(slash - b.path) + 1;
					merged = xasprintf("%.*s%.*s",
					    (int)n, b.path, (int)r.lpath,
					    r.path);
				}
				path = xcalloc(1, strlen(merged) + 1);
				uri_dots(merged, strlen(merged), path);
				free(merged);
				has_query = r.has_query;
				query = r.query;
				lquery = r.lquery;
			}
		}
	}
	out = xasprintf("%.*s%s%s%.*s%s%s%.*s%s%.*s",
	    (int)lscheme, scheme == NULL ? "" : scheme,
	    scheme == NULL ? "" : ":", has_auth ? "//" : "",
	    (int)lauth, has_auth ? auth : "", path,
	    has_query ? "?" : "", (int)lquery, has_query ? query : "",
	    r.has_frag ? "#" : "", (int)r.lfrag, r.has_frag ? r.frag : "");
	free(path);
	return out;
}

/* Split u at '#': u keeps the part before, *frag the rest (may be ""). */
void
suri_split(char *u, const char **frag)
{
	char	*h;

	if ((h = strchr(u, '#')) == NULL) {
		*frag = "";
		return;
	}
	*h = '\0';
	*frag = h + 1;
}

/* Percent-decode a fragment into a new string; NULL when malformed. */
char *
spct_decode(const char *s)
{
	char	*out = xmalloc(strlen(s) + 1), *o = out;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		hi = s[1] == '\0' ? -1 : (s[1] >= '0' && s[1] <= '9') ?
		    s[1] - '0' : (s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'f' ?
		    (s[1] | 0x20) - 'a' + 10 : -1;
		lo = hi < 0 || s[2] == '\0' ? -1 :
		    (s[2] >= '0' && s[2] <= '9') ? s[2] - '0' :
		    (s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f' ?
		    (s[2] | 0x20) - 'a' + 10 : -1;
		if (lo < 0) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*o = '\0';
	return out;
}

/* The value at JSON pointer ptr (decoded) inside root, or NULL. */
struct json_object *
spointer_get(struct json_object *root, const char *ptr, int *found)
{
	struct json_object	*cur = root, *nx;
	char			 tok[1024];
	const char		*e;
	size_t			 i, n, idx;

	*found = 1;
	while (*ptr == '/') {
		ptr++;
		e = strchr(ptr, '/');
		n = e == NULL ? strlen(ptr) : (size_t)(e - ptr);
		if (n >= sizeof(tok))
			goto none;
		for (i = 0; n > 0; n--, ptr++) {
			if (*ptr == '~' && n > 1 && ptr[1] == '1') {
				tok[i++] = '/';
				ptr++;
				n--;
			} else if (*ptr == '~' && n > 1 && ptr[1] == '0') {
				tok[i++] = '~';
				ptr++;
				n--;
			} else
				tok[i++] = *ptr;
		}
		tok[i] = '\0';
		if (json_object_is_type(cur, json_type_object)) {
			if (!json_object_object_get_ex(cur, tok, &nx))
				goto none;
		} else if (json_object_is_type(cur, json_type_array)) {
			if (tok[0] == '\0' || (tok[0] == '0' && tok[1] != '\0'))
				goto none;
			for (idx = 0, i = 0; tok[i] != '\0'; i++) {
				if (tok[i] < '0' || tok[i] > '9' ||
				    idx > 100000000)
					goto none;
				idx = idx * 10 + (size_t)(tok[i] - '0');
			}
			if (idx >= json_object_array_length(cur))
				goto none;
			nx = json_object_array_get_idx(cur, idx);
		} else
			goto none;
		cur = nx;
	}
	if (*ptr != '\0')
		goto none;
	return cur;
none:
	*found = 0;
	return NULL;
}

