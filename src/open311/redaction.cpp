// Public free text goes through the text module's personal-data redaction (phones, ID numbers, bank
// cards, e-mail addresses, licence plates, house numbers, introduced names).
#include "open311/open311.h"
#include "text/text.h"

namespace civicgrid::open311 {

std::string redact_public_text(std::string_view text) { return text::redact(text); }

}  // namespace civicgrid::open311
