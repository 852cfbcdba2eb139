#!/usr/bin/env bash
#
# Mint a JWS compact token with the openssl command line only, as a second
# implementation the unit tests check auth_verify against (the server side
# uses libjwt).
#
# usage: mint.sh ALG KEYFILE HEADER_JSON PAYLOAD_JSON
#   ALG      HS256, RS256 or ES256 (only chooses how to sign; the "alg" the
#            token claims is whatever HEADER_JSON says)
#   KEYFILE  HS256: the shared secret, every byte of the file (so a PEM file
#            can be used as an HMAC secret); RS256/ES256: a PEM private key
# The token is printed on stdout without a newline.
#
set -eu -o pipefail

[ $# -eq 4 ] || { echo "usage: mint.sh ALG KEYFILE HEADER PAYLOAD" >&2; exit 2; }
alg=$1 key=$2 header=$3 payload=$4

b64url() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# Hex text on stdin to bytes on stdout (bash printf understands \xHH).
unhex() {
	local hex
	hex=$(tr -d ' \n')
	printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')"
}

input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"

case $alg in
HS256)
	hexkey=$(od -An -v -tx1 "$key" | tr -d ' \n')
	sig=$(printf '%s' "$input" |
	    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary |
	    b64url)
	;;
RS256)
	sig=$(printf '%s' "$input" | openssl dgst -sha256 -sign "$key" | b64url)
	;;
ES256)
	# openssl writes a DER ECDSA-Sig-Value (SEQUENCE of INTEGER r, s);
	# JWS wants r || s as two 32-byte big-endian numbers (RFC 7518 3.4).
	ints=$(printf '%s' "$input" | openssl dgst -sha256 -sign "$key" |
	    openssl asn1parse -inform DER |
	    awk -F: '/prim: *INTEGER/ { print $NF }')
	raw=""
	for v in $ints; do
		v=$(printf '%064s' "$v" | tr ' ' '0')
		[ ${#v} -eq 64 ] || { echo "mint.sh: bad ECDSA integer" >&2; exit 1; }
		raw="$raw$v"
	done
	[ ${#raw} -eq 128 ] || { echo "mint.sh: bad ECDSA signature" >&2; exit 1; }
	sig=$(printf '%s' "$raw" | unhex | b64url)
	;;
*)
	echo "mint.sh: unknown algorithm $alg" >&2
	exit 2
	;;
esac

printf '%s.%s' "$input" "$sig"
