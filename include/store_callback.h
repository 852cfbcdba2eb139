/*
 * Callback tokens of callback steps (sql/015) in the database
 * (store_callback.c). Strings are borrowed for the call; rows are the
 * caller's, freed by their _free function (safe on a zeroed struct and
 * after any error). Return codes: those of include/store.h.
 */
#ifndef WFM_STORE_CALLBACK_H
#define WFM_STORE_CALLBACK_H

#include <stddef.h>

#include <json-c/json.h>

#include "cbtok.h"
#include "common.h"
#include "store.h"

/*
 * The API: POST /callbacks/{token}.
 */

/* A token's row with its execution, locked (STMT_CB_LOOKUP). */
struct store_callback_token {
	unsigned char		 hash[CBTOK_HASH_LEN];	/* as stored */
	char			*state;	/* issued, received, superseded */
	/* The body recorded (received), parsed; NULL: none or unreadable. */
	struct json_object	*body;
	int			 expired;
	char			*exec_status;
	char			 exec_id[UTIL_UUID_LEN];
	int			 idx;		/* step */
	int			 attempt;
	long long		 exec_pk;
};
void	 store_callback_token_free(struct store_callback_token *);
/*
 * The token whose hash is hash (hlen bytes) into *t, its row locked
 * until the caller's transaction ends; the caller compares t->hash in
 * constant time. RC_OK; RC_NOTFOUND when there is no such token (or its
 * stored hash is not CBTOK_HASH_LEN bytes); else a store code.
 */
int	 store_callback_lookup(struct store *, const unsigned char *hash,
	    size_t hlen, struct store_callback_token *t);
/*
 * Record body (canonical JSON text) for the issued token hash (hlen
 * bytes), inside the caller's transaction. RC_OK; RC_NOTFOUND when no
 * issued token has that hash; else a store code.
 */
int	 store_callback_record(struct store *, const char *body,
	    const unsigned char *hash, size_t hlen);

/*
 * The supervisor: the attempts of a callback step.
 */

/*
 * Supersede every token of step idx of execution pk (a new attempt
 * starts: earlier tokens answer 410). RC_OK or a store code.
 */
int	 store_callback_supersede(struct store *, long long pk, int idx);
/*
 * A new token, by its hash (hlen bytes), for attempt attempt of step idx
 * of execution pk. RC_OK, RC_CONFLICT (the hash exists) or a store code.
 */
int	 store_callback_insert(struct store *, const unsigned char *hash,
	    size_t hlen, long long pk, int idx, int attempt);
/*
 * The token of that attempt expires seconds from now (its request or
 * handler succeeded: the step waits). RC_OK or a store code.
 */
int	 store_callback_arm(struct store *, long long pk, int idx,
	    int attempt, int seconds);

/* A callback recorded and not yet applied (STMT_CB_RECEIVED). */
struct store_callback_received {
	int	 idx;		/* step */
	int	 attempt;
	char	*body;		/* JSON text as recorded (the caller
				   parses it); NULL: none */
};

struct store_callback_list {
	size_t				 n;
	struct store_callback_received	*v;
};

/* The recorded callbacks of execution pk into *out. RC_OK or a store code. */
int	 store_callback_received(struct store *, long long pk,
	    struct store_callback_list *out);
void	 store_callback_list_free(struct store_callback_list *);

#endif
