// Near-duplicate search over short Chinese texts: which stored documents repeat a new one. Part of
// the text module's public interface (with text.h); the cases module keeps one index of open cases.
//
// A text is normalised (normalize(): NFKC, full-width → half-width, traditional → simplified),
// lower-cased and stripped of spaces and punctuation; its shingles are the character bigrams. Each
// document keeps a MinHash signature of its shingle set (64 one-byte values, b-bit MinHash), and
// locality-sensitive hashing (16 bands of 4 values) finds candidates without a scan: a query reads
// only the 16 buckets its own bands fall in. A candidate's text similarity is the Jaccard index of
// the two shingle sets estimated from the signatures; distance and time then lower it:
//
//   score = text × 2^(−distance_m / distance_half_m) × (1 − time_weight + time_weight × 2^(−hours /
//   time_half_h))
//
// with the distance factor 1 when either point is unknown. See src/text/README.md ("Similar texts")
// and docs/adr/0010-similar-cases.md.
//
// Thread-safe: any number of queries run concurrently with each other; upsert/remove take an
// exclusive lock for the few microseconds of their table updates (signatures are computed before).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <vector>

namespace civicgrid::text {

struct GeoPoint {
  double lat = 0;
  double lon = 0;
};

// Great-circle distance in metres (haversine, mean Earth radius 6,371,008.8 m).
double haversine_m(GeoPoint a, GeoPoint b);

struct SimilarityOptions {
  double distance_half_m = 500;  // the distance at which the distance factor is one half
  double time_half_h = 168;      // the time apart at which the time term has lost half its weight
  double time_weight = 0.5;      // how much of the score time can take away (0: time ignored)
  double min_text = 0.3;         // candidates whose text similarity is lower are not reported
  double min_score = 0.15;       // nor those whose combined score is lower
  // Buckets are walked newest first and at most this far: a bucket that holds thousands of
  // documents is a template text, and reading all of it would make one query slow.
  std::uint32_t max_bucket_walk = 2000;
};

// The MinHash signature of a text: 64 values of one byte (the low bits of 64 minimum hashes).
inline constexpr int kSignatureSize = 64;
using Signature = std::array<std::uint8_t, kSignatureSize>;

// The signature of a raw text; nullopt when it has no letters, digits or characters to compare.
std::optional<Signature> text_signature(std::string_view raw);
// The Jaccard index of two shingle sets estimated from their signatures, in [0, 1].
double estimated_jaccard(const Signature& a, const Signature& b);

struct SimilarityQuery {
  std::string_view text;
  std::optional<GeoPoint> point;
  std::int64_t time_ms = 0;     // milliseconds since the epoch
  std::int64_t exclude_id = 0;  // a document never reported (the query's own); 0 = none
  size_t limit = 10;
};

struct SimilarMatch {
  std::int64_t id = 0;
  double score = 0;                  // the combined score, in [0, 1]
  double text = 0;                   // the text similarity (estimated Jaccard index)
  std::optional<double> distance_m;  // nullopt when either point is unknown
  double hours_apart = 0;            // absolute
};

class SimilarityIndex {
 public:
  explicit SimilarityIndex(SimilarityOptions options = {});
  SimilarityIndex(const SimilarityIndex&) = delete;
  SimilarityIndex& operator=(const SimilarityIndex&) = delete;

  // Adds a document, or replaces the one with the same id. A text with nothing to compare (see
  // text_signature) is not stored, and an older document with the id is removed.
  void upsert(std::int64_t id, std::string_view text, std::optional<GeoPoint> point,
              std::int64_t time_ms);
  // As upsert, with a signature already computed (bulk loads compute them on several threads).
  void upsert(std::int64_t id, const Signature& signature, std::optional<GeoPoint> point,
              std::int64_t time_ms);
  // Removes a document; false when it was not there.
  bool remove(std::int64_t id);
  bool contains(std::int64_t id) const;
  size_t size() const;
  // Bytes held by the index's tables (capacity, not just what is in use).
  size_t memory_bytes() const;
  const SimilarityOptions& options() const { return options_; }

  // The stored documents most similar to the query, best score first (ties: higher id first), at
  // most `limit`, only those reaching min_text and min_score.
  std::vector<SimilarMatch> query(const SimilarityQuery& q) const;
  std::vector<SimilarMatch> query(const Signature& signature, const SimilarityQuery& q) const;

  // The combined score of the formula above, for a text similarity and the two documents' places
  // and times (also used by query()).
  SimilarMatch combine(double text, std::optional<GeoPoint> a, std::optional<GeoPoint> b,
                       std::int64_t time_a_ms, std::int64_t time_b_ms) const;

 private:
  static constexpr int kBands = 16;
  static constexpr int kRows = kSignatureSize / kBands;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // An open-addressing table (linear probing, backward-shift deletion) of slot numbers; the key of
  // an entry is read from the slot it names, so the table stores 4 bytes per entry.
  struct SlotTable {
    std::vector<std::uint32_t> cells;  // kNone = empty
    size_t used = 0;
  };

  std::uint32_t band_key(std::uint32_t slot, int band) const;
  static std::uint32_t band_key(const Signature& s, int band);
  std::uint32_t find_id(std::int64_t id) const;
  std::uint32_t find_head(int band, std::uint32_t key) const;
  void set_head(int band, std::uint32_t key, std::uint32_t slot);
  void erase_head(int band, std::uint32_t key);
  void insert_id(std::uint32_t slot);
  void erase_id(std::int64_t id);
  void grow(SlotTable& t, bool ids_table, int band);
  void remove_slot(std::uint32_t slot);

  SimilarityOptions options_;
  mutable std::shared_mutex mu_;
  // Per slot (struct of arrays).
  std::vector<std::int64_t> ids_;  // 0 = free slot
  std::vector<Signature> signatures_;
  std::vector<float> lat_, lon_;  // NaN when unknown
  std::vector<std::int64_t> times_;
  std::vector<std::uint32_t> next_;  // slot × kBands: the next (older) slot in the same bucket
  std::vector<std::uint32_t> free_;
  SlotTable by_id_;
  std::array<SlotTable, kBands> heads_;  // band key → newest slot of the bucket
  size_t size_ = 0;
};

}  // namespace civicgrid::text
