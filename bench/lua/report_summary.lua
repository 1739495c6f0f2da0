-- (r-summary) the measured account's whole year, summed by project, then user.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local year = os.getenv("BENCH_YEAR")
function request()
  return wrk.format("GET", "/api/v2/ext/reports/summary?from=" .. year .. "-01-01&to=" .. year ..
    "-12-31&groupBy=project&subGroupBy=user")
end
