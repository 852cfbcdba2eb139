/*
 * wfmctl webhooks [--limit N]: the deliveries not delivered (pending or
 * failed), newest first, with their last attempt's status or error.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "ctl.h"

int
ctl_webhooks(struct store *st, int argc, char *argv[])
{
	struct sparam	 p[1];
	struct sres	 res;
	const char	*why, *last;
	char		 ts[UTIL_TIME_LEN];
	long long	 limit = 50;
	size_t		 i;
	int		 k;

	for (k = 0; k < argc; k++) {
		if (strcmp(argv[k], "--limit") == 0 && k + 1 < argc) {
			if (util_number(argv[++k], 1, 10000, &limit, &why) !=
			    RC_OK)
				errx(2, "--limit %s", why);
		} else
			errx(2, "usage: wfmctl webhooks [--limit N]");
	}
	p[0] = SP_INT(limit);
	if (store_exec(st, STMT_WH_CTL_LIST, p, 1, &res, NULL, NULL) != RC_OK)
		errx(1, "database error");
	printf("%-8s  %-36s  %-9s  %-9s  %-8s  %-24s  %-12s  %s\n", "ID",
	    "EXECUTION", "EVENT", "STATUS", "ATTEMPTS", "NEXT TRY", "LAST",
	    "URL");
	for (i = 0; i < res.nrows; i++) {
		if (sres_get(&res, i, 6, NULL) != NULL &&
		    strcmp(sres_get(&res, i, 4, NULL), "pending") == 0)
			util_time_fmt(sres_int(&res, i, 6), ts);
		else
			snprintf(ts, sizeof(ts), "-");
		last = sres_get(&res, i, 7, NULL);
		printf("%-8s  %-36s  %-9s  %-9s  %-8s  %-24s  %-12s  %s\n",
		    sres_get(&res, i, 0, NULL), sres_get(&res, i, 1, NULL),
		    sres_get(&res, i, 2, NULL), sres_get(&res, i, 4, NULL),
		    sres_get(&res, i, 5, NULL), ts, last != NULL ? last : "-",
		    sres_get(&res, i, 3, NULL));
	}
	sres_free(&res);
	return 0;
}
