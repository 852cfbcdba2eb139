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
#include "store_exec.h"

#define TAIL_POLL_MS	300
#define TAIL_STEPS_MAX	100

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
	char			 seen[TAIL_STEPS_MAX][48], now[UTIL_TIME_LEN];
	char			 cur[48];
	struct store_exec_row	 e;
	struct store_exec_steps	 s;
	struct timespec		 ts = { 0, TAIL_POLL_MS * 1000000L };
	const char		*err;
	size_t			 i;
	long long		 idx;
	int			 done = 0, rc;

	memset(seen, 0, sizeof(seen));
	for (;;) {
		if ((rc = store_exec_get(st, id, &e)) == RC_NOTFOUND) {
			fprintf(stderr, "wfmctl: execution %s not found\n", id);
			return 1;
		}
		if (rc != RC_OK) {
			nanosleep(&ts, NULL);	/* database away: keep trying */
			continue;
		}
		done = terminal(e.status);
		if (store_exec_steps(st, e.pk, &s) == RC_OK) {
			for (i = 0; i < s.n; i++) {
				idx = s.v[i].idx;
				if (idx < 0 || idx >= TAIL_STEPS_MAX)
					continue;
				snprintf(cur, sizeof(cur), "%s/%lld",
				    s.v[i].status, s.v[i].attempts);
				if (strcmp(cur, seen[idx]) == 0)
					continue;
				memcpy(seen[idx], cur, sizeof(cur));
				stamp(now);
				err = s.v[i].error;
				printf("%s  %-24s %-10s attempt %lld%s%s\n", now,
				    s.v[i].step_id, s.v[i].status,
				    s.v[i].attempts,
				    err != NULL ? "  " : "",
				    err != NULL ? err : "");
			}
			store_exec_steps_free(&s);
		}
		if (done) {
			stamp(now);
			err = e.error;
			printf("%s  execution %s %s%s%s\n", now, id, e.status,
			    err != NULL ? "  " : "", err != NULL ? err : "");
			fflush(stdout);
			store_exec_row_free(&e);
			return 0;
		}
		store_exec_row_free(&e);
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
}
