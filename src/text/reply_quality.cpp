// Reply quality: lexical evidence only (shared words, set phrases of official replies, citations),
// so a score is explainable to the official who wrote the reply: each missing piece is a weak
// point.
#include "text/reply_quality.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

// Words of every message and every reply that say nothing about the subject.
constexpr auto kStopWords = std::to_array<std::string_view>(
    {"您好", "你好", "我们", "你们", "他们", "问题", "情况", "反映", "希望",   "请问",
     "领导", "有关", "部门", "相关", "谢谢", "感谢", "没有", "一个", "这个",   "那个",
     "什么", "现在", "已经", "可以", "进行", "如何", "怎么", "是否", "为什么", "目前",
     "非常", "这样", "还是", "但是", "因为", "所以", "如果", "以及", "网友",   "留言"});

constexpr auto kGreetings = std::to_array<std::string_view>({"您好", "你好", "尊敬", "网友"});
constexpr auto kClosings = std::to_array<std::string_view>(
    {"感谢", "谢谢", "此复", "特此答复", "欢迎", "如有疑问", "理解和支持"});
constexpr auto kResults = std::to_array<std::string_view>(
    {"经调查", "经核实", "经查", "核查", "调查", "处理", "已经", "现已", "回复如下", "答复如下",
     "解决", "安排", "整改", "落实", "将于", "计划"});
constexpr auto kBasis =
    std::to_array<std::string_view>({"根据", "依据", "按照", "依照", "依法", "遵照"});
constexpr auto kRules = std::to_array<std::string_view>(
    {"条例", "规定", "办法", "法律", "法规", "政策", "文件", "标准", "细则"});
constexpr auto kReasons =
    std::to_array<std::string_view>({"因为", "由于", "原因", "因此", "所以", "鉴于", "是因"});

template <size_t N>
int count_present(std::string_view text, const std::array<std::string_view, N>& phrases) {
  int n = 0;
  for (auto p : phrases) n += text.find(p) != std::string_view::npos;
  return n;
}

size_t han_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) n += utf8::is_han(utf8::next(s, i));
  return n;
}

// `第3条`, `第十二条`, `第二款`: an article of a law or regulation.
bool cites_article(std::string_view s) {
  for (size_t p = s.find("第"); p != std::string_view::npos; p = s.find("第", p + 1)) {
    size_t i = p + std::string_view("第").size();
    size_t digits = 0;
    while (i < s.size() && digits < 6) {
      size_t j = i;
      const char32_t c = utf8::next(s, j);
      if (!((c >= U'0' && c <= U'9') ||
            std::u32string_view(U"一二三四五六七八九十百零").find(c) != std::u32string_view::npos))
        break;
      i = j, ++digits;
    }
    if (digits == 0) continue;
    size_t j = i;
    if (i < s.size()) {
      const char32_t c = utf8::next(s, j);
      if (c == U'条' || c == U'款' || c == U'项') return true;
    }
  }
  return false;
}

bool cites_document(std::string_view s) {
  const size_t open = s.find("《");
  return open != std::string_view::npos && s.find("》", open) != std::string_view::npos;
}

std::unordered_set<std::string> bigrams(std::string_view s) {
  std::unordered_set<std::string> out;
  char32_t prev = 0;
  for (size_t i = 0; i < s.size();) {
    const char32_t c = utf8::next(s, i);
    if (utf8::is_han(c) && utf8::is_han(prev)) {
      std::string g;
      utf8::append(g, prev);
      utf8::append(g, c);
      out.insert(std::move(g));
    }
    prev = c;
  }
  return out;
}

// Share of the message's key words (the 25 most frequent content words, by count) and of its
// character bigrams that the reply repeats.
double relevance_of(const std::string& message, const std::string& reply) {
  std::unordered_map<std::string, int> counts;
  std::vector<std::string> order;
  for (auto& w : segment(message)) {
    if (han_count(w) < 2 || std::find(kStopWords.begin(), kStopWords.end(), w) != kStopWords.end())
      continue;
    if (counts[w]++ == 0) order.push_back(w);
  }
  if (order.empty()) return reply.empty() ? 0 : 1;  // nothing to answer to: do not penalise
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    return counts[a] > counts[b];
  });
  if (order.size() > 25) order.resize(25);
  double total = 0, found = 0;
  for (const auto& w : order) {
    total += counts[w];
    if (reply.find(w) != std::string::npos) found += counts[w];
  }
  const auto mb = bigrams(message.substr(0, std::min<size_t>(message.size(), 1800)));
  const auto rb = bigrams(reply);
  size_t shared = 0;
  for (const auto& g : mb) shared += rb.count(g);
  const double bigram_share = mb.empty() ? 0 : static_cast<double>(shared) / mb.size();
  return std::min(1.0, (0.7 * found / total + 0.3 * bigram_share) / 0.45);
}

double timeliness_of(std::int64_t days) {
  if (days <= 5) return 1;
  if (days <= 15) return 1 - 0.5 * static_cast<double>(days - 5) / 10;
  if (days <= 60) return 0.5 - 0.5 * static_cast<double>(days - 15) / 45;
  return 0;
}

double round3(double v) {
  return std::round(v * 1000) / 1000;
}

}  // namespace

ReplyQuality score_reply(const ReplyInput& in, const WorkCalendar* calendar) {
  static const WorkCalendar kWeekdays;
  const WorkCalendar& cal = calendar ? *calendar : kWeekdays;
  const std::string message = normalize(in.message);
  const std::string reply = normalize(in.reply);
  ReplyQuality q;
  auto weak = [&q](const char* code, const char* zh, const char* en) {
    q.weak_points.push_back({code, zh, en});
  };

  q.relevance = relevance_of(message, reply);

  const bool greeting = count_present(reply, kGreetings) > 0;
  const bool closing = count_present(reply, kClosings) > 0;
  const size_t han = han_count(reply);
  const int results = count_present(reply, kResults);
  q.completeness = 0.15 * greeting + 0.15 * closing +
                   0.35 * std::min(1.0, static_cast<double>(han) / 120) +
                   0.35 * std::min(1.0, results / 2.0);

  const bool document = cites_document(reply);
  const bool basis = count_present(reply, kBasis) > 0;
  const bool rule = count_present(reply, kRules) > 0 || cites_article(reply);
  const bool reason = count_present(reply, kReasons) > 0;
  q.interpretability = 0.35 * document + 0.25 * basis + 0.2 * rule + 0.2 * reason;

  if (in.message_time && in.reply_time) {
    const std::int64_t from = WorkCalendar::local_day(*in.message_time);
    const std::int64_t to = WorkCalendar::local_day(*in.reply_time);
    // Days after the message's day up to and including the reply's day.
    q.working_days = cal.count_working_days(from + 1, to + 1);
    q.timeliness = timeliness_of(*q.working_days);
  }

  double weight = 0.3 + 0.25 + 0.2,
         sum = 0.3 * q.relevance + 0.25 * q.completeness + 0.2 * q.interpretability;
  if (q.timeliness) weight += 0.25, sum += 0.25 * *q.timeliness;
  q.total = round3(sum / weight);
  q.relevance = round3(q.relevance);
  q.completeness = round3(q.completeness);
  q.interpretability = round3(q.interpretability);
  if (q.timeliness) q.timeliness = round3(*q.timeliness);

  if (q.relevance < 0.4)
    weak("off_topic", "答复与留言内容关联不足，未针对所反映的问题",
         "the reply shares little with the message: it does not address the problem raised");
  if (han < 50) weak("too_short", "答复过于简短", "the reply is very short");
  if (results == 0)
    weak("no_result", "未说明调查或处理结果", "no investigation or handling result is stated");
  if (!greeting)
    weak("no_greeting", "缺少称呼问候（如“网友您好”）", "no greeting (such as 网友您好)");
  if (!closing)
    weak("no_closing", "缺少结束语（如“感谢您的理解和支持”）",
         "no closing (such as 感谢您的理解和支持)");
  if (!document && !basis && !rule)
    weak("no_basis", "未引用政策或法规依据", "no policy or legal basis is cited");
  if (!reason) weak("no_reason", "未解释原因", "no reasons are given");
  if (q.working_days && *q.working_days > 15)
    weak("late", "答复超过15个工作日",
         "the reply came more than 15 working days after the message");
  return q;
}

}  // namespace civicgrid::text
