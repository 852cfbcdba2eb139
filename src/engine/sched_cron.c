/*
 * Cron expressions and fire times (engine.md "Schedules").
 *
 * The syntax and the day rule are Vixie cron's (cronie's entry.c): five
 * fields, "*", lists, ranges, steps, three-letter names; 0 and 7 are
 * Sunday; a field is restricted unless its text starts with '*', and
 * when both day fields are restricted a day matches if either does.
 *
 * The search works on local wall-clock minutes, field by field: months
 * that cannot match are skipped whole, and inside a matching day the hour
 * and minute masks give the next match directly, so its cost depends on
 * the number of days looked at (at most SCHED_HORIZON_YEARS of them), never
 * on minutes. Each local candidate is then resolved to UTC by the zone
 * (sched_tz_resolve: first occurrence, or the end of a gap). That mapping
 * is non-decreasing, so the first candidate that resolves after "after"
 * is the next fire, and candidates inside a gap collapse into one fire.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "sched_int.h"

#define CRON_SKIP_MAX	4096	/* candidates passed over in one search */
#define CRON_SHOW	16	/* bytes of bad input quoted in a message */
#define HORIZON_S	((int64_t)SCHED_HORIZON_YEARS * 366 * SCHED_DAY)

struct cron_field {
	const char		*name;
	int			 lo, hi;
	const char *const	*names;		/* index = value, or NULL */
};

static const char *const month_names[] = { "", "jan", "feb", "mar", "apr",
    "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", NULL };
static const char *const dow_names[] = { "sun", "mon", "tue", "wed", "thu",
    "fri", "sat", NULL };

static const struct cron_field fields[5] = {
	{ "minute", 0, 59, NULL },
	{ "hour", 0, 23, NULL },
	{ "day-of-month", 1, 31, NULL },
	{ "month", 1, 12, month_names },
	{ "day-of-week", 0, 7, dow_names }
};

static const struct {
	const char	*name;
	const char	*expr;
} macros[] = {
	{ "@yearly", "0 0 1 1 *" },
	{ "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" },
	{ "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" }
};

/* Parsing. */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* A number or (in fields that have them) a name at *pp, before end. */
static int
cron_value(const struct cron_field *f, const char **pp, const char *end,
    int *out, struct errmsg *err)
{
	const char	*p = *pp, *s = *pp;
	int		 v = 0, i;

	if (p < end && is_digit(*p)) {
		while (p < end && is_digit(*p))
			p++;
		if (p - s > 4) {
			errmsg_set(err, "%s: number %.*s is too long",
			    f->name, (int)MIN(p - s, CRON_SHOW), s);
			return RC_INVALID;
		}
		for (i = 0; i < p - s; i++)
			v = v * 10 + (s[i] - '0');
	} else if (p < end && is_alpha(*p)) {
		while (p < end && is_alpha(*p))
			p++;
		if (f->names == NULL) {
			errmsg_set(err, "%s: names are not allowed "
			    "here (\"%.*s\")", f->name,
			    (int)MIN(p - s, CRON_SHOW), s);
			return RC_INVALID;
		}
		for (i = 0; f->names[i] != NULL; i++)
			if (p - s == 3 && f->names[i][0] != '\0' &&
			    lower(s[0]) == f->names[i][0] &&
			    lower(s[1]) == f->names[i][1] &&
			    lower(s[2]) == f->names[i][2])
				break;
		if (f->names[i] == NULL) {
			errmsg_set(err, "%s: unknown name \"%.*s\"",
			    f->name, (int)MIN(p - s, CRON_SHOW), s);
			return RC_INVALID;
		}
		v = i;
	} else {
		if (p == end)
			errmsg_set(err, "%s: a value is missing",
			    f->name);
		else
			errmsg_set(err, "%s: unexpected character "
			    "'%c'", f->name, *p >= 0x21 && *p < 0x7f ? *p :
			    '?');
		return RC_INVALID;
	}
	if (v < f->lo || v > f->hi) {
		errmsg_set(err, "%s: %d is out of range %d-%d", f->name,
		    v, f->lo, f->hi);
		return RC_INVALID;
	}
	*pp = p;
	*out = v;
	return RC_OK;
}

/* One field s..end (no blanks) into *bits. */
static int
cron_field_parse(const struct cron_field *f, const char *s, const char *end,
    uint64_t *bits, struct errmsg *err)
{
	const char	*p = s, *q;
	int		 a, b, step, v, span;

	*bits = 0;
	for (;;) {
		step = 1;
		span = 0;
		if (p < end && *p == '*') {
			a = f->lo;
			b = f->hi;
			span = 1;
			p++;
		} else {
			if (cron_value(f, &p, end, &a, err) != RC_OK)
				return RC_INVALID;
			b = a;
			if (p < end && *p == '-') {
				p++;
				if (cron_value(f, &p, end, &b, err) !=
				    RC_OK)
					return RC_INVALID;
				if (b < a) {
					errmsg_set(err, "%s: range %d-%d "
					    "goes backwards", f->name, a, b);
					return RC_INVALID;
				}
				span = 1;
			}
		}
		if (p < end && *p == '/') {
			q = ++p;
			for (step = 0; p < end && is_digit(*p) && p - q < 4; p++)
				step = step * 10 + (*p - '0');
			if (p == q || (p < end && is_digit(*p))) {
				errmsg_set(err, "%s: a step must be a "
				    "number", f->name);
				return RC_INVALID;
			}
			if (step < 1 || step > f->hi - f->lo + 1) {
				errmsg_set(err, "%s: step %d is out of "
				    "range 1-%d", f->name, step,
				    f->hi - f->lo + 1);
				return RC_INVALID;
			}
			if (!span)	/* "a/n": from a to the end */
				b = f->hi;
		}
		for (v = a; v <= b; v += step)
			*bits |= UINT64_C(1) << v;
		if (p == end)
			return RC_OK;
		if (*p != ',') {
			errmsg_set(err, "%s: unexpected character '%c'",
			    f->name, *p >= 0x21 && *p < 0x7f ? *p : '?');
			return RC_INVALID;
		}
		if (++p == end) {
			errmsg_set(err, "%s: a value is missing after "
			    "','", f->name);
			return RC_INVALID;
		}
	}
}

static int
cron_parse5(const char *src, struct sched_cron *c, struct errmsg *err)
{
	const char	*p = src, *s;
	uint64_t	 bits[5];
	int		 n = 0, star[5];

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (n == 5) {
			errmsg_set(err, "expected 5 fields "
			    "(minute hour day-of-month month day-of-week), "
			    "found more");
			return RC_INVALID;
		}
		for (s = p; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			continue;
		star[n] = *s == '*';
		if (cron_field_parse(&fields[n], s, p, &bits[n], err) != RC_OK)
			return RC_INVALID;
		n++;
	}
	if (n != 5) {
		errmsg_set(err, "expected 5 fields (minute hour "
		    "day-of-month month day-of-week), found %d", n);
		return RC_INVALID;
	}
	memset(c, 0, sizeof(*c));
	c->minute = bits[0];
	c->hour = (uint32_t)bits[1];
	c->dom = (uint32_t)bits[2];
	c->month = (uint16_t)bits[3];
	/* 7 is Sunday too. */
	c->dow = (uint8_t)((bits[4] | bits[4] >> 7) & 0x7f);
	c->dom_star = (uint8_t)star[2];
	c->dow_star = (uint8_t)star[4];
	return RC_OK;
}

int
sched_cron_parse(const char *src, struct sched_cron *out, struct errmsg *err)
{
	const char	*p;
	size_t		 i, len;

	len = strnlen(src, SCHED_CRON_LEN_MAX + 1);
	if (len > SCHED_CRON_LEN_MAX) {
		errmsg_set(err, "longer than %d bytes",
		    SCHED_CRON_LEN_MAX);
		return RC_INVALID;
	}
	for (p = src; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t') {
			errmsg_set(err, "control character in "
			    "expression");
			return RC_INVALID;
		}
	for (p = src; *p == ' ' || *p == '\t'; p++)
		continue;
	if (*p != '@')
		return cron_parse5(src, out, err);
	for (len = 0; p[len] != '\0' && p[len] != ' ' && p[len] != '\t';
	    len++)
		continue;
	for (i = 0; i < NITEMS(macros); i++)
		if (strlen(macros[i].name) == len &&
		    strncasecmp(macros[i].name, p, len) == 0)
			break;
	if (i == NITEMS(macros)) {
		errmsg_set(err, "unknown macro \"%.*s\" (known: @yearly "
		    "@annually @monthly @weekly @daily @midnight @hourly)",
		    (int)MIN(len, CRON_SHOW), p);
		return RC_INVALID;
	}
	for (p += len; *p == ' ' || *p == '\t'; p++)
		continue;
	if (*p != '\0') {
		errmsg_set(err, "nothing may follow %s",
		    macros[i].name);
		return RC_INVALID;
	}
	return cron_parse5(macros[i].expr, out, err);
}

static int
cron_and(const struct sched_cron *c)
{
	return c->dom_star || c->dow_star;
}

int
sched_cron_never(const struct sched_cron *c)
{
	static const int maxlen[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int	 m, d;

	/* Either day field alone can match: some weekday always comes. */
	if (!cron_and(c))
		return 0;
	for (m = 1; m <= 12; m++)
		for (d = 1; d <= maxlen[m]; d++)
			if ((c->month >> m & 1) && (c->dom >> d & 1))
				return 0;
	return 1;
}

static int
cron_valid(const struct sched_cron *c)
{
	return (c->minute & ~((UINT64_C(1) << 60) - 1)) == 0 &&
	    c->minute != 0 && (c->hour & 0xffffff) != 0 &&
	    (c->dom & 0xfffffffe) != 0 && (c->month & 0x1ffe) != 0 &&
	    (c->dow & 0x7f) != 0;
}

/* Searching local minutes. */

/* The smallest set bit of mask at or after from (< 64), or -1. */
static int
bit_next(uint64_t mask, int from)
{
	if (from > 63)
		return -1;
	mask >>= from;
	return mask == 0 ? -1 : from + __builtin_ctzll(mask);
}

/* The largest set bit of mask at or before from (>= 0), or -1. */
static int
bit_prev(uint64_t mask, int from)
{
	if (from < 0)
		return -1;
	if (from < 63)
		mask &= (UINT64_C(1) << (from + 1)) - 1;
	return mask == 0 ? -1 : 63 - __builtin_clzll(mask);
}

static int
day_match(const struct sched_cron *c, int d, int wd)
{
	int	 dm = (int)(c->dom >> d & 1), wm = (int)(c->dow >> wd & 1);

	return cron_and(c) ? dm && wm : dm || wm;
}

/* The first matching minute of the day at or after minute from, or -1. */
static int
hm_next(const struct sched_cron *c, int from)
{
	int	 h, mi;

	for (h = bit_next(c->hour, from / 60); h >= 0;
	    h = bit_next(c->hour, h + 1)) {
		mi = bit_next(c->minute, h == from / 60 ? from % 60 : 0);
		if (mi >= 0)
			return h * 60 + mi;
	}
	return -1;
}

/* The last matching minute of the day at or before minute from, or -1. */
static int
hm_prev(const struct sched_cron *c, int from)
{
	int	 h, mi;

	for (h = bit_prev(c->hour, from / 60); h >= 0;
	    h = bit_prev(c->hour, h - 1)) {
		mi = bit_prev(c->minute, h == from / 60 ? from % 60 : 59);
		if (mi >= 0)
			return h * 60 + mi;
	}
	return -1;
}

/* The first local minute in [lm, lim] that c matches. */
static int
cron_fwd(const struct sched_cron *c, int64_t lm, int64_t lim, int64_t *out)
{
	int64_t	 days, lim_days, y;
	int	 mod, m, d, wd, len, hm;

	days = sched_floor_div(lm, 1440);
	lim_days = sched_floor_div(lim, 1440);
	mod = (int)(lm - days * 1440);
	sched_civil_from_days(days, &y, &m, &d);
	wd = sched_weekday(days);
	while (days <= lim_days) {
		len = sched_month_days(y, m);
		if ((c->month >> m & 1) == 0) {
			/* To the first of the next month. */
			days += len - d + 1;
			wd = sched_weekday(days);
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
			mod = 0;
			continue;
		}
		if (day_match(c, d, wd) && (hm = hm_next(c, mod)) >= 0) {
			if (days * 1440 + hm > lim)
				return RC_NOTFOUND;
			*out = days * 1440 + hm;
			return RC_OK;
		}
		days++;
		wd = (wd + 1) % 7;
		if (++d > len) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		mod = 0;
	}
	return RC_NOTFOUND;
}

/* The last local minute in [lim, lm] that c matches. */
static int
cron_bwd(const struct sched_cron *c, int64_t lm, int64_t lim, int64_t *out)
{
	int64_t	 days, lim_days, y;
	int	 mod, m, d, wd, hm;

	days = sched_floor_div(lm, 1440);
	lim_days = sched_floor_div(lim, 1440);
	mod = (int)(lm - days * 1440);
	sched_civil_from_days(days, &y, &m, &d);
	wd = sched_weekday(days);
	while (days >= lim_days) {
		if ((c->month >> m & 1) == 0) {
			/* To the last day of the previous month. */
			days -= d;
			wd = sched_weekday(days);
			if (--m < 1) {
				m = 12;
				y--;
			}
			d = sched_month_days(y, m);
			mod = 1439;
			continue;
		}
		if (day_match(c, d, wd) && (hm = hm_prev(c, mod)) >= 0) {
			if (days * 1440 + hm < lim)
				return RC_NOTFOUND;
			*out = days * 1440 + hm;
			return RC_OK;
		}
		days--;
		wd = (wd + 6) % 7;
		if (--d < 1) {
			if (--m < 1) {
				m = 12;
				y--;
			}
			d = sched_month_days(y, m);
		}
		mod = 1439;
	}
	return RC_NOTFOUND;
}

/* The first fire in (after, hi]. */
static int
cron_next(const struct sched_spec *s, int64_t after, int64_t hi,
    int64_t *out)
{
	int64_t	 lm, lim, cand, u;
	int	 i;

	if (sched_cron_never(&s->cron))
		return RC_NOTFOUND;
	/* No fire resolves after "after" from a local minute before its own. */
	lm = sched_floor_div(after + sched_tz_offset(s->tz, after), 60);
	lim = sched_floor_div(MIN(hi, after + HORIZON_S) + 2 * SCHED_DAY, 60);
	for (i = 0; i < CRON_SKIP_MAX; i++) {
		if (cron_fwd(&s->cron, lm, lim, &cand) != RC_OK)
			return RC_NOTFOUND;
		u = sched_tz_resolve(s->tz, cand * 60);
		if (u > after) {
			if (u > hi)
				return RC_NOTFOUND;
			*out = u;
			return RC_OK;
		}
		lm = cand + 1;		/* the second pass of a repeated hour */
	}
	return RC_NOTFOUND;
}

/* The last fire in [lo, before). */
static int
cron_prev(const struct sched_spec *s, int64_t before, int64_t lo,
    int64_t *out)
{
	int64_t	 lm, lim, cand, u;
	int32_t	 maxoff;
	int	 i;

	if (sched_cron_never(&s->cron))
		return RC_NOTFOUND;
	/*
	 * A fire before "before" has a local time under before plus the
	 * largest offset near it (or is far earlier).
	 */
	maxoff = sched_tz_maxoff(s->tz, before - 2 * SCHED_DAY, before);
	lm = sched_floor_div(before - 1 + maxoff, 60);
	lim = sched_floor_div(MAX(lo, before - HORIZON_S) - 2 * SCHED_DAY, 60);
	for (i = 0; i < CRON_SKIP_MAX; i++) {
		if (cron_bwd(&s->cron, lm, lim, &cand) != RC_OK)
			return RC_NOTFOUND;
		u = sched_tz_resolve(s->tz, cand * 60);
		if (u < before) {
			if (u < lo)
				return RC_NOTFOUND;
			*out = u;
			return RC_OK;
		}
		lm = cand - 1;
	}
	return RC_NOTFOUND;
}

static int
spec_valid(const struct sched_spec *s)
{
	return s->interval > 0 || (s->interval == 0 && cron_valid(&s->cron));
}

int
sched_next(const struct sched_spec *s, int64_t after, int64_t *out)
{
	int64_t	 u;

	if (!spec_valid(s) || after < 0 || after > SCHED_TIME_MAX)
		return RC_INVALID;
	if (s->interval == 0)
		return cron_next(s, after, SCHED_TIME_MAX, out);
	u = (after / s->interval + 1) * s->interval;
	if (u > SCHED_TIME_MAX)
		return RC_NOTFOUND;
	*out = u;
	return RC_OK;
}

/* The last fire in [lo, before). */
static int
prev_in(const struct sched_spec *s, int64_t before, int64_t lo,
    int64_t *out)
{
	int64_t	 u;

	if (s->interval == 0)
		return cron_prev(s, before, lo, out);
	if (before <= 0)
		return RC_NOTFOUND;
	u = (before - 1) / s->interval * s->interval;
	if (u < lo)
		return RC_NOTFOUND;
	*out = u;
	return RC_OK;
}

int
sched_prev(const struct sched_spec *s, int64_t before, int64_t *out)
{
	if (!spec_valid(s) || before < 0 || before > SCHED_TIME_MAX)
		return RC_INVALID;
	return prev_in(s, before, 0, out);
}

int
sched_next_n(const struct sched_spec *s, int64_t after, int64_t *out, int n)
{
	int	 i, rc;

	if (n < 0)
		return RC_INVALID;
	for (i = 0; i < n; i++) {
		if ((rc = sched_next(s, after, &out[i])) == RC_INVALID)
			return RC_INVALID;
		if (rc != RC_OK)
			break;
		after = out[i];
	}
	return i;
}

int
sched_window(const struct sched_spec *s, int64_t from, int64_t to,
    int64_t *out, int nmax)
{
	int64_t	 t, u;
	int	 n, i;

	if (!spec_valid(s) || nmax < 0 || from < 0 || from > to ||
	    to > SCHED_TIME_MAX)
		return RC_INVALID;
	for (n = 0, t = to; n < nmax; n++) {
		if (prev_in(s, t, from, &u) != RC_OK)
			break;
		out[n] = t = u;
	}
	for (i = 0; i < n / 2; i++) {
		u = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = u;
	}
	return n;
}

void
sched_fire_name(int64_t t, char buf[SCHED_FIRE_NAME_LEN])
{
	int64_t	 days, y, sec;
	int	 m, d;

	days = sched_floor_div(t, SCHED_DAY);
	sec = t - days * SCHED_DAY;
	sched_civil_from_days(days, &y, &m, &d);
	/* Times are in [0, SCHED_TIME_MAX]: four-digit years. */
	y = MIN(MAX(y, 0), 9999);
	snprintf(buf, SCHED_FIRE_NAME_LEN, "%04u%02u%02uT%02u%02u%02uZ",
	    (unsigned)y, (unsigned)m % 100, (unsigned)d % 100,
	    (unsigned)(sec / 3600) % 100, (unsigned)(sec / 60 % 60),
	    (unsigned)(sec % 60));
}

int
sched_tz_name_valid(const char *name)
{
	const char	*p = name;
	size_t		 seg;

	if (strnlen(name, SCHED_TZ_NAME_MAX + 1) > SCHED_TZ_NAME_MAX ||
	    strstr(name, "..") != NULL)
		return 0;
	/* ^[A-Za-z]+ */
	for (seg = 0; is_alpha(*p); p++)
		seg++;
	if (seg == 0)
		return 0;
	/* (/[A-Za-z0-9_+-]+)*$ */
	while (*p == '/') {
		for (seg = 0, p++; is_alpha(*p) || is_digit(*p) || *p == '_' ||
		    *p == '+' || *p == '-'; p++)
			seg++;
		if (seg == 0)
			return 0;
	}
	return *p == '\0';
}
