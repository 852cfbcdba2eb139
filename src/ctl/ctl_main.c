/*
 * wfmctl: the admin tool. migrate, token, template import, executions,
 * check-config (and secret set, see ctl_secret.c).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "common.h"
#include "config.h"
#include "ctl.h"
#include "jsonx.h"
#include "log.h"
#include "store.h"
#include "store_exec.h"
#include "store_subwf.h"
#include "store_tmpl.h"
#include "tmpl.h"

#define CTL_FILE_MAX	(4 * 1024 * 1024)
/* Set by the Makefile from PREFIX; where `make install` puts sql/. */
#ifndef SQL_DIR_DEFAULT
#define SQL_DIR_DEFAULT	"/usr/local/share/wfm/sql"
#endif

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: wfmctl [-c config] command\n"
	    "  migrate [--dir DIR]\n"
	    "  token --sub USER --roles a,b [--ttl SECONDS]\n"
	    "  template import FILE --owner USER\n"
	    "  secret set OWNER NAME        (value on stdin)\n"
	    "  executions [--status S] [--limit N]\n"
	    "  tail EXECUTION_ID\n"
	    "  schedules [list | pause ID | resume ID]\n"
	    "  webhooks [--limit N]          (pending and failed deliveries)\n"
	    "  check-config\n");
	exit(2);
}

char *
ctl_read_file(const char *path, size_t max, size_t *len)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char	*buf;
	size_t	 n;

	if (f == NULL)
		err(1, "%s", path);
	buf = xmalloc(max + 1);
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		err(1, "%s", path);
	if (n > max)
		errx(1, "%s: larger than %zu bytes", path, max);
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Apply one migration file. Statements end with ';' at the end of a line;
 * as in the mariadb client, "DELIMITER x" changes that terminator (for
 * trigger bodies that hold ';' themselves). Comment lines are skipped.
 */
static int
apply_file(struct store *st, const char *path)
{
	char	*text, *p, *stmt, *line, *next, delim[16] = ";";
	size_t	 len, n, dl;
	int	 rc = RC_OK;

	text = ctl_read_file(path, CTL_FILE_MAX, &len);
	/*
	 * + 2: every line is copied with a '\n', also a last line that had
	 * none in the file, and then the NUL.
	 */
	stmt = xmalloc(len + 2);
	n = 0;
	for (line = text; line != NULL && rc == RC_OK; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (strncmp(p, "--", 2) == 0 || (*p == '\0' && n == 0))
			continue;
		if (strncmp(p, "DELIMITER ", 10) == 0) {
			snprintf(delim, sizeof(delim), "%s", p + 10);
			continue;
		}
		len = strlen(line);
		while (len > 0 && (line[len - 1] == ' ' ||
		    line[len - 1] == '\t' || line[len - 1] == '\r'))
			line[--len] = '\0';
		dl = strlen(delim);
		if (len >= dl && strcmp(line + len - dl, delim) == 0) {
			line[len - dl] = '\0';
			(void)sprintf(stmt + n, "%s\n", line);
			rc = store_exec_sql(st, stmt);
			n = 0;
		} else
			n += (size_t)sprintf(stmt + n, "%s\n", line);
	}
	free(stmt);
	free(text);
	return rc;
}

static int
cmd_migrate(struct store *st, int argc, char *argv[])
{
	const char	*dir = getenv("WFM_SQL_DIR");
	struct dirent	*de;
	DIR		*d;
	char		**names = NULL, *path;
	size_t		 n = 0, i;
	long long	 have = 0, v;
	int		 rc, applied = 0;

	if (dir == NULL)
		dir = SQL_DIR_DEFAULT;
	if (argc == 2 && strcmp(argv[0], "--dir") == 0)
		dir = argv[1];
	else if (argc != 0)
		usage();
	if ((d = opendir(dir)) == NULL)
		err(1, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		size_t	l = strlen(de->d_name);

		if (l < 8 || strcmp(de->d_name + l - 4, ".sql") != 0 ||
		    de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)	/* qsort(NULL, 0, ...) is undefined (nonnull) */
		qsort(names, n, sizeof(*names), cmp_str);
	/* The first migration creates schema_migrations itself. */
	(void)store_migration_version(st, &have);
	for (i = 0, rc = RC_OK; i < n && rc == RC_OK; i++) {
		v = strtoll(names[i], NULL, 10);
		if (v <= have)
			continue;
		path = xasprintf("%s/%s", dir, names[i]);
		if ((rc = apply_file(st, path)) == RC_OK)
			rc = store_migration_record(st, v, names[i]);
		if (rc == RC_OK) {
			printf("applied %s\n", names[i]);
			applied++;
		} else
			fprintf(stderr, "wfmctl: migration %s failed\n",
			    names[i]);
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == RC_OK && applied == 0)
		printf("schema up to date (version %lld)\n", have);
	return rc == RC_OK ? 0 : 1;
}

static int
cmd_token(const struct config *cfg, int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "sub", required_argument, NULL, 's' },
		{ "roles", required_argument, NULL, 'r' },
		{ "ttl", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*sub = NULL, *roles = "", *why;
	long long	 ttl = 3600;
	char		*tok;
	int		 ch;

	optind = 1;
	while ((ch = getopt_long(argc + 1, argv - 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sub = optarg;
			break;
		case 'r':
			roles = optarg;
			break;
		case 't':
			if (util_number(optarg, 1, 366 * 86400, &ttl, &why) !=
			    RC_OK)
				errx(2, "--ttl %s", why);
			break;
		default:
			usage();
		}
	}
	if (sub == NULL)
		usage();
	if (cfg->auth.jwt_secret == NULL)
		errx(1, "token: needs an HS256 jwt_secret in the configuration");
	if ((tok = auth_token_mint(cfg, sub, roles, (long)ttl)) == NULL)
		return 1;
	printf("%s\n", tok);
	free(tok);
	return 0;
}

/*
 * Store body as a new version of template tid when its definition differs
 * from the stored one (is_public and shared_with are compared too).
 */
static int
import_update(struct store *st, const struct store_actor *who,
    const char *tid, struct json_object *body)
{
	struct store_tmpl_shares sh;
	struct store_tmpl_row	 t;
	struct json_object	*def, *mine, *v;
	size_t			 i;
	int			 rc, same;

	if ((rc = store_tmpl_get(st, who->user, tid, &t)) != RC_OK)
		return rc;
	/* Rebuild the stored body: definition plus is_public, shared_with. */
	def = t.def != NULL ? json_object_get(t.def) :
	    json_object_new_object();
	json_object_object_add(def, "is_public",
	    json_object_new_boolean(t.is_public));
	v = json_object_new_array();
	if (store_tmpl_shares(st, t.pk, &sh) == RC_OK) {
		for (i = 0; i < sh.n; i++)
			json_object_array_add(v,
			    json_object_new_string(sh.v[i]));
		store_tmpl_shares_free(&sh);
	}
	json_object_object_add(def, "shared_with", v);
	mine = json_object_get(body);
	if (!json_object_object_get_ex(mine, "is_public", NULL))
		json_object_object_add(mine, "is_public",
		    json_object_new_boolean(0));
	if (!json_object_object_get_ex(mine, "shared_with", NULL))
		json_object_object_add(mine, "shared_with",
		    json_object_new_array());
	same = jsonx_equal(def, mine);
	rc = same ? RC_OK : store_tmpl_update(st, who, t.pk, tid, body);
	if (!same && rc == RC_OK)
		fprintf(stderr, "wfmctl: %s changed: stored as a new version\n",
		    tid);
	json_object_put(def);
	json_object_put(mine);
	store_tmpl_row_free(&t);
	return rc;
}

/*
 * The templates that the workflow steps of body name, checked as POST
 * .../templates checks them (src/http/http_tmpl.c, workflow_refs): each
 * must exist, owner must be allowed to execute it (owner, public or
 * shared with owner: the rule the supervisor applies at run time; a bare
 * user id has no admin role here), and a pinned version must exist. The
 * API's messages and locs go into ve. RC_OK (ve may hold errors) or a
 * store code.
 */
static int
import_workflow_refs(struct store *st, const char *owner,
    struct json_object *body, struct verr *ve)
{
	struct store_subwf_tmpl	 t;
	struct json_object	*steps, *s, *v;
	struct jpath		 p;
	const char		*type, *tid;
	size_t			 i, n;
	int			 rc = RC_OK;

	if (!json_object_object_get_ex(body, "steps", &steps) ||
	    !json_object_is_type(steps, json_type_array))
		return RC_OK;
	n = json_object_array_length(steps);
	for (i = 0; i < n && rc == RC_OK; i++) {
		s = json_object_array_get_idx(steps, i);
		if (!json_object_object_get_ex(s, "type", &v) ||
		    (type = json_object_get_string(v)) == NULL ||
		    strcmp(type, "workflow") != 0 ||
		    !json_object_object_get_ex(s, "template_id", &v))
			continue;
		tid = json_object_get_string(v);
		jpath_init(&p, "body");
		jpath_key(&p, "steps");
		jpath_idx(&p, (int)i);
		jpath_key(&p, "template_id");
		rc = store_subwf_tmpl(st, owner, tid, 0, &t);
		if (rc == RC_NOTFOUND) {
			rc = RC_OK;
			verr_add(ve, "value_error", &p, "Value error, template "
			    "not found", v, NULL);
			continue;
		}
		if (rc != RC_OK)
			break;
		if (!t.may_execute)
			verr_add(ve, "value_error", &p, "Value error, the "
			    "template's owner may not execute this template",
			    v, NULL);
		else if (json_object_object_get_ex(s, "version", &v) &&
		    json_object_get_int64(v) > t.version) {
			jpath_pop(&p);
			jpath_key(&p, "version");
			verr_add(ve, "value_error", &p, "Value error, the "
			    "template has no such version", v, NULL);
		}
		store_subwf_tmpl_free(&t);
	}
	return rc;
}

static int
cmd_template_import(struct store *st, int argc, char *argv[])
{
	struct store_actor	 who = { NULL, "wfmctl", NULL };
	struct json_object	*body = NULL, *v;
	struct verr		*ve;
	const char		*file = NULL, *msg;
	char			*text, tid[UTIL_UUID_LEN];
	size_t			 len, errpos;
	int			 i, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--owner") == 0 && i + 1 < argc)
			who.user = argv[++i];
		else if (file == NULL)
			file = argv[i];
		else
			usage();
	}
	if (file == NULL || who.user == NULL)
		usage();
	text = ctl_read_file(file, CTL_FILE_MAX, &len);
	if (jsonx_parse(text, len, &body, &errpos, &msg) != RC_OK)
		errx(1, "%s: byte %zu: %s", file, errpos, msg);
	free(text);
	ve = verr_new();
	if (tmpl_validate(body, ve) != RC_OK) {
		fprintf(stderr, "%s: invalid template:\n%s\n", file,
		    json_object_to_json_string_ext(verr_list(ve),
		    JSON_C_TO_STRING_PRETTY));
		exit(1);
	}
	/* Nothing is written unless every workflow step may run. */
	if (import_workflow_refs(st, who.user, body, ve) != RC_OK)
		errx(1, "database error");
	if (verr_count(ve) > 0) {
		fprintf(stderr, "%s: invalid template:\n%s\n", file,
		    json_object_to_json_string_ext(verr_list(ve),
		    JSON_C_TO_STRING_PRETTY));
		exit(1);
	}
	verr_free(ve);
	json_object_object_get_ex(body, "name", &v);
	rc = store_tmpl_by_owner_name(st, who.user, json_object_get_string(v),
	    tid);
	if (rc != RC_OK && rc != RC_NOTFOUND)
		errx(1, "database error");
	if (rc == RC_OK) {
		/* The same name again: a new version only if it changed. */
		rc = import_update(st, &who, tid, body);
		json_object_put(body);
		if (rc != RC_OK)
			errx(1, "database error");
		printf("%s\n", tid);
		return 0;
	}
	if (store_tmpl_create(st, &who, body, tid) != RC_OK)
		errx(1, "database error");
	printf("%s\n", tid);
	json_object_put(body);
	return 0;
}

static int
cmd_executions(struct store *st, int argc, char *argv[])
{
	struct store_exec_filter	 f;
	struct store_exec_list		 l;
	const char			*status = NULL, *why;
	char				 ts[UTIL_TIME_LEN];
	long long			 limit = 50;
	size_t				 i;
	int				 k;

	for (k = 0; k < argc; k++) {
		if (strcmp(argv[k], "--status") == 0 && k + 1 < argc)
			status = argv[++k];
		else if (strcmp(argv[k], "--limit") == 0 && k + 1 < argc) {
			if (util_number(argv[++k], 1, 10000, &limit, &why) !=
			    RC_OK)
				errx(2, "--limit %s", why);
		} else
			usage();
	}
	memset(&f, 0, sizeof(f));
	f.status = status;
	f.before = LLONG_MAX;
	f.limit = limit;
	if (store_exec_list(st, &f, &l) != RC_OK)
		errx(1, "database error");
	printf("%-36s  %-10s  %-24s  %-16s  %s\n", "EXECUTION", "STATUS",
	    "CREATED", "USER", "NAME");
	for (i = 0; i < l.n; i++) {
		util_time_fmt(l.v[i].created_ms, ts);
		printf("%-36s  %-10s  %-24s  %-16s  %s\n", l.v[i].id,
		    l.v[i].status, ts, l.v[i].user, l.v[i].name);
	}
	store_exec_list_free(&l);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct config	*cfg = NULL;
	struct store	*st = NULL;
	struct auth	*a = NULL;
	const char	*conf = NULL, *cmd;
	struct errmsg	 errbuf;
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "+c:h")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	cmd = argv[0];
	argc--;
	argv++;
	if (config_load(conf, &cfg, &errbuf) != RC_OK) {
		fprintf(stderr, "wfmctl: %s\n", errbuf.text);
		return EX_CONFIG_CODE;
	}
	log_init("wfmctl", (enum log_level)cfg->log.level, "stderr");
	if (strcmp(cmd, "check-config") == 0) {
		if (auth_open(cfg, &a, &errbuf) != RC_OK) {
			fprintf(stderr, "wfmctl: %s: [auth] %s\n", cfg->path,
			    errbuf.text);
			config_free(cfg);
			return EX_CONFIG_CODE;
		}
		auth_close(a);
		printf("%s: configuration ok\n", cfg->path);
		config_free(cfg);
		return 0;
	}
	if (strcmp(cmd, "token") == 0) {
		rc = cmd_token(cfg, argc, argv);
		config_free(cfg);
		return rc;
	}
	st = store_open(cfg);
	if (strcmp(cmd, "migrate") == 0)
		rc = cmd_migrate(st, argc, argv);
	else if (strcmp(cmd, "template") == 0 && argc >= 1 &&
	    strcmp(argv[0], "import") == 0)
		rc = cmd_template_import(st, argc - 1, argv + 1);
	else if (strcmp(cmd, "secret") == 0 && argc == 3 &&
	    strcmp(argv[0], "set") == 0)
		rc = ctl_secret_set(cfg, st, argv[1], argv[2]);
	else if (strcmp(cmd, "executions") == 0)
		rc = cmd_executions(st, argc, argv);
	else if (strcmp(cmd, "schedules") == 0)
		rc = ctl_schedules(st, argc, argv);
	else if (strcmp(cmd, "tail") == 0 && argc == 1)
		rc = ctl_tail(st, argv[0]);
	else if (strcmp(cmd, "webhooks") == 0)
		rc = ctl_webhooks(st, argc, argv);
	else
		usage();
	store_close(st);
	config_free(cfg);
	return rc;
}
