/*
 * Standard Webhooks signing (include/whsig.h) on libcrypto's HMAC and
 * base64 (EVP_EncodeBlock/EVP_DecodeBlock: standard alphabet, padded).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common.h"
#include "log.h"
#include "whsig.h"

void
whsig_secret_fmt(const unsigned char *key, size_t len,
    char out[WHSIG_SECRET_LEN])
{
	if (len > WHSIG_KEY_MAX)
		len = WHSIG_KEY_MAX;
	memcpy(out, "whsec_", 6);
	(void)EVP_EncodeBlock((unsigned char *)out + 6, key, (int)len);
}

int
whsig_secret_parse(const char *s, unsigned char key[WHSIG_KEY_MAX],
    size_t *len)
{
	unsigned char	buf[4 * ((WHSIG_KEY_MAX + 2) / 3) + 4];
	size_t		n, pad = 0;
	int		m;

	if (strncmp(s, "whsec_", 6) == 0)
		s += 6;
	n = strlen(s);
	if (n == 0 || n % 4 != 0 || n > 4 * ((WHSIG_KEY_MAX + 2) / 3))
		return RC_INVALID;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	m = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	if (m < 0 || (size_t)m < pad || (size_t)m - pad > WHSIG_KEY_MAX ||
	    (size_t)m - pad == 0)
		return RC_INVALID;
	*len = (size_t)m - pad;
	memcpy(key, buf, *len);
	return RC_OK;
}

void
whsig_sign(const unsigned char *key, size_t keylen, const char *id,
    int64_t ts, const char *body, size_t bodylen, char out[WHSIG_SIG_LEN])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	char		 tsbuf[32], *msg;
	size_t		 idlen = strlen(id), tslen;

	tslen = (size_t)snprintf(tsbuf, sizeof(tsbuf), ".%" PRId64 ".", ts);
	msg = xmalloc(idlen + tslen + bodylen + 1);
	memcpy(msg, id, idlen);
	memcpy(msg + idlen, tsbuf, tslen);
	memcpy(msg + idlen + tslen, body, bodylen);
	if (HMAC(EVP_sha256(), key, (int)keylen, (unsigned char *)msg,
	    idlen + tslen + bodylen, md, &mdlen) == NULL || mdlen != 32)
		fatalx("HMAC-SHA256 failed");
	free(msg);
	memcpy(out, "v1,", 3);
	(void)EVP_EncodeBlock((unsigned char *)out + 3, md, (int)mdlen);
}
