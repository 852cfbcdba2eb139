-- wfm schema, migration 015: callbacks from other systems (engine.md
-- "Callbacks from other systems"). A "callback": true step gets a fresh
-- 256-bit token per attempt; only its SHA-256 is stored, committed
-- before the request is sent or the handler runs. POST
-- /callbacks/{token} finds the row by that hash (one primary-key
-- lookup, whether the token exists or not) and records the body:
--
-- * state: 'issued' until a callback arrives, then 'received' with body
--   (the canonical JSON the caller sent: a repeat with an equal body is
--   200, another body 409). 'superseded' when a later attempt of the
--   step began or the step no longer waits (410).
-- * expires_at: NULL while the attempt runs; set when the step starts
--   waiting (then + callback_timeout_seconds). A callback at or after
--   it is 410, and the supervisor fails the step with callback_timeout.
-- * A callback that arrives while the request is still running is kept
--   ('received') and applied once the request's own answer is recorded.
--
-- Rows go with their execution (ON DELETE CASCADE: retention prunes
-- them). A callback's audit row has no user: audit_log.user_id becomes
-- NULL-able.
--
-- Re-runnable.

CREATE TABLE IF NOT EXISTS callback_tokens (
	token_hash	BINARY(32) NOT NULL PRIMARY KEY,
	exec_pk		BIGINT UNSIGNED NOT NULL,
	step_idx	SMALLINT UNSIGNED NOT NULL,
	attempt		INT UNSIGNED NOT NULL,
	state		ENUM('issued', 'received', 'superseded') NOT NULL
			    DEFAULT 'issued',
	body		JSON NULL CHECK (body IS NULL OR JSON_VALID(body)),
	created_at	DATETIME(6) NOT NULL,
	received_at	DATETIME(6) NULL,
	expires_at	DATETIME(6) NULL,
	-- The supervisor reads and updates the tokens of one step.
	KEY ix_cb_step (exec_pk, step_idx, attempt),
	CONSTRAINT fk_cb_exec FOREIGN KEY (exec_pk)
	    REFERENCES executions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

ALTER TABLE audit_log MODIFY COLUMN user_id VARCHAR(255)
    COLLATE utf8mb4_nopad_bin NULL;
