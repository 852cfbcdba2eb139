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

#define CTL_SCHED_PAGE	500

static int
list(struct store *st)
{
	struct sparam	 p[2];
	struct sres	 res;
	long long	 after = 0;
	size_t		 i;

	printf("%-36s  %-6s  %-20s  %-24s  %-20s  %s\n", "SCHEDULE_ID",
	    "STATE", "NEXT_FIRE (UTC)", "WHEN", "OWNER", "NAME");
	do {
		p[0] = SP_INT(after);
		p[1] = SP_INT(CTL_SCHED_PAGE);
		if (store_exec(st, STMT_SCHED_CTL_LIST, p, 2, &res, NULL,
		    NULL) != RC_OK) {
			fprintf(stderr, "wfmctl: database error\n");
			return 1;
		}
		for (i = 0; i < res.nrows; i++) {
			printf("%-36s  %-6s  %-20.19s  %-24s  %-20s  %s\n",
			    sres_get(&res, i, 1, NULL),
			    sres_int(&res, i, 4) ? "paused" : "active",
			    sres_get(&res, i, 7, NULL) != NULL ?
			    sres_get(&res, i, 7, NULL) : "-",
			    sres_get(&res, i, 5, NULL),
			    sres_get(&res, i, 2, NULL),
			    sres_get(&res, i, 3, NULL));
			after = sres_int(&res, i, 0);
		}
		i = res.nrows;
		sres_free(&res);
	} while (i == CTL_SCHED_PAGE);
	return 0;
}

/* The next fire after now of a stored schedule, or -1. */
static long long
next_of(const struct sres *s)
{
	struct sched_tzset	*zones = sched_tzset_new(NULL);
	struct sched_spec	 spec;
	int64_t			 t = -1;

	memset(&spec, 0, sizeof(spec));
	if (sched_tzset_get(zones, sres_get(s, 0, 3, NULL), &spec.tz, NULL)
	    != RC_OK)
		goto out;
	if (sres_get(s, 0, 1, NULL) == NULL)
		spec.interval = sres_int(s, 0, 2);
	else if (sched_cron_parse(sres_get(s, 0, 1, NULL), &spec.cron, NULL)
	    != RC_OK)
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
	struct sparam			*p;
	int				 resume;
	const char			*sid;
};

static int
pause_body(struct store *st, void *arg)
{
	const struct pause_args	*a = arg;
	int			 rc;

	rc = store_exec(st, a->resume ? STMT_SCHED_RESUME : STMT_SCHED_PAUSE,
	    a->p, a->resume ? 2 : 1, NULL, NULL, NULL);
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
	struct sparam		 p[2];
	struct sres		 s;
	long long		 next;
	int			 rc;

	p[0] = SP_STR(sid);
	if ((rc = store_exec(st, STMT_SCHED_CTL_GET, p, 1, &s, NULL, NULL)) !=
	    RC_OK || s.nrows == 0) {
		sres_free(&s);
		fprintf(stderr, "wfmctl: %s\n", rc == RC_OK ?
		    "no such schedule" : "database error");
		return 1;
	}
	p[0] = SP_INT(sres_int(&s, 0, 0));
	if (resume) {
		next = next_of(&s);
		p[0] = next >= 0 ? SP_INT(next) : SP_NULL();
		p[1] = SP_INT(sres_int(&s, 0, 0));
	}
	sres_free(&s);
	a.who = &who;
	a.p = p;
	a.resume = resume;
	a.sid = sid;
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
