-- (d) update an entry's details; ids drawn at random from a sample of the account's live entries.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local ids = split(os.getenv("BENCH_IDS"))
local n = 0
function init(args) math.randomseed(thread_id or 1) end
function request()
  n = n + 1
  local body = string.format('{"details":"updated %d-%d"}', thread_id or 0, n)
  return wrk.format("PUT", "/api/v2/ext/project_time_entries/" .. ids[math.random(#ids)], nil, body)
end
