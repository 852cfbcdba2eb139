/*
 * Secrets never leave through a step's text: the stderr of a command
 * step that is cancelled, stopped by the execution's timeout or by a
 * failing sibling, or that times out, is stored redacted, and so is a
 * secret split at the edge of the 4 KiB stderr tail (handler
 * tests/handlers/leak-stderr, secret LEAK of alice).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "test_e2e_exec_util.h"

static char	leak_secret[64];

static int
leak_init(void)
{
	const char	*bin = getenv("WFM_E2E_BIN");

	srand((unsigned)getpid());
	snprintf(leak_secret, sizeof(leak_secret), "lk%ld-%06d-zq9",
	    (long)getpid(), rand() % 1000000);
	return e2e_sh("printf '%%s\\n' '%s' | %s/wfmctl -c %s secret set "
	    "alice LEAK >/dev/null", leak_secret, bin != NULL ? bin :
	    "build/bin", e2e_conf()) == 0 ? 0 : -1;
}

/* A template of one leak-stderr step (extra: more of it) and more. */
static char *
leak_tmpl(const char *global, const char *mode, const char *extra,
    const char *more)
{
	return sup_tmpl("{\"name\":\"%s\",%s\"steps\":[{\"id\":\"leak\","
	    "\"type\":\"command\",\"handler\":\"leak-stderr\",%s"
	    "\"input\":{\"s\":\"{{ secrets.LEAK }}\",\"mode\":\"%s\","
	    "\"file\":\"{{ input.file }}\"}}%s]}", e2e_unique("leak"), global,
	    extra, mode, more);
}

static char *
leak_exec(const char *tid, const char *file)
{
	char	input[512];

	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	return sup_exec(tid, input);
}

/*
 * The stored document of eid: neither the secret nor part (its first or
 * last n bytes, n > 0) anywhere in it; returns the document.
 */
static struct json_object *
leak_doc(const char *eid, size_t n)
{
	struct json_object	*doc;
	char			 part[64], *raw = NULL;
	size_t			 len = strlen(leak_secret);

	doc = sup_get(eid, &raw);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_PTR_NULL(strstr(raw, leak_secret));
	if (n > 0) {
		snprintf(part, sizeof(part), "%.*s", (int)n, leak_secret);
		CU_ASSERT_PTR_NULL(strstr(raw, part));
		snprintf(part, sizeof(part), "%s", leak_secret + len - n);
		CU_ASSERT_PTR_NULL(strstr(raw, part));
	}
	free(raw);
	return doc;
}

static void
test_e2e_leak_cancelled_stderr_is_redacted(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("leak-cancel");
	char			*tid, *eid, *p;

	tid = leak_tmpl("", "sleep", "\"timeout_seconds\":120,", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = leak_exec(tid, file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	p = sup_wait_file(file, 15000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	free(p);
	CU_ASSERT_EQUAL(x_cancel(e2e_tok_alice(), eid), 202);
	json_object_put(e2e_wait(e2e_tok_alice(), eid, 20));
	doc = leak_doc(eid, 0);
	SUP_STR_EQ(sup_str(doc, "status"), "cancelled");
	SUP_STR_EQ(sup_str(sup_step(doc, "leak"), "error.message"),
	    "handler cancelled; stderr: before *** after");
	json_object_put(doc);
	free(tid);
	free(eid);
}

static void
test_e2e_leak_execution_timeout_stderr_is_redacted(void)
{
	struct json_object	*doc;
	char			*tid, *eid;

	tid = leak_tmpl("\"global_config\":{\"timeout_seconds\":2},", "sleep",
	    "\"timeout_seconds\":120,", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = leak_exec(tid, sup_path("leak-gtimeout"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	json_object_put(e2e_wait(e2e_tok_alice(), eid, 20));
	doc = leak_doc(eid, 0);
	SUP_STR_EQ(sup_str(doc, "status"), "timed_out");
	SUP_STR_EQ(sup_str(sup_step(doc, "leak"), "error.message"),
	    "handler cancelled; stderr: before *** after");
	json_object_put(doc);
	free(tid);
	free(eid);
}

static void
test_e2e_leak_sibling_failed_stderr_is_redacted(void)
{
	struct json_object	*doc;
	char			*tid, *eid;

	tid = leak_tmpl("", "sleep", "\"timeout_seconds\":120,",
	    ",{\"id\":\"sib\",\"type\":\"command\",\"handler\":\"leak-stderr\","
	    "\"input\":{\"s\":\"x\",\"mode\":\"fail\","
	    "\"file\":\"{{ input.file }}\"}}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = leak_exec(tid, sup_path("leak-sibling"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	json_object_put(e2e_wait(e2e_tok_alice(), eid, 30));
	doc = leak_doc(eid, 0);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "sib");
	SUP_STR_EQ(sup_str(sup_step(doc, "leak"), "status"), "cancelled");
	SUP_STR_EQ(sup_str(sup_step(doc, "leak"), "error.message"),
	    "handler cancelled; stderr: before *** after");
	json_object_put(doc);
	free(tid);
	free(eid);
}

static void
test_e2e_leak_split_at_tail_start_is_masked(void)
{
	static const char	 want[] = "handler exited with status 3; "
	    "stderr: ***ppp";
	struct json_object	*doc;
	const char		*msg;
	char			*tid, *eid;

	tid = leak_tmpl("", "head", "", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = leak_exec(tid, sup_path("leak-head"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	json_object_put(e2e_wait(e2e_tok_alice(), eid, 20));
	doc = leak_doc(eid, 3);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	msg = sup_str(sup_step(doc, "leak"), "error.message");
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT(strncmp(msg, want, strlen(want)) == 0);
	/* The 3 bytes became ***, the 4093 p stayed. */
	CU_ASSERT_EQUAL(strlen(msg), strlen(want) - 3 + 4093);
	msg = sup_str(doc, "error_details.error");
	CU_ASSERT(msg != NULL && strncmp(msg, want, strlen(want)) == 0);
	json_object_put(doc);
	free(tid);
	free(eid);
}

static void
test_e2e_leak_split_at_tail_end_is_masked(void)
{
	struct json_object	*doc;
	const char		*msg;
	char			*tid, *eid;
	size_t			 n;

	tid = leak_tmpl("", "end", "\"timeout_seconds\":2,", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = leak_exec(tid, sup_path("leak-end"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	json_object_put(e2e_wait(e2e_tok_alice(), eid, 20));
	doc = leak_doc(eid, strlen(leak_secret) - 8);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(sup_step(doc, "leak"), "error.type"), "timeout");
	msg = sup_str(sup_step(doc, "leak"), "error.message");
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT(strncmp(msg, "handler timed out after 2 s; stderr: qqq",
	    40) == 0);
	n = strlen(msg);
	CU_ASSERT(n > 4 && strcmp(msg + n - 4, "q***") == 0);
	json_object_put(doc);
	free(tid);
	free(eid);
}

E2E_SUITE(test_e2e_hostile_leak_register)

void
test_e2e_hostile_leak_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_leak", leak_init, NULL);

	CU_add_test(s, "cancelled_stderr_is_redacted",
	    test_e2e_leak_cancelled_stderr_is_redacted);
	CU_add_test(s, "execution_timeout_stderr_is_redacted",
	    test_e2e_leak_execution_timeout_stderr_is_redacted);
	CU_add_test(s, "sibling_failed_stderr_is_redacted",
	    test_e2e_leak_sibling_failed_stderr_is_redacted);
	CU_add_test(s, "split_at_tail_start_is_masked",
	    test_e2e_leak_split_at_tail_start_is_masked);
	CU_add_test(s, "split_at_tail_end_is_masked",
	    test_e2e_leak_split_at_tail_end_is_masked);
}
