-- 0003: decisions may select hosts by label (selector kind 'label', issue 14). PostgreSQL changes a CHECK constraint
-- in place (SQLite had to rebuild the table): no row is rewritten, the audit trail and its triggers stay as they are.
ALTER TABLE decisions DROP CONSTRAINT decisions_selector_kind_check;
ALTER TABLE decisions ADD CONSTRAINT decisions_selector_kind_check
    CHECK (selector_kind IN ('host', 'cpu', 'platform', 'service', 'role', 'label'));
