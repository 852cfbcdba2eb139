#!/usr/bin/env bash
#
# The disk-full fault test: a private stack like run.sh's, but with
# MariaDB's directory (data, tmpdir, socket, error log) on a tmpfs of its
# own, ${WFM_E2E_DISK_MB:-200} MB (MariaDB needs about 130 of them), so
# that the suite fault_disk can fill it up. Needs root (mount). Stops the
# stack and unmounts whatever happens.
#
# Usage: fault_disk.sh BUILD_DIR
# Environment: WFM_E2E_DISK_VAR (default var/fault-disk), WFM_E2E_DISK_PORT
# (default 18095). Exit status: 0 passed, 1 failed, 77 skipped (no mount).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
BUILD=${1:-build}
SIZE_MB=${WFM_E2E_DISK_MB:-200}

export WFM_VAR=${WFM_E2E_DISK_VAR:-$ROOT/var/fault-disk}
export WFM_HTTP_PORT=${WFM_E2E_DISK_PORT:-18095}
export WFM_BIN_DIR=$ROOT/$BUILD/bin
export WFM_SUPERVISOR_HTTP_ALLOW=127.0.0.1/32
export WFM_SUPERVISOR_HANDLERS_DIR=${WFM_SUPERVISOR_HANDLERS_DIR:-$ROOT/tests/handlers}
export WFM_SUPERVISOR_POLL_INTERVAL_MS=200
export WFM_FCGI_WORKERS=${WFM_FCGI_WORKERS:-6}
export WFM_E2E_URL=http://127.0.0.1:$WFM_HTTP_PORT/api/v1
export WFM_E2E_CONF=$WFM_VAR/wfm.conf
export WFM_E2E_VAR=$WFM_VAR
export WFM_E2E_BIN=$ROOT/$BUILD/bin
export WFM_E2E_ROOT=$ROOT
MNT=$WFM_VAR/mysql
export WFM_E2E_FAULT_DISK=$MNT

cleanup() {
	bash deploy/local/stack.sh down || true
	if mountpoint -q "$MNT"; then
		umount "$MNT" || umount -l "$MNT" || true
	fi
}
trap cleanup EXIT

cleanup
rm -rf "$WFM_VAR"
mkdir -p "$MNT"
if ! mount -t tmpfs -o "size=${SIZE_MB}m,mode=0700" wfm-fault-disk "$MNT"
then
	echo "fault_disk: SKIPPED: cannot mount a tmpfs on $MNT (needs root)"
	echo "0 passed, 0 failed"
	exit 77
fi
bash deploy/local/stack.sh up
"$BUILD/e2e-tests" fault_disk
