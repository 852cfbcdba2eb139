/*
 * The example templates of deploy/examples/, imported by the stack for
 * user demo: each is found by name, executed with its sample input from
 * deploy/examples/inputs/ and its final_result checked. The payment
 * service of order-pipeline is a child process of this test, an HTTP
 * server on an ephemeral port of 127.0.0.1 that answers from a script and
 * records every request it gets.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"

/* JSON helpers shared by the suites (e2e_util.c). */
#define js	e2e_js
#define member	e2e_member
#define mjs	e2e_mjs

#define TMPL_PATH	"/workflow-management/templates"
#define DEMO_ROLES	"workflow:execute,workflow:read,template:write"
#define SRV_MAX		8		/* answers a server script may hold */
#define REQ_MAX		(64 * 1024)

static int
matches(const char *s, const char *re)
{
	regex_t	 rx;
	int	 ok;

	if (s == NULL || regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

static const char *
demo(void)
{
	static char	*t;

	if (t == NULL)
		t = e2e_token("demo", DEMO_ROLES);
	return t;
}

static const char *
root(void)
{
	const char	*r = getenv("WFM_E2E_ROOT");

	return r != NULL ? r : ".";
}

static const char *
bin(void)
{
	const char	*b = getenv("WFM_E2E_BIN");

	return b != NULL ? b : "build/bin";
}

/* A whole file (owned, NUL-terminated) or NULL. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	buf = malloc(REQ_MAX + 1);
	n = fread(buf, 1, REQ_MAX, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* deploy/examples/<rel> parsed, or NULL. */
static struct json_object *
example_json(const char *rel)
{
	struct json_object	*o;
	char			 path[1024], *text;

	snprintf(path, sizeof(path), "%s/deploy/examples/%s", root(), rel);
	if ((text = slurp(path)) == NULL)
		return NULL;
	o = json_tokener_parse(text);
	free(text);
	return o;
}

/*
 * The id (owned) of demo's template called name, from the list; NULL
 * (said on stderr when warn) if demo has none.
 */
static char *
find_id(const char *name, int warn)
{
	struct json_object	*items, *it;
	struct resp		 r;
	char			 path[512], cursor[128] = "", *id = NULL;
	size_t			 i;

	for (;;) {
		snprintf(path, sizeof(path), TMPL_PATH "?limit=100%s%s",
		    cursor[0] != '\0' ? "&cursor=" : "", cursor);
		if (e2e_req("GET", path, demo(), NULL, NULL, &r) != 0 ||
		    r.status != 200) {
			resp_free(&r);
			return NULL;
		}
		items = member(r.json, "items");
		for (i = 0; id == NULL && i < json_object_array_length(items);
		    i++) {
			it = json_object_array_get_idx(items, i);
			if (json_object_get_string(member(it, "name")) != NULL &&
			    strcmp(json_object_get_string(member(it, "name")),
			    name) == 0 &&
			    strcmp(mjs(it, "owner_id"), "\"demo\"") == 0)
				id = strdup(json_object_get_string(member(it,
				    "template_id")));
		}
		if (id != NULL || resp_str(&r, "next_cursor") == NULL) {
			resp_free(&r);
			if (id == NULL && warn)
				fprintf(stderr, "\nexample %s is not among the "
				    "templates of demo\n", name);
			return id;
		}
		snprintf(cursor, sizeof(cursor), "%s",
		    resp_str(&r, "next_cursor"));
		resp_free(&r);
	}
}

static char *
example_id(const char *name)
{
	return find_id(name, 1);
}

/*
 * Fail unless the supervisor's handlers directory (as run.sh exported
 * it) holds the example handlers.
 */
static int
handlers_ready(void)
{
	static const char *const h[] = { "send-receipt", "line-report" };
	const char	*dir = getenv("WFM_SUPERVISOR_HANDLERS_DIR");
	char		 path[1024];
	size_t		 i;

	for (i = 0; dir != NULL && i < sizeof(h) / sizeof(h[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, h[i]);
		if (access(path, X_OK) != 0) {
			fprintf(stderr, "\n%s is missing: the example handlers"
			    " of deploy/examples/handlers must be in the "
			    "supervisor's handlers directory\n", path);
			return 0;
		}
	}
	return 1;
}

/* Execute template id as demo with input (JSON) and wait for the end. */
static struct json_object *
run(const char *id, struct json_object *input, char **eid)
{
	*eid = e2e_execute(demo(), id, js(input));
	if (*eid == NULL)
		return NULL;
	return e2e_wait(demo(), *eid, 60);
}

/* The step called sid of an execution document. */
static struct json_object *
step(struct json_object *doc, const char *sid)
{
	struct json_object	*steps = member(doc, "steps"), *s;
	size_t			 i;

	for (i = 0; i < json_object_array_length(steps); i++) {
		s = json_object_array_get_idx(steps, i);
		if (json_object_get_string(member(s, "step_id")) != NULL &&
		    strcmp(json_object_get_string(member(s, "step_id")),
		    sid) == 0)
			return s;
	}
	return NULL;
}

/* The JSON text of member key of step sid. */
static const char *
smjs(struct json_object *doc, const char *sid, const char *key)
{
	return mjs(step(doc, sid), key);
}

/* ---- the payment service: a scripted HTTP server in a child ---------- */

struct srv {
	pid_t	 pid;
	int	 port;
	int	 n;
	char	 dir[512];	/* request i is written to dir/req.i */
};

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 402:
		return "Payment Required";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

static size_t
content_length(const char *head)
{
	const char	*p = strcasestr(head, "\r\nContent-Length:");

	return p != NULL ? (size_t)strtoul(p + 17, NULL, 10) : 0;
}

/* The child: answer n connections in turn, then exit. */
static void __attribute__((noreturn))
srv_child(const struct srv *s, int lfd, const int *status,
    const char *const *body)
{
	static char	 buf[REQ_MAX + 1];
	char		 path[600], out[REQ_MAX];
	const char	*end;
	ssize_t		 k;
	size_t		 len, need;
	int		 i, c, f, m;

	alarm(120);
	for (i = 0; i < s->n; i++) {
		if ((c = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR) {
				i--;
				continue;
			}
			_exit(1);
		}
		len = 0;
		need = 0;
		end = NULL;
		while (len < REQ_MAX) {
			if ((k = read(c, buf + len, REQ_MAX - len)) <= 0)
				break;
			len += (size_t)k;
			buf[len] = '\0';
			if (end == NULL && (end = strstr(buf, "\r\n\r\n")) !=
			    NULL)
				need = (size_t)(end + 4 - buf) +
				    content_length(buf);
			if (end != NULL && len >= need)
				break;
		}
		snprintf(path, sizeof(path), "%s/req.%d", s->dir, i);
		if ((f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1) {
			(void)write(f, buf, len);
			close(f);
		}
		m = snprintf(out, sizeof(out), "HTTP/1.1 %d %s\r\nContent-Type: "
		    "application/json\r\nContent-Length: %zu\r\nConnection: "
		    "close\r\n\r\n%s", status[i], reason(status[i]),
		    strlen(body[i]), body[i]);
		(void)write(c, out, (size_t)m);
		shutdown(c, SHUT_WR);
		close(c);
	}
	_exit(0);
}

/*
 * Start a server that answers its next n connections with status[i] and
 * the JSON text body[i]. 0 on success.
 */
static int
srv_start(struct srv *s, int n, const int *status, const char *const *body)
{
	static int		 seq;
	struct sockaddr_in	 a;
	socklen_t		 alen = sizeof(a);
	int			 fd, one = 1;

	memset(s, 0, sizeof(*s));
	s->n = n > SRV_MAX ? SRV_MAX : n;
	snprintf(s->dir, sizeof(s->dir), "%s/h8-srv-%d-%d", e2e_var(),
	    (int)getpid(), ++seq);
	if (mkdir(s->dir, 0755) == -1 && errno != EEXIST)
		return -1;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) == -1) {
		close(fd);
		return -1;
	}
	s->port = ntohs(a.sin_port);
	fflush(NULL);
	if ((s->pid = fork()) == -1) {
		close(fd);
		return -1;
	}
	if (s->pid == 0)
		srv_child(s, fd, status, body);
	close(fd);
	return 0;
}

/* Request i as the server read it (owned), or NULL if none came. */
static char *
srv_request(const struct srv *s, int i)
{
	char	path[600];

	snprintf(path, sizeof(path), "%s/req.%d", s->dir, i);
	return slurp(path);
}

static int
srv_count(const struct srv *s)
{
	char	path[600];
	int	i;

	for (i = 0; i < s->n; i++) {
		snprintf(path, sizeof(path), "%s/req.%d", s->dir, i);
		if (access(path, F_OK) != 0)
			break;
	}
	return i;
}

static void
srv_stop(struct srv *s)
{
	char	path[600];
	int	i;

	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	for (i = 0; i < s->n; i++) {
		snprintf(path, sizeof(path), "%s/req.%d", s->dir, i);
		unlink(path);
	}
	rmdir(s->dir);
}

/* Header name of a recorded request, into a static buffer, or NULL. */
static const char *
req_header(const char *req, const char *name)
{
	static char	 v[1024];
	const char	*p = req, *end = strstr(req, "\r\n\r\n");
	size_t		 n = strlen(name), k;

	while (p != NULL && (end == NULL || p < end)) {
		if ((p = strstr(p, "\r\n")) == NULL)
			break;
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			k = strcspn(p, "\r\n");
			if (k >= sizeof(v))
				k = sizeof(v) - 1;
			memcpy(v, p, k);
			v[k] = '\0';
			return v;
		}
	}
	return NULL;
}

static const char *
req_body(const char *req)
{
	const char	*p = strstr(req, "\r\n\r\n");

	return p != NULL ? p + 4 : "";
}

/* ---- the examples are there ------------------------------------------- */

static void
test_e2e_examples_are_imported_for_demo(void)
{
	static const char *const names[] = { "order-pipeline",
	    "shipping-quotes", "nightly-report", "price-each" };
	static const char *const fields[] = { "name", "description",
	    "input_schema", "global_config", "steps", "output" };
	struct json_object	*file;
	struct resp		 r;
	char			 path[256], rel[256], *id;
	size_t			 i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		id = example_id(names[i]);
		CU_ASSERT_PTR_NOT_NULL(id);
		if (id == NULL)
			continue;
		snprintf(rel, sizeof(rel), "%s.json", names[i]);
		file = example_json(rel);
		CU_ASSERT_PTR_NOT_NULL_FATAL(file);
		snprintf(path, sizeof(path), TMPL_PATH "/%s", id);
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, demo(), NULL, NULL,
		    &r), 0);
		CU_ASSERT_EQUAL(r.status, 200);
		CU_ASSERT_STRING_EQUAL(mjs(r.json, "owner_id"), "\"demo\"");
		CU_ASSERT_STRING_EQUAL(mjs(r.json, "version"), "1");
		/* Stored as written. */
		for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			CU_ASSERT(json_object_equal(member(file, fields[k]),
			    member(r.json, fields[k])));
		/* Every example has a sample input. */
		snprintf(rel, sizeof(rel), "inputs/%s.json", names[i]);
		json_object_put(file);
		file = example_json(rel);
		CU_ASSERT(json_object_is_type(file, json_type_object));
		json_object_put(file);
		resp_free(&r);
		free(id);
	}
}

/* Run wfmctl template import; its exit status, output in out. */
static int
ctl_import(const char *file, const char *owner, char *out, size_t outlen)
{
	FILE	*p;
	char	 cmd[2048];
	size_t	 n;
	int	 st;

	snprintf(cmd, sizeof(cmd), "%s/wfmctl -c %s template import '%s' "
	    "--owner '%s' 2>&1", bin(), e2e_conf(), file, owner);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_e2e_examples_wfmctl_import_is_idempotent_and_validates(void)
{
	static const char *const names[] = { "order-pipeline",
	    "shipping-quotes", "nightly-report", "price-each" };
	struct resp	 r;
	FILE		*f;
	char		 file[1024], out[4096], path[256], *id;
	size_t		 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(file, sizeof(file), "%s/deploy/examples/%s.json",
		    root(), names[i]);
		id = example_id(names[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(id);
		/* Again for demo: the same template, not a second one. */
		CU_ASSERT_EQUAL(ctl_import(file, "demo", out, sizeof(out)), 0);
		out[strcspn(out, "\n")] = '\0';
		CU_ASSERT_STRING_EQUAL(out, id);
		/* For another owner: a new template of that owner. */
		CU_ASSERT_EQUAL(ctl_import(file, "h8-importer", out,
		    sizeof(out)), 0);
		out[strcspn(out, "\n")] = '\0';
		CU_ASSERT(matches(out, "^[0-9a-f-]{36}$"));
		CU_ASSERT_STRING_NOT_EQUAL(out, id);
		snprintf(path, sizeof(path), TMPL_PATH "/%.64s", out);
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_admin(),
		    NULL, NULL, &r), 0);
		CU_ASSERT_EQUAL(r.status, 200);
		CU_ASSERT_STRING_EQUAL(mjs(r.json, "owner_id"),
		    "\"h8-importer\"");
		resp_free(&r);
		free(id);
	}
	/* A broken file is refused with the validation errors. */
	snprintf(file, sizeof(file), "%s/h8-bad-template.json", e2e_var());
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(file, "w"));
	fputs("{\"name\": \"h8-bad\", \"steps\": [{\"id\": \"a\", \"type\": "
	    "\"transform\", \"output\": 1, \"depends_on\": [\"a\"]}]}\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(ctl_import(file, "demo", out, sizeof(out)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "step 'a' cannot depend on "
	    "itself"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "depends_on"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(file, "w"));
	fputs("{\"name\": \"h8-bad\", \"steps\": [", f);
	fclose(f);
	CU_ASSERT_EQUAL(ctl_import(file, "demo", out, sizeof(out)), 1);
	CU_ASSERT_PTR_NULL(find_id("h8-bad", 0));
	unlink(file);
}

/*
 * wfmctl template import with a workflow step: the file written to
 * var/h8-wf.json naming template_id (at version when > 0), imported as
 * owner; the exit status, and in *errs (owned, NULL when none) the
 * errors it printed.
 */
static int
ctl_import_wf(const char *name, const char *template_id, int version,
    const char *owner, struct json_object **errs)
{
	FILE		*f;
	char		 file[1024], out[4096], ver[32] = "";
	const char	*nl;
	int		 st;

	*errs = NULL;
	if (version > 0)
		snprintf(ver, sizeof(ver), ", \"version\": %d", version);
	snprintf(file, sizeof(file), "%s/h8-wf.json", e2e_var());
	if ((f = fopen(file, "w")) == NULL)
		return -1;
	fprintf(f, "{\"name\": \"%s\", \"steps\": [{\"id\": \"call\", "
	    "\"type\": \"workflow\", \"template_id\": \"%s\"%s}]}\n", name,
	    template_id, ver);
	fclose(f);
	st = ctl_import(file, owner, out, sizeof(out));
	unlink(file);
	if (st == 1 && (nl = strstr(out, ": invalid template:\n")) != NULL)
		*errs = json_tokener_parse(nl + 20);
	return st;
}

/* The only error of errs is msg at loc (compact JSON text). */
static void
one_error(struct json_object *errs, const char *loc, const char *msg)
{
	struct json_object	*e;

	CU_ASSERT_FATAL(json_object_is_type(errs, json_type_array));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(errs), 1);
	e = json_object_array_get_idx(errs, 0);
	CU_ASSERT_STRING_EQUAL(mjs(e, "loc"), loc);
	CU_ASSERT_STRING_EQUAL(mjs(e, "msg"), msg);
	CU_ASSERT_STRING_EQUAL(mjs(e, "type"), "\"value_error\"");
	json_object_put(errs);
}

/* The id (owned) of user's template called name, or NULL. */
static char *
owned_template(const char *user, const char *name)
{
	struct json_object	*items, *it;
	struct resp		 r;
	char			*tok = e2e_token(user, "workflow:read"), *id = NULL;
	const char		*n, *o;
	size_t			 i;

	if (e2e_req("GET", TMPL_PATH "?limit=100", tok, NULL, NULL, &r) == 0) {
		CU_ASSERT_EQUAL(r.status, 200);
		items = member(r.json, "items");
		for (i = 0; id == NULL && i < json_object_array_length(items);
		    i++) {
			it = json_object_array_get_idx(items, i);
			n = json_object_get_string(member(it, "name"));
			o = json_object_get_string(member(it, "owner_id"));
			if (n != NULL && o != NULL && strcmp(n, name) == 0 &&
			    strcmp(o, user) == 0)
				id = strdup(json_object_get_string(member(it,
				    "template_id")));
		}
	}
	resp_free(&r);
	free(tok);
	return id;
}

/*
 * wfmctl applies the API's rule to workflow steps (POST .../templates:
 * the template exists, its owner-to-be may execute it, a pinned version
 * exists): exit 1 with the API's error, nothing written, also when the
 * name is already stored.
 */
static void
test_e2e_examples_wfmctl_import_checks_workflow_steps(void)
{
	static const char loc_tid[] =
	    "[\"body\",\"steps\",0,\"template_id\"]";
	struct json_object	*errs;
	struct resp		 r;
	char			 body[512], path[256], *priv, *shared, *tid;
	const char		*carol, *caller;

	carol = e2e_run_name("h8-wf-carol");
	caller = e2e_run_name("h8-wf-caller");
	/* Alice's private template, and one she shares with carol. */
	priv = e2e_template(e2e_tok_alice(), "{\"name\": \"h8-wf-child\", "
	    "\"steps\": [{\"id\": \"a\", \"type\": \"transform\", "
	    "\"output\": 1}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(priv);
	snprintf(body, sizeof(body), "{\"name\": \"h8-wf-shared\", "
	    "\"shared_with\": [\"%s\"], \"steps\": [{\"id\": \"a\", "
	    "\"type\": \"transform\", \"output\": 1}]}", carol);
	shared = e2e_template(e2e_tok_alice(), body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shared);

	/* Not found: nothing stored. */
	CU_ASSERT_EQUAL(ctl_import_wf(caller, "00000000-0000-4000-8000-"
	    "000000000000", 0, carol, &errs), 1);
	one_error(errs, loc_tid, "\"Value error, template not found\"");
	CU_ASSERT_PTR_NULL(owned_template(carol, caller));
	/* Alice's private template: carol may not execute it. */
	CU_ASSERT_EQUAL(ctl_import_wf(caller, priv, 0, carol, &errs), 1);
	one_error(errs, loc_tid, "\"Value error, the template's owner may "
	    "not execute this template\"");
	CU_ASSERT_PTR_NULL(owned_template(carol, caller));
	/* A version the template does not have. */
	CU_ASSERT_EQUAL(ctl_import_wf(caller, shared, 2, carol, &errs), 1);
	one_error(errs, "[\"body\",\"steps\",0,\"version\"]",
	    "\"Value error, the template has no such version\"");
	CU_ASSERT_PTR_NULL(owned_template(carol, caller));
	/* Shared with carol: stored, at version 1 pinned too. */
	CU_ASSERT_EQUAL(ctl_import_wf(caller, shared, 1, carol, &errs), 0);
	CU_ASSERT_PTR_NULL(errs);
	tid = owned_template(carol, caller);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	/* Alice may call her own private template. */
	CU_ASSERT_EQUAL(ctl_import_wf(caller, priv, 1, "alice", &errs), 0);
	CU_ASSERT_PTR_NULL(errs);

	/*
	 * Carol's stored name again with a step she may not use: refused,
	 * and her template keeps its version and its step.
	 */
	CU_ASSERT_EQUAL(ctl_import_wf(caller, priv, 0, carol, &errs), 1);
	one_error(errs, loc_tid, "\"Value error, the template's owner may "
	    "not execute this template\"");
	snprintf(path, sizeof(path), TMPL_PATH "/%.64s", tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_admin(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "version"), "1");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(member(
	    json_object_array_get_idx(member(r.json, "steps"), 0),
	    "template_id")), shared);
	resp_free(&r);
	free(tid);
	free(priv);
	free(shared);
}

/* ---- order-pipeline ---------------------------------------------------- */

/* The sample input of order-pipeline, paying at srv (owned). */
static struct json_object *
order_input(const struct srv *s)
{
	struct json_object	*in;
	char			 url[128];

	in = example_json("inputs/order-pipeline.json");
	if (in == NULL)
		return NULL;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/charges", s->port);
	json_object_object_add(in, "payment_url", json_object_new_string(url));
	return in;
}

static void
test_e2e_examples_order_pipeline_charges_and_sends_receipt(void)
{
	static const int	 status[] = { 200 };
	static const char *const body[] = {
	    "{\"id\": \"ch_h8_1\", \"status\": \"succeeded\"}" };
	struct json_object	*in, *doc, *want, *sent;
	struct srv		 s;
	char			*id, *eid = NULL, *req, secret[64], want_s[512];
	const char		*text;

	CU_ASSERT_FATAL(handlers_ready());
	id = example_id("order-pipeline");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	/* The API token of the payment service, a secret of demo. */
	snprintf(secret, sizeof(secret), "sk_test_h8_%d", (int)getpid());
	CU_ASSERT_EQUAL_FATAL(e2e_sh("printf %%s '%s' | %s/wfmctl -c %s "
	    "secret set demo PAYMENTS_API_TOKEN >/dev/null 2>&1", secret,
	    bin(), e2e_conf()), 0);
	CU_ASSERT_EQUAL_FATAL(srv_start(&s, 1, status, body), 0);
	in = order_input(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	doc = run(id, in, &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	snprintf(want_s, sizeof(want_s), "{\"order_id\": \"A-1001\", "
	    "\"charged_cents\": 4999, \"charge_id\": \"ch_h8_1\", "
	    "\"charge_status\": \"succeeded\", \"receipt_sent\": true, "
	    "\"receipt_message_id\": \"<A-1001.ch_h8_1.%.8s@wfm.invalid>\"}",
	    eid);
	want = json_tokener_parse(want_s);
	CU_ASSERT(json_object_equal(want, member(doc, "final_result")));
	if (!json_object_equal(want, member(doc, "final_result")))
		fprintf(stderr, "\nfinal_result %s\n", mjs(doc, "final_result"));
	json_object_put(want);
	CU_ASSERT_STRING_EQUAL(smjs(doc, "charge", "attempts"), "1");
	CU_ASSERT_STRING_EQUAL(smjs(doc, "notify", "status"), "\"completed\"");
	CU_ASSERT_STRING_EQUAL(mjs(member(step(doc, "notify"), "output"),
	    "text"), "\"Thank you for your order A-1001.\\nWe charged 49.99 "
	    "EUR to your card (payment ch_h8_1).\\n\"");

	/* What the payment service got. */
	CU_ASSERT_EQUAL(srv_count(&s), 1);
	req = srv_request(&s, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	CU_ASSERT(strncmp(req, "POST /v1/charges HTTP/1.1\r\n", 27) == 0);
	snprintf(want_s, sizeof(want_s), "%s:charge", eid);
	CU_ASSERT_STRING_EQUAL(req_header(req, "Idempotency-Key"), want_s);
	CU_ASSERT_STRING_EQUAL(req_header(req, "Content-Type"),
	    "application/json");
	CU_ASSERT_STRING_EQUAL(req_header(req, "X-Order-Id"), "A-1001");
	snprintf(want_s, sizeof(want_s), "Bearer %s", secret);
	CU_ASSERT_STRING_EQUAL(req_header(req, "Authorization"), want_s);
	sent = json_tokener_parse(req_body(req));
	want = json_tokener_parse("{\"order_id\": \"A-1001\", \"amount_cents\":"
	    " 4999, \"currency\": \"EUR\", \"description\": \"Order A-1001\"}");
	CU_ASSERT(json_object_equal(sent, want));
	json_object_put(sent);
	json_object_put(want);
	/* The secret's value is nowhere in the execution document. */
	text = js(doc);
	CU_ASSERT_PTR_NULL(strstr(text, secret));
	free(req);
	srv_stop(&s);
	json_object_put(doc);
	json_object_put(in);
	free(eid);
	free(id);
}

static void
test_e2e_examples_order_pipeline_retries_with_one_idempotency_key(void)
{
	static const int	 status[] = { 503, 503, 200 };
	static const char *const body[] = { "{\"error\": \"busy\"}",
	    "{\"error\": \"busy\"}",
	    "{\"id\": \"ch_h8_2\", \"status\": \"succeeded\"}" };
	struct json_object	*in, *doc;
	struct srv		 s;
	char			*id, *eid = NULL, *req, key[128], *first = NULL;
	int			 i;

	CU_ASSERT_FATAL(handlers_ready());
	id = example_id("order-pipeline");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_EQUAL_FATAL(srv_start(&s, 3, status, body), 0);
	in = order_input(&s);
	doc = run(id, in, &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	CU_ASSERT_STRING_EQUAL(smjs(doc, "charge", "attempts"), "3");
	CU_ASSERT_STRING_EQUAL(mjs(member(doc, "final_result"), "charge_id"),
	    "\"ch_h8_2\"");
	CU_ASSERT_STRING_EQUAL(smjs(doc, "notify", "status"), "\"completed\"");
	/* Three requests, one key and one body: the service can dedupe. */
	CU_ASSERT_EQUAL(srv_count(&s), 3);
	snprintf(key, sizeof(key), "%s:charge", eid);
	for (i = 0; i < srv_count(&s); i++) {
		req = srv_request(&s, i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(req);
		CU_ASSERT_STRING_EQUAL(req_header(req, "Idempotency-Key"), key);
		if (first == NULL)
			first = strdup(req_body(req));
		else
			CU_ASSERT_STRING_EQUAL(req_body(req), first);
		free(req);
	}
	free(first);
	srv_stop(&s);
	json_object_put(doc);
	json_object_put(in);
	free(eid);
	free(id);
}

static void
test_e2e_examples_order_pipeline_skips_receipt_when_declined(void)
{
	static const int	 status[] = { 200 };
	static const char *const body[] = {
	    "{\"id\": \"ch_h8_3\", \"status\": \"declined\"}" };
	struct json_object	*in, *doc, *want;
	struct srv		 s;
	char			*id, *eid = NULL;

	id = example_id("order-pipeline");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_EQUAL_FATAL(srv_start(&s, 1, status, body), 0);
	in = order_input(&s);
	doc = run(id, in, &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	CU_ASSERT_STRING_EQUAL(smjs(doc, "notify", "status"), "\"skipped\"");
	want = json_tokener_parse("{\"order_id\": \"A-1001\", \"charged_cents\":"
	    " 4999, \"charge_id\": \"ch_h8_3\", \"charge_status\": "
	    "\"declined\", \"receipt_sent\": false, \"receipt_message_id\": "
	    "null}");
	CU_ASSERT(json_object_equal(want, member(doc, "final_result")));
	if (!json_object_equal(want, member(doc, "final_result")))
		fprintf(stderr, "\nfinal_result %s\n", mjs(doc, "final_result"));
	json_object_put(want);
	srv_stop(&s);
	json_object_put(doc);
	json_object_put(in);
	free(eid);
	free(id);
}

static void
test_e2e_examples_order_pipeline_fails_at_once_on_402(void)
{
	static const int	 status[] = { 402, 200 };
	static const char *const body[] = { "{\"error\": \"card declined\"}",
	    "{\"id\": \"never\"}" };
	struct json_object	*in, *doc, *ed;
	struct srv		 s;
	char			*id, *eid = NULL;

	id = example_id("order-pipeline");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_EQUAL_FATAL(srv_start(&s, 2, status, body), 0);
	in = order_input(&s);
	doc = run(id, in, &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"failed\"");
	CU_ASSERT_STRING_EQUAL(smjs(doc, "charge", "status"), "\"failed\"");
	CU_ASSERT_STRING_EQUAL(smjs(doc, "charge", "attempts"), "1");
	CU_ASSERT_STRING_EQUAL(mjs(member(step(doc, "charge"), "error"),
	    "type"), "\"http_status\"");
	CU_ASSERT_STRING_EQUAL(smjs(doc, "notify", "status"), "\"cancelled\"");
	ed = member(doc, "error_details");
	CU_ASSERT_STRING_EQUAL(mjs(ed, "step_id"), "\"charge\"");
	CU_ASSERT_STRING_EQUAL(mjs(ed, "type"), "\"http_status\"");
	/* 402 is final: no second request came. */
	CU_ASSERT_EQUAL(srv_count(&s), 1);
	srv_stop(&s);
	json_object_put(doc);
	json_object_put(in);
	free(eid);
	free(id);
}

static void
test_e2e_examples_order_pipeline_input_schema(void)
{
	struct json_object	*in, *d;
	struct resp		 r;
	char			*id, body[4096];

	id = example_id("order-pipeline");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	in = example_json("inputs/order-pipeline.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	json_object_object_add(in, "currency", json_object_new_string("JPY"));
	json_object_object_del(in, "payment_url");
	snprintf(body, sizeof(body), "{\"template_id\": \"%s\", "
	    "\"input_data\": %s}", id, js(in));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/execute"
	    "?dry_run=true", demo(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	d = member(r.json, "detail");
	CU_ASSERT_EQUAL(json_object_array_length(d), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(js(d), "\"loc\":[\"body\",\"input_data\","
	    "\"currency\"]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(js(d), "{\"type\":\"missing\",\"loc\":"
	    "[\"body\",\"input_data\",\"payment_url\"]"));
	resp_free(&r);
	json_object_put(in);
	/* The sample input itself is valid. */
	in = example_json("inputs/order-pipeline.json");
	snprintf(body, sizeof(body), "{\"template_id\": \"%s\", "
	    "\"input_data\": %s}", id, js(in));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/execute"
	    "?dry_run=true", demo(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(r.body, "{\"valid\":true,\"template_version\":1}");
	resp_free(&r);
	json_object_put(in);
	free(id);
}

/* ---- shipping-quotes ----------------------------------------------------- */

static void
test_e2e_examples_shipping_quotes_fans_out_and_joins(void)
{
	static const char *const branch[] = { "quote_ground",
	    "quote_express", "quote_window" };
	struct json_object	*in, *doc, *want;
	char			*id, *eid = NULL, t[64];
	size_t			 i;

	id = example_id("shipping-quotes");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	in = example_json("inputs/shipping-quotes.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	doc = run(id, in, &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	want = json_tokener_parse("{\"parcel_id\": \"P-2042\", \"quotes\": ["
	    "{\"carrier\": \"ground\", \"days\": 4, \"price_cents\": 3450}, "
	    "{\"carrier\": \"express\", \"days\": 1, \"price_cents\": 8750}], "
	    "\"ground_is_cheaper\": true, \"express_surcharge_cents\": 5300, "
	    "\"window_closed\": true}");
	CU_ASSERT(json_object_equal(want, member(doc, "final_result")));
	if (!json_object_equal(want, member(doc, "final_result")))
		fprintf(stderr, "\nfinal_result %s\n", mjs(doc, "final_result"));
	json_object_put(want);
	/*
	 * The DAG: each branch starts after prepare, the two quotes start
	 * while the window is still open (in parallel, not after it), and
	 * choose starts only once all three have completed.
	 */
	snprintf(t, sizeof(t), "%s", smjs(doc, "prepare", "completed_at"));
	for (i = 0; i < 3; i++) {
		CU_ASSERT_STRING_EQUAL(smjs(doc, branch[i], "status"),
		    "\"completed\"");
		CU_ASSERT(strcmp(smjs(doc, branch[i], "started_at"), t) >= 0);
		CU_ASSERT(strcmp(smjs(doc, "choose", "started_at"),
		    smjs(doc, branch[i], "completed_at")) >= 0);
	}
	CU_ASSERT(strcmp(smjs(doc, branch[0], "started_at"),
	    smjs(doc, branch[2], "completed_at")) < 0);
	CU_ASSERT(strcmp(smjs(doc, branch[1], "started_at"),
	    smjs(doc, branch[2], "completed_at")) < 0);
	CU_ASSERT(json_object_get_double(member(step(doc, branch[2]),
	    "duration")) >= 1.0);
	json_object_put(doc);
	json_object_put(in);
	free(eid);
	free(id);
}

/* ---- price-each ---------------------------------------------------------- */

/*
 * A map: each line priced on its own, in line order; the line without a
 * quantity skipped (null), the one without a price a tolerated failure
 * (null).
 */
static void
test_e2e_examples_price_each_maps_the_lines(void)
{
	struct json_object	*in, *doc, *want;
	char			*id, *eid = NULL;

	id = example_id("price-each");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	in = example_json("inputs/price-each.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	doc = run(id, in, &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	want = json_tokener_parse("{\"order_id\": \"O-1001\", \"prices\": ["
	    "{\"line\": 0, \"sku\": \"A-1\", \"cents\": 900}, null, null, "
	    "{\"line\": 3, \"sku\": \"D-9\", \"cents\": 3750}]}");
	CU_ASSERT(json_object_equal(want, member(doc, "final_result")));
	if (!json_object_equal(want, member(doc, "final_result")))
		fprintf(stderr, "\nfinal_result %s\n", mjs(doc, "final_result"));
	json_object_put(want);
	json_object_put(doc);
	json_object_put(in);
	free(eid);
	free(id);
}

/* ---- nightly-report ------------------------------------------------------ */

/* Run nightly-report on log; the final_result without generated_at. */
static struct json_object *
report(const char *id, const char *date, const char *log)
{
	struct json_object	*in, *doc, *fr;
	char			*eid = NULL;

	in = json_object_new_object();
	json_object_object_add(in, "date", json_object_new_string(date));
	json_object_object_add(in, "service", json_object_new_string("search"));
	json_object_object_add(in, "log", json_object_new_string(log));
	doc = run(id, in, &eid);
	json_object_put(in);
	free(eid);
	if (doc == NULL)
		return NULL;
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	fr = json_object_get(member(doc, "final_result"));
	json_object_put(doc);
	if (fr == NULL)
		return NULL;
	CU_ASSERT(matches(json_object_get_string(member(fr, "generated_at")),
	    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"));
	json_object_object_del(fr, "generated_at");
	return fr;
}

static void
test_e2e_examples_nightly_report_counts_the_log(void)
{
	struct json_object	*in, *doc, *want, *fr;
	char			*id, *eid = NULL;

	CU_ASSERT_FATAL(handlers_ready());
	id = example_id("nightly-report");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	in = example_json("inputs/nightly-report.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	doc = run(id, in, &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	fr = member(doc, "final_result");
	CU_ASSERT(matches(json_object_get_string(member(fr, "generated_at")),
	    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"));
	json_object_object_del(fr, "generated_at");
	want = json_tokener_parse("{\"title\": \"Nightly report billing "
	    "2026-11-24\", \"date\": \"2026-11-24\", \"lines\": 5, "
	    "\"errors\": 1, \"warnings\": 2, \"error_percent\": 20, "
	    "\"healthy\": false, \"first_error\": \"2026-11-24T00:07:40Z ERROR "
	    "payment gateway timeout for order \\\"A-1001\\\"\", \"summary\": "
	    "\"5 lines, 1 errors, 2 warnings\"}");
	CU_ASSERT(json_object_equal(want, fr));
	if (!json_object_equal(want, fr))
		fprintf(stderr, "\nfinal_result %s\n", js(fr));
	json_object_put(want);
	json_object_put(doc);
	json_object_put(in);
	free(eid);

	/* Counted, not canned: a clean log, then awkward characters. */
	fr = report(id, "2026-11-25", "INFO ok\nINFO fine\nWARNING meh");
	want = json_tokener_parse("{\"title\": \"Nightly report search "
	    "2026-11-25\", \"date\": \"2026-11-25\", \"lines\": 3, "
	    "\"errors\": 0, \"warnings\": 1, \"error_percent\": 0, "
	    "\"healthy\": true, \"first_error\": null, \"summary\": "
	    "\"3 lines, 0 errors, 1 warnings\"}");
	CU_ASSERT(json_object_equal(want, fr));
	if (!json_object_equal(want, fr))
		fprintf(stderr, "\nfinal_result %s\n", js(fr));
	json_object_put(want);
	json_object_put(fr);
	fr = report(id, "2026-11-26", "\tERROR C:\\temp\\new \"q\" caf\xc3\xa9"
	    " / \\n end\n\nINFO ERRORS are not ERROR-level? yes\n");
	CU_ASSERT_STRING_EQUAL(mjs(fr, "first_error"), "\"\\tERROR "
	    "C:\\\\temp\\\\new \\\"q\\\" caf\xc3\xa9 / \\\\n end\"");
	CU_ASSERT_STRING_EQUAL(mjs(fr, "lines"), "3");
	CU_ASSERT_STRING_EQUAL(mjs(fr, "errors"), "2");
	json_object_put(fr);
	free(id);
}

E2E_SUITE(test_e2e_examples_register)

void
test_e2e_examples_register(void)
{
	CU_pSuite	s = CU_add_suite("examples", NULL, NULL);

	CU_add_test(s, "are_imported_for_demo",
	    test_e2e_examples_are_imported_for_demo);
	CU_add_test(s, "wfmctl_import_is_idempotent_and_validates",
	    test_e2e_examples_wfmctl_import_is_idempotent_and_validates);
	CU_add_test(s, "wfmctl_import_checks_workflow_steps",
	    test_e2e_examples_wfmctl_import_checks_workflow_steps);
	CU_add_test(s, "order_pipeline_charges_and_sends_receipt",
	    test_e2e_examples_order_pipeline_charges_and_sends_receipt);
	CU_add_test(s, "order_pipeline_retries_with_one_idempotency_key",
	    test_e2e_examples_order_pipeline_retries_with_one_idempotency_key);
	CU_add_test(s, "order_pipeline_skips_receipt_when_declined",
	    test_e2e_examples_order_pipeline_skips_receipt_when_declined);
	CU_add_test(s, "order_pipeline_fails_at_once_on_402",
	    test_e2e_examples_order_pipeline_fails_at_once_on_402);
	CU_add_test(s, "order_pipeline_input_schema",
	    test_e2e_examples_order_pipeline_input_schema);
	CU_add_test(s, "shipping_quotes_fans_out_and_joins",
	    test_e2e_examples_shipping_quotes_fans_out_and_joins);
	CU_add_test(s, "nightly_report_counts_the_log",
	    test_e2e_examples_nightly_report_counts_the_log);
	CU_add_test(s, "price_each_maps_the_lines",
	    test_e2e_examples_price_each_maps_the_lines);
}
