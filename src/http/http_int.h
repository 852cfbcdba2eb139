/* Helpers shared inside src/http only. */
#ifndef WFM_HTTP_INT_H
#define WFM_HTTP_INT_H

#include <sys/socket.h>
#include <sys/un.h>

#include <signal.h>
#include <stdint.h>

#include "http.h"
#include "store_exec.h"

/*
 * Length check of string v (code points) at p: adds string_too_short or
 * string_too_long to ve. Returns 0 when within min..max, else 1.
 */
int	 http_check_str(struct verr *, const struct jpath *,
	    struct json_object *v, size_t min, size_t max);
/*
 * Tell the local supervisor to look now (a claim round and its polls):
 * one datagram to [supervisor] nudge_socket; losing it is fine.
 */
void	 http_nudge(struct http_req *);
/* 1 if r->body is an object, else adds model_type and returns 0. */
int	 http_check_object(struct http_req *, struct verr *);
/* Adds extra_forbidden for every key of obj not in known. */
void	 http_check_extra(struct json_object *obj, const char *const *known,
	    size_t n, struct verr *);

/*
 * Derive the HMAC key of page cursors from cfg's secret material (see
 * http_util.c). The master calls it before forking, so every worker has
 * the same key; fatal if no key can be made.
 */
void	 http_cursor_key_init(const struct config *);
/* An opaque signed page cursor for row id; new string owned by the caller. */
char	*http_cursor_make(long long id);
/* Decode a cursor; RC_OK and *id, or RC_INVALID if not one of ours. */
int	 http_cursor_parse(const char *s, long long *id);
/*
 * The list query parameters limit (1..100, default 20) and cursor; on a
 * bad value the 400 answer is set and RC_INVALID returned. *before is
 * the id to list below (LLONG_MAX without a cursor).
 */
int	 http_page_args(struct http_req *, long long *limit,
	    long long *before);

/*
 * Answer 200 {"items": items, "next_cursor": ...} for a page of n typed
 * rows read with limit + 1: when n is more than limit, key is the page
 * key of row limit - 1 (ignored otherwise). items is taken.
 */
void	 http_page_send(struct http_req *, struct json_object *items,
	    size_t n, long long limit, long long key);

/* A cached template (http_cache.c); see there for why it is safe. */
struct schema;

struct tcache_ent {
	char			 tid[HTTP_ID_MAX + 1];
	long long		 pk;
	long long		 version;
	char			*name;
	char			*owner;
	int			 is_public;
	char			**shares;
	int			 nshares;
	struct schema		*schema;	/* compiled input_schema or NULL */
	uint64_t		 used;
};

/*
 * The cache entry of template tid, fetched when absent or when refresh is
 * set. Borrowed until the next call. RC_OK, RC_NOTFOUND (unknown or
 * deleted), RC_AGAIN, RC_ERR.
 */
int	 http_tcache_get(struct http_req *, const char *tid, int refresh,
	    const struct tcache_ent **out);
/* 1 if who may read and execute the template: owner, public, shared, admin. */
int	 http_tcache_may_use(const struct tcache_ent *,
	    const struct principal *who);
/* Drop every entry (worker exit, tests). */
void	 http_tcache_clear(void);

/*
 * Execution names seen taken by this worker (http_seen.c): a hint that a
 * POST /execute is a replay, to look the name up before inserting. Lossy
 * and worker-local; never an answer by itself. No errors.
 */
void	 http_seen_add(const char *user, const char *name);
/* 1 if user's name was seen taken here (rarely, a collision: also 1). */
int	 http_seen_has(const char *user, const char *name);
/*
 * Keep the replay answer of user's name when row x is completed (else
 * nothing): a copy; the oldest entry in its place goes. No errors.
 */
void	 http_seen_done(const char *user, const char *name,
	    const struct store_exec_named *x);
/*
 * The completed row kept for user's name while it is certain to exist
 * (less than 23 hours after its completed_at at now_ms), borrowed until
 * the next call here; NULL otherwise (the database decides).
 */
const struct store_exec_named *http_seen_done_get(const char *user,
	    const char *name, int64_t now_ms);
/* Forget every name and kept row (tests). */
void	 http_seen_clear(void);

/*
 * Bounded long polls (http_wait.c): a segment of waiter slots shared by
 * the preforked workers, one per worker position. See there for the
 * admission rule and why a slot is released even when a worker dies.
 */
/* Map the slots (master, before fork). RC_OK or RC_ERR (logged). */
int	 http_wait_init(int nslots);
/* Take worker position slot and clear it (worker, after fork). */
void	 http_wait_slot(int slot);
/* Free the slot of a worker position (master, when it reaps the worker). */
void	 http_wait_clear(int slot);
/* The effective bounds: waiters in total and per user. */
void	 http_wait_bounds(const struct config *, int *total, int *per_user);
/*
 * Announce a wait of sub; 1 if admitted (then http_wait_leave when done),
 * 0 if a bound is reached: answer at once.
 */
int	 http_wait_enter(const struct config *, const char *sub);
/* End this worker's wait, if any. */
void	 http_wait_leave(void);

/*
 * Replica reads (http_read.c). The store for a read that may be as stale
 * as [database] max_replica_lag_ms: the replica when one is configured,
 * up and caught up; otherwise the primary (app->st). Borrowed.
 */
struct store	*http_read_store(struct http_app *);

/*
 * http_signal.c. 1 if the caller may signal a waiting wait step of
 * execution pk (owner the execution's user, def_text its definition):
 * then it may GET the execution too.
 */
int	 http_signal_may_view(struct http_req *, long long pk,
	    const char *owner, const char *def_text);
/* waiting_for of a waiting wait step (its step object, borrowed). */
struct json_object *http_signal_waiting_for(struct json_object *step);
/*
 * The replica's state for /readyz and /metrics, looked up now: NULL
 * without a replica, else "ok", "lagging" (*lag_ms set), "no heartbeat"
 * or "unreachable".
 */
const char	*http_replica_state(struct http_app *, long long *lag_ms);

/*
 * Webhooks (http_webhook.c). *has is 1 when user has a signing secret;
 * RC_OK or a store code.
 */
int	 http_webhook_has_secret(struct http_req *, const char *user,
	    int *has);
/*
 * RC_OK when the caller has a signing secret; else the answer is set
 * (422 at loc, or the store's error) and its code returned.
 */
int	 http_webhook_need_secret(struct http_req *, const struct jpath *loc);
/* Answer the deliveries of execution pk (access already checked). */
void	 http_webhook_list(struct http_req *, long long pk);
/*
 * The signals of a child of the master (a worker, the group writer):
 * on_stop runs on SIGTERM and SIGINT, which stay blocked but while the
 * child waits with *open_mask (set here: nothing blocked); SIGPIPE and
 * SIGHUP ignored, SIGCHLD default. Exits on failure (http_util.c).
 */
void	 http_child_signals(void (*on_stop)(int), sigset_t *open_mask);

/*
 * The group insert (http_group.c): a writer process per host inserts
 * the new executions of all workers, several in one statement, and
 * answers each after its commit.
 */
struct group_addr {
	struct sockaddr_un	sun;
	socklen_t		len;		/* 0: no writer */
};
/* The largest request; a row whose strings need more goes alone. */
#define GROUP_MSG_MAX	(64 * 1024)
enum group_outcome {
	GROUP_DONE,	/* committed: answer 202 */
	GROUP_ALONE,	/* not inserted: store_exec_insert it */
	GROUP_UNKNOWN	/* perhaps inserted: answer 503 (retry by name) */
};
/*
 * The master's listening socket for the writer, at an abstract address
 * the kernel picks, written to *ga. The fd, or -1 (logged) with ga's
 * len 0: the workers then insert alone.
 */
int	 http_group_listen(struct group_addr *ga);
/*
 * The writer process: serves lfd's workers until SIGTERM or SIGINT,
 * then exits. Opens its own store.
 */
void	 http_group_main(const struct config *, int lfd)
	    __attribute__((noreturn));
/*
 * A worker: insert x through the writer (connecting to app->group on
 * first use, at most once a second after a failure), waiting at most
 * [database] rw_timeout for the answer. GROUP_ALONE when there is no
 * writer or x does not fit a message; GROUP_UNKNOWN when the answer did
 * not come in time.
 */
enum group_outcome http_group_insert(struct http_app *,
	    const struct store_exec_new *x);
/*
 * The wire format. encode: x, seq and the worker's deadline (monotonic
 * ms) as one message into buf; its length, or 0 when it needs more than
 * size bytes. decode: message buf[0..n) in place (x's strings point into
 * buf); RC_OK, or RC_INVALID for anything that is not a whole message.
 */
size_t	 http_group_encode(const struct store_exec_new *x, uint64_t seq,
	    int64_t deadline, char *buf, size_t size);
int	 http_group_decode(char *buf, size_t n, struct store_exec_new *x,
	    uint64_t *seq, int64_t *deadline);

#endif
