#!/usr/bin/env bash
#
# Run the end-to-end tests against a private stack: MariaDB, wfm-fcgi with
# its supervisor and nginx, under var/test on 127.0.0.1:18080. The stack
# is stopped (by pid) whatever happens. Usage: run.sh BUILD_DIR [SUITE]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
BUILD=${1:-build}
SUITE=${2:-}

export WFM_VAR=${WFM_E2E_VAR:-$ROOT/var/test}
export WFM_HTTP_PORT=${WFM_E2E_PORT:-18080}
export WFM_BIN_DIR=$ROOT/$BUILD/bin
export WFM_SUPERVISOR_HTTP_ALLOW=127.0.0.1/32
# Webhooks reach the tests' receiver on 127.0.0.1 only (127.0.0.2 stays
# blocked, for the SSRF test), and retry after 100 ms, 200 ms, ...
export WFM_SUPERVISOR_WEBHOOK_ALLOW=127.0.0.1/32
export WFM_SUPERVISOR_WEBHOOK_RETRY_BASE_MS=100
export WFM_SUPERVISOR_HANDLERS_DIR=${WFM_SUPERVISOR_HANDLERS_DIR:-$ROOT/tests/handlers}
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
# The fault suites hold locks: a short timeout keeps them quick.
export WFM_DATABASE_RW_TIMEOUT=${WFM_DATABASE_RW_TIMEOUT:-3}
export WFM_FCGI_WORKERS=${WFM_FCGI_WORKERS:-6}
# cmd_nproc is RLIMIT_NPROC of wfm-handler, which counts every process of
# that uid on the machine: two supervisors' 32 handlers and their
# children, plus any other stack's handlers running at the same time,
# reach the default 64 and their forks fail. The tests that need a bound
# set their own.
export WFM_SUPERVISOR_CMD_NPROC=${WFM_SUPERVISOR_CMD_NPROC:-1024}
# A quota small enough for the execute_idem suite to reach it.
export WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER=${WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER:-50}
# And one of unfinished executions the wait suite reaches (waiting ones).
export WFM_HTTP_MAX_UNFINISHED_EXECUTIONS_PER_USER=${WFM_HTTP_MAX_UNFINISHED_EXECUTIONS_PER_USER:-200}
export WFM_E2E_URL=http://127.0.0.1:$WFM_HTTP_PORT/api/v1
export WFM_E2E_CONF=$WFM_VAR/wfm.conf
export WFM_E2E_VAR=$WFM_VAR
export WFM_E2E_BIN=$ROOT/$BUILD/bin
export WFM_E2E_ROOT=$ROOT

stop() { bash deploy/local/stack.sh down || true; }
trap stop EXIT

# A fresh database each run: tests assert exact counts.
stop
rm -rf "$WFM_VAR"
bash deploy/local/stack.sh up
"$BUILD/e2e-tests" $SUITE
