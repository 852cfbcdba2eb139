-- wfm schema, migration 008: the heartbeat by which a replica's lag is
-- measured (docs/decisions.md, Cluster). While their configuration names
-- a replica ([database] read_host or read_socket), the supervisors write
-- their host's row on the primary every 250 ms; wfm-fcgi reads the age
-- of the freshest row on the replica and sends reads to the primary when
-- it exceeds [database] max_replica_lag_ms. One row per host_id: the
-- table never grows with restarts.

CREATE TABLE IF NOT EXISTS replica_heartbeat (
	host_id		VARCHAR(64) CHARACTER SET utf8mb4
			    COLLATE utf8mb4_nopad_bin NOT NULL PRIMARY KEY,
	beat_at		DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
