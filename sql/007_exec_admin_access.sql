-- wfm schema, migration 007: access to a template is checked again when
-- work happens (a redrive, every claim by a supervisor), not only when an
-- execution was accepted. The owner, a public template and a share are
-- facts of the database that the supervisor can read again; the admin
-- role is a claim of the token that accepted the work. admin_access
-- keeps it: 1 when the execute (or the latest redrive) was accepted by a
-- caller holding the admin role, so that the supervisor does not refuse
-- an admin's run of a template shared with nobody.

ALTER TABLE executions ADD COLUMN IF NOT EXISTS admin_access TINYINT(1)
    NOT NULL DEFAULT 0 AFTER redrive_count;
