-- Entries not yet chained. On PostgreSQL a write transaction inserts its audit entry here and
-- touches no shared row; one linker at a time (the holder of an advisory lock among all servers)
-- moves committed entries into audit_log in batches, giving them gap-free chain numbers and hashes
-- and advancing audit_head (docs/adr/0004-audit-chain.md). An entry is durable from the commit of
-- its transaction; until it is linked the chain does not protect it. The id (a sequence) only
-- orders a batch: ids commit out of order, so the linker takes every visible row, not those past
-- a cursor.
CREATE TABLE audit_pending (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL DEFAULT '',
  target_id TEXT NOT NULL DEFAULT '',
  remote TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
