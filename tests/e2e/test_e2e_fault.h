/*
 * Helpers shared by the fault suites (test_e2e_fault_*.c): tokens and
 * templates of the fault users, a threaded load of POST /execute (or
 * GET) requests that records every answer, the stack's processes, a
 * root MariaDB session held open over the stack's socket, and
 * deploy/local/stack.sh db-stop / db-start.
 */
#ifndef WFM_TEST_E2E_FAULT_H
#define WFM_TEST_E2E_FAULT_H

#include <sys/types.h>

#include <pthread.h>
#include <stdio.h>

#include "e2e.h"

#define FLT_EXEC_PATH	"/workflow-management/execute"
#define FLT_EXECS_PATH	"/workflow-management/executions"
#define FLT_THREADS_MAX	16

/* NULL-safe CU_ASSERT_STRING_EQUAL. */
#define FLT_STREQ(a, b)							\
	CU_ASSERT_STRING_EQUAL((a) != NULL ? (a) : "(null)",		\
	    (b) != NULL ? (b) : "(null)")

/* One answer of a load run. */
struct flt_shot {
	char	 name[96];	/* execution_name sent (POST) */
	long	 status;	/* 0: transport error or no answer */
	double	 at;		/* flt_now() when it was sent */
	double	 secs;		/* time to the answer */
	int	 retry_after;	/* Retry-After in seconds, -1 if absent */
	int	 phase;		/* flt_load.phase when it was sent */
	int	 n429;		/* quota answers retried before it */
	char	 id[40];	/* execution_id of a 200/202 */
};

/*
 * A load of nthreads threads sending requests until stop, cap or
 * until (monotonic seconds, 0: none) when no new request starts: with
 * tid, POST /execute of a fresh name "<prefix>-<n>"; with get_path, GET
 * of that path. A 429 (the per-user quota) is retried with the same name
 * after 200 ms when retry_429 is set; other answers are final.
 */
struct flt_load {
	const char	*token;
	const char	*tid;
	const char	*get_path;
	const char	*prefix;
	const char	*input;		/* input_data JSON, "{}" if NULL */
	int		 nthreads;
	int		 pace_ms;	/* pause after each answer */
	int		 retry_429;
	double		 until;
	struct flt_shot	*shots;		/* cap entries, caller's */
	int		 cap;
	/* Shared with the threads: under mu. */
	pthread_mutex_t	 mu;
	int		 next;		/* slots handed out */
	int		 done;		/* answers recorded */
	int		 stop;
	int		 phase;
	pthread_t	 th[FLT_THREADS_MAX];
	int		 started;
};

/* A root session of the mariadb client, kept open by its stdin. */
struct flt_sql {
	pid_t	 pid;
	FILE	*in;
	FILE	*out;
};

double		 flt_now(void);
void		 flt_sleep_ms(int ms);

/* A token for user with execute, read and template:write (cached). */
const char	*flt_token(const char *user);
/* base made unique to this run: e2e_run_name. */
#define flt_run		 e2e_run_name
/* Create a template named name with the given "steps" JSON; id (owned). */
char		*flt_template(const char *token, const char *name,
		    const char *steps);
/* The one-step transform template the fault suites execute. */
char		*flt_template_one(const char *token);

/* Retry-After of an answer in seconds, -1 if absent; thread-safe. */
int		 flt_retry_after(const struct resp *);
/*
 * POST /execute {template_id, execution_name, input_data} and record the
 * answer in s (name, status, secs, retry_after, id). Thread-safe.
 */
void		 flt_exec(const char *token, const char *tid, const char *name,
		    const char *input, struct flt_shot *s);
/*
 * flt_exec, retried while the answer is 429 (quota) for up to 30 s;
 * the final status.
 */
long		 flt_exec_settled(const char *token, const char *tid,
		    const char *name, const char *input, struct flt_shot *s);
/* GET the execution's status now (owned string) or NULL; *code the HTTP. */
char		*flt_status(const char *token, const char *id, long *code);
/* Poll until the execution is completed or deadline (flt_now); 1 if so. */
int		 flt_wait_completed(const char *token, const char *id,
		    double deadline);
/* The caller's executions whose name starts with prefix; -1 on error. */
int		 flt_count_prefix(const char *token, const char *prefix);

int		 flt_load_start(struct flt_load *);
void		 flt_load_set_phase(struct flt_load *, int phase);
int		 flt_load_done(struct flt_load *);
/* Stop (no new requests), join the threads; the number of answers. */
int		 flt_load_stop(struct flt_load *);
/* Join the threads once until has passed; the number of answers. */
int		 flt_load_join(struct flt_load *);

/* bash deploy/local/stack.sh cmd (db-stop, db-start); exit status. */
int		 flt_stack(const char *cmd);
/*
 * An integer setting as the programs see it: WFM_<SECTION>_<KEY> from
 * the environment, else the stack's config file, else def.
 */
int		 flt_conf_int(const char *section, const char *key, int def);
/* [database] rw_timeout in effect (default 10). */
int		 flt_rw_timeout(void);
/* The wfm-fcgi master of the stack (its pid file), or -1. */
pid_t		 flt_master(void);
/*
 * Live (non-zombie) children of master named program (comm: "wfm-fcgi"
 * the workers, "wfm-supervisor", "wfm-group" the group writer); up to
 * max pids into out; the count.
 */
int		 flt_children(pid_t master, const char *program, pid_t *out,
		    int max);

/*
 * Open a root session over the stack's socket, send stmts (each ending
 * in ';') and wait up to 10 s until they ran. 0 or -1.
 */
int		 flt_sql_open(struct flt_sql *, const char *stmts);
/* End the session (EOF on its stdin ends it and frees its locks). */
void		 flt_sql_close(struct flt_sql *);
/*
 * Run one query as root; the first line of its output (tab-separated
 * columns) into out; 0 or -1.
 */
int		 flt_sql_line(const char *query, char *out, size_t len);

#endif
