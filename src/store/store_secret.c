/*
 * Secrets (include/store_secret.h): STMT_SECRETS_OF_OWNER and
 * STMT_SECRET_PUT of store_sql.c, bound and decoded here.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store_int.h"
#include "store_secret.h"

/* A copy of a cell's bytes (NUL-terminated), its length in *len. */
static unsigned char *
cell_bytes(const struct sres *res, size_t j, size_t col, size_t *len)
{
	const char	*v = sres_get(res, j, col, len);
	unsigned char	*b;

	if (v == NULL) {
		*len = 0;
		return NULL;
	}
	b = xmalloc(*len + 1);
	memcpy(b, v, *len);
	b[*len] = '\0';
	return b;
}

/* Columns of STMT_SECRETS_OF_OWNER. */
enum { SO_NAME, SO_NONCE, SO_CT, SO_TAG };

int
store_secret_list_owner(struct store *st, const char *owner,
    struct store_secret_list *out)
{
	struct sparam		 p[1];
	struct sres		 res;
	struct store_secret	*w;
	const char		*name;
	size_t			 j;
	int			 rc;

	memset(out, 0, sizeof(*out));
	p[0] = SP_STR(owner);
	if ((rc = store_exec(st, STMT_SECRETS_OF_OWNER, p, 1, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	out->v = xcalloc(res.nrows + 1, sizeof(*out->v));
	for (j = 0; j < res.nrows; j++) {
		w = &out->v[out->n++];
		name = sres_get(&res, j, SO_NAME, NULL);
		w->name = xstrdup(name != NULL ? name : "");
		w->nonce = cell_bytes(&res, j, SO_NONCE, &w->nonce_len);
		w->ct = cell_bytes(&res, j, SO_CT, &w->ct_len);
		w->tag = cell_bytes(&res, j, SO_TAG, &w->tag_len);
	}
	sres_free(&res);
	return RC_OK;
}

void
store_secret_list_free(struct store_secret_list *l)
{
	size_t	j;

	for (j = 0; l->v != NULL && j < l->n; j++) {
		free(l->v[j].name);
		free(l->v[j].nonce);
		free(l->v[j].ct);
		free(l->v[j].tag);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
store_secret_put(struct store *st, const struct store_secret_new *s)
{
	struct sparam	p[5];

	p[0] = SP_STR(s->owner);
	p[1] = SP_STR(s->name);
	p[2] = SP_BLOB(s->nonce, s->nonce_len);
	p[3] = SP_BLOB(s->ct, s->ct_len);
	p[4] = SP_BLOB(s->tag, s->tag_len);
	return store_exec(st, STMT_SECRET_PUT, p, 5, NULL, NULL, NULL);
}
