/*
 * The formats engine.md asserts: date-time, date, time (RFC 3339 section
 * 5.6, leap seconds only at 23:59:60 UTC), duration (RFC 3339 appendix
 * A), email (RFC 5321 mailbox: dot-atom or quoted local part, hostname
 * or address literal), hostname (RFC 1123 labels; "xn--" labels must be
 * valid Punycode, RFC 3492), ipv4 (dotted decimal, no leading zeros),
 * ipv6 (RFC 4291 text forms), uri and uri-reference (RFC 3986), uuid
 * (RFC 4122 text form) and regex (ECMA-262, as "pattern"). Other formats
 * are annotations.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tmpl_schema_int.h"

static const char *const names[] = {
	"", "date-time", "date", "time", "duration", "email", "hostname",
	"ipv4", "ipv6", "uri", "uri-reference", "uuid", "regex"
};

enum sfmt
sfmt_parse(const char *name)
{
	size_t	 i;

	for (i = 1; i < NITEMS(names); i++)
		if (strcmp(name, names[i]) == 0)
			return (enum sfmt)i;
	return SF_NONE;
}

const char *
sfmt_name(enum sfmt f)
{
	return (size_t)f < NITEMS(names) ? names[f] : "";
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
ishex(char c)
{
	return isdig(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int
isalpha_(char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* n digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdig(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
date_ok(const char *s, size_t n)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	if ((y = digits(s, 4)) < 0 || (m = digits(s + 5, 2)) < 1 || m > 12 ||
	    (d = digits(s + 8, 2)) < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	return 1;
}

static int
time_ok(const char *s, size_t n)
{
	int	 h, m, sec, oh = 0, om = 0, sign = 0, utc;
	size_t	 i;

	if (n < 9 || s[2] != ':' || s[5] != ':')
		return 0;
	if ((h = digits(s, 2)) < 0 || h > 23 || (m = digits(s + 3, 2)) < 0 ||
	    m > 59 || (sec = digits(s + 6, 2)) < 0 || sec > 60)
		return 0;
	i = 8;
	if (s[i] == '.') {
		i++;
		if (i >= n || !isdig(s[i]))
			return 0;
		while (i < n && isdig(s[i]))
			i++;
	}
	if (i >= n)
		return 0;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
		sign = 0;
	else if ((s[i] == '+' || s[i] == '-') && i + 6 == n &&
	    s[i + 3] == ':') {
		sign = s[i] == '+' ? 1 : -1;
		if ((oh = digits(s + i + 1, 2)) < 0 || oh > 23 ||
		    (om = digits(s + i + 4, 2)) < 0 || om > 59)
			return 0;
	} else
		return 0;
	if (sec == 60) {
		/* A leap second is 23:59:60 in UTC. */
		utc = ((h * 60 + m - sign * (oh * 60 + om)) % 1440 + 1440) %
		    1440;
		if (utc != 23 * 60 + 59)
			return 0;
	}
	return 1;
}

static int
date_time_ok(const char *s, size_t n)
{
	return n > 11 && (s[10] == 'T' || s[10] == 't') && date_ok(s, 10) &&
	    time_ok(s + 11, n - 11);
}

/*
 * RFC 3339 appendix A: P then either weeks alone, or date units
 * (Y, M, D, each followed only by the next one) and/or T and time units
 * (H, M, S likewise); no fractions.
 */
static int
duration_ok(const char *s, size_t n)
{
	static const char dunits[] = "YMD", tunits[] = "HMS";
	const char	*units;
	size_t		 i = 1, j;
	int		 last, k, seen = 0, intime = 0;

	if (n < 2 || s[0] != 'P')
		return 0;
	last = -1;
	units = dunits;
	while (i < n) {
		if (s[i] == 'T') {
			if (intime || i + 1 == n)
				return 0;
			intime = 1;
			units = tunits;
			last = -1;
			i++;
			continue;
		}
		for (j = i; j < n && isdig(s[j]); j++)
			;
		if (j == i || j == n)
			return 0;
		if (s[j] == 'W') {
			if (seen || intime || j + 1 != n)
				return 0;
			return 1;
		}
		for (k = 0; k < 3 && units[k] != s[j]; k++)
			;
		/* Each unit after the one before it, none skipped. */
		if (k == 3 || k <= last || (last >= 0 && k != last + 1))
			return 0;
		last = k;
		seen = 1;
		i = j + 1;
	}
	return seen && (!intime || last >= 0);
}

static int
ipv4_ok(const char *s, size_t n)
{
	size_t	 i = 0, start;
	int	 parts = 0, v;

	while (parts < 4) {
		start = i;
		v = 0;
		while (i < n && isdig(s[i]) && i - start < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
			return 0;
		parts++;
		if (parts < 4) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

static int
ipv6_ok(const char *s, size_t n)
{
	struct in6_addr	 a;
	char		 buf[64];
	size_t		 i;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	for (i = 0; i < n; i++)
		if (!ishex(s[i]) && s[i] != ':' && s[i] != '.')
			return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/*
 * Punycode (RFC 3492) decoding of the label after "xn--" into out (at
 * most 64 code points): the count, or 0 when it does not decode.
 */
static size_t
punycode_decode(const char *s, size_t n, uint32_t out[64])
{
	size_t		 b = 0, j, in, nout = 0;
	uint64_t	 i = 0, bias = 72, cp = 128, oldi, w, k, t, digit, delta;
	int		 first = 1;

	for (j = 0; j < n; j++)
		if (s[j] == '-')
			b = j;
	if (b > 0 || (n > 0 && s[0] == '-')) {
		for (j = 0; j < b; j++)
			out[nout++] = (unsigned char)s[j];
		in = b + 1;
	} else
		in = 0;
	if (in >= n)
		return 0;
	while (in < n) {
		oldi = i;
		w = 1;
		for (k = 36;; k += 36) {
			if (in >= n)
				return 0;
			if (isdig(s[in]))
				digit = (uint64_t)(s[in] - '0') + 26;
			else if (isalpha_(s[in]))
				digit = (uint64_t)((s[in] | 0x20) - 'a');
			else
				return 0;
			in++;
			i += digit * w;
			if (i > 0x10FFFF * 64)
				return 0;
			t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
			if (digit < t)
				break;
			w *= 36 - t;
		}
		if (nout >= 64)
			return 0;
		delta = first ? (i - oldi) / 700 : (i - oldi) / 2;
		first = 0;
		delta += delta / (nout + 1);
		for (k = 0; delta > 455; k += 36)
			delta /= 35;
		bias = k + (36 * delta) / (delta + 38);
		cp += i / (nout + 1);
		i %= nout + 1;
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		memmove(out + i + 1, out + i, (nout - i) * sizeof(*out));
		out[i] = (uint32_t)cp;
		nout++;
		i++;
	}
	return nout;
}

enum { UC_MARK, UC_GREEK, UC_HEBREW, UC_KANA_HAN, UC_PVALID, UC_JOINING,
    UC_TRANSPARENT, UC_N };

/* Whether code point cp has Unicode class k (by PCRE2's tables). */
static int
uclass(uint32_t cp, int k)
{
	static const char *const pat[UC_N] = {
		"^\\p{M}", "^\\p{Greek}", "^\\p{Hebrew}",
		"^[\\p{Hiragana}\\p{Katakana}\\p{Han}]",
		"^[\\p{Ll}\\p{Lo}\\p{Lm}\\p{Mn}\\p{Mc}\\p{Nd}]",
		("^[\\p{Arabic}\\p{Syriac}\\p{Nko}\\p{Mongolian}"
		    "\\p{Mandaic}\\p{Manichaean}\\p{Phags_Pa}]"),
		"^\\p{Mn}",
	};
	static pcre2_code	*re[UC_N];
	static pcre2_match_data	*md;
	unsigned char		 u[4];
	size_t			 n;
	int			 code;
	PCRE2_SIZE		 off;

	if (re[k] == NULL) {
		re[k] = pcre2_compile((PCRE2_SPTR)pat[k],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &code, &off,
		    NULL);
		if (re[k] == NULL)
			return 0;
	}
	if (md == NULL && (md = pcre2_match_data_create(1, NULL)) == NULL)
		return 0;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return pcre2_match(re[k], u, n, 0, 0, md, NULL) >= 0;
}

static int
virama(uint32_t cp)
{
	static const uint32_t v[] = { 0x094D, 0x09CD, 0x0A4D, 0x0ACD, 0x0B4D,
	    0x0BCD, 0x0C4D, 0x0CCD, 0x0D3B, 0x0D3C, 0x0D4D, 0x0DCA, 0x0E3A,
	    0x0EBA, 0x0F84, 0x1039, 0x103A, 0x1714, 0x1734, 0x17D2, 0x1A60,
	    0x1B44, 0x1BAA, 0x1BAB, 0x1BF2, 0x1BF3, 0x2D7F, 0xA806, 0xA8C4,
	    0xA953, 0xA9C0, 0xAAF6, 0xABED };
	size_t	 i;

	for (i = 0; i < NITEMS(v); i++)
		if (v[i] == cp)
			return 1;
	return 0;
}

/*
 * A U-label against IDNA2008 (RFC 5891 section 4.2.3, RFC 5892): no
 * "--" at positions 3-4, no leading combining mark, the exceptions of
 * RFC 5892 section 2.6, and the CONTEXTJ and CONTEXTO rules of its
 * appendix A. Other code points must be lower-case letters, marks or
 * digits (an approximation of the PVALID derivation).
 */
static int
ulabel_ok(const uint32_t *u, size_t n)
{
	size_t	 i, j;
	int	 arabic = 0, ext = 0, kana = 0, dot = 0, ok;

	if (n == 0 || u[0] == '-' || u[n - 1] == '-' ||
	    (n >= 4 && u[2] == '-' && u[3] == '-') || uclass(u[0], UC_MARK))
		return 0;
	for (i = 0; i < n; i++) {
		uint32_t c = u[i];

		if (c == 0x0640 || c == 0x07FA || c == 0x302E || c == 0x302F ||
		    (c >= 0x3031 && c <= 0x3035) || c == 0x303B)
			return 0;
		if (c == 0x00DF || c == 0x03C2 || c == 0x06FD || c == 0x06FE ||
		    c == 0x0F0B || c == 0x3007 || c == '-' ||
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (c == 0x00B7)
			ok = i > 0 && i + 1 < n && u[i - 1] == 'l' &&
			    u[i + 1] == 'l';
		else if (c == 0x0375)
			ok = i + 1 < n && uclass(u[i + 1], UC_GREEK);
		else if (c == 0x05F3 || c == 0x05F4)
			ok = i > 0 && uclass(u[i - 1], UC_HEBREW);
		else if (c == 0x30FB)
			ok = dot = 1;
		else if (c == 0x200D)
			ok = i > 0 && virama(u[i - 1]);
		else if (c == 0x200C) {
			ok = i > 0 && virama(u[i - 1]);
			for (j = i; !ok && j > 0 &&
			    uclass(u[j - 1], UC_TRANSPARENT); j--)
				;
			if (!ok && j > 0 && uclass(u[j - 1], UC_JOINING)) {
				for (j = i + 1; j < n &&
				    uclass(u[j], UC_TRANSPARENT); j++)
					;
				ok = j < n && uclass(u[j], UC_JOINING);
			}
		} else
			ok = uclass(c, UC_PVALID);
		if (!ok)
			return 0;
		if (c >= 0x0660 && c <= 0x0669)
			arabic = 1;
		if (c >= 0x06F0 && c <= 0x06F9)
			ext = 1;
		if (c != 0x30FB && uclass(c, UC_KANA_HAN))
			kana = 1;
	}
	return !(arabic && ext) && !(dot && !kana);
}

static int
punycode_ok(const char *s, size_t n)
{
	uint32_t	 u[64];
	size_t		 k;

	if ((k = punycode_decode(s, n, u)) == 0)
		return 0;
	return ulabel_ok(u, k);
}

static int
label_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalpha_(s[i]) && !isdig(s[i]) && s[i] != '-')
			return 0;
	if (n >= 4 && s[2] == '-' && s[3] == '-') {
		if ((s[0] | 0x20) != 'x' || (s[1] | 0x20) != 'n')
			return 0;
		return punycode_ok(s + 4, n - 4);
	}
	return 1;
}

static int
hostname_ok(const char *s, size_t n)
{
	size_t	 i, start = 0;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!label_ok(s + start, i - start))
			return 0;
		start = i + 1;
	}
	return 1;
}

static int
email_ok(const char *s, size_t n)
{
	static const char atext[] = "!#$%&'*+-/=?^_`{|}~";
	size_t	 i, at;

	if (n == 0)
		return 0;
	if (s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++) {
			if (s[i] == '\\')
				i++;
			else if ((unsigned char)s[i] < 0x20)
				return 0;
		}
		if (i >= n || i + 1 >= n || s[i + 1] != '@')
			return 0;
		at = i + 1;
	} else {
		for (i = 0; i < n && s[i] != '@'; i++) {
			if (s[i] == '.') {
				if (i == 0 || s[i - 1] == '.' ||
				    i + 1 >= n || s[i + 1] == '@')
					return 0;
			} else if (!isalpha_(s[i]) && !isdig(s[i]) &&
			    strchr(atext, s[i]) == NULL)
				return 0;
		}
		if (i == 0 || i >= n)
			return 0;
		at = i;
	}
	s += at + 1;
	n -= at + 1;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n > 7 && strncmp(s + 1, "IPv6:", 5) == 0)
			return ipv6_ok(s + 6, n - 7);
		return ipv4_ok(s + 1, n - 2);
	}
	return hostname_ok(s, n);
}

static int
uuid_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n != UTIL_UUID_LEN - 1)
		return 0;
	for (i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!ishex(s[i]))
			return 0;
	}
	return 1;
}

/* RFC 3986 characters allowed outside percent-encoding in part p. */
static int
uri_char(char c, const char *extra)
{
	return isalpha_(c) || isdig(c) || strchr("-._~!$&'()*+,;=", c) !=
	    NULL || (c != '\0' && strchr(extra, c) != NULL);
}

/* A run of URI characters (with extra allowed) and %XX escapes. */
static int
uri_part(const char *s, size_t n, const char *extra)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || !ishex(s[i + 1]) || !ishex(s[i + 2]))
				return 0;
			i += 2;
		} else if (!uri_char(s[i], extra))
			return 0;
	}
	return 1;
}

static int
authority_ok(const char *s, size_t n)
{
	const char	*at, *host;
	size_t		 hn, i;

	at = memchr(s, '@', n);
	if (at != NULL) {
		if (!uri_part(s, (size_t)(at - s), ":"))
			return 0;
		host = at + 1;
	} else
		host = s;
	hn = n - (size_t)(host - s);
	if (hn > 0 && host[0] == '[') {
		const char *e = memchr(host, ']', hn);

		if (e == NULL)
			return 0;
		if (!ipv6_ok(host + 1, (size_t)(e - host - 1)))
			return 0;
		i = (size_t)(e - host) + 1;
	} else {
		for (i = 0; i < hn && host[i] != ':'; i++)
			;
		if (!uri_part(host, i, ""))
			return 0;
	}
	if (i < hn) {
		if (host[i] != ':')
			return 0;
		for (i++; i < hn; i++)
			if (!isdig(host[i]))
				return 0;
	}
	return 1;
}

static int
uri_ref_ok(const char *s, size_t n, int absolute)
{
	size_t	 i, e;

	for (i = 0; i < n && s[i] != ':' && s[i] != '/' && s[i] != '?' &&
	    s[i] != '#'; i++)
		;
	if (i < n && s[i] == ':' && i > 0) {
		if (!isalpha_(s[0]))
			return 0;
		for (e = 1; e < i; e++)
			if (!isalpha_(s[e]) && !isdig(s[e]) &&
			    strchr("+-.", s[e]) == NULL)
				return 0;
		s += i + 1;
		n -= i + 1;
	} else if (absolute)
		return 0;
	if (n >= 2 && s[0] == '/' && s[1] == '/') {
		for (e = 2; e < n && s[e] != '/' && s[e] != '?' &&
		    s[e] != '#'; e++)
			;
		if (!authority_ok(s + 2, e - 2))
			return 0;
		s += e;
		n -= e;
	}
	for (e = 0; e < n && s[e] != '?' && s[e] != '#'; e++)
		;
	if (!uri_part(s, e, ":@/"))
		return 0;
	s += e;
	n -= e;
	if (n > 0 && s[0] == '?') {
		for (e = 1; e < n && s[e] != '#'; e++)
			;
		if (!uri_part(s + 1, e - 1, ":@/?"))
			return 0;
		s += e;
		n -= e;
	}
	if (n > 0 && s[0] == '#')
		return uri_part(s + 1, n - 1, ":@/?");
	return 1;
}

static int
regex_ok(const char *s, size_t n)
{
	pcre2_code	*re;
	char		*t;

	if (n > SCHEMA_PATTERN_MAX || memchr(s, '\0', n) != NULL)
		return 0;
	t = xmalloc(n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	re = sre_compile(t, NULL);
	free(t);
	pcre2_code_free(re);
	return re != NULL;
}

int
sfmt_check(enum sfmt f, const char *s, size_t n)
{
	switch (f) {
	case SF_DATE_TIME:
		return date_time_ok(s, n);
	case SF_DATE:
		return date_ok(s, n);
	case SF_TIME:
		return time_ok(s, n);
	case SF_DURATION:
		return duration_ok(s, n);
	case SF_EMAIL:
		return email_ok(s, n);
	case SF_HOSTNAME:
		return hostname_ok(s, n);
	case SF_IPV4:
		return ipv4_ok(s, n);
	case SF_IPV6:
		return ipv6_ok(s, n);
	case SF_URI:
		return uri_ref_ok(s, n, 1);
	case SF_URI_REF:
		return uri_ref_ok(s, n, 0);
	case SF_UUID:
		return uuid_ok(s, n);
	case SF_REGEX:
		return regex_ok(s, n);
	default:
		return 1;
	}
}
