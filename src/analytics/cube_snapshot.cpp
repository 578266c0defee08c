#include "analytics/cube_snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>

namespace civicgrid::analytics {

namespace {

constexpr char kMagic[8] = {'C', 'G', 'C', 'U', 'B', 'E', 'S', 'N'};
constexpr std::uint32_t kByteOrderMark = 0x01020304;
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8;

static_assert(std::endian::native == std::endian::little,
              "the snapshot stores columns as they lie in memory (little-endian)");

Error snapshot_error(const std::string& why) {
  return Error::unavailable("统计快照不可用：" + why, "cube snapshot unusable: " + why);
}

size_t padded(size_t n) {
  return (n + 7) & ~size_t{7};
}

// A 64-bit checksum of 8-byte words in four independent lanes (so the multiplies overlap). It only
// has to catch torn writes and flipped bits, not adversaries.
class Checksum {
 public:
  void add(const char* p, size_t n) {  // n is a multiple of 8 (sections are padded)
    for (size_t i = 0; i < n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      std::uint64_t& h = lane_[words_++ & 3];
      h = (h ^ w) * 0x9FB21C651E98DF25ULL;
      h ^= h >> 31;
    }
  }
  std::uint64_t value() const {
    std::uint64_t h = words_;
    for (std::uint64_t l : lane_) h = (h ^ l) * 0xC2B2AE3D27D4EB4FULL, h ^= h >> 29;
    return h;
  }

 private:
  std::uint64_t lane_[4] = {1, 2, 3, 4};
  std::uint64_t words_ = 0;
};

// Appends sections to an in-memory image.
class Writer {
 public:
  // `out` is sized (and so its pages touched) before the locks are taken; it grows if needed.
  explicit Writer(std::string out) : out_(std::move(out)) {}
  template <typename T>
  void value(T v) {
    raw(&v, sizeof v);
  }
  template <typename T>
  void array(const std::vector<T>& v) {
    value<std::uint64_t>(v.size());
    raw(v.data(), v.size() * sizeof(T));
  }
  void dictionary(const Dictionary& d) {
    value<std::uint64_t>(d.size());
    for (size_t i = 1; i < d.size(); ++i) {
      const std::string& s = d.code(static_cast<std::uint16_t>(i));
      value<std::uint64_t>(s.size());
      raw(s.data(), s.size());
    }
  }
  std::string take() {
    out_.resize(pos_);
    return std::move(out_);
  }

 private:
  void raw(const void* p, size_t n) {
    const size_t total = padded(n);
    if (pos_ + total > out_.size()) out_.resize(std::max(pos_ + total, out_.size() * 5 / 4));
    if (n > 0) std::memcpy(out_.data() + pos_, p, n);
    std::memset(out_.data() + pos_ + n, 0, total - n);
    pos_ += total;
  }
  std::string out_;
  size_t pos_ = 0;
};

}  // namespace

// Reads sections straight into their destination, checksumming as it goes; every size is checked
// against what is left of the body before anything is allocated.
class CubeSnapshot::Reader {
 public:
  Reader(int fd, std::uint64_t body) : fd_(fd), left_(body) {}
  template <typename T>
  Result<T> value() {
    T v{};
    if (auto r = raw(&v, sizeof v); !r) return fail(r.error());
    return v;
  }
  template <typename T>
  Result<void> array(std::vector<T>& v, const char* what) {
    auto n = value<std::uint64_t>();
    if (!n) return fail(n.error());
    if (*n > left_ / sizeof(T)) return fail(snapshot_error(std::string(what) + " truncated"));
    v.resize(*n);
    return raw(v.data(), *n * sizeof(T));
  }
  Result<std::vector<std::string>> strings(const char* what) {
    auto n = value<std::uint64_t>();
    if (!n) return fail(n.error());
    if (*n == 0 || *n > 0x10000) return fail(snapshot_error(std::string(what) + " size"));
    std::vector<std::string> out(*n);
    for (size_t i = 1; i < out.size(); ++i) {
      auto len = value<std::uint64_t>();
      if (!len) return fail(len.error());
      if (*len > left_) return fail(snapshot_error(std::string(what) + " truncated"));
      out[i].resize(*len);
      if (auto r = raw(out[i].data(), *len); !r) return fail(r.error());
    }
    return out;
  }
  Result<void> finish(std::uint64_t expected_checksum) const {
    if (left_ != 0) return fail(snapshot_error("unexpected bytes after the ledger"));
    if (sum_.value() != expected_checksum) return fail(snapshot_error("checksum mismatch"));
    return {};
  }

 private:
  Result<void> raw(void* p, size_t n) {
    const size_t total = padded(n);
    if (total > left_) return fail(snapshot_error("truncated"));
    char* dst = static_cast<char*>(p);
    size_t done = 0;
    while (done < n) {  // read() returns at most ~2 GB per call
      const ssize_t got = ::read(fd_, dst + done, std::min<size_t>(n - done, size_t{1} << 30));
      if (got <= 0) return fail(snapshot_error("truncated"));
      done += static_cast<size_t>(got);
    }
    char pad[8] = {};
    if (total > n && ::read(fd_, pad, total - n) != static_cast<ssize_t>(total - n))
      return fail(snapshot_error("truncated"));
    // The checksum covers the bytes as written: whole words of the data, then the padded tail.
    const size_t whole = n & ~size_t{7};
    sum_.add(dst, whole);
    if (total > whole) {
      char tail[8] = {};
      std::memcpy(tail, dst + whole, n - whole);
      sum_.add(tail, 8);
    }
    left_ -= total;
    return {};
  }

  int fd_;
  std::uint64_t left_;
  Checksum sum_;
};

std::uint64_t CubeSnapshot::layout_signature() {
  // Column element sizes in their stored order, then the ledger's record sizes; any change of a
  // type changes the signature.
  const Cube* c = nullptr;
  const size_t sizes[] = {
      sizeof(c->created_day_[0]), sizeof(c->closed_day_[0]), sizeof(c->deadline_day_[0]),
      sizeof(c->category_[0]),    sizeof(c->area_[0]),       sizeof(c->department_[0]),
      sizeof(c->channel_[0]),     sizeof(c->type_[0]),       sizeof(c->status_[0]),
      sizeof(c->eval_[0]),        sizeof(c->flags_[0]),      sizeof(c->close_minutes_[0]),
      sizeof(c->version_[0]),     sizeof(StaffLedger::Fact), sizeof(StaffLedger::CaseState),
      Cube::bytes_per_case()};
  std::uint64_t sig = 0;
  for (size_t s : sizes) sig = sig * 131 + s;
  return sig;
}

std::string CubeSnapshot::capture(const Cube& cube, const StaffLedger& staff,
                                  Timestamp changed_since, Timestamp written_at, double* locked_s) {
  // Allocating and touching a gigabyte takes longer than copying into it, and case changes wait
  // while the locks are held: the buffer is made first, from the sizes of a moment ago.
  size_t estimate = 0;
  {
    auto cube_lock = cube.lock_shared();
    std::shared_lock staff_lock(staff.mu_);
    estimate = kHeaderBytes + cube.rows() * (Cube::bytes_per_case() + 8) +
               staff.facts_.size() * sizeof(StaffLedger::Fact) +
               staff.cases_.size() * sizeof(StaffLedger::CaseState) + (size_t{1} << 20);
  }
  Writer w(std::string(estimate + estimate / 64, '\0'));
  const auto locked_at = std::chrono::steady_clock::now();
  auto cube_lock = cube.lock_shared();
  std::shared_lock staff_lock(staff.mu_);
  const size_t rows = cube.rows();
  // Header placeholder: filled in once the body's size and checksum are known.
  w.value(std::array<char, kHeaderBytes>{});
  std::int64_t max_id = 0;
  for (size_t row = rows; row-- > 0;)
    if (cube.status_[row] != kAbsent) {
      max_id = static_cast<std::int64_t>(row);
      break;
    }
  w.value<std::int64_t>(max_id);
  w.value<std::int64_t>(changed_since);
  w.value<std::int64_t>(written_at);
  w.array(cube.created_day_);
  w.array(cube.closed_day_);
  w.array(cube.deadline_day_);
  w.array(cube.category_);
  w.array(cube.area_);
  w.array(cube.department_);
  w.array(cube.channel_);
  w.array(cube.type_);
  w.array(cube.status_);
  w.array(cube.eval_);
  w.array(cube.flags_);
  w.array(cube.close_minutes_);
  w.array(cube.version_);
  w.dictionary(cube.categories_);
  w.array(cube.category_levels_);
  w.dictionary(cube.areas_);
  w.array(cube.area_street_);
  w.array(cube.area_community_);
  w.array(cube.area_grid_);
  w.dictionary(cube.departments_);
  w.dictionary(staff.people_);
  w.array(staff.facts_);
  w.array(staff.cases_);
  cube_lock.unlock();
  staff_lock.unlock();
  if (locked_s)
    *locked_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - locked_at).count();
  std::string image = w.take();

  Checksum sum;
  sum.add(image.data() + kHeaderBytes, image.size() - kHeaderBytes);
  char* h = image.data();
  std::memcpy(h, kMagic, 8);
  const std::uint32_t version = kFormatVersion, bom = kByteOrderMark;
  const std::uint64_t layout = layout_signature(), body = image.size() - kHeaderBytes,
                      checksum = sum.value();
  std::memcpy(h + 8, &version, 4);
  std::memcpy(h + 12, &bom, 4);
  std::memcpy(h + 16, &layout, 8);
  std::memcpy(h + 24, &body, 8);
  std::memcpy(h + 32, &checksum, 8);
  return image;
}

Result<void> CubeSnapshot::write_file(const std::string& path, const std::string& image) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return fail(snapshot_error("cannot create " + tmp + ": " + std::strerror(errno)));
  size_t done = 0;
  while (done < image.size()) {
    const ssize_t n =
        ::write(fd, image.data() + done, std::min<size_t>(image.size() - done, size_t{1} << 30));
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(snapshot_error("cannot write " + tmp + ": " + why));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return fail(snapshot_error("cannot sync " + tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail(snapshot_error("cannot rename " + tmp + ": " + std::strerror(errno)));
  }
  // The rename itself is durable only once the directory is synced.
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<void> CubeSnapshot::read_cube(Reader& in, Cube& cube) {
  for (auto* v : {&cube.created_day_, &cube.closed_day_, &cube.deadline_day_, &cube.category_,
                  &cube.area_, &cube.department_})
    if (auto r = in.array(*v, "column"); !r) return r;
  for (auto* v : {&cube.channel_, &cube.type_, &cube.status_, &cube.eval_})
    if (auto r = in.array(*v, "column"); !r) return r;
  if (auto r = in.array(cube.flags_, "column"); !r) return r;
  if (auto r = in.array(cube.close_minutes_, "column"); !r) return r;
  if (auto r = in.array(cube.version_, "column"); !r) return r;
  const size_t rows = cube.status_.size();
  for (size_t n : {cube.created_day_.size(), cube.closed_day_.size(), cube.deadline_day_.size(),
                   cube.category_.size(), cube.area_.size(), cube.department_.size(),
                   cube.channel_.size(), cube.type_.size(), cube.eval_.size(), cube.flags_.size(),
                   cube.close_minutes_.size(), cube.version_.size()})
    if (n != rows) return fail(snapshot_error("columns of different lengths"));
  return {};
}

// The dictionaries as stored, checked against the current catalog and org tree once the whole
// file has passed its checksum.
struct CubeSnapshot::StoredCodes {
  std::vector<std::string> categories, areas, departments, people;
  std::vector<std::array<std::uint16_t, 3>> levels;
  std::vector<std::uint16_t> street, community, grid;
};

Result<void> CubeSnapshot::read_codes(Reader& in, StoredCodes& codes) {
  auto categories = in.strings("category dictionary");
  if (!categories) return fail(categories.error());
  codes.categories = std::move(*categories);
  if (auto r = in.array(codes.levels, "category levels"); !r) return r;
  auto areas = in.strings("area dictionary");
  if (!areas) return fail(areas.error());
  codes.areas = std::move(*areas);
  for (auto* v : {&codes.street, &codes.community, &codes.grid})
    if (auto r = in.array(*v, "area roll-up"); !r) return r;
  auto departments = in.strings("department dictionary");
  if (!departments) return fail(departments.error());
  codes.departments = std::move(*departments);
  return {};
}

// Replays the interning of every stored code, in stored order, against the current catalog and
// org tree: when neither changed in a way that matters, this gives the same codes and roll-ups as
// when they were first seen; anything else is a reason for a full rebuild.
Result<void> CubeSnapshot::apply_codes(const StoredCodes& codes, Cube& cube) {
  for (size_t i = 1; i < codes.categories.size(); ++i) cube.intern_category(codes.categories[i]);
  for (size_t i = 1; i < std::min(codes.categories.size(), cube.categories_.size()); ++i)
    if (cube.categories_.code(static_cast<std::uint16_t>(i)) != codes.categories[i] ||
        i >= codes.levels.size() || cube.category_levels_[i] != codes.levels[i])
      return fail(snapshot_error("the category catalog changed: " + codes.categories[i] +
                                 " rolls up differently"));
  if (cube.categories_.size() != codes.categories.size() || cube.category_levels_ != codes.levels)
    return fail(snapshot_error("the category catalog changed (codes roll up differently)"));
  for (size_t i = 1; i < codes.areas.size(); ++i) cube.intern_area(codes.areas[i]);
  for (size_t i = 1; i < std::min(codes.areas.size(), cube.areas_.size()); ++i)
    if (cube.areas_.code(static_cast<std::uint16_t>(i)) != codes.areas[i] ||
        i >= codes.grid.size() || cube.area_street_[i] != codes.street[i] ||
        cube.area_community_[i] != codes.community[i] || cube.area_grid_[i] != codes.grid[i])
      return fail(
          snapshot_error("the org tree changed: " + codes.areas[i] + " rolls up differently"));
  if (cube.areas_.size() != codes.areas.size() || cube.area_street_ != codes.street ||
      cube.area_community_ != codes.community || cube.area_grid_ != codes.grid)
    return fail(snapshot_error("the org tree changed (areas roll up differently)"));
  for (size_t i = 1; i < codes.departments.size(); ++i)
    cube.departments_.intern(codes.departments[i]);
  if (cube.departments_.size() != codes.departments.size())
    return fail(snapshot_error("duplicate department codes"));

  // Codes out of their dictionary would index past the roll-up tables.
  for (size_t row = 0; row < cube.rows(); ++row)
    if (cube.category_[row] >= cube.categories_.size() || cube.area_[row] >= cube.areas_.size() ||
        cube.department_[row] >= cube.departments_.size())
      return fail(snapshot_error("a row refers to an unknown code"));
  return {};
}

Result<void> CubeSnapshot::read_staff(Reader& in, StoredCodes& codes, StaffLedger& staff) {
  auto people = in.strings("people dictionary");
  if (!people) return fail(people.error());
  codes.people = std::move(*people);
  if (auto r = in.array(staff.facts_, "staff facts"); !r) return r;
  return in.array(staff.cases_, "staff cases");
}

Result<void> CubeSnapshot::apply_staff(const StoredCodes& codes, StaffLedger& staff) {
  for (size_t i = 1; i < codes.people.size(); ++i) staff.people_.intern(codes.people[i]);
  if (staff.people_.size() != codes.people.size()) return fail(snapshot_error("duplicate people"));
  const auto facts = static_cast<std::int64_t>(staff.facts_.size());
  for (const auto& f : staff.facts_)
    if (f.person >= staff.people_.size()) return fail(snapshot_error("a fact of nobody known"));
  for (const auto& st : staff.cases_)
    if (st.last_dispatch >= facts || st.last_handle >= facts)
      return fail(snapshot_error("a case state refers to an unknown fact"));
  return {};
}

void CubeSnapshot::reset_dictionaries(Cube& cube, StaffLedger& staff) {
  cube.categories_ = cube.areas_ = cube.departments_ = Dictionary();
  cube.category_levels_.clear();
  cube.area_street_.clear();
  cube.area_community_.clear();
  cube.area_grid_.clear();
  staff.people_ = Dictionary();
}

Result<SnapshotWatermark> CubeSnapshot::load(const std::string& path, Cube& cube,
                                             StaffLedger& staff, int derive_threads) {
  const auto read_start = std::chrono::steady_clock::now();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(snapshot_error(errno == ENOENT
                                   ? "no snapshot at " + path
                                   : "cannot open " + path + ": " + std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  char h[kHeaderBytes];
  if (::read(fd, h, kHeaderBytes) != static_cast<ssize_t>(kHeaderBytes))
    return fail(snapshot_error("truncated header"));
  std::uint32_t version = 0, bom = 0;
  std::uint64_t layout = 0, body = 0, checksum = 0;
  std::memcpy(&version, h + 8, 4);
  std::memcpy(&bom, h + 12, 4);
  std::memcpy(&layout, h + 16, 8);
  std::memcpy(&body, h + 24, 8);
  std::memcpy(&checksum, h + 32, 8);
  if (std::memcmp(h, kMagic, 8) != 0 || bom != kByteOrderMark)
    return fail(snapshot_error("not a cube snapshot"));
  if (version != kFormatVersion)
    return fail(snapshot_error("format version " + std::to_string(version) + ", expected " +
                               std::to_string(kFormatVersion)));
  if (layout != layout_signature()) return fail(snapshot_error("written by another cube layout"));
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0 || static_cast<std::uint64_t>(size) != kHeaderBytes + body)
    return fail(snapshot_error("truncated or oversized file"));
  ::lseek(fd, static_cast<off_t>(kHeaderBytes), SEEK_SET);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  cube.clear();
  staff.clear();
  std::unique_lock cube_lock(cube.mu_);
  std::unique_lock staff_lock(staff.mu_);
  // Cube::clear() keeps the dictionaries; the replay below needs them empty.
  reset_dictionaries(cube, staff);
  auto loaded = [&]() -> Result<SnapshotWatermark> {
    Reader in(fd, body);
    SnapshotWatermark w;
    for (std::int64_t* v : {&w.max_id, &w.changed_since, &w.written_at}) {
      auto x = in.value<std::int64_t>();
      if (!x) return fail(x.error());
      *v = *x;
    }
    StoredCodes codes;
    if (auto r = read_cube(in, cube); !r) return fail(r.error());
    if (auto r = read_codes(in, codes); !r) return fail(r.error());
    if (auto r = read_staff(in, codes, staff); !r) return fail(r.error());
    // Nothing read is interpreted before the whole file is known to be intact.
    if (auto r = in.finish(checksum); !r) return fail(r.error());
    if (auto r = apply_codes(codes, cube); !r) return fail(r.error());
    if (auto r = apply_staff(codes, staff); !r) return fail(r.error());
    return w;
  }();
  if (!loaded) {
    // Whatever was read is dropped, dictionaries included: the full rebuild starts from nothing.
    reset_dictionaries(cube, staff);
    staff.facts_.clear();
    staff.cases_.clear();
    cube_lock.unlock();
    staff_lock.unlock();
    cube.clear();
    return fail(loaded.error());
  }
  const auto derive_start = std::chrono::steady_clock::now();
  loaded->derive = cube.rebuild_derived(derive_threads);
  const auto done = std::chrono::steady_clock::now();
  loaded->read_s = std::chrono::duration<double>(derive_start - read_start).count();
  loaded->derive_s = std::chrono::duration<double>(done - derive_start).count();
  return *loaded;
}

}  // namespace civicgrid::analytics
