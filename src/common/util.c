/*
 * Small utilities: clocks, RFC 3339 times, UUIDs, randomness, numbers, UTF-8 lengths and cuts.
 */
#include <sys/random.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

#include "common.h"
#include "log.h"

void
util_time_fmt(int64_t ms, char buf[UTIL_TIME_LEN])
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);
	int		frac = (int)(ms % 1000);

	if (frac < 0) {
		frac += 1000;
		t--;
	}
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, UTIL_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm) != 19) {
		snprintf(buf, UTIL_TIME_LEN, "1970-01-01T00:00:00.000Z");
		return;
	}
	buf[19] = '.';
	buf[20] = (char)('0' + frac / 100);
	buf[21] = (char)('0' + frac / 10 % 10);
	buf[22] = (char)('0' + frac % 10);
	buf[23] = 'Z';
	buf[24] = '\0';
}

/* The n digits at s as a number, or -1 when one is not a digit. */
static int
digits(const char *s, int n)
{
	int	v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int
util_datetime_ms(const char *s, size_t len, int64_t *ms)
{
	static const int	 mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	int64_t			 days;
	int			 y, mo, d, h, mi, sec, us = 0, i, m;

	if (len < 19 || (len > 19 && (s[19] != '.' || len == 20 ||
	    len > 26)) || s[4] != '-' || s[7] != '-' || s[10] != ' ' ||
	    s[13] != ':' || s[16] != ':')
		return RC_INVALID;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	for (i = 20; i < 26; i++) {
		m = i < (int)len ? digits(s + i, 1) : 0;
		if (m < 0)
			return RC_INVALID;
		us = us * 10 + m;
	}
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 &&
	    y % 400 != 0))) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 59)
		return RC_INVALID;
	/* Days since 1970-01-01 of a proleptic Gregorian date. */
	if (mo <= 2)
		y--;
	days = (int64_t)365 * y + y / 4 - y / 100 + y / 400 +
	    (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1 - 719468;
	*ms = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 +
	    (us + 500) / 1000;
	return RC_OK;
}

static int64_t
clock_ms(clockid_t id)
{
	struct timespec	ts;

	if (clock_gettime(id, &ts) == -1)
		fatal("clock_gettime");
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
util_now_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

int64_t
util_mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

int64_t
util_mono_us(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
util_uuid(char buf[UTIL_UUID_LEN])
{
	uuid_t	u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, buf);
}

/* The pool of util_uuid_fast; emptied in a forked child (pthread_atfork). */
static unsigned char	 uuid_pool[4096];
static size_t		 uuid_left;

static void
uuid_pool_forget(void)
{
	uuid_left = 0;
}

/*
 * A random (version 4) UUID from a per-process pool of getrandom bytes:
 * no system call for most calls, where libuuid opens and reads a device
 * each time. For request ids; execution ids come from libuuid.
 */
void
util_uuid_fast(char buf[UTIL_UUID_LEN])
{
	static int	 registered;
	unsigned char	*b;

	if (!registered) {
		/* A forked child must not repeat its parent's ids. */
		if (pthread_atfork(NULL, NULL, uuid_pool_forget) != 0) {
			util_uuid(buf);
			return;
		}
		registered = 1;
	}
	if (uuid_left < 16) {
		if (util_random(uuid_pool, sizeof(uuid_pool)) != RC_OK) {
			util_uuid(buf);
			return;
		}
		uuid_left = sizeof(uuid_pool);
	}
	b = uuid_pool + sizeof(uuid_pool) - uuid_left;
	uuid_left -= 16;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(buf, UTIL_UUID_LEN, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
	    b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
	    b[15]);
	explicit_bzero(b, 16);
}

int
util_random(void *buf, size_t n)
{
	unsigned char	*p = buf;
	ssize_t		 r;

	while (n > 0) {
		if ((r = getrandom(p, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("getrandom");
			return RC_ERR;
		}
		p += r;
		n -= (size_t)r;
	}
	return RC_OK;
}

int
util_number(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0') {
		*errstr = "is not a number";
		return RC_INVALID;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || end == s) {
		*errstr = "is not a number";
		return RC_INVALID;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "is too small";
		return RC_INVALID;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "is too large";
		return RC_INVALID;
	}
	*out = v;
	*errstr = NULL;
	return RC_OK;
}

void
errmsg_set(struct errmsg *e, const char *fmt, ...)
{
	va_list	ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
}

size_t
util_utf8_len(const char *s, size_t n)
{
	size_t	i, cps = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cps++;
	return cps;
}

size_t
util_utf8_cut(const char *s, size_t n, size_t max)
{
	size_t		i, m = MIN(n, max), need;
	unsigned char	b;

	/* Find the lead byte of the character holding s[m - 1]. */
	for (i = 1; i <= 3 && i <= m; i++) {
		b = (unsigned char)s[m - i];
		if ((b & 0xc0) == 0x80)
			continue;	/* continuation: look further back */
		if ((b & 0xe0) == 0xc0)
			need = 2;
		else if ((b & 0xf0) == 0xe0)
			need = 3;
		else if ((b & 0xf8) == 0xf0)
			need = 4;
		else
			return m;	/* ASCII or garbage ends the prefix */
		return i < need ? m - i : m;
	}
	return m;		/* no lead byte within reach: garbage */
}
