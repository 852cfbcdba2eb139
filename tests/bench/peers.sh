# Sourced by tests/bench/run.sh: the peers of `make bench`, the programs a
# user would pick instead of wfm for the same endpoint (PHP-FPM + PDO,
# FastAPI + uvicorn + MySQLdb, a naive C libfcgi responder). They are not
# in this repository: they are taken as they are from $PEERS
# (WFM_BENCH_PEERS, default tests/bench/peers, a copy of ../shared/bench-peers),
# built and run from there with every file they write under $VAR, behind
# the ceiling nginx and against the stack's MariaDB (database `bench` of
# their schema.sql). Only paths, database names and ports are adapted.
# A peer whose files, programs or packages are missing, or that does not
# answer 202 to one execute, is reported "not measured: REASON" and the
# run goes on. Not meant to run alone.
# shellcheck shell=bash disable=SC2154,SC2034 # settings, helpers, F: run.sh

PEER_NAMES=(php fastapi naive_c)
declare -A PEER_LABEL=([php]="PHP-FPM" [fastapi]="FastAPI" [naive_c]="naive C")
declare -A PEER_PORT=([php]=$PHP_PORT [fastapi]=$FASTAPI_PORT
    [naive_c]=$NAIVE_PORT)
declare -A PEER_OK=()		# peer -> 1 when it runs and answered 202
PEER_DIR=$VAR/peers
PHP_FPM=/usr/sbin/php-fpm8.2
UVICORN=/usr/bin/uvicorn
PEER_TID=b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d	# schema.sql's template

peer_skip() {
	F[$1.status]="not measured: $2"
	log "${PEER_LABEL[$1]}: not measured: $2"
}

# pid of a peer's master if it still runs the program recorded at start.
peer_pid() {
	local f=$PEER_DIR/$1.pid

	[[ -r $f && -r $PEER_DIR/$1.exe ]] || return 1
	pid_of "$f" "$(<"$PEER_DIR/$1.exe")"
}

# Record the pid file and program of a peer's master.
peer_record() {
	local name=$1 pid=$2 exe

	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	# env or setsid still, or a shell: not the peer's master.
	case ${exe##*/} in
	env|setsid|bash|sh)	return 1 ;;
	esac
	printf '%s\n' "$pid" >"$PEER_DIR/$name.pid"
	printf '%s\n' "${exe% (deleted)}" >"$PEER_DIR/$name.exe"
}

# shellcheck disable=SC2317 # called by cleanup
peers_stop() {
	local p pid

	for p in "${PEER_NAMES[@]}"; do
		pid=$(peer_pid "$p") && stop_pid "$pid" 10
	done
	return 0
}

# Wait up to 10 s for a unix socket; 1 if it did not appear.
wait_sock() {
	local i

	for ((i = 0; i < 100; i++)); do
		[[ -S $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

# Packages of "$@" that are not installed (deploy/local/deps.sh --bench).
peer_missing_pkgs() {
	local installed

	installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" \
	    2>/dev/null | awk '$NF == "installed" { print $1 }') || true
	printf '%s\n' "$@" | grep -vxF -f <(printf '%s\n' "$installed") |
	    tr '\n' ' ' || true
}

# The peers' environment (execute.php, app.py and hello.c read these),
# as a command prefix: `"${PEER_ENV[@]}" setsid PROGRAM ... &` is a simple
# command, so $! is the pid of PROGRAM itself (env and setsid exec it).
peer_env_set() {
	PEER_ENV=(env JWT_SECRET="$PEER_SECRET" DB_SOCK="$MY_SOCK"
	    DB_USER=bench DB_PASS=benchpw DB_NAME=bench)
}

peer_start_php() {
	local miss pid

	miss=$(peer_missing_pkgs php8.2-fpm php8.2-mysql)
	[[ -z $miss ]] || {
		peer_skip php "Debian packages missing: ${miss% } (bash deploy/local/deps.sh --bench)"
		return 1
	}
	[[ -r $PEERS/php/execute.php && -r $PEERS/php/php-fpm.conf.in ]] || {
		peer_skip php "$PEERS/php/execute.php or php-fpm.conf.in is missing"
		return 1
	}
	# The pool file as it is, its placeholders filled in: every path
	# under $VAR (the socket, pid and log in run/ and log/ of the stack).
	sed -e "s|@VAR@|$VAR|g" -e "s|@PHP_CHILDREN@|$PEER_PROCS|g" \
	    "$PEERS/php/php-fpm.conf.in" >"$PEER_DIR/php-fpm.conf"
	rm -f "$VAR/run/php-fpm.sock"
	"${PEER_ENV[@]}" setsid "$PHP_FPM" -R -F -y "$PEER_DIR/php-fpm.conf" \
	    </dev/null >>"$PEER_DIR/php.log" 2>&1 &
	pid=$!
	if ! wait_sock "$VAR/run/php-fpm.sock" || ! peer_record php "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		peer_skip php "php-fpm did not start (see $PEER_DIR/php.log)"
		return 1
	fi
}

peer_start_fastapi() {
	local miss pid

	miss=$(peer_missing_pkgs python3-fastapi uvicorn python3-mysqldb \
	    python3-jwt)
	[[ -z $miss ]] || {
		peer_skip fastapi "Debian packages missing: ${miss% } (bash deploy/local/deps.sh --bench)"
		return 1
	}
	[[ -r $PEERS/fastapi/app.py ]] || {
		peer_skip fastapi "$PEERS/fastapi/app.py is missing"
		return 1
	}
	# Byte code goes to $VAR, not next to app.py.
	rm -f "$VAR/run/uvicorn.sock"
	"${PEER_ENV[@]}" PYTHONPYCACHEPREFIX="$PEER_DIR/pycache" setsid \
	    "$UVICORN" --app-dir "$PEERS/fastapi" app:app --uds "$VAR/run/uvicorn.sock" \
	    --workers 2 </dev/null >>"$PEER_DIR/fastapi.log" 2>&1 &
	pid=$!
	if ! wait_sock "$VAR/run/uvicorn.sock" || ! peer_record fastapi "$pid"
	then
		kill -TERM "$pid" 2>/dev/null
		peer_skip fastapi "uvicorn did not start (see $PEER_DIR/fastapi.log)"
		return 1
	fi
}

peer_start_naive_c() {
	local pid

	[[ -r $PEERS/hello.c ]] || {
		peer_skip naive_c "$PEERS/hello.c is missing"
		return 1
	}
	# shellcheck disable=SC2046 # pkg-config output is a list of words
	if ! "$CC" -O2 -DLEVEL=2 $(pkg-config --cflags fcgi json-c libjwt uuid \
	    libmariadb) -o "$PEER_DIR/hello_d" "$PEERS/hello.c" \
	    $(pkg-config --libs fcgi json-c libjwt uuid libmariadb) \
	    >>"$PEER_DIR/naive_c.log" 2>&1; then
		peer_skip naive_c "hello.c does not build (see $PEER_DIR/naive_c.log)"
		return 1
	fi
	"${PEER_ENV[@]}" setsid "$PEER_DIR/hello_d" "$VAR/run/naive_c.sock" \
	    "$PEER_PROCS" </dev/null >>"$PEER_DIR/naive_c.log" 2>&1 &
	pid=$!
	if ! wait_sock "$VAR/run/naive_c.sock" || ! peer_record naive_c "$pid"
	then
		kill -TERM "$pid" 2>/dev/null
		peer_skip naive_c "hello_d did not start (see $PEER_DIR/naive_c.log)"
		return 1
	fi
}

# Create the peers' database and start every peer that can run. Needs
# the stack's MariaDB, PEER_SECRET and ONE_TOKEN.
peers_start() {
	local p

	mkdir -p "$PEER_DIR"
	peer_env_set
	if [[ ! -d $PEERS ]]; then
		for p in "${PEER_NAMES[@]}"; do
			peer_skip "$p" "$PEERS does not exist (WFM_BENCH_PEERS)"
		done
		return 0
	fi
	if [[ ! -r $PEERS/schema.sql ]]; then
		for p in "${PEER_NAMES[@]}"; do
			peer_skip "$p" "$PEERS/schema.sql is missing"
		done
		return 0
	fi
	if ! mariadb --no-defaults --socket="$MY_SOCK" --user="$(id -un)" \
	    <"$PEERS/schema.sql" >>"$PEER_DIR/schema.log" 2>&1; then
		for p in "${PEER_NAMES[@]}"; do
			peer_skip "$p" "schema.sql failed (see $PEER_DIR/schema.log)"
		done
		return 0
	fi
	for p in "${PEER_NAMES[@]}"; do
		"peer_start_$p" && PEER_OK[$p]=1
	done
	return 0
}

# nginx server blocks for the peers that run (appended to the ceiling's
# http block): the FastCGI ones with the location settings of
# deploy/nginx/wfm.conf, FastAPI with proxy_pass and keepalive.
peer_server() {
	printf '\tserver {\n\t\tlisten 127.0.0.1:%s;\n' "$1"
	printf '\t\tserver_tokens off;\n\t\tclient_max_body_size 1m;\n'
	printf '\t\tclient_body_buffer_size 128k;\n'
	printf '\t\tlarge_client_header_buffers 4 16k;\n\t\tlocation / {\n'
}
peers_nginx() {
	local fcgi="include fastcgi_params;
			fastcgi_param HTTP_PROXY \"\";
			fastcgi_keep_conn off;
			fastcgi_connect_timeout 5s;
			fastcgi_buffer_size 16k;
			fastcgi_buffers 16 16k;"

	if [[ -n ${PEER_OK[php]:-} ]]; then
		peer_server "$PHP_PORT"
		printf '\t\t\t%s\n' "$fcgi"
		printf '\t\t\tfastcgi_param SCRIPT_FILENAME %s;\n' \
		    "$PEERS/php/execute.php"
		printf '\t\t\tfastcgi_pass unix:%s;\n\t\t}\n\t}\n' \
		    "$VAR/run/php-fpm.sock"
	fi
	if [[ -n ${PEER_OK[fastapi]:-} ]]; then
		printf '\tupstream bench_fastapi {\n\t\tserver unix:%s;\n' \
		    "$VAR/run/uvicorn.sock"
		printf '\t\tkeepalive %s;\n\t}\n' "$CONNS"
		peer_server "$FASTAPI_PORT"
		printf '\t\t\tproxy_pass http://bench_fastapi;\n'
		printf '\t\t\tproxy_http_version 1.1;\n'
		printf '\t\t\tproxy_set_header Connection "";\n'
		printf "\t\t\tproxy_set_header Host \$host;\n\t\t}\n\t}\n"
	fi
	if [[ -n ${PEER_OK[naive_c]:-} ]]; then
		peer_server "$NAIVE_PORT"
		printf '\t\t\t%s\n' "$fcgi"
		printf '\t\t\tfastcgi_pass unix:%s;\n\t\t}\n\t}\n' \
		    "$VAR/run/naive_c.sock"
	fi
}

# One execute through nginx to each peer that runs: 202 or skipped. A
# 502 is retried for up to 10 s: uvicorn binds its socket before its
# workers accept.
peers_probe() {
	local p code i

	for p in "${PEER_NAMES[@]}"; do
		[[ -n ${PEER_OK[$p]:-} ]] || continue
		for ((i = 0; i < 50; i++)); do
			code=$(curl -sS -o "$PEER_DIR/$p.probe" \
			    -w '%{http_code}' --max-time 10 -X POST \
			    "http://127.0.0.1:${PEER_PORT[$p]}$EXEC_PATH" \
			    -H "Authorization: Bearer $ONE_TOKEN" \
			    -H 'Content-Type: application/json' \
			    -d "{\"template_id\": \"$PEER_TID\",
			    \"execution_name\": \"probe-$p-$i\",
			    \"input_data\": {\"n\": 1}}" 2>>"$LOG") || true
			[[ $code == 502 ]] || break
			sleep 0.2
		done
		if [[ $code == 202 ]]; then
			F[$p.status]=measured
		else
			unset "PEER_OK[$p]"
			peer_skip "$p" "one execute answered '$code', not 202 (see $PEER_DIR/$p.probe and $p.log)"
		fi
	done
}

# Largest VmHWM (KiB) of a peer's processes (the master's children, or
# the master when it has none).
peer_rss() {
	local pid kids

	pid=$(peer_pid "$1") || { echo null; return; }
	kids=$(children_of "$pid")
	# shellcheck disable=SC2086 # a list of pids
	hwm ${kids:-$pid}
}
