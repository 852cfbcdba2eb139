-- POST /workflow-management/execute creating a new execution each time:
-- execution_name is unique per request (run prefix, thread, counter), so
-- every request inserts a row and nudges the supervisor. Requests go
-- round-robin over the tokens given: one (the one-user mix, a site calling
-- wfm) or one per user (the many-users mix, 1000 by default). run.sh
-- raises the per-user quota of active executions for its stack, so that
-- one user does not meet 429 while the supervisor is stopped. The peers
-- (tests/bench/peers.sh) get the same requests. Expected: 202.
-- Arguments: TEMPLATE_ID PREFIX TOKEN [TOKEN...].
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
expected = 202

local path, tmpl, prefix
local headers = {}
local n = 0

function init(args)
	bad = 0
	path = wrk.path
	tmpl = args[1]
	prefix = args[2]
	for i = 3, #args do
		headers[#headers + 1] = {
		    ["Authorization"] = "Bearer " .. args[i],
		    ["Content-Type"] = "application/json" }
	end
end

function request()
	n = n + 1
	return wrk.format("POST", path, headers[n % #headers + 1],
	    string.format('{"template_id":"%s","execution_name":"%s-%d-%d",' ..
	    '"input_data":{"n":%d}}', tmpl, prefix, tid, n, n))
end
