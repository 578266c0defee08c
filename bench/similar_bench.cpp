// Similar-cases index benchmark: build an index of N synthetic open cases, then time queries.
//
//   cmake --build build --target similar_bench
//   build/similar_bench [N=1000000] [QUERIES=2000] [DIR=/work/shared/data/teddy2020]
//
// The synthetic cases are made from the Teddy Cup 2020 messages (titles and the clauses of their
// details): case k is a random title and five random clauses, drawn with a generator seeded by k,
// so any case can be rebuilt for a query without keeping its text. Points are uniform in a
// 20 km × 20 km box, times uniform over 90 days. Two kinds of query: a near-copy of an indexed
// case (three characters replaced; recall = the case is the best match) and a new random case.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "text/similarity_index.h"
#include "text/text.h"

namespace {

using namespace civicgrid;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU time of the calling thread: the machine is shared, so wall times alone overstate costs.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::vector<std::string> split_utf8(const std::string& s) {
  std::vector<std::string> cps;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0)
      n = 4;
    else if (c >= 0xE0)
      n = 3;
    else if (c >= 0xC0)
      n = 2;
    cps.push_back(s.substr(i, n));
    i += n;
  }
  return cps;
}

struct Corpus {
  std::vector<std::string> titles, clauses;

  void add_file(const std::string& path) {
    auto table = text::read_csv_file(path);
    if (!table) return;
    auto title = table->column("留言主题");
    auto detail = table->column("留言详情");
    if (!title || !detail) return;
    for (const auto& row : table->rows) {
      if (!row[*title].empty()) titles.push_back(row[*title]);
      // Clauses: the detail cut at Chinese commas and full stops.
      std::string cur;
      for (const auto& cp : split_utf8(row[*detail])) {
        if (cp == "，" || cp == "。" || cp == "！" || cp == "？" || cp == "；" || cp == "\n") {
          if (cur.size() >= 12) clauses.push_back(cur);
          cur.clear();
        } else {
          cur += cp;
        }
      }
      if (cur.size() >= 12) clauses.push_back(cur);
    }
  }

  struct Doc {
    std::string text;
    text::GeoPoint point;
    std::int64_t time_ms;
  };

  Doc doc(std::uint64_t k) const {
    std::mt19937_64 rng(k * 0x9E3779B97F4A7C15ull + 1);
    Doc d;
    d.text = titles[rng() % titles.size()];
    for (int i = 0; i < 5; ++i) d.text += "，" + clauses[rng() % clauses.size()];
    d.text += "。";
    std::uniform_real_distribution<double> lat(28.10, 28.28), lon(112.85, 113.05);
    d.point = {lat(rng), lon(rng)};
    d.time_ms = 1'700'000'000'000 + static_cast<std::int64_t>(rng() % (90ull * 24 * 3600 * 1000));
    return d;
  }
};

// Three characters replaced by others from the same text, at random places.
std::string near_copy(const std::string& s, std::mt19937_64& rng) {
  auto cps = split_utf8(s);
  for (int i = 0; i < 3 && cps.size() > 2; ++i) cps[rng() % cps.size()] = cps[rng() % cps.size()];
  std::string out;
  for (const auto& c : cps) out += c;
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const int queries = argc > 2 ? std::atoi(argv[2]) : 2000;
  const std::string dir = argc > 3 ? argv[3] : "/work/shared/data/teddy2020";
  Corpus corpus;
  for (const char* f : {"messages_labeled_train.csv", "messages_unlabeled.csv",
                        "messages_with_likes.csv", "messages_with_replies.csv"})
    corpus.add_file(dir + "/" + f);
  if (corpus.titles.empty() || corpus.clauses.empty()) {
    std::fprintf(stderr, "no messages under %s\n", dir.c_str());
    return 2;
  }
  std::printf("corpus: %zu titles, %zu clauses\n", corpus.titles.size(), corpus.clauses.size());
  const long rss_before = peak_rss_kb();

  // Build: signatures on every core in chunks, inserts on one thread (as the start-up fill does).
  text::SimilarityIndex index;
  const auto t_build = Clock::now();
  double sign_seconds = 0, insert_seconds = 0, insert_cpu = 0;
  constexpr std::uint64_t kChunk = 20000;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::optional<text::Signature>> sigs(kChunk);
  std::vector<Corpus::Doc> docs(kChunk);
  for (std::uint64_t base = 0; base < n; base += kChunk) {
    const std::uint64_t m = std::min(kChunk, n - base);
    auto t = Clock::now();
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < threads; ++w)
      pool.emplace_back([&, w] {
        for (std::uint64_t i = w; i < m; i += threads) {
          docs[i] = corpus.doc(base + i + 1);
          sigs[i] = text::text_signature(docs[i].text);
        }
      });
    for (auto& th : pool) th.join();
    sign_seconds += seconds_since(t);
    t = Clock::now();
    const double c0 = thread_cpu_seconds();
    for (std::uint64_t i = 0; i < m; ++i)
      if (sigs[i])
        index.upsert(static_cast<std::int64_t>(base + i + 1), *sigs[i], docs[i].point,
                     docs[i].time_ms);
    insert_seconds += seconds_since(t);
    insert_cpu += thread_cpu_seconds() - c0;
  }
  const double build_seconds = seconds_since(t_build);
  std::printf(
      "build: %zu cases in %.1f s (signatures %.1f s on %u threads, inserts %.1f s = %.2f us "
      "each)\n",
      index.size(), build_seconds, sign_seconds, threads, insert_seconds,
      insert_seconds * 1e6 / static_cast<double>(n));
  std::printf("inserts: %.2f us CPU each\n", insert_cpu * 1e6 / static_cast<double>(n));
  std::printf("memory: index tables %.1f MiB (%.0f B per case); peak RSS grew by %.1f MiB\n",
              static_cast<double>(index.memory_bytes()) / (1 << 20),
              static_cast<double>(index.memory_bytes()) / static_cast<double>(n),
              static_cast<double>(peak_rss_kb() - rss_before) / 1024);

  // Queries, one thread: near-copies of indexed cases, then new random cases.
  std::mt19937_64 rng(42);
  std::vector<double> copy_ms, fresh_ms, sign_us;
  int found_best = 0, found_any = 0;
  size_t fresh_matches = 0;
  for (int q = 0; q < queries; ++q) {
    const std::uint64_t k = 1 + rng() % n;
    Corpus::Doc d = corpus.doc(k);
    const std::string text = near_copy(d.text, rng);
    const double s0 = thread_cpu_seconds();
    auto sig = text::text_signature(text);
    sign_us.push_back((thread_cpu_seconds() - s0) * 1e6);
    if (!sig) continue;
    const double c0 = thread_cpu_seconds();
    auto r = index.query(*sig, {.point = d.point, .time_ms = d.time_ms + 3600 * 1000, .limit = 5});
    copy_ms.push_back((thread_cpu_seconds() - c0) * 1e3);
    found_best += !r.empty() && r[0].id == static_cast<std::int64_t>(k);
    found_any += std::any_of(r.begin(), r.end(),
                             [&](const auto& m) { return m.id == static_cast<std::int64_t>(k); });
  }
  for (int q = 0; q < queries; ++q) {
    Corpus::Doc d = corpus.doc(n + 1 + rng() % 1'000'000'000);
    auto sig = text::text_signature(d.text);
    if (!sig) continue;
    const double c0 = thread_cpu_seconds();
    auto r = index.query(*sig, {.point = d.point, .time_ms = d.time_ms, .limit = 5});
    fresh_ms.push_back((thread_cpu_seconds() - c0) * 1e3);
    fresh_matches += r.size();
  }
  std::printf("(query figures below are CPU time of the querying thread)\n");
  std::printf("signature of a query text: p50 %.1f us, p99 %.1f us\n", percentile(sign_us, 0.5),
              percentile(sign_us, 0.99));
  std::printf(
      "near-copy queries: %zu, best match = the copied case %.1f%%, in top 5 %.1f%%; "
      "p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
      copy_ms.size(), 100.0 * found_best / std::max<size_t>(1, copy_ms.size()),
      100.0 * found_any / std::max<size_t>(1, copy_ms.size()), percentile(copy_ms, 0.5),
      percentile(copy_ms, 0.99), percentile(copy_ms, 1.0));
  std::printf("new-case queries: %zu, %.3f matches each; p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
              fresh_ms.size(),
              static_cast<double>(fresh_matches) / std::max<size_t>(1, fresh_ms.size()),
              percentile(fresh_ms, 0.5), percentile(fresh_ms, 0.99), percentile(fresh_ms, 1.0));

  // A hot issue: 50,000 open near-copies of one case (the same lamp reported by a whole estate).
  // Its buckets are long; a query walks at most max_bucket_walk entries of each.
  const Corpus::Doc hot = corpus.doc(1);
  for (std::int64_t i = 0; i < 50000; ++i)
    index.upsert(static_cast<std::int64_t>(n) + 1 + i, near_copy(hot.text, rng), hot.point,
                 hot.time_ms);
  std::vector<double> hot_ms;
  size_t hot_matches = 0;
  for (int q = 0; q < 200; ++q) {
    auto sig = text::text_signature(near_copy(hot.text, rng));
    if (!sig) continue;
    const double c0 = thread_cpu_seconds();
    auto r = index.query(*sig, {.point = hot.point, .time_ms = hot.time_ms, .limit = 5});
    hot_ms.push_back((thread_cpu_seconds() - c0) * 1e3);
    hot_matches += r.size();
  }
  std::printf(
      "hot-issue queries (50,000 near-copies indexed): %zu, %.1f matches each; p50 %.3f ms, "
      "p99 %.3f ms\n",
      hot_ms.size(), static_cast<double>(hot_matches) / std::max<size_t>(1, hot_ms.size()),
      percentile(hot_ms, 0.5), percentile(hot_ms, 0.99));

  // Concurrent readers while one writer removes and re-adds cases (closing and intake).
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (unsigned w = 0; w < std::max(1u, threads - 1); ++w)
    readers.emplace_back([&, w] {
      std::mt19937_64 r2(w + 7);
      while (!stop) {
        auto d = corpus.doc(1 + r2() % n);
        auto sig = text::text_signature(d.text);
        if (sig) index.query(*sig, {.point = d.point, .time_ms = d.time_ms, .limit = 5});
        ++reads;
      }
    });
  auto t = Clock::now();
  const double u0 = thread_cpu_seconds();
  constexpr int kUpdates = 20000;
  for (int i = 0; i < kUpdates; ++i) {
    const auto k = static_cast<std::int64_t>(1 + rng() % n);
    index.remove(k);
    auto d = corpus.doc(static_cast<std::uint64_t>(k));
    index.upsert(k, d.text, d.point, d.time_ms);
  }
  const double upd = seconds_since(t);
  const double upd_cpu = thread_cpu_seconds() - u0;
  stop = true;
  for (auto& th : readers) th.join();
  std::printf(
      "updates with %zu concurrent readers: %d remove+upsert (with signature) in %.2f s, "
      "%.1f us CPU each; %ld queries meanwhile (%.0f/s)\n",
      readers.size(), kUpdates, upd, upd_cpu * 1e6 / kUpdates, reads.load(),
      static_cast<double>(reads.load()) / upd);
  return 0;
}
