// Similar open cases (重复诉求): an index of the text, place and time of every open case, so that
// staff see at intake and on a case's page which open cases a new appeal may repeat. A dispatcher
// who confirms a duplicate merges it (`POST /api/v1/cases/{id}/merge {into}`); the merged case then
// leaves the index like every closed, rejected or merged case.
//
// Filled from the stored open cases by load(), then kept current by CaseService's change listeners:
// a case enters when it is submitted (or imported, or reopened) and leaves when it stops being
// open. Thread-safe: queries run concurrently with the listener's updates (see
// text::SimilarityIndex).
#pragma once

#include <cstdint>
#include <vector>

#include "cases/cases.h"
#include "text/similarity_index.h"

namespace civicgrid::cases {

struct SimilarCase {
  Case c;  // as stored; callers show no personal data from it
  text::SimilarMatch match;
};

class SimilarCases {
 public:
  explicit SimilarCases(CaseService& cases, text::SimilarityOptions options = {});

  // Subscribes to case changes (once) and indexes every stored open case; returns how many.
  Result<std::int64_t> load();

  // The open cases most similar to `c` that `who` may read (the data scope of CaseService::get),
  // best first, at most `limit`; `c` itself is never listed.
  Result<std::vector<SimilarCase>> similar_to(const Case& c, const Principal& who,
                                              size_t limit) const;

  // Keeps the index current with one case's new state (the change listener).
  void follow(const Case& c);

  const text::SimilarityIndex& index() const { return index_; }

  // The text compared: title and description.
  static std::string text_of(const Case& c);

 private:
  CaseService& cases_;
  text::SimilarityIndex index_;
  bool subscribed_ = false;
};

}  // namespace civicgrid::cases
