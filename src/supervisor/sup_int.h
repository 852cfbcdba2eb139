/* Shared inside src/supervisor only. */
#ifndef WFM_SUP_INT_H
#define WFM_SUP_INT_H

#include <limits.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"
#include "secret.h"
#include "store.h"
#include "sup_step.h"
#include "tmpl.h"

#define SUP_ID_MAX		160
#define SUP_CANCEL_POLL_MS	500
#define SUP_PRUNE_MS		60000
#define SUP_WAIT_MAX_MS		1000

struct run_step {
	enum engine_state	 st;
	int			 attempts;
	int64_t			 started_ms;	/* wall clock, for the row */
	int64_t			 completed_ms;
	int64_t			 due;		/* monotonic ms; 0: none */
	struct sup_cmd		*cmd;
	struct sup_http_xfer	*xfer;
	struct json_object	*output;	/* owned */
	struct json_object	*error;		/* owned {"type","message"} */
	int			 dirty;		/* not yet written */
};

struct run {
	long long		 pk;
	long long		 epoch;
	char			 id[37];
	char			*name;
	char			*user;
	char			*owner;
	struct tmpl		*t;
	struct json_object	*ctx;		/* expression context */
	struct json_object	*secrets;	/* name -> value, or NULL */
	int64_t			 deadline;	/* monotonic ms */
	int			 cancel;	/* cancel requested */
	int			 lost;		/* lease lost: drop silently */
	int			 done;		/* outcome decided */
	const char		*final_status;
	struct json_object	*final_result;	/* owned */
	struct json_object	*error_details;	/* owned */
	struct run_step		 s[TMPL_STEPS_MAX];
};

struct sup {
	struct config		*cfg;
	struct store		*st;
	struct sup_http		*http;
	struct sup_net_allow	*allow;
	char			 id[SUP_ID_MAX];
	char			 host[65];
	char			 workdir[PATH_MAX];
	int			 nudge_fd;
	int			 sig_fd;
	int			 lock_fd;
	struct run		**runs;		/* concurrency slots */
	int			 nslots;
	int			 nruns;
	int			 stopping;
	int64_t			 stop_deadline;
	int			 want_claim;
	int			 want_cancel_poll;
	int			 orphans_done;
	int64_t			 next_claim, next_renew, next_cancel, next_prune;
	unsigned char		 key[SECRET_KEY_LEN];
	int			 have_key;
};

/* sup_claim.c: claiming, leases, heartbeats, retention. */
void	 sup_claim(struct sup *);
void	 sup_renew(struct sup *);
void	 sup_cancel_poll(struct sup *);
void	 sup_prune(struct sup *);

/* sup_run.c: one execution's life. */
/* Load execution pk claimed at epoch into a new run; NULL if unusable. */
struct run *sup_run_load(struct sup *, long long pk);
/* Make progress; returns 1 when the run is finished and may be freed. */
int	 sup_run_advance(struct sup *, struct run *);
/* Results of step runners. */
void	 sup_run_result(struct sup *, struct run *, int idx,
	    struct sup_step_result *);
/* Stop every running step at once (shutdown, lease lost). */
void	 sup_run_abort(struct run *);
/* Give the lease back so another supervisor resumes it at once. */
void	 sup_run_release(struct sup *, struct run *);
void	 sup_run_free(struct run *);
/* Earliest monotonic time at which the run needs attention (0: none). */
int64_t	 sup_run_due(const struct run *);

#endif
