/*
 * Strict JSON parsing of request bodies and RFC 8785 canonicalisation.
 */
#ifndef WFM_JSONX_H
#define WFM_JSONX_H

#include <stddef.h>
#include <json-c/json.h>

#define JSONX_DEPTH_MAX	32

/*
 * The deepest nesting of objects and arrays that MariaDB's JSON_VALID
 * (and so every JSON column's CHECK) accepts: 31 in 10.11, where
 * JSON_DEPTH counts the scalar inside as a 32nd level. A request body may
 * nest one level more (JSONX_DEPTH_MAX, api.md); a value stored as a whole
 * must stay within this.
 */
#define JSONX_STORE_DEPTH_MAX	31

/*
 * Parse exactly one JSON value from buf[0..len): UTF-8 validated, no
 * trailing bytes except white space, no NaN or Infinity, no NUL inside
 * strings, nesting at most JSONX_DEPTH_MAX. Duplicate keys: the last wins.
 * RC_OK: *out is a new reference owned by the caller (JSON null gives
 * *out == NULL). RC_INVALID: *errpos is the byte offset at which parsing
 * failed and *msg a static phrase.
 */
int	 jsonx_parse(const char *buf, size_t len, struct json_object **out,
	    size_t *errpos, const char **msg);

/*
 * The RFC 8785 (JCS) canonical serialisation of v: keys sorted by UTF-16
 * code units, no white space, numbers in ECMAScript shortest form (so 1
 * and 1.0 are both "1"). Returns a new string owned by the caller.
 */
char	*jsonx_canon(struct json_object *v);

/* SHA-256 of jsonx_canon(v) as 64 lower-case hex digits plus NUL. */
void	 jsonx_canon_hash(struct json_object *v, char hex[65]);

/*
 * 1 if v nests objects and arrays deeper than max levels (a scalar or
 * null is 0 deep, [] is 1), else 0. Walks at most max + 1 levels.
 */
int	 jsonx_deeper(struct json_object *v, int max);

/* 1 if a and b are equal after canonicalisation. */
int	 jsonx_equal(struct json_object *a, struct json_object *b);

#endif
