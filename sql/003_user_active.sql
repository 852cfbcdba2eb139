-- wfm schema, migration 003: the per-user count of active (pending or
-- running) executions, kept by triggers, so that the quota check of
-- POST /execute reads one row instead of counting a user's backlog, and
-- holds under concurrent requests (the counter row is locked by the
-- statement that inserts).

CREATE TABLE IF NOT EXISTS user_active (
	user_id		VARCHAR(255) NOT NULL PRIMARY KEY,
	active		INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

DROP TRIGGER IF EXISTS tr_exec_active_ins;

-- @wfm_quota is set on every connection of the service from [http]
-- max_active_executions_per_user; over it the INSERT fails with
-- MYSQL_ERRNO 1644 (SIGNAL) and the counter change is rolled back with it.
DELIMITER //
CREATE TRIGGER tr_exec_active_ins BEFORE INSERT ON executions FOR EACH ROW
BEGIN
	INSERT INTO user_active (user_id, active) VALUES (NEW.user_id, 1)
	    ON DUPLICATE KEY UPDATE active = active + 1;
	IF @wfm_quota IS NOT NULL AND (SELECT active FROM user_active
	    WHERE user_id = NEW.user_id) > @wfm_quota THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wfm: quota',
		    MYSQL_ERRNO = 1644;
	END IF;
END //
DELIMITER ;

DROP TRIGGER IF EXISTS tr_exec_active_upd;

-- Only a change between active and inactive touches the counter, so the
-- supervisor's claim (pending -> running) and lease renewals do not.
CREATE TRIGGER tr_exec_active_upd AFTER UPDATE ON executions FOR EACH ROW
UPDATE user_active SET active = active
    + (NEW.status IN ('pending', 'running'))
    - (OLD.status IN ('pending', 'running'))
WHERE user_id = NEW.user_id AND (NEW.status IN ('pending', 'running')) <>
    (OLD.status IN ('pending', 'running'));

DROP TRIGGER IF EXISTS tr_exec_active_del;

CREATE TRIGGER tr_exec_active_del AFTER DELETE ON executions FOR EACH ROW
UPDATE user_active SET active = active - 1
WHERE user_id = OLD.user_id AND OLD.status IN ('pending', 'running');

-- Counts of the rows that existed before this migration.
INSERT INTO user_active (user_id, active)
SELECT user_id, COUNT(*) FROM executions
WHERE status IN ('pending', 'running') GROUP BY user_id
ON DUPLICATE KEY UPDATE active = VALUES(active);
