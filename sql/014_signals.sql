-- wfm schema, migration 014: signals for wait steps (engine.md "wait:
-- signals and approvals"). POST .../executions/{id}/signals/{name}
-- inserts one row. A row is either consumed (consumed_by names the wait
-- step that takes it) or kept for the first step that waits for its
-- name (consumed_by NULL, at most 100 per execution, checked by the
-- service under the execution's row lock).
--
-- * The service sets consumed_by at once when a step of that name is
--   already waiting (the earliest, ties in template order); otherwise
--   the supervisor claims the oldest kept row when a step starts to
--   wait (UPDATE ... WHERE consumed_by IS NULL: one taker). A supervisor
--   killed between the claim and the step's write finds the row by
--   consumed_by when it resumes: a signal is never lost nor taken twice.
-- * signal_id (optional, 1..64 safe characters) makes a delivery
--   idempotent: unique per execution; a repeat delivers nothing.
-- * signalled_by: the JWT sub of the sender, shown by GET on the step.
-- * Rows go with their execution (ON DELETE CASCADE: retention prunes
--   them with it).
--
-- Re-runnable: IF NOT EXISTS throughout.

CREATE TABLE IF NOT EXISTS signals (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	exec_pk		BIGINT UNSIGNED NOT NULL,
	name		VARCHAR(64) NOT NULL,
	payload		LONGTEXT NOT NULL CHECK (JSON_VALID(payload)),
	signal_id	VARCHAR(64) NULL,
	signalled_by	VARCHAR(255) NOT NULL,
	created_at	DATETIME(6) NOT NULL,
	consumed_by	VARCHAR(63) NULL,
	consumed_at	DATETIME(6) NULL,
	UNIQUE KEY uq_signal_id (exec_pk, signal_id),
	KEY ix_signal_exec (exec_pk, consumed_by, id),
	CONSTRAINT fk_signals_exec FOREIGN KEY (exec_pk)
	    REFERENCES executions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Waiting steps, for GET /workflow-management/approvals: only the
-- waiting rows are read, whatever the number of steps.
CREATE INDEX IF NOT EXISTS ix_steps_status ON execution_steps (status);
