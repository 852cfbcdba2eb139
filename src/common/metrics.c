/*
 * Shared-memory request counters and latency histograms.
 */
#include <sys/mman.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "metrics.h"

static const char *const route_names[] = {
	"unmatched", "method_not_allowed", "/healthz", "/readyz", "/metrics",
	"/workflow-management/execute",
	"/workflow-management/executions",
	"/workflow-management/executions/{id}",
	"/workflow-management/executions/{id}/cancel",
	"/workflow-management/executions/{id}/retry",
	"/workflow-management/templates",
	"/workflow-management/templates/{id}",
	"/workflow-management/audit",
	"/callbacks/{id}",
};
#define NROUTES	NITEMS(route_names)

static const int codes[] = {
	200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429,
	500, 503, 0	/* 0: any other */
};
#define NCODES	NITEMS(codes)

static const double bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10, 30
};
#define NBOUNDS	NITEMS(bounds)

/* Outcomes of POST /callbacks/{token} (wfm_callbacks_total). */
static const char *const cb_results[] = {
	"accepted", "repeated", "conflict", "gone", "not_found", "invalid"
};
#define NCBRESULTS	NITEMS(cb_results)

struct slot {
	uint64_t	callbacks[NCBRESULTS];
	uint64_t	count[NROUTES][NCODES];
	uint64_t	bucket[NROUTES][NBOUNDS];	/* non-cumulative */
	uint64_t	sum_us[NROUTES];
	uint64_t	signals[2];	/* consumed at once, kept */
	uint64_t	group[4];	/* groups, rows inserted, returned,
					   too late */
};

static struct slot	*slots;
static int		 nslots;
static struct slot	*mine;

int
metrics_init(int n)
{
	void	*p;

	p = mmap(NULL, sizeof(struct slot) * (size_t)n, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		log_warn("mmap metrics");
		return RC_ERR;
	}
	slots = p;
	nslots = n;
	return RC_OK;
}

void
metrics_slot(int slot)
{
	mine = (slots != NULL && slot >= 0 && slot < nslots) ?
	    &slots[slot] : NULL;
}

static size_t
route_index(const char *route)
{
	size_t	i;

	for (i = 0; i < NROUTES; i++)
		if (strcmp(route, route_names[i]) == 0)
			return i;
	return 0;
}

void
metrics_observe(const char *route, int status, double seconds)
{
	size_t	r, c, b;

	if (mine == NULL)
		return;
	r = route_index(route);
	for (c = 0; c < NCODES - 1 && codes[c] != status; c++)
		;
	for (b = 0; b < NBOUNDS - 1 && seconds > bounds[b]; b++)
		;
	if (seconds > bounds[NBOUNDS - 1])
		b = NBOUNDS;		/* +Inf only */
	__atomic_add_fetch(&mine->count[r][c], 1, __ATOMIC_RELAXED);
	if (b < NBOUNDS)
		__atomic_add_fetch(&mine->bucket[r][b], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&mine->sum_us[r], (uint64_t)(seconds * 1e6),
	    __ATOMIC_RELAXED);
}

void
metrics_callback(const char *result)
{
	size_t	i;

	if (mine == NULL)
		return;
	for (i = 0; i < NCBRESULTS; i++)
		if (strcmp(result, cb_results[i]) == 0)
			__atomic_add_fetch(&mine->callbacks[i], 1,
			    __ATOMIC_RELAXED);
}

void
metrics_signal(int kept)
{
	if (mine != NULL)
		__atomic_add_fetch(&mine->signals[kept != 0], 1,
		    __ATOMIC_RELAXED);
}

void
metrics_group(size_t rows, size_t inserted)
{
	if (mine == NULL)
		return;
	__atomic_add_fetch(&mine->group[0], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&mine->group[1], (uint64_t)inserted,
	    __ATOMIC_RELAXED);
	__atomic_add_fetch(&mine->group[2], (uint64_t)(rows - inserted),
	    __ATOMIC_RELAXED);
}

void
metrics_group_late(void)
{
	if (mine != NULL)
		__atomic_add_fetch(&mine->group[3], 1, __ATOMIC_RELAXED);
}

void
metrics_printf(char **buf, size_t *len, const char *fmt, ...)
{
	va_list	ap, aq;
	int	n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		*buf = xrealloc(*buf, *len + (size_t)n + 1);
		(void)vsnprintf(*buf + *len, (size_t)n + 1, fmt, aq);
		*len += (size_t)n;
	}
	va_end(aq);
}

static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void
metrics_render(char **buf, size_t *len)
{
	uint64_t	total, cum, sum, cnt, grp[4];
	size_t		r, c, b;
	int		s;
	char		code[8];

	metrics_printf(buf, len, "# HELP wfm_http_requests_total HTTP "
	    "requests by route and status.\n"
	    "# TYPE wfm_http_requests_total counter\n");
	for (r = 0; r < NROUTES; r++)
		for (c = 0; c < NCODES; c++) {
			for (total = 0, s = 0; s < nslots; s++)
				total += ld(&slots[s].count[r][c]);
			if (total == 0)
				continue;
			if (codes[c] == 0)
				snprintf(code, sizeof(code), "other");
			else
				snprintf(code, sizeof(code), "%d", codes[c]);
			metrics_printf(buf, len, "wfm_http_requests_total"
			    "{route=\"%s\",status=\"%s\"} %llu\n",
			    route_names[r], code, (unsigned long long)total);
		}
	metrics_printf(buf, len, "# HELP wfm_callbacks_total Callbacks "
	    "received (POST /callbacks/{token}) by result.\n"
	    "# TYPE wfm_callbacks_total counter\n");
	for (c = 0; c < NCBRESULTS; c++) {
		for (total = 0, s = 0; s < nslots; s++)
			total += ld(&slots[s].callbacks[c]);
		metrics_printf(buf, len, "wfm_callbacks_total{result=\"%s\"} "
		    "%llu\n", cb_results[c], (unsigned long long)total);
	}
	metrics_printf(buf, len, "# HELP wfm_http_request_duration_seconds "
	    "Request latency by route.\n"
	    "# TYPE wfm_http_request_duration_seconds histogram\n");
	for (r = 0; r < NROUTES; r++) {
		for (cnt = 0, sum = 0, s = 0; s < nslots; s++) {
			for (c = 0; c < NCODES; c++)
				cnt += ld(&slots[s].count[r][c]);
			sum += ld(&slots[s].sum_us[r]);
		}
		if (cnt == 0)
			continue;
		for (cum = 0, b = 0; b < NBOUNDS; b++) {
			for (s = 0; s < nslots; s++)
				cum += ld(&slots[s].bucket[r][b]);
			metrics_printf(buf, len,
			    "wfm_http_request_duration_seconds_bucket"
			    "{route=\"%s\",le=\"%g\"} %llu\n", route_names[r],
			    bounds[b], (unsigned long long)cum);
		}
		metrics_printf(buf, len,
		    "wfm_http_request_duration_seconds_bucket"
		    "{route=\"%s\",le=\"+Inf\"} %llu\n"
		    "wfm_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
		    "wfm_http_request_duration_seconds_count{route=\"%s\"} "
		    "%llu\n", route_names[r], (unsigned long long)cnt,
		    route_names[r], (double)sum / 1e6, route_names[r],
		    (unsigned long long)cnt);
	}
	metrics_printf(buf, len, "# HELP wfm_signals_total Signals "
	    "delivered to wait steps: taken at once, or kept for a later "
	    "step.\n# TYPE wfm_signals_total counter\n");
	for (c = 0; c < 2; c++) {
		for (total = 0, s = 0; s < nslots; s++)
			total += ld(&slots[s].signals[c]);
		metrics_printf(buf, len, "wfm_signals_total{result=\"%s\"} "
		    "%llu\n", c == 0 ? "consumed" : "kept",
		    (unsigned long long)total);
	}
	for (c = 0; c < 4; c++)
		for (grp[c] = 0, s = 0; s < nslots; s++)
			grp[c] += ld(&slots[s].group[c]);
	metrics_printf(buf, len, "# HELP wfm_group_insert_groups_total "
	    "Groups of new executions the group writer inserted together: "
	    "one statement each, and one more for the rows it left out.\n"
	    "# TYPE wfm_group_insert_groups_total counter\n"
	    "wfm_group_insert_groups_total %llu\n"
	    "# HELP wfm_group_insert_rows_total New executions through the "
	    "group insert: inserted, returned to their worker (a name or "
	    "quota slot taken, the statement failed), or never started "
	    "(too late for their worker's wait).\n"
	    "# TYPE wfm_group_insert_rows_total counter\n"
	    "wfm_group_insert_rows_total{result=\"inserted\"} %llu\n"
	    "wfm_group_insert_rows_total{result=\"returned\"} %llu\n"
	    "wfm_group_insert_rows_total{result=\"late\"} %llu\n",
	    (unsigned long long)grp[0], (unsigned long long)grp[1],
	    (unsigned long long)grp[2], (unsigned long long)grp[3]);
}
