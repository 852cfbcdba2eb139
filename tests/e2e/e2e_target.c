/*
 * The HTTP target of the e2e tests (see e2e_target.h). The records live
 * in an anonymous shared mapping made before fork, so the connection
 * processes write them and the test process reads them.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "e2e_target.h"

#define TGT_RECS	2048
#define TGT_HEAD_MAX	16384
#define TGT_BODY_READ	65536

struct tgt_shm {
	int			n;		/* slots handed out */
	int			ready[TGT_RECS];
	struct e2e_tgt_req	rec[TGT_RECS];
};

static struct tgt_shm	*shm;
static pid_t		 tgt_pid = -1;
static int		 tgt_port = -1;

/* Copy the value of header name from the header block, or "". */
static void
header_get(const char *head, const char *name, char *out, size_t outlen)
{
	const char	*p = head, *v;
	size_t		 n = strlen(name), k;

	out[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		v = p + n + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		k = strcspn(v, "\r\n");
		if (k >= outlen)
			k = outlen - 1;
		memcpy(out, v, k);
		out[k] = '\0';
		return;
	}
}

static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void
answer(int fd, int status, const char *json)
{
	char		 head[256];
	const char	*reason;

	switch (status) {
	case 200: reason = "OK"; break;
	case 400: reason = "Bad Request"; break;
	case 404: reason = "Not Found"; break;
	case 302: reason = "Found"; break;
	default: reason = "Service Unavailable"; break;
	}
	snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\nConnection: close\r\n"
	    "%s\r\n", status, reason, strlen(json), status == 302 ?
	    "Location: /ok?k=redirected\r\n" : "");
	write_all(fd, head, strlen(head));
	write_all(fd, json, strlen(json));
}

/* Requests of this exact path recorded before slot idx. */
static int
hits_before(const char *path, int idx)
{
	int	i, n = 0;

	for (i = 0; i < idx && i < TGT_RECS; i++)
		if (__atomic_load_n(&shm->ready[i], __ATOMIC_ACQUIRE) &&
		    strcmp(shm->rec[i].path, path) == 0)
			n++;
	return n;
}

static long
query_num(const char *path, const char *key)
{
	char		 pat[32];
	const char	*p;

	snprintf(pat, sizeof(pat), "%s=", key);
	if ((p = strstr(path, pat)) == NULL)
		return 0;
	return strtol(p + strlen(pat), NULL, 10);
}

/* Serve one connection: read one request, record it, answer. */
static void
serve(int fd)
{
	struct e2e_tgt_req	 q;
	struct json_object	*o;
	struct timeval		 tv = { 10, 0 };
	struct timespec		 ts;
	char			*buf, *end, clen[32], expect[64], *body = NULL;
	char			 route[E2E_TGT_PATH_MAX];
	size_t			 have = 0, blen = 0, want;
	ssize_t			 r;
	long			 ms = 0;
	int			 idx, status = 200, hits;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	buf = calloc(1, TGT_HEAD_MAX + TGT_BODY_READ + 1);
	if (buf == NULL)
		return;
	while ((end = strstr(buf, "\r\n\r\n")) == NULL) {
		if (have >= TGT_HEAD_MAX)
			goto out;
		r = read(fd, buf + have, TGT_HEAD_MAX - have);
		if (r <= 0)
			goto out;
		have += (size_t)r;
		buf[have] = '\0';
	}
	*end = '\0';
	memset(&q, 0, sizeof(q));
	if (sscanf(buf, "%15s %255s", q.method, q.path) != 2)
		goto out;
	header_get(buf, "Idempotency-Key", q.idem, sizeof(q.idem));
	header_get(buf, "Authorization", q.auth, sizeof(q.auth));
	header_get(buf, "Content-Type", q.ctype, sizeof(q.ctype));
	header_get(buf, "Content-Length", clen, sizeof(clen));
	header_get(buf, "Expect", expect, sizeof(expect));
	header_get(buf, "webhook-id", q.whid, sizeof(q.whid));
	header_get(buf, "webhook-timestamp", q.whts, sizeof(q.whts));
	header_get(buf, "webhook-signature", q.whsig, sizeof(q.whsig));
	want = (size_t)strtoul(clen, NULL, 10);
	if (want > TGT_BODY_READ)
		want = TGT_BODY_READ;
	body = end + 4;
	blen = have - (size_t)(body - buf);
	if (blen < want && strcasecmp(expect, "100-continue") == 0)
		write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
	while (blen < want) {
		r = read(fd, body + blen, want - blen);
		if (r <= 0)
			break;
		blen += (size_t)r;
	}
	body[blen] = '\0';
	snprintf(q.body, sizeof(q.body), "%s", body);
	q.blen = blen;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	q.at_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;

	/* The route is the path without its query ("/ok?k=1" is /ok). */
	snprintf(route, sizeof(route), "%.*s", (int)strcspn(q.path, "?"),
	    q.path);
	idx = __atomic_fetch_add(&shm->n, 1, __ATOMIC_ACQ_REL);
	hits = idx < TGT_RECS ? hits_before(q.path, idx) : 0;
	o = json_object_new_object();
	if (strcmp(route, "/ok") == 0)
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	else if (strcmp(route, "/bad") == 0) {
		status = 400;
		json_object_object_add(o, "error",
		    json_object_new_string("bad request"));
	} else if (strcmp(route, "/flaky") == 0) {
		if (hits < query_num(q.path, "n")) {
			status = 503;
			json_object_object_add(o, "error",
			    json_object_new_string("try again"));
		} else {
			json_object_object_add(o, "ok",
			    json_object_new_boolean(1));
			json_object_object_add(o, "hits",
			    json_object_new_int(hits + 1));
		}
	} else if (strcmp(route, "/redirect") == 0) {
		status = 302;
		json_object_object_add(o, "moved", json_object_new_boolean(1));
	} else if (strcmp(route, "/slow") == 0) {
		ms = query_num(q.path, "ms");	/* slept after recording */
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	} else if (strcmp(route, "/deep") == 0) {
		/* {"deep": [[...[1]...]]}: d levels in all (at most 200). */
		struct json_object	*v = json_object_new_int(1), *w;
		int			 d = query_num(q.path, "d");

		for (d = (d > 200 ? 200 : d) - 1; d > 0; d--) {
			w = json_object_new_array();
			json_object_array_add(w, v);
			v = w;
		}
		json_object_object_add(o, "deep", v);
	} else if (strcmp(route, "/echo") == 0) {
		json_object_object_add(o, "method",
		    json_object_new_string(q.method));
		json_object_object_add(o, "authorization",
		    json_object_new_string(q.auth));
		json_object_object_add(o, "idempotency_key",
		    json_object_new_string(q.idem));
		json_object_object_add(o, "body", json_object_new_string(body));
	} else {
		status = 404;
		json_object_object_add(o, "error",
		    json_object_new_string("no such path"));
	}
	q.status = status;
	if (idx < TGT_RECS) {
		shm->rec[idx] = q;
		__atomic_store_n(&shm->ready[idx], 1, __ATOMIC_RELEASE);
	}
	if (ms > 0) {
		if (ms > 30000)
			ms = 30000;
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
	answer(fd, status, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
out:
	free(buf);
}

static void __attribute__((noreturn))
serve_loop(int lfd)
{
	pid_t	pid;
	int	fd;

	signal(SIGCHLD, SIG_IGN);		/* connections reap themselves */
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			_exit(1);
		}
		if ((pid = fork()) == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(lfd);
			serve(fd);
			shutdown(fd, SHUT_WR);
			close(fd);
			_exit(0);
		}
		close(fd);
	}
}

int
e2e_target_start(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			lfd, one = 1;

	if (tgt_pid > 0)
		return tgt_port;
	if (shm == NULL) {
		shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (shm == MAP_FAILED) {
			shm = NULL;
			return -1;
		}
	}
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 128) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) == -1) {
		close(lfd);
		return -1;
	}
	fflush(NULL);
	if ((tgt_pid = fork()) == -1) {
		close(lfd);
		return -1;
	}
	if (tgt_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		serve_loop(lfd);
	}
	close(lfd);
	tgt_port = ntohs(sin.sin_port);
	return tgt_port;
}

void
e2e_target_stop(void)
{
	if (tgt_pid <= 0)
		return;
	kill(tgt_pid, SIGKILL);
	while (waitpid(tgt_pid, NULL, 0) == -1 && errno == EINTR)
		;
	tgt_pid = -1;
	tgt_port = -1;
}

const char *
e2e_target_url(const char *path)
{
	static char	url[512];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", tgt_port, path);
	return url;
}

int
e2e_target_find(const char *path, struct e2e_tgt_req *out, int max)
{
	int	i, n, k = 0;

	if (shm == NULL)
		return 0;
	n = __atomic_load_n(&shm->n, __ATOMIC_ACQUIRE);
	for (i = 0; i < n && i < TGT_RECS; i++) {
		if (!__atomic_load_n(&shm->ready[i], __ATOMIC_ACQUIRE))
			continue;
		if (path != NULL && strcmp(shm->rec[i].path, path) != 0)
			continue;
		if (k < max && out != NULL)
			out[k] = shm->rec[i];
		k++;
	}
	return k;
}
