-- 0003: decisions may select hosts by label (selector kind 'label', issue 14). SQLite cannot change a CHECK constraint
-- in place, so the table is rebuilt: the old one is renamed aside (its self-reference follows the rename), the new one
-- is filled with every row (seq and ids kept, in order), the old one is dropped, and the indexes and the append-only
-- triggers are created again. Nothing is lost from the audit trail. The migration runs in one transaction (all or
-- nothing); foreign keys are checked at its commit.
PRAGMA defer_foreign_keys = ON;

DROP TRIGGER decisions_no_update;
DROP TRIGGER decisions_no_delete;
DROP INDEX decisions_revokes;
DROP INDEX decisions_advisory;
ALTER TABLE decisions RENAME TO decisions_0002;

CREATE TABLE decisions (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT    NOT NULL UNIQUE,
    advisory_id       TEXT    NOT NULL,
    selector_kind     TEXT    NOT NULL CHECK (selector_kind IN ('host', 'cpu', 'platform', 'service', 'role', 'label')),
    selector_value    TEXT    NOT NULL,
    verdict           TEXT    NOT NULL CHECK (verdict IN ('not_affected', 'affected', 'fixed', 'accepted_risk')),
    vex_justification TEXT,
    justification     TEXT    NOT NULL,
    evidence_url      TEXT,
    author            TEXT    NOT NULL,
    decided_at        TEXT    NOT NULL,
    revokes           TEXT    REFERENCES decisions (id),
    all_verdicts      INTEGER NOT NULL DEFAULT 0 CHECK (all_verdicts IN (0, 1))
);
INSERT INTO decisions (seq, id, advisory_id, selector_kind, selector_value, verdict, vex_justification, justification, evidence_url, author, decided_at, revokes, all_verdicts)
    SELECT seq, id, advisory_id, selector_kind, selector_value, verdict, vex_justification, justification, evidence_url, author, decided_at, revokes, all_verdicts
    FROM decisions_0002 ORDER BY seq;
DROP TABLE decisions_0002;

CREATE UNIQUE INDEX decisions_revokes ON decisions (revokes) WHERE revokes IS NOT NULL;
CREATE INDEX decisions_advisory ON decisions (advisory_id);
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only; record a revocation instead');
END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only; record a revocation instead');
END;
