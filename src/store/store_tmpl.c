/*
 * Templates in the store (include/store_tmpl.h), shared by the API and
 * wfmctl, and the audit writer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store_int.h"
#include "store_tmpl.h"

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

void
store_tmpl_row_free(struct store_tmpl_row *t)
{
	free(t->owner);
	free(t->name);
	json_object_put(t->def);
	memset(t, 0, sizeof(*t));
}

/* Columns of STMT_TEMPLATE_GET. */
enum { TG_PK, TG_ID, TG_OWNER, TG_NAME, TG_VERSION, TG_PUBLIC,
    TG_CREATED, TG_UPDATED, TG_DELETED, TG_DEF, TG_SHARED, TG_MAXCONC };

int
store_tmpl_get(struct store *st, const char *user, const char *tid,
    struct store_tmpl_row *t)
{
	struct sparam	p[2];
	struct sres	res;
	int		rc;

	memset(t, 0, sizeof(*t));
	p[0] = SP_STR(user);
	p[1] = SP_STR(tid);
	rc = store_exec(st, STMT_TEMPLATE_GET, p, 2, &res, NULL, NULL);
	if (rc == RC_OK && (res.nrows == 0 || sres_int(&res, 0, TG_DELETED)))
		rc = RC_NOTFOUND;
	if (rc == RC_OK) {
		t->pk = sres_int(&res, 0, TG_PK);
		snprintf(t->id, sizeof(t->id), "%s",
		    sres_get(&res, 0, TG_ID, NULL));
		t->owner = sres_dup(&res, 0, TG_OWNER);
		t->name = sres_dup(&res, 0, TG_NAME);
		t->version = sres_int(&res, 0, TG_VERSION);
		t->is_public = sres_int(&res, 0, TG_PUBLIC) != 0;
		t->shared = sres_int(&res, 0, TG_SHARED) != 0;
		t->created_ms = sres_ms(&res, 0, TG_CREATED);
		t->updated_ms = sres_ms(&res, 0, TG_UPDATED);
		t->has_max_concurrent = sres_get(&res, 0, TG_MAXCONC, NULL) !=
		    NULL;
		t->max_concurrent = sres_int(&res, 0, TG_MAXCONC);
		t->def = sres_json(&res, 0, TG_DEF);
	}
	sres_free(&res);
	return rc;
}

void
store_tmpl_shares_free(struct store_tmpl_shares *sh)
{
	size_t	i;

	for (i = 0; i < sh->n; i++)
		free(sh->v[i]);
	free(sh->v);
	memset(sh, 0, sizeof(*sh));
}

/* Columns of STMT_TEMPLATE_SHARES_GET. */
enum { TS_USER };

int
store_tmpl_shares(struct store *st, long long pk,
    struct store_tmpl_shares *sh)
{
	struct sparam	p[1];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(sh, 0, sizeof(*sh));
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_TEMPLATE_SHARES_GET, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	sh->v = xcalloc(res.nrows + 1, sizeof(*sh->v));
	for (i = 0; i < res.nrows; i++)
		if (sres_get(&res, i, TS_USER, NULL) != NULL)
			sh->v[sh->n++] = sres_dup(&res, i, TS_USER);
	sres_free(&res);
	return RC_OK;
}

void
store_tmpl_list_free(struct store_tmpl_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].owner);
		free(l->v[i].name);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Columns of STMT_TEMPLATE_LIST and STMT_TEMPLATE_LIST_ADMIN. */
enum { TL_ID, TL_OWNER, TL_NAME, TL_VERSION, TL_PUBLIC, TL_CREATED,
    TL_UPDATED, TL_PK };

int
store_tmpl_list(struct store *st, const char *user, long long before,
    long long limit, struct store_tmpl_list *l)
{
	struct store_tmpl_item	*it;
	struct sparam		 p[4];
	struct sres		 res;
	size_t			 i;
	int			 rc;

	memset(l, 0, sizeof(*l));
	p[0] = SP_INT(before);
	if (user == NULL) {
		p[1] = SP_INT(limit);
		rc = store_exec(st, STMT_TEMPLATE_LIST_ADMIN, p, 2, &res, NULL,
		    NULL);
	} else {
		p[1] = SP_STR(user);
		p[2] = SP_STR(user);
		p[3] = SP_INT(limit);
		rc = store_exec(st, STMT_TEMPLATE_LIST, p, 4, &res, NULL,
		    NULL);
	}
	if (rc != RC_OK)
		return rc;
	l->v = xcalloc(res.nrows + 1, sizeof(*l->v));
	for (i = 0; i < res.nrows; i++) {
		it = &l->v[l->n++];
		it->pk = sres_int(&res, i, TL_PK);
		snprintf(it->id, sizeof(it->id), "%s",
		    sres_get(&res, i, TL_ID, NULL));
		it->owner = sres_dup(&res, i, TL_OWNER);
		it->name = sres_dup(&res, i, TL_NAME);
		it->version = sres_int(&res, i, TL_VERSION);
		it->is_public = sres_int(&res, i, TL_PUBLIC) != 0;
		it->created_ms = sres_ms(&res, i, TL_CREATED);
		it->updated_ms = sres_ms(&res, i, TL_UPDATED);
	}
	sres_free(&res);
	return RC_OK;
}

/* Columns of STMT_TEMPLATE_BY_OWNER_NAME. */
enum { TB_ID };

int
store_tmpl_by_owner_name(struct store *st, const char *owner,
    const char *name, char tid[UTIL_UUID_LEN])
{
	struct sparam	p[2];
	struct sres	res;
	int		rc;

	p[0] = SP_STR(owner);
	p[1] = SP_STR(name);
	if ((rc = store_exec(st, STMT_TEMPLATE_BY_OWNER_NAME, p, 2, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 0)
		rc = RC_NOTFOUND;
	else
		snprintf(tid, UTIL_UUID_LEN, "%s",
		    sres_get(&res, 0, TB_ID, NULL));
	sres_free(&res);
	return rc;
}

void
store_tver_row_free(struct store_tver_row *v)
{
	free(v->name);
	free(v->desc);
	json_object_put(v->def);
	memset(v, 0, sizeof(*v));
}

void
store_tver_list_free(struct store_tver_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		store_tver_row_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * Columns of STMT_TEMPLATE_VERSIONS (TV_VERSION..TV_DESC) and of
 * STMT_TEMPLATE_VERSION_GET (all; its TV_DESC is NULL).
 */
enum { TV_VERSION, TV_CREATED, TV_NAME, TV_DESC, TV_DEF };

/* Row j of a version result into *v (the definition when with_def). */
static void
tver_decode(const struct sres *res, size_t j, int with_def,
    struct store_tver_row *v)
{
	v->version = sres_int(res, j, TV_VERSION);
	v->created_ms = sres_ms(res, j, TV_CREATED);
	v->name = sres_dup(res, j, TV_NAME);
	v->desc = sres_dup(res, j, TV_DESC);
	v->def = with_def ? sres_json(res, j, TV_DEF) : NULL;
}

int
store_tmpl_versions(struct store *st, long long pk, long long before,
    long long limit, struct store_tver_list *l)
{
	struct sparam	p[3];
	struct sres	res;
	size_t		i;
	int		rc;

	memset(l, 0, sizeof(*l));
	p[0] = SP_INT(pk);
	p[1] = SP_INT(before);
	p[2] = SP_INT(limit);
	if ((rc = store_exec(st, STMT_TEMPLATE_VERSIONS, p, 3, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	l->v = xcalloc(res.nrows + 1, sizeof(*l->v));
	for (i = 0; i < res.nrows; i++)
		tver_decode(&res, i, 0, &l->v[l->n++]);
	sres_free(&res);
	return RC_OK;
}

int
store_tmpl_version(struct store *st, long long pk, long long version,
    struct store_tver_row *v)
{
	struct sparam	p[2];
	struct sres	res;
	int		rc;

	memset(v, 0, sizeof(*v));
	p[0] = SP_INT(pk);
	p[1] = SP_INT(version);
	if ((rc = store_exec(st, STMT_TEMPLATE_VERSION_GET, p, 2, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 0)
		rc = RC_NOTFOUND;
	else
		tver_decode(&res, 0, 1, v);
	sres_free(&res);
	return rc;
}

int
store_tmpl_delete(struct store *st, long long pk)
{
	struct sparam	p[1];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_INT(pk);
	rc = store_exec(st, STMT_TEMPLATE_DELETE, p, 1, NULL, &n, NULL);
	if (rc == RC_OK && n == 0)
		rc = RC_NOTFOUND;
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

/* Columns of STMT_TEMPLATE_LOCK. */
enum { TK_VERSION, TK_DELETED };

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
	if (rc == RC_OK && (lk.nrows == 0 || sres_int(&lk, 0, TK_DELETED)))
		rc = RC_NOTFOUND;
	if (rc == RC_OK)
		version = sres_int(&lk, 0, TK_VERSION) + 1;
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
