#!/usr/bin/env bash
#
# The systemd units of deploy/systemd/, checked without systemd as PID 1:
#   - `systemd-analyze verify` accepts each (no warning at all), with the
#     binaries of BUILD_DIR in place of /usr/local/bin, and rejects a
#     broken copy (the check can fail);
#   - `systemd-analyze security --offline=true` rates each service's
#     sandbox exposure at most 2.5 ("OK"), and the options the README
#     promises are there;
#   - the commands and environment of wfm-fcgi.service and
#     wfm-supervisor.service, run as written (paths moved under var/) on a
#     private stack: wfm-fcgi does not spawn a supervisor, the standalone
#     one runs executions, and wfm-fcgi's nudge reaches it (an execution
#     completes long before the 20 s poll interval);
#   - `make install DESTDIR=... PREFIX=/opt/wfm` installs the programs, the
#     SQL, the recipes and the units with their paths rewritten.
#
# Usage: tests/deploy/systemd.sh [BUILD_DIR]   (see lib.sh for ports)
# Prints one line per check and "N passed, M failed"; exits 1 on failure.

PROG=systemd
# shellcheck source=tests/deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

trap cleanup EXIT
trap 'exit 1' INT TERM

command -v systemd-analyze >/dev/null ||
    give_up "systemd-analyze is installed (Debian package systemd: make deps)"

SD=$ROOT/deploy/systemd
T=$VAR.systemd
rm -rf "$T"
mkdir -p "$T/units" "$T/activated"

# The units as installed: the programs where BUILD_DIR has them.
for f in "$SD"/*.service "$SD"/*.socket; do
	sed -e "s|/usr/local/bin/|$BIN/|g" "$f" >"$T/units/${f##*/}"
done
# The socket-activated pair, installed under the socket's name.
cp "$T/units/wfm-fcgi.socket" "$T/activated/"
cp "$T/units/wfm-fcgi-activated.service" "$T/activated/wfm-fcgi.service"

# verify NAME DIR UNIT...: exit 0 and not one line of output.
verify() {
	local name=$1 dir=$2 out rc

	shift 2
	out=$(cd "$dir" && systemd-analyze verify "$@" 2>&1)
	rc=$?
	if ((rc == 0)) && [[ -z $out ]]; then
		pass "verify: $name"
	else
		fail "verify: $name (exit $rc)" "$out"
	fi
}

verify wfm-fcgi.service "$T/units" ./wfm-fcgi.service
verify wfm-supervisor.service "$T/units" ./wfm-supervisor.service
verify "wfm-fcgi.socket + wfm-fcgi-activated.service" "$T/activated" \
    ./wfm-fcgi.socket ./wfm-fcgi.service

# The check itself can fail: a unit whose program does not exist.
sed -e "s|^ExecStart=$BIN/wfm-supervisor|ExecStart=$T/no-such-program|" \
    "$T/units/wfm-supervisor.service" >"$T/wfm-broken.service"
out=$(cd "$T" && systemd-analyze verify ./wfm-broken.service 2>&1)
if [[ -n $out ]]; then
	pass "verify: rejects a unit whose program is missing"
else
	fail "verify: rejects a unit whose program is missing"
fi

# Sandbox exposure (0 = locked down, 10 = none), as systemd rates it.
for u in wfm-fcgi.service wfm-supervisor.service wfm-fcgi-activated.service
do
	out=$(cd "$T/units" && systemd-analyze security --offline=true \
	    --no-pager "./$u" 2>&1)
	level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
	    <<<"$out")
	if [[ -n $level ]] &&
	    awk -v l="$level" 'BEGIN { exit !(l <= 2.5) }'; then
		pass "security: $u exposure $level <= 2.5"
	else
		fail "security: $u exposure ${level:-?} <= 2.5" \
		    "$(tail -n 3 <<<"$out")"
	fi
done

# The options the README names, in every service.
for u in wfm-fcgi.service wfm-supervisor.service wfm-fcgi-activated.service
do
	# The supervisor keeps what running handlers as their own user takes.
	caps=
	[[ $u == wfm-supervisor.service ]] &&
	    caps="CAP_SETUID CAP_SETGID CAP_KILL"
	for o in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes \
	    ProtectHome=yes User=wfm "CapabilityBoundingSet=$caps" \
	    "AmbientCapabilities=$caps" \
	    SystemCallFilter=@system-service RestartPreventExitStatus=78; do
		if grep -qxF "$o" "$SD/$u"; then
			pass "$u: $o"
		else
			fail "$u: $o"
		fi
	done
done
for u in wfm-fcgi.service wfm-supervisor.service; do
	if grep -q '^ReadWritePaths=/' "$SD/$u"; then
		pass "$u: ReadWritePaths"
	else
		fail "$u: ReadWritePaths"
	fi
done
check "wfm-fcgi.socket: the web server's group on the socket" \
    "SocketGroup=www-data SocketMode=0660" \
    "$(grep -E '^Socket(Group|Mode)=' "$SD/wfm-fcgi.socket" | tr '\n' ' ' | sed 's/ $//')"

# ---- the units' commands, run as written ------------------------------------

# unit_env UNIT: its Environment= assignments, /run/ moved under $T.
unit_env() {
	sed -n 's/^Environment=//p' "$SD/$1" | sed "s|=/run/|=$T/run/|"
}
# unit_exec UNIT: its ExecStart= command, the configuration the stack's.
unit_exec() {
	sed -n 's/^ExecStart=//p' "$SD/$1" |
	    sed -e "s|/usr/local/bin/|$BIN/|" -e "s|/etc/wfm/wfm\.conf|$CONF|"
}

mapfile -t fcgi_env < <(unit_env wfm-fcgi.service)
mapfile -t sup_env < <(unit_env wfm-supervisor.service)
check "wfm-fcgi.service does not spawn a supervisor" yes \
    "$(printf '%s\n' "${fcgi_env[@]}" | grep -qx 'WFM_SUPERVISOR_SPAWN=false' && echo yes)"
fcgi_nudge=$(printf '%s\n' "${fcgi_env[@]}" | sed -n 's/^WFM_SUPERVISOR_NUDGE_SOCKET=//p')
sup_nudge=$(printf '%s\n' "${sup_env[@]}" | sed -n 's/^WFM_SUPERVISOR_NUDGE_SOCKET=//p')
check "both units name the same nudge socket" "$sup_nudge" "$fcgi_nudge"
# RuntimeDirectory= of the supervisor, as systemd would make it.
mkdir -p "$T/run/$(sed -n 's/^RuntimeDirectory=//p' "$SD/wfm-supervisor.service")"

# The stack's wfm-fcgi with wfm-fcgi.service's environment; polls so rare
# that only a nudge makes an execution start within seconds. The stack is
# ready once a supervisor beats: ours, started as soon as the schema is
# migrated (wfm-fcgi starts after that).
export WFM_SUPERVISOR_POLL_INTERVAL_MS=20000
for e in "${fcgi_env[@]}"; do
	export "${e?}"
done
stack down >/dev/null 2>&1
rm -rf "$VAR"
STACK_UP=1
stack up 2>"$VAR.up.log" &
up_pid=$!
for ((i = 0; i < 600; i++)); do
	[[ -s $FCGI_PID ]] && break
	kill -0 "$up_pid" 2>/dev/null || break
	sleep 0.1
done
read -r -a sup_cmd <<<"$(unit_exec wfm-supervisor.service)"
env "${sup_env[@]}" "${sup_cmd[@]}" </dev/null >"$T/supervisor.log" 2>&1 &
sup_pid=$!
STOP_PIDS+=("$sup_pid")
if ! wait "$up_pid"; then
	tail -n 40 "$VAR.up.log" >&2
	give_up "the stack starts with wfm-fcgi.service's environment"
fi
pass "readyz 200 with the standalone supervisor's heartbeat"
check "no supervisor spawned by wfm-fcgi" "" \
    "$(grep -o 'supervisor started.*' "$VAR/log/wfm.log")"
API=$NGX_URL/api/v1
tok=$(token dpl-units workflow:execute,workflow:read,template:write)
check "standalone supervisor: the lock where its unit says" yes \
    "$([[ -e $T/run/wfm-supervisor/lock ]] && echo yes)"
curl -s -o /dev/null -D "$T/h" -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' --data-binary '{"name": "units",
    "steps": [{"id": "a", "type": "transform", "output": {"x": 7}}]}' \
    "$API/workflow-management/templates"
tid=$(tr -d '\r' <"$T/h" | awk 'tolower($1) == "location:" { print $2 }')
out=$(curl -s -w ' %{http_code} %{time_total}' \
    -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    -H 'Prefer: wait=8' --data-binary "{\"template_id\": \"${tid##*/}\"}" \
    "$API/workflow-management/execute")
read -r code secs <<<"${out##*\}}"
check "standalone supervisor: an execution completes" \
    '"status":"completed" 200' \
    "$(grep -o '"status":"[a-z]*"' <<<"$out" | head -n 1) $code"
# Polls are 20 s apart: only the nudge makes it this quick.
if awk -v s="$secs" 'BEGIN { exit !(s < 4) }'; then
	pass "standalone supervisor: nudged by wfm-fcgi (${secs}s)"
else
	fail "standalone supervisor: nudged by wfm-fcgi" "${secs}s"
fi
stop_pid "$sup_pid" 30
check "standalone supervisor: SIGTERM stops it" no \
    "$(kill -0 "$sup_pid" 2>/dev/null && echo yes || echo no)"

# ---- make install -----------------------------------------------------------

D=$T/destdir
if make -s -C "$ROOT" install BUILD="$BUILD" DESTDIR="$D" PREFIX=/opt/wfm \
    >"$T/install.log" 2>&1; then
	pass "make install DESTDIR PREFIX=/opt/wfm"
else
	fail "make install DESTDIR PREFIX=/opt/wfm" "$(tail -n 10 "$T/install.log")"
fi
for f in bin/wfm-fcgi bin/wfm-supervisor bin/wfmctl \
    share/wfm/sql/001_init.sql share/wfm/wfm.conf.example \
    share/wfm/nginx/wfm.conf share/wfm/nginx-errors/502.json \
    share/wfm/apache/wfm-proxy-fcgi.conf share/wfm/apache/wfm-errors.conf \
    share/wfm/apache/wfm-fcgid.conf share/wfm/apache/htaccess \
    share/wfm/apache/wfm-cgi.conf share/wfm/apache/wfm.fcgi \
    share/wfm/systemd/wfm-fcgi.service share/wfm/systemd/wfm-fcgi.socket \
    share/wfm/systemd/wfm-fcgi-activated.service \
    share/wfm/systemd/wfm-supervisor.service share/doc/wfm/README.md; do
	if [[ -s $D/opt/wfm/$f ]]; then
		pass "installed: $f"
	else
		fail "installed: $f"
	fi
done
check "installed unit runs the installed program" \
    "ExecStart=/opt/wfm/bin/wfm-fcgi -c /etc/wfm/wfm.conf" \
    "$(grep '^ExecStart=' "$D/opt/wfm/share/wfm/systemd/wfm-fcgi.service")"
check "installed Apache recipe names the installed error pages" \
    "Include /opt/wfm/share/wfm/apache/wfm-errors.conf" \
    "$(grep -o 'Include .*' "$D/opt/wfm/share/wfm/apache/wfm-proxy-fcgi.conf")"
check "installed wrapper is executable" yes \
    "$([[ -x $D/opt/wfm/share/wfm/apache/wfm.fcgi ]] && echo yes)"

finish
