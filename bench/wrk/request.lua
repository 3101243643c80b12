-- wrk script for bench/run.py: one method and path, optionally a rotating bearer token and
-- JSON body, and a machine-readable summary line.
--   wrk ... -s request.lua URL -- METHOD PATH TOKENS_FILE|- BODIES_FILE|-
-- Each thread starts at its own offset in the token list, so the two threads do not hit the
-- same lifter at the same moment (POST /api/logs serialises one lifter's writes).
local thread_count = 0

function setup(thread)
  thread:set("offset", thread_count * 7919) -- a prime: spreads threads over the list
  thread_count = thread_count + 1
end

local function lines(file)
  local found = {}
  if file ~= "-" then
    for line in io.lines(file) do
      if #line > 0 then found[#found + 1] = line end
    end
  end
  return found
end

function init(args)
  method, path = args[1], args[2]
  tokens, bodies = lines(args[3]), lines(args[4])
  counter = offset or 0
end

function request()
  counter = counter + 1
  local headers = {}
  local body = nil
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]
  end
  if #bodies > 0 then
    headers["Content-Type"] = "application/json"
    body = bodies[(counter % #bodies) + 1]
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
