// `civicgrid text hot-issues` and `civicgrid text reply-quality`: the contest tables on files.
// Exit codes as the other text commands: 0 done, 2 bad input, 1 anything else.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/app.h"
#include "app/commands.h"
#include "text/hot_issues.h"
#include "text/reply_quality.h"
#include "text/text.h"

namespace civicgrid::app {

namespace {

int fail_with(const Error& e) {
  std::cerr << "civicgrid text: " << e.message_zh() << " / " << e.message_en() << "\n";
  return e.code() == ErrorCode::kInvalidArgument ? 2 : 1;
}

std::string decimals(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::int64_t count_of(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoll(s);
  } catch (const std::exception&) {
    return 0;
  }
}

struct HotOptions {
  std::string input, output_dir;
  std::size_t top = 5;
  int window_days = 45;
};

struct Columns {
  std::vector<size_t> at;
  std::optional<size_t> likes, dislikes;
};

Result<Columns> message_columns(const text::CsvTable& table) {
  Columns c;
  for (const char* name : {"留言编号", "留言用户", "留言主题", "留言时间", "留言详情"}) {
    auto i = table.column(name);
    if (!i) return fail(i.error());
    c.at.push_back(*i);
  }
  if (auto i = table.column("点赞数")) c.likes = *i;
  if (auto i = table.column("反对数")) c.dislikes = *i;
  return c;
}

Result<void> write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.flush();
  if (!out)
    return fail(Error::invalid("output-dir", "无法写入：" + path.string(),
                               "cannot write " + path.string()));
  return {};
}

int hot_issues(const HotOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  auto table = text::read_csv_file(o.input);
  if (!table) return fail_with(table.error());
  auto cols = message_columns(*table);
  if (!cols) return fail_with(cols.error());
  std::vector<text::Message> messages;
  messages.reserve(table->rows.size());
  size_t bad_times = 0;
  for (const auto& row : table->rows) {
    text::Message m;
    m.id = row[cols->at[0]];
    m.user = row[cols->at[1]];
    m.title = row[cols->at[2]];
    m.time = text::parse_local_time(row[cols->at[3]]);
    bad_times += !m.time;
    m.text = row[cols->at[4]];
    if (cols->likes) m.likes = count_of(row[*cols->likes]);
    if (cols->dislikes) m.dislikes = count_of(row[*cols->dislikes]);
    messages.push_back(std::move(m));
  }
  if (bad_times > 0)
    std::cerr << bad_times << " rows without a readable 留言时间 (linked regardless of time)\n";
  text::HotIssueOptions options;
  options.top = o.top;
  options.window_days = o.window_days;
  options.progress = [](size_t done, size_t total) {
    std::cerr << "\rclustering " << done << "/" << total << std::flush;
    if (done == total) std::cerr << "\n";
  };
  const auto issues = text::find_hot_issues(messages, options);

  std::error_code ec;
  std::filesystem::create_directories(o.output_dir, ec);
  if (ec)
    return fail_with(Error::invalid("output-dir", "无法创建目录：" + o.output_dir,
                                    "cannot create directory " + o.output_dir));
  std::string summary =
      text::csv_line({"热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"});
  std::string detail = text::csv_line(
      {"问题ID", "留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"});
  for (const auto& issue : issues) {
    const std::string id = std::to_string(issue.rank);
    const std::string range = issue.first ? text::format_local_date(*issue.first) + " 至 " +
                                                text::format_local_date(*issue.last)
                                          : "";
    summary += text::csv_line(
        {id, id, decimals(issue.heat, 2), range, issue.place.label(), issue.description});
    for (size_t m : issue.members) {
      const auto& row = table->rows[m];
      detail +=
          text::csv_line({id, row[cols->at[0]], row[cols->at[1]], row[cols->at[2]],
                          row[cols->at[3]], row[cols->at[4]], std::to_string(messages[m].likes),
                          std::to_string(messages[m].dislikes)});
    }
  }
  const std::filesystem::path dir(o.output_dir);
  if (auto ok = write_file(dir / "热点问题表.csv", summary); !ok) return fail_with(ok.error());
  if (auto ok = write_file(dir / "热点问题留言明细表.csv", detail); !ok)
    return fail_with(ok.error());
  std::cerr << messages.size() << " messages → " << issues.size() << " hot issues in "
            << decimals(seconds_since(t0), 2) << " s; written to " << o.output_dir << "\n";
  return 0;
}

struct QualityOptions {
  std::string input, output;
};

int reply_quality(const QualityOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  auto table = text::read_csv_file(o.input);
  if (!table) return fail_with(table.error());
  std::vector<size_t> at;
  for (const char* name : {"留言主题", "留言详情", "答复意见"}) {
    auto i = table->column(name);
    if (!i) return fail_with(i.error());
    at.push_back(*i);
  }
  auto message_time = table->column("留言时间");
  auto reply_time = table->column("答复时间");
  std::optional<WorkCalendar> calendar;
  if (const std::string dir = find_shipped_dir("data/calendar"); !dir.empty())
    if (auto c = load_work_calendar(dir + "/cn-holidays.json")) calendar = std::move(*c);
  if (!calendar) std::cerr << "no holiday calendar found: counting Monday–Friday as working days\n";

  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  if (!out)
    return fail_with(Error::invalid("output", "无法写入：" + o.output, "cannot write " + o.output));
  std::vector<std::string> header = table->header;
  for (const char* h : {"relevance", "completeness", "interpretability", "timeliness",
                        "working_days", "total", "weak_points", "weak_points_en"})
    header.push_back(h);
  out << text::csv_line(header);
  double sum = 0;
  size_t done = 0;
  for (auto& row : table->rows) {
    const std::string message = row[at[0]] + "\n" + row[at[1]];
    text::ReplyInput in{message, row[at[2]], std::nullopt, std::nullopt};
    if (message_time) in.message_time = text::parse_local_time(row[*message_time]);
    if (reply_time) in.reply_time = text::parse_local_time(row[*reply_time]);
    const auto q = text::score_reply(in, calendar ? &*calendar : nullptr);
    std::string zh, en;
    for (const auto& w : q.weak_points) {
      zh += (zh.empty() ? "" : "；") + w.zh;
      en += (en.empty() ? "" : "; ") + w.en;
    }
    row.push_back(decimals(q.relevance, 3));
    row.push_back(decimals(q.completeness, 3));
    row.push_back(decimals(q.interpretability, 3));
    row.push_back(q.timeliness ? decimals(*q.timeliness, 3) : "");
    row.push_back(q.working_days ? std::to_string(*q.working_days) : "");
    row.push_back(decimals(q.total, 3));
    row.push_back(zh);
    row.push_back(en);
    out << text::csv_line(row);
    sum += q.total;
    if (++done % 500 == 0)
      std::cerr << "\rscored " << done << "/" << table->rows.size() << std::flush;
  }
  out.flush();
  if (!out)
    return fail_with(
        Error::invalid("output", "写入失败：" + o.output, "write failed: " + o.output));
  std::cerr << "\rscored " << done << " replies in " << decimals(seconds_since(t0), 2)
            << " s; mean total " << decimals(done ? sum / done : 0, 3) << "; written to "
            << o.output << "\n";
  return 0;
}

}  // namespace

void add_text_hot_reply_commands(CLI::App& text, int& exit_code) {
  auto h = std::make_shared<HotOptions>();
  auto* hot = text.add_subcommand(
      "hot-issues", "热点问题挖掘 / group messages into hot issues and rank them by heat");
  hot->add_option(
         "--input", h->input,
         "CSV with 留言编号, 留言用户, 留言主题, 留言时间, 留言详情 (点赞数, 反对数 optional)")
      ->required();
  hot->add_option("--top", h->top, "issues to write (0: all)")->capture_default_str();
  hot->add_option("--window-days", h->window_days, "days between linked messages at most")
      ->capture_default_str();
  hot->add_option("--output-dir", h->output_dir,
                  "directory for 热点问题表.csv and 热点问题留言明细表.csv")
      ->required();
  hot->callback([h, &exit_code] { exit_code = hot_issues(*h); });

  auto q = std::make_shared<QualityOptions>();
  auto* quality = text.add_subcommand(
      "reply-quality", "答复意见质量评价 / score official replies against their messages");
  quality
      ->add_option("--input", q->input,
                   "CSV with 留言主题, 留言详情, 答复意见 (留言时间, 答复时间 optional)")
      ->required();
  quality->add_option("--output", q->output, "CSV to write: the input columns + the scores")
      ->required();
  quality->callback([q, &exit_code] { exit_code = reply_quality(*q); });
}

}  // namespace civicgrid::app
