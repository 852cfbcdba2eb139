/*
 * Hostile tokens through nginx (api.md "Authentication and roles"). Every
 * token is minted here with the openssl command line (tests/data/jwt/
 * mint.sh) and the stack's own HS256 secret, so a refusal proves the one
 * defect the case is about and not a bad signature by accident: the
 * control token minted the same way is accepted. Each refusal is a 401
 * with the exact {"detail": ...} sentence, the RFC 6750 challenge, and a
 * body that never echoes the token.
 *
 * The stack configures no issuer and no audience, so iss and aud are
 * covered only as "not looked at"; the unit tests (tests/unit/
 * test_auth.c) cover them when configured, and the HS256-signed-with-
 * the-RSA-public-key attack at the unit level too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_hostile.h"

#define JWT_SUB		"h12-jwt"
#define JWT_HS		"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define CHALLENGE	"Bearer realm=\"wfm\", error=\"invalid_token\""

static struct hx_mark	jwt_mark;

/* A payload for JWT_SUB with read access, exp = now + exp_in, then more. */
static char *
pl(long long exp_in, const char *more)
{
	char	*s;

	if (asprintf(&s, "{\"sub\":\"" JWT_SUB "\",\"exp\":%lld,"
	    "\"roles\":[\"workflow:read\"]%s%s}", hx_now() + exp_in,
	    more != NULL ? "," : "", more != NULL ? more : "") == -1)
		return NULL;
	return s;
}

/* HS256 with the stack's secret; header and payload as given. */
static char *
mint(const char *header, const char *payload)
{
	return hx_mint("HS256", hx_secret_file(), header, payload);
}

/* The usual header with the payload pl(exp_in, more). */
static char *
mint_pl(long long exp_in, const char *more)
{
	char	*p = pl(exp_in, more), *t;

	t = p != NULL ? mint(JWT_HS, p) : NULL;
	free(p);
	return t;
}

/* GET /executions with "Authorization: <value>" as given. */
static int
probe_header(const char *value, struct resp *r)
{
	const char	*extra[2] = { NULL, NULL };
	char		*line;
	int		 rc;

	if (asprintf(&line, "Authorization: %s", value) == -1)
		return -1;
	extra[0] = line;
	rc = e2e_req("GET", HX_EXECS_PATH, NULL, NULL, extra, r);
	free(line);
	return rc;
}

/* 1 if "Bearer tok" reads the caller's executions (200 and a list). */
static int
accepted(const char *tok)
{
	struct resp		 r;
	struct json_object	*v;
	char			*h;
	int			 ok;

	if (tok == NULL || asprintf(&h, "Bearer %s", tok) == -1)
		return 0;
	if (probe_header(h, &r) != 0) {
		free(h);
		return 0;
	}
	free(h);
	ok = r.status == 200 && r.json != NULL &&
	    json_object_object_get_ex(r.json, "items", &v) &&
	    json_object_is_type(v, json_type_array);
	if (!ok)
		fprintf(stderr, "\n    want 200, got %ld %s", r.status, r.body);
	resp_free(&r);
	return ok;
}

/*
 * 1 if the Authorization value is refused with 401 {"detail": why}, the
 * invalid_token challenge, and a body that holds no part of the value.
 */
static int
refused_header(const char *value, const char *why)
{
	struct resp	 r;
	const char	*ch;
	char		 head[17];
	size_t		 skip;
	int		 ok;

	if (probe_header(value, &r) != 0)
		return 0;
	ok = hx_detail(&r, 401, why) && hx_from_app(&r);
	ch = resp_header(&r, "WWW-Authenticate");
	if (ch == NULL || strcmp(ch, CHALLENGE) != 0) {
		fprintf(stderr, "\n    WWW-Authenticate: %s", ch ? ch : "none");
		ok = 0;
	}
	/* Never echoed: 16 bytes of the token itself are not in the body. */
	skip = strncmp(value, "Bearer ", 7) == 0 ? 7 : 0;
	if (strlen(value + skip) >= 16) {
		memcpy(head, value + skip, 16);
		head[16] = '\0';
		if (r.body != NULL && strstr(r.body, head) != NULL) {
			fprintf(stderr, "\n    token echoed: %s", r.body);
			ok = 0;
		}
	}
	resp_free(&r);
	return ok;
}

/* refused_header("Bearer " tok, why); NULL tok (a mint failure) fails. */
static int
refused(const char *tok, const char *why)
{
	char	*h;
	int	 ok;

	if (tok == NULL || asprintf(&h, "Bearer %s", tok) == -1) {
		fprintf(stderr, "\n    no token minted");
		return 0;
	}
	ok = refused_header(h, why);
	free(h);
	return ok;
}

/* Mint header + pl(600, more), check it is refused with why; frees. */
static int
refused_minted(const char *header, const char *more, const char *why)
{
	char	*p = pl(600, more), *t = NULL;
	int	 ok;

	if (p != NULL)
		t = mint(header, p);
	ok = refused(t, why);
	free(p);
	free(t);
	return ok;
}

/* A token whose three segments are the base64url of h, p and s. */
static char *
forge(const char *h, const char *p, const char *sig)
{
	char	*a = hx_b64url(h, strlen(h)), *b = hx_b64url(p, strlen(p));
	char	*t = NULL;

	if (a != NULL && b != NULL && asprintf(&t, "%s.%s.%s", a, b, sig) ==
	    -1)
		t = NULL;
	free(a);
	free(b);
	return t;
}

static int
jwt_init(void)
{
	hx_mark_take(&jwt_mark);
	return 0;
}

static void
test_jwt_openssl_minted_control_token_is_accepted(void)
{
	char	*t = mint_pl(600, NULL);

	/* Without this, every refusal below could be a minting mistake. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(accepted(t));
	free(t);
}

static void
test_jwt_alg_none_in_any_case_is_refused(void)
{
	static const char *const spell[] = { "none", "None", "NONE", "nOnE" };
	char			 h[64], *p, *t;
	size_t			 i;

	for (i = 0; i < sizeof(spell) / sizeof(spell[0]); i++) {
		/* Signed with the real secret: the name alone refuses it. */
		snprintf(h, sizeof(h), "{\"alg\":\"%s\",\"typ\":\"JWT\"}",
		    spell[i]);
		CU_ASSERT(refused_minted(h, NULL, "Token algorithm not "
		    "allowed"));
		/* The classic unsigned form "header.payload." */
		p = pl(600, NULL);
		t = forge(h, p, "");
		CU_ASSERT(refused(t, "Invalid token"));
		free(t);
		/* And with two segments only. */
		t = forge(h, p, "x");
		t[strlen(t) - 2] = '\0';
		CU_ASSERT(refused(t, "Invalid token"));
		free(t);
		free(p);
	}
}

static void
test_jwt_unconfigured_algorithms_are_refused(void)
{
	static const char *const algs[] = {
		"{\"alg\":\"HS384\"}", "{\"alg\":\"HS512\"}",
		"{\"alg\":\"RS256\"}", "{\"alg\":\"ES256\"}",
		"{\"alg\":\"PS256\"}", "{\"alg\":\"hs256\"}",
		"{\"alg\":\"HS256 \"}", "{\"alg\":\"\"}",
	};
	char	*p, *t;
	size_t	 i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		CU_ASSERT(refused_minted(algs[i], NULL, "Token algorithm not "
		    "allowed"));
	/* No alg, or one that is not a string. */
	CU_ASSERT(refused_minted("{\"typ\":\"JWT\"}", NULL, "Invalid token"));
	CU_ASSERT(refused_minted("{\"alg\":256}", NULL, "Invalid token"));
	CU_ASSERT(refused_minted("{\"alg\":[\"HS256\"]}", NULL,
	    "Invalid token"));
	/* Genuine RS256 and ES256 signatures: the stack runs HS256 only. */
	p = pl(600, NULL);
	t = hx_mint("RS256", hx_jwt_file("rsa.pem"), "{\"alg\":\"RS256\"}",
	    p);
	CU_ASSERT(refused(t, "Token algorithm not allowed"));
	free(t);
	t = hx_mint("ES256", hx_jwt_file("ec.pem"), "{\"alg\":\"ES256\"}", p);
	CU_ASSERT(refused(t, "Token algorithm not allowed"));
	free(t);
	free(p);
}

static void
test_jwt_hs256_signed_with_a_public_key_is_refused(void)
{
	char	*p = pl(600, NULL), *t;

	/* The key confusion attack: the PEM public key as HMAC secret. */
	t = hx_mint("HS256", hx_jwt_file("rsa.pub.pem"), JWT_HS, p);
	CU_ASSERT(refused(t, "Invalid token signature"));
	free(t);
	t = hx_mint("HS256", hx_jwt_file("ec.pub.pem"), JWT_HS, p);
	CU_ASSERT(refused(t, "Invalid token signature"));
	free(t);
	free(p);
}

#define RAISED	"{\"sub\":\"root-admin\",\"exp\":9999999999," \
		"\"roles\":[\"admin\"]}"

static void
test_jwt_bad_signatures_are_refused(void)
{
	char	*t = mint_pl(600, NULL), *u, *sig, *p2, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	sig = strrchr(t, '.') + 1;
	/* Another secret of the right length. */
	p2 = pl(600, NULL);
	u = hx_mint("HS256", hx_jwt_file("hs256.key"), JWT_HS, p2);
	CU_ASSERT(refused(u, "Invalid token signature"));
	free(u);
	/* One character of the signature changed. */
	u = strdup(t);
	u[sig - t] = sig[0] == 'A' ? 'B' : 'A';
	CU_ASSERT(refused(u, "Invalid token signature"));
	/* One character short, four too many, or none at all. */
	u[strlen(u) - 1] = '\0';
	CU_ASSERT(refused(u, "Invalid token signature"));
	free(u);
	CU_ASSERT_NOT_EQUAL(asprintf(&u, "%sAAAA", t), -1);
	CU_ASSERT(refused(u, "Invalid token signature"));
	free(u);
	u = strndup(t, (size_t)(sig - t));
	CU_ASSERT(refused(u, "Invalid token"));
	free(u);
	/* The signature of one payload on another (sub and roles raised). */
	b = hx_b64url(RAISED, strlen(RAISED));
	CU_ASSERT_NOT_EQUAL(asprintf(&u, "%.*s.%s.%s",
	    (int)strcspn(t, "."), t, b, sig), -1);
	CU_ASSERT(refused(u, "Invalid token signature"));
	free(u);
	free(b);
	free(p2);
	free(t);
}

static void
test_jwt_expired_tokens_are_refused_within_leeway_not(void)
{
	char	*t;

	t = mint_pl(-3600, NULL);
	CU_ASSERT(refused(t, "Token expired"));
	free(t);
	t = mint(JWT_HS, "{\"sub\":\"" JWT_SUB "\",\"exp\":0}");
	CU_ASSERT(refused(t, "Token expired"));
	free(t);
	t = mint(JWT_HS, "{\"sub\":\"" JWT_SUB "\",\"exp\":-1}");
	CU_ASSERT(refused(t, "Token expired"));
	free(t);
	/* Default leeway 30 s (the stack sets none): 5 s late still passes. */
	t = mint_pl(-5, NULL);
	CU_ASSERT(accepted(t));
	free(t);
	t = mint_pl(-120, NULL);
	CU_ASSERT(refused(t, "Token expired"));
	free(t);
}

static void
test_jwt_future_nbf_and_iat_are_refused(void)
{
	char	more[64];

	snprintf(more, sizeof(more), "\"nbf\":%lld", hx_now() + 3600);
	CU_ASSERT(refused_minted(JWT_HS, more, "Token not yet valid"));
	snprintf(more, sizeof(more), "\"iat\":%lld", hx_now() + 3600);
	CU_ASSERT(refused_minted(JWT_HS, more, "Token issued in the future"));
	CU_ASSERT(refused_minted(JWT_HS, "\"nbf\":\"0\"", "Invalid claim: nbf"));
	CU_ASSERT(refused_minted(JWT_HS, "\"iat\":1.5", "Invalid claim: iat"));
	/* Within the leeway, and in the past, both are fine. */
	snprintf(more, sizeof(more), "\"nbf\":%lld,\"iat\":%lld",
	    hx_now() + 5, hx_now() - 60);
	{
		char	*t = mint_pl(600, more);

		CU_ASSERT(accepted(t));
		free(t);
	}
}

static void
test_jwt_missing_or_mistyped_exp_and_sub_are_refused(void)
{
	char	 p[512], sub[300], *t;
	size_t	 i;
	static const char *const bad_exp[] = {
		"\"9999999999\"", "9999999999.5", "null", "true", "[9999999999]"
	};
	static const char *const bad_sub[] = {
		"\"\"", "123", "null", "[\"" JWT_SUB "\"]",
		"\"a\\u0001b\"", "\"a\\nb\"", "\"\\u0085x\"",
		/* The database's PAD SPACE would take these for JWT_SUB. */
		"\" " JWT_SUB "\"", "\"" JWT_SUB " \""
	};

	CU_ASSERT(refused((t = mint(JWT_HS, "{\"sub\":\"" JWT_SUB "\","
	    "\"roles\":[\"workflow:read\"]}")), "Missing required claim: exp"));
	free(t);
	for (i = 0; i < sizeof(bad_exp) / sizeof(bad_exp[0]); i++) {
		snprintf(p, sizeof(p), "{\"sub\":\"" JWT_SUB "\",\"exp\":%s}",
		    bad_exp[i]);
		CU_ASSERT(refused((t = mint(JWT_HS, p)), "Invalid claim: exp"));
		free(t);
	}
	snprintf(p, sizeof(p), "{\"exp\":%lld,\"roles\":[\"workflow:read\"]}",
	    hx_now() + 600);
	CU_ASSERT(refused((t = mint(JWT_HS, p)), "Missing required claim: "
	    "sub"));
	free(t);
	for (i = 0; i < sizeof(bad_sub) / sizeof(bad_sub[0]); i++) {
		snprintf(p, sizeof(p), "{\"sub\":%s,\"exp\":%lld}",
		    bad_sub[i], hx_now() + 600);
		CU_ASSERT(refused((t = mint(JWT_HS, p)), "Invalid claim: sub"));
		free(t);
	}
	/* 256 bytes is one too many; 255 is the most (api.md). */
	memset(sub, 'a', 256);
	sub[256] = '\0';
	snprintf(p, sizeof(p), "{\"sub\":\"%s\",\"exp\":%lld}", sub,
	    hx_now() + 600);
	CU_ASSERT(refused((t = mint(JWT_HS, p)), "Invalid claim: sub"));
	free(t);
	sub[255] = '\0';
	snprintf(p, sizeof(p), "{\"sub\":\"%s\",\"exp\":%lld,"
	    "\"roles\":[\"workflow:read\"]}", sub, hx_now() + 600);
	CU_ASSERT(accepted((t = mint(JWT_HS, p))));
	free(t);
}

static void
test_jwt_mistyped_and_misspelled_roles(void)
{
	char		*p, *t;
	struct resp	 r;

	CU_ASSERT(refused_minted(JWT_HS, "\"roles\":\"admin\"",
	    "Invalid claim: roles"));
	CU_ASSERT(refused_minted(JWT_HS, "\"roles\":[1]",
	    "Invalid claim: roles"));
	CU_ASSERT(refused_minted(JWT_HS, "\"scope\":[\"admin\"]",
	    "Invalid claim: scope"));
	/* Near misses of role names grant nothing: 403, not 200. */
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&p, "{\"sub\":\"" JWT_SUB "\","
	    "\"exp\":%lld,\"roles\":[\"ADMIN\",\"Admin\",\"admin \","
	    "\"workflow:*\",\"workflow:read2\"],\"scope\":"
	    "\"Admin workflow:READ\"}", hx_now() + 600), -1);
	t = mint(JWT_HS, p);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", HX_EXECS_PATH, t, NULL, NULL,
	    &r), 0);
	CU_ASSERT(hx_detail(&r, 403, "Missing role workflow:read"));
	resp_free(&r);
	free(t);
	free(p);
}

static void
test_jwt_iss_and_aud_are_not_checked_when_not_configured(void)
{
	char	*t;

	/* api.md: "iss and aud are checked when configured"; here neither. */
	t = mint_pl(600, "\"iss\":\"https://evil.example\","
	    "\"aud\":[\"someone-else\"]");
	CU_ASSERT(accepted(t));
	free(t);
	t = mint_pl(600, "\"iss\":42,\"aud\":{\"x\":1}");
	CU_ASSERT(accepted(t));
	free(t);
}

static void
test_jwt_key_carrying_headers_are_refused_kid_is_ignored(void)
{
	static const char *const keyhdr[] = {
		"{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:1/jwks.json\"}",
		"{\"alg\":\"HS256\",\"x5u\":\"http://127.0.0.1:1/cert.pem\"}",
		"{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}}",
		"{\"alg\":\"HS256\",\"x5c\":[\"MIIB\"]}",
		"{\"alg\":\"HS256\",\"crit\":[\"exp\"]}",
		"{\"alg\":\"HS256\",\"crit\":[]}",
	};
	char	*p = pl(600, NULL), *t;
	size_t	 i;

	for (i = 0; i < sizeof(keyhdr) / sizeof(keyhdr[0]); i++)
		CU_ASSERT(refused_minted(keyhdr[i], NULL,
		    "Unsupported token header"));
	/* kid is a hint we never follow: path tricks and SQL do nothing. */
	t = mint("{\"alg\":\"HS256\",\"kid\":\"../../../../dev/null\"}", p);
	CU_ASSERT(accepted(t));
	free(t);
	t = mint("{\"alg\":\"HS256\",\"kid\":\"x\\\" OR 1=1 -- \"}", p);
	CU_ASSERT(accepted(t));
	free(t);
	/* typ: only JWT, in any case (libjwt 1.10 refuses others too). */
	t = mint("{\"alg\":\"HS256\",\"typ\":\"jwt\"}", p);
	CU_ASSERT(accepted(t));
	free(t);
	CU_ASSERT(refused_minted("{\"alg\":\"HS256\",\"typ\":\"JOSE+JSON\"}",
	    NULL, "Invalid token"));
	free(p);
}

static void
test_jwt_non_base64url_and_malformed_segments_are_refused(void)
{
	static const char *const bad[] = { "+", "/", "=", "%", "*", "\xc3\xa9",
	    "!", "~" };
	char	*t = mint_pl(600, NULL), *u, *p, *dot;
	size_t	 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	dot = strchr(t, '.');
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* In the header segment, at the end of the payload, in sig. */
		CU_ASSERT_NOT_EQUAL(asprintf(&u, "%.*s%s%s", (int)(dot - t), t,
		    bad[i], dot), -1);
		CU_ASSERT(refused(u, "Invalid token"));
		free(u);
		CU_ASSERT_NOT_EQUAL(asprintf(&u, "%.*s%s%s",
		    (int)(strrchr(t, '.') - t), t, bad[i], strrchr(t, '.')),
		    -1);
		CU_ASSERT(refused(u, "Invalid token"));
		free(u);
		CU_ASSERT_NOT_EQUAL(asprintf(&u, "%s%s", t, bad[i]), -1);
		CU_ASSERT(refused(u, "Invalid token"));
		free(u);
	}
	/* Four segments, an empty one, a leading or doubled dot. */
	CU_ASSERT_NOT_EQUAL(asprintf(&u, "%s.AAAA", t), -1);
	CU_ASSERT(refused(u, "Invalid token"));
	free(u);
	CU_ASSERT_NOT_EQUAL(asprintf(&u, ".%s", t), -1);
	CU_ASSERT(refused(u, "Invalid token"));
	free(u);
	CU_ASSERT_NOT_EQUAL(asprintf(&u, "%.*s.%s", (int)(dot - t), t, dot),
	    -1);
	CU_ASSERT(refused(u, "Invalid token"));
	free(u);
	/* Segments that decode to something other than one JSON object. */
	p = pl(600, NULL);
	u = forge("[\"HS256\"]", p, strrchr(t, '.') + 1);
	CU_ASSERT(refused(u, "Invalid token"));
	free(u);
	u = forge("{\"alg\":\"HS256\"} x", p, strrchr(t, '.') + 1);
	CU_ASSERT(refused(u, "Invalid token"));
	free(u);
	u = forge(JWT_HS, "not json", strrchr(t, '.') + 1);
	CU_ASSERT(refused(u, "Invalid token"));
	free(u);
	free(p);
	/* A NUL byte inside the decoded payload. */
	p = hx_b64url("{\"sub\":\"a\0\"}", 12);
	CU_ASSERT_NOT_EQUAL(asprintf(&u, "%.*s.%s.%s", (int)(dot - t), t, p,
	    strrchr(t, '.') + 1), -1);
	CU_ASSERT(refused(u, "Invalid token"));
	free(u);
	free(p);
	free(t);
}

static void
test_jwt_scheme_variants(void)
{
	struct resp	 r;
	char		*t = mint_pl(600, NULL), *h;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(refused_header("Basic aDEyOnNlY3JldA==",
	    "Invalid authentication scheme"));
	CU_ASSERT(refused_header("Bearer", "Invalid authentication scheme"));
	CU_ASSERT_NOT_EQUAL(asprintf(&h, "Token %s", t), -1);
	CU_ASSERT(refused_header(h, "Invalid authentication scheme"));
	free(h);
	CU_ASSERT_NOT_EQUAL(asprintf(&h, "Bearer%s", t), -1);
	CU_ASSERT(refused_header(h, "Invalid authentication scheme"));
	free(h);
	/* Two tokens in one header. */
	CU_ASSERT_NOT_EQUAL(asprintf(&h, "Bearer %s %s", t, t), -1);
	CU_ASSERT(refused_header(h, "Invalid authentication scheme"));
	free(h);
	/* The scheme is case-insensitive (RFC 7235 2.1). */
	CU_ASSERT_NOT_EQUAL(asprintf(&h, "bEARER   %s", t), -1);
	CU_ASSERT_EQUAL(probe_header(h, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	free(h);
	/* No header: the challenge without an error code. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", HX_EXECS_PATH, NULL, NULL, NULL,
	    &r), 0);
	CU_ASSERT(hx_detail(&r, 401, "Not authenticated"));
	CU_ASSERT_STRING_EQUAL(resp_header(&r, "WWW-Authenticate") ?
	    resp_header(&r, "WWW-Authenticate") : "", "Bearer realm=\"wfm\"");
	resp_free(&r);
	free(t);
}

/*
 * A 401 is answered before the body is read: 900 KB of it are still in
 * the socket when the worker ends the request, so it closes gracefully
 * (http_main.c finish()). Every answer arrives whole; nginx logs no
 * reset (stack_survived, after this one).
 */
static void
test_jwt_unread_body_does_not_cut_the_answer(void)
{
	const char	*extra[2] = { NULL, NULL };
	struct resp	 r;
	char		*t = mint_pl(600, NULL), *line, *body;
	size_t		 n = 900 * 1024;
	int		 i, ok = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&line, "Authorization: Bearer %s",
	    t), -1);
	extra[0] = line;
	body = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	memset(body, ' ', n);
	memcpy(body, "{\"template_id\":\"x\"}", 19);
	body[n] = '\0';
	for (i = 0; i < 20; i++) {
		if (e2e_req("POST", "/workflow-management/execute", NULL, body,
		    extra, &r) != 0)
			continue;
		ok += hx_detail(&r, 401, "Invalid token signature") &&
		    hx_from_app(&r);
		resp_free(&r);
	}
	CU_ASSERT_EQUAL(ok, 20);
	free(body);
	free(line);
	free(t);
}

static void
test_jwt_oversized_headers_401_by_app_400_by_nginx(void)
{
	struct resp	 r;
	char		*h, *t, *pad, more[9100];

	/* "Bearer " + 8185 = 8192 bytes: decoded (and refused as garbage). */
	h = malloc(17100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	memcpy(h, "Bearer ", 7);
	memset(h + 7, 'A', 17000);
	h[7 + 8185] = '\0';
	CU_ASSERT(refused_header(h, "Invalid token"));
	/* One byte more: refused before any decoding. */
	h[7 + 8185] = 'A';
	h[7 + 8186] = '\0';
	CU_ASSERT(refused_header(h, "Authorization header too large"));
	/* 16000: nginx passes it (16k header lines), the app says 401. */
	h[7 + 8186] = 'A';
	h[7 + 16000] = '\0';
	CU_ASSERT(refused_header(h, "Authorization header too large"));
	/* 17000: over nginx's line limit, its JSON 400, not the app's. */
	h[7 + 16000] = 'A';
	h[7 + 17000] = '\0';
	CU_ASSERT_EQUAL_FATAL(probe_header(h, &r), 0);
	CU_ASSERT(hx_detail(&r, 400, "Bad request: the web server refused it "
	    "(malformed, or a header too large)"));
	CU_ASSERT_FALSE(hx_from_app(&r));
	resp_free(&r);
	free(h);
	/* A correctly signed token of ~12 KiB is refused for its size. */
	pad = malloc(9001);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pad);
	memset(pad, 'p', 9000);
	pad[9000] = '\0';
	snprintf(more, sizeof(more), "\"pad\":\"%s\"", pad);
	t = mint_pl(600, more);
	CU_ASSERT(t != NULL && strlen(t) > 12000);
	CU_ASSERT(refused(t, "Authorization header too large"));
	free(t);
	free(pad);
}

static void
test_jwt_duplicate_members_last_one_wins(void)
{
	struct resp	 r;
	char		*p, *t;
	long long	 now = hx_now();

	/* exp: the last value decides either way. */
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&p, "{\"sub\":\"" JWT_SUB "\","
	    "\"roles\":[\"workflow:read\"],\"exp\":%lld,\"exp\":%lld}",
	    now + 600, now - 3600), -1);
	CU_ASSERT(refused((t = mint(JWT_HS, p)), "Token expired"));
	free(t);
	free(p);
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&p, "{\"sub\":\"" JWT_SUB "\","
	    "\"roles\":[\"workflow:read\"],\"exp\":%lld,\"exp\":%lld}",
	    now - 3600, now + 600), -1);
	CU_ASSERT(accepted((t = mint(JWT_HS, p))));
	free(t);
	free(p);
	/* roles: admin first, then read only: no admin. */
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&p, "{\"sub\":\"" JWT_SUB "\","
	    "\"exp\":%lld,\"roles\":[\"admin\"],\"roles\":"
	    "[\"workflow:read\"]}", now + 600), -1);
	t = mint(JWT_HS, p);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/workflow-management/audit", t,
	    NULL, NULL, &r), 0);
	CU_ASSERT(hx_detail(&r, 403, "Missing role admin"));
	resp_free(&r);
	free(t);
	free(p);
	/* sub: the owner of what the token creates is the last sub. */
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&p, "{\"sub\":\"root-admin\","
	    "\"sub\":\"h12-dup-last\",\"exp\":%lld,\"roles\":"
	    "[\"template:write\"]}", now + 600), -1);
	t = mint(JWT_HS, p);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", HX_TMPL_PATH, t,
	    "{\"name\":\"h12-dup\",\"steps\":[{\"id\":\"a\",\"type\":"
	    "\"transform\",\"output\":{}}]}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_STRING_EQUAL(resp_str(&r, "owner_id") ?
	    resp_str(&r, "owner_id") : "", "h12-dup-last");
	resp_free(&r);
	free(t);
	free(p);
	/* alg: "none" last is refused; HS256 last is what both parsers see. */
	CU_ASSERT(refused_minted("{\"alg\":\"HS256\",\"alg\":\"none\"}", NULL,
	    "Token algorithm not allowed"));
	p = pl(600, NULL);
	t = mint("{\"alg\":\"none\",\"alg\":\"HS256\"}", p);
	CU_ASSERT(accepted(t));
	free(t);
	free(p);
}

static void
test_jwt_stack_survived(void)
{
	hx_stack_survived(&jwt_mark);
}

E2E_SUITE(test_e2e_hostile_jwt_register)

void
test_e2e_hostile_jwt_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_jwt", jwt_init, NULL);

	CU_add_test(s, "openssl_minted_control_token_is_accepted",
	    test_jwt_openssl_minted_control_token_is_accepted);
	CU_add_test(s, "alg_none_in_any_case_is_refused",
	    test_jwt_alg_none_in_any_case_is_refused);
	CU_add_test(s, "unconfigured_algorithms_are_refused",
	    test_jwt_unconfigured_algorithms_are_refused);
	CU_add_test(s, "hs256_signed_with_a_public_key_is_refused",
	    test_jwt_hs256_signed_with_a_public_key_is_refused);
	CU_add_test(s, "bad_signatures_are_refused",
	    test_jwt_bad_signatures_are_refused);
	CU_add_test(s, "expired_tokens_are_refused_within_leeway_not",
	    test_jwt_expired_tokens_are_refused_within_leeway_not);
	CU_add_test(s, "future_nbf_and_iat_are_refused",
	    test_jwt_future_nbf_and_iat_are_refused);
	CU_add_test(s, "missing_or_mistyped_exp_and_sub_are_refused",
	    test_jwt_missing_or_mistyped_exp_and_sub_are_refused);
	CU_add_test(s, "mistyped_and_misspelled_roles",
	    test_jwt_mistyped_and_misspelled_roles);
	CU_add_test(s, "iss_and_aud_are_not_checked_when_not_configured",
	    test_jwt_iss_and_aud_are_not_checked_when_not_configured);
	CU_add_test(s, "key_carrying_headers_are_refused_kid_is_ignored",
	    test_jwt_key_carrying_headers_are_refused_kid_is_ignored);
	CU_add_test(s, "non_base64url_and_malformed_segments_are_refused",
	    test_jwt_non_base64url_and_malformed_segments_are_refused);
	CU_add_test(s, "scheme_variants", test_jwt_scheme_variants);
	CU_add_test(s, "unread_body_does_not_cut_the_answer",
	    test_jwt_unread_body_does_not_cut_the_answer);
	CU_add_test(s, "oversized_headers_401_by_app_400_by_nginx",
	    test_jwt_oversized_headers_401_by_app_400_by_nginx);
	CU_add_test(s, "duplicate_members_last_one_wins",
	    test_jwt_duplicate_members_last_one_wins);
	CU_add_test(s, "stack_survived", test_jwt_stack_survived);
}
