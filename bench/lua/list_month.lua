-- (a) one user's entries in one month, 50 per page; users and months rotate at random.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local users = split(os.getenv("BENCH_USERS"))
local months = split(os.getenv("BENCH_MONTHS"))  -- "2025-03-01:2025-03-31,..."
function init(args) math.randomseed(thread_id or 1) end
function request()
  local user = users[math.random(#users)]
  local month = months[math.random(#months)]
  local from, to = string.match(month, "([^:]+):([^:]+)")
  return wrk.format("GET", "/api/v2/ext/project_time_entries?username=" .. user ..
    "&from=" .. from .. "&to=" .. to .. "&limit=50")
end
