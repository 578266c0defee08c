// HTTP routes of the text module: POST /api/v1/text/classify for staff. Thin: JSON ⇄ suggester.
#pragma once

#include "http/router.h"
#include "text/text.h"

namespace civicgrid::text {

// `suggester` may be empty (no model loaded): the route then answers 503.
void register_routes(http::Router& router, CategorySuggester suggester);

// {"code", "name", "confidence"} of a guess; code is null when the label is not in the catalog.
boost::json::object guess_json(const CategoryGuess& g);
// {"category": {code, name}, "confidence", "alternatives": [guess_json...]}
boost::json::object suggestion_json(const CategorySuggestion& s);

}  // namespace civicgrid::text
