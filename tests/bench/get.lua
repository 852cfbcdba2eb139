-- GET /workflow-management/executions/{id} of one completed one-step
-- execution (the URL carries the id). Expected: 200 with the document.
-- Arguments: TOKEN.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
expected = 200

function init(args)
	bad = 0
	wrk.method = "GET"
	wrk.headers["Authorization"] = "Bearer " .. args[1]
end
