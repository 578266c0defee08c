-- The analytics configuration (composite weights per unit type, the weight of basically_satisfied,
-- the 复诉 window) as one JSON document, so every server over one store uses the same one. One row
-- at most (id = 1); no row means the defaults.
CREATE TABLE analytics_config (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  body TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL
);
