/*
 * Handlers run under a user of their own (tests/handlers/e2e-privsep):
 * they cannot read the JWT secret, the secrets key or the database
 * password, cannot signal or ptrace the supervisor and cannot write
 * outside their private directory. And the supervisor refuses to start
 * when it cannot switch users unless told to run handlers as itself.
 *
 * The stack runs handlers as wfm-handler only when it runs as root (it
 * creates the user, deploy/local/stack.sh); otherwise these tests say
 * so and check nothing.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"

#define PRIVSEP_USER	"wfm-handler"

static int
privsep_root(const char *test)
{
	if (geteuid() == 0)
		return 1;
	fprintf(stderr, "\n    %s: not root, handlers run as the stack's "
	    "user: nothing to check\n", test);
	return 0;
}

static void
test_e2e_privsep_handler_is_confined(void)
{
	struct json_object	*doc, *s;
	struct passwd		*pw;
	const char		*var = e2e_var(), *hd;
	char			 input[4096], *tid, *eid;
	pid_t			 sup;

	if (!privsep_root("handler_is_confined"))
		return;
	pw = getpwnam(PRIVSEP_USER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pw);
	hd = getenv("WFM_SUPERVISOR_HANDLERS_DIR");
	CU_ASSERT_PTR_NOT_NULL_FATAL(hd);
	sup = sup_main_pid(0, 10000);
	CU_ASSERT_FATAL(sup > 1);
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"probe\","
	    "\"type\":\"command\",\"handler\":\"e2e-privsep\","
	    "\"input\":{\"r\":\"{{ input.r }}\",\"w\":\"{{ input.w }}\"}}]}",
	    e2e_unique("privsep"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(input, sizeof(input), "{\"r\":\"%s/jwt_secret "
	    "%s/secrets.key %s/db_password\",\"w\":\"%s %s/log %s %s/run/work "
	    "%s/run\"}", var, var, var, var, var, hd, var, var);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	s = sup_step(doc, "probe");
	/* Its own user, not root, not the supervisor's. */
	CU_ASSERT_EQUAL(sup_int(s, "output.uid"), (int64_t)pw->pw_uid);
	CU_ASSERT_EQUAL(sup_int(s, "output.ppid"), (int64_t)sup);
	/* No secret of the service. */
	SUP_STR_EQ(sup_str(s, "output.r0"), "denied");
	SUP_STR_EQ(sup_str(s, "output.r1"), "denied");
	SUP_STR_EQ(sup_str(s, "output.r2"), "denied");
	/* Nowhere to write but its directory. */
	SUP_STR_EQ(sup_str(s, "output.w0"), "denied");
	SUP_STR_EQ(sup_str(s, "output.w1"), "denied");
	SUP_STR_EQ(sup_str(s, "output.w2"), "denied");
	SUP_STR_EQ(sup_str(s, "output.w3"), "denied");
	SUP_STR_EQ(sup_str(s, "output.w4"), "denied");
	SUP_STR_EQ(sup_str(s, "output.home"), "written");
	/* No signal, no ptrace, no look into the supervisor. */
	SUP_STR_EQ(sup_str(s, "output.kill0"), "EPERM");
	SUP_STR_EQ(sup_str(s, "output.term"), "EPERM");
	SUP_STR_EQ(sup_str(s, "output.ptrace"), "EPERM");
	SUP_STR_EQ(sup_str(s, "output.environ"), "denied");
	SUP_STR_EQ(sup_str(s, "output.mem"), "denied");
	CU_ASSERT_EQUAL(kill(sup, 0), 0);
	CU_ASSERT_EQUAL(sup_main_pid(0, 1000), sup);
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * Run "wfm-supervisor -n" as nobody with setpriv options opts and the
 * environment env; its exit status, its output in out.
 */
static int
privsep_check(const char *opts, const char *env, char *out, size_t outlen)
{
	const char	*bin = getenv("WFM_E2E_BIN");
	char		 cmd[2048];
	FILE		*p;
	size_t		 n;
	int		 st;

	snprintf(cmd, sizeof(cmd), "setpriv --reuid=nobody --regid=nogroup "
	    "--clear-groups %s env WFM_SUPERVISOR_SECRETS_KEY_FILE= "
	    "WFM_DATABASE_PASSWORD_FILE= WFM_DATABASE_PASSWORD=x "
	    "WFM_AUTH_JWT_SECRET_FILE= "
	    "WFM_AUTH_JWT_SECRET=0123456789abcdef0123456789abcdef %s "
	    "%s/wfm-supervisor -n -c %s 2>&1", opts, env,
	    bin != NULL ? bin : "build/bin", e2e_conf());
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_e2e_privsep_refuses_to_start_without_switch(void)
{
	static const char	 caps[] = "--inh-caps=+setuid,+setgid,+kill "
	    "--ambient-caps=+setuid,+setgid,+kill";
	char			 out[2048];

	if (!privsep_root("refuses_to_start_without_switch"))
		return;
	/* Not root, no capability, no opt-out: a config error. */
	CU_ASSERT_EQUAL(privsep_check("", "WFM_SUPERVISOR_CMD_RUN_AS_SELF="
	    "false", out, sizeof(out)), 78);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[supervisor] cmd_user: cannot "
	    "run handlers as \"" PRIVSEP_USER "\": the supervisor is not root "
	    "and lacks CAP_SETUID, CAP_SETGID and CAP_KILL"));
	/* One capability short is as bad. */
	CU_ASSERT_EQUAL(privsep_check("--inh-caps=+setuid,+setgid "
	    "--ambient-caps=+setuid,+setgid", "", out, sizeof(out)), 78);
	/* The explicit opt-out. */
	CU_ASSERT_EQUAL(privsep_check("", "WFM_SUPERVISOR_CMD_RUN_AS_SELF="
	    "true", out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "configuration ok"));
	/* The capabilities of the systemd unit are enough. */
	CU_ASSERT_EQUAL(privsep_check(caps, "WFM_SUPERVISOR_CMD_RUN_AS_SELF="
	    "false", out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "configuration ok"));
	/* Refused: the supervisor's own user, root, a user that is not. */
	CU_ASSERT_EQUAL(privsep_check(caps, "WFM_SUPERVISOR_CMD_USER=nobody",
	    out, sizeof(out)), 78);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "is the supervisor's own"));
	CU_ASSERT_EQUAL(privsep_check(caps, "WFM_SUPERVISOR_CMD_USER=root",
	    out, sizeof(out)), 78);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "must not be root"));
	CU_ASSERT_EQUAL(privsep_check(caps, "WFM_SUPERVISOR_CMD_USER="
	    "wfm-no-such-user", out, sizeof(out)), 78);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "does not exist"));
}

E2E_SUITE(test_e2e_hostile_privsep_register)

void
test_e2e_hostile_privsep_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_privsep", NULL, NULL);

	CU_add_test(s, "handler_is_confined",
	    test_e2e_privsep_handler_is_confined);
	CU_add_test(s, "refuses_to_start_without_switch",
	    test_e2e_privsep_refuses_to_start_without_switch);
}
