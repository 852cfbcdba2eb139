#!/usr/bin/env bash
#
# Several hosts on one primary (docs/../spec cluster.md, topology 1), on
# one machine: one private MariaDB, three "hosts" (a wfm-fcgi master with
# its own config, FastCGI socket, lock file, nudge socket and pid file,
# and the supervisor it spawns, [supervisor] host_id h1, h2, h3) behind
# one nginx with an upstream of three servers. The stack of host 1 is
# deploy/local/stack.sh up; hosts 2 and 3 and the upstream use its
# functions (the script is sourced). A workload of CLUSTER_N executions
# (tests/cluster/load.py) runs while the supervisor of host 2 and then the
# master of host 3 are killed with SIGKILL (host 3 is then cleaned up and
# started again, as systemd does with a failed unit's control group).
# Ends with "N passed, N failed"; exit status 1 when a check failed.
#
# Usage: hosts.sh [BUILD_DIR]. Environment (optional):
#	CLUSTER_N		executions (default 300)
#	WFM_CLUSTER_VAR		state directory (default var/cluster-hosts)
#	WFM_CLUSTER_PORT	port of nginx on 127.0.0.1 (default 19280)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BUILD=${1:-build}
N=${CLUSTER_N:-300}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "hosts: CLUSTER_N must be a number" >&2; exit 2; }

cd "$HERE/../.."
export WFM_VAR=${WFM_CLUSTER_VAR:-$PWD/var/cluster-hosts}
export WFM_HTTP_PORT=${WFM_CLUSTER_PORT:-19280}
export WFM_BIN_DIR=$PWD/$BUILD/bin
export WFM_SUPERVISOR_HANDLERS_DIR=$PWD/tests/handlers
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
export WFM_SUPERVISOR_LEASE_SECONDS=3
export WFM_SUPERVISOR_CONCURRENCY=16
# RLIMIT_NPROC of wfm-handler counts that uid over the whole machine:
# three supervisors of 16 handlers each, and their children, pass 64.
export WFM_SUPERVISOR_CMD_NPROC=1024
export WFM_FCGI_WORKERS=3
export WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER=100000

# shellcheck source=../../deploy/local/stack.sh
source deploy/local/stack.sh
# shellcheck source=lib.sh
source "$HERE/lib.sh"
PROG=hosts
HOSTS="1 2 3"
FAULTS=$VAR/faults.log
RUNS=$VAR/runs
UPSTREAM=$VAR/run/upstream.conf
passed=0
failed=0

# Per-host paths: host 1 is the stack's own.
hconf() { if (($1 == 1)); then echo "$CONF"; else echo "$VAR/h$1/wfm.conf"; fi; }
hrun() { if (($1 == 1)); then echo "$RUNDIR"; else echo "$VAR/h$1/run"; fi; }
hpid() { echo "$(hrun "$1")/wfm-fcgi.pid"; }
hsock() { echo "$(hrun "$1")/wfm-fcgi.sock"; }

start_host() {
	local i=$1 d=$VAR/h$1

	mkdir -p "$d/run"
	sed -e "s|^listen = .*|listen = $d/run/wfm-fcgi.sock|" \
	    -e "s|^lock_file = .*|lock_file = $d/run/supervisor.lock|" \
	    -e "s|^nudge_socket = .*|nudge_socket = $d/run/supervisor.nudge|" \
	    "$CONF" >"$d/wfm.conf"
	rm -f "$d/run/wfm-fcgi.sock" "$d/run/supervisor.nudge"
	WFM_SUPERVISOR_HOST_ID=h$i spawn "$(hpid "$i")" "$d/wfm.log" \
	    "$BIN/wfm-fcgi" -c "$d/wfm.conf"
	disown		# killed on purpose: no job notice
}

stop_all() {
	local i

	for i in 3 2; do
		stop_one "wfm-fcgi h$i" "$(hpid "$i")" "$BIN/wfm-fcgi" 2>/dev/null
	done
	bash deploy/local/stack.sh down >/dev/null 2>&1 || true
}

hosts_beating() {
	sql <<<"SELECT COUNT(DISTINCT host) FROM $DBNAME.supervisor_heartbeats
	    WHERE beat_at > UTC_TIMESTAMP(6) - INTERVAL 3 SECOND
	    AND host IN ('h1', 'h2', 'h3')"
}

trap 'stop_all' EXIT
stop_all
rm -rf "$VAR"
WFM_SUPERVISOR_HOST_ID=h1 bash deploy/local/stack.sh up
mkdir -p "$RUNS/locks"
chmod 0777 "$RUNS" "$RUNS/locks"	# handlers run as an unprivileged user
: >"$FAULTS"
start_host 2
start_host 3

upstream_install "$UPSTREAM" "$(hsock 1)" "$(hsock 2)" "$(hsock 3)"

check 'wait_for 30 "[[ \$(hosts_beating) == 3 ]]"' \
    "three supervisors beat with claimer ids of hosts h1, h2, h3"
for i in $HOSTS; do
	check "wait_for 10 '[[ -S $(hsock "$i") ]]'" "host h$i listens on its own socket"
done
check '[[ $(sql <<<"SELECT COUNT(*) FROM $DBNAME.supervisor_heartbeats
    WHERE supervisor_id NOT LIKE CONCAT(host, \":%\")") == 0 ]]' \
    "every claimer id starts with its host_id"
sleep 1		# the reload's new nginx workers

TOKEN=$("$BIN/wfmctl" -c "$CONF" token --sub cluster \
    --roles workflow:execute,workflow:read,template:write --ttl 3600)
python3 "$HERE/load.py" --url "$URL" --token "$TOKEN" --n "$N" \
    --rate "${CLUSTER_RATE:-30}" --runs-dir "$RUNS" --faults "$FAULTS" \
    --out "$VAR/results.json" >"$VAR/load.out" 2>&1 &
LOAD=$!

started() { grep -c '^start' "$RUNS/runs" 2>/dev/null || echo 0; }

# Kill 1: the supervisor of host 2, in the middle of its steps. Its
# master starts a new one, which takes back h2's claims (host_id).
wait_for 60 '(( $(started) >= N / 4 ))' || log "load did not start"
m2=$(running_pid "$(hpid 2)" "$BIN/wfm-fcgi")
s2=$(sup_of "$m2") || die "no supervisor under host 2"
printf '%s sup_kill %s\n' "$(date +%s.%N)" "$s2" >>"$FAULTS"
kill -KILL "$s2"
log "killed the supervisor of h2 (pid $s2)"

# Kill 2: the master of host 3; what is left of it (workers, supervisor)
# goes as systemd ends a failed unit's control group, and it starts again.
wait_for 60 '(( $(started) >= N / 2 ))' || log "load did not progress"
m3=$(running_pid "$(hpid 3)" "$BIN/wfm-fcgi")
s3=$(sup_of "$m3") || die "no supervisor under host 3"
printf '%s master_kill %s\n' "$(date +%s.%N)" "$m3" >>"$FAULTS"
kill -KILL "$m3"
log "killed the master of h3 (pid $m3)"
sleep 1
printf '%s sup_kill %s\n' "$(date +%s.%N)" "$s3" >>"$FAULTS"
stop_one "wfm-fcgi h3 (left over)" "$(hpid 3)" "$BIN/wfm-fcgi"
t_restart=$SECONDS
start_host 3

check 'wait_for 30 "s=\$(sup_of $m2) && [[ \$s != $s2 ]]"' \
    "host h2's master started a new supervisor"
h3_back() {
	[[ $(sql <<<"SELECT COUNT(*) FROM $DBNAME.supervisor_heartbeats
	    WHERE host = 'h3' AND pid <> $s3
	    AND beat_at > UTC_TIMESTAMP(6) - INTERVAL 3 SECOND") == 1 ]]
}
check 'wait_for 30 h3_back' "host h3 is back with a new supervisor"
log "h3 back after $((SECONDS - t_restart)) s"

rc=0
wait "$LOAD" || rc=$?
cat "$VAR/load.out"
check '((rc == 0))' "the workload's checks passed"
load_counts "$VAR/load.out"
check '[[ $(sql <<<"SELECT COUNT(*) FROM $DBNAME.executions
    WHERE status IN (\"pending\", \"running\")") == 0 ]]' \
    "no execution is left pending or running"
echo "$passed passed, $failed failed"
((failed == 0))
