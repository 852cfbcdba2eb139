/*
 * The group insert: one process per host (the writer, a child of the
 * master) inserts the new executions of every worker, up to
 * STORE_INSERT_MANY_MAX in one statement (store_exec_insert_many), and
 * answers each worker after that statement committed. A row in a
 * statement of 16 costs MariaDB 60 to 70 us of CPU, one alone about 150
 * (docs/bench.md, 2026-12-06 (day)): the group is what the workers send
 * while the previous statement runs, never a wait for more.
 *
 * Wire: a SOCK_SEQPACKET connection per worker to an abstract address
 * the kernel picks (autobind) when the master creates the listening
 * socket; the writer serves only peers of its own uid (SO_PEERCRED).
 * A request is one message (struct group_head, then the strings of a
 * struct store_exec_new, each NUL-terminated); the answer is one struct
 * group_reply with the request's sequence number. A worker waits for
 * one answer at a time, so a connection holds at most one request.
 *
 * Whatever goes wrong on the way (no writer, a message too large, the
 * writer killed, its statement failed) the worker inserts the row
 * itself (store_exec_insert): the group insert only ever saves work.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "http_int.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "store_exec.h"

#define GROUP_MAGIC	0x77666d67u	/* "wfmg" */
#define GROUP_NSTR	12		/* strings of a struct store_exec_new */
#define GROUP_NULL	UINT32_MAX	/* length of a NULL string */
#define GROUP_RETRY_MS	1000		/* after a failed connect */
/*
 * A worker waits [database] rw_timeout for its answer, as long as its own
 * statement would take at most. A row starts only while its worker waits
 * at least group_start() more, and the server gives its statement up
 * group_spare() before the first of its group's workers stops waiting
 * (store_time_limit: a statement of its own only when that is sooner
 * than the session's default, i.e. after a wait in the writer's queue).
 */
#define GROUP_SPARE_MS	250
#define GROUP_RUN_MS	500
#define GROUP_CONNS_MAX	2048		/* two generations of 1024 workers */
#define GROUP_EVENTS	64

/* No padding: a message is exactly its bytes (the fuzz driver checks). */
struct group_head {
	uint32_t	magic;
	uint32_t	size;		/* of the whole message */
	uint32_t	len[GROUP_NSTR];
	int32_t		admin_access, slots, pinned, depth;
	uint64_t	seq;
	int64_t		deadline;	/* the worker gives up (mono ms) */
	int64_t		version, created_ms, schedule_pk, parked_room;
};

_Static_assert(sizeof(struct group_head) == 4 * (2 + GROUP_NSTR + 4) +
    8 * 6, "struct group_head has no padding");

struct group_reply {
	uint64_t	seq;
	int32_t		outcome;	/* enum group_outcome */
};

/* The strings of x in wire order, as pointers to its members. */
static void
strs_of(struct store_exec_new *x, const char ***s)
{
	s[0] = &x->id;
	s[1] = &x->user;
	s[2] = &x->name;
	s[3] = &x->template_id;
	s[4] = &x->input;
	s[5] = &x->hash;
	s[6] = &x->reqid;
	s[7] = &x->client;
	s[8] = &x->notify;
	s[9] = &x->parent_id;
	s[10] = &x->parent_step;
	s[11] = &x->root_id;
}

size_t
http_group_encode(const struct store_exec_new *x, uint64_t seq,
    int64_t deadline, char *buf, size_t size)
{
	struct store_exec_new	 c = *x;
	struct group_head	 h;
	const char		**s[GROUP_NSTR];
	size_t			 off = sizeof(h), n;
	int			 i;

	if (size < sizeof(h))
		return 0;
	memset(&h, 0, sizeof(h));
	h.magic = GROUP_MAGIC;
	h.seq = seq;
	h.deadline = deadline;
	h.version = x->version;
	h.created_ms = x->created_ms;
	h.schedule_pk = x->schedule_pk;
	h.parked_room = x->parked_room;
	h.admin_access = x->admin_access;
	h.slots = x->slots;
	h.pinned = x->pinned;
	h.depth = x->depth;
	strs_of(&c, s);
	for (i = 0; i < GROUP_NSTR; i++) {
		if (*s[i] == NULL) {
			h.len[i] = GROUP_NULL;
			continue;
		}
		n = strlen(*s[i]);
		if (n >= GROUP_NULL || n + 1 > size - off)
			return 0;
		h.len[i] = (uint32_t)n;
		memcpy(buf + off, *s[i], n + 1);
		off += n + 1;
	}
	h.size = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	return off;
}

int
http_group_decode(char *buf, size_t n, struct store_exec_new *x,
    uint64_t *seq, int64_t *deadline)
{
	struct group_head	 h;
	const char		**s[GROUP_NSTR];
	size_t			 off = sizeof(h);
	int			 i;

	memset(x, 0, sizeof(*x));
	if (n < sizeof(h))
		return RC_INVALID;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != GROUP_MAGIC || h.size != n)
		return RC_INVALID;
	strs_of(x, s);
	for (i = 0; i < GROUP_NSTR; i++) {
		if (h.len[i] == GROUP_NULL)
			continue;
		if (h.len[i] >= n - off ||
		    memchr(buf + off, '\0', h.len[i] + 1) != buf + off + h.len[i])
			return RC_INVALID;
		*s[i] = buf + off;
		off += h.len[i] + 1;
	}
	/* What the insert cannot do without. */
	if (off != n || x->id == NULL || x->user == NULL || x->name == NULL ||
	    x->template_id == NULL || x->input == NULL || x->hash == NULL)
		return RC_INVALID;
	*seq = h.seq;
	*deadline = h.deadline;
	x->version = h.version;
	x->created_ms = h.created_ms;
	x->schedule_pk = h.schedule_pk;
	x->parked_room = h.parked_room;
	x->admin_access = h.admin_access;
	x->slots = h.slots;
	x->pinned = h.pinned;
	x->depth = h.depth;
	return RC_OK;
}

int
http_group_listen(struct group_addr *ga)
{
	int	fd;

	memset(ga, 0, sizeof(*ga));
	ga->sun.sun_family = AF_UNIX;
	/* Autobind: an abstract name of the kernel's choosing, unique. */
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("group insert: socket");
		return -1;
	}
	ga->len = sizeof(ga->sun);
	if (bind(fd, (struct sockaddr *)&ga->sun, sizeof(sa_family_t)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ga->sun, &ga->len) == -1 ||
	    listen(fd, GROUP_CONNS_MAX) == -1) {
		log_warn("group insert: listen");
		(void)close(fd);
		memset(ga, 0, sizeof(*ga));
		return -1;
	}
	return fd;
}

/* ---- the writer ---------------------------------------------------- */

static int64_t
group_spare(const struct config *cfg)
{
	return MIN(GROUP_SPARE_MS, cfg->db.rw_timeout * 1000LL / 4);
}

static int64_t
group_start(const struct config *cfg)
{
	return group_spare(cfg) + MIN(GROUP_RUN_MS,
	    cfg->db.rw_timeout * 1000LL / 4);
}

/* A worker's connection; msg holds its waiting request, or is NULL. */
struct gconn {
	int			 fd;
	char			*msg;
	struct store_exec_new	 x;
	uint64_t		 seq;
	int64_t			 deadline;	/* its worker gives up */
};

struct writer {
	const struct config *cfg;
	struct store	*st;
	int		 ep, lfd;
	struct gconn	 c[GROUP_CONNS_MAX];
	int		 queue[GROUP_CONNS_MAX];	/* waiting, in order */
	int		 nq;
	char		 buf[GROUP_MSG_MAX];
};

static volatile sig_atomic_t	writer_stop;

static void
on_writer_term(int sig)
{
	(void)sig;
	writer_stop = 1;
}

static void
conn_close(struct writer *w, int i)
{
	struct gconn	*c = &w->c[i];
	int		 k;

	(void)close(c->fd);	/* leaves the epoll set with it */
	c->fd = -1;
	free(c->msg);
	c->msg = NULL;
	for (k = 0; k < w->nq; k++)
		if (w->queue[k] == i) {
			memmove(&w->queue[k], &w->queue[k + 1],
			    (size_t)(w->nq - k - 1) * sizeof(w->queue[0]));
			w->nq--;
			break;
		}
}

/* Answer connection i's request with outcome; drops it on failure. */
static void
answer(struct writer *w, int i, enum group_outcome outcome)
{
	struct gconn		*c = &w->c[i];
	struct group_reply	 rep;

	memset(&rep, 0, sizeof(rep));
	rep.seq = c->seq;
	rep.outcome = (int32_t)outcome;
	free(c->msg);
	c->msg = NULL;
	if (send(c->fd, &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)sizeof(rep))
		conn_close(w, i);
}

/*
 * Read connection i's request into the queue; drops the connection at
 * its end or on a message that is not one.
 */
static void
conn_read(struct writer *w, int i)
{
	struct gconn	*c = &w->c[i];
	struct iovec	 iov = { w->buf, sizeof(w->buf) };
	struct msghdr	 mh;
	ssize_t		 n;

	if (c->msg != NULL)
		return;		/* one at a time: the next after the answer */
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if ((n = recvmsg(c->fd, &mh, MSG_DONTWAIT)) == -1 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0 || (mh.msg_flags & MSG_TRUNC) != 0) {
		/* A worker that died (reset) is an end like any other. */
		if (n == -1 && errno != ECONNRESET)
			log_warn("group insert: recvmsg");
		else if (n > 0)
			log_warnx("group insert: a request over %d bytes",
			    GROUP_MSG_MAX);
		conn_close(w, i);
		return;
	}
	c->msg = xmalloc((size_t)n);
	memcpy(c->msg, w->buf, (size_t)n);
	if (http_group_decode(c->msg, (size_t)n, &c->x, &c->seq,
	    &c->deadline) != RC_OK) {
		log_warnx("group insert: a malformed request (%zd bytes)", n);
		conn_close(w, i);
		return;
	}
	w->queue[w->nq++] = i;
}

static void
accept_all(struct writer *w)
{
	struct epoll_event	 ev = { .events = EPOLLIN };
	struct sockaddr_un	 sun;
	struct ucred		 cr;
	socklen_t		 len;
	int			 fd, i;

	for (;;) {
		len = sizeof(sun);
		if ((fd = accept4(w->lfd, (struct sockaddr *)&sun, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("group insert: accept4");
			return;
		}
		len = sizeof(cr);
		for (i = 0; i < GROUP_CONNS_MAX && w->c[i].fd != -1; i++)
			;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1 ||
		    cr.uid != geteuid() || i == GROUP_CONNS_MAX) {
			/* A stranger, or too many: that worker goes alone. */
			(void)close(fd);
			continue;
		}
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
			log_warn("group insert: epoll_ctl");
			(void)close(fd);
			continue;
		}
		w->c[i].fd = fd;
		/* A worker sends as soon as it connected: in this group. */
		conn_read(w, i);
	}
}

/*
 * Insert the first (up to STORE_INSERT_MANY_MAX) waiting rows whose
 * workers still wait long enough, and answer each. The statement must
 * end (commit, or be given up by the server) before the first of them
 * stops waiting: a row never goes in after its client was answered 503.
 * Rows too late for that are answered GROUP_UNKNOWN and never inserted.
 */
static void
run_group(struct writer *w)
{
	struct store_exec_new	x[STORE_INSERT_MANY_MAX];
	int			done[STORE_INSERT_MANY_MAX];
	int			idx[STORE_INSERT_MANY_MAX];
	int			take[STORE_INSERT_MANY_MAX];
	size_t			n = 0, k, nt, in;
	int64_t			now = util_mono_ms(), first = INT64_MAX;
	int			rc;

	/* Off the queue first: answering may close a connection. */
	nt = MIN((size_t)w->nq, (size_t)STORE_INSERT_MANY_MAX);
	memcpy(take, w->queue, nt * sizeof(take[0]));
	w->nq -= (int)nt;
	memmove(&w->queue[0], &w->queue[nt], (size_t)w->nq *
	    sizeof(w->queue[0]));
	for (k = 0; k < nt; k++) {
		struct gconn	*c = &w->c[take[k]];

		if (c->deadline - now < group_start(w->cfg)) {
			metrics_group_late();
			answer(w, take[k], GROUP_UNKNOWN);
			continue;
		}
		idx[n] = take[k];
		x[n] = c->x;
		first = MIN(first, c->deadline);
		n++;
	}
	if (n == 0)
		return;
	rc = store_time_limit(w->st, first - now - group_spare(w->cfg));
	if (rc == RC_OK)
		rc = store_exec_insert_many(w->st, x, n, done);
	for (in = 0, k = 0; k < n; k++)
		in += rc == RC_OK && done[k];
	metrics_group(n, in);
	for (k = 0; k < n; k++)
		answer(w, idx[k], rc == RC_OK && done[k] ? GROUP_DONE :
		    rc == RC_AGAIN ? GROUP_UNKNOWN : GROUP_ALONE);
}

void
http_group_main(const struct config *cfg, int lfd)
{
	struct epoll_event	 ev = { .events = EPOLLIN }, evs[GROUP_EVENTS];
	struct writer		*w;
	sigset_t		 open_mask;
	int			 i, n, fl;

	/* Stop signals are held everywhere but in the wait. */
	http_child_signals(on_writer_term, &open_mask);

	/* Told apart from the workers in ps(1) and by the tests. */
	if (prctl(PR_SET_NAME, "wfm-group", 0, 0, 0) == -1)
		log_warn("prctl(PR_SET_NAME)");
	w = xcalloc(1, sizeof(*w));
	for (i = 0; i < GROUP_CONNS_MAX; i++)
		w->c[i].fd = -1;
	w->lfd = lfd;
	w->cfg = cfg;
	/* Accept never blocks: the loop takes every waiting connection. */
	if ((fl = fcntl(lfd, F_GETFL)) == -1 ||
	    fcntl(lfd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("fcntl O_NONBLOCK");
	if ((w->ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	ev.data.u32 = GROUP_CONNS_MAX;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		fatal("epoll_ctl");
	w->st = store_open(cfg);
	while (!writer_stop) {
		if ((n = epoll_pwait(w->ep, evs, GROUP_EVENTS, -1,
		    &open_mask)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("epoll_pwait");
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.u32 == GROUP_CONNS_MAX)
				accept_all(w);
			else if (w->c[evs[i].data.u32].fd != -1)
				conn_read(w, (int)evs[i].data.u32);
		}
		while (w->nq > 0)
			run_group(w);
	}
	/*
	 * Stopped (a reload, a shutdown): no more rows on these
	 * connections, whose workers then reconnect to the next writer
	 * (their send fails: EPIPE); the rows already sent are answered.
	 * New connections wait in the socket's backlog for the next one.
	 */
	for (i = 0; i < GROUP_CONNS_MAX; i++)
		if (w->c[i].fd != -1) {
			if (shutdown(w->c[i].fd, SHUT_RD) == -1)
				log_warn("group insert: shutdown");
			conn_read(w, i);
		}
	while (w->nq > 0)
		run_group(w);
	store_close(w->st);
	_exit(0);
}

/* ---- a worker's side ----------------------------------------------- */

static void
client_drop(struct http_app *app)
{
	if (app->group_fd != -1)
		(void)close(app->group_fd);
	app->group_fd = -1;
}

/* Connected to the writer (RC_OK), or not now (RC_ERR). */
static int
client_connect(struct http_app *app)
{
	const struct group_addr	*ga = app->group;
	int			 fd;

	if (app->group_fd != -1)
		return RC_OK;
	if (ga == NULL || ga->len == 0 || util_mono_ms() < app->group_retry)
		return RC_ERR;
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (const struct sockaddr *)&ga->sun, ga->len) == -1) {
		if (fd != -1)
			(void)close(fd);
		app->group_retry = util_mono_ms() + GROUP_RETRY_MS;
		return RC_ERR;
	}
	app->group_fd = fd;
	return RC_OK;
}

enum group_outcome
http_group_insert(struct http_app *app, const struct store_exec_new *x)
{
	char			 buf[GROUP_MSG_MAX];
	struct group_reply	 rep;
	struct pollfd		 pfd;
	size_t			 n;
	ssize_t			 got;
	int64_t			 end;
	int			 rc;

	end = util_mono_ms() + app->cfg->db.rw_timeout * 1000LL;
	if ((n = http_group_encode(x, ++app->group_seq, end, buf,
	    sizeof(buf))) == 0 || client_connect(app) != RC_OK)
		return GROUP_ALONE;
	if (send(app->group_fd, buf, n, MSG_NOSIGNAL) != (ssize_t)n) {
		/*
		 * Not taken: the writer this connection went to is gone.
		 * Once more to the one the master started since, if any.
		 */
		client_drop(app);
		app->group_retry = 0;
		if (client_connect(app) != RC_OK ||
		    send(app->group_fd, buf, n, MSG_NOSIGNAL) != (ssize_t)n) {
			client_drop(app);
			return GROUP_ALONE;
		}
	}
	pfd.fd = app->group_fd;
	pfd.events = POLLIN;
	do
		rc = poll(&pfd, 1, (int)MAX(end - util_mono_ms(), 0));
	while (rc == -1 && errno == EINTR);
	got = rc == 1 ? recv(app->group_fd, &rep, sizeof(rep), 0) : -1;
	if (got == (ssize_t)sizeof(rep) && rep.seq == app->group_seq &&
	    (rep.outcome == GROUP_DONE || rep.outcome == GROUP_ALONE ||
	    rep.outcome == GROUP_UNKNOWN))
		return (enum group_outcome)rep.outcome;
	/*
	 * No answer in time (the writer died, or hangs): the writer never
	 * starts a row this late, but one it started may have gone in.
	 * A later answer on this connection would be stale: drop it.
	 */
	if (rc == 0)
		log_warnx("group insert: no answer in %d s",
		    app->cfg->db.rw_timeout);
	client_drop(app);
	return GROUP_UNKNOWN;
}
