#!/usr/bin/env bash
#
# Install the Debian 12 packages wfm needs to build, run and test, and
# only those that are missing (`make deps`; also run by `make run` and
# `make test`). Uses sudo when not root. Never starts the system MariaDB,
# nginx or Apache services: while installing, /usr/sbin/policy-rc.d
# answers 101 ("action forbidden") if no policy exists already.
#
#	bash deploy/local/deps.sh		install what is missing
#	bash deploy/local/deps.sh --check	list what is missing, exit 1 if any
#	bash deploy/local/deps.sh --bench	also the peers of `make bench`
#	bash deploy/local/deps.sh --check --bench
#	bash deploy/local/deps.sh --deb		only what `make deb` needs
#
# BENCH_PKGS are only for `make bench` (the PHP-FPM and FastAPI peers it
# measures wfm against, tests/bench/README.md): `make test` and CI do not
# install them.
#
# Every name below exists in Debian 12 (checked with apt-cache policy).

set -euo pipefail

readonly BUILD_PKGS=(
	gcc clang make pkg-config
	libfcgi-dev libjson-c-dev libmariadb-dev uuid-dev libjwt-dev
	libcunit1-dev libcurl4-openssl-dev libinih-dev libssl-dev
	libpcre2-dev
)
readonly RUN_PKGS=(
	mariadb-server mariadb-client nginx-light curl openssl
	galera-4 mariadb-backup	# tests/cluster/galera.sh
	apache2 libapache2-mod-fcgid spawn-fcgi
	wrk valgrind systemd libclang-rt-14-dev cppcheck clang-tidy
	mandoc chromium chromium-driver python3-selenium
	php8.2-cli php8.2-curl phpunit
	tzdata		# schedules read /usr/share/zoneinfo (src/engine/sched_tzload.c)
)
readonly BENCH_PKGS=(
	php8.2-fpm php8.2-mysql
	python3-fastapi uvicorn python3-mysqldb python3-jwt
)
# Building the Debian package (`make deb`, tests/deploy/deb.sh):
# debhelper brings dpkg-dev (dpkg-buildpackage).
readonly DEB_PKGS=(
	debhelper dpkg-dev lintian
)
readonly POLICY=/usr/sbin/policy-rc.d

log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# Print the packages of "$@" that are not installed, one a line.
missing() {
	local installed

	# "install ok installed" or "hold ok installed"; unknown packages
	# print nothing on stdout.
	installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" \
	    2>/dev/null | awk '$NF == "installed" { print $1 }') || true
	printf '%s\n' "$@" | grep -vxF -f <(printf '%s\n' "$installed") || true
}

SUDO=()
POLICY_MADE=0

cleanup() {
	if ((POLICY_MADE)); then
		"${SUDO[@]}" rm -f "$POLICY" || log "could not remove $POLICY"
	fi
}

main() {
	local check=0 bench=0 all list list_a a

	all=("${BUILD_PKGS[@]}" "${RUN_PKGS[@]}" "${DEB_PKGS[@]}")
	for a in "$@"; do
		case $a in
		--check)	check=1 ;;
		--bench)	bench=1 ;;
		--deb)		all=("${BUILD_PKGS[@]}" "${DEB_PKGS[@]}") ;;
		*)		printf 'usage: %s [--check] [--bench|--deb]\n' "$0" >&2
				exit 2 ;;
		esac
	done
	command -v dpkg-query >/dev/null ||
	    die "dpkg-query not found: this script is for Debian 12"

	((bench)) && all+=("${BENCH_PKGS[@]}")
	list=$(missing "${all[@]}")
	if [[ -z $list ]]; then
		log "all ${#all[@]} packages are installed"
		return 0
	fi
	mapfile -t list_a <<<"$list"
	log "missing: ${list_a[*]}"
	((check)) && exit 1

	if ((EUID != 0)); then
		command -v sudo >/dev/null || die "not root and no sudo"
		SUDO=(sudo)
	fi
	trap cleanup EXIT
	if [[ ! -e $POLICY ]]; then
		printf '#!/bin/sh\n# deploy/local/deps.sh: no service starts during install\nexit 101\n' |
		    "${SUDO[@]}" tee "$POLICY" >/dev/null
		POLICY_MADE=1
		"${SUDO[@]}" chmod 755 "$POLICY"
	fi
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    -o Dpkg::Options::=--force-confdef \
	    -o Dpkg::Options::=--force-confold "${list_a[@]}"

	list=$(missing "${all[@]}")
	[[ -z $list ]] || die "still missing after apt-get install: $list"
	log "installed: ${list_a[*]}"
}

main "$@"
