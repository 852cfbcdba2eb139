#!/usr/bin/env bash
#
# The keys of wfm.conf are written down in three places: the table of
# src/common/config.c (what the programs accept: the source of truth),
# deploy/wfm.conf.example and the man page docs/man/wfm.conf.5. This
# fails, naming each difference, when they disagree on the set of keys or
# on a key's default, so that none of them can drift (`make check-man`).
#
#	bash tests/man/check_conf_keys.sh [CONFIG_C EXAMPLE PAGE]
#
# What is compared, as "section.key<TAB>default" lines ("none" for a key
# without a built-in default):
# - config.c: each { "section", "name", type, offset, default, min, max }
#   entry of the keys[] table;
# - the example: each "key = value" line under its [section], with the
#   "Default: X." that ends the comment just above it; and for a key with
#   a built-in default, the value set must be that default (the file
#   promises "each key below is set to its built-in default");
# - the page: each ".It Cm key" under ".Ss Bq section" in its KEYS
#   section, with the one "Default: X." line of that item.

set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/../.." && pwd)
cfg_c=${1:-$root/src/common/config.c}
example=${2:-$root/deploy/wfm.conf.example}
page=${3:-$root/docs/man/wfm.conf.5}

fail=0
TAB=$(printf '\t')
problem() { printf 'check_conf_keys: %s\n' "$*" >&2; fail=1; }

for f in "$cfg_c" "$example" "$page"; do
	[[ -r $f ]] || { problem "cannot read $f"; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The loader refuses a line that does not fit libinih's buffer (198 bytes
# and the newline, config.c): the example must load as it is.
awk -v f="$example" 'length($0) > 198 {
	printf "%s: line %d is %d bytes, more than the 198 the loader takes\n",
	    f, NR, length($0) }' "$example" >"$tmp/long"
if [[ -s $tmp/long ]]; then
	sed 's/^/check_conf_keys: /' "$tmp/long" >&2
	fail=1
fi

# config.c: the entries between "keys[] = {" and "};", each possibly
# spread over several lines, end with "},".
awk '
/^static const struct key keys\[\] = \{/ { on = 1; next }
on && /^\};/ { on = 0 }
!on { next }
{
	sub(/^[ \t]+/, ""); e = e " " $0
	if (e !~ /\},[ \t]*$/) next
	n = split(e, f, ",")
	sec = f[1]; sub(/^[ \t]*\{[ \t]*"/, "", sec); sub(/".*/, "", sec)
	key = f[2]; gsub(/[ \t"]/, "", key)
	def = f[5]; gsub(/^[ \t]+|[ \t]+$/, "", def)
	if (def == "NULL") def = "none"
	else { sub(/^"/, "", def); sub(/"$/, "", def) }
	if (n < 7 || sec == "" || key == "")
		printf "BAD unparsed entry:%s\n", e
	else
		printf "%s.%s\t%s\n", sec, key, def
	e = ""
}' "$cfg_c" >"$tmp/c.all"

# The example: "Default: X." at the end of the last comment line above
# each key; the set value goes into a separate list.
awk -v vals="$tmp/e.vals" '
/^\[[a-z_]+\][ \t]*$/ { sec = $0; gsub(/[][ \t]/, "", sec); def = ""; next }
/^[ \t]*#/ {
	def = ""
	if (match($0, /Default: .*\.$/))
		def = substr($0, RSTART + 9, RLENGTH - 10)
	next
}
/^[ \t]*$/ { def = ""; next }
/^[a-z_]+[ \t]*=/ {
	key = $0; sub(/[ \t]*=.*/, "", key)
	val = $0; sub(/^[^=]*=[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
	if (sec == "") printf "BAD %s outside a section\n", key
	else if (def == "") printf "BAD %s.%s has no \"Default: X.\" comment\n", sec, key
	else printf "%s.%s\t%s\n", sec, key, def
	printf "%s.%s\t%s\n", sec, key, val >vals
	def = ""
	next
}
{ printf "BAD line %d not understood: %s\n", NR, $0 }' "$example" >"$tmp/e.all"

# The page: only the KEYS section.
awk '
function flush() {
	if (key == "") return
	if (ndef != 1)
		printf "BAD %s.%s has %d \"Default: X.\" lines\n", sec, key, ndef
	else
		printf "%s.%s\t%s\n", sec, key, def
	key = ""
}
/^\.Sh / { flush(); keys = ($0 == ".Sh KEYS"); sec = ""; next }
!keys { next }
/^\.Ss / {
	flush(); sec = ""
	if ($0 ~ /^\.Ss Bq [a-z_]+$/) sec = $3
	else printf "BAD subsection is not \".Ss Bq section\": %s\n", $0
	next
}
/^\.It Cm / {
	flush()
	if (sec == "") { printf "BAD key %s outside a section\n", $3; next }
	key = $3; ndef = 0; def = ""
	next
}
/^\.It / { flush(); next }
/^\.El/ { flush(); next }
/^Default: .*\.$/ {
	ndef++; def = substr($0, 10, length($0) - 10)
}
END { flush() }' "$page" >"$tmp/m.all"

for s in c e m; do
	grep '^BAD ' "$tmp/$s.all" | sed 's/^BAD //' |
	    while IFS= read -r l; do echo "$s: $l"; done >>"$tmp/bad" || true
	grep -v '^BAD ' "$tmp/$s.all" | sort >"$tmp/$s" || true
	cut -f1 "$tmp/$s" | uniq -d |
	    while IFS= read -r k; do echo "$s: $k listed twice"; done \
	    >>"$tmp/bad" || true
done
if [[ -s $tmp/bad ]]; then
	sed -e "s|^c: |$cfg_c: |" -e "s|^e: |$example: |" \
	    -e "s|^m: |$page: |" "$tmp/bad" >&2
	fail=1
fi
if [[ ! -s $tmp/c ]]; then
	problem "$cfg_c: no keys found (has the keys[] table moved?)"
	exit 1
fi

# Keys: config.c against each of the others, then the defaults.
cut -f1 "$tmp/c" >"$tmp/c.keys"
for s in e m; do
	case $s in e) f=$example ;; m) f=$page ;; esac
	cut -f1 "$tmp/$s" >"$tmp/$s.keys"
	comm -23 "$tmp/c.keys" "$tmp/$s.keys" | while IFS= read -r k; do
		echo "$f: key ${k/./ } of config.c is missing"; done >>"$tmp/diff"
	comm -13 "$tmp/c.keys" "$tmp/$s.keys" | while IFS= read -r k; do
		echo "$f: key ${k/./ } does not exist in config.c"; done \
		>>"$tmp/diff"
	join -t "$TAB" "$tmp/c" "$tmp/$s" | awk -F "\t" -v f="$f" '$2 != $3 {
		printf "%s: default of %s is \"%s\", config.c says \"%s\"\n",
		    f, $1, $3, $2 }' >>"$tmp/diff"
done
sort "$tmp/e.vals" | join -t "$TAB" "$tmp/c" - |
    awk -F "\t" -v f="$example" '
	$2 != "none" && $2 != $3 {
		printf "%s: %s is set to \"%s\", not its default \"%s\"\n",
		    f, $1, $3, $2 }' >>"$tmp/diff"
if [[ -s $tmp/diff ]]; then
	sed 's/^/check_conf_keys: /' "$tmp/diff" >&2
	fail=1
fi

if ((fail)); then
	exit 1
fi
echo "check_conf_keys: $(wc -l <"$tmp/c") keys agree in config.c," \
    "$(basename "$example") and $(basename "$page")"
