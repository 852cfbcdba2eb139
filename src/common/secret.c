/*
 * AES-256-GCM secrets (OpenSSL EVP).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common.h"
#include "log.h"
#include "secret.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
secret_key_load(const char *path, unsigned char key[SECRET_KEY_LEN],
    struct errmsg *err)
{
	unsigned char	buf[SECRET_KEY_LEN * 2 + 3];
	struct stat	sb;
	ssize_t		n;
	size_t		len, i;
	int		fd, hi, lo;

	if (path == NULL) {
		errmsg_set(err, "secrets_key_file is not set");
		return RC_INVALID;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		errmsg_set(err, "cannot open %s: %s", path,
		    strerror(errno));
		return RC_INVALID;
	}
	/*
	 * The key opens every stored secret: only its owner may read it
	 * (0600 or 0400), and that owner is the account reading it (or
	 * root), not someone else who could replace it.
	 */
	if (fstat(fd, &sb) == -1) {
		errmsg_set(err, "cannot stat %s: %s", path,
		    strerror(errno));
		close(fd);
		return RC_INVALID;
	}
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077) != 0) {
		errmsg_set(err, "%s must be a regular file that group "
		    "and others cannot access (mode %04o; chmod 0600)", path,
		    (unsigned)(sb.st_mode & 07777));
		close(fd);
		return RC_INVALID;
	}
	if (sb.st_uid != geteuid() && sb.st_uid != 0 && geteuid() != 0) {
		errmsg_set(err, "%s is owned by uid %lu, not by this "
		    "account (uid %lu) nor root", path,
		    (unsigned long)sb.st_uid, (unsigned long)geteuid());
		close(fd);
		return RC_INVALID;
	}
	do
		n = read(fd, buf, sizeof(buf));
	while (n == -1 && errno == EINTR);
	close(fd);
	if (n < 0) {
		errmsg_set(err, "cannot read %s", path);
		return RC_INVALID;
	}
	len = (size_t)n;
	if (len == SECRET_KEY_LEN) {
		memcpy(key, buf, SECRET_KEY_LEN);
		explicit_bzero(buf, sizeof(buf));
		return RC_OK;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len != SECRET_KEY_LEN * 2) {
		errmsg_set(err, "%s must hold 32 bytes or 64 hex digits",
		    path);
		return RC_INVALID;
	}
	for (i = 0; i < SECRET_KEY_LEN; i++) {
		if ((hi = hexval(buf[2 * i])) < 0 ||
		    (lo = hexval(buf[2 * i + 1])) < 0) {
			errmsg_set(err, "%s: not hex", path);
			return RC_INVALID;
		}
		key[i] = (unsigned char)(hi * 16 + lo);
	}
	explicit_bzero(buf, sizeof(buf));
	return RC_OK;
}

/* Associated data: "owner\0name". */
static int
set_aad(EVP_CIPHER_CTX *c, const char *owner, const char *name, int enc)
{
	int	outl;

	if (enc) {
		if (EVP_EncryptUpdate(c, NULL, &outl, (const void *)owner,
		    (int)strlen(owner) + 1) != 1 ||
		    EVP_EncryptUpdate(c, NULL, &outl, (const void *)name,
		    (int)strlen(name)) != 1)
			return RC_ERR;
	} else if (EVP_DecryptUpdate(c, NULL, &outl, (const void *)owner,
	    (int)strlen(owner) + 1) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &outl, (const void *)name,
	    (int)strlen(name)) != 1)
		return RC_ERR;
	return RC_OK;
}

int
secret_encrypt(const unsigned char key[SECRET_KEY_LEN], const char *owner,
    const char *name, const void *value, size_t len,
    unsigned char nonce[SECRET_NONCE_LEN], unsigned char *ct,
    unsigned char tag[SECRET_TAG_LEN])
{
	EVP_CIPHER_CTX	*c;
	int		 outl, rc = RC_ERR;

	if (len > SECRET_VALUE_MAX || util_random(nonce, SECRET_NONCE_LEN) !=
	    RC_OK)
		return RC_ERR;
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		fatalx("EVP_CIPHER_CTX_new");
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce) != 1 ||
	    set_aad(c, owner, name, 1) != RC_OK ||
	    EVP_EncryptUpdate(c, ct, &outl, value, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c, ct + outl, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SECRET_TAG_LEN,
	    tag) != 1)
		log_warnx("secret encryption failed");
	else
		rc = RC_OK;
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int
secret_decrypt(const unsigned char key[SECRET_KEY_LEN], const char *owner,
    const char *name, const unsigned char nonce[SECRET_NONCE_LEN],
    const unsigned char *ct, size_t len,
    const unsigned char tag[SECRET_TAG_LEN], char *out)
{
	EVP_CIPHER_CTX	*c;
	unsigned char	 t[SECRET_TAG_LEN];
	int		 outl = 0, fin = 0, rc = RC_INVALID;

	if (len > SECRET_VALUE_MAX)
		return RC_INVALID;
	memcpy(t, tag, sizeof(t));
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		fatalx("EVP_CIPHER_CTX_new");
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
	    set_aad(c, owner, name, 0) == RC_OK &&
	    EVP_DecryptUpdate(c, (unsigned char *)out, &outl, ct, (int)len) ==
	    1 && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SECRET_TAG_LEN,
	    t) == 1 &&
	    EVP_DecryptFinal_ex(c, (unsigned char *)out + outl, &fin) == 1) {
		out[outl + fin] = '\0';
		rc = RC_OK;
	}
	EVP_CIPHER_CTX_free(c);
	return rc;
}

/* Mark the longest proper suffix of v that text[at..len) starts with. */
static void
redact_head(const char *text, size_t len, size_t at, const char *v,
    size_t vl, unsigned char *mark)
{
	size_t	k;

	for (k = vl - 1; k > 0; k--)
		if (k <= len - at && memcmp(text + at, v + vl - k, k) == 0) {
			memset(mark + at, 1, k);
			return;
		}
}

/* Mark the longest proper prefix of v that ends text[0..len). */
static void
redact_end(const char *text, size_t len, const char *v, size_t vl,
    unsigned char *mark)
{
	size_t	k;

	for (k = vl - 1; k > 0; k--)
		if (k <= len && memcmp(text + len - k, v, k) == 0) {
			memset(mark + len - k, 1, k);
			return;
		}
}

char *
secret_redact(const char *text, size_t len, const char *const *vals,
    const size_t *vlens, size_t n, size_t cut, int flags, size_t *outlen)
{
	unsigned char	*mark;
	const char	*hit;
	char		*out;
	size_t		 i, o, at, vl, nmask = 0;

	mark = xcalloc(len + 1, 1);
	for (i = 0; i < n; i++) {
		if ((vl = vlens[i]) < SECRET_REDACT_MIN)
			continue;
		for (at = 0; at + vl <= len; at = (size_t)(hit - text) + 1) {
			if ((hit = memmem(text + at, len - at, vals[i], vl)) ==
			    NULL)
				break;
			memset(mark + (hit - text), 1, vl);
		}
		if ((flags & SECRET_CUT_HEAD) && len > 0)
			redact_head(text, len, 0, vals[i], vl, mark);
		else if (cut > 0 && cut < len)
			redact_head(text, len, cut, vals[i], vl, mark);
		if ((flags & SECRET_CUT_END) && len > 0)
			redact_end(text, len, vals[i], vl, mark);
	}
	for (i = 0; i < len; i++)
		nmask += mark[i] && (i == 0 || !mark[i - 1]);
	/* Each masked run is at least one byte and becomes three. */
	out = xmalloc(len + 2 * nmask + 1);
	for (i = 0, o = 0; i < len; i++) {
		if (!mark[i]) {
			out[o++] = text[i];
			continue;
		}
		if (i == 0 || !mark[i - 1]) {
			memcpy(out + o, SECRET_MASK, 3);
			o += 3;
		}
	}
	out[o] = '\0';
	free(mark);
	if (outlen != NULL)
		*outlen = o;
	return out;
}
