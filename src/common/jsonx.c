/*
 * Strict JSON parsing of request bodies and RFC 8785 (JCS) canonical
 * serialisation.
 *
 * Parsing is done by json-c's tokener in strict mode. json-c 0.16 still
 * accepts a few things RFC 8259 does not (NaN, Infinity, "1.", "01",
 * raw control characters in strings, UTF-8 overlongs, encoded surrogates
 * and code points above U+10FFFF, lone \u surrogates, numbers that
 * overflow) and clamps integers beyond 64 bits, so a lexical scanner
 * (jsonx_scan) walks the part json-c consumed and reports the first of
 * those, and the nesting depth, with its byte offset.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common.h"
#include "log.h"
#include "jsonx.h"

/* Integers of at most this magnitude print as integers in JCS. */
#define JSONX_SAFE_INT	9007199254740992LL	/* 2^53 */

/* A growable output string. */
struct jbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/* State of the lexical scanner. */
struct jscan {
	const unsigned char	*s;
	size_t			 len;	/* bytes that may be read */
	size_t			 lim;	/* no token starts at or after this */
	size_t			 pos;
	int			 depth;
	size_t			 errpos;
	const char		*msg;
	size_t			*big;	/* ends of integers beyond 64 bits */
	size_t			 nbig;
	size_t			 capbig;
};

static void
jbuf_grow(struct jbuf *b, size_t n)
{
	size_t	 cap;

	if (b->len + n + 1 <= b->cap)
		return;
	cap = b->cap == 0 ? 64 : b->cap;
	while (cap < b->len + n + 1) {
		if (cap > SIZE_MAX / 2)
			fatalx("jsonx: output too large");
		cap *= 2;
	}
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

static void
jbuf_addn(struct jbuf *b, const char *s, size_t n)
{
	jbuf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
jbuf_adds(struct jbuf *b, const char *s)
{
	jbuf_addn(b, s, strlen(s));
}

static void
jbuf_addc(struct jbuf *b, char c)
{
	jbuf_addn(b, &c, 1);
}

/*
 * Decode one UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) from s[0..n), n > 0. Returns its length and
 * sets *cp, or returns 0 and sets *bad to the offset of the first byte
 * that makes it invalid (n when the sequence is cut short).
 */
static size_t
jsonx_utf8(const unsigned char *s, size_t n, uint32_t *cp, size_t *bad)
{
	unsigned char	 c = s[0], lo = 0x80, hi = 0xbf;
	size_t		 need, i;
	uint32_t	 v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*bad = 0;
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n) {
			*bad = n;
			return 0;
		}
		if (s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return need + 1;
}

static int
jscan_err(struct jscan *sc, size_t pos, const char *msg)
{
	sc->errpos = pos;
	sc->msg = msg;
	return RC_INVALID;
}

static int
jscan_hex4(const unsigned char *s, size_t n, uint32_t *out)
{
	uint32_t	 v = 0;
	size_t		 i;
	unsigned char	 c;

	if (n < 4)
		return RC_INVALID;
	for (i = 0; i < 4; i++) {
		c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return RC_INVALID;
	}
	*out = v;
	return RC_OK;
}

/* The escape at sc->pos (a backslash); advances past it. */
static int
jscan_escape(struct jscan *sc)
{
	const unsigned char	*s = sc->s;
	size_t			 at = sc->pos, n = sc->len;
	uint32_t		 hi, lo;

	if (at + 1 >= n)
		return jscan_err(sc, n, "unterminated string");
	switch (s[at + 1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		sc->pos += 2;
		return RC_OK;
	case 'u':
		break;
	default:
		return jscan_err(sc, at, "invalid escape in string");
	}
	if (jscan_hex4(s + at + 2, n - at - 2, &hi) != RC_OK)
		return jscan_err(sc, at, "invalid escape in string");
	if (hi == 0)
		return jscan_err(sc, at, "NUL in string");
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return jscan_err(sc, at, "unpaired surrogate in string");
	if (hi < 0xd800 || hi > 0xdbff) {
		sc->pos += 6;
		return RC_OK;
	}
	if (at + 7 >= n || s[at + 6] != '\\' || s[at + 7] != 'u' ||
	    jscan_hex4(s + at + 8, n - at - 8, &lo) != RC_OK ||
	    lo < 0xdc00 || lo > 0xdfff)
		return jscan_err(sc, at, "unpaired surrogate in string");
	sc->pos += 12;
	return RC_OK;
}

/* The string starting at sc->pos (a quote); advances past it. */
static int
jscan_string(struct jscan *sc)
{
	const unsigned char	*s = sc->s;
	uint32_t		 cp;
	size_t			 k, bad;

	sc->pos++;
	for (;;) {
		if (sc->pos >= sc->len)
			return jscan_err(sc, sc->len, "unterminated string");
		if (s[sc->pos] == '"') {
			sc->pos++;
			return RC_OK;
		}
		if (s[sc->pos] == '\\') {
			if (jscan_escape(sc) != RC_OK)
				return RC_INVALID;
		} else if (s[sc->pos] == '\0')
			return jscan_err(sc, sc->pos, "NUL in string");
		else if (s[sc->pos] < 0x20)
			return jscan_err(sc, sc->pos,
			    "control character in string");
		else if (s[sc->pos] < 0x80)
			sc->pos++;
		else {
			k = jsonx_utf8(s + sc->pos, sc->len - sc->pos, &cp,
			    &bad);
			if (k == 0)
				return jscan_err(sc, sc->pos + bad,
				    "invalid UTF-8");
			sc->pos += k;
		}
	}
}

static int
jscan_isdigit(const struct jscan *sc, size_t i)
{
	return i < sc->len && sc->s[i] >= '0' && sc->s[i] <= '9';
}

/*
 * Whether the number text s[0..n) overflows a double. n is bounded by
 * the body size.
 */
static int
jscan_overflows(const unsigned char *s, size_t n)
{
	char	 small[64], *tmp;
	double	 d;

	tmp = n < sizeof(small) ? small : xmalloc(n + 1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	d = strtod(tmp, NULL);
	if (tmp != small)
		free(tmp);
	return !isfinite(d);
}

/*
 * Whether the integer text s[0..n) (optional minus, digits, no leading
 * zero) is outside what json-c stores exactly: [-2^63, 2^64 - 1].
 */
static int
jscan_beyond64(const unsigned char *s, size_t n)
{
	const char	*max = "18446744073709551615";

	if (s[0] == '-') {
		s++;
		n--;
		max = "9223372036854775808";
	}
	if (n != strlen(max))
		return n > strlen(max);
	return memcmp(s, max, n) > 0;
}

/* The number starting at sc->pos ('-' or a digit); advances past it. */
static int
jscan_number(struct jscan *sc)
{
	const unsigned char	*s = sc->s;
	size_t			 start = sc->pos, i = sc->pos;
	int			 isint = 1;

	if (s[i] == '-')
		i++;
	if (i < sc->len && (s[i] == 'I' || s[i] == 'N'))
		return jscan_err(sc, start, "NaN and Infinity are not allowed");
	if (!jscan_isdigit(sc, i))
		return jscan_err(sc, i, "invalid number");
	if (s[i] == '0') {
		i++;
		if (jscan_isdigit(sc, i))
			return jscan_err(sc, i, "leading zero in number");
	} else
		while (jscan_isdigit(sc, i))
			i++;
	if (i < sc->len && s[i] == '.') {
		isint = 0;
		i++;
		if (!jscan_isdigit(sc, i))
			return jscan_err(sc, i, "invalid number");
		while (jscan_isdigit(sc, i))
			i++;
	}
	if (i < sc->len && (s[i] == 'e' || s[i] == 'E')) {
		isint = 0;
		i++;
		if (i < sc->len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!jscan_isdigit(sc, i))
			return jscan_err(sc, i, "invalid number");
		while (jscan_isdigit(sc, i))
			i++;
	}
	if (isint && jscan_beyond64(s + start, i - start)) {
		/* Kept, converted through double as JCS does. */
		if (sc->nbig == sc->capbig) {
			sc->capbig = sc->capbig == 0 ? 8 : sc->capbig * 2;
			sc->big = xrealloc(sc->big,
			    sc->capbig * sizeof(*sc->big));
		}
		sc->big[sc->nbig++] = i;
		isint = 0;
	}
	if (!isint && jscan_overflows(s + start, i - start))
		return jscan_err(sc, start, "number out of range");
	sc->pos = i;
	return RC_OK;
}

/* The literal starting at sc->pos (a letter); advances past it. */
static int
jscan_literal(struct jscan *sc)
{
	const unsigned char	*s = sc->s + sc->pos;
	size_t			 n = 0;

	while (sc->pos + n < sc->len &&
	    ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')))
		n++;
	if ((n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0)) {
		sc->pos += n;
		return RC_OK;
	}
	if ((n == 3 && memcmp(s, "NaN", 3) == 0) ||
	    (n == 8 && memcmp(s, "Infinity", 8) == 0))
		return jscan_err(sc, sc->pos, "NaN and Infinity are not allowed");
	return jscan_err(sc, sc->pos, "invalid literal");
}

/*
 * Scan the tokens that start before sc->lim. RC_OK, or RC_INVALID with
 * sc->errpos and sc->msg set.
 */
static int
jscan_run(struct jscan *sc)
{
	unsigned char	 c;
	int		 rc;

	while (sc->pos < sc->lim) {
		c = sc->s[sc->pos];
		rc = RC_OK;
		switch (c) {
		case ' ':
		case '\t':
		case '\n':
		case '\r':
		case ',':
		case ':':
			sc->pos++;
			break;
		case '[':
		case '{':
			if (++sc->depth > JSONX_DEPTH_MAX)
				return jscan_err(sc, sc->pos,
				    "nesting too deep");
			sc->pos++;
			break;
		case ']':
		case '}':
			sc->depth--;
			sc->pos++;
			break;
		case '"':
			rc = jscan_string(sc);
			break;
		case '-':
			rc = jscan_number(sc);
			break;
		default:
			if (c >= '0' && c <= '9')
				rc = jscan_number(sc);
			else if ((c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z'))
				rc = jscan_literal(sc);
			else
				rc = jscan_err(sc, sc->pos,
				    "unexpected character");
			break;
		}
		if (rc != RC_OK)
			return rc;
	}
	return RC_OK;
}

static const char *
jsonx_tok_msg(enum json_tokener_error e)
{
	switch (e) {
	case json_tokener_error_depth:
		return "nesting too deep";
	case json_tokener_error_parse_eof:
		return "unexpected end of input";
	case json_tokener_error_parse_null:
	case json_tokener_error_parse_boolean:
		return "invalid literal";
	case json_tokener_error_parse_number:
		return "invalid number";
	case json_tokener_error_parse_array:
		return "expected ',' or ']'";
	case json_tokener_error_parse_object_key_name:
		return "expected a quoted object key";
	case json_tokener_error_parse_object_key_sep:
		return "expected ':'";
	case json_tokener_error_parse_object_value_sep:
		return "expected ',' or '}'";
	case json_tokener_error_parse_string:
		return "invalid escape in string";
	case json_tokener_error_parse_utf8_string:
		return "invalid UTF-8";
	default:
		return "unexpected character";
	}
}

/*
 * One json-c pass over buf[0..len), 0 < len <= INT_MAX. Returns the
 * tokener's verdict; *end is where it stopped (the error offset, or the
 * end of the value); on success *out is the value (NULL for null).
 */
static enum json_tokener_error
jsonx_tok(const char *buf, size_t len, struct json_object **out,
    size_t *end)
{
	struct json_tokener	*tok;
	struct json_object	*v;
	enum json_tokener_error	 e;

	/* json-c counts scalars as a level too, hence the + 1. */
	if ((tok = json_tokener_new_ex(JSONX_DEPTH_MAX + 1)) == NULL)
		fatalx("json_tokener_new_ex");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS | JSON_TOKENER_VALIDATE_UTF8);
	v = json_tokener_parse_ex(tok, buf, (int)len);
	e = json_tokener_get_error(tok);
	*end = json_tokener_get_parse_end(tok);
	if (e == json_tokener_continue) {
		/* A number at the very end needs a terminator: feed a NUL. */
		json_object_put(v);
		v = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		if (e == json_tokener_continue)
			e = json_tokener_error_parse_eof;
		*end = len;
	}
	json_tokener_free(tok);
	if (e != json_tokener_success) {
		json_object_put(v);
		v = NULL;
	}
	*out = v;
	return e;
}

/*
 * Parse again with ".0" after every integer beyond 64 bits, so json-c
 * makes it a double instead of clamping it. The text passed every check
 * already, so this cannot fail but for an internal error.
 */
static int
jsonx_reparse_big(const char *buf, size_t len, const struct jscan *sc,
    struct json_object **out)
{
	char		*cp;
	size_t		 i, from = 0, n = 0, end;
	int		 rc = RC_OK;

	if (len > (size_t)INT_MAX - 2 * sc->nbig) {
		log_warnx("jsonx: body too large to convert big integers");
		return RC_INVALID;
	}
	cp = xmalloc(len + 2 * sc->nbig);
	for (i = 0; i < sc->nbig; i++) {
		memcpy(cp + n, buf + from, sc->big[i] - from);
		n += sc->big[i] - from;
		memcpy(cp + n, ".0", 2);
		n += 2;
		from = sc->big[i];
	}
	memcpy(cp + n, buf + from, len - from);
	n += len - from;
	if (jsonx_tok(cp, n, out, &end) != json_tokener_success) {
		log_warnx("jsonx: reparse with big integers failed at %zu",
		    end);
		rc = RC_INVALID;
	}
	free(cp);
	return rc;
}

int
jsonx_parse(const char *buf, size_t len, struct json_object **out,
    size_t *errpos, const char **msg)
{
	struct json_object	*v = NULL;
	struct jscan		 sc;
	enum json_tokener_error	 e;
	size_t			 end, i;
	int			 rc = RC_INVALID;

	memset(&sc, 0, sizeof(sc));
	if (len == 0) {
		*errpos = 0;
		*msg = "empty input";
		return RC_INVALID;
	}
	if (len > INT_MAX - 1) {
		*errpos = 0;
		*msg = "input too large";
		return RC_INVALID;
	}
	e = jsonx_tok(buf, len, &v, &end);

	/*
	 * The first problem json-c let through, before where it stopped (at
	 * the same byte, ours says better what a non-ASCII byte is).
	 */
	sc.s = (const unsigned char *)buf;
	sc.len = len;
	sc.lim = e == json_tokener_success ? end : MIN(end + 1, len);
	/*
	 * A problem at the very end counts too when json-c succeeded: a bare
	 * "1." ends exactly where json-c stopped.
	 */
	if (jscan_run(&sc) != RC_OK && (sc.errpos < end ||
	    (sc.errpos == end && (e == json_tokener_success ||
	    e == json_tokener_error_parse_utf8_string)))) {
		*errpos = sc.errpos;
		*msg = sc.msg;
		goto out;
	}
	if (e != json_tokener_success) {
		*errpos = end;
		*msg = jsonx_tok_msg(e);
		goto out;
	}
	for (i = end; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r') {
			*errpos = i;
			*msg = "unexpected data after the value";
			goto out;
		}
	}
	if (sc.nbig > 0) {
		json_object_put(v);
		v = NULL;
		if (jsonx_reparse_big(buf, end, &sc, &v) != RC_OK) {
			*errpos = 0;
			*msg = "number out of range";
			goto out;
		}
	}
	*out = v;
	v = NULL;
	rc = RC_OK;
out:
	json_object_put(v);
	free(sc.big);
	return rc;
}

/*
 * A double in ECMAScript Number.prototype.toString form (ECMA-262
 * 7.1.12.1) as RFC 8785 3.2.2.3 requires: the shortest digits that read
 * back as d, then integer, fixed or exponent notation by the decimal
 * exponent. NaN and infinities have no JSON form and come out as null.
 */
static void
jsonx_canon_double(struct jbuf *b, double d)
{
	char	 tmp[40], digits[24], *p, *ep;
	int	 prec, k = 0, n, i, len;
	long	 e10;

	if (!isfinite(d)) {
		jbuf_adds(b, "null");
		return;
	}
	if (d == 0) {
		jbuf_adds(b, "0");	/* also -0 */
		return;
	}
	if (d < 0) {
		jbuf_addc(b, '-');
		d = -d;
	}
	for (prec = 1; prec <= 17; prec++) {
		len = snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (len < 0 || (size_t)len >= sizeof(tmp))
			fatalx("jsonx: snprintf double");
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* tmp is "D.DDDe+XX" or "De+XX". */
	for (p = tmp; *p != 'e' && *p != '\0'; p++)
		if (*p != '.' && k < (int)sizeof(digits) - 1)
			digits[k++] = *p;
	if (*p != 'e')
		fatalx("jsonx: unexpected double format %s", tmp);
	e10 = strtol(p + 1, &ep, 10);
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	n = (int)e10 + 1;

	if (k <= n && n <= 21) {
		jbuf_addn(b, digits, k);
		for (i = 0; i < n - k; i++)
			jbuf_addc(b, '0');
	} else if (0 < n && n <= 21) {
		jbuf_addn(b, digits, n);
		jbuf_addc(b, '.');
		jbuf_addn(b, digits + n, k - n);
	} else if (-6 < n && n <= 0) {
		jbuf_adds(b, "0.");
		for (i = 0; i < -n; i++)
			jbuf_addc(b, '0');
		jbuf_addn(b, digits, k);
	} else {
		jbuf_addc(b, digits[0]);
		if (k > 1) {
			jbuf_addc(b, '.');
			jbuf_addn(b, digits + 1, k - 1);
		}
		len = snprintf(tmp, sizeof(tmp), "e%c%d", n - 1 < 0 ? '-' : '+',
		    n - 1 < 0 ? 1 - n : n - 1);
		if (len < 0 || (size_t)len >= sizeof(tmp))
			fatalx("jsonx: snprintf exponent");
		jbuf_addn(b, tmp, len);
	}
}

static void
jsonx_canon_int(struct jbuf *b, struct json_object *v)
{
	char	 tmp[24];
	int64_t	 i = json_object_get_int64(v);
	int	 len;

	if (i == INT64_MAX) {
		/* Maybe a clamped uint64: JCS goes through double anyway. */
		jsonx_canon_double(b, (double)json_object_get_uint64(v));
		return;
	}
	if (i > JSONX_SAFE_INT || i < -JSONX_SAFE_INT) {
		jsonx_canon_double(b, (double)i);
		return;
	}
	len = snprintf(tmp, sizeof(tmp), "%lld", (long long)i);
	if (len < 0 || (size_t)len >= sizeof(tmp))
		fatalx("jsonx: snprintf int");
	jbuf_addn(b, tmp, len);
}

/* RFC 8785 3.2.2.2: only the two-character escapes JSON defines. */
static void
jsonx_canon_string(struct jbuf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 u[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t			 i, from = 0;
	unsigned char		 c;
	const char		*esc;

	jbuf_addc(b, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		jbuf_addn(b, s + from, i - from);
		from = i + 1;
		esc = NULL;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			u[4] = hex[c >> 4];
			u[5] = hex[c & 0xf];
			jbuf_addn(b, u, sizeof(u));
			break;
		}
		if (esc != NULL)
			jbuf_adds(b, esc);
	}
	jbuf_addn(b, s + from, n - from);
	jbuf_addc(b, '"');
}

/* Iterates the UTF-16 code units of a UTF-8 string. */
struct u16it {
	const unsigned char	*s;
	size_t			 n;
	uint32_t		 pend;	/* low surrogate still to return */
};

/* The next code unit, or -1 at the end. Bad bytes count as U+FFFD. */
static long
u16_next(struct u16it *it)
{
	uint32_t	 cp, u;
	size_t		 k, bad;

	if (it->pend != 0) {
		u = it->pend;
		it->pend = 0;
		return u;
	}
	if (it->n == 0)
		return -1;
	if ((k = jsonx_utf8(it->s, it->n, &cp, &bad)) == 0) {
		cp = 0xfffd;
		k = 1;
	}
	it->s += k;
	it->n -= k;
	if (cp >= 0x10000) {
		cp -= 0x10000;
		it->pend = 0xdc00 + (cp & 0x3ff);
		return 0xd800 + (cp >> 10);
	}
	return cp;
}

struct jsonx_member {
	const char		*key;
	struct json_object	*val;
};

/* RFC 8785 3.2.3: keys ordered by their UTF-16 code units. */
static int
jsonx_member_cmp(const void *a, const void *b)
{
	const struct jsonx_member	*ma = a, *mb = b;
	struct u16it			 ia, ib;
	long				 ua, ub;

	ia.s = (const unsigned char *)ma->key;
	ia.n = strlen(ma->key);
	ia.pend = 0;
	ib.s = (const unsigned char *)mb->key;
	ib.n = strlen(mb->key);
	ib.pend = 0;
	for (;;) {
		ua = u16_next(&ia);
		ub = u16_next(&ib);
		if (ua != ub)
			return ua < ub ? -1 : 1;
		if (ua == -1)
			break;
	}
	return strcmp(ma->key, mb->key);	/* only for invalid UTF-8 */
}

static void
jsonx_canon_value(struct jbuf *b, struct json_object *v)
{
	struct jsonx_member	*m;
	size_t			 i, n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		jbuf_adds(b, "null");
		break;
	case json_type_boolean:
		jbuf_adds(b, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_int:
		jsonx_canon_int(b, v);
		break;
	case json_type_double:
		jsonx_canon_double(b, json_object_get_double(v));
		break;
	case json_type_string:
		jsonx_canon_string(b, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		jbuf_addc(b, '[');
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i > 0)
				jbuf_addc(b, ',');
			jsonx_canon_value(b, json_object_array_get_idx(v, i));
		}
		jbuf_addc(b, ']');
		break;
	case json_type_object:
		n = (size_t)json_object_object_length(v);
		m = xcalloc(n, sizeof(*m));
		i = 0;
		json_object_object_foreach(v, key, val) {
			if (i < n) {
				m[i].key = key;
				m[i].val = val;
				i++;
			}
		}
		qsort(m, i, sizeof(*m), jsonx_member_cmp);
		jbuf_addc(b, '{');
		for (n = 0; n < i; n++) {
			if (n > 0)
				jbuf_addc(b, ',');
			jsonx_canon_string(b, m[n].key, strlen(m[n].key));
			jbuf_addc(b, ':');
			jsonx_canon_value(b, m[n].val);
		}
		jbuf_addc(b, '}');
		free(m);
		break;
	}
}

char *
jsonx_canon(struct json_object *v)
{
	struct jbuf	 b = { NULL, 0, 0 };

	jsonx_canon_value(&b, v);
	return b.s;
}

void
jsonx_canon_hash(struct json_object *v, char hex[65])
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	char			*s;

	s = jsonx_canon(v);
	if (EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		fatalx("jsonx: EVP_Digest sha256 failed");
	free(s);
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[64] = '\0';
}

int
jsonx_equal(struct json_object *a, struct json_object *b)
{
	char	*ca, *cb;
	int	 eq;

	ca = jsonx_canon(a);
	cb = jsonx_canon(b);
	eq = strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return eq;
}

int
jsonx_deeper(struct json_object *v, int max)
{
	struct json_object_iterator	 it, end;
	size_t				 i, n;

	switch (json_object_get_type(v)) {
	case json_type_array:
		if (max <= 0)
			return 1;
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (jsonx_deeper(json_object_array_get_idx(v, i),
			    max - 1))
				return 1;
		return 0;
	case json_type_object:
		if (max <= 0)
			return 1;
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			if (jsonx_deeper(json_object_iter_peek_value(&it),
			    max - 1))
				return 1;
		return 0;
	default:
		return 0;
	}
}
