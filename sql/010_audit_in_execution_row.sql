-- wfm schema, migration 010: the execution row is the audit record of its
-- creation. Trigger tr_exec_audit (002) wrote a second row, in audit_log,
-- for every POST /execute: measured on the bench database it was about a
-- quarter of the MariaDB CPU of an execute (143-150 us per insert with it,
-- 111-113 without, 16 connections; docs/bench.md, 2026-12-05). The
-- execution row already holds everything that row held (user, execution
-- id, name, template id, client address, request id, created_at), so:
--
-- * rows inserted from now on have audit_in_row = 1, and GET /audit reads
--   their 'execution.create' record from executions (STMT_AUDIT_LIST);
-- * rows from before have audit_in_row = 0: their audit_log row exists;
-- * retention copies the record of a row with audit_in_row = 1 into
--   audit_log in the transaction that deletes it (STMT_SUP_PRUNE_AUDIT),
--   so the audit trail outlives the execution as it did.
--
-- ix_exec_created serves the audit list's newest-first walk (created_at,
-- then id, the primary key every secondary index ends with).
--
-- Re-runnable. The default becomes 1 before the trigger is dropped, so an
-- execution inserted while this runs is recorded twice at worst, never
-- not at all.

ALTER TABLE executions ADD COLUMN IF NOT EXISTS audit_in_row TINYINT(1)
    NOT NULL DEFAULT 0;

ALTER TABLE executions ALTER COLUMN audit_in_row SET DEFAULT 1;

ALTER TABLE executions ADD INDEX IF NOT EXISTS ix_exec_created (created_at);

DROP TRIGGER IF EXISTS tr_exec_audit;
