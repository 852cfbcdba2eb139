/* Shared inside src/ctl only. */
#ifndef WFM_CTL_H
#define WFM_CTL_H

#include <err.h>
#include <stddef.h>

#include "config.h"
#include "store.h"

/* Read a whole file ("-": stdin) of at most max bytes; exits on error. */
char	*ctl_read_file(const char *path, size_t max, size_t *len);
/* wfmctl secret set OWNER NAME: value from stdin; exit status. */
int	 ctl_secret_set(const struct config *, struct store *,
	    const char *owner, const char *name);

/* wfmctl schedules [list | pause ID | resume ID]; exit status. */
int	 ctl_schedules(struct store *, int argc, char *argv[]);

/* wfmctl tail ID: follow the steps until the end; exit status. */
int	 ctl_tail(struct store *, const char *id);

/* wfmctl webhooks [--limit N]: undelivered deliveries; exit status. */
int	 ctl_webhooks(struct store *, int argc, char *argv[]);
#endif
