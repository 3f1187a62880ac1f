-- bench/pay.lua - wrk script: POST /v1/payments, sandbox gateway, a
-- one-time token per request, automatic capture, a fresh Idempotency-Key
-- per request (what a front desk sends).
-- Environment:
--   BENCH_KEY     API key secret
--   BENCH_CLINIC  the clinic taking the payments
--   BENCH_TOKENS  file of tokens, one per line (bench/pay_setup.js)
--   BENCH_RUN     a tag mixed into the keys so reruns stay unique

local key = os.getenv("BENCH_KEY") or error("BENCH_KEY not set")
local clinic = os.getenv("BENCH_CLINIC") or error("BENCH_CLINIC not set")
local tokens_file = os.getenv("BENCH_TOKENS") or error("BENCH_TOKENS not set")
local run = os.getenv("BENCH_RUN") or tostring(os.time())

local thread_no = 0
local threads = {}

function setup(thread)
   thread:set("tid", thread_no)
   thread_no = thread_no + 1
   table.insert(threads, thread)
end

local tokens = {}
local n = 0
local stride = 2

function init(args)
   for line in io.lines(tokens_file) do
      if #line > 0 then table.insert(tokens, line) end
   end
   wrk.method = "POST"
   wrk.headers["Authorization"] = "Bearer " .. key
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   -- Thread t uses tokens t+1, t+1+stride, ...: never one twice.
   local i = (tid or 0) + 1 + n * stride
   n = n + 1
   local tok = tokens[i] or "tok_exhausted"
   local body = '{"amount":12500,"currency":"USD","clinic":"' .. clinic ..
      '","source":{"type":"token","token":"' .. tok .. '"}}'
   -- wrk.format sends only the headers it is given: all of them here.
   local headers = {
      ["Authorization"] = "Bearer " .. key,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = run .. "-" .. tostring(tid or 0) .. "-" ..
         tostring(n),
   }
   return wrk.format("POST", "/v1/payments", headers, body)
end
