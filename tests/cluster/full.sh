#!/usr/bin/env bash
#
# make check-cluster: the full workload of docs/../spec cluster.md in one
# run. A 3-node MariaDB Galera cluster on loopback (lib.sh: node 1 is the
# stack's MariaDB, nodes 2 and 3 join by SST) and three "hosts" (h1, h2,
# h3: a wfm-fcgi master each, with its own config, sockets, lock file and
# the supervisor it spawns) behind one nginx with three upstreams. Every
# host lists the nodes in the same order (one writer at a time, the
# spec's recommendation). CLUSTER_N executions (default 10000) of the
# step-recording template (tests/cluster/load.py, handler
# tests/handlers/cluster-step) run while, in turn, the supervisor of h2,
# the master of h3 (then what is left of its session, and a restart) and
# Galera node 1, the writer, are killed with SIGKILL.
# Checks: every 202 terminal, no step twice at once, re-runs only where
# a supervisor died mid-step, no execution left pending or running, every
# host moved to node 2. Figures printed and saved to $VAR/results.json:
# throughput, time to recover from each fault, re-runs, the Galera nodes'
# CPU per execution. Ends with "N passed, N failed".
#
# Usage: full.sh [BUILD_DIR]. Environment (optional):
#	CLUSTER_N		executions (default 10000)
#	CLUSTER_RATE		executes posted per second (default 40)
#	WFM_CLUSTER_VAR		state directory (default var/cluster)
#	WFM_CLUSTER_PORT	nginx port (default 19340; the nodes use
#				PORT+1..33, see lib.sh)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BUILD=${1:-build}
N=${CLUSTER_N:-10000}
RATE=${CLUSTER_RATE:-40}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "cluster: CLUSTER_N must be a number" >&2; exit 2; }

cd "$HERE/../.."
export WFM_VAR=${WFM_CLUSTER_VAR:-$PWD/var/cluster}
export WFM_HTTP_PORT=${WFM_CLUSTER_PORT:-19340}
export WFM_BIN_DIR=$PWD/$BUILD/bin
export WFM_SUPERVISOR_HANDLERS_DIR=$PWD/tests/handlers
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
# Longer than a write blocked while the cluster drops the killed node.
export WFM_SUPERVISOR_LEASE_SECONDS=20
export WFM_SUPERVISOR_CONCURRENCY=16
# RLIMIT_NPROC counts every process of the handler user: three
# supervisors run 48 handlers at once, each a shell, a sleep and notes.
export WFM_SUPERVISOR_CMD_NPROC=2048
export WFM_FCGI_WORKERS=3
export WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER=100000

# shellcheck source=../../deploy/local/stack.sh
source deploy/local/stack.sh
# shellcheck source=lib.sh
source "$HERE/lib.sh"
PROG=cluster
HOSTS="1 2 3"
FAULTS=$VAR/faults.log
RUNS=$VAR/runs
UPSTREAM=$VAR/run/upstream.conf
passed=0
failed=0

stop_all() {
	local i

	for i in 3 2 1; do
		stop_one "wfm-fcgi h$i" "$(ghpid "$i")" "$BIN/wfm-fcgi" 2>/dev/null
	done
	for i in 3 2; do
		stop_one "Galera node $i" "$(npid "$i")" "$MARIADBD" 2>/dev/null || true
	done
	bash deploy/local/stack.sh down >/dev/null 2>&1 || true
}

trap 'stop_all' EXIT
stop_all
rm -rf "$VAR"
t_setup=$SECONDS
galera_up
NODES="127.0.0.1:$(sqlport 1), 127.0.0.1:$(sqlport 2), 127.0.0.1:$(sqlport 3)"
for i in $HOSTS; do ghost_start "$i" "$NODES"; done
upstream_install "$UPSTREAM" "$(ghsock 1)" "$(ghsock 2)" "$(ghsock 3)"

# Node 2 answers the test's own queries: node 1 is killed.
beating() {	# hosts with a fresh heartbeat [other than supervisor pid $1]
	nsql 2 <<<"SELECT COUNT(DISTINCT host) FROM $DBNAME.supervisor_heartbeats
	    WHERE beat_at > UTC_TIMESTAMP(6) - INTERVAL 3 SECOND
	    AND host IN ('h1', 'h2', 'h3') AND pid <> ${1:-0}"
}
check 'wait_for 30 "[[ \$(beating) == 3 ]]"' "supervisors of h1, h2 and h3 beat"
check 'wait_for 10 "[[ \$(curl -s -o /dev/null -w %{http_code} $URL/readyz) == 200 ]]"' \
    "/readyz is 200 through the upstream"
log "set up in $((SECONDS - t_setup)) s"

mkdir -p "$RUNS/locks"
chmod 0777 "$RUNS" "$RUNS/locks"	# handlers run as an unprivileged user
: >"$FAULTS"
TOKEN=$("$BIN/wfmctl" -c "$CONF" token --sub cluster \
    --roles workflow:execute,workflow:read,template:write --ttl 86400)

node_cpu() { cpu_of "$(running_pid "$(npid "$1")" "$MARIADBD" || echo 0)"; }
cpu0_2=$(node_cpu 2)
cpu0_3=$(node_cpu 3)
cpu0_1=$(node_cpu 1)
tl=$SECONDS
# The drain polls what is left: allow a backlog of a few minutes.
python3 "$HERE/load.py" --url "$URL" --token "$TOKEN" --n "$N" \
    --rate "$RATE" --runs-dir "$RUNS" --faults "$FAULTS" \
    --drain $((300 + N / 10)) --out "$VAR/load.json" >"$VAR/load.out" 2>&1 &
LOAD=$!

started() { grep -c '^start' "$RUNS/runs" 2>/dev/null || echo 0; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# Fault 1, at N/4 steps started: the supervisor of h2, mid-step. Its
# master starts a new one, which takes back h2's claims.
wait_for $((120 + N / 10)) '(( $(started) >= N / 4 ))' || log "load did not start"
m2=$(running_pid "$(ghpid 2)" "$BIN/wfm-fcgi")
s2=$(sup_of "$m2") || die "no supervisor under host 2"
t_k1=$(now)
printf '%s sup_kill %s\n' "$t_k1" "$s2" >>"$FAULTS"
kill -KILL "$s2"
log "killed the supervisor of h2 (pid $s2)"
h2_back() { s=$(sup_of "$m2") && [[ $s != "$s2" ]] && [[ $(nsql 2 <<<"SELECT COUNT(*)
    FROM $DBNAME.supervisor_heartbeats WHERE host = 'h2' AND pid = $s
    AND beat_at > UTC_TIMESTAMP(6) - INTERVAL 3 SECOND") == 1 ]]; }
check 'wait_for 30 h2_back' "h2's master started a new supervisor, which beats"
rec_sup=$(since "$t_k1")

# Fault 2, at N/2: the master of h3; what is left of its session goes as
# systemd ends a failed unit's control group, and it starts again.
wait_for $((120 + N / 10)) '(( $(started) >= N / 2 ))' || log "load did not progress"
m3=$(running_pid "$(ghpid 3)" "$BIN/wfm-fcgi")
s3=$(sup_of "$m3") || die "no supervisor under host 3"
t_k2=$(now)
printf '%s master_kill %s\n' "$t_k2" "$m3" >>"$FAULTS"
kill -KILL "$m3"
log "killed the master of h3 (pid $m3)"
sleep 1
printf '%s sup_kill %s\n' "$(now)" "$s3" >>"$FAULTS"
stop_one "wfm-fcgi h3 (left over)" "$(ghpid 3)" "$BIN/wfm-fcgi"
ghost_start 3 "$NODES"
h3_back() {
	[[ $(nsql 2 <<<"SELECT COUNT(*) FROM $DBNAME.supervisor_heartbeats
	    WHERE host = 'h3' AND pid <> $s3
	    AND beat_at > UTC_TIMESTAMP(6) - INTERVAL 3 SECOND") == 1 ]]
}
check 'wait_for 30 h3_back' "h3 is back with a new supervisor"
rec_master=$(since "$t_k2")

# Fault 3, at 3N/4: Galera node 1, every host's writer.
wait_for $((120 + N / 10)) '(( $(started) >= 3 * N / 4 ))' || log "load did not progress"
k1=$(running_pid "$(npid 1)" "$MARIADBD") || die "node 1 is not running"
cpu1=$(cpu_of "$k1")
t_k3=$(now)
printf '%s node_kill %s\n' "$t_k3" "$k1" >>"$FAULTS"
kill -KILL "$k1"
log "killed Galera node 1 (pid $k1)"
check 'wait_for 30 "[[ \$(status_of 2 wsrep_cluster_size) == 2 ]]"' \
    "nodes 2 and 3 formed a view of 2"
check '[[ $(status_of 2 wsrep_cluster_status) == Primary ]]' \
    "nodes 2 and 3 stay Primary"
moved_all() {
	local i

	for i in $HOSTS; do
		grep -q "moved from node 127.0.0.1:$(sqlport 1) to node 127.0.0.1:$(sqlport 2)" \
		    "$(ghlog "$i")" || return 1
	done
}
check 'wait_for 120 moved_all' "every host moved from node 1 to node 2"
# From the kill to the last supervisor's move (its log line).
t_moved=0
for i in $HOSTS; do
	m=$(grep -h '"prog":"wfm-supervisor".*moved from node' "$(ghlog "$i")" | head -n 1 |
	    sed -n 's/^{"ts":"\([^"]*\)Z".*/\1/p')
	t=$(date -u -d "${m:-@0}" +%s.%N 2>/dev/null || echo 0)
	t_moved=$(awk -v a="$t_moved" -v b="$t" 'BEGIN { print (b > a ? b : a) }')
done

rc=0
wait "$LOAD" || rc=$?
tl=$((SECONDS - tl))
cpu2=$(node_cpu 2)
cpu3=$(node_cpu 3)
cat "$VAR/load.out"
check '((rc == 0))' "the workload's checks passed"
load_counts "$VAR/load.out"
check '[[ $(nsql 2 <<<"SELECT COUNT(*) FROM $DBNAME.executions
    WHERE status IN (\"pending\", \"running\")") == 0 ]]' \
    "no execution is left pending or running"
check '! grep -q "^overlap" "$RUNS/runs"' "no step run found another run holding its lock"
sleep 3		# the supervisors write supervisor.prom every few seconds
prom() {	# metric: summed over the hosts
	cat "$(ghrun 1)/supervisor.prom" "$(ghrun 2)/supervisor.prom" \
	    "$(ghrun 3)/supervisor.prom" 2>/dev/null |
	    awk -v m="$1" '$1 == m { n += $2 } END { print n + 0 }'
}
retries=$(prom wfm_supervisor_tx_retries_total)
lost=$(prom wfm_supervisor_claim_lost_total)

# Figures, printed and saved with load.py's.
# The node kill's time to recover: the longest time without a step
# starting (a claim needs the database; a handler's end does not) around
# the kill; the supervisors reconnect at once, but writes block until
# the cluster's view drops the node.
pause=$(awk -v t="$t_k3" '$1 == "start" && $7 > t - 5 && $7 < t + 120 {
    if (p != "" && $7 - p > m) m = $7 - p; p = $7 }
    END { printf "%.2f", m }' < <(sort -k7,7n "$RUNS/runs"))
rec_node=$(awk -v a="$t_k3" -v b="$t_moved" 'BEGIN { printf "%.2f", (b > a ? b - a : -1) }')
python3 - "$VAR/load.json" "$VAR/results.json" <<EOF
import json, sys
d = json.load(open(sys.argv[1]))
n = d["n"] or 1
rec = d["recovery"]
d.update({
    "passed": $passed, "failed": $failed,
    "hosts": 3, "galera_nodes": 3, "rate_posted": $RATE,
    "wall_seconds": $tl,
    "throughput_per_s": round(d["n"] / d["seconds"], 2) if d["seconds"] else 0,
    "supervisor_kill": {"new_supervisor_beating_s": $rec_sup,
        "rerun_start_after_kill_s_max": round(max(rec), 2) if rec else 0,
        "rerun_start_after_kill_s_mean": round(sum(rec) / len(rec), 2) if rec else 0},
    "master_kill": {"host_back_s": $rec_master},
    "galera_node_kill": {"all_supervisors_moved_s": $rec_node,
        "longest_pause_between_step_starts_s": $pause},
    "tx_retries": $retries, "claims_lost_on_reread": $lost,
    "node_cpu_s": {"node1_until_kill": $cpu1 - $cpu0_1,
        "node2": $cpu2 - $cpu0_2, "node3": $cpu3 - $cpu0_3},
    "node_cpu_us_per_execution": {
        "node2_and_3_mean": round(($cpu2 - $cpu0_2 + $cpu3 - $cpu0_3) / 2 / n * 1e6)},
})
d.pop("recovery")
json.dump(d, open(sys.argv[2], "w"), indent=1)
print("figures: %d executions, %.1f executions/s (posted at %s/s), run %d s" %
      (d["n"], d["throughput_per_s"], $RATE, $tl))
print("figures: supervisor kill: new supervisor beating after %s s, re-runs %d "
      "(started %.2f s after the kill at most); master kill: host back after "
      "%s s; node kill: every supervisor on node 2 after %s s, longest time "
      "without a step starting %s s" %
      ($rec_sup, d["reruns"], d["supervisor_kill"]["rerun_start_after_kill_s_max"],
       $rec_master, $rec_node, $pause))
print("figures: transactions retried %d, claims lost on re-read %d; Galera "
      "CPU per execution (nodes 2 and 3, mean) %d us" %
      ($retries, $lost, d["node_cpu_us_per_execution"]["node2_and_3_mean"]))
EOF
log "results: $VAR/results.json"
echo "$passed passed, $failed failed"
((failed == 0))
