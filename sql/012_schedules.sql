-- wfm schema, migration 012: schedules (engine.md "Schedules"). A
-- schedule starts executions of a template on a clock, as its owner; the
-- supervisors find the due ones through ix_sched_due (next_fire_at is
-- NULL while a schedule is paused), lock them with FOR UPDATE SKIP
-- LOCKED and, in one transaction per batch, create the executions,
-- record the fires and move next_fire_at on. The execution name
-- sched.<name>.<yyyymmddTHHMMSSZ> and uq_exec_user_name make a fire
-- exactly-once even across supervisors. Every text column uses
-- utf8mb4_nopad_bin, the schema's one collation (sql/006).

CREATE TABLE IF NOT EXISTS schedules (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	schedule_id	CHAR(36) NOT NULL,
	owner_id	VARCHAR(255) NOT NULL,
	name		VARCHAR(64) NOT NULL,
	template_pk	BIGINT UNSIGNED NOT NULL,
	template_id	CHAR(36) NOT NULL,
	-- Exactly one of cron and interval_seconds.
	cron		VARCHAR(256) NULL,
	interval_seconds INT UNSIGNED NULL,
	timezone	VARCHAR(64) NOT NULL DEFAULT 'UTC',
	input		JSON NOT NULL CHECK (JSON_VALID(input)),
	overlap		ENUM('skip', 'allow', 'buffer_one') NOT NULL
			    DEFAULT 'skip',
	catchup		ENUM('none', 'last', 'all') NOT NULL DEFAULT 'none',
	paused		TINYINT(1) NOT NULL DEFAULT 0,
	-- 1 when written by a caller holding the admin role (as
	-- executions.admin_access, sql/007): fires may then use a template
	-- that is not the owner's, public or shared.
	admin_access	TINYINT(1) NOT NULL DEFAULT 0,
	-- The next fire, whole seconds; NULL while paused or when the
	-- expression never fires again.
	next_fire_at	DATETIME(6) NULL,
	-- overlap buffer_one: the fire held until the previous run ends.
	buffered_at	DATETIME(6) NULL,
	last_fire_at	DATETIME(3) NULL,
	last_execution_id CHAR(36) NULL,
	created_at	DATETIME(3) NOT NULL,
	updated_at	DATETIME(3) NOT NULL,
	UNIQUE KEY uq_sched_schedule_id (schedule_id),
	-- name is unique per owner (409).
	UNIQUE KEY uq_sched_owner_name (owner_id, name),
	-- The due-fire query: WHERE next_fire_at <= NOW(6) ORDER BY
	-- next_fire_at LIMIT n FOR UPDATE SKIP LOCKED, and MIN(next_fire_at)
	-- for the supervisor's sleep. NULLs (paused) sort first and are
	-- never in the range.
	KEY ix_sched_due (next_fire_at),
	-- The list endpoint, newest first; the per-user count.
	KEY ix_sched_owner (owner_id, id),
	-- Deleting a template pauses its schedules.
	KEY ix_sched_template (template_pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- One row per fire: the time it was due (or the time of a manual trigger)
-- and what happened: the execution created, or why none was.
CREATE TABLE IF NOT EXISTS schedule_fires (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	schedule_pk	BIGINT UNSIGNED NOT NULL,
	fire_at		DATETIME(3) NOT NULL,
	manual		TINYINT(1) NOT NULL DEFAULT 0,
	fired_at	DATETIME(3) NOT NULL,
	execution_id	CHAR(36) NULL,
	-- overlap_skipped, forbidden, template_deleted, name_taken,
	-- input_invalid, quota_exceeded; NULL when execution_id is set.
	reason		VARCHAR(32) NULL,
	-- A fire is unique by (schedule, time).
	UNIQUE KEY uq_fire (schedule_pk, fire_at, manual),
	-- The fires endpoint, newest first.
	KEY ix_fire_sched (schedule_pk, id),
	-- Retention by age.
	KEY ix_fire_at (fire_at),
	CONSTRAINT fk_fire_sched FOREIGN KEY (schedule_pk)
	    REFERENCES schedules (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
