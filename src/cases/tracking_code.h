// Tracking codes (查询码) given to residents: 12 characters of Crockford base32 (60 random bits),
// shown as XXXX-XXXX-XXXX. Unguessable, so the code alone grants the public view of one case;
// readable over the phone (no I/L/O/U).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace civicgrid::cases {

std::string new_tracking_code();
// Accepts lower case, missing or extra dashes and spaces, and the look-alikes I/L→1, O→0.
// nullopt when it cannot be a code.
std::optional<std::string> normalize_tracking_code(std::string_view input);

}  // namespace civicgrid::cases
