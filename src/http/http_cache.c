/*
 * A worker-local cache of what POST /execute needs to know about a
 * template before it writes: id, version, name, owner, is_public, the
 * shares and the input schema. It never decides alone: the INSERT checks
 * the cached version against the row (store_exec_insert: RC_CHANGED), and a
 * PUT, a share change or a delete bumps or hides it, so a stale entry
 * only costs one refresh. Bounded: the least recently used entry goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "log.h"
#include "schema.h"
#include "store_exec.h"
#include "store_tmpl.h"

#define TCACHE_MAX	256

static struct tcache_ent	*ents[TCACHE_MAX];
static uint64_t			 clock_tick;

static void
ent_free(struct tcache_ent *e)
{
	int	i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nshares; i++)
		free(e->shares[i]);
	free(e->shares);
	free(e->name);
	free(e->owner);
	schema_free(e->schema);
	free(e);
}

static int
slot_of(const char *tid)
{
	int	i;

	for (i = 0; i < TCACHE_MAX; i++)
		if (ents[i] != NULL && strcmp(ents[i]->tid, tid) == 0)
			return i;
	return -1;
}

static int
compile_schema(const char *tid, struct json_object *doc, struct schema **out)
{
	struct verr	*ve = verr_new();
	struct jpath	 p;
	int		 rc = RC_OK;

	jpath_init(&p, "input_schema");
	if (schema_compile(doc, &p, ve, out) != 0) {
		log_warnx("template %s: stored input_schema does not compile: "
		    "%s", tid, json_object_to_json_string(verr_list(ve)));
		rc = RC_ERR;
	}
	verr_free(ve);
	return rc;
}

/* Fetch template tid from the database into a new entry. */
static int
fetch(struct http_req *r, const char *tid, struct tcache_ent **out)
{
	struct store_tmpl_shares sh;
	struct store_tmpl_row	 t;
	struct tcache_ent	*e;
	struct json_object	*schema;
	int			 rc;

	if ((rc = store_tmpl_get(r->app->st, r->who.sub, tid, &t)) != RC_OK)
		return rc;
	if ((rc = store_tmpl_shares(r->app->st, t.pk, &sh)) != RC_OK) {
		store_tmpl_row_free(&t);
		return rc;
	}
	if (t.def == NULL) {
		log_warnx("template %s: stored definition unreadable", tid);
		store_tmpl_row_free(&t);
		store_tmpl_shares_free(&sh);
		return RC_ERR;
	}
	e = xcalloc(1, sizeof(*e));
	snprintf(e->tid, sizeof(e->tid), "%s", tid);
	e->pk = t.pk;
	e->version = t.version;
	e->name = xstrdup(t.name);
	e->owner = xstrdup(t.owner);
	e->is_public = t.is_public;
	/* The shares move to the entry, which frees them (ent_free). */
	e->nshares = (int)sh.n;
	e->shares = sh.v;
	sh.v = NULL;
	sh.n = 0;
	/*
	 * Compiled once per cached entry (patterns included), never per
	 * request. A stored schema compiled when it was stored; failing now
	 * means a stored definition older than the validator.
	 */
	if (json_object_object_get_ex(t.def, "input_schema", &schema) &&
	    schema != NULL && compile_schema(tid, schema, &e->schema) != RC_OK) {
		store_tmpl_row_free(&t);
		ent_free(e);
		return RC_ERR;
	}
	store_tmpl_row_free(&t);
	*out = e;
	return RC_OK;
}

int
http_tcache_get(struct http_req *r, const char *tid, int refresh,
    const struct tcache_ent **out)
{
	struct tcache_ent	*e = NULL;
	int			 i, victim = 0, rc;

	if ((i = slot_of(tid)) != -1 && !refresh) {
		ents[i]->used = ++clock_tick;
		*out = ents[i];
		return RC_OK;
	}
	if (i != -1) {
		ent_free(ents[i]);
		ents[i] = NULL;
	}
	if ((rc = fetch(r, tid, &e)) != RC_OK)
		return rc;
	for (i = 0; i < TCACHE_MAX; i++) {
		if (ents[i] == NULL) {
			victim = i;
			break;
		}
		if (ents[i]->used < ents[victim]->used)
			victim = i;
	}
	ent_free(ents[victim]);
	e->used = ++clock_tick;
	ents[victim] = e;
	*out = e;
	return RC_OK;
}

int
http_tcache_may_use(const struct tcache_ent *e, const struct principal *who)
{
	int	i;

	if (e->is_public || strcmp(e->owner, who->sub) == 0 ||
	    auth_has_role(who, ROLE_ADMIN))
		return 1;
	for (i = 0; i < e->nshares; i++)
		if (strcmp(e->shares[i], who->sub) == 0)
			return 1;
	return 0;
}

void
http_tcache_clear(void)
{
	int	i;

	for (i = 0; i < TCACHE_MAX; i++) {
		ent_free(ents[i]);
		ents[i] = NULL;
	}
}
