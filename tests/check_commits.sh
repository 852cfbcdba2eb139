#!/bin/sh
# Every commit subject after BASE is at most MAX characters (the review
# habit of docs/style: "area: what" in <= 72 characters; the older history
# is left as it is).
#
# usage: tests/check_commits.sh [base [max]]    (c9284ae, 72)
#
# Prints each subject that is too long, "hash (N chars): subject", and
# exits 1; exits 0 when all fit. Skips (exit 0, saying why) outside a git
# work tree, without git, or when base is not in this repository (an
# exported tarball, a shallow clone).

base=${1:-c9284ae}
max=${2:-72}
cd "$(dirname "$0")/.." || exit 2

if ! command -v git > /dev/null 2>&1; then
	echo "check_commits: skipped: no git"
	exit 0
fi
if ! git rev-parse --git-dir > /dev/null 2>&1; then
	echo "check_commits: skipped: not a git repository"
	exit 0
fi
if ! git rev-parse -q --verify "$base^{commit}" > /dev/null 2>&1; then
	echo "check_commits: skipped: $base is not in this repository"
	exit 0
fi

# Count characters, not bytes: a subject may be UTF-8 (perl, since
# mawk's length() counts bytes).
git log --format='%h %s' "$base..HEAD" | perl -CS -ne '
	BEGIN { $max = shift @ARGV; $n = $bad = 0 }
	chomp;
	my ($h, $s) = split / /, $_, 2;
	$s = "" unless defined $s;
	$n++;
	if (length($s) > $max) {
		printf "%s (%d chars): %s\n", $h, length($s), $s;
		$bad++;
	}
	END {
		if ($bad) {
			printf "check_commits: %d of %d subjects over %d " .
			    "characters\n", $bad, $n, $max;
			exit 1;
		}
		printf "check_commits: ok (%d subjects after the base, " .
		    "each <= %d)\n", $n, $max;
	}
' "$max"
