/*
 * Callback tokens (engine.md "Callbacks from other systems"): 256 random
 * bits per attempt, shown once as base64url (no padding) in callback.token
 * and callback.url, and stored only as the SHA-256 of that text.
 */
#ifndef WFM_CBTOK_H
#define WFM_CBTOK_H

#include <stddef.h>

#define CBTOK_BYTES	32	/* random bits: 256 */
#define CBTOK_LEN	43	/* base64url characters of 32 bytes */
#define CBTOK_HASH_LEN	32	/* SHA-256 */
#define CBTOK_PATH_MAX	256	/* longest {token} looked up */

/*
 * A fresh token into out (CBTOK_LEN characters and a NUL) from the
 * kernel's random source. RC_OK, or RC_ERR (nothing usable in out).
 */
int	cbtok_new(char out[CBTOK_LEN + 1]);

/* out = SHA-256(tok[0..len)): the stored form, for any input. */
void	cbtok_hash(const char *tok, size_t len,
	    unsigned char out[CBTOK_HASH_LEN]);

/* 1 when tok[0..len) has the shape of a token (43 base64url chars). */
int	cbtok_shape_ok(const char *tok, size_t len);

#endif
