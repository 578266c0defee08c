// `civicgrid import cases FILE.jsonl`: the history import (docs/import-cases.md) from the command
// line. Progress goes to stderr (a bar on a terminal, plain lines otherwise), the summary and the
// first rejected lines to stdout.
//
// Exit codes: 0 everything imported, 3 some lines rejected (the rest imported), 2 a bad file or
// argument, 1 the store failed.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "app/app.h"
#include "app/commands.h"
#include "cases/import_cases.h"

namespace civicgrid::app {

namespace {

constexpr size_t kRejectionsShown = 20;

struct ImportCommandOptions {
  StoreOptions store;
  std::string file;
  std::string batch = "2000";  // checked here rather than by CLI11, so a bad value exits with 2
  bool quiet = false;
};

std::string cli_actor() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user ? user : std::to_string(getuid()));
}

// 1234567 → "1,234,567"
std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// Prints progress as the importer reports it (every ~0.5 s, and once at the end): lines/s over the
// last interval so that a slowdown shows, and over the whole run in the final line.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::int64_t total_bytes)
      : total_bytes_(total_bytes), tty_(isatty(STDERR_FILENO) == 1) {}

  void operator()(const cases::ImportProgress& p) {
    const double t = seconds(p.elapsed);
    double rate = t > last_t_ ? (p.lines_read - last_lines_) / (t - last_t_) : 0;
    if (p.done) rate = t > 0 ? p.lines_read / t : 0;
    last_t_ = t;
    last_lines_ = p.lines_read;
    char line[256];
    if (tty_ && total_bytes_ > 0) {
      const double frac = p.done ? 1.0
                                 : std::min(1.0, static_cast<double>(p.bytes_read) /
                                                     static_cast<double>(total_bytes_));
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(frac * kWidth);
      std::string bar(static_cast<size_t>(filled), '#');
      bar.append(static_cast<size_t>(kWidth - filled), '.');
      std::snprintf(line, sizeof line,
                    "\r[%s] %3.0f%%  %s lines  %s lines/s  imported %s  rejected %s   ",
                    bar.c_str(), frac * 100, grouped(p.lines_read).c_str(),
                    grouped(static_cast<std::int64_t>(rate)).c_str(), grouped(p.imported).c_str(),
                    grouped(p.rejected).c_str());
      std::fputs(line, stderr);
    } else {
      std::snprintf(line, sizeof line,
                    "%s%s lines read, %s imported, %s rejected, %s lines/s, %.1f s%s\n",
                    tty_ ? "\r" : "", grouped(p.lines_read).c_str(), grouped(p.imported).c_str(),
                    grouped(p.rejected).c_str(), grouped(static_cast<std::int64_t>(rate)).c_str(),
                    t, p.done ? ", done" : "");
      if (tty_) line[std::strlen(line) - 1] = ' ';  // stdin on a terminal: one line, rewritten
      std::fputs(line, stderr);
    }
    if (p.done && tty_) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  std::int64_t total_bytes_;
  bool tty_;
  double last_t_ = 0;
  std::int64_t last_lines_ = 0;
};

// "1 case", "2 cases"
std::string count(std::int64_t n, std::string_view noun) {
  return grouped(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

void print_summary(const cases::ImportSummary& s) {
  std::cout << "imported " << count(s.imported, "case") << " (" << count(s.events, "event")
            << "), rejected " << grouped(s.rejected) << " of " << count(s.lines_read, "line");
  if (s.blank_lines > 0) std::cout << " (" << grouped(s.blank_lines) << " blank)";
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s, %s cases/s", s.seconds(),
                grouped(static_cast<std::int64_t>(s.cases_per_second())).c_str());
  std::cout << " in " << rate << "\n";
  if (s.rejected == 0) return;
  const size_t shown = std::min(kRejectionsShown, s.rejections.size());
  std::cout << "rejected lines"
            << (s.rejected > static_cast<std::int64_t>(shown)
                    ? " (first " + std::to_string(shown) + ")"
                    : "")
            << ":\n";
  for (size_t i = 0; i < shown; ++i) {
    const auto& r = s.rejections[i];
    std::cout << "  line " << r.line;
    if (!r.external_id.empty()) std::cout << " (external_id " << r.external_id << ")";
    std::cout << ": " << r.reason << "\n";
  }
}

int run_import(const ImportCommandOptions& opt) {
  if (opt.file.empty()) {
    std::cerr << "civicgrid: 缺少导入文件 / missing FILE (a JSON Lines file, or - for stdin)\n";
    return 2;
  }
  int batch = 0;
  const auto [end, ec] =
      std::from_chars(opt.batch.data(), opt.batch.data() + opt.batch.size(), batch);
  if (ec != std::errc() || end != opt.batch.data() + opt.batch.size() || batch < 1 ||
      batch > 100000) {
    std::cerr << "civicgrid: --batch 应为 1 到 100000 的整数 / --batch must be an integer from 1 "
                 "to 100000\n";
    return 2;
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  std::int64_t total_bytes = 0;
  if (opt.file != "-") {
    file.open(opt.file, std::ios::binary);
    if (!file) {
      std::cerr << "civicgrid: 无法打开文件 / cannot open " << opt.file << "\n";
      return 2;
    }
    struct stat st {};
    if (::stat(opt.file.c_str(), &st) == 0 && S_ISREG(st.st_mode)) total_bytes = st.st_size;
    in = &file;
  } else {
    std::ios::sync_with_stdio(false);
  }
  SystemClock clock;
  auto app = App::open(opt.store, clock);
  if (!app) {
    std::cerr << "civicgrid: " << app.error().message_zh() << " / " << app.error().message_en()
              << (app.error().detail().empty() ? "" : ": " + app.error().detail()) << "\n";
    return app.error().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if ((*app)->identity().org_tree()->units().empty())
    std::cerr
        << "civicgrid: warning: the store has no organisation units, so no grid or department "
           "will be found; load them first (e.g. run `civicgrid serve --demo` once)\n";
  cases::ImportOptions options;
  options.batch_size = batch;
  options.audit_actor = cli_actor();
  options.source = opt.file == "-" ? "stdin" : opt.file;
  cases::ProgressCallback progress;
  if (!opt.quiet) progress = ProgressPrinter(total_bytes);
  auto summary = cases::import_cases((*app)->cases(), *in, options, progress);
  if (!summary) {
    const Error& e = summary.error();
    std::cerr << "civicgrid: import stopped: " << e.message_en()
              << (e.detail().empty() ? "" : ": " + e.detail())
              << "\n  batches committed before stay imported; running the import again continues\n";
    return e.code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  print_summary(*summary);
  return summary->rejected > 0 ? 3 : 0;
}

}  // namespace

void add_import_commands(CLI::App& cli, int& exit_code) {
  auto opt = std::make_shared<ImportCommandOptions>();
  auto* import = cli.add_subcommand("import", "导入数据 / import data");
  import->require_subcommand(1);
  auto* cases_cmd = import->add_subcommand(
      "cases",
      "导入历史工单（JSON Lines，见 docs/import-cases.md） / import historical cases (JSON Lines)");
  cases_cmd->add_option("--data", opt->store.data_dir, "data directory (SQLite store)")
      ->capture_default_str();
  cases_cmd->add_option("--db", opt->store.db_url, "database URL (overrides --data)");
  cases_cmd->add_option("--batch", opt->batch, "cases per transaction (1-100000)")
      ->capture_default_str();
  cases_cmd->add_flag("--quiet", opt->quiet, "no progress on stderr");
  cases_cmd->add_option("file", opt->file, "JSON Lines file, or - for stdin");
  cases_cmd->callback([opt, &exit_code] { exit_code = run_import(*opt); });
}

}  // namespace civicgrid::app
