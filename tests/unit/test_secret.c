/*
 * secret_redact: whole occurrences, and the parts of a value left at the
 * edge of truncated text (the stderr tail of a command step).
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "secret.h"

static const char *const vals[] = { "hunter2-secret", "s3cr3t", "ab",
    "ZZZZ" };
static const size_t	vlens[] = { 14, 6, 2, 4 };

/* Redact text with vals, compare with want. */
static void
expect(const char *text, size_t cut, int flags, const char *want)
{
	char	*out;
	size_t	 len = 0;

	out = secret_redact(text, strlen(text), vals, vlens, 4, cut, flags,
	    &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, want);
	CU_ASSERT_EQUAL(len, strlen(want));
	free(out);
}

static void
test_secret_redact_whole_occurrences(void)
{
	expect("", 0, 0, "");
	expect("nothing here", 0, 0, "nothing here");
	expect("token=s3cr3t;", 0, 0, "token=***;");
	expect("s3cr3ts3cr3t and s3cr3t", 0, 0, "*** and ***");
	/* Adjacent or overlapping occurrences become one mask. */
	expect("xhunter2-s3cr3t", 0, 0, "xhunter2-***");
	expect("hunter2-secrets3cr3t!", 0, 0, "***!");
	expect("ZZZZZZ", 0, 0, "***");
	/* Values under SECRET_REDACT_MIN bytes are not masked. */
	expect("ab ab", 0, 0, "ab ab");
	/* Without a cut, a part of a value is left alone. */
	expect("cr3t and hunter2", 0, 0, "cr3t and hunter2");
}

static void
test_secret_redact_masks_parts_at_the_cut(void)
{
	/* A suffix at the head of truncated text, down to one byte. */
	expect("r2-secret and more", 0, SECRET_CUT_HEAD, "*** and more");
	expect("t and more", 0, SECRET_CUT_HEAD, "*** and more");
	expect("cr3t", 0, SECRET_CUT_HEAD, "***");
	expect("3r3t", 0, SECRET_CUT_HEAD, "3r3t");
	/* Not a suffix: untouched. */
	expect("hunter and more", 0, SECRET_CUT_HEAD, "hunter and more");
	/* A prefix at the end of text that may continue. */
	expect("stderr: hunter2-se", 0, SECRET_CUT_END, "stderr: ***");
	expect("stderr: s", 0, SECRET_CUT_END, "stderr: ***");
	expect("stderr: s", 0, 0, "stderr: s");
	/* A cut inside the text: the tail of a message starts there. */
	expect("failed; stderr: cr3t tail", 16, 0, "failed; stderr: *** tail");
	expect("failed; stderr: cr3t tail", 0, 0, "failed; stderr: cr3t tail");
	/* Only exactly at the cut. */
	expect("failed; stderr: xcr3t tail", 16, 0,
	    "failed; stderr: xcr3t tail");
	/* Both ends, and a whole one in between. */
	expect("-secret | s3cr3t | hunter", 0, SECRET_CUT_HEAD |
	    SECRET_CUT_END, "*** | *** | ***");
	/* A short value stays unmasked at the cut too. */
	expect("b then a", 0, SECRET_CUT_HEAD | SECRET_CUT_END, "b then a");
}

static void
test_secret_redact_binary_text(void)
{
	const char	 text[] = "a\0s3cr3t\0b";
	char		*out;
	size_t		 len = 0;

	out = secret_redact(text, sizeof(text) - 1, vals, vlens, 4, 0, 0,
	    &len);
	CU_ASSERT_EQUAL_FATAL(len, 7);
	CU_ASSERT(memcmp(out, "a\0***\0b", 7) == 0);
	free(out);
	out = secret_redact(NULL, 0, vals, vlens, 4, 0, SECRET_CUT_HEAD |
	    SECRET_CUT_END, &len);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
}

void	test_secret_register(void);

void
test_secret_register(void)
{
	CU_pSuite	s = CU_add_suite("secret", NULL, NULL);

	CU_add_test(s, "redact_whole_occurrences",
	    test_secret_redact_whole_occurrences);
	CU_add_test(s, "redact_masks_parts_at_the_cut",
	    test_secret_redact_masks_parts_at_the_cut);
	CU_add_test(s, "redact_binary_text", test_secret_redact_binary_text);
}
