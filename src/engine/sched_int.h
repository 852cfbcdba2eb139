/*
 * Internals shared by the schedule files: the zone representation
 * (sched_tz.c) and the cron search (sched_cron.c). Nothing here is for
 * other modules.
 */
#ifndef WFM_SCHED_INT_H
#define WFM_SCHED_INT_H

#include <stdint.h>

#include "cron.h"

#define SCHED_DAY		86400
#define SCHED_TZ_TRANS_MAX	8192		/* transitions in one TZif file */
#define SCHED_TZ_RULE_MAX	128		/* bytes of a POSIX TZ footer */
/* Offsets beyond about +-25 h are refused (RFC 8536 SHOULD). */
#define SCHED_TZ_OFF_MIN	(-89999)
#define SCHED_TZ_OFF_MAX	93599

/* One date of a POSIX TZ rule: Jn, n or Mm.w.d, and the local time. */
struct sched_rdate {
	char		 kind;		/* 'J' (1..365, no Feb 29), 'N', 'M' */
	int		 n;		/* day for 'J' and 'N' */
	int		 m, w, d;	/* month, week 1..5 (5 = last), weekday */
	int32_t		 secs;		/* local time of day, may be < 0 or > 24 h */
};

/* A POSIX TZ string: a standard offset and, optionally, a DST rule. */
struct sched_rule {
	int32_t		 std;		/* seconds east of UTC */
	int32_t		 dst;
	int		 has_dst;
	struct sched_rdate start;	/* std to dst, in standard local time */
	struct sched_rdate end;		/* dst to std, in daylight local time */
};

/* A transition: from instant t on, the offset is off. */
struct sched_tzt {
	int64_t		 t;
	int32_t		 off;
};

struct sched_tz {
	char		*name;
	int64_t		*trans;		/* ascending UTC instants */
	int32_t		*off;		/* offset from trans[i] on */
	size_t		 ntrans;
	int32_t		 off0;		/* before trans[0] (TZif type 0) */
	int		 has_rule;	/* the rule applies after the table */
	struct sched_rule rule;
};

/*
 * The UTC instant of local wall time ls (seconds, as if local time were
 * UTC): its first occurrence, or for a time inside a gap the instant the
 * gap ends. tz NULL is UTC. Non-decreasing in ls.
 */
int64_t	 sched_tz_resolve(const struct sched_tz *, int64_t ls);
/* The largest offset in effect at some instant of [a, b]. */
int32_t	 sched_tz_maxoff(const struct sched_tz *, int64_t a, int64_t b);

/* Proleptic Gregorian calendar (Howard Hinnant's algorithms). */
int64_t	 sched_days_from_civil(int64_t y, int m, int d);
void	 sched_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int	 sched_weekday(int64_t days);		/* 0 = Sunday */
int	 sched_month_days(int64_t y, int m);
int64_t	 sched_floor_div(int64_t a, int64_t b);	/* b > 0 */

#endif
