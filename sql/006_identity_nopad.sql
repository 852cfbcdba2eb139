-- wfm schema, migration 006: identities compare exactly. utf8mb4_bin is a
-- PAD SPACE collation in MariaDB: 'alice' = 'alice ' is true, so a user
-- id, an owner id, a shared_with entry or a name with trailing spaces
-- met another one in every lookup, list filter, unique key and quota
-- counter, while the C code (strcmp) held them apart. Every column that
-- holds an identity or a name compared as one moves to
-- utf8mb4_nopad_bin, which compares the bytes and nothing else. Every
-- text column of every table moves with them (CONVERT TO), and the
-- tables' default too: two implicit collations in one expression (the
-- audit trigger's JSON_OBJECT of execution_name and template_id, a join
-- of user ids) are an error 1271 in MariaDB, so the schema keeps exactly
-- one. New tables and columns must use utf8mb4_nopad_bin as well.
-- The service also refuses a JWT sub with a space at either end (401).
--
-- Re-runnable: converting to the collation a table has changes nothing.
-- The first run rebuilds each table (a copy), which
-- takes time in proportion to its rows: run it in a quiet moment. No
-- unique key can break: NO PAD never makes two distinct values equal.

ALTER TABLE schema_migrations CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE templates CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE template_versions CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE template_shares CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE executions CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE execution_steps CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE audit_log CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE supervisor_heartbeats CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE secrets CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;

ALTER TABLE user_active CONVERT TO CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin;
