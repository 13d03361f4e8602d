-- 0004: saved runs keep their evidence and their error; API tokens.
-- A failed run (a scheduled triage whose inventory could not be read) is kept with its error and no findings.
ALTER TABLE runs ADD COLUMN error TEXT;

-- The structured evidence of a run's findings, as JSON (one array of evidence records per row). Hosts with the same
-- hardware share one evaluation, so a run stores each distinct evidence array once and findings point at it.
CREATE TABLE run_evidence (
    run_seq  INTEGER NOT NULL REFERENCES runs (seq),
    id       INTEGER NOT NULL,
    evidence TEXT    NOT NULL,
    PRIMARY KEY (run_seq, id)
) WITHOUT ROWID;
ALTER TABLE run_findings ADD COLUMN evidence_id INTEGER;

-- API tokens: the secret is never stored, only a random salt and HMAC-SHA-256(salt, secret) (docs/decisions.md).
CREATE TABLE api_tokens (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('viewer', 'decider', 'admin')),
    salt         BLOB    NOT NULL,
    hash         BLOB    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
-- One active token per name (the name is the author of what the token records).
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- A token row is never deleted; only its last use may change, and it may be revoked once (never un-revoked).
CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
BEGIN
    SELECT RAISE(ABORT, 'api tokens are never deleted; revoke them instead');
END;
CREATE TRIGGER api_tokens_guard BEFORE UPDATE ON api_tokens
WHEN NEW.seq IS NOT OLD.seq OR NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.role IS NOT OLD.role
  OR NEW.salt IS NOT OLD.salt OR NEW.hash IS NOT OLD.hash OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS NOT OLD.revoked_at)
BEGIN
    SELECT RAISE(ABORT, 'api tokens: only last_used_at may change, and revoked_at once');
END;
