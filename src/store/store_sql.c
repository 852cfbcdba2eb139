/*
 * Every SQL statement of the service, by id. All are prepared statements
 * with bound parameters; each is prepared on first use per connection.
 */
#include <stddef.h>

#include "common.h"
#include "store_int.h"

/* The executions columns of a list item or summary, alias e. */
#define EXEC_SUMMARY_COLS						\
	"e.execution_id, e.execution_name, e.template_id, "		\
	"e.template_version, e.status, " MS("e.created_at") ", "	\
	MS("e.completed_at") ", e.id, e.user_id, " MS("e.started_at")	\
	", (SELECT t.name FROM templates t WHERE t.id = e.template_pk)"

/* The row of STMT_EXEC_GET_DOC that holds the large columns. */
#define DOC_FIRST	"s.step_idx IS NULL OR s.step_idx = 0"

/* One row of STMT_SUP_STEP_PUT_DUE (13 params). */
#define STEP_ROW							\
	"(?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000), FROM_UNIXTIME(? / 1000), "\
	"?, ?, IF(? IS NULL, NULL, UTC_TIMESTAMP(6) + INTERVAL ? "	\
	"MICROSECOND), ?, ?)"
/* An iteration row (sql/016): a step row without input and history. */
#define ITER_ROW							\
	"(?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000), FROM_UNIXTIME(? / 1000), "\
	"?, ?, IF(? IS NULL, NULL, UTC_TIMESTAMP(6) + INTERVAL ? "	\
	"MICROSECOND))"
/* STORE_ITER_PUT_MANY (100) of them, for STMT_SUP_ITER_PUT_MANY. */
#define ITER_ROW10							\
	ITER_ROW "," ITER_ROW "," ITER_ROW "," ITER_ROW "," ITER_ROW ","	\
	ITER_ROW "," ITER_ROW "," ITER_ROW "," ITER_ROW "," ITER_ROW
#define ITER_ROW100							\
	ITER_ROW10 "," ITER_ROW10 "," ITER_ROW10 "," ITER_ROW10 ","	\
	ITER_ROW10 "," ITER_ROW10 "," ITER_ROW10 "," ITER_ROW10 ","	\
	ITER_ROW10 "," ITER_ROW10
#define ITER_UPSERT							\
	" ON DUPLICATE KEY UPDATE status = VALUES(status), "		\
	"attempts = VALUES(attempts), started_at = VALUES(started_at), "\
	"completed_at = VALUES(completed_at), output = VALUES(output), "\
	"error = VALUES(error), next_attempt_at = VALUES(next_attempt_at)"
/*
 * store_exec_wake: a parked waiting row becomes pending, claimable at
 * once (the caller nudges the supervisor); a running one gets wake_at
 * now, which its park keeps (STMT_SUP_PARK), so news that came while it
 * ran is not missed. MariaDB assigns left to right, each assignment
 * seeing the ones before it: status goes last.
 */
#define EXEC_WAKE_SET							\
	"wake_at = IF(status = 'waiting', NULL, UTC_TIMESTAMP(6)), "	\
	"run_after = IF(status = 'waiting', UTC_TIMESTAMP(6), run_after), "\
	"status = IF(status = 'waiting', 'pending', status)"
#define WHEN2	"WHEN ? THEN ? WHEN ? THEN ? "
#define WHEN8	WHEN2 WHEN2 WHEN2 WHEN2

/*
 * A schedule's columns (enum sched_col in store_sched.c), alias s, with
 * the status of its last execution (NULL once pruned).
 */
#define SCHED_COLS							\
	"s.id, s.schedule_id, s.owner_id, s.name, s.template_id, s.cron, "\
	"s.interval_seconds, s.timezone, s.input, s.overlap, s.catchup, "\
	"s.paused, " MS("s.created_at") ", " MS("s.updated_at") ", "	\
	MS("s.last_fire_at") ", s.last_execution_id, e.status, "	\
	"s.template_pk, s.admin_access, "				\
	"FLOOR(UNIX_TIMESTAMP(s.next_fire_at)) FROM schedules s "	\
	"LEFT JOIN executions e ON e.execution_id = s.last_execution_id "
#define FIRE_COLS							\
	"id, " MS("fire_at") ", " MS("fired_at") ", manual, execution_id, "\
	"reason FROM schedule_fires "

/*
 * The page key of an audit record (STMT_AUDIT_LIST): milliseconds since
 * 2020-01-01 shifted by 22 bits (positive until 2089), then (id * 2 + src)
 * modulo 2^22. Two records of one source in one millisecond would have to
 * be 2^21 ids apart to tie.
 */
#define AUDIT_KEY(at, id, src)						\
	"((CAST(UNIX_TIMESTAMP(" at ") * 1000 AS SIGNED) - 1577836800000) "\
	"* 4194304 + ((" id " * 2 + " src ") % 4194304))"

/*
 * The insert of a new execution, one row's VALUES tuple apart so that
 * the group insert repeats it (STMT_EXEC_INSERT_CHECKED below).
 */
#define EXEC_INSERT_HEAD \
	"INSERT INTO executions (execution_id, user_id, execution_name, " \
	"template_pk, template_id, template_version, input, input_hash, " \
	"status, run_after, request_id, client_addr, created_at, " \
	"admin_access, notify, quota_slot, schedule_pk, " \
	"parent_execution_id, parent_step_id, root_execution_id, depth) " \
	"VALUES "
#define EXEC_INSERT_ROW \
	"(?, ?, ?, (SELECT t.id FROM templates t WHERE " \
	"t.template_id = ? AND (t.version = ? OR (? = 1 AND " \
	"t.version > ?)) AND t.deleted_at IS NULL AND NOT EXISTS " \
	"(SELECT 1 FROM user_parked p WHERE p.user_id = ? AND " \
	"p.n >= ?)), " \
	"?, ?, ?, ?, 'pending', UTC_TIMESTAMP(6), ?, ?, " \
	"FROM_UNIXTIME(? / 1000), ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?)"
#define EXEC_INSERT_ODKU	" ON DUPLICATE KEY UPDATE id = id"
#define ROWS_2	EXEC_INSERT_ROW ", " EXEC_INSERT_ROW
#define ROWS_3	ROWS_2 ", " EXEC_INSERT_ROW
#define ROWS_4	ROWS_3 ", " EXEC_INSERT_ROW
#define ROWS_5	ROWS_4 ", " EXEC_INSERT_ROW
#define ROWS_6	ROWS_5 ", " EXEC_INSERT_ROW
#define ROWS_7	ROWS_6 ", " EXEC_INSERT_ROW
#define ROWS_8	ROWS_7 ", " EXEC_INSERT_ROW
#define ROWS_9	ROWS_8 ", " EXEC_INSERT_ROW
#define ROWS_10	ROWS_9 ", " EXEC_INSERT_ROW
#define ROWS_11	ROWS_10 ", " EXEC_INSERT_ROW
#define ROWS_12	ROWS_11 ", " EXEC_INSERT_ROW
#define ROWS_13	ROWS_12 ", " EXEC_INSERT_ROW
#define ROWS_14	ROWS_13 ", " EXEC_INSERT_ROW
#define ROWS_15	ROWS_14 ", " EXEC_INSERT_ROW
#define ROWS_16	ROWS_15 ", " EXEC_INSERT_ROW

static const char *const sql[STMT_COUNT] = {
	[STMT_MIGRATION_VERSION] =
	    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
	[STMT_MIGRATION_RECORD] =
	    "INSERT IGNORE INTO schema_migrations (version, name) "
	    "VALUES (?, ?)",
	/* store_time_limit: seconds. */
	[STMT_TIME_LIMIT] = "SET SESSION max_statement_time = ?",
	[STMT_READY] =
	    "SELECT (SELECT COALESCE(MAX(version), 0) FROM schema_migrations),"
	    " (SELECT TIMESTAMPDIFF(MICROSECOND, MAX(beat_at), NOW(6)) "
	    "FROM supervisor_heartbeats)",

	[STMT_TEMPLATE_INSERT] =
	    "INSERT INTO templates (template_id, owner_id, name, description,"
	    " version, is_public, max_concurrent, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, 1, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
	[STMT_TEMPLATE_VERSION_INSERT] =
	    "INSERT INTO template_versions (template_pk, version, definition,"
	    " created_at) VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
	[STMT_TEMPLATE_SHARE_INSERT] =
	    "INSERT IGNORE INTO template_shares (template_pk, user_id) "
	    "VALUES (?, ?)",
	[STMT_TEMPLATE_SHARES_DELETE] =
	    "DELETE FROM template_shares WHERE template_pk = ?",
	[STMT_TEMPLATE_SHARES_GET] =
	    "SELECT user_id FROM template_shares WHERE template_pk = ? "
	    "ORDER BY user_id",
	/* Params: user (for the share probe), template_id. */
	[STMT_TEMPLATE_GET] =
	    "SELECT t.id, t.template_id, t.owner_id, t.name, t.version, "
	    "t.is_public, " MS("t.created_at") ", " MS("t.updated_at") ", "
	    "t.deleted_at IS NOT NULL, v.definition, "
	    "EXISTS (SELECT 1 FROM template_shares s WHERE s.template_pk = "
	    "t.id AND s.user_id = ?), t.max_concurrent "
	    "FROM templates t JOIN template_versions v ON v.template_pk = "
	    "t.id AND v.version = t.version WHERE t.template_id = ?",
	[STMT_TEMPLATE_UPDATE] =
	    "UPDATE templates SET name = ?, description = ?, "
	    "version = version + 1, is_public = ?, max_concurrent = ?, "
	    "updated_at = UTC_TIMESTAMP(3) WHERE id = ? AND deleted_at IS NULL",
	[STMT_TEMPLATE_DELETE] =
	    "UPDATE templates SET deleted_at = UTC_TIMESTAMP(3) "
	    "WHERE id = ? AND deleted_at IS NULL",
	/* Params: cursor id, user, user, limit. */
	[STMT_TEMPLATE_LIST] =
	    "SELECT t.template_id, t.owner_id, t.name, t.version, t.is_public,"
	    " " MS("t.created_at") ", " MS("t.updated_at") ", t.id "
	    "FROM templates t WHERE t.deleted_at IS NULL AND t.id < ? AND "
	    "(t.owner_id = ? OR t.is_public = 1 OR EXISTS (SELECT 1 FROM "
	    "template_shares s WHERE s.template_pk = t.id AND s.user_id = ?))"
	    " ORDER BY t.id DESC LIMIT ?",
	[STMT_TEMPLATE_LIST_ADMIN] =
	    "SELECT t.template_id, t.owner_id, t.name, t.version, t.is_public,"
	    " " MS("t.created_at") ", " MS("t.updated_at") ", t.id "
	    "FROM templates t WHERE t.deleted_at IS NULL AND t.id < ? "
	    "ORDER BY t.id DESC LIMIT ?",
	[STMT_TEMPLATE_BY_OWNER_NAME] =
	    "SELECT template_id FROM templates WHERE owner_id = ? AND "
	    "name = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT 1",
	/* Serialises PUTs of one template: the version bump is read here. */
	[STMT_TEMPLATE_LOCK] =
	    "SELECT version, deleted_at IS NOT NULL FROM templates "
	    "WHERE id = ? FOR UPDATE",

	/* The user's active executions: the slots held (sql/011). */
	[STMT_EXEC_ACTIVE_COUNT] =
	    "SELECT COUNT(*) FROM executions WHERE user_id = ? AND "
	    "quota_slot IS NOT NULL",
	/*
	 * The lowest quota slot of a user that no execution holds (sql/011),
	 * through uq_exec_quota_slot. Params: user, user.
	 */
	[STMT_EXEC_FREE_SLOT] =
	    "SELECT IF(EXISTS (SELECT 1 FROM executions WHERE user_id = ? AND "
	    "quota_slot = 0), (SELECT MIN(a.quota_slot) + 1 FROM executions a "
	    "WHERE a.user_id = ? AND a.quota_slot IS NOT NULL AND NOT EXISTS "
	    "(SELECT 1 FROM executions b WHERE b.user_id = a.user_id AND "
	    "b.quota_slot = a.quota_slot + 1)), 0)",
	/*
	 * The one round trip of a new execution: inserted only while the
	 * template is at the version the worker validated against. A PUT,
	 * a share change or a delete in between leaves template_pk NULL,
	 * and trigger tr_exec_template_check (sql/011) refuses the row with
	 * SIGNAL 'wfm: template changed'. The quota is the slot (sql/011):
	 * a slot another active execution of the user holds is a duplicate
	 * key. The row is its own audit record (audit_in_row, sql/010).
	 * INSERT ... VALUES, not INSERT ... SELECT: InnoDB takes the
	 * table-level AUTO-INC lock for the whole of an INSERT ... SELECT
	 * under the default innodb_autoinc_lock_mode, which serialised all
	 * concurrent executes; a plain INSERT takes a short mutex.
	 * Params: execution_id, user, name, template_id, version (for the
	 * check), template_id, version, input, input_hash, request_id,
	 * client_addr, created ms, admin_access (1: accepted by an admin),
	 * notify, quota slot.
	 * The template subquery also finds no row when the user has at least
	 * the given room of waiting and paused executions (sql/022's
	 * user_parked, read by primary key: the parked count of
	 * max_unfinished_executions_per_user without a statement of its own);
	 * params after the version check: user, room.
	 */
	[STMT_EXEC_INSERT_CHECKED] = EXEC_INSERT_HEAD EXEC_INSERT_ROW,
	/*
	 * The group insert (store_exec_insert_many): k rows (2 to 16) of
	 * STMT_EXEC_INSERT_CHECKED in one statement, at
	 * STMT_EXEC_INSERT_MANY + k - 2. A row whose execution_id, name or
	 * quota slot is taken (by an older row or by one before it in the
	 * same statement) is left out: the no-op update writes nothing and
	 * mysql_info() counts it as a duplicate. Any other error (the
	 * template check's SIGNAL, a CHECK, a NULL) fails the statement,
	 * which then inserted nothing.
	 */
	[STMT_EXEC_INSERT_MANY + 0] = EXEC_INSERT_HEAD ROWS_2 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 1] = EXEC_INSERT_HEAD ROWS_3 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 2] = EXEC_INSERT_HEAD ROWS_4 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 3] = EXEC_INSERT_HEAD ROWS_5 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 4] = EXEC_INSERT_HEAD ROWS_6 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 5] = EXEC_INSERT_HEAD ROWS_7 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 6] = EXEC_INSERT_HEAD ROWS_8 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 7] = EXEC_INSERT_HEAD ROWS_9 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 8] = EXEC_INSERT_HEAD ROWS_10 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 9] = EXEC_INSERT_HEAD ROWS_11 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 10] = EXEC_INSERT_HEAD ROWS_12 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 11] = EXEC_INSERT_HEAD ROWS_13 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 12] = EXEC_INSERT_HEAD ROWS_14 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 13] = EXEC_INSERT_HEAD ROWS_15 EXEC_INSERT_ODKU,
	[STMT_EXEC_INSERT_MANY + 14] = EXEC_INSERT_HEAD ROWS_16 EXEC_INSERT_ODKU,
	/* Which of up to 16 execution ids are rows (unused places NULL). */
	[STMT_EXEC_IDS_PRESENT] =
	    "SELECT execution_id FROM executions WHERE execution_id IN "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_EXEC_BY_NAME] =
	    "SELECT e.execution_id, e.template_id, e.input_hash, e.status, "
	    "e.template_version, e.created_at, e.completed_at "
	    "FROM executions e WHERE e.user_id = ? AND e.execution_name = ?",
	/*
	 * The times of these three come as DATETIME text, read in C
	 * (sres_dt_ms), and the definition by its template_pk from the
	 * connection's cache (store_def_text): an expression per time and
	 * the join cost a GET about 20 us of server CPU (docs/bench.md,
	 * 2026-12-06, evening).
	 */
	[STMT_EXEC_GET] =
	    "SELECT e.id, e.execution_id, e.execution_name, e.template_id, "
	    "e.template_version, e.user_id, e.status, e.input, "
	    "e.final_result, e.error_details, e.created_at, e.started_at, "
	    "e.completed_at, e.cancelled_by, e.cancel_reason, "
	    "e.redrive_count, e.template_pk, e.parent_execution_id, "
	    "e.parent_step_id FROM executions e WHERE e.execution_id = ?",
	[STMT_EXEC_STEPS] =
	    "SELECT step_idx, step_id, status, attempts, started_at, "
	    "completed_at, output, error, next_attempt_at, input, "
	    "attempt_history FROM execution_steps "
	    "WHERE exec_pk = ? ORDER BY step_idx",
	/* The definition of a template version (store_def_text). */
	[STMT_TMPL_VERSION_DEF] =
	    "SELECT definition FROM template_versions "
	    "WHERE template_pk = ? AND version = ?",
	/* List params: [user,] [status,] cursor, template, template, limit */
	[STMT_EXEC_LIST_USER] =
	    "SELECT " EXEC_SUMMARY_COLS " FROM executions e "
	    "WHERE e.user_id = ? AND e.id < ? AND "
	    "(? IS NULL OR e.template_id = ?) ORDER BY e.id DESC LIMIT ?",
	[STMT_EXEC_LIST_USER_STATUS] =
	    "SELECT " EXEC_SUMMARY_COLS " FROM executions e "
	    "WHERE e.user_id = ? AND e.status = ? AND e.id < ? AND "
	    "(? IS NULL OR e.template_id = ?) ORDER BY e.id DESC LIMIT ?",
	[STMT_EXEC_LIST_ALL] =
	    "SELECT " EXEC_SUMMARY_COLS " FROM executions e "
	    "WHERE e.id < ? AND "
	    "(? IS NULL OR e.template_id = ?) ORDER BY e.id DESC LIMIT ?",
	[STMT_EXEC_LIST_ALL_STATUS] =
	    "SELECT " EXEC_SUMMARY_COLS " FROM executions e "
	    "WHERE e.status = ? AND e.id < ? AND "
	    "(? IS NULL OR e.template_id = ?) ORDER BY e.id DESC LIMIT ?",
	/*
	 * Params: cancelled_by, reason, id. A pending row, and a waiting or
	 * paused one that no supervisor holds (engine_exec_cancel), is
	 * cancelled at once; a held one is stopped by its supervisor. The
	 * assignments run left to right: those after status see the new one.
	 */
	[STMT_EXEC_CANCEL] =
	    "UPDATE executions SET cancel_requested = 1, cancelled_by = ?, "
	    "cancel_reason = ?, "
	    "status = IF(status = 'pending' OR (status IN ('waiting', "
	    "'paused') AND (claimed_by IS NULL OR lease_until IS NULL OR "
	    "lease_until <= UTC_TIMESTAMP(6))), 'cancelled', status), "
	    "claimed_by = IF(status = 'cancelled', NULL, claimed_by), "
	    "lease_until = IF(status = 'cancelled', NULL, lease_until), "
	    "wake_at = IF(status = 'cancelled', NULL, wake_at), "
	    "completed_at = IF(status = 'cancelled', UTC_TIMESTAMP(3), "
	    "completed_at) WHERE id = ? AND status IN ('pending', 'running', "
	    "'waiting', 'paused')",
	/* Params: quota slot, admin_access (of the caller), id. */
	[STMT_EXEC_REDRIVE] =
	    "UPDATE executions SET status = 'pending', quota_slot = ?, "
	    "run_after = UTC_TIMESTAMP(6), redrive_count = redrive_count + 1,"
	    " cancel_requested = 0, cancelled_by = NULL, cancel_reason = NULL,"
	    " final_result = NULL, started_at = NULL, "
	    "error_details = NULL, completed_at = NULL, claimed_by = NULL, "
	    "lease_until = NULL, wake_at = NULL, paused_at = NULL, "
	    "paused_us = 0, admin_access = ? WHERE id = ? AND "
	    "status IN ('failed', 'cancelled', 'timed_out')",
	[STMT_EXEC_REDRIVE_STEPS] =
	    "UPDATE execution_steps SET status = 'pending', attempts = 0, "
	    "started_at = NULL, completed_at = NULL, output = NULL, "
	    "error = NULL, next_attempt_at = NULL, input = NULL, "
	    "attempt_history = NULL WHERE exec_pk = ? AND "
	    "status NOT IN ('completed', 'skipped')",
	/*
	 * Pause (engine_exec_pause), params: id. A row a supervisor holds
	 * keeps its claim while the supervisor lets its running steps
	 * finish and then parks it (STMT_SUP_PARK); a claim whose lease
	 * has run out is dropped here, nobody finishes it. Assignments run
	 * left to right: lease_until sees the new claimed_by.
	 */
	[STMT_EXEC_PAUSE] =
	    "UPDATE executions SET status = 'paused', "
	    "paused_at = UTC_TIMESTAMP(6), "
	    "claimed_by = IF(lease_until > UTC_TIMESTAMP(6), claimed_by, "
	    "NULL), lease_until = IF(claimed_by IS NULL, NULL, lease_until) "
	    "WHERE id = ? AND status IN ('pending', 'running', 'waiting')",
	/*
	 * Resume (engine_exec_resume), params: quota slot, id. Held (its
	 * supervisor is still finishing steps under a live lease): running
	 * again, the supervisor goes on. Otherwise pending and claimable at
	 * once. Either way active again, with a quota slot (sql/011; a
	 * taken one is a duplicate key, as for a redrive). The time paused
	 * after the first claim is added to paused_us, so the execution's
	 * own timeout does not count it.
	 */
	[STMT_EXEC_RESUME] =
	    "UPDATE executions SET quota_slot = ?, paused_us = paused_us + "
	    "IF(started_at IS NULL OR paused_at IS NULL, 0, "
	    "TIMESTAMPDIFF(MICROSECOND, paused_at, UTC_TIMESTAMP(6))), "
	    "paused_at = NULL, "
	    "status = IF(claimed_by IS NOT NULL AND lease_until > "
	    "UTC_TIMESTAMP(6), 'running', 'pending'), "
	    "claimed_by = IF(status = 'running', claimed_by, NULL), "
	    "lease_until = IF(status = 'running', lease_until, NULL), "
	    "run_after = IF(status = 'pending', UTC_TIMESTAMP(6), run_after) "
	    "WHERE id = ? AND status = 'paused'",

	[STMT_AUDIT_INSERT] =
	    "INSERT INTO audit_log (at, user_id, action, object_type, "
	    "object_id, client_addr, request_id, detail) VALUES "
	    "(UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?)",
	/*
	 * Admin view, newest first: the audit_log rows and, since sql/010,
	 * the 'execution.create' records that are execution rows themselves
	 * (audit_in_row = 1). Both are read newest first through an index
	 * ending in (time, id): ix_audit_at, ix_exec_created. The page key
	 * (column 0, the cursor) is AUDIT_KEY: milliseconds since 2020 in
	 * the high bits, then (id * 2 + source) modulo 2^22, so that the two
	 * sources interleave by time and ties order the same way every time.
	 * Params, each half: user, user, action, action, since, since,
	 * cursor ms, cursor ms, cursor; then the limit (also of each half).
	 */
	[STMT_AUDIT_LIST] =
	    "SELECT k, at_ms, user_id, action, object_type, object_id, "
	    "client_addr, request_id, detail FROM ("
	    "(SELECT " AUDIT_KEY("at", "id", "0") " AS k, " MS("at") " AS at_ms,"
	    " user_id, action, object_type, object_id, client_addr, request_id,"
	    " detail FROM audit_log "
	    "WHERE (? IS NULL OR user_id = ?) AND (? IS NULL OR action = ?) "
	    "AND (? IS NULL OR at >= FROM_UNIXTIME(? / 1000)) "
	    "AND (? IS NULL OR at <= FROM_UNIXTIME(? / 1000)) "
	    "AND " AUDIT_KEY("at", "id", "0") " < ? "
	    "ORDER BY at DESC, id DESC LIMIT ?) UNION ALL "
	    "(SELECT " AUDIT_KEY("created_at", "id", "1") ", " MS("created_at")
	    ", user_id, 'execution.create', 'execution', execution_id, "
	    "client_addr, request_id, JSON_OBJECT('execution_name', "
	    "execution_name, 'template_id', template_id) FROM executions "
	    "WHERE audit_in_row = 1 AND (? IS NULL OR user_id = ?) AND "
	    "(? IS NULL OR ? = 'execution.create') "
	    "AND (? IS NULL OR created_at >= FROM_UNIXTIME(? / 1000)) "
	    "AND (? IS NULL OR created_at <= FROM_UNIXTIME(? / 1000)) "
	    "AND " AUDIT_KEY("created_at", "id", "1") " < ? "
	    "ORDER BY created_at DESC, id DESC LIMIT ?)) u "
	    "ORDER BY k DESC LIMIT ?",

	[STMT_SECRET_PUT] =
	    "REPLACE INTO secrets (owner_id, name, nonce, ciphertext, tag, "
	    "updated_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3))",
	[STMT_SECRETS_OF_OWNER] =
	    "SELECT name, nonce, ciphertext, tag FROM secrets "
	    "WHERE owner_id = ?",

	[STMT_METRICS_EXEC] =
	    "SELECT status, COUNT(*) FROM executions GROUP BY status",
	/* Both counts walk ix_exec_claim within status = 'pending'. */
	[STMT_METRICS_QUEUE] =
	    "SELECT COUNT(*), COALESCE(SUM(run_after <= UTC_TIMESTAMP(6)), 0)"
	    " FROM executions WHERE status = 'pending'",

	/*
	 * GET /workflow-management/system (admin). Every statement reads a
	 * bounded range of an index: status = 'pending' of ix_exec_claim,
	 * the last hour of ix_exec_retention, status = 'running' of
	 * ix_exec_lease, and the two heartbeat tables (one row per live
	 * supervisor or host). The last column of the queue is the
	 * database's clock in ms: the throughput window is cut on it.
	 */
	[STMT_SYS_QUEUE] =
	    "SELECT COUNT(*), COALESCE(SUM(run_after <= UTC_TIMESTAMP(6)), 0),"
	    " CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED) "
	    "FROM executions WHERE status = 'pending'",
	/*
	 * Finished executions per 5-minute bucket (epoch seconds / 300)
	 * and status since the window start (param: epoch ms), a range
	 * scan of ix_exec_retention; at most 12 buckets of 4 statuses.
	 */
	[STMT_SYS_THROUGHPUT] =
	    "SELECT CAST(FLOOR(UNIX_TIMESTAMP(completed_at) / 300) AS SIGNED)"
	    " AS b, status, COUNT(*) FROM executions "
	    "WHERE completed_at >= FROM_UNIXTIME(? / 1000) "
	    "GROUP BY b, status ORDER BY b LIMIT 200",
	/* Claimers of running rows, through ix_exec_lease. */
	[STMT_SYS_CLAIMERS] =
	    "SELECT claimed_by, COUNT(*), " MS("MAX(lease_until)") ", "
	    "COALESCE(SUM(lease_until < UTC_TIMESTAMP(6)), 0) "
	    "FROM executions WHERE status = 'running' "
	    "GROUP BY claimed_by ORDER BY claimed_by LIMIT 100",
	[STMT_SYS_SUPERVISORS] =
	    "SELECT supervisor_id, host, pid, " MS("started_at") ", "
	    MS("beat_at") ", TIMESTAMPDIFF(MICROSECOND, beat_at, "
	    "UTC_TIMESTAMP(6)) FROM supervisor_heartbeats "
	    "ORDER BY supervisor_id LIMIT 100",
	[STMT_SYS_REPLICA_BEATS] =
	    "SELECT host_id, " MS("beat_at") ", TIMESTAMPDIFF(MICROSECOND, "
	    "beat_at, UTC_TIMESTAMP(6)) FROM replica_heartbeat "
	    "ORDER BY host_id LIMIT 100",

	/* Replicas (store_replica.c). Params: host id. */
	[STMT_REPLICA_BEAT] =
	    "INSERT INTO replica_heartbeat (host_id, beat_at) VALUES "
	    "(?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE "
	    "beat_at = VALUES(beat_at)",
	/* On the replica: the age of the freshest beat, in ms. */
	[STMT_REPLICA_LAG] =
	    "SELECT CAST(TIMESTAMPDIFF(MICROSECOND, MAX(beat_at), "
	    "UTC_TIMESTAMP(6)) / 1000 AS SIGNED) FROM replica_heartbeat",

	/* Supervisor. Params: id, host, pid. */
	[STMT_SUP_HEARTBEAT] =
	    "INSERT INTO supervisor_heartbeats (supervisor_id, host, pid, "
	    "started_at, beat_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6), "
	    "UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE "
	    "beat_at = UTC_TIMESTAMP(6)",
	[STMT_SUP_HEARTBEAT_DELETE] =
	    "DELETE FROM supervisor_heartbeats WHERE supervisor_id = ? OR "
	    "beat_at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY",
	/*
	 * The claim: equality on status, range on run_after, in the order
	 * of ix_exec_claim, so LIMIT stops after n index entries and
	 * SKIP LOCKED passes over rows another supervisor is claiming.
	 * ORDER BY names only run_after, id: with status in it, the
	 * connection's collation made the optimizer sort (and lock) every
	 * runnable row instead of reading the index in order.
	 */
	[STMT_SUP_CLAIM_SELECT] =
	    "SELECT id, template_pk, claim_epoch FROM executions "
	    "WHERE status = 'pending' "
	    "AND run_after <= UTC_TIMESTAMP(6) ORDER BY run_after, id "
	    "LIMIT ? FOR UPDATE SKIP LOCKED",
	/*
	 * The same in a window of ids past the last row claims read, in
	 * primary key order: one lock a row instead of two, and none of
	 * the ix_exec_claim entries of rows claimed before (delete-marked
	 * until purged), which a locking read through that index visits
	 * again (docs/bench.md, 2026-12-06 afternoon). The window bounds
	 * the rows read whatever their status. Params: after, upto, limit.
	 */
	[STMT_SUP_CLAIM_SELECT_AFTER] =
	    "SELECT id, template_pk, claim_epoch FROM executions "
	    "FORCE INDEX (PRIMARY) WHERE id > ? AND id <= ? "
	    "AND status = 'pending' AND run_after <= UTC_TIMESTAMP(6) "
	    "ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
	/* Expired leases, through ix_exec_lease. */
	[STMT_SUP_RECLAIM_SELECT] =
	    "SELECT id, template_pk, claim_epoch FROM executions "
	    "WHERE status = 'running' AND lease_until < UTC_TIMESTAMP(6) "
	    "ORDER BY lease_until LIMIT ? FOR UPDATE SKIP LOCKED",
	[STMT_SUP_TEMPLATE_LIMIT] =
	    "SELECT max_concurrent FROM templates WHERE id = ?",
	/* Serialises claims of one limited template across supervisors. */
	[STMT_SUP_TEMPLATE_LIMIT_LOCK] =
	    "SELECT max_concurrent FROM templates WHERE id = ? FOR UPDATE",
	[STMT_SUP_RUNNING_OF_TEMPLATE] =
	    "SELECT COUNT(*) FROM executions WHERE template_pk = ? AND "
	    "status = 'running'",
	/* Params: claimer, lease seconds, 32 ids (unused places hold 0). */
	[STMT_SUP_CLAIM_UPDATE_MANY] =
	    "UPDATE executions SET status = 'running', claimed_by = ?, "
	    "lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND, "
	    "claim_epoch = claim_epoch + 1, wake_at = NULL, "
	    "started_at = COALESCE(started_at, UTC_TIMESTAMP(3)) WHERE id IN "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/*
	 * Up to 32 claimed executions at once (unused places hold 0). The
	 * last column says whether the execution's user may still use its
	 * template (admin at acceptance, owner, public or shared): access
	 * is checked again at every claim, before any step starts. The
	 * claimer and status after it: a claim is run only where they are
	 * ours (Galera: two nodes may both have selected the row). The
	 * index hint: with a deep queue of one template the optimizer chose
	 * ix_exec_template and read every row of it (1 ms for 16 rows in a
	 * drain of 10,000, against 0.26 by primary key: docs/bench.md).
	 */
	[STMT_SUP_LOAD] =
	    "SELECT e.execution_id, e.execution_name, e.user_id, e.input, "
	    "v.definition, t.owner_id, e.claim_epoch, "
	    "TIMESTAMPDIFF(MICROSECOND, e.started_at, UTC_TIMESTAMP(6)) - "
	    "e.paused_us, e.cancel_requested, "
	    "TIMESTAMPDIFF(MICROSECOND, e.created_at, UTC_TIMESTAMP(6)), "
	    "e.redrive_count, e.id, "
	    "(e.admin_access = 1 OR t.owner_id = e.user_id OR "
	    "t.is_public = 1 OR EXISTS (SELECT 1 FROM template_shares s "
	    "WHERE s.template_pk = t.id AND s.user_id = e.user_id)), "
	    "e.claimed_by, e.status, e.parent_execution_id, e.depth, "
	    "e.root_execution_id, IF(e.status = 'paused' AND e.paused_at IS "
	    "NOT NULL AND e.started_at IS NOT NULL, TIMESTAMPDIFF(MICROSECOND, "
	    "e.paused_at, UTC_TIMESTAMP(6)), 0), e.notify IS NOT NULL "
	    "FROM executions e FORCE INDEX (PRIMARY) "
	    "JOIN template_versions v ON v.template_pk = e.template_pk AND "
	    "v.version = e.template_version "
	    "JOIN templates t ON t.id = e.template_pk WHERE e.id IN "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/*
	 * The fence: every write of a supervisor runs in a transaction that
	 * starts here. It matches only while we hold the lease we claimed,
	 * and it locks the row until commit, so no one takes over mid-way.
	 * A paused row is still ours while its running steps finish.
	 * Params: lease seconds, id, claimer, epoch.
	 */
	[STMT_SUP_FENCE] =
	    "UPDATE executions SET lease_until = UTC_TIMESTAMP(6) + "
	    "INTERVAL ? SECOND WHERE id = ? AND claimed_by = ? AND "
	    "claim_epoch = ? AND status IN ('running', 'paused')",
	/*
	 * Params: status, final_result, error_details, tmpl_notify (sql/018:
	 * 0 when the definition has no global_config.notify, else NULL), id,
	 * claimer, epoch.
	 */
	[STMT_SUP_FINISH] =
	    "UPDATE executions SET status = ?, final_result = ?, "
	    "error_details = ?, tmpl_notify = ?, "
	    "completed_at = UTC_TIMESTAMP(3), "
	    "claimed_by = NULL, lease_until = NULL WHERE id = ? AND "
	    "claimed_by = ? AND claim_epoch = ?",
	/*
	 * A paused row stays paused (unless a cancel waits: then pending,
	 * and whoever claims it cancels it).
	 */
	[STMT_SUP_RELEASE] =
	    "UPDATE executions SET status = IF(status = 'paused' AND "
	    "cancel_requested = 0, 'paused', 'pending'), claimed_by = NULL, "
	    "lease_until = NULL, run_after = UTC_TIMESTAMP(6) WHERE id = ? "
	    "AND claimed_by = ? AND claim_epoch = ? AND "
	    "status IN ('running', 'paused')",
	/*
	 * Params: lease seconds, claimer. A held paused row has a lease, a
	 * parked one has none: the range on (status, lease_until) of
	 * ix_exec_lease never reads the parked ones.
	 */
	[STMT_SUP_RENEW_ALL] =
	    "UPDATE executions SET lease_until = UTC_TIMESTAMP(6) + "
	    "INTERVAL ? SECOND WHERE status IN ('running', 'paused') AND "
	    "lease_until IS NOT NULL AND claimed_by = ?",
	/*
	 * Our rows with a cancel to act on or paused (their runs start no
	 * step and park once idle); a pausing run missing here was resumed.
	 * Columns: id, cancel requested, paused.
	 */
	[STMT_SUP_CANCEL_POLL] =
	    "SELECT id, cancel_requested, status = 'paused' FROM executions "
	    "WHERE claimed_by = ? AND ((status = 'running' AND "
	    "cancel_requested = 1) OR (status = 'paused' AND "
	    "lease_until IS NOT NULL))",
	/*
	 * Retention in small batches through ix_exec_retention, in one
	 * transaction: the completion time of the 500th oldest finished row
	 * past retention (NULL: none), then the audit records of the rows up
	 * to it copied to audit_log (sql/010; the copy locks them, so a redrive
	 * cannot take one out of the batch in between), then the delete.
	 */
	[STMT_SUP_PRUNE_CUTOFF] =
	    "SELECT " MS("MAX(completed_at)") " FROM (SELECT completed_at FROM "
	    "executions WHERE completed_at < UTC_TIMESTAMP(3) - INTERVAL ? DAY "
	    "AND status IN ('completed', 'failed', 'cancelled', 'timed_out') "
	    "ORDER BY completed_at LIMIT 500) x",
	[STMT_SUP_PRUNE_AUDIT] =
	    "INSERT INTO audit_log (at, user_id, action, object_type, "
	    "object_id, client_addr, request_id, detail) SELECT created_at, "
	    "user_id, 'execution.create', 'execution', execution_id, "
	    "client_addr, request_id, JSON_OBJECT('execution_name', "
	    "execution_name, 'template_id', template_id) FROM executions "
	    "WHERE completed_at <= FROM_UNIXTIME(? / 1000) AND status IN "
	    "('completed', 'failed', 'cancelled', 'timed_out') AND "
	    "audit_in_row = 1 ORDER BY completed_at, id FOR UPDATE",
	[STMT_SUP_PRUNE] =
	    "DELETE FROM executions WHERE completed_at <= FROM_UNIXTIME(? / "
	    "1000) AND status IN ('completed', 'failed', 'cancelled', "
	    "'timed_out')",
	/*
	 * Claimers on this host other than us that hold running rows
	 * (params: "host:%" pattern, own id). A plain read: the caller
	 * keeps those whose process is gone and locks their rows below.
	 */
	[STMT_SUP_ORPHAN_OWNERS] =
	    "SELECT DISTINCT claimed_by FROM executions WHERE "
	    "status = 'running' AND claimed_by LIKE ? AND claimed_by <> ?",
	/* Params: a dead claimer's id, limit. */
	[STMT_SUP_ORPHANS_OF] =
	    "SELECT id, template_pk, claim_epoch FROM executions "
	    "WHERE status = 'running' AND claimed_by = ? LIMIT ? FOR UPDATE SKIP LOCKED",
	/* Give back a claim we cannot run. Params: id, claimer. */
	[STMT_SUP_RELEASE_MINE] =
	    "UPDATE executions SET status = IF(status = 'paused' AND "
	    "cancel_requested = 0, 'paused', 'pending'), claimed_by = NULL, "
	    "lease_until = NULL, run_after = UTC_TIMESTAMP(6) WHERE id = ? "
	    "AND claimed_by = ? AND status IN ('running', 'paused')",
	/* What the database says we hold, and since which claim. */
	[STMT_SUP_MINE_LIST] =
	    "SELECT id, claim_epoch FROM executions WHERE "
	    "status IN ('running', 'paused') AND lease_until IS NOT NULL AND "
	    "claimed_by = ?",
	/*
	 * One step row, written or updated, with the time a delay ends or
	 * the next retry is due, kept on the database clock so that a
	 * resumed execution waits only what is left. Params: pk, idx, step
	 * id, status, attempts, started ms, completed ms, output, error,
	 * then the microseconds left twice (NULL: no timer).
	 */
	[STMT_SUP_STEP_PUT_DUE] =
	    "INSERT INTO execution_steps (exec_pk, step_idx, step_id, status, "
	    "attempts, started_at, completed_at, output, error, "
	    "next_attempt_at, input, attempt_history) VALUES " STEP_ROW
	    " ON DUPLICATE KEY "
	    "UPDATE status = VALUES(status), attempts = VALUES(attempts), "
	    "started_at = VALUES(started_at), completed_at = "
	    "VALUES(completed_at), output = VALUES(output), error = "
	    "VALUES(error), next_attempt_at = VALUES(next_attempt_at), "
	    "input = VALUES(input), attempt_history = "
	    "VALUES(attempt_history)",
	/*
	 * STMT_SUP_STEP_PUT_DUE for SUP_ROWS_MANY rows at once (the round's
	 * writes); every place is used.
	 */
	[STMT_SUP_STEP_PUT_MANY] =
	    "INSERT INTO execution_steps (exec_pk, step_idx, step_id, status, "
	    "attempts, started_at, completed_at, output, error, "
	    "next_attempt_at, input, attempt_history) VALUES " STEP_ROW
	    "," STEP_ROW "," STEP_ROW ","
	    STEP_ROW "," STEP_ROW "," STEP_ROW "," STEP_ROW "," STEP_ROW
	    " ON DUPLICATE KEY "
	    "UPDATE status = VALUES(status), attempts = VALUES(attempts), "
	    "started_at = VALUES(started_at), completed_at = "
	    "VALUES(completed_at), output = VALUES(output), error = "
	    "VALUES(error), next_attempt_at = VALUES(next_attempt_at), "
	    "input = VALUES(input), attempt_history = "
	    "VALUES(attempt_history)",
	/*
	 * STMT_SUP_FINISH for up to SUP_ROWS_MANY executions, each fenced by
	 * its own epoch; the caller compares the rows matched with the ids
	 * it sent. Params: the (id, status) pairs, the (id, final_result)
	 * pairs, the (id, error_details) pairs, the (id, tmpl_notify) pairs,
	 * the ids, the claimer, the (id, epoch) pairs; unused places hold
	 * id 0.
	 */
	[STMT_SUP_FINISH_MANY] =
	    "UPDATE executions SET status = CASE id " WHEN8 " END, "
	    "final_result = CASE id " WHEN8 " END, "
	    "error_details = CASE id " WHEN8 " END, "
	    "tmpl_notify = CASE id " WHEN8 " END, "
	    "completed_at = UTC_TIMESTAMP(3), claimed_by = NULL, "
	    "lease_until = NULL WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?) AND "
	    "claimed_by = ? AND claim_epoch = CASE id " WHEN8 " END",
	/* An execution's step rows, with the microseconds left on a timer. */
	[STMT_SUP_STEPS_LOAD_DUE] =
	    "SELECT step_idx, status, attempts, output, "
	    MS("started_at") ", TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), "
	    "next_attempt_at), attempt_history, input FROM execution_steps "
	    "WHERE exec_pk = ?",
	/*
	 * A run gives its slot and lease back without ending (engine_park):
	 * fenced by its claim, only from the status it parks from (paused:
	 * a resume in between made it running again) and only with no
	 * cancel to act on. wake_at: microseconds from now until its
	 * earliest step timeout, or NULL; a wake that came while the run
	 * held the row (store_exec_wake: a child ended) is kept. Params:
	 * new status, wake us twice, id, claimer, epoch, status it parks
	 * from.
	 */
	[STMT_SUP_PARK] =
	    "UPDATE executions SET status = ?, claimed_by = NULL, "
	    "lease_until = NULL, wake_at = IF(wake_at IS NOT NULL AND "
	    "wake_at <= UTC_TIMESTAMP(6), wake_at, IF(? IS NULL, NULL, "
	    "UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)) WHERE id = ? AND "
	    "claimed_by = ? AND claim_epoch = ? AND status = ? AND "
	    "cancel_requested = 0",
	/*
	 * Why a park matched nothing. Params: claimer, epoch, id. Columns:
	 * status, cancel requested, still ours.
	 */
	[STMT_SUP_PARK_CHECK] =
	    "SELECT status, cancel_requested, claimed_by <=> ? AND "
	    "claim_epoch = ? FROM executions WHERE id = ?",
	/*
	 * Waiting executions whose earliest step timeout is due, through
	 * ix_exec_wake (status, wake_at): equality on status, then the
	 * range reads only due rows in order (a NULL wake_at is outside
	 * it), whatever the number of waiting ones.
	 */
	[STMT_SUP_WAKE_SELECT] =
	    "SELECT id, template_pk, claim_epoch FROM executions FORCE INDEX "
	    "(ix_exec_wake) WHERE status = 'waiting' AND wake_at <= "
	    "UTC_TIMESTAMP(6) ORDER BY wake_at LIMIT ? FOR UPDATE SKIP LOCKED",

	/*
	 * Schedules. Params: schedule_id, owner, name, template_pk,
	 * template_id, cron, interval, timezone, input, overlap, catchup,
	 * paused, admin_access, next fire (epoch seconds or NULL), owner
	 * slot (sql/020: a taken one is a duplicate key).
	 */
	[STMT_SCHED_INSERT] =
	    "INSERT INTO schedules (schedule_id, owner_id, name, template_pk,"
	    " template_id, cron, interval_seconds, timezone, input, overlap, "
	    "catchup, paused, admin_access, next_fire_at, created_at, "
	    "updated_at, owner_slot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, FROM_UNIXTIME(?), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), "
	    "?)",
	[STMT_SCHED_COUNT_OWNER] =
	    "SELECT COUNT(*) FROM schedules WHERE owner_id = ?",
	[STMT_SCHED_GET] =
	    "SELECT " SCHED_COLS "WHERE s.schedule_id = ?",
	[STMT_SCHED_LAST_FIRE] =
	    "SELECT " FIRE_COLS "WHERE schedule_pk = ? ORDER BY id DESC "
	    "LIMIT 1",
	/*
	 * A full replacement (PUT). Params: name, template_pk, template_id,
	 * cron, interval, timezone, input, overlap, catchup, paused,
	 * admin_access, next fire (epoch seconds or NULL), id.
	 */
	[STMT_SCHED_UPDATE] =
	    "UPDATE schedules SET name = ?, template_pk = ?, template_id = ?, "
	    "cron = ?, interval_seconds = ?, timezone = ?, input = ?, "
	    "overlap = ?, catchup = ?, paused = ?, admin_access = ?, "
	    "next_fire_at = FROM_UNIXTIME(?), buffered_at = NULL, "
	    "updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
	[STMT_SCHED_DELETE] =
	    "DELETE FROM schedules WHERE id = ?",
	[STMT_SCHED_PAUSE] =
	    "UPDATE schedules SET paused = 1, next_fire_at = NULL, "
	    "buffered_at = NULL, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
	/* Params: next fire (epoch seconds or NULL), id. */
	[STMT_SCHED_RESUME] =
	    "UPDATE schedules SET paused = 0, next_fire_at = FROM_UNIXTIME(?),"
	    " updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
	/* Params: owner, cursor, limit. */
	[STMT_SCHED_LIST_OWNER] =
	    "SELECT " SCHED_COLS "WHERE s.owner_id = ? AND s.id < ? "
	    "ORDER BY s.id DESC LIMIT ?",
	[STMT_SCHED_LIST_ALL] =
	    "SELECT " SCHED_COLS "WHERE s.id < ? ORDER BY s.id DESC LIMIT ?",
	/* Params: schedule pk, cursor, limit. */
	[STMT_SCHED_FIRES] =
	    "SELECT " FIRE_COLS "WHERE schedule_pk = ? AND id < ? "
	    "ORDER BY id DESC LIMIT ?",
	/* Params: schedule pk, fire ms, manual, execution_id, reason. */
	[STMT_SCHED_FIRE_INSERT] =
	    "INSERT INTO schedule_fires (schedule_pk, fire_at, manual, "
	    "fired_at, execution_id, reason) VALUES (?, FROM_UNIXTIME(? / "
	    "1000), ?, UTC_TIMESTAMP(3), ?, ?)",
	/* Params: fire ms, execution_id, id. */
	[STMT_SCHED_SET_LAST] =
	    "UPDATE schedules SET last_fire_at = FROM_UNIXTIME(? / 1000), "
	    "last_execution_id = ? WHERE id = ?",
	/* Deleting a template pauses its schedules (ix_sched_template). */
	[STMT_SCHED_PAUSE_TEMPLATE] =
	    "UPDATE schedules SET paused = 1, next_fire_at = NULL, "
	    "buffered_at = NULL, updated_at = UTC_TIMESTAMP(3) WHERE "
	    "template_pk = ? AND paused = 0",
	/*
	 * The due fires: a range on ix_sched_due in index order, so LIMIT
	 * stops after n entries whatever the table holds, and SKIP LOCKED
	 * passes over the schedules another supervisor is firing. The last
	 * column is the database's clock, the one every supervisor shares.
	 */
	[STMT_SCHED_DUE] =
	    "SELECT id, schedule_id, owner_id, name, template_pk, cron, "
	    "interval_seconds, timezone, input, overlap, catchup, "
	    "admin_access, FLOOR(UNIX_TIMESTAMP(next_fire_at)), "
	    "FLOOR(UNIX_TIMESTAMP(buffered_at)), last_execution_id, "
	    "FLOOR(UNIX_TIMESTAMP(UTC_TIMESTAMP(6))) FROM schedules "
	    "WHERE next_fire_at <= UTC_TIMESTAMP(6) ORDER BY next_fire_at "
	    "LIMIT ? FOR UPDATE SKIP LOCKED",
	/*
	 * The template of a fire, and whether the owner may still use it
	 * (owner, public or shared; admin_access is the schedule's).
	 * Params: owner, owner, template pk.
	 */
	[STMT_SCHED_TMPL] =
	    "SELECT t.template_id, t.version, t.deleted_at IS NOT NULL, "
	    "v.definition, (t.owner_id = ? OR t.is_public = 1 OR EXISTS "
	    "(SELECT 1 FROM template_shares s WHERE s.template_pk = t.id AND "
	    "s.user_id = ?)) FROM templates t JOIN template_versions v ON "
	    "v.template_pk = t.id AND v.version = t.version WHERE t.id = ?",
	[STMT_SCHED_EXEC_STATUS] =
	    "SELECT status FROM executions WHERE execution_id = ?",
	/*
	 * After a schedule's fires. Params: next fire (s or NULL), buffered
	 * fire (s or NULL), last fire ms (or NULL), last execution id (or
	 * NULL: unchanged), pause (1: the template is gone), id.
	 */
	[STMT_SCHED_ADVANCE] =
	    "UPDATE schedules SET next_fire_at = FROM_UNIXTIME(?), "
	    "buffered_at = FROM_UNIXTIME(?), last_fire_at = "
	    "COALESCE(FROM_UNIXTIME(? / 1000), last_fire_at), "
	    "last_execution_id = COALESCE(?, last_execution_id), "
	    "paused = GREATEST(paused, ?) WHERE id = ?",
	/* The supervisor's sleep: MIN over ix_sched_due is one probe. */
	[STMT_SCHED_NEXT_DUE] =
	    "SELECT TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), "
	    "MIN(next_fire_at)) FROM schedules",
	/* Fires older than retention_days, in small batches. */
	[STMT_SCHED_PRUNE] =
	    "DELETE FROM schedule_fires WHERE fire_at < UTC_TIMESTAMP(3) - "
	    "INTERVAL ? DAY ORDER BY fire_at LIMIT 500",
	/* wfmctl schedules, oldest first. Params: cursor, limit. */
	[STMT_SCHED_CTL_LIST] =
	    "SELECT " SCHED_COLS "WHERE s.id > ? ORDER BY s.id LIMIT ?",
	/*
	 * Keep a schedule's newest 1,000 fires (engine.md, Retention); the
	 * derived table lets MariaDB read the table it deletes from.
	 * Params: schedule pk twice.
	 */
	[STMT_SCHED_FIRES_TRIM] =
	    "DELETE FROM schedule_fires WHERE schedule_pk = ? AND id < "
	    "(SELECT id FROM (SELECT id FROM schedule_fires WHERE "
	    "schedule_pk = ? ORDER BY id DESC LIMIT 1 OFFSET 999) k)",
	/*
	 * Webhooks (sql/009_webhooks.sql). The last column of a secret says
	 * whether the previous one still signs (24 h after the rotation).
	 */
	[STMT_WH_SECRET_GET] =
	    "SELECT nonce, ciphertext, tag, " MS("created_at") ", "
	    "prev_nonce, prev_ciphertext, prev_tag, " MS("rotated_at") ", "
	    "rotated_at IS NOT NULL AND rotated_at > UTC_TIMESTAMP(3) - "
	    "INTERVAL 24 HOUR FROM webhook_secrets WHERE user_id = ?",
	/* MariaDB assigns left to right: prev_* get the old values. */
	[STMT_WH_SECRET_PUT] =
	    "INSERT INTO webhook_secrets (user_id, nonce, ciphertext, tag, "
	    "created_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3)) "
	    "ON DUPLICATE KEY UPDATE prev_nonce = nonce, "
	    "prev_ciphertext = ciphertext, prev_tag = tag, "
	    "rotated_at = UTC_TIMESTAMP(3), nonce = VALUES(nonce), "
	    "ciphertext = VALUES(ciphertext), tag = VALUES(tag), "
	    "created_at = UTC_TIMESTAMP(3)",
	[STMT_WH_OUTBOX_OF_EXEC] =
	    "SELECT id, event, url, webhook_id, status, attempts, "
	    MS("next_try_at") ", " MS("created_at") ", kind "
	    "FROM webhook_outbox WHERE exec_pk = ? ORDER BY id LIMIT 100",
	[STMT_WH_ATTEMPTS_OF_EXEC] =
	    "SELECT a.outbox_id, " MS("a.at") ", a.status_code, a.error "
	    "FROM webhook_attempts a JOIN webhook_outbox o "
	    "ON o.id = a.outbox_id WHERE o.exec_pk = ? ORDER BY a.id "
	    "LIMIT 10000",
	/* Walks ix_outbox_due; inside the claimer's transaction. */
	[STMT_WH_CLAIM_SELECT] =
	    "SELECT id FROM webhook_outbox WHERE status = 'pending' AND "
	    "next_try_at <= UTC_TIMESTAMP(6) ORDER BY next_try_at LIMIT ? "
	    "FOR UPDATE SKIP LOCKED",
	/* The claim: nobody else takes it until the attempt is over. */
	[STMT_WH_CLAIM_MARK] =
	    "UPDATE webhook_outbox SET next_try_at = UTC_TIMESTAMP(6) + "
	    "INTERVAL ? SECOND WHERE id = ?",
	[STMT_WH_LOAD] =
	    "SELECT o.kind, o.signer, o.event, o.url, o.webhook_id, "
	    "o.payload, o.attempts, " MS("o.created_at") ", "
	    "e.id, e.execution_id, e.execution_name, e.template_id, "
	    "e.template_version, e.user_id, e.status, e.input, "
	    "e.final_result, e.error_details, " MS("e.created_at") ", "
	    MS("e.started_at") ", " MS("e.completed_at") ", e.cancelled_by, "
	    "e.cancel_reason, e.redrive_count, v.definition "
	    "FROM webhook_outbox o JOIN executions e ON e.id = o.exec_pk "
	    "JOIN template_versions v ON v.template_pk = e.template_pk AND "
	    "v.version = e.template_version WHERE o.id = ?",
	[STMT_WH_STEPS] =
	    "SELECT step_idx, status, attempts, " MS("started_at") ", "
	    MS("completed_at") ", error FROM execution_steps "
	    "WHERE exec_pk = ? ORDER BY step_idx",
	[STMT_WH_SET_PAYLOAD] =
	    "UPDATE webhook_outbox SET payload = ? WHERE id = ? AND "
	    "payload IS NULL",
	[STMT_WH_ATTEMPT_INSERT] =
	    "INSERT INTO webhook_attempts (outbox_id, at, status_code, error) "
	    "VALUES (?, UTC_TIMESTAMP(3), ?, ?)",
	/* status, the delay in ms (NULL: no next try), id. */
	[STMT_WH_DONE] =
	    "UPDATE webhook_outbox SET attempts = attempts + 1, status = ?, "
	    "next_try_at = UTC_TIMESTAMP(6) + INTERVAL ? * 1000 MICROSECOND "
	    "WHERE id = ?",
	[STMT_WH_DEPTH] =
	    "SELECT COUNT(*) FROM webhook_outbox WHERE status = 'pending'",
	[STMT_WH_CTL_LIST] =
	    "SELECT o.id, e.execution_id, o.event, o.url, o.status, "
	    "o.attempts, " MS("o.next_try_at") ", (SELECT COALESCE(a.error, "
	    "a.status_code) FROM webhook_attempts a WHERE a.outbox_id = o.id "
	    "ORDER BY a.id DESC LIMIT 1) FROM webhook_outbox o "
	    "JOIN executions e ON e.id = o.exec_pk "
	    "WHERE o.status <> 'delivered' ORDER BY o.id DESC LIMIT ?",
	[STMT_WSREP_SYNC_ON] = "SET SESSION wsrep_sync_wait = 1",
	[STMT_WSREP_SYNC_OFF] = "SET SESSION wsrep_sync_wait = 0",
	/* Params: template pk, versions below, limit. */
	[STMT_TEMPLATE_VERSIONS] =
	    "SELECT version, " MS("created_at") ", "
	    "JSON_VALUE(definition, '$.name'), "
	    "IF(JSON_TYPE(JSON_EXTRACT(definition, '$.description')) = "
	    "'STRING', JSON_VALUE(definition, '$.description'), NULL) "
	    "FROM template_versions WHERE template_pk = ? AND version < ? "
	    "ORDER BY version DESC LIMIT ?",
	/* Params: template pk, version. */
	[STMT_TEMPLATE_VERSION_GET] =
	    "SELECT version, " MS("created_at") ", "
	    "JSON_VALUE(definition, '$.name'), NULL, definition "
	    "FROM template_versions WHERE template_pk = ? AND version = ?",

	/*
	 * Callbacks (sql/015). A token's hash, committed before its
	 * attempt's request is sent. Params: hash, pk, step idx, attempt.
	 */
	[STMT_CB_INSERT] =
	    "INSERT INTO callback_tokens (token_hash, exec_pk, step_idx, "
	    "attempt, created_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))",
	/*
	 * Every earlier token of a step (earlier attempts, and those of
	 * before a redrive, which counts attempts from 1 again) answers 410
	 * from now on. Params: pk, step idx.
	 */
	[STMT_CB_SUPERSEDE] =
	    "UPDATE callback_tokens SET state = 'superseded' WHERE "
	    "exec_pk = ? AND step_idx = ? AND state <> 'superseded'",
	/*
	 * The step waits: its token expires in ? seconds. Params: seconds,
	 * pk, step idx, attempt.
	 */
	[STMT_CB_ARM] =
	    "UPDATE callback_tokens SET expires_at = UTC_TIMESTAMP(6) + "
	    "INTERVAL ? SECOND WHERE exec_pk = ? AND step_idx = ? AND "
	    "attempt = ?",
	/*
	 * Callbacks recorded for an execution (applied by the supervisor to
	 * the steps that wait at that attempt). Columns: step idx, attempt,
	 * body.
	 */
	[STMT_CB_RECEIVED] =
	    "SELECT step_idx, attempt, body FROM callback_tokens WHERE "
	    "exec_pk = ? AND state = 'received'",
	/*
	 * POST /callbacks/{token}: one primary-key lookup, locked. Columns:
	 * hash, state, body, expired, execution status, execution id,
	 * step idx, attempt, exec pk.
	 */
	[STMT_CB_LOOKUP] =
	    "SELECT c.token_hash, c.state, c.body, c.expires_at IS NOT NULL "
	    "AND c.expires_at <= UTC_TIMESTAMP(6), e.status, e.execution_id, "
	    "c.step_idx, c.attempt, c.exec_pk FROM callback_tokens c "
	    "JOIN executions e ON e.id = c.exec_pk WHERE c.token_hash = ? "
	    "FOR UPDATE",
	/* Params: canonical body, hash. */
	[STMT_CB_RECORD] =
	    "UPDATE callback_tokens SET state = 'received', body = ?, "
	    "received_at = UTC_TIMESTAMP(6) WHERE token_hash = ? AND "
	    "state = 'issued'",
	/* store_exec_wake (EXEC_WAKE_SET). Params: pk. */
	[STMT_EXEC_WAKE] =
	    "UPDATE executions SET " EXEC_WAKE_SET " WHERE id = ? AND "
	    "status IN ('waiting', 'running')",
	/*
	 * The list by name prefix (sql/019): a range on uq_exec_user_name
	 * (per user) or ix_exec_name (all), [lo, hi) the names that start
	 * with the prefix. Params: [user,] lo, hi, status twice, cursor,
	 * template twice, limit.
	 */
	[STMT_EXEC_LIST_USER_PREFIX] =
	    "SELECT " EXEC_SUMMARY_COLS " FROM executions e "
	    "WHERE e.user_id = ? AND e.execution_name >= ? AND "
	    "e.execution_name < ? AND (? IS NULL OR e.status = ?) AND "
	    "e.id < ? AND (? IS NULL OR e.template_id = ?) "
	    "ORDER BY e.id DESC LIMIT ?",
	[STMT_EXEC_LIST_ALL_PREFIX] =
	    "SELECT " EXEC_SUMMARY_COLS " FROM executions e "
	    "WHERE e.execution_name >= ? AND e.execution_name < ? AND "
	    "(? IS NULL OR e.status = ?) AND e.id < ? AND "
	    "(? IS NULL OR e.template_id = ?) ORDER BY e.id DESC LIMIT ?",
	/*
	 * The list of one schedule's executions, through ix_exec_schedule
	 * (sql/019). The schedule is named by id, or by name among the
	 * schedules of the listed user (any owner's when NULL). Params:
	 * schedule id, name, user twice (the owner), user twice (the
	 * rows), lo twice, hi, status twice, cursor, template twice, limit.
	 */
	[STMT_EXEC_LIST_SCHEDULE] =
	    "SELECT " EXEC_SUMMARY_COLS " FROM executions e "
	    "WHERE e.schedule_pk IN (SELECT s.id FROM schedules s WHERE "
	    "s.schedule_id = ? OR (s.name = ? AND (? IS NULL OR "
	    "s.owner_id = ?))) AND (? IS NULL OR e.user_id = ?) AND "
	    "(? IS NULL OR (e.execution_name >= ? AND e.execution_name < ?)) "
	    "AND (? IS NULL OR e.status = ?) AND e.id < ? AND "
	    "(? IS NULL OR e.template_id = ?) ORDER BY e.id DESC LIMIT ?",
	/*
	 * Map iterations (sql/016), written like step rows (ITER_ROW: exec
	 * pk, step index, iteration index, status, attempts, started and
	 * completed ms, output, error, retry wait us twice), one or
	 * STORE_ITER_PUT_MANY per statement, inside the run's fenced write.
	 */
	[STMT_SUP_ITER_PUT] =
	    "INSERT INTO iterations (exec_pk, step_idx, idx, status, "
	    "attempts, started_at, completed_at, output, error, "
	    "next_attempt_at) VALUES " ITER_ROW ITER_UPSERT,
	[STMT_SUP_ITER_PUT_MANY] =
	    "INSERT INTO iterations (exec_pk, step_idx, idx, status, "
	    "attempts, started_at, completed_at, output, error, "
	    "next_attempt_at) VALUES " ITER_ROW100 ITER_UPSERT,
	/* A map's iterations on resume, params: exec pk, step index. */
	[STMT_SUP_ITER_LOAD] =
	    "SELECT idx, status, attempts, output, " MS("started_at") ", "
	    MS("completed_at") ", TIMESTAMPDIFF(MICROSECOND, "
	    "UTC_TIMESTAMP(6), next_attempt_at), error FROM iterations "
	    "WHERE exec_pk = ? AND step_idx = ? ORDER BY idx",
	/* A redrive re-runs only the failed and unfinished iterations. */
	[STMT_EXEC_REDRIVE_ITERS] =
	    "UPDATE iterations SET status = 'pending', attempts = 0, "
	    "started_at = NULL, completed_at = NULL, output = NULL, "
	    "error = NULL, next_attempt_at = NULL WHERE exec_pk = ? AND "
	    "status NOT IN ('completed', 'skipped')",
	/* The execution document's counts, params: exec pk. */
	[STMT_EXEC_ITER_COUNTS] =
	    "SELECT step_idx, status, COUNT(*) FROM iterations "
	    "WHERE exec_pk = ? GROUP BY step_idx, status",
	/*
	 * A page of iterations in index order, params: exec pk, step index,
	 * first index, status twice (NULL: any), limit. The last column is
	 * the next page's first index (cursors are positive).
	 */
	[STMT_EXEC_ITER_PAGE] =
	    "SELECT idx, status, attempts, " MS("started_at") ", "
	    MS("completed_at") ", output, error, idx + 1 FROM iterations "
	    "WHERE exec_pk = ? AND step_idx = ? AND idx >= ? AND "
	    "(? IS NULL OR status = ?) ORDER BY idx LIMIT ?",
	[STMT_SUP_ITER_PUT_TEN] =
	    "INSERT INTO iterations (exec_pk, step_idx, idx, status, "
	    "attempts, started_at, completed_at, output, error, "
	    "next_attempt_at) VALUES " ITER_ROW10 ITER_UPSERT,
	/*
	 * The lowest owner slot no schedule of the owner holds (sql/020),
	 * through uq_sched_owner_slot. Params: owner, owner.
	 */
	[STMT_SCHED_FREE_SLOT] =
	    "SELECT IF(EXISTS (SELECT 1 FROM schedules WHERE owner_id = ? AND "
	    "owner_slot = 0), (SELECT MIN(a.owner_slot) + 1 FROM schedules a "
	    "WHERE a.owner_id = ? AND a.owner_slot IS NOT NULL AND NOT EXISTS "
	    "(SELECT 1 FROM schedules b WHERE b.owner_id = a.owner_id AND "
	    "b.owner_slot = a.owner_slot + 1)), 0)",
	/* Params: owner, name. */
	[STMT_SCHED_NAME_TAKEN] =
	    "SELECT COUNT(*) FROM schedules WHERE owner_id = ? AND name = ?",
	/*
	 * The template a workflow step starts, at the pinned version or
	 * the latest. Params: user (the parent's), user, pinned version
	 * (0: latest) twice, template_id. Columns: template_id, version,
	 * definition, the user may execute it.
	 */
	[STMT_WF_TMPL] =
	    "SELECT t.template_id, v.version, v.definition, "
	    "(t.owner_id = ? OR t.is_public = 1 OR EXISTS (SELECT 1 FROM "
	    "template_shares s WHERE s.template_pk = t.id AND s.user_id = ?))"
	    " FROM templates t JOIN template_versions v ON v.template_pk = "
	    "t.id AND v.version = IF(? > 0, ?, t.version) WHERE "
	    "t.template_id = ? AND t.deleted_at IS NULL",
	/* Params: user, execution_name (uq_exec_user_name). */
	[STMT_WF_CHILD_GET] =
	    "SELECT execution_id, status, final_result, error_details FROM "
	    "executions WHERE user_id = ? AND execution_name = ?",
	/*
	 * In the child's insert transaction: the root's tree grows by one,
	 * at most to max_descendants. Params: root id, max.
	 */
	[STMT_WF_ROOT_BUMP] =
	    "UPDATE executions SET descendants = descendants + 1 WHERE "
	    "execution_id = ? AND descendants < ?",
	/* store_exec_wake_id. Params: execution_id. */
	[STMT_EXEC_WAKE_ID] =
	    "UPDATE executions SET " EXEC_WAKE_SET " WHERE execution_id = ? "
	    "AND status IN ('waiting', 'running')",
	/* Children that have not ended (cancel propagation), ix_exec_parent. */
	[STMT_WF_CHILDREN_OPEN] =
	    "SELECT id, execution_id FROM executions WHERE "
	    "parent_execution_id = ? AND status IN ('pending', 'running', "
	    "'waiting', 'paused')",
	/*
	 * The list filtered by parent_execution_id, through ix_exec_parent
	 * (equality on its first column: only that parent's children are
	 * read, then sorted). Params: parent, user twice (NULL: any),
	 * status twice (NULL: any), cursor, template twice, limit.
	 */
	[STMT_EXEC_LIST_PARENT] =
	    "SELECT " EXEC_SUMMARY_COLS " FROM executions e "
	    "WHERE e.parent_execution_id = ? AND (? IS NULL OR "
	    "e.user_id = ?) AND (? IS NULL OR e.status = ?) AND e.id < ? AND "
	    "(? IS NULL OR e.template_id = ?) ORDER BY e.id DESC LIMIT ?",
	/* The newest child of a parent's step. Params: parent id, step id. */
	[STMT_WF_STEP_CHILD] =
	    "SELECT execution_id FROM executions WHERE parent_execution_id = ?"
	    " AND parent_step_id = ? ORDER BY id DESC LIMIT 1",
	/*
	 * Signals (sql/014). The execution a signal is for, with the
	 * definition it runs. Params: execution_id.
	 */
	[STMT_SIG_EXEC] =
	    "SELECT e.id, e.user_id, e.status, v.definition "
	    "FROM executions e JOIN template_versions v ON v.template_pk = "
	    "e.template_pk AND v.version = e.template_version "
	    "WHERE e.execution_id = ?",
	/*
	 * The delivery's transaction starts here: the execution's row lock
	 * orders it with the supervisor's fenced writes (a step row that
	 * becomes waiting) and its park. Params: id.
	 */
	[STMT_SIG_LOCK] =
	    "SELECT status FROM executions WHERE id = ? FOR UPDATE",
	/* A repeat of signal_id. Params: pk, signal_id. */
	[STMT_SIG_BY_ID] =
	    "SELECT name, consumed_by FROM signals WHERE exec_pk = ? AND "
	    "signal_id = ?",
	[STMT_SIG_COUNT_KEPT] =
	    "SELECT COUNT(*) FROM signals WHERE exec_pk = ? AND "
	    "consumed_by IS NULL",
	/*
	 * Waiting steps, earliest first (ties: template order), with the
	 * number of signals already given to each (one not yet applied by
	 * its supervisor: that step takes no other). Params: pk.
	 */
	[STMT_SIG_WAITING_STEPS] =
	    "SELECT s.step_idx, s.step_id, (SELECT COUNT(*) FROM signals g "
	    "WHERE g.exec_pk = s.exec_pk AND g.consumed_by = s.step_id) "
	    "FROM execution_steps s WHERE s.exec_pk = ? AND "
	    "s.status = 'waiting' ORDER BY s.started_at, s.step_idx",
	/*
	 * Params: pk, name, payload, signal_id, signalled_by, consumed_by
	 * twice (NULL: kept).
	 */
	[STMT_SIG_INSERT] =
	    "INSERT INTO signals (exec_pk, name, payload, signal_id, "
	    "signalled_by, created_at, consumed_by, consumed_at) VALUES "
	    "(?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?, IF(? IS NULL, NULL, "
	    "UTC_TIMESTAMP(6)))",
	/* Who sent the signal each step took (GET). Params: pk. */
	[STMT_SIG_OF_EXEC] =
	    "SELECT consumed_by, signalled_by FROM signals WHERE exec_pk = ? "
	    "AND consumed_by IS NOT NULL ORDER BY id",
	/*
	 * Waiting steps of unfinished executions (through ix_steps_status),
	 * newest execution first; the caller keeps those it may signal.
	 * A page starts after the cursor's (exec_pk, step_idx). Params:
	 * exec pk, exec pk, step idx, limit of rows read.
	 */
	[STMT_SIG_APPROVALS] =
	    "SELECT e.execution_id, e.user_id, e.status, s.step_idx, "
	    "s.step_id, " MS("s.started_at") ", " MS("s.next_attempt_at")
	    ", v.definition, e.template_id, s.exec_pk FROM execution_steps s "
	    "FORCE INDEX (ix_steps_status) JOIN executions e ON e.id = "
	    "s.exec_pk JOIN template_versions v ON v.template_pk = "
	    "e.template_pk AND v.version = e.template_version WHERE "
	    "s.status = 'waiting' AND (s.exec_pk < ? OR (s.exec_pk = ? AND "
	    "s.step_idx > ?)) AND "
	    "e.status IN ('pending', 'running', 'waiting', 'paused') "
	    "ORDER BY s.exec_pk DESC, s.step_idx LIMIT ?",
	/* An execution's signals, oldest first. Params: pk. */
	[STMT_SUP_SIG_LIST] =
	    "SELECT id, name, consumed_by FROM signals WHERE exec_pk = ? "
	    "ORDER BY id LIMIT 1000",
	/* A kept signal taken by a step: one taker. Params: step, id. */
	[STMT_SUP_SIG_TAKE] =
	    "UPDATE signals SET consumed_by = ?, consumed_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ? AND consumed_by IS NULL",
	[STMT_SUP_SIG_PAYLOAD] =
	    "SELECT payload, signalled_by FROM signals WHERE id = ?",
	/*
	 * The user's unfinished executions, counted up to a bound: ranges of
	 * ix_exec_user (user_id, status, id), at most limit entries read.
	 * Params: user, limit.
	 */
	[STMT_EXEC_UNFINISHED_COUNT] =
	    "SELECT COUNT(*) FROM (SELECT 1 FROM executions FORCE INDEX "
	    "(ix_exec_user) WHERE user_id = ? AND status IN ('pending', "
	    "'running', 'waiting', 'paused') LIMIT ?) u",
	/* The same for waiting and paused ones only. Params: user, limit. */
	[STMT_EXEC_PARKED_COUNT] =
	    "SELECT COUNT(*) FROM (SELECT 1 FROM executions FORCE INDEX "
	    "(ix_exec_user) WHERE user_id = ? AND status IN ('waiting', "
	    "'paused') LIMIT ?) u",
	/*
	 * Parked paused executions with a step timeout due (engine.md: a
	 * step's timeouts run while paused), through ix_exec_wake. A paused
	 * row still held by its supervisor is not one. Params: limit.
	 */
	[STMT_SUP_WAKE_PAUSED_SELECT] =
	    "SELECT id, template_pk, claim_epoch FROM executions FORCE INDEX "
	    "(ix_exec_wake) WHERE status = 'paused' AND wake_at <= "
	    "UTC_TIMESTAMP(6) AND claimed_by IS NULL ORDER BY wake_at "
	    "LIMIT ? FOR UPDATE SKIP LOCKED",
	/*
	 * The claim of one of those: it stays paused (the supervisor records
	 * the timeouts and parks it again). Params: claimer, lease, id.
	 */
	[STMT_SUP_CLAIM_PAUSED] =
	    "UPDATE executions SET claimed_by = ?, lease_until = "
	    "UTC_TIMESTAMP(6) + INTERVAL ? SECOND, claim_epoch = claim_epoch "
	    "+ 1, wake_at = NULL WHERE id = ? AND status = 'paused' AND "
	    "claimed_by IS NULL",
	/*
	 * Paused rows whose lease expired (their supervisor died or was cut
	 * off while a step ran): they stay paused, held by nobody, so a
	 * resume makes them pending. Through ix_exec_lease. No params. Due
	 * at once (wake_at): their supervisor died before it could park them
	 * with the time of their earliest step timeout, which runs while
	 * paused; the claim of paused rows with a timeout due looks at them
	 * and parks them with it.
	 */
	[STMT_SUP_RELEASE_PAUSED] =
	    "UPDATE executions SET claimed_by = NULL, lease_until = NULL, "
	    "wake_at = UTC_TIMESTAMP(6) "
	    "WHERE status = 'paused' AND lease_until < UTC_TIMESTAMP(6)",
	/*
	 * GET of an execution in one statement (param: execution_id): the
	 * columns of STMT_EXEC_GET, then those of STMT_EXEC_STEPS (alias
	 * s), one row per step row, or one with NULL step columns when there
	 * is none, in no promised order (an ORDER BY made a temporary table
	 * per GET). The large columns (input, final_result, error_details;
	 * the definition is read apart, as for STMT_EXEC_GET) are only in the
	 * row of step 0 or in the step-less one, never repeated per step;
	 * when no row holds them (step 0 has no row
	 * while others have) the caller reads with STMT_EXEC_GET and
	 * STMT_EXEC_STEPS. Not the signals a wait step took: a subquery or
	 * join of signals here cost every GET 20 to 40 us of server CPU
	 * (docs/bench.md, 2026-12-06), so STMT_SIG_OF_EXEC is read apart,
	 * only for a document with a completed wait step.
	 */
	[STMT_EXEC_GET_DOC] =
	    "SELECT e.id, e.execution_id, e.execution_name, e.template_id, "
	    "e.template_version, e.user_id, e.status, "
	    "IF(" DOC_FIRST ", e.input, NULL), "
	    "IF(" DOC_FIRST ", e.final_result, NULL), "
	    "IF(" DOC_FIRST ", e.error_details, NULL), "
	    "e.created_at, e.started_at, e.completed_at, e.cancelled_by, "
	    "e.cancel_reason, e.redrive_count, e.template_pk, "
	    "e.parent_execution_id, e.parent_step_id, "
	    "s.step_idx, s.step_id, s.status, s.attempts, s.started_at, "
	    "s.completed_at, s.output, s.error, s.next_attempt_at, s.input, "
	    "s.attempt_history "
	    "FROM executions e LEFT JOIN execution_steps s ON s.exec_pk = e.id "
	    "WHERE e.execution_id = ?",
	/*
	 * The newest child of a map iteration (store_subwf_iter_child): a
	 * range of uq_exec_user_name on the prefix
	 * "<parent>.<step>.<index>." (its wildcards escaped). Params: user,
	 * prefix%.
	 */
	[STMT_WF_ITER_CHILD] =
	    "SELECT execution_id FROM executions WHERE user_id = ? AND "
	    "execution_name LIKE ? ORDER BY created_at DESC, id DESC LIMIT 1",
};

const char *
store_sql_text(enum stmt_id id)
{
	return sql[id];
}
