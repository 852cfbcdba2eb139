/*
 * The supervisor's claim and lease statements (src/store/store_sup.c):
 * selecting and claiming executions, orphans of dead claimers, template
 * concurrency limits, lease renewal, heartbeats, the cancel poll and
 * retention. Every call returns RC_OK or a store code (include/store.h:
 * RC_AGAIN, RC_CONFLICT, RC_DENIED, RC_INVALID, RC_ERR) unless it says
 * otherwise; strings passed in are borrowed for the call.
 */
#ifndef WFM_STORE_SUP_H
#define WFM_STORE_SUP_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Ids per claim UPDATE (STMT_SUP_CLAIM_UPDATE_MANY has as many places). */
#define STORE_SUP_CLAIM_BATCH	32

/* A claim candidate: an execution row locked by one of the selects. */
struct store_sup_cand {
	long long	pk;
	long long	tpk;		/* template pk */
	long long	epoch;		/* claim_epoch when selected */
};

/* Which rows a claim round looks at (store_sup_select). */
enum store_sup_which {
	STORE_SUP_EXPIRED,	/* running rows with an expired lease */
	STORE_SUP_WAITING_DUE,	/* waiting rows with a step timeout due */
	STORE_SUP_PAUSED_DUE	/* parked paused rows with a timeout due */
};

/*
 * Lock up to limit rows of kind which (FOR UPDATE SKIP LOCKED: inside the
 * caller's transaction) and append them to c[*nc], at most up to c[max].
 */
int	store_sup_select(struct store *, enum store_sup_which which,
	    long long limit, struct store_sup_cand *c, int *nc, int max);
/*
 * The claim's select of runnable pending rows, as store_sup_select. With
 * upto > after >= 0 only ids in (after, upto], in id order; else all,
 * in claim order (run_after, id) through ix_exec_claim. *last (may be
 * NULL) becomes the largest id read when it is larger.
 */
int	store_sup_select_pending(struct store *, long long after,
	    long long upto, long long limit, struct store_sup_cand *c, int *nc,
	    int max, long long *last);
/* The same for the running rows of claimer (a dead one), limit of them. */
int	store_sup_orphans_of(struct store *, const char *claimer,
	    long long limit, struct store_sup_cand *c, int *nc, int max);

/* Claimer ids (owned strings, one free for all). */
struct store_sup_claimers {
	size_t	  n;
	char	**v;
};
/*
 * Claimers other than self whose id matches the LIKE pattern like and
 * that hold running rows, into *out (caller frees with
 * store_sup_claimers_free, also after an error). A plain read.
 */
int	store_sup_orphan_owners(struct store *, const char *like,
	    const char *self, struct store_sup_claimers *out);
void	store_sup_claimers_free(struct store_sup_claimers *);

/*
 * Template tpk's max_concurrent into *limit, 0 when it has none (or the
 * template is gone). lock: FOR UPDATE, serialising the claims of one
 * limited template (inside the caller's transaction).
 */
int	store_sup_tmpl_limit(struct store *, long long tpk, int lock,
	    long long *limit);
/* The number of running executions of template tpk into *n. */
int	store_sup_tmpl_running(struct store *, long long tpk, long long *n);

/*
 * Mark the n locked rows pks running, claimed by claimer with a lease of
 * lease_s seconds and the next claim epoch, STORE_SUP_CLAIM_BATCH per
 * statement (inside the caller's transaction).
 */
int	store_sup_claim(struct store *, const char *claimer, int lease_s,
	    const long long *pks, int n);
/*
 * Claim paused row pk for a due step timeout: it stays paused, held by
 * claimer with a lease (STMT_SUP_CLAIM_PAUSED; inside the caller's
 * transaction).
 */
int	store_sup_claim_paused(struct store *, const char *claimer,
	    int lease_s, long long pk);
/*
 * Release the paused rows whose lease expired (their claimer died or
 * was cut off while a step ran): they stay paused, held by nobody, so a
 * resume makes them pending. *n is the number released (may be NULL).
 */
int	store_sup_release_paused(struct store *, uint64_t *n);
/* Give back claimer's claim of pk (pending again, or paused). */
int	store_sup_release_mine(struct store *, long long pk,
	    const char *claimer);

/* A row a claimer holds, and since which claim. */
struct store_sup_held {
	long long	pk;
	long long	epoch;
};
struct store_sup_held_list {
	size_t			 n;
	struct store_sup_held	*v;
};
/*
 * What the database says claimer holds (running or paused under a
 * lease) into *out; caller frees with store_sup_held_list_free (safe on
 * a zeroed list and after an error).
 */
int	store_sup_held(struct store *, const char *claimer,
	    struct store_sup_held_list *out);
void	store_sup_held_list_free(struct store_sup_held_list *);

/* Write supervisor id's heartbeat (host, pid). */
int	store_sup_beat(struct store *, const char *id, const char *host,
	    long long pid);
/* Delete id's heartbeat, and every one older than a day. */
int	store_sup_beat_delete(struct store *, const char *id);
/*
 * Renew every lease claimer holds by lease_s seconds; *n is the number
 * of rows renewed.
 */
int	store_sup_renew(struct store *, int lease_s, const char *claimer,
	    uint64_t *n);

/* One row of the cancel poll. */
struct store_sup_poll {
	long long	pk;
	int		cancel;		/* cancel_requested */
	int		paused;
};
struct store_sup_poll_list {
	size_t			 n;
	struct store_sup_poll	*v;
};
/*
 * claimer's rows with a cancel to act on, or paused under its lease,
 * into *out; caller frees with store_sup_poll_list_free (safe on a
 * zeroed list and after an error).
 */
int	store_sup_cancel_poll(struct store *, const char *claimer,
	    struct store_sup_poll_list *out);
void	store_sup_poll_list_free(struct store_sup_poll_list *);

/*
 * Retention, one batch: up to about 500 of the oldest executions
 * finished more than days ago, their audit records copied to audit_log,
 * then deleted. Three statements that must run inside the caller's
 * transaction. *n executions deleted, *na audit records copied (both 0
 * when none is old enough).
 */
int	store_sup_prune(struct store *, int days, uint64_t *n, uint64_t *na);

#endif
