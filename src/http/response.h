// What a handler returns: a status, a body and its content type, and any extra headers.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

namespace civicgrid::http {

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(const boost::json::value& v, unsigned status = 200);
  static Response text(std::string body, std::string content_type = "text/plain; charset=utf-8",
                       unsigned status = 200);
  static Response no_content();

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace civicgrid::http
