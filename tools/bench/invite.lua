-- Invites a new, unique email per request (each wrk thread has its own prefix).
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"email":"t' .. id .. '-' .. counter .. '-' .. os.time() .. '@example.com"}')
end
