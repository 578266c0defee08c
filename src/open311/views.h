// GeoReport documents built from services, definitions and requests: the element names, the value
// typing and the mapping of civicgrid's case states to Open311's. Pure: no I/O.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case.h"
#include "cases/catalog.h"
#include "identity/org_tree.h"
#include "open311/format.h"
#include "open311/open311.h"

namespace civicgrid::open311 {

// How a case state reads on the wire. GeoReport v2 knows only open and closed; the mySociety update
// extension has finer states.
struct StatusMapping {
  cases::Status status;
  bool open;                  // GeoReport "open" / "closed"
  std::string_view extended;  // mySociety status, lower case
  std::string_view zh;        // status note
  std::string_view en;
};
const StatusMapping& status_mapping(cases::Status s);
std::string_view georeport_status(cases::Status s);  // "open" or "closed"

struct ViewContext {
  const cases::Catalog& catalog;
  const identity::OrgTree& tree;
  std::string_view lang;  // "en" or "zh"
  Timestamp now = 0;
  // The definitions of a service, to label attribute answers (extensions=true).
  std::function<std::vector<AttributeDef>(std::string_view service_code)> definitions;
};

struct DiscoveryInfo {
  std::string base_url;  // no trailing slash
  Timestamp changeset = 0;
  std::string contact;
  std::string key_service;
};

Node discovery_node(const DiscoveryInfo& d);
Node services_node(const std::vector<Service>& services);
Node definition_node(std::string_view service_code, const std::vector<AttributeDef>& defs);
// POST requests: one <request> with service_request_id, service_notice and account_id (always at
// least two children: Spark parsers read a one-child element as a list).
Node created_node(const CreatedRequest& r, std::string_view account_id, std::string_view lang);
Node token_node(std::int64_t id, std::string_view token);
Node requests_node(const std::vector<RequestRecord>& records, const ViewContext& ctx,
                   bool extensions);
Node updates_node(const std::vector<cases::PublicCaseEvent>& events, const ViewContext& ctx);
Node update_created_node(std::int64_t update_id);

}  // namespace civicgrid::open311
