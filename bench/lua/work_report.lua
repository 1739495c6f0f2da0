-- (e) one user's work report for one month; users and months rotate at random.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local users = split(os.getenv("BENCH_USERS"))
local months = split(os.getenv("BENCH_MONTHS"))
function init(args) math.randomseed(thread_id or 1) end
function request()
  local from, to = string.match(months[math.random(#months)], "([^:]+):([^:]+)")
  return wrk.format("GET", "/api/v2/ext/work_reports?username=" .. users[math.random(#users)] ..
    "&from=" .. from .. "&to=" .. to)
end
