// Value types of the case workflow: an appeal (诉求) becomes a case (工单) that moves through the
// closed loop intake → register → dispatch → accept → handle → verify → close → evaluation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace civicgrid::cases {

enum class AppealType { kComplaint, kRequest, kSuggestion, kConsultation, kReport, kPraise };
enum class Channel { kWeb, kApp, kHotline, kWechat, kOpen311, kPatrol, kImport };
enum class Urgency { kNormal, kUrgent, kEmergency };

enum class Status {
  kSubmitted,   // 已受理, waiting to be registered
  kRejected,    // 不予立案 (terminal)
  kMerged,      // merged into another case as a duplicate (terminal)
  kRegistered,  // 已立案, waiting for dispatch (also after a return 退单)
  kDispatched,  // 已派遣, waiting for the lead department to accept
  kAccepted,    // 已签收, being handled (also after failed verification: rework 返工)
  kHandled,     // 处置完毕, waiting for verification
  kVerified,    // 核查通过, waiting to be closed
  kClosed,      // 已结案 (evaluation may follow)
  kReopened,    // reopened after an unresolved and unsatisfied evaluation: supervised, to re-dispatch
};

enum class Action {
  kSubmit,
  kRegister,
  kReject,
  kMerge,
  kDispatch,
  kAccept,
  kReturn,
  kHandle,
  kVerify,
  kClose,
  kExtend,
  kApproveExtension,
  kSupervise,
  kSummon,
  kReport,
  kEvaluate,
  kOverdue,  // system: the time limit passed
};

inline constexpr Status kAllStatuses[] = {
    Status::kSubmitted, Status::kRejected, Status::kMerged,   Status::kRegistered, Status::kDispatched,
    Status::kAccepted,  Status::kHandled,  Status::kVerified, Status::kClosed,     Status::kReopened};
inline constexpr Action kAllActions[] = {
    Action::kSubmit, Action::kRegister, Action::kReject,          Action::kMerge,
    Action::kDispatch, Action::kAccept, Action::kReturn,          Action::kHandle,
    Action::kVerify, Action::kClose,    Action::kExtend,          Action::kApproveExtension,
    Action::kSupervise, Action::kSummon, Action::kReport,         Action::kEvaluate,
    Action::kOverdue};

std::string_view name(AppealType t);
std::string_view name(Channel c);
std::string_view name(Urgency u);
std::string_view name(Status s);
std::string_view name(Action a);
std::optional<AppealType> parse_appeal_type(std::string_view s);
std::optional<Channel> parse_channel(std::string_view s);
std::optional<Urgency> parse_urgency(std::string_view s);
std::optional<Status> parse_status(std::string_view s);
std::optional<Action> parse_action(std::string_view s);
// Display labels for residents and staff.
std::string_view label_zh(Status s);
std::string_view label_zh(Action a);
std::string_view label_en(Action a);

// Open = still in the loop (not closed, rejected or merged).
bool is_open(Status s);

struct Location {
  double lat = 0;
  double lon = 0;
};

struct Participant {
  std::string unit;           // department (or other handling unit) code
  std::string role;           // "lead", "co", "summoned"
  Timestamp assigned_at = 0;
  Timestamp due_at = 0;       // accept deadline (lead) or report deadline (summoned)
  Timestamp accepted_at = 0;  // lead: 签收; summoned: 报到
  bool active = true;         // false once returned or superseded by a new dispatch
};

struct Evaluation {
  std::string resolved;      // resolved | partly | unresolved
  std::string satisfaction;  // satisfied | basically_satisfied | unsatisfied
  std::string comment;
  Timestamp at = 0;
};

struct Case {
  std::int64_t id = 0;
  std::string tracking_code;
  std::string external_id;  // imported cases
  AppealType type = AppealType::kComplaint;
  Channel channel = Channel::kWeb;
  Urgency urgency = Urgency::kNormal;
  std::string title;
  std::string description;
  std::string category;  // category code, may be empty until registration
  std::optional<Location> location;
  std::string address;
  std::string area;  // most specific org area known: grid, else street/district
  std::string grid;
  std::string contact_name;   // personal data
  std::string contact_phone;  // personal data
  bool anonymous = false;
  std::string submitted_by;  // Principal::actor() of the submitter
  Status status = Status::kSubmitted;
  std::string lead;  // lead department while dispatched
  std::vector<Participant> participants;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  Timestamp deadline_at = 0;  // the handling time limit
  Timestamp closed_at = 0;
  bool overdue = false;
  int supervisions = 0;
  int reworks = 0;
  int returns = 0;
  int extension_days_pending = 0;  // an extension requested and not yet approved
  std::string extension_reason;
  std::string result;  // what the department did
  std::string reply;   // the reply to the resident
  std::int64_t merged_into = 0;
  std::optional<Evaluation> evaluation;
  std::int64_t version = 0;
};

struct CaseEvent {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  Timestamp at = 0;
  Action action = Action::kSubmit;
  std::string actor;       // Principal::actor(); never shown to the public
  std::string actor_unit;  // the department or centre that acted, shown publicly
  Status from = Status::kSubmitted;
  Status to = Status::kSubmitted;
  std::string data = "{}";  // the action's body (JSON), e.g. {"department": ..., "note": ...}
  std::string public_note;  // what the public timeline may show (no personal data)
};

}  // namespace civicgrid::cases
