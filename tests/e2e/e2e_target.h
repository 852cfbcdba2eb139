/*
 * A tiny HTTP target for the e2e tests of http steps: a forked child
 * listening on 127.0.0.1 at an ephemeral port, one forked process per
 * connection, scripted answers by path, and a record of every request in
 * shared memory so that a test can assert what the supervisor sent.
 *
 * Routes (the query string is ignored for routing but is part of the
 * recorded path, so a test makes its paths unique with "?k=..."):
 *	/ok		200 {"ok": true}
 *	/bad		400 {"error": "bad request"}
 *	/flaky?n=N&k=K	503 for the first N requests of this exact path,
 *			then 200 {"ok": true, "hits": <1-based request no.>}
 *	/slow?ms=M	sleeps M ms (at most 30000), then 200 {"ok": true}
 *	/deep?d=D	200 {"deep": [[...[1]...]]}: D nested objects and
 *			arrays in all (at most 200)
 *	/redirect	302 with Location: /ok?k=redirected
 *	/echo		200 {"method", "authorization", "idempotency_key",
 *			"body"}: what the request carried (body as text)
 *	anything else	404 {"error": "no such path"}
 */
#ifndef WFM_E2E_TARGET_H
#define WFM_E2E_TARGET_H

#define E2E_TGT_METHOD_MAX	16
#define E2E_TGT_PATH_MAX	256
#define E2E_TGT_HDR_MAX		512
#define E2E_TGT_BODY_MAX	8192

struct e2e_tgt_req {
	char	method[E2E_TGT_METHOD_MAX];
	char	path[E2E_TGT_PATH_MAX];
	char	idem[E2E_TGT_HDR_MAX];		/* Idempotency-Key or "" */
	char	auth[E2E_TGT_HDR_MAX];		/* Authorization or "" */
	char	ctype[E2E_TGT_HDR_MAX];		/* Content-Type or "" */
	char	body[E2E_TGT_BODY_MAX];		/* truncated, NUL-ended */
	size_t	blen;				/* the body's whole length */
	char	whid[128];			/* webhook-id or "" */
	char	whts[32];			/* webhook-timestamp or "" */
	char	whsig[256];			/* webhook-signature or "" */
	int	status;				/* what we answered */
	long long at_ms;			/* arrival, CLOCK_MONOTONIC */
};

/* Start the target once per process; returns its port or -1. */
int		 e2e_target_start(void);
/* Stop it (SIGKILL and reap); harmless when not started. */
void		 e2e_target_stop(void);
/* "http://127.0.0.1:<port><path>" in a static buffer. */
const char	*e2e_target_url(const char *path);
/*
 * Copy up to max recorded requests whose path equals path (NULL: every
 * request) into out, in arrival order; returns how many matched.
 */
int		 e2e_target_find(const char *path, struct e2e_tgt_req *out,
		    int max);

#endif
