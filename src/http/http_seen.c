/*
 * Execution names this worker has seen taken, so that a replay (a client
 * sending the same execution_name again) is one SELECT instead of an
 * INSERT that fails on the unique key and then the SELECT. Only a hint
 * for the order of the two statements: the database decides every
 * answer, so a forgotten or colliding entry costs one statement, never a
 * wrong answer. Direct-mapped on a 64-bit FNV-1a hash of user and name;
 * a newer name takes the place of an older one. Per worker process.
 */
#include <stdint.h>

#include "http_int.h"

#define SEEN_SLOTS	4096		/* 32 KiB */

static uint64_t	seen[SEEN_SLOTS];

static uint64_t
hash_of(const char *user, const char *name)
{
	uint64_t	h = 14695981039346656037ULL;
	const char	*p;

	for (p = user; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;	/* no byte of a string */
	for (p = name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h == 0 ? 1 : h;		/* 0 marks a free slot */
}

void
http_seen_add(const char *user, const char *name)
{
	uint64_t	h = hash_of(user, name);

	seen[h % SEEN_SLOTS] = h;
}

int
http_seen_has(const char *user, const char *name)
{
	uint64_t	h = hash_of(user, name);

	return seen[h % SEEN_SLOTS] == h;
}

void
http_seen_clear(void)
{
	size_t	i;

	for (i = 0; i < SEEN_SLOTS; i++)
		seen[i] = 0;
}
