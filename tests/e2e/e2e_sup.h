/*
 * Helpers shared by the supervisor suites (test_e2e_sup*.c): templates
 * built from printf formats, documents, a scratch directory the handlers
 * (running as an unprivileged user) can write to, and process checks.
 */
#ifndef WFM_E2E_SUP_H
#define WFM_E2E_SUP_H

#include <sys/types.h>
#include <stdint.h>

#include <json-c/json.h>

/* CU_ASSERT_STRING_EQUAL that reports NULL instead of crashing. */
#define SUP_STR_EQ(actual, expected)					\
	CU_ASSERT_STRING_EQUAL((actual) != NULL ? (actual) : "(null)",	\
	    (expected) != NULL ? (expected) : "(null)")

/* Create a template as alice from a printf format; id (owned) or NULL. */
char		*sup_tmpl(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* Start an execution of tid as alice; id (owned) or NULL. */
char		*sup_exec(const char *tid, const char *input);
/* GET the document now (owned) or NULL; *raw gets the body if not NULL. */
struct json_object *sup_get(const char *eid, char **raw);
/* Member at a dotted path ("error_details.type", "steps"), or NULL. */
struct json_object *sup_at(struct json_object *o, const char *path);
const char	*sup_str(struct json_object *o, const char *path);
int64_t		 sup_int(struct json_object *o, const char *path);
/* The plain JSON text of the member at path ("(missing)" if none). */
const char	*sup_json(struct json_object *o, const char *path);
/* The step object with step_id id of a document, or NULL. */
struct json_object *sup_step(struct json_object *doc, const char *id);
/* Keys of object o (at path) joined with ","; sorted. */
const char	*sup_keys(struct json_object *o, const char *path);

/* A scratch directory (mode 0777) for this test run, created once. */
const char	*sup_dir(void);
/* A fresh path "<sup_dir>/<prefix>-<n>" (static buffer per call slot). */
const char	*sup_path(const char *prefix);
/* Wait up to ms for path to hold data; its content (owned) or NULL. */
char		*sup_wait_file(const char *path, int ms);
/* Count lines of path that start with prefix (-1 if unreadable). */
int		 sup_count_lines(const char *path, const char *prefix);
/* Read a file whole (owned) or NULL. */
char		*sup_read(const char *path);

/* Monotonic milliseconds. */
int64_t		 sup_now_ms(void);
void		 sup_sleep_ms(int ms);
/* 1 if pid is a zombie or does not exist. */
int		 sup_pid_dead(pid_t pid);
/* Wait up to ms for kill(pid, 0) to fail with ESRCH; 1 if it did. */
int		 sup_pid_gone(pid_t pid, int ms);
/*
 * The pid of the stack's supervisor (started by wfm-fcgi with the
 * stack's config), waiting up to ms for one other than not; -1 if none.
 */
pid_t		 sup_main_pid(pid_t not, int ms);
/*
 * How long a test waits for wfm-fcgi to start a new supervisor after it
 * killed one: the master doubles its restart delay for a supervisor that
 * died within 60 s of its start, up to 60 s (http_main.c), and the kills
 * of the suites before add up.
 */
#define SUP_RESTART_WAIT_MS	70000

#endif
