#!/bin/sh
# The layer rules of docs/architecture.md, checked on the source text.
#
# usage: tests/check_layers.sh [root]     (root: the repository, by default
#                                          the one holding this script)
#
# Reads every *.c and *.h under root/src and root/include (tests/ are
# exempt: they reach private headers and the raw store on purpose),
# comments and string contents ignored, and prints one line per
# violation, "file:line: rule: what", then exits 1; exits 0 and says so
# when there is none. The rules:
#
#   store-sql       only src/store/ speaks SQL: elsewhere no store_exec(,
#                   struct sres, sres_get/sres_int/sres_free, SP_* parameter
#                   kinds, enum stmt_id or STMT_* ids (call the typed
#                   functions of include/store_<domain>.h instead)
#   engine-include  src/engine/ is pure: no <unistd.h>, <time.h>,
#                   <sys/time.h>, <fcntl.h>, <sys/stat.h>, <sys/socket.h>,
#                   MariaDB or curl headers; <stdio.h> only for the
#                   snprintf family (reported when the file uses streams)
#   engine-call     src/engine/ reads no clock and no randomness and does
#                   no I/O: time(), clock_gettime(), rand() and kin,
#                   util_now_ms(), util_mono_*(), util_random(), util_uuid*(),
#                   open/read/write/close, stdio streams, mysql_*, curl_*
#   private-header  a quoted #include names a header of include/ or one
#                   beside the including file: src/http/http.h, *_int.h,
#                   src/supervisor/sup_step.h... stay in their folder
#   engine-state    outside src/engine/ no assignment of a step state
#                   (->st = ENGINE_*, .st = ENGINE_*, [i] = ENGINE_*):
#                   transitions are calls into the engine
#   error-channel   no parameter "char *err, size_t" (or errbuf, why) nor
#                   "const char **why": enum rc plus struct errmsg *
#
# Needs perl (perl-base is essential on Debian).

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
if [ ! -d "$root/src" ]; then
	echo "check_layers: $root/src: no such directory" >&2
	exit 2
fi
exec perl -w - "$root" <<'PERL'
use strict;
use File::Basename qw(dirname basename);
use File::Find;

my $root = shift;
chdir $root or die "check_layers: $root: $!\n";

my @files;
find({ no_chdir => 1, wanted => sub {
	push @files, $File::Find::name if -f $_ && /\.[ch]\z/;
} }, grep { -d } qw(src include));
@files = sort @files;

# Where each header lives, to name the folder of a misplaced include.
my %home;
for (@files) {
	push @{ $home{basename($_)} }, dirname($_) if /\.h\z/;
}

my ($count, %bad) = (0);

sub report {
	my ($f, $line, $rule, $what) = @_;
	print "$f:$line: $rule: $what\n";
	$count++;
	$bad{$f} = 1;
}

# Blank a match but keep its newlines, so line numbers stay true.
sub blank {
	my $s = shift;
	$s =~ s/[^\n]/ /g;
	return $s;
}

my $STREAM = qr/\b(?:FILE|stdin|stdout|stderr|fopen|fdopen|freopen|popen|
    fclose|fflush|fread|fwrite|fgets|fputs|fputc|fgetc|getc|putc|getchar|
    putchar|puts|printf|vprintf|fprintf|vfprintf|scanf|fscanf|perror|
    getline|getdelim)\b/x;
my $IMPURE = qr/(?<![\w.>])(time|clock_gettime|gettimeofday|clock|
    localtime\w*|mktime|tzset|getenv|s?rand|s?random|rand_r|[del]rand48|
    getrandom|arc4random\w*|util_now_ms|util_mono_\w+|util_random|
    util_uuid\w*|open|openat|creat|read|pread|write|pwrite|close|l?stat|
    fstat|socket|connect|send|recv|sleep|usleep|nanosleep|system|fork|
    exec[lv]p?e?|mysql_\w+|curl_\w+)\s*\(/x;
my $BADINC = qr/^(?:unistd\.h|time\.h|sys\/time\.h|fcntl\.h|sys\/stat\.h|
    sys\/socket\.h|netdb\.h|mysql\.h|mysql\/.*|mariadb\/.*|curl\/.*)\z/x;

for my $f (@files) {
	open(my $fh, '<', $f) or die "check_layers: $f: $!\n";
	my $src = do { local $/; <$fh> };
	close($fh);

	# $inc: comments blanked; $code: string and character contents too.
	my $inc = $src;
	$inc =~ s{("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|(/\*.*?\*/|//[^\n]*)}
	    { defined $1 ? $1 : blank($2) }gse;
	my $code = $inc;
	$code =~ s{"((?:\\.|[^"\\\n])*)"|'((?:\\.|[^'\\\n])*)'}
	    { defined $1 ? '"' . blank($1) . '"' : "'" . blank($2) . "'" }gse;
	my $lineof = sub {
		my $head = substr($code, 0, $_[0]);

		return 1 + ($head =~ tr/\n//);
	};
	my $dir = dirname($f);
	my $in_store = $f =~ m{^src/store/};
	my $in_engine = $f =~ m{^src/engine/};

	unless ($in_store) {
		while ($code =~ /\b(store_exec\s*\(|struct\s+sres\b|
		    sres_(?:get|int|free)\b|SP_(?:INT|STRN|STR|NULL|DBL|BLOB)\b|
		    enum\s+stmt_id\b|STMT_[A-Z]\w*)/xg) {
			my ($what, $at) = ($1, $-[1]);

			$what =~ s/\s+/ /g;
			report($f, $lineof->($at), 'store-sql',
			    "$what outside src/store/ (use a typed " .
			    "include/store_<domain>.h function)");
		}
	}

	while ($inc =~ /^[ \t]*#[ \t]*include[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>)/mg) {
		my ($q, $a) = ($1, $2);
		my $line = $lineof->($-[0]);
		if ($in_engine) {
			my $h = defined $q ? $q : $a;
			if ($h =~ $BADINC) {
				report($f, $line, 'engine-include',
				    "<$h> in src/engine/ (the engine is pure)");
			} elsif ($h eq 'stdio.h' && $code =~ $STREAM) {
				report($f, $line, 'engine-include',
				    "<stdio.h> for streams in src/engine/ " .
				    "(only the snprintf family is pure)");
			}
		}
		next unless defined $q;
		next if -f "include/$q" || -f "$dir/$q";
		my $where = $home{basename($q)};
		report($f, $line, 'private-header', "\"$q\" " . ($where ?
		    "is private to " . join(', ', map { "$_/" } @$where) :
		    "is neither in include/ nor beside this file"));
	}

	if ($in_engine) {
		while ($code =~ /$IMPURE/g) {
			my $what = $1;

			report($f, $lineof->($-[1]), 'engine-call',
			    "$what() in src/engine/ (pass times, random numbers " .
			    "and bytes in)");
		}
		while ($code =~ /($STREAM)/g) {
			my $what = $1;

			report($f, $lineof->($-[1]), 'engine-call',
			    "$what in src/engine/ (no streams: the engine is pure)");
		}
	} else {
		while ($code =~ /((?:->|\.)\s*st\s*=(?!=)\s*(ENGINE_[A-Z]\w*)|
		    \]\s*=(?!=)\s*(ENGINE_(?!OUT_|EX_)[A-Z]\w*))/xg) {
			my $what = defined $2 ? $2 : $3;
			report($f, $lineof->($-[1]), 'engine-state',
			    "assigns $what outside src/engine/ (make the " .
			    "transition a call into the engine)");
		}
	}

	while ($code =~ /[(,]\s*((?:const\s+)?char\s*\*\s*(err\w*|why\w*)\s*,
	    \s*size_t\b|const\s+char\s*\*\s*\*\s*(why\w*)\s*[,)])/xg) {
		my $p = defined $2 ? "char *$2, size_t" : "const char **$3";
		report($f, $lineof->($-[1]), 'error-channel',
		    "parameter \"$p\" (return enum rc and fill a struct " .
		    "errmsg *)");
	}
}

if ($count) {
	printf "check_layers: %d violation%s in %d file%s\n", $count,
	    $count == 1 ? '' : 's', scalar(keys %bad),
	    keys(%bad) == 1 ? '' : 's';
	exit 1;
}
printf "check_layers: ok (%d files)\n", scalar(@files);
exit 0;
PERL
