#!/usr/bin/env bash
#
# The web-server recipes, run for real: the same list of requests through
#   nginx            deploy/nginx/wfm.conf (the stack of deploy/local)
#   Apache proxy     deploy/apache/wfm-proxy-fcgi.conf, to the same socket
#   Apache fcgid     deploy/apache/wfm-fcgid.conf + htaccess + wfm.fcgi
#                    (Apache starts wfm-fcgi itself, socket on fd 0)
#   Apache CGI       deploy/apache/wfm-cgi.conf (one process per request)
# and every response (status, headers, body) must be the same as nginx's
# once the volatile parts are normalised: ids, times, the per-server user
# name, X-Request-Id values, Date, Server, Connection, Keep-Alive and the
# framing (Content-Length or chunked: the body itself is compared byte for
# byte). Then: the Authorization pass-through line is needed, web-server
# errors (413 chunked, 502/503, 504) come in the JSON shape, plain CGI from
# a bare CGI environment, and socket activation (LISTEN_FDS) through
# systemd-socket-activate.
#
# Usage: tests/deploy/apache.sh [BUILD_DIR]   (see lib.sh for ports)
# Prints one line per check and "N passed, M failed"; exits 1 on failure.

PROG=apache
# shellcheck source=tests/deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T=$VAR/deploy-apache

# Also the wfm-fcgi processes mod_fcgid started, should Apache not have
# stopped them.
cleanup_all() {
	local p

	cleanup
	for p in $(fcgi_pids_with_config "$T/home/wfm.conf"); do
		stop_pid "$p"
	done
}
trap cleanup_all EXIT
trap 'exit 1' INT TERM

for p in apache2 curl; do
	command -v "$p" >/dev/null || give_up "$p is installed (make deps)"
done
for m in proxy proxy_fcgi fcgid cgid rewrite env; do
	[[ -r $MODULES/mod_$m.so ]] ||
	    give_up "$MODULES/mod_$m.so is installed (make deps)"
done

stack_fresh
mkdir -p "$T"
APUSER=$(apache_user)
APGROUP=$(id -gn "$APUSER")

# ---- what the Apache user needs -------------------------------------------

# Production gives the web server the socket's group (deploy/systemd); here
# the stack runs as us, so when the Apache children are another user (we
# are root) they get the group of the socket and a way to the database
# socket, and the wfm-fcgi that mod_fcgid and mod_cgid start as that user
# gets its own readable copy of the secret files, as on a shared host.
grant_apache() {
	if ((EUID == 0)); then
		chgrp "$APGROUP" "$FCGI_SOCK"
		chmod 0711 "$VAR/mysql"
	fi
	# The configuration of the wfm-fcgi that Apache starts: the stack's,
	# with [fcgi] listen empty, no supervisor and its own secrets copy.
	mkdir -p "$T/home"
	cp "$VAR/jwt_secret" "$VAR/db_password" "$T/home/"
	sed -e "s|^jwt_secret_file = .*|jwt_secret_file = $T/home/jwt_secret|" \
	    -e "s|^password_file = .*|password_file = $T/home/db_password|" \
	    -e 's|^listen = .*|listen =|' \
	    -e 's|^spawn = .*|spawn = false|' \
	    -e 's|^max_body_bytes = .*|&\nmax_active_executions_per_user = 3|' \
	    "$CONF" >"$T/home/wfm.conf"
	chmod 0644 "$T/home/wfm.conf"
	chmod 0600 "$T/home/jwt_secret" "$T/home/db_password"
	((EUID == 0)) && chown "$APUSER" "$T/home/jwt_secret" \
	    "$T/home/db_password"
	return 0
}

# The shared error pages: wfm-errors.conf with its placeholder replaced.
make_inc() {
	mkdir -p "$T/inc"
	sed -e "s|/usr/share/wfm/nginx-errors|$ROOT/deploy/nginx/errors|g" \
	    deploy/apache/wfm-errors.conf >"$T/inc/wfm-errors.conf"
}

# site_proxy DIR PORT SOCKET: the proxy_fcgi recipe with its placeholders.
site_proxy() {
	sed -e "s|127\.0\.0\.1:8080|127.0.0.1:$2|g" \
	    -e "s|/run/wfm/wfm-fcgi\.sock|$3|g" \
	    -e "s|/usr/share/wfm/apache|$T/inc|g" \
	    -e "s|/usr/share/wfm/console|$ROOT/console|g" \
	    deploy/apache/wfm-proxy-fcgi.conf >"$1/site.conf"
	grep -qF "unix:$3|fcgi://" "$1/site.conf" ||
	    { log "wfm-proxy-fcgi.conf lost its socket placeholder"; exit 1; }
}

setup_proxy() {
	apache_conf "$T/proxy" "$AP1_PORT" proxy proxy_fcgi setenvif
	site_proxy "$T/proxy" "$AP1_PORT" "$FCGI_SOCK"
}

setup_fcgid() {
	local d=$T/fcgid doc=$T/fcgid/docroot

	apache_conf "$d" "$AP2_PORT" fcgid rewrite setenvif env
	mkdir -p "$doc/_wfm_errors" "$d/ipc"
	cp deploy/apache/htaccess "$doc/.htaccess"
	cp deploy/nginx/errors/*.json "$doc/_wfm_errors/"
	cp -R console "$doc/console"
	sed -e "s|/home/USER/wfm/wfm\.conf|$T/home/wfm.conf|" \
	    -e "s|/home/USER/wfm/bin|$BIN|" deploy/apache/wfm.fcgi \
	    >"$doc/wfm.fcgi"
	chmod 0755 "$doc/wfm.fcgi"
	((EUID == 0)) && chown "$APUSER" "$d/ipc"
	printf 'FcgidIPCDir %s/ipc\nFcgidProcessTableFile %s/run/fcgid_shm\n' \
	    "$d" "$d" >>"$d/httpd.conf"
	sed -e "s|127\.0\.0\.1:8080|127.0.0.1:$AP2_PORT|g" \
	    -e "s|/var/www/wfm|$doc|g" deploy/apache/wfm-fcgid.conf \
	    >"$d/site.conf"
}

setup_cgi() {
	local d=$T/cgi

	apache_conf "$d" "$AP2_PORT" cgid env
	printf 'ScriptSock %s/run/cgid.sock\n' "$d" >>"$d/httpd.conf"
	sed -e "s|127\.0\.0\.1:8080|127.0.0.1:$AP2_PORT|g" \
	    -e "s|/usr/local/bin/wfm-fcgi|$BIN/wfm-fcgi|g" \
	    -e "s|/etc/wfm/wfm\.conf|$T/home/wfm.conf|g" \
	    -e "s|/usr/share/wfm/apache|$T/inc|g" \
	    deploy/apache/wfm-cgi.conf >"$d/site.conf"
}

# nginx_private PORT READ_TIMEOUT: deploy/nginx/wfm.conf on PORT, to the
# stack's socket, with fastcgi_read_timeout READ_TIMEOUT, in $T/nginx.
nginx_private() {
	local d=$T/nginx user_line="" i

	mkdir -p "$d/tmp"
	((EUID == 0)) && user_line="user root;"
	sed -e "s|127\.0\.0\.1:8080|127.0.0.1:$1|g" \
	    -e "s|/run/wfm/wfm-fcgi\.sock|$FCGI_SOCK|g" \
	    -e "s|/usr/share/wfm/nginx-errors|$ROOT/deploy/nginx/errors|g" \
	    -e "s|fastcgi_read_timeout 60s;|fastcgi_read_timeout $2;|" \
	    deploy/nginx/wfm.conf >"$d/server.conf"
	grep -q "fastcgi_read_timeout $2;" "$d/server.conf" || return 1
	cp /etc/nginx/fastcgi_params "$d/"
	cat >"$d/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $d/tmp/body;
	fastcgi_temp_path $d/tmp/fastcgi;
	proxy_temp_path $d/tmp/proxy;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	include $d/server.conf;
}
EOF
	rm -f "$d/nginx.pid"
	/usr/sbin/nginx -p "$d/" -c "$d/nginx.conf" -e "$d/error.log" \
	    </dev/null >/dev/null 2>&1 || return 1
	for ((i = 0; i < 50; i++)); do
		[[ -s $d/nginx.pid ]] && break
		sleep 0.1
	done
	[[ -s $d/nginx.pid ]] || return 1
	STOP_PIDS+=("$(cat "$d/nginx.pid")")
	wait_http "http://127.0.0.1:$1/"
}

# ---- requests and their normal form -----------------------------------------

BIG=$T/body-over-limit.json	# 1 MiB + 1 byte
MID=$T/body-600k.json		# well under the limit, over mod_fcgid's 128 KiB
LONGAUTH=""			# an Authorization value of 9000 bytes
HUGEHDR=""			# a header line of 20000 bytes

make_bodies() {
	local pad

	{ printf '{"template_id": "x", "input_data": {"pad": "'
	  head -c 1048576 /dev/zero | tr '\0' a
	  printf '"}}'; } >"$BIG"
	pad=$(head -c 600000 /dev/zero | tr '\0' b)
	printf '{"template_id": "no-such-template", "input_data": {"pad": "%s"}}' \
	    "$pad" >"$MID"
	LONGAUTH="Authorization: Bearer $(head -c 9000 /dev/zero | tr '\0' c)"
	HUGEHDR="X-Padding: $(head -c 20000 /dev/zero | tr '\0' d)"
}

# The last header block of a curl -D dump (after any 100 Continue), as
# "status N" and sorted "name: value" lines without the volatile headers.
norm_head() {
	tr -d '\r' | awk '
	/^HTTP\// { n = 0; status = $2; next }
	/^$/ { next }
	{ h[++n] = $0 }
	END {
		print "status " status
		for (i = 1; i <= n; i++) {
			split(h[i], kv, ":")
			name = tolower(kv[1])
			if (name ~ /^(date|server|connection|keep-alive|transfer-encoding|content-length)$/)
				continue
			v = substr(h[i], length(kv[1]) + 2)
			sub(/^[ \t]+/, "", v)
			if (name == "x-request-id")
				v = "<request-id>"
			print name ": " v
		}
	}' | { read -r first; printf '%s\n' "$first"; sort; }
}

# Ids, times, generated names, durations, cursors and the user name.
norm_text() {
	LC_ALL=C sed -E \
	    -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
	    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z/<time>/g' \
	    -e 's/-[0-9]{8}-[0-9]{6}-[0-9a-f]{8}/-<stamp>/g' \
	    -e 's/"(duration|total_duration)":[0-9.eE+-]+/"\1":<n>/g' \
	    -e 's/"next_cursor":"[^"]*"/"next_cursor":"<cursor>"/g' \
	    -e 's/dpl-[a-z0-9]+/<user>/g'
}

# A response in normal form, on stdout. $1: label; $2: header dump; $3: body.
norm_response() {
	printf '== %s\n' "$1"
	norm_head <"$2" | norm_text
	if [[ $1 == metrics ]]; then
		# Counters differ between runs: the metric families must not.
		grep '^# TYPE' "$3" | sort
	else
		norm_text <"$3"
		printf '\n'
	fi
}

SERVER=""	# label of the server being asked
BASE=""		# its URL up to and without /api/v1
OUT=""		# its transcript
LAST_STATUS=""
LAST_LOCATION=""

# req LABEL WANT METHOD PATH [curl args...]: PATH is under /api/v1 unless
# it starts with //. Checks the status against WANT on every server and
# appends the normal form to the transcript.
req() {
	local label=$1 want=$2 method=$3 path=$4 url h=$T/h b=$T/b

	shift 4
	case $path in
	//*)	url=$BASE${path#/} ;;
	*)	url=$BASE/api/v1$path ;;
	esac
	: >"$h"
	: >"$b"
	if ! curl -sS --max-time 40 -o "$b" -D "$h" -X "$method" "$@" \
	    "$url" 2>"$T/curl.err"; then
		LAST_STATUS=curl-error
		fail "$SERVER: $label: $method $path" "$(cat "$T/curl.err")"
		printf '== %s\ncurl error\n' "$label" >>"$OUT"
		return 1
	fi
	LAST_STATUS=$(tr -d '\r' <"$h" | awk '/^HTTP\// { s = $2 } END { print s }')
	LAST_LOCATION=$(tr -d '\r' <"$h" | awk 'tolower($1) == "location:" { print $2 }' | tail -n 1)
	norm_response "$label" "$h" "$b" >>"$OUT"
	if [[ $LAST_STATUS == "$want" ]]; then
		pass "$SERVER: $label: $want"
	else
		fail "$SERVER: $label: expected $want, got $LAST_STATUS" \
		    "$(head -c 300 "$b")"
	fi
}

# The list of requests; $1 is the server label, $2 its base URL.
run_list() {
	local user tok tokr tid did eid i loc
	local json=(-H 'Content-Type: application/json')

	SERVER=$1
	BASE=$2
	OUT=$T/transcript.$1
	: >"$OUT"
	user=dpl-$1
	tok=$(token "$user" workflow:execute,workflow:read,template:write)
	tokr=$(token "$user" workflow:read)
	local auth=(-H "Authorization: Bearer $tok")

	# Operations endpoints and paths outside the API.
	req healthz 200 GET /healthz
	req readyz 200 GET /readyz
	req metrics 200 GET /metrics
	req metrics-from-127.0.0.2 403 GET /metrics --interface 127.0.0.2
	req outside-base-path 404 GET //other/page
	req base-path-without-slash 404 GET //api/v1
	req error-page-fetched-directly 404 GET //_wfm_errors/404.json
	req unknown-route 404 GET /nope
	req wrong-method 405 DELETE /workflow-management/execute

	# Authentication and roles.
	req no-token 401 GET /workflow-management/executions
	req bad-token 401 GET /workflow-management/executions \
	    -H 'Authorization: Bearer abc.def.ghi'
	req authorization-over-8k 401 GET /workflow-management/executions \
	    -H "$LONGAUTH"
	req header-over-16k 400 GET /healthz -H "$HUGEHDR"
	req missing-role 403 POST /workflow-management/execute \
	    -H "Authorization: Bearer $tokr" "${json[@]}" \
	    --data-binary '{"template_id": "x"}'

	# Bodies.
	req not-json 415 POST /workflow-management/execute "${auth[@]}" \
	    -H 'Content-Type: text/plain' --data-binary 'hello'
	req broken-json 422 POST /workflow-management/execute "${auth[@]}" \
	    "${json[@]}" --data-binary '{"template_id": '
	req body-over-1mib 413 POST /workflow-management/execute \
	    "${auth[@]}" "${json[@]}" --data-binary "@$BIG"
	req body-600k-reaches-app 404 POST /workflow-management/execute \
	    "${auth[@]}" "${json[@]}" --data-binary "@$MID"
	req unknown-template 404 POST /workflow-management/execute \
	    "${auth[@]}" "${json[@]}" --data-binary '{"template_id": "nope"}'
	req bad-query 400 GET '/workflow-management/executions?limit=0' \
	    "${auth[@]}"

	# A template and a whole execution.
	req template-create 201 POST /workflow-management/templates \
	    "${auth[@]}" "${json[@]}" --data-binary '{"name": "deploy-check",
	    "steps": [{"id": "a", "type": "transform",
	    "output": {"n": "{{ input.n * 2 }}"}}],
	    "output": {"r": "{{ steps.a.output.n }}"}}'
	tid=${LAST_LOCATION##*/}
	req template-get 200 GET "/workflow-management/templates/$tid" \
	    "${auth[@]}"
	req execute-and-wait 200 POST /workflow-management/execute \
	    "${auth[@]}" "${json[@]}" -H 'Prefer: wait=15' --data-binary \
	    "{\"template_id\": \"$tid\", \"execution_name\": \"run-1\",
	    \"input_data\": {\"n\": 21}}"
	eid=${LAST_LOCATION##*/}
	req execute-replay 200 POST /workflow-management/execute \
	    "${auth[@]}" "${json[@]}" --data-binary \
	    "{\"template_id\": \"$tid\", \"execution_name\": \"run-1\",
	    \"input_data\": {\"n\": 21.0}}"
	req execute-conflict 409 POST /workflow-management/execute \
	    "${auth[@]}" "${json[@]}" --data-binary \
	    "{\"template_id\": \"$tid\", \"execution_name\": \"run-1\",
	    \"input_data\": {\"n\": 22}}"
	req execution-get 200 GET "/workflow-management/executions/$eid" \
	    "${auth[@]}"
	req execution-list 200 GET \
	    '/workflow-management/executions?status=completed' "${auth[@]}"

	# Quota, cancel, delete.
	req delay-template-create 201 POST /workflow-management/templates \
	    "${auth[@]}" "${json[@]}" --data-binary '{"name": "deploy-wait",
	    "steps": [{"id": "w", "type": "delay", "seconds": 120}]}'
	did=${LAST_LOCATION##*/}
	local ids=()
	for i in 1 2 3; do
		req "execute-$i" 202 POST /workflow-management/execute \
		    "${auth[@]}" "${json[@]}" --data-binary \
		    "{\"template_id\": \"$did\", \"execution_name\": \"w-$i\"}"
		ids+=("${LAST_LOCATION##*/}")
	done
	req execute-over-quota 429 POST /workflow-management/execute \
	    "${auth[@]}" "${json[@]}" --data-binary \
	    "{\"template_id\": \"$did\", \"execution_name\": \"w-4\"}"
	for i in 0 1 2; do
		req "cancel-$((i + 1))" 202 POST \
		    "/workflow-management/executions/${ids[i]}/cancel" \
		    "${auth[@]}" "${json[@]}" --data-binary '{"reason": "test"}'
	done
	req cancel-again 409 POST \
	    "/workflow-management/executions/${ids[0]}/cancel" "${auth[@]}"
	req cancelled-list 200 GET \
	    '/workflow-management/executions?status=cancelled&limit=2' \
	    "${auth[@]}"
	req template-delete 204 DELETE "/workflow-management/templates/$did" \
	    "${auth[@]}"
	req template-deleted 404 GET "/workflow-management/templates/$did" \
	    "${auth[@]}"
}

# compare LABEL: the transcript of server LABEL against nginx's, one check
# per request.
compare() {
	local other=$1 label a b
	local -a labels

	mapfile -t labels < <(sed -n 's/^== //p' "$T/transcript.nginx")
	for label in "${labels[@]}"; do
		a=$(awk -v l="== $label" '$0 == l { p = 1; next }
		    /^== / { p = 0 } p' "$T/transcript.nginx")
		b=$(awk -v l="== $label" '$0 == l { p = 1; next }
		    /^== / { p = 0 } p' "$T/transcript.$other")
		if [[ $a == "$b" ]]; then
			pass "$other = nginx: $label"
		else
			fail "$other = nginx: $label" \
			    "$(diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") |
			    head -n 20)"
		fi
	done
}

# shape NAME FILE: the body is one JSON object {"detail": "<text>"}.
shape() {
	if grep -qxE '\{ ?"detail": ?"[^"]+"\}' <(tr -d '\n' <"$2"); then
		pass "$1: JSON {\"detail\": ...}"
	else
		fail "$1: JSON {\"detail\": ...}" "$(head -c 300 "$2")"
	fi
}

# post_location URL TOKEN JSON: POST it, print the Location header.
post_location() {
	curl -sS --max-time 20 -o /dev/null -D "$T/h" \
	    -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
	    --data-binary "$3" "$1" 2>/dev/null
	tr -d '\r' <"$T/h" | awk 'tolower($1) == "location:" { print $2 }'
}

# status_of URL [curl args...]: status code; body in $T/b.
status_of() {
	local url=$1

	shift
	curl -sS --max-time 40 -o "$T/b" -w '%{http_code}' "$@" "$url" \
	    2>/dev/null || true
}

# console_checks SERVER URL: the web console's files with the recipe's
# types and headers, the same through every server.
console_checks() {
	local srv=$1 url=$2 code h=$T/console.h want

	want="default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
	code=$(curl -sS --max-time 20 -o "$T/b" -D "$h" -w '%{http_code}' \
	    "$url/console/" 2>/dev/null) || true
	check "$srv: console: GET /console/" 200 "$code"
	check "$srv: console: index.html is the page" 1 \
	    "$(grep -c '<script type="module" src="js/main.js">' "$T/b")"
	check "$srv: console: CSP" "$want" "$(hdr_of "$h" content-security-policy)"
	check "$srv: console: nosniff" nosniff \
	    "$(hdr_of "$h" x-content-type-options)"
	check "$srv: console: Referrer-Policy" no-referrer \
	    "$(hdr_of "$h" referrer-policy)"
	check "$srv: console: index.html not cached" no-cache \
	    "$(hdr_of "$h" cache-control)"
	code=$(curl -sS --max-time 20 -o "$T/b" -D "$h" -w '%{http_code}' \
	    "$url/console/js/main.js" 2>/dev/null) || true
	check "$srv: console: GET js/main.js" 200 "$code"
	check "$srv: console: a module's type" "text/javascript; charset=utf-8" \
	    "$(hdr_of "$h" content-type)"
	check "$srv: console: assets cached briefly" "public, max-age=300" \
	    "$(hdr_of "$h" cache-control)"
	check "$srv: console: assets have an ETag" 1 \
	    "$([[ -n $(hdr_of "$h" etag) ]] && echo 1)"
	check "$srv: console: CSP on assets" "$want" \
	    "$(hdr_of "$h" content-security-policy)"
	code=$(curl -sS --max-time 20 -o "$T/b" -D "$h" -w '%{http_code}' \
	    "$url/console/config.json" 2>/dev/null) || true
	check "$srv: console: config.json" '200 /api/v1' \
	    "$code $(sed -n 's/.*"base_path": *"\([^"]*\)".*/\1/p' "$T/b")"
	code=$(curl -sS --max-time 20 -o /dev/null -D "$h" -w '%{http_code}' \
	    "$url/console" 2>/dev/null) || true
	check "$srv: console: /console redirects" "301 /console/" \
	    "$code $(hdr_of "$h" location | sed 's|^http://[^/]*||')"
}

# hdr_of FILE NAME: the value of header NAME in a curl -D dump.
hdr_of() {
	tr -d '\r' <"$1" | awk -v n="$2" 'BEGIN { IGNORECASE = 1 }
	    tolower($1) == n ":" { sub(/^[^:]*: */, ""); print; exit }'
}

# ---- the runs --------------------------------------------------------------

make_bodies
grant_apache
make_inc

# nginx first: the reference.
run_list nginx "$NGX_URL"
console_checks nginx "$NGX_URL"

# Apache + mod_proxy_fcgi, to the very socket nginx uses.
setup_proxy
if apache_start "$T/proxy" && wait_http "http://127.0.0.1:$AP1_PORT/"; then
	run_list proxy "http://127.0.0.1:$AP1_PORT"
	compare proxy
	console_checks proxy "http://127.0.0.1:$AP1_PORT"
	# A chunked body over the limit: the JSON 413, not the body.
	code=$(status_of "http://127.0.0.1:$AP1_PORT/api/v1/workflow-management/execute" \
	    -H "Authorization: Bearer $(token dpl-proxy workflow:execute)" \
	    -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
	    --data-binary "@$BIG")
	check "proxy: chunked body over 1 MiB: 413" 413 "$code"
	shape "proxy: chunked body over 1 MiB" "$T/b"
	# Without the pass-through line the token never reaches wfm-fcgi:
	# the line is needed, and the SetEnvIf spelling works as well.
	tok=$(token dpl-proxy workflow:read)
	u="http://127.0.0.1:$AP1_PORT/api/v1/workflow-management/executions"
	apache_stop "$T/proxy"
	sed -i 's/^\t\tCGIPassAuth On$/\t\t# (removed by the test)/' \
	    "$T/proxy/site.conf"
	apache_start "$T/proxy" && wait_http "$u"
	check "proxy: without CGIPassAuth Apache drops Authorization: 401" \
	    401 "$(status_of "$u" -H "Authorization: Bearer $tok")"
	apache_stop "$T/proxy"
	# shellcheck disable=SC2016 # $1 is for Apache
	sed -i 's/^\t\t# (removed by the test)$/\t\tSetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1/' \
	    "$T/proxy/site.conf"
	apache_start "$T/proxy" && wait_http "$u"
	check "proxy: SetEnvIf Authorization instead of CGIPassAuth: 200" \
	    200 "$(status_of "$u" -H "Authorization: Bearer $tok")"
	apache_stop "$T/proxy"
	# wfm-fcgi not running: mod_proxy's 503, as JSON.
	site_proxy "$T/proxy" "$AP1_PORT" "$T/no-such.sock"
	apache_start "$T/proxy" && wait_http "$u"
	check "proxy: application down: 503" 503 "$(status_of "$u")"
	shape "proxy: application down" "$T/b"
	check "proxy: application down: the 503 page" \
	    "$(cat deploy/nginx/errors/503.json)" "$(cat "$T/b")"
	apache_stop "$T/proxy"
	# A backend slower than the timeout: 504, as JSON.
	site_proxy "$T/proxy" "$AP1_PORT" "$FCGI_SOCK"
	sed -i 's/ timeout=60$/ timeout=2/' "$T/proxy/site.conf"
	apache_start "$T/proxy" && wait_http "$u"
	# A running execution, long-polled past the timeout.
	tokx=$(token dpl-slow workflow:execute,workflow:read,template:write)
	slow_tid=$(post_location "$NGX_URL/api/v1/workflow-management/templates" \
	    "$tokx" '{"name": "slow", "steps": [{"id": "w", "type": "delay",
	    "seconds": 60}]}')
	slow_eid=$(post_location "$NGX_URL/api/v1/workflow-management/execute" \
	    "$tokx" "{\"template_id\": \"${slow_tid##*/}\"}")
	code=$(status_of "http://127.0.0.1:$AP1_PORT$slow_eid" \
	    -H "Authorization: Bearer $tokx" -H 'Prefer: wait=5')
	check "proxy: application slower than the timeout: 504" 504 "$code"
	shape "proxy: application slower than the timeout" "$T/b"
	apache_stop "$T/proxy"
	# The worker behind that 504 waits out its 5 s and holds the user's
	# one waiter slot ([http] max_waiters_per_user with 4 workers) until
	# then: the next long poll of the same user would be answered at once.
	sleep 4
	# The same through the nginx recipe with a 2 s read timeout.
	if nginx_private "$AP1_PORT" 2s; then
		code=$(status_of "http://127.0.0.1:$AP1_PORT$slow_eid" \
		    -H "Authorization: Bearer $tokx" -H 'Prefer: wait=5')
		check "nginx: application slower than the timeout: 504" 504 "$code"
		check "nginx: application slower than the timeout: the 504 page" \
		    "$(cat deploy/nginx/errors/504.json)" "$(cat "$T/b")"
		stop_pid "$(cat "$T/nginx/nginx.pid")"
	else
		fail "nginx: a private nginx from the recipe starts" \
		    "$(tail -n 5 "$T/nginx/error.log" 2>/dev/null)"
	fi
else
	fail "proxy: Apache starts" "$(tail -n 20 "$T/proxy/logs/error.log" 2>/dev/null)"
fi

# Apache + mod_fcgid: shared hosting, Apache starts wfm-fcgi.
setup_fcgid
if apache_start "$T/fcgid" && wait_http "http://127.0.0.1:$AP2_PORT/"; then
	run_list fcgid "http://127.0.0.1:$AP2_PORT"
	compare fcgid
	console_checks fcgid "http://127.0.0.1:$AP2_PORT"
	code=$(status_of "http://127.0.0.1:$AP2_PORT/api/v1/workflow-management/execute" \
	    -H "Authorization: Bearer $(token dpl-fcgid workflow:execute)" \
	    -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
	    --data-binary "@$BIG")
	check "fcgid: chunked body over 1 MiB: 413" 413 "$code"
	shape "fcgid: chunked body over 1 MiB" "$T/b"
	# The processes mod_fcgid started serve on fd 0 as the Apache user.
	pids=$(fcgi_pids_with_config "$T/home/wfm.conf")
	if [[ -n $pids ]]; then
		pass "fcgid: Apache started wfm-fcgi ($(wc -w <<<"$pids") processes)"
		p=$(head -n 1 <<<"$pids")
		check "fcgid: wfm-fcgi runs as the Apache user" "$APUSER" \
		    "$(ps -o user= -p "$p" | tr -d ' ')"
	else
		fail "fcgid: Apache started wfm-fcgi"
	fi
	apache_stop "$T/fcgid"
	sleep 1
	check "fcgid: no wfm-fcgi left once Apache stopped" "" \
	    "$(fcgi_pids_with_config "$T/home/wfm.conf" | tr '\n' ' ')"
else
	fail "fcgid: Apache starts" "$(tail -n 20 "$T/fcgid/logs/error.log" 2>/dev/null)"
fi
for p in $(fcgi_pids_with_config "$T/home/wfm.conf"); do
	stop_pid "$p"
done

# Apache + mod_cgid: plain CGI, one wfm-fcgi per request.
setup_cgi
if apache_start "$T/cgi" && wait_http "http://127.0.0.1:$AP2_PORT/"; then
	run_list cgi "http://127.0.0.1:$AP2_PORT"
	compare cgi
	apache_stop "$T/cgi"
else
	fail "cgi: Apache starts" "$(tail -n 20 "$T/cgi/logs/error.log" 2>/dev/null)"
fi

# ---- plain CGI without a web server ------------------------------------------

# cgi_run BODY-FILE VAR=VALUE...: wfm-fcgi with exactly this environment
# and the file on stdin (not a socket): one request, on stdout.
cgi_run() {
	local in=$1

	shift
	timeout 20 env -i PATH=/usr/bin:/bin WFM_CONFIG="$T/home/wfm.conf" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
	    REMOTE_ADDR=127.0.0.1 "$@" "$BIN/wfm-fcgi" <"$in" 2>"$T/cgi.err"
}

tok=$(token dpl-cgi-direct workflow:execute,workflow:read,template:write)
printf '{"name": "cgi", "steps": [{"id": "a", "type": "transform", "output": {"x": 1}}]}' \
    >"$T/cgi-body.json"
out=$(cgi_run "$T/cgi-body.json" REQUEST_METHOD=POST \
    REQUEST_URI=/api/v1/workflow-management/templates \
    CONTENT_TYPE=application/json \
    CONTENT_LENGTH="$(wc -c <"$T/cgi-body.json")" \
    HTTP_AUTHORIZATION="Bearer $tok")
rc=$?
check "cgi direct: POST template exits 0" 0 "$rc"
check "cgi direct: POST template: Status 201" "Status: 201 Created" \
    "$(head -n 1 <<<"$out" | tr -d '\r')"
loc=$(tr -d '\r' <<<"$out" | awk 'tolower($1) == "location:" { print $2 }')
if [[ $loc =~ ^/api/v1/workflow-management/templates/[0-9a-f-]{36}$ ]]; then
	pass "cgi direct: POST template: Location"
else
	fail "cgi direct: POST template: Location" "$out"
fi
out=$(cgi_run /dev/null REQUEST_METHOD=GET REQUEST_URI="$loc" \
    HTTP_AUTHORIZATION="Bearer $tok")
check "cgi direct: GET the template: Status 200" "Status: 200 OK" \
    "$(head -n 1 <<<"$out" | tr -d '\r')"
if grep -q '"name":"cgi"' <<<"$out"; then
	pass "cgi direct: GET the template: the stored body"
else
	fail "cgi direct: GET the template: the stored body" "$out"
fi
out=$(cgi_run /dev/null REQUEST_METHOD=GET SCRIPT_NAME=/wfm.cgi \
    PATH_INFO=/api/v1/healthz)
check "cgi direct: PATH_INFO without REQUEST_URI: healthz" \
    "Status: 200 OK" "$(head -n 1 <<<"$out" | tr -d '\r')"

# ---- socket activation -------------------------------------------------------

# systemd-socket-activate passes the listening socket as fd 3 with
# LISTEN_FDS=1 and LISTEN_PID, as systemd does: wfm-fcgi must serve on it
# (and not on [fcgi] listen), through Apache's proxy_fcgi.
if command -v systemd-socket-activate >/dev/null; then
	SA=$T/sa
	mkdir -p "$SA"
	rm -f "$SA/wfm.sock"
	systemd-socket-activate -l "$SA/wfm.sock" \
	    -E WFM_SUPERVISOR_SPAWN=false -E WFM_FCGI_WORKERS=2 \
	    "$BIN/wfm-fcgi" -c "$CONF" </dev/null >"$SA/log" 2>&1 &
	sa_pid=$!
	STOP_PIDS+=("$sa_pid")
	for ((i = 0; i < 50; i++)); do
		[[ -S $SA/wfm.sock ]] && break
		sleep 0.1
	done
	((EUID == 0)) && chgrp "$APGROUP" "$SA/wfm.sock" && chmod 0660 "$SA/wfm.sock"
	apache_conf "$SA" "$AP1_PORT" proxy proxy_fcgi setenvif
	site_proxy "$SA" "$AP1_PORT" "$SA/wfm.sock"
	if apache_start "$SA" && wait_http "http://127.0.0.1:$AP1_PORT/"; then
		u=http://127.0.0.1:$AP1_PORT/api/v1
		check "socket activation: healthz through Apache" 200 \
		    "$(status_of "$u/healthz")"
		check "socket activation: the program is wfm-fcgi now" yes \
		    "$(runs "$sa_pid" "$BIN/wfm-fcgi" && echo yes)"
		tok=$(token dpl-sa workflow:read)
		check "socket activation: authenticated list" 200 \
		    "$(status_of "$u/workflow-management/executions" \
		    -H "Authorization: Bearer $tok")"
		if grep -q 'socket-activated' "$SA/log"; then
			pass "socket activation: [fcgi] listen not used"
		else
			fail "socket activation: [fcgi] listen not used" \
			    "$(tail -n 5 "$SA/log")"
		fi
		apache_stop "$SA"
	else
		fail "socket activation: Apache starts"
	fi
	stop_pid "$sa_pid" 25
	check "socket activation: SIGTERM stops it" no \
	    "$(kill -0 "$sa_pid" 2>/dev/null && echo yes || echo no)"
	# The socket is systemd's: wfm-fcgi must not remove it.
	check "socket activation: the socket file is left to its owner" yes \
	    "$([[ -S $SA/wfm.sock ]] && echo yes || echo no)"
	# The stack's socket is still there: nothing touched [fcgi] listen.
	check "socket activation: the stack's socket is untouched" 200 \
	    "$(status_of "$NGX_URL/api/v1/healthz")"
else
	fail "socket activation: systemd-socket-activate is missing (package systemd)"
fi

# LISTEN_FDS for us but fd 3 no socket: a clear error, no hang.
# shellcheck disable=SC2016 # expanded by the inner bash
out=$(timeout 10 env LISTEN_FDS=1 WFM_SUPERVISOR_SPAWN=false \
    bash -c 'export LISTEN_PID=$$; exec "$0" -c "$1" 3</dev/null' \
    "$BIN/wfm-fcgi" "$CONF" 2>&1)
rc=$?
check "LISTEN_FDS with fd 3 not a socket: exits 1" 1 "$rc"
if grep -q 'fd 3 is not a socket' <<<"$out"; then
	pass "LISTEN_FDS with fd 3 not a socket: says so"
else
	fail "LISTEN_FDS with fd 3 not a socket: says so" "$out"
fi

finish
