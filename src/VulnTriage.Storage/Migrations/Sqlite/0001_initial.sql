-- 0001: decisions (append-only audit trail) and saved runs.
CREATE TABLE decisions (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT    NOT NULL UNIQUE,
    advisory_id       TEXT    NOT NULL,
    selector_kind     TEXT    NOT NULL CHECK (selector_kind IN ('host', 'cpu', 'platform', 'service', 'role')),
    selector_value    TEXT    NOT NULL,
    verdict           TEXT    NOT NULL CHECK (verdict IN ('not_affected', 'affected', 'fixed', 'accepted_risk')),
    vex_justification TEXT,
    justification     TEXT    NOT NULL,
    evidence_url      TEXT,
    author            TEXT    NOT NULL,
    decided_at        TEXT    NOT NULL,
    revokes           TEXT    REFERENCES decisions (id)
);
-- A decision is revoked at most once.
CREATE UNIQUE INDEX decisions_revokes ON decisions (revokes) WHERE revokes IS NOT NULL;
CREATE INDEX decisions_advisory ON decisions (advisory_id);

-- Nothing is ever deleted or rewritten: the audit trail is append-only.
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only; record a revocation instead');
END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only; record a revocation instead');
END;

CREATE TABLE runs (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,
    saved_at     TEXT    NOT NULL,
    inventory    TEXT    NOT NULL,
    tool_version TEXT    NOT NULL
);

CREATE TABLE run_advisories (
    run_seq     INTEGER NOT NULL REFERENCES runs (seq),
    advisory_id TEXT    NOT NULL,
    PRIMARY KEY (run_seq, advisory_id)
);
CREATE INDEX run_advisories_advisory ON run_advisories (advisory_id, run_seq);

CREATE TABLE run_findings (
    run_seq         INTEGER NOT NULL REFERENCES runs (seq),
    advisory_id     TEXT    NOT NULL,
    host_id         TEXT    NOT NULL,
    host_name       TEXT    NOT NULL,
    verdict         TEXT    NOT NULL,
    stage           TEXT    NOT NULL,
    machine_verdict TEXT,
    machine_stage   TEXT,
    decision_id     TEXT,
    clauses         TEXT    NOT NULL,
    PRIMARY KEY (run_seq, advisory_id, host_id)
) WITHOUT ROWID;
