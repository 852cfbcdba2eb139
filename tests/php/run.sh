#!/usr/bin/env bash
#
# The PHP client's tests (make check-php): the unit suite (no server),
# then the integration suite against a private stack (MariaDB, wfm, nginx)
# under var/test-php on 127.0.0.1:18085, like tests/e2e/run.sh. The stack
# is stopped whatever happens. Usage: run.sh BUILD_DIR
#
# The suite's webhook receiver is PHP's built-in server running
# tests/php/receiver.php on 127.0.0.1:18086, which writes each request to
# $WFM_VAR/hooks; the stack's webhook_allow lets deliveries reach it.
#
#	WFM_PHP_VAR, WFM_PHP_PORT	state directory and port of the stack
#	WFM_PHP_HOOK_PORT		port of the webhook receiver
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
BUILD=${1:-build}
PHPUNIT=(phpunit -c clients/php/phpunit.xml)

"${PHPUNIT[@]}" --testsuite unit

export WFM_VAR=${WFM_PHP_VAR:-$ROOT/var/test-php}
export WFM_HTTP_PORT=${WFM_PHP_PORT:-18085}
export WFM_BIN_DIR=$ROOT/$BUILD/bin
export WFM_SUPERVISOR_HANDLERS_DIR=$ROOT/tests/handlers
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
export WFM_FCGI_WORKERS=6
# One long poll per user at once: the suite holds it to see wait() poll.
export WFM_HTTP_MAX_WAITERS_PER_USER=1
# Webhooks may reach the loopback receiver (here only: the default
# refuses loopback); a failed first try is retried after 0.1 s.
export WFM_SUPERVISOR_WEBHOOK_ALLOW=127.0.0.1/32
export WFM_SUPERVISOR_WEBHOOK_RETRY_BASE_MS=100
HOOK_PORT=${WFM_PHP_HOOK_PORT:-18086}
CONF=$WFM_VAR/wfm.conf
RECEIVER_PID=

stop() {
	if [[ -n $RECEIVER_PID ]]; then
		kill "$RECEIVER_PID" 2>/dev/null || true
		wait "$RECEIVER_PID" 2>/dev/null || true
	fi
	bash deploy/local/stack.sh down || true
}
trap stop EXIT

token() {
	"$BUILD/bin/wfmctl" -c "$CONF" token --sub "$1" --roles "$2" \
	    --ttl 3600 | tr -d '[:space:]'
}

stop
rm -rf "$WFM_VAR"
bash deploy/local/stack.sh up

export WFM_PHP_HOOK_DIR=$WFM_VAR/hooks
mkdir -p "$WFM_PHP_HOOK_DIR"
php -S "127.0.0.1:$HOOK_PORT" tests/php/receiver.php \
    >"$WFM_VAR/receiver.log" 2>&1 &
RECEIVER_PID=$!
for ((i = 0; ; i++)); do
	if curl -s -o /dev/null -X POST "http://127.0.0.1:$HOOK_PORT/ready"; then
		break
	fi
	if ((i >= 50)) || ! kill -0 "$RECEIVER_PID" 2>/dev/null; then
		echo "webhook receiver did not start on 127.0.0.1:$HOOK_PORT" >&2
		cat "$WFM_VAR/receiver.log" >&2
		exit 1
	fi
	sleep 0.1
done
rm -f "$WFM_PHP_HOOK_DIR"/*.json
export WFM_TEST_HOOK_URL=http://127.0.0.1:$HOOK_PORT/hook
export WFM_TEST_URL=http://127.0.0.1:$WFM_HTTP_PORT/api/v1
WFM_TEST_TOKEN=$(token alice workflow:execute,workflow:read,template:write)
WFM_TEST_TOKEN_READ=$(token alice workflow:read)
WFM_TEST_TOKEN_BOB=$(token bob workflow:execute,workflow:read,template:write)
export WFM_TEST_TOKEN WFM_TEST_TOKEN_READ WFM_TEST_TOKEN_BOB
"${PHPUNIT[@]}" --testsuite integration
