// Hot issues (热点问题): messages from residents about the same problem at the same place within a
// time window, grouped and ranked by a heat index. Part of the text module's public interface (with
// text.h). Pure functions over in-memory messages; thread-safe (no shared mutable state).
//
// The formula and the clustering rules are documented in src/text/README.md ("Hot issues") and
// docs/adr/0011-hot-issues-and-reply-quality.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace civicgrid::text {

// One message (留言) or case, whatever its source. Only `title`/`text` are required for
// clustering; without a time a message links to others regardless of the window.
struct Message {
  std::string id;    // 留言编号 or case id
  std::string user;  // who wrote it (counts distinct residents); may be empty (anonymous)
  std::string title;
  std::string text;
  std::optional<Timestamp> time;
  std::int64_t likes = 0;
  std::int64_t dislikes = 0;
  std::optional<double> lat, lon;  // both or neither
  std::string area;  // an area code known from elsewhere (a case's grid); may be empty
};

// Local China time in the forms of the contest data and of ISO: `2019/1/8 11:43:02`,
// `2019-01-08 11:43`, `2019/1/8` (midnight), or RFC 3339. nullopt when it is none of them.
std::optional<Timestamp> parse_local_time(std::string_view s);
// `YYYY/MM/DD` of the local date of a Timestamp.
std::string format_local_date(Timestamp t);

// Where a message is: the masked city/district codes of the contest data (`A市`, `A5区`, `K9县`)
// and the most specific named place (`魅力之城小区`, `人民东路`, `金鼎村`): a run of words ending
// in a place word (小区, 花园, 路, 村, 学校, …) found by ICU word segmentation.
struct Place {
  std::string city;      // "A市" or ""
  std::string district;  // "A5区", "K9县" or ""
  std::string name;      // "魅力之城小区" or ""
  std::string key;       // the name without its place word ("魅力之城"), for matching names
  // "A市A5区魅力之城小区" (the known parts joined); "" when nothing is known.
  std::string label() const;
};
Place extract_place(std::string_view title, std::string_view text);

struct HotIssueOptions {
  int window_days = 45;            // two messages link only when at most this far apart
  double same_place_min = 0.12;    // text cosine needed when both name the same place
  double no_place_min = 0.42;      // text cosine needed when either names no place
  std::size_t min_messages = 2;    // smaller groups are not issues
  std::size_t top = 5;             // issues returned (0: all)
  std::size_t max_df_percent = 5;  // n-grams in more than this share (and 50) of messages link none
  // Called now and then with (messages done, total) while linking; may be empty.
  std::function<void(std::size_t, std::size_t)> progress;
};

// What the heat index is computed from.
struct HeatInputs {
  std::size_t messages = 0;
  std::size_t residents = 0;  // distinct users (anonymous messages count one each)
  double span_days = 0;       // last − first message time
  std::int64_t likes = 0;
  std::int64_t dislikes = 0;
};

// heat = 10 · ln(1 + s) · c · p, rounded to 2 decimals, where
//   s = residents + 0.5·(messages − residents) + 0.1·likes + 0.05·dislikes   (support)
//   ρ = messages / max(1, span_days)                                           (density, per day)
//   c = 1 + 0.5·ρ/(1 + ρ)                                                      (concentration)
//   p = 1 + 0.25·min(1, span_days/30)                                          (persistence)
// Increasing in messages, residents, likes and dislikes.
double heat_index(const HeatInputs& in);

struct HotIssue {
  int rank = 0;  // 1 = hottest
  double heat = 0;
  std::vector<std::size_t> members;  // indexes into the input, in time order
  std::size_t representative = 0;    // index of the message most like the others
  HeatInputs inputs;
  std::optional<Timestamp> first, last;
  Place place;              // the most common place among the members
  std::string description;  // the representative message's title
};

// Groups the messages and returns the hottest issues, hottest first (ties: more messages, then
// earlier first message). Two messages link when they are within the time window, not in
// different districts/areas or at different named places (or more than 1 km apart when both have
// coordinates), and their texts are similar enough (character bigram TF-IDF cosine); groups are
// the connected components of the links. O(n · shared rare n-grams), not n².
std::vector<HotIssue> find_hot_issues(std::span<const Message> messages,
                                      const HotIssueOptions& options = {});

}  // namespace civicgrid::text
