#!/usr/bin/env bash
#
# The local wfm stack behind `make up`, `make down`, `make run`:
#	bash deploy/local/stack.sh up|down|run|status
#	bash deploy/local/stack.sh db-stop|db-start	(fault tests: stop or
#	start only MariaDB, by its pid file, with the command line of `up`)
#
# A private MariaDB (unix socket only, never port 3306 nor the system
# instance), wfm-fcgi on a unix socket with the supervisor it spawns, and
# nginx on 127.0.0.1:${WFM_HTTP_PORT:-8080} with a config generated from
# deploy/nginx/wfm.conf. All state, logs and sockets live under
# ${WFM_VAR:-var} (relative to the repository root, or absolute).
#
# Environment:
#	WFM_VAR		state directory (default var)
#	WFM_HTTP_PORT	port nginx listens on, on 127.0.0.1 (default 8080)
#	WFM_BIN_DIR	where the built programs are (default build/bin)
#	WFM_<SECTION>_<KEY>  passed through: the programs read these
#			themselves (WFM_AUTH_JWT_SECRET, WFM_FCGI_WORKERS, ...).
#			WFM_HTTP_BASE_PATH, WFM_HTTP_MAX_BODY_BYTES and
#			WFM_DATABASE_NAME are also applied to nginx and MariaDB.
#
# Exit status: 0 on success; 1 on failure; `status` exits 3 when not every
# component runs.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
readonly ROOT
PROG=stack

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() {
	printf 'usage: %s up|down|run|status|db-stop|db-start\n' "$0" >&2
	exit 2
}

# Paths go into nginx, MariaDB and INI files unquoted: keep them plain.
check_path() {
	[[ $2 =~ ^/[A-Za-z0-9._/+-]+$ ]] ||
	    die "$1 '$2' must be an absolute path of letters, digits and ._/+-"
}

# ---- settings ------------------------------------------------------------

case ${WFM_VAR:-var} in
/*)	VAR=$(realpath -m -- "$WFM_VAR") ;;
*)	VAR=$(realpath -m -- "$ROOT/${WFM_VAR:-var}") ;;
esac
check_path WFM_VAR "$VAR"
check_path "repository root" "$ROOT"
BIN=$(realpath -m -- "${WFM_BIN_DIR:-$ROOT/build/bin}")
check_path WFM_BIN_DIR "$BIN"

PORT=${WFM_HTTP_PORT:-8080}
if ! [[ $PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
	die "WFM_HTTP_PORT '$PORT' is not a port number"
fi
BASE=${WFM_HTTP_BASE_PATH:-/api/v1}
[[ $BASE =~ ^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$ ]] ||
    die "WFM_HTTP_BASE_PATH '$BASE' must start with / and not end with /"
MAXBODY=${WFM_HTTP_MAX_BODY_BYTES:-1048576}
[[ $MAXBODY =~ ^[1-9][0-9]{0,9}$ ]] ||
    die "WFM_HTTP_MAX_BODY_BYTES '$MAXBODY' is not a byte count"
DBNAME=${WFM_DATABASE_NAME:-wfm}
[[ $DBNAME =~ ^[A-Za-z0-9_]{1,64}$ ]] ||
    die "WFM_DATABASE_NAME '$DBNAME' must be 1..64 of [A-Za-z0-9_]"
readonly VAR BIN PORT BASE MAXBODY DBNAME

URL="http://127.0.0.1:$PORT$BASE"
CONF=$VAR/wfm.conf
RUNDIR=$VAR/run
LOGDIR=$VAR/log
WFM_LOG=$LOGDIR/wfm.log
CTL_LOG=$LOGDIR/wfmctl.log
FCGI_SOCK=$RUNDIR/wfm-fcgi.sock
FCGI_PID=$RUNDIR/wfm-fcgi.pid
NUDGE_SOCK=$RUNDIR/supervisor.nudge
DB_PASSWORD=$VAR/db_password
JWT_SECRET=$VAR/jwt_secret
SECRETS_KEY=$VAR/secrets.key
IDS=$VAR/examples.ids
LOCK=$VAR/.stack.lock

MY_DIR=$VAR/mysql
MY_DATA=$MY_DIR/data
MY_CNF=$MY_DIR/my.cnf
MY_SOCK=$MY_DIR/mysqld.sock
MY_PID=$MY_DIR/mariadbd.pid
MY_LOG=$MY_DIR/error.log
MARIADBD=/usr/sbin/mariadbd

NGX_DIR=$VAR/nginx
NGX_CONF=$NGX_DIR/nginx.conf
NGX_SERVER=$NGX_DIR/wfm-server.conf
NGX_PID=$NGX_DIR/nginx.pid
NGX_ERR=$LOGDIR/nginx-error.log
NGX_ACC=$LOGDIR/nginx-access.log
NGINX=/usr/sbin/nginx
RECIPE=$ROOT/deploy/nginx/wfm.conf
ERRORS_DIR=$ROOT/deploy/nginx/errors
CONSOLE_SRC=$ROOT/console
CONSOLE_DIR=$VAR/www/console

EXAMPLES_DIR=$ROOT/deploy/examples
DEMO_USER=demo
DEMO_ROLES=workflow:execute,workflow:read,template:write

# MariaDB account used for DDL over the socket (unix_socket auth: the
# account name must be the name of the system user running this script).
if ((EUID == 0)); then
	DB_ADMIN=root
else
	DB_ADMIN=$(id -un)
fi
readonly DB_ADMIN

# ---- processes -----------------------------------------------------------

# Print the pid recorded in pidfile if that process runs the program exe.
running_pid() {
	local pidfile=$1 exe=$2 pid link

	[[ -r $pidfile ]] || return 1
	pid=$(<"$pidfile") || return 1
	pid=${pid//[[:space:]]/}
	[[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	link=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ $link == "$exe" || $link == "$exe (deleted)" ]] || return 1
	printf '%s\n' "$pid"
}

# Print the live (non-zombie) processes of session sid.
session_members() {
	local sid=$1 d stat rest state s

	for d in /proc/[0-9]*; do
		{ stat=$(<"$d/stat"); } 2>/dev/null || continue
		rest=${stat##*) }
		read -r state _ _ s _ <<<"$rest"
		[[ $s == "$sid" && $state != Z ]] && printf '%s\n' "${d#/proc/}"
	done
	return 0
}

# Does process pid run one of the stack's programs?
is_our_program() {
	local link

	link=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	case ${link% (deleted)} in
	"$BIN"/wfm-*|"$MARIADBD"|"$NGINX") return 0 ;;
	esac
	return 1
}

# Does process pid run one of them with this instance's files? (Whole
# space-separated words: var/ must not match var/test/.)
is_ours() {
	local pid=$1 cmd

	is_our_program "$pid" || return 1
	cmd=" $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) " || return 1
	[[ $cmd == *" $CONF "* || $cmd == *" --defaults-file=$MY_CNF "* ||
	    $cmd == *" $NGX_CONF "* ]]
}

# Start a program in a session of its own (so that Ctrl-C in a terminal
# does not reach it and `down` finds all its children); its pid, which is
# also the session id, goes to pidfile. The stack lock (fd 9) is not
# inherited.
spawn() {
	local pidfile=$1 logfile=$2
	shift 2

	# shellcheck disable=SC2016 # expanded by the inner bash
	setsid bash -c 'echo "$$" >"$1"; shift; exec "$@"' spawn \
	    "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
}

# SIGTERM the program recorded in pidfile, wait up to 20 s for its whole
# session to end, then SIGKILL what is left. Harmless when nothing runs.
stop_one() {
	local name=$1 pidfile=$2 exe=$3 pid="" sid="" p left i

	if pid=$(running_pid "$pidfile" "$exe"); then
		sid=$pid
		log "stopping $name (pid $pid)"
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 200; i++)); do
			left=$(session_members "$sid")
			[[ -z $left ]] && break
			sleep 0.1
		done
		left=$(session_members "$sid")
		if [[ -n $left ]]; then
			log "$name did not stop within 20 s: SIGKILL" \
			    "$(tr '\n' ' ' <<<"$left")"
			for p in $left; do
				kill -KILL "$p" 2>/dev/null || true
			done
		fi
	elif [[ -r $pidfile ]]; then
		# The leader is gone; children of its session may remain.
		sid=$(tr -dc '0-9' <"$pidfile")
		if [[ -n $sid ]]; then
			for p in $(session_members "$sid"); do
				if is_our_program "$p"; then
					log "killing left-over $name process $p"
					kill -KILL "$p" 2>/dev/null || true
				fi
			done
		fi
	fi
	rm -f "$pidfile"
}

# ---- files ---------------------------------------------------------------

# Write stdin to file atomically; print "changed" if its content changed.
install_file() {
	local file=$1 mode=$2 tmp

	tmp=$(mktemp "$file.XXXXXX")
	cat >"$tmp"
	chmod "$mode" "$tmp"
	if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
		rm -f "$tmp"
		return 0
	fi
	mv -f "$tmp" "$file"
	echo changed
}

# Make a random secret file once; keep it afterwards.
make_secret() {
	local file=$1 kind=$2 tmp

	if [[ ! -s $file ]]; then
		tmp=$(mktemp "$file.XXXXXX")
		case $kind in
		hex48)	head -c 48 /dev/urandom | od -An -v -tx1 |
			    tr -d ' \n' >"$tmp" ;;
		hex24)	head -c 24 /dev/urandom | od -An -v -tx1 |
			    tr -d ' \n' >"$tmp" ;;
		raw32)	head -c 32 /dev/urandom >"$tmp" ;;
		esac
		chmod 600 "$tmp"
		mv -f "$tmp" "$file"
		log "made $file"
	fi
	chmod 600 "$file"
}

# Command handlers run as a user of their own (SECURITY.md). As root the
# stack makes it; as anyone else the supervisor cannot switch users, and
# handlers run as that user (cmd_run_as_self: no isolation).
HANDLER_USER=wfm-handler
ensure_handler_user() {
	((EUID == 0)) || return 0
	id -u "$HANDLER_USER" >/dev/null 2>&1 && return 0
	log "creating system user $HANDLER_USER"
	useradd --system --user-group --no-create-home \
	    --home-dir /nonexistent --shell /usr/sbin/nologin \
	    "$HANDLER_USER" 2>/dev/null ||
	    id -u "$HANDLER_USER" >/dev/null 2>&1 ||	# made meanwhile
	    die "cannot create the system user $HANDLER_USER"
}

write_wfm_conf() {
	local as_self=true

	((EUID == 0)) && as_self=false
	install_file "$CONF" 644 <<EOF
# Generated by deploy/local/stack.sh for the local stack: rewritten by
# every \`make up\`; edit the script, not this file. Environment variables
# WFM_<SECTION>_<KEY> override every key (WFM_AUTH_JWT_SECRET, ...).

[database]
socket = $MY_SOCK
user = wfm
password_file = $DB_PASSWORD
name = wfm

[http]
base_path = /api/v1
max_body_bytes = 1048576

[auth]
algorithm = HS256
jwt_secret_file = $JWT_SECRET

[fcgi]
listen = $FCGI_SOCK
workers = 4
socket_mode = 0660

[supervisor]
spawn = true
program = $BIN/wfm-supervisor
handlers_dir = $ROOT/deploy/examples/handlers
lock_file = $RUNDIR/supervisor.lock
nudge_socket = $NUDGE_SOCK
secrets_key_file = $SECRETS_KEY
cmd_user = $HANDLER_USER
cmd_run_as_self = $as_self

[log]
level = info
target = stderr
EOF
}

write_my_cnf() {
	local user_line=""

	((EUID == 0)) && user_line="user = root"
	install_file "$MY_CNF" 644 <<EOF
# Generated by deploy/local/stack.sh: the private MariaDB of the local
# stack. Unix socket only; never port 3306 nor the system instance.
[mysqld]
datadir = $MY_DATA
socket = $MY_SOCK
pid-file = $MY_PID
log-error = $MY_LOG
tmpdir = $MY_DIR/tmp
skip-networking
$user_line
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
innodb_flush_log_at_trx_commit = 1
innodb_buffer_pool_size = 128M
max_connections = 300
# Every wfm-fcgi worker and the supervisor hold a connection: the pool
# switches threads less than one thread per connection (docs/decisions.md).
thread_handling = pool-of-threads
EOF
}

# nginx: the server block is the shipped recipe with its placeholders
# replaced; the wrapper puts every path under $VAR.
write_nginx_conf() {
	local server main user_line="" w

	server=$(sed -e "s|127\.0\.0\.1:8080|127.0.0.1:$PORT|g" \
	    -e "s|/run/wfm/wfm-fcgi\.sock|$FCGI_SOCK|g" \
	    -e "s|/usr/share/wfm/nginx-errors|$ERRORS_DIR|g" \
	    -e "s|/usr/share/wfm/console|$CONSOLE_DIR|g" \
	    -e "s|client_max_body_size 1m;|client_max_body_size $MAXBODY;|" \
	    -e "s|/api/v1|$BASE|g" "$RECIPE")
	for w in "listen 127.0.0.1:$PORT;" "unix:$FCGI_SOCK;" \
	    "alias $ERRORS_DIR/;" "client_max_body_size $MAXBODY;" \
	    "alias $CONSOLE_DIR/;" \
	    "location ^~ $BASE/ {"; do
		grep -qF -- "$w" <<<"$server" ||
		    die "$RECIPE: no longer has the placeholder for '$w'"
	done
	((EUID == 0)) && user_line="user root;"
	main="# Generated by deploy/local/stack.sh: nginx of the local stack.
$user_line
worker_processes 2;
pid $NGX_PID;
error_log $NGX_ERR warn;

events {
	worker_connections 1024;
}

http {
	default_type application/octet-stream;
	access_log $NGX_ACC;
	client_body_temp_path $NGX_DIR/tmp/body;
	fastcgi_temp_path $NGX_DIR/tmp/fastcgi;
	proxy_temp_path $NGX_DIR/tmp/proxy;
	uwsgi_temp_path $NGX_DIR/tmp/uwsgi;
	scgi_temp_path $NGX_DIR/tmp/scgi;
	sendfile on;
	keepalive_timeout 65;

	include $NGX_SERVER;
}"
	printf '# Generated by deploy/local/stack.sh from %s\n%s\n' \
	    "$RECIPE" "$server" | install_file "$NGX_SERVER" 644 >/dev/null
	printf '%s\n' "$main" | install_file "$NGX_CONF" 644 >/dev/null
	# The recipe's "include fastcgi_params" is relative to the config.
	install_file "$NGX_DIR/fastcgi_params" 644 </etc/nginx/fastcgi_params \
	    >/dev/null
}

# The web console: the files of console/ copied under $VAR (as make install
# copies them), with a config.json naming this stack's base path.
install_console() {
	local tmp=$VAR/www/.console.new

	mkdir -p -- "$VAR/www" || die "cannot create $VAR/www"
	rm -rf -- "$tmp"
	cp -R -- "$CONSOLE_SRC" "$tmp" || die "cannot copy $CONSOLE_SRC"
	printf '{"base_path": "%s"}\n' "$BASE" >"$tmp/config.json"
	rm -rf -- "$CONSOLE_DIR"
	mv -- "$tmp" "$CONSOLE_DIR" || die "cannot install $CONSOLE_DIR"
}

nginx_cmd() {
	"$NGINX" -p "$NGX_DIR/" -c "$NGX_CONF" -e "$NGX_ERR" "$@"
}

# ---- MariaDB -------------------------------------------------------------

sql() {
	mariadb --no-defaults --socket="$MY_SOCK" --user="$DB_ADMIN" \
	    --batch --skip-column-names
}

db_init() {
	local tmpdir=$MY_DATA.init
	local -a opts=(--auth-root-authentication-method=socket --skip-test-db)

	if ((EUID == 0)); then
		opts+=(--user=root)
	else
		opts+=(--auth-root-socket-user="$DB_ADMIN")
	fi
	log "initialising MariaDB in $MY_DATA"
	rm -rf "$tmpdir"
	if ! mariadb-install-db --defaults-file="$MY_CNF" --datadir="$tmpdir" \
	    "${opts[@]}" >"$MY_DIR/install.log" 2>&1 9>&-; then
		tail -n 30 "$MY_DIR/install.log" >&2
		die "mariadb-install-db failed (log: $MY_DIR/install.log)"
	fi
	mv "$tmpdir" "$MY_DATA"
}

db_start() {
	local pid i

	if pid=$(running_pid "$MY_PID" "$MARIADBD"); then
		log "MariaDB runs (pid $pid)"
		return 0
	fi
	stop_one MariaDB "$MY_PID" "$MARIADBD"	# what a crash left
	[[ -d $MY_DATA/mysql ]] || db_init
	rm -f "$MY_SOCK" "$MY_SOCK.lock"
	log "starting MariaDB on $MY_SOCK"
	spawn "$MY_PID" "$MY_LOG" "$MARIADBD" --defaults-file="$MY_CNF"
	for ((i = 0; i < 600; i++)); do
		if [[ -S $MY_SOCK ]] &&
		    mariadb-admin --no-defaults --socket="$MY_SOCK" \
		    --user="$DB_ADMIN" --connect-timeout=2 ping \
		    >/dev/null 2>&1; then
			return 0
		fi
		if ((i > 5)) && ! running_pid "$MY_PID" "$MARIADBD" >/dev/null
		then
			tail -n 30 "$MY_LOG" >&2
			die "MariaDB did not start (log: $MY_LOG)"
		fi
		sleep 0.1
	done
	tail -n 30 "$MY_LOG" >&2
	die "MariaDB did not answer within 60 s (log: $MY_LOG)"
}

# Database, application account with DML grants only, schema.
db_setup() {
	local pw

	pw=$(<"$DB_PASSWORD")
	[[ $pw =~ ^[0-9a-f]+$ ]] || die "$DB_PASSWORD: not a hex password"
	# Through stdin: the password never shows in a process list.
	sql <<EOF || die "cannot create the database and its account"
CREATE DATABASE IF NOT EXISTS \`$DBNAME\`
    CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE USER IF NOT EXISTS 'wfm'@'localhost' IDENTIFIED BY '$pw';
ALTER USER 'wfm'@'localhost' IDENTIFIED BY '$pw';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$DBNAME\`.* TO 'wfm'@'localhost';
EOF
	log "migrating $DBNAME (sql/)"
	if ! env -u WFM_DATABASE_PASSWORD WFM_DATABASE_PASSWORD_FILE= \
	    WFM_DATABASE_USER="$DB_ADMIN" \
	    "$BIN/wfmctl" -c "$CONF" migrate --dir "$ROOT/sql" \
	    >>"$CTL_LOG" 2>&1 9>&-; then
		tail -n 30 "$CTL_LOG" >&2
		die "wfmctl migrate failed (log: $CTL_LOG)"
	fi
}

# Every deploy/examples/*.json for user demo; "name<TAB>id" lines in $IDS.
import_examples() {
	local f out id list=""

	shopt -s nullglob
	for f in "$EXAMPLES_DIR"/*.json; do
		if ! out=$("$BIN/wfmctl" -c "$CONF" template import "$f" \
		    --owner "$DEMO_USER" 2>>"$CTL_LOG" 9>&-); then
			tail -n 30 "$CTL_LOG" >&2
			die "cannot import $f (log: $CTL_LOG)"
		fi
		id=$(printf '%s\n' "$out" | sed '/^[[:space:]]*$/d' |
		    tail -n 1 | tr -d '[:space:]')
		[[ -n $id ]] || die "wfmctl template import $f printed no id"
		list+="$(basename "$f" .json)"$'\t'"$id"$'\n'
	done
	shopt -u nullglob
	printf '%s' "$list" | install_file "$IDS" 644 >/dev/null
	if [[ -n $list ]]; then
		log "example templates of user $DEMO_USER:" \
		    "$(printf '%s' "$list" | tr '\t' '=' | paste -sd ' ')"
	fi
}

# ---- commands ------------------------------------------------------------

lock() {
	exec 9>"$LOCK"
	flock -w 300 9 || die "another stack.sh holds $LOCK"
}

unlock() {
	exec 9>&-
}

need() {
	local p

	for p in "$MARIADBD" "$NGINX"; do
		[[ -x $p ]] || die "$p is missing: run \`make deps\`"
	done
	for p in mariadb mariadb-admin mariadb-install-db curl setsid flock; do
		command -v "$p" >/dev/null ||
		    die "$p is missing: run \`make deps\`"
	done
	for p in wfm-fcgi wfm-supervisor wfmctl; do
		[[ -x $BIN/$p ]] || die "$BIN/$p is missing: run \`make\` first"
	done
	for p in "$MY_SOCK" "$FCGI_SOCK" "$NUDGE_SOCK"; do
		((${#p} < 108)) ||
		    die "socket path too long for a unix socket: $p (set WFM_VAR)"
	done
}

tail_logs() {
	local f

	for f in "$WFM_LOG" "$NGX_ERR" "$MY_LOG"; do
		[[ -s $f ]] || continue
		printf '==> %s <==\n' "$f" >&2
		tail -n 30 "$f" >&2
	done
}

cmd_up() {
	local pid code body="" deadline conf_changed

	need
	mkdir -p "$VAR" "$RUNDIR" "$LOGDIR" "$MY_DIR/tmp" \
	    "$NGX_DIR"/tmp/{body,fastcgi,proxy,uwsgi,scgi}
	chmod 700 "$MY_DIR"
	lock
	ensure_handler_user

	make_secret "$JWT_SECRET" hex48
	make_secret "$SECRETS_KEY" raw32
	make_secret "$DB_PASSWORD" hex24
	conf_changed=$(write_wfm_conf)
	write_my_cnf >/dev/null

	db_start
	db_setup
	import_examples

	if pid=$(running_pid "$FCGI_PID" "$BIN/wfm-fcgi"); then
		if [[ -n $conf_changed ]]; then
			log "$CONF changed: reloading wfm-fcgi (pid $pid)"
			kill -HUP "$pid"
		else
			log "wfm-fcgi runs (pid $pid)"
		fi
	else
		stop_one wfm-fcgi "$FCGI_PID" "$BIN/wfm-fcgi"
		rm -f "$FCGI_SOCK" "$NUDGE_SOCK"
		log "starting wfm-fcgi on $FCGI_SOCK"
		spawn "$FCGI_PID" "$WFM_LOG" "$BIN/wfm-fcgi" -c "$CONF"
	fi

	install_console
	write_nginx_conf
	if ! nginx_cmd -t -q 2>"$NGX_DIR/test.log" 9>&-; then
		cat "$NGX_DIR/test.log" >&2
		die "nginx -t failed for $NGX_CONF"
	fi
	if pid=$(running_pid "$NGX_PID" "$NGINX"); then
		if ! cmp -s "$NGX_CONF" "$NGX_DIR/running.conf" ||
		    ! cmp -s "$NGX_SERVER" "$NGX_DIR/running-server.conf"; then
			log "nginx config changed: reloading (pid $pid)"
			kill -HUP "$pid"
		else
			log "nginx runs (pid $pid)"
		fi
	else
		stop_one nginx "$NGX_PID" "$NGINX"
		log "starting nginx on 127.0.0.1:$PORT"
		if ! nginx_cmd 9>&- </dev/null 2>"$NGX_DIR/start.log"; then
			cat "$NGX_DIR/start.log" >&2
			die "nginx did not start (log: $NGX_ERR)"
		fi
	fi
	cp -f "$NGX_CONF" "$NGX_DIR/running.conf"
	cp -f "$NGX_SERVER" "$NGX_DIR/running-server.conf"
	unlock

	deadline=$((SECONDS + 60))
	while :; do
		code=$(curl -sS -o "$RUNDIR/readyz.out" -w '%{http_code}' \
		    --max-time 5 "$URL/readyz" 2>/dev/null) || true
		[[ $code == 200 ]] && break
		if ! running_pid "$FCGI_PID" "$BIN/wfm-fcgi" >/dev/null; then
			tail_logs
			die "wfm-fcgi exited (log: $WFM_LOG)"
		fi
		if ! running_pid "$NGX_PID" "$NGINX" >/dev/null; then
			tail_logs
			die "nginx exited (log: $NGX_ERR)"
		fi
		if ((SECONDS >= deadline)); then
			[[ -r $RUNDIR/readyz.out ]] && body=$(<"$RUNDIR/readyz.out")
			tail_logs
			die "$URL/readyz is not 200 after 60 s (last: ${code:-none} $body)"
		fi
		sleep 0.5
	done
	rm -f "$RUNDIR/readyz.out"
	log "ready: $URL"
}

cmd_down() {
	local p left=""

	if [[ ! -d $VAR ]]; then
		log "nothing runs ($VAR does not exist)"
		return 0
	fi
	lock
	stop_one nginx "$NGX_PID" "$NGINX"
	stop_one wfm-fcgi "$FCGI_PID" "$BIN/wfm-fcgi"
	stop_one MariaDB "$MY_PID" "$MARIADBD"
	rm -f "$NGX_DIR/running.conf" "$NGX_DIR/running-server.conf"

	# Anything of this instance still alive (a process that left the
	# session, a supervisor whose master died) is killed and reported.
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		if is_ours "$p"; then
			log "left over: pid $p ($(tr '\0' ' ' \
			    <"/proc/$p/cmdline" 2>/dev/null)): SIGKILL"
			kill -KILL "$p" 2>/dev/null || true
			left+=" $p"
		fi
	done
	if [[ -n $left ]]; then
		sleep 0.5
		for p in $left; do
			if [[ -d /proc/$p ]] && is_ours "$p"; then
				die "process $p survived SIGKILL"
			fi
		done
	fi
	unlock
	log "stopped"
}

cmd_status() {
	local pid code all=0

	if pid=$(running_pid "$MY_PID" "$MARIADBD"); then
		printf '%-9s running  pid %-7s socket %s\n' MariaDB "$pid" "$MY_SOCK"
	else
		printf '%-9s stopped\n' MariaDB
		all=3
	fi
	if pid=$(running_pid "$FCGI_PID" "$BIN/wfm-fcgi"); then
		printf '%-9s running  pid %-7s socket %s (%s processes)\n' \
		    wfm-fcgi "$pid" "$FCGI_SOCK" \
		    "$(session_members "$pid" | wc -l)"
	else
		printf '%-9s stopped\n' wfm-fcgi
		all=3
	fi
	if pid=$(running_pid "$NGX_PID" "$NGINX"); then
		printf '%-9s running  pid %-7s %s\n' nginx "$pid" "$URL/"
	else
		printf '%-9s stopped\n' nginx
		all=3
	fi
	if ((all == 0)); then
		code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 \
		    "$URL/readyz" 2>/dev/null) || true
		printf '%-9s %s\n' readyz "${code:-no answer}"
	fi
	printf '%-9s %s\n' state "$VAR"
	return "$all"
}

on_signal() {
	trap - INT TERM
	if [[ -n ${TAIL_PID:-} ]]; then
		kill "$TAIL_PID" 2>/dev/null || true
	fi
	printf '\n' >&2
	cmd_down
	exit 0
}

cmd_run() {
	local token name="" id="" input='{}' f

	cmd_up
	token=$("$BIN/wfmctl" -c "$CONF" token --sub "$DEMO_USER" \
	    --roles "$DEMO_ROLES" --ttl 86400 2>>"$CTL_LOG") ||
	    die "wfmctl token failed (log: $CTL_LOG)"
	token=$(printf '%s' "$token" | tr -d '[:space:]')
	if [[ -s $IDS ]]; then
		IFS=$'\t' read -r name id <"$IDS"
		f=$EXAMPLES_DIR/inputs/$name.json
		if [[ -r $f ]]; then
			input=$(tr -s '\n\t' '  ' <"$f")
			input=${input//\'/\'\\\'\'}
		fi
	fi
	cat <<EOF

wfm is running at $URL/

The web console, signed in as $DEMO_USER (the token is in the fragment,
which the browser never sends; the page moves it out of the address bar):
http://127.0.0.1:$PORT/console/#token=$token

Development token (user $DEMO_USER, roles $DEMO_ROLES, valid 24 h):
$token

EOF
	if [[ -n $id ]]; then
		printf 'Execute the example template "%s":\n\n' "$name"
	else
		printf 'No example template under %s: put a template id in:\n\n' \
		    "$EXAMPLES_DIR"
		id='<template-id>'
	fi
	cat <<EOF
curl -sS -X POST '$URL/workflow-management/execute' \\
  -H 'Authorization: Bearer $token' \\
  -H 'Content-Type: application/json' \\
  -d '{"template_id": "$id", "input_data": $input}'

Then: curl -sS -H 'Authorization: Bearer $token' \\
  '$URL/workflow-management/executions/<execution_id>'

Logs follow ($WFM_LOG, $NGX_ERR). Ctrl-C stops the stack.

EOF
	trap on_signal INT TERM
	tail -n 0 -F "$WFM_LOG" "$NGX_ERR" &
	TAIL_PID=$!
	wait "$TAIL_PID" || true
	on_signal
}

# The fault tests stop and start MariaDB alone under a running stack.
cmd_db_stop() {
	lock
	stop_one MariaDB "$MY_PID" "$MARIADBD"
	unlock
}

cmd_db_start() {
	[[ -d $MY_DATA/mysql && -r $MY_CNF ]] ||
	    die "no MariaDB set up under $MY_DIR: run \`up\` first"
	lock
	db_start
	unlock
}

# Sourced (tests/cluster/): the settings and functions only.
[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

[[ $# -eq 1 ]] || usage
cd "$ROOT"
case $1 in
up)	cmd_up ;;
down)	cmd_down ;;
run)	cmd_run ;;
status)	cmd_status ;;
db-stop)	cmd_db_stop ;;
db-start)	cmd_db_start ;;
*)	usage ;;
esac
