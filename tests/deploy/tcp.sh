#!/usr/bin/env bash
#
# wfm-fcgi listening on TCP ([fcgi] listen = host:port): a second master on
# 127.0.0.1 beside the stack's, spoken to with libfcgi's own client
# (cgi-fcgi), answers health, readiness, a 401 and an authenticated list.
# Usage: tcp.sh BUILD
PROG=tcp
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TCP_PORT=${WFM_DEPLOY_TCP_PORT:-18183}

trap cleanup EXIT
trap 'exit 1' INT TERM

command -v cgi-fcgi >/dev/null || give_up "cgi-fcgi (libfcgi-bin) is installed"
stack_fresh
TOK=$(token dpl-tcp workflow:read)

WFM_FCGI_LISTEN=127.0.0.1:$TCP_PORT WFM_SUPERVISOR_SPAWN=false \
    WFM_FCGI_WORKERS=2 "$BIN/wfm-fcgi" -c "$CONF" 2>"$VAR/tcp.log" &
STOP_PIDS+=("$!")
for ((i = 0; i < 50; i++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$TCP_PORT") 2>/dev/null && break
	sleep 0.1
done

# fcgi METHOD PATH [AUTH]: the status line of the answer over TCP.
fcgi() {
	env -i REQUEST_METHOD="$1" REQUEST_URI="/api/v1$2" \
	    ${3:+HTTP_AUTHORIZATION="$3"} SERVER_PROTOCOL=HTTP/1.1 \
	    cgi-fcgi -bind -connect "127.0.0.1:$TCP_PORT" 2>/dev/null |
	    tr -d '\r' | head -n 1
}

check "healthz over TCP" "Status: 200 OK" "$(fcgi GET /healthz)"
check "readyz over TCP" "Status: 200 OK" "$(fcgi GET /readyz)"
check "no token over TCP" "Status: 401 Unauthorized" \
    "$(fcgi GET /workflow-management/executions)"
check "list over TCP" "Status: 200 OK" \
    "$(fcgi GET /workflow-management/executions "Bearer $TOK")"
check "the listener is on 127.0.0.1:$TCP_PORT" "1" \
    "$(ss -Hltn "sport = :$TCP_PORT" | grep -c "127.0.0.1:$TCP_PORT")"
finish
