-- Categories (the three-level tree), dispatch rules and time limits: configuration as data.
CREATE TABLE categories (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  parent_code TEXT REFERENCES categories(code),
  level BIGINT NOT NULL,
  is_public BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE routing_rules (
  id BIGSERIAL PRIMARY KEY,
  category_code TEXT NOT NULL,
  area_code TEXT NOT NULL DEFAULT '',
  lead_unit TEXT NOT NULL,
  co_units TEXT NOT NULL DEFAULT '',
  UNIQUE (category_code, area_code)
);

CREATE TABLE time_limits (
  id BIGSERIAL PRIMARY KEY,
  category_code TEXT NOT NULL DEFAULT '',
  urgency TEXT NOT NULL,
  accept_working_minutes BIGINT NOT NULL DEFAULT 0,
  accept_natural_minutes BIGINT NOT NULL DEFAULT 0,
  handle_working_days BIGINT NOT NULL DEFAULT 0,
  handle_natural_minutes BIGINT NOT NULL DEFAULT 0,
  UNIQUE (category_code, urgency)
);
-- National practice: 24 working hours to accept and 7 working days to handle an ordinary case;
-- urgent ones (water, power, gas, heating) within 24 hours; emergencies within 2 hours.
INSERT INTO time_limits (category_code, urgency, accept_working_minutes, accept_natural_minutes, handle_working_days, handle_natural_minutes)
VALUES ('', 'normal', 1440, 0, 7, 0), ('', 'urgent', 0, 120, 0, 1440), ('', 'emergency', 0, 30, 0, 120);

CREATE TABLE cases (
  id BIGSERIAL PRIMARY KEY,
  tracking_code TEXT NOT NULL UNIQUE,
  external_id TEXT UNIQUE,
  type TEXT NOT NULL,
  channel TEXT NOT NULL,
  urgency TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  address TEXT NOT NULL DEFAULT '',
  area TEXT NOT NULL DEFAULT '',
  grid TEXT NOT NULL DEFAULT '',
  contact_name TEXT NOT NULL DEFAULT '',
  contact_phone TEXT NOT NULL DEFAULT '',
  anonymous BIGINT NOT NULL DEFAULT 0,
  submitted_by TEXT NOT NULL,
  status TEXT NOT NULL,
  lead TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deadline_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL DEFAULT 0,
  overdue BIGINT NOT NULL DEFAULT 0,
  supervisions BIGINT NOT NULL DEFAULT 0,
  reworks BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  extension_days_pending BIGINT NOT NULL DEFAULT 0,
  extension_reason TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT '',
  reply TEXT NOT NULL DEFAULT '',
  merged_into BIGINT NOT NULL DEFAULT 0,
  eval_resolved TEXT NOT NULL DEFAULT '',
  eval_satisfaction TEXT NOT NULL DEFAULT '',
  eval_comment TEXT NOT NULL DEFAULT '',
  evaluated_at BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_area ON cases(area, id);
CREATE INDEX cases_lead ON cases(lead, id);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_open_deadline ON cases(deadline_at) WHERE overdue = 0 AND closed_at = 0;

-- Departments on a case: the lead and co-handlers of the current dispatch, and summoned departments.
CREATE TABLE case_participants (
  case_id BIGINT NOT NULL REFERENCES cases(id),
  unit TEXT NOT NULL,
  role TEXT NOT NULL,
  assigned_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  accepted_at BIGINT NOT NULL DEFAULT 0,
  active BIGINT NOT NULL DEFAULT 1,
  seq BIGINT NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX case_participants_unit ON case_participants(unit, case_id);

-- The timeline: every transition, written in the same transaction as the case's new state.
CREATE TABLE case_events (
  id BIGSERIAL PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_unit TEXT NOT NULL DEFAULT '',
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events(case_id, id);
