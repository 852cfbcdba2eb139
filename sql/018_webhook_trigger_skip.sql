-- wfm schema, migration 018: the webhook trigger skips the template
-- when the row says its version has no notify (issue 13, the drain).
--
-- tr_exec_webhook (sql/009) read the execution's template version
-- (template_versions joined with templates, JSON_EXTRACT of the whole
-- definition) on every change to a terminal or waiting status, also for
-- the templates without global_config.notify, that is nearly all: 40 to
-- 60 us of server CPU per drained execution of the 210 to 250 it costs
-- (docs/bench.md, 2026-12-05 late evening).
--
-- executions.tmpl_notify: NULL (unknown) or 1 (its template version has
-- a global_config.notify): the trigger reads the version as before; 0
-- (it has none): the trigger does not. The supervisor's finish writes
-- it from the definition it runs (a version never changes); every other
-- write leaves it as it is, so it stays NULL and exact as before: API
-- cancels, redrives, parks, rows written by hand or by an older
-- supervisor. The execution's own notify is checked as before.
--
-- Re-runnable: ADD COLUMN IF NOT EXISTS (an instant change), then the
-- trigger dropped and created again.

ALTER TABLE executions ADD COLUMN IF NOT EXISTS tmpl_notify TINYINT NULL
    DEFAULT NULL;

DROP TRIGGER IF EXISTS tr_exec_webhook;

-- The IF decides on the row alone: only a change of status to one a
-- notify can name opens another table, and the template's version only
-- when tmpl_notify does not say it has none. timed_out is the failed
-- event.
DELIMITER //
CREATE TRIGGER tr_exec_webhook AFTER UPDATE ON executions FOR EACH ROW
BEGIN
	DECLARE ev VARCHAR(16) CHARACTER SET utf8mb4
	    COLLATE utf8mb4_nopad_bin;

	IF NEW.status <> OLD.status AND NEW.status IN ('completed',
	    'failed', 'cancelled', 'timed_out', 'waiting') THEN
		SET ev = IF(NEW.status = 'timed_out', 'failed', NEW.status);
		IF NEW.notify IS NOT NULL AND JSON_CONTAINS(
		    JSON_EXTRACT(NEW.notify, '$.events'), JSON_QUOTE(ev)) THEN
			INSERT INTO webhook_outbox (exec_pk, kind, signer,
			    event, url, webhook_id, next_try_at, created_at)
			VALUES (NEW.id, 'execution', NEW.user_id, ev,
			    JSON_UNQUOTE(JSON_EXTRACT(NEW.notify, '$.url')),
			    CONCAT('msg_', REPLACE(UUID(), '-', '')),
			    UTC_TIMESTAMP(6), UTC_TIMESTAMP(3));
		END IF;
		IF NEW.tmpl_notify IS NULL OR NEW.tmpl_notify <> 0 THEN
			INSERT INTO webhook_outbox (exec_pk, kind, signer,
			    event, url, webhook_id, next_try_at, created_at)
			SELECT NEW.id, 'template', t.owner_id, ev,
			    JSON_UNQUOTE(JSON_EXTRACT(v.definition,
			    '$.global_config.notify.url')),
			    CONCAT('msg_', REPLACE(UUID(), '-', '')),
			    UTC_TIMESTAMP(6), UTC_TIMESTAMP(3)
			FROM template_versions v JOIN templates t
			    ON t.id = v.template_pk
			WHERE v.template_pk = NEW.template_pk AND
			    v.version = NEW.template_version AND JSON_CONTAINS(
			    JSON_EXTRACT(v.definition,
			    '$.global_config.notify.events'), JSON_QUOTE(ev));
		END IF;
	END IF;
END //
DELIMITER ;
