// Similar open cases: the index of open cases, its start-up fill and its change listener.
#include "cases/similar_cases.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cases/case_store.h"
#include "cases/queries.h"

namespace civicgrid::cases {

namespace {

std::optional<text::GeoPoint> point_of(const Case& c) {
  if (!c.location) return std::nullopt;
  return text::GeoPoint{c.location->lat, c.location->lon};
}

struct OpenCaseText {
  std::int64_t id = 0;
  std::string text;
  std::optional<text::GeoPoint> point;
  Timestamp created_at = 0;
  std::optional<text::Signature> signature;
};

// Signatures cost tens of microseconds each (normalisation, 64 hashes per bigram): a start-up over
// a million open cases spreads them over the cores.
void sign_all(std::vector<OpenCaseText>& rows) {
  const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t)
    pool.emplace_back([&rows, t, threads] {
      for (size_t i = t; i < rows.size(); i += threads)
        rows[i].signature = text::text_signature(rows[i].text);
    });
  for (auto& th : pool) th.join();
}

}  // namespace

std::string SimilarCases::text_of(const Case& c) {
  std::string t = c.title;
  if (!c.description.empty()) t.append(" ").append(c.description);
  return t;
}

SimilarCases::SimilarCases(CaseService& cases, text::SimilarityOptions options)
    : cases_(cases), index_(options) {}

void SimilarCases::follow(const Case& c) {
  if (!is_open(c.status)) {
    index_.remove(c.id);
    return;
  }
  // Open and already indexed: its text and place do not change after intake.
  if (index_.contains(c.id)) return;
  const std::string t = text_of(c);
  // Views without free texts (scans) cannot add a case; intake, import and reopening carry them.
  if (t.empty()) return;
  index_.upsert(c.id, t, point_of(c), c.created_at);
}

Result<std::int64_t> SimilarCases::load() {
  if (!subscribed_) {
    cases_.on_change([this](const Case& c, std::span<const CaseEvent>) { follow(c); });
    subscribed_ = true;
  }
  const auto start = std::chrono::steady_clock::now();
  constexpr int kPage = 20000;
  std::int64_t after = 0, loaded = 0;
  for (;;) {
    auto page = cases_.db().read([&](store::Session& s) -> Result<std::vector<OpenCaseText>> {
      auto rows = s.query(queries::kOpenCaseTexts, {after, std::int64_t{kPage}});
      if (!rows) return fail(rows.error());
      std::vector<OpenCaseText> out;
      out.reserve(rows->rows.size());
      for (const auto& r : rows->rows) {
        OpenCaseText o;
        o.id = r.i64(0);
        o.text = r.str(1);
        if (const std::string d = r.str(2); !d.empty()) o.text.append(" ").append(d);
        if (!r.is_null(3) && !r.is_null(4)) o.point = text::GeoPoint{r.f64(3), r.f64(4)};
        o.created_at = r.i64(5);
        out.push_back(std::move(o));
      }
      return out;
    });
    if (!page) return fail(page.error());
    if (page->empty()) break;
    sign_all(*page);
    for (const auto& o : *page)
      if (o.signature) index_.upsert(o.id, *o.signature, o.point, o.created_at);
    loaded += static_cast<std::int64_t>(page->size());
    after = page->back().id;
    if (static_cast<int>(page->size()) < kPage) break;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("similar cases: {} open cases indexed in {:.3f} s ({} bytes)", index_.size(), secs,
               index_.memory_bytes());
  return loaded;
}

Result<std::vector<SimilarCase>> SimilarCases::similar_to(const Case& c, const Principal& who,
                                                          size_t limit) const {
  std::vector<SimilarCase> out;
  if (limit == 0) return out;
  // Some matches may lie outside the caller's scope or have just closed: ask for more than shown.
  auto matches = index_.query({.text = text_of(c),
                               .point = point_of(c),
                               .time_ms = c.created_at,
                               .exclude_id = c.id,
                               .limit = limit * 3 + 5});
  if (matches.empty()) return out;
  std::vector<std::int64_t> ids;
  for (const auto& m : matches) ids.push_back(m.id);
  auto found = cases_.get_visible(ids, who);
  if (!found) return fail(found.error());
  size_t f = 0;
  for (const auto& m : matches) {
    if (f < found->size() && (*found)[f].id == m.id) {
      Case& other = (*found)[f++];
      if (is_open(other.status) && out.size() < limit) out.push_back({std::move(other), m});
    }
  }
  return out;
}

Result<std::vector<Case>> CaseService::get_visible(std::span<const std::int64_t> ids,
                                                   const Principal& who) {
  const identity::DataScope scope = identity_.scope_of(who);
  return db_.read([&](store::Session& s) -> Result<std::vector<Case>> {
    std::vector<Case> out;
    for (std::int64_t id : ids) {
      auto c = case_store::load(s, id);
      if (!c) {
        if (c.error().code() == ErrorCode::kNotFound) continue;
        return fail(c.error());
      }
      if (visible(*c, who, scope)) out.push_back(std::move(*c));
    }
    return out;
  });
}

}  // namespace civicgrid::cases
