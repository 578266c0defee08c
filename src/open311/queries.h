// Named SQL for the open311 module's tables. Nothing outside src/open311 touches them.
#pragma once

namespace civicgrid::open311::queries {

inline constexpr const char* kAllAttributes =
    "SELECT service_code, code, datatype, variable, required, description, datatype_description, "
    "ord, "
    "list_values FROM open311_attributes ORDER BY service_code, ord";
// PostgreSQL only: replacements of a service's attributes take turns across servers (writers run
// READ COMMITTED there; write_mu_ covers one process only).
inline constexpr const char* kLockAttributesPg =
    "LOCK TABLE open311_attributes IN SHARE ROW EXCLUSIVE MODE";
inline constexpr const char* kDeleteAttributes =
    "DELETE FROM open311_attributes WHERE service_code = $1";
inline constexpr const char* kInsertAttribute =
    "INSERT INTO open311_attributes (service_code, code, datatype, variable, required, "
    "description, "
    "datatype_description, ord, list_values) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
inline constexpr const char* kCountAttributes =
    "SELECT count(*) FROM open311_attributes WHERE service_code = $1";

inline constexpr const char* kInsertRequest =
    "INSERT INTO open311_requests (case_id, client, address_id, device_id, account_id, media_urls, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
inline constexpr const char* kInsertAnswer =
    "INSERT INTO open311_attribute_values (case_id, code, seq, value) VALUES ($1, $2, $3, $4)";

// Lists of case ids are bound as "IN ($1, ...)" after these prefixes (see requests.cpp).
inline constexpr const char* kRequestsOfPrefix =
    "SELECT case_id, address_id, media_urls FROM open311_requests WHERE case_id IN ";
inline constexpr const char* kAnswersOfPrefix =
    "SELECT case_id, code, value FROM open311_attribute_values WHERE case_id IN ";
inline constexpr const char* kAnswersOfSuffix = " ORDER BY case_id, code, seq";
inline constexpr const char* kUpdatesOfPrefix =
    "SELECT id, case_id, client, external_id, status, description, updated_at FROM open311_updates "
    "WHERE case_id IN ";
inline constexpr const char* kUpdatesOfSuffix = " ORDER BY case_id, id";

inline constexpr const char* kFindUpdate =
    "SELECT id, case_id FROM open311_updates WHERE client = $1 AND external_id = $2";
inline constexpr const char* kInsertUpdate =
    "INSERT INTO open311_updates (case_id, client, external_id, status, description, media_urls, "
    "updated_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

}  // namespace civicgrid::open311::queries
