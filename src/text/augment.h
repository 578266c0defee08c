// Perturbed copies of training titles (data augmentation), so that a model also learns from the
// parts of a title that its most telling characters would otherwise overshadow. Internal to the
// text module; only training data is ever augmented.
#pragma once

#include <string>
#include <string_view>

#include "text/rng.h"

namespace civicgrid::text {

// `text` with each code point deleted with probability `rate`, at least one deleted and one kept
// when the text has two or more code points (a shorter text comes back unchanged).
std::string delete_characters(std::string_view text, double rate, Rng& rng);

// `text` without the data's masked place names (A市, A3区, K9县: a capital letter, digits, then
// 市/区/县).
std::string without_places(std::string_view text);

}  // namespace civicgrid::text
