-- wfm schema, migration 011: the per-user quota without a hot row and
-- without a per-row trigger on insert. Since 003 every POST /execute ran
-- trigger tr_exec_active_ins, which counted the user's active executions
-- in user_active (an INSERT ... ON DUPLICATE KEY UPDATE of one row per
-- user, then a read of it): about 35 us of the 110 us of MariaDB CPU an
-- insert cost after 007 (docs/bench.md, 2026-12-05), and every execute of
-- one user queued on that one row.
--
-- Now every active (pending or running) execution holds a quota slot, a
-- number in [0, max_active_executions_per_user), unique per user
-- (uq_exec_quota_slot). The service picks one at random for each insert
-- (and each redrive); a taken slot is a duplicate key, and then the
-- service asks for the lowest free one, or answers 429 when there is
-- none. A user can never hold more active executions than there are
-- slots: the quota is exact by construction, under any race. A row that
-- leaves the active states gives its slot back (trigger below, which
-- replaces the three of 003/004: no table is touched).
--
-- Re-runnable; run it in a quiet moment (it adds an index). Executions
-- active before it get the slots 0..n-1 of their user.

ALTER TABLE executions ADD COLUMN IF NOT EXISTS quota_slot INT UNSIGNED
    NULL;

UPDATE executions e JOIN (SELECT id, ROW_NUMBER() OVER (PARTITION BY
    user_id ORDER BY id) - 1 AS slot FROM executions
    WHERE status IN ('pending', 'running')) s ON s.id = e.id
SET e.quota_slot = s.slot WHERE e.quota_slot IS NULL;

ALTER TABLE executions ADD UNIQUE INDEX IF NOT EXISTS uq_exec_quota_slot
    (user_id, quota_slot);

DROP TRIGGER IF EXISTS tr_exec_active_upd;

DROP TRIGGER IF EXISTS tr_exec_active_del;

DROP TRIGGER IF EXISTS tr_exec_active_ins;

DROP TRIGGER IF EXISTS tr_exec_template_check;

-- The template check of 005, alone: a row whose template moved on.
DELIMITER //
CREATE TRIGGER tr_exec_template_check BEFORE INSERT ON executions
FOR EACH ROW
BEGIN
	IF NEW.template_pk IS NULL THEN
		SIGNAL SQLSTATE '45000' SET
		    MESSAGE_TEXT = 'wfm: template changed',
		    MYSQL_ERRNO = 1644;
	END IF;
END //
DELIMITER ;

DROP TRIGGER IF EXISTS tr_exec_slot_free;

DELIMITER //
CREATE TRIGGER tr_exec_slot_free BEFORE UPDATE ON executions FOR EACH ROW
BEGIN
	IF NEW.status NOT IN ('pending', 'running') THEN
		SET NEW.quota_slot = NULL;
	END IF;
END //
DELIMITER ;

DROP TABLE IF EXISTS user_active;
