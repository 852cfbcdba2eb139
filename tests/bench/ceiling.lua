-- The two ceilings (nginx `return 202`, the bare libfcgi responder): a
-- plain GET with a bearer header of the same size as the real ones, so
-- that nginx parses as much as in front of wfm. No response() hook here:
-- counting statuses in Lua would cost wrk CPU at ceiling rates and lower
-- the ceiling; wrk itself counts statuses >= 400 as errors, and both
-- ceilings answer 202 to everything.
-- Arguments: TOKEN.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
response = nil

function init(args)
	wrk.method = "GET"
	wrk.headers["Authorization"] = "Bearer " .. args[1]
end

