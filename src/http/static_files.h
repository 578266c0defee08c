// Serving the built front end (web/dist). Unknown paths without a file extension fall back to
// index.html so the single-page app can route them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/response.h"

namespace civicgrid::http {

// nullopt when the directory has no file for the path (and no index.html to fall back to).
// Paths with ".." segments are refused (nullopt).
std::optional<Response> serve_static(const std::string& root, std::string_view path);

std::string_view mime_type(std::string_view file_name);

}  // namespace civicgrid::http
