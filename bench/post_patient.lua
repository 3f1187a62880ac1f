-- bench/post_patient.lua - wrk script: POST /v1/<resource> with a JSON body
-- made unique per request (thread number + counter), no Idempotency-Key.
-- Environment:
--   BENCH_KEY       API key secret (sent as Authorization: Bearer)
--   BENCH_RESOURCE  patients (default: {first_name,last_name}) or clinics
--                   ({name})
--   BENCH_RUN       a tag mixed into the names so reruns stay unique

local key = os.getenv("BENCH_KEY") or error("BENCH_KEY not set")
local resource = os.getenv("BENCH_RESOURCE") or "patients"
local run = os.getenv("BENCH_RUN") or tostring(os.time())

local thread_no = 0

function setup(thread)
   thread:set("tid", thread_no)
   thread_no = thread_no + 1
end

local n = 0
local path

function init(args)
   wrk.method = "POST"
   wrk.headers["Authorization"] = "Bearer " .. key
   wrk.headers["Content-Type"] = "application/json"
   path = "/v1/" .. resource
end

function request()
   n = n + 1
   local tag = run .. "t" .. tostring(tid or 0) .. "n" .. tostring(n)
   local body
   if resource == "clinics" then
      body = '{"name":"Bench clinic ' .. tag .. '"}'
   else
      body = '{"first_name":"Bench' .. tag .. '","last_name":"Load' .. tag .. '"}'
   end
   return wrk.format("POST", path, nil, body)
end
