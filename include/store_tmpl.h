/*
 * Templates in the store (src/store/store_tmpl.c): the current row with
 * its definition, its shares, the lists, the versions kept, and the
 * writes (create, new version, soft delete). Return codes as in store.h;
 * every row is zeroed first, so its free function is safe after any
 * return.
 */
#ifndef WFM_STORE_TMPL_H
#define WFM_STORE_TMPL_H

#include <json-c/json.h>

#include "common.h"
#include "store.h"

/* A template with its current definition (STMT_TEMPLATE_GET). */
struct store_tmpl_row {
	long long		 pk;
	char			 id[UTIL_UUID_LEN];	/* template_id */
	char			*owner;
	char			*name;
	long long		 version;
	int			 is_public;
	int			 shared;	/* shared with the user asked */
	long long		 created_ms;
	long long		 updated_ms;
	int			 has_max_concurrent;
	long long		 max_concurrent;
	/* The definition, parsed (owned by the row); NULL if unreadable. */
	struct json_object	*def;
};
void	 store_tmpl_row_free(struct store_tmpl_row *);

/*
 * Template tid with its current definition into *t; t->shared says
 * whether it is shared with user. RC_OK; RC_NOTFOUND when it does not
 * exist or was deleted; else a store code.
 */
int	 store_tmpl_get(struct store *, const char *user, const char *tid,
	    struct store_tmpl_row *t);

/* The users a template is shared with, by user id; owned strings. */
struct store_tmpl_shares {
	size_t	  n;
	char	**v;
};
void	 store_tmpl_shares_free(struct store_tmpl_shares *);
/* The shares of template pk into *sh (may be none). RC_OK or a store code. */
int	 store_tmpl_shares(struct store *, long long pk,
	    struct store_tmpl_shares *sh);

/* A row of the template list (STMT_TEMPLATE_LIST, _LIST_ADMIN). */
struct store_tmpl_item {
	long long	 pk;		/* the list's cursor */
	char		 id[UTIL_UUID_LEN];
	char		*owner;
	char		*name;
	long long	 version;
	int		 is_public;
	long long	 created_ms;
	long long	 updated_ms;
};
struct store_tmpl_list {
	size_t			 n;
	struct store_tmpl_item	*v;
};
void	 store_tmpl_list_free(struct store_tmpl_list *);
/*
 * Up to limit undeleted templates with pk below before, newest first:
 * every one when user is NULL (an admin), else those user owns, may
 * read as public or is shared with. RC_OK or a store code.
 */
int	 store_tmpl_list(struct store *, const char *user, long long before,
	    long long limit, struct store_tmpl_list *l);

/*
 * The id of owner's newest undeleted template called name into tid.
 * RC_OK; RC_NOTFOUND when there is none; else a store code.
 */
int	 store_tmpl_by_owner_name(struct store *, const char *owner,
	    const char *name, char tid[UTIL_UUID_LEN]);

/* A kept version (STMT_TEMPLATE_VERSIONS, STMT_TEMPLATE_VERSION_GET). */
struct store_tver_row {
	long long		 version;
	long long		 created_ms;
	char			*name;	/* NULL when the definition has none */
	char			*desc;	/* NULL unless a string; lists only */
	/* The definition, parsed (owned); store_tmpl_version only. */
	struct json_object	*def;
};
struct store_tver_list {
	size_t			 n;
	struct store_tver_row	*v;
};
void	 store_tver_row_free(struct store_tver_row *);
void	 store_tver_list_free(struct store_tver_list *);

/*
 * Up to limit versions of template pk below version before, newest
 * first, into *l (no def). RC_OK or a store code.
 */
int	 store_tmpl_versions(struct store *, long long pk, long long before,
	    long long limit, struct store_tver_list *l);
/*
 * Version version of template pk into *v, with its definition (v->def
 * NULL if unreadable). RC_OK; RC_NOTFOUND when there is no such version;
 * else a store code.
 */
int	 store_tmpl_version(struct store *, long long pk, long long version,
	    struct store_tver_row *v);

/*
 * Create a template from a body that passed tmpl_validate (definition
 * plus is_public and shared_with; borrowed) owned by who->user, with
 * version 1, its shares and an audit row, in one transaction. On RC_OK
 * tid holds the new template id; else a store code.
 */
int	 store_tmpl_create(struct store *, const struct store_actor *,
	    struct json_object *body, char tid[UTIL_UUID_LEN]);
/*
 * Replace template pk's definition with body (validated), bumping the
 * version, replacing shares, with an audit row; one transaction.
 * RC_OK; RC_NOTFOUND if it was deleted meanwhile; else a store code.
 */
int	 store_tmpl_update(struct store *, const struct store_actor *,
	    long long pk, const char *tid, struct json_object *body);
/*
 * Soft-delete template pk, inside the caller's transaction. RC_OK;
 * RC_NOTFOUND when it is already deleted; else a store code.
 */
int	 store_tmpl_delete(struct store *, long long pk);

#endif
