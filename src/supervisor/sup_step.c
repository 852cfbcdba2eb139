/*
 * Helpers shared by the http and command runners: the result type and
 * turning untrusted bytes into JSON values and UTF-8 text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common.h"
#include "log.h"
#include "sup_step.h"

#define SUP_JSON_DEPTH	64

void
sup_step_result_fini(struct sup_step_result *r)
{
	if (r == NULL)
		return;
	json_object_put(r->output);
	free(r->err_msg);
	memset(r, 0, sizeof(*r));
}

/* 1 when v holds no NaN or infinite number at any depth. */
static int
step_json_finite(struct json_object *v)
{
	struct json_object_iterator	 it, end;
	size_t				 i, n;

	switch (json_object_get_type(v)) {
	case json_type_double:
		return isfinite(json_object_get_double(v));
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (!step_json_finite(json_object_array_get_idx(v, i)))
				return 0;
		return 1;
	case json_type_object:
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			if (!step_json_finite(json_object_iter_peek_value(&it)))
				return 0;
		return 1;
	default:
		return 1;
	}
}

/*
 * Catch what json-c's strict mode lets through: single-quoted names,
 * a number ending in "." (which json-c would print back verbatim) and
 * raw control characters inside strings.
 */
static int
step_json_lexical_ok(const char *p, size_t len)
{
	size_t	i;
	int	in = 0;

	for (i = 0; i < len; i++) {
		if (in) {
			if ((unsigned char)p[i] < 0x20)
				return 0;
			if (p[i] == '\\')
				i++;		/* the escaped character */
			else if (p[i] == '"')
				in = 0;
			continue;
		}
		if (p[i] == '"')
			in = 1;
		else if (p[i] == '\'')
			return 0;
		else if (p[i] == '.' && (i + 1 == len || p[i + 1] < '0' ||
		    p[i + 1] > '9'))
			return 0;
	}
	return 1;
}

int
sup_step_json_parse(const char *buf, size_t len, struct json_object **out)
{
	struct json_tokener	*tok;
	struct json_object	*v;
	int			 ok;

	if (len >= INT32_MAX || !step_json_lexical_ok(buf, len))
		return RC_INVALID;
	if ((tok = json_tokener_new_ex(SUP_JSON_DEPTH)) == NULL)
		fatalx("json_tokener_new_ex");
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/*
	 * Hand over the terminating NUL too so that a number at the very
	 * end is complete; the parse must then end exactly at buf[len]
	 * (an earlier end means trailing text or an embedded NUL).
	 */
	v = json_tokener_parse_ex(tok, buf, (int)len + 1);
	/* A JSON null parses to v == NULL with success. */
	ok = json_tokener_get_error(tok) == json_tokener_success &&
	    json_tokener_get_parse_end(tok) == len && step_json_finite(v);
	json_tokener_free(tok);
	if (!ok) {
		json_object_put(v);
		return RC_INVALID;
	}
	*out = v;
	return RC_OK;
}

/* Length of the valid UTF-8 sequence at p[0..n), or 0 (RFC 3629). */
static size_t
step_utf8_seq(const unsigned char *p, size_t n)
{
	size_t		len, i;
	unsigned	lo = 0x80, hi = 0xbf;

	if (p[0] >= 0x01 && p[0] <= 0x7f)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else
		return 0;			/* NUL, continuation, c0, c1, f5+ */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

char *
sup_step_utf8_dup(const char *buf, size_t len)
{
	const unsigned char	*p = (const unsigned char *)buf;
	char			*s;
	size_t			 i = 0, o = 0, k;

	if (len > (SIZE_MAX - 1) / 3)
		fatalx("sup_step_utf8_dup: %zu bytes", len);
	s = xmalloc(len * 3 + 1);
	while (i < len) {
		if ((k = step_utf8_seq(p + i, len - i)) == 0) {
			memcpy(s + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(s + o, p + i, k);
		o += k;
		i += k;
	}
	s[o] = '\0';
	return s;
}
