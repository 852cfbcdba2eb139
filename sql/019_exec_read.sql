-- wfm schema, migration 019: what the execution document and the list
-- show without a request per row (api.md, second milestone).
--
-- * execution_steps.input: the step's input as the supervisor rendered
--   it when it started the latest attempt (an http step's request, a
--   command step's input), secrets masked as *** before it is stored;
--   NULL for a step that renders nothing (transform, delay) or never ran.
-- * execution_steps.attempt_history: a JSON array of the last 20
--   attempts ({attempt, started_at, completed_at, error}), written by
--   the supervisor with the step row itself (same statement), so it is
--   as durable as the step's result. A redrive empties it with the
--   attempt count.
-- * executions.schedule_pk: the schedule whose fire (or trigger) created
--   the execution, NULL otherwise; the list filter schedule= reads
--   ix_exec_schedule newest first. Rows fired before this migration are
--   found through the fires still recorded.
-- * ix_exec_name: name_prefix= over every user (admin lists): a range on
--   execution_name; per user the range is on uq_exec_user_name.
--
-- Re-runnable: IF NOT EXISTS everywhere; the backfill sets only NULLs.

ALTER TABLE execution_steps ADD COLUMN IF NOT EXISTS input JSON NULL
    CHECK (input IS NULL OR JSON_VALID(input));

ALTER TABLE execution_steps ADD COLUMN IF NOT EXISTS attempt_history
    JSON NULL CHECK (attempt_history IS NULL OR
    JSON_VALID(attempt_history));

ALTER TABLE executions ADD COLUMN IF NOT EXISTS schedule_pk BIGINT
    UNSIGNED NULL;

CREATE INDEX IF NOT EXISTS ix_exec_schedule ON executions (schedule_pk, id);

CREATE INDEX IF NOT EXISTS ix_exec_name ON executions (execution_name, id);

UPDATE executions e JOIN schedule_fires f ON f.execution_id =
    e.execution_id SET e.schedule_pk = f.schedule_pk
    WHERE e.schedule_pk IS NULL;
