#!/usr/bin/env bash
#
# SIGHUP reloads the supervisor's allow lists: an http step to a local
# target is refused (ssrf_blocked) while [supervisor] http_allow leaves
# 127.0.0.1 out; after http_allow = 127.0.0.1/32 is written to the
# configuration file and wfm-fcgi gets SIGHUP (it passes it on to the
# supervisor it spawned), the same step reaches the target, and the
# supervisor is the same process. A file that does not parse then is
# refused and changes nothing. Usage: reload.sh BUILD
PROG=reload
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TARGET_PORT=${WFM_DEPLOY_TARGET_PORT:-18184}
API=$NGX_URL/api/v1/workflow-management

trap cleanup EXIT
trap 'exit 1' INT TERM

command -v python3 >/dev/null || give_up "python3 is installed"
stack_fresh
TOK=$(token dpl-reload workflow:execute,workflow:read,template:write)

mkdir -p "$VAR/target"
echo ok >"$VAR/target/ok"
python3 -m http.server --bind 127.0.0.1 --directory "$VAR/target" \
    "$TARGET_PORT" >/dev/null 2>&1 &
STOP_PIDS+=("$!")
for ((i = 0; i < 50; i++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$TARGET_PORT") 2>/dev/null && break
	sleep 0.1
done

# json_field NAME: the string value of NAME in the JSON on stdin.
json_field() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    d = d[int(k)] if isinstance(d, list) else d.get(k) if d else None
print("" if d is None else d)' "$1"
}

api() {
	curl -sS --max-time 10 -X "$1" "$API$2" -H "Authorization: Bearer $TOK" \
	    -H 'Content-Type: application/json' ${3:+-d "$3"}
}

TID=$(api POST /templates '{"name": "reload-http", "steps": [{"id":
    "call", "type": "http", "request": {"method": "GET", "url":
    "http://127.0.0.1:'"$TARGET_PORT"'/ok"}}]}' | json_field template_id)
[[ -n $TID ]] || give_up "the http template is created"

# run_call: execute the template, wait for its end; prints
# "STATUS ERROR_TYPE".
run_call() {
	local eid doc st i

	eid=$(api POST /execute "{\"template_id\": \"$TID\"}" |
	    json_field execution_id)
	for ((i = 0; i < 100; i++)); do
		doc=$(api GET "/executions/$eid")
		st=$(json_field status <<<"$doc")
		[[ $st == completed || $st == failed ]] && break
		sleep 0.2
	done
	printf '%s %s\n' "$st" "$(json_field error_details.type <<<"$doc")"
}

sup_of() {
	local d

	for d in /proc/[0-9]*; do
		[[ $(awk '{ print $4 }' "$d/stat" 2>/dev/null) == "$1" ]] &&
		    runs "${d#/proc/}" "$BIN/wfm-supervisor" &&
		    printf '%s\n' "${d#/proc/}"
	done
	return 0
}
MASTER=$(cat "$FCGI_PID")
SUP=$(sup_of "$MASTER")
[[ $SUP =~ ^[0-9]+$ ]] || give_up "the supervisor runs under wfm-fcgi"

check "before: 127.0.0.1 is not allowed" "failed ssrf_blocked" "$(run_call)"

# reload PATTERN: SIGHUP to the master, then wait (5 s at most) for one
# more line of the supervisor's log matching PATTERN.
reload() {
	local n i pat="\"prog\":\"wfm-supervisor\".*$1"

	n=$(grep -c "$pat" "$VAR/log/wfm.log")
	kill -HUP "$MASTER"
	for ((i = 0; i < 50; i++)); do
		(($(grep -c "$pat" "$VAR/log/wfm.log") > n)) && return 0
		sleep 0.1
	done
	return 1
}

sed -i 's|^\[supervisor\]$|[supervisor]\nhttp_allow = 127.0.0.1/32|' "$CONF"
reload "configuration reloaded" || fail "the supervisor logs the reload"
check "after the reload: the step reaches the target" "completed " \
    "$(run_call)"
check "the supervisor was reloaded, not restarted" "$SUP" \
    "$(sup_of "$MASTER")"

sed -i 's|^http_allow = 127.0.0.1/32$|http_allow = 127.0.0.1/33|' "$CONF"
reload "reload refused: \\[supervisor\\] http_allow" ||
    fail "the supervisor logs the refusal"
check "a list that does not parse changes nothing" "completed " \
    "$(run_call)"
finish
