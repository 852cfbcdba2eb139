/*
 * The owners' encrypted secrets in the database (store_secret.c). The
 * store sees only ciphertext: secret.h encrypts and decrypts. Strings
 * and buffers of inputs are borrowed for the call; lists are the
 * caller's, freed by store_secret_list_free (safe on a zeroed struct and
 * after any error). Return codes: those of include/store.h.
 */
#ifndef WFM_STORE_SECRET_H
#define WFM_STORE_SECRET_H

#include <stddef.h>

#include "common.h"
#include "store.h"

/* One stored secret: its name and its sealed value, owned by the list. */
struct store_secret {
	char		*name;
	unsigned char	*nonce;
	size_t		 nonce_len;
	unsigned char	*ct;		/* ciphertext */
	size_t		 ct_len;
	unsigned char	*tag;
	size_t		 tag_len;
};

struct store_secret_list {
	size_t			 n;
	struct store_secret	*v;	/* every buffer owned by the list */
};

/* Every secret of owner into *out. RC_OK or a store code. */
int	 store_secret_list_owner(struct store *, const char *owner,
	    struct store_secret_list *out);
void	 store_secret_list_free(struct store_secret_list *);

/* A secret to store; every buffer borrowed. */
struct store_secret_new {
	const char		*owner;
	const char		*name;
	const unsigned char	*nonce;
	size_t			 nonce_len;
	const unsigned char	*ct;
	size_t			 ct_len;
	const unsigned char	*tag;
	size_t			 tag_len;
};

/* Store (or replace) secret s->name of s->owner. RC_OK or a store code. */
int	 store_secret_put(struct store *, const struct store_secret_new *s);

#endif
