/*
 * libFuzzer driver for the schedule module (include/cron.h). Input:
 *
 *	byte 0		zone: one of a few real zones, or the zone built
 *			from the tail (below)
 *	bytes 1..8	the instant to search from (big-endian, reduced
 *			into [0, SCHED_TIME_MAX])
 *	then		a cron expression up to the first '\n'; after it,
 *			either TZif bytes (starting "TZif") for
 *			sched_tz_parse, or a POSIX TZ string for
 *			sched_tz_posix
 *
 * Besides memory errors it checks the contract: next fires strictly
 * ascending and after the start, sched_prev of a fire's successor gives
 * the fire back, and sched_window agrees with sched_next_n.
 * Build: make fuzz-build (needs the zoneinfo of tzdata).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "cron.h"

#define FUZZ_INPUT_MAX	(64 * 1024)
#define FUZZ_N		5

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const zone_names[] = { "UTC", "America/New_York",
    "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Apia",
    "Europe/Dublin" };
static struct sched_tzset *set;

static void
check(const struct sched_spec *s, int64_t after)
{
	int64_t	 out[FUZZ_N], w[FUZZ_N], p;
	int	 n, k, i;

	n = sched_next_n(s, after, out, FUZZ_N);
	if (n < 0 || n > FUZZ_N)
		abort();
	for (i = 0; i < n; i++)
		if (out[i] <= (i == 0 ? after : out[i - 1]) ||
		    out[i] > SCHED_TIME_MAX)
			abort();
	if (n >= 2 && (sched_prev(s, out[1], &p) != RC_OK || p != out[0]))
		abort();
	if (n > 0 && out[n - 1] < SCHED_TIME_MAX) {
		k = sched_window(s, after + 1, out[n - 1] + 1, w, FUZZ_N);
		if (k != n || memcmp(w, out, (size_t)n * sizeof(*w)) != 0)
			abort();
	}
	if (sched_prev(s, after, &p) == RC_OK && (p >= after || p < 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sched_spec	 s;
	struct sched_tz		*own = NULL;
	const struct sched_tz	*tz = NULL;
	const uint8_t		*nl;
	char			 expr[SCHED_CRON_LEN_MAX + 2], rule[256];
	struct errmsg		 err;
	char			 nm[SCHED_FIRE_NAME_LEN];
	uint64_t		 t = 0;
	size_t			 i, elen, rest;
	int			 zi;

	if (set == NULL)
		set = sched_tzset_new(NULL);
	if (size < 9 || size > FUZZ_INPUT_MAX)
		return 0;
	zi = data[0] % (int)(NITEMS(zone_names) + 1);
	for (i = 1; i < 9; i++)
		t = t << 8 | data[i];
	t %= (uint64_t)SCHED_TIME_MAX + 1;
	data += 9;
	size -= 9;

	nl = memchr(data, '\n', size);
	elen = nl != NULL ? (size_t)(nl - data) : size;
	if (elen > SCHED_CRON_LEN_MAX + 1)
		elen = SCHED_CRON_LEN_MAX + 1;
	memcpy(expr, data, elen);
	expr[elen] = '\0';
	rest = nl != NULL ? size - (size_t)(nl - data) - 1 : 0;

	if (zi < (int)NITEMS(zone_names)) {
		if (sched_tzset_get(set, zone_names[zi], &tz, &err) != RC_OK)
			abort();
	} else if (rest >= 4 && memcmp(nl + 1, "TZif", 4) == 0) {
		if (sched_tz_parse("fuzz", nl + 1, rest, &own, &err) == RC_OK)
			tz = own;
	} else if (rest > 0) {
		i = MIN(rest, sizeof(rule) - 1);
		memcpy(rule, nl + 1, i);
		rule[i] = '\0';
		if (sched_tz_posix("fuzz", rule, &own, &err) ==
		    RC_OK)
			tz = own;
	}
	(void)sched_tz_offset(tz, (int64_t)t);

	memset(&s, 0, sizeof(s));
	s.tz = tz;
	if (sched_cron_parse(expr, &s.cron, &err) == RC_OK) {
		(void)sched_cron_never(&s.cron);
		check(&s, (int64_t)t);
	}
	/* The same bytes as an interval. */
	memset(&s, 0, sizeof(s));
	s.interval = (int64_t)(t % SCHED_INTERVAL_MAX) + 1;
	check(&s, (int64_t)(t / 7));
	sched_fire_name((int64_t)t, nm);
	(void)sched_tz_name_valid(expr);
	sched_tz_free(own);
	return 0;
}
