/*
 * libFuzzer driver for template validation. Any input that json-c parses
 * goes through tmpl_validate; a body that validates must load, schedule
 * to completion with every step run exactly once, and give backoff delays
 * within their bounds. Anything else aborts.
 *
 * Build with clang -fsanitize=fuzzer,address,undefined, linking the
 * tmpl, engine (engine_* and expr_*) and common sources; run it on the
 * seed corpus in tests/fuzz/corpus/tmpl.
 */
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "common.h"
#include "engine.h"
#include "jsonx.h"
#include "tmpl.h"
#include "verr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Run t to completion as if every step succeeded at once. */
static void
simulate(const struct tmpl *t)
{
	enum engine_state	 st[TMPL_STEPS_MAX];
	int			 out[TMPL_STEPS_MAX], i, n, rounds, step;

	for (i = 0; i < t->nsteps; i++)
		st[i] = ENGINE_PENDING;
	for (rounds = 0; rounds <= t->nsteps; rounds++) {
		if (engine_outcome(t, st, &step) != ENGINE_OUT_RUNNING)
			break;
		n = engine_next(t, st, 0, out, TMPL_STEPS_MAX);
		if (n < 1 || n > t->max_parallel)
			abort();
		for (i = 0; i < n; i++) {
			if (st[out[i]] != ENGINE_PENDING)
				abort();
			/* Alternate outcomes that both let dependents run. */
			st[out[i]] = out[i] % 2 ? ENGINE_SKIPPED :
			    ENGINE_COMPLETED;
		}
	}
	if (engine_outcome(t, st, &step) != ENGINE_OUT_COMPLETED || step != -1)
		abort();
}

static void
check_backoff(const struct tmpl *t)
{
	const struct tmpl_step	*s;
	int64_t			 d;
	int			 i, a;

	for (i = 0; i < t->nsteps; i++) {
		s = &t->steps[i];
		for (a = 1; a <= s->max_attempts + 1; a++) {
			d = engine_retry_delay_ms(s, a, 0.999999);
			if (d < 0 || d > s->max_interval_ms * 6 / 5 + 1)
				abort();
		}
		if (engine_should_retry(s, s->max_attempts, 1))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener	*tok;
	struct json_object	*body;
	struct verr		*ve;
	struct tmpl		*t = NULL;
	int			 rc;

	if (size > (1 << 20))
		return 0;
	if ((tok = json_tokener_new_ex(JSONX_DEPTH_MAX)) == NULL)
		return 0;
	body = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_tokener_free(tok);
		return 0;
	}
	ve = verr_new();
	rc = tmpl_validate(body, ve);
	if ((rc == RC_OK) != (verr_count(ve) == 0))
		abort();
	if (rc == RC_OK) {
		if (tmpl_load(body, &t) != RC_OK)
			abort();
		simulate(t);
		check_backoff(t);
		tmpl_free(t);
	}
	(void)json_object_to_json_string(verr_list(ve));
	verr_free(ve);
	json_object_put(body);
	json_tokener_free(tok);
	return 0;
}
