/*
 * Step runners of the supervisor that perform I/O: the SSRF address
 * policy, "http" steps on libcurl's multi interface and "command" steps
 * (handler processes). None of them blocks: the supervisor's single event
 * loop waits on every descriptor at once and then drives them.
 *
 * A loop iteration looks like this:
 *
 *	n = 0;
 *	for (each running command c)
 *		n += sup_cmd_pollfds(c, pfd + n, SUP_CMD_NPOLLFD);
 *	pfd[n++] = nudge socket, signal pipe, ...;
 *	sup_http_wait(h, pfd, n, timeout);	(timeout: min of every
 *						 sup_cmd_timeout_ms and the
 *						 loop's own timers)
 *	sup_http_perform(h, &running);
 *	while (sup_http_done(h, &user, &res))
 *		record res for user; sup_step_result_fini(&res);
 *	for (each running command c) {
 *		sup_cmd_io(c);
 *		sup_cmd_tick(c, util_mono_ms());
 *		if (sup_cmd_reap(c, &res))
 *			record res; sup_step_result_fini(&res); sup_cmd_free(c);
 *	}		(sup_cmd_drive does the three calls and the free)
 *
 * Preconditions for the process: curl_global_init has been called, and
 * SIGPIPE is ignored (a handler may close its stdin early). Nobody else
 * may wait for a handler's pid (no waitpid(-1)); sup_cmd_reap does it.
 *
 * libcurl is included only by src/supervisor/sup_http.c, so this header
 * speaks struct pollfd, not struct curl_waitfd.
 *
 * Every err below is a struct errmsg (common.h) that may be NULL when
 * the caller does not need the reason.
 */
#ifndef WFM_SUP_STEP_H
#define WFM_SUP_STEP_H

#include <sys/types.h>
#include <sys/socket.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"

struct json_object;

/* Limits shared by both runners. */
#define SUP_STEP_OUTPUT_MAX	(1024 * 1024)	/* http body, command stdout */
#define SUP_CMD_STDERR_MAX	4096		/* tail of stderr kept */
#define SUP_CMD_KILL_GRACE_MS	2000		/* SIGTERM -> SIGKILL */
#define SUP_CMD_NPOLLFD		3		/* stdin, stdout, stderr */
#define SUP_CMD_EXIT_TEMPFAIL	75		/* EX_TEMPFAIL: retryable */
#define SUP_HTTP_MAX_REDIRS	5
#define SUP_HTTP_MAX_HEADERS	100		/* request and response */
#define SUP_HTTP_HEADER_BYTES	16384		/* response headers kept */

/* Values of sup_step_result.err_type (static strings). */
#define SUP_ERR_HTTP_STATUS	"http_status"
#define SUP_ERR_TIMEOUT		"timeout"
#define SUP_ERR_CONNECTION	"connection"
#define SUP_ERR_SSRF_BLOCKED	"ssrf_blocked"
#define SUP_ERR_OUTPUT_INVALID	"output_invalid"
#define SUP_ERR_EXIT_STATUS	"exit_status"
#define SUP_ERR_CANCELLED	"cancelled"

/*
 * The outcome of one attempt. Success: err_type == NULL and output is
 * the value (NULL when that value is JSON null, as json-c spells it).
 * Failure: err_type and err_msg set; output may still be set (the
 * {"status","headers","body"} of a non-2xx http response); retryable
 * says whether another attempt may succeed. err_msg is valid UTF-8 and
 * never contains the request's headers or body. Nothing here is redacted
 * yet: the run masks secrets (secret_redact) before it keeps any of it,
 * and err_cut and err_cut_end say where err_msg was truncated, so that a
 * secret split there is masked too.
 */
struct sup_step_result {
	struct json_object	*output;	/* owned, or NULL */
	const char		*err_type;	/* static SUP_ERR_*, or NULL */
	char			*err_msg;	/* owned, or NULL */
	size_t			 err_cut;	/* err_msg[err_cut..] follows
						   dropped bytes; 0: none */
	int			 err_cut_end;	/* err_msg may end inside a
						   longer text */
	int			 retryable;
};

/* Release what r owns and zero it. NULL-safe; r may be zeroed storage. */
void	sup_step_result_fini(struct sup_step_result *r);

/*
 * Parse buf[0..len) as exactly one JSON value (RFC 8259: strict, valid
 * UTF-8, surrounding whitespace allowed, no NaN or Infinity, nesting up
 * to 64). buf[len] must be readable and '\0'. On RC_OK *out is a new
 * reference owned by the caller, or NULL for the JSON value null;
 * otherwise returns RC_INVALID and leaves *out alone.
 */
int	sup_step_json_parse(const char *buf, size_t len,
	    struct json_object **out);

/*
 * Copy len bytes into a new NUL-terminated string owned by the caller,
 * replacing every byte that is not part of valid UTF-8, and every NUL,
 * by U+FFFD. Never returns NULL.
 */
char	*sup_step_utf8_dup(const char *buf, size_t len);

/*
 * SSRF policy (sup_net.c).
 *
 * Blocked unless an allowlisted network contains the address: loopback,
 * private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
 * (169.254/16, fe80::/10, fec0::/10), CGNAT 100.64/10, multicast (224/4,
 * ff00::/8), unspecified and reserved (0/8, 192.0.0/24, 192.88.99/24,
 * 240/4 with 255.255.255.255, ::, 64:ff9b:1::/48, 100::/64, 2001::/23),
 * documentation (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32,
 * 3fff::/20) and benchmarking (198.18/15). IPv6 forms that embed an IPv4
 * address (mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96,
 * 6to4 2002::/16) are judged by that IPv4 address, including against
 * IPv4 allowlist entries. Any family but AF_INET/AF_INET6 is blocked.
 */
struct sup_net_allow;

/*
 * Parse a comma-separated list of networks ("127.0.0.1/32, 10.1.0.0/16,
 * fd00::/8"); a bare address means a single host. Whitespace around
 * entries is ignored; NULL or "" gives an empty list. Entries must not
 * have host bits set beyond the prefix. On RC_OK *out is owned by the
 * caller (sup_net_allow_free). On RC_INVALID, err holds one line naming
 * the bad entry and *out is untouched.
 */
int	sup_net_allow_parse(const char *csv, struct sup_net_allow **out,
	    struct errmsg *err);
void	sup_net_allow_free(struct sup_net_allow *);
/* Number of networks in the list (allow may be NULL: 0). */
size_t	sup_net_allow_count(const struct sup_net_allow *allow);

/*
 * 1 when connecting to sa is allowed, 0 when it is blocked. allow may be
 * NULL (nothing extra allowed). len is the size of *sa.
 */
int	sup_net_addr_allowed(const struct sup_net_allow *allow,
	    const struct sockaddr *sa, socklen_t len);

/*
 * HTTP steps (sup_http.c). One struct sup_http owns a CURLM and all its
 * transfers. Every connection, including each redirect hop, is checked
 * with sup_net_addr_allowed on the address actually connected to.
 * Proxies from the environment are never used.
 */
struct sup_http;
struct sup_http_xfer;

struct sup_http_req {
	const char		*method;	/* GET POST PUT PATCH DELETE */
	const char		*url;		/* http:// or https:// */
	struct json_object	*headers;	/* object of strings, or NULL */
	struct json_object	*body;		/* sent as JSON, or NULL */
	int			 timeout_seconds;	/* 1..86400, whole attempt */
	const char		*idempotency_key;	/* "<exec_id>:<step_id>" */
	void			*user;		/* given back by sup_http_done */
};

/*
 * A new runner. allow is borrowed and must outlive the runner (NULL:
 * nothing extra allowed). Returns NULL after logging if libcurl fails.
 */
struct sup_http	*sup_http_new(const struct sup_net_allow *allow);
/*
 * Connections the runner opens from now on are checked against allow
 * (borrowed as above); the list it borrowed before may then be freed.
 */
void		 sup_http_set_allow(struct sup_http *,
		    const struct sup_net_allow *allow);
/* Abort every transfer still running and free the runner. NULL-safe. */
void		 sup_http_free(struct sup_http *);

/*
 * Start a request; the library copies everything it needs from req (the
 * json objects stay the caller's). On RC_OK *out (optional, may be NULL)
 * is a handle that stays valid until sup_http_done returns this
 * transfer's user pointer or sup_http_cancel is called on it; it is
 * owned by the runner. On RC_INVALID (method, scheme, URL, header or
 * timeout not acceptable: the step fails at once, not retryable) or
 * RC_ERR (libcurl failure, logged), err holds one line and nothing was
 * started. Header names are RFC 9110 tokens, values are at most 8 KiB
 * without CR, LF or NUL; Content-Length and Transfer-Encoding may not be
 * set; a caller's Idempotency-Key is replaced by req->idempotency_key;
 * Content-Type: application/json is added with a body unless set.
 */
int	sup_http_start(struct sup_http *h, const struct sup_http_req *req,
	    struct sup_http_xfer **out, struct errmsg *err);

/*
 * Run another module's libcurl transfer on h's multi handle, so that its
 * sockets are in sup_http_wait's poll set with the steps' (webhook
 * deliveries, sup_webhook.c). easy is a CURL * the caller configured and
 * keeps owning; h sets its CURLOPT_PRIVATE. When it ends, sup_http_done
 * removes it from the multi handle, then calls done(arg, result) with
 * its CURLcode, and returns no result for it. sup_http_cancel(h, *out)
 * removes it without a call (easy stays the caller's). RC_OK, or RC_ERR
 * (libcurl refused it, logged).
 */
int	sup_http_attach(struct sup_http *h, void *easy,
	    void (*done)(void *arg, int result), void *arg,
	    struct sup_http_xfer **out);

/* Abort a running transfer; no result will be given for it. */
void	sup_http_cancel(struct sup_http *h, struct sup_http_xfer *x);

/*
 * Do whatever network work is due (curl_multi_perform). *running is the
 * number of transfers not yet finished. Returns RC_OK or RC_ERR (logged).
 */
int	sup_http_perform(struct sup_http *h, int *running);

/*
 * Wait until a transfer needs work, one of the extra descriptors is
 * ready, sup_http_wakeup is called or timeout_ms passes
 * (curl_multi_poll). extra[i].revents is set to the POLLIN, POLLOUT and
 * POLLPRI readiness of each extra descriptor (never POLLHUP/POLLERR: a
 * caller that sees none of its wanted bits should still try its I/O).
 * Returns RC_OK, or RC_ERR (logged). A signal ends the wait early.
 */
int	sup_http_wait(struct sup_http *h, struct pollfd *extra,
	    size_t nextra, int timeout_ms);

/* Make a concurrent or upcoming sup_http_wait return at once. */
void	sup_http_wakeup(struct sup_http *h);

/*
 * Take one finished transfer. Returns 1 and sets *user and *res (res is
 * the caller's to sup_step_result_fini), or 0 when none is finished.
 * Success is a 2xx status; output is {"status": n, "headers": {lower-case
 * name: value, ...}, "body": parsed JSON or the text}. Failures:
 * http_status (output set; retryable for 408, 429, 5xx), timeout and
 * connection (retryable, except too many redirects, a redirect to
 * another scheme and TLS verification failures), ssrf_blocked and
 * output_invalid (body over 1 MiB) not retryable.
 */
int	sup_http_done(struct sup_http *h, void **user,
	    struct sup_step_result *res);

/*
 * Command steps (sup_cmd.c). A handler runs with its own process group,
 * a private working directory and the limits below; everything it
 * started dies with it (group SIGKILL when it exits, times out or is
 * cancelled). Only a process that leaves the group (setsid/setpgid)
 * escapes; the nproc limit and PR_SET_PDEATHSIG bound the damage.
 */
struct sup_cmd;

struct sup_cmd_limits {
	int		 cpu_seconds;	/* RLIMIT_CPU; 0: unlimited */
	int		 memory_mb;	/* RLIMIT_AS; 0: unlimited */
	int		 fsize_mb;	/* RLIMIT_FSIZE; 0: unlimited */
	int		 nofile;	/* RLIMIT_NOFILE; 0: unlimited */
	int		 nproc;		/* RLIMIT_NPROC (per uid); 0: unlimited */
	const char	*user;		/* switched to when not NULL (NULL
					   and euid 0: refused) */
};

struct sup_cmd_spec {
	const char	*handlers_dir;	/* absolute path */
	const char	*handler;	/* ^[a-z0-9][a-z0-9_-]*$, <= 128 */
	const char	*work_base;	/* parent of the private directory:
					   absolute, traversable but not
					   writable by user */
	const char	*execution_id;	/* WFM_EXECUTION_ID */
	const char	*step_id;	/* WFM_STEP_ID */
	int		 attempt;	/* WFM_ATTEMPT, >= 1 */
	const char	*stdin_text;	/* copied; NULL: empty stdin */
	size_t		 stdin_len;
	int		 timeout_seconds;	/* 1..86400 */
	struct sup_cmd_limits limits;
};

/*
 * Start the handler. On RC_OK *out is owned by the caller (sup_cmd_free).
 * On RC_INVALID nothing was created or forked and err says why (bad
 * name, missing handler, not a regular executable file, bad limits,
 * running as root without a usable user): the step fails, not
 * retryable. On RC_ERR a system call failed (logged, err set): the
 * attempt may be retried. The environment is exactly PATH=/usr/bin:/bin,
 * LANG=C.UTF-8, HOME and TMPDIR (the new private directory under
 * work_base), WFM_EXECUTION_ID, WFM_STEP_ID and WFM_ATTEMPT. If the
 * child cannot finish its setup (user switch, limits, exec) it writes
 * the failing call to its stderr and exits 127.
 */
int	sup_cmd_start(const struct sup_cmd_spec *spec, struct sup_cmd **out,
	    struct errmsg *err);

/*
 * Fill up to n (at least SUP_CMD_NPOLLFD) entries of pfd with the
 * descriptors still open and the events wanted; returns how many.
 */
size_t	sup_cmd_pollfds(const struct sup_cmd *c, struct pollfd *pfd,
	    size_t n);

/*
 * Write stdin and read stdout/stderr as far as possible without
 * blocking; closes each pipe at EOF or error. Safe to call when nothing
 * is ready. Stdout over SUP_STEP_OUTPUT_MAX starts the kill sequence
 * (result output_invalid).
 */
void	sup_cmd_io(struct sup_cmd *c);

/*
 * Drive the timers with now_ms = util_mono_ms(): the per-attempt timeout
 * starts the kill sequence (result timeout, retryable), and
 * SUP_CMD_KILL_GRACE_MS after SIGTERM the group gets SIGKILL.
 */
void	sup_cmd_tick(struct sup_cmd *c, int64_t now_ms);

/* Milliseconds until sup_cmd_tick has work (>= 0), or -1 for none. */
int	sup_cmd_timeout_ms(const struct sup_cmd *c, int64_t now_ms);

/*
 * Stop the handler: SIGTERM to its process group now, SIGKILL later
 * through sup_cmd_tick. The result will be "cancelled" (not retryable)
 * unless another reason to kill came first. No-op once reaped.
 */
void	sup_cmd_cancel(struct sup_cmd *c);

/*
 * Check (WNOHANG) whether the handler has exited. Returns 0 while it
 * runs. Returns 1 once: then the rest of its process group has been
 * killed, the pipes drained and closed, the private directory removed
 * and *res filled (the caller's to sup_step_result_fini): exit 0 with
 * stdout one JSON value gives output; exit 0 otherwise output_invalid;
 * exit 75 a retryable exit_status; any other exit or a signal a
 * non-retryable exit_status. Every error message ends with
 * "; stderr: " and the last 4 KiB of stderr when stderr was not empty
 * (err_cut_end set when the handler was stopped or killed by a signal;
 * err_cut at the tail when older bytes were dropped,
 * the tail then starting at a UTF-8 character boundary).
 * Returns 0 on every call after that.
 */
int	sup_cmd_reap(struct sup_cmd *c, struct sup_step_result *res);

/*
 * One turn of the loop above for *cp: I/O, timers, reap. Returns 1 when
 * it ended: *res filled (the caller's to sup_step_result_fini), the
 * command freed and *cp NULL. Else 0.
 */
int	sup_cmd_drive(struct sup_cmd **cp, struct sup_step_result *res);

/*
 * Who handlers run as, decided once at start from [supervisor] cmd_user
 * and cmd_run_as_self. When the supervisor can switch users (euid 0, or
 * CAP_SETUID, CAP_SETGID and CAP_KILL effective), user must be an
 * existing account that is neither root nor the supervisor's own:
 * RC_OK, *switch_user = 1 and its ids in *uid and *gid. When it cannot,
 * RC_OK with *switch_user = 0 (handlers run as the supervisor's user)
 * only if as_self; otherwise, and for a bad user, RC_INVALID with one
 * line in err.
 */
int	sup_cmd_user_check(const char *user, int as_self, int *switch_user,
	    uid_t *uid, gid_t *gid, struct errmsg *err);

/*
 * Set this thread's file-system ids (permission checks on files and
 * /proc) to uid and gid: to act on what a handler owns, and back to
 * geteuid(), getegid(). RC_OK, or RC_ERR (logged) when not allowed.
 */
int	sup_cmd_fsids(uid_t uid, gid_t gid);

/* The handler's pid (also its process group), -1 once reaped. */
pid_t	sup_cmd_pid(const struct sup_cmd *c);
/* The private directory (borrowed; NULL once removed). */
const char *sup_cmd_workdir(const struct sup_cmd *c);

/*
 * Free c. A handler still running is killed with its group (SIGKILL) and
 * waited for; the private directory is removed. NULL-safe.
 */
void	sup_cmd_free(struct sup_cmd *c);

#endif
