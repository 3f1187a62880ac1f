-- bench/get_patient.lua - wrk script: GET /v1/<resource>/<id>, cycling over
-- the seeded ids. Environment:
--   BENCH_KEY       API key secret (sent as Authorization: Bearer)
--   BENCH_IDS       file with one id per line (from bench/seed.js)
--   BENCH_RESOURCE  patients (default) or clinics
-- Each wrk thread starts at a different offset so the threads do not read
-- the same rows in lockstep.

local key = os.getenv("BENCH_KEY") or error("BENCH_KEY not set")
local ids_file = os.getenv("BENCH_IDS") or error("BENCH_IDS not set")
local resource = os.getenv("BENCH_RESOURCE") or "patients"

local thread_no = 0

function setup(thread)
   thread:set("offset", thread_no * 7919)
   thread_no = thread_no + 1
end

local ids = {}
local paths = {}
local i = 0

function init(args)
   for line in io.lines(ids_file) do
      if line ~= "" then ids[#ids + 1] = line end
   end
   if #ids == 0 then error("no ids in " .. ids_file) end
   i = (offset or 0) % #ids
   wrk.headers["Authorization"] = "Bearer " .. key
   for n, id in ipairs(ids) do
      paths[n] = wrk.format("GET", "/v1/" .. resource .. "/" .. id)
   end
end

function request()
   i = i % #paths + 1
   return paths[i]
end
