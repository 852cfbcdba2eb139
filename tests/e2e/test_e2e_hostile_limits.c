/*
 * Hostile use of what is allowed, through nginx:
 * - Prefer: wait cannot take the API down: many parallel long polls of
 *   two users hold at most [http] max_waiters workers (and
 *   max_waiters_per_user each); the others are answered at once with the
 *   current document, a 202 for an execute, and a plain GET is answered
 *   within 2 s meanwhile.
 * - Page cursors are signed: one with the old unkeyed FNV checksum, made
 *   by a client, is 400; the server's own work.
 * - Identity is exact in the database too (NO PAD collations): a user id
 *   or shared_with entry with a trailing space is another one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_hostile.h"

#define ALL_ROLES	"workflow:execute,workflow:read,template:write"
#define SLOW_DEF	"{\"name\":\"h-lim-slow\",\"steps\":[{\"id\":" \
			"\"s\",\"type\":\"command\",\"handler\":"	   \
			"\"sleep-forever\",\"timeout_seconds\":60}]}"
#define FAST_DEF	"{\"name\":\"h-lim-fast\",\"steps\":[{\"id\":\"a\"," \
			"\"type\":\"transform\",\"output\":{\"v\":1}}]}"
#define WAITERS_PER_USER	4
#define WAIT_S			6

static struct hx_mark	lim_mark;

static const char *
tok(const char *base)
{
	return hx_tok(e2e_run_name(base), ALL_ROLES);
}

static int
lim_init(void)
{
	hx_mark_take(&lim_mark);
	return 0;
}

/* The bounds http_wait_bounds derives from the stack's worker count. */
static void
bounds(int *total, int *per_user)
{
	const char	*w = getenv("WFM_FCGI_WORKERS");
	int		 workers = w != NULL ? atoi(w) : 6;

	*total = workers / 2;
	if (*total > workers - 1)
		*total = workers - 1;
	*per_user = *total / 2 > 1 ? *total / 2 : 1;
}

static void
cancel(const char *token, const char *eid)
{
	struct resp	r;
	char		path[256];

	snprintf(path, sizeof(path), HX_EXECS_PATH "/%s/cancel", eid);
	if (e2e_req("POST", path, token, NULL, NULL, &r) == 0)
		resp_free(&r);
}

struct waiter {
	pthread_barrier_t	*go;
	const char		*token;
	char			 path[256];
	long			 status;
	char			 exec_status[32];
	double			 seconds;
};

static void *
wait_one(void *arg)
{
	static const char *const prefer[] = { "Prefer: wait=6", NULL };
	struct waiter		*w = arg;
	struct resp		 r;

	pthread_barrier_wait(w->go);
	if (e2e_req("GET", w->path, w->token, NULL, prefer, &r) != 0)
		return NULL;
	w->status = r.status;
	w->seconds = r.seconds;
	if (resp_str(&r, "status") != NULL)
		snprintf(w->exec_status, sizeof(w->exec_status), "%s",
		    resp_str(&r, "status"));
	resp_free(&r);
	return NULL;
}

static void
test_lim_waiters_are_bounded_and_plain_requests_pass(void)
{
	static const char *const prefer[] = { "Prefer: wait=5", NULL };
	struct waiter		 w[2 * WAITERS_PER_USER];
	pthread_t		 th[2 * WAITERS_PER_USER];
	pthread_barrier_t	 go;
	struct timespec		 settle = { 1, 0 };
	struct resp		 r;
	const char		*t[2];
	char			*tid[2], *eid[2], body[256], path[256];
	char			*extra = NULL;
	int			 i, u, started = 0, held[2] = { 0, 0 }, now = 0;
	int			 max_total, max_user;

	bounds(&max_total, &max_user);
	t[0] = tok("lim-wa");
	t[1] = tok("lim-wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t[1]);
	for (u = 0; u < 2; u++) {
		tid[u] = e2e_template(t[u], SLOW_DEF);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tid[u]);
		eid[u] = e2e_execute(t[u], tid[u], NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(eid[u]);
	}
	pthread_barrier_init(&go, NULL, 2 * WAITERS_PER_USER + 1);
	memset(w, 0, sizeof(w));
	for (i = 0; i < 2 * WAITERS_PER_USER; i++) {
		u = i % 2;
		w[i].go = &go;
		w[i].token = t[u];
		snprintf(w[i].path, sizeof(w[i].path), HX_EXECS_PATH "/%s",
		    eid[u]);
		if (pthread_create(&th[i], NULL, wait_one, &w[i]) != 0)
			break;
		started++;
	}
	CU_ASSERT_EQUAL_FATAL(started, 2 * WAITERS_PER_USER);
	pthread_barrier_wait(&go);
	nanosleep(&settle, NULL);

	/* Every waiter slot is taken now: a plain GET still passes. */
	snprintf(path, sizeof(path), HX_EXECS_PATH "/%s", eid[0]);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, t[0], NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT(r.seconds < 2.0);
	if (r.seconds >= 2.0)
		fprintf(stderr, "\n    plain GET took %.2f s", r.seconds);
	resp_free(&r);
	/* An execute beyond the bound: its 202 at once. */
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\"}", tid[0]);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", HX_EXEC_PATH, t[0], body, prefer,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT(r.seconds < 2.0);
	if (resp_str(&r, "execution_id") != NULL)
		extra = strdup(resp_str(&r, "execution_id"));
	resp_free(&r);

	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (i = 0; i < 2 * WAITERS_PER_USER; i++) {
		/* Held or not, the answer is the current document. */
		CU_ASSERT_EQUAL(w[i].status, 200);
		CU_ASSERT(strcmp(w[i].exec_status, "pending") == 0 ||
		    strcmp(w[i].exec_status, "running") == 0);
		if (w[i].seconds >= WAIT_S - 1)
			held[i % 2]++;
		else if (w[i].seconds < 2.0)
			now++;
		else
			fprintf(stderr, "\n    waiter %d: %.2f s", i,
			    w[i].seconds);
	}
	fprintf(stderr, "\n    waiters held %d + %d (max %d, %d per user), "
	    "answered at once %d", held[0], held[1], max_total, max_user, now);
	CU_ASSERT(held[0] <= max_user && held[1] <= max_user);
	CU_ASSERT(held[0] + held[1] <= max_total);
	CU_ASSERT(held[0] + held[1] >= 1);	/* waiting still works */
	CU_ASSERT_EQUAL(held[0] + held[1] + now, 2 * WAITERS_PER_USER);

	/* The slots were released: one wait is honoured again. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, t[0], NULL, prefer, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT(r.seconds >= 4.0);
	resp_free(&r);
	for (u = 0; u < 2; u++) {
		cancel(t[u], eid[u]);
		free(eid[u]);
		free(tid[u]);
	}
	if (extra != NULL)
		cancel(t[0], extra);
	free(extra);
}

/* FNV-1a of "wfm-cursor:<id>": the checksum of the first cursors. */
static unsigned
fnv_cursor(long long id)
{
	char		 buf[48];
	unsigned	 h = 2166136261u;
	int		 i, n;

	n = snprintf(buf, sizeof(buf), "wfm-cursor:%lld", id);
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)buf[i]) * 16777619u;
	return h;
}

static void
test_lim_forged_cursor_is_400_real_one_works(void)
{
	const char	*t = tok("lim-cur");
	struct resp	 r;
	char		*tid, *e, path[512], cur[128];
	int		 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	tid = e2e_template(t, FAST_DEF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	for (i = 0; i < 3; i++) {
		e = e2e_execute(t, tid, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		free(e);
	}
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", HX_EXECS_PATH "?limit=1", t, NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(resp_str(&r, "next_cursor"));
	snprintf(cur, sizeof(cur), "%s", resp_str(&r, "next_cursor"));
	resp_free(&r);
	/* The server's cursor: the next page. */
	snprintf(path, sizeof(path), HX_EXECS_PATH "?limit=1&cursor=%s", cur);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, t, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(json_object_array_length(e2e_member(r.json, "items")),
	    1);
	resp_free(&r);
	/* Made by a client, with the checksum of old: 400. */
	for (i = 0; i < 3; i++) {
		long long	id = i == 0 ? 1 : i == 1 ? 1000000 : 0x7fffffff;

		snprintf(path, sizeof(path), HX_EXECS_PATH "?cursor=c%llx.%08x",
		    id, fnv_cursor(id));
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, t, NULL, NULL, &r),
		    0);
		CU_ASSERT(hx_detail(&r, 400, "Invalid cursor"));
		resp_free(&r);
	}
	/* The server's tag on another id: 400. */
	snprintf(path, sizeof(path), HX_EXECS_PATH "?cursor=c1%s",
	    strchr(cur, '.'));
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, t, NULL, NULL, &r), 0);
	CU_ASSERT(hx_detail(&r, 400, "Invalid cursor"));
	resp_free(&r);
	/* Also on the templates and audit lists. */
	snprintf(path, sizeof(path), HX_TMPL_PATH "?cursor=c1.%08x",
	    fnv_cursor(1));
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, t, NULL, NULL, &r), 0);
	CU_ASSERT(hx_detail(&r, 400, "Invalid cursor"));
	resp_free(&r);
	free(tid);
}

static void
test_lim_trailing_space_is_another_user(void)
{
	const char	*alice = e2e_run_name("lim-id-alice");
	const char	*t = tok("lim-id-alice");
	const char	*bob_t = tok("lim-id-bob");
	const char	*admin = hx_tok("lim-id-admin", "admin");
	struct resp	 r;
	char		*tid, *e, path[512], def[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bob_t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(admin);
	tid = e2e_template(t, FAST_DEF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	e = e2e_execute(t, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	free(e);
	/* The admin's filter on the user id: exact, no padding. */
	snprintf(path, sizeof(path), HX_EXECS_PATH "?user_id=%s", alice);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, admin, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(json_object_array_length(e2e_member(r.json, "items")),
	    1);
	resp_free(&r);
	snprintf(path, sizeof(path), HX_EXECS_PATH "?user_id=%s%%20", alice);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, admin, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(json_object_array_length(e2e_member(r.json, "items")),
	    0);
	resp_free(&r);
	/* Shared with "bob ": not with bob. */
	snprintf(def, sizeof(def), "{\"name\":\"h-lim-share\",\"shared_with\":"
	    "[\"%s \"],\"steps\":[{\"id\":\"a\",\"type\":\"transform\","
	    "\"output\":{\"v\":1}}]}", e2e_run_name("lim-id-bob"));
	free(tid);
	tid = e2e_template(t, def);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), HX_TMPL_PATH "/%s", tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, bob_t, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	resp_free(&r);
	free(tid);
}

static void
test_lim_stack_survived(void)
{
	hx_stack_survived(&lim_mark);
}

E2E_SUITE(test_e2e_hostile_limits_register)

void
test_e2e_hostile_limits_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_limits", lim_init, NULL);

	CU_add_test(s, "waiters_are_bounded_and_plain_requests_pass",
	    test_lim_waiters_are_bounded_and_plain_requests_pass);
	CU_add_test(s, "forged_cursor_is_400_real_one_works",
	    test_lim_forged_cursor_is_400_real_one_works);
	CU_add_test(s, "trailing_space_is_another_user",
	    test_lim_trailing_space_is_another_user);
	CU_add_test(s, "stack_survived", test_lim_stack_survived);
}
