-- 0001: decisions (append-only audit trail) and saved runs. The PostgreSQL twin of Migrations/Sqlite/0001_initial.sql:
-- same tables, columns, constraints and append-only guarantee; times are timestamptz, sequences are identities.
CREATE TABLE decisions (
    seq               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                text        NOT NULL UNIQUE,
    advisory_id       text        NOT NULL,
    selector_kind     text        NOT NULL CONSTRAINT decisions_selector_kind_check CHECK (selector_kind IN ('host', 'cpu', 'platform', 'service', 'role')),
    selector_value    text        NOT NULL,
    verdict           text        NOT NULL CHECK (verdict IN ('not_affected', 'affected', 'fixed', 'accepted_risk')),
    vex_justification text,
    justification     text        NOT NULL,
    evidence_url      text,
    author            text        NOT NULL,
    decided_at        timestamptz NOT NULL,
    revokes           text        REFERENCES decisions (id)
);
-- A decision is revoked at most once.
CREATE UNIQUE INDEX decisions_revokes ON decisions (revokes) WHERE revokes IS NOT NULL;
CREATE INDEX decisions_advisory ON decisions (advisory_id);

-- Nothing is ever deleted or rewritten: the audit trail is append-only. Row triggers refuse UPDATE and DELETE, a
-- statement trigger refuses TRUNCATE (which skips row triggers).
CREATE FUNCTION decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'decisions are append-only; record a revocation instead' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions FOR EACH ROW EXECUTE FUNCTION decisions_append_only();
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions FOR EACH ROW EXECUTE FUNCTION decisions_append_only();
CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions FOR EACH STATEMENT EXECUTE FUNCTION decisions_append_only();

CREATE TABLE runs (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           text        NOT NULL UNIQUE,
    saved_at     timestamptz NOT NULL,
    inventory    text        NOT NULL,
    tool_version text        NOT NULL
);

CREATE TABLE run_advisories (
    run_seq     bigint NOT NULL REFERENCES runs (seq),
    advisory_id text   NOT NULL,
    PRIMARY KEY (run_seq, advisory_id)
);
CREATE INDEX run_advisories_advisory ON run_advisories (advisory_id, run_seq);

CREATE TABLE run_findings (
    run_seq         bigint NOT NULL REFERENCES runs (seq),
    advisory_id     text   NOT NULL,
    host_id         text   NOT NULL,
    host_name       text   NOT NULL,
    verdict         text   NOT NULL,
    stage           text   NOT NULL,
    machine_verdict text,
    machine_stage   text,
    decision_id     text,
    clauses         text   NOT NULL,
    PRIMARY KEY (run_seq, advisory_id, host_id)
);
