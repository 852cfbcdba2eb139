/*
 * The by-hand measurement of docs/bench.md (2026-12-06): MariaDB CPU per
 * execute insert, the product's exact statements, from many connections.
 *
 *	insert_probe SOCKET PID MODE THREADS N USERS TEMPLATE_ID TAG
 *
 * THREADS connections (the store's session: utf8mb4, READ COMMITTED,
 * autocommit, prepared statements as the
 * store runs them) each run N times: MODE "insert" STMT_EXEC_INSERT_CHECKED
 * alone; "parked" STMT_EXEC_PARKED_COUNT then the insert (the two
 * statements of an execute); "offset" the parked test as a LIMIT 1
 * OFFSET ? read, "ping" a constant SELECT, each before the insert;
 * "folded" one insert whose template subquery
 * also holds the parked count (a candidate, its text below); "multiK"
 * (K of 2 to 32) one INSERT of K such rows, as the group insert sends
 * them (N a multiple of K). USERS is 1
 * (every row user "demo") or more (user "pu<k>"). The quota slot and the
 * name are unique per row (TAG keeps runs apart). Prints "MODE inserts
 * seconds inserts_per_s us_cpu_per_insert" with the CPU (user + system)
 * of the mariadbd PID from /proc over the run, and the deadlocks retried.
 * Not part of make bench.
 */
#include <mysql.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

static const char *sock, *mode, *tmpl, *tag;
static int nper, users;
static long long slot_base, deadlocks;	/* quota slots unique across runs */

static const char folded_sql[] =
    "INSERT INTO executions (execution_id, user_id, execution_name, "
    "template_pk, template_id, template_version, input, input_hash, "
    "status, run_after, request_id, client_addr, created_at, "
    "admin_access, notify, quota_slot, schedule_pk, "
    "parent_execution_id, parent_step_id, root_execution_id, depth) "
    "VALUES (?, ?, ?, (SELECT t.id FROM templates t WHERE "
    "t.template_id = ? AND (t.version = ? OR (? = 1 AND "
    "t.version > ?)) AND t.deleted_at IS NULL AND (SELECT COUNT(*) FROM "
    "(SELECT 1 FROM executions FORCE INDEX (ix_exec_user) WHERE "
    "user_id = ? AND status IN ('waiting', 'paused') LIMIT 8) u) < 8), "
    "?, ?, ?, ?, 'pending', UTC_TIMESTAMP(6), ?, ?, "
    "FROM_UNIXTIME(? / 1000), ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?)";

/* Candidates: a per-user parked counter, or none parked at all. */
static const char side_sql[] =
    "INSERT INTO executions (execution_id, user_id, execution_name, "
    "template_pk, template_id, template_version, input, input_hash, "
    "status, run_after, request_id, client_addr, created_at, "
    "admin_access, notify, quota_slot, schedule_pk, "
    "parent_execution_id, parent_step_id, root_execution_id, depth) "
    "VALUES (?, ?, ?, (SELECT t.id FROM templates t WHERE "
    "t.template_id = ? AND (t.version = ? OR (? = 1 AND "
    "t.version > ?)) AND t.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
    "user_parked p WHERE p.user_id = ? AND p.n >= 9001)), "
    "?, ?, ?, ?, 'pending', UTC_TIMESTAMP(6), ?, ?, "
    "FROM_UNIXTIME(? / 1000), ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?)";

static const char exists_sql[] =
    "INSERT INTO executions (execution_id, user_id, execution_name, "
    "template_pk, template_id, template_version, input, input_hash, "
    "status, run_after, request_id, client_addr, created_at, "
    "admin_access, notify, quota_slot, schedule_pk, "
    "parent_execution_id, parent_step_id, root_execution_id, depth) "
    "VALUES (?, ?, ?, (SELECT t.id FROM templates t WHERE "
    "t.template_id = ? AND (t.version = ? OR (? = 1 AND "
    "t.version > ?)) AND t.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
    "executions x FORCE INDEX (ix_exec_user) WHERE x.user_id = ? AND "
    "x.status IN ('waiting', 'paused'))), "
    "?, ?, ?, ?, 'pending', UTC_TIMESTAMP(6), ?, ?, "
    "FROM_UNIXTIME(? / 1000), ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?)";

/* The parked test without a derived table: a row iff count >= ?+1. */
static const char offset_sql[] =
    "SELECT 1 FROM executions FORCE INDEX (ix_exec_user) WHERE "
    "user_id = ? AND status IN ('waiting', 'paused') LIMIT 1 OFFSET ?";

/* A round trip alone, with the same parameters. */
static const char ping_sql[] = "SELECT LENGTH(?) + ?";

/*
 * Mode "multiK" (K of 2..32): one INSERT of K rows, each row the
 * product's VALUES tuple (candidate: the inserts of several workers in
 * one statement). Built from STMT_EXEC_INSERT_CHECKED's text.
 */
static char *
multi_sql(int k)
{
	const char	*one = store_sql_text(STMT_EXEC_INSERT_CHECKED);
	const char	*v = strstr(one, "VALUES (");
	size_t		 head = (size_t)(v - one) + 7, tup = strlen(v + 7);
	char		*s = malloc(head + (size_t)k * (tup + 2) + 1), *p = s;
	int		 i;

	memcpy(p, one, head), p += head;
	for (i = 0; i < k; i++) {
		if (i > 0)
			*p++ = ',';
		memcpy(p, v + 7, tup), p += tup;
	}
	*p = '\0';
	return s;
}

static long long
cpu_ticks(long pid)
{
	char	path[64], buf[4096], *p;
	FILE	*f;
	long long ut = 0, st = 0;
	size_t	n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	/* After ")": state is field 3; utime 14, stime 15. */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%lld %lld", &ut, &st) != 2)
		return -1;
	return ut + st;
}

struct bstr {
	char		v[80];
	unsigned long	len;
};

static void
setb(MYSQL_BIND *b, struct bstr *s, const char *v)
{
	memset(b, 0, sizeof(*b));
	if (v == NULL) {
		b->buffer_type = MYSQL_TYPE_NULL;
		return;
	}
	snprintf(s->v, sizeof(s->v), "%s", v);
	s->len = strlen(s->v);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = s->v;
	b->buffer_length = s->len;
	b->length = &s->len;
}

static void
seti(MYSQL_BIND *b, long long *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

static void *
worker(void *arg)
{
	long		 t = (long)arg;
	MYSQL		*db = mysql_init(NULL);
	MYSQL_STMT	*ins, *cnt = NULL;
	MYSQL_BIND	 b[26 * 32], c[2];
	struct bstr	 s[26 * 32];
	long long	 iv[26 * 32];
	int		 rows = strncmp(mode, "multi", 5) == 0 ? atoi(mode + 5) : 1;
	int		 r;
	unsigned int	 seed = (unsigned int)(t * 7919 + time(NULL) +
			     getpid() * 104729);
	char		 id[40], user[32], name[64];
	int		 i, folded = rows == 1 && strcmp(mode, "insert") != 0 &&
			     strcmp(mode, "parked") != 0 &&
			     strcmp(mode, "offset") != 0 &&
			     strcmp(mode, "ping") != 0;
	const char	*sql = rows > 1 ? multi_sql(rows) :
			     !folded ? store_sql_text(STMT_EXEC_INSERT_CHECKED) :
			     strcmp(mode, "side") == 0 ? side_sql :
			     strcmp(mode, "exists") == 0 ? exists_sql : folded_sql;

	/* The session of src/store/store.c. */
	mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	mysql_options(db, MYSQL_INIT_COMMAND,
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	if (mysql_real_connect(db, NULL, NULL, NULL, "wfm", 0, sock,
	    CLIENT_FOUND_ROWS) == NULL) {
		fprintf(stderr, "connect: %s\n", mysql_error(db));
		exit(1);
	}
	ins = mysql_stmt_init(db);
	if (mysql_stmt_prepare(ins, sql, strlen(sql)) != 0) {
		fprintf(stderr, "prepare: %s\n", mysql_stmt_error(ins));
		exit(1);
	}
	if (strcmp(mode, "parked") == 0 || strcmp(mode, "offset") == 0 ||
	    strcmp(mode, "ping") == 0) {
		sql = mode[0] == 'p' && mode[1] == 'a' ?
		    store_sql_text(STMT_EXEC_PARKED_COUNT) :
		    mode[0] == 'o' ? offset_sql : ping_sql;
		cnt = mysql_stmt_init(db);
		if (mysql_stmt_prepare(cnt, sql, strlen(sql)) != 0) {
			fprintf(stderr, "prepare: %s\n", mysql_stmt_error(cnt));
			exit(1);
		}
	}
	for (i = 0; i < nper; i += rows) {
		long long	 slot, n = 0;
		int		 k = 0, j;

		for (r = 0; r < rows; r++) {
		slot = slot_base + t * 100000LL + i + r;
		/* Random in front (index order), unique at the end. */
		snprintf(id, sizeof(id), "%08x-%04x-4%03x-8%03x-%012llx",
		    rand_r(&seed), rand_r(&seed) & 0xffff,
		    rand_r(&seed) & 0xfff, rand_r(&seed) & 0xfff,
		    ((long long)getpid() << 23 | t << 17 | (i + r)) &
		    0xffffffffffffLL);
		if (users <= 1)
			snprintf(user, sizeof(user), "demo");
		else
			snprintf(user, sizeof(user), "pu%d",
			    rand_r(&seed) % users);
		snprintf(name, sizeof(name), "%s-%d-%ld-%d", tag, (int)getpid(),
		    t, i + r);
		if (cnt != NULL) {
			long long lim = mode[0] == 'o' ? 7 : 8;
			MYSQL_BIND r;

			setb(&c[0], &s[0], user);
			seti(&c[1], &lim);
			mysql_stmt_bind_param(cnt, c);
			memset(&r, 0, sizeof(r));
			r.buffer_type = MYSQL_TYPE_LONGLONG;
			r.buffer = &n;
			if (mysql_stmt_execute(cnt) != 0 ||
			    mysql_stmt_bind_result(cnt, &r) != 0 ||
			    mysql_stmt_store_result(cnt) != 0) {
				fprintf(stderr, "count: %s\n",
				    mysql_stmt_error(cnt));
				exit(1);
			}
			while (mysql_stmt_fetch(cnt) == 0)
				;
			mysql_stmt_free_result(cnt);
		}
		setb(&b[k], &s[k], id), k++;
		setb(&b[k], &s[k], user), k++;
		setb(&b[k], &s[k], name), k++;
		setb(&b[k], &s[k], tmpl), k++;
		iv[k] = 1, seti(&b[k], &iv[k]), k++;
		iv[k] = 0, seti(&b[k], &iv[k]), k++;
		iv[k] = 1, seti(&b[k], &iv[k]), k++;
		if (folded)
			setb(&b[k], &s[k], user), k++;
		else {
			/* The product's guard (sql/022): user, room. */
			setb(&b[k], &s[k], user), k++;
			iv[k] = 9001, seti(&b[k], &iv[k]), k++;
		}
		setb(&b[k], &s[k], tmpl), k++;
		iv[k] = 1, seti(&b[k], &iv[k]), k++;
		setb(&b[k], &s[k], "{\"n\": 1}"), k++;
		setb(&b[k], &s[k], "0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef"), k++;
		setb(&b[k], &s[k], "req-probe"), k++;
		setb(&b[k], &s[k], "127.0.0.1"), k++;
		iv[k] = (long long)time(NULL) * 1000, seti(&b[k], &iv[k]), k++;
		iv[k] = 0, seti(&b[k], &iv[k]), k++;
		setb(&b[k], &s[k], NULL), k++;
		iv[k] = slot, seti(&b[k], &iv[k]), k++;
		iv[k] = 0, seti(&b[k], &iv[k]), k++;
		for (j = 0; j < 3; j++)
			setb(&b[k], &s[k], NULL), k++;
		iv[k] = 0, seti(&b[k], &iv[k]), k++;
		}
		if (mysql_stmt_bind_param(ins, b) != 0) {
			fprintf(stderr, "bind: %s\n", mysql_stmt_error(ins));
			exit(1);
		}
		while (mysql_stmt_execute(ins) != 0 &&
		    mysql_stmt_errno(ins) == 1213)
			__atomic_add_fetch(&deadlocks, 1, __ATOMIC_RELAXED);
		if (mysql_stmt_affected_rows(ins) != (my_ulonglong)rows) {
			fprintf(stderr, "insert: %s\n", mysql_stmt_error(ins));
			exit(1);
		}
	}
	mysql_stmt_close(ins);
	if (cnt != NULL)
		mysql_stmt_close(cnt);
	mysql_close(db);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t	 th[64];
	struct timespec	 a, z;
	long		 pid, nth, t;
	long long	 c0, c1;
	double		 sec, tck = (double)sysconf(_SC_CLK_TCK);

	if (argc != 9) {
		fprintf(stderr, "usage: insert_probe SOCKET PID MODE THREADS "
		    "N USERS TEMPLATE_ID TAG\n");
		return 2;
	}
	sock = argv[1];
	pid = atol(argv[2]);
	mode = argv[3];
	nth = atol(argv[4]);
	nper = atoi(argv[5]);
	users = atoi(argv[6]);
	tmpl = argv[7];
	tag = argv[8];
	{
		MYSQL		*db = mysql_init(NULL);
		MYSQL_RES	*res;
		MYSQL_ROW	 row;

		if (mysql_real_connect(db, NULL, NULL, NULL, "wfm", 0, sock,
		    0) == NULL || mysql_query(db, "SELECT COALESCE(MAX("
		    "quota_slot), 0) + 1 FROM executions") != 0 ||
		    (res = mysql_store_result(db)) == NULL ||
		    (row = mysql_fetch_row(res)) == NULL) {
			fprintf(stderr, "slot base: %s\n", mysql_error(db));
			return 1;
		}
		slot_base = atoll(row[0]);
		mysql_free_result(res);
		mysql_close(db);
	}
	if (nth < 1 || nth > 64 || nper < 1 || nper > 100000)
		return 2;
	mysql_library_init(0, NULL, NULL);
	c0 = cpu_ticks(pid);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (t = 0; t < nth; t++)
		pthread_create(&th[t], NULL, worker, (void *)t);
	for (t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
	clock_gettime(CLOCK_MONOTONIC, &z);
	c1 = cpu_ticks(pid);
	sec = (double)(z.tv_sec - a.tv_sec) + (z.tv_nsec - a.tv_nsec) / 1e9;
	printf("%s %ld %.2f %.0f %.0f deadlocks %lld\n", mode, nth * nper,
	    sec, nth * nper / sec, (double)(c1 - c0) / tck * 1e6 /
	    (nth * nper), deadlocks);
	return 0;
}
