-- The template check of 011 with its own error number: the store maps
-- MYSQL_ERRNO 30001 to RC_CHANGED (a template that moved on while a
-- worker inserted against it) without reading the message text. The
-- SQLSTATE and the message stay those of 011.
DROP TRIGGER IF EXISTS tr_exec_template_check;

DELIMITER //
CREATE TRIGGER tr_exec_template_check BEFORE INSERT ON executions
FOR EACH ROW
BEGIN
	IF NEW.template_pk IS NULL THEN
		SIGNAL SQLSTATE '45000' SET
		    MESSAGE_TEXT = 'wfm: template changed',
		    MYSQL_ERRNO = 30001;
	END IF;
END //
DELIMITER ;
