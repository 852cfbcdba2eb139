/*
 * Connection handling and statement execution. Only this file touches
 * MYSQL and MYSQL_STMT. A lost connection is closed with every statement;
 * the next call reconnects and statements are prepared again on use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "common.h"
#include "log.h"
#include "store_int.h"

#define STORE_RETRY_MS	1000	/* least time between connect attempts */
#define STORE_NODE_DOWN_MS 5000	/* a node that failed is tried last */
/* Galera: "WSREP has not yet prepared node for application use". */
#define STORE_ER_WSREP_NOT_READY 1047
#define STORE_CELL_INIT	256	/* bound buffer per result column */
#define STORE_COLS_MAX	32
/* MySQL's numbers, should the server be one: a CHECK, invalid JSON. */
#define STORE_ER_CHECK_VIOLATED	3819
#define STORE_ER_INVALID_JSON	3140
/* The SIGNAL of tr_exec_template_check (sql/021). */
#define STORE_ER_TEMPLATE_CHANGED 30001

/*
 * Template definitions kept per connection (store_def_text): at most
 * STORE_DEFS of them, each at most STORE_DEF_MAX bytes (a larger one is
 * read every time); the least recently used goes first.
 */
#define STORE_DEFS	16
#define STORE_DEF_MAX	(64 * 1024)

struct store_def {
	long long	 tpk;
	long long	 version;
	char		*text;		/* owned; NULL: a free place */
	uint64_t	 used;		/* defs_tick when last used */
};

struct store {
	const struct config	*cfg;
	const char		*host;		/* borrowed from cfg */
	const char		*socket;	/* borrowed from cfg */
	int			 port;
	/* [database] host as a list (primary only; 0: host/socket). */
	const struct config_db_node *nodes;	/* borrowed from cfg */
	int			 nnodes;
	int			 node;		/* connected to; -1 none yet */
	int64_t			 node_down[CONFIG_DB_NODES_MAX];
	MYSQL			*db;
	MYSQL_STMT		*stmt[STMT_COUNT];
	int64_t			 last_fail;	/* monotonic ms */
	unsigned		 last_errno;
	int			 in_tx;
	int			 tx_failed;	/* a 1213/1205 inside it */
	int			 galera;	/* wsrep_on of this server */
	long long		 limit_ms;	/* store_time_limit; 0: default */
	struct store_stats	 stats;
	struct store_def	 defs[STORE_DEFS];	/* store_def_text */
	uint64_t		 defs_tick;
};

/* The server's time limit of a statement: under our read timeout. */
static long long
default_limit_ms(const struct config *c)
{
	long long	rw = c->db.rw_timeout;

	return rw > 2 ? (rw - 1) * 1000 : rw * 500;
}

static void
disconnect(struct store *st)
{
	size_t	i;

	for (i = 0; i < STMT_COUNT; i++) {
		if (st->stmt[i] != NULL)
			mysql_stmt_close(st->stmt[i]);
		st->stmt[i] = NULL;
	}
	if (st->db != NULL)
		mysql_close(st->db);
	st->db = NULL;
	st->in_tx = 0;
	st->tx_failed = 0;
	st->galera = 0;
	st->limit_ms = 0;	/* a new session starts at the default */
}

/* Open st->db on host:port (or the socket); 0 on success. */
static int
connect_one(struct store *st, const char *host, int port)
{
	const struct config	*c = st->cfg;
	unsigned int		 ct, rw;
	my_bool			 off = 0;
	char			 stmt_time[64];

	if ((st->db = mysql_init(NULL)) == NULL)
		fatalx("mysql_init: out of memory");
	ct = (unsigned int)c->db.connect_timeout;
	rw = (unsigned int)c->db.rw_timeout;
	mysql_options(st->db, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(st->db, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(st->db, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(st->db, MYSQL_OPT_RECONNECT, &off);
	mysql_options(st->db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(st->db, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	mysql_options(st->db, MYSQL_INIT_COMMAND,
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	/*
	 * The server gives up on a statement before our read timeout does.
	 * Otherwise a statement we stopped waiting for (a lock wait:
	 * innodb_lock_wait_timeout is 50 s, lock_wait_timeout a day) goes
	 * on in the server and commits after the client was answered 503,
	 * and every retry leaves one more thread waiting there.
	 */
	snprintf(stmt_time, sizeof(stmt_time),
	    "SET SESSION max_statement_time = %.1f",
	    (double)default_limit_ms(c) / 1000);
	mysql_options(st->db, MYSQL_INIT_COMMAND, stmt_time);
	if (mysql_real_connect(st->db, host, c->db.user, c->db.password,
	    c->db.name, (unsigned int)port, st->socket,
	    CLIENT_FOUND_ROWS) == NULL) {
		st->last_errno = mysql_errno(st->db);
		if (host == NULL)
			log_warnx("database connect to %s: %s", st->socket,
			    mysql_error(st->db));
		else
			log_warnx("database connect to %s:%d: %s", host, port,
			    mysql_error(st->db));
		mysql_close(st->db);
		st->db = NULL;
		return -1;
	}
	return 0;
}

/*
 * Is the server a Galera node (wsrep_on), and is it ready for clients
 * (wsrep_ready: in the primary component, synced)? One prepared
 * statement on the new connection. -1 when it failed.
 */
static int
wsrep_state(struct store *st, int *galera, int *ready)
{
	static const char	q[] = "SELECT @@global.wsrep_on, (SELECT "
	    "VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE "
	    "VARIABLE_NAME = 'WSREP_READY')";
	MYSQL_STMT		*s;
	MYSQL_BIND		 b[2];
	char			 on[16], rd[16];
	unsigned long		 len[2];
	my_bool			 isnull[2];
	int			 rc = -1;

	*galera = *ready = 0;
	if ((s = mysql_stmt_init(st->db)) == NULL)
		fatalx("mysql_stmt_init: out of memory");
	memset(b, 0, sizeof(b));
	b[0].buffer_type = b[1].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = on;
	b[1].buffer = rd;
	b[0].buffer_length = b[1].buffer_length = sizeof(on) - 1;
	b[0].length = &len[0];
	b[1].length = &len[1];
	b[0].is_null = &isnull[0];
	b[1].is_null = &isnull[1];
	if (mysql_stmt_prepare(s, q, sizeof(q) - 1) != 0 ||
	    mysql_stmt_execute(s) != 0 || mysql_stmt_bind_result(s, b) != 0 ||
	    mysql_stmt_fetch(s) != 0) {
		st->last_errno = mysql_stmt_errno(s);
		log_warnx("database wsrep state: %s", mysql_stmt_error(s));
		goto out;
	}
	on[len[0] < sizeof(on) ? len[0] : sizeof(on) - 1] = '\0';
	rd[len[1] < sizeof(rd) ? len[1] : sizeof(rd) - 1] = '\0';
	*galera = !isnull[0] && strcmp(on, "1") == 0;
	*ready = !isnull[1] && strcasecmp(rd, "ON") == 0;
	rc = 0;
out:
	mysql_stmt_close(s);
	return rc;
}

/*
 * Connect to node i (or to host/socket when there is no list) and take
 * it if it is not a Galera node or is one that is ready; 0 when taken.
 */
static int
try_node(struct store *st, int i)
{
	const char	*host = i < 0 ? st->host : st->nodes[i].host;
	int		 port = i < 0 ? st->port : st->nodes[i].port;
	int		 galera, ready;

	if (connect_one(st, host, port) != 0)
		return -1;
	if (wsrep_state(st, &galera, &ready) != 0 || (galera && !ready)) {
		if (galera)
			log_warnx("database node %s:%d: wsrep_ready is not "
			    "ON, skipped", host, port);
		mysql_close(st->db);
		st->db = NULL;
		return -1;
	}
	st->galera = galera;
	return 0;
}

/*
 * Connect if not connected. With a list of nodes, the first in order
 * that takes us wins (a node that failed in the last STORE_NODE_DOWN_MS
 * is tried after the others): one writer node at a time, and back to
 * the first once it is up again, at the next reconnect.
 */
static int
connect_db(struct store *st)
{
	int64_t	now = util_mono_ms();
	int	pass, i, prev;

	if (st->db != NULL)
		return RC_OK;
	if (st->last_fail != 0 && now - st->last_fail < STORE_RETRY_MS)
		return RC_AGAIN;
	if (st->nnodes == 0) {
		if (try_node(st, -1) != 0) {
			st->last_fail = now;
			return RC_AGAIN;
		}
		st->last_fail = 0;
		return RC_OK;
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < st->nnodes; i++) {
			int	down = st->node_down[i] != 0 &&
			    now - st->node_down[i] < STORE_NODE_DOWN_MS;

			if (down != pass)
				continue;
			if (try_node(st, i) != 0) {
				st->node_down[i] = util_mono_ms();
				continue;
			}
			st->node_down[i] = 0;
			prev = st->node;
			st->node = i;
			st->last_fail = 0;
			if (prev >= 0 && prev != i) {
				st->stats.failovers++;
				log_warnx("database: moved from node %s:%d to "
				    "node %s:%d", st->nodes[prev].host,
				    st->nodes[prev].port, st->nodes[i].host,
				    st->nodes[i].port);
			}
			st->stats.node = i;
			return RC_OK;
		}
	st->last_fail = now;
	return RC_AGAIN;
}

struct store *
store_open(const struct config *cfg)
{
	struct store	*st = xcalloc(1, sizeof(*st));

	st->cfg = cfg;
	st->host = cfg->db.host;
	st->port = cfg->db.port;
	st->socket = cfg->db.socket;
	st->nodes = cfg->db.nodes;
	st->nnodes = cfg->db.nnodes;
	st->node = -1;
	(void)connect_db(st);
	return st;
}

struct store *
store_open_read(const struct config *cfg)
{
	struct store	*st;

	if (cfg->db.read_host == NULL && cfg->db.read_socket == NULL)
		return NULL;
	st = xcalloc(1, sizeof(*st));
	st->cfg = cfg;
	st->host = cfg->db.read_host;
	st->port = cfg->db.read_port;
	st->socket = cfg->db.read_socket;
	st->node = -1;
	(void)connect_db(st);
	return st;
}

void
store_close(struct store *st)
{
	size_t	i;

	if (st == NULL)
		return;
	disconnect(st);
	for (i = 0; i < STORE_DEFS; i++)
		free(st->defs[i].text);
	free(st);
}

int
store_connected(const struct store *st)
{
	return st->db != NULL;
}

unsigned
store_errno(const struct store *st)
{
	return st->last_errno;
}

/* Map a server error to a return code; drops a dead connection. */
static int
classify(struct store *st, unsigned err, const char *what, const char *msg)
{
	st->last_errno = err;
	switch (err) {
	case ER_DUP_ENTRY:
		return RC_CONFLICT;
	case STORE_ER_TEMPLATE_CHANGED:
		/*
		 * tr_exec_template_check (sql/021): the template moved on
		 * while a worker inserted against it.
		 */
		return RC_CHANGED;
	case ER_SIGNAL_EXCEPTION:
		/* Any other SIGNAL of our triggers: the quota (sql/005). */
		return RC_DENIED;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		/*
		 * Also a Galera certification failure, at COMMIT or at the
		 * next statement after the transaction was aborted: from
		 * then on, nothing of it may be committed (store_commit).
		 */
		if (st->in_tx)
			st->tx_failed = 1;
		log_warnx("%s: %s (transaction rolled back)", what, msg);
		return RC_AGAIN;
	/*
	 * The server refused the values themselves: a CHECK (JSON_VALID of
	 * a JSON column), a value too long or out of range, a NULL where
	 * none may be, a missing parent row. Sending them again cannot
	 * succeed, so no caller may retry these.
	 */
	case ER_CONSTRAINT_FAILED:
	case STORE_ER_CHECK_VIOLATED:
	case STORE_ER_INVALID_JSON:
	case ER_JSON_SYNTAX:
	case ER_JSON_DEPTH:
	case ER_DATA_TOO_LONG:
	case ER_DATA_OUT_OF_RANGE:
	case ER_WARN_DATA_OUT_OF_RANGE:
	case ER_BAD_NULL_ERROR:
	case ER_WARN_NULL_TO_NOTNULL:
	case ER_NO_REFERENCED_ROW:
	case ER_NO_REFERENCED_ROW_2:
	case ER_ROW_IS_REFERENCED_2:
	case ER_TRUNCATED_WRONG_VALUE:
	case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
	case ER_INVALID_CHARACTER_STRING:
	case ER_WRONG_VALUE_FOR_TYPE:
		log_warnx("%s: error %u: %s (refused)", what, err, msg);
		return RC_INVALID;
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case CR_COMMANDS_OUT_OF_SYNC:
	/*
	 * max_statement_time (connect_db) or KILL QUERY: treated as the
	 * read timeout it stands in for. Dropping the connection also
	 * rolls back an open transaction, and callers that retry RC_AGAIN
	 * on a live connection do not wait that long a second time.
	 */
	case ER_STATEMENT_TIMEOUT:
	case ER_QUERY_INTERRUPTED:
	/* A Galera node that left the primary component: the next one. */
	case STORE_ER_WSREP_NOT_READY:
		log_warnx("%s: %s (connection dropped)", what, msg);
		disconnect(st);
		st->last_fail = 0;	/* reconnect at once next time */
		return RC_AGAIN;
	default:
		log_warnx("%s: error %u: %s", what, err, msg);
		/* A full disk or read-only server is transient for clients. */
		if (err == ER_RECORD_FILE_FULL || err == ER_DISK_FULL ||
		    err == ER_OUT_OF_RESOURCES || err == ER_OPTION_PREVENTS_STATEMENT)
			return RC_AGAIN;
		return RC_ERR;
	}
}

/*
 * After a restart of the server an idle connection is found dead only
 * when the next command cannot be sent on it (CR_SERVER_GONE_ERROR; a
 * command that was sent and lost is CR_SERVER_LOST): that command ran
 * nowhere. Outside a transaction it is sent once more on a new
 * connection, so that the first request of every process after a restart
 * does not fail while the database is up again.
 */
static int
resend(const struct store *st, int rc, int in_tx, int *tries)
{
	return rc == RC_AGAIN && st->db == NULL && !in_tx &&
	    st->last_errno == CR_SERVER_GONE_ERROR && (*tries)++ == 0;
}

int
store_time_limit(struct store *st, long long ms)
{
	struct sparam	p[1];
	int		rc;

	if (ms <= 0 || ms >= default_limit_ms(st->cfg))
		ms = 0;
	if (ms == st->limit_ms)
		return RC_OK;
	p[0] = SP_DBL((double)(ms > 0 ? ms : default_limit_ms(st->cfg)) /
	    1000);
	if ((rc = store_exec(st, STMT_TIME_LIMIT, p, 1, NULL, NULL,
	    NULL)) == RC_OK)
		st->limit_ms = ms;
	return rc;
}

int
store_info_duplicates(const struct store *st, uint64_t *n)
{
	const char	*info, *p;
	char		*end;

	if (st->db == NULL || (info = mysql_info(st->db)) == NULL ||
	    (p = strstr(info, "Duplicates: ")) == NULL)
		return RC_ERR;
	errno = 0;
	*n = strtoull(p + 12, &end, 10);
	return errno == 0 && end != p + 12 ? RC_OK : RC_ERR;
}

static int
prepare(struct store *st, enum stmt_id id, MYSQL_STMT **out)
{
	const char	*q = store_sql_text(id);
	MYSQL_STMT	*s;
	int		 rc;

	if (st->stmt[id] != NULL) {
		*out = st->stmt[id];
		return RC_OK;
	}
	if ((rc = connect_db(st)) != RC_OK)
		return rc;
	if ((s = mysql_stmt_init(st->db)) == NULL)
		fatalx("mysql_stmt_init: out of memory");
	if (mysql_stmt_prepare(s, q, strlen(q)) != 0) {
		rc = classify(st, mysql_stmt_errno(s), "prepare",
		    mysql_stmt_error(s));
		mysql_stmt_close(s);
		return rc;
	}
	st->stmt[id] = s;
	*out = s;
	return RC_OK;
}

static void
bind_params(MYSQL_BIND *b, const struct sparam *p, size_t n)
{
	size_t	i;

	memset(b, 0, sizeof(*b) * n);
	for (i = 0; i < n; i++) {
		switch (p[i].type) {
		case SP_T_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case SP_T_STR:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)(uintptr_t)p[i].p;
			b[i].buffer_length = p[i].len;
			break;
		case SP_T_BLOB:
			b[i].buffer_type = MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)(uintptr_t)p[i].p;
			b[i].buffer_length = p[i].len;
			break;
		case SP_T_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)(uintptr_t)&p[i].i;
			break;
		case SP_T_DBL:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = (void *)(uintptr_t)&p[i].d;
			break;
		}
	}
}

/* Copy every row of the executed statement s into res. */
static int
fetch_all(struct store *st, MYSQL_STMT *s, struct sres *res)
{
	MYSQL_BIND	 b[STORE_COLS_MAX];
	char		 buf[STORE_COLS_MAX][STORE_CELL_INIT];
	unsigned long	 len[STORE_COLS_MAX];
	my_bool		 isnull[STORE_COLS_MAX], trunc[STORE_COLS_MAX];
	size_t		 ncols, c, cap = 0, r;
	int		 f, rc;
	char		*cell;

	/*
	 * The count alone: mysql_stmt_result_metadata() copies every
	 * column's definition, names included, on each execution.
	 */
	if ((ncols = mysql_stmt_field_count(s)) == 0)
		return RC_OK;		/* not a SELECT */
	if (ncols > STORE_COLS_MAX)
		fatalx("store: statement with %zu columns", ncols);
	res->ncols = ncols;
	memset(b, 0, sizeof(b));
	for (c = 0; c < ncols; c++) {
		b[c].buffer_type = MYSQL_TYPE_STRING;
		b[c].buffer = buf[c];
		b[c].buffer_length = STORE_CELL_INIT;
		b[c].length = &len[c];
		b[c].is_null = &isnull[c];
		b[c].error = &trunc[c];
	}
	if (mysql_stmt_bind_result(s, b) != 0 ||
	    mysql_stmt_store_result(s) != 0) {
		rc = classify(st, mysql_stmt_errno(s), "fetch",
		    mysql_stmt_error(s));
		return rc;
	}
	for (r = 0;; r++) {
		f = mysql_stmt_fetch(s);
		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			rc = classify(st, mysql_stmt_errno(s), "fetch",
			    mysql_stmt_error(s));
			return rc;
		}
		if (r == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			res->cell = xrealloc(res->cell,
			    cap * ncols * sizeof(*res->cell));
			res->len = xrealloc(res->len,
			    cap * ncols * sizeof(*res->len));
		}
		for (c = 0; c < ncols; c++) {
			cell = NULL;
			if (!isnull[c]) {
				cell = xmalloc(len[c] + 1);
				if (len[c] <= STORE_CELL_INIT)
					memcpy(cell, buf[c], len[c]);
				else {
					MYSQL_BIND	one;

					memset(&one, 0, sizeof(one));
					one.buffer_type = MYSQL_TYPE_STRING;
					one.buffer = cell;
					one.buffer_length = len[c];
					if (mysql_stmt_fetch_column(s, &one,
					    (unsigned int)c, 0) != 0) {
						free(cell);
						rc = classify(st,
						    mysql_stmt_errno(s),
						    "fetch column",
						    mysql_stmt_error(s));
						while (c-- > 0)
							free(res->cell[r *
							    ncols + c]);
						res->nrows = r;
						return rc;
					}
				}
				cell[len[c]] = '\0';
			}
			res->cell[r * ncols + c] = cell;
			res->len[r * ncols + c] = isnull[c] ? 0 : len[c];
		}
		res->nrows = r + 1;
	}
	return RC_OK;
}

int
store_exec(struct store *st, enum stmt_id id, const struct sparam *params,
    size_t n, struct sres *res, uint64_t *affected, uint64_t *insert_id)
{
	MYSQL_STMT	*s = NULL;
	MYSQL_BIND	 stack[STORE_PARAMS_MAX], *b = stack;
	int		 rc, in_tx = st->in_tx, tries = 0;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if (n > STORE_PARAMS_HEAP)
		fatalx("store: statement %d with %zu params", (int)id, n);
	if (n > STORE_PARAMS_MAX)
		b = xcalloc(n, sizeof(*b));
again:
	if ((rc = prepare(st, id, &s)) != RC_OK) {
		if (resend(st, rc, in_tx, &tries))
			goto again;
		if (b != stack)
			free(b);
		return rc;
	}
	if (mysql_stmt_param_count(s) != n)
		fatalx("store: statement %d takes %lu params, given %zu",
		    (int)id, mysql_stmt_param_count(s), n);
	bind_params(b, params, n);
	if ((n > 0 && mysql_stmt_bind_param(s, b) != 0) ||
	    mysql_stmt_execute(s) != 0) {
		rc = classify(st, mysql_stmt_errno(s), "execute",
		    mysql_stmt_error(s));
		/* The disconnect closed s: prepared again on the new one. */
		if (resend(st, rc, in_tx, &tries))
			goto again;
		goto out;
	}
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(s);
	if (insert_id != NULL)
		*insert_id = mysql_stmt_insert_id(s);
	if (res != NULL)
		rc = fetch_all(st, s, res);
	else
		rc = RC_OK;
out:
	/*
	 * The statement may have been closed by a disconnect above. Its
	 * result is buffered (fetch_all) and freed here, on the client:
	 * executing it again needs nothing more. No mysql_stmt_reset, which
	 * is one more round trip (COM_STMT_RESET) for what we never use:
	 * long data and cursors.
	 */
	if (st->stmt[id] == s && s != NULL)
		mysql_stmt_free_result(s);
	if (rc != RC_OK && res != NULL) {
		sres_free(res);
		memset(res, 0, sizeof(*res));
	}
	if (b != stack)
		free(b);
	return rc;
}

int
store_exec_sql(struct store *st, const char *q)
{
	MYSQL_STMT	*s;
	int		 rc;

	if ((rc = connect_db(st)) != RC_OK)
		return rc;
	if ((s = mysql_stmt_init(st->db)) == NULL)
		fatalx("mysql_stmt_init: out of memory");
	if (mysql_stmt_prepare(s, q, strlen(q)) != 0 ||
	    mysql_stmt_execute(s) != 0)
		rc = classify(st, mysql_stmt_errno(s), "migration",
		    mysql_stmt_error(s));
	mysql_stmt_close(s);
	return rc;
}

/*
 * Transactions use START TRANSACTION and COMMIT/ROLLBACK with autocommit
 * left on: one round trip each, where switching autocommit off and on
 * again cost two more per transaction.
 */
int
store_begin(struct store *st)
{
	static const char	q[] = "START TRANSACTION";
	int			rc, tries = 0;

again:
	if ((rc = connect_db(st)) != RC_OK)
		return rc;
	if (mysql_real_query(st->db, q, sizeof(q) - 1) != 0) {
		rc = classify(st, mysql_errno(st->db), "begin",
		    mysql_error(st->db));
		if (resend(st, rc, 0, &tries))
			goto again;
		return rc;
	}
	st->in_tx = 1;
	st->tx_failed = 0;
	return RC_OK;
}

int
store_commit(struct store *st)
{
	int	rc = RC_OK;

	if (st->db == NULL)
		return RC_AGAIN;
	/*
	 * After a certification failure a COMMIT may answer OK having
	 * committed nothing (Galera): never report that as a success.
	 */
	if (st->tx_failed) {
		store_rollback(st);
		st->last_errno = ER_LOCK_DEADLOCK;
		return RC_AGAIN;
	}
	if (mysql_commit(st->db) != 0)
		rc = classify(st, mysql_errno(st->db), "commit",
		    mysql_error(st->db));
	st->in_tx = 0;
	return rc;
}

void
store_rollback(struct store *st)
{
	if (st->db == NULL)
		return;
	if (mysql_rollback(st->db) != 0)
		(void)classify(st, mysql_errno(st->db), "rollback",
		    mysql_error(st->db));
	st->in_tx = 0;
	st->tx_failed = 0;
}

/* 1 if rc (of a transaction just ended) may be retried at once. */
static int
tx_retryable(const struct store *st, int rc)
{
	return rc == RC_AGAIN && st->db != NULL &&
	    (st->last_errno == ER_LOCK_DEADLOCK ||
	    st->last_errno == ER_LOCK_WAIT_TIMEOUT);
}

int
store_tx(struct store *st, int flags, store_tx_fn *body, void *arg)
{
	struct timespec	ts;
	unsigned char	rnd = 0;
	int		rc, tries;

	for (tries = 1;; tries++) {
		if (!(flags & STORE_TX_AUTOCOMMIT) &&
		    (rc = store_begin(st)) != RC_OK)
			return rc;
		rc = body(st, arg);
		if (!(flags & STORE_TX_AUTOCOMMIT)) {
			if (rc == RC_OK)
				rc = store_commit(st);
			else
				store_rollback(st);
		}
		/* Inside a caller's transaction: that one is gone. */
		if (!tx_retryable(st, rc) || tries >= STORE_TX_TRIES ||
		    st->in_tx)
			return rc;
		st->stats.tx_retries++;
		/* 1 to 5 ms, then up to 10, 20, 40: the other one commits. */
		(void)util_random(&rnd, 1);
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(1 + rnd % (5u << (tries - 1))) * 1000000L;
		nanosleep(&ts, NULL);
	}
}

int
store_sync_wait(struct store *st, int on)
{
	if (!st->galera)
		return RC_OK;
	return store_exec(st, on ? STMT_WSREP_SYNC_ON : STMT_WSREP_SYNC_OFF,
	    NULL, 0, NULL, NULL, NULL);
}

int
store_galera(const struct store *st)
{
	return st->galera;
}

void
store_stats(const struct store *st, struct store_stats *out)
{
	*out = st->stats;
}

void
sres_free(struct sres *res)
{
	size_t	i;

	if (res == NULL || res->cell == NULL)
		return;
	for (i = 0; i < res->nrows * res->ncols; i++)
		free(res->cell[i]);
	free(res->cell);
	free(res->len);
	res->cell = NULL;
	res->len = NULL;
	res->nrows = 0;
}

const char *
sres_get(const struct sres *res, size_t row, size_t col, size_t *len)
{
	if (row >= res->nrows || col >= res->ncols)
		return NULL;
	if (len != NULL)
		*len = res->len[row * res->ncols + col];
	return res->cell[row * res->ncols + col];
}

long long
sres_int(const struct sres *res, size_t row, size_t col)
{
	const char	*v = sres_get(res, row, col, NULL);

	return v == NULL ? 0 : strtoll(v, NULL, 10);
}

char *
sres_dup(const struct sres *res, size_t row, size_t col)
{
	const char	*v = sres_get(res, row, col, NULL);

	return v == NULL ? NULL : xstrdup(v);
}

void
sres_copy(const struct sres *res, size_t row, size_t col, char *buf,
    size_t size)
{
	const char	*v = sres_get(res, row, col, NULL);

	(void)snprintf(buf, size, "%s", v != NULL ? v : "");
}

long long
sres_ms(const struct sres *res, size_t row, size_t col)
{
	return sres_get(res, row, col, NULL) == NULL ? STORE_NO_MS :
	    sres_int(res, row, col);
}

long long
sres_dt_ms(const struct sres *res, size_t row, size_t col)
{
	const char	*v;
	size_t		 len;
	int64_t		 ms;

	if ((v = sres_get(res, row, col, &len)) == NULL ||
	    util_datetime_ms(v, len, &ms) != RC_OK)
		return STORE_NO_MS;
	return ms;
}

/* Columns of STMT_TMPL_VERSION_DEF. */
enum { TD_DEF };

int
store_def_text(struct store *st, long long tpk, long long version,
    char **out)
{
	struct store_def	*d, *old = &st->defs[0];
	struct sparam		 p[2];
	struct sres		 res;
	size_t			 i, len;
	int			 rc;

	*out = NULL;
	for (i = 0; i < STORE_DEFS; i++) {
		d = &st->defs[i];
		if (d->text != NULL && d->tpk == tpk && d->version == version) {
			d->used = ++st->defs_tick;
			*out = xstrdup(d->text);
			return RC_OK;
		}
		if (d->text == NULL || (old->text != NULL &&
		    d->used < old->used))
			old = d;
	}
	p[0] = SP_INT(tpk);
	p[1] = SP_INT(version);
	if ((rc = store_exec(st, STMT_TMPL_VERSION_DEF, p, 2, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 0 || sres_get(&res, 0, TD_DEF, &len) == NULL) {
		sres_free(&res);
		return RC_NOTFOUND;
	}
	*out = sres_dup(&res, 0, TD_DEF);
	sres_free(&res);
	if (len <= STORE_DEF_MAX) {
		free(old->text);
		old->tpk = tpk;
		old->version = version;
		old->text = xstrdup(*out);
		old->used = ++st->defs_tick;
	}
	return RC_OK;
}

struct json_object *
sres_json(const struct sres *res, size_t row, size_t col)
{
	const char	*v = sres_get(res, row, col, NULL);

	return v == NULL ? NULL : json_tokener_parse(v);
}
