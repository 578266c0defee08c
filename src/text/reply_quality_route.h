// HTTP route of reply-quality scoring: POST /api/v1/text/reply-quality for staff, and the JSON form
// of a score that the case workflow also shows with a handled case.
#pragma once

#include <boost/json/object.hpp>

#include "core/work_calendar.h"
#include "http/router.h"
#include "text/reply_quality.h"

namespace civicgrid::text {

// {"relevance", "completeness", "interpretability", "timeliness" (or null), "working_days" (or
// null), "total", "weak_points": [{"code", "zh", "en"}]}
boost::json::object reply_quality_json(const ReplyQuality& q);

// Body {"message", "reply", "message_time"?, "reply_time"?}; times as parse_local_time reads them.
// `calendar` must outlive the router.
void register_reply_quality_route(http::Router& router, const WorkCalendar& calendar);

}  // namespace civicgrid::text
