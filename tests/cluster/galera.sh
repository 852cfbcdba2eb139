#!/usr/bin/env bash
#
# Galera (docs/../spec cluster.md, topology 3), for real on loopback: a
# 3-node MariaDB Galera cluster (Debian's galera-4; private data
# directories, sockets and ports; state transfer by mariabackup, its logs
# kept in the node's directory). Node 1 is the stack's own MariaDB
# (deploy/local/stack.sh, sourced) bootstrapped with --wsrep-new-cluster;
# nodes 2 and 3 join one at a time. Every process is started and stopped
# by pid. Two "hosts" (wfm-fcgi + the supervisor it spawns) behind one
# nginx: h1 with [database] host = node 1, node 2, node 3 and h2 with
# node 2, node 3, node 1, so that two supervisors on two nodes race for
# the same pending rows (certification failures, spec point (c)). A
# workload of CLUSTER_N executions (tests/cluster/load.py, handler
# tests/handlers/cluster-step) runs while node 1, h1's writer, is killed
# with SIGKILL. Checks: every 202 terminal, no step twice at once (from
# the handler's records), h1 moved to node 2 (log line and metric), the
# claims raced on two nodes; figures: throughput, failover time,
# transactions retried. Ends with "N passed, N failed".
#
# Usage: galera.sh [BUILD_DIR]. Environment (optional):
#	CLUSTER_N		executions (default 300)
#	WFM_CLUSTER_VAR		state directory (default var/cluster-galera)
#	WFM_CLUSTER_PORT	nginx port (default 19290; the nodes use
#				PORT+1..3 (SQL), +11..13 (gcomm), +21..23
#				(IST), +31..33 (SST))
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BUILD=${1:-build}
N=${CLUSTER_N:-300}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "galera: CLUSTER_N must be a number" >&2; exit 2; }

cd "$HERE/../.."
export WFM_VAR=${WFM_CLUSTER_VAR:-$PWD/var/cluster-galera}
export WFM_HTTP_PORT=${WFM_CLUSTER_PORT:-19290}
export WFM_BIN_DIR=$PWD/$BUILD/bin
export WFM_SUPERVISOR_HANDLERS_DIR=$PWD/tests/handlers
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
# Longer than a write blocked while the cluster drops the killed node.
export WFM_SUPERVISOR_LEASE_SECONDS=20
export WFM_SUPERVISOR_CONCURRENCY=16
# RLIMIT_NPROC counts every process of the handler user: two supervisors
# run 32 handlers at once, each a shell, a sleep and its notes.
export WFM_SUPERVISOR_CMD_NPROC=1024
export WFM_FCGI_WORKERS=3
export WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER=100000

# shellcheck source=../../deploy/local/stack.sh
source deploy/local/stack.sh
# shellcheck source=lib.sh
source "$HERE/lib.sh"
PROG=galera
FAULTS=$VAR/faults.log
RUNS=$VAR/runs
UPSTREAM=$VAR/run/upstream.conf
passed=0
failed=0

# Host i (1 or 2): lib.sh's ghost_*.
hrun() { ghrun "$1"; }
hpid() { ghpid "$1"; }
hsock() { ghsock "$1"; }
hlog() { ghlog "$1"; }
start_host() { ghost_start "$@"; }

stop_all() {
	local i

	for i in 2 1; do
		stop_one "wfm-fcgi h$i" "$(hpid "$i")" "$BIN/wfm-fcgi" 2>/dev/null
	done
	for i in 3 2; do
		stop_one "Galera node $i" "$(npid "$i")" "$MARIADBD" 2>/dev/null || true
	done
	bash deploy/local/stack.sh down >/dev/null 2>&1 || true
}

trap 'stop_all' EXIT
stop_all
rm -rf "$VAR"
galera_up

N1="127.0.0.1:$(sqlport 1), 127.0.0.1:$(sqlport 2), 127.0.0.1:$(sqlport 3)"
N2="127.0.0.1:$(sqlport 2), 127.0.0.1:$(sqlport 3), 127.0.0.1:$(sqlport 1)"
start_host 1 "$N1"
start_host 2 "$N2"
upstream_install "$UPSTREAM" "$(hsock 1)" "$(hsock 2)"

beating() {
	nsql 2 <<<"SELECT COUNT(DISTINCT host) FROM $DBNAME.supervisor_heartbeats
	    WHERE beat_at > UTC_TIMESTAMP(6) - INTERVAL 3 SECOND
	    AND host IN ('h1', 'h2')"
}
check 'wait_for 30 "[[ \$(beating) == 2 ]]"' "supervisors of h1 and h2 beat"
check 'wait_for 10 "[[ \$(curl -s -o /dev/null -w %{http_code} $URL/readyz) == 200 ]]"' \
    "/readyz is 200 through the upstream"

mkdir -p "$RUNS/locks"
chmod 0777 "$RUNS" "$RUNS/locks"
: >"$FAULTS"
TOKEN=$("$BIN/wfmctl" -c "$CONF" token --sub cluster \
    --roles workflow:execute,workflow:read,template:write --ttl 3600)

retries() {	# transactions retried by both supervisors, from their metrics
	cat "$(hrun 1)/supervisor.prom" "$(hrun 2)/supervisor.prom" 2>/dev/null |
	    awk '$1 == "wfm_supervisor_tx_retries_total" { n += $2 } END { print n + 0 }'
}

# Spec point (c): the two supervisors, on nodes 1 and 2, are stopped
# while RACE_N executions are accepted, then go on at the same moment:
# both select the same oldest pending rows (SKIP LOCKED is local to a
# node), one claim fails certification and is retried by store_tx.
RACE_N=${GALERA_RACE_N:-96}
s1=$(sup_of "$(running_pid "$(hpid 1)" "$BIN/wfm-fcgi")") || die "no supervisor of h1"
s2=$(sup_of "$(running_pid "$(hpid 2)" "$BIN/wfm-fcgi")") || die "no supervisor of h2"
kill -STOP "$s1" "$s2"
python3 "$HERE/load.py" --url "$URL" --token "$TOKEN" --n "$RACE_N" \
    --rate 200 --run "race$$" --runs-dir "$RUNS" --faults "$FAULTS" \
    >"$VAR/race.out" 2>&1 &
RACE=$!
pending() {
	nsql 2 <<<"SELECT COUNT(*) FROM $DBNAME.executions WHERE status = 'pending'"
}
wait_for 60 '(( $(pending) >= RACE_N ))' || log "race: not all accepted"
kill -CONT "$s1" "$s2"
rc=0
wait "$RACE" || rc=$?
cat "$VAR/race.out"
check '((rc == 0))' "race: every execution completed, no step twice at once"
sleep 3		# supervisor.prom is written every few seconds
race_retries=$(retries)
race_dl=$(cat "$(hlog 1)" "$(hlog 2)" | grep -c 'Deadlock found' || true)
check '((race_retries > 0))' \
    "race: claims on two nodes conflicted and were retried ($race_retries retries, $race_dl deadlock lines)"
check '[[ $(awk -v a="$s1" -v b="$s2" '"'"'$1 == "start" && ($6 == a || $6 == b) { print $6 }'"'"' "$RUNS/runs" | sort -u | wc -l) == 2 ]]' \
    "race: both supervisors ran steps"
tl=$SECONDS
t_load=$(date +%s.%N)
python3 "$HERE/load.py" --url "$URL" --token "$TOKEN" --n "$N" \
    --rate "${CLUSTER_RATE:-30}" --runs-dir "$RUNS" --faults "$FAULTS" \
    --out "$VAR/results.json" >"$VAR/load.out" 2>&1 &
LOAD=$!

started() { grep -c '^start' "$RUNS/runs" 2>/dev/null || echo 0; }

# The writer of h1 goes: kill -9 of node 1 under load.
wait_for 120 '(( $(started) >= N / 3 ))' || log "load did not progress"
k1=$(running_pid "$(npid 1)" "$MARIADBD") || die "node 1 is not running"
t_kill=$(date +%s.%N)
printf '%s node_kill %s\n' "$t_kill" "$k1" >>"$FAULTS"
kill -KILL "$k1"
log "killed node 1 (pid $k1)"
check 'wait_for 30 "[[ \$(status_of 2 wsrep_cluster_size) == 2 ]]"' \
    "nodes 2 and 3 formed a view of 2"
check '[[ $(status_of 2 wsrep_cluster_status) == Primary ]]' \
    "nodes 2 and 3 stay Primary"

rc=0
wait "$LOAD" || rc=$?
tl=$((SECONDS - tl))
cat "$VAR/load.out"
check '((rc == 0))' "the workload's checks passed"
lfail=0
load_counts "$VAR/load.out"
check '[[ $(nsql 2 <<<"SELECT COUNT(*) FROM $DBNAME.executions
    WHERE status IN (\"pending\", \"running\")") == 0 ]]' \
    "no execution is left pending or running"
check 'grep -q "moved from node 127.0.0.1:$(sqlport 1) to node 127.0.0.1:$(sqlport 2)" "$(hlog 1)"' \
    "h1 logged its move from node 1 to node 2"
sleep 3		# the supervisors write supervisor.prom every few seconds
check 'grep -q "^wfm_supervisor_db_node 1$" "$(hrun 1)/supervisor.prom"' \
    "h1's supervisor metric shows node index 1 (node 2)"
check 'grep -Eq "^wfm_supervisor_db_failovers_total [1-9]" "$(hrun 1)/supervisor.prom"' \
    "h1's supervisor counted the failover"
# Spec point (c): both claimers took executions while on two nodes.
before=$(awk -v t="$t_kill" -v t0="$t_load" '$1 == "start" && $7 > t0 && $7 < t { print $6 }' "$RUNS/runs" |
    sort -u | wc -l)
check '((before == 2))' "supervisors on two nodes both ran steps before the kill ($before)"
check '! grep -q "^overlap" "$RUNS/runs"' "no step run found another run holding its lock"

if ((lfail > 0)); then
	nsql 2 <<<"SELECT execution_id, status, LEFT(error_details, 300)
	    FROM $DBNAME.executions WHERE status <> 'completed' LIMIT 3" || true
	nsql 2 <<<"SELECT e.execution_id, s.step_id, s.status, s.attempts,
	    LEFT(s.error, 300) FROM $DBNAME.executions e JOIN
	    $DBNAME.execution_steps s ON s.exec_pk = e.id WHERE e.status <> 'completed' LIMIT 3" || true
fi

# Figures.
retries=$(retries)
lost=$(cat "$(hrun 1)/supervisor.prom" "$(hrun 2)/supervisor.prom" |
    awk '$1 == "wfm_supervisor_claim_lost_total" { n += $2 } END { print n + 0 }')
deadlocks=$(cat "$(hlog 1)" "$(hlog 2)" | grep -c 'Deadlock\|deadlock' || true)
# Failover: from the kill to h1's first connection to node 2 (its log),
# and the longest time without a step ending around the kill.
moved=$(grep -h 'moved from node' "$(hlog 1)" | head -n 1 |
    sed -n 's/^{"ts":"\([^"]*\)Z".*/\1/p')
t_moved=$(date -u -d "${moved:-@0}" +%s.%N 2>/dev/null || echo 0)
pause=$(awk -v t="$t_kill" '$1 == "end" && $7 > t - 5 && $7 < t + 60 {
    if (p != "" && $7 - p > m) m = $7 - p; p = $7 }
    END { printf "%.2f", m }' < <(sort -k7,7n "$RUNS/runs"))
printf 'figures: %d executions in %d s (%.1f/s); node 1 killed: h1 on node 2 after %s s, longest pause between step ends %s s\n' \
    "$N" "$tl" "$(awk -v n="$N" -v t="$tl" 'BEGIN { print (t > 0 ? n / t : 0) }')" \
    "$(awk -v a="$t_kill" -v b="$t_moved" 'BEGIN { printf "%.2f", b - a }')" \
    "$pause"
printf 'figures: supervisor transactions retried %d, claims found taken on re-read %d, deadlock/certification log lines %d\n' \
    "$retries" "$lost" "$deadlocks"
echo "$passed passed, $failed failed"
((failed == 0))
