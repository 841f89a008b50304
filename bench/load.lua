-- wrk script for bench/http.py. Its one argument is a spec file written by http.py:
--   line 1: method, line 2: path, line 3: body template ("" for none),
--   line 4: credentials file ("" for none: lines "token<TAB>cookie<TAB>csrf"),
--   then "Header: value template" lines.
-- Templates may hold {TOKEN}, {COOKIE}, {CSRF} (from one credentials line, rotated per request)
-- and {KEY} (unique per request: thread, request number, random).
local method, path, body
local headers_tpl = {}
local creds = {}
local n = 0
local started = 0

function setup(thread)
  started = started + 1
  thread:set("tid", started)
end

function init(args)
  local f = assert(io.open(args[1]))
  method = f:read("*l")
  path = f:read("*l")
  body = f:read("*l") or ""
  local credfile = f:read("*l") or ""
  for line in f:lines() do
    local k, v = line:match("^([^:]+):%s*(.*)$")
    if k then headers_tpl[k] = v end
  end
  f:close()
  if credfile ~= "" then
    for line in io.lines(credfile) do
      local t, c, x = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
      if t then table.insert(creds, {t, c, x}) end
    end
  end
  math.randomseed(os.time() + (tid or 0) * 7919)
end

local function fill(s, cred, key)
  s = s:gsub("{KEY}", key)
  if cred then
    s = s:gsub("{TOKEN}", cred[1])
    s = s:gsub("{COOKIE}", cred[2])
    s = s:gsub("{CSRF}", cred[3])
  end
  return s
end

function request()
  n = n + 1
  local cred = nil
  if #creds > 0 then cred = creds[(n * 7 + (tid or 0)) % #creds + 1] end
  local key = string.format("%d-%d-%d", tid or 0, n, math.random(1, 1000000000))
  local hs = {}
  for k, v in pairs(headers_tpl) do hs[k] = fill(v, cred, key) end
  local b = nil
  if body ~= "" then b = fill(body, cred, key) end
  return wrk.format(method, path, hs, b)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
