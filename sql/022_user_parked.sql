-- wfm schema, migration 022: the parked count of POST /execute without a
-- statement of its own. Every execute read the user's waiting and paused
-- executions (STMT_EXEC_PARKED_COUNT, for [http]
-- max_unfinished_executions_per_user) before its insert: about 100 of the
-- 230 to 300 us of MariaDB CPU an execute cost (docs/bench.md,
-- 2026-12-06), the insert alone about 140.
--
-- Now user_parked holds, per user, how many of its executions are waiting
-- or paused; the triggers below keep it exact in the transaction of every
-- status change (inserts are always pending). The execute's insert reads
-- it by primary key in its template subquery: a user with at least the
-- room of http_exec.c's unfinished_full() parked gets no row (the
-- template check signals 30001), and only then does the service run the
-- exact counts and answer 429 or insert again without the guard. Only a
-- park or an unpark writes here, never an execute; a user that never
-- parked one has no row.
--
-- Re-runnable; run it in a quiet moment (it recounts).

CREATE TABLE IF NOT EXISTS user_parked (
	user_id		VARCHAR(255) NOT NULL PRIMARY KEY,
	n		INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

DELETE FROM user_parked;

INSERT INTO user_parked (user_id, n)
SELECT user_id, COUNT(*) FROM executions
WHERE status IN ('waiting', 'paused') GROUP BY user_id;

-- 011's slot trigger, and the parked count of the row's user.
DROP TRIGGER IF EXISTS tr_exec_slot_free;

DELIMITER //
CREATE TRIGGER tr_exec_slot_free BEFORE UPDATE ON executions FOR EACH ROW
BEGIN
	IF NEW.status NOT IN ('pending', 'running') THEN
		SET NEW.quota_slot = NULL;
	END IF;
	IF (NEW.status IN ('waiting', 'paused')) <>
	    (OLD.status IN ('waiting', 'paused')) THEN
		INSERT INTO user_parked (user_id, n)
		VALUES (NEW.user_id, IF(NEW.status IN ('waiting', 'paused'),
		    1, 0))
		ON DUPLICATE KEY UPDATE n = n + IF(NEW.status IN
		    ('waiting', 'paused'), 1, -1);
	END IF;
END //
DELIMITER ;

DROP TRIGGER IF EXISTS tr_exec_parked_del;

DELIMITER //
CREATE TRIGGER tr_exec_parked_del AFTER DELETE ON executions FOR EACH ROW
BEGIN
	IF OLD.status IN ('waiting', 'paused') THEN
		UPDATE user_parked SET n = n - 1 WHERE user_id = OLD.user_id;
	END IF;
END //
DELIMITER ;
