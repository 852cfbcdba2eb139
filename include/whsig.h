/*
 * Standard Webhooks signatures (standardwebhooks.com, "Signature
 * scheme"): the signed content is "<webhook-id>.<webhook-timestamp>.<body>",
 * the HMAC-SHA256 is keyed with the secret's decoded bytes, a signature
 * is "v1,<base64 of the MAC>", a secret is shown as "whsec_<base64 of the
 * key bytes>", and several signatures (a rotation) are separated by one
 * space. Pure: no I/O.
 */
#ifndef WFM_WHSIG_H
#define WFM_WHSIG_H

#include <stddef.h>
#include <stdint.h>

/* The name under which a user's secret is encrypted (secret.h). */
#define WEBHOOK_SECRET_NAME	"webhook_secret"
#define WHSIG_KEY_LEN		32	/* bytes of a secret we make */
#define WHSIG_KEY_MAX		64	/* bytes of a secret we accept */
/* "v1," + base64 of 32 bytes (44) + NUL. */
#define WHSIG_SIG_LEN		48
/* "whsec_" + base64 of WHSIG_KEY_MAX bytes + NUL. */
#define WHSIG_SECRET_LEN	(6 + 4 * ((WHSIG_KEY_MAX + 2) / 3) + 1)

/* "whsec_<base64>" of key[0..len) into out (len <= WHSIG_KEY_MAX). */
void	whsig_secret_fmt(const unsigned char *key, size_t len,
	    char out[WHSIG_SECRET_LEN]);
/*
 * Decode "whsec_<base64>" (the prefix optional) into key; *len gets the
 * byte count. RC_OK, or RC_INVALID when it is not base64 of 1 to
 * WHSIG_KEY_MAX bytes.
 */
int	whsig_secret_parse(const char *s, unsigned char key[WHSIG_KEY_MAX],
	    size_t *len);
/* out = "v1,<base64 HMAC-SHA256(key, id "." ts "." body)>". */
void	whsig_sign(const unsigned char *key, size_t keylen, const char *id,
	    int64_t ts, const char *body, size_t bodylen,
	    char out[WHSIG_SIG_LEN]);

#endif
