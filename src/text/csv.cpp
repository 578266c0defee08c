// RFC 4180 CSV for the text CLI: strict about what would silently corrupt data (bad encoding,
// unterminated quotes, ragged rows), lenient about line ends (LF or CRLF) and a leading BOM.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

Error csv_error(const std::string& zh, const std::string& en) {
  return Error::invalid("csv", zh, en);
}

size_t line_of(std::string_view s, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < s.size(); ++i)
    if (s[i] == '\n') ++line;
  return line;
}

}  // namespace

Result<size_t> CsvTable::column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  std::string have;
  for (const auto& h : header) have += (have.empty() ? "" : ", ") + h;
  return fail(Error::invalid(
      std::string(name), "CSV 缺少列「" + std::string(name) + "」（现有列：" + have + "）",
      "CSV has no column \"" + std::string(name) + "\" (columns: " + have + ")"));
}

Result<CsvTable> parse_csv(std::string_view s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  if (s.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return fail(csv_error("CSV 文件为空（没有表头行）", "the CSV file is empty (no header row)"));
  if (const size_t bad = utf8::first_invalid(s); bad != std::string_view::npos) {
    const std::string line = std::to_string(line_of(s, bad));
    return fail(
        csv_error("CSV 不是 UTF-8 编码（第 " + line + " 行有无效字节；GBK 文件请先转换为 UTF-8）",
                  "the CSV is not UTF-8 (invalid bytes on line " + line +
                      "; convert GBK files to UTF-8 first)"));
  }
  CsvTable table;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  size_t row_start = 0;
  bool any_field = false;  // the current row has content (so a blank line is not a row)
  auto end_row = [&]() -> Result<void> {
    row.push_back(std::move(field));
    field.clear();
    if (table.header.empty()) {
      table.header = std::move(row);
    } else if (row.size() != table.header.size()) {
      const std::string line = std::to_string(line_of(s, row_start));
      return fail(csv_error("CSV 第 " + line + " 行有 " + std::to_string(row.size()) +
                                " 个字段，表头有 " + std::to_string(table.header.size()) + " 个",
                            "CSV line " + line + " has " + std::to_string(row.size()) +
                                " fields, the header has " + std::to_string(table.header.size())));
    } else {
      table.rows.push_back(std::move(row));
    }
    row.clear();
    any_field = false;
    return {};
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"' && field.empty() &&
        (i == 0 || s[i - 1] == ',' || s[i - 1] == '\n' || s[i - 1] == '\r')) {
      // A quoted field: up to the closing quote; "" stands for one quote.
      const size_t open = i++;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        field.push_back(s[i++]);
      }
      if (!closed) {
        const std::string line = std::to_string(line_of(s, open));
        return fail(csv_error("CSV 第 " + line + " 行的引号没有闭合",
                              "CSV line " + line + ": unterminated quote"));
      }
      any_field = true;
      if (i < s.size() && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
        const std::string line = std::to_string(line_of(s, i));
        return fail(csv_error(
            "CSV 第 " + line + " 行：引号字段后应为逗号或换行",
            "CSV line " + line + ": a quoted field must be followed by a comma or a line end"));
      }
      continue;
    }
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any_field = true;
      ++i;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      ++i;
      if (any_field || !field.empty()) {
        if (auto ok = end_row(); !ok) return fail(ok.error());
      }
      row_start = i;
    } else {
      field.push_back(c);
      any_field = true;
      ++i;
    }
  }
  if (any_field || !field.empty()) {
    if (auto ok = end_row(); !ok) return fail(ok.error());
  }
  return table;
}

Result<CsvTable> read_csv_file(const std::string& path) {
  std::string bytes;
  if (path == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return fail(Error::invalid("input", "无法读取文件：" + path, "cannot read file: " + path));
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = std::move(ss).str();
  }
  auto table = parse_csv(bytes);
  if (!table) {
    const Error& e = table.error();
    return fail(Error::invalid(std::string(e.field()), path + "：" + e.message_zh(),
                               path + ": " + e.message_en()));
  }
  return table;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (char c : f) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += "\r\n";
  return out;
}

}  // namespace civicgrid::text
