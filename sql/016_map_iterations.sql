-- wfm schema, migration 016: the iterations of map steps (engine.md
-- "map: one inner step per item"). A map step keeps its own row in
-- execution_steps (status, output: the array of iteration outputs once
-- it completes); each item is a row here with its own status, attempts,
-- output and error, so that a supervisor killed mid-map resumes without
-- re-running a completed iteration, and a redrive resets only the failed
-- and unfinished ones (the rows not 'completed' or 'skipped').
--
-- * Rows are written in batches (multi-row INSERT ... ON DUPLICATE KEY
--   UPDATE, 100 per statement): 10,000 items are 100 round trips.
-- * The primary key is the page order of
--   GET .../steps/{step_id}/iterations (index order, keyset cursor on
--   idx) and the supervisor's load on resume; ix_iter_status serves the
--   status filter and the counts per status of the execution document.
-- * next_attempt_at: a retry wait's due time, on the database clock,
--   as in execution_steps.
-- * Pruning an execution removes its iterations (the cascade).
--
-- Re-runnable: IF NOT EXISTS.

CREATE TABLE IF NOT EXISTS iterations (
	exec_pk		BIGINT UNSIGNED NOT NULL,
	step_idx	SMALLINT UNSIGNED NOT NULL,
	idx		SMALLINT UNSIGNED NOT NULL,
	status		ENUM('pending', 'running', 'completed', 'failed',
			    'skipped', 'cancelled') NOT NULL DEFAULT 'pending',
	attempts	INT UNSIGNED NOT NULL DEFAULT 0,
	next_attempt_at	DATETIME(6) NULL,
	started_at	DATETIME(3) NULL,
	completed_at	DATETIME(3) NULL,
	output		JSON NULL CHECK (output IS NULL OR JSON_VALID(output)),
	error		JSON NULL CHECK (error IS NULL OR JSON_VALID(error)),
	PRIMARY KEY (exec_pk, step_idx, idx),
	KEY ix_iter_status (exec_pk, step_idx, status, idx),
	CONSTRAINT fk_iter_exec FOREIGN KEY (exec_pk)
	    REFERENCES executions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
