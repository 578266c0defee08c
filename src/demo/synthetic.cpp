#include "demo/synthetic.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "core/time.h"

namespace civicgrid::demo {

namespace json = boost::json;
using cases::Action;
using cases::Case;
using cases::CaseEvent;
using cases::Status;

namespace {

constexpr std::string_view kActor = "demo";
constexpr std::int64_t kMinute = kMillisPerMinute;

// Intake volume by month (Jan..Dec): summer peak (water, heat, noise, air conditioning), quieter
// winter months.
constexpr double kMonthFactor[12] = {0.90, 0.85, 0.95, 1.00, 1.10, 1.25,
                                     1.40, 1.35, 1.10, 0.95, 0.95, 0.90};
// By hour of day (China time): a night trough, a morning peak and a long afternoon.
constexpr double kHourFactor[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 3.0, 3.2, 2.8,
                                    1.8, 2.0, 2.6, 2.8, 2.6, 2.2, 1.6, 1.4, 1.2, 1.0, 0.7, 0.4};

// Parses one RFC 4180 record starting at `pos`; false at the end of the text.
bool csv_record(std::string_view text, size_t& pos, std::vector<std::string>& fields) {
  fields.clear();
  if (pos >= text.size()) return false;
  std::string field;
  bool quoted = false;
  while (pos < text.size()) {
    const char ch = text[pos++];
    if (quoted) {
      if (ch == '"' && pos < text.size() && text[pos] == '"') {
        field += '"';
        ++pos;
      } else if (ch == '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (ch == '\n') {
      break;
    } else if (ch != '\r') {
      field += ch;
    }
  }
  fields.push_back(std::move(field));
  return true;
}

// A 60-bit bijection of the case ordinal: tracking codes are unique by construction (random codes
// would collide somewhere in tens of millions) and still look random.
std::string tracking_code(std::uint64_t seed, std::uint64_t ordinal) {
  constexpr std::uint64_t kMask = (std::uint64_t{1} << 60) - 1;
  std::uint64_t x = (ordinal ^ (seed * 0x9E3779B97F4A7C15ull)) & kMask;
  for (int round = 0; round < 3; ++round) {
    x = (x * 0xD6E8FEB86659FD93ull) & kMask;  // odd multiplier: invertible modulo 2^60
    x ^= x >> 29;
  }
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string code;
  for (int i = 0; i < 12; ++i) {
    if (i == 4 || i == 8) code.push_back('-');
    code.push_back(kAlphabet[(x >> (55 - 5 * i)) & 31]);
  }
  return code;
}

std::string month_of(Timestamp t) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days((t + kChinaOffsetMillis) / kMillisPerDay, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", y, m);
  return buf;
}

}  // namespace

Result<std::vector<Message>> load_messages(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<Message> out;
  size_t pos = 0;
  std::vector<std::string> f;
  csv_record(text, pos, f);  // header
  while (csv_record(text, pos, f))
    if (f.size() >= 3 && !f[1].empty()) out.push_back({f[0], f[1], f[2]});
  if (out.empty())
    return fail(Error::invalid("messages", "无法读取留言样本：" + path, "no messages in " + path));
  return out;
}

// Department behaviour, drawn once per department from the seed.
struct Profile {
  double handle_hours = 40;  // mean natural hours from accept to handle
  double return_p = 0.02;    // 退单
  double late_accept_p = 0.05;
  double rework_p = 0.04;
  double extend_p = 0.03;
  double quality = 0.85;  // chance a resident finds the problem resolved
};

struct SyntheticDistrict::Model {
  std::shared_ptr<const identity::OrgTree> tree;
  std::shared_ptr<const cases::Catalog> catalog;
  const WorkCalendar& calendar;
  GeneratorOptions opt;
  std::mt19937_64 rng;
  cases::RuleContext ctx;
  cases::Actor actor;

  // Reference data.
  std::vector<std::string> leaves;  // leaf categories
  std::discrete_distribution<size_t> leaf_pick;
  std::vector<std::string> leaf_top;  // first-level code of each leaf
  std::vector<std::string> grids;
  std::discrete_distribution<size_t> grid_pick;
  std::vector<std::string> grid_street;  // street of each grid
  std::vector<std::string> grid_name;
  std::vector<std::string> departments;
  std::unordered_map<std::string, Profile> profiles;
  std::unordered_map<std::string, json::object> dispatch_body;
  std::unordered_map<std::string, std::vector<size_t>> messages_by_top;  // top code → message
  std::vector<Message> messages;
  std::unordered_map<std::string, std::string> top_by_name;  // 城乡建设 → C01

  // Prepared bodies.
  json::object empty, accept_yes, accept_no, verify_ok, verify_bad, approve;
  std::vector<json::object> reject_bodies, return_bodies, handle_bodies, extend_bodies;
  json::object eval_body[3][3];

  // Intake schedule: day weights, the current day and its sorted intake times.
  std::vector<double> cum_weight;  // cumulative, one per day + 1
  std::int64_t day = 0;            // index into the range
  std::int64_t emitted_before_day = 0;
  std::vector<Timestamp> today;
  size_t today_next = 0;
  std::int64_t ordinal = 0;

  Model(std::shared_ptr<const identity::OrgTree> t, std::shared_ptr<const cases::Catalog> c,
        const WorkCalendar& cal, std::vector<Message> msgs, const GeneratorOptions& o)
      : tree(std::move(t)),
        catalog(std::move(c)),
        calendar(cal),
        opt(o),
        rng(o.seed),
        ctx{*tree, cal, *catalog,
            [](std::int64_t) -> Result<Status> {
              return fail(Error::not_found("案件不存在", "no such case"));
            }},
        messages(std::move(msgs)) {
    actor.system = true;
    actor.principal.name = std::string(kActor);
    build_reference();
    build_bodies();
    build_schedule();
  }

  double uniform() { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  std::int64_t minutes(double lo, double hi) {
    return static_cast<std::int64_t>((lo + (hi - lo) * uniform()) * kMinute);
  }
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }
  size_t index(size_t n) { return static_cast<size_t>(uniform() * static_cast<double>(n)); }

  void build_reference() {
    // Leaves: categories nobody names as parent. Skewed mix: weight 1/(rank+3) over a shuffle.
    std::unordered_map<std::string, bool> is_parent;
    for (const auto& cat : catalog->categories())
      if (!cat.parent.empty()) is_parent[cat.parent] = true;
    for (const auto& cat : catalog->categories())
      if (!is_parent.contains(cat.code) && cat.is_public) leaves.push_back(cat.code);
    if (leaves.empty()) throw std::runtime_error("the catalog has no categories");
    std::shuffle(leaves.begin(), leaves.end(), rng);
    std::vector<double> w;
    for (size_t i = 0; i < leaves.size(); ++i) {
      w.push_back(1.0 / (static_cast<double>(i) + 3.0));
      const cases::Category* top = catalog->top_level(leaves[i]);
      leaf_top.push_back(top ? top->code : leaves[i]);
    }
    leaf_pick = std::discrete_distribution<size_t>(w.begin(), w.end());
    for (const auto& cat : catalog->categories())
      if (cat.level == 1) top_by_name[cat.name] = cat.code;

    // Grids: busy old neighbourhoods and quiet new ones (weights 0.3 .. 3).
    std::vector<double> gw;
    for (const auto& u : tree->units()) {
      if (u.kind == "grid") {
        grids.push_back(u.code);
        grid_name.push_back(u.name);
        const identity::OrgUnit* s = tree->ancestor_of_kind(u.code, "street");
        grid_street.push_back(s ? s->code : "");
        gw.push_back(0.3 + 2.7 * uniform() * uniform());
      }
      if (u.kind == "department") departments.push_back(u.code);
    }
    if (grids.empty() || departments.empty())
      throw std::runtime_error("the organisation tree has no grids or no departments");
    grid_pick = std::discrete_distribution<size_t>(gw.begin(), gw.end());

    // Departments: one in five slow (often overdue), one in four returns cases often, some rework
    // often; quality varies.
    for (const auto& d : departments) {
      Profile p;
      const bool slow = chance(0.2);
      p.handle_hours = slow ? 130 + 60 * uniform() : 18 + 40 * uniform();
      p.return_p = chance(0.25) ? 0.10 + 0.08 * uniform() : 0.01 + 0.03 * uniform();
      p.late_accept_p = slow ? 0.15 + 0.1 * uniform() : 0.02 + 0.06 * uniform();
      p.rework_p = chance(0.2) ? 0.10 + 0.06 * uniform() : 0.02 + 0.03 * uniform();
      p.extend_p = slow ? 0.10 + 0.05 * uniform() : 0.02 + 0.03 * uniform();
      p.quality = slow ? 0.62 + 0.1 * uniform() : 0.78 + 0.17 * uniform();
      profiles[d] = p;
      dispatch_body[d] = json::object{{"department", d}};
    }
    for (size_t i = 0; i < messages.size(); ++i) {
      auto it = top_by_name.find(messages[i].label);
      messages_by_top[it == top_by_name.end() ? "" : it->second].push_back(i);
    }
  }

  void build_bodies() {
    accept_yes = {{"contacted", true}};
    accept_no = {{"contacted", false}};
    verify_ok = {{"ok", true}};
    verify_bad = {{"ok", false}, {"note", "现场核查问题仍在，退回重新处置"}};
    for (const char* r :
         {"诉求内容不实，经核实不予立案", "重复反映，已在办理中", "不属于本区受理范围"})
      reject_bodies.push_back({{"reason", r}});
    for (const char* r :
         {"不属于本部门职责，请重新派遣", "涉及其他部门管辖，建议改派", "诉求地址不在本部门辖区"})
      return_bodies.push_back({{"reason", r}});
    const std::pair<const char*, const char*> handled[] = {
        {"已安排工作人员到现场处置，问题已整改到位。",
         "您好，您反映的问题已安排人员现场处置，目前已整改完毕，感谢您的监督。"},
        {"已约谈相关责任单位，限期整改并复查。",
         "您好，我们已约谈责任单位并要求限期整改，后续将持续跟踪。"},
        {"经现场核实，已协调物业及社区共同解决。",
         "您好，经核实已协调物业和社区解决，如仍有问题请再次来电。"},
        {"已纳入年度计划，先行采取临时措施。",
         "您好，该问题已纳入年度整治计划，目前已采取临时措施，请您理解。"}};
    for (const auto& [result, reply] : handled)
      handle_bodies.push_back({{"result", result}, {"reply", reply}});
    for (int days : {3, 5, 7, 10})
      extend_bodies.push_back({{"days", days}, {"reason", "需协调多个部门，申请延期办理"}});
    const char* res[3] = {"resolved", "partly", "unresolved"};
    const char* sat[3] = {"satisfied", "basically_satisfied", "unsatisfied"};
    for (int r = 0; r < 3; ++r)
      for (int s = 0; s < 3; ++s)
        eval_body[r][s] = {{"resolved", res[r]}, {"satisfaction", sat[s]}};
  }

  void build_schedule() {
    cum_weight.assign(1, 0.0);
    const std::int64_t days = std::max<std::int64_t>(1, opt.to_day - opt.from_day);
    for (std::int64_t i = 0; i < days; ++i) {
      const std::int64_t d = opt.from_day + i;
      int y = 0;
      unsigned m = 1, dd = 1;
      civil_from_days(d, y, m, dd);
      double w = kMonthFactor[m - 1] * (1.0 + 0.08 * static_cast<double>(i) / 365.0);  // growth
      if (auto h = calendar.holiday_name(d))
        w *= *h == "春节" ? 0.45 : 0.75;
      else if (!calendar.is_working_day(d))
        w *= 0.7;  // weekend
      cum_weight.push_back(cum_weight.back() + w);
    }
  }

  // Number of cases with intake before the end of range day i (0-based), by cumulative rounding.
  std::int64_t quota_through(std::int64_t i) const {
    const double frac = cum_weight[static_cast<size_t>(i + 1)] / cum_weight.back();
    return static_cast<std::int64_t>(std::llround(frac * static_cast<double>(opt.cases)));
  }

  // The next intake time; days without cases are skipped.
  Timestamp next_intake() {
    while (today_next >= today.size()) {
      const std::int64_t n = quota_through(day) - emitted_before_day;
      today.clear();
      today_next = 0;
      static const std::discrete_distribution<int> hour_pick(std::begin(kHourFactor),
                                                             std::end(kHourFactor));
      auto hours = hour_pick;  // copy: the distribution object is stateless for our use
      const Timestamp midnight =
          (opt.from_day + day) * kMillisPerDay - kChinaOffsetMillis;  // local 00:00
      for (std::int64_t k = 0; k < n; ++k)
        today.push_back(midnight + hours(rng) * kMillisPerHour +
                        static_cast<std::int64_t>(uniform() * kMillisPerHour));
      std::sort(today.begin(), today.end());
      emitted_before_day += n;
      ++day;
    }
    return today[today_next++];
  }
};

SyntheticDistrict::SyntheticDistrict(std::shared_ptr<const identity::OrgTree> tree,
                                     std::shared_ptr<const cases::Catalog> catalog,
                                     const WorkCalendar& calendar, std::vector<Message> messages,
                                     const GeneratorOptions& options)
    : m_(std::make_unique<Model>(std::move(tree), std::move(catalog), calendar, std::move(messages),
                                 options)) {}

SyntheticDistrict::~SyntheticDistrict() = default;

bool SyntheticDistrict::next(Case& c, std::vector<CaseEvent>& events) {
  Model& m = *m_;
  if (m.ordinal >= m.opt.cases) return false;
  const Timestamp end = m.opt.to_day * kMillisPerDay - kChinaOffsetMillis;
  const Timestamp intake = m.next_intake();
  const std::uint64_t ordinal = static_cast<std::uint64_t>(m.ordinal++);
  events.clear();
  c = Case{};

  const size_t leaf = m.leaf_pick(m.rng);
  const size_t grid = m.grid_pick(m.rng);
  const double ch = m.uniform();
  c.channel = ch < 0.55   ? cases::Channel::kHotline
              : ch < 0.70 ? cases::Channel::kApp
              : ch < 0.85 ? cases::Channel::kWechat
              : ch < 0.95 ? cases::Channel::kWeb
                          : cases::Channel::kPatrol;
  const double ty = m.uniform();
  c.type = ty < 0.45   ? cases::AppealType::kComplaint
           : ty < 0.80 ? cases::AppealType::kRequest
           : ty < 0.90 ? cases::AppealType::kConsultation
           : ty < 0.95 ? cases::AppealType::kSuggestion
           : ty < 0.98 ? cases::AppealType::kReport
                       : cases::AppealType::kPraise;
  const double ur = m.uniform();
  c.urgency = ur < 0.94   ? cases::Urgency::kNormal
              : ur < 0.99 ? cases::Urgency::kUrgent
                          : cases::Urgency::kEmergency;
  c.tracking_code = tracking_code(m.opt.seed, ordinal);
  c.category = m.leaves[leaf];
  c.grid = m.grids[grid];
  c.area = c.grid;
  const auto& pool = m.messages_by_top[m.leaf_top[leaf]];
  const Message& msg =
      m.messages[pool.empty() ? m.index(m.messages.size()) : pool[m.index(pool.size())]];
  c.title = msg.title;
  c.description = msg.detail;
  c.address = m.grid_name[grid] + std::to_string(1 + m.index(40)) + "号";
  c.anonymous = m.chance(0.15);
  if (!c.anonymous) {
    static constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈",
                                                "杨", "赵", "黄", "周", "吴"};
    c.contact_name = std::string(kSurnames[m.index(10)]) + (m.chance(0.5) ? "先生" : "女士");
    c.contact_phone = "13" + std::to_string(100000000 + m.index(900000000));
  }
  c.submitted_by = std::string(kActor);
  c.status = Status::kSubmitted;
  c.created_at = c.updated_at = intake;
  c.deadline_at = cases::handling_deadline(*m.catalog, m.calendar, c.category, c.urgency, intake);

  CaseEvent submit;
  submit.at = intake;
  submit.action = Action::kSubmit;
  submit.actor = std::string(kActor);
  submit.data = R"({"channel":")" + std::string(cases::name(c.channel)) + R"("})";
  events.push_back(std::move(submit));

  Timestamp t = intake;
  // The overdue sweep runs a minute after the deadline of an open case.
  auto sweep_until = [&](Timestamp at) {
    const Timestamp due = c.deadline_at + kMinute;
    if (c.overdue || c.closed_at != 0 || !cases::is_open(c.status) || due >= at || due < t) return;
    auto ev = cases::apply(c, Action::kOverdue, m.empty, m.actor, due, m.ctx);
    if (!ev) throw std::logic_error("demo: overdue: " + ev.error().message_en());
    ev->actor = std::string(kActor);
    events.push_back(std::move(*ev));
    t = due;
  };
  // One step of the history; false when it would happen after "now" (the case stays as it is).
  auto step = [&](Action a, const json::object& body, Timestamp at) {
    if (at >= end) return false;
    sweep_until(at);
    auto ev = cases::apply(c, a, body, m.actor, at, m.ctx);
    if (!ev)
      throw std::logic_error("demo: " + std::string(cases::name(a)) + ": " +
                             ev.error().message_en());
    ev->actor = std::string(kActor);
    events.push_back(std::move(*ev));
    t = at;
    return true;
  };

  [&] {
    if (m.chance(0.015)) {
      step(Action::kReject, m.reject_bodies[m.index(m.reject_bodies.size())],
           t + m.minutes(5, 120));
      return;
    }
    if (!step(Action::kRegister, m.empty, t + m.minutes(2, 90))) return;
    std::string dept;
    if (auto s = m.catalog->suggest(c.category, c.area, *m.tree)) dept = s->lead;
    if (!m.profiles.contains(dept)) dept = m.departments[m.index(m.departments.size())];
    const Profile* p = nullptr;
    for (int dispatch = 0;; ++dispatch) {
      if (!step(Action::kDispatch, m.dispatch_body[dept], t + m.minutes(5, 180))) return;
      p = &m.profiles[dept];
      if (dispatch < 2 && m.chance(p->return_p)) {
        if (!step(Action::kReturn, m.return_bodies[m.index(m.return_bodies.size())],
                  t + m.minutes(30, 1200)))
          return;
        dept = m.departments[m.index(m.departments.size())];
        continue;
      }
      break;
    }
    const Timestamp due = c.participants.back().due_at;
    const Timestamp accept_at =
        m.chance(p->late_accept_p)
            ? std::max(t, due) + m.minutes(10, 1440)
            : t + std::max<std::int64_t>(kMinute,
                                         static_cast<std::int64_t>((due - t) * 0.6 * m.uniform()));
    if (!step(Action::kAccept, m.chance(0.92) ? m.accept_yes : m.accept_no, accept_at)) return;
    if (m.chance(p->extend_p)) {
      if (!step(Action::kExtend, m.extend_bodies[m.index(m.extend_bodies.size())],
                t + m.minutes(60, 2880)))
        return;
      if (!step(Action::kApproveExtension, m.empty, t + m.minutes(30, 600))) return;
    }
    const json::object& handled = m.handle_bodies[m.index(m.handle_bodies.size())];
    for (int round = 0;; ++round) {
      const double hours = m.exponential(round == 0 ? p->handle_hours : p->handle_hours / 2);
      if (!step(Action::kHandle, handled,
                t + 30 * kMinute + static_cast<std::int64_t>(hours * kMillisPerHour)))
        return;
      const bool ok = round >= 2 || !m.chance(p->rework_p);
      if (!step(Action::kVerify, ok ? m.verify_ok : m.verify_bad, t + m.minutes(60, 1440))) return;
      if (ok) break;
    }
    if (!step(Action::kClose, m.empty, t + m.minutes(10, 600))) return;
    if (!m.chance(0.65)) return;
    const double pr = p->quality - (c.overdue ? 0.15 : 0) - 0.1 * c.reworks;
    const int resolved = m.chance(pr) ? 0 : m.chance(0.6) ? 1 : 2;
    static constexpr double kSat[3][2] = {{0.80, 0.97}, {0.30, 0.75}, {0.05, 0.30}};
    const double u = m.uniform();
    const int sat = u < kSat[resolved][0] ? 0 : u < kSat[resolved][1] ? 1 : 2;
    step(Action::kEvaluate, m.eval_body[resolved][sat], t + m.minutes(60, 4320));
  }();
  sweep_until(end);
  count(c, events);
  return true;
}

void SyntheticDistrict::count(const Case& c, const std::vector<CaseEvent>& events) {
  GeneratedCounts& k = counts_;
  ++k.cases;
  k.events += static_cast<std::int64_t>(events.size());
  ++k.by_status[std::string(cases::name(c.status))];
  ++k.by_channel[std::string(cases::name(c.channel))];
  ++k.by_type[std::string(cases::name(c.type))];
  const cases::Category* top = m_->catalog->top_level(c.category);
  ++k.by_category1[top ? top->code : c.category];
  const identity::OrgUnit* street = m_->tree->ancestor_of_kind(c.area, "street");
  ++k.by_street[street ? street->code : ""];
  ++k.by_month[month_of(c.created_at)];
  for (auto it = c.participants.rbegin(); it != c.participants.rend(); ++it)
    if (it->role == "lead") {
      ++k.by_department[it->unit];
      break;
    }
  k.overdue += c.overdue;
  k.returned += c.returns > 0;
  k.reworked += c.reworks > 0;
  k.evaluated += c.evaluation.has_value();
  for (const auto& e : events)
    if (e.action == Action::kApproveExtension) {
      ++k.extended;
      break;
    }
}

}  // namespace civicgrid::demo
