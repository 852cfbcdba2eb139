/*
 * Schedules fired by the supervisor (engine.md "Schedules" and "Schedules,
 * exactly."). The due schedules are found through ix_sched_due (next_fire_at
 * <= now, in index order, LIMIT n) and locked FOR UPDATE SKIP LOCKED, so
 * several supervisors share the work and never fire one schedule at the
 * same time. In one transaction per batch each schedule's fires create
 * their executions (the insert of POST /execute, named
 * sched.<name>.<yyyymmddTHHMMSSZ>: uq_exec_user_name makes a fire
 * exactly-once), are recorded in schedule_fires, and next_fire_at moves on.
 * There is no timer per schedule: the event loop sleeps until the nearest
 * next_fire_at (one MIN over the index), at most SCHED_RECHECK_MS, so a
 * schedule created meanwhile is seen within that.
 *
 * Times are the database's clock (UNIX seconds), shared by all supervisors.
 * A fire counts as missed 60 s after its time; missed fires follow the
 * catch-up policy (none: dropped, last: the latest, all: the latest 100),
 * later ones fire late. Access, template and input are checked at every
 * fire; a refused fire is recorded with its reason and the schedule keeps
 * its place, except that a deleted template pauses the schedule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "cron.h"
#include "jsonx.h"
#include "log.h"
#include "schema.h"
#include "store_exec.h"
#include "store_sched.h"
#include "sup_int.h"

#define SCHED_BATCH		32	/* schedules locked per transaction */
#define SCHED_ROUNDS		16	/* batches per wake-up at most */
#define SCHED_RECHECK_MS	1000	/* the longest sleep */
#define SCHED_MIN_SLEEP_MS	20	/* due rows held by another supervisor */
#define SCHED_TRIM_EVERY	16	/* fires between trims, about */
#define SCHED_ONTIME_MAX	128	/* late but not missed (>= 60 s / 10 s) */

/* The template of a schedule as a fire sees it, loaded on first use. */
struct fire_tmpl {
	int			 loaded;
	int			 deleted;	/* or gone */
	int			 may;		/* the owner may use it */
	char			 tid[UTIL_UUID_LEN];
	long long		 version;
	struct schema		*schema;	/* owned, or NULL */
	int			 bad_schema;	/* does not compile */
};

/* One due schedule being fired. */
struct fire_ctx {
	const struct store_sched *d;
	struct sched_spec	 spec;
	struct fire_tmpl	 t;
	struct json_object	*input;		/* owned */
	char			 hash[65];
	char			 last_eid[UTIL_UUID_LEN]; /* the latest execution */
	long long		 last_ms;	/* latest fire recorded; -1 none */
	int			 pause;		/* the template is gone */
	int			 fired;		/* executions created */
};

static int
load_tmpl(struct sup *s, struct fire_ctx *f)
{
	struct store_sched_tmpl	 t;
	struct json_object	*sch;
	struct verr		*ve;
	struct jpath		 jp;
	int			 rc;

	schema_free(f->t.schema);
	memset(&f->t, 0, sizeof(f->t));
	rc = store_sched_tmpl(s->st, f->d->owner, f->d->template_pk, &t);
	if (rc != RC_OK && rc != RC_NOTFOUND)
		return rc;
	f->t.loaded = 1;
	if (rc == RC_NOTFOUND || t.deleted) {
		f->t.deleted = 1;
		store_sched_tmpl_free(&t);
		return RC_OK;
	}
	snprintf(f->t.tid, sizeof(f->t.tid), "%s", t.template_id);
	f->t.version = t.version;
	f->t.may = t.may_use || f->d->admin_access;
	if (t.definition != NULL && json_object_object_get_ex(t.definition,
	    "input_schema", &sch) && sch != NULL) {
		/* Compiled when stored; failing now: older than the validator. */
		ve = verr_new();
		jpath_init(&jp, "input_schema");
		if (schema_compile(sch, &jp, ve, &f->t.schema) != 0) {
			log_warnx("schedule %s: template %s: stored "
			    "input_schema does not compile", f->d->id,
			    f->t.tid);
			f->t.bad_schema = 1;
		}
		verr_free(ve);
	}
	store_sched_tmpl_free(&t);
	return RC_OK;
}

/* 1 if execution eid exists and has not ended. */
static int
unfinished(struct sup *s, const char *eid, int *busy)
{
	char	st[STORE_SCHED_STATUS_LEN];
	int	rc;

	*busy = 0;
	if (eid == NULL || *eid == '\0')
		return RC_OK;
	if ((rc = store_sched_exec_status(s->st, eid, st)) == RC_NOTFOUND)
		return RC_OK;
	if (rc != RC_OK)
		return rc;
	*busy = strcmp(st, "completed") != 0 &&
	    strcmp(st, "failed") != 0 &&
	    strcmp(st, "cancelled") != 0 &&
	    strcmp(st, "timed_out") != 0;
	return RC_OK;
}

static int
record(struct sup *s, struct fire_ctx *f, int64_t t, const char *eid,
    const char *reason)
{
	struct store_sched_fire_new	x;
	long long			fid = 1;
	int				rc;

	x.schedule_pk = f->d->pk;
	x.fire_ms = (long long)t * 1000;
	x.manual = 0;
	x.execution_id = eid;
	x.reason = reason;
	rc = store_sched_fire_insert(s->st, &x, &fid);
	if (rc == RC_CONFLICT)	/* recorded already: unique (schedule, time) */
		rc = RC_OK;
	/*
	 * At most 1,000 fires per schedule: trimmed at about
	 * one fire in SCHED_TRIM_EVERY (the ids are shared by all), so the
	 * newest-first walk of ix_fire_sched is not paid at every fire.
	 */
	else if (rc == RC_OK && fid % SCHED_TRIM_EVERY == 0)
		rc = store_sched_fires_trim(s->st, f->d->pk);
	if (rc == RC_OK)
		f->last_ms = (long long)t * 1000;
	if (reason != NULL)
		log_info("schedule %s: fire %lld not started: %s", f->d->id,
		    (long long)t, reason);
	return rc;
}

/*
 * The fire at t: an execution, or the reason there is none; recorded.
 * RC_OK, or a store error that ends the batch (RC_AGAIN, RC_ERR).
 */
static int
fire_one(struct sup *s, struct fire_ctx *f, int64_t t)
{
	struct store_exec_new	 x;
	struct verr		*ve;
	struct jpath		 jp;
	char			 eid[UTIL_UUID_LEN], fn[SCHED_FIRE_NAME_LEN];
	char			*name;
	int			 rc, tries, bad;

	if (!f->t.loaded && (rc = load_tmpl(s, f)) != RC_OK)
		return rc;
	if (f->t.deleted) {
		f->pause = 1;
		return record(s, f, t, NULL, "template_deleted");
	}
	if (!f->t.may)
		return record(s, f, t, NULL, "forbidden");
	if (f->t.bad_schema)
		return record(s, f, t, NULL, "input_invalid");
	if (f->t.schema != NULL) {
		ve = verr_new();
		jpath_init(&jp, "input_data");
		bad = schema_validate(f->t.schema, f->input, &jp, ve);
		verr_free(ve);
		if (bad > 0)
			return record(s, f, t, NULL, "input_invalid");
	}
	sched_fire_name(t, fn);
	name = xasprintf("sched.%s.%s", f->d->name, fn);
	util_uuid(eid);
	for (tries = 0; ; tries++) {
		memset(&x, 0, sizeof(x));
		x.id = eid;
		x.user = f->d->owner;
		x.name = name;
		x.template_id = f->t.tid;
		x.version = f->t.version;
		x.input = f->d->input;
		x.hash = f->hash;
		x.created_ms = util_now_ms();
		x.admin_access = f->d->admin_access;
		x.slots = s->cfg->http.max_active_executions_per_user;
		x.schedule_pk = f->d->pk;
		rc = store_exec_insert(s->st, &x, NULL, NULL);
		/* The template moved on since it was read: read it again. */
		if (rc != RC_CHANGED || tries > 0)
			break;
		if ((rc = load_tmpl(s, f)) != RC_OK)
			break;
		if (f->t.deleted || !f->t.may) {
			rc = RC_NOTFOUND;
			break;
		}
	}
	free(name);
	switch (rc) {
	case RC_OK:
		f->fired++;
		sup_metrics_fire((double)(x.created_ms - t * 1000) / 1000.0);
		snprintf(f->last_eid, sizeof(f->last_eid), "%s", eid);
		return record(s, f, t, eid, NULL);
	case RC_CONFLICT:
		return record(s, f, t, NULL, "name_taken");
	case RC_DENIED:
		return record(s, f, t, NULL, "quota_exceeded");
	case RC_NOTFOUND:
	case RC_CHANGED:
		if (f->t.deleted)
			f->pause = 1;
		return record(s, f, t, NULL, f->t.deleted ?
		    "template_deleted" : "forbidden");
	default:
		return rc;
	}
}

/* The fire times of f due at now: missed ones by policy, then on time. */
static int
due_times(struct fire_ctx *f, int64_t now, int64_t *out, int max)
{
	const char	*cu = f->d->catchup;
	int		 n;

	n = sched_due(&f->spec, f->d->next_fire_s, now,
	    strcmp(cu, "all") == 0 ? SCHED_CATCHUP_ALL :
	    strcmp(cu, "last") == 0 ? 1 : 0, out, max);
	return n > 0 ? n : 0;
}

/* The spec of a due row (zone from the supervisor's set). */
static int
row_spec(struct sup *s, struct fire_ctx *f)
{
	struct errmsg	err;

	memset(&f->spec, 0, sizeof(f->spec));
	if (s->zones == NULL)
		s->zones = sched_tzset_new(NULL);
	if (sched_tzset_get(s->zones, f->d->timezone, &f->spec.tz, &err) !=
	    RC_OK) {
		log_warnx("schedule %s: time zone: %s", f->d->id, err.text);
		return RC_INVALID;
	}
	if (f->d->cron == NULL) {
		f->spec.interval = f->d->interval;
		return f->spec.interval > 0 ? RC_OK : RC_INVALID;
	}
	if (sched_cron_parse(f->d->cron, &f->spec.cron, &err) != RC_OK) {
		log_warnx("schedule %s: cron: %s", f->d->id, err.text);
		return RC_INVALID;
	}
	return RC_OK;
}

/*
 * Fire one locked due schedule and move it on; now is the database's
 * clock (epoch seconds).
 */
static int
process(struct sup *s, const struct store_sched *d, int64_t now)
{
	struct store_sched_advance	 adv;
	struct fire_ctx			 f;
	int64_t				 times[SCHED_CATCHUP_ALL +
					    SCHED_ONTIME_MAX], buf = -1,
					    next = -1;
	const char			*ov, *msg;
	size_t				 pos;
	int				 n = 0, i, rc = RC_OK, busy = 0,
					    usable;

	memset(&f, 0, sizeof(f));
	f.d = d;
	f.last_ms = -1;
	ov = d->overlap;
	if (d->buffered_s != STORE_NO_MS)
		buf = d->buffered_s;
	usable = row_spec(s, &f) == RC_OK && d->input != NULL &&
	    jsonx_parse(d->input, d->input_len, &f.input, &pos, &msg) ==
	    RC_OK;
	if (!usable) {
		/* Cannot happen through the API: stop it rather than spin. */
		log_warnx("schedule %s unusable: paused", d->id);
		f.pause = 1;
		goto advance;
	}
	jsonx_canon_hash(f.input, f.hash);
	n = due_times(&f, now, times, (int)NITEMS(times));
	if (strcmp(ov, "allow") != 0 && (n > 0 || buf >= 0) &&
	    (rc = unfinished(s, d->last_exec, &busy)) != RC_OK)
		goto out;
	/* A fire held by buffer_one starts once the previous run ended. */
	if (buf >= 0 && !busy) {
		if ((rc = fire_one(s, &f, buf)) != RC_OK)
			goto out;
		buf = -1;
		busy = f.fired > 0;
	}
	for (i = 0; i < n && !f.pause; i++) {
		if (busy && strcmp(ov, "skip") == 0) {
			rc = record(s, &f, times[i], NULL, "overlap_skipped");
		} else if (busy && strcmp(ov, "buffer_one") == 0) {
			if (buf < 0)
				buf = times[i];
			else
				rc = record(s, &f, times[i], NULL,
				    "overlap_skipped");
		} else {
			rc = fire_one(s, &f, times[i]);
			busy = f.fired > 0;
		}
		if (rc != RC_OK)
			goto out;
	}
advance:
	if (!f.pause && sched_next(&f.spec, now, &next) != RC_OK)
		next = -1;
	/* A held fire: look again every second until it can start. */
	if (!f.pause && buf >= 0 && (next < 0 || next > now + 1))
		next = now + 1;
	if (f.pause)
		buf = -1;
	adv.next_fire_s = next >= 0 ? next : STORE_NO_MS;
	adv.buffered_s = buf >= 0 ? buf : STORE_NO_MS;
	adv.last_fire_ms = f.last_ms >= 0 ? f.last_ms : STORE_NO_MS;
	adv.last_exec = f.last_eid[0] != '\0' ? f.last_eid : NULL;
	adv.pause = f.pause;
	rc = store_sched_advance(s->st, d->pk, &adv);
	if (rc == RC_OK && f.fired > 0)
		s->want_claim = 1;
out:
	json_object_put(f.input);
	schema_free(f.t.schema);
	return rc;
}

/* One batch's inputs and result (a store_tx body). */
struct batch_args {
	struct sup	*s;
	int		 more;		/* the batch was full */
};

static int
batch_body(struct store *st, void *arg)
{
	struct batch_args	*a = arg;
	struct store_sched_list	 d;
	long long		 now;
	size_t			 i;
	int			 rc;

	a->more = 0;
	sup_metrics_fire_undo();	/* a run before this one rolled back */
	if ((rc = store_sched_due(st, SCHED_BATCH, &d, &now)) != RC_OK)
		return rc;
	for (i = 0; i < d.n && rc == RC_OK; i++)
		rc = process(a->s, &d.v[i], now);
	a->more = rc == RC_OK && d.n == SCHED_BATCH;
	store_sched_list_free(&d);
	return rc;
}

/*
 * One batch in one transaction, run again by store_tx on a deadlock or
 * a certification failure (Galera); *more when the batch was full.
 */
static int
batch(struct sup *s, int *more)
{
	struct batch_args	a;
	int			rc;

	a.s = s;
	a.more = 0;
	sup_metrics_fire_mark();
	rc = store_tx(s->st, 0, batch_body, &a);
	if (rc != RC_OK)
		sup_metrics_fire_undo();
	*more = rc == RC_OK && a.more;
	return rc;
}

void
sup_sched_fire(struct sup *s)
{
	int64_t		now = util_mono_ms();
	long long	us;
	int		rc = RC_OK, more = 1, i;

	for (i = 0; i < SCHED_ROUNDS && more && rc == RC_OK; i++)
		rc = batch(s, &more);
	if (rc != RC_OK || more) {
		/* A deadlock, a lost connection or more due: again soon. */
		s->next_sched = now + (rc == RC_OK ? 0 : 200);
		return;
	}
	s->next_sched = now + SCHED_RECHECK_MS;
	if (store_sched_next_due(s->st, &us) != RC_OK)
		return;		/* an error, or no schedule has a next fire */
	if (us <= 0)		/* locked by another supervisor */
		s->next_sched = now + SCHED_MIN_SLEEP_MS;
	else if (us / 1000 + 1 < SCHED_RECHECK_MS)
		s->next_sched = now + us / 1000 + 1;
}

void
sup_sched_prune(struct sup *s)
{
	uint64_t	n = 0;

	if (store_sched_prune(s->st, s->cfg->sup.retention_days, &n) ==
	    RC_OK && n > 0)
		log_info("retention: pruned %llu schedule fires",
		    (unsigned long long)n);
}
