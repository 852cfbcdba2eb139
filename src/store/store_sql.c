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
	MS("e.completed_at") ", e.id, e.user_id"

/* One row of STMT_SUP_STEP_PUT_DUE (11 params). */
#define STEP_ROW							\
	"(?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000), FROM_UNIXTIME(? / 1000), "\
	"?, ?, IF(? IS NULL, NULL, UTC_TIMESTAMP(6) + INTERVAL ? "	\
	"MICROSECOND))"
#define WHEN2	"WHEN ? THEN ? WHEN ? THEN ? "
#define WHEN8	WHEN2 WHEN2 WHEN2 WHEN2

static const char *const sql[STMT_COUNT] = {
	[STMT_MIGRATION_VERSION] =
	    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
	[STMT_MIGRATION_RECORD] =
	    "INSERT IGNORE INTO schema_migrations (version, name) "
	    "VALUES (?, ?)",
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

	/* Kept by the triggers of sql/003. */
	[STMT_EXEC_ACTIVE_COUNT] =
	    "SELECT COALESCE((SELECT active FROM user_active WHERE "
	    "user_id = ?), 0)",
	/*
	 * The one round trip of a new execution: inserted only while the
	 * template is at the version the worker validated against. A PUT,
	 * a share change or a delete in between leaves template_pk NULL,
	 * and trigger tr_exec_active_ins (sql/005) refuses the row with
	 * SIGNAL 'wfm: template changed'. The quota is enforced by the same
	 * trigger ('wfm: quota') and the audit row written by tr_exec_audit
	 * (sql/002), all inside this one statement. INSERT ... VALUES, not
	 * INSERT ... SELECT: InnoDB takes the table-level AUTO-INC lock for
	 * the whole of an INSERT ... SELECT (and of its triggers' inserts)
	 * under the default innodb_autoinc_lock_mode, which serialised all
	 * concurrent executes; a plain INSERT takes a short mutex.
	 * Params: execution_id, user, name, template_id, version (for the
	 * check), template_id, version, input, input_hash, request_id,
	 * client_addr, created ms, admin_access (1: accepted by an admin).
	 */
	[STMT_EXEC_INSERT_CHECKED] =
	    "INSERT INTO executions (execution_id, user_id, execution_name, "
	    "template_pk, template_id, template_version, input, input_hash, "
	    "status, run_after, request_id, client_addr, created_at, "
	    "admin_access, notify) "
	    "VALUES (?, ?, ?, (SELECT t.id FROM templates t WHERE "
	    "t.template_id = ? AND t.version = ? AND t.deleted_at IS NULL), "
	    "?, ?, ?, ?, 'pending', UTC_TIMESTAMP(6), ?, ?, "
	    "FROM_UNIXTIME(? / 1000), ?, ?)",
	[STMT_EXEC_BY_NAME] =
	    "SELECT e.execution_id, e.template_id, e.input_hash, e.status, "
	    "e.template_version, " MS("e.created_at") " FROM executions e "
	    "WHERE e.user_id = ? AND e.execution_name = ?",
	[STMT_EXEC_GET] =
	    "SELECT e.id, e.execution_id, e.execution_name, e.template_id, "
	    "e.template_version, e.user_id, e.status, e.input, "
	    "e.final_result, e.error_details, " MS("e.created_at") ", "
	    MS("e.started_at") ", " MS("e.completed_at") ", e.cancelled_by, "
	    "e.cancel_reason, e.redrive_count, v.definition "
	    "FROM executions e JOIN template_versions v ON v.template_pk = "
	    "e.template_pk AND v.version = e.template_version "
	    "WHERE e.execution_id = ?",
	[STMT_EXEC_STEPS] =
	    "SELECT step_idx, step_id, status, attempts, " MS("started_at")
	    ", " MS("completed_at") ", output, error FROM execution_steps "
	    "WHERE exec_pk = ? ORDER BY step_idx",
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
	/* Params: cancelled_by, reason, id. */
	[STMT_EXEC_CANCEL] =
	    "UPDATE executions SET cancel_requested = 1, cancelled_by = ?, "
	    "cancel_reason = ?, "
	    "status = IF(status = 'pending', 'cancelled', status), "
	    "completed_at = IF(status = 'cancelled', UTC_TIMESTAMP(3), "
	    "completed_at) WHERE id = ? AND status IN ('pending', 'running')",
	/* Params: admin_access (of the caller), id. */
	[STMT_EXEC_REDRIVE] =
	    "UPDATE executions SET status = 'pending', "
	    "run_after = UTC_TIMESTAMP(6), redrive_count = redrive_count + 1,"
	    " cancel_requested = 0, cancelled_by = NULL, cancel_reason = NULL,"
	    " final_result = NULL, started_at = NULL, "
	    "error_details = NULL, completed_at = NULL, claimed_by = NULL, "
	    "lease_until = NULL, admin_access = ? WHERE id = ? AND "
	    "status IN ('failed', 'cancelled', 'timed_out')",
	[STMT_EXEC_REDRIVE_STEPS] =
	    "UPDATE execution_steps SET status = 'pending', attempts = 0, "
	    "started_at = NULL, completed_at = NULL, output = NULL, "
	    "error = NULL, next_attempt_at = NULL WHERE exec_pk = ? AND "
	    "status NOT IN ('completed', 'skipped')",

	[STMT_AUDIT_INSERT] =
	    "INSERT INTO audit_log (at, user_id, action, object_type, "
	    "object_id, client_addr, request_id, detail) VALUES "
	    "(UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?)",
	/*
	 * Admin view, newest first by the primary key; optional filters.
	 * Params: user, user, action, action, since, since, cursor, limit.
	 */
	[STMT_AUDIT_LIST] =
	    "SELECT id, " MS("at") ", user_id, action, object_type, "
	    "object_id, client_addr, request_id, detail FROM audit_log "
	    "WHERE (? IS NULL OR user_id = ?) AND (? IS NULL OR action = ?) "
	    "AND (? IS NULL OR at >= FROM_UNIXTIME(? / 1000)) AND id < ? "
	    "ORDER BY id DESC LIMIT ?",

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
	    "claim_epoch = claim_epoch + 1, "
	    "started_at = COALESCE(started_at, UTC_TIMESTAMP(3)) WHERE id IN "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/*
	 * Up to 32 claimed executions at once (unused places hold 0). The
	 * last column says whether the execution's user may still use its
	 * template (admin at acceptance, owner, public or shared): access
	 * is checked again at every claim, before any step starts. The
	 * claimer and status after it: a claim is run only where they are
	 * ours (Galera: two nodes may both have selected the row).
	 */
	[STMT_SUP_LOAD] =
	    "SELECT e.execution_id, e.execution_name, e.user_id, e.input, "
	    "v.definition, t.owner_id, e.claim_epoch, "
	    "TIMESTAMPDIFF(MICROSECOND, e.started_at, UTC_TIMESTAMP(6)), "
	    "e.cancel_requested, "
	    "TIMESTAMPDIFF(MICROSECOND, e.created_at, UTC_TIMESTAMP(6)), "
	    "e.redrive_count, e.id, "
	    "(e.admin_access = 1 OR t.owner_id = e.user_id OR "
	    "t.is_public = 1 OR EXISTS (SELECT 1 FROM template_shares s "
	    "WHERE s.template_pk = t.id AND s.user_id = e.user_id)), "
	    "e.claimed_by, e.status FROM executions e "
	    "JOIN template_versions v ON v.template_pk = e.template_pk AND "
	    "v.version = e.template_version "
	    "JOIN templates t ON t.id = e.template_pk WHERE e.id IN "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/*
	 * The fence: every write of a supervisor runs in a transaction that
	 * starts here. It matches only while we hold the lease we claimed,
	 * and it locks the row until commit, so no one takes over mid-way.
	 * Params: lease seconds, id, claimer, epoch.
	 */
	[STMT_SUP_FENCE] =
	    "UPDATE executions SET lease_until = UTC_TIMESTAMP(6) + "
	    "INTERVAL ? SECOND WHERE id = ? AND claimed_by = ? AND "
	    "claim_epoch = ? AND status = 'running'",
	/* Params: status, final_result, error_details, id, claimer, epoch. */
	[STMT_SUP_FINISH] =
	    "UPDATE executions SET status = ?, final_result = ?, "
	    "error_details = ?, completed_at = UTC_TIMESTAMP(3), "
	    "claimed_by = NULL, lease_until = NULL WHERE id = ? AND "
	    "claimed_by = ? AND claim_epoch = ?",
	[STMT_SUP_RELEASE] =
	    "UPDATE executions SET status = 'pending', claimed_by = NULL, "
	    "lease_until = NULL, run_after = UTC_TIMESTAMP(6) WHERE id = ? "
	    "AND claimed_by = ? AND claim_epoch = ? AND status = 'running'",
	/* Params: lease seconds, claimer. */
	[STMT_SUP_RENEW_ALL] =
	    "UPDATE executions SET lease_until = UTC_TIMESTAMP(6) + "
	    "INTERVAL ? SECOND WHERE status = 'running' AND claimed_by = ?",
	[STMT_SUP_CANCEL_POLL] =
	    "SELECT id FROM executions WHERE status = 'running' AND "
	    "claimed_by = ? AND cancel_requested = 1",
	/* Retention in small batches through ix_exec_retention. */
	[STMT_SUP_PRUNE] =
	    "DELETE FROM executions WHERE completed_at < UTC_TIMESTAMP(3) - "
	    "INTERVAL ? DAY AND status IN ('completed', 'failed', "
	    "'cancelled', 'timed_out') ORDER BY completed_at LIMIT 500",
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
	    "UPDATE executions SET status = 'pending', claimed_by = NULL, "
	    "lease_until = NULL, run_after = UTC_TIMESTAMP(6) WHERE id = ? "
	    "AND claimed_by = ? AND status = 'running'",
	/* What the database says we hold, and since which claim. */
	[STMT_SUP_MINE_LIST] =
	    "SELECT id, claim_epoch FROM executions WHERE "
	    "status = 'running' AND claimed_by = ?",
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
	    "next_attempt_at) VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000), "
	    "FROM_UNIXTIME(? / 1000), ?, ?, IF(? IS NULL, NULL, "
	    "UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)) ON DUPLICATE KEY "
	    "UPDATE status = VALUES(status), attempts = VALUES(attempts), "
	    "started_at = VALUES(started_at), completed_at = "
	    "VALUES(completed_at), output = VALUES(output), error = "
	    "VALUES(error), next_attempt_at = VALUES(next_attempt_at)",
	/*
	 * STMT_SUP_STEP_PUT_DUE for SUP_ROWS_MANY rows at once (the round's
	 * writes); every place is used.
	 */
	[STMT_SUP_STEP_PUT_MANY] =
	    "INSERT INTO execution_steps (exec_pk, step_idx, step_id, status, "
	    "attempts, started_at, completed_at, output, error, "
	    "next_attempt_at) VALUES " STEP_ROW "," STEP_ROW "," STEP_ROW ","
	    STEP_ROW "," STEP_ROW "," STEP_ROW "," STEP_ROW "," STEP_ROW
	    " ON DUPLICATE KEY "
	    "UPDATE status = VALUES(status), attempts = VALUES(attempts), "
	    "started_at = VALUES(started_at), completed_at = "
	    "VALUES(completed_at), output = VALUES(output), error = "
	    "VALUES(error), next_attempt_at = VALUES(next_attempt_at)",
	/*
	 * STMT_SUP_FINISH for up to SUP_ROWS_MANY executions, each fenced by
	 * its own epoch; the caller compares the rows matched with the ids
	 * it sent. Params: the (id, status) pairs, the (id, final_result)
	 * pairs, the (id, error_details) pairs, the ids, the claimer, the
	 * (id, epoch) pairs; unused places hold id 0.
	 */
	[STMT_SUP_FINISH_MANY] =
	    "UPDATE executions SET status = CASE id " WHEN8 " END, "
	    "final_result = CASE id " WHEN8 " END, "
	    "error_details = CASE id " WHEN8 " END, "
	    "completed_at = UTC_TIMESTAMP(3), claimed_by = NULL, "
	    "lease_until = NULL WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?) AND "
	    "claimed_by = ? AND claim_epoch = CASE id " WHEN8 " END",
	/* An execution's step rows, with the microseconds left on a timer. */
	[STMT_SUP_STEPS_LOAD_DUE] =
	    "SELECT step_idx, status, attempts, output, "
	    MS("started_at") ", TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), "
	    "next_attempt_at) FROM execution_steps WHERE exec_pk = ?",

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
};

const char *
store_sql_text(enum stmt_id id)
{
	return sql[id];
}
