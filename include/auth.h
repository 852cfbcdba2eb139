/*
 * JWT bearer authentication (libjwt 1.10) and role checks. libjwt only
 * checks the signature; every claim check is done here.
 */
#ifndef WFM_AUTH_H
#define WFM_AUTH_H

#include <stddef.h>
#include "common.h"
#include "config.h"

#define AUTH_HEADER_MAX		8192
#define AUTH_SUB_MAX		255

enum auth_role {
	ROLE_EXECUTE	= 1 << 0,	/* workflow:execute */
	ROLE_READ	= 1 << 1,	/* workflow:read */
	ROLE_TWRITE	= 1 << 2,	/* template:write */
	ROLE_ADMIN	= 1 << 3	/* admin: implies all others */
};

#define AUTH_XROLES_MAX		32	/* other roles kept from a token */
#define AUTH_XROLE_LEN_MAX	64	/* bytes of one */
struct principal {
	char		sub[AUTH_SUB_MAX + 1];
	unsigned	roles;		/* enum auth_role bits as given */
	/*
	 * Role strings other than the four built-in ones (for a wait step's
	 * approvers.roles): the first AUTH_XROLES_MAX of 1..64 bytes, in
	 * token order; longer or later ones are ignored.
	 */
	int		nxroles;
	char		xroles[AUTH_XROLES_MAX][AUTH_XROLE_LEN_MAX + 1];
};

struct auth;

/*
 * Build a verifier from the [auth] configuration (borrowed; must outlive
 * the verifier). Returns RC_OK and *out, or RC_INVALID with a reason in err
 * (NULL allowed): e.g. an HS256 secret shorter than 32 bytes, an
 * unreadable PEM key.
 */
int	 auth_open(const struct config *, struct auth **out,
	    struct errmsg *err);
void	 auth_close(struct auth *);

/*
 * Verify an Authorization header value (NULL when absent).
 * RC_OK: *p filled, why's text empty. RC_NOTFOUND: no header. RC_DENIED:
 * anything else wrong. Except on RC_OK, why's text is a fixed sentence for
 * the 401 body that never contains the token. why may be NULL.
 */
int	 auth_verify(struct auth *, const char *header, struct principal *p,
	    struct errmsg *why);

/* 1 if p holds role (admin implies every role), else 0. */
int	 auth_has_role(const struct principal *p, unsigned role);
/*
 * 1 if p holds the role named name: a built-in one (as auth_has_role,
 * admin implying it) or one of its other roles, compared exactly.
 */
int	 auth_has_role_name(const struct principal *p, const char *name);
/* The role's wire name, e.g. "workflow:execute". */
const char *auth_role_name(unsigned role);

/*
 * Mint an HS256 token (development and tests). roles_csv is a comma list;
 * iss and aud may be NULL. Returns a new string owned by the caller, or
 * NULL after logging.
 */
char	*auth_token_mint(const struct config *, const char *sub,
	    const char *roles_csv, long ttl_seconds);

#endif
