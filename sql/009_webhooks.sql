-- wfm schema, migration 009: webhooks (engine.md "Notifications").
--
-- webhook_secrets: one signing secret per user, encrypted at rest like
-- step secrets (AES-256-GCM with [supervisor] secrets_key_file, the user
-- id and "webhook_secret" as associated data). A rotation moves the
-- current secret to prev_* with rotated_at; it keeps signing for 24 h.
--
-- executions.notify: the execute body's notify, as given.
--
-- webhook_outbox: one row per delivery, written by tr_exec_webhook in the
-- same statement (so the same transaction) as the UPDATE that moves an
-- execution to a state a notify asks for, whatever wrote it (the
-- supervisor's finish, a cancel by the API). Its payload is built by the
-- supervisor at the first attempt (when the step rows of that same
-- transaction are committed) and kept, so every retry sends the same
-- body under the same webhook_id.
--
-- webhook_attempts: every attempt, with its HTTP status or its error.

CREATE TABLE IF NOT EXISTS webhook_secrets (
	user_id		VARCHAR(255) NOT NULL PRIMARY KEY,
	nonce		VARBINARY(12) NOT NULL,
	ciphertext	VARBINARY(64) NOT NULL,
	tag		VARBINARY(16) NOT NULL,
	created_at	DATETIME(3) NOT NULL,
	prev_nonce	VARBINARY(12) NULL,
	prev_ciphertext	VARBINARY(64) NULL,
	prev_tag	VARBINARY(16) NULL,
	rotated_at	DATETIME(3) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

ALTER TABLE executions ADD COLUMN IF NOT EXISTS notify JSON NULL
    CHECK (notify IS NULL OR JSON_VALID(notify)) AFTER admin_access;

CREATE TABLE IF NOT EXISTS webhook_outbox (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	exec_pk		BIGINT UNSIGNED NOT NULL,
	-- 'execution': the execute body's notify, signed by the execution's
	-- owner; 'template': global_config.notify, by the template's owner.
	kind		ENUM('execution', 'template') NOT NULL,
	signer		VARCHAR(255) NOT NULL,
	event		VARCHAR(16) NOT NULL,
	url		VARCHAR(2048) NOT NULL,
	webhook_id	VARCHAR(64) NOT NULL,
	payload		MEDIUMTEXT NULL,
	attempts	INT UNSIGNED NOT NULL DEFAULT 0,
	status		ENUM('pending', 'delivered', 'failed') NOT NULL
			    DEFAULT 'pending',
	-- Also the claim: a claimed row's next_try_at moves past its
	-- attempt's end, so another supervisor skips it meanwhile.
	next_try_at	DATETIME(6) NULL,
	created_at	DATETIME(3) NOT NULL,
	UNIQUE KEY uq_outbox_webhook_id (webhook_id),
	-- The delivery loop: WHERE status = 'pending' AND next_try_at <= now.
	KEY ix_outbox_due (status, next_try_at),
	-- The notifications endpoint.
	KEY ix_outbox_exec (exec_pk, id),
	CONSTRAINT fk_outbox_exec FOREIGN KEY (exec_pk)
	    REFERENCES executions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS webhook_attempts (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	outbox_id	BIGINT UNSIGNED NOT NULL,
	at		DATETIME(3) NOT NULL,
	status_code	SMALLINT UNSIGNED NULL,
	-- timeout, connection or ssrf_blocked; NULL when a status came back.
	error		VARCHAR(32) NULL,
	KEY ix_attempts_outbox (outbox_id, id),
	CONSTRAINT fk_attempts_outbox FOREIGN KEY (outbox_id)
	    REFERENCES webhook_outbox (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

DROP TRIGGER IF EXISTS tr_exec_webhook;

-- The IF decides on the row alone: only a change of status to one a
-- notify can name opens another table. timed_out is the failed event.
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
		INSERT INTO webhook_outbox (exec_pk, kind, signer, event, url,
		    webhook_id, next_try_at, created_at)
		SELECT NEW.id, 'template', t.owner_id, ev,
		    JSON_UNQUOTE(JSON_EXTRACT(v.definition,
		    '$.global_config.notify.url')),
		    CONCAT('msg_', REPLACE(UUID(), '-', '')),
		    UTC_TIMESTAMP(6), UTC_TIMESTAMP(3)
		FROM template_versions v JOIN templates t
		    ON t.id = v.template_pk
		WHERE v.template_pk = NEW.template_pk AND
		    v.version = NEW.template_version AND JSON_CONTAINS(
		    JSON_EXTRACT(v.definition, '$.global_config.notify.events'),
		    JSON_QUOTE(ev));
	END IF;
END //
DELIMITER ;
