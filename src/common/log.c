/*
 * JSON-lines logger. Each line is built in a fixed buffer and written with
 * one write(2), so lines from several processes sharing stderr do not
 * interleave. Text is escaped here, so no caller can forge a line.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "common.h"
#include "log.h"

#define LOG_LINE_MAX	4096
#define LOG_ID_MAX	64

static struct {
	char		prog[32];
	int		level;
	int		use_syslog;
	char		req[LOG_ID_MAX + 1];
	char		exec[LOG_ID_MAX + 1];
	long		pid;		/* 0: ask getpid(2) */
	int		atfork;		/* pid_forget registered */
} logst = { "wfm", LOG_LVL_INFO, 0, "", "", 0, 0 };

static const char *const level_names[] = { "debug", "info", "warn", "error" };

/* A forked child has its own pid (glibc no longer caches getpid). */
static void
pid_forget(void)
{
	logst.pid = 0;
}

static long
pid_get(void)
{
	if (logst.pid == 0) {
		if (!logst.atfork)
			logst.atfork = pthread_atfork(NULL, NULL,
			    pid_forget) == 0;
		if (!logst.atfork)
			return (long)getpid();	/* cannot cache it */
		logst.pid = (long)getpid();
	}
	return logst.pid;
}

void
log_init(const char *prog, enum log_level level, const char *target)
{
	snprintf(logst.prog, sizeof(logst.prog), "%s", prog);
	logst.level = (int)level;
	logst.use_syslog = target != NULL && strcmp(target, "syslog") == 0;
	if (logst.use_syslog)
		openlog(logst.prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_level_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < NITEMS(level_names); i++)
		if (strcmp(s, level_names[i]) == 0)
			return (int)i;
	return -1;
}

static void
set_id(char *dst, const char *src)
{
	if (src == NULL)
		dst[0] = '\0';
	else
		snprintf(dst, LOG_ID_MAX + 1, "%s", src);
}

void
log_set_req(const char *reqid)
{
	set_id(logst.req, reqid);
}

void
log_set_exec(const char *execid)
{
	set_id(logst.exec, execid);
}

/* Line buffer with a cursor; everything past the end is dropped. */
struct lbuf {
	char	b[LOG_LINE_MAX];
	size_t	n;
};

static void
lb_raw(struct lbuf *lb, const char *s, size_t len)
{
	size_t	room = sizeof(lb->b) - 2 - lb->n;	/* keep "}\n" */

	if (len > room)
		len = room;
	memcpy(lb->b + lb->n, s, len);
	lb->n += len;
}

static void
lb_str(struct lbuf *lb, const char *s)
{
	lb_raw(lb, s, strlen(s));
}

/* Append s as the body of a JSON string (without quotes). */
static void
lb_esc(struct lbuf *lb, const char *s)
{
	char		 tmp[8];
	unsigned char	 c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			lb_raw(lb, tmp, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			lb_raw(lb, tmp, 6);
		} else
			lb_raw(lb, (const char *)&c, 1);
	}
}

static void
lb_field(struct lbuf *lb, const char *key, const char *val)
{
	lb_str(lb, ",\"");
	lb_str(lb, key);
	lb_str(lb, "\":\"");
	lb_esc(lb, val);
	lb_str(lb, "\"");
}

static void
lb_begin(struct lbuf *lb, int level)
{
	char	ts[UTIL_TIME_LEN], num[32];

	lb->n = 0;
	util_time_fmt(util_now_ms(), ts);
	lb_str(lb, "{\"ts\":\"");
	lb_str(lb, ts);
	lb_str(lb, "\"");
	lb_field(lb, "level", level_names[level]);
	lb_field(lb, "prog", logst.prog);
	snprintf(num, sizeof(num), ",\"pid\":%ld", pid_get());
	lb_str(lb, num);
	if (logst.req[0] != '\0')
		lb_field(lb, "req", logst.req);
	if (logst.exec[0] != '\0')
		lb_field(lb, "exec", logst.exec);
}

static void
lb_emit(struct lbuf *lb, int level)
{
	static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
	size_t	 off = 0;
	ssize_t	 w;

	lb->b[lb->n++] = '}';
	if (logst.use_syslog) {
		lb->b[lb->n] = '\0';
		syslog(prio[level], "%s", lb->b);
		return;
	}
	lb->b[lb->n++] = '\n';
	while (off < lb->n) {
		w = write(STDERR_FILENO, lb->b + off, lb->n - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return;		/* nowhere left to report it */
		off += (size_t)w;
	}
}

static void __attribute__((format(printf, 3, 0)))
vlog(int level, int with_errno, const char *fmt, va_list ap)
{
	struct lbuf	lb;
	char		msg[LOG_LINE_MAX];
	int		saved = errno;
	size_t		n;

	if (level < logst.level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	lb_begin(&lb, level);
	lb_field(&lb, "msg", msg);
	lb_emit(&lb, level);
	errno = saved;
}

#define LOGFN(name, level, witherr)				\
void								\
name(const char *fmt, ...)					\
{								\
	va_list	ap;						\
								\
	va_start(ap, fmt);					\
	vlog(level, witherr, fmt, ap);				\
	va_end(ap);						\
}

LOGFN(log_debug, LOG_LVL_DEBUG, 0)
LOGFN(log_info, LOG_LVL_INFO, 0)
LOGFN(log_warn, LOG_LVL_WARN, 1)
LOGFN(log_warnx, LOG_LVL_WARN, 0)
LOGFN(log_error, LOG_LVL_ERROR, 1)
LOGFN(log_errorx, LOG_LVL_ERROR, 0)

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_access(const char *method, const char *route, int status, double ms,
    const char *user)
{
	struct lbuf	lb;
	char		num[64];

	if (LOG_LVL_INFO < logst.level)
		return;
	lb_begin(&lb, LOG_LVL_INFO);
	lb_field(&lb, "msg", "request");
	lb_field(&lb, "method", method);
	lb_field(&lb, "route", route);
	snprintf(num, sizeof(num), ",\"status\":%d,\"duration_ms\":%.3f",
	    status, ms);
	lb_str(&lb, num);
	if (user != NULL)
		lb_field(&lb, "user", user);
	lb_emit(&lb, LOG_LVL_INFO);
}
