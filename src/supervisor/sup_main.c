/*
 * wfm-supervisor: claims executions and runs them in one event loop.
 * One per host (flock on the lock file); spawned by wfm-fcgi or run alone.
 */
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "log.h"
#include "store_sup.h"
#include "sup_int.h"

#define POLLFD_MAX	(3 + (16 * TMPL_STEPS_MAX + 4096) * SUP_CMD_NPOLLFD)

static void
lock_or_exit(struct sup *s)
{
	const char	*path = s->cfg->sup.lock_file;

	if ((s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) ==
	    -1)
		fatal("open %s", path);
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			fatalx("another supervisor holds %s", path);
		fatal("flock %s", path);
	}
}

static void
nudge_open(struct sup *s)
{
	struct sockaddr_un	 sun;
	const char		*path = s->cfg->sup.nudge_socket;

	s->nudge_fd = -1;
	if (path == NULL)
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		fatalx("[supervisor] nudge_socket: path too long");
	strcpy(sun.sun_path, path);
	if ((s->nudge_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	/* We hold the host lock: a socket file left here is stale. */
	if (unlink(path) == -1 && errno != ENOENT)
		fatal("unlink %s", path);
	if (bind(s->nudge_fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("bind %s", path);
	if (chmod(path, 0666) == -1)
		fatal("chmod %s", path);
}

static void
signals_open(struct sup *s)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if ((s->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) ==
	    -1)
		fatal("signalfd");
	signal(SIGPIPE, SIG_IGN);
}

static void
workdir_open(struct sup *s)
{
	char	*copy = xstrdup(s->cfg->sup.lock_file);

	snprintf(s->workdir, sizeof(s->workdir), "%s/work", dirname(copy));
	free(copy);
	if (mkdir(s->workdir, 0711) == -1 && errno != EEXIST)
		fatal("mkdir %s", s->workdir);
	if (chmod(s->workdir, 0711) == -1)
		fatal("chmod %s", s->workdir);
}

static int
sweep_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	if (ftw->level == 0)
		return 0;	/* the step's directory: removed as ourselves */
	/* Names below the step's directory are the handler's: not logged. */
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) == -1 &&
	    errno != ENOENT)
		log_warn("remove in a step directory");
	return 0;
}

static void
sweep_restore(struct sup *s)
{
	if (s->cmd_switch && sup_cmd_fsids(geteuid(), getegid()) != RC_OK)
		fatalx("cannot take back our file-system ids");
}

/*
 * What a dead predecessor left in our work directory (we hold the host
 * lock, so nothing else uses it): handler processes still running in a
 * private directory (its SIGKILL on our death reaches only the leader;
 * children that ignore SIGTERM would live on) are killed, then the
 * private directories are removed.
 */
static void
workdir_sweep(struct sup *s)
{
	char		 prefix[PATH_MAX + 16], link[PATH_MAX + 300], cwd[300];
	char		*end;
	struct dirent	*de;
	DIR		*d, *wd;
	ssize_t		 n;
	long		 pid;
	int		 killed = 0;

	snprintf(prefix, sizeof(prefix), "%s/wfm-step-", s->workdir);
	/* Ours, mode 0711: listed with our own ids, before the switch. */
	if ((wd = opendir(s->workdir)) == NULL)
		log_warn("opendir %s", s->workdir);
	/*
	 * Handlers' processes and files are their user's: look at them
	 * (/proc/PID/cwd) and remove them with its file-system ids.
	 */
	if (s->cmd_switch && sup_cmd_fsids(s->cmd_uid, s->cmd_gid) != RC_OK)
		fatalx("cannot take the file-system ids of [supervisor] "
		    "cmd_user");
	if ((d = opendir("/proc")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(cwd, sizeof(cwd), "/proc/%s/cwd", de->d_name);
			if ((n = readlink(cwd, link, sizeof(link) - 1)) <= 0)
				continue;
			link[n] = '\0';
			pid = strtol(de->d_name, &end, 10);
			if (*end == '\0' && pid > 0 && pid <= INT_MAX &&
			    strncmp(link, prefix, strlen(prefix)) == 0 &&
			    kill((pid_t)pid, SIGKILL) == 0)
				killed++;
		}
		closedir(d);
	}
	if (killed > 0)
		log_info("killed %d handler processes left by a dead "
		    "supervisor", killed);
	if (wd == NULL) {
		sweep_restore(s);
		return;
	}
	while ((de = readdir(wd)) != NULL) {
		if (strncmp(de->d_name, "wfm-step-", 9) != 0)
			continue;
		snprintf(link, sizeof(link), "%s/%s", s->workdir, de->d_name);
		(void)nftw(link, sweep_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	sweep_restore(s);
	rewinddir(wd);
	while ((de = readdir(wd)) != NULL) {
		if (strncmp(de->d_name, "wfm-step-", 9) != 0)
			continue;
		if (unlinkat(dirfd(wd), de->d_name, AT_REMOVEDIR) == -1 &&
		    errno != ENOENT)
			log_warn("remove %s/%s", s->workdir, de->d_name);
	}
	closedir(wd);
}

/* Claim no more; end when the runs have ended or the grace is over. */
static void
stop(struct sup *s, const char *why)
{
	if (s->stopping)
		return;
	log_info("%s: no new claims, grace %d s", why,
	    s->cfg->sup.grace_seconds);
	s->stopping = 1;
	s->stop_deadline = util_mono_ms() + s->cfg->sup.grace_seconds * 1000LL;
}

/*
 * Spawned by wfm-fcgi (-p): its master died, and a restarted one spawns
 * a supervisor of its own, so this one stops as on SIGTERM. (Not through
 * PR_SET_PDEATHSIG: taking the handlers' file-system ids clears it.)
 */
static void
follow_parent(struct sup *s)
{
	if (s->parent > 0 && getppid() != s->parent)
		stop(s, "wfm-fcgi is gone: stopping");
}

/*
 * SIGHUP: timing and limits apply from the next claim on, the allow
 * lists of http steps and webhook deliveries from the next connection
 * on. concurrency sizes the slot table and lease_seconds is promised to
 * the database: both need a restart, as do the handlers' user and the
 * secrets key (docs/decisions.md). A file or list that does not parse
 * changes nothing.
 */
static void
reload(struct sup *s, const char *conf)
{
	struct config		*nc;
	struct sup_net_allow	*http = NULL, *hook = NULL;
	struct errmsg		 err;

	if (config_load(conf, &nc, &err) != RC_OK) {
		log_warnx("reload refused: %s", err.text);
		return;
	}
	if (sup_net_allow_parse(nc->sup.http_allow, &http, &err) != RC_OK) {
		log_warnx("reload refused: [supervisor] http_allow: %s",
		    err.text);
		goto out;
	}
	if (sup_net_allow_parse(nc->sup.webhook_allow, &hook, &err) !=
	    RC_OK) {
		log_warnx("reload refused: [supervisor] webhook_allow: %s",
		    err.text);
		goto out;
	}
	s->cfg->sup.poll_interval_ms = nc->sup.poll_interval_ms;
	s->cfg->sup.retention_days = nc->sup.retention_days;
	s->cfg->sup.grace_seconds = nc->sup.grace_seconds;
	sup_http_set_allow(s->http, http);
	sup_net_allow_free(s->allow);
	s->allow = http;
	http = NULL;
	sup_webhook_set_allow(hook);
	hook = NULL;
	log_info("configuration reloaded");
out:
	sup_net_allow_free(http);
	sup_net_allow_free(hook);
	config_free(nc);
}

static void
drain_signals(struct sup *s, const char *conf)
{
	struct signalfd_siginfo	 si;

	while (read(s->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			stop(s, "stopping");
			break;
		case SIGHUP:
			reload(s, conf);
			break;
		default:
			break;		/* SIGCHLD: reaped per handler */
		}
	}
}

static void
drain_nudges(struct sup *s)
{
	char	buf[64];

	if (s->nudge_fd == -1)
		return;
	while (recv(s->nudge_fd, buf, sizeof(buf), 0) > 0) {
		s->want_claim = 1;
		s->want_cancel_poll = 1;
	}
}

/* Find the run and step index of a handler or transfer result. */
static int
locate(struct sup *s, void *user, struct run **rp)
{
	struct run	*r;
	int		 j, i;

	for (j = 0; j < s->cap; j++) {
		if ((r = s->runs[j]) == NULL)
			continue;
		for (i = 0; i < r->t->nsteps; i++)
			if ((void *)&r->s[i] == user) {
				*rp = r;
				return i;
			}
	}
	return -1;
}

static void
collect(struct sup *s)
{
	struct sup_step_result	 res;
	struct run		*r;
	void			*user;
	int			 running, j, i;

	(void)sup_http_perform(s->http, &running);
	while (sup_http_done(s->http, &user, &res)) {
		if ((i = locate(s, user, &r)) >= 0)
			sup_run_result(s, r, i, &res);
		else
			for (j = 0; j < s->cap; j++)
				if (s->runs[j] != NULL && sup_map_http_done(s,
				    s->runs[j], user, &res))
					break;
		sup_step_result_fini(&res);
	}
	for (j = 0; j < s->cap; j++) {
		if ((r = s->runs[j]) == NULL)
			continue;
		sup_map_collect(s, r);
		for (i = 0; i < r->t->nsteps; i++) {
			if (r->s[i].cmd != NULL &&
			    sup_cmd_drive(&r->s[i].cmd, &res)) {
				sup_run_result(s, r, i, &res);
				sup_step_result_fini(&res);
			}
		}
	}
}

static void
free_slot(struct sup *s, int j)
{
	sup_run_free(s->runs[j]);
	s->runs[j] = NULL;
	s->nruns--;
	s->want_claim = 1;	/* a slot is free */
}

/*
 * Advance every run, then write what they changed in one transaction:
 * the outcomes of decided runs in a flight (sup_flight.c) when there is
 * one, the rest here.
 */
static void
advance_all(struct sup *s)
{
	int	j, k, n = 0, nf = 0;

	for (j = 0; j < s->cap; j++) {
		if (s->runs[j] == NULL)
			continue;
		switch (sup_run_advance(s, s->runs[j])) {
		case SUP_ADV_FREE:
			free_slot(s, j);
			break;
		case SUP_ADV_WRITE:
			if (sup_flight_takes(s->flight, s->runs[j]))
				s->fly[nf++] = s->runs[j];
			else
				s->round[n++] = s->runs[j];
			break;
		case SUP_ADV_WAIT:
			break;
		}
	}
	if (nf > 0)
		sup_flight_send(s, s->fly, nf);
	if (n == 0)
		return;
	sup_run_write_round(s, s->round, n);
	for (k = 0; k < n; k++)
		if (sup_run_settled(s, s->round[k]))
			free_slot(s, s->round[k]->slot);
}

static int
wait_ms(struct sup *s, int64_t now)
{
	int64_t	t = now + SUP_WAIT_MAX_MS, d;
	int	j, i, ms;

	if (s->want_claim && !s->stopping && s->nruns < s->nslots)
		return 0;
	/* With every slot taken no claim is due: do not spin on it. */
	if (!s->stopping && s->nruns < s->nslots && s->next_claim < t)
		t = s->next_claim;
	if (s->next_renew < t)
		t = s->next_renew;
	if (!s->stopping && s->next_sched < t)
		t = s->next_sched;
	if (s->next_beat != 0 && s->next_beat < t)
		t = s->next_beat;
	if (s->nruns > 0 && s->next_cancel < t)
		t = s->next_cancel;
	for (j = 0; j < s->cap; j++) {
		if (s->runs[j] == NULL)
			continue;
		if ((d = sup_run_due(s->runs[j])) < t)
			t = d;
		if ((d = sup_map_due(s->runs[j], now)) < t)
			t = d;
		for (i = 0; i < s->runs[j]->t->nsteps; i++)
			if (s->runs[j]->s[i].cmd != NULL &&
			    (ms = sup_cmd_timeout_ms(s->runs[j]->s[i].cmd,
			    now)) >= 0 && now + ms < t)
				t = now + ms;
	}
	return t <= now ? 0 : (int)(t - now);
}

static size_t
pollfds(struct sup *s, struct pollfd *pfd)
{
	size_t	n = 0;
	int	j, i;

	pfd[n].fd = s->sig_fd;
	pfd[n++].events = POLLIN;
	if (sup_flight_fd(s->flight) != -1) {
		pfd[n].fd = sup_flight_fd(s->flight);
		pfd[n++].events = POLLIN;
	}
	if (s->nudge_fd != -1) {
		pfd[n].fd = s->nudge_fd;
		pfd[n++].events = POLLIN;
	}
	for (j = 0; j < s->cap; j++) {
		if (s->runs[j] == NULL)
			continue;
		n += sup_map_pollfds(s->runs[j], pfd + n, POLLFD_MAX - n);
		for (i = 0; i < s->runs[j]->t->nsteps; i++)
			if (s->runs[j]->s[i].cmd != NULL &&
			    n + SUP_CMD_NPOLLFD <= POLLFD_MAX)
				n += sup_cmd_pollfds(s->runs[j]->s[i].cmd,
				    pfd + n, SUP_CMD_NPOLLFD);
	}
	return n;
}

/*
 * Shutting down: no new step starts (sup_run_advance), a run whose steps
 * have all come back is released at once, and at the end of the grace
 * period every run is released with its handlers killed.
 */
static void
drain(struct sup *s, int all)
{
	int	j;

	for (j = 0; j < s->cap; j++) {
		if (s->runs[j] == NULL ||
		    (!all && !sup_run_idle(s->runs[j])))
			continue;
		sup_run_release(s, s->runs[j]);
		log_info("execution %s released", s->runs[j]->id);
		sup_run_free(s->runs[j]);
		s->runs[j] = NULL;
		s->nruns--;
	}
}

static void
loop(struct sup *s, const char *conf)
{
	static struct pollfd	pfd[POLLFD_MAX];
	int64_t			now;
	size_t			n;

	for (;;) {
		sup_flight_land(s, 0);
		now = util_mono_ms();
		if (!s->stopping && s->nruns < s->nslots &&
		    (s->want_claim || now >= s->next_claim)) {
			s->want_claim = 0;
			sup_claim(s);
			s->next_claim = now + s->cfg->sup.poll_interval_ms;
		}
		if (!s->stopping && now >= s->next_sched)
			sup_sched_fire(s);
		if (now >= s->next_metrics) {
			sup_metrics_write(s);
			s->next_metrics = now + SUP_METRICS_MS;
		}
		if (s->next_beat != 0 && now >= s->next_beat) {
			(void)store_replica_beat(s->st, s->host);
			s->next_beat = now + SUP_BEAT_MS;
		}
		if (now >= s->next_renew) {
			sup_renew(s);
			s->next_renew = now +
			    s->cfg->sup.lease_seconds * 1000LL / 3;
		}
		if (s->want_cancel_poll || now >= s->next_cancel) {
			s->want_cancel_poll = 0;
			sup_cancel_poll(s);
			s->next_cancel = now + SUP_CANCEL_POLL_MS;
		}
		if (now >= s->next_prune) {
			sup_prune(s);
			s->next_prune = now + SUP_PRUNE_MS;
		}
		advance_all(s);
		sup_webhook_tick(s);
		if (s->stopping) {
			sup_flight_land(s, 1);
			drain(s, util_mono_ms() >= s->stop_deadline);
			if (s->nruns == 0)
				return;
		}
		(void)sup_http_perform(s->http, &(int){ 0 });
		n = pollfds(s, pfd);
		(void)sup_http_wait(s->http, pfd, n,
		    sup_webhook_wait_ms(wait_ms(s, util_mono_ms())));
		drain_signals(s, conf);
		follow_parent(s);
		drain_nudges(s);
		collect(s);
	}
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: wfm-supervisor [-n] [-c config] [-p pid]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sup	 s;
	const char	*conf = NULL;
	struct errmsg	 em;
	unsigned char	 rnd[4];
	char		*end;
	long		 v;
	int		 ch, check = 0, j;

	memset(&s, 0, sizeof(s));
	while ((ch = getopt(argc, argv, "c:np:h")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'p':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 2 || v > INT_MAX)
				usage();
			s.parent = (pid_t)v;
			break;
		case 'n':
			check = 1;
			break;
		default:
			usage();
		}
	}
	if (config_load(conf, &s.cfg, &em) != RC_OK) {
		fprintf(stderr, "wfm-supervisor: %s\n", em.text);
		return EX_CONFIG_CODE;
	}
	if (sup_net_allow_parse(s.cfg->sup.http_allow, &s.allow, &em) !=
	    RC_OK) {
		fprintf(stderr, "wfm-supervisor: %s: [supervisor] http_allow: "
		    "%s\n", s.cfg->path, em.text);
		return EX_CONFIG_CODE;
	}
	if (sup_webhook_init(s.cfg, &em) != RC_OK) {
		fprintf(stderr, "wfm-supervisor: %s: [supervisor] "
		    "webhook_allow: %s\n", s.cfg->path, em.text);
		return EX_CONFIG_CODE;
	}
	if (s.cfg->sup.secrets_key_file != NULL) {
		if (secret_key_load(s.cfg->sup.secrets_key_file, s.key, &em) !=
		    RC_OK) {
			fprintf(stderr, "wfm-supervisor: %s: [supervisor] "
			    "secrets_key_file: %s\n", s.cfg->path, em.text);
			return EX_CONFIG_CODE;
		}
		s.have_key = 1;
	}
	if (sup_cmd_user_check(s.cfg->sup.cmd_user, s.cfg->sup.cmd_run_as_self,
	    &s.cmd_switch, &s.cmd_uid, &s.cmd_gid, &em) != RC_OK) {
		fprintf(stderr, "wfm-supervisor: %s: [supervisor] cmd_user: "
		    "%s\n", s.cfg->path, em.text);
		return EX_CONFIG_CODE;
	}
	if (check) {
		printf("%s: configuration ok\n", s.cfg->path);
		return 0;
	}
	log_init("wfm-supervisor", (enum log_level)s.cfg->log.level,
	    s.cfg->log.target);
	lock_or_exit(&s);
	signals_open(&s);
	nudge_open(&s);
	workdir_open(&s);
	workdir_sweep(&s);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		fatalx("curl_global_init failed");
	if ((s.http = sup_http_new(s.allow)) == NULL)
		fatalx("cannot start the http runner");
	/*
	 * The claimer id names the host: [supervisor] host_id, or the host
	 * name. Hosts that share a name (containers, three "hosts" on one
	 * machine) set host_id, or they would take back each other's
	 * executions as their own dead predecessors' (sup_claim.c).
	 */
	if (s.cfg->sup.host_id != NULL)
		snprintf(s.host, sizeof(s.host), "%s", s.cfg->sup.host_id);
	else if (gethostname(s.host, sizeof(s.host) - 1) == -1)
		fatal("gethostname");
	if (util_random(rnd, sizeof(rnd)) != RC_OK)
		fatalx("no randomness");
	snprintf(s.id, sizeof(s.id), "%s:%ld:%02x%02x%02x%02x", s.host,
	    (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3]);
	s.claim_after = -1;
	s.nslots = s.cfg->sup.concurrency;
	s.cap = 2 * s.nslots;
	s.runs = xcalloc((size_t)s.cap, sizeof(struct run *));
	s.round = xcalloc((size_t)s.cap, sizeof(struct run *));
	s.fly = xcalloc((size_t)s.cap, sizeof(struct run *));
	s.st = store_open(s.cfg);
	s.flight = sup_flight_open(&s);
	/* Beats cost a write every SUP_BEAT_MS: only for a replica. */
	if (s.cfg->db.read_host != NULL || s.cfg->db.read_socket != NULL)
		s.next_beat = 1;
	log_info("supervisor %s started (concurrency %d)", s.id, s.nslots);
	if (s.cmd_switch)
		log_info("handlers run as %s (uid %u)", s.cfg->sup.cmd_user,
		    (unsigned)s.cmd_uid);
	else
		log_warnx("handlers run as the supervisor's own user "
		    "(cmd_run_as_self): they can read its secrets");
	loop(&s, conf);
	sup_flight_close(&s);
	(void)store_sup_beat_delete(s.st, s.id);
	for (j = 0; j < s.cap; j++)
		sup_run_free(s.runs[j]);
	free(s.runs);
	free(s.round);
	free(s.fly);
	sched_tzset_free(s.zones);
	sup_webhook_fini(&s);
	sup_http_free(s.http);
	sup_net_allow_free(s.allow);
	curl_global_cleanup();
	store_close(s.st);
	config_free(s.cfg);
	log_info("stopped");
	return 0;
}
