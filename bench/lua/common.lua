-- Shared by the scenario scripts: credentials and parameters come from the environment
-- (bench/run.py sets them), so the scripts hold no data of their own.
api_key = os.getenv("BENCH_API_KEY")
api_secret = os.getenv("BENCH_API_SECRET")
-- A session cookie (b-session) stands instead of the key pair when it is given.
cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
else
  wrk.headers["X-TimeTrack-Api-Key"] = api_key
  wrk.headers["X-TimeTrack-Api-Secret"] = api_secret
end
wrk.headers["Content-Type"] = "application/json"

function split(text)
  local out = {}
  for item in string.gmatch(text or "", "[^,]+") do out[#out + 1] = item end
  return out
end

-- Each wrk thread has its own Lua state; setup() runs in the main state and numbers them.
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end
