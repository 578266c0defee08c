// Little binary writer and bounds-checked reader for model files. Numbers are written in the
// machine's byte order (little-endian on every platform civicgrid ships for); the file's magic
// and version guard against reading anything else.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace civicgrid::text {

class ModelWriter {
 public:
  template <typename T>
  requires std::is_arithmetic_v<T>
  void put(T v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void put_string(std::string_view s) {
    put<std::uint64_t>(s.size());
    out_.append(s);
  }
  template <typename T>
  void put_array(const T* data, size_t n) {
    put<std::uint64_t>(n);
    out_.append(reinterpret_cast<const char*>(data), n * sizeof(T));
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Each read returns false (and leaves the reader failed) when the input is too short.
class ModelReader {
 public:
  explicit ModelReader(std::string_view in) : in_(in) {}

  template <typename T>
  requires std::is_arithmetic_v<T>
  bool get(T& v) {
    if (!ok_ || in_.size() < sizeof v) return ok_ = false;
    std::memcpy(&v, in_.data(), sizeof v);
    in_.remove_prefix(sizeof v);
    return true;
  }
  bool get_string(std::string& s, size_t max = size_t{1} << 30) {
    std::uint64_t n = 0;
    if (!get(n) || n > max || n > in_.size()) return ok_ = false;
    s.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  template <typename Vec>
  bool get_array(Vec& v) {
    using T = typename Vec::value_type;
    std::uint64_t n = 0;
    if (!get(n) || n > in_.size() / sizeof(T)) return ok_ = false;
    v.resize(n);
    std::memcpy(v.data(), in_.data(), n * sizeof(T));
    in_.remove_prefix(n * sizeof(T));
    return true;
  }
  bool ok() const { return ok_; }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace civicgrid::text
