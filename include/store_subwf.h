/*
 * Workflow steps' child executions (sql/017), src/store/store_subwf.c.
 * Every call returns RC_OK or a store code (include/store.h) unless it
 * says otherwise; strings passed in are borrowed for the call.
 */
#ifndef WFM_STORE_SUBWF_H
#define WFM_STORE_SUBWF_H

#include "common.h"
#include "store.h"

/* The template a workflow step starts. */
struct store_subwf_tmpl {
	char		 template_id[UTIL_UUID_LEN];
	long long	 version;
	/* Parsed (owned by the row), NULL if it does not parse. */
	struct json_object *definition;
	int		 may_execute;	/* user may execute it */
};

/*
 * Template template_id, not deleted, at version (0: its latest), as user
 * sees it, into *out; the caller frees with store_subwf_tmpl_free (safe
 * on a zeroed struct and after any error). RC_NOTFOUND when there is no
 * such template or version.
 */
int	store_subwf_tmpl(struct store *, const char *user,
	    const char *template_id, long long version,
	    struct store_subwf_tmpl *out);
void	store_subwf_tmpl_free(struct store_subwf_tmpl *);

/* A child execution as its parent's step sees it. */
struct store_subwf_child {
	char	 execution_id[UTIL_UUID_LEN];
	char	 status[16];
	/* Parsed (owned by the row); NULL when NULL or not parsing. */
	struct json_object *final_result;
	struct json_object *error_details;
};

/*
 * user's execution named name into *out; the caller frees with
 * store_subwf_child_free (safe on a zeroed struct and after any error).
 * RC_NOTFOUND when there is none.
 */
int	store_subwf_child_get(struct store *, const char *user,
	    const char *name, struct store_subwf_child *out);
void	store_subwf_child_free(struct store_subwf_child *);

/*
 * Count one more execution in root's tree, at most max. Inside the
 * child's insert transaction (the caller's). RC_DENIED when the tree
 * already holds max (or root is gone).
 */
int	store_subwf_root_bump(struct store *, const char *root,
	    long long max);

/*
 * user's newest execution whose name starts with prefix (a map
 * iteration's children: "<parent>.<step>.<index>.", engine_child_name)
 * into child. RC_NOTFOUND when there is none.
 */
int	store_subwf_iter_child(struct store *, const char *user,
	    const char *prefix, char child[UTIL_UUID_LEN]);

#endif
