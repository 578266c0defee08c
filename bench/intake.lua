-- wrk script: POST /api/v1/appeals with a realistic appeal (Chinese text, location inside the demo
-- district), counting 201 answers. Usage: wrk -s bench/intake.lua http://127.0.0.1:PORT
wrk.method = "POST"
wrk.path = "/api/v1/appeals"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"type":"complaint","title":"小区门口垃圾堆积多日无人清运","description":' ..
  '"湖滨社区3栋楼下垃圾桶满溢，已经三天没有清运，气味很大，夏天容易滋生蚊蝇，请尽快处理。",' ..
  '"location":{"lat":28.22,"lon":112.915},"channel":"app","contact":{"name":"张三","phone":"13800000000"}}'

local created = 0
local other = 0
response = function(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("requests: %d, errors: %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
