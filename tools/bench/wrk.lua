-- The one wrk script of tools/bench/run. It counts every response by status
-- (wrk itself counts only statuses >= 400 and lumps them together), so the
-- runner can report 2xx as throughput and everything else as errors, and
-- prints a single line "BENCH_JSON {...}" at the end for the runner to parse.
--
--   wrk ... -s wrk.lua URL -- MODE [ARG...]
--
--   get  PATH KEY[,KEY...]   GET PATH, the API keys taken in turn (a key's
--                            per-minute limit is at most 1 000 000: more
--                            keys let a fast server run without hitting it);
--                            no KEY: no X-API-Key header
--   invite ORG KEY TAG        POST a new email to ORG's members each request
--   mix ORG KEY TAG           invite, change the role of, then remove members:
--                            every invited member is changed, every changed
--                            one removed, so the three come in equal numbers
--
-- TAG makes the emails of one run unique across runs on the same data.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function split(text)
  local parts = {}
  for part in string.gmatch(text or "", "[^,]+") do table.insert(parts, part) end
  return parts
end

local base = "/account/api/v1/organizations/"
local json_headers

function init(args)
  statuses = {}
  sent = { invite = 0, role = 0, remove = 0 }
  mode = args[1] or "get"
  if mode == "get" then
    -- Prebuilt requests: request() then costs the client a table lookup only.
    local keys = split(args[3])
    gets = {}
    if #keys == 0 then
      table.insert(gets, wrk.format("GET", args[2]))
    end
    for _, key in ipairs(keys) do
      table.insert(gets, wrk.format("GET", args[2], { ["X-API-Key"] = key }))
    end
    next_get = 0
  else
    members = base .. args[2] .. "/members"
    json_headers = { ["X-API-Key"] = args[3], ["Content-Type"] = "application/json" }
    tag = (args[4] or tostring(os.time())) .. "-" .. id
    counter = 0
    to_change, to_remove = {}, {}
  end
end

local function invite()
  counter = counter + 1
  sent.invite = sent.invite + 1
  local headers = { ["X-Request-ID"] = "inv-" .. counter }
  for k, v in pairs(json_headers) do headers[k] = v end
  return wrk.format("POST", members, headers,
    '{"email":"b' .. tag .. '-' .. counter .. '@bench.example","role":"editor"}')
end

-- The member a request acted on rides in its X-Request-ID, which the server
-- echoes: wrk's response() is not told which request it answers.
local function on_member(verb, member)
  local headers = { ["X-Request-ID"] = verb .. "-" .. member }
  for k, v in pairs(json_headers) do headers[k] = v end
  return headers
end

function request()
  if mode == "get" then
    next_get = next_get % #gets + 1
    return gets[next_get]
  elseif mode == "invite" then
    return invite()
  end
  local member = table.remove(to_remove)
  if member then
    sent.remove = sent.remove + 1
    return wrk.format("DELETE", members .. "/" .. member, on_member("rm", member))
  end
  member = table.remove(to_change)
  if member then
    sent.role = sent.role + 1
    return wrk.format("PUT", members .. "/" .. member, on_member("role", member),
      '{"role":"billing"}')
  end
  return invite()
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if mode ~= "mix" or status ~= 200 then return end
  local request_id
  for name, value in pairs(headers) do
    if string.lower(name) == "x-request-id" then request_id = value end
  end
  if not request_id then return end
  local verb, member = string.match(request_id, "^(%a+)-(.+)$")
  if verb == "inv" then
    -- A Member: its own "id" (user_id is written "user_id", never "id").
    member = string.match(body, '"id"%s*:%s*"([^"]+)"')
    if member then table.insert(to_change, member) end
  elseif verb == "role" then
    table.insert(to_remove, member)
  end
end

function done(summary, latency, requests)
  local counts, writes = {}, { invite = 0, role = 0, remove = 0 }
  for _, thread in ipairs(threads) do
    for kind, n in pairs(thread:get("sent") or {}) do writes[kind] = writes[kind] + n end
    for status, n in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us":%d,"requests":%d,"p50_us":%d,"p99_us":%d,' ..
    '"socket_errors":%d,"statuses":{%s},"sent":{"invite":%d,"role":%d,"remove":%d}}\n',
    summary.duration, summary.requests, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ","),
    writes.invite, writes.role, writes.remove))
end
