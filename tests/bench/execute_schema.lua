-- POST /workflow-management/execute against the template with the
-- 30-field input_schema of tests/bench/schema_order.json, its valid
-- instance as input_data (run.sh writes it compact to a file): the
-- execute (new) one-user mix with the validation of issue 17 on every
-- request. A new execution_name each time. Expected: 202.
-- Arguments: TEMPLATE_ID PREFIX INPUT_FILE TOKEN.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
expected = 202

local path, tmpl, prefix, input
local headers
local n = 0

function init(args)
	bad = 0
	path = wrk.path
	tmpl = args[1]
	prefix = args[2]
	local f = assert(io.open(args[3], "r"))
	input = f:read("*a"):gsub("%s+$", "")
	f:close()
	headers = {
	    ["Authorization"] = "Bearer " .. args[4],
	    ["Content-Type"] = "application/json" }
end

function request()
	n = n + 1
	return wrk.format("POST", path, headers,
	    string.format('{"template_id":"%s","execution_name":"%s-%d-%d",' ..
	    '"input_data":%s}', tmpl, prefix, tid, n, input))
end
