// SimilarityIndex: b-bit MinHash signatures with LSH bucket chains (see similarity_index.h).
//
// Layout: per slot a signature (64 B), a place (8 B), a time (8 B), an id (8 B) and one "next"
// link per band (64 B); per band an open-addressing table from band key to the newest slot of the
// bucket (4 B per cell, the key read back from that slot's signature); an id table of the same
// kind. No per-bucket allocations, so a million documents stay near 300 B each.
#include "text/similarity_index.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

constexpr double kEarthRadiusM = 6371008.8;
constexpr double kMillisPerHour = 3600.0 * 1000.0;

std::uint64_t mix64(std::uint64_t x) {  // SplitMix64's finaliser
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The 64 hash functions of the signature: multiply-shift over a well-mixed 64-bit shingle hash,
// with odd multipliers and offsets drawn once from a fixed SplitMix64 sequence (so signatures are
// the same in every process and may be compared across restarts).
struct HashFamily {
  std::array<std::uint64_t, kSignatureSize> mul{}, add{};
  HashFamily() {
    std::uint64_t s = 0x5EED5EED2020ull;
    for (int k = 0; k < kSignatureSize; ++k) {
      mul[k] = mix64(s += 0x9E3779B97F4A7C15ull) | 1;
      add[k] = mix64(s += 0x9E3779B97F4A7C15ull);
    }
  }
};
const HashFamily& hash_family() {
  static const HashFamily family;
  return family;
}

// Punctuation, symbols and spaces say nothing about what an appeal is about, and their full- and
// half-width forms differ; they are left out of the shingles.
bool is_compared(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c <= 0xBF) return false;                   // Latin-1 punctuation and spaces
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // general punctuation, arrows, symbols, shapes
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation (、。〔〕「」…)
  if (c >= 0xFE10 && c <= 0xFE6F) return false;  // vertical and small forms
  if (c >= 0xFF00 && c <= 0xFF65)
    return !((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
             (c >= 0xFF41 && c <= 0xFF5A));
  return c != 0xFFFD;
}

char32_t fold_case(char32_t c) {
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

std::uint64_t shingle_hash(char32_t a, char32_t b) {
  return mix64((static_cast<std::uint64_t>(a) << 32) | static_cast<std::uint64_t>(b));
}

}  // namespace

double haversine_m(GeoPoint a, GeoPoint b) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (b.lat - a.lat) * kRad, dlon = (b.lon - a.lon) * kRad;
  const double s = std::sin(dlat / 2), t = std::sin(dlon / 2);
  const double h = s * s + std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * t * t;
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

std::optional<Signature> text_signature(std::string_view raw) {
  const std::string norm = normalize(raw);
  std::vector<char32_t> cps;
  cps.reserve(norm.size() / 2);
  for (size_t i = 0; i < norm.size();) {
    const char32_t c = utf8::half_width(utf8::next(norm, i));
    if (is_compared(c)) cps.push_back(fold_case(c));
  }
  if (cps.empty()) return std::nullopt;
  const HashFamily& f = hash_family();
  std::array<std::uint32_t, kSignatureSize> mins;
  mins.fill(0xFFFFFFFFu);
  auto add = [&](std::uint64_t h) {
    for (int k = 0; k < kSignatureSize; ++k) {
      const auto v = static_cast<std::uint32_t>((h * f.mul[k] + f.add[k]) >> 32);
      mins[k] = std::min(mins[k], v);
    }
  };
  if (cps.size() == 1) add(shingle_hash(cps[0], 0));
  for (size_t i = 0; i + 1 < cps.size(); ++i) add(shingle_hash(cps[i], cps[i + 1]));
  Signature sig;
  for (int k = 0; k < kSignatureSize; ++k) sig[k] = static_cast<std::uint8_t>(mins[k]);
  return sig;
}

double estimated_jaccard(const Signature& a, const Signature& b) {
  int same = 0;
  for (int k = 0; k < kSignatureSize; ++k) same += a[k] == b[k];
  // With one byte kept, unequal minima still agree one time in 256 (Li & König, b-bit MinHash).
  constexpr double kChance = 1.0 / 256;
  const double j = (static_cast<double>(same) / kSignatureSize - kChance) / (1 - kChance);
  return std::clamp(j, 0.0, 1.0);
}

SimilarityIndex::SimilarityIndex(SimilarityOptions options) : options_(options) {
  by_id_.cells.assign(16, kNone);
  for (auto& t : heads_) t.cells.assign(16, kNone);
}

std::uint32_t SimilarityIndex::band_key(const Signature& s, int band) {
  std::uint32_t k = 0;
  for (int r = 0; r < kRows; ++r) k = (k << 8) | s[band * kRows + r];
  return k;
}

std::uint32_t SimilarityIndex::band_key(std::uint32_t slot, int band) const {
  return band_key(signatures_[slot], band);
}

namespace {

size_t home_of(std::uint64_t key, size_t mask) {
  return static_cast<size_t>(mix64(key)) & mask;
}

// Linear-probing helpers over a table of slot numbers; key_of(slot) gives a cell's key.
template <class KeyOf>
size_t probe(const std::vector<std::uint32_t>& cells, std::uint64_t key, KeyOf key_of) {
  const size_t mask = cells.size() - 1;
  for (size_t i = home_of(key, mask);; i = (i + 1) & mask)
    if (cells[i] == 0xFFFFFFFFu || key_of(cells[i]) == key) return i;
}

template <class KeyOf>
void erase_at(std::vector<std::uint32_t>& cells, size_t i, KeyOf key_of) {
  const size_t mask = cells.size() - 1;
  cells[i] = 0xFFFFFFFFu;
  // Backward-shift: move later cells of the run into the hole when their home allows it.
  for (size_t j = (i + 1) & mask; cells[j] != 0xFFFFFFFFu; j = (j + 1) & mask) {
    const size_t h = home_of(key_of(cells[j]), mask);
    const bool movable = i <= j ? (h <= i || h > j) : (h <= i && h > j);
    if (movable) {
      cells[i] = cells[j];
      cells[j] = 0xFFFFFFFFu;
      i = j;
    }
  }
}

}  // namespace

void SimilarityIndex::grow(SlotTable& t, bool ids_table, int band) {
  std::vector<std::uint32_t> old = std::move(t.cells);
  t.cells.assign(old.size() * 2, kNone);
  const size_t mask = t.cells.size() - 1;
  for (std::uint32_t slot : old) {
    if (slot == kNone) continue;
    const std::uint64_t key =
        ids_table ? static_cast<std::uint64_t>(ids_[slot]) : band_key(slot, band);
    size_t i = home_of(key, mask);
    while (t.cells[i] != kNone) i = (i + 1) & mask;
    t.cells[i] = slot;
  }
}

std::uint32_t SimilarityIndex::find_id(std::int64_t id) const {
  const size_t i = probe(by_id_.cells, static_cast<std::uint64_t>(id),
                         [&](std::uint32_t s) { return static_cast<std::uint64_t>(ids_[s]); });
  return by_id_.cells[i];
}

void SimilarityIndex::insert_id(std::uint32_t slot) {
  if ((by_id_.used + 1) * 10 > by_id_.cells.size() * 7) grow(by_id_, true, 0);
  const size_t i = probe(by_id_.cells, static_cast<std::uint64_t>(ids_[slot]),
                         [&](std::uint32_t s) { return static_cast<std::uint64_t>(ids_[s]); });
  if (by_id_.cells[i] == kNone) ++by_id_.used;
  by_id_.cells[i] = slot;
}

void SimilarityIndex::erase_id(std::int64_t id) {
  auto key_of = [&](std::uint32_t s) { return static_cast<std::uint64_t>(ids_[s]); };
  const size_t i = probe(by_id_.cells, static_cast<std::uint64_t>(id), key_of);
  if (by_id_.cells[i] == kNone) return;
  erase_at(by_id_.cells, i, key_of);
  --by_id_.used;
}

std::uint32_t SimilarityIndex::find_head(int band, std::uint32_t key) const {
  const auto& cells = heads_[band].cells;
  return cells[probe(cells, key, [&](std::uint32_t s) { return band_key(s, band); })];
}

void SimilarityIndex::set_head(int band, std::uint32_t key, std::uint32_t slot) {
  SlotTable& t = heads_[band];
  if ((t.used + 1) * 10 > t.cells.size() * 7) grow(t, false, band);
  const size_t i = probe(t.cells, key, [&](std::uint32_t s) { return band_key(s, band); });
  if (t.cells[i] == kNone) ++t.used;
  t.cells[i] = slot;
}

void SimilarityIndex::erase_head(int band, std::uint32_t key) {
  SlotTable& t = heads_[band];
  auto key_of = [&](std::uint32_t s) { return band_key(s, band); };
  const size_t i = probe(t.cells, key, key_of);
  if (t.cells[i] == kNone) return;
  erase_at(t.cells, i, key_of);
  --t.used;
}

void SimilarityIndex::upsert(std::int64_t id, std::string_view text, std::optional<GeoPoint> point,
                             std::int64_t time_ms) {
  if (auto sig = text_signature(text)) {
    upsert(id, *sig, point, time_ms);
  } else {
    remove(id);
  }
}

void SimilarityIndex::upsert(std::int64_t id, const Signature& signature,
                             std::optional<GeoPoint> point, std::int64_t time_ms) {
  if (id == 0) return;
  std::unique_lock lock(mu_);
  if (const std::uint32_t old = find_id(id); old != kNone) remove_slot(old);
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(ids_.size());
    ids_.push_back(0);
    signatures_.emplace_back();
    lat_.push_back(0);
    lon_.push_back(0);
    times_.push_back(0);
    next_.resize(next_.size() + kBands, kNone);
  }
  ids_[slot] = id;
  signatures_[slot] = signature;
  lat_[slot] = point ? static_cast<float>(point->lat) : NAN;
  lon_[slot] = point ? static_cast<float>(point->lon) : NAN;
  times_[slot] = time_ms;
  insert_id(slot);
  for (int b = 0; b < kBands; ++b) {
    const std::uint32_t key = band_key(slot, b);
    next_[slot * kBands + b] = find_head(b, key);
    set_head(b, key, slot);
  }
  ++size_;
}

void SimilarityIndex::remove_slot(std::uint32_t slot) {
  for (int b = 0; b < kBands; ++b) {
    const std::uint32_t key = band_key(slot, b);
    const std::uint32_t after = next_[slot * kBands + b];
    std::uint32_t cur = find_head(b, key);
    if (cur == slot) {
      // The head cell's key is read from its slot, so it is replaced in place (same key, same
      // cell).
      if (after == kNone) {
        erase_head(b, key);
      } else {
        SlotTable& t = heads_[b];
        t.cells[probe(t.cells, key, [&](std::uint32_t s) { return band_key(s, b); })] = after;
      }
    } else {
      while (cur != kNone && next_[cur * kBands + b] != slot) cur = next_[cur * kBands + b];
      if (cur != kNone) next_[cur * kBands + b] = after;
    }
    next_[slot * kBands + b] = kNone;
  }
  erase_id(ids_[slot]);
  ids_[slot] = 0;
  free_.push_back(slot);
  --size_;
}

bool SimilarityIndex::remove(std::int64_t id) {
  if (id == 0) return false;
  std::unique_lock lock(mu_);
  const std::uint32_t slot = find_id(id);
  if (slot == kNone) return false;
  remove_slot(slot);
  return true;
}

bool SimilarityIndex::contains(std::int64_t id) const {
  if (id == 0) return false;
  std::shared_lock lock(mu_);
  return find_id(id) != kNone;
}

size_t SimilarityIndex::size() const {
  std::shared_lock lock(mu_);
  return size_;
}

size_t SimilarityIndex::memory_bytes() const {
  std::shared_lock lock(mu_);
  size_t n =
      ids_.capacity() * sizeof(std::int64_t) + signatures_.capacity() * sizeof(Signature) +
      (lat_.capacity() + lon_.capacity()) * sizeof(float) +
      times_.capacity() * sizeof(std::int64_t) +
      (next_.capacity() + free_.capacity() + by_id_.cells.capacity()) * sizeof(std::uint32_t);
  for (const auto& t : heads_) n += t.cells.capacity() * sizeof(std::uint32_t);
  return n;
}

SimilarMatch SimilarityIndex::combine(double text, std::optional<GeoPoint> a,
                                      std::optional<GeoPoint> b, std::int64_t time_a_ms,
                                      std::int64_t time_b_ms) const {
  SimilarMatch m;
  m.text = text;
  double place = 1;
  if (a && b) {
    m.distance_m = haversine_m(*a, *b);
    place = std::exp2(-*m.distance_m / options_.distance_half_m);
  }
  m.hours_apart = std::abs(static_cast<double>(time_a_ms - time_b_ms)) / kMillisPerHour;
  const double w = std::clamp(options_.time_weight, 0.0, 1.0);
  const double time = 1 - w + w * std::exp2(-m.hours_apart / options_.time_half_h);
  m.score = text * place * time;
  return m;
}

std::vector<SimilarMatch> SimilarityIndex::query(const SimilarityQuery& q) const {
  auto sig = text_signature(q.text);
  if (!sig) return {};
  return query(*sig, q);
}

std::vector<SimilarMatch> SimilarityIndex::query(const Signature& signature,
                                                 const SimilarityQuery& q) const {
  std::vector<SimilarMatch> out;
  if (q.limit == 0) return out;
  std::shared_lock lock(mu_);
  std::vector<std::uint32_t> candidates;
  for (int b = 0; b < kBands; ++b) {
    std::uint32_t walked = 0;
    for (std::uint32_t s = find_head(b, band_key(signature, b));
         s != kNone && walked < options_.max_bucket_walk; s = next_[s * kBands + b], ++walked)
      candidates.push_back(s);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (std::uint32_t s : candidates) {
    if (ids_[s] == q.exclude_id) continue;
    const double text = estimated_jaccard(signature, signatures_[s]);
    if (text < options_.min_text) continue;
    std::optional<GeoPoint> where;
    if (!std::isnan(lat_[s])) where = GeoPoint{lat_[s], lon_[s]};
    SimilarMatch m = combine(text, q.point, where, q.time_ms, times_[s]);
    if (m.score < options_.min_score) continue;
    m.id = ids_[s];
    out.push_back(m);
  }
  lock.unlock();
  auto better = [](const SimilarMatch& a, const SimilarMatch& b) {
    return a.score != b.score ? a.score > b.score : a.id > b.id;
  };
  const size_t k = std::min(q.limit, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(), better);
  out.resize(k);
  return out;
}

}  // namespace civicgrid::text
