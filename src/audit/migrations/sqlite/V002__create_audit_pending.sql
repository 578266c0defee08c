-- Entries not yet chained: the same table as on PostgreSQL, where write transactions insert here
-- and a linker chains them after commit. SQLite has one writer and chains each entry inline (the
-- head costs no contention there), so this table stays empty; it exists so that both engines keep
-- one schema and `audit verify` one meaning (docs/adr/0004-audit-chain.md).
CREATE TABLE audit_pending (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL DEFAULT '',
  target_id TEXT NOT NULL DEFAULT '',
  remote TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
