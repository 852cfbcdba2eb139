#!/usr/bin/env bash
#
# check_conf_keys.sh must pass on the tree as it is and fail, naming the
# problem, on each kind of drift: run on copies of config.c, the example
# and the page, each changed in one way (`make check-man`).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fresh() {
	cp "$root/src/common/config.c" "$tmp/config.c"
	cp "$root/deploy/wfm.conf.example" "$tmp/example"
	cp "$root/docs/man/wfm.conf.5" "$tmp/page"
}

run() {
	bash "$here/check_conf_keys.sh" "$tmp/config.c" "$tmp/example" \
	    "$tmp/page" >"$tmp/out" 2>&1
}

# expect_fail NAME PATTERN: the checker exits 1 and says PATTERN.
expect_fail() {
	local rc=0

	run || rc=$?
	if ((rc != 1)) || ! grep -q -- "$2" "$tmp/out"; then
		printf 'FAIL %s: exit %d, expected 1 and "%s"; output:\n' \
		    "$1" "$rc" "$2"
		sed 's/^/    /' "$tmp/out"
		failed=1
	else
		printf 'ok   %s\n' "$1"
	fi
}

# edit FILE SED-SCRIPT: change a copy, and be sure it changed.
edit() {
	cp "$tmp/$1" "$tmp/$1.orig"
	sed -i -e "$2" "$tmp/$1"
	if cmp -s "$tmp/$1" "$tmp/$1.orig"; then
		echo "FAIL: sed '$2' changed nothing in $1"
		exit 1
	fi
}

fresh
if run; then echo 'ok   unchanged tree passes'; else
	echo 'FAIL unchanged tree:'; cat "$tmp/out"; failed=1; fi

fresh; edit page '/^\.It Cm rw_timeout /,/^Default: 10\.$/d'
expect_fail 'key missing from the page' \
    'page: key database rw_timeout of config.c is missing'

fresh; edit page 's/^\.It Cm backlog /.It Cm backlogs /'
expect_fail 'page names a key that does not exist' \
    'page: key fcgi backlogs does not exist in config.c'

fresh; edit page 's/^Default: 16\.$/Default: 8./'
expect_fail 'default changed in the page' \
    'default of fcgi.workers is "8", config.c says "16"'

fresh; edit page '/^\.It Cm cmd_user /,/^Default: nobody\.$/{/^Default:/d}'
expect_fail 'page item without a default' \
    'supervisor.cmd_user has 0 "Default: X." lines'

fresh; edit example '/^nudge_socket =/d'
expect_fail 'key missing from the example' \
    'example: key supervisor nudge_socket of config.c is missing'

fresh; edit example 's/^spawn = true$/spawn = true\n# Wait. Default: 5.\nspawn_delay = 5/'
expect_fail 'example names a key that does not exist' \
    'example: key supervisor spawn_delay does not exist in config.c'

fresh; edit example 's/^# Seconds to wait for a connection\. Default: 5\.$/# Seconds./'
expect_fail 'example key without a default comment' \
    'database.connect_timeout has no "Default: X." comment'

fresh; edit example 's/^max_requests = 10000$/max_requests = 500/'
expect_fail 'example value is not the default' \
    'fcgi.max_requests is set to "500", not its default "10000"'

fresh; edit example 's/Default: 0660\.$/Default: 0600./'
expect_fail 'default changed in the example' \
    'default of fcgi.socket_mode is "0600", config.c says "0660"'

fresh; edit config.c 's/^\(\t{ "log", "target".*\)$/\1\n\t{ "log", "facility", K_STR, O(log.target), "daemon", 0, 0 },/'
expect_fail 'new key in config.c only (page)' \
    'page: key log facility of config.c is missing'
expect_fail 'new key in config.c only (example)' \
    'example: key log facility of config.c is missing'

fresh; edit config.c 's/"grace_seconds", K_INT, O(sup.grace_seconds), "10"/"grace_seconds", K_INT, O(sup.grace_seconds), "15"/'
expect_fail 'default changed in config.c' \
    'default of supervisor.grace_seconds is "10", config.c says "15"'

fresh; edit config.c '/"database", "host"/d'
expect_fail 'key removed from config.c' \
    'key database host does not exist in config.c'

exit $failed
