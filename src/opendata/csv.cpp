#include "opendata/csv.h"

namespace civicgrid::opendata {

void append_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void CsvWriter::row(std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (auto f : fields) {
    if (!first) out_.push_back(',');
    first = false;
    append_field(out_, f);
  }
  out_.append("\r\n");
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out_.push_back(',');
    append_field(out_, fields[i]);
  }
  out_.append("\r\n");
}

}  // namespace civicgrid::opendata
