/*
 * The group insert (src/http/http_group.c): the writer process inserts
 * the new executions of several workers in one statement and answers
 * each after the commit; whatever goes wrong, a worker inserts alone.
 * Through the API (a stopped writer collects requests, then takes them
 * in one statement) and through the store (store_exec_insert_many, row
 * by row outcomes).
 */
#include <sys/types.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "config.h"
#include "e2e.h"
#include "store.h"
#include "store_exec.h"
#include "test_e2e_exec_util.h"
#include "test_e2e_fault.h"

#define STEPS	"\"steps\":[{\"id\":\"a\",\"type\":\"transform\"," \
		"\"output\":{\"v\":1}}]"
/*
 * Rows that keep their quota slot while a test looks at the slots: the
 * supervisor runs them, and a finished row gives its slot back.
 */
#define SLOW	"\"steps\":[{\"id\":\"w\",\"type\":\"delay\"," \
		"\"seconds\":60}]"
#define RACERS	5	/* run.sh starts 6 workers */

/* The pid of the stack's group writer, or -1. */
static pid_t
writer_pid(void)
{
	pid_t	pid, master = flt_master();

	if (master < 1 || flt_children(master, "wfm-group", &pid, 1) != 1)
		return -1;
	return pid;
}

/* A writer up (at most 10 s for its restart); its pid or -1. */
static pid_t
writer_wait(pid_t not)
{
	double	end = x_now() + 10;
	pid_t	pid;

	while ((pid = writer_pid()) == -1 || pid == not) {
		if (x_now() > end)
			return -1;
		x_sleep_ms(100);
	}
	return pid;
}

/*
 * 1 once pid has died (gone, or a zombie its master has not reaped yet),
 * within 5 s: kill(2) returns before a SIGKILL has taken effect.
 */
static int
dead(pid_t pid)
{
	double	 end = x_now() + 5;
	char	 path[64], buf[512], *p;
	size_t	 n;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	do {
		if ((f = fopen(path, "r")) == NULL)
			return 1;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		if ((p = strrchr(buf, ')')) != NULL && p[1] == ' ' &&
		    p[2] == 'Z')
			return 1;
		x_sleep_ms(10);
	} while (x_now() < end);
	return 0;
}

#define M_GROUPS	"wfm_group_insert_groups_total"
#define M_IN		"wfm_group_insert_rows_total{result=\"inserted\"}"
#define M_BACK		"wfm_group_insert_rows_total{result=\"returned\"}"
#define M_LATE		"wfm_group_insert_rows_total{result=\"late\"}"

struct racer {
	pthread_barrier_t	*go;
	char			 body[512];
	long			 status;
	char			 id[64];
};

static void *
race(void *arg)
{
	struct racer	*rc = arg;
	struct resp	 r;
	const char	*v;

	pthread_barrier_wait(rc->go);
	if (x_exec(x_tok("group"), NULL, rc->body, NULL, &r) != 0)
		return NULL;
	rc->status = r.status;
	if ((v = resp_str(&r, "execution_id")) != NULL)
		snprintf(rc->id, sizeof(rc->id), "%s", v);
	resp_free(&r);
	return NULL;
}

/*
 * RACERS executes sent while the writer is stopped: they wait in its
 * socket, and it takes them in one statement when it goes on. name: one
 * execution_name for all, or NULL for a name each.
 */
static int
race_stopped_writer(struct racer *rc, const char *tid, const char *name)
{
	pthread_t		th[RACERS];
	pthread_barrier_t	go;
	pid_t			w;
	int			i, started = 0;

	if ((w = writer_wait(-1)) == -1)
		return -1;
	memset(rc, 0, sizeof(*rc) * RACERS);
	pthread_barrier_init(&go, NULL, RACERS);
	for (i = 0; i < RACERS; i++) {
		rc[i].go = &go;
		snprintf(rc[i].body, sizeof(rc[i].body), "{\"template_id\":"
		    "\"%s\",\"execution_name\":\"%s\",\"input_data\":{}}", tid,
		    name != NULL ? name : e2e_unique("grp"));
	}
	if (kill(w, SIGSTOP) != 0)
		return -1;
	for (i = 0; i < RACERS; i++) {
		if (pthread_create(&th[i], NULL, race, &rc[i]) != 0)
			break;
		started++;
	}
	/*
	 * Each request reaches the writer's socket within milliseconds;
	 * its worker waits rw_timeout (3 s here) for the answer, and the
	 * writer starts a row while its worker waits 0.75 s more.
	 */
	x_sleep_ms(1200);
	kill(w, SIGCONT);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	return started == RACERS ? 0 : -1;
}

static void
test_e2e_group_one_statement_for_waiting_rows(void)
{
	struct racer	 rc[RACERS];
	char		*tid, q[128];
	long long	 s0, i0, b0;
	int		 i, j;

	tid = x_template(x_tok("group"), "group-one", STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	s0 = e2e_metric(M_GROUPS);
	i0 = e2e_metric(M_IN);
	b0 = e2e_metric(M_BACK);
	CU_ASSERT_FATAL(s0 >= 0 && i0 >= 0 && b0 >= 0);
	CU_ASSERT_EQUAL_FATAL(race_stopped_writer(rc, tid, NULL), 0);
	for (i = 0; i < RACERS; i++) {
		CU_ASSERT_EQUAL(rc[i].status, 202);
		CU_ASSERT_TRUE(x_is_uuid(rc[i].id));
		for (j = 0; j < i; j++)
			X_STRNE(rc[i].id, rc[j].id);
	}
	/*
	 * All of them in one group, none left out: one statement. Each is
	 * readable at once.
	 */
	CU_ASSERT_EQUAL(e2e_metric(M_GROUPS), s0 + 1);
	CU_ASSERT_EQUAL(e2e_metric(M_IN), i0 + RACERS);
	CU_ASSERT_EQUAL(e2e_metric(M_BACK), b0);
	snprintf(q, sizeof(q), "template_id=%s", tid);
	CU_ASSERT_EQUAL(x_count(x_tok("group"), q, NULL), RACERS);
	for (i = 0; i < RACERS; i++)
		CU_ASSERT_TRUE(x_wait_status(x_tok("group"), rc[i].id,
		    "completed", 20));
	free(tid);
}

static void
test_e2e_group_same_name_in_one_statement(void)
{
	struct racer	 rc[RACERS];
	char		*tid, q[128], name[64];
	long long	 s0, i0, b0;
	int		 i, n202 = 0, n200 = 0;

	tid = x_template(x_tok("group"), "group-same", STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(name, sizeof(name), "%s", e2e_unique("same"));
	s0 = e2e_metric(M_GROUPS);
	i0 = e2e_metric(M_IN);
	b0 = e2e_metric(M_BACK);
	CU_ASSERT_EQUAL_FATAL(race_stopped_writer(rc, tid, name), 0);
	for (i = 0; i < RACERS; i++) {
		n202 += rc[i].status == 202;
		n200 += rc[i].status == 200;
		X_STREQ(rc[i].id, rc[0].id);
	}
	/*
	 * The first row of the name is in; the statement left the others
	 * out, and their workers answered them as replays.
	 */
	CU_ASSERT_EQUAL(n202, 1);
	CU_ASSERT_EQUAL(n200, RACERS - 1);
	CU_ASSERT_EQUAL(e2e_metric(M_GROUPS), s0 + 1);
	CU_ASSERT_EQUAL(e2e_metric(M_IN), i0 + 1);
	CU_ASSERT_EQUAL(e2e_metric(M_BACK), b0 + RACERS - 1);
	snprintf(q, sizeof(q), "template_id=%s", tid);
	CU_ASSERT_EQUAL(x_count(x_tok("group"), q, NULL), 1);
	free(tid);
}

/* One execute of tid called name (NULL: a name of its own); the status. */
static long
execute_one(const char *tid, const char *name, char *id, size_t size)
{
	struct resp	 r;
	char		 body[256];
	long		 status;

	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{}}", tid,
	    name != NULL ? name : e2e_unique("alone"));
	if (x_exec(x_tok("group"), NULL, body, NULL, &r) != 0)
		return -1;
	status = r.status;
	snprintf(id, size, "%s", x_s(resp_str(&r, "execution_id")));
	resp_free(&r);
	return status;
}

static void
test_e2e_group_writer_killed_workers_go_alone(void)
{
	char		*tid, q[128], id[64];
	pid_t		 w, w2;
	long long	 i0;
	int		 i, ok = 0;

	tid = x_template(x_tok("group"), "group-killed", STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_FATAL((w = writer_wait(-1)) != -1);
	CU_ASSERT_EQUAL_FATAL(kill(w, SIGKILL), 0);
	/*
	 * Once it is dead (a row sent to it while it dies may be in or not:
	 * 503, group/writer_hangs_…), every execute is answered, writer or
	 * none, and is one row.
	 */
	CU_ASSERT_FATAL(dead(w));
	for (i = 0; i < 10; i++)
		ok += execute_one(tid, NULL, id, sizeof(id)) == 202 &&
		    x_is_uuid(id);
	CU_ASSERT_EQUAL(ok, 10);
	snprintf(q, sizeof(q), "template_id=%s", tid);
	CU_ASSERT_EQUAL(x_count(x_tok("group"), q, NULL), 10);
	/* The master starts another, and the workers use it. */
	CU_ASSERT_FATAL((w2 = writer_wait(w)) != -1);
	CU_ASSERT_NOT_EQUAL(w2, w);
	i0 = e2e_metric(M_IN);
	for (i = 0; i < 20 && e2e_metric(M_IN) == i0; i++)
		CU_ASSERT_EQUAL(execute_one(tid, NULL, id, sizeof(id)), 202);
	CU_ASSERT_TRUE(e2e_metric(M_IN) > i0);
	free(tid);
}

static void
test_e2e_group_writer_hangs_503_never_inserted(void)
{
	char		*tid, q[128], id[64], name[64];
	pid_t		 w;
	long long	 l0;
	double		 t0, took;
	long		 status;
	int		 rw = flt_rw_timeout();

	tid = x_template(x_tok("group"), "group-hang", STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_FATAL((w = writer_wait(-1)) != -1);
	/* Past any worker's pause after a failed connect (1 s). */
	x_sleep_ms(1100);
	l0 = e2e_metric(M_LATE);
	snprintf(name, sizeof(name), "%s", e2e_unique("hang"));
	CU_ASSERT_EQUAL_FATAL(kill(w, SIGSTOP), 0);
	/* No answer in rw_timeout: 503, as a statement that timed out. */
	t0 = x_now();
	status = execute_one(tid, name, id, sizeof(id));
	took = x_now() - t0;
	kill(w, SIGCONT);
	if (status == 202)
		fprintf(stderr, "hang: answered 202 in %.1f s (another "
		    "worker?)\n", took);
	CU_ASSERT_EQUAL(status, 503);
	CU_ASSERT_TRUE(took >= rw - 0.5 && took < rw + 1.5);
	/* The writer, going on, finds it too late and never inserts it. */
	for (t0 = x_now(); e2e_metric(M_LATE) == l0 && x_now() - t0 < 5;)
		x_sleep_ms(100);
	CU_ASSERT_EQUAL(e2e_metric(M_LATE), l0 + 1);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM executions "
	    "WHERE execution_name = '%s'", name), "0");
	/* The client's retry with the same name makes it, once. */
	CU_ASSERT_EQUAL(execute_one(tid, name, id, sizeof(id)), 202);
	CU_ASSERT_EQUAL(execute_one(tid, name, id, sizeof(id)), 200);
	snprintf(q, sizeof(q), "template_id=%s", tid);
	CU_ASSERT_EQUAL(x_count(x_tok("group"), q, NULL), 1);
	free(tid);
}

/* Executes of tid in a loop until stop, each status counted. */
struct loader {
	const char		*tid;
	volatile int		*stop;
	int			 k;		/* its names: reload-<k>-<n> */
	int			 n202, nother;
	long			 other;
};

static void *
load(void *arg)
{
	struct loader	*l = arg;
	char		 id[64], name[96];
	long		 st;
	int		 n = 0;

	while (!*l->stop) {
		/* Names of its own: e2e_unique's buffer is not per thread. */
		snprintf(name, sizeof(name), "reload-%d-%d", l->k, n++);
		if ((st = execute_one(l->tid, name, id, sizeof(id))) == 202)
			l->n202++;
		else {
			l->nother++;
			l->other = st;
		}
	}
	return NULL;
}

static void
test_e2e_group_reload_under_load_loses_nothing(void)
{
	struct loader	 l[3];
	pthread_t	 th[3];
	volatile int	 stop = 0;
	char		*tid, q[128];
	pid_t		 master = flt_master(), w0, w1;
	int		 i, n202 = 0, nother = 0;

	tid = x_template(x_tok("group"), "group-reload", STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_FATAL(master > 1);
	CU_ASSERT_FATAL((w0 = writer_wait(-1)) != -1);
	memset(l, 0, sizeof(l));
	for (i = 0; i < 3; i++) {
		l[i].tid = tid;
		l[i].stop = &stop;
		l[i].k = i;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, load, &l[i]),
		    0);
	}
	/* Two reloads under load: new workers, a new writer each time. */
	x_sleep_ms(500);
	CU_ASSERT_EQUAL(kill(master, SIGHUP), 0);
	x_sleep_ms(1500);
	CU_ASSERT_EQUAL(kill(master, SIGHUP), 0);
	x_sleep_ms(1500);
	stop = 1;
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		n202 += l[i].n202;
		nother += l[i].nother;
		if (l[i].nother > 0)
			fprintf(stderr, "reload: %d answers not 202 (last %ld)\n",
			    l[i].nother, l[i].other);
	}
	CU_ASSERT(n202 > 0);
	CU_ASSERT_EQUAL(nother, 0);
	/* Every 202 is a row, and no row without its 202. */
	snprintf(q, sizeof(q), "template_id=%s", tid);
	CU_ASSERT_EQUAL(x_count(x_tok("group"), q, NULL), n202);
	CU_ASSERT_FATAL((w1 = writer_wait(w0)) != -1);
	CU_ASSERT_NOT_EQUAL(w1, w0);
	free(tid);
}

/* ---- the store's side --------------------------------------------- */

/* A row of user for template tid at version, id and name given. */
static void
row(struct store_exec_new *x, const char *id, const char *user,
    const char *name, const char *tid, long long version)
{
	memset(x, 0, sizeof(*x));
	x->id = id;
	x->user = user;
	x->name = name;
	x->template_id = tid;
	x->version = version;
	x->input = "{}";
	x->hash = "0000000000000000000000000000000000000000000000000000000000000000";
	x->created_ms = 1780000000000LL;
	x->slots = 1000;
	/* Accepted by an admin: the supervisor runs it for this user too. */
	x->admin_access = 1;
}

/* 48 bits of this run (time and pid), for ids no other run makes. */
static unsigned long long
tail(void)
{
	return ((unsigned long long)time(NULL) << 16 ^
	    (unsigned long long)getpid()) & 0xffffffffffffULL;
}

/* Rows with execution_id id: "1" or "0" ("" on error). */
static const char *
present(const char *id)
{
	return e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "execution_id = '%s'", id);
}

static struct store *
store_of_stack(struct config **cfg)
{
	struct errmsg	err;

	if (config_load(e2e_conf(), cfg, &err) != RC_OK) {
		fprintf(stderr, "config: %s\n", err.text);
		return NULL;
	}
	return store_open(*cfg);
}

static void
test_e2e_group_store_rows_left_out(void)
{
	struct config		*cfg = NULL;
	struct store		*st;
	struct store_exec_new	 x[5];
	char			*tid, user[64], a[64], b[64], c[64], id[5][40];
	char			 older[40];
	int			 done[5], i;

	tid = x_template(x_tok("group"), "group-store", SLOW);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st = store_of_stack(&cfg));
	snprintf(user, sizeof(user), "%s", e2e_unique("gsu"));
	snprintf(a, sizeof(a), "%s", e2e_unique("a"));
	snprintf(b, sizeof(b), "%s", e2e_unique("b"));
	snprintf(c, sizeof(c), "%s", e2e_unique("c"));
	/* An older row of name c. */
	snprintf(older, sizeof(older), "0badc0de-0000-4000-8000-%012llx",
	    tail());
	row(&x[0], older, user, c, tid, 1);
	CU_ASSERT_EQUAL_FATAL(store_exec_insert_many(st, x, 1, done), RC_OK);
	CU_ASSERT_EQUAL(done[0], 1);
	/*
	 * 0: new; 1: the name of 0; 2: the name of the older row; 3: the
	 * quota slot of the older row (slots come from the first 8 hex
	 * digits), which it gets another of in the second statement; 4:
	 * new, with the slot of 0, which it gets another of at once.
	 */
	snprintf(id[0], 40, "1ea0c0de-0000-4000-8000-%012llx", tail());
	snprintf(id[1], 40, "2ea0c0de-0000-4000-8000-%012llx", tail());
	snprintf(id[2], 40, "3ea0c0de-0000-4000-8000-%012llx", tail());
	snprintf(id[3], 40, "0badc0de-0000-4000-8001-%012llx", tail());
	snprintf(id[4], 40, "1ea0c0de-0000-4000-8002-%012llx", tail());
	row(&x[0], id[0], user, a, tid, 1);
	row(&x[1], id[1], user, a, tid, 1);
	row(&x[2], id[2], user, c, tid, 1);
	row(&x[3], id[3], user, b, tid, 1);
	row(&x[4], id[4], user, e2e_unique("e"), tid, 1);
	CU_ASSERT_EQUAL(store_exec_insert_many(st, x, 5, done), RC_OK);
	CU_ASSERT_EQUAL(done[0], 1);
	CU_ASSERT_EQUAL(done[1], 0);
	CU_ASSERT_EQUAL(done[2], 0);
	CU_ASSERT_EQUAL(done[3], 1);
	CU_ASSERT_EQUAL(done[4], 1);
	for (i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(present(id[i]), done[i] ? "1" : "0");
	/* Four rows of the user, four slots. */
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(DISTINCT quota_slot) "
	    "FROM executions WHERE user_id = '%s'", user), "4");
	/* The names taken stay taken: their workers answer the replays. */
	CU_ASSERT_EQUAL(store_exec_insert(st, &x[1], NULL, NULL), RC_CONFLICT);
	for (i = 0; i < 5; i++)
		if (done[i])
			CU_ASSERT_EQUAL(x_cancel(e2e_tok_admin(), id[i]), 202);
	CU_ASSERT_EQUAL(x_cancel(e2e_tok_admin(), older), 202);
	store_close(st);
	config_free(cfg);
	free(tid);
}

static void
test_e2e_group_store_failed_statement_inserts_none(void)
{
	struct config		*cfg = NULL;
	struct store		*st;
	struct store_exec_new	 x[3];
	char			*tid, user[64], id[3][40];
	int			 done[3] = { 1, 1, 1 }, i;

	tid = x_template(x_tok("group"), "group-fail", STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st = store_of_stack(&cfg));
	snprintf(user, sizeof(user), "%s", e2e_unique("gsf"));
	for (i = 0; i < 3; i++) {
		snprintf(id[i], 40, "%xfa1c0de-0000-4000-8000-%012llx", i + 1,
		    tail());
		row(&x[i], id[i], user, e2e_unique("f"), tid, 1);
	}
	/* A version the template never had: its check fails them all. */
	x[1].version = 99;
	CU_ASSERT_EQUAL(store_exec_insert_many(st, x, 3, done), RC_CHANGED);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(done[i], 0);
		CU_ASSERT_STRING_EQUAL(present(id[i]), "0");
	}
	/* Input the database's CHECK refuses: none in either. */
	x[1].version = 1;
	x[2].input = "{\"a\": ";
	done[0] = done[1] = done[2] = 1;
	CU_ASSERT_EQUAL(store_exec_insert_many(st, x, 3, done), RC_INVALID);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(done[i], 0);
		CU_ASSERT_STRING_EQUAL(present(id[i]), "0");
	}
	store_close(st);
	config_free(cfg);
	free(tid);
}

void
test_e2e_group_register(void)
{
	CU_pSuite	s = CU_add_suite("group", NULL, NULL);

#define T(n)	CU_add_test(s, #n, test_e2e_group_##n)
	T(one_statement_for_waiting_rows);
	T(same_name_in_one_statement);
	T(store_rows_left_out);
	T(store_failed_statement_inserts_none);
	T(writer_killed_workers_go_alone);
	T(writer_hangs_503_never_inserted);
	T(reload_under_load_loses_nothing);
#undef T
}

E2E_SUITE(test_e2e_group_register)
