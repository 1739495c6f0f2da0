-- (w-week) the busiest user's week page, signed in; the weeks of the busy month at random.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local weeks = split(os.getenv("BENCH_WEEKS"))
function init(args) math.randomseed(thread_id or 1) end
function request()
  return wrk.format("GET", "/app/week?week=" .. weeks[math.random(#weeks)])
end
