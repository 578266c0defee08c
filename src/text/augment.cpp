#include "text/augment.h"

#include <vector>

#include "text/features.h"
#include "text/utf8.h"

namespace civicgrid::text {

std::string delete_characters(std::string_view text, double rate, Rng& rng) {
  std::vector<std::string_view> chars;
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    utf8::next(text, i);
    chars.push_back(text.substr(at, i - at));
  }
  if (chars.size() < 2) return std::string(text);
  const auto threshold = static_cast<std::uint64_t>(rate * 1e9);
  std::vector<char> drop(chars.size());
  size_t dropped = 0;
  for (auto& d : drop) dropped += (d = rng.below(1000000000) < threshold);
  // At least one deleted and one kept, so that the copy differs and is not empty.
  if (dropped == 0) drop[rng.below(chars.size())] = 1;
  if (dropped == chars.size()) drop[rng.below(chars.size())] = 0;
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i)
    if (!drop[i]) out.append(chars[i]);
  return out;
}

std::string without_places(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (const size_t len = place_at(text, i)) {
      i += len;
      continue;
    }
    out.push_back(text[i++]);
  }
  return out;
}

}  // namespace civicgrid::text
