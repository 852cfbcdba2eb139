/*
 * Secrets at rest: AES-256-GCM with a 32-byte key from a file, a random
 * 12-byte nonce per value and the owner and name as associated data, so
 * a ciphertext moved to another owner or name fails to decrypt.
 *
 * Every err below is a struct errmsg (common.h) that may be NULL when
 * the caller does not need the reason.
 */
#ifndef WFM_SECRET_H
#define WFM_SECRET_H

#include <stddef.h>
#include "common.h"

#define SECRET_KEY_LEN		32
#define SECRET_NONCE_LEN	12
#define SECRET_TAG_LEN		16
#define SECRET_VALUE_MAX	65536
#define SECRET_REDACT_MIN	4	/* shorter values are not masked */
#define SECRET_MASK		"***"

/*
 * Read the key file: exactly 32 raw bytes or 64 hex digits (a trailing
 * newline allowed), a regular file with no permission for group or
 * others, owned by the effective user or root (any owner when that user
 * is root). RC_OK or RC_INVALID with a reason in err.
 */
int	secret_key_load(const char *path, unsigned char key[SECRET_KEY_LEN],
	    struct errmsg *err);

/*
 * Encrypt len bytes of value (len <= SECRET_VALUE_MAX). ct must hold len
 * bytes. RC_OK or RC_ERR (logged).
 */
int	secret_encrypt(const unsigned char key[SECRET_KEY_LEN],
	    const char *owner, const char *name, const void *value,
	    size_t len, unsigned char nonce[SECRET_NONCE_LEN],
	    unsigned char *ct, unsigned char tag[SECRET_TAG_LEN]);

/*
 * Decrypt into out (len bytes plus a NUL written at out[len]).
 * RC_OK, or RC_INVALID when the tag does not verify.
 */
int	secret_decrypt(const unsigned char key[SECRET_KEY_LEN],
	    const char *owner, const char *name,
	    const unsigned char nonce[SECRET_NONCE_LEN],
	    const unsigned char *ct, size_t len,
	    const unsigned char tag[SECRET_TAG_LEN], char *out);

/*
 * The one redaction of text that leaves the supervisor (stored or
 * logged). Returns a copy of text[0..len), NUL-terminated and owned by
 * the caller (its length in *outlen when outlen is not NULL), in which
 * every occurrence of each of the n values vals[i] (vlens[i] bytes) is
 * replaced by SECRET_MASK; occurrences that overlap or touch become one
 * SECRET_MASK. Values shorter than SECRET_REDACT_MIN bytes are ignored.
 *
 * Cuts, where text was truncated and a value may be split there:
 *	cut	when not 0, text[cut..] follows bytes that were dropped: a
 *		proper suffix of a value (one byte or more) that starts
 *		exactly at cut is masked too;
 *	flags	SECRET_CUT_HEAD: the same at offset 0 (bytes were dropped
 *		before text); SECRET_CUT_END: more bytes may have followed
 *		text, so a proper prefix of a value that ends text is
 *		masked too.
 */
#define SECRET_CUT_HEAD	0x1
#define SECRET_CUT_END	0x2
char	*secret_redact(const char *text, size_t len, const char *const *vals,
	    const size_t *vlens, size_t n, size_t cut, int flags,
	    size_t *outlen);

#endif
