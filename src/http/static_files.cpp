#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/request_context.h"

namespace civicgrid::http {

namespace fs = std::filesystem;

std::string_view mime_type(std::string_view name) {
  struct Row {
    std::string_view ext, type;
  };
  static constexpr Row kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".geojson", "application/geo+json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  for (const auto& r : kTypes)
    if (name.ends_with(r.ext)) return r.type;
  return "application/octet-stream";
}

namespace {

std::optional<std::string> read_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::optional<Response> serve_static(const std::string& root, std::string_view raw_path) {
  if (root.empty()) return std::nullopt;
  const std::string path = percent_decode(raw_path, false);
  fs::path rel;
  for (auto seg : split_path(path)) {
    if (seg == ".." || seg == "." ||
        seg.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos)
      return std::nullopt;
    rel /= std::string(seg);
  }
  const fs::path base(root);
  if (!rel.empty()) {
    if (auto body = read_file(base / rel)) {
      Response r = Response::text(std::move(*body), std::string(mime_type(rel.filename().string())));
      // Vite puts content hashes in asset names, so they can be cached for long.
      if (path.starts_with("/assets/")) r.with_header("Cache-Control", "public, max-age=31536000, immutable");
      return r;
    }
    if (rel.has_extension()) return std::nullopt;
  }
  if (auto body = read_file(base / "index.html")) {
    Response r = Response::text(std::move(*body), "text/html; charset=utf-8");
    r.with_header("Cache-Control", "no-cache");
    return r;
  }
  return std::nullopt;
}

}  // namespace civicgrid::http
