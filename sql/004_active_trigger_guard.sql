-- wfm schema, migration 004: tr_exec_active_upd (003) touches user_active
-- only when an execution enters or leaves the active states. In 003 its
-- body was one UPDATE whose WHERE held that test, so every UPDATE of an
-- execution (each claim, each lease renewal, each fenced write of the
-- supervisor) ran a statement on user_active that matched nothing. The
-- IF decides on the row alone, before any table is opened. Same counts.

DROP TRIGGER IF EXISTS tr_exec_active_upd;

DELIMITER //
CREATE TRIGGER tr_exec_active_upd AFTER UPDATE ON executions FOR EACH ROW
BEGIN
	IF (NEW.status IN ('pending', 'running')) <>
	    (OLD.status IN ('pending', 'running')) THEN
		UPDATE user_active SET active = active
		    + (NEW.status IN ('pending', 'running'))
		    - (OLD.status IN ('pending', 'running'))
		WHERE user_id = NEW.user_id;
	END IF;
END //
DELIMITER ;
