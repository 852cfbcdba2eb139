/*
 * Configuration: defaults, file values, environment overrides, files for
 * secrets, and one precise line for every bad value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "config.h"

#define SECRET32 "0123456789abcdef0123456789abcdef"

static char	 path[64];

/* Write text to a temporary config file; returns its path. */
static const char *
conf(const char *text)
{
	FILE	*f;
	int	 fd;

	snprintf(path, sizeof(path), "/tmp/wfm-test-conf-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd != -1);
	f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
	return path;
}

static int
load(const char *text, struct config **c, struct errmsg *err)
{
	int	rc = config_load(conf(text), c, err);

	unlink(path);
	return rc;
}

static void
test_config_applies_defaults(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL_FATAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n", &c, &err), RC_OK);
	CU_ASSERT_STRING_EQUAL(c->http.base_path, "/api/v1");
	CU_ASSERT_EQUAL(c->http.max_body_bytes, 1048576);
	CU_ASSERT_EQUAL(c->http.max_active_executions_per_user, 1000);
	CU_ASSERT_EQUAL(c->http.max_unfinished_executions_per_user, 10000);
	CU_ASSERT_EQUAL(c->auth.algorithm, AUTH_HS256);
	CU_ASSERT_EQUAL(c->auth.leeway_seconds, 30);
	CU_ASSERT_STRING_EQUAL(c->auth.roles_claim, "roles");
	CU_ASSERT_EQUAL(c->fcgi.workers, 16);
	CU_ASSERT_EQUAL(c->fcgi.max_requests, 10000);
	CU_ASSERT_EQUAL(c->sup.spawn, 1);
	CU_ASSERT_EQUAL(c->sup.concurrency, 16);
	CU_ASSERT_EQUAL(c->sup.poll_interval_ms, 500);
	CU_ASSERT_EQUAL(c->sup.lease_seconds, 30);
	CU_ASSERT_EQUAL(c->sup.retention_days, 90);
	CU_ASSERT_PTR_NULL(c->sup.http_allow);
	CU_ASSERT_STRING_EQUAL(c->db.name, "wfm");
	CU_ASSERT_EQUAL(c->auth.jwt_secret_len, 32);
	CU_ASSERT_EQUAL(c->log.level, 1);
	config_free(c);
}

static void
test_config_listen_port_alone_is_loopback(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL_FATAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n[fcgi]\nlisten = :9000\n", &c, &err),
	    RC_OK);
	CU_ASSERT_STRING_EQUAL(c->fcgi.listen, "127.0.0.1:9000");
	config_free(c);
	CU_ASSERT_EQUAL_FATAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n[fcgi]\nlisten = 0.0.0.0:9000\n", &c,
	    &err), RC_OK);
	CU_ASSERT_STRING_EQUAL(c->fcgi.listen, "0.0.0.0:9000");
	CU_ASSERT_EQUAL(c->http.max_waiters, 0);
	CU_ASSERT_EQUAL(c->http.max_waiters_per_user, 0);
	config_free(c);
}

static void
test_config_environment_overrides_file(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	setenv("WFM_FCGI_WORKERS", "3", 1);
	setenv("WFM_SUPERVISOR_HTTP_ALLOW", "127.0.0.1/32", 1);
	CU_ASSERT_EQUAL_FATAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n[fcgi]\nworkers = 8\n", &c, &err),
	    RC_OK);
	unsetenv("WFM_FCGI_WORKERS");
	unsetenv("WFM_SUPERVISOR_HTTP_ALLOW");
	CU_ASSERT_EQUAL(c->fcgi.workers, 3);
	CU_ASSERT_STRING_EQUAL(c->sup.http_allow, "127.0.0.1/32");
	config_free(c);
}

static void
test_config_rejects_out_of_range_number_naming_key(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;
	char		 want[256];
	int		 rc;

	rc = load("[database]\nsocket = /tmp/s\n[auth]\njwt_secret = "
	    SECRET32 "\n[fcgi]\nworkers = 5000\n", &c, &err);
	CU_ASSERT_EQUAL(rc, RC_INVALID);
	CU_ASSERT_PTR_NULL(c);
	snprintf(want, sizeof(want), "%s: [fcgi] workers: '5000' is too large "
	    "(allowed 1..1024)", path);
	CU_ASSERT_STRING_EQUAL(err.text, want);
}

static void
test_config_rejects_non_number(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL(load("[database]\nsocket = /tmp/s\n[auth]\njwt_secret"
	    " = " SECRET32 "\n[supervisor]\nlease_seconds = ten\n", &c, &err),
	    RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "[supervisor] lease_seconds: "
	    "'ten' is not a number"));
}

static void
test_config_rejects_unknown_key(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL(load("[fcgi]\nworkerz = 2\n", &c, &err),
	    RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "[fcgi] workerz: unknown key"));
}

static void
test_config_rejects_short_hs256_secret(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = short\n", &c, &err), RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "[auth] jwt_secret: must be at "
	    "least 32 bytes, is 5"));
}

static void
test_config_rejects_bad_boolean_and_algorithm(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL(load("[database]\nsocket = /tmp/s\n[auth]\njwt_secret"
	    " = " SECRET32 "\n[supervisor]\nspawn = maybe\n", &c, &err),
	    RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text,
	    "[supervisor] spawn: 'maybe' is "
	    "not true or false"));
	CU_ASSERT_EQUAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "algorithm = none\n", &c, &err), RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text,
	    "[auth] algorithm: 'none' is not "
	    "HS256, RS256 or ES256"));
}

static void
test_config_reads_secret_file_without_newline(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;
	char		 text[256], sec[] = "/tmp/wfm-test-sec-XXXXXX";
	FILE		*f;
	int		 fd;

	fd = mkstemp(sec);
	CU_ASSERT_FATAL(fd != -1);
	f = fdopen(fd, "w");
	fputs(SECRET32 "xyz\n", f);
	fclose(f);
	snprintf(text, sizeof(text), "[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret_file = %s\n", sec);
	CU_ASSERT_EQUAL_FATAL(load(text, &c, &err), RC_OK);
	CU_ASSERT_EQUAL(c->auth.jwt_secret_len, 35);
	CU_ASSERT_STRING_EQUAL(c->auth.jwt_secret, SECRET32 "xyz");
	config_free(c);
	unlink(sec);
}

static void
test_config_rejects_missing_file_and_syntax_error(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL(config_load("/nonexistent/wfm.conf", &c, &err),
	    RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "/nonexistent/wfm.conf: cannot "
	    "open"));
	CU_ASSERT_EQUAL(load("[database]\nno equals sign here\n", &c, &err),
	    RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "line 2: syntax error"));
}

static void
test_config_rejects_bad_base_path(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;

	CU_ASSERT_EQUAL(load("[database]\nsocket = /tmp/s\n[auth]\njwt_secret"
	    " = " SECRET32 "\n[http]\nbase_path = api/\n", &c, &err),
	    RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "[http] base_path:"));
}

/*
 * libinih reads a line into a buffer of INI_MAX_LINE (200) bytes and
 * parsed what did not fit as a line of its own: a long comment became
 * "[fcgi] rusts its peer: unknown key". Such a line is named instead;
 * one that fits (198 bytes and its newline) is read whole.
 */
static void
test_config_rejects_line_longer_than_reader(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;
	char		 text[512];
	char		 comment[200];

	memset(comment, 'x', sizeof(comment));
	comment[0] = '#';
	comment[198] = '\0';		/* 198 bytes: fits */
	snprintf(text, sizeof(text), "[database]\nsocket = /tmp/s\n%s\n"
	    "[auth]\njwt_secret = " SECRET32 "\n", comment);
	CU_ASSERT_EQUAL(load(text, &c, &err), RC_OK);
	config_free(c);
	c = NULL;
	comment[198] = 'y';		/* 199 bytes: does not */
	comment[199] = '\0';
	snprintf(text, sizeof(text), "[database]\nsocket = /tmp/s\n%s\n"
	    "[auth]\njwt_secret = " SECRET32 "\n", comment);
	CU_ASSERT_EQUAL(load(text, &c, &err), RC_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text,
	    "line 3: longer than 198 bytes"));
	CU_ASSERT_PTR_NULL(c);
}

/* host_id and the replica keys: defaults, and a host_id that breaks ids. */
static void
test_config_cluster_keys(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;
	char		 want[256];

	CU_ASSERT_EQUAL_FATAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n", &c, &err), RC_OK);
	CU_ASSERT_PTR_NULL(c->sup.host_id);
	CU_ASSERT_PTR_NULL(c->db.read_host);
	CU_ASSERT_PTR_NULL(c->db.read_socket);
	CU_ASSERT_EQUAL(c->db.read_port, 3306);
	CU_ASSERT_EQUAL(c->db.max_replica_lag_ms, 1000);
	config_free(c);
	c = NULL;
	CU_ASSERT_EQUAL_FATAL(load("[database]\nsocket = /tmp/s\nread_host = "
	    "10.0.0.2\nread_port = 3307\nmax_replica_lag_ms = 250\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n[supervisor]\nhost_id = web-1.a_b\n",
	    &c, &err), RC_OK);
	CU_ASSERT_STRING_EQUAL(c->sup.host_id, "web-1.a_b");
	CU_ASSERT_STRING_EQUAL(c->db.read_host, "10.0.0.2");
	CU_ASSERT_EQUAL(c->db.read_port, 3307);
	CU_ASSERT_EQUAL(c->db.max_replica_lag_ms, 250);
	config_free(c);
	c = NULL;
	/* A ':' would make "h:1" look like host "h" with pid 1. */
	CU_ASSERT_EQUAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n[supervisor]\nhost_id = h:1\n", &c,
	    &err), RC_INVALID);
	CU_ASSERT_PTR_NULL(c);
	snprintf(want, sizeof(want), "%s: [supervisor] host_id: 'h:1' must "
	    "be 1 to 64 of [A-Za-z0-9._-]", path);
	CU_ASSERT_STRING_EQUAL(err.text, want);
	CU_ASSERT_EQUAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n[supervisor]\nhost_id = a%b\n", &c,
	    &err), RC_INVALID);
	CU_ASSERT_PTR_NULL(c);
}

/* [database] host as a list of nodes, in order, with their ports. */
static void
test_config_db_nodes(void)
{
	struct config	*c = NULL;
	struct errmsg	 err;
	char		 want[300];

	CU_ASSERT_EQUAL_FATAL(load("[database]\nhost = db1\nport = 3307\n"
	    "[auth]\njwt_secret = " SECRET32 "\n", &c, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(c->db.nnodes, 1);
	CU_ASSERT_STRING_EQUAL(c->db.nodes[0].host, "db1");
	CU_ASSERT_EQUAL(c->db.nodes[0].port, 3307);
	config_free(c);
	c = NULL;
	CU_ASSERT_EQUAL_FATAL(load("[database]\nhost = 127.0.0.1:19601, "
	    "db2 ,[::1]:19603,fe80::1\n[auth]\njwt_secret = " SECRET32 "\n",
	    &c, &err), RC_OK);
	CU_ASSERT_EQUAL_FATAL(c->db.nnodes, 4);
	CU_ASSERT_STRING_EQUAL(c->db.nodes[0].host, "127.0.0.1");
	CU_ASSERT_EQUAL(c->db.nodes[0].port, 19601);
	CU_ASSERT_STRING_EQUAL(c->db.nodes[1].host, "db2");
	CU_ASSERT_EQUAL(c->db.nodes[1].port, 3306);
	CU_ASSERT_STRING_EQUAL(c->db.nodes[2].host, "::1");
	CU_ASSERT_EQUAL(c->db.nodes[2].port, 19603);
	CU_ASSERT_STRING_EQUAL(c->db.nodes[3].host, "fe80::1");
	CU_ASSERT_EQUAL(c->db.nodes[3].port, 3306);
	config_free(c);
	c = NULL;
	CU_ASSERT_EQUAL_FATAL(load("[database]\nsocket = /tmp/s\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n", &c, &err), RC_OK);
	CU_ASSERT_EQUAL(c->db.nnodes, 0);
	config_free(c);
	c = NULL;
	CU_ASSERT_EQUAL(load("[database]\nhost = a,,b\n[auth]\njwt_secret = "
	    SECRET32 "\n", &c, &err), RC_INVALID);
	snprintf(want, sizeof(want), "%s: [database] host: empty entry in "
	    "'a,,b'", path);
	CU_ASSERT_STRING_EQUAL(err.text, want);
	CU_ASSERT_EQUAL(load("[database]\nhost = a:0\n[auth]\njwt_secret = "
	    SECRET32 "\n", &c, &err), RC_INVALID);
	CU_ASSERT_EQUAL(load("[database]\nhost = a:70000\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n", &c, &err), RC_INVALID);
	CU_ASSERT_EQUAL(load("[database]\nhost = a:x1\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n", &c, &err), RC_INVALID);
	CU_ASSERT_EQUAL(load("[database]\nhost = [::1\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n", &c, &err), RC_INVALID);
	CU_ASSERT_EQUAL(load("[database]\nhost = a,b,c,d,e,f,g,h,i\n[auth]\n"
	    "jwt_secret = " SECRET32 "\n", &c, &err), RC_INVALID);
	snprintf(want, sizeof(want), "%s: [database] host: more than 8 "
	    "entries", path);
	CU_ASSERT_STRING_EQUAL(err.text, want);
	CU_ASSERT_PTR_NULL(c);
}

/* supervisor.prom lives beside the lock file, or in "." without a dir. */
static void
test_config_sup_prom_path_beside_lock_file(void)
{
	struct config	 c;
	char		*p, lf[64];
	static const char *const cases[][2] = {
		{ "/run/wfm/supervisor.lock", "/run/wfm/supervisor.prom" },
		{ "var/x.lock", "var/supervisor.prom" },
		{ "x.lock", "./supervisor.prom" },
		{ "/x.lock", "/supervisor.prom" },
	};
	size_t		 i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(lf, sizeof(lf), "%s", cases[i][0]);
		c.sup.lock_file = lf;
		p = config_sup_prom_path(&c);
		CU_ASSERT_STRING_EQUAL(p, cases[i][1]);
		free(p);
	}
}

void	test_config_register(void);

void
test_config_register(void)
{
	CU_pSuite	s = CU_add_suite("config", NULL, NULL);

	CU_add_test(s, "applies_defaults", test_config_applies_defaults);
	CU_add_test(s, "listen_port_alone_is_loopback",
	    test_config_listen_port_alone_is_loopback);
	CU_add_test(s, "environment_overrides_file",
	    test_config_environment_overrides_file);
	CU_add_test(s, "rejects_out_of_range_number_naming_key",
	    test_config_rejects_out_of_range_number_naming_key);
	CU_add_test(s, "rejects_non_number", test_config_rejects_non_number);
	CU_add_test(s, "rejects_unknown_key", test_config_rejects_unknown_key);
	CU_add_test(s, "rejects_short_hs256_secret",
	    test_config_rejects_short_hs256_secret);
	CU_add_test(s, "rejects_bad_boolean_and_algorithm",
	    test_config_rejects_bad_boolean_and_algorithm);
	CU_add_test(s, "reads_secret_file_without_newline",
	    test_config_reads_secret_file_without_newline);
	CU_add_test(s, "rejects_missing_file_and_syntax_error",
	    test_config_rejects_missing_file_and_syntax_error);
	CU_add_test(s, "rejects_line_longer_than_reader",
	    test_config_rejects_line_longer_than_reader);
	CU_add_test(s, "rejects_bad_base_path",
	    test_config_rejects_bad_base_path);
	CU_add_test(s, "cluster_keys", test_config_cluster_keys);
	CU_add_test(s, "db_nodes", test_config_db_nodes);
	CU_add_test(s, "sup_prom_path_beside_lock_file",
	    test_config_sup_prom_path_beside_lock_file);
}
