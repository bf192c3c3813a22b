-- wrk script for bench/ingest.py: signed orders/create webhooks, every request a new delivery.
--   wrk -t2 -c32 -d15s -s bench/webhooks.lua URL -- MANIFEST RATE PREFIX THREADS SHOP TRIGGERED_AT
-- MANIFEST: lines "<base64 hmac>\t<body file>" (signed in Python: the HMAC covers the body only, so
-- the headers can change per request). RATE: total requests/s (0 = as fast as possible); pacing is
-- done here with delay() against an absolute per-thread schedule on CLOCK_MONOTONIC (LuaJIT ffi),
-- so each thread sends RATE/THREADS requests/s spread over its connections. wrk starts its latency
-- clock when the request is written, after the delay, so the pacing is not in the latency.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    local sig, path = line:match("([^\t]+)\t(.+)")
    local f = assert(io.open(path, "rb"))
    table.insert(bodies, { sig = sig, body = f:read("*a") })
    f:close()
  end
  local rate = tonumber(args[2]) or 0
  prefix = args[3]
  local nthreads = tonumber(args[4]) or 1
  shop = args[5]
  triggered = args[6]
  interval = 0
  if rate > 0 then interval = 1000.0 * nthreads / rate end
  n = 0
  next_at = nil
end

function request()
  n = n + 1
  local b = bodies[(n % #bodies) + 1]
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Shopify-Topic"] = "orders/create",
    ["X-Shopify-Shop-Domain"] = shop,
    ["X-Shopify-Hmac-Sha256"] = b.sig,
    ["X-Shopify-Webhook-Id"] = prefix .. "-" .. tid .. "-" .. n,
    ["X-Shopify-Event-Id"] = prefix .. "-e-" .. tid .. "-" .. n,
    ["X-Shopify-API-Version"] = "2026-10",
    ["X-Shopify-Triggered-At"] = triggered,
  }
  return wrk.format("POST", "/webhooks/orders", headers, b.body)
end

function delay()
  if interval == 0 then return 0 end
  local t = now_ms()
  if next_at == nil or next_at < t - 1000 then next_at = t end -- start, or far behind: no burst to catch up
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
