// Hot issues: character-bigram TF-IDF vectors, links between similar messages found through an
// inverted index of rare bigrams, connected components, and the heat index.
#include "text/hot_issues.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

using Vector = std::vector<std::pair<std::uint32_t, float>>;  // (feature, weight), sorted

// Bigrams of Han characters and Latin letters, within runs of them (punctuation, digits and
// spaces separate runs, so "3栋" and "2019年" add nothing), interned as feature ids. The masked
// codes' capital letters (A5区) never form bigrams: thousands of unrelated messages share them.
class BigramCounter {
 public:
  void add(std::string_view text, int weight, std::unordered_map<std::uint32_t, int>& counts) {
    std::u32string run;
    std::string g;
    auto flush = [&] {
      for (size_t i = 0; i + 1 < run.size(); ++i) {
        g.clear();
        utf8::append(g, run[i]);
        utf8::append(g, run[i + 1]);
        auto [it, added] = ids_.try_emplace(g, static_cast<std::uint32_t>(ids_.size()));
        counts[it->second] += weight;
      }
      run.clear();
    };
    const std::string n = normalize(text);
    for (size_t i = 0; i < n.size();) {
      const char32_t c = utf8::next(n, i);
      if (utf8::is_han(c) || (c >= U'a' && c <= U'z'))
        run.push_back(c);
      else
        flush();
    }
    flush();
  }
  size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
};

// Messages are indexed in time order (untimed ones last), so the messages within the window of
// one are a contiguous run of each posting list.
struct Index {
  std::vector<size_t> order;                         // position → message index
  std::vector<size_t> position;                      // message index → position
  std::vector<std::optional<Timestamp>> time;        // by position
  std::vector<Vector> vectors;                       // by position; unit length
  std::vector<std::vector<std::uint32_t>> postings;  // rare features only: positions holding them
};

Index build_index(std::span<const Message> messages, std::size_t max_df_percent) {
  Index index;
  const size_t count = messages.size();
  index.order.resize(count);
  std::iota(index.order.begin(), index.order.end(), size_t{0});
  std::stable_sort(index.order.begin(), index.order.end(), [&](size_t x, size_t y) {
    return messages[x].time.value_or(INT64_MAX) < messages[y].time.value_or(INT64_MAX);
  });
  index.position.resize(count);
  for (size_t pos = 0; pos < count; ++pos) index.position[index.order[pos]] = pos;
  BigramCounter bigrams;
  std::vector<std::vector<std::pair<std::uint32_t, int>>> counts(count);
  std::vector<std::uint32_t> df;
  std::unordered_map<std::uint32_t, int> one;
  for (size_t pos = 0; pos < count; ++pos) {
    const Message& m = messages[index.order[pos]];
    index.time.push_back(m.time);
    one.clear();
    bigrams.add(m.title, 2, one);
    bigrams.add(std::string_view(m.text).substr(0, std::min<size_t>(m.text.size(), 1500)), 1, one);
    df.resize(bigrams.size(), 0);
    for (const auto& [f, c] : one) ++df[f];
    counts[pos].assign(one.begin(), one.end());
  }
  const double n = static_cast<double>(count);
  const std::uint32_t max_df =
      std::max<std::uint32_t>(50, static_cast<std::uint32_t>(n * max_df_percent / 100.0));
  index.vectors.resize(count);
  index.postings.resize(df.size());
  for (size_t pos = 0; pos < count; ++pos) {
    Vector& v = index.vectors[pos];
    double norm = 0;
    for (const auto& [f, c] : counts[pos]) {
      const double w = (1 + std::log(static_cast<double>(c))) * std::log(1 + n / df[f]);
      v.emplace_back(f, static_cast<float>(w));
      norm += w * w;
    }
    std::vector<std::pair<std::uint32_t, int>>().swap(counts[pos]);
    std::sort(v.begin(), v.end());
    norm = std::sqrt(norm);
    for (auto& [f, w] : v) {
      if (norm > 0) w = static_cast<float>(w / norm);
      if (df[f] >= 2 && df[f] <= max_df) index.postings[f].push_back(static_cast<std::uint32_t>(pos));
    }
  }
  return index;
}

double cosine(const Vector& a, const Vector& b) {
  double dot = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].first < b[j].first)
      ++i;
    else if (a[i].first > b[j].first)
      ++j;
    else
      dot += static_cast<double>(a[i++].second) * b[j++].second;
  }
  return dot;
}

double distance_m(const Message& a, const Message& b) {
  constexpr double kEarthRadius = 6371000, kRad = 3.14159265358979323846 / 180;
  const double dlat = (*b.lat - *a.lat) * kRad, dlon = (*b.lon - *a.lon) * kRad;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(*a.lat * kRad) * std::cos(*b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

// 丽发新城小区 and 丽发新城社区 are one place; so are 伊景园滨河苑 and 滨河苑.
bool names_match(const Place& a, const Place& b) {
  const std::string& x = a.key.size() >= 6 ? a.key : a.name;  // two Han characters at least
  const std::string& y = b.key.size() >= 6 ? b.key : b.name;
  return x.find(y) != std::string::npos || y.find(x) != std::string::npos;
}

enum class Where { kConflict, kSame, kUnknown };

// Whether two messages can be about one place: different districts, areas or named places (or
// more than 1 km apart) rule it out; the same named place (or within 200 m) is strong evidence.
Where where(const Message& a, const Place& pa, const Message& b, const Place& pb) {
  if (!pa.district.empty() && !pb.district.empty() && pa.district != pb.district)
    return Where::kConflict;
  if (!pa.city.empty() && !pb.city.empty() && pa.city != pb.city) return Where::kConflict;
  if (!a.area.empty() && !b.area.empty() && a.area != b.area) return Where::kConflict;
  if (a.lat && a.lon && b.lat && b.lon) {
    const double d = distance_m(a, b);
    if (d > 1000) return Where::kConflict;
    if (d <= 200) return Where::kSame;
  }
  if (!pa.name.empty() && !pb.name.empty())
    return names_match(pa, pb) ? Where::kSame : Where::kConflict;
  return Where::kUnknown;
}

struct UnionFind {
  std::vector<std::uint32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(std::uint32_t a, std::uint32_t b) {
    a = find(a), b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

// The member whose summed similarity to the others is largest (over the first 300 members).
size_t representative(const std::vector<size_t>& members, const Index& index) {
  const size_t n = std::min<size_t>(members.size(), 300);
  size_t best = members.front();
  double best_sum = -1;
  for (size_t i = 0; i < n; ++i) {
    double sum = 0;
    for (size_t j = 0; j < n; ++j)
      if (i != j)
        sum += cosine(index.vectors[index.position[members[i]]],
                      index.vectors[index.position[members[j]]]);
    if (sum > best_sum) best_sum = sum, best = members[i];
  }
  return best;
}

// The most frequent place among the members, preferring one with a name.
Place common_place(const std::vector<size_t>& members, const std::vector<Place>& places) {
  std::unordered_map<std::string, std::pair<int, size_t>> votes;  // label → (count, member)
  for (size_t m : members) {
    const Place& p = places[m];
    if (p.label().empty()) continue;
    auto& v = votes[p.label()];
    v.first += p.name.empty() ? 1 : 3;
    v.second = m;
  }
  const Place* best = nullptr;
  int best_votes = 0;
  for (const auto& [label, v] : votes)
    if (v.first > best_votes || (v.first == best_votes && best && label < best->label()))
      best_votes = v.first, best = &places[v.second];
  return best ? *best : Place{};
}

}  // namespace

double heat_index(const HeatInputs& in) {
  const double n = static_cast<double>(in.messages);
  const double u = static_cast<double>(std::min(in.residents, in.messages));
  const double support = u + 0.5 * (n - u) +
                         0.1 * static_cast<double>(std::max<std::int64_t>(0, in.likes)) +
                         0.05 * static_cast<double>(std::max<std::int64_t>(0, in.dislikes));
  const double span = std::max(0.0, in.span_days);
  const double density = n / std::max(1.0, span);
  const double concentration = 1 + 0.5 * density / (1 + density);
  const double persistence = 1 + 0.25 * std::min(1.0, span / 30);
  return std::round(1000 * std::log1p(support) * concentration * persistence) / 100;
}

std::vector<HotIssue> find_hot_issues(std::span<const Message> messages,
                                      const HotIssueOptions& options) {
  const size_t n = messages.size();
  std::vector<Place> places(n);
  for (size_t m = 0; m < n; ++m) places[m] = extract_place(messages[m].title, messages[m].text);
  const Index index = build_index(messages, options.max_df_percent);
  const std::int64_t window = static_cast<std::int64_t>(options.window_days) * kMillisPerDay;

  UnionFind groups(n);
  std::vector<char> seen(n, 0);
  std::vector<std::uint32_t> touched;
  // Positions from here on are in time order, untimed messages after every timed one.
  const size_t first_untimed = static_cast<size_t>(
      std::find_if(index.time.begin(), index.time.end(), [](const auto& t) { return !t; }) -
      index.time.begin());
  for (size_t a = 0; a < n; ++a) {
    if (options.progress && a % 500 == 0) options.progress(a, n);
    // Candidates: later messages within the window sharing a rare bigram with this one.
    for (const auto& [f, w] : index.vectors[a]) {
      const auto& list = index.postings[f];
      for (auto it = std::upper_bound(list.begin(), list.end(), a); it != list.end(); ++it) {
        const std::uint32_t b = *it;
        if (index.time[a] && index.time[b] && *index.time[b] - *index.time[a] > window) {
          // Past the window: only untimed messages, at the end, remain candidates.
          it = std::lower_bound(it, list.end(), first_untimed);
          if (it == list.end()) break;
        }
        if (!seen[*it]) seen[*it] = 1, touched.push_back(*it);
      }
    }
    const size_t ma = index.order[a];
    for (std::uint32_t b : touched) {
      seen[b] = 0;
      const size_t mb = index.order[b];
      const Where w = where(messages[ma], places[ma], messages[mb], places[mb]);
      if (w == Where::kConflict) continue;
      const double need = w == Where::kSame ? options.same_place_min : options.no_place_min;
      if (cosine(index.vectors[a], index.vectors[b]) >= need)
        groups.join(static_cast<std::uint32_t>(ma), static_cast<std::uint32_t>(mb));
    }
    touched.clear();
  }
  if (options.progress) options.progress(n, n);

  std::unordered_map<std::uint32_t, std::vector<size_t>> components;
  for (size_t m = 0; m < n; ++m)
    components[groups.find(static_cast<std::uint32_t>(m))].push_back(m);

  std::vector<HotIssue> issues;
  for (auto& [root, members] : components) {
    if (members.size() < std::max<size_t>(1, options.min_messages)) continue;
    HotIssue issue;
    std::stable_sort(members.begin(), members.end(), [&](size_t x, size_t y) {
      const Timestamp tx = messages[x].time.value_or(INT64_MAX),
                      ty = messages[y].time.value_or(INT64_MAX);
      return tx < ty;
    });
    std::vector<std::string> users;
    size_t anonymous = 0;
    for (size_t m : members) {
      const Message& msg = messages[m];
      if (msg.user.empty())
        ++anonymous;
      else
        users.push_back(msg.user);
      issue.inputs.likes += std::max<std::int64_t>(0, msg.likes);
      issue.inputs.dislikes += std::max<std::int64_t>(0, msg.dislikes);
      if (msg.time) {
        if (!issue.first || *msg.time < *issue.first) issue.first = msg.time;
        if (!issue.last || *msg.time > *issue.last) issue.last = msg.time;
      }
    }
    std::sort(users.begin(), users.end());
    issue.inputs.messages = members.size();
    issue.inputs.residents =
        static_cast<size_t>(std::unique(users.begin(), users.end()) - users.begin()) + anonymous;
    if (issue.first)
      issue.inputs.span_days = static_cast<double>(*issue.last - *issue.first) / kMillisPerDay;
    issue.heat = heat_index(issue.inputs);
    issue.representative = representative(members, index);
    issue.place = common_place(members, places);
    issue.description = normalize(messages[issue.representative].title);
    issue.members = std::move(members);
    issues.push_back(std::move(issue));
  }
  std::sort(issues.begin(), issues.end(), [](const HotIssue& x, const HotIssue& y) {
    if (x.heat != y.heat) return x.heat > y.heat;
    if (x.members.size() != y.members.size()) return x.members.size() > y.members.size();
    return x.first.value_or(INT64_MAX) < y.first.value_or(INT64_MAX);
  });
  if (options.top > 0 && issues.size() > options.top) issues.resize(options.top);
  for (size_t i = 0; i < issues.size(); ++i) issues[i].rank = static_cast<int>(i + 1);
  return issues;
}

}  // namespace civicgrid::text
