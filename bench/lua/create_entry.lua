-- (c) create an entry; users rotate, and each request books a different hour.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local users = split(os.getenv("BENCH_USERS"))
local client, project = os.getenv("BENCH_CLIENT"), os.getenv("BENCH_PROJECT")
local n = 0
function init(args) math.randomseed(thread_id or 1) end
function request()
  n = n + 1
  local day = 1 + (n % 28)
  local hour = 8 + (n % 10)
  local body = string.format('{"user":"%s","clientName":"%s","projectName":"%s",' ..
    '"from":"2027-02-%02dT%02d:00:00.000Z","to":"2027-02-%02dT%02d:45:00.000Z",' ..
    '"details":"bench %d-%d"}', users[math.random(#users)], client, project,
    day, hour, day, hour, thread_id or 0, n)
  return wrk.format("POST", "/api/v2/ext/project_time_entries", nil, body)
end
