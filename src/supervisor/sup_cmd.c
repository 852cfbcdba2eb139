/*
 * command steps: run a handler from the handlers directory as a child
 * process in its own process group, feed it stdin and collect stdout and
 * the tail of stderr through non-blocking pipes driven by the
 * supervisor's event loop.
 *
 * Everything the child needs is prepared before fork(); between fork()
 * and execve() the child makes only async-signal-safe calls, because
 * libcurl may run resolver threads in the parent.
 */
#include <sys/types.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common.h"
#include "log.h"
#include "sup_step.h"
#include "tmpl.h"

#define CMD_TIMEOUT_MAX		86400
#define CMD_MAX_GROUPS		256
#define CMD_READS_PER_IO	16	/* reads per pipe per sup_cmd_io */
#define CMD_READS_DRAIN		64	/* reads per pipe once reaped */
#define CMD_RM_DEPTH		32	/* directory levels removed */
#define CMD_NLIMITS		6
#define CMD_NENV		7

enum cmd_why { CMD_WHY_NONE, CMD_WHY_OVERFLOW, CMD_WHY_TIMEOUT,
    CMD_WHY_CANCEL };

struct sup_cmd {
	pid_t		 pid;		/* leader and group id; -1 reaped */
	int		 in_fd, out_fd, err_fd;	/* parent ends, -1 closed */
	char		*in;		/* stdin text */
	size_t		 in_len, in_off;
	char		*out;		/* stdout, NUL-terminated */
	size_t		 out_len, out_cap;
	char		 tail[SUP_CMD_STDERR_MAX];	/* last of stderr */
	size_t		 tail_len;
	int		 tail_cut;	/* older stderr was dropped */
	int		 stopped;	/* killed, maybe in mid-write */
	char		*workdir;	/* NULL once removed */
	int		 setuser;	/* runs as uid, gid */
	uid_t		 uid;
	gid_t		 gid;
	int		 timeout;	/* seconds */
	int64_t		 deadline;	/* monotonic ms */
	int64_t		 kill_at;	/* SIGKILL due; 0: no SIGTERM yet */
	int		 sigkilled;
	enum cmd_why	 why;		/* why we started killing it */
};

/* What the child needs, prepared before fork. */
struct cmd_exec {
	char		*argv[2];
	char		*envp[CMD_NENV + 1];
	const char	*workdir;
	int		 fd[3];		/* child ends of stdin/out/err */
	pid_t		 ppid;
	int		 nlim;
	int		 res[CMD_NLIMITS];
	struct rlimit	 rl[CMD_NLIMITS];
	int		 setuser;
	uid_t		 uid;
	gid_t		 gid;
	int		 ngroups;
	gid_t		 groups[CMD_MAX_GROUPS];
	struct __user_cap_header_struct	caphdr;
	struct __user_cap_data_struct	capnone[2];	/* all zero */
};

/* ^[a-z0-9][a-z0-9_-]*$, at most TMPL_HANDLER_LEN_MAX bytes. */
static int
cmd_name_ok(const char *s)
{
	size_t	i;
	char	ch;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; (ch = s[i]) != '\0'; i++)
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    (i > 0 && (ch == '_' || ch == '-'))))
			return 0;
	return i <= TMPL_HANDLER_LEN_MAX;
}

/* Write "wfm: cannot start handler: <call>: <errno>" to stderr, exit. */
static void __attribute__((noreturn))
cmd_child_fail(const char *call)
{
	char		 buf[256];
	const char	*parts[4];
	size_t		 n = 0, i, k;
	ssize_t		 w;

	parts[0] = "wfm: cannot start handler: ";
	parts[1] = call;
	parts[2] = ": ";
	parts[3] = strerrorname_np(errno);	/* table lookup only */
	if (parts[3] == NULL)
		parts[3] = "unknown error";
	for (i = 0; i < NITEMS(parts); i++)
		for (k = 0; parts[i][k] != '\0' && n < sizeof(buf) - 1; k++)
			buf[n++] = parts[i][k];
	buf[n++] = '\n';
	w = write(STDERR_FILENO, buf, n);	/* nothing to do if it fails */
	(void)w;
	_exit(127);
}

/* The child: set up and execve. Async-signal-safe calls only. */
static void __attribute__((noreturn))
cmd_child(const struct cmd_exec *e)
{
	struct sigaction	sa;
	struct rlimit		rl;
	sigset_t		set;
	int			i, hi[3];
	unsigned		fd;

	if (setpgid(0, 0) == -1)
		cmd_child_fail("setpgid");
	/* Move the pipe ends above 2 first so dup2 never meets itself. */
	for (i = 0; i < 3; i++)
		if ((hi[i] = fcntl(e->fd[i], F_DUPFD, 10)) == -1)
			cmd_child_fail("fcntl");
	for (i = 0; i < 3; i++)
		if (dup2(hi[i], i) == -1)
			cmd_child_fail("dup2");
	if (close_range(3, ~0U, 0) == -1) {
		/* Kernels before 5.9: close one by one (EBADF is fine). */
		if (errno != ENOSYS && errno != EINVAL)
			cmd_child_fail("close_range");
		if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
			cmd_child_fail("getrlimit");
		for (fd = 3; fd < rl.rlim_cur && fd < (1U << 20); fd++)
			(void)close((int)fd);
	}
	/*
	 * Ignored signals and the mask survive execve: give the handler
	 * the defaults. sigaction fails (EINVAL) for SIGKILL, SIGSTOP and
	 * the signals glibc reserves; those need no reset.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (i = 1; i < NSIG; i++)
		(void)sigaction(i, &sa, NULL);
	if (sigemptyset(&set) == -1 ||
	    sigprocmask(SIG_SETMASK, &set, NULL) == -1)
		cmd_child_fail("sigprocmask");
	if (chdir(e->workdir) == -1)
		cmd_child_fail("chdir");
	umask(077);
	for (i = 0; i < e->nlim; i++)
		if (setrlimit(e->res[i], &e->rl[i]) == -1)
			cmd_child_fail("setrlimit");
	if (e->setuser) {
		if (setgroups((size_t)e->ngroups, e->groups) == -1)
			cmd_child_fail("setgroups");
		if (setresgid(e->gid, e->gid, e->gid) == -1)
			cmd_child_fail("setresgid");
		/*
		 * The private directory stays ours; the handler gets it
		 * through its group (we are in it now, so no CAP_CHOWN is
		 * needed), and nothing above it.
		 */
		if (chown(e->workdir, (uid_t)-1, e->gid) == -1)
			cmd_child_fail("chown");
		if (chmod(e->workdir, 0770) == -1)
			cmd_child_fail("chmod");
		if (setresuid(e->uid, e->uid, e->uid) == -1)
			cmd_child_fail("setresuid");
		if (getuid() != e->uid || geteuid() != e->uid ||
		    getgid() != e->gid || getegid() != e->gid) {
			errno = EPERM;
			cmd_child_fail("setresuid");
		}
	}
	/*
	 * No capability reaches the handler: a supervisor that is not
	 * root switches users with ambient capabilities, which a change
	 * between two other users keeps and execve passes on.
	 */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		cmd_child_fail("prctl(PR_CAP_AMBIENT)");
	if (syscall(SYS_capset, &e->caphdr, e->capnone) == -1)
		cmd_child_fail("capset");
	/* After the user switch, which clears the parent-death signal. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		cmd_child_fail("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != e->ppid)
		_exit(127);		/* the supervisor is already gone */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		cmd_child_fail("prctl(PR_SET_NO_NEW_PRIVS)");
	execve(e->argv[0], e->argv, e->envp);
	cmd_child_fail("execve");
}

/* Add resource res limited to v (capped at the current hard limit). */
static int
cmd_limit(struct cmd_exec *e, int res, rlim_t v)
{
	struct rlimit	cur;

	if (getrlimit(res, &cur) == -1) {
		log_warn("getrlimit %d", res);
		return RC_ERR;
	}
	if (cur.rlim_max != RLIM_INFINITY && v > cur.rlim_max)
		v = cur.rlim_max;
	e->res[e->nlim] = res;
	e->rl[e->nlim].rlim_cur = v;
	e->rl[e->nlim].rlim_max = v;
	e->nlim++;
	return RC_OK;
}

static int
cmd_limits(struct cmd_exec *e, const struct sup_cmd_limits *l)
{
	const rlim_t	mb = 1024 * 1024;

	if (cmd_limit(e, RLIMIT_CORE, 0) != RC_OK)
		return RC_ERR;
	if (l->cpu_seconds > 0 &&
	    cmd_limit(e, RLIMIT_CPU, (rlim_t)l->cpu_seconds) != RC_OK)
		return RC_ERR;
	if (l->memory_mb > 0 &&
	    cmd_limit(e, RLIMIT_AS, (rlim_t)l->memory_mb * mb) != RC_OK)
		return RC_ERR;
	if (l->fsize_mb > 0 &&
	    cmd_limit(e, RLIMIT_FSIZE, (rlim_t)l->fsize_mb * mb) != RC_OK)
		return RC_ERR;
	if (l->nofile > 0 &&
	    cmd_limit(e, RLIMIT_NOFILE, (rlim_t)l->nofile) != RC_OK)
		return RC_ERR;
	if (l->nproc > 0 &&
	    cmd_limit(e, RLIMIT_NPROC, (rlim_t)l->nproc) != RC_OK)
		return RC_ERR;
	return RC_OK;
}

/* Resolve the unprivileged user; RC_OK or RC_INVALID with err set. */
static int
cmd_user(struct cmd_exec *e, const char *user, struct errmsg *err)
{
	struct passwd	*pw;

	if (user == NULL || user[0] == '\0') {
		errmsg_set(err, "running as root needs [supervisor] "
		    "cmd_user");
		return RC_INVALID;
	}
	if ((pw = getpwnam(user)) == NULL) {
		errmsg_set(err, "cmd_user \"%s\" does not exist", user);
		return RC_INVALID;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		errmsg_set(err, "cmd_user \"%s\" must not be root",
		    user);
		return RC_INVALID;
	}
	e->setuser = 1;
	e->uid = pw->pw_uid;
	e->gid = pw->pw_gid;
	e->ngroups = CMD_MAX_GROUPS;
	if (getgrouplist(user, pw->pw_gid, e->groups, &e->ngroups) == -1) {
		errmsg_set(err, "cmd_user \"%s\" is in more than %d "
		    "groups", user, CMD_MAX_GROUPS);
		return RC_INVALID;
	}
	return RC_OK;
}

/* 1 when capability cap is in our effective set. */
static int
cmd_have_cap(int cap)
{
	struct __user_cap_header_struct	hdr;
	struct __user_cap_data_struct	data[2];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) == -1)
		return 0;
	return (data[cap / 32].effective & (1U << (cap % 32))) != 0;
}

int
sup_cmd_user_check(const char *user, int as_self, int *switch_user,
    uid_t *uid, gid_t *gid, struct errmsg *err)
{
	struct passwd	*pw;
	int		 can;

	*switch_user = 0;
	can = geteuid() == 0 || (cmd_have_cap(CAP_SETUID) &&
	    cmd_have_cap(CAP_SETGID) && cmd_have_cap(CAP_KILL));
	if (!can) {
		if (as_self)
			return RC_OK;
		errmsg_set(err, "cannot run handlers as \"%s\": the "
		    "supervisor is not root and lacks CAP_SETUID, CAP_SETGID "
		    "and CAP_KILL (see deploy/systemd/wfm-supervisor.service); "
		    "set cmd_run_as_self = true to run them as the "
		    "supervisor's own user, which lets them read its "
		    "secrets", user != NULL ? user : "");
		return RC_INVALID;
	}
	if (user == NULL) {
		errmsg_set(err, "must name the user handlers run as");
		return RC_INVALID;
	}
	if ((pw = getpwnam(user)) == NULL) {
		errmsg_set(err, "user \"%s\" does not exist (create "
		    "it: useradd --system --user-group --no-create-home "
		    "--shell /usr/sbin/nologin %s)", user, user);
		return RC_INVALID;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		errmsg_set(err, "user \"%s\" must not be root", user);
		return RC_INVALID;
	}
	if (pw->pw_uid == geteuid() || pw->pw_uid == getuid()) {
		errmsg_set(err, "user \"%s\" is the supervisor's own: "
		    "handlers need a user of their own", user);
		return RC_INVALID;
	}
	*switch_user = 1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return RC_OK;
}

static void
cmd_close(int *fd)
{
	if (*fd == -1)
		return;
	if (close(*fd) == -1)
		log_warn("close");
	*fd = -1;
}

/* Remove what dfd holds, not following symbolic links. */
static void
cmd_rmtree_at(int dfd, int depth)
{
	DIR		*d;
	struct dirent	*de;
	int		 fd, sub;

	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("fcntl");
		return;
	}
	if ((d = fdopendir(fd)) == NULL) {
		log_warn("fdopendir");
		cmd_close(&fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			continue;
		if (errno != EISDIR) {
			/* Names are the handler's: not in the log. */
			log_warn("unlink in a step directory");
			continue;
		}
		if (depth < CMD_RM_DEPTH) {
			sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			/* The handler may have taken its own permissions. */
			if (sub == -1 && errno == EACCES &&
			    fchmodat(dfd, de->d_name, 0700, 0) == 0)
				sub = openat(dfd, de->d_name, O_RDONLY |
				    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub != -1) {
				cmd_rmtree_at(sub, depth + 1);
				cmd_close(&sub);
			}
		}
		if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) == -1)
			log_warn("rmdir in a step directory");
	}
	if (closedir(d) == -1)
		log_warn("closedir");
}

int
sup_cmd_fsids(uid_t uid, gid_t gid)
{
	(void)setfsgid(gid);
	(void)setfsuid(uid);
	/* An id that cannot be set returns the current one, unchanged. */
	if ((uid_t)setfsuid((uid_t)-1) != uid ||
	    (gid_t)setfsgid((gid_t)-1) != gid) {
		log_warnx("cannot take file-system ids %u:%u", (unsigned)uid,
		    (unsigned)gid);
		return RC_ERR;
	}
	return RC_OK;
}

/*
 * Remove the private directory. What the handler made in it is its own
 * (mode 0700 directories included): removed with its file-system ids,
 * so that no capability beyond switching users is needed.
 */
static void
cmd_rmdir(struct sup_cmd *c)
{
	int	dfd, as = 0;

	if (c->workdir == NULL)
		return;
	if (c->setuser && sup_cmd_fsids(c->uid, c->gid) == RC_OK)
		as = 1;
	dfd = open(c->workdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd == -1 && errno == EACCES && chmod(c->workdir, 0700) == 0)
		dfd = open(c->workdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (dfd != -1) {
		cmd_rmtree_at(dfd, 0);
		cmd_close(&dfd);
	}
	if ((as || c->setuser) &&
	    sup_cmd_fsids(geteuid(), getegid()) != RC_OK)
		fatalx("cannot take back our file-system ids");
	if (rmdir(c->workdir) == -1)
		log_warn("rmdir %s", c->workdir);
	free(c->workdir);
	c->workdir = NULL;
}

void
sup_cmd_free(struct sup_cmd *c)
{
	if (c == NULL)
		return;
	if (c->pid != -1) {
		if (kill(-c->pid, SIGKILL) == -1 && errno != ESRCH)
			log_warn("kill -%d", (int)c->pid);
		while (waitpid(c->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	cmd_close(&c->in_fd);
	cmd_close(&c->out_fd);
	cmd_close(&c->err_fd);
	cmd_rmdir(c);
	free(c->in);
	free(c->out);
	free(c);
}

static int
cmd_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		log_warn("fcntl O_NONBLOCK");
		return RC_ERR;
	}
	return RC_OK;
}

/* Check the spec; RC_OK or RC_INVALID with err set. */
static int
cmd_check(const struct sup_cmd_spec *sp, struct errmsg *err)
{
	const struct sup_cmd_limits	*l = &sp->limits;

	if (!cmd_name_ok(sp->handler)) {
		errmsg_set(err, "handler name is not valid (must match "
		    "^[a-z0-9][a-z0-9_-]*$, at most %d characters)",
		    TMPL_HANDLER_LEN_MAX);
		return RC_INVALID;
	}
	if (sp->handlers_dir == NULL || sp->handlers_dir[0] != '/') {
		errmsg_set(err, "handlers_dir must be an absolute path");
		return RC_INVALID;
	}
	if (sp->work_base == NULL || sp->work_base[0] != '/') {
		errmsg_set(err, "work_base must be an absolute path");
		return RC_INVALID;
	}
	if (sp->timeout_seconds < 1 || sp->timeout_seconds > CMD_TIMEOUT_MAX) {
		errmsg_set(err, "timeout_seconds must be 1..%d",
		    CMD_TIMEOUT_MAX);
		return RC_INVALID;
	}
	if (sp->attempt < 1 || l->cpu_seconds < 0 || l->memory_mb < 0 ||
	    l->fsize_mb < 0 || l->nofile < 0 || l->nproc < 0 ||
	    (sp->stdin_text == NULL && sp->stdin_len > 0)) {
		errmsg_set(err, "attempt or limits out of range");
		return RC_INVALID;
	}
	return RC_OK;
}

/* Find the handler's file; RC_OK, RC_INVALID or RC_ERR with err set. */
static int
cmd_find(const struct sup_cmd_spec *sp, const char *path, struct errmsg *err)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR) {
			errmsg_set(err, "handler \"%s\" not found in %s",
			    sp->handler, sp->handlers_dir);
			return RC_INVALID;
		}
		errmsg_set(err, "handler \"%s\": %s", sp->handler,
		    strerror(errno));
		log_warn("stat %s", path);
		return RC_ERR;
	}
	if (!S_ISREG(st.st_mode)) {
		errmsg_set(err, "handler \"%s\" is not a regular file",
		    sp->handler);
		return RC_INVALID;
	}
	if ((st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0) {
		errmsg_set(err, "handler \"%s\" is not executable",
		    sp->handler);
		return RC_INVALID;
	}
	return RC_OK;
}

int
sup_cmd_start(const struct sup_cmd_spec *sp, struct sup_cmd **out,
    struct errmsg *err)
{
	struct cmd_exec	*e;
	struct sup_cmd	*c = NULL;
	int		 p[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int		 rc, i, syserr = 0;
	pid_t		 pid;

	e = xcalloc(1, sizeof(*e));
	if ((rc = cmd_check(sp, err)) != RC_OK)
		goto out;
	e->argv[0] = xasprintf("%s/%s", sp->handlers_dir, sp->handler);
	if ((rc = cmd_find(sp, e->argv[0], err)) != RC_OK)
		goto out;
	if ((sp->limits.user != NULL || geteuid() == 0) &&
	    (rc = cmd_user(e, sp->limits.user, err)) != RC_OK)
		goto out;
	e->caphdr.version = _LINUX_CAPABILITY_VERSION_3;
	rc = RC_ERR;
	syserr = 1;
	if (cmd_limits(e, &sp->limits) != RC_OK)
		goto out;

	c = xcalloc(1, sizeof(*c));
	c->pid = -1;
	c->in_fd = c->out_fd = c->err_fd = -1;
	c->timeout = sp->timeout_seconds;
	c->workdir = xasprintf("%s/wfm-step-XXXXXX", sp->work_base);
	if (mkdtemp(c->workdir) == NULL) {
		log_warn("mkdtemp %s", c->workdir);
		free(c->workdir);
		c->workdir = NULL;
		goto out;
	}
	c->setuser = e->setuser;
	c->uid = e->uid;
	c->gid = e->gid;
	e->workdir = c->workdir;
	e->envp[0] = xstrdup("PATH=/usr/bin:/bin");
	e->envp[1] = xstrdup("LANG=C.UTF-8");
	e->envp[2] = xasprintf("HOME=%s", c->workdir);
	e->envp[3] = xasprintf("TMPDIR=%s", c->workdir);
	e->envp[4] = xasprintf("WFM_EXECUTION_ID=%s",
	    sp->execution_id != NULL ? sp->execution_id : "");
	e->envp[5] = xasprintf("WFM_STEP_ID=%s",
	    sp->step_id != NULL ? sp->step_id : "");
	e->envp[6] = xasprintf("WFM_ATTEMPT=%d", sp->attempt);
	if (sp->stdin_len > 0) {
		c->in = xmalloc(sp->stdin_len);
		memcpy(c->in, sp->stdin_text, sp->stdin_len);
		c->in_len = sp->stdin_len;
	}
	for (i = 0; i < 3; i++)
		if (pipe2(p[i], O_CLOEXEC) == -1) {
			log_warn("pipe2");
			goto out;
		}
	if (cmd_nonblock(p[0][1]) != RC_OK || cmd_nonblock(p[1][0]) !=
	    RC_OK || cmd_nonblock(p[2][0]) != RC_OK)
		goto out;
	e->fd[0] = p[0][0];
	e->fd[1] = p[1][1];
	e->fd[2] = p[2][1];
	e->ppid = getpid();
	if ((pid = fork()) == -1) {
		log_warn("fork");
		goto out;
	}
	if (pid == 0)
		cmd_child(e);
	/* Both sides set the group, so it exists when either returns. */
	if (setpgid(pid, pid) == -1 && errno != EACCES && errno != ESRCH)
		log_warn("setpgid %d", (int)pid);
	c->pid = pid;
	c->deadline = util_mono_ms() + (int64_t)c->timeout * 1000;
	c->in_fd = p[0][1];
	c->out_fd = p[1][0];
	c->err_fd = p[2][0];
	p[0][1] = p[1][0] = p[2][0] = -1;
	*out = c;
	c = NULL;
	rc = RC_OK;
out:
	if (rc == RC_ERR && syserr)
		errmsg_set(err, "cannot start handler \"%s\": system "
		    "error", sp->handler);
	for (i = 0; i < 3; i++) {
		cmd_close(&p[i][0]);
		cmd_close(&p[i][1]);
	}
	sup_cmd_free(c);
	free(e->argv[0]);
	for (i = 0; i < CMD_NENV; i++)
		free(e->envp[i]);
	free(e);
	return rc;
}

size_t
sup_cmd_pollfds(const struct sup_cmd *c, struct pollfd *pfd, size_t n)
{
	size_t	k = 0;

	if (c->in_fd != -1 && k < n) {
		pfd[k].fd = c->in_fd;
		pfd[k].events = POLLOUT;
		pfd[k++].revents = 0;
	}
	if (c->out_fd != -1 && k < n) {
		pfd[k].fd = c->out_fd;
		pfd[k].events = POLLIN;
		pfd[k++].revents = 0;
	}
	if (c->err_fd != -1 && k < n) {
		pfd[k].fd = c->err_fd;
		pfd[k].events = POLLIN;
		pfd[k++].revents = 0;
	}
	return k;
}

/* SIGTERM the group now, SIGKILL at now + grace; keep the first why. */
static void
cmd_kill(struct sup_cmd *c, enum cmd_why why, int64_t now)
{
	if (c->why == CMD_WHY_NONE)
		c->why = why;
	if (c->pid == -1 || c->kill_at != 0)
		return;
	if (kill(-c->pid, SIGTERM) == -1 && errno != ESRCH)
		log_warn("kill -%d", (int)c->pid);
	c->kill_at = now + SUP_CMD_KILL_GRACE_MS;
}

static void
cmd_write_stdin(struct sup_cmd *c)
{
	ssize_t	n;

	if (c->in_fd == -1)
		return;
	while (c->in_off < c->in_len) {
		n = write(c->in_fd, c->in + c->in_off, c->in_len - c->in_off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			if (errno != EPIPE)
				log_warn("handler %d stdin", (int)c->pid);
			break;
		}
		c->in_off += (size_t)n;
	}
	cmd_close(&c->in_fd);		/* all written, or the reader left */
}

static void
cmd_read_stdout(struct sup_cmd *c, int reads)
{
	ssize_t	n;

	while (c->out_fd != -1 && reads-- > 0) {
		if (c->out_cap - c->out_len < 2) {
			c->out_cap = MIN(MAX(c->out_cap * 2, 65536),
			    (size_t)SUP_STEP_OUTPUT_MAX + 2);
			c->out = xrealloc(c->out, c->out_cap);
		}
		n = read(c->out_fd, c->out + c->out_len,
		    c->out_cap - c->out_len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			if (n == -1)
				log_warn("handler %d stdout", (int)c->pid);
			cmd_close(&c->out_fd);
			return;
		}
		c->out_len += (size_t)n;
		c->out[c->out_len] = '\0';
		if (c->out_len > SUP_STEP_OUTPUT_MAX) {
			cmd_close(&c->out_fd);
			cmd_kill(c, CMD_WHY_OVERFLOW, util_mono_ms());
		}
	}
}

static void
cmd_read_stderr(struct sup_cmd *c, int reads)
{
	char	buf[SUP_CMD_STDERR_MAX];
	size_t	len, keep;
	ssize_t	n;

	while (c->err_fd != -1 && reads-- > 0) {
		n = read(c->err_fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			if (n == -1)
				log_warn("handler %d stderr", (int)c->pid);
			cmd_close(&c->err_fd);
			return;
		}
		len = (size_t)n;
		/* Keep the newest SUP_CMD_STDERR_MAX bytes. */
		keep = MIN(c->tail_len, sizeof(c->tail) - len);
		c->tail_cut |= keep < c->tail_len;
		memmove(c->tail, c->tail + c->tail_len - keep, keep);
		memcpy(c->tail + keep, buf, len);
		c->tail_len = keep + len;
	}
}

void
sup_cmd_io(struct sup_cmd *c)
{
	cmd_write_stdin(c);
	cmd_read_stdout(c, CMD_READS_PER_IO);
	cmd_read_stderr(c, CMD_READS_PER_IO);
}

void
sup_cmd_tick(struct sup_cmd *c, int64_t now)
{
	if (c->pid == -1)
		return;
	if (c->kill_at == 0 && now >= c->deadline)
		cmd_kill(c, CMD_WHY_TIMEOUT, now);
	if (c->kill_at != 0 && !c->sigkilled && now >= c->kill_at) {
		if (kill(-c->pid, SIGKILL) == -1 && errno != ESRCH)
			log_warn("kill -%d", (int)c->pid);
		c->sigkilled = 1;
	}
}

int
sup_cmd_timeout_ms(const struct sup_cmd *c, int64_t now)
{
	int64_t	t;

	if (c->pid == -1 || c->sigkilled)
		return -1;
	t = c->kill_at != 0 ? c->kill_at : c->deadline;
	return t <= now ? 0 : (int)MIN(t - now, (int64_t)INT_MAX);
}

void
sup_cmd_cancel(struct sup_cmd *c)
{
	cmd_kill(c, CMD_WHY_CANCEL, util_mono_ms());
}

/* Fail r with type, retryable and a message ending in the stderr tail. */
static void __attribute__((format(printf, 5, 6)))
cmd_fail(struct sup_cmd *c, struct sup_step_result *r, const char *type,
    int retryable, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[256];
	char	*tail;
	size_t	 off = 0, len = c->tail_len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/*
	 * Whole characters only at the edges, so that replacing invalid
	 * bytes moves nothing a secret split at a cut could match: the
	 * rest of a character whose start was dropped, and one cut short
	 * at the end (a handler killed in mid-write).
	 */
	if (c->tail_cut)
		while (off < len && off < 3 &&
		    ((unsigned char)c->tail[off] & 0xc0) == 0x80)
			off++;
	len = off + util_utf8_cut(c->tail + off, len - off, len - off);
	while (len > off && (c->tail[len - 1] == '\n' ||
	    c->tail[len - 1] == '\r' || c->tail[len - 1] == ' ' ||
	    c->tail[len - 1] == '\t'))
		len--;
	r->err_type = type;
	r->retryable = retryable;
	if (len == off) {
		r->err_msg = xstrdup(msg);
		return;
	}
	tail = sup_step_utf8_dup(c->tail + off, len - off);
	r->err_msg = xasprintf("%s; stderr: %s", msg, tail);
	if (c->tail_cut)
		r->err_cut = strlen(msg) + strlen("; stderr: ");
	r->err_cut_end = c->stopped;
	free(tail);
}

static void
cmd_result(struct sup_cmd *c, int lost, int status,
    struct sup_step_result *r)
{
	const char	*sig;

	memset(r, 0, sizeof(*r));
	c->stopped = c->why != CMD_WHY_NONE || lost || !WIFEXITED(status);
	if (c->why == CMD_WHY_OVERFLOW)
		cmd_fail(c, r, SUP_ERR_OUTPUT_INVALID, 0,
		    "handler stdout exceeds 1 MiB");
	else if (c->why == CMD_WHY_TIMEOUT)
		cmd_fail(c, r, SUP_ERR_TIMEOUT, 1,
		    "handler timed out after %d s", c->timeout);
	else if (c->why == CMD_WHY_CANCEL)
		cmd_fail(c, r, SUP_ERR_CANCELLED, 0, "handler cancelled");
	else if (lost)
		cmd_fail(c, r, SUP_ERR_EXIT_STATUS, 1,
		    "handler exit status was lost");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (c->out_len == 0)
			cmd_fail(c, r, SUP_ERR_OUTPUT_INVALID, 0,
			    "handler wrote nothing to stdout");
		else if (sup_step_json_parse(c->out, c->out_len,
		    &r->output) != RC_OK)
			cmd_fail(c, r, SUP_ERR_OUTPUT_INVALID, 0,
			    "handler stdout is not one JSON value");
	} else if (WIFEXITED(status))
		cmd_fail(c, r, SUP_ERR_EXIT_STATUS,
		    WEXITSTATUS(status) == SUP_CMD_EXIT_TEMPFAIL,
		    "handler exited with status %d", WEXITSTATUS(status));
	else {
		sig = WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) :
		    NULL;
		cmd_fail(c, r, SUP_ERR_EXIT_STATUS, 0,
		    "handler killed by signal %d (SIG%s)",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0,
		    sig != NULL ? sig : "?");
	}
}

int
sup_cmd_reap(struct sup_cmd *c, struct sup_step_result *res)
{
	siginfo_t	si;
	pid_t		p;
	int		status = 0, lost = 0;

	if (c->pid == -1)
		return 0;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    -1) {
		if (errno == EINTR)
			return 0;
		log_warn("waitid %d", (int)c->pid);
		lost = 1;
	} else if (si.si_pid == 0)
		return 0;
	if (!lost) {
		/*
		 * The leader is a zombie, so its pid (the group id) cannot
		 * be reused yet: kill what is left of the group, then reap.
		 */
		if (kill(-c->pid, SIGKILL) == -1 && errno != ESRCH)
			log_warn("kill -%d", (int)c->pid);
		while ((p = waitpid(c->pid, &status, 0)) == -1 &&
		    errno == EINTR)
			;
		if (p == -1) {
			log_warn("waitpid %d", (int)c->pid);
			lost = 1;
		}
	}
	c->pid = -1;
	cmd_read_stdout(c, CMD_READS_DRAIN);
	cmd_read_stderr(c, CMD_READS_DRAIN);
	cmd_close(&c->in_fd);
	cmd_close(&c->out_fd);
	cmd_close(&c->err_fd);
	cmd_result(c, lost, status, res);
	cmd_rmdir(c);
	return 1;
}

pid_t
sup_cmd_pid(const struct sup_cmd *c)
{
	return c->pid;
}

const char *
sup_cmd_workdir(const struct sup_cmd *c)
{
	return c->workdir;
}

int
sup_cmd_drive(struct sup_cmd **cp, struct sup_step_result *res)
{
	sup_cmd_io(*cp);
	sup_cmd_tick(*cp, util_mono_ms());
	memset(res, 0, sizeof(*res));
	if (!sup_cmd_reap(*cp, res))
		return 0;
	sup_cmd_free(*cp);
	*cp = NULL;
	return 1;
}
