/*
 * Templates after creation (api.md "Templates"): who may read, execute,
 * change and delete one (owner, shared_with, public, admin), versions
 * (an execution keeps the definition it was created with), soft delete,
 * the list with its pagination, and the role checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"

/* JSON helpers shared by the suites (e2e_util.c). */
#define js	e2e_js
#define member	e2e_member
#define mjs	e2e_mjs

#define TMPL_PATH	"/workflow-management/templates"
#define EXEC_PATH	"/workflow-management/execute"

/* A token for sub, minted once per (slot); slots are fixed below. */
static const char *
tok(int slot)
{
	static const char *const who[][2] = {
		{ "h8-carol", "workflow:read" },
		{ "h8-dave", "workflow:execute,workflow:read,template:write" },
		{ "h8-eve", "workflow:execute,workflow:read" },
		{ "alice", "workflow:execute" },
		{ "h8-lister", "workflow:execute,workflow:read,template:write" },
		{ "h8-pager", "workflow:execute,workflow:read,template:write" },
	};
	static char	*t[6];

	if (t[slot] == NULL)
		t[slot] = e2e_token(who[slot][0], who[slot][1]);
	return t[slot];
}
#define TOK_CAROL_READER	tok(0)
#define TOK_DAVE		tok(1)
#define TOK_EVE			tok(2)
#define TOK_ALICE_EXEC_ONLY	tok(3)
#define TOK_LISTER		tok(4)
#define TOK_PAGER		tok(5)

/* METHOD /templates/<id> as token; returns the status (-1: no answer). */
static long
on_tmpl(const char *method, const char *id, const char *token,
    const char *body, struct resp *out)
{
	struct resp	 r;
	char		 path[256];
	long		 status;

	snprintf(path, sizeof(path), TMPL_PATH "/%s", id);
	if (e2e_req(method, path, token, body, NULL, &r) != 0)
		return -1;
	status = r.status;
	if (out != NULL)
		*out = r;
	else
		resp_free(&r);
	return status;
}

/* Status and body text of method on path as token, "<status> <body>". */
static const char *
answer(const char *method, const char *path, const char *token,
    const char *body)
{
	static char	 buf[1024];
	struct resp	 r;

	if (e2e_req(method, path, token, body, NULL, &r) != 0)
		return "no answer";
	snprintf(buf, sizeof(buf), "%ld %s", r.status, r.body);
	resp_free(&r);
	return buf;
}

static const char *
answer_tmpl(const char *method, const char *id, const char *token,
    const char *body)
{
	char	path[256];

	snprintf(path, sizeof(path), TMPL_PATH "/%s", id);
	return answer(method, path, token, body);
}

/* POST /execute for template id as token; the status only. */
static long
execute_status(const char *token, const char *id)
{
	struct resp	r;
	char		body[256];
	long		status;

	snprintf(body, sizeof(body), "{\"template_id\":\"%s\"}", id);
	if (e2e_req("POST", EXEC_PATH, token, body, NULL, &r) != 0)
		return -1;
	status = r.status;
	resp_free(&r);
	return status;
}

static char *
simple(const char *token, const char *name, const char *extra)
{
	char	body[1024];

	snprintf(body, sizeof(body), "{\"name\":\"%s\",%s\"steps\":[{\"id\":"
	    "\"a\",\"type\":\"transform\",\"output\":{\"ok\":true}}]}", name,
	    extra != NULL ? extra : "");
	return e2e_template(token, body);
}

/* ---- reading and executing ------------------------------------------ */

static void
test_e2e_tmpl_get_owner_other_admin_unknown(void)
{
	struct resp	 r;
	char		*id;

	id = simple(e2e_tok_alice(), "tmpl-get", "\"shared_with\":[\"h8-x\"],");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_EQUAL(on_tmpl("GET", id, e2e_tok_alice(), NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "shared_with"), "[\"h8-x\"]");
	resp_free(&r);
	CU_ASSERT_STRING_EQUAL(answer_tmpl("GET", id, e2e_tok_bob(), NULL),
	    "403 {\"detail\":\"Access denied\"}");
	CU_ASSERT_EQUAL(execute_status(e2e_tok_bob(), id), 403);
	/* Admin reads everything, shares included. */
	CU_ASSERT_EQUAL(on_tmpl("GET", id, e2e_tok_admin(), NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "owner_id"), "\"alice\"");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "shared_with"), "[\"h8-x\"]");
	resp_free(&r);
	CU_ASSERT_STRING_EQUAL(answer_tmpl("GET",
	    "00000000-0000-0000-0000-000000000000", e2e_tok_alice(), NULL),
	    "404 {\"detail\":\"Template not found\"}");
	CU_ASSERT_STRING_EQUAL(answer_tmpl("GET", "no-such-template",
	    e2e_tok_admin(), NULL), "404 {\"detail\":\"Template not found\"}");
	free(id);
}

static void
test_e2e_tmpl_public_is_readable_by_any_reader(void)
{
	struct resp	 r;
	char		*id, *eid;

	id = simple(e2e_tok_bob(), "tmpl-public",
	    "\"is_public\":true,\"shared_with\":[\"h8-secret-friend\"],");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_EQUAL(on_tmpl("GET", id, TOK_CAROL_READER, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "is_public"), "true");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "owner_id"), "\"bob\"");
	/* The share list is the owner's business. */
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "shared_with"), "[]");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "steps"), "[{\"id\":\"a\","
	    "\"type\":\"transform\",\"output\":{\"ok\":true}}]");
	resp_free(&r);
	/* Reading is not executing: that takes workflow:execute. */
	CU_ASSERT_EQUAL(execute_status(TOK_CAROL_READER, id), 403);
	eid = e2e_execute(TOK_DAVE, id, "{}");
	CU_ASSERT_PTR_NOT_NULL(eid);
	free(eid);
	free(id);
}

static void
test_e2e_tmpl_shared_user_can_read_and_execute(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*id, *eid;

	id = simple(e2e_tok_bob(), "tmpl-shared",
	    "\"shared_with\":[\"h8-dave\"],");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_EQUAL(on_tmpl("GET", id, TOK_DAVE, NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "shared_with"), "[]");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "is_public"), "false");
	resp_free(&r);
	eid = e2e_execute(TOK_DAVE, id, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(TOK_DAVE, eid, 20);
	CU_ASSERT_PTR_NOT_NULL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	CU_ASSERT_STRING_EQUAL(mjs(doc, "user_id"), "\"h8-dave\"");
	CU_ASSERT_STRING_EQUAL(mjs(doc, "final_result"),
	    "{\"a\":{\"ok\":true}}");
	json_object_put(doc);
	/* Not shared with eve. */
	CU_ASSERT_STRING_EQUAL(answer_tmpl("GET", id, TOK_EVE, NULL),
	    "403 {\"detail\":\"Access denied\"}");
	CU_ASSERT_EQUAL(execute_status(TOK_EVE, id), 403);
	/* Sharing is reading and executing, not changing or deleting. */
	CU_ASSERT_STRING_EQUAL(answer_tmpl("DELETE", id, TOK_DAVE, NULL),
	    "403 {\"detail\":\"Access denied\"}");
	CU_ASSERT_STRING_EQUAL(answer_tmpl("PUT", id, TOK_DAVE, "{\"name\":"
	    "\"x\",\"steps\":[{\"id\":\"a\",\"type\":\"transform\","
	    "\"output\":1}]}"), "403 {\"detail\":\"Access denied\"}");
	free(eid);
	free(id);
}

/* ---- versions -------------------------------------------------------- */

static void
test_e2e_tmpl_put_bumps_version_and_old_execution_keeps_v1(void)
{
	struct json_object	*d1, *d2, *steps;
	struct resp		 r, c;
	char			*id, *e1, *e2;
	const char		*v2 = "{\"name\":\"tmpl-v2\",\"steps\":[{\"id\":"
	    "\"only\",\"type\":\"transform\",\"output\":2}],"
	    "\"output\":{\"v\":\"{{ steps.only.output }}\"}}";

	/* v1 waits a second, so that its run straddles the PUT. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", TMPL_PATH, e2e_tok_alice(),
	    "{\"name\":\"tmpl-v1\",\"description\":\"first\",\"steps\":["
	    "{\"id\":\"wait\",\"type\":\"delay\",\"seconds\":1},{\"id\":"
	    "\"out\",\"type\":\"transform\",\"depends_on\":[\"wait\"],"
	    "\"output\":1}],\"output\":{\"v\":\"{{ steps.out.output }}\"}}",
	    NULL, &c), 0);
	CU_ASSERT_EQUAL_FATAL(c.status, 201);
	id = strdup(resp_str(&c, "template_id"));
	e1 = e2e_execute(e2e_tok_alice(), id, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e1);

	CU_ASSERT_EQUAL_FATAL(on_tmpl("PUT", id, e2e_tok_alice(), v2, &r), 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "template_id"),
	    mjs(c.json, "template_id"));
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "version"), "2");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "owner_id"), "\"alice\"");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "name"), "\"tmpl-v2\"");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "created_at"),
	    mjs(c.json, "created_at"));
	CU_ASSERT(strcmp(mjs(r.json, "updated_at"),
	    mjs(r.json, "created_at")) >= 0);
	/* Replaced, not merged: v1's description is gone. */
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "description"), "<absent>");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "steps"), "[{\"id\":\"only\","
	    "\"type\":\"transform\",\"output\":2}]");
	resp_free(&r);
	CU_ASSERT_EQUAL(on_tmpl("GET", id, e2e_tok_alice(), NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "version"), "2");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "description"), "<absent>");
	resp_free(&r);
	e2 = e2e_execute(e2e_tok_alice(), id, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e2);

	d1 = e2e_wait(e2e_tok_alice(), e1, 30);
	d2 = e2e_wait(e2e_tok_alice(), e2, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d2);
	CU_ASSERT_STRING_EQUAL(mjs(d1, "status"), "\"completed\"");
	CU_ASSERT_STRING_EQUAL(mjs(d1, "template_version"), "1");
	CU_ASSERT_STRING_EQUAL(mjs(d1, "final_result"), "{\"v\":1}");
	steps = member(d1, "steps");
	CU_ASSERT_EQUAL(json_object_array_length(steps), 2);
	CU_ASSERT_STRING_EQUAL(mjs(json_object_array_get_idx(steps, 0),
	    "step_id"), "\"wait\"");
	CU_ASSERT_STRING_EQUAL(mjs(d2, "template_version"), "2");
	CU_ASSERT_STRING_EQUAL(mjs(d2, "final_result"), "{\"v\":2}");
	steps = member(d2, "steps");
	CU_ASSERT_EQUAL(json_object_array_length(steps), 1);
	CU_ASSERT_STRING_EQUAL(mjs(json_object_array_get_idx(steps, 0),
	    "step_id"), "\"only\"");
	json_object_put(d1);
	json_object_put(d2);
	resp_free(&c);
	free(e1);
	free(e2);
	free(id);
}

static void
test_e2e_tmpl_put_by_others_and_bad_puts(void)
{
	struct resp	 r;
	char		*id;
	const char	*body = "{\"name\":\"tmpl-put-x\",\"steps\":[{\"id\":"
	    "\"b\",\"type\":\"transform\",\"output\":0}]}";

	id = simple(e2e_tok_alice(), "tmpl-put", "\"shared_with\":[\"bob\"],");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	/* A user it is shared with may not change it. */
	CU_ASSERT_STRING_EQUAL(answer_tmpl("PUT", id, e2e_tok_bob(), body),
	    "403 {\"detail\":\"Access denied\"}");
	/* An invalid definition changes nothing. */
	CU_ASSERT_EQUAL(on_tmpl("PUT", id, e2e_tok_alice(), "{\"name\":\"x\","
	    "\"steps\":[{\"id\":\"a\",\"type\":\"transform\",\"output\":1,"
	    "\"depends_on\":[\"zz\"]}]}", &r), 422);
	CU_ASSERT_STRING_EQUAL(js(member(json_object_array_get_idx(member(
	    r.json, "detail"), 0), "loc")),
	    "[\"body\",\"steps\",0,\"depends_on\",0]");
	resp_free(&r);
	CU_ASSERT_EQUAL(on_tmpl("GET", id, e2e_tok_alice(), NULL, &r), 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "version"), "1");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "name"), "\"tmpl-put\"");
	resp_free(&r);
	/* Admin may; the owner stays the owner. */
	CU_ASSERT_EQUAL(on_tmpl("PUT", id, e2e_tok_admin(), body, &r), 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "version"), "2");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "owner_id"), "\"alice\"");
	resp_free(&r);
	/* The PUT carried no shared_with: bob lost his share. */
	CU_ASSERT_STRING_EQUAL(answer_tmpl("GET", id, e2e_tok_bob(), NULL),
	    "403 {\"detail\":\"Access denied\"}");
	CU_ASSERT_EQUAL(execute_status(e2e_tok_bob(), id), 403);
	CU_ASSERT_STRING_EQUAL(answer_tmpl("PUT",
	    "00000000-0000-0000-0000-000000000000", e2e_tok_alice(), body),
	    "404 {\"detail\":\"Template not found\"}");
	/* As for POST /execute, the body is judged before the template. */
	CU_ASSERT_EQUAL(on_tmpl("PUT", "00000000-0000-0000-0000-000000000000",
	    e2e_tok_alice(), "{\"name\":\"x\"}", NULL), 422);
	CU_ASSERT_EQUAL(on_tmpl("PUT", id, e2e_tok_bob(), "[]", NULL), 422);
	free(id);
}

/* ---- soft delete ------------------------------------------------------- */

static void
test_e2e_tmpl_delete_by_owner_keeps_executions(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*id, *eid, path[256];

	id = simple(e2e_tok_alice(), "tmpl-del", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	eid = e2e_execute(e2e_tok_alice(), id, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL(doc);
	json_object_put(doc);

	CU_ASSERT_EQUAL(on_tmpl("DELETE", id, e2e_tok_alice(), NULL, &r), 204);
	CU_ASSERT_EQUAL(r.len, 0);
	resp_free(&r);
	CU_ASSERT_STRING_EQUAL(answer_tmpl("GET", id, e2e_tok_alice(), NULL),
	    "404 {\"detail\":\"Template not found\"}");
	CU_ASSERT_STRING_EQUAL(answer_tmpl("GET", id, e2e_tok_admin(), NULL),
	    "404 {\"detail\":\"Template not found\"}");
	snprintf(path, sizeof(path), "{\"template_id\":\"%s\"}", id);
	CU_ASSERT_STRING_EQUAL(answer("POST", EXEC_PATH, e2e_tok_alice(),
	    path), "404 {\"detail\":\"Template not found\"}");
	CU_ASSERT_STRING_EQUAL(answer_tmpl("DELETE", id, e2e_tok_alice(),
	    NULL), "404 {\"detail\":\"Template not found\"}");
	CU_ASSERT_STRING_EQUAL(answer_tmpl("PUT", id, e2e_tok_alice(),
	    "{\"name\":\"x\",\"steps\":[{\"id\":\"a\",\"type\":\"transform\","
	    "\"output\":1}]}"), "404 {\"detail\":\"Template not found\"}");
	/* The execution made from it is still there, result and all. */
	snprintf(path, sizeof(path), "/workflow-management/executions/%s",
	    eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_alice(), NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(resp_str(&r, "template_id"), id);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "status"), "\"completed\"");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "final_result"),
	    "{\"a\":{\"ok\":true}}");
	resp_free(&r);
	free(eid);
	free(id);
}

static void
test_e2e_tmpl_delete_by_other_is_403_by_admin_204(void)
{
	char	*id;

	id = simple(e2e_tok_alice(), "tmpl-del-other", "\"is_public\":true,");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	/* Public means readable, not deletable. */
	CU_ASSERT_STRING_EQUAL(answer_tmpl("DELETE", id, e2e_tok_bob(), NULL),
	    "403 {\"detail\":\"Access denied\"}");
	CU_ASSERT_EQUAL(on_tmpl("GET", id, e2e_tok_alice(), NULL, NULL), 200);
	CU_ASSERT_STRING_EQUAL(answer_tmpl("DELETE", id, e2e_tok_admin(),
	    NULL), "204 ");
	CU_ASSERT_EQUAL(on_tmpl("GET", id, e2e_tok_alice(), NULL, NULL), 404);
	free(id);
}

/* ---- the list ----------------------------------------------------------- */

/*
 * Every item token may list (all pages of limit items). Checks on the way
 * that pages respect limit, that a page with a next_cursor is full and
 * that no item shows up twice. Returns an array (owned) or NULL.
 */
static struct json_object *
list_all(const char *token, int limit, int *pages)
{
	struct json_object	*all, *items, *nc;
	struct resp		 r;
	char			 path[512], cursor[128] = "";
	size_t			 i, j, n;

	all = json_object_new_array();
	*pages = 0;
	for (;;) {
		snprintf(path, sizeof(path), TMPL_PATH "?limit=%d%s%s", limit,
		    cursor[0] != '\0' ? "&cursor=" : "", cursor);
		if (e2e_req("GET", path, token, NULL, NULL, &r) != 0 ||
		    r.status != 200) {
			CU_FAIL("list page not 200");
			resp_free(&r);
			json_object_put(all);
			return NULL;
		}
		(*pages)++;
		items = member(r.json, "items");
		nc = member(r.json, "next_cursor");
		n = json_object_array_length(items);
		CU_ASSERT(n <= (size_t)limit);
		CU_ASSERT(nc == NULL || n == (size_t)limit);
		for (i = 0; i < n; i++) {
			for (j = 0; j < json_object_array_length(all); j++)
				CU_ASSERT_STRING_NOT_EQUAL(mjs(
				    json_object_array_get_idx(all, j),
				    "template_id"), mjs(
				    json_object_array_get_idx(items, i),
				    "template_id"));
			json_object_array_add(all, json_object_get(
			    json_object_array_get_idx(items, i)));
		}
		if (nc == NULL || *pages > 1000) {
			resp_free(&r);
			return all;
		}
		snprintf(cursor, sizeof(cursor), "%s",
		    json_object_get_string(nc));
		resp_free(&r);
	}
}

/* Index in list of the item with template id, or -1. */
static int
find(struct json_object *list, const char *id)
{
	size_t	 i;

	for (i = 0; list != NULL && i < json_object_array_length(list); i++)
		if (strcmp(json_object_get_string(member(
		    json_object_array_get_idx(list, i), "template_id")),
		    id) == 0)
			return (int)i;
	return -1;
}

static void
test_e2e_tmpl_list_shows_only_executable_templates(void)
{
	struct json_object	*all, *it;
	struct resp		 r;
	char			*priv, *pub, *shr, *own;
	size_t			 i;
	int			 pages;

	priv = simple(e2e_tok_bob(), "tmpl-l-private", NULL);
	pub = simple(e2e_tok_bob(), "tmpl-l-public", "\"is_public\":true,");
	shr = simple(e2e_tok_bob(), "tmpl-l-shared",
	    "\"shared_with\":[\"h8-lister\"],");
	own = simple(TOK_LISTER, "tmpl-l-own", NULL);
	CU_ASSERT_FATAL(priv != NULL && pub != NULL && shr != NULL &&
	    own != NULL);
	all = list_all(TOK_LISTER, 100, &pages);
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	CU_ASSERT(find(all, own) >= 0);
	CU_ASSERT(find(all, pub) >= 0);
	CU_ASSERT(find(all, shr) >= 0);
	CU_ASSERT(find(all, priv) < 0);
	/*
	 * Nothing else slips in: each item is own, public or shared with
	 * h8-lister (which admin, who sees the shares, confirms).
	 */
	for (i = 0; i < json_object_array_length(all); i++) {
		it = json_object_array_get_idx(all, i);
		if (strcmp(mjs(it, "owner_id"), "\"h8-lister\"") == 0 ||
		    strcmp(mjs(it, "is_public"), "true") == 0)
			continue;
		CU_ASSERT_EQUAL(on_tmpl("GET", json_object_get_string(member(
		    it, "template_id")), e2e_tok_admin(), NULL, &r), 200);
		CU_ASSERT_PTR_NOT_NULL(strstr(mjs(r.json, "shared_with"),
		    "\"h8-lister\""));
		resp_free(&r);
	}
	/* An item is a summary: no definition. */
	it = json_object_array_get_idx(all, (size_t)find(all, own));
	CU_ASSERT_EQUAL(json_object_object_length(it), 7);
	CU_ASSERT_STRING_EQUAL(mjs(it, "name"), "\"tmpl-l-own\"");
	CU_ASSERT_STRING_EQUAL(mjs(it, "version"), "1");
	CU_ASSERT_STRING_EQUAL(mjs(it, "is_public"), "false");
	CU_ASSERT_STRING_NOT_EQUAL(mjs(it, "created_at"), "<absent>");
	CU_ASSERT_STRING_NOT_EQUAL(mjs(it, "updated_at"), "<absent>");
	CU_ASSERT_STRING_EQUAL(mjs(it, "steps"), "<absent>");
	json_object_put(all);
	/* Admin sees everyone's. */
	all = list_all(e2e_tok_admin(), 100, &pages);
	CU_ASSERT(find(all, priv) >= 0);
	json_object_put(all);
	free(priv);
	free(pub);
	free(shr);
	free(own);
}

static void
test_e2e_tmpl_list_paginates_newest_first(void)
{
	struct json_object	*all;
	char			*ids[5], name[64];
	size_t			 i;
	int			 k, pages, last = -1;

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "tmpl-page-%zu", i);
		ids[i] = simple(TOK_PAGER, name, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ids[i]);
	}
	all = list_all(TOK_PAGER, 2, &pages);
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	CU_ASSERT_EQUAL(pages, ((int)json_object_array_length(all) + 1) / 2);
	/* Newest first: ids[4] before ids[3] ... before ids[0]. */
	for (i = 5; i-- > 0;) {
		k = find(all, ids[i]);
		CU_ASSERT(k > last);
		last = k;
	}
	json_object_put(all);
	for (i = 0; i < 5; i++)
		free(ids[i]);
}

static void
test_e2e_tmpl_list_rejects_bad_limit_and_cursor(void)
{
	static const char *const bad[] = { "0", "101", "-1", "abc", "",
	    "2x", "1e1" };
	struct resp	 r;
	char		 path[256], cur[128];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), TMPL_PATH "?limit=%s", bad[i]);
		CU_ASSERT_STRING_EQUAL(answer("GET", path, e2e_tok_alice(),
		    NULL), "400 {\"detail\":\"limit must be an integer from 1 "
		    "to 100\"}");
	}
	CU_ASSERT_STRING_EQUAL(answer("GET", TMPL_PATH "?cursor=xyz",
	    e2e_tok_alice(), NULL), "400 {\"detail\":\"Invalid cursor\"}");
	/* A cursor we issued, with one digit changed, is refused too. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", TMPL_PATH "?limit=1",
	    e2e_tok_alice(), NULL, NULL, &r), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(resp_str(&r, "next_cursor"));
	snprintf(cur, sizeof(cur), "%s", resp_str(&r, "next_cursor"));
	resp_free(&r);
	snprintf(path, sizeof(path), TMPL_PATH "?cursor=%s", cur);
	CU_ASSERT_EQUAL(e2e_req("GET", path, e2e_tok_alice(), NULL, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	cur[strlen(cur) - 1] = cur[strlen(cur) - 1] == '0' ? '1' : '0';
	snprintf(path, sizeof(path), TMPL_PATH "?cursor=%s", cur);
	CU_ASSERT_STRING_EQUAL(answer("GET", path, e2e_tok_alice(), NULL),
	    "400 {\"detail\":\"Invalid cursor\"}");
}

/* ---- roles ---------------------------------------------------------------- */

static void
test_e2e_tmpl_roles_reader_cannot_write(void)
{
	const char	*reader = e2e_tok_reader();	/* alice, read only */
	const char	*body = "{\"name\":\"x\",\"steps\":[{\"id\":\"a\","
	    "\"type\":\"transform\",\"output\":1}]}";
	char		*id;

	id = simple(e2e_tok_alice(), "tmpl-roles", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_STRING_EQUAL(answer("POST", TMPL_PATH, reader, body),
	    "403 {\"detail\":\"Missing role template:write\"}");
	CU_ASSERT_STRING_EQUAL(answer_tmpl("PUT", id, reader, body),
	    "403 {\"detail\":\"Missing role template:write\"}");
	CU_ASSERT_STRING_EQUAL(answer_tmpl("DELETE", id, reader, NULL),
	    "403 {\"detail\":\"Missing role template:write\"}");
	/* Her own template is still there and still readable. */
	CU_ASSERT_EQUAL(on_tmpl("GET", id, reader, NULL, NULL), 200);
	/* Executing is not reading. */
	CU_ASSERT_STRING_EQUAL(answer_tmpl("GET", id, TOK_ALICE_EXEC_ONLY,
	    NULL), "403 {\"detail\":\"Missing role workflow:read\"}");
	CU_ASSERT_STRING_EQUAL(answer("GET", TMPL_PATH, TOK_ALICE_EXEC_ONLY,
	    NULL), "403 {\"detail\":\"Missing role workflow:read\"}");
	CU_ASSERT_STRING_EQUAL(answer("POST", TMPL_PATH, TOK_ALICE_EXEC_ONLY,
	    body), "403 {\"detail\":\"Missing role template:write\"}");
	CU_ASSERT_EQUAL(on_tmpl("GET", id, NULL, NULL, NULL), 401);
	/* Unknown ids are checked after the role: no probing by readers. */
	CU_ASSERT_STRING_EQUAL(answer_tmpl("DELETE", "no-such", reader, NULL),
	    "403 {\"detail\":\"Missing role template:write\"}");
	CU_ASSERT_STRING_EQUAL(answer_tmpl("PATCH", id, e2e_tok_alice(), body),
	    "405 {\"detail\":\"Method Not Allowed\"}");
	free(id);
}

E2E_SUITE(test_e2e_tmpl_access_register)

void
test_e2e_tmpl_access_register(void)
{
	CU_pSuite	s = CU_add_suite("tmpl_access", NULL, NULL);

	CU_add_test(s, "get_owner_other_admin_unknown",
	    test_e2e_tmpl_get_owner_other_admin_unknown);
	CU_add_test(s, "public_is_readable_by_any_reader",
	    test_e2e_tmpl_public_is_readable_by_any_reader);
	CU_add_test(s, "shared_user_can_read_and_execute",
	    test_e2e_tmpl_shared_user_can_read_and_execute);
	CU_add_test(s, "put_bumps_version_and_old_execution_keeps_v1",
	    test_e2e_tmpl_put_bumps_version_and_old_execution_keeps_v1);
	CU_add_test(s, "put_by_others_and_bad_puts",
	    test_e2e_tmpl_put_by_others_and_bad_puts);
	CU_add_test(s, "delete_by_owner_keeps_executions",
	    test_e2e_tmpl_delete_by_owner_keeps_executions);
	CU_add_test(s, "delete_by_other_is_403_by_admin_204",
	    test_e2e_tmpl_delete_by_other_is_403_by_admin_204);
	CU_add_test(s, "list_shows_only_executable_templates",
	    test_e2e_tmpl_list_shows_only_executable_templates);
	CU_add_test(s, "list_paginates_newest_first",
	    test_e2e_tmpl_list_paginates_newest_first);
	CU_add_test(s, "list_rejects_bad_limit_and_cursor",
	    test_e2e_tmpl_list_rejects_bad_limit_and_cursor);
	CU_add_test(s, "roles_reader_cannot_write",
	    test_e2e_tmpl_roles_reader_cannot_write);
}
