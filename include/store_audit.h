/*
 * The audit log's read (src/store/store_audit.c): GET
 * /workflow-management/audit. The writer is store_audit (store.h).
 * Rows own their strings, released by store_audit_list_free (safe on a
 * zeroed list and after any error). Codes: RC_OK or the store's
 * (include/store.h).
 */
#ifndef WFM_STORE_AUDIT_H
#define WFM_STORE_AUDIT_H

#include <stddef.h>

struct store;

/* Filters; strings borrowed, NULL: any. */
struct store_audit_filter {
	const char	*user;
	const char	*action;
	long long	 since_ms;	/* STORE_NO_MS: from the start */
	long long	 before;	/* page key; LLONG_MAX: from the newest */
	long long	 limit;		/* rows at most */
};

/*
 * One record: an audit_log row or, since sql/010, the 'execution.create'
 * record that is the execution row itself.
 */
struct store_audit_row {
	long long	 key;		/* the page key (the cursor) */
	long long	 at_ms;
	char		*user;		/* NULL: a callback token acted */
	char		*action;
	char		*object_type;
	char		*object_id;
	char		*client;	/* NULL when unknown */
	char		*reqid;		/* NULL when unknown */
	char		*detail;	/* JSON text or NULL */
};
struct store_audit_list {
	size_t			 n;
	struct store_audit_row	*v;
};

/*
 * The records that pass f, newest first (by page key), into *l. RC_OK
 * or the store's code.
 */
int	 store_audit_list(struct store *, const struct store_audit_filter *f,
	    struct store_audit_list *l);
void	 store_audit_list_free(struct store_audit_list *);

#endif
