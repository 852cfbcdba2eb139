/*
 * Claiming executions: in one short READ COMMITTED transaction, the host's
 * orphans (first round only), expired leases and runnable pending rows
 * are locked with FOR UPDATE SKIP LOCKED and marked running with our id,
 * a lease and a new claim epoch; paused rows held under an expired
 * lease are released (still paused). Also lease renewal, heartbeats,
 * the cancel poll and retention. The statements are store_sup.h's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "log.h"
#include "store_sup.h"
#include "sup_int.h"

/*
 * Candidates per free slot while a template limit is passing rows over
 * (sup.limited_until), so that other templates' rows behind them are
 * still claimed; one otherwise: each candidate is read and locked, and a
 * drain claims a round of want rows (docs/bench.md, 2026-12-06 morning).
 */
#define CLAIM_OVERSELECT	4

/*
 * Templates' max_concurrent_executions, cached for SUP_LIMIT_TTL_MS so
 * that a claim costs no query per candidate; 0 means no limit. A PUT that
 * adds a limit is obeyed within that time.
 */
int
sup_limit_cached(struct sup *s, long long tpk, long long *limit)
{
	int64_t	now = util_mono_ms();
	int	i;

	for (i = 0; i < SUP_LIMITS_MAX; i++)
		if (s->limits[i].tpk == tpk && s->limits[i].until > now) {
			*limit = s->limits[i].limit;
			return 1;
		}
	return 0;
}

void
sup_limit_remember(struct sup *s, long long tpk, long long limit)
{
	int	i, oldest = 0;

	for (i = 0; i < SUP_LIMITS_MAX; i++) {
		if (s->limits[i].tpk == tpk || s->limits[i].until == 0) {
			oldest = i;
			break;
		}
		if (s->limits[i].until < s->limits[oldest].until)
			oldest = i;
	}
	s->limits[oldest].tpk = tpk;
	s->limits[oldest].limit = limit;
	s->limits[oldest].until = util_mono_ms() + SUP_LIMIT_TTL_MS;
}

/*
 * 1 if one more execution of template c[upto].tpk may run, taking the
 * template lock when it has a limit. The rows claimed earlier in this
 * round (taken) are not marked running yet: they are counted here.
 */
static int
limit_allows(struct sup *s, const struct store_sup_cand *c, int upto,
    const long long *taken, int ntaken, int *rcp)
{
	long long	limit, running;
	int		known, i, j;

	*rcp = RC_OK;
	/* Most templates have no limit: that answer is cached a while. */
	if ((known = sup_limit_cached(s, c[upto].tpk, &limit)) && limit == 0)
		return 1;
	if (!known) {
		if ((*rcp = store_sup_tmpl_limit(s->st, c[upto].tpk, 0,
		    &limit)) != RC_OK)
			return 0;
		sup_limit_remember(s, c[upto].tpk, limit);
		if (limit == 0)
			return 1;
	}
	if ((*rcp = store_sup_tmpl_limit(s->st, c[upto].tpk, 1, &limit)) !=
	    RC_OK)
		return 0;
	if ((*rcp = store_sup_tmpl_running(s->st, c[upto].tpk, &running)) !=
	    RC_OK)
		return 0;
	/* This round's claims are marked running only at its end. */
	for (i = 0; i < ntaken; i++)
		for (j = 0; j < upto; j++)
			if (c[j].pk == taken[i] && c[j].tpk == c[upto].tpk)
				running++;
	return running < limit;
}

/*
 * 1 while process pid of this host may still be a live supervisor: a
 * zombie, a pid now used by another program or no process at all is
 * dead. When /proc cannot tell, assume alive (the lease covers it).
 */
static int
claimer_alive(long pid)
{
	char	 path[64], buf[512], *lp, *rp;
	FILE	*f;
	size_t	 n;

	if (pid <= 0)
		return 0;
	if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return errno != ENOENT;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((lp = strchr(buf, '(')) == NULL ||
	    (rp = strrchr(buf, ')')) == NULL || rp[1] != ' ')
		return 1;
	if (rp[2] == 'Z' || rp[2] == 'X')
		return 0;
	*rp = '\0';
	return strcmp(lp + 1, "wfm-supervisor") == 0;
}

/*
 * Lock the running rows of this host's dead claimers (until none is
 * left): a supervisor on the same host under another lock file is alive
 * and keeps its executions. Appends to c; *dead is the number of dead
 * claimers that still hold rows (some may have been skipped, locked).
 * RC_OK or a store code.
 */
static int
select_orphans(struct sup *s, int want, struct store_sup_cand *c, int *nc,
    int *dead)
{
	struct store_sup_claimers	 own;
	char				 like[80];
	const char			*who;
	size_t				 i, hl = strlen(s->host);
	int				 rc = RC_OK;

	snprintf(like, sizeof(like), "%s:%%", s->host);
	if ((rc = store_sup_orphan_owners(s->st, like, s->id, &own)) != RC_OK)
		return rc;
	for (i = 0; i < own.n && *nc < want && rc == RC_OK; i++) {
		who = own.v[i];
		if (strncmp(who, s->host, hl) != 0 || who[hl] != ':' ||
		    claimer_alive(strtol(who + hl + 1, NULL, 10)))
			continue;
		(*dead)++;
		rc = store_sup_orphans_of(s->st, who, want - *nc, c, nc, want);
	}
	store_sup_claimers_free(&own);
	return rc;
}

/*
 * The runnable pending rows, up to max, appended to c[*nc]: in a window
 * of ids past the largest one claims read before (the index entries of
 * the rows they claimed are not read again), or from the queue's start
 * when that window has none or SUP_CLAIM_FULL_MS have passed since the
 * last such read: for the rows behind the mark (given back, woken,
 * passed over for a template's limit, committed late, skipped while
 * another host's supervisor held them). RC_OK or a store code.
 */
static int
claim_pending(struct sup *s, int max, struct store_sup_cand *c, int *nc)
{
	int64_t	now = util_mono_ms();
	int	from = *nc, rc;

	if (now < s->claim_full_at && s->claim_after >= 0) {
		if ((rc = store_sup_select_pending(s->st, s->claim_after,
		    s->claim_after + (long long)max * SUP_CLAIM_WINDOW, max, c,
		    nc, from + max, &s->claim_after)) != RC_OK || *nc > from)
			return rc;
	}
	s->claim_full_at = now + SUP_CLAIM_FULL_MS;
	return store_sup_select_pending(s->st, -1, -1, max, c, nc, from + max,
	    &s->claim_after);
}

/* One claim transaction's inputs and results (a store_tx body). */
struct claim_args {
	struct sup	*s;
	int		 want;
	long long	*pks;		/* claimed */
	long long	*epochs;	/* their claim_epoch once claimed */
	int		 npks;
	long long	*ppks;		/* of those, paused ones (they
					   stay paused) */
	int		 nppks;
	int		 norphans;
	int		 dead;		/* dead claimers still holding rows */
};

static int
claim_body(struct store *st, void *arg)
{
	struct claim_args	*a = arg;
	struct sup		*s = a->s;
	struct store_sup_cand	*c;
	int			 nc = 0, i, rc, want = a->want, nresumed;
	int			 max = util_mono_ms() < s->limited_until ?
				     want * CLAIM_OVERSELECT : want;
	int			 pfrom = 0, pto = 0, nrun = 0;
	long long		*run;

	(void)st;
	a->npks = a->norphans = a->dead = a->nppks = 0;
	c = xcalloc((size_t)max + (size_t)want * 2, sizeof(*c));
	run = xcalloc((size_t)want, sizeof(*run));
	if (!s->orphans_done) {
		if ((rc = select_orphans(s, want, c, &nc, &a->dead)) != RC_OK)
			goto out;
		a->norphans = nc;
	}
	/*
	 * Expired leases (a supervisor gone for lease_seconds) are looked
	 * for once a second, not on every claim: a nudged claim is one
	 * statement shorter.
	 */
	if (nc < want && util_mono_ms() >= s->next_reclaim) {
		s->next_reclaim = util_mono_ms() + SUP_RECLAIM_MS;
		/*
		 * A paused row held under an expired lease (its supervisor
		 * died while a step ran) is released: still paused, held by
		 * nobody, so a resume makes it pending.
		 */
		if ((rc = store_sup_release_paused(s->st, NULL)) != RC_OK)
			goto out;
		if ((rc = store_sup_select(s->st, STORE_SUP_EXPIRED,
		    want - nc, c, &nc, want)) != RC_OK)
			goto out;
		/* Waiting executions with a step timeout due. */
		if (nc < want && (rc = store_sup_select(s->st,
		    STORE_SUP_WAITING_DUE, want - nc, c, &nc, want)) != RC_OK)
			goto out;
		/* Paused ones with a step timeout due: they stay paused. */
		pfrom = nc;
		if (nc < want && (rc = store_sup_select(s->st,
		    STORE_SUP_PAUSED_DUE, want - nc, c, &nc, want)) != RC_OK)
			goto out;
		pto = nc;
	}
	nresumed = nc;
	if ((rc = claim_pending(s, max, c, &nc)) != RC_OK)
		goto out;
	for (i = 0; i < nc && a->npks < want; i++) {
		/*
		 * Resumed executions (orphans, expired leases, woken
		 * waiting ones) were admitted before: no limit check.
		 */
		if (i >= nresumed && !limit_allows(s, c, i, a->pks, a->npks,
		    &rc)) {
			if (rc != RC_OK)
				goto out;
			/*
			 * Look further for a while: at once when this claim
			 * did not (no spin when it did: the poll comes).
			 */
			if (max == want)
				s->want_claim = 1;
			s->limited_until = util_mono_ms() + SUP_LIMIT_TTL_MS;
			continue;
		}
		a->epochs[a->npks] = c[i].epoch + 1;
		a->pks[a->npks++] = c[i].pk;
		if (i >= pfrom && i < pto)
			a->ppks[a->nppks++] = c[i].pk;
		else
			run[nrun++] = c[i].pk;
	}
	rc = store_sup_claim(s->st, s->id, s->cfg->sup.lease_seconds, run,
	    nrun);
	for (i = 0; rc == RC_OK && i < a->nppks; i++)
		rc = store_sup_claim_paused(s->st, s->id,
		    s->cfg->sup.lease_seconds, a->ppks[i]);
out:
	free(run);
	free(c);
	return rc;
}

void
sup_claim(struct sup *s)
{
	struct claim_args	 a;
	struct run		*r, **loaded;
	int			 want = s->nslots - s->nruns, n, i, j, rc;

	if (want <= 0)
		return;
	memset(&a, 0, sizeof(a));
	a.s = s;
	a.want = want;
	a.pks = xcalloc((size_t)want, sizeof(*a.pks));
	a.epochs = xcalloc((size_t)want, sizeof(*a.epochs));
	a.ppks = xcalloc((size_t)want, sizeof(*a.ppks));
	/* Deadlocks, and certification failures on Galera, run it again. */
	rc = store_tx(s->st, 0, claim_body, &a);
	n = rc == RC_OK ? a.npks : 0;
	if (rc == RC_OK && !s->orphans_done) {
		/*
		 * Done once no dead claimer of this host holds a row: one
		 * whose rows were skipped (locked at that moment) or more
		 * than a round could take is looked at again next round,
		 * not left to its lease.
		 */
		s->orphans_done = a.dead == 0;
		if (a.norphans > 0)
			log_info("took back %d orphaned executions",
			    a.norphans);
	}
	for (i = 0; i < n; i++)
		/*
		 * Our own expired lease, reclaimed (we were cut off or
		 * paused): the old run is no longer ours to write.
		 */
		for (j = 0; j < s->cap; j++)
			if (s->runs[j] != NULL && s->runs[j]->pk == a.pks[i] &&
			    !s->runs[j]->lost) {
				log_warnx("execution %s: lease lost",
				    s->runs[j]->id);
				s->runs[j]->lost = 1;
			}
	loaded = xcalloc((size_t)want, sizeof(struct run *));
	sup_run_load(s, a.pks, a.epochs, n, loaded);
	for (i = 0; i < n; i++) {
		if ((r = loaded[i]) == NULL) {
			sup_claim_giveback(s, a.pks[i]);
			continue;
		}
		for (j = 0; j < s->cap && s->runs[j] != NULL; j++)
			;
		r->slot = j;
		s->runs[j] = r;
		s->nruns++;
	}
	free(loaded);
	free(a.pks);
	free(a.epochs);
	free(a.ppks);
}

void
sup_claim_giveback(struct sup *s, long long pk)
{
	(void)store_sup_release_mine(s->st, pk, s->id);
}

/*
 * The renewal matched a different number of rows than we run: compare
 * with what the database says we hold. A run whose row is no longer
 * ours lost its lease (taken over while we were cut off): it is dropped
 * at once instead of when its step ends. A row we hold but do not run
 * is given back.
 */
static void
reconcile(struct sup *s)
{
	struct store_sup_held_list	res;
	size_t				i;
	int				j, found;

	if (store_sup_held(s->st, s->id, &res) != RC_OK)
		return;
	for (j = 0; j < s->cap; j++) {
		if (s->runs[j] == NULL || s->runs[j]->lost)
			continue;
		/* Our id with another epoch: we reclaimed it ourselves. */
		for (i = 0, found = 0; i < res.n && !found; i++)
			found = res.v[i].pk == s->runs[j]->pk &&
			    res.v[i].epoch == s->runs[j]->epoch;
		if (!found) {
			log_warnx("execution %s: lease lost", s->runs[j]->id);
			s->runs[j]->lost = 1;
		}
	}
	for (i = 0; i < res.n; i++) {
		for (j = 0, found = 0; j < s->cap && !found; j++)
			found = s->runs[j] != NULL &&
			    s->runs[j]->pk == res.v[i].pk;
		if (!found)
			sup_claim_giveback(s, res.v[i].pk);
	}
	store_sup_held_list_free(&res);
}

void
sup_renew(struct sup *s)
{
	uint64_t	n = 0;
	int		j, live = 0;

	/*
	 * A flight's rows are held but in no slot: landed first, so that
	 * reconcile does not give them back.
	 */
	sup_flight_land(s, 1);
	(void)store_sup_beat(s->st, s->id, s->host, (long long)getpid());
	if (store_sup_renew(s->st, s->cfg->sup.lease_seconds, s->id, &n) !=
	    RC_OK)
		return;
	for (j = 0; j < s->cap; j++)
		live += s->runs[j] != NULL && !s->runs[j]->lost;
	if (n != (uint64_t)live)
		reconcile(s);
}

/*
 * Cancels and pauses of the executions we run. A paused one starts no
 * step and parks once idle; one that was pausing and is no longer
 * listed was resumed while its steps finished: it goes on, its deadline
 * moved by the time it was paused (the execution's own timeout does not
 * run while paused).
 */
void
sup_cancel_poll(struct sup *s)
{
	struct store_sup_poll_list	 res;
	struct run			*r;
	int64_t				 now = util_mono_ms();
	size_t				 i;
	int				 j, paused;

	if (s->nruns == 0)
		return;
	if (store_sup_cancel_poll(s->st, s->id, &res) != RC_OK)
		return;
	for (j = 0; j < s->cap; j++) {
		if ((r = s->runs[j]) == NULL || r->lost)
			continue;
		/* A signal may wait for one of its wait steps (sup_wait.c). */
		r->sig_check = 1;
		for (i = 0, paused = 0; i < res.n; i++) {
			if (r->pk != res.v[i].pk)
				continue;
			if (res.v[i].cancel)
				r->cancel = 1;
			paused = res.v[i].paused;
		}
		if (paused && !r->pausing) {
			log_info("execution %s pausing", r->id);
			r->pausing = 1;
			r->pause_since = now;
		} else if (!paused && r->pausing) {
			log_info("execution %s resumed while pausing", r->id);
			r->pausing = 0;
			r->hold = 0;
			r->parking = 0;
			if (!r->halting)
				r->deadline += now - r->pause_since;
		}
	}
	store_sup_poll_list_free(&res);
	/*
	 * A held run with a step waiting for a callback (other steps still
	 * run): a callback recorded meanwhile is applied here; the API
	 * nudges, so this runs at once.
	 */
	for (j = 0; j < s->cap; j++)
		if ((r = s->runs[j]) != NULL && !r->lost && !r->done)
			(void)sup_run_callbacks(s, r);
}

/*
 * Retention: up to about 500 of the oldest finished executions past
 * retention_days, their audit records (sql/010) moved to audit_log in the
 * same transaction, so the trail never misses one. A failure rolls back;
 * the next round tries again.
 */
struct prune_args {
	struct sup	*s;
	uint64_t	 n, na;		/* executions pruned, audit moved */
};

static int
prune_body(struct store *st, void *arg)
{
	struct prune_args	*a = arg;

	/* Nothing to prune: an empty commit. */
	return store_sup_prune(st, a->s->cfg->sup.retention_days, &a->n,
	    &a->na);
}

static void
prune_execs(struct sup *s)
{
	struct prune_args	a;

	a.s = s;
	if (store_tx(s->st, 0, prune_body, &a) != RC_OK)
		return;
	if (a.n > 0)
		log_info("retention: pruned %llu executions, %llu audit "
		    "records moved to audit_log", (unsigned long long)a.n,
		    (unsigned long long)a.na);
}

/* Retention: executions (above), then schedule fires (sup_sched.c). */
void
sup_prune(struct sup *s)
{
	prune_execs(s);
	sup_sched_prune(s);
}
