/*
 * wfmctl schedules: the schedules of every user for operators, and
 * pause/resume by id (audited as the user "wfmctl"), without a token.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "cron.h"
#include "ctl.h"
#include "store_sched.h"

#define CTL_SCHED_PAGE	500

/* Epoch seconds as "YYYY-MM-DD HH:MM:SS" (UTC), or "-" for none. */
static void
fmt_next(long long t, char *buf, size_t size)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t < 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, size, "-");
}

static int
list(struct store *st)
{
	struct store_sched_list	 l;
	const struct store_sched *s;
	long long		 after = 0;
	size_t			 i, n;
	char			 next[32], when[32];

	printf("%-36s  %-6s  %-20s  %-24s  %-20s  %s\n", "SCHEDULE_ID",
	    "STATE", "NEXT_FIRE (UTC)", "WHEN", "OWNER", "NAME");
	do {
		if (store_sched_list_after(st, after, CTL_SCHED_PAGE, &l) !=
		    RC_OK) {
			fprintf(stderr, "wfmctl: database error\n");
			return 1;
		}
		for (i = 0; i < l.n; i++) {
			s = &l.v[i];
			fmt_next(s->next_fire_s, next, sizeof(next));
			if (s->cron == NULL)
				snprintf(when, sizeof(when), "every %llds",
				    s->interval);
			printf("%-36s  %-6s  %-20.19s  %-24s  %-20s  %s\n",
			    s->id, s->paused ? "paused" : "active", next,
			    s->cron != NULL ? s->cron : when, s->owner,
			    s->name);
			after = s->pk;
		}
		n = l.n;
		store_sched_list_free(&l);
	} while (n == CTL_SCHED_PAGE);
	return 0;
}

/* The next fire after now of a stored schedule, or -1. */
static long long
next_of(const struct store_sched *s)
{
	struct sched_tzset	*zones = sched_tzset_new(NULL);
	struct sched_spec	 spec;
	int64_t			 t = -1;

	memset(&spec, 0, sizeof(spec));
	if (sched_tzset_get(zones, s->timezone, &spec.tz, NULL) != RC_OK)
		goto out;
	if (s->cron == NULL)
		spec.interval = s->interval;
	else if (sched_cron_parse(s->cron, &spec.cron, NULL) != RC_OK)
		goto out;
	if (sched_next(&spec, (int64_t)time(NULL), &t) != RC_OK)
		t = -1;
out:
	sched_tzset_free(zones);
	return (long long)t;
}

/* pause_resume's transaction (a store_tx body). */
struct pause_args {
	const struct store_actor	*who;
	long long			 pk;
	long long			 next;	/* resume: next fire or -1 */
	int				 resume;
	const char			*sid;
};

static int
pause_body(struct store *st, void *arg)
{
	const struct pause_args	*a = arg;
	int			 rc;

	rc = a->resume ? store_sched_resume(st, a->pk, a->next) :
	    store_sched_pause(st, a->pk);
	if (rc == RC_OK)
		rc = store_audit(st, a->who, a->resume ? "schedule.resume" :
		    "schedule.pause", "schedule", a->sid, NULL);
	return rc;
}

static int
pause_resume(struct store *st, const char *sid, int resume)
{
	struct store_actor	 who = { "wfmctl", "wfmctl", NULL };
	struct pause_args	 a;
	struct store_sched	 s;
	int			 rc;

	if ((rc = store_sched_get(st, sid, &s)) != RC_OK) {
		fprintf(stderr, "wfmctl: %s\n", rc == RC_NOTFOUND ?
		    "no such schedule" : "database error");
		return 1;
	}
	a.who = &who;
	a.pk = s.pk;
	a.next = resume ? next_of(&s) : -1;
	a.resume = resume;
	a.sid = sid;
	store_sched_free(&s);
	rc = store_tx(st, 0, pause_body, &a);
	if (rc != RC_OK) {
		fprintf(stderr, "wfmctl: database error\n");
		return 1;
	}
	printf("%s %s\n", sid, resume ? "resumed" : "paused");
	return 0;
}

int
ctl_schedules(struct store *st, int argc, char *argv[])
{
	if (argc == 0 || (argc == 1 && strcmp(argv[0], "list") == 0))
		return list(st);
	if (argc == 2 && strcmp(argv[0], "pause") == 0)
		return pause_resume(st, argv[1], 0);
	if (argc == 2 && strcmp(argv[0], "resume") == 0)
		return pause_resume(st, argv[1], 1);
	fprintf(stderr, "usage: wfmctl schedules [list | pause ID | "
	    "resume ID]\n");
	return 2;
}
