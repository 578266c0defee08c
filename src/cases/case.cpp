#include "cases/case.h"

namespace civicgrid::cases {

namespace {

template <typename E, size_t N>
struct Names {
  std::pair<E, std::string_view> rows[N];
  std::string_view of(E e) const {
    for (const auto& [k, v] : rows)
      if (k == e) return v;
    return {};
  }
  std::optional<E> parse(std::string_view s) const {
    for (const auto& [k, v] : rows)
      if (v == s) return k;
    return std::nullopt;
  }
};

constexpr Names<AppealType, 6> kTypes{{{AppealType::kComplaint, "complaint"},
                                       {AppealType::kRequest, "request"},
                                       {AppealType::kSuggestion, "suggestion"},
                                       {AppealType::kConsultation, "consultation"},
                                       {AppealType::kReport, "report"},
                                       {AppealType::kPraise, "praise"}}};
constexpr Names<Channel, 7> kChannels{{{Channel::kWeb, "web"},
                                       {Channel::kApp, "app"},
                                       {Channel::kHotline, "hotline"},
                                       {Channel::kWechat, "wechat"},
                                       {Channel::kOpen311, "open311"},
                                       {Channel::kPatrol, "patrol"},
                                       {Channel::kImport, "import"}}};
constexpr Names<Urgency, 3> kUrgencies{
    {{Urgency::kNormal, "normal"}, {Urgency::kUrgent, "urgent"}, {Urgency::kEmergency, "emergency"}}};
constexpr Names<Status, 10> kStatuses{{{Status::kSubmitted, "submitted"},
                                       {Status::kRejected, "rejected"},
                                       {Status::kMerged, "merged"},
                                       {Status::kRegistered, "registered"},
                                       {Status::kDispatched, "dispatched"},
                                       {Status::kAccepted, "accepted"},
                                       {Status::kHandled, "handled"},
                                       {Status::kVerified, "verified"},
                                       {Status::kClosed, "closed"},
                                       {Status::kReopened, "reopened"}}};
constexpr Names<Status, 10> kStatusLabels{{{Status::kSubmitted, "已受理"},
                                           {Status::kRejected, "不予立案"},
                                           {Status::kMerged, "已合并"},
                                           {Status::kRegistered, "已立案"},
                                           {Status::kDispatched, "已派遣"},
                                           {Status::kAccepted, "处置中"},
                                           {Status::kHandled, "处置完毕"},
                                           {Status::kVerified, "核查通过"},
                                           {Status::kClosed, "已结案"},
                                           {Status::kReopened, "重新办理"}}};
constexpr Names<Action, 17> kActions{{{Action::kSubmit, "submit"},
                                      {Action::kRegister, "register"},
                                      {Action::kReject, "reject"},
                                      {Action::kMerge, "merge"},
                                      {Action::kDispatch, "dispatch"},
                                      {Action::kAccept, "accept"},
                                      {Action::kReturn, "return"},
                                      {Action::kHandle, "handle"},
                                      {Action::kVerify, "verify"},
                                      {Action::kClose, "close"},
                                      {Action::kExtend, "extend"},
                                      {Action::kApproveExtension, "approve_extension"},
                                      {Action::kSupervise, "supervise"},
                                      {Action::kSummon, "summon"},
                                      {Action::kReport, "report"},
                                      {Action::kEvaluate, "evaluate"},
                                      {Action::kOverdue, "overdue"}}};
constexpr Names<Action, 17> kActionLabelsZh{{{Action::kSubmit, "受理诉求"},
                                             {Action::kRegister, "立案"},
                                             {Action::kReject, "不予立案"},
                                             {Action::kMerge, "合并办理"},
                                             {Action::kDispatch, "派遣"},
                                             {Action::kAccept, "签收"},
                                             {Action::kReturn, "退单"},
                                             {Action::kHandle, "处置完毕"},
                                             {Action::kVerify, "核查"},
                                             {Action::kClose, "结案"},
                                             {Action::kExtend, "申请延期"},
                                             {Action::kApproveExtension, "批准延期"},
                                             {Action::kSupervise, "督办"},
                                             {Action::kSummon, "吹哨召集"},
                                             {Action::kReport, "报到"},
                                             {Action::kEvaluate, "评价"},
                                             {Action::kOverdue, "超期"}}};
constexpr Names<Action, 17> kActionLabelsEn{{{Action::kSubmit, "Appeal received"},
                                             {Action::kRegister, "Registered"},
                                             {Action::kReject, "Not registered"},
                                             {Action::kMerge, "Merged"},
                                             {Action::kDispatch, "Dispatched"},
                                             {Action::kAccept, "Accepted"},
                                             {Action::kReturn, "Returned"},
                                             {Action::kHandle, "Handled"},
                                             {Action::kVerify, "Verified"},
                                             {Action::kClose, "Closed"},
                                             {Action::kExtend, "Extension requested"},
                                             {Action::kApproveExtension, "Extension approved"},
                                             {Action::kSupervise, "Supervised"},
                                             {Action::kSummon, "Departments summoned"},
                                             {Action::kReport, "Department reported"},
                                             {Action::kEvaluate, "Evaluated"},
                                             {Action::kOverdue, "Overdue"}}};

}  // namespace

std::string_view name(AppealType t) { return kTypes.of(t); }
std::string_view name(Channel c) { return kChannels.of(c); }
std::string_view name(Urgency u) { return kUrgencies.of(u); }
std::string_view name(Status s) { return kStatuses.of(s); }
std::string_view name(Action a) { return kActions.of(a); }
std::optional<AppealType> parse_appeal_type(std::string_view s) { return kTypes.parse(s); }
std::optional<Channel> parse_channel(std::string_view s) { return kChannels.parse(s); }
std::optional<Urgency> parse_urgency(std::string_view s) { return kUrgencies.parse(s); }
std::optional<Status> parse_status(std::string_view s) { return kStatuses.parse(s); }
std::optional<Action> parse_action(std::string_view s) { return kActions.parse(s); }
std::string_view label_zh(Status s) { return kStatusLabels.of(s); }
std::string_view label_zh(Action a) { return kActionLabelsZh.of(a); }
std::string_view label_en(Action a) { return kActionLabelsEn.of(a); }

bool is_open(Status s) {
  return s != Status::kClosed && s != Status::kRejected && s != Status::kMerged;
}

}  // namespace civicgrid::cases
