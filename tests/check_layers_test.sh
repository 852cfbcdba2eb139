#!/bin/sh
# The test of tests/check_layers.sh: a clean scratch tree passes, and a
# tree with one violation of each kind reports exactly those, by file,
# line and rule (so nothing is missed and nothing clean is reported).
#
# usage: bash tests/check_layers_test.sh

here=$(cd "$(dirname "$0")" && pwd)
check="$here/check_layers.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_layers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0

put() {		# put FILE: write stdin to $tree/FILE
	mkdir -p "$(dirname "$tree/$1")"
	cat > "$tree/$1"
}

# A tree that keeps every rule, with the near misses each rule must let
# pass: comments and strings, typed store calls, comparisons of states,
# private headers beside their files, snprintf in the engine.
clean_tree() {
	tree=$1
	put include/common.h <<'EOF'
/* Says STMT_EXEC_GET and store_exec( in a comment: not code. */
int	 util_number(const char *s, long long min, long long max,
	    long long *out, const char **errstr);
struct errmsg;
int	 f(const char *in, struct errmsg *e);
EOF
	put include/store_exec.h <<'EOF'
#include "common.h"
int	 store_exec_get(struct store *st, const char *id, struct exec_row *);
int	 store_exec_insert(struct store *st, const struct exec_new *in);
EOF
	put src/store/store_int.h <<'EOF'
struct sres;
enum stmt_id { STMT_EXEC_GET };
int	 store_exec(struct store *, enum stmt_id, const struct sparam *, int,
	    struct sres **);
EOF
	put src/store/store_exec.c <<'EOF'
#include <mysql.h>
#include "store_int.h"
#include "store_exec.h"
int
store_exec_get(struct store *st, const char *id, struct exec_row *row)
{
	struct sres	*res = NULL;
	struct sparam	 p[] = { SP_STR(id), SP_INT(1), SP_NULL(), SP_BLOB(x, 2) };

	time(NULL);
	store_exec(st, STMT_EXEC_GET, p, 4, &res);
	row->n = sres_int(res, 0, 0);
	sres_get(res, 0, 1);
	sres_free(res);
	return 0;
}
EOF
	put src/http/http.h <<'EOF'
#define WFM_SCHEMA_VERSION 20
EOF
	put src/http/http_int.h <<'EOF'
#include "http.h"
EOF
	put src/http/http_exec.c <<'EOF'
#include <stdio.h>
#include <time.h>
#include "http.h"
#include "http_int.h"
#include "store_exec.h"
/*
 * s->st = ENGINE_FAILED; #include "sup_step.h"
 */
static const char *msg = "STMT_EXEC_GET store_exec( s->st = ENGINE_FAILED";
int
h(struct store *st, struct step *s, int *v, long *t)
{
	char	 c = '"';

	*t = util_now_ms();
	if (s->st == ENGINE_FAILED || s->st != ENGINE_WAITING ||
	    v[0] == ENGINE_RUNNING || s->st >= ENGINE_SKIPPED)
		return store_exec_insert(st, NULL) + c;
	v[1] = ENGINE_OUT_RUNNING;
	v[2] = ENGINE_EX_PAUSED;
	return store_exec_get(st, "STMT_X", NULL);
}
EOF
	put src/supervisor/sup_step.h <<'EOF'
int	 sup_step_x(int);
EOF
	put src/supervisor/sup_int.h <<'EOF'
#include "sup_step.h"
EOF
	put src/supervisor/sup_run.c <<'EOF'
#include "sup_int.h"
#include "engine.h"
void
run(struct run *r, size_t i)
{
	engine_step_fail(&r->s[i], 3, 1000, &r->delay);
	r->read(r);
	r->started = util_mono_ms();
}
EOF
	put include/engine.h <<'EOF'
enum engine_state { ENGINE_PENDING, ENGINE_RUNNING };
EOF
	put src/engine/engine_step.c <<'EOF'
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "engine.h"
#include "expr_int.h"
/* Pure: never time(NULL), rand() or fopen(); FILE is for others. */
int
engine_step_start(struct engine_step *s, int64_t now, char *buf, size_t n)
{
	if (s->st != ENGINE_PENDING)
		return RC_CONFLICT;
	s->st = ENGINE_RUNNING;
	s->states[0] = ENGINE_RUNNING;
	s->started = now;
	snprintf(buf, n, "%s", "read(fd) time(NULL)");
	return read_small(s) + s->time + s->clock.x;
}
EOF
	put src/engine/expr_int.h <<'EOF'
int	 read_small(struct engine_step *);
EOF
}

# The clean tree passes.
clean_tree "$tmp/clean"
if out=$(sh "$check" "$tmp/clean" 2>&1); then
	case $out in
	"check_layers: ok ("*) echo "ok - a clean tree passes" ;;
	*) echo "not ok - a clean tree: unexpected output:"; echo "$out"
	   fail=1 ;;
	esac
else
	echo "not ok - a clean tree fails:"; echo "$out"; fail=1
fi

# One violation of each kind, added to a clean tree.
clean_tree "$tmp/bad"
tree=$tmp/bad
put src/http/http_sql.c <<'EOF'
#include "store_exec.h"
int
h(struct store *st, const char *id)
{
	struct sres	*res = NULL;
	struct sparam	 p[] = { SP_STR(id), SP_INT(1), SP_NULL(),
	    SP_STRN(id, 2), SP_DBL(1.5), SP_BLOB(id, 2) };
	enum stmt_id	 sid = STMT_EXEC_GET;
	int		 n;

	store_exec (st, sid, p, 6, &res);
	n = sres_int(res, 0, 0);
	(void)sres_get(res, 0, 1);
	sres_free(res);
	return n;
}
EOF
put src/engine/engine_io.c <<'EOF'
#include <stdio.h>
#include <unistd.h>
#include <time.h>
#include <mysql.h>
#include <curl/curl.h>
#include "common.h"
long
engine_io(void)
{
	FILE	*f = fopen("/x", "r");
	long	 t = time(NULL);
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t += rand();
	t += util_now_ms();
	t += util_mono_ms();
	t += read(0, NULL, 0);
	return t + (f != NULL);
}
EOF
put src/ctl/ctl_bad.c <<'EOF'
#include "http.h"
#include "http_int.h"
#include "store_int.h"
EOF
put src/http/http_bad.c <<'EOF'
#include "sup_step.h"
#include "sup_int.h"
#include "nowhere.h"
EOF
put src/supervisor/sup_bad.c <<'EOF'
#include "sup_int.h"
void
bad(struct run *r, struct step *s, enum engine_state *st, size_t i)
{
	s->st = ENGINE_FAILED;
	r->s[i].st=ENGINE_PENDING;
	st[i] = ENGINE_SKIPPED;
	r->it[i] . st = ENGINE_RETRY_WAIT;
}
EOF
put include/bad.h <<'EOF'
int	 a(const char *s, char *err, size_t errlen);
int	 b(const char *s, const char **why);
int	 c(int x, char *errbuf,
	    size_t len);
int	 d(char *why, size_t n);
EOF
cat > "$tmp/want" <<'EOF'
include/bad.h:1: error-channel
include/bad.h:2: error-channel
include/bad.h:3: error-channel
include/bad.h:5: error-channel
src/ctl/ctl_bad.c:1: private-header
src/ctl/ctl_bad.c:2: private-header
src/ctl/ctl_bad.c:3: private-header
src/engine/engine_io.c:10: engine-call
src/engine/engine_io.c:10: engine-call
src/engine/engine_io.c:11: engine-call
src/engine/engine_io.c:14: engine-call
src/engine/engine_io.c:15: engine-call
src/engine/engine_io.c:16: engine-call
src/engine/engine_io.c:17: engine-call
src/engine/engine_io.c:18: engine-call
src/engine/engine_io.c:1: engine-include
src/engine/engine_io.c:2: engine-include
src/engine/engine_io.c:3: engine-include
src/engine/engine_io.c:4: engine-include
src/engine/engine_io.c:5: engine-include
src/http/http_bad.c:1: private-header
src/http/http_bad.c:2: private-header
src/http/http_bad.c:3: private-header
src/http/http_sql.c:11: store-sql
src/http/http_sql.c:12: store-sql
src/http/http_sql.c:13: store-sql
src/http/http_sql.c:14: store-sql
src/http/http_sql.c:5: store-sql
src/http/http_sql.c:6: store-sql
src/http/http_sql.c:6: store-sql
src/http/http_sql.c:6: store-sql
src/http/http_sql.c:7: store-sql
src/http/http_sql.c:7: store-sql
src/http/http_sql.c:7: store-sql
src/http/http_sql.c:8: store-sql
src/http/http_sql.c:8: store-sql
src/supervisor/sup_bad.c:5: engine-state
src/supervisor/sup_bad.c:6: engine-state
src/supervisor/sup_bad.c:7: engine-state
src/supervisor/sup_bad.c:8: engine-state
EOF
sh "$check" "$tmp/bad" > "$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 1 ]; then
	echo "ok - a tree with violations exits 1"
else
	echo "not ok - a tree with violations exits $rc, not 1"; fail=1
fi
sed -n 's/^\([^:]*:[0-9]*: [a-z-]*\): .*/\1/p' "$tmp/out" | LC_ALL=C sort \
    > "$tmp/got"
LC_ALL=C sort "$tmp/want" > "$tmp/want.sorted"
if cmp -s "$tmp/got" "$tmp/want.sorted"; then
	echo "ok - each violation is reported, and nothing else"
else
	echo "not ok - reports differ (- wanted, + got):"
	diff -u "$tmp/want.sorted" "$tmp/got" | sed -n '3,$p'
	fail=1
fi
for rule in store-sql engine-include engine-call private-header \
    engine-state error-channel; do
	if grep -q ": $rule: " "$tmp/out"; then
		echo "ok - rule $rule reported"
	else
		echo "not ok - rule $rule never reported"; fail=1
	fi
done
if tail -n 1 "$tmp/out" | grep -q '^check_layers: 40 violations in 6 files$'
then
	echo "ok - the summary counts violations and files"
else
	echo "not ok - summary: $(tail -n 1 "$tmp/out")"; fail=1
fi

# A missing tree is a usage error, not a pass.
if sh "$check" "$tmp/none" > /dev/null 2>&1; then
	echo "not ok - a missing tree passes"; fail=1
else
	echo "ok - a missing tree fails"
fi

[ "$fail" -eq 0 ] && echo "check_layers_test: all passed"
exit $fail
