-- (h) a month of the entries of every client whose name contains a fragment (the substring
-- name filter, as a user types it: lower case, part of the name), 50 per page; months rotate.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local fragment = string.lower(string.sub(os.getenv("BENCH_CLIENT"), 1, 4))
local months = split(os.getenv("BENCH_MONTHS"))
function init(args) math.randomseed(thread_id or 1) end
function request()
  local month = months[math.random(#months)]
  local from, to = string.match(month, "([^:]+):([^:]+)")
  return wrk.format("GET", "/api/v2/ext/project_time_entries?clientName=" .. fragment ..
    "&from=" .. from .. "&to=" .. to .. "&limit=50")
end
