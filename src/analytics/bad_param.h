// The one shape of a rejected statistics parameter (HTTP 422 naming the field), shared by the
// query code and the route handlers so every endpoint words it the same way.
#pragma once

#include <string>

#include "core/error.h"

namespace civicgrid::analytics {

// `what` says what is wrong (e.g. "expected YYYY-MM-DD"); the field is named in both languages.
inline Error bad_param(const std::string& field, const std::string& what) {
  return Error::invalid(field, "参数无效：" + field + "（" + what + "）",
                        "invalid " + field + ": " + what);
}

}  // namespace civicgrid::analytics
