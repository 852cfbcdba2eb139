/*
 * wfmctl tail EXECUTION_ID: follow an execution's steps as they run, one
 * line per change, until the execution ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "ctl.h"

#define TAIL_POLL_MS	300
#define TAIL_STEPS_MAX	100

/* Columns of STMT_EXEC_GET and STMT_EXEC_STEPS used here. */
enum { EG_PK = 0, EG_STATUS = 6, EG_ERROR = 9 };
enum { ES_IDX = 0, ES_ID = 1, ES_STATUS = 2, ES_ATTEMPTS = 3, ES_ERROR = 7 };

static int
terminal(const char *s)
{
	return strcmp(s, "completed") == 0 || strcmp(s, "failed") == 0 ||
	    strcmp(s, "cancelled") == 0 || strcmp(s, "timed_out") == 0;
}

static void
stamp(char buf[UTIL_TIME_LEN])
{
	util_time_fmt(util_now_ms(), buf);
}

int
ctl_tail(struct store *st, const char *id)
{
	char		 seen[TAIL_STEPS_MAX][48], now[UTIL_TIME_LEN], cur[48];
	struct sparam	 p[1];
	struct sres	 e, s;
	struct timespec	 ts = { 0, TAIL_POLL_MS * 1000000L };
	const char	*err;
	size_t		 i;
	long long	 idx;
	int		 done = 0;

	memset(seen, 0, sizeof(seen));
	for (;;) {
		p[0] = SP_STR(id);
		if (store_exec(st, STMT_EXEC_GET, p, 1, &e, NULL, NULL) !=
		    RC_OK) {
			nanosleep(&ts, NULL);	/* database away: keep trying */
			continue;
		}
		if (e.nrows == 0) {
			sres_free(&e);
			fprintf(stderr, "wfmctl: execution %s not found\n", id);
			return 1;
		}
		done = terminal(sres_get(&e, 0, EG_STATUS, NULL));
		p[0] = SP_INT(sres_int(&e, 0, EG_PK));
		if (store_exec(st, STMT_EXEC_STEPS, p, 1, &s, NULL, NULL) ==
		    RC_OK) {
			for (i = 0; i < s.nrows; i++) {
				idx = sres_int(&s, i, ES_IDX);
				if (idx < 0 || idx >= TAIL_STEPS_MAX)
					continue;
				snprintf(cur, sizeof(cur), "%s/%lld",
				    sres_get(&s, i, ES_STATUS, NULL),
				    sres_int(&s, i, ES_ATTEMPTS));
				if (strcmp(cur, seen[idx]) == 0)
					continue;
				memcpy(seen[idx], cur, sizeof(cur));
				stamp(now);
				err = sres_get(&s, i, ES_ERROR, NULL);
				printf("%s  %-24s %-10s attempt %lld%s%s\n", now,
				    sres_get(&s, i, ES_ID, NULL),
				    sres_get(&s, i, ES_STATUS, NULL),
				    sres_int(&s, i, ES_ATTEMPTS),
				    err != NULL ? "  " : "",
				    err != NULL ? err : "");
			}
			sres_free(&s);
		}
		if (done) {
			stamp(now);
			err = sres_get(&e, 0, EG_ERROR, NULL);
			printf("%s  execution %s %s%s%s\n", now, id,
			    sres_get(&e, 0, EG_STATUS, NULL),
			    err != NULL ? "  " : "", err != NULL ? err : "");
			fflush(stdout);
			sres_free(&e);
			return 0;
		}
		sres_free(&e);
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
}
