/*
 * JWT claim checks (RFC 7519 4.1) and roles. libjwt 1.10 checks no claim
 * at all, so everything api.md requires of a payload is decided here, on
 * our own json-c decode of it (duplicate members: the last one wins).
 *
 * - exp is required; exp, nbf and iat must be JSON integers (not floats,
 *   not strings). Expired when now > exp + leeway; not yet valid when
 *   nbf > now + leeway; refused when iat > now + leeway.
 * - iss must equal the configured issuer, aud must equal the configured
 *   audience or be an array holding it; neither is looked at when not
 *   configured.
 * - sub is required: a string of 1..AUTH_SUB_MAX bytes of valid UTF-8
 *   without control characters (it becomes the owner id in the database
 *   and appears in logs), and without a space at either end: the
 *   database compares identities exactly (NO PAD collations, sql/006),
 *   and " alice" or "alice " is refused rather than taken for another
 *   user whom people and tools cannot tell from alice.
 * - Roles come from the configured claim (a JSON array of strings) and
 *   from the space-separated "scope" string. Unknown names are ignored; a
 *   roles claim that is not an array of strings, or a "scope" that is not
 *   a string, makes the token invalid rather than silently roleless.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "common.h"
#include "auth.h"
#include "auth_int.h"

static const struct {
	unsigned	 bit;
	const char	*name;
} auth_roles[] = {
	{ ROLE_EXECUTE, "workflow:execute" },
	{ ROLE_READ, "workflow:read" },
	{ ROLE_TWRITE, "template:write" },
	{ ROLE_ADMIN, "admin" }
};

enum claim_res { CLAIM_OK, CLAIM_ABSENT, CLAIM_BAD };

unsigned
auth_role_parse(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < NITEMS(auth_roles); i++)
		if (strlen(auth_roles[i].name) == len &&
		    memcmp(auth_roles[i].name, name, len) == 0)
			return auth_roles[i].bit;
	return 0;
}

/*
 * The wire name of one role bit. Anything that is not exactly one known
 * bit gives "unknown", so the result can always be printed.
 */
const char *
auth_role_name(unsigned role)
{
	size_t	i;

	for (i = 0; i < NITEMS(auth_roles); i++)
		if (auth_roles[i].bit == role)
			return auth_roles[i].name;
	return "unknown";
}

/*
 * 1 if p holds every bit of role, or holds admin; else 0 (also for a NULL
 * principal or role 0).
 */
int
auth_has_role(const struct principal *p, unsigned role)
{
	if (p == NULL || role == 0)
		return 0;
	if (p->roles & ROLE_ADMIN)
		return 1;
	return (p->roles & role) == role;
}

/* An integer claim: absent, a JSON integer (*out), or anything else. */
static enum claim_res
claim_int(struct json_object *pl, const char *name, int64_t *out)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(pl, name, &v))
		return CLAIM_ABSENT;
	if (!json_object_is_type(v, json_type_int))
		return CLAIM_BAD;
	/* json-c saturates integers outside int64 range. */
	*out = json_object_get_int64(v);
	return CLAIM_OK;
}

/* 1 if v is a JSON string equal to s, byte for byte. */
static int
claim_str_eq(struct json_object *v, const char *s)
{
	size_t	len = strlen(s);

	return json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == len &&
	    memcmp(json_object_get_string(v), s, len) == 0;
}

/* 1 if s[0..len) is valid UTF-8 (RFC 3629) with no control character. */
static int
claim_text_ok(const unsigned char *s, size_t len)
{
	size_t		i = 0, n, k;
	uint32_t	c;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			c &= 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			c &= 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			c &= 0x07;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
		if (c >= 0x80 && c < 0xa0)	/* C1 controls */
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Keep a role string that is none of the built-in ones. */
static void
xrole_keep(struct principal *p, const char *s, size_t len)
{
	int	i;

	if (len < 1 || len > AUTH_XROLE_LEN_MAX ||
	    p->nxroles >= AUTH_XROLES_MAX || memchr(s, '\0', len) != NULL)
		return;
	for (i = 0; i < p->nxroles; i++)
		if (strlen(p->xroles[i]) == len &&
		    memcmp(p->xroles[i], s, len) == 0)
			return;
	memcpy(p->xroles[p->nxroles], s, len);
	p->xroles[p->nxroles++][len] = '\0';
}

int
auth_has_role_name(const struct principal *p, const char *name)
{
	unsigned	bit;
	int		i;

	if (p == NULL || name == NULL)
		return 0;
	if ((bit = auth_role_parse(name, strlen(name))) != 0)
		return auth_has_role(p, bit);
	for (i = 0; i < p->nxroles; i++)
		if (strcmp(p->xroles[i], name) == 0)
			return 1;
	return 0;
}

/* Roles from a JSON array of strings; RC_DENIED if it is anything else. */
static int
claim_roles_array(struct json_object *v, unsigned *roles, struct principal *p)
{
	unsigned	bit;

	struct json_object	*e;
	size_t			 i, n;

	if (!json_object_is_type(v, json_type_array))
		return RC_DENIED;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string))
			return RC_DENIED;
		bit = auth_role_parse(json_object_get_string(e),
		    (size_t)json_object_get_string_len(e));
		*roles |= bit;
		if (bit == 0)
			xrole_keep(p, json_object_get_string(e),
			    (size_t)json_object_get_string_len(e));
	}
	return RC_OK;
}

/* Roles from a space-separated scope string (RFC 6749 3.3). */
static int
claim_roles_scope(struct json_object *v, unsigned *roles, struct principal *p)
{
	const char	*s, *end, *w;
	unsigned	 bit;

	if (!json_object_is_type(v, json_type_string))
		return RC_DENIED;
	s = json_object_get_string(v);
	end = s + json_object_get_string_len(v);
	while (s < end) {
		for (w = s; w < end && *w != ' '; w++)
			continue;
		if (w > s) {
			bit = auth_role_parse(s, (size_t)(w - s));
			*roles |= bit;
			if (bit == 0)
				xrole_keep(p, s, (size_t)(w - s));
		}
		s = w + 1;
	}
	return RC_OK;
}

static int
claim_audience_ok(struct json_object *pl, const char *aud)
{
	struct json_object	*v;
	size_t			 i, n;

	if (!json_object_object_get_ex(pl, "aud", &v))
		return 0;
	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (claim_str_eq(json_object_array_get_idx(v, i), aud))
				return 1;
		return 0;
	}
	return claim_str_eq(v, aud);
}

int
auth_claims_check(const struct auth *a, struct json_object *pl, int64_t now,
    struct principal *p, struct errmsg *why)
{
	struct json_object	*v, *subv;
	const char		*iss = a->cfg->auth.issuer;
	const char		*aud = a->cfg->auth.audience;
	size_t			 sublen;
	int64_t			 t;
	unsigned		 roles = 0;

	switch (claim_int(pl, "exp", &t)) {
	case CLAIM_ABSENT:
		errmsg_set(why, "%s", AUTH_WHY_NOEXP);
		return RC_DENIED;
	case CLAIM_BAD:
		errmsg_set(why, "%s", AUTH_WHY_BADEXP);
		return RC_DENIED;
	case CLAIM_OK:
		/* now > exp + leeway, written so that it cannot overflow. */
		if (now - a->leeway > t) {
			errmsg_set(why, "%s", AUTH_WHY_EXPIRED);
			return RC_DENIED;
		}
		break;
	}
	switch (claim_int(pl, "nbf", &t)) {
	case CLAIM_ABSENT:
		break;
	case CLAIM_BAD:
		errmsg_set(why, "%s", AUTH_WHY_BADNBF);
		return RC_DENIED;
	case CLAIM_OK:
		if (t > now + a->leeway) {
			errmsg_set(why, "%s", AUTH_WHY_NBF);
			return RC_DENIED;
		}
		break;
	}
	switch (claim_int(pl, "iat", &t)) {
	case CLAIM_ABSENT:
		break;
	case CLAIM_BAD:
		errmsg_set(why, "%s", AUTH_WHY_BADIAT);
		return RC_DENIED;
	case CLAIM_OK:
		if (t > now + a->leeway) {
			errmsg_set(why, "%s", AUTH_WHY_IAT);
			return RC_DENIED;
		}
		break;
	}
	if (iss != NULL && (!json_object_object_get_ex(pl, "iss", &v) ||
	    !claim_str_eq(v, iss))) {
		errmsg_set(why, "%s", AUTH_WHY_ISSUER);
		return RC_DENIED;
	}
	if (aud != NULL && !claim_audience_ok(pl, aud)) {
		errmsg_set(why, "%s", AUTH_WHY_AUDIENCE);
		return RC_DENIED;
	}

	if (!json_object_object_get_ex(pl, "sub", &subv)) {
		errmsg_set(why, "%s", AUTH_WHY_NOSUB);
		return RC_DENIED;
	}
	if (!json_object_is_type(subv, json_type_string) ||
	    (sublen = (size_t)json_object_get_string_len(subv)) == 0 ||
	    sublen > AUTH_SUB_MAX ||
	    json_object_get_string(subv)[0] == ' ' ||
	    json_object_get_string(subv)[sublen - 1] == ' ' ||
	    !claim_text_ok((const unsigned char *)json_object_get_string(subv),
	    sublen)) {
		errmsg_set(why, "%s", AUTH_WHY_BADSUB);
		return RC_DENIED;
	}

	p->nxroles = 0;
	/* A roles claim named "scope" is read as the scope string below. */
	if (strcmp(a->roles_claim, "scope") != 0 &&
	    json_object_object_get_ex(pl, a->roles_claim, &v) &&
	    claim_roles_array(v, &roles, p) != RC_OK) {
		errmsg_set(why, "%s", AUTH_WHY_BADROLES);
		return RC_DENIED;
	}
	if (json_object_object_get_ex(pl, "scope", &v) &&
	    claim_roles_scope(v, &roles, p) != RC_OK) {
		errmsg_set(why, "%s", AUTH_WHY_BADSCOPE);
		return RC_DENIED;
	}

	memcpy(p->sub, json_object_get_string(subv), sublen);
	p->sub[sublen] = '\0';
	p->roles = roles;
	return RC_OK;
}
