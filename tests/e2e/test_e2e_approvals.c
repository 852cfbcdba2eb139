/*
 * GET /workflow-management/approvals pages like the other lists (issue
 * #15): limit, a signed next_cursor, null on the last page, 400 "Invalid
 * cursor" for one not issued by the service. The approver holds a role
 * made for this run, so only this suite's steps are visible to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_exec_util.h"

#define AP_EXECS	3	/* executions, two waiting steps each */
#define AP_STEPS	(2 * AP_EXECS)
#define AP_PAGES_MAX	20

/* One item seen: execution_id and step_id. */
struct ap_item {
	char	eid[64];
	char	step[64];
};

/*
 * Walk every page of GET /approvals?limit=limit as token into items
 * (at most max); the number of items, or -1 on an error. *pages and
 * *first (the number of items of the first page) when not NULL.
 */
static int
walk(const char *token, int limit, struct ap_item *items, int max,
    int *pages, int *first)
{
	struct json_object	*arr, *it, *cur;
	struct resp		 r;
	char			 path[512], cursor[128];
	int			 n = 0, np = 0, k, len;

	cursor[0] = '\0';
	for (;;) {
		if (np >= AP_PAGES_MAX)
			return -1;
		snprintf(path, sizeof(path),
		    "/workflow-management/approvals?limit=%d%s%s", limit,
		    cursor[0] != '\0' ? "&cursor=" : "", cursor);
		if (e2e_req("GET", path, token, NULL, NULL, &r) != 0 ||
		    r.status != 200 || r.json == NULL) {
			resp_free(&r);
			return -1;
		}
		arr = x_at(r.json, "items");
		len = x_alen(r.json, "items");
		CU_ASSERT(len >= 0 && len <= limit);
		if (np == 0 && first != NULL)
			*first = len;
		for (k = 0; k < len && n < max; k++, n++) {
			it = json_object_array_get_idx(arr, (size_t)k);
			snprintf(items[n].eid, sizeof(items[n].eid), "%s",
			    x_s(x_str(it, "execution_id")));
			snprintf(items[n].step, sizeof(items[n].step), "%s",
			    x_s(x_str(it, "step_id")));
		}
		np++;
		if (!json_object_object_get_ex(r.json, "next_cursor", &cur)) {
			resp_free(&r);
			return -1;
		}
		if (cur == NULL) {
			resp_free(&r);
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s",
		    json_object_get_string(cur));
		resp_free(&r);
	}
	if (pages != NULL)
		*pages = np;
	return n;
}

static void
test_e2e_approvals_pages_with_cursor(void)
{
	struct ap_item	 items[AP_STEPS + 4];
	struct resp	 r;
	char		*own, *appr, *tid, *eid[AP_EXECS], members[512];
	const char	*role = x_run("ap-role");
	int		 i, n, pages, first;

	own = e2e_token(x_run("ap-own"), "workflow:execute,workflow:read,"
	    "template:write");
	appr = e2e_token(x_run("ap-appr"), role);
	CU_ASSERT_FATAL(own != NULL && appr != NULL);
	snprintf(members, sizeof(members), "\"steps\":["
	    "{\"id\":\"a\",\"type\":\"wait\",\"signal\":\"go_a\","
	    "\"approvers\":{\"roles\":[\"%s\"]}},"
	    "{\"id\":\"b\",\"type\":\"wait\",\"signal\":\"go_b\","
	    "\"approvers\":{\"roles\":[\"%s\"]}}]", role, role);
	tid = x_template(own, x_run("ap-tmpl"), members);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	for (i = 0; i < AP_EXECS; i++) {
		eid[i] = e2e_execute(own, tid, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(eid[i]);
	}
	for (i = 0; i < AP_EXECS; i++)
		CU_ASSERT_FATAL(x_wait_status(own, eid[i], "waiting", 15));
	/* Both steps wait once the execution does; allow them a moment. */
	for (i = 0; i < 50; i++) {
		if (walk(appr, 100, items, AP_STEPS + 4, NULL, NULL) ==
		    AP_STEPS)
			break;
		x_sleep_ms(100);
	}

	/* One page holds them all: no cursor. */
	n = walk(appr, 100, items, AP_STEPS + 4, &pages, &first);
	CU_ASSERT_EQUAL(n, AP_STEPS);
	CU_ASSERT_EQUAL(pages, 1);

	/*
	 * Pages of 4: 4 then 2, newest execution first, its steps in
	 * template order, none twice.
	 */
	n = walk(appr, 4, items, AP_STEPS + 4, &pages, &first);
	CU_ASSERT_EQUAL(n, AP_STEPS);
	CU_ASSERT_EQUAL(pages, 2);
	CU_ASSERT_EQUAL(first, 4);
	for (i = 0; i < n && i < AP_STEPS; i++) {
		X_STREQ(items[i].eid, eid[AP_EXECS - 1 - i / 2]);
		X_STREQ(items[i].step, i % 2 == 0 ? "a" : "b");
	}

	/* Pages of 1: one item each, the last page's cursor null. */
	n = walk(appr, 1, items, AP_STEPS + 4, &pages, &first);
	CU_ASSERT_EQUAL(n, AP_STEPS);
	CU_ASSERT_EQUAL(pages, AP_STEPS);
	for (i = 0; i < n && i < AP_STEPS; i++) {
		X_STREQ(items[i].eid, eid[AP_EXECS - 1 - i / 2]);
		X_STREQ(items[i].step, i % 2 == 0 ? "a" : "b");
	}

	/* A cursor not issued by the service: 400, as the other lists. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET",
	    "/workflow-management/approvals?cursor=c1.deadbeef", appr, NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 400);
	X_STREQ(r.body, "{\"detail\":\"Invalid cursor\"}");
	resp_free(&r);

	/* The steps of cancelled executions leave the list. */
	for (i = 0; i < AP_EXECS; i++)
		CU_ASSERT_EQUAL(x_cancel(own, eid[i]), 202);
	for (i = 0; i < AP_EXECS; i++) {
		(void)x_wait_status(own, eid[i], "cancelled", 15);
		free(eid[i]);
	}
	n = walk(appr, 4, items, AP_STEPS + 4, &pages, &first);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(pages, 1);
	free(tid);
	free(own);
	free(appr);
}

E2E_SUITE(test_e2e_approvals_register)

void
test_e2e_approvals_register(void)
{
	CU_pSuite	s = CU_add_suite("approvals", NULL, NULL);

	CU_add_test(s, "pages_with_cursor",
	    test_e2e_approvals_pages_with_cursor);
}
