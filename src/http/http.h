/*
 * The HTTP layer of wfm-fcgi: a request read through a small I/O
 * interface (FastCGI or plain CGI), routed to a handler, answered with
 * exact status codes and JSON bodies. Only src/http includes fcgiapp.h.
 */
#ifndef WFM_HTTP_H
#define WFM_HTTP_H

#include <stddef.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "auth.h"
#include "config.h"
#include "store.h"
#include "verr.h"

#define HTTP_PATH_MAX		2048
#define HTTP_REQID_MAX		64
#define HTTP_HEADERS_MAX	8
#define HTTP_ID_MAX		64
/* A Content-Length above this is malformed (400), not merely too large. */
#define HTTP_CONTENT_LENGTH_MAX	((long long)1 << 40)
/* Retry-After seconds: database unavailable, not ready, quotas. */
#define HTTP_RETRY_DB		1
#define HTTP_RETRY_NOT_READY	5
#define HTTP_RETRY_ACTIVE_QUOTA	10
#define HTTP_RETRY_SCHED_QUOTA	60

/* How a request is read and its answer written (FastCGI or CGI). */
struct http_io {
	/* A CGI parameter (e.g. "REQUEST_METHOD") or NULL; borrowed. */
	const char	*(*param)(void *ctx, const char *name);
	/* Read up to n body bytes; 0 at the end, -1 on error. */
	ssize_t		 (*read)(void *ctx, char *buf, size_t n);
	/* Write all n bytes; RC_OK or RC_ERR. */
	int		 (*write)(void *ctx, const char *buf, size_t n);
	void		*ctx;
};

/* Process-wide state of a responder; owned by the worker's main. */
struct group_addr;

struct http_app {
	const struct config	*cfg;
	struct store		*st;
	struct store		*rd;		/* replica; NULL: none */
	struct auth		*auth;
	int			 nudge_fd;	/* -1: no supervisor nudge */
	/* The group insert (http_group.c); group NULL: none. */
	const struct group_addr	*group;
	int			 group_fd;	/* -1: not connected */
	int64_t			 group_retry;	/* no connect before (mono ms) */
	uint64_t		 group_seq;
};

struct http_req {
	struct http_app		*app;
	const struct http_io	*io;
	const char		*method;
	const char		*query;		/* raw, without '?' */
	const char		*remote_addr;
	const char		*route;		/* pattern, for logs/metrics */
	char			 path[HTTP_PATH_MAX + 1];
	char			 reqid[HTTP_REQID_MAX + 1];
	char			 id[HTTP_ID_MAX + 1];	/* {id} of the route */
	char			 sub[HTTP_ID_MAX + 1];	/* {sub} of the route */
	struct principal	 who;
	int			 authed;

	char			*raw;		/* body bytes, owned */
	size_t			 rawlen;
	struct json_object	*body;		/* parsed body, owned */

	int			 status;
	int			 nhdr;
	char			*hdr[HTTP_HEADERS_MAX];	/* "Name: value", owned */
	struct json_object	*reply;		/* owned; NULL: no body */
	char			*text;		/* owned text/plain body */
	size_t			 textlen;
};

/* Serve one request end to end and write the answer. */
void	 http_serve(struct http_app *, const struct http_io *);

/* Responses (http_resp.c). Each replaces any earlier reply. */
void	 http_resp_json(struct http_req *, int status, struct json_object *);
/* A text/plain body (Prometheus exposition); text is taken. */
void	 http_resp_text(struct http_req *, int status, char *text,
	    size_t len);
void	 http_resp_detail(struct http_req *, int status, const char *detail);
void	 http_resp_verr(struct http_req *, const struct verr *);
/* Map a store/handler code to 404/409/503/500 with a detail sentence. */
void	 http_resp_rc(struct http_req *, int rc, const char *notfound);
void	 http_resp_header(struct http_req *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Request helpers (http_req.c). */
/* A query parameter's decoded value, new string or NULL if absent. */
char	*http_query_get(const struct http_req *, const char *name, int *bad);
/*
 * Read and strictly parse the JSON body. RC_OK: r->body set (may be NULL
 * for an empty optional body when allow_empty). Otherwise the answer
 * (413, 415, 422, 400) is already set and RC_INVALID returned.
 */
int	 http_req_body(struct http_req *, int allow_empty);
/* The seconds asked for by "Prefer: wait=N" (0..30), 0 if none. */
int	 http_req_wait(const struct http_req *);

/* Handlers: set the reply on r. */
void	 http_h_healthz(struct http_req *);
void	 http_h_readyz(struct http_req *);
void	 http_h_metrics(struct http_req *);
void	 http_h_execute(struct http_req *);
void	 http_h_exec_get(struct http_req *);
void	 http_h_exec_list(struct http_req *);
void	 http_h_exec_cancel(struct http_req *);
void	 http_h_exec_retry(struct http_req *);
void	 http_h_exec_pause(struct http_req *);
void	 http_h_exec_resume(struct http_req *);
void	 http_h_tmpl_create(struct http_req *);
void	 http_h_tmpl_get(struct http_req *);
void	 http_h_tmpl_list(struct http_req *);
void	 http_h_tmpl_put(struct http_req *);
void	 http_h_tmpl_delete(struct http_req *);
void	 http_h_audit_list(struct http_req *);
/* Schedules (http_sched.c). */
void	 http_h_sched_create(struct http_req *);
void	 http_h_sched_list(struct http_req *);
void	 http_h_sched_get(struct http_req *);
void	 http_h_sched_put(struct http_req *);
void	 http_h_sched_delete(struct http_req *);
void	 http_h_sched_pause(struct http_req *);
void	 http_h_sched_resume(struct http_req *);
void	 http_h_sched_trigger(struct http_req *);
void	 http_h_sched_fires(struct http_req *);
void	 http_h_system(struct http_req *);
/* Webhooks (http_webhook.c, http_exec.c). */
void	 http_h_whsec_post(struct http_req *);
void	 http_h_whsec_get(struct http_req *);
void	 http_h_exec_notifications(struct http_req *);
/* Template versions (http_tmpl.c). */
void	 http_h_tmpl_versions(struct http_req *);
void	 http_h_tmpl_version(struct http_req *);
/* POST /callbacks/{token}, without JWT (http_callback.c). */
void	 http_h_callback(struct http_req *);
/* Map iterations (http_exec.c). */
void	 http_h_exec_iterations(struct http_req *);
/* http_signal.c: signals for wait steps, and the approvals list. */
void	 http_h_exec_signal(struct http_req *);
void	 http_h_approvals(struct http_req *);

/* Write an audit row; RC_* from the store. */
int	 http_audit(struct http_req *, const char *action, const char *otype,
	    const char *oid, struct json_object *detail);

/* The expected schema version (highest migration in sql/). */
#define WFM_SCHEMA_VERSION	22

#endif
