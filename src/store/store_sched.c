/*
 * The insert of a new execution shared by POST /execute's statement, the
 * supervisor's schedule fires and POST .../schedules/{id}/trigger.
 */
#include "common.h"
#include "store_int.h"

int
store_exec_insert(struct store *st, const struct store_exec_new *x)
{
	struct sparam	p[13];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_STR(x->id);
	p[1] = SP_STR(x->user);
	p[2] = SP_STR(x->name);
	p[3] = SP_STR(x->template_id);
	p[4] = SP_INT(x->version);
	p[5] = SP_STR(x->template_id);
	p[6] = SP_INT(x->version);
	p[7] = SP_STR(x->input);
	p[8] = SP_STR(x->hash);
	p[9] = SP_STR(x->reqid);
	p[10] = SP_STR(x->client);
	p[11] = SP_INT(x->created_ms);
	p[12] = SP_INT(x->admin_access);
	rc = store_exec(st, STMT_EXEC_INSERT_CHECKED, p, 13, NULL, &n, NULL);
	if (rc == RC_OK && n == 0)
		rc = RC_NOTFOUND;
	return rc;
}
