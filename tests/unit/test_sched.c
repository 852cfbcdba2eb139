/*
 * Unit tests of the schedule module (include/cron.h): cron parsing with
 * Vixie cron's rules, fire times across DST changes in several zones,
 * month ends, leap days, catch-up windows, and the zoneinfo loader.
 *
 * Every expected time below was computed independently of this code, on
 * the development machine (Debian 12, tzdata 2025b), by a brute-force
 * reference in Python 3.11: walk UTC minutes with zoneinfo.ZoneInfo,
 * fire at minute u when local(u) has fold == 0 and some local minute in
 * (local(u - 60 s), local(u)] matches the cron fields (parsed by the
 * reference itself, Vixie's day rule). Spot checks with GNU date, e.g.
 *	date -u -d 'TZ="America/New_York" 2026-11-01 01:30 EDT' +%Y%m%dT%H%M%SZ
 *	date -u -d 'TZ="Australia/Sydney" 2026-10-04 03:00' +%Y%m%dT%H%M%SZ
 * gave the same. 800 random expressions and start times near the DST
 * changes of 14 zones (2024..2045) agreed with that reference too.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "cron.h"
#include "store.h"
#include "store_exec.h"

#define SCHED_TZ_FILE_MAX_TEST	(256 * 1024)

void	test_sched_register(void);

static struct sched_tzset *zones;

static int
suite_init(void)
{
	zones = sched_tzset_new(NULL);
	return 0;
}

static int
suite_fini(void)
{
	sched_tzset_free(zones);
	zones = NULL;
	return 0;
}

/* "2026-03-07T12:00:00Z" to seconds, with the C library's timegm. */
static int64_t
utc(const char *s)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		abort();
	return (int64_t)timegm(&tm);
}

static void
ok(int cond, int line, const char *what)
{
	CU_assertImplementation(cond ? CU_TRUE : CU_FALSE, (unsigned)line, what,
	    __FILE__, "", CU_FALSE);
}

/*
 * The next n fires of expr in zone after "after", as fire names joined
 * by spaces, compared with want.
 */
static void
fires_at(int line, const char *zone, const char *expr, const char *after,
    int n, const char *want)
{
	struct sched_spec	 s;
	int64_t			 out[8];
	char			 got[8 * SCHED_FIRE_NAME_LEN + 8], nm[SCHED_FIRE_NAME_LEN];
	struct errmsg		 err;
	char			 msg[ERRMSG_MAX + 128];
	int			 i, k;

	memset(&s, 0, sizeof(s));
	got[0] = '\0';
	if (sched_tzset_get(zones, zone, &s.tz, &err) != RC_OK) {
		snprintf(msg, sizeof(msg), "zone %s: %s", zone, err.text);
		ok(0, line, msg);
		return;
	}
	if (sched_cron_parse(expr, &s.cron, &err) != RC_OK) {
		snprintf(msg, sizeof(msg), "cron %s: %s", expr, err.text);
		ok(0, line, msg);
		return;
	}
	k = sched_next_n(&s, utc(after), out, n);
	for (i = 0; i < k; i++) {
		sched_fire_name(out[i], nm);
		if (i > 0)
			strcat(got, " ");
		strcat(got, nm);
	}
	snprintf(msg, sizeof(msg), "%s \"%s\" after %s: got \"%s\", want \"%s\"",
	    zone, expr, after, got, want);
	ok(strcmp(got, want) == 0, line, msg);
}
#define FIRES(z, e, a, n, w)	fires_at(__LINE__, z, e, a, n, w)

static void
parse_fails(int line, const char *expr, const char *want)
{
	struct sched_cron	 c;
	struct errmsg		 err;
	char			 msg[512];
	int			 rc;

	err.text[0] = '\0';
	rc = sched_cron_parse(expr, &c, &err);
	snprintf(msg, sizeof(msg), "\"%s\": rc %d, got \"%s\", want \"%s\"",
	    expr, rc, err.text, want);
	ok(rc == RC_INVALID && strcmp(err.text, want) == 0, line, msg);
}
#define PARSE_FAILS(e, w)	parse_fails(__LINE__, e, w)

static void
test_sched_new_york_spring_gap_fires_once_at_its_end(void)
{
	/* 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z. */
	FIRES("America/New_York", "30 2 * * *", "2026-03-07T12:00:00Z", 2,
	    "20260308T070000Z 20260309T063000Z");
	/* 02:00, 02:15, 02:30, 02:45 and 03:00 all fire once, at 07:00Z. */
	FIRES("America/New_York", "*/15 * * * *", "2026-03-08T06:50:00Z", 3,
	    "20260308T070000Z 20260308T071500Z 20260308T073000Z");
}

static void
test_sched_new_york_fall_back_fires_first_occurrence(void)
{
	/* 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z. */
	FIRES("America/New_York", "30 1 * * *", "2026-10-31T12:00:00Z", 2,
	    "20261101T053000Z 20261102T063000Z");
	/* The second 01:00 and 01:30 (06:00Z, 06:30Z) do not fire. */
	FIRES("America/New_York", "*/30 * * * *", "2026-11-01T05:00:00Z", 3,
	    "20261101T053000Z 20261101T070000Z 20261101T073000Z");
	/* Asked from inside the repeated hour, too. */
	FIRES("America/New_York", "*/30 * * * *", "2026-11-01T06:10:00Z", 2,
	    "20261101T070000Z 20261101T073000Z");
}

static void
test_sched_new_york_after_the_table_uses_the_footer_rule(void)
{
	/* Debian's files list transitions up to 2037; 2040 is the rule's. */
	FIRES("America/New_York", "30 2 * * *", "2040-03-10T12:00:00Z", 2,
	    "20400311T070000Z 20400312T063000Z");
	FIRES("America/New_York", "30 1 * * *", "2040-11-03T12:00:00Z", 2,
	    "20401104T053000Z 20401105T063000Z");
}

static void
test_sched_berlin_dst_changes(void)
{
	/* 2026-03-29 02:00 CET -> 03:00 CEST; 10-25 03:00 CEST -> 02:00. */
	FIRES("Europe/Berlin", "30 2 * * *", "2026-03-28T12:00:00Z", 2,
	    "20260329T010000Z 20260330T003000Z");
	FIRES("Europe/Berlin", "30 2 * * *", "2026-10-24T12:00:00Z", 2,
	    "20261025T003000Z 20261026T013000Z");
	/* engine.md's example, weekdays only. */
	FIRES("Europe/Berlin", "15 2 * * 1-5", "2026-03-27T12:00:00Z", 3,
	    "20260330T001500Z 20260331T001500Z 20260401T001500Z");
}

static void
test_sched_sydney_dst_changes_southern_hemisphere(void)
{
	/* 2026-04-05 03:00 AEDT -> 02:00 AEST (16:00Z on the 4th). */
	FIRES("Australia/Sydney", "30 2 * * *", "2026-04-04T00:00:00Z", 2,
	    "20260404T153000Z 20260405T163000Z");
	FIRES("Australia/Sydney", "0 * * * *", "2026-04-04T14:30:00Z", 4,
	    "20260404T150000Z 20260404T170000Z 20260404T180000Z "
	    "20260404T190000Z");
	/* 2026-10-04 02:00 AEST -> 03:00 AEDT (16:00Z on the 3rd). */
	FIRES("Australia/Sydney", "30 2 * * *", "2026-10-03T00:00:00Z", 2,
	    "20261003T160000Z 20261004T153000Z");
	FIRES("Australia/Sydney", "0 * * * *", "2026-10-03T14:30:00Z", 3,
	    "20261003T150000Z 20261003T160000Z 20261003T170000Z");
}

static void
test_sched_lord_howe_half_hour_dst(void)
{
	/* +10:30 <-> +11 at 02:00 local. */
	FIRES("Australia/Lord_Howe", "15 2 * * *", "2026-10-03T00:00:00Z", 2,
	    "20261003T153000Z 20261004T151500Z");
	FIRES("Australia/Lord_Howe", "45 1 * * *", "2026-04-04T00:00:00Z", 2,
	    "20260404T144500Z 20260405T151500Z");
}

static void
test_sched_kolkata_and_london(void)
{
	/* No DST, offset +05:30. */
	FIRES("Asia/Kolkata", "0 9 * * *", "2026-03-07T12:00:00Z", 2,
	    "20260308T033000Z 20260309T033000Z");
	/* 01:00 GMT -> 02:00 BST on 03-29; 02:00 BST -> 01:00 on 10-25. */
	FIRES("Europe/London", "30 1 * * *", "2026-03-28T12:00:00Z", 2,
	    "20260329T010000Z 20260330T003000Z");
	FIRES("Europe/London", "30 1 * * *", "2026-10-24T12:00:00Z", 2,
	    "20261025T003000Z 20261026T013000Z");
}

static void
test_sched_month_ends_skip_short_months(void)
{
	FIRES("UTC", "0 0 31 * *", "2026-04-01T00:00:00Z", 5,
	    "20260531T000000Z 20260731T000000Z 20260831T000000Z "
	    "20261031T000000Z 20261231T000000Z");
	FIRES("Europe/Berlin", "0 0 31 * *", "2026-04-01T00:00:00Z", 3,
	    "20260530T220000Z 20260730T220000Z 20260830T220000Z");
}

static void
test_sched_leap_days(void)
{
	FIRES("UTC", "0 0 29 2 *", "2025-01-01T00:00:00Z", 2,
	    "20280229T000000Z 20320229T000000Z");
	/* 2100 is not a leap year (Python: calendar.isleap). */
	FIRES("UTC", "0 0 29 2 *", "2096-03-01T00:00:00Z", 1,
	    "21040229T000000Z");
	/* "*" then a step keeps the day of week a star: Feb 29 AND Sunday. */
	FIRES("UTC", "0 0 29 2 */7", "2033-01-01T00:00:00Z", 1,
	    "20600229T000000Z");
}

static void
test_sched_vixie_either_day_field_when_both_restricted(void)
{
	/* The 13th OR a Friday (April 2026: 13th is a Monday). */
	FIRES("UTC", "0 0 13 * 5", "2026-04-01T00:00:00Z", 5,
	    "20260403T000000Z 20260410T000000Z 20260413T000000Z "
	    "20260417T000000Z 20260424T000000Z");
	/* Days 1-7 OR Mondays, not "the first Monday". */
	FIRES("UTC", "0 0 1-7 * 1", "2026-06-01T00:00:00Z", 5,
	    "20260602T000000Z 20260603T000000Z 20260604T000000Z "
	    "20260605T000000Z 20260606T000000Z");
}

static void
test_sched_vixie_both_day_fields_when_one_is_a_star(void)
{
	/* The day of month starts with '*': odd days AND Fridays. */
	FIRES("UTC", "0 0 */2 * 5", "2026-04-01T00:00:00Z", 5,
	    "20260403T000000Z 20260417T000000Z 20260501T000000Z "
	    "20260515T000000Z 20260529T000000Z");
}

static void
test_sched_steps_names_and_sunday(void)
{
	struct sched_cron	 c;
	struct errmsg		 err;

	FIRES("UTC", "5/20 9-10 * * *", "2026-06-01T00:00:00Z", 5,
	    "20260601T090500Z 20260601T092500Z 20260601T094500Z "
	    "20260601T100500Z 20260601T102500Z");
	FIRES("UTC", "0 12 * JAN,jul Mon-fri", "2026-06-01T00:00:00Z", 3,
	    "20260701T120000Z 20260702T120000Z 20260703T120000Z");
	FIRES("UTC", "0 0 * * 7", "2026-06-01T00:00:00Z", 2,
	    "20260607T000000Z 20260614T000000Z");

	CU_ASSERT_EQUAL(sched_cron_parse("*/20 0-23/6 1-31/10 */5 */3", &c,
	    &err), RC_OK);
	CU_ASSERT_EQUAL(c.minute, (UINT64_C(1) << 0) | (UINT64_C(1) << 20) |
	    (UINT64_C(1) << 40));
	CU_ASSERT_EQUAL(c.hour, (1u << 0) | (1u << 6) | (1u << 12) | (1u << 18));
	CU_ASSERT_EQUAL(c.dom, (1u << 1) | (1u << 11) | (1u << 21) | (1u << 31));
	CU_ASSERT_EQUAL(c.month, (1u << 1) | (1u << 6) | (1u << 11));
	/* 0, 3, 6 of 0-7. */
	CU_ASSERT_EQUAL(c.dow, (1u << 0) | (1u << 3) | (1u << 6));
	CU_ASSERT(!c.dom_star && c.dow_star);
	CU_ASSERT_EQUAL(sched_cron_parse("0 0 5,1-2 * sun,7,SAT", &c, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(c.dom, (1u << 1) | (1u << 2) | (1u << 5));
	CU_ASSERT_EQUAL(c.dow, (1u << 0) | (1u << 6));
	CU_ASSERT(!c.dom_star && !c.dow_star);
	CU_ASSERT_EQUAL(sched_cron_parse("\t 0  0\t* * 5-7 ", &c, &err), RC_OK);
	CU_ASSERT_EQUAL(c.dow, (1u << 0) | (1u << 5) | (1u << 6));
}

static void
test_sched_macros(void)
{
	static const struct {
		const char	*macro;
		const char	*expr;
	} m[] = {
		{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" },
		{ "@monthly", "0 0 1 * *" }, { "@weekly", "0 0 * * 0" },
		{ "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
		{ "@HOURLY", "0 * * * *" }, { " @daily ", "0 0 * * *" }
	};
	struct sched_cron	 a, b;
	struct errmsg		 err;
	size_t			 i;

	for (i = 0; i < NITEMS(m); i++) {
		CU_ASSERT_EQUAL(sched_cron_parse(m[i].macro, &a, &err), RC_OK);
		CU_ASSERT_EQUAL(sched_cron_parse(m[i].expr, &b, &err), RC_OK);
		CU_ASSERT(memcmp(&a, &b, sizeof(a)) == 0);
	}
	FIRES("UTC", "@weekly", "2026-06-01T00:00:00Z", 2,
	    "20260607T000000Z 20260614T000000Z");
	FIRES("UTC", "@monthly", "2026-06-15T00:00:00Z", 2,
	    "20260701T000000Z 20260801T000000Z");
	FIRES("UTC", "@yearly", "2026-06-15T00:00:00Z", 2,
	    "20270101T000000Z 20280101T000000Z");
	FIRES("UTC", "@hourly", "2026-06-15T10:59:59Z", 2,
	    "20260615T110000Z 20260615T120000Z");
}

static void
test_sched_rejects_bad_expressions(void)
{
	char	 big[SCHED_CRON_LEN_MAX + 2];

	PARSE_FAILS("", "expected 5 fields (minute hour day-of-month month "
	    "day-of-week), found 0");
	PARSE_FAILS("* * * *", "expected 5 fields (minute hour day-of-month "
	    "month day-of-week), found 4");
	PARSE_FAILS("* * * * * *", "expected 5 fields (minute hour "
	    "day-of-month month day-of-week), found more");
	PARSE_FAILS("60 * * * *", "minute: 60 is out of range 0-59");
	PARSE_FAILS("* 24 * * *", "hour: 24 is out of range 0-23");
	PARSE_FAILS("* * 0 * *", "day-of-month: 0 is out of range 1-31");
	PARSE_FAILS("* * 32 * *", "day-of-month: 32 is out of range 1-31");
	PARSE_FAILS("* * * 13 *", "month: 13 is out of range 1-12");
	PARSE_FAILS("* * * * 8", "day-of-week: 8 is out of range 0-7");
	PARSE_FAILS("*/0 * * * *", "minute: step 0 is out of range 1-60");
	PARSE_FAILS("* * * */13 *", "month: step 13 is out of range 1-12");
	PARSE_FAILS("5-1 * * * *", "minute: range 5-1 goes backwards");
	PARSE_FAILS("* * * * mon-sun", "day-of-week: range 1-0 goes "
	    "backwards");
	PARSE_FAILS("* * * foo *", "month: unknown name \"foo\"");
	PARSE_FAILS("* * * * monday", "day-of-week: unknown name \"monday\"");
	PARSE_FAILS("mon * * * *", "minute: names are not allowed here "
	    "(\"mon\")");
	PARSE_FAILS("* * L * *", "day-of-month: names are not allowed here "
	    "(\"L\")");
	PARSE_FAILS("1,,2 * * * *", "minute: unexpected character ','");
	PARSE_FAILS("1, * * * *", "minute: a value is missing after ','");
	PARSE_FAILS("1- * * * *", "minute: a value is missing");
	PARSE_FAILS("1-* * * * *", "minute: unexpected character '*'");
	PARSE_FAILS("*/a * * * *", "minute: a step must be a number");
	PARSE_FAILS("*/ * * * *", "minute: a step must be a number");
	PARSE_FAILS("* * ? * *", "day-of-month: unexpected character '?'");
	PARSE_FAILS("* * * * 1#2", "day-of-week: unexpected character '#'");
	PARSE_FAILS("** * * * *", "minute: unexpected character '*'");
	PARSE_FAILS("00000 * * * *", "minute: number 00000 is too long");
	PARSE_FAILS("-1 * * * *", "minute: unexpected character '-'");
	PARSE_FAILS("@reboot", "unknown macro \"@reboot\" (known: @yearly "
	    "@annually @monthly @weekly @daily @midnight @hourly)");
	PARSE_FAILS("@daily 5", "nothing may follow @daily");
	PARSE_FAILS("* * * * *\n", "control character in expression");
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	PARSE_FAILS(big, "longer than 256 bytes");
}

static void
test_sched_never_firing_expressions(void)
{
	struct sched_spec	 s;
	struct errmsg		 err;
	int64_t			 t = 0, out[5];

	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(sched_cron_parse("0 0 30 2 *", &s.cron, &err), RC_OK);
	CU_ASSERT(sched_cron_never(&s.cron));
	CU_ASSERT_EQUAL(sched_next(&s, utc("2026-01-01T00:00:00Z"), &t),
	    RC_NOTFOUND);
	CU_ASSERT_EQUAL(sched_prev(&s, utc("2026-01-01T00:00:00Z"), &t),
	    RC_NOTFOUND);
	CU_ASSERT_EQUAL(sched_next_n(&s, 0, out, 5), 0);
	CU_ASSERT_EQUAL(sched_cron_parse("0 0 31 4,6,9,11 *", &s.cron, &err),
	    RC_OK);
	CU_ASSERT(sched_cron_never(&s.cron));
	/* With a restricted weekday the Vixie OR makes it fire. */
	CU_ASSERT_EQUAL(sched_cron_parse("0 0 30 2 1", &s.cron, &err), RC_OK);
	CU_ASSERT(!sched_cron_never(&s.cron));
	CU_ASSERT_EQUAL(sched_cron_parse("0 0 29 2 *", &s.cron, &err), RC_OK);
	CU_ASSERT(!sched_cron_never(&s.cron));
	/* Within a year of the end of time: nothing after it. */
	CU_ASSERT_EQUAL(sched_next(&s, utc("9997-01-01T00:00:00Z"), &t),
	    RC_NOTFOUND);
}

static void
test_sched_interval_seconds(void)
{
	struct sched_spec	 s;
	int64_t			 t = 0, w[4];

	memset(&s, 0, sizeof(s));
	s.interval = 3600;
	CU_ASSERT_EQUAL(sched_next(&s, 1000, &t), RC_OK);
	CU_ASSERT_EQUAL(t, 3600);
	CU_ASSERT_EQUAL(sched_next(&s, 3600, &t), RC_OK);
	CU_ASSERT_EQUAL(t, 7200);
	CU_ASSERT_EQUAL(sched_prev(&s, 3600, &t), RC_OK);
	CU_ASSERT_EQUAL(t, 0);
	CU_ASSERT_EQUAL(sched_prev(&s, 0, &t), RC_NOTFOUND);
	s.interval = 10;
	CU_ASSERT_EQUAL(sched_next(&s, 1772953205, &t), RC_OK);
	CU_ASSERT_EQUAL(t, 1772953210);
	CU_ASSERT_EQUAL(sched_window(&s, 100, 140, w, 4), 4);
	CU_ASSERT(w[0] == 100 && w[1] == 110 && w[2] == 120 && w[3] == 130);
	CU_ASSERT_EQUAL(sched_window(&s, 100, 140, w, 2), 2);
	CU_ASSERT(w[0] == 120 && w[1] == 130);
	s.interval = -1;
	CU_ASSERT_EQUAL(sched_next(&s, 1000, &t), RC_INVALID);
}

static void
test_sched_prev_and_catchup_window(void)
{
	struct sched_spec	 s;
	struct errmsg		 err;
	char			 nm[SCHED_FIRE_NAME_LEN];
	int64_t			 w[10], t = 0;
	int			 n;

	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL_FATAL(sched_tzset_get(zones, "America/New_York",
	    &s.tz, &err), RC_OK);
	CU_ASSERT_EQUAL_FATAL(sched_cron_parse("*/30 * * * *", &s.cron, &err),
	    RC_OK);
	/* [05:00Z, 08:00Z) on the fall-back day: 06:00Z, 06:30Z repeat. */
	n = sched_window(&s, utc("2026-11-01T05:00:00Z"),
	    utc("2026-11-01T08:00:00Z"), w, 10);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT(n == 4 && w[0] == utc("2026-11-01T05:00:00Z") &&
	    w[1] == utc("2026-11-01T05:30:00Z") &&
	    w[2] == utc("2026-11-01T07:00:00Z") &&
	    w[3] == utc("2026-11-01T07:30:00Z"));
	/* catchup "last": the latest one only. */
	CU_ASSERT_EQUAL(sched_window(&s, utc("2026-11-01T05:00:00Z"),
	    utc("2026-11-01T08:00:00Z"), w, 1), 1);
	CU_ASSERT_EQUAL(w[0], utc("2026-11-01T07:30:00Z"));
	CU_ASSERT_EQUAL(sched_prev(&s, utc("2026-11-01T07:00:00Z"), &t),
	    RC_OK);
	CU_ASSERT_EQUAL(t, utc("2026-11-01T05:30:00Z"));
	/* A year of a minute cron: bounded by nmax, not by the 525,600. */
	CU_ASSERT_EQUAL(sched_cron_parse("* * * * *", &s.cron, &err), RC_OK);
	CU_ASSERT_EQUAL(sched_window(&s, utc("2025-01-01T00:00:00Z"),
	    utc("2026-01-01T00:00:00Z"), w, 3), 3);
	sched_fire_name(w[0], nm);
	CU_ASSERT_STRING_EQUAL(nm, "20251231T235700Z");
	CU_ASSERT_EQUAL(sched_window(&s, 10, 5, w, 3), RC_INVALID);
	CU_ASSERT_EQUAL(sched_window(&s, 10, 10, w, 3), 0);
}

static void
test_sched_fire_name_format(void)
{
	char	 nm[SCHED_FIRE_NAME_LEN];

	sched_fire_name(1772953200, nm);
	CU_ASSERT_STRING_EQUAL(nm, "20260308T070000Z");
	sched_fire_name(0, nm);
	CU_ASSERT_STRING_EQUAL(nm, "19700101T000000Z");
	sched_fire_name(SCHED_TIME_MAX, nm);
	CU_ASSERT_STRING_EQUAL(nm, "99991231T235959Z");
	sched_fire_name(951782399, nm);
	CU_ASSERT_STRING_EQUAL(nm, "20000228T235959Z");
}

static void
test_sched_tz_name_pattern(void)
{
	CU_ASSERT(sched_tz_name_valid("UTC"));
	CU_ASSERT(sched_tz_name_valid("America/Argentina/Buenos_Aires"));
	CU_ASSERT(sched_tz_name_valid("Etc/GMT+5"));
	CU_ASSERT(sched_tz_name_valid("Etc/GMT-14"));
	CU_ASSERT(!sched_tz_name_valid(""));
	CU_ASSERT(!sched_tz_name_valid("/etc/passwd"));
	CU_ASSERT(!sched_tz_name_valid("Europe/../../etc/passwd"));
	CU_ASSERT(!sched_tz_name_valid(".."));
	CU_ASSERT(!sched_tz_name_valid("Europe/"));
	CU_ASSERT(!sched_tz_name_valid("Europe//Berlin"));
	CU_ASSERT(!sched_tz_name_valid("1Europe"));
	CU_ASSERT(!sched_tz_name_valid("Europe/Ber lin"));
	CU_ASSERT(!sched_tz_name_valid("zone.tab"));
	CU_ASSERT(!sched_tz_name_valid("Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void
test_sched_tz_load_rejects_bad_zones(void)
{
	struct sched_tz	*tz = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL(sched_tz_load(NULL, "Europe/Nowhere", &tz, &err),
	    RC_NOTFOUND);
	CU_ASSERT_STRING_EQUAL(err.text, "unknown time zone");
	CU_ASSERT_EQUAL(sched_tz_load(NULL, "Europe/../Berlin", &tz, &err),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "not a time zone name");
	/* A directory, and a host-dependent link. */
	CU_ASSERT_EQUAL(sched_tz_load(NULL, "Europe", &tz, &err),
	    RC_NOTFOUND);
	CU_ASSERT_EQUAL(sched_tz_load(NULL, "localtime", &tz, &err),
	    RC_NOTFOUND);
	/* "right/" zones count leap seconds: not civil time. */
	if (access(SCHED_ZONEINFO_DIR "/right/UTC", R_OK) == 0) {
		CU_ASSERT_EQUAL(sched_tz_load(NULL, "right/UTC", &tz, &err),
		    RC_INVALID);
		CU_ASSERT_STRING_EQUAL(err.text,
		    "zones with leap seconds are not "
		    "supported");
	}
	CU_ASSERT_PTR_NULL(tz);
}

/* The bytes of a zoneinfo file, into a new buffer. */
static unsigned char *
slurp(const char *name, size_t *len)
{
	char		 path[256];
	unsigned char	*buf;
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", SCHED_ZONEINFO_DIR, name);
	if ((f = fopen(path, "rb")) == NULL)
		abort();
	buf = xmalloc(SCHED_TZ_FILE_MAX_TEST);
	*len = fread(buf, 1, SCHED_TZ_FILE_MAX_TEST, f);
	fclose(f);
	return buf;
}

static void
test_sched_tz_parse_rejects_damaged_files(void)
{
	struct sched_tz	*tz = NULL;
	unsigned char	*buf;
	struct errmsg	 err;
	size_t		 len, cut;

	buf = slurp("America/New_York", &len);
	CU_ASSERT_EQUAL(sched_tz_parse("x", buf, len, &tz, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(sched_tz_offset(tz, utc("2026-07-01T00:00:00Z")),
	    -4 * 3600);
	CU_ASSERT_EQUAL(sched_tz_offset(tz, utc("2046-01-01T00:00:00Z")),
	    -5 * 3600);
	sched_tz_free(tz);
	tz = NULL;
	/* Every truncation is refused, none crashes. */
	for (cut = 0; cut < len; cut += cut < 64 ? 1 : 97)
		CU_ASSERT_EQUAL(sched_tz_parse("x", buf, cut, &tz, &err),
		    RC_INVALID);
	CU_ASSERT_PTR_NULL(tz);
	CU_ASSERT_EQUAL(sched_tz_parse("x", buf, 3, &tz, &err),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "truncated header");
	buf[4] = '\0';			/* version 1 */
	CU_ASSERT_EQUAL(sched_tz_parse("x", buf, len, &tz, &err),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "TZif version 1 is not supported");
	buf[0] = 'X';
	CU_ASSERT_EQUAL(sched_tz_parse("x", buf, len, &tz, &err),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "not a TZif file");
	free(buf);
}

static void
test_sched_tz_posix_rule_alone_matches_table(void)
{
	struct sched_tz	*tz = NULL;
	struct sched_spec s;
	struct errmsg	 err;
	char		 nm[SCHED_FIRE_NAME_LEN];
	int64_t		 t = 0;

	CU_ASSERT_EQUAL_FATAL(sched_tz_posix("ny", "EST5EDT,M3.2.0,M11.1.0",
	    &tz, &err), RC_OK);
	memset(&s, 0, sizeof(s));
	s.tz = tz;
	CU_ASSERT_EQUAL(sched_cron_parse("30 2 * * *", &s.cron, &err), RC_OK);
	CU_ASSERT_EQUAL(sched_next(&s, utc("2026-03-07T12:00:00Z"), &t),
	    RC_OK);
	sched_fire_name(t, nm);
	CU_ASSERT_STRING_EQUAL(nm, "20260308T070000Z");
	sched_tz_free(tz);
	/* Southern hemisphere, times with minutes, quoted names. */
	CU_ASSERT_EQUAL(sched_tz_posix("lh", "<+1030>-10:30<+11>-11,M10.1.0,"
	    "M4.1.0", &tz, &err), RC_OK);
	CU_ASSERT_EQUAL(sched_tz_offset(tz, utc("2026-01-01T00:00:00Z")),
	    11 * 3600);
	CU_ASSERT_EQUAL(sched_tz_offset(tz, utc("2026-07-01T00:00:00Z")),
	    10 * 3600 + 1800);
	sched_tz_free(tz);
	tz = NULL;
	/* RFC 8536's daylight time all year. */
	CU_ASSERT_EQUAL(sched_tz_posix("dst", "EST5EDT4,0/0,J365/25", &tz,
	    &err), RC_OK);
	CU_ASSERT_EQUAL(sched_tz_offset(tz, utc("2026-01-01T05:00:00Z")),
	    -4 * 3600);
	CU_ASSERT_EQUAL(sched_tz_offset(tz, utc("2026-12-31T23:00:00Z")),
	    -4 * 3600);
	sched_tz_free(tz);
	tz = NULL;
	/* Found by fuzz_cron: daylight periods that overlap across years. */
	CU_ASSERT_EQUAL(sched_tz_posix("x", "ESE4TDT2,1,J365/65", &tz, &err),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text,
	    "daylight periods of the rule overlap");
	CU_ASSERT_EQUAL(sched_tz_posix("x", "EST5EDT", &tz, &err),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "daylight time without a rule");
	CU_ASSERT_EQUAL(sched_tz_posix("x", "E5", &tz, &err),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "zone abbreviation too short");
	CU_ASSERT_EQUAL(sched_tz_posix("x", "EST5EDT,M13.1.0,M11.1.0", &tz,
	    &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "bad date in rule");
	CU_ASSERT_PTR_NULL(tz);
}

static void
test_sched_tzset_shares_one_copy(void)
{
	const struct sched_tz	*a = NULL, *b = NULL;
	struct errmsg		 err;

	CU_ASSERT_EQUAL(sched_tzset_get(zones, "Europe/Berlin", &a, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(sched_tzset_get(zones, "Europe/Berlin", &b, &err),
	    RC_OK);
	CU_ASSERT_PTR_EQUAL(a, b);
	CU_ASSERT_STRING_EQUAL(sched_tz_name(a), "Europe/Berlin");
	CU_ASSERT_EQUAL(sched_tzset_get(zones, "Mars/Olympus", &a, &err),
	    RC_NOTFOUND);
}

/* Due fires and catch-up: expected times worked out by hand. */
static void
test_sched_due_catchup_policies(void)
{
	struct sched_spec	 sp;
	int64_t			 t[128];
	struct errmsg		 err;
	int			 n;

	memset(&sp, 0, sizeof(sp));
	sp.interval = 10;
	/* On time: one fire, whatever the policy. */
	CU_ASSERT_EQUAL(sched_due(&sp, 1000, 1005, 0, t, 128), 1);
	CU_ASSERT_EQUAL(t[0], 1000);
	/* Down 300 s: 1000..1240 missed (25), 1250..1300 late (6). */
	CU_ASSERT_EQUAL(sched_due(&sp, 1000, 1300, 0, t, 128), 6);
	CU_ASSERT_EQUAL(t[0], 1250);
	CU_ASSERT_EQUAL(t[5], 1300);
	CU_ASSERT_EQUAL(sched_due(&sp, 1000, 1300, 1, t, 128), 7);
	CU_ASSERT_EQUAL(t[0], 1240);
	CU_ASSERT_EQUAL(t[1], 1250);
	CU_ASSERT_EQUAL(sched_due(&sp, 1000, 1300, SCHED_CATCHUP_ALL, t,
	    128), 31);
	CU_ASSERT_EQUAL(t[0], 1000);
	CU_ASSERT_EQUAL(t[24], 1240);
	CU_ASSERT_EQUAL(t[30], 1300);
	/* all keeps the latest 100 of 195 missed: 1950..2940, then 2950.. */
	n = sched_due(&sp, 1000, 3000, SCHED_CATCHUP_ALL, t, 128);
	CU_ASSERT_EQUAL(n, 106);
	CU_ASSERT_EQUAL(t[0], 1950);
	CU_ASSERT_EQUAL(t[99], 2940);
	CU_ASSERT_EQUAL(t[105], 3000);
	/* Exactly 60 s late is missed; 59 s is not. */
	CU_ASSERT_EQUAL(sched_due(&sp, 1000, 1060, 0, t, 128), 6);
	CU_ASSERT_EQUAL(t[0], 1010);
	CU_ASSERT_EQUAL(sched_due(&sp, 1000, 1059, 0, t, 128), 6);
	CU_ASSERT_EQUAL(t[0], 1000);
	/* Hourly cron, three hours down and 30 s. */
	memset(&sp, 0, sizeof(sp));
	CU_ASSERT_EQUAL_FATAL(sched_cron_parse("0 * * * *", &sp.cron, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(sched_due(&sp, 36000, 46830, 0, t, 128), 1);
	CU_ASSERT_EQUAL(t[0], 46800);
	CU_ASSERT_EQUAL(sched_due(&sp, 36000, 46830, 1, t, 128), 2);
	CU_ASSERT_EQUAL(t[0], 43200);
	CU_ASSERT_EQUAL(sched_due(&sp, 36000, 46830, 100, t, 128), 4);
	CU_ASSERT_EQUAL(t[0], 36000);
	/* Not yet due. */
	CU_ASSERT_EQUAL(sched_due(&sp, 50400, 46830, 1, t, 128), 0);
	CU_ASSERT_EQUAL(sched_due(&sp, 36000, 46830, 1, t, 0), RC_INVALID);
}

/*
 * The first quota slot of a fire, of a trigger and of POST /execute comes
 * from the new execution id's first 32 bits (store_insert.c), modulo the
 * slots; a fresh random one stays in range too.
 */
static void
test_sched_slot_random_from_the_id(void)
{
	int	i;

	CU_ASSERT_EQUAL(store_slot_random(10,
	    "ffffffff-0000-4000-8000-000000000000"), 4294967295LL % 10);
	CU_ASSERT_EQUAL(store_slot_random(7,
	    "0000000a-ffff-4fff-bfff-ffffffffffff"), 3);
	CU_ASSERT_EQUAL(store_slot_random(1000,
	    "0001E240-0000-4000-8000-000000000000"), 123456 % 1000);
	CU_ASSERT_EQUAL(store_slot_random(1,
	    "ffffffff-0000-4000-8000-000000000000"), 0);
	for (i = 0; i < 1000; i++) {
		long long	v = store_slot_random(3, NULL);

		CU_ASSERT(v >= 0 && v < 3);
	}
}

void
test_sched_register(void)
{
	static const struct {
		const char	*name;
		CU_TestFunc	 fn;
	} tests[] = {
#define T(f)	{ #f, f }
		T(test_sched_new_york_spring_gap_fires_once_at_its_end),
		T(test_sched_new_york_fall_back_fires_first_occurrence),
		T(test_sched_new_york_after_the_table_uses_the_footer_rule),
		T(test_sched_berlin_dst_changes),
		T(test_sched_sydney_dst_changes_southern_hemisphere),
		T(test_sched_lord_howe_half_hour_dst),
		T(test_sched_kolkata_and_london),
		T(test_sched_month_ends_skip_short_months),
		T(test_sched_leap_days),
		T(test_sched_vixie_either_day_field_when_both_restricted),
		T(test_sched_vixie_both_day_fields_when_one_is_a_star),
		T(test_sched_steps_names_and_sunday),
		T(test_sched_macros),
		T(test_sched_rejects_bad_expressions),
		T(test_sched_never_firing_expressions),
		T(test_sched_interval_seconds),
		T(test_sched_prev_and_catchup_window),
		T(test_sched_fire_name_format),
		T(test_sched_tz_name_pattern),
		T(test_sched_tz_load_rejects_bad_zones),
		T(test_sched_tz_parse_rejects_damaged_files),
		T(test_sched_tz_posix_rule_alone_matches_table),
		T(test_sched_tzset_shares_one_copy),
		T(test_sched_due_catchup_policies),
		T(test_sched_slot_random_from_the_id),
#undef T
	};
	CU_pSuite	 s;
	size_t		 i;

	if ((s = CU_add_suite("sched", suite_init, suite_fini)) == NULL)
		return;
	for (i = 0; i < NITEMS(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
