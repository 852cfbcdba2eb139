/*
 * The ceiling of FastCGI itself for `make bench`: a minimal libfcgi
 * responder that answers every request with a fixed 202 and "{}", with
 * no parsing, no database and no logging. It preforks like wfm-fcgi (one
 * listening unix socket, N processes each in an FCGX_Accept_r loop), so
 * that nginx -> unix socket -> libfcgi -> nginx costs the same here and
 * in front of wfm; the difference is what wfm does per request.
 *
 *	bare_fcgi SOCKET NPROC PIDFILE
 *
 * Runs in the foreground until SIGTERM or SIGINT, then stops its
 * children and removes the socket. Built by tests/bench/run.sh.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NPROC_MAX	64
#define BACKLOG		1024

static const char	reply[] = "Status: 202 Accepted\r\n"
			    "Content-Type: application/json\r\n\r\n{}";
static volatile sig_atomic_t	stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((noreturn))
child(int lfd)
{
	FCGX_Request	req;
	sigset_t	none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (FCGX_Init() != 0 ||
	    FCGX_InitRequest(&req, lfd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		fprintf(stderr, "bare_fcgi: FCGX_Init failed\n");
		_exit(1);
	}
	while (!stop && FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, req.out);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 0);
	_exit(0);
}

static int
listen_unix(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "bare_fcgi: %s: path too long\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		perror("bare_fcgi: socket");
		return -1;
	}
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0666) == -1 || listen(fd, BACKLOG) == -1) {
		fprintf(stderr, "bare_fcgi: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char *argv[])
{
	struct sigaction	 sa;
	sigset_t		 set, orig;
	pid_t			 pids[NPROC_MAX];
	FILE			*f;
	int			 lfd, n, i;

	if (argc != 4 || (n = atoi(argv[2])) < 1 || n > NPROC_MAX) {
		fprintf(stderr, "usage: bare_fcgi SOCKET NPROC(1..%d) PIDFILE\n",
		    NPROC_MAX);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: accept fails */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Blocked until sigsuspend, so that no SIGTERM slips past it. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &orig);
	if ((lfd = listen_unix(argv[1])) == -1)
		return 1;
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == -1) {
			perror("bare_fcgi: fork");
			n = i;
			stop = 1;
			break;
		}
		if (pids[i] == 0)
			child(lfd);
	}
	if ((f = fopen(argv[3], "w")) != NULL) {
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGINT);
	while (!stop)
		sigsuspend(&orig);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) == -1 && errno == EINTR)
			;
	(void)unlink(argv[1]);
	(void)unlink(argv[3]);
	return 0;
}
