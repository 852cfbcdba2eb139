/*
 * The outcomes of decided runs, written on a second connection by a
 * thread of their own while the loop claims and runs on the first
 * (docs/decisions.md, "The supervisor's second connection"). One flight
 * at a time. The runs a flight carries have left their slots, so the
 * next claim does not wait for their commit; once it has landed the
 * loop settles them (log, metrics, parent, webhooks), or writes them
 * itself when it failed. The thread touches nothing but its store and
 * the flight's batch: every JSON text is printed by the loop before
 * the flight leaves.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common.h"
#include "log.h"
#include "store_run.h"
#include "sup_int.h"

enum flight_state {
	FL_IDLE,	/* nothing in flight */
	FL_SENT,	/* the thread writes it */
	FL_LANDED,	/* written or failed: rc; the loop settles it */
	FL_QUIT		/* the thread ends */
};

struct sup_flight {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	enum flight_state	 state;		/* under mu */
	int			 rc;		/* under mu, once landed */
	struct store_stats	 stats;		/* under mu: of st, as of
						   the last landing */
	int			 efd;		/* eventfd: landed */
	struct store		*st;		/* the thread's */
	struct sup_batch	 b;
	struct run		**runs;		/* n of b, the loop's */
};

static int
flight_body(struct store *st, void *arg)
{
	return sup_batch_put(st, arg);
}

static void *
flight_main(void *arg)
{
	struct sup_flight	*f = arg;
	uint64_t		 one = 1;
	int			 rc;

	if (pthread_mutex_lock(&f->mu) != 0)
		abort();
	for (;;) {
		while (f->state == FL_IDLE || f->state == FL_LANDED)
			if (pthread_cond_wait(&f->cv, &f->mu) != 0)
				abort();
		if (f->state == FL_QUIT)
			break;
		if (pthread_mutex_unlock(&f->mu) != 0)
			abort();
		rc = store_tx(f->st, 0, flight_body, &f->b);
		if (pthread_mutex_lock(&f->mu) != 0)
			abort();
		f->rc = rc;
		store_stats(f->st, &f->stats);
		f->state = FL_LANDED;
		if (pthread_cond_broadcast(&f->cv) != 0)
			abort();
		/* A full counter (never: one flight at a time) still wakes. */
		if (write(f->efd, &one, sizeof(one)) == -1 && errno != EAGAIN)
			log_warn("flight: eventfd");
	}
	if (pthread_mutex_unlock(&f->mu) != 0)
		abort();
	return NULL;
}

struct sup_flight *
sup_flight_open(struct sup *s)
{
	struct sup_flight	*f = xcalloc(1, sizeof(*f));
	int			 e;

	f->efd = -1;
	if ((e = pthread_mutex_init(&f->mu, NULL)) != 0)
		goto fail_mu;
	if ((e = pthread_cond_init(&f->cv, NULL)) != 0)
		goto fail_cv;
	if ((f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		e = errno;
		goto fail_efd;
	}
	f->runs = xcalloc((size_t)s->cap + 1, sizeof(struct run *));
	f->st = store_open(s->cfg);
	/* Signals stay blocked in the thread (signals_open ran before). */
	if ((e = pthread_create(&f->thread, NULL, flight_main, f)) != 0)
		goto fail_thread;
	return f;
fail_thread:
	store_close(f->st);
	free(f->runs);
	(void)close(f->efd);
fail_efd:
	(void)pthread_cond_destroy(&f->cv);
fail_cv:
	(void)pthread_mutex_destroy(&f->mu);
fail_mu:
	free(f);
	log_warnx("no second connection for outcomes (%s): the loop writes "
	    "them itself", strerror(e));
	return NULL;
}

int
sup_flight_takes(const struct sup_flight *f, const struct run *r)
{
	int	i;

	if (f == NULL || !r->done || r->lost || r->parking || r->refused ||
	    r->flown || r->write_retry != 0 || !sup_run_idle(r))
		return 0;
	/* A map's iterations are written with its row (sup_map_put). */
	for (i = 0; i < r->t->nsteps; i++)
		if (r->s[i].map != NULL)
			return 0;
	return 1;
}

void
sup_flight_stats(struct sup_flight *f, struct store_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (f == NULL)
		return;
	if (pthread_mutex_lock(&f->mu) != 0)
		abort();
	*out = f->stats;
	if (pthread_mutex_unlock(&f->mu) != 0)
		abort();
}

int
sup_flight_fd(const struct sup_flight *f)
{
	return f == NULL ? -1 : f->efd;
}

/* Put r back into a free slot: its flight failed and it is not over. */
static void
put_back(struct sup *s, struct run *r)
{
	int	j;

	for (j = 0; j < s->cap && s->runs[j] != NULL; j++)
		;
	if (j == s->cap) {
		/* Cannot happen (sup.cap): its lease expires, it resumes. */
		log_errorx("execution %s: no slot after its flight; left to "
		    "its lease", r->id);
		sup_run_free(r);
		return;
	}
	r->slot = j;
	s->runs[j] = r;
	s->nruns++;
}

void
sup_flight_land(struct sup *s, int wait)
{
	struct sup_flight	*f = s->flight;
	struct run		*r;
	uint64_t		 cnt;
	int			 rc, k, n;

	if (f == NULL)
		return;
	if (pthread_mutex_lock(&f->mu) != 0)
		abort();
	while (wait && f->state == FL_SENT)
		if (pthread_cond_wait(&f->cv, &f->mu) != 0)
			abort();
	if (f->state != FL_LANDED) {
		if (pthread_mutex_unlock(&f->mu) != 0)
			abort();
		return;
	}
	rc = f->rc;
	f->state = FL_IDLE;
	if (pthread_mutex_unlock(&f->mu) != 0)
		abort();
	/* Emptied; EAGAIN: a landing seen before its wake-up. */
	if (read(f->efd, &cnt, sizeof(cnt)) == -1 && errno != EAGAIN)
		log_warn("flight: eventfd");
	n = f->b.n;
	sup_batch_free(&f->b);
	sup_metrics_flight(rc == RC_OK, n);
	for (k = 0; k < n; k++) {
		r = f->runs[k];
		f->runs[k] = NULL;
		if (rc == RC_OK)
			sup_write_written(r);
		else {
			/*
			 * As a failed round: each alone, on the loop's
			 * connection (it finds a lost claim, a refused
			 * value), and never in a flight again.
			 */
			r->flown = 1;
			if (!r->lost && sup_write_run(s, r, 1) != RC_OK &&
			    !r->lost)
				r->write_retry = util_mono_ms() +
				    SUP_WRITE_RETRY_MS;
		}
		if (sup_run_settled(s, r))
			sup_run_free(r);
		else
			put_back(s, r);
	}
}

void
sup_flight_send(struct sup *s, struct run **rs, int n)
{
	struct sup_flight	*f = s->flight;
	int			 k;

	sup_flight_land(s, 1);
	sup_batch_build(s, rs, n, &f->b);
	for (k = 0; k < n; k++) {
		f->runs[k] = rs[k];
		s->runs[rs[k]->slot] = NULL;
		s->nruns--;
	}
	s->want_claim = 1;	/* their slots are free */
	if (pthread_mutex_lock(&f->mu) != 0)
		abort();
	f->state = FL_SENT;
	if (pthread_cond_broadcast(&f->cv) != 0 ||
	    pthread_mutex_unlock(&f->mu) != 0)
		abort();
}

void
sup_flight_close(struct sup *s)
{
	struct sup_flight	*f = s->flight;

	if (f == NULL)
		return;
	sup_flight_land(s, 1);
	if (pthread_mutex_lock(&f->mu) != 0)
		abort();
	f->state = FL_QUIT;
	if (pthread_cond_broadcast(&f->cv) != 0 ||
	    pthread_mutex_unlock(&f->mu) != 0 ||
	    pthread_join(f->thread, NULL) != 0)
		abort();
	s->flight = NULL;
	store_close(f->st);
	free(f->runs);
	(void)close(f->efd);
	(void)pthread_cond_destroy(&f->cv);
	(void)pthread_mutex_destroy(&f->mu);
	free(f);
}
