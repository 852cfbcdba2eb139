/*
 * wfmctl webhooks [--limit N]: the deliveries not delivered (pending or
 * failed), newest first, with their last attempt's status or error.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "ctl.h"
#include "store_webhook.h"

int
ctl_webhooks(struct store *st, int argc, char *argv[])
{
	struct store_webhook_ctls	 res;
	const struct store_webhook_ctl	*c;
	const char			*why;
	char				 ts[UTIL_TIME_LEN];
	long long			 limit = 50;
	size_t				 i;
	int				 k;

	for (k = 0; k < argc; k++) {
		if (strcmp(argv[k], "--limit") == 0 && k + 1 < argc) {
			if (util_number(argv[++k], 1, 10000, &limit, &why) !=
			    RC_OK)
				errx(2, "--limit %s", why);
		} else
			errx(2, "usage: wfmctl webhooks [--limit N]");
	}
	if (store_webhook_ctl_list(st, limit, &res) != RC_OK)
		errx(1, "database error");
	printf("%-8s  %-36s  %-9s  %-9s  %-8s  %-24s  %-12s  %s\n", "ID",
	    "EXECUTION", "EVENT", "STATUS", "ATTEMPTS", "NEXT TRY", "LAST",
	    "URL");
	for (i = 0; i < res.n; i++) {
		c = &res.v[i];
		if (c->next_try_ms != STORE_NO_MS &&
		    strcmp(c->status, "pending") == 0)
			util_time_fmt(c->next_try_ms, ts);
		else
			snprintf(ts, sizeof(ts), "-");
		printf("%-8lld  %-36s  %-9s  %-9s  %-8lld  %-24s  %-12s  %s\n",
		    c->id, c->execution_id, c->event, c->status, c->attempts,
		    ts, c->last != NULL ? c->last : "-", c->url);
	}
	store_webhook_ctls_free(&res);
	return 0;
}
