/*
 * Unit tests for src/auth. Every token is made by a second implementation,
 * tests/data/jwt/mint.sh (openssl command line only), at test time so that
 * times are relative to now. Run from the top of the tree, or build with
 * -DTEST_DATA_DIR='"/path/to/tests/data"'.
 *
 * Most checks compare an outcome string: "OK" when auth_verify returned
 * RC_OK with no reason, the reason when it returned RC_DENIED, or
 * "(unexpected result)" for anything else.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "config.h"
#include "auth.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR	"tests/data"
#endif
#define JWT_DIR		TEST_DATA_DIR "/jwt"
#define KEY_HS		JWT_DIR "/hs256.key"
#define KEY_RSA		JWT_DIR "/rsa.pem"
#define KEY_EC		JWT_DIR "/ec.pem"
#define PUB_RSA		JWT_DIR "/rsa.pub.pem"
#define NOW		((long long)time(NULL))
#define FILE_MAX	65536
#define TOKEN_MAX	20000

#define OK		"OK"
#define W_ALG		"Token algorithm not allowed"
#define W_TOKEN		"Invalid token"
#define W_SIG		"Invalid token signature"
#define W_SCHEME	"Invalid authentication scheme"
#define W_HEADER	"Unsupported token header"
#define W_SUB		"Invalid claim: sub"

void	test_auth_register(void);
static const char *J(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

/* Key material read once by the suite. */
static struct {
	char	*secret, *rsa_pub, *ec_pub, *ec384_pub, *rsa1024_pub, *rsa_priv;
	size_t	 secret_len, rsa_pub_len, ec_pub_len, ec384_pub_len;
	size_t	 rsa1024_pub_len, rsa_priv_len;
} keys;

/* The principal of the last verification. */
static struct principal	last;

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf = xmalloc(FILE_MAX + 1);
	n = fread(buf, 1, FILE_MAX, f);
	if (ferror(f) || !feof(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
suite_init(void)
{
	keys.secret = slurp(KEY_HS, &keys.secret_len);
	keys.rsa_pub = slurp(PUB_RSA, &keys.rsa_pub_len);
	keys.ec_pub = slurp(JWT_DIR "/ec.pub.pem", &keys.ec_pub_len);
	keys.ec384_pub = slurp(JWT_DIR "/ec384.pub.pem", &keys.ec384_pub_len);
	keys.rsa1024_pub = slurp(JWT_DIR "/rsa1024.pub.pem",
	    &keys.rsa1024_pub_len);
	keys.rsa_priv = slurp(KEY_RSA, &keys.rsa_priv_len);
	return keys.secret == NULL || keys.rsa_pub == NULL ||
	    keys.ec_pub == NULL || keys.ec384_pub == NULL ||
	    keys.rsa1024_pub == NULL || keys.rsa_priv == NULL;
}

static int
suite_clean(void)
{
	free(keys.secret);
	free(keys.rsa_pub);
	free(keys.ec_pub);
	free(keys.ec384_pub);
	free(keys.rsa1024_pub);
	free(keys.rsa_priv);
	memset(&keys, 0, sizeof(keys));
	return 0;
}

/* A configuration as config_load would leave it, for one algorithm. */
static void
cfg_make(struct config *c, enum auth_alg alg)
{
	memset(c, 0, sizeof(*c));
	c->auth.algorithm = alg;
	c->auth.leeway_seconds = 30;
	c->auth.roles_claim = "roles";
	if (alg == AUTH_HS256) {
		c->auth.jwt_secret = keys.secret;
		c->auth.jwt_secret_len = keys.secret_len;
	} else if (alg == AUTH_RS256) {
		c->auth.public_key = keys.rsa_pub;
		c->auth.public_key_len = keys.rsa_pub_len;
	} else {
		c->auth.public_key = keys.ec_pub;
		c->auth.public_key_len = keys.ec_pub_len;
	}
}

/* printf into one of a few static buffers (up to four live at a time). */
static const char *
J(const char *fmt, ...)
{
	static char	 buf[4][4096];
	static int	 i;
	va_list		 ap;
	char		*b = buf[i++ % 4];

	va_start(ap, fmt);
	vsnprintf(b, sizeof(buf[0]), fmt, ap);
	va_end(ap);
	return b;
}

/* s in single quotes for sh(1); a new string. */
static char *
shquote(const char *s)
{
	char	*q, *d;

	d = q = xmalloc(strlen(s) * 4 + 3);
	*d++ = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(d, "'\\''", 4);
			d += 4;
		} else
			*d++ = *s;
	}
	*d++ = '\'';
	*d = '\0';
	return q;
}

/* A token from mint.sh (a new string), or NULL after a test failure. */
static char *
mint(const char *sign, const char *key, const char *hdr, const char *pl)
{
	FILE	*f;
	char	*qh, *qp, *cmd, *tok;
	size_t	 n;
	int	 st;

	qh = shquote(hdr);
	qp = shquote(pl);
	cmd = xasprintf("%s/mint.sh %s %s %s %s", JWT_DIR, sign, key, qh, qp);
	free(qh);
	free(qp);
	f = popen(cmd, "r");
	free(cmd);
	if (f == NULL) {
		CU_FAIL("popen mint.sh");
		return NULL;
	}
	tok = xmalloc(TOKEN_MAX + 1);
	n = fread(tok, 1, TOKEN_MAX, f);
	tok[n] = '\0';
	st = pclose(f);
	if (st != 0 || n == 0 || n == TOKEN_MAX) {
		free(tok);
		CU_FAIL("mint.sh failed");
		return NULL;
	}
	return tok;
}

static const char *
std_key(const char *alg)
{
	if (strcmp(alg, "RS256") == 0)
		return KEY_RSA;
	if (strcmp(alg, "ES256") == 0)
		return KEY_EC;
	return KEY_HS;
}

static const char *
std_hdr(const char *alg)
{
	return J("{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg);
}

static const char *
pl_std(void)
{
	return J("{\"sub\":\"alice\",\"exp\":%lld,\"iat\":%lld,"
	    "\"roles\":[\"workflow:read\",\"workflow:execute\"]}",
	    NOW + 300, NOW);
}

/* Verify the header value h under c (NULL: the HS256 default). */
static const char *
hdrw(const struct config *c, const char *h)
{
	struct config	 dflt;
	struct auth	*a = NULL;
	static struct errmsg	 why;
	struct errmsg		 err;
	int			 rc;

	if (c == NULL) {
		cfg_make(&dflt, AUTH_HS256);
		c = &dflt;
	}
	memset(&last, 0xa5, sizeof(last));
	if (auth_open(c, &a, &err) != RC_OK)
		return "(auth_open failed)";
	errmsg_set(&why, "(not set)");
	rc = auth_verify(a, h, &last, &why);
	auth_close(a);
	if (rc == RC_OK && why.text[0] == '\0')
		return OK;
	if (rc == RC_DENIED && why.text[0] != '\0') {
		/* A denial never leaves a principal behind. */
		CU_ASSERT_EQUAL(last.sub[0], '\0');
		CU_ASSERT_EQUAL(last.roles, 0);
		return why.text;
	}
	return "(unexpected result)";
}

/* Verify "Bearer tok" under c. */
static const char *
tokw(const struct config *c, const char *tok)
{
	const char	*r;
	char		*h;

	if (tok == NULL)
		return "(no token)";
	h = xasprintf("Bearer %s", tok);
	r = hdrw(c, h);
	free(h);
	return r;
}

/* Mint with sign/key/hdr/pl, verify under c. */
static const char *
run(const struct config *c, const char *sign, const char *key,
    const char *hdr, const char *pl)
{
	const char	*r;
	char		*tok;

	tok = mint(sign, key, hdr, pl);
	r = tokw(c, tok);
	free(tok);
	return r;
}

/* The usual header {"alg":alg,"typ":"JWT"} signed with alg's test key. */
static const char *
std(const struct config *c, const char *alg, const char *pl)
{
	return run(c, alg, std_key(alg), std_hdr(alg), pl);
}

/* Payload pl as an HS256 token, verified with the HS256 default. */
static const char *
hs(const char *pl)
{
	return std(NULL, "HS256", pl);
}

/* An HS256 token with the given header and the standard payload. */
static const char *
hs_hdr(const char *hdr)
{
	return run(NULL, "HS256", KEY_HS, hdr, pl_std());
}

static void
accepts_alg(enum auth_alg alg, const char *name)
{
	struct config	c;

	cfg_make(&c, alg);
	CU_ASSERT_STRING_EQUAL(std(&c, name, pl_std()), OK);
	CU_ASSERT_STRING_EQUAL(last.sub, "alice");
	CU_ASSERT_EQUAL(last.roles, ROLE_READ | ROLE_EXECUTE);
}

static void
test_auth_accepts_hs256_token_from_openssl(void)
{
	accepts_alg(AUTH_HS256, "HS256");
}

static void
test_auth_accepts_rs256_token_from_openssl(void)
{
	accepts_alg(AUTH_RS256, "RS256");
}

static void
test_auth_accepts_es256_token_from_openssl(void)
{
	accepts_alg(AUTH_ES256, "ES256");
}

static void
test_auth_rejects_alg_none(void)
{
	static const char *const v[] = { "none", "None", "NONE", "nOnE" };
	char	*tok;
	size_t	 i;

	for (i = 0; i < NITEMS(v); i++) {
		/* With an HMAC signature left on: refused by the header check. */
		tok = mint("HS256", KEY_HS, J("{\"alg\":\"%s\"}", v[i]),
		    pl_std());
		CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
		CU_ASSERT_STRING_EQUAL(tokw(NULL, tok), W_ALG);
		/* The unsecured form "h.p." has an empty signature. */
		strrchr(tok, '.')[1] = '\0';
		CU_ASSERT_STRING_EQUAL(tokw(NULL, tok), W_TOKEN);
		free(tok);
	}
}

static void
test_auth_rejects_alg_mismatch(void)
{
	struct config	c;

	CU_ASSERT_STRING_EQUAL(std(NULL, "RS256", pl_std()), W_ALG);
	cfg_make(&c, AUTH_RS256);
	CU_ASSERT_STRING_EQUAL(std(&c, "ES256", pl_std()), W_ALG);
	cfg_make(&c, AUTH_ES256);
	CU_ASSERT_STRING_EQUAL(std(&c, "RS256", pl_std()), W_ALG);
	/* Same family, other hash. */
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"HS384\"}"), W_ALG);
	/* libjwt would take "hs256"; the pinned name is exact. */
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"hs256\"}"), W_ALG);
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"typ\":\"JWT\"}"), W_TOKEN);
}

static void
test_auth_rejects_hs256_signed_with_rsa_public_key(void)
{
	struct config	 c;
	char		*tok;

	tok = mint("HS256", PUB_RSA, std_hdr("HS256"), pl_std());
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	/* The forgery is a real HMAC over the PEM text... */
	cfg_make(&c, AUTH_HS256);
	c.auth.jwt_secret = keys.rsa_pub;
	c.auth.jwt_secret_len = keys.rsa_pub_len;
	CU_ASSERT_STRING_EQUAL(tokw(&c, tok), OK);
	/* ...and is refused when RS256 is configured with that key. */
	cfg_make(&c, AUTH_RS256);
	CU_ASSERT_STRING_EQUAL(tokw(&c, tok), W_ALG);
	free(tok);
}

static void
test_auth_rejects_bad_signature(void)
{
	static const char *const algs[] = { "HS256", "RS256", "ES256" };
	static const enum auth_alg ids[] = { AUTH_HS256, AUTH_RS256,
	    AUTH_ES256 };
	struct config	 c;
	char		*tok, *sig;
	size_t		 i;

	for (i = 0; i < NITEMS(algs); i++) {
		cfg_make(&c, ids[i]);
		tok = mint(algs[i], std_key(algs[i]), std_hdr(algs[i]),
		    pl_std());
		CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
		CU_ASSERT_STRING_EQUAL(tokw(&c, tok), OK);
		sig = strrchr(tok, '.') + 1;
		sig[5] = sig[5] == 'A' ? 'B' : 'A';
		CU_ASSERT_STRING_EQUAL(tokw(&c, tok), W_SIG);
		/* Truncated: the length no longer matches the key. */
		sig[strlen(sig) - 4] = '\0';
		CU_ASSERT_STRING_EQUAL(tokw(&c, tok), W_SIG);
		free(tok);
	}
	/* A secret one byte shorter. */
	cfg_make(&c, AUTH_HS256);
	c.auth.jwt_secret_len--;
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256", pl_std()), W_SIG);
}

static void
test_auth_rejects_swapped_payload(void)
{
	struct config	 c;
	char		*a, *b, *h;

	/* Bob's payload under Alice's signature. */
	cfg_make(&c, AUTH_RS256);
	a = mint("RS256", KEY_RSA, std_hdr("RS256"),
	    J("{\"sub\":\"alice\",\"exp\":%lld}", NOW + 300));
	b = mint("RS256", KEY_RSA, std_hdr("RS256"),
	    J("{\"sub\":\"bob\",\"exp\":%lld}", NOW + 300));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	*strrchr(b, '.') = '\0';
	h = xasprintf("Bearer %s%s", b, strrchr(a, '.'));
	CU_ASSERT_STRING_EQUAL(hdrw(&c, h), W_SIG);
	free(h);
	free(a);
	free(b);
}

static void
test_auth_rejects_noncanonical_signature_encoding(void)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char			*tok, *end;

	/*
	 * 32 bytes take 43 characters: the last one carries 2 bits that are
	 * not part of the signature. Setting one spells the same bytes in a
	 * second way (libjwt 1.10.2 refuses it too; we do not rely on that).
	 */
	tok = mint("HS256", KEY_HS, std_hdr("HS256"), pl_std());
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	end = tok + strlen(tok) - 1;
	CU_ASSERT_EQUAL_FATAL((strchr(b64, *end) - b64) % 4, 0);
	*end = b64[(strchr(b64, *end) - b64) | 1];
	CU_ASSERT_STRING_EQUAL(tokw(NULL, tok), W_SIG);
	free(tok);
}

static void
test_auth_rejects_expired_token(void)
{
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld}", NOW - 100)),
	    "Token expired");
}

static void
test_auth_accepts_exp_within_leeway(void)
{
	struct config	c;

	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld}", NOW - 10)),
	    OK);
	/* Without leeway the same token is expired. */
	cfg_make(&c, AUTH_HS256);
	c.auth.leeway_seconds = 0;
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256",
	    J("{\"sub\":\"a\",\"exp\":%lld}", NOW - 10)), "Token expired");
}

static void
test_auth_rejects_future_nbf(void)
{
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"nbf\":%lld}",
	    NOW + 300, NOW + 100)), "Token not yet valid");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"nbf\":%lld}",
	    NOW + 300, NOW + 10)), OK);
}

static void
test_auth_rejects_future_iat(void)
{
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"iat\":%lld}",
	    NOW + 300, NOW + 100)), "Token issued in the future");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"iat\":%lld}",
	    NOW + 300, NOW + 10)), OK);
}

static void
test_auth_rejects_missing_exp(void)
{
	CU_ASSERT_STRING_EQUAL(hs("{\"sub\":\"alice\"}"),
	    "Missing required claim: exp");
}

static void
test_auth_rejects_non_integer_exp(void)
{
	static const char *const v[] = { "4e9", "null", "true", "[1]" };
	size_t	i;

	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":\"%lld\"}",
	    NOW + 300)), "Invalid claim: exp");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld.0}",
	    NOW + 300)), "Invalid claim: exp");
	for (i = 0; i < NITEMS(v); i++)
		CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%s}", v[i])),
		    "Invalid claim: exp");
}

static void
test_auth_rejects_non_integer_nbf_and_iat(void)
{
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"nbf\":\"0\"}", NOW + 300)), "Invalid claim: nbf");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"iat\":1.5}", NOW + 300)), "Invalid claim: iat");
}

static void
test_auth_rejects_bad_sub(void)
{
	static const char *const v[] = {
		"\"\"", "42", "null", "[\"a\"]", "\"a\\nb\"", "\"a\\u0001b\"",
		"\"a\\u007fb\"", "\"a\\u0085b\"",
		/* PAD SPACE would make these alice in the database. */
		"\" alice\"", "\"alice \"", "\" \"", "\"alice  \""
	};
	char	s[AUTH_SUB_MAX + 2];
	size_t	i;

	CU_ASSERT_STRING_EQUAL(hs(J("{\"exp\":%lld}", NOW + 300)),
	    "Missing required claim: sub");
	for (i = 0; i < NITEMS(v); i++)
		CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":%s,\"exp\":%lld}", v[i],
		    NOW + 300)), W_SUB);
	memset(s, 'u', AUTH_SUB_MAX + 1);
	s[AUTH_SUB_MAX + 1] = '\0';
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"%s\",\"exp\":%lld}", s,
	    NOW + 300)), W_SUB);
	/* jansson (inside libjwt) already refuses a NUL in any string. */
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\\u0000b\",\"exp\":%lld}",
	    NOW + 300)), W_SIG);
}

static void
test_auth_accepts_sub_of_255_bytes(void)
{
	char	s[AUTH_SUB_MAX + 1];

	memset(s, 'u', AUTH_SUB_MAX);
	s[AUTH_SUB_MAX] = '\0';
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"%s\",\"exp\":%lld}", s,
	    NOW + 300)), OK);
	CU_ASSERT_STRING_EQUAL(last.sub, s);
	CU_ASSERT_EQUAL(last.roles, 0);
	/* A space inside is part of the identity. */
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a b\",\"exp\":%lld}",
	    NOW + 300)), OK);
	CU_ASSERT_STRING_EQUAL(last.sub, "a b");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"j\\u00fcrgen\",\"exp\":%lld}",
	    NOW + 300)), OK);
	CU_ASSERT_STRING_EQUAL(last.sub, "j\xc3\xbcrgen");
}

static void
test_auth_checks_issuer(void)
{
	struct config	c;

	cfg_make(&c, AUTH_HS256);
	c.auth.issuer = "https://idp.example/";
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256", J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"iss\":\"https://idp.example/\"}", NOW + 300)), OK);
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256", J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"iss\":\"https://evil.example/\"}", NOW + 300)),
	    "Invalid issuer");
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256", J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"iss\":[\"https://idp.example/\"]}", NOW + 300)),
	    "Invalid issuer");
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256", J("{\"sub\":\"a\","
	    "\"exp\":%lld}", NOW + 300)), "Invalid issuer");
}

static void
test_auth_checks_audience(void)
{
	static const char *const bad[] = {
		"\"wfm-api-x\"", "[\"other\",7]", "[]", "null"
	};
	struct config	c;
	size_t		i;

	cfg_make(&c, AUTH_HS256);
	c.auth.audience = "wfm-api";
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256", J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"aud\":\"wfm-api\"}", NOW + 300)), OK);
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256", J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"aud\":[\"other\",\"wfm-api\"]}", NOW + 300)), OK);
	for (i = 0; i < NITEMS(bad); i++)
		CU_ASSERT_STRING_EQUAL(std(&c, "HS256", J("{\"sub\":\"a\","
		    "\"exp\":%lld,\"aud\":%s}", NOW + 300, bad[i])),
		    "Invalid audience");
	CU_ASSERT_STRING_EQUAL(std(&c, "HS256", J("{\"sub\":\"a\","
	    "\"exp\":%lld}", NOW + 300)), "Invalid audience");
}

static void
test_auth_rejects_crit_header(void)
{
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"HS256\",\"crit\":[\"exp\"],"
	    "\"exp\":1}"), W_HEADER);
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"HS256\",\"crit\":[]}"),
	    W_HEADER);
}

static void
test_auth_ignores_kid_but_rejects_key_urls(void)
{
	static const char *const m[] = {
		"\"jku\":\"https://evil.example/jwks\"",
		"\"x5u\":\"https://evil.example/cert\"",
		"\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}",
		"\"x5c\":[\"AAAA\"]"
	};
	size_t	i;

	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"HS256\",\"kid\":\"k1\"}"),
	    OK);
	for (i = 0; i < NITEMS(m); i++)
		CU_ASSERT_STRING_EQUAL(hs_hdr(J("{\"alg\":\"HS256\","
		    "\"kid\":\"k1\",%s}", m[i])), W_HEADER);
}

static void
test_auth_rejects_typ_other_than_jwt(void)
{
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"HS256\",\"typ\":\"jwt\"}"),
	    OK);
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"HS256\",\"typ\":\"JOSE\"}"),
	    W_TOKEN);
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"HS256\",\"typ\":1}"),
	    W_TOKEN);
}

static void
test_auth_rejects_non_base64url_characters(void)
{
	static const char bad[] = { '+', '/', '=', '%', '~', '"', '\x80' };
	char	*tok, *dot, save;
	size_t	 i;

	tok = mint("HS256", KEY_HS, std_hdr("HS256"), pl_std());
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	dot = strchr(tok, '.');
	for (i = 0; i < sizeof(bad); i++) {
		save = dot[3];
		dot[3] = bad[i];
		CU_ASSERT_STRING_EQUAL(tokw(NULL, tok), W_TOKEN);
		dot[3] = save;
	}
	CU_ASSERT_STRING_EQUAL(tokw(NULL, tok), OK);
	/* Padding, allowed in base64 but not in a JWS. */
	dot = xasprintf("%s=", tok);
	CU_ASSERT_STRING_EQUAL(tokw(NULL, dot), W_TOKEN);
	free(dot);
	free(tok);
}

static void
test_auth_rejects_wrong_segment_count(void)
{
	char	*tok, *two, *four, *empty;

	tok = mint("HS256", KEY_HS, std_hdr("HS256"), pl_std());
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	two = xstrndup(tok, (size_t)(strrchr(tok, '.') - tok));
	four = xasprintf("%s.AAAA", tok);
	empty = xasprintf("%s..%s", two, strrchr(tok, '.') + 1);
	CU_ASSERT_STRING_EQUAL(tokw(NULL, two), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(tokw(NULL, four), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(tokw(NULL, empty), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(tokw(NULL, "abc"), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(tokw(NULL, ".."), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(tokw(NULL, "a.b.c."), W_TOKEN);
	free(empty);
	free(four);
	free(two);
	free(tok);
}

static void
test_auth_rejects_segments_that_are_not_json_objects(void)
{
	CU_ASSERT_STRING_EQUAL(run(NULL, "HS256", KEY_HS, std_hdr("HS256"),
	    "[1,2]"), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(run(NULL, "HS256", KEY_HS, std_hdr("HS256"),
	    "{\"sub\":"), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(run(NULL, "HS256", KEY_HS, std_hdr("HS256"),
	    J("%s x", pl_std())), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(hs_hdr("\"HS256\""), W_TOKEN);
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":[\"HS256\"]}"), W_TOKEN);
}

static void
test_auth_rejects_noncanonical_base64_in_header(void)
{
	/* {"alg":"HS256"} and one more character: a length of 1 mod 4. */
	CU_ASSERT_STRING_EQUAL(hdrw(NULL,
	    "Bearer eyJhbGciOiJIUzI1NiJ9e.e30.AAAA"), W_TOKEN);
	/* "e30" is {}; "e31" is the same bytes with an unused bit set. */
	CU_ASSERT_STRING_EQUAL(hdrw(NULL,
	    "Bearer eyJhbGciOiJIUzI1NiJ9.e31.AAAA"), W_TOKEN);
}

static void
test_auth_rejects_oversized_header(void)
{
	char	*tok, *h;
	size_t	 n, pad;

	h = xmalloc(16384 + 1);
	memcpy(h, "Bearer ", 7);
	memset(h + 7, 'A', 16384 - 7);
	h[16384] = '\0';
	CU_ASSERT_STRING_EQUAL(hdrw(NULL, h), "Authorization header too large");
	free(h);

	/* A valid token padded with spaces to exactly the limit, then +1. */
	tok = mint("HS256", KEY_HS, std_hdr("HS256"), pl_std());
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	n = strlen(tok);
	h = xmalloc(AUTH_HEADER_MAX + 2);
	pad = AUTH_HEADER_MAX - 6 - n;
	memcpy(h, "Bearer", 6);
	memset(h + 6, ' ', pad + 1);
	memcpy(h + 6 + pad, tok, n + 1);
	CU_ASSERT_EQUAL(strlen(h), AUTH_HEADER_MAX);
	CU_ASSERT_STRING_EQUAL(hdrw(NULL, h), OK);
	memcpy(h + 7 + pad, tok, n + 1);
	CU_ASSERT_EQUAL(strlen(h), AUTH_HEADER_MAX + 1);
	CU_ASSERT_STRING_EQUAL(hdrw(NULL, h), "Authorization header too large");
	free(h);
	free(tok);
}

static void
test_auth_rejects_other_schemes(void)
{
	static const struct {
		const char	*pre, *post;
	} v[] = {
		{ "Basic ", "" }, { "Bearer", "" }, { " Bearer ", "" },
		{ "Bearer\t", "" }, { "Bearer ", " extra" }, { "Bearer ", " " },
		{ "Token ", "" }, { "Bearer: ", "" }, { "Bearer\n", "" },
		{ "Bearer ", "\t" }, { "Bearer ", " ." }
	};
	static const char *const bare[] = { "Bearer", "Bearer ", "Bearer  ",
	    "", "Basic", "Basic dXNlcjpwYXNz" };
	char	*tok, *h;
	size_t	 i;

	tok = mint("HS256", KEY_HS, std_hdr("HS256"), pl_std());
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	for (i = 0; i < NITEMS(v); i++) {
		h = xasprintf("%s%s%s", v[i].pre, tok, v[i].post);
		CU_ASSERT_STRING_EQUAL(hdrw(NULL, h), W_SCHEME);
		free(h);
	}
	for (i = 0; i < NITEMS(bare); i++)
		CU_ASSERT_STRING_EQUAL(hdrw(NULL, bare[i]), W_SCHEME);
	free(tok);
}

static void
test_auth_accepts_any_case_bearer_scheme(void)
{
	static const char *const pre[] = {
		"bearer ", "BEARER ", "bEaReR ", "Bearer  "
	};
	char	*tok, *h;
	size_t	 i;

	tok = mint("HS256", KEY_HS, std_hdr("HS256"), pl_std());
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	for (i = 0; i < NITEMS(pre); i++) {
		h = xasprintf("%s%s", pre[i], tok);
		CU_ASSERT_STRING_EQUAL(hdrw(NULL, h), OK);
		CU_ASSERT_STRING_EQUAL(last.sub, "alice");
		free(h);
	}
	free(tok);
}

static void
test_auth_returns_notfound_without_header(void)
{
	struct config	 c;
	struct auth	*a = NULL;
	struct errmsg	 why = { "" };
	struct errmsg	 err;

	cfg_make(&c, AUTH_HS256);
	CU_ASSERT_EQUAL_FATAL(auth_open(&c, &a, &err), RC_OK);
	CU_ASSERT_EQUAL(auth_verify(a, NULL, &last, &why), RC_NOTFOUND);
	CU_ASSERT_FATAL(why.text[0] != '\0');
	CU_ASSERT_STRING_EQUAL(why.text, "Not authenticated");
	/* why may be NULL. */
	CU_ASSERT_EQUAL(auth_verify(a, "Basic x", &last, NULL), RC_DENIED);
	auth_close(a);
}

static void
test_auth_reads_roles_from_scope(void)
{
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"scope\":"
	    "\"openid workflow:execute  template:write\"}", NOW + 300)), OK);
	CU_ASSERT_EQUAL(last.roles, ROLE_EXECUTE | ROLE_TWRITE);
	/* Union with the roles claim. */
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"scope\":"
	    "\"admin\",\"roles\":[\"workflow:read\"]}", NOW + 300)), OK);
	CU_ASSERT_EQUAL(last.roles, ROLE_ADMIN | ROLE_READ);
}

static void
test_auth_ignores_unknown_roles(void)
{
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"roles\":"
	    "[\"root\",\"Admin\",\"workflow:read\",\"admin \"],\"scope\":"
	    "\"workflow:executex\"}", NOW + 300)), OK);
	CU_ASSERT_EQUAL(last.roles, ROLE_READ);
}

/*
 * Roles other than the built-in four are kept for a wait step's
 * approvers (engine.md): at most 32 of 1..64 bytes, in token order,
 * duplicates once; the scope's too. They grant no built-in role.
 */
static void
test_auth_keeps_other_roles(void)
{
	char	roles[4096], *p = roles;
	int	i;

	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"roles\":"
	    "[\"finance:approve\",\"Admin\",\"finance:approve\","
	    "\"workflow:read\",\"\"],\"scope\":\"ops:lead workflow:execute\"}",
	    NOW + 300)), OK);
	CU_ASSERT_EQUAL(last.roles, ROLE_READ | ROLE_EXECUTE);
	CU_ASSERT_EQUAL(last.nxroles, 3);
	CU_ASSERT_STRING_EQUAL(last.xroles[0], "finance:approve");
	CU_ASSERT_STRING_EQUAL(last.xroles[1], "Admin");
	CU_ASSERT_STRING_EQUAL(last.xroles[2], "ops:lead");
	CU_ASSERT_TRUE(auth_has_role_name(&last, "finance:approve"));
	CU_ASSERT_TRUE(auth_has_role_name(&last, "workflow:read"));
	CU_ASSERT_FALSE(auth_has_role_name(&last, "finance:Approve"));
	CU_ASSERT_FALSE(auth_has_role_name(&last, "admin"));
	/* 40 roles, one of 65 bytes: the first 32 valid ones are kept. */
	p += sprintf(p, "[\"%065d\"", 0);
	for (i = 0; i < 40; i++)
		p += sprintf(p, ",\"r%d\"", i);
	sprintf(p, "]");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"roles\":%s}", NOW + 300, roles)), OK);
	CU_ASSERT_EQUAL(last.nxroles, 32);
	CU_ASSERT_STRING_EQUAL(last.xroles[0], "r0");
	CU_ASSERT_STRING_EQUAL(last.xroles[31], "r31");
	CU_ASSERT_FALSE(auth_has_role_name(&last, "r32"));
}

static void
test_auth_rejects_malformed_roles_and_scope(void)
{
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"roles\":\"admin\"}", NOW + 300)), "Invalid claim: roles");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"roles\":[\"admin\",1]}", NOW + 300)), "Invalid claim: roles");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"scope\":[\"admin\"]}", NOW + 300)), "Invalid claim: scope");
}

static void
test_auth_reads_configured_roles_claim(void)
{
	struct config	c;

	cfg_make(&c, AUTH_ES256);
	c.auth.roles_claim = "wfm_roles";
	CU_ASSERT_STRING_EQUAL(std(&c, "ES256", J("{\"sub\":\"a\",\"exp\":%lld,"
	    "\"wfm_roles\":[\"template:write\"],\"roles\":[\"admin\"]}",
	    NOW + 300)), OK);
	CU_ASSERT_EQUAL(last.roles, ROLE_TWRITE);
}

static void
test_auth_duplicate_claims_last_wins(void)
{
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"first\",\"exp\":%lld,"
	    "\"sub\":\"second\"}", NOW + 300)), OK);
	CU_ASSERT_STRING_EQUAL(last.sub, "second");
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":1,\"exp\":%lld}",
	    NOW + 300)), OK);
	CU_ASSERT_STRING_EQUAL(hs(J("{\"sub\":\"a\",\"exp\":%lld,\"exp\":1}",
	    NOW + 300)), "Token expired");
	/* In the header as well: the last "alg" is the one checked. */
	CU_ASSERT_STRING_EQUAL(hs_hdr("{\"alg\":\"HS256\",\"alg\":\"none\"}"),
	    W_ALG);
}

static void
test_auth_admin_implies_every_role(void)
{
	struct principal	p;

	memset(&p, 0, sizeof(p));
	p.roles = ROLE_ADMIN;
	CU_ASSERT_EQUAL(auth_has_role(&p, ROLE_EXECUTE), 1);
	CU_ASSERT_EQUAL(auth_has_role(&p, ROLE_READ), 1);
	CU_ASSERT_EQUAL(auth_has_role(&p, ROLE_TWRITE), 1);
	CU_ASSERT_EQUAL(auth_has_role(&p, ROLE_ADMIN), 1);
	p.roles = ROLE_READ;
	CU_ASSERT_EQUAL(auth_has_role(&p, ROLE_READ), 1);
	CU_ASSERT_EQUAL(auth_has_role(&p, ROLE_EXECUTE), 0);
	CU_ASSERT_EQUAL(auth_has_role(&p, ROLE_ADMIN), 0);
	CU_ASSERT_EQUAL(auth_has_role(&p, ROLE_READ | ROLE_EXECUTE), 0);
	CU_ASSERT_EQUAL(auth_has_role(&p, 0), 0);
	CU_ASSERT_EQUAL(auth_has_role(NULL, ROLE_READ), 0);
}

static void
test_auth_role_name_gives_wire_names(void)
{
	CU_ASSERT_STRING_EQUAL(auth_role_name(ROLE_EXECUTE),
	    "workflow:execute");
	CU_ASSERT_STRING_EQUAL(auth_role_name(ROLE_READ), "workflow:read");
	CU_ASSERT_STRING_EQUAL(auth_role_name(ROLE_TWRITE), "template:write");
	CU_ASSERT_STRING_EQUAL(auth_role_name(ROLE_ADMIN), "admin");
	CU_ASSERT_STRING_EQUAL(auth_role_name(ROLE_READ | ROLE_ADMIN),
	    "unknown");
	CU_ASSERT_STRING_EQUAL(auth_role_name(0), "unknown");
}

/* auth_open on c: "OK" or the reason it gave. */
static const char *
open_err(const struct config *c)
{
	static struct errmsg	 err;
	struct auth	*a = NULL;

	errmsg_set(&err, "(not set)");
	if (auth_open(c, &a, &err) != RC_OK)
		return err.text;
	auth_close(a);
	return OK;
}

static void
test_auth_open_rejects_short_secret(void)
{
	struct config	c;

	cfg_make(&c, AUTH_HS256);
	c.auth.jwt_secret_len = 31;
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "jwt_secret must be at least 32 bytes");
	c.auth.jwt_secret_len = 32;
	CU_ASSERT_STRING_EQUAL(open_err(&c), OK);
	c.auth.jwt_secret = NULL;
	c.auth.jwt_secret_len = 0;
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "jwt_secret must be at least 32 bytes");
	cfg_make(&c, AUTH_HS256);
	c.auth.leeway_seconds = 61;
	CU_ASSERT_STRING_EQUAL(open_err(&c), "leeway_seconds must be 0..60");
}

static void
test_auth_open_rejects_wrong_key_type(void)
{
	struct config	c;

	cfg_make(&c, AUTH_RS256);
	CU_ASSERT_STRING_EQUAL(open_err(&c), OK);
	c.auth.public_key = keys.ec_pub;
	c.auth.public_key_len = keys.ec_pub_len;
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "public_key is not an RSA key (RS256)");
	c.auth.public_key = keys.rsa1024_pub;
	c.auth.public_key_len = keys.rsa1024_pub_len;
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "public_key: RSA key must be at least 2048 bits");

	cfg_make(&c, AUTH_ES256);
	CU_ASSERT_STRING_EQUAL(open_err(&c), OK);
	c.auth.public_key = keys.rsa_pub;
	c.auth.public_key_len = keys.rsa_pub_len;
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "public_key is not an EC P-256 key (ES256)");
	c.auth.public_key = keys.ec384_pub;
	c.auth.public_key_len = keys.ec384_pub_len;
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "public_key is not an EC P-256 key (ES256)");
}

static void
test_auth_open_rejects_unreadable_key(void)
{
	struct config	c;

	cfg_make(&c, AUTH_RS256);
	c.auth.public_key = keys.rsa_priv;	/* a private key */
	c.auth.public_key_len = keys.rsa_priv_len;
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "public_key is not a PEM public key");
	c.auth.public_key = "-----BEGIN PUBLIC KEY-----\nAAAA\n"
	    "-----END PUBLIC KEY-----\n";
	c.auth.public_key_len = strlen(c.auth.public_key);
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "public_key is not a PEM public key");
	c.auth.public_key = NULL;
	c.auth.public_key_len = 0;
	CU_ASSERT_STRING_EQUAL(open_err(&c),
	    "public_key is required for RS256 and ES256");
}

static void
test_auth_mint_round_trips(void)
{
	struct config	 c;
	char		*tok;

	cfg_make(&c, AUTH_HS256);
	c.auth.issuer = "wfm-dev";
	c.auth.audience = "wfm-api";
	tok = auth_token_mint(&c, "carol", " workflow:read, admin,,admin",
	    300);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_STRING_EQUAL(tokw(&c, tok), OK);
	CU_ASSERT_STRING_EQUAL(last.sub, "carol");
	CU_ASSERT_EQUAL(last.roles, ROLE_READ | ROLE_ADMIN);
	/* A verifier pinned to RS256 refuses the HS256 token. */
	c.auth.algorithm = AUTH_RS256;
	c.auth.public_key = keys.rsa_pub;
	c.auth.public_key_len = keys.rsa_pub_len;
	CU_ASSERT_STRING_EQUAL(tokw(&c, tok), W_ALG);
	free(tok);

	/* Roles as a scope string when the roles claim is "scope". */
	cfg_make(&c, AUTH_HS256);
	c.auth.roles_claim = "scope";
	tok = auth_token_mint(&c, "dave", "template:write,workflow:execute",
	    60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_STRING_EQUAL(tokw(&c, tok), OK);
	CU_ASSERT_EQUAL(last.roles, ROLE_TWRITE | ROLE_EXECUTE);
	free(tok);
}

static void
test_auth_mint_rejects_bad_arguments(void)
{
	struct config	c;
	char		s[AUTH_SUB_MAX + 2];

	cfg_make(&c, AUTH_HS256);
	/* Other role names are minted as given; a malformed one is not. */
	CU_ASSERT_PTR_NULL(auth_token_mint(&c, "a", "workflow:read,ro ot",
	    60));
	CU_ASSERT_PTR_NULL(auth_token_mint(&c, "a", "workflow:read,r/t", 60));
	CU_ASSERT_PTR_NULL(auth_token_mint(&c, "a", "admin", 0));
	CU_ASSERT_PTR_NULL(auth_token_mint(&c, "", "admin", 60));
	memset(s, 'u', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	CU_ASSERT_PTR_NULL(auth_token_mint(&c, s, "admin", 60));
	c.auth.jwt_secret_len = 31;
	CU_ASSERT_PTR_NULL(auth_token_mint(&c, "a", "admin", 60));
}

/*
 * One verifier, one token again and again (the tokens cache): the same
 * answers as a fresh verifier every time, the claims checked at each
 * call's time, and a token one byte off never taken for the cached one.
 */
static void
test_auth_cached_token_is_checked_again(void)
{
	struct config	 c;
	struct auth	*a = NULL;
	struct principal p;
	struct errmsg	 err, why;
	char		*tok, *h, *bad;
	int		 i;

	cfg_make(&c, AUTH_HS256);
	c.auth.leeway_seconds = 0;
	tok = mint("HS256", KEY_HS, std_hdr("HS256"), J("{\"sub\":\"cache\","
	    "\"exp\":%lld,\"roles\":[\"workflow:read\"]}", NOW + 2));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_EQUAL_FATAL(auth_open(&c, &a, &err), RC_OK);
	h = xasprintf("Bearer %s", tok);
	for (i = 0; i < 3; i++) {
		memset(&p, 0xa5, sizeof(p));
		CU_ASSERT_EQUAL(auth_verify(a, h, &p, &why), RC_OK);
		CU_ASSERT_STRING_EQUAL(p.sub, "cache");
		CU_ASSERT_EQUAL(p.roles, ROLE_READ);
	}
	/* The last signature byte changed: refused, cached token or not. */
	bad = xstrdup(h);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'A' ? 'B' : 'A';
	CU_ASSERT_EQUAL(auth_verify(a, bad, &p, &why), RC_DENIED);
	CU_ASSERT_STRING_EQUAL(why.text, tokw(&c, bad + 7));
	CU_ASSERT_EQUAL(auth_verify(a, h, &p, &why), RC_OK);
	/* Past its exp, the cached token is expired too. */
	sleep(3);
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(auth_verify(a, h, &p, &why), RC_DENIED);
	CU_ASSERT_STRING_EQUAL(why.text, "Token expired");
	CU_ASSERT_EQUAL(p.sub[0], '\0');
	CU_ASSERT_STRING_EQUAL(tokw(&c, tok), "Token expired");
	auth_close(a);
	free(bad);
	free(h);
	free(tok);
}

void
test_auth_register(void)
{
	static const struct {
		const char	*name;
		CU_TestFunc	 fn;
	} t[] = {
#define T(f)	{ #f, f }
		T(test_auth_cached_token_is_checked_again),
	T(test_auth_accepts_hs256_token_from_openssl),
		T(test_auth_accepts_rs256_token_from_openssl),
		T(test_auth_accepts_es256_token_from_openssl),
		T(test_auth_rejects_alg_none),
		T(test_auth_rejects_alg_mismatch),
		T(test_auth_rejects_hs256_signed_with_rsa_public_key),
		T(test_auth_rejects_bad_signature),
		T(test_auth_rejects_swapped_payload),
		T(test_auth_rejects_noncanonical_signature_encoding),
		T(test_auth_rejects_expired_token),
		T(test_auth_accepts_exp_within_leeway),
		T(test_auth_rejects_future_nbf),
		T(test_auth_rejects_future_iat),
		T(test_auth_rejects_missing_exp),
		T(test_auth_rejects_non_integer_exp),
		T(test_auth_rejects_non_integer_nbf_and_iat),
		T(test_auth_rejects_bad_sub),
		T(test_auth_accepts_sub_of_255_bytes),
		T(test_auth_checks_issuer),
		T(test_auth_checks_audience),
		T(test_auth_rejects_crit_header),
		T(test_auth_ignores_kid_but_rejects_key_urls),
		T(test_auth_rejects_typ_other_than_jwt),
		T(test_auth_rejects_non_base64url_characters),
		T(test_auth_rejects_wrong_segment_count),
		T(test_auth_rejects_segments_that_are_not_json_objects),
		T(test_auth_rejects_noncanonical_base64_in_header),
		T(test_auth_rejects_oversized_header),
		T(test_auth_rejects_other_schemes),
		T(test_auth_accepts_any_case_bearer_scheme),
		T(test_auth_returns_notfound_without_header),
		T(test_auth_reads_roles_from_scope),
		T(test_auth_ignores_unknown_roles),
		T(test_auth_rejects_malformed_roles_and_scope),
		T(test_auth_reads_configured_roles_claim),
		T(test_auth_duplicate_claims_last_wins),
		T(test_auth_admin_implies_every_role),
		T(test_auth_role_name_gives_wire_names),
		T(test_auth_open_rejects_short_secret),
		T(test_auth_open_rejects_wrong_key_type),
		T(test_auth_open_rejects_unreadable_key),
		T(test_auth_mint_round_trips),
		T(test_auth_mint_rejects_bad_arguments),
		T(test_auth_keeps_other_roles)
#undef T
	};
	CU_pSuite	s;
	size_t		i;

	if ((s = CU_add_suite("auth", suite_init, suite_clean)) == NULL)
		return;
	for (i = 0; i < NITEMS(t); i++)
		CU_add_test(s, t[i].name, t[i].fn);
}
