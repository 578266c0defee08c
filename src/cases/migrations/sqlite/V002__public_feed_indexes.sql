-- Indexes for public feeds (Open311 GET requests and servicerequestupdates): filters by category and
-- status ordered by intake time, update-time windows, and the timeline by time.
CREATE INDEX cases_category_created ON cases(category, created_at);
CREATE INDEX cases_status_created ON cases(status, created_at);
CREATE INDEX cases_updated ON cases(updated_at);
CREATE INDEX case_events_at ON case_events(at);
