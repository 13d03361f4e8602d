-- 0004: saved runs keep their evidence and their error; API tokens. Twin of Migrations/Sqlite/0004_evidence_errors_tokens.sql.
ALTER TABLE runs ADD COLUMN error text;

-- Each distinct evidence array of a run once (JSON text: the json/jsonb types would refuse a \u0000 in a hostile
-- host name or CPU string, text keeps the escaped form); findings point at it.
CREATE TABLE run_evidence (
    run_seq  bigint  NOT NULL REFERENCES runs (seq),
    id       integer NOT NULL,
    evidence text    NOT NULL,
    PRIMARY KEY (run_seq, id)
);
ALTER TABLE run_findings ADD COLUMN evidence_id integer;

-- API tokens: never the secret, only a random salt and HMAC-SHA-256(salt, secret) (docs/decisions.md).
CREATE TABLE api_tokens (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           text        NOT NULL UNIQUE,
    name         text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('viewer', 'decider', 'admin')),
    salt         bytea       NOT NULL,
    hash         bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- A token row is never deleted; only its last use may change, and it may be revoked once (never un-revoked).
CREATE FUNCTION api_tokens_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'api tokens are never deleted; revoke them instead' USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.seq IS DISTINCT FROM OLD.seq OR NEW.id IS DISTINCT FROM OLD.id OR NEW.name IS DISTINCT FROM OLD.name
       OR NEW.role IS DISTINCT FROM OLD.role OR NEW.salt IS DISTINCT FROM OLD.salt OR NEW.hash IS DISTINCT FROM OLD.hash
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at) THEN
        RAISE EXCEPTION 'api tokens: only last_used_at may change, and revoked_at once' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER api_tokens_guard BEFORE UPDATE OR DELETE ON api_tokens FOR EACH ROW EXECUTE FUNCTION api_tokens_guard();
CREATE TRIGGER api_tokens_no_truncate BEFORE TRUNCATE ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION api_tokens_guard();
