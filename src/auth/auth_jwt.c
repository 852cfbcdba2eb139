/*
 * JWT bearer tokens: the Authorization header, the compact serialization
 * (RFC 7515 7.1), the JOSE header and the signature. libjwt 1.10 only
 * verifies the signature here; it is never trusted with anything else:
 *
 * - The header size, the scheme, the three segments and their alphabet are
 *   checked before anything is decoded.
 * - The JOSE header is decoded here with json-c and the algorithm is pinned
 *   by configuration: "alg" must be exactly the configured name, so "none"
 *   (in any case), an unconfigured algorithm and the HS256-with-the-RSA-
 *   public-key-as-secret attack never reach libjwt.
 * - After jwt_decode, the algorithm libjwt actually used is compared with
 *   the configured one again. This also covers any difference between
 *   json-c and jansson (which libjwt uses) in reading the same header, such
 *   as duplicate "alg" members.
 * - Claims are read from our own json-c decode of the payload, never from
 *   libjwt (auth_claims.c).
 *
 * Duplicate members in the header or the payload: json-c keeps the last
 * one ("last wins"), so that is the value every check here sees. Both are
 * covered by the signature, so only the key holder can produce them.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common.h"
#include "config.h"
#include "log.h"
#include "auth.h"
#include "auth_int.h"

#define JWT_SECRET_MIN		32
#define JWT_RSA_BITS_MIN	2048
#define JWT_JSON_DEPTH		16
/* HMAC-SHA256 is 32 bytes, ES256 r || s is 64 bytes (RFC 7518 3.4). */
#define JWT_B64LEN(n)		(((n) * 4 + 2) / 3)
#define JWT_MINT_TTL_MAX	(10L * 366 * 24 * 3600)

static const struct jwt_alg_desc {
	enum auth_alg	 alg;
	const char	*name;
	jwt_alg_t	 jalg;
} jwt_algs[] = {
	{ AUTH_HS256, "HS256", JWT_ALG_HS256 },
	{ AUTH_RS256, "RS256", JWT_ALG_RS256 },
	{ AUTH_ES256, "ES256", JWT_ALG_ES256 }
};

/*
 * JOSE header members that carry or point at a key or certificate. We
 * never take a key from the token, so a token naming one was made for a
 * different verifier or is a key-injection attempt: refused. "kid" is only
 * a hint and is ignored.
 */
static const char *const jwt_key_members[] = { "jku", "x5u", "jwk", "x5c" };

static void
jwt_seterr(struct errmsg *err, const char *msg)
{
	errmsg_set(err, "%s", msg);
}

static const struct jwt_alg_desc *
jwt_alg_find(enum auth_alg alg)
{
	size_t	i;

	for (i = 0; i < NITEMS(jwt_algs); i++)
		if (jwt_algs[i].alg == alg)
			return &jwt_algs[i];
	return NULL;
}

/*
 * Check that pem holds one public key of the type alg needs: RSA of at
 * least 2048 bits for RS256, EC on P-256 for ES256. On RC_OK, *siglen is
 * the base64url length of a signature made with it. Otherwise RC_INVALID
 * with a reason in err. The key text is never logged.
 */
static int
jwt_key_check(enum auth_alg alg, const char *pem, size_t len, size_t *siglen,
    struct errmsg *err)
{
	BIO		*bio = NULL;
	EVP_PKEY	*pkey = NULL;
	char		 group[64];
	size_t		 glen;
	int		 bits, rc = RC_INVALID;

	if (pem == NULL || len == 0) {
		jwt_seterr(err, "public_key is required for RS256 "
		    "and ES256");
		goto out;
	}
	if (len > INT_MAX) {
		jwt_seterr(err, "public_key is too large");
		goto out;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		fatalx("BIO_new_mem_buf");
	if ((pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) == NULL) {
		jwt_seterr(err, "public_key is not a PEM public key");
		goto out;
	}
	if (alg == AUTH_RS256) {
		if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
			jwt_seterr(err, "public_key is not an RSA key "
			    "(RS256)");
			goto out;
		}
		if ((bits = EVP_PKEY_get_bits(pkey)) < JWT_RSA_BITS_MIN) {
			jwt_seterr(err, "public_key: RSA key must be "
			    "at least 2048 bits");
			goto out;
		}
		*siglen = JWT_B64LEN(((size_t)bits + 7) / 8);
	} else {
		if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
		    EVP_PKEY_get_group_name(pkey, group, sizeof(group),
		    &glen) != 1 || strcmp(group, "prime256v1") != 0) {
			jwt_seterr(err, "public_key is not an EC "
			    "P-256 key (ES256)");
			goto out;
		}
		*siglen = JWT_B64LEN(64);
	}
	rc = RC_OK;
out:
	ERR_clear_error();
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return rc;
}

/*
 * Build a verifier. RC_OK: *out owned by the caller (auth_close). RC_INVALID:
 * the reason in err (never containing the secret or the key).
 */
int
auth_open(const struct config *cfg, struct auth **out, struct errmsg *err)
{
	const struct jwt_alg_desc	*d;
	struct auth			*a = NULL;
	size_t				 siglen = JWT_B64LEN(32);
	int				 rc = RC_INVALID;

	if ((d = jwt_alg_find(cfg->auth.algorithm)) == NULL) {
		jwt_seterr(err, "algorithm is not HS256, RS256 or "
		    "ES256");
		goto out;
	}
	if (cfg->auth.leeway_seconds < 0 ||
	    cfg->auth.leeway_seconds > AUTH_LEEWAY_MAX) {
		jwt_seterr(err, "leeway_seconds must be 0..60");
		goto out;
	}
	a = xcalloc(1, sizeof(*a));
	if (d->alg == AUTH_HS256) {
		/* libjwt takes an empty key as "verify nothing". */
		if (cfg->auth.jwt_secret == NULL ||
		    cfg->auth.jwt_secret_len < JWT_SECRET_MIN) {
			jwt_seterr(err, "jwt_secret must be at least "
			    "32 bytes");
			goto out;
		}
		if (cfg->auth.jwt_secret_len > INT_MAX) {
			jwt_seterr(err, "jwt_secret is too large");
			goto out;
		}
		a->key = (const unsigned char *)cfg->auth.jwt_secret;
		a->keylen = (int)cfg->auth.jwt_secret_len;
	} else {
		if (jwt_key_check(d->alg, cfg->auth.public_key,
		    cfg->auth.public_key_len, &siglen, err) != RC_OK)
			goto out;
		a->key = (const unsigned char *)cfg->auth.public_key;
		a->keylen = (int)cfg->auth.public_key_len;
	}
	a->cfg = cfg;
	a->alg = d->alg;
	a->alg_name = d->name;
	a->jwt_alg = (int)d->jalg;
	a->siglen = siglen;
	a->roles_claim = cfg->auth.roles_claim != NULL &&
	    cfg->auth.roles_claim[0] != '\0' ? cfg->auth.roles_claim : "roles";
	a->leeway = cfg->auth.leeway_seconds;
	*out = a;
	a = NULL;
	rc = RC_OK;
out:
	free(a);
	return rc;
}

void
auth_close(struct auth *a)
{
	size_t	i;

	if (a == NULL)
		return;
	for (i = 0; i < AUTH_CACHE_SLOTS; i++) {
		free(a->cache[i].tok);
		json_object_put(a->cache[i].pl);
	}
	free(a);
}

/* The cache slot of token tok (len bytes): FNV-1a of its last bytes. */
static struct auth_cached *
cache_slot(struct auth *a, const char *tok, size_t len)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	/* The signature's end: the bytes that differ most between tokens. */
	for (i = len > 16 ? len - 16 : 0; i < len; i++)
		h = (h ^ (unsigned char)tok[i]) * 16777619u;
	return &a->cache[h % AUTH_CACHE_SLOTS];
}

/*
 * The payload of tok when it was verified before, or NULL. Compared in
 * constant time: how long the comparison takes tells nothing of a
 * cached token.
 */
static struct json_object *
cache_find(struct auth *a, const char *tok)
{
	size_t			 len = strlen(tok);
	struct auth_cached	*c = cache_slot(a, tok, len);

	if (c->tok == NULL || c->len != len ||
	    CRYPTO_memcmp(c->tok, tok, len) != 0)
		return NULL;
	return c->pl;
}

/* Remember tok, whose signature is good, with its payload pl (a ref). */
static void
cache_put(struct auth *a, const char *tok, struct json_object *pl)
{
	size_t			 len = strlen(tok);
	struct auth_cached	*c = cache_slot(a, tok, len);

	free(c->tok);
	json_object_put(c->pl);
	c->tok = xstrdup(tok);
	c->len = len;
	c->pl = json_object_get(pl);
}

static int
jwt_b64url_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Strict base64url without padding (RFC 7515 2): only the url alphabet,
 * no length of 1 mod 4, and the unused low bits of the last character must
 * be zero, so each byte string has exactly one encoding. On RC_OK *out is
 * a new NUL-terminated buffer owned by the caller, *outlen its length
 * without the NUL. Otherwise RC_INVALID.
 */
static int
jwt_b64url_decode(const char *s, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char	*buf;
	unsigned	 acc = 0, bits = 0;
	size_t		 i, n = 0;
	int		 v;

	if (len % 4 == 1)
		return RC_INVALID;
	buf = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if ((v = jwt_b64url_val((unsigned char)s[i])) < 0)
			goto bad;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (unsigned char)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	if (acc != 0)
		goto bad;
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return RC_OK;
bad:
	free(buf);
	return RC_INVALID;
}

/*
 * Decode one base64url segment holding a JSON object. RC_OK: *out is a
 * new reference owned by the caller. RC_INVALID: not base64url, a NUL
 * byte, not exactly one JSON object, or nested deeper than JWT_JSON_DEPTH.
 */
static int
jwt_segment_json(const char *seg, size_t len, struct json_object **out)
{
	struct json_tokener	*tok = NULL;
	struct json_object	*obj = NULL;
	unsigned char		*raw = NULL;
	size_t			 rawlen;
	int			 rc = RC_INVALID;

	if (jwt_b64url_decode(seg, len, &raw, &rawlen) != RC_OK)
		goto out;
	if (rawlen == 0 || rawlen > INT_MAX ||
	    memchr(raw, '\0', rawlen) != NULL)
		goto out;
	if ((tok = json_tokener_new_ex(JWT_JSON_DEPTH)) == NULL)
		fatalx("json_tokener_new_ex");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, (const char *)raw, (int)rawlen);
	if (obj == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != rawlen ||
	    !json_object_is_type(obj, json_type_object))
		goto out;
	*out = obj;
	obj = NULL;
	rc = RC_OK;
out:
	json_object_put(obj);
	if (tok != NULL)
		json_tokener_free(tok);
	free(raw);
	return rc;
}

/*
 * Split "Bearer <token>": the scheme is matched without regard to case
 * (RFC 7235 2.1), then one or more spaces, then exactly one token with no
 * further whitespace (RFC 6750 2.1). RC_OK: *tok points into h.
 */
static int
jwt_scheme_split(const char *h, const char **tok)
{
	const char	*t;

	if (strncasecmp(h, "Bearer", 6) != 0 || h[6] != ' ')
		return RC_DENIED;
	for (t = h + 6; *t == ' '; t++)
		continue;
	if (*t == '\0' || strpbrk(t, " \t\r\n") != NULL)
		return RC_DENIED;
	*tok = t;
	return RC_OK;
}

/*
 * Split the token into its three segments: [A-Za-z0-9_-]+ separated by
 * single dots. Anything else (two or four segments, an empty segment,
 * padding, '+' or '/') is RC_DENIED. seg[i] and len[i] point into tok.
 */
static int
jwt_token_split(const char *tok, const char *seg[3], size_t len[3])
{
	const char	*s;
	int		 n = 0;

	seg[0] = tok;
	for (s = tok; ; s++) {
		if (*s == '.' || *s == '\0') {
			if (s == seg[n])
				return RC_DENIED;
			len[n] = (size_t)(s - seg[n]);
			if (*s == '\0')
				break;
			if (++n == 3)
				return RC_DENIED;
			seg[n] = s + 1;
		} else if (jwt_b64url_val((unsigned char)*s) < 0)
			return RC_DENIED;
	}
	return n == 2 ? RC_OK : RC_DENIED;
}

/*
 * The JOSE header checks, before any key is used. RC_OK or RC_DENIED with
 * why's text set (why may be NULL).
 */
static int
jwt_header_check(const struct auth *a, struct json_object *hdr,
    struct errmsg *why)
{
	struct json_object	*v;
	const char		*alg;
	size_t			 i;

	if (!json_object_object_get_ex(hdr, "alg", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		errmsg_set(why, "%s", AUTH_WHY_TOKEN);
		return RC_DENIED;
	}
	alg = json_object_get_string(v);
	/* Exact match (not strcasecmp as libjwt): "hs256" is refused too. */
	if (strcasecmp(alg, "none") == 0 ||
	    (size_t)json_object_get_string_len(v) != strlen(a->alg_name) ||
	    strcmp(alg, a->alg_name) != 0) {
		errmsg_set(why, "%s", AUTH_WHY_ALG);
		return RC_DENIED;
	}
	/* We understand no extension, so any "crit" must fail (RFC 7515 4.1.11). */
	if (json_object_object_get_ex(hdr, "crit", NULL)) {
		errmsg_set(why, "%s", AUTH_WHY_HEADER);
		return RC_DENIED;
	}
	for (i = 0; i < NITEMS(jwt_key_members); i++) {
		if (json_object_object_get_ex(hdr, jwt_key_members[i], NULL)) {
			errmsg_set(why, "%s", AUTH_WHY_HEADER);
			return RC_DENIED;
		}
	}
	/* libjwt 1.10 refuses any "typ" but "JWT"; say so before it does. */
	if (json_object_object_get_ex(hdr, "typ", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	    strcasecmp(json_object_get_string(v), "JWT") != 0)) {
		errmsg_set(why, "%s", AUTH_WHY_TOKEN);
		return RC_DENIED;
	}
	return RC_OK;
}

/*
 * Verify an Authorization header value. RC_OK: *p filled, why's text
 * empty. RC_NOTFOUND: no header. RC_DENIED: why's text set to one of the
 * AUTH_WHY_ sentences. *p is zeroed on every path but RC_OK; why may be
 * NULL. Nothing about the token is logged.
 */
int
auth_verify(struct auth *a, const char *header, struct principal *p,
    struct errmsg *why)
{
	struct json_object	*hdr = NULL, *pl = NULL, *cached;
	struct principal	 tmp;
	jwt_t			*jwt = NULL;
	const char		*tok, *seg[3], *w = AUTH_WHY_TOKEN;
	unsigned char		*sig = NULL;
	size_t			 len[3], siglen;
	int			 rc = RC_DENIED, jrc;

	memset(p, 0, sizeof(*p));
	if (header == NULL) {
		w = AUTH_WHY_NOHEADER;
		rc = RC_NOTFOUND;
		goto out;
	}
	if (strnlen(header, AUTH_HEADER_MAX + 1) > AUTH_HEADER_MAX) {
		w = AUTH_WHY_TOOLARGE;
		goto out;
	}
	if (jwt_scheme_split(header, &tok) != RC_OK) {
		w = AUTH_WHY_SCHEME;
		goto out;
	}
	/* Verified before: the claims again, at this time. */
	if ((cached = cache_find(a, tok)) != NULL) {
		if ((rc = auth_claims_check(a, cached, (int64_t)time(NULL),
		    &tmp, why)) == RC_OK) {
			*p = tmp;
			w = "";
		} else
			w = NULL;	/* why is set */
		goto out;
	}
	if (jwt_token_split(tok, seg, len) != RC_OK)
		goto out;
	if (jwt_segment_json(seg[0], len[0], &hdr) != RC_OK)
		goto out;
	if (jwt_header_check(a, hdr, why) != RC_OK) {
		w = NULL;		/* why is set */
		goto out;
	}
	if (jwt_segment_json(seg[1], len[1], &pl) != RC_OK)
		goto out;
	/*
	 * The signature must have the key's exact length and a canonical
	 * encoding (unused low bits zero), so that a token has exactly one
	 * spelling whatever libjwt's own decoder accepts.
	 */
	w = AUTH_WHY_SIGNATURE;
	if (len[2] != a->siglen ||
	    jwt_b64url_decode(seg[2], len[2], &sig, &siglen) != RC_OK)
		goto out;
	free(sig);
	sig = NULL;
	/*
	 * libjwt returns EINVAL for a bad signature and for anything it
	 * cannot parse, and ENOMEM also for some OpenSSL failures a token
	 * can cause, so every failure is a denial.
	 */
	if ((jrc = jwt_decode(&jwt, tok, a->key, a->keylen)) != 0 ||
	    jwt == NULL) {
		log_debug("auth: jwt_decode: %s", strerror(jrc));
		goto out;
	}
	if ((int)jwt_get_alg(jwt) != a->jwt_alg) {
		w = AUTH_WHY_ALG;
		goto out;
	}
	/* The signature is good: claims checked now or not, it is kept. */
	cache_put(a, tok, pl);
	if ((rc = auth_claims_check(a, pl, (int64_t)time(NULL), &tmp,
	    why)) != RC_OK) {
		w = NULL;		/* why is set */
		goto out;
	}
	*p = tmp;
	w = "";
out:
	if (jwt != NULL)
		jwt_free(jwt);
	json_object_put(pl);
	json_object_put(hdr);
	if (w != NULL)
		errmsg_set(why, "%s", w);
	return rc;
}

/* A role name other than the built-in ones: ^[A-Za-z0-9_.:-]{1,64}$. */
static int
xrole_ok(const char *s)
{
	size_t	n = strlen(s), i;

	if (n < 1 || n > AUTH_XROLE_LEN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    strchr("_.:-", s[i]) != NULL))
			return 0;
	return 1;
}

/*
 * Add roles_csv ("admin, workflow:read") to the grants: a JSON array under
 * the roles claim, or a space-separated string when the roles claim is
 * "scope". RC_OK or RC_INVALID after logging (a role name that is
 * neither built in nor ^[A-Za-z0-9_.:-]{1,64}$).
 */
static int
jwt_mint_roles(struct json_object *grants, const char *claim,
    const char *roles_csv)
{
	struct json_object	*arr = NULL;
	char			*csv, *cur, *name, *end, *scope = NULL, *tmp;
	unsigned		 bit, seen = 0;
	int			 rc = RC_INVALID;

	cur = csv = xstrdup(roles_csv != NULL ? roles_csv : "");
	arr = json_object_new_array();
	while ((name = strsep(&cur, ",")) != NULL) {
		while (*name == ' ' || *name == '\t')
			name++;
		end = name + strlen(name);
		while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*name == '\0')
			continue;
		if ((bit = auth_role_parse(name, strlen(name))) == 0 &&
		    !xrole_ok(name)) {
			log_warnx("auth: token mint: unknown role \"%s\"", name);
			goto out;
		}
		if (seen & bit)
			continue;
		seen |= bit;
		/* Another role (a wait step's approvers.roles) as given. */
		if (json_object_array_add(arr, json_object_new_string(bit != 0 ?
		    auth_role_name(bit) : name)) != 0)
			fatalx("json_object_array_add");
		tmp = scope;
		scope = xasprintf("%s%s%s", tmp != NULL ? tmp : "",
		    tmp != NULL ? " " : "", bit != 0 ? auth_role_name(bit) :
		    name);
		free(tmp);
	}
	if (strcmp(claim, "scope") == 0) {
		if (json_object_object_add(grants, claim,
		    json_object_new_string(scope != NULL ? scope : "")) != 0)
			fatalx("json_object_object_add");
	} else {
		if (json_object_object_add(grants, claim, arr) != 0)
			fatalx("json_object_object_add");
		arr = NULL;
	}
	rc = RC_OK;
out:
	json_object_put(arr);
	free(scope);
	free(csv);
	return rc;
}

/*
 * Mint an HS256 token with the configured jwt_secret, whatever algorithm
 * verification uses (wfmctl token in development). Claims: sub, iat, exp =
 * now + ttl, the roles under roles_claim, iss and aud when configured.
 * Returns a new string owned by the caller, or NULL after logging (no
 * secret, bad sub, ttl outside 1 s..10 years, unknown role).
 */
char *
auth_token_mint(const struct config *cfg, const char *sub,
    const char *roles_csv, long ttl_seconds)
{
	struct json_object	*grants = NULL;
	jwt_t			*jwt = NULL;
	const char		*claim;
	char			*tok = NULL, *ret = NULL;
	size_t			 sublen;
	int64_t			 now;
	int			 jrc;

	if (cfg->auth.jwt_secret == NULL ||
	    cfg->auth.jwt_secret_len < JWT_SECRET_MIN ||
	    cfg->auth.jwt_secret_len > INT_MAX) {
		log_warnx("auth: token mint needs a jwt_secret of at least "
		    "32 bytes");
		goto out;
	}
	sublen = sub != NULL ? strlen(sub) : 0;
	if (sublen == 0 || sublen > AUTH_SUB_MAX) {
		log_warnx("auth: token mint: sub must be 1..%d bytes",
		    AUTH_SUB_MAX);
		goto out;
	}
	if (ttl_seconds < 1 || ttl_seconds > JWT_MINT_TTL_MAX) {
		log_warnx("auth: token mint: ttl must be 1..%ld seconds",
		    JWT_MINT_TTL_MAX);
		goto out;
	}
	claim = cfg->auth.roles_claim != NULL &&
	    cfg->auth.roles_claim[0] != '\0' ? cfg->auth.roles_claim : "roles";
	now = (int64_t)time(NULL);

	grants = json_object_new_object();
	if (json_object_object_add(grants, "sub",
	    json_object_new_string(sub)) != 0 ||
	    json_object_object_add(grants, "iat",
	    json_object_new_int64(now)) != 0 ||
	    json_object_object_add(grants, "exp",
	    json_object_new_int64(now + ttl_seconds)) != 0)
		fatalx("json_object_object_add");
	if (cfg->auth.issuer != NULL && json_object_object_add(grants, "iss",
	    json_object_new_string(cfg->auth.issuer)) != 0)
		fatalx("json_object_object_add");
	if (cfg->auth.audience != NULL && json_object_object_add(grants,
	    "aud", json_object_new_string(cfg->auth.audience)) != 0)
		fatalx("json_object_object_add");
	if (jwt_mint_roles(grants, claim, roles_csv) != RC_OK)
		goto out;

	if ((jrc = jwt_new(&jwt)) != 0)
		fatalx("jwt_new: %s", strerror(jrc));
	if ((jrc = jwt_set_alg(jwt, JWT_ALG_HS256,
	    (const unsigned char *)cfg->auth.jwt_secret,
	    (int)cfg->auth.jwt_secret_len)) != 0 ||
	    (jrc = jwt_add_grants_json(jwt, json_object_to_json_string_ext(
	    grants, JSON_C_TO_STRING_PLAIN))) != 0) {
		log_warnx("auth: token mint: %s", strerror(jrc));
		goto out;
	}
	if ((tok = jwt_encode_str(jwt)) == NULL) {
		log_warnx("auth: token mint: jwt_encode_str failed");
		goto out;
	}
	ret = xstrdup(tok);
out:
	free(tok);			/* jwt_encode_str: malloc(3)'d */
	if (jwt != NULL)
		jwt_free(jwt);
	json_object_put(grants);
	return ret;
}
