/*
 * Schedules on a clock (engine.md "Schedules"): five-field cron
 * expressions with Vixie cron's rules, interval_seconds, IANA time zones
 * with their daylight-saving rules, and the fire times that follow.
 *
 * Pure (src/engine) except for sched_tz_load and the zone set
 * (src/zoneinfo/zoneinfo.c, outside the engine), which read TZif files
 * (RFC 8536) from the system zoneinfo. No process-global state: no TZ
 * environment variable, no localtime(3).
 *
 * Times are int64_t seconds since the Unix epoch, UTC, in
 * [0, SCHED_TIME_MAX]. A cron schedule fires at local wall-clock minutes;
 * a local time that does not exist (spring-forward gap) fires once at the
 * end of the gap, and one that occurs twice (fall back) fires at its first
 * occurrence only. An interval schedule fires at the multiples of
 * interval_seconds (time zone irrelevant).
 *
 * The header is cron.h, not sched.h: with -Iinclude that name would hide
 * the C library's <sched.h>, which <pthread.h> includes.
 *
 * Every err below is a struct errmsg (common.h) that may be NULL when
 * the caller does not need the reason.
 */
#ifndef WFM_CRON_H
#define WFM_CRON_H

#include <stddef.h>
#include "common.h"
#include <stdint.h>

#define SCHED_CRON_LEN_MAX	256	/* bytes of a cron expression */
#define SCHED_TZ_NAME_MAX	64	/* bytes of a time zone name */
#define SCHED_INTERVAL_MIN	10	/* interval_seconds bounds (engine.md) */
#define SCHED_INTERVAL_MAX	31536000
#define SCHED_TIME_MAX		INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */
/*
 * A schedule that does not fire within this many years of a given time
 * counts as never firing (RC_NOTFOUND). 30 years covers the 28-year
 * weekday cycle, so "0 0 29 2 1" style schedules with a star day of week
 * are found, and the 8-year leap day gap across 2100.
 */
#define SCHED_HORIZON_YEARS	30
#define SCHED_FIRE_NAME_LEN	17	/* "yyyymmddTHHMMSSZ" plus NUL */
#define SCHED_ZONEINFO_DIR	"/usr/share/zoneinfo"
#define SCHED_TZ_FILE_MAX	(256 * 1024)	/* bytes of one TZif file */

/*
 * A parsed cron expression: one bit per allowed value. Caller's storage;
 * no resources.
 */
struct sched_cron {
	uint64_t	 minute;	/* bits 0..59 */
	uint32_t	 hour;		/* bits 0..23 */
	uint32_t	 dom;		/* bits 1..31 */
	uint16_t	 month;		/* bits 1..12 */
	uint8_t		 dow;		/* bits 0..6, 0 = Sunday (7 folded in) */
	uint8_t		 dom_star;	/* the field starts with '*' */
	uint8_t		 dow_star;	/* the field starts with '*' */
};

/* A time zone (opaque): a TZif transition table and its POSIX rule. */
struct sched_tz;

/* One schedule as the engine sees it. Caller's storage. */
struct sched_spec {
	struct sched_cron	 cron;		/* used when interval == 0 */
	int64_t			 interval;	/* interval_seconds, or 0 */
	const struct sched_tz	*tz;		/* borrowed; NULL means UTC */
};

/*
 * Parse a cron expression: five fields (minute hour day-of-month month
 * day-of-week) of lists, ranges, steps ("*" or a-b or a, then "/n") and
 * names (jan..dec, sun..sat, any case; 0 and 7 are Sunday), or one of
 * @yearly @annually @monthly @weekly @daily @midnight @hourly (any
 * case). RC_OK: *out is filled.
 * RC_INVALID: err holds "<field>: <reason>" (or a reason for the whole
 * expression) suitable for a 422 message; *out is unspecified.
 */
int	 sched_cron_parse(const char *src, struct sched_cron *out,
	    struct errmsg *err);

/*
 * 1 if the expression can never fire whatever the year ("0 0 30 2 *",
 * "0 0 31 4,6 *"), else 0. sched_next answers RC_NOTFOUND for these at
 * once; the API may refuse them.
 */
int	 sched_cron_never(const struct sched_cron *);

/*
 * The first fire strictly after "after". RC_OK: *out set. RC_NOTFOUND:
 * none within SCHED_HORIZON_YEARS (or before SCHED_TIME_MAX).
 * RC_INVALID: "after" is outside [0, SCHED_TIME_MAX] or the spec is
 * malformed (a negative interval, an empty field).
 */
int	 sched_next(const struct sched_spec *, int64_t after, int64_t *out);

/*
 * The last fire strictly before "before", the mirror of sched_next
 * (RC_NOTFOUND also when it would be before the epoch).
 */
int	 sched_prev(const struct sched_spec *, int64_t before, int64_t *out);

/*
 * The next n fires after "after", ascending, into out (room for n). For
 * GET's next_fire_times. Returns how many were written (0..n): fewer
 * when the schedule stops firing within the horizon; -1 (RC_INVALID) on
 * bad arguments.
 */
int	 sched_next_n(const struct sched_spec *, int64_t after, int64_t *out,
	    int n);

/*
 * The fires in [from, to), for catch-up: the latest nmax of them,
 * ascending, into out (room for nmax). Work is bounded by nmax and the
 * window, never by how many fires the window holds. Returns how many were
 * written, or -1 (RC_INVALID) on bad arguments.
 */
int	 sched_window(const struct sched_spec *, int64_t from, int64_t to,
	    int64_t *out, int nmax);

/* A fire counts as missed this many seconds after its time. */
#define SCHED_MISSED_SECONDS	60
/* catchup "all" runs at most this many missed fires (the latest). */
#define SCHED_CATCHUP_ALL	100

/*
 * The fires due at "now" of a schedule whose next fire was "next" (both
 * UNIX seconds), ascending, into out (room for max): the missed ones
 * (SCHED_MISSED_SECONDS or more late), at most the latest catchup_max of
 * them (none 0, last 1, all SCHED_CATCHUP_ALL), then every fire in
 * [max(next, now - 59), now], late but not missed. Returns how many were
 * written, or RC_INVALID on bad arguments.
 */
int	 sched_due(const struct sched_spec *, int64_t next, int64_t now,
	    int catchup_max, int64_t *out, int max);

/* Format t as "yyyymmddTHHMMSSZ" (UTC), the fire part of execution names. */
void	 sched_fire_name(int64_t t, char buf[SCHED_FIRE_NAME_LEN]);

/*
 * 1 if name is an acceptable time zone name: at most SCHED_TZ_NAME_MAX
 * bytes matching ^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$ (so never "..").
 */
int	 sched_tz_name_valid(const char *name);

/*
 * Build a zone from a TZif file (version 2 or later, no leap seconds)
 * held in memory: the 64-bit table, then the footer's POSIX TZ rule for
 * times after the table. RC_OK: *out is owned by the caller
 * (sched_tz_free). RC_INVALID: err says what is wrong with the data.
 */
int	 sched_tz_parse(const char *name, const void *buf, size_t len,
	    struct sched_tz **out, struct errmsg *err);

/*
 * Build a zone from a POSIX TZ string alone ("CET-1CEST,M3.5.0,M10.5.0/3").
 * RC_OK: *out owned by the caller. RC_INVALID: err says why.
 */
int	 sched_tz_posix(const char *name, const char *rule,
	    struct sched_tz **out, struct errmsg *err);

/*
 * Read <dir>/<name> (dir NULL: SCHED_ZONEINFO_DIR) and parse it. RC_OK:
 * *out owned by the caller. RC_INVALID: bad name or not a usable zone
 * file; RC_NOTFOUND: no such zone (err says which, for a 422 message).
 * RC_ERR: an I/O error, logged.
 */
int	 sched_tz_load(const char *dir, const char *name,
	    struct sched_tz **out, struct errmsg *err);

void		 sched_tz_free(struct sched_tz *);
/* The zone's name (borrowed, lives as long as the zone). */
const char	*sched_tz_name(const struct sched_tz *);
/* Offset from UTC in seconds (east positive) at instant t; tz NULL: 0. */
int32_t		 sched_tz_offset(const struct sched_tz *, int64_t t);

/*
 * A set of loaded zones, so that many schedules share one copy of each
 * (the supervisor holds one). dir NULL: SCHED_ZONEINFO_DIR.
 * sched_tzset_get returns the codes of sched_tz_load; on RC_OK *out is
 * borrowed from the set and lives until sched_tzset_free.
 */
struct sched_tzset;

struct sched_tzset	*sched_tzset_new(const char *dir);
int	 sched_tzset_get(struct sched_tzset *, const char *name,
	    const struct sched_tz **out, struct errmsg *err);
void	 sched_tzset_free(struct sched_tzset *);

#endif
