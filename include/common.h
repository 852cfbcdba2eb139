/*
 * Shared definitions: the return-code set every module speaks, allocation
 * wrappers that never return NULL, and small utilities.
 */
#ifndef WFM_COMMON_H
#define WFM_COMMON_H

#include <stddef.h>
#include <stdint.h>

enum rc {
	RC_OK = 0,
	RC_ERR = -1,		/* internal or system failure, already logged */
	RC_INVALID = -2,	/* bad input: 400/422 */
	RC_DENIED = -3,		/* 401/403 */
	RC_NOTFOUND = -4,
	RC_CONFLICT = -5,
	RC_AGAIN = -6,		/* transient (DB reconnected or unreachable) */
	RC_CHANGED = -7		/* the row moved under the caller (a template's
				   version changed since it was read) */
};

/*
 * The one way to say why something failed. A function returns an enum rc;
 * when a person needs the reason, it also takes a struct errmsg * (NULL
 * when the caller does not want it) and fills it with one line of text
 * (never a secret). Request validation, with many errors and their
 * locations, collects a struct verr (verr.h) instead.
 */
#define ERRMSG_MAX	512
struct errmsg {
	char	text[ERRMSG_MAX];
};
/* Set e's text (e may be NULL: nothing happens); truncated to fit. */
void	 errmsg_set(struct errmsg *e, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#ifndef MIN
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#endif

/* Allocation failure is fatal: these never return NULL. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* printf into a new string owned by the caller. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Length of an RFC 3339 UTC time with milliseconds plus NUL. */
#define UTIL_TIME_LEN	25
/* Format epoch milliseconds as "2026-11-25T10:00:00.123Z" into buf. */
void	 util_time_fmt(int64_t ms, char buf[UTIL_TIME_LEN]);
/*
 * A MariaDB DATETIME as text, "YYYY-MM-DD HH:MM:SS" with up to 6
 * fraction digits, read as UTC into *ms (epoch milliseconds, the fraction
 * rounded half up as CAST(UNIX_TIMESTAMP(x) * 1000 AS SIGNED) does).
 * RC_OK, or RC_INVALID for text of another shape or an impossible date.
 */
int	 util_datetime_ms(const char *s, size_t len, int64_t *ms);
/* Wall-clock now in epoch milliseconds. */
int64_t	 util_now_ms(void);
/* Monotonic clock in milliseconds, for local timers. */
int64_t	 util_mono_ms(void);
/* Monotonic clock in microseconds, for durations. */
int64_t	 util_mono_us(void);

/* Length of a textual UUID plus NUL. */
#define UTIL_UUID_LEN	37
/* A new random lower-case UUID (libuuid) into buf. */
void	 util_uuid(char buf[UTIL_UUID_LEN]);
/* The same from a per-process random pool (cheap; request ids). */
void	 util_uuid_fast(char buf[UTIL_UUID_LEN]);
/* Fill buf with n cryptographically random bytes; RC_OK or RC_ERR. */
int	 util_random(void *buf, size_t n);

/* Number of code points of UTF-8 text s[0..n) (continuation bytes skipped). */
size_t	 util_utf8_len(const char *s, size_t n);
/*
 * The length of the longest prefix of UTF-8 text s[0..n) that is at most
 * max bytes and does not end inside a character: a cut that would split
 * a character moves back to its lead byte. At the end of the text
 * (max >= n) a last character shorter than its lead byte announces is
 * dropped too. Bytes that start no character are left as they are (one
 * byte each); only s[0..MIN(n, max)) is read.
 */
size_t	 util_utf8_cut(const char *s, size_t n, size_t max);

/*
 * strtonum(3) in spirit: parse a whole decimal integer in [min, max].
 * On error returns RC_INVALID and sets *errstr to a static phrase
 * ("is not a number", "is too small", "is too large").
 */
int	 util_number(const char *s, long long min, long long max,
	    long long *out, const char **errstr);

#endif
