/*
 * Workflow steps' child executions (include/store_subwf.h): STMT_WF_TMPL,
 * STMT_WF_CHILD_GET, STMT_WF_ROOT_BUMP and STMT_WF_ITER_CHILD.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "jsonx.h"
#include "store.h"
#include "store_int.h"
#include "store_subwf.h"

/* A JSON column parsed (jsonx_parse), or NULL. */
static struct json_object *
parse_or_null(const char *txt)
{
	struct json_object	*o = NULL;
	const char		*msg;
	size_t			 pos;

	if (txt == NULL || jsonx_parse(txt, strlen(txt), &o, &pos, &msg) !=
	    RC_OK)
		return NULL;
	return o;
}

/* Columns of STMT_WF_TMPL. */
enum wft_col { WT_TID, WT_VERSION, WT_DEF, WT_MAY };

int
store_subwf_tmpl(struct store *st, const char *user, const char *template_id,
    long long version, struct store_subwf_tmpl *out)
{
	struct sparam	 p[5];
	struct sres	 t;
	const char	*s;
	int		 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_STR(user);
	p[1] = SP_STR(user);
	p[2] = SP_INT(version);
	p[3] = SP_INT(version);
	p[4] = SP_STR(template_id);
	if ((rc = store_exec(st, STMT_WF_TMPL, p, 5, &t, NULL, NULL)) !=
	    RC_OK)
		return rc;
	if (t.nrows == 0) {
		sres_free(&t);
		return RC_NOTFOUND;
	}
	s = sres_get(&t, 0, WT_TID, NULL);
	snprintf(out->template_id, sizeof(out->template_id), "%s",
	    s != NULL ? s : "");
	out->version = sres_int(&t, 0, WT_VERSION);
	out->definition = parse_or_null(sres_get(&t, 0, WT_DEF, NULL));
	out->may_execute = sres_int(&t, 0, WT_MAY) != 0;
	sres_free(&t);
	return RC_OK;
}

void
store_subwf_tmpl_free(struct store_subwf_tmpl *t)
{
	json_object_put(t->definition);
	memset(t, 0, sizeof(*t));
}

/* Columns of STMT_WF_CHILD_GET. */
enum child_col { WC_ID, WC_STATUS, WC_RESULT, WC_ERROR };

int
store_subwf_child_get(struct store *st, const char *user, const char *name,
    struct store_subwf_child *out)
{
	struct sparam	 p[2];
	struct sres	 c;
	const char	*s;
	int		 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_STR(user);
	p[1] = SP_STR(name);
	if ((rc = store_exec(st, STMT_WF_CHILD_GET, p, 2, &c, NULL, NULL)) !=
	    RC_OK)
		return rc;
	if (c.nrows == 0) {
		sres_free(&c);
		return RC_NOTFOUND;
	}
	s = sres_get(&c, 0, WC_ID, NULL);
	snprintf(out->execution_id, sizeof(out->execution_id), "%s",
	    s != NULL ? s : "");
	s = sres_get(&c, 0, WC_STATUS, NULL);
	snprintf(out->status, sizeof(out->status), "%s", s != NULL ? s : "");
	out->final_result = parse_or_null(sres_get(&c, 0, WC_RESULT, NULL));
	out->error_details = parse_or_null(sres_get(&c, 0, WC_ERROR, NULL));
	sres_free(&c);
	return RC_OK;
}

void
store_subwf_child_free(struct store_subwf_child *c)
{
	json_object_put(c->final_result);
	json_object_put(c->error_details);
	memset(c, 0, sizeof(*c));
}

int
store_subwf_root_bump(struct store *st, const char *root, long long max)
{
	struct sparam	p[2];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_STR(root);
	p[1] = SP_INT(max);
	if ((rc = store_exec(st, STMT_WF_ROOT_BUMP, p, 2, NULL, &n, NULL)) !=
	    RC_OK)
		return rc;
	return n == 0 ? RC_DENIED : RC_OK;
}

int
store_subwf_iter_child(struct store *st, const char *user, const char *prefix,
    char child[UTIL_UUID_LEN])
{
	struct sparam	 p[2];
	struct sres	 res;
	const char	*s;
	char		*pat;
	size_t		 i, n = 0;
	int		 rc;

	child[0] = '\0';
	/* prefix with LIKE's wildcards escaped, then "%". */
	pat = xmalloc(2 * strlen(prefix) + 2);
	for (i = 0; prefix[i] != '\0'; i++) {
		if (prefix[i] == '%' || prefix[i] == '_' || prefix[i] == '\\')
			pat[n++] = '\\';
		pat[n++] = prefix[i];
	}
	pat[n++] = '%';
	pat[n] = '\0';
	p[0] = SP_STR(user);
	p[1] = SP_STR(pat);
	rc = store_exec(st, STMT_WF_ITER_CHILD, p, 2, &res, NULL, NULL);
	free(pat);
	if (rc != RC_OK)
		return rc;
	if (res.nrows == 0) {
		sres_free(&res);
		return RC_NOTFOUND;
	}
	s = sres_get(&res, 0, 0, NULL);
	snprintf(child, UTIL_UUID_LEN, "%s", s != NULL ? s : "");
	sres_free(&res);
	return RC_OK;
}
