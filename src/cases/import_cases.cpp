// The history import's pipeline: a helper thread reads lines and builds cases (import_builder.cpp)
// into batches while this thread writes the previous batch in one transaction. Two cores thus parse
// and write at the same time; the bounded queue keeps memory flat however long the file is.
#include "cases/import_cases.h"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>

#include "cases/case_store.h"
#include "cases/import_builder.h"
#include "cases/queries.h"
#include "cases/tracking_code.h"

namespace civicgrid::cases {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr size_t kMaxLineBytes = 1 << 20;
constexpr size_t kQueuedBatches = 2;

struct Batch {
  std::vector<BuiltCase> cases;
  std::vector<ImportRejection> rejected;  // by the builder, in line order
  std::int64_t blank = 0;
  std::int64_t first_line = 0;
  std::int64_t last_line = 0;
  bool end = false;  // the last batch: the input is exhausted (or failed, see error)
  std::optional<Error> error;
};

// A bounded queue between the builder thread and the writer.
class BatchQueue {
 public:
  // False when the writer gave up (the builder should stop). Frees the batches written meanwhile:
  // their memory was allocated on the builder's thread, and freeing it there keeps that work off
  // the writer, which is the slower side.
  bool push(Batch b) {
    std::vector<Batch> written;
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return cancelled_ || q_.size() < kQueuedBatches; });
    if (cancelled_) return false;
    q_.push_back(std::move(b));
    written.swap(written_);
    not_empty_.notify_one();
    lock.unlock();
    return true;
  }
  std::optional<Batch> pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return !q_.empty(); })) return std::nullopt;
    Batch b = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return b;
  }
  void written(Batch b) {
    std::lock_guard lock(mu_);
    written_.push_back(std::move(b));
  }
  void cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    q_.clear();
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> q_;
  std::vector<Batch> written_;
  bool cancelled_ = false;
};

bool blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

// Store errors that one case causes (a duplicate key, a violated constraint) reject that case;
// anything else means the store itself failed.
bool case_level(const Error& e) {
  return e.code() == ErrorCode::kConflict || e.code() == ErrorCode::kInvalidArgument;
}

std::string describe(const Error& e) {
  std::string s = e.message_en();
  if (!e.detail().empty()) s += ": " + e.detail();
  return s;
}

class Importer {
 public:
  Importer(CaseService& cases, const ImportOptions& options, ProgressCallback progress)
      : cases_(cases),
        options_(options),
        progress_(std::move(progress)),
        start_(SteadyClock::now()) {}

  Result<ImportSummary> run(std::istream& in) {
    if (auto ok = tune_writer(true); !ok) return fail(ok.error());
    std::jthread builder([&] { build_all(in); });
    auto last_report = SteadyClock::now();
    std::optional<Error> failure;
    for (;;) {
      std::optional<Batch> batch = queue_.pop(options_.progress_interval);
      if (batch) {
        if (auto ok = write_batch(*batch); !ok) {
          failure = ok.error();
          break;
        }
        if (batch->end) {
          if (batch->error) failure = batch->error;
          break;
        }
        queue_.written(std::move(*batch));
      }
      if (SteadyClock::now() - last_report >= options_.progress_interval) {
        report(false);
        last_report = SteadyClock::now();
      }
    }
    queue_.cancel();  // lets a builder blocked on a full queue finish
    builder.join();
    (void)tune_writer(false);
    summary_.lines_read = lines_read_.load();
    summary_.elapsed = SteadyClock::now() - start_;
    report(true);
    if (failure) return fail(*failure);
    return std::move(summary_);
  }

 private:
  // SQLite settings of the writer connection while importing, restored afterwards (they apply from
  // the next transaction on):
  // - temp_store MEMORY: SQLite journals the pages each statement changes; past 64 KiB that journal
  //   goes to a temporary file, and then every insert of the transaction writes its pages there
  //   too.
  // - a 64 MB page cache: bulk inserts touch index pages all over (random tracking codes, creation
  //   times), more than the default 2 MB holds.
  // - checkpoints every 64 MB of WAL instead of 4 MB: each checkpoint copies the hot index pages
  //   again, and a batch of cases alone writes more than 4 MB.
  Result<void> tune_writer(bool importing) {
    if (cases_.db().dialect() != store::Dialect::kSqlite) return {};
    auto tx = cases_.db().begin_write();
    if (!tx) return fail(tx.error());
    store::Session& s = **tx;
    if (importing) {
      auto temp = s.query("PRAGMA temp_store");
      auto cache = s.query("PRAGMA cache_size");
      if (!temp || !cache || temp->rows.empty() || cache->rows.empty())
        return {};  // keep the defaults
      saved_temp_store_ = temp->rows[0].i64(0);
      saved_cache_size_ = cache->rows[0].i64(0);
      auto wal = s.query("PRAGMA wal_autocheckpoint");
      if (wal && !wal->rows.empty()) saved_wal_autocheckpoint_ = wal->rows[0].i64(0);
      (void)s.query("PRAGMA temp_store = MEMORY");
      (void)s.query("PRAGMA cache_size = -65536");
      (void)s.query("PRAGMA wal_autocheckpoint = 16384");
    } else if (saved_cache_size_) {
      (void)s.query("PRAGMA temp_store = " + std::to_string(saved_temp_store_));
      (void)s.query("PRAGMA cache_size = " + std::to_string(*saved_cache_size_));
      (void)s.query("PRAGMA wal_autocheckpoint = " + std::to_string(saved_wal_autocheckpoint_));
    }
    return (*tx)->commit();
  }

  // ---- builder thread
  void build_all(std::istream& in) {
    Batch batch;
    try {
      HistoryBuilder builder(cases_);
      std::string line;
      std::int64_t line_no = 0;
      const size_t max = static_cast<size_t>(options_.batch_size);
      while (std::getline(in, line)) {
        ++line_no;
        lines_read_.store(line_no, std::memory_order_relaxed);
        bytes_read_.fetch_add(static_cast<std::int64_t>(line.size()) + 1,
                              std::memory_order_relaxed);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // a UTF-8 BOM
        if (batch.first_line == 0) batch.first_line = line_no;
        batch.last_line = line_no;
        if (blank(line)) {
          ++batch.blank;
        } else if (line.size() > kMaxLineBytes) {
          batch.rejected.push_back({line_no, {}, "line longer than 1 MiB"});
        } else {
          BuiltCase built;
          ImportRejection rejected;
          if (builder.build(line, line_no, built, rejected))
            batch.cases.push_back(std::move(built));
          else
            batch.rejected.push_back(std::move(rejected));
        }
        // A file of nothing but bad lines still moves on in batches.
        if (batch.cases.size() >= max || batch.rejected.size() >= max) {
          if (!queue_.push(std::exchange(batch, Batch{}))) return;
        }
      }
      if (in.bad())
        batch.error =
            Error::invalid("file", "读取输入失败",
                           "reading the input failed after line " + std::to_string(line_no));
    } catch (const std::exception& e) {
      batch.error = Error::internal(std::string("history import: ") + e.what());
    }
    batch.end = true;
    queue_.push(std::move(batch));
  }

  // ---- writer (the calling thread)
  Result<void> write_batch(Batch& batch) {
    summary_.blank_lines += batch.blank;
    std::vector<ImportRejection> rejected;
    std::int64_t imported = 0, events = 0;
    if (!batch.cases.empty()) {
      auto whole = write_group(batch.cases, rejected, imported, events, &batch);
      if (!whole) {
        if (!case_level(whole.error())) return fail(whole.error());
        // One case spoiled the batch: write them one by one so only that one is rejected.
        rejected.clear();
        imported = events = 0;
        for (size_t i = 0; i < batch.cases.size(); ++i) {
          auto one = write_single(batch.cases[i], rejected, imported, events);
          if (!one) return fail(one.error());
        }
        if (imported > 0)
          if (auto ok = cases_.audit_log().append(
                  audit_entry(batch, imported, events, rejected.size(), true));
              !ok)
            return fail(ok.error());
      }
      if (imported > 0) ++summary_.batches;
    }
    summary_.imported += imported;
    summary_.events += events;
    // The builder's and the writer's rejections, in line order.
    std::vector<ImportRejection> all;
    all.reserve(batch.rejected.size() + rejected.size());
    std::merge(std::make_move_iterator(batch.rejected.begin()),
               std::make_move_iterator(batch.rejected.end()),
               std::make_move_iterator(rejected.begin()), std::make_move_iterator(rejected.end()),
               std::back_inserter(all),
               [](const auto& a, const auto& b) { return a.line < b.line; });
    for (auto& r : all) {
      ++summary_.rejected;
      if (summary_.rejections.size() < options_.max_rejections_kept)
        summary_.rejections.push_back(std::move(r));
    }
    return {};
  }

  // Retries one case alone; a case-level failure rejects it. A tracking code that happens to be
  // taken already (60 random bits: practically never) gets a fresh one.
  Result<void> write_single(BuiltCase& bc, std::vector<ImportRejection>& rejected,
                            std::int64_t& imported, std::int64_t& events) {
    for (int attempt = 0;; ++attempt) {
      std::vector<ImportRejection> local;
      std::int64_t n = 0, e = 0;
      auto ok = write_group(std::span<BuiltCase>(&bc, 1), local, n, e, nullptr);
      if (ok) {
        rejected.insert(rejected.end(), local.begin(), local.end());
        imported += n;
        events += e;
        return {};
      }
      if (!case_level(ok.error())) return fail(ok.error());
      if (ok.error().code() == ErrorCode::kConflict && attempt == 0) {
        bc.c.tracking_code = new_tracking_code();
        continue;
      }
      rejected.push_back({bc.line, bc.c.external_id, describe(ok.error())});
      return {};
    }
  }

  // Writes cases in one transaction: cases already stored are rejected, the others inserted with
  // their events. With `batch`, also the batch's audit entry. Real ids are recorded only when the
  // transaction commits.
  Result<void> write_group(std::span<BuiltCase> group, std::vector<ImportRejection>& rejected,
                           std::int64_t& imported, std::int64_t& events, const Batch* batch) {
    std::vector<std::pair<std::int64_t, std::int64_t>> staged;  // ordinal → id
    std::vector<const BuiltCase*> written;
    // An explicit transaction rather than db().write(): write() runs its body inside a savepoint,
    // and SQLite journals every page a savepoint touches, which for a batch of thousands of cases
    // means rewriting megabytes into a temporary file.
    auto tx = cases_.db().begin_write();
    if (!tx) return fail(tx.error());
    store::Session& s = **tx;
    imported = events = 0;
    auto existing = stored_ids(s, group);
    if (!existing) return fail(existing.error());
    // Cases without a merge go in multi-row statements; merges follow one by one, once the ids of
    // their targets (possibly earlier cases of this group) are known.
    std::vector<BuiltCase*> plain, merges;
    std::vector<Case*> plain_cases;
    for (BuiltCase& bc : group) {
      if (auto it = existing->find(bc.c.external_id); it != existing->end()) {
        rejected.push_back({bc.line, bc.c.external_id, "already imported"});
        staged.emplace_back(bc.ordinal, it->second);  // later merges into it find the stored case
        continue;
      }
      if (bc.merge_event) {
        merges.push_back(&bc);
      } else {
        plain.push_back(&bc);
        plain_cases.push_back(&bc.c);
      }
    }
    if (auto ok = case_store::insert_many(s, plain_cases); !ok) return fail(ok.error());
    for (BuiltCase* bc : plain) {
      if (auto ok = insert_events(s, *bc, 0); !ok) return fail(ok.error());
      staged.emplace_back(bc->ordinal, bc->c.id);
      written.push_back(bc);
      events += static_cast<std::int64_t>(bc->events.size());
    }
    for (BuiltCase* bc : merges) {
      const std::int64_t target = resolve(bc->merge_target, staged);
      if (target == 0) {
        rejected.push_back({bc->line, bc->c.external_id,
                            "event " + std::to_string(*bc->merge_event + 1) +
                                " (merge): into: the target case " + bc->merge_target_label +
                                " was not imported"});
        continue;
      }
      bc->c.merged_into = target;
      Case* one = &bc->c;
      if (auto ok = case_store::insert_many(s, std::span<Case* const>(&one, 1)); !ok)
        return fail(ok.error());
      if (auto ok = insert_events(s, *bc, target); !ok) return fail(ok.error());
      staged.emplace_back(bc->ordinal, bc->c.id);
      written.push_back(bc);
      events += static_cast<std::int64_t>(bc->events.size()) + 1;
    }
    imported = static_cast<std::int64_t>(written.size());
    // Rejections in line order, as the builder's are.
    std::sort(rejected.begin(), rejected.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    if (batch && imported > 0)
      if (auto a = cases_.audit_log().append(
              s, audit_entry(*batch, imported, events, rejected.size(), false));
          !a)
        return fail(a.error());
    auto ok = (*tx)->commit();
    if (!ok) return fail(ok.error());
    for (const auto& [ordinal, id] : staged) set_real_id(ordinal, id);
    for (const BuiltCase* bc : written) cases_.notify_changed(bc->c, bc->events);
    return {};
  }

  Result<std::unordered_map<std::string, std::int64_t>> stored_ids(store::Session& s,
                                                                   std::span<BuiltCase> group) {
    std::string sql = queries::kCasesByExternalIdIn;
    std::vector<store::Value> params;
    params.reserve(group.size());
    for (const BuiltCase& bc : group) {
      sql += (params.empty() ? "$" : ", $") + std::to_string(params.size() + 1);
      params.emplace_back(bc.c.external_id);
    }
    sql += ")";
    auto rows = s.query(sql, std::span<const store::Value>(params));
    if (!rows) return fail(rows.error());
    std::unordered_map<std::string, std::int64_t> out;
    for (const auto& r : rows->rows) out.emplace(r.str(1), r.i64(0));
    return out;
  }

  // The timeline of a case just inserted; for a merge, also the entry on the target's timeline.
  Result<void> insert_events(store::Session& s, BuiltCase& bc, std::int64_t merge_target) {
    for (CaseEvent& ev : bc.events) ev.case_id = bc.c.id;
    if (merge_target)
      bc.events[*bc.merge_event].data = R"({"into":)" + std::to_string(merge_target) + "}";
    if (auto ok = case_store::insert_events(s, bc.events); !ok) return fail(ok.error());
    if (!merge_target) return {};
    // As for live merges, the target's timeline records what was merged into it.
    CaseEvent note = bc.events[*bc.merge_event];
    note.case_id = merge_target;
    note.from = note.to = bc.merge_target_status;
    note.data = R"({"merged_case":)" + std::to_string(bc.c.id) + "}";
    return case_store::insert_event(s, note);
  }

  // A merge target's real id: a stored case as is; a case of this run once written (0 when it was
  // rejected).
  std::int64_t resolve(std::int64_t target,
                       const std::vector<std::pair<std::int64_t, std::int64_t>>& staged) const {
    if (target < kProvisionalIdBase) return target;
    const std::int64_t ordinal = target - kProvisionalIdBase;
    for (auto it = staged.rbegin(); it != staged.rend(); ++it)
      if (it->first == ordinal) return it->second;
    return ordinal < static_cast<std::int64_t>(real_ids_.size()) ? real_ids_[ordinal] : 0;
  }

  void set_real_id(std::int64_t ordinal, std::int64_t id) {
    if (ordinal >= static_cast<std::int64_t>(real_ids_.size())) real_ids_.resize(ordinal + 1, 0);
    real_ids_[ordinal] = id;
  }

  audit::Entry audit_entry(const Batch& batch, std::int64_t imported, std::int64_t events,
                           size_t rejected, bool one_by_one) const {
    json::object detail{{"source", options_.source},
                        {"lines", json::array{batch.first_line, batch.last_line}},
                        {"imported", imported},
                        {"events", events},
                        {"rejected", static_cast<std::int64_t>(rejected + batch.rejected.size())}};
    if (one_by_one) detail["written_one_by_one"] = true;
    return audit::Entry{options_.audit_actor,   "case.import", "case", "", "", "", "ok",
                        json::serialize(detail)};
  }

  void report(bool done) {
    if (!progress_) return;
    ImportProgress p;
    p.lines_read = lines_read_.load(std::memory_order_relaxed);
    p.bytes_read = bytes_read_.load(std::memory_order_relaxed);
    p.imported = summary_.imported;
    p.rejected = summary_.rejected;
    p.elapsed = SteadyClock::now() - start_;
    p.done = done;
    progress_(p);
  }

  CaseService& cases_;
  const ImportOptions& options_;
  ProgressCallback progress_;
  const SteadyClock::time_point start_;
  BatchQueue queue_;
  std::atomic<std::int64_t> lines_read_{0};
  std::atomic<std::int64_t> bytes_read_{0};
  ImportSummary summary_;
  std::vector<std::int64_t> real_ids_;  // by ordinal; 0 = not (yet) written
  std::int64_t saved_temp_store_ = 0;
  std::int64_t saved_wal_autocheckpoint_ = 1000;
  std::optional<std::int64_t> saved_cache_size_;
};

}  // namespace

Result<ImportSummary> import_cases(CaseService& cases, std::istream& in,
                                   const ImportOptions& options, ProgressCallback progress) {
  if (options.batch_size < 1 || options.batch_size > 100000)
    return fail(Error::invalid("batch", "批大小应在 1 到 100000 之间",
                               "batch must be between 1 and 100000"));
  Importer importer(cases, options, std::move(progress));
  return importer.run(in);
}

}  // namespace civicgrid::cases
