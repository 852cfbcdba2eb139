-- wfm schema, migration 013: executions that hold no slot (engine.md,
-- second milestone). An execution may be 'waiting' (every unfinished
-- step waits for a signal, a callback or a child) or 'paused' (POST
-- .../pause); a step may be 'waiting'. Neither holds a supervisor slot
-- or a lease, and neither costs anything while it waits:
--
-- * wake_at is the time a waiting (or paused) execution must be looked
--   at again (its earliest step timeout); NULL for every other row and
--   for one with nothing due. The supervisor finds due rows through
--   ix_exec_wake: equality on status, then a range on wake_at that reads
--   only the due ones in order (NULLs sort first and are outside it),
--   whatever the number of waiting rows: no scan, no timer per row.
-- * paused_at / paused_us: the execution's own timeout does not run
--   while it is paused. paused_us is the time spent paused since the
--   first claim, added at each resume; the supervisor subtracts it from
--   the time since started_at.
--
-- The per-user quota (sql/011) counts only status IN ('pending',
-- 'running'): trigger tr_exec_slot_free clears quota_slot on any other
-- status, so 'waiting' and 'paused' hold no slot (they do not count
-- toward max_active_executions_per_user) with no trigger change here. A
-- pause gives the slot back at once (even while the supervisor still
-- finishes running steps); a resume takes one like a redrive (the
-- service sets quota_slot, 429 at the quota). The webhook trigger of
-- sql/009 fires on a change to 'waiting' (the waiting event) and on
-- none of pause or resume.
--
-- Re-runnable: MODIFY to the same definition changes nothing; appending
-- ENUM values at the end is an instant change in MariaDB.

ALTER TABLE executions MODIFY COLUMN status ENUM('pending', 'running',
    'completed', 'failed', 'cancelled', 'timed_out', 'waiting', 'paused')
    NOT NULL DEFAULT 'pending';

ALTER TABLE execution_steps MODIFY COLUMN status ENUM('pending', 'running',
    'completed', 'failed', 'skipped', 'cancelled', 'waiting') NOT NULL
    DEFAULT 'pending';

ALTER TABLE executions ADD COLUMN IF NOT EXISTS wake_at DATETIME(6) NULL
    AFTER lease_until;

ALTER TABLE executions ADD COLUMN IF NOT EXISTS paused_at DATETIME(6) NULL
    AFTER wake_at;

ALTER TABLE executions ADD COLUMN IF NOT EXISTS paused_us BIGINT
    NOT NULL DEFAULT 0 AFTER paused_at;

CREATE INDEX IF NOT EXISTS ix_exec_wake ON executions (status, wake_at);
