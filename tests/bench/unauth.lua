-- The 401 path: GET /workflow-management/executions/{id} with a token of
-- the right shape whose signature is wrong, so the request goes through
-- routing and a full HS256 verification before it is refused. Expected:
-- 401.
-- Arguments: BAD_TOKEN.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
expected = 401

function init(args)
	bad = 0
	wrk.method = "GET"
	wrk.headers["Authorization"] = "Bearer " .. args[1]
end
