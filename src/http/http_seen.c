/*
 * Execution names this worker has seen taken, so that a replay (a client
 * sending the same execution_name again) is one SELECT instead of an
 * INSERT that fails on the unique key and then the SELECT. Only a hint
 * for the order of the two statements: the database decides every
 * answer, so a forgotten or colliding entry costs one statement, never a
 * wrong answer. Direct-mapped on a 64-bit FNV-1a hash of user and name;
 * a newer name takes the place of an older one. Per worker process.
 *
 * Apart from those, the replays of completed executions (http_seen_done):
 * the one answer here that is not the database's, because it cannot
 * differ from it. A completed row never changes again (a redrive takes
 * failed, cancelled and timed-out rows only; no statement updates the
 * columns a replay shows), and only retention deletes it, on any host,
 * not before retention_days (at least 1, config.c) after its
 * completed_at. So the row is known to exist, with the same answer, for
 * 23 hours after completed_at: a day less an hour for the hosts' clocks
 * (docs/decisions.md). Past that the database is asked again. Entries
 * are whole copies (user, name and row), compared exactly, never by hash
 * alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http_int.h"
#include "store.h"
#include "store_exec.h"

#define SEEN_SLOTS	4096		/* 32 KiB */
#define DONE_SLOTS	256		/* at most about 150 KiB */
#define DONE_TRUST_MS	(23LL * 3600 * 1000)

struct done {
	char			*user;		/* NULL: a free slot */
	char			*name;
	struct store_exec_named	 x;
};

static uint64_t		seen[SEEN_SLOTS];
static struct done	done[DONE_SLOTS];

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

static void
done_free(struct done *d)
{
	free(d->user);
	free(d->name);
	store_exec_named_free(&d->x);
	d->user = d->name = NULL;
}

void
http_seen_done(const char *user, const char *name,
    const struct store_exec_named *x)
{
	struct done	*d;

	if (x->status == NULL || strcmp(x->status, "completed") != 0 ||
	    x->completed_ms == STORE_NO_MS || x->template_id == NULL ||
	    x->hash == NULL)
		return;
	d = &done[hash_of(user, name) % DONE_SLOTS];
	done_free(d);
	d->user = xstrdup(user);
	d->name = xstrdup(name);
	memcpy(d->x.id, x->id, sizeof(d->x.id));
	d->x.template_id = xstrdup(x->template_id);
	d->x.hash = xstrdup(x->hash);
	d->x.status = xstrdup(x->status);
	d->x.template_version = x->template_version;
	d->x.created_ms = x->created_ms;
	d->x.completed_ms = x->completed_ms;
}

const struct store_exec_named *
http_seen_done_get(const char *user, const char *name, int64_t now_ms)
{
	struct done	*d = &done[hash_of(user, name) % DONE_SLOTS];

	if (d->user == NULL || strcmp(d->user, user) != 0 ||
	    strcmp(d->name, name) != 0)
		return NULL;
	if (now_ms >= d->x.completed_ms + DONE_TRUST_MS) {
		done_free(d);
		return NULL;
	}
	return &d->x;
}

void
http_seen_clear(void)
{
	size_t	i;

	for (i = 0; i < SEEN_SLOTS; i++)
		seen[i] = 0;
	for (i = 0; i < DONE_SLOTS; i++)
		done_free(&done[i]);
}
