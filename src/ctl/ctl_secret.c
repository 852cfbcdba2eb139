/*
 * wfmctl secret set OWNER NAME: the value is read from stdin (never from
 * the command line, where ps would show it), encrypted, and stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ctl.h"
#include "secret.h"
#include "store_secret.h"

int
ctl_secret_set(const struct config *cfg, struct store *st, const char *owner,
    const char *name)
{
	unsigned char		 key[SECRET_KEY_LEN], nonce[SECRET_NONCE_LEN];
	unsigned char		 tag[SECRET_TAG_LEN], *ct;
	struct store_secret_new	 sn;
	struct errmsg		 err;
	char			*value;
	size_t			 len, i;
	int			 rc;

	if (strlen(name) == 0 || strlen(name) > 128 || strlen(owner) == 0 ||
	    strlen(owner) > 255)
		errx(2, "secret set: owner 1..255 and name 1..128 characters");
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			errx(2, "secret set: name must match [A-Za-z0-9_]+");
	if (secret_key_load(cfg->sup.secrets_key_file, key, &err)
	    != RC_OK)
		errx(EX_CONFIG_CODE, "%s: [supervisor] secrets_key_file: %s",
		    cfg->path, err.text);
	value = ctl_read_file("-", SECRET_VALUE_MAX, &len);
	while (len > 0 && (value[len - 1] == '\n' || value[len - 1] == '\r'))
		len--;
	if (len == 0)
		errx(2, "secret set: empty value on stdin");
	ct = xmalloc(len);
	if (secret_encrypt(key, owner, name, value, len, nonce, ct, tag) !=
	    RC_OK)
		errx(1, "secret set: encryption failed");
	sn.owner = owner;
	sn.name = name;
	sn.nonce = nonce;
	sn.nonce_len = sizeof(nonce);
	sn.ct = ct;
	sn.ct_len = len;
	sn.tag = tag;
	sn.tag_len = sizeof(tag);
	rc = store_secret_put(st, &sn);
	explicit_bzero(value, len);
	explicit_bzero(key, sizeof(key));
	free(value);
	free(ct);
	if (rc != RC_OK) {
		fprintf(stderr, "wfmctl: secret set: database error\n");
		return 1;
	}
	printf("secret %s of %s stored\n", name, owner);
	return 0;
}
