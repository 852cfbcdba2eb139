# Sourced by tests/bench/run.sh once every figure is in F: prints the one
# table of `make bench` (also $VAR/results.txt) and writes $RESULTS. Not
# meant to run alone.
# shellcheck shell=bash disable=SC2154 # F, ROWS, settings: run.sh, peers.sh

# ---- table and JSON ------------------------------------------------------

F[elapsed_s]=$(elapsed)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ratio VALUE CEILING: VALUE / CEILING to 3 significant digits, or "-".
ratio() {
	[[ -n ${1:-} && -n ${2:-} && $1 != null && $2 != null ]] || {
		echo -
		return
	}
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-";
	    else printf "%.3g\n", a / b }'
}
# verdict VALUE OP LIMIT: PASS or MISS.
verdict() {
	[[ -n ${1:-} && $1 != null && $1 != - ]] || {
		echo MISS
		return
	}
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
	    ok = op == ">=" ? v >= l : op == "<" ? v < l : v <= l
	    print ok ? "PASS" : "MISS" }'
}

ROWS=()	# figure|value|unit|x nginx|x bare|x peer...|target|verdict|json key

# row LABEL VALUE UNIT X_NGINX X_BARE "NUM SUFFIX" [TARGET VERDICT] KEY:
# the peer ratios are NUM / F[PEER SUFFIX] for each peer ("-" when the
# peer was not measured, or when SUFFIX is empty).
row() {
	local num suf p pr=""

	read -r num suf <<<"$6"
	for p in "${PEER_NAMES[@]}"; do
		if [[ -n $suf ]]; then
			pr+="$(ratio "$num" "${F[$p$suf]:-}")|"
		else
			pr+="-|"
		fi
	done
	ROWS+=("$1|$2|$3|$4|$5|$pr${7:-}|${8:-}|$9")
}

declare -A MIX_LABEL=([one]="1 user" [many]="$NUSERS users")

# http_rows KEY LABEL [TARGET] [PEER_MIX]: req/s, p50, p99, errors of a
# load. PEER_MIX (one or many): the peers' execute (new) mix that the
# figures are divided by; none for the ceilings and the peers.
http_rows() {
	local key=$1 label=$2 tgt=${3:-} mix=${4:-} rtgt="" rv="" pv="" ptgt=""
	local f pf

	if [[ -n $tgt ]]; then
		rtgt=">= $tgt x bare"
		rv=$(verdict "$(ratio "${F[$key.rps]:-}" "${F[bare.rps]:-}")" ">=" "$tgt")
	fi
	if [[ $key == execute_new_* ]]; then
		ptgt="< 15 ms at 64 conn"
		pv=$(verdict "${F[$key.p99_ms]:-}" "<" 15)
	fi
	for f in rps p50_ms p99_ms; do
		pf=""
		[[ -n $mix ]] && pf="${F[$key.$f]:-} _$mix.$f"
		case $f in
		rps)	row "$label req/s" "${F[$key.$f]:-null}" req/s \
			    "$(ratio "${F[$key.$f]:-null}" "${F[nginx.$f]:-}")" \
			    "$(ratio "${F[$key.$f]:-null}" "${F[bare.$f]:-}")" "$pf" \
			    "$rtgt" "$rv" "$key.$f" ;;
		p50_ms)	row "$label p50" "${F[$key.$f]:-null}" ms \
			    "$(ratio "${F[$key.$f]:-null}" "${F[nginx.$f]:-}")" \
			    "$(ratio "${F[$key.$f]:-null}" "${F[bare.$f]:-}")" "$pf" \
			    "" "" "$key.$f" ;;
		p99_ms)	row "$label p99" "${F[$key.$f]:-null}" ms \
			    "$(ratio "${F[$key.$f]:-null}" "${F[nginx.$f]:-}")" \
			    "$(ratio "${F[$key.$f]:-null}" "${F[bare.$f]:-}")" "$pf" \
			    "$ptgt" "$pv" "$key.$f" ;;
		esac
	done
	row "$label errors" "${F[$key.errors]:-null}" "of ${F[$key.requests]:-?}" \
	    - - "" "" "" "$key.errors"
}

if full; then
	http_rows nginx "nginx return 202"
	http_rows bare "bare libfcgi"
	for p in "${PEER_NAMES[@]}"; do
		[[ -n ${PEER_OK[$p]:-} ]] || continue
		for m in many one; do
			http_rows "${p}_$m" "${PEER_LABEL[$p]} execute ${MIX_LABEL[$m]}"
		done
	done
	for m in many one; do
		http_rows "execute_new_$m" "execute (new) ${MIX_LABEL[$m]}" 0.25 "$m"
	done
elif want schema; then
	http_rows execute_new_one "execute (new) ${MIX_LABEL[one]}" 0.25 one
fi
# Issue 17: the one-user mix with the 30-field schema, and what the
# validation costs it (ratios to the mix without a schema).
if [[ ${F[execute_schema.status]:-} == measured ]]; then
	http_rows execute_schema "execute (schema) 1 user" "" one
	for f in rps p99_ms; do
		F[execute_schema.ratio_$f]=$(ratio "${F[execute_schema.$f]:-}" \
		    "${F[execute_new_one.$f]:-}")
	done
	row "schema / no schema req/s" "${F[execute_schema.ratio_rps]}" \
	    "x 1 user" - - "" "" "" execute_schema.ratio_rps
	row "schema / no schema p99" "${F[execute_schema.ratio_p99_ms]}" \
	    "x 1 user" - - "" "" "" execute_schema.ratio_p99_ms
fi
if full; then
	for m in many one; do
		k=execute_new_$m
		l="execute ${MIX_LABEL[$m]}:"
		row "$l MariaDB CPU" "${F[$k.db.cpu_us]:-null}" "us/req" - - \
		    "${F[$k.db.cpu_us]:-} _$m.db.cpu_us" "" "" "$k.db.cpu_us"
		row "$l statements" "${F[$k.db.statements]:-null}" "per req" - - \
		    "${F[$k.db.statements]:-} _$m.db.statements" "" "" \
		    "$k.db.statements"
		row "$l fsyncs" "${F[$k.db.fsyncs]:-null}" "per req" - - \
		    "${F[$k.db.fsyncs]:-} _$m.db.fsyncs" "" "" "$k.db.fsyncs"
		row "$l rows written" "${F[$k.db.rows_written]:-null}" "per req" - - \
		    "${F[$k.db.rows_written]:-} _$m.db.rows_written" "" "" \
		    "$k.db.rows_written"
	done
	http_rows execute_replay "execute (replay)" 0.40 one
	http_rows get "GET execution" 0.40 one
	http_rows unauth "401 bad token" 0.80 one
	row "drain $DRAIN_N one-step" "${F[drain.per_second]}" exec/s \
	    "$(ratio "${F[drain.per_second]}" "${F[nginx.rps]}")" \
	    "$(ratio "${F[drain.per_second]}" "${F[bare.rps]}")" \
	    "${F[drain.per_second]} _one.rps" ">= 5000/s" \
	    "$(verdict "${F[drain.per_second]}" ">=" 5000)" drain.per_second
	for m in nudge poll; do
		[[ $m == nudge ]] && t="< 5 ms" || t=""
		row "claim latency $m p50" "${F[lat_$m.p50_ms]}" ms \
		    "$(ratio "${F[lat_$m.p50_ms]}" "${F[nginx.p50_ms]}")" \
		    "$(ratio "${F[lat_$m.p50_ms]}" "${F[bare.p50_ms]}")" \
		    "${F[lat_$m.p50_ms]} _one.p50_ms" "$t" \
		    "$([[ -n $t ]] && verdict "${F[lat_$m.p50_ms]}" "<" 5)" \
		    "lat_$m.p50_ms"
		row "claim latency $m p99" "${F[lat_$m.p99_ms]}" ms \
		    "$(ratio "${F[lat_$m.p99_ms]}" "${F[nginx.p99_ms]}")" \
		    "$(ratio "${F[lat_$m.p99_ms]}" "${F[bare.p99_ms]}")" \
		    "${F[lat_$m.p99_ms]} _one.p99_ms" "" "" "lat_$m.p99_ms"
	done
	F[rss.worker_mib]=$(calc "k / 1024" -v k="${F[rss.worker_kib]}")
	F[rss.supervisor_mib]=$(calc "k / 1024" -v k="${F[rss.supervisor_kib]}")
	row "peak RSS worker" "${F[rss.worker_mib]}" MiB \
	    "$(ratio "${F[rss.worker_kib]}" "${F[rss.nginx_kib]}")" \
	    "$(ratio "${F[rss.worker_kib]}" "${F[rss.bare_kib]}")" \
	    "${F[rss.worker_kib]} .rss_kib" "< 8 MiB" \
	    "$(verdict "${F[rss.worker_mib]}" "<" 8)" rss.worker_mib
	row "peak RSS supervisor" "${F[rss.supervisor_mib]}" MiB \
	    "$(ratio "${F[rss.supervisor_kib]}" "${F[rss.nginx_kib]}")" \
	    "$(ratio "${F[rss.supervisor_kib]}" "${F[rss.bare_kib]}")" \
	    "${F[rss.supervisor_kib]} .rss_kib" "< 32 MiB" \
	    "$(verdict "${F[rss.supervisor_mib]}" "<" 32)" rss.supervisor_mib
	for k in claim_small claim_large; do
		row "claim SELECT p50 @${F[$k.pending]}" "${F[$k.p50_ms]}" ms \
		    "$(ratio "${F[$k.p50_ms]}" "${F[nginx.p50_ms]}")" \
		    "$(ratio "${F[$k.p50_ms]}" "${F[bare.p50_ms]}")" \
		    "${F[$k.p50_ms]} _one.p50_ms" "" "" "$k.p50_ms"
	done
	row "claim cost ${F[claim_large.pending]}/${F[claim_small.pending]}" \
	    "${F[claim.ratio_p50]}" "x" - - "" "<= 1.5x" \
	    "$(verdict "${F[claim.ratio_p50]}" "<=" 1.5)" claim.ratio_p50

fi
# Issue 18: the console in headless chromium (tests/bench/console_bench.py).
if [[ ${F[console.status]:-} == measured ]]; then
	F[console.first_visit_kib]=$(calc "b / 1024" \
	    -v b="${F[console.first_visit_bytes]}")
	row "console list 1st render, cold" "${F[console.list_first_ms]}" ms \
	    - - "" "< 300 ms" "$(verdict "${F[console.list_first_ms]}" "<" 300)" \
	    console.list_first_ms
	row "console list 1st render, warm" "${F[console.list_warm_ms]}" ms \
	    - - "" "< 300 ms" "$(verdict "${F[console.list_warm_ms]}" "<" 300)" \
	    console.list_warm_ms
	row "console graph 100 steps" "${F[console.graph_ms]}" ms - - "" \
	    "< 200 ms" "$(verdict "${F[console.graph_ms]}" "<" 200)" \
	    console.graph_ms
	row "console first visit transfer" "${F[console.first_visit_kib]}" \
	    KiB - - "" "< 300 KiB" \
	    "$(verdict "${F[console.first_visit_kib]}" "<" 300)" \
	    console.first_visit_kib
fi

# Issue 16: webhook deliveries to a local receiver (webhook_step).
if [[ ${F[webhook.status]:-} == measured ]]; then
	row "webhook deliveries ${F[webhook.queued]}" "${F[webhook.per_second]}" \
	    deliv/s - - "" "" "" webhook.per_second
	[[ -n ${F[webhook_outbox.per_second]:-} ]] &&
	    row "webhook deliveries, outbox only" \
	    "${F[webhook_outbox.per_second]}" deliv/s - - "" "" "" \
	    webhook_outbox.per_second
fi

# Issue 16: schedules' fire delay and idle CPU (schedule_step).
if [[ ${F[schedule.status]:-} == measured ]]; then
	row "schedule fire delay p50, ${F[schedule.fires_per_second]}/s" \
	    "${F[schedule.delay_p50_ms]}" ms - - "" "" "" schedule.delay_p50_ms
	row "schedule fire delay p99, ${F[schedule.fires_per_second]}/s" \
	    "${F[schedule.delay_p99_ms]}" ms - - "" "< 1000 ms" \
	    "$(verdict "${F[schedule.delay_p99_ms]}" "<" 1000)" \
	    schedule.delay_p99_ms
	row "supervisor idle, ${F[schedule.count]} schedules" \
	    "${F[schedule.idle_cpu_pct]}" "% core" - - "" "< 2 %" \
	    "$(verdict "${F[schedule.idle_cpu_pct]}" "<" 2)" \
	    schedule.idle_cpu_pct
fi

# Issue 15: a 10,000-iteration transform map (map_step).
if [[ ${F[map.status]:-} == measured ]]; then
	row "10,000-iteration transform map time" "${F[map.transform_10k_s]}" \
	    s - - "" "< 2 s" "$(verdict "${F[map.transform_10k_s]}" "<" 2)" \
	    map.transform_10k_s
	row "http map, max_concurrency 100" "${F[map.http_per_second]}" \
	    iter/s - - "" ">= 2000 /s" \
	    "$(verdict "${F[map.http_per_second]}" ">=" 2000)" \
	    map.http_per_second
fi

# Issue 15: signal-to-resume latency of parked executions (signal_step).
if [[ ${F[signal.status]:-} == measured ]]; then
	row "signal to resume p50, ${F[signal.executions]} parked" \
	    "${F[signal.p50_ms]}" ms - - "" "" "" signal.p50_ms
	row "signal to resume p99, ${F[signal.executions]} parked" \
	    "${F[signal.p99_ms]}" ms - - "" "< 100 ms" \
	    "$(verdict "${F[signal.p99_ms]}" "<" 100)" signal.p99_ms
fi

# A figure for the table: integers as they are, other numbers to 3 or 4
# significant digits, anything else (null, text) unchanged.
fmt() {
	awk -v v="$1" 'BEGIN { if (v ~ /^-?[0-9]+$/) printf "%s", v;
	    else if (v ~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/)
	    printf (v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f"), v;
	    else printf "%s", v }'
}

{
	printf '\nwfm make bench  %s  %d cores  %s workers  wrk -t%s -c%s -d%ss\n' \
	    "$STARTED_AT" "$(nproc)" "$WORKERS" "$THREADS" "$CONNS" "$DUR"
	printf '%-36s %9s %-10s %7s %7s %7s %7s %7s  %-20s %s\n' figure \
	    value unit "x nginx" "x bare" "x php" "x fapi" "x C" target result
	printf '%.0s-' {1..130}
	printf '\n'
	for r in "${ROWS[@]}"; do
		IFS='|' read -r a b c d e x1 x2 x3 g h _ <<<"$r"
		printf '%-36s %9s %-10s %7s %7s %7s %7s %7s  %-20s %s\n' "$a" \
		    "$(fmt "$b")" "$c" "$d" "$e" "$x1" "$x2" "$x3" "$g" "$h"
	done
	printf '%.0s-' {1..130}
	printf '\n'
	if full; then
		printf 'x php, x fapi, x C: divided by the same figure of the '
		printf 'PHP-FPM, FastAPI and naive C peers'' execute (new),\nthe '
		printf 'same mix for the execute rows, the one-user mix for the '
		printf 'others; RSS: their largest process.\n'
	fi
	for p in "${PEER_NAMES[@]}"; do
		full && [[ -z ${PEER_OK[$p]:-} ]] &&
		    printf '%s: %s\n' "${PEER_LABEL[$p]}" "${F[$p.status]:-}"
	done
	[[ ${F[execute_schema.status]:-measured} == measured ]] ||
	    printf 'execute (schema): %s\n' "${F[execute_schema.status]}"
	[[ ${F[console.status]:-measured} == measured ]] ||
	    printf 'console: %s\n' "${F[console.status]}"
	[[ ${F[webhook.status]:-measured} == measured ]] ||
	    printf 'webhook: %s\n' "${F[webhook.status]}"
	[[ ${F[map.status]:-measured} == measured ]] ||
	    printf 'map: %s\n' "${F[map.status]}"
	[[ ${F[schedule.status]:-measured} == measured ]] ||
	    printf 'schedule: %s\n' "${F[schedule.status]}"
	[[ ${F[signal.status]:-measured} == measured ]] ||
	    printf 'signal: %s\n' "${F[signal.status]}"
	if [[ ${F[schedule.status]:-} == measured ]]; then
		printf 'schedule: %s fires (%s without an execution, %s of ' \
		    "${F[schedule.fires]}" "${F[schedule.fires_failed]}" \
		    "${F[schedule.executions_completed]}"
		printf 'their executions completed) in %s s, ' \
		    "$(fmt "${F[schedule.fire_seconds]}")"
		printf 'delay max %s ms; supervisor %s core, MariaDB %s core ' \
		    "$(fmt "${F[schedule.delay_max_ms]}")" \
		    "$(fmt "${F[schedule.cpu.supervisor]}")" \
		    "$(fmt "${F[schedule.cpu.mariadb]}")"
		printf 'while firing (and running what they started)\n'
	fi
	if [[ ${F[webhook.status]:-} == measured ]]; then
		printf 'webhook: %s attempts (%s 2xx, %s failed) from the ' \
		    "${F[webhook.attempts]}" "${F[webhook.attempts_2xx]}" \
		    "${F[webhook.failed]}"
		printf 'first to the last in %s s; the executions ran in %s s; ' \
		    "$(fmt "${F[webhook.seconds]}")" \
		    "$(fmt "${F[webhook.executions_seconds]}")"
		printf 'receiver (python3) %s core\n' \
		    "$(fmt "${F[webhook.cpu.receiver]}")"
	fi
	if [[ ${F[console.status]:-} == measured ]]; then
		printf 'console: %s executions of %s in the database; list ' \
		    "${F[console.rows]}" "$CONSOLE_USER"
		printf 'from navigation start to its first page in the DOM; warm: '
		printf 'median of 5 reloads; graph: median of 5 (max %s ms); ' \
		    "$(fmt "${F[console.graph_max_ms]}")"
		printf 'first visit: %s resources, transferSize; cold: ' \
		    "${F[console.first_visit_resources]}"
		printf 'DOMContentLoaded at %s ms, GET of the list %s ms\n' \
		    "$(fmt "${F[console.first_dcl_ms]}")" \
		    "$(fmt "${F[console.first_list_api_ms]}")"
	fi
	printf '\nMariaDB per request during each load (SHOW GLOBAL STATUS '
	printf 'deltas, mariadbd CPU / requests):\n'
	printf '  %-22s %8s %8s %6s %6s %6s  %s\n' load req/s "CPU us" stmts \
	    fsyncs rows "Com_* per request (largest)"
	for k in execute_new_many execute_new_one execute_schema php_many \
	    php_one fastapi_many fastapi_one naive_c_many naive_c_one \
	    execute_replay get unauth; do
		[[ -n ${F[$k.db.statements]:-} ]] || continue
		printf '  %-22s %8s %8s %6s %6s %6s  %s\n' "$k" \
		    "$(fmt "${F[$k.rps]}")" "$(fmt "${F[$k.db.cpu_us]}")" \
		    "$(fmt "${F[$k.db.statements]}")" \
		    "$(fmt "${F[$k.db.fsyncs]}")" \
		    "$(fmt "${F[$k.db.rows_written]}")" "${F[$k.db.com]}"
	done
	printf '\nCPU, cores busy during each load (2 = the whole machine):\n'
	printf '  %-18s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n' load machine \
	    workers superv mariadb nginx bare peer wrk other
	for k in nginx bare php_many php_one fastapi_many fastapi_one \
	    naive_c_many naive_c_one execute_new_many execute_new_one \
	    execute_schema execute_replay get unauth drain webhook webhook_outbox \
	    schedule; do
		[[ -n ${F[$k.cpu.machine]:-} ]] || continue
		printf '  %-18s' "$k"
		for c in machine wfm_workers supervisor mariadb nginx bare_fcgi \
		    peer wrk other; do
			printf ' %6s' "$(awk -v v="${F[$k.cpu.$c]:-0}" \
			    'BEGIN { printf "%.2f", v }')"
		done
		printf '\n'
	done
	if full; then
		pe() { fmt "${F[drain.per_execution.$1]:-null}"; }
		printf 'drain, per execution: %s statements (%s prepared, ' \
		    "$(pe statements)" "$(pe stmt_execute)"
		printf '%s COMMIT, %s SET autocommit), %s fsyncs, %s index ' \
		    "$(pe commit)" "$(pe set_option)" "$(pe fsyncs)" \
		    "$(pe index_rows_read)"
		printf 'entries read\n'
		printf 'claim SELECT plan @%s: %s; rows read %s, sorted %s\n' \
		    "${F[claim_small.pending]}" "${F[claim_small.explain]}" \
		    "${F[claim_small.handler_reads]}" "${F[claim_small.sort_rows]}"
		printf 'claim SELECT plan @%s: %s; rows read %s, sorted %s\n' \
		    "${F[claim_large.pending]}" "${F[claim_large.explain]}" \
		    "${F[claim_large.handler_reads]}" "${F[claim_large.sort_rows]}"
		if [[ ${F[drain.left]:-0} != 0 ]]; then
			printf 'note: the drain stopped waiting after 45 s with %s ' \
			    "${F[drain.left]}"
			printf 'executions pending or running; they drained during the '
			printf 'next loads\n'
		fi
		if [[ -n ${F[claim.triggers_dropped]// /} ]]; then
			printf 'claim probe rows inserted without the triggers on '
			printf 'executions (dropped: %s)\n' "${F[claim.triggers_dropped]% }"
		fi
		if ((CLAIM_ROWS < ${WFM_BENCH_CLAIM_ROWS:-1000000})); then
			printf 'note: the large claim probe used %s rows, not %s, to ' \
			    "$CLAIM_ROWS" "${WFM_BENCH_CLAIM_ROWS:-1000000}"
			printf 'stay within the budget\n'
		fi
	else
		printf 'only %s (WFM_BENCH_ONLY): the other figures were not ' \
		    "$ONLY"
		printf 'measured\n'
	fi
	printf 'load average %s at start, %s at end; noisy when others run.\n' \
	    "$LOAD_START" "$LOAD_END"
	printf 'elapsed %s s; figures in %s\n' "${F[elapsed_s]}" "$RESULTS"
} | tee "$VAR/results.txt"

# JSON: every figure under its flat key, then the rows of the table.
jval() {
	if [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; then
		printf '%s' "$1"
	elif [[ -z $1 || $1 == null || $1 == - ]]; then
		printf 'null'
	else
		local s=${1//\\/\\\\}
		s=${s//\"/\\\"}
		printf '"%s"' "${s//$'\t'/ }"
	fi
}
F[settings.duration_s]=$DUR
F[settings.warmup_s]=$WARM
F[settings.connections]=$CONNS
F[settings.wrk_threads]=$THREADS
F[settings.fcgi_workers]=$WORKERS
F[settings.bare_processes]=$BARE_PROCS
F[settings.peer_processes]=$PEER_PROCS
F[settings.peers_dir]=$PEERS
F[settings.execute_users]=$NUSERS
F[settings.drain_executions]=$DRAIN_N
F[settings.webhook_executions]=$WH_N
F[settings.claim_rows]=$CLAIM_ROWS
F[settings.claim_limit]=$CLAIM_LIMIT
F[settings.signal_executions]=$SIG_N
F[settings.latency_samples]=$LAT_SAMPLES
F[settings.cores]=$(nproc)
F[started_at]=$STARTED_AT
F[loadavg_start]=$LOAD_START
F[loadavg_end]=$LOAD_END
{
	printf '{\n  "figures": {\n'
	sep=""
	while IFS= read -r k; do
		printf '%s    "%s": %s' "$sep" "$k" "$(jval "${F[$k]}")"
		sep=$',\n'
	done < <(printf '%s\n' "${!F[@]}" | sort)
	printf '\n  },\n  "table": [\n'
	sep=""
	for r in "${ROWS[@]}"; do
		IFS='|' read -r a b c d e x1 x2 x3 g h k <<<"$r"
		printf '%s    {"figure": %s, "key": %s, "value": %s, "unit": %s, ' \
		    "$sep" "$(jval "$a")" "$(jval "$k")" "$(jval "$b")" \
		    "$(jval "$c")"
		printf '"ratio_nginx": %s, "ratio_bare": %s, "ratio_php": %s, ' \
		    "$(jval "$d")" "$(jval "$e")" "$(jval "$x1")"
		printf '"ratio_fastapi": %s, "ratio_naive_c": %s, "target": %s, ' \
		    "$(jval "$x2")" "$(jval "$x3")" "$(jval "$g")"
		printf '"result": %s}' "$(jval "$h")"
		sep=$',\n'
	done
	printf '\n  ]\n}\n'
} >"$RESULTS"
