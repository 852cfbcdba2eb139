-- wfm schema, migration 001. Applied by `wfmctl migrate`, recorded in
-- schema_migrations. MariaDB commits DDL implicitly, so a migration cannot
-- be one transaction: every statement is written to be re-runnable
-- (IF NOT EXISTS), and the version row is inserted after the last one.
-- Times are UTC DATETIME(3) (milliseconds, as the API prints them); lease
-- and scheduling times are DATETIME(6) compared with the database's NOW(6).

CREATE TABLE IF NOT EXISTS schema_migrations (
	version		INT UNSIGNED NOT NULL PRIMARY KEY,
	name		VARCHAR(255) NOT NULL,
	applied_at	DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Templates: the current definition plus ownership. template_id is the
-- public UUID; id is the compact clustered key that other tables use.
CREATE TABLE IF NOT EXISTS templates (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	template_id	CHAR(36) NOT NULL,
	owner_id	VARCHAR(255) NOT NULL,
	name		VARCHAR(128) NOT NULL,
	description	VARCHAR(1024) NULL,
	version		INT UNSIGNED NOT NULL DEFAULT 1,
	is_public	TINYINT(1) NOT NULL DEFAULT 0,
	max_concurrent	INT UNSIGNED NULL,
	created_at	DATETIME(3) NOT NULL,
	updated_at	DATETIME(3) NOT NULL,
	deleted_at	DATETIME(3) NULL,
	-- Lookup by public id on every execute.
	UNIQUE KEY uq_templates_template_id (template_id),
	-- The list endpoint: a caller's own templates, newest first.
	KEY ix_templates_owner (owner_id, id),
	-- Public templates for the list endpoint.
	KEY ix_templates_public (is_public, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every version of every template, kept so that an execution runs exactly
-- the definition it was created with, whatever PUTs follow.
CREATE TABLE IF NOT EXISTS template_versions (
	template_pk	BIGINT UNSIGNED NOT NULL,
	version		INT UNSIGNED NOT NULL,
	definition	JSON NOT NULL CHECK (JSON_VALID(definition)),
	created_at	DATETIME(3) NOT NULL,
	PRIMARY KEY (template_pk, version),
	CONSTRAINT fk_tv_template FOREIGN KEY (template_pk)
	    REFERENCES templates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- shared_with: users other than the owner allowed to read and execute.
CREATE TABLE IF NOT EXISTS template_shares (
	template_pk	BIGINT UNSIGNED NOT NULL,
	user_id		VARCHAR(255) NOT NULL,
	-- Primary key answers "may user U use template T" in one probe.
	PRIMARY KEY (template_pk, user_id),
	-- The list endpoint: templates shared with a caller.
	KEY ix_shares_user (user_id, template_pk),
	CONSTRAINT fk_ts_template FOREIGN KEY (template_pk)
	    REFERENCES templates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Executions. id (auto-increment) is the clustered key, so inserts append
-- and the claim order is the insertion order; execution_id is the public
-- UUID.
CREATE TABLE IF NOT EXISTS executions (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	execution_id	CHAR(36) NOT NULL,
	user_id		VARCHAR(255) NOT NULL,
	execution_name	VARCHAR(128) NOT NULL,
	template_pk	BIGINT UNSIGNED NOT NULL,
	template_id	CHAR(36) NOT NULL,
	template_version INT UNSIGNED NOT NULL,
	input		JSON NOT NULL CHECK (JSON_VALID(input)),
	-- SHA-256 of the RFC 8785 form of input: the idempotency comparison.
	input_hash	CHAR(64) NOT NULL,
	status		ENUM('pending', 'running', 'completed', 'failed',
			    'cancelled', 'timed_out') NOT NULL DEFAULT 'pending',
	run_after	DATETIME(6) NOT NULL,
	claimed_by	VARCHAR(128) NULL,
	lease_until	DATETIME(6) NULL,
	-- Bumped at every claim; every write by a supervisor is fenced on
	-- (claimed_by, claim_epoch).
	claim_epoch	INT UNSIGNED NOT NULL DEFAULT 0,
	cancel_requested TINYINT(1) NOT NULL DEFAULT 0,
	cancelled_by	VARCHAR(255) NULL,
	cancel_reason	VARCHAR(256) NULL,
	redrive_count	INT UNSIGNED NOT NULL DEFAULT 0,
	final_result	JSON NULL CHECK (final_result IS NULL OR
			    JSON_VALID(final_result)),
	error_details	JSON NULL CHECK (error_details IS NULL OR
			    JSON_VALID(error_details)),
	request_id	VARCHAR(64) NULL,
	created_at	DATETIME(3) NOT NULL,
	started_at	DATETIME(3) NULL,
	completed_at	DATETIME(3) NULL,
	-- Public lookup (GET, cancel, retry).
	UNIQUE KEY uq_exec_execution_id (execution_id),
	-- Idempotency: (user, execution_name) is reserved while the row
	-- exists; concurrent identical submits collide here, not in a read.
	UNIQUE KEY uq_exec_user_name (user_id, execution_name),
	-- The claim query: WHERE status = 'pending' AND run_after <= NOW(6)
	-- ORDER BY run_after, id LIMIT n FOR UPDATE SKIP LOCKED. Equality on
	-- status then the range on run_after in index order, so LIMIT stops
	-- after n rows whatever the table size.
	KEY ix_exec_claim (status, run_after, id),
	-- Lease reclaim: WHERE status = 'running' AND lease_until < NOW(6).
	KEY ix_exec_lease (status, lease_until),
	-- The list endpoint, newest first (id DESC), per user, optionally by
	-- status; also the per-user quota count of pending + running rows.
	KEY ix_exec_user (user_id, status, id),
	KEY ix_exec_user_all (user_id, id),
	-- Per-template max_concurrent_executions: running rows of a template.
	KEY ix_exec_template (template_pk, status),
	-- Retention: finished rows by completion time.
	KEY ix_exec_retention (completed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per step of an execution, created when the supervisor first
-- runs the execution; the GET document shows steps without a row as
-- pending (or cancelled once the execution has ended).
CREATE TABLE IF NOT EXISTS execution_steps (
	exec_pk		BIGINT UNSIGNED NOT NULL,
	step_idx	SMALLINT UNSIGNED NOT NULL,
	step_id		VARCHAR(63) NOT NULL,
	status		ENUM('pending', 'running', 'completed', 'failed',
			    'skipped', 'cancelled') NOT NULL DEFAULT 'pending',
	attempts	INT UNSIGNED NOT NULL DEFAULT 0,
	next_attempt_at	DATETIME(6) NULL,
	started_at	DATETIME(3) NULL,
	completed_at	DATETIME(3) NULL,
	output		JSON NULL CHECK (output IS NULL OR JSON_VALID(output)),
	error		JSON NULL CHECK (error IS NULL OR JSON_VALID(error)),
	-- Steps of one execution are read and written together, by position.
	PRIMARY KEY (exec_pk, step_idx),
	CONSTRAINT fk_steps_exec FOREIGN KEY (exec_pk)
	    REFERENCES executions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Who did what, when, from where, with which request id.
CREATE TABLE IF NOT EXISTS audit_log (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at		DATETIME(3) NOT NULL,
	user_id		VARCHAR(255) NOT NULL,
	action		VARCHAR(64) NOT NULL,
	object_type	VARCHAR(32) NOT NULL,
	object_id	VARCHAR(64) NOT NULL,
	client_addr	VARCHAR(64) NULL,
	request_id	VARCHAR(64) NULL,
	detail		JSON NULL CHECK (detail IS NULL OR JSON_VALID(detail)),
	-- The audit endpoint filters by user or by action, newest first.
	KEY ix_audit_user (user_id, id),
	KEY ix_audit_action (action, id),
	KEY ix_audit_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per live supervisor; /readyz reads the freshest beat.
CREATE TABLE IF NOT EXISTS supervisor_heartbeats (
	supervisor_id	VARCHAR(128) NOT NULL PRIMARY KEY,
	host		VARCHAR(255) NOT NULL,
	pid		INT UNSIGNED NOT NULL,
	started_at	DATETIME(6) NOT NULL,
	beat_at		DATETIME(6) NOT NULL,
	KEY ix_hb_beat (beat_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Secrets of template owners, AES-256-GCM encrypted with the key file
-- named by [supervisor] secrets_key_file.
CREATE TABLE IF NOT EXISTS secrets (
	owner_id	VARCHAR(255) NOT NULL,
	name		VARCHAR(128) NOT NULL,
	nonce		VARBINARY(12) NOT NULL,
	ciphertext	BLOB NOT NULL,
	tag		VARBINARY(16) NOT NULL,
	updated_at	DATETIME(3) NOT NULL,
	PRIMARY KEY (owner_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
