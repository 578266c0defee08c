// Reply quality (答复意见质量): how well an official reply answers a resident's message, scored on
// relevance, completeness, interpretability and timeliness. Part of the text module's public
// interface (with text.h). Pure and thread-safe. Formula: src/text/README.md ("Reply quality").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "core/work_calendar.h"

namespace civicgrid::text {

struct WeakPoint {
  std::string code;  // stable identifier: off_topic, no_greeting, no_closing, too_short, ...
  std::string zh;
  std::string en;
};

struct ReplyQuality {
  double relevance = 0;     // shared words and bigrams of message and reply, 0–1
  double completeness = 0;  // greeting, substance, a result or an answer, closing, 0–1
  double interpretability = 0;  // reasons, legal or policy basis (《…》, 根据, 条例, 第X条), 0–1
  std::optional<double> timeliness;          // from working days; absent without both times
  std::optional<std::int64_t> working_days;  // working days from message to reply
  double total = 0;  // weighted mean of the parts present (weights 0.3/0.25/0.2/0.25)
  std::vector<WeakPoint> weak_points;  // in a fixed order; empty for a good reply
};

struct ReplyInput {
  std::string_view message;  // the resident's title and text
  std::string_view reply;
  std::optional<Timestamp> message_time;
  std::optional<Timestamp> reply_time;
};

// Scores a reply. `calendar` counts working days (holidays, adjusted workdays); without one,
// Monday–Friday. Scores are rounded to 3 decimals.
ReplyQuality score_reply(const ReplyInput& in, const WorkCalendar* calendar = nullptr);

}  // namespace civicgrid::text
