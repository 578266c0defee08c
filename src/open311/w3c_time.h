// Date-times on the GeoReport wire: emitted as W3C/ISO 8601 with whole seconds and an explicit
// offset (China Standard Time, "+08:00"), read leniently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace civicgrid::open311 {

// "2026-11-26T20:30:00+08:00": fractions are truncated, as open311-adapter's validator and
// FixMyStreet expect whole seconds.
std::string format_w3c(Timestamp t);

struct ParsedTime {
  Timestamp at = 0;
  bool date_only = false;  // "2011-03-10": `at` is that day's start in China Standard Time
};

// Accepts "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.fraction]]" with "T" or a space, followed by "Z",
// "±hh:mm", "±hhmm", "±hh" or nothing (then China Standard Time, the jurisdiction's clock). A space
// before the offset is read as '+' (an unencoded '+' in a query string arrives as a space).
// nullopt when it is none of these or names an impossible date or time.
std::optional<ParsedTime> parse_w3c(std::string_view text);

}  // namespace civicgrid::open311
