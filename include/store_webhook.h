/*
 * Webhooks in the database (sql/010): the signing secrets, the outbox of
 * deliveries and their attempts. One function per statement; the SQL is
 * in src/store/store_sql.c, the columns in src/store/store_webhook.c.
 *
 * Every function returns RC_OK or a store code (store.h: RC_AGAIN,
 * RC_CONFLICT, RC_DENIED, RC_INVALID, RC_ERR), plus RC_NOTFOUND where
 * its comment says so. Input strings are borrowed. A row's strings are
 * owned by the row and released by its _free function, which is safe on
 * a zeroed row and after any error (the functions zero the row first).
 * A time is epoch ms, STORE_NO_MS when NULL.
 */
#ifndef WFM_STORE_WEBHOOK_H
#define WFM_STORE_WEBHOOK_H

#include <stddef.h>

#include "secret.h"
#include "store.h"

/* A secret encrypted with secret_encrypt (webhook_secrets). */
struct store_webhook_sealed {
	unsigned char	 nonce[SECRET_NONCE_LEN];
	unsigned char	 tag[SECRET_TAG_LEN];
	unsigned char	*ct;		/* ct_len bytes; owned by a row */
	size_t		 ct_len;
};

/* A signer's secrets (STMT_WH_SECRET_GET). */
struct store_webhook_secret {
	struct store_webhook_sealed	 cur;
	struct store_webhook_sealed	 prev;	/* has_prev: it is stored */
	int				 has_prev;
	long long			 created_ms;	/* the current one */
	long long			 rotated_ms;	/* STORE_NO_MS: never */
	int				 prev_signs;	/* rotated < 24 h ago */
};

/*
 * user's secrets into *out. RC_NOTFOUND when user has none; *out owns
 * its ciphertexts (store_webhook_secret_free).
 */
int	store_webhook_secret_get(struct store *, const char *user,
	    struct store_webhook_secret *out);
void	store_webhook_secret_free(struct store_webhook_secret *);

/*
 * Make s (ct borrowed) user's current secret (STMT_WH_SECRET_PUT); a
 * secret already there becomes the previous one, signing for 24 h.
 */
int	store_webhook_secret_put(struct store *, const char *user,
	    const struct store_webhook_sealed *s);

/* A delivery of an execution (STMT_WH_OUTBOX_OF_EXEC). */
struct store_webhook_delivery {
	long long	 id;
	char		*event, *url, *webhook_id, *status;
	char		*kind;		/* "execution" or "template" */
	long long	 attempts;
	long long	 next_try_ms;
	long long	 created_ms;
};
struct store_webhook_deliveries {
	size_t				 n;
	struct store_webhook_delivery	*v;
};

/* The first 100 deliveries of execution exec_pk, oldest first. */
int	store_webhook_outbox_of_exec(struct store *, long long exec_pk,
	    struct store_webhook_deliveries *out);
void	store_webhook_deliveries_free(struct store_webhook_deliveries *);

/* An attempt of a delivery (STMT_WH_ATTEMPTS_OF_EXEC). */
struct store_webhook_attempt {
	long long	 outbox_id;
	long long	 at_ms;
	long long	 status_code;	/* has_status_code: not NULL */
	int		 has_status_code;
	char		*error;		/* NULL: none */
};
struct store_webhook_attempts {
	size_t				 n;
	struct store_webhook_attempt	*v;
};

/* The first 10000 attempts of the deliveries of exec_pk, in order. */
int	store_webhook_attempts_of_exec(struct store *, long long exec_pk,
	    struct store_webhook_attempts *out);
void	store_webhook_attempts_free(struct store_webhook_attempts *);

/* Outbox ids (STMT_WH_CLAIM_SELECT). */
struct store_webhook_ids {
	size_t		 n;
	long long	*v;
};

/*
 * Up to limit due deliveries, locked FOR UPDATE SKIP LOCKED: inside the
 * caller's transaction, followed by store_webhook_claim_mark.
 */
int	store_webhook_claim_select(struct store *, long long limit,
	    struct store_webhook_ids *out);
void	store_webhook_ids_free(struct store_webhook_ids *);
/* Delivery id is not due again for lease_s seconds (the claim). */
int	store_webhook_claim_mark(struct store *, long long id,
	    long long lease_s);

/*
 * A delivery with its execution (STMT_WH_LOAD). The JSON columns are
 * text, parsed only when the payload is made (the first attempt).
 */
struct store_webhook_load {
	char		*kind;		/* "execution" or "template" */
	char		*signer, *event, *url, *webhook_id;
	char		*payload;	/* NULL: not made yet */
	long long	 attempts;
	long long	 created_ms;	/* the event */
	long long	 exec_pk;
	char		*execution_id, *execution_name, *template_id;
	long long	 template_version;
	char		*user_id, *status;
	char		*input, *final_result, *error_details;	/* JSON */
	long long	 exec_created_ms, started_ms, completed_ms;
	char		*cancelled_by, *cancel_reason;
	long long	 redrive_count;
	char		*definition;	/* JSON: the execution's version */
};

/* Delivery id into *out; RC_NOTFOUND when it is gone. */
int	store_webhook_load(struct store *, long long id,
	    struct store_webhook_load *out);
void	store_webhook_load_free(struct store_webhook_load *);

/* A step row of an execution (STMT_WH_STEPS). */
struct store_webhook_step {
	long long	 idx;
	char		*status;
	long long	 attempts;
	long long	 started_ms, completed_ms;
	char		*error;		/* JSON text; NULL: none */
};
struct store_webhook_steps {
	size_t				 n;
	struct store_webhook_step	*v;
};

/* The step rows of execution exec_pk, by index. */
int	store_webhook_steps_get(struct store *, long long exec_pk,
	    struct store_webhook_steps *out);
void	store_webhook_steps_free(struct store_webhook_steps *);

/* Store delivery id's payload unless it has one (STMT_WH_SET_PAYLOAD). */
int	store_webhook_set_payload(struct store *, long long id,
	    const char *payload);

/*
 * Record an attempt of delivery id (STMT_WH_ATTEMPT_INSERT): its HTTP
 * status (0: none, stored NULL) or error (NULL: none).
 */
int	store_webhook_attempt_insert(struct store *, long long id, long code,
	    const char *error);

/*
 * Count an attempt of delivery id and set its status (STMT_WH_DONE):
 * "pending" with the next try in delay_ms, or a final status with
 * delay_ms < 0 (no next try).
 */
int	store_webhook_done(struct store *, long long id, const char *status,
	    long long delay_ms);

/* The number of pending deliveries into *n (STMT_WH_DEPTH). */
int	store_webhook_depth(struct store *, long long *n);

/* A delivery not delivered, for wfmctl (STMT_WH_CTL_LIST). */
struct store_webhook_ctl {
	long long	 id;
	char		*execution_id, *event, *url, *status;
	long long	 attempts;
	long long	 next_try_ms;
	char		*last;		/* last attempt's error or status
					   code; NULL: no attempt */
};
struct store_webhook_ctls {
	size_t				 n;
	struct store_webhook_ctl	*v;
};

/* Up to limit deliveries pending or failed, newest first. */
int	store_webhook_ctl_list(struct store *, long long limit,
	    struct store_webhook_ctls *out);
void	store_webhook_ctls_free(struct store_webhook_ctls *);

#endif
