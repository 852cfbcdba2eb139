#!/usr/bin/env bash
# The variants of docs/bench.md (2026-12-06, and (day) for the groups of
# the group insert: N a multiple of 16), alternating, ROUNDS times:
#	bash tests/bench/insert_probe.sh PROBE VAR TEMPLATE_ID ROUNDS USERS N
# against the stack under VAR (wfm-fcgi stopped). Each index variant drops
# the index, runs the insert alone, and recreates it (from SHOW CREATE).
# The modes side and exists are candidates (side needs sql/022's table).
set -eu
PROBE=$1 VAR=$2 TID=$3 ROUNDS=$4 USERS=$5 N=$6
S=$VAR/mysql/mysqld.sock
PID=$(cat "$VAR/mysql/mariadbd.pid")
q() { mariadb -S "$S" wfm -N -e "$1"; }
run() { printf '%-28s ' "$1"; "$PROBE" "$S" "$PID" "$2" 16 "$N" "$USERS" \
    "$TID" "r$r-$1"; }
IDX="ix_exec_claim ix_exec_lease ix_exec_user ix_exec_user_all
ix_exec_template ix_exec_retention ix_exec_created ix_exec_wake
ix_exec_parent ix_exec_schedule ix_exec_name"
for r in $(seq "$ROUNDS"); do
	run as-is parked
	run no-parked-count insert
	run group-of-16 multi16
	run group-of-8 multi8
	run parked-offset offset
	run ping-instead ping
	run side-counter side
	run exists-parked exists
	q "DROP TRIGGER tr_exec_template_check"
	run no-trigger insert
	mariadb -S "$S" wfm < sql/021_template_changed.sql
	for i in $IDX; do
		def=$(mariadb -S "$S" wfm -N --raw -e \
		    "SHOW CREATE TABLE executions" |
		    grep -o "KEY \`$i\` ([^)]*)" | head -1)
		q "ALTER TABLE executions DROP INDEX $i"
		run "no-$i" insert
		q "ALTER TABLE executions ADD $def"
	done
	run as-is-again parked
done
q "SELECT COUNT(*) FROM executions"
