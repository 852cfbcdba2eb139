/*
 * Templates: create, read, list, replace (new version), soft delete,
 * and the versions kept.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "jsonx.h"
#include "log.h"
#include "store_sched.h"
#include "store_tmpl.h"
#include "tmpl.h"

static void
add_time(struct json_object *o, const char *key, long long ms)
{
	char	buf[UTIL_TIME_LEN];

	util_time_fmt(ms, buf);
	json_object_object_add(o, key, json_object_new_string(buf));
}

static int
validate(struct http_req *r)
{
	struct json_object	*gc, *n;
	struct verr		*ve;
	struct jpath		 p;
	int			 rc = RC_OK;

	if (http_req_body(r, 0) != RC_OK)
		return RC_INVALID;
	ve = verr_new();
	(void)tmpl_validate(r->body, ve);
	/*
	 * The definition is stored as a whole: it may nest one level less
	 * than a request body (JSONX_STORE_DEPTH_MAX), or the database
	 * refuses it.
	 */
	if (jsonx_deeper(r->body, JSONX_STORE_DEPTH_MAX)) {
		jpath_init(&p, "body");
		verr_add(ve, "value_error", &p, "Value error, the template "
		    "nests objects and arrays deeper than 31 levels", NULL,
		    NULL);
	}
	if (verr_count(ve) > 0) {
		http_resp_verr(r, ve);
		rc = RC_INVALID;
	}
	verr_free(ve);
	/* A global_config.notify is signed with its owner's secret. */
	if (rc == RC_OK && json_object_object_get_ex(r->body, "global_config",
	    &gc) && json_object_object_get_ex(gc, "notify", &n) && n != NULL) {
		jpath_init(&p, "body");
		jpath_key(&p, "global_config");
		jpath_key(&p, "notify");
		rc = http_webhook_need_secret(r, &p);
	}
	return rc;
}

/*
 * One workflow step s (a step, or a map's inner step: inner set) of
 * steps[i] against owner, as workflow_refs says. RC_OK, or the cache's
 * code (the answer is the caller's); errors go to ve.
 */
static int
workflow_ref(struct http_req *r, struct json_object *s, size_t i, int inner,
    const char *owner, int admin, struct verr *ve)
{
	const struct tcache_ent	*ent;
	struct json_object	*v;
	struct jpath		 p;
	const char		*type, *tid;
	int			 k, rc, may;

	if (!json_object_object_get_ex(s, "type", &v) ||
	    (type = json_object_get_string(v)) == NULL ||
	    strcmp(type, "workflow") != 0 ||
	    !json_object_object_get_ex(s, "template_id", &v))
		return RC_OK;
	tid = json_object_get_string(v);
	jpath_init(&p, "body");
	jpath_key(&p, "steps");
	jpath_idx(&p, (int)i);
	if (inner)
		jpath_key(&p, "step");
	jpath_key(&p, "template_id");
	rc = strlen(tid) <= HTTP_ID_MAX ? http_tcache_get(r, tid, 1, &ent) :
	    RC_NOTFOUND;
	if (rc == RC_NOTFOUND) {
		verr_add(ve, "value_error", &p, "Value error, template "
		    "not found", v, NULL);
		return RC_OK;
	}
	if (rc != RC_OK)
		return rc;
	may = admin || ent->is_public || strcmp(ent->owner, owner) == 0;
	for (k = 0; !may && k < ent->nshares; k++)
		may = strcmp(ent->shares[k], owner) == 0;
	if (!may) {
		verr_add(ve, "value_error", &p, "Value error, the "
		    "template's owner may not execute this template", v, NULL);
		return RC_OK;
	}
	if (json_object_object_get_ex(s, "version", &v) &&
	    json_object_get_int64(v) > ent->version) {
		jpath_pop(&p);
		jpath_key(&p, "version");
		verr_add(ve, "value_error", &p, "Value error, the "
		    "template has no such version", v, NULL);
	}
	return RC_OK;
}

/*
 * The templates that the workflow steps of r->body name (engine.md
 * "workflow"): each must exist (at the pinned version when one is given)
 * and its owner-to-be (owner, admin when the owner is the caller and an
 * admin) must be allowed to execute it. 422 with the exact loc of the
 * step's template_id (or version); RC_OK when every one is usable, else
 * the answer is set. A template that calls itself is fine here (it is
 * stopped at run time by the depth limit) when it already exists.
 */
static int
workflow_refs(struct http_req *r, const char *owner, int admin)
{
	struct json_object	*steps, *s, *in;
	struct verr		*ve;
	size_t			 i, n;
	int			 rc = RC_OK;

	if (!json_object_object_get_ex(r->body, "steps", &steps) ||
	    !json_object_is_type(steps, json_type_array))
		return RC_OK;
	ve = verr_new();
	n = json_object_array_length(steps);
	for (i = 0; i < n && rc == RC_OK; i++) {
		s = json_object_array_get_idx(steps, i);
		rc = workflow_ref(r, s, i, 0, owner, admin, ve);
		/* A map's inner workflow step: the same rules. */
		if (rc == RC_OK && json_object_object_get_ex(s, "step", &in) &&
		    json_object_is_type(in, json_type_object))
			rc = workflow_ref(r, in, i, 1, owner, admin, ve);
	}
	if (rc != RC_OK)
		http_resp_rc(r, rc, "Template not found");
	else if (verr_count(ve) > 0) {
		http_resp_verr(r, ve);
		rc = RC_INVALID;
	}
	verr_free(ve);
	return rc;
}

/*
 * The stored template document for template_id (after a write: read
 * back). With full, the definition and shares are included.
 */
static int
template_document(struct http_req *r, const char *tid, int check_access,
    int status)
{
	struct store_tmpl_shares sh;
	struct store_tmpl_row	 t;
	struct json_object	*o, *sw;
	size_t			 i;
	int			 rc, owner;

	if ((rc = store_tmpl_get(r->app->st, r->who.sub, tid, &t)) != RC_OK) {
		http_resp_rc(r, rc, "Template not found");
		return rc;
	}
	owner = strcmp(t.owner, r->who.sub) == 0 ||
	    auth_has_role(&r->who, ROLE_ADMIN);
	if (check_access && !owner && !t.is_public && !t.shared) {
		store_tmpl_row_free(&t);
		http_resp_detail(r, 403, "Access denied");
		return RC_DENIED;
	}
	o = json_object_new_object();
	json_object_object_add(o, "template_id", json_object_new_string(t.id));
	json_object_object_add(o, "version", json_object_new_int64(t.version));
	json_object_object_add(o, "owner_id", json_object_new_string(t.owner));
	json_object_object_add(o, "is_public",
	    json_object_new_boolean(t.is_public));
	sw = json_object_new_array();
	if (owner && store_tmpl_shares(r->app->st, t.pk, &sh) == RC_OK) {
		for (i = 0; i < sh.n; i++)
			json_object_array_add(sw,
			    json_object_new_string(sh.v[i]));
		store_tmpl_shares_free(&sh);
	}
	json_object_object_add(o, "shared_with", sw);
	add_time(o, "created_at", t.created_ms);
	add_time(o, "updated_at", t.updated_ms);
	if (t.def != NULL) {
		json_object_object_foreach(t.def, key, val)
			json_object_object_add(o, key, json_object_get(val));
	}
	store_tmpl_row_free(&t);
	http_resp_json(r, status, o);
	return RC_OK;
}

static void
actor(const struct http_req *r, struct store_actor *who)
{
	who->user = r->who.sub;
	who->client = r->remote_addr;
	who->reqid = r->reqid;
}

void
http_h_tmpl_create(struct http_req *r)
{
	struct store_actor	who;
	char			tid[UTIL_UUID_LEN];
	int			rc;

	if (validate(r) != RC_OK || workflow_refs(r, r->who.sub,
	    auth_has_role(&r->who, ROLE_ADMIN)) != RC_OK)
		return;
	actor(r, &who);
	if ((rc = store_tmpl_create(r->app->st, &who, r->body, tid)) !=
	    RC_OK) {
		http_resp_rc(r, rc, "Template not found");
		return;
	}
	http_resp_header(r, "Location: %s/workflow-management/templates/%s",
	    r->app->cfg->http.base_path, tid);
	(void)template_document(r, tid, 0, 201);
}

void
http_h_tmpl_get(struct http_req *r)
{
	(void)template_document(r, r->id, 1, 200);
}

/*
 * Load template r->id for a write (write 1) or a read: 404 when unknown
 * or deleted, 403 when the caller is neither owner nor admin nor, for a
 * read, shared with nor it is public (the rules of GET
 * .../templates/{id}). *pk set on RC_OK, and *owner (the caller's to
 * free) when owner is not NULL.
 */
static int
load_checked(struct http_req *r, int write, long long *pk, char **owner)
{
	struct store_tmpl_row	t;
	int			rc, may = 0;

	rc = store_tmpl_get(r->app->st, r->who.sub, r->id, &t);
	if (rc == RC_OK) {
		may = strcmp(t.owner, r->who.sub) == 0 ||
		    auth_has_role(&r->who, ROLE_ADMIN) || (!write &&
		    (t.is_public || t.shared));
		if (owner != NULL)
			*owner = xstrdup(t.owner);
	}
	if (rc == RC_OK && !may)
		rc = RC_DENIED;
	if (rc == RC_OK)
		*pk = t.pk;
	store_tmpl_row_free(&t);
	if (rc != RC_OK)
		http_resp_rc(r, rc, "Template not found");
	return rc;
}

void
http_h_tmpl_put(struct http_req *r)
{
	struct store_actor	who;
	long long		pk;
	char			*owner = NULL;
	int			rc;

	/*
	 * The body is checked first (415/422, then 404/403), in the order
	 * of POST /execute and of FastAPI, which validates a request body
	 * before the handler looks anything up.
	 */
	if (validate(r) != RC_OK || load_checked(r, 1, &pk, &owner) != RC_OK)
		goto out;
	/* An admin's own templates may call any; another owner's, theirs. */
	if (workflow_refs(r, owner, strcmp(owner, r->who.sub) == 0 &&
	    auth_has_role(&r->who, ROLE_ADMIN)) != RC_OK)
		goto out;
	actor(r, &who);
	if ((rc = store_tmpl_update(r->app->st, &who, pk, r->id, r->body)) !=
	    RC_OK)
		http_resp_rc(r, rc, "Template not found");
	else
		(void)template_document(r, r->id, 0, 200);
out:
	free(owner);
}

struct delete_args {
	struct http_req	*r;
	long long	 pk;
};

static int
delete_body(struct store *st, void *arg)
{
	struct delete_args	*a = arg;
	int			 rc;

	rc = store_tmpl_delete(st, a->pk);
	/* Deleting a template pauses its schedules (engine.md). */
	if (rc == RC_OK)
		rc = store_sched_pause_template(st, a->pk);
	if (rc == RC_OK)
		rc = http_audit(a->r, "template.delete", "template", a->r->id,
		    NULL);
	return rc;
}

void
http_h_tmpl_delete(struct http_req *r)
{
	struct delete_args	a;
	long long		pk;
	int			rc;

	if (load_checked(r, 1, &pk, NULL) != RC_OK)
		return;
	a.r = r;
	a.pk = pk;
	rc = store_tx(r->app->st, 0, delete_body, &a);
	if (rc != RC_OK)
		http_resp_rc(r, rc, "Template not found");
	else
		r->status = 204;
}

void
http_h_tmpl_list(struct http_req *r)
{
	struct store_tmpl_list	 l;
	struct store_tmpl_item	*t;
	struct json_object	*items, *it;
	long long		 limit, before;
	size_t			 i;
	int			 rc;

	if (http_page_args(r, &limit, &before) != RC_OK)
		return;
	rc = store_tmpl_list(http_read_store(r->app),
	    auth_has_role(&r->who, ROLE_ADMIN) ? NULL : r->who.sub, before,
	    limit + 1, &l);
	if (rc != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < l.n && i < (size_t)limit; i++) {
		t = &l.v[i];
		it = json_object_new_object();
		json_object_object_add(it, "template_id",
		    json_object_new_string(t->id));
		json_object_object_add(it, "owner_id",
		    json_object_new_string(t->owner));
		json_object_object_add(it, "name",
		    json_object_new_string(t->name));
		json_object_object_add(it, "version",
		    json_object_new_int64(t->version));
		json_object_object_add(it, "is_public",
		    json_object_new_boolean(t->is_public));
		add_time(it, "created_at", t->created_ms);
		add_time(it, "updated_at", t->updated_ms);
		json_object_array_add(items, it);
	}
	http_page_send(r, items, l.n, limit, l.n > (size_t)limit ?
	    l.v[limit - 1].pk : 0);
	store_tmpl_list_free(&l);
}

void
http_h_tmpl_versions(struct http_req *r)
{
	struct store_tver_list	 l;
	struct store_tver_row	*v;
	struct json_object	*items, *it;
	long long		 pk, limit, before;
	size_t			 i;
	int			 rc;

	if (http_page_args(r, &limit, &before) != RC_OK ||
	    load_checked(r, 0, &pk, NULL) != RC_OK)
		return;
	rc = store_tmpl_versions(r->app->st, pk, before, limit + 1, &l);
	if (rc != RC_OK) {
		http_resp_rc(r, rc, NULL);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < l.n && i < (size_t)limit; i++) {
		v = &l.v[i];
		it = json_object_new_object();
		json_object_object_add(it, "version",
		    json_object_new_int64(v->version));
		add_time(it, "created_at", v->created_ms);
		json_object_object_add(it, "name",
		    json_object_new_string(v->name != NULL ? v->name : ""));
		json_object_object_add(it, "description", v->desc == NULL ?
		    NULL : json_object_new_string(v->desc));
		json_object_array_add(items, it);
	}
	http_page_send(r, items, l.n, limit, l.n > (size_t)limit ?
	    l.v[limit - 1].version : 0);
	store_tver_list_free(&l);
}

void
http_h_tmpl_version(struct http_req *r)
{
	struct store_tver_row	 v;
	struct json_object	*o;
	long long		 pk, version;
	const char		*why;
	int			 rc;

	if (load_checked(r, 0, &pk, NULL) != RC_OK)
		return;
	/* Versions count from 1 and are stored as INT UNSIGNED. */
	if (util_number(r->sub, 1, UINT32_MAX, &version, &why) != RC_OK) {
		http_resp_detail(r, 404, "Version not found");
		return;
	}
	rc = store_tmpl_version(r->app->st, pk, version, &v);
	if (rc != RC_OK) {
		http_resp_rc(r, rc, "Version not found");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "template_id",
	    json_object_new_string(r->id));
	json_object_object_add(o, "version", json_object_new_int64(v.version));
	add_time(o, "created_at", v.created_ms);
	if (v.def != NULL) {
		json_object_object_foreach(v.def, key, val)
			json_object_object_add(o, key, json_object_get(val));
	}
	store_tver_row_free(&v);
	http_resp_json(r, 200, o);
}
