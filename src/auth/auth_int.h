/*
 * Helpers shared inside src/auth only. auth_jwt.c owns the token format
 * (scheme, segments, JOSE header, signature through libjwt); auth_claims.c
 * owns every claim check and the role names.
 */
#ifndef WFM_AUTH_INT_H
#define WFM_AUTH_INT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "auth.h"
#include "config.h"

/*
 * The sentences auth_verify puts in why's text. They are static, short
 * and never contain any part of the token (they end up in the 401 body
 * and in logs).
 */
#define AUTH_WHY_NOHEADER	"Not authenticated"
#define AUTH_WHY_TOOLARGE	"Authorization header too large"
#define AUTH_WHY_SCHEME		"Invalid authentication scheme"
#define AUTH_WHY_TOKEN		"Invalid token"
#define AUTH_WHY_ALG		"Token algorithm not allowed"
#define AUTH_WHY_HEADER		"Unsupported token header"
#define AUTH_WHY_SIGNATURE	"Invalid token signature"
#define AUTH_WHY_EXPIRED	"Token expired"
#define AUTH_WHY_NBF		"Token not yet valid"
#define AUTH_WHY_IAT		"Token issued in the future"
#define AUTH_WHY_NOEXP		"Missing required claim: exp"
#define AUTH_WHY_NOSUB		"Missing required claim: sub"
#define AUTH_WHY_BADEXP		"Invalid claim: exp"
#define AUTH_WHY_BADNBF		"Invalid claim: nbf"
#define AUTH_WHY_BADIAT		"Invalid claim: iat"
#define AUTH_WHY_BADSUB		"Invalid claim: sub"
#define AUTH_WHY_BADROLES	"Invalid claim: roles"
#define AUTH_WHY_BADSCOPE	"Invalid claim: scope"
#define AUTH_WHY_ISSUER		"Invalid issuer"
#define AUTH_WHY_AUDIENCE	"Invalid audience"

/* Leeway bounds from api.md ("default 30 s, at most 60"). */
#define AUTH_LEEWAY_MAX		60

/*
 * A verifier. Everything it points to is borrowed from the configuration,
 * which outlives it; it never copies the secret or the key.
 */
/*
 * Tokens verified lately (auth_jwt.c): the token's text and its payload,
 * so that the same token again costs its claim checks at the current
 * time only, not the decoding and the signature.
 */
#define AUTH_CACHE_SLOTS	16
struct auth_cached {
	char			*tok;		/* owned; NULL: empty slot */
	size_t			 len;
	struct json_object	*pl;		/* owned */
};

struct auth {
	const struct config	*cfg;
	enum auth_alg		 alg;
	const char		*alg_name;	/* "HS256", the only one taken */
	int			 jwt_alg;	/* jwt_alg_t of alg */
	const unsigned char	*key;		/* secret or PEM public key */
	int			 keylen;
	size_t			 siglen;	/* base64url length of a signature */
	const char		*roles_claim;	/* never NULL */
	int			 leeway;	/* seconds, 0..AUTH_LEEWAY_MAX */
	struct auth_cached	 cache[AUTH_CACHE_SLOTS];
};

/*
 * Check the claims of a payload whose signature has been verified (pl is
 * borrowed) at time now (epoch seconds). RC_OK: *p filled. RC_DENIED: why's
 * text set to one of the AUTH_WHY_ sentences (why may be NULL), *p left
 * alone.
 */
int		 auth_claims_check(const struct auth *, struct json_object *pl,
		    int64_t now, struct principal *p, struct errmsg *why);

/* The role bit of a wire name of len bytes, or 0 when unknown. */
unsigned	 auth_role_parse(const char *name, size_t len);

#endif
