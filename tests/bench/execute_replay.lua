-- POST /workflow-management/execute repeating one execution_name with the
-- same template and input: an idempotent replay, no new row. Expected:
-- 200 with the existing execution.
-- Arguments: TOKEN TEMPLATE_ID NAME.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
expected = 200

function init(args)
	bad = 0
	wrk.method = "POST"
	wrk.headers["Authorization"] = "Bearer " .. args[1]
	wrk.headers["Content-Type"] = "application/json"
	wrk.body = string.format('{"template_id":"%s","execution_name":"%s",' ..
	    '"input_data":{"n":1}}', args[2], args[3])
end
