/*
 * Small utilities and the 422 list builder.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "cbtok.h"
#include "common.h"
#include "log.h"
#include "metrics.h"
#include "secret.h"
#include "verr.h"

/* A key file of 64 hex digits with mode m; its path (static buffer). */
static const char *
key_file(mode_t m)
{
	static char	path[] = "/tmp/wfm-unit-key-XXXXXX";
	int		fd;

	strcpy(path, "/tmp/wfm-unit-key-XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return NULL;
	if (write(fd, "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f\n", 65) != 65 ||
	    fchmod(fd, m) == -1) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}

static void
test_secret_key_file_mode_is_checked(void)
{
	static const mode_t	 bad[] = { 0640, 0644, 0604, 0620, 0602, 0660 };
	unsigned char		 key[SECRET_KEY_LEN];
	const char		*p;
	struct errmsg		 err;
	size_t			 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p = key_file(0600));
	CU_ASSERT_EQUAL(secret_key_load(p, key, &err), RC_OK);
	CU_ASSERT_EQUAL(key[31], 0x1f);
	unlink(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = key_file(0400));
	CU_ASSERT_EQUAL(secret_key_load(p, key, &err), RC_OK);
	unlink(p);
	for (i = 0; i < NITEMS(bad); i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(p = key_file(bad[i]));
		err.text[0] = '\0';
		CU_ASSERT_EQUAL(secret_key_load(p, key, &err),
		    RC_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "chmod 0600"));
		unlink(p);
	}
}

static void
test_util_formats_rfc3339_milliseconds(void)
{
	char	buf[UTIL_TIME_LEN];

	util_time_fmt(1795600800123LL, buf);
	CU_ASSERT_STRING_EQUAL(buf, "2026-11-25T10:00:00.123Z");
	util_time_fmt(0, buf);
	CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:00.000Z");
}

/* MariaDB DATETIME text as epoch ms, rounded as MS() in SQL rounds. */
static void
test_util_reads_datetime_as_epoch_ms(void)
{
	static const struct {
		const char	*text;
		int64_t		 ms;
	} good[] = {
		{ "2026-11-25 10:00:00.123", 1795600800123LL },
		{ "2026-11-25 10:00:00", 1795600800000LL },
		{ "1970-01-01 00:00:00.000", 0 },
		/* Half a millisecond and more rounds up, less down. */
		{ "2026-12-06 13:30:17.796500", 1796563817797LL },
		{ "2026-12-06 13:30:17.796499", 1796563817796LL },
		{ "2026-12-31 23:59:59.9995", 1798761600000LL },
		/* Leap days; January and February across a year's turn. */
		{ "2024-02-29 00:00:00", 1709164800000LL },
		{ "2000-02-29 12:00:00", 951825600000LL },
		{ "2027-01-01 00:00:00", 1798761600000LL },
		{ "1999-03-01 00:00:00", 920246400000LL },
	};
	static const char	*bad[] = { "", "2026-11-25", "2026-11-25T10:00:00",
	    "2026-11-25 10:00:00.", "2026-11-25 10:00:00.1234567",
	    "2026-13-01 00:00:00", "2026-02-29 00:00:00",
	    "1900-02-29 00:00:00", "2026-11-31 00:00:00",
	    "2026-11-25 24:00:00", "2026-11-25 10:60:00",
	    "2026-11-25 10:00:0x", "0000-01-01 00:00:00",
	    "2026-11-25 10:00:00.12a" };
	int64_t			 ms;
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ms = -1;
		CU_ASSERT_EQUAL(util_datetime_ms(good[i].text,
		    strlen(good[i].text), &ms), RC_OK);
		CU_ASSERT_EQUAL(ms, good[i].ms);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(util_datetime_ms(bad[i], strlen(bad[i]), &ms),
		    RC_INVALID);
}

static void
test_util_number_rejects_garbage_and_range(void)
{
	long long	 v = 0;
	const char	*why = NULL;

	CU_ASSERT_EQUAL(util_number("42", 1, 100, &v, &why), RC_OK);
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(util_number("4x", 1, 100, &v, &why), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(why, "is not a number");
	CU_ASSERT_EQUAL(util_number("0", 1, 100, &v, &why), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(why, "is too small");
	CU_ASSERT_EQUAL(util_number("99999999999999999999", 1, 100, &v, &why),
	    RC_INVALID);
	CU_ASSERT_STRING_EQUAL(why, "is too large");
	CU_ASSERT_EQUAL(util_number("", 1, 100, &v, &why), RC_INVALID);
}

static void
test_util_uuid_is_lowercase_v4(void)
{
	char	a[UTIL_UUID_LEN], b[UTIL_UUID_LEN];

	util_uuid(a);
	util_uuid(b);
	CU_ASSERT_EQUAL(strlen(a), 36);
	CU_ASSERT_EQUAL(a[14], '4');
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

static void
test_util_uuid_fast_is_v4_unique_and_fresh_after_fork(void)
{
	char	a[UTIL_UUID_LEN], b[UTIL_UUID_LEN], c[UTIL_UUID_LEN];
	int	p[2], st;
	pid_t	pid;

	util_uuid_fast(a);
	util_uuid_fast(b);
	CU_ASSERT_EQUAL(strlen(a), 36);
	CU_ASSERT_EQUAL(a[14], '4');
	CU_ASSERT(strchr("89ab", a[19]) != NULL);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	/* A child and its parent draw different ids after a fork. */
	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid != -1);
	if (pid == 0) {
		util_uuid_fast(c);
		(void)write(p[1], c, sizeof(c));
		_exit(0);
	}
	close(p[1]);
	CU_ASSERT_EQUAL(read(p[0], c, sizeof(c)), (ssize_t)sizeof(c));
	close(p[0]);
	waitpid(pid, &st, 0);
	util_uuid_fast(b);
	CU_ASSERT_STRING_NOT_EQUAL(b, c);
}

/* The line of msg in buf (NUL-terminated in place), or NULL. */
static char *
line_of(char *buf, const char *msg)
{
	char	*m = strstr(buf, msg), *b, *e;

	if (m == NULL)
		return NULL;
	for (b = m; b > buf && b[-1] != '\n'; b--)
		;
	if ((e = strchr(m, '\n')) != NULL)
		*e = '\0';
	return b;
}

/* The pid of a log line is its writer's, also in a forked child. */
static void
test_log_pid_is_the_writers_after_fork(void)
{
	char	buf[8192], want[64], *l;
	int	p[2], saved, st;
	ssize_t	n;
	pid_t	pid;

	CU_ASSERT_FATAL(pipe(p) == 0);
	CU_ASSERT_FATAL((saved = dup(2)) != -1);
	CU_ASSERT_FATAL(dup2(p[1], 2) != -1);
	log_init("unit-tests", LOG_LVL_INFO, "stderr");
	log_info("line of the parent");
	pid = fork();
	if (pid == 0) {
		log_info("line of the child");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	log_init("unit-tests", LOG_LVL_ERROR + 1, "stderr");
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	CU_ASSERT_FATAL(n > 0);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "\"pid\":%ld,", (long)pid);
	l = line_of(buf, "line of the child");
	CU_ASSERT(l != NULL && strstr(l, want) != NULL);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "\"pid\":%ld,", (long)getpid());
	l = line_of(buf, "line of the parent");
	CU_ASSERT(l != NULL && strstr(l, want) != NULL);
}

static void
test_verr_builds_pydantic_shape(void)
{
	struct verr		*ve = verr_new();
	struct jpath		 p;
	struct json_object	*in = json_object_new_int(5);

	jpath_init(&p, "body");
	jpath_key(&p, "steps");
	jpath_idx(&p, 2);
	jpath_key(&p, "depends_on");
	jpath_idx(&p, 0);
	verr_add(ve, "string_type", &p, "Input should be a valid string", in,
	    NULL);
	CU_ASSERT_EQUAL(verr_count(ve), 1);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(verr_list(ve),
	    JSON_C_TO_STRING_PLAIN), "[{\"type\":\"string_type\",\"loc\":"
	    "[\"body\",\"steps\",2,\"depends_on\",0],\"msg\":\"Input should be "
	    "a valid string\",\"input\":5}]");
	json_object_put(in);
	verr_free(ve);
}

static void
test_secret_round_trips_and_rejects_other_owner(void)
{
	unsigned char	key[SECRET_KEY_LEN], nonce[SECRET_NONCE_LEN];
	unsigned char	tag[SECRET_TAG_LEN], ct[16];
	char		out[17];

	memset(key, 7, sizeof(key));
	CU_ASSERT_EQUAL_FATAL(secret_encrypt(key, "alice", "TOKEN",
	    "s3cret-value-123", 16, nonce, ct, tag), RC_OK);
	CU_ASSERT(memcmp(ct, "s3cret-value-123", 16) != 0);
	CU_ASSERT_EQUAL(secret_decrypt(key, "alice", "TOKEN", nonce, ct, 16,
	    tag, out), RC_OK);
	CU_ASSERT_STRING_EQUAL(out, "s3cret-value-123");
	CU_ASSERT_EQUAL(secret_decrypt(key, "bob", "TOKEN", nonce, ct, 16,
	    tag, out), RC_INVALID);
	CU_ASSERT_EQUAL(secret_decrypt(key, "alice", "OTHER", nonce, ct, 16,
	    tag, out), RC_INVALID);
}

/* Code points, not bytes: é is 2 bytes, € 3, 😀 4; the length bounds. */
static void
test_util_utf8_len_counts_code_points(void)
{
	const char	*s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";

	CU_ASSERT_EQUAL(util_utf8_len("", 0), 0);
	CU_ASSERT_EQUAL(util_utf8_len(s, strlen(s)), 5);
	/* Only s[0..n) is read: "a" and the first byte of é. */
	CU_ASSERT_EQUAL(util_utf8_len(s, 2), 2);
	CU_ASSERT_EQUAL(util_utf8_len(s, 3), 2);
	/* An embedded NUL is a character like any other. */
	CU_ASSERT_EQUAL(util_utf8_len("a\0b", 3), 3);
}

/*
 * A cut never splits a character: it moves back to the lead byte, keeps
 * a whole last character, drops a partial one at the end of the text,
 * and leaves bytes that start no character alone.
 */
static void
test_util_utf8_cut_ends_on_a_boundary(void)
{
	/* a(0) é(1-2) €(3-5) 😀(6-9) z(10) */
	const char	*s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
	size_t		 n = strlen(s), max;
	static const size_t want[] = { 0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11,
	    11 };

	for (max = 0; max < NITEMS(want); max++)
		CU_ASSERT_EQUAL(util_utf8_cut(s, n, max), want[max]);
	CU_ASSERT_EQUAL(util_utf8_cut("", 0, 5), 0);
	CU_ASSERT_EQUAL(util_utf8_cut("abc", 3, 2), 2);
	/* The text itself ends in mid-character: the partial one goes. */
	CU_ASSERT_EQUAL(util_utf8_cut(s, 2, 2), 1);
	CU_ASSERT_EQUAL(util_utf8_cut(s, 5, 99), 3);
	CU_ASSERT_EQUAL(util_utf8_cut(s, 9, 9), 6);
	CU_ASSERT_EQUAL(util_utf8_cut("ab\xe2", 3, 3), 2);
	/* Garbage is not repaired: stray continuations, a bad lead byte. */
	CU_ASSERT_EQUAL(util_utf8_cut("a\x80\x80\x80\x80", 5, 5), 5);
	CU_ASSERT_EQUAL(util_utf8_cut("a\xff", 2, 2), 2);
	CU_ASSERT_EQUAL(util_utf8_cut("\x80\x80", 2, 1), 1);
	/* An embedded NUL is a character like any other. */
	CU_ASSERT_EQUAL(util_utf8_cut("a\0\xc3\xa9", 4, 3), 2);
	/* The result never exceeds max nor n. */
	CU_ASSERT_EQUAL(util_utf8_cut("abc", 3, 10), 3);
}

/* Callback tokens: 43 base64url characters, fresh each time, hashed. */
static void
test_cbtok_shape_fresh_and_hash(void)
{
	unsigned char	h[CBTOK_HASH_LEN];
	char		a[CBTOK_LEN + 1], b[CBTOK_LEN + 1];
	/* SHA-256("abc") */
	static const unsigned char abc[CBTOK_HASH_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41,
		0x40, 0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3,
		0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00,
		0x15, 0xad
	};

	CU_ASSERT_EQUAL_FATAL(cbtok_new(a), RC_OK);
	CU_ASSERT_EQUAL_FATAL(cbtok_new(b), RC_OK);
	CU_ASSERT_EQUAL(strlen(a), CBTOK_LEN);
	CU_ASSERT_TRUE(cbtok_shape_ok(a, strlen(a)));
	CU_ASSERT_TRUE(cbtok_shape_ok(b, strlen(b)));
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	CU_ASSERT_FALSE(cbtok_shape_ok(a, CBTOK_LEN - 1));
	a[5] = '+';
	CU_ASSERT_FALSE(cbtok_shape_ok(a, CBTOK_LEN));
	a[5] = '=';
	CU_ASSERT_FALSE(cbtok_shape_ok(a, CBTOK_LEN));
	cbtok_hash("abc", 3, h);
	CU_ASSERT_EQUAL(memcmp(h, abc, sizeof(h)), 0);
}

/* Series longer than any fixed buffer go out whole (a 512-byte cut once). */
static void
test_metrics_printf_appends_whole_lines(void)
{
	char	*buf = NULL, big[3001];
	size_t	 len = 0;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	metrics_printf(&buf, &len, "a %d\n", 1);
	metrics_printf(&buf, &len, "%s{result=\"%s\"} %llu\n", big,
	    "returned", 42ULL);
	CU_ASSERT_EQUAL_FATAL(len, 4 + 3000 + 23);
	CU_ASSERT_EQUAL(strlen(buf), len);
	CU_ASSERT_EQUAL(strncmp(buf, "a 1\nxxx", 7), 0);
	CU_ASSERT_STRING_EQUAL(buf + 4 + 3000, "{result=\"returned\"} 42\n");
	free(buf);
}

void	test_util_register(void);

void
test_util_register(void)
{
	CU_pSuite	s = CU_add_suite("util", NULL, NULL);

	CU_add_test(s, "formats_rfc3339_milliseconds",
	    test_util_formats_rfc3339_milliseconds);
	CU_add_test(s, "number_rejects_garbage_and_range",
	    test_util_number_rejects_garbage_and_range);
	CU_add_test(s, "uuid_is_lowercase_v4", test_util_uuid_is_lowercase_v4);
	CU_add_test(s, "uuid_fast_is_v4_unique_and_fresh_after_fork",
	    test_util_uuid_fast_is_v4_unique_and_fresh_after_fork);
	CU_add_test(s, "log_pid_is_the_writers_after_fork",
	    test_log_pid_is_the_writers_after_fork);
	CU_add_test(s, "verr_builds_pydantic_shape",
	    test_verr_builds_pydantic_shape);
	CU_add_test(s, "secret_key_file_mode_is_checked",
	    test_secret_key_file_mode_is_checked);
	CU_add_test(s, "secret_round_trips_and_rejects_other_owner",
	    test_secret_round_trips_and_rejects_other_owner);
	CU_add_test(s, "reads_datetime_as_epoch_ms",
	    test_util_reads_datetime_as_epoch_ms);
	CU_add_test(s, "utf8_len_counts_code_points",
	    test_util_utf8_len_counts_code_points);
	CU_add_test(s, "utf8_cut_ends_on_a_boundary",
	    test_util_utf8_cut_ends_on_a_boundary);
	CU_add_test(s, "cbtok_shape_fresh_and_hash",
	    test_cbtok_shape_fresh_and_hash);
	CU_add_test(s, "metrics_printf_appends_whole_lines",
	    test_metrics_printf_appends_whole_lines);
}
