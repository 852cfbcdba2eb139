/*
 * Shared request-validation helpers, page cursors, the audit writer and
 * the supervisor nudge.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "log.h"

int
http_check_str(struct verr *ve, const struct jpath *p, struct json_object *v,
    size_t min, size_t max)
{
	struct json_object	*ctx;
	size_t			 n;
	char			 msg[96];

	n = util_utf8_len(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v));
	if (n < min) {
		ctx = json_object_new_object();
		json_object_object_add(ctx, "min_length",
		    json_object_new_int64((int64_t)min));
		snprintf(msg, sizeof(msg), "String should have at least %zu "
		    "character%s", min, min == 1 ? "" : "s");
		verr_add(ve, "string_too_short", p, msg, v, ctx);
		return 1;
	}
	if (n > max) {
		ctx = json_object_new_object();
		json_object_object_add(ctx, "max_length",
		    json_object_new_int64((int64_t)max));
		snprintf(msg, sizeof(msg), "String should have at most %zu "
		    "character%s", max, max == 1 ? "" : "s");
		verr_add(ve, "string_too_long", p, msg, v, ctx);
		return 1;
	}
	return 0;
}

int
http_check_object(struct http_req *r, struct verr *ve)
{
	struct jpath	p;

	if (json_object_is_type(r->body, json_type_object))
		return 1;
	jpath_init(&p, "body");
	verr_add(ve, "model_type", &p, "Input should be a valid dictionary or "
	    "object to extract fields from", r->body, NULL);
	return 0;
}

void
http_check_extra(struct json_object *obj, const char *const *known,
    size_t n, struct verr *ve)
{
	struct jpath	p;
	size_t		i;

	json_object_object_foreach(obj, key, val) {
		for (i = 0; i < n; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i < n)
			continue;
		jpath_init(&p, "body");
		jpath_key(&p, key);
		verr_add(ve, "extra_forbidden", &p, "Extra inputs are not "
		    "permitted", val, NULL);
	}
}

/*
 * Page cursors: "c<id in hex>.<tag>", the tag being the first 128 bits of
 * HMAC-SHA256(cursor key, "wfm-cursor:<id>") in hex. The cursor key is
 * itself an HMAC-SHA256, with the label below, of secret material that
 * every worker of every host of one installation shares and that
 * survives restarts: the HS256 JWT secret when there is one, else the
 * database password (docs/decisions.md). Only a configuration with
 * neither (RS256/ES256 with socket authentication) falls back to a
 * random key made by the master before it forks: shared by its workers,
 * lost at a restart (then an old cursor is a 400 and the client starts
 * over from the first page).
 */
#define CURSOR_KEY_LABEL	"wfm page cursor key v1"
#define CURSOR_TAG_LEN		16	/* bytes of the HMAC kept */

static unsigned char	cursor_key[SHA256_DIGEST_LENGTH];
static int		cursor_key_set;

void
http_cursor_key_init(const struct config *cfg)
{
	const char	*m = NULL;
	size_t		 mlen = 0;
	unsigned int	 n = 0;

	if (cfg->auth.jwt_secret != NULL) {
		m = cfg->auth.jwt_secret;
		mlen = cfg->auth.jwt_secret_len;
	} else if (cfg->db.password != NULL && cfg->db.password[0] != '\0') {
		m = cfg->db.password;
		mlen = strlen(m);
	}
	if (m != NULL) {
		if (HMAC(EVP_sha256(), m, (int)mlen,
		    (const unsigned char *)CURSOR_KEY_LABEL,
		    sizeof(CURSOR_KEY_LABEL) - 1, cursor_key, &n) == NULL ||
		    n != sizeof(cursor_key))
			fatalx("HMAC: cannot derive the cursor key");
	} else {
		if (util_random(cursor_key, sizeof(cursor_key)) != RC_OK)
			fatalx("no random bytes for the cursor key");
		log_warnx("no JWT secret nor database password to derive the "
		    "page cursor key from: a random one is used, cursors do "
		    "not outlive a restart");
	}
	cursor_key_set = 1;
}

/* The hex tag of id into out (2 * CURSOR_TAG_LEN + 1 bytes). */
static void
cursor_tag(long long id, char *out)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;
	char		 buf[48];
	int		 len, i;

	/* Never an unkeyed tag: a process that skipped the init has one. */
	if (!cursor_key_set) {
		if (util_random(cursor_key, sizeof(cursor_key)) != RC_OK)
			fatalx("no random bytes for the cursor key");
		cursor_key_set = 1;
	}
	len = snprintf(buf, sizeof(buf), "wfm-cursor:%lld", id);
	if (HMAC(EVP_sha256(), cursor_key, sizeof(cursor_key),
	    (const unsigned char *)buf, (size_t)len, mac, &n) == NULL ||
	    n < CURSOR_TAG_LEN)
		fatalx("HMAC: cannot sign a cursor");
	for (i = 0; i < CURSOR_TAG_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

char *
http_cursor_make(long long id)
{
	char	tag[2 * CURSOR_TAG_LEN + 1];

	cursor_tag(id, tag);
	return xasprintf("c%llx.%s", id, tag);
}

int
http_cursor_parse(const char *s, long long *id)
{
	char		 tag[2 * CURSOR_TAG_LEN + 1];
	const char	*dot;
	char		*end;
	long long	 v;
	size_t		 i;

	if (s[0] != 'c' || strlen(s) > 64 || (dot = strchr(s, '.')) == NULL)
		return RC_INVALID;
	/* Lower-case hex digits only: one spelling per id. */
	for (i = 1; s + i < dot; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return RC_INVALID;
	if (dot == s + 1 || dot - s > 17 || s[1] == '0')
		return RC_INVALID;
	v = strtoll(s + 1, &end, 16);
	if (end != dot || v <= 0 || strlen(dot + 1) != sizeof(tag) - 1)
		return RC_INVALID;
	cursor_tag(v, tag);
	if (CRYPTO_memcmp(tag, dot + 1, sizeof(tag) - 1) != 0)
		return RC_INVALID;
	*id = v;
	return RC_OK;
}

int
http_page_args(struct http_req *r, long long *limit, long long *before)
{
	char		*v;
	const char	*why;
	int		 bad = 0;

	*limit = 20;
	*before = LLONG_MAX;
	if ((v = http_query_get(r, "limit", &bad)) != NULL || bad) {
		if (bad || util_number(v, 1, 100, limit, &why) != RC_OK) {
			free(v);
			http_resp_detail(r, 400, "limit must be an integer "
			    "from 1 to 100");
			return RC_INVALID;
		}
		free(v);
	}
	if ((v = http_query_get(r, "cursor", &bad)) != NULL || bad) {
		if (bad || http_cursor_parse(v, before) != RC_OK) {
			free(v);
			http_resp_detail(r, 400, "Invalid cursor");
			return RC_INVALID;
		}
		free(v);
	}
	return RC_OK;
}

void
http_page_send(struct http_req *r, struct json_object *items, size_t n,
    long long limit, long long key)
{
	struct json_object	*o = json_object_new_object();
	char			*cur;

	json_object_object_add(o, "items", items);
	if (n > (size_t)limit) {
		cur = http_cursor_make(key);
		json_object_object_add(o, "next_cursor",
		    json_object_new_string(cur));
		free(cur);
	} else
		json_object_object_add(o, "next_cursor", NULL);
	http_resp_json(r, 200, o);
}

int
http_audit(struct http_req *r, const char *action, const char *otype,
    const char *oid, struct json_object *detail)
{
	struct store_actor	who = { r->who.sub, r->remote_addr, r->reqid };

	return store_audit(r->app->st, &who, action, otype, oid, detail);
}

void
http_nudge(struct http_req *r)
{
	struct sockaddr_un	sun;
	const char		*path = r->app->cfg->sup.nudge_socket;

	if (r->app->nudge_fd == -1 || path == NULL ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	(void)sendto(r->app->nudge_fd, "n", 1, MSG_DONTWAIT,
	    (struct sockaddr *)&sun, sizeof(sun));
}

void
http_child_signals(void (*on_stop)(int), sigset_t *open_mask)
{
	struct sigaction	sa;
	sigset_t		stop;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: the wait fails */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		fatal("sigaction");
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		fatal("sigaction");
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		fatal("sigaction");
	sigemptyset(open_mask);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	if (sigprocmask(SIG_SETMASK, &stop, NULL) == -1)
		fatal("sigprocmask");
}
