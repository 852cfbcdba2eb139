#!/usr/bin/env bash
#
# The chaos soak behind `make check-chaos` (not part of `make test`): a
# private stack (deploy/local/stack.sh) with a second supervisor, a steady
# load of executes and GETs (driver.py) and, at random intervals, one
# fault: kill -9 of a random supervisor, kill -9 of a random wfm-fcgi
# worker, or a restart of the private MariaDB. At the end every 202 must
# have reached a terminal state, no step may have run twice at once, and
# no 5xx other than a 503 during a database restart (or the one request a
# killed worker was serving) may have been answered. The figures are
# printed and written to $WFM_CHAOS_VAR/results.json (var/chaos).
#
# Usage: run.sh BUILD_DIR. Environment (all optional):
#	CHAOS_SECONDS	length of the load (default 600)
#	CHAOS_GAP_MIN, CHAOS_GAP_MAX	seconds between faults (default 4, 12)
#	CHAOS_EXEC_RPS, CHAOS_GET_RPS	load (default 8 and 40 a second)
#	CHAOS_SEED	seed of the fault choices (default: the time)
#	WFM_CHAOS_VAR	state directory (default var/chaos)
#	WFM_CHAOS_PORT	port of nginx on 127.0.0.1 (default 18090)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
BUILD=${1:-build}

SECONDS_LOAD=${CHAOS_SECONDS:-600}
GAP_MIN=${CHAOS_GAP_MIN:-4}
GAP_MAX=${CHAOS_GAP_MAX:-12}
SEED=${CHAOS_SEED:-$(date +%s)}
for v in SECONDS_LOAD GAP_MIN GAP_MAX SEED; do
	[[ ${!v} =~ ^[0-9]+$ ]] || { echo "chaos: $v must be a whole number" >&2; exit 2; }
done
((GAP_MAX >= GAP_MIN && GAP_MIN >= 1)) ||
    { echo "chaos: need 1 <= CHAOS_GAP_MIN <= CHAOS_GAP_MAX" >&2; exit 2; }
RANDOM=$SEED

export WFM_VAR=${WFM_CHAOS_VAR:-$ROOT/var/chaos}
export WFM_HTTP_PORT=${WFM_CHAOS_PORT:-18090}
export WFM_BIN_DIR=$ROOT/$BUILD/bin
export WFM_SUPERVISOR_HANDLERS_DIR=$ROOT/tests/handlers
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
export WFM_DATABASE_RW_TIMEOUT=3
export WFM_FCGI_WORKERS=${WFM_FCGI_WORKERS:-6}
export WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER=100000

VAR=$WFM_VAR
CONF=$VAR/wfm.conf
FAULTS=$VAR/faults.log
RUNS=$VAR/runs
SUP2_DIR=$VAR/sup2
URL=http://127.0.0.1:$WFM_HTTP_PORT/api/v1
SUP2_PID=""
DRIVER_PID=""

log() { printf 'chaos: %s\n' "$*" >&2; }
fault() { printf '%s %s %s\n' "$(date +%s.%N)" "$1" "${2:-}" >>"$FAULTS"; }

stop() {
	[[ -n $DRIVER_PID ]] && kill "$DRIVER_PID" 2>/dev/null || true
	[[ -n $SUP2_PID ]] && kill -KILL "$SUP2_PID" 2>/dev/null || true
	bash deploy/local/stack.sh down || true
}
trap stop EXIT

# A second supervisor on this host, under its own lock file: "a random
# supervisor" has two to choose from. Started again when killed (and then
# takes back its dead predecessor's executions at once).
start_sup2() {
	WFM_SUPERVISOR_LOCK_FILE=$SUP2_DIR/supervisor.lock \
	WFM_SUPERVISOR_NUDGE_SOCKET=$SUP2_DIR/supervisor.nudge \
	WFM_SUPERVISOR_SPAWN=false \
	    setsid "$WFM_BIN_DIR/wfm-supervisor" -c "$CONF" \
	    </dev/null >>"$SUP2_DIR/supervisor.log" 2>&1 &
	SUP2_PID=$!
	disown "$SUP2_PID"	# no job notice when it is killed
}

# The pids of the master's children running program $1.
children_of_master() {
	local master c

	master=$(tr -dc '0-9' <"$VAR/run/wfm-fcgi.pid")
	for c in $(ps -o pid= --ppid "$master"); do
		[[ $(readlink "/proc/$c/exe" 2>/dev/null) == "$WFM_BIN_DIR/$1" ]] &&
		    printf '%s\n' "$c"
	done
	return 0
}

pick() {
	local -a a=("$@")

	((${#a[@]} > 0)) || return 1
	printf '%s\n' "${a[RANDOM % ${#a[@]}]}"
}

kill_supervisor() {
	local -a sups
	local victim

	mapfile -t sups < <(children_of_master wfm-supervisor)
	kill -0 "$SUP2_PID" 2>/dev/null && sups+=("$SUP2_PID")
	victim=$(pick "${sups[@]}") || { log "no supervisor to kill"; return; }
	kill -KILL "$victim" 2>/dev/null || return 0
	fault sup_kill "$victim"
	if [[ $victim == "$SUP2_PID" ]]; then
		sleep 1
		start_sup2
	fi
}

kill_worker() {
	local -a w
	local victim

	mapfile -t w < <(children_of_master wfm-fcgi)
	victim=$(pick "${w[@]}") || { log "no worker to kill"; return; }
	kill -KILL "$victim" 2>/dev/null && fault worker_kill "$victim"
	return 0
}

restart_db() {
	local down=$((1 + RANDOM % 5))

	fault db_stop "${down}s"
	bash deploy/local/stack.sh db-stop >>"$VAR/db-restarts.log" 2>&1
	sleep "$down"
	bash deploy/local/stack.sh db-start >>"$VAR/db-restarts.log" 2>&1
	fault db_started
}

command -v python3 >/dev/null || { log "python3 is needed"; exit 2; }
stop
rm -rf "$VAR"
bash deploy/local/stack.sh up
mkdir -p "$RUNS" "$SUP2_DIR"
chmod 0777 "$RUNS"		# handlers run as an unprivileged user
: >"$FAULTS"
start_sup2
TOKEN=$("$WFM_BIN_DIR/wfmctl" -c "$CONF" token --sub chaos \
    --roles workflow:execute,workflow:read,template:write --ttl 86400)

log "load for ${SECONDS_LOAD}s, a fault every ${GAP_MIN}..${GAP_MAX}s (seed $SEED)"
python3 "$ROOT/tests/chaos/driver.py" --url "$URL" --token "$TOKEN" \
    --seconds "$SECONDS_LOAD" --runs-dir "$RUNS" --faults "$FAULTS" \
    --out "$VAR/results.json" --exec-rps "${CHAOS_EXEC_RPS:-8}" \
    --get-rps "${CHAOS_GET_RPS:-40}" &
DRIVER_PID=$!

end=$((SECONDS + SECONDS_LOAD))
while :; do
	sleep $((GAP_MIN + RANDOM % (GAP_MAX - GAP_MIN + 1)))
	((SECONDS < end - 2)) || break
	case $((RANDOM % 5)) in
	0|1)	kill_supervisor ;;
	2|3)	kill_worker ;;
	4)	restart_db ;;
	esac
done
# Both supervisors alive for the drain.
kill -0 "$SUP2_PID" 2>/dev/null || start_sup2

rc=0
wait "$DRIVER_PID" || rc=$?
DRIVER_PID=""
if ((rc == 0)); then
	log "passed; figures in $VAR/results.json"
else
	log "FAILED (driver exit $rc); figures in $VAR/results.json," \
	    "logs in $VAR/log"
fi
exit "$rc"
