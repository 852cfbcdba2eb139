# Shell functions shared by tests/cluster/*.sh; sourced after
# deploy/local/stack.sh (uses its spawn, stop_one, running_pid, log, die,
# VAR, BIN, CONF, MY_DIR, MY_CNF, MARIADBD, DB_ADMIN, DBNAME, FCGI_SOCK,
# NGX_SERVER, NGX_CONF, NGX_PID, NGINX). The caller sets passed=0 failed=0.
# shellcheck shell=bash

check() {	# condition (eval'd), what: one "ok"/"not ok" line
	if eval "$1"; then
		printf 'ok - %s\n' "$2"
		passed=$((passed + 1))
	else
		printf 'not ok - %s\n' "$2"
		failed=$((failed + 1))
	fi
}

wait_for() {	# seconds, condition
	local end=$((SECONDS + $1))

	until eval "$2"; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

# The supervisor a master spawned (its child running wfm-supervisor).
sup_of() {
	local master=$1 d

	for d in /proc/[0-9]*; do
		[[ $(readlink "$d/exe" 2>/dev/null) == "$BIN/wfm-supervisor" ]] ||
		    continue
		read -r _ _ _ ppid _ <"$d/stat" 2>/dev/null || continue
		[[ $ppid == "$master" ]] && { echo "${d#/proc/}"; return 0; }
	done
	return 1
}

# nginx: the stack's server block with fastcgi_pass to an upstream of the
# given FastCGI sockets (http context: the server file is included there),
# written to $1 and loaded.
upstream_install() {	# file socket...
	local file=$1 s

	shift
	{
		printf 'upstream wfm_hosts {\n'
		for s in "$@"; do printf '\tserver unix:%s;\n' "$s"; done
		printf '}\n'
		sed "s|fastcgi_pass unix:$FCGI_SOCK;|fastcgi_pass wfm_hosts;|" \
		    "$NGX_SERVER"
	} >"$file"
	grep -q 'fastcgi_pass wfm_hosts;' "$file" || die "no fastcgi_pass to replace"
	sed -i "s|include $NGX_SERVER;|include $file;|" "$NGX_CONF"
	nginx_cmd -t -q || die "nginx -t failed"
	kill -HUP "$(running_pid "$NGX_PID" "$NGINX")"
}

# "load: P passed, F failed" of load.py's output file into passed/failed;
# sets lfail.
load_counts() {
	local lp lpass

	lp=$(sed -n 's/^load: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$1")
	read -r lpass lfail <<<"${lp:-0 1}"
	passed=$((passed + lpass))
	failed=$((failed + lfail))
}

# ---- Galera on loopback ----------------------------------------------------
# Node i listens on WFM_HTTP_PORT + i (SQL), + 10 + i (gcomm), + 20 + i
# (IST), + 30 + i (SST). Node 1 is the stack's MariaDB.
GALERA=/usr/lib/galera/libgalera_smm.so

sqlport() { echo $((WFM_HTTP_PORT + $1)); }
gport() { echo $((WFM_HTTP_PORT + 10 + $1)); }
ndir() { if (($1 == 1)); then echo "$MY_DIR"; else echo "$VAR/g$1"; fi; }
ncnf() { echo "$(ndir "$1")/my.cnf"; }
nsock() { echo "$(ndir "$1")/mysqld.sock"; }
npid() { echo "$(ndir "$1")/mariadbd.pid"; }
nlog() { echo "$(ndir "$1")/error.log"; }
nsql() {
	mariadb --no-defaults --socket="$(nsock "$1")" --user="$DB_ADMIN" \
	    --batch --skip-column-names
}
status_of() { nsql "$1" <<<"SHOW STATUS LIKE '$2'" 2>/dev/null | cut -f2; }

# The Galera part of node i's my.cnf (appended after its [mysqld] lines).
galera_cnf() {
	local i=$1 d addr

	d=$(ndir "$i")
	addr="gcomm://127.0.0.1:$(gport 1),127.0.0.1:$(gport 2),127.0.0.1:$(gport 3)"
	cat <<EOF
port = $(sqlport "$i")
bind-address = 127.0.0.1
binlog_format = ROW
innodb_autoinc_lock_mode = 2
default_storage_engine = InnoDB
wsrep_on = ON
wsrep_provider = $GALERA
wsrep_cluster_name = wfm-galera-test
wsrep_cluster_address = $addr
wsrep_node_name = g$i
wsrep_node_address = 127.0.0.1:$(gport "$i")
wsrep_sst_receive_address = 127.0.0.1:$((WFM_HTTP_PORT + 30 + i))
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(gport "$i");ist.recv_addr=127.0.0.1:$((WFM_HTTP_PORT + 20 + i));gcache.size=64M"
wsrep_sst_method = mariabackup
wsrep_sst_auth = $DB_ADMIN:

[sst]
sst-log-archive-dir = $d/sst-logs
EOF
}

# Node 1 is the stack's MariaDB: its my.cnf with TCP and Galera, and
# --wsrep-new-cluster (as an option of the file) until the cluster is up
# (the stack's write_my_cnf wrapped, by galera_up only).
galera_my_cnf() {
	eval "stack_$(declare -f write_my_cnf)"
	write_my_cnf() {
		stack_write_my_cnf
		sed -i -e '/^skip-networking$/d' -e '/^thread_handling/d' \
		    -e 's/^innodb_buffer_pool_size = .*/innodb_buffer_pool_size = 64M/' "$MY_CNF"
		{ galera_cnf 1; } >>"$MY_CNF"
		# [sst] came last: the bootstrap flag goes to [mysqld], before it.
		sed -i "s|^wsrep_on = ON$|wsrep_on = ON\nwsrep-new-cluster|" "$MY_CNF"
		mkdir -p "$MY_DIR/sst-logs"
	}
}

node_setup() {	# i: a joiner's directory and my.cnf (empty datadir: SST)
	local i=$1 d user_line=""

	d=$(ndir "$i")
	((EUID == 0)) && user_line="user = root"
	mkdir -p "$d/data" "$d/tmp" "$d/sst-logs"
	chmod 700 "$d"
	{
		cat <<EOF
[mysqld]
datadir = $d/data
socket = $(nsock "$i")
pid-file = $(npid "$i")
log-error = $(nlog "$i")
tmpdir = $d/tmp
$user_line
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
innodb_buffer_pool_size = 64M
max_connections = 300
EOF
		galera_cnf "$i"
	} >"$(ncnf "$i")"
}

node_start() {	# i [extra mariadbd options]: wait until Synced
	local i=$1

	shift
	rm -f "$(nsock "$i")"
	spawn "$(npid "$i")" "$(nlog "$i")" "$MARIADBD" \
	    --defaults-file="$(ncnf "$i")" "$@"
	disown
	wait_for 180 "[[ \$(status_of $i wsrep_local_state_comment) == Synced ]]" ||
	    { tail -n 30 "$(nlog "$i")" >&2; die "node $i did not sync"; }
}

# The stack with node 1 bootstrapping, wfm's TCP account, nodes 2 and 3
# joined one at a time; the stack's own wfm-fcgi (socket, node 1) is
# stopped: the hosts are started by the caller.
galera_up() {
	local i ts t0=$SECONDS pw

	[[ -r $GALERA ]] || die "$GALERA missing: install galera-4 (deploy/local/deps.sh)"
	command -v mariabackup >/dev/null || die "mariabackup missing: install mariadb-backup"
	galera_my_cnf
	WFM_SUPERVISOR_HOST_ID=h0 cmd_up
	disown -a	# node 1 may be killed on purpose: no job notice
	stop_one wfm-fcgi "$FCGI_PID" "$BIN/wfm-fcgi"
	sed -i '/^wsrep-new-cluster$/d' "$MY_CNF"	# a restart joins
	check '[[ $(status_of 1 wsrep_cluster_status) == Primary ]]' \
	    "node 1 bootstrapped a primary component"
	# wfm over TCP: the same account for 127.0.0.1 (DDL replicates by TOI).
	pw=$(<"$DB_PASSWORD")
	nsql 1 <<EOF || die "cannot create the TCP account"
CREATE USER IF NOT EXISTS 'wfm'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$DBNAME\`.* TO 'wfm'@'127.0.0.1';
EOF
	for i in 2 3; do
		node_setup "$i"
		ts=$SECONDS
		node_start "$i"
		log "node $i joined in $((SECONDS - ts)) s"
	done
	check '[[ $(status_of 1 wsrep_cluster_size) == 3 ]]' "the cluster has 3 nodes"
	check '[[ $(nsql 3 <<<"SELECT COUNT(*) FROM $DBNAME.schema_migrations") -gt 0 ]]' \
	    "node 3 holds the schema (state transfer)"
	check '[[ -n $(ls "$(ndir 1)/sst-logs" "$(ndir 2)/sst-logs") ]]' \
	    "SST logs kept in the nodes' directories"
	log "cluster up in $((SECONDS - t0)) s (with the stack)"
}

# A host i of the Galera tests: wfm-fcgi (and the supervisor it spawns,
# host_id h<i>) with its own config, sockets and lock file under
# $VAR/h<i>, connected to the nodes listed (writer first).
ghrun() { echo "$VAR/h$1/run"; }
ghpid() { echo "$(ghrun "$1")/wfm-fcgi.pid"; }
ghsock() { echo "$(ghrun "$1")/wfm-fcgi.sock"; }
ghlog() { echo "$VAR/h$1/wfm.log"; }
ghost_start() {	# i nodes
	local i=$1 nodes=$2 d=$VAR/h$1

	mkdir -p "$d/run"
	sed -e "s|^listen = .*|listen = $d/run/wfm-fcgi.sock|" \
	    -e "s|^lock_file = .*|lock_file = $d/run/supervisor.lock|" \
	    -e "s|^nudge_socket = .*|nudge_socket = $d/run/supervisor.nudge|" \
	    -e "s|^socket = .*|host = $nodes|" \
	    "$CONF" >"$d/wfm.conf"
	rm -f "$d/run/wfm-fcgi.sock" "$d/run/supervisor.nudge"
	WFM_SUPERVISOR_HOST_ID=h$i spawn "$(ghpid "$i")" "$(ghlog "$i")" \
	    "$BIN/wfm-fcgi" -c "$d/wfm.conf"
	disown
}

# CPU time (user + system, seconds) of a running process.
cpu_of() {
	local f

	f=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	f=${f##*) }
	awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / t }' <<<"$f"
}
