#!/usr/bin/env bash
#
# The PHP client's tests (make check-php): the unit suite (no server),
# then the integration suite against a private stack (MariaDB, wfm, nginx)
# under var/test-php on 127.0.0.1:18085, like tests/e2e/run.sh. The stack
# is stopped whatever happens. Usage: run.sh BUILD_DIR
#
#	WFM_PHP_VAR, WFM_PHP_PORT	state directory and port of the stack
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
CONF=$WFM_VAR/wfm.conf

stop() { bash deploy/local/stack.sh down || true; }
trap stop EXIT

token() {
	"$BUILD/bin/wfmctl" -c "$CONF" token --sub "$1" --roles "$2" \
	    --ttl 3600 | tr -d '[:space:]'
}

stop
rm -rf "$WFM_VAR"
bash deploy/local/stack.sh up
export WFM_TEST_URL=http://127.0.0.1:$WFM_HTTP_PORT/api/v1
WFM_TEST_TOKEN=$(token alice workflow:execute,workflow:read,template:write)
WFM_TEST_TOKEN_READ=$(token alice workflow:read)
WFM_TEST_TOKEN_BOB=$(token bob workflow:execute,workflow:read,template:write)
export WFM_TEST_TOKEN WFM_TEST_TOKEN_READ WFM_TEST_TOKEN_BOB
"${PHPUNIT[@]}" --testsuite integration
