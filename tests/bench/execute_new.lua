-- POST /workflow-management/execute creating a new execution each time:
-- execution_name is unique per request (run prefix, thread, counter), so
-- every request inserts a row and nudges the supervisor. Expected: 202.
-- Arguments: TOKEN TEMPLATE_ID PREFIX.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
expected = 202

local path, headers, tmpl, prefix
local n = 0

function init(args)
	bad = 0
	path = wrk.path
	headers = { ["Authorization"] = "Bearer " .. args[1],
	    ["Content-Type"] = "application/json" }
	tmpl = args[2]
	prefix = args[3]
end

function request()
	n = n + 1
	return wrk.format("POST", path, headers, string.format(
	    '{"template_id":"%s","execution_name":"%s-%d-%d",' ..
	    '"input_data":{"n":%d}}', tmpl, prefix, tid, n, n))
end
