-- wrk script: ManEx Customer Add, one new customer per request.
--   wrk -t2 -c32 -d5s -s add.lua http://127.0.0.1:PORT/API/Customer/Add/KEY
-- An answer whose envelope Code is not 200 counts as a failure (ManEx
-- refusals may travel with HTTP 200).
local threads = {}
local n = 0

function setup(thread)
  n = n + 1
  thread:set("tid", n)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  answers = 0
  failures = 0
  prefix = "bench " .. tostring(tid) .. "-"
end

function request()
  counter = counter + 1
  local body = '{"Custname":"' .. prefix .. counter .. '","Status":"Active"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  answers = answers + 1
  if not string.find(body, '"Code":200', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total, bad = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("answers")
    bad = bad + t:get("failures")
  end
  io.write(string.format("answers %d, not Code 200: %d\n", total, bad))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
