// CSV for downloads (RFC 4180): UTF-8 with a byte-order mark so that Excel opens Chinese text
// correctly, CRLF line ends, and a field quoted when it holds a comma, quote, CR or LF (quotes
// doubled). Formula-looking fields are left as they are: the data is already redacted text, and
// changing it would change what is published.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace civicgrid::opendata {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Appends one field in CSV form (quoted when needed) to `out`.
void append_field(std::string& out, std::string_view field);

// Appends rows to a caller-owned buffer, so a page of a large dataset is written in place without
// copies of each row.
class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {}
  void bom() { out_.append(kUtf8Bom); }
  void row(std::initializer_list<std::string_view> fields);
  void row(const std::vector<std::string>& fields);

 private:
  std::string& out_;
};

}  // namespace civicgrid::opendata
