/*
 * The insert of a new execution, with its quota slot (sql/011), shared by
 * POST /execute, the supervisor's schedule fires and POST
 * .../schedules/{id}/trigger; the slot choice of a redrive and a resume.
 */
#include <limits.h>
#include <stdint.h>

#include "common.h"
#include "log.h"
#include "store_exec.h"
#include "store_int.h"

#define ROW_PARAMS	24	/* of one row of the insert */

_Static_assert(STMT_EXEC_INSERT_MANY_LAST - STMT_EXEC_INSERT_MANY + 2 ==
    STORE_INSERT_MANY_MAX, "a text per row count of the group insert");
_Static_assert(STORE_INSERT_MANY_MAX * ROW_PARAMS <= STORE_PARAMS_HEAP,
    "the group insert's parameters");

long long
store_slot_random(int slots, const char *uuid)
{
	uint32_t	v = 0;
	int		i;

	if (slots < 1)
		return 0;
	if (uuid != NULL)
		for (i = 0; i < 8; i++)
			v = v << 4 | (uint32_t)(uuid[i] <= '9' ? uuid[i] - '0' :
			    (uuid[i] | 0x20) - 'a' + 10);
	else if (util_random(&v, sizeof(v)) != RC_OK)
		v = 0;		/* a taken slot only costs a retry */
	return (long long)(v % (uint32_t)slots);
}

int
store_slot_free(struct store *st, const char *user, int slots,
    long long *slot)
{
	struct sparam	p[2];
	struct sres	res;
	int		rc;

	p[0] = SP_STR(user);
	p[1] = SP_STR(user);
	if ((rc = store_exec(st, STMT_EXEC_FREE_SLOT, p, 2, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	*slot = res.nrows == 1 ? sres_int(&res, 0, 0) : 0;
	sres_free(&res);
	return *slot < slots ? RC_OK : RC_DENIED;
}

int
store_slot_update(struct store *st, const char *user, int slots,
    enum stmt_id stmt, struct sparam *q, size_t nq, uint64_t *n)
{
	long long	slot;
	int		rc, lost;

	q[0] = SP_INT(store_slot_random(slots, NULL));
	for (lost = 0; (rc = store_exec(st, stmt, q, nq, NULL, n, NULL)) ==
	    RC_CONFLICT;) {
		if (++lost > STORE_SLOT_TRIES)
			return RC_AGAIN;
		if ((rc = store_slot_free(st, user, slots, &slot)) != RC_OK)
			return rc;
		q[0] = SP_INT(slot);
	}
	return rc;
}

/* RC_NOTFOUND when x's name is free, RC_OK when taken, else an error. */
static int
name_taken(struct store *st, const struct store_exec_new *x)
{
	struct store_exec_named	n;
	int			rc;

	rc = store_exec_by_name(st, x->user, x->name, &n);
	store_exec_named_free(&n);
	return rc;
}

/* The 24 parameters of x's row of STMT_EXEC_INSERT_CHECKED, with slot. */
static void
row_params(struct sparam *p, const struct store_exec_new *x, long long slot)
{
	p[0] = SP_STR(x->id);
	p[1] = SP_STR(x->user);
	p[2] = SP_STR(x->name);
	p[3] = SP_STR(x->template_id);
	p[4] = SP_INT(x->version);
	p[5] = SP_INT(x->pinned != 0);
	p[6] = SP_INT(x->version);
	p[7] = SP_STR(x->user);
	p[8] = SP_INT(x->parked_room > 0 ? x->parked_room : LLONG_MAX);
	p[9] = SP_STR(x->template_id);
	p[10] = SP_INT(x->version);
	p[11] = SP_STR(x->input);
	p[12] = SP_STR(x->hash);
	p[13] = SP_STR(x->reqid);
	p[14] = SP_STR(x->client);
	p[15] = SP_INT(x->created_ms);
	p[16] = SP_INT(x->admin_access);
	p[17] = SP_STR(x->notify);
	p[18] = SP_INT(slot);
	p[19] = SP_INT(x->schedule_pk);
	p[20] = SP_STR(x->parent_id);
	p[21] = SP_STR(x->parent_step);
	p[22] = SP_STR(x->root_id);
	p[23] = SP_INT(x->depth);
}

/* One STMT_EXEC_INSERT_CHECKED with slot; RC_CHANGED: template moved. */
static int
insert_once(struct store *st, const struct store_exec_new *x, long long slot)
{
	struct sparam	p[ROW_PARAMS];
	uint64_t	n = 0;
	int		rc;

	row_params(p, x, slot);
	rc = store_exec(st, STMT_EXEC_INSERT_CHECKED, p, ROW_PARAMS, NULL, &n,
	    NULL);
	if (rc == RC_OK && n == 0)
		rc = RC_CHANGED;
	return rc;
}

/* store_exec_insert's arguments, for its store_tx body. */
struct insert_args {
	const struct store_exec_new	*x;
	int				(*taken)(void *);
	void				*arg;
};

/*
 * The slot loop; it starts again from x->id's slot each time store_tx
 * runs it.
 */
static int
insert_body(struct store *st, void *arg)
{
	const struct insert_args	*a = arg;
	const struct store_exec_new	*x = a->x;
	long long			 slot = store_slot_random(x->slots,
					     x->id);
	int				 rc, lost = 0;

	for (;;) {
		rc = insert_once(st, x, slot);
		if (rc != RC_CONFLICT)
			return rc;
		/*
		 * The name is taken, or the quota slot: then another random
		 * one, then the lowest free one, or RC_DENIED when every one
		 * is held.
		 */
		rc = a->taken != NULL ? a->taken(a->arg) : name_taken(st, x);
		if (rc != RC_NOTFOUND)
			return rc == RC_OK ? RC_CONFLICT : rc;
		if (++lost > STORE_SLOT_TRIES)
			return RC_AGAIN;
		if (lost == 1)
			slot = store_slot_random(x->slots, NULL);
		else if ((rc = store_slot_free(st, x->user, x->slots,
		    &slot)) != RC_OK)
			return rc;
	}
}

int
store_exec_insert(struct store *st, const struct store_exec_new *x,
    int (*taken)(void *), void *arg)
{
	struct insert_args	a;

	a.x = x;
	a.taken = taken;
	a.arg = arg;
	/*
	 * Outside a transaction an autocommit insert, retried by store_tx
	 * on a deadlock, lock timeout or certification failure (not on a
	 * lost connection: the INSERT may have committed). Inside the
	 * caller's, store_tx runs it once and the caller's store_tx retries
	 * the whole transaction.
	 */
	return store_tx(st, STORE_TX_AUTOCOMMIT, insert_body, &a);
}

/* store_exec_insert_many's arguments and outcome, for its store_tx body. */
struct many_args {
	const struct store_exec_new	*x;
	size_t				 n;
	int				*done;
	long long			*slot;	/* of each row, as sent */
	int				 fresh;	/* slots not from the ids */
};

/*
 * Row i's quota slot: the first try of store_exec_insert (from its id;
 * a random one when a->fresh), or a fresh random one while a row before
 * it of the same user has that slot (a few times at most: there may be
 * fewer slots than rows), so that rows of one user do not leave each
 * other out.
 */
static long long
group_slot(const struct many_args *a, size_t i)
{
	const struct store_exec_new	*x = &a->x[i];
	long long			 slot = store_slot_random(x->slots,
					     a->fresh ? NULL : x->id);
	size_t				 j;
	int				 tries;

	for (tries = 0; tries < STORE_SLOT_TRIES; tries++) {
		for (j = 0; j < i; j++)
			if (a->slot[j] == slot &&
			    strcmp(a->x[j].user, x->user) == 0)
				break;
		if (j == i)
			break;
		slot = store_slot_random(x->slots, NULL);
	}
	a->slot[i] = slot;
	return slot;
}

/* Which rows of a's group are in: those whose execution_id is a row. */
static int
rows_present(struct store *st, const struct many_args *a)
{
	struct sparam	p[STORE_INSERT_MANY_MAX];
	struct sres	res;
	size_t		i, j;
	int		rc;

	for (i = 0; i < STORE_INSERT_MANY_MAX; i++)
		p[i] = i < a->n ? SP_STR(a->x[i].id) : SP_NULL();
	if ((rc = store_exec(st, STMT_EXEC_IDS_PRESENT, p,
	    STORE_INSERT_MANY_MAX, &res, NULL, NULL)) != RC_OK)
		return rc;
	for (i = 0; i < res.nrows; i++)
		for (j = 0; j < a->n; j++)
			if (strcmp(sres_get(&res, i, 0, NULL), a->x[j].id) == 0)
				a->done[j] = 1;
	sres_free(&res);
	return RC_OK;
}

static int
many_body(struct store *st, void *arg)
{
	const struct many_args	*a = arg;
	struct sparam		 p[STORE_INSERT_MANY_MAX * ROW_PARAMS];
	uint64_t		 dups = 0;
	size_t			 i;
	int			 rc;

	for (i = 0; i < a->n; i++)
		a->done[i] = 0;
	if (a->n == 1) {
		rc = insert_once(st, a->x, group_slot(a, 0));
		a->done[0] = rc == RC_OK;
		return rc;
	}
	for (i = 0; i < a->n; i++)
		row_params(p + i * ROW_PARAMS, &a->x[i], group_slot(a, i));
	if ((rc = store_exec(st, STMT_EXEC_INSERT_MANY + (int)a->n - 2, p,
	    a->n * ROW_PARAMS, NULL, NULL, NULL)) != RC_OK)
		return rc;
	if (store_info_duplicates(st, &dups) == RC_OK && dups == 0) {
		for (i = 0; i < a->n; i++)
			a->done[i] = 1;
		return RC_OK;
	}
	/*
	 * Some were left out (or the count is unknown): read which are in.
	 * The insert committed: a failure here leaves that unknown.
	 */
	return rows_present(st, a) == RC_OK ? RC_OK : RC_AGAIN;
}

int
store_exec_insert_many(struct store *st, const struct store_exec_new *x,
    size_t n, int *done)
{
	struct store_exec_new	again[STORE_INSERT_MANY_MAX];
	struct many_args	a;
	long long		slot[STORE_INSERT_MANY_MAX];
	int			done2[STORE_INSERT_MANY_MAX];
	size_t			i, m = 0, idx[STORE_INSERT_MANY_MAX];
	int			rc;

	if (n < 1 || n > STORE_INSERT_MANY_MAX)
		fatalx("store: a group insert of %zu rows", n);
	memset(&a, 0, sizeof(a));
	a.x = x;
	a.n = n;
	a.done = done;
	a.slot = slot;
	if ((rc = store_tx(st, STORE_TX_AUTOCOMMIT, many_body, &a)) != RC_OK)
		return rc;
	/*
	 * Rows left out: most likely their slot was taken (a user with
	 * many active executions), else their name. Once more on other
	 * slots; what is still out then is its worker's to insert. This
	 * second statement failing, even with its outcome unknown, leaves
	 * its rows to their workers: one that went in after all is then
	 * their name taken, answered as a replay.
	 */
	for (i = 0; i < n; i++)
		if (!done[i]) {
			idx[m] = i;
			again[m++] = x[i];
		}
	if (m == 0)
		return RC_OK;
	a.x = again;
	a.n = m;
	a.done = done2;
	a.fresh = 1;
	if (store_tx(st, STORE_TX_AUTOCOMMIT, many_body, &a) == RC_OK)
		for (i = 0; i < m; i++)
			done[idx[i]] = done2[i];
	return RC_OK;
}
