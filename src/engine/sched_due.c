/*
 * Which fires of a schedule are due at a given time, with the catch-up
 * policy (engine.md "Schedules, exactly."): pure, for sup_sched.c.
 */
#include "common.h"
#include "cron.h"

int
sched_due(const struct sched_spec *spec, int64_t next, int64_t now,
    int catchup_max, int64_t *out, int max)
{
	int64_t	cut = now - SCHED_MISSED_SECONDS + 1, from;
	int	n = 0, k;

	if (spec == NULL || out == NULL || max < 1 || catchup_max < 0 ||
	    next < 0 || now < 0)
		return RC_INVALID;
	if (catchup_max > max)
		catchup_max = max;
	/* Missed: [next, now - 59), the latest catchup_max of them. */
	if (catchup_max > 0 && next < cut &&
	    (k = sched_window(spec, next, cut, out, catchup_max)) > 0)
		n = k;
	/* Late but not missed: [max(next, now - 59), now]. */
	from = next > cut ? next : cut;
	if (from < now + 1 && n < max &&
	    (k = sched_window(spec, from, now + 1, out + n, max - n)) > 0)
		n += k;
	return n;
}
