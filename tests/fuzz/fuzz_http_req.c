/*
 * libFuzzer driver for the request layer: routing, the body reader, the
 * strict JSON parser, execute and template validation, query parameters
 * and cursors, all through http_serve with a fake FastCGI I/O. The store
 * points at a socket that does not exist, so whatever reaches the
 * database answers 503.
 *
 * Input: "NAME=VALUE" lines (CGI parameters), an empty line, then the
 * body. A value "@TOKEN" becomes "Bearer <a valid admin token>" so that
 * mutations get past authentication. Every answer must be a well-formed
 * status line with a code from 200 to 599; anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "common.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "store.h"

#define FUZZ_SECRET	"wfm-fuzz-only-hs256-secret-0123456789"
#define PARAMS_MAX	24

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fake {
	char		*name[PARAMS_MAX], *value[PARAMS_MAX];
	int		 n;
	const char	*body;
	size_t		 len, off;
	size_t		 outlen;
	char		 head[32];
};

static struct config	*cfg;
static struct http_app	 app;
static char		*bearer;

static const char *
f_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;
	int		 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

static ssize_t
f_read(void *ctx, char *buf, size_t n)
{
	struct fake	*f = ctx;
	size_t		 k = MIN(n, f->len - f->off);

	memcpy(buf, f->body + f->off, k);
	f->off += k;
	return (ssize_t)k;
}

static int
f_write(void *ctx, const char *buf, size_t n)
{
	struct fake	*f = ctx;
	size_t		 k;

	if (f->outlen < sizeof(f->head) - 1) {
		k = MIN(n, sizeof(f->head) - 1 - f->outlen);
		memcpy(f->head + f->outlen, buf, k);
		f->head[f->outlen + k] = '\0';
	}
	f->outlen += n;
	return RC_OK;
}

static void
setup(void)
{
	struct errmsg	 err;
	char	 p[] = "/tmp/wfm-fuzz-conf-XXXXXX", *t;
	FILE	*f;
	int	 fd;

	log_init("fuzz", (enum log_level)(LOG_LVL_ERROR + 1), "stderr");
	if ((fd = mkstemp(p)) == -1 || (f = fdopen(fd, "w")) == NULL)
		abort();
	fprintf(f, "[database]\nsocket = /nonexistent/wfm-fuzz.sock\n"
	    "connect_timeout = 1\n[auth]\njwt_secret = %s\n", FUZZ_SECRET);
	fclose(f);
	if (config_load(p, &cfg, &err) != RC_OK)
		abort();
	unlink(p);
	app.cfg = cfg;
	app.nudge_fd = -1;
	if (auth_open(cfg, &app.auth, &err) != RC_OK)
		abort();
	app.st = store_open(cfg);
	if ((t = auth_token_mint(cfg, "fuzz", "admin", 86400)) == NULL)
		abort();
	bearer = xasprintf("Bearer %s", t);
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake	 f;
	struct http_io	 io = { f_param, f_read, f_write, &f };
	char		*text, *line, *next, *eq;
	int		 status = 0;

	if (cfg == NULL)
		setup();
	if (size > 2 * 1024 * 1024)
		return 0;
	memset(&f, 0, sizeof(f));
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	/* Parameters up to the first empty line; the rest is the body. */
	for (line = text; line < text + size; line = next) {
		next = memchr(line, '\n', (size_t)(text + size - line));
		if (next == NULL)
			next = text + size;
		else
			*next++ = '\0';
		if (*line == '\0')
			break;
		if ((eq = strchr(line, '=')) == NULL || f.n == PARAMS_MAX)
			continue;
		*eq = '\0';
		f.name[f.n] = line;
		f.value[f.n] = strcmp(eq + 1, "@TOKEN") == 0 ? bearer : eq + 1;
		f.n++;
	}
	f.body = next != NULL && next <= text + size ? next : text + size;
	f.len = (size_t)(text + size - f.body);
	http_serve(&app, &io);
	if (sscanf(f.head, "Status: %d ", &status) != 1 || status < 200 ||
	    status > 599)
		abort();
	free(text);		/* names and values pointed into it */
	return 0;
}
