-- wrk script: POST /open311/v2/requests.json as an Open311 client does (form-encoded, attributes,
-- api_key in the body). Usage: OPEN311_API_KEY=... wrk -s bench/open311_post.lua http://127.0.0.1:PORT
local key = os.getenv("OPEN311_API_KEY") or ""
wrk.method = "POST"
wrk.path = "/open311/v2/requests.json?jurisdiction_id=minghu.gov.cn"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
wrk.body = "api_key=" .. key .. "&service_code=C01-02-04&lat=28.22&long=112.915" ..
  "&address_string=%E6%B9%96%E6%BB%A8%E8%B7%AF3%E5%8F%B7" ..
  "&description=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE%EF%BC%8C%E6%99%9A%E4%B8%8A%E5%BE%88%E9%BB%91%EF%BC%8C%E8%AF%B7%E5%B0%BD%E5%BF%AB%E4%BF%AE%E7%90%86" ..
  "&first_name=%E4%B8%89&last_name=%E5%BC%A0&phone=13800000000&email=z%40example.com" ..
  "&attribute%5Bfacility_type%5D=streetlight&attribute%5Bblocks_traffic%5D=no&attribute%5Bquantity%5D=2"

local ok = 0
local other = 0
response = function(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("requests: %d, non-2xx or socket errors: %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
