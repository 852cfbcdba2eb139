/*
 * Configuration loading: libinih reads the file into a table of raw
 * values, WFM_<SECTION>_<KEY> environment variables override them, then
 * every value is converted and checked. The first problem found is
 * reported as one line naming file, section and key.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "config.h"
#include "log.h"

#define CFG_FILE_MAX	65536	/* secret and key files */

enum ktype { K_STR, K_INT, K_BOOL, K_OCTAL, K_LEVEL, K_ALG };

struct key {
	const char	*section;
	const char	*name;
	enum ktype	 type;
	size_t		 off;		/* offset in struct config */
	const char	*def;		/* NULL: no default (unset) */
	long long	 min, max;
};

#define O(f)	offsetof(struct config, f)
static const struct key keys[] = {
	{ "database", "host", K_STR, O(db.host), NULL, 0, 0 },
	{ "database", "port", K_INT, O(db.port), "3306", 1, 65535 },
	{ "database", "socket", K_STR, O(db.socket), NULL, 0, 0 },
	{ "database", "user", K_STR, O(db.user), "wfm", 0, 0 },
	{ "database", "password", K_STR, O(db.password), NULL, 0, 0 },
	{ "database", "password_file", K_STR, 0, NULL, 0, 0 },
	{ "database", "name", K_STR, O(db.name), "wfm", 0, 0 },
	{ "database", "connect_timeout", K_INT, O(db.connect_timeout), "5",
	    1, 300 },
	{ "database", "rw_timeout", K_INT, O(db.rw_timeout), "10", 1, 3600 },
	{ "database", "read_host", K_STR, O(db.read_host), NULL, 0, 0 },
	{ "database", "read_port", K_INT, O(db.read_port), "3306", 1, 65535 },
	{ "database", "read_socket", K_STR, O(db.read_socket), NULL, 0, 0 },
	{ "database", "max_replica_lag_ms", K_INT, O(db.max_replica_lag_ms),
	    "1000", 1, 3600000 },
	{ "http", "base_path", K_STR, O(http.base_path), "/api/v1", 0, 0 },
	{ "http", "max_body_bytes", K_INT, O(http.max_body_bytes), "1048576",
	    1024, 64 * 1024 * 1024 },
	{ "http", "max_active_executions_per_user", K_INT,
	    O(http.max_active_executions_per_user), "1000", 1, 100000000 },
	{ "http", "max_unfinished_executions_per_user", K_INT,
	    O(http.max_unfinished_executions_per_user), "10000", 1, 100000000 },
	{ "http", "max_waiters", K_INT, O(http.max_waiters), "0", 0, 1024 },
	{ "http", "max_waiters_per_user", K_INT,
	    O(http.max_waiters_per_user), "0", 0, 1024 },
	{ "http", "max_schedules_per_user", K_INT,
	    O(http.max_schedules_per_user), "100", 1, 100000 },
	{ "http", "public_url", K_STR, O(http.public_url), NULL, 0, 0 },
	{ "auth", "algorithm", K_ALG, O(auth.algorithm), "HS256", 0, 0 },
	{ "auth", "jwt_secret", K_STR, O(auth.jwt_secret), NULL, 0, 0 },
	{ "auth", "jwt_secret_file", K_STR, 0, NULL, 0, 0 },
	{ "auth", "jwt_public_key_file", K_STR, 0, NULL, 0, 0 },
	{ "auth", "issuer", K_STR, O(auth.issuer), NULL, 0, 0 },
	{ "auth", "audience", K_STR, O(auth.audience), NULL, 0, 0 },
	{ "auth", "leeway_seconds", K_INT, O(auth.leeway_seconds), "30", 0, 60 },
	{ "auth", "roles_claim", K_STR, O(auth.roles_claim), "roles", 0, 0 },
	{ "fcgi", "listen", K_STR, O(fcgi.listen), NULL, 0, 0 },
	{ "fcgi", "workers", K_INT, O(fcgi.workers), "16", 1, 1024 },
	{ "fcgi", "max_requests", K_INT, O(fcgi.max_requests), "10000",
	    0, 1000000000 },
	{ "fcgi", "backlog", K_INT, O(fcgi.backlog), "1024", 1, 65535 },
	{ "fcgi", "socket_mode", K_OCTAL, O(fcgi.socket_mode), "0660", 0, 0777 },
	{ "fcgi", "group_inserts", K_BOOL, O(fcgi.group_inserts), "true", 0, 1 },
	{ "supervisor", "host_id", K_STR, O(sup.host_id), NULL, 0, 0 },
	{ "supervisor", "spawn", K_BOOL, O(sup.spawn), "true", 0, 1 },
	{ "supervisor", "program", K_STR, O(sup.program), NULL, 0, 0 },
	{ "supervisor", "concurrency", K_INT, O(sup.concurrency), "16", 1, 4096 },
	{ "supervisor", "poll_interval_ms", K_INT, O(sup.poll_interval_ms),
	    "500", 10, 60000 },
	{ "supervisor", "lease_seconds", K_INT, O(sup.lease_seconds), "30",
	    3, 3600 },
	{ "supervisor", "handlers_dir", K_STR, O(sup.handlers_dir), NULL, 0, 0 },
	{ "supervisor", "http_allow", K_STR, O(sup.http_allow), NULL, 0, 0 },
	{ "supervisor", "webhook_allow", K_STR, O(sup.webhook_allow), NULL,
	    0, 0 },
	{ "supervisor", "webhook_retry_base_ms", K_INT,
	    O(sup.webhook_retry_base_ms), "10000", 10, 3600000 },
	{ "supervisor", "webhook_inflight", K_INT, O(sup.webhook_inflight),
	    "64", 1, 1024 },
	{ "supervisor", "retention_days", K_INT, O(sup.retention_days), "90",
	    1, 36500 },
	{ "supervisor", "secrets_key_file", K_STR, O(sup.secrets_key_file),
	    NULL, 0, 0 },
	{ "supervisor", "lock_file", K_STR, O(sup.lock_file),
	    "/run/wfm/supervisor.lock", 0, 0 },
	{ "supervisor", "nudge_socket", K_STR, O(sup.nudge_socket),
	    "/run/wfm/supervisor.nudge", 0, 0 },
	{ "supervisor", "grace_seconds", K_INT, O(sup.grace_seconds), "10",
	    0, 3600 },
	{ "supervisor", "cmd_cpu_seconds", K_INT, O(sup.cmd_cpu_seconds), "60",
	    0, 86400 },
	{ "supervisor", "cmd_memory_mb", K_INT, O(sup.cmd_memory_mb), "512",
	    0, 1048576 },
	{ "supervisor", "cmd_nofile", K_INT, O(sup.cmd_nofile), "256", 0, 65536 },
	{ "supervisor", "cmd_nproc", K_INT, O(sup.cmd_nproc), "64", 0, 65536 },
	{ "supervisor", "cmd_user", K_STR, O(sup.cmd_user), "wfm-handler",
	    0, 0 },
	{ "supervisor", "cmd_run_as_self", K_BOOL, O(sup.cmd_run_as_self),
	    "false", 0, 1 },
	{ "supervisor", "max_processes", K_INT, O(sup.max_processes), "64",
	    1, 4096 },
	{ "supervisor", "max_descendants", K_INT, O(sup.max_descendants),
	    "10000", 1, 1000000 },
	{ "log", "level", K_LEVEL, O(log.level), "info", 0, 0 },
	{ "log", "target", K_STR, O(log.target), "stderr", 0, 0 },
};
#undef O

struct loader {
	const char	*file;
	char		*raw[NITEMS(keys)];	/* owned raw values */
	struct errmsg	*err;		/* may be NULL */
	int		 failed;
};

/*
 * The file as libinih reads it, a line at a time into its buffer of
 * INI_MAX_LINE bytes. libinih cuts a longer line and parses the rest as
 * a line of its own (a long comment became an "unknown key"): such a
 * line stops the parse here instead, and config_load names it.
 */
struct line_reader {
	FILE	*fp;
	int	 line;		/* lines read so far */
	int	 too_long;	/* line "line" did not fit */
};

static char *
line_read(char *str, int num, void *stream)
{
	struct line_reader	*lr = stream;
	size_t			 n;

	if (fgets(str, num, lr->fp) == NULL)
		return NULL;
	lr->line++;
	n = strlen(str);
	if (n > 0 && str[n - 1] != '\n' && !feof(lr->fp)) {
		lr->too_long = 1;
		return NULL;
	}
	return str;
}

static int
key_find(const char *section, const char *name)
{
	size_t	i;

	for (i = 0; i < NITEMS(keys); i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
fail(struct loader *l, const struct key *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct loader *l, const struct key *k, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (l->failed)
		return RC_INVALID;
	l->failed = 1;
	if (l->err == NULL)
		return RC_INVALID;
	n = snprintf(l->err->text, sizeof l->err->text, "%s: [%s] %s: ",
	    l->file, k->section, k->name);
	if (n < 0 || (size_t)n >= sizeof l->err->text)
		return RC_INVALID;
	va_start(ap, fmt);
	vsnprintf(l->err->text + n, sizeof l->err->text - (size_t)n, fmt, ap);
	va_end(ap);
	return RC_INVALID;
}

/* libinih callback: returns 0 to stop on an unknown key. */
static int
on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct loader	*l = user;
	int		 i;

	if ((i = key_find(section, name)) == -1) {
		if (!l->failed) {
			l->failed = 1;
			errmsg_set(l->err, "%s: [%s] %s: unknown key",
			    l->file, section, name);
		}
		return 0;
	}
	free(l->raw[i]);
	l->raw[i] = xstrdup(value);
	return 1;
}

/* WFM_<SECTION>_<KEY> in upper case overrides the file. */
static void
apply_env(struct loader *l)
{
	char		 var[128], *p;
	const char	*v;
	size_t		 i;

	for (i = 0; i < NITEMS(keys); i++) {
		snprintf(var, sizeof(var), "WFM_%s_%s", keys[i].section,
		    keys[i].name);
		for (p = var; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		if ((v = getenv(var)) != NULL) {
			free(l->raw[i]);
			l->raw[i] = xstrdup(v);
		}
	}
}

/*
 * Read a whole small file into a new string. With strip, one trailing
 * newline sequence is removed (secret files written by echo).
 */
static int
read_small_file(struct loader *l, const struct key *k, const char *path,
    int strip, char **out, size_t *outlen)
{
	char	*buf = NULL;
	size_t	 n = 0;
	ssize_t	 r;
	int	 fd, rc = RC_INVALID;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return fail(l, k, "cannot open %s: %s", path, strerror(errno));
	buf = xmalloc(CFG_FILE_MAX + 1);
	for (;;) {
		r = read(fd, buf + n, CFG_FILE_MAX + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			fail(l, k, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > CFG_FILE_MAX) {
			fail(l, k, "%s is larger than %d bytes", path,
			    CFG_FILE_MAX);
			goto out;
		}
	}
	while (strip && n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	buf = NULL;
	rc = RC_OK;
out:
	free(buf);
	close(fd);
	return rc;
}

static int
convert(struct loader *l, struct config *c, size_t i)
{
	const struct key	*k = &keys[i];
	const char		*v = l->raw[i], *why;
	char			*end;
	long long		 n;
	void			*dst = (char *)c + k->off;

	if (k->off == 0)		/* *_file keys are handled later */
		return RC_OK;
	switch (k->type) {
	case K_STR:
		*(char **)dst = (v != NULL && *v != '\0') ? xstrdup(v) : NULL;
		return RC_OK;
	case K_INT:
		if (util_number(v, k->min, k->max, &n, &why) != RC_OK)
			return fail(l, k, "'%s' %s (allowed %lld..%lld)", v,
			    why, k->min, k->max);
		*(int *)dst = (int)n;
		return RC_OK;
	case K_OCTAL:
		errno = 0;
		n = strtoll(v, &end, 8);
		if (*v == '\0' || *end != '\0' || errno != 0 || n < k->min ||
		    n > k->max)
			return fail(l, k, "'%s' is not an octal mode", v);
		*(int *)dst = (int)n;
		return RC_OK;
	case K_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
		    strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
			*(int *)dst = 1;
		else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
		    strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
			*(int *)dst = 0;
		else
			return fail(l, k, "'%s' is not true or false", v);
		return RC_OK;
	case K_LEVEL:
		if ((*(int *)dst = log_level_parse(v)) == -1)
			return fail(l, k, "'%s' is not debug, info, warn or "
			    "error", v);
		return RC_OK;
	case K_ALG:
		if (strcmp(v, "HS256") == 0)
			*(int *)dst = AUTH_HS256;
		else if (strcmp(v, "RS256") == 0)
			*(int *)dst = AUTH_RS256;
		else if (strcmp(v, "ES256") == 0)
			*(int *)dst = AUTH_ES256;
		else
			return fail(l, k, "'%s' is not HS256, RS256 or ES256",
			    v);
		return RC_OK;
	}
	return RC_ERR;
}

static const struct key *
K(const char *section, const char *name)
{
	return &keys[key_find(section, name)];
}

static const char *
raw(struct loader *l, const char *section, const char *name)
{
	const char	*v = l->raw[key_find(section, name)];

	return (v != NULL && *v != '\0') ? v : NULL;
}

/*
 * A claimer id is host_id:pid:random and supervisors find their own
 * host's claims with LIKE 'host_id:%': no ':' nor LIKE wildcard but '_'
 * (checked again after the LIKE), nothing a log line must escape.
 */
static int
host_id_valid(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-'))
			return 0;
	return i > 0 && i <= CONFIG_HOST_ID_MAX;
}

/*
 * Split [database] host into c->db.nodes: comma-separated entries
 * "name", "name:port", "[v6]" or "[v6]:port" (a bare name with several
 * ':' is an IPv6 address without port); blanks around entries ignored.
 */
static int
parse_db_nodes(struct loader *l, struct config *c)
{
	const char		*p = c->db.host, *e, *end, *colon;
	struct config_db_node	*n;
	size_t			 len;
	char			*num;
	long			 port;

	c->db.nnodes = 0;
	if (p == NULL)
		return RC_OK;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		e = strchr(p, ',');
		end = e != NULL ? e : p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == p)
			return fail(l, K("database", "host"), "empty entry in "
			    "'%s'", c->db.host);
		if (c->db.nnodes == CONFIG_DB_NODES_MAX)
			return fail(l, K("database", "host"), "more than %d "
			    "entries", CONFIG_DB_NODES_MAX);
		n = &c->db.nodes[c->db.nnodes];
		n->port = c->db.port;
		colon = NULL;
		if (*p == '[') {
			const char	*rb = memchr(p, ']', (size_t)(end - p));

			if (rb == NULL || (rb + 1 != end && rb[1] != ':'))
				return fail(l, K("database", "host"), "bad "
				    "entry '%.*s'", (int)(end - p), p);
			colon = rb + 1 != end ? rb + 1 : NULL;
			len = (size_t)(rb - p - 1);
			p++;
		} else {
			colon = memchr(p, ':', (size_t)(end - p));
			if (colon != NULL && memchr(colon + 1, ':',
			    (size_t)(end - colon - 1)) != NULL)
				colon = NULL;	/* IPv6, no port */
			len = (size_t)((colon != NULL ? colon : end) - p);
		}
		if (len == 0 || len > CONFIG_DB_NAME_MAX)
			return fail(l, K("database", "host"), "bad entry "
			    "'%.*s'", (int)(end - p), p);
		memcpy(n->host, p, len);
		n->host[len] = '\0';
		if (colon != NULL) {
			char	buf[8];

			if ((size_t)(end - colon - 1) >= sizeof(buf) ||
			    end == colon + 1)
				return fail(l, K("database", "host"), "bad "
				    "port in '%s'", c->db.host);
			memcpy(buf, colon + 1, (size_t)(end - colon - 1));
			buf[end - colon - 1] = '\0';
			errno = 0;
			port = strtol(buf, &num, 10);
			if (errno != 0 || *num != '\0' || port < 1 ||
			    port > 65535)
				return fail(l, K("database", "host"), "bad "
				    "port in '%s'", c->db.host);
			n->port = (int)port;
		}
		c->db.nnodes++;
		if (e == NULL)
			return RC_OK;
		p = e + 1;
	}
}

/* Cross-key checks and the values read from files. */
static int
finish(struct loader *l, struct config *c)
{
	const char	*f;
	/*
	 * Set by read_small_file on RC_OK; initialised because fail() is
	 * variadic and the analyser cannot see that it never returns RC_OK.
	 */
	char		*txt = NULL;
	size_t		 len = 0;

	if ((f = raw(l, "database", "password_file")) != NULL &&
	    c->db.password == NULL) {
		if (read_small_file(l, K("database", "password_file"), f, 1,
		    &c->db.password, &len) != RC_OK)
			return RC_INVALID;
	}
	if (c->db.host == NULL && c->db.socket == NULL)
		return fail(l, K("database", "socket"),
		    "either host or socket must be set");
	if (parse_db_nodes(l, c) != RC_OK)
		return RC_INVALID;
	if (c->sup.host_id != NULL && !host_id_valid(c->sup.host_id))
		return fail(l, K("supervisor", "host_id"), "'%s' must be 1 to "
		    "%d of [A-Za-z0-9._-]", c->sup.host_id, CONFIG_HOST_ID_MAX);
	if (c->auth.jwt_secret != NULL)
		c->auth.jwt_secret_len = strlen(c->auth.jwt_secret);
	else if ((f = raw(l, "auth", "jwt_secret_file")) != NULL) {
		if (read_small_file(l, K("auth", "jwt_secret_file"), f, 1,
		    &c->auth.jwt_secret, &c->auth.jwt_secret_len) != RC_OK)
			return RC_INVALID;
	}
	if (c->auth.algorithm == AUTH_HS256) {
		if (c->auth.jwt_secret == NULL)
			return fail(l, K("auth", "jwt_secret"), "required "
			    "for HS256 (or jwt_secret_file)");
		if (c->auth.jwt_secret_len < 32)
			return fail(l, K("auth", "jwt_secret"), "must be at "
			    "least 32 bytes, is %zu", c->auth.jwt_secret_len);
	} else {
		if ((f = raw(l, "auth", "jwt_public_key_file")) == NULL)
			return fail(l, K("auth", "jwt_public_key_file"),
			    "required for RS256 and ES256");
		if (read_small_file(l, K("auth", "jwt_public_key_file"), f, 0,
		    &txt, &len) != RC_OK)
			return RC_INVALID;
		c->auth.public_key = txt;
		c->auth.public_key_len = len;
		/* HS256 minting (wfmctl token) stays possible with a secret. */
		if (c->auth.jwt_secret != NULL)
			c->auth.jwt_secret_len = strlen(c->auth.jwt_secret);
	}
	if (c->http.public_url != NULL && c->http.public_url[0] != '\0' &&
	    ((strncmp(c->http.public_url, "https://", 8) != 0 &&
	    strncmp(c->http.public_url, "http://", 7) != 0) ||
	    strlen(c->http.public_url) > 1024 ||
	    c->http.public_url[strlen(c->http.public_url) - 1] == '/'))
		return fail(l, K("http", "public_url"), "'%s' must start with "
		    "http:// or https://, be at most 1024 characters and not "
		    "end with '/'", c->http.public_url);
	if (c->http.base_path[0] != '/' ||
	    c->http.base_path[strlen(c->http.base_path) - 1] == '/')
		return fail(l, K("http", "base_path"), "'%s' must start with "
		    "'/' and not end with '/'", c->http.base_path);
	/*
	 * FastCGI trusts its peer completely (REMOTE_ADDR, the path, every
	 * header): ":port" alone binds the loopback address, and every
	 * interface only when asked for by name ("0.0.0.0:port").
	 */
	if (c->fcgi.listen != NULL && c->fcgi.listen[0] == ':') {
		txt = xasprintf("127.0.0.1%s", c->fcgi.listen);
		free(c->fcgi.listen);
		c->fcgi.listen = txt;
	}
	if (strcmp(c->log.target, "stderr") != 0 &&
	    strcmp(c->log.target, "syslog") != 0)
		return fail(l, K("log", "target"), "'%s' is not stderr or "
		    "syslog", c->log.target);
	return RC_OK;
}

int
config_load(const char *path, struct config **out, struct errmsg *err)
{
	struct loader		 l;
	struct line_reader	 lr = { NULL, 0, 0 };
	struct config		*c = NULL;
	size_t			 i;
	int			 r, rc = RC_INVALID;

	if (path == NULL && (path = getenv("WFM_CONFIG")) == NULL)
		path = CONFIG_DEFAULT_PATH;
	memset(&l, 0, sizeof(l));
	l.file = path;
	l.err = err;
	if ((lr.fp = fopen(path, "re")) == NULL) {
		errmsg_set(err, "%s: cannot open: %s", path,
		    strerror(errno));
		goto out;
	}
	r = ini_parse_stream(line_read, &lr, on_ini, &l);
	if (ferror(lr.fp)) {
		errmsg_set(err, "%s: cannot read: %s", path,
		    strerror(errno));
		goto out;
	}
	if (lr.too_long) {
		errmsg_set(err, "%s: line %d: longer than %d bytes",
		    path, lr.line, INI_MAX_LINE - 2);
		goto out;
	}
	if (r != 0) {
		if (!l.failed)
			errmsg_set(err, "%s: line %d: syntax error",
			    path, r);
		goto out;
	}
	for (i = 0; i < NITEMS(keys); i++)
		if (l.raw[i] == NULL && keys[i].def != NULL)
			l.raw[i] = xstrdup(keys[i].def);
	apply_env(&l);
	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	for (i = 0; i < NITEMS(keys); i++) {
		if (keys[i].type != K_STR && keys[i].off != 0 &&
		    l.raw[i] == NULL) {
			fail(&l, &keys[i], "must not be empty");
			goto out;
		}
		if (convert(&l, c, i) != RC_OK)
			goto out;
	}
	if (finish(&l, c) != RC_OK)
		goto out;
	*out = c;
	c = NULL;
	rc = RC_OK;
out:
	if (lr.fp != NULL)
		(void)fclose(lr.fp);	/* read only: nothing to lose */
	for (i = 0; i < NITEMS(keys); i++)
		free(l.raw[i]);
	config_free(c);
	return rc;
}

void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	if (c->auth.jwt_secret != NULL)
		explicit_bzero(c->auth.jwt_secret, c->auth.jwt_secret_len);
	if (c->db.password != NULL)
		explicit_bzero(c->db.password, strlen(c->db.password));
	for (i = 0; i < NITEMS(keys); i++)
		if (keys[i].type == K_STR && keys[i].off != 0)
			free(*(char **)((char *)c + keys[i].off));
	free(c->auth.public_key);
	free(c->path);
	free(c);
}

char *
config_sup_prom_path(const struct config *c)
{
	const char	*slash = strrchr(c->sup.lock_file, '/');

	if (slash == NULL)
		return xstrdup("./supervisor.prom");
	return xasprintf("%.*s/supervisor.prom",
	    (int)(slash - c->sup.lock_file), c->sup.lock_file);
}
