-- wfm schema, migration 020: the per-user schedule limit exact under
-- concurrent creates ([http] max_schedules_per_user). A count before the
-- insert let two creates at limit - 1 both pass. Now every schedule holds
-- an owner slot, a number in 0 .. limit - 1 unique per owner
-- (uq_sched_owner_slot), as executions hold quota slots (sql/011): the
-- create takes the lowest free one, and a slot taken meanwhile is a
-- duplicate key, so two creates can never hold the same place, on one
-- server or across Galera nodes (the unique key is certified). A
-- deleted schedule gives its slot back with its row.
--
-- Re-runnable. Existing schedules get the slots 0..n-1 of their owner.

ALTER TABLE schedules ADD COLUMN IF NOT EXISTS owner_slot INT UNSIGNED
    NULL;

UPDATE schedules s JOIN (SELECT id, ROW_NUMBER() OVER (PARTITION BY
    owner_id ORDER BY id) - 1 AS slot FROM schedules) n ON n.id = s.id
SET s.owner_slot = n.slot WHERE s.owner_slot IS NULL;

ALTER TABLE schedules ADD UNIQUE INDEX IF NOT EXISTS uq_sched_owner_slot
    (owner_id, owner_slot);
