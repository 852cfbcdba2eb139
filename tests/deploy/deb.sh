#!/usr/bin/env bash
#
# The Debian package through its whole life on this machine (make
# check-deb; as root):
#   - `make deb` builds it and lintian finds no error or warning;
#   - `dpkg -i`: the programs, man pages, migrations, recipes, units,
#     nginx snippet and Apache conf are installed; postinst made the users
#     wfm and wfm-handler, /etc/wfm with the configuration and generated
#     secrets (modes of README.Debian), /var/lib/wfm; the services are NOT
#     enabled (no database yet); reinstalling keeps the secrets;
#   - configured against a private MariaDB (unix socket under the test's
#     directory; never port 3306 nor the system instance): with the
#     account but no schema `dpkg-reconfigure wfm` still does not enable
#     them; after `wfmctl migrate` (the installed migrations) it does;
#   - the installed programs run with the installed config and the
#     installed units' command lines (User=, Environment=,
#     RuntimeDirectory=, ExecStartPre=, ExecStart=; there is no systemd
#     as PID 1 to run them, so its sandbox is not applied);
#   - a private nginx (127.0.0.1:18190, workers as www-data) serving the
#     installed snippet: `nginx -t` passes without the long-poll limit's
#     http-level lines, and the server runs with the lines the snippet's
#     comments document (the same as the whole-server recipe's); template
#     create, execute -> 202, GET -> completed, the installed console
#     (page with its CSP and security headers, config.json naming the
#     base path, a JavaScript module), and nginx's own 502 in JSON once
#     wfm-fcgi stops; a private Apache (127.0.0.1:18191) with the
#     installed conf-available/wfm.conf serves the same execution and the
#     same console;
#   - the snippet and the conf carry the whole-server recipes' settings:
#     the API location's FastCGI settings, the ProxyPass, the console's
#     locations (nginx) and its Alias and <Directory> (Apache), compared
#     line by line;
#   - `dpkg -r` (config kept, the Apache conf the admin enabled is
#     disabled), `dpkg -P`: nothing the package made is left (its files,
#     /etc/wfm, /var/lib/wfm, the users, unit symlinks), checked by name
#     and by a listing of /etc and /var/lib taken before installing.
#
# Usage: tests/deploy/deb.sh [BUILD_DIR]
#	WFM_DEPLOY_VAR (default var/deb), WFM_DEPLOY_PORT (18190),
#	WFM_DEPLOY_APACHE_PORTS ("18191 18192")
# Prints one line per check and "N passed, M failed"; exits 1 on failure.

PROG=deb
export WFM_DEPLOY_VAR=${WFM_DEPLOY_VAR:-var/deb}
export WFM_DEPLOY_PORT=${WFM_DEPLOY_PORT:-18190}
export WFM_DEPLOY_APACHE_PORTS=${WFM_DEPLOY_APACHE_PORTS:-18191 18192}
# shellcheck source=tests/deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T0=$SECONDS
UNITS=/lib/systemd/system
WANTS=/etc/systemd/system/multi-user.target.wants
ETC=/etc/wfm
API=$NGX_URL/api/v1
MY_DIR=$VAR/mysql
MY_SOCK=$MY_DIR/mysqld.sock
MY_PID=$MY_DIR/mariadbd.pid
INSTALLED=0

# ---- helpers ----------------------------------------------------------------

deb_cleanup() {
	cleanup
	if ((INSTALLED)); then
		log "purging the package left installed by a failed run"
		locked dpkg -P wfm >"$VAR/purge-at-exit.log" 2>&1 ||
		    log "dpkg -P wfm failed (log: $VAR/purge-at-exit.log)"
	fi
	[[ -s $MY_PID ]] && stop_pid "$(<"$MY_PID")" 30
	rm -rf /run/wfm /run/wfm-supervisor
}
trap deb_cleanup EXIT
trap 'exit 1' INT TERM

# locked COMMAND...: run it; while dpkg's or debconf's lock is held by
# another process (apt of another job on this machine), wait and run it
# again, for up to 5 minutes.
locked() {
	local out rc i

	for ((i = 0; i < 300; i++)); do
		out=$("$@" 2>&1)
		rc=$?
		if ((rc == 0)) || ! grep -q -e 'lock was locked by another' \
		    -e 'is locked by another process' <<<"$out"; then
			break
		fi
		sleep 1
	done
	printf '%s\n' "$out"
	return "$rc"
}

# perm PATH: "mode owner:group"
perm() {
	stat -c '%a %U:%G' "$1" 2>&1
}

exists() {
	if [[ -e $1 || -L $1 ]]; then echo yes; else echo no; fi
}

# unit_get UNIT KEY: the values of KEY= in the installed unit, one a line.
unit_get() {
	sed -n "s/^$2=//p" "$UNITS/$1"
}

# unit_dirs UNIT: its RuntimeDirectory=, made as systemd makes it.
unit_dirs() {
	local u=$1 d

	d=$(unit_get "$u" RuntimeDirectory)
	[[ -n $d ]] || return 0
	install -d -o "$(unit_get "$u" User)" -g "$(unit_get "$u" Group)" \
	    -m "$(unit_get "$u" RuntimeDirectoryMode)" "/run/$d"
}

# unit_run UNIT COMMAND-LINE: as systemd runs it: with the unit's
# Environment=, UMask= and WorkingDirectory=, as its User= and Group=
# (with the user's groups) with its AmbientCapabilities=,
# CapabilityBoundingSet= and NoNewPrivileges=, or as root with a "+"
# prefix. (The rest of the sandbox needs systemd.) It execs: call
# it in a subshell, or in the background (then $! is the program's pid).
unit_run() {
	local u=$1 line=$2 wd mask caps bnd
	local -a envs cmd priv=()

	mapfile -t envs < <(unit_get "$u" Environment)
	wd=$(unit_get "$u" WorkingDirectory)
	mask=$(unit_get "$u" UMask)
	if [[ $line == +* ]]; then
		line=${line#+}
	else
		priv=(setpriv --reuid="$(unit_get "$u" User)"
		    --regid="$(unit_get "$u" Group)" --init-groups)
		# Capabilities as the unit grants and bounds them:
		# "CAP_SETUID CAP_KILL" -> "+setuid,+kill".
		caps=$(unit_get "$u" AmbientCapabilities | tr ' ' '\n' |
		    sed -n 's/^CAP_\(.*\)/+\L\1/p' | paste -sd ,)
		if [[ -n $caps ]]; then
			priv+=(--inh-caps="$caps" --ambient-caps="$caps")
		fi
		if unit_get "$u" CapabilityBoundingSet | grep -q .; then
			bnd=$(unit_get "$u" CapabilityBoundingSet | tr ' ' '\n' |
			    sed -n 's/^CAP_\(.*\)/+\L\1/p' | paste -sd ,)
			priv+=(--bounding-set="-all${bnd:+,$bnd}")
		elif grep -qx 'CapabilityBoundingSet=' "$UNITS/$u"; then
			priv+=(--bounding-set=-all)
		fi
		[[ $(unit_get "$u" NoNewPrivileges) == yes ]] &&
		    priv+=(--no-new-privs)
		priv+=(--)
	fi
	read -r -a cmd <<<"$line"
	umask "${mask:-0022}"
	cd "${wd:-/}" || exit 1
	exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}" \
	    "${priv[@]}" "${cmd[@]}"
}

sql() {
	mariadb --no-defaults --socket="$MY_SOCK" --user=root --batch \
	    --skip-column-names
}

# The private MariaDB: its own data directory and unix socket, no TCP.
db_start() {
	local i

	mkdir -p "$MY_DIR/tmp"
	cat >"$MY_DIR/my.cnf" <<EOF
[mysqld]
datadir = $MY_DIR/data
socket = $MY_SOCK
pid-file = $MY_PID
log-error = $MY_DIR/error.log
tmpdir = $MY_DIR/tmp
skip-networking
user = root
character-set-server = utf8mb4
innodb_buffer_pool_size = 64M
EOF
	mariadb-install-db --defaults-file="$MY_DIR/my.cnf" \
	    --auth-root-authentication-method=socket --skip-test-db \
	    --user=root >"$MY_DIR/install.log" 2>&1 || return 1
	/usr/sbin/mariadbd --defaults-file="$MY_DIR/my.cnf" </dev/null \
	    >>"$MY_DIR/error.log" 2>&1 &
	for ((i = 0; i < 300; i++)); do
		if mariadb-admin --no-defaults --socket="$MY_SOCK" --user=root \
		    --connect-timeout=2 ping >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# The files and directories under /etc and /var/lib, less what dpkg, apt
# and the shadow tools keep for themselves, and a2enconf's state
# directories (made by the admin's a2enconf; a state file named wfm would
# show in wfm_paths).
listing() {
	find /etc /var/lib -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt \
	    -o -path /var/lib/mysql -o -path /var/lib/ucf \
	    -o -path /var/lib/apache2 \) -prune -o -print |
	    grep -vE '^/etc/(passwd|group|shadow|gshadow|subuid|subgid)-$' |
	    sort
}

# Any path naming wfm where the package could have put something.
wfm_paths() {
	find /etc /usr /lib /var/lib /run -xdev -name '*wfm*' 2>/dev/null |
	    grep -v '^/var/lib/dpkg/' | sort
}

# hdr FILE NAME: the value of header NAME in a curl -D dump.
hdr() {
	tr -d '\r' <"$1" | awk -v n="$(tr '[:upper:]' '[:lower:]' <<<"$2"):" \
	    'tolower($1) == n { sub(/^[^:]*: */, ""); print }'
}

# json_base_path FILE: "base_path" of the console's config.json.
json_base_path() {
	sed -n 's/^{"base_path": *"\([^"]*\)"}$/\1/p' "$1"
}

# The console's Content-Security-Policy (console.md, "Quality bar").
CSP="default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

# console_checks URL WHO: the installed console served at URL (the
# server's root) by WHO (nginx + snippet, Apache + conf).
console_checks() {
	local url=$1 who=$2 out d=$T/console-${2%% *}

	mkdir -p "$d"
	out=$(curl -s -o /dev/null -D "$d/h0" -w '%{http_code}' "$url/console")
	check "$who: /console -> 301 to /console/" "301 /console/" \
	    "$out $(hdr "$d/h0" Location | sed 's|^http://[^/]*||')"
	out=$(curl -s -o "$d/index.html" -D "$d/h1" \
	    -w '%{http_code} %{content_type}' "$url/console/")
	check "$who: GET /console/ -> 200 text/html, the installed index.html" \
	    "200 text/html same" \
	    "${out%%;*} $(cmp -s "$d/index.html" /usr/share/wfm/console/index.html && echo same)"
	check "$who: /console/ Content-Security-Policy" "$CSP" \
	    "$(hdr "$d/h1" Content-Security-Policy)"
	check "$who: /console/ X-Content-Type-Options, Referrer-Policy" \
	    "nosniff no-referrer" \
	    "$(hdr "$d/h1" X-Content-Type-Options) $(hdr "$d/h1" Referrer-Policy)"
	check "$who: /console/ Cache-Control no-cache (revalidated)" no-cache \
	    "$(hdr "$d/h1" Cache-Control)"
	out=$(curl -s -o "$d/config.json" -D "$d/h2" \
	    -w '%{http_code} %{content_type}' "$url/console/config.json")
	check "$who: GET /console/config.json -> 200 JSON naming [http] base_path" \
	    "200 application/json $base_path" \
	    "${out%%;*} $(json_base_path "$d/config.json")"
	out=$(curl -s -o "$d/main.js" -D "$d/h3" \
	    -w '%{http_code} %{content_type}' "$url/console/js/main.js")
	check "$who: GET /console/js/main.js -> 200 text/javascript, the module" \
	    "200 text/javascript same" \
	    "${out%%;*} $(cmp -s "$d/main.js" /usr/share/wfm/console/js/main.js && echo same)"
	check "$who: module's CSP, nosniff, cached 5 minutes" \
	    "$CSP|nosniff|public, max-age=300" \
	    "$(hdr "$d/h3" Content-Security-Policy)|$(hdr "$d/h3" X-Content-Type-Options)|$(hdr "$d/h3" Cache-Control)"
}

# nginx_console FILE: the console's locations in an nginx file, from
# "location = /console {" to the end of "location ^~ /console/ {...}",
# without indentation.
nginx_console() {
	awk '/^[[:space:]]*location = \/console \{/ { on = 1 }
	    on { print; n += gsub(/\{/, "{"); n -= gsub(/\}/, "}")
		if (last && n == 0) exit }
	    /^[[:space:]]*location \^~ \/console\/ \{/ { last = 1 }' "$1" |
	    sed 's/^[[:space:]]*//'
}

# apache_console FILE: the console's part of an Apache file, from its
# RedirectMatch to the end of its <Directory>, without indentation.
apache_console() {
	sed -n '/^[[:space:]]*RedirectMatch 301 \^\/console\$/,/^[[:space:]]*<\/Directory>/p' \
	    "$1" | sed 's/^[[:space:]]*//'
}

# ---- before -----------------------------------------------------------------

# dpkg -i and the users need root: a sudoer's `make test` gets here
# through sudo; the package is then built as that user.
if ((EUID != 0)); then
	command -v sudo >/dev/null || give_up "root or sudo (dpkg -i, users)"
	exec sudo env WFM_DEPLOY_VAR="$WFM_DEPLOY_VAR" \
	    WFM_DEPLOY_PORT="$WFM_DEPLOY_PORT" \
	    WFM_DEPLOY_APACHE_PORTS="$WFM_DEPLOY_APACHE_PORTS" \
	    bash "${BASH_SOURCE[0]}" "$@"
fi
AS_USER=()
if [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
	AS_USER=(runuser -u "$SUDO_USER" --)
fi
if dpkg-query -W -f='${Status}' wfm 2>/dev/null | grep -q installed ||
    getent passwd wfm >/dev/null || [[ -e $ETC || -e /run/wfm ]]; then
	give_up "no package, user wfm, /etc/wfm or /run/wfm yet" \
	    "(this test installs and purges them)"
fi
# wfm-handler may exist already (deploy/local/stack.sh makes it as root):
# then the package uses it, and purge must leave it.
accounts() {
	getent passwd wfm wfm-handler
	getent group wfm wfm-handler
}
rm -rf "$VAR"
mkdir -p "$VAR"
T=$VAR
listing >"$T/before.list"
accounts >"$T/before.accounts"
wfm_paths >"$T/before.wfm"

# ---- build ------------------------------------------------------------------

# What git sees of the tree (ignored files too, less build-deb/, where
# the package is built), and wfm files beside the tree.
tree_state() {
	git -C "$ROOT" status --porcelain --ignored -uall |
	    grep -v -e ' build-deb/' -e " ${VAR#"$ROOT"/}/" | sort
	find "$ROOT/.." -maxdepth 1 -name 'wfm[_-]*' | sort
}
tree_state >"$T/before.git"
t=$SECONDS
if "${AS_USER[@]}" make -s -C "$ROOT" deb >"$T/build.log" 2>&1; then
	pass "make deb: built, lintian clean ($((SECONDS - t)) s)"
else
	tail -n 30 "$T/build.log" >&2
	give_up "make deb (log: $T/build.log)"
fi
check "lintian: no error or warning" "" \
    "$(grep -E '^[EW]: ' "$T/build.log")"
check "make deb: nothing new in the tree (git status) nor beside it" "" \
    "$(tree_state | diff "$T/before.git" - | grep '^[<>]')"
shopt -s nullglob
debs=("$ROOT"/build-deb/wfm_*_"$(dpkg --print-architecture)".deb)
shopt -u nullglob
((${#debs[@]} == 1)) || give_up "one wfm .deb in build-deb/"
DEB=${debs[0]}

# ---- dpkg -i ----------------------------------------------------------------

INSTALLED=1
if locked dpkg -i "$DEB" >"$T/install.log" 2>&1; then
	pass "dpkg -i"
else
	cat "$T/install.log" >&2
	give_up "dpkg -i (log: $T/install.log)"
fi
for f in /usr/bin/wfm-fcgi /usr/bin/wfm-supervisor /usr/bin/wfmctl \
    /usr/share/man/man5/wfm.conf.5.gz /usr/share/man/man5/wfm-template.5.gz \
    /usr/share/man/man8/wfm-fcgi.8.gz /usr/share/man/man8/wfm-supervisor.8.gz \
    /usr/share/man/man8/wfmctl.8.gz /usr/share/wfm/sql/001_init.sql \
    /usr/share/wfm/wfm.conf.example /usr/share/wfm/nginx/wfm.conf \
    /usr/share/wfm/nginx-errors/502.json /usr/share/wfm/apache/wfm-proxy-fcgi.conf \
    /usr/share/wfm/systemd/wfm-fcgi.socket /usr/share/doc/wfm/README.Debian \
    "$UNITS/wfm-fcgi.service" "$UNITS/wfm-supervisor.service" \
    /etc/nginx/snippets/wfm.conf /etc/apache2/conf-available/wfm.conf \
    /usr/share/wfm/console/index.html /usr/share/wfm/console/config.json \
    /usr/share/wfm/console/js/main.js /usr/share/wfm/console/css/app.css; do
	check "installed: $f" yes "$([[ -s $f ]] && echo yes)"
done
# The console of the tree, as make install copies it, owned by the package.
diffs=$(cd "$ROOT/console" && for f in index.html favicon.svg css/*.css js/*.js; do
	cmp -s "$f" "/usr/share/wfm/console/$f" || printf '%s\n' "$f"; done)
check "console: every page, style and module of console/ installed as is" \
    "" "$diffs"
check "console: config.json belongs to the package" \
    "wfm: /usr/share/wfm/console/config.json" \
    "$(dpkg -S /usr/share/wfm/console/config.json 2>&1)"
base_path=$(sed -n 's/^base_path *= *//p' $ETC/wfm.conf)
check "console: config.json names the installed [http] base_path" \
    "/api/v1 /api/v1" "$base_path $(json_base_path /usr/share/wfm/console/config.json)"
check "units run the installed programs" \
    "/usr/bin/wfm-fcgi -c /etc/wfm/wfm.conf /usr/bin/wfm-supervisor -c /etc/wfm/wfm.conf" \
    "$(unit_get wfm-fcgi.service ExecStart) $(unit_get wfm-supervisor.service ExecStart)"
check "users wfm and wfm-handler, system accounts without a shell" \
    "wfm /usr/sbin/nologin wfm-handler /usr/sbin/nologin" \
    "$(for u in wfm wfm-handler; do getent passwd "$u" |
	awk -F: '$3 < 1000 { printf "%s %s ", $1, $7 }'; done | sed 's/ $//')"
# The mode of secrets.key is postinst's one variable: follow it.
key_mode=$(sed -n 's/^SECRETS_KEY_MODE=//p' /var/lib/dpkg/info/wfm.postinst)
key_owner=$(sed -n 's/^SECRETS_KEY_OWNER=//p' /var/lib/dpkg/info/wfm.postinst)
check "postinst: SECRETS_KEY_MODE and _OWNER set" yes \
    "$([[ $key_mode =~ ^0[0-7]{3}$ && $key_owner == *:* ]] && echo yes)"
check "modes: /etc/wfm, wfm.conf, jwt_secret, db_password, /var/lib/wfm" \
    "750 root:wfm|640 root:wfm|640 root:wfm|640 root:wfm|750 wfm:wfm" \
    "$(perm $ETC)|$(perm $ETC/wfm.conf)|$(perm $ETC/jwt_secret)|$(perm $ETC/db_password)|$(perm /var/lib/wfm)"
check "mode: secrets.key" "${key_mode#0} $key_owner" "$(perm $ETC/secrets.key)"
check "secrets.key: 32 bytes" 32 "$(stat -c %s $ETC/secrets.key)"
jl=$(head -n 1 $ETC/jwt_secret | tr -d '\n' | wc -c)
check "jwt_secret: one line of at least 32 characters" "yes 1" \
    "$( ((jl >= 32)) && echo yes) $(wc -l <$ETC/jwt_secret)"
check "wfm.conf is the example" "" \
    "$(cmp $ETC/wfm.conf /usr/share/wfm/wfm.conf.example 2>&1)"
check "not enabled before the database is configured" "no no" \
    "$(exists $WANTS/wfm-fcgi.service) $(exists $WANTS/wfm-supervisor.service)"
check "postinst says why and what to do" yes \
    "$(grep -q 'not enabled yet: the database is not configured' \
    "$T/install.log" && echo yes)"
check "man finds wfm.conf(5)" /usr/share/man/man5/wfm.conf.5.gz \
    "$(man -w 5 wfm.conf 2>&1)"
out=$(setpriv --reuid=wfm --regid=wfm --init-groups -- \
    /usr/bin/wfmctl -c $ETC/wfm.conf check-config 2>&1)
check "wfmctl check-config as wfm: the generated files" \
    "/etc/wfm/wfm.conf: configuration ok" "$out"

# Reinstalling (an upgrade) keeps the secrets and the configuration.
sums=$(cd $ETC && md5sum wfm.conf jwt_secret secrets.key db_password)
locked dpkg -i "$DEB" >"$T/reinstall.log" 2>&1
check "dpkg -i again: exit 0, secrets and config unchanged" "0 $sums" \
    "$? $(cd $ETC && md5sum wfm.conf jwt_secret secrets.key db_password)"

# ---- the database -----------------------------------------------------------

db_start || { tail -n 20 "$MY_DIR/error.log" >&2; give_up "private MariaDB starts"; }
pass "private MariaDB on $MY_SOCK"
# The README's commands ("Install from the Debian package"), as root and
# with our MariaDB instead of the system one.
readme_cmd() {
	sed -n '/^### Install from the Debian package/,/^### Install$/p' \
	    "$ROOT/README.md" | grep -- "$1" | head -n 1 |
	    sed -e 's/  *#.*//' -e 's/sudo //g' -e 's/| mariadb$/| sql/'
}
rcmd=$(readme_cmd '^printf "CREATE DATABASE')
[[ $rcmd == *'| sql' ]] || give_up "README: the CREATE DATABASE line"
eval "$rcmd" || give_up "README: database wfm and account wfm"
pass "README: database and account made with /etc/wfm/db_password"
sed -i "s|^socket = .*|socket = $MY_SOCK|" $ETC/wfm.conf
check "wfm.conf edited to the test socket" "socket = $MY_SOCK" \
    "$(grep '^socket = ' $ETC/wfm.conf)"

# Reachable, but no schema: still not configured.
locked dpkg-reconfigure wfm >"$T/reconf1.log" 2>&1
check "no schema: dpkg-reconfigure does not enable" "0 no no" \
    "$? $(exists $WANTS/wfm-fcgi.service) $(exists $WANTS/wfm-supervisor.service)"

rcmd=$(readme_cmd 'wfmctl migrate')
check "README's migrate command" \
    "env WFM_DATABASE_USER=root WFM_DATABASE_PASSWORD_FILE= wfmctl migrate" \
    "$rcmd"
eval "$rcmd" >"$T/migrate.log" 2>&1
check "wfmctl migrate: the installed migrations (default config, directory)" \
    0 "$?"
check "schema version in the database" \
    "$(find /usr/share/wfm/sql -name '*.sql' | wc -l)" \
    "$(sql <<<'SELECT MAX(version) FROM wfm.schema_migrations' 2>&1)"

rcmd=$(readme_cmd '^sudo dpkg-reconfigure')
check "README's reconfigure command" "dpkg-reconfigure wfm" "$rcmd"
locked eval "$rcmd" >"$T/reconf2.log" 2>&1
rc=$?
check "migrated: dpkg-reconfigure enables both units" \
    "0 $UNITS/wfm-fcgi.service $UNITS/wfm-supervisor.service" \
    "$rc $(readlink $WANTS/wfm-fcgi.service) $(readlink $WANTS/wfm-supervisor.service)"
find /etc/systemd -name 'wfm*' -ls >"$T/enabled.ls" 2>&1

# ---- the installed programs, as the units run them ---------------------------

for u in wfm-fcgi.service wfm-supervisor.service; do
	unit_dirs "$u"
done
mapfile -t pre < <(unit_get wfm-fcgi.service ExecStartPre)
for line in "${pre[@]}"; do
	(unit_run wfm-fcgi.service "$line") >>"$T/execstartpre.log" 2>&1
	check "wfm-fcgi.service ExecStartPre=$line" 0 "$?"
done
check "/run/wfm as the unit makes it" "2750 wfm:www-data" "$(perm /run/wfm)"
unit_run wfm-supervisor.service "$(unit_get wfm-supervisor.service ExecStart)" \
    </dev/null >"$T/supervisor.log" 2>&1 &
sup_pid=$!
STOP_PIDS+=("$sup_pid")
unit_run wfm-fcgi.service "$(unit_get wfm-fcgi.service ExecStart)" \
    </dev/null >"$T/fcgi.log" 2>&1 &
fcgi_pid=$!
STOP_PIDS+=("$fcgi_pid")
check "both run as user wfm" "wfm wfm" \
    "$(sleep 0.5; ps -o user= -p "$fcgi_pid" | tr -d ' ') $(ps -o user= -p "$sup_pid" | tr -d ' ')"
check "wfm-fcgi: no capabilities, no new privileges" "0000000000000000 1" \
    "$(awk '$1 == "CapBnd:" { b = $2 } $1 == "NoNewPrivs:" { n = $2 }
    END { print b, n }' "/proc/$fcgi_pid/status")"

# ---- nginx with the installed snippet ----------------------------------------

N=$T/nginx
mkdir -p "$N/tmp"
cp /etc/nginx/fastcgi_params "$N/"
# The long-poll limit: the lines the snippet's comments tell the admin to
# add at http level and in the server block (the two tab-indented comment
# lines after each sentence).
doc_lines() {
	awk -v start="$1" 'index($0, start) { on = 1; next }
	    on && /^#\t/ { sub(/^#\t/, ""); print; n++; if (n == 2) exit }' \
	    /etc/nginx/snippets/wfm.conf
}
WAIT_HTTP=$(doc_lines "add these two lines at")
WAIT_SERVER=$(doc_lines "and these two in the server block")
# shellcheck disable=SC2016 # $http_prefer is nginx's
check "snippet documents the http-level map and zone of nginx/wfm.conf" \
    "$(sed -n '/^map \$http_prefer/,/^limit_conn_zone/p' \
    /usr/share/wfm/nginx/wfm.conf | tr -s '[:space:]' ' ')" \
    "$(tr -s '[:space:]' ' ' <<<"$WAIT_HTTP")"
check "snippet documents the server-level limit of nginx/wfm.conf" \
    "$(grep -E '^[[:space:]]*limit_conn(_status)? ' \
    /usr/share/wfm/nginx/wfm.conf | sed 's/^[[:space:]]*//' | paste -sd ' ')" \
    "$(paste -sd ' ' <<<"$WAIT_SERVER")"
# nginx_conf HTTP-LINES SERVER-LINES: the private nginx.conf.
nginx_conf() {
	cat <<EOF
user www-data;
worker_processes 1;
pid $N/nginx.pid;
error_log $N/error.log warn;
events {
	worker_connections 64;
}
http {
	default_type application/octet-stream;
	access_log $N/access.log;
	client_body_temp_path $N/tmp/body;
	fastcgi_temp_path $N/tmp/fastcgi;
	proxy_temp_path $N/tmp/proxy;
	uwsgi_temp_path $N/tmp/uwsgi;
	scgi_temp_path $N/tmp/scgi;
	$1
	server {
		listen 127.0.0.1:$NGX_PORT;
		server_name _;
		$2
		location / {
			return 404;
		}
		include /etc/nginx/snippets/wfm.conf;
	}
}
EOF
}
# Without the admin's lines the snippet must still pass nginx -t.
nginx_conf "" "" >"$N/plain.conf"
check "nginx -t: the snippet without the long-poll limit's lines" 0 \
    "$(nginx -t -p "$N/" -c "$N/plain.conf" -e "$N/error.log" \
    >"$N/plain-t.log" 2>&1; echo $?)"
nginx_conf "$WAIT_HTTP" "$WAIT_SERVER" >"$N/nginx.conf"
check "nginx -t: the snippet with the documented lines" 0 \
    "$(nginx -t -p "$N/" -c "$N/nginx.conf" -e "$N/error.log" \
    >"$N/t.log" 2>&1; echo $?)"
if nginx -p "$N/" -c "$N/nginx.conf" -e "$N/error.log" -g 'daemon off;' \
    </dev/null >"$N/out.log" 2>&1 &
then
	ngx_pid=$!
	STOP_PIDS+=("$ngx_pid")
fi
ok=no
for ((i = 0; i < 150; i++)); do
	code=$(curl -s -o "$T/ready.json" -w '%{http_code}' --max-time 2 \
	    "$API/readyz")
	[[ $code == 200 ]] && { ok=yes; break; }
	sleep 0.1
done
check "nginx + snippet: readyz 200 (database, schema, supervisor)" yes "$ok"
[[ $ok == yes ]] || {
	cat "$T/ready.json" "$T/fcgi.log" "$T/supervisor.log" "$N/error.log" \
	    2>/dev/null | tail -n 30 >&2
	give_up "the installed programs serve through nginx"
}

tok=$(/usr/bin/wfmctl -c $ETC/wfm.conf token --sub deb-smoke \
    --roles workflow:execute,workflow:read,template:write --ttl 600 \
    2>/dev/null | tr -d '[:space:]')
code=$(curl -s -o /dev/null -D "$T/h1" -w '%{http_code}' \
    -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    --data-binary '{"name": "deb-smoke",
    "steps": [{"id": "a", "type": "transform", "output": {"x": 7}}]}' \
    "$API/workflow-management/templates")
tid=$(tr -d '\r' <"$T/h1" | awk 'tolower($1) == "location:" { print $2 }')
tid=${tid##*/}
check "template created: 201 with its Location" "201 yes" \
    "$code $([[ -n $tid ]] && echo yes)"
code=$(curl -s -o "$T/exec.json" -D "$T/h2" -w '%{http_code}' \
    -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    --data-binary "{\"template_id\": \"$tid\"}" \
    "$API/workflow-management/execute")
loc=$(tr -d '\r' <"$T/h2" | awk 'tolower($1) == "location:" { print $2 }')
check "execute: 202 with a Location" "202 yes" \
    "$code $([[ $loc == */executions/* ]] && echo yes)"
eid=${loc##*/}
status=""
for ((i = 0; i < 100; i++)); do
	body=$(curl -s -H "Authorization: Bearer $tok" \
	    "$API/workflow-management/executions/$eid")
	status=$(grep -o '"status": *"[a-z]*"' <<<"$body" | head -n 1 |
	    sed 's/.*"\([a-z]*\)"$/\1/')
	[[ $status == completed || $status == failed ]] && break
	sleep 0.1
done
check "GET the execution: completed by the installed supervisor" completed \
    "$status"

# nginx's own errors inside the snippet's location: JSON, the installed page.
code=$(head -c 2000000 /dev/zero | curl -s -o "$T/413.json" -w '%{http_code}' \
    -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    --data-binary @- "$API/workflow-management/execute")
check "snippet: a body over 1m, nginx's 413 as the installed JSON page" \
    "413 same" \
    "$code $(cmp -s "$T/413.json" /usr/share/wfm/nginx-errors/413.json && echo same)"

# The snippet and the conf carry the whole-server recipes' settings.
missing=$(sed -n '/location \^~ \/api\/v1\/ {/,/^\t}/p' \
    /usr/share/wfm/nginx/wfm.conf | sed 's/^[[:space:]]*//' |
    grep -E '^(fastcgi_|include |client_)' | sort -u |
    while IFS= read -r l; do
	grep -qxF -- "$l" <(sed 's/^[[:space:]]*//' /etc/nginx/snippets/wfm.conf) ||
	    printf '%s\n' "$l"
    done)
check "snippet: every FastCGI setting of nginx/wfm.conf's API location" "" \
    "$missing"
check "snippet: the console locations of nginx/wfm.conf, line by line" \
    "$(nginx_console /usr/share/wfm/nginx/wfm.conf)" \
    "$(nginx_console /etc/nginx/snippets/wfm.conf)"
check "snippet: a console part to compare (its 5 locations)" yes \
    "$(nginx_console /usr/share/wfm/nginx/wfm.conf | grep -c '^location ' |
    grep -qx 5 && echo yes)"
check "Apache conf: the console part of apache/wfm-proxy-fcgi.conf, line by line" \
    "$(apache_console /usr/share/wfm/apache/wfm-proxy-fcgi.conf)" \
    "$(apache_console /etc/apache2/conf-available/wfm.conf)"
check "Apache conf: a console part to compare (Alias ... </Directory>)" yes \
    "$(apache_console /usr/share/wfm/apache/wfm-proxy-fcgi.conf |
    grep -c -e '^Alias /console/' -e '^<Directory /usr/share/wfm/console>' \
    -e '^</Directory>' | grep -qx 3 && echo yes)"
check "Apache conf: the ProxyPass of apache/wfm-proxy-fcgi.conf" \
    "$(grep -E '^[[:space:]]*ProxyPass ' /usr/share/wfm/apache/wfm-proxy-fcgi.conf | sed 's/^[[:space:]]*//')" \
    "$(grep -E '^[[:space:]]*ProxyPass ' /etc/apache2/conf-available/wfm.conf | sed 's/^[[:space:]]*//')"

console_checks "$NGX_URL" "nginx + snippet"

# ---- Apache with the installed conf-available/wfm.conf -----------------------

A=$T/apache
apache_conf "$A" "$AP1_PORT" proxy proxy_fcgi
printf 'Include /etc/apache2/conf-available/wfm.conf\n' >"$A/site.conf"
if apache_start "$A"; then
	out=$(curl -s -w ' %{http_code}' -H "Authorization: Bearer $tok" \
	    "http://127.0.0.1:$AP1_PORT/api/v1/workflow-management/executions/$eid")
	check "Apache + conf: the same execution, completed" "completed 200" \
	    "$(grep -o '"status": *"[a-z]*"' <<<"$out" | head -n 1 |
	    sed 's/.*"\([a-z]*\)"$/\1/') ${out##* }"
	console_checks "http://127.0.0.1:$AP1_PORT" "Apache + conf"
	apache_stop "$A"
else
	fail "Apache starts with the installed conf" "$(tail -n 5 "$A/logs/error.log" 2>/dev/null)"
fi

# nginx's own errors in the API's shape: wfm-fcgi stopped -> 502 JSON.
stop_pid "$fcgi_pid" 30
code=$(curl -s -o "$T/502.json" -w '%{http_code}' "$API/readyz")
check "wfm-fcgi stopped: nginx's 502, the installed JSON page" "502 same" \
    "$code $(cmp -s "$T/502.json" /usr/share/wfm/nginx-errors/502.json && echo same)"
stop_pid "$sup_pid" 30
stop_pid "$ngx_pid" 10
check "SIGTERM stopped wfm-fcgi, wfm-supervisor and nginx" "no no no" \
    "$(for p in "$fcgi_pid" "$sup_pid" "$ngx_pid"; do
	kill -0 "$p" 2>/dev/null && echo yes || echo no; done | paste -sd ' ')"
STOP_PIDS=()
# systemd removes the runtime directories when the units stop.
rm -rf /run/wfm /run/wfm-supervisor

# ---- dpkg -r, dpkg -P -------------------------------------------------------

# The admin enables the Apache conf; removal must disable it again.
a2enconf -q wfm >"$T/a2enconf.log" 2>&1
check "a2enconf wfm" /etc/apache2/conf-available/wfm.conf \
    "$(realpath -m /etc/apache2/conf-enabled/wfm.conf)"

locked dpkg -r wfm >"$T/remove.log" 2>&1
check "dpkg -r: exit 0" 0 "$?"
check "after dpkg -r: programs and units gone" "no no no" \
    "$(exists /usr/bin/wfm-fcgi) $(exists /usr/share/wfm) $(exists $UNITS/wfm-fcgi.service)"
check "after dpkg -r: config, secrets, conffiles, users kept" "yes yes yes yes" \
    "$(exists $ETC/secrets.key) $(exists /etc/nginx/snippets/wfm.conf) $(exists /etc/apache2/conf-available/wfm.conf) $(getent passwd wfm >/dev/null && echo yes)"
check "after dpkg -r: the Apache conf is disabled" no \
    "$(exists /etc/apache2/conf-enabled/wfm.conf)"

locked dpkg -P wfm >"$T/purge.log" 2>&1
check "dpkg -P: exit 0" 0 "$?"
INSTALLED=0
check "after dpkg -P: dpkg knows no wfm" "" \
    "$(dpkg-query -W -f='${Status}' wfm 2>/dev/null)"
for f in $ETC /var/lib/wfm /usr/share/wfm /usr/share/doc/wfm \
    /usr/bin/wfm-fcgi /usr/bin/wfm-supervisor /usr/bin/wfmctl \
    /etc/nginx/snippets/wfm.conf /etc/apache2/conf-available/wfm.conf \
    $WANTS/wfm-fcgi.service $WANTS/wfm-supervisor.service; do
	check "after dpkg -P: no $f" no "$(exists "$f")"
done
check "after dpkg -P: users and groups wfm, wfm-handler as before" \
    "$(cat "$T/before.accounts")" "$(accounts)"
check "after dpkg -P: no path named *wfm* that was not there before" "" \
    "$(wfm_paths | comm -13 "$T/before.wfm" -)"
check "after dpkg -P: /etc and /var/lib as before" "" \
    "$(listing | diff "$T/before.list" - | grep '^[<>]')"

log "check-deb took $((SECONDS - T0)) s"
finish
