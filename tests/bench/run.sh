#!/usr/bin/env bash
#
# make bench: start a private wfm stack, measure it with bounded wrk loads
# and database probes, measure two ceilings and three peers (PHP-FPM,
# FastAPI, a naive C responder: tests/bench/peers.sh) on the same machine
# in the same run, print one table and write $VAR/results.json. Not a test: targets are
# printed as PASS/MISS and never fail the run. See tests/bench/README.md
# for what each figure is and docs/bench.md for how to read them.
#
#	bash tests/bench/run.sh BUILD_DIR
#
# Environment (all optional):
#	WFM_BENCH_VAR		state directory (default var/bench; wiped)
#	WFM_BENCH_PORT		wfm stack nginx port (default 18087)
#	WFM_BENCH_CEIL_PORT	nginx `return 202` ceiling port (default 18088)
#	WFM_BENCH_BARE_PORT	nginx + bare libfcgi responder port (18089)
#	WFM_BENCH_PHP_PORT	nginx + PHP-FPM peer port (18090)
#	WFM_BENCH_FASTAPI_PORT	nginx + FastAPI peer port (18091)
#	WFM_BENCH_NAIVE_PORT	nginx + naive C peer port (18092)
#	WFM_BENCH_HOOK_PORT	webhook receiver port (18093)
#	WFM_BENCH_PEERS		the peers' directory (default
#				tests/bench/peers, copied from ../shared/bench-peers)
#	WFM_BENCH_PEER_PROCS	PHP-FPM children, naive C processes (16)
#	WFM_BENCH_SECONDS	measured seconds per wrk load (default 8)
#	WFM_BENCH_WARMUP	warm-up seconds before each load (default 2)
#	WFM_BENCH_CONNECTIONS	wrk connections (default 64)
#	WFM_BENCH_THREADS	wrk threads (default 1)
#	WFM_BENCH_WORKERS	wfm-fcgi workers (default 16, the product's)
#	WFM_BENCH_BARE_PROCS	bare libfcgi responder processes (default 4)
#	WFM_BENCH_USERS		users of the many-users execute (new) mix
#				(default 1000; the other mix is one user)
#	WFM_BENCH_DRAIN		executions queued for the drain (default 10000)
#	WFM_BENCH_WEBHOOKS	executions with a notify queued for the
#				webhook deliveries figure (default 2000)
#	WFM_BENCH_CLAIM_ROWS	pending rows of the large claim probe (1000000;
#				300000 when the run is late, see below)
#	WFM_BENCH_SIGNALS	executions parked on a wait step, each
#				signalled once, for the signal-to-resume
#				latency (default 100)
#	WFM_BENCH_BUDGET	seconds this script aims at (default 300; with
#				the build, `make bench` stays under 6 minutes)
#	WFM_BENCH_PROFILE	1: also record a perf profile (cpu-clock) of
#				the stack during each wfm load and the drain,
#				into $VAR/perf/*.txt (costs CPU: figures of a
#				profiled run are lower; not for comparison)
#	WFM_BENCH_STRACE	1: strace the supervisor during the drain
#				into $VAR/drain.strace, for
#				tests/bench/strace_rounds.py (slows it)
#	WFM_BENCH_ONLY		comma-separated parts to run alone, for
#				iterating on them: schema (execute (new) 1
#				user, then execute (schema)), console (the
#				console figures), webhook (deliveries per
#				second), map (10,000 transform iterations),
#				schedule (fire delay and idle CPU with
#				WFM_BENCH_SCHEDULES schedules), signal
#				(signal-to-resume latency of
#				WFM_BENCH_SIGNALS parked executions),
#				drain (WFM_BENCH_DRAIN executions queued
#				in SQL, then drained);
#				default: everything
#
# Everything it starts is stopped on exit, by pid, whatever happens.
# Exit status: 0 when every figure was measured, 1 otherwise.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
readonly ROOT
cd "$ROOT"
BUILD=${1:-build}
T_START=$EPOCHREALTIME
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)

elapsed() { awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

log() { printf 'bench: [%5s s] %s\n' "$(elapsed)" "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# ---- settings ------------------------------------------------------------

VAR=$(realpath -m -- "${WFM_BENCH_VAR:-$ROOT/var/bench}")
PORT=${WFM_BENCH_PORT:-18087}
CEIL_PORT=${WFM_BENCH_CEIL_PORT:-18088}
BARE_PORT=${WFM_BENCH_BARE_PORT:-18089}
PHP_PORT=${WFM_BENCH_PHP_PORT:-18090}
FASTAPI_PORT=${WFM_BENCH_FASTAPI_PORT:-18091}
NAIVE_PORT=${WFM_BENCH_NAIVE_PORT:-18092}
HOOK_PORT=${WFM_BENCH_HOOK_PORT:-18093}
PEERS=$(realpath -m -- "${WFM_BENCH_PEERS:-$ROOT/tests/bench/peers}")
PEER_PROCS=${WFM_BENCH_PEER_PROCS:-16}
DUR=${WFM_BENCH_SECONDS:-8}
WARM=${WFM_BENCH_WARMUP:-2}
CONNS=${WFM_BENCH_CONNECTIONS:-64}
THREADS=${WFM_BENCH_THREADS:-1}
WORKERS=${WFM_BENCH_WORKERS:-16}
BARE_PROCS=${WFM_BENCH_BARE_PROCS:-4}
NUSERS=${WFM_BENCH_USERS:-1000}
DRAIN_N=${WFM_BENCH_DRAIN:-10000}
STRACE=${WFM_BENCH_STRACE:-0}
WH_N=${WFM_BENCH_WEBHOOKS:-2000}
SCHED_N=${WFM_BENCH_SCHEDULES:-10000}
FIRE_RATE=${WFM_BENCH_FIRES:-200}
FIRE_SECS=${WFM_BENCH_FIRE_SECONDS:-20}
CLAIM_ROWS=${WFM_BENCH_CLAIM_ROWS:-1000000}
SIG_N=${WFM_BENCH_SIGNALS:-100}
BUDGET=${WFM_BENCH_BUDGET:-300}
PROFILE=${WFM_BENCH_PROFILE:-0}
ONLY=${WFM_BENCH_ONLY:-}
CLAIM_SMALL=10000
CLAIM_LIMIT=64		# 16 free slots x 4 candidates, as sup_claim.c asks
LAT_SAMPLES=40

for v in PORT CEIL_PORT BARE_PORT PHP_PORT FASTAPI_PORT NAIVE_PORT HOOK_PORT \
    DUR WARM CONNS THREADS WORKERS BARE_PROCS PEER_PROCS NUSERS DRAIN_N WH_N \
    SCHED_N FIRE_RATE FIRE_SECS \
    CLAIM_ROWS BUDGET SIG_N; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v '${!v}' is not a positive integer"
done
((CLAIM_ROWS > CLAIM_SMALL)) ||
    die "WFM_BENCH_CLAIM_ROWS must exceed $CLAIM_SMALL"
[[ $PROFILE =~ ^[01]$ ]] || die "WFM_BENCH_PROFILE '$PROFILE' is not 0 or 1"
[[ $STRACE =~ ^[01]$ ]] || die "WFM_BENCH_STRACE '$STRACE' is not 0 or 1"
((SCHED_N >= FIRE_RATE * FIRE_SECS)) ||
    die "WFM_BENCH_SCHEDULES must be at least WFM_BENCH_FIRES x WFM_BENCH_FIRE_SECONDS"
PARTS='(schema|console|webhook|map|schedule|signal|drain)'
[[ -z $ONLY || $ONLY =~ ^$PARTS(,$PARTS)*$ ]] ||
    die "WFM_BENCH_ONLY '$ONLY' is not a list of: schema, console, webhook, map, schedule, signal, drain"

# full: the whole run; want PART: the whole run, or PART is in
# WFM_BENCH_ONLY.
full() { [[ -z $ONLY ]]; }
want() { [[ -z $ONLY || ,$ONLY, == *",$1,"* ]]; }

BIN=$ROOT/$BUILD/bin
HB=$ROOT/$BUILD/bench
CONF=$VAR/wfm.conf
MY_SOCK=$VAR/mysql/mysqld.sock
MY_PID=$VAR/mysql/mariadbd.pid
FCGI_PID=$VAR/run/wfm-fcgi.pid
NGX_PID=$VAR/nginx/nginx.pid
NUDGE=$VAR/run/supervisor.nudge
CEIL=$VAR/ceiling
CEIL_PID=$CEIL/nginx.pid
BARE_SOCK=$CEIL/bare.sock
BARE_PID=$CEIL/bare.pid
LOG=$VAR/bench.log
RESULTS=$VAR/results.json
URL=http://127.0.0.1:$PORT/api/v1/workflow-management
EXEC_PATH=/api/v1/workflow-management/execute
NGINX=/usr/sbin/nginx
CLK_TCK=$(getconf CLK_TCK)
SCRIPTS=$ROOT/tests/bench
PY=/usr/bin/python3	# Debian's: the one with python3-selenium
SCHEMA_DOC=$SCRIPTS/schema_order.json
CONSOLE_USER=bench-console
CONSOLE_ROWS=10000
WH_USER=bench-webhook
SCHED_USER=bench-sched

export WFM_VAR=$VAR WFM_HTTP_PORT=$PORT WFM_BIN_DIR=$BIN
export WFM_FCGI_WORKERS=$WORKERS
# Workers are not retired during the run, so that the peak RSS read at
# the end is that of a worker that served every load.
export WFM_FCGI_MAX_REQUESTS=1000000000
# The one-user execute mix queues some 40,000 executions for one user
# while the supervisor is stopped: the quota of active executions (1000 by
# default) is raised so that the mix measures the server, not 429s. The
# check itself runs as always. So is the bound on unfinished executions
# (10,000 by default), equal to it: the check then reads only the user's
# waiting and paused rows (none).
export WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER=100000000
export WFM_HTTP_MAX_UNFINISHED_EXECUTIONS_PER_USER=100000000
# The webhook step's receiver is on loopback, which webhook_allow refuses
# by default: allowed for this stack only.
export WFM_SUPERVISOR_WEBHOOK_ALLOW=127.0.0.1/32
# The http map of map_step calls the ceiling nginx on loopback.
export WFM_SUPERVISOR_HTTP_ALLOW=127.0.0.1/32

declare -A F=()		# every figure, by key; printed and written at the end
SUP_PAUSED=""		# supervisor pid while it is stopped (SIGSTOP)
PART_FAILED=0		# 1: schema or console could not be measured
PERF_PID=""		# perf record while it runs (WFM_BENCH_PROFILE=1)
RECV_PID=""		# the webhook receiver while it runs

# Floating point: calc EXPR [-v name=value...] prints EXPR, or null when
# it cannot be computed (a figure that was not measured).
calc() {
	local e=$1
	shift
	awk "$@" "BEGIN { x = $e; printf \"%.6g\", x }" </dev/null 2>/dev/null ||
	    echo null
}

# ---- processes we start --------------------------------------------------

# pid recorded in file if it still runs program exe.
pid_of() {
	local pid link

	[[ -r $1 ]] || return 1
	pid=$(tr -dc '0-9' <"$1")
	[[ -n $pid ]] || return 1
	link=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ ${link% (deleted)} == "$2" ]] || return 1
	printf '%s\n' "$pid"
}

# SIGTERM pid, wait up to secs, then SIGKILL.
stop_pid() {
	local pid=$1 secs=$2 i

	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	log "pid $pid did not stop in $secs s: SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local rc=$? pid

	trap - EXIT INT TERM
	[[ -n $SUP_PAUSED ]] && kill -CONT "$SUP_PAUSED" 2>/dev/null
	[[ -n $PERF_PID ]] && kill -INT "$PERF_PID" 2>/dev/null &&
	    wait "$PERF_PID"
	[[ -n $RECV_PID ]] && kill -TERM "$RECV_PID" 2>/dev/null &&
	    wait "$RECV_PID" 2>/dev/null
	if pid=$(pid_of "$CEIL_PID" "$NGINX"); then
		stop_pid "$pid" 10
	fi
	if pid=$(pid_of "$BARE_PID" "$HB/bare_fcgi"); then
		stop_pid "$pid" 10
	fi
	peers_stop
	if [[ -d $VAR ]]; then
		bash deploy/local/stack.sh down >>"$LOG" 2>&1 ||
		    log "stack.sh down failed (see $LOG)"
		# The claim probe leaves a database of a million rows, and the
		# access logs have a line for each of about 1.5 million
		# requests (some 200 MB): neither says anything afterwards.
		rm -rf "$VAR/mysql"
		rm -f "$CEIL/access.log" "$VAR/log/nginx-access.log"
	fi
	exit "$rc"
}

# shellcheck source=tests/bench/peers.sh
source "$SCRIPTS/peers.sh"

# ---- preflight -----------------------------------------------------------

for p in wrk curl "${CC:-cc}" pkg-config mariadb awk setsid "$NGINX"; do
	command -v "$p" >/dev/null || die "$p is missing: run \`make deps\`"
done
for p in wfm-fcgi wfm-supervisor wfmctl; do
	[[ -x $BIN/$p ]] || die "$BIN/$p is missing: run \`make BUILD=$BUILD\`"
done
[[ -f $ROOT/$BUILD/libwfm.a ]] || die "$ROOT/$BUILD/libwfm.a is missing"

# What an interrupted earlier run in the same directory left behind.
if pid=$(pid_of "$CEIL_PID" "$NGINX"); then
	stop_pid "$pid" 10
fi
if pid=$(pid_of "$BARE_PID" "$ROOT/$BUILD/bench/bare_fcgi"); then
	stop_pid "$pid" 10
fi
peers_stop
if [[ -d $VAR ]]; then
	bash deploy/local/stack.sh down >/dev/null 2>&1 || true
fi
for p in "$PORT" "$CEIL_PORT" "$BARE_PORT" "$PHP_PORT" "$FASTAPI_PORT" \
    "$NAIVE_PORT" "$HOOK_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		die "127.0.0.1:$p is in use (set WFM_BENCH_*PORT)"
	fi
done

trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh state directory: the figures assume an empty database.
rm -rf "$VAR"
mkdir -p "$VAR" "$HB" "$CEIL"/tmp/{body,fastcgi,proxy,uwsgi,scgi}
: >"$LOG"
log "state in $VAR, log $LOG; budget ${BUDGET} s"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- helpers built against this build ------------------------------------

CC=${CC:-cc}
CFLAGS_B=(-std=c17 -O2 -g -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow
    -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla)
# shellcheck disable=SC2046 # pkg-config output is a list of words
"$CC" "${CFLAGS_B[@]}" $(pkg-config --cflags fcgi) -o "$HB/bare_fcgi" \
    "$SCRIPTS/bare_fcgi.c" $(pkg-config --libs fcgi) >>"$LOG" 2>&1 ||
    die "cannot build bare_fcgi (see $LOG)"
# shellcheck disable=SC2046
"$CC" "${CFLAGS_B[@]}" -Iinclude -Isrc/store $(pkg-config --cflags libmariadb) \
    -o "$HB/bench_db" "$SCRIPTS/bench_db.c" "$ROOT/$BUILD/libwfm.a" \
    $(pkg-config --libs libmariadb) >>"$LOG" 2>&1 ||
    die "cannot build bench_db (see $LOG)"

# ---- the stack -----------------------------------------------------------

log "starting the stack on 127.0.0.1:$PORT ($WORKERS workers)"
bash deploy/local/stack.sh up >>"$LOG" 2>&1 || {
	tail -n 20 "$LOG" >&2
	die "stack.sh up failed"
}

SQL=(mariadb --no-defaults --default-character-set=utf8mb4
    --socket="$MY_SOCK" --user="$(id -un)" --batch --skip-column-names wfm)
sql() { "${SQL[@]}" "$@"; }
bdb() { "$HB/bench_db" -S "$MY_SOCK" "$@"; }

token() {
	"$BIN/wfmctl" -c "$CONF" token --sub "$1" --roles "$2" --ttl 3600 \
	    2>>"$LOG" | tr -d '[:space:]'
}
TOKEN=$(token bench workflow:execute,workflow:read,template:write)
[[ -n $TOKEN ]] || die "wfmctl token failed (see $LOG)"
# The two execute (new) mixes: one user (one token for every request, a
# site calling wfm) and NUSERS users. The peers get the same tokens.
ONE_TOKEN=$(token bench-one workflow:execute)
USER_TOKENS=()
if full; then
	log "minting $((NUSERS + 1)) tokens"
	for ((i = 1; i <= NUSERS; i++)); do
		USER_TOKENS+=("$(token "bench-u$i" workflow:execute)")
	done
	[[ -n ${USER_TOKENS[NUSERS - 1]} ]] ||
	    die "wfmctl token failed (see $LOG)"
fi
[[ -n $ONE_TOKEN ]] || die "wfmctl token failed (see $LOG)"
# Same header, signature replaced: well formed, fails verification.
BAD_TOKEN=${TOKEN%.*}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA

api() {
	curl -sS --max-time 10 -X "$1" "$URL$2" \
	    -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' ${3:+-d "$3"}
}
json_str() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p"; }

# One public one-step transform template: every user may execute it.
TID=$(api POST /templates '{"name": "bench-transform", "is_public": true,
    "steps": [{"id": "t", "type": "transform",
    "output": {"n": "{{ input.n }}"}}]}' | json_str template_id)
[[ -n $TID ]] || die "cannot create the bench template"
EID=$(api POST /execute "{\"template_id\": \"$TID\",
    \"execution_name\": \"bench-replay\", \"input_data\": {\"n\": 1}}" |
    json_str execution_id)
[[ -n $EID ]] || die "cannot create the bench execution"
for ((i = 0; i < 100; i++)); do
	st=$(api GET "/executions/$EID" | json_str status)
	[[ $st == completed ]] && break
	sleep 0.1
done
[[ $st == completed ]] || die "execution $EID is '$st', not completed"

# The template of the execute (schema) load: the 30-field input_schema of
# schema_order.json (the one bench-schema times); its valid instance,
# compact, is the input of every request. One execute of it must answer
# 202, and one with an empty input 422 (the schema is enforced).
schema_setup() {
	local code input

	if [[ ! -x $PY ]]; then
		F[execute_schema.status]="not measured: $PY is missing"
		log "execute (schema): ${F[execute_schema.status]}"
		return 0
	fi
	if ! "$PY" - "$SCHEMA_DOC" "$VAR/schema_template.json" \
	    "$VAR/schema_input.json" <<'PYEOF' 2>>"$LOG"; then
import json, sys
doc = json.load(open(sys.argv[1]))
json.dump({'name': 'bench-schema', 'is_public': True,
           'input_schema': doc['input_schema'],
           'steps': [{'id': 't', 'type': 'transform',
                      'output': {'n': '{{ input.field_01 }}'}}]},
          open(sys.argv[2], 'w'), separators=(',', ':'))
json.dump(doc['valid_input'], open(sys.argv[3], 'w'), separators=(',', ':'))
PYEOF
		F[execute_schema.status]="not measured: $SCHEMA_DOC unreadable (see $LOG)"
		PART_FAILED=1
		return 0
	fi
	SCHEMA_TID=$(api POST /templates "@$VAR/schema_template.json" |
	    json_str template_id)
	if [[ -z $SCHEMA_TID ]]; then
		F[execute_schema.status]="not measured: cannot create its template"
		PART_FAILED=1
		return 0
	fi
	for input in "$(<"$VAR/schema_input.json")" '{}'; do
		code=$(curl -sS -o "$VAR/schema_probe.json" -w '%{http_code}' \
		    --max-time 10 -X POST "$URL/execute" \
		    -H "Authorization: Bearer $ONE_TOKEN" \
		    -H 'Content-Type: application/json' \
		    -d "{\"template_id\": \"$SCHEMA_TID\",
		    \"input_data\": $input}" 2>>"$LOG") || true
		[[ $input == '{}' && $code == 422 || $input != '{}' &&
		    $code == 202 ]] && continue
		F[execute_schema.status]="not measured: a probe answered '$code' (see $VAR/schema_probe.json)"
		PART_FAILED=1
		return 0
	done
	F[execute_schema.status]=measured
}
SCHEMA_TID=""
want schema && schema_setup

# ---- peers -----------------------------------------------------------------

# They verify the same tokens: wfm's secret, as it is in the file.
PEER_SECRET=$(<"$VAR/jwt_secret")
PEERS_NGINX=""
if full; then
	log "starting the peers from $PEERS"
	peers_start
	PEERS_NGINX=$(peers_nginx)
fi

# ---- ceilings ------------------------------------------------------------

log "starting the ceilings on :$CEIL_PORT (return 202) and :$BARE_PORT" \
    "(bare libfcgi, $BARE_PROCS processes)"
cp /etc/nginx/fastcgi_params "$CEIL/fastcgi_params"
user_line=""
((EUID == 0)) && user_line="user root;"
# The same main settings as the stack's nginx (deploy/local/stack.sh),
# the same FastCGI location settings as deploy/nginx/wfm.conf.
cat >"$CEIL/nginx.conf" <<EOF
$user_line
worker_processes 2;
pid $CEIL_PID;
error_log $CEIL/error.log warn;
events {
	worker_connections 1024;
}
http {
	default_type application/octet-stream;
	access_log $CEIL/access.log;
	client_body_temp_path $CEIL/tmp/body;
	fastcgi_temp_path $CEIL/tmp/fastcgi;
	proxy_temp_path $CEIL/tmp/proxy;
	uwsgi_temp_path $CEIL/tmp/uwsgi;
	scgi_temp_path $CEIL/tmp/scgi;
	sendfile on;
	keepalive_timeout 65;
	server {
		listen 127.0.0.1:$CEIL_PORT;
		server_tokens off;
		location / {
			default_type application/json;
			return 202 '{}';
		}
	}
	server {
		listen 127.0.0.1:$BARE_PORT;
		server_tokens off;
		client_max_body_size 1m;
		client_body_buffer_size 128k;
		large_client_header_buffers 4 16k;
		location / {
			fastcgi_split_path_info ^()(/.*)\$;
			include fastcgi_params;
			fastcgi_param PATH_INFO \$fastcgi_path_info;
			fastcgi_param HTTP_PROXY "";
			fastcgi_pass unix:$BARE_SOCK;
			fastcgi_keep_conn off;
			fastcgi_connect_timeout 5s;
			fastcgi_buffer_size 16k;
			fastcgi_buffers 16 16k;
		}
	}
$PEERS_NGINX
}
EOF
setsid "$HB/bare_fcgi" "$BARE_SOCK" "$BARE_PROCS" "$BARE_PID" </dev/null \
    >>"$LOG" 2>&1 &
"$NGINX" -p "$CEIL/" -c "$CEIL/nginx.conf" -e "$CEIL/error.log" \
    </dev/null >>"$LOG" 2>&1 || die "ceiling nginx did not start (see $LOG)"
for ((i = 0; i < 50; i++)); do
	[[ -S $BARE_SOCK && -s $BARE_PID ]] && break
	sleep 0.1
done
for p in "$CEIL_PORT" "$BARE_PORT"; do
	code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 \
	    "http://127.0.0.1:$p/x" 2>>"$LOG") || true
	[[ $code == 202 ]] || die "ceiling on :$p answers '$code', not 202"
done
peers_probe

# ---- CPU accounting ------------------------------------------------------

# Masters whose process trees we account for (pid == master or ppid ==).
declare -A MASTER=()
refresh_masters() {
	local pid p

	MASTER=()
	pid=$(pid_of "$FCGI_PID" "$BIN/wfm-fcgi") && MASTER[$pid]=wfm
	pid=$(pid_of "$MY_PID" /usr/sbin/mariadbd) && MASTER[$pid]=db
	pid=$(pid_of "$NGX_PID" "$NGINX") && MASTER[$pid]=nginx
	pid=$(pid_of "$CEIL_PID" "$NGINX") && MASTER[$pid]=nginx
	pid=$(pid_of "$BARE_PID" "$HB/bare_fcgi") && MASTER[$pid]=bare
	for p in "${PEER_NAMES[@]}"; do
		pid=$(peer_pid "$p") && MASTER[$pid]=peer
	done
	return 0
}

# Print "busy wfm sup db nginx bare peer" in clock ticks: the machine's busy
# time, then our groups. (Run in a subshell: our own children, wrk, are
# counted by child_ticks instead.)
cpu_snap() {
	local d line rest st ppid g t link busy
	local -A sum=([wfm]=0 [sup]=0 [db]=0 [nginx]=0 [bare]=0 [peer]=0)
	local -a f c

	for d in /proc/[0-9]*; do
		read -r line 2>/dev/null <"$d/stat" || continue
		rest=${line##*) }
		read -r -a f <<<"$rest"
		ppid=${f[1]}
		g=${MASTER[${d#/proc/}]:-${MASTER[$ppid]:-}}
		[[ -n $g ]] || continue
		t=$((f[11] + f[12]))
		if [[ $g == wfm ]]; then
			link=$(readlink "$d/exe" 2>/dev/null) || continue
			[[ ${link% (deleted)} == "$BIN/wfm-supervisor" ]] && g=sup
		fi
		sum[$g]=$((sum[$g] + t))
	done
	read -r -a c < <(head -n 1 /proc/stat)
	busy=$((c[1] + c[2] + c[3] + c[6] + c[7] + c[8]))
	echo "$busy ${sum[wfm]} ${sum[sup]} ${sum[db]} ${sum[nginx]}" \
	    "${sum[bare]} ${sum[peer]}"
}

# CT = CPU ticks of the children this shell has waited for (wrk), from
# the `times` builtin, which must run in this shell, not in a subshell.
child_ticks() {
	times >"$VAR/.times"
	CT=$(tail -n 1 "$VAR/.times" | awk -v hz="$CLK_TCK" '{
	    n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m");
	    n += a[1] * 60 + a[2] } printf "%d", n * hz }')
}

# Record the CPU split between two snapshots as cores busy over secs.
cpu_record() {
	local key=$1 secs=$2 a i
	local -a x y
	local names=(machine wfm_workers supervisor mariadb nginx bare_fcgi peer
	    wrk)

	read -r -a x <<<"$3"
	read -r -a y <<<"$4"
	for i in "${!names[@]}"; do
		F[$key.cpu.${names[$i]}]=$(calc "(b - a) / hz / s" \
		    -v a="${x[$i]}" -v b="${y[$i]}" -v hz="$CLK_TCK" -v s="$secs")
	done
	# What ran on the machine that is none of ours: other engineers.
	a=0
	for i in 1 2 3 4 5 6 7; do
		a=$(calc "a + (y - x)" -v a="$a" -v x="${x[$i]}" -v y="${y[$i]}")
	done
	F[$key.cpu.other]=$(calc "m > o ? (m - o) / hz / s : 0" \
	    -v m="$((y[0] - x[0]))" -v o="$a" -v hz="$CLK_TCK" -v s="$secs")
}

# queue_rows OWNER N RUN_AFTER: insert N pending one-step executions of
# the bench template for OWNER in SQL, by doubling one row.
COLS="execution_id, user_id, execution_name, template_pk, template_id,
    template_version, input, input_hash, status, run_after, created_at"
queue_rows() {
	local owner=$1 total=$2 run_after=$3 have=1 step

	sql -e "INSERT INTO executions ($COLS) SELECT UUID(), '$owner',
	    CONCAT('$owner-', UUID()), id, template_id, version, '{\"n\": 1}',
	    SHA2('{\"n\":1}', 256), 'pending', $run_after, UTC_TIMESTAMP(3)
	    FROM templates WHERE template_id = '$TID'"
	while ((have < total)); do
		step=$((total - have < have ? total - have : have))
		sql -e "INSERT INTO executions ($COLS) SELECT UUID(), user_id,
		    CONCAT('$owner-', UUID()), template_pk, template_id,
		    template_version, input, input_hash, status, $run_after,
		    UTC_TIMESTAMP(3) FROM executions WHERE user_id = '$owner'
		    LIMIT $step"
		have=$((have + step))
	done
}

# Pids whose parent is $1.
children_of() {
	local d line rest
	local -a f

	for d in /proc/[0-9]*; do
		read -r line 2>/dev/null <"$d/stat" || continue
		rest=${line##*) }
		read -r -a f <<<"$rest"
		[[ ${f[1]} == "$1" ]] && printf '%s\n' "${d#/proc/}"
	done
	return 0
}

# ---- optional profiles ---------------------------------------------------

if ((PROFILE)); then
	mkdir -p "$VAR/perf"
	if ! command -v perf >/dev/null || ! perf record -e cpu-clock -q \
	    -o "$VAR/perf/probe.data" -- true >>"$LOG" 2>&1; then
		log "perf record does not work here: no profiles"
		PROFILE=0
	fi
fi

# Record the stack's processes (workers, supervisor, MariaDB, nginx)
# until prof_stop; prof_stop writes the flat profile to $VAR/perf/KEY.txt.
prof_start() {
	local pids=() p m

	((PROFILE)) || return 0
	for m in "${!MASTER[@]}"; do
		[[ ${MASTER[$m]} == bare ]] && continue
		pids+=("$m")
		for p in $(children_of "$m"); do
			pids+=("$p")
		done
	done
	perf record -e cpu-clock -F 999 -q -o "$VAR/perf/$1.data" \
	    -p "$(IFS=,; echo "${pids[*]}")" >>"$LOG" 2>&1 &
	PERF_PID=$!
}
prof_stop() {
	((PROFILE)) && [[ -n $PERF_PID ]] || return 0
	kill -INT "$PERF_PID" 2>/dev/null || true
	wait "$PERF_PID" 2>/dev/null || true
	PERF_PID=""
	perf report -i "$VAR/perf/$1.data" --stdio --no-children \
	    --sort comm,dso,sym --percent-limit 0.7 >"$VAR/perf/$1.txt" \
	    2>>"$LOG" || true
	log "profile of $1: $VAR/perf/$1.txt"
}

# ---- MariaDB status deltas -------------------------------------------------

# What a load cost MariaDB per request, from SHOW GLOBAL STATUS before and
# after it (server-wide; the second SHOW itself is subtracted) and from
# the CPU time of mariadbd: KEY.db.cpu_us, .statements (Questions, which
# counts COM_STMT_EXECUTE but not prepares and closes), .fsyncs
# (Innodb_data_fsyncs + Innodb_os_log_fsyncs), .rows_written
# (Innodb_rows_inserted + updated + deleted), and .com, the Com_*
# counters of at least 0.01 a request, largest first. MariaDB 10.11 has
# neither Innodb_os_log_fsyncs (its Innodb_data_fsyncs counts the redo
# log's too) nor Innodb_rows_*: rows written are then Handler_write +
# Handler_update + Handler_delete (row writes to tables, the triggers'
# included; internal temporary tables count in Handler_tmp_* instead);
# .rows_source says which.
db_status() { sql -e "SHOW GLOBAL STATUS" >"$1"; }
db_record() {
	local key=$1 n=${F[$1.requests]:-0} com

	((n > 0)) || return 0
	read -r "F[$key.db.statements]" "F[$key.db.fsyncs]" \
	    "F[$key.db.rows_written]" "F[$key.db.rows_source]" com \
	    < <(awk -F'\t' -v n="$n" '
	    NR == FNR { a[$1] = $2; next }
	    !($1 in a) || $2 !~ /^[0-9]+$/ { next }
	    { d = $2 - a[$1] }
	    $1 == "Questions" { q = d - 1 }
	    $1 == "Innodb_data_fsyncs" || $1 == "Innodb_os_log_fsyncs" {
		fs += d }
	    $1 ~ /^Innodb_rows_(inserted|updated|deleted)$/ { rw += d; irw = 1 }
	    $1 ~ /^Handler_(write|update|delete)$/ { hw += d }
	    $1 ~ /^Com_/ && $1 != "Com_show_status" && d / n >= 0.01 {
		c = c sprintf("%s=%.2f ", substr($1, 5), d / n) }
	    END { printf "%.4g %.4g %.4g %s %s\n", q / n, fs / n,
		(irw ? rw : hw) / n, irw ? "Innodb_rows" : "Handler",
		c == "" ? "-" : c }' "$VAR/.status0" "$VAR/.status1")
	F[$key.db.com]=$(tr ' ' '\n' <<<"$com" | grep . |
	    sort -t= -k2,2gr | head -n 8 | paste -sd' ')
	F[$key.db.cpu_us]=$(calc "c * s * 1000000 / n" \
	    -v c="${F[$key.cpu.mariadb]}" -v s="${F[$key.seconds]}" -v n="$n")
}

# ---- HTTP loads ----------------------------------------------------------

# run_load KEY SCRIPT URL ARG...: a warm-up, then the measured run. An
# argument @PHASE@ is replaced by w (warm-up) or m (measured).
run_load() {
	local key=$1 script=$2 url=$3 out line s0 s1 kv
	shift 3
	local -a wa=() ma=()
	local a

	for a in "$@"; do
		wa+=("${a//@PHASE@/w}")
		ma+=("${a//@PHASE@/m}")
	done
	log "load $key: ${WARM} s warm-up + ${DUR} s, $CONNS connections"
	wrk -t"$THREADS" -c"$CONNS" -d"${WARM}s" -s "$script" "$url" -- \
	    "${wa[@]}" >/dev/null 2>>"$LOG" || die "wrk failed (see $LOG)"
	refresh_masters
	[[ $key == nginx || $key == bare ]] || prof_start "$key"
	[[ $key == nginx || $key == bare ]] || db_status "$VAR/.status0"
	child_ticks
	s0="$(cpu_snap) $CT"
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --latency -s "$script" \
	    "$url" -- "${ma[@]}" 2>>"$LOG") || die "wrk failed (see $LOG)"
	child_ticks
	s1="$(cpu_snap) $CT"
	[[ $key == nginx || $key == bare ]] || db_status "$VAR/.status1"
	prof_stop "$key"
	printf '== %s\n%s\n' "$key" "$out" >>"$LOG"
	line=$(grep '^BENCH ' <<<"$out") || die "no figures from wrk for $key"
	for kv in ${line#BENCH }; do
		F[$key.${kv%%=*}]=${kv#*=}
	done
	cpu_record "$key" "${F[$key.seconds]}" "$s0" "$s1"
	[[ $key == nginx || $key == bare ]] || db_record "$key"
}

# Wait until no execution is pending or running (the supervisor drained
# what a load queued), at most secs seconds; prints the seconds it took.
wait_idle() {
	local secs=$1 t0=$EPOCHREALTIME n

	while :; do
		n=$(sql -e "SELECT COUNT(*) FROM executions WHERE status IN
		    ('pending', 'running')")
		((n == 0)) && break
		if (($(calc "b - a > s" -v a="$t0" -v b="$EPOCHREALTIME" \
		    -v s="$secs"))); then
			log "still $n executions active after $secs s"
			break
		fi
		sleep 0.1
	done
	calc "b - a" -v a="$t0" -v b="$EPOCHREALTIME"
}

GET_URL=$URL/executions/$EID
GET_PATH=/${GET_URL#http://*/}
if full; then
	run_load nginx "$SCRIPTS/ceiling.lua" \
	    "http://127.0.0.1:$CEIL_PORT$GET_PATH" "$TOKEN"
	run_load bare "$SCRIPTS/ceiling.lua" \
	    "http://127.0.0.1:$BARE_PORT$GET_PATH" "$TOKEN"
fi

# ---- execute (new): peers, then wfm, whose executions become the drain ----

# The supervisor is stopped (SIGSTOP) while the execute loads run (the
# peers' too: its polls would count in their MariaDB figures): the figure
# is the API's alone, and what wfm's loads queued is then drained from a
# full queue. (Running both at once halves each on 2 cores; the drain
# figure below says what the supervisor costs.) Each program gets the
# many-users mix first, then the one-user mix: wfm's oldest 10,000, which
# the drain keeps, are then spread over many users as before.
fcgi_master=$(pid_of "$FCGI_PID" "$BIN/wfm-fcgi") || die "wfm-fcgi is gone"
sup_pid() {
	local p

	for p in $(children_of "$fcgi_master"); do
		[[ $(readlink "/proc/$p/exe" 2>/dev/null) == \
		    "$BIN/wfm-supervisor" ]] && printf '%s\n' "$p"
	done
	return 0
}
SUP=$(sup_pid)
[[ $SUP =~ ^[0-9]+$ ]] || die "no supervisor under wfm-fcgi ($fcgi_master)"
wait_idle 10 >/dev/null
kill -STOP "$SUP"
SUP_PAUSED=$SUP
for p in "${PEER_NAMES[@]}"; do
	[[ -n ${PEER_OK[$p]:-} ]] || continue
	for mix in many one; do
		# Each load starts from an empty table of their schema.
		sql -e "TRUNCATE TABLE bench.executions"
		if [[ $mix == many ]]; then
			toks=("${USER_TOKENS[@]}")
		else
			toks=("$ONE_TOKEN")
		fi
		run_load "${p}_$mix" "$SCRIPTS/execute_new.lua" \
		    "http://127.0.0.1:${PEER_PORT[$p]}$EXEC_PATH" "$PEER_TID" \
		    "$p-$mix-@PHASE@" "${toks[@]}"
	done
done
if full; then
	run_load execute_new_many "$SCRIPTS/execute_new.lua" "$URL/execute" \
	    "$TID" "many-@PHASE@" "${USER_TOKENS[@]}"
fi
if want schema; then
	run_load execute_new_one "$SCRIPTS/execute_new.lua" "$URL/execute" \
	    "$TID" "one-@PHASE@" "$ONE_TOKEN"
fi
# The same one-user mix with the 30-field schema validated on every
# request (issue 17); its executions are the newest, deleted before the
# drain.
if want schema && [[ ${F[execute_schema.status]} == measured ]]; then
	run_load execute_schema "$SCRIPTS/execute_schema.lua" "$URL/execute" \
	    "$SCHEMA_TID" "schema-@PHASE@" "$VAR/schema_input.json" \
	    "$ONE_TOKEN"
fi

# ---- the console (issue 18): run alone, or later in the whole run --------

# CONSOLE_ROWS completed executions of the bench template for
# CONSOLE_USER, in SQL by doubling one row (as queue_rows); completed
# rows hold no quota slot (sql/011), so nothing is put back.
seed_console() {
	local have=1 step

	sql -e "INSERT INTO executions ($COLS, started_at, completed_at,
	    final_result) SELECT UUID(), '$CONSOLE_USER',
	    CONCAT('$CONSOLE_USER-', UUID()), id, template_id, version,
	    '{\"n\": 1}', SHA2('{\"n\":1}', 256), 'completed',
	    UTC_TIMESTAMP(6), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3),
	    UTC_TIMESTAMP(3), '{\"n\": 1}' FROM templates
	    WHERE template_id = '$TID'"
	while ((have < CONSOLE_ROWS)); do
		step=$((CONSOLE_ROWS - have < have ? CONSOLE_ROWS - have : have))
		sql -e "INSERT INTO executions ($COLS, started_at, completed_at,
		    final_result) SELECT UUID(), user_id,
		    CONCAT('$CONSOLE_USER-', UUID()), template_pk, template_id,
		    template_version, input, input_hash, status, run_after,
		    UTC_TIMESTAMP(3), started_at, UTC_TIMESTAMP(3), final_result
		    FROM executions WHERE user_id = '$CONSOLE_USER' LIMIT $step"
		have=$((have + step))
	done
}

# The console figures: seed, then tests/bench/console_bench.py in headless
# chromium against this stack's nginx. Skipped ("not measured: REASON")
# when chromium, chromedriver or python3-selenium are missing.
console_step() {
	local p reason="" out line kv t0 n

	for p in /usr/bin/chromium /usr/bin/chromedriver "$PY"; do
		[[ -x $p ]] || {
			reason="$p is missing (make deps)"
			break
		}
	done
	[[ -n $reason ]] || "$PY" -c 'import selenium' 2>/dev/null ||
	    reason="python3-selenium is missing (make deps)"
	if [[ -n $reason ]]; then
		F[console.status]="not measured: $reason"
		log "console: ${F[console.status]}"
		return 0
	fi
	log "console: seeding $CONSOLE_ROWS executions for $CONSOLE_USER"
	t0=$EPOCHREALTIME
	seed_console
	F[console.seed_s]=$(calc "b - a" -v a="$t0" -v b="$EPOCHREALTIME")
	n=$(sql -e "SELECT COUNT(*) FROM executions
	    WHERE user_id = '$CONSOLE_USER'")
	F[console.rows]=$n
	log "console: headless chromium on the executions page and a" \
	    "100-step graph"
	if out=$("$PY" "$SCRIPTS/console_bench.py" --url "http://127.0.0.1:$PORT" \
	    --conf "$CONF" --bin "$BIN" --user "$CONSOLE_USER" --rows "$n" \
	    2>>"$LOG") && line=$(grep '^BENCH ' <<<"$out"); then
		for kv in ${line#BENCH }; do
			F[console.${kv%%=*}]=${kv#*=}
		done
		F[console.status]=measured
	else
		F[console.status]="not measured: console_bench.py failed (see $LOG)"
		log "console: ${F[console.status]}"
		PART_FAILED=1
	fi
}

# ---- webhook deliveries (issue 16) -----------------------------------------

# CPU ticks (user + system) of one process.
proc_ticks() {
	local line rest
	local -a f

	read -r line 2>/dev/null <"/proc/$1/stat" || {
		echo 0
		return
	}
	rest=${line##*) }
	read -r -a f <<<"$rest"
	echo $((f[11] + f[12]))
}

# WH_N executions of the bench template for WH_USER, each with a notify
# on "completed" to tests/bench/webhook_receiver.py on 127.0.0.1:HOOK_PORT
# (204, nothing else), queued in SQL while the supervisor is stopped, then
# run and delivered: deliveries per second from the first to the last
# recorded attempt (webhook_attempts), with the CPU split over the whole
# step and the receiver's own CPU (it must not be the limit).
webhook_step() {
	local tok code i n t0 t1 s0 s1 r0 r1 secs url notify

	tok=$(token "$WH_USER" workflow:execute)
	code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	    -X POST "$URL/webhook-secret" -H "Authorization: Bearer $tok" \
	    2>>"$LOG") || true
	if [[ $code != 201 ]]; then
		F[webhook.status]="not measured: POST webhook-secret answered '$code'"
		log "webhook: ${F[webhook.status]}"
		PART_FAILED=1
		return 0
	fi
	url=http://127.0.0.1:$HOOK_PORT/hook
	"$PY" "$SCRIPTS/webhook_receiver.py" "$HOOK_PORT" </dev/null \
	    >>"$LOG" 2>&1 &
	RECV_PID=$!
	for ((i = 0; i < 50; i++)); do
		code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 2 \
		    -X POST -d '{}' "$url" 2>/dev/null) || true
		[[ $code == 204 ]] && break
		sleep 0.1
	done
	if [[ $code != 204 ]]; then
		F[webhook.status]="not measured: the receiver answers '$code'"
		log "webhook: ${F[webhook.status]}"
		PART_FAILED=1
		return 0
	fi
	log "webhook: $WH_N executions with a notify to $url"
	kill -STOP "$SUP"
	SUP_PAUSED=$SUP
	queue_rows "$WH_USER" "$WH_N" "UTC_TIMESTAMP(6)"
	notify="{\"url\": \"$url\", \"events\": [\"completed\"]}"
	sql -e "UPDATE executions SET notify = '$notify'
	    WHERE user_id = '$WH_USER'"
	refresh_masters
	s0="$(cpu_snap) 0"
	r0=$(proc_ticks "$RECV_PID")
	t0=$EPOCHREALTIME
	kill -CONT "$SUP"
	SUP_PAUSED=""
	for ((i = 0; ; i++)); do
		n=$(sql -e "SELECT COUNT(*) FROM webhook_outbox
		    WHERE signer = '$WH_USER' AND status <> 'pending'")
		((n >= WH_N)) && break
		if ((i >= 1200)); then
			log "webhook: only $n of $WH_N delivered after 120 s"
			break
		fi
		sleep 0.1
	done
	t1=$EPOCHREALTIME
	s1="$(cpu_snap) 0"
	r1=$(proc_ticks "$RECV_PID")
	secs=$(calc "b - a" -v a="$t0" -v b="$t1")
	read -r "F[webhook.attempts]" "F[webhook.attempts_2xx]" \
	    "F[webhook.seconds]" < <(sql -e "SELECT COUNT(*),
	    SUM(a.status_code BETWEEN 200 AND 299),
	    TIMESTAMPDIFF(MICROSECOND, MIN(a.at), MAX(a.at)) / 1000000
	    FROM webhook_attempts a JOIN webhook_outbox o
	    ON o.id = a.outbox_id WHERE o.signer = '$WH_USER'")
	read -r "F[webhook.delivered]" "F[webhook.failed]" \
	    "F[webhook.outbox_rows]" < <(sql -e "SELECT
	    SUM(status = 'delivered'), SUM(status = 'failed'), COUNT(*)
	    FROM webhook_outbox WHERE signer = '$WH_USER'")
	read -r "F[webhook.executions_seconds]" < <(sql -e "SELECT
	    TIMESTAMPDIFF(MICROSECOND, MIN(started_at), MAX(completed_at))
	    / 1000000 FROM executions WHERE user_id = '$WH_USER'")
	F[webhook.queued]=$WH_N
	F[webhook.step_seconds]=$secs
	# Intervals between the first and the last attempt: attempts - 1.
	F[webhook.per_second]=$(calc "(n - 1) / s" -v n="${F[webhook.attempts]}" \
	    -v s="${F[webhook.seconds]}")
	cpu_record webhook "$secs" "$s0" "$s1"
	F[webhook.cpu.receiver]=$(calc "(b - a) / hz / s" -v a="$r0" -v b="$r1" \
	    -v hz="$CLK_TCK" -v s="$secs")
	[[ ${F[webhook.delivered]:-0} == "$WH_N" ]] &&
	    webhook_outbox_step "$url"
	kill -TERM "$RECV_PID" 2>/dev/null || true
	wait "$RECV_PID" 2>/dev/null || true
	RECV_PID=""
	if [[ ${F[webhook.delivered]:-0} == "$WH_N" ]]; then
		F[webhook.status]=measured
	else
		F[webhook.status]="not measured: ${F[webhook.delivered]:-0} of $WH_N delivered"
		PART_FAILED=1
	fi
	log "webhook: ${F[webhook.attempts]} attempts in ${F[webhook.seconds]} s" \
	    "(${F[webhook.per_second]}/s), receiver ${F[webhook.cpu.receiver]} core"
}

# Deliveries alone: WH_N executions of WH_USER-2 ended in SQL while the
# supervisor is stopped (the trigger writes their outbox rows as the
# supervisor's finish would), so that only delivering is measured, not
# running the executions too: (attempts - 1) / seconds from the first to
# the last attempt.
webhook_outbox_step() {
	local url=$1 user=$WH_USER-2 tok code i n t0 t1 s0 s1 secs notify

	tok=$(token "$user" workflow:execute)
	code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	    -X POST "$URL/webhook-secret" -H "Authorization: Bearer $tok" \
	    2>>"$LOG") || true
	[[ $code == 201 ]] || {
		log "webhook outbox: POST webhook-secret answered '$code'"
		return 0
	}
	kill -STOP "$SUP"
	SUP_PAUSED=$SUP
	queue_rows "$user" "$WH_N" "UTC_TIMESTAMP(6) + INTERVAL 1 DAY"
	notify="{\"url\": \"$url\", \"events\": [\"completed\"]}"
	sql -e "UPDATE executions SET notify = '$notify' WHERE user_id = '$user'"
	sql -e "UPDATE executions SET status = 'completed',
	    started_at = UTC_TIMESTAMP(3), completed_at = UTC_TIMESTAMP(3),
	    final_result = '{\"n\": 1}' WHERE user_id = '$user'"
	s0="$(cpu_snap) 0"
	t0=$EPOCHREALTIME
	kill -CONT "$SUP"
	SUP_PAUSED=""
	for ((i = 0; i < 600; i++)); do
		n=$(sql -e "SELECT COUNT(*) FROM webhook_outbox
		    WHERE signer = '$user' AND status <> 'pending'")
		((n >= WH_N)) && break
		sleep 0.1
	done
	((n >= WH_N)) || log "webhook outbox: only $n of $WH_N after 60 s"
	t1=$EPOCHREALTIME
	s1="$(cpu_snap) 0"
	secs=$(calc "b - a" -v a="$t0" -v b="$t1")
	cpu_record webhook_outbox "$secs" "$s0" "$s1"
	read -r "F[webhook_outbox.attempts]" "F[webhook_outbox.attempts_2xx]" \
	    "F[webhook_outbox.seconds]" < <(sql -e "SELECT COUNT(*),
	    SUM(a.status_code BETWEEN 200 AND 299),
	    TIMESTAMPDIFF(MICROSECOND, MIN(a.at), MAX(a.at)) / 1000000
	    FROM webhook_attempts a JOIN webhook_outbox o
	    ON o.id = a.outbox_id WHERE o.signer = '$user'")
	F[webhook_outbox.per_second]=$(calc "(n - 1) / s" \
	    -v n="${F[webhook_outbox.attempts]}" -v s="${F[webhook_outbox.seconds]}")
	log "webhook outbox: ${F[webhook_outbox.attempts]} attempts in" \
	    "${F[webhook_outbox.seconds]} s (${F[webhook_outbox.per_second]}/s)"
}

# ---- schedules: idle CPU and fire delay (issue 16) -------------------------

# A SELECT of n rows (b, t, i), b = 0..n-1: t the b-th second from t0 on
# that has a divisor i in [3600, 31536000] (the largest such i).
sched_intervals() {
	awk -v t0="$1" -v n="$2" 'BEGIN {
	    for (t = t0; b < n; t++) {
		i = 0
		for (q = int(t / 31536000) + 1; t / q >= 3600; q++)
			if (t % q == 0) { i = t / q; break }
		if (i == 0)
			continue
		printf "%sSELECT %d AS b, %d AS t, %d AS i", \
		    (b > 0 ? " UNION ALL " : ""), b, t, i
		b++
	    } }'
}

# SCHED_N active schedules of SCHED_USER on the bench template, written
# in SQL (the API allows 100 a user). First none is due for a day: the
# supervisor's CPU over 10 s while idle. Then FIRE_RATE of them are due
# in each of FIRE_SECS seconds, the rest stays a day ahead. An interval
# fires at Unix times that are multiples of it, so the FIRE_RATE of a
# second t get an interval I that divides t, 3,600 <= I <= 31,536,000
# (sched_intervals): their one multiple in the window is t. A second
# without such a divisor (2p for a prime p, say) is skipped. After them
# every schedule is paused and the delay of each fire (fired_at, the
# commit's clock, minus fire_at) gives p50, p99 and max, with the CPU
# split over the firing and the executions the fires created (they run
# too: the supervisor fires and runs them in the same loop).
schedule_step() {
	local t0 t1 s0 s1 u0 u1 secs n sel first last

	log "schedule: $SCHED_N schedules, idle for 10 s"
	sql -e "INSERT INTO schedules (schedule_id, owner_id, name,
	    template_pk, template_id, interval_seconds, timezone, input,
	    overlap, next_fire_at, created_at, updated_at)
	    SELECT UUID(), '$SCHED_USER', CONCAT('s', seq), t.id,
	    t.template_id, 86400, 'UTC', '{\"n\": 1}', 'allow',
	    UTC_TIMESTAMP() + INTERVAL 1 DAY, UTC_TIMESTAMP(3),
	    UTC_TIMESTAMP(3) FROM seq_1_to_$SCHED_N JOIN templates t
	    ON t.template_id = '$TID'"
	sleep 2		# the supervisor's next look at MIN(next_fire_at)
	u0=$(proc_ticks "$SUP")
	t0=$EPOCHREALTIME
	sleep 10
	u1=$(proc_ticks "$SUP")
	t1=$EPOCHREALTIME
	F[schedule.count]=$(sql -e "SELECT COUNT(*) FROM schedules
	    WHERE owner_id = '$SCHED_USER' AND next_fire_at IS NOT NULL")
	F[schedule.idle_cpu_pct]=$(calc "100 * (b - a) / hz / (y - x)" \
	    -v a="$u0" -v b="$u1" -v hz="$CLK_TCK" -v x="$t0" -v y="$t1")
	log "schedule: idle ${F[schedule.idle_cpu_pct]} % of a core"

	log "schedule: $FIRE_RATE fires a second for $FIRE_SECS s"
	refresh_masters
	sel=$(sched_intervals "$(($(sql -e "SELECT UNIX_TIMESTAMP()") + 5))" \
	    "$FIRE_SECS")
	first=$(sed -n 's/^SELECT 0 AS b, \([0-9]*\) AS t.*/\1/p' <<<"$sel")
	last=$(sed -n 's/.*SELECT [0-9]* AS b, \([0-9]*\) AS t, [0-9]* AS i$/\1/p' \
	    <<<"$sel" | tail -n 1)
	sql -e "SET time_zone = '+00:00'; UPDATE schedules s JOIN (SELECT id,
	    (ROW_NUMBER() OVER (ORDER BY id) - 1) DIV $FIRE_RATE AS b
	    FROM schedules WHERE owner_id = '$SCHED_USER') o ON o.id = s.id
	    JOIN ($sel) v ON v.b = o.b
	    SET s.next_fire_at = FROM_UNIXTIME(v.t), s.interval_seconds = v.i"
	# From the first due second to one after the last.
	while (($(sql -e "SELECT UNIX_TIMESTAMP()") < first)); do
		sleep 0.2
	done
	s0="$(cpu_snap) 0"
	t0=$EPOCHREALTIME
	while (($(sql -e "SELECT UNIX_TIMESTAMP()") <= last + 1)); do
		sleep 0.2
	done
	t1=$EPOCHREALTIME
	s1="$(cpu_snap) 0"
	sql -e "UPDATE schedules SET next_fire_at = NULL, paused = 1
	    WHERE owner_id = '$SCHED_USER'"
	secs=$(calc "b - a" -v a="$t0" -v b="$t1")
	cpu_record schedule "$secs" "$s0" "$s1"
	read -r "F[schedule.fires]" "F[schedule.fires_failed]" < <(sql -e \
	    "SELECT COUNT(*), SUM(f.execution_id IS NULL) FROM schedule_fires f
	    JOIN schedules s ON s.id = f.schedule_pk
	    WHERE s.owner_id = '$SCHED_USER'")
	read -r "F[schedule.delay_p50_ms]" "F[schedule.delay_p99_ms]" \
	    "F[schedule.delay_max_ms]" < <(sql -e "SELECT
	    TIMESTAMPDIFF(MICROSECOND, f.fire_at, f.fired_at) / 1000
	    FROM schedule_fires f JOIN schedules s ON s.id = f.schedule_pk
	    WHERE s.owner_id = '$SCHED_USER'" | sort -g | awk '
	    { v[++n] = $1 }
	    END { if (n == 0) { print "null null null"; exit }
		  i50 = int(0.5 * n + 0.999999); i99 = int(0.99 * n + 0.999999)
		  printf "%.1f %.1f %.1f\n", v[i50], v[i99], v[n] }')
	F[schedule.executions_completed]=$(sql -e "SELECT COUNT(*)
	    FROM executions WHERE user_id = '$SCHED_USER'
	    AND status = 'completed'")
	F[schedule.fire_seconds]=$secs
	F[schedule.fires_per_second]=$FIRE_RATE
	n=${F[schedule.fires]:-0}
	if ((n > 0)) && [[ ${F[schedule.delay_p99_ms]} != null ]]; then
		F[schedule.status]=measured
	else
		F[schedule.status]="not measured: no fire recorded"
		PART_FAILED=1
	fi
	sql -e "DELETE FROM schedules WHERE owner_id = '$SCHED_USER'"
	log "schedule: $n fires, delay p50 ${F[schedule.delay_p50_ms]} ms" \
	    "p99 ${F[schedule.delay_p99_ms]} ms max ${F[schedule.delay_max_ms]} ms"
}

# The table and JSON, then the exit status: 1 when a figure that should
# have been measured was not.
finish() {
	local keys=() k missing=$PART_FAILED

	# shellcheck source=tests/bench/report.sh
	source "$SCRIPTS/report.sh"
	if full; then
		keys=(nginx.rps bare.rps execute_new_many.rps execute_new_one.rps
		    execute_replay.rps get.rps unauth.rps drain.per_second
		    lat_nudge.p50_ms lat_poll.p50_ms rss.worker_kib
		    rss.supervisor_kib claim_small.p50_ms claim_large.p50_ms)
	elif want schema; then
		keys=(execute_new_one.rps)
	fi
	[[ ${F[execute_schema.status]:-} == measured ]] &&
	    keys+=(execute_schema.rps)
	[[ ${F[console.status]:-} == measured ]] &&
	    keys+=(console.list_first_ms console.graph_ms
	    console.first_visit_bytes)
	[[ ${F[webhook.status]:-} == measured ]] &&
	    keys+=(webhook.per_second)
	[[ ${F[map.status]:-} == measured ]] &&
	    keys+=(map.transform_10k_s map.http_per_second)
	[[ ${F[schedule.status]:-} == measured ]] &&
	    keys+=(schedule.delay_p99_ms schedule.idle_cpu_pct)
	[[ ${F[signal.status]:-} == measured ]] &&
	    keys+=(signal.p50_ms signal.p99_ms)
	for k in "${keys[@]}"; do
		[[ -n ${F[$k]:-} && ${F[$k]} != null ]] || {
			log "figure $k was not measured"
			missing=1
		}
	done
	exit "$missing"
}

# ---- map: 10,000 iterations (issue 15) ------------------------------------

# map_once NAME INNER [FIELDS]: store a template of one map step over
# input.l with inner step INNER (and map FIELDS), execute it with 10,000
# integers and wait for its end (at most 60 s). Sets MAP_EID and
# MAP_STATUS ("" when it never started), MAP_POST_S (POST to end).
map_once() {
	local tid body t0 i

	MAP_EID="" MAP_STATUS="" MAP_POST_S=""
	tid=$(api POST /templates "{\"name\": \"$1\", \"steps\": [{\"id\":
	    \"m\", \"type\": \"map\", \"items\": \"{{ input.l }}\"${3:+, $3},
	    \"step\": $2}]}" 2>>"$LOG" | json_str template_id)
	[[ -n $tid ]] || return 0
	body=$(awk -v t="$tid" 'BEGIN { printf "{\"template_id\": \"%s\", " \
	    "\"input_data\": {\"l\": [", t; for (i = 0; i < 10000; i++)
	    printf "%s%d", i ? "," : "", i; printf "]}}" }')
	t0=$EPOCHREALTIME
	MAP_EID=$(api POST /execute "$body" 2>>"$LOG" | json_str execution_id)
	for ((i = 0; i < 1200; i++)); do
		[[ -n $MAP_EID ]] || break
		MAP_STATUS=$(sql -e "SELECT status FROM executions
		    WHERE execution_id = '$MAP_EID'")
		[[ $MAP_STATUS == completed || $MAP_STATUS == failed ]] && break
		sleep 0.05
	done
	MAP_POST_S=$(calc "b - a" -v a="$t0" -v b="$EPOCHREALTIME")
}

# "execution seconds, step seconds, completed iterations" of MAP_EID.
map_times() {
	sql -e "SELECT TIMESTAMPDIFF(MICROSECOND, e.started_at,
	    e.completed_at) / 1000000, TIMESTAMPDIFF(MICROSECOND,
	    s.started_at, s.completed_at) / 1000000, (SELECT COUNT(*)
	    FROM iterations i WHERE i.exec_pk = e.id AND
	    i.status = 'completed') FROM executions e JOIN execution_steps s
	    ON s.exec_pk = e.id WHERE e.execution_id = '$MAP_EID'"
}

# Two executions: a map whose inner step is a transform over 10,000
# items (the figure is the execution's time from its claim, started_at,
# to its committed end, completed_at: items evaluated, iterations run,
# their 10,000 rows and the outcome written; the map step's own time,
# without the writes, and the time from the POST are logged beside it),
# then 10,000 http iterations at max_concurrency 100 against the
# ceiling nginx (return 202), in iterations per second of the same span.
map_step() {
	local n

	map_once bench-map '{"type": "transform", "output": {"i":
	    "{{ index }}", "v": "{{ item * 2 }}"}}'
	if [[ $MAP_STATUS != completed ]]; then
		F[map.status]="not measured: the transform map ended '$MAP_STATUS'"
		log "map: ${F[map.status]}"
		PART_FAILED=1
		return 0
	fi
	read -r "F[map.transform_10k_s]" "F[map.step_s]" "F[map.iterations]" \
	    < <(map_times)
	F[map.end_to_end_s]=$MAP_POST_S
	log "map: 10,000 transform iterations: execution" \
	    "${F[map.transform_10k_s]} s (claimed to committed," \
	    "${F[map.iterations]} rows), step ${F[map.step_s]} s," \
	    "${F[map.end_to_end_s]} s from the POST"
	map_once bench-map-http "{\"type\": \"http\", \"request\":
	    {\"method\": \"GET\", \"url\":
	    \"http://127.0.0.1:$CEIL_PORT/map?i={{ index }}\"}}" \
	    '"max_concurrency": 100'
	if [[ $MAP_STATUS != completed ]]; then
		F[map.status]="not measured: the http map ended '$MAP_STATUS'"
		log "map: ${F[map.status]}"
		PART_FAILED=1
		return 0
	fi
	read -r "F[map.http_10k_s]" "F[map.http_step_s]" n < <(map_times)
	F[map.http_per_second]=$(calc "n / s" -v n="$n" -v s="${F[map.http_10k_s]}")
	F[map.status]=measured
	log "map: 10,000 http iterations at max_concurrency 100:" \
	    "${F[map.http_10k_s]} s ($n completed, ${F[map.http_per_second]}/s)," \
	    "$MAP_POST_S s from the POST"
}

# ---- signal-to-resume latency (issue 15) ----------------------------------

# SIG_N executions of a one-step wait template are started and parked
# (status waiting, no slot, no lease); then each gets its signal, one
# after the other (20 ms apart, so that each measures the nudge path and
# not a queue). The latency of one is from its signal's row, committed
# by the POST just before its 202 (signals.created_at), to the wait
# step's completed_at as committed: the API's nudge, the claim of the
# woken row, the load, the signal taken and the step written. Both are
# the database's clock (this machine's shell clock may differ from it).
# p50, p99 and max over the SIG_N; curl's time to the 202 is logged.
signal_step() {
	local tid i code eid tt ok=0 n
	local -a eids=()

	tid=$(api POST /templates '{"name": "bench-signal", "steps": [{"id":
	    "w", "type": "wait", "signal": "go"}]}' 2>>"$LOG" |
	    json_str template_id)
	if [[ -z $tid ]]; then
		F[signal.status]="not measured: cannot store the template"
		log "signal: ${F[signal.status]}"
		PART_FAILED=1
		return 0
	fi
	for ((i = 0; i < SIG_N; i++)); do
		eid=$(api POST /execute "{\"template_id\": \"$tid\"}" \
		    2>>"$LOG" | json_str execution_id)
		[[ -n $eid ]] && eids+=("$eid")
	done
	for ((i = 0; i < 300; i++)); do
		n=$(sql -e "SELECT COUNT(*) FROM executions
		    WHERE template_id = '$tid' AND status = 'waiting'")
		((n >= ${#eids[@]})) && break
		sleep 0.1
	done
	if ((${#eids[@]} != SIG_N || n != SIG_N)); then
		F[signal.status]="not measured: ${#eids[@]} started, $n parked of $SIG_N"
		log "signal: ${F[signal.status]}"
		PART_FAILED=1
		return 0
	fi
	log "signal: $SIG_N executions parked, signalling each"
	: >"$VAR/signal.post"
	for eid in "${eids[@]}"; do
		read -r code tt < <(curl -sS -o /dev/null --max-time 10 \
		    -w '%{http_code} %{time_total}\n' -X POST \
		    "$URL/executions/$eid/signals/go" \
		    -H "Authorization: Bearer $TOKEN" \
		    -H 'Content-Type: application/json' \
		    -d '{"payload": 1}' 2>>"$LOG") || true
		if [[ $code == 202 ]]; then
			echo "$tt" >>"$VAR/signal.post"
			ok=$((ok + 1))
		else
			log "signal $eid: HTTP ${code:-none}"
		fi
		sleep 0.02
	done
	F[signal.post_p50_ms]=$(sort -g "$VAR/signal.post" | awk '
	    { v[++n] = $1 } END { if (n == 0) print "null"; else
	    printf "%.1f", 1000 * v[int(0.5 * n + 0.999999)] }')
	for ((i = 0; i < 100; i++)); do
		n=$(sql -e "SELECT COUNT(*) FROM executions
		    WHERE template_id = '$tid' AND status = 'completed'")
		((n >= ok)) && break
		sleep 0.1
	done
	F[signal.executions]=$SIG_N
	F[signal.accepted]=$ok
	F[signal.completed]=$n
	read -r "F[signal.p50_ms]" "F[signal.p99_ms]" "F[signal.max_ms]" \
	    "F[signal.samples]" < <(sql -e "SELECT TIMESTAMPDIFF(MICROSECOND,
	    g.created_at, s.completed_at) / 1000 FROM executions e
	    JOIN execution_steps s ON s.exec_pk = e.id AND s.step_idx = 0
	    JOIN signals g ON g.exec_pk = e.id WHERE e.template_id = '$tid'
	    AND s.status = 'completed'" | sort -g | awk '{ v[++n] = $1 }
	    END { if (n == 0) { print "null null null 0"; exit }
		  i50 = int(0.5 * n + 0.999999); i99 = int(0.99 * n + 0.999999)
		  printf "%.1f %.1f %.1f %d\n", v[i50], v[i99], v[n], n }')
	if [[ $ok == "$SIG_N" && ${F[signal.samples]} == "$SIG_N" ]]; then
		F[signal.status]=measured
	else
		F[signal.status]="not measured: $ok signals accepted, ${F[signal.samples]} steps completed of $SIG_N"
		PART_FAILED=1
	fi
	log "signal: $ok signals (POST to 202 p50 ${F[signal.post_p50_ms]} ms)," \
	    "resume latency p50 ${F[signal.p50_ms]} ms" \
	    "p99 ${F[signal.p99_ms]} ms max ${F[signal.max_ms]} ms"
}

# ---- the drain: DRAIN_N queued one-step executions, supervisor resumed ----

# mariadbd's CPU ticks (user + system) so far.
db_ticks() {
	local line rest pid
	local -a f

	pid=$(pid_of "$MY_PID" /usr/sbin/mariadbd) || die "mariadbd is gone"
	read -r line <"/proc/$pid/stat"
	rest=${line##*) }
	read -r -a f <<<"$rest"
	printf '%s\n' "$((f[11] + f[12]))"
}

# Wait (at most $1 s) until mariadbd has used under 5 % of a core for
# a whole second: the InnoDB purge and change-buffer merges left by the
# loads before (and by deleting their surplus rows) are theirs, not the
# drain's. Prints the seconds waited.
db_settle() {
	local max=$1 t0=$EPOCHREALTIME a b

	a=$(db_ticks)
	while :; do
		sleep 1
		b=$(db_ticks)
		(( (b - a) * 100 < 5 * CLK_TCK )) && break
		(( ${EPOCHREALTIME%.*} - ${t0%.*} >= max )) && break
		a=$b
	done
	calc "b - a" -v a="$t0" -v b="$EPOCHREALTIME"
}

drain_step() {
	local queued out s0 s1 k waited

	# Exactly DRAIN_N in the queue: drop the newest surplus, or top up with
	# rows inserted in SQL (the same template and input shape).
	queued=$(sql -e "SELECT COUNT(*) FROM executions WHERE status = 'pending'")
	F[execute_new.queued]=$queued
	if ((queued > DRAIN_N)); then
		log "drain: deleting the newest $((queued - DRAIN_N)) of $queued pending"
		sql -e "DELETE FROM executions WHERE status = 'pending'
		    ORDER BY id DESC LIMIT $((queued - DRAIN_N))"
	elif ((queued < DRAIN_N)); then
		queue_rows bench-drain "$((DRAIN_N - queued))" "UTC_TIMESTAMP(6)"
	fi
	queued=$(sql -e "SELECT COUNT(*) FROM executions WHERE status = 'pending'")
	F[drain.settle_seconds]=$(db_settle 30)
	log "drain: $queued one-step executions queued, MariaDB idle after" \
	    "${F[drain.settle_seconds]} s, resuming the supervisor"
	refresh_masters
	prof_start drain
	child_ticks
	s0="$(cpu_snap) $CT"
	# At most 45 s: on a machine that busy, the rest drains during the next
	# loads (a note under the table says how many were left).
	if [[ $STRACE == 1 ]]; then
		strace -f -T -ttt -o "$VAR/drain.strace" -p "$SUP" \
		    -e trace=sendto,recvfrom,read,write,poll,ppoll &
		sleep 0.5	# attached
	fi
	out=$(bdb drain "$queued" 45 "$NUDGE" "$SUP") ||
	    log "drain did not finish in 45 s: $out"
	SUP_PAUSED=""
	child_ticks
	s1="$(cpu_snap) $CT"
	prof_stop drain
	read -r "F[drain.ended]" "F[drain.completed]" "F[drain.seconds]" \
	    "F[drain.seconds_polled]" "F[drain.left]" "F[drain.db.statements]" \
	    "F[drain.db.stmt_execute]" "F[drain.db.commit]" "F[drain.db.set_option]" \
	    "F[drain.db.fsyncs]" "F[drain.db.index_rows_read]" <<<"$out"
	for k in statements stmt_execute commit set_option fsyncs index_rows_read; do
		F[drain.per_execution.$k]=$(calc "v / n" -v v="${F[drain.db.$k]:-0}" \
		    -v n="${F[drain.completed]:-0}" 2>/dev/null || echo null)
	done
	F[drain.queued]=$queued
	F[drain.per_second]=$(calc "n / s" -v n="${F[drain.completed]}" \
	    -v s="${F[drain.seconds]}")
	cpu_record drain "${F[drain.seconds_polled]}" "$s0" "$s1"
	log "drain: ${F[drain.completed]} completed in ${F[drain.seconds]} s"
}

# Run alone (WFM_BENCH_ONLY): resume the supervisor, the console if
# asked, the table; nothing else.
if ! full; then
	want drain && drain_step
	kill -CONT "$SUP"
	SUP_PAUSED=""
	want console && console_step
	want webhook && webhook_step
	want map && map_step
	want schedule && schedule_step
	want signal && signal_step
	finish
fi

drain_step
# The purge of the drain's 10,000 updated rows would otherwise fall on
# the read loads: MariaDB CPU per GET was 55 us in one run, 72 in the
# next (docs/bench.md, 2026-12-06 evening), as for the drain above.
F[reads.settle_seconds]=$(db_settle 20)
log "reads: MariaDB idle after ${F[reads.settle_seconds]} s"

run_load execute_replay "$SCRIPTS/execute_replay.lua" "$URL/execute" \
    "$TOKEN" "$TID" bench-replay
run_load get "$SCRIPTS/get.lua" "$GET_URL" "$TOKEN"
run_load unauth "$SCRIPTS/unauth.lua" "$GET_URL" "$BAD_TOKEN"

# ---- claim latency: 202 written to step started ---------------------------

# Submit n executions one at a time, ~20 a second, named PREFIX-i.
submit_slowly() {
	local prefix=$1 n=$2 i code

	for ((i = 1; i <= n; i++)); do
		code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 \
		    -X POST "$URL/execute" -H "Authorization: Bearer $TOKEN" \
		    -H 'Content-Type: application/json' \
		    -d "{\"template_id\": \"$TID\", \"execution_name\":
		    \"$prefix-$i\", \"input_data\": {\"n\": $i}}") || true
		[[ $code == 202 ]] || log "submit $prefix-$i: HTTP $code"
		sleep 0.05
	done
}

# p50 p99 count of (step started_at - created_at) in ms for PREFIX-%.
latency_of() {
	sql -e "SELECT TIMESTAMPDIFF(MICROSECOND, e.created_at, s.started_at)
	    / 1000 FROM executions e JOIN execution_steps s ON
	    s.exec_pk = e.id AND s.step_idx = 0 WHERE e.user_id = 'bench'
	    AND e.execution_name LIKE '$1-%'" | sort -g | awk '
	    { v[++n] = $1 }
	    END { if (n == 0) { print "null null 0"; exit }
		  i50 = int(0.5 * n + 0.999999); i99 = int(0.99 * n + 0.999999)
		  printf "%.1f %.1f %d\n", v[i50], v[i99], n }'
}

log "claim latency: $LAT_SAMPLES executions with the nudge, $LAT_SAMPLES" \
    "with polling only"
submit_slowly lat-nudge "$LAT_SAMPLES"
# Without the nudge: the workers send their datagram to the socket's path,
# so moving the file away (the supervisor keeps its bound socket) makes
# every nudge fail with ENOENT and leaves only the poll, for this stack.
mv "$NUDGE" "$NUDGE.off"
submit_slowly lat-poll "$LAT_SAMPLES"
mv "$NUDGE.off" "$NUDGE"
F[poll_interval_ms]=$(awk -F' *= *' '$1 == "poll_interval_ms" { print $2 }' \
    "$CONF")
F[poll_interval_ms]=${WFM_SUPERVISOR_POLL_INTERVAL_MS:-${F[poll_interval_ms]:-500}}
wait_idle 10 >/dev/null
read -r "F[lat_nudge.p50_ms]" "F[lat_nudge.p99_ms]" "F[lat_nudge.samples]" \
    < <(latency_of lat-nudge)
read -r "F[lat_poll.p50_ms]" "F[lat_poll.p99_ms]" "F[lat_poll.samples]" \
    < <(latency_of lat-poll)

# ---- peak RSS --------------------------------------------------------------

# Largest VmHWM (KiB) among pids.
hwm() {
	local p best=0 v

	for p in "$@"; do
		v=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$p/status" \
		    2>/dev/null) || continue
		[[ -n $v ]] && ((v > best)) && best=$v
	done
	echo "$best"
}
workers=() sup=()
for p in $(children_of "$fcgi_master"); do
	case $(readlink "/proc/$p/exe" 2>/dev/null) in
	"$BIN/wfm-supervisor")	sup+=("$p") ;;
	"$BIN/wfm-fcgi")	workers+=("$p") ;;
	esac
done
F[rss.worker_kib]=$(hwm "${workers[@]}")
F[rss.supervisor_kib]=$(hwm "${sup[@]}")
# shellcheck disable=SC2046 # a list of pids
F[rss.bare_kib]=$(hwm $(children_of "$(pid_of "$BARE_PID" "$HB/bare_fcgi")"))
# shellcheck disable=SC2046
F[rss.nginx_kib]=$(hwm $(children_of "$(pid_of "$CEIL_PID" "$NGINX")"))
for p in "${PEER_NAMES[@]}"; do
	[[ -n ${PEER_OK[$p]:-} ]] && F[$p.rss_kib]=$(peer_rss "$p")
done

# ---- the console --------------------------------------------------------

# Before the claim probe, which stops wfm-fcgi: the console needs the API.
# Its 10,000 completed rows stay (the claim probe counts pending ones).
console_step
# The same for the webhook deliveries: its executions end completed.
webhook_step
map_step
# And for the schedules: their executions end completed too.
schedule_step
signal_step

# ---- claim cost against the number of pending rows ------------------------

# The supervisor must not drain these rows: stop wfm-fcgi (and with it
# the supervisor it spawned); MariaDB keeps running.
log "stopping wfm-fcgi for the claim probe"
stop_pid "$fcgi_master" 30

CLAIM_SQL=$("$HB/bench_db" claim-sql)
EXPLAIN_SQL=${CLAIM_SQL//LIMIT \?/LIMIT $CLAIM_LIMIT}
# The inserts before a probe leave dirty pages that InnoDB writes in the
# background, on the same two cores: a probe taken at once measured that
# (0.13 ms at 10,000 rows, 0.35 ms at 1,000,000, with the same 64 rows
# read and none sorted). Flush them first (at most 15 s; the time it took
# is $key.quiesce_s).
quiesce() {
	local key=$1 i dirty

	sql -e "SET GLOBAL innodb_max_dirty_pages_pct = 0"
	for ((i = 0; i < 150; i++)); do
		dirty=$(sql -e "SHOW GLOBAL STATUS LIKE
		    'Innodb_buffer_pool_pages_dirty'" | awk '{ print $2 }')
		((${dirty:-0} < 100)) && break
		sleep 0.1
	done
	sql -e "SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT"
	F[$key.quiesce_s]=$(calc "i / 10" -v i="$i")
	# The purge and index merges of the rows just inserted, as for the
	# drain: a probe that shares core 0 with them measured 0.1 or 0.2
	# ms at random (ratios 0.68 to 1.97 in three runs of one tree).
	F[$key.settle_s]=$(db_settle 20)
}

claim_probe() {
	local key=$1 budget=$2 plan

	F[$key.pending]=$(sql -e "SELECT COUNT(*) FROM executions
	    WHERE status = 'pending' AND run_after <= UTC_TIMESTAMP(6)")
	plan=$(sql -e "EXPLAIN $EXPLAIN_SQL" | awk -F'\t' '{
	    printf "type=%s key=%s key_len=%s rows=%s extra=%s", $4, $6, $7,
	    $9, $10 }')
	F[$key.explain]=$plan
	read -r "F[$key.p50_ms]" "F[$key.p99_ms]" "F[$key.mean_ms]" \
	    "F[$key.rows]" "F[$key.samples]" "F[$key.handler_reads]" \
	    "F[$key.sort_rows]" < <(taskset -c 0 "$HB/bench_db" \
	    -S "$MY_SOCK" claim 200 "$CLAIM_LIMIT" "$budget")
}

# A claim takes a tenth of a millisecond, mostly the round trip: whether
# the server's thread and the probe run on the same core or wake each other
# across the two made it 0.13 or 0.3 ms from run to run, at either size.
# The probe and every thread of MariaDB share core 0 while it runs (the
# server is stopped right after).
taskset -a -p -c 0 "$(cat "$MY_PID")" >/dev/null

# The probe's rows are no one's executions, and the triggers on executions
# (audit rows, active counts) would triple the time a million inserts take
# while playing no part in the claim SELECT: drop them, in this database
# that is thrown away at the end.
trig=$(sql -e "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS
    WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND
    EVENT_OBJECT_TABLE = 'executions'")
for t in $trig; do
	sql -e "DROP TRIGGER \`$t\`"
done
F[claim.triggers_dropped]=$(tr -s "\n" " " <<<"$trig")

RUNNABLE="UTC_TIMESTAMP(6) - INTERVAL 1 SECOND"
log "claim probe: $CLAIM_SMALL pending rows"
queue_rows bench-claim "$CLAIM_SMALL" "$RUNNABLE"
quiesce claim_small
claim_probe claim_small 3

# A million rows take 20 to 30 s to insert and probe here (the claim
# itself takes seconds then): when less than 50 s of the budget are left,
# 300,000 instead, and the table says so.
left=$(calc "budget - (b - a)" -v budget="$BUDGET" -v a="$T_START" \
    -v b="$EPOCHREALTIME")
if ((CLAIM_ROWS > 300000)) && (($(calc "l < 50" -v l="$left"))); then
	log "only $left s left of the budget: 300000 rows, not $CLAIM_ROWS"
	CLAIM_ROWS=300000
fi
log "claim probe: growing to $CLAIM_ROWS pending rows"
t0=$EPOCHREALTIME
have=$CLAIM_SMALL
while ((have < CLAIM_ROWS)); do
	step=$((CLAIM_ROWS - have < have ? CLAIM_ROWS - have : have))
	sql -e "INSERT INTO executions ($COLS) SELECT UUID(), user_id,
	    CONCAT('bench-claim-', UUID()), template_pk, template_id,
	    template_version, input, input_hash, status, $RUNNABLE,
	    UTC_TIMESTAMP(3) FROM executions WHERE user_id = 'bench-claim'
	    LIMIT $step"
	have=$((have + step))
done
F[claim_large.insert_s]=$(calc "b - a" -v a="$t0" -v b="$EPOCHREALTIME")
quiesce claim_large
claim_probe claim_large 8
F[claim.ratio_p50]=$(calc "b / a" -v a="${F[claim_small.p50_ms]}" \
    -v b="${F[claim_large.p50_ms]}")

# ---- table and JSON ------------------------------------------------------

finish
