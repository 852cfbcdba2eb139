-- wfm schema, migration 002: the audit row of a new execution is written
-- by a trigger in the same statement as the execution itself, so that
-- POST /execute costs one round trip (an INSERT ... SELECT that also
-- checks access, template version and quota) and the audit row can never
-- be missing for an accepted execution.

ALTER TABLE executions ADD COLUMN IF NOT EXISTS client_addr VARCHAR(64) NULL
    AFTER request_id;

DROP TRIGGER IF EXISTS tr_exec_audit;

CREATE TRIGGER tr_exec_audit AFTER INSERT ON executions FOR EACH ROW
INSERT INTO audit_log (at, user_id, action, object_type, object_id,
    client_addr, request_id, detail)
VALUES (UTC_TIMESTAMP(3), NEW.user_id, 'execution.create', 'execution',
    NEW.execution_id, NEW.client_addr, NEW.request_id,
    JSON_OBJECT('execution_name', NEW.execution_name,
    'template_id', NEW.template_id));
