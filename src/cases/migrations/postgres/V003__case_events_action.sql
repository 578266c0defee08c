-- The analytics cube's start-up rebuild reads only the events that carry facts the case row lacks
-- (dispatch, accept, approve_extension) for a range of cases: by action, then case.
CREATE INDEX case_events_action ON case_events(action, case_id);
