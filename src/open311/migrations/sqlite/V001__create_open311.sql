-- Open311 GeoReport v2: what the adapter keeps beside the cases it creates.

-- The extra questions of a service (a public leaf category), shown by GET services/{code}. Admins edit
-- them as data; a POST must answer the required ones.
CREATE TABLE open311_attributes (
  service_code TEXT NOT NULL,
  code TEXT NOT NULL,
  datatype TEXT NOT NULL,
  variable INTEGER NOT NULL DEFAULT 1,
  required INTEGER NOT NULL DEFAULT 0,
  description TEXT NOT NULL DEFAULT '',
  datatype_description TEXT NOT NULL DEFAULT '',
  ord INTEGER NOT NULL,
  list_values TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (service_code, code)
);

-- What an Open311 client sent with a request beyond the case itself. `client` is the API key's name:
-- the channel the request came through. No personal data is kept here (the email is never stored).
CREATE TABLE open311_requests (
  case_id INTEGER PRIMARY KEY REFERENCES cases(id),
  client TEXT NOT NULL,
  address_id TEXT NOT NULL DEFAULT '',
  device_id TEXT NOT NULL DEFAULT '',
  account_id TEXT NOT NULL DEFAULT '',
  media_urls TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
);

-- The answers to a service's attributes; a multivaluelist answer has one row per key.
CREATE TABLE open311_attribute_values (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  code TEXT NOT NULL,
  seq INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (case_id, code, seq)
);

-- mySociety extension: updates (comments) a client such as FixMyStreet pushes to us with
-- POST servicerequestupdates. A client's own update_id is unique per client, so a retried POST
-- returns the update it created the first time.
CREATE TABLE open311_updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  client TEXT NOT NULL,
  external_id TEXT NOT NULL,
  status TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  media_urls TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (client, external_id)
);
CREATE INDEX open311_updates_case ON open311_updates(case_id, id);
