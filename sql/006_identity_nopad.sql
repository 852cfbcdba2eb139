-- wfm schema, migration 006: identities compare exactly. utf8mb4_bin is a
-- PAD SPACE collation in MariaDB: 'alice' = 'alice ' is true, so a user
-- id, an owner id, a shared_with entry or a name with trailing spaces
-- met another one in every lookup, list filter, unique key and quota
-- counter, while the C code (strcmp) held them apart. Every column that
-- holds an identity or a name compared as one moves to
-- utf8mb4_nopad_bin, which compares the bytes and nothing else; the
-- tables' default collation too, so that columns added later get it.
-- The service also refuses a JWT sub with a space at either end (401).
--
-- Re-runnable: MODIFY to the same definition changes nothing. Changing
-- the collation of an indexed column rebuilds the table (a copy), which
-- takes time in proportion to its rows: run it in a quiet moment. No
-- unique key can break: NO PAD never makes two distinct values equal.

ALTER TABLE templates DEFAULT CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin,
    MODIFY owner_id VARCHAR(255) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY name VARCHAR(128) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE template_shares DEFAULT CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin,
    MODIFY user_id VARCHAR(255) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE executions DEFAULT CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin,
    MODIFY user_id VARCHAR(255) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY execution_name VARCHAR(128) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY claimed_by VARCHAR(128) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NULL,
    MODIFY cancelled_by VARCHAR(255) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NULL;

ALTER TABLE audit_log DEFAULT CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin,
    MODIFY user_id VARCHAR(255) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE user_active DEFAULT CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin,
    MODIFY user_id VARCHAR(255) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE secrets DEFAULT CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin,
    MODIFY owner_id VARCHAR(255) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY name VARCHAR(128) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE supervisor_heartbeats DEFAULT CHARACTER SET utf8mb4
    COLLATE utf8mb4_nopad_bin,
    MODIFY supervisor_id VARCHAR(128) CHARACTER SET utf8mb4
	COLLATE utf8mb4_nopad_bin NOT NULL;
