// Internal to the store: the errors both engine adapters raise the same way, so a caller sees one
// contract whichever engine runs underneath (see database.h).
#pragma once

#include <string_view>

#include "core/error.h"

namespace civicgrid::store::detail {

// Any call after Database::close().
inline Error closed_error() {
  return Error::unavailable("数据库已关闭", "the database is closed");
}

// A statement on a transaction that has already committed: a programming error.
inline Error finished_error() {
  return Error::internal("statement issued on a transaction that was already committed");
}

// The first 200 bytes of `sql`, cut at a UTF-8 character boundary, for error details.
inline std::string_view sql_excerpt(std::string_view sql) {
  if (sql.size() <= 200) return sql;
  size_t n = 200;
  while (n > 0 && (static_cast<unsigned char>(sql[n]) & 0xC0) == 0x80) --n;
  return sql.substr(0, n);
}

}  // namespace civicgrid::store::detail
