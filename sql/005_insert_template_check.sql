-- wfm schema, migration 005: POST /execute inserts with INSERT ... VALUES
-- (STMT_EXEC_INSERT_CHECKED in src/store/store_sql.c) instead of INSERT ...
-- SELECT, which held InnoDB's table-level AUTO-INC lock for the whole
-- statement and so serialised concurrent executes. The check that the
-- template is still at the version the worker validated against is now a
-- subquery that leaves template_pk NULL when it is not; this trigger
-- refuses such a row before anything else, in any sql_mode, with a
-- message the service recognises ('wfm: template changed'). The quota
-- check is that of 003, unchanged.

DROP TRIGGER IF EXISTS tr_exec_active_ins;

DELIMITER //
CREATE TRIGGER tr_exec_active_ins BEFORE INSERT ON executions FOR EACH ROW
BEGIN
	IF NEW.template_pk IS NULL THEN
		SIGNAL SQLSTATE '45000' SET
		    MESSAGE_TEXT = 'wfm: template changed',
		    MYSQL_ERRNO = 1644;
	END IF;
	INSERT INTO user_active (user_id, active) VALUES (NEW.user_id, 1)
	    ON DUPLICATE KEY UPDATE active = active + 1;
	IF @wfm_quota IS NOT NULL AND (SELECT active FROM user_active
	    WHERE user_id = NEW.user_id) > @wfm_quota THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wfm: quota',
		    MYSQL_ERRNO = 1644;
	END IF;
END //
DELIMITER ;
