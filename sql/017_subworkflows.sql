-- wfm schema, migration 017: sub-workflows (engine.md "workflow"). A
-- `workflow` step starts a child execution as the parent's user, named
-- <parent execution_id>.<step id, _ as ->[.<map index>].<redrive>.<attempt>
-- so that the unique (user_id, execution_name) of 001 makes the start
-- idempotent: a supervisor that resumes the step finds the child it
-- already started.
--
-- * parent_execution_id, parent_step_id: the links shown by GET (both
--   NULL for an execution started by a client or a schedule). The
--   parent's step shows its newest child through ix_exec_parent, which
--   also serves the list filter parent_execution_id= and the cancel
--   propagation (children of a parent that have not ended).
-- * root_execution_id: the execution at the top of the tree (NULL for a
--   root itself); depth: 0 for a root, 1 for its children, at most 8.
-- * descendants: on a root only, the number of executions its tree has
--   created, bumped in the transaction that inserts a child, so that
--   [supervisor] max_descendants is checked on one row, not by a count.
--
-- Identifiers compare byte for byte (utf8mb4_nopad_bin, as in 006).
-- Re-runnable.

ALTER TABLE executions ADD COLUMN IF NOT EXISTS parent_execution_id
    CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL;

ALTER TABLE executions ADD COLUMN IF NOT EXISTS parent_step_id
    VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL;

ALTER TABLE executions ADD COLUMN IF NOT EXISTS root_execution_id
    CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL;

ALTER TABLE executions ADD COLUMN IF NOT EXISTS depth TINYINT UNSIGNED
    NOT NULL DEFAULT 0;

ALTER TABLE executions ADD COLUMN IF NOT EXISTS descendants INT UNSIGNED
    NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS ix_exec_parent ON executions
    (parent_execution_id, parent_step_id, id);
