#!/usr/bin/env bash
#
# Read replicas (docs/../spec cluster.md, topology 2), for real on
# loopback: the stack's private MariaDB as primary (binary log on,
# server_id 1, TCP on 127.0.0.1:PORT+1 besides its socket) and an async
# replica (server_id 2, 127.0.0.1:PORT+2, its own data directory, seeded
# from a dump and replicating with MASTER_USE_GTID=slave_pos), both
# started and stopped by pid. wfm runs with [database] read_host set to
# the replica. Checks: a GET right after its 202 finds the execution; GETs
# of terminal executions are served by the replica when it is caught up
# (its Com_stmt_execute grows with them); with the replica's SQL thread
# stopped the lag grows past max_replica_lag_ms, /metrics shows it and
# reads go to the primary; with the replica down reads still work and
# /readyz is 200. Ends with "N passed, N failed".
#
# Usage: replica.sh [BUILD_DIR]. Environment (optional):
#	WFM_CLUSTER_VAR		state directory (default var/cluster-replica)
#	WFM_CLUSTER_PORT	nginx port (default 19285; PORT+1, PORT+2 too)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BUILD=${1:-build}
cd "$HERE/../.."
export WFM_VAR=${WFM_CLUSTER_VAR:-$PWD/var/cluster-replica}
export WFM_HTTP_PORT=${WFM_CLUSTER_PORT:-19285}
export WFM_BIN_DIR=$PWD/$BUILD/bin
export WFM_SUPERVISOR_HANDLERS_DIR=$PWD/tests/handlers
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
export WFM_FCGI_WORKERS=3
P1=$((WFM_HTTP_PORT + 1))
P2=$((WFM_HTTP_PORT + 2))
export WFM_DATABASE_READ_HOST=127.0.0.1
export WFM_DATABASE_READ_PORT=$P2
export WFM_DATABASE_MAX_REPLICA_LAG_MS=1000

# shellcheck source=../../deploy/local/stack.sh
source deploy/local/stack.sh
PROG=replica
R_DIR=$VAR/replica
R_CNF=$R_DIR/my.cnf
R_SOCK=$R_DIR/mysqld.sock
R_PID=$R_DIR/mariadbd.pid
R_LOG=$R_DIR/error.log
REPL_PW=$VAR/repl_password
passed=0
failed=0

check() {
	if eval "$1"; then
		printf 'ok - %s\n' "$2"
		passed=$((passed + 1))
	else
		printf 'not ok - %s\n' "$2"
		failed=$((failed + 1))
	fi
}

wait_for() {	# seconds, condition
	local end=$((SECONDS + $1))

	until eval "$2"; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

# The primary: the stack's my.cnf with a binary log and TCP on loopback.
eval "stack_$(declare -f write_my_cnf)"
write_my_cnf() {
	stack_write_my_cnf
	sed -i -e "s|^skip-networking$|port = $P1\nbind-address = 127.0.0.1\nserver_id = 1\nlog_bin = $MY_DIR/binlog\nbinlog_format = ROW|" \
	    "$MY_CNF"
	grep -q "^server_id = 1$" "$MY_CNF" || die "my.cnf: no skip-networking to replace"
}

rsql() {
	mariadb --no-defaults --socket="$R_SOCK" --user="$DB_ADMIN" \
	    --batch --skip-column-names
}

replica_start() {
	local i

	spawn "$R_PID" "$R_LOG" "$MARIADBD" --defaults-file="$R_CNF"
	disown
	for ((i = 0; i < 300; i++)); do
		mariadb-admin --no-defaults --socket="$R_SOCK" --user="$DB_ADMIN" \
		    --connect-timeout=2 ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	tail -n 20 "$R_LOG" >&2
	die "the replica did not start"
}

replica_setup() {
	local user_line="" pw rpw opts=(--auth-root-authentication-method=socket --skip-test-db)

	((EUID == 0)) && { user_line="user = root"; opts+=(--user=root); } ||
	    opts+=(--auth-root-socket-user="$DB_ADMIN")
	mkdir -p "$R_DIR/tmp"
	chmod 700 "$R_DIR"
	cat >"$R_CNF" <<EOT
[mysqld]
datadir = $R_DIR/data
socket = $R_SOCK
pid-file = $R_PID
log-error = $R_LOG
tmpdir = $R_DIR/tmp
port = $P2
bind-address = 127.0.0.1
$user_line
server_id = 2
relay_log = $R_DIR/relay
read_only = 1
skip_slave_start = 1
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
innodb_buffer_pool_size = 64M
EOT
	mariadb-install-db --defaults-file="$R_CNF" --datadir="$R_DIR/data" \
	    "${opts[@]}" >"$R_DIR/install.log" 2>&1 || die "replica install failed"
	replica_start
	make_secret "$REPL_PW" hex24
	rpw=$(<"$REPL_PW")
	pw=$(<"$DB_PASSWORD")
	sql <<EOT || die "cannot create the replication account"
CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY '$rpw';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
EOT
	# The same application account, read-only here (as on a real replica).
	rsql <<EOT || die "cannot create the replica's accounts"
CREATE USER IF NOT EXISTS 'wfm'@'localhost' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS 'wfm'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT SELECT ON \`$DBNAME\`.* TO 'wfm'@'localhost';
GRANT SELECT ON \`$DBNAME\`.* TO 'wfm'@'127.0.0.1';
EOT
	mariadb-dump --no-defaults --socket="$MY_SOCK" --user="$DB_ADMIN" \
	    --single-transaction --gtid --master-data=1 --databases "$DBNAME" \
	    >"$R_DIR/seed.sql" 2>"$R_DIR/dump.log" || die "mariadb-dump failed"
	rsql <"$R_DIR/seed.sql" || die "cannot load the seed into the replica"
	rsql <<EOT || die "CHANGE MASTER failed"
CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $P1,
    MASTER_USER = 'repl', MASTER_PASSWORD = '$rpw',
    MASTER_USE_GTID = slave_pos;
START SLAVE;
EOT
}

stop_all() {
	stop_one "replica MariaDB" "$R_PID" "$MARIADBD" 2>/dev/null || true
	bash deploy/local/stack.sh down >/dev/null 2>&1 || true
}

readyz() { curl -sS --max-time 10 "$URL/readyz"; }
metric() {
	curl -sS --max-time 10 "$URL/metrics" |
	    sed -n "s/^$1 \\([0-9.e+-]*\\)\$/\\1/p" | head -n 1
}
replica_stmts() {
	rsql <<<"SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | cut -f2
}
api() {		# method path [body]: prints "status body"
	local out code

	out=$(curl -sS --max-time 20 -o - -w '\n%{http_code}' -X "$1" \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    ${3:+--data "$3"} "$URL$2") || return 1
	code=${out##*$'\n'}
	printf '%s %s\n' "$code" "${out%$'\n'*}"
}
get_all() {	# count of 200s over every id of TERM
	local id n=0

	for id in "${TERM_IDS[@]}"; do
		[[ $(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
		    -H "Authorization: Bearer $TOKEN" \
		    "$URL/workflow-management/executions/$id") == 200 ]] &&
		    n=$((n + 1))
	done
	echo "$n"
}

trap stop_all EXIT
stop_all
rm -rf "$VAR"
cmd_up
ensure_handler_user

# No replica yet: reads go to the primary and /readyz stays 200.
check '[[ $(curl -sS -o /dev/null -w "%{http_code}" "$URL/readyz") == 200 ]]' \
    "/readyz is 200 while the replica is not there"
check 'readyz | grep -q "\"replica\": *\"unreachable\""' \
    "/readyz shows the replica unreachable"

replica_setup
check 'wait_for 30 "readyz | grep -q \"\\\"replica\\\": *\\\"ok\\\"\""' \
    "the replica catches up: /readyz shows it ok"
check '[[ $(metric wfm_replica_in_use) == 1 ]]' "/metrics: wfm_replica_in_use 1"

TOKEN=$("$BIN/wfmctl" -c "$CONF" token --sub rep \
    --roles workflow:execute,workflow:read,template:write --ttl 3600)
tmpl='{"name": "rep", "steps": [{"id": "a", "type": "transform", "output": {"x": 1}}]}'
resp=$(api POST /workflow-management/templates "$tmpl")
tid=$(sed -n 's/.*"template_id": *"\([^"]*\)".*/\1/p' <<<"$resp")
[[ -n $tid ]] || die "template create: $resp"

# A GET right after its 202, each time: the row is not (or not terminal)
# on the replica yet, the primary answers.
ok=0
TERM_IDS=()
for ((k = 0; k < 20; k++)); do
	resp=$(api POST /workflow-management/execute "{\"template_id\": \"$tid\"}")
	id=$(sed -n 's/.*"execution_id": *"\([^"]*\)".*/\1/p' <<<"$resp")
	TERM_IDS+=("$id")
	resp=$(api GET "/workflow-management/executions/$id")
	[[ -n $id && ${resp%% *} == 200 &&
	    $(sed 's/"execution_id": */"execution_id":/' <<<"$resp") == \
	    *"\"execution_id\":\"$id\""* ]] &&
	    ok=$((ok + 1))
done
check '((ok == 20))' "GET right after 202 finds the execution ($ok of 20)"
for id in "${TERM_IDS[@]}"; do
	curl -sS -o /dev/null --max-time 20 -H "Authorization: Bearer $TOKEN" \
	    -H 'Prefer: wait=10' "$URL/workflow-management/executions/$id"
done
replica_done() {
	[[ $(rsql <<<"SELECT COUNT(*) FROM $DBNAME.executions
	    WHERE status = 'completed'") -ge 20 ]]
}
check 'wait_for 20 replica_done' "the replica has the 20 completed executions"
wait_for 10 '[[ $(metric wfm_replica_in_use) == 1 ]]' || :
# /metrics is one worker's view: a worker that found the replica
# unreachable at start looks again only READ_RETRY_MS (2 s, http_read.c)
# later, at its next request. Let that pass, and let every worker make
# that request, before counting.
sleep 2.5
get_all >/dev/null

# Caught up: the replica serves the GETs of terminal executions, at
# least one statement each (STMT_EXEC_GET_DOC reads a one-step execution
# in one).
before=$(replica_stmts)
n=$(get_all); n2=$(get_all); n3=$(get_all)
delta=$(($(replica_stmts) - before))
check '((n + n2 + n3 == 60 && delta >= 60))' \
    "60 GETs of terminal executions served by the replica ($((n + n2 + n3)) x 200, replica executed $delta statements)"
list=$(api GET "/workflow-management/executions?limit=5")
check '[[ ${list%% *} == 200 ]]' "the list answers 200 from the replica"

# SQL thread stopped: the lag grows past the max, reads go to the primary.
rsql <<<"STOP SLAVE SQL_THREAD"
lag_over() { awk -v l="$(metric wfm_replica_lag_seconds)" 'BEGIN { exit !(l > 1) }'; }
wait_for 15 lag_over || :
lag=$(metric wfm_replica_lag_seconds)
check 'lag_over' "/metrics: wfm_replica_lag_seconds grows past 1 s with the SQL thread stopped ($lag s)"
check '[[ $(metric wfm_replica_in_use) == 0 ]]' "/metrics: wfm_replica_in_use 0 while it lags"
check 'readyz | grep -q "\"replica\": *\"lagging\""' "/readyz shows the replica lagging"
before=$(replica_stmts)
n=$(get_all); n2=$(get_all); n3=$(get_all)
delta=$(($(replica_stmts) - before))
check '((n + n2 + n3 == 60 && delta < 30))' \
    "60 GETs answered by the primary while the replica lags ($((n + n2 + n3)) x 200, replica executed $delta statements: lag checks only)"
resp=$(api POST /workflow-management/execute "{\"template_id\": \"$tid\"}")
id=$(sed -n 's/.*"execution_id": *"\([^"]*\)".*/\1/p' <<<"$resp")
resp=$(api GET "/workflow-management/executions/$id")
check '[[ ${resp%% *} == 200 ]]' "a new execution is found while the replica lags"
rsql <<<"START SLAVE SQL_THREAD"
check 'wait_for 20 "[[ \$(metric wfm_replica_in_use) == 1 ]]"' \
    "the SQL thread started again: the replica is used again"

# Replica down: reads still work, /readyz 200.
stop_one "replica MariaDB" "$R_PID" "$MARIADBD"
n=$(get_all)
check '((n == 20))' "GETs answered with the replica down ($n of 20)"
check '[[ $(curl -sS -o /dev/null -w "%{http_code}" "$URL/readyz") == 200 ]]' \
    "/readyz is 200 with the replica down"
check 'readyz | grep -q "\"replica\": *\"unreachable\""' "/readyz shows the replica unreachable"
check '[[ $(metric wfm_replica_up) == 0 ]]' "/metrics: wfm_replica_up 0"
echo "$passed passed, $failed failed"
((failed == 0))
