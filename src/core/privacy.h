// Masking of personal data for roles that may know a record exists but not whom it is about.
#pragma once

#include <string>
#include <string_view>

namespace civicgrid::privacy {

// "13812345678" → "138****5678"; shorter numbers keep only their last two digits.
std::string mask_phone(std::string_view phone);
// "张三" → "张*", "欧阳娜娜" → "欧***"; keeps the first character (the family name, usually).
std::string mask_name(std::string_view name);

}  // namespace civicgrid::privacy

namespace civicgrid::privacy {

// Masks runs of 7 or more digits (ASCII or full-width, spaces and dashes allowed inside) that look like
// phone, ID or card numbers: the minimum every public text gets until fuller redaction applies.
std::string mask_long_numbers(std::string_view text);

}  // namespace civicgrid::privacy
