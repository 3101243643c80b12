-- wrk script for bench/run.py's mixed scenario: lifters in the gym. Run with one connection
-- per thread (-tN -cN), so each thread is one lifter whose requests follow each other:
--   log a set, read recovery and the smart workout (the reads right after the lifter's own
--   write), then read both again (the same reads, now cached), and again from the start.
--   wrk ... -s mixed.lua URL -- TOKENS_FILE BODIES_FILE
-- Each kind's latencies are timed here (CLOCK_MONOTONIC through LuaJIT's ffi) and summarised
-- on one machine-readable line per kind.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } gravl_timespec;
int clock_gettime(int clock_id, gravl_timespec *tp);
]]
local CLOCK_MONOTONIC = 1

local STEPS = {
  { "write", "POST", "/api/logs" },
  { "recovery after write", "GET", "/api/recovery/muscle-groups" },
  { "smart workout after write", "GET", "/api/recommendations/smart-workout" },
  { "recovery cached", "GET", "/api/recovery/muscle-groups" },
  { "smart workout cached", "GET", "/api/recommendations/smart-workout" },
}

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("index", thread_count)
  thread_count = thread_count + 1
  threads[#threads + 1] = thread
end

local function lines(file)
  local found = {}
  for line in io.lines(file) do
    if #line > 0 then found[#found + 1] = line end
  end
  return found
end

local clock = ffi.new("gravl_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

function init(args)
  local tokens = lines(args[1])
  bodies = lines(args[2])
  token = tokens[(index % #tokens) + 1]
  step, sent, started, failed = 0, 0, 0, 0
  -- One flat global table per kind: wrk copies a thread's flat tables to done(), and crashes
  -- on nested ones.
  latencies = {}
  for i = 1, #STEPS do
    latencies[i] = {}
    _G["latencies_" .. i] = latencies[i]
  end
end

function request()
  step = step % #STEPS + 1
  sent = sent + 1
  local kind = STEPS[step]
  local headers = { Authorization = "Bearer " .. token }
  local body = nil
  if kind[2] == "POST" then
    headers["Content-Type"] = "application/json"
    body = bodies[((index * 31 + sent) % #bodies) + 1]
  end
  started = now_us()
  return wrk.format(kind[2], kind[3], headers, body)
end

function response(status, headers, body)
  local samples = latencies[step]
  samples[#samples + 1] = now_us() - started
  if status >= 300 then failed = failed + 1 end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(#sorted * p / 100))]
end

function done(summary, latency, requests)
  local e = summary.errors
  local failures = 0
  for _, thread in ipairs(threads) do failures = failures + thread:get("failed") end
  io.write(string.format(
    'WRK_MIXED_SUMMARY {"requests": %d, "duration_us": %d, "failed": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, failures, e.connect + e.read + e.write + e.timeout))
  for i, kind in ipairs(STEPS) do
    local all, total = {}, 0
    for _, thread in ipairs(threads) do
      for _, v in ipairs(thread:get("latencies_" .. i)) do
        all[#all + 1] = v
        total = total + v
      end
    end
    table.sort(all)
    io.write(string.format(
      'WRK_MIXED {"kind": "%s", "requests": %d, "mean_us": %.1f, "p50_us": %.1f, ' ..
      '"p95_us": %.1f, "p99_us": %.1f}\n',
      kind[1], #all, #all > 0 and total / #all or 0, percentile(all, 50), percentile(all, 95),
      percentile(all, 99)))
  end
end
