-- (g) the timer's start/stop cycle. Run with one connection per thread (-tN -cN): each thread
-- owns one user, so its requests never race each other. A thread first reads its timer's
-- state (a warm-up run may have left it running), then alternates start and stop.
-- The timer refuses a date before its last event, so the simulated clock runs ahead of the
-- real one (BENCH_EPOCH: when this scenario began): over two simulated days per real second,
-- so the measured run starts after wherever the warm-up run stopped, plus two minutes per
-- request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local users = split(os.getenv("BENCH_TIMER_USERS"))
local client, project = os.getenv("BENCH_CLIENT"), os.getenv("BENCH_PROJECT")
local epoch = tonumber(os.getenv("BENCH_EPOCH"))
local base = os.time({year = 2030, month = 1, day = 1, hour = 0}) + (os.time() - epoch) * 200000
local n = 0
local state = "unknown"
local function stamp()
  return os.date("!%Y-%m-%dT%H:%M:%S.000Z", base + n * 120)
end
function request()
  local user = users[thread_id]
  if state == "unknown" then
    return wrk.format("GET", "/api/v2/ext/timers/project_timer?username=" .. user)
  end
  n = n + 1
  if state == "stopped" then
    local body = string.format('{"username":"%s","clientName":"%s","projectName":"%s","date":"%s"}',
      user, client, project, stamp())
    return wrk.format("POST", "/api/v2/ext/timers/project_timer/start", nil, body)
  end
  return wrk.format("POST", "/api/v2/ext/timers/project_timer/stop", nil,
    string.format('{"username":"%s","date":"%s"}', user, stamp()))
end
function response(status, headers, body)
  if state == "unknown" then
    if string.find(body, '"stopped":true', 1, true) then state = "stopped" else state = "playing" end
  elseif status < 300 then
    if state == "stopped" then state = "playing" else state = "stopped" end
  else
    state = "unknown"  -- out of step (a request of an earlier run landed late): read it again
  end
end
