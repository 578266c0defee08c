-- wrk script: GET /open311/v2/requests.json, 100 requests per page, pages spread over the first
-- PAGES pages (default 100, i.e. 10,000 cases). Usage: PAGES=100 wrk -s bench/open311_get.lua URL
local pages = tonumber(os.getenv("PAGES") or "100")
local query = os.getenv("QUERY") or ""
math.randomseed(os.time())

request = function()
  local page = math.random(1, pages)
  return wrk.format("GET", "/open311/v2/requests.json?page_size=100&page=" .. page .. query)
end

done = function(summary, latency, requests)
  io.write(string.format("requests: %d, non-2xx or socket errors: %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
