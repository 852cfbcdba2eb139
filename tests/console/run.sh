#!/usr/bin/env bash
#
# Browser tests of the web console against a private stack (MariaDB,
# wfm-fcgi with its supervisor, nginx serving console/ and the API), by
# default under var/test-console on 127.0.0.1:18090; screenshots go to
# var/test/console/. The stack is stopped whatever happens.
# Usage: run.sh BUILD_DIR [test names...]
# Environment: WFM_CONSOLE_VAR, WFM_CONSOLE_PORT, WFM_CONSOLE_SHOTS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
BUILD=${1:-build}
shift || true

export WFM_VAR=${WFM_CONSOLE_VAR:-$ROOT/var/test-console}
export WFM_HTTP_PORT=${WFM_CONSOLE_PORT:-18090}
export WFM_BIN_DIR=$ROOT/$BUILD/bin
export WFM_SUPERVISOR_HANDLERS_DIR=$ROOT/tests/handlers
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
# No leeway: the expiry test uses a token valid for 2 s.
export WFM_AUTH_LEEWAY_SECONDS=0
SHOTS=${WFM_CONSOLE_SHOTS:-$ROOT/var/test/console}

for f in /usr/bin/chromium /usr/bin/chromedriver; do
	[[ -x $f ]] || { echo "run.sh: $f missing (make deps)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import selenium' ||
    { echo "run.sh: python3-selenium missing (make deps)" >&2; exit 1; }

stop() { bash deploy/local/stack.sh down || true; }
trap stop EXIT

stop
rm -rf "$WFM_VAR"
rm -f "$SHOTS"/*.png
bash deploy/local/stack.sh up
/usr/bin/python3 tests/console/test_console.py \
    --url "http://127.0.0.1:$WFM_HTTP_PORT" --conf "$WFM_VAR/wfm.conf" \
    --bin "$WFM_BIN_DIR" --shots "$SHOTS" "$@"
