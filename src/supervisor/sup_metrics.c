/*
 * The supervisor's Prometheus series: claim latency (execution created to
 * claimed, first claims only), step durations by type, executions
 * finished by status. Written every few seconds to supervisor.prom beside
 * the lock file (write to a temporary file, then rename), from where a
 * /metrics scrape of wfm-fcgi passes them on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "log.h"
#include "metrics.h"
#include "sup_int.h"
#include "tmpl.h"

static const double bounds[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
	10, 30, 60, 300
};
#define NB	NITEMS(bounds)

struct hist {
	uint64_t	bucket[NB];	/* non-cumulative */
	uint64_t	count;
	double		sum;
};

/* Indexed by enum tmpl_step_type. */
static const char *const types[] = {
	[TMPL_STEP_TRANSFORM] = "transform",
	[TMPL_STEP_HTTP] = "http",
	[TMPL_STEP_COMMAND] = "command",
	[TMPL_STEP_DELAY] = "delay",
	[TMPL_STEP_MAP] = "map",
	[TMPL_STEP_WORKFLOW] = "workflow",
	[TMPL_STEP_WAIT] = "wait"
};
static const char *const statuses[] = { "completed", "failed", "cancelled",
    "timed_out" };

/* Ends of map iterations (wfm_map_iterations_total). */
static const char *const iter_ends[] = { "completed", "failed", "skipped",
    "cancelled" };

static struct {
	uint64_t	iters[NITEMS(iter_ends)];
	struct hist	claim;
	struct hist	fire;		/* wfm_schedule_fire_delay_seconds */
	struct hist	step[NITEMS(types)];
	uint64_t	finished[NITEMS(statuses)];
	uint64_t	claimed;
	uint64_t	claim_lost;
	uint64_t	flown[2];	/* written, returned */
} m;

static void
observe(struct hist *h, double v)
{
	size_t	b;

	for (b = 0; b < NB && v > bounds[b]; b++)
		;
	if (b < NB)
		h->bucket[b]++;
	h->count++;
	h->sum += v;
}

void
sup_metrics_claim(double seconds, int first)
{
	m.claimed++;
	if (first)
		observe(&m.claim, seconds < 0 ? 0 : seconds);
}

void
sup_metrics_claim_lost(void)
{
	m.claim_lost++;
}

void
sup_metrics_flight(int written, int n)
{
	m.flown[written ? 0 : 1] += (uint64_t)n;
}

void
sup_metrics_fire(double seconds)
{
	observe(&m.fire, seconds < 0 ? 0 : seconds);
}

static struct hist	fire_mark;

void
sup_metrics_fire_mark(void)
{
	fire_mark = m.fire;
}

void
sup_metrics_fire_undo(void)
{
	m.fire = fire_mark;
}

void
sup_metrics_step(int type, double seconds)
{
	if (type >= 0 && (size_t)type < NITEMS(types))
		observe(&m.step[type], seconds < 0 ? 0 : seconds);
}

void
sup_metrics_finish(const char *status)
{
	size_t	i;

	for (i = 0; i < NITEMS(statuses); i++)
		if (strcmp(status, statuses[i]) == 0)
			m.finished[i]++;
}

void
sup_metrics_iteration(const char *status)
{
	size_t	i;

	for (i = 0; i < NITEMS(iter_ends); i++)
		if (strcmp(status, iter_ends[i]) == 0)
			m.iters[i]++;
}

static void
hist_print(char **buf, size_t *len, const char *name, const char *label,
    const struct hist *h)
{
	uint64_t	cum = 0;
	size_t		b;
	char		lb[96];

	snprintf(lb, sizeof(lb), "%s%s", label, label[0] != '\0' ? "," : "");
	for (b = 0; b < NB; b++) {
		cum += h->bucket[b];
		metrics_printf(buf, len, "%s_bucket{%sle=\"%g\"} %llu\n", name,
		    lb, bounds[b], (unsigned long long)cum);
	}
	metrics_printf(buf, len, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, lb,
	    (unsigned long long)h->count);
	metrics_printf(buf, len, "%s_sum%s%s%s %.6f\n%s_count%s%s%s %llu\n",
	    name, label[0] ? "{" : "", label, label[0] ? "}" : "", h->sum,
	    name, label[0] ? "{" : "", label, label[0] ? "}" : "",
	    (unsigned long long)h->count);
}

void
sup_metrics_write(struct sup *s)
{
	struct store_stats	 ss, fs;
	char	*buf = NULL, *path = NULL, *tmp = NULL;
	char	 label[64];
	size_t	 len = 0, i;
	FILE	*f;

	metrics_printf(&buf, &len, "# HELP wfm_claim_latency_seconds From "
	    "an execution's creation to its first claim.\n"
	    "# TYPE wfm_claim_latency_seconds histogram\n");
	hist_print(&buf, &len, "wfm_claim_latency_seconds", "", &m.claim);
	metrics_printf(&buf, &len, "# HELP wfm_schedule_fire_delay_seconds "
	    "From a schedule's fire time to its execution's creation.\n"
	    "# TYPE wfm_schedule_fire_delay_seconds histogram\n");
	hist_print(&buf, &len, "wfm_schedule_fire_delay_seconds", "",
	    &m.fire);
	metrics_printf(&buf, &len, "# HELP wfm_step_duration_seconds Step "
	    "durations (all attempts) by type.\n"
	    "# TYPE wfm_step_duration_seconds histogram\n");
	for (i = 0; i < NITEMS(types); i++) {
		snprintf(label, sizeof(label), "type=\"%s\"", types[i]);
		hist_print(&buf, &len, "wfm_step_duration_seconds", label,
		    &m.step[i]);
	}
	metrics_printf(&buf, &len, "# HELP wfm_supervisor_finished_total "
	    "Executions this supervisor finished, by status.\n"
	    "# TYPE wfm_supervisor_finished_total counter\n");
	for (i = 0; i < NITEMS(statuses); i++)
		metrics_printf(&buf, &len, "wfm_supervisor_finished_total"
		    "{status=\"%s\"} %llu\n", statuses[i],
		    (unsigned long long)m.finished[i]);
	metrics_printf(&buf, &len, "# HELP wfm_supervisor_claimed_total "
	    "Executions claimed by this supervisor.\n# TYPE "
	    "wfm_supervisor_claimed_total counter\n"
	    "wfm_supervisor_claimed_total %llu\n"
	    "# HELP wfm_supervisor_running Executions running now.\n"
	    "# TYPE wfm_supervisor_running gauge\nwfm_supervisor_running %d\n",
	    (unsigned long long)m.claimed, s->nruns);
	store_stats(s->st, &ss);
	/*
	 * The retries of the second connection count too (sup_flight.c);
	 * the node and its failovers are the loop's connection's.
	 */
	sup_flight_stats(s->flight, &fs);
	ss.tx_retries += fs.tx_retries;
	/* One call per series: metrics_printf takes up to 511 bytes. */
	metrics_printf(&buf, &len, "# HELP wfm_supervisor_claim_lost_total "
	    "Claimed rows found to carry another claim on re-read (Galera).\n"
	    "# TYPE wfm_supervisor_claim_lost_total counter\n"
	    "wfm_supervisor_claim_lost_total %llu\n",
	    (unsigned long long)m.claim_lost);
	metrics_printf(&buf, &len, "# HELP wfm_supervisor_db_node Index in "
	    "[database] host of the node in use.\n"
	    "# TYPE wfm_supervisor_db_node gauge\n"
	    "wfm_supervisor_db_node %d\n", ss.node);
	metrics_printf(&buf, &len, "# HELP wfm_supervisor_db_failovers_total "
	    "Moves to another database node.\n"
	    "# TYPE wfm_supervisor_db_failovers_total counter\n"
	    "wfm_supervisor_db_failovers_total %lu\n", ss.failovers);
	metrics_printf(&buf, &len, "# HELP wfm_supervisor_tx_retries_total "
	    "Transactions run again after a deadlock or certification "
	    "failure.\n# TYPE wfm_supervisor_tx_retries_total counter\n"
	    "wfm_supervisor_tx_retries_total %lu\n", ss.tx_retries);
	metrics_printf(&buf, &len, "# HELP wfm_supervisor_outcomes_flown_"
	    "total Outcomes sent to the second connection: written there, "
	    "or returned to the loop by a failed flight.\n"
	    "# TYPE wfm_supervisor_outcomes_flown_total counter\n"
	    "wfm_supervisor_outcomes_flown_total{result=\"written\"} %llu\n"
	    "wfm_supervisor_outcomes_flown_total{result=\"returned\"} "
	    "%llu\n", (unsigned long long)m.flown[0],
	    (unsigned long long)m.flown[1]);
	sup_webhook_metrics(&buf, &len);
	metrics_printf(&buf, &len, "# HELP wfm_map_iterations_total "
	    "Map iterations this supervisor ended, by status.\n"
	    "# TYPE wfm_map_iterations_total counter\n");
	for (i = 0; i < NITEMS(iter_ends); i++)
		metrics_printf(&buf, &len, "wfm_map_iterations_total"
		    "{status=\"%s\"} %llu\n", iter_ends[i],
		    (unsigned long long)m.iters[i]);

	path = config_sup_prom_path(s->cfg);
	tmp = xasprintf("%s.tmp", path);
	if ((f = fopen(tmp, "we")) == NULL)
		log_warn("metrics: %s", tmp);
	else {
		if (fwrite(buf, 1, len, f) != len)
			log_warn("metrics: write %s", tmp);
		if (fclose(f) != 0 || rename(tmp, path) == -1)
			log_warn("metrics: %s", path);
	}
	free(path);
	free(tmp);
	free(buf);
}
