/*
 * wfm-fcgi: the FastCGI application. A master process opens the listening
 * socket, preforks fcgi.workers responders, replaces any that die or
 * retire after fcgi.max_requests, drains on SIGTERM, reloads on SIGHUP,
 * and spawns (and restarts) the supervisor when supervisor.spawn is true.
 * The listening socket comes from systemd socket activation (fd 3), else
 * from [fcgi] listen, else it is fd 0 (spawn-fcgi, mod_fcgid); started
 * without any FastCGI socket it answers one request as plain CGI.
 */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "common.h"
#include "config.h"
#include "http.h"
#include "http_int.h"
#include "log.h"
#include "metrics.h"
#include "store.h"

#define WORKERS_MAX		1024
#define DRAIN_SECONDS		20
#define SUP_BACKOFF_MAX_S	60
#define SD_LISTEN_FDS_START	3	/* first fd passed by systemd */

struct worker {
	pid_t	pid;
	int	gen;		/* configuration generation */
};

static volatile sig_atomic_t	worker_stop;

static void
on_worker_term(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/*
 * Per-request state of the I/O functions below: the FastCGI request (NULL
 * for plain CGI), whether the response head went out, and the body bytes
 * read so far.
 */
struct io_ctx {
	FCGX_Request	*req;
	int		 head_sent;
	long long	 body_read;
};

/*
 * CGI's rule for Location (RFC 3875 6.2.2, applied by Apache's mod_cgi,
 * mod_cgid and mod_fcgid, not by mod_proxy_fcgi nor nginx): a status 200
 * with a Location that is a path is a "local redirect": the server drops
 * the body and serves that path with GET instead; with any other Location
 * it sends a 302. Our API answers 200 with a Location (an idempotent
 * replay, Prefer: wait), which would be lost behind those modules. So when
 * the web server names another header in the request variable
 * WFM_CGI_LOCATION_HEADER (the Apache CGI and mod_fcgid recipes do, with
 * SetEnv), the Location of a 200 goes out under that name, and the
 * recipe's mod_headers line renames it back once the module is done.
 * Returns the new head (owned, length in *outlen), or NULL when the head
 * stays as it is.
 */
#define LOCATION_AS_PARAM	"WFM_CGI_LOCATION_HEADER"
#define LOCATION_AS_MAX		64

static char *
head_location_as(const char *as, const char *buf, size_t n, size_t *outlen)
{
	static const char	 status[] = "Status: 200 ";
	static const char	 loc[] = "\r\nLocation:";
	const char		*end, *p;
	size_t			 an, i, pre;
	char			*out;

	if (as == NULL || n < sizeof(status) - 1 ||
	    memcmp(buf, status, sizeof(status) - 1) != 0)
		return NULL;
	if ((an = strlen(as)) == 0 || an > LOCATION_AS_MAX)
		return NULL;
	for (i = 0; i < an; i++)
		if (!isalnum((unsigned char)as[i]) && as[i] != '-')
			return NULL;
	/* Only in the head: up to and with the CRLF of its last line. */
	if ((end = memmem(buf, n, "\r\n\r\n", 4)) == NULL ||
	    (p = memmem(buf, (size_t)(end - buf) + 2, loc, sizeof(loc) - 1)) ==
	    NULL)
		return NULL;
	pre = (size_t)(p - buf) + 2;		/* up to "Location" */
	*outlen = n - 8 + an;
	out = xmalloc(*outlen);
	memcpy(out, buf, pre);
	memcpy(out + pre, as, an);
	memcpy(out + pre + an, buf + pre + 8, n - pre - 8);
	return out;
}

/* FastCGI I/O. */
static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((struct io_ctx *)ctx)->req->envp);
}

static ssize_t
fcgi_read(void *ctx, char *buf, size_t n)
{
	struct io_ctx	*c = ctx;
	int		 len = n > 65536 ? 65536 : (int)n;
	int		 r;

	if ((r = FCGX_GetStr(buf, len, c->req->in)) > 0)
		c->body_read += r;
	return r;
}

static int
fcgi_write(void *ctx, const char *buf, size_t n)
{
	struct io_ctx	*c = ctx;
	char		*head = NULL;
	size_t		 hn;
	int		 rc = RC_OK;

	if (!c->head_sent) {
		c->head_sent = 1;
		if ((head = head_location_as(fcgi_param(c, LOCATION_AS_PARAM),
		    buf, n, &hn)) != NULL) {
			buf = head;
			n = hn;
		}
	}
	if (FCGX_PutStr(buf, (int)n, c->req->out) != (int)n)
		rc = RC_ERR;
	free(head);
	return rc;
}

/* Plain CGI I/O: environment, stdin, stdout. */
static const char *
cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static ssize_t
cgi_read(void *ctx, char *buf, size_t n)
{
	struct io_ctx	*c = ctx;
	ssize_t		 r;

	do
		r = read(STDIN_FILENO, buf, n);
	while (r == -1 && errno == EINTR);
	if (r > 0)
		c->body_read += r;
	return r;
}

static int
cgi_write_all(const char *buf, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(STDOUT_FILENO, buf, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return RC_ERR;
		buf += w;
		n -= (size_t)w;
	}
	return RC_OK;
}

static int
cgi_write(void *ctx, const char *buf, size_t n)
{
	struct io_ctx	*c = ctx;
	char		*head = NULL;
	size_t		 hn;
	int		 rc;

	if (!c->head_sent) {
		c->head_sent = 1;
		if ((head = head_location_as(getenv(LOCATION_AS_PARAM), buf,
		    n, &hn)) != NULL) {
			buf = head;
			n = hn;
		}
	}
	rc = cgi_write_all(buf, n);
	free(head);
	return rc;
}

/* An unbound datagram socket for nudging the local supervisor. */
static int
nudge_open(const struct config *cfg)
{
	int	fd;

	if (cfg->sup.nudge_socket == NULL)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		log_warn("nudge socket");
	return fd;
}

static void
app_init(struct http_app *app, const struct config *cfg,
    const struct group_addr *ga)
{
	struct errmsg	err;

	memset(app, 0, sizeof(*app));
	app->cfg = cfg;
	app->group = cfg->fcgi.group_inserts && ga != NULL && ga->len > 0 ?
	    ga : NULL;
	app->group_fd = -1;
	if (auth_open(cfg, &app->auth, &err) != RC_OK)
		fatalx("%s: [auth] %s", cfg->path, err.text);
	app->st = store_open(cfg);
	app->rd = store_open_read(cfg);
	app->nudge_fd = nudge_open(cfg);
}

static void
app_fini(struct http_app *app)
{
	store_close(app->st);
	store_close(app->rd);
	auth_close(app->auth);
	if (app->nudge_fd != -1)
		close(app->nudge_fd);
	if (app->group_fd != -1)
		close(app->group_fd);
}

/*
 * One request as plain CGI. The rest of a CONTENT_LENGTH body is read and
 * dropped before exiting (up to max_body_bytes): a CGI program that
 * answers without reading its body (401, 403, 415) and exits makes the
 * server's write to its stdin fail, and Apache's mod_cgid then drops the
 * answer. Without CONTENT_LENGTH nothing is drained (stdin may be a
 * terminal).
 */
static void
serve_cgi(const struct config *cfg)
{
	struct http_app	 app;
	struct io_ctx	 c = { NULL, 0, 0 };
	struct http_io	 io = { cgi_param, cgi_read, cgi_write, &c };
	const char	*cl, *why;
	char		 buf[8192];
	long long	 want = -1, left;
	ssize_t		 r;

	app_init(&app, cfg, NULL);
	http_cursor_key_init(cfg);
	http_serve(&app, &io);
	if ((cl = getenv("CONTENT_LENGTH")) == NULL ||
	    util_number(cl, 0, HTTP_CONTENT_LENGTH_MAX, &want, &why) != RC_OK)
		want = 0;
	left = MIN((long long)cfg->http.max_body_bytes, want - c.body_read);
	while (left > 0 && (r = cgi_read(&c, buf,
	    (size_t)MIN(left, (long long)sizeof(buf)))) > 0)
		left -= r;
	app_fini(&app);
}

/*
 * Wait until a connection (or, on a kept connection, the next request)
 * can be read, with SIGTERM and SIGINT deliverable only here: a stop
 * signal interrupts the wait and never a request's own reads, which
 * libfcgi does not retry on EINTR (a SIGHUP reload under load used to
 * lose the request being read: nginx answered 502). The listening
 * socket is in an epoll set with EPOLLEXCLUSIVE, so one connection
 * wakes one idle worker, not all of them.
 * Returns RC_OK when something is ready, RC_AGAIN when interrupted,
 * RC_ERR on a failed syscall (logged).
 */
static int
accept_wait(int ep, int kept_fd, const sigset_t *open_mask)
{
	struct epoll_event	ev;
	struct pollfd		pfd = { kept_fd, POLLIN, 0 };
	int			n;

	if (kept_fd >= 0)
		n = ppoll(&pfd, 1, NULL, open_mask);
	else
		n = epoll_pwait(ep, &ev, 1, -1, open_mask);
	if (n > 0)
		return RC_OK;
	if (n == -1 && errno == EINTR)
		return RC_AGAIN;
	log_warn(kept_fd >= 0 ? "ppoll" : "epoll_pwait");
	return RC_ERR;
}

/*
 * End the request. libfcgi closes a connection gracefully: shutdown(),
 * then it reads until the web server closes its end (up to 2 s), so that
 * a server still sending the request body gets no EPIPE (nginx answers
 * that with 502) and a TCP peer no reset that loses the answer. That
 * wait costs a wake-up and three system calls per request. When the
 * request was read whole (its body, then the empty record that ends
 * stdin, which the server sends with it), the server does not ask to
 * keep the connection and nothing is left unread in the socket, the
 * server has sent everything: a plain close loses nothing.
 */
static void
finish(struct io_ctx *c)
{
	FCGX_Request	*req = c->req;
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", req->envp);
	const char	*why;
	long long	 want = 0;
	int		 pending = -1;

	if (cl != NULL && *cl != '\0' &&
	    util_number(cl, 0, HTTP_CONTENT_LENGTH_MAX, &want, &why) != RC_OK)
		want = -1;
	if (!req->keepConnection && c->body_read == want &&
	    FCGX_GetChar(req->in) == EOF && FCGX_HasSeenEOF(req->in) == EOF &&
	    ioctl(req->ipcFd, FIONREAD, &pending) == 0 && pending == 0)
		(void)FCGX_Detach(req);
	FCGX_Finish_r(req);
}

/* A responder process: accept, serve, repeat; exits when told or retired. */
static void __attribute__((noreturn))
worker_main(const struct config *cfg, int lfd, const struct group_addr *ga)
{
	struct epoll_event	ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };
	struct http_app		app;
	FCGX_Request		req;
	struct io_ctx		c = { &req, 0, 0 };
	struct http_io		io = { fcgi_param, fcgi_read, fcgi_write, &c };
	sigset_t		open_mask;
	long			served = 0;
	int			ep, fl, rc;

	/* Stop signals are held everywhere but in accept_wait(). */
	http_child_signals(on_worker_term, &open_mask);

	/* Accept never blocks: a connection another worker took is EAGAIN. */
	if ((fl = fcntl(lfd, F_GETFL)) == -1 ||
	    fcntl(lfd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("fcntl O_NONBLOCK");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	ev.data.fd = lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		fatal("epoll_ctl");

	app_init(&app, cfg, ga);
	if (FCGX_Init() != 0)
		fatalx("FCGX_Init failed");
	if (FCGX_InitRequest(&req, lfd, 0) != 0)
		fatalx("FCGX_InitRequest failed");
	while (!worker_stop) {
		if ((rc = accept_wait(ep, req.ipcFd, &open_mask)) == RC_AGAIN)
			continue;
		if (rc != RC_OK)
			break;
		if (FCGX_Accept_r(&req) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			log_warn("FCGX_Accept_r");
			break;
		}
		c.head_sent = 0;
		c.body_read = 0;
		http_serve(&app, &io);
		finish(&c);
		if (cfg->fcgi.max_requests > 0 &&
		    ++served >= cfg->fcgi.max_requests)
			break;
	}
	FCGX_Free(&req, 0);
	(void)close(ep);
	app_fini(&app);
	_exit(0);
}

/* Listening socket from [fcgi] listen: a unix path, host:port or :port. */
static int
listen_open(const struct config *cfg)
{
	struct sockaddr_un	 sun;
	const char		*l = cfg->fcgi.listen;
	int			 fd;

	if (l[0] != '/') {
		if ((fd = FCGX_OpenSocket(l, cfg->fcgi.backlog)) == -1)
			fatalx("%s: cannot listen on %s", cfg->path, l);
		return fd;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(l) >= sizeof(sun.sun_path))
		fatalx("%s: [fcgi] listen: path too long", cfg->path);
	strcpy(sun.sun_path, l);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		fatal("socket");
	if (unlink(l) == -1 && errno != ENOENT)
		fatal("unlink %s", l);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("bind %s", l);
	if (chmod(l, (mode_t)cfg->fcgi.socket_mode) == -1)
		fatal("chmod %s", l);
	if (listen(fd, cfg->fcgi.backlog) == -1)
		fatal("listen %s", l);
	return fd;
}

/*
 * Socket activation without libsystemd (the sd_listen_fds(3) protocol):
 * when LISTEN_PID is our pid and LISTEN_FDS is at least 1, the listening
 * socket is fd 3. The variables are removed either way, so that the
 * supervisor we exec does not take them for its own. Returns the fd, or
 * -1 when we were not socket-activated; exits when fd 3 is no socket.
 */
static int
listen_fds(void)
{
	const char	*pid = getenv("LISTEN_PID");
	const char	*fds = getenv("LISTEN_FDS");
	const char	*why;
	long long	 p, n;
	struct stat	 sb;
	int		 fd = -1;

	if (pid != NULL && fds != NULL &&
	    util_number(pid, 1, INT32_MAX, &p, &why) == RC_OK &&
	    (pid_t)p == getpid()) {
		if (util_number(fds, 1, 64, &n, &why) != RC_OK)
			fatalx("LISTEN_FDS '%s' %s", fds, why);
		if (n > 1)
			log_warnx("LISTEN_FDS=%lld: only fd %d is used", n,
			    SD_LISTEN_FDS_START);
		fd = SD_LISTEN_FDS_START;
		if (fstat(fd, &sb) == -1 || !S_ISSOCK(sb.st_mode))
			fatalx("LISTEN_FDS: fd %d is not a socket", fd);
	}
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	return fd;
}

struct master {
	const char	*conf_arg;
	struct config	*cfg;
	int		 lfd;
	char		*sock_path;	/* unix socket we bound, unlinked at exit */
	int		 gen;
	struct worker	 w[WORKERS_MAX];
	int		 nw;
	int		 gfd;		/* the group writer's socket; -1 */
	struct group_addr gaddr;
	pid_t		 group_pid;
	int64_t		 group_next;	/* earliest (re)start, monotonic ms */
	pid_t		 sup_pid;
	int64_t		 sup_started;	/* monotonic ms */
	int64_t		 sup_next;	/* earliest restart, monotonic ms */
	int		 sup_backoff;	/* seconds */
	char		*self;		/* path of this executable */
};

/*
 * In a worker: SIGTERM when the master dies, so that a master killed
 * with SIGKILL leaves no worker serving the old socket (under systemd
 * the cgroup is killed anyway; spawn-fcgi and cron have no such net).
 * A master that died before the call is seen through getppid(). The
 * supervisor follows the master its own way (-p). Exits on failure.
 */
static void
child_follow_master(pid_t master)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) == -1) {
		log_warn("prctl(PR_SET_PDEATHSIG)");
		_exit(1);
	}
	if (getppid() != master)
		_exit(0);
}

/* Fork a responder for worker position slot (also its metrics slot). */
static pid_t
spawn_worker(struct master *m, int slot)
{
	pid_t	pid, master = getpid();

	if ((pid = fork()) == -1) {
		log_warn("fork");
		return -1;
	}
	if (pid == 0) {
		child_follow_master(master);
		metrics_slot(slot);
		http_wait_slot(slot);
		if (m->gfd != -1)
			(void)close(m->gfd);
		worker_main(m->cfg, m->lfd, &m->gaddr);
	}
	return pid;
}

static void
fill_workers(struct master *m)
{
	int	i, live = 0;
	pid_t	pid;

	for (i = 0; i < m->nw; i++)
		if (m->w[i].pid > 0 && m->w[i].gen == m->gen)
			live++;
	while (live < m->cfg->fcgi.workers) {
		for (i = 0; i < WORKERS_MAX && m->w[i].pid > 0; i++)
			;
		if (i == WORKERS_MAX)
			return;
		if ((pid = spawn_worker(m, i)) == -1)
			return;
		m->w[i].pid = pid;
		m->w[i].gen = m->gen;
		if (i >= m->nw)
			m->nw = i + 1;
		live++;
	}
}

/* Fork the group writer (http_group.c) when it is on and due. */
static void
spawn_group(struct master *m)
{
	pid_t	pid, master = getpid();

	if (!m->cfg->fcgi.group_inserts || m->gfd == -1 || m->group_pid > 0 ||
	    util_mono_ms() < m->group_next)
		return;
	if ((pid = fork()) == -1) {
		log_warn("fork");
		return;
	}
	if (pid == 0) {
		child_follow_master(master);
		metrics_slot(WORKERS_MAX);	/* the one after the workers' */
		if (m->lfd != -1)
			(void)close(m->lfd);
		http_group_main(m->cfg, m->gfd);
	}
	m->group_pid = pid;
	/* A writer that dies at once is started again a second later. */
	m->group_next = util_mono_ms() + 1000;
}

static char *
sup_program(struct master *m)
{
	char	*dir, *slash;

	if (m->cfg->sup.program != NULL)
		return xstrdup(m->cfg->sup.program);
	dir = xstrdup(m->self);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	slash = xasprintf("%s/wfm-supervisor", dir);
	free(dir);
	return slash;
}

static void
spawn_supervisor(struct master *m)
{
	char		*prog, mpid[24];
	sigset_t	 none;
	pid_t		 pid, master = getpid();

	if (!m->cfg->sup.spawn || m->sup_pid > 0 ||
	    util_mono_ms() < m->sup_next)
		return;
	prog = sup_program(m);
	if ((pid = fork()) == -1) {
		log_warn("fork");
		free(prog);
		return;
	}
	if (pid == 0) {
		/* -p: it stops when we die (wfm-supervisor(8)). */
		snprintf(mpid, sizeof(mpid), "%ld", (long)master);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(m->lfd);
		execl(prog, "wfm-supervisor", "-c", m->cfg->path, "-p", mpid,
		    (char *)NULL);
		log_warn("exec %s", prog);
		_exit(127);
	}
	log_info("supervisor started: pid %ld", (long)pid);
	m->sup_pid = pid;
	m->sup_started = util_mono_ms();
	free(prog);
}

static void
reap(struct master *m)
{
	int	status, i;
	pid_t	pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == m->group_pid) {
			m->group_pid = 0;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				log_warnx("group writer pid %ld exited "
				    "(status %d)", (long)pid, status);
			continue;
		}
		if (pid == m->sup_pid) {
			m->sup_pid = 0;
			/* Restart with backoff; reset after a good run. */
			if (util_mono_ms() - m->sup_started > 60000)
				m->sup_backoff = 1;
			else
				m->sup_backoff = m->sup_backoff == 0 ? 1 :
				    MIN(m->sup_backoff * 2, SUP_BACKOFF_MAX_S);
			m->sup_next = util_mono_ms() + m->sup_backoff * 1000;
			log_warnx("supervisor pid %ld exited (status %d); "
			    "restart in %d s", (long)pid, status,
			    m->sup_backoff);
			continue;
		}
		for (i = 0; i < m->nw; i++)
			if (m->w[i].pid == pid) {
				m->w[i].pid = 0;
				/* A worker killed mid-wait frees its slot. */
				http_wait_clear(i);
				if (WIFSIGNALED(status))
					log_warnx("worker %ld killed by "
					    "signal %d", (long)pid,
					    WTERMSIG(status));
			}
	}
}

static void
signal_all(struct master *m, int sig, int only_old_gen)
{
	int	i;

	for (i = 0; i < m->nw; i++)
		if (m->w[i].pid > 0 && (!only_old_gen || m->w[i].gen != m->gen))
			kill(m->w[i].pid, sig);
}

static int
children_left(struct master *m)
{
	int	i, n = (m->sup_pid > 0) + (m->group_pid > 0);

	for (i = 0; i < m->nw; i++)
		n += m->w[i].pid > 0;
	return n;
}

static void
reload(struct master *m)
{
	struct config	*nc = NULL;
	struct errmsg	 err;

	if (config_load(m->conf_arg, &nc, &err) != RC_OK) {
		log_warnx("reload refused: %s", err.text);
		return;
	}
	/* Old workers keep the old config until they exit: keep it alive. */
	m->cfg = nc;
	http_cursor_key_init(nc);
	m->gen++;
	fill_workers(m);
	signal_all(m, SIGTERM, 1);
	if (m->sup_pid > 0)
		kill(m->sup_pid, SIGHUP);
	/* The writer starts again on the new configuration. */
	if (m->group_pid > 0)
		kill(m->group_pid, SIGTERM);
	m->group_next = 0;
	log_info("configuration reloaded (generation %d)", m->gen);
}

static void
shutdown_all(struct master *m)
{
	int64_t			 deadline, sup_deadline;
	struct timespec		 ts = { 0, 100 * 1000 * 1000 };

	log_info("draining");
	signal_all(m, SIGTERM, 0);
	if (m->sup_pid > 0)
		kill(m->sup_pid, SIGTERM);
	/* It answers what it holds; a worker after it inserts alone. */
	if (m->group_pid > 0)
		kill(m->group_pid, SIGTERM);
	/*
	 * Workers get DRAIN_SECONDS to finish their requests; the supervisor
	 * gets its own grace period plus time to release its leases, so
	 * that another supervisor can take over at once.
	 */
	deadline = util_mono_ms() + DRAIN_SECONDS * 1000;
	sup_deadline = util_mono_ms() + MAX(DRAIN_SECONDS,
	    m->cfg->sup.grace_seconds + 5) * 1000LL;
	while (children_left(m) > 0 && util_mono_ms() < MAX(deadline,
	    sup_deadline)) {
		if (util_mono_ms() >= deadline)
			signal_all(m, SIGKILL, 0);
		nanosleep(&ts, NULL);
		reap(m);
		if (children_left(m) == (m->sup_pid > 0) + (m->group_pid > 0) &&
		    util_mono_ms() >= sup_deadline)
			break;
	}
	if (children_left(m) > 0) {
		signal_all(m, SIGKILL, 0);
		if (m->sup_pid > 0)
			kill(m->sup_pid, SIGKILL);
		if (m->group_pid > 0)
			kill(m->group_pid, SIGKILL);
		while (children_left(m) > 0) {
			nanosleep(&ts, NULL);
			reap(m);
		}
	}
	/*
	 * Only a socket we bound ourselves: not one handed to us, and not
	 * a path a reload put in the configuration.
	 */
	if (m->sock_path != NULL)
		(void)unlink(m->sock_path);
	log_info("stopped");
}

static int
master_main(struct master *m)
{
	sigset_t	set;
	siginfo_t	si;
	struct timespec	tick = { 1, 0 };
	int		sig;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	/*
	 * One slot per worker position, shared by every generation, and
	 * the group writer's.
	 */
	if (metrics_init(WORKERS_MAX + 1) != RC_OK)
		fatalx("cannot map the metrics segment");
	if (http_wait_init(WORKERS_MAX) != RC_OK)
		fatalx("cannot map the waiter slots");
	http_cursor_key_init(m->cfg);
	/* Made whether on or not: a reload may turn it on. */
	m->gfd = http_group_listen(&m->gaddr);
	fill_workers(m);
	spawn_group(m);
	spawn_supervisor(m);
	log_info("serving with %d workers", m->cfg->fcgi.workers);
	for (;;) {
		sig = sigtimedwait(&set, &si, &tick);
		if (sig == -1 && errno != EAGAIN && errno != EINTR)
			fatal("sigtimedwait");
		if (sig == SIGTERM || sig == SIGINT) {
			shutdown_all(m);
			return 0;
		}
		if (sig == SIGHUP)
			reload(m);
		reap(m);
		fill_workers(m);
		spawn_group(m);
		spawn_supervisor(m);
	}
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: wfm-fcgi [-n] [-c config]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct master	 m;
	struct errmsg	 err;
	int		 ch, check = 0;
	struct auth	*a = NULL;

	memset(&m, 0, sizeof(m));
	m.lfd = -1;
	m.gfd = -1;
	while ((ch = getopt(argc, argv, "c:nh")) != -1) {
		switch (ch) {
		case 'c':
			m.conf_arg = optarg;
			break;
		case 'n':
			check = 1;
			break;
		default:
			usage();
		}
	}
	if (config_load(m.conf_arg, &m.cfg, &err) != RC_OK) {
		fprintf(stderr, "wfm-fcgi: %s\n", err.text);
		return EX_CONFIG_CODE;
	}
	if (auth_open(m.cfg, &a, &err) != RC_OK) {
		fprintf(stderr, "wfm-fcgi: %s: [auth] %s\n", m.cfg->path,
		    err.text);
		return EX_CONFIG_CODE;
	}
	auth_close(a);
	if (check) {
		printf("%s: configuration ok\n", m.cfg->path);
		return 0;
	}
	log_init("wfm-fcgi", (enum log_level)m.cfg->log.level,
	    m.cfg->log.target);
	if ((m.lfd = listen_fds()) != -1) {
		/* systemd's socket wins over [fcgi] listen. */
		if (m.cfg->fcgi.listen != NULL)
			log_info("socket-activated: [fcgi] listen %s not used",
			    m.cfg->fcgi.listen);
	} else if (m.cfg->fcgi.listen == NULL) {
		if (FCGX_IsCGI()) {
			serve_cgi(m.cfg);
			return 0;
		}
		m.lfd = 0;	/* handed by spawn-fcgi or mod_fcgid */
	} else {
		m.lfd = listen_open(m.cfg);
		if (m.cfg->fcgi.listen[0] == '/')
			m.sock_path = xstrdup(m.cfg->fcgi.listen);
	}
	if ((m.self = realpath("/proc/self/exe", NULL)) == NULL)
		m.self = xstrdup(argv[0]);
	return master_main(&m);
}
