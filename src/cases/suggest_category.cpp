// Category suggestion for an appeal: the text classifier, trained on titles, reads the title; a
// title too short to say much is read together with the start of the description.
#include "cases/cases.h"
#include "core/json_fields.h"

namespace civicgrid::cases {

std::optional<text::CategorySuggestion> CaseService::suggest_category(
    std::string_view title, std::string_view description) const {
  if (!suggester_) return std::nullopt;
  constexpr size_t kShortTitle = 6;          // code points
  constexpr size_t kDescriptionBytes = 600;  // about 200 Chinese characters
  if (json_fields::utf8_length(title) >= kShortTitle) return suggester_(title);
  std::string text(title);
  std::string_view head = description.substr(0, kDescriptionBytes);
  // Cut at a code point boundary.
  while (!head.empty() && head.size() < description.size() &&
         (static_cast<unsigned char>(description[head.size()]) & 0xC0) == 0x80)
    head.remove_suffix(1);
  text.append(" ").append(head);
  return suggester_(text);
}

}  // namespace civicgrid::cases
