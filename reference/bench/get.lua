-- wrk script: ManEx Customer Get of a random customer among N.
--   wrk -t2 -c32 -d10s -s get.lua http://127.0.0.1:PORT/API/Customer/Get/KEY -- N [FIRST] [name]
-- Customers are numbered FIRST (default 10, the demo record) to FIRST+N-1,
-- as a fresh server numbers them. With `name`, asks by the name add.lua gave
-- (thread 1's) instead of the number: CustNumOrName matches either.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n = tonumber(args[1] or "1")
  first = tonumber(args[2] or "10")
  by_name = args[3] == "name"
  answers = 0
  failures = 0
end

function request()
  local q
  if by_name then
    -- add.lua's first thread named about half of the records.
    q = "bench%201-" .. tostring(math.random(1, math.max(1, math.floor((n - 1) / 2))))
  else
    q = string.format("%010d", first + math.random(0, n - 1))
  end
  return wrk.format("GET", wrk.path .. "?CustNumOrName=" .. q)
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
