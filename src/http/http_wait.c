/*
 * Bounded long polls (Prefer: wait, RFC 7240). A waiting request holds
 * its preforked worker for up to 30 s, so without a bound one client with
 * as many parallel long polls as there are workers stops the API. The
 * waiters are counted across the workers in one anonymous shared segment
 * that the master maps before forking: one slot per worker position,
 * written only by the worker at that position (it serves one request at
 * a time, so it waits at most once), read by all.
 *
 * Admission without a lock ("announce, then count"): a worker stores its
 * user's hash in its slot, then counts the occupied slots, in total and
 * of that user, with sequentially consistent atomics; over a bound it
 * clears its slot again and does not wait. Of two workers that race, the
 * one that announces last always sees the other, so the bounds hold
 * exactly; at worst both step back and answer at once.
 *
 * Release: the worker clears its slot when the wait ends, and at the end
 * of every request (http_serve) in case a path forgot. A worker killed
 * while waiting cannot clear its slot: the master clears the slot of a
 * dead worker when it reaps it (before a replacement takes the position),
 * and a new worker clears its slot when it starts. Between the death and
 * the reap the slot still counts, which can only refuse a wait, never
 * admit one too many. If the master itself dies, the segment dies with it
 * and the next master maps a clean one.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <string.h>

#include "common.h"
#include "config.h"
#include "http_int.h"
#include "log.h"

struct wait_slot {
	uint64_t	user;		/* FNV-1a of the sub; 0: free */
	uint64_t	pad[7];		/* one cache line per slot */
};

static struct wait_slot	*wslots;
static int		 nwslots;
static int		 mywslot = -1;

int
http_wait_init(int n)
{
	void	*p;

	p = mmap(NULL, sizeof(struct wait_slot) * (size_t)n,
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		log_warn("mmap wait slots");
		return RC_ERR;
	}
	wslots = p;
	nwslots = n;
	return RC_OK;
}

void
http_wait_clear(int slot)
{
	if (wslots != NULL && slot >= 0 && slot < nwslots)
		__atomic_store_n(&wslots[slot].user, 0, __ATOMIC_SEQ_CST);
}

void
http_wait_slot(int slot)
{
	mywslot = (wslots != NULL && slot >= 0 && slot < nwslots) ? slot : -1;
	http_wait_clear(mywslot);
}

void
http_wait_bounds(const struct config *cfg, int *total, int *per_user)
{
	int	t = cfg->http.max_waiters, u = cfg->http.max_waiters_per_user;

	/* Never every worker: one is always left for plain requests. */
	if (t <= 0)
		t = cfg->fcgi.workers / 2;
	t = MIN(t, cfg->fcgi.workers - 1);
	if (u <= 0)
		u = MAX(t / 2, 1);
	*total = MAX(t, 0);
	*per_user = MIN(u, *total);
}

static uint64_t
user_hash(const char *sub)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *sub != '\0'; sub++)
		h = (h ^ (unsigned char)*sub) * 1099511628211ULL;
	return h == 0 ? 1 : h;
}

int
http_wait_enter(const struct config *cfg, const char *sub)
{
	uint64_t	h, v;
	int		i, total, user, max_total, max_user;

	/*
	 * Plain CGI: one process per request, nothing shared to exhaust.
	 * One worker: the web server runs as many such processes as it has
	 * requests (mod_fcgid, wfm.fcgi) and bounds them itself
	 * (FcgidMaxProcessesPerClass); "never every worker" would forbid
	 * every wait there.
	 */
	if (wslots == NULL || cfg->fcgi.workers == 1)
		return 1;
	if (mywslot < 0)
		return 0;
	http_wait_bounds(cfg, &max_total, &max_user);
	if (max_total == 0)
		return 0;
	h = user_hash(sub);
	__atomic_store_n(&wslots[mywslot].user, h, __ATOMIC_SEQ_CST);
	for (total = user = 0, i = 0; i < nwslots; i++) {
		if ((v = __atomic_load_n(&wslots[i].user, __ATOMIC_SEQ_CST)) ==
		    0)
			continue;
		total++;
		user += v == h;
	}
	if (total > max_total || user > max_user) {
		http_wait_leave();
		log_info("Prefer: wait not honoured: %d waiting (max %d), "
		    "%d of this user (max %d)", total - 1, max_total,
		    user - 1, max_user);
		return 0;
	}
	return 1;
}

void
http_wait_leave(void)
{
	http_wait_clear(mywslot);
}
