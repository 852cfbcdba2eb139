/*
 * Retry policy of a step (engine.md "retry"): exponential backoff with a
 * cap and +-20 % jitter.
 */
#include <stdint.h>

#include "engine.h"
#include "tmpl.h"

int64_t
engine_retry_delay_ms(const struct tmpl_step *s, int attempt, double u)
{
	double	 d, max, limit, r = 1.0, b;
	unsigned int	 e;

	max = (double)s->max_interval_ms;
	d = (double)s->initial_interval_ms;
	limit = d > 0.0 ? max / d : 1.0;
	b = s->backoff_coefficient;
	e = attempt > 1 ? (unsigned int)attempt - 1 : 0;
	/*
	 * coefficient^(attempt-1) by squaring, in O(log attempt) steps; once
	 * a factor reaches the cap it stops growing, so nothing overflows.
	 */
	if (b > 1.0)
		while (e > 0 && r < limit) {
			if (e & 1)
				r *= b;
			e >>= 1;
			if (b < limit)
				b *= b;
		}
	d *= r;
	if (d > max)
		d = max;
	if (!(u >= 0.0))	/* also NaN */
		u = 0.0;
	if (u > 1.0)
		u = 1.0;
	d *= 0.8 + 0.4 * u;
	if (d < 0.0)
		d = 0.0;
	return (int64_t)(d + 0.5);
}

int
engine_should_retry(const struct tmpl_step *s, int attempt, int retryable)
{
	return retryable && attempt >= 1 && attempt < s->max_attempts;
}
