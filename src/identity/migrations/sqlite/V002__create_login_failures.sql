-- Failed logins per username ('user:<name>') and per client address ('addr:<address>') in the
-- current window, shared by every server over the store so that N servers do not give N times the
-- attempts. A row whose window has passed counts as none; such rows are pruned now and then.
CREATE TABLE login_failures (
  throttle_key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  failures INTEGER NOT NULL
);
CREATE INDEX login_failures_window ON login_failures(window_start);
