/*
 * The database layer (MariaDB Connector/C). One struct store per process
 * owns the connection and every prepared statement; statements are named
 * by id and prepared on first use, so a reconnect simply re-prepares them.
 * Open the store after fork(): a connection never crosses fork().
 *
 * Return codes of every call that talks to the server:
 *   RC_OK
 *   RC_AGAIN	the server is unreachable or the connection was lost (the
 *		next call reconnects), or a deadlock / lock wait timeout
 *		rolled the transaction back: the caller may retry or answer 503
 *   RC_CONFLICT a unique key was violated (ER_DUP_ENTRY)
 *   RC_DENIED	a trigger refused the row (the active-execution quota)
 *   RC_INVALID	the server refused the values for good (a CHECK such as
 *		JSON_VALID, data too long or out of range, a NULL in a NOT
 *		NULL column, a missing parent row): never retry the same
 *		write; store_errno says which
 *   RC_ERR	any other failure, already logged
 */
#ifndef WFM_STORE_H
#define WFM_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "common.h"
#include "config.h"

struct store;

/*
 * A store for the configuration (borrowed: must outlive the store). It
 * connects at once, but also returns the store when the server is down;
 * every later call retries the connection (at most once a second).
 * Never fails; the caller owns the result.
 */
struct store	*store_open(const struct config *);
void		 store_close(struct store *);
/*
 * A store on the replica of [database] read_host (or read_socket), for
 * reads only; NULL when none is configured. Like store_open otherwise.
 */
struct store	*store_open_read(const struct config *);
/*
 * The replica's lag in ms: the age, on the replica, of the freshest row
 * of the heartbeat table (written to the primary by the supervisors,
 * store_replica_beat). RC_OK; RC_NOTFOUND when it holds no beat yet;
 * otherwise a store code (the replica is down or refused).
 */
int		 store_replica_lag(struct store *, long long *lag_ms);
/* Write this host's heartbeat (primary store); a store code. */
int		 store_replica_beat(struct store *, const char *host_id);
/* 1 if a connection is up right now. */
int		 store_connected(const struct store *);

/* Run one trusted SQL text (migrations only), without parameters. */
int		 store_exec_sql(struct store *, const char *sql);
/*
 * The highest migration applied (0 when none, or before the first made
 * schema_migrations: then the store's code is returned and *v is 0).
 */
int		 store_migration_version(struct store *, long long *v);
/* Record migration version v, file name, as applied. A store code. */
int		 store_migration_record(struct store *, long long v,
		    const char *name);

/*
 * Transactions: autocommit is on outside them. After a statement of the
 * transaction failed with a deadlock or lock wait timeout (a Galera
 * certification failure is a deadlock), store_commit rolls back and
 * returns RC_AGAIN even if the server would answer OK.
 */
int		 store_begin(struct store *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);

/*
 * The one way to commit: store_tx runs body(st, arg) between
 * store_begin and store_commit (rolled back when body does not return
 * RC_OK) and, when the transaction failed on a deadlock or lock wait
 * timeout (1213, 1205: also a Galera certification failure, at any
 * statement or at COMMIT) while the connection stayed up, runs it again,
 * STORE_TX_TRIES times in all, after 1-5, 1-10, 1-20, 1-40 ms. body may
 * thus run several times: it must start from its inputs each time.
 * STORE_TX_AUTOCOMMIT: no transaction around body (a single statement),
 * retried the same way. Returns body's code, or the store's.
 */
#define STORE_TX_TRIES		5
#define STORE_TX_AUTOCOMMIT	0x1
typedef int	 store_tx_fn(struct store *, void *arg);
int		 store_tx(struct store *, int flags, store_tx_fn *body,
		    void *arg);

/*
 * The server gives up on each following statement after ms milliseconds
 * (max_statement_time) when that is shorter than the session's default
 * (rw_timeout - 1 s, under the client's read timeout); ms <= 0 or
 * longer: the default again. A statement only when the limit changes;
 * a reconnect starts at the default. RC_OK or the store's code.
 */
int		 store_time_limit(struct store *, long long ms);

/* 1 if the current connection is to a Galera node (wsrep_on). */
int		 store_galera(const struct store *);
/*
 * SET SESSION wsrep_sync_wait = 1 (on) or 0: the following reads wait
 * until the node applied every write committed anywhere before them.
 * Does nothing (RC_OK) unless connected to a Galera node.
 */
int		 store_sync_wait(struct store *, int on);

/* Counters of one store, for metrics and tests. */
struct store_stats {
	int		node;		/* index into [database] host */
	unsigned long	failovers;	/* moves to another node */
	unsigned long	tx_retries;	/* store_tx bodies run again */
};
void		 store_stats(const struct store *, struct store_stats *);

/* A DATETIME column that is NULL, as epoch milliseconds in a typed row. */
#define STORE_NO_MS	(-1LL)

/* Who acts, for the audit log: user, client address, request id. */
struct store_actor {
	const char	*user;
	const char	*client;	/* may be NULL */
	const char	*reqid;		/* may be NULL */
};

/* Write an audit row (detail may be NULL; borrowed). */
int		 store_audit(struct store *, const struct store_actor *,
		    const char *action, const char *otype, const char *oid,
		    struct json_object *detail);

/* Templates: include/store_tmpl.h. */

/* The server error number of the last failure (0 if none). */
unsigned	 store_errno(const struct store *);

#endif
