// The Open311 GeoReport v2 adapter's public interface: how civic apps, FixMyStreet installations
// and city dashboards read the services (categories) and read and submit service requests (cases),
// plus the mySociety update extension that lets FixMyStreet use civicgrid as its council back end.
//
// Requests are cases: a POST goes through CaseService::submit (the same validation, grid lookup,
// durability and audit as POST /api/v1/appeals), and every read goes through the cases module's
// public listing. No personal data leaves through this module: views never read contact fields, and
// free text is redacted (redact_public_text, i.e. text::redact).
//
// Tables owned: open311_attributes, open311_requests, open311_attribute_values, open311_updates.
// Thread-safe: one Open311Service serves all request threads.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "cases/cases.h"
#include "core/error.h"
#include "core/principal.h"
#include "http/router.h"
#include "identity/identity.h"
#include "open311/attributes.h"
#include "store/database.h"
#include "store/migration.h"

namespace civicgrid::open311 {

store::MigrationSet migrations();

// The API key scope that may POST requests and updates (the default scope of `civicgrid apikey
// create`).
inline constexpr std::string_view kScope = "open311";

// A GeoReport service: a leaf category the public may report (it and its ancestors are public).
struct Service {
  std::string code;
  std::string name;
  std::string description;  // the category path, most general first
  std::string group;        // the upper levels' names, "城乡建设 / 城市建设和市政管理"
  std::string keywords;     // comma-separated: upper levels' names and English names
  bool metadata = false;    // has attribute definitions
};

// An update a client pushed to a request (POST servicerequestupdates).
struct ClientUpdate {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string client;
  std::string external_id;
  std::string status;  // lower case, e.g. "open", "fixed"
  std::string description;
  Timestamp updated_at = 0;
};

// A request as published: the case and what its Open311 client sent with it. The case's contact
// fields are never published.
struct RequestRecord {
  cases::Case c;
  std::vector<cases::CaseEvent> events;  // filled for single requests and extensions=true
  std::string address_id;
  std::vector<std::string> media_urls;
  std::vector<AttributeAnswer> answers;  // filled with events
  std::vector<ClientUpdate> updates;     // filled with events
};

// GET requests, parsed (see parse_request_query in request_params.h).
struct RequestQuery {
  std::optional<std::vector<std::int64_t>> ids;  // given: only these, every other filter ignored
  std::vector<std::string> service_codes;
  std::optional<bool> open;
  std::optional<Timestamp> start;  // requested_datetime >= start
  std::optional<Timestamp> end;    // requested_datetime < end
  std::optional<Timestamp> updated_after;
  std::optional<Timestamp> updated_before;
  std::int64_t offset = 0;
  int limit = 1000;
  bool extensions = false;
};

// POST requests, parsed and validated except for what needs the store.
struct NewRequest {
  cases::AppealInput appeal;
  std::map<std::string, std::vector<std::string>> attributes;  // raw answers by code
  std::string address_id;
  std::string device_id;
  std::string account_id;
  std::vector<std::string> media_urls;
};

struct CreatedRequest {
  std::int64_t id = 0;
  std::string tracking_code;
  Timestamp deadline_at = 0;
};

struct NewClientUpdate {
  std::int64_t case_id = 0;
  std::string external_id;
  std::string status;  // lower case
  std::string description;
  Timestamp updated_at = 0;
  std::vector<std::string> media_urls;
};

class Open311Service {
 public:
  Open311Service(store::Database& db, const Clock& clock, cases::CaseService& cases,
                 identity::IdentityService& identity, audit::AuditLog& audit);

  // Loads the attribute definitions. Call after migrations.
  Result<void> load();

  // --- services
  std::vector<Service> services();
  // kNotFound when the code is not a published service.
  Result<Service> service(std::string_view code);
  Result<std::vector<AttributeDef>> attributes(std::string_view code);
  // Replaces a service's definitions (validated), auditing inside the transaction.
  Result<std::vector<AttributeDef>> put_attributes(std::string_view code,
                                                   std::vector<AttributeDef> defs,
                                                   const audit::Entry& audit_entry);
  // Seeds definitions from {"<service code>": [definitions...], ...} for the services that have
  // none and exist; returns how many services were seeded.
  Result<int> seed_attributes(const boost::json::value& doc, const audit::Entry& audit_entry);
  // Sortable time of the last change to what the service list shows (for discovery's changeset).
  Timestamp changeset() const;

  // --- clients
  // The API key's principal with scope kScope: from `api_key` if given, else the request's own
  // principal (X-API-Key). kForbidden when missing, unknown, revoked or without the scope; the
  // message names `operation` ("Invalid api_key received -- can't proceed with create_request.").
  Result<Principal> authorize_client(const std::optional<std::string>& api_key,
                                     const Principal& from_header, std::string_view operation);

  // --- requests
  Result<CreatedRequest> submit(const NewRequest& r, const Principal& client,
                                const audit::Entry& audit_entry);
  Result<std::vector<RequestRecord>> list(const RequestQuery& q);
  // kNotFound when absent or not published.
  Result<RequestRecord> get(std::int64_t id);
  // The request id of a tracking code (our tokens); kNotFound when unknown or not published.
  Result<std::int64_t> token(std::string_view token);

  // --- mySociety updates
  Result<std::vector<cases::PublicCaseEvent>> updates(Timestamp from, Timestamp to);
  // Stores a client's update (idempotent per client and external id); returns our update id.
  Result<std::int64_t> post_update(const NewClientUpdate& u, const Principal& client,
                                   const audit::Entry& audit_entry);

  std::shared_ptr<const cases::Catalog> catalog() const { return cases_.catalog(); }
  std::shared_ptr<const identity::OrgTree> org_tree() const { return identity_.org_tree(); }
  const Clock& clock() const { return clock_; }

 private:
  struct Index;  // services derived from a catalog snapshot and the definitions
  using AttributeTable = std::map<std::string, std::vector<AttributeDef>, std::less<>>;
  std::shared_ptr<const Index> index();
  Result<void> fill_extras(std::vector<RequestRecord>& records, bool details);
  Result<void> reload_attributes();
  bool published(std::string_view category);
  std::vector<std::string>
  unpublished();  // categories never shown (they or an ancestor non-public)

  store::Database& db_;
  const Clock& clock_;
  cases::CaseService& cases_;
  identity::IdentityService& identity_;
  audit::AuditLog& audit_;
  mutable std::mutex mu_;
  std::mutex write_mu_;  // serialises attribute changes so the in-memory copy follows the store
  std::shared_ptr<const AttributeTable> attributes_;
  std::shared_ptr<const Index> index_;
  Timestamp changeset_ = 0;
};

// The demo district's attribute definitions, in seed_attributes()'s format.
boost::json::value demo_attributes();

// GeoReport routes under /open311/v2/ (and discovery under /open311/), and the admin API
// GET/PUT /api/v1/admin/open311/services/{code}/attributes.
void register_routes(http::Router& router, Open311Service& service);

// Public free text (descriptions, addresses, notes): phone, ID and card numbers and e-mail
// addresses masked. The single place where Open311 output is redacted.
std::string redact_public_text(std::string_view text);

}  // namespace civicgrid::open311
