/*
 * Configuration: one INI file (libinih), every key overridable from the
 * environment as WFM_<SECTION>_<KEY>. Loaded once at start and checked
 * completely; afterwards it is read-only (const struct config *).
 */
#ifndef WFM_CONFIG_H
#define WFM_CONFIG_H

#include <stddef.h>
#include "common.h"

#define CONFIG_DEFAULT_PATH	"/etc/wfm/wfm.conf"
#define EX_CONFIG_CODE		78
#define CONFIG_HOST_ID_MAX	64	/* [supervisor] host_id */
#define CONFIG_DB_NODES_MAX	8	/* entries of [database] host */
#define CONFIG_DB_NAME_MAX	255	/* one host name or address */

/* One entry of [database] host: a server wfm may use, in order. */
struct config_db_node {
	char	host[CONFIG_DB_NAME_MAX + 1];
	int	port;
};

enum auth_alg { AUTH_HS256, AUTH_RS256, AUTH_ES256 };

struct config {
	char		*path;		/* file actually read */

	struct {
		char	*host;		/* NULL when socket is used; as
					   written (may be a list) */
		int	 port;
		/*
		 * host split at commas: host[:port] (or [v6]:port) each, port
		 * defaulting to port; tried in this order (Galera failover).
		 * nnodes is 0 when host is NULL.
		 */
		struct config_db_node	nodes[CONFIG_DB_NODES_MAX];
		int	 nnodes;
		char	*socket;
		char	*user;
		char	*password;	/* from password or password_file */
		char	*name;
		int	 connect_timeout;	/* seconds */
		int	 rw_timeout;		/* seconds, read and write */
		char	*read_host;	/* replica for reads; NULL: none */
		int	 read_port;
		char	*read_socket;	/* replica's socket (read_host NULL) */
		int	 max_replica_lag_ms;	/* above: reads go to the
						   primary */
	} db;

	struct {
		char	*base_path;	/* "/api/v1", no trailing slash */
		int	 max_body_bytes;
		int	 max_active_executions_per_user;
		int	 max_unfinished_executions_per_user;
		int	 max_waiters;		/* Prefer: wait; 0: workers/2 */
		int	 max_waiters_per_user;	/* 0: max_waiters/2 */
		int	 max_schedules_per_user;
		char	*public_url;	/* "https://example.org" or NULL:
					   callback.url's scheme and host */
	} http;

	struct {
		enum auth_alg	 algorithm;
		char		*jwt_secret;	/* HS256: >= 32 bytes */
		size_t		 jwt_secret_len;
		char		*public_key;	/* RS256/ES256: PEM text */
		size_t		 public_key_len;
		char		*issuer;	/* NULL: not checked */
		char		*audience;	/* NULL: not checked */
		int		 leeway_seconds;	/* 0..60 */
		char		*roles_claim;
	} auth;

	struct {
		char	*listen;	/* unix path, host:port, :port; NULL: fd 0 */
		int	 workers;
		int	 max_requests;
		int	 backlog;
		int	 socket_mode;	/* octal permission of a unix socket */
		int	 group_inserts;	/* new executions through the writer */
	} fcgi;

	struct {
		char	*host_id;	/* claimer prefix; NULL: host name */
		int	 spawn;
		char	*program;	/* path of wfm-supervisor */
		int	 concurrency;
		int	 poll_interval_ms;
		int	 lease_seconds;
		char	*handlers_dir;
		char	*http_allow;	/* comma-separated CIDRs */
		char	*webhook_allow;	/* the same, for webhooks */
		int	 webhook_retry_base_ms;
		int	 webhook_inflight;	/* delivery attempts at once */
		int	 retention_days;
		char	*secrets_key_file;
		char	*lock_file;
		char	*nudge_socket;
		int	 grace_seconds;
		int	 cmd_cpu_seconds;
		int	 cmd_memory_mb;
		int	 cmd_nofile;
		int	 cmd_nproc;
		char	*cmd_user;	/* handlers run as this user */
		int	 cmd_run_as_self;	/* as the supervisor's user
						   when it cannot switch */
		int	 max_processes;	/* handlers at once, maps too */
		int	 max_descendants;	/* executions a root's
						   sub-workflows create */
	} sup;

	struct {
		int	 level;		/* enum log_level */
		char	*target;	/* "stderr" or "syslog" */
	} log;
};

/*
 * Load the configuration from path (NULL: $WFM_CONFIG, else the default
 * path), apply the environment overrides and check every value. On RC_OK
 * *out is owned by the caller. On RC_INVALID, err (NULL allowed) holds
 * one line naming the file, section and key and what is wrong ("wfm.conf:
 * [fcgi] workers: is too large (max 1024)").
 */
int	config_load(const char *path, struct config **out,
	    struct errmsg *err);
void	config_free(struct config *);
/*
 * The supervisor's metrics file, supervisor.prom beside its lock file
 * (in "." when lock_file has no directory): written by the supervisor,
 * read by /metrics. Owned by the caller.
 */
char	*config_sup_prom_path(const struct config *);

#endif
