#!/usr/bin/env bash
#
# Graceful operations of wfm-fcgi behind nginx, on a private stack:
#   - SIGHUP under a steady stream of requests: every worker is replaced
#     and not one request fails;
#   - kill -9 of a worker under the stream: the master replaces it (the
#     worker count comes back) and no client sees a 5xx apart from at most
#     the one request that was on that worker;
#   - SIGTERM: requests in flight (long polls with Prefer: wait=3) still
#     complete with 200/202, then every process of wfm-fcgi is gone and
#     nginx answers 502 with the JSON page;
#   - kill -9 of the master: its workers and the supervisor it spawned
#     exit by themselves (no systemd cgroup to kill them here).
#
# Usage: tests/deploy/graceful.sh [BUILD_DIR]   (see lib.sh for ports)
# Prints one line per check and "N passed, M failed"; exits 1 on failure.

PROG=graceful
# shellcheck source=tests/deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WORKERS=4
export WFM_FCGI_WORKERS=$WORKERS
# Two long polls of one user are in flight at SIGTERM (a GET and a POST
# replay, below); with 4 workers the default per-user bound of waiters
# is 1, and the one that announced last would answer at once.
export WFM_HTTP_MAX_WAITERS_PER_USER=2
STREAMS=3

trap 'stop_streams; cleanup' EXIT
trap 'exit 1' INT TERM

stack_fresh
T=$VAR/deploy-graceful
mkdir -p "$T"
API=$NGX_URL/api/v1
TOK=$(token dpl-graceful workflow:execute,workflow:read,template:write)

# post_location PATH JSON: POST it as our user, print the Location.
post_location() {
	curl -sS --max-time 20 -o /dev/null -D "$T/h" \
	    -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
	    --data-binary "$2" "$API$1" 2>/dev/null
	tr -d '\r' <"$T/h" | awk 'tolower($1) == "location:" { print $2 }'
}

master_pid() {
	local pid

	pid=$(tr -dc '0-9' <"$FCGI_PID" 2>/dev/null)
	runs "$pid" "$BIN/wfm-fcgi" && printf '%s\n' "$pid"
}

# The children of master $1 that run wfm-fcgi and are called $2 (comm):
# wfm-fcgi the workers, wfm-group the group writer (the supervisor it
# spawns runs wfm-supervisor).
children_of() {
	local d pid stat rest comm

	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		{ stat=$(<"$d/stat"); } 2>/dev/null || continue
		rest=${stat##*) }
		read -r _ ppid _ <<<"$rest"
		[[ $ppid == "$1" ]] || continue
		{ comm=$(<"$d/comm"); } 2>/dev/null || continue
		[[ $comm == "$2" ]] && runs "$pid" "$BIN/wfm-fcgi" &&
		    printf '%s\n' "$pid"
	done
	return 0
}

workers_of() { children_of "$1" wfm-fcgi; }

# wait_workers MASTER N: until it has N workers (10 s); prints the count.
wait_workers() {
	local i n

	for ((i = 0; i < 100; i++)); do
		n=$(workers_of "$1" | wc -l)
		((n == $2)) && break
		sleep 0.1
	done
	printf '%s\n' "$n"
}

# A request that takes the whole path: token, database, JSON document.
EXEC_URL=""
STREAM_PIDS=()

# start_streams NAME: STREAMS clients sending requests one after the other
# (50 per curl, kept alive) until $T/stop exists; statuses in
# $T/NAME.N, one a line.
start_streams() {
	local name=$1 s i

	rm -f "$T/stop" "$T/$name".*
	{
		for ((i = 0; i < 50; i++)); do
			printf 'url = "%s"\noutput = "/dev/null"\n' "$EXEC_URL"
			printf 'url = "%s/healthz"\noutput = "/dev/null"\n' "$API"
		done
	} >"$T/stream.curlrc"
	for ((s = 0; s < STREAMS; s++)); do
		(
			while [[ ! -e $T/stop ]]; do
				curl -s --max-time 30 -K "$T/stream.curlrc" \
				    -H "Authorization: Bearer $TOK" \
				    -w '%{http_code}\n' >>"$T/$name.$s"
			done
		) &
		STREAM_PIDS+=($!)
	done
}

stop_streams() {
	local p

	touch "$T/stop" 2>/dev/null
	for p in "${STREAM_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	STREAM_PIDS=()
}

# statuses NAME: "<count> <status>" lines of all streams of NAME.
statuses() {
	cat "$T/$1".* | sort | uniq -c | awk '{ print $2 ": " $1 }' |
	    tr '\n' ' '
}

# ---- set up ------------------------------------------------------------------

tid=$(post_location /workflow-management/templates '{"name": "graceful",
    "steps": [{"id": "a", "type": "transform", "output": {"x": 1}}]}')
eid=$(post_location /workflow-management/execute \
    "{\"template_id\": \"${tid##*/}\"}")
EXEC_URL=$NGX_URL$eid
check "set up: an execution to read" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' \
    -H "Authorization: Bearer $TOK" "$EXEC_URL")"

M=$(master_pid)
[[ -n $M ]] || give_up "wfm-fcgi master runs"
check "the master has $WORKERS workers" "$WORKERS" "$(wait_workers "$M" "$WORKERS")"

# ---- SIGHUP while a worker reads a request --------------------------------------

# A client connects to the application's socket and sends its request 1 s
# later; the reload's SIGTERM reaches the worker that accepted it while it
# waits for those bytes. libfcgi does not retry a read interrupted by a
# signal: the worker must hold stop signals outside its accept wait, else
# the connection is dropped without an answer ("none").
M=$(master_pid)
python3 tests/deploy/fcgi_slow.py "$FCGI_SOCK" /api/v1/healthz 1 \
    > "$T/slow.out" &
slow=$!
sleep 0.5
kill -HUP "$M"
wait "$slow"
check "SIGHUP while a worker reads a request: it is answered" 200 \
    "$(cat "$T/slow.out")"
check "SIGHUP while reading: $WORKERS workers after the reload" "$WORKERS" \
    "$(wait_workers "$M" "$WORKERS")"

# ---- SIGHUP under load ---------------------------------------------------------

HUPS=20
old=$(workers_of "$M" | sort)
start_streams hup
sleep 1
# Twenty reloads: each stops every worker while the streams keep it busy,
# so a stop signal lands inside a request's reads dozens of times (before
# stop signals were held outside the accept wait, about one run in ten
# lost a request there: nginx answered 502).
for ((i = 1; i <= HUPS; i++)); do
	kill -HUP "$M"
	sleep 0.2
done
sleep 1
# The streams were still running after the last reload.
alive=0
for p in "${STREAM_PIDS[@]}"; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
stop_streams
check "SIGHUP x$HUPS: the clients were busy throughout" "$STREAMS" "$alive"
total=$(cat "$T"/hup.* | wc -l)
bad=$(cat "$T"/hup.* | grep -vcx 200)
if ((total >= 300 && bad == 0)); then
	pass "SIGHUP x$HUPS under load: $total requests, none failed"
else
	fail "SIGHUP x$HUPS under load: every request 200" \
	    "$total requests: $(statuses hup)"
fi
check "SIGHUP: the master is the same process" "$M" "$(master_pid)"
check "SIGHUP: $WORKERS workers after the reloads" "$WORKERS" \
    "$(wait_workers "$M" "$WORKERS")"
new=$(workers_of "$M" | sort)
check "SIGHUP: every old worker was replaced" "" \
    "$(comm -12 <(printf '%s\n' "$old") <(printf '%s\n' "$new") | tr '\n' ' ')"
if grep -q "configuration reloaded (generation $((HUPS + 1)))" "$VAR/log/wfm.log"; then
	pass "SIGHUP: $HUPS reloads logged"
else
	fail "SIGHUP: $HUPS reloads logged" \
	    "$(grep -c 'configuration reloaded' "$VAR/log/wfm.log")"
fi

# ---- kill -9 of a worker under load ------------------------------------------

start_streams kill
sleep 1
victim=$(workers_of "$M" | head -n 1)
kill -KILL "$victim"
sleep 2
stop_streams
check "kill -9: the killed worker is gone" no \
    "$(runs "$victim" "$BIN/wfm-fcgi" && echo yes || echo no)"
check "kill -9: the worker count is restored" "$WORKERS" \
    "$(wait_workers "$M" "$WORKERS")"
total=$(cat "$T"/kill.* | wc -l)
bad=$(cat "$T"/kill.* | grep -vcx 200)
bad502=$(cat "$T"/kill.* | grep -cx 502)
if ((total >= 100 && bad <= 1 && bad == bad502)); then
	pass "kill -9 under load: $total requests, $bad failed (502, the killed worker's)"
else
	fail "kill -9 under load: at most the killed worker's request fails" \
	    "$total requests: $(statuses kill)"
fi
if grep -q "worker $victim killed by signal 9" "$VAR/log/wfm.log"; then
	pass "kill -9: the master logged it"
else
	fail "kill -9: the master logged it"
fi

# ---- SIGTERM with requests in flight -----------------------------------------

did=$(post_location /workflow-management/templates '{"name": "graceful-wait",
    "steps": [{"id": "w", "type": "delay", "seconds": 60}]}')
deid=$(post_location /workflow-management/execute \
    "{\"template_id\": \"${did##*/}\", \"execution_name\": \"in-flight\"}")
# Two long polls: a GET of the running execution, and a replay of the
# POST (which also waits), each held 3 s by the server.
curl -s --max-time 30 -o "$T/inflight-get.body" \
    -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOK" \
    -H 'Prefer: wait=3' "$NGX_URL$deid" >"$T/inflight-get" &
get_pid=$!
curl -s --max-time 30 -o "$T/inflight-post.body" \
    -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOK" \
    -H 'Prefer: wait=3' -H 'Content-Type: application/json' \
    --data-binary "{\"template_id\": \"${did##*/}\", \"execution_name\": \"in-flight\"}" \
    "$API/workflow-management/execute" >"$T/inflight-post" &
post_pid=$!
sleep 1
workers=$(workers_of "$M")
kill -TERM "$M"
wait "$get_pid"
wait "$post_pid"
read -r code secs <"$T/inflight-get"
check "SIGTERM: the GET in flight completes: 200" 200 "$code"
if awk -v s="$secs" 'BEGIN { exit !(s >= 2.5) }'; then
	pass "SIGTERM: the GET was held its 3 s (${secs}s): it was in flight"
else
	fail "SIGTERM: the GET was held its 3 s" "${secs}s"
fi
if grep -q '"status":"running"' "$T/inflight-get.body"; then
	pass "SIGTERM: the GET answered the document"
else
	fail "SIGTERM: the GET answered the document" "$(head -c 300 "$T/inflight-get.body")"
fi
read -r code secs <"$T/inflight-post"
check "SIGTERM: the POST in flight completes: 200 (a replay)" 200 "$code"
for ((i = 0; i < 250; i++)); do
	runs "$M" "$BIN/wfm-fcgi" || break
	sleep 0.1
done
check "SIGTERM: the master exits" no \
    "$(runs "$M" "$BIN/wfm-fcgi" && echo yes || echo no)"
left=""
for p in $workers; do
	runs "$p" "$BIN/wfm-fcgi" && left+=" $p"
done
check "SIGTERM: no worker left" "" "$left"
check "SIGTERM: the socket is removed" no \
    "$([[ -e $FCGI_SOCK ]] && echo yes || echo no)"
code=$(curl -s -o "$T/502.body" -w '%{http_code}' "$API/healthz")
check "application stopped: nginx answers 502" 502 "$code"
check "application stopped: with the JSON 502 page" \
    "$(cat deploy/nginx/errors/502.json)" "$(cat "$T/502.body")"

# ---- kill -9 of the master ---------------------------------------------------

# Its children follow it (PR_SET_PDEATHSIG): a worker would otherwise go on
# serving the old socket, and the supervisor run beside the one a
# restarted master spawns.
if ! stack up >"$T/restart.log" 2>&1; then
	tail -n 20 "$T/restart.log" >&2
	give_up "wfm-fcgi restarts (log: $T/restart.log)"
fi
M=$(master_pid)
children=$(wait_workers "$M" "$WORKERS" >/dev/null; workers_of "$M")
group=$(children_of "$M" wfm-group)
sup=""
for ((i = 0; i < 100; i++)); do
	[[ -z $sup ]] || break
	for d in /proc/[0-9]*; do
		{ stat=$(<"$d/stat"); } 2>/dev/null || continue
		rest=${stat##*) }
		read -r _ ppid _ <<<"$rest"
		[[ $ppid == "$M" ]] && runs "${d#/proc/}" "$BIN/wfm-supervisor" &&
		    sup=${d#/proc/}
	done
	[[ -n $sup ]] || sleep 0.1
done
check "kill -9 of the master: it had $WORKERS workers" "$WORKERS" \
    "$(printf '%s\n' "$children" | grep -c .)"
check "kill -9 of the master: it had spawned a supervisor" yes \
    "$([[ -n $sup ]] && echo yes || echo no)"
check "kill -9 of the master: it had one group writer" 1 \
    "$(printf '%s\n' "$group" | grep -c .)"
kill -KILL "$M"
for ((i = 0; i < 150; i++)); do
	left=""
	for p in $children $group $sup; do
		runs "$p" "$BIN/wfm-fcgi" || runs "$p" "$BIN/wfm-supervisor" &&
		    left+=" $p"
	done
	[[ -z $left ]] && break
	sleep 0.1
done
check "kill -9 of the master: no worker, writer nor supervisor left after 15 s" \
    "" "$left"

finish
