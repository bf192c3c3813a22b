-- wrk script for bench/pixel.py: creator-pixel batches, every event a new one (ids from thread and counter).
--   wrk -t2 -c16 -d15s -s bench/pixel_events.lua URL -- RATE THREADS SHOP KEY PER_BATCH VISITORS PREFIX
-- RATE: total requests/s (0 = as fast as possible), paced as webhooks.lua does (delay() against an absolute
-- per-thread schedule on CLOCK_MONOTONIC; wrk's latency clock starts after the delay).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local NAMES = { "pv", "vw", "pv", "ac", "pv", "cs" }

function init(args)
  local rate = tonumber(args[1]) or 0
  local nthreads = tonumber(args[2]) or 1
  shop = args[3]
  key = args[4]
  per_batch = tonumber(args[5]) or 5
  visitors = tonumber(args[6]) or 1000
  prefix = args[7]
  interval = 0
  if rate > 0 then interval = 1000.0 * nthreads / rate end
  n = 0
  next_at = nil
end

function request()
  n = n + 1
  local visitor = ((n * 7 + tid * 13) % visitors) + 1
  local events = {}
  for i = 1, per_batch do
    local name = NAMES[((n + i) % #NAMES) + 1]
    local extra = ""
    if name == "vw" or name == "ac" then extra = ',"p":"' .. (1000 + (n % 50)) .. '"' end
    if name == "ac" then extra = extra .. ',"q":1' end
    events[i] = string.format('{"id":"%s-%d-%d-%d","n":"%s","s":"sess-%d-%d","c":"creator%03d"%s}',
      prefix, tid, n, i, name, tid, visitor, (visitor % 20) + 1, extra)
  end
  local body = string.format('{"v":1,"shop":"%s","key":"%s","visitor":"visitor-%d-%d","events":[%s]}',
    shop, key, tid, visitor, table.concat(events, ","))
  return wrk.format("POST", "/pixel/events", { ["Content-Type"] = "text/plain" }, body)
end

function delay()
  if interval == 0 then return 0 end
  local t = now_ms()
  if next_at == nil or next_at < t - 1000 then next_at = t end
  next_at = next_at + interval
  local d = next_at - t
  if d < 0 then return 0 end
  return d
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
