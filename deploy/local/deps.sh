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
	apache2 libapache2-mod-fcgid spawn-fcgi
	wrk valgrind systemd libclang-rt-14-dev cppcheck clang-tidy
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
	local check=0 all list list_a

	case ${1:-} in
	"")		;;
	--check)	check=1 ;;
	*)		printf 'usage: %s [--check]\n' "$0" >&2; exit 2 ;;
	esac
	command -v dpkg-query >/dev/null ||
	    die "dpkg-query not found: this script is for Debian 12"

	all=("${BUILD_PKGS[@]}" "${RUN_PKGS[@]}")
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
