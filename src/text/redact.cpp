#include "text/text.h"
namespace civicgrid::text {
std::string_view mask_of(PiiKind) { return "〔〕"; }
std::vector<PiiSpan> find_personal_data(std::string_view) { return {}; }
std::string redact(std::string_view text) { return std::string(text); }
}
