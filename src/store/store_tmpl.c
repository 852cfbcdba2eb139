/*
 * Template writes shared by the API and wfmctl, and the audit writer.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "store_int.h"

int
store_audit(struct store *st, const struct store_actor *who,
    const char *action, const char *otype, const char *oid,
    struct json_object *detail)
{
	struct sparam	 p[7];
	const char	*d = detail == NULL ? NULL :
			    json_object_to_json_string_ext(detail,
			    JSON_C_TO_STRING_PLAIN);

	p[0] = SP_STR(who->user);
	p[1] = SP_STR(action);
	p[2] = SP_STR(otype);
	p[3] = SP_STR(oid);
	p[4] = SP_STR(who->client);
	p[5] = SP_STR(who->reqid);
	p[6] = SP_STR(d);
	return store_exec(st, STMT_AUDIT_INSERT, p, 7, NULL, NULL, NULL);
}

int
store_tmpl_get(struct store *st, const char *user, const char *tid,
    struct sres *t)
{
	struct sparam	p[2];
	int		rc;

	p[0] = SP_STR(user);
	p[1] = SP_STR(tid);
	rc = store_exec(st, STMT_TEMPLATE_GET, p, 2, t, NULL, NULL);
	if (rc == RC_OK && (t->nrows == 0 || sres_int(t, 0, TG_DELETED)))
		rc = RC_NOTFOUND;
	if (rc != RC_OK)
		sres_free(t);
	return rc;
}

int
store_tmpl_versions(struct store *st, long long pk, long long before,
    long long limit, struct sres *res)
{
	struct sparam	p[3];

	p[0] = SP_INT(pk);
	p[1] = SP_INT(before);
	p[2] = SP_INT(limit);
	return store_exec(st, STMT_TEMPLATE_VERSIONS, p, 3, res, NULL, NULL);
}

int
store_tmpl_version(struct store *st, long long pk, long long version,
    struct sres *res)
{
	struct sparam	p[2];
	int		rc;

	p[0] = SP_INT(pk);
	p[1] = SP_INT(version);
	rc = store_exec(st, STMT_TEMPLATE_VERSION_GET, p, 2, res, NULL, NULL);
	if (rc == RC_OK && res->nrows == 0) {
		sres_free(res);
		rc = RC_NOTFOUND;
	}
	return rc;
}

/* The definition part of a body: a copy without is_public/shared_with. */
static struct json_object *
definition_of(struct json_object *body)
{
	struct json_object	*def = json_object_new_object();

	json_object_object_foreach(body, key, val) {
		if (strcmp(key, "is_public") == 0 ||
		    strcmp(key, "shared_with") == 0)
			continue;
		json_object_object_add(def, key, json_object_get(val));
	}
	return def;
}

/* Parameters name, description, is_public, max_concurrent of a body. */
static void
tmpl_params(struct json_object *body, struct sparam p[4])
{
	struct json_object	*v, *g;

	p[0] = json_object_object_get_ex(body, "name", &v) ?
	    SP_STR(json_object_get_string(v)) : SP_NULL();
	p[1] = json_object_object_get_ex(body, "description", &v) ?
	    SP_STR(json_object_get_string(v)) : SP_NULL();
	p[2] = SP_INT(json_object_object_get_ex(body, "is_public", &v) &&
	    json_object_get_boolean(v));
	/*
	 * A JSON null (accepted by validation as "not set") is no limit:
	 * json_object_get_int64(NULL) would store 0, a limit that lets no
	 * execution of the template ever be claimed.
	 */
	p[3] = json_object_object_get_ex(body, "global_config", &g) &&
	    json_object_object_get_ex(g, "max_concurrent_executions", &v) &&
	    v != NULL ? SP_INT(json_object_get_int64(v)) : SP_NULL();
}

static int
put_version(struct store *st, long long pk, long long version,
    struct json_object *body)
{
	struct json_object	*def = definition_of(body);
	struct sparam		 p[3];
	int			 rc;

	p[0] = SP_INT(pk);
	p[1] = SP_INT(version);
	p[2] = SP_STR(json_object_to_json_string_ext(def,
	    JSON_C_TO_STRING_PLAIN));
	rc = store_exec(st, STMT_TEMPLATE_VERSION_INSERT, p, 3, NULL, NULL,
	    NULL);
	json_object_put(def);
	return rc;
}

static int
put_shares(struct store *st, long long pk, struct json_object *body,
    int replace)
{
	struct json_object	*sw;
	struct sparam		 p[2];
	size_t			 i;
	int			 rc = RC_OK;

	p[0] = SP_INT(pk);
	if (replace && (rc = store_exec(st, STMT_TEMPLATE_SHARES_DELETE, p, 1,
	    NULL, NULL, NULL)) != RC_OK)
		return rc;
	/* "shared_with": null is no shares (json-c asserts on a NULL array). */
	if (!json_object_object_get_ex(body, "shared_with", &sw) || sw == NULL)
		return RC_OK;
	for (i = 0; i < json_object_array_length(sw) && rc == RC_OK; i++) {
		p[1] = SP_STR(json_object_get_string(
		    json_object_array_get_idx(sw, i)));
		rc = store_exec(st, STMT_TEMPLATE_SHARE_INSERT, p, 2, NULL,
		    NULL, NULL);
	}
	return rc;
}

static int
audit_version(struct store *st, const struct store_actor *who,
    const char *action, const char *tid, long long version)
{
	struct json_object	*d = json_object_new_object();
	int			 rc;

	json_object_object_add(d, "version", json_object_new_int64(version));
	rc = store_audit(st, who, action, "template", tid, d);
	json_object_put(d);
	return rc;
}

struct tmpl_args {
	const struct store_actor	*who;
	struct json_object		*body;
	const char			*tid;
	long long			 pk;	/* update */
};

static int
create_body(struct store *st, void *arg)
{
	struct tmpl_args	*a = arg;
	struct sparam		 p[6];
	uint64_t		 pk = 0;
	int			 rc;

	p[0] = SP_STR(a->tid);
	p[1] = SP_STR(a->who->user);
	tmpl_params(a->body, p + 2);
	rc = store_exec(st, STMT_TEMPLATE_INSERT, p, 6, NULL, NULL, &pk);
	if (rc == RC_OK)
		rc = put_version(st, (long long)pk, 1, a->body);
	if (rc == RC_OK)
		rc = put_shares(st, (long long)pk, a->body, 0);
	if (rc == RC_OK)
		rc = audit_version(st, a->who, "template.create", a->tid, 1);
	return rc;
}

int
store_tmpl_create(struct store *st, const struct store_actor *who,
    struct json_object *body, char tid[UTIL_UUID_LEN])
{
	struct tmpl_args	a = { who, body, tid, 0 };

	util_uuid(tid);
	return store_tx(st, 0, create_body, &a);
}

static int
update_body(struct store *st, void *arg)
{
	struct tmpl_args	*a = arg;
	struct sparam		 p[5];
	struct sres		 lk;
	long long		 version = 0;
	int			 rc;

	p[0] = SP_INT(a->pk);
	rc = store_exec(st, STMT_TEMPLATE_LOCK, p, 1, &lk, NULL, NULL);
	if (rc == RC_OK && (lk.nrows == 0 || sres_int(&lk, 0, 1)))
		rc = RC_NOTFOUND;
	if (rc == RC_OK)
		version = sres_int(&lk, 0, 0) + 1;
	sres_free(&lk);
	if (rc == RC_OK) {
		tmpl_params(a->body, p);
		p[4] = SP_INT(a->pk);
		rc = store_exec(st, STMT_TEMPLATE_UPDATE, p, 5, NULL, NULL,
		    NULL);
	}
	if (rc == RC_OK)
		rc = put_version(st, a->pk, version, a->body);
	if (rc == RC_OK)
		rc = put_shares(st, a->pk, a->body, 1);
	if (rc == RC_OK)
		rc = audit_version(st, a->who, "template.update", a->tid,
		    version);
	return rc;
}

int
store_tmpl_update(struct store *st, const struct store_actor *who,
    long long pk, const char *tid, struct json_object *body)
{
	struct tmpl_args	a = { who, body, tid, pk };

	return store_tx(st, 0, update_body, &a);
}
