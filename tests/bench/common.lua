-- Shared by the wrk scripts of `make bench` (loaded with dofile from the
-- directory of the calling script). Each script sets `expected` (the one
-- status a correct answer has) and may define request(). Every thread
-- counts the answers with any other status; done() prints one line that
-- tests/bench/run.sh parses:
--   BENCH requests=N seconds=S rps=R p50_ms=A p99_ms=B errors=E
--         bad_status=X socket_errors=Y
-- errors = bad_status + socket errors (connect, read, write, timeout).

local threads = {}

function setup(thread)
	thread:set("tid", #threads + 1)
	table.insert(threads, thread)
end

function response(status, headers, body)
	if status ~= expected then
		bad = bad + 1
		if bad <= 3 then
			io.stderr:write(string.format("wrk: status %d: %s\n",
			    status, string.sub(body or "", 1, 200)))
		end
	end
end

function done(summary, latency, requests)
	local bad_total = 0
	for _, t in ipairs(threads) do
		bad_total = bad_total + (t:get("bad") or 0)
	end
	local e = summary.errors
	if response == nil then
		-- No status hook (the ceilings): wrk counts statuses >= 400.
		bad_total = e.status
	end
	local sock = e.connect + e.read + e.write + e.timeout
	local secs = summary.duration / 1e6
	io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f " ..
	    "p50_ms=%.3f p99_ms=%.3f errors=%d bad_status=%d " ..
	    "socket_errors=%d\n", summary.requests, secs,
	    summary.requests / secs, latency:percentile(50) / 1000,
	    latency:percentile(99) / 1000, bad_total + sock, bad_total, sock))
end
