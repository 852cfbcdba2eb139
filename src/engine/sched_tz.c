/*
 * Time zones for schedules, from memory: a TZif file (RFC 8536, version 2
 * or later) parsed into its 64-bit transition table, and the footer's
 * POSIX TZ rule (POSIX.1-2017 8.3, with RFC 8536 3.3.1's extensions:
 * hours up to 167 and negative times in rules) for instants after the
 * table. No I/O and no process state: src/zoneinfo/zoneinfo.c reads the files.
 *
 * The question the cron search asks is the reverse one: which UTC
 * instant is this local wall time? sched_tz_resolve answers it from the
 * transitions within two days of it (offsets are under 26 h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "sched_int.h"

#define TZ_WIN_MAX	16	/* transitions looked at around one instant */
#define TZ_TIME_ABS_MAX	(INT64_C(1) << 60)	/* table times kept */

/* Calendar. */

int64_t
sched_floor_div(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t
sched_days_from_civil(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = sched_floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
sched_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t	 z, era, doe, yoe, doy, mp;

	z = days + 719468;
	era = sched_floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
sched_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(((days % 7) + 11) % 7);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
sched_month_days(int64_t y, int m)
{
	static const int len[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : len[m];
}

/* POSIX TZ rules. */

/* The local instant (in the offset before it) of rule date r in year y. */
static int64_t
rdate_local(const struct sched_rdate *r, int64_t y)
{
	int64_t	 days, first;
	int	 wd, len;

	switch (r->kind) {
	case 'J':
		days = sched_days_from_civil(y, 1, 1) + r->n - 1;
		if (is_leap(y) && r->n >= 60)
			days++;
		break;
	case 'N':
		days = sched_days_from_civil(y, 1, 1) + r->n;
		break;
	default:
		first = sched_days_from_civil(y, r->m, 1);
		wd = sched_weekday(first);
		len = sched_month_days(y, r->m);
		days = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
		while (days >= first + len)
			days -= 7;
		break;
	}
	return days * SCHED_DAY + r->secs;
}

/*
 * The rule's transitions in years y0..y1 (at most 3 years), sorted, into
 * out (room for 6). Returns how many.
 */
static int
rule_trans(const struct sched_rule *ru, int64_t y0, int64_t y1,
    struct sched_tzt *out)
{
	struct sched_tzt tmp;
	int64_t		 y;
	int		 n = 0, i, j;

	for (y = y0; y <= y1 && n + 2 <= 6; y++) {
		out[n].t = rdate_local(&ru->start, y) - ru->std;
		out[n++].off = ru->dst;
		out[n].t = rdate_local(&ru->end, y) - ru->dst;
		out[n++].off = ru->std;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && out[j - 1].t > out[j].t; j--) {
			tmp = out[j];
			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
	return n;
}

static int32_t
rule_offset(const struct sched_rule *ru, int64_t u)
{
	struct sched_tzt tr[6];
	int64_t		 y;
	int		 m, d, n, i;
	int32_t		 off;

	if (!ru->has_dst)
		return ru->std;
	sched_civil_from_days(sched_floor_div(u + ru->std, SCHED_DAY), &y,
	    &m, &d);
	if ((n = rule_trans(ru, y - 1, y + 1, tr)) == 0)
		return ru->std;
	/* Before the first of them: the other offset than it brings. */
	off = tr[0].off == ru->dst ? ru->std : ru->dst;
	for (i = 0; i < n && tr[i].t <= u; i++)
		off = tr[i].off;
	return off;
}

/*
 * A period of daylight or standard time shorter than this is refused:
 * local times are resolved from the transitions within two days of them
 * (sched_tz_local), which holds only when transitions are far apart
 * (fuzz_cron found a rule of one 33-hour standard period a year whose
 * fire times disagreed between next, prev and the window). Every zone
 * of tzdata keeps its periods months long; a period of length 0 is the
 * idiom of daylight time all year ("0/0,J365/25").
 */
#define SCHED_RULE_PERIOD_MIN	(7 * 86400)

/*
 * 1 if the rule's transitions alternate between the two offsets, year
 * after year (checked over a 28-year weekday cycle and 2100), at least
 * SCHED_RULE_PERIOD_MIN apart; rules whose daylight periods overlap
 * (possible with times up to 167 h) would make the offset depend on which
 * years are looked at.
 */
static int
rule_alternates(const struct sched_rule *ru)
{
	struct sched_tzt tr[6];
	int64_t		 y;
	int		 n, i;

	for (y = 2000; y <= 2101; y = y == 2028 ? 2099 : y + 1) {
		n = rule_trans(ru, y - 1, y + 1, tr);
		for (i = 1; i < n; i++)
			if (tr[i].off == tr[i - 1].off ||
			    (tr[i].t - tr[i - 1].t > 0 &&
			    tr[i].t - tr[i - 1].t < SCHED_RULE_PERIOD_MIN))
				return 0;
	}
	return 1;
}

/* Parsing a POSIX TZ string. */

struct tzp {
	const char	*p;
	struct errmsg	*err;		/* may be NULL */
};

/* Set err (NULL allowed) to the static reason why; returns RC_INVALID. */
static int
tz_fail(struct errmsg *err, const char *why)
{
	errmsg_set(err, "%s", why);
	return RC_INVALID;
}

static int
tzp_name(struct tzp *z)
{
	const char	*s = z->p;

	if (*s == '<') {
		for (s++; *s != '>'; s++)
			if (*s == '\0' || !(((unsigned)*s - '0' < 10) ||
			    ((unsigned)(*s | 0x20) - 'a' < 26) || *s == '+' ||
			    *s == '-'))
				return tz_fail(z->err,
				    "bad quoted zone abbreviation");
		if (s - z->p < 4)
			return tz_fail(z->err, "zone abbreviation too short");
		z->p = s + 1;
		return RC_OK;
	}
	while ((unsigned)(*s | 0x20) - 'a' < 26)
		s++;
	if (s - z->p < 3)
		return tz_fail(z->err, "zone abbreviation too short");
	z->p = s;
	return RC_OK;
}

/* [+-]hh[:mm[:ss]] with hh <= hmax, into seconds (sign as written). */
static int
tzp_time(struct tzp *z, int hmax, int32_t *out)
{
	int	 sign = 1, part[3] = { 0, 0, 0 }, i, nd;

	if (*z->p == '+' || *z->p == '-')
		sign = *z->p++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i > 0) {
			if (*z->p != ':')
				break;
			z->p++;
		}
		for (nd = 0; (unsigned)*z->p - '0' < 10 && nd < 3; nd++)
			part[i] = part[i] * 10 + (*z->p++ - '0');
		if (nd == 0 || (unsigned)*z->p - '0' < 10)
			return tz_fail(z->err, "bad time in rule");
	}
	if (part[0] > hmax || part[1] > 59 || part[2] > 59)
		return tz_fail(z->err, "time out of range in rule");
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return RC_OK;
}

static int
tzp_num(struct tzp *z, int lo, int hi, int *out)
{
	int	 v = 0, nd;

	for (nd = 0; (unsigned)*z->p - '0' < 10 && nd < 4; nd++)
		v = v * 10 + (*z->p++ - '0');
	if (nd == 0 || v < lo || v > hi)
		return tz_fail(z->err, "bad date in rule");
	*out = v;
	return RC_OK;
}

static int
tzp_date(struct tzp *z, struct sched_rdate *r)
{
	r->secs = 7200;			/* POSIX default: 02:00 */
	if (*z->p == 'J') {
		z->p++;
		r->kind = 'J';
		if (tzp_num(z, 1, 365, &r->n) != RC_OK)
			return RC_INVALID;
	} else if (*z->p == 'M') {
		z->p++;
		r->kind = 'M';
		if (tzp_num(z, 1, 12, &r->m) != RC_OK || *z->p++ != '.' ||
		    tzp_num(z, 1, 5, &r->w) != RC_OK || *z->p++ != '.' ||
		    tzp_num(z, 0, 6, &r->d) != RC_OK)
			return tz_fail(z->err, "bad date in rule");
	} else {
		r->kind = 'N';
		if (tzp_num(z, 0, 365, &r->n) != RC_OK)
			return RC_INVALID;
	}
	if (*z->p == '/') {
		z->p++;
		if (tzp_time(z, 167, &r->secs) != RC_OK)
			return RC_INVALID;
	}
	return RC_OK;
}

/* Parse rule text s into ru; RC_OK, or RC_INVALID with err set. */
static int
rule_parse(const char *s, struct sched_rule *ru, struct errmsg *err)
{
	struct tzp	 z = { s, err };
	int32_t		 v;

	memset(ru, 0, sizeof(*ru));
	if (tzp_name(&z) != RC_OK || tzp_time(&z, 24, &v) != RC_OK)
		return RC_INVALID;
	ru->std = -v;			/* POSIX counts west positive */
	if (*z.p == '\0')
		return RC_OK;
	if (tzp_name(&z) != RC_OK)
		return RC_INVALID;
	ru->has_dst = 1;
	ru->dst = ru->std + 3600;
	if (*z.p != ',' && *z.p != '\0') {
		if (tzp_time(&z, 24, &v) != RC_OK)
			return RC_INVALID;
		ru->dst = -v;
	}
	if (*z.p != ',')
		return tz_fail(err, "daylight time without a rule");
	z.p++;
	if (tzp_date(&z, &ru->start) != RC_OK)
		return RC_INVALID;
	if (*z.p++ != ',')
		return tz_fail(err, "rule needs a start and an end");
	if (tzp_date(&z, &ru->end) != RC_OK)
		return RC_INVALID;
	if (*z.p != '\0')
		return tz_fail(err, "trailing characters in rule");
	if (ru->dst == ru->std) {
		ru->has_dst = 0;	/* no change of offset at all */
		return RC_OK;
	}
	if (!rule_alternates(ru))
		return tz_fail(err, "daylight periods of the rule overlap");
	return RC_OK;
}

/* Building zones. */

static struct sched_tz *
tz_new(const char *name)
{
	struct sched_tz	*tz = xcalloc(1, sizeof(*tz));

	tz->name = xstrdup(name);
	return tz;
}

void
sched_tz_free(struct sched_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->off);
	free(tz);
}

const char *
sched_tz_name(const struct sched_tz *tz)
{
	return tz == NULL ? "UTC" : tz->name;
}

int
sched_tz_posix(const char *name, const char *rule, struct sched_tz **out,
    struct errmsg *err)
{
	struct sched_rule	 ru;

	if (strlen(rule) > SCHED_TZ_RULE_MAX) {
		errmsg_set(err, "rule longer than %d bytes",
		    SCHED_TZ_RULE_MAX);
		return RC_INVALID;
	}
	if (rule_parse(rule, &ru, err) != RC_OK)
		return RC_INVALID;
	*out = tz_new(name);
	(*out)->has_rule = 1;
	(*out)->rule = ru;
	(*out)->off0 = ru.std;
	return RC_OK;
}

struct rd {
	const unsigned char	*p;
	size_t			 len;
	size_t			 pos;
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_hdr {
	uint32_t	 isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

/* A header at rd's position; RC_OK, or RC_INVALID with err set. */
static int
tzif_hdr(struct rd *rd, struct tzif_hdr *h, struct errmsg *err)
{
	const unsigned char	*p;

	if (rd->len - rd->pos < 44)
		return tz_fail(err, "truncated header");
	p = rd->p + rd->pos;
	if (memcmp(p, "TZif", 4) != 0)
		return tz_fail(err, "not a TZif file");
	if (p[4] < '2')
		return tz_fail(err, "TZif version 1 is not supported");
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	if (h->leapcnt != 0)
		return tz_fail(err,
		    "zones with leap seconds are not supported");
	if (h->timecnt > SCHED_TZ_TRANS_MAX || h->typecnt == 0 ||
	    h->typecnt > 256 || h->charcnt == 0 || h->charcnt > 4096 ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt))
		return tz_fail(err, "bad counts in header");
	rd->pos += 44;
	return RC_OK;
}

static int
tzif_body(const struct rd *rd, const struct tzif_hdr *h, size_t tsize,
    size_t *size, struct errmsg *err)
{
	*size = (size_t)h->timecnt * (tsize + 1) + (size_t)h->typecnt * 6 +
	    h->charcnt + (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt +
	    h->isutcnt;
	if (rd->len - rd->pos < *size)
		return tz_fail(err, "truncated data");
	return RC_OK;
}

static int
tzif_parse(struct rd *rd, struct sched_tz *tz, struct errmsg *err)
{
	struct tzif_hdr		 h;
	const unsigned char	*times, *idx, *types, *nl;
	char			 rule[SCHED_TZ_RULE_MAX + 1];
	size_t			 size, i, rlen;
	int32_t			 off[256];

	/* Skip the version 1 block: its header, then its 32-bit data. */
	if (tzif_hdr(rd, &h, err) != RC_OK ||
	    tzif_body(rd, &h, 4, &size, err) != RC_OK)
		return RC_INVALID;
	rd->pos += size;
	if (tzif_hdr(rd, &h, err) != RC_OK ||
	    tzif_body(rd, &h, 8, &size, err) != RC_OK)
		return RC_INVALID;
	times = rd->p + rd->pos;
	idx = times + (size_t)h.timecnt * 8;
	types = idx + h.timecnt;
	rd->pos += size;

	for (i = 0; i < h.typecnt; i++) {
		off[i] = (int32_t)be32(types + i * 6);
		if (off[i] < SCHED_TZ_OFF_MIN || off[i] > SCHED_TZ_OFF_MAX)
			return tz_fail(err, "offset out of range");
		if (types[i * 6 + 4] > 1 || types[i * 6 + 5] >= h.charcnt)
			return tz_fail(err, "bad local time type");
	}
	tz->off0 = off[0];
	tz->ntrans = h.timecnt;
	if (h.timecnt > 0) {
		tz->trans = xcalloc(h.timecnt, sizeof(*tz->trans));
		tz->off = xcalloc(h.timecnt, sizeof(*tz->off));
	}
	for (i = 0; i < h.timecnt; i++) {
		tz->trans[i] = be64(times + i * 8);
		if (tz->trans[i] < -TZ_TIME_ABS_MAX ||
		    tz->trans[i] > TZ_TIME_ABS_MAX)
			return tz_fail(err, "transition time out of range");
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
			return tz_fail(err, "transitions out of order");
		if (idx[i] >= h.typecnt)
			return tz_fail(err, "bad local time type index");
		tz->off[i] = off[idx[i]];
	}

	/* The footer: "\n" rule "\n"; an empty rule means none. */
	if (rd->len - rd->pos < 2 || rd->p[rd->pos] != '\n')
		return tz_fail(err, "missing footer");
	rd->pos++;
	if ((nl = memchr(rd->p + rd->pos, '\n', rd->len - rd->pos)) == NULL)
		return tz_fail(err, "unterminated footer");
	rlen = (size_t)(nl - (rd->p + rd->pos));
	if (rlen > SCHED_TZ_RULE_MAX)
		return tz_fail(err, "footer too long");
	if (rlen > 0) {
		memcpy(rule, rd->p + rd->pos, rlen);
		rule[rlen] = '\0';
		if (memchr(rule, '\0', rlen) != NULL)
			return tz_fail(err, "bad footer");
		if (rule_parse(rule, &tz->rule, err) != RC_OK)
			return RC_INVALID;
		tz->has_rule = 1;
	}
	return RC_OK;
}

int
sched_tz_parse(const char *name, const void *buf, size_t len,
    struct sched_tz **out, struct errmsg *err)
{
	struct rd	 rd = { buf, len, 0 };
	struct sched_tz	*tz;

	tz = tz_new(name);
	if (tzif_parse(&rd, tz, err) != RC_OK) {
		sched_tz_free(tz);
		return RC_INVALID;
	}
	*out = tz;
	return RC_OK;
}

/* Questions about instants. */

int32_t
sched_tz_offset(const struct sched_tz *tz, int64_t u)
{
	size_t	 lo, hi, mid;

	if (tz == NULL)
		return 0;
	if (tz->ntrans == 0)
		return tz->has_rule ? rule_offset(&tz->rule, u) : tz->off0;
	if (u < tz->trans[0])
		return tz->off0;
	/* The last transition at or before u. */
	lo = 0;
	hi = tz->ntrans;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= u)
			lo = mid;
		else
			hi = mid;
	}
	if (lo == tz->ntrans - 1 && tz->has_rule)
		return rule_offset(&tz->rule, u);
	return tz->off[lo];
}

/*
 * The transitions in (a, b] into out (room for max), ascending, and the
 * offset at a into *off_a. Returns how many.
 */
static int
tz_window(const struct sched_tz *tz, int64_t a, int64_t b,
    struct sched_tzt *out, int max, int32_t *off_a)
{
	struct sched_tzt tr[6];
	int64_t		 lo, y0, y1;
	size_t		 i, l, h, mid;
	int		 n = 0, j, k, m, d;

	*off_a = sched_tz_offset(tz, a);
	if (tz == NULL)
		return 0;
	/* Table transitions, the first after a found by bisection. */
	l = 0;
	h = tz->ntrans;
	while (l < h) {
		mid = l + (h - l) / 2;
		if (tz->trans[mid] <= a)
			l = mid + 1;
		else
			h = mid;
	}
	for (i = l; i < tz->ntrans && tz->trans[i] <= b && n < max; i++) {
		out[n].t = tz->trans[i];
		out[n++].off = sched_tz_offset(tz, tz->trans[i]);
	}
	if (!tz->has_rule || !tz->rule.has_dst ||
	    (tz->ntrans > 0 && tz->trans[tz->ntrans - 1] >= b))
		return n;
	/* Rule transitions after the table. */
	lo = tz->ntrans > 0 ? MAX(a, tz->trans[tz->ntrans - 1]) : a;
	sched_civil_from_days(sched_floor_div(lo, SCHED_DAY), &y0, &m, &d);
	sched_civil_from_days(sched_floor_div(b, SCHED_DAY), &y1, &m, &d);
	for (; y0 - 1 <= y1 + 1; y0 += 3) {
		k = rule_trans(&tz->rule, y0 - 1, MIN(y0 + 1, y1 + 1), tr);
		for (j = 0; j < k && n < max; j++)
			if (tr[j].t > lo && tr[j].t <= b)
				out[n++] = tr[j];
	}
	return n;
}

int64_t
sched_tz_resolve(const struct sched_tz *tz, int64_t ls)
{
	struct sched_tzt tr[TZ_WIN_MAX];
	int64_t		 u, s, e;
	int32_t		 off0, off, before;
	int		 n, k;

	if (tz == NULL)
		return ls;
	n = tz_window(tz, ls - 2 * SCHED_DAY, ls + 2 * SCHED_DAY, tr,
	    TZ_WIN_MAX, &off0);
	/* The first period in which ls - offset falls inside it. */
	for (k = 0; k <= n; k++) {
		off = k == 0 ? off0 : tr[k - 1].off;
		s = k == 0 ? INT64_MIN : tr[k - 1].t;
		e = k == n ? INT64_MAX : tr[k].t;
		u = ls - off;
		if (u >= s && u < e)
			return u;
	}
	/* None: ls is skipped by a transition, which ends the gap. */
	for (k = 0; k < n; k++) {
		before = k == 0 ? off0 : tr[k - 1].off;
		if (tr[k].t + before <= ls && ls < tr[k].t + tr[k].off)
			return tr[k].t;
	}
	return ls - off0;		/* inconsistent data: best effort */
}

int32_t
sched_tz_maxoff(const struct sched_tz *tz, int64_t a, int64_t b)
{
	struct sched_tzt tr[TZ_WIN_MAX];
	int32_t		 m;
	int		 n, k;

	n = tz_window(tz, a, b, tr, TZ_WIN_MAX, &m);
	for (k = 0; k < n; k++)
		m = MAX(m, tr[k].off);
	return m;
}
