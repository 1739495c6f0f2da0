-- (b) one entry by id, drawn at random from a sample of the account's live entries.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local ids = split(os.getenv("BENCH_IDS"))
function init(args) math.randomseed(thread_id or 1) end
function request()
  return wrk.format("GET", "/api/v2/ext/project_time_entries/" .. ids[math.random(#ids)])
end
