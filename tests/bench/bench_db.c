/*
 * Database-side measurements of `make bench`, over the stack's MariaDB
 * unix socket (unix_socket authentication as the user running the
 * bench, like deploy/local/stack.sh does for migrations):
 *
 *	bench_db -S SOCKET [-u USER] [-d DB] claim-sql
 *		Print the supervisor's claim statement (STMT_SUP_CLAIM_SELECT,
 *		taken from the linked src/store/store_sql.c, so the bench
 *		always measures the statement the supervisor runs).
 *	bench_db -S SOCKET ... claim ITERATIONS LIMIT BUDGET_S
 *		Time that statement up to ITERATIONS times (at least 2, then
 *		only while BUDGET_S seconds last), each in its own READ
 *		COMMITTED transaction rolled back at once (the supervisor's
 *		claim_tx without the UPDATEs), as a prepared statement with
 *		LIMIT bound, over a utf8mb4 connection: exactly as the
 *		supervisor runs it. Prints "p50_ms p99_ms mean_ms rows
 *		samples handler_reads sort_rows": rows is what one SELECT
 *		returned, handler_reads and sort_rows what one execution
 *		made the server read and sort (session status deltas, which
 *		include a constant few reads of SHOW STATUS itself).
 *	bench_db -S SOCKET ... drain COUNT TIMEOUT_S NUDGE_SOCKET PID
 *		The COUNT pending executions were queued while the
 *		supervisor PID was stopped (SIGSTOP): send it SIGCONT and a
 *		nudge, and wait (at most TIMEOUT_S) until no execution is
 *		pending or running. Prints "ended completed seconds_db
 *		seconds_polled left": executions that ended since, those
 *		of them completed, seconds from SIGCONT to the last
 *		completed_at (database clock, millisecond resolution), the
 *		same to the poll that saw the queue empty (50 ms polls),
 *		and what was still pending or running at the end; then the
 *		server-wide deltas over the drain of Questions (statements
 *		of any kind: round trips), Com_stmt_execute, Com_commit,
 *		Com_set_option (autocommit switches), Innodb_data_fsyncs
 *		and Handler_read_next (index entries read), the first and
 *		last without what this program's own polls did.
 *
 *	bench_db -S SOCKET ... get EXEC_ID MARIADBD_PID BLOCKS N
 *		The GET of execution EXEC_ID's reads, as the store runs them
 *		(statement texts from the linked store_sql.c, prepared once,
 *		every row transferred): "three" (STMT_EXEC_GET, then
 *		STMT_EXEC_STEPS and STMT_SIG_OF_EXEC by its pk), "doc"
 *		(STMT_EXEC_GET_DOC alone: a GET without a completed wait
 *		step) and "doc_sig" (STMT_EXEC_GET_DOC and STMT_SIG_OF_EXEC:
 *		one with), N times each in turn, BLOCKS times over, so that
 *		the others' load on a shared machine falls on each alike.
 *		Prints per variant "name us_server_per_get us_wall_per_get
 *		rows_per_get": the server's CPU is the sum of MARIADBD_PID's
 *		threads' run time (/proc/PID/task/TID/schedstat, ns) over
 *		its blocks.
 *
 * Exit 0 on success, 1 on a database error or a drain that timed out
 * (the figures are printed anyway), 2 on bad usage. Built by
 * tests/bench/run.sh against $(BUILD)/libwfm.a for the statement text.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <mysql.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

#define WARMUP		20
#define POLL_MS		50

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench_db -S socket [-u user] [-d db] "
	    "claim-sql | claim ITER LIMIT BUDGET_S | "
	    "drain COUNT TIMEOUT_S NUDGE_SOCKET PID | "
	    "get EXEC_ID MARIADBD_PID BLOCKS N\n");
	exit(2);
}

static int
fail(MYSQL *db, const char *what)
{
	fprintf(stderr, "bench_db: %s: %s\n", what, mysql_error(db));
	return 1;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double
pct(const double *v, int n, double p)
{
	int	i = (int)(p / 100.0 * n + 0.999999) - 1;

	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return v[i];
}

/* Sum of the session status counters named like pattern. */
static long long
status_sum(MYSQL *db, const char *pattern)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 q[128];
	long long	 n = 0;

	snprintf(q, sizeof(q), "SHOW SESSION STATUS LIKE '%s'", pattern);
	if (mysql_query(db, q) != 0 || (res = mysql_store_result(db)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		if (row[1] != NULL)
			n += strtoll(row[1], NULL, 10);
	mysql_free_result(res);
	return n;
}

/* Server-wide counters that say what a drained execution cost. */
static const char *const gnames[] = {
	"Questions", "Com_stmt_execute", "Com_commit", "Com_set_option",
	"Innodb_data_fsyncs", "Handler_read_next"
};
#define NGLOBAL	(sizeof(gnames) / sizeof(gnames[0]))

static int
global_counters(MYSQL *db, long long *v)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	size_t		 i;

	memset(v, 0, NGLOBAL * sizeof(*v));
	if (mysql_query(db, "SHOW GLOBAL STATUS WHERE Variable_name IN "
	    "('Questions', 'Com_stmt_execute', 'Com_commit', "
	    "'Com_set_option', 'Innodb_data_fsyncs', 'Handler_read_next')")
	    != 0 ||
	    (res = mysql_store_result(db)) == NULL)
		return fail(db, "global status");
	while ((row = mysql_fetch_row(res)) != NULL)
		for (i = 0; i < NGLOBAL; i++)
			if (row[0] != NULL && row[1] != NULL &&
			    strcasecmp(row[0], gnames[i]) == 0)
				v[i] = strtoll(row[1], NULL, 10);
	mysql_free_result(res);
	return 0;
}

/* Execute the prepared claim once, fetch, roll back; -1 on error. */
static double
claim_once(MYSQL *db, MYSQL_STMT *st, long long *rows)
{
	double	t0 = now_ms(), t;

	if (mysql_stmt_execute(st) != 0 || mysql_stmt_store_result(st) != 0) {
		fprintf(stderr, "bench_db: claim: %s\n", mysql_stmt_error(st));
		return -1;
	}
	t = now_ms() - t0;
	*rows = (long long)mysql_stmt_num_rows(st);
	mysql_stmt_free_result(st);
	if (mysql_rollback(db) != 0) {
		fail(db, "rollback");
		return -1;
	}
	return t;
}

/*
 * Up to iter timed executions (after WARMUP untimed ones when a claim is
 * fast), stopping early (after at least 2) once budget_s seconds have
 * gone: a claim that sorts every pending row takes seconds with a
 * million of them.
 */
static int
cmd_claim(MYSQL *db, int iter, long long limit, double budget_s)
{
	MYSQL_STMT	*st = NULL;
	MYSQL_BIND	 b;
	const char	*q = store_sql_text(STMT_SUP_CLAIM_SELECT);
	double		*t = NULL, sum = 0, end, d;
	long long	 rows = 0, rd0, rd1, so0, so1;
	int		 i, n = 0, rc = 1;

	if (iter < 1)
		usage();
	if (mysql_query(db, "SET SESSION TRANSACTION ISOLATION LEVEL "
	    "READ COMMITTED") != 0 || mysql_autocommit(db, 0) != 0)
		return fail(db, "session");
	if ((st = mysql_stmt_init(db)) == NULL ||
	    mysql_stmt_prepare(st, q, strlen(q)) != 0) {
		fprintf(stderr, "bench_db: prepare: %s\n",
		    st ? mysql_stmt_error(st) : "out of memory");
		goto out;
	}
	memset(&b, 0, sizeof(b));
	b.buffer_type = MYSQL_TYPE_LONGLONG;
	b.buffer = &limit;
	if (mysql_stmt_bind_param(st, &b) != 0) {
		fprintf(stderr, "bench_db: bind: %s\n", mysql_stmt_error(st));
		goto out;
	}
	if ((t = calloc((size_t)iter, sizeof(*t))) == NULL)
		goto out;
	end = now_ms() + budget_s * 1e3;
	/* The first one also counts the rows the engine read and sorted. */
	rd0 = status_sum(db, "Handler_read%");
	so0 = status_sum(db, "Sort_rows");
	if ((d = claim_once(db, st, &rows)) < 0)
		goto out;
	rd1 = status_sum(db, "Handler_read%");
	so1 = status_sum(db, "Sort_rows");
	t[n++] = d;
	sum += d;
	/* Warm up only when it is cheap; a slow claim needs no warming. */
	for (i = 0; i < WARMUP && d < 50; i++)
		if (claim_once(db, st, &rows) < 0)
			goto out;
	if (i > 0) {
		n = 0;		/* the cold one is not a sample */
		sum = 0;
	}
	while (n < iter && (n < 2 || now_ms() < end)) {
		if ((d = claim_once(db, st, &rows)) < 0)
			goto out;
		t[n++] = d;
		sum += d;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%.3f %.3f %.3f %lld %d %lld %lld\n", pct(t, n, 50),
	    pct(t, n, 99), sum / n, rows, n, rd1 - rd0, so1 - so0);
	rc = 0;
out:
	if (st != NULL)
		mysql_stmt_close(st);
	free(t);
	return rc;
}

/* The first column of the first row of q, as a string into buf. */
static int
scalar(MYSQL *db, const char *q, char *buf, size_t len)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;

	if (mysql_query(db, q) != 0 || (res = mysql_store_result(db)) == NULL)
		return fail(db, q);
	row = mysql_fetch_row(res);
	snprintf(buf, len, "%s", row != NULL && row[0] != NULL ? row[0] : "");
	mysql_free_result(res);
	return 0;
}

static void
nudge(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	/* A full buffer (EAGAIN) already holds nudges: nothing to say. */
	if (sendto(fd, "n", 1, MSG_DONTWAIT, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1 && errno != EAGAIN)
		fprintf(stderr, "bench_db: nudge %s: %s (the poll will "
		    "claim)\n", path, strerror(errno));
	close(fd);
}

/*
 * The queue is every pending execution; the supervisor (pid) was stopped
 * with SIGSTOP while it filled. Resume it, nudge it and poll until no
 * execution is pending or running.
 */
static int
cmd_drain(MYSQL *db, long count, int timeout_s, const char *nudge_path,
    pid_t pid)
{
	struct timespec	 ts = { 0, POLL_MS * 1000000L };
	char		 q[512], t0db[64], buf[64];
	double		 t0, polled = -1, deadline;
	long long	 g0[NGLOBAL], g1[NGLOBAL], q0, q1, r0, r1;
	long		 left = count;
	size_t		 i;

	if (mysql_query(db, "SET time_zone = '+00:00'") != 0)
		return fail(db, "time_zone");
	q0 = status_sum(db, "Questions");
	r0 = status_sum(db, "Handler_read_next");
	if (global_counters(db, g0) != 0 ||
	    scalar(db, "SELECT UTC_TIMESTAMP(3)", t0db, sizeof(t0db)) != 0)
		return 1;
	t0 = now_ms();
	if (kill(pid, SIGCONT) == -1) {
		fprintf(stderr, "bench_db: SIGCONT %ld: %s\n", (long)pid,
		    strerror(errno));
		return 1;
	}
	nudge(nudge_path);
	deadline = t0 + timeout_s * 1e3;
	for (;;) {
		if (scalar(db, "SELECT COUNT(*) FROM executions WHERE status "
		    "IN ('pending', 'running')", buf, sizeof(buf)) != 0)
			return 1;
		left = strtol(buf, NULL, 10);
		if (left == 0) {
			polled = (now_ms() - t0) / 1e3;
			break;
		}
		if (now_ms() >= deadline) {
			polled = (now_ms() - t0) / 1e3;
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (global_counters(db, g1) != 0)
		return 1;
	/* Our own polls are queries that read index entries too. */
	r1 = status_sum(db, "Handler_read_next");
	q1 = status_sum(db, "Questions");
	g1[0] -= q1 - q0;
	g1[NGLOBAL - 1] -= r1 - r0;
	/* Ended since t0: completed ones, and when the last one ended. */
	snprintf(q, sizeof(q), "SELECT CONCAT(COUNT(*), ' ', "
	    "COALESCE(SUM(status = 'completed'), 0), ' ', "
	    "COALESCE(TIMESTAMPDIFF(MICROSECOND, '%s', MAX(completed_at)) / "
	    "1e6, 0)) FROM executions WHERE completed_at >= '%s'", t0db, t0db);
	if (scalar(db, q, buf, sizeof(buf)) != 0)
		return 1;
	printf("%s %.3f %ld", buf, polled, left);
	for (i = 0; i < NGLOBAL; i++)
		printf(" %lld", g1[i] - g0[i]);
	printf("\n");
	return left == 0 ? 0 : 1;
}

/* Run time of every thread of pid in ns (schedstat), -1 on error. */
static long long
proc_cpu_ns(pid_t pid)
{
	DIR		*d;
	struct dirent	*de;
	FILE		*f;
	char		 path[320];
	long long	 t, sum = 0;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/schedstat",
		    (long)pid, de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;	/* a thread that just ended */
		if (fscanf(f, "%lld", &t) == 1)
			sum += t;
		fclose(f);
	}
	closedir(d);
	return sum;
}

/* One read of the GET's: statement st with one parameter; rows added. */
static int
get_run(MYSQL_STMT *st, MYSQL_BIND *b, long long *rows)
{
	if (mysql_stmt_bind_param(st, b) != 0 ||
	    mysql_stmt_execute(st) != 0 || mysql_stmt_store_result(st) != 0)
		return -1;
	*rows += (long long)mysql_stmt_num_rows(st);
	mysql_stmt_free_result(st);
	return 0;
}

enum { GV_THREE, GV_DOC, GV_DOC_SIG, GV_COUNT };

static int
cmd_get(MYSQL *db, const char *eid, pid_t pid, int blocks, int n)
{
	static const char *const names[GV_COUNT] = { "three", "doc", "doc_sig" };
	static const enum stmt_id ids[] = { STMT_EXEC_GET, STMT_EXEC_STEPS,
	    STMT_SIG_OF_EXEC, STMT_EXEC_GET_DOC };
	MYSQL_STMT	*st[4];
	MYSQL_BIND	 bs, bi;
	unsigned long	 len = strlen(eid);
	long long	 pk, cpu[GV_COUNT] = { 0 }, rows[GV_COUNT] = { 0 };
	long long	 c0;
	double		 wall[GV_COUNT] = { 0 }, t0;
	char		 q[160], buf[32];
	int		 b, i, k, v, rc = 0;

	snprintf(q, sizeof(q), "SELECT id FROM executions WHERE "
	    "execution_id = '%.36s'", eid);
	if (scalar(db, q, buf, sizeof(buf)) != 0)
		return fail(db, "no such execution");
	pk = strtoll(buf, NULL, 10);
	memset(&bs, 0, sizeof(bs));
	bs.buffer_type = MYSQL_TYPE_STRING;
	bs.buffer = (void *)(uintptr_t)eid;
	bs.buffer_length = len;
	bs.length = &len;
	memset(&bi, 0, sizeof(bi));
	bi.buffer_type = MYSQL_TYPE_LONGLONG;
	bi.buffer = &pk;
	for (k = 0; k < 4; k++)
		if ((st[k] = mysql_stmt_init(db)) == NULL ||
		    mysql_stmt_prepare(st[k], store_sql_text(ids[k]),
		    strlen(store_sql_text(ids[k]))) != 0)
			return fail(db, "prepare");
	for (b = 0; b < blocks && rc == 0; b++)
		for (v = 0; v < GV_COUNT && rc == 0; v++) {
			t0 = now_ms();
			c0 = proc_cpu_ns(pid);
			for (i = 0; i < n && rc == 0; i++)
				if (v == GV_THREE)
					rc = get_run(st[0], &bs, &rows[v]) ||
					    get_run(st[1], &bi, &rows[v]) ||
					    get_run(st[2], &bi, &rows[v]);
				else
					rc = get_run(st[3], &bs, &rows[v]) ||
					    (v == GV_DOC_SIG &&
					    get_run(st[2], &bi, &rows[v]));
			cpu[v] += proc_cpu_ns(pid) - c0;
			wall[v] += now_ms() - t0;
		}
	for (k = 0; k < 4; k++)
		mysql_stmt_close(st[k]);
	if (rc != 0)
		return fail(db, "get");
	for (v = 0; v < GV_COUNT; v++)
		printf("%s %.1f %.1f %.2f\n", names[v],
		    (double)cpu[v] / 1e3 / ((double)blocks * n),
		    wall[v] * 1e3 / ((double)blocks * n),
		    (double)rows[v] / ((double)blocks * n));
	return 0;
}

int
main(int argc, char *argv[])
{
	MYSQL		*db;
	struct passwd	*pw;
	const char	*sock = NULL, *user = NULL, *name = "wfm";
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "S:u:d:")) != -1) {
		switch (ch) {
		case 'S':
			sock = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'd':
			name = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "claim-sql") == 0) {
		puts(store_sql_text(STMT_SUP_CLAIM_SELECT));
		return 0;
	}
	if (sock == NULL)
		usage();
	if (user == NULL) {
		/* unix_socket authentication: the name of who runs us. */
		if ((pw = getpwuid(geteuid())) == NULL) {
			fprintf(stderr, "bench_db: who am I?\n");
			return 1;
		}
		user = pw->pw_name;
	}
	if ((db = mysql_init(NULL)) == NULL)
		return 1;
	mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(db, NULL, user, NULL, name, 0, sock,
	    CLIENT_FOUND_ROWS) == NULL) {
		rc = fail(db, "connect");
		mysql_close(db);
		return rc;
	}
	if (strcmp(argv[0], "claim") == 0 && argc == 4)
		rc = cmd_claim(db, atoi(argv[1]), atoll(argv[2]),
		    atof(argv[3]));
	else if (strcmp(argv[0], "drain") == 0 && argc == 5)
		rc = cmd_drain(db, atol(argv[1]), atoi(argv[2]), argv[3],
		    (pid_t)atol(argv[4]));
	else if (strcmp(argv[0], "get") == 0 && argc == 5)
		rc = cmd_get(db, argv[1], (pid_t)atol(argv[2]), atoi(argv[3]),
		    atoi(argv[4]));
	else
		usage();
	mysql_close(db);
	return rc;
}
