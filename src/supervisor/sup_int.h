/* Shared inside src/supervisor only. */
#ifndef WFM_SUP_INT_H
#define WFM_SUP_INT_H

#include <limits.h>
#include <stdint.h>

#include "cbtok.h"
#include "config.h"
#include "cron.h"
#include "engine.h"
#include "secret.h"
#include "store.h"
#include "sup_step.h"
#include "tmpl.h"

#define SUP_ID_MAX		160
#define SUP_CANCEL_POLL_MS	500
#define SUP_PRUNE_MS		60000
#define SUP_METRICS_MS		2000	/* supervisor.prom refresh */
#define SUP_LIMITS_MAX		64	/* cached template limits */
#define SUP_LIMIT_TTL_MS	5000
#define SUP_ROWS_MANY		8	/* rows per batched write (store_sql.c) */
#define SUP_PROC_WAIT_MS	50	/* retry due, max_processes reached */
#define SUP_RECLAIM_MS		1000	/* expired leases looked for */
#define SUP_CLAIM_FULL_MS	100	/* a claim from the queue's start,
					   not past the mark, at least */
#define SUP_CLAIM_WINDOW	16	/* ids past the mark a claim reads,
					   per row it wants */
#define SUP_WRITE_RETRY_MS	500	/* after a failed write */
#define SUP_WAIT_MAX_MS		1000
#define SUP_BEAT_MS		250	/* replica heartbeat (store_replica.c) */
/*
 * A final_result longer than this fails the execution: its row must fit
 * in MariaDB's max_allowed_packet (16 MiB by default) with the rest.
 */
#define SUP_RESULT_MAX		(8 * 1024 * 1024)
/* error type of a step or an execution whose write the database refused */
#define SUP_ERR_STORE_REFUSED	"store_refused"

/* Attempts kept in a step's attempt_history (sql/019). */
#define SUP_HISTORY_MAX		20

struct sup_map;

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
	/*
	 * A callback step's token for the attempt this process started
	 * (callback.token while it renders; masked in what it keeps), or
	 * "". Never logged.
	 */
	char			 cb_token[CBTOK_LEN + 1];
	int64_t			 attempt_ms;	/* wall clock: this attempt */
	struct json_object	*input;		/* owned: as rendered, masked */
	struct json_object	*history;	/* owned: array, the last
						   SUP_HISTORY_MAX attempts */
	struct sup_map		*map;		/* a map's iterations, owned */
	int			 wf_check;	/* workflow, waiting: look at
						   its child (resumed) */
	int			 wf_later;	/* workflow: starts put off
						   (quota, database) */
};

struct run {
	long long		 pk;
	long long		 epoch;
	int			 slot;		/* its place in sup.runs */
	char			 id[UTIL_UUID_LEN];
	char			*name;
	char			*user;
	char			*owner;
	struct tmpl		*t;
	struct json_object	*ctx;		/* expression context */
	struct json_object	*secrets;	/* name -> value, or NULL */
	int64_t			 deadline;	/* monotonic ms */
	int64_t			 write_retry;	/* after a failed write */
	int			 cancel;	/* cancel requested */
	int			 halting;	/* stopping its steps (cancel,
						   timeout, failure) */
	int			 lost;		/* lease lost: drop silently */
	int			 refused;	/* writes the database refused
						   for good (sup_write.c) */
	int			 pausing;	/* paused: start nothing, park
						   once idle (sup_cancel_poll) */
	int64_t			 pause_since;	/* monotonic ms pausing began */
	int			 hold;		/* claimed while paused for a due
						   step timeout: records it, never
						   ends the execution (but a
						   cancel), parks again */
	int			 parking;	/* idle and paused: its slot
						   goes back after the write */
	int			 park_wait;	/* parking as waiting, not
						   paused */
	int			 wf_poke;	/* a child ended here: look at
						   its waiting children now
						   (sup_map_poke, wf_poll) */
	int			 sig_check;	/* look for signals of its
						   waiting wait steps */
	int			 own_notify;	/* the execution has its
						   own notify */
	int			 no_tmpl_notify; /* the definition has no
						   global_config.notify
						   (sql/018) */
	int			 flown;		/* a flight of it failed: the
						   loop writes it (sup_flight.c) */
	int			 done;		/* outcome decided */
	int			 ended;		/* outcome committed */
	char			*parent_id;	/* sql/017; NULL: a root */
	char			*root_id;	/* NULL: a root */
	int			 depth;		/* 0 for a root */
	long long		 redrive;	/* redrive_count at claim */
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
	int			 cmd_switch;	/* handlers run as cmd_uid */
	uid_t			 cmd_uid;
	gid_t			 cmd_gid;
	int			 nudge_fd;
	int			 sig_fd;
	int			 lock_fd;
	struct run		**runs;		/* cap entries, nruns used */
	struct run		**round;	/* runs writing this round */
	struct run		**fly;		/* runs flying this round */
	struct sup_flight	*flight;	/* NULL: the loop writes all */
	int			 nslots;	/* concurrency: claims stop at
						   nslots runs */
	int			 cap;		/* 2 nslots: the runs of a
						   failed flight come back */
	int			 nruns;
	int			 stopping;
	int64_t			 stop_deadline;
	pid_t			 parent;	/* -p: stop when it dies */
	int			 want_claim;
	int			 want_cancel_poll;
	int			 orphans_done;
	int64_t			 next_claim, next_renew, next_cancel, next_prune;
	int64_t			 next_metrics, next_reclaim;
	int64_t			 next_sched;	/* sup_sched.c */
	struct sched_tzset	*zones;		/* owned; NULL until used */
	int64_t			 next_beat;	/* 0: no replica configured */
	struct {
		long long	 tpk;
		long long	 limit;		/* 0: none */
		int64_t		 until;		/* monotonic ms; 0: free */
	}			 limits[SUP_LIMITS_MAX];
	long long		 claim_after;	/* the largest id a claim of
						   pending rows read; -1: none */
	int64_t			 claim_full_at;	/* next claim from the
						   queue's start (monotonic) */
	int64_t			 limited_until;	/* a claim passed over a
						   limited template's row
						   before this (monotonic
						   ms): overselect */
	unsigned char		 key[SECRET_KEY_LEN];
	int			 have_key;
};

/*
 * sup_webhook.c: webhook deliveries from the outbox. init parses
 * [supervisor] webhook_allow: RC_OK, or RC_INVALID with the reason in
 * *e (e may be NULL); tick does what is due without blocking (claims
 * and starts attempts on sup->http, whose sup_http_done ends them);
 * wait_ms caps the loop's wait at the next look at the outbox; metrics
 * appends its series.
 */
int	 sup_webhook_init(const struct config *, struct errmsg *e);
/* Deliveries connect through allow (owned from now on) from now on. */
void	 sup_webhook_set_allow(struct sup_net_allow *allow);
void	 sup_webhook_tick(struct sup *);
int	 sup_webhook_wait_ms(int ms);
/* An execution ended here: look at the outbox at the next tick. */
void	 sup_webhook_nudge(void);
void	 sup_webhook_metrics(char **buf, size_t *len);
/* Before sup_http_free: drops the attempts in flight. */
void	 sup_webhook_fini(struct sup *);

/* sup_metrics.c: series written to supervisor.prom for /metrics. */
void	 sup_metrics_claim(double seconds, int first);
/* A claimed row that carried another claimer's claim on re-read. */
void	 sup_metrics_claim_lost(void);
void	 sup_metrics_step(int type, double seconds);
void	 sup_metrics_fire(double seconds);
/*
 * Fires observed since the mark are dropped by the undo: those of a batch
 * transaction that was rolled back (and maybe run again by store_tx).
 */
void	 sup_metrics_fire_mark(void);
void	 sup_metrics_fire_undo(void);
void	 sup_metrics_finish(const char *status);
/* A flight of n outcomes landed: written, or returned to the loop. */
void	 sup_metrics_flight(int written, int n);
/* A map iteration ended: completed, failed, skipped or cancelled. */
void	 sup_metrics_iteration(const char *status);
void	 sup_metrics_write(struct sup *);

/*
 * sup_subwf.c: `workflow` steps. Error types of engine.md's second
 * milestone that they report.
 */
#define SUP_ERR_FORBIDDEN		"forbidden"
#define SUP_ERR_TEMPLATE_NOT_FOUND	"template_not_found"
#define SUP_ERR_INPUT_INVALID		"input_invalid"
#define SUP_ERR_DEPTH_EXCEEDED		"depth_exceeded"
#define SUP_ERR_DESCENDANTS_EXCEEDED	"descendants_exceeded"
#define SUP_ERR_CHILD_FAILED		"child_failed"
/* A parent waiting for a child looks at it again after this anyway. */
#define SUP_WF_RECHECK_MS		300000
#define SUP_WF_LATER_MS			1000	/* first put-off delay */
#define SUP_WF_LATER_MAX_MS		30000

enum sup_wf_kind {
	SUP_WF_WAIT,		/* the child runs: the step waits */
	SUP_WF_DONE,		/* output set */
	SUP_WF_FAIL,		/* err_type, msg, retryable set */
	SUP_WF_QUOTA,		/* the user's quota: try later, not failed */
	SUP_WF_LATER		/* the database: try later */
};

struct sup_wf_res {
	enum sup_wf_kind	 kind;
	struct json_object	*output;	/* owned, SUP_WF_DONE */
	const char		*err_type;	/* static, SUP_WF_FAIL */
	char			 msg[384];
	int			 retryable;
	char			 child_id[37];
};

/*
 * Start (or, resumed, find) the child of workflow step i of r for its
 * current attempt, with input (borrowed, rendered). res says what the
 * step does now. Checks depth, the template and the user's access to it
 * now, the child's input, and [supervisor] max_descendants.
 */
void	 sup_wf_start(struct sup *, struct run *, int i,
	    struct json_object *input, struct sup_wf_res *res);
/* What the child of waiting workflow step i of r says now. */
void	 sup_wf_check(struct sup *, struct run *, int i,
	    struct sup_wf_res *res);
/*
 * The same for iteration k of map step i whose inner step is a workflow
 * step, at the iteration's attempt: the child is named with the map
 * index (engine_child_name), so a resumed iteration finds its child.
 */
void	 sup_wf_iter_start(struct sup *, struct run *, int i, int k,
	    int attempt, struct json_object *input, struct sup_wf_res *res);
void	 sup_wf_iter_check(struct sup *, struct run *, int i, int k,
	    int attempt, struct sup_wf_res *res);

/* Cached template limits (sup_claim.c); 1 when known. */
int	 sup_limit_cached(struct sup *, long long tpk, long long *limit);
void	 sup_limit_remember(struct sup *, long long tpk, long long limit);

/* sup_claim.c: claiming, leases, heartbeats, retention. */
void	 sup_claim(struct sup *);
/* Give back an execution we claimed but cannot run (load failed). */
void	 sup_claim_giveback(struct sup *, long long pk);
void	 sup_renew(struct sup *);
void	 sup_cancel_poll(struct sup *);
void	 sup_prune(struct sup *);

/*
 * sup_sched.c: fire the due schedules (several batches, each one
 * transaction) and set next_sched from the nearest next_fire_at.
 */
void	 sup_sched_fire(struct sup *);
/* Drop schedule fires older than retention_days (a batch). */
void	 sup_sched_prune(struct sup *);

/*
 * sup_wait.c: signals for the waiting wait steps of r (sql/014), in
 * engine_wait_order. Each step takes the signal already given to it
 * (consumed_by) or else claims the oldest kept one of its name, and
 * completes with its payload (sup_run_wait_done). With dry set nothing
 * changes: it only says whether a step could take one. Returns the
 * number of steps that took (or could take) a signal; 0 on a store
 * error (logged; the next poll tries again).
 */
int	 sup_wait_take(struct sup *, struct run *r, int dry);

/* sup_run.c: one execution's life. */
/* Complete waiting step i with output (consumed). */
void	 sup_run_wait_done(struct run *r, int i, struct json_object *output);
/*
 * Load the n claimed executions pks into new runs: out[i] is NULL when
 * pks[i] could not be loaded, is unusable (an unusable definition is
 * finished as failed here) or does not carry our claim: our claimer id
 * and epochs[i] (read with wsrep_sync_wait on Galera).
 */
void	 sup_run_load(struct sup *, const long long *pks,
	    const long long *epochs, int n,
	    struct run **out);
/* What a run needs after sup_run_advance. */
enum sup_adv {
	SUP_ADV_WAIT,		/* nothing until an event or a timer */
	SUP_ADV_WRITE,		/* changes to write in this round */
	SUP_ADV_FREE		/* lost, its handlers gone: free it */
};
/*
 * Make progress: start what may start, take timers, decide the outcome.
 * While the supervisor is stopping no new step (or retry) starts; a run
 * then only waits for its running steps and ends if they end it. What
 * changed is written by sup_run_write_round, except results that must be
 * committed before a step with effects starts (written here, at once).
 */
enum sup_adv sup_run_advance(struct sup *, struct run *);
/* 1 when a step of r changed since it was last written. */
int	 sup_run_dirty(const struct run *);
/*
 * sup_write.c. The outcome of r (final_status, final_result,
 * error_details), fenced by its claim, in one statement of its own or
 * of the caller's transaction; sets r->lost when the claim is no longer
 * ours. RC_OK or a store code.
 */
int	 sup_write_finish(struct sup *, struct run *r);
/*
 * Give r's slot and lease back without ending it (engine_park): status
 * to (paused, or waiting with wake_in_us until its earliest step
 * timeout, -1: none), fenced by its claim and only from status from.
 * RC_OK with *parked 1 when the row matched, 0 when it changed meanwhile
 * (resumed, a cancel to act on, or the lease lost); else a store code.
 */
int	 sup_write_park(struct sup *, struct run *r, enum engine_exec to,
	    enum engine_exec from, long long wake_in_us, int *parked);
/*
 * r's changed steps (and with final its outcome) in a fenced transaction
 * of its own; clears the steps' dirty marks and, with final, sets
 * r->ended. RC_CONFLICT when the claim was lost (r->lost), else RC_OK
 * or a store code. A write the database refuses for good (RC_INVALID of
 * the store) is never retried: each refused step row is stored as a
 * failed step with error type "store_refused" (r->refused counts them),
 * which fails the execution, and a refused outcome as "failed" with
 * store_refused error details.
 */
int	 sup_write_run(struct sup *, struct run *r, int final);
/*
 * Write the changes of the n runs that asked for it in one transaction
 * (one log flush): changed steps, and the outcome of those decided. If
 * that fails, each run is written on its own; a run whose write failed
 * tries again SUP_WRITE_RETRY_MS later.
 */
void	 sup_run_write_round(struct sup *, struct run **, int n);
/*
 * sup_flight.c: the outcomes of decided runs on a second connection, in
 * a thread (one flight at a time). open: the thread and its store, NULL
 * (logged) when it cannot start; the loop then writes everything
 * itself. takes: 1 when r may fly (decided, idle, no map, never failed
 * a flight). send: lands the previous flight (waiting for it), then
 * takes rs[0..n) out of their slots and hands their writes to the
 * thread. land: settles a flight that has landed (with wait, waits for
 * it first); a failed flight's runs are written by the loop, and those
 * not over go back into slots. fd: readable once a flight has landed;
 * -1 without a flight. stats: its store's counters as of the last
 * landing (zero without a flight). close: lands, stops the thread,
 * frees; NULL-safe.
 */
struct sup_flight;
struct sup_flight *sup_flight_open(struct sup *);
int	 sup_flight_takes(const struct sup_flight *, const struct run *r);
void	 sup_flight_send(struct sup *, struct run **rs, int n);
void	 sup_flight_land(struct sup *, int wait);
int	 sup_flight_fd(const struct sup_flight *);
void	 sup_flight_stats(struct sup_flight *, struct store_stats *out);
void	 sup_flight_close(struct sup *);

/* After a commit that held r's write: its steps are clean, ended set. */
void	 sup_write_written(struct run *r);

/*
 * The final writes of decided runs as plain rows, for another thread's
 * connection (sup_flight.c): their outcomes, then their changed steps.
 * It owns its JSON texts; it borrows the claimer id of sup and the step
 * ids and status names of the runs, which must outlive it.
 */
struct sup_batch {
	struct store_run_outcome	*o;	/* n outcomes */
	char				**otxt;	/* 2 n: result, error */
	struct store_run_step_put	*w;	/* nw changed steps */
	char				**wtxt;	/* 4 nw: their texts */
	int				 n, nw;
};
/* Build b from the n runs rs, each decided (done) and idle. Never fails. */
void	 sup_batch_build(struct sup *, struct run *const *rs, int n,
	    struct sup_batch *b);
/*
 * b's statements inside a transaction of the caller on st (any thread's
 * store; b is the only shared data it reads). RC_OK; RC_CONFLICT when a
 * claim was lost (the caller finds which, run by run); else a store
 * code.
 */
int	 sup_batch_put(struct store *st, const struct sup_batch *b);
/* Free b's arrays and texts; b is empty after. */
void	 sup_batch_free(struct sup_batch *b);

/*
 * After the round's write: 1 when the run is over and may be freed (its
 * outcome committed, or its lease lost and its handlers gone). Logs and
 * counts the outcome.
 */
int	 sup_run_settled(struct sup *, struct run *);
/*
 * Apply the callbacks recorded for r's waiting callback steps (sql/015):
 * {"output"} completes a step, {"error"} fails it (retried when its type
 * is in retry.on). Only a step waiting at the token's attempt takes one.
 * Returns the number applied; a read error applies none (tried again at
 * the next poll).
 */
int	 sup_run_callbacks(struct sup *, struct run *);
/* 1 when a step of r waits for a callback. */
int	 sup_run_cb_waiting(const struct run *);
/* Results of step runners. */
void	 sup_run_result(struct sup *, struct run *, int idx,
	    struct sup_step_result *);
/*
 * Stop every running step at once (shutdown, lease lost): commands get
 * SIGTERM, http transfers are dropped. No step state is written.
 */
void	 sup_run_abort(struct sup *, struct run *);
/* 1 when no command or transfer of the run is in flight. */
int	 sup_run_idle(const struct run *);
/*
 * Give the lease back so another supervisor resumes it at once: running
 * commands are killed with their group first, the results so far are
 * written, and the execution goes back to pending.
 */
void	 sup_run_release(struct sup *, struct run *);
/* Free r; a handler still running is killed with its group. NULL-safe. */
void	 sup_run_free(struct run *);
/* Earliest monotonic time at which the run needs attention (0: none). */
int64_t	 sup_run_due(const struct run *);

/*
 * sup_map.c: map steps (engine.md "map"). A map step that starts
 * evaluates its items and owns one struct sup_iter per item; iteration
 * rows are written with the step's row (sup_map_put, inside the run's
 * fenced write) and marked written only after the commit
 * (sup_map_written). An iteration that changes marks its step dirty.
 */
struct sup_iter {
	enum engine_state	 st;
	int			 attempts;
	int64_t			 started_ms;	/* wall clock */
	int64_t			 completed_ms;
	int64_t			 due;		/* monotonic ms; 0: none */
	struct json_object	*output;	/* owned */
	struct json_object	*error;		/* owned {"type","message"} */
	int			 dirty;
	struct sup_cmd		*cmd;		/* a command attempt, owned */
	struct sup_http_xfer	*xfer;		/* an http attempt */
	int			 wf_rejoin;	/* workflow, resumed: find or
						   start the child of this
						   attempt again */
	int			 wf_later;	/* workflow: starts put off */
};

struct sup_map {
	int			 n;		/* items */
	struct json_object	*items;		/* owned array */
	struct sup_iter		*it;		/* n entries, owned */
};

/* Start map step i of r (its attempt is counted): items, iterations. */
void	 sup_map_start(struct sup *, struct run *, int i);
/*
 * Map step i of a loaded run waits (its iterations' children run):
 * it runs again (engine_step_wake) with its iterations read back, so
 * that sup_map_advance looks at their children.
 */
void	 sup_map_resume(struct sup *, struct run *, int i);
/*
 * A child of r ended in this supervisor while r holds its slot: look at
 * the children of map step i's waiting iterations now (a map that only
 * waited runs again). 1 when an iteration changed.
 */
int	 sup_map_poke(struct sup *, struct run *, int i);
/* The run halts: unfinished iterations of step i become cancelled. */
void	 sup_map_stop(struct sup *, struct run *, int i);
/* Progress of a running map step i; 1 when something changed. */
int	 sup_map_advance(struct sup *, struct run *, int i);
/* Write the dirty iterations of step i of r in the caller's tx. */
int	 sup_map_put(struct sup *, const struct run *, int i);
void	 sup_map_written(struct sup_map *);
/* Kill and free what the iterations run; free m. NULL-safe. */
void	 sup_map_free(struct sup_map *);
/* Handlers and transfers in flight for step i of r. */
int	 sup_map_handles(const struct run *, int i);
/* Command handlers in flight in the whole supervisor. */
int	 sup_map_processes(const struct sup *);
/* Stop every handler and transfer of r's maps (lease lost, release). */
void	 sup_map_abort(struct sup *, struct run *);
/* An http result whose user is an iteration of r: 1 when routed. */
int	 sup_map_http_done(struct sup *, struct run *, void *user,
	    struct sup_step_result *);
/* Drive r's iteration handlers: I/O, timers, results. */
void	 sup_map_collect(struct sup *, struct run *);
/* Their descriptors into pfd (room entries); how many. */
size_t	 sup_map_pollfds(const struct run *, struct pollfd *pfd,
	    size_t room);
/* Earliest monotonic ms a timer of r's iterations or handlers is due. */
int64_t	 sup_map_due(const struct run *, int64_t now);

/* sup_run.c helpers for sup_map.c: as their static counterparts. */
void	 sup_run_complete(struct run *, int i, struct json_object *out);
void	 sup_run_fail(struct run *, int i, const char *type,
	    const char *msg);
struct json_object *sup_run_scrub(const struct run *, struct json_object *);
struct json_object *sup_run_ctx(struct run *, const struct tmpl_step *);
/*
 * Start handler ts (the step's, or a map's inner step with index >= 0)
 * for an attempt with input (consumed). RC_OK with *cmd set (owned by
 * the caller); else *cmd NULL, err set, *retryable 0 or 1.
 */
/*
 * Start ts's rendered request req (consumed) as a transfer for user.
 * RC_OK with *xfer set; else *xfer NULL, err (may be NULL) says why,
 * RC_INVALID: no retry.
 */
int	 sup_run_http(struct sup *, const struct tmpl_step *ts,
	    struct json_object *req, const char *key, void *user,
	    struct sup_http_xfer **xfer, struct errmsg *err);
int	 sup_run_command(struct sup *, const struct run *,
	    const struct tmpl_step *ts, int attempt, int index,
	    struct json_object *input, struct sup_cmd **cmd,
	    struct errmsg *err, int *retryable);

#endif
