/*
 * Helpers shared by the hostile-input suites (test_e2e_hostile_*.c):
 * requests written byte for byte on a socket (paths nginx and libcurl
 * would otherwise normalise, lying Content-Length, odd methods), exact
 * checks of the error shapes of api.md, tokens minted with the openssl
 * command line (tests/data/jwt/mint.sh), and the check that the stack
 * survived: /healthz and the logs.
 */
#ifndef WFM_TEST_E2E_HOSTILE_H
#define WFM_TEST_E2E_HOSTILE_H

#include <stddef.h>
#include <json-c/json.h>

#include "e2e.h"

#define HX_EXEC_PATH	"/workflow-management/execute"
#define HX_EXECS_PATH	"/workflow-management/executions"
#define HX_TMPL_PATH	"/workflow-management/templates"

/* What came back on a raw connection. */
struct hx_wire {
	char	*buf;		/* every byte read, NUL-terminated, owned */
	size_t	 len;
	int	 eof;		/* the server closed the connection */
	int	 timed_out;	/* still open when the time was up */
	int	 reset;		/* ECONNRESET */
	double	 seconds;	/* from connect to EOF or time-out */
};

/* The nginx port of the test stack, from e2e_url(). */
int		 hx_port(void);
/*
 * Connect to nginx, write req[0..len), then (with half_close) shut the
 * write side, and read until the server closes, timeout_s pass, or the
 * connection is reset. Returns 0 and fills w (hx_wire_free), -1 if the
 * connection or the write failed.
 */
int		 hx_wire_send(const char *req, size_t len, int half_close,
		    int timeout_s, struct hx_wire *w);
void		 hx_wire_free(struct hx_wire *);
/*
 * Parse the HTTP/1.1 response at buf[*off..len) into r (status, raw
 * header block, body by Content-Length, JSON); *off moves past it.
 * Returns 0, or -1 when there is no complete response there.
 */
int		 hx_wire_parse(const char *buf, size_t len, size_t *off,
		    struct resp *r);
/*
 * One request written exactly as given: "<method> <target> HTTP/1.1",
 * Host, Connection: close, the token (NULL: none), extra header lines
 * (NULL-ended, may be NULL) and a body of len bytes (NULL: none) with
 * Content-Type ctype (NULL: none). target is the whole request target
 * (e.g. "/api/v1/../healthz"); it is not touched. Returns 0 and fills r
 * with the first response, -1 when none came within 65 s.
 */
int		 hx_http(const char *method, const char *target,
		    const char *token, const char *ctype, const char *body,
		    size_t len, const char *const *extra, struct resp *r);
/* The request target of an API path: base path (from e2e_url()) + path. */
const char	*hx_target(const char *path);

/*
 * 1 if r has this status, a JSON content type and a body that is exactly
 * {"detail": detail}; otherwise prints what differs and returns 0.
 */
int		 hx_detail(const struct resp *, long status,
		    const char *detail);
/* 1 if r has a X-Request-Id header (the answer came from wfm-fcgi). */
int		 hx_from_app(const struct resp *);
/* Number of entries of a 422 detail list, or -1 if r is not one. */
int		 hx_verr_n(const struct resp *);
/*
 * 1 if r is a 422 whose detail list holds an entry of this type at loc
 * (compact JSON text, e.g. "[\"body\",\"owner_id\"]"); else prints r.
 */
int		 hx_verr_has(const struct resp *, const char *type,
		    const char *loc);
/*
 * 1 if r is a 422 with exactly one entry: json_invalid at
 * ["body", offset] with ctx.error equal to why (NULL: any).
 */
int		 hx_json_invalid(const struct resp *, long offset,
		    const char *why);

/* A token minted by wfmctl for sub with comma-separated roles (cached). */
const char	*hx_tok(const char *sub, const char *roles);
/* The stack's HS256 secret file ($WFM_E2E_VAR/jwt_secret). */
const char	*hx_secret_file(void);
/*
 * A token from tests/data/jwt/mint.sh: header and payload JSON text
 * taken as is (no single quotes), signed with alg (HS256: every byte of
 * keyfile is the secret; RS256, ES256: a PEM private key). Owned by the
 * caller; NULL on failure.
 */
char		*hx_mint(const char *alg, const char *keyfile,
		    const char *header, const char *payload);
/* base64url without padding of p[0..n) (owned). */
char		*hx_b64url(const void *p, size_t n);
/* tests/data/jwt/<name> from the repository root (static buffer). */
const char	*hx_jwt_file(const char *name);
/* Seconds since the epoch. */
long long	 hx_now(void);

/* Size of $WFM_E2E_VAR/log/<name> (0 when missing). */
long		 hx_log_size(const char *name);
/*
 * Lines written to $WFM_E2E_VAR/log/<name> after offset from that
 * contain one of the NULL-ended needles; each is printed.
 */
int		 hx_log_count(const char *name, long from,
		    const char *const *needles);

/* Log offsets at the start of a suite, for hx_stack_survived. */
struct hx_mark {
	long	wfm;
	long	ngx;
};
void		 hx_mark_take(struct hx_mark *);
/*
 * The stack survived everything since the mark: /healthz answers 200
 * {"status":"ok"}, wfm.log holds no wfm-fcgi line at level error and no
 * worker killed by a signal, and nginx saw no upstream fail mid-answer.
 * Asserts each with CUnit.
 */
void		 hx_stack_survived(const struct hx_mark *);

#endif
