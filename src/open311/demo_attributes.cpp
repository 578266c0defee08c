// Attribute definitions for the demo district (明湖区): the extra questions that the road, public
// facility and sanitation services ask. Seeded by the demo loader through seed_attributes(), after
// which admins edit them like any others.
#include <boost/json.hpp>

#include "open311/open311.h"

namespace civicgrid::open311 {

namespace {

constexpr const char* kDemoAttributes = R"json({
  "C01-02-04": [
    {"code": "facility_type", "datatype": "singlevaluelist", "required": true, "order": 1,
     "description": "设施类型",
     "values": [{"key": "streetlight", "name": "路灯"}, {"key": "manhole", "name": "井盖"},
                {"key": "guardrail", "name": "护栏"}, {"key": "sign", "name": "交通标志"},
                {"key": "other", "name": "其他"}]},
    {"code": "blocks_traffic", "datatype": "singlevaluelist", "required": true, "order": 2,
     "description": "是否影响通行",
     "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]},
    {"code": "quantity", "datatype": "number", "order": 3, "description": "数量",
     "datatype_description": "损坏设施的个数"},
    {"code": "found_at", "datatype": "datetime", "order": 4, "description": "发现时间",
     "datatype_description": "ISO 8601，如 2024-05-01T20:30:00+08:00"}
  ],
  "C01-02-11": [
    {"code": "blocks_traffic", "datatype": "singlevaluelist", "required": true, "order": 1,
     "description": "是否影响通行",
     "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]},
    {"code": "hazards", "datatype": "multivaluelist", "order": 2, "description": "存在的安全隐患",
     "values": [{"key": "pothole", "name": "路面坑洞"}, {"key": "no_light", "name": "夜间无照明"},
                {"key": "water", "name": "积水"}, {"key": "debris", "name": "散落物"}]},
    {"code": "quantity", "datatype": "number", "order": 3, "description": "数量",
     "datatype_description": "坑洞或损坏处的个数"},
    {"code": "found_at", "datatype": "datetime", "order": 4, "description": "发现时间"}
  ],
  "C01-02-14": [
    {"code": "notice", "datatype": "text", "variable": false, "order": 1,
     "description": "生活垃圾清运一般在 24 小时内完成；涉及危险废物请直接拨打 12345。"},
    {"code": "problem", "datatype": "singlevaluelist", "required": true, "order": 2,
     "description": "问题类型",
     "values": [{"key": "garbage", "name": "垃圾堆积"}, {"key": "dirty_road", "name": "道路不洁"},
                {"key": "toilet", "name": "公厕问题"}, {"key": "odor", "name": "异味"}]},
    {"code": "blocks_traffic", "datatype": "singlevaluelist", "order": 3, "description": "是否影响通行",
     "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]},
    {"code": "quantity", "datatype": "number", "order": 4, "description": "数量",
     "datatype_description": "垃圾堆积量，单位立方米（估计）"},
    {"code": "found_at", "datatype": "datetime", "order": 5, "description": "发现时间"},
    {"code": "landmark", "datatype": "string", "order": 6, "description": "附近标志物"}
  ]
})json";

}  // namespace

boost::json::value demo_attributes() {
  return boost::json::parse(kDemoAttributes);
}

}  // namespace civicgrid::open311
