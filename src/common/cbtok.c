/* Callback tokens: generation and the stored hash (cbtok.h). */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "cbtok.h"
#include "common.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
cbtok_new(char out[CBTOK_LEN + 1])
{
	unsigned char	 b[CBTOK_BYTES + 1];
	size_t		 i, o = 0;
	unsigned	 v;

	b[CBTOK_BYTES] = 0;
	if (util_random(b, CBTOK_BYTES) != RC_OK)
		return RC_ERR;
	/* 32 bytes: ten groups of three, then two bytes (three chars). */
	for (i = 0; i < CBTOK_BYTES; i += 3) {
		v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 |
		    (i + 2 < CBTOK_BYTES ? b[i + 2] : 0);
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		if (i + 2 < CBTOK_BYTES)
			out[o++] = b64url[v & 63];
	}
	out[o] = '\0';
	OPENSSL_cleanse(b, sizeof(b));
	return o == CBTOK_LEN ? RC_OK : RC_ERR;
}

void
cbtok_hash(const char *tok, size_t len, unsigned char out[CBTOK_HASH_LEN])
{
	(void)SHA256((const unsigned char *)tok, len, out);
}

int
cbtok_shape_ok(const char *tok, size_t len)
{
	size_t	i;

	if (len != CBTOK_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (tok[i] == '\0' || strchr(b64url, tok[i]) == NULL)
			return 0;
	return 1;
}
