/*
 * The schema_migrations table of wfmctl migrate (src/ctl/ctl_main.c).
 */
#include "common.h"
#include "store_int.h"

/* Columns of STMT_MIGRATION_VERSION. */
enum { MV_VERSION };

int
store_migration_version(struct store *st, long long *v)
{
	struct sres	res;
	int		rc;

	*v = 0;
	if ((rc = store_exec(st, STMT_MIGRATION_VERSION, NULL, 0, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	*v = sres_int(&res, 0, MV_VERSION);
	sres_free(&res);
	return RC_OK;
}

int
store_migration_record(struct store *st, long long v, const char *name)
{
	struct sparam	p[2];

	/* STMT_MIGRATION_RECORD: version, name. */
	p[0] = SP_INT(v);
	p[1] = SP_STR(name);
	return store_exec(st, STMT_MIGRATION_RECORD, p, 2, NULL, NULL, NULL);
}
