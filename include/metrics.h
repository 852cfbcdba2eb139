/*
 * Request metrics shared by the preforked workers. The master maps one
 * anonymous shared segment before forking: one slot per worker position
 * (and one for the group insert's writer),
 * written only by the worker that holds it (a replacement worker keeps
 * adding to its slot, so sums only grow), summed at scrape time.
 */
#ifndef WFM_METRICS_H
#define WFM_METRICS_H

#include <stddef.h>

/* Most bytes of the supervisor's series passed on by a scrape. */
#define METRICS_SUP_MAX	(256 * 1024)

/* Map the segment for nslots workers (master, before fork). RC_OK/RC_ERR. */
int	 metrics_init(int nslots);
/* Choose this process's slot (worker, after fork). */
void	 metrics_slot(int slot);
/* Count one request: route pattern, status code, duration in seconds. */
void	 metrics_observe(const char *route, int status, double seconds);
/* Count one accepted signal (wfm_signals_total): kept or taken at once. */
void	 metrics_signal(int kept);
/*
 * Count one POST /callbacks/{token}: result is "accepted", "repeated",
 * "conflict", "gone", "not_found" or "invalid" (others are ignored).
 */
void	 metrics_callback(const char *result);
/*
 * Count one group of the group insert (the writer): rows sent, of
 * which inserted; the others went back to their workers.
 */
void	 metrics_group(size_t rows, size_t inserted);
/* Count one row the writer never started: too late for its worker. */
void	 metrics_group_late(void);
/*
 * Append the request series in Prometheus text format 0.0.4 to *buf
 * (a string owned by the caller, grown with xrealloc; may start NULL).
 */
void	 metrics_render(char **buf, size_t *len);
/* printf-append to a buffer managed as in metrics_render. */
void	 metrics_printf(char **buf, size_t *len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
